//! `trailcheck compact`: rewrite each partition's files into one, in time order, and
//! convert a lake of the old layout (a partition per day) into month partitions.

use clap::Args;

use super::args::LakeArg;
use super::{ExitStatus, command_line};
use crate::lake::Lake;
use crate::lake::compact::{Compacted, Select, compact as compact_lake};

#[derive(Debug, Args)]
pub struct CompactArgs {
    #[command(flatten)]
    pub lake: LakeArg,
    /// Rewrite a month partition when it holds at least this many files.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(2..))]
    pub min_files: u32,
    /// Print what was done as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn compact(a: &CompactArgs) -> anyhow::Result<ExitStatus> {
    let lake = Lake::new(&a.lake.lake);
    if !lake.events_dir().is_dir() {
        anyhow::bail!(
            "{}: no lake here (expected an events/ folder): run `trailcheck ingest` first",
            a.lake.lake.display()
        );
    }
    let lock = lake.open_any_layout_for_write()?;
    let done = compact_lake(
        &lock,
        &Select::AtLeast(a.min_files as usize),
        &command_line(),
    )?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&done)?);
    } else {
        println!("{}", describe(&done));
    }
    Ok(ExitStatus::Ok)
}

/// One line for people: what a compaction did.
pub fn describe(c: &Compacted) -> String {
    let mb = |b: u64| b as f64 / 1_048_576.0;
    match &c.run_id {
        None => "compact: nothing to do (every partition is one file)".into(),
        Some(run) => format!(
            "compact: {} partition{}{}: {} files ({:.1} MB) -> {} ({:.1} MB), {} events, run {run}",
            c.partitions,
            if c.partitions == 1 { "" } else { "s" },
            if c.converted {
                " of the old day layout, converted to months"
            } else {
                ""
            },
            c.files_before,
            mb(c.bytes_before),
            c.files_after,
            mb(c.bytes_after),
            c.rows,
        ),
    }
}
