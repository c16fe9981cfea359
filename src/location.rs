//! Where a thing the command line names lives: a local path, or an object in a bucket
//! (`s3://bucket/prefix`, `gs://bucket/prefix`, `az://container/prefix`). This module
//! owns the one rule that a string spelled like a URL (`<scheme>://…`) is never taken
//! as a local path: a scheme trailcheck reads is an [`ObjectUrl`], `file://` is the
//! path it names, and any other is refused with an error naming it ([`Location::parse`]
//! for inputs and `--lake`, [`local_path`] for options that take a local path).
//! With the `cloud` feature it also opens the object store of a URL ([`open`]), with
//! each cloud's usual credential chain; the reading itself is [`crate::read::remote`].

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use datafusion::object_store::ObjectStore;
use datafusion::object_store::path::Path as StorePath;

use crate::error::{Error, Result};

/// The object stores trailcheck reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// Amazon S3 and S3-compatible stores (MinIO, Ceph, R2, … through `--endpoint`).
    S3,
    /// Google Cloud Storage.
    Gcs,
    /// Azure Blob Storage and ADLS Gen2.
    Azure,
}

impl StoreKind {
    /// The URL schemes of each store (as object_store's `ObjectStoreScheme` reads them).
    const SCHEMES: &[(&str, StoreKind)] = &[
        ("s3", StoreKind::S3),
        ("s3a", StoreKind::S3),
        ("gs", StoreKind::Gcs),
        ("az", StoreKind::Azure),
        ("azure", StoreKind::Azure),
        ("adl", StoreKind::Azure),
        ("abfs", StoreKind::Azure),
        ("abfss", StoreKind::Azure),
    ];

    fn of_scheme(scheme: &str) -> Option<StoreKind> {
        Self::SCHEMES
            .iter()
            .find(|(s, _)| *s == scheme)
            .map(|(_, k)| *k)
    }
}

/// What a URL trailcheck reads looks like, for messages.
pub const EXPECTED: &str =
    "a local path, or s3://bucket/prefix, gs://bucket/prefix or az://container/prefix";

/// An object-store URL: a bucket (container) and a prefix or object key in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectUrl {
    pub url: url::Url,
    pub kind: StoreKind,
}

impl std::fmt::Display for ObjectUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.url.as_str())
    }
}

impl ObjectUrl {
    /// The URL of an object of this URL's store (bucket or container) at `location`:
    /// how an object is named in provenance, rejects, runs and messages.
    pub fn object(&self, location: &StorePath) -> String {
        let mut u = self.url.clone();
        u.set_path(&format!("/{}", location.as_ref()));
        u.set_query(None);
        u.set_fragment(None);
        u.to_string()
    }
}

/// A local path or an object-store URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Local(PathBuf),
    Object(ObjectUrl),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Local(p) => write!(f, "{}", p.display()),
            Location::Object(u) => write!(f, "{u}"),
        }
    }
}

/// The scheme of `s` when it is spelled like a URL (`<scheme>://`), lowercased.
pub fn url_scheme(s: &str) -> Option<String> {
    let (scheme, _) = s.split_once("://")?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

impl Location {
    /// Read one command-line input or lake: a path, `file://` (the path it names), or a
    /// URL of a store trailcheck reads; any other URL is an error, never a path.
    pub fn parse(s: &str) -> Result<Location> {
        let Some(scheme) = url_scheme(s) else {
            return Ok(Location::Local(PathBuf::from(s)));
        };
        let bad = |why: String| Error::Usage(format!("{s}: {why}; expected {EXPECTED}"));
        let url = url::Url::parse(s).map_err(|e| bad(format!("not a valid URL ({e})")))?;
        if scheme == "file" {
            return url
                .to_file_path()
                .map(Location::Local)
                .map_err(|()| bad("not a local file URL".into()));
        }
        let Some(kind) = StoreKind::of_scheme(&scheme) else {
            return Err(bad(format!(
                "`{scheme}://` is not a storage trailcheck reads"
            )));
        };
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("names no bucket or container".into()));
        }
        Ok(Location::Object(ObjectUrl { url, kind }))
    }
}

/// Value parser of the options that take a local path (`--out`, `--output`,
/// `--claims`, …): a URL is refused (clap exits 2), `file://` gives its path.
pub fn local_path(s: &str) -> std::result::Result<PathBuf, String> {
    match Location::parse(s) {
        Ok(Location::Local(p)) => Ok(p),
        Ok(Location::Object(u)) => Err(format!(
            "{u}: this option takes a local path, not an object-store URL"
        )),
        Err(e) => Err(e.to_string().replace(EXPECTED, "a local path")),
    }
}

/// Value parser of `--lake`: a local folder, or a lake on object storage (worked on
/// through a local mirror, [`crate::lake::remote`]); any other URL is refused, never
/// taken as a folder named `s3:` or `hdfs:`.
pub fn lake_location(s: &str) -> std::result::Result<Location, String> {
    Location::parse(s).map_err(|e| e.to_string())
}

/// How to reach object stores beyond each cloud's own settings.
#[derive(Debug, Clone, Default)]
pub struct StoreOptions {
    /// `--endpoint`: an S3-compatible store's URL (MinIO, Ceph, a local test server);
    /// `http://` is allowed for it.
    pub endpoint: Option<String>,
}

/// The store of `url` and the path of its prefix (or object) in it, with the store's
/// usual credentials: for S3 the `AWS_*` environment (keys, `AWS_REGION`,
/// `AWS_ENDPOINT_URL`, web identity, container credentials), else the profile
/// `AWS_PROFILE` (or `default`) of `~/.aws/credentials`, else the instance metadata
/// service; for GCS `GOOGLE_*` (a service account file), the application default
/// credentials or the metadata server; for Azure `AZURE_STORAGE_*` (account and key,
/// SAS, service principal, the emulator), or managed identity.
#[cfg(feature = "cloud")]
pub fn open(url: &ObjectUrl, opts: &StoreOptions) -> Result<(Arc<dyn ObjectStore>, StorePath)> {
    use datafusion::object_store::ObjectStoreScheme;
    use object_store::aws::AmazonS3Builder;
    use object_store::azure::MicrosoftAzureBuilder;
    use object_store::gcp::GoogleCloudStorageBuilder;

    let fail = |e: &dyn std::fmt::Display| Error::Input {
        path: url.to_string(),
        message: format!("cannot open the store: {e}"),
    };
    let (_, prefix) = ObjectStoreScheme::parse(&url.url).map_err(|e| fail(&e))?;
    let store: Arc<dyn ObjectStore> = match url.kind {
        StoreKind::S3 => {
            let mut b = AmazonS3Builder::from_env().with_url(url.url.as_str());
            if std::env::var_os("AWS_ACCESS_KEY_ID").is_none()
                && let Some(p) = aws_profile::credentials()
            {
                b = b
                    .with_access_key_id(p.key_id)
                    .with_secret_access_key(p.secret);
                if let Some(t) = p.token {
                    b = b.with_token(t);
                }
                if let Some(r) = p.region.filter(|_| {
                    std::env::var_os("AWS_REGION").is_none()
                        && std::env::var_os("AWS_DEFAULT_REGION").is_none()
                }) {
                    b = b.with_region(r);
                }
            }
            if let Some(e) = &opts.endpoint {
                b = b.with_endpoint(e).with_allow_http(e.starts_with("http://"));
            } else if std::env::var("AWS_ENDPOINT_URL").is_ok_and(|e| e.starts_with("http://")) {
                b = b.with_allow_http(true);
            }
            Arc::new(b.build().map_err(|e| fail(&e))?)
        }
        StoreKind::Gcs => Arc::new(
            GoogleCloudStorageBuilder::from_env()
                .with_url(url.url.as_str())
                .build()
                .map_err(|e| fail(&e))?,
        ),
        StoreKind::Azure => {
            let mut b = MicrosoftAzureBuilder::from_env().with_url(url.url.as_str());
            if let Some(e) = &opts.endpoint {
                b = b
                    .with_endpoint(e.clone())
                    .with_allow_http(e.starts_with("http://"));
            }
            Arc::new(b.build().map_err(|e| fail(&e))?)
        }
    };
    Ok((store, prefix))
}

/// Without the `cloud` feature no store can be opened.
#[cfg(not(feature = "cloud"))]
pub fn open(url: &ObjectUrl, _: &StoreOptions) -> Result<(Arc<dyn ObjectStore>, StorePath)> {
    Err(Error::Input {
        path: url.to_string(),
        message: "this trailcheck was built without the `cloud` feature: it reads \
                  local files only"
            .into(),
    })
}

/// The runtime that lists and fetches objects: two threads, apart from the callers'
/// (the ingest pipeline's and the lake mirror's callers are plain threads; a caller inside another runtime
/// is served from a thread of its own, see [`block_on`]).
pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("trailcheck-store")
            .enable_all()
            .build()
            .expect("object store runtime")
    })
}

/// Run `fut` to completion from synchronous code, also when called from within a
/// runtime (where blocking on another would panic).
pub(crate) fn block_on<F: std::future::Future + Send>(fut: F) -> F::Output
where
    F::Output: Send,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|s| {
            s.spawn(|| runtime().block_on(fut))
                .join()
                .expect("object store thread")
        })
    } else {
        runtime().block_on(fut)
    }
}

/// The `[profile]` of `~/.aws/credentials` (`AWS_SHARED_CREDENTIALS_FILE`) named by
/// `AWS_PROFILE` (else `default`), with its region from `~/.aws/config`
/// (`AWS_CONFIG_FILE`): the AWS CLI's profiles, which object_store does not read.
#[cfg(feature = "cloud")]
mod aws_profile {
    use std::collections::HashMap;
    use std::path::PathBuf;

    pub struct Profile {
        pub key_id: String,
        pub secret: String,
        pub token: Option<String>,
        pub region: Option<String>,
    }

    /// The `key = value` lines of `[section]` of an INI file.
    pub(super) fn section(text: &str, wanted: &[String]) -> Option<HashMap<String, String>> {
        let mut current: Option<String> = None;
        let mut out: Option<HashMap<String, String>> = None;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                current = Some(name.trim().to_string());
                continue;
            }
            if current.as_ref().is_some_and(|c| wanted.contains(c))
                && let Some((k, v)) = line.split_once('=')
            {
                out.get_or_insert_with(HashMap::new)
                    .insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        out
    }

    fn home_file(env: &str, name: &str) -> Option<PathBuf> {
        std::env::var_os(env)
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".aws").join(name)))
    }

    pub fn credentials() -> Option<Profile> {
        let profile = std::env::var("AWS_PROFILE").unwrap_or_else(|_| "default".into());
        let text =
            std::fs::read_to_string(home_file("AWS_SHARED_CREDENTIALS_FILE", "credentials")?)
                .ok()?;
        let mut s = section(&text, std::slice::from_ref(&profile))?;
        let region = home_file("AWS_CONFIG_FILE", "config")
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|t| section(&t, &[format!("profile {profile}"), profile.clone()]))
            .and_then(|mut c| c.remove("region"));
        Some(Profile {
            key_id: s.remove("aws_access_key_id")?,
            secret: s.remove("aws_secret_access_key")?,
            token: s.remove("aws_session_token"),
            region,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_objects_or_refused_never_paths() {
        assert_eq!(
            Location::parse("logs/x.json").unwrap(),
            Location::Local(PathBuf::from("logs/x.json"))
        );
        assert_eq!(
            Location::parse("file:///tmp/a%20b").unwrap(),
            Location::Local(PathBuf::from("/tmp/a b"))
        );
        for (s, kind) in [
            ("s3://logs/exports", StoreKind::S3),
            ("S3://logs/exports/", StoreKind::S3),
            ("gs://b/p", StoreKind::Gcs),
            ("az://c/insights-logs-auditlogs", StoreKind::Azure),
            ("abfss://c@acct.dfs.core.windows.net/p", StoreKind::Azure),
        ] {
            match Location::parse(s).unwrap() {
                Location::Object(u) => assert_eq!(u.kind, kind, "{s}"),
                other => panic!("{s}: {other:?}"),
            }
        }
        for s in ["ftp://host/x", "http://host/x", "s3://", "hdfs://nn/x"] {
            let e = Location::parse(s).unwrap_err().to_string();
            assert!(e.starts_with(s) && e.contains("expected"), "{e}");
        }
        // A path with `://` further on is still a URL, and refused: not a folder `x:`.
        assert!(local_path("x://y").is_err());
        assert!(
            local_path("s3://b/report")
                .unwrap_err()
                .contains("local path")
        );
        assert!(
            lake_location("hdfs://nn/lake")
                .unwrap_err()
                .contains("hdfs://")
        );
        assert!(matches!(
            lake_location("s3://logs/lake"),
            Ok(Location::Object(_))
        ));
        assert_eq!(
            lake_location("./lake").unwrap(),
            Location::Local(PathBuf::from("./lake"))
        );
        assert_eq!(url_scheme("C:\\logs"), None);
        assert_eq!(url_scheme("a b://x"), None);
    }

    #[cfg(feature = "cloud")]
    #[test]
    fn aws_profiles_are_read_from_their_section() {
        let ini = "[default]\naws_access_key_id = A\n\n# c\n[profile audit]\nregion = eu-west-1\n\
                   [audit]\nAWS_ACCESS_KEY_ID=B\naws_secret_access_key = s=1\n";
        let s = aws_profile::section(ini, &["audit".into()]).unwrap();
        assert_eq!(s["aws_access_key_id"], "B");
        assert_eq!(s["aws_secret_access_key"], "s=1");
        let c = aws_profile::section(ini, &["profile audit".into(), "x".into()]).unwrap();
        assert_eq!(c["region"], "eu-west-1");
        assert!(aws_profile::section(ini, &["none".into()]).is_none());
    }

    #[test]
    fn objects_are_named_by_their_url() {
        let Location::Object(u) = Location::parse("s3://logs/AWSLogs/?x=1").unwrap() else {
            panic!()
        };
        let key = StorePath::from("AWSLogs/1/CloudTrail/eu-west-1/2026/11/27/a b.json.gz");
        assert_eq!(
            u.object(&key),
            "s3://logs/AWSLogs/1/CloudTrail/eu-west-1/2026/11/27/a%20b.json.gz"
        );
    }
}
