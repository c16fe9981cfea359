//! `trailcheck serve`: the lake over the PostgreSQL wire protocol (and, with `--flight`,
//! Arrow Flight SQL), read-only.

use clap::Args;

use super::args::{LakeArg, MemoryArgs, ParamArgs};
use super::{ExitStatus, runtime};
use crate::serve::ServeOptions;
use crate::session::{OpenOptions, Session};

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
    /// Operator memory one client may use (its query and open cursors), within
    /// --memory-limit: a size (512M, 2G) or a share of this machine's memory (25%).
    #[arg(long, default_value = "1G", value_name = "SIZE")]
    pub connection_memory_limit: crate::session::memory::MemoryBudget,
    /// Longest a statement may run when its client has not set statement_timeout
    /// (for example 30s, 15m, 2h; 0 for no limit).
    #[arg(long, default_value = "15m", value_name = "DURATION", value_parser = parse_duration)]
    pub statement_timeout: std::time::Duration,
    /// Clients served at once; more are turned away.
    #[arg(long, default_value_t = 256, value_name = "N")]
    pub max_connections: usize,
    /// Write every statement clients send to stderr, one escaped line each (to see what
    /// a client asks on connect).
    #[arg(long)]
    pub log_statements: bool,
    /// Also serve Arrow Flight SQL (for ADBC clients: pandas, polars, DuckDB) on this
    /// address, over the same lake, read-only, with the same password (basic auth).
    #[arg(long, value_name = "ADDR:PORT")]
    pub flight: Option<std::net::SocketAddr>,
}

pub fn serve(a: &ServeArgs, memory: &MemoryArgs) -> anyhow::Result<ExitStatus> {
    let options = ServeOptions {
        password: a.password.clone(),
        connection_memory: Some(a.connection_memory_limit.bytes()),
        statement_timeout: Some(a.statement_timeout).filter(|t| !t.is_zero()),
        max_connections: a.max_connections,
        log_statements: a.log_statements,
        flight: a.flight,
        ..ServeOptions::new(a.listen)
    };
    options.check()?;
    let rt = runtime()?;
    let params = a.params.params()?;
    let open = OpenOptions {
        live: true,
        ..memory.open()
    };
    let served = rt.block_on(async {
        let session = Session::open_with(&a.lake.lake, &params, &open).await?;
        crate::serve::serve(&session, &options).await
    });
    // Queries still running when the server stops are dropped, not waited for.
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    served?;
    Ok(ExitStatus::Ok)
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
