//! The command line (docs/design.md section 7). Parses arguments with clap, calls the library,
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

/// Output formats of findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Ndjson,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

/// Analysis parameters shared by `analyze`, `sql`, `serve` and `run`.
#[derive(Debug, Args, Clone)]
pub struct ParamArgs {
    /// End of the evidence (RFC 3339); defaults to the latest event in the lake.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Days without activity before an identity or credential is dormant.
    #[arg(long, default_value_t = 90)]
    pub dormant_days: i64,
    /// Privileged-role holders a tenant may have before it is flagged.
    #[arg(long, default_value_t = 4)]
    pub max_super_admins: i64,
    /// Any other parameter, as name=value (see the `params` table).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub param: Vec<String>,
}

impl ParamArgs {
    pub fn params(&self) -> crate::Result<crate::session::Params> {
        // Through `Params::set`, like every --param: one check per parameter.
        let mut p = crate::session::Params::default();
        p.set("dormant_days", &self.dormant_days.to_string())?;
        p.set("max_super_admins", &self.max_super_admins.to_string())?;
        if let Some(t) = &self.as_of {
            p.set("as_of", t)?;
        }
        for kv in &self.param {
            let (k, v) = kv.split_once('=').ok_or_else(|| {
                crate::Error::Usage(format!("--param takes NAME=VALUE, not {kv:?}"))
            })?;
            p.set(k.trim(), v.trim())?;
        }
        Ok(p)
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files or folders of exports; defaults to `sample-logs/`.
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub lake: LakeArg,
    /// Use this tenant for every event.
    #[arg(long)]
    pub tenant: Option<String>,
    #[command(flatten)]
    pub params: ParamArgs,
    /// Exit with status 1 when a finding is at or above this severity.
    #[arg(long, value_enum)]
    pub fail_on: Option<Severity>,
    /// Exit with status 1 when a provider/tenant scores below this (0-100).
    #[arg(long)]
    pub min_score: Option<i64>,
    /// A claims profile (file or folder) replacing the built-in ones per provider.
    #[arg(long)]
    pub claims: Option<PathBuf>,
    /// Folder to write the report into.
    #[arg(long, default_value = "trailcheck-report")]
    pub out: PathBuf,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub lake: LakeArg,
    /// Folder to write the report into.
    #[arg(long, default_value = "trailcheck-report")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub lake: LakeArg,
    #[command(flatten)]
    pub params: ParamArgs,
    /// Output format: a readable table on a terminal, or the findings columns for machines.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Exit with status 1 when a finding is at or above this severity.
    #[arg(long, value_enum)]
    pub fail_on: Option<Severity>,
}

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// One query (or several, `;`-separated). Without QUERY or -f: a REPL on a
    /// terminal, else the statements on stdin.
    pub query: Option<String>,
    /// A file of `;`-separated statements, run in order (`-` for stdin).
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "query"
    )]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub lake: LakeArg,
    #[command(flatten)]
    pub params: ParamArgs,
    /// Output format (parquet needs --output).
    #[arg(long, value_enum, default_value_t = crate::sql::SqlFormat::Table)]
    pub format: crate::sql::SqlFormat,
    /// Write the results to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub memory: MemoryArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub lake: LakeArg,
    /// The earlier analyze run (default: the one before --to).
    #[arg(long, value_name = "RUN")]
    pub from: Option<String>,
    /// The later analyze run (default: the latest).
    #[arg(long, value_name = "RUN")]
    pub to: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::sql::SqlFormat::Table)]
    pub format: crate::sql::SqlFormat,
    /// Exit 1 when there are new findings (for CI gates).
    #[arg(long)]
    pub fail_on_new: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub lake: LakeArg,
    #[command(flatten)]
    pub params: ParamArgs,
    /// Address to listen on (port 0 picks a free port; the real one is printed).
    #[arg(long, default_value = "127.0.0.1:5433", value_name = "ADDR:PORT")]
    pub listen: std::net::SocketAddr,
    /// Require this password (SCRAM-SHA-256, any user name). Needed to listen on a
    /// non-loopback address. Prefer the environment variable: a flag shows in `ps`.
    #[arg(long, env = "TRAILCHECK_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    #[command(flatten)]
    pub memory: MemoryArgs,
    /// Operator memory one client may use (its query and open cursors), within
    /// --memory-limit: a size (512M, 2G) or a share of this machine's memory (25%).
    #[arg(long, default_value = "25%", value_name = "SIZE")]
    pub connection_memory_limit: crate::session::memory::MemoryBudget,
    /// Longest a statement may run when its client has not set statement_timeout
    /// (for example 30s, 15m, 2h; 0 for no limit).
    #[arg(long, default_value = "15m", value_name = "DURATION", value_parser = parse_duration)]
    pub statement_timeout: std::time::Duration,
    /// Clients served at once; more are turned away.
    #[arg(long, default_value_t = 256, value_name = "N")]
    pub max_connections: usize,
}

/// The memory queries typed by people may use.
#[derive(Debug, Args, Clone)]
pub struct MemoryArgs {
    /// Operator memory (hash tables, sorts, aggregations) of all queries together:
    /// a size (512M, 4G) or a share of this machine's memory (50%). Sorts and
    /// aggregations spill to the temporary folder beyond it; other queries fail with
    /// an error instead of taking the machine.
    #[arg(long, default_value = "50%", value_name = "SIZE")]
    pub memory_limit: crate::session::memory::MemoryBudget,
}

/// `30s`, `15m`, `2h`, `500ms`, or `0` (no limit).
fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let bad = || format!("expected a duration such as 30s, 15m, 2h or 0, not {text:?}");
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let ms = match unit {
        "ms" => Some(1),
        "s" => Some(1_000),
        "m" | "min" => Some(60_000),
        "h" => Some(3_600_000),
        "" if n == 0 => Some(0),
        _ => None,
    }
    .ok_or_else(bad)?;
    n.checked_mul(ms)
        .map(std::time::Duration::from_millis)
        .ok_or_else(|| format!("{text:?} is too long"))
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub lake: LakeArg,
    /// A claims profile (TOML, schema in claims/README.md) or a folder of them; each
    /// replaces the built-in profile of its provider.
    #[arg(long, value_name = "PATH")]
    pub claims: Option<PathBuf>,
    #[command(flatten)]
    pub params: ParamArgs,
    /// Output format: a readable table, or the scorecard rows as JSON.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct LakeArg {
    /// The lake folder.
    #[arg(long, default_value = "trailcheck-lake", env = "TRAILCHECK_LAKE")]
    pub lake: PathBuf,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Provider to generate (see `trailcheck providers`), or `all`.
    #[arg(long)]
    pub provider: String,
    /// Events in total (split evenly between providers and tenants).
    #[arg(long)]
    pub events: u64,
    /// Tenants (accounts, orgs) per provider.
    #[arg(long, default_value_t = 1)]
    pub tenants: u32,
    /// Random seed: the same seed and options give byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder to write into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
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
            let _ = writeln!(
                std::io::stderr(),
                "trailcheck: error: {}",
                crate::text::terminal_lines(&format!("{e:#}"))
            );
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
                eprintln!(
                    "trailcheck: {level}: {}: {}",
                    crate::text::terminal(&p.file),
                    crate::text::terminal(&p.message)
                );
            }
            Ok(if summary.has_errors() {
                ExitStatus::Error
            } else {
                ExitStatus::Ok
            })
        }
        Command::Run(a) => {
            let inputs = if a.inputs.is_empty() {
                vec![default_samples()?]
            } else {
                a.inputs.clone()
            };
            let opts = IngestOptions {
                inputs,
                lake: a.lake.lake.clone(),
                provider: None,
                tenant: a.tenant.clone(),
                read: ReadOptions::default(),
                progress: !a.quiet,
                args: std::env::args().collect(),
            };
            let summary = ingest::ingest(&opts)?;
            print_summary(&summary);
            for p in &summary.problems {
                let level = if p.error { "error" } else { "warning" };
                eprintln!(
                    "trailcheck: {level}: {}: {}",
                    crate::text::terminal(&p.file),
                    crate::text::terminal(&p.message)
                );
            }
            let rt = runtime()?;
            let params = a.params.params()?;
            let args: Vec<String> = std::env::args().collect();
            let analysis =
                rt.block_on(crate::analyze::analyze(&crate::analyze::AnalyzeOptions {
                    lake: a.lake.lake.clone(),
                    params: params.clone(),
                    args: args.clone(),
                }))?;
            let card = rt.block_on(crate::scoring::score(&crate::scoring::ScoreOptions {
                lake: a.lake.lake.clone(),
                params,
                claims: a.claims.clone(),
                args,
            }))?;
            let report = rt.block_on(crate::report::report(&crate::report::ReportOptions {
                lake: a.lake.lake.clone(),
                out: a.out.clone(),
            }))?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "\nlogging claims score per provider and tenant (as of {}):",
                crate::time::format_micros(analysis.as_of)
            )?;
            let mut below = false;
            for t in &card.scores {
                let score = t.score.map_or("-".to_string(), |s| s.to_string());
                writeln!(out, "  {:<18} {:<40} {:>4}", t.provider, t.tenant, score)?;
                if let (Some(min), Some(s)) = (a.min_score, t.score) {
                    below |= s < min;
                }
            }
            let counts: Vec<String> = analysis
                .by_severity()
                .into_values()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            writeln!(
                out,
                "findings: {} ({})",
                analysis.count(),
                if counts.is_empty() {
                    "none".to_string()
                } else {
                    counts.join(", ")
                }
            )?;
            if let Some(c) = &analysis.changes {
                writeln!(
                    out,
                    "since run {}: {} new, {} resolved, {} persisting",
                    c.since_run, c.new, c.resolved, c.persisting
                )?;
            }
            if !report.reviews.is_empty() {
                writeln!(
                    out,
                    "\naccess reviews (latest per provider and tenant; reviewed of in scope):"
                )?;
                for r in &report.reviews {
                    let n = |k: &str| r[k].as_u64().unwrap_or(0);
                    writeln!(
                        out,
                        "  {:<18} {:<40} privileged people {}/{}, privileged machines {}/{}, active machines {}/{}",
                        r["provider"].as_str().unwrap_or(""),
                        r["tenant"].as_str().unwrap_or(""),
                        n("privileged_humans_reviewed"),
                        n("privileged_humans"),
                        n("privileged_machines_reviewed"),
                        n("privileged_machines"),
                        n("machines_reviewed"),
                        n("machines_in_scope"),
                    )?;
                }
            }
            writeln!(out, "report: {}", report.out.join("index.html").display())?;
            writeln!(
                out,
                "details: trailcheck analyze --lake {} ; trailcheck sql --lake {}",
                a.lake.lake.display(),
                a.lake.lake.display()
            )?;
            Ok(if summary.has_errors() {
                ExitStatus::Error
            } else if below
                || a.fail_on
                    .is_some_and(|sev| analysis.any_at_or_above(sev.as_str()))
            {
                ExitStatus::Findings
            } else {
                ExitStatus::Ok
            })
        }
        Command::Report(a) => {
            let summary =
                runtime()?.block_on(crate::report::report(&crate::report::ReportOptions {
                    lake: a.lake.lake.clone(),
                    out: a.out.clone(),
                }))?;
            println!(
                "report with {} findings written to {}: {}",
                summary.findings,
                summary.out.display(),
                summary
                    .files
                    .iter()
                    .filter_map(|f| f.strip_prefix(&summary.out).ok())
                    .map(|f| f.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Ok(ExitStatus::Ok)
        }
        Command::Analyze(a) => {
            let rt = runtime()?;
            let opts = crate::analyze::AnalyzeOptions {
                lake: a.lake.lake.clone(),
                params: a.params.params()?,
                args: std::env::args().collect(),
            };
            let analysis = rt.block_on(crate::analyze::analyze(&opts))?;
            let mut out = std::io::stdout().lock();
            print_findings(&mut out, &analysis, a.format)?;
            Ok(match a.fail_on {
                Some(sev) if analysis.any_at_or_above(sev.as_str()) => ExitStatus::Findings,
                _ => ExitStatus::Ok,
            })
        }
        Command::Sql(a) => {
            use std::io::{IsTerminal, Read};
            let rt = runtime()?;
            let params = a.params.params()?;
            // Errors are printed once, as the library words them (no repeated source chain).
            let msg = |e: crate::Error| anyhow::anyhow!("{e}");
            let repl = a.query.is_none() && a.file.is_none() && std::io::stdin().is_terminal();
            let open = crate::session::OpenOptions {
                live: repl,
                memory_limit: Some(a.memory.memory_limit.bytes()),
                ..Default::default()
            };
            let session = rt
                .block_on(crate::session::Session::open_with(
                    &a.lake.lake,
                    &params,
                    &open,
                ))
                .map_err(msg)?;
            session.read_only();
            let mut sink = crate::sql::Sink::new(a.format, a.output.clone()).map_err(msg)?;
            let text = match (&a.query, &a.file) {
                (Some(q), _) => q.clone(),
                (None, Some(f)) if f.as_os_str() == "-" => {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    s
                }
                (None, Some(f)) => std::fs::read_to_string(f)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", f.display()))?,
                (None, None) if repl => {
                    crate::sql::repl(&rt, &session, &mut sink).map_err(msg)?;
                    return Ok(ExitStatus::Ok);
                }
                (None, None) => {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    s
                }
            };
            rt.block_on(crate::sql::run_script(&session, &text, &mut sink))
                .map_err(msg)?;
            Ok(ExitStatus::Ok)
        }
        Command::Diff(a) => {
            let msg = |e: crate::Error| anyhow::anyhow!("{e}");
            let diff = runtime()?
                .block_on(crate::analyze::diff(
                    &a.lake.lake,
                    a.from.clone(),
                    a.to.clone(),
                ))
                .map_err(msg)?;
            let mut sink = crate::sql::Sink::new(a.format, None).map_err(msg)?;
            if a.format == crate::sql::SqlFormat::Table {
                println!(
                    "from run {} to run {}: {} new, {} resolved, {} persisting",
                    diff.from_run, diff.to_run, diff.new, diff.resolved, diff.persisting
                );
            }
            sink.write(&diff.rows).map_err(msg)?;
            Ok(if a.fail_on_new && diff.new > 0 {
                ExitStatus::Findings
            } else {
                ExitStatus::Ok
            })
        }
        Command::Serve(a) => {
            let options = crate::serve::ServeOptions {
                password: a.password.clone(),
                connection_memory: Some(a.connection_memory_limit.bytes()),
                statement_timeout: Some(a.statement_timeout).filter(|t| !t.is_zero()),
                max_connections: a.max_connections,
                ..crate::serve::ServeOptions::new(a.listen)
            };
            let msg = |e: crate::Error| anyhow::anyhow!("{e}");
            options.check().map_err(msg)?;
            let rt = runtime()?;
            let params = a.params.params()?;
            let open = crate::session::OpenOptions {
                live: true,
                memory_limit: Some(a.memory.memory_limit.bytes()),
                ..Default::default()
            };
            let served = rt.block_on(async {
                let session =
                    crate::session::Session::open_with(&a.lake.lake, &params, &open).await?;
                crate::serve::serve(&session, &options).await
            });
            // Queries still running when the server stops are dropped, not waited for.
            rt.shutdown_timeout(std::time::Duration::from_secs(1));
            served.map_err(msg)?;
            Ok(ExitStatus::Ok)
        }
        Command::Score(a) => {
            let card =
                runtime()?.block_on(crate::scoring::score(&crate::scoring::ScoreOptions {
                    lake: a.lake.lake.clone(),
                    params: a.params.params()?,
                    claims: a.claims.clone(),
                    args: std::env::args().collect(),
                }))?;
            let mut out = std::io::stdout().lock();
            match a.format {
                Format::Table => card.print_table(&mut out)?,
                Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&card.json())?)?,
                Format::Ndjson => {
                    for row in card.json() {
                        writeln!(out, "{row}")?;
                    }
                }
                Format::Csv => anyhow::bail!("score prints --format table, json or ndjson"),
            }
            Ok(ExitStatus::Ok)
        }
        Command::Rules => {
            for q in crate::session::rules() {
                println!("{}", rule_doc(q));
            }
            Ok(ExitStatus::Ok)
        }
        #[cfg(feature = "generate")]
        Command::Generate(a) => {
            let started = std::time::Instant::now();
            let s = crate::generate::generate(&crate::generate::GenerateOptions {
                provider: a.provider.clone(),
                events: a.events,
                tenants: a.tenants,
                seed: a.seed,
                out: a.out.clone(),
            })?;
            eprintln!(
                "generated {} events ({}) in {} files, {:.1} MB on disk ({:.1} MB JSON) in {}, {:.1} s",
                s.events,
                s.providers
                    .iter()
                    .map(|(p, n)| format!("{p} {n}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                s.files,
                s.bytes as f64 / 1e6,
                s.json_bytes as f64 / 1e6,
                a.out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitStatus::Ok)
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
        "attached_to_tenant": s.attached,
        "unknown_tenant": s.unknown_tenant,
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
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// A rule's documentation: its SQL header without the comment markers.
pub fn rule_doc(q: &crate::session::Query) -> String {
    let mut out = String::new();
    for line in q
        .sql
        .lines()
        .take_while(|l| l.trim_start().starts_with("--"))
    {
        let text = line.trim_start().trim_start_matches("--");
        let text = text.strip_prefix(' ').unwrap_or(text);
        if let Some(id) = text.strip_prefix("rule: ") {
            out.push_str(&format!("# {id}\n"));
        } else if let Some(title) = text.strip_prefix("title: ") {
            out.push_str(&format!("{title}\n"));
        } else {
            out.push_str(text);
            out.push('\n');
        }
    }
    out
}

/// Neutralize spreadsheet formulas in a CSV cell (`=`, `+`, `-`, `@`, tab, CR).
pub fn csv_cell(s: &str) -> String {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// Print findings in one of the formats.
pub fn print_findings(
    out: &mut dyn Write,
    a: &crate::analyze::Analysis,
    format: Format,
) -> anyhow::Result<()> {
    let rows = crate::analyze::findings_json(&a.findings);
    const COLUMNS: &[&str] = &[
        "finding_uid",
        "rule_id",
        "severity",
        "verdict",
        "provider",
        "tenant",
        "subject_uid",
        "subject_name",
        "subject_type",
        "summary",
        "evidence",
        "first_seen",
        "last_seen",
        "as_of",
        "frameworks",
    ];
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
        Format::Ndjson => {
            for r in &rows {
                writeln!(out, "{r}")?;
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(COLUMNS)?;
            for r in &rows {
                let cells: Vec<String> = COLUMNS
                    .iter()
                    .map(|c| match &r[*c] {
                        serde_json::Value::Null => String::new(),
                        serde_json::Value::String(s) => csv_cell(s),
                        serde_json::Value::Array(items) => csv_cell(
                            &items
                                .iter()
                                .map(|i| {
                                    i.as_str()
                                        .map(str::to_string)
                                        .unwrap_or_else(|| i.to_string())
                                })
                                .collect::<Vec<_>>()
                                .join("; "),
                        ),
                        other => csv_cell(&other.to_string()),
                    })
                    .collect();
                w.write_record(&cells)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let t = crate::time::format_micros(a.as_of);
            writeln!(
                out,
                "analyze run {} as of {} (dormant_days {}): {} findings",
                a.run_id,
                t,
                a.params.dormant_days,
                rows.len()
            )?;
            for r in &rows {
                let s = |k: &str| crate::text::terminal(r[k].as_str().unwrap_or("")).into_owned();
                writeln!(
                    out,
                    "{:<8} {:<13} {:<26} {}/{}  {}",
                    s("severity").to_uppercase(),
                    s("verdict"),
                    s("rule_id"),
                    s("provider"),
                    s("tenant"),
                    s("subject_name"),
                )?;
                writeln!(out, "         {}", s("summary"))?;
            }
            let counts: Vec<String> = a
                .by_severity()
                .into_values()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            if !counts.is_empty() {
                writeln!(out, "{}", counts.join(", "))?;
            }
            if let Some(c) = &a.changes {
                writeln!(
                    out,
                    "since run {}: {} new, {} resolved, {} persisting (trailcheck diff lists them)",
                    c.since_run, c.new, c.resolved, c.persisting
                )?;
            }
        }
    }
    Ok(())
}

/// The bundled `sample-logs/`: beside the working directory, or beside the source tree
/// the binary was built from.
fn default_samples() -> anyhow::Result<String> {
    for dir in [
        std::path::PathBuf::from("sample-logs"),
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs"),
    ] {
        if dir.is_dir() {
            return Ok(dir.display().to_string());
        }
    }
    anyhow::bail!("no INPUT given and no sample-logs/ folder here: name the exports to read")
}
