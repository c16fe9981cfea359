//! Google Cloud Audit Logs: Cloud Logging `LogEntry` objects whose `protoPayload` is an
//! `AuditLog` (Cloud Storage sink files, one entry per line; `gcloud logging read
//! --format=json` arrays; single entries).
//!
//! `event_uid` = `logName:timestamp:insertId` (a hash of the raw entry when it has no
//! `insertId`); tenant = the project id of `projects/<id>/logs/..`, or
//! `organizations/<n>` / `folders/<n>` / `billingAccounts/<n>`, else
//! `resource.labels.project_id`; `event_type` = `protoPayload.methodName`; outcome from
//! `protoPayload.status.code` (missing or 0 = success). A `SetIamPolicy` (any service's)
//! gives one row per binding delta (`serviceData.policyDelta.bindingDeltas`,
//! `metadata.datasetChange.bindingDeltas`), `event_uid` = base uid + `:<index>`: ADD is
//! role.grant and REMOVE role.revoke of `role` (privilege) on `resourceName`
//! (privilege_scope) to the member (target_uid without its `user:` / `serviceAccount:` /
//! `group:` prefix; target_type `user`, `service`, `group`, `domain`, ...). A
//! `SetIamPolicy` without deltas (a denied call) is one row with action `other`.
//!
//! Machine identities: principals ending `.gserviceaccount.com`. Google-managed service
//! agents (`service-<number>@*.iam.gserviceaccount.com`, `*@gcp-sa-*`,
//! `*@system.gserviceaccount.com`, `<number>@cloudservices.gserviceaccount.com`) get
//! actor_type `system`; user-visible service accounts (`<name>@<project>.iam..`, the
//! default `<number>-compute@developer..`, `<project>@appspot..`) get `service`.
//! Kubernetes `system:serviceaccount:` principals and workload-identity-pool subjects
//! are machines as well. A service account is named by its email everywhere (actor_uid,
//! lifecycle and IAM targets), and a key by its id: credential_uid is the last segment
//! of `authenticationInfo.serviceAccountKeyName`, and key events target the same id
//! (with the owning service account as a second target), so key use joins key
//! creation. `GenerateAccessToken` / `SignJwt` / `SignBlob` / `GenerateIdToken` are
//! credential.use targeting the service account being impersonated.

use crate::json::Value;

use super::{
    Context, Provider, at, first_string, has_keys, stable_uid, str_at, string_at, time_at,
};
use crate::event::{Action, ActorType, Category, Event, Outcome, Target};

#[cfg(feature = "generate")]
pub mod generate;

pub static PROVIDER: Provider = Provider {
    name: "gcp_audit",
    title: "Google Cloud Audit Logs",
    detect,
    map,
    claims: include_str!("claims.toml"),
    admin_roles: include_str!("admin_roles.csv"),
    #[cfg(feature = "generate")]
    generator: generate::GENERATOR,
};

fn detect(v: &Value<'_>) -> bool {
    let Some(p) = at(v, &["protoPayload"]).filter(|p| p.is_object()) else {
        return false;
    };
    has_keys(p, &["methodName"])
        || has_keys(p, &["serviceName"])
        || str_at(p, &["@type"]).is_some_and(|t| t.ends_with("AuditLog"))
}

/// `actor_type` of a service account email, or `None` when it is not one.
pub fn service_account_type(email: &str) -> Option<ActorType> {
    let e = email.to_ascii_lowercase();
    if !e.ends_with(".gserviceaccount.com") {
        return None;
    }
    let (local, domain) = e.split_once('@').unwrap_or(("", e.as_str()));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let agent = domain == "system.gserviceaccount.com"
        || domain.starts_with("gcp-sa-")
        || (domain == "cloudservices.gserviceaccount.com" && digits(local))
        || local.strip_prefix("service-").is_some_and(digits);
    Some(if agent {
        ActorType::System
    } else {
        ActorType::Service
    })
}

/// Actor type and machine flag of a principal.
fn principal_kind(p: &str) -> (ActorType, Option<bool>) {
    if let Some(t) = service_account_type(p) {
        return (t, Some(true));
    }
    if p.starts_with("system:serviceaccount:") || p.contains("/workloadIdentityPools/") {
        return (ActorType::Service, Some(true));
    }
    if p.starts_with("system:") {
        return (ActorType::System, Some(true));
    }
    if p.contains('@') || p.contains("/workforcePools/") {
        return (ActorType::User, Some(false));
    }
    (ActorType::Unknown, None)
}

/// `projects/p/logs/cloudaudit.googleapis.com%2Factivity` → `activity`.
fn log_type(log_name: &str) -> Option<String> {
    let (_, id) = log_name.split_once("/logs/")?;
    let id = id.replace("%2F", "/").replace("%2f", "/");
    Some(
        id.strip_prefix("cloudaudit.googleapis.com/")
            .unwrap_or(&id)
            .to_string(),
    )
}

fn tenant_of(v: &Value<'_>, log_name: Option<&str>) -> Option<String> {
    if let Some(ln) = log_name {
        let mut parts = ln.splitn(3, '/');
        if let (Some(kind), Some(id)) = (parts.next(), parts.next()) {
            if !id.is_empty() {
                match kind {
                    "projects" => return Some(id.to_string()),
                    "organizations" | "folders" | "billingAccounts" => {
                        return Some(format!("{kind}/{id}"));
                    }
                    _ => {}
                }
            }
        }
    }
    let labels = at(v, &["resource", "labels"]).unwrap_or(&Value::Null);
    string_at(labels, &["project_id"])
        .or_else(|| string_at(labels, &["organization_id"]).map(|o| format!("organizations/{o}")))
        .or_else(|| string_at(labels, &["folder_id"]).map(|f| format!("folders/{f}")))
}

/// The last path segment after `/keys/` (or of the whole name).
fn key_id(name: &str) -> Option<String> {
    let tail = match name.rsplit_once("/keys/") {
        Some((_, k)) => k,
        None => name.rsplit('/').next()?,
    };
    let tail = tail.split('/').next().unwrap_or(tail);
    (!tail.is_empty()).then(|| tail.to_string())
}

/// The service account in `projects/<p>/serviceAccounts/<sa>[/keys/..]` when it is an
/// email (some names carry the numeric unique id instead).
fn sa_email_in(name: &str) -> Option<String> {
    let (_, rest) = name.split_once("serviceAccounts/")?;
    let sa = rest.split('/').next()?;
    sa.contains('@').then(|| sa.to_string())
}

/// An IAM member: (uid, target type, machine).
fn member(m: &str) -> (String, Option<&'static str>, Option<bool>) {
    let m = m.strip_prefix("deleted:").unwrap_or(m);
    let m = m.split("?uid=").next().unwrap_or(m);
    if let Some((kind, rest)) = m.split_once(':') {
        let t = match kind {
            "user" => Some(("user", Some(false))),
            "serviceAccount" => Some(("service", Some(true))),
            "group" => Some(("group", None)),
            "domain" => Some(("domain", None)),
            "projectOwner" | "projectEditor" | "projectViewer" => Some(("project_role", None)),
            "principal" | "principalSet" => None,
            _ => None,
        };
        if let Some((t, machine)) = t {
            return (rest.to_string(), Some(t), machine);
        }
    }
    if m.starts_with("principal://") || m.starts_with("principalSet://") {
        let machine = m.contains("/workloadIdentityPools/").then_some(true);
        return (m.to_string(), Some("principal"), machine);
    }
    if matches!(m, "allUsers" | "allAuthenticatedUsers") {
        return (m.to_string(), Some("public"), None);
    }
    match service_account_type(m) {
        Some(_) => (m.to_string(), Some("service"), Some(true)),
        None => (m.to_string(), None, None),
    }
}

/// A parameter of a Workspace login event routed to Cloud Logging
/// (`metadata.event[].parameter[]` `{name, value}`).
fn login_param(p: &Value<'_>, name: &str) -> Option<String> {
    at(p, &["metadata", "event"])?
        .as_array()?
        .iter()
        .filter_map(|ev| at(ev, &["parameter"]).and_then(Value::as_array))
        .flatten()
        .find(|x| str_at(x, &["name"]) == Some(name))
        .and_then(|x| first_string(x, &[&["value"], &["multiStrValue", "0"]]))
}

/// What a method is about, for choosing its targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    ServiceAccountKey,
    ApiKey,
    TokenMint,
    ServiceAccount,
    Role,
    OrgPolicy,
    Other,
}

/// Action, category (when not the action's own) and family of a method.
fn classify(method: &str, service: &str) -> (Action, Option<Category>, Family) {
    use Action::*;
    use Family as F;
    let last = method.rsplit('.').next().unwrap_or(method);
    let iam = service == "iam.googleapis.com" || method.contains("iam.admin");
    let apikeys = service == "apikeys.googleapis.com" || method.contains(".ApiKeys.");
    let orgpolicy = service == "orgpolicy.googleapis.com" || method.contains("OrgPolicy.");
    let token = Some(Category::Token);
    let lifecycle = Some(Category::Lifecycle);
    match last {
        "CreateServiceAccountKey" | "UploadServiceAccountKey" => {
            (CredentialCreate, None, F::ServiceAccountKey)
        }
        "DeleteServiceAccountKey" | "DisableServiceAccountKey" => {
            (CredentialRevoke, None, F::ServiceAccountKey)
        }
        "EnableServiceAccountKey" => (Other, token, F::ServiceAccountKey),
        "CreateKey" if apikeys => (CredentialCreate, None, F::ApiKey),
        "DeleteKey" if apikeys => (CredentialRevoke, None, F::ApiKey),
        "UndeleteKey" | "UpdateKey" if apikeys => (Other, token, F::ApiKey),
        "GenerateAccessToken" | "GenerateIdToken" | "SignJwt" | "SignBlob" => {
            (CredentialUse, None, F::TokenMint)
        }
        "CreateServiceAccount" => (IdentityCreate, None, F::ServiceAccount),
        "DeleteServiceAccount" => (IdentityDelete, None, F::ServiceAccount),
        "DisableServiceAccount" => (IdentityDisable, None, F::ServiceAccount),
        "EnableServiceAccount" | "UndeleteServiceAccount" => {
            (IdentityEnable, None, F::ServiceAccount)
        }
        "PatchServiceAccount" | "UpdateServiceAccount" => (Other, lifecycle, F::ServiceAccount),
        "CreateRole" if iam => (PolicyCreate, None, F::Role),
        "UpdateRole" | "UndeleteRole" if iam => (PolicyUpdate, None, F::Role),
        "DeleteRole" if iam => (PolicyDelete, None, F::Role),
        "SetOrgPolicy" => (PolicyUpdate, None, F::OrgPolicy),
        "ClearOrgPolicy" => (PolicyDelete, None, F::OrgPolicy),
        "CreatePolicy" if orgpolicy => (PolicyCreate, None, F::OrgPolicy),
        "UpdatePolicy" if orgpolicy => (PolicyUpdate, None, F::OrgPolicy),
        "DeletePolicy" if orgpolicy => (PolicyDelete, None, F::OrgPolicy),
        "CreateWorkloadIdentityPool"
        | "CreateWorkloadIdentityPoolProvider"
        | "CreateWorkforcePool"
        | "CreateWorkforcePoolProvider" => (IdentityCreate, None, F::Other),
        "DeleteWorkloadIdentityPool"
        | "DeleteWorkloadIdentityPoolProvider"
        | "DeleteWorkforcePool"
        | "DeleteWorkforcePoolProvider" => (IdentityDelete, None, F::Other),
        "UndeleteWorkloadIdentityPool"
        | "UndeleteWorkloadIdentityPoolProvider"
        | "UndeleteWorkforcePool"
        | "UndeleteWorkforcePoolProvider" => (IdentityEnable, None, F::Other),
        "UpdateWorkloadIdentityPool"
        | "UpdateWorkloadIdentityPoolProvider"
        | "UpdateWorkforcePool"
        | "UpdateWorkforcePoolProvider" => (Other, lifecycle, F::Other),
        "InsertProjectOwnershipInvite" => (Other, Some(Category::Admin), F::Other),
        // Workspace / Cloud Identity sign-ins forwarded to Cloud Logging.
        _ if method.starts_with("google.login.LoginService.") => (Login, None, F::Other),
        _ => (Other, None, F::Other),
    }
}

fn is_set_iam_policy(method: &str) -> bool {
    let last = method
        .rsplit('.')
        .next()
        .unwrap_or(method)
        .to_ascii_lowercase();
    last == "setiampolicy" || last == "setiampermissions"
}

fn map(v: &Value<'_>, ctx: &Context<'_>) -> Result<Vec<Event>, String> {
    let p = at(v, &["protoPayload"]).unwrap_or(&Value::Null);
    let method = string_at(p, &["methodName"])
        .ok_or("missing event type (expected protoPayload.methodName)")?;
    let (time, time_raw) = time_at(v, &[&["timestamp"]])?;
    // Panther fixtures lower-case some LogEntry keys.
    let log_name = first_string(v, &[&["logName"], &["logname"]]);
    let base_uid = match first_string(v, &[&["insertId"], &["insertid"]]) {
        Some(insert) => [
            log_name.clone().unwrap_or_default(),
            string_at(v, &["timestamp"]).unwrap_or_default(),
            insert,
        ]
        .join(":"),
        None => stable_uid(ctx.raw),
    };
    let mut e = Event::new(PROVIDER.name, base_uid, time, method.clone());
    e.time_raw = time_raw;
    e.tenant = ctx.tenant(tenant_of(v, log_name.as_deref()).as_deref());
    let service = str_at(p, &["serviceName"]).unwrap_or("");
    let kind = log_name.as_deref().and_then(log_type);

    // Outcome.
    let code = at(p, &["status", "code"]).and_then(|c| {
        c.as_i64()
            .or_else(|| c.as_str().and_then(|s| s.parse().ok()))
    });
    e.outcome = match code {
        Some(0) | None if kind.as_deref() != Some("policy") => Outcome::Success,
        Some(0) => Outcome::Success,
        _ => Outcome::Failure,
    };

    // The actor and the credential it used.
    let auth = at(p, &["authenticationInfo"]).unwrap_or(&Value::Null);
    let principal = string_at(auth, &["principalEmail"]).or_else(|| {
        string_at(auth, &["principalSubject"]).map(|s| {
            s.strip_prefix("user:")
                .or_else(|| s.strip_prefix("serviceAccount:"))
                .unwrap_or(&s)
                .to_string()
        })
    });
    if let Some(pr) = &principal {
        let (t, machine) = principal_kind(pr);
        e.actor_type = t;
        e.actor_is_machine = machine;
    }
    e.actor_uid = principal.clone();
    e.actor_name = principal;
    e.credential_uid = str_at(auth, &["serviceAccountKeyName"])
        .and_then(key_id)
        .or_else(|| string_at(auth, &["oauthInfo", "oauthClientId"]));
    e.src_ip = string_at(p, &["requestMetadata", "callerIp"]);
    e.user_agent = string_at(p, &["requestMetadata", "callerSuppliedUserAgent"]);

    let resource_name = string_at(p, &["resourceName"]);
    if is_set_iam_policy(&method) {
        return Ok(iam_rows(e, p, resource_name));
    }

    let (action, category, family) = classify(&method, service);
    e = e.with_action(action);
    if let Some(c) = category {
        e.category = c;
    } else if action == Action::Other && kind.as_deref() == Some("policy") {
        // Policy Denied log: a request refused by a security policy.
        e.category = Category::Policy;
    }
    if let Some(name) = method.strip_prefix("google.login.LoginService.") {
        // Workspace login events routed to Cloud Logging: mapped as the `login`
        // application's own events are (google_workspace::login_kind).
        use super::google_workspace::{LoginKind, challenge_outcome, google_acts_on, login_kind};
        e.category = Category::Authentication;
        match login_kind(name) {
            LoginKind::SignIn(outcome) => {
                e.action = Action::Login;
                e.outcome = outcome.unwrap_or_else(|| {
                    challenge_outcome(login_param(p, "login_challenge_status").as_deref())
                });
            }
            LoginKind::Warning => {
                e.action = Action::Other;
                google_acts_on(&mut e, login_param(p, "affected_email_address"));
            }
            LoginKind::UserActivity => e.action = Action::Other,
        }
    }

    let req = at(p, &["request"]).unwrap_or(&Value::Null);
    let resp = at(p, &["response"]).unwrap_or(&Value::Null);
    let names: Vec<String> = [
        string_at(resp, &["name"]),
        string_at(req, &["name"]),
        resource_name.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let sa_email = || {
        names
            .iter()
            .find_map(|n| sa_email_in(n))
            .or_else(|| string_at(v, &["resource", "labels", "email_id"]))
    };
    let key_in_names = || {
        names
            .iter()
            .find(|n| n.contains("/keys/"))
            .and_then(|n| key_id(n))
    };
    let service_target = |sa: String| Target {
        uid: Some(sa.clone()),
        name: Some(sa),
        kind: Some("service".into()),
    };
    match family {
        Family::ServiceAccountKey => {
            e.targets.extend(key_in_names().map(|k| Target {
                uid: Some(k),
                name: None,
                kind: Some("credential".into()),
            }));
            e.targets.extend(sa_email().map(service_target));
            if action == Action::CredentialCreate {
                e.credential_expires = expiry(resp);
            }
        }
        Family::ApiKey => {
            if let Some(k) = string_at(resp, &["uid"]).or_else(key_in_names) {
                e.targets.push(Target {
                    uid: Some(k),
                    name: string_at(resp, &["displayName"])
                        .or_else(|| string_at(req, &["key", "displayName"])),
                    kind: Some("credential".into()),
                });
            }
        }
        Family::TokenMint => {
            let chain = || {
                at(p, &["metadata", "identityDelegationChain"])
                    .and_then(Value::as_array)
                    .and_then(|c| c.last())
                    .and_then(Value::as_str)
                    .and_then(sa_email_in)
            };
            e.targets
                .extend(sa_email().or_else(chain).map(service_target));
            e.credential_expires = string_at(resp, &["expireTime"])
                .and_then(|t| crate::time::parse_str(&t).ok())
                .map(|t| t.micros);
        }
        Family::ServiceAccount => {
            let sa = string_at(resp, &["email"]).or_else(sa_email);
            if sa.is_some() {
                e.targets.push(Target {
                    uid: sa.clone(),
                    name: sa,
                    kind: Some("service".into()),
                });
            }
        }
        Family::Role => {
            let role = string_at(resp, &["name"]).or(resource_name.clone());
            e.targets.push(Target {
                uid: role.clone(),
                name: string_at(resp, &["title"]).or(role),
                kind: Some("role".into()),
            });
        }
        Family::OrgPolicy => {
            let policy = first_string(
                req,
                &[
                    &["policy", "constraint"],
                    &["policy", "name"],
                    &["constraint"],
                    &["name"],
                ],
            )
            .or(resource_name.clone());
            e.targets.push(Target {
                uid: policy.clone(),
                name: policy,
                kind: Some("policy".into()),
            });
        }
        Family::Other => {
            if let Some(r) = &resource_name {
                e.targets.push(Target {
                    uid: Some(r.clone()),
                    name: None,
                    kind: string_at(v, &["resource", "type"]).or_else(|| Some("resource".into())),
                });
            }
        }
    }
    e.fill_primary_target();
    e.target_is_machine = match e.target_type.as_deref() {
        Some("service") | Some("credential") => Some(true),
        _ => None,
    };
    Ok(vec![e])
}

/// Key expiry from a `ServiceAccountKey` response (`valid_before_time` far in the future
/// means the key does not expire).
fn expiry(resp: &Value<'_>) -> Option<i64> {
    let secs = first_string(
        resp,
        &[
            &["valid_before_time", "seconds"],
            &["validBeforeTime", "seconds"],
        ],
    )
    .and_then(|s| s.parse::<i64>().ok());
    let micros = match secs {
        Some(s) => s.checked_mul(1_000_000)?,
        None => {
            let t = first_string(resp, &[&["validBeforeTime"], &["valid_before_time"]])?;
            crate::time::parse_str(&t).ok()?.micros
        }
    };
    // 9999-12-31T23:59:59Z means no expiry; anything else outside the range `time`
    // accepts (src/time.rs) is no usable expiry either.
    crate::time::check_range(micros, "expiry").ok()
}

/// One row per binding delta of an IAM policy change (docs/design.md section 3).
fn iam_rows(mut base: Event, p: &Value<'_>, resource_name: Option<String>) -> Vec<Event> {
    base.category = Category::Admin;
    if base.actor_type == ActorType::User {
        base.actor_type = ActorType::Admin;
    }
    let deltas: Vec<&Value<'_>> = [
        &["serviceData", "policyDelta", "bindingDeltas"][..],
        &["metadata", "datasetChange", "bindingDeltas"][..],
        &["metadata", "policyDelta", "bindingDeltas"][..],
    ]
    .iter()
    .filter_map(|path| at(p, path).and_then(Value::as_array))
    .flatten()
    .collect();
    if deltas.is_empty() {
        if let Some(r) = resource_name {
            base.targets.push(Target {
                uid: Some(r),
                name: None,
                kind: Some("resource".into()),
            });
        }
        base.fill_primary_target();
        return vec![base];
    }
    let scope = resource_name.or_else(|| string_at(p, &["request", "resource"]));
    deltas
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut e = base.clone();
            e.event_uid = format!("{}:{i}", base.event_uid);
            e.action = match str_at(d, &["action"]) {
                Some("ADD") => Action::RoleGrant,
                Some("REMOVE") => Action::RoleRevoke,
                _ => Action::Other,
            };
            e.privilege = string_at(d, &["role"]);
            e.privilege_scope = scope.clone();
            // BigQuery dataset deltas name the member by kind: `userEmail`, `groupEmail`, ...
            let m = string_at(d, &["member"]).map(|m| member(&m)).or_else(|| {
                first_string(
                    d,
                    &[
                        &["userEmail"],
                        &["groupEmail"],
                        &["domain"],
                        &["specialGroup"],
                    ],
                )
                .map(|m| member(&m))
            });
            if let Some((uid, kind, machine)) = m {
                e.targets.push(Target {
                    uid: Some(uid.clone()),
                    name: Some(uid),
                    kind: kind.map(str::to_string),
                });
                e.fill_primary_target();
                e.target_is_machine = machine;
            }
            e
        })
        .collect()
}
