//! The command line (DESIGN section 7). Parses arguments with clap, calls the library,
//! prints results, and turns the outcome into an [`ExitStatus`]. `anyhow` stops here:
//! the library returns typed errors.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::ingest::{self, IngestOptions, IngestSummary};
use crate::read::ReadOptions;

/// Exit status of every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Done.
    Ok,
    /// Done, and something is at or above `--fail-on` (or below `--min-score`).
    Findings,
    /// Could not do what was asked.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> Self {
        match s {
            ExitStatus::Ok => ExitCode::from(0),
            ExitStatus::Findings => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "trailcheck",
    version,
    about = "Audit-log evidence for identity providers: ingest native exports into a Parquet lake, \
             find dormant machine identities and over-broad admins, score logging claims."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read exported audit logs into the lake.
    Ingest(IngestArgs),
    /// List the providers trailcheck reads.
    Providers,
}

#[derive(Debug, Args)]
pub struct LakeArg {
    /// The lake folder.
    #[arg(long, default_value = "trailcheck-lake", env = "TRAILCHECK_LAKE")]
    pub lake: PathBuf,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files or folders (searched recursively), `.gz` allowed; `-` reads stdin.
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
    #[arg(long, default_value_t = 16 << 20)]
    pub max_record_bytes: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(status) => status.into(),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "trailcheck: error: {e:#}");
            ExitStatus::Error.into()
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Ingest(a) => {
            let opts = IngestOptions {
                inputs: a.inputs.clone(),
                lake: a.lake.lake.clone(),
                provider: a.provider.clone(),
                tenant: a.tenant.clone(),
                read: ReadOptions {
                    max_record: a.max_record_bytes,
                    ..ReadOptions::default()
                },
                progress: !a.quiet,
                args: std::env::args().collect(),
            };
            let summary = ingest::ingest(&opts)?;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&summary_json(&summary))?);
            } else {
                print_summary(&summary);
            }
            for p in &summary.problems {
                let level = if p.error { "error" } else { "warning" };
                eprintln!("trailcheck: {level}: {}: {}", p.file, p.message);
            }
            Ok(if summary.has_errors() {
                ExitStatus::Error
            } else {
                ExitStatus::Ok
            })
        }
        Command::Providers => {
            for p in crate::providers::PROVIDERS {
                println!("{:<18} {}", p.name, p.title);
            }
            Ok(ExitStatus::Ok)
        }
    }
}

/// The summary as JSON (stable keys, for scripts and tests).
pub fn summary_json(s: &IngestSummary) -> serde_json::Value {
    serde_json::json!({
        "run_id": s.run_id,
        "lake": s.lake.display().to_string(),
        "providers": s.counts,
        "total": s.total(),
        "files": s.inputs.len(),
        "skipped": s.skipped,
        "problems": s.problems.iter().map(|p| serde_json::json!({
            "file": p.file, "message": p.message, "error": p.error,
        })).collect::<Vec<_>>(),
        "seconds": s.elapsed.as_secs_f64(),
        "decoded_bytes": s.decoded_bytes,
    })
}

fn print_summary(s: &IngestSummary) {
    let t = s.total();
    println!("ingest run {} into {}", s.run_id, s.lake.display());
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
        s.inputs.len(),
        s.decoded_bytes as f64 / 1e6,
        secs,
        t.read as f64 / secs,
        s.decoded_bytes as f64 / 1e6 / secs
    );
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
}
