//! `trailcheck generate`: synthetic exports in each provider's native format.

use std::path::PathBuf;

use clap::Args;

use super::ExitStatus;

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Provider to generate (see `trailcheck providers`), or `all`.
    #[arg(long)]
    pub provider: String,
    /// Events in total (split evenly between providers and tenants).
    #[arg(long)]
    pub events: u64,
    /// Tenants (accounts, orgs) per provider.
    #[arg(long, default_value_t = 1)]
    pub tenants: u32,
    /// Random seed: the same seed and options give byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder to write into (created if missing).
    #[arg(long, value_parser = crate::location::local_path)]
    pub out: PathBuf,
}

pub fn generate(a: &GenerateArgs) -> anyhow::Result<ExitStatus> {
    let started = std::time::Instant::now();
    let s = crate::generate::generate(&crate::generate::GenerateOptions {
        provider: a.provider.clone(),
        events: a.events,
        tenants: a.tenants,
        seed: a.seed,
        out: a.out.clone(),
    })?;
    eprintln!(
        "generated {} events ({}) in {} files, {:.1} MB on disk ({:.1} MB JSON) in {}, {:.1} s",
        s.events,
        s.providers
            .iter()
            .map(|(p, n)| format!("{p} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        s.files,
        s.bytes as f64 / 1e6,
        s.json_bytes as f64 / 1e6,
        a.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitStatus::Ok)
}
