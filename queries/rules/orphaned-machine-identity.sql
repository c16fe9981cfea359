-- rule: orphaned-machine-identity
-- title: Orphaned machine identity
-- ## What it finds
-- Active machine identities whose creator has since been deleted or disabled.
-- ## Why it matters
-- When the person who created a service account leaves, nobody owns it any more: nobody
-- rotates its keys, reviews its permissions or notices its misuse.
-- ## How it decides
-- From the `identities` view: a machine identity with status active whose `created_by`
-- is itself an identity with status deleted or disabled. Only creations inside the
-- evidence window can be judged.
-- ## What to do
-- Give it a new owner who reviews its permissions and keys, or disable it.
-- ## Frameworks
-- OWASP NHI1 (Improper Offboarding), NIST CSF 2.0 PR.AA-01, ISO 27001:2022 A.5.16, SOC 2 CC6.2
SELECT
    'orphaned-machine-identity' AS rule_id,
    'medium' AS severity,
    'confirmed' AS verdict,
    m.provider,
    m.tenant,
    m.identity_uid AS subject_uid,
    coalesce(m.identity_name, m.identity_uid) AS subject_name,
    'machine_identity' AS subject_type,
    concat('Machine identity ', coalesce(m.identity_name, m.identity_uid), ' was created by ',
           coalesce(c.identity_name, c.identity_uid), ', who is ', c.status,
           ' since ', to_char(coalesce(c.deleted_at, c.disabled_at), '%Y-%m-%d'), ': assign an owner or remove it.') AS summary,
    json_object('created_at', m.created_at, 'created_event', m.created_event, 'creator_uid', c.identity_uid,
                'creator_name', c.identity_name, 'creator_status', c.status,
                'creator_deleted_at', c.deleted_at, 'creator_disabled_at', c.disabled_at,
                'last_activity', m.last_activity) AS evidence,
    m.created_at AS first_seen,
    coalesce(m.last_activity, m.created_at) AS last_seen
FROM identities m
JOIN identities c
  ON m.provider = c.provider AND m.tenant = c.tenant AND m.created_by = c.identity_uid
WHERE m.kind = 'machine' AND m.status = 'active' AND c.status IN ('deleted', 'disabled')
