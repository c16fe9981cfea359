//! `trailcheck sql`: one query, a file of statements, stdin, or the REPL.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use clap::Args;

use super::args::{LakeArg, MemoryArgs, OutputArgs, ParamArgs};
use super::{ExitStatus, runtime};
use crate::error::Error;
use crate::session::{OpenOptions, Session};

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
        conflicts_with = "query",
        value_parser = crate::location::local_path
    )]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub lake: LakeArg,
    #[command(flatten)]
    pub params: ParamArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn sql(a: &SqlArgs, memory: &MemoryArgs) -> anyhow::Result<ExitStatus> {
    let rt = runtime()?;
    let params = a.params.params()?;
    let repl = a.query.is_none() && a.file.is_none() && std::io::stdin().is_terminal();
    let open = OpenOptions {
        live: repl,
        ..memory.open()
    };
    let session = rt.block_on(Session::open_with(&a.lake.lake, &params, &open))?;
    session.read_only();
    let mut sink = a.output.sink()?;
    let text = match (&a.query, &a.file) {
        (Some(q), _) => q.clone(),
        (None, Some(f)) if f.as_os_str() == "-" => stdin()?,
        (None, Some(f)) => std::fs::read_to_string(f).map_err(|e| Error::io(f, e))?,
        (None, None) if repl => {
            crate::sql::repl(&rt, &session, &mut sink)?;
            return Ok(ExitStatus::Ok);
        }
        (None, None) => stdin()?,
    };
    rt.block_on(crate::sql::run_script(&session, &text, &mut sink))?;
    Ok(ExitStatus::Ok)
}

fn stdin() -> crate::Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| Error::io("stdin", e))?;
    Ok(s)
}
