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

pub mod claims;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use serde_json::{Map, Value, json};

pub use claims::{Claim, ClaimKind, Profile};

use crate::error::Result;
use crate::lake::Lake;
use crate::lake::tables::RunRecord;
use crate::model::{Category, ClaimStatus, ScoredClaim};
use crate::session::{Params, Session};
use strum::VariantArray;

const DAY_US: f64 = 86_400_000_000.0;

/// One scored claim.
#[derive(Debug, Clone)]
pub struct ClaimScore {
    pub provider: String,
    pub tenant: String,
    pub claim_id: String,
    pub kind: ClaimKind,
    pub statement: String,
    pub status: ClaimStatus,
    pub evidence: Value,
    pub frameworks: Vec<String>,
    pub source_url: String,
}

/// The score of one provider/tenant.
#[derive(Debug, Clone)]
pub struct TenantScore {
    pub provider: String,
    pub tenant: String,
    /// 0-100; None when no claim could be weighed.
    pub score: Option<i64>,
    /// Claims per status, indexed by [`ClaimStatus`] (`counts[status as usize]`).
    pub counts: [usize; ClaimStatus::VARIANTS.len()],
}

/// The result of one scoring run.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub run_id: String,
    pub as_of: i64,
    pub claims: Vec<ClaimScore>,
    pub scores: Vec<TenantScore>,
}

#[derive(Debug, Clone)]
pub struct ScoreOptions {
    pub lake: PathBuf,
    pub params: Params,
    /// A user's claims profile (file or folder) replacing built-in ones per provider.
    pub claims: Option<PathBuf>,
    pub args: Vec<String>,
}

/// Load the profiles, score the lake, and commit the scorecard to it.
pub async fn score(opts: &ScoreOptions) -> Result<Scorecard> {
    let started_at = chrono::Utc::now().timestamp_micros();
    let profiles = claims::load(opts.claims.as_deref())?;
    let lock = Lake::new(&opts.lake).open_existing_for_write()?;
    let session = Session::open(&opts.lake, &opts.params).await?;
    let run_id = crate::ingest::new_run_id();
    let card = scorecard(&session, &profiles, &run_id).await?;
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
            &opts.args,
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
    Ok(card)
}

/// Score every provider/tenant of the session's lake against `profiles`.
pub async fn scorecard(session: &Session, profiles: &[Profile], run_id: &str) -> Result<Scorecard> {
    // The events columns the queries need (all but `raw`), read once into memory.
    let df = session
        .ctx
        .sql(&format!(
            "SELECT e.provider, {COLS}, e.source_file FROM events e CROSS JOIN params p WHERE e.time <= p.as_of"
        ))
        .await?;
    let planned: SchemaRef = Arc::new(df.schema().as_arrow().clone());
    let batches = df.collect().await?;
    let schema = batches.first().map_or(planned, |b| b.schema());
    session.ctx.register_table(
        SLIM,
        Arc::new(datafusion::datasource::MemTable::try_new(
            schema,
            vec![batches],
        )?),
    )?;
    let result = scorecard_inner(session, profiles, run_id).await;
    session.ctx.deregister_table(SLIM)?;
    result
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
        let mut per_claim: Vec<BTreeMap<String, (ClaimStatus, Value)>> = Vec::new();
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

/// Weight of a claim in the score (see the module doc).
pub fn weight(c: &ClaimScore) -> f64 {
    if c.evidence.get("testable") == Some(&Value::Bool(false)) {
        return 0.0;
    }
    match c.kind {
        ClaimKind::EventType => 3.0,
        ClaimKind::Field | ClaimKind::Retention => 2.0,
        ClaimKind::Category | ClaimKind::Latency => 1.0,
    }
}

fn tenant_score(provider: &str, tenant: &str, claims: &[ClaimScore]) -> TenantScore {
    let mut counts = [0usize; ClaimStatus::VARIANTS.len()];
    let (mut num, mut den) = (0.0, 0.0);
    for c in claims {
        counts[c.status as usize] += 1;
        num += weight(c) * c.status.points();
        den += weight(c);
    }
    TenantScore {
        provider: provider.to_string(),
        tenant: tenant.to_string(),
        score: (den > 0.0).then(|| (100.0 * num / den).round() as i64),
        counts,
    }
}

impl Scorecard {
    /// The rows as stored ([`ScoredClaim::schema`]).
    pub fn rows(&self) -> Vec<ScoredClaim> {
        let score_of: BTreeMap<(&str, &str), Option<i64>> = self
            .scores
            .iter()
            .map(|s| ((s.provider.as_str(), s.tenant.as_str()), s.score))
            .collect();
        self.claims
            .iter()
            .map(|c| ScoredClaim {
                provider: c.provider.clone(),
                tenant: c.tenant.clone(),
                claim_id: c.claim_id.clone(),
                kind: c.kind.as_str().to_string(),
                statement: c.statement.clone(),
                status: c.status,
                evidence: c.evidence.to_string(),
                frameworks: Some(c.frameworks.clone()),
                source_url: Some(c.source_url.clone()),
                score: score_of
                    .get(&(c.provider.as_str(), c.tenant.as_str()))
                    .copied()
                    .flatten(),
                as_of: Some(self.as_of),
                run_id: Some(self.run_id.clone()),
            })
            .collect()
    }

    /// The rows as one batch of [`ScoredClaim::schema`].
    pub fn batch(&self) -> Result<RecordBatch> {
        ScoredClaim::to_batch(&self.rows())
    }

    /// The rows as JSON objects with the scorecard's columns (evidence parsed).
    pub fn json(&self) -> Vec<Value> {
        let score_of: BTreeMap<(&str, &str), Option<i64>> = self
            .scores
            .iter()
            .map(|s| ((s.provider.as_str(), s.tenant.as_str()), s.score))
            .collect();
        self.claims
            .iter()
            .map(|c| {
                json!({
                    "provider": c.provider,
                    "tenant": c.tenant,
                    "claim_id": c.claim_id,
                    "kind": c.kind.as_str(),
                    "statement": c.statement,
                    "status": c.status,
                    "evidence": c.evidence,
                    "frameworks": c.frameworks,
                    "source_url": c.source_url,
                    "score": score_of.get(&(c.provider.as_str(), c.tenant.as_str())).copied().flatten(),
                    "as_of": crate::time::format_micros(self.as_of),
                    "run_id": self.run_id,
                })
            })
            .collect()
    }

    /// A readable summary: the score per provider/tenant, then each claim's status.
    pub fn print_table(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        writeln!(
            out,
            "{:<18} {:<40} {:>5}  verified partial unverified contradicted",
            "provider", "tenant", "score"
        )?;
        for s in &self.scores {
            writeln!(
                out,
                "{:<18} {:<40} {:>5}  {:>8} {:>7} {:>10} {:>12}",
                s.provider,
                crate::text::terminal(&s.tenant),
                s.score.map_or("-".to_string(), |v| v.to_string()),
                s.counts[0],
                s.counts[1],
                s.counts[2],
                s.counts[3]
            )?;
        }
        let mut last = (String::new(), String::new());
        for c in &self.claims {
            if (c.provider.as_str(), c.tenant.as_str()) != (last.0.as_str(), last.1.as_str()) {
                writeln!(
                    out,
                    "\n{} / {}",
                    c.provider,
                    crate::text::terminal(&c.tenant)
                )?;
                last = (c.provider.clone(), c.tenant.clone());
            }
            writeln!(
                out,
                "  {:<13} {:<45} {}",
                c.status.as_str(),
                c.claim_id,
                c.statement
            )?;
        }
        writeln!(
            out,
            "\nrun {}; as of {}",
            self.run_id,
            crate::time::format_micros(self.as_of)
        )
    }
}

/// Framework references of a claim: the profile's own, else by kind and category.
pub fn frameworks(c: &Claim) -> Vec<String> {
    if !c.frameworks.is_empty() {
        return c.frameworks.clone();
    }
    let mut v: Vec<&str> = vec![
        "SOC 2 CC7.2",
        "ISO 27001:2022 A.8.15",
        "NIST CSF 2.0 PR.PS-04",
    ];
    match c.kind {
        ClaimKind::Retention | ClaimKind::Field => {
            v.extend(["ISO 27001:2022 A.8.16", "NIST CSF 2.0 DE.CM-03"])
        }
        ClaimKind::Latency => v.extend([
            "ISO 27001:2022 A.8.16",
            "NIST CSF 2.0 DE.CM-01",
            "NIST CSF 2.0 DE.CM-03",
        ]),
        ClaimKind::EventType | ClaimKind::Category => {}
    }
    match c.category.as_deref().and_then(|c| Category::parse(c).ok()) {
        Some(Category::Admin) => v.extend([
            "SOC 2 CC6.3",
            "ISO 27001:2022 A.5.18",
            "ISO 27001:2022 A.8.2",
            "NIST CSF 2.0 PR.AA-05",
            "OWASP NHI5",
        ]),
        Some(Category::Token) => v.extend([
            "SOC 2 CC6.1",
            "ISO 27001:2022 A.5.17",
            "NIST CSF 2.0 PR.AA-01",
            "OWASP NHI2",
            "OWASP NHI7",
        ]),
        Some(Category::Lifecycle) => v.extend([
            "SOC 2 CC6.2",
            "ISO 27001:2022 A.5.16",
            "NIST CSF 2.0 PR.AA-01",
            "OWASP NHI1",
        ]),
        Some(Category::Policy) => v.extend([
            "SOC 2 CC6.1",
            "ISO 27001:2022 A.5.15",
            "NIST CSF 2.0 PR.AA-05",
        ]),
        Some(Category::Authentication) => v.extend([
            "SOC 2 CC6.1",
            "ISO 27001:2022 A.8.16",
            "NIST CSF 2.0 DE.CM-03",
        ]),
        _ => {}
    }
    let mut out: Vec<String> = Vec::new();
    for f in v {
        if !out.iter().any(|x| x == f) {
            out.push(f.to_string());
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Evidence queries. Each runs once per provider and claim, grouped by tenant.

type Judged = BTreeMap<String, (ClaimStatus, Value)>;

/// The values of one query, bound to its `$1`, `$2`, ... as text: what a claims
/// profile says (provider, category, event types, JSON keys) never becomes SQL text.
#[derive(Default)]
struct Binds(Vec<String>);

impl Binds {
    /// Bind `value`; its placeholder.
    fn bind(&mut self, value: &str) -> String {
        self.0.push(value.to_string());
        format!("${}", self.0.len())
    }

    /// Bind each item; their placeholders, comma-separated (for `IN (...)`).
    fn list(&mut self, items: &[String]) -> String {
        items
            .iter()
            .map(|i| self.bind(i))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An events column of `e`, quoted by DataFusion's unparser. The profile's column
/// names are checked against the events schema when it is parsed; this keeps even an
/// odd name an identifier.
fn column(name: &str) -> Result<String> {
    use datafusion::common::Column;
    use datafusion::logical_expr::Expr;
    let expr = Expr::Column(Column::new(Some("e"), name));
    Ok(datafusion::sql::unparser::expr_to_sql(&expr)?.to_string())
}

fn str_of(m: &Map<String, Value>, k: &str) -> String {
    match m.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

fn num_of(m: &Map<String, Value>, k: &str) -> f64 {
    m.get(k).and_then(Value::as_f64).unwrap_or(0.0)
}

/// Run a query and return its rows as JSON objects.
async fn rows(session: &Session, sql: &str, binds: &Binds) -> Result<Vec<Map<String, Value>>> {
    let values: Vec<&str> = binds.0.iter().map(String::as_str).collect();
    let batches = session.query_with(sql, &values).await?;
    let mut out = Vec::new();
    for b in &batches {
        let schema = b.schema();
        for row in 0..b.num_rows() {
            let mut m = Map::new();
            for (f, col) in schema.fields().iter().zip(b.columns()) {
                m.insert(f.name().clone(), crate::session::udf::value_at(col, row));
            }
            out.push(m);
        }
    }
    Ok(out)
}

/// The events columns most queries need (reading `raw` is what costs: only field
/// claims ask for it).
const COLS: &str = "e.tenant, e.event_uid, e.time, e.event_type, e.category, e.action";

/// The in-memory table of [`COLS`] (plus provider, source_file) while scoring.
const SLIM: &str = "scoring_events";

/// Events of one provider up to as_of, optionally narrowed by category / event types.
fn scoped_events(
    b: &mut Binds,
    provider: &str,
    category: Option<&str>,
    event_types: &[String],
) -> String {
    scoped(b, SLIM, COLS, provider, category, event_types)
}

fn scoped(
    b: &mut Binds,
    table: &str,
    cols: &str,
    provider: &str,
    category: Option<&str>,
    event_types: &[String],
) -> String {
    let mut w = format!("e.provider = {} AND e.time <= p.as_of", b.bind(provider));
    if let Some(c) = category {
        w.push_str(&format!(" AND e.category = {}", b.bind(c)));
    }
    if !event_types.is_empty() {
        w.push_str(&format!(" AND e.event_type IN ({})", b.list(event_types)));
    }
    format!("SELECT {cols} FROM {table} e CROSS JOIN params p WHERE {w}")
}

/// Silent gaps and volume drops of the `logging_gap` rule per provider, then tenant:
/// (gaps, drops).
type Gaps = BTreeMap<String, (Vec<Value>, Vec<Value>)>;

async fn gaps(session: &Session) -> Result<BTreeMap<String, Gaps>> {
    let found = rows(
        session,
        "SELECT provider, tenant, subject_uid, verdict, summary FROM logging_gap \
         ORDER BY provider, tenant, subject_uid",
        &Binds::default(),
    )
    .await?;
    let mut out: BTreeMap<String, Gaps> = BTreeMap::new();
    for r in found {
        let subject = str_of(&r, "subject_uid");
        let entry = out
            .entry(str_of(&r, "provider"))
            .or_default()
            .entry(str_of(&r, "tenant"))
            .or_default();
        let v =
            json!({"subject": subject, "verdict": r.get("verdict"), "summary": r.get("summary")});
        if subject.starts_with("gap:") {
            entry.0.push(v);
        } else {
            entry.1.push(v);
        }
    }
    Ok(out)
}

async fn score_claim(
    session: &Session,
    provider: &str,
    claim: &Claim,
    covs: &[Map<String, Value>],
    gaps: &Gaps,
) -> Result<Judged> {
    let mut judged = match claim.kind {
        ClaimKind::EventType => event_type_claim(session, provider, claim, covs).await?,
        ClaimKind::Category => category_claim(session, provider, claim, covs).await?,
        ClaimKind::Field => field_claim(session, provider, claim, covs).await?,
        ClaimKind::Retention => retention_claim(session, provider, claim, covs).await?,
        ClaimKind::Latency => latency_claim(session, provider, claim, covs).await?,
    };
    if claim.continuous {
        for (tenant, (status, evidence)) in judged.iter_mut() {
            let (silent, drops) = gaps.get(tenant).cloned().unwrap_or_default();
            if let Value::Object(m) = evidence {
                m.insert("gaps".into(), Value::Array(silent.clone()));
                m.insert("volume_drops".into(), Value::Array(drops.clone()));
            }
            if !silent.is_empty() {
                *status = ClaimStatus::Contradicted;
            } else if !drops.is_empty() && *status == ClaimStatus::Verified {
                *status = ClaimStatus::Partial;
            }
        }
    }
    Ok(judged)
}

async fn event_type_claim(
    session: &Session,
    provider: &str,
    claim: &Claim,
    covs: &[Map<String, Value>],
) -> Result<Judged> {
    let types = &claim.event_types;
    let mut b = Binds::default();
    let sql = format!(
        "SELECT e.tenant, e.event_type, count(*) AS n, \
                array_slice(array_agg(e.event_uid ORDER BY e.time), 1, 5) AS examples \
         FROM ({}) e GROUP BY e.tenant, e.event_type",
        scoped_events(&mut b, provider, None, types)
    );
    let present = rows(session, &sql, &b).await?;
    let mut b = Binds::default();
    let sql = format!(
        "SELECT e.tenant, r.event_type, r.implied_by_action, r.strength, count(*) AS n, \
                array_slice(array_agg(e.event_uid ORDER BY e.time), 1, 5) AS examples \
         FROM claimed_event_types r \
         JOIN ({}) e ON e.action = r.implied_by_action \
         WHERE r.provider = {} AND r.event_type IN ({}) \
         GROUP BY e.tenant, r.event_type, r.implied_by_action, r.strength",
        scoped_events(&mut b, provider, None, &[]),
        b.bind(provider),
        b.list(types)
    );
    let implied = rows(session, &sql, &b).await?;
    let mut out = Judged::new();
    for cov in covs {
        let tenant = str_of(cov, "tenant");
        let mut counts = Map::new();
        let mut examples = Vec::new();
        let mut missing = Vec::new();
        let mut implications = Vec::new();
        let mut strong = false;
        for t in types {
            let hit = present
                .iter()
                .find(|r| str_of(r, "tenant") == tenant && &str_of(r, "event_type") == t);
            let n = hit.map_or(0.0, |r| num_of(r, "n")) as i64;
            counts.insert(t.clone(), json!(n));
            if let Some(Value::Array(ex)) = hit.and_then(|r| r.get("examples")) {
                examples.extend(ex.iter().cloned());
            }
            if n == 0 {
                missing.push(t.clone());
                for r in implied
                    .iter()
                    .filter(|r| str_of(r, "tenant") == tenant && &str_of(r, "event_type") == t)
                {
                    let s = str_of(r, "strength");
                    strong |= s == "strong";
                    implications.push(json!({
                        "missing_event_type": t,
                        "implied_by_action": r.get("implied_by_action"),
                        "strength": s,
                        "implying_events": r.get("n"),
                        "examples": r.get("examples"),
                    }));
                }
            }
        }
        let found = types.len() - missing.len();
        let status = if strong {
            ClaimStatus::Contradicted
        } else if missing.is_empty() {
            ClaimStatus::Verified
        } else if found > 0 {
            ClaimStatus::Partial
        } else {
            ClaimStatus::Unverified
        };
        examples.truncate(5);
        out.insert(
            tenant,
            (
                status,
                json!({
                    "claimed_event_types": types,
                    "event_counts": counts,
                    "present": found,
                    "present_ratio": found as f64 / types.len() as f64,
                    "missing": missing,
                    "implied_by_other_events": implications,
                    "examples": examples,
                }),
            ),
        );
    }
    Ok(out)
}

async fn category_claim(
    session: &Session,
    provider: &str,
    claim: &Claim,
    covs: &[Map<String, Value>],
) -> Result<Judged> {
    let category = claim.category.as_deref().unwrap_or("other");
    let mut b = Binds::default();
    let sql = format!(
        "SELECT e.tenant, count(*) AS n, count(DISTINCT e.event_type) AS event_types, \
                array_slice(array_agg(e.event_uid ORDER BY e.time), 1, 5) AS examples \
         FROM ({}) e GROUP BY e.tenant",
        scoped_events(&mut b, provider, Some(category), &[])
    );
    let found = rows(session, &sql, &b).await?;
    let mut out = Judged::new();
    for cov in covs {
        let tenant = str_of(cov, "tenant");
        let hit = found.iter().find(|r| str_of(r, "tenant") == tenant);
        let n = hit.map_or(0.0, |r| num_of(r, "n")) as i64;
        let status = if n > 0 {
            ClaimStatus::Verified
        } else {
            ClaimStatus::Unverified
        };
        out.insert(
            tenant,
            (
                status,
                json!({
                    "category": category,
                    "category_events": n,
                    "category_event_types": hit.map_or(json!(0), |r| r.get("event_types").cloned().unwrap_or(json!(0))),
                    "examples": hit.and_then(|r| r.get("examples").cloned()).unwrap_or(json!([])),
                }),
            ),
        );
    }
    Ok(out)
}

async fn field_claim(
    session: &Session,
    provider: &str,
    claim: &Claim,
    covs: &[Map<String, Value>],
) -> Result<Judged> {
    // Each claimed field as (label, SQL predicate "is filled").
    let mut b = Binds::default();
    let mut preds: Vec<(String, String)> = Vec::new();
    for path in &claim.fields {
        // Typed: json_get_json checks its path arguments when the query is planned.
        let keys = path
            .iter()
            .map(|k| format!("CAST({} AS VARCHAR)", b.bind(k)))
            .collect::<Vec<_>>()
            .join(", ");
        let v = format!("json_get_json(e.raw, {keys})");
        preds.push((
            format!("raw.{}", path.join(".")),
            format!("({v} IS NOT NULL AND {v} NOT IN ('null', '\"\"'))"),
        ));
    }
    for col in &claim.columns {
        // Columns are checked against the events schema when the profile is parsed.
        preds.push((col.clone(), format!("({} IS NOT NULL)", column(col)?)));
    }
    let all = preds
        .iter()
        .map(|(_, p)| p.as_str())
        .collect::<Vec<_>>()
        .join(" AND ");
    let sums = preds
        .iter()
        .enumerate()
        .map(|(i, (_, p))| format!("sum(CASE WHEN {p} THEN 1 ELSE 0 END) AS f{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut extra = String::new();
    for c in &claim.columns {
        if !COLS.split(", ").any(|x| x == format!("e.{c}")) {
            extra.push_str(&format!(", {}", column(c)?));
        }
    }
    let sql = format!(
        "SELECT e.tenant, count(*) AS n, {sums}, \
                    array_slice(array_agg(e.event_uid ORDER BY e.time) FILTER (WHERE NOT ({all})), 1, 5) AS missing_examples, \
                    array_slice(array_agg(e.event_uid ORDER BY e.time), 1, 5) AS examples \
             FROM ({}) e GROUP BY e.tenant",
        scoped(
            &mut b,
            "events",
            &format!("{COLS}, e.raw{extra}"),
            provider,
            claim.category.as_deref(),
            &claim.event_types
        )
    );
    let found = rows(session, &sql, &b).await?;
    let mut out = Judged::new();
    for cov in covs {
        let tenant = str_of(cov, "tenant");
        let hit = found.iter().find(|r| str_of(r, "tenant") == tenant);
        let n = hit.map_or(0.0, |r| num_of(r, "n"));
        let mut ratios = Map::new();
        let (mut min, mut any_zero) = (1.0f64, false);
        for (i, (label, _)) in preds.iter().enumerate() {
            let filled = hit.map_or(0.0, |r| num_of(r, &format!("f{i}")));
            let ratio = if n > 0.0 { filled / n } else { 0.0 };
            min = min.min(ratio);
            any_zero |= filled == 0.0;
            ratios.insert(label.clone(), json!((ratio * 10000.0).round() / 10000.0));
        }
        let status = if n == 0.0 {
            ClaimStatus::Unverified
        } else if any_zero {
            ClaimStatus::Contradicted
        } else if min < 1.0 {
            ClaimStatus::Partial
        } else {
            ClaimStatus::Verified
        };
        let examples = if status == ClaimStatus::Verified {
            hit.and_then(|r| r.get("examples").cloned())
        } else {
            hit.and_then(|r| r.get("missing_examples").cloned())
        };
        out.insert(
            tenant,
            (
                status,
                json!({
                    "events_checked": n as i64,
                    "fill_ratio": ratios,
                    "min_fill_ratio": if n > 0.0 { json!(min) } else { Value::Null },
                    "examples": examples.unwrap_or(json!([])),
                    "examples_are": if status == ClaimStatus::Verified { "events with every field" } else { "events missing a claimed field" },
                }),
            ),
        );
    }
    Ok(out)
}

async fn retention_claim(
    session: &Session,
    provider: &str,
    claim: &Claim,
    covs: &[Map<String, Value>],
) -> Result<Judged> {
    let claimed: Option<(String, u32)> = match &claim.tier {
        Some(t) => claim.retention_days.get(t).map(|d| (t.clone(), *d)),
        None => claim
            .retention_days
            .iter()
            .min_by_key(|(_, d)| **d)
            .map(|(t, d)| (t.clone(), *d)),
    };
    let mut b = Binds::default();
    let sql = format!(
        "SELECT e.tenant, count(*) AS n, CAST(min(e.time) AS BIGINT) AS first_us, \
                min(e.time) AS first_event, \
                array_slice(array_agg(e.event_uid ORDER BY e.time), 1, 5) AS examples \
         FROM ({}) e GROUP BY e.tenant",
        scoped_events(&mut b, provider, claim.category.as_deref(), &[])
    );
    let found = rows(session, &sql, &b).await?;
    let mut out = Judged::new();
    for cov in covs {
        let tenant = str_of(cov, "tenant");
        let hit = found.iter().find(|r| str_of(r, "tenant") == tenant);
        let n = hit.map_or(0.0, |r| num_of(r, "n")) as i64;
        let window = hit.map(|r| (session.as_of as f64 - num_of(r, "first_us")) / DAY_US);
        let mut ev = json!({
            "retention_days": claim.retention_days,
            "tier": claimed.as_ref().map(|c| c.0.clone()),
            "tier_rule": if claim.tier.is_some() { "tier given by the profile" } else { "smallest documented value (every tier keeps at least this)" },
            "claimed_retention_days": claimed.as_ref().map(|c| c.1),
            "scope_category": claim.category,
            "scope_events": n,
            "scope_first_event": hit.and_then(|r| r.get("first_event").cloned()),
            "covered_window_days": window.map(|w| (w * 100.0).round() / 100.0),
            "export_complete": claim.export_complete,
            "examples": hit.and_then(|r| r.get("examples").cloned()).unwrap_or(json!([])),
        });
        let status = match (&claimed, window) {
            (None, _) => {
                ev["testable"] = json!(false);
                ev["reason"] = json!("no documented number of days to compare with");
                ClaimStatus::Unverified
            }
            (Some(_), None) => ClaimStatus::Unverified,
            (Some((_, days)), Some(w)) => {
                if w + 1.0 >= *days as f64 {
                    ClaimStatus::Verified
                } else if claim.export_complete {
                    ev["reason"] = json!(format!(
                        "the export is stated to be complete but covers {w:.1} days, less than the claimed {days} days"
                    ));
                    ClaimStatus::Contradicted
                } else {
                    ev["reason"] = json!(format!(
                        "the export covers {w:.1} of the claimed {days} days; not stated to be complete"
                    ));
                    ClaimStatus::Partial
                }
            }
        };
        out.insert(tenant, (status, ev));
    }
    Ok(out)
}

async fn latency_claim(
    session: &Session,
    provider: &str,
    claim: &Claim,
    covs: &[Map<String, Value>],
) -> Result<Judged> {
    let claimed = claim
        .latency_minutes
        .iter()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map(|(k, v)| (k.clone(), *v));
    // Only CloudTrail S3 object names carry a delivery time.
    let found = if claimed.is_some() && provider == "aws_cloudtrail" {
        let mut b = Binds::default();
        let sql = format!(
            "WITH d AS ( \
                   SELECT e.tenant, e.event_uid, e.time, \
                          (CAST(to_timestamp(regexp_match(e.source_file, '_([0-9]{{8}}T[0-9]{{4}})Z_')[1], '%Y%m%dT%H%M') AS BIGINT) / 1000 \
                           - CAST(e.time AS BIGINT)) / 60000000.0 AS delay_minutes \
                   FROM ({}) e \
                   WHERE regexp_like(e.source_file, '_[0-9]{{8}}T[0-9]{{4}}Z_')) \
                 SELECT tenant, count(*) AS n, avg(delay_minutes) AS mean_delay_minutes, \
                        median(delay_minutes) AS median_delay_minutes, max(delay_minutes) AS max_delay_minutes, \
                        array_slice(array_agg(event_uid ORDER BY delay_minutes DESC), 1, 5) AS examples \
                 FROM d WHERE delay_minutes >= 0 GROUP BY tenant",
            scoped(
                &mut b,
                SLIM,
                &format!("{COLS}, e.source_file"),
                provider,
                None,
                &[]
            )
        );
        rows(session, &sql, &b).await?
    } else {
        Vec::new()
    };
    let mut out = Judged::new();
    for cov in covs {
        let tenant = str_of(cov, "tenant");
        let hit = found.iter().find(|r| str_of(r, "tenant") == tenant);
        let mut ev = json!({
            "latency_minutes": claim.latency_minutes,
            "examples": [],
        });
        let status = match (&claimed, hit) {
            (None, _) => {
                ev["testable"] = json!(false);
                ev["reason"] = json!("no documented number of minutes to compare with");
                ClaimStatus::Unverified
            }
            (Some(_), None) => {
                ev["testable"] = json!(false);
                ev["reason"] = json!("the export carries no delivery time to measure latency");
                ClaimStatus::Unverified
            }
            (Some((_, minutes)), Some(r)) => {
                let mean = num_of(r, "mean_delay_minutes");
                ev["measured_from"] = json!("delivery time in the S3 object name vs event time");
                ev["events_measured"] = r.get("n").cloned().unwrap_or(Value::Null);
                ev["mean_delay_minutes"] =
                    r.get("mean_delay_minutes").cloned().unwrap_or(Value::Null);
                ev["median_delay_minutes"] = r
                    .get("median_delay_minutes")
                    .cloned()
                    .unwrap_or(Value::Null);
                ev["max_delay_minutes"] =
                    r.get("max_delay_minutes").cloned().unwrap_or(Value::Null);
                ev["examples"] = r.get("examples").cloned().unwrap_or(json!([]));
                if mean <= *minutes {
                    ClaimStatus::Verified
                } else {
                    ClaimStatus::Partial
                }
            }
        };
        out.insert(tenant, (status, ev));
    }
    Ok(out)
}
