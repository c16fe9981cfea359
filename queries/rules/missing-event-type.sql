-- rule: missing-event-type
-- title: Documented event type missing from the logs
-- ## What it finds
-- Event types that the provider documents as logged (reference table
-- `claimed_event_types`, shared with claims scoring) but that never appear in the lake
-- for a provider and tenant that is otherwise present.
-- ## Why it matters
-- An audit trail that silently lacks token creation, role revocation or policy changes
-- cannot support an access review, and an auditor relying on the vendor's claim would
-- not know.
-- ## How it decides
-- Each claimed type absent from `coverage.event_types`. When other events imply that the
-- activity happened (for example tokens used while no token creation is ever logged:
-- `implied_by_action` with strength `strong`), the verdict is confirmed and severity high.
-- With weaker implication (grants but never a revocation) it is indeterminate, medium;
-- with none, absence of evidence is indeterminate, low.
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
)
SELECT
    'missing-event-type' AS rule_id,
    CASE WHEN verdict = 'confirmed' THEN 'high'
         WHEN implying_events > 0 THEN 'medium'
         ELSE 'low' END AS severity,
    verdict,
    provider,
    tenant,
    event_type AS subject_uid,
    event_type AS subject_name,
    'event_type' AS subject_type,
    CASE
        WHEN implying_events > 0 THEN
            concat('No ', event_type, ' event is logged although ', CAST(implying_events AS VARCHAR), ' ',
                   implied_by_action, ' events imply it: check the export and the provider''s logging.')
        ELSE
            concat('No ', event_type, ' event in ', CAST(CAST(window_days AS BIGINT) AS VARCHAR),
                   ' days although the provider documents it: absent, or nothing of the kind happened.')
    END AS summary,
    json_object(
        'event_type', event_type, 'category', category, 'implied_by_action', implied_by_action,
        'implying_events', implying_events, 'example_implying_event', example_event,
        'window_start', first_event, 'window_end', last_event, 'window_days', window_days,
        'claim_source', source
    ) AS evidence,
    first_event AS first_seen,
    last_event AS last_seen,
    make_array('NIST CSF 2.0 PR.PS-04', 'NIST CSF 2.0 DE.CM-03', 'ISO 27001:2022 A.8.15', 'SOC 2 CC7.2') AS frameworks
FROM judged
