//! The lake: Hive-partitioned zstd Parquet that DuckDB, Spark, Trino and pyarrow read
//! as it is (docs/design.md section 2).
//!
//! ```text
//! LAKE/events/provider=okta/tenant=<enc>/event_date=2026-11-27/part-<run>-<n>.parquet
//! LAKE/rejects/run=<run>/rejects.parquet
//! LAKE/runs/<run>.parquet
//! ```
//!
//! Writers take an exclusive lock on `LAKE/.lock`. A run writes temporary files
//! (`.*.tmp`, invisible to `*.parquet` globs), then records its intent in
//! `LAKE/_txn/<run>.json`, renames, writes its `runs` row and deletes the intent. Opening
//! a lake for writing rolls an interrupted commit forward and deletes the temporary
//! files of runs that never reached their commit, so a killed run leaves nothing
//! half-visible and a rerun gives each event exactly once.

pub mod tables;
pub mod writer;

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

/// Longest encoded partition value kept whole.
const MAX_SEGMENT: usize = 96;

/// Encode a value from log content for use as one path segment: it can never name
/// another folder (`/`, `..`), hide (leading `.`), carry NUL or control bytes, or grow
/// past [`MAX_SEGMENT`] (long values keep a prefix and a hash of the whole). Distinct
/// values give distinct segments.
pub fn encode_segment(value: &str) -> String {
    if value.is_empty() {
        return "%00".into();
    }
    let mut enc: String = utf8_percent_encode(value, SEGMENT).collect();
    if enc.starts_with('.') {
        enc.replace_range(0..1, "%2E");
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

/// A commit in progress: temporary → final names, and the runs row to write.
#[derive(Debug, Serialize, Deserialize)]
pub struct Intent {
    pub run_id: String,
    pub renames: Vec<(PathBuf, PathBuf)>,
    /// The run row, as JSON (see [`tables::RunRecord`]).
    pub run: tables::RunRecord,
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

    /// `events/provider=../tenant=../event_date=..`
    pub fn partition_dir(&self, provider: &str, tenant: &str, day: i32) -> PathBuf {
        self.events_dir()
            .join(format!("provider={}", encode_segment(provider)))
            .join(format!("tenant={}", encode_segment(tenant)))
            .join(format!("event_date={}", crate::time::format_day(day)))
    }

    /// Open for writing: create the folders, take the lock, recover.
    pub fn open_for_write(&self) -> Result<LakeLock> {
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

impl LakeLock {
    /// Roll interrupted commits forward; delete temporary files of runs that did not
    /// reach their commit.
    fn recover(&self) -> Result<()> {
        let txn = self.lake.txn_dir();
        let mut intents: Vec<PathBuf> = fs::read_dir(&txn)
            .map_err(|e| Error::io(&txn, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        intents.sort();
        for path in intents {
            let text = fs::read(&path).map_err(|e| Error::io(&path, e))?;
            let intent: Intent = serde_json::from_slice(&text)
                .map_err(|e| Error::lake(&path, format!("unreadable commit record: {e}")))?;
            self.apply(&intent)?;
            fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
        for dir in [
            self.lake.events_dir(),
            self.lake.rejects_dir(),
            self.lake.runs_dir(),
        ] {
            remove_temps(&dir)?;
        }
        Ok(())
    }

    /// Make a run visible: write the intent, rename, write the runs row, drop the intent.
    pub fn commit(&self, intent: Intent) -> Result<()> {
        let path = self.lake.txn_dir().join(format!("{}.json", intent.run_id));
        let tmp = path.with_extension("json.tmp");
        {
            let mut f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            f.write_all(&serde_json::to_vec(&intent).expect("intent serializes"))
                .map_err(|e| Error::io(&tmp, e))?;
            f.sync_all().map_err(|e| Error::io(&tmp, e))?;
        }
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        self.apply(&intent)?;
        fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        Ok(())
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
            run,
        })
    }

    fn apply(&self, intent: &Intent) -> Result<()> {
        for (from, to) in &intent.renames {
            if from.exists() {
                fs::rename(from, to).map_err(|e| Error::io(to, e))?;
            }
        }
        let run_path = self
            .lake
            .runs_dir()
            .join(format!("{}.parquet", intent.run_id));
        if !run_path.exists() {
            tables::write_run(&run_path, &intent.run)?;
        }
        Ok(())
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

fn remove_temps(dir: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.file_type().map_err(|e| Error::io(&path, e))?.is_dir() {
            remove_temps(&path)?;
        } else if name.starts_with('.') && name.ends_with(".tmp") {
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
        assert_eq!(encode_segment(""), "%00");
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
}
