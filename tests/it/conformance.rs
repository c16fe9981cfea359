//! Every line of tests/fixtures/samples/<provider> becomes event rows or a reject whose
//! reason names what is wrong, nothing disappears, and the counts are the ones written
//! down below; and no mapper panics on any field missing or mistyped.
//!
//! One harness runs every provider of `trailcheck::providers::PROVIDERS` over its sample
//! folder. A Workspace activity gives one row per `events[]` entry and a `SetIamPolicy`
//! one row per binding delta, so `read` counts rows: what each file gives is data
//! ([`SAMPLES`], counted from the files), never computed by the mappers under test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use arrow::array::{Array, AsArray};
use serde_json::Value;
use trailcheck::json;
use trailcheck::providers::{self, Context, PROVIDERS};

use crate::common::*;

/// What ingesting one sample file on its own (`--tenant t1`) gives: rows read,
/// ingested, duplicates, rejected, and the exit code.
struct Counts {
    file: &'static str,
    read: u64,
    ingested: u64,
    duplicates: u64,
    rejected: u64,
    exit: i32,
}

const fn c(
    file: &'static str,
    [read, ingested, duplicates, rejected]: [u64; 4],
    exit: i32,
) -> Counts {
    Counts {
        file,
        read,
        ingested,
        duplicates,
        rejected,
        exit,
    }
}

/// Every sample file, `<provider>/<file>`, with [read, ingested, duplicates, rejected]
/// and the exit code. Panther's fixtures repeat records (the duplicates) and strip or
/// redact timestamps (the rejects); one GCP `SetIamPolicy` has two binding deltas (182
/// rows from 181 lines); the only Workspace sample is Panther's flattened shape,
/// refused whole (exit 2), as is the file whose one event has an impossible date.
#[rustfmt::skip]
const SAMPLES: &[Counts] = &[
    c("aws_cloudtrail/awsdocs-cloudtrail-user-guide-log-file-examples.ndjson", [8, 8, 0, 0], 0),
    c("aws_cloudtrail/awsdocs-iam-user-guide-cloudtrail-integration-examples.ndjson", [7, 6, 1, 0], 0),
    c("aws_cloudtrail/panther-analysis-aws-cloudtrail.ndjson", [436, 176, 241, 19], 0),
    c("aws_cloudtrail/panther-analysis-test-scenarios-cloudtrail.ndjson", [27, 6, 21, 0], 0),
    c("aws_cloudtrail/stratus-red-team-detonation-logs.ndjson", [310, 310, 0, 0], 0),
    c("entra/panther-analysis-azure-audit-entra.ndjson", [47, 33, 14, 0], 0),
    c("entra/trailcheck-graph-beta-signin-duplicate-keys.ndjson", [1, 1, 0, 0], 0),
    c("gcp_audit/panther-analysis-gcp-auditlog.ndjson", [182, 116, 20, 46], 0),
    c("github/panther-analysis-github-audit.ndjson", [98, 59, 5, 34], 0),
    c("google_workspace/NON-NATIVE-panther-analysis-gsuite-activityevent-flattened.ndjson", [120, 0, 0, 120], 2),
    c("okta/panther-analysis-okta-systemlog.ndjson", [31, 13, 8, 10], 0),
    c("okta/panther-analysis-test-scenarios-okta.ndjson", [20, 20, 0, 0], 0),
    c("okta/trailcheck-logevent-impossible-date.ndjson", [1, 0, 0, 1], 2),
];

/// Why each provider's samples are rejected: (provider, start of the reason, how many).
/// Every reject of a provider's folder matches one of its lines. Timestamps are never
/// guessed: missing, redacted or impossible ones are rejects. Okta's: our LogEvent
/// dated `2024-02-30` (Okta's published example prints `2017-09-31`), Panther's
/// "redacted", fixtures with no `published` at all, and `{"eventType":"logout"}`, which
/// names no provider's event.
#[rustfmt::skip]
const REASONS: &[(&str, &str, usize)] = &[
    ("aws_cloudtrail", "missing timestamp (expected eventTime)", 17),
    ("aws_cloudtrail", "eventTime: unreadable timestamp", 2),
    ("gcp_audit", "missing timestamp (expected timestamp)", 46),
    ("github", "missing timestamp (expected @timestamp or created_at", 29),
    ("github", "created_at: unreadable timestamp", 4),
    ("github", "unknown format: no provider recognizes a record with keys [action]", 1),
    ("google_workspace", "flattened (non-native) activity: expected the Reports API shape with an events[] list", 120),
    ("okta", "published: impossible calendar date", 1),
    ("okta", "published: unreadable timestamp \"redacted\"", 3),
    ("okta", "missing timestamp (expected published)", 6),
    ("okta", "unknown format: no provider recognizes a record with keys [eventType]", 1),
];

/// Ingest one sample file; check it gives what [`SAMPLES`] says, the books balance and
/// every row is complete. Returns the summary, the lake and the command's output.
fn conforms(provider: &str, file: &Path) -> (Value, tempfile::TempDir, std::process::Output) {
    let name = format!("{provider}/{}", file.file_name().unwrap().to_string_lossy());
    let want = SAMPLES
        .iter()
        .find(|c| c.file == name)
        .unwrap_or_else(|| panic!("{name}: a sample file without its line in SAMPLES"));
    let lake = tempfile::tempdir().unwrap();
    let (s, out) = ingest(lake.path(), &["--tenant", "t1", file.to_str().unwrap()]);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert_eq!(
        out.status.code(),
        Some(want.exit),
        "{name}: {}",
        stderr(&out)
    );
    let read = total(&s, "read");
    let (ing, dup, rej) = (
        total(&s, "ingested"),
        total(&s, "duplicates"),
        total(&s, "rejected"),
    );
    assert!(
        read >= count_lines(file) as u64,
        "{name}: every line is read: {s}"
    );
    assert_eq!(
        (read, ing, dup, rej),
        (want.read, want.ingested, want.duplicates, want.rejected),
        "{name}: rows read, ingested, duplicates, rejected: {s}"
    );
    assert_eq!(read, ing + dup + rej, "{name}: books balance: {s}");

    let events = read_all(&lake.path().join("events"));
    assert_eq!(rows(&events) as u64, ing, "{name}: rows in the lake");
    let rejects = read_all(&lake.path().join("rejects"));
    assert_eq!(rows(&rejects) as u64, rej);
    assert_well_formed(
        &events,
        &rejects,
        provider,
        &[
            "event_uid",
            "provider",
            "event_type",
            "tenant",
            "category",
            "action",
        ],
    );
    (s, lake, out)
}

fn sample_files(provider: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(samples(provider))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ndjson"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "{provider}: no sample file");
    v
}

fn reasons(lake: &Path) -> Vec<String> {
    strings(&read_all(&lake.join("rejects")), "reason")
        .into_iter()
        .flatten()
        .collect()
}

/// Every provider's sample folder, file by file, and the reasons of its rejects.
#[test]
fn every_providers_samples_give_the_counts_and_reasons_written_down() {
    let mut seen = BTreeSet::new();
    for p in PROVIDERS {
        let mut counted: BTreeMap<&str, usize> = BTreeMap::new();
        for f in sample_files(p.name) {
            seen.insert(format!(
                "{}/{}",
                p.name,
                f.file_name().unwrap().to_string_lossy()
            ));
            let (_s, lake, _out) = conforms(p.name, &f);
            for r in reasons(lake.path()) {
                let known: Vec<&str> = REASONS
                    .iter()
                    .filter(|(q, start, _)| *q == p.name && r.starts_with(start))
                    .map(|(_, start, _)| *start)
                    .collect();
                assert_eq!(
                    known.len(),
                    1,
                    "{}: reject reason {r:?} is not in REASONS",
                    p.name
                );
                *counted.entry(known[0]).or_default() += 1;
            }
        }
        let want: BTreeMap<&str, usize> = REASONS
            .iter()
            .filter(|(q, _, _)| *q == p.name)
            .map(|(_, start, n)| (*start, *n))
            .collect();
        assert_eq!(counted, want, "{}: reasons of the rejects", p.name);
    }
    let listed: BTreeSet<String> = SAMPLES.iter().map(|c| c.file.to_string()).collect();
    assert_eq!(seen, listed, "SAMPLES lists exactly the sample files");
}

/// The only Workspace sample is Panther's flattened shape: the file as a whole is an
/// error naming it.
#[test]
fn a_flattened_workspace_sample_is_an_error_naming_it() {
    for f in sample_files("google_workspace") {
        let (_s, lake, out) = conforms("google_workspace", &f);
        let err = stderr(&out);
        assert!(
            err.contains("NON-NATIVE") && err.contains("flattened (non-native) activity"),
            "{err}"
        );
        for r in reasons(lake.path()) {
            assert_eq!(r, trailcheck::providers::google_workspace::FLATTENED);
        }
    }
}

/// Duplicate keys in the Graph example are tolerated, and the sign-in is a user's.
#[test]
fn the_graph_sign_in_with_duplicate_keys_is_a_users_sign_in() {
    let f = samples("entra").join("trailcheck-graph-beta-signin-duplicate-keys.ndjson");
    let (_s, lake, _out) = conforms("entra", &f);
    let events = read_all(&lake.path().join("events"));
    assert_eq!(
        strings(&events, "event_type"),
        vec![Some("SignInLogs".to_string())]
    );
}

/// Non-RFC 3339 timestamps (Panther's `YYYY-MM-DD HH:MM:SS.fff`) are read as UTC and
/// flagged with the original text in `time_raw`.
#[test]
fn panther_timestamps_are_read_and_flagged() {
    let f = samples("aws_cloudtrail").join("panther-analysis-aws-cloudtrail.ndjson");
    let (_s, lake, _out) = conforms("aws_cloudtrail", &f);
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

/// Every field is optional and may have any JSON type: mapping a native event with any
/// one value removed or replaced never panics (it gives rows or a reason).
#[test]
fn mappers_survive_any_field_missing_or_mistyped() {
    fn paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        if at.len() > 6 {
            return;
        }
        let children: Vec<(String, &Value)> = match v {
            Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(a) => a
                .iter()
                .take(3)
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => return,
        };
        for (k, c) in children {
            at.push(k);
            out.push(at.clone());
            paths(c, at, out);
            at.pop();
        }
    }
    fn slot<'v>(v: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
        let mut cur = v;
        for k in path {
            cur = match cur {
                Value::Object(o) => o.get_mut(k)?,
                Value::Array(a) => a.get_mut(k.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }
    let variants = [
        Value::Null,
        serde_json::json!(0),
        serde_json::json!(-1),
        serde_json::json!(1e300),
        serde_json::json!(""),
        serde_json::json!("x/keys/"),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!(true),
    ];
    // One native event of each kind from sample-logs.
    let mut samples: Vec<(&str, Value)> = Vec::new();
    let mut kinds = BTreeSet::new();
    let gws = sample_logs("google_workspace");
    for f in [
        "admin-page-001.json",
        "token-page-001.json",
        "login-page-001.json",
    ] {
        let page: Value =
            serde_json::from_str(&std::fs::read_to_string(gws.join(f)).unwrap()).unwrap();
        for a in page["items"].as_array().unwrap() {
            if kinds.insert(format!("gws {}", a["events"][0]["name"])) {
                samples.push(("google_workspace", a.clone()));
            }
        }
    }
    let gcp = sample_logs("gcp_audit").join("gcloud-logging-read.json");
    let mut gcp_entries: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(gcp).unwrap()).unwrap();
    for day in ["05/02", "05/06", "06/12", "07/15", "08/20", "09/01"] {
        let f = sample_logs("gcp_audit").join(format!(
            "cloudaudit.googleapis.com/activity/2026/{day}/00:00:00_23:59:59_S0.json"
        ));
        for l in std::fs::read_to_string(f).unwrap().lines() {
            gcp_entries.push(serde_json::from_str(l).unwrap());
        }
    }
    for e in gcp_entries {
        let k = format!(
            "gcp {} {}",
            e["protoPayload"]["methodName"], e["protoPayload"]["status"]
        );
        if kinds.insert(k) {
            samples.push(("gcp_audit", e));
        }
    }
    let gh: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(sample_logs("github").join("audit-log-rest.json")).unwrap(),
    )
    .unwrap();
    for e in gh {
        if kinds.insert(format!(
            "gh {} {}",
            e["action"], e["programmatic_access_type"]
        )) {
            samples.push(("github", e));
        }
    }
    assert!(samples.len() > 50, "{}", samples.len());

    let mut calls = 0;
    for (provider, v) in &samples {
        let p = providers::by_name(provider).unwrap();
        let mut all = Vec::new();
        paths(v, &mut Vec::new(), &mut all);
        for path in &all {
            let mut mutants = Vec::new();
            for x in &variants {
                let mut m = v.clone();
                if let Some(s) = slot(&mut m, path) {
                    *s = x.clone();
                }
                mutants.push(m);
            }
            let mut removed = v.clone();
            if let Some((last, parent)) = path.split_last() {
                if let Some(Value::Object(o)) = slot(&mut removed, parent) {
                    o.remove(last);
                }
            }
            mutants.push(removed);
            for m in mutants {
                let raw = m.to_string();
                let m = json::from_str(&raw).unwrap();
                let ctx = Context {
                    tenant_override: None,
                    tenant_hint: None,
                    raw: raw.as_bytes(),
                };
                let r = std::panic::catch_unwind(|| (p.map)(&m, &ctx));
                assert!(
                    r.is_ok(),
                    "{provider} panicked with {path:?} changed: {raw}"
                );
                if let Ok(Ok(events)) = r {
                    for e in events {
                        assert!(
                            !e.event_uid.is_empty()
                                && !e.event_type.is_empty()
                                && !e.tenant.is_empty()
                        );
                    }
                }
                calls += 1;
            }
        }
    }
    assert!(calls > 10_000, "{calls}");
}
