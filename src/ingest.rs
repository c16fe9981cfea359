//! Ingest: read → providers → lake, as a bounded pipeline.
//!
//! ```text
//! reader thread ──chunks──▶ parser thread (rayon over records) ──batches──▶ writer (this thread)
//! ```
//!
//! Channels are bounded, so at most a few chunks (2 MiB of records each by default) are
//! in flight whatever the input size. Every record ends as event rows or a reject, and
//! per provider `read = ingested + duplicates + rejected` where `read` counts event rows
//! produced plus rejected records (a Google Workspace activity gives one row per entry).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use arrow::record_batch::RecordBatch;
use crossbeam_channel::bounded;
use parquet::arrow::ArrowWriter;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::event::{EventBatchBuilder, Provenance};
use crate::incremental::{self, Decision};
use crate::json::{self, Value};
use crate::lake::tables::{self, Counts, Reject, RunInput, RunRecord};
use crate::lake::writer::{Attached, EventWriter};
use crate::lake::{Intent, Lake, compact, temp_name};
use crate::location::StoreOptions;
use crate::providers::{self, Context, Provider};
use crate::read::{self, Chunk, FileDone, InputFile, ReadOptions};
use crate::review::{self, Review, ReviewSink};

/// What to ingest and how.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub inputs: Vec<String>,
    pub lake: PathBuf,
    /// `--provider`: skip detection.
    pub provider: Option<String>,
    /// `--tenant`: override the tenant of every event.
    pub tenant: Option<String>,
    pub read: ReadOptions,
    /// Show a progress bar (only on a terminal).
    pub progress: bool,
    /// The command line, for the runs table.
    pub args: Vec<String>,
    /// `--reread`: read every input, also those a committed run already ingested
    /// (see [`crate::incremental`]).
    pub reread: bool,
    /// How to reach the object stores of `s3://`, `gs://` and `az://` inputs.
    pub store: StoreOptions,
}

/// A problem with one input file as a whole.
#[derive(Debug, Clone)]
pub struct FileProblem {
    pub file: String,
    pub message: String,
    /// Errors make the command exit 2; warnings do not.
    pub error: bool,
}

/// What an ingest did.
#[derive(Debug, Clone)]
pub struct IngestSummary {
    pub run_id: String,
    pub lake: PathBuf,
    pub counts: BTreeMap<String, Counts>,
    pub inputs: Vec<RunInput>,
    pub problems: Vec<FileProblem>,
    /// Files in folders that were passed over (not .json/.ndjson/.gz/...).
    pub skipped: Vec<String>,
    pub elapsed: Duration,
    /// Bytes after decompression.
    pub decoded_bytes: u64,
    /// Events without a tenant attached to the only tenant of their provider in this run.
    pub attached: Vec<Attached>,
    /// Events of this run left in tenant `unknown`, per provider.
    pub unknown_tenant: BTreeMap<String, u64>,
    /// The partitions this run wrote into that held many files, rewritten as one each.
    pub compacted: compact::Compacted,
    /// Input files not read because a committed run already ingested their content
    /// (unchanged, or hashed and found the same), per run that ingested them.
    pub already_ingested: BTreeMap<String, u64>,
}

impl IngestSummary {
    /// Files read by this run (not those skipped as already ingested).
    pub fn files_read(&self) -> usize {
        self.inputs
            .iter()
            .filter(|i| i.already_ingested.is_none())
            .count()
    }
    /// Files skipped as already ingested.
    pub fn files_already_ingested(&self) -> u64 {
        self.already_ingested.values().sum()
    }
    pub fn total(&self) -> Counts {
        let mut t = Counts::default();
        for c in self.counts.values() {
            t.add(c);
        }
        t
    }
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.error)
    }
}

enum Msg {
    Chunk(usize, Chunk),
    Done(usize, std::result::Result<FileDone, String>),
}

enum Parsed {
    Chunk {
        file: usize,
        batches: Vec<RecordBatch>,
        rejects: Vec<Reject>,
        /// Event rows produced per provider.
        events: BTreeMap<&'static str, u64>,
        /// Access-review rows (a second kind of input, see [`crate::review`]).
        reviews: Vec<ReviewItem>,
    },
    Done(usize, std::result::Result<FileDone, String>),
}

pub use crate::lake::new_run_id;

pub fn ingest(opts: &IngestOptions) -> Result<IngestSummary> {
    let started = Instant::now();
    let started_at = chrono::Utc::now().timestamp_micros();
    let forced: Option<&'static Provider> = match &opts.provider {
        Some(name) => Some(providers::by_name(name).ok_or_else(|| {
            Error::Usage(format!(
                "unknown provider {name:?}; expected one of: {}",
                providers::names().join(", ")
            ))
        })?),
        None => None,
    };
    let read::Discovered {
        files,
        passed_over: skipped,
        not_files,
    } = read::discover(&opts.inputs, &opts.store)?;
    if files.is_empty() {
        let not_files: String = not_files
            .iter()
            .map(|(f, why)| format!("; {f}: {why}"))
            .collect();
        return Err(Error::Usage(format!(
            "no input files found in {} (folders are searched for {}){not_files}",
            opts.inputs.join(", "),
            read::FOLDER_EXTENSIONS.join(", ")
        )));
    }
    let lake = Lake::new(&opts.lake);
    let lock = lake.open_for_write()?;
    let run_id = new_run_id();

    // Inputs a committed run already ingested are not read (read under the lock: its
    // recovery may just have completed a run).
    let index = if opts.reread {
        incremental::Index::default()
    } else {
        incremental::Index::load(&opts.lake, opts.provider.as_deref(), opts.tenant.as_deref())?
    };
    let mut to_read = Vec::with_capacity(files.len());
    let mut stats = Vec::with_capacity(files.len());
    let mut unchanged_by: Vec<String> = Vec::new();
    let mut same_content: Vec<RunInput> = Vec::new();
    for f in files {
        match index.decide(&f) {
            Decision::Read(stat) => {
                to_read.push(f);
                stats.push(stat);
            }
            Decision::Unchanged { run } => unchanged_by.push(run),
            Decision::SameContent { run, stat, sha256 } => same_content.push(RunInput {
                file: f.display.clone(),
                sha256,
                bytes: stat.bytes,
                gzip: false,
                records: 0,
                events: 0,
                rejected: 0,
                error: None,
                path: Some(stat.path),
                mtime_ns: stat.mtime_ns,
                etag: stat.etag,
                already_ingested: Some(run),
            }),
        }
    }
    let already_ingested = incremental::by_run(
        unchanged_by.iter().map(String::as_str).chain(
            same_content
                .iter()
                .filter_map(|i| i.already_ingested.as_deref()),
        ),
    );
    let files = to_read;

    let total_bytes: Option<u64> = files.iter().map(|f| f.size).sum();
    let progress = Arc::new(AtomicU64::new(0));
    let bar = if opts.progress && std::io::stderr().is_terminal() {
        let bar = match total_bytes {
            Some(n) => indicatif::ProgressBar::new(n),
            None => indicatif::ProgressBar::no_length(),
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} ingest [{elapsed_precise}] {wide_bar} {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}, eta {eta})",
            )
            .expect("template"),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };

    let files = Arc::new(files);
    let cap = rayon::current_num_threads().max(2);
    let (chunk_tx, chunk_rx) = bounded::<Msg>(cap);
    let (res_tx, res_rx) = bounded::<Parsed>(cap);

    let reader = {
        let files = files.clone();
        let progress = progress.clone();
        let ropts = opts.read;
        std::thread::Builder::new()
            .name("trailcheck-read".into())
            .spawn(move || {
                let mut opener = read::Opener::new(&files);
                for (i, f) in files.iter().enumerate() {
                    let tx = chunk_tx.clone();
                    let r = opener.open(f).and_then(|raw| {
                        read::read_from(f, raw, ropts, progress.clone(), |c| {
                            let _ = tx.send(Msg::Chunk(i, c));
                        })
                    });
                    if chunk_tx
                        .send(Msg::Done(i, r.map_err(|e| e.to_string())))
                        .is_err()
                    {
                        return;
                    }
                }
            })
            .expect("spawn reader")
    };
    let parser = {
        let files = files.clone();
        let tenant = opts.tenant.clone();
        let run_id = run_id.clone();
        std::thread::Builder::new()
            .name("trailcheck-parse".into())
            .spawn(move || {
                for msg in chunk_rx {
                    let out = match msg {
                        Msg::Chunk(i, chunk) => {
                            parse_chunk(i, &chunk, &files[i], forced, tenant.as_deref(), &run_id)
                        }
                        Msg::Done(i, r) => Parsed::Done(i, r),
                    };
                    if res_tx.send(out).is_err() {
                        return;
                    }
                }
            })
            .expect("spawn parser")
    };

    let mut writer = EventWriter::new(&lake, &run_id);
    let mut rejects = RejectSink::new(&lake, &run_id);
    let mut reviews = ReviewSink::open(&lake.reviews_dir())?;
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    let mut per_file: Vec<RunInput> = files
        .iter()
        .zip(stats)
        .map(|(f, stat)| RunInput {
            file: f.display.clone(),
            sha256: String::new(),
            bytes: 0,
            gzip: false,
            records: 0,
            events: 0,
            rejected: 0,
            error: None,
            mtime_ns: stat.as_ref().and_then(|s| s.mtime_ns),
            etag: stat.as_ref().and_then(|s| s.etag.clone()),
            path: stat.map(|s| s.path),
            already_ingested: None,
        })
        .collect();
    let mut first_reason: Vec<Option<String>> = vec![None; files.len()];
    let mut problems: Vec<FileProblem> = not_files
        .into_iter()
        .map(|(file, message)| FileProblem {
            file,
            message,
            error: false,
        })
        .collect();
    let mut decoded_bytes = 0;
    let mut failure: Option<Error> = None;

    for msg in &res_rx {
        bar.set_position(progress.load(Ordering::Relaxed));
        match msg {
            Parsed::Chunk {
                file,
                batches,
                rejects: rj,
                events,
                reviews: rv,
            } => {
                for (p, n) in &events {
                    counts.entry(p.to_string()).or_default().read += n;
                    per_file[file].events += n;
                    per_file[file].records += n;
                }
                for item in rv {
                    let c = counts.entry(item.format.name.to_string()).or_default();
                    c.read += 1;
                    per_file[file].events += 1;
                    per_file[file].records += 1;
                    let provenance = review::Provenance {
                        format: item.format.name,
                        raw: &item.raw,
                        source_file: &files[file].display,
                        source_offset: item.offset,
                        source_line: item.line,
                    };
                    if reviews.push(item.review, &provenance) {
                        c.ingested += 1;
                    } else {
                        c.duplicates += 1;
                    }
                }
                for r in &rj {
                    let c = counts
                        .entry(r.provider.unwrap_or("unknown").to_string())
                        .or_default();
                    c.read += 1;
                    c.rejected += 1;
                    per_file[file].records += 1;
                    per_file[file].rejected += 1;
                    if first_reason[file].is_none() {
                        first_reason[file] =
                            Some(format!("at offset {}: {}", r.source_offset, r.reason));
                    }
                }
                if failure.is_some() {
                    continue;
                }
                if let Err(e) = rejects.write(&rj) {
                    failure = Some(e);
                    continue;
                }
                match writer.write(&batches) {
                    Ok(w) => {
                        for (p, n) in w {
                            let c = counts.entry(p).or_default();
                            c.ingested += n.ingested;
                            c.duplicates += n.duplicates;
                        }
                    }
                    Err(e) => failure = Some(e),
                }
            }
            Parsed::Done(i, Ok(done)) => {
                let pf = &mut per_file[i];
                pf.sha256 = done.sha256;
                pf.bytes = done.bytes;
                pf.gzip = done.gzip;
                decoded_bytes += done.decoded_bytes;
                if let Some(err) = done.error {
                    pf.error = Some(err.message.clone());
                    problems.push(FileProblem {
                        file: pf.file.clone(),
                        message: err.message,
                        error: true,
                    });
                } else if pf.records == 0 {
                    problems.push(FileProblem {
                        file: pf.file.clone(),
                        message: "empty: no records".into(),
                        error: false,
                    });
                } else if pf.events == 0 {
                    problems.push(FileProblem {
                        file: pf.file.clone(),
                        message: format!(
                            "no events read: all {} records rejected (first {}); expected audit events of {} as NDJSON, a JSON array or a {{Records|value|items|records:[...]}} page",
                            pf.rejected,
                            first_reason[i].clone().unwrap_or_default(),
                            providers::names().join(", ")
                        ),
                        error: true,
                    });
                }
            }
            Parsed::Done(i, Err(message)) => {
                per_file[i].error = Some(message.clone());
                problems.push(FileProblem {
                    file: per_file[i].file.clone(),
                    message,
                    error: true,
                });
            }
        }
    }
    reader.join().expect("reader thread");
    parser.join().expect("parser thread");
    bar.finish_and_clear();
    if let Some(e) = failure {
        return Err(e);
    }

    let attached = writer.attach_unknown_tenants()?;
    for a in &attached {
        let c = counts.entry(a.provider.clone()).or_default();
        c.ingested -= a.duplicates;
        c.duplicates += a.duplicates;
    }
    let unknown_tenant = writer.unknown_tenant_rows();
    let mut renames = writer.finish()?;
    if let Some(r) = rejects.finish()? {
        renames.push(r);
    }
    if !reviews.is_empty() {
        let path = lake
            .reviews_dir()
            .join(format!("run={run_id}"))
            .join("reviews.parquet");
        let dir = path.parent().expect("run folder");
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let tmp = temp_name(&path);
        tables::write_parquet(&tmp, &reviews.batch(&run_id)?)?;
        renames.push((tmp, path));
    }
    // Files skipped unchanged are counted, not listed (a daily job on a growing folder
    // would otherwise list every file again in every run); those hashed are listed
    // with their new modification time.
    per_file.extend(same_content);
    let finished_at = chrono::Utc::now().timestamp_micros();
    let run = RunRecord {
        run_id: run_id.clone(),
        kind: "ingest".into(),
        started_at,
        finished_at,
        tool_version: crate::VERSION.into(),
        args: opts.args.clone(),
        inputs: per_file.clone(),
        counts: counts.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        details: serde_json::json!({
            "lake": opts.lake.display().to_string(),
            "provider": opts.provider,
            "tenant": opts.tenant,
            "files_written": renames.len(),
            "attached_to_tenant": attached,
            "unknown_tenant": unknown_tenant,
            "already_ingested": already_ingested,
            "reread": opts.reread,
        }),
    };
    // The month partitions this run wrote into: one that now holds many files (a daily
    // job adds one each day) is compacted right away, under the same lock.
    let touched: BTreeSet<PathBuf> = renames
        .iter()
        .filter(|(_, f)| f.starts_with(lake.events_dir()))
        .filter_map(|(_, f)| f.parent().map(Path::to_path_buf))
        .collect();
    lock.commit(Intent {
        run_id: run_id.clone(),
        renames,
        deletes: Vec::new(),
        run,
    })?;
    // The ingest is committed: a compaction that fails is a warning (the partition
    // keeps its files, and the next ingest or `trailcheck compact` tries again).
    let compacted = match compact::compact(
        &lock,
        &compact::Select::Touched(touched.into_iter().collect()),
        &opts.args,
    ) {
        Ok(c) => c,
        Err(e) => {
            problems.push(FileProblem {
                file: opts.lake.display().to_string(),
                message: format!(
                    "compaction after the ingest failed (the ingest is committed): {e}"
                ),
                error: false,
            });
            compact::Compacted::default()
        }
    };
    Ok(IngestSummary {
        run_id,
        lake: opts.lake.clone(),
        counts,
        inputs: per_file,
        problems,
        skipped,
        elapsed: started.elapsed(),
        decoded_bytes,
        attached,
        unknown_tenant,
        compacted,
        already_ingested,
    })
}

/// Rejects streamed to one Parquet file per run.
struct RejectSink {
    path: PathBuf,
    run: String,
    writer: Option<ArrowWriter<File>>,
}

impl RejectSink {
    fn new(lake: &Lake, run: &str) -> Self {
        RejectSink {
            path: lake
                .rejects_dir()
                .join(format!("run={run}"))
                .join("rejects.parquet"),
            run: run.to_string(),
            writer: None,
        }
    }

    fn write(&mut self, rejects: &[Reject]) -> Result<()> {
        if rejects.is_empty() {
            return Ok(());
        }
        let tmp = temp_name(&self.path);
        let perr = |e| Error::Parquet {
            path: tmp.clone(),
            source: e,
        };
        if self.writer.is_none() {
            let dir = self.path.parent().expect("run folder");
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            let f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            self.writer = Some(
                ArrowWriter::try_new(
                    f,
                    tables::rejects_schema(),
                    Some(crate::lake::writer::properties()),
                )
                .map_err(perr)?,
            );
        }
        let w = self.writer.as_mut().expect("writer");
        w.write(&tables::rejects_batch(&self.run, rejects))
            .map_err(perr)?;
        Ok(())
    }

    fn finish(self) -> Result<Option<(PathBuf, PathBuf)>> {
        let Some(w) = self.writer else {
            return Ok(None);
        };
        let tmp = temp_name(&self.path);
        let f = w.into_inner().map_err(|e| Error::Parquet {
            path: tmp.clone(),
            source: e,
        })?;
        f.sync_all().map_err(|e| Error::io(&tmp, e))?;
        Ok(Some((tmp, self.path)))
    }
}

/// Records per parallel task.
const TASK_RECORDS: usize = 256;

fn parse_chunk(
    file_index: usize,
    chunk: &Chunk,
    file: &InputFile,
    forced: Option<&'static Provider>,
    tenant: Option<&str>,
    run: &str,
) -> Parsed {
    let parts: Vec<(
        Option<RecordBatch>,
        Vec<Reject>,
        BTreeMap<&'static str, u64>,
        Vec<ReviewItem>,
    )> = chunk
        .records
        .par_chunks(TASK_RECORDS)
        .map(|spans| {
            let mut builder = EventBatchBuilder::new();
            let mut rejects = Vec::new();
            let mut events: BTreeMap<&'static str, u64> = BTreeMap::new();
            let mut reviews = Vec::new();
            let mut last: Option<&'static Provider> = None;
            for span in spans {
                let bytes = chunk.bytes(*span);
                match parse_record(bytes, file, forced, &mut last, tenant) {
                    Ok(Some(Record::Review(format, review))) => reviews.push(ReviewItem {
                        format,
                        review,
                        offset: span.start,
                        line: span.line,
                        raw: bytes.to_vec(),
                    }),
                    Ok(Some(Record::Events(provider, raw, evs))) => {
                        *events.entry(provider.name).or_default() += evs.len() as u64;
                        for e in &evs {
                            builder.append(
                                e,
                                Provenance {
                                    raw,
                                    source_file: &file.display,
                                    source_offset: span.start,
                                    ingest_run: run,
                                },
                            );
                        }
                    }
                    Ok(None) => {}
                    Err((provider, reason)) => rejects.push(Reject::new(
                        provider,
                        &file.display,
                        span.start,
                        match span.line {
                            0 => reason,
                            line => format!("line {line}: {reason}"),
                        },
                        bytes,
                        bytes.len() as u64,
                    )),
                }
            }
            let batch = (!builder.is_empty()).then(|| builder.finish());
            (batch, rejects, events, reviews)
        })
        .collect();
    let mut batches = Vec::new();
    let mut rejects = Vec::new();
    let mut events: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut reviews = Vec::new();
    for o in &chunk.oversize {
        rejects.push(Reject::new(
            forced.map(|p| p.name),
            &file.display,
            o.start,
            format!(
                "record of {} bytes is larger than the record size limit (--max-record-bytes); first {} bytes kept",
                o.len,
                o.prefix.len()
            ),
            &o.prefix,
            o.len,
        ));
    }
    for u in &chunk.unreadable {
        rejects.push(Reject::new(
            forced.map(|p| p.name),
            &file.display,
            u.start,
            u.reason.clone(),
            &u.raw,
            u.len,
        ));
    }
    for (b, r, e, v) in parts {
        batches.extend(b);
        rejects.extend(r);
        reviews.extend(v);
        for (k, v) in e {
            *events.entry(k).or_default() += v;
        }
    }
    Parsed::Chunk {
        file: file_index,
        batches,
        rejects,
        events,
        reviews,
    }
}

/// Why a record was rejected, and by which provider or review format.
type Rejected = (Option<&'static str>, String);

/// What one record became.
enum Record<'a> {
    Events(&'static Provider, &'a str, Vec<crate::event::Event>),
    Review(&'static review::Format, Review),
}

/// A review row with where it came from.
struct ReviewItem {
    format: &'static review::Format,
    review: Review,
    offset: u64,
    line: u64,
    raw: Vec<u8>,
}

/// One record → events, nothing (an empty page envelope), or a reject reason.
fn parse_record<'a>(
    bytes: &'a [u8],
    file: &InputFile,
    forced: Option<&'static Provider>,
    last: &mut Option<&'static Provider>,
    tenant: Option<&str>,
) -> std::result::Result<Option<Record<'a>>, Rejected> {
    let forced_name = forced.map(|p| p.name);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        (
            forced_name,
            format!(
                "not valid UTF-8: invalid byte at offset {} of the record",
                e.valid_up_to()
            ),
        )
    })?;
    let value: Value =
        json::from_str(text).map_err(|e| (forced_name, format!("malformed JSON: {e}")))?;
    let Value::Object(obj) = &value else {
        return Err((
            forced_name,
            format!(
                "expected a JSON object (one event), found {}",
                json_kind(&value)
            ),
        ));
    };
    if is_empty_envelope(obj) {
        return Ok(None);
    }
    let provider = match forced {
        Some(p) => p,
        None => match last
            .filter(|p| (p.detect)(&value))
            .or_else(|| providers::detect(&value))
        {
            Some(p) => p,
            None => {
                if let Some(format) = review::detect(&value) {
                    let ctx = review::Context {
                        tenant_override: tenant,
                        tenant_hint: file.tenant_hint.as_deref(),
                    };
                    let row = (format.map)(&value, &ctx).map_err(|r| (Some(format.name), r))?;
                    return Ok(Some(Record::Review(format, row)));
                }
                let keys: Vec<&str> = obj.keys().take(8).collect();
                return Err((
                    None,
                    format!(
                        "unknown format: no provider recognizes a record with keys [{}]; expected an event of {} (or name one with --provider), or an access review ({})",
                        keys.join(", "),
                        providers::names().join(", "),
                        review::FORMATS
                            .iter()
                            .map(|f| f.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        },
    };
    *last = Some(provider);
    let ctx = Context {
        tenant_override: tenant,
        tenant_hint: file.tenant_hint.as_deref(),
        raw: bytes,
    };
    let events = (provider.map)(&value, &ctx).map_err(|r| (Some(provider.name), r))?;
    if events.is_empty() {
        return Err((Some(provider.name), "record holds no events".into()));
    }
    Ok(Some(Record::Events(provider, text, events)))
}

/// A page envelope with no records in it (`{"kind":"admin#reports#activities"}` with no
/// `items`, a Graph page with an empty `value`): not an event and not a reject.
fn is_empty_envelope(obj: &json::Object<'_>) -> bool {
    let page_kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("#activities"));
    let graph_page = obj.contains_key("@odata.context");
    (page_kind || graph_page)
        && ["items", "value"].iter().all(|k| {
            obj.get(k)
                .is_none_or(|v| v.as_array().is_some_and(|a| a.is_empty()))
        })
}

fn json_kind(v: &Value<'_>) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
