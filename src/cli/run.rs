//! `trailcheck run`: `ingest`, `analyze`, `score` and `report` in one go, through the
//! same library functions as those commands, then one summary of all four. After the
//! ingest, one session serves the other three steps: the views of `queries/views/` are
//! computed once for all of them (each command alone computes them again), and the
//! report reads the findings and scorecard this run committed (`analyze_in` and
//! `score_in` have the session list them again after their commits).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::analyze;
use super::args::{LakeArg, MemoryArgs, ParamArgs, StoreArgs};
use super::ingest::{self, IngestArgs};
use super::{ExitStatus, Severity, command_line, runtime};
use crate::analyze::Analysis;
use crate::lake::Lake;
use crate::report::ReportSummary;
use crate::scoring::Scorecard;
use crate::session::Session;

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
    #[arg(long, value_parser = crate::location::local_path)]
    pub claims: Option<PathBuf>,
    /// Folder to write the report into.
    #[arg(long, default_value = "trailcheck-report", value_parser = crate::location::local_path)]
    pub out: PathBuf,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Read every input again, also files an earlier run already ingested unchanged.
    #[arg(long)]
    pub reread: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

impl RunArgs {
    /// The arguments of the ingest step, as if `ingest` had been given them.
    fn ingest_args(&self, inputs: Vec<String>) -> IngestArgs {
        IngestArgs {
            inputs,
            lake: self.lake.clone(),
            provider: None,
            tenant: self.tenant.clone(),
            max_record_bytes: crate::read::ReadOptions::default().max_record,
            json: false,
            quiet: self.quiet,
            reread: self.reread,
            store: self.store.clone(),
        }
    }
}

pub fn run(a: &RunArgs, memory: &MemoryArgs) -> anyhow::Result<ExitStatus> {
    let inputs = if a.inputs.is_empty() {
        vec![default_samples()?]
    } else {
        a.inputs.clone()
    };
    // What `score` would refuse, refused before anything is written.
    let profiles = crate::claims::load(a.claims.as_deref())?;
    let params = a.params.params()?;
    let ingested = ingest::ingest_and_print(&a.ingest_args(inputs))?;
    let rt = runtime()?;
    let lake = &a.lake.lake;
    let args = command_line();
    let (analysis, card, report) = rt.block_on(async {
        // As `analyze` and `score`: the lock first, so the session reads every
        // committed run; one lock and one session for both commits.
        let lock = Lake::new(lake).open_existing_for_write()?;
        let session = Session::open_with(lake, &params, &memory.open()).await?;
        let analysis = crate::analyze::analyze_in(&session, &lock, &args).await?;
        let card = crate::scoring::score_in(&session, &lock, &profiles, &args).await?;
        drop(lock);
        let report = crate::report::report_in(&session, &a.out).await?;
        Ok::<_, crate::Error>((analysis, card, report))
    })?;
    let below = print_summary(&mut std::io::stdout().lock(), a, &analysis, &card, &report)?;
    // The worst of the steps: an input that could not be read, then findings.
    Ok(match ingest::status(&ingested) {
        ExitStatus::Ok if below => ExitStatus::Findings,
        ExitStatus::Ok => analyze::status(&analysis, a.fail_on),
        worse => worse,
    })
}

/// Scores, findings, access reviews and where the report is. Returns whether a
/// provider/tenant scored below `--min-score`.
fn print_summary(
    out: &mut dyn Write,
    a: &RunArgs,
    analysis: &Analysis,
    card: &Scorecard,
    report: &ReportSummary,
) -> std::io::Result<bool> {
    writeln!(
        out,
        "\nlogging claims score per provider and tenant (as of {}):",
        crate::time::format_micros(analysis.as_of)
    )?;
    let mut below = false;
    for t in &card.scores {
        let score = t.score.map_or("-".to_string(), |s| s.to_string());
        writeln!(
            out,
            "  {:<18} {:<40} {:>4}",
            t.provider,
            crate::text::terminal(&t.tenant),
            score
        )?;
        if let (Some(min), Some(s)) = (a.min_score, t.score) {
            below |= s < min;
        }
    }
    let counts = analyze::severity_counts(analysis);
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
            writeln!(
                out,
                "  {:<18} {:<40} privileged people {}/{}, privileged machines {}/{}, active machines {}/{}",
                r.provider,
                crate::text::terminal(&r.tenant),
                r.privileged_humans_reviewed,
                r.privileged_humans,
                r.privileged_machines_reviewed,
                r.privileged_machines,
                r.machines_reviewed,
                r.machines_in_scope,
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
    Ok(below)
}

/// The bundled `sample-logs/`: beside the working directory, or beside the source tree
/// the binary was built from.
fn default_samples() -> anyhow::Result<String> {
    for dir in [
        PathBuf::from("sample-logs"),
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs"),
    ] {
        if dir.is_dir() {
            return Ok(dir.display().to_string());
        }
    }
    anyhow::bail!("no INPUT given and no sample-logs/ folder here: name the exports to read")
}
