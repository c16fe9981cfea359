-- trust_paths: the ways an identity outside a provider reaches one of its admin roles:
-- paths over `trust_edges` that start at an external source (an OIDC or SAML subject, or
-- an identity of another account) and end at an identity that holds an active admin
-- role (`role_assignments`), one row per path and admin role.
--
-- A path has at most 4 hops and never visits an identity twice (cycle-safe). `path` is
-- the hops in order, each with its source, target, mechanism, whether it was observed or
-- only allowed by a trust policy, the trust condition and the events that prove it.
-- `observed` is true when every hop was seen happening; `admits_many` when a hop's
-- trust admits many subjects (a wildcard, a pull request subject, no condition) or the
-- trust policy of a role on the path does; `crosses_provider` when the path starts at
-- an issuer outside the provider.
WITH RECURSIVE role_trust AS (
    -- What each role's trust policy admits (allowed edges).
    SELECT provider, tenant, target_uid,
           bool_or(admits_many) AS admits_many,
           first_value(trust_condition ORDER BY admits_many DESC, source_uid) AS trust_condition
    FROM trust_edges
    WHERE NOT observed
    GROUP BY provider, tenant, target_uid
),
edges AS (
    SELECT e.provider, e.tenant, e.source_uid, e.source_kind, e.issuer, e.target_uid,
           e.mechanism, e.observed, e.external, e.crosses_provider,
           e.admits_many OR coalesce(t.admits_many, false) AS admits_many,
           e.first_seen, e.last_seen,
           json_object('from', e.source_uid, 'to', e.target_uid, 'mechanism', e.mechanism,
                       'observed', e.observed, 'uses', e.uses,
                       'trust_condition', json_parse(coalesce(e.trust_condition, t.trust_condition)),
                       'first_event', e.first_event, 'last_event', e.last_event,
                       'first_seen', e.first_seen, 'last_seen', e.last_seen) AS hop
    FROM trust_edges e
    LEFT JOIN role_trust t
      ON t.provider = e.provider AND t.tenant = e.tenant AND t.target_uid = e.target_uid
),
walk AS (
    SELECT provider, tenant,
           CAST(source_uid AS VARCHAR) AS origin_uid,
           CAST(source_kind AS VARCHAR) AS origin_kind,
           CAST(issuer AS VARCHAR) AS issuer,
           crosses_provider,
           CAST(target_uid AS VARCHAR) AS at_uid,
           CAST(1 AS BIGINT) AS hops,
           observed AS all_observed,
           admits_many,
           CAST(hop AS VARCHAR) AS path,
           CAST(concat('|', source_uid, '|', target_uid, '|') AS VARCHAR) AS visited,
           first_seen,
           last_seen
    FROM edges
    WHERE external
    UNION ALL
    SELECT w.provider, w.tenant, w.origin_uid, w.origin_kind, w.issuer, w.crosses_provider,
           CAST(e.target_uid AS VARCHAR), w.hops + 1,
           w.all_observed AND e.observed,
           w.admits_many OR e.admits_many,
           CAST(concat(w.path, ',', e.hop) AS VARCHAR),
           CAST(concat(w.visited, e.target_uid, '|') AS VARCHAR),
           least(w.first_seen, e.first_seen),
           greatest(w.last_seen, e.last_seen)
    FROM walk w
    JOIN edges e
      ON e.provider = w.provider AND e.tenant = w.tenant AND e.source_uid = w.at_uid
    WHERE w.hops < 4 AND strpos(w.visited, concat('|', e.target_uid, '|')) = 0
)
SELECT w.provider, w.tenant, w.origin_uid, w.origin_kind, w.issuer, w.crosses_provider,
       w.at_uid AS admin_uid, r.holder_name AS admin_name, r.role AS admin_role,
       r.privileged, w.hops, w.all_observed AS observed, w.admits_many,
       concat('[', w.path, ']') AS path, w.first_seen, w.last_seen
FROM walk w
JOIN role_assignments r
  ON r.provider = w.provider AND r.tenant = w.tenant AND r.holder_uid = w.at_uid
WHERE r.active AND r.admin
