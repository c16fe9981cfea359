-- rule: dormant-credential
-- title: Dormant credential
-- ## What it finds
-- Access keys, API tokens, client secrets, users' OAuth grants and other long-lived
-- credentials that are still valid but have not been used for at least `dormant_days`
-- (default 90) before as_of, or were created that long ago and never used; each
-- credential on its own, so an identity with one live key and one dormant key is flagged
-- for the dormant key, and one user's idle grant to an OAuth client is flagged without
-- the other users' grants of that client.
-- ## Why it matters
-- A forgotten key is a standing way in: it still authenticates, and its use would not
-- be expected by anyone. Unused credentials should be revoked.
-- ## How it decides
-- From the `credentials` view: kind `long-lived` or `oauth-grant` (AWS session keys are
-- skipped), status `active` (not revoked since its latest creation or use, not expired), owner
-- not deleted or disabled, and not the owner itself (an OAuth client whose id is its
-- credential is judged as an identity). A revoke ends the credential it names: for a
-- Google Workspace grant, the one user's grant to that client (`token` `revoke` by that
-- user); a revoke followed by a use or a new creation does not. Confirmed when both its
-- last use and its latest creation (or authorization) are at least `dormant_days` before
-- as_of, or when neither is in the logs and the evidence window is that long; created or
-- authorized less than `dormant_days` ago and not used since is not dormant (grace
-- period); no creation and no use in a window shorter than `dormant_days` is
-- indeterminate. The subject is named by the name the logs give the credential (a token's
-- name) with its owner, else by its id with its owner; a user's OAuth grant by its app's
-- name (`app_name`), the user in the summary and evidence.
-- ## What to do
-- Revoke the credential; disable it first if nobody can say who uses it.
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
           -- Silent since its last use, or since its latest creation when that is later.
           greatest(k.last_used, k.last_created_at) AS silent_since,
           (CAST(p.as_of AS BIGINT) - CAST(coalesce(greatest(k.last_used, k.last_created_at), c.first_event) AS BIGINT))
               / 86400000000 AS days_silent,
           CASE WHEN k.credential_name IS NOT NULL AND k.credential_name <> k.credential_uid
                THEN concat(k.credential_name, ' (', k.credential_uid, ')')
                ELSE k.credential_uid END AS label,
           coalesce(k.owner_name, k.owner_uid) AS owner
    FROM credentials k
    JOIN coverage c ON k.provider = c.provider AND k.tenant = c.tenant
    CROSS JOIN params p
    LEFT JOIN identities o
      ON k.provider = o.provider AND k.tenant = o.tenant AND k.owner_uid = o.identity_uid
    WHERE k.credential_kind IN ('long-lived', 'oauth-grant')
      AND k.status = 'active'
      AND coalesce(o.status, 'active') = 'active'
      -- A client that is its own credential (an OAuth client acting for itself) is
      -- judged as an identity by dormant-machine-identity, not twice.
      AND k.credential_uid <> coalesce(k.owner_uid, '')
      AND (k.last_used IS NULL OR k.last_used <= p.dormant_cutoff)
      AND NOT (k.last_created_at IS NOT NULL AND k.last_created_at > p.dormant_cutoff)
)
SELECT
    'dormant-credential' AS rule_id,
    'medium' AS severity,
    verdict,
    provider,
    tenant,
    CASE WHEN granted_to IS NOT NULL THEN concat(granted_to, ' / ', credential_uid) ELSE credential_uid END AS subject_uid,
    -- A grant is known by its app; any other credential by its name or id, with its owner.
    CASE WHEN granted_to IS NOT NULL THEN coalesce(credential_name, credential_uid)
         ELSE concat(coalesce(credential_name, credential_uid),
                     CASE WHEN owner IS NOT NULL THEN concat(' (', owner, ')') ELSE '' END)
    END AS subject_name,
    'credential' AS subject_type,
    CASE
        WHEN verdict = 'indeterminate' THEN
            concat('Credential ', label, ' shows no use in the ', CAST(CAST(window_days AS BIGINT) AS VARCHAR),
                   '-day evidence window, shorter than ', CAST(dormant_days AS VARCHAR), ' days: export a longer window to decide.')
        WHEN granted_to IS NOT NULL AND (last_used IS NULL OR last_used < last_created_at) THEN
            concat('OAuth grant of ', label, ' to ', coalesce(owner, granted_to), ' was authorized on ',
                   to_char(last_created_at, '%Y-%m-%d'),
                   CASE WHEN last_used IS NULL THEN ' and never used' ELSE ' and not used since' END, ': revoke it.')
        WHEN granted_to IS NOT NULL THEN
            concat('OAuth grant of ', label, ' to ', coalesce(owner, granted_to), ' has not been used since ',
                   to_char(last_used, '%Y-%m-%d'), ' (', CAST(days_silent AS VARCHAR), ' days): revoke it.')
        WHEN last_created_at IS NOT NULL AND (last_used IS NULL OR last_used < last_created_at) THEN
            concat('Credential ', label, ' of ', coalesce(owner, 'an unknown owner'),
                   ' was created on ', to_char(last_created_at, '%Y-%m-%d'),
                   CASE WHEN last_used IS NULL THEN ' and never used' ELSE ' and not used since' END, ': revoke it.')
        WHEN last_used IS NULL THEN
            concat('Credential ', label, ' shows no use in ', CAST(days_silent AS VARCHAR), ' days of logs: revoke it.')
        ELSE
            concat('Credential ', label, ' of ', coalesce(owner, 'an unknown owner'),
                   ' has not been used since ', to_char(last_used, '%Y-%m-%d'), ' (', CAST(days_silent AS VARCHAR),
                   ' days): revoke it.')
    END AS summary,
    json_object(
        'credential_uid', credential_uid, 'credential_name', credential_name, 'credential_kind', credential_kind,
        'granted_to', granted_to,
        'owner_uid', owner_uid, 'owner_name', owner_name, 'last_used', last_used,
        'last_used_event', last_used_event, 'uses', uses, 'created_at', last_created_at,
        'first_created_at', created_at,
        'created_by', created_by, 'created_event', last_created_event, 'expires_at', expires_at,
        'revoked_at', revoked_at,
        'days_silent', days_silent, 'dormant_days', dormant_days, 'window_start', window_start,
        'window_days', window_days, 'as_of', as_of
    ) AS evidence,
    coalesce(first_used, created_at, window_start) AS first_seen,
    coalesce(silent_since, window_start) AS last_seen
FROM candidates
