//! AWS CloudTrail records (trail files `{"Records":[..]}`, CloudWatch/EventBridge single
//! records, CloudTrail Lake rows in the same shape).
//!
//! The actor is the `userIdentity`: IAM users by ARN, assumed roles by the issuing
//! role's ARN (the session is one use of the role), AWS services by `invokedBy`, IAM
//! Identity Center users by their identity-store user id (`onBehalfOf.userId`, or the
//! user name of the older sign-in events).
//! Machine use: AWS services, role sessions that are not SSO or console sessions, and
//! long-term `AKIA` keys used outside the console. `invokedBy` names the AWS service
//! that made a call on an identity's behalf (the console, CloudFormation): it never
//! turns a person into a machine.
//! IAM Identity Center sign-ins (`UserAuthentication`, `CredentialChallenge`,
//! `CredentialVerification`, with their result in `serviceEventDetails`) are sign-ins
//! of the user they name. Targets and
//! privileges come from `requestParameters` / `responseElements` of the IAM and STS
//! calls listed in reference/FORMATS.md.

use crate::json::Value;

use super::{Context, Provider, at, first_string, has_keys, str_at, string_at, time_at};
use crate::event::{Action, ActorType, Category, Event, Outcome, Target};

#[cfg(feature = "generate")]
pub mod generate;

pub static PROVIDER: Provider = Provider {
    name: "aws_cloudtrail",
    title: "AWS CloudTrail",
    detect,
    map,
    claims: include_str!("claims.toml"),
    admin_roles: include_str!("admin_roles.csv"),
    #[cfg(feature = "generate")]
    generator: generate::GENERATOR,
};

/// `eventName` with any other CloudTrail record field, or an Insights record.
fn detect(v: &Value<'_>) -> bool {
    const WITH_NAME: &[&str] = &[
        "eventSource",
        "eventTime",
        "userIdentity",
        "awsRegion",
        "eventID",
        "eventVersion",
        "recipientAccountId",
        "requestParameters",
        "responseElements",
    ];
    (str_at(v, &["eventName"]).is_some() && WITH_NAME.iter().any(|k| has_keys(v, &[k])))
        || has_keys(v, &["eventVersion", "eventID", "eventTime"])
}

fn classify(name: &str) -> (Action, Option<Category>) {
    use Action::*;
    let a = match name {
        "AttachUserPolicy" | "AttachRolePolicy" | "AttachGroupPolicy" | "PutUserPolicy"
        | "PutRolePolicy" | "PutGroupPolicy" | "AddUserToGroup" => RoleGrant,
        "DetachUserPolicy"
        | "DetachRolePolicy"
        | "DetachGroupPolicy"
        | "DeleteUserPolicy"
        | "DeleteRolePolicy"
        | "DeleteGroupPolicy"
        | "RemoveUserFromGroup" => RoleRevoke,
        "CreateAccessKey"
        | "CreateLoginProfile"
        | "CreateServiceSpecificCredential"
        | "UploadSSHPublicKey"
        | "UploadSigningCertificate" => CredentialCreate,
        "UpdateLoginProfile" | "ResetServiceSpecificCredential" => CredentialRotate,
        "DeleteAccessKey"
        | "DeleteLoginProfile"
        | "DeleteServiceSpecificCredential"
        | "DeleteSSHPublicKey"
        | "DeleteSigningCertificate" => CredentialRevoke,
        "UpdateAccessKey" => return (Other, Some(Category::Token)),
        "CreatePolicy" => PolicyCreate,
        "CreatePolicyVersion"
        | "SetDefaultPolicyVersion"
        | "UpdateAssumeRolePolicy"
        | "PutBucketPolicy"
        | "PutKeyPolicy"
        | "SetRepositoryPolicy"
        | "PutResourcePolicy"
        | "PutPermissionsBoundary"
        | "PutRolePermissionsBoundary"
        | "PutUserPermissionsBoundary" => PolicyUpdate,
        "DeletePolicy"
        | "DeletePolicyVersion"
        | "DeleteBucketPolicy"
        | "DeleteResourcePolicy"
        | "DeleteRolePermissionsBoundary"
        | "DeleteUserPermissionsBoundary" => PolicyDelete,
        "CreateUser" | "CreateRole" | "CreateServiceLinkedRole" | "CreateInstanceProfile" => {
            IdentityCreate
        }
        "DeleteUser" | "DeleteRole" | "DeleteServiceLinkedRole" | "DeleteInstanceProfile" => {
            IdentityDelete
        }
        "ConsoleLogin"
        | "UserAuthentication"
        | "CredentialChallenge"
        | "CredentialVerification"
        | "GetSigninToken"
        | "ExternalIdPDirectoryLogin"
        | "AssumeRole"
        | "AssumeRoleWithSAML"
        | "AssumeRoleWithWebIdentity"
        | "GetSessionToken"
        | "GetFederationToken" => Login,
        _ => Other,
    };
    (a, None)
}

/// `arn:<partition>:iam::<account>:<kind>/<name>` for a name in request parameters.
fn iam_arn(partition: &str, account: &str, kind: &str, name: &str) -> String {
    if name.starts_with("arn:") {
        name.to_string()
    } else {
        format!("arn:{partition}:iam::{account}:{kind}/{name}")
    }
}

fn map(v: &Value<'_>, ctx: &Context<'_>) -> Result<Vec<Event>, String> {
    // Insights records carry no eventName: their type is `AwsCloudTrailInsight`.
    let event_type = super::required_type(v, &[&["eventName"], &["eventType"]])?;
    let (time, time_raw) = time_at(v, &[&["eventTime"]])?;
    let uid = super::uid_or_hash(v, &["eventID"], ctx);
    let mut e = Event::new(PROVIDER.name, uid, time, event_type);
    e.time_raw = time_raw;
    let account = first_string(
        v,
        &[&["recipientAccountId"], &["userIdentity", "accountId"]],
    );
    e.tenant = ctx.tenant(account.as_deref());
    let account = account.unwrap_or_default();

    let (action, category) = classify(&e.event_type);
    e = e.with_action(action);
    if let Some(c) = category {
        e.category = c;
    }

    // Identity Center sign-in events give their result under their own name.
    let service_result = str_at(v, &["serviceEventDetails", e.event_type.as_str()]);
    let failed = at(v, &["errorCode"]).is_some_and(|c| !c.is_null())
        || str_at(v, &["responseElements", "ConsoleLogin"]) == Some("Failure")
        || service_result.is_some_and(|r| r.eq_ignore_ascii_case("failure"));
    e.outcome = if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    };

    // The actor.
    let id = at(v, &["userIdentity"]).unwrap_or(&Value::Null);
    let id_type = str_at(id, &["type"]).unwrap_or("Unknown");
    let arn = string_at(id, &["arn"]);
    let partition = arn
        .as_deref()
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or("aws")
        .to_string();
    let invoked_by = string_at(id, &["invokedBy"]);
    let key = string_at(id, &["accessKeyId"]);
    let from_console = str_at(
        id,
        &[
            "sessionContext",
            "attributes",
            "sessionCredentialFromConsole",
        ],
    ) == Some("true")
        || at(v, &["sessionCredentialFromConsole"]).is_some_and(|s| s == "true");
    let is_login = matches!(
        e.event_type.as_str(),
        "ConsoleLogin"
            | "GetSigninToken"
            | "UserAuthentication"
            | "CredentialChallenge"
            | "CredentialVerification"
    );
    match id_type {
        "IAMUser" => {
            e.actor_uid = arn.clone().or_else(|| string_at(id, &["principalId"]));
            e.actor_name = string_at(id, &["userName"]);
            e.actor_type = ActorType::User;
            e.actor_is_machine = Some(
                key.as_deref().is_some_and(|k| k.starts_with("AKIA")) && !from_console && !is_login,
            );
        }
        "AssumedRole" | "Role" => {
            let issuer = at(id, &["sessionContext", "sessionIssuer"]).unwrap_or(&Value::Null);
            e.actor_uid = string_at(issuer, &["arn"]).or_else(|| arn.clone());
            e.actor_name = string_at(issuer, &["userName"]).or_else(|| {
                arn.as_deref()
                    .and_then(|a| a.split('/').nth(1))
                    .map(str::to_string)
            });
            let sso = e
                .actor_name
                .as_deref()
                .is_some_and(|n| n.starts_with("AWSReservedSSO_"));
            let machine = at(id, &["sessionContext", "ec2RoleDelivery"]).is_some()
                || !(sso || from_console || is_login);
            e.actor_type = if machine {
                ActorType::Service
            } else {
                ActorType::User
            };
            e.actor_is_machine = Some(machine);
        }
        "AWSService" => {
            e.actor_uid = invoked_by
                .clone()
                .or_else(|| str_at(v, &["eventSource"]).map(str::to_string));
            e.actor_name = e.actor_uid.clone();
            e.actor_type = ActorType::System;
            e.actor_is_machine = Some(true);
        }
        "Root" => {
            e.actor_uid = arn
                .clone()
                .or_else(|| Some(format!("arn:{partition}:iam::{account}:root")));
            e.actor_name = Some("root".into());
            e.actor_type = ActorType::Admin;
            e.actor_is_machine = Some(false);
        }
        "IdentityCenterUser" => {
            e.actor_uid = first_string(
                id,
                &[&["onBehalfOf", "userId"], &["userName"], &["principalId"]],
            );
            e.actor_name = first_string(
                v,
                &[
                    &["userIdentity", "userName"],
                    &["additionalEventData", "UserName"],
                    &["serviceEventDetails", "UserName"],
                ],
            )
            .or_else(|| e.actor_uid.clone());
            e.actor_type = ActorType::User;
            e.actor_is_machine = Some(false);
        }
        "FederatedUser" | "SAMLUser" | "Directory" => {
            e.actor_uid = arn.clone().or_else(|| string_at(id, &["principalId"]));
            e.actor_name = first_string(id, &[&["userName"], &["principalId"]]);
            e.actor_type = ActorType::User;
            e.actor_is_machine = Some(false);
        }
        "WebIdentityUser" => {
            e.actor_uid = first_string(id, &[&["principalId"], &["userName"]]);
            e.actor_name = string_at(id, &["userName"]);
            e.actor_type = ActorType::Service;
            e.actor_is_machine = Some(true);
        }
        _ if is_login && arn.is_none() && string_at(id, &["userName"]).is_some() => {
            // Older Identity Center sign-in events: `Unknown`, the account id as
            // principal, and the signing-in user by name.
            e.actor_uid = string_at(id, &["userName"]);
            e.actor_name = e.actor_uid.clone();
            e.actor_type = ActorType::User;
            e.actor_is_machine = Some(false);
        }
        _ => {
            e.actor_uid = arn.clone().or_else(|| string_at(id, &["principalId"]));
            e.actor_name = string_at(id, &["userName"]);
        }
    }
    e.credential_uid = key;
    e.src_ip = string_at(v, &["sourceIPAddress"]);
    e.user_agent = string_at(v, &["userAgent"]);

    // Targets, privileges and credentials from the request.
    let req = at(v, &["requestParameters"]).unwrap_or(&Value::Null);
    let resp = at(v, &["responseElements"]).unwrap_or(&Value::Null);
    let principal = |kind: &str, name: &str| Target {
        uid: Some(iam_arn(&partition, &account, kind, name)),
        name: Some(name.rsplit('/').next().unwrap_or(name).to_string()),
        kind: Some(if kind == "role" {
            "role".into()
        } else {
            kind.to_string()
        }),
    };
    let user_target = || {
        str_at(req, &["userName"])
            .map(|n| principal("user", n))
            .or_else(|| {
                // Keys created for oneself name no user: the caller is the owner.
                (id_type == "IAMUser").then(|| Target {
                    uid: arn.clone(),
                    name: string_at(id, &["userName"]),
                    kind: Some("user".into()),
                })
            })
    };
    let name = e.event_type.clone();
    match name.as_str() {
        "AttachUserPolicy"
        | "DetachUserPolicy"
        | "PutUserPolicy"
        | "DeleteUserPolicy"
        | "AddUserToGroup"
        | "RemoveUserFromGroup" => {
            if let Some(n) = str_at(req, &["userName"]) {
                e.targets.push(principal("user", n));
            }
        }
        "AttachRolePolicy"
        | "DetachRolePolicy"
        | "PutRolePolicy"
        | "DeleteRolePolicy"
        | "UpdateAssumeRolePolicy"
        | "CreateRole"
        | "DeleteRole" => {
            if let Some(n) = str_at(req, &["roleName"]) {
                e.targets.push(principal("role", n));
            }
        }
        "AttachGroupPolicy" | "DetachGroupPolicy" | "PutGroupPolicy" | "DeleteGroupPolicy" => {
            if let Some(n) = str_at(req, &["groupName"]) {
                e.targets.push(principal("group", n));
            }
        }
        "CreateUser" | "DeleteUser" | "CreateLoginProfile" | "UpdateLoginProfile"
        | "DeleteLoginProfile" => {
            if let Some(n) = str_at(req, &["userName"]) {
                let mut t = principal("user", n);
                if let Some(a) = string_at(resp, &["user", "arn"]) {
                    t.uid = Some(a);
                }
                e.targets.push(t);
            }
        }
        "CreateAccessKey" | "DeleteAccessKey" | "UpdateAccessKey" => {
            let key = first_string(
                v,
                &[
                    &["responseElements", "accessKey", "accessKeyId"],
                    &["requestParameters", "accessKeyId"],
                ],
            );
            e.targets.push(Target {
                uid: key,
                name: None,
                kind: Some("credential".into()),
            });
            if let Some(owner) = user_target() {
                e.targets.push(owner);
            }
            if name == "UpdateAccessKey" {
                match str_at(req, &["status"]) {
                    Some("Inactive") => e.action = Action::CredentialRevoke,
                    Some("Active") => e.action = Action::Other,
                    _ => {}
                }
            }
        }
        "AssumeRole" | "AssumeRoleWithSAML" | "AssumeRoleWithWebIdentity" => {
            if let Some(r) = string_at(req, &["roleArn"]) {
                e.targets.push(Target {
                    name: r.rsplit('/').next().map(str::to_string),
                    uid: Some(r),
                    kind: Some("role".into()),
                });
            }
        }
        "CreatePolicy"
        | "CreatePolicyVersion"
        | "SetDefaultPolicyVersion"
        | "DeletePolicy"
        | "DeletePolicyVersion" => {
            let p = first_string(
                v,
                &[
                    &["responseElements", "policy", "arn"],
                    &["requestParameters", "policyArn"],
                    &["requestParameters", "policyName"],
                ],
            );
            e.targets.push(Target {
                name: p
                    .as_deref()
                    .and_then(|a| a.rsplit('/').next())
                    .map(str::to_string),
                uid: p,
                kind: Some("policy".into()),
            });
        }
        _ => {
            if e.category == Category::Policy {
                let r = first_string(
                    v,
                    &[
                        &["requestParameters", "bucketName"],
                        &["requestParameters", "keyId"],
                        &["requestParameters", "repositoryName"],
                        &["requestParameters", "resourceArn"],
                        &["resources", "0", "ARN"],
                    ],
                );
                if r.is_some() {
                    e.targets.push(Target {
                        uid: r.clone(),
                        name: r,
                        kind: Some("resource".into()),
                    });
                }
            }
        }
    }
    if matches!(e.action, Action::RoleGrant | Action::RoleRevoke) {
        e.privilege = first_string(req, &[&["policyArn"], &["policyName"]]).or_else(|| {
            str_at(req, &["groupName"]).map(|g| iam_arn(&partition, &account, "group", g))
        });
        e.privilege_scope = Some(format!("account:{account}"));
    }
    e.fill_primary_target();
    e.target_is_machine = match e.target_type.as_deref() {
        Some("role") | Some("credential") => Some(true),
        Some("user") => Some(false),
        _ => None,
    };
    if let Some(exp) = at(v, &["responseElements", "credentials", "expiration"]) {
        e.credential_expires = crate::time::parse_json(exp).ok().map(|p| p.micros);
    }
    Ok(vec![e])
}
