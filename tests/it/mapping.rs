//! Snapshots of the mapped rows for representative events of each provider: admin grant,
//! token create / authorize / revoke / use, policy change, machine and human sign-in,
//! and each format's own cases (a `SetIamPolicy` with two binding deltas, a
//! personal-access-token use, `business.add_admin`, ...). Records come from the
//! real-format fixtures of tests/fixtures/samples or from the native exports of
//! `sample-logs/` (the shared Workspace samples are Panther's flattened shape, which is
//! refused). One table, [`families`]; one test over every provider of `PROVIDERS`.

use std::io::Read;
use std::path::Path;

use serde_json::Value;
use trailcheck::json;
use trailcheck::providers::{self, Context, PROVIDERS};

use crate::common::{sample_logs, samples};

/// Where a record is taken from.
#[derive(Clone, Copy)]
enum Source {
    /// A line of `tests/fixtures/samples/<provider>/<file>`, mapped as its own bytes.
    Sample,
    /// A record of `sample-logs/<provider>/<file>` (an export page, array or NDJSON).
    Export,
}

/// One snapshot: the first record of `file` for which `pick` is true, changed by `edit`
/// if given, mapped.
struct Family {
    provider: &'static str,
    snapshot: &'static str,
    from: Source,
    file: &'static str,
    pick: fn(&Value) -> bool,
    edit: Option<fn(&mut Value)>,
}

const fn family(
    provider: &'static str,
    snapshot: &'static str,
    from: Source,
    file: &'static str,
    pick: fn(&Value) -> bool,
) -> Family {
    Family {
        provider,
        snapshot,
        from,
        file,
        pick,
        edit: None,
    }
}

fn is(v: &Value, key: &str, val: &str) -> bool {
    v.get(key).and_then(Value::as_str) == Some(val)
}

/// A Workspace activity with an entry of this name.
fn gws(v: &Value, name: &str) -> bool {
    v["events"]
        .as_array()
        .is_some_and(|e| e.iter().any(|e| e["name"] == name))
}

fn gcp(v: &Value, method: &str) -> bool {
    v["protoPayload"]["methodName"] == method
}

const OKTA: &str = "panther-analysis-okta-systemlog.ndjson";
const AWS: &str = "panther-analysis-aws-cloudtrail.ndjson";
const ENTRA: &str = "panther-analysis-azure-audit-entra.ndjson";
const GWS_ADMIN: &str = "admin-page-001.json";
const GWS_TOKEN: &str = "token-page-001.json";
const GCP_0506: &str = "cloudaudit.googleapis.com/activity/2026/05/06/00:00:00_23:59:59_S0.json";
const GH: &str = "audit-log-rest.json";

#[rustfmt::skip]
fn families() -> Vec<Family> {
    use Source::{Export, Sample};
    vec![
        family("okta", "okta_admin_grant", Sample, OKTA, |v| is(v, "eventType", "user.account.privilege.grant")),
        family("okta", "okta_token_create", Sample, OKTA, |v| is(v, "eventType", "system.api_token.create")),
        family("okta", "okta_token_revoke", Sample, OKTA, |v| is(v, "eventType", "system.api_token.revoke")),
        family("okta", "okta_human_signin", Sample, "panther-analysis-test-scenarios-okta.ndjson", |v| is(v, "eventType", "user.session.start")),
        family("aws_cloudtrail", "aws_admin_grant", Sample, AWS, |v| is(v, "eventName", "AttachUserPolicy")),
        family("aws_cloudtrail", "aws_token_create", Sample, AWS, |v| is(v, "eventName", "CreateAccessKey")),
        family("aws_cloudtrail", "aws_policy_change", Sample, AWS, |v| is(v, "eventName", "PutBucketPolicy")),
        family("aws_cloudtrail", "aws_human_signin", Sample, "awsdocs-iam-user-guide-cloudtrail-integration-examples.ndjson", |v| is(v, "eventName", "ConsoleLogin")),
        family("aws_cloudtrail", "aws_machine_key_use", Sample, "stratus-red-team-detonation-logs.ndjson", |v| {
            v["userIdentity"]["type"] == "IAMUser"
                && v["userIdentity"]["accessKeyId"].as_str().is_some_and(|k| k.starts_with("AKIA"))
        }),
        family("entra", "entra_admin_grant", Sample, ENTRA, |v| is(v, "operationName", "Add member to role")),
        family("entra", "entra_admin_revoke", Sample, ENTRA, |v| is(v, "operationName", "Delete role assignment")),
        family("entra", "entra_credential_create", Sample, ENTRA, |v| is(v, "operationName", "Add service principal credentials")),
        family("entra", "entra_policy_change", Sample, ENTRA, |v| is(v, "operationName", "Update conditional access policy")),
        family("entra", "entra_machine_signin", Sample, ENTRA, |v| is(v, "category", "ServicePrincipalSignInLogs")),
        family("entra", "entra_human_signin_graph", Sample, "trailcheck-graph-beta-signin-duplicate-keys.ndjson", |_| true),
        // Super-admin grant: one activity, two entries (ASSIGN_ROLE + GRANT_ADMIN_PRIVILEGE).
        family("google_workspace", "gws_admin_grant", Export, GWS_ADMIN, |v| {
            gws(v, "GRANT_ADMIN_PRIVILEGE") && v["id"]["time"] == "2026-05-12T15:47:09.512Z"
        }),
        // Domain-wide delegation granted to a service account's client id.
        family("google_workspace", "gws_api_client_authorize", Export, GWS_ADMIN, |v| gws(v, "AUTHORIZE_API_CLIENT_ACCESS")),
        family("google_workspace", "gws_token_authorize", Export, GWS_TOKEN, |v| gws(v, "authorize")),
        // The sample has no `token:revoke`: the same activity shape with the revoke name.
        Family {
            edit: Some(|v| {
                v["events"][0]["name"] = "revoke".into();
                v["id"]["uniqueQualifier"] = "-1".into();
            }),
            ..family("google_workspace", "gws_token_revoke", Export, GWS_TOKEN, |v| gws(v, "authorize"))
        },
        // A service account using its own OAuth client.
        family("google_workspace", "gws_token_use_by_service_account", Export, GWS_TOKEN, |v| {
            gws(v, "activity")
                && v["actor"]["email"].as_str().is_some_and(|e| e.ends_with(".gserviceaccount.com"))
        }),
        family("google_workspace", "gws_policy_change", Export, GWS_ADMIN, |v| gws(v, "ENFORCE_STRONG_AUTHENTICATION")),
        family("google_workspace", "gws_login_failure", Export, "login-page-001.json", |v| gws(v, "login_failure")),
        family("gcp_audit", "gcp_sa_key_create", Export, GCP_0506, |v| gcp(v, "google.iam.admin.v1.CreateServiceAccountKey")),
        family("gcp_audit", "gcp_set_iam_policy_two_deltas", Export, "cloudaudit.googleapis.com/activity/2026/07/15/00:00:00_23:59:59_S0.json", |v| gcp(v, "SetIamPolicy")),
        family("gcp_audit", "gcp_set_iam_policy_denied", Export, "cloudaudit.googleapis.com/activity/2026/06/12/00:00:00_23:59:59_S0.json", |v| gcp(v, "SetIamPolicy")),
        family("gcp_audit", "gcp_policy_change", Export, "gcloud-logging-read.json", |v| gcp(v, "SetOrgPolicy")),
        family("gcp_audit", "gcp_token_mint", Export, "cloudaudit.googleapis.com/data_access/2026/05/19/00:00:00_23:59:59_S0.json", |v| gcp(v, "GenerateAccessToken")),
        family("gcp_audit", "gcp_sa_key_use", Export, GCP_0506, |v| {
            v["protoPayload"]["authenticationInfo"]["serviceAccountKeyName"].is_string()
        }),
        family("github", "github_pat_use", Export, GH, |v| v["action"] == "git.push" && v["token_id"].is_number()),
        family("github", "github_business_add_admin", Export, GH, |v| is(v, "action", "business.add_admin")),
        family("github", "github_org_owner_grant", Export, GH, |v| v["action"] == "org.update_member" && v["permission"] == "admin"),
        family("github", "github_pat_granted", Export, GH, |v| is(v, "action", "personal_access_token.access_granted")),
        family("github", "github_app_install", Export, GH, |v| is(v, "action", "integration_installation.create")),
        family("github", "github_policy_change", Export, GH, |v| is(v, "action", "org.disable_two_factor_requirement")),
        family("github", "github_bot_use", Export, GH, |v| v["actor"] == "acme-deploy-bot[bot]"),
    ]
}

/// Every record of a native export file: Reports pages' `items`, JSON arrays, NDJSON
/// (gzipped or not).
fn records(path: &Path) -> Vec<Value> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
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

impl Family {
    /// The record's bytes: a fixture line as it is, an export's record as JSON text.
    fn raw(&self) -> String {
        let found = match self.from {
            Source::Sample => {
                let text = std::fs::read_to_string(samples(self.provider).join(self.file)).unwrap();
                text.lines()
                    .find(|l| serde_json::from_str::<Value>(l).is_ok_and(|v| (self.pick)(&v)))
                    .map(str::to_string)
            }
            Source::Export => records(&sample_logs(self.provider).join(self.file))
                .into_iter()
                .find(|v| (self.pick)(v))
                .map(|mut v| {
                    if let Some(edit) = self.edit {
                        edit(&mut v);
                    }
                    serde_json::to_string(&v).unwrap()
                }),
        };
        found.unwrap_or_else(|| panic!("{}: no matching record in {}", self.snapshot, self.file))
    }

    /// The rows the record maps to, detected as this family's provider.
    fn mapped(&self) -> Value {
        let raw = self.raw();
        let v = json::from_str(&raw).unwrap();
        let p = providers::detect(&v).expect("detected");
        assert_eq!(p.name, self.provider, "{}", self.snapshot);
        let ctx = Context {
            tenant_override: None,
            tenant_hint: Some("hint-tenant"),
            raw: raw.as_bytes(),
        };
        serde_json::to_value((p.map)(&v, &ctx).expect("maps")).unwrap()
    }
}

#[test]
fn every_providers_families_map_as_their_snapshots() {
    let families = families();
    for p in PROVIDERS {
        let mine: Vec<&Family> = families.iter().filter(|f| f.provider == p.name).collect();
        assert!(!mine.is_empty(), "{}: no mapping snapshot", p.name);
        for f in mine {
            insta::assert_json_snapshot!(f.snapshot, f.mapped());
        }
    }
    assert!(
        families
            .iter()
            .all(|f| PROVIDERS.iter().any(|p| p.name == f.provider))
    );
}
