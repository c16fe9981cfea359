//! The scorecard: the scored claims of one run, each provider/tenant's score (weights
//! by kind of claim, points by [`ClaimStatus`]), and its outputs: the stored rows
//! ([`ScoredClaim`]), JSON and the readable table.

use arrow::array::RecordBatch;
use serde_json::{Value, json};
use strum::VariantArray;

use crate::claims::ClaimKind;
use crate::error::Result;
use crate::model::{ClaimStatus, ScoredClaim};

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

pub(super) fn tenant_score(provider: &str, tenant: &str, claims: &[ClaimScore]) -> TenantScore {
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
    /// The score of the provider/tenant a claim belongs to.
    fn score_of(&self, c: &ClaimScore) -> Option<i64> {
        self.scores
            .iter()
            .find(|s| s.provider == c.provider && s.tenant == c.tenant)
            .and_then(|s| s.score)
    }

    /// The rows as stored ([`ScoredClaim::schema`]).
    pub fn rows(&self) -> Vec<ScoredClaim> {
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
                score: self.score_of(c),
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
                    "score": self.score_of(c),
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
