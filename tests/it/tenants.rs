//! Which tenant an event lands in, and what counts as the same event (issue: verdicts
//! that hold on real exports, items 8 and 9).

use crate::common::*;

const T: &str = "8d2f4e6a-1b3c-4d5e-9f70-a1b2c3d4e5f6";

/// A Graph `directoryAudit` (no tenant id) and a beta `signIn` (with one).
fn graph_export(dir: &std::path::Path) -> std::path::PathBuf {
    let audit = r#"{"id":"Directory_0001","category":"UserManagement","correlationId":"c1","result":"success","activityDisplayName":"Update user","activityDateTime":"2026-03-07T09:00:00Z","loggedByService":"Core Directory","initiatedBy":{"user":{"id":"u-1","userPrincipalName":"riley@contoso.example"}},"targetResources":[{"id":"u-2","type":"User","userPrincipalName":"sam@contoso.example"}]}"#;
    let signin = format!(
        r#"{{"id":"signin-0001","createdDateTime":"2026-03-07T09:05:00Z","userPrincipalName":"riley@contoso.example","userId":"u-1","appId":"app-1","appDisplayName":"Azure Portal","ipAddress":"203.0.113.7","isInteractive":true,"resourceTenantId":"{T}","homeTenantId":"{T}","signInEventTypes":["interactiveUser"],"status":{{"errorCode":0}}}}"#
    );
    write(
        dir,
        "graph.ndjson",
        format!("{audit}\n{signin}\n").as_bytes(),
    )
}

#[test]
fn records_without_a_tenant_join_the_only_tenant_of_their_export() {
    let d = tempfile::tempdir().unwrap();
    let f = graph_export(d.path());
    let lake = d.path().join("lake");
    let (s, out) = ingest(&lake, &[f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(total(&s, "ingested"), 2, "{s}");
    let tenants = strings(&read_all(&lake.join("events")), "tenant");
    assert_eq!(tenants, vec![Some(T.to_string()); 2], "{s}");
    assert_eq!(
        s["attached_to_tenant"],
        serde_json::json!([{"provider": "entra", "tenant": T, "events": 1, "duplicates": 0}]),
        "{s}"
    );
    assert_eq!(s["unknown_tenant"], serde_json::json!({}), "{s}");
    // Nothing is left in an `unknown` partition.
    assert!(!lake.join("events/provider=entra/tenant=unknown").exists());

    // The human summary says so.
    let lake2 = d.path().join("lake2");
    let out = bin()
        .args([
            "ingest",
            "-q",
            "--lake",
            lake2.to_str().unwrap(),
            f.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("1 entra events named no tenant: attached to {T}")),
        "{text}"
    );
}

#[test]
fn events_left_in_tenant_unknown_are_reported_with_the_fix() {
    let d = tempfile::tempdir().unwrap();
    let okta = r#"{"uuid":"u-1","published":"2026-03-05T10:00:00.000Z","eventType":"user.session.start","actor":{"id":"00u1","type":"User","alternateId":"pat@example.com"},"outcome":{"result":"SUCCESS"}}"#;
    let f = write(d.path(), "okta.ndjson", format!("{okta}\n").as_bytes());
    let lake = d.path().join("lake");
    let (s, out) = ingest(&lake, &[f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s["unknown_tenant"], serde_json::json!({"okta": 1}), "{s}");
    let out = bin()
        .args([
            "ingest",
            "-q",
            "--lake",
            d.path().join("l2").to_str().unwrap(),
            f.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1 okta events name no tenant and are in tenant `unknown`")
            && text.contains("--tenant <id>")
            && text.contains("tenant=<id>"),
        "{text}"
    );
    // The report says it too, first thing.
    let report = d.path().join("report");
    let out = bin()
        .args([
            "report",
            "--lake",
            lake.to_str().unwrap(),
            "--out",
            report.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let md = std::fs::read_to_string(report.join("report.md")).unwrap();
    assert!(
        md.contains("**Tenant unknown:** 1 okta events name no tenant"),
        "{md}"
    );
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(
        html.contains("1 okta events name no tenant"),
        "the page's data carries it"
    );
    // With --tenant nothing is unknown.
    let (s, _) = ingest(
        &d.path().join("l3"),
        &["--tenant", "acme", f.to_str().unwrap()],
    );
    assert_eq!(s["unknown_tenant"], serde_json::json!({}), "{s}");
}

/// Deduplication is on (provider, tenant, event day, event_uid), as README says: an
/// event exported twice is kept once; the same uid at two different times is two
/// records that disagree, and both are kept.
#[test]
fn dedup_scope_is_provider_tenant_day_and_uid() {
    let d = tempfile::tempdir().unwrap();
    let ev = |published: &str| {
        format!(
            r#"{{"uuid":"same-uuid","published":"{published}","eventType":"user.session.start","actor":{{"id":"00u1","type":"User"}},"outcome":{{"result":"SUCCESS"}}}}"#
        )
    };
    let same_day = write(
        d.path(),
        "a.ndjson",
        format!(
            "{}\n{}\n",
            ev("2026-03-05T10:00:00Z"),
            ev("2026-03-05T10:00:00Z")
        )
        .as_bytes(),
    );
    let (s, _) = ingest(
        &d.path().join("l1"),
        &["--tenant", "acme", same_day.to_str().unwrap()],
    );
    assert_eq!(
        (total(&s, "ingested"), total(&s, "duplicates")),
        (1, 1),
        "{s}"
    );

    let two_days = write(
        d.path(),
        "b.ndjson",
        format!(
            "{}\n{}\n",
            ev("2026-03-05T10:00:00Z"),
            ev("2026-03-06T10:00:00Z")
        )
        .as_bytes(),
    );
    let (s, _) = ingest(
        &d.path().join("l2"),
        &["--tenant", "acme", two_days.to_str().unwrap()],
    );
    assert_eq!(
        (total(&s, "ingested"), total(&s, "duplicates")),
        (2, 0),
        "{s}"
    );
}
