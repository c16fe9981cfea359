//! What log content and arguments written to do harm meet (issue 18): text that
//! would drive the analyst's terminal is shown, not obeyed; parameters that would
//! overflow the cutoff arithmetic are refused with exit 2.

use std::process::Output;

use crate::common::*;

/// A tenant written to clear the screen, set the window title, write the clipboard
/// and turn the line around.
const HOSTILE: &str =
    "\u{1b}[2J\u{1b}[H\u{1b}]0;pwned\u{7}\u{1b}]52;c;ZXZpbA==\u{7}ALL CLEAR\r\u{202e}acme";

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn assert_no_controls(what: &str, text: &str) {
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{7}'),
        "{what} passes terminal controls through:\n{}",
        text.escape_debug()
    );
}

#[test]
fn log_text_never_reaches_the_terminal_raw() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let okta = sample_logs("okta");
    let (_, out) = ingest(&lake, &["--tenant", HOSTILE, okta.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lake = lake.to_str().unwrap();

    let analyze = run(&["analyze", "--lake", lake, "--format", "table"]);
    let shown = String::from_utf8_lossy(&analyze.stdout).to_string();
    assert_no_controls("analyze", &shown);
    assert!(shown.contains("\\u{1b}[2J"), "{shown}");

    let sql = run(&["sql", "--lake", lake, "SELECT DISTINCT tenant FROM events"]);
    assert!(sql.status.success(), "{}", stderr(&sql));
    let shown = String::from_utf8_lossy(&sql.stdout).to_string();
    assert_no_controls("sql", &shown);
    assert!(shown.contains("ALL CLEAR\\u{d}\\u{202e}acme"), "{shown}");

    let score = run(&["score", "--lake", lake]);
    assert_no_controls("score", &String::from_utf8_lossy(&score.stdout));

    // An error that quotes log text.
    let err = run(&[
        "sql",
        "--lake",
        lake,
        &format!("SELECT * FROM \"{HOSTILE}\""),
    ]);
    assert_eq!(err.status.code(), Some(2));
    assert_no_controls("an error", &stderr(&err));

    let report = d.path().join("report");
    let out = run(&["report", "--lake", lake, "--out", report.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = std::fs::read_to_string(report.join("report.md")).unwrap();
    assert_no_controls("report.md", &md);
    assert!(!md.contains('\r'), "report.md has a carriage return");
}

#[test]
fn parameters_that_would_overflow_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let okta = sample_logs("okta");
    let (_, out) = ingest(&lake, &[okta.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lake = lake.to_str().unwrap();
    for args in [
        vec!["--dormant-days", "200000000"],
        vec!["--param", "rotation_days=999999999999"],
        vec!["--param", "gap_days=36526"],
        vec!["--dormant-days=-5"],
        vec!["--param", "dormant_days=-5"],
    ] {
        let mut all = vec!["analyze", "--lake", lake];
        all.extend(&args);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("days") || stderr(&out).contains("whole number"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // The longest window allowed runs.
    let out = run(&["analyze", "--lake", lake, "--dormant-days", "36525"]);
    assert!(
        out.status.code() != Some(2) && out.status.code() != Some(101),
        "{}",
        stderr(&out)
    );
}

/// `sql` has a memory limit too: a query beyond it fails with exit 2 and says why,
/// instead of taking the machine.
#[test]
fn sql_queries_are_held_to_the_memory_limit() {
    let (d, ingested) = okta_lake();
    let lake = d.path().join("lake");
    let lake = lake.to_str().unwrap();
    let hungry = "SELECT count(*) FROM events a JOIN events b ON a.provider = b.provider \
                  WHERE length(a.raw) + length(b.raw) > 0";
    let out = run(&["sql", "--lake", lake, "--memory-limit", "2M", hungry]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Resources exhausted")
            && stderr(&out).contains("--memory-limit 2M (2 MB)"),
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "sql",
        "--lake",
        lake,
        "--format",
        "csv",
        "SELECT count(*) AS n FROM events",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("n\n{ingested}\n")
    );
    // The session cannot gain a table, whatever plans it.
    let out = run(&["sql", "--lake", lake, "CREATE TABLE t AS SELECT 1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
