-- rule: overbroad-delegated-admin
-- title: Over-broad delegated admin
-- ## What it finds
-- Identities that hold an admin role as of as_of (granted and not revoked since) where
-- the logs show at least one reason for concern: the role is privileged (super, global,
-- owner: `admin_roles` reference table, level super); the holder is a machine identity; the
-- grant was self-granted; the grantor was a delegated (non-privileged) admin granting a
-- privileged role broader than its own; the role was never exercised in `dormant_days`
-- after the grant; the tenant has more privileged-role holders than `max_super_admins`.
-- ## Why it matters
-- Standing privileged access is what an attacker wants most. Delegated administration is
-- only safe when each admin is scoped, used, and granted by someone entitled to grant it.
-- ## How it decides
-- From the `role_assignments` view (active admin assignments only: roles matched by the
-- `admin_roles` reference table; plain permission grants are not admin roles), the grantor's own
-- assignments at the time of the grant, and the holder's activity in the `dormant_days`
-- after the grant. A role is exercised when the holder, after the grant, acts on admin
-- resources (a successful admin, policy, lifecycle, governance or token event other than
-- using a credential: Okta `user.account.privilege.grant`, Entra `Add member to role`,
-- Workspace settings changes, GitHub branch protection, AWS IAM calls) or on another
-- identity (a successful event whose target is a different user, service, app, group, role,
-- policy or credential: Okta `user.account.reset_password` of another person, Workspace
-- `CHANGE_USER_ORGANIZATION`). Signing in and using a credential are not exercise. "Never
-- exercised" is given only when the grant is at least `dormant_days` old and the holder did
-- none of that. AWS policies and Google Cloud IAM roles grant permissions on resources, and
-- neither CloudTrail nor Cloud Audit Logs say which policy or binding allowed a call: a
-- holder who made other calls after the grant may have used the role, so the evidence says
-- `exercise: not determinable` (with `exercise_note`) and "never exercised" is not given;
-- only a holder who made no call at all never exercised it. Every reason that applies is
-- listed in `evidence`.
-- Critical when a privileged role is held by a machine identity, self-granted, or
-- granted by a delegated admin; high for other privileged roles; medium otherwise.
-- ## What to do
-- Remove the role, or replace it with a scoped one held by a named person who uses it.
-- ## Frameworks
-- OWASP NHI5 (Overprivileged NHI), NIST CSF 2.0 PR.AA-05, ISO 27001:2022 A.8.2,
-- ISO 27001:2022 A.5.15, SOC 2 CC6.3
WITH active AS (
    SELECT * FROM role_assignments WHERE active AND admin
),
tenant_priv AS (
    SELECT provider, tenant, count(DISTINCT holder_uid) AS privileged_holders
    FROM active WHERE privileged
    GROUP BY provider, tenant
),
grantor AS (
    -- What the grantor held when it granted (held at T: granted by T, not revoked by T).
    SELECT a.provider, a.tenant, a.holder_uid, a.role,
           count(g.role) AS grantor_roles,
           bool_or(g.privileged) AS grantor_privileged,
           array_sort(array_agg(g.role)) AS grantor_role_names
    FROM active a
    JOIN role_assignments g
      ON a.provider = g.provider AND a.tenant = g.tenant AND a.granted_by = g.holder_uid
     AND g.first_granted_at <= a.granted_at
     AND (g.active OR g.revoked_at > a.granted_at)
     AND g.admin
     AND NOT (g.holder_uid = a.holder_uid AND g.role = a.role)
    GROUP BY a.provider, a.tenant, a.holder_uid, a.role
),
exercised AS (
    -- The holder's successful events in the `dormant_days` after the grant. Exercise: acting
    -- on admin resources (admin, policy, lifecycle, governance, or token events other than
    -- using a credential) or on another identity (the target is a different user, service,
    -- app, group, role, policy or credential). Signing in and using a credential are not.
    -- Other calls (reading a bucket, starting an instance) are counted apart.
    SELECT a.provider, a.tenant, a.holder_uid, a.role,
           count(e.event_uid) FILTER (WHERE e.admin_like) AS admin_actions,
           count(e.event_uid) FILTER (WHERE NOT e.admin_like) AS other_calls
    FROM active a
    CROSS JOIN params p
    JOIN (
        SELECT provider, tenant, actor_uid, time, event_uid,
               category IN ('admin', 'policy', 'lifecycle', 'governance', 'token')
               OR (target_uid IS NOT NULL AND target_uid <> actor_uid
                   AND target_type IN ('user', 'service', 'app', 'group', 'role', 'policy', 'credential'))
                   AS admin_like
        FROM events
        WHERE actor_uid IS NOT NULL AND outcome <> 'failure'
          AND action NOT IN ('login', 'credential.use') AND category <> 'authentication'
    ) e
      ON e.provider = a.provider AND e.tenant = a.tenant AND e.actor_uid = a.holder_uid
     AND e.time >= a.granted_at AND e.time <= p.as_of
     AND CAST(e.time AS BIGINT) <= CAST(a.granted_at AS BIGINT) + p.dormant_days * 86400000000
    GROUP BY a.provider, a.tenant, a.holder_uid, a.role
),
judged AS (
    SELECT a.*, t.privileged_holders, g.grantor_role_names, coalesce(x.admin_actions, 0) AS admin_actions,
           coalesce(x.other_calls, 0) AS other_calls,
           p.as_of, p.max_super_admins, p.dormant_days,
           -- AWS policies and Google Cloud IAM roles grant permissions on resources, and the
           -- logs do not say which policy or binding allowed a call: other calls may or may
           -- not have used this role.
           CASE
               WHEN coalesce(x.admin_actions, 0) > 0 THEN 'exercised'
               WHEN a.provider IN ('aws_cloudtrail', 'gcp_audit') AND coalesce(x.other_calls, 0) > 0 THEN 'not determinable'
               ELSE 'never'
           END AS exercise,
           a.privileged AND a.holder_is_machine AS machine_privileged,
           a.granted_by = a.holder_uid AS self_granted,
           a.privileged AND coalesce(g.grantor_roles, 0) > 0 AND NOT coalesce(g.grantor_privileged, false) AS delegated_grantor,
           a.privileged AND coalesce(t.privileged_holders, 0) > p.max_super_admins AS over_max,
           p.dormant_cutoff
    FROM active a
    CROSS JOIN params p
    LEFT JOIN tenant_priv t ON a.provider = t.provider AND a.tenant = t.tenant
    LEFT JOIN grantor g ON a.provider = g.provider AND a.tenant = g.tenant AND a.holder_uid = g.holder_uid AND a.role = g.role
    LEFT JOIN exercised x ON a.provider = x.provider AND a.tenant = x.tenant AND a.holder_uid = x.holder_uid AND a.role = x.role
),
reasoned AS (
    SELECT *,
           concat_ws('; ',
               CASE WHEN privileged THEN 'privileged role' END,
               CASE WHEN holder_is_machine THEN 'held by a machine identity' END,
               CASE WHEN self_granted THEN 'self-granted' END,
               CASE WHEN delegated_grantor THEN 'granted by a delegated admin without that privilege' END,
               CASE WHEN granted_at <= dormant_cutoff AND exercise = 'never' THEN 'never exercised after the grant' END,
               CASE WHEN over_max THEN 'more privileged holders than max_super_admins' END
           ) AS reasons
    FROM judged
)
SELECT
    'overbroad-delegated-admin' AS rule_id,
    CASE
        WHEN privileged AND (holder_is_machine OR self_granted OR delegated_grantor) THEN 'critical'
        WHEN privileged THEN 'high'
        ELSE 'medium'
    END AS severity,
    'confirmed' AS verdict,
    provider,
    tenant,
    concat(holder_uid, ' / ', role) AS subject_uid,
    concat(coalesce(holder_name, holder_uid), ' / ', role) AS subject_name,
    'role_assignment' AS subject_type,
    concat(coalesce(holder_name, holder_uid), ' holds ', role, ' (', reasons, '): review and scope it down.') AS summary,
    json_object(
        'holder_uid', holder_uid, 'holder_name', holder_name, 'holder_is_machine', holder_is_machine,
        'role', role, 'scope', scope, 'privileged', privileged,
        'granted_at', granted_at, 'granted_by', granted_by, 'granted_by_name', granted_by_name,
        'grant_event', grant_event, 'first_granted_at', first_granted_at, 'grants', grants,
        'revokes', revokes, 'grantor_roles', grantor_role_names,
        'admin_actions_after_grant', admin_actions, 'other_calls_after_grant', other_calls,
        'exercise', exercise,
        'exercise_note', CASE
            WHEN exercise = 'not determinable' AND provider = 'aws_cloudtrail' THEN
                concat('CloudTrail does not record which policy allowed a call: ', CAST(other_calls AS VARCHAR),
                       CASE WHEN other_calls = 1 THEN ' call' ELSE ' calls' END,
                       ' after the grant may or may not have needed this role')
            WHEN exercise = 'not determinable' THEN
                concat('Cloud Audit Logs do not record which role binding allowed a call: ', CAST(other_calls AS VARCHAR),
                       CASE WHEN other_calls = 1 THEN ' call' ELSE ' calls' END,
                       ' after the grant may or may not have needed this role')
            END,
        'privileged_holders_in_tenant', privileged_holders,
        'max_super_admins', max_super_admins, 'reasons', string_to_array(reasons, '; ')
    ) AS evidence,
    first_granted_at AS first_seen,
    granted_at AS last_seen
FROM reasoned
WHERE reasons <> ''
