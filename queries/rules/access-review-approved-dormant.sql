-- rule: access-review-approved-dormant
-- title: Access review approved a dormant identity
-- ## What it finds
-- Access that a reviewer approved for an identity the logs show had done nothing for at
-- least `dormant_days` (default 90) before the decision.
-- ## Why it matters
-- Rubber-stamped reviews approve whatever is listed. Access nobody uses should be
-- removed, not certified; an approved dormant service account keeps its keys and rights
-- for another review cycle (OWASP NHI1, SOC 2 CC6.2).
-- ## How it decides
-- For each `approve` row of `review_items` with a decision time: the identity's last
-- activity in the logs up to that time (as an actor, or a role assumed by it). Confirmed
-- when the last activity is at least `dormant_days` before the decision, or when there is
-- none and the logs of its provider and tenant cover at least `dormant_days` before the
-- decision. An identity created less than `dormant_days` before the decision is not
-- dormant. Indeterminate when the logs start too late to see `dormant_days` of silence,
-- or do not know the identity at all (a name the review and the logs spell differently
-- cannot be told from an unused account). Severity is high for a machine identity,
-- medium otherwise.
-- ## What to do
-- Revoke the unused access; have the reviewer decide again with last-use dates at hand.
-- ## Frameworks
-- SOC 2 CC6.2, ISO 27001:2022 A.5.18, NIST CSF 2.0 PR.AA-05, OWASP NHI1
WITH approved AS (
    SELECT r.*, coalesce(r.lake_tenant, r.tenant) AS at_tenant, p.dormant_days,
           arrow_cast(CAST(r.reviewed_at AS BIGINT) - p.dormant_days * 86400000000,
                      'Timestamp(Microsecond, Some("UTC"))') AS cutoff
    FROM review_items r
    CROSS JOIN params p
    WHERE r.decision = 'approve' AND r.reviewed_at IS NOT NULL AND r.reviewed_at <= p.as_of
),
uses AS (
    SELECT a.review_uid, e.time, e.event_uid
    FROM approved a
    JOIN events e
      ON e.provider = a.provider AND e.tenant = a.lake_tenant AND e.actor_uid = a.lake_uid
    WHERE e.time <= a.reviewed_at AND e.outcome <> 'failure'
    UNION ALL
    SELECT a.review_uid, e.time, e.event_uid
    FROM approved a
    JOIN events e
      ON e.provider = a.provider AND e.tenant = a.lake_tenant AND e.target_uid = a.lake_uid
    WHERE e.action = 'login' AND e.target_type = 'role'
      AND e.time <= a.reviewed_at AND e.outcome <> 'failure'
),
last_use AS (
    SELECT review_uid, max(time) AS last_activity, last_value(event_uid ORDER BY time) AS last_activity_event
    FROM uses
    GROUP BY review_uid
),
judged AS (
    SELECT a.*, u.last_activity, u.last_activity_event, c.first_event AS logs_start,
           i.created_at, i.kind,
           CASE
               WHEN a.lake_uid IS NULL THEN 'indeterminate'
               WHEN u.last_activity IS NOT NULL THEN 'confirmed'
               WHEN c.first_event <= a.cutoff THEN 'confirmed'
               ELSE 'indeterminate'
           END AS verdict,
           CASE WHEN a.lake_uid IS NOT NULL THEN
               (CAST(a.reviewed_at AS BIGINT) - CAST(coalesce(u.last_activity, c.first_event) AS BIGINT))
                   / 86400000000 END AS days_silent
    FROM approved a
    LEFT JOIN last_use u ON u.review_uid = a.review_uid
    LEFT JOIN coverage c ON c.provider = a.provider AND c.tenant = a.at_tenant
    LEFT JOIN identities i
      ON i.provider = a.provider AND i.tenant = a.lake_tenant AND i.identity_uid = a.lake_uid
    WHERE (u.last_activity IS NULL OR u.last_activity <= a.cutoff)
      AND NOT (i.created_at IS NOT NULL AND i.created_at > a.cutoff)
)
SELECT
    'access-review-approved-dormant' AS rule_id,
    CASE WHEN verdict = 'indeterminate' THEN 'low'
         WHEN kind = 'machine' OR identity_type = 'machine' THEN 'high' ELSE 'medium' END AS severity,
    verdict,
    provider,
    at_tenant AS tenant,
    concat(coalesce(lake_uid, identity_uid, identity_name), ' / ', coalesce(resource, 'account'), ' / ', review_id) AS subject_uid,
    coalesce(lake_name, identity_name, identity_uid) AS subject_name,
    CASE WHEN kind = 'machine' OR identity_type = 'machine' THEN 'machine_identity' ELSE 'human_identity' END AS subject_type,
    concat(
        'Review ', coalesce(review_name, review_id), ' approved ', coalesce(resource, 'access'), ' for ',
        coalesce(lake_name, identity_name, identity_uid), ' on ', to_char(reviewed_at, '%Y-%m-%d'),
        CASE
            WHEN lake_uid IS NULL THEN ', an identity the logs do not know: check that it exists and is used.'
            WHEN last_activity IS NOT NULL THEN concat(', although it had not been used since ',
                 to_char(last_activity, '%Y-%m-%d'), ' (', CAST(days_silent AS VARCHAR), ' days): remove the access instead.')
            WHEN verdict = 'confirmed' THEN concat(', although it shows no activity in ', CAST(days_silent AS VARCHAR),
                 ' days of logs before the decision: remove the access instead.')
            ELSE concat(', and the logs before the decision are shorter than ', CAST(dormant_days AS VARCHAR),
                 ' days with no activity in them: export a longer window to decide.')
        END
    ) AS summary,
    json_object(
        'review_id', review_id, 'review_name', review_name, 'resource', resource,
        'reviewer', reviewer, 'reviewed_at', reviewed_at, 'last_activity', last_activity,
        'last_activity_event', last_activity_event, 'days_silent', days_silent,
        'dormant_days', dormant_days, 'logs_start', logs_start, 'created_at', created_at,
        'review_file', source_file, 'review_line', source_line, 'identity_in_logs', lake_uid
    ) AS evidence,
    coalesce(last_activity, logs_start, reviewed_at) AS first_seen,
    reviewed_at AS last_seen
FROM judged
