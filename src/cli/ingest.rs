//! `trailcheck ingest`: read exports into the lake and print what was read.

use clap::Args;

use super::args::{LakeArg, StoreArgs};
use super::{ExitStatus, command_line};
use crate::ingest::{IngestOptions, IngestSummary};
use crate::read::ReadOptions;

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files or folders (searched recursively), `.gz` allowed; `-` reads stdin;
    /// s3://bucket/prefix, gs://bucket/prefix or az://container/prefix reads the objects
    /// there.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub lake: LakeArg,
    /// Skip detection: every record is read as this provider's.
    #[arg(long)]
    pub provider: Option<String>,
    /// Use this tenant for every event (Okta and Graph audit exports do not name one).
    #[arg(long)]
    pub tenant: Option<String>,
    /// Records larger than this many bytes are rejected without being held in memory.
    #[arg(long, default_value_t = ReadOptions::default().max_record)]
    pub max_record_bytes: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Read every input again, also files that a committed run already ingested
    /// unchanged (by default those are skipped: same path and size, and the same
    /// modification time or SHA-256).
    #[arg(long)]
    pub reread: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn ingest(a: &IngestArgs) -> anyhow::Result<ExitStatus> {
    let summary = ingest_and_print(a)?;
    Ok(status(&summary))
}

/// Ingest, print the summary (table or JSON) on stdout and each file's problem on
/// stderr: `ingest`, and the first step of `run`.
pub(super) fn ingest_and_print(a: &IngestArgs) -> anyhow::Result<IngestSummary> {
    let summary = crate::ingest::ingest(&IngestOptions {
        inputs: a.inputs.clone(),
        lake: a.lake.lake.clone(),
        provider: a.provider.clone(),
        tenant: a.tenant.clone(),
        read: ReadOptions {
            max_record: a.max_record_bytes,
            ..ReadOptions::default()
        },
        progress: !a.quiet,
        args: command_line(),
        reread: a.reread,
        store: a.store.options(),
    })?;
    // Named as given: a lake on object storage by its URL, not its local mirror.
    let lake = a.lake.location.to_string();
    if a.json {
        let mut json = summary_json(&summary);
        json["lake"] = lake.into();
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        print_summary(&summary, &lake);
    }
    for p in &summary.problems {
        let level = if p.error { "error" } else { "warning" };
        eprintln!(
            "trailcheck: {level}: {}: {}",
            crate::text::terminal(&p.file),
            crate::text::terminal(&p.message)
        );
    }
    Ok(summary)
}

/// Error when a file could not be read, else ok.
pub(super) fn status(s: &IngestSummary) -> ExitStatus {
    if s.has_errors() {
        ExitStatus::Error
    } else {
        ExitStatus::Ok
    }
}

/// The summary as JSON (stable keys, for scripts and tests).
pub fn summary_json(s: &IngestSummary) -> serde_json::Value {
    serde_json::json!({
        "run_id": s.run_id,
        "lake": s.lake.display().to_string(),
        "providers": s.counts,
        "total": s.total(),
        "files": s.files_read(),
        "already_ingested": s.files_already_ingested(),
        "skipped": s.skipped,
        "problems": s.problems.iter().map(|p| serde_json::json!({
            "file": p.file, "message": p.message, "error": p.error,
        })).collect::<Vec<_>>(),
        "seconds": s.elapsed.as_secs_f64(),
        "decoded_bytes": s.decoded_bytes,
        "attached_to_tenant": s.attached,
        "unknown_tenant": s.unknown_tenant,
        "compacted": s.compacted,
    })
}

fn print_summary(s: &IngestSummary, lake: &str) {
    let t = s.total();
    println!("ingest run {} into {lake}", s.run_id);
    println!(
        "{:<18} {:>10} {:>10} {:>11} {:>9}",
        "provider", "read", "ingested", "duplicates", "rejected"
    );
    for (p, c) in &s.counts {
        println!(
            "{:<18} {:>10} {:>10} {:>11} {:>9}",
            p, c.read, c.ingested, c.duplicates, c.rejected
        );
    }
    println!(
        "{:<18} {:>10} {:>10} {:>11} {:>9}",
        "total", t.read, t.ingested, t.duplicates, t.rejected
    );
    let secs = s.elapsed.as_secs_f64().max(1e-9);
    println!(
        "{} files, {:.1} MB in {:.2} s ({:.0} events/s, {:.1} MB/s)",
        s.files_read(),
        s.decoded_bytes as f64 / 1e6,
        secs,
        t.read as f64 / secs,
        s.decoded_bytes as f64 / 1e6 / secs
    );
    let already = s.files_already_ingested();
    if already > 0 {
        println!(
            "skipped {already} files already ingested by earlier runs, unchanged (--reread reads them again)"
        );
    }
    if !s.skipped.is_empty() {
        println!(
            "passed over {} files that are not JSON exports",
            s.skipped.len()
        );
    }
    if t.rejected > 0 {
        println!(
            "{} records rejected: see `rejects/run={}/rejects.parquet` in the lake",
            t.rejected, s.run_id
        );
    }
    for a in &s.attached {
        println!(
            "{} {} events named no tenant: attached to {}, the only {} tenant in this run",
            a.events + a.duplicates,
            a.provider,
            a.tenant.escape_debug(),
            a.provider
        );
    }
    for (p, n) in &s.unknown_tenant {
        println!("{}", crate::lake::writer::unknown_tenant_advice(p, *n));
    }
    if s.compacted.run_id.is_some() {
        println!("{}", super::compact::describe(&s.compacted));
    }
}
