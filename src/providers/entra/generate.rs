//! Synthetic Microsoft Entra ID exports as a tenant's diagnostic setting archives them to
//! a storage account: one append blob per log category and hour,
//! `insights-logs-<category>/tenantId=<tenant>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json`,
//! in JSON Lines (one Azure Monitor record a line, the format since November 2018). Each
//! record is the common resource-log envelope (`time` with seven fraction digits,
//! `category`, `tenantId`, `resultType`, `callerIpAddress`, ...) around the Graph
//! `directoryAudit` or `signIn` object in `properties` (`createdDateTime` /
//! `activityDateTime` with a `+00:00` offset), as providers/entra.rs reads it. Audits
//! are about 1.6 KB, user sign-ins 2.8-3.4 KB, workload sign-ins 1.8-2.3 KB (2.5 KB
//! on average).
//!
//! Categories: `AuditLogs`, `SignInLogs` (interactive users, with MFA and conditional
//! access), `NonInteractiveUserSignInLogs` (token refreshes), `ServicePrincipalSignInLogs`
//! (apps with client secrets or certificates: `servicePrincipalCredentialKeyId` names the
//! key) and `ManagedIdentitySignInLogs` (Azure workloads, no IP address); planted only:
//! `ServicePrincipalRiskEvents` (Identity Protection's risk detections on workload
//! identities, the Graph `servicePrincipalRiskDetection` in `properties`).
//!
//! Cast per tenant: sixteen people; service principals `Payroll Export Service`,
//! `ServiceNow Connector`, `Terraform Cloud` and `Datadog Azure Integration`; managed
//! identities `func-invoice-processor` and `aks-agentpool-identity`; the provisioning app
//! `Workday to Microsoft Entra ID User Provisioning` updating users (`initiatedBy.app`).
//! Planted: service principal `Legacy Payroll Connector` is added on day 0, signs in
//! daily on days 1-20 with its client secret and never again (dormant machine identity,
//! and its secret a dormant credential); a second client secret `backup-export` is added
//! to `Payroll Export Service` on day 10 and never used (dormant credential; the app goes
//! on using its first secret); Global Administrator is granted to a person on day 12 and
//! Application Administrator to `Terraform Cloud` on day 35 (a machine holding an admin
//! role); a conditional access policy is added on day 20 and updated on day 60;
//! service principal `Invoice OCR Connector` signs in with its client secret on days
//! 2-30 and never again, and on day 165 Identity Protection reports that secret leaked
//! (a `leakedCredentials` risk detection naming it in `properties.servicePrincipalId`):
//! the detection is about it, not by it, so it stays a dormant machine identity.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::generate::kit::{Container, Generator, Output, Period, Plan, Planted, Rng, at};
use crate::error::Result;

pub const GENERATOR: Generator = Generator {
    stream: 2,
    generate,
};

/// JSON Lines: no wrapper, one record a line.
const CONTAINER: Container = Container {
    prefix: "",
    separator: "\n",
    suffix: "\n",
    gzip: false,
};
/// Azure appends to the hour's blob however busy the hour is: no cap.
const MAX_PER_FILE: u64 = u64::MAX;

/// Streams (one blob series each), in `CATEGORIES` order.
const AUDIT: usize = 0;
const SIGNIN: usize = 1;
const NONINTERACTIVE: usize = 2;
const SERVICE_PRINCIPAL: usize = 3;
const MANAGED_IDENTITY: usize = 4;
/// Only planted records (the risk detection).
const SP_RISK: usize = 5;
const CATEGORIES: &[&str] = &[
    "AuditLogs",
    "SignInLogs",
    "NonInteractiveUserSignInLogs",
    "ServicePrincipalSignInLogs",
    "ManagedIdentitySignInLogs",
    "ServicePrincipalRiskEvents",
];
/// Background events per stream (the first five).
const STREAM_WEIGHTS: &[u32] = &[12, 22, 26, 25, 15];

/// First-party resources: (display name, application id).
const GRAPH: (&str, &str) = ("Microsoft Graph", "00000003-0000-0000-c000-000000000000");
const ARM: (&str, &str) = (
    "Windows Azure Service Management API",
    "797f4846-ba00-4fd7-ba43-dac1f8f63013",
);
const KEY_VAULT: (&str, &str) = ("Azure Key Vault", "cfa8b339-82a2-471a-a3c9-0fc0be7a4093");
const STORAGE: (&str, &str) = ("Azure Storage", "e406a681-f3d4-42a8-90b6-c2b029497af1");
const EXCHANGE: (&str, &str) = (
    "Office 365 Exchange Online",
    "00000002-0000-0ff1-ce00-000000000000",
);
const SHAREPOINT: (&str, &str) = (
    "Office 365 SharePoint Online",
    "00000003-0000-0ff1-ce00-000000000000",
);

/// An application: (display name, application id).
type App = (&'static str, &'static str);

/// Client apps people sign in to, with the resource they ask for.
const USER_APPS: &[(App, App)] = &[
    (
        ("Azure Portal", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"),
        ARM,
    ),
    (
        ("Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264"),
        GRAPH,
    ),
    (
        ("Microsoft Outlook", "5d661950-3475-41cd-a2c3-d671a3162bc1"),
        EXCHANGE,
    ),
    (
        ("OfficeHome", "4765445b-32c6-49b0-83e6-1d93765276ca"),
        SHAREPOINT,
    ),
    (
        (
            "OneDrive SyncEngine",
            "ab9b8c07-8f02-4f72-87fa-80105867a763",
        ),
        SHAREPOINT,
    ),
];

/// (city, state, country, latitude, longitude, autonomous system)
type Place = (&'static str, &'static str, &'static str, f64, f64, u32);
const PLACES: &[Place] = &[
    ("Seattle", "Washington", "US", 47.6062, -122.3321, 7922),
    ("New York", "New York", "US", 40.7128, -74.006, 701),
    ("Austin", "Texas", "US", 30.2672, -97.7431, 11427),
    ("London", "England", "GB", 51.5072, -0.1276, 2856),
    ("Berlin", "Berlin", "DE", 52.52, 13.405, 3320),
];

/// Well-known directory role template ids.
const GLOBAL_ADMIN: (&str, &str) = (
    "Global Administrator",
    "62e90394-69f5-4237-9190-012177145e10",
);
const APP_ADMIN: (&str, &str) = (
    "Application Administrator",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
);

struct Person {
    id: String,
    upn: String,
    name: String,
    agent: &'static str,
    os: &'static str,
    browser: &'static str,
    ip: String,
    place: &'static Place,
}

/// An app registration and its service principal, signing in with a client secret or
/// a certificate.
struct ServicePrincipal {
    name: &'static str,
    app_id: String,
    app_object_id: String,
    sp_id: String,
    key_id: String,
    /// Certificate thumbprint, for apps that sign in with a certificate.
    thumbprint: Option<String>,
    resource: (&'static str, &'static str),
    ip: String,
}

struct ManagedIdentity {
    name: &'static str,
    app_id: String,
    sp_id: String,
    /// `systemAssigned` or `userAssigned`.
    kind: &'static str,
    resource: (&'static str, &'static str),
    msi_resource: String,
}

struct Cast {
    tenant: String,
    /// Short organisation name.
    org: String,
    people: Vec<Person>,
    sps: Vec<ServicePrincipal>,
    legacy: ServicePrincipal,
    /// Idle after day 30; its secret reported leaked on day 165.
    invoice: ServicePrincipal,
    backup_key: String,
    mis: Vec<ManagedIdentity>,
    /// The provisioning app: (name, app id, service principal id).
    provisioning: (&'static str, String, String),
    groups: Vec<(String, &'static str)>,
    /// Role object ids in this tenant: Global Administrator, Application Administrator.
    role_ids: (String, String),
    ca_policy: String,
}

#[derive(Clone)]
enum Plant {
    AddLegacySp,
    LegacySignIn,
    AddBackupSecret,
    GrantGlobalAdmin,
    GrantAppAdminToSp,
    AddCaPolicy,
    UpdateCaPolicy,
    InvoiceSignIn,
    InvoiceRiskDetection,
}

fn guid(rng: &mut Rng) -> String {
    rng.uuid().to_string()
}

fn cast(rng: &mut Rng, t: u32) -> Cast {
    let org = crate::generate::kit::org_name(t);
    let tenant = guid(rng);
    const SYSTEMS: &[(&str, &str)] = &[
        ("MacOs", "Chrome 129.0.0"),
        ("Windows10", "Edge 130.0.0"),
        ("MacOs", "Safari 17.6"),
        ("Linux", "Firefox 131.0"),
        ("Ios", "Mobile Safari 17.6"),
    ];
    let people = crate::generate::kit::PEOPLE
        .iter()
        .map(|(f, l)| {
            let k = rng.below(SYSTEMS.len() as u64) as usize;
            Person {
                id: guid(rng),
                upn: format!("{}.{}@{org}.com", f.to_lowercase(), l.to_lowercase()),
                name: format!("{f} {l}"),
                agent: crate::generate::kit::BROWSER_AGENTS[k],
                os: SYSTEMS[k].0,
                browser: SYSTEMS[k].1,
                ip: rng.ip(),
                place: rng.pick(PLACES),
            }
        })
        .collect();
    let sp = |rng: &mut Rng, name, cert: bool, resource| ServicePrincipal {
        name,
        app_id: guid(rng),
        app_object_id: guid(rng),
        sp_id: guid(rng),
        key_id: guid(rng),
        thumbprint: cert.then(|| rng.chars(b"0123456789ABCDEF", 40)),
        resource,
        ip: rng.ip(),
    };
    let sps = vec![
        sp(rng, "Payroll Export Service", false, GRAPH),
        sp(rng, "ServiceNow Connector", false, GRAPH),
        sp(rng, "Terraform Cloud", true, ARM),
        sp(rng, "Datadog Azure Integration", false, ARM),
    ];
    let legacy = sp(rng, "Legacy Payroll Connector", false, GRAPH);
    let invoice = sp(rng, "Invoice OCR Connector", false, STORAGE);
    let backup_key = guid(rng);
    let sub = guid(rng);
    let mi = |rng: &mut Rng, name: &'static str, kind, resource, path: String| ManagedIdentity {
        name,
        app_id: guid(rng),
        sp_id: guid(rng),
        kind,
        resource,
        msi_resource: format!("/subscriptions/{sub}/resourcegroups/{path}"),
    };
    let mis = vec![
        mi(
            rng,
            "func-invoice-processor",
            "systemAssigned",
            KEY_VAULT,
            "rg-finance-prod/providers/Microsoft.Web/sites/func-invoice-processor".into(),
        ),
        mi(
            rng,
            "aks-agentpool-identity",
            "userAssigned",
            STORAGE,
            "MC_rg-aks-prod_aks-prod_eastus/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-agentpool-identity".into(),
        ),
    ];
    let provisioning = (
        "Workday to Microsoft Entra ID User Provisioning",
        guid(rng),
        guid(rng),
    );
    let groups = [
        "All Employees",
        "Engineering",
        "Finance",
        "Sales",
        "Contractors",
    ]
    .into_iter()
    .map(|n| (guid(rng), n))
    .collect();
    Cast {
        tenant,
        org,
        people,
        sps,
        legacy,
        invoice,
        backup_key,
        mis,
        provisioning,
        groups,
        role_ids: (guid(rng), guid(rng)),
        ca_policy: guid(rng),
    }
}

fn planted() -> Vec<Planted<Plant>> {
    let mut p = vec![at(0, 14, 5, Plant::AddLegacySp)];
    p.extend((1..=20).map(|d| at(d, 4, 10, Plant::LegacySignIn)));
    p.push(at(10, 11, 20, Plant::AddBackupSecret));
    p.push(at(12, 9, 47, Plant::GrantGlobalAdmin));
    p.push(at(20, 16, 3, Plant::AddCaPolicy));
    p.push(at(35, 13, 31, Plant::GrantAppAdminToSp));
    p.push(at(60, 10, 12, Plant::UpdateCaPolicy));
    p.extend((2..=30).map(|d| at(d, 5, 25, Plant::InvoiceSignIn)));
    p.push(at(165, 7, 48, Plant::InvoiceRiskDetection));
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
            |rng, planted| match planted {
                Some(Plant::LegacySignIn | Plant::InvoiceSignIn) => SERVICE_PRINCIPAL,
                Some(Plant::InvoiceRiskDetection) => SP_RISK,
                Some(_) => AUDIT,
                None => rng.weighted(STREAM_WEIGHTS),
            },
            |_rng, stream, day, time, part| {
                let (y, m, d) = crate::generate::kit::day_date(day);
                let h = time.rem_euclid(86_400_000_000) / 3_600_000_000;
                // One blob per hour; a second part cannot happen with no cap, but would
                // not overwrite the first.
                let name = if part > 1 {
                    format!("PT1H-{part}.json")
                } else {
                    "PT1H.json".to_string()
                };
                PathBuf::from(format!(
                    "insights-logs-{}/tenantId={}/y={y:04}/m={m:02}/d={d:02}/h={h:02}/m=00/{name}",
                    CATEGORIES[stream].to_ascii_lowercase(),
                    cast.tenant
                ))
            },
            |buf, rng, time, planted, stream| record(buf, rng, &cast, time, planted, stream),
        )?;
    }
    Ok(())
}

fn record(
    buf: &mut String,
    rng: &mut Rng,
    c: &Cast,
    time: i64,
    planted: Option<&Plant>,
    stream: usize,
) {
    match (planted, stream) {
        (Some(Plant::LegacySignIn), _) => sp_signin(buf, rng, c, time, &c.legacy, false),
        (Some(Plant::InvoiceSignIn), _) => sp_signin(buf, rng, c, time, &c.invoice, false),
        (Some(Plant::InvoiceRiskDetection), _) => sp_risk(buf, rng, c, time, &c.invoice),
        (Some(p), _) => planted_audit(buf, rng, c, time, p),
        (None, AUDIT) => background_audit(buf, rng, c, time),
        (None, SIGNIN) => {
            let p = &c.people[rng.below(c.people.len() as u64) as usize];
            user_signin(buf, rng, c, time, p, true)
        }
        (None, NONINTERACTIVE) => {
            let p = &c.people[rng.below(c.people.len() as u64) as usize];
            user_signin(buf, rng, c, time, p, false)
        }
        (None, SERVICE_PRINCIPAL) => {
            let sp = &c.sps[rng.below(c.sps.len() as u64) as usize];
            let failed = rng.chance(0.02);
            sp_signin(buf, rng, c, time, sp, failed)
        }
        (None, MANAGED_IDENTITY) => {
            let mi = &c.mis[rng.below(c.mis.len() as u64) as usize];
            mi_signin(buf, rng, c, time, mi)
        }
        (None, _) => unreachable!("stream {stream} is not a category"),
    }
}

/// The resource-log envelope up to `properties` (left open). `delay` is how long after
/// the event Azure stamped the record.
#[allow(clippy::too_many_arguments)]
fn envelope(
    buf: &mut String,
    c: &Cast,
    time: i64,
    delay: i64,
    operation: &str,
    category: &str,
    result: &str,
    ip: &str,
    correlation: &str,
    identity: Option<&str>,
) {
    let _ = write!(
        buf,
        r#"{{"time":"{}","resourceId":"/tenants/{t}/providers/Microsoft.aadiam","operationName":"{operation}","operationVersion":"1.0","category":"{category}","tenantId":"{t}","resultType":"{result}","resultSignature":"{}","#,
        crate::generate::kit::timestamp_digits(time + delay, 7, "Z"),
        if result == "0" { "SUCCESS" } else { "None" },
        t = c.tenant,
    );
    if result != "0" {
        let _ = write!(buf, r#""resultDescription":"{}","#, failure_reason(result));
    }
    let _ = write!(
        buf,
        r#""durationMs":0,"callerIpAddress":"{ip}","correlationId":"{correlation}","#
    );
    if let Some(i) = identity {
        let _ = write!(buf, r#""identity":"{i}","#);
    }
    buf.push_str(r#""Level":4,"location":"US","properties":{"#);
}

fn failure_reason(code: &str) -> &'static str {
    match code {
        "50126" => "Error validating credentials due to invalid username or password.",
        "50140" => {
            "This error occurred due to 'Keep me signed in' interrupt when the user was signing in."
        }
        "7000215" => {
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."
        }
        _ => "Other.",
    }
}

fn location(p: &Place) -> String {
    format!(
        r#"{{"city":"{}","state":"{}","countryOrRegion":"{}","geoCoordinates":{{"altitude":null,"latitude":{},"longitude":{}}}}}"#,
        p.0, p.1, p.2, p.3, p.4
    )
}

/// A token identifier as Entra writes them (base64url, 22 characters).
fn token_id(rng: &mut Rng) -> String {
    rng.chars(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        22,
    )
}

fn user_signin(
    buf: &mut String,
    rng: &mut Rng,
    c: &Cast,
    time: i64,
    p: &Person,
    interactive: bool,
) {
    let ((app, app_id), (res, res_id)) = if interactive {
        *rng.pick(&USER_APPS[..4])
    } else {
        *rng.pick(&USER_APPS[1..])
    };
    let code = if !interactive || !rng.chance(0.06) {
        "0"
    } else if rng.chance(0.7) {
        "50126"
    } else {
        "50140"
    };
    let corr = guid(rng);
    let (category, event_type) = if interactive {
        ("SignInLogs", "interactiveUser")
    } else {
        ("NonInteractiveUserSignInLogs", "nonInteractiveUser")
    };
    envelope(
        buf,
        c,
        time,
        1_000_000 + rng.below(90_000_000) as i64,
        "Sign-in activity",
        category,
        code,
        &p.ip,
        &corr,
        Some(&p.name),
    );
    let created = crate::generate::kit::timestamp_digits(time, 7, "+00:00");
    let mfa = interactive && code == "0" && rng.chance(0.4);
    let _ = write!(
        buf,
        r#""id":"{id}","createdDateTime":"{created}","userDisplayName":"{name}","userPrincipalName":"{upn}","userId":"{uid}","appId":"{app_id}","appDisplayName":"{app}","ipAddress":"{ip}","clientAppUsed":"{client}","userAgent":"{agent}","correlationId":"{corr}","conditionalAccessStatus":"{ca}","originalRequestId":"{id}","isInteractive":{interactive},"tokenIssuerName":"","tokenIssuerType":"AzureAD","clientCredentialType":"none","processingTimeInMilliseconds":{ms},"riskDetail":"none","riskLevelAggregated":"none","riskLevelDuringSignIn":"none","riskState":"none","riskEventTypes":[],"riskEventTypes_v2":[],"resourceDisplayName":"{res}","resourceId":"{res_id}","resourceTenantId":"{t}","homeTenantId":"{t}","tenantId":"{t}","resourceServicePrincipalId":"{res_sp}","authenticationRequirement":"{req}","userType":"Member","flaggedForReview":false,"isTenantRestricted":false,"autonomousSystemNumber":{asn},"crossTenantAccessType":"none","uniqueTokenIdentifier":"{tok}","incomingTokenType":"{incoming}","authenticationProtocol":"none","sessionId":"{session}","signInEventTypes":["{event_type}"],"servicePrincipalId":"","status":{{"errorCode":{code}"#,
        id = guid(rng),
        name = p.name,
        upn = p.upn,
        uid = p.id,
        ip = p.ip,
        client = if app == "Azure Portal" || app == "OfficeHome" {
            "Browser"
        } else {
            "Mobile Apps and Desktop clients"
        },
        agent = p.agent,
        ca = if code == "0" { "success" } else { "notApplied" },
        ms = 40 + rng.below(400),
        t = c.tenant,
        res_sp = guid(rng),
        req = if interactive {
            "multiFactorAuthentication"
        } else {
            "singleFactorAuthentication"
        },
        asn = p.place.5,
        tok = token_id(rng),
        incoming = if interactive {
            "none"
        } else {
            "primaryRefreshToken"
        },
        session = guid(rng),
    );
    if code != "0" {
        let _ = write!(
            buf,
            r#","failureReason":"{}","additionalDetails":"The user didn't enter the right credentials. It's expected to see some number of these errors in your logs due to users making mistakes.""#,
            failure_reason(code)
        );
    }
    let _ = write!(
        buf,
        r#"}},"deviceDetail":{{"deviceId":"","displayName":"","operatingSystem":"{}","browser":"{}","isCompliant":false,"isManaged":false,"trustType":""}},"location":{},"authenticationProcessingDetails":[{{"key":"Legacy TLS (TLS 1.0, 1.1, 3DES)","value":"False"}},{{"key":"Is CAE Token","value":"{}"}}],"networkLocationDetails":[],"#,
        p.os,
        p.browser,
        location(p.place),
        if interactive { "False" } else { "True" }
    );
    if interactive {
        let step = crate::generate::kit::timestamp(time, false);
        let (method, detail, ok) = if code == "0" {
            ("Password", "Password in the cloud", true)
        } else {
            ("Password", "Password in the cloud", false)
        };
        let _ = write!(
            buf,
            r#""authenticationDetails":[{{"authenticationStepDateTime":"{step}","authenticationMethod":"{method}","authenticationMethodDetail":"{detail}","succeeded":{ok},"authenticationStepResultDetail":"{}","authenticationStepRequirement":"Primary authentication"}}"#,
            if ok {
                "Correct password"
            } else {
                "Invalid username or password or Invalid on-premise username or password."
            }
        );
        if mfa {
            let _ = write!(
                buf,
                r#",{{"authenticationStepDateTime":"{step}","authenticationMethod":"Mobile app notification","authenticationMethodDetail":"","succeeded":true,"authenticationStepResultDetail":"MFA successfully completed","authenticationStepRequirement":"Primary authentication"}}"#
            );
        }
        buf.push_str("],");
        let _ = write!(
            buf,
            r#""appliedConditionalAccessPolicies":[{{"id":"{}","displayName":"Require MFA for all users","enforcedGrantControls":["Mfa"],"enforcedSessionControls":[],"result":"{}","conditionsSatisfied":3,"conditionsNotSatisfied":0}}],"#,
            c.ca_policy,
            if code == "0" { "success" } else { "notApplied" }
        );
    } else {
        buf.push_str(r#""authenticationDetails":[],"appliedConditionalAccessPolicies":[],"#);
    }
    buf.push_str(r#""authenticationRequirementPolicies":[],"sessionLifetimePolicies":[]}}"#);
}

fn sp_signin(
    buf: &mut String,
    rng: &mut Rng,
    c: &Cast,
    time: i64,
    sp: &ServicePrincipal,
    failed: bool,
) {
    let code = if failed { "7000215" } else { "0" };
    let corr = guid(rng);
    envelope(
        buf,
        c,
        time,
        1_000_000 + rng.below(120_000_000) as i64,
        "Sign-in activity",
        "ServicePrincipalSignInLogs",
        code,
        &sp.ip,
        &corr,
        None,
    );
    let (kind, thumb) = match &sp.thumbprint {
        Some(t) => ("clientAssertion", t.as_str()),
        None => ("clientSecret", ""),
    };
    let (res, res_id) = sp.resource;
    let _ = write!(
        buf,
        r#""id":"{id}","createdDateTime":"{}","appId":"{app}","appDisplayName":"{name}","ipAddress":"{ip}","correlationId":"{corr}","conditionalAccessStatus":"notApplied","isInteractive":false,"tokenIssuerType":"AzureAD","clientCredentialType":"{kind}","processingTimeInMilliseconds":{ms},"riskDetail":"none","riskLevelAggregated":"none","riskLevelDuringSignIn":"none","riskState":"none","resourceDisplayName":"{res}","resourceId":"{res_id}","resourceServicePrincipalId":"{res_sp}","resourceTenantId":"{t}","homeTenantId":"{t}","tenantId":"{t}","servicePrincipalId":"{sp_id}","servicePrincipalName":"{name}","servicePrincipalCredentialKeyId":"{key}","servicePrincipalCredentialThumbprint":"{thumb}","federatedCredentialId":"","managedIdentityType":"none","uniqueTokenIdentifier":"{tok}","incomingTokenType":"none","authenticationProtocol":"none","crossTenantAccessType":"none","flaggedForReview":false,"isTenantRestricted":false,"signInEventTypes":["servicePrincipal"],"userId":"00000000-0000-0000-0000-000000000000","status":{{"errorCode":{code}"#,
        crate::generate::kit::timestamp_digits(time, 7, "+00:00"),
        id = guid(rng),
        app = sp.app_id,
        name = sp.name,
        ip = sp.ip,
        ms = 20 + rng.below(200),
        res_sp = guid(rng),
        t = c.tenant,
        sp_id = sp.sp_id,
        key = sp.key_id,
        tok = token_id(rng),
    );
    if failed {
        let _ = write!(buf, r#","failureReason":"{}""#, failure_reason(code));
    }
    let _ = write!(
        buf,
        r#"}},"location":{},"authenticationProcessingDetails":[{{"key":"Azure AD App Authentication Library","value":"Family: MSAL Library: MSAL.NET 4.61.3 Platform: .NET 8.0"}}],"appliedConditionalAccessPolicies":[]}}}}"#,
        location(&PLACES[0])
    );
}

/// A `ServicePrincipalRiskEvents` record: Identity Protection found `sp`'s client
/// secret in a public repository (`leakedCredentials`, detected offline). The envelope
/// has no result; `activityDateTime` is when the leak was found.
fn sp_risk(buf: &mut String, rng: &mut Rng, c: &Cast, time: i64, sp: &ServicePrincipal) {
    let corr = guid(rng);
    let at = crate::generate::kit::timestamp_digits(time, 7, "+00:00");
    let detected = crate::generate::kit::timestamp_digits(time + 2_400_000_000, 7, "+00:00");
    let _ = write!(
        buf,
        r#"{{"time":"{}","resourceId":"/tenants/{t}/providers/Microsoft.aadiam","operationName":"Service principal risk detection","operationVersion":"1.0","category":"ServicePrincipalRiskEvents","tenantId":"{t}","durationMs":0,"callerIpAddress":"","correlationId":"{corr}","Level":4,"location":"US","properties":{{"id":"{id}","requestId":"{req}","correlationId":"{corr}","riskEventType":"leakedCredentials","riskState":"atRisk","riskLevel":"high","riskDetail":"none","source":"IdentityProtection","detectionTimingType":"offline","activity":"servicePrincipal","tokenIssuerType":"AzureAD","ipAddress":"","location":null,"activityDateTime":"{at}","detectedDateTime":"{detected}","lastUpdatedDateTime":"{detected}","servicePrincipalId":"{sp_id}","servicePrincipalDisplayName":"{name}","appId":"{app}","keyIds":["{key}"],"additionalInfo":"[{{\"Key\":\"alertUrl\",\"Value\":\"https://github.com/{org}-finance/invoice-ocr/blob/main/config/settings.json\"}}]"}}}}"#,
        crate::generate::kit::timestamp_digits(time + 2_460_000_000, 7, "Z"),
        t = c.tenant,
        id = rng.chars(b"0123456789abcdef", 64),
        req = guid(rng),
        sp_id = sp.sp_id,
        name = sp.name,
        app = sp.app_id,
        key = sp.key_id,
        org = c.org,
    );
}

fn mi_signin(buf: &mut String, rng: &mut Rng, c: &Cast, time: i64, mi: &ManagedIdentity) {
    let corr = guid(rng);
    envelope(
        buf,
        c,
        time,
        1_000_000 + rng.below(120_000_000) as i64,
        "Sign-in activity",
        "ManagedIdentitySignInLogs",
        "0",
        "",
        &corr,
        None,
    );
    let (res, res_id) = mi.resource;
    let _ = write!(
        buf,
        r#""id":"{id}","createdDateTime":"{}","appId":"{app}","appDisplayName":"{name}","ipAddress":"","correlationId":"{corr}","conditionalAccessStatus":"notApplied","isInteractive":false,"tokenIssuerType":"AzureAD","clientCredentialType":"managedIdentity","processingTimeInMilliseconds":{ms},"resourceDisplayName":"{res}","resourceId":"{res_id}","resourceServicePrincipalId":"{res_sp}","resourceTenantId":"{t}","homeTenantId":"{t}","tenantId":"{t}","servicePrincipalId":"{sp}","servicePrincipalName":"{name}","managedIdentityType":"{kind}","azureResourceId":"{resource}","uniqueTokenIdentifier":"{tok}","incomingTokenType":"none","authenticationProtocol":"none","signInEventTypes":["managedIdentity"],"status":{{"errorCode":0}},"location":{{"city":"","state":"","countryOrRegion":"","geoCoordinates":{{}}}},"authenticationProcessingDetails":[]}}}}"#,
        crate::generate::kit::timestamp_digits(time, 7, "+00:00"),
        id = guid(rng),
        app = mi.app_id,
        name = mi.name,
        ms = 5 + rng.below(60),
        res_sp = guid(rng),
        t = c.tenant,
        sp = mi.sp_id,
        kind = mi.kind,
        resource = mi.msi_resource,
        tok = token_id(rng),
    );
}

/// Who started an audited change.
enum Initiator<'a> {
    User(&'a Person),
    /// (name, app id, service principal id)
    App(&'a str, &'a str, &'a str),
}

/// The parts of one directory audit that vary.
struct Audit<'a> {
    by: Initiator<'a>,
    activity: &'a str,
    category: &'a str,
    service: &'a str,
    operation_type: &'a str,
    targets: String,
    details: String,
}

fn audit(buf: &mut String, rng: &mut Rng, c: &Cast, time: i64, a: Audit<'_>) {
    let corr = guid(rng);
    let (ip, identity, initiated) = match a.by {
        Initiator::User(p) => (
            p.ip.as_str(),
            p.name.as_str(),
            format!(
                r#"{{"user":{{"id":"{}","displayName":null,"userPrincipalName":"{}","ipAddress":"{}","roles":[]}}}}"#,
                p.id, p.upn, p.ip
            ),
        ),
        Initiator::App(name, app_id, sp_id) => (
            "",
            name,
            format!(
                r#"{{"app":{{"appId":"{app_id}","displayName":"{name}","servicePrincipalId":"{sp_id}","servicePrincipalName":null}}}}"#
            ),
        ),
    };
    envelope(
        buf,
        c,
        time,
        500_000 + rng.below(30_000_000) as i64,
        a.activity,
        "AuditLogs",
        "0",
        ip,
        &corr,
        Some(identity),
    );
    let _ = write!(
        buf,
        r#""id":"Directory_{corr}_{}_{}","category":"{}","correlationId":"{corr}","result":"success","resultReason":"","activityDisplayName":"{}","activityDateTime":"{}","loggedByService":"{}","operationType":"{}","userAgent":null,"initiatedBy":{initiated},"targetResources":[{}],"additionalDetails":[{}]}}}}"#,
        rng.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 5),
        10_000_000 + rng.below(89_999_999),
        a.category,
        a.activity,
        crate::generate::kit::timestamp_digits(time, 7, "+00:00"),
        a.service,
        a.operation_type,
        a.targets,
        a.details,
    );
}

fn user_target(p: &Person, props: &str) -> String {
    format!(
        r#"{{"id":"{}","displayName":null,"type":"User","userPrincipalName":"{}","groupType":null,"modifiedProperties":[{props}],"administrativeUnits":[]}}"#,
        p.id, p.upn
    )
}

fn sp_target(sp: &ServicePrincipal, props: &str) -> String {
    format!(
        r#"{{"id":"{}","displayName":"{}","type":"ServicePrincipal","userPrincipalName":null,"groupType":null,"modifiedProperties":[{props}],"administrativeUnits":[]}}"#,
        sp.sp_id, sp.name
    )
}

/// A modified property: values are JSON text inside JSON strings, as Entra writes them.
fn prop(name: &str, old: Option<&str>, new: &str) -> String {
    let old = old.map_or("null".to_string(), |o| format!("\"{o}\""));
    format!(r#"{{"displayName":"{name}","oldValue":{old},"newValue":"{new}"}}"#)
}

fn role_props(role_id: &str, (name, template): (&str, &str)) -> String {
    let mut s = [
        prop("Role.ObjectID", None, &format!("\\\"{role_id}\\\"")),
        prop("Role.DisplayName", None, &format!("\\\"{name}\\\"")),
        prop("Role.TemplateId", None, &format!("\\\"{template}\\\"")),
    ]
    .join(",");
    if name == GLOBAL_ADMIN.0 {
        s.push(',');
        s.push_str(&prop(
            "Role.WellKnownObjectName",
            None,
            "\\\"TenantAdmins\\\"",
        ));
    }
    s
}

/// A `KeyDescription` entry: `[KeyIdentifier=..,KeyType=Password,..]`, escaped for a
/// JSON string inside a JSON string.
fn key_description(key: &str, name: &str) -> String {
    format!("\\\"[KeyIdentifier={key},KeyType=Password,KeyUsage=Verify,DisplayName={name}]\\\"")
}

fn planted_audit(buf: &mut String, rng: &mut Rng, c: &Cast, time: i64, p: &Plant) {
    let admin = &c.people[rng.below(3) as usize];
    let a = match p {
        Plant::AddLegacySp => Audit {
            by: Initiator::User(admin),
            activity: "Add service principal",
            category: "ApplicationManagement",
            service: "Core Directory",
            operation_type: "Add",
            targets: sp_target(
                &c.legacy,
                &[
                    prop("AccountEnabled", None, "[true]"),
                    prop("AppPrincipalId", None, &format!("[\\\"{}\\\"]", c.legacy.app_id)),
                    prop("DisplayName", None, &format!("[\\\"{}\\\"]", c.legacy.name)),
                    prop("ServicePrincipalName", None, &format!("[\\\"{}\\\"]", c.legacy.app_id)),
                    prop("Included Updated Properties", None, "AccountEnabled, AppPrincipalId, DisplayName, ServicePrincipalName"),
                ]
                .join(","),
            ),
            details: r#"{"key":"User-Agent","value":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"},{"key":"AppId","value":"c44b4083-3bb0-49c1-b47d-974e53cbdf3c"}"#.to_string(),
        },
        Plant::AddBackupSecret => {
            let sp = &c.sps[0];
            let old = format!("[{}]", key_description(&sp.key_id, "prod-2026"));
            let new = format!(
                "[{},{}]",
                key_description(&sp.key_id, "prod-2026"),
                key_description(&c.backup_key, "backup-export")
            );
            Audit {
                by: Initiator::User(admin),
                activity: "Update application – Certificates and secrets management ",
                category: "ApplicationManagement",
                service: "Core Directory",
                operation_type: "Update",
                targets: format!(
                    r#"{{"id":"{}","displayName":"{}","type":"Application","userPrincipalName":null,"groupType":null,"modifiedProperties":[{},{}],"administrativeUnits":[]}}"#,
                    sp.app_object_id,
                    sp.name,
                    prop("KeyDescription", Some(&old), &new),
                    prop("Included Updated Properties", None, "KeyDescription"),
                ),
                details: format!(r#"{{"key":"AppId","value":"{}"}}"#, sp.app_id),
            }
        }
        Plant::GrantGlobalAdmin => Audit {
            by: Initiator::User(&c.people[0]),
            activity: "Add member to role",
            category: "RoleManagement",
            service: "Core Directory",
            operation_type: "Assign",
            targets: user_target(&c.people[3], &role_props(&c.role_ids.0, GLOBAL_ADMIN)),
            details: String::new(),
        },
        Plant::GrantAppAdminToSp => Audit {
            by: Initiator::User(&c.people[0]),
            activity: "Add member to role",
            category: "RoleManagement",
            service: "Core Directory",
            operation_type: "Assign",
            targets: sp_target(&c.sps[2], &role_props(&c.role_ids.1, APP_ADMIN)),
            details: String::new(),
        },
        Plant::AddCaPolicy | Plant::UpdateCaPolicy => {
            let add = matches!(p, Plant::AddCaPolicy);
            ca_policy(c, admin, add)
        }
        Plant::LegacySignIn | Plant::InvoiceSignIn | Plant::InvoiceRiskDetection => {
            unreachable!("a sign-in or a risk detection, not an audit")
        }
    };
    audit(buf, rng, c, time, a);
}

fn ca_policy<'a>(c: &'a Cast, admin: &'a Person, add: bool) -> Audit<'a> {
    let doc = format!(
        r#"{{\"id\":\"{}\",\"displayName\":\"Require MFA for admins\",\"state\":\"enabled\",\"conditions\":{{\"applications\":{{\"includeApplications\":[\"All\"]}},\"users\":{{\"includeRoles\":[\"{}\",\"{}\"]}}}},\"grantControls\":{{\"operator\":\"OR\",\"builtInControls\":[\"mfa\"]}}}}"#,
        c.ca_policy, GLOBAL_ADMIN.1, APP_ADMIN.1
    );
    let old = (!add).then(|| doc.replace("enabled", "enabledForReportingButNotEnforced"));
    Audit {
        by: Initiator::User(admin),
        activity: if add {
            "Add conditional access policy"
        } else {
            "Update conditional access policy"
        },
        category: "Policy",
        service: "Conditional Access",
        operation_type: if add { "Add" } else { "Update" },
        targets: format!(
            r#"{{"id":"{}","displayName":"Require MFA for admins","type":"Policy","userPrincipalName":null,"groupType":null,"modifiedProperties":[{}],"administrativeUnits":[]}}"#,
            c.ca_policy,
            prop("ConditionalAccessPolicy", old.as_deref(), &doc)
        ),
        details: String::new(),
    }
}

fn background_audit(buf: &mut String, rng: &mut Rng, c: &Cast, time: i64) {
    // provisioning update, group membership, admin user update, password reset,
    // policy update
    const WEIGHTS: &[u32] = &[45, 35, 10, 8, 2];
    let admin = &c.people[rng.below(3) as usize];
    let p = &c.people[rng.below(c.people.len() as u64) as usize];
    let a = match rng.weighted(WEIGHTS) {
        0 => {
            let (name, app_id, sp_id) = &c.provisioning;
            let dept = *rng.pick(&["Engineering", "Finance", "Sales", "Operations"]);
            Audit {
                by: Initiator::App(name, app_id, sp_id),
                activity: "Update user",
                category: "UserManagement",
                service: "Core Directory",
                operation_type: "Update",
                targets: user_target(
                    p,
                    &[
                        prop(
                            "Department",
                            Some("[\\\"Operations\\\"]"),
                            &format!("[\\\"{dept}\\\"]"),
                        ),
                        prop("Included Updated Properties", None, "Department"),
                        prop("TargetId.UserType", None, "\\\"Member\\\""),
                    ]
                    .join(","),
                ),
                details: format!(
                    r#"{{"key":"UserType","value":"Member"}},{{"key":"AppId","value":"{app_id}"}}"#
                ),
            }
        }
        1 => {
            let (gid, gname) = rng.pick(&c.groups);
            Audit {
                by: Initiator::User(admin),
                activity: "Add member to group",
                category: "GroupManagement",
                service: "Core Directory",
                operation_type: "Assign",
                targets: format!(
                    r#"{},{{"id":"{gid}","displayName":"{gname}","type":"Group","userPrincipalName":null,"groupType":"unifiedGroups","modifiedProperties":[],"administrativeUnits":[]}}"#,
                    user_target(
                        p,
                        &[
                            prop("Group.ObjectID", None, &format!("\\\"{gid}\\\"")),
                            prop("Group.DisplayName", None, &format!("\\\"{gname}\\\"")),
                        ]
                        .join(",")
                    )
                ),
                details:
                    r#"{"key":"User-Agent","value":"Microsoft Azure Graph Client Library 1.0"}"#
                        .to_string(),
            }
        }
        2 => Audit {
            by: Initiator::User(admin),
            activity: "Update user",
            category: "UserManagement",
            service: "Core Directory",
            operation_type: "Update",
            targets: user_target(
                p,
                &[
                    prop("JobTitle", Some("[]"), "[\\\"Senior Engineer\\\"]"),
                    prop("Included Updated Properties", None, "JobTitle"),
                ]
                .join(","),
            ),
            details: r#"{"key":"UserType","value":"Member"}"#.to_string(),
        },
        3 => Audit {
            by: Initiator::User(admin),
            activity: "Reset user password",
            category: "UserManagement",
            service: "Core Directory",
            operation_type: "Update",
            targets: user_target(p, ""),
            details: String::new(),
        },
        _ => ca_policy(c, admin, false),
    };
    audit(buf, rng, c, time, a);
}
