//! `trailcheck generate`: synthetic audit-log exports in each provider's native
//! container, for benchmarks, demos and end-to-end tests.
//!
//! This module takes the options, picks the providers' generators (named by their
//! descriptors) and runs them; [`kit`] holds what every generator shares: the fixed
//! evidence window ([`WINDOW_DAYS`] days ending [`END_DATE`], so output does not depend
//! on the clock), how `--events` is spread over tenants and days ([`Schedule`]), the
//! seeded random helpers ([`Rng`]), and the streaming file writer ([`ArrayFile`]) that
//! writes one container (`[..]`, `{"Records":[..]}`, `{"items":[..]}`, or JSON Lines) as
//! events are produced, gzipped or not. [`Output::write_tenant`] writes one series of
//! files rolled by day; [`Output::write_streams`] writes several side by side (one per
//! log category, log type or application) rolled by day or hour, as diagnostic settings
//! and log sinks lay them out. Memory does not grow with `--events`: each event is
//! formatted into one reused buffer and written out at once, with one file open per
//! stream.
//!
//! Each provider's generator is `generate.rs` in its folder (`src/providers/<name>/`),
//! named by its descriptor ([`crate::providers::Provider::generator`]); it knows its native shapes and its planted cast
//! (a machine identity that stops acting early, a credential created and never used,
//! admin grants, policy changes), and cases real exports have that must not be misread
//! (a console admin whose calls AWS makes for them, an anonymous Meet participant, a
//! risk detection about an idle Entra service principal, a revoked Workspace grant, a
//! delegated Okta admin who uses the role and one who never does):
//!
//! | provider | container |
//! |---|---|
//! | `aws_cloudtrail` | gzip `{"Records":[..]}` trail files per account and day |
//! | `okta` | System Log JSON arrays per org and day |
//! | `entra` | diagnostic-settings storage archive: JSON Lines `PT1H.json` per category and hour |
//! | `google_workspace` | Reports API `{"kind":"admin#reports#activities","items":[..]}` pages per application and day |
//! | `gcp_audit` | Cloud Storage log sink: JSON Lines shards per audit log and hour |
//! | `github` | audit-log streaming: gzip JSON Lines objects per hour |

pub mod kit;

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::providers::{PROVIDERS, Provider};

pub use kit::*;

/// The providers that can be generated, in the order `--provider all` runs them.
pub fn providers() -> Vec<&'static Provider> {
    let mut all = PROVIDERS.to_vec();
    all.sort_by_key(|p| p.generator.stream);
    all
}

/// Names of the providers that can be generated.
pub fn names() -> Vec<&'static str> {
    providers().iter().map(|p| p.name).collect()
}

/// `trailcheck generate` options.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// A provider name or `all`.
    pub provider: String,
    /// Events in total (over all providers and tenants).
    pub events: u64,
    /// Tenants (accounts, orgs) per provider.
    pub tenants: u32,
    pub seed: u64,
    pub out: PathBuf,
}

/// Run the generators.
pub fn generate(opts: &GenerateOptions) -> Result<GenerateSummary> {
    if opts.tenants == 0 {
        return Err(Error::Usage("--tenants must be at least 1".into()));
    }
    let selected: Vec<&Provider> = if opts.provider == "all" {
        providers()
    } else {
        let p = PROVIDERS
            .iter()
            .copied()
            .find(|p| p.name == opts.provider)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "cannot generate provider {:?}: choose one of {} or all",
                    opts.provider,
                    names().join(", ")
                ))
            })?;
        vec![p]
    };
    std::fs::create_dir_all(&opts.out).map_err(|e| Error::io(&opts.out, e))?;
    let mut out = Output {
        root: opts.out.clone(),
        summary: GenerateSummary::default(),
    };
    let n = selected.len() as u64;
    for (i, p) in selected.iter().enumerate() {
        let plan = Plan {
            events: opts.events / n + u64::from((i as u64) < opts.events % n),
            tenants: opts.tenants,
            seed: opts.seed,
            index: p.generator.stream,
        };
        let before = out.summary.events;
        (p.generator.generate)(&plan, &mut out)?;
        out.summary
            .providers
            .push((p.name, out.summary.events - before));
    }
    Ok(out.summary)
}
