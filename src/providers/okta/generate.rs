//! Synthetic Okta System Log exports: JSON arrays of LogEvent objects as
//! `GET /api/v1/logs` returns them, ascending by `published`, one file per day
//! (`system-log-YYYY-MM-DD.json`, more parts on very busy days) under
//! `tenant=<org>.okta.com/`, since Okta events do not name their org.
//!
//! Cast per org: sixteen people signing in to Okta and SSO apps with MFA; OAuth service
//! apps (`PublicClientApp`) getting client-credentials tokens; the API token of
//! `svc-terraform@` calling the management API; the Okta system principal applying
//! group rules. Planted: OAuth service app `Legacy HR Sync` is created on day 2, gets
//! tokens on days 3-24 and never again (dormant machine identity); API token
//! `siem-log-pull` is created on day 8 and never used (dormant credential); a Super
//! administrator grant on day 12, `Organization administrator` granted to the
//! `ServiceNow Provisioner` app on day 35, a sign-on policy and rule on day 20.
//! Delegated admins, exercised and not: two help-desk people outside the background
//! cast, `riley.chen@` and `sam.patel@`, are granted `Help Desk Administrator`
//! (`user.account.privilege.grant`, `debugData.privilegeGranted`) on days 15 and 16;
//! Riley resets other people's passwords (`user.account.reset_password`, Riley the
//! actor, the person the target) every third day from day 17 to day 74, Sam only signs
//! in (weekly, to the end of the window) and never uses the role.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::generate::kit::{ALNUM, Container, Generator, Output, Plan, Planted, Rng, at};
use crate::error::Result;

pub const GENERATOR: Generator = Generator {
    stream: 1,
    generate,
};

const MAX_PER_FILE: u64 = 50_000;
const CONTAINER: Container = Container {
    prefix: "[\n",
    separator: ",\n",
    suffix: "\n]\n",
    gzip: false,
};

struct Person {
    id: String,
    login: String,
    name: String,
    agent: &'static str,
    ip: String,
}

struct App {
    id: String,
    name: &'static str,
    /// Custom authorization server id (`None`: the org server).
    server: Option<String>,
    scopes: &'static str,
    agent: &'static str,
    ip: String,
}

struct Cast {
    domain: String,
    people: Vec<Person>,
    apps: Vec<App>,
    sso_apps: Vec<(String, &'static str)>,
    legacy: App,
    terraform: Person,
    terraform_token: String,
    siem_token: String,
    system_id: String,
    groups: Vec<(String, &'static str)>,
    policy: (String, String),
    /// Help-desk people granted a delegated admin role: Riley uses it, Sam never does.
    /// Not in `people`, so the background never has them act.
    helpdesk: [Person; 2],
}

#[derive(Clone)]
enum Plant {
    CreateLegacyApp,
    LegacyToken,
    CreateSiemToken,
    GrantSuperAdmin,
    GrantAppAdmin,
    CreatePolicy,
    AddPolicyRule,
    /// `Help Desk Administrator` granted to `helpdesk[i]`.
    GrantHelpDesk(usize),
    /// `helpdesk[0]` resets the password of `people[i]`.
    ResetPassword(usize),
    /// `helpdesk[i]` signs in to Okta.
    HelpDeskSignIn(usize),
}

/// The delegated admin role granted to the help-desk people.
const HELP_DESK_ROLE: &str = "Help Desk Administrator";

fn okta_id(rng: &mut Rng, prefix: &str) -> String {
    format!("{prefix}{}1h7", rng.chars(ALNUM, 14))
}

fn cast(rng: &mut Rng, t: u32) -> Cast {
    let org = crate::generate::kit::org_name(t);
    let people = crate::generate::kit::PEOPLE
        .iter()
        .map(|(f, l)| Person {
            id: okta_id(rng, "00u"),
            login: format!("{}.{}@{org}.com", f.to_lowercase(), l.to_lowercase()),
            name: format!("{f} {l}"),
            agent: *rng.pick(crate::generate::kit::BROWSER_AGENTS),
            ip: rng.ip(),
        })
        .collect();
    let app = |rng: &mut Rng,
               name: &'static str,
               custom: bool,
               scopes: &'static str,
               agent: &'static str| App {
        id: okta_id(rng, "0oa"),
        name,
        server: custom.then(|| okta_id(rng, "aus")),
        scopes,
        agent,
        ip: rng.ip(),
    };
    let apps = vec![
        app(
            rng,
            "Reporting ETL",
            true,
            "reports.read",
            "python-requests/2.32.3",
        ),
        app(
            rng,
            "ServiceNow Provisioner",
            false,
            "okta.users.manage okta.groups.manage",
            "ServiceNow/1.0 (Okta Spoke)",
        ),
        app(
            rng,
            "Datadog Log Pull",
            false,
            "okta.logs.read",
            "Datadog Agent/7.57.2",
        ),
        app(rng, "SCIM Bridge", true, "scim.write", "okhttp/4.12.0"),
    ];
    let legacy = app(
        rng,
        "Legacy HR Sync",
        false,
        "okta.users.read",
        "Java/1.8.0_392",
    );
    let sso_apps = [
        "Slack",
        "Salesforce.com",
        "AWS IAM Identity Center",
        "GitHub Enterprise Cloud",
        "Zoom",
        "Google Workspace",
    ]
    .into_iter()
    .map(|n| (okta_id(rng, "0oa"), n))
    .collect();
    let terraform = Person {
        id: okta_id(rng, "00u"),
        login: format!("svc-terraform@{org}.com"),
        name: "Terraform Service Account".into(),
        agent: "okta-sdk-golang/2.20.0 golang/go1.22.5 linux/amd64 terraform/1.9.5",
        ip: rng.ip(),
    };
    let groups = [
        "All Employees",
        "Engineering",
        "Sales",
        "Contractors",
        "Finance",
    ]
    .into_iter()
    .map(|n| (okta_id(rng, "00g"), n))
    .collect();
    let helpdesk = [("Riley", "Chen"), ("Sam", "Patel")].map(|(f, l)| Person {
        id: okta_id(rng, "00u"),
        login: format!("{}.{}@{org}.com", f.to_lowercase(), l.to_lowercase()),
        name: format!("{f} {l}"),
        agent: *rng.pick(crate::generate::kit::BROWSER_AGENTS),
        ip: rng.ip(),
    });
    Cast {
        domain: format!("{org}.okta.com"),
        people,
        apps,
        sso_apps,
        legacy,
        terraform,
        terraform_token: okta_id(rng, "00T"),
        siem_token: okta_id(rng, "00T"),
        system_id: okta_id(rng, "0oa"),
        groups,
        policy: (okta_id(rng, "00p"), okta_id(rng, "0pr")),
        helpdesk,
    }
}

fn planted() -> Vec<Planted<Plant>> {
    let mut p = vec![at(2, 15, 12, Plant::CreateLegacyApp)];
    p.extend((3..=24).map(|d| at(d, 6, 38, Plant::LegacyToken)));
    p.push(at(8, 9, 5, Plant::CreateSiemToken));
    p.push(at(12, 13, 44, Plant::GrantSuperAdmin));
    p.push(at(20, 10, 2, Plant::CreatePolicy));
    p.push(at(20, 10, 4, Plant::AddPolicyRule));
    p.push(at(35, 17, 21, Plant::GrantAppAdmin));
    p.push(at(15, 11, 2, Plant::GrantHelpDesk(0)));
    p.push(at(16, 11, 10, Plant::GrantHelpDesk(1)));
    // Riley: resets passwords of people 3..16 in turn, within the dormant window of
    // the grant; signs in on the same days.
    for (k, d) in (17..=74).step_by(3).enumerate() {
        p.push(at(d, 8, 55, Plant::HelpDeskSignIn(0)));
        p.push(at(d, 10, 15, Plant::ResetPassword(3 + k % 13)));
    }
    // Sam: signs in every week to the end of the window, never uses the role.
    p.extend(
        (16..180)
            .step_by(7)
            .map(|d| at(d, 9, 5, Plant::HelpDeskSignIn(1))),
    );
    p
}

fn generate(plan: &Plan, out: &mut Output) -> Result<()> {
    for t in 0..plan.tenants {
        let mut rng = plan.rng(t);
        let cast = cast(&mut rng, t);
        out.write_tenant(
            plan.tenant_events(t),
            planted(),
            &mut rng,
            CONTAINER,
            MAX_PER_FILE,
            |_rng, day, _time, part| {
                let (y, m, d) = crate::generate::kit::day_date(day);
                let suffix = if part > 1 {
                    format!("-{part:04}")
                } else {
                    String::new()
                };
                PathBuf::from(format!(
                    "tenant={}/system-log-{y:04}-{m:02}-{d:02}{suffix}.json",
                    cast.domain
                ))
            },
            |buf, rng, time, planted| event(buf, rng, &cast, time, planted),
        )?;
    }
    Ok(())
}

/// The parts of one LogEvent that vary.
struct Ev<'a> {
    actor: String,
    agent: &'a str,
    ip: String,
    event_type: &'a str,
    message: &'a str,
    legacy_type: Option<&'a str>,
    result: &'a str,
    reason: Option<&'a str>,
    debug: String,
    token: Option<&'a str>,
    targets: String,
}

fn user_actor(p: &Person) -> String {
    format!(
        r#"{{"id":"{}","type":"User","alternateId":"{}","displayName":"{}","detailEntry":null}}"#,
        p.id, p.login, p.name
    )
}

fn app_actor(a: &App) -> String {
    format!(
        r#"{{"id":"{id}","type":"PublicClientApp","alternateId":"{id}","displayName":"{}","detailEntry":null}}"#,
        a.name,
        id = a.id
    )
}

fn user_target(p: &Person) -> String {
    format!(
        r#"{{"id":"{}","type":"User","alternateId":"{}","displayName":"{}","detailEntry":null}}"#,
        p.id, p.login, p.name
    )
}

fn request_id(rng: &mut Rng) -> String {
    rng.chars(ALNUM, 27)
}

fn token_grant<'a>(rng: &mut Rng, a: &'a App, time: i64) -> Ev<'a> {
    let (event_type, uri) = match &a.server {
        Some(s) => (
            "app.oauth2.as.token.grant.access_token",
            format!("/oauth2/{s}/v1/token"),
        ),
        None => (
            "app.oauth2.token.grant.access_token",
            "/oauth2/v1/token".to_string(),
        ),
    };
    Ev {
        actor: app_actor(a),
        agent: a.agent,
        ip: a.ip.clone(),
        event_type,
        message: "OAuth2 access token is granted",
        legacy_type: None,
        result: "SUCCESS",
        reason: None,
        debug: format!(
            r#""grantType":"client_credentials","requestedScopes":"{s}","grantedScopes":"{s}","clientAuthType":"private_key_jwt","requestUri":"{uri}","url":"{uri}?","threatSuspected":"false""#,
            s = a.scopes
        ),
        token: None,
        targets: format!(
            r#"{{"id":"AT.{}","type":"access_token","alternateId":null,"displayName":"Access Token","detailEntry":{{"expires":"{}","subject":"{}","hash":"{}"}}}}"#,
            rng.chars(ALNUM, 40),
            crate::generate::kit::timestamp(time + 3_600_000_000, false),
            a.id,
            rng.chars(ALNUM, 22)
        ),
    }
}

fn event(buf: &mut String, rng: &mut Rng, c: &Cast, time: i64, planted: Option<&Plant>) {
    let admin = &c.people[rng.below(3) as usize];
    let ev = match planted {
        Some(Plant::CreateLegacyApp) => Ev {
            actor: user_actor(admin),
            agent: admin.agent,
            ip: admin.ip.clone(),
            event_type: "app.oauth2.client.lifecycle.create",
            message: "Create OAuth client",
            legacy_type: None,
            result: "SUCCESS",
            reason: None,
            debug: r#""requestUri":"/api/v1/apps""#.into(),
            token: None,
            targets: format!(
                r#"{{"id":"{id}","type":"PublicClientApp","alternateId":"{id}","displayName":"{}","detailEntry":{{"applicationType":"service","grantTypes":"client_credentials"}}}}"#,
                c.legacy.name,
                id = c.legacy.id
            ),
        },
        Some(Plant::LegacyToken) => token_grant(rng, &c.legacy, time),
        Some(Plant::CreateSiemToken) => Ev {
            actor: user_actor(admin),
            agent: admin.agent,
            ip: admin.ip.clone(),
            event_type: "system.api_token.create",
            message: "Create API token",
            legacy_type: Some("api.token.create"),
            result: "SUCCESS",
            reason: None,
            debug: r#""requestUri":"/api/internal/tokens""#.into(),
            token: None,
            targets: format!(
                r#"{{"id":"{}","type":"Token","alternateId":"unknown","displayName":"siem-log-pull","detailEntry":null}}"#,
                c.siem_token
            ),
        },
        Some(Plant::GrantSuperAdmin) => {
            grant_user_privilege(c, &c.people[3], "Super administrator")
        }
        Some(Plant::GrantAppAdmin) => {
            let a = &c.apps[1];
            Ev {
                actor: user_actor(&c.people[0]),
                agent: c.people[0].agent,
                ip: c.people[0].ip.clone(),
                event_type: "app.oauth2.client.privilege.grant",
                message: "Grant client privilege",
                legacy_type: None,
                result: "SUCCESS",
                reason: None,
                debug: format!(
                    r#""privilegeGranted":"Organization administrator","requestUri":"/oauth2/v1/clients/{id}/roles","url":"/oauth2/v1/clients/{id}/roles""#,
                    id = a.id
                ),
                token: None,
                targets: format!(
                    r#"{{"id":"{id}","type":"PublicClientApp","alternateId":"{id}","displayName":"{}","detailEntry":null}}"#,
                    a.name,
                    id = a.id
                ),
            }
        }
        Some(Plant::GrantHelpDesk(i)) => grant_user_privilege(c, &c.helpdesk[*i], HELP_DESK_ROLE),
        Some(Plant::ResetPassword(i)) => {
            let a = &c.helpdesk[0];
            let p = &c.people[*i];
            Ev {
                actor: user_actor(a),
                agent: a.agent,
                ip: a.ip.clone(),
                event_type: "user.account.reset_password",
                message: "Reset password for user",
                legacy_type: Some("core.user.config.user_status.password_reset"),
                result: "SUCCESS",
                reason: None,
                debug: format!(
                    r#""requestUri":"/api/v1/users/{id}/lifecycle/reset_password","url":"/api/v1/users/{id}/lifecycle/reset_password?sendEmail=true","threatSuspected":"false""#,
                    id = p.id
                ),
                token: None,
                targets: user_target(p),
            }
        }
        Some(Plant::HelpDeskSignIn(i)) => {
            let p = &c.helpdesk[*i];
            Ev {
                actor: user_actor(p),
                agent: p.agent,
                ip: p.ip.clone(),
                event_type: "user.session.start",
                message: "User login to Okta",
                legacy_type: Some("core.user_auth.login_success"),
                result: "SUCCESS",
                reason: None,
                debug: r#""requestUri":"/idp/idx/identify","url":"/idp/idx/identify?","threatSuspected":"false""#.into(),
                token: None,
                targets: String::new(),
            }
        }
        Some(Plant::CreatePolicy) => policy_event(c, admin, "policy.lifecycle.create", false),
        Some(Plant::AddPolicyRule) => policy_event(c, admin, "policy.rule.add", true),
        None => background(rng, c, time),
    };
    let rid = request_id(rng);
    let _ = write!(
        buf,
        r#"{{"actor":{},"client":{{"userAgent":{{"rawUserAgent":"{}","os":"Unknown","browser":"UNKNOWN"}},"zone":"null","device":"Unknown","id":null,"ipAddress":"{ip}","geographicalContext":{{"city":"Ashburn","state":"Virginia","country":"United States","postalCode":"20147","geolocation":{{"lat":39.0437,"lon":-77.4875}}}}}},"device":null,"authenticationContext":{{"authenticationProvider":null,"credentialProvider":null,"credentialType":null,"issuer":null,"interface":null,"authenticationStep":0,"rootSessionId":"unknown","externalSessionId":"unknown"}},"displayMessage":"{}","eventType":"{}","outcome":{{"result":"{}","reason":{}}},"published":"{}","securityContext":{{"asNumber":{},"asOrg":"example networks","isp":"example networks","domain":"example.net","isProxy":false}},"severity":"{}","debugContext":{{"debugData":{{{},"requestId":"{rid}"}}}},"legacyEventType":{},"transaction":{{"type":"WEB","id":"{rid}","detail":{{{}}}}},"uuid":"{}","version":"0","request":{{"ipChain":[{{"ip":"{ip}","geographicalContext":{{"city":"Ashburn","state":"Virginia","country":"United States","postalCode":"20147","geolocation":{{"lat":39.0437,"lon":-77.4875}}}},"version":"V4","source":null}}]}},"target":[{}]}}"#,
        ev.actor,
        ev.agent,
        ev.message,
        ev.event_type,
        ev.result,
        ev.reason.map_or("null".to_string(), |r| format!("\"{r}\"")),
        crate::generate::kit::timestamp(time, true),
        64500 + rng.below(10),
        if ev.result == "FAILURE" {
            "WARN"
        } else {
            "INFO"
        },
        ev.debug,
        ev.legacy_type
            .map_or("null".to_string(), |r| format!("\"{r}\"")),
        ev.token
            .map_or(String::new(), |t| format!(r#""requestApiTokenId":"{t}""#)),
        rng.uuid(),
        ev.targets,
        ip = ev.ip,
    );
}

/// The org's first admin granting `role` to `p` (`user.account.privilege.grant`).
fn grant_user_privilege<'a>(c: &'a Cast, p: &'a Person, role: &str) -> Ev<'a> {
    Ev {
        actor: user_actor(&c.people[0]),
        agent: c.people[0].agent,
        ip: c.people[0].ip.clone(),
        event_type: "user.account.privilege.grant",
        message: "Grant user privilege",
        legacy_type: None,
        result: "SUCCESS",
        reason: None,
        debug: format!(
            r#""privilegeGranted":"{role}","requestUri":"/api/internal/administrators/{id}","url":"/api/internal/administrators/{id}","threatSuspected":"false""#,
            id = p.id
        ),
        token: None,
        targets: user_target(p),
    }
}

fn policy_event<'a>(c: &'a Cast, admin: &'a Person, event_type: &'a str, rule: bool) -> Ev<'a> {
    let (pid, rid) = &c.policy;
    let policy = format!(
        r#"{{"id":"{pid}","type":"PolicyEntity","alternateId":"unknown","displayName":"Contractor Sign-On Policy","detailEntry":{{"policyType":"OKTA_SIGN_ON"}}}}"#
    );
    let targets = if rule {
        format!(
            r#"{{"id":"{rid}","type":"PolicyRule","alternateId":"{rid}","displayName":"Contractors require MFA","detailEntry":{{"policyRuleFactorMode":"2FA"}}}},{policy}"#
        )
    } else {
        policy
    };
    let (message, uri) = match event_type {
        "policy.lifecycle.create" => ("Create policy", "/api/v1/policies".to_string()),
        "policy.lifecycle.update" => ("Update policy", format!("/api/v1/policies/{pid}")),
        "policy.rule.add" => ("Add policy rule", format!("/api/v1/policies/{pid}/rules")),
        _ => (
            "Update policy rule",
            format!("/api/v1/policies/{pid}/rules/{rid}"),
        ),
    };
    Ev {
        actor: user_actor(admin),
        agent: admin.agent,
        ip: admin.ip.clone(),
        event_type,
        message,
        legacy_type: None,
        result: "SUCCESS",
        reason: None,
        debug: format!(r#""requestUri":"{uri}""#),
        token: None,
        targets,
    }
}

fn background<'a>(rng: &mut Rng, c: &'a Cast, time: i64) -> Ev<'a> {
    // session start, sso, mfa, sign-on policy, failed login, token grant, API token
    // call, group rule, policy change
    const WEIGHTS: &[u32] = &[18, 20, 10, 8, 2, 25, 10, 5, 1];
    let p = &c.people[3 + rng.below(c.people.len() as u64 - 3) as usize];
    let person = |event_type, message, result, reason, debug: String, targets| Ev {
        actor: user_actor(p),
        agent: p.agent,
        ip: p.ip.clone(),
        event_type,
        message,
        legacy_type: None,
        result,
        reason,
        debug,
        token: None,
        targets,
    };
    match rng.weighted(WEIGHTS) {
        0 => person(
            "user.session.start",
            "User login to Okta",
            "SUCCESS",
            None,
            r#""requestUri":"/idp/idx/authenticators/poll","url":"/idp/idx/authenticators/poll?","threatSuspected":"false""#.into(),
            String::new(),
        ),
        1 => {
            let (id, name) = rng.pick(&c.sso_apps);
            person(
                "user.authentication.sso",
                "User single sign on to app",
                "SUCCESS",
                None,
                format!(r#""requestUri":"/app/{id}/sso/saml","initiationType":"IDP_INITIATED""#),
                format!(
                    r#"{{"id":"{id}","type":"AppInstance","alternateId":"{name}","displayName":"{name}","detailEntry":{{"signOnModeType":"SAML_2_0"}}}},{{"id":"0ua{}1h7","type":"AppUser","alternateId":"{}","displayName":"{}","detailEntry":null}}"#,
                    rng.chars(ALNUM, 14),
                    p.login,
                    p.name
                ),
            )
        }
        2 => person(
            "user.authentication.auth_via_mfa",
            "Authentication of user via MFA",
            "SUCCESS",
            None,
            r#""factor":"OKTA_VERIFY_PUSH","requestUri":"/idp/idx/challenge/answer""#.into(),
            format!(
                r#"{{"id":"opf{}1h7","type":"AuthenticatorEnrollment","alternateId":"unknown","displayName":"Okta Verify","detailEntry":null}}"#,
                rng.chars(ALNUM, 14)
            ),
        ),
        3 => person(
            "policy.evaluate_sign_on",
            "Evaluation of sign-on policy",
            "ALLOW",
            Some("Sign-on policy evaluation resulted in ALLOW"),
            r#""behaviors":"{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=NEGATIVE}","requestUri":"/idp/idx/identify""#.into(),
            format!(
                r#"{{"id":"{}","type":"PolicyEntity","alternateId":"unknown","displayName":"Default Policy","detailEntry":{{"policyType":"OKTA_SIGN_ON"}}}}"#,
                c.policy.0
            ),
        ),
        4 => person(
            "user.session.start",
            "User login to Okta",
            "FAILURE",
            Some("INVALID_CREDENTIALS"),
            r#""requestUri":"/idp/idx/identify","url":"/idp/idx/identify?","threatSuspected":"false""#.into(),
            String::new(),
        ),
        5 => {
            let a = rng.pick(&c.apps);
            token_grant(rng, a, time)
        }
        6 => {
            let target = rng.pick(&c.people);
            let (gid, gname) = rng.pick(&c.groups);
            let t = &c.terraform;
            if rng.chance(0.5) {
                Ev {
                    actor: user_actor(t),
                    agent: t.agent,
                    ip: t.ip.clone(),
                    event_type: "group.user_membership.add",
                    message: "Add user to group membership",
                    legacy_type: Some("core.user_group_member.user_add"),
                    result: "SUCCESS",
                    reason: None,
                    debug: format!(r#""requestUri":"/api/v1/groups/{gid}/users/{}""#, target.id),
                    token: Some(&c.terraform_token),
                    targets: format!(
                        r#"{},{{"id":"{gid}","type":"UserGroup","alternateId":"unknown","displayName":"{gname}","detailEntry":null}}"#,
                        user_target(target)
                    ),
                }
            } else {
                Ev {
                    actor: user_actor(t),
                    agent: t.agent,
                    ip: t.ip.clone(),
                    event_type: "user.account.update_profile",
                    message: "Update user profile for Okta",
                    legacy_type: None,
                    result: "SUCCESS",
                    reason: None,
                    debug: format!(
                        r#""requestUri":"/api/v1/users/{}","changedAttributes":"department,costCenter""#,
                        target.id
                    ),
                    token: Some(&c.terraform_token),
                    targets: user_target(target),
                }
            }
        }
        7 => {
            let target = rng.pick(&c.people);
            let (gid, gname) = &c.groups[0];
            Ev {
                actor: format!(
                    r#"{{"id":"{}","type":"SystemPrincipal","alternateId":"system@okta.com","displayName":"Okta System","detailEntry":null}}"#,
                    c.system_id
                ),
                agent: "Okta-Integrations",
                ip: "192.0.2.10".into(),
                event_type: "group.user_membership.add",
                message: "Add user to group membership",
                legacy_type: Some("core.user_group_member.user_add"),
                result: "SUCCESS",
                reason: None,
                debug: format!(r#""triggeredByGroupRuleId":"0pr{}1h7""#, rng.chars(ALNUM, 14)),
                token: None,
                targets: format!(
                    r#"{},{{"id":"{gid}","type":"UserGroup","alternateId":"unknown","displayName":"{gname}","detailEntry":null}}"#,
                    user_target(target)
                ),
            }
        }
        _ => {
            let admin = &c.people[rng.below(3) as usize];
            let (t, rule) = if rng.chance(0.5) {
                ("policy.lifecycle.update", false)
            } else {
                ("policy.rule.update", true)
            };
            policy_event(c, admin, t, rule)
        }
    }
}
