-- evidence_events: the events up to as_of without their `raw` record (reading `raw` is
-- what costs), computed once per session and kept like every view: what claims scoring
-- counts event types, categories and streams over. Field claims, which look into the
-- record, read `events`.
SELECT e.provider, e.tenant, e.event_uid, e.time, e.event_type, e.category, e.action, e.source_file
FROM events e CROSS JOIN params p
WHERE e.time <= p.as_of
