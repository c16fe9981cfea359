//! Score each provider's documented logging claims against the lake (docs/design.md section 6).
//!
//! For every provider/tenant in the `coverage` view and every claim of that provider's
//! profile ([`claims`]), the scorer runs SQL through the one [`Session`] and gives the
//! claim a status with its evidence (JSON) and framework references. The rows form the
//! `scorecard` table ([`ScoredClaim`](crate::model::ScoredClaim)), stored per run in
//! `LAKE/scorecards/run=<run>/scorecard.parquet` and visible to SQL as `scorecards`.
//!
//! # Statuses
//!
//! Only events up to `as_of` are evidence. Per kind of claim:
//!
//! * `event_type` (claimed types, from the profile; implications from the
//!   `claimed_event_types` reference table):
//!   `verified` every claimed type is present; `partial` some are present, some absent;
//!   `unverified` none is present and nothing implies the activity happened (absence of
//!   evidence); `contradicted` a claimed type is absent although events of its
//!   `implied_by_action` with strength `strong` exist (tokens used, action
//!   `credential.use`, but their creation type never logged). Weak implications are
//!   listed in the evidence but do not contradict.
//! * `category`: `verified` events of the category are present, else `unverified`.
//! * `field` (JSON paths into `raw` read with `json_get_json`, or events columns): the
//!   fill ratio of each field over the tenant's events (narrowed to the claim's
//!   category / event types): `verified` all ratios are 1; `partial` a field is missing
//!   from some events; `contradicted` a claimed always-present field is in none of the
//!   (one or more) events; `unverified` no events to look at.
//! * `retention`: the covered window (first event in scope to `as_of`, in days) against
//!   the claimed retention: the value of the claim's `tier`, or when no tier is given the
//!   smallest documented value (which every tier guarantees). **Rule:** the window is
//!   long enough when `window_days + 1 >= retention_days` (the first day is partial):
//!   `verified`. When it is shorter, the claim is `contradicted` if the export is
//!   stated to be complete (`export_complete = true` in the profile, e.g. a user profile
//!   for an export taken as the whole retained history), otherwise `partial` (the export
//!   may simply start later than the retention allows). No documented number, or no
//!   events: `unverified`.
//! * `latency`: AWS CloudTrail S3 object names carry their delivery time
//!   (`..._YYYYMMDDTHHmmZ_...`): the mean delay from event time to that stamp is compared
//!   to the documented `latency_minutes` (`verified` when at most the smallest value,
//!   else `partial`: the documented figures are typical, not guaranteed). Without a
//!   number or a delivery time in the export: `unverified`.
//!
//! Then, for every claim marked `continuous = true` (a continuous record, e.g. "the
//! past 90 days of events"): silent gaps found by the `logging-gap` rule (view
//! `logging_gap`, subjects `gap:...`) for that provider/tenant make it `contradicted`;
//! a sharp volume drop (`drop:...`) alone lowers `verified` to `partial`. The gaps are
//! listed in the evidence.
//!
//! Evidence always has `window_start`, `window_end`, `window_days` and `events` for the
//! provider/tenant, `testable` (false when nothing in any export could test the claim:
//! no documented number, or no delivery time), and up to 5 `examples` (event_uids).
//!
//! # Score
//!
//! One score 0-100 per provider/tenant, repeated on each of its rows:
//! `round(100 * sum(weight * points) / sum(weight))` over its claims, where
//! points are `verified` 1, `partial` 0.5, `unverified` 0.25, `contradicted` 0, and
//! the weight is by kind: `event_type` 3, `field` 2, `retention` 2, `category` 1,
//! `latency` 1. Untestable claims (`testable: false`) weigh 0: the score does not
//! punish a provider for what no export can show. With no weighed claim the score is
//! null.
//!
//! # Modules
//!
//! [`claims`] (crate::claims, beside the scorer: the session reads it too) the claims profiles (the spec); `card` the [`Scorecard`], weights, points
//! and outputs; `frameworks` the frameworks table of claims; `query` the SQL over the
//! lake (profile values bound as parameters); `checks` the five claim checks and the
//! continuity check. This module runs them: [`score`] and [`scorecard`].

mod card;
mod checks;

mod frameworks;
mod query;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Map, Value, json};

pub use crate::claims::{self, Claim, ClaimKind, Profile};
pub use card::{ClaimScore, Scorecard, TenantScore, weight};
pub use frameworks::frameworks;

use crate::error::Result;
use crate::lake::tables::RunRecord;
use crate::lake::{Lake, LakeLock};
use crate::model::ClaimStatus;
use crate::session::{Params, Session};
use card::tenant_score;
use checks::{Judged, score_claim};
use query::{Binds, gaps, rows, str_of};

#[derive(Debug, Clone)]
pub struct ScoreOptions {
    pub lake: PathBuf,
    pub params: Params,
    /// A user's claims profile (file or folder) replacing built-in ones per provider.
    pub claims: Option<PathBuf>,
    pub args: Vec<String>,
    /// The session's memory limit ([`crate::session::OpenOptions::memory_limit`]).
    pub memory_limit: Option<usize>,
}

/// Load the profiles, score the lake, and commit the scorecard to it.
pub async fn score(opts: &ScoreOptions) -> Result<Scorecard> {
    let profiles = claims::load(opts.claims.as_deref())?;
    let lock = Lake::new(&opts.lake).open_existing_for_write()?;
    let open = crate::session::OpenOptions {
        memory_limit: opts.memory_limit,
        ..Default::default()
    };
    let session = Session::open_with(&opts.lake, &opts.params, &open).await?;
    score_in(&session, &lock, &profiles, &opts.args).await
}

/// Score the lake of `session` against `profiles` and commit the scorecard under
/// `lock` (taken before the session was opened). The session then lists `scorecards`
/// and `runs` again, so what it reads next includes this run.
pub async fn score_in(
    session: &Session,
    lock: &LakeLock,
    profiles: &[Profile],
    args: &[String],
) -> Result<Scorecard> {
    let started_at = chrono::Utc::now().timestamp_micros();
    let run_id = crate::lake::new_run_id();
    let card = scorecard(session, profiles, &run_id).await?;
    let batch = card.batch()?;

    let scores: Vec<Value> = card
        .scores
        .iter()
        .map(|s| json!({"provider": s.provider, "tenant": s.tenant, "score": s.score}))
        .collect();
    lock.commit_run_file(
        "scorecards",
        "scorecard.parquet",
        Some(&batch),
        RunRecord::derived(
            run_id,
            "score",
            started_at,
            args,
            json!({
                "as_of": crate::time::format_micros(card.as_of),
                "profiles": profiles.iter().map(|p| json!({
                    "provider": p.provider, "origin": p.origin, "claims": p.claims.len(),
                })).collect::<Vec<_>>(),
                "scores": scores,
                "claims": card.claims.len(),
            }),
        ),
    )?;
    session.relist(&["scorecards", "runs"]).await?;
    Ok(card)
}

/// Score every provider/tenant of the session's lake against `profiles`.
pub async fn scorecard(session: &Session, profiles: &[Profile], run_id: &str) -> Result<Scorecard> {
    scorecard_inner(session, profiles, run_id).await
}

async fn scorecard_inner(
    session: &Session,
    profiles: &[Profile],
    run_id: &str,
) -> Result<Scorecard> {
    let mut all_gaps = gaps(session).await?;
    let coverage = rows(
        session,
        "SELECT provider, tenant, first_event, last_event, window_days, days_covered, \
         days_with_events, events FROM coverage ORDER BY provider, tenant",
        &Binds::default(),
    )
    .await?;
    let mut tenants: BTreeMap<String, Vec<Map<String, Value>>> = BTreeMap::new();
    for c in coverage {
        tenants.entry(str_of(&c, "provider")).or_default().push(c);
    }
    let mut out = Vec::new();
    let mut scores = Vec::new();
    for profile in profiles {
        let Some(covs) = tenants.get(&profile.provider) else {
            continue;
        };
        let gaps = all_gaps.remove(&profile.provider).unwrap_or_default();
        let mut per_claim: Vec<Judged> = Vec::new();
        for claim in &profile.claims {
            per_claim.push(score_claim(session, &profile.provider, claim, covs, &gaps).await?);
        }
        for cov in covs {
            let tenant = str_of(cov, "tenant");
            let mut rows_here = Vec::new();
            for (claim, judged) in profile.claims.iter().zip(&per_claim) {
                let (status, mut evidence) = judged
                    .get(&tenant)
                    .cloned()
                    .unwrap_or((ClaimStatus::Unverified, json!({})));
                if let Value::Object(m) = &mut evidence {
                    for k in ["first_event", "last_event", "window_days", "events"] {
                        let key = match k {
                            "first_event" => "window_start",
                            "last_event" => "window_end",
                            other => other,
                        };
                        m.entry(key.to_string())
                            .or_insert_with(|| cov.get(k).cloned().unwrap_or(Value::Null));
                    }
                    m.entry("testable".to_string()).or_insert(Value::Bool(true));
                    if let Some(n) = &claim.note {
                        m.insert("note".into(), Value::String(n.clone()));
                    }
                    m.insert(
                        "claims_profile".into(),
                        Value::String(profile.origin.clone()),
                    );
                }
                rows_here.push(ClaimScore {
                    provider: profile.provider.clone(),
                    tenant: tenant.clone(),
                    claim_id: claim.id.clone(),
                    kind: claim.kind,
                    statement: claim.statement.clone(),
                    status,
                    evidence,
                    frameworks: frameworks(claim),
                    source_url: claim.source_url.clone(),
                });
            }
            scores.push(tenant_score(&profile.provider, &tenant, &rows_here));
            out.extend(rows_here);
        }
    }
    Ok(Scorecard {
        run_id: run_id.to_string(),
        as_of: session.as_of,
        claims: out,
        scores,
    })
}
