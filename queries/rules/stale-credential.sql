-- rule: stale-credential
-- title: Stale credential (in use, not rotated)
-- ## What it finds
-- Long-lived credentials still in use whose creation (or last rotation) is more than
-- `rotation_days` (default 365; CIS AWS asks for 90) before as_of.
-- ## Why it matters
-- A key that is used every day but never rotated is the one whose leak goes unnoticed:
-- rotation bounds how long a stolen copy works.
-- ## How it decides
-- From the `credentials` view: active, long-lived, used within `dormant_days` before
-- as_of (so not dormant), and created or rotated on or before as_of minus
-- `rotation_days` as shown by the logs. Credentials created before the evidence window
-- are not judged: their age is unknown. Users' OAuth grants (kind `oauth-grant`) are not
-- rotated and not judged. The subject is named by the name the logs give the credential,
-- else by its id, with its owner.
-- ## What to do
-- Rotate it: issue a new credential, move its users over, revoke the old one.
-- ## Frameworks
-- OWASP NHI7 (Long-Lived Secrets), NIST CSF 2.0 PR.AA-01, ISO 27001:2022 A.5.17, SOC 2 CC6.1
SELECT
    'stale-credential' AS rule_id,
    'low' AS severity,
    'confirmed' AS verdict,
    k.provider,
    k.tenant,
    k.credential_uid AS subject_uid,
    concat(coalesce(k.credential_name, k.credential_uid),
           CASE WHEN k.owner_uid IS NOT NULL THEN concat(' (', coalesce(k.owner_name, k.owner_uid), ')') ELSE '' END) AS subject_name,
    'credential' AS subject_type,
    concat('Credential ', CASE WHEN k.credential_name IS NOT NULL AND k.credential_name <> k.credential_uid
                THEN concat(k.credential_name, ' (', k.credential_uid, ')') ELSE k.credential_uid END, ' is in use but was last issued on ',
           to_char(coalesce(k.rotated_at, k.created_at), '%Y-%m-%d'), ': rotate it.') AS summary,
    json_object('owner_uid', k.owner_uid, 'created_at', k.created_at, 'rotated_at', k.rotated_at,
                'last_used', k.last_used, 'last_used_event', k.last_used_event,
                'rotation_days', p.rotation_days) AS evidence,
    k.created_at AS first_seen,
    k.last_used AS last_seen
FROM credentials k
CROSS JOIN params p
WHERE k.credential_kind = 'long-lived' AND k.status = 'active' AND k.created_at IS NOT NULL
  AND k.last_used > p.dormant_cutoff
  AND coalesce(k.rotated_at, k.created_at) <= p.rotation_cutoff
