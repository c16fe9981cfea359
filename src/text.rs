//! Log text on its way to a terminal or a Markdown file.
//!
//! Whoever writes the logs writes the tenants, actor names, user agents and error
//! details trailcheck prints. Raw, `ESC [2J` clears the analyst's screen, OSC 0 sets the
//! window title, OSC 52 writes the clipboard, a carriage return overwrites the line
//! and U+202E turns the rest of it around. [`terminal`] shows every such character as
//! a visible escape (`\u{1b}`), so what is printed is what the log holds; [`markdown`]
//! does the same and escapes what would change a Markdown table or add markup.
//! (HTML and CSV have their own escaping where they are written.)

use std::borrow::Cow;

/// Characters that change how a terminal shows text rather than being text: C0 and
/// C1 controls, DEL, and the Unicode bidirectional controls.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every control and bidirectional-control character written as `\u{..}`.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` for one Markdown table cell or line: no HTML (`<`, `>`, `&` as entities),
/// no table or emphasis syntax (`|`, backtick, `*`, `_`, `[`, `]`, `#` and `\`
/// escaped), line breaks as spaces, and the rest of [`terminal`].
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '`' | '*' | '_' | '[' | ']' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// [`terminal`] for a block of lines (a rendered table): line breaks stay.
pub fn terminal_lines(text: &str) -> String {
    text.split('\n')
        .map(terminal)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_make_controls_visible_and_leave_text_alone() {
        assert_eq!(terminal("acme-corp é 東京"), "acme-corp é 東京");
        assert!(matches!(terminal("plain"), Cow::Borrowed(_)));
        assert_eq!(
            terminal("\u{1b}[2J\u{1b}[HALL CLEAR"),
            "\\u{1b}[2J\\u{1b}[HALL CLEAR"
        );
        assert_eq!(terminal("a\rb\nc\td"), "a\\u{d}b\\u{a}c\\u{9}d");
        assert_eq!(
            terminal("\u{1b}]52;c;ZXZpbA==\u{7}"),
            "\\u{1b}]52;c;ZXZpbA==\\u{7}"
        );
        assert_eq!(terminal("gpj.\u{202e}exe"), "gpj.\\u{202e}exe");
        assert_eq!(terminal("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(
            markdown("a|b <script> **x**\r\n\u{1b}]0;pwned\u{7}"),
            "a\\|b &lt;script&gt; \\*\\*x\\*\\*  \\u{1b}\\]0;pwned\\u{7}"
        );
        assert_eq!(terminal_lines("a\u{1b}\nb"), "a\\u{1b}\nb");
    }
}
