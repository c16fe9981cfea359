//! Compaction: a partition's many files rewritten as one, in time order
//! (docs/design.md section 2, "Compaction").
//!
//! Each ingest writes one file per month partition it touches, so a lake fed by a daily
//! job gains a file per partition per day; `trailcheck compact`, and ingest itself when
//! a partition it wrote holds more than [`AUTO_COMPACT_FILES`] files, rewrite such a
//! partition into one file whose rows are sorted by time (row groups then span short
//! time ranges, and a filter on time skips the others by their statistics). A lake of
//! the layout of earlier versions (a partition per day, `event_date=`) is converted the
//! same way: every day folder of a tenant is rewritten into month partitions.
//!
//! The rewrite is one run of kind `compact` with the lake's commit protocol: the new
//! files are written under temporary names, and the commit record names them and the
//! files they replace (`deletes`). Readers switch from the old files to the new ones
//! when the run's `runs` row is written; the old files are deleted after that, and a
//! commit killed in between is finished by the next writer. The sort runs in
//! DataFusion under a memory pool of [`SORT_MEMORY`], spilling to the temporary folder,
//! so a partition larger than memory is compacted too.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::TimestampMicrosecondType;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext, col};
use futures::StreamExt;
use parquet::arrow::ArrowWriter;
use serde::Serialize;

use super::tables::RunRecord;
use super::writer::finish_file;
use super::{Intent, LakeLock, committed_runs, parquet_files, run_of, temp_name};
use crate::error::{Error, Result};

/// Ingest compacts a partition it wrote into once it holds more than this many files.
pub const AUTO_COMPACT_FILES: usize = 8;

/// Memory of the sort that orders a partition's rows (beyond it, it spills to disk).
pub const SORT_MEMORY: usize = 256 << 20;

/// Which partitions to rewrite.
#[derive(Debug, Clone)]
pub enum Select {
    /// Every month partition with at least this many files (and every day partition
    /// of the old layout).
    AtLeast(usize),
    /// These month partition folders, when they hold more than [`AUTO_COMPACT_FILES`]
    /// files (ingest, after its commit).
    Touched(Vec<PathBuf>),
}

/// What a compaction did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Compacted {
    /// The compact run (none when there was nothing to do).
    pub run_id: Option<String>,
    /// Partition folders rewritten (old-layout day folders count one each).
    pub partitions: usize,
    pub files_before: usize,
    pub files_after: usize,
    pub bytes_before: u64,
    pub bytes_after: u64,
    /// Rows rewritten (the same number read and written: checked).
    pub rows: u64,
    /// The lake was of the old layout (a partition per day) and is now in months.
    pub converted: bool,
}

/// One rewrite: files read together, sorted by (provider, tenant, time), and written
/// into the month partitions their rows belong to.
struct Group {
    files: Vec<PathBuf>,
    partitions: usize,
}

/// Rewrite the partitions `select` names. Holds `lock` (the caller's) for the whole
/// rewrite; one commit for all of them.
pub fn compact(lock: &LakeLock, select: &Select, args: &[String]) -> Result<Compacted> {
    let lake = &lock.lake;
    let started_at = chrono::Utc::now().timestamp_micros();
    let committed = committed_runs(&lake.root);
    let files_of = |dir: &Path| -> Vec<PathBuf> {
        let mut f = parquet_files(dir);
        // Files no run wrote (put there by hand) are left as they are.
        f.retain(|p| run_of(p).is_some_and(|r| committed.contains(r)));
        f
    };
    let mut groups = Vec::new();
    let mut converted = false;
    match select {
        Select::AtLeast(min) => {
            for tenant in subdirs(&lake.events_dir()).iter().flat_map(|p| subdirs(p)) {
                let (days, months): (Vec<PathBuf>, Vec<PathBuf>) =
                    subdirs(&tenant).into_iter().partition(|d| {
                        d.file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with("event_date="))
                    });
                if !days.is_empty() {
                    converted = true;
                    let files: Vec<PathBuf> = days.iter().flat_map(|d| files_of(d)).collect();
                    if !files.is_empty() {
                        groups.push(Group {
                            files,
                            partitions: days.len(),
                        });
                    }
                }
                for m in months {
                    let files = files_of(&m);
                    if files.len() >= (*min).max(2) {
                        groups.push(Group {
                            files,
                            partitions: 1,
                        });
                    }
                }
            }
        }
        Select::Touched(dirs) => {
            for d in dirs {
                let files = files_of(d);
                if files.len() > AUTO_COMPACT_FILES {
                    groups.push(Group {
                        files,
                        partitions: 1,
                    });
                }
            }
        }
    }
    let mut out = Compacted {
        converted,
        ..Compacted::default()
    };
    if groups.is_empty() {
        return Ok(out);
    }
    let run_id = crate::lake::new_run_id();
    let mut renames = Vec::new();
    let mut deletes = Vec::new();
    for g in &groups {
        out.partitions += g.partitions;
        out.files_before += g.files.len();
        for f in &g.files {
            out.bytes_before += std::fs::metadata(f).map_err(|e| Error::io(f, e))?.len();
        }
        let (written, rows) = rewrite(lock, &run_id, &g.files)?;
        out.rows += rows;
        for (tmp, _) in &written {
            out.bytes_after += std::fs::metadata(tmp).map_err(|e| Error::io(tmp, e))?.len();
        }
        out.files_after += written.len();
        renames.extend(written);
        deletes.extend(g.files.iter().cloned());
    }
    let details = serde_json::json!({
        "partitions": out.partitions,
        "files_before": out.files_before,
        "files_after": out.files_after,
        "bytes_before": out.bytes_before,
        "bytes_after": out.bytes_after,
        "rows": out.rows,
        "converted_from_days": out.converted,
    });
    lock.commit(Intent {
        run_id: run_id.clone(),
        renames,
        deletes,
        run: RunRecord::derived(run_id.clone(), "compact", started_at, args, details),
    })?;
    out.run_id = Some(run_id);
    Ok(out)
}

/// Folders in `dir`, sorted.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Read `files` in (provider, tenant, time) order and write them into this run's
/// files of their month partitions; returns the (temporary, final) names and the rows.
fn rewrite(
    lock: &LakeLock,
    run: &str,
    files: &[PathBuf],
) -> Result<(Vec<(PathBuf, PathBuf)>, u64)> {
    let lake = lock.lake.clone();
    let run = run.to_string();
    let files = files.to_vec();
    // DataFusion needs a runtime; ingest calls this from plain threads and the command
    // line from inside one, so it gets its own, on a thread of its own.
    std::thread::scope(|s| {
        s.spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| Error::io(&lake.root, e))?;
            rt.block_on(rewrite_sorted(&lake, &run, &files))
        })
        .join()
        .expect("compaction thread")
    })
}

async fn rewrite_sorted(
    lake: &super::Lake,
    run: &str,
    files: &[PathBuf],
) -> Result<(Vec<(PathBuf, PathBuf)>, u64)> {
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_pool(Arc::new(FairSpillPool::new(SORT_MEMORY)))
        .build_arc()?;
    let ctx = SessionContext::new_with_config_rt(SessionConfig::new(), runtime);
    let schema = crate::event::schema();
    let paths: Vec<String> = files
        .iter()
        .map(|f| {
            std::path::absolute(f)
                .unwrap_or_else(|_| f.clone())
                .display()
                .to_string()
        })
        .collect();
    let rows_in: u64 = {
        let mut n = 0;
        for f in files {
            let file = File::open(f).map_err(|e| Error::io(f, e))?;
            let meta = parquet::file::reader::SerializedFileReader::new(file).map_err(|e| {
                Error::Parquet {
                    path: f.clone(),
                    source: e,
                }
            })?;
            n += parquet::file::reader::FileReader::metadata(&meta)
                .file_metadata()
                .num_rows() as u64;
        }
        n
    };
    let df = ctx
        .read_parquet(paths, ParquetReadOptions::default().schema(&schema))
        .await?
        .sort(vec![
            col("provider").sort(true, false),
            col("tenant").sort(true, false),
            col("time").sort(true, false),
        ])?;
    let mut stream = df.execute_stream().await?;
    let mut out: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut current: Option<((String, String, i32), ArrowWriter<File>, PathBuf)> = None;
    let mut seq: BTreeMap<PathBuf, u32> = BTreeMap::new();
    let mut rows_out = 0u64;
    while let Some(batch) = stream.next().await {
        let batch = batch?;
        let batch = RecordBatch::try_new(schema.clone(), batch.columns().to_vec())?;
        let provider = batch
            .column(batch.schema().index_of("provider")?)
            .as_string::<i32>();
        let tenant = batch
            .column(batch.schema().index_of("tenant")?)
            .as_string::<i32>();
        let time = batch
            .column(batch.schema().index_of("time")?)
            .as_primitive::<TimestampMicrosecondType>();
        let key_at = |i: usize| {
            (
                provider.value(i).to_string(),
                tenant.value(i).to_string(),
                crate::time::month_of_day(crate::time::day_of_micros(time.value(i))),
            )
        };
        let mut start = 0;
        while start < batch.num_rows() {
            let key = key_at(start);
            let mut end = start + 1;
            while end < batch.num_rows()
                && provider.value(end) == key.0
                && tenant.value(end) == key.1
                && crate::time::month_of_day(crate::time::day_of_micros(time.value(end))) == key.2
            {
                end += 1;
            }
            if current.as_ref().is_none_or(|(k, _, _)| *k != key) {
                if let Some((_, w, tmp)) = current.take() {
                    finish_file(w, &tmp)?;
                }
                let dir = lake.partition_dir(&key.0, &key.1, key.2);
                std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
                let n = seq.entry(dir.clone()).or_default();
                *n += 1;
                let path = dir.join(format!("part-{run}-{n:05}.parquet"));
                let tmp = temp_name(&path);
                let f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
                let w = ArrowWriter::try_new(f, schema.clone(), Some(super::writer::properties()))
                    .map_err(|e| Error::Parquet {
                        path: tmp.clone(),
                        source: e,
                    })?;
                out.push((tmp.clone(), path));
                current = Some((key, w, tmp));
            }
            let (_, w, tmp) = current.as_mut().expect("open");
            w.write(&batch.slice(start, end - start))
                .map_err(|e| Error::Parquet {
                    path: tmp.clone(),
                    source: e,
                })?;
            rows_out += (end - start) as u64;
            start = end;
        }
    }
    if let Some((_, w, tmp)) = current.take() {
        finish_file(w, &tmp)?;
    }
    if rows_out != rows_in {
        return Err(Error::lake(
            &lake.root,
            format!(
                "compaction read {rows_in} rows from {} files but wrote {rows_out}: nothing was committed",
                files.len()
            ),
        ));
    }
    Ok((out, rows_out))
}
