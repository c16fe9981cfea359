-- rule: access-review-missing-identity
-- title: Identity missing from an access review
-- ## What it finds
-- Identities that an access review should have covered but did not: any identity that
-- held an admin role during the review period, and any machine identity (service
-- account, service principal, app, bot) that acted during it, with no row in the review.
-- ## Why it matters
-- A periodic access review is evidence for SOC 2 CC6.2/CC6.3 and ISO 27001 A.5.18 only if
-- its population is complete. Reviews built from an HR list of people routinely leave
-- out service accounts and API clients, which then keep admin rights and keys unreviewed.
-- ## How it decides
-- From `review_scope`: admin role holders (`role_assignments`, `admin`) whose role was
-- held at any time between the review's period start and end, and machine identities of
-- `identities` kind `machine` that acted in that period, for the review's provider (and
-- tenant, when the export names one); confirmed when no row of the review names the
-- identity by uid or name (`review_items`). The period is the export's own, or the span
-- of the review's decisions when the export has none (said in the evidence). Severity is
-- high for an admin role holder, medium for a machine identity that only acted.
-- ## What to do
-- Have its access reviewed now; put machine identities and all admins in the review's scope.
-- ## Frameworks
-- SOC 2 CC6.2, SOC 2 CC6.3, ISO 27001:2022 A.5.18, NIST CSF 2.0 PR.AA-05, OWASP NHI1
SELECT
    'access-review-missing-identity' AS rule_id,
    CASE WHEN admin_roles IS NOT NULL THEN 'high' ELSE 'medium' END AS severity,
    'confirmed' AS verdict,
    provider,
    tenant,
    concat(identity_uid, ' / ', review_id) AS subject_uid,
    coalesce(identity_name, identity_uid) AS subject_name,
    CASE WHEN is_machine THEN 'machine_identity' ELSE 'human_identity' END AS subject_type,
    concat(
        CASE WHEN is_machine THEN 'Machine identity ' ELSE 'Identity ' END,
        coalesce(identity_name, identity_uid),
        CASE WHEN admin_roles IS NOT NULL
             THEN concat(' held ', array_to_string(admin_roles, ', '))
             ELSE concat(' acted ', CAST(events_in_period AS VARCHAR), ' times') END,
        ' during review ', coalesce(review_name, review_id), ' (',
        to_char(period_start, '%Y-%m-%d'), ' to ', to_char(period_end, '%Y-%m-%d'),
        ') but is not in it: add it to the review population.'
    ) AS summary,
    json_object(
        'review_id', review_id, 'review_name', review_name,
        'period_start', period_start, 'period_end', period_end, 'period_source', period_source,
        'review_items', review_items, 'admin_roles', admin_roles, 'privileged', privileged,
        'events_in_period', events_in_period, 'last_activity_in_period', last_activity_in_period,
        'last_event_in_period', last_event_in_period
    ) AS evidence,
    period_start AS first_seen,
    period_end AS last_seen
FROM review_scope
WHERE NOT reviewed
