//! End to end over `sample-logs/`: the findings planted there (see each PLANTED.md) are
//! found, and nothing else of these rules; the same lake gives the same findings with
//! the same ids; `--fail-on` sets the exit status.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::*;

/// A lake of all of `sample-logs/` analyzed once (shared by the tests of this binary),
/// copied for a test that analyzes it again.
fn sample_lake() -> (tempfile::TempDir, std::path::PathBuf) {
    copy_lake(&analyzed_samples().0.join("lake"))
}

fn analyze(lake: &Path, args: &[&str]) -> (Vec<serde_json::Value>, std::process::Output) {
    let out = bin()
        .arg("analyze")
        .arg("--lake")
        .arg(lake)
        .args(args)
        .output()
        .unwrap();
    let findings = serde_json::from_slice(&out.stdout).unwrap_or_default();
    (findings, out)
}

/// What each sample-logs/*/PLANTED.md says the rules must find.
const PLANTED: &[&str] = &[
    "dormant-credential|aws_cloudtrail|AKIAADK25Q7YHGXYF722|confirmed",
    "dormant-credential|aws_cloudtrail|AKIAMVCJOZKBPLCDLVCP|confirmed",
    "dormant-credential|aws_cloudtrail|AKIAXKWJRST2KO2R6EC4|confirmed",
    "dormant-credential|entra|3e243df6-14c9-49db-95a8-116a2dabcc1b|confirmed",
    "dormant-credential|entra|93652ab8-28e7-45ac-9a1c-9dc539af5053|confirmed",
    "dormant-credential|entra|b81e230e-4dab-4d66-9373-616282bdb075|confirmed",
    "dormant-credential|okta|00TfGwJIYtAfU5oui1h7|confirmed",
    "dormant-credential|okta|00TsDQfqtt3rh5bcA1h7|confirmed",
    "dormant-machine-identity|aws_cloudtrail|arn:aws:iam::111122223333:role/batch-report-runner|confirmed",
    "dormant-machine-identity|aws_cloudtrail|arn:aws:iam::111122223333:user/svc-legacy-backup|confirmed",
    "dormant-machine-identity|entra|22ec9142-eff9-4149-bb7c-1b7e9c99f7e8|indeterminate",
    "dormant-machine-identity|entra|2e1696a3-7044-4072-bf7d-3bfd86f4862a|confirmed",
    "dormant-machine-identity|entra|c5f77cd5-8139-4276-9e78-2d3667687a27|confirmed",
    "dormant-machine-identity|okta|0oaUKDCgeuaphi7Tf1h7|confirmed",
    "dormant-machine-identity|okta|0oabkpNxG1pfVKRyp1h7|confirmed",
    "logging-gap|aws_cloudtrail|gap:2026-08-10..2026-08-18|confirmed",
    "logging-gap|okta|drop:2026-09-14..2026-09-20|confirmed",
    "overbroad-delegated-admin|aws_cloudtrail|arn:aws:iam::111122223333:role/lambda-invoice-processor / arn:aws:iam::aws:policy/AdministratorAccess|confirmed",
    "overbroad-delegated-admin|aws_cloudtrail|arn:aws:iam::111122223333:user/bob.nguyen / arn:aws:iam::aws:policy/AdministratorAccess|confirmed",
    "overbroad-delegated-admin|aws_cloudtrail|arn:aws:iam::111122223333:user/dave.okafor / arn:aws:iam::aws:policy/AdministratorAccess|confirmed",
    "overbroad-delegated-admin|aws_cloudtrail|arn:aws:iam::111122223333:user/erin.walsh / arn:aws:iam::aws:policy/AdministratorAccess|confirmed",
    "overbroad-delegated-admin|entra|059fb415-af0d-4661-82f5-1a6c4ebcb989 / Global Administrator|confirmed",
    "overbroad-delegated-admin|entra|383470ef-999d-4098-a6a9-91f84a005ca8 / Global Administrator|confirmed",
    "overbroad-delegated-admin|entra|86bdf748-5a00-4a25-be53-825213e807a0 / Global Administrator|confirmed",
    "overbroad-delegated-admin|entra|96c4901f-1525-4731-967e-1fa3a503211a / Global Administrator|confirmed",
    "overbroad-delegated-admin|entra|a0483c50-5f42-4d47-b0e0-ebf0ad4bfbd9 / Global Administrator|confirmed",
    "overbroad-delegated-admin|okta|00u17zCFMoxr5FQQD1h7 / Super administrator|confirmed",
    "overbroad-delegated-admin|okta|00uOJxQXdGIxwvLde1h7 / Super administrator|confirmed",
    "overbroad-delegated-admin|okta|00uZonHyn8FBYGhZA1h7 / Super administrator|confirmed",
    "overbroad-delegated-admin|okta|00uqqHIPXLZfhqVih1h7 / Super administrator|confirmed",
    "overbroad-delegated-admin|okta|00urI2LMEgpPhkiS61h7 / Super administrator|confirmed",
    "overbroad-delegated-admin|okta|00uscHx8NSOyYaNen1h7 / Super administrator|confirmed",
    "overbroad-delegated-admin|okta|0oaHOJLyZojmgkk7k1h7 / Organization administrator|confirmed",
    // sample-logs/{google_workspace,gcp_audit,github}/PLANTED.md
    "dormant-credential|gcp_audit|a89eb1d80ce28d56285cdf3b1286d7204a4f31aa|confirmed",
    "dormant-credential|gcp_audit|f8d141f677f0b27d34c5d82a5c46eea5cdfcfb32|confirmed",
    "dormant-credential|github|11055107|confirmed",
    "dormant-credential|github|SHA256:dyd3yMytXAJ+5l6UVF31m6L1a/r20pW5TTDDbEmV+0M|confirmed",
    "dormant-machine-identity|gcp_audit|looker-export@acme-prod-4821.iam.gserviceaccount.com|confirmed",
    "dormant-machine-identity|gcp_audit|ml-batch-scorer@acme-prod-4821.iam.gserviceaccount.com|confirmed",
    "dormant-machine-identity|github|acme-legacy-ci[bot]|confirmed",
    "dormant-machine-identity|github|acme-sbom-scanner[bot]|confirmed",
    "dormant-machine-identity|google_workspace|107788990011223344556|confirmed",
    "dormant-machine-identity|google_workspace|113344556677889900112|confirmed",
    "overbroad-delegated-admin|gcp_audit|ben.okoro@example.com / roles/compute.admin|confirmed",
    "overbroad-delegated-admin|gcp_audit|ci-deployer@acme-prod-4821.iam.gserviceaccount.com / roles/owner|confirmed",
    "overbroad-delegated-admin|gcp_audit|kai.nakamura@example.com / roles/owner|confirmed",
    "overbroad-delegated-admin|gcp_audit|ravi.patel@example.com / roles/owner|confirmed",
    "overbroad-delegated-admin|gcp_audit|sofia.lind@example.com / roles/owner|confirmed",
    "overbroad-delegated-admin|github|acme-release-bot / admin|confirmed",
    "overbroad-delegated-admin|github|ahmed-k / admin|confirmed",
    "overbroad-delegated-admin|github|lwong / owner|confirmed",
    "overbroad-delegated-admin|github|rtorres / owner|confirmed",
    "overbroad-delegated-admin|github|wbrooks / admin|confirmed",
    "overbroad-delegated-admin|google_workspace|carlos.mendes@example.com / _SEED_ADMIN_ROLE|confirmed",
    "overbroad-delegated-admin|google_workspace|daniel.kim@example.com / Security Operations|confirmed",
    "overbroad-delegated-admin|google_workspace|directory-sync@acme-prod-4821.iam.gserviceaccount.com / _USER_MANAGEMENT_ADMIN_ROLE|confirmed",
    "overbroad-delegated-admin|google_workspace|james.whitfield@example.com / Super Admin|confirmed",
    "overbroad-delegated-admin|google_workspace|james.whitfield@example.com / _SEED_ADMIN_ROLE|confirmed",
    "overbroad-delegated-admin|google_workspace|tom.becker@example.com / _SEED_ADMIN_ROLE|confirmed",
    // sample-logs/entra/access-reviews/PLANTED.md
    "access-review-approved-dormant|entra|2e1696a3-7044-4072-bf7d-3bfd86f4862a / Legacy Ticket Sync / 6b1f0c52-3d7e-4f9a-8c21-5e4d3b2a1908|confirmed",
    "access-review-decision-not-enforced|entra|96c4901f-1525-4731-967e-1fa3a503211a / Global Administrator / 6b1f0c52-3d7e-4f9a-8c21-5e4d3b2a1908|confirmed",
    "access-review-missing-identity|entra|383470ef-999d-4098-a6a9-91f84a005ca8 / 6b1f0c52-3d7e-4f9a-8c21-5e4d3b2a1908|confirmed",
];

/// Identities and credentials PLANTED.md lists as healthy, in grace, or offboarded.
const NOT_FLAGGED: &[&str] = &[
    "104729384756102938475",
    "118899001122334455667",
    "101122334455667788990",
    "lena.fischer",
    "etl-runner@",
    "5c2f9437025ab333aaa71fc47214c8aebc729124",
    "vertex-pipeline@",
    "legacy-cron@",
    "77d72769e3b41ee77d91ca380a7f73155d46ac0b",
    "tmp-migration@",
    "omar.haddad@example.com",
    "15614bf0-39ed-4c26-8027-a83ccaf43f28",
    "acme-deploy-bot[bot]",
    "acme-jira-sync[bot]",
    "10121813",
    "15840319",
    "pgarcia",
    "acme-release-notes",
    "0oaLhhKMUQ1fWsF6h1h7",
    "0oarErhErDmIGHFFL1h7",
    "0oaSUXgtOBpmKJGrR1h7",
    "00THNw8BqwqQGd4Xt1h7",
    "00TNfL7onE3mEOcNE1h7",
    "00uHvUiYsuVcBTXhw1h7",
    "00uJKcnn1GJ8IKQRR1h7",
    "AKIAXTUCC2OO7OXYLORL",
    "AKIAXAWZRNA7EV233O4A",
    "AKIAKFPCRAHRD4VXAHNP",
    "vendor-audit-collector",
    "legacy-batch-role",
    "carol.smith",
    "e2f8ab50-0741-4552-845c-e0a8bc825905",
    "9ff95c33-d5dc-4d6f-a497-809f1f60df0d",
    "9e13b18d-576b-4066-ba68-6810bb6ecfbc",
    "fb6fc8b2-2568-4b39-b708-711855dc1964",
    "6fd58d25-9978-4f16-8254-9f77494be5c3",
    "1170c08c-e943-404f-aabb-cc608ad7c4fe",
    "b8c3a47e-9d6d-4694-bbfc-cbdf9ff61640",
    "7add95a5-76c3-4477-9e6d-6367dadc1acc",
];

const PLANTED_RULES: &[&str] = &[
    "dormant-machine-identity",
    "dormant-credential",
    "overbroad-delegated-admin",
    "logging-gap",
    "access-review-missing-identity",
    "access-review-decision-not-enforced",
    "access-review-approved-dormant",
];

#[test]
fn the_planted_findings_and_nothing_else() {
    let (_, findings) = analyzed_samples();
    let got: BTreeSet<String> = findings
        .iter()
        .filter(|f| PLANTED_RULES.contains(&f["rule_id"].as_str().unwrap()))
        .map(|f| {
            format!(
                "{}|{}|{}|{}",
                f["rule_id"].as_str().unwrap(),
                f["provider"].as_str().unwrap(),
                f["subject_uid"].as_str().unwrap(),
                f["verdict"].as_str().unwrap()
            )
        })
        .collect();
    let want: BTreeSet<String> = PLANTED.iter().map(|s| s.to_string()).collect();
    assert_eq!(got, want);
    for f in findings {
        let subject = f["subject_uid"].as_str().unwrap();
        for healthy in NOT_FLAGGED {
            assert!(
                !subject.contains(healthy),
                "{healthy} is healthy but flagged: {f}"
            );
        }
        // The contract's columns, and evidence as an object.
        for col in [
            "finding_uid",
            "severity",
            "tenant",
            "summary",
            "first_seen",
            "last_seen",
            "as_of",
        ] {
            assert!(!f[col].is_null(), "{col} missing in {f}");
        }
        assert!(f["evidence"].is_object(), "{f}");
        assert!(f["frameworks"].as_array().is_some_and(|a| !a.is_empty()));
        assert_eq!(
            f["as_of"], "2026-10-31T23:41:07.218443Z",
            "as_of is the end of the evidence"
        );
    }
    // The reasons behind over-broad admins are in the evidence.
    let reasons = |subject: &str| -> Vec<String> {
        let f = findings
            .iter()
            .find(|f| f["subject_uid"].as_str().unwrap().starts_with(subject))
            .unwrap();
        f["evidence"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect()
    };
    assert!(reasons("00uZonHyn8FBYGhZA1h7").contains(&"self-granted".to_string()));
    assert!(
        reasons("00urI2LMEgpPhkiS61h7")
            .contains(&"granted by a delegated admin without that privilege".to_string())
    );
    assert!(
        reasons("00uqqHIPXLZfhqVih1h7")
            .contains(&"more privileged holders than max_super_admins".to_string())
    );
    assert!(
        !reasons("arn:aws:iam::111122223333:user/bob.nguyen")
            .contains(&"more privileged holders than max_super_admins".to_string())
    );
    let lambda = reasons("arn:aws:iam::111122223333:role/lambda-invoice-processor");
    assert!(
        lambda.contains(&"held by a machine identity".to_string()),
        "{lambda:?}"
    );
    assert!(reasons("0oaHOJLyZojmgkk7k1h7").contains(&"held by a machine identity".to_string()));
}

#[test]
fn same_lake_same_findings_same_ids_and_fail_on() {
    // The lake holds the shared analysis, `a`; `b` analyzes its copy again.
    let a = analyzed_samples().1;
    let (_d, lake) = sample_lake();
    let (b, out) = analyze(&lake, &["--format", "json", "--fail-on", "critical"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "critical findings with --fail-on critical"
    );
    let ids = |v: &[serde_json::Value]| {
        v.iter()
            .map(|f| f["finding_uid"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(a), ids(&b));
    assert_eq!(
        ids(a).iter().collect::<BTreeSet<_>>().len(),
        a.len(),
        "ids are unique"
    );
    // Both runs are stored in the lake.
    assert_eq!(rows(&read_all(&lake.join("findings"))), 2 * a.len());
    // A later as_of with a longer dormancy threshold changes the verdicts, not the ids.
    let (c, out) = analyze(&lake, &["--format", "json", "--dormant-days", "400"]);
    assert!(out.status.success());
    assert!(
        c.iter()
            .all(|f| f["rule_id"] != "dormant-machine-identity" || f["verdict"] == "indeterminate")
    );
}

#[test]
fn csv_output_neutralizes_formulas_and_keeps_the_columns() {
    let (_d, lake) = sample_lake();
    let out = bin()
        .args(["analyze", "--format", "csv", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header[0], "finding_uid");
    assert_eq!(header.len(), 15);
    for rec in r.records() {
        for cell in rec.unwrap().iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        }
    }
}

#[test]
fn rules_are_documented_with_the_fixed_headings() {
    let out = bin().arg("rules").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let n = trailcheck::session::rules().count();
    assert!(n > 0);
    for q in trailcheck::session::rules() {
        assert!(text.contains(&format!("# {}\n", q.id)), "{}", q.id);
    }
    for heading in [
        "## What it finds",
        "## Why it matters",
        "## How it decides",
        "## What to do",
        "## Frameworks",
    ] {
        assert_eq!(text.matches(heading).count(), n, "{heading}");
    }
}

/// `trailcheck run` end to end on sample-logs/: the terminal summary (volatile values
/// filtered) and the exit status for periodic access-review jobs.
#[test]
fn run_end_to_end_summary() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let report = d.path().join("report");
    let out = bin()
        .args(["run", "--quiet", "--lake"])
        .arg(&lake)
        .arg("--out")
        .arg(&report)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(report.join("index.html").is_file());
    let text = String::from_utf8(out.stdout).unwrap();
    insta::with_settings!({filters => vec![
        (r"\d{8}T\d{6}Z-[0-9a-f]{8}", "[RUN]"),
        (r"/[^ \n]*/lake", "[LAKE]"),
        (r"/[^ \n]*/report", "[REPORT]"),
        (r"\d+ files, [0-9.]+ MB in [0-9.]+ s \([0-9]+ events/s, [0-9.]+ MB/s\)", "[FILES AND SPEED]"),
    ]}, {
        insta::assert_snapshot!("run_summary", text);
    });
    // --min-score and --fail-on turn findings into exit status 1.
    let out = bin()
        .args(["run", "--quiet", "--min-score", "90", "--lake"])
        .arg(d.path().join("lake2"))
        .arg("--out")
        .arg(d.path().join("report2"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a tenant scores below 90");
}

/// Verdicts that hold on the bundled exports: documented event types that nothing implies
/// are one finding per provider and tenant, after the real gaps; an AWS policy whose use
/// CloudTrail cannot attribute is not "never exercised"; subjects carry the names the
/// logs give them.
#[test]
fn sample_verdicts_gaps_exercise_and_names() {
    let (_, findings) = analyzed_samples();

    // missing-event-type: each implied absence on its own, the rest listed once per tenant.
    let missing: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["rule_id"] == "missing-event-type")
        .collect();
    let got: BTreeSet<String> = missing
        .iter()
        .map(|f| {
            format!(
                "{}|{}|{}|{}",
                f["provider"].as_str().unwrap(),
                f["subject_uid"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["verdict"].as_str().unwrap()
            )
        })
        .collect();
    let want: BTreeSet<String> = [
        "entra|Remove member from role|medium|indeterminate",
        "google_workspace|token:revoke|medium|indeterminate",
        "entra|unseen-event-types|low|indeterminate",
        "gcp_audit|unseen-event-types|low|indeterminate",
        "github|unseen-event-types|low|indeterminate",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(got, want, "{missing:#?}");
    let github = missing.iter().find(|f| f["provider"] == "github").unwrap();
    let types: Vec<&str> = github["evidence"]["event_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "integration_installation.create",
            "org.add_member",
            "org.update_member",
            "personal_access_token.access_granted"
        ]
    );
    let summary = github["summary"].as_str().unwrap();
    assert!(
        types.iter().all(|t| summary.contains(t)),
        "the summary lists them: {summary}"
    );
    // Findings come most severe first: the real gaps before the list of unseen types.
    let position = |uid: &str| {
        findings
            .iter()
            .position(|f| f["rule_id"] == "missing-event-type" && f["subject_uid"] == uid)
            .unwrap()
    };
    assert!(position("token:revoke") < position("unseen-event-types"));

    // AdministratorAccess of the Lambda role: its calls may or may not have needed it.
    let lambda = findings
        .iter()
        .find(|f| {
            f["rule_id"] == "overbroad-delegated-admin"
                && f["subject_uid"]
                    .as_str()
                    .unwrap()
                    .starts_with("arn:aws:iam::111122223333:role/lambda-invoice-processor")
        })
        .unwrap();
    let reasons = lambda["evidence"]["reasons"].to_string();
    assert!(!reasons.contains("never exercised"), "{lambda:#?}");
    assert_eq!(
        lambda["evidence"]["exercise"], "not determinable",
        "{lambda:#?}"
    );
    assert!(
        lambda["evidence"]["exercise_note"]
            .as_str()
            .is_some_and(|n| n.contains("CloudTrail")),
        "{lambda:#?}"
    );

    // Names: every subject has one, and the logs' names are used.
    for f in findings {
        assert!(
            f["subject_name"].as_str().is_some_and(|n| !n.is_empty()),
            "no subject_name: {f:#?}"
        );
    }
    let name = |uid: &str| {
        findings
            .iter()
            .find(|f| f["subject_uid"] == uid)
            .map(|f| f["subject_name"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(
        name("00TfGwJIYtAfU5oui1h7"),
        "terraform-staging (svc-terraform@acme.com)"
    );
    assert_eq!(
        name("113344556677889900112"),
        "reports-export@acme-prod-4821.iam.gserviceaccount.com"
    );
}
