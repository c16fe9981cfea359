-- rule: dormant-credential
-- title: Dormant credential
-- ## What it finds
-- Access keys, API tokens, client secrets and other long-lived credentials that are
-- still valid but have not been used for at least `dormant_days` (default 90) before
-- as_of, or were created that long ago and never used; each credential on its own, so
-- an identity with one live key and one dormant key is flagged for the dormant key.
-- ## Why it matters
-- A forgotten key is a standing way in: it still authenticates, and its use would not
-- be expected by anyone. Unused credentials should be revoked.
-- ## How it decides
-- From the `credentials` view: kind `long-lived` (AWS session keys are skipped), status
-- `active` (not revoked, not expired), owner not deleted or disabled, and not the owner
-- itself (an OAuth client whose id is its credential is judged as an identity). Confirmed when the
-- last use is at least `dormant_days` before as_of, or it was created that long ago and
-- never used; created less than `dormant_days` ago and never used is not dormant; no
-- creation and no use in a window shorter than `dormant_days` is indeterminate.
-- ## Frameworks
-- OWASP NHI1 (Improper Offboarding), OWASP NHI7 (Long-Lived Secrets),
-- NIST CSF 2.0 PR.AA-01, ISO 27001:2022 A.5.17, SOC 2 CC6.1
WITH candidates AS (
    SELECT k.*, c.first_event AS window_start, c.window_days, p.as_of, p.dormant_days,
           CASE
               WHEN k.last_used IS NOT NULL OR k.created_at IS NOT NULL THEN 'confirmed'
               WHEN c.window_days >= p.dormant_days THEN 'confirmed'
               ELSE 'indeterminate'
           END AS verdict,
           (CAST(p.as_of AS BIGINT) - CAST(coalesce(k.last_used, k.created_at, c.first_event) AS BIGINT))
               / 86400000000 AS days_silent
    FROM credentials k
    JOIN coverage c ON k.provider = c.provider AND k.tenant = c.tenant
    CROSS JOIN params p
    LEFT JOIN identities o
      ON k.provider = o.provider AND k.tenant = o.tenant AND k.owner_uid = o.identity_uid
    WHERE k.credential_kind = 'long-lived'
      AND k.status = 'active'
      AND coalesce(o.status, 'active') = 'active'
      -- A client that is its own credential (an OAuth client acting for itself) is
      -- judged as an identity by dormant-machine-identity, not twice.
      AND k.credential_uid <> coalesce(k.owner_uid, '')
      AND (k.last_used IS NULL OR k.last_used <= p.dormant_cutoff)
      AND NOT (k.last_used IS NULL AND k.created_at IS NOT NULL AND k.created_at > p.dormant_cutoff)
)
SELECT
    'dormant-credential' AS rule_id,
    'medium' AS severity,
    verdict,
    provider,
    tenant,
    credential_uid AS subject_uid,
    concat(credential_uid, CASE WHEN owner_name IS NOT NULL OR owner_uid IS NOT NULL
                                THEN concat(' (', coalesce(owner_name, owner_uid), ')') ELSE '' END) AS subject_name,
    'credential' AS subject_type,
    CASE
        WHEN verdict = 'indeterminate' THEN
            concat('Credential ', credential_uid, ' shows no use in the ', CAST(CAST(window_days AS BIGINT) AS VARCHAR),
                   '-day evidence window, shorter than ', CAST(dormant_days AS VARCHAR), ' days: export a longer window to decide.')
        WHEN last_used IS NULL AND created_at IS NOT NULL THEN
            concat('Credential ', credential_uid, ' of ', coalesce(owner_name, owner_uid, 'an unknown owner'),
                   ' was created on ', to_char(created_at, '%Y-%m-%d'), ' and never used: revoke it.')
        WHEN last_used IS NULL THEN
            concat('Credential ', credential_uid, ' shows no use in ', CAST(days_silent AS VARCHAR), ' days of logs: revoke it.')
        ELSE
            concat('Credential ', credential_uid, ' of ', coalesce(owner_name, owner_uid, 'an unknown owner'),
                   ' has not been used since ', to_char(last_used, '%Y-%m-%d'), ' (', CAST(days_silent AS VARCHAR),
                   ' days): revoke it.')
    END AS summary,
    json_object(
        'owner_uid', owner_uid, 'owner_name', owner_name, 'last_used', last_used,
        'last_used_event', last_used_event, 'uses', uses, 'created_at', created_at,
        'created_by', created_by, 'created_event', created_event, 'expires_at', expires_at,
        'days_silent', days_silent, 'dormant_days', dormant_days, 'window_start', window_start,
        'window_days', window_days, 'as_of', as_of
    ) AS evidence,
    coalesce(first_used, created_at, window_start) AS first_seen,
    coalesce(last_used, created_at, window_start) AS last_seen,
    make_array('OWASP NHI1', 'OWASP NHI7', 'NIST CSF 2.0 PR.AA-01', 'ISO 27001:2022 A.5.17', 'SOC 2 CC6.1') AS frameworks
FROM candidates
