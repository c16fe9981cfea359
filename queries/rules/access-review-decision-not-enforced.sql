-- rule: access-review-decision-not-enforced
-- title: Access review decision not carried out
-- ## What it finds
-- Revoke (deny) decisions of an access review that the logs show were not carried out:
-- the reviewed role is still held, or the reviewed account (or credential) is still used,
-- after the decision plus `review_grace_days` (default 14).
-- ## Why it matters
-- A review whose decisions are not enforced is paperwork: auditors test that revocations
-- happened (SOC 2 CC6.2, ISO 27001 A.5.18). Unremoved access after a deny decision is
-- exactly the access someone decided nobody should have.
-- ## How it decides
-- For each `revoke` row of `review_items`, the decision time is when it was applied, else
-- when it was decided, else the review's end; the deadline is that plus
-- `review_grace_days`. Decisions whose deadline is after as_of are not judged yet.
-- Confirmed when the reviewed resource names a role (`role_assignments`: by uid or name,
-- or by the last segment of an ARN or path, case-insensitively, so a review's
-- `AdministratorAccess` is the logs' `arn:aws:iam::aws:policy/AdministratorAccess`)
-- that the identity still holds at as_of (its last grant is later than its last revoke:
-- never revoked, or granted again), or when the decision
-- is about the whole account (no resource, or the resource is the identity or one of its
-- credentials) and the identity or credential acted after the deadline. No finding when
-- the logs show the role revoked (and not granted again), or the account disabled or
-- deleted, and no use after the deadline. Otherwise indeterminate: the logs show neither removal nor use (or
-- do not know the identity at all), so the review's own apply status is the only evidence.
-- ## What to do
-- Carry out the revoke now, and find out why the decision did not reach the provider.
-- ## Frameworks
-- SOC 2 CC6.2, SOC 2 CC6.3, ISO 27001:2022 A.5.18, NIST CSF 2.0 PR.AA-05
WITH revoked AS (
    SELECT r.review_uid, r.provider, coalesce(r.lake_tenant, r.tenant) AS tenant, r.review_id,
           r.review_name, r.identity_uid, r.identity_name, r.identity_type, r.resource,
           r.resource_uid, r.reviewer, r.reviewed_at, r.applied_at, r.applied_result,
           r.source_file, r.source_line, r.lake_uid, r.lake_name, r.lake_kind, r.lake_status,
           coalesce(r.applied_at, r.reviewed_at, a.period_end) AS decided_at,
           arrow_cast(CAST(coalesce(r.applied_at, r.reviewed_at, a.period_end) AS BIGINT)
                      + p.review_grace_days * 86400000000, 'Timestamp(Microsecond, Some("UTC"))') AS deadline,
           p.as_of, p.review_grace_days,
           r.resource IS NULL OR lower(r.resource) IN (lower(r.identity_uid), lower(r.identity_name),
                                                       lower(r.lake_uid), lower(r.lake_name))
               AS account_level
    FROM review_items r
    JOIN access_reviews a
      ON a.provider = r.provider AND a.review_id = r.review_id
     AND (a.tenant IS NULL AND r.tenant IS NULL OR a.tenant = r.tenant)
    CROSS JOIN params p
    WHERE r.decision = 'revoke'
),
due AS (
    SELECT * FROM revoked WHERE deadline IS NOT NULL AND deadline <= as_of
),
roles AS (
    -- `active`: the last grant is later than the last revoke, as of as_of.
    SELECT d.review_uid,
           bool_or(ra.active) AS still_held,
           bool_or(NOT ra.active) AS removed,
           max(ra.grant_event) AS grant_event,
           max(ra.revoke_event) AS revoke_event
    FROM due d
    JOIN role_assignments ra
      ON ra.provider = d.provider AND ra.tenant = d.tenant AND ra.holder_uid = d.lake_uid
     -- By uid or name, or by the last segment of an ARN or path (`AdministratorAccess` is
     -- `arn:aws:iam::aws:policy/AdministratorAccess`, `owner` is `roles/owner`).
     AND (lower(ra.role) IN (lower(d.resource), lower(d.resource_uid))
          OR lower(regexp_replace(ra.role, '^.*[/:]', '')) IN (lower(regexp_replace(d.resource, '^.*[/:]', '')),
                                                                lower(regexp_replace(d.resource_uid, '^.*[/:]', ''))))
    GROUP BY d.review_uid
),
use_events AS (
    SELECT d.review_uid, e.time, e.event_uid
    FROM due d
    JOIN events e
      ON e.provider = d.provider AND e.tenant = d.tenant AND e.actor_uid = d.lake_uid
    WHERE d.account_level AND e.time > d.deadline AND e.time <= d.as_of AND e.outcome <> 'failure'
    UNION ALL
    SELECT d.review_uid, e.time, e.event_uid
    FROM due d
    JOIN events e
      ON e.provider = d.provider AND e.tenant = d.tenant AND e.credential_uid = d.resource
    WHERE e.time > d.deadline AND e.time <= d.as_of AND e.outcome <> 'failure'
),
use_after AS (
    SELECT review_uid, count(*) AS uses_after, min(time) AS first_use_after,
           max(time) AS last_use_after, last_value(event_uid ORDER BY time) AS last_use_event
    FROM use_events
    GROUP BY review_uid
),
judged AS (
    SELECT d.*, ro.still_held, ro.removed AS role_removed, ro.grant_event, ro.revoke_event,
           coalesce(u.uses_after, 0) AS uses_after, u.first_use_after, u.last_use_after, u.last_use_event,
           d.lake_status IN ('disabled', 'deleted') AS account_removed,
           CASE
               WHEN coalesce(ro.still_held, false) THEN 'role still held'
               WHEN coalesce(u.uses_after, 0) > 0 THEN 'still used'
               WHEN coalesce(ro.removed, false) THEN 'enforced'
               WHEN d.account_level AND d.lake_status IN ('disabled', 'deleted') THEN 'enforced'
               ELSE 'no evidence'
           END AS outcome
    FROM due d
    LEFT JOIN roles ro ON ro.review_uid = d.review_uid
    LEFT JOIN use_after u ON u.review_uid = d.review_uid
)
SELECT
    'access-review-decision-not-enforced' AS rule_id,
    CASE WHEN outcome = 'no evidence' THEN 'low' ELSE 'high' END AS severity,
    CASE WHEN outcome = 'no evidence' THEN 'indeterminate' ELSE 'confirmed' END AS verdict,
    provider,
    tenant,
    concat(coalesce(lake_uid, identity_uid, identity_name), ' / ', coalesce(resource, 'account'), ' / ', review_id) AS subject_uid,
    coalesce(lake_name, identity_name, identity_uid) AS subject_name,
    CASE WHEN lake_kind = 'machine' OR identity_type = 'machine' THEN 'machine_identity' ELSE 'human_identity' END AS subject_type,
    concat(
        'Review ', coalesce(review_name, review_id), ' decided to revoke ',
        coalesce(resource, 'the account'), ' of ', coalesce(lake_name, identity_name, identity_uid),
        ' on ', to_char(decided_at, '%Y-%m-%d'),
        CASE outcome
            WHEN 'role still held' THEN ', but the role is still held: no revoke is in the logs.'
            WHEN 'still used' THEN concat(', but it was used ', CAST(uses_after AS VARCHAR),
                                          ' times after the ', CAST(review_grace_days AS VARCHAR),
                                          '-day grace period, last on ', to_char(last_use_after, '%Y-%m-%d'), '.')
            ELSE CASE WHEN lake_uid IS NULL
                      THEN ': the logs do not know this identity, so they cannot show the removal.'
                      ELSE ': the logs show neither the removal nor later use; check the review''s apply status.' END
        END
    ) AS summary,
    json_object(
        'review_id', review_id, 'review_name', review_name, 'resource', resource,
        'resource_uid', resource_uid, 'reviewer', reviewer, 'reviewed_at', reviewed_at,
        'applied_at', applied_at, 'applied_result', applied_result, 'decided_at', decided_at,
        'deadline', deadline, 'grace_days', review_grace_days, 'outcome', outcome,
        'role_still_held', still_held, 'role_removed', role_removed, 'grant_event', grant_event,
        'account_status', lake_status, 'uses_after_deadline', uses_after,
        'first_use_after', first_use_after, 'last_use_after', last_use_after,
        'last_use_event', last_use_event, 'review_file', source_file, 'review_line', source_line,
        'identity_in_logs', lake_uid
    ) AS evidence,
    decided_at AS first_seen,
    coalesce(last_use_after, as_of) AS last_seen
FROM judged
WHERE outcome <> 'enforced'
