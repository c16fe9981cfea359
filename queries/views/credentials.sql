-- credentials: one row per key, token or client secret, tracked on its own as well as
-- through its owner (one identity can have a live key and a dormant key).
--
-- Created from `credential.create` events whose target is the credential (its owner is
-- the second target, else the creator); used wherever an event names it as
-- `credential_uid`; revoked or rotated from `credential.revoke` / `credential.rotate`.
-- AWS `ASIA...` session keys are `temporary`: they live for hours and are never dormant.
-- Google Workspace OAuth grants are `oauth-grant`: the Reports API names the OAuth client
-- (`client_id`) in `token` events, and the credential is one user's grant to that client,
-- so a row is the pair `granted_to` (the user: the actor of `authorize`, `revoke` and
-- `activity`, and of any event done through the client) and `credential_uid` (the client
-- id). One user's revoke ends that user's grant, not other users' grants of the same
-- client; a later authorization starts it again.
-- For every other credential `granted_to` is NULL.
-- `credential_name` is the most recent non-empty name any event gives the credential as
-- its target (an OAuth client's `app_name`, a token's name); NULL when none does.
-- `created_at` is the first creation, `last_created_at` / `last_created_event` the latest
-- (a grant authorized again after a revoke).
-- `status`: `revoked` when the last revoke is not followed by a new creation nor by a
-- successful use (a credential used after its revoke was evidently live again: an AWS key
-- set Inactive and then Active, a grant authorized again where the export does not show
-- it), else `expired` when its expiry has passed, else `active`.
-- Only events up to as_of are evidence (as_of is the end of the evidence, docs/design.md section 5).
WITH ev AS (
    -- Events about credentials, each with the key of the grant it belongs to: the user for
    -- a Workspace OAuth grant, '' for credentials that stand alone.
    SELECT provider, tenant, time, action, actor_uid, actor_name, event_uid, targets,
           credential_expires, target_uid, target_type, credential_uid,
           provider = 'google_workspace' AND target_type = 'app' AS grant_change
    FROM events
    WHERE outcome <> 'failure' AND time <= (SELECT as_of FROM params)
      AND (credential_uid IS NOT NULL
           OR (action IN ('credential.create', 'credential.revoke', 'credential.rotate')
               AND target_uid IS NOT NULL))
),
changes AS (
    -- Creations, revokes and rotations, in one pass.
    SELECT provider, tenant, target_uid AS credential_uid,
           CASE WHEN grant_change THEN coalesce(actor_uid, '') ELSE '' END AS grant_key,
           min(time) FILTER (WHERE action = 'credential.create') AS created_at,
           max(time) FILTER (WHERE action = 'credential.create') AS last_created_at,
           first_value(CASE WHEN grant_change THEN actor_uid
                            WHEN array_length(targets) > 1 THEN targets[2]['uid'] ELSE actor_uid END
                       ORDER BY time) FILTER (WHERE action = 'credential.create') AS owner_uid,
           first_value(CASE WHEN grant_change THEN actor_name
                            WHEN array_length(targets) > 1 THEN targets[2]['name'] ELSE actor_name END
                       ORDER BY time) FILTER (WHERE action = 'credential.create') AS owner_name,
           first_value(actor_uid ORDER BY time) FILTER (WHERE action = 'credential.create') AS created_by,
           first_value(event_uid ORDER BY time) FILTER (WHERE action = 'credential.create') AS created_event,
           last_value(event_uid ORDER BY time) FILTER (WHERE action = 'credential.create') AS last_created_event,
           max(credential_expires) FILTER (WHERE action = 'credential.create') AS expires_at,
           max(time) FILTER (WHERE action = 'credential.revoke') AS revoked_at,
           max(time) FILTER (WHERE action = 'credential.rotate') AS rotated_at,
           last_value(event_uid ORDER BY time) FILTER (WHERE action <> 'credential.create') AS last_change_event
    FROM ev
    WHERE action IN ('credential.create', 'credential.revoke', 'credential.rotate')
      AND (target_type = 'credential' OR grant_change)
    GROUP BY 1, 2, 3, 4
),
used AS (
    SELECT provider, tenant, credential_uid,
           CASE WHEN provider = 'google_workspace' THEN coalesce(actor_uid, '') ELSE '' END AS grant_key,
           min(time) AS first_used,
           max(time) AS last_used,
           count(*) AS uses,
           last_value(actor_uid ORDER BY time) AS used_by,
           last_value(actor_name ORDER BY time) AS used_by_name,
           last_value(event_uid ORDER BY time) AS last_used_event
    FROM ev
    WHERE credential_uid IS NOT NULL
    GROUP BY 1, 2, 3, 4
),
named AS (
    -- The most recent non-empty name any event gives the credential as its target (a name
    -- other than its uid preferred).
    SELECT provider, tenant, credential_uid,
           coalesce(last_value(target_name ORDER BY time, target_name) FILTER (WHERE target_name <> credential_uid),
                    last_value(target_name ORDER BY time, target_name)) AS credential_name
    FROM (
        SELECT provider, tenant, target_uid AS credential_uid, target_name, max(time) AS time
        FROM events
        WHERE target_uid IS NOT NULL AND target_name IS NOT NULL AND target_name <> ''
          AND target_type IN ('credential', 'app') AND time <= (SELECT as_of FROM params)
        GROUP BY 1, 2, 3, 4
    ) n
    GROUP BY 1, 2, 3
),
joined AS (
    -- Every credential created, changed or used: each side read once.
    SELECT coalesce(c.provider, u.provider) AS provider, coalesce(c.tenant, u.tenant) AS tenant,
           coalesce(c.credential_uid, u.credential_uid) AS credential_uid,
           coalesce(c.grant_key, u.grant_key) AS grant_key,
           c.owner_uid, c.owner_name, c.created_at, c.last_created_at, c.created_by, c.created_event,
           c.last_created_event, c.expires_at, c.rotated_at, c.revoked_at, c.last_change_event,
           u.first_used, u.last_used, u.uses, u.used_by, u.used_by_name, u.last_used_event
    FROM changes c
    FULL OUTER JOIN used u
      ON c.provider = u.provider AND c.tenant = u.tenant AND c.credential_uid = u.credential_uid
     AND c.grant_key = u.grant_key
)
SELECT
    j.provider,
    j.tenant,
    j.credential_uid,
    nullif(j.grant_key, '') AS granted_to,
    CASE
        WHEN j.grant_key <> '' THEN 'oauth-grant'
        WHEN j.provider = 'aws_cloudtrail' AND j.credential_uid LIKE 'ASIA%' THEN 'temporary'
        ELSE 'long-lived'
    END AS credential_kind,
    n.credential_name,
    coalesce(nullif(j.grant_key, ''), j.owner_uid, j.used_by) AS owner_uid,
    coalesce(j.owner_name, j.used_by_name) AS owner_name,
    j.created_at,
    j.last_created_at,
    j.created_by,
    j.created_event,
    j.last_created_event,
    j.expires_at,
    j.first_used,
    j.last_used,
    coalesce(j.uses, 0) AS uses,
    j.last_used_event,
    j.rotated_at,
    j.revoked_at,
    j.last_change_event,
    CASE
        WHEN j.revoked_at IS NOT NULL AND j.revoked_at >= coalesce(j.last_created_at, j.revoked_at)
             AND (j.last_used IS NULL OR j.last_used <= j.revoked_at) THEN 'revoked'
        WHEN j.expires_at IS NOT NULL AND j.expires_at <= (SELECT as_of FROM params) THEN 'expired'
        ELSE 'active'
    END AS status
FROM joined j
LEFT JOIN named n ON j.provider = n.provider AND j.tenant = n.tenant AND j.credential_uid = n.credential_uid
