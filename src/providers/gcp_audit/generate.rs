//! Synthetic Google Cloud Audit Logs as a log sink exports them to Cloud Storage: one
//! JSON `LogEntry` a line, in hourly shards per log,
//! `<bucket>/cloudaudit.googleapis.com/<activity|data_access>/YYYY/MM/DD/HH:00:00_HH:59:59_S<n>.json`.
//! Entries have the full `AuditLog` shape (`authenticationInfo` with the key a service
//! account used, `requestMetadata`, `authorizationInfo` with permission types,
//! `request` / `response` / `metadata` where the method has them), nanosecond
//! `timestamp` and `receiveTimestamp`, `insertId`, `resource{type,labels}` and
//! `severity`, about 1.7 KB on average (BigQuery jobs and IAM policies are larger).
//!
//! Cast per project: eight people at the console; service accounts `ci-deployer@`
//! (deploys from CI with a JSON key), `data-pipeline@` (GKE workload identity, no key)
//! and the default compute service account reading and writing Cloud Storage, running
//! BigQuery jobs, reading secrets and minting tokens; the Google APIs service agent
//! (`<number>@cloudservices.gserviceaccount.com`) resizing instance groups. Planted:
//! service account `legacy-etl@` is created with a key on day 1, reads Cloud Storage
//! with that key daily on days 2-20 and never again (dormant machine identity, and its
//! key a dormant credential); a second key of `ci-deployer@` is created on day 15 and
//! never used (dormant credential; the account goes on with its first key);
//! `roles/owner` is granted to a person on day 12 and `roles/editor` to `ci-deployer@`
//! on day 35 (a machine holding a privileged role); a custom role is created on day 20
//! and updated on day 60. Every `SetIamPolicy` carries one binding delta, since the
//! mapper makes one event row per delta and `--events` counts rows. A trust path from
//! outside: `roles/owner` is granted to service account `gh-deployer@` on day 6, and a
//! GitHub Actions workflow (`repo:<org>/infra:ref:refs/heads/main`, through workload
//! identity federation: `principal://.../workloadIdentityPools/github/subject/...`)
//! impersonates it (`GenerateAccessToken`) every 9 days from day 7.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::generate::kit::{Container, Generator, Output, Period, Plan, Planted, Rng, at};
use crate::error::Result;

pub const GENERATOR: Generator = Generator {
    stream: 4,
    generate,
};

/// One entry a line.
const CONTAINER: Container = Container {
    prefix: "",
    separator: "\n",
    suffix: "\n",
    gzip: false,
};
/// Entries per shard before the sink starts the next (`S1`, `S2`, ..).
const MAX_PER_FILE: u64 = 50_000;

/// Streams: one per audit log, in `LOGS` order.
const ACTIVITY: usize = 0;
const DATA_ACCESS: usize = 1;
const LOGS: &[&str] = &["activity", "data_access"];
const STREAM_WEIGHTS: &[u32] = &[12, 88];

const HEX: &[u8] = b"0123456789abcdef";
const DIGITS: &[u8] = b"0123456789";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const ZONE: &str = "us-central1-a";

struct Person {
    email: String,
    agent: String,
    ip: String,
}

struct ServiceAccount {
    email: String,
    unique_id: String,
    /// The JSON key it calls with, if any.
    key: Option<String>,
    agent: &'static str,
    ip: String,
    /// Workload identity subject it runs as, if any.
    workload: Option<String>,
}

struct Cast {
    project: String,
    /// `gh-deployer@`, which GitHub Actions impersonates through workload identity.
    deployer: String,
    /// The federated principal of the GitHub workflow.
    wif_subject: String,
    number: String,
    bucket: String,
    people: Vec<Person>,
    ci: ServiceAccount,
    pipeline: ServiceAccount,
    compute: ServiceAccount,
    legacy: ServiceAccount,
    ci_key2: String,
    /// The Google APIs service agent.
    agent_sa: String,
    buckets: Vec<String>,
}

#[derive(Clone)]
enum Plant {
    CreateLegacySa,
    CreateLegacyKey,
    LegacyRead,
    CreateCiKey,
    GrantOwner,
    GrantEditorToCi,
    CreateRole,
    UpdateRole,
    GrantOwnerToDeployer,
    /// The GitHub workflow, federated in, mints a token for `gh-deployer@`.
    WifMint,
}

fn hex_id(rng: &mut Rng) -> String {
    rng.chars(HEX, 40)
}

fn cast(rng: &mut Rng, t: u32) -> Cast {
    let org = crate::generate::kit::org_name(t);
    let project = format!("{org}-prod-{}", 100_000 + rng.below(900_000));
    let number = format!("{}{}", 1 + rng.below(9), rng.chars(DIGITS, 11));
    let people = crate::generate::kit::PEOPLE[..8]
        .iter()
        .map(|(f, l)| Person {
            email: format!("{}.{}@{org}.com", f.to_lowercase(), l.to_lowercase()),
            agent: format!("{},gzip(gfe)", rng.pick(crate::generate::kit::BROWSER_AGENTS)),
            ip: rng.ip(),
        })
        .collect();
    let sa =
        |rng: &mut Rng, email: String, key: bool, agent, ip: String, workload| ServiceAccount {
            email,
            unique_id: format!("1{}", rng.chars(DIGITS, 20)),
            key: key.then(|| hex_id(rng)),
            agent,
            ip,
            workload,
        };
    let ip = rng.ip();
    let ci = sa(
        rng,
        format!("ci-deployer@{project}.iam.gserviceaccount.com"),
        true,
        "google-api-go-client/0.5 Terraform/1.9.5 (+https://www.terraform.io) Terraform-Plugin-SDK/2.33.0 terraform-provider-google/5.44.0,gzip(gfe)",
        ip,
        None,
    );
    let ip = format!("10.8.{}.{}", rng.below(16), 2 + rng.below(250));
    let pipeline = sa(
        rng,
        format!("data-pipeline@{project}.iam.gserviceaccount.com"),
        false,
        "gcloud-python/2.18.2 gl-python/3.11.9 grpc/1.66.1 gax/2.19.2 gccl/2.18.2,gzip(gfe)",
        ip,
        Some(format!(
            "serviceAccount:{project}.svc.id.goog[etl/etl-runner]"
        )),
    );
    let ip = format!("10.128.0.{}", 2 + rng.below(250));
    let compute = sa(
        rng,
        format!("{number}-compute@developer.gserviceaccount.com"),
        false,
        "google-cloud-sdk gcloud/496.0.0 command/gcloud.storage.cp invocation-id/5b1b6e0c platform/Linux/6.1.0 (x86_64) interactive/False from-script/True python/3.11.9 term/ (Linux 6.1.0-25-cloud-amd64),gzip(gfe)",
        ip,
        None,
    );
    let legacy = sa(
        rng,
        format!("legacy-etl@{project}.iam.gserviceaccount.com"),
        true,
        "gcloud-python/1.28.1 storage/1.28.1,gzip(gfe)",
        "203.0.113.140".to_string(),
        None,
    );
    let buckets = ["raw-events", "analytics-exports", "ml-features"]
        .iter()
        .map(|b| format!("{project}-{b}"))
        .collect();
    Cast {
        deployer: format!("gh-deployer@{project}.iam.gserviceaccount.com"),
        wif_subject: format!(
            "principal://iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/github/subject/repo:{org}/infra:ref:refs/heads/main"
        ),
        bucket: format!("{project}-audit-archive"),
        agent_sa: format!("{number}@cloudservices.gserviceaccount.com"),
        ci_key2: hex_id(rng),
        project,
        number,
        people,
        ci,
        pipeline,
        compute,
        legacy,
        buckets,
    }
}

fn planted() -> Vec<Planted<Plant>> {
    let mut p = vec![
        at(1, 9, 0, Plant::CreateLegacySa),
        at(1, 9, 3, Plant::CreateLegacyKey),
    ];
    p.extend((2..=20).map(|d| at(d, 2, 40, Plant::LegacyRead)));
    p.push(at(12, 11, 5, Plant::GrantOwner));
    p.push(at(15, 16, 10, Plant::CreateCiKey));
    p.push(at(20, 10, 2, Plant::CreateRole));
    p.push(at(35, 17, 20, Plant::GrantEditorToCi));
    p.push(at(60, 11, 30, Plant::UpdateRole));
    p.push(at(6, 10, 20, Plant::GrantOwnerToDeployer));
    p.extend((0..19).map(|i| at(7 + 9 * i, 15, 5, Plant::WifMint)));
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
                Some(Plant::LegacyRead | Plant::WifMint) => DATA_ACCESS,
                Some(_) => ACTIVITY,
                None => rng.weighted(STREAM_WEIGHTS),
            },
            |_rng, stream, day, time, part| {
                let (y, m, d) = crate::generate::kit::day_date(day);
                let h = time.rem_euclid(86_400_000_000) / 3_600_000_000;
                PathBuf::from(format!(
                    "{}/cloudaudit.googleapis.com/{}/{y:04}/{m:02}/{d:02}/{h:02}:00:00_{h:02}:59:59_S{}.json",
                    cast.bucket,
                    LOGS[stream],
                    part - 1
                ))
            },
            |buf, rng, time, planted, stream| entry(buf, rng, &cast, time, planted, stream),
        )?;
    }
    Ok(())
}

/// Who called.
enum Caller<'a> {
    Person(&'a Person),
    Service(&'a ServiceAccount),
    /// A Google-managed service agent (email).
    Agent(&'a str),
    /// A principal federated in through workload identity (`principal://...`): no email.
    Federated(&'a str),
}

/// The parts of one entry that vary.
struct Call<'a> {
    caller: Caller<'a>,
    /// Key the service account used, when not its own current one.
    key: Option<&'a str>,
    service: &'a str,
    method: &'a str,
    resource_name: String,
    permission: &'a str,
    /// `ADMIN_READ`, `ADMIN_WRITE`, `DATA_READ`, `DATA_WRITE`.
    permission_type: &'a str,
    /// Extra members of `protoPayload` (`"request":{..},"response":{..}`), or empty.
    payload: String,
    resource_type: &'a str,
    labels: String,
    /// A denied call.
    denied: bool,
    operation: Option<String>,
}

fn write_entry(buf: &mut String, rng: &mut Rng, c: &Cast, time: i64, log: usize, call: Call<'_>) {
    let (email, subject, key, ip, agent, workload) = match &call.caller {
        Caller::Person(p) => (
            p.email.as_str(),
            "user",
            None,
            p.ip.as_str(),
            p.agent.as_str(),
            None,
        ),
        Caller::Service(s) => (
            s.email.as_str(),
            "serviceAccount",
            call.key.or(s.key.as_deref()),
            s.ip.as_str(),
            s.agent,
            s.workload.as_deref(),
        ),
        Caller::Agent(e) => (*e, "serviceAccount", None, "", "", None),
        Caller::Federated(_) => (
            "",
            "",
            None,
            "20.42.7.19",
            "google-github-actions/auth/2.1.7 google-api-nodejs-client/9.15.1,gzip(gfe)",
            None,
        ),
    };
    let stamp = crate::generate::kit::timestamp_digits(time, 9, "Z");
    let _ = write!(
        buf,
        r#"{{"protoPayload":{{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","status":{},"authenticationInfo":{{"#,
        if call.denied {
            r#"{"code":7,"message":"PERMISSION_DENIED"}"#
        } else {
            "{}"
        }
    );
    match &call.caller {
        Caller::Federated(principal) => {
            let _ = write!(buf, r#""principalSubject":"{principal}""#);
        }
        _ => {
            let _ = write!(buf, r#""principalEmail":"{email}""#);
        }
    }
    if let Some(k) = key {
        let _ = write!(
            buf,
            r#","serviceAccountKeyName":"//iam.googleapis.com/projects/{}/serviceAccounts/{email}/keys/{k}""#,
            c.project
        );
    }
    if let Some(w) = workload {
        let _ = write!(
            buf,
            r#","serviceAccountDelegationInfo":[{{"principalSubject":"{w}"}}]"#
        );
    }
    if matches!(call.caller, Caller::Federated(_)) {
        buf.push_str(r#"},"requestMetadata":{"#);
    } else {
        let _ = write!(
            buf,
            r#","principalSubject":"{subject}:{email}"}},"requestMetadata":{{"#
        );
    }
    if !ip.is_empty() {
        let _ = write!(
            buf,
            r#""callerIp":"{ip}","callerSuppliedUserAgent":"{agent}","#
        );
    } else {
        buf.push_str(r#""callerIp":"private","#);
    }
    let _ = write!(
        buf,
        r#""requestAttributes":{{"time":"{stamp}","auth":{{}}}},"destinationAttributes":{{}}}},"serviceName":"{}","methodName":"{}","authorizationInfo":[{{"resource":"{}","permission":"{}","granted":{},"resourceAttributes":{{}},"permissionType":"{}"}}],"resourceName":"{}"{}}},"insertId":"{}","resource":{{"type":"{}","labels":{{{}}}}},"timestamp":"{stamp}","severity":"{}","logName":"projects/{}/logs/cloudaudit.googleapis.com%2F{}","#,
        call.service,
        call.method,
        call.resource_name,
        call.permission,
        !call.denied,
        call.permission_type,
        call.resource_name,
        call.payload,
        rng.chars(LOWER_ALNUM, 13),
        call.resource_type,
        call.labels,
        if call.denied {
            "ERROR"
        } else if log == ACTIVITY {
            "NOTICE"
        } else {
            "INFO"
        },
        c.project,
        LOGS[log],
    );
    if let Some(op) = &call.operation {
        let _ = write!(buf, r#""operation":{op},"#);
    }
    let _ = write!(
        buf,
        r#""receiveTimestamp":"{}"}}"#,
        crate::generate::kit::timestamp_digits(time + 200_000 + rng.below(1_500_000) as i64, 9, "Z")
    );
}

fn entry(
    buf: &mut String,
    rng: &mut Rng,
    c: &Cast,
    time: i64,
    planted: Option<&Plant>,
    stream: usize,
) {
    let call = match planted {
        Some(p) => planted_call(rng, c, time, p),
        None if stream == DATA_ACCESS => data_access(rng, c, time),
        None => admin_activity(rng, c),
    };
    let log = match planted {
        Some(Plant::LegacyRead | Plant::WifMint) => DATA_ACCESS,
        Some(_) => ACTIVITY,
        None => stream,
    };
    write_entry(buf, rng, c, time, log, call);
}

/// `GenerateAccessToken` for the service account `email` (named by `id` in the resource:
/// its email or unique id), as `caller`.
fn mint_token<'a>(caller: Caller<'a>, id: &str, email: &str, labels: String) -> Call<'a> {
    Call {
        caller,
        key: None,
        service: "iamcredentials.googleapis.com",
        method: "GenerateAccessToken",
        resource_name: format!("projects/-/serviceAccounts/{id}"),
        permission: "iam.serviceAccounts.getAccessToken",
        permission_type: "DATA_READ",
        payload: format!(
            r#","request":{{"@type":"type.googleapis.com/google.iam.credentials.v1.GenerateAccessTokenRequest","name":"projects/-/serviceAccounts/{email}"}},"metadata":{{"identityDelegationChain":["projects/-/serviceAccounts/{email}"]}}"#
        ),
        resource_type: "service_account",
        labels,
        denied: false,
        operation: None,
    }
}

fn sa_labels(c: &Cast, sa_email: &str, unique_id: &str) -> String {
    format!(
        r#""email_id":"{sa_email}","project_id":"{}","unique_id":"{unique_id}""#,
        c.project
    )
}

fn create_key<'a>(
    c: &'a Cast,
    admin: &'a Person,
    sa: &ServiceAccount,
    key: &str,
    time: i64,
) -> Call<'a> {
    Call {
        caller: Caller::Person(admin),
        key: None,
        service: "iam.googleapis.com",
        method: "google.iam.admin.v1.CreateServiceAccountKey",
        resource_name: format!("projects/-/serviceAccounts/{}", sa.unique_id),
        permission: "iam.serviceAccountKeys.create",
        permission_type: "ADMIN_WRITE",
        payload: format!(
            r#","request":{{"@type":"type.googleapis.com/google.iam.admin.v1.CreateServiceAccountKeyRequest","name":"projects/{p}/serviceAccounts/{u}","private_key_type":2}},"response":{{"@type":"type.googleapis.com/google.iam.admin.v1.ServiceAccountKey","name":"projects/{p}/serviceAccounts/{e}/keys/{key}","private_key_type":2,"key_algorithm":2,"key_origin":2,"key_type":1,"valid_after_time":{{"seconds":{s}}},"valid_before_time":{{"seconds":253402300799}}}}"#,
            p = c.project,
            u = sa.unique_id,
            e = sa.email,
            s = time / 1_000_000,
        ),
        resource_type: "service_account",
        labels: sa_labels(c, &sa.email, &sa.unique_id),
        denied: false,
        operation: None,
    }
}

/// A project IAM policy change with one binding delta.
fn set_iam_policy<'a>(c: &'a Cast, admin: &'a Person, role: &str, member: &str) -> Call<'a> {
    let p = &c.project;
    let policy = format!(
        r#"{{"bindings":[{{"role":"roles/owner","members":["user:{owner}"]}},{{"role":"{role}","members":["{member}"]}},{{"role":"roles/editor","members":["serviceAccount:{n}@cloudservices.gserviceaccount.com"]}},{{"role":"roles/compute.serviceAgent","members":["serviceAccount:service-{n}@compute-system.iam.gserviceaccount.com"]}},{{"role":"roles/storage.objectViewer","members":["serviceAccount:data-pipeline@{p}.iam.gserviceaccount.com"]}}],"etag":"BwYj{}","version":1}}"#,
        &c.number[..6],
        owner = c.people[0].email,
        n = c.number,
    );
    Call {
        caller: Caller::Person(admin),
        key: None,
        service: "cloudresourcemanager.googleapis.com",
        method: "SetIamPolicy",
        resource_name: format!("projects/{p}"),
        permission: "resourcemanager.projects.setIamPolicy",
        permission_type: "ADMIN_WRITE",
        payload: format!(
            r#","serviceData":{{"@type":"type.googleapis.com/google.iam.v1.logging.AuditData","policyDelta":{{"bindingDeltas":[{{"action":"ADD","role":"{role}","member":"{member}"}}]}}}},"request":{{"@type":"type.googleapis.com/google.iam.v1.SetIamPolicyRequest","resource":"{p}","policy":{policy}}},"response":{policy}"#
        ),
        resource_type: "project",
        labels: format!(r#""project_id":"{p}""#),
        denied: false,
        operation: None,
    }
}

fn role_change<'a>(c: &'a Cast, admin: &'a Person, create: bool) -> Call<'a> {
    let p = &c.project;
    let (method, permission, verb) = if create {
        (
            "google.iam.admin.v1.CreateRole",
            "iam.roles.create",
            "CreateRoleRequest",
        )
    } else {
        (
            "google.iam.admin.v1.UpdateRole",
            "iam.roles.update",
            "UpdateRoleRequest",
        )
    };
    let perms = if create {
        r#"["storage.buckets.get","storage.buckets.list","storage.objects.list"]"#
    } else {
        r#"["storage.buckets.get","storage.buckets.list","storage.objects.list","storage.objects.get"]"#
    };
    Call {
        caller: Caller::Person(admin),
        key: None,
        service: "iam.googleapis.com",
        method,
        resource_name: format!("projects/{p}/roles/storageAuditor"),
        permission,
        permission_type: "ADMIN_WRITE",
        payload: format!(
            r#","request":{{"@type":"type.googleapis.com/google.iam.admin.v1.{verb}","parent":"projects/{p}","role_id":"storageAuditor","role":{{"title":"Storage Auditor","included_permissions":{perms},"stage":2}}}},"response":{{"@type":"type.googleapis.com/google.iam.admin.v1.Role","name":"projects/{p}/roles/storageAuditor","title":"Storage Auditor","included_permissions":{perms},"stage":2,"etag":"BwYk"}}"#
        ),
        resource_type: "iam_role",
        labels: format!(r#""project_id":"{p}","role_name":"projects/{p}/roles/storageAuditor""#),
        denied: false,
        operation: None,
    }
}

fn planted_call<'a>(rng: &mut Rng, c: &'a Cast, time: i64, p: &Plant) -> Call<'a> {
    let admin = &c.people[rng.below(3) as usize];
    match p {
        Plant::CreateLegacySa => {
            let sa = &c.legacy;
            Call {
                caller: Caller::Person(admin),
                key: None,
                service: "iam.googleapis.com",
                method: "google.iam.admin.v1.CreateServiceAccount",
                resource_name: format!("projects/{}", c.project),
                permission: "iam.serviceAccounts.create",
                permission_type: "ADMIN_WRITE",
                payload: format!(
                    r#","request":{{"@type":"type.googleapis.com/google.iam.admin.v1.CreateServiceAccountRequest","name":"projects/{p}","account_id":"legacy-etl","service_account":{{"display_name":"Legacy ETL (nightly exports)"}}}},"response":{{"@type":"type.googleapis.com/google.iam.admin.v1.ServiceAccount","name":"projects/{p}/serviceAccounts/{e}","project_id":"{p}","unique_id":"{u}","email":"{e}","display_name":"Legacy ETL (nightly exports)","etag":"MDEwMjE5MjA=","oauth2_client_id":"{u}"}}"#,
                    p = c.project,
                    e = sa.email,
                    u = sa.unique_id,
                ),
                resource_type: "service_account",
                labels: sa_labels(c, &sa.email, &sa.unique_id),
                denied: false,
                operation: None,
            }
        }
        Plant::CreateLegacyKey => create_key(
            c,
            admin,
            &c.legacy,
            c.legacy.key.as_deref().expect("key"),
            time,
        ),
        Plant::LegacyRead => storage(rng, c, Caller::Service(&c.legacy), "get", 0),
        Plant::CreateCiKey => create_key(c, admin, &c.ci, &c.ci_key2, time),
        Plant::GrantOwner => set_iam_policy(
            c,
            &c.people[0],
            "roles/owner",
            &format!("user:{}", c.people[3].email),
        ),
        Plant::GrantEditorToCi => set_iam_policy(
            c,
            &c.people[0],
            "roles/editor",
            &format!("serviceAccount:{}", c.ci.email),
        ),
        Plant::CreateRole => role_change(c, admin, true),
        Plant::UpdateRole => role_change(c, admin, false),
        Plant::GrantOwnerToDeployer => set_iam_policy(
            c,
            &c.people[0],
            "roles/owner",
            &format!("serviceAccount:{}", c.deployer),
        ),
        Plant::WifMint => mint_token(
            Caller::Federated(&c.wif_subject),
            &c.deployer,
            &c.deployer,
            format!(r#""email_id":"{}","project_id":"{}""#, c.deployer, c.project),
        ),
    }
}

/// A Cloud Storage object call: `get`, `list` or `create`, on bucket `b`.
fn storage<'a>(
    rng: &mut Rng,
    c: &'a Cast,
    caller: Caller<'a>,
    verb: &'a str,
    b: usize,
) -> Call<'a> {
    let bucket = &c.buckets[b];
    let (method, permission, kind, name) = match verb {
        "list" => (
            "storage.objects.list",
            "storage.objects.list",
            "DATA_READ",
            format!("projects/_/buckets/{bucket}"),
        ),
        "create" => (
            "storage.objects.create",
            "storage.objects.create",
            "DATA_WRITE",
            format!(
                "projects/_/buckets/{bucket}/objects/dt=2026-{:02}-{:02}/part-{:05}.parquet",
                1 + rng.below(12),
                1 + rng.below(28),
                rng.below(2000)
            ),
        ),
        _ => (
            "storage.objects.get",
            "storage.objects.get",
            "DATA_READ",
            format!(
                "projects/_/buckets/{bucket}/objects/events/2026/{:02}/{:02}/batch-{:06}.json.gz",
                1 + rng.below(12),
                1 + rng.below(28),
                rng.below(1_000_000)
            ),
        ),
    };
    Call {
        caller,
        key: None,
        service: "storage.googleapis.com",
        method,
        resource_name: name,
        permission,
        permission_type: kind,
        payload: r#","resourceLocation":{"currentLocations":["us-central1"]}"#.to_string(),
        resource_type: "gcs_bucket",
        labels: format!(
            r#""bucket_name":"{bucket}","location":"us-central1","project_id":"{}""#,
            c.project
        ),
        denied: false,
        operation: None,
    }
}

fn data_access<'a>(rng: &mut Rng, c: &'a Cast, time: i64) -> Call<'a> {
    // Who: ci-deployer, data-pipeline, compute default, a person.
    let caller = match rng.weighted(&[18, 37, 25, 20]) {
        0 => Caller::Service(&c.ci),
        1 => Caller::Service(&c.pipeline),
        2 => Caller::Service(&c.compute),
        _ => Caller::Person(&c.people[rng.below(c.people.len() as u64) as usize]),
    };
    // What: object get, list, create, BigQuery job, secret, token.
    let bucket = rng.below(3) as usize;
    let mut call = match rng.weighted(&[32, 14, 12, 18, 14, 10]) {
        0 => storage(rng, c, caller, "get", bucket),
        1 => storage(rng, c, caller, "list", bucket),
        2 => storage(rng, c, caller, "create", bucket),
        3 => bigquery(rng, c, caller, time),
        4 => {
            let secret = *rng.pick(&["db-password", "stripe-api-key", "slack-webhook-url"]);
            Call {
                caller,
                key: None,
                service: "secretmanager.googleapis.com",
                method: "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion",
                resource_name: format!(
                    "projects/{}/secrets/{secret}/versions/{}",
                    c.number,
                    1 + rng.below(6)
                ),
                permission: "secretmanager.versions.access",
                permission_type: "DATA_READ",
                payload: format!(
                    r#","request":{{"@type":"type.googleapis.com/google.cloud.secretmanager.v1.AccessSecretVersionRequest","name":"projects/{}/secrets/{secret}/versions/latest"}}"#,
                    c.number
                ),
                resource_type: "audited_resource",
                labels: format!(
                    r#""method":"google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion","project_id":"{}","service":"secretmanager.googleapis.com""#,
                    c.project
                ),
                denied: false,
                operation: None,
            }
        }
        _ => {
            // Impersonation: the caller mints a token for data-pipeline@.
            let target = &c.pipeline;
            mint_token(
                caller,
                &target.unique_id,
                &target.email,
                sa_labels(c, &target.email, &target.unique_id),
            )
        }
    };
    call.denied = rng.chance(0.01);
    call
}

fn bigquery<'a>(rng: &mut Rng, c: &'a Cast, caller: Caller<'a>, time: i64) -> Call<'a> {
    let p = &c.project;
    let job = format!("bquxjob_{}_{:x}", rng.chars(HEX, 8), rng.u64() >> 20);
    let (dataset, table) = *rng.pick(&[
        ("analytics", "daily_active_users"),
        ("analytics", "sessions"),
        ("finance", "invoices"),
        ("ml", "features_v3"),
    ]);
    let bytes = 10_485_760 * (1 + rng.below(400));
    let start = crate::generate::kit::timestamp(time - 2_000_000, true);
    let end = crate::generate::kit::timestamp(time, true);
    Call {
        caller,
        key: None,
        service: "bigquery.googleapis.com",
        method: "google.cloud.bigquery.v2.JobService.InsertJob",
        resource_name: format!("projects/{p}/jobs/{job}"),
        permission: "bigquery.jobs.create",
        permission_type: "DATA_READ",
        payload: format!(
            r#","metadata":{{"@type":"type.googleapis.com/google.cloud.audit.BigQueryAuditMetadata","jobChange":{{"after":"DONE","job":{{"jobName":"projects/{p}/jobs/{job}","jobConfig":{{"type":"QUERY","queryConfig":{{"query":"SELECT * FROM `{p}.{dataset}.{table}` WHERE event_date = CURRENT_DATE()","destinationTable":"projects/{p}/datasets/_{anon}/tables/anon{anon}","createDisposition":"CREATE_IF_NEEDED","writeDisposition":"WRITE_TRUNCATE","priority":"QUERY_INTERACTIVE","statementType":"SELECT"}}}},"jobStatus":{{"jobState":"DONE"}},"jobStats":{{"createTime":"{start}","startTime":"{start}","endTime":"{end}","totalSlotMs":"{slot}","queryStats":{{"totalProcessedBytes":"{bytes}","totalBilledBytes":"{bytes}","billingTier":1,"referencedTables":["projects/{p}/datasets/{dataset}/tables/{table}"],"outputRowCount":"{rows}"}}}}}}}}}}"#,
            anon = rng.chars(HEX, 40),
            slot = 100 + rng.below(500_000),
            rows = rng.below(5_000_000),
        ),
        resource_type: "bigquery_project",
        labels: format!(r#""location":"US","project_id":"{p}""#),
        denied: false,
        operation: Some(format!(
            r#"{{"id":"{}-{p}:{job}","producer":"bigquery.googleapis.com","last":true}}"#,
            c.number
        )),
    }
}

fn admin_activity<'a>(rng: &mut Rng, c: &'a Cast) -> Call<'a> {
    // terraform instance insert, cloud run deploy, agent resizes group, person stops
    // an instance, person grants bucket read
    const WEIGHTS: &[u32] = &[25, 25, 25, 17, 8];
    let p = &c.project;
    let instance = format!("app-{}-{}", rng.chars(LOWER_ALNUM, 4), rng.below(100));
    let instance_call = |caller, method: &'a str, permission: &'a str, id: String| Call {
        caller,
        key: None,
        service: "compute.googleapis.com",
        method,
        resource_name: format!("projects/{p}/zones/{ZONE}/instances/{instance}"),
        permission,
        permission_type: "ADMIN_WRITE",
        payload: format!(
            r#","request":{{"@type":"type.googleapis.com/{}","name":"{instance}"}},"response":{{"@type":"type.googleapis.com/operation","id":"{id}","name":"operation-{id}","operationType":"{}","status":"RUNNING","zone":"https://www.googleapis.com/compute/v1/projects/{p}/zones/{ZONE}"}}"#,
            method.trim_start_matches("v1."),
            method.rsplit('.').next().unwrap_or("insert"),
        ),
        resource_type: "gce_instance",
        labels: format!(
            r#""instance_id":"{}","project_id":"{p}","zone":"{ZONE}""#,
            id
        ),
        denied: false,
        operation: Some(format!(
            r#"{{"id":"operation-{id}","producer":"compute.googleapis.com","first":true}}"#
        )),
    };
    match rng.weighted(WEIGHTS) {
        0 => {
            let id = format!(
                "{}",
                1_000_000_000_000_000_000 + rng.below(8_000_000_000_000_000_000)
            );
            instance_call(
                Caller::Service(&c.ci),
                "v1.compute.instances.insert",
                "compute.instances.create",
                id,
            )
        }
        1 => {
            let svc = *rng.pick(&["api", "web", "worker"]);
            Call {
                caller: Caller::Service(&c.ci),
                key: None,
                service: "run.googleapis.com",
                method: "google.cloud.run.v1.Services.ReplaceService",
                resource_name: format!("namespaces/{p}/services/{svc}"),
                permission: "run.services.update",
                permission_type: "ADMIN_WRITE",
                payload: format!(
                    r#","request":{{"@type":"type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest","name":"namespaces/{p}/services/{svc}","service":{{"spec":{{"template":{{"spec":{{"containers":[{{"image":"us-docker.pkg.dev/{p}/apps/{svc}:sha-{}"}}],"serviceAccountName":"data-pipeline@{p}.iam.gserviceaccount.com"}}}}}}}}}}"#,
                    rng.chars(HEX, 12)
                ),
                resource_type: "cloud_run_revision",
                labels: format!(
                    r#""configuration_name":"","location":"us-central1","project_id":"{p}","revision_name":"","service_name":"{svc}""#
                ),
                denied: false,
                operation: None,
            }
        }
        2 => {
            let id = format!(
                "{}",
                1_000_000_000_000_000_000 + rng.below(8_000_000_000_000_000_000)
            );
            let method = if rng.chance(0.5) {
                "v1.compute.instances.insert"
            } else {
                "v1.compute.instances.delete"
            };
            let permission = if method.ends_with("insert") {
                "compute.instances.create"
            } else {
                "compute.instances.delete"
            };
            instance_call(Caller::Agent(&c.agent_sa), method, permission, id)
        }
        3 => {
            let id = format!(
                "{}",
                1_000_000_000_000_000_000 + rng.below(8_000_000_000_000_000_000)
            );
            let person = &c.people[rng.below(c.people.len() as u64) as usize];
            instance_call(
                Caller::Person(person),
                "v1.compute.instances.stop",
                "compute.instances.stop",
                id,
            )
        }
        _ => {
            let person = &c.people[rng.below(3) as usize];
            let bucket = &c.buckets[rng.below(3) as usize];
            let member = format!("serviceAccount:{}", c.pipeline.email);
            Call {
                caller: Caller::Person(person),
                key: None,
                service: "storage.googleapis.com",
                method: "storage.setIamPermissions",
                resource_name: format!("projects/_/buckets/{bucket}"),
                permission: "storage.buckets.setIamPolicy",
                permission_type: "ADMIN_WRITE",
                payload: format!(
                    r#","serviceData":{{"@type":"type.googleapis.com/google.iam.v1.logging.AuditData","policyDelta":{{"bindingDeltas":[{{"action":"ADD","role":"roles/storage.objectViewer","member":"{member}"}}]}}}},"resourceLocation":{{"currentLocations":["us-central1"]}}"#
                ),
                resource_type: "gcs_bucket",
                labels: format!(
                    r#""bucket_name":"{bucket}","location":"us-central1","project_id":"{p}""#
                ),
                denied: false,
                operation: None,
            }
        }
    }
}
