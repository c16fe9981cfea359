//! Synthetic AWS CloudTrail trail files: gzip `{"Records":[..]}` under
//! `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`, named as CloudTrail names them,
//! one or more files per account and day. Records have the full management-event shape
//! (userIdentity with session context, TLS details, request and response elements),
//! about 1.2 KB each.
//!
//! Cast per account: people on IAM Identity Center (SSO) console sessions; machine
//! identities as IAM users with `AKIA` keys (`svc-deploy`, `svc-backup`,
//! `svc-terraform`), workload roles (EC2 instance role, Lambda and ECS task roles) and
//! AWS services assuming them. Planted: `svc-legacy-reporting` (IAM user with a key)
//! acts daily on days 1-20 and never again (dormant machine identity); a console
//! admin, IAM user `mateo.garcia` (a person: `ConsoleLogin` with MFA, then calls with
//! `userIdentity.invokedBy` `signin.amazonaws.com` and an hourly `ASIA` session key),
//! signs in on days 5-41 and is idle after (a person, never a dormant machine
//! identity: `invokedBy` does not make a machine); on day 9 this admin creates
//! `svc-data-export` with an access key that is never used (dormant credential) and
//! attaches `AmazonS3ReadOnlyAccess` to it; `AdministratorAccess` is attached to
//! `svc-deploy` on day 30 (machine holding admin). Trust paths from GitHub Actions
//! (OIDC, `token.actions.githubusercontent.com`): on day 3 role `gha-deploy` is created
//! trusting `repo:<org>/infra:*` (every branch and pull request) and given
//! `AdministratorAccess`; the `main` branch takes it every 7 days and a pull request on
//! day 45 (a federated path to admin); role `gha-audit` trusts only
//! `repo:<org>/audit:ref:refs/heads/main`, is read-only, and that branch takes it every
//! 10 days (not a path to admin).

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::generate::kit::{BASE32, Container, Generator, Output, Plan, Planted, Rng, at};
use crate::error::Result;

pub const GENERATOR: Generator = Generator {
    stream: 0,
    generate,
};

const REGION: &str = "us-east-1";
/// CloudTrail delivers a file every few minutes; a cap keeps big runs in many files.
const MAX_PER_FILE: u64 = 20_000;
const CONTAINER: Container = Container {
    prefix: "{\"Records\":[",
    separator: ",",
    suffix: "]}",
    gzip: true,
};

/// An IAM user with a long-term key.
struct KeyUser {
    name: &'static str,
    key: String,
    principal: String,
    agent: &'static str,
}

/// A workload role and how its sessions are named.
struct Role {
    name: &'static str,
    id: String,
    /// `ec2` (instance profile), `lambda` or `ecs`.
    via: &'static str,
}

/// A person on an SSO permission set.
struct Person {
    email: String,
    role: String,
    role_id: String,
    admin: bool,
}

/// An IAM user who is a person, working in the console: signs in with a password and
/// MFA, and the console calls for it with a session key (`ASIA`).
struct ConsoleUser {
    name: &'static str,
    principal: String,
    ip: String,
    agent: &'static str,
}

struct Cast {
    /// The GitHub organization whose workflows take roles here.
    org: String,
    account: String,
    users: Vec<KeyUser>,
    console: ConsoleUser,
    dormant: KeyUser,
    export_key: String,
    roles: Vec<Role>,
    people: Vec<Person>,
}

#[derive(Clone)]
enum Plant {
    /// The dormant machine identity's daily call.
    LegacyCall,
    /// The console admin signs in ...
    ConsoleLogin,
    /// ... and looks around (IAM reads through the console).
    ConsoleRead,
    /// The console admin creates `svc-data-export`, its key, and attaches a policy.
    CreateExportUser,
    CreateExportKey,
    AttachExportPolicy,
    GrantAdminToDeploy,
    AttachReadOnlyToRole,
    CreatePolicyVersion,
    /// A role GitHub Actions workflows take (`gha-deploy` or `gha-audit`): created with
    /// its trust policy, given its policy, and taken by a workflow subject.
    CreateGhaRole(Gha),
    AttachGhaPolicy(Gha),
    GhaTakesRole(Gha, &'static str),
}

/// The roles GitHub Actions takes.
#[derive(Clone, Copy)]
enum Gha {
    /// Trusts `repo:<org>/infra:*`, holds `AdministratorAccess`.
    Deploy,
    /// Trusts `repo:<org>/audit:ref:refs/heads/main`, holds `ReadOnlyAccess`.
    Audit,
}

impl Gha {
    fn role(self) -> &'static str {
        match self {
            Gha::Deploy => "gha-deploy",
            Gha::Audit => "gha-audit",
        }
    }
    fn repo(self) -> &'static str {
        match self {
            Gha::Deploy => "infra",
            Gha::Audit => "audit",
        }
    }
    /// The subject condition of its trust policy.
    fn trusted(self, org: &str) -> String {
        match self {
            Gha::Deploy => format!("repo:{org}/infra:*"),
            Gha::Audit => format!("repo:{org}/audit:ref:refs/heads/main"),
        }
    }
    fn policy(self) -> &'static str {
        match self {
            Gha::Deploy => "arn:aws:iam::aws:policy/AdministratorAccess",
            Gha::Audit => "arn:aws:iam::aws:policy/ReadOnlyAccess",
        }
    }
}

/// GitHub's OIDC issuer as an IAM OIDC provider of the account.
const GITHUB_OIDC: &str = "token.actions.githubusercontent.com";

fn cast(rng: &mut Rng, t: u32) -> Cast {
    let account = format!("{:012}", 100_000_000_000 + rng.below(899_999_999_999));
    let key_user = |rng: &mut Rng, name: &'static str, agent: &'static str| KeyUser {
        name,
        key: format!("AKIA{}", rng.chars(BASE32, 16)),
        principal: format!("AIDA{}", rng.chars(BASE32, 17)),
        agent,
    };
    let users = vec![
        key_user(
            rng,
            "svc-deploy",
            "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.5.0-1024-azure md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython exec-env/GitHub-Actions cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off command/cloudformation.deploy",
        ),
        key_user(
            rng,
            "svc-backup",
            "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/s3#1.58.2",
        ),
        key_user(
            rng,
            "svc-terraform",
            "APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.62.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.3 ua/2.0 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64",
        ),
    ];
    let dormant = key_user(
        rng,
        "svc-legacy-reporting",
        "Boto3/1.26.90 md/Botocore#1.29.90 ua/2.0 os/linux#5.10.219-208.866.amzn2.x86_64 md/arch#x86_64 lang/python#3.9.16 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.29.90",
    );
    let export_key = format!("AKIA{}", rng.chars(BASE32, 16));
    let console = ConsoleUser {
        name: "mateo.garcia",
        principal: format!("AIDA{}", rng.chars(BASE32, 17)),
        ip: rng.ip(),
        agent: crate::generate::kit::BROWSER_AGENTS[0],
    };
    let role = |rng: &mut Rng, name: &'static str, via: &'static str| Role {
        name,
        id: format!("AROA{}", rng.chars(BASE32, 17)),
        via,
    };
    let roles = vec![
        role(rng, "ec2-app-role", "ec2"),
        role(rng, "lambda-etl-role", "lambda"),
        role(rng, "ecs-task-api", "ecs"),
        role(rng, "eks-node-role", "ec2"),
    ];
    let org = crate::generate::kit::org_name(t);
    let people = crate::generate::kit::PEOPLE[..8]
        .iter()
        .enumerate()
        .map(|(i, (f, l))| {
            let admin = i < 3;
            let set = if admin {
                "AdministratorAccess"
            } else if i % 2 == 0 {
                "PowerUserAccess"
            } else {
                "ReadOnlyAccess"
            };
            Person {
                email: format!("{}.{}@{org}.com", f.to_lowercase(), l.to_lowercase()),
                role: format!("AWSReservedSSO_{set}_{:016x}", rng.u64()),
                role_id: format!("AROA{}", rng.chars(BASE32, 17)),
                admin,
            }
        })
        .collect();
    Cast {
        org: org.to_string(),
        account,
        users,
        console,
        dormant,
        export_key,
        roles,
        people,
    }
}

/// Days the console admin `mateo.garcia` works; more than `dormant_days` before the end.
const CONSOLE_DAYS: [u32; 6] = [5, 9, 16, 23, 30, 41];

fn planted() -> Vec<Planted<Plant>> {
    let mut p: Vec<_> = (1..=20).map(|d| at(d, 2, 15, Plant::LegacyCall)).collect();
    // The console admin's working days; idle from day 42 to the window's end (day 179).
    for d in CONSOLE_DAYS {
        p.push(at(d, 13, 50, Plant::ConsoleLogin));
        p.push(at(d, 13, 56, Plant::ConsoleRead));
    }
    p.push(at(9, 14, 2, Plant::CreateExportUser));
    p.push(at(9, 14, 4, Plant::CreateExportKey));
    p.push(at(9, 14, 7, Plant::AttachExportPolicy));
    p.push(at(30, 10, 41, Plant::GrantAdminToDeploy));
    p.push(at(50, 16, 5, Plant::AttachReadOnlyToRole));
    p.push(at(60, 11, 30, Plant::CreatePolicyVersion));
    for (gha, day) in [(Gha::Deploy, 3), (Gha::Audit, 4)] {
        p.push(at(day, 9, 10, Plant::CreateGhaRole(gha)));
        p.push(at(day, 9, 12, Plant::AttachGhaPolicy(gha)));
    }
    p.extend((1..=25).map(|w| at(w * 7, 14, 30, Plant::GhaTakesRole(Gha::Deploy, "ref:refs/heads/main"))));
    p.push(at(45, 16, 45, Plant::GhaTakesRole(Gha::Deploy, "pull_request")));
    p.extend((1..=17).map(|w| at(w * 10, 6, 15, Plant::GhaTakesRole(Gha::Audit, "ref:refs/heads/main"))));
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
            |rng, day, time, _part| file_path(&cast, day, time, rng),
            |buf, rng, time, planted| record(buf, rng, &cast, time, planted),
        )?;
    }
    Ok(())
}

fn file_path(cast: &Cast, day: u32, time: i64, rng: &mut Rng) -> PathBuf {
    let (y, m, d) = crate::generate::kit::day_date(day);
    let stamp = crate::generate::kit::timestamp(time, false);
    let hhmm = &stamp[11..16].replace(':', "");
    PathBuf::from(format!(
        "AWSLogs/{a}/CloudTrail/{REGION}/{y:04}/{m:02}/{d:02}/{a}_CloudTrail_{REGION}_{y:04}{m:02}{d:02}T{hhmm}Z_{s}.json.gz",
        a = cast.account,
        s = rng.chars(crate::generate::kit::ALNUM, 16),
    ))
}

/// The parts of one record that vary.
struct Call<'a> {
    identity: String,
    source: &'a str,
    name: &'a str,
    ip: String,
    agent: &'a str,
    request: String,
    response: String,
    error: Option<(&'a str, String)>,
    read_only: bool,
    /// `additionalEventData` (JSON), when the event has it.
    additional: Option<String>,
}

fn user_identity(cast: &Cast, u: &KeyUser) -> String {
    format!(
        r#"{{"type":"IAMUser","principalId":"{p}","arn":"arn:aws:iam::{a}:user/{n}","accountId":"{a}","accessKeyId":"{k}","userName":"{n}"}}"#,
        p = u.principal,
        a = cast.account,
        n = u.name,
        k = u.key
    )
}

/// A role session: one per principal and hour, as credentials from STS, instance
/// profiles and Lambda last hours and serve every call made in that time. Its
/// `ASIA` key and session name are derived from the principal and the hour, so calls
/// in the same hour share them (a new key per call would make every event a new
/// temporary credential).
fn session(cast: &Cast, principal: &str, time: &str) -> (String, String) {
    let hour = &time[..time.len().min(13)];
    let h =
        twox_hash::XxHash3_128::oneshot(format!("{}|{principal}|{hour}", cast.account).as_bytes());
    let key: String = (0..16)
        .map(|i| BASE32[((h >> (i * 5)) & 31) as usize] as char)
        .collect();
    (key, format!("{hour}:00:00Z"))
}

fn role_identity(cast: &Cast, r: &Role, time: &str) -> String {
    let (key, created) = session(cast, r.name, time);
    let id = twox_hash::XxHash3_128::oneshot(key.as_bytes());
    let session = match r.via {
        "ec2" => format!("i-0{:016x}", id as u64),
        "lambda" => "etl-nightly-loader".to_string(),
        _ => format!("{id:032x}"),
    };
    let delivery = if r.via == "ec2" {
        r#","ec2RoleDelivery":"2.0""#
    } else {
        ""
    };
    format!(
        r#"{{"type":"AssumedRole","principalId":"{id}:{session}","arn":"arn:aws:sts::{a}:assumed-role/{n}/{session}","accountId":"{a}","accessKeyId":"ASIA{key}","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"{id}","arn":"arn:aws:iam::{a}:role/{n}","accountId":"{a}","userName":"{n}"}},"attributes":{{"creationDate":"{created}","mfaAuthenticated":"false"}}{delivery}}}}}"#,
        id = r.id,
        a = cast.account,
        n = r.name,
    )
}

/// The console admin: an IAM user signing in (no key), or the console calling for it
/// (`invokedBy` `signin.amazonaws.com`, an `ASIA` session key of the sign-in session).
fn console_identity(cast: &Cast, u: &ConsoleUser, time: Option<&str>) -> String {
    let mut s = format!(
        r#"{{"type":"IAMUser","principalId":"{p}","arn":"arn:aws:iam::{a}:user/{n}","accountId":"{a}","#,
        p = u.principal,
        a = cast.account,
        n = u.name,
    );
    if let Some(time) = time {
        let (key, created) = session(cast, u.name, time);
        let _ = write!(
            s,
            r#""accessKeyId":"ASIA{key}","userName":"{n}","sessionContext":{{"sessionIssuer":{{}},"webIdFederationData":{{}},"attributes":{{"creationDate":"{created}","mfaAuthenticated":"true"}}}},"invokedBy":"signin.amazonaws.com"}}"#,
            n = u.name,
        );
    } else {
        let _ = write!(s, r#""userName":"{}"}}"#, u.name);
    }
    s
}

/// A call the console makes for the console admin.
fn console_call<'a>(
    cast: &Cast,
    time: &str,
    name: &'a str,
    request: String,
    response: String,
    read_only: bool,
) -> Call<'a> {
    Call {
        identity: console_identity(cast, &cast.console, Some(time)),
        source: "iam",
        name,
        ip: cast.console.ip.clone(),
        agent: "AWS Internal",
        request,
        response,
        error: None,
        read_only,
        additional: None,
    }
}

fn person_identity(cast: &Cast, p: &Person, time: &str) -> String {
    let (key, created) = session(cast, &p.email, time);
    format!(
        r#"{{"type":"AssumedRole","principalId":"{id}:{e}","arn":"arn:aws:sts::{a}:assumed-role/{r}/{e}","accountId":"{a}","accessKeyId":"ASIA{key}","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"{id}","arn":"arn:aws:iam::{a}:role/aws-reserved/sso.amazonaws.com/{r}","accountId":"{a}","userName":"{r}"}},"attributes":{{"creationDate":"{created}","mfaAuthenticated":"false"}}}},"sessionCredentialFromConsole":"true"}}"#,
        id = p.role_id,
        e = p.email,
        a = cast.account,
        r = p.role,
    )
}

/// Read-only calls machines make, with their service and request parameters.
const READS: &[(&str, &str)] = &[
    ("ec2", "DescribeInstances"),
    ("s3", "ListBuckets"),
    ("s3", "GetBucketLocation"),
    ("sts", "GetCallerIdentity"),
    ("logs", "DescribeLogGroups"),
    ("kms", "Decrypt"),
    ("kms", "GenerateDataKey"),
    ("secretsmanager", "GetSecretValue"),
    ("ssm", "GetParameter"),
    ("dynamodb", "DescribeTable"),
    ("cloudformation", "DescribeStacks"),
    ("iam", "ListRoles"),
];

fn read_request(rng: &mut Rng, cast: &Cast, name: &str) -> String {
    let a = &cast.account;
    match name {
        "DescribeInstances" => format!(
            r#"{{"instancesSet":{{"items":[{{"instanceId":"i-0{:016x}"}}]}},"filterSet":{{"items":[{{"name":"tag:Environment","valueSet":{{"items":[{{"value":"production"}}]}}}}]}}}}"#,
            rng.u64()
        ),
        "GetBucketLocation" => format!(
            r#"{{"bucketName":"{a}-data-{}","Host":"{a}-data-{}.s3.amazonaws.com","location":""}}"#,
            rng.below(12),
            rng.below(12)
        ),
        "DescribeLogGroups" => r#"{"logGroupNamePrefix":"/aws/lambda/","limit":50}"#.to_string(),
        "Decrypt" => format!(
            r#"{{"encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{{"aws:lambda:FunctionArn":"arn:aws:lambda:{REGION}:{a}:function:etl-nightly-loader"}}}}"#
        ),
        "GenerateDataKey" => format!(
            r#"{{"keyId":"arn:aws:kms:{REGION}:{a}:key/{}","keySpec":"AES_256","encryptionContext":{{"aws:s3:arn":"arn:aws:s3:::{a}-data-{}/exports/part-{:05}.parquet"}}}}"#,
            rng.uuid(),
            rng.below(12),
            rng.below(100_000)
        ),
        "GetSecretValue" => format!(
            r#"{{"secretId":"arn:aws:secretsmanager:{REGION}:{a}:secret:prod/db/app-{}"}}"#,
            rng.chars(crate::generate::kit::ALNUM, 6)
        ),
        "GetParameter" => format!(
            r#"{{"name":"/prod/app/feature-flags/{}","withDecryption":true}}"#,
            rng.below(40)
        ),
        "DescribeTable" => format!(r#"{{"tableName":"orders-{}"}}"#, rng.below(6)),
        "DescribeStacks" => format!(
            r#"{{"stackName":"arn:aws:cloudformation:{REGION}:{a}:stack/app-{}/{}"}}"#,
            rng.below(9),
            rng.uuid()
        ),
        "ListRoles" => r#"{"maxItems":100,"pathPrefix":"/"}"#.to_string(),
        _ => "null".to_string(),
    }
}

/// A planted IAM change made by an administrator from the console.
fn admin_iam_call<'a>(
    identity: String,
    name: &'a str,
    request: String,
    response: String,
    ip: String,
) -> Call<'a> {
    Call {
        identity,
        source: "iam",
        name,
        ip,
        agent: "AWS Internal",
        request,
        response,
        error: None,
        read_only: false,
        additional: None,
    }
}

fn record(buf: &mut String, rng: &mut Rng, cast: &Cast, micros: i64, planted: Option<&Plant>) {
    let time = crate::generate::kit::timestamp(micros, false);
    let a = cast.account.clone();
    let admin = &cast.people[rng.below(3) as usize];
    let call = match planted {
        Some(Plant::LegacyCall) => Call {
            identity: user_identity(cast, &cast.dormant),
            source: "s3",
            name: "ListBuckets",
            ip: "203.0.113.77".into(),
            agent: cast.dormant.agent,
            request: format!(r#"{{"Host":"s3.{REGION}.amazonaws.com"}}"#),
            response: "null".into(),
            error: None,
            read_only: true,
            additional: None,
        },
        Some(Plant::ConsoleLogin) => Call {
            identity: console_identity(cast, &cast.console, None),
            source: "signin",
            name: "ConsoleLogin",
            ip: cast.console.ip.clone(),
            agent: cast.console.agent,
            request: "null".into(),
            response: r#"{"ConsoleLogin":"Success"}"#.into(),
            error: None,
            read_only: false,
            additional: Some(
                r#"{"LoginTo":"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_c63b8a8f4a2e0c1d","MobileVersion":"No","MFAIdentifier":"arn:aws:iam::ACCOUNT:mfa/mateo.garcia","MFAUsed":"Yes"}"#
                    .replace("ACCOUNT", &a),
            ),
        },
        Some(Plant::ConsoleRead) => {
            let (name, request) = *rng.pick(&[
                ("ListUsers", r#"{"maxItems":1000}"#),
                ("GetAccountSummary", "null"),
                ("ListAccessKeys", r#"{"userName":"svc-backup"}"#),
                ("ListAttachedUserPolicies", r#"{"userName":"svc-deploy"}"#),
            ]);
            console_call(cast, &time, name, request.into(), "null".into(), true)
        }
        Some(Plant::CreateExportUser) => console_call(
            cast,
            &time,
            "CreateUser",
            r#"{"userName":"svc-data-export","tags":[{"key":"owner","value":"data-platform"}]}"#.into(),
            format!(
                r#"{{"user":{{"path":"/","userName":"svc-data-export","userId":"AIDA{}","arn":"arn:aws:iam::{a}:user/svc-data-export","createDate":"{}"}}}}"#,
                rng.chars(BASE32, 17),
                crate::generate::kit::timestamp(micros, false).replace('T', " ").replace('Z', "")
            ),
            false,
        ),
        Some(Plant::CreateExportKey) => console_call(
            cast,
            &time,
            "CreateAccessKey",
            r#"{"userName":"svc-data-export"}"#.into(),
            format!(
                r#"{{"accessKey":{{"userName":"svc-data-export","accessKeyId":"{}","status":"Active","createDate":"{}"}}}}"#,
                cast.export_key, time
            ),
            false,
        ),
        Some(Plant::AttachExportPolicy) => console_call(
            cast,
            &time,
            "AttachUserPolicy",
            r#"{"userName":"svc-data-export","policyArn":"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}"#.into(),
            "null".into(),
            false,
        ),
        Some(Plant::GrantAdminToDeploy) => admin_iam_call(
            person_identity(cast, admin, &time),
            "AttachUserPolicy",
            r#"{"userName":"svc-deploy","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}"#.into(),
            "null".into(),
            rng.ip(),
        ),
        Some(Plant::AttachReadOnlyToRole) => admin_iam_call(
            person_identity(cast, admin, &time),
            "AttachRolePolicy",
            r#"{"roleName":"ecs-task-api","policyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}"#.into(),
            "null".into(),
            rng.ip(),
        ),
        Some(Plant::CreatePolicyVersion) => policy_change(rng, cast, admin, &time, 1),
        Some(Plant::CreateGhaRole(gha)) => {
            let trust = serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Federated": format!("arn:aws:iam::{a}:oidc-provider/{GITHUB_OIDC}")},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {format!("{GITHUB_OIDC}:aud"): "sts.amazonaws.com"},
                        "StringLike": {format!("{GITHUB_OIDC}:sub"): gha.trusted(&cast.org)},
                    },
                }],
            });
            let request = serde_json::json!({
                "roleName": gha.role(),
                "assumeRolePolicyDocument": trust.to_string(),
                "description": format!("GitHub Actions, {}/{}", cast.org, gha.repo()),
                "maxSessionDuration": 3600,
            });
            let response = serde_json::json!({"role": {
                "path": "/", "roleName": gha.role(),
                "roleId": format!("AROA{}", rng.chars(BASE32, 17)),
                "arn": format!("arn:aws:iam::{a}:role/{}", gha.role()),
                "createDate": time.replace('T', " ").replace('Z', ""),
                "assumeRolePolicyDocument": trust.to_string(),
            }});
            admin_iam_call(
                person_identity(cast, admin, &time),
                "CreateRole",
                request.to_string(),
                response.to_string(),
                rng.ip(),
            )
        }
        Some(Plant::AttachGhaPolicy(gha)) => admin_iam_call(
            person_identity(cast, admin, &time),
            "AttachRolePolicy",
            serde_json::json!({"roleName": gha.role(), "policyArn": gha.policy()}).to_string(),
            "null".into(),
            rng.ip(),
        ),
        Some(Plant::GhaTakesRole(gha, what)) => {
            let sub = format!("repo:{}/{}:{what}", cast.org, gha.repo());
            let provider = format!("arn:aws:iam::{a}:oidc-provider/{GITHUB_OIDC}");
            let session = format!("GitHubActions-{}", rng.below(1_000_000_000));
            Call {
                identity: serde_json::json!({
                    "type": "WebIdentityUser",
                    "principalId": format!("{provider}:sts.amazonaws.com:{sub}"),
                    "userName": sub,
                    "identityProvider": provider,
                })
                .to_string(),
                source: "sts",
                name: "AssumeRoleWithWebIdentity",
                ip: format!("20.{}.{}.{}", 25 + rng.below(200), rng.below(256), 1 + rng.below(254)),
                agent: "aws-sdk-js/2.1692.0 promise configure-aws-credentials-for-github-actions",
                request: serde_json::json!({
                    "roleArn": format!("arn:aws:iam::{a}:role/{}", gha.role()),
                    "roleSessionName": session,
                    "durationSeconds": 3600,
                })
                .to_string(),
                response: serde_json::json!({
                    "credentials": {
                        "accessKeyId": format!("ASIA{}", rng.chars(BASE32, 16)),
                        "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLE",
                        "expiration": later(&time),
                    },
                    "subjectFromWebIdentityToken": sub,
                    "assumedRoleUser": {
                        "assumedRoleId": format!("AROA{}:{session}", rng.chars(BASE32, 17)),
                        "arn": format!("arn:aws:sts::{a}:assumed-role/{}/{session}", gha.role()),
                    },
                    "provider": provider,
                    "audience": "sts.amazonaws.com",
                })
                .to_string(),
                error: None,
                read_only: true,
                additional: None,
            }
        }
        None => background(rng, cast, &time),
    };
    let source = format!("{}.amazonaws.com", call.source);
    let _ = write!(
        buf,
        r#"{{"eventVersion":"1.09","userIdentity":{},"eventTime":"{time}","eventSource":"{source}","eventName":"{}","awsRegion":"{REGION}","sourceIPAddress":"{}","userAgent":"{}","#,
        call.identity, call.name, call.ip, call.agent
    );
    if let Some((code, message)) = &call.error {
        let _ = write!(buf, r#""errorCode":"{code}","errorMessage":"{message}","#);
    }
    let _ = write!(
        buf,
        r#""requestParameters":{},"responseElements":{},"#,
        call.request, call.response
    );
    if let Some(extra) = &call.additional {
        let _ = write!(buf, r#""additionalEventData":{extra},"#);
    }
    let _ = write!(
        buf,
        r#""requestID":"{}","eventID":"{}","readOnly":{},"eventType":"{}","managementEvent":true,"recipientAccountId":"{a}","eventCategory":"Management","tlsDetails":{{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"{}"}}}}"#,
        rng.uuid(),
        rng.uuid(),
        call.read_only,
        if call.name == "ConsoleLogin" {
            "AwsConsoleSignIn"
        } else {
            "AwsApiCall"
        },
        if call.source == "iam" || call.source == "sts" {
            source.clone()
        } else {
            format!("{}.{REGION}.amazonaws.com", call.source)
        }
    );
}

fn policy_change<'a>(rng: &mut Rng, cast: &Cast, p: &Person, time: &str, which: u64) -> Call<'a> {
    let a = &cast.account;
    let (source, name, request) = match which % 4 {
        0 => (
            "iam",
            "PutRolePolicy",
            format!(
                r#"{{"roleName":"lambda-etl-role","policyName":"etl-s3-access","policyDocument":"{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],\"Resource\":\"arn:aws:s3:::{a}-data-{}/*\"}}]}}"}}"#,
                rng.below(12)
            ),
        ),
        1 => (
            "iam",
            "CreatePolicyVersion",
            format!(
                r#"{{"policyArn":"arn:aws:iam::{a}:policy/app-deploy","policyDocument":"{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":[\"cloudformation:*\",\"ecs:UpdateService\"],\"Resource\":\"*\"}}]}}","setAsDefault":true}}"#
            ),
        ),
        2 => (
            "s3",
            "PutBucketPolicy",
            format!(
                r#"{{"bucketName":"{a}-data-{b}","bucketPolicy":{{"Version":"2012-10-17","Statement":[{{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{a}-data-{b}","arn:aws:s3:::{a}-data-{b}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}},"Host":"{a}-data-{b}.s3.amazonaws.com","policy":""}}"#,
                b = rng.below(12)
            ),
        ),
        _ => (
            "iam",
            "UpdateAssumeRolePolicy",
            r#"{"roleName":"ecs-task-api","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"}"#.to_string(),
        ),
    };
    Call {
        identity: person_identity(cast, p, time),
        source,
        name,
        ip: rng.ip(),
        agent: "AWS Internal",
        request,
        response: "null".into(),
        error: None,
        read_only: false,
        additional: None,
    }
}

fn background<'a>(rng: &mut Rng, cast: &'a Cast, time: &str) -> Call<'a> {
    // machine user read, role read, service assume, person read, console login,
    // denied, policy change, user assumes role
    const WEIGHTS: &[u32] = &[30, 30, 8, 15, 3, 3, 1, 5];
    match rng.weighted(WEIGHTS) {
        k @ (0 | 5) => {
            let denied = k == 5;
            let u = rng.pick(&cast.users);
            let (source, name) = *rng.pick(READS);
            Call {
                identity: user_identity(cast, u),
                source,
                name,
                ip: rng.ip(),
                agent: u.agent,
                request: read_request(rng, cast, name),
                response: "null".into(),
                error: denied.then(|| {
                    (
                        "AccessDenied",
                        format!(
                            "User: arn:aws:iam::{}:user/{} is not authorized to perform: {}:{} because no identity-based policy allows the action",
                            cast.account, u.name, source, name
                        ),
                    )
                }),
                read_only: true,
                additional: None,
            }
        }
        1 => {
            let r = rng.pick(&cast.roles);
            let (source, name) = *rng.pick(READS);
            let agent = match r.via {
                "lambda" => {
                    "Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#5.10.223-233.873.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.144"
                }
                "ecs" => {
                    "aws-sdk-java/2.26.25 Linux/5.10.220-209.869.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/21.0.4+7-LTS Java/21.0.4 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/standard"
                }
                _ => {
                    "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.173.0"
                }
            };
            Call {
                identity: role_identity(cast, r, time),
                source,
                name,
                ip: format!(
                    "10.{}.{}.{}",
                    rng.below(4),
                    rng.below(256),
                    1 + rng.below(254)
                ),
                agent,
                request: read_request(rng, cast, name),
                response: "null".into(),
                error: None,
                read_only: true,
                additional: None,
            }
        }
        2 => {
            let r = rng.pick(&cast.roles);
            let service = match r.via {
                "lambda" => "lambda.amazonaws.com",
                "ecs" => "ecs-tasks.amazonaws.com",
                _ => "ec2.amazonaws.com",
            };
            Call {
                identity: format!(r#"{{"type":"AWSService","invokedBy":"{service}"}}"#),
                source: "sts",
                name: "AssumeRole",
                ip: service.to_string(),
                agent: service_agent(service),
                request: format!(
                    r#"{{"roleArn":"arn:aws:iam::{}:role/{}","roleSessionName":"{}","durationSeconds":3600}}"#,
                    cast.account,
                    r.name,
                    rng.chars(crate::generate::kit::ALNUM, 12)
                ),
                response: format!(
                    r#"{{"credentials":{{"accessKeyId":"ASIA{}","sessionToken":"IQoJb3JpZ2luX2VjE{}","expiration":"{}"}},"assumedRoleUser":{{"assumedRoleId":"{}:{}","arn":"arn:aws:sts::{}:assumed-role/{}/{}"}}}}"#,
                    rng.chars(BASE32, 16),
                    rng.chars(crate::generate::kit::ALNUM, 48),
                    later(time),
                    r.id,
                    r.name,
                    cast.account,
                    r.name,
                    r.name
                ),
                error: None,
                read_only: true,
                additional: None,
            }
        }
        3 => {
            let p = rng.pick(&cast.people);
            let (source, name) = *rng.pick(READS);
            Call {
                identity: person_identity(cast, p, time),
                source,
                name,
                ip: rng.ip(),
                agent: "AWS Internal",
                request: read_request(rng, cast, name),
                response: "null".into(),
                error: None,
                read_only: true,
                additional: None,
            }
        }
        4 => {
            let p = rng.pick(&cast.people);
            Call {
                identity: person_identity(cast, p, time),
                source: "signin",
                name: "ConsoleLogin",
                ip: rng.ip(),
                agent: *rng.pick(crate::generate::kit::BROWSER_AGENTS),
                request: "null".into(),
                response: r#"{"ConsoleLogin":"Success"}"#.into(),
                error: None,
                read_only: false,
                additional: None,
            }
        }
        6 => {
            let admins: Vec<&Person> = cast.people.iter().filter(|p| p.admin).collect();
            let p = admins[rng.below(admins.len() as u64) as usize];
            let which = rng.below(4);
            policy_change(rng, cast, p, time, which)
        }
        _ => {
            let u = rng.pick(&cast.users);
            let r = rng.pick(&cast.roles);
            Call {
                identity: user_identity(cast, u),
                source: "sts",
                name: "AssumeRole",
                ip: rng.ip(),
                agent: u.agent,
                request: format!(
                    r#"{{"roleArn":"arn:aws:iam::{}:role/{}","roleSessionName":"{}-{}","durationSeconds":3600}}"#,
                    cast.account,
                    r.name,
                    u.name,
                    rng.below(1_000_000)
                ),
                response: format!(
                    r#"{{"credentials":{{"accessKeyId":"ASIA{}","sessionToken":"IQoJb3JpZ2luX2VjE{}","expiration":"{}"}},"assumedRoleUser":{{"assumedRoleId":"{}:{}","arn":"arn:aws:sts::{}:assumed-role/{}/{}"}}}}"#,
                    rng.chars(BASE32, 16),
                    rng.chars(crate::generate::kit::ALNUM, 48),
                    later(time),
                    r.id,
                    u.name,
                    cast.account,
                    r.name,
                    u.name
                ),
                error: None,
                read_only: true,
                additional: None,
            }
        }
    }
}

fn service_agent(service: &str) -> &'static str {
    match service {
        "lambda.amazonaws.com" => "lambda.amazonaws.com",
        "ecs-tasks.amazonaws.com" => "ecs-tasks.amazonaws.com",
        _ => "ec2.amazonaws.com",
    }
}

/// The time one hour after `time` (`YYYY-MM-DDTHH:MM:SSZ`), as STS writes expirations
/// (`Oct 31, 2026, 1:02:03 PM` in real records; RFC 3339 here so it parses everywhere).
fn later(time: &str) -> String {
    crate::time::parse_str(time)
        .map(|p| crate::generate::kit::timestamp(p.micros + 3_600_000_000, false))
        .unwrap_or_else(|_| time.to_string())
}
