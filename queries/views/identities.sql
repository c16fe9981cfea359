-- identities: one row per provider, tenant and identity (human, machine or system).
--
-- An identity is known from what it did (as an actor, or a role assumed by it) and from
-- lifecycle events about it (created, enabled, disabled, deleted, updated). Failed attempts are
-- not activity. `kind` is `machine` when any event says so (DESIGN section 4), `system`
-- for provider-operated principals (AWS services, Okta's system principal, Google
-- service agents), `human` when an event says so, else `unknown`. `status` is as of the end of the evidence.
-- Only events up to as_of are evidence (as_of is the end of the evidence, DESIGN section 5).
WITH use_events AS (
    SELECT provider, tenant, actor_uid AS identity_uid, actor_name AS name,
           actor_is_machine AS machine, actor_type, time, event_uid
    FROM events
    WHERE actor_uid IS NOT NULL AND outcome <> 'failure' AND time <= (SELECT as_of FROM params)
    UNION ALL
    -- A role that is assumed is used, even when its session's calls are not logged.
    SELECT provider, tenant, target_uid, target_name, target_is_machine, 'service', time, event_uid
    FROM events
    WHERE action = 'login' AND target_type = 'role' AND target_uid IS NOT NULL
      AND outcome <> 'failure' AND time <= (SELECT as_of FROM params)
),
activity AS (
    SELECT provider, tenant, identity_uid,
           last_value(name ORDER BY time) AS name,
           bool_or(machine) AS machine,
           bool_or(NOT machine) AS human,
           bool_or(actor_type = 'system') AS system,
           min(time) AS first_activity,
           max(time) AS last_activity,
           count(*) AS activity_events,
           last_value(event_uid ORDER BY time) AS last_activity_event
    FROM use_events
    GROUP BY provider, tenant, identity_uid
),
lifecycle AS (
    SELECT provider, tenant, target_uid AS identity_uid,
           last_value(target_name ORDER BY time) AS name,
           bool_or(target_is_machine) AS machine,
           bool_or(NOT target_is_machine) AS human,
           min(time) FILTER (WHERE action = 'identity.create') AS created_at,
           max(time) FILTER (WHERE action = 'identity.create') AS last_created_at,
           first_value(actor_uid ORDER BY time) FILTER (WHERE action = 'identity.create') AS created_by,
           first_value(event_uid ORDER BY time) FILTER (WHERE action = 'identity.create') AS created_event,
           max(time) FILTER (WHERE action = 'identity.enable') AS enabled_at,
           max(time) FILTER (WHERE action = 'identity.disable') AS disabled_at,
           max(time) FILTER (WHERE action = 'identity.delete') AS deleted_at,
           last_value(event_uid ORDER BY time) AS last_lifecycle_event
    FROM events
    WHERE (action LIKE 'identity.%' OR category = 'lifecycle') AND target_uid IS NOT NULL
      AND outcome <> 'failure' AND time <= (SELECT as_of FROM params)
    GROUP BY provider, tenant, target_uid
)
SELECT
    coalesce(a.provider, l.provider) AS provider,
    coalesce(a.tenant, l.tenant) AS tenant,
    coalesce(a.identity_uid, l.identity_uid) AS identity_uid,
    coalesce(l.name, a.name) AS identity_name,
    CASE
        WHEN coalesce(a.system, false) THEN 'system'
        WHEN coalesce(a.machine, false) OR coalesce(l.machine, false) THEN 'machine'
        WHEN coalesce(a.human, false) OR coalesce(l.human, false) THEN 'human'
        ELSE 'unknown'
    END AS kind,
    coalesce(a.machine, false) OR coalesce(l.machine, false) OR coalesce(a.system, false) AS is_machine,
    a.first_activity,
    a.last_activity,
    coalesce(a.activity_events, 0) AS activity_events,
    a.last_activity_event,
    l.created_at,
    l.created_by,
    l.created_event,
    l.enabled_at,
    l.disabled_at,
    l.deleted_at,
    l.last_lifecycle_event,
    CASE
        WHEN l.deleted_at IS NOT NULL AND l.deleted_at >= coalesce(l.last_created_at, l.deleted_at) THEN 'deleted'
        WHEN l.disabled_at IS NOT NULL AND (l.enabled_at IS NULL OR l.disabled_at > l.enabled_at) THEN 'disabled'
        ELSE 'active'
    END AS status
FROM activity a
FULL OUTER JOIN lifecycle l
    ON a.provider = l.provider AND a.tenant = l.tenant AND a.identity_uid = l.identity_uid
