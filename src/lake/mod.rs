//! The lake: Hive-partitioned zstd Parquet that DuckDB, Spark, Trino and pyarrow read
//! as it is (docs/design.md section 2).
//!
//! ```text
//! LAKE/events/provider=okta/tenant=<enc>/event_month=2026-11/part-<run>-<n>.parquet
//! LAKE/rejects/run=<run>/rejects.parquet
//! LAKE/runs/<run>.parquet
//! ```
//!
//! Writers take an exclusive lock on `LAKE/.lock`. A run writes temporary files
//! (`.*.tmp`, invisible to `*.parquet` globs), then records its intent in
//! `LAKE/_txn/<run>.json` (renames as lake-relative paths, and its `runs` row), renames,
//! writes its `runs` row and deletes the record. Opening a lake for writing finishes an
//! interrupted commit, whatever the working directory, or, when the run's files are no
//! longer all there, keeps nothing of it and says so; it refuses and sets aside records
//! that name anything but that run's own files inside the lake; and it deletes the
//! temporary files of runs that never reached their commit. A killed run therefore
//! leaves nothing half-visible, a rerun gives each event exactly once, and no `runs`
//! row claims data the lake does not hold. Readers, who never take the lock, see only
//! the files of runs that have their `runs` row, less the files a committed run
//! replaced ([`committed_files`], [`store::CommittedStore`]). A commit may replace files
//! (`deletes`: [`compact`] rewrites a partition's files into one): they stay on disk,
//! hidden from readers, until the record is done.

pub mod compact;
pub mod remote;
pub mod store;
pub mod tables;
pub mod writer;

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Everything but `A-Z a-z 0-9 - _ . @` is percent-encoded in partition values.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'@');

/// The empty value's segment: Hive's name for a partition without a value, which no
/// other value encodes to (a value spelled so gets `%5F` for its first `_`). `%00`, as
/// before, is the encoding of `"\0"` alone.
pub const EMPTY_SEGMENT: &str = "__HIVE_DEFAULT_PARTITION__";

/// Longest encoded partition value kept whole.
const MAX_SEGMENT: usize = 96;

/// Encode a value from log content for use as one path segment: it can never name
/// another folder (`/`, `..`), hide (leading `.`), carry NUL or control bytes, or grow
/// past [`MAX_SEGMENT`] (long values keep a prefix and a hash of the whole). Distinct
/// values give distinct segments.
pub fn encode_segment(value: &str) -> String {
    if value.is_empty() {
        return EMPTY_SEGMENT.into();
    }
    let mut enc: String = utf8_percent_encode(value, SEGMENT).collect();
    if enc.starts_with('.') || enc == EMPTY_SEGMENT {
        // `%2E`, `%5F`: escapes the encoding of other values never holds (`.` and `_`
        // stay as they are), so hidden names and the empty value's name stay apart.
        let first = format!("%{:02X}", enc.as_bytes()[0]);
        enc.replace_range(0..1, &first);
    }
    if enc.len() > MAX_SEGMENT {
        let digest = hex::encode(Sha256::digest(value.as_bytes()));
        let mut cut = 64;
        // Do not split a %XX escape.
        while enc.as_bytes()[..cut]
            .iter()
            .rev()
            .take(2)
            .any(|b| *b == b'%')
        {
            cut -= 1;
        }
        enc = format!("{}~{}", &enc[..cut], &digest[..16]);
    }
    enc
}

/// A lake folder.
#[derive(Debug, Clone)]
pub struct Lake {
    pub root: PathBuf,
}

/// An open, locked lake; the lock is released on drop.
pub struct LakeLock {
    pub lake: Lake,
    _lock: File,
}

impl Lake {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Lake { root: root.into() }
    }

    pub fn events_dir(&self) -> PathBuf {
        self.root.join("events")
    }
    pub fn rejects_dir(&self) -> PathBuf {
        self.root.join("rejects")
    }
    pub fn reviews_dir(&self) -> PathBuf {
        self.root.join("reviews")
    }

    pub fn runs_dir(&self) -> PathBuf {
        self.root.join("runs")
    }
    fn txn_dir(&self) -> PathBuf {
        self.root.join("_txn")
    }

    /// `events/provider=../tenant=..`
    pub fn tenant_dir(&self, provider: &str, tenant: &str) -> PathBuf {
        self.events_dir()
            .join(format!("provider={}", encode_segment(provider)))
            .join(format!("tenant={}", encode_segment(tenant)))
    }

    /// `events/provider=../tenant=../event_month=YYYY-MM`, for a month key of
    /// [`crate::time::month_of_day`].
    pub fn partition_dir(&self, provider: &str, tenant: &str, month: i32) -> PathBuf {
        self.tenant_dir(provider, tenant)
            .join(format!("event_month={}", crate::time::format_month(month)))
    }

    /// The first folder of the layout of earlier versions (one partition per day,
    /// `event_date=YYYY-MM-DD`) in this lake, if any: such a lake is converted by
    /// `trailcheck compact` before anything else reads or writes it.
    pub fn old_layout(&self) -> Option<PathBuf> {
        let dirs = |d: &Path| -> Vec<PathBuf> {
            let mut v: Vec<PathBuf> = fs::read_dir(d)
                .map(|rd| {
                    rd.flatten()
                        .map(|e| e.path())
                        .filter(|p| p.is_dir())
                        .collect()
                })
                .unwrap_or_default();
            v.sort();
            v
        };
        for p in dirs(&self.events_dir()) {
            for t in dirs(&p) {
                if let Some(d) = dirs(&t).into_iter().find(|d| {
                    d.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("event_date="))
                }) {
                    return Some(d);
                }
            }
        }
        None
    }

    /// Refuse a lake of the old layout, naming the command that converts it.
    pub fn check_layout(&self) -> Result<()> {
        match self.old_layout() {
            None => Ok(()),
            Some(dir) => Err(Error::lake(
                &self.root,
                format!(
                    "this lake has the layout of an earlier trailcheck (a partition per day, \
                     such as {}): convert it with `trailcheck compact --lake {}` (it rewrites \
                     the events into month partitions; nothing else changes)",
                    dir.strip_prefix(&self.root).unwrap_or(&dir).display(),
                    self.root.display()
                ),
            )),
        }
    }

    /// Open a lake that must exist already for writing (`analyze`, `score`): take the
    /// lock and recover before reading it, so that what is read is every committed run.
    pub fn open_existing_for_write(&self) -> Result<LakeLock> {
        if !self.events_dir().is_dir() {
            return Err(Error::lake(
                &self.root,
                "no lake here (expected an events/ folder): run `trailcheck ingest` first",
            ));
        }
        self.open_for_write()
    }

    /// Open for writing: create the folders, take the lock, recover; a lake of the old
    /// layout is refused (see [`Lake::check_layout`]).
    pub fn open_for_write(&self) -> Result<LakeLock> {
        let lock = self.open_any_layout_for_write()?;
        self.check_layout()?;
        Ok(lock)
    }

    /// [`Lake::open_for_write`] whatever the layout: for `compact`, which converts it.
    pub fn open_any_layout_for_write(&self) -> Result<LakeLock> {
        for d in [
            self.root.clone(),
            self.events_dir(),
            self.rejects_dir(),
            self.runs_dir(),
            self.txn_dir(),
        ] {
            fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
        }
        let lock_path = self.root.join(".lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(Error::lake(
                    &self.root,
                    "another trailcheck run is writing to this lake",
                ));
            }
            Err(fs::TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
        }
        let locked = LakeLock {
            lake: self.clone(),
            _lock: lock,
        };
        locked.recover()?;
        Ok(locked)
    }
}

/// The format of the commit records this version writes: paths relative to the lake,
/// and the files the run replaces (`deletes`; version 2 had none).
const RECORD_VERSION: u32 = 3;

/// Tables a run writes one file into, as `<table>/run=<run>/<file>`.
const RUN_FILES: &[(&str, &str)] = &[
    ("rejects", "rejects.parquet"),
    ("reviews", "reviews.parquet"),
    ("findings", "findings.parquet"),
    ("scorecards", "scorecard.parquet"),
];

/// A commit in progress: temporary → final names (as the writer names them, under
/// [`Lake::root`]), the files it replaces (events files of committed runs, deleted
/// once its runs row is written), and the runs row to write.
#[derive(Debug)]
pub struct Intent {
    pub run_id: String,
    pub renames: Vec<(PathBuf, PathBuf)>,
    pub deletes: Vec<PathBuf>,
    pub run: tables::RunRecord,
}

/// A commit record as stored in `_txn/<run>.json` (docs/design.md section 2).
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    /// 2: paths relative to the lake, `/`-separated. 0 (absent): a record of an earlier
    /// version, whose paths are as its writer named them (relative to the writer's
    /// working directory, or absolute).
    #[serde(default)]
    version: u32,
    run_id: String,
    renames: Vec<(String, String)>,
    /// Lake-relative events files of other (committed) runs that this run replaces.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    deletes: Vec<String>,
    run: tables::RunRecord,
}

/// A record whose paths were checked: lake-relative, of the shapes a commit writes.
struct Checked {
    run_id: String,
    renames: Vec<(String, String)>,
    deletes: Vec<String>,
    run: tables::RunRecord,
}

/// A new run id: UTC time plus a random suffix, sortable and safe in file names.
pub fn new_run_id() -> String {
    let now = chrono::Utc::now();
    let rand = uuid::Uuid::now_v7().simple().to_string();
    format!(
        "{}-{}",
        now.format("%Y%m%dT%H%M%SZ"),
        &rand[rand.len() - 8..]
    )
}

/// A run id as [`new_run_id`] makes them: `YYYYMMDDTHHMMSSZ-<8 hex>`.
pub fn is_run_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 25
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'T'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'Z'
        && b[16] == b'-'
        && b[17..]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
}

/// A value [`encode_segment`] can produce.
fn is_segment(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-_.@%~".contains(&c))
}

/// A day or month as `crate::time::format_day` / `format_month` write them (years past
/// 9999 get a `+`).
fn is_day(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_digit() || c == b'-' || c == b'+')
}

/// The run that wrote `path` when it is an events file
/// `events/provider=<p>/tenant=<t>/<partition>=<value>/part-<run>-<n>.parquet`, where the
/// partition is `event_month` (or, for the files a conversion replaces, the old
/// `event_date`).
fn events_file_run<'a>(path: &'a str, partitions: &[&str]) -> Option<&'a str> {
    let parts: Vec<&str> = path.split('/').collect();
    let ["events", p, t, d, name] = parts.as_slice() else {
        return None;
    };
    let ok = p.strip_prefix("provider=").is_some_and(is_segment)
        && t.strip_prefix("tenant=").is_some_and(is_segment)
        && partitions.iter().any(|k| {
            d.strip_prefix(k)
                .and_then(|v| v.strip_prefix('='))
                .is_some_and(is_day)
        });
    if !ok {
        return None;
    }
    name.strip_prefix("part-")
        .and_then(|n| n.strip_suffix(".parquet"))
        .and_then(|n| n.rsplit_once('-'))
        .filter(|(r, n)| is_run_id(r) && !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
        .map(|(r, _)| r)
}

/// What a commit of `run` may delete: an events file of another run (`Err` says why
/// not).
fn check_delete(run: &str, path: &str) -> std::result::Result<(), String> {
    match events_file_run(path, &["event_month", "event_date"]) {
        Some(r) if r != run => Ok(()),
        _ => Err(format!(
            "`{path}` is not a file a commit of run {run} may replace (expected \
             events/provider=<p>/tenant=<t>/event_month=YYYY-MM/part-<another run>-<n>.parquet, \
             relative to the lake)"
        )),
    }
}

/// What a commit of `run` may rename: its temporary `.<name>.tmp` beside
/// `events/provider=<p>/tenant=<t>/event_month=<month>/part-<run>-<n>.parquet` (in a
/// record of version 2 or older, written before the month layout, also
/// `event_date=<day>`)
/// or `<table>/run=<run>/<file>` ([`RUN_FILES`]); `Err` says why not.
fn check_rename(run: &str, version: u32, from: &str, to: &str) -> std::result::Result<(), String> {
    // Records of version 2 or older were written by the day layout (and a version-less
    // record may have been rewritten by hand or a tool from a newer one).
    let partition: &[&str] = if version >= 3 {
        &["event_month"]
    } else {
        &["event_date", "event_month"]
    };
    let parts: Vec<&str> = to.split('/').collect();
    let shape = match parts.as_slice() {
        ["events", ..] => events_file_run(to, partition) == Some(run),
        [table, dir, file] => {
            RUN_FILES.iter().any(|(t, f)| t == table && f == file)
                && dir.strip_prefix("run=") == Some(run)
        }
        _ => false,
    };
    if !shape {
        return Err(format!(
            "`{to}` is not a file a commit of run {run} writes (expected \
             events/provider=<p>/tenant=<t>/event_month=YYYY-MM/part-{run}-<n>.parquet \
             or <rejects|reviews|findings|scorecards>/run={run}/<its file>.parquet, \
             relative to the lake)"
        ));
    }
    let (dir, name) = to.rsplit_once('/').expect("checked shape");
    let temp = format!("{dir}/.{name}.tmp");
    if from != temp {
        return Err(format!(
            "`{from}` is not the temporary name of `{to}` (expected `{temp}`)"
        ));
    }
    Ok(())
}

/// A path of an old commit record (relative to its writer's working directory, or
/// absolute) as a lake-relative one: the lake files' shapes fix how many of its last
/// components name the file inside the lake. `None` when it names no lake file.
fn legacy_relative(path: &str) -> Option<String> {
    let parts: Vec<String> = Path::new(path)
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let n = parts.len();
    let take = if n >= 5 && parts[n - 5] == "events" {
        5
    } else if n >= 3 && RUN_FILES.iter().any(|(t, _)| *t == parts[n - 3]) {
        3
    } else {
        return None;
    };
    Some(parts[n - take..].join("/"))
}

/// Check a record read from `_txn/<stem>.json` (or about to be written there).
fn check_record(record: Record, stem: &str) -> std::result::Result<Checked, String> {
    let run = &record.run_id;
    if !is_run_id(run) {
        return Err(format!(
            "run id {run:?} is not one trailcheck makes (expected YYYYMMDDTHHMMSSZ-<8 hex digits>)"
        ));
    }
    if stem != run {
        return Err(format!(
            "the record of run {run} must be named {run}.json, not {stem}.json"
        ));
    }
    if record.run.run_id != *run {
        return Err(format!(
            "its runs row is of run {:?}, not {run}",
            record.run.run_id
        ));
    }
    let mut renames = Vec::with_capacity(record.renames.len());
    for (from, to) in record.renames {
        let (from, to) = match record.version {
            2 | RECORD_VERSION => (from, to),
            _ => match (legacy_relative(&from), legacy_relative(&to)) {
                (Some(f), Some(t)) => (f, t),
                _ => {
                    return Err(format!(
                        "rename `{from}` -> `{to}` names no file of a lake (expected paths \
                         ending in events/provider=<p>/tenant=<t>/event_date=YYYY-MM-DD/<file> \
                         or <rejects|reviews|findings|scorecards>/run={run}/<file>)"
                    ));
                }
            },
        };
        check_rename(run, record.version, &from, &to)?;
        renames.push((from, to));
    }
    for d in &record.deletes {
        check_delete(run, d)?;
    }
    Ok(Checked {
        run_id: record.run_id,
        renames,
        deletes: record.deletes,
        run: record.run,
    })
}

/// What is at one path of a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Nothing,
    File,
    /// A folder, a symbolic link, ...: nothing a commit writes.
    Other,
}

fn found(path: &Path) -> Result<Found> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => Ok(Found::File),
        Ok(_) => Ok(Found::Other),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Found::Nothing),
        Err(e) => Err(Error::io(path, e)),
    }
}

impl LakeLock {
    /// Finish or undo interrupted commits; delete temporary files of runs that did not
    /// reach their commit. Records that cannot be applied are moved aside and reported
    /// (an error, after the rest of the recovery is done).
    fn recover(&self) -> Result<()> {
        let txn = self.lake.txn_dir();
        let mut records: Vec<PathBuf> = fs::read_dir(&txn)
            .map_err(|e| Error::io(&txn, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        records.sort();
        let mut problems = Vec::new();
        for path in records {
            if let Some(problem) = self.recover_one(&path)? {
                problems.push((path, problem));
            }
        }
        remove_temps(&self.lake.root, false)?;
        match problems.len() {
            0 => Ok(()),
            1 => {
                let (path, problem) = problems.pop().expect("one");
                Err(Error::lake(path, problem))
            }
            _ => Err(Error::lake(
                txn,
                problems
                    .iter()
                    .map(|(p, m)| format!("\n  {}: {m}", p.display()))
                    .collect::<String>(),
            )),
        }
    }

    /// One leftover commit record: `Some` says why it was not applied.
    fn recover_one(&self, path: &Path) -> Result<Option<String>> {
        let text = fs::read(path).map_err(|e| Error::io(path, e))?;
        let record: Record = match serde_json::from_slice(&text) {
            Ok(r) => r,
            Err(e) => return self.set_aside(path, "refused", format!("unreadable ({e})")),
        };
        if record.version > RECORD_VERSION {
            return Err(Error::lake(
                path,
                format!(
                    "commit record of format {} (this trailcheck reads up to {RECORD_VERSION}): \
                     finish it with the trailcheck that wrote it",
                    record.version
                ),
            ));
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match check_record(record, &stem) {
            Ok(checked) => self.apply(&checked, path),
            Err(why) => self.set_aside(path, "refused", why),
        }
    }

    /// Move a commit record that is not applied to `<name>.<suffix>`, where no reader
    /// or writer looks at it again; returns the problem, naming where it is kept.
    fn set_aside(&self, path: &Path, suffix: &str, why: String) -> Result<Option<String>> {
        let mut kept = path.as_os_str().to_owned();
        kept.push(".");
        kept.push(suffix);
        let kept = PathBuf::from(kept);
        fs::rename(path, &kept).map_err(|e| Error::io(path, e))?;
        Ok(Some(format!(
            "commit record {suffix}: {why}; nothing of it was applied, it is kept as {}",
            kept.display()
        )))
    }

    /// Make a run visible: write the commit record, rename, write the runs row, drop the
    /// record.
    pub fn commit(&self, intent: Intent) -> Result<()> {
        let relative = |p: &Path| -> Result<String> {
            let rel = p.strip_prefix(&self.lake.root).ok().and_then(|r| {
                r.iter()
                    .map(|c| c.to_str())
                    .collect::<Option<Vec<_>>>()
                    .map(|v| v.join("/"))
            });
            rel.ok_or_else(|| Error::lake(p, "a file to commit is not in the lake"))
        };
        let renames = intent
            .renames
            .iter()
            .map(|(f, t)| Ok((relative(f)?, relative(t)?)))
            .collect::<Result<Vec<_>>>()?;
        let deletes = intent
            .deletes
            .iter()
            .map(|p| relative(p))
            .collect::<Result<Vec<_>>>()?;
        let run_id = intent.run_id.clone();
        let record = Record {
            version: RECORD_VERSION,
            run_id: intent.run_id,
            renames,
            deletes,
            run: intent.run,
        };
        let text = serde_json::to_vec(&record).expect("commit record serializes");
        let checked = check_record(record, &run_id).map_err(|why| {
            Error::lake(
                &self.lake.root,
                format!("cannot commit run {run_id}: {why}"),
            )
        })?;
        let path = self.lake.txn_dir().join(format!("{run_id}.json"));
        let tmp = temp_name(&path);
        {
            let mut f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            f.write_all(&text).map_err(|e| Error::io(&tmp, e))?;
            f.sync_all().map_err(|e| Error::io(&tmp, e))?;
        }
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        crash_point("after-intent");
        match self.apply(&checked, &path)? {
            None => Ok(()),
            Some(problem) => Err(Error::lake(&path, problem)),
        }
    }

    /// Commit a run that writes one file into `LAKE/<table>/run=<run>/<file>` (findings,
    /// scorecards): the file when there are rows, and the run's `runs` row, atomically.
    pub fn commit_run_file(
        &self,
        table: &str,
        file: &str,
        batch: Option<&arrow::record_batch::RecordBatch>,
        run: tables::RunRecord,
    ) -> Result<()> {
        let mut renames = Vec::new();
        if let Some(batch) = batch.filter(|b| b.num_rows() > 0) {
            let path = self
                .lake
                .root
                .join(table)
                .join(format!("run={}", run.run_id))
                .join(file);
            let dir = path.parent().expect("run folder");
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            let tmp = temp_name(&path);
            tables::write_parquet(&tmp, batch)?;
            renames.push((tmp, path));
        }
        self.commit(Intent {
            run_id: run.run_id.clone(),
            renames,
            deletes: Vec::new(),
            run,
        })
    }

    /// Carry out the checked commit record at `record`: every file is either at its
    /// temporary name (renamed now) or at its final name (renamed before); then the
    /// runs row is written and the record deleted. A file at neither name means the
    /// run's data is no longer all there: then nothing of the run is kept (its files are
    /// deleted, no runs row is written) and the record is set aside as `.failed`.
    /// A path that leads out of the lake (a symbolic link on the way) or to something
    /// other than a file refuses the record. `Some` says why it was not applied.
    fn apply(&self, c: &Checked, record: &Path) -> Result<Option<String>> {
        let root = &self.lake.root;
        let real_root = fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
        // Folders checked to be where they seem (no symbolic link leads elsewhere).
        let mut folders: HashMap<String, bool> = HashMap::new();
        let mut inside = |path: &'_ str| -> Result<bool> {
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            Ok(match folders.get(dir) {
                Some(b) => *b,
                None => {
                    let b = match fs::canonicalize(root.join(dir)) {
                        Ok(real) => real == real_root.join(dir),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
                        Err(e) => return Err(Error::io(root.join(dir), e)),
                    };
                    folders.insert(dir.to_string(), b);
                    b
                }
            })
        };
        // What a commit deletes is checked before anything of it is carried out.
        for d in &c.deletes {
            if !inside(d)? {
                return self.set_aside(
                    record,
                    "refused",
                    format!("the folder of `{d}` leads out of the lake"),
                );
            }
            if found(&root.join(d))? == Found::Other {
                return self.set_aside(record, "refused", format!("`{d}` is not a plain file"));
            }
        }
        let run_path = self.lake.runs_dir().join(format!("{}.parquet", c.run_id));
        if found(&run_path)? == Found::File {
            // The runs row is written after the last rename: the commit was complete,
            // but for the files it replaces.
            self.delete_replaced(c)?;
            fs::remove_file(record).map_err(|e| Error::io(record, e))?;
            return Ok(None);
        }
        let (mut pending, mut missing, mut there) = (Vec::new(), Vec::new(), Vec::new());
        for (from, to) in &c.renames {
            if !inside(to)? {
                return self.set_aside(
                    record,
                    "refused",
                    format!("the folder of `{to}` leads out of the lake"),
                );
            }
            let (f, t) = (root.join(from), root.join(to));
            match (found(&f)?, found(&t)?) {
                (Found::Other, _) | (_, Found::Other) => {
                    return self.set_aside(
                        record,
                        "refused",
                        format!("`{from}` or `{to}` is not a plain file"),
                    );
                }
                (Found::File, _) => pending.push((f, t)),
                (Found::Nothing, Found::File) => there.push(t),
                (Found::Nothing, Found::Nothing) => missing.push(to.as_str()),
            }
        }
        if !missing.is_empty() {
            for p in pending.iter().map(|(f, _)| f).chain(&there) {
                fs::remove_file(p).map_err(|e| Error::io(p, e))?;
            }
            let advice = match c.run.kind.as_str() {
                "ingest" => {
                    let inputs: Vec<&str> = c.run.inputs.iter().map(|i| i.file.as_str()).collect();
                    format!("ingest its inputs again ({})", inputs.join(", "))
                }
                kind => format!("run `trailcheck {kind}` again"),
            };
            let shown: Vec<&str> = missing.iter().take(3).copied().collect();
            let why = format!(
                "the commit of {} run {} cannot be completed: {} of its {} files are at \
                 neither their temporary nor their final name ({}{}), so its other files \
                 were deleted and no runs row was written: nothing of the run is in the \
                 lake; {advice}",
                c.run.kind,
                c.run_id,
                missing.len(),
                c.renames.len(),
                shown.join(", "),
                if missing.len() > shown.len() {
                    ", ..."
                } else {
                    ""
                },
            );
            return self.set_aside(record, "failed", why);
        }
        for (i, (from, to)) in pending.iter().enumerate() {
            fs::rename(from, to).map_err(|e| Error::io(to, e))?;
            if i == 0 {
                crash_point("mid-rename");
            }
        }
        crash_point("before-runs-row");
        tables::write_run(&run_path, &c.run)?;
        self.delete_replaced(c)?;
        fs::remove_file(record).map_err(|e| Error::io(record, e))?;
        Ok(None)
    }

    /// Delete the files a committed run replaced (already gone ones are skipped), and
    /// the partition folders that leaves empty. Readers stopped seeing them when the
    /// run's `runs` row was written.
    fn delete_replaced(&self, c: &Checked) -> Result<()> {
        let root = &self.lake.root;
        for (i, d) in c.deletes.iter().enumerate() {
            let p = root.join(d);
            match fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&p, e)),
            }
            if i == 0 {
                crash_point("mid-delete");
            }
        }
        for d in &c.deletes {
            // partition, tenant and provider folders, when nothing else is in them.
            for dir in root.join(d).ancestors().skip(1).take(3) {
                if fs::remove_dir(dir).is_err() {
                    break;
                }
            }
        }
        Ok(())
    }
}

/// For crash tests (tests/it/lake.rs): `TRAILCHECK_CRASH_AT=<point>` ends the process
/// at that point of a commit (`after-intent`, `mid-rename`, `before-runs-row`,
/// `mid-delete`) as
/// abruptly as a SIGKILL would: no destructor runs, nothing is cleaned up.
fn crash_point(point: &str) {
    if std::env::var_os("TRAILCHECK_CRASH_AT").is_some_and(|v| v == point) {
        std::process::abort();
    }
}

/// A temporary name for a file being written: hidden and not `*.parquet`.
pub fn temp_name(final_path: &Path) -> PathBuf {
    let name = final_path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    final_path.with_file_name(format!(".{name}.tmp"))
}

/// Delete the temporary files (`.<name>.tmp`; in `_txn/`, also `<run>.json.tmp` of
/// earlier versions) under `dir`, every folder of it. Symbolic links are not followed.
fn remove_temps(dir: &Path, txn: bool) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if kind.is_dir() {
            remove_temps(&path, name == "_txn")?;
        } else if kind.is_file()
            && name.ends_with(".tmp")
            && (name.starts_with('.') || (txn && name.ends_with(".json.tmp")))
        {
            fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// All `*.parquet` files under a folder, sorted.
pub fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    fn go(d: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                go(&p, out);
            } else if p.extension().is_some_and(|x| x == "parquet")
                && !e.file_name().to_string_lossy().starts_with('.')
            {
                out.push(p);
            }
        }
    }
    go(dir, &mut out);
    out.sort();
    out
}

/// The run that wrote a lake file, from its path: `part-<run>-<n>.parquet`, a file in
/// `run=<run>/`, or `runs/<run>.parquet`. `None` for a file no run wrote.
pub fn run_of(path: &Path) -> Option<&str> {
    let name = path.file_name()?.to_str()?;
    let part = name
        .strip_prefix("part-")
        .and_then(|n| n.strip_suffix(".parquet"))
        .and_then(|n| n.rsplit_once('-'))
        .map(|(run, _)| run);
    if let Some(run) = part.filter(|r| is_run_id(r)) {
        return Some(run);
    }
    let folder = path.parent()?.file_name()?.to_str()?;
    if let Some(run) = folder.strip_prefix("run=").filter(|r| is_run_id(r)) {
        return Some(run);
    }
    (folder == "runs")
        .then(|| name.strip_suffix(".parquet"))
        .flatten()
        .filter(|r| is_run_id(r))
}

/// The runs of the lake at `root` that have their `runs` row: the committed ones.
pub fn committed_runs(root: &Path) -> HashSet<String> {
    let Ok(rd) = fs::read_dir(root.join("runs")) else {
        return HashSet::new();
    };
    rd.flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let run = name.strip_suffix(".parquet")?;
            is_run_id(run).then(|| run.to_string())
        })
        .collect()
}

/// What readers of the lake at `root` see of it, as read at one moment: the committed
/// runs, and the files that committed runs replaced but whose deletion is not done yet
/// (lake-relative paths, from the commit records still in `_txn/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visible {
    pub runs: HashSet<String>,
    pub replaced: HashSet<String>,
}

impl Visible {
    pub fn read(root: &Path) -> Visible {
        let runs = committed_runs(root);
        let mut replaced = HashSet::new();
        if let Ok(rd) = fs::read_dir(root.join("_txn")) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_none_or(|x| x != "json") {
                    continue;
                }
                let Ok(record) = fs::read(&p)
                    .map_err(|_| ())
                    .and_then(|t| serde_json::from_slice::<Record>(&t).map_err(|_| ()))
                else {
                    continue;
                };
                if runs.contains(&record.run_id) {
                    replaced.extend(
                        record
                            .deletes
                            .into_iter()
                            .filter(|d| check_delete(&record.run_id, d).is_ok()),
                    );
                }
            }
        }
        Visible { runs, replaced }
    }

    /// Whether readers see the file at `relative` (a `/`-separated path in the lake).
    pub fn shows(&self, relative: &str) -> bool {
        run_of(Path::new(relative)).is_none_or(|r| self.runs.contains(r))
            && !self.replaced.contains(relative)
    }

    /// Read what is visible, list with `list`, and read again: when a run committed in
    /// between (it may have deleted files it replaced after the listing began), list
    /// again. A listing therefore holds all or none of each run's files, and a file a
    /// run replaced is in it exactly when the run's own files are not.
    pub fn consistent<T>(root: &Path, mut list: impl FnMut(&Visible) -> T) -> (Visible, T) {
        let mut before = Visible::read(root);
        loop {
            let listed = list(&before);
            let after = Visible::read(root);
            if after.runs == before.runs {
                return (before, listed);
            }
            before = after;
        }
    }
}

/// The `*.parquet` files under `dir`, a table folder of the lake at `root`, that
/// readers see: those of committed runs, and those no run wrote (put there by hand);
/// not those of a run without its `runs` row (a commit under way, or one killed before
/// it finished), nor those a committed run replaced. Sorted.
pub fn committed_files(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let (visible, mut files) = Visible::consistent(root, |_| parquet_files(dir));
    files.retain(|f| {
        let rel = f.strip_prefix(root).ok().and_then(|r| {
            r.iter()
                .map(|c| c.to_str())
                .collect::<Option<Vec<_>>>()
                .map(|v| v.join("/"))
        });
        rel.map_or(true, |r| visible.shows(&r))
    });
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_stay_inside_and_distinct() {
        assert_eq!(encode_segment("acme.okta.com"), "acme.okta.com");
        assert_eq!(encode_segment("111122223333"), "111122223333");
        assert_eq!(encode_segment("../../x"), "%2E.%2F..%2Fx");
        assert_eq!(encode_segment(".."), "%2E.");
        assert_eq!(encode_segment("a/b"), "a%2Fb");
        assert_eq!(encode_segment("a\0b"), "a%00b");
        assert_eq!(encode_segment(""), "__HIVE_DEFAULT_PARTITION__");
        assert_eq!(encode_segment("\0"), "%00");
        assert_eq!(
            encode_segment("__HIVE_DEFAULT_PARTITION__"),
            "%5F_HIVE_DEFAULT_PARTITION__"
        );
        let distinct = ["", "\0", "%00", "__HIVE_DEFAULT_PARTITION__", "_", "."];
        let encoded: HashSet<String> = distinct.iter().map(|v| encode_segment(v)).collect();
        assert_eq!(encoded.len(), distinct.len(), "{encoded:?}");
        assert_ne!(encode_segment("a%2Fb"), encode_segment("a/b"));
        let long = "x".repeat(500);
        let enc = encode_segment(&long);
        assert!(enc.len() <= MAX_SEGMENT, "{enc}");
        assert_ne!(enc, encode_segment(&format!("{long}y")));
        let long_escapes = "/".repeat(300);
        let enc = encode_segment(&long_escapes);
        assert!(enc.len() <= MAX_SEGMENT && !enc.contains('/'), "{enc}");
        assert!(!enc.split('~').next().unwrap().ends_with('%'));
        for v in ["../../x", "a/b", "..", ".", "\\..\\", "ü/ß"] {
            let e = encode_segment(v);
            assert!(
                !e.contains('/')
                    && !e.contains('\\')
                    && e != "."
                    && e != ".."
                    && !e.starts_with('.'),
                "{v} -> {e}"
            );
        }
    }

    const RUN: &str = "20261127T101500Z-0a1b2c3d";

    #[test]
    fn commit_records_name_only_files_of_their_run_inside_the_lake() {
        let ok = |to: &str| {
            let (dir, name) = to.rsplit_once('/').unwrap();
            check_rename(RUN, RECORD_VERSION, &format!("{dir}/.{name}.tmp"), to)
        };
        for to in [
            format!(
                "events/provider=okta/tenant=acme.okta.com/event_month=2026-11/part-{RUN}-00001.parquet"
            ),
            format!(
                "events/provider=okta/tenant=%00/event_month=2026-11/part-{RUN}-123456.parquet"
            ),
            format!("rejects/run={RUN}/rejects.parquet"),
            format!("reviews/run={RUN}/reviews.parquet"),
            format!("findings/run={RUN}/findings.parquet"),
            format!("scorecards/run={RUN}/scorecard.parquet"),
        ] {
            assert_eq!(ok(&to), Ok(()), "{to}");
        }
        for to in [
            "../outside/victim.txt".to_string(),
            "/etc/passwd".to_string(),
            format!(
                "events/provider=okta/tenant=../event_date=2026-11-27/part-{RUN}-00001.parquet"
            ),
            format!(
                "events/provider=okta/tenant=.hidden/event_date=2026-11-27/part-{RUN}-00001.parquet"
            ),
            format!(
                "events/provider=okta/tenant=a/event_date=2026-11-27/part-20261127T101500Z-ffffffff-00001.parquet"
            ),
            format!("events/provider=okta/tenant=a/event_date=x/part-{RUN}-00001.parquet"),
            format!("events/provider=okta/tenant=a/event_date=2026-11-27/part-{RUN}-1.csv"),
            format!("findings/run={RUN}/../../x/findings.parquet"),
            format!("findings/run={RUN}/rejects.parquet"),
            format!("runs/{RUN}.parquet"),
            format!("_txn/{RUN}.json"),
        ] {
            assert!(ok(&to).is_err(), "{to}");
        }
        let to = format!("findings/run={RUN}/findings.parquet");
        assert!(check_rename(RUN, RECORD_VERSION, "events/.evil.tmp", &to).is_err());
        assert!(
            check_rename(
                RUN,
                RECORD_VERSION,
                &format!("findings/run={RUN}/findings.parquet"),
                &to
            )
            .is_err()
        );
        // Records of version 2 were written by the day layout.
        let day =
            format!("events/provider=okta/tenant=a/event_date=2026-11-27/part-{RUN}-00001.parquet");
        let day_tmp = format!(
            "events/provider=okta/tenant=a/event_date=2026-11-27/.part-{RUN}-00001.parquet.tmp"
        );
        assert_eq!(check_rename(RUN, 2, &day_tmp, &day), Ok(()));
        assert!(check_rename(RUN, RECORD_VERSION, &day_tmp, &day).is_err());
        // A commit replaces events files of other runs only.
        let other = "20261101T000000Z-00000001";
        assert_eq!(
            check_delete(
                RUN,
                &format!(
                    "events/provider=okta/tenant=a/event_month=2026-11/part-{other}-00001.parquet"
                )
            ),
            Ok(())
        );
        assert_eq!(check_delete(RUN, &day.replace(RUN, other)), Ok(()));
        for bad in [
            format!("events/provider=okta/tenant=a/event_month=2026-11/part-{RUN}-00001.parquet"),
            format!("runs/{other}.parquet"),
            format!("findings/run={other}/findings.parquet"),
            format!(
                "events/provider=okta/tenant=../event_month=2026-11/part-{other}-00001.parquet"
            ),
            "events/provider=okta/tenant=a/event_month=2026-11/hand-made.parquet".to_string(),
            "/etc/passwd".to_string(),
        ] {
            assert!(check_delete(RUN, &bad).is_err(), "{bad}");
        }
        assert!(is_run_id(RUN));
        for bad in [
            "../../x",
            "",
            "20261127T101500Z-0A1B2C3D",
            "20261127T101500Z-0a1b2c3d/..",
            "test-run",
        ] {
            assert!(!is_run_id(bad), "{bad}");
        }
    }

    #[test]
    fn old_commit_records_are_read_relative_to_the_lake() {
        let to = format!(
            "events/provider=okta/tenant=acme/event_date=2026-11-27/part-{RUN}-00001.parquet"
        );
        for prefix in ["", "lake/", "./lake/", "../x/lake/", "/abs/events/lake/"] {
            assert_eq!(
                legacy_relative(&format!("{prefix}{to}")).as_deref(),
                Some(to.as_str())
            );
        }
        assert_eq!(
            legacy_relative(&format!("lake/findings/run={RUN}/findings.parquet")).as_deref(),
            Some(format!("findings/run={RUN}/findings.parquet").as_str())
        );
        assert_eq!(legacy_relative("/tmp/outside/victim.txt"), None);
    }

    #[test]
    fn files_name_their_run() {
        let p = |s: &str| PathBuf::from(s);
        let part = p(&format!(
            "/l/events/provider=a/tenant=b/event_date=2026-01-01/part-{RUN}-00001.parquet"
        ));
        assert_eq!(run_of(&part), Some(RUN));
        assert_eq!(
            run_of(&p(&format!("/l/findings/run={RUN}/findings.parquet"))),
            Some(RUN)
        );
        assert_eq!(run_of(&p(&format!("/l/runs/{RUN}.parquet"))), Some(RUN));
        assert_eq!(run_of(&p("/l/events/fixture.parquet")), None);
        assert_eq!(run_of(&p("/l/events/part-x-1.parquet")), None);
    }
}
