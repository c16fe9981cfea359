//! Okta Identity Governance access certification reviews, as returned by
//! `GET /governance/api/v1/reviews` (a JSON array, one object per reviewed item):
//! <https://developer.okta.com/docs/api/iga/openapi/governance-production-reference/reviews/listreviews>.
//! Decisions are `APPROVE`, `REVOKE` or `UNREVIEWED` (`decided` is null then).
//!
//! The Admin Console "Past Campaign Details" CSV is not read: its decision and date
//! columns are not documented, so its rows are rejected as unknown rather than guessed.

use super::{Context, Decision, Format, Review, first_text, text, time_opt};

pub static REVIEWS: Format = Format {
    name: "okta-governance-reviews",
    title: "Okta Identity Governance reviews (JSON)",
    detect: |v| {
        v.get("decision").is_some()
            && v.get("principalProfile").is_some_and(|p| p.is_object())
            && v.get("campaignId").is_some()
    },
    map,
};

fn map(v: &crate::json::Value<'_>, ctx: &Context<'_>) -> Result<Review, String> {
    let review_id = text(v, &["campaignId"]).ok_or("campaignId is empty")?;
    let decision_raw = text(v, &["decision"]).ok_or("decision is missing")?;
    let decision = Decision::parse(&decision_raw)?;
    let identity_uid = text(v, &["principalProfile", "id"]);
    let identity_name = first_text(
        v,
        &[
            &["principalProfile", "login"],
            &["principalProfile", "email"],
        ],
    );
    if identity_uid.is_none() && identity_name.is_none() {
        return Err("principalProfile has no id, login or email".into());
    }
    Ok(Review {
        provider: "okta".into(),
        tenant: ctx.tenant(None),
        review_id,
        review_name: None,
        period_start: None,
        period_end: None,
        identity_uid,
        identity_name,
        // Certification campaigns review people (principalProfile is an Okta user).
        identity_type: "human",
        resource: first_text(v, &[&["entitlementValue", "name"], &["resourceId"]]),
        resource_uid: text(v, &["resourceId"]),
        decision,
        decision_raw,
        reviewer: first_text(
            v,
            &[
                &["reviewerProfile", "login"],
                &["reviewerProfile", "email"],
                &["reviewerProfile", "id"],
            ],
        ),
        reviewed_at: time_opt(v.get("decided"), "decided")?,
        applied_at: None,
        applied_result: text(v, &["remediationStatus"]),
        justification: text(v, &["note", "note"]),
    })
}
