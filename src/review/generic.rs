//! trailcheck's own access-review format, for every source without a native reader
//! (spreadsheets, GRC tools, Google Workspace or AWS reviews done by hand). CSV with a
//! header row, or JSON objects (NDJSON or an array) with the same keys:
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `review_id` | yes | the campaign or review this row belongs to |
//! | `provider` | yes | whose identities: `okta`, `entra`, `aws`, `google_workspace`, `gcp`, `github` |
//! | `identity` | yes | the reviewed identity's uid or name, as the audit log names it |
//! | `decision` | yes | `approve`, `revoke` (or `deny`), `not_reviewed`, `dont_know` |
//! | `identity_type` | no | `human`, `machine` (service account, app, bot), `group` |
//! | `resource` | no | the role, group or app reviewed; empty or `*` for the whole account |
//! | `reviewer`, `reviewed_at` | no | who decided and when (RFC 3339 or `YYYY-MM-DD`) |
//! | `review_name`, `tenant`, `period_start`, `period_end`, `applied_at`, `justification` | no | |
//!
//! The full description is in `docs/access-reviews.md`.

use super::{Context, Decision, Format, Review, identity_type, text, time_opt};

pub static GENERIC: Format = Format {
    name: "trailcheck-review",
    title: "trailcheck generic access review (CSV or JSON)",
    detect: |v| {
        v.get("review_id").is_some() && v.get("identity").is_some() && v.get("decision").is_some()
    },
    map,
};

fn map(v: &crate::json::Value<'_>, ctx: &Context<'_>) -> Result<Review, String> {
    let required = |k: &str| text(v, &[k]).ok_or_else(|| format!("{k} is empty"));
    let provider = required("provider")?;
    if crate::providers::by_name(&provider).is_none() {
        return Err(format!(
            "provider {provider:?} is not one of {}",
            crate::providers::names().join(", ")
        ));
    }
    let decision_raw = required("decision")?;
    let identity = required("identity")?;
    Ok(Review {
        provider,
        tenant: ctx.tenant(text(v, &["tenant"])),
        review_id: required("review_id")?,
        review_name: text(v, &["review_name"]),
        period_start: time_opt(v.get("period_start"), "period_start")?,
        period_end: time_opt(v.get("period_end"), "period_end")?,
        identity_uid: Some(identity),
        identity_name: text(v, &["identity_name"]),
        identity_type: identity_type(&text(v, &["identity_type"]).unwrap_or_default()),
        resource: text(v, &["resource"]).filter(|r| r != "*"),
        resource_uid: None,
        decision: Decision::parse(&decision_raw)?,
        decision_raw,
        reviewer: text(v, &["reviewer"]),
        reviewed_at: time_opt(v.get("reviewed_at"), "reviewed_at")?,
        applied_at: time_opt(v.get("applied_at"), "applied_at")?,
        applied_result: None,
        justification: text(v, &["justification"]),
    })
}
