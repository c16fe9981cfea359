-- identities: one row per provider, tenant and identity (human, machine or system).
--
-- An identity is known from what it did (as an actor, or a role assumed by it) and from
-- lifecycle events about it (created, enabled, disabled, deleted, updated). Failed attempts are
-- not activity. `kind` is `machine` when any event says so (docs/design.md section 4), `system`
-- for provider-operated principals (AWS services, Okta's system principal, Google
-- service agents), `federated` for a subject that only ever federated in from outside
-- (an OIDC or SAML token's subject taking an AWS role, a Google Cloud workload identity
-- `principal://`: the workload is outside the tenant, whose own identity is the role or
-- service account it took, see `trust_edges`), `human` when an event says so, else `unknown`. `status` is as of the end of the evidence.
-- `identity_name` is the name people know it by: the most recent non-empty name that
-- events give this uid, as the actor of its activity (`actor_name`) or as the target of
-- any event (`target_name`), a name other than the uid itself preferred (a Workspace
-- client named only by the `app_name` of a token event, an app whose latest event carries
-- no name, keep their name); at the same instant the name it acts under wins (a
-- Workspace service account using its own client is its email, not the app).
-- Only events up to as_of are evidence (as_of is the end of the evidence, docs/design.md section 5).
WITH use_events AS (
    SELECT provider, tenant, actor_uid AS identity_uid, actor_name AS name,
           actor_is_machine AS machine, actor_type, time, event_uid,
           -- A subject federated in from outside (the token's subject of an OIDC or SAML
           -- federation, a workload identity principal): not an identity of the tenant.
           event_type IN ('AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML')
               OR actor_uid LIKE 'principal://%' OR actor_uid LIKE 'principalSet://%' AS federated
    FROM events
    WHERE actor_uid IS NOT NULL AND outcome <> 'failure' AND time <= (SELECT as_of FROM params)
    UNION ALL
    -- A role that is assumed is used, even when its session's calls are not logged.
    SELECT provider, tenant, target_uid, target_name, target_is_machine, 'service', time, event_uid,
           false
    FROM events
    WHERE action = 'login' AND target_type = 'role' AND target_uid IS NOT NULL
      AND outcome <> 'failure' AND time <= (SELECT as_of FROM params)
),
activity AS (
    SELECT provider, tenant, identity_uid,
           -- The latest name it acts under (a name other than its uid), and whether it
           -- acts under its uid.
           last_value(name ORDER BY time, name) FILTER (WHERE name <> '' AND name <> identity_uid) AS name,
           max(time) FILTER (WHERE name <> '' AND name <> identity_uid) AS named_at,
           coalesce(bool_or(name = identity_uid), false) AS self_named,
           bool_or(machine) AS machine,
           bool_or(NOT machine) AS human,
           bool_or(actor_type = 'system') AS system,
           bool_and(federated) AS federated,
           min(time) AS first_activity,
           max(time) AS last_activity,
           count(*) AS activity_events,
           last_value(event_uid ORDER BY time) AS last_activity_event
    FROM use_events
    GROUP BY provider, tenant, identity_uid
),
lifecycle AS (
    SELECT provider, tenant, target_uid AS identity_uid,
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
),
target_names AS (
    -- The latest name any event gives it as its target (each name once, at the last time
    -- it was given: ordering a few names per uid is cheaper than ordering every event).
    SELECT provider, tenant, uid,
           last_value(name ORDER BY time, name) FILTER (WHERE name <> uid) AS name,
           max(time) FILTER (WHERE name <> uid) AS named_at,
           bool_or(name = uid) AS self_named
    FROM (
        SELECT provider, tenant, target_uid AS uid, target_name AS name, max(time) AS time
        FROM events
        WHERE target_uid IS NOT NULL AND target_name IS NOT NULL AND target_name <> ''
          AND time <= (SELECT as_of FROM params)
        GROUP BY 1, 2, 3, 4
    ) n
    GROUP BY provider, tenant, uid
)
SELECT
    coalesce(a.provider, l.provider) AS provider,
    coalesce(a.tenant, l.tenant) AS tenant,
    coalesce(a.identity_uid, l.identity_uid) AS identity_uid,
    -- The most recent of the two names (at the same instant the name it acts under), else
    -- its uid when events name it by its uid.
    CASE
        WHEN a.name IS NOT NULL AND (t.name IS NULL OR a.named_at >= t.named_at) THEN a.name
        WHEN t.name IS NOT NULL THEN t.name
        WHEN coalesce(a.self_named, false) OR coalesce(t.self_named, false)
            THEN coalesce(a.identity_uid, l.identity_uid)
    END AS identity_name,
    CASE
        WHEN coalesce(a.system, false) THEN 'system'
        WHEN coalesce(a.federated, false) AND l.identity_uid IS NULL THEN 'federated'
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
LEFT JOIN target_names t
    ON t.provider = coalesce(a.provider, l.provider) AND t.tenant = coalesce(a.tenant, l.tenant)
   AND t.uid = coalesce(a.identity_uid, l.identity_uid)
