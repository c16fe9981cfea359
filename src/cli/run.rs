//! `trailcheck run`: `ingest`, `analyze`, `score` and `report` in one go, through the
//! same functions as those commands, then one summary of all four.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::analyze::{self, AnalyzeArgs};
use super::args::{LakeArg, OutputArgs, ParamArgs};
use super::ingest::{self, IngestArgs};
use super::report::{self, ReportArgs};
use super::score::{self, ScoreArgs};
use super::{ExitStatus, Severity, runtime};
use crate::analyze::Analysis;
use crate::report::ReportSummary;
use crate::scoring::Scorecard;

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
    /// Read every input again, also files an earlier run already ingested unchanged.
    #[arg(long)]
    pub reread: bool,
}

impl RunArgs {
    /// The arguments of each step, as if its command had been given them.
    fn steps(&self, inputs: Vec<String>) -> (IngestArgs, AnalyzeArgs, ScoreArgs, ReportArgs) {
        let output = OutputArgs {
            format: crate::output::Format::Table,
            output: None,
        };
        (
            IngestArgs {
                inputs,
                lake: self.lake.clone(),
                provider: None,
                tenant: self.tenant.clone(),
                max_record_bytes: crate::read::ReadOptions::default().max_record,
                json: false,
                quiet: self.quiet,
                reread: self.reread,
            },
            AnalyzeArgs {
                lake: self.lake.clone(),
                params: self.params.clone(),
                output: output.clone(),
                fail_on: self.fail_on,
            },
            ScoreArgs {
                lake: self.lake.clone(),
                claims: self.claims.clone(),
                params: self.params.clone(),
                output,
            },
            ReportArgs {
                lake: self.lake.clone(),
                out: self.out.clone(),
            },
        )
    }
}

pub fn run(a: &RunArgs) -> anyhow::Result<ExitStatus> {
    let inputs = if a.inputs.is_empty() {
        vec![default_samples()?]
    } else {
        a.inputs.clone()
    };
    let (ingest_args, analyze_args, score_args, report_args) = a.steps(inputs);
    let ingested = ingest::ingest_and_print(&ingest_args)?;
    let rt = runtime()?;
    let analysis = analyze::analyze_lake(&rt, &analyze_args)?;
    let card = score::score_lake(&rt, &score_args)?;
    let report = report::write_report(&rt, &report_args)?;
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
