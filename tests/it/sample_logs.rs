//! The bundled `sample-logs/` read completely: the counts in each PLANTED.md, no rejects,
//! the tenant folders applied, and duplicates across export channels recognized.

use std::collections::{BTreeMap, BTreeSet};

use arrow::array::{Array, AsArray};
use serde_json::Value;

use crate::common::*;

#[test]
fn okta_aws_entra_samples_ingest_completely() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let inputs = [
        sample_logs("okta"),
        sample_logs("aws_cloudtrail"),
        sample_logs("entra"),
    ];
    let args: Vec<&str> = inputs.iter().map(|p| p.to_str().unwrap()).collect();
    let (s, out) = ingest(&lake, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let p = &s["providers"];
    assert_eq!(p["okta"]["ingested"], 1321, "{s}");
    // The CloudWatch single record repeats one trail event: a duplicate, not a new event.
    assert_eq!(
        (
            p["aws_cloudtrail"]["ingested"].as_u64(),
            p["aws_cloudtrail"]["duplicates"].as_u64()
        ),
        (Some(1477), Some(1)),
        "{s}"
    );
    assert_eq!(p["entra"]["ingested"], 1135 + 125, "{s}");
    assert_eq!(total(&s, "rejected"), 0, "{s}");

    let events = read_all(&lake.join("events"));
    let mut per_tenant: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (p, t) in strings(&events, "provider")
        .into_iter()
        .zip(strings(&events, "tenant"))
    {
        *per_tenant.entry((p.unwrap(), t.unwrap())).or_default() += 1;
    }
    let want: BTreeMap<(String, String), usize> = [
        (("aws_cloudtrail", "111122223333"), 1477),
        (("entra", "3f1b6c2e-8a4d-4e1f-9c7b-2d5e6f7a8b9c"), 1135),
        (("entra", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"), 125),
        (("okta", "acme.okta.com"), 1321),
    ]
    .into_iter()
    .map(|((p, t), n)| ((p.to_string(), t.to_string()), n))
    .collect();
    assert_eq!(per_tenant, want);
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
