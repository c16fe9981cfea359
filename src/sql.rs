//! `trailcheck sql`: the data team's door to the lake (docs/design.md sections 1 and 7).
//!
//! Every statement runs through the one [`Session`] (`Session::open`: views stay lazy)
//! and is read-only: DataFusion's [`SQLOptions`] refuse anything that would write or
//! change something (DDL, DML, `COPY ... TO`, `SET`, ...). Results go to the one
//! output sink of every command ([`crate::output`]): an arrow table, CSV, JSON, NDJSON,
//! or Parquet. Input is one query, a file of `;`-separated
//! statements, stdin, or an interactive REPL (history, multi-line statements, tab
//! completion of table names, `\d` and `\d NAME`).

use std::path::PathBuf;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use datafusion::execution::context::SQLOptions;

use crate::error::{Error, Result};
pub use crate::output::Output;
use crate::output::Sink;
use crate::session::Session;

/// The statements `trailcheck sql` and `serve` run: queries only.
pub fn read_only() -> SQLOptions {
    SQLOptions::new()
        .with_allow_ddl(false)
        .with_allow_dml(false)
        .with_allow_statements(false)
}

/// First words of statements that write or change something (used to explain a
/// statement DataFusion could not even plan, e.g. `UPDATE` on a Parquet table).
const WRITE_WORDS: &[&str] = &[
    "insert",
    "update",
    "delete",
    "merge",
    "create",
    "drop",
    "alter",
    "truncate",
    "copy",
    "set",
    "reset",
    "grant",
    "revoke",
    "begin",
    "commit",
    "rollback",
    "start",
    "prepare",
    "execute",
    "deallocate",
    "use",
    "attach",
    "detach",
    "vacuum",
    "load",
    "install",
    "replace",
    "upsert",
];

fn read_only_error(sql: &str, detail: &str) -> Error {
    let word = first_word(sql).to_uppercase();
    Error::Usage(format!(
        "read-only: trailcheck sql runs queries only and refuses {word} (statements that write, \
         create, copy to files or change settings): {detail}"
    ))
}

fn first_word(sql: &str) -> String {
    let (stmts, rest) = split_statements(sql);
    let s = stmts.into_iter().next().unwrap_or(rest);
    strip_leading_comments(&s)
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn strip_leading_comments(mut s: &str) -> &str {
    loop {
        s = s.trim_start();
        if let Some(r) = s.strip_prefix("--") {
            s = r.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(r) = s.strip_prefix("/*") {
            s = r.split_once("*/").map_or("", |(_, r)| r);
        } else {
            return s;
        }
    }
}

/// Run one statement (SQL, or `\d` / `\d NAME`) read-only and collect its result.
pub async fn execute(session: &Session, statement: &str) -> Result<Output> {
    let text = statement.trim().trim_end_matches(';').trim();
    if let Some(meta) = text.strip_prefix('\\') {
        return meta_command(session, meta).await;
    }
    let state = session.ctx.state();
    let plan = match state.create_logical_plan(text).await {
        Ok(p) => p,
        Err(e) => {
            if WRITE_WORDS.contains(&first_word(text).as_str()) {
                return Err(read_only_error(text, &e.to_string()));
            }
            return Err(e.into());
        }
    };
    if let Err(e) = read_only().verify_plan(&plan) {
        return Err(read_only_error(text, &e.to_string()));
    }
    let df = session.ctx.execute_logical_plan(plan).await?;
    let schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
    let batches = df.collect().await?;
    Ok(Output { schema, batches })
}

/// `\d` lists the tables and views; `\d NAME` a table's columns.
async fn meta_command(session: &Session, meta: &str) -> Result<Output> {
    let mut words = meta.split_whitespace();
    let cmd = words.next().unwrap_or("");
    let sql = match (cmd, words.next()) {
        ("d" | "dt", None) => "SELECT table_name, table_type FROM information_schema.tables \
             WHERE table_schema = 'public' ORDER BY table_name"
            .to_string(),
        ("d", Some(name)) => {
            let name = name.trim_matches('"');
            format!(
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name = '{}' ORDER BY ordinal_position",
                name.replace('\'', "''")
            )
        }
        _ => {
            return Err(Error::Usage(format!(
                "unknown command \\{meta}: \\d lists tables, \\d NAME a table's columns, \\q quits"
            )));
        }
    };
    let df = session.ctx.sql(&sql).await?;
    let schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
    let batches = df.collect().await?;
    let out = Output { schema, batches };
    if out.rows() == 0 && cmd == "d" && meta.split_whitespace().nth(1).is_some() {
        return Err(Error::Usage(format!(
            "no table or view named {:?}: \\d lists them",
            meta.split_whitespace().nth(1).unwrap_or("")
        )));
    }
    Ok(out)
}

/// The table and view names of the session (for `\d` and tab completion).
pub async fn table_names(session: &Session) -> Result<Vec<String>> {
    let out = meta_command(session, "d").await?;
    let mut names = Vec::new();
    for b in &out.batches {
        let c = arrow::array::AsArray::as_string::<i32>(b.column(0).as_ref());
        use arrow::array::Array;
        for i in 0..c.len() {
            names.push(c.value(i).to_string());
        }
    }
    Ok(names)
}

/// Split SQL text into `;`-terminated statements, respecting quotes and comments.
/// Returns the complete statements and what follows the last `;` (empty when that is
/// only whitespace and comments). Statements that are only comments are dropped.
pub fn split_statements(text: &str) -> (Vec<String>, String) {
    #[derive(PartialEq)]
    enum St {
        Normal,
        Single,
        Double,
        Line,
        Block,
    }
    let mut st = St::Normal;
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut meaningful = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match st {
            St::Normal => match c {
                '\'' => {
                    st = St::Single;
                    meaningful = true;
                    cur.push(c);
                }
                '"' => {
                    st = St::Double;
                    meaningful = true;
                    cur.push(c);
                }
                '-' if chars.peek() == Some(&'-') => {
                    st = St::Line;
                    cur.push(c);
                }
                '/' if chars.peek() == Some(&'*') => {
                    st = St::Block;
                    cur.push(c);
                    cur.push(chars.next().unwrap_or('*'));
                }
                ';' => {
                    if meaningful {
                        out.push(cur.trim().to_string());
                    }
                    cur.clear();
                    meaningful = false;
                }
                _ => {
                    if !c.is_whitespace() {
                        meaningful = true;
                    }
                    cur.push(c);
                }
            },
            St::Single => {
                cur.push(c);
                if c == '\'' {
                    st = St::Normal;
                }
            }
            St::Double => {
                cur.push(c);
                if c == '"' {
                    st = St::Normal;
                }
            }
            St::Line => {
                cur.push(c);
                if c == '\n' {
                    st = St::Normal;
                }
            }
            St::Block => {
                cur.push(c);
                if c == '*' && chars.peek() == Some(&'/') {
                    cur.push(chars.next().unwrap_or('/'));
                    st = St::Normal;
                }
            }
        }
    }
    let rest = if meaningful || st == St::Single || st == St::Double {
        cur.trim().to_string()
    } else {
        String::new()
    };
    (out, rest)
}

/// Run every statement of `text` in order, writing each result; stops at the first
/// error, naming the statement.
pub async fn run_script(session: &Session, text: &str, sink: &mut Sink) -> Result<()> {
    let (mut stmts, rest) = split_statements(text);
    if !rest.is_empty() {
        stmts.push(rest);
    }
    if stmts.is_empty() {
        return Err(Error::Usage("no SQL statement given".into()));
    }
    let many = stmts.len() > 1;
    for (i, s) in stmts.iter().enumerate() {
        let out = execute(session, s).await.map_err(|e| {
            if many {
                Error::Usage(format!("statement {} ({}): {e}", i + 1, abbreviate(s)))
            } else {
                e
            }
        })?;
        sink.write(&out)?;
    }
    Ok(())
}

fn abbreviate(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 60 {
        format!("{}...", one.chars().take(57).collect::<String>())
    } else {
        one
    }
}

// ---------------------------------------------------------------- REPL

struct ReplHelper {
    names: Vec<String>,
}

impl rustyline::completion::Completer for ReplHelper {
    type Candidate = String;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let start = line[..pos]
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let prefix = line[start..pos].to_lowercase();
        let found = self
            .names
            .iter()
            .filter(|n| n.to_lowercase().starts_with(&prefix))
            .cloned()
            .collect();
        Ok((start, found))
    }
}
impl rustyline::hint::Hinter for ReplHelper {
    type Hint = String;
}
impl rustyline::highlight::Highlighter for ReplHelper {}
impl rustyline::validate::Validator for ReplHelper {}
impl rustyline::Helper for ReplHelper {}

fn history_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".trailcheck_history"))
}

/// The interactive shell: statements end with `;` and may span lines; `\d`, `\d NAME`,
/// `\q`. Errors are printed and the shell goes on.
pub fn repl(rt: &tokio::runtime::Runtime, session: &Session, sink: &mut Sink) -> Result<()> {
    use rustyline::error::ReadlineError;
    let mut names = rt.block_on(table_names(session))?;
    names.extend(
        [
            "SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "LIMIT", "JOIN", "COUNT",
        ]
        .map(String::from),
    );
    let config = rustyline::Config::builder().auto_add_history(false).build();
    let mut rl =
        rustyline::Editor::<ReplHelper, rustyline::history::DefaultHistory>::with_config(config)
            .map_err(|e| Error::Usage(format!("terminal: {e}")))?;
    rl.set_helper(Some(ReplHelper { names }));
    let hist = history_path();
    if let Some(h) = &hist {
        let _ = rl.load_history(h);
    }
    eprintln!(
        "trailcheck sql on {} (as of {}). Statements end with ';'. \\d lists tables, \\d NAME \
         its columns, \\q quits.",
        session.lake.root.display(),
        crate::time::format_micros(session.as_of)
    );
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() {
            "trailcheck> "
        } else {
            "        ...> "
        };
        let line = match rl.readline(prompt) {
            Ok(l) => l,
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(Error::Usage(format!("terminal: {e}"))),
        };
        let trimmed = line.trim();
        if buffer.is_empty() && trimmed.starts_with('\\') {
            let _ = rl.add_history_entry(trimmed);
            if matches!(trimmed, "\\q" | "\\quit") {
                break;
            }
            report(rt, session, trimmed, sink);
            continue;
        }
        if !buffer.is_empty() {
            buffer.push('\n');
        }
        buffer.push_str(&line);
        let (stmts, rest) = split_statements(&buffer);
        if stmts.is_empty() && !rest.is_empty() {
            continue;
        }
        let _ = rl.add_history_entry(buffer.trim());
        for s in &stmts {
            report(rt, session, s, sink);
        }
        buffer = rest;
    }
    if let Some(h) = &hist {
        let _ = rl.save_history(h);
    }
    Ok(())
}

fn report(rt: &tokio::runtime::Runtime, session: &Session, stmt: &str, sink: &mut Sink) {
    let t = std::time::Instant::now();
    match rt.block_on(execute(session, stmt)) {
        Ok(out) => {
            let n = out.rows();
            if let Err(e) = sink.write(&out) {
                eprintln!("error: {e}");
            } else {
                eprintln!("{n} rows in {:.3} s", t.elapsed().as_secs_f64());
            }
        }
        Err(e) => eprintln!("error: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_semicolons_outside_quotes_and_comments() {
        let (s, rest) = split_statements(
            "-- a; comment\nSELECT ';' AS a;\n/* b; */ SELECT \"x;y\" FROM t ; ;\nSELECT 3",
        );
        assert_eq!(
            s,
            vec![
                "-- a; comment\nSELECT ';' AS a",
                "/* b; */ SELECT \"x;y\" FROM t"
            ]
        );
        assert_eq!(rest, "SELECT 3");
        let (s, rest) = split_statements("SELECT 1; -- trailing comment\n");
        assert_eq!((s.len(), rest.as_str()), (1, ""));
        // An open quote is an unfinished statement (the REPL keeps reading).
        let (s, rest) = split_statements("SELECT 'a;");
        assert_eq!((s.len(), rest.as_str()), (0, "SELECT 'a;"));
    }

    #[test]
    fn first_word_skips_comments() {
        assert_eq!(first_word("-- x\n /* y */ update t set a = 1"), "update");
        assert_eq!(first_word("  (SELECT 1)"), "select");
    }
}
