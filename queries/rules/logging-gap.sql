-- rule: logging-gap
-- title: Logging gap or volume drop
-- ## What it finds
-- Silent periods of at least `gap_days` (default 3) whole days with no event at all
-- inside a provider/tenant's evidence window, and the sharpest 7-day volume drop: a
-- week with fewer than `volume_drop_ratio` (default 0.25) times the tenant's median
-- 7-day volume, where that median is at least `min_weekly_events` (default 20).
-- ## Why it matters
-- A gap in an audit trail is either an outage of the logging pipeline, an export that
-- lost data, or someone switching logging off. Each hides whatever happened meanwhile.
-- ## How it decides
-- Days are UTC days. Gaps: runs of consecutive days without events between two days
-- with events. Drops: rolling 7-day event counts (windows that overlap a gap or start
-- before the first event are skipped); the lowest is compared to the median.
-- ## What to do
-- Find out why logging or the export stopped, and recover the missing events.
-- ## Frameworks
-- NIST CSF 2.0 PR.PS-04, NIST CSF 2.0 DE.CM-03, ISO 27001:2022 A.8.15,
-- ISO 27001:2022 A.8.16, SOC 2 CC7.2
WITH daily AS (
    SELECT provider, tenant, CAST(time AS BIGINT) / 86400000000 AS day, count(*) AS n
    FROM events
    WHERE time <= (SELECT as_of FROM params)
    GROUP BY provider, tenant, CAST(time AS BIGINT) / 86400000000
),
stepped AS (
    SELECT provider, tenant, day, n,
           lag(day) OVER (PARTITION BY provider, tenant ORDER BY day) AS prev_day,
           min(day) OVER (PARTITION BY provider, tenant) AS first_day
    FROM daily
),
gaps AS (
    SELECT s.provider, s.tenant, s.prev_day + 1 AS gap_start, s.day - 1 AS gap_end,
           s.day - s.prev_day - 1 AS gap_days_long
    FROM stepped s CROSS JOIN params p
    WHERE s.prev_day IS NOT NULL AND s.day - s.prev_day - 1 >= p.gap_days
),
rolling AS (
    SELECT provider, tenant, day, first_day,
           sum(n) OVER (PARTITION BY provider, tenant ORDER BY day
                        RANGE BETWEEN 6 PRECEDING AND CURRENT ROW) AS week_events
    FROM stepped
),
weeks AS (
    SELECT r.* FROM rolling r
    WHERE r.day >= r.first_day + 6
      AND NOT EXISTS (
          SELECT 1 FROM gaps g
          WHERE g.provider = r.provider AND g.tenant = r.tenant
            AND g.gap_start <= r.day AND g.gap_end >= r.day - 6)
),
typical AS (
    SELECT provider, tenant, median(week_events) AS median_week, min(week_events) AS lowest_week
    FROM weeks GROUP BY provider, tenant
),
drops AS (
    SELECT w.provider, w.tenant, w.day - 6 AS drop_start, w.day AS drop_end,
           w.week_events, t.median_week,
           row_number() OVER (PARTITION BY w.provider, w.tenant ORDER BY w.week_events, w.day) AS rank
    FROM weeks w
    JOIN typical t ON w.provider = t.provider AND w.tenant = t.tenant
    CROSS JOIN params p
    WHERE t.median_week >= p.min_weekly_events
      AND w.week_events < p.volume_drop_ratio * t.median_week
),
periods AS (
    SELECT provider, tenant, 'gap' AS kind, gap_start AS start_day, gap_end AS end_day,
           0 AS period_events, CAST(NULL AS DOUBLE) AS typical_events, gap_days_long AS days
    FROM gaps
    UNION ALL
    SELECT provider, tenant, 'drop', drop_start, drop_end, week_events, median_week, 7
    FROM drops WHERE rank = 1
)
SELECT
    'logging-gap' AS rule_id,
    CASE WHEN kind = 'gap' AND days >= 7 THEN 'high' ELSE 'medium' END AS severity,
    'confirmed' AS verdict,
    provider,
    tenant,
    concat(kind, ':', to_char(to_timestamp_seconds(start_day * 86400), '%Y-%m-%d'), '..',
           to_char(to_timestamp_seconds(end_day * 86400), '%Y-%m-%d')) AS subject_uid,
    concat(to_char(to_timestamp_seconds(start_day * 86400), '%Y-%m-%d'), ' to ',
           to_char(to_timestamp_seconds(end_day * 86400), '%Y-%m-%d')) AS subject_name,
    'period' AS subject_type,
    CASE WHEN kind = 'gap' THEN
        concat('No events at all for ', CAST(days AS VARCHAR), ' days from ',
               to_char(to_timestamp_seconds(start_day * 86400), '%Y-%m-%d'), ' to ',
               to_char(to_timestamp_seconds(end_day * 86400), '%Y-%m-%d'),
               ': find out whether logging or the export failed.')
    ELSE
        concat('Only ', CAST(period_events AS VARCHAR), ' events in the 7 days from ',
               to_char(to_timestamp_seconds(start_day * 86400), '%Y-%m-%d'), ', against a median of ',
               CAST(CAST(typical_events AS BIGINT) AS VARCHAR), ' per 7 days: find out what stopped being logged.')
    END AS summary,
    json_object(
        'kind', kind, 'start', to_timestamp_seconds(start_day * 86400),
        'end', to_timestamp_seconds(end_day * 86400 + 86399), 'days', days,
        'events_in_period', period_events, 'median_events_per_7_days', typical_events
    ) AS evidence,
    CAST(to_timestamp_seconds(start_day * 86400) AS TIMESTAMP) AS first_seen,
    CAST(to_timestamp_seconds(end_day * 86400 + 86399) AS TIMESTAMP) AS last_seen
FROM periods
