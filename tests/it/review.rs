//! Access-review results as input: each supported format is read into the `reviews`
//! table; malformed rows are rejected with their line (CSV) or offset (JSON) and a
//! reason, nothing lost (`read = ingested + duplicates + rejected`); re-ingest adds
//! nothing; and `trailcheck diff` compares analyze runs.

use std::path::Path;

use crate::common::*;

fn reviews(lake: &Path) -> Vec<arrow::array::RecordBatch> {
    read_all(&lake.join("reviews"))
}

fn counts<'a>(summary: &'a serde_json::Value, format: &str) -> &'a serde_json::Value {
    &summary["providers"][format]
}

fn rejects_reasons(lake: &Path) -> Vec<String> {
    strings(&read_all(&lake.join("rejects")), "reason")
        .into_iter()
        .flatten()
        .collect()
}

const ENTRA_HEADER: &str = "AccessReviewId,AccessReviewSeriesId,ReviewType,ResourceDisplayName,ResourceId,ReviewName,CreatedDateTime,ReviewStartDate,ReviewEndDate,ReviewStatus,OwnerId,OwnerName,OwnerUPN,PrincipalId,PrincipalName,PrincipalUPN,PrincipalType,ReviewDate,ReviewResult,Justification,ReviewerId,ReviewerName,ReviewerUPN,ReviewerEmailAddress,AppliedByName,AppliedByUPN,AppliedByEmailAddress,AppliedDate,AccessRecommendation,SubmissionResult";

fn entra_row(principal: &str, upn: &str, kind: &str, result: &str, date: &str) -> String {
    format!(
        "r1,00000000-0000-0000-0000-000000000000,Microsoft Entra role,Global Administrator,62e9,Q3 review,2026-08-28T10:00:00Z,2026-09-01,2026-09-30,Completed,o1,Owner,owner@x.com,{principal},{principal} name,{upn},{kind},{date},{result},,rv1,Reviewer,rev@x.com,rev@x.com,,,,,No Info,Not Applied"
    )
}

#[test]
fn entra_history_csv_rows_and_malformed_rows() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let csv = [
        ENTRA_HEADER.to_string(),
        entra_row("u1", "ann@x.com", "user", "Approve", "2026-09-05T10:00:00Z"),
        entra_row(
            "sp1",
            "",
            "service principal",
            "Deny",
            "2026-09-06T10:00:00Z",
        ),
        entra_row("u2", "bo@x.com", "user", "Not reviewed", ""),
        // line 5: an unknown decision
        entra_row("u3", "cy@x.com", "user", "Maybe", "2026-09-07T10:00:00Z"),
        // line 6: an impossible date
        entra_row("u4", "di@x.com", "user", "Approve", "2026-02-30T10:00:00Z"),
        // line 7: a row cut short
        "r1,00000000-0000-0000-0000-000000000000,Microsoft Entra role".to_string(),
    ]
    .join("\r\n");
    let file = write(d.path(), "review-history.csv", csv.as_bytes());
    let (summary, out) = ingest(&lake, &[file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let c = counts(&summary, "entra-review-history");
    assert_eq!(c["read"], 5, "{summary}");
    assert_eq!(c["ingested"], 3, "{summary}");
    assert_eq!(c["rejected"], 2, "{summary}");
    assert_eq!(
        total(&summary, "rejected"),
        3,
        "the short row too: {summary}"
    );

    let batches = reviews(&lake);
    assert_eq!(rows(&batches), 3);
    assert_eq!(
        strings(&batches, "decision"),
        [Some("approve"), Some("revoke"), Some("not_reviewed")].map(|s| s.map(String::from))
    );
    assert_eq!(
        strings(&batches, "identity_type"),
        [Some("human"), Some("machine"), Some("human")].map(|s| s.map(String::from))
    );
    assert_eq!(u64s(&batches, "source_line"), [2, 3, 4]);
    // A bare date is midnight UTC.
    let starts = strings(&batches, "review_id");
    assert!(starts.iter().all(|s| s.as_deref() == Some("r1")));

    let reasons = rejects_reasons(&lake);
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("line 5:") && r.contains("\"Maybe\"")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("line 6:") && r.contains("ReviewDate")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("line 7:") && r.contains("fields where the header has 30")),
        "{reasons:?}"
    );

    // The same export read again: every row a duplicate, nothing added.
    let (again, out) = ingest(&lake, &["--reread", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(counts(&again, "entra-review-history")["duplicates"], 3);
    assert_eq!(rows(&reviews(&lake)), 3);
}

#[test]
fn graph_okta_and_generic_formats() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let graph = r##"{"@odata.context":"x","value":[
 {"id":"d1","accessReviewId":"inst1","decision":"Deny","justification":"left","reviewedDateTime":"2026-09-06T14:30:00Z",
  "reviewedBy":{"id":"b1","displayName":"Mia","userPrincipalName":"mia@x.com"},"appliedDateTime":null,
  "appliedBy":{"id":"00000000-0000-0000-0000-000000000000","displayName":"","userPrincipalName":""},
  "applyResult":"New","principal":{"@odata.type":"#microsoft.graph.servicePrincipalIdentity","id":"sp9","displayName":"Sync App"},
  "resource":{"id":"g1","displayName":"Sales"}},
 {"id":"d2","accessReviewId":"inst1","decision":"NotReviewed","reviewedDateTime":null,
  "reviewedBy":{"id":"00000000-0000-0000-0000-000000000000","displayName":"","userPrincipalName":""},
  "principal":{"@odata.type":"#microsoft.graph.userIdentity","id":"u9","userPrincipalName":"guest@guest.com"},"resource":null},
 {"id":"d3","decision":"Approve","reviewedBy":{"id":"b1"},"principal":{"id":"u8"}}
]}"##;
    let okta = r#"[
 {"campaignId":"icit1","resourceId":"00gco5","decided":"2026-09-10T14:15:22Z",
  "principalProfile":{"id":"00u28w","email":"jessie@example.com","status":"ACTIVE"},
  "reviewerProfile":{"id":"00u5v5","email":"bob@example.com"},"delegated":"TRUE","decision":"REVOKE",
  "remediationStatus":"SUCCESS","note":{"id":"n1","note":"left team"},"id":"icrt1","reviewerType":"USER"},
 {"campaignId":"icit1","resourceId":"00gco5","decided":"yesterday","principalProfile":{"id":"00u777"},"decision":"APPROVE"}
]"#;
    let generic = "review_id,provider,tenant,identity,identity_type,resource,decision,reviewer,reviewed_at\n\
                   q3,aws_cloudtrail,111122223333,svc-backup,machine,*,keep,alice,2026-09-01\n\
                   q3,aws_cloudtrail,111122223333,bob,human,AdministratorAccess,revoke,alice,2026-09-02\n\
                   q3,salesforce,org1,carol,human,Admin,approve,alice,2026-09-02\n";
    let files = [
        write(d.path(), "decisions.json", graph.as_bytes()),
        write(d.path(), "okta-reviews.json", okta.as_bytes()),
        write(d.path(), "reviews.csv", generic.as_bytes()),
    ];
    let args: Vec<&str> = files.iter().map(|f| f.to_str().unwrap()).collect();
    let (summary, out) = ingest(&lake, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    for (format, read, ingested) in [
        ("entra-review-decisions", 3, 2),
        ("okta-governance-reviews", 2, 1),
        ("trailcheck-review", 3, 2),
    ] {
        let c = counts(&summary, format);
        assert_eq!(c["read"], read, "{format}: {summary}");
        assert_eq!(c["ingested"], ingested, "{format}: {summary}");
        assert_eq!(c["rejected"], read - ingested, "{format}: {summary}");
    }
    let batches = reviews(&lake);
    let by_identity: std::collections::BTreeMap<String, (String, String, Option<String>)> =
        strings(&batches, "identity_uid")
            .into_iter()
            .zip(strings(&batches, "decision"))
            .zip(strings(&batches, "identity_type"))
            .zip(strings(&batches, "reviewer"))
            .map(|(((id, dec), kind), reviewer)| {
                (id.unwrap(), (dec.unwrap(), kind.unwrap(), reviewer))
            })
            .collect();
    assert_eq!(
        by_identity["sp9"],
        ("revoke".into(), "machine".into(), Some("mia@x.com".into()))
    );
    // The zero GUID means nobody reviewed it.
    assert_eq!(
        by_identity["u9"],
        ("not_reviewed".into(), "human".into(), None)
    );
    assert_eq!(
        by_identity["00u28w"],
        (
            "revoke".into(),
            "human".into(),
            Some("bob@example.com".into())
        )
    );
    assert_eq!(by_identity["svc-backup"].0, "approve");
    assert_eq!(by_identity["svc-backup"].1, "machine");
    assert_eq!(by_identity["bob"].0, "revoke");
    // The generic `*` resource is the whole account.
    let resources = strings(&batches, "resource");
    assert!(resources.contains(&None) && resources.contains(&Some("AdministratorAccess".into())));

    let reasons = rejects_reasons(&lake);
    for want in [
        "accessReviewId is missing",
        "decided:",
        "\"salesforce\" is not one of",
    ] {
        assert!(
            reasons.iter().any(|r| r.contains(want)),
            "{want}: {reasons:?}"
        );
    }
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("line 4:") && r.contains("salesforce")),
        "{reasons:?}"
    );
}

/// Two analyze runs over a lake that changed in between: `diff` lists what is new,
/// resolved and persisting, in each output format, and the view says the same.
#[test]
fn diff_between_analyze_runs() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let okta = sample_logs("okta");
    let (_, out) = ingest(&lake, &[okta.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let analyze = |extra: &[&str]| {
        let out = bin()
            .args(["analyze", "--format", "json", "--lake"])
            .arg(&lake)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap()
    };
    // One analyze run: nothing to compare yet.
    let first = analyze(&[]);
    let out = bin().args(["diff", "--lake"]).arg(&lake).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing to compare"),
        "{}",
        stderr(&out)
    );

    // A shorter dormancy threshold flags more: new findings, the rest persist.
    let second = analyze(&["--dormant-days", "30"]);
    let uids = |f: &[serde_json::Value]| -> std::collections::BTreeSet<String> {
        f.iter()
            .map(|x| x["finding_uid"].as_str().unwrap().to_string())
            .collect()
    };
    let (a, b) = (uids(&first), uids(&second));
    let new = b.difference(&a).count();
    let resolved = a.difference(&b).count();
    assert!(new > 0, "a lower threshold must flag more");

    let out = bin()
        .args(["diff", "--format", "json", "--fail-on-new", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "new findings: {}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let count = |c: &str| rows.iter().filter(|r| r["change"] == c).count();
    assert_eq!(count("new"), new);
    assert_eq!(count("resolved"), resolved);
    assert_eq!(count("persisting"), a.intersection(&b).count());
    assert_eq!(rows.len(), a.union(&b).count());

    // The table says the same in words; CSV has a header and one line per finding.
    let out = bin().args(["diff", "--lake"]).arg(&lake).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{new} new, {resolved} resolved")),
        "{text}"
    );
    let out = bin()
        .args(["diff", "--format", "csv", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        rows.len() + 1
    );

    // Swapped runs: what was new is resolved. An unknown run is refused by name.
    let runs: Vec<String> = rows
        .first()
        .map(|_| {
            let out = bin()
                .args([
                    "sql",
                    "--format",
                    "csv",
                    "SELECT run_id FROM runs WHERE kind = 'analyze' ORDER BY started_at",
                    "--lake",
                ])
                .arg(&lake)
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .skip(1)
                .map(str::to_string)
                .collect()
        })
        .unwrap();
    assert_eq!(runs.len(), 2);
    let out = bin()
        .args([
            "diff", "--format", "json", "--from", &runs[1], "--to", &runs[0], "--lake",
        ])
        .arg(&lake)
        .output()
        .unwrap();
    let swapped: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        swapped.iter().filter(|r| r["change"] == "resolved").count(),
        new
    );
    let out = bin()
        .args(["diff", "--from", "x'; DROP TABLE runs; --", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not an analyze run"),
        "{}",
        stderr(&out)
    );
}

/// Review activity in the audit logs themselves (Okta `certification.*`, Entra's
/// "Access Reviews" service) is kept as events with category `governance`.
#[test]
fn review_activity_in_audit_logs_is_governance() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let okta = r#"{"uuid":"c1","published":"2026-09-05T10:00:00.000Z","eventType":"certification.campaign.item.decide","version":"0","severity":"INFO","displayMessage":"Decide on a campaign item","actor":{"id":"00u5v5","type":"User","alternateId":"bob@example.com","displayName":"Bob"},"outcome":{"result":"SUCCESS"},"target":[{"id":"icit1","type":"Campaign","displayName":"Q3"}]}"#;
    let entra = r#"{"id":"a1","category":"Policy","correlationId":"c","result":"success","resultReason":"","activityDisplayName":"Deny decision","activityDateTime":"2026-09-05T18:09:04.1502113Z","loggedByService":"Access Reviews","operationType":"Update","initiatedBy":{"user":{"id":"u1","userPrincipalName":"mia@contoso.com"}},"targetResources":[{"id":"r1","displayName":"Q3 review","type":"Other","modifiedProperties":[]}],"additionalDetails":[]}"#;
    let files = [
        write(d.path(), "okta.json", okta.as_bytes()),
        write(d.path(), "entra.json", entra.as_bytes()),
    ];
    let args: Vec<&str> = files.iter().map(|f| f.to_str().unwrap()).collect();
    let (summary, out) = ingest(&lake, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(total(&summary, "rejected"), 0, "{summary}");
    let events = read_all(&lake.join("events"));
    let mut got: Vec<(Option<String>, Option<String>)> = strings(&events, "event_type")
        .into_iter()
        .zip(strings(&events, "category"))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (Some("Deny decision".into()), Some("governance".into())),
            (
                Some("certification.campaign.item.decide".into()),
                Some("governance".into())
            ),
        ]
    );
}

/// One CloudTrail record of `user` in account 111122223333, as CloudTrail writes it.
fn cloudtrail(time: &str, user: &str, source: &str, name: &str, params: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","principalId":"AIDA{user_id}","arn":"arn:aws:iam::111122223333:user/{user}","accountId":"111122223333","accessKeyId":"AKIA{user_id}","userName":"{user}"}},"eventTime":"{time}","eventSource":"{source}","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","userAgent":"aws-cli/2.17.41","requestParameters":{params},"responseElements":null,"requestID":"r-{time}-{name}","eventID":"e-{time}-{name}-{user}","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}}"#,
        user_id = user.to_ascii_uppercase().replace(['-', '.'], "X"),
    )
}

/// The generic format's own example in docs/access-reviews.md, end to end: its review file
/// revokes `AdministratorAccess` of bob, and CloudTrail shows the policy
/// (`arn:aws:iam::aws:policy/AdministratorAccess`) detached five days after the decision.
/// The decision was carried out: no `access-review-decision-not-enforced` finding.
#[test]
fn documented_generic_example_revoke_carried_out() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/access-reviews.md"),
    )
    .unwrap();
    let csv = doc
        .split("```csv\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a csv example in docs/access-reviews.md");
    assert!(csv.contains(",AdministratorAccess,revoke,"), "{csv}");

    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    let bob = r#"{"userName":"bob","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}"#;
    let mut records = vec![
        cloudtrail(
            "2026-07-01T09:00:00Z",
            "alice",
            "iam.amazonaws.com",
            "AttachUserPolicy",
            bob,
        ),
        cloudtrail(
            "2026-07-02T09:00:00Z",
            "bob",
            "s3.amazonaws.com",
            "ListBuckets",
            "null",
        ),
        // The decision is dated 2026-09-02; the policy goes five days later.
        cloudtrail(
            "2026-09-07T09:00:00Z",
            "alice",
            "iam.amazonaws.com",
            "DetachUserPolicy",
            bob,
        ),
    ];
    // svc-backup (approved) works every week until as_of.
    for day in (1..=28).step_by(7) {
        for month in ["07", "08", "09", "10"] {
            records.push(cloudtrail(
                &format!("2026-{month}-{day:02}T03:00:00Z"),
                "svc-backup",
                "s3.amazonaws.com",
                "PutObject",
                r#"{"bucketName":"backups"}"#,
            ));
        }
    }
    let trail = format!("{{\"Records\":[{}]}}", records.join(","));
    let files = [
        write(d.path(), "review.csv", csv.as_bytes()),
        write(
            d.path(),
            "111122223333_CloudTrail_us-east-1_20261031T0000Z_x.json",
            trail.as_bytes(),
        ),
    ];
    let args: Vec<&str> = files.iter().map(|f| f.to_str().unwrap()).collect();
    let (summary, out) = ingest(&lake, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(total(&summary, "rejected"), 0, "{summary}");
    assert_eq!(
        counts(&summary, "trailcheck-review")["ingested"],
        2,
        "{summary}"
    );

    // The logs: the role was granted and removed.
    let out = bin()
        .args(["sql", "--format", "json", "--lake"])
        .arg(&lake)
        .arg(format!(
            "SELECT role, active, revoke_event IS NOT NULL AS revoked FROM role_assignments \
             WHERE holder_uid = 'arn:aws:iam::111122223333:user/bob' AND role = '{admin}'"
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["active"], false, "{rows:?}");

    let out = bin()
        .args(["analyze", "--format", "json", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let not_enforced: Vec<_> = findings
        .iter()
        .filter(|f| f["rule_id"] == "access-review-decision-not-enforced")
        .collect();
    assert!(
        not_enforced
            .iter()
            .all(|f| f["evidence"]["outcome"] == "enforced"),
        "the detach carried the decision out: {not_enforced:#?}"
    );
    // The approved service account is in use: not approved-while-dormant.
    assert!(
        !findings
            .iter()
            .any(|f| f["rule_id"] == "access-review-approved-dormant"),
        "{findings:#?}"
    );
}
