-- rule: dormant-machine-identity
-- title: Dormant machine identity
-- ## What it finds
-- Service accounts, service principals, OAuth apps, bots and other machine identities
-- that are still enabled but have done nothing for at least `dormant_days` (default 90)
-- before as_of, or were created that long ago and never used.
-- ## Why it matters
-- An unused machine identity keeps its keys and permissions: nobody notices when it is
-- abused, and nobody misses it when it is removed. Offboarding machine identities is the
-- first item of the OWASP Non-Human Identities Top 10.
-- ## How it decides
-- From the `identities` view: kind `machine`, status `active` (not disabled or deleted).
-- Confirmed when its last activity is at least `dormant_days` before as_of, or it was
-- created at least that long ago and never used. Created less than `dormant_days` ago and
-- never used: not dormant (grace period). No activity and no creation in an evidence
-- window shorter than `dormant_days`: indeterminate (the export cannot show it). Severity
-- is high when the identity still holds an admin role, else medium. The subject is named by
-- the most recent name any event gives it (`identities.identity_name`), else by its uid.
-- ## What to do
-- Confirm that nothing depends on it, then disable it and revoke its keys.
-- ## Frameworks
-- OWASP NHI1 (Improper Offboarding), NIST CSF 2.0 PR.AA-01, ISO 27001:2022 A.5.18,
-- SOC 2 CC6.2
WITH held AS (
    SELECT provider, tenant, holder_uid, array_sort(array_agg(role)) AS roles
    FROM role_assignments WHERE active AND admin
    GROUP BY provider, tenant, holder_uid
),
candidates AS (
    SELECT i.*, c.first_event AS window_start, c.window_days, h.roles,
           p.as_of, p.dormant_days, p.dormant_cutoff,
           CASE
               WHEN i.last_activity IS NOT NULL OR i.created_at IS NOT NULL THEN 'confirmed'
               WHEN c.window_days >= p.dormant_days THEN 'confirmed'
               ELSE 'indeterminate'
           END AS verdict,
           (CAST(p.as_of AS BIGINT) - CAST(coalesce(i.last_activity, i.created_at, c.first_event) AS BIGINT))
               / 86400000000 AS days_silent
    FROM identities i
    JOIN coverage c ON i.provider = c.provider AND i.tenant = c.tenant
    CROSS JOIN params p
    LEFT JOIN held h ON i.provider = h.provider AND i.tenant = h.tenant AND i.identity_uid = h.holder_uid
    WHERE i.kind = 'machine'
      AND i.status = 'active'
      AND (i.last_activity IS NULL OR i.last_activity <= p.dormant_cutoff)
      AND NOT (i.last_activity IS NULL AND i.created_at IS NOT NULL AND i.created_at > p.dormant_cutoff)
)
SELECT
    'dormant-machine-identity' AS rule_id,
    CASE WHEN roles IS NOT NULL THEN 'high' ELSE 'medium' END AS severity,
    verdict,
    provider,
    tenant,
    identity_uid AS subject_uid,
    coalesce(identity_name, identity_uid) AS subject_name,
    'machine_identity' AS subject_type,
    CASE
        WHEN verdict = 'indeterminate' THEN
            concat('Machine identity ', coalesce(identity_name, identity_uid), ' shows no activity in the ',
                   CAST(CAST(window_days AS BIGINT) AS VARCHAR), '-day evidence window, shorter than ',
                   CAST(dormant_days AS VARCHAR), ' days: export a longer window to decide.')
        WHEN last_activity IS NULL AND created_at IS NOT NULL THEN
            concat('Machine identity ', coalesce(identity_name, identity_uid), ' was created on ',
                   to_char(created_at, '%Y-%m-%d'), ' and never used: remove it.')
        WHEN last_activity IS NULL THEN
            concat('Machine identity ', coalesce(identity_name, identity_uid), ' shows no activity in ',
                   CAST(days_silent AS VARCHAR), ' days of logs: disable or remove it.')
        ELSE
            concat('Machine identity ', coalesce(identity_name, identity_uid), ' has not been used since ',
                   to_char(last_activity, '%Y-%m-%d'), ' (', CAST(days_silent AS VARCHAR),
                   ' days): disable or remove it.')
    END AS summary,
    json_object(
        'last_activity', last_activity, 'last_activity_event', last_activity_event,
        'activity_events', activity_events, 'created_at', created_at, 'created_by', created_by,
        'created_event', created_event, 'days_silent', days_silent, 'dormant_days', dormant_days,
        'window_start', window_start, 'window_days', window_days, 'as_of', as_of,
        'admin_roles_held', roles
    ) AS evidence,
    coalesce(first_activity, created_at, window_start) AS first_seen,
    coalesce(last_activity, created_at, window_start) AS last_seen
FROM candidates
