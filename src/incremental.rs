//! Incremental ingest: input files that a committed run already ingested are not read
//! again.
//!
//! Every ingest run records, per input file it read, the file's canonical path, its
//! size (`bytes`), its modification time before it was read (`mtime_ns`) and the
//! SHA-256 of its bytes ([`crate::lake::tables::RunInput`]). Before a run reads
//! anything, [`Index::load`] gathers, per canonical path, the latest such entry of the
//! lake's committed ingest runs that were given the same `--provider` and `--tenant`
//! (other options read the same bytes into other events). Then for each regular file:
//!
//! - same size and modification time as recorded: skipped without being opened;
//! - same size, another modification time: the file is hashed; the same SHA-256 as
//!   recorded (a `touch`, a copy over itself) means skipped, and the new time is
//!   recorded so the next run skips it without hashing;
//! - another size, or another SHA-256 (an export that grew, a file rewritten): read
//!   again, whole. Its records already in the lake are counted as duplicates by
//!   event_uid, the new ones are ingested.
//!
//! An object in a store (`s3://`, `gs://`, `az://`) is recognized by its URL, size and
//! ETag as listed: all three as recorded means skipped without being downloaded;
//! anything else means read again (hashing it would cost the download that reading
//! does).
//!
//! Only committed runs count: a run killed before its commit has no `runs` row, so its
//! files are read again. A file that ended with a read error (a truncated gzip) is read
//! again, and stdin and FIFOs are always read. `--reread` reads everything.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::Path;

use arrow::array::{Array, AsArray};
use arrow::datatypes::TimestampMicrosecondType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::lake::committed_runs;
use crate::lake::tables::RunInput;
use crate::read::InputFile;

/// What a committed run recorded of one file it ingested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    pub run_id: String,
    pub sha256: String,
    pub bytes: u64,
    pub mtime_ns: Option<i64>,
    pub etag: Option<String>,
}

/// The files the lake's committed ingest runs read, by canonical path.
#[derive(Debug, Default)]
pub struct Index {
    by_path: HashMap<String, Ingested>,
}

/// A regular file's identity on disk, taken before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    /// Canonical path (absolute, symlinks resolved), or an object's URL.
    pub path: String,
    pub bytes: u64,
    pub mtime_ns: Option<i64>,
    /// An object's ETag (`None` for a file).
    pub etag: Option<String>,
}

/// What to do with one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Read it (new, changed, stdin, a FIFO, or `--reread`).
    Read(Option<Stat>),
    /// Same size and modification time as when `run` ingested it: not opened.
    Unchanged { run: String },
    /// Size or time changed but not the content: hashed, not read.
    SameContent {
        run: String,
        stat: Stat,
        sha256: String,
    },
}

impl Index {
    /// The inputs of the committed ingest runs in the lake at `root` that were given
    /// this `--provider` and `--tenant`, the latest entry per canonical path. Inputs
    /// that ended with a read error are left out (they are read again).
    pub fn load(root: &Path, provider: Option<&str>, tenant: Option<&str>) -> Result<Index> {
        let mut runs = Vec::new();
        for run in committed_runs(root) {
            let path = root.join("runs").join(format!("{run}.parquet"));
            if let Some(r) = read_run(&path)? {
                runs.push((r.finished_at, run, r.details, r.inputs));
            }
        }
        // Later runs override earlier ones (run ids start with the second they started
        // in, and two runs can start in the same second).
        runs.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mut by_path = HashMap::new();
        for (_, run, details, inputs) in runs {
            let same_options = details.get("provider").and_then(|v| v.as_str()) == provider
                && details.get("tenant").and_then(|v| v.as_str()) == tenant;
            if !same_options {
                continue;
            }
            for i in inputs {
                let (Some(p), false, true) = (i.path, i.sha256.is_empty(), i.error.is_none())
                else {
                    continue;
                };
                by_path.insert(
                    p,
                    Ingested {
                        // A file found unchanged keeps the run that read its content.
                        run_id: i.already_ingested.unwrap_or_else(|| run.clone()),
                        sha256: i.sha256,
                        bytes: i.bytes,
                        mtime_ns: i.mtime_ns,
                        etag: i.etag,
                    },
                );
            }
        }
        Ok(Index { by_path })
    }

    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    /// Whether to read `file`. Hashes it when its modification time changed but not
    /// its size (a file of another size has other content). A file that cannot be
    /// looked at or hashed is read, so that reading it reports the problem.
    pub fn decide(&self, file: &InputFile) -> Decision {
        let Some(stat) = stat(file) else {
            return Decision::Read(None);
        };
        let Some(seen) = self.by_path.get(&stat.path) else {
            return Decision::Read(Some(stat));
        };
        if seen.bytes != stat.bytes {
            return Decision::Read(Some(stat));
        }
        if file.object.is_some() {
            return if stat.etag.is_some() && seen.etag == stat.etag {
                Decision::Unchanged {
                    run: seen.run_id.clone(),
                }
            } else {
                Decision::Read(Some(stat))
            };
        }
        if seen.mtime_ns.is_some() && seen.mtime_ns == stat.mtime_ns {
            return Decision::Unchanged {
                run: seen.run_id.clone(),
            };
        }
        let path = file.path.as_deref().expect("a regular file has a path");
        match sha256_file(path) {
            Ok(sha256) if sha256 == seen.sha256 => Decision::SameContent {
                run: seen.run_id.clone(),
                stat,
                sha256,
            },
            _ => Decision::Read(Some(stat)),
        }
    }
}

/// The canonical path, size and modification time of a regular file (an object's URL,
/// size and ETag as listed); `None` for stdin,
/// for anything else (a FIFO is read every time: what it gives is not a file's
/// content), and for a file that cannot be looked at (reading it says why).
pub fn stat(file: &InputFile) -> Option<Stat> {
    if let Some(o) = &file.object {
        return Some(Stat {
            path: file.display.clone(),
            bytes: file.size?,
            mtime_ns: None,
            etag: o.etag.clone(),
        });
    }
    let path = file.path.as_deref()?;
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let canonical = std::fs::canonicalize(path).ok()?;
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_nanos()).ok());
    Some(Stat {
        path: canonical.to_string_lossy().into_owned(),
        bytes: meta.len(),
        mtime_ns,
        etag: None,
    })
}

/// SHA-256 of a file's bytes as stored, in hex (as [`crate::read::read_file`] records).
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    Ok(hex::encode(h.finalize()))
}

/// What [`Index::load`] reads of an ingest run's `runs` row.
struct IngestRun {
    finished_at: i64,
    details: serde_json::Value,
    inputs: Vec<RunInput>,
}

/// One `runs` file: its ingest run; `None` for other kinds.
fn read_run(path: &Path) -> Result<Option<IngestRun>> {
    let perr = |e| Error::Parquet {
        path: path.into(),
        source: e,
    };
    let f = match File::open(path) {
        Ok(f) => f,
        // Deleted since it was listed (by hand): nothing to go by.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(f).map_err(perr)?;
    let schema = builder.schema().clone();
    let wanted = ["kind", "finished_at", "inputs", "details"];
    let indices: Vec<usize> = wanted
        .iter()
        .filter_map(|c| schema.index_of(c).ok())
        .collect();
    if indices.len() != wanted.len() {
        return Err(Error::Lake {
            path: path.into(),
            message: "a runs file without the columns kind, finished_at, inputs and details".into(),
        });
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), indices);
    let reader = builder.with_projection(mask).build().map_err(perr)?;
    for batch in reader {
        let batch = batch?;
        let col = |name: &str| {
            batch
                .column_by_name(name)
                .and_then(|c| c.as_string_opt::<i32>())
                .cloned()
        };
        let finished = batch
            .column_by_name("finished_at")
            .and_then(|c| c.as_primitive_opt::<TimestampMicrosecondType>())
            .cloned();
        let (Some(kind), Some(finished), Some(inputs), Some(details)) =
            (col("kind"), finished, col("inputs"), col("details"))
        else {
            return Err(Error::Lake {
                path: path.into(),
                message: "runs columns kind, inputs and details are not text, or \
                          finished_at not a timestamp"
                    .into(),
            });
        };
        for row in 0..batch.num_rows() {
            if kind.is_null(row) || kind.value(row) != "ingest" {
                continue;
            }
            let bad = |what: &str, e: serde_json::Error| Error::Lake {
                path: path.into(),
                message: format!("its {what} column is not the JSON expected: {e}"),
            };
            let inputs: Vec<RunInput> =
                serde_json::from_str(inputs.value(row)).map_err(|e| bad("inputs", e))?;
            let details: serde_json::Value =
                serde_json::from_str(details.value(row)).map_err(|e| bad("details", e))?;
            return Ok(Some(IngestRun {
                finished_at: finished.value(row),
                details,
                inputs,
            }));
        }
    }
    Ok(None)
}

/// How many files were skipped as already ingested, per run that ingested them.
pub fn by_run<'a>(runs: impl Iterator<Item = &'a str>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for r in runs {
        *out.entry(r.to_string()).or_default() += 1;
    }
    out
}
