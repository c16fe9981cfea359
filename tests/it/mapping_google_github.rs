//! Snapshots of the mapped rows for representative native events of Google Workspace,
//! Google Cloud audit logs and GitHub, taken from `sample-logs/` (the shared Workspace
//! samples are Panther's flattened shape, which is refused): admin grant, token
//! authorize / revoke / use, policy change, service-account key creation, a
//! `SetIamPolicy` with two binding deltas, a personal-access-token use and
//! `business.add_admin`.

use std::io::Read;

use serde_json::Value;
use trailcheck::json;
use trailcheck::providers::{self, Context};

use crate::common::sample_logs;

/// Every record of a native export file: Reports pages' `items`, JSON arrays, NDJSON
/// (gzipped or not).
fn records(provider: &str, file: &str) -> Vec<Value> {
    let path = sample_logs(provider).join(file);
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut text = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut text)
            .unwrap();
        bytes = text;
    }
    let text = String::from_utf8(bytes).unwrap();
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(a)) => a,
        Ok(Value::Object(mut o)) if o.contains_key("items") => match o.remove("items") {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        },
        Ok(v) => vec![v],
        Err(_) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    }
}

/// The first record of `file` for which `pick` is true, mapped.
fn mapped(provider: &str, file: &str, pick: impl Fn(&Value) -> bool) -> Value {
    let v = records(provider, file)
        .into_iter()
        .find(|v| pick(v))
        .unwrap_or_else(|| panic!("no matching record in {file}"));
    map_value(provider, &v)
}

fn map_value(provider: &str, v: &Value) -> Value {
    let raw = serde_json::to_string(v).unwrap();
    let v = json::from_str(&raw).unwrap();
    let p = providers::detect(&v).expect("detected");
    assert_eq!(p.name, provider);
    let ctx = Context {
        tenant_override: None,
        tenant_hint: Some("hint-tenant"),
        raw: raw.as_bytes(),
    };
    serde_json::to_value((p.map)(&v, &ctx).expect("maps")).unwrap()
}

/// A Workspace activity with an entry of this name.
fn gws(name: &'static str) -> impl Fn(&Value) -> bool {
    move |v| {
        v["events"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["name"] == name))
    }
}

fn gcp(method: &'static str) -> impl Fn(&Value) -> bool {
    move |v| v["protoPayload"]["methodName"] == method
}

fn gh(action: &'static str) -> impl Fn(&Value) -> bool {
    move |v| v["action"] == action
}

#[test]
fn google_workspace_families() {
    // Super-admin grant: one activity, two entries (ASSIGN_ROLE + GRANT_ADMIN_PRIVILEGE).
    insta::assert_json_snapshot!(
        "gws_admin_grant",
        mapped("google_workspace", "admin-page-001.json", |v| {
            gws("GRANT_ADMIN_PRIVILEGE")(v) && v["id"]["time"] == "2026-05-12T15:47:09.512Z"
        })
    );
    // Domain-wide delegation granted to a service account's client id.
    insta::assert_json_snapshot!(
        "gws_api_client_authorize",
        mapped(
            "google_workspace",
            "admin-page-001.json",
            gws("AUTHORIZE_API_CLIENT_ACCESS")
        )
    );
    insta::assert_json_snapshot!(
        "gws_token_authorize",
        mapped("google_workspace", "token-page-001.json", gws("authorize"))
    );
    // The sample has no `token:revoke`: the same activity shape with the revoke name.
    let mut revoke = records("google_workspace", "token-page-001.json")
        .into_iter()
        .find(|v| gws("authorize")(v))
        .unwrap();
    revoke["events"][0]["name"] = "revoke".into();
    revoke["id"]["uniqueQualifier"] = "-1".into();
    insta::assert_json_snapshot!("gws_token_revoke", map_value("google_workspace", &revoke));
    // A service account using its own OAuth client.
    insta::assert_json_snapshot!(
        "gws_token_use_by_service_account",
        mapped("google_workspace", "token-page-001.json", |v| {
            gws("activity")(v)
                && v["actor"]["email"]
                    .as_str()
                    .is_some_and(|e| e.ends_with(".gserviceaccount.com"))
        })
    );
    insta::assert_json_snapshot!(
        "gws_policy_change",
        mapped(
            "google_workspace",
            "admin-page-001.json",
            gws("ENFORCE_STRONG_AUTHENTICATION")
        )
    );
    insta::assert_json_snapshot!(
        "gws_login_failure",
        mapped(
            "google_workspace",
            "login-page-001.json",
            gws("login_failure")
        )
    );
}

#[test]
fn gcp_audit_families() {
    let activity = |day: &str| {
        format!("cloudaudit.googleapis.com/activity/2026/{day}/00:00:00_23:59:59_S0.json")
    };
    insta::assert_json_snapshot!(
        "gcp_sa_key_create",
        mapped(
            "gcp_audit",
            &activity("05/06"),
            gcp("google.iam.admin.v1.CreateServiceAccountKey")
        )
    );
    insta::assert_json_snapshot!(
        "gcp_set_iam_policy_two_deltas",
        mapped("gcp_audit", &activity("07/15"), gcp("SetIamPolicy"))
    );
    insta::assert_json_snapshot!(
        "gcp_set_iam_policy_denied",
        mapped("gcp_audit", &activity("06/12"), gcp("SetIamPolicy"))
    );
    insta::assert_json_snapshot!(
        "gcp_policy_change",
        mapped("gcp_audit", "gcloud-logging-read.json", gcp("SetOrgPolicy"))
    );
    insta::assert_json_snapshot!(
        "gcp_token_mint",
        mapped(
            "gcp_audit",
            "cloudaudit.googleapis.com/data_access/2026/05/19/00:00:00_23:59:59_S0.json",
            gcp("GenerateAccessToken")
        )
    );
    insta::assert_json_snapshot!(
        "gcp_sa_key_use",
        mapped("gcp_audit", &activity("05/06"), |v| {
            v["protoPayload"]["authenticationInfo"]["serviceAccountKeyName"].is_string()
        })
    );
}

#[test]
fn github_families() {
    insta::assert_json_snapshot!(
        "github_pat_use",
        mapped("github", "audit-log-rest.json", |v| {
            v["action"] == "git.push" && v["token_id"].is_number()
        })
    );
    insta::assert_json_snapshot!(
        "github_business_add_admin",
        mapped("github", "audit-log-rest.json", gh("business.add_admin"))
    );
    insta::assert_json_snapshot!(
        "github_org_owner_grant",
        mapped("github", "audit-log-rest.json", |v| {
            v["action"] == "org.update_member" && v["permission"] == "admin"
        })
    );
    insta::assert_json_snapshot!(
        "github_pat_granted",
        mapped(
            "github",
            "audit-log-rest.json",
            gh("personal_access_token.access_granted")
        )
    );
    insta::assert_json_snapshot!(
        "github_app_install",
        mapped(
            "github",
            "audit-log-rest.json",
            gh("integration_installation.create")
        )
    );
    insta::assert_json_snapshot!(
        "github_policy_change",
        mapped(
            "github",
            "audit-log-rest.json",
            gh("org.disable_two_factor_requirement")
        )
    );
    insta::assert_json_snapshot!(
        "github_bot_use",
        mapped("github", "audit-log-rest.json", |v| {
            v["actor"] == "acme-deploy-bot[bot]"
        })
    );
}
