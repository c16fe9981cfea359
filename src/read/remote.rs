//! Inputs in object storage: listing a prefix into [`InputFile`]s, and reading the
//! objects ahead of the reader thread, several at a time, with bounded memory.
//!
//! Listing is object_store's paged listing, taken as a stream: per page, objects of a
//! readable name ([`super::FOLDER_EXTENSIONS`]) are kept as inputs (URL, size, ETag)
//! and the rest counted as passed over; then the inputs are sorted by key, as a folder
//! is walked in name order. A URL that names one object reads that object whatever its
//! name.
//!
//! [`Prefetch`] hands the reader thread one [`Read`] per object, in input order, while
//! up to [`AHEAD`] objects are being fetched concurrently on a small runtime of its own:
//! each object's body is pumped into a channel of [`FRAMES`] buffers, so at most
//! `AHEAD × FRAMES` body frames are held however large the objects are. Each GET asks
//! for the ETag seen in the listing (`If-Match`): an object replaced since is an error
//! for that object, so the ETag a run records is that of the bytes it read.

use std::io::{self, Read};
use std::sync::Arc;

use bytes::Bytes;
use datafusion::object_store::path::Path as StorePath;
use datafusion::object_store::{self, GetOptions, ObjectMeta, ObjectStore, ObjectStoreExt};
use futures::StreamExt;

use super::{Discovered, FOLDER_EXTENSIONS, InputFile};
use crate::error::{Error, Result};
use crate::location::{ObjectUrl, StoreOptions, block_on, runtime};

/// An input that is an object in a store.
#[derive(Debug, Clone)]
pub struct Object {
    pub store: Arc<dyn ObjectStore>,
    pub location: StorePath,
    /// As listed; what incremental ingest recognizes it by, with its size and URL.
    pub etag: Option<String>,
}

/// Objects fetched concurrently ahead of the one being read.
pub const AHEAD: usize = 8;
/// Body frames buffered per object being fetched.
pub const FRAMES: usize = 16;

/// An object store error in words a user can act on, naming the URL. Stores report
/// a refused credential or a missing bucket as a generic error with the HTTP status and
/// the store's code in its text, so that text is looked at too.
pub(crate) fn store_error(url: &str, what: &str, e: &object_store::Error) -> Error {
    const CREDENTIALS: &str = " (check the credentials: AWS_ACCESS_KEY_ID and \
        AWS_SECRET_ACCESS_KEY or AWS_PROFILE, GOOGLE_APPLICATION_CREDENTIALS, \
        AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY)";
    const MISSING: &str = " (no such bucket, container or object: check the URL)";
    let text = e.to_string();
    let denied = [
        "403 Forbidden",
        "401 Unauthorized",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "AccessDenied",
        "AuthenticationFailed",
        "AuthorizationFailure",
    ];
    let missing = ["NoSuchBucket", "ContainerNotFound", "404 Not Found"];
    let hint = match e {
        object_store::Error::NotFound { .. } => MISSING,
        object_store::Error::PermissionDenied { .. }
        | object_store::Error::Unauthenticated { .. } => CREDENTIALS,
        _ if denied.iter().any(|d| text.contains(d)) => CREDENTIALS,
        _ if missing.iter().any(|m| text.contains(m)) => MISSING,
        _ => "",
    };
    Error::Input {
        path: url.to_string(),
        message: format!("cannot {what}: {}{hint}", text.trim_end()),
    }
}

/// The inputs under `url`: the object it names, or the objects under it as a prefix.
pub fn discover(url: &ObjectUrl, opts: &StoreOptions, found: &mut Discovered) -> Result<()> {
    let (store, prefix) = crate::location::open(url, opts)?;
    let shown = url.to_string();
    block_on(async {
        // A URL that ends in `/` is a prefix; else it may name one object.
        if !prefix.as_ref().is_empty() && !url.url.path().ends_with('/') {
            match store.head(&prefix).await {
                Ok(meta) => {
                    found.files.push(input(url, &store, meta));
                    return Ok(());
                }
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(store_error(&shown, "look it up", &e)),
            }
        }
        let mut listing = store.list(Some(&prefix));
        let mut files = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(|e| store_error(&shown, "list it", &e))?;
            let name = meta.location.filename().unwrap_or_default();
            if name.starts_with('.') {
                continue;
            }
            let lower = name.to_ascii_lowercase();
            if FOLDER_EXTENSIONS.iter().any(|x| lower.ends_with(x)) {
                files.push(input(url, &store, meta));
            } else {
                found.passed_over.push(url.object(&meta.location));
            }
        }
        files.sort_by(|a, b| a.display.cmp(&b.display));
        found.files.extend(files);
        Ok(())
    })
}

fn input(url: &ObjectUrl, store: &Arc<dyn ObjectStore>, meta: ObjectMeta) -> InputFile {
    InputFile {
        path: None,
        display: url.object(&meta.location),
        tenant_hint: super::tenant_hint(std::path::Path::new(meta.location.as_ref())),
        size: Some(meta.size),
        object: Some(Object {
            store: store.clone(),
            location: meta.location,
            etag: meta.e_tag,
        }),
    }
}

/// What the reader thread reads an object through: its body's frames, as they come.
pub struct ObjectReader {
    frames: tokio::sync::mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.frames.blocking_recv() {
                Some(Ok(b)) => self.current = b,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// Start fetching `o`: the GET is sent and its body pumped into a bounded channel.
async fn start(url: String, o: Object) -> Result<ObjectReader> {
    let options = GetOptions {
        if_match: o.etag.clone(),
        ..Default::default()
    };
    let got = o
        .store
        .get_opts(&o.location, options)
        .await
        .map_err(|e| match e {
            object_store::Error::Precondition { .. } => Error::Input {
                path: url.clone(),
                message: "the object was replaced after it was listed (its ETag changed): \
                          ingest again to read the new one"
                    .into(),
            },
            e => store_error(&url, "read it", &e),
        })?;
    let (tx, rx) = tokio::sync::mpsc::channel(FRAMES);
    tokio::spawn(async move {
        let mut body = got.into_stream();
        while let Some(frame) = body.next().await {
            let frame = frame.map_err(|e| io::Error::other(format!("reading {url}: {e}")));
            let failed = frame.is_err();
            if tx.send(frame).await.is_err() || failed {
                break;
            }
        }
    });
    Ok(ObjectReader {
        frames: rx,
        current: Bytes::new(),
    })
}

/// The objects among a run's inputs, fetched ahead of the reader in input order.
pub struct Prefetch {
    next: tokio::sync::mpsc::Receiver<Result<ObjectReader>>,
}

impl Prefetch {
    /// Start fetching the objects of `files` (other inputs are left to the caller).
    pub fn new(files: &[InputFile]) -> Option<Prefetch> {
        let objects: Vec<(String, Object)> = files
            .iter()
            .filter_map(|f| f.object.clone().map(|o| (f.display.clone(), o)))
            .collect();
        if objects.is_empty() {
            return None;
        }
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        runtime().spawn(async move {
            let mut opened = futures::stream::iter(objects)
                .map(|(url, o)| start(url, o))
                .buffered(AHEAD);
            while let Some(r) = opened.next().await {
                if tx.send(r).await.is_err() {
                    break;
                }
            }
        });
        Some(Prefetch { next: rx })
    }

    /// The next object's reader: call once per object input, in input order, from a
    /// thread outside any runtime.
    pub fn next_object(&mut self) -> Result<ObjectReader> {
        self.next.blocking_recv().unwrap_or_else(|| {
            Err(Error::Input {
                path: "<object store>".into(),
                message: "the object fetcher stopped".into(),
            })
        })
    }
}
