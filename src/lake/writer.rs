//! Writing event batches into Hive partitions with deduplication.
//!
//! Rows are grouped by (provider, tenant, event_date). Each partition keeps the set of
//! event_uids it holds — loaded from its existing files the first time this run touches
//! it — so a re-ingested event is counted as a duplicate and not written again.
//! Memory stays bounded: open row groups are flushed when their total passes a budget,
//! and the least recently used partitions are closed (their uid sets dropped) when too
//! many are open. All files are written under temporary names; [`EventWriter::finish`]
//! returns the renames for the lake's commit.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, AsArray, RecordBatch, UInt32Array};
use arrow::datatypes::TimestampMicrosecondType;
use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use super::{Lake, parquet_files, temp_name};
use crate::error::{Error, Result};

/// Parquet settings for every file the lake writes.
pub fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(1).expect("zstd level"),
        ))
        .set_max_row_group_row_count(Some(64 * 1024))
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_column_dictionary_enabled(ColumnPath::from("raw"), false)
        // Each page is compressed on its own: 4 MiB pages of whole records compress 3%
        // better than 1 MiB ones (Okta: 43.6 -> 42.4 MB for 746 MB of JSON) at no cost
        // in time; 8 MiB gains 1% more but costs about 13 MB of peak RSS.
        .set_column_data_page_size_limit(ColumnPath::from("raw"), 4 << 20)
        // Min and max of whole records or random ids prune nothing.
        .set_column_statistics_enabled(ColumnPath::from("raw"), EnabledStatistics::None)
        .set_column_statistics_enabled(ColumnPath::from("event_uid"), EnabledStatistics::None)
        .set_column_dictionary_enabled(ColumnPath::from("event_uid"), false)
        .set_column_statistics_enabled(ColumnPath::from("time"), EnabledStatistics::Page)
        // Times and offsets rise within a partition: deltas pack them in a few bits
        // where a dictionary or plain values would not (a third of their size).
        .set_column_dictionary_enabled(ColumnPath::from("time"), false)
        .set_column_encoding(ColumnPath::from("time"), Encoding::DELTA_BINARY_PACKED)
        .set_column_dictionary_enabled(ColumnPath::from("source_offset"), false)
        .set_column_encoding(
            ColumnPath::from("source_offset"),
            Encoding::DELTA_BINARY_PACKED,
        )
        .build()
}

type Key = (String, String, i32);

/// An event_uid as kept for dedup: its 128-bit XXH3 hash (16 bytes instead of a
/// `String` of 40 to 100; a collision among even 10^9 uids has odds below 10^-20).
fn uid_key(uid: &str) -> u128 {
    twox_hash::XxHash3_128::oneshot(uid.as_bytes())
}

struct Part {
    dir: PathBuf,
    seen: HashSet<u128>,
    writer: Option<(ArrowWriter<File>, PathBuf)>,
    last_use: u64,
}

/// Per-provider counts of one write.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub ingested: u64,
    pub duplicates: u64,
}

pub struct EventWriter {
    lake: Lake,
    run: String,
    parts: HashMap<Key, Part>,
    /// (temporary, final) of every file written by this run.
    files: Vec<(PathBuf, PathBuf)>,
    seq: u64,
    tick: u64,
    /// Bytes of open row groups before the largest is flushed.
    pub budget: usize,
    /// Partitions open at once before the least recently used is closed.
    pub max_open: usize,
    /// Event uids held across open partitions before the least recently used is closed
    /// (time-ordered exports touch few partitions at once, so this rarely re-reads).
    pub max_seen: usize,
    seen_total: usize,
}

impl EventWriter {
    pub fn new(lake: &Lake, run: &str) -> Self {
        EventWriter {
            lake: lake.clone(),
            run: run.to_string(),
            parts: HashMap::new(),
            files: Vec::new(),
            seq: 0,
            tick: 0,
            // Measured on 10M CloudTrail events (12.7 GB, 360 partitions): 16 MiB and
            // 500k gave 314 MB peak RSS with 4 MiB raw pages, 8 MiB and 250k 274 MB at
            // the same speed and the same 360 files (arrow's memory_size undercounts).
            budget: 8 << 20,
            max_open: 256,
            max_seen: 250_000,
            seen_total: 0,
        }
    }

    /// Write the rows of `batches` that are new; count duplicates. Returns counts per
    /// provider.
    pub fn write(&mut self, batches: &[RecordBatch]) -> Result<BTreeMap<String, Written>> {
        let mut out: BTreeMap<String, Written> = BTreeMap::new();
        for batch in batches.iter().filter(|b| b.num_rows() > 0) {
            self.write_batch(batch, &mut out)?;
        }
        self.bound_memory()?;
        Ok(out)
    }

    /// One batch: rows grouped by partition, new rows written. A batch whose rows all
    /// belong to one partition and are all new (the usual case for time-ordered
    /// exports) is handed to the Parquet writer as it is, without copying.
    fn write_batch(
        &mut self,
        batch: &RecordBatch,
        out: &mut BTreeMap<String, Written>,
    ) -> Result<()> {
        let col = |name: &str| batch.column_by_name(name).expect("events column");
        let provider = col("provider").as_string::<i32>();
        let tenant = col("tenant").as_string::<i32>();
        let uid = col("event_uid").as_string::<i32>();
        let time = col("time").as_primitive::<TimestampMicrosecondType>();

        let mut groups: BTreeMap<(&str, &str, i32), Vec<u32>> = BTreeMap::new();
        for i in 0..batch.num_rows() {
            let day = time.value(i).div_euclid(86_400_000_000) as i32;
            groups
                .entry((provider.value(i), tenant.value(i), day))
                .or_default()
                .push(i as u32);
        }
        for ((p, t, day), rows) in groups {
            self.tick += 1;
            let key: Key = (p.to_string(), t.to_string(), day);
            if !self.parts.contains_key(&key) {
                self.open_part(&key)?;
            }
            let tick = self.tick;
            let part = self.parts.get_mut(&key).expect("opened");
            part.last_use = tick;
            let mut keep = Vec::with_capacity(rows.len());
            for &r in &rows {
                if part.seen.insert(uid_key(uid.value(r as usize))) {
                    keep.push(r);
                }
            }
            self.seen_total += keep.len();
            let w = out.entry(p.to_string()).or_default();
            w.ingested += keep.len() as u64;
            w.duplicates += (rows.len() - keep.len()) as u64;
            if keep.is_empty() {
                continue;
            }
            let taken;
            let sub = if keep.len() == batch.num_rows() {
                batch
            } else {
                let idx = UInt32Array::from(keep);
                let cols = batch
                    .columns()
                    .iter()
                    .map(|c| arrow::compute::take(c.as_ref(), &idx, None))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                taken = RecordBatch::try_new(batch.schema(), cols)?;
                &taken
            };
            if part.writer.is_none() {
                self.seq += 1;
                let final_path = part
                    .dir
                    .join(format!("part-{}-{:05}.parquet", self.run, self.seq));
                let tmp = temp_name(&final_path);
                std::fs::create_dir_all(&part.dir).map_err(|e| Error::io(&part.dir, e))?;
                let f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
                let w =
                    ArrowWriter::try_new(f, batch.schema(), Some(properties())).map_err(|e| {
                        Error::Parquet {
                            path: tmp.clone(),
                            source: e,
                        }
                    })?;
                self.files.push((tmp.clone(), final_path));
                part.writer = Some((w, tmp));
            }
            let (w, path) = part.writer.as_mut().expect("writer");
            w.write(sub).map_err(|e| Error::Parquet {
                path: path.clone(),
                source: e,
            })?;
        }
        Ok(())
    }

    /// Close the least recently used partition: its file is finished and its uid set
    /// dropped (reloaded from its files if the partition is touched again).
    fn close_least_recent(&mut self) -> Result<()> {
        let key = self
            .parts
            .iter()
            .min_by_key(|(_, p)| p.last_use)
            .map(|(k, _)| k.clone());
        if let Some(part) = key.and_then(|k| self.parts.remove(&k)) {
            self.seen_total -= part.seen.len();
            close(part)?;
        }
        Ok(())
    }

    fn open_part(&mut self, key: &Key) -> Result<()> {
        while self.parts.len() >= self.max_open
            || (self.seen_total > self.max_seen && !self.parts.is_empty())
        {
            self.close_least_recent()?;
        }
        let dir = self.lake.partition_dir(&key.0, &key.1, key.2);
        // The uids already there: committed files and this run's closed files.
        let mut files = parquet_files(&dir);
        files.extend(
            self.files
                .iter()
                .filter(|(tmp, _)| tmp.parent() == Some(dir.as_path()))
                .map(|(t, _)| t.clone()),
        );
        let mut seen = HashSet::new();
        for f in files {
            read_uids(&f, "event_uid", |u| {
                seen.insert(uid_key(u));
            })?;
        }
        self.seen_total += seen.len();
        self.parts.insert(
            key.clone(),
            Part {
                dir,
                seen,
                writer: None,
                last_use: self.tick,
            },
        );
        Ok(())
    }

    /// Keep the writers' buffers (open row groups and column encoders) under the
    /// budget by writing out row groups, least recently used partition first
    /// (time-ordered exports leave old days behind). The partitions stay open, with
    /// their uid sets: closing them would make a partition touched again re-read its
    /// uids and start another file, which for interleaved input is quadratic.
    fn bound_memory(&mut self) -> Result<()> {
        let sizes = |parts: &HashMap<Key, Part>| -> usize {
            parts
                .values()
                .filter_map(|p| p.writer.as_ref().map(|(w, _)| w.memory_size()))
                .sum()
        };
        let mut total = sizes(&self.parts);
        if total <= self.budget {
            return Ok(());
        }
        let mut order: Vec<(u64, Key)> = self
            .parts
            .iter()
            .filter(|(_, p)| {
                p.writer
                    .as_ref()
                    .is_some_and(|(w, _)| w.in_progress_size() > 0)
            })
            .map(|(k, p)| (p.last_use, k.clone()))
            .collect();
        order.sort();
        for (_, key) in order {
            let Some((w, path)) = self.parts.get_mut(&key).and_then(|p| p.writer.as_mut()) else {
                continue;
            };
            let before = w.memory_size();
            w.flush().map_err(|e| Error::Parquet {
                path: path.clone(),
                source: e,
            })?;
            total = total.saturating_sub(before.saturating_sub(w.memory_size()));
            if total <= self.budget {
                break;
            }
        }
        Ok(())
    }

    /// Close every file; returns (temporary, final) names to commit.
    pub fn finish(mut self) -> Result<Vec<(PathBuf, PathBuf)>> {
        for (_, part) in self.parts.drain() {
            close(part)?;
        }
        Ok(self.files)
    }
}

fn close(part: Part) -> Result<()> {
    if let Some((w, path)) = part.writer {
        let f = w.into_inner().map_err(|e| Error::Parquet {
            path: path.clone(),
            source: e,
        })?;
        f.sync_all().map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// Hand each value of one string column (`event_uid`, `review_uid`) of a Parquet file
/// to `each`.
pub fn read_uids(path: &Path, column: &str, mut each: impl FnMut(&str)) -> Result<()> {
    let perr = |e| Error::Parquet {
        path: path.to_path_buf(),
        source: e,
    };
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(f).map_err(perr)?;
    let mask = ProjectionMask::columns(builder.parquet_schema(), [column]);
    let reader = builder.with_projection(mask).build().map_err(perr)?;
    for batch in reader {
        let batch = batch?;
        let col = batch.column(0).as_string::<i32>();
        for i in 0..col.len() {
            if col.is_valid(i) {
                each(col.value(i));
            }
        }
    }
    Ok(())
}
