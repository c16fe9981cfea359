//! Microsoft Entra ID: Graph `directoryAudits` and `signIns` objects, and Azure Monitor
//! diagnostic records (AuditLogs, SignInLogs, NonInteractiveUserSignInLogs,
//! ServicePrincipalSignInLogs, ManagedIdentitySignInLogs, ...), which wrap the same
//! Graph object in `properties`.
//!
//! Sign-ins get the Azure Monitor category as `event_type` in both shapes, so a Graph
//! export and a diagnostic-settings archive of the same tenant read the same. Machine
//! identities: `initiatedBy.app` in audits, service-principal and managed-identity
//! sign-ins (never `isInteractive:false` alone, which is also a user's background
//! sign-in). The key a service principal signed in with is
//! `servicePrincipalCredentialKeyId`.

use std::borrow::Cow;

use super::{Context, Provider, at, first_string, has_keys, str_at, string_at, time_at};
use crate::event::{Action, ActorType, Category, Event, Outcome, Target};
use crate::json::{Object, Value};

#[cfg(feature = "generate")]
pub mod generate;

pub static PROVIDER: Provider = Provider {
    name: "entra",
    title: "Microsoft Entra ID",
    detect,
    map,
    claims: include_str!("claims.toml"),
    admin_roles: include_str!("admin_roles.csv"),
    #[cfg(feature = "generate")]
    generator: generate::GENERATOR,
};

const SIGNIN_CATEGORIES: &[&str] = &[
    "SignInLogs",
    "NonInteractiveUserSignInLogs",
    "ServicePrincipalSignInLogs",
    "ManagedIdentitySignInLogs",
    "ADFSSignInLogs",
];

/// Top-level keys of Azure Monitor records; some sinks write them in lower case
/// (`operationname`, `calleripaddress`), which Azure treats as the same field.
const MONITOR_KEYS: &[&str] = &[
    "time",
    "resourceId",
    "operationName",
    "operationVersion",
    "category",
    "tenantId",
    "resultType",
    "resultSignature",
    "resultDescription",
    "durationMs",
    "callerIpAddress",
    "correlationId",
    "identity",
    "level",
    "location",
    "properties",
];

/// The Azure Monitor key a top-level key stands for, ignoring case.
fn monitor_key(k: &str) -> Option<&'static str> {
    MONITOR_KEYS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(k))
        .copied()
}

/// Whether a top-level key is an Azure Monitor key in another case.
fn miscased(obj: &Object<'_>) -> bool {
    obj.entries()
        .iter()
        .any(|(k, _)| monitor_key(k).is_some_and(|m| m != k))
}

/// The record with its top-level keys in canonical case, when any differ.
fn canonical<'a>(v: &Value<'a>) -> Option<Value<'a>> {
    let obj = v.as_object()?;
    if !miscased(obj) {
        return None;
    }
    // serde_json's key order, so that of two keys that differ only in case the one
    // that sorts last wins, as when this was a `serde_json::Map`.
    let out: Object<'a> = obj
        .iter()
        .map(|(k, val)| {
            let key = monitor_key(k).map_or_else(|| Cow::Owned(k.to_string()), Cow::Borrowed);
            (key, val.clone())
        })
        .collect();
    Some(Value::Object(out))
}

fn is_azure_monitor(v: &Value<'_>) -> bool {
    has_keys(v, &["operationName", "category"])
        && (has_keys(v, &["properties"])
            || has_keys(v, &["tenantId"])
            || has_keys(v, &["resourceId"]))
}

fn is_graph_audit(v: &Value<'_>) -> bool {
    has_keys(v, &["activityDisplayName"])
        && (has_keys(v, &["activityDateTime"]) || has_keys(v, &["initiatedBy"]))
}

fn is_graph_signin(v: &Value<'_>) -> bool {
    has_keys(v, &["createdDateTime"])
        && (has_keys(v, &["userPrincipalName"])
            || has_keys(v, &["servicePrincipalId"])
            || has_keys(v, &["appId"])
            || has_keys(v, &["signInEventTypes"]))
}

fn detect(v: &Value<'_>) -> bool {
    is_azure_monitor(v) || is_graph_audit(v) || is_graph_signin(v) || is_miscased_monitor(v)
}

/// `is_azure_monitor` of the record's [`canonical`] form, without building it.
fn is_miscased_monitor(v: &Value<'_>) -> bool {
    let Some(obj) = v.as_object() else {
        return false;
    };
    let has = |key: &str| {
        obj.entries()
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(key))
    };
    has("operationName")
        && has("category")
        && (has("properties") || has("tenantId") || has("resourceId"))
        && miscased(obj)
}

fn map(v: &Value<'_>, ctx: &Context<'_>) -> Result<Vec<Event>, String> {
    if let Some(c) = canonical(v) {
        return map(&c, ctx);
    }
    if is_azure_monitor(v) {
        let props = at(v, &["properties"]).unwrap_or(&Value::Null);
        let category = str_at(v, &["category"]).unwrap_or("");
        let tenant = first_string(
            v,
            &[
                &["tenantId"],
                &["properties", "tenantId"],
                &["properties", "resourceTenantId"],
            ],
        )
        .or_else(|| tenant_in_resource_id(str_at(v, &["resourceId"])));
        let uid = first_string(props, &[&["id"]])
            .or_else(|| string_at(v, &["id"]))
            .unwrap_or_else(|| super::stable_uid(ctx.raw));
        let times: &[&[&str]] = &[
            &["properties", "activityDateTime"],
            &["properties", "createdDateTime"],
            &["time"],
        ];
        let (time, time_raw) = time_at(v, times)?;
        let mut e = if SIGNIN_CATEGORIES.contains(&category) {
            signin(props, Some(category), uid, time)
        } else if category == "AuditLogs" || is_graph_audit(props) {
            let mut e = audit(props, uid, time, str_at(v, &["operationName"]))?;
            // An empty `initiatedBy`: the record's `identity` names the initiator (an
            // app or a person; the name alone does not say which).
            if e.actor_uid.is_none() && e.actor_name.is_none() {
                e.actor_uid = string_at(v, &["identity"]);
                e.actor_name = e.actor_uid.clone();
            }
            e
        } else {
            let op = super::required_type(v, &[&["operationName"]])?;
            other_category(category, props, Event::new(PROVIDER.name, uid, time, op))
        };
        e.time_raw = time_raw;
        e.tenant = ctx.tenant(tenant.as_deref());
        if e.src_ip.is_none() {
            e.src_ip = string_at(v, &["callerIpAddress"]);
        }
        if e.outcome == Outcome::Unknown {
            e.outcome = match str_at(v, &["resultType"]) {
                Some("0") | Some("Success") | Some("success") => Outcome::Success,
                Some(_) => Outcome::Failure,
                None => Outcome::Unknown,
            };
        }
        return Ok(vec![e]);
    }
    if is_graph_audit(v) {
        let uid = super::uid_or_hash(v, &["id"], ctx);
        let (time, time_raw) = time_at(v, &[&["activityDateTime"]])?;
        let mut e = audit(v, uid, time, None)?;
        e.time_raw = time_raw;
        e.tenant = ctx.tenant(str_at(v, &["tenantId"]));
        return Ok(vec![e]);
    }
    let uid = super::uid_or_hash(v, &["id"], ctx);
    let (time, time_raw) = time_at(v, &[&["createdDateTime"]])?;
    let mut e = signin(v, None, uid, time);
    e.time_raw = time_raw;
    e.tenant = ctx.tenant(
        first_string(
            v,
            &[&["resourceTenantId"], &["tenantId"], &["homeTenantId"]],
        )
        .as_deref(),
    );
    Ok(vec![e])
}

/// The tenant of a `resourceId` such as `/tenants/<guid>/providers/Microsoft.aadiam`.
fn tenant_in_resource_id(id: Option<&str>) -> Option<String> {
    let mut parts = id?.split('/').filter(|p| !p.is_empty());
    while let Some(p) = parts.next() {
        if p.eq_ignore_ascii_case("tenants") {
            return parts.next().map(str::to_string);
        }
    }
    None
}

/// Azure Monitor categories other than sign-ins and audits. Each says who acted and on
/// whom, so that an event *about* an identity is never taken for its activity:
/// * risk detections and risky users / service principals (`UserRiskEvents`,
///   `RiskyUsers`, `ServicePrincipalRiskEvents`, `RiskyServicePrincipals`): Identity
///   Protection acting; the identity at risk is the target;
/// * `ProvisioningLogs`: the provisioning app (`servicePrincipal`) acting on the target
///   identity, with `provisioningAction` as the verb;
/// * `MicrosoftGraphActivityLogs`: the caller (the user of a delegated token, else the
///   service principal) acting; `responseStatusCode` gives the outcome;
/// * anything else: the user or service principal the record names, as before.
fn other_category(category: &str, p: &Value<'_>, mut e: Event) -> Event {
    match category {
        "UserRiskEvents"
        | "RiskyUsers"
        | "ServicePrincipalRiskEvents"
        | "RiskyServicePrincipals"
        | "RiskyManagedIdentities" => {
            e.actor_name = Some("Microsoft Entra ID Protection".into());
            e.actor_type = ActorType::System;
            let service = category.contains("ServicePrincipal") || category.contains("Managed");
            let (uid, name) = if service {
                (
                    first_string(p, &[&["servicePrincipalId"], &["id"]]),
                    first_string(p, &[&["servicePrincipalDisplayName"], &["displayName"]]),
                )
            } else if category == "RiskyUsers" {
                (
                    first_string(p, &[&["id"], &["userId"]]),
                    first_string(p, &[&["userPrincipalName"], &["userDisplayName"]]),
                )
            } else {
                (
                    string_at(p, &["userId"]),
                    first_string(p, &[&["userPrincipalName"], &["userDisplayName"]]),
                )
            };
            e.targets.push(Target {
                uid,
                name,
                kind: Some(if service { "ServicePrincipal" } else { "User" }.into()),
            });
            e.fill_primary_target();
            e.target_is_machine = Some(service);
        }
        "ProvisioningLogs" => {
            e.actor_uid = first_string(p, &[&["servicePrincipal", "id"], &["initiatedBy", "id"]]);
            e.actor_name = first_string(
                p,
                &[
                    &["servicePrincipal", "displayName"],
                    &["initiatedBy", "displayName"],
                ],
            );
            e.actor_type = ActorType::Service;
            e.actor_is_machine = Some(true);
            let t = at(p, &["targetIdentity"]).unwrap_or(&Value::Null);
            let kind = string_at(t, &["identityType"]);
            e.target_is_machine = kind.as_deref().map(|k| !k.eq_ignore_ascii_case("user"));
            e.targets.push(Target {
                uid: string_at(t, &["id"]),
                name: string_at(t, &["displayName"]),
                kind,
            });
            e.fill_primary_target();
            let action = match str_at(p, &["provisioningAction"]).map(str::to_ascii_lowercase) {
                Some(a) if a == "create" => Action::IdentityCreate,
                Some(a) if a == "delete" => Action::IdentityDelete,
                Some(a) if a == "disable" => Action::IdentityDisable,
                _ => Action::Other,
            };
            e = e.with_action(action);
            e.category = Category::Lifecycle;
            e.outcome = match str_at(p, &["provisioningStatusInfo", "status"]) {
                Some("success") => Outcome::Success,
                Some("failure") => Outcome::Failure,
                _ => Outcome::Unknown,
            };
        }
        "MicrosoftGraphActivityLogs" => {
            let user = string_at(p, &["userId"]);
            e.actor_is_machine = Some(user.is_none());
            e.actor_type = if user.is_some() {
                ActorType::User
            } else {
                ActorType::Service
            };
            e.actor_uid = user.or_else(|| first_string(p, &[&["servicePrincipalId"], &["appId"]]));
            e.credential_uid = string_at(p, &["appId"]);
            e.src_ip = string_at(p, &["ipAddress"]);
            e.user_agent = string_at(p, &["userAgent"]);
            let status = at(p, &["responseStatusCode"])
                .and_then(|c| c.as_u64().or_else(|| c.as_str()?.trim().parse().ok()));
            e.outcome = match status {
                Some(c) if c < 400 => Outcome::Success,
                Some(_) => Outcome::Failure,
                None => Outcome::Unknown,
            };
        }
        _ => {
            e.actor_uid = first_string(p, &[&["userId"], &["servicePrincipalId"]]);
            e.actor_name = first_string(p, &[&["userPrincipalName"], &["servicePrincipalName"]]);
        }
    }
    e
}

/// A sign-in object (Graph `signIn`, or Azure Monitor `properties`).
fn signin(s: &Value<'_>, category: Option<&str>, uid: String, time: i64) -> Event {
    let types: Vec<&str> = at(s, &["signInEventTypes"])
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let sp_id =
        string_at(s, &["servicePrincipalId"]).filter(|x| !x.chars().all(|c| c == '0' || c == '-'));
    let user_id = string_at(s, &["userId"]).filter(|x| !x.chars().all(|c| c == '0' || c == '-'));
    let kind = match category {
        Some(c) => c,
        None if types.contains(&"managedIdentity") => "ManagedIdentitySignInLogs",
        None if types.contains(&"servicePrincipal") => "ServicePrincipalSignInLogs",
        None if types.contains(&"interactiveUser") => "SignInLogs",
        None if types.contains(&"nonInteractiveUser") => "NonInteractiveUserSignInLogs",
        None if user_id.is_none() && sp_id.is_some() => "ServicePrincipalSignInLogs",
        None if at(s, &["isInteractive"]) == Some(&Value::Bool(false)) => {
            "NonInteractiveUserSignInLogs"
        }
        None => "SignInLogs",
    };
    let mut e = Event::new(PROVIDER.name, uid, time, kind.to_string()).with_action(Action::Login);
    let machine = matches!(
        kind,
        "ServicePrincipalSignInLogs" | "ManagedIdentitySignInLogs"
    );
    if machine {
        e.actor_uid = sp_id.or_else(|| string_at(s, &["appId"]));
        e.actor_name = first_string(s, &[&["servicePrincipalName"], &["appDisplayName"]]);
        e.actor_type = ActorType::Service;
        e.actor_is_machine = Some(true);
        e.credential_uid = first_string(
            s,
            &[
                &["servicePrincipalCredentialKeyId"],
                &["servicePrincipalCredentialThumbprint"],
            ],
        );
    } else {
        e.actor_uid = user_id;
        e.actor_name = first_string(s, &[&["userPrincipalName"], &["userDisplayName"]]);
        e.actor_type = ActorType::User;
        e.actor_is_machine = Some(false);
    }
    e.src_ip = string_at(s, &["ipAddress"]);
    e.user_agent = string_at(s, &["userAgent"]);
    e.outcome = match at(s, &["status", "errorCode"]).and_then(Value::as_i64) {
        Some(0) => Outcome::Success,
        Some(_) => Outcome::Failure,
        None => Outcome::Unknown,
    };
    if let Some(r) = first_string(s, &[&["resourceId"], &["resourceDisplayName"]]) {
        e.targets.push(Target {
            uid: Some(r),
            name: string_at(s, &["resourceDisplayName"]),
            kind: Some("app".into()),
        });
    }
    if let Some(app) = string_at(s, &["appId"]) {
        e.targets.push(Target {
            uid: Some(app),
            name: string_at(s, &["appDisplayName"]),
            kind: Some("app".into()),
        });
    }
    e.fill_primary_target();
    e.target_is_machine = e.target_uid.as_ref().map(|_| true);
    e
}

/// `"Global Administrator"` → `Global Administrator` (Entra JSON-quotes these values).
fn unquote(s: &str) -> String {
    let t = s.trim();
    serde_json::from_str::<String>(t).unwrap_or_else(|_| t.trim_matches('"').to_string())
}

/// The old and new value of a modified property of any target.
fn modified<'v>(a: &'v Value<'_>, name: &str) -> Option<(Option<&'v str>, Option<&'v str>)> {
    at(a, &["targetResources"])?
        .as_array()?
        .iter()
        .find_map(|t| {
            at(t, &["modifiedProperties"])?
                .as_array()?
                .iter()
                .find_map(|m| {
                    (str_at(m, &["displayName"]) == Some(name))
                        .then(|| (str_at(m, &["oldValue"]), str_at(m, &["newValue"])))
                })
        })
}

/// Key ids in a `KeyDescription` value: `[\"[KeyIdentifier=..,KeyType=..]\"]`.
fn key_ids(s: Option<&str>) -> Vec<String> {
    let Some(s) = s else { return Vec::new() };
    s.match_indices("KeyIdentifier=")
        .map(|(i, m)| {
            s[i + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
                .collect::<String>()
        })
        .filter(|k| !k.is_empty())
        .collect()
}

fn normalize(name: &str) -> String {
    name.trim().replace(['\u{2013}', '\u{2014}'], "-")
}

/// A directory audit object (Graph `directoryAudit`, or Azure Monitor `properties`).
fn audit(a: &Value<'_>, uid: String, time: i64, operation: Option<&str>) -> Result<Event, String> {
    let event_type = first_string(a, &[&["activityDisplayName"], &["operationName"]])
        .or_else(|| operation.map(str::to_string))
        .ok_or_else(|| {
            "missing event type (expected activityDisplayName or operationName)".to_string()
        })?;
    let mut e = Event::new(PROVIDER.name, uid, time, event_type);
    let name = normalize(&e.event_type);
    let lower = name.to_ascii_lowercase();

    if let Some(u) = at(a, &["initiatedBy", "user"]).filter(|u| u.is_object()) {
        e.actor_uid = string_at(u, &["id"]);
        e.actor_name = first_string(u, &[&["userPrincipalName"], &["displayName"]]);
        e.actor_type = ActorType::User;
        e.actor_is_machine = Some(false);
        e.src_ip = string_at(u, &["ipAddress"]);
    }
    if e.actor_uid.is_none() && e.actor_name.is_none() {
        if let Some(app) = at(a, &["initiatedBy", "app"]).filter(|u| u.is_object()) {
            e.actor_uid = first_string(app, &[&["servicePrincipalId"], &["appId"]]);
            e.actor_name = first_string(app, &[&["displayName"], &["servicePrincipalName"]]);
            e.actor_type = ActorType::Service;
            e.actor_is_machine = Some(true);
        }
    }
    e.outcome = match str_at(a, &["result"])
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("success") => Outcome::Success,
        Some("failure") | Some("timeout") => Outcome::Failure,
        _ => Outcome::Unknown,
    };
    if let Some(ts) = at(a, &["targetResources"]).and_then(Value::as_array) {
        for t in ts {
            e.targets.push(Target {
                uid: string_at(t, &["id"]),
                name: first_string(t, &[&["userPrincipalName"], &["displayName"]]),
                kind: string_at(t, &["type"]),
            });
        }
    }

    // Classify by the display name, else by the operation name (Azure Monitor records
    // carry both, and they differ for some activities).
    let mut names = vec![lower.clone()];
    if let Some(op) = operation
        .map(|o| normalize(o).to_ascii_lowercase())
        .filter(|o| *o != lower)
    {
        names.push(op);
    }
    let (mut action, mut primary_kind) = (Action::Other, &[][..]);
    for n in &names {
        (action, primary_kind) = classify(n, a, &mut e);
        if action != Action::Other {
            break;
        }
    }
    e = e.with_action(action);
    // Access review activity (decisions, applying them, reviews started and ended) is
    // logged by the "Access Reviews" service under changing categories.
    if action == Action::Other
        && first_string(a, &[&["loggedByService"], &["LoggedByService"]])
            .is_some_and(|s| s.eq_ignore_ascii_case("access reviews"))
    {
        e.category = Category::Governance;
    }

    let primary = primary_kind
        .iter()
        .find_map(|k| e.targets.iter().find(|t| t.kind.as_deref() == Some(*k)))
        .or_else(|| e.targets.iter().find(|t| t.kind.as_deref() != Some("Role")))
        .cloned();
    if let Some(t) = primary {
        e.target_uid = t.uid;
        e.target_name = t.name;
        e.target_is_machine = t.kind.as_deref().map(|k| {
            matches!(
                k,
                "ServicePrincipal" | "Application" | "credential" | "ManagedIdentity"
            )
        });
        e.target_type = t.kind.map(|k| match k.as_str() {
            "User" => "user".to_string(),
            "ServicePrincipal" | "Application" => "service".to_string(),
            other => other.to_ascii_lowercase(),
        });
    }
    if matches!(e.action, Action::RoleGrant | Action::RoleRevoke) {
        let role = modified(a, "Role.DisplayName")
            .or_else(|| modified(a, "AppRole.Value"))
            .and_then(|(old, new)| {
                if e.action == Action::RoleGrant {
                    new.or(old)
                } else {
                    old.or(new)
                }
            })
            .map(unquote)
            .or_else(|| {
                e.targets
                    .iter()
                    .find(|t| t.kind.as_deref() == Some("Role"))
                    .and_then(|t| t.name.clone())
            });
        e.privilege = role;
        e.privilege_scope = Some(
            modified(a, "Role.Scope")
                .and_then(|(_, n)| n)
                .map(unquote)
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "directory".to_string()),
        );
    }
    Ok(e)
}

/// Action and preferred primary target types for one (lower-cased) activity name.
fn classify(name: &str, a: &Value<'_>, e: &mut Event) -> (Action, &'static [&'static str]) {
    use Action::*;
    let mut primary_kind: &[&str] = &[];
    let action = if name.starts_with("add member to role in pim requested") {
        e.category = Category::Admin;
        Other
    } else if name.starts_with("add member to role")
        || name.starts_with("add eligible member to role")
        || name.starts_with("add scoped member to role")
        || name == "add app role assignment to service principal"
        || name == "add app role assignment grant to user"
    {
        primary_kind = &["User", "ServicePrincipal", "Group"];
        RoleGrant
    } else if name.starts_with("remove member from role")
        || name.starts_with("remove eligible member from role")
        || name.starts_with("remove scoped member from role")
        || name == "delete role assignment"
        || name == "remove role assignment"
        || name.starts_with("remove app role assignment")
    {
        primary_kind = &["User", "ServicePrincipal", "Group"];
        RoleRevoke
    } else if name.contains("certificates and secrets management")
        || name == "add service principal credentials"
        || name == "remove service principal credentials"
    {
        primary_kind = &["ServicePrincipal", "Application"];
        let (old, new) = modified(a, "KeyDescription").unwrap_or((None, None));
        let (old, new) = (key_ids(old), key_ids(new));
        let added: Vec<&String> = new.iter().filter(|k| !old.contains(k)).collect();
        let removed: Vec<&String> = old.iter().filter(|k| !new.contains(k)).collect();
        let key = added.first().or(removed.first()).map(|k| k.to_string());
        // The key is the primary target; its owner (the app) stays in the list.
        if let Some(k) = key.clone() {
            e.targets.insert(
                0,
                Target {
                    uid: Some(k),
                    name: None,
                    kind: Some("credential".into()),
                },
            );
            primary_kind = &["credential"];
        }
        if name.starts_with("remove") || (added.is_empty() && !removed.is_empty()) {
            CredentialRevoke
        } else if !added.is_empty() && !removed.is_empty() {
            CredentialRotate
        } else {
            CredentialCreate
        }
    } else if name == "update stsrefreshtokenvalidfrom timestamp" {
        CredentialRevoke
    } else if name == "change user password"
        || name == "reset user password"
        || name == "reset password (by admin)"
    {
        CredentialRotate
    } else if name.contains("policy")
        || name.starts_with("set federation settings")
        || name.starts_with("set domain authentication")
    {
        primary_kind = &["Policy"];
        if name.starts_with("add") || name.starts_with("create") {
            PolicyCreate
        } else if name.starts_with("delete") || name.starts_with("remove") {
            PolicyDelete
        } else {
            PolicyUpdate
        }
    } else if matches!(
        name,
        "add service principal" | "add application" | "add user" | "invite external user"
    ) {
        IdentityCreate
    } else if matches!(
        name,
        "remove service principal"
            | "delete application"
            | "hard delete application"
            | "delete user"
            | "hard delete user"
    ) {
        IdentityDelete
    } else if name == "disable account" {
        IdentityDisable
    } else if name == "enable account" {
        IdentityEnable
    } else if matches!(
        name,
        "update service principal" | "update application" | "update user"
    ) {
        match modified(a, "AccountEnabled")
            .and_then(|(_, n)| n)
            .map(unquote)
            .as_deref()
        {
            Some("false") | Some("[false]") => IdentityDisable,
            Some("true") | Some("[true]") => IdentityEnable,
            _ => {
                e.category = Category::Lifecycle;
                Other
            }
        }
    } else {
        e.category = match str_at(a, &["category"]) {
            Some("RoleManagement") => Category::Admin,
            Some("Policy") => Category::Policy,
            Some("ApplicationManagement") | Some("UserManagement") | Some("GroupManagement") => {
                Category::Lifecycle
            }
            _ => Category::Other,
        };
        Other
    };
    (action, primary_kind)
}
