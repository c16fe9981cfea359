//! The bundled `sample-logs/` read completely: the counts in each PLANTED.md, no rejects,
//! the tenant folders applied, and duplicates across export channels recognized.

use std::collections::BTreeMap;

use crate::common::*;

#[test]
fn okta_aws_entra_samples_ingest_completely() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let inputs = [
        sample_logs("okta"),
        sample_logs("aws_cloudtrail"),
        sample_logs("entra"),
    ];
    let args: Vec<&str> = inputs.iter().map(|p| p.to_str().unwrap()).collect();
    let (s, out) = ingest(&lake, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let p = &s["providers"];
    assert_eq!(p["okta"]["ingested"], 1321, "{s}");
    // The CloudWatch single record repeats one trail event: a duplicate, not a new event.
    assert_eq!(
        (
            p["aws_cloudtrail"]["ingested"].as_u64(),
            p["aws_cloudtrail"]["duplicates"].as_u64()
        ),
        (Some(1477), Some(1)),
        "{s}"
    );
    assert_eq!(p["entra"]["ingested"], 1135 + 125, "{s}");
    assert_eq!(total(&s, "rejected"), 0, "{s}");

    let events = read_all(&lake.join("events"));
    let mut per_tenant: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (p, t) in strings(&events, "provider")
        .into_iter()
        .zip(strings(&events, "tenant"))
    {
        *per_tenant.entry((p.unwrap(), t.unwrap())).or_default() += 1;
    }
    let want: BTreeMap<(String, String), usize> = [
        (("aws_cloudtrail", "111122223333"), 1477),
        (("entra", "3f1b6c2e-8a4d-4e1f-9c7b-2d5e6f7a8b9c"), 1135),
        (("entra", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"), 125),
        (("okta", "acme.okta.com"), 1321),
    ]
    .into_iter()
    .map(|((p, t), n)| ((p.to_string(), t.to_string()), n))
    .collect();
    assert_eq!(per_tenant, want);
}
