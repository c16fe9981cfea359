-- review_items: every row of `reviews`, with the identity of the logs it names.
--
-- A review names an identity by uid or by name (an Entra object id or UPN, an Okta user
-- id or login, an ARN or user name). It is matched, case-insensitively, to an identity of
-- the `identities` view, or else an admin role holder of `role_assignments`, of the same
-- provider (and tenant, when the review names one):
-- first its uid against uids and names, then its name; the first match wins.
-- `lake_uid` is NULL when the logs do not know the identity at all.
WITH known AS (
    -- Identities of the logs, then admin role holders that never acted (identities is
    -- computed once).
    SELECT 1 AS source, provider, tenant, identity_uid, identity_name, kind, status
    FROM identities
    UNION ALL
    SELECT DISTINCT 2, provider, tenant, holder_uid, holder_name,
           CASE WHEN holder_is_machine THEN 'machine' ELSE 'human' END, 'active'
    FROM role_assignments
),
keys AS (
    -- Every identity under its uid and its name.
    SELECT DISTINCT source, provider, tenant, identity_uid AS lake_uid, identity_name AS lake_name,
           kind, status, unnest(make_array(lower(identity_uid), lower(identity_name))) AS key
    FROM known
),
wanted AS (
    -- What a review row names, the uid first.
    SELECT review_uid, provider, tenant, 1 AS priority, lower(identity_uid) AS key
    FROM reviews WHERE identity_uid IS NOT NULL
    UNION ALL
    SELECT review_uid, provider, tenant, 2, lower(identity_name)
    FROM reviews WHERE identity_name IS NOT NULL
),
matched AS (
    SELECT w.review_uid, k.tenant, k.lake_uid, k.lake_name, k.kind, k.status,
           row_number() OVER (PARTITION BY w.review_uid ORDER BY w.priority, k.source, k.tenant, k.lake_uid) AS rank
    FROM wanted w
    JOIN keys k
      ON k.provider = w.provider AND k.key = w.key AND (w.tenant IS NULL OR k.tenant = w.tenant)
)
SELECT
    r.*,
    m.tenant AS lake_tenant,
    m.lake_uid,
    m.lake_name,
    m.kind AS lake_kind,
    m.status AS lake_status
FROM reviews r
LEFT JOIN matched m ON m.review_uid = r.review_uid AND m.rank = 1
