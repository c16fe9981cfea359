//! A lake on object storage (`--lake s3://bucket/prefix`, `gs://…`, `az://…`), worked on
//! through a local mirror (docs/design.md section 2, "A lake on object storage").
//!
//! The store holds the lake's files under the prefix, in the layout of a local lake, and
//! is the truth; a command works on a mirror of it in the cache folder
//! (`$TRAILCHECK_CACHE`, else `$XDG_CACHE_HOME/trailcheck`, else `~/.cache/trailcheck`,
//! then `lakes/<hash of the URL>/lake`), so that everything else (the writer's
//! deduplication, incremental ingest, compaction, DataFusion sessions) is the local
//! lake's code, unchanged, and a local lake pays nothing for this.
//!
//! - [`RemoteLake::pull`] brings the mirror to what the store holds: objects it lacks or
//!   that changed (by size and ETag, kept in `objects.json` beside the mirror) are
//!   downloaded, several at a time; files the store no longer has are deleted.
//! - A writer ([`RemoteLake::lock`]) first creates the object `_lock` with a conditional
//!   put (it fails if it exists: another writer), then [`RemoteLake::recover`]s what a
//!   killed push left, pulls, lets the command commit into the mirror as usual, and
//!   [`RemoteLake::push`]es the new runs: object stores have no rename, so the run's
//!   files are put under their final names, which readers ignore until the run's
//!   `runs/<run>.parquet` exists; files a compaction replaced are named in a commit
//!   record `_txn/<run>.json` put before that run's `runs` row, deleted after it, then
//!   the record is deleted. The `runs` rows are put last, in run order: each is the
//!   moment its run becomes visible, whole.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::object_store::path::Path as StorePath;
use datafusion::object_store::{
    self, ObjectMeta, ObjectStore, ObjectStoreExt, PutMode, PutPayload,
};
use futures::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};

use super::{RECORD_VERSION, Record, is_run_id, run_of};
use crate::error::{Error, Result};
use crate::location::{ObjectUrl, StoreOptions, block_on};
use crate::read::remote::store_error;

/// Objects downloaded or uploaded at once.
const PARALLEL: usize = 8;

/// Files larger than this are uploaded in parts.
const PART: usize = 16 << 20;

/// The writer lock's object, beside the lake's folders.
const LOCK: &str = "_lock";

/// A lake on object storage and its local mirror.
pub struct RemoteLake {
    url: ObjectUrl,
    store: Arc<dyn ObjectStore>,
    prefix: StorePath,
    /// `<cache>/lakes/<hash>`: `lake/` (the mirror) and `objects.json`.
    cache: PathBuf,
}

/// The store's objects under the lake's prefix, by lake-relative path.
pub type Listing = BTreeMap<String, ObjectMeta>;

/// What the mirror holds of each object: (size, ETag) as listed when it was fetched.
type Manifest = BTreeMap<String, (u64, Option<String>)>;

/// One object fetched or put: its lake-relative path, size and ETag.
type Entry = (String, (u64, Option<String>));

/// The writer lock in the store; deleted by [`RemoteLake::unlock`] (or, best effort,
/// on drop).
pub struct StoreLock {
    store: Arc<dyn ObjectStore>,
    path: StorePath,
    released: bool,
}

impl Drop for StoreLock {
    fn drop(&mut self) {
        if !self.released {
            let (store, path) = (self.store.clone(), self.path.clone());
            let _ = block_on(async move { store.delete(&path).await });
        }
    }
}

/// The folder trailcheck caches in.
fn cache_root() -> PathBuf {
    if let Some(d) = std::env::var_os("TRAILCHECK_CACHE") {
        return PathBuf::from(d);
    }
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("trailcheck")
}

/// Whether a lake-relative path is a file of the mirror that the store holds too: not
/// the local lock, nor temporary files.
fn mirrored(rel: &str) -> bool {
    rel.split('/').all(|c| !c.starts_with('.'))
}

impl RemoteLake {
    pub fn open(url: &ObjectUrl, opts: &StoreOptions) -> Result<RemoteLake> {
        let (store, prefix) = crate::location::open(url, opts)?;
        let key = format!(
            "{}\n{}",
            url.url.as_str().trim_end_matches('/'),
            opts.endpoint
                .clone()
                .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
                .unwrap_or_default()
        );
        let hash = hex::encode(Sha256::digest(key.as_bytes()));
        Ok(RemoteLake {
            url: url.clone(),
            store,
            prefix,
            cache: cache_root().join("lakes").join(&hash[..16]),
        })
    }

    /// The local mirror's folder, where the command works.
    pub fn mirror(&self) -> PathBuf {
        self.cache.join("lake")
    }

    fn shown(&self) -> String {
        self.url.to_string()
    }

    fn key(&self, rel: &str) -> Result<StorePath> {
        let full = match self.prefix.as_ref() {
            "" => rel.to_string(),
            p => format!("{p}/{rel}"),
        };
        StorePath::parse(&full).map_err(|e| Error::lake(self.shown(), e.to_string()))
    }

    fn relative<'a>(&self, location: &'a StorePath) -> Option<&'a str> {
        match self.prefix.as_ref() {
            "" => Some(location.as_ref()),
            p => location.as_ref().strip_prefix(p)?.strip_prefix('/'),
        }
    }

    /// The lake's objects, listed again when a run committed (its `runs` row appeared)
    /// while the listing was made: a listing holds all of a run's files or none.
    pub fn list(&self) -> Result<Listing> {
        block_on(async {
            loop {
                let all: Vec<ObjectMeta> = self
                    .store
                    .list(Some(&self.prefix))
                    .try_collect()
                    .await
                    .map_err(|e| store_error(&self.shown(), "list the lake", &e))?;
                let runs: Vec<ObjectMeta> = self
                    .store
                    .list(Some(&self.key("runs")?))
                    .try_collect()
                    .await
                    .map_err(|e| store_error(&self.shown(), "list the lake", &e))?;
                let mut listing = Listing::new();
                for m in all {
                    if let Some(rel) = self
                        .relative(&m.location)
                        .filter(|r| mirrored(r) && *r != LOCK)
                    {
                        listing.insert(rel.to_string(), m);
                    }
                }
                let before: BTreeSet<&str> = listing
                    .keys()
                    .filter(|k| k.starts_with("runs/"))
                    .map(String::as_str)
                    .collect();
                let after: BTreeSet<&str> = runs
                    .iter()
                    .filter_map(|m| self.relative(&m.location))
                    .collect();
                if before == after {
                    return Ok(listing);
                }
            }
        })
    }

    /// Take the writer lock: create `_lock` unless it exists.
    pub fn lock(&self) -> Result<StoreLock> {
        let path = self.key(LOCK)?;
        let body = serde_json::json!({
            "pid": std::process::id(),
            "since": chrono::Utc::now().to_rfc3339(),
            "tool_version": crate::VERSION,
        });
        let put = block_on(self.store.put_opts(
            &path,
            PutPayload::from(body.to_string().into_bytes()),
            PutMode::Create.into(),
        ));
        match put {
            Ok(_) => Ok(StoreLock {
                store: self.store.clone(),
                path,
                released: false,
            }),
            Err(object_store::Error::AlreadyExists { .. }) => {
                let held = block_on(async {
                    let got = self.store.get(&path).await.ok()?;
                    got.bytes().await.ok()
                })
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
                Err(Error::lake(
                    self.shown(),
                    format!(
                        "another trailcheck run is writing to this lake (its lock {}/{LOCK}: \
                         {held}); if none is (it was killed), delete that object",
                        self.shown().trim_end_matches('/')
                    ),
                ))
            }
            Err(e) => Err(store_error(&self.shown(), "lock the lake", &e)),
        }
    }

    /// Release the writer lock.
    pub fn unlock(&self, mut lock: StoreLock) -> Result<()> {
        lock.released = true;
        block_on(self.store.delete(&lock.path))
            .map_err(|e| store_error(&self.shown(), "unlock the lake", &e))
    }

    /// Under the lock: finish or undo what a killed push left. Files a committed run
    /// replaced (named by its record in `_txn/`) are deleted, then the record; files of
    /// runs without a `runs` row, and their records, are deleted (their runs never
    /// committed, and no writer but this one is at work). Returns the listing after.
    pub fn recover(&self, _lock: &StoreLock) -> Result<Listing> {
        let listing = self.list()?;
        let committed: HashSet<&str> = listing
            .keys()
            .filter_map(|k| k.strip_prefix("runs/")?.strip_suffix(".parquet"))
            .filter(|r| is_run_id(r))
            .collect();
        let mut delete: Vec<String> = Vec::new();
        for rel in listing.keys() {
            if let Some(name) = rel.strip_prefix("_txn/") {
                let run = name.strip_suffix(".json").unwrap_or(name);
                if committed.contains(run) {
                    let key = self.key(rel)?;
                    let bytes = block_on(async { self.store.get(&key).await?.bytes().await })
                        .map_err(|e| store_error(&self.shown(), "read a commit record", &e))?;
                    let record: Record = serde_json::from_slice(&bytes).map_err(|e| {
                        Error::lake(self.shown(), format!("commit record {rel}: {e}"))
                    })?;
                    delete.extend(
                        record
                            .deletes
                            .into_iter()
                            .filter(|d| super::check_delete(&record.run_id, d).is_ok()),
                    );
                }
                delete.push(rel.clone());
            } else if run_of(Path::new(rel)).is_some_and(|r| !committed.contains(r)) {
                delete.push(rel.clone());
            }
        }
        if delete.is_empty() {
            return Ok(listing);
        }
        // The replaced files and uncommitted files first, the records last.
        delete.sort_by_key(|r| r.starts_with("_txn/"));
        self.delete(&delete)?;
        self.list()
    }

    fn delete(&self, rels: &[String]) -> Result<()> {
        block_on(async {
            for rel in rels {
                match self.store.delete(&self.key(rel)?).await {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(store_error(&self.shown(), "delete an object", &e)),
                }
            }
            Ok(())
        })
    }

    fn manifest_path(&self) -> PathBuf {
        self.cache.join("objects.json")
    }

    fn load_manifest(&self) -> Manifest {
        std::fs::read(self.manifest_path())
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    fn save_manifest(&self, m: &Manifest) -> Result<()> {
        let p = self.manifest_path();
        let tmp = self.cache.join(".objects.json.tmp");
        std::fs::write(&tmp, serde_json::to_vec(m).expect("manifest"))
            .map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &p).map_err(|e| Error::io(&p, e))
    }

    /// Bring the mirror to `listing`: fetch what it lacks or what changed, delete what
    /// the store no longer has. Returns whether every listed object was still there
    /// (else a commit deleted some since: list and pull again).
    pub fn pull(&self, listing: &Listing) -> Result<bool> {
        let mirror = self.mirror();
        std::fs::create_dir_all(&mirror).map_err(|e| Error::io(&mirror, e))?;
        let mut manifest = self.load_manifest();
        // Local files the store does not have.
        let mut local = Vec::new();
        walk(&mirror, "", &mut local);
        for rel in local {
            if !listing.contains_key(&rel) {
                let p = mirror.join(&rel);
                std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
                manifest.remove(&rel);
            }
        }
        manifest.retain(|k, _| listing.contains_key(k));
        let wanted: Vec<(&String, &ObjectMeta)> = listing
            .iter()
            .filter(|(rel, m)| {
                manifest.get(*rel) != Some(&(m.size, m.e_tag.clone()))
                    || std::fs::metadata(mirror.join(rel)).map(|f| f.len()).ok() != Some(m.size)
            })
            .collect();
        let fetched: Vec<Option<Entry>> = block_on(
            futures::stream::iter(wanted)
                .map(|(rel, m)| self.fetch(rel, m, &mirror))
                .buffer_unordered(PARALLEL)
                .try_collect(),
        )?;
        let complete = fetched.iter().all(Option::is_some);
        manifest.extend(fetched.into_iter().flatten());
        self.save_manifest(&manifest)?;
        Ok(complete)
    }

    /// Download one object into the mirror (through a temporary name). An object gone
    /// since the listing (a compaction's replaced file, deleted after its commit) is
    /// `None`.
    async fn fetch(&self, rel: &str, meta: &ObjectMeta, mirror: &Path) -> Result<Option<Entry>> {
        let got = match self.store.get(&meta.location).await {
            Ok(g) => g,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(store_error(&self.shown(), &format!("fetch {rel}"), &e)),
        };
        let e_tag = got.meta.e_tag.clone();
        let bytes = got
            .bytes()
            .await
            .map_err(|e| store_error(&self.shown(), &format!("fetch {rel}"), &e))?;
        let path = mirror.join(rel);
        let dir = path.parent().expect("lake file");
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let tmp = super::temp_name(&path);
        std::fs::write(&tmp, &bytes).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        Ok(Some((rel.to_string(), (bytes.len() as u64, e_tag))))
    }

    /// Publish what the commands committed into the mirror since `before` was listed
    /// (see the module's documentation for the order).
    pub fn push(&self, _lock: &StoreLock, before: &Listing) -> Result<()> {
        let mirror = self.mirror();
        let mut local = Vec::new();
        walk(&mirror, "", &mut local);
        let local: BTreeSet<String> = local
            .into_iter()
            .filter(|r| !r.starts_with("_txn/"))
            .collect();
        let new: Vec<&String> = local.iter().filter(|r| !before.contains_key(*r)).collect();
        let gone: Vec<&String> = before
            .keys()
            .filter(|r| !r.starts_with("_txn/") && !local.contains(*r))
            .collect();
        if new.is_empty() && gone.is_empty() {
            return Ok(());
        }
        let (runs, files): (Vec<&String>, Vec<&String>) =
            new.into_iter().partition(|r| r.starts_with("runs/"));
        let mut manifest = self.load_manifest();
        // 1. The runs' files, invisible to readers until their runs rows exist.
        let put: Vec<Entry> = block_on(
            futures::stream::iter(files)
                .map(|rel| self.upload(rel, &mirror))
                .buffer_unordered(PARALLEL)
                .try_collect(),
        )?;
        manifest.extend(put);
        // 2. The files each compaction replaced, by the run whose file replaced them (the
        //    latest new run with a file in the same partition), in its commit record.
        let mut records: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for g in &gone {
            let dir = g.rsplit_once('/').map_or("", |(d, _)| d);
            let by = local
                .iter()
                .filter(|r| r.rsplit_once('/').is_some_and(|(d, _)| d == dir))
                .filter(|r| !before.contains_key(*r))
                .filter_map(|r| run_of(Path::new(r)))
                .max();
            match by {
                Some(run) => records
                    .entry(run.to_string())
                    .or_default()
                    .push((*g).clone()),
                None => {
                    return Err(Error::lake(
                        self.shown(),
                        format!(
                            "{g} was deleted from the mirror by no run that replaced it: \
                             nothing published (run the command again)"
                        ),
                    ));
                }
            }
        }
        for (run, deletes) in &records {
            let record = Record {
                version: RECORD_VERSION,
                run_id: run.clone(),
                renames: Vec::new(),
                deletes: deletes.clone(),
                run: super::tables::RunRecord::derived(
                    run.clone(),
                    "compact",
                    0,
                    &[],
                    serde_json::json!({}),
                ),
            };
            let body = serde_json::to_vec(&record).expect("record");
            block_on(
                self.store
                    .put(&self.key(&format!("_txn/{run}.json"))?, body.into()),
            )
            .map_err(|e| store_error(&self.shown(), "write a commit record", &e))?;
        }
        // 3. The runs rows, in run order: each makes its run visible.
        let mut runs = runs;
        runs.sort();
        for rel in runs {
            let (k, v) = block_on(self.upload(rel, &mirror))?;
            manifest.insert(k, v);
        }
        // 4. The replaced files, then the records.
        let gone: Vec<String> = gone.into_iter().cloned().collect();
        self.delete(&gone)?;
        let done: Vec<String> = records.keys().map(|r| format!("_txn/{r}.json")).collect();
        self.delete(&done)?;
        for g in &gone {
            manifest.remove(g);
        }
        self.save_manifest(&manifest)
    }

    /// Put one mirror file under its name in the store; its (size, ETag) there.
    async fn upload(&self, rel: &str, mirror: &Path) -> Result<Entry> {
        let path = mirror.join(rel);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let size = bytes.len() as u64;
        let key = self.key(rel)?;
        let failed = |e: object_store::Error| store_error(&self.shown(), &format!("put {rel}"), &e);
        let put = if bytes.len() <= PART {
            self.store.put(&key, bytes.into()).await.map_err(failed)?
        } else {
            let upload = self.store.put_multipart(&key).await.map_err(failed)?;
            let mut w = object_store::WriteMultipart::new_with_chunk_size(upload, PART);
            w.put(bytes.into());
            w.finish().await.map_err(failed)?
        };
        Ok((rel.to_string(), (size, put.e_tag)))
    }
}

/// The mirrored files under `dir` (lake-relative, `/`-separated), every folder of it.
fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if !mirrored(&name) {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&e.path(), &r, out),
            Ok(t) if t.is_file() => out.push(r),
            _ => {}
        }
    }
}

/// A command's lake: a local folder, or a lake on object storage through its mirror.
pub enum Work {
    Local,
    Remote {
        lake: Box<RemoteLake>,
        /// A writer's lock and the listing its push compares the mirror with.
        writer: Option<(StoreLock, Listing)>,
    },
}

impl Work {
    /// Prepare the lake at `url` for a command: a writer locks it and recovers it; the
    /// mirror is brought up to date. Returns the mirror's folder.
    pub fn begin(url: &ObjectUrl, opts: &StoreOptions, writes: bool) -> Result<(Work, PathBuf)> {
        let lake = RemoteLake::open(url, opts)?;
        let (lock, mut listing) = if writes {
            let lock = lake.lock()?;
            let listing = lake.recover(&lock)?;
            (Some(lock), listing)
        } else {
            (None, lake.list()?)
        };
        // Only a reader races commits: a compaction may delete files it had listed.
        while !lake.pull(&listing)? {
            listing = lake.list()?;
        }
        let mirror = lake.mirror();
        let writer = lock.map(|l| (l, listing));
        Ok((
            Work::Remote {
                lake: Box::new(lake),
                writer,
            },
            mirror,
        ))
    }

    /// After the command: a writer publishes what it committed and unlocks.
    pub fn finish(self) -> Result<()> {
        match self {
            Work::Remote {
                lake,
                writer: Some((lock, before)),
            } => {
                let pushed = lake.push(&lock, &before);
                let unlocked = lake.unlock(lock);
                pushed.and(unlocked)
            }
            _ => Ok(()),
        }
    }
}
