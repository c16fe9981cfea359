//! `trailcheck report`: write the latest analysis as files an auditor can keep.

use std::path::PathBuf;

use clap::Args;

use super::args::{LakeArg, MemoryArgs};
use super::{ExitStatus, runtime};
use crate::report::ReportOptions;

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub lake: LakeArg,
    /// Folder to write the report into.
    #[arg(long, default_value = "trailcheck-report", value_parser = crate::location::local_path)]
    pub out: PathBuf,
}

pub fn report(a: &ReportArgs, memory: &MemoryArgs) -> anyhow::Result<ExitStatus> {
    let summary = runtime()?.block_on(crate::report::report(&ReportOptions {
        lake: a.lake.lake.clone(),
        out: a.out.clone(),
        memory_limit: memory.open().memory_limit,
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
