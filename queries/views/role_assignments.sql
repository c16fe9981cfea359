-- role_assignments: one row per holder and role, from grant and revoke events.
--
-- `active` means granted and not revoked since the last grant (grant, revoke, re-grant
-- is active). `admin` and `privileged` come from the reference table `admin_roles`
-- (src/providers/<name>/admin_roles.csv: provider, LIKE pattern matched case-insensitively,
-- level `super` for privileged roles or `admin` for delegated admin roles). Other grants
-- (plain permissions, group memberships) are listed with both false.
-- Okta lists several roles in one `privilegeGranted` value: they are split.
-- A `role.revoke` that names no privilege (GitHub `org.remove_member`: removal from the
-- organization) revokes every role the holder has in that tenant.
-- `holder_name` is the most recent non-empty name the grant and revoke events give the
-- holder, else its name in `identities`.
-- Only events up to as_of are evidence (as_of is the end of the evidence, docs/design.md section 5).
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
removals AS (
    -- Revokes that name no privilege end every role of the holder in the tenant.
    SELECT provider, tenant, target_uid AS holder_uid,
           max(time) AS removed_at,
           last_value(event_uid ORDER BY time) AS removal_event,
           count(*) AS removals
    FROM events
    WHERE action = 'role.revoke' AND target_uid IS NOT NULL AND privilege IS NULL
      AND outcome <> 'failure' AND time <= (SELECT as_of FROM params)
    GROUP BY provider, tenant, target_uid
),
per AS (
    SELECT provider, tenant, holder_uid, trim(role) AS role,
           last_value(holder_name ORDER BY time) FILTER (WHERE holder_name IS NOT NULL AND holder_name <> '') AS holder_name,
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
ended AS (
    -- The last revoke: of the role itself, or a removal that ended every role.
    SELECT per.*,
           CASE WHEN rm.removed_at IS NOT NULL AND (per.revoked_at IS NULL OR rm.removed_at > per.revoked_at)
                THEN rm.removed_at ELSE per.revoked_at END AS last_revoked_at,
           CASE WHEN rm.removed_at IS NOT NULL AND (per.revoked_at IS NULL OR rm.removed_at > per.revoked_at)
                THEN rm.removal_event ELSE per.revoke_event END AS last_revoke_event,
           per.revokes + coalesce(rm.removals, 0) AS all_revokes
    FROM per
    LEFT JOIN removals rm
      ON per.provider = rm.provider AND per.tenant = rm.tenant AND per.holder_uid = rm.holder_uid
)
-- admin and privileged from the admin_roles patterns the role matches (one pass over the
-- assignments: a CTE read twice is computed twice).
SELECT
    per.provider, per.tenant, per.holder_uid, coalesce(per.holder_name, i.identity_name) AS holder_name,
    coalesce(per.holder_is_machine, false) AS holder_is_machine,
    per.role, per.scope,
    per.first_granted_at, per.granted_at, per.granted_by, per.granted_by_name, per.grant_event,
    per.last_revoked_at AS revoked_at, per.last_revoke_event AS revoke_event, per.grants, per.all_revokes AS revokes,
    per.granted_at IS NOT NULL AND (per.last_revoked_at IS NULL OR per.last_revoked_at < per.granted_at) AS active,
    count(r.level) > 0 AS admin,
    coalesce(bool_or(r.level = 'super'), false) AS privileged
FROM ended per
LEFT JOIN identities i
  ON per.provider = i.provider AND per.tenant = i.tenant AND per.holder_uid = i.identity_uid
LEFT JOIN admin_roles r
  ON per.provider = r.provider AND lower(per.role) LIKE lower(r.role_pattern)
GROUP BY per.provider, per.tenant, per.holder_uid, per.holder_name, i.identity_name, per.holder_is_machine,
         per.role, per.scope, per.first_granted_at, per.granted_at, per.granted_by, per.granted_by_name,
         per.grant_event, per.last_revoked_at, per.last_revoke_event, per.grants, per.all_revokes
