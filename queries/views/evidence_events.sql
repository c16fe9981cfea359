-- evidence_events: the events up to as_of without their `raw` record: what claims scoring
-- counts event types, categories and streams over. Field claims, which look into the
-- record, read `events`.
--
-- Not kept: a scan of these narrow columns of the Parquet files is fast, and kept it
-- was the largest view in memory (one row per event: 0.2 to 0.4 GB of the 0.4 to 0.9 GB
-- peak of `score` over 676k events).
-- kept: no
SELECT e.provider, e.tenant, e.event_uid, e.time, e.event_type, e.category, e.action, e.source_file
FROM events e CROSS JOIN params p
WHERE e.time <= p.as_of
