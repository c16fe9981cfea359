//! Synthetic Google Workspace exports: Admin SDK Reports API `activities.list` pages,
//! `{"kind":"admin#reports#activities","items":[..]}`, one series per application
//! (`admin`, `token`, `login`, and `meet` for planted activities only: the API lists
//! one application at a time), at most 1,000 activities a page (the API's
//! `maxResults` limit), one page file or more per day:
//! `reports/<domain>/<application>/YYYY-MM-DD-NNNN.json`. Activities have the native
//! shape (`id{time,uniqueQualifier,applicationName,customerId}`, `etag`, `actor`,
//! `ipAddress`, `events[{type,name,parameters[]}]`), about 0.7 KB each.
//!
//! The mapper makes one event row per `events[]` entry; every activity here carries
//! exactly one entry (as most admin, token and login activities do), so `--events N`
//! writes N activities and N rows.
//!
//! Cast per customer: sixteen people signing in (password and 2-step verification);
//! three of them super admins changing settings, users and groups; OAuth clients
//! (`Slack`, `Zoom`, `Salesforce`, `Google Chrome`, `Miro`) authorized by people and
//! calling Google APIs for them (`token` `activity`); service accounts with domain-wide
//! delegation `directory-sync@` and `gam-automation@` changing group memberships and
//! org units. Planted: service account `legacy-hr-sync@` is authorized for domain-wide
//! delegation on day 1, acts daily on days 2-20 and never again (dormant machine
//! identity); OAuth client `Legacy Expense Scanner` is authorized by a person on day 3
//! and used on days 3-18 only (dormant credential: the Reports API logs an
//! authorization against the OAuth client, not as a credential of its own, so a token
//! authorized and never used cannot be shown; a client used and then abandoned can);
//! the super admin role `_SEED_ADMIN_ROLE` granted to a person on day 12 and
//! `_GROUPS_ADMIN_ROLE` to service account `directory-sync@` on day 35 (a machine
//! holding an admin role); 2-step verification enforced on day 20. Cases that must not
//! be misread: an anonymous Meet participant (`meet` `call_ended` with actor
//! `{"callerType":"KEY","key":"HANGOUTS_EXTERNAL_OR_ANONYMOUS"}`) on day 6, once, beside
//! the organizer's own `call_ended` (a person from outside, not a machine identity, so
//! never a dormant one); OAuth client `Grammarly` authorized by one person on day 25,
//! used on days 25-40 and revoked by that person on day 44 (a revoked grant: not a
//! dormant credential); OAuth client `Lucidchart`, with a numeric client id, authorized
//! by another person on day 28, used on days 28-45 and never revoked (a dormant grant,
//! to be named by its `app_name`).

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::generate::kit::{ALNUM, Container, Generator, Output, Period, Plan, Planted, Rng, at};
use crate::error::Result;

pub const GENERATOR: Generator = Generator {
    stream: 3,
    generate,
};

/// `maxResults` is at most 1,000.
const MAX_PER_FILE: u64 = 1_000;
const CONTAINER: Container = Container {
    prefix: "{\"kind\":\"admin#reports#activities\",\"items\":[\n",
    separator: ",\n",
    suffix: "\n]}\n",
    gzip: false,
};

/// Streams: one per application, in `APPLICATIONS` order.
const ADMIN: usize = 0;
const TOKEN: usize = 1;
const LOGIN: usize = 2;
/// Only planted activities (the anonymous participant's call).
const MEET: usize = 3;
const APPLICATIONS: &[&str] = &["admin", "token", "login", "meet"];
/// Background activities of `admin`, `token` and `login`.
const STREAM_WEIGHTS: &[u32] = &[20, 42, 38];

const DIGITS: &[u8] = b"0123456789";

struct Person {
    email: String,
    profile: String,
    agent_ip: String,
    asn: u32,
    region: (&'static str, &'static str),
}

/// A service account acting in the domain (domain-wide delegation): its email and its
/// unique id, which is also its OAuth client id.
struct ServiceAccount {
    email: String,
    client_id: String,
    ip: String,
}

/// An OAuth client people authorize: (name, client id, client type, API, methods).
struct Client {
    name: &'static str,
    id: String,
    kind: &'static str,
    api: &'static str,
    bucket: &'static str,
    methods: &'static [&'static str],
    scopes: &'static [&'static str],
}

struct Cast {
    customer: String,
    domain: String,
    people: Vec<Person>,
    sync: ServiceAccount,
    gam: ServiceAccount,
    legacy: ServiceAccount,
    clients: Vec<Client>,
    legacy_client: Client,
    /// Authorized, used and revoked by `people[9]`.
    revoked_client: Client,
    /// Authorized and used by `people[10]`, then left idle; a numeric client id.
    idle_client: Client,
    /// The Meet call the anonymous participant joins: (meeting code, conference id).
    meeting: (String, String),
    groups: Vec<String>,
}

#[derive(Clone)]
enum Plant {
    AuthorizeLegacySa,
    LegacySaAction,
    AuthorizeLegacyClient,
    LegacyClientUse,
    GrantSuperAdmin,
    GrantGroupsAdminToSa,
    Enforce2sv,
    AuthorizeRevokedClient,
    RevokedClientUse,
    RevokeClient,
    AuthorizeIdleClient,
    IdleClientUse,
    /// `meet` `call_ended` of the organizer and of an anonymous participant.
    MeetOrganizerEnded,
    MeetAnonymousEnded,
}

fn profile_id(rng: &mut Rng) -> String {
    format!("1{}", rng.chars(DIGITS, 20))
}

fn oauth_client_id(rng: &mut Rng) -> String {
    format!(
        "{}-{}.apps.googleusercontent.com",
        rng.chars(DIGITS, 12),
        rng.chars(b"abcdefghijklmnopqrstuvwxyz0123456789", 32)
    )
}

fn cast(rng: &mut Rng, t: u32) -> Cast {
    let org = crate::generate::kit::org_name(t);
    let domain = format!("{org}.com");
    const REGIONS: &[(&str, &str, u32)] = &[
        ("US", "US-CA", 7922),
        ("US", "US-NY", 701),
        ("US", "US-WA", 20057),
        ("GB", "GB-LND", 2856),
        ("DE", "DE-BE", 3320),
    ];
    let people = crate::generate::kit::PEOPLE
        .iter()
        .map(|(f, l)| {
            let (c, s, asn) = *rng.pick(REGIONS);
            Person {
                email: format!("{}.{}@{domain}", f.to_lowercase(), l.to_lowercase()),
                profile: profile_id(rng),
                agent_ip: rng.ip(),
                asn,
                region: (c, s),
            }
        })
        .collect();
    let sa = |rng: &mut Rng, name: &str, project: &str| ServiceAccount {
        email: format!("{name}@{org}-{project}.iam.gserviceaccount.com"),
        client_id: profile_id(rng),
        ip: rng.ip(),
    };
    let sync = sa(rng, "directory-sync", "it-automation");
    let gam = sa(rng, "gam-automation", "it-automation");
    let legacy = sa(rng, "legacy-hr-sync", "hr-prod");
    const MAIL: &[&str] = &[
        "gmail.users.messages.list",
        "gmail.users.messages.get",
        "gmail.users.history.list",
    ];
    const CAL: &[&str] = &[
        "calendar.events.list",
        "calendar.events.insert",
        "calendar.calendarList.list",
    ];
    const DRIVE: &[&str] = &["drive.files.list", "drive.files.get", "drive.changes.list"];
    const PROFILE: &[&str] = &["oauth2.userinfo.get", "people.people.get"];
    let client = |rng: &mut Rng, name, kind, api, bucket, methods, scopes| Client {
        name,
        id: oauth_client_id(rng),
        kind,
        api,
        bucket,
        methods,
        scopes,
    };
    let clients = vec![
        client(
            rng,
            "Slack",
            "WEB",
            "calendar",
            "CALENDAR",
            CAL,
            &[
                "https://www.googleapis.com/auth/calendar.readonly",
                "openid",
                "https://www.googleapis.com/auth/userinfo.email",
            ][..],
        ),
        client(
            rng,
            "Zoom",
            "WEB",
            "calendar",
            "CALENDAR",
            CAL,
            &[
                "https://www.googleapis.com/auth/calendar.events",
                "https://www.googleapis.com/auth/userinfo.email",
            ][..],
        ),
        client(
            rng,
            "Salesforce",
            "WEB",
            "gmail",
            "GMAIL",
            MAIL,
            &[
                "https://www.googleapis.com/auth/gmail.readonly",
                "https://www.googleapis.com/auth/userinfo.email",
            ][..],
        ),
        client(
            rng,
            "Google Chrome",
            "NATIVE_DESKTOP",
            "oauth2",
            "IDENTITY",
            PROFILE,
            &["openid", "https://www.googleapis.com/auth/userinfo.profile"][..],
        ),
        client(
            rng,
            "Miro",
            "WEB",
            "drive",
            "DRIVE",
            DRIVE,
            &["https://www.googleapis.com/auth/drive.file"][..],
        ),
    ];
    let legacy_client = client(
        rng,
        "Legacy Expense Scanner",
        "WEB",
        "gmail",
        "GMAIL",
        MAIL,
        &[
            "https://www.googleapis.com/auth/gmail.readonly",
            "https://www.googleapis.com/auth/drive",
        ][..],
    );
    let revoked_client = client(
        rng,
        "Grammarly",
        "WEB",
        "drive",
        "DRIVE",
        DRIVE,
        &[
            "https://www.googleapis.com/auth/drive.readonly",
            "https://www.googleapis.com/auth/userinfo.email",
        ][..],
    );
    // Some clients are listed by a numeric id (no `.apps.googleusercontent.com`).
    let mut idle_client = client(
        rng,
        "Lucidchart",
        "WEB",
        "drive",
        "DRIVE",
        DRIVE,
        &[
            "https://www.googleapis.com/auth/drive.file",
            "https://www.googleapis.com/auth/userinfo.profile",
        ][..],
    );
    idle_client.id = format!("1{}", rng.chars(DIGITS, 20));
    let meeting = (
        rng.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 10),
        rng.chars(ALNUM, 24),
    );
    let groups = [
        "all-staff",
        "engineering",
        "finance",
        "sales",
        "contractors",
    ]
    .iter()
    .map(|g| format!("{g}@{domain}"))
    .collect();
    Cast {
        customer: format!(
            "C0{}",
            rng.chars(b"abcdefghijklmnopqrstuvwxyz0123456789", 7)
        ),
        domain,
        people,
        sync,
        gam,
        legacy,
        clients,
        legacy_client,
        revoked_client,
        idle_client,
        meeting,
        groups,
    }
}

fn planted() -> Vec<Planted<Plant>> {
    let mut p = vec![at(1, 10, 12, Plant::AuthorizeLegacySa)];
    p.extend((2..=20).map(|d| at(d, 3, 30, Plant::LegacySaAction)));
    p.push(at(3, 9, 14, Plant::AuthorizeLegacyClient));
    p.extend((3..=18).map(|d| at(d, 9, 40, Plant::LegacyClientUse)));
    p.push(at(12, 13, 44, Plant::GrantSuperAdmin));
    p.push(at(20, 10, 2, Plant::Enforce2sv));
    p.push(at(35, 17, 21, Plant::GrantGroupsAdminToSa));
    p.push(at(6, 15, 31, Plant::MeetOrganizerEnded));
    p.push(at(6, 15, 32, Plant::MeetAnonymousEnded));
    p.push(at(25, 10, 5, Plant::AuthorizeRevokedClient));
    p.extend((25..=40).map(|d| at(d, 11, 20, Plant::RevokedClientUse)));
    p.push(at(44, 16, 30, Plant::RevokeClient));
    p.push(at(28, 9, 0, Plant::AuthorizeIdleClient));
    p.extend((28..=45).map(|d| at(d, 15, 10, Plant::IdleClientUse)));
    p
}

/// The application (stream) of a planted activity.
fn planted_stream(p: &Plant) -> usize {
    match p {
        Plant::AuthorizeLegacyClient
        | Plant::LegacyClientUse
        | Plant::AuthorizeRevokedClient
        | Plant::RevokedClientUse
        | Plant::RevokeClient
        | Plant::AuthorizeIdleClient
        | Plant::IdleClientUse => TOKEN,
        Plant::MeetOrganizerEnded | Plant::MeetAnonymousEnded => MEET,
        _ => ADMIN,
    }
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
            Period::Day,
            |rng, planted| match planted {
                Some(p) => planted_stream(p),
                None => rng.weighted(STREAM_WEIGHTS),
            },
            |_rng, stream, day, _time, part| {
                let (y, m, d) = crate::generate::kit::day_date(day);
                PathBuf::from(format!(
                    "reports/{}/{}/{y:04}-{m:02}-{d:02}-{part:04}.json",
                    cast.domain, APPLICATIONS[stream]
                ))
            },
            |buf, rng, time, planted, stream| activity(buf, rng, &cast, time, planted, stream),
        )?;
    }
    Ok(())
}

/// Who acted.
enum Actor<'a> {
    Person(&'a Person),
    Service(&'a ServiceAccount),
    /// `callerType` `KEY` with this key, as Meet names participants from outside the
    /// domain or without an account (`HANGOUTS_EXTERNAL_OR_ANONYMOUS`).
    Key(&'a str),
}

/// One `events[]` entry: type, name and parameters (already JSON).
struct Entry<'a> {
    kind: &'a str,
    name: &'a str,
    parameters: String,
}

fn value(name: &str, v: &str) -> String {
    format!(r#"{{"name":"{name}","value":"{v}"}}"#)
}

fn multi(name: &str, vs: &[&str]) -> String {
    let items: Vec<String> = vs.iter().map(|v| format!("\"{v}\"")).collect();
    format!(r#"{{"name":"{name}","multiValue":[{}]}}"#, items.join(","))
}

fn boolean(name: &str, v: bool) -> String {
    format!(r#"{{"name":"{name}","boolValue":{v}}}"#)
}

fn write_activity(
    buf: &mut String,
    rng: &mut Rng,
    c: &Cast,
    time: i64,
    app: &str,
    actor: Actor<'_>,
    entry: Entry<'_>,
) {
    let (actor_json, ip, network) = match actor {
        Actor::Person(p) => (
            format!(
                r#"{{"callerType":"USER","email":"{}","profileId":"{}"}}"#,
                p.email, p.profile
            ),
            p.agent_ip.as_str(),
            (app == "login").then(|| {
                format!(
                    r#","networkInfo":{{"ipAsn":[{}],"regionCode":"{}","subdivisionCode":"{}"}}"#,
                    p.asn, p.region.0, p.region.1
                )
            }),
        ),
        Actor::Service(s) => (
            format!(r#"{{"email":"{}","profileId":"{}"}}"#, s.email, s.client_id),
            s.ip.as_str(),
            None,
        ),
        Actor::Key(k) => (format!(r#"{{"callerType":"KEY","key":"{k}"}}"#), "", None),
    };
    // Meet gives the participant's address in its parameters, not the activity.
    let ip = if app == "meet" {
        String::new()
    } else {
        format!(r#","ipAddress":"{ip}""#)
    };
    let _ = write!(
        buf,
        r#"{{"kind":"admin#reports#activity","id":{{"time":"{}","uniqueQualifier":"{}","applicationName":"{app}","customerId":"{}"}},"etag":"\"{}/{}\"","actor":{actor_json}{ip}{},"events":[{{"type":"{}","name":"{}","parameters":[{}]}}]}}"#,
        crate::generate::kit::timestamp(time, true),
        rng.u64() as i64,
        c.customer,
        rng.chars(ALNUM, 27),
        rng.chars(ALNUM, 27),
        network.unwrap_or_default(),
        entry.kind,
        entry.name,
        entry.parameters,
    );
}

fn activity(
    buf: &mut String,
    rng: &mut Rng,
    c: &Cast,
    time: i64,
    planted: Option<&Plant>,
    stream: usize,
) {
    let admin = &c.people[rng.below(3) as usize];
    let (actor, entry) = match planted {
        Some(Plant::AuthorizeLegacySa) => (
            Actor::Person(admin),
            Entry {
                kind: "SECURITY_SETTINGS",
                name: "AUTHORIZE_API_CLIENT_ACCESS",
                parameters: [
                    value("API_CLIENT_NAME", &c.legacy.client_id),
                    multi(
                        "API_SCOPES",
                        &[
                            "https://www.googleapis.com/auth/admin.directory.user",
                            "https://www.googleapis.com/auth/admin.directory.orgunit",
                        ],
                    ),
                ]
                .join(","),
            },
        ),
        Some(Plant::LegacySaAction) => {
            let p = &c.people[3 + rng.below(c.people.len() as u64 - 3) as usize];
            (Actor::Service(&c.legacy), move_user(c, p, "/Staff/Payroll"))
        }
        Some(Plant::AuthorizeLegacyClient) => {
            (Actor::Person(&c.people[7]), authorize(&c.legacy_client))
        }
        Some(Plant::LegacyClientUse) => (
            Actor::Person(&c.people[7]),
            token_use(rng, &c.legacy_client),
        ),
        Some(Plant::GrantSuperAdmin) => (
            Actor::Person(&c.people[0]),
            assign_role("_SEED_ADMIN_ROLE", &c.people[3].email),
        ),
        Some(Plant::GrantGroupsAdminToSa) => (
            Actor::Person(&c.people[0]),
            assign_role("_GROUPS_ADMIN_ROLE", &c.sync.email),
        ),
        Some(Plant::AuthorizeRevokedClient) => {
            (Actor::Person(&c.people[9]), authorize(&c.revoked_client))
        }
        Some(Plant::RevokedClientUse) => (
            Actor::Person(&c.people[9]),
            token_use(rng, &c.revoked_client),
        ),
        Some(Plant::RevokeClient) => {
            let mut e = authorize(&c.revoked_client);
            e.name = "revoke";
            (Actor::Person(&c.people[9]), e)
        }
        Some(Plant::AuthorizeIdleClient) => {
            (Actor::Person(&c.people[10]), authorize(&c.idle_client))
        }
        Some(Plant::IdleClientUse) => {
            (Actor::Person(&c.people[10]), token_use(rng, &c.idle_client))
        }
        Some(Plant::MeetOrganizerEnded) => {
            let p = &c.people[4];
            (
                Actor::Person(p),
                call_ended(rng, c, Some(p), "203.0.113.45"),
            )
        }
        Some(Plant::MeetAnonymousEnded) => (
            Actor::Key("HANGOUTS_EXTERNAL_OR_ANONYMOUS"),
            call_ended(rng, c, None, "198.51.100.201"),
        ),
        Some(Plant::Enforce2sv) => (
            Actor::Person(admin),
            Entry {
                kind: "SECURITY_SETTINGS",
                name: "ENFORCE_STRONG_AUTHENTICATION",
                parameters: [
                    value("ORG_UNIT_NAME", &c.domain),
                    value("NEW_VALUE", "true"),
                    value("OLD_VALUE", "false"),
                ]
                .join(","),
            },
        ),
        None => match stream {
            ADMIN => background_admin(rng, c),
            TOKEN => background_token(rng, c),
            LOGIN => background_login(rng, c),
            _ => unreachable!("stream {stream} is not an application"),
        },
    };
    let app = APPLICATIONS[planted.map_or(stream, planted_stream)];
    write_activity(buf, rng, c, time, app, actor, entry);
}

/// A Meet participant leaving a call (`call` `call_ended`): `who` is an account of the
/// domain (the organizer), or `None` for someone outside it or without an account.
fn call_ended<'a>(rng: &mut Rng, c: &Cast, who: Option<&Person>, ip: &str) -> Entry<'a> {
    let organizer = &c.people[4];
    let int = |name: &str, v: u64| format!(r#"{{"name":"{name}","intValue":"{v}"}}"#);
    let duration = 1_500 + rng.below(1_800);
    let mut parameters = vec![
        value("meeting_code", &c.meeting.0),
        value("conference_id", &c.meeting.1),
        value(
            "calendar_event_id",
            &format!(
                "{}_R20260505T150000",
                rng.chars(b"abcdefghijklmnopqrstuv0123456789", 26)
            ),
        ),
        value("organizer_email", &organizer.email),
        value("product_type", "meet"),
        value("device_type", "web"),
        value("endpoint_id", &rng.chars(ALNUM, 32)),
        int("duration_seconds", duration),
        int("video_send_seconds", duration / 2),
        int("audio_send_seconds", duration - 40),
        value("ip_address", ip),
        value("location_country", "US"),
    ];
    match who {
        Some(p) => {
            parameters.push(value("identifier_type", "email_address"));
            parameters.push(value("identifier", &p.email));
            parameters.push(boolean("is_external", false));
        }
        None => {
            parameters.push(value("display_name", "Guest 4417"));
            parameters.push(boolean("is_external", true));
        }
    }
    Entry {
        kind: "call",
        name: "call_ended",
        parameters: parameters.join(","),
    }
}

fn assign_role<'a>(role: &str, email: &str) -> Entry<'a> {
    Entry {
        kind: "DELEGATED_ADMIN_SETTINGS",
        name: "ASSIGN_ROLE",
        parameters: [value("ROLE_NAME", role), value("USER_EMAIL", email)].join(","),
    }
}

fn move_user<'a>(c: &Cast, p: &Person, unit: &str) -> Entry<'a> {
    Entry {
        kind: "USER_SETTINGS",
        name: "MOVE_USER_TO_ORG_UNIT",
        parameters: [
            value("USER_EMAIL", &p.email),
            value("ORG_UNIT_NAME", &format!("/{}", c.domain)),
            value("NEW_VALUE", unit),
        ]
        .join(","),
    }
}

fn authorize<'a>(client: &Client) -> Entry<'a> {
    Entry {
        kind: "auth",
        name: "authorize",
        parameters: [
            value("client_id", &client.id),
            value("app_name", client.name),
            value("client_type", client.kind),
            multi("scope", client.scopes),
        ]
        .join(","),
    }
}

fn token_use<'a>(rng: &mut Rng, client: &Client) -> Entry<'a> {
    Entry {
        kind: "auth",
        name: "activity",
        parameters: [
            value("client_id", &client.id),
            value("app_name", client.name),
            value("client_type", client.kind),
            value("api_name", client.api),
            value("method_name", rng.pick::<&str>(client.methods)),
            format!(
                r#"{{"name":"num_response_bytes","intValue":"{}"}}"#,
                200 + rng.below(60_000)
            ),
            value("product_bucket", client.bucket),
        ]
        .join(","),
    }
}

fn background_admin<'a>(rng: &mut Rng, c: &'a Cast) -> (Actor<'a>, Entry<'a>) {
    // sync adds to group, gam moves user, admin setting change, admin creates user,
    // admin adds to group, admin resets password
    const WEIGHTS: &[u32] = &[40, 25, 8, 7, 12, 8];
    let admin = &c.people[rng.below(3) as usize];
    let p = &c.people[3 + rng.below(c.people.len() as u64 - 3) as usize];
    let add = |group: &str| Entry {
        kind: "GROUP_SETTINGS",
        name: "ADD_GROUP_MEMBER",
        parameters: [value("USER_EMAIL", &p.email), value("GROUP_EMAIL", group)].join(","),
    };
    match rng.weighted(WEIGHTS) {
        0 => (Actor::Service(&c.sync), add(rng.pick::<String>(&c.groups))),
        1 => {
            let unit = *rng.pick(&["/Staff/Engineering", "/Staff/Sales", "/Staff/Finance"]);
            (Actor::Service(&c.gam), move_user(c, p, unit))
        }
        2 => {
            let (app, setting, old, new) = *rng.pick(&[
                ("Gmail", "ENABLE_IMAP_ACCESS", "true", "false"),
                (
                    "Drive and Docs",
                    "SHARING_OUTSIDE_DOMAIN",
                    "ALLOWED",
                    "TRUSTED_DOMAINS",
                ),
                (
                    "Calendar",
                    "EXTERNAL_SHARING_PRIMARY_CAL",
                    "READ_ONLY_ACCESS",
                    "SHOW_ONLY_FREE_BUSY_INFORMATION",
                ),
            ]);
            (
                Actor::Person(admin),
                Entry {
                    kind: "APPLICATION_SETTINGS",
                    name: "CHANGE_APPLICATION_SETTING",
                    parameters: [
                        value("APPLICATION_EDITION", "business_plus"),
                        value("APPLICATION_NAME", app),
                        value("NEW_VALUE", new),
                        value("OLD_VALUE", old),
                        value("ORG_UNIT_NAME", &c.domain),
                        value("SETTING_NAME", setting),
                    ]
                    .join(","),
                },
            )
        }
        3 => {
            let email = format!("new.hire{}@{}", rng.below(100_000), c.domain);
            (
                Actor::Person(admin),
                Entry {
                    kind: "USER_SETTINGS",
                    name: "CREATE_USER",
                    parameters: value("USER_EMAIL", &email),
                },
            )
        }
        4 => (Actor::Person(admin), add(rng.pick::<String>(&c.groups))),
        _ => (
            Actor::Person(admin),
            Entry {
                kind: "USER_SETTINGS",
                name: "CHANGE_PASSWORD",
                parameters: value("USER_EMAIL", &p.email),
            },
        ),
    }
}

fn background_token<'a>(rng: &mut Rng, c: &'a Cast) -> (Actor<'a>, Entry<'a>) {
    let p = &c.people[rng.below(c.people.len() as u64) as usize];
    let client = rng.pick(&c.clients);
    // A person authorizes a client again (new scopes, new device), or now and then
    // revokes it; mostly the client calls APIs for them.
    match rng.weighted(&[6, 1, 93]) {
        0 => (Actor::Person(p), authorize(client)),
        1 => {
            let mut e = authorize(client);
            e.name = "revoke";
            (Actor::Person(p), e)
        }
        _ => (Actor::Person(p), token_use(rng, client)),
    }
}

fn background_login<'a>(rng: &mut Rng, c: &'a Cast) -> (Actor<'a>, Entry<'a>) {
    // success, logout, failure, challenge
    const WEIGHTS: &[u32] = &[60, 25, 7, 8];
    let p = &c.people[rng.below(c.people.len() as u64) as usize];
    let entry = match rng.weighted(WEIGHTS) {
        0 => Entry {
            kind: "login",
            name: "login_success",
            parameters: [
                value("login_type", "google_password"),
                multi(
                    "login_challenge_method",
                    &["password", "google_authenticator"],
                ),
                boolean("is_suspicious", false),
                boolean("is_second_factor", false),
            ]
            .join(","),
        },
        1 => Entry {
            kind: "logout",
            name: "logout",
            parameters: value("login_type", "google_password"),
        },
        2 => Entry {
            kind: "login",
            name: "login_failure",
            parameters: [
                value("login_type", "google_password"),
                multi("login_challenge_method", &["password"]),
                value("login_failure_type", "login_failure_invalid_password"),
                boolean("is_suspicious", false),
            ]
            .join(","),
        },
        _ => Entry {
            kind: "login",
            name: "login_verification",
            parameters: [
                value("login_type", "google_password"),
                multi("login_challenge_method", &["google_authenticator"]),
                value("login_challenge_status", "Challenge Passed"),
                boolean("is_second_factor", true),
            ]
            .join(","),
        },
    };
    (Actor::Person(p), entry)
}
