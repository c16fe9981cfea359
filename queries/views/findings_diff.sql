-- findings_diff: what changed between two analyze runs, by finding_uid.
--
-- `change` is `new` (only in the later run), `resolved` (only in the earlier run) or
-- `persisting` (in both; `changed` says whether its verdict or severity moved). The runs
-- are params.diff_from and params.diff_to (`trailcheck diff --from --to`), by default the
-- two latest analyze runs; with a single analyze run every finding is new.
WITH analyze_runs AS (
    SELECT run_id, row_number() OVER (ORDER BY started_at DESC, run_id DESC) AS recency
    FROM runs
    WHERE kind = 'analyze'
),
pair AS (
    SELECT coalesce(max(p.diff_from), max(r.run_id) FILTER (WHERE r.recency = 2)) AS from_run,
           coalesce(max(p.diff_to), max(r.run_id) FILTER (WHERE r.recency = 1)) AS to_run
    FROM params p
    LEFT JOIN analyze_runs r ON r.recency <= 2
),
before AS (
    SELECT f.* FROM findings f JOIN pair ON f.run_id = pair.from_run
),
after AS (
    SELECT f.* FROM findings f JOIN pair ON f.run_id = pair.to_run
)
SELECT
    CASE WHEN b.finding_uid IS NULL THEN 'new'
         WHEN a.finding_uid IS NULL THEN 'resolved'
         ELSE 'persisting' END AS change,
    coalesce(a.finding_uid, b.finding_uid) AS finding_uid,
    coalesce(a.rule_id, b.rule_id) AS rule_id,
    coalesce(a.severity, b.severity) AS severity,
    coalesce(a.verdict, b.verdict) AS verdict,
    coalesce(a.provider, b.provider) AS provider,
    coalesce(a.tenant, b.tenant) AS tenant,
    coalesce(a.subject_uid, b.subject_uid) AS subject_uid,
    coalesce(a.subject_name, b.subject_name) AS subject_name,
    coalesce(a.summary, b.summary) AS summary,
    b.severity AS previous_severity,
    b.verdict AS previous_verdict,
    a.finding_uid IS NOT NULL AND b.finding_uid IS NOT NULL
        AND (a.severity <> b.severity OR a.verdict <> b.verdict) AS changed,
    (SELECT from_run FROM pair) AS from_run,
    (SELECT to_run FROM pair) AS to_run
FROM after a
FULL OUTER JOIN before b ON a.finding_uid = b.finding_uid
