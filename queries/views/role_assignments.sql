-- role_assignments: one row per holder and role, from grant and revoke events.
--
-- `active` means granted and not revoked since the last grant (grant, revoke, re-grant
-- is active). `admin` and `privileged` come from the reference table `admin_roles`
-- (queries/reference/admin_roles.csv: provider, LIKE pattern matched case-insensitively,
-- level `super` for privileged roles or `admin` for delegated admin roles). Other grants
-- (plain permissions, group memberships) are listed with both false.
-- Okta lists several roles in one `privilegeGranted` value: they are split.
-- Only events up to as_of are evidence (as_of is the end of the evidence, DESIGN section 5).
WITH changes AS (
    SELECT provider, tenant, target_uid AS holder_uid, target_name AS holder_name,
           target_is_machine AS holder_is_machine,
           unnest(CASE WHEN provider = 'okta' THEN string_to_array(privilege, ', ')
                       ELSE make_array(privilege) END) AS role,
           privilege_scope AS scope, action, time, actor_uid, actor_name, event_uid
    FROM events
    WHERE action IN ('role.grant', 'role.revoke') AND target_uid IS NOT NULL
      AND privilege IS NOT NULL AND outcome <> 'failure' AND time <= (SELECT as_of FROM params)
),
per AS (
    SELECT provider, tenant, holder_uid, trim(role) AS role,
           last_value(holder_name ORDER BY time) AS holder_name,
           bool_or(holder_is_machine) AS holder_is_machine,
           min(time) FILTER (WHERE action = 'role.grant') AS first_granted_at,
           max(time) FILTER (WHERE action = 'role.grant') AS granted_at,
           max(time) FILTER (WHERE action = 'role.revoke') AS revoked_at,
           last_value(actor_uid ORDER BY time) FILTER (WHERE action = 'role.grant') AS granted_by,
           last_value(actor_name ORDER BY time) FILTER (WHERE action = 'role.grant') AS granted_by_name,
           last_value(event_uid ORDER BY time) FILTER (WHERE action = 'role.grant') AS grant_event,
           last_value(event_uid ORDER BY time) FILTER (WHERE action = 'role.revoke') AS revoke_event,
           last_value(scope ORDER BY time) FILTER (WHERE action = 'role.grant') AS scope,
           count(*) FILTER (WHERE action = 'role.grant') AS grants,
           count(*) FILTER (WHERE action = 'role.revoke') AS revokes
    FROM changes
    GROUP BY provider, tenant, holder_uid, trim(role)
),
levels AS (
    SELECT p.provider, p.tenant, p.holder_uid, p.role,
           bool_or(r.level = 'super') AS privileged
    FROM per p
    JOIN admin_roles r
      ON p.provider = r.provider AND lower(p.role) LIKE lower(r.role_pattern)
    GROUP BY p.provider, p.tenant, p.holder_uid, p.role
)
SELECT
    per.provider, per.tenant, per.holder_uid, per.holder_name,
    coalesce(per.holder_is_machine, false) AS holder_is_machine,
    per.role, per.scope,
    per.first_granted_at, per.granted_at, per.granted_by, per.granted_by_name, per.grant_event,
    per.revoked_at, per.revoke_event, per.grants, per.revokes,
    per.granted_at IS NOT NULL AND (per.revoked_at IS NULL OR per.revoked_at < per.granted_at) AS active,
    pr.role IS NOT NULL AS admin,
    coalesce(pr.privileged, false) AS privileged
FROM per
LEFT JOIN levels pr
  ON per.provider = pr.provider AND per.tenant = pr.tenant AND per.holder_uid = pr.holder_uid
 AND per.role = pr.role
