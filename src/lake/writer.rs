//! Writing event batches into Hive partitions with deduplication.
//!
//! Rows go to one file per (provider, tenant, event_month) partition and run, each
//! batch's rows in time order. Deduplication is by (provider, tenant, UTC day): each
//! day the run touches keeps the set of event_uids it holds, loaded the first time from
//! the partition's files (only the row groups whose time range meets the day), so a
//! re-ingested event is counted as a duplicate and not written again. Memory stays
//! bounded: open row groups are flushed when their total passes a budget, the least
//! recently used days' uid sets are dropped when they hold too many uids, and the
//! least recently used partitions are closed when too many are open. All files are
//! written under temporary names; [`EventWriter::finish`] returns the renames for the
//! lake's commit.

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

use super::{Lake, committed_runs, parquet_files, run_of, temp_name};
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

/// (provider, tenant, month key of [`crate::time::month_of_day`]).
type Key = (String, String, i32);

/// An event_uid as kept for dedup: its 128-bit XXH3 hash (16 bytes instead of a
/// `String` of 40 to 100; a collision among even 10^9 uids has odds below 10^-20).
fn uid_key(uid: &str) -> u128 {
    twox_hash::XxHash3_128::oneshot(uid.as_bytes())
}

struct Part {
    dir: PathBuf,
    /// The uids of each day touched, with when it was last used.
    days: HashMap<i32, (HashSet<u128>, u64)>,
    /// Days with rows in the open file: the file cannot be read back until it is
    /// finished, so a day dropped from `days` is reloaded only after closing it.
    open_days: HashSet<i32>,
    writer: Option<(ArrowWriter<File>, PathBuf)>,
    last_use: u64,
}

impl Part {
    fn seen(&self) -> usize {
        self.days.values().map(|(s, _)| s.len()).sum()
    }
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
    /// Rows this run wrote, per (provider, tenant).
    written: BTreeMap<(String, String), u64>,
    /// The lake's committed runs (read when the first partition opens): files of other
    /// runs are not in the lake for readers, so not for deduplication either.
    committed: Option<HashSet<String>>,
}

/// The tenant events get when neither `--tenant`, the record nor its path names one.
pub const UNKNOWN_TENANT: &str = "unknown";

/// What to do about events that landed in tenant `unknown` (ingest summary, report).
pub fn unknown_tenant_advice(provider: &str, events: u64) -> String {
    format!(
        "{events} {provider} events name no tenant and are in tenant `unknown`: name it with \
         `--tenant <id>`, or put the files in a `tenant=<id>` folder, and ingest them again"
    )
}

/// Events without a tenant that [`EventWriter::attach_unknown_tenants`] moved to the
/// only tenant their provider had in the run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attached {
    pub provider: String,
    pub tenant: String,
    /// Rows moved (now in `tenant`).
    pub events: u64,
    /// Rows that the tenant already held (same event_uid), dropped as duplicates.
    pub duplicates: u64,
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
            written: BTreeMap::new(),
            committed: None,
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

        // Rows by partition, and within it by day (the key of deduplication).
        let mut groups: BTreeMap<(&str, &str, i32), BTreeMap<i32, Vec<u32>>> = BTreeMap::new();
        for i in 0..batch.num_rows() {
            let day = crate::time::day_of_micros(time.value(i));
            groups
                .entry((
                    provider.value(i),
                    tenant.value(i),
                    crate::time::month_of_day(day),
                ))
                .or_default()
                .entry(day)
                .or_default()
                .push(i as u32);
        }
        for ((p, t, month), days) in groups {
            self.tick += 1;
            let key: Key = (p.to_string(), t.to_string(), month);
            if !self.parts.contains_key(&key) {
                self.open_part(&key)?;
            }
            let mut keep = Vec::new();
            let mut rows_in = 0;
            for (day, rows) in days {
                rows_in += rows.len();
                self.load_day(&key, day)?;
                let tick = self.tick;
                let part = self.parts.get_mut(&key).expect("opened");
                part.last_use = tick;
                let (seen, used) = part.days.get_mut(&day).expect("loaded");
                *used = tick;
                let before = keep.len();
                for &r in &rows {
                    if seen.insert(uid_key(uid.value(r as usize))) {
                        keep.push(r);
                    }
                }
                if keep.len() > before {
                    part.open_days.insert(day);
                }
            }
            self.seen_total += keep.len();
            let part = self.parts.get_mut(&key).expect("opened");
            *self
                .written
                .entry((p.to_string(), t.to_string()))
                .or_default() += keep.len() as u64;
            let w = out.entry(p.to_string()).or_default();
            w.ingested += keep.len() as u64;
            w.duplicates += (rows_in - keep.len()) as u64;
            if keep.is_empty() {
                continue;
            }
            // Rows in time order (stable: rows of one instant keep the export's order),
            // so that row groups span short time ranges and filters on time prune.
            keep.sort_by_key(|&r| time.value(r as usize));
            let taken;
            let in_order = keep.iter().enumerate().all(|(i, &r)| i as u32 == r);
            let sub = if keep.len() == batch.num_rows() && in_order {
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
            self.seen_total -= part.seen();
            close(part)?;
        }
        Ok(())
    }

    fn open_part(&mut self, key: &Key) -> Result<()> {
        while self.parts.len() >= self.max_open {
            self.close_least_recent()?;
        }
        self.parts.insert(
            key.clone(),
            Part {
                dir: self.lake.partition_dir(&key.0, &key.1, key.2),
                days: HashMap::new(),
                open_days: HashSet::new(),
                writer: None,
                last_use: self.tick,
            },
        );
        Ok(())
    }

    /// Make sure the uids of `day` in partition `key` (open) are known: the committed
    /// files' and this run's finished files'. Too many uids held: the least recently
    /// used days' sets are dropped first.
    fn load_day(&mut self, key: &Key, day: i32) -> Result<()> {
        if self.parts[key].days.contains_key(&day) {
            return Ok(());
        }
        while self.seen_total > self.max_seen {
            let oldest = self
                .parts
                .iter()
                .flat_map(|(k, p)| p.days.iter().map(move |(d, (_, used))| (*used, k, *d)))
                .min()
                .map(|(_, k, d)| (k.clone(), d));
            let Some((k, d)) = oldest else { break };
            let part = self.parts.get_mut(&k).expect("listed");
            let (seen, _) = part.days.remove(&d).expect("listed");
            self.seen_total -= seen.len();
        }
        let committed = self
            .committed
            .get_or_insert_with(|| committed_runs(&self.lake.root));
        let part = self.parts.get_mut(key).expect("opened");
        if part.open_days.contains(&day) {
            // Rows of this day are in the open file: finish it (the next rows start
            // another) so that it can be read.
            if let Some((w, path)) = part.writer.take() {
                finish_file(w, &path)?;
            }
            part.open_days.clear();
        }
        let open = part.writer.as_ref().map(|(_, p)| p.clone());
        let mut files = parquet_files(&part.dir);
        files.retain(|f| run_of(f).is_none_or(|r| committed.contains(r)));
        files.extend(
            self.files
                .iter()
                .filter(|(tmp, _)| {
                    tmp.parent() == Some(part.dir.as_path()) && Some(tmp) != open.as_ref()
                })
                .map(|(t, _)| t.clone()),
        );
        let mut seen = HashSet::new();
        for f in files {
            read_event_uids(&f, &key.0, &key.1, Some(day), |u| {
                seen.insert(uid_key(u));
            })?;
        }
        self.seen_total += seen.len();
        part.days.insert(day, (seen, self.tick));
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
    /// Rows this run wrote into tenant `unknown`, per provider.
    pub fn unknown_tenant_rows(&self) -> BTreeMap<String, u64> {
        self.written
            .iter()
            .filter(|((_, t), n)| t == UNKNOWN_TENANT && **n > 0)
            .map(|((p, _), n)| (p.clone(), *n))
            .collect()
    }

    /// One export, one tenant: some shapes carry no tenant id (Graph `directoryAudits`,
    /// Okta) while others of the same export do (Graph `signIns`). When this run wrote
    /// rows of a provider into tenant `unknown` and into exactly one other tenant, the
    /// `unknown` rows belong to that tenant: this run's files of them are read back,
    /// written again under that tenant (deduplicated against it) and dropped. Files of
    /// earlier runs are left as they are.
    pub fn attach_unknown_tenants(&mut self) -> Result<Vec<Attached>> {
        let mut tenants: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for ((p, t), n) in &self.written {
            if *n > 0 {
                tenants.entry(p).or_default().push(t);
            }
        }
        let moves: Vec<(String, String)> = tenants
            .into_iter()
            .filter_map(|(p, ts)| {
                let known: Vec<&&str> = ts.iter().filter(|t| **t != UNKNOWN_TENANT).collect();
                (ts.contains(&UNKNOWN_TENANT) && known.len() == 1)
                    .then(|| (p.to_string(), known[0].to_string()))
            })
            .collect();
        let mut attached = Vec::new();
        for (provider, tenant) in moves {
            // Close this run's partitions of the provider's unknown tenant.
            let keys: Vec<Key> = self
                .parts
                .keys()
                .filter(|k| k.0 == provider && k.1 == UNKNOWN_TENANT)
                .cloned()
                .collect();
            for k in keys {
                if let Some(part) = self.parts.remove(&k) {
                    self.seen_total -= part.seen();
                    close(part)?;
                }
            }
            let unknown_root = self.lake.tenant_dir(&provider, UNKNOWN_TENANT);
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.files)
                .into_iter()
                .partition(|(tmp, _)| tmp.starts_with(&unknown_root));
            self.files = rest;
            self.written
                .remove(&(provider.clone(), UNKNOWN_TENANT.to_string()));
            let mut out = BTreeMap::new();
            for (tmp, _) in mine {
                let perr = |e| Error::Parquet {
                    path: tmp.clone(),
                    source: e,
                };
                let f = File::open(&tmp).map_err(|e| Error::io(&tmp, e))?;
                let reader = ParquetRecordBatchReaderBuilder::try_new(f)
                    .map_err(perr)?
                    .build()
                    .map_err(perr)?;
                for batch in reader {
                    let batch = batch?;
                    let idx = batch.schema().index_of("tenant")?;
                    let mut cols = batch.columns().to_vec();
                    cols[idx] =
                        std::sync::Arc::new(arrow::array::StringArray::from(vec![
                            tenant.as_str();
                            batch.num_rows()
                        ]));
                    let batch = RecordBatch::try_new(batch.schema(), cols)?;
                    self.write_batch(&batch, &mut out)?;
                    self.bound_memory()?;
                }
                std::fs::remove_file(&tmp).map_err(|e| Error::io(&tmp, e))?;
                // Folders this run made for them and nothing else holds.
                for dir in tmp.ancestors().skip(1).take(2) {
                    if std::fs::remove_dir(dir).is_err() {
                        break;
                    }
                }
            }
            let w: Written = out.values().fold(Written::default(), |a, w| Written {
                ingested: a.ingested + w.ingested,
                duplicates: a.duplicates + w.duplicates,
            });
            attached.push(Attached {
                provider,
                tenant,
                events: w.ingested,
                duplicates: w.duplicates,
            });
        }
        Ok(attached)
    }

    pub fn finish(mut self) -> Result<Vec<(PathBuf, PathBuf)>> {
        for (_, part) in self.parts.drain() {
            close(part)?;
        }
        Ok(self.files)
    }
}

fn close(part: Part) -> Result<()> {
    if let Some((w, path)) = part.writer {
        finish_file(w, &path)?;
    }
    Ok(())
}

/// Finish a Parquet file and sync it to disk.
pub(crate) fn finish_file(w: ArrowWriter<File>, path: &Path) -> Result<()> {
    let f = w.into_inner().map_err(|e| Error::Parquet {
        path: path.to_path_buf(),
        source: e,
    })?;
    f.sync_all().map_err(|e| Error::io(path, e))
}

/// Hand the `event_uid` of each row of `provider` and `tenant` in an events file to
/// `each`; with `day`, only those of rows at that UTC day (row groups whose time
/// statistics lie elsewhere are not read).
pub(crate) fn read_event_uids(
    path: &Path,
    provider: &str,
    tenant: &str,
    day: Option<i32>,
    mut each: impl FnMut(&str),
) -> Result<()> {
    let perr = |e| Error::Parquet {
        path: path.to_path_buf(),
        source: e,
    };
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut builder = ParquetRecordBatchReaderBuilder::try_new(f).map_err(perr)?;
    let mask = ProjectionMask::columns(
        builder.parquet_schema(),
        ["event_uid", "provider", "tenant", "time"],
    );
    if let Some(day) = day {
        let (lo, hi) = (
            i64::from(day) * 86_400_000_000,
            i64::from(day + 1) * 86_400_000_000,
        );
        let meta = builder.metadata().clone();
        let time_col = meta
            .file_metadata()
            .schema_descr()
            .columns()
            .iter()
            .position(|c| c.path().string() == "time");
        let groups: Vec<usize> = (0..meta.num_row_groups())
            .filter(|&g| {
                let stats = time_col.and_then(|c| meta.row_group(g).column(c).statistics());
                match stats {
                    Some(parquet::file::statistics::Statistics::Int64(s)) => {
                        match (s.min_opt(), s.max_opt()) {
                            (Some(min), Some(max)) => *max >= lo && *min < hi,
                            _ => true,
                        }
                    }
                    _ => true,
                }
            })
            .collect();
        builder = builder.with_row_groups(groups);
    }
    let reader = builder.with_projection(mask).build().map_err(perr)?;
    for batch in reader {
        let batch = batch?;
        let col = |name: &str| {
            batch
                .column_by_name(name)
                .map(|c| c.as_string::<i32>())
                .ok_or_else(|| Error::lake(path, format!("events file without {name}")))
        };
        let (uid, p, t) = (col("event_uid")?, col("provider")?, col("tenant")?);
        let time = batch
            .column_by_name("time")
            .and_then(|c| c.as_primitive_opt::<TimestampMicrosecondType>())
            .ok_or_else(|| Error::lake(path, "events file without time"))?;
        for i in 0..uid.len() {
            if uid.is_valid(i)
                && p.value(i) == provider
                && t.value(i) == tenant
                && day.is_none_or(|d| crate::time::day_of_micros(time.value(i)) == d)
            {
                each(uid.value(i));
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lake::Intent;
    use crate::lake::tables::RunRecord;

    /// Okta events, as (tenant, event_uid, time).
    fn batch_at(rows: &[(&str, &str, &str)]) -> RecordBatch {
        let text: String = rows
            .iter()
            .map(|(tenant, uid, time)| {
                serde_json::json!({
                    "event_uid": uid, "time": time, "provider": "okta",
                    "tenant": tenant, "event_type": "user.session.start", "category": "authentication",
                    "raw": "{}",
                })
                .to_string()
                    + "\n"
            })
            .collect();
        let schema = crate::event::schema();
        let reader = arrow::json::ReaderBuilder::new(schema.clone())
            .build(std::io::Cursor::new(text.into_bytes()))
            .unwrap();
        let batches: Vec<_> = reader.collect::<std::result::Result<_, _>>().unwrap();
        arrow::compute::concat_batches(&schema, &batches).unwrap()
    }

    /// Okta events on 2026-11-27, as (tenant, event_uid).
    fn batch(rows: &[(&str, &str)]) -> RecordBatch {
        let rows: Vec<_> = rows
            .iter()
            .map(|(t, u)| (*t, *u, "2026-11-27T10:00:00Z"))
            .collect();
        batch_at(&rows)
    }

    /// One committed run writing `rows`: (ingested, duplicates).
    fn ingest(lake: &Lake, run: &str, rows: &[(&str, &str)]) -> (u64, u64) {
        let lock = lake.open_for_write().unwrap();
        let mut w = EventWriter::new(lake, run);
        let out = w.write(&[batch(rows)]).unwrap();
        let renames = w.finish().unwrap();
        lock.commit(Intent {
            run_id: run.into(),
            renames,
            deletes: Vec::new(),
            run: RunRecord::derived(run.into(), "ingest", 0, &[], serde_json::json!({})),
        })
        .unwrap();
        let w = out["okta"];
        (w.ingested, w.duplicates)
    }

    /// 2026-11, the month of 2026-11-27.
    const MONTH: i32 = 2026 * 12 + 10;

    #[test]
    fn the_empty_tenant_and_nul_are_distinct_partitions() {
        let d = tempfile::tempdir().unwrap();
        let lake = Lake::new(d.path().join("lake"));
        let rows = [("", "u1"), ("\0", "u1")];
        assert_eq!(ingest(&lake, "20261127T100000Z-0000000a", &rows), (2, 0));
        assert_eq!(ingest(&lake, "20261127T100001Z-0000000b", &rows), (0, 2));
        let empty = lake.partition_dir("okta", "", MONTH);
        let nul = lake.partition_dir("okta", "\0", MONTH);
        assert_ne!(empty, nul);
        assert_eq!(parquet_files(&empty).len(), 1, "{}", empty.display());
        assert_eq!(parquet_files(&nul).len(), 1, "{}", nul.display());
    }

    #[test]
    fn a_day_dropped_from_memory_is_still_deduplicated_and_rows_are_in_time_order() {
        let d = tempfile::tempdir().unwrap();
        let lake = Lake::new(d.path().join("lake"));
        let run = "20261127T100000Z-0000000a";
        let _lock = lake.open_for_write().unwrap();
        let mut w = EventWriter::new(&lake, run);
        // One uid set at a time: every new day drops the one before.
        w.max_seen = 0;
        let day1 = [
            ("t", "a", "2026-11-02T10:00:00Z"),
            ("t", "b", "2026-11-01T10:00:00Z"),
        ];
        let day2 = [("t", "c", "2026-11-03T10:00:00Z")];
        let again = [
            ("t", "a", "2026-11-02T10:00:00Z"),
            ("t", "d", "2026-11-02T11:00:00Z"),
        ];
        let mut counts = Vec::new();
        for rows in [&day1[..], &day2[..], &again[..]] {
            let out = w.write(&[batch_at(rows)]).unwrap()["okta"];
            counts.push((out.ingested, out.duplicates));
        }
        assert_eq!(counts, [(2, 0), (1, 0), (1, 1)]);
        let renames = w.finish().unwrap();
        // Day 2026-11-02 came back while its rows were in the open file: that file was
        // finished (so it could be read) and a second one started, both in 2026-11.
        assert_eq!(renames.len(), 2, "{renames:?}");
        let mut uids = Vec::new();
        for (tmp, fin) in &renames {
            assert!(
                fin.parent().unwrap().ends_with("event_month=2026-11"),
                "{}",
                fin.display()
            );
            read_event_uids(tmp, "okta", "t", None, |u| uids.push(u.to_string())).unwrap();
        }
        // b (Nov 1) was sorted before a (Nov 2) within the first batch.
        assert_eq!(uids, ["b", "a", "c", "d"]);
    }
}
