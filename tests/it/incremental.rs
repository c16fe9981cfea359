//! Incremental runs: inputs a committed run already ingested are skipped without being
//! read (src/incremental.rs); changed files, files of runs killed before their commit,
//! stdin and `--reread` are read.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use crate::common::*;

/// Okta events `from..from + n` as NDJSON, one day per hundred events.
fn okta_lines(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| {
            format!(
                r#"{{"uuid":"ev-{i:08}","published":"2026-{:02}-{:02}T10:{:02}:00.000Z","eventType":"user.session.start","actor":{{"id":"00u{}","type":"User","alternateId":"user{}@example.com"}},"client":{{"ipAddress":"192.0.2.{}"}},"outcome":{{"result":"SUCCESS"}}}}"#,
                6 + (i / 100 / 28) % 5,
                1 + (i / 100) % 28,
                i % 60,
                i % 97,
                i % 97,
                i % 250,
            ) + "\n"
        })
        .collect()
}

/// `ingest --tenant acme` of `inputs`, which must succeed.
fn ingest_ok(lake: &Path, extra: &[&str], inputs: &[&Path]) -> serde_json::Value {
    let mut args: Vec<&str> = vec!["--tenant", "acme"];
    args.extend(extra);
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    let (s, out) = ingest(lake, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    s
}

/// (files read, files skipped as already ingested, events ingested, duplicates).
fn summary(s: &serde_json::Value) -> (u64, u64, u64, u64) {
    (
        s["files"].as_u64().unwrap(),
        s["already_ingested"].as_u64().unwrap(),
        total(s, "ingested"),
        total(s, "duplicates"),
    )
}

/// The `runs` row of `run` as JSON (inputs and details parsed).
fn run_row(lake: &Path, run: &str) -> serde_json::Value {
    let out = bin()
        .args(["sql", "--format", "ndjson", "--lake"])
        .arg(lake)
        .arg(format!(
            "SELECT inputs, details FROM runs WHERE run_id = '{run}'"
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let row: serde_json::Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    let parse =
        |k: &str| serde_json::from_str::<serde_json::Value>(row[k].as_str().unwrap()).unwrap();
    serde_json::json!({"inputs": parse("inputs"), "details": parse("details")})
}

fn set_mtime(path: &Path, t: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

#[test]
fn a_second_run_reads_only_the_file_added_since() {
    let d = tempfile::tempdir().unwrap();
    let exports = d.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    write(&exports, "day1.json", okta_lines(0, 300).as_bytes());
    write(&exports, "day2.json", okta_lines(300, 300).as_bytes());
    let lake = d.path().join("lake");

    let s1 = ingest_ok(&lake, &[], &[&exports]);
    assert_eq!(summary(&s1), (2, 0, 600, 0), "{s1}");
    let row1 = run_row(&lake, s1["run_id"].as_str().unwrap());
    let inputs = row1["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    for i in inputs {
        // What a later run recognizes the file by.
        let path = Path::new(i["path"].as_str().unwrap());
        assert!(path.is_absolute() && path.is_file(), "{i}");
        assert!(i["mtime_ns"].as_i64().unwrap() > 0, "{i}");
        assert_eq!(i["sha256"].as_str().unwrap().len(), 64);
    }

    // Nothing new: nothing read, and the run says so.
    let s2 = ingest_ok(&lake, &[], &[&exports]);
    assert_eq!(summary(&s2), (0, 2, 0, 0), "{s2}");
    let row2 = run_row(&lake, s2["run_id"].as_str().unwrap());
    assert_eq!(row2["inputs"], serde_json::json!([]));
    assert_eq!(
        row2["details"]["already_ingested"],
        serde_json::json!({ s1["run_id"].as_str().unwrap(): 2 })
    );

    // A day is added: only it is read. Given by another path to the same files.
    write(&exports, "day3.json", okta_lines(600, 300).as_bytes());
    let other_path = d.path().join(".").join("exports");
    let s3 = ingest_ok(&lake, &[], &[&other_path]);
    assert_eq!(summary(&s3), (1, 2, 300, 0), "{s3}");
    assert_eq!(count_events(&lake), 900);

    // The human summary says it too.
    let out = bin()
        .args(["ingest", "--quiet", "--tenant", "acme", "--lake"])
        .arg(&lake)
        .arg(&exports)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("skipped 3 files already ingested by earlier runs"),
        "{text}"
    );

    // --reread reads them all; their events are duplicates.
    let s4 = ingest_ok(&lake, &["--reread"], &[&exports]);
    assert_eq!(summary(&s4), (3, 0, 0, 900), "{s4}");
}

#[test]
fn a_touched_file_is_hashed_not_read_and_a_changed_one_is_read() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let f = write(d.path(), "okta.json", okta_lines(0, 400).as_bytes());
    let s1 = ingest_ok(&lake, &[], &[&f]);
    assert_eq!(summary(&s1), (1, 0, 400, 0));
    let run1 = s1["run_id"].as_str().unwrap().to_string();

    // Touched: same bytes, another time. Hashed, found the same, not read; the new
    // time is recorded, with the run that ingested the content.
    let later = SystemTime::now() + Duration::from_secs(3600);
    set_mtime(&f, later);
    let s2 = ingest_ok(&lake, &[], &[&f]);
    assert_eq!(summary(&s2), (0, 1, 0, 0), "{s2}");
    let row2 = run_row(&lake, s2["run_id"].as_str().unwrap());
    let input = &row2["inputs"][0];
    assert_eq!(input["already_ingested"], run1.as_str(), "{row2}");
    assert_eq!(input["records"], 0);
    assert_eq!(
        input["mtime_ns"].as_i64().unwrap(),
        later
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as i64
    );
    // And the next run skips it without hashing, still naming the first run.
    let s3 = ingest_ok(&lake, &[], &[&f]);
    let row3 = run_row(&lake, s3["run_id"].as_str().unwrap());
    assert_eq!(row3["inputs"], serde_json::json!([]));
    assert_eq!(
        row3["details"]["already_ingested"],
        serde_json::json!({ run1.as_str(): 1 })
    );

    // Other content of the same size, with another time: hashed, found different,
    // read. The first event got another uuid.
    let mut changed = okta_lines(0, 400).into_bytes();
    let at = changed.iter().position(|b| *b == b'0').unwrap();
    changed[at] = b'1';
    std::fs::write(&f, &changed).unwrap();
    set_mtime(&f, later + Duration::from_secs(60));
    let s4 = ingest_ok(&lake, &[], &[&f]);
    assert_eq!(summary(&s4), (1, 0, 1, 399), "{s4}");

    // An export that grew (appended to): read again, the new records ingested.
    let mut grown = changed.clone();
    grown.extend_from_slice(okta_lines(400, 50).as_bytes());
    std::fs::write(&f, &grown).unwrap();
    let s5 = ingest_ok(&lake, &[], &[&f]);
    assert_eq!(summary(&s5), (1, 0, 50, 400), "{s5}");
    assert_eq!(count_events(&lake), 451);
}

#[test]
fn a_file_of_a_run_killed_before_its_commit_is_read_again() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let f = write(d.path(), "okta.json", okta_lines(0, 500).as_bytes());
    let killed = bin()
        .args(["ingest", "--quiet", "--tenant", "acme", "--lake"])
        .arg(&lake)
        .arg(&f)
        .env("TRAILCHECK_CRASH_AT", "before-runs-row")
        .output()
        .unwrap();
    assert!(!killed.status.success());
    // Killed before its commit record was written: no trace of the run is committed.
    for e in std::fs::read_dir(lake.join("_txn")).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    let s = ingest_ok(&lake, &[], &[&f]);
    assert_eq!(summary(&s), (1, 0, 500, 0), "{s}");
    // Now committed: skipped.
    let s = ingest_ok(&lake, &[], &[&f]);
    assert_eq!(summary(&s), (0, 1, 0, 0), "{s}");
}

#[test]
fn stdin_other_options_and_read_errors_are_read_again() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let lines = okta_lines(0, 200);
    let from_stdin = || {
        let mut child = bin()
            .args(["ingest", "--json", "--quiet", "--tenant", "acme", "--lake"])
            .arg(&lake)
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(lines.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    assert_eq!(summary(&from_stdin()), (1, 0, 200, 0));
    assert_eq!(summary(&from_stdin()), (1, 0, 0, 200));

    // A file ingested under another --tenant is read for this one.
    let f = write(d.path(), "okta.json", lines.as_bytes());
    assert_eq!(summary(&ingest_ok(&lake, &[], &[&f])), (1, 0, 0, 200));
    let (s, out) = ingest(&lake, &["--tenant", "other", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(summary(&s), (1, 0, 200, 0));

    // A gzip that ended early is read again (it may be complete by now).
    let gz = d.path().join("cut.json.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(okta_lines(1000, 300).as_bytes()).unwrap();
    let full = enc.finish().unwrap();
    std::fs::write(&gz, &full[..full.len() / 2]).unwrap();
    let (s, _) = ingest(&lake, &["--tenant", "acme", gz.to_str().unwrap()]);
    assert_eq!(s["files"], 1, "{s}");
    let (s, _) = ingest(&lake, &["--tenant", "acme", gz.to_str().unwrap()]);
    assert_eq!(s["files"], 1, "{s}");
    assert_eq!(s["already_ingested"], 0, "{s}");
}

fn count_events(lake: &Path) -> usize {
    rows(&read_all(&lake.join("events")))
}
