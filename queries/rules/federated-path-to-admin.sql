-- rule: federated-path-to-admin
-- title: Outside workload can become admin
-- ## What it finds
-- Paths from a subject outside the provider to one of its admin roles: a CI/CD workflow
-- (GitHub Actions, GitLab), a workload of another cloud, a SAML subject or an identity of
-- another account that federates in and takes a role (AWS `AssumeRoleWithWebIdentity`,
-- `AssumeRoleWithSAML`, `AssumeRole` across accounts; Google Cloud workload identity
-- federation and service-account impersonation), directly or through a chain of roles,
-- ending at an identity that holds an active admin role. One finding per origin and
-- admin role, over the paths of the `trust_paths` view.
-- ## Why it matters
-- The breaches that matter most in machine identity start outside the tenant: whoever
-- can push to a branch, open a pull request or run a partner's job can take the role.
-- No SOC 2 report says which pipelines can become admin; a trust policy whose subject
-- condition has a wildcard (`repo:acme/infra:*`) admits every branch and every pull
-- request.
-- ## How it decides
-- From `trust_paths`: edges observed in the logs (a role was taken) and edges a role's
-- latest trust policy allows (`CreateRole` / `UpdateAssumeRolePolicy`: a federated
-- principal and its subject condition), at most 4 hops, no identity twice, ending at a
-- holder of an active admin role (`role_assignments`, roles matched by `admin_roles`). A
-- role whose rights are read-only holds no admin role and is not a finding, whatever its
-- trust. High when the trust admits more than one branch or pull requests (a `*` or `?`
-- in the subject condition, a pull request subject, no condition), or when the path
-- crosses providers (it starts at an OIDC or SAML issuer such as GitHub); medium
-- otherwise (an identity of another account of the same provider).
-- `verdict` is `confirmed` when every hop was observed, `indeterminate` when a hop is
-- only allowed by a trust policy (the logs do not show it used).
-- ## What to do
-- Narrow the trust condition to the one branch or environment that needs it
-- (`repo:acme/infra:ref:refs/heads/main`, `repo:acme/infra:environment:prod`), never
-- pull requests; give the pipeline a role with only the rights it needs.
-- ## Frameworks
-- OWASP NHI5 (Overprivileged NHI), OWASP NHI9 (NHI Reuse), NIST CSF 2.0 PR.AA-05,
-- ISO 27001:2022 A.5.15, ISO 27001:2022 A.8.2, SOC 2 CC6.1, SOC 2 CC6.3
WITH paths AS (
    SELECT provider, tenant, origin_uid, origin_kind, issuer, admin_uid, admin_role,
           bool_or(crosses_provider) AS crosses_provider,
           bool_or(privileged) AS privileged,
           bool_or(admits_many) AS admits_many,
           bool_or(observed) AS observed,
           min(hops) AS hops,
           first_value(admin_name ORDER BY hops) AS admin_name,
           first_value(path ORDER BY observed DESC, hops, path) AS path,
           count(*) AS paths,
           min(first_seen) AS first_seen,
           max(last_seen) AS last_seen
    FROM trust_paths
    GROUP BY provider, tenant, origin_uid, origin_kind, issuer, admin_uid, admin_role
)
SELECT
    'federated-path-to-admin' AS rule_id,
    CASE WHEN admits_many OR crosses_provider THEN 'high' ELSE 'medium' END AS severity,
    CASE WHEN observed THEN 'confirmed' ELSE 'indeterminate' END AS verdict,
    provider,
    tenant,
    concat(origin_uid, ' -> ', admin_uid, ' / ', admin_role) AS subject_uid,
    concat(origin_uid, ' -> ', coalesce(admin_name, admin_uid), ' / ', admin_role) AS subject_name,
    'trust_path' AS subject_type,
    concat(origin_uid,
           CASE WHEN issuer IS NOT NULL THEN concat(' (', issuer, ')') ELSE '' END,
           CASE WHEN observed THEN ' became ' ELSE ' may become ' END,
           coalesce(admin_name, admin_uid), ', which holds ', admin_role,
           ' (', CAST(hops AS VARCHAR), CASE WHEN hops = 1 THEN ' hop' ELSE ' hops' END,
           CASE WHEN admits_many THEN '; its trust admits many subjects' ELSE '' END,
           '): narrow the trust or the role.') AS summary,
    json_object(
        'origin', origin_uid, 'origin_kind', origin_kind, 'issuer', issuer,
        'admin_uid', admin_uid, 'admin_name', admin_name, 'admin_role', admin_role,
        'privileged', privileged, 'crosses_provider', crosses_provider,
        'admits_many', admits_many, 'observed', observed, 'hops', hops,
        'paths', paths, 'path', json_parse(path)
    ) AS evidence,
    first_seen,
    last_seen
FROM paths
