-- trust_edges: one row per edge "identity A obtained (or may obtain) identity B", from
-- every provider's events up to as_of: the ways a workload outside a provider, or one
-- identity inside it, becomes another.
--
-- `observed` edges are what the logs show happening, grouped by (source, target,
-- mechanism) with first and last time, count and the first and last event that prove it:
-- - AWS `AssumeRoleWithWebIdentity`: the OIDC subject (the token's `sub`, such as GitHub
--   Actions' `repo:acme/infra:ref:refs/heads/main` or `...:pull_request`) of an issuer
--   (`identityProvider` / `responseElements.provider`, an `oidc-provider/<host>` ARN
--   shortened to its host) took the role;
-- - AWS `AssumeRoleWithSAML`: the SAML subject of an issuer took the role;
-- - AWS `AssumeRole`: an identity (a user, or a role's session, which acts as its role)
--   took the role; an identity of another account (its ARN names another account) is
--   `external`, as are the OIDC and SAML subjects;
-- - Google Cloud `GenerateAccessToken`, `GenerateIdToken`, `SignJwt`, `SignBlob`: the
--   caller impersonated the service account.
-- `allowed` edges are what an AWS role's trust policy admits (its latest `CreateRole` or
-- `UpdateAssumeRolePolicy` document): for each statement that trusts a federated
-- (OIDC or SAML) principal, the condition on the token's subject (`trust_condition`, the
-- `StringLike` / `StringEquals` object as written) and whether it admits many subjects:
-- a `*` or `?` in it (`repo:acme/infra:*` admits every branch and pull request), a
-- pull request subject, or no condition at all (`admits_many`).
-- The source of an allowed edge is the issuer and the subject pattern it admits
-- (`token.actions.githubusercontent.com repo:acme/infra:*`; `(any subject)` without a
-- condition on the subject); `admits_many` looks at that pattern only.
-- `crosses_provider` is true when the source is from outside the provider (an OIDC or
-- SAML issuer, such as GitHub). Failed calls are not edges.
WITH assumed AS (
    SELECT provider, tenant, event_type, target_uid, target_name, time, event_uid,
           actor_uid, actor_type,
           json_get_str(raw, 'userIdentity', 'userName') AS user_name,
           coalesce(json_get_str(raw, 'responseElements', 'subjectFromWebIdentityToken'),
                    json_get_str(raw, 'responseElements', 'subject')) AS token_subject,
           regexp_replace(
               coalesce(json_get_str(raw, 'responseElements', 'provider'),
                        json_get_str(raw, 'userIdentity', 'identityProvider'),
                        json_get_str(raw, 'responseElements', 'issuer')),
               '^arn:aws[a-z-]*:iam::[0-9]+:(oidc|saml)-provider/', '') AS issuer
    FROM events
    WHERE provider = 'aws_cloudtrail'
      AND event_type IN ('AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML')
      AND target_uid IS NOT NULL AND outcome <> 'failure'
      AND time <= (SELECT as_of FROM params)
),
observed_aws AS (
    SELECT provider, tenant,
           CAST(CASE WHEN event_type = 'AssumeRole' THEN actor_uid
                ELSE coalesce(token_subject, user_name, actor_uid) END AS VARCHAR) AS source_uid,
           CASE WHEN event_type = 'AssumeRoleWithWebIdentity' THEN 'oidc_subject'
                WHEN event_type = 'AssumeRoleWithSAML' THEN 'saml_subject'
                WHEN actor_type = 'system' THEN 'service'
                WHEN actor_uid LIKE 'arn:%:role/%' THEN 'role'
                ELSE 'identity' END AS source_kind,
           CAST(CASE WHEN event_type = 'AssumeRole' THEN NULL ELSE issuer END AS VARCHAR) AS issuer,
           CAST(target_uid AS VARCHAR) AS target_uid, CAST(target_name AS VARCHAR) AS target_name,
           CAST(event_type AS VARCHAR) AS mechanism, time, CAST(event_uid AS VARCHAR) AS event_uid,
           event_type <> 'AssumeRole'
               OR (actor_uid LIKE 'arn:%' AND split_part(actor_uid, ':', 5) <> ''
                   AND split_part(actor_uid, ':', 5) <> tenant) AS external,
           event_type <> 'AssumeRole' AS crosses_provider,
           event_type = 'AssumeRoleWithWebIdentity'
               AND coalesce(token_subject, user_name, '') LIKE '%:pull_request%' AS pull_request
    FROM assumed
    WHERE event_type <> 'AssumeRole' OR actor_uid IS NOT NULL
),
observed_gcp AS (
    SELECT provider, tenant, CAST(actor_uid AS VARCHAR) AS source_uid,
           CASE WHEN actor_uid LIKE 'principal%://%' THEN 'oidc_subject'
                WHEN actor_is_machine THEN 'service_account' ELSE 'identity' END AS source_kind,
           CAST(NULL AS VARCHAR) AS issuer,
           CAST(target_uid AS VARCHAR) AS target_uid, CAST(target_name AS VARCHAR) AS target_name,
           CAST(event_type AS VARCHAR) AS mechanism, time, CAST(event_uid AS VARCHAR) AS event_uid,
           actor_uid LIKE 'principal%://%' AS external,
           actor_uid LIKE 'principal%://%' AS crosses_provider,
           false AS pull_request
    FROM events
    WHERE provider = 'gcp_audit'
      AND event_type IN ('GenerateAccessToken', 'GenerateIdToken', 'SignJwt', 'SignBlob')
      AND actor_uid IS NOT NULL AND target_uid IS NOT NULL AND actor_uid <> target_uid
      AND outcome <> 'failure' AND time <= (SELECT as_of FROM params)
),
observed AS (
    SELECT provider, tenant, source_uid, source_kind, issuer, target_uid,
           last_value(target_name ORDER BY time) AS target_name, mechanism,
           bool_or(external) AS external, bool_or(crosses_provider) AS crosses_provider,
           bool_or(pull_request) AS admits_many,
           min(time) AS first_seen, max(time) AS last_seen, count(*) AS uses,
           first_value(event_uid ORDER BY time) AS first_event,
           last_value(event_uid ORDER BY time) AS last_event
    FROM (SELECT * FROM observed_aws UNION ALL SELECT * FROM observed_gcp) o
    GROUP BY provider, tenant, source_uid, source_kind, issuer, target_uid, mechanism
),
policies AS (
    -- The latest trust policy of each AWS role.
    SELECT provider, tenant, target_uid AS role_uid,
           last_value(target_name ORDER BY time) AS role_name,
           last_value(coalesce(json_get_str(raw, 'requestParameters', 'assumeRolePolicyDocument'),
                               json_get_str(raw, 'requestParameters', 'policyDocument'))
                      ORDER BY time) AS doc,
           max(time) AS written_at,
           last_value(event_uid ORDER BY time) AS policy_event
    FROM events
    WHERE provider = 'aws_cloudtrail' AND event_type IN ('CreateRole', 'UpdateAssumeRolePolicy')
      AND target_uid IS NOT NULL AND outcome <> 'failure'
      AND time <= (SELECT as_of FROM params)
    GROUP BY provider, tenant, target_uid
),
statements AS (
    -- `Statement` is a list, or one object; up to 4 statements are read. One scan of
    -- `policies` for all four (a CTE named four times is planned, and scanned, four times).
    SELECT p.*,
           CASE s.i
               WHEN 0 THEN coalesce(json_get_json(p.doc, 'Statement', 0),
                                    CASE WHEN json_get_json(p.doc, 'Statement', 'Effect') IS NOT NULL
                                         THEN json_get_json(p.doc, 'Statement') END)
               WHEN 1 THEN json_get_json(p.doc, 'Statement', 1)
               WHEN 2 THEN json_get_json(p.doc, 'Statement', 2)
               ELSE json_get_json(p.doc, 'Statement', 3)
           END AS st
    FROM policies p CROSS JOIN (VALUES (0), (1), (2), (3)) AS s(i)
),
allowed AS (
    SELECT provider, tenant, role_uid, role_name, written_at, policy_event,
           regexp_replace(coalesce(json_get_str(st, 'Principal', 'Federated'),
                                   json_get_json(st, 'Principal', 'Federated')),
                          '^arn:aws[a-z-]*:iam::[0-9]+:(oidc|saml)-provider/', '') AS issuer,
           json_get_json(st, 'Condition') AS conditions,
           coalesce(json_get_json(st, 'Condition', 'StringLike'),
                    json_get_json(st, 'Condition', 'StringEquals'),
                    json_get_json(st, 'Condition', 'ForAnyValue:StringLike')) AS trust_condition,
           json_get_str(st, 'Action') AS action_text, json_get_json(st, 'Action') AS action_json
    FROM statements
    WHERE st IS NOT NULL AND json_get_str(st, 'Effect') = 'Allow'
      AND json_get_json(st, 'Principal', 'Federated') IS NOT NULL
)
SELECT provider, tenant, source_uid, source_kind, issuer, CAST(target_uid AS VARCHAR) AS target_uid,
       CAST(target_name AS VARCHAR) AS target_name, CAST(mechanism AS VARCHAR) AS mechanism,
       true AS observed, CAST(NULL AS VARCHAR) AS trust_condition,
       external, crosses_provider, admits_many,
       first_seen, last_seen, uses, first_event, last_event
FROM observed
UNION ALL
SELECT provider, tenant,
       CAST(concat(issuer, ' ', coalesce(subject_pattern, '(any subject)')) AS VARCHAR) AS source_uid,
       CASE WHEN coalesce(action_text, action_json) LIKE '%SAML%' THEN 'saml_subject' ELSE 'oidc_subject' END AS source_kind,
       CAST(issuer AS VARCHAR), CAST(role_uid AS VARCHAR) AS target_uid,
       CAST(role_name AS VARCHAR) AS target_name,
       CAST(coalesce(action_text, action_json) AS VARCHAR) AS mechanism,
       false AS observed, CAST(trust_condition AS VARCHAR),
       true AS external, true AS crosses_provider,
       subject_pattern IS NULL OR subject_pattern LIKE '%*%' OR subject_pattern LIKE '%?%'
           OR subject_pattern LIKE '%pull_request%' AS admits_many,
       written_at AS first_seen, written_at AS last_seen, CAST(0 AS BIGINT) AS uses,
       policy_event AS first_event, policy_event AS last_event
FROM (
    -- The condition on the token's subject (`<issuer>:sub`), a string or a list.
    SELECT *,
           CASE WHEN trust_condition LIKE '%:sub"%' THEN
               btrim(regexp_replace(trust_condition,
                                    '.*:sub"\s*:\s*("[^"]*"|\[[^\]]*\]).*', '\1'), '"')
           END AS subject_pattern
    FROM allowed
) a
