//! `trailcheck score`: score each provider's logging claims and print the scorecard.

use std::path::PathBuf;

use clap::Args;

use super::args::{LakeArg, MemoryArgs, OutputArgs, ParamArgs};
use super::{ExitStatus, command_line, runtime};
use crate::output::Output;
use crate::scoring::{ScoreOptions, Scorecard};

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub lake: LakeArg,
    /// A claims profile (TOML, schema in claims/README.md) or a folder of them; each
    /// replaces the built-in profile of its provider.
    #[arg(long, value_name = "PATH", value_parser = crate::location::local_path)]
    pub claims: Option<PathBuf>,
    #[command(flatten)]
    pub params: ParamArgs,
    // A readable table, or the scorecard rows.
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn score(a: &ScoreArgs, memory: &MemoryArgs) -> anyhow::Result<ExitStatus> {
    let mut sink = a.output.sink()?;
    let card = score_lake(&runtime()?, a, memory)?;
    let rows = Output {
        schema: crate::model::ScoredClaim::schema(),
        batches: vec![card.batch()?],
    }
    .shaped(&[], &["evidence"])?;
    sink.write_with(&rows, &|w| card.print_table(w))?;
    Ok(ExitStatus::Ok)
}

/// Score the lake and commit the scorecard.
fn score_lake(
    rt: &tokio::runtime::Runtime,
    a: &ScoreArgs,
    memory: &MemoryArgs,
) -> anyhow::Result<Scorecard> {
    Ok(rt.block_on(crate::scoring::score(&ScoreOptions {
        lake: a.lake.lake.clone(),
        params: a.params.params()?,
        claims: a.claims.clone(),
        args: command_line(),
        memory_limit: memory.open().memory_limit,
    }))?)
}
