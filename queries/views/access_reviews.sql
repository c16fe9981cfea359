-- access_reviews: one row per access review (campaign) in the `reviews` table, per
-- provider and tenant (tenant NULL: the export did not name one; it then applies to
-- every tenant of the provider).
--
-- The review period is the one the export states (`period_source` = 'export'), else
-- the span of its decisions (`period_source` = 'decisions'); NULL when the export states
-- none and nothing was decided yet.
SELECT
    provider,
    tenant,
    review_id,
    max(review_name) AS review_name,
    min(format) AS format,
    coalesce(min(period_start), min(reviewed_at)) AS period_start,
    coalesce(max(period_end), max(reviewed_at)) AS period_end,
    CASE WHEN min(period_start) IS NOT NULL AND max(period_end) IS NOT NULL THEN 'export'
         ELSE 'decisions' END AS period_source,
    count(*) AS items,
    count(*) FILTER (WHERE decision = 'approve') AS approved,
    count(*) FILTER (WHERE decision = 'revoke') AS revoked,
    count(*) FILTER (WHERE decision = 'not_reviewed') AS not_reviewed,
    count(DISTINCT coalesce(identity_uid, identity_name)) AS identities,
    count(DISTINCT coalesce(identity_uid, identity_name)) FILTER (WHERE identity_type = 'machine') AS machine_identities,
    array_sort(array_agg(DISTINCT source_file)) AS source_files
FROM reviews
GROUP BY provider, tenant, review_id
