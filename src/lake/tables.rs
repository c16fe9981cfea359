//! The small tables beside `events`: `runs` (one row per run) and `rejects` (every
//! record that did not become an event, with its reason and bounded raw bytes).

use std::fs::File;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use arrow::array::{
    ArrayRef, BinaryBuilder, BooleanBuilder, StringBuilder, TimestampMicrosecondBuilder,
    UInt64Builder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Raw bytes kept per reject.
pub const REJECT_RAW_LIMIT: usize = 64 * 1024;

/// A record that did not become an event.
#[derive(Debug, Clone, Serialize)]
pub struct Reject {
    pub provider: Option<&'static str>,
    pub source_file: String,
    pub source_offset: u64,
    pub reason: String,
    /// At most [`REJECT_RAW_LIMIT`] bytes.
    #[serde(skip)]
    pub raw: Vec<u8>,
    /// Length of the whole record.
    pub raw_len: u64,
}

impl Reject {
    pub fn new(
        provider: Option<&'static str>,
        file: &str,
        offset: u64,
        reason: String,
        raw: &[u8],
        raw_len: u64,
    ) -> Self {
        Reject {
            provider,
            source_file: file.to_string(),
            source_offset: offset,
            reason,
            raw: raw[..raw.len().min(REJECT_RAW_LIMIT)].to_vec(),
            raw_len,
        }
    }
}

static REJECTS_SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        Field::new("ingest_run", DataType::Utf8, false),
        Field::new("provider", DataType::Utf8, true),
        Field::new("source_file", DataType::Utf8, false),
        Field::new("source_offset", DataType::UInt64, false),
        Field::new("reason", DataType::Utf8, false),
        Field::new("raw", DataType::Binary, true),
        Field::new("raw_len", DataType::UInt64, false),
        Field::new("raw_truncated", DataType::Boolean, false),
    ]))
});

pub fn rejects_schema() -> SchemaRef {
    REJECTS_SCHEMA.clone()
}

pub fn rejects_batch(run: &str, rejects: &[Reject]) -> RecordBatch {
    let mut run_b = StringBuilder::new();
    let mut prov = StringBuilder::new();
    let mut file = StringBuilder::new();
    let mut off = UInt64Builder::new();
    let mut reason = StringBuilder::new();
    let mut raw = BinaryBuilder::new();
    let mut len = UInt64Builder::new();
    let mut trunc = BooleanBuilder::new();
    for r in rejects {
        run_b.append_value(run);
        prov.append_option(r.provider);
        file.append_value(&r.source_file);
        off.append_value(r.source_offset);
        reason.append_value(&r.reason);
        raw.append_value(&r.raw);
        len.append_value(r.raw_len);
        trunc.append_value((r.raw.len() as u64) < r.raw_len);
    }
    let cols: Vec<ArrayRef> = vec![
        Arc::new(run_b.finish()),
        Arc::new(prov.finish()),
        Arc::new(file.finish()),
        Arc::new(off.finish()),
        Arc::new(reason.finish()),
        Arc::new(raw.finish()),
        Arc::new(len.finish()),
        Arc::new(trunc.finish()),
    ];
    RecordBatch::try_new(rejects_schema(), cols).expect("rejects schema")
}

/// One input file of a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunInput {
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
    pub gzip: bool,
    pub records: u64,
    pub events: u64,
    pub rejected: u64,
    pub error: Option<String>,
    /// The file's canonical (absolute, symlinks resolved) path, for a regular file:
    /// how a later run recognizes it (see [`crate::incremental`]). `None` for stdin
    /// and FIFOs, and in rows of earlier versions.
    #[serde(default)]
    pub path: Option<String>,
    /// The file's modification time (nanoseconds since the Unix epoch) as seen before
    /// it was read; with `bytes`, what lets a later run skip it without hashing.
    #[serde(default)]
    pub mtime_ns: Option<i64>,
    /// An object's ETag as listed (then `path` is its URL and `mtime_ns` is `None`);
    /// with `bytes`, what lets a later run skip it without downloading it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Not read by this run: its size or modification time had changed, but its
    /// SHA-256 was that of the content this earlier run ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub already_ingested: Option<String>,
}

/// Counts for one provider in one run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counts {
    pub read: u64,
    pub ingested: u64,
    pub duplicates: u64,
    pub rejected: u64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.read += o.read;
        self.ingested += o.ingested;
        self.duplicates += o.duplicates;
        self.rejected += o.rejected;
    }
}

/// One row of the `runs` table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunRecord {
    pub run_id: String,
    pub kind: String,
    pub started_at: i64,
    pub finished_at: i64,
    pub tool_version: String,
    pub args: Vec<String>,
    pub inputs: Vec<RunInput>,
    /// Per provider, sorted by name.
    pub counts: Vec<(String, Counts)>,
    /// Free-form JSON: parameters of analyze runs, files written, ...
    pub details: serde_json::Value,
}

impl RunRecord {
    /// A run that read no input files (analyze, score), finishing now.
    pub fn derived(
        run_id: String,
        kind: &str,
        started_at: i64,
        args: &[String],
        details: serde_json::Value,
    ) -> Self {
        RunRecord {
            run_id,
            kind: kind.into(),
            started_at,
            finished_at: chrono::Utc::now().timestamp_micros(),
            tool_version: crate::VERSION.into(),
            args: args.to_vec(),
            inputs: Vec::new(),
            counts: Vec::new(),
            details,
        }
    }
}

static RUNS_SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    let ts = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    Arc::new(Schema::new(vec![
        Field::new("run_id", DataType::Utf8, false),
        Field::new("kind", DataType::Utf8, false),
        Field::new("started_at", ts.clone(), false),
        Field::new("finished_at", ts, false),
        Field::new("tool_version", DataType::Utf8, false),
        Field::new("args", DataType::Utf8, false),
        Field::new("inputs", DataType::Utf8, false),
        Field::new("counts", DataType::Utf8, false),
        Field::new("details", DataType::Utf8, false),
        Field::new("read", DataType::UInt64, false),
        Field::new("ingested", DataType::UInt64, false),
        Field::new("duplicates", DataType::UInt64, false),
        Field::new("rejected", DataType::UInt64, false),
    ]))
});

pub fn runs_schema() -> SchemaRef {
    RUNS_SCHEMA.clone()
}

/// Write one run row as its own Parquet file (JSON columns hold the nested parts).
pub fn write_run(path: &Path, run: &RunRecord) -> Result<()> {
    let mut total = Counts::default();
    for (_, c) in &run.counts {
        total.add(c);
    }
    let s = |v: &str| -> ArrayRef {
        let mut b = StringBuilder::new();
        b.append_value(v);
        Arc::new(b.finish())
    };
    let t = |v: i64| -> ArrayRef {
        let mut b = TimestampMicrosecondBuilder::new().with_timezone("UTC");
        b.append_value(v);
        Arc::new(b.finish())
    };
    let u = |v: u64| -> ArrayRef {
        let mut b = UInt64Builder::new();
        b.append_value(v);
        Arc::new(b.finish())
    };
    let counts: serde_json::Map<String, serde_json::Value> = run
        .counts
        .iter()
        .map(|(k, c)| (k.clone(), serde_json::to_value(c).expect("counts")))
        .collect();
    let cols = vec![
        s(&run.run_id),
        s(&run.kind),
        t(run.started_at),
        t(run.finished_at),
        s(&run.tool_version),
        s(&serde_json::to_string(&run.args).expect("args serialize")),
        s(&serde_json::to_string(&run.inputs).expect("inputs serialize")),
        s(&serde_json::Value::Object(counts).to_string()),
        s(&run.details.to_string()),
        u(total.read),
        u(total.ingested),
        u(total.duplicates),
        u(total.rejected),
    ];
    let batch = RecordBatch::try_new(runs_schema(), cols)?;
    write_parquet_atomic(path, &batch)
}

/// Write a small Parquet file through a temporary name.
pub fn write_parquet_atomic(path: &Path, batch: &RecordBatch) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let tmp = super::temp_name(path);
    write_parquet(&tmp, batch)?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Write one batch to a zstd Parquet file.
pub fn write_parquet(path: &Path, batch: &RecordBatch) -> Result<()> {
    let f = File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = ArrowWriter::try_new(f, batch.schema(), Some(super::writer::properties()))
        .map_err(|e| Error::Parquet {
            path: path.into(),
            source: e,
        })?;
    w.write(batch).map_err(|e| Error::Parquet {
        path: path.into(),
        source: e,
    })?;
    let f = w.into_inner().map_err(|e| Error::Parquet {
        path: path.into(),
        source: e,
    })?;
    f.sync_all().map_err(|e| Error::io(path, e))
}
