//! Okta System Log (`GET /api/v1/logs` LogEvent objects).
//!
//! Machine identities are actors whose `actor.type` is not `User` (OAuth service apps,
//! the system principal); API-token calls carry the token in
//! `transaction.detail.requestApiTokenId`, which becomes `credential_uid`.
//! Okta events do not name the org: the tenant comes from `--tenant` or a `tenant=`
//! folder in the input path.

use crate::json::Value;

use super::{Context, Provider, at, first_string, has_keys, str_at, string_at, time_at};
use crate::event::{Action, ActorType, Category, Event, Outcome, Target};

#[cfg(feature = "generate")]
pub mod generate;

pub static PROVIDER: Provider = Provider {
    name: "okta",
    title: "Okta System Log",
    detect,
    map,
    claims: include_str!("claims.toml"),
    admin_roles: include_str!("admin_roles.csv"),
    #[cfg(feature = "generate")]
    generator: generate::GENERATOR,
};

/// An Okta event type: dotted words (`user.session.start`; some have capitals, as
/// `user.authentication.auth_via_IDP`). CloudTrail also has an `eventType`
/// (`AwsApiCall`), but never dotted, and always with `eventName`.
fn detect(v: &Value<'_>) -> bool {
    let dotted = str_at(v, &["eventType"]).is_some_and(|t| {
        t.contains('.')
            && !t.starts_with('.')
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
    });
    dotted && !has_keys(v, &["eventName"])
}

/// Okta types that are not people.
fn is_machine_type(t: &str) -> bool {
    !matches!(t, "User")
}

fn actor_type(t: &str) -> ActorType {
    match t {
        "User" => ActorType::User,
        "SystemPrincipal" => ActorType::System,
        "PublicClientApp" | "AppInstance" | "Client" | "ApiToken" | "Token" | "AppUser" => {
            ActorType::Service
        }
        _ => ActorType::Unknown,
    }
}

/// Action (and category when it is not the action's default) from the event type.
fn classify(t: &str) -> (Action, Option<Category>) {
    use Action::*;
    let a = match t {
        "user.account.privilege.grant"
        | "group.privilege.grant"
        | "app.oauth2.client.privilege.grant"
        | "iam.resourceset.bindings.add" => RoleGrant,
        "user.account.privilege.revoke"
        | "group.privilege.revoke"
        | "app.oauth2.client.privilege.revoke"
        | "iam.resourceset.bindings.delete" => RoleRevoke,
        "iam.role.create" | "iam.resourceset.create" => {
            return (PolicyCreate, Some(Category::Admin));
        }
        "iam.role.update"
        | "iam.role.permissions.add"
        | "iam.role.permissions.delete"
        | "iam.resourceset.update" => return (PolicyUpdate, Some(Category::Admin)),
        "iam.role.delete" | "iam.resourceset.delete" => {
            return (PolicyDelete, Some(Category::Admin));
        }
        "system.api_token.create" | "app.oauth2.credentials.lifecycle.create" => CredentialCreate,
        "system.api_token.revoke"
        | "app.oauth2.credentials.lifecycle.deactivate"
        | "app.oauth2.credentials.lifecycle.delete" => CredentialRevoke,
        "policy.lifecycle.create" | "policy.rule.add" => PolicyCreate,
        "policy.lifecycle.update"
        | "policy.lifecycle.activate"
        | "policy.lifecycle.deactivate"
        | "policy.lifecycle.overwrite"
        | "policy.rule.update"
        | "policy.rule.activate"
        | "policy.rule.deactivate" => PolicyUpdate,
        "policy.lifecycle.delete" | "policy.rule.delete" => PolicyDelete,
        "application.lifecycle.create"
        | "app.oauth2.client.lifecycle.create"
        | "user.lifecycle.create" => IdentityCreate,
        "application.lifecycle.activate"
        | "app.oauth2.client.lifecycle.activate"
        | "user.lifecycle.activate"
        | "user.lifecycle.reactivate"
        | "user.lifecycle.unsuspend" => IdentityEnable,
        "application.lifecycle.deactivate"
        | "app.oauth2.client.lifecycle.deactivate"
        | "user.lifecycle.deactivate"
        | "user.lifecycle.suspend" => IdentityDisable,
        "application.lifecycle.delete"
        | "app.oauth2.client.lifecycle.delete"
        | "user.lifecycle.delete.initiated"
        | "user.lifecycle.delete.completed" => IdentityDelete,
        "user.session.start" | "user.authentication.sso" => Login,
        t if t.starts_with("user.authentication.") => Login,
        t if t.starts_with("app.oauth2.as.token.grant")
            || t.starts_with("app.oauth2.token.grant") =>
        {
            CredentialUse
        }
        t if t.starts_with("app.oauth2.as.consent.revoke") => CredentialRevoke,
        t if t.starts_with("system.api_token.")
            || t.starts_with("app.oauth2.credentials.")
            || t.starts_with("app.oauth2.as.consent.")
            || t == "app.oauth2.client.read_client_secret" =>
        {
            return (Other, Some(Category::Token));
        }
        t if t.starts_with("policy.") => return (Other, Some(Category::Policy)),
        // Access certification campaigns and their decisions (Okta Identity Governance).
        t if t.starts_with("certification.") || t.starts_with("access.review.") => {
            return (Other, Some(Category::Governance));
        }
        t if t.starts_with("user.lifecycle.") || t.starts_with("application.lifecycle.") => {
            return (Other, Some(Category::Lifecycle));
        }
        t if t.contains(".privilege.") || t.starts_with("iam.") => {
            return (Other, Some(Category::Admin));
        }
        _ => Other,
    };
    (a, None)
}

fn map(v: &Value<'_>, ctx: &Context<'_>) -> Result<Vec<Event>, String> {
    let event_type = super::required_type(v, &[&["eventType"]])?;
    let (time, time_raw) = time_at(v, &[&["published"]])?;
    let uid = super::uid_or_hash(v, &["uuid"], ctx);
    let mut e = Event::new(PROVIDER.name, uid, time, event_type);
    e.time_raw = time_raw;
    e.tenant = ctx.tenant(None);

    let (action, category) = classify(&e.event_type);
    e = e.with_action(action);
    if let Some(c) = category {
        e.category = c;
    }

    e.outcome = match str_at(v, &["outcome", "result"]) {
        Some("SUCCESS" | "ALLOW") => Outcome::Success,
        Some("FAILURE" | "DENY") => Outcome::Failure,
        _ => Outcome::Unknown,
    };

    let actor_kind = str_at(v, &["actor", "type"]);
    e.actor_uid = string_at(v, &["actor", "id"]).filter(|s| s != "unknown");
    let actor_paths: &[&[&str]] = if actor_kind == Some("User") {
        &[&["actor", "alternateId"], &["actor", "displayName"]]
    } else {
        &[&["actor", "displayName"], &["actor", "alternateId"]]
    };
    e.actor_name = first_string(v, actor_paths).filter(|s| s != "unknown");
    if let Some(t) = actor_kind {
        e.actor_type = actor_type(t);
        e.actor_is_machine = Some(is_machine_type(t));
    }
    // A sign-in through an identity provider or by Okta on a user's behalf
    // (`user.authentication.auth_via_IDP`, `..._via_social`): the actor Okta records is
    // the IdP or the system, the person who signed in is the `User` target.
    let signed_in_user = (e.action == Action::Login && actor_kind != Some("User"))
        .then(|| {
            at(v, &["target"])
                .and_then(Value::as_array)?
                .iter()
                .position(|t| str_at(t, &["type"]) == Some("User"))
        })
        .flatten();
    if let Some(i) = signed_in_user {
        let t = &at(v, &["target"]).and_then(Value::as_array).unwrap()[i];
        e.actor_uid = string_at(t, &["id"]);
        e.actor_name = first_string(t, &[&["alternateId"], &["displayName"]]);
        e.actor_type = ActorType::User;
        e.actor_is_machine = Some(false);
    }
    if matches!(e.action, Action::RoleGrant | Action::RoleRevoke) && e.actor_type == ActorType::User
    {
        e.actor_type = ActorType::Admin;
    }

    e.credential_uid = string_at(v, &["transaction", "detail", "requestApiTokenId"]);
    e.src_ip = first_string(
        v,
        &[&["client", "ipAddress"], &["request", "ipChain", "0", "ip"]],
    );
    e.user_agent = string_at(v, &["client", "userAgent", "rawUserAgent"]);

    if let Some(targets) = at(v, &["target"]).and_then(Value::as_array) {
        for (i, t) in targets.iter().enumerate() {
            if Some(i) == signed_in_user {
                continue; // now the actor
            }
            // People by login, apps and tokens by their display name.
            let name = if str_at(t, &["type"]) == Some("User") {
                first_string(t, &[&["alternateId"], &["displayName"]])
            } else {
                first_string(t, &[&["displayName"], &["alternateId"]])
            };
            e.targets.push(Target {
                uid: string_at(t, &["id"]),
                name,
                kind: string_at(t, &["type"]),
            });
        }
    }
    // The primary target: the principal a privilege or credential is about.
    let primary = pick_primary(&e.targets, e.action);
    if let Some(t) = primary {
        e.target_uid = t.uid.clone();
        e.target_name = t.name.clone();
        e.target_type = t.kind.as_deref().map(normalize_target_type);
        e.target_is_machine = t.kind.as_deref().map(is_machine_type);
    }
    // `application.*` events are about any app integration (SAML or bookmark apps as
    // well as OAuth service apps): they do not show that the app is a machine identity.
    if e.event_type.starts_with("application.") {
        e.target_is_machine = None;
    }

    if matches!(e.action, Action::RoleGrant | Action::RoleRevoke) {
        e.privilege = first_string(
            v,
            &[
                &["debugContext", "debugData", "privilegeGranted"],
                &["debugContext", "debugData", "privilegeRevoked"],
            ],
        );
        e.privilege_scope = Some(
            first_string(v, &[&["debugContext", "debugData", "resourceSet"]])
                .unwrap_or_else(|| "org".to_string()),
        );
    }
    Ok(vec![e])
}

fn normalize_target_type(t: &str) -> String {
    match t {
        "User" => "user",
        "AppInstance" | "PublicClientApp" | "Client" | "AppUser" => "app",
        "Token" | "ApiToken" => "credential",
        "PolicyEntity" | "PolicyRule" => "policy",
        "UserGroup" | "Group" => "group",
        "ROLE" | "Role" | "CUSTOM_ROLE" => "role",
        other => return other.to_ascii_lowercase(),
    }
    .to_string()
}

fn pick_primary(targets: &[Target], action: Action) -> Option<&Target> {
    let want: &[&str] = match action {
        Action::RoleGrant | Action::RoleRevoke => {
            &["User", "UserGroup", "AppInstance", "PublicClientApp"]
        }
        Action::CredentialCreate | Action::CredentialRevoke | Action::CredentialRotate => {
            &["Token", "ApiToken", "AppInstance", "PublicClientApp"]
        }
        Action::PolicyCreate | Action::PolicyUpdate | Action::PolicyDelete => {
            &["PolicyRule", "PolicyEntity"]
        }
        _ => &[],
    };
    want.iter()
        .find_map(|w| targets.iter().find(|t| t.kind.as_deref() == Some(*w)))
        .or_else(|| targets.first())
}
