-- rule: long-lived-credential
-- title: Long-lived credential
-- ## What it finds
-- Active long-lived credentials whose lifetime exceeds `max_credential_age_days`
-- (default 365): created with an expiry further out than that, or created that long
-- before as_of without an expiry.
-- ## Why it matters
-- Secrets that never expire accumulate in code, CI variables and laptops; the longer they
-- live, the more likely one leaks.
-- ## How it decides
-- From the `credentials` view, only where the logs show the creation (age cannot be known
-- otherwise), status active, kind long-lived (users' OAuth grants, kind `oauth-grant`, are
-- ended by revoking them, not by an expiry). The subject is named by the name the logs give
-- the credential (a token's name), else by its id, with its owner.
-- ## What to do
-- Replace it with a credential that expires, and cap the lifetime of new ones.
-- ## Frameworks
-- OWASP NHI7 (Long-Lived Secrets), NIST CSF 2.0 PR.AA-01, ISO 27001:2022 A.5.17, SOC 2 CC6.1
SELECT
    'long-lived-credential' AS rule_id,
    'medium' AS severity,
    'confirmed' AS verdict,
    k.provider,
    k.tenant,
    k.credential_uid AS subject_uid,
    concat(coalesce(k.credential_name, k.credential_uid),
           CASE WHEN k.owner_uid IS NOT NULL THEN concat(' (', coalesce(k.owner_name, k.owner_uid), ')') ELSE '' END) AS subject_name,
    'credential' AS subject_type,
    -- expires_at may be 9999-12-31 (GCP keys that never expire): format it as a date, since
    -- to_char on a timestamp goes through nanoseconds and fails beyond the year 2262.
    CASE WHEN k.expires_at IS NOT NULL THEN
        concat('Credential ', CASE WHEN k.credential_name IS NOT NULL AND k.credential_name <> k.credential_uid
                THEN concat(k.credential_name, ' (', k.credential_uid, ')') ELSE k.credential_uid END, ' was issued on ', to_char(k.created_at, '%Y-%m-%d'),
               ' valid until ', to_char(CAST(k.expires_at AS DATE), '%Y-%m-%d'), ': issue shorter-lived credentials.')
    ELSE
        concat('Credential ', CASE WHEN k.credential_name IS NOT NULL AND k.credential_name <> k.credential_uid
                THEN concat(k.credential_name, ' (', k.credential_uid, ')') ELSE k.credential_uid END, ' was created on ', to_char(k.created_at, '%Y-%m-%d'),
               ' and has no expiry: rotate it and set one.')
    END AS summary,
    json_object('owner_uid', k.owner_uid, 'created_at', k.created_at, 'created_event', k.created_event,
                'expires_at', k.expires_at, 'last_used', k.last_used,
                'max_credential_age_days', p.max_credential_age_days) AS evidence,
    k.created_at AS first_seen,
    coalesce(k.last_used, k.created_at) AS last_seen
FROM credentials k
CROSS JOIN params p
WHERE k.credential_kind = 'long-lived' AND k.status = 'active' AND k.created_at IS NOT NULL
  AND (
      (k.expires_at IS NOT NULL
       AND CAST(k.expires_at AS BIGINT) - CAST(k.created_at AS BIGINT) > p.max_credential_age_days * 86400000000)
      OR (k.expires_at IS NULL
       AND CAST(p.as_of AS BIGINT) - CAST(k.created_at AS BIGINT) > p.max_credential_age_days * 86400000000)
  )
