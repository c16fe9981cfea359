//! `trailcheck diff`: findings new, resolved and persisting between two analyze runs.

use clap::Args;

use super::args::{LakeArg, OutputArgs};
use super::{ExitStatus, runtime};

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
    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit 1 when there are new findings (for CI gates).
    #[arg(long)]
    pub fail_on_new: bool,
}

pub fn diff(a: &DiffArgs) -> anyhow::Result<ExitStatus> {
    let diff = runtime()?.block_on(crate::analyze::diff(
        &a.lake.lake,
        a.from.clone(),
        a.to.clone(),
    ))?;
    let mut sink = a.output.sink()?;
    sink.write_with(&diff.rows, &|w| {
        writeln!(
            w,
            "from run {} to run {}: {} new, {} resolved, {} persisting",
            diff.from_run, diff.to_run, diff.new, diff.resolved, diff.persisting
        )?;
        crate::output::write_text(w, &diff.rows, crate::output::Format::Table)
    })?;
    Ok(if a.fail_on_new && diff.new > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Ok
    })
}
