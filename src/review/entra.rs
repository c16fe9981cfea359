//! Microsoft Entra ID access reviews, in the two documented export shapes.
//!
//! * [`HISTORY`]: the review history report CSV (Entra admin center, ID Governance,
//!   Access reviews, Review history; one row per reviewed principal). Columns from
//!   <https://learn.microsoft.com/en-us/entra/id-governance/access-reviews-downloadable-review-history>.
//! * [`GRAPH`]: `accessReviewInstanceDecisionItem` objects, as listed by
//!   `GET /identityGovernance/accessReviews/definitions/{id}/instances/{id}/decisions`
//!   (a `{"value":[...]}` page), from
//!   <https://learn.microsoft.com/en-us/graph/api/resources/accessreviewinstancedecisionitem>.
//!
//! The per-review "Download" button's CSV has no documented columns, so it is not
//! read (its rows are rejected as unknown; the history report covers the same data).

use crate::json::Value;

use super::{Context, Decision, Format, Review, first_text, identity_type, text, time_opt};

pub static HISTORY: Format = Format {
    name: "entra-review-history",
    title: "Microsoft Entra access review history report (CSV)",
    detect: |v| {
        v.get("AccessReviewId").is_some()
            && (v.get("PrincipalId").is_some() || v.get("PrincipalUPN").is_some())
    },
    map: map_history,
};

pub static GRAPH: Format = Format {
    name: "entra-review-decisions",
    title: "Microsoft Graph accessReviewInstanceDecisionItem (JSON)",
    detect: |v| {
        v.get("decision").is_some()
            && v.get("principal").is_some_and(Value::is_object)
            && (v.get("accessReviewId").is_some() || v.get("reviewedBy").is_some())
    },
    map: map_graph,
};

/// The all-zero GUID Graph uses for "nobody" in `reviewedBy` / `appliedBy`.
const NOBODY: &str = "00000000-0000-0000-0000-000000000000";

fn decision(v: &Value<'_>, field: &str) -> Result<(Decision, String), String> {
    let raw = text(v, &[field]).ok_or_else(|| format!("{field} is missing"))?;
    Ok((Decision::parse(&raw)?, raw))
}

fn map_history(v: &Value<'_>, ctx: &Context<'_>) -> Result<Review, String> {
    let review_id = text(v, &["AccessReviewId"]).ok_or("AccessReviewId is empty")?;
    let (decision, decision_raw) = decision(v, "ReviewResult")?;
    let identity_uid = text(v, &["PrincipalId"]);
    let identity_name = first_text(v, &[&["PrincipalUPN"], &["PrincipalName"]]);
    if identity_uid.is_none() && identity_name.is_none() {
        return Err("PrincipalId, PrincipalUPN and PrincipalName are all empty".into());
    }
    Ok(Review {
        provider: "entra".into(),
        tenant: ctx.tenant(None),
        review_id,
        review_name: text(v, &["ReviewName"]),
        period_start: time_opt(v.get("ReviewStartDate"), "ReviewStartDate")?,
        period_end: time_opt(v.get("ReviewEndDate"), "ReviewEndDate")?,
        identity_uid,
        identity_name,
        identity_type: identity_type(&text(v, &["PrincipalType"]).unwrap_or_default()),
        resource: text(v, &["ResourceDisplayName"]),
        resource_uid: text(v, &["ResourceId"]),
        decision,
        decision_raw,
        reviewer: first_text(v, &[&["ReviewerUPN"], &["ReviewerName"], &["ReviewerId"]]),
        reviewed_at: time_opt(v.get("ReviewDate"), "ReviewDate")?,
        applied_at: time_opt(v.get("AppliedDate"), "AppliedDate")?,
        applied_result: text(v, &["SubmissionResult"]),
        justification: text(v, &["Justification"]),
    })
}

fn map_graph(v: &Value<'_>, ctx: &Context<'_>) -> Result<Review, String> {
    let (decision, decision_raw) = decision(v, "decision")?;
    let review_id = text(v, &["accessReviewId"]).ok_or("accessReviewId is missing")?;
    let identity_uid = text(v, &["principal", "id"]);
    let identity_name = first_text(
        v,
        &[
            &["principal", "userPrincipalName"],
            &["principal", "displayName"],
        ],
    );
    if identity_uid.is_none() && identity_name.is_none() {
        return Err("principal has no id, userPrincipalName or displayName".into());
    }
    let reviewer = first_text(
        v,
        &[
            &["reviewedBy", "userPrincipalName"],
            &["reviewedBy", "displayName"],
            &["reviewedBy", "id"],
        ],
    )
    .filter(|r| r != NOBODY);
    Ok(Review {
        provider: "entra".into(),
        tenant: ctx.tenant(None),
        review_id,
        review_name: None,
        period_start: None,
        period_end: None,
        identity_uid,
        identity_name,
        identity_type: identity_type(&text(v, &["principal", "@odata.type"]).unwrap_or_default()),
        resource: text(v, &["resource", "displayName"]),
        resource_uid: text(v, &["resource", "id"]),
        decision,
        decision_raw,
        reviewer,
        reviewed_at: time_opt(v.get("reviewedDateTime"), "reviewedDateTime")?,
        applied_at: time_opt(v.get("appliedDateTime"), "appliedDateTime")?,
        applied_result: text(v, &["applyResult"]),
        justification: text(v, &["justification"]),
    })
}
