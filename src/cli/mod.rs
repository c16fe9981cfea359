//! The command line (docs/design.md section 7). Parses arguments with clap and hands
//! each command to one function in its own file (as ripgrep's `main.rs` does per mode);
//! that function calls the library, prints its result and returns an [`ExitStatus`].
//! `run` is composed from the same functions as `ingest`, `analyze`, `score` and
//! `report`. Rows go through the one output sink ([`crate::output`]). `anyhow` stops
//! here: the library returns typed errors, whose messages are printed as they are.

mod analyze;
mod args;
mod catalog;
mod compact;
mod diff;
#[cfg(feature = "generate")]
mod generate;
mod ingest;
mod report;
mod run;
mod score;
mod serve;
mod sql;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use analyze::AnalyzeArgs;
pub use args::{LakeArg, MemoryArgs, OutputArgs, ParamArgs};
pub use catalog::rule_doc;
pub use compact::CompactArgs;
pub use diff::DiffArgs;
#[cfg(feature = "generate")]
pub use generate::GenerateArgs;
pub use ingest::{IngestArgs, summary_json};
pub use report::ReportArgs;
pub use run::RunArgs;
pub use score::ScoreArgs;
pub use serve::ServeArgs;
pub use sql::SqlArgs;

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
    #[command(flatten)]
    pub memory: MemoryArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ingest, analyze, score and report in one go (INPUT defaults to sample-logs/).
    Run(RunArgs),
    /// Read exported audit logs into the lake.
    Ingest(IngestArgs),
    /// Run the analyses over the lake and store this run's findings in it.
    Analyze(AnalyzeArgs),
    /// Write the latest analysis as HTML, Markdown, JSON, OCSF and a manifest.
    Report(ReportArgs),
    /// Score each provider's documented logging claims against the lake.
    Score(ScoreArgs),
    /// List the rules with their documentation.
    Rules,
    /// List the providers trailcheck reads.
    Providers,
    /// Rewrite each partition's files into one, in time order (and convert a lake of
    /// the old day layout into month partitions).
    Compact(CompactArgs),
    /// Query the lake, findings, views and reference tables with SQL (read-only).
    Sql(SqlArgs),
    /// Findings new, resolved and persisting between two analyze runs (default: the
    /// last two).
    Diff(DiffArgs),
    /// Serve the same tables over the PostgreSQL wire protocol (read-only), for psql,
    /// BI tools and notebooks.
    Serve(ServeArgs),
    /// Write synthetic exports in each provider's native format (for benchmarks, demos
    /// and tests), with planted dormant identities and credentials.
    #[cfg(feature = "generate")]
    Generate(GenerateArgs),
}

pub use crate::model::Severity;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let limit = cli.memory.memory_limit;
    match run(cli) {
        Ok(status) => status.into(),
        Err(e) => {
            // Library errors carry their cause in their message and name no source
            // (src/error.rs), so the chain is each cause once.
            let text = format!("{e:#}");
            let _ = writeln!(
                std::io::stderr(),
                "trailcheck: error: {}",
                crate::text::terminal_lines(&text)
            );
            if text.contains("Resources exhausted") {
                let _ = writeln!(std::io::stderr(), "{}", memory_hint(limit));
            }
            ExitStatus::Error.into()
        }
    }
}

/// What to do when a query needed more memory than the limit allowed.
fn memory_hint(limit: crate::session::memory::MemoryBudget) -> String {
    format!(
        "trailcheck: the query needs more memory than --memory-limit {limit} ({} MB) allows: \
         give a larger --memory-limit (or TRAILCHECK_MEMORY_LIMIT)",
        limit.bytes() >> 20
    )
}

impl Command {
    /// The command's lake, whether it writes to it, and how to reach its store.
    fn lake(&mut self) -> Option<(&mut LakeArg, bool, crate::location::StoreOptions)> {
        let none = crate::location::StoreOptions::default;
        Some(match self {
            Command::Run(a) => (&mut a.lake, true, a.store.options()),
            Command::Ingest(a) => (&mut a.lake, true, a.store.options()),
            Command::Analyze(a) => (&mut a.lake, true, none()),
            Command::Score(a) => (&mut a.lake, true, none()),
            Command::Compact(a) => (&mut a.lake, true, none()),
            Command::Report(a) => (&mut a.lake, false, none()),
            Command::Sql(a) => (&mut a.lake, false, none()),
            Command::Diff(a) => (&mut a.lake, false, none()),
            Command::Serve(a) => (&mut a.lake, false, none()),
            Command::Rules | Command::Providers => return None,
            #[cfg(feature = "generate")]
            Command::Generate(_) => return None,
        })
    }
}

/// Run one command: on its lake where it is, or on the mirror of a lake on object
/// storage, published after the command (also when it failed: what it committed is
/// whole runs).
pub fn run(mut cli: Cli) -> anyhow::Result<ExitStatus> {
    let work = match cli.command.lake() {
        Some((lake, writes, store)) => Some(lake.begin(writes, &store)?),
        None => None,
    };
    let result = dispatch(cli);
    if let Some(work) = work {
        let published = work.finish();
        if result.is_ok() {
            published?;
        }
    }
    result
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Run(a) => run::run(&a, &cli.memory),
        Command::Ingest(a) => ingest::ingest(&a),
        Command::Analyze(a) => analyze::analyze(&a, &cli.memory),
        Command::Report(a) => report::report(&a, &cli.memory),
        Command::Score(a) => score::score(&a, &cli.memory),
        Command::Rules => catalog::rules(),
        Command::Providers => catalog::providers(),
        Command::Compact(a) => compact::compact(&a),
        Command::Sql(a) => sql::sql(&a, &cli.memory),
        Command::Diff(a) => diff::diff(&a),
        Command::Serve(a) => serve::serve(&a, &cli.memory),
        #[cfg(feature = "generate")]
        Command::Generate(a) => generate::generate(&a),
    }
}

/// The runtime of the commands that query the lake.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// The command line as given, for the runs table.
fn command_line() -> Vec<String> {
    std::env::args().collect()
}
