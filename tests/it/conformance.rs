//! Every event in tests/fixtures/samples becomes an event with time, provider, event_type and
//! event_uid set, or a reject whose reason names what is wrong; nothing disappears.

use std::path::Path;

use arrow::array::{Array, AsArray};

use crate::common::*;

/// Ingest one sample file and check the books balance against its line count.
fn conforms(provider: &str, file: &Path) -> (serde_json::Value, tempfile::TempDir) {
    let lake = tempfile::tempdir().unwrap();
    let (s, out) = ingest(lake.path(), &["--tenant", "t1", file.to_str().unwrap()]);
    assert!(
        out.status.success() || !stderr(&out).contains("panicked"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    let lines = count_lines(file) as u64;
    let read = total(&s, "read");
    let (ing, dup, rej) = (
        total(&s, "ingested"),
        total(&s, "duplicates"),
        total(&s, "rejected"),
    );
    assert_eq!(read, lines, "{}: every line is read: {s}", file.display());
    assert_eq!(
        read,
        ing + dup + rej,
        "{}: books balance: {s}",
        file.display()
    );

    let events = read_all(&lake.path().join("events"));
    assert_eq!(
        rows(&events) as u64,
        ing,
        "{}: rows in the lake",
        file.display()
    );
    let rejects = read_all(&lake.path().join("rejects"));
    assert_eq!(rows(&rejects) as u64, rej);
    assert_well_formed(
        &events,
        &rejects,
        provider,
        &["event_uid", "provider", "event_type", "tenant"],
    );
    (s, lake)
}

fn sample_files(provider: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(samples(provider))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ndjson"))
        .collect();
    v.sort();
    assert!(!v.is_empty());
    v
}

#[test]
fn okta_samples() {
    let mut rejected = Vec::new();
    for f in sample_files("okta") {
        let (s, lake) = conforms("okta", &f);
        if total(&s, "rejected") > 0 {
            for r in strings(&read_all(&lake.path().join("rejects")), "reason") {
                rejected.push(r.unwrap());
            }
        }
    }
    // Okta events whose time cannot be read are rejected, never guessed: our LogEvent
    // dated `2024-02-30` (Okta's published example prints `2017-09-31`), Panther's
    // "redacted", and fixtures with no `published` at all.
    let count = |needle: &str| rejected.iter().filter(|r| r.contains(needle)).count();
    assert_eq!(count("impossible calendar date"), 1, "{rejected:?}");
    assert_eq!(
        count("unreadable timestamp \"redacted\""),
        3,
        "{rejected:?}"
    );
    assert_eq!(
        count("missing timestamp (expected published)"),
        6,
        "{rejected:?}"
    );
    // `{"eventType":"logout"}` names no provider's event: unknown, with its keys.
    assert_eq!(
        count("unknown format: no provider recognizes a record with keys [eventType]"),
        1
    );
    assert_eq!(rejected.len(), 11, "{rejected:?}");
}

#[test]
fn aws_cloudtrail_samples() {
    let mut ingested = 0;
    let mut rejected = Vec::new();
    for f in sample_files("aws_cloudtrail") {
        let (s, lake) = conforms("aws_cloudtrail", &f);
        ingested += total(&s, "ingested");
        rejected.extend(
            strings(&read_all(&lake.path().join("rejects")), "reason")
                .into_iter()
                .flatten(),
        );
    }
    assert!(ingested > 480, "{ingested}");
    // Only fixtures without a readable eventTime are rejected (Panther strips or
    // redacts it); Insights records and partial fixtures are still events.
    assert!(!rejected.is_empty());
    for r in &rejected {
        assert!(
            r == "missing timestamp (expected eventTime)"
                || r.starts_with("eventTime: unreadable timestamp"),
            "{r}"
        );
    }
}

#[test]
fn entra_samples() {
    for f in sample_files("entra") {
        let (s, lake) = conforms("entra", &f);
        assert_eq!(total(&s, "rejected"), 0, "{}: {s}", f.display());
        let events = read_all(&lake.path().join("events"));
        // Duplicate keys in the Graph example are tolerated, and the sign-in is a user's.
        if f.to_string_lossy().contains("graph-beta-signin") {
            assert_eq!(
                strings(&events, "event_type"),
                vec![Some("SignInLogs".to_string())]
            );
        }
    }
}

/// Non-RFC 3339 timestamps (Panther's `YYYY-MM-DD HH:MM:SS.fff`) are read as UTC and
/// flagged with the original text in `time_raw`.
#[test]
fn panther_timestamps_are_read_and_flagged() {
    let f = samples("aws_cloudtrail").join("panther-analysis-aws-cloudtrail.ndjson");
    let (_s, lake) = conforms("aws_cloudtrail", &f);
    let events = read_all(&lake.path().join("events"));
    let mut flagged = 0;
    for b in &events {
        let raw = b.column_by_name("time_raw").unwrap().as_string::<i32>();
        let time = b
            .column_by_name("time")
            .unwrap()
            .as_primitive::<arrow::datatypes::TimestampMicrosecondType>();
        for i in 0..b.num_rows() {
            if raw.is_valid(i) {
                let text = raw.value(i);
                let parsed = trailcheck::time::parse_str(text).unwrap();
                assert!(!parsed.rfc3339, "{text} is flagged only when not RFC 3339");
                assert_eq!(time.value(i), parsed.micros);
                flagged += 1;
            }
        }
    }
    assert!(flagged > 10, "{flagged}");
    assert!(flagged < rows(&events), "native timestamps are not flagged");
}
