-- coverage: per provider and tenant, the evidence window and what it holds: first and
-- last event, days covered, days with events, events per day, event types and
-- categories seen. `window_days` runs from the first event to as_of: the span in which
-- absence of activity can be observed at all.
-- Only events up to as_of are evidence (as_of is the end of the evidence, docs/design.md section 5).
SELECT
    e.provider,
    e.tenant,
    min(e.time) AS first_event,
    max(e.time) AS last_event,
    (CAST(max(e.time) AS BIGINT) - CAST(min(e.time) AS BIGINT)) / 86400000000.0 AS days_covered,
    (CAST(max(p.as_of) AS BIGINT) - CAST(min(e.time) AS BIGINT)) / 86400000000.0 AS window_days,
    count(DISTINCT date_trunc('day', e.time)) AS days_with_events,
    count(*) AS events,
    count(*) / greatest(1.0, (CAST(max(e.time) AS BIGINT) - CAST(min(e.time) AS BIGINT)) / 86400000000.0) AS events_per_day,
    array_sort(array_agg(DISTINCT e.event_type)) AS event_types,
    array_sort(array_agg(DISTINCT e.category)) AS categories
FROM events e
CROSS JOIN params p
WHERE e.time <= p.as_of
GROUP BY e.provider, e.tenant
