//! `trailcheck rules` and `trailcheck providers`: what this build knows.

use super::ExitStatus;

pub fn rules() -> anyhow::Result<ExitStatus> {
    for q in crate::session::rules() {
        println!("{}", rule_doc(q));
    }
    Ok(ExitStatus::Ok)
}

pub fn providers() -> anyhow::Result<ExitStatus> {
    for p in crate::providers::PROVIDERS {
        println!("{:<18} {}", p.name, p.title);
    }
    Ok(ExitStatus::Ok)
}

/// A rule's documentation: its SQL header without the comment markers.
pub fn rule_doc(q: &crate::session::Query) -> String {
    let mut out = String::new();
    for line in q
        .sql
        .lines()
        .take_while(|l| l.trim_start().starts_with("--"))
    {
        let text = line.trim_start().trim_start_matches("--");
        let text = text.strip_prefix(' ').unwrap_or(text);
        if let Some(id) = text.strip_prefix("rule: ") {
            out.push_str(&format!("# {id}\n"));
        } else if let Some(title) = text.strip_prefix("title: ") {
            out.push_str(&format!("{title}\n"));
        } else {
            out.push_str(text);
            out.push('\n');
        }
    }
    out
}
