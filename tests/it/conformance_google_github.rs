//! Google Workspace, Google Cloud audit logs and GitHub: every line of tests/fixtures/samples
//! becomes event rows or a reject whose reason names what is wrong, and the whole
//! `sample-logs/` exports give exactly the rows their PLANTED.md states.
//!
//! A Workspace activity gives one row per `events[]` entry and a `SetIamPolicy` one row
//! per binding delta, so `read` counts rows: the expected count per line comes from the
//! provider itself (rows it maps, or 1 for a reject).

use std::collections::BTreeSet;
use std::path::Path;

use arrow::array::{Array, AsArray};
use serde_json::Value;
use trailcheck::json;
use trailcheck::providers::{self, Context};

use crate::common::*;

/// Rows and rejects one NDJSON file should give, line by line.
fn expected(file: &Path) -> (u64, u64) {
    let text = std::fs::read_to_string(file).unwrap();
    let (mut rows, mut rejected) = (0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v = json::from_str(line).unwrap();
        let mapped = providers::detect(&v).map(|p| {
            let ctx = Context {
                tenant_override: Some("t1"),
                tenant_hint: None,
                raw: line.as_bytes(),
            };
            (p.map)(&v, &ctx)
        });
        match mapped {
            Some(Ok(events)) if !events.is_empty() => rows += events.len() as u64,
            _ => {
                rows += 1;
                rejected += 1;
            }
        }
    }
    (rows, rejected)
}

/// Ingest one sample file; check the books balance and every row is complete.
fn conforms(provider: &str, file: &Path) -> (Value, tempfile::TempDir, std::process::Output) {
    let lake = tempfile::tempdir().unwrap();
    let (s, out) = ingest(lake.path(), &["--tenant", "t1", file.to_str().unwrap()]);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    let (want_rows, want_rejected) = expected(file);
    let read = total(&s, "read");
    let (ing, dup, rej) = (
        total(&s, "ingested"),
        total(&s, "duplicates"),
        total(&s, "rejected"),
    );
    assert!(
        read >= count_lines(file) as u64,
        "{}: every line is read: {s}",
        file.display()
    );
    assert_eq!(
        (read, rej),
        (want_rows, want_rejected),
        "{}: rows per line: {s}",
        file.display()
    );
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

fn ndjson(provider: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(samples(provider))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ndjson"))
        .collect();
    v.sort();
    assert!(!v.is_empty());
    v
}

fn reasons(lake: &Path) -> Vec<String> {
    strings(&read_all(&lake.join("rejects")), "reason")
        .into_iter()
        .flatten()
        .collect()
}

/// The only Workspace sample is Panther's flattened shape: every record is refused
/// with a reason that says it is not the Reports API activity shape, and the file as a
/// whole is an error naming it.
#[test]
fn google_workspace_flattened_samples_are_refused_with_the_reason() {
    for f in ndjson("google_workspace") {
        let (s, lake, out) = conforms("google_workspace", &f);
        assert_eq!(total(&s, "ingested"), 0, "{s}");
        let r = reasons(lake.path());
        assert_eq!(r.len() as u64, total(&s, "read"));
        assert!(
            r.iter()
                .all(|r| r == trailcheck::providers::google_workspace::FLATTENED),
            "{r:?}"
        );
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(
            err.contains("NON-NATIVE") && err.contains("flattened (non-native) activity"),
            "{err}"
        );
    }
}

#[test]
fn gcp_audit_samples() {
    for f in ndjson("gcp_audit") {
        let (s, lake, out) = conforms("gcp_audit", &f);
        assert!(out.status.success(), "{}", stderr(&out));
        // Fixtures without a timestamp are rejected, never given a guessed time.
        for r in reasons(lake.path()) {
            assert_eq!(r, "missing timestamp (expected timestamp)");
        }
        // A SetIamPolicy with several binding deltas gives several rows.
        assert!(total(&s, "read") > count_lines(&f) as u64, "{s}");
        assert!(total(&s, "ingested") > 100, "{s}");
    }
}

#[test]
fn github_audit_samples() {
    for f in ndjson("github_audit") {
        let (s, lake, out) = conforms("github", &f);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            total(&s, "read"),
            count_lines(&f) as u64,
            "one row per event: {s}"
        );
        assert!(total(&s, "ingested") > 50, "{s}");
        for r in reasons(lake.path()) {
            assert!(
                r.starts_with("missing timestamp (expected @timestamp or created_at")
                    || r.starts_with("created_at: unreadable timestamp")
                    || r.starts_with(
                        "unknown format: no provider recognizes a record with keys [action]"
                    ),
                "{r}"
            );
        }
    }
}

/// Ingest a whole `sample-logs/<provider>` folder: no rejects, no problems.
fn ingest_sample_logs(provider: &str) -> (Value, tempfile::TempDir) {
    let lake = tempfile::tempdir().unwrap();
    let (s, out) = ingest(lake.path(), &[sample_logs(provider).to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(total(&s, "rejected"), 0, "{s}");
    (s, lake)
}

fn distinct(events: &[arrow::array::RecordBatch], col: &str) -> BTreeSet<String> {
    strings(events, col).into_iter().flatten().collect()
}

/// Any column's values as text (booleans as `true` / `false`).
fn texts(events: &[arrow::array::RecordBatch], col: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for b in events {
        let c = b
            .column_by_name(col)
            .unwrap_or_else(|| panic!("column {col}"));
        let c = arrow::compute::cast(c, &arrow::datatypes::DataType::Utf8).unwrap();
        let c = c.as_string::<i32>();
        out.extend((0..c.len()).map(|i| c.is_valid(i).then(|| c.value(i).to_string())));
    }
    out
}

/// Rows whose `col` equals `value`, as (column -> value) for the other columns asked.
fn select(
    events: &[arrow::array::RecordBatch],
    col: &str,
    value: &str,
    cols: &[&str],
) -> Vec<Vec<Option<String>>> {
    let key = texts(events, col);
    let others: Vec<Vec<Option<String>>> = cols.iter().map(|c| texts(events, c)).collect();
    key.iter()
        .enumerate()
        .filter(|(_, k)| k.as_deref() == Some(value))
        .map(|(i, _)| others.iter().map(|o| o[i].clone()).collect())
        .collect()
}

/// sample-logs/google_workspace/PLANTED.md: 1436 activities, 1439 `events[]` entries.
#[test]
fn sample_logs_google_workspace_match_planted() {
    let (s, lake) = ingest_sample_logs("google_workspace");
    assert_eq!(total(&s, "ingested"), 1439, "{s}");
    assert_eq!(total(&s, "read"), 1439, "{s}");
    let events = read_all(&lake.path().join("events"));
    assert_eq!(
        distinct(&events, "tenant"),
        BTreeSet::from(["C03az79cb".to_string()])
    );
    assert_eq!(
        distinct(&events, "event_uid").len(),
        1439,
        "one uid per entry"
    );

    // A service account acts under its client id (= profileId), the id that domain-wide
    // delegation grants target and token events name.
    let used = select(
        &events,
        "actor_name",
        "reports-export@acme-prod-4821.iam.gserviceaccount.com",
        &["actor_uid", "credential_uid", "actor_is_machine"],
    );
    assert!(!used.is_empty());
    for r in &used {
        assert_eq!(r[0].as_deref(), Some("113344556677889900112"));
        assert_eq!(r[2].as_deref(), Some("true"));
    }
    let authorized = select(
        &events,
        "event_type",
        "admin:AUTHORIZE_API_CLIENT_ACCESS",
        &["target_uid", "action", "target_is_machine"],
    );
    let clients: BTreeSet<_> = authorized.iter().filter_map(|r| r[0].clone()).collect();
    assert!(clients.contains("113344556677889900112") && clients.contains("107788990011223344556"));
    assert!(
        authorized
            .iter()
            .all(|r| r[1].as_deref() == Some("identity.create"))
    );

    // The two-entry grant to james.whitfield: ASSIGN_ROLE and GRANT_ADMIN_PRIVILEGE.
    let grants = select(
        &events,
        "target_uid",
        "james.whitfield@example.com",
        &["event_type", "action", "privilege", "actor_uid"],
    );
    let grants: Vec<_> = grants
        .into_iter()
        .filter(|r| r[1].as_deref() == Some("role.grant"))
        .collect();
    assert_eq!(grants.len(), 2, "{grants:?}");
    assert!(
        grants
            .iter()
            .any(|r| r[2].as_deref() == Some("_SEED_ADMIN_ROLE"))
    );
    assert!(
        grants
            .iter()
            .any(|r| r[2].as_deref() == Some("Super Admin"))
    );
}

/// sample-logs/gcp_audit/PLANTED.md: 1442 entries, 11 successful SetIamPolicy calls
/// with 12 deltas and one denied call => 1443 rows.
#[test]
fn sample_logs_gcp_audit_match_planted() {
    let (s, lake) = ingest_sample_logs("gcp_audit");
    assert_eq!(total(&s, "ingested"), 1443, "{s}");
    let events = read_all(&lake.path().join("events"));
    assert_eq!(
        distinct(&events, "tenant"),
        BTreeSet::from([
            "acme-prod-4821".to_string(),
            "organizations/8123456789".to_string()
        ])
    );
    let iam = select(
        &events,
        "event_type",
        "SetIamPolicy",
        &["action", "outcome", "event_uid"],
    );
    assert_eq!(iam.len(), 13);
    assert_eq!(
        iam.iter()
            .filter(|r| r[0].as_deref() == Some("role.grant"))
            .count(),
        10
    );
    assert_eq!(
        iam.iter()
            .filter(|r| r[0].as_deref() == Some("role.revoke"))
            .count(),
        2
    );
    let denied: Vec<_> = iam
        .iter()
        .filter(|r| r[0].as_deref() == Some("other"))
        .collect();
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0][1].as_deref(), Some("failure"));

    // Key B of ci-deployer: created (target) and used (credential) under the same id.
    let key = "a89eb1d80ce28d56285cdf3b1286d7204a4f31aa";
    let created = select(&events, "target_uid", key, &["action"]);
    assert_eq!(created, vec![vec![Some("credential.create".to_string())]]);
    let used = select(&events, "credential_uid", key, &["actor_uid"]);
    assert_eq!(used.len(), 10);
    // Google-managed service agents are `system`, user-managed service accounts `service`.
    let agent = select(
        &events,
        "actor_uid",
        "service-482193756012@compute-system.iam.gserviceaccount.com",
        &["actor_type"],
    );
    assert!(!agent.is_empty() && agent.iter().all(|r| r[0].as_deref() == Some("system")));
    let sa = select(
        &events,
        "actor_uid",
        "etl-runner@acme-prod-4821.iam.gserviceaccount.com",
        &["actor_type"],
    );
    assert!(!sa.is_empty() && sa.iter().all(|r| r[0].as_deref() == Some("service")));
}

/// sample-logs/github/PLANTED.md: 733 REST + 655 streamed events, and the 10 rows of the
/// UI's CSV export are duplicates of them.
#[test]
fn sample_logs_github_match_planted() {
    let (s, lake) = ingest_sample_logs("github");
    assert_eq!(
        (
            total(&s, "ingested"),
            total(&s, "duplicates"),
            total(&s, "read")
        ),
        (1388, 10, 1398),
        "{s}"
    );
    let events = read_all(&lake.path().join("events"));
    assert_eq!(
        distinct(&events, "tenant"),
        BTreeSet::from(["acme-corp".to_string(), "acme-enterprise".to_string()])
    );
    // The machine user: every git / pull-request / branch action carries token A or B.
    let bot = select(
        &events,
        "actor_uid",
        "acme-release-bot",
        &["event_type", "credential_uid"],
    );
    for r in &bot {
        let t = r[0].as_deref().unwrap();
        if t.starts_with("git.")
            || t.starts_with("pull_request.")
            || t.starts_with("protected_branch.")
        {
            assert!(
                matches!(r[1].as_deref(), Some("10121813" | "11055107")),
                "{r:?}"
            );
        }
    }
    // The never-used GitHub App: its install targets the bot login it would act as.
    let install = select(
        &events,
        "target_uid",
        "acme-sbom-scanner[bot]",
        &["action", "target_is_machine"],
    );
    assert_eq!(
        install,
        vec![vec![
            Some("identity.create".to_string()),
            Some("true".to_string())
        ]]
    );
    let legacy = select(
        &events,
        "actor_uid",
        "acme-legacy-ci[bot]",
        &["actor_is_machine"],
    );
    assert_eq!(legacy.len(), 22);
    // Epoch milliseconds are kept as text in time_raw.
    let raw = strings(&events, "time_raw");
    assert!(
        raw.iter()
            .all(|t| t.as_deref().is_some_and(|t| t.len() == 13))
    );
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
