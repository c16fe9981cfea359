-- credentials: one row per key, token or client secret, tracked on its own as well as
-- through its owner (one identity can have a live key and a dormant key).
--
-- Created from `credential.create` events whose target is the credential (its owner is
-- the second target, else the creator); used wherever an event names it as
-- `credential_uid`; revoked or rotated from `credential.revoke` / `credential.rotate`.
-- AWS `ASIA...` session keys are `temporary`: they live for hours and are never dormant.
-- Only events up to as_of are evidence (as_of is the end of the evidence, DESIGN section 5).
WITH created AS (
    SELECT provider, tenant, target_uid AS credential_uid,
           min(time) AS created_at,
           max(time) AS last_created_at,
           first_value(CASE WHEN array_length(targets) > 1 THEN targets[2]['uid'] ELSE actor_uid END
                       ORDER BY time) AS owner_uid,
           first_value(CASE WHEN array_length(targets) > 1 THEN targets[2]['name'] ELSE actor_name END
                       ORDER BY time) AS owner_name,
           first_value(actor_uid ORDER BY time) AS created_by,
           first_value(event_uid ORDER BY time) AS created_event,
           max(credential_expires) AS expires_at
    FROM events
    WHERE action = 'credential.create' AND target_type = 'credential'
      AND target_uid IS NOT NULL AND outcome <> 'failure' AND time <= (SELECT as_of FROM params)
    GROUP BY provider, tenant, target_uid
),
used AS (
    SELECT provider, tenant, credential_uid,
           min(time) AS first_used,
           max(time) AS last_used,
           count(*) AS uses,
           last_value(actor_uid ORDER BY time) AS used_by,
           last_value(actor_name ORDER BY time) AS used_by_name,
           last_value(event_uid ORDER BY time) AS last_used_event
    FROM events
    WHERE credential_uid IS NOT NULL AND outcome <> 'failure' AND time <= (SELECT as_of FROM params)
    GROUP BY provider, tenant, credential_uid
),
ended AS (
    SELECT provider, tenant, target_uid AS credential_uid,
           max(time) FILTER (WHERE action = 'credential.revoke') AS revoked_at,
           max(time) FILTER (WHERE action = 'credential.rotate') AS rotated_at,
           last_value(event_uid ORDER BY time) AS last_change_event
    FROM events
    WHERE action IN ('credential.revoke', 'credential.rotate') AND target_type = 'credential'
      AND target_uid IS NOT NULL AND outcome <> 'failure' AND time <= (SELECT as_of FROM params)
    GROUP BY provider, tenant, target_uid
),
keys AS (
    SELECT provider, tenant, credential_uid FROM created
    UNION
    SELECT provider, tenant, credential_uid FROM used
    UNION
    SELECT provider, tenant, credential_uid FROM ended
)
SELECT
    k.provider,
    k.tenant,
    k.credential_uid,
    CASE
        WHEN k.provider = 'aws_cloudtrail' AND k.credential_uid LIKE 'ASIA%' THEN 'temporary'
        ELSE 'long-lived'
    END AS credential_kind,
    coalesce(c.owner_uid, u.used_by) AS owner_uid,
    coalesce(c.owner_name, u.used_by_name) AS owner_name,
    c.created_at,
    c.created_by,
    c.created_event,
    c.expires_at,
    u.first_used,
    u.last_used,
    coalesce(u.uses, 0) AS uses,
    u.last_used_event,
    e.rotated_at,
    e.revoked_at,
    e.last_change_event,
    CASE
        WHEN e.revoked_at IS NOT NULL AND e.revoked_at >= coalesce(c.last_created_at, e.revoked_at) THEN 'revoked'
        WHEN c.expires_at IS NOT NULL AND c.expires_at <= (SELECT as_of FROM params) THEN 'expired'
        ELSE 'active'
    END AS status
FROM keys k
LEFT JOIN created c ON k.provider = c.provider AND k.tenant = c.tenant AND k.credential_uid = c.credential_uid
LEFT JOIN used u ON k.provider = u.provider AND k.tenant = u.tenant AND k.credential_uid = u.credential_uid
LEFT JOIN ended e ON k.provider = e.provider AND k.tenant = e.tenant AND k.credential_uid = e.credential_uid
