//! `trailcheck generate`: synthetic exports that ingest without rejects, are
//! reproducible by seed, and carry the planted findings.

use std::path::{Path, PathBuf};

use crate::common::{bin, ingest, stderr, total};

const EVENTS: u64 = 2000;

fn generate(out: &Path, provider: &str, seed: &str, tenants: &str) {
    let o = bin()
        .args(["generate", "--provider", provider, "--events"])
        .arg(EVENTS.to_string())
        .args(["--seed", seed, "--tenants", tenants, "--out"])
        .arg(out)
        .output()
        .expect("run trailcheck");
    assert!(o.status.success(), "generate failed: {}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("generated {EVENTS} events")),
        "summary line: {}",
        stderr(&o)
    );
}

/// Every file under `dir`, relative, in name order, with its bytes.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((p.strip_prefix(root).unwrap().to_path_buf(), bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn analyze(lake: &Path) -> Vec<serde_json::Value> {
    let o = bin()
        .args(["analyze", "--format", "json", "--lake"])
        .arg(lake)
        .output()
        .expect("run trailcheck");
    assert!(o.status.success(), "analyze failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("findings JSON")
}

/// Generate, ingest and analyze one provider; return the findings.
fn round_trip(provider: &str, tenants: &str) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gen");
    let lake = dir.path().join("lake");
    generate(&out, provider, "42", tenants);
    let (summary, o) = ingest(&lake, &[out.to_str().unwrap()]);
    assert!(o.status.success(), "ingest failed: {}", stderr(&o));
    assert_eq!(total(&summary, "rejected"), 0, "{summary}");
    assert_eq!(total(&summary, "duplicates"), 0, "{summary}");
    assert_eq!(total(&summary, "ingested"), EVENTS, "{summary}");
    assert_eq!(
        summary["providers"][provider]["ingested"].as_u64(),
        Some(EVENTS),
        "{summary}"
    );
    analyze(&lake)
}

fn flagged<'a>(
    findings: &'a [serde_json::Value],
    rule: &str,
    name: &str,
) -> Vec<&'a serde_json::Value> {
    findings
        .iter()
        .filter(|f| f["rule_id"] == rule && f["subject_name"].as_str() == Some(name))
        .collect()
}

#[test]
fn generate_aws_cloudtrail_ingests_and_flags_planted() {
    let findings = round_trip("aws_cloudtrail", "2");
    // Planted in every account: two tenants, two findings each.
    let dormant = flagged(
        &findings,
        "dormant-machine-identity",
        "svc-legacy-reporting",
    );
    assert_eq!(dormant.len(), 2, "{findings:#?}");
    assert!(dormant.iter().all(|f| f["verdict"] == "confirmed"));
    let keys: Vec<_> = findings
        .iter()
        .filter(|f| f["rule_id"] == "dormant-credential")
        .collect();
    assert!(
        keys.iter()
            .any(|f| f["evidence"].to_string().contains("svc-data-export")
                || f["summary"].to_string().contains("svc-data-export")),
        "{keys:#?}"
    );
    // Active workloads are not flagged.
    for name in [
        "svc-deploy",
        "svc-backup",
        "ec2-app-role",
        "lambda-etl-role",
    ] {
        assert!(
            flagged(&findings, "dormant-machine-identity", name).is_empty(),
            "{name} flagged: {findings:#?}"
        );
    }
}

#[test]
fn generate_okta_ingests_and_flags_planted() {
    let findings = round_trip("okta", "1");
    let dormant = flagged(&findings, "dormant-machine-identity", "Legacy HR Sync");
    assert_eq!(dormant.len(), 1, "{findings:#?}");
    assert_eq!(dormant[0]["tenant"], "acme.okta.com");
    // The API token `siem-log-pull`, created on day 8 and never used.
    assert!(
        findings.iter().any(|f| f["rule_id"] == "dormant-credential"
            && f["summary"]
                .as_str()
                .is_some_and(|s| s.contains("never used"))),
        "{findings:#?}"
    );
    for name in ["Reporting ETL", "ServiceNow Provisioner", "SCIM Bridge"] {
        assert!(
            flagged(&findings, "dormant-machine-identity", name).is_empty(),
            "{name} flagged: {findings:#?}"
        );
    }
}

/// Findings of `rule` whose subject name satisfies `pred`.
fn flagged_where<'a>(
    findings: &'a [serde_json::Value],
    rule: &str,
    pred: impl Fn(&str) -> bool,
) -> Vec<&'a serde_json::Value> {
    findings
        .iter()
        .filter(|f| f["rule_id"] == rule && f["subject_name"].as_str().is_some_and(&pred))
        .collect()
}

#[test]
fn generate_entra_ingests_and_flags_planted() {
    let findings = round_trip("entra", "2");
    // Planted in every tenant: two tenants, two findings each.
    let dormant = flagged(
        &findings,
        "dormant-machine-identity",
        "Legacy Payroll Connector",
    );
    assert_eq!(dormant.len(), 2, "{findings:#?}");
    assert!(dormant.iter().all(|f| f["verdict"] == "confirmed"));
    // The second client secret of Payroll Export Service, added on day 10, never used.
    let secrets = flagged_where(&findings, "dormant-credential", |s| {
        s.ends_with("(Payroll Export Service)")
    });
    assert_eq!(secrets.len(), 2, "{findings:#?}");
    assert!(secrets.iter().all(|f| {
        f["verdict"] == "confirmed"
            && f["summary"]
                .as_str()
                .is_some_and(|s| s.contains("never used"))
    }));
    // A directory role held by a service principal.
    assert_eq!(
        flagged(
            &findings,
            "overbroad-delegated-admin",
            "Terraform Cloud / Application Administrator"
        )
        .len(),
        2,
        "{findings:#?}"
    );
    // Active service principals, managed identities and the provisioning app are not.
    for name in [
        "Payroll Export Service",
        "ServiceNow Connector",
        "Terraform Cloud",
        "Datadog Azure Integration",
        "func-invoice-processor",
        "aks-agentpool-identity",
        "Workday to Microsoft Entra ID User Provisioning",
    ] {
        assert!(
            flagged(&findings, "dormant-machine-identity", name).is_empty(),
            "{name} flagged: {findings:#?}"
        );
    }
}

#[test]
fn generate_google_workspace_ingests_and_flags_planted() {
    let findings = round_trip("google_workspace", "1");
    let dormant = flagged(
        &findings,
        "dormant-machine-identity",
        "legacy-hr-sync@acme-hr-prod.iam.gserviceaccount.com",
    );
    assert_eq!(dormant.len(), 1, "{findings:#?}");
    assert_eq!(dormant[0]["verdict"], "confirmed");
    // OAuth client `Legacy Expense Scanner`: used on days 3-18 only.
    let tokens = flagged_where(&findings, "dormant-credential", |s| {
        s.contains(".apps.googleusercontent.com")
    });
    assert_eq!(tokens.len(), 1, "{findings:#?}");
    assert_eq!(tokens[0]["verdict"], "confirmed");
    // Super admin to a person, groups admin to a service account.
    for name in [
        "kenji.watanabe@acme.com / _SEED_ADMIN_ROLE",
        "directory-sync@acme-it-automation.iam.gserviceaccount.com / _GROUPS_ADMIN_ROLE",
    ] {
        assert_eq!(
            flagged(&findings, "overbroad-delegated-admin", name).len(),
            1,
            "{name}: {findings:#?}"
        );
    }
    for name in [
        "directory-sync@acme-it-automation.iam.gserviceaccount.com",
        "gam-automation@acme-it-automation.iam.gserviceaccount.com",
    ] {
        assert!(
            flagged(&findings, "dormant-machine-identity", name).is_empty(),
            "{name} flagged: {findings:#?}"
        );
    }
}

#[test]
fn generate_gcp_audit_ingests_and_flags_planted() {
    let findings = round_trip("gcp_audit", "2");
    let dormant = flagged_where(&findings, "dormant-machine-identity", |s| {
        s.starts_with("legacy-etl@")
    });
    assert_eq!(dormant.len(), 2, "{findings:#?}");
    assert!(dormant.iter().all(|f| f["verdict"] == "confirmed"));
    // The second key of ci-deployer@, created on day 15 and never used.
    let keys = flagged_where(&findings, "dormant-credential", |s| {
        s.contains(" (ci-deployer@")
    });
    assert_eq!(keys.len(), 2, "{findings:#?}");
    assert!(keys.iter().all(|f| {
        f["verdict"] == "confirmed"
            && f["summary"]
                .as_str()
                .is_some_and(|s| s.contains("never used"))
    }));
    // roles/editor held by a service account.
    let editor = flagged_where(&findings, "overbroad-delegated-admin", |s| {
        s.starts_with("ci-deployer@") && s.ends_with(" / roles/editor")
    });
    assert_eq!(editor.len(), 2, "{findings:#?}");
    for prefix in ["ci-deployer@", "data-pipeline@"] {
        assert!(
            flagged_where(&findings, "dormant-machine-identity", |s| s
                .starts_with(prefix))
            .is_empty(),
            "{prefix} flagged: {findings:#?}"
        );
    }
    assert!(
        flagged_where(&findings, "dormant-machine-identity", |s| s
            .ends_with("-compute@developer.gserviceaccount.com"))
        .is_empty(),
        "{findings:#?}"
    );
}

#[test]
fn generate_github_ingests_and_flags_planted() {
    let findings = round_trip("github", "1");
    let dormant = flagged(&findings, "dormant-machine-identity", "legacy-ci");
    assert_eq!(dormant.len(), 1, "{findings:#?}");
    assert_eq!(dormant[0]["verdict"], "confirmed");
    assert_eq!(dormant[0]["tenant"], "acme");
    // Fine-grained token `release-automation`, granted on day 10 and never used.
    let tokens = flagged_where(&findings, "dormant-credential", |s| s.ends_with(" (wli)"));
    assert_eq!(tokens.len(), 1, "{findings:#?}");
    assert!(
        tokens[0]["summary"]
            .as_str()
            .is_some_and(|s| s.contains("never used")),
        "{tokens:#?}"
    );
    for name in ["kwatanabe / admin", "acme-ci / admin"] {
        assert_eq!(
            flagged(&findings, "overbroad-delegated-admin", name).len(),
            1,
            "{name}: {findings:#?}"
        );
    }
    for name in [
        "dependabot[bot]",
        "github-actions[bot]",
        "renovate[bot]",
        "acme-deployer[bot]",
    ] {
        assert!(
            flagged(&findings, "dormant-machine-identity", name).is_empty(),
            "{name} flagged: {findings:#?}"
        );
    }
}

#[test]
fn generate_all_ingests_every_provider() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gen");
    generate(&out, "all", "7", "1");
    let (summary, o) = ingest(&dir.path().join("lake"), &[out.to_str().unwrap()]);
    assert!(o.status.success(), "ingest failed: {}", stderr(&o));
    assert_eq!(total(&summary, "rejected"), 0, "{summary}");
    assert_eq!(total(&summary, "ingested"), EVENTS, "{summary}");
    for g in trailcheck::generate::GENERATORS {
        assert!(
            summary["providers"][g.name]["ingested"].as_u64() > Some(0),
            "{} missing: {summary}",
            g.name
        );
    }
}

#[test]
fn generate_same_seed_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    generate(&a, "all", "3", "2");
    generate(&b, "all", "3", "2");
    generate(&c, "all", "4", "2");
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    assert!(!fa.is_empty());
    assert!(fa == fb, "same seed, different output");
    assert!(fa != fc, "different seed, same output");
}

#[test]
fn generate_rejects_unknown_provider() {
    let dir = tempfile::tempdir().unwrap();
    let o = bin()
        .args(["generate", "--provider", "nope", "--events", "10", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("aws_cloudtrail"), "{}", stderr(&o));
}
