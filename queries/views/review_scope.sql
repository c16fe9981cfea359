-- review_scope: per access review, every identity the review should have covered, and
-- whether it did.
--
-- In scope: identities that held an admin role (`role_assignments`, `admin`) at any time
-- in the review period, and machine identities (`identities` kind `machine`; provider-
-- operated `system` principals are not reviewable) that acted in the period. A role held
-- since before the logs begin is not known to the logs, so it is not in scope.
-- `reviewed` is true when a row of the review names the identity (see `review_items`).
WITH periods AS (
    SELECT * FROM access_reviews WHERE period_start IS NOT NULL
),
admins AS (
    SELECT a.provider, ra.tenant, a.review_id, ra.holder_uid AS identity_uid,
           max(ra.holder_name) AS identity_name,
           bool_or(ra.holder_is_machine) AS holder_is_machine,
           array_sort(array_agg(DISTINCT ra.role)) AS admin_roles,
           bool_or(ra.privileged) AS privileged
    FROM periods a
    JOIN role_assignments ra
      ON ra.provider = a.provider AND (a.tenant IS NULL OR ra.tenant = a.tenant)
    WHERE ra.admin
      AND ra.first_granted_at <= a.period_end
      AND NOT (ra.revoked_at IS NOT NULL AND ra.revoked_at >= ra.granted_at
               AND ra.revoked_at < a.period_start)
    GROUP BY a.provider, ra.tenant, a.review_id, ra.holder_uid
),
acting AS (
    SELECT a.provider, e.tenant, a.review_id, e.actor_uid AS identity_uid,
           count(*) AS events_in_period,
           max(e.time) AS last_activity_in_period,
           last_value(e.event_uid ORDER BY e.time) AS last_event_in_period
    FROM periods a
    JOIN events e
      ON e.provider = a.provider AND (a.tenant IS NULL OR e.tenant = a.tenant)
    WHERE e.actor_is_machine AND e.actor_uid IS NOT NULL AND e.outcome <> 'failure'
      AND e.time >= a.period_start AND e.time <= a.period_end
    GROUP BY a.provider, e.tenant, a.review_id, e.actor_uid
),
machines AS (
    SELECT m.*, i.identity_name
    FROM acting m
    JOIN identities i
      ON i.provider = m.provider AND i.tenant = m.tenant AND i.identity_uid = m.identity_uid
    WHERE i.kind = 'machine'
),
scope AS (
    SELECT
        coalesce(ad.provider, m.provider) AS provider,
        coalesce(ad.tenant, m.tenant) AS tenant,
        coalesce(ad.review_id, m.review_id) AS review_id,
        coalesce(ad.identity_uid, m.identity_uid) AS identity_uid,
        coalesce(ad.identity_name, m.identity_name) AS identity_name,
        m.identity_uid IS NOT NULL OR coalesce(ad.holder_is_machine, false) AS is_machine,
        ad.admin_roles,
        coalesce(ad.privileged, false) AS privileged,
        coalesce(m.events_in_period, 0) AS events_in_period,
        m.last_activity_in_period,
        m.last_event_in_period
    FROM admins ad
    FULL OUTER JOIN machines m
      ON ad.provider = m.provider AND ad.tenant = m.tenant AND ad.review_id = m.review_id
     AND ad.identity_uid = m.identity_uid
),
reviewed AS (
    SELECT DISTINCT provider, lake_tenant, review_id, lake_uid
    FROM review_items
    WHERE lake_uid IS NOT NULL
)
SELECT
    s.*,
    a.tenant AS review_tenant,
    a.review_name,
    a.period_start,
    a.period_end,
    a.period_source,
    a.items AS review_items,
    r.lake_uid IS NOT NULL AS reviewed
FROM scope s
JOIN periods a
  ON a.provider = s.provider AND a.review_id = s.review_id
 AND (a.tenant IS NULL OR a.tenant = s.tenant)
LEFT JOIN reviewed r
  ON r.provider = s.provider AND r.lake_tenant = s.tenant AND r.review_id = s.review_id
 AND r.lake_uid = s.identity_uid
