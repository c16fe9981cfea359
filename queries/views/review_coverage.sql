-- review_coverage: per provider and tenant, how much of the privileged and machine
-- population the latest access review (by period end) covered.
--
-- Counts come from `review_scope`: identities holding an admin role during the review
-- period, split into people and machine identities, and machine identities that acted in
-- it; `*_reviewed` counts those the review names.
WITH ranked AS (
    SELECT provider, tenant, review_id, period_end,
           row_number() OVER (PARTITION BY provider, tenant ORDER BY period_end DESC, review_id DESC) AS recency
    FROM (SELECT DISTINCT provider, tenant, review_id, period_end FROM review_scope)
)
SELECT
    s.provider,
    s.tenant,
    s.review_id,
    max(s.review_name) AS review_name,
    min(s.period_start) AS period_start,
    max(s.period_end) AS period_end,
    count(*) FILTER (WHERE NOT s.is_machine AND s.admin_roles IS NOT NULL) AS privileged_humans,
    count(*) FILTER (WHERE NOT s.is_machine AND s.admin_roles IS NOT NULL AND s.reviewed) AS privileged_humans_reviewed,
    count(*) FILTER (WHERE s.is_machine AND s.admin_roles IS NOT NULL) AS privileged_machines,
    count(*) FILTER (WHERE s.is_machine AND s.admin_roles IS NOT NULL AND s.reviewed) AS privileged_machines_reviewed,
    count(*) FILTER (WHERE s.is_machine) AS machines_in_scope,
    count(*) FILTER (WHERE s.is_machine AND s.reviewed) AS machines_reviewed
FROM review_scope s
JOIN ranked r
  ON r.provider = s.provider AND r.tenant = s.tenant AND r.review_id = s.review_id AND r.recency = 1
GROUP BY s.provider, s.tenant, s.review_id
