//! `trailcheck analyze`: run the rules, store the findings, print them.

use std::io::Write;

use clap::Args;

use super::args::{LakeArg, MemoryArgs, OutputArgs, ParamArgs};
use super::{ExitStatus, Severity, command_line, runtime};
use crate::analyze::{Analysis, AnalyzeOptions};
use crate::output::Output;

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub lake: LakeArg,
    #[command(flatten)]
    pub params: ParamArgs,
    // A readable table on a terminal, or the findings columns for machines.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit with status 1 when a finding is at or above this severity.
    #[arg(long, value_enum)]
    pub fail_on: Option<Severity>,
}

pub fn analyze(a: &AnalyzeArgs, memory: &MemoryArgs) -> anyhow::Result<ExitStatus> {
    let mut sink = a.output.sink()?;
    let analysis = analyze_lake(&runtime()?, a, memory)?;
    let rows = findings(&analysis)?;
    sink.write_with(&rows, &|w| print_table(w, &analysis))?;
    Ok(status(&analysis, a.fail_on))
}

/// Run the analyses and commit the findings.
fn analyze_lake(
    rt: &tokio::runtime::Runtime,
    a: &AnalyzeArgs,
    memory: &MemoryArgs,
) -> anyhow::Result<Analysis> {
    Ok(rt.block_on(crate::analyze::analyze(&AnalyzeOptions {
        lake: a.lake.lake.clone(),
        params: a.params.params()?,
        args: command_line(),
        memory_limit: memory.open().memory_limit,
    }))?)
}

/// Findings when one is at or above `--fail-on`, else ok (`analyze`, and `run`).
pub(super) fn status(analysis: &Analysis, fail_on: Option<Severity>) -> ExitStatus {
    match fail_on {
        Some(sev) if analysis.any_at_or_above(sev) => ExitStatus::Findings,
        _ => ExitStatus::Ok,
    }
}

/// The findings in the contract's columns (without `run_id`), `evidence` as JSON.
fn findings(a: &Analysis) -> crate::Result<Output> {
    Output {
        schema: crate::model::Finding::schema(),
        batches: vec![a.batch()?],
    }
    .shaped(&["run_id"], &["evidence"])
}

/// Findings per severity, most severe first: `3 critical, 5 high`.
pub(super) fn severity_counts(a: &Analysis) -> Vec<String> {
    a.by_severity()
        .into_iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect()
}

/// The table view: a heading, two lines per finding, the counts and the changes.
fn print_table(out: &mut dyn Write, a: &Analysis) -> std::io::Result<()> {
    writeln!(
        out,
        "analyze run {} as of {} (dormant_days {}): {} findings",
        a.run_id,
        crate::time::format_micros(a.as_of),
        a.params.dormant_days,
        a.count()
    )?;
    for f in &a.findings {
        let t = |v: &str| crate::text::terminal(v).into_owned();
        let o = |v: &Option<String>| t(v.as_deref().unwrap_or(""));
        writeln!(
            out,
            "{:<8} {:<13} {:<26} {}/{}  {}",
            f.severity.as_str().to_uppercase(),
            f.verdict.as_str(),
            t(&f.rule_id),
            t(&f.provider),
            t(&f.tenant),
            o(&f.subject_name),
        )?;
        writeln!(out, "         {}", o(&f.summary))?;
    }
    let counts = severity_counts(a);
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
    Ok(())
}
