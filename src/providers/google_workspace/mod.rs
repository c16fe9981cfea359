//! Google Workspace: Admin SDK Reports API activities (`activities.list` pages
//! `{"kind":"admin#reports#activities","items":[...]}`, which the reader splits into
//! activities, or JSON arrays / NDJSON of activities).
//!
//! One activity holds one or more `events[]` entries; each entry is one row, with
//! `event_uid` = `id.time:id.uniqueQualifier:applicationName:customerId:<entry index>`
//! and `event_type` = `<applicationName>:<events[].name>` (`admin:ASSIGN_ROLE`,
//! `token:authorize`, `login:login_success`). An activity with no entries is a reject
//! ("record holds no events"); Panther's flattened shape (one entry hoisted to the top
//! level, no `events` list) is refused with a reason saying so. Parameters (`value`,
//! `intValue`, `boolValue`, `multiValue`, `messageValue`) give targets and privileges.
//!
//! Machine identities and how their ids line up across events:
//! * `actor.callerType` `KEY` is a machine (`key` `SYSTEM` is Google itself: actor_type
//!   `system`); its `key` is the actor_uid.
//! * A service account acting (domain-wide delegation, or its own Workspace identity)
//!   appears under its email (`*.gserviceaccount.com`) with `profileId` = its unique id,
//!   which is also its OAuth client id. Its actor_uid is that client id and its email is
//!   the actor_name, so it lines up with `AUTHORIZE_API_CLIENT_ACCESS` /
//!   `REMOVE_API_CLIENT_ACCESS` (identity.create / identity.delete of the client:
//!   target_uid = `API_CLIENT_NAME`, the client id) and with
//!   `token` events (credential_uid / target_uid = `client_id`). Events that name a
//!   service account only by email (a role granted to it: target_uid = target_name =
//!   the email) join on actor_name.
//! * People: actor_uid = actor_name = the email, the id every other event (role grants,
//!   user lifecycle: `USER_EMAIL`) names them by; so a self-grant has
//!   actor_uid = target_uid.
//! * OAuth clients in `token` events: `authorize` / `revoke` are credential.create /
//!   credential.revoke targeting the client (target_is_machine); `activity` is
//!   credential.use with the user as actor and credential_uid = `client_id`.
//!   `actor.applicationInfo.oauthClientId` (an app acting for a user) is also a
//!   credential_uid.

use crate::json::Value;

use super::{Context, Provider, at, has_keys, stable_uid, str_at, string_at, time_at};
use crate::event::{Action, ActorType, Category, Event, Outcome, Target};

#[cfg(feature = "generate")]
pub mod generate;

pub static PROVIDER: Provider = Provider {
    name: "google_workspace",
    title: "Google Workspace (Admin SDK Reports API)",
    detect,
    map,
    claims: include_str!("claims.toml"),
    admin_roles: include_str!("admin_roles.csv"),
    #[cfg(feature = "generate")]
    generator: generate::GENERATOR,
};

/// The reason a flattened (non-native) activity is refused.
pub const FLATTENED: &str =
    "flattened (non-native) activity: expected the Reports API shape with an events[] list";

fn detect(v: &Value<'_>) -> bool {
    let kind = str_at(v, &["kind"]) == Some("admin#reports#activity");
    let id = at(v, &["id"])
        .is_some_and(|id| has_keys(id, &["applicationName"]) || has_keys(id, &["uniqueQualifier"]));
    (kind || id) && (has_keys(v, &["events"]) || has_keys(v, &["name"]) || has_keys(v, &["actor"]))
}

/// Whether an email is a Google service account.
fn is_service_account(email: &str) -> bool {
    email.to_ascii_lowercase().ends_with(".gserviceaccount.com")
}

fn map(v: &Value<'_>, ctx: &Context<'_>) -> Result<Vec<Event>, String> {
    let entries = match at(v, &["events"]) {
        Some(Value::Array(a)) => a,
        Some(Value::Null) | None if has_keys(v, &["name"]) => return Err(FLATTENED.into()),
        Some(Value::Null) | None => return Ok(Vec::new()),
        Some(_) => return Err("events is not a list".into()),
    };
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let (time, time_raw) = time_at(v, &[&["id", "time"]])?;
    let app = string_at(v, &["id", "applicationName"]);
    let customer = string_at(v, &["id", "customerId"]);
    let tenant = ctx.tenant(customer.as_deref());
    let base_uid = match string_at(v, &["id", "uniqueQualifier"]) {
        Some(q) => [
            string_at(v, &["id", "time"]).unwrap_or_default(),
            q,
            app.clone().unwrap_or_default(),
            customer.clone().unwrap_or_default(),
        ]
        .join(":"),
        None => stable_uid(ctx.raw),
    };
    let scope = match &customer {
        Some(c) => format!("customer:{c}"),
        None => "customer".to_string(),
    };
    let actor = Actor::read(v);

    let mut out = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        if !entry.is_object() {
            return Err(format!("events[{i}] is not an object"));
        }
        let name = string_at(entry, &["name"])
            .or_else(|| string_at(entry, &["type"]))
            .ok_or_else(|| format!("missing event type (expected events[{i}].name)"))?;
        let event_type = match &app {
            Some(a) => format!("{a}:{name}"),
            None => name.clone(),
        };
        let mut e = Event::new(PROVIDER.name, format!("{base_uid}:{i}"), time, event_type);
        e.time_raw = time_raw.clone();
        e.tenant = tenant.clone();
        e.src_ip = string_at(v, &["ipAddress"]);
        actor.apply(&mut e);
        let kind = str_at(entry, &["type"]).unwrap_or("");
        classify_and_fill(
            &mut e,
            app.as_deref().unwrap_or(""),
            &name,
            kind,
            entry,
            &scope,
        );
        if matches!(e.action, Action::RoleGrant | Action::RoleRevoke)
            && e.actor_type == ActorType::User
        {
            e.actor_type = ActorType::Admin;
        }
        out.push(e);
    }
    Ok(out)
}

/// What an event of the `login` application (or of `login.googleapis.com` in Cloud
/// Logging) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoginKind {
    /// A sign-in by the user: `login_success`, `login_failure`, `login_challenge`,
    /// `login_verification` (the outcome when the name says it).
    SignIn(Option<Outcome>),
    /// Google acting on the account named in `affected_email_address`: the
    /// `account_disabled_*` events, `suspicious_login*`, `gov_attack_warning`,
    /// `email_forwarding_out_of_domain`, `leaked_password`. The account is the target; it
    /// did nothing itself.
    Warning,
    /// The user's own activity that is not a sign-in: `logout`, 2-step verification,
    /// password and recovery edits, ...
    UserActivity,
}

/// The kind of a login event, by its name in either spelling (`account_disabled_spamming`
/// in the Reports API, `accountDisabledSpamming` in Cloud Logging).
pub(crate) fn login_kind(name: &str) -> LoginKind {
    let mut snake = String::with_capacity(name.len() + 4);
    for c in name.trim().chars() {
        if c.is_ascii_uppercase() {
            if !snake.is_empty() {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    match snake.as_str() {
        "login_success" => LoginKind::SignIn(Some(Outcome::Success)),
        "login_failure" => LoginKind::SignIn(Some(Outcome::Failure)),
        "login_challenge" | "login_verification" => LoginKind::SignIn(None),
        s if s.starts_with("account_disabled")
            || s.starts_with("suspicious_")
            || s.starts_with("gov_attack")
            || s == "email_forwarding_out_of_domain"
            || s == "leaked_password" =>
        {
            LoginKind::Warning
        }
        _ => LoginKind::UserActivity,
    }
}

/// A challenge's outcome from its `login_challenge_status` (`Challenge Passed`, ...).
pub(crate) fn challenge_outcome(status: Option<&str>) -> Outcome {
    match status.map(str::to_ascii_lowercase) {
        Some(s) if s.contains("fail") => Outcome::Failure,
        Some(s) if s.contains("pass") => Outcome::Success,
        _ => Outcome::Unknown,
    }
}

/// Google itself acting on `affected`: no identity of the tenant is the actor, the
/// affected account is the (first) target.
pub(crate) fn google_acts_on(e: &mut Event, affected: Option<String>) {
    e.actor_uid = None;
    e.actor_name = Some("Google".into());
    e.actor_type = ActorType::System;
    e.actor_is_machine = None;
    e.credential_uid = None;
    if let Some(a) = affected {
        e.targets.insert(0, person(a));
        e.target_uid = None;
        e.target_name = None;
        e.target_type = None;
    }
}

/// The acting identity of an activity.
struct Actor {
    uid: Option<String>,
    name: Option<String>,
    kind: ActorType,
    machine: Option<bool>,
    credential: Option<String>,
}

impl Actor {
    fn read(v: &Value<'_>) -> Self {
        let a = at(v, &["actor"]).unwrap_or(&Value::Null);
        let email = string_at(a, &["email"]);
        let profile = string_at(a, &["profileId"]);
        let key = string_at(a, &["key"]);
        let credential = string_at(a, &["applicationInfo", "oauthClientId"]);
        if str_at(a, &["callerType"]) == Some("KEY")
            && key
                .as_deref()
                .is_some_and(|k| k.contains("ANONYMOUS") || k.contains("EXTERNAL"))
        {
            // `HANGOUTS_EXTERNAL_OR_ANONYMOUS` (Meet): a person from outside the domain
            // or without an account. Not a machine, and not one identity either.
            return Actor {
                uid: None,
                name: key,
                kind: ActorType::User,
                machine: Some(false),
                credential,
            };
        }
        if str_at(a, &["callerType"]) == Some("KEY") {
            let system = key.as_deref() == Some("SYSTEM");
            return Actor {
                uid: key.clone().or(profile).or(email.clone()),
                name: key.or(email),
                kind: if system {
                    ActorType::System
                } else {
                    ActorType::Service
                },
                machine: Some(true),
                credential,
            };
        }
        match email {
            Some(m) if is_service_account(&m) => Actor {
                uid: profile.or_else(|| Some(m.clone())),
                name: Some(m),
                kind: ActorType::Service,
                machine: Some(true),
                credential,
            },
            Some(m) => Actor {
                uid: Some(m.clone()),
                name: Some(m),
                kind: ActorType::User,
                machine: Some(false),
                credential,
            },
            None => Actor {
                uid: profile,
                name: None,
                kind: ActorType::Unknown,
                machine: None,
                credential,
            },
        }
    }

    fn apply(&self, e: &mut Event) {
        e.actor_uid = self.uid.clone();
        e.actor_name = self.name.clone();
        e.actor_type = self.kind;
        e.actor_is_machine = self.machine;
        e.credential_uid = self.credential.clone();
    }
}

/// The parameter object named `name` in an entry.
fn param_obj<'v, 'a>(entry: &'v Value<'a>, name: &str) -> Option<&'v Value<'a>> {
    at(entry, &["parameters"])?
        .as_array()?
        .iter()
        .find(|p| str_at(p, &["name"]) == Some(name))
}

/// All values of a parameter as text: `value`, `intValue`, `boolValue`, each item of
/// `multiValue` / `multiIntValue`, and `messageValue` as compact JSON.
fn param_list(entry: &Value<'_>, name: &str) -> Vec<String> {
    let Some(p) = param_obj(entry, name) else {
        return Vec::new();
    };
    for key in ["value", "intValue", "boolValue"] {
        if let Some(s) = string_at(p, &[key]) {
            return vec![s];
        }
    }
    for key in ["multiValue", "multiIntValue"] {
        if let Some(a) = at(p, &[key]).and_then(Value::as_array) {
            return a
                .iter()
                .filter_map(|x| match x {
                    Value::String(s) if !s.is_empty() => Some(s.to_string()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect();
        }
    }
    for key in ["messageValue", "multiMessageValue"] {
        if let Some(m) = at(p, &[key]).filter(|m| !m.is_null()) {
            return vec![m.to_string()];
        }
    }
    Vec::new()
}

/// One parameter as text (several values joined with a space, as OAuth scopes are).
fn param(entry: &Value<'_>, name: &str) -> Option<String> {
    let l = param_list(entry, name);
    (!l.is_empty()).then(|| l.join(" "))
}

fn person(email: String) -> Target {
    let kind = if is_service_account(&email) {
        "service"
    } else {
        "user"
    };
    Target {
        uid: Some(email.clone()),
        name: Some(email),
        kind: Some(kind.into()),
    }
}

/// Targets every entry may name, in order of preference as the primary target.
fn generic_targets(entry: &Value<'_>) -> Vec<Target> {
    let mut t = Vec::new();
    if let Some(u) = param(entry, "USER_EMAIL") {
        t.push(person(u));
    }
    if let Some(g) = param(entry, "GROUP_EMAIL") {
        t.push(Target {
            uid: Some(g.clone()),
            name: Some(g),
            kind: Some("group".into()),
        });
    }
    if let Some(r) = param(entry, "ROLE_NAME") {
        t.push(Target {
            uid: param(entry, "ROLE_ID").or_else(|| Some(r.clone())),
            name: Some(r),
            kind: Some("role".into()),
        });
    }
    if let Some(d) = param(entry, "DOMAIN_NAME") {
        t.push(Target {
            uid: Some(d.clone()),
            name: Some(d),
            kind: Some("domain".into()),
        });
    }
    t
}

/// The OAuth client a `token` entry is about.
fn oauth_client(entry: &Value<'_>) -> Option<Target> {
    let id = param(entry, "client_id")?;
    Some(Target {
        uid: Some(id),
        name: param(entry, "app_name"),
        kind: Some("app".into()),
    })
}

const SETTINGS_TYPES: &[&str] = &[
    "APPLICATION_SETTINGS",
    "SECURITY_SETTINGS",
    "DOMAIN_SETTINGS",
    "EMAIL_SETTINGS",
    "CALENDAR_SETTINGS",
    "GMAIL_SETTINGS",
    "DOCS_SETTINGS",
    "MOBILE_SETTINGS",
    "CHROME_OS_SETTINGS",
    "SYSTEM_DEFAULTS",
    "ORG_SETTINGS",
];

/// Settings changes in the `admin` application: create, update or delete of a policy.
fn settings_action(name: &str, kind: &str) -> Option<Action> {
    let settingish = name.ends_with("_SETTING")
        || name.ends_with("_SETTINGS")
        || matches!(
            name,
            "ENFORCE_STRONG_AUTHENTICATION"
                | "ALLOW_STRONG_AUTHENTICATION"
                | "CHANGE_ALLOWED_TWO_STEP_VERIFICATION_METHODS"
                | "CHANGE_TWO_STEP_VERIFICATION_ENROLLMENT_PERIOD_DURATION"
                | "CHANGE_TWO_STEP_VERIFICATION_FREQUENCY"
                | "CHANGE_TWO_STEP_VERIFICATION_GRACE_PERIOD"
                | "ADD_TRUSTED_DOMAINS"
                | "REMOVE_TRUSTED_DOMAINS"
                | "TOGGLE_SSO_ENABLED"
                | "CHANGE_SSO_SETTINGS"
                | "ADD_MOBILE_APPLICATION_TO_WHITELIST"
                | "REMOVE_MOBILE_APPLICATION_FROM_WHITELIST"
        )
        || SETTINGS_TYPES.contains(&kind);
    if !settingish {
        return None;
    }
    Some(if name.starts_with("CREATE_") {
        Action::PolicyCreate
    } else if name.starts_with("DELETE_") {
        Action::PolicyDelete
    } else {
        Action::PolicyUpdate
    })
}

/// Action, category, targets and privileges of one entry.
fn classify_and_fill(
    e: &mut Event,
    app: &str,
    name: &str,
    kind: &str,
    entry: &Value<'_>,
    scope: &str,
) {
    use Action::*;
    let mut action = Other;
    let mut category: Option<Category> = None;
    match (app, name) {
        ("admin", "ASSIGN_ROLE" | "UNASSIGN_ROLE") => {
            action = if name == "ASSIGN_ROLE" {
                RoleGrant
            } else {
                RoleRevoke
            };
            e.targets = generic_targets(entry);
            e.privilege = param(entry, "ROLE_NAME").or_else(|| param(entry, "ROLE_ID"));
            e.privilege_scope = Some(param(entry, "ORG_UNIT_NAME").unwrap_or_else(|| scope.into()));
        }
        ("admin", "GRANT_ADMIN_PRIVILEGE" | "REVOKE_ADMIN_PRIVILEGE") => {
            action = if name == "GRANT_ADMIN_PRIVILEGE" {
                RoleGrant
            } else {
                RoleRevoke
            };
            e.targets = generic_targets(entry);
            e.privilege = Some("Super Admin".into());
            e.privilege_scope = Some(scope.into());
        }
        ("admin", "CREATE_ROLE" | "DELETE_ROLE" | "RENAME_ROLE" | "UPDATE_ROLE")
        | ("admin", "ADD_PRIVILEGE" | "REMOVE_PRIVILEGE" | "UPDATE_ROLE_PRIVILEGES") => {
            action = match name {
                "CREATE_ROLE" => PolicyCreate,
                "DELETE_ROLE" => PolicyDelete,
                _ => PolicyUpdate,
            };
            e.targets = generic_targets(entry);
            if let Some(p) = param(entry, "PRIVILEGE_NAME") {
                e.privilege = Some(p);
            }
        }
        ("admin", "CREATE_USER" | "DELETE_USER" | "SUSPEND_USER" | "UNSUSPEND_USER")
        | ("admin", "UNDELETE_USER" | "ARCHIVE_USER" | "UNARCHIVE_USER") => {
            action = match name {
                "CREATE_USER" => IdentityCreate,
                "DELETE_USER" => IdentityDelete,
                "SUSPEND_USER" | "ARCHIVE_USER" => IdentityDisable,
                _ => IdentityEnable,
            };
            e.targets = generic_targets(entry);
        }
        ("admin", "CHANGE_PASSWORD") => {
            action = CredentialRotate;
            e.targets = generic_targets(entry);
        }
        ("admin", "AUTHORIZE_API_CLIENT_ACCESS" | "REMOVE_API_CLIENT_ACCESS") => {
            // Domain-wide delegation: API_CLIENT_NAME is the OAuth client id. Authorizing
            // it brings a machine identity into the domain; removing it takes it out.
            action = if name.starts_with("AUTHORIZE") {
                IdentityCreate
            } else {
                IdentityDelete
            };
            if let Some(c) = param(entry, "API_CLIENT_NAME") {
                e.targets.push(Target {
                    uid: Some(c),
                    name: None,
                    kind: Some("app".into()),
                });
            }
            e.privilege = param(entry, "API_SCOPES");
            e.privilege_scope = e.privilege.as_ref().map(|_| scope.to_string());
        }
        ("admin", "ADD_APPLICATION" | "REMOVE_APPLICATION") => {
            action = if name.starts_with("ADD") {
                IdentityCreate
            } else {
                IdentityDelete
            };
            if let Some(a) = param(entry, "APP_ID").or_else(|| param(entry, "APPLICATION_NAME")) {
                e.targets.push(Target {
                    uid: Some(a),
                    name: param(entry, "APPLICATION_NAME"),
                    kind: Some("app".into()),
                });
            }
        }
        ("admin", _) => {
            if let Some(a) = settings_action(name, kind) {
                action = a;
                let setting = param(entry, "SETTING_NAME");
                let application = param(entry, "APPLICATION_NAME");
                e.targets.push(Target {
                    uid: Some(setting.clone().unwrap_or_else(|| name.to_string())),
                    name: match (application, setting) {
                        (Some(a), Some(s)) => Some(format!("{a}: {s}")),
                        (a, s) => a.or(s),
                    },
                    kind: Some("policy".into()),
                });
            } else {
                e.targets = generic_targets(entry);
            }
        }
        ("token", "authorize" | "revoke" | "activity") => {
            let client = oauth_client(entry);
            match name {
                "authorize" => {
                    action = CredentialCreate;
                    e.privilege = param(entry, "scope");
                }
                "revoke" => {
                    action = CredentialRevoke;
                    e.privilege = param(entry, "scope");
                }
                _ => {
                    action = CredentialUse;
                    e.credential_uid = client
                        .as_ref()
                        .and_then(|c| c.uid.clone())
                        .or(e.credential_uid.take());
                }
            }
            e.targets.extend(client);
        }
        ("token", _) => {
            category = Some(Category::Token);
            e.targets.extend(oauth_client(entry));
        }
        ("login" | "saml", _) => {
            category = Some(Category::Authentication);
            e.targets = generic_targets(entry);
            match login_kind(name) {
                LoginKind::SignIn(outcome) => {
                    action = Login;
                    e.outcome = outcome.unwrap_or_else(|| {
                        challenge_outcome(param(entry, "login_challenge_status").as_deref())
                    });
                }
                LoginKind::Warning => {
                    google_acts_on(e, param(entry, "affected_email_address"));
                }
                LoginKind::UserActivity => {}
            }
        }
        _ => {
            e.targets = generic_targets(entry);
        }
    }
    e.action = action;
    e.category = category.unwrap_or(action.category());
    // The Reports API records completed actions; only sign-ins say otherwise (and a
    // `suspicious_login` does not say whether it succeeded).
    if e.outcome == Outcome::Unknown && !(action == Login && matches!(app, "login" | "saml")) {
        e.outcome = Outcome::Success;
    }
    e.fill_primary_target();
    e.target_is_machine = match e.target_type.as_deref() {
        Some("service") | Some("app")
            if !matches!(e.action, PolicyCreate | PolicyUpdate | PolicyDelete) =>
        {
            Some(true)
        }
        Some("user") => Some(false),
        _ => None,
    };
}
