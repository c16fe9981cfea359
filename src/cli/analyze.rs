//! `trailcheck analyze`: run the rules, store the findings, print them.

use std::io::Write;

use arrow::array::{Array, AsArray, RecordBatch};
use clap::Args;

use super::args::{LakeArg, OutputArgs, ParamArgs};
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

pub fn analyze(a: &AnalyzeArgs) -> anyhow::Result<ExitStatus> {
    let mut sink = a.output.sink()?;
    let analysis = analyze_lake(&runtime()?, a)?;
    let rows = findings(&analysis)?;
    sink.write_with(&rows, &|w| print_table(w, &analysis))?;
    Ok(status(&analysis, a.fail_on))
}

/// Run the analyses and commit the findings: `analyze`, and a step of `run`.
pub(super) fn analyze_lake(
    rt: &tokio::runtime::Runtime,
    a: &AnalyzeArgs,
) -> anyhow::Result<Analysis> {
    Ok(rt.block_on(crate::analyze::analyze(&AnalyzeOptions {
        lake: a.lake.lake.clone(),
        params: a.params.params()?,
        args: command_line(),
    }))?)
}

/// Findings when one is at or above `--fail-on`, else ok.
pub(super) fn status(analysis: &Analysis, fail_on: Option<Severity>) -> ExitStatus {
    match fail_on {
        Some(sev) if analysis.any_at_or_above(sev.as_str()) => ExitStatus::Findings,
        _ => ExitStatus::Ok,
    }
}

/// The findings in the contract's columns (without `run_id`), `evidence` as JSON.
fn findings(a: &Analysis) -> crate::Result<Output> {
    Output {
        schema: crate::session::findings_schema(),
        batches: a.findings.clone(),
    }
    .shaped(&["run_id"], &["evidence"])
}

/// Findings per severity, most severe first: `3 critical, 5 high`.
pub(super) fn severity_counts(a: &Analysis) -> Vec<String> {
    a.by_severity()
        .into_values()
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
    for b in &a.findings {
        for row in 0..b.num_rows() {
            let s = |k: &str| text(b, k, row);
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

/// A text cell of a findings batch, escaped for the terminal ("" for null).
fn text(b: &RecordBatch, column: &str, row: usize) -> String {
    let c = b
        .column_by_name(column)
        .expect("a findings column")
        .as_string::<i32>();
    if c.is_null(row) {
        String::new()
    } else {
        crate::text::terminal(c.value(row)).into_owned()
    }
}
