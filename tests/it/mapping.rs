//! Snapshots of the mapped row for a representative real-format event of each family
//! (admin grant, token create/revoke/use, policy change, machine and human sign-in).

use serde_json::Value;
use trailcheck::json;
use trailcheck::providers::{self, Context};

use crate::common::samples;

/// The first record of a sample file for which `pick` is true, mapped.
fn mapped(provider: &str, file: &str, pick: impl Fn(&Value) -> bool) -> Value {
    let path = samples(provider).join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| serde_json::from_str::<Value>(l).is_ok_and(|v| pick(&v)))
        .unwrap_or_else(|| panic!("no matching record in {file}"));
    let v = json::from_str(line).unwrap();
    let p = providers::detect(&v).expect("detected");
    assert_eq!(p.name, provider);
    let ctx = Context {
        tenant_override: None,
        tenant_hint: Some("hint-tenant"),
        raw: line.as_bytes(),
    };
    let events = (p.map)(&v, &ctx).expect("maps");
    serde_json::to_value(events).unwrap()
}

fn is(key: &'static str, val: &'static str) -> impl Fn(&Value) -> bool {
    move |v| v.get(key).and_then(Value::as_str) == Some(val)
}

#[test]
fn okta_families() {
    let f = "panther-analysis-okta-systemlog.ndjson";
    insta::assert_json_snapshot!(
        "okta_admin_grant",
        mapped("okta", f, is("eventType", "user.account.privilege.grant"))
    );
    insta::assert_json_snapshot!(
        "okta_token_create",
        mapped("okta", f, is("eventType", "system.api_token.create"))
    );
    insta::assert_json_snapshot!(
        "okta_token_revoke",
        mapped("okta", f, is("eventType", "system.api_token.revoke"))
    );
    insta::assert_json_snapshot!(
        "okta_human_signin",
        mapped(
            "okta",
            "panther-analysis-test-scenarios-okta.ndjson",
            is("eventType", "user.session.start")
        )
    );
}

#[test]
fn aws_cloudtrail_families() {
    let f = "panther-analysis-aws-cloudtrail.ndjson";
    insta::assert_json_snapshot!(
        "aws_admin_grant",
        mapped("aws_cloudtrail", f, is("eventName", "AttachUserPolicy"))
    );
    insta::assert_json_snapshot!(
        "aws_token_create",
        mapped("aws_cloudtrail", f, is("eventName", "CreateAccessKey"))
    );
    insta::assert_json_snapshot!(
        "aws_policy_change",
        mapped("aws_cloudtrail", f, is("eventName", "PutBucketPolicy"))
    );
    insta::assert_json_snapshot!(
        "aws_human_signin",
        mapped(
            "aws_cloudtrail",
            "awsdocs-iam-user-guide-cloudtrail-integration-examples.ndjson",
            is("eventName", "ConsoleLogin")
        )
    );
    insta::assert_json_snapshot!(
        "aws_machine_key_use",
        mapped(
            "aws_cloudtrail",
            "stratus-red-team-detonation-logs.ndjson",
            |v| {
                v["userIdentity"]["type"] == "IAMUser"
                    && v["userIdentity"]["accessKeyId"]
                        .as_str()
                        .is_some_and(|k| k.starts_with("AKIA"))
            }
        )
    );
}

#[test]
fn entra_families() {
    let f = "panther-analysis-azure-audit-entra.ndjson";
    insta::assert_json_snapshot!(
        "entra_admin_grant",
        mapped("entra", f, is("operationName", "Add member to role"))
    );
    insta::assert_json_snapshot!(
        "entra_admin_revoke",
        mapped("entra", f, is("operationName", "Delete role assignment"))
    );
    insta::assert_json_snapshot!(
        "entra_credential_create",
        mapped(
            "entra",
            f,
            is("operationName", "Add service principal credentials")
        )
    );
    insta::assert_json_snapshot!(
        "entra_policy_change",
        mapped(
            "entra",
            f,
            is("operationName", "Update conditional access policy")
        )
    );
    insta::assert_json_snapshot!(
        "entra_machine_signin",
        mapped("entra", f, is("category", "ServicePrincipalSignInLogs"))
    );
    insta::assert_json_snapshot!(
        "entra_human_signin_graph",
        mapped(
            "entra",
            "trailcheck-graph-beta-signin-duplicate-keys.ndjson",
            |_| true
        )
    );
}
