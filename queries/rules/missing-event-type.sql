-- rule: missing-event-type
-- title: Documented event type missing from the logs
-- ## What it finds
-- Event types that the provider documents as logged (reference table
-- `claimed_event_types`, shared with claims scoring) but that never appear in the lake
-- for a provider and tenant that is otherwise present: each absence that other events
-- imply on its own, and the documented types that nothing implies together, in one
-- finding per provider and tenant that lists them.
-- ## Why it matters
-- An audit trail that silently lacks token creation, role revocation or policy changes
-- cannot support an access review, and an auditor relying on the vendor's claim would
-- not know. An absence that other events imply is a real gap in the export or the
-- provider's logging; a type nothing implies may simply not have happened, so it is
-- listed, not reported on its own, and the real gaps come first.
-- ## How it decides
-- Each claimed type absent from `coverage.event_types`. When other events imply that the
-- activity happened (for example tokens used while no token creation is ever logged:
-- `implied_by_action` with strength `strong`), the verdict is confirmed and severity high.
-- With weaker implication (grants but never a revocation) it is indeterminate, medium.
-- Both are one finding per event type. Absent types with no implying event are absence of
-- evidence: one indeterminate, low finding per provider and tenant (subject
-- `unseen-event-types`) whose summary and evidence (`event_types`) list them.
-- ## What to do
-- Turn on or export the missing event types; until then, do not rely on these logs for them.
-- ## Frameworks
-- NIST CSF 2.0 PR.PS-04, NIST CSF 2.0 DE.CM-03, ISO 27001:2022 A.8.15, SOC 2 CC7.2
WITH expected AS (
    SELECT c.provider, c.tenant, c.first_event, c.last_event, c.window_days,
           r.event_type, r.category, r.implied_by_action, r.strength, r.source
    FROM coverage c
    JOIN claimed_event_types r ON c.provider = r.provider
    WHERE NOT array_has(c.event_types, r.event_type)
),
implied AS (
    SELECT x.provider, x.tenant, x.event_type, count(e.event_uid) AS implying_events,
           min(e.event_uid) AS example_event
    FROM expected x
    JOIN events e
      ON e.provider = x.provider AND e.tenant = x.tenant AND e.action = x.implied_by_action
     AND e.time <= (SELECT as_of FROM params)
    GROUP BY x.provider, x.tenant, x.event_type
),
judged AS (
    SELECT x.*, coalesce(i.implying_events, 0) AS implying_events, i.example_event,
           CASE WHEN coalesce(i.implying_events, 0) > 0 AND x.strength = 'strong' THEN 'confirmed'
                ELSE 'indeterminate' END AS verdict
    FROM expected x
    LEFT JOIN implied i ON x.provider = i.provider AND x.tenant = i.tenant AND x.event_type = i.event_type
),
grouped AS (
    -- One row per implied absence, and one per provider and tenant for the rest (one pass:
    -- a CTE read twice is computed twice).
    SELECT provider, tenant,
           CASE WHEN implying_events > 0 THEN event_type END AS gap,
           min(first_event) AS first_event, max(last_event) AS last_event, max(window_days) AS window_days,
           count(*) AS event_type_count,
           array_sort(array_agg(event_type)) AS event_types,
           array_sort(array_agg(DISTINCT category)) AS categories,
           array_sort(array_agg(DISTINCT source)) AS claim_sources,
           max(category) AS category, max(implied_by_action) AS implied_by_action,
           max(implying_events) AS implying_events, max(example_event) AS example_event,
           max(source) AS source, max(verdict) AS verdict
    FROM judged
    GROUP BY provider, tenant, CASE WHEN implying_events > 0 THEN event_type END
)
SELECT
    'missing-event-type' AS rule_id,
    CASE WHEN gap IS NULL THEN 'low' WHEN verdict = 'confirmed' THEN 'high' ELSE 'medium' END AS severity,
    CASE WHEN gap IS NULL THEN 'indeterminate' ELSE verdict END AS verdict,
    provider,
    tenant,
    coalesce(gap, 'unseen-event-types') AS subject_uid,
    coalesce(gap, concat(CAST(event_type_count AS VARCHAR),
                         CASE WHEN event_type_count = 1 THEN ' documented event type' ELSE ' documented event types' END,
                         ' not seen')) AS subject_name,
    CASE WHEN gap IS NULL THEN 'event_types' ELSE 'event_type' END AS subject_type,
    CASE
        WHEN gap IS NOT NULL THEN
            concat('No ', gap, ' event is logged although ', CAST(implying_events AS VARCHAR), ' ',
                   implied_by_action, ' events imply it: check the export and the provider''s logging.')
        ELSE
            concat('No event of ', CAST(event_type_count AS VARCHAR),
                   CASE WHEN event_type_count = 1 THEN ' event type' ELSE ' event types' END,
                   ' the provider documents in ', CAST(CAST(window_days AS BIGINT) AS VARCHAR),
                   ' days, and no other event implies ', CASE WHEN event_type_count = 1 THEN 'it' ELSE 'them' END, ': ',
                   array_to_string(event_types, ', '),
                   '. Absent from the export, or nothing of the kind happened.')
    END AS summary,
    CASE
        WHEN gap IS NOT NULL THEN
            json_object(
                'event_type', gap, 'category', category, 'implied_by_action', implied_by_action,
                'implying_events', implying_events, 'example_implying_event', example_event,
                'window_start', first_event, 'window_end', last_event, 'window_days', window_days,
                'claim_source', source
            )
        ELSE
            json_object(
                'event_types', event_types, 'event_type_count', event_type_count, 'categories', categories,
                'implying_events', 0,
                'window_start', first_event, 'window_end', last_event, 'window_days', window_days,
                'claim_sources', claim_sources
            )
    END AS evidence,
    first_event AS first_seen,
    last_event AS last_seen
FROM grouped
