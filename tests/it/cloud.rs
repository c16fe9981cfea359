//! Exports in object storage (src/location.rs, src/read/remote.rs): URLs that are not
//! a store trailcheck reads are refused, never taken as paths; `ingest s3://…` from a
//! local S3 server (moto, started here on a free loopback port) gives the same rows as
//! ingesting the same files from disk, names each object's URL, skips on a re-run what
//! it already has (by URL, size and ETag), and says clearly when a bucket is missing or
//! a credential is bad; `az://` is read from Azurite the same way. Both servers and the
//! Python clients that fill them are installed by .ci/run.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// A server child on a free loopback port, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Start `program args` (with `{port}` and `{dir}` filled in) and wait until it
/// accepts connections on its port (60 s at most).
fn start(program: &str, args: &[&str], envs: &[(&str, &str)]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            a.replace("{port}", &port.to_string())
                .replace("{dir}", dir.path().to_str().unwrap())
        })
        .collect();
    let child = Command::new(program)
        .args(&args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} (installed by .ci/run): {e}"));
    let server = Server {
        child,
        port,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{program} did not start on {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// moto's S3 server; with `auth`, every request needs credentials moto issued.
fn moto(auth: bool) -> Server {
    let envs: &[(&str, &str)] = if auth {
        &[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]
    } else {
        &[]
    };
    start(
        "python3",
        &["-m", "moto.server", "-H", "127.0.0.1", "-p", "{port}"],
        envs,
    )
}

/// The environment of a trailcheck or Python client of the local S3 server.
const S3_ENV: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", "test"),
    ("AWS_SECRET_ACCESS_KEY", "test"),
    ("AWS_REGION", "us-east-1"),
];

/// Python (boto3, azure-storage-blob) that creates a bucket or container and puts each
/// file of a folder under a prefix, keyed by its path in the folder.
const UPLOAD: &str = r#"
import os, sys
kind, endpoint, bucket, prefix, folder = sys.argv[1:6]
files = []
for root, _, names in os.walk(folder):
    for n in names:
        p = os.path.join(root, n)
        files.append((prefix + os.path.relpath(p, folder).replace(os.sep, "/"), p))
if kind == "s3":
    import boto3
    c = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test",
                     aws_secret_access_key="test", region_name="us-east-1")
    if bucket not in [b["Name"] for b in c.list_buckets().get("Buckets", [])]:
        c.create_bucket(Bucket=bucket)
    for key, p in files:
        c.upload_file(p, bucket, key)
else:
    from azure.storage.blob import BlobServiceClient
    conn = ("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            "BlobEndpoint=" + endpoint + "/devstoreaccount1;")
    svc = BlobServiceClient.from_connection_string(conn)
    c = svc.get_container_client(bucket)
    if not c.exists():
        c.create_container()
    for key, p in files:
        with open(p, "rb") as f:
            c.upload_blob(key, f, overwrite=True)
"#;

fn upload(kind: &str, endpoint: &str, bucket: &str, prefix: &str, folder: &Path) {
    let out = Command::new("python3")
        .args(["-c", UPLOAD, kind, endpoint, bucket, prefix])
        .arg(folder)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python3 with boto3 / azure-storage-blob (pip, done by .ci/run): {}",
        stderr(&out)
    );
}

/// `trailcheck ingest --json --quiet` with `envs`.
fn ingest_with(envs: &[(&str, &str)], lake: &Path, args: &[&str]) -> (serde_json::Value, Output) {
    let out = bin()
        .arg("ingest")
        .arg("--lake")
        .arg(lake)
        .args(["--json", "--quiet"])
        .args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    let summary = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (summary, out)
}

/// Every event of a lake as (event_uid, provider, tenant, raw), sorted; and the
/// `source_file` of each.
fn events(lake: &Path) -> (Vec<[Option<String>; 4]>, Vec<String>) {
    let b = read_all(&lake.join("events"));
    let cols: Vec<Vec<Option<String>>> = ["event_uid", "provider", "tenant", "raw"]
        .iter()
        .map(|c| strings(&b, c))
        .collect();
    let mut rows: Vec<[Option<String>; 4]> = (0..cols[0].len())
        .map(|i| std::array::from_fn(|c| cols[c][i].clone()))
        .collect();
    rows.sort();
    let files = strings(&b, "source_file").into_iter().flatten().collect();
    (rows, files)
}

/// A URL trailcheck does not read is an error naming it (exit 2), wherever a path
/// or an input is taken; nothing is written to a folder named after it.
#[test]
fn unsupported_urls_are_refused_never_taken_as_paths() {
    let cwd = tempfile::tempdir().unwrap();
    let okta = sample_logs("okta");
    let okta = okta.to_str().unwrap();
    let cases: Vec<(Vec<&str>, Vec<(&str, &str)>, &str)> = vec![
        (
            vec!["ingest", "ftp://host/exports"],
            vec![],
            "ftp://host/exports",
        ),
        (
            vec!["ingest", "http://host/x.json"],
            vec![],
            "http://host/x.json",
        ),
        (
            vec!["ingest", "--lake", "s3://logs/lake", okta],
            vec![],
            "s3://logs/lake",
        ),
        (
            vec!["ingest", "--lake", "hdfs://nn/lake", okta],
            vec![],
            "hdfs://nn/lake",
        ),
        (
            vec!["sql", "SELECT 1"],
            vec![("TRAILCHECK_LAKE", "gs://b/lake")],
            "gs://b/lake",
        ),
        (
            vec!["report", "--out", "s3://b/report"],
            vec![],
            "s3://b/report",
        ),
        (
            vec!["run", "--out", "az://c/report", okta],
            vec![],
            "az://c/report",
        ),
        (
            vec!["score", "--claims", "s3://b/claims.toml"],
            vec![],
            "s3://b/claims.toml",
        ),
        (vec!["sql", "-f", "gs://b/q.sql"], vec![], "gs://b/q.sql"),
        (
            vec!["sql", "SELECT 1", "--format", "csv", "-o", "s3://b/out.csv"],
            vec![],
            "s3://b/out.csv",
        ),
    ];
    for (args, envs, url) in cases {
        let out = bin()
            .current_dir(cwd.path())
            .args(&args)
            .env_remove("TRAILCHECK_LAKE")
            .envs(envs)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(url), "{args:?}: {err}");
        assert!(!err.contains("No such file"), "{args:?}: {err}");
    }
    let left: Vec<_> = std::fs::read_dir(cwd.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "written: {left:?}");
}

/// `ingest s3://…` gives the rows a local ingest of the same files gives, names each
/// object's URL, and a re-run downloads nothing it already has.
#[test]
fn ingest_from_s3_is_the_local_ingest_and_reruns_skip_what_they_have() {
    let s3 = moto(false);
    let endpoint = format!("http://127.0.0.1:{}", s3.port);
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
    upload("s3", &endpoint, "logs", "exports/", &samples);
    let d = tempfile::tempdir().unwrap();
    let (remote_lake, local_lake) = (d.path().join("remote"), d.path().join("local"));

    let s3_args = ["--endpoint", endpoint.as_str(), "s3://logs/exports/"];
    let (remote, out) = ingest_with(S3_ENV, &remote_lake, &s3_args);
    assert!(out.status.success(), "{}", stderr(&out));
    let (local, out) = ingest(&local_lake, &[samples.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(remote["providers"], local["providers"]);
    assert_eq!(remote["files"], local["files"]);
    assert_eq!(
        remote["skipped"].as_array().unwrap().len(),
        local["skipped"].as_array().unwrap().len()
    );
    assert!(total(&remote, "ingested") > 1000, "{remote}");
    let (remote_rows, remote_files) = events(&remote_lake);
    let (local_rows, _) = events(&local_lake);
    assert!(
        remote_rows == local_rows,
        "the same events, tenants and raw records"
    );
    assert!(
        remote_files
            .iter()
            .all(|f| f.starts_with("s3://logs/exports/")),
        "{:?}",
        &remote_files[..3]
    );
    // Okta's tenant comes from its `tenant=` folder, in the key as on disk.
    assert!(
        remote_files
            .iter()
            .any(|f| f.contains("/okta/tenant=acme.okta.com/"))
    );

    // Nothing new: every object skipped (no download), nothing ingested.
    let (again, out) = ingest_with(S3_ENV, &remote_lake, &s3_args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(again["files"], 0, "{again}");
    assert_eq!(again["already_ingested"], remote["files"], "{again}");
    assert_eq!(total(&again, "read"), 0);

    // One object replaced (another size and ETag): only it is read again.
    let changed = d.path().join("changed");
    std::fs::create_dir_all(changed.join("okta/tenant=acme.okta.com")).unwrap();
    let page = "okta/tenant=acme.okta.com/system-log-page-0001.json";
    let text = std::fs::read_to_string(samples.join(page)).unwrap();
    std::fs::write(changed.join(page), format!("{text}\n")).unwrap();
    upload("s3", &endpoint, "logs", "exports/", &changed);
    let (third, out) = ingest_with(S3_ENV, &remote_lake, &s3_args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(third["files"], 1, "{third}");
    assert_eq!(total(&third, "ingested"), 0, "{third}");
    assert!(total(&third, "duplicates") > 0, "{third}");

    // One object named by its URL is read whatever its name; the endpoint can come
    // from AWS_ENDPOINT_URL.
    let one = format!("s3://logs/exports/{page}");
    let mut envs = S3_ENV.to_vec();
    envs.push(("AWS_ENDPOINT_URL", endpoint.as_str()));
    let (single, out) = ingest_with(&envs, &d.path().join("single"), &[one.as_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(single["files"], 1, "{single}");
}

/// A missing bucket and a bad credential are errors naming the URL (exit 2).
#[test]
fn a_missing_bucket_or_a_bad_credential_is_a_clear_error() {
    let s3 = moto(false);
    let endpoint = format!("http://127.0.0.1:{}", s3.port);
    let d = tempfile::tempdir().unwrap();
    let (_, out) = ingest_with(
        S3_ENV,
        &d.path().join("lake"),
        &["--endpoint", &endpoint, "s3://no-such-bucket/exports/"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("s3://no-such-bucket/exports/") && err.contains("NoSuchBucket"),
        "{err}"
    );

    let locked = moto(true);
    let endpoint = format!("http://127.0.0.1:{}", locked.port);
    let (_, out) = ingest_with(
        S3_ENV,
        &d.path().join("lake"),
        &["--endpoint", &endpoint, "s3://logs/exports/"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("s3://logs/exports/") && err.contains("check the credentials"),
        "{err}"
    );
}

/// `az://container/prefix` through Azurite (the emulator's well-known account).
#[test]
fn ingest_from_azure_blob_storage() {
    let azurite = start(
        "azurite-blob",
        &[
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            "{port}",
            "--location",
            "{dir}",
            "--skipApiVersionCheck",
            "--silent",
        ],
        &[],
    );
    let endpoint = format!("http://127.0.0.1:{}", azurite.port);
    let okta = sample_logs("okta");
    upload("az", &endpoint, "insights", "logs/", &okta);
    let d = tempfile::tempdir().unwrap();
    let envs = [
        ("AZURE_STORAGE_USE_EMULATOR", "true"),
        ("AZURITE_BLOB_STORAGE_URL", endpoint.as_str()),
    ];
    let (remote, out) = ingest_with(&envs, &d.path().join("remote"), &["az://insights/logs/"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (local, out) = ingest(&d.path().join("local"), &[okta.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(remote["providers"], local["providers"]);
    assert!(total(&remote, "ingested") > 0);
    let (again, out) = ingest_with(&envs, &d.path().join("remote"), &["az://insights/logs/"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(again["files"], 0, "{again}");
    assert_eq!(again["already_ingested"], remote["files"], "{again}");
}

/// The keys under `prefix` in a bucket of the local S3 server.
fn keys(endpoint: &str, bucket: &str, prefix: &str) -> Vec<String> {
    let script = r#"
import sys, boto3
endpoint, bucket, prefix = sys.argv[1:4]
c = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test",
                 aws_secret_access_key="test", region_name="us-east-1")
for page in c.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
    for o in page.get("Contents", []):
        print(o["Key"])
"#;
    let out = Command::new("python3")
        .args(["-c", script, endpoint, bucket, prefix])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// `trailcheck <args>` against the local S3 server, with its own cache folder (a
/// fresh cache is another machine: it has nothing of the lake but what the store has).
fn tc(endpoint: &str, cache: &Path, args: &[&str]) -> Output {
    let mut envs = S3_ENV.to_vec();
    envs.push(("AWS_ENDPOINT_URL", endpoint));
    bin()
        .args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("TRAILCHECK_LAKE")
        .env("TRAILCHECK_CACHE", cache)
        .envs(envs)
        .output()
        .unwrap()
}

/// One number out of `sql --format csv` (header, then the value).
fn count(out: &Output) -> u64 {
    assert!(out.status.success(), "{}", stderr(out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.lines()
        .nth(1)
        .unwrap_or_default()
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{text}"))
}

/// `--lake s3://…`: ingest, compact and analyze commit into the store (nothing of a
/// commit is left behind: no lock, no record, no file without its run), another
/// machine reads the same rows from it, a re-run skips what the lake has, and a
/// second writer is refused while the lock is held.
#[test]
fn a_lake_on_s3() {
    let s3 = moto(false);
    let endpoint = format!("http://127.0.0.1:{}", s3.port);
    let okta = sample_logs("okta").join("tenant=acme.okta.com");
    upload("s3", &endpoint, "logs", "exports/", &okta);
    let d = tempfile::tempdir().unwrap();
    let (cache, other) = (d.path().join("cache"), d.path().join("other-machine"));
    let lake = "s3://logs/lake";
    let pages: Vec<String> = keys(&endpoint, "logs", "exports/")
        .into_iter()
        .map(|k| format!("s3://logs/{k}"))
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");

    // Two ingests, one page each: partitions with two files.
    for page in &pages {
        let out = tc(
            &endpoint,
            &cache,
            &["ingest", "--quiet", "--lake", lake, page],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let said = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(said.contains(" into s3://logs/lake\n"), "{said}");
    }
    let local = d.path().join("local");
    let (local_summary, out) = ingest(&local, &[okta.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let events = total(&local_summary, "ingested");
    let sql = |cache: &Path, q: &str| {
        count(&tc(
            &endpoint,
            cache,
            &["sql", "--format", "csv", "--lake", lake, q],
        ))
    };
    assert_eq!(sql(&other, "SELECT count(*) FROM events"), events);
    let before = keys(&endpoint, "logs", "lake/events/").len();

    // Compaction replaces the files: the store holds the one new file per partition.
    let out = tc(&endpoint, &cache, &["compact", "--lake", lake]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = keys(&endpoint, "logs", "lake/events/");
    assert!(after.len() < before, "{before} -> {after:?}");
    assert_eq!(sql(&other, "SELECT count(*) FROM events"), events);
    let out = tc(&endpoint, &cache, &["analyze", "--lake", lake]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sql(&other, "SELECT count(*) FROM runs"), 4);

    let all = keys(&endpoint, "logs", "lake/");
    assert!(
        all.iter()
            .all(|k| !k.contains("_txn/") && !k.ends_with("_lock")),
        "{all:?}"
    );
    assert!(all.iter().all(|k| !k.contains("/.")), "{all:?}");

    // Nothing new from another machine's cache: every object already ingested.
    let out = tc(
        &endpoint,
        &other,
        &[
            "ingest",
            "--json",
            "--quiet",
            "--lake",
            lake,
            "s3://logs/exports/",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (again["files"].as_u64(), again["already_ingested"].as_u64()),
        (Some(0), Some(2))
    );

    // A held lock: a writer is refused, a reader is not.
    upload_bytes(&endpoint, "logs", "lake/_lock", b"{\"pid\":1}");
    let out = tc(
        &endpoint,
        &cache,
        &["ingest", "--quiet", "--lake", lake, &pages[0]],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("another trailcheck run is writing"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sql(&cache, "SELECT count(*) FROM events"), events);
}

/// Put one object into a bucket of the local S3 server.
fn upload_bytes(endpoint: &str, bucket: &str, key: &str, body: &[u8]) {
    let d = tempfile::tempdir().unwrap();
    let name = key.rsplit('/').next().unwrap();
    std::fs::write(d.path().join(name), body).unwrap();
    let prefix = &key[..key.len() - name.len()];
    upload("s3", endpoint, bucket, prefix, d.path());
}
