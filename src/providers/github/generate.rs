//! Synthetic GitHub Enterprise Cloud audit logs as audit-log streaming delivers them to
//! object storage: gzip JSON Lines, one object per hour and more when busy,
//! `audit-log-stream/<enterprise>/YYYY/MM/DD/HH/<uuid>.json.gz` (the object naming is
//! ours: FORMATS.md could not verify GitHub's). Events have the streamed shape: epoch
//! millisecond `@timestamp` and `created_at`, `_document_id`, `action`, `actor` /
//! `actor_id` / `actor_is_bot` / `actor_ip` / `actor_location`, `business` and `org`
//! with their ids, `operation_type`, the action's own fields (`repo`, `user`,
//! `permission`, `transport_protocol_name`, ...), and on calls made with a token
//! `programmatic_access_type`, `token_id` and `hashed_token`; about 0.6 KB each.
//!
//! Cast per organization: sixteen people cloning, pushing, opening pull requests and
//! signing in through SAML, some over HTTPS with fine-grained or classic personal access
//! tokens; machine user `<org>-ci` with a classic token; bots `dependabot[bot]`,
//! `github-actions[bot]`, `renovate[bot]` and the organization's `<org>-deployer` app.
//! App installation tokens live an hour and are not named by id in these events, so
//! bots carry no `token_id` (a long-lived token per bot would be made up). Planted:
//! GitHub App `legacy-ci` is installed on day 1, its bot clones daily on days 2-20 and
//! never again (dormant machine identity); fine-grained token `release-automation` is
//! granted access on day 10 and never used (dormant credential); `admin` (owner) is
//! granted to a person on day 12 and to machine user `<org>-ci` on day 35, team
//! maintainer on day 50; a repository ruleset is created on day 20 and updated on day
//! 60; a deploy key is added on day 150. The audit log never shows a deploy key being
//! used (git events name tokens, not SSH keys), so a deploy key added early in the
//! window would always look never used: only a recent one is planted, inside the grace
//! period.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::generate::kit::{Container, Generator, Output, Period, Plan, Planted, Rng, at};
use crate::error::Result;

pub const GENERATOR: Generator = Generator {
    stream: 5,
    generate,
};

const MAX_PER_FILE: u64 = 100_000;
const CONTAINER: Container = Container {
    prefix: "",
    separator: "\n",
    suffix: "\n",
    gzip: true,
};

const DIGITS: &[u8] = b"0123456789";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX: &[u8] = b"0123456789abcdef";
const REPOS: &[&str] = &["api", "web", "infra", "mobile", "data-pipeline", "docs"];

/// A personal access token: (type, id, hash).
struct Token {
    kind: &'static str,
    id: String,
    hash: String,
}

struct Account {
    login: String,
    id: u64,
    ip: String,
    country: &'static str,
    git_agent: &'static str,
    web_agent: &'static str,
    email: String,
    token: Option<Token>,
    bot: bool,
}

struct Cast {
    org: String,
    org_id: u64,
    business: String,
    business_id: u64,
    people: Vec<Account>,
    ci: Account,
    bots: Vec<Account>,
    legacy: Account,
    legacy_installation: u64,
    release_token: Token,
    idp: String,
    ruleset_id: u64,
}

#[derive(Clone)]
enum Plant {
    InstallLegacyApp,
    LegacyClone,
    GrantReleaseToken,
    GrantOwner,
    GrantOwnerToCi,
    PromoteMaintainer,
    CreateRuleset,
    UpdateRuleset,
    AddDeployKey,
}

fn token(rng: &mut Rng, kind: &'static str) -> Token {
    Token {
        kind,
        id: format!("{}{}", 1 + rng.below(9), rng.chars(DIGITS, 8)),
        hash: format!("{}=", rng.chars(BASE64, 43)),
    }
}

fn cast(rng: &mut Rng, t: u32) -> Cast {
    let org = crate::generate::kit::org_name(t);
    const COUNTRIES: &[&str] = &["US", "US", "US", "GB", "DE", "CA", "IN"];
    const GIT: &[&str] = &[
        "git/2.45.2",
        "git/2.39.3 (Apple Git-146)",
        "git/2.46.0.windows.1",
        "JGit/6.10.0",
    ];
    let people = crate::generate::kit::PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (f, l))| {
            let login = format!(
                "{}{}",
                f[..1].to_lowercase(),
                l.to_lowercase().replace(' ', "")
            );
            let token = match i {
                3..=5 => Some(token(rng, "Fine-grained personal access token")),
                6 | 7 => Some(token(rng, "Personal access token (classic)")),
                _ => None,
            };
            Account {
                id: 1_000_000 + rng.below(150_000_000),
                ip: rng.ip(),
                country: rng.pick::<&str>(COUNTRIES),
                git_agent: rng.pick::<&str>(GIT),
                web_agent: rng.pick::<&str>(crate::generate::kit::BROWSER_AGENTS),
                email: format!("{}.{}@{org}.com", f.to_lowercase(), l.to_lowercase()),
                token,
                bot: false,
                login,
            }
        })
        .collect();
    let ci = Account {
        login: format!("{org}-ci"),
        id: 100_000_000 + rng.below(90_000_000),
        ip: rng.ip(),
        country: "US",
        git_agent: "git/2.43.0",
        web_agent: "octokit-rest.js/21.0.2 octokit-core.js/6.1.2 Node.js/20",
        email: format!("ci@{org}.com"),
        token: Some(token(rng, "Personal access token (classic)")),
        bot: false,
    };
    let bot = |login: String, id: u64, agent: &'static str, ip: String| Account {
        login,
        id,
        ip,
        country: "US",
        git_agent: agent,
        web_agent: agent,
        email: String::new(),
        token: None,
        bot: true,
    };
    let bots = vec![
        bot(
            "dependabot[bot]".into(),
            49_699_333,
            "git/dependabot",
            rng.ip(),
        ),
        bot(
            "github-actions[bot]".into(),
            41_898_282,
            "git/2.46.0",
            rng.ip(),
        ),
        bot("renovate[bot]".into(), 29_139_614, "git/2.44.0", rng.ip()),
        bot(
            format!("{org}-deployer[bot]"),
            150_000_000 + rng.below(10_000_000),
            "git/2.43.0",
            rng.ip(),
        ),
    ];
    let legacy = bot(
        "legacy-ci[bot]".into(),
        120_000_000 + rng.below(10_000_000),
        "git/2.17.1",
        "203.0.113.61".into(),
    );
    Cast {
        org_id: 10_000_000 + rng.below(90_000_000),
        business: format!("{org}-corp"),
        business_id: 1_000 + rng.below(90_000),
        people,
        ci,
        bots,
        legacy,
        legacy_installation: 40_000_000 + rng.below(9_000_000),
        release_token: token(rng, "Fine-grained personal access token"),
        idp: format!("https://sts.windows.net/{}/", rng.uuid()),
        ruleset_id: 1_000_000 + rng.below(2_000_000),
        org,
    }
}

fn planted() -> Vec<Planted<Plant>> {
    let mut p = vec![at(1, 10, 0, Plant::InstallLegacyApp)];
    p.extend((2..=20).map(|d| at(d, 5, 15, Plant::LegacyClone)));
    p.push(at(10, 15, 30, Plant::GrantReleaseToken));
    p.push(at(12, 13, 44, Plant::GrantOwner));
    p.push(at(20, 11, 8, Plant::CreateRuleset));
    p.push(at(35, 17, 21, Plant::GrantOwnerToCi));
    p.push(at(50, 14, 2, Plant::PromoteMaintainer));
    p.push(at(60, 9, 55, Plant::UpdateRuleset));
    p.push(at(150, 16, 40, Plant::AddDeployKey));
    p
}

fn generate(plan: &Plan, out: &mut Output) -> Result<()> {
    for t in 0..plan.tenants {
        let mut rng = plan.rng(t);
        let cast = cast(&mut rng, t);
        out.write_streams(
            plan.tenant_events(t),
            planted(),
            &mut rng,
            CONTAINER,
            MAX_PER_FILE,
            Period::Hour,
            |_rng, _planted| 0,
            |rng, _stream, day, time, _part| {
                let (y, m, d) = crate::generate::kit::day_date(day);
                let h = time.rem_euclid(86_400_000_000) / 3_600_000_000;
                PathBuf::from(format!(
                    "audit-log-stream/{}/{y:04}/{m:02}/{d:02}/{h:02}/{}.json.gz",
                    cast.business,
                    rng.uuid()
                ))
            },
            |buf, rng, time, planted, _stream| event(buf, rng, &cast, time, planted),
        )?;
    }
    Ok(())
}

/// The parts of one event that vary.
struct Ev<'a> {
    action: &'a str,
    actor: &'a Account,
    /// `access`, `authentication`, `create`, `modify`, `remove`.
    operation: &'a str,
    /// Whether the actor called with its token.
    with_token: bool,
    /// A bot calling with an installation token.
    app_token: bool,
    web: bool,
    /// Action fields (`"key":value,` each, trailing comma).
    fields: String,
}

fn repo(c: &Cast, name: &str) -> String {
    format!("{}/{name}", c.org)
}

fn event(buf: &mut String, rng: &mut Rng, c: &Cast, time: i64, planted: Option<&Plant>) {
    let admin = &c.people[rng.below(3) as usize];
    let ev = match planted {
        Some(Plant::InstallLegacyApp) => Ev {
            action: "integration_installation.create",
            actor: admin,
            operation: "create",
            with_token: false,
            app_token: false,
            web: true,
            fields: format!(
                r#""integration":"legacy-ci","installation_id":{},"name":"legacy-ci","permissions":{{"contents":"write","metadata":"read","pull_requests":"write","statuses":"write"}},"repository_selection":"all","#,
                c.legacy_installation
            ),
        },
        Some(Plant::LegacyClone) => git(rng, c, &c.legacy, "git.clone", "api"),
        Some(Plant::GrantReleaseToken) => {
            let owner = &c.people[5];
            let t = &c.release_token;
            Ev {
                action: "personal_access_token.access_granted",
                actor: admin,
                operation: "create",
                with_token: false,
                app_token: false,
                web: true,
                fields: format!(
                    r#""token_id":{},"token_name":"release-automation","hashed_token":"{}","programmatic_access_type":"{}","permissions":{{"contents":"write","metadata":"read","pull_requests":"write"}},"repositories":["{}","{}"],"token_expires_at":"{}","user":"{}","user_id":{},"#,
                    t.id,
                    t.hash,
                    t.kind,
                    repo(c, "api"),
                    repo(c, "web"),
                    crate::generate::kit::timestamp(time + 366 * 86_400_000_000, false),
                    owner.login,
                    owner.id
                ),
            }
        }
        Some(Plant::GrantOwner) => update_member(&c.people[0], &c.people[3]),
        Some(Plant::GrantOwnerToCi) => update_member(&c.people[0], &c.ci),
        Some(Plant::PromoteMaintainer) => {
            let p = &c.people[6];
            Ev {
                action: "team.promote_maintainer",
                actor: &c.people[0],
                operation: "modify",
                with_token: false,
                app_token: false,
                web: true,
                fields: format!(
                    r#""team":"{}/platform","user":"{}","user_id":{},"#,
                    c.org, p.login, p.id
                ),
            }
        }
        Some(Plant::CreateRuleset | Plant::UpdateRuleset) => {
            let create = matches!(planted, Some(Plant::CreateRuleset));
            Ev {
                action: if create {
                    "repository_ruleset.create"
                } else {
                    "repository_ruleset.update"
                },
                actor: admin,
                operation: if create { "create" } else { "modify" },
                with_token: false,
                app_token: false,
                web: true,
                fields: format!(
                    r#""ruleset_id":{},"ruleset_name":"protect-main","ruleset_enforcement":"{}","ruleset_source_type":"Organization","ruleset_bypass_actors":[{{"actor_type":"OrganizationAdmin","bypass_mode":"always"}}],"ruleset_rules":[{{"type":"pull_request","parameters":{{"required_approving_review_count":{}}}}},{{"type":"non_fast_forward"}}],"#,
                    c.ruleset_id,
                    if create { "evaluate" } else { "active" },
                    if create { 1 } else { 2 }
                ),
            }
        }
        Some(Plant::AddDeployKey) => Ev {
            action: "public_key.create",
            actor: &c.people[1],
            operation: "create",
            with_token: false,
            app_token: false,
            web: true,
            fields: format!(
                r#""repo":"{r}","repository":"{r}","repository_public":false,"fingerprint":"SHA256:{}","title":"argocd-deploy","read_only":true,"#,
                rng.chars(&BASE64[..62], 43),
                r = repo(c, "infra")
            ),
        },
        None => background(rng, c),
    };
    write_event(buf, rng, c, time, ev);
}

fn update_member<'a>(by: &'a Account, who: &Account) -> Ev<'a> {
    Ev {
        action: "org.update_member",
        actor: by,
        operation: "modify",
        with_token: false,
        app_token: false,
        web: true,
        fields: format!(
            r#""permission":"admin","old_permission":"read","user":"{}","user_id":{},"#,
            who.login, who.id
        ),
    }
}

fn git<'a>(rng: &mut Rng, c: &Cast, actor: &'a Account, action: &'a str, name: &str) -> Ev<'a> {
    let https = actor.bot || actor.token.is_some() && rng.chance(0.8);
    Ev {
        action,
        actor,
        operation: if action == "git.push" {
            "modify"
        } else {
            "access"
        },
        with_token: https && !actor.bot,
        app_token: actor.bot,
        web: false,
        fields: format!(
            r#""repo":"{r}","repository":"{r}","repository_public":false,"transport_protocol":{},"transport_protocol_name":"{}","#,
            if https { 1 } else { 2 },
            if https { "http" } else { "ssh" },
            r = repo(c, name)
        ),
    }
}

fn write_event(buf: &mut String, rng: &mut Rng, c: &Cast, time: i64, ev: Ev<'_>) {
    let ms = time / 1000;
    let a = ev.actor;
    let _ = write!(
        buf,
        r#"{{"@timestamp":{ms},"_document_id":"{}==","action":"{}","actor":"{}","actor_id":{},"actor_ip":"{}","actor_is_bot":{},"actor_location":{{"country_code":"{}"}},"business":"{}","business_id":{},"created_at":{ms},"#,
        rng.chars(BASE64, 22),
        ev.action,
        a.login,
        a.id,
        a.ip,
        a.bot,
        a.country,
        c.business,
        c.business_id,
    );
    buf.push_str(&ev.fields);
    if ev.with_token {
        if let Some(t) = &a.token {
            let _ = write!(
                buf,
                r#""hashed_token":"{}","programmatic_access_type":"{}","token_id":{},"#,
                t.hash, t.kind, t.id
            );
        }
    } else if ev.app_token {
        buf.push_str(r#""programmatic_access_type":"GitHub App server-to-server token","#);
    }
    let _ = write!(
        buf,
        r#""operation_type":"{}","org":"{}","org_id":{},"request_id":"{}:{}:{}:{}:{}","user_agent":"{}"}}"#,
        ev.operation,
        c.org,
        c.org_id,
        rng.chars(b"0123456789ABCDEF", 4),
        rng.chars(b"0123456789ABCDEF", 6),
        rng.chars(b"0123456789ABCDEF", 7),
        rng.chars(b"0123456789ABCDEF", 7),
        rng.chars(b"0123456789ABCDEF", 8),
        if ev.web { a.web_agent } else { a.git_agent },
    );
}

fn background<'a>(rng: &mut Rng, c: &'a Cast) -> Ev<'a> {
    // clone, fetch, push, pull request, workflow run, SSO sign-in, zip download by the
    // machine user, repo member added, team member added, branch protection override
    const WEIGHTS: &[u32] = &[22, 18, 12, 10, 8, 9, 3, 2, 2, 1];
    let p = &c.people[rng.below(c.people.len() as u64) as usize];
    let name = *rng.pick(REPOS);
    // Who touches git: people (most), the machine user, bots.
    let gitter = |rng: &mut Rng| -> &'a Account {
        match rng.weighted(&[60, 12, 28]) {
            0 => &c.people[rng.below(c.people.len() as u64) as usize],
            1 => &c.ci,
            _ => &c.bots[rng.below(c.bots.len() as u64) as usize],
        }
    };
    match rng.weighted(WEIGHTS) {
        0 => {
            let a = gitter(rng);
            git(rng, c, a, "git.clone", name)
        }
        1 => {
            let a = gitter(rng);
            git(rng, c, a, "git.fetch", name)
        }
        2 => {
            let a = gitter(rng);
            git(rng, c, a, "git.push", name)
        }
        3 => {
            let (actor, action) = if rng.chance(0.25) {
                (&c.bots[0], "pull_request.create")
            } else if rng.chance(0.5) {
                (p, "pull_request.create")
            } else {
                (p, "pull_request.merge")
            };
            let number = 1 + rng.below(4000);
            Ev {
                action,
                actor,
                operation: if action.ends_with("create") {
                    "create"
                } else {
                    "modify"
                },
                with_token: false,
                app_token: actor.bot,
                web: true,
                fields: format!(
                    r#""repo":"{r}","repository":"{r}","repository_public":false,"pull_request_id":{},"pull_request_title":"{}","pull_request_url":"https://github.com/{r}/pull/{number}","#,
                    2_000_000_000 + rng.below(100_000_000),
                    if actor.bot {
                        "Bump the npm_and_yarn group across 1 directory with 3 updates"
                    } else {
                        "Refactor session handling"
                    },
                    r = repo(c, name)
                ),
            }
        }
        4 => Ev {
            action: "workflows.created_workflow_run",
            actor: p,
            operation: "create",
            with_token: false,
            app_token: false,
            web: true,
            fields: format!(
                r#""repo":"{r}","repository":"{r}","repository_public":false,"workflow_id":{},"workflow_run_id":{},"name":"CI","head_branch":"main","head_sha":"{}","event":"push","trigger_id":{},"#,
                90_000_000 + rng.below(1_000_000),
                10_000_000_000 + rng.below(1_000_000_000),
                rng.chars(HEX, 40),
                rng.below(1_000_000_000),
                r = repo(c, name)
            ),
        },
        5 => Ev {
            action: "org.sso_response",
            actor: p,
            operation: "authentication",
            with_token: false,
            app_token: false,
            web: true,
            fields: format!(
                r#""external_identity_nameid":"{e}","external_identity_username":"{e}","issuer":"{}","#,
                c.idp,
                e = p.email
            ),
        },
        6 => Ev {
            action: "repo.download_zip",
            actor: &c.ci,
            operation: "access",
            with_token: true,
            app_token: false,
            web: false,
            fields: format!(
                r#""repo":"{r}","repository":"{r}","repository_public":false,"#,
                r = repo(c, name)
            ),
        },
        7 => {
            let admin = &c.people[rng.below(3) as usize];
            Ev {
                action: "repo.add_member",
                actor: admin,
                operation: "modify",
                with_token: false,
                app_token: false,
                web: true,
                fields: format!(
                    r#""repo":"{r}","repository":"{r}","repository_public":false,"permission":"write","user":"{}","user_id":{},"#,
                    p.login,
                    p.id,
                    r = repo(c, name)
                ),
            }
        }
        8 => {
            let admin = &c.people[rng.below(3) as usize];
            let team = *rng.pick(&["backend", "frontend", "platform", "data"]);
            Ev {
                action: "team.add_member",
                actor: admin,
                operation: "modify",
                with_token: false,
                app_token: false,
                web: true,
                fields: format!(
                    r#""team":"{}/{team}","user":"{}","user_id":{},"#,
                    c.org, p.login, p.id
                ),
            }
        }
        _ => {
            let admin = &c.people[rng.below(3) as usize];
            Ev {
                action: "protected_branch.policy_override",
                actor: admin,
                operation: "modify",
                with_token: false,
                app_token: false,
                web: false,
                fields: format!(
                    r#""repo":"{r}","repository":"{r}","repository_public":false,"branch":"main","overridden_codes":["required_status_checks"],"reasons":[{{"code":"required_status_checks","message":"Required status check \"build\" is expected."}}],"#,
                    r = repo(c, name)
                ),
            }
        }
    }
}
