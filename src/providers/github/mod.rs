//! GitHub organization / enterprise audit log: REST `GET /orgs|enterprises/{x}/audit-log`
//! JSON arrays, audit-log streaming NDJSON (`.json.gz`), and the web UI's CSV export
//! (the reader turns each CSV row into a JSON object with the header names as keys,
//! every value a string).
//!
//! `event_uid` = `_document_id` (a hash of the raw event without one); tenant = `org`,
//! else `business` (the enterprise); `event_type` = `action`; time = `@timestamp`, else
//! `created_at`: epoch milliseconds as a number or a string, or an ISO string (Panther's
//! `at_sign_timestamp` rename is read last). The audit log records completed actions, so
//! every event is a success. Identities are named by login everywhere (actor_uid =
//! actor_name = `actor`; role targets = `user`), so a self-grant has actor_uid =
//! target_uid.
//!
//! Machine identities and credentials:
//! * bots (`actor` ending `[bot]`, `actor_is_bot`) and GitHub App server-to-server
//!   tokens: actor_is_machine, actor_type `service`. A GitHub App is installed under its
//!   slug (`integration`) and acts as `<slug>[bot]`: `integration_installation.*`
//!   target `<slug>[bot]` (the installation id is a second target), so installs join the
//!   bot's activity on actor_uid.
//! * OAuth apps (`oauth_application.*`: target = `oauth_application_id`) and deploy /
//!   SSH keys (`public_key.*`, `deploy_key.*`: target = the key `fingerprint`).
//! * Tokens: any event with `programmatic_access_type` and `token_id` / `hashed_token`
//!   has credential_uid = `token_id` (else `hashed_token`); `personal_access_token.*`
//!   events target that token id (the token is their subject, not the credential used).
//!   A non-bot account acting through a token (PAT, OAuth or user-to-server token) has
//!   actor_is_machine NULL: the row cannot tell a machine user from a person's script;
//!   a machine user shows as an account all of whose actions carry a credential_uid.
//!   Non-bot accounts acting without a token have actor_is_machine false. Plain user
//!   targets have target_is_machine NULL for the same reason.
//!
//! Role grants: `business.add_admin` / `remove_admin` (privilege `owner`, scope
//! `enterprise:<business>`), `org.update_member` (`permission` vs `old_permission`,
//! scope `org:<org>`), `org.add_member` / `remove_member` (membership: category
//! lifecycle unless the permission is admin; a removal revokes every org role, privilege
//! NULL), `team.promote_maintainer`, `team.add_member`, `repo.add_member`,
//! `organization_moderators.*`, `organization_role.*`.

use crate::json::Value;

use super::{Context, Provider, at, first_string, has_keys, str_at, string_at, time_at};
use crate::event::{Action, ActorType, Category, Event, Outcome, Target};

#[cfg(feature = "generate")]
pub mod generate;

pub static PROVIDER: Provider = Provider {
    name: "github",
    title: "GitHub audit log",
    detect,
    map,
    claims: include_str!("claims.toml"),
    admin_roles: include_str!("admin_roles.csv"),
    #[cfg(feature = "generate")]
    generator: generate::GENERATOR,
};

fn detect(v: &Value<'_>) -> bool {
    str_at(v, &["action"]).is_some()
        && [
            "_document_id",
            "@timestamp",
            "created_at",
            "actor",
            "actor_id",
            "org",
            "business",
            "at_sign_timestamp",
        ]
        .iter()
        .any(|k| has_keys(v, &[k]))
}

fn is_bot(login: &str) -> bool {
    login.ends_with("[bot]")
}

/// A `true` that may be a JSON boolean or a CSV cell.
fn truthy(v: &Value<'_>, key: &str) -> bool {
    match at(v, &[key]) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn user_target(login: String) -> Target {
    let kind = if is_bot(&login) { "service" } else { "user" };
    Target {
        uid: Some(login.clone()),
        name: Some(login),
        kind: Some(kind.into()),
    }
}

/// Events whose token is their subject rather than the credential used to call.
fn token_is_subject(action: &str) -> bool {
    [
        "personal_access_token.",
        "oauth_authorization.",
        "oauth_access.",
        "org_credential_authorization.",
    ]
    .iter()
    .any(|p| action.starts_with(p))
}

/// The token id an event names (`token_id`, else `hashed_token`).
fn token(v: &Value<'_>) -> Option<String> {
    first_string(v, &[&["token_id"], &["hashed_token"]])
}

/// A JSON object or list rendered as compact text (CSV cells are already text).
fn text(v: &Value<'_>, key: &str) -> Option<String> {
    match at(v, &[key])? {
        Value::Object(o) if o.is_empty() => None,
        Value::Array(a) if a.is_empty() => None,
        Value::Array(a) if a.iter().all(Value::is_string) => Some(
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
        ),
        o @ (Value::Object(_) | Value::Array(_)) => Some(o.to_string()),
        _ => string_at(v, &[key]),
    }
}

fn map(v: &Value<'_>, ctx: &Context<'_>) -> Result<Vec<Event>, String> {
    let action = super::required_type(v, &[&["action"]])?;
    let (time, time_raw) = time_at(
        v,
        &[&["@timestamp"], &["created_at"], &["at_sign_timestamp"]],
    )?;
    let uid = super::uid_or_hash(v, &["_document_id"], ctx);
    let mut e = Event::new(PROVIDER.name, uid, time, action.clone());
    e.time_raw = time_raw;
    let org = string_at(v, &["org"]);
    let business = string_at(v, &["business"]);
    e.tenant = ctx.tenant(org.as_deref().or(business.as_deref()));
    e.outcome = if action == "user.failed_login" {
        Outcome::Failure
    } else {
        Outcome::Success
    };

    // The actor and the credential it used.
    let login = string_at(v, &["actor"]);
    // On `personal_access_token.*` and the like, the type describes the subject token,
    // not how the actor called.
    let access = string_at(v, &["programmatic_access_type"]).filter(|_| !token_is_subject(&action));
    let access_lower = access.as_deref().unwrap_or("").to_ascii_lowercase();
    let bot = login.as_deref().is_some_and(is_bot) || truthy(v, "actor_is_bot");
    let app_token = access_lower.contains("server-to-server");
    e.actor_uid = login.clone();
    e.actor_name = login;
    if e.actor_uid.is_some() {
        (e.actor_type, e.actor_is_machine) = if bot || app_token {
            (ActorType::Service, Some(true))
        } else if access.is_some() {
            (ActorType::User, None)
        } else {
            (ActorType::User, Some(false))
        };
    }
    if access.is_some() || (has_keys(v, &["token_id"]) && !token_is_subject(&action)) {
        e.credential_uid = token(v);
    }
    e.src_ip = string_at(v, &["actor_ip"]);
    e.user_agent = string_at(v, &["user_agent"]);

    let (act, category) = classify(&action, v);
    e = e.with_action(act);
    if let Some(c) = category {
        e.category = c;
    }
    if matches!(act, Action::RoleGrant | Action::RoleRevoke) && e.actor_type == ActorType::User {
        e.actor_type = ActorType::Admin;
    }
    fill_targets(&mut e, &action, v, org.as_deref(), business.as_deref());
    e.fill_primary_target();
    e.target_is_machine = match e.target_type.as_deref() {
        Some("service") | Some("app") | Some("credential") => Some(true),
        _ => None,
    };
    Ok(vec![e])
}

/// Action and category (when not the action's own) of an audit-log action.
fn classify(action: &str, v: &Value<'_>) -> (Action, Option<Category>) {
    use Action::*;
    let (prefix, verb) = action.rsplit_once('.').unwrap_or(("", action));
    let lifecycle = Some(Category::Lifecycle);
    let a = match action {
        // Sign-ins.
        _ if verb == "sso_response" || action == "user.login" => Login,
        "user.failed_login" => Login,
        // Roles.
        "business.add_admin" | "business.add_billing_manager" => RoleGrant,
        "business.remove_admin" | "business.remove_billing_manager" => RoleRevoke,
        "business.invite_admin" | "business.invite_billing_manager" => {
            return (Other, Some(Category::Admin));
        }
        "org.update_member" => {
            let new = string_at(v, &["permission"]);
            let old = string_at(v, &["old_permission"]);
            match (new.as_deref(), old.as_deref()) {
                (n, o) if n == o => return (Other, Some(Category::Admin)),
                (_, Some("admin")) => RoleRevoke,
                (Some(_), _) => RoleGrant,
                _ => return (Other, Some(Category::Admin)),
            }
        }
        "org.add_member" => {
            let admin = str_at(v, &["permission"]) == Some("admin");
            return (RoleGrant, if admin { None } else { lifecycle });
        }
        "org.remove_member" => return (RoleRevoke, lifecycle),
        "team.add_member" => return (RoleGrant, lifecycle),
        "team.remove_member" => return (RoleRevoke, lifecycle),
        "team.promote_maintainer" | "organization_moderators.add_user" => RoleGrant,
        "team.demote_maintainer" | "organization_moderators.remove_user" => RoleRevoke,
        "repo.add_member" | "repo.update_member" | "org.add_billing_manager" => RoleGrant,
        "repo.remove_member" | "org.remove_billing_manager" => RoleRevoke,
        "organization_role.assign" | "enterprise_role.assign" => RoleGrant,
        "organization_role.revoke" | "organization_role.unassign" | "enterprise_role.revoke" => {
            RoleRevoke
        }
        "role.create" | "organization_role.create" => PolicyCreate,
        "role.update" | "organization_role.update" => PolicyUpdate,
        "role.destroy" | "organization_role.destroy" => PolicyDelete,
        // Credentials.
        "public_key.create" | "deploy_key.create" | "personal_access_token.access_granted" => {
            CredentialCreate
        }
        "oauth_authorization.create"
        | "oauth_access.create"
        | "org_credential_authorization.grant" => CredentialCreate,
        "public_key.delete" | "deploy_key.delete" | "personal_access_token.access_revoked" => {
            CredentialRevoke
        }
        "oauth_authorization.destroy"
        | "oauth_access.destroy"
        | "org_credential_authorization.revoke"
        | "org_credential_authorization.deauthorize"
        | "oauth_application.revoke_all_tokens"
        | "oauth_application.remove_client_secret" => CredentialRevoke,
        "oauth_application.reset_secret" => CredentialRotate,
        "oauth_application.generate_client_secret" => CredentialCreate,
        _ if prefix == "personal_access_token"
            || prefix == "oauth_authorization"
            || prefix == "public_key"
            || prefix == "deploy_key" =>
        {
            return (Other, Some(Category::Token));
        }
        // Apps and users.
        "integration_installation.create" | "integration.create" | "oauth_application.create" => {
            IdentityCreate
        }
        "integration_installation.destroy"
        | "integration.destroy"
        | "oauth_application.destroy" => IdentityDelete,
        "integration_installation.suspend" | "integration.suspend" | "user.suspend" => {
            IdentityDisable
        }
        "integration_installation.unsuspend" | "integration.unsuspend" | "user.unsuspend" => {
            IdentityEnable
        }
        "user.create" => IdentityCreate,
        "user.destroy" | "user.delete" => IdentityDelete,
        _ if matches!(
            prefix,
            "integration_installation" | "integration" | "oauth_application"
        ) =>
        {
            return (Other, lifecycle);
        }
        _ if action.contains("invite") => return (Other, lifecycle),
        // Policies.
        _ if prefix == "repository_ruleset"
            || prefix == "protected_branch"
            || prefix == "ip_allow_list_entry" =>
        {
            match verb {
                "create" => PolicyCreate,
                "destroy" | "delete" => PolicyDelete,
                v if v == "update" || v.starts_with("update_") => PolicyUpdate,
                _ => return (Other, Some(Category::Policy)),
            }
        }
        _ if policy_setting(prefix, verb) => PolicyUpdate,
        _ => Other,
    };
    (a, None)
}

/// Organization / enterprise security settings: 2FA, SAML/SSO, IP allow lists, OAuth
/// app restrictions, workflow permissions, security features turned on or off.
fn policy_setting(prefix: &str, verb: &str) -> bool {
    let keywords = [
        "two_factor",
        "saml",
        "sso",
        "oidc",
        "oauth_app_restrictions",
        "ip_allow_list",
        "workflow_permissions",
        "default_repository_permission",
        "members_can",
        "permission",
    ];
    if prefix == "ip_allow_list" || prefix.contains(".config") || prefix == "enterprise.config" {
        return true;
    }
    if matches!(prefix, "org" | "business") {
        return keywords.iter().any(|k| verb.contains(k))
            || verb.starts_with("enable_")
            || verb.starts_with("disable_")
            || verb.starts_with("set_");
    }
    // `secret_scanning.disable`, `dependabot_alerts.enable`, `business_advanced_security.enabled`.
    !matches!(
        prefix,
        "repo" | "team" | "user" | "hook" | "workflows" | "git"
    ) && matches!(verb, "enable" | "disable" | "enabled" | "disabled")
}

/// Targets, privilege and scope for an action.
fn fill_targets(
    e: &mut Event,
    action: &str,
    v: &Value<'_>,
    org: Option<&str>,
    business: Option<&str>,
) {
    let org_scope = org.map(|o| format!("org:{o}"));
    let user = string_at(v, &["user"]);
    let team = string_at(v, &["team"]);
    let repo = first_string(v, &[&["repo"], &["repository"]]);
    match action {
        "business.add_admin" | "business.remove_admin" | "business.invite_admin" => {
            e.targets.extend(user.map(user_target));
            e.privilege = Some("owner".into());
            e.privilege_scope = business.map(|b| format!("enterprise:{b}"));
        }
        "business.add_billing_manager" | "business.remove_billing_manager" => {
            e.targets.extend(user.map(user_target));
            e.privilege = Some("billing_manager".into());
            e.privilege_scope = business.map(|b| format!("enterprise:{b}"));
        }
        "org.update_member" | "org.add_member" | "org.remove_member" => {
            e.targets.extend(user.map(user_target));
            e.privilege = match e.action {
                // Revoking admin (back to a lower permission), or removing the member.
                Action::RoleRevoke if action == "org.update_member" => Some("admin".into()),
                Action::RoleRevoke => None,
                _ => string_at(v, &["permission"]),
            };
            e.privilege_scope = org_scope;
        }
        "org.add_billing_manager" | "org.remove_billing_manager" => {
            e.targets.extend(user.map(user_target));
            e.privilege = Some("billing_manager".into());
            e.privilege_scope = org_scope;
        }
        "organization_moderators.add_user" | "organization_moderators.remove_user" => {
            e.targets.extend(user.map(user_target));
            e.privilege = Some("moderator".into());
            e.privilege_scope = org_scope;
        }
        _ if action.starts_with("team.") && action.contains("member")
            || action.ends_with("_maintainer") =>
        {
            e.targets.extend(user.map(user_target));
            e.privilege = Some(
                if action.ends_with("_maintainer") {
                    "maintainer"
                } else {
                    "member"
                }
                .into(),
            );
            e.privilege_scope = team.as_ref().map(|t| format!("team:{t}")).or(org_scope);
        }
        "repo.add_member" | "repo.update_member" | "repo.remove_member" => {
            e.targets.extend(user.map(user_target));
            e.privilege = string_at(v, &["permission"]);
            e.privilege_scope = repo.as_ref().map(|r| format!("repo:{r}"));
        }
        _ if action.starts_with("organization_role.") || action.starts_with("enterprise_role.") => {
            e.targets.extend(user.map(user_target));
            if let Some(t) = team.clone() {
                e.targets.push(Target {
                    uid: Some(t.clone()),
                    name: Some(t),
                    kind: Some("group".into()),
                });
            }
            let role = first_string(v, &[&["role"], &["role_name"], &["name"]]);
            if matches!(e.action, Action::RoleGrant | Action::RoleRevoke) {
                e.privilege = role;
                e.privilege_scope = if action.starts_with("enterprise_role.") {
                    business.map(|b| format!("enterprise:{b}"))
                } else {
                    org_scope
                };
            } else if let Some(r) = role {
                e.targets.insert(
                    0,
                    Target {
                        uid: Some(r.clone()),
                        name: Some(r),
                        kind: Some("role".into()),
                    },
                );
            }
        }
        _ if action.starts_with("public_key.") || action.starts_with("deploy_key.") => {
            let key = first_string(v, &[&["fingerprint"], &["key_id"], &["id"], &["title"]]);
            e.targets.push(Target {
                uid: key,
                name: string_at(v, &["title"]),
                kind: Some("credential".into()),
            });
            if let Some(r) = repo.clone() {
                e.targets.push(Target {
                    uid: Some(r.clone()),
                    name: Some(r.clone()),
                    kind: Some("repository".into()),
                });
                e.privilege_scope = Some(format!("repo:{r}"));
            }
            e.privilege = match at(v, &["read_only"]) {
                Some(Value::Bool(true)) => Some("read".into()),
                Some(Value::Bool(false)) => Some("write".into()),
                Some(Value::String(s)) if s == "true" => Some("read".into()),
                Some(Value::String(s)) if s == "false" => Some("write".into()),
                _ => None,
            };
        }
        _ if token_is_subject(action) => {
            let tok = token(v).or_else(|| string_at(v, &["credential_id"]));
            if let Some(t) = tok {
                e.targets.push(Target {
                    uid: Some(t),
                    name: string_at(v, &["token_name"]),
                    kind: Some("credential".into()),
                });
            }
            if let Some(app) = string_at(v, &["oauth_application_id"]) {
                e.targets.push(Target {
                    uid: Some(app),
                    name: string_at(v, &["oauth_application_name"]),
                    kind: Some("app".into()),
                });
            }
            e.targets.extend(user.map(user_target));
            e.privilege = text(v, "permissions").or_else(|| text(v, "scopes"));
            e.privilege_scope = text(v, "repositories")
                .map(|r| format!("repos:{r}"))
                .or(org_scope);
            e.credential_expires = first_string(v, &[&["token_expires_at"], &["expires_at"]])
                .and_then(|t| crate::time::parse_str(&t).ok())
                .map(|t| t.micros);
        }
        _ if action.starts_with("integration_installation.")
            || action.starts_with("integration.") =>
        {
            if let Some(slug) = first_string(v, &[&["integration"], &["name"]]) {
                e.targets.push(Target {
                    uid: Some(format!("{slug}[bot]")),
                    name: Some(slug),
                    kind: Some("app".into()),
                });
            }
            if let Some(i) = string_at(v, &["installation_id"]) {
                e.targets.push(Target {
                    uid: Some(i),
                    name: None,
                    kind: Some("installation".into()),
                });
            }
            e.privilege = text(v, "permissions");
            e.privilege_scope = text(v, "repositories")
                .map(|r| format!("repos:{r}"))
                .or_else(|| string_at(v, &["repository_selection"]).map(|s| format!("repos:{s}")))
                .filter(|_| e.privilege.is_some());
        }
        _ if action.starts_with("oauth_application.") => {
            if let Some(app) = string_at(v, &["oauth_application_id"]) {
                e.targets.push(Target {
                    uid: Some(app),
                    name: first_string(v, &[&["oauth_application_name"], &["name"]]),
                    kind: Some("app".into()),
                });
            }
        }
        _ if e.category == Category::Policy => {
            let name = if action.starts_with("repository_ruleset.") {
                first_string(v, &[&["ruleset_id"], &["ruleset_name"]])
                    .map(|id| (id, string_at(v, &["ruleset_name"])))
            } else if action.starts_with("protected_branch.") {
                first_string(v, &[&["branch"], &["name"]]).map(|b| {
                    let full = match &repo {
                        Some(r) => format!("{r}:{b}"),
                        None => b.clone(),
                    };
                    (full, Some(b))
                })
            } else {
                None
            };
            let (uid, name) = name.unwrap_or_else(|| {
                (
                    setting_name(action),
                    repo.clone()
                        .or_else(|| org.map(str::to_string))
                        .or_else(|| business.map(str::to_string)),
                )
            });
            e.targets.push(Target {
                uid: Some(uid),
                name,
                kind: Some("policy".into()),
            });
        }
        _ => {
            e.targets.extend(user.map(user_target));
            if let Some(t) = team {
                e.targets.push(Target {
                    uid: Some(t.clone()),
                    name: Some(t),
                    kind: Some("group".into()),
                });
            }
            if let Some(r) = repo {
                e.targets.push(Target {
                    uid: Some(r.clone()),
                    name: Some(r),
                    kind: Some("repository".into()),
                });
            }
        }
    }
}

/// The setting a policy action changes, the same for turning it on and off:
/// `org.disable_two_factor_requirement` → `two_factor_requirement`,
/// `org.saml_enabled` → `saml`, `ip_allow_list.disable` → `ip_allow_list`.
fn setting_name(action: &str) -> String {
    let (prefix, verb) = action.rsplit_once('.').unwrap_or(("", action));
    let bare = [
        "enable", "disable", "enabled", "disabled", "update", "create", "destroy",
    ];
    if bare.contains(&verb) {
        return prefix.rsplit('.').next().unwrap_or(prefix).to_string();
    }
    let mut s = verb;
    for p in ["enable_", "disable_", "set_", "update_"] {
        if let Some(rest) = s.strip_prefix(p) {
            s = rest;
            break;
        }
    }
    for x in ["_enabled", "_disabled"] {
        if let Some(rest) = s.strip_suffix(x) {
            s = rest;
            break;
        }
    }
    s.to_string()
}
