//! The claims scorer (docs/design.md section 6): each status over small fixture lakes, the
//! contradictions the issue names (tokens used but their creation never logged; a
//! covered window shorter than the claimed retention; gaps in a continuous stream),
//! malformed user profiles, the built-in profiles against the reference CSV, and
//! `trailcheck score` over sample-logs/.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};
use trailcheck::scoring::{self, Scorecard, claims};
use trailcheck::session::{Params, Session};

use crate::common::*;

/// One event in the events shape (NDJSON), with `raw` as given.
fn ev(uid: &str, time: &str, event_type: &str, category: &str, action: &str, raw: Value) -> String {
    json!({
        "event_uid": uid, "time": time, "provider": "okta", "tenant": "acme",
        "event_type": event_type, "category": category, "action": action,
        "outcome": "success", "actor_uid": format!("actor-{uid}"),
        "raw": raw.to_string(),
    })
    .to_string()
}

/// A lake holding exactly these events (as tests/it/slt.rs `fixture_lake` does).
fn fixture_lake(lines: &[String]) -> tempfile::TempDir {
    let lake = tempfile::tempdir().unwrap();
    let dir = lake.path().join("events");
    std::fs::create_dir_all(&dir).unwrap();
    let text = lines.join("\n");
    let reader = arrow::json::ReaderBuilder::new(trailcheck::event::schema())
        .build(std::io::Cursor::new(text.into_bytes()))
        .unwrap();
    let batches: Vec<_> = reader.collect::<Result<_, _>>().unwrap();
    let all = arrow::compute::concat_batches(&trailcheck::event::schema(), &batches).unwrap();
    trailcheck::lake::tables::write_parquet(&dir.join("fixture.parquet"), &all).unwrap();
    lake
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Score `lake` with the built-in profiles, okta's replaced by `profile`.
fn score(lake: &Path, profile: &str) -> Scorecard {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("okta.toml");
    std::fs::write(&path, profile).unwrap();
    let profiles = claims::load(Some(&path)).unwrap();
    rt().block_on(async {
        let s = Session::open(lake, &Params::default()).await.unwrap();
        scoring::scorecard(&s, &profiles, "test-run").await.unwrap()
    })
}

/// claim_id -> (status, evidence) for okta/acme.
fn statuses(card: &Scorecard) -> BTreeMap<String, (String, Value)> {
    card.claims
        .iter()
        .filter(|c| c.provider == "okta" && c.tenant == "acme")
        .map(|c| {
            (
                c.claim_id.clone(),
                (c.status.to_string(), c.evidence.clone()),
            )
        })
        .collect()
}

const SRC: &str = "source_url = \"https://example.com/doc\"\nretrieved = \"2026-11-27\"\n";

fn claim(id: &str, body: &str) -> String {
    format!("\n[[claim]]\nid = \"{id}\"\nstatement = \"test claim {id}\"\n{body}\n{SRC}")
}

fn profile(claims: &[String]) -> String {
    format!("provider = \"okta\"\ntitle = \"test\"\n{}", claims.concat())
}

/// Ten days of Okta: sign-ins every day, one user creation, tokens used (action
/// `credential.use`) but no `system.api_token.create`; severity missing in one raw.
fn okta_events() -> Vec<String> {
    let mut v = Vec::new();
    for d in 1..=10 {
        let uid = format!("s{d:02}");
        let mut raw = json!({"uuid": uid, "published": "x", "eventType": "user.session.start", "severity": "INFO"});
        if d == 5 {
            raw.as_object_mut().unwrap().remove("severity");
        }
        v.push(ev(
            &uid,
            &format!("2026-06-{d:02}T10:00:00Z"),
            "user.session.start",
            "authentication",
            "login",
            raw,
        ));
    }
    v.push(ev("c1", "2026-06-03T11:00:00Z", "user.lifecycle.create", "lifecycle", "identity.create",
        json!({"uuid": "c1", "published": "x", "eventType": "user.lifecycle.create", "severity": "INFO"})));
    for (i, d) in [4, 6, 8].iter().enumerate() {
        let uid = format!("t{i}");
        v.push(ev(&uid, &format!("2026-06-{d:02}T12:00:00Z"), "app.oauth2.as.token.grant.access_token", "token", "credential.use",
            json!({"uuid": uid, "published": "x", "eventType": "app.oauth2.as.token.grant.access_token", "severity": "INFO"})));
    }
    v
}

#[test]
fn event_type_and_category_claims_get_each_status() {
    let lake = fixture_lake(&okta_events());
    let card = score(
        lake.path(),
        &profile(&[
            claim(
                "all-present",
                "kind = \"event_type\"\nevent_types = [\"user.session.start\", \"user.lifecycle.create\"]",
            ),
            claim(
                "some-present",
                "kind = \"event_type\"\nevent_types = [\"user.session.start\", \"user.lifecycle.deactivate\"]",
            ),
            claim(
                "none-present",
                "kind = \"event_type\"\nevent_types = [\"policy.lifecycle.update\"]",
            ),
            // Tokens are used (credential.use) but their creation is never logged: the
            // reference table says credential.use strongly implies system.api_token.create.
            claim(
                "token-creation",
                "kind = \"event_type\"\ncategory = \"token\"\nevent_types = [\"system.api_token.create\"]",
            ),
            claim(
                "auth-category",
                "kind = \"category\"\ncategory = \"authentication\"",
            ),
            claim(
                "policy-category",
                "kind = \"category\"\ncategory = \"policy\"",
            ),
        ]),
    );
    let s = statuses(&card);
    assert_eq!(s["all-present"].0, "verified", "{:#}", s["all-present"].1);
    assert_eq!(s["all-present"].1["event_counts"]["user.session.start"], 10);
    assert_eq!(s["some-present"].0, "partial");
    assert_eq!(
        s["some-present"].1["missing"],
        json!(["user.lifecycle.deactivate"])
    );
    assert_eq!(s["some-present"].1["present_ratio"], json!(0.5));
    assert_eq!(s["none-present"].0, "unverified");
    let (status, evidence) = &s["token-creation"];
    assert_eq!(status, "contradicted", "{evidence:#}");
    let implied = &evidence["implied_by_other_events"][0];
    assert_eq!(implied["implied_by_action"], "credential.use");
    assert_eq!(implied["strength"], "strong");
    assert_eq!(implied["implying_events"], 3);
    assert_eq!(implied["examples"], json!(["t0", "t1", "t2"]));
    assert_eq!(s["auth-category"].0, "verified");
    assert!(s["auth-category"].1["examples"].as_array().unwrap().len() == 5);
    assert_eq!(s["policy-category"].0, "unverified");

    // Frameworks: token claims name credential controls; every claim names logging.
    let token = card
        .claims
        .iter()
        .find(|c| c.claim_id == "token-creation")
        .unwrap();
    for f in [
        "SOC 2 CC7.2",
        "ISO 27001:2022 A.8.15",
        "NIST CSF 2.0 PR.PS-04",
        "NIST CSF 2.0 PR.AA-01",
        "OWASP NHI7",
    ] {
        assert!(
            token.frameworks.iter().any(|x| x == f),
            "{f} in {:?}",
            token.frameworks
        );
    }
    // One score per provider/tenant, 0-100, on the batch of every row.
    assert_eq!(card.scores.len(), 1);
    let score = card.scores[0].score.unwrap();
    assert!((0..=100).contains(&score));
    let batch = card.batch().unwrap();
    assert_eq!(batch.schema(), trailcheck::model::ScoredClaim::schema());
    assert_eq!(batch.num_rows(), 6);
}

#[test]
fn field_claims_use_fill_ratios() {
    let lake = fixture_lake(&okta_events());
    let card = score(
        lake.path(),
        &profile(&[
            claim(
                "always",
                "kind = \"field\"\nfields = [[\"uuid\"], [\"eventType\"]]\ncolumns = [\"actor_uid\", \"event_type\"]",
            ),
            claim(
                "mostly",
                "kind = \"field\"\nfields = [[\"uuid\"], [\"severity\"]]",
            ),
            claim(
                "never",
                "kind = \"field\"\nfields = [[\"uuid\"], [\"debugContext\", \"debugData\"]]",
            ),
            claim(
                "no-events",
                "kind = \"field\"\ncategory = \"policy\"\nfields = [[\"uuid\"]]",
            ),
        ]),
    );
    let s = statuses(&card);
    assert_eq!(s["always"].0, "verified", "{:#}", s["always"].1);
    assert_eq!(s["always"].1["fill_ratio"]["raw.uuid"], json!(1.0));
    assert_eq!(s["always"].1["fill_ratio"]["actor_uid"], json!(1.0));
    assert_eq!(s["mostly"].0, "partial", "{:#}", s["mostly"].1);
    assert_eq!(s["mostly"].1["events_checked"], 14);
    assert_eq!(s["mostly"].1["fill_ratio"]["raw.severity"], json!(0.9286));
    assert_eq!(s["mostly"].1["examples"], json!(["s05"]));
    assert_eq!(s["never"].0, "contradicted");
    assert_eq!(
        s["never"].1["fill_ratio"]["raw.debugContext.debugData"],
        json!(0.0)
    );
    assert_eq!(s["no-events"].0, "unverified");
}

/// Text of a claims profile is data: quotes, comment markers and `) OR (1=1` in an event
/// type, a JSON key or a statement match only what they say (values are bound to the
/// queries, never pasted into them).
#[test]
fn hostile_profile_text_is_scored_as_plain_data() {
    const HOSTILE: &str = r#"x' OR '1'='1"; DROP TABLE events; --) OR (1=1"#;
    const ABSENT: &str = r#"y') OR (1=1) OR ('"; --"#;
    let mut events = okta_events();
    events.push(ev(
        "h1",
        "2026-06-09T09:00:00Z",
        HOSTILE,
        "other",
        "other",
        json!({"uuid": "h1", HOSTILE: "filled"}),
    ));
    let lake = fixture_lake(&events);
    let hostile_claim = |id: &str, body: &str| {
        format!("\n[[claim]]\nid = \"{id}\"\nstatement = '''{HOSTILE}'''\n{body}\n{SRC}")
    };
    let card = score(
        lake.path(),
        &profile(&[
            hostile_claim(
                "present",
                &format!("kind = \"event_type\"\nevent_types = ['''{HOSTILE}''']"),
            ),
            hostile_claim(
                "absent",
                &format!("kind = \"event_type\"\nevent_types = ['''{ABSENT}''']"),
            ),
            hostile_claim(
                "field",
                &format!("kind = \"field\"\nfields = [['''{HOSTILE}''']]"),
            ),
            hostile_claim(
                "field-absent",
                &format!("kind = \"field\"\nfields = [['''{ABSENT}''']]"),
            ),
        ]),
    );
    let s = statuses(&card);
    assert_eq!(s["present"].0, "verified", "{:#}", s["present"].1);
    assert_eq!(s["present"].1["event_counts"][HOSTILE], 1);
    assert_eq!(s["present"].1["examples"], json!(["h1"]));
    assert_eq!(s["absent"].0, "unverified", "{:#}", s["absent"].1);
    assert_eq!(s["absent"].1["event_counts"][ABSENT], 0);
    // One event of the fifteen has the key.
    assert_eq!(s["field"].0, "partial", "{:#}", s["field"].1);
    assert_eq!(s["field"].1["events_checked"], 15);
    assert_eq!(
        s["field-absent"].0, "contradicted",
        "{:#}",
        s["field-absent"].1
    );
    let row = card
        .claims
        .iter()
        .find(|c| c.claim_id == "present")
        .unwrap();
    assert_eq!(row.statement, HOSTILE);
}

#[test]
fn retention_claims_compare_the_covered_window() {
    // Events 2026-06-01 .. 2026-06-10: a window of about 9 days up to as_of.
    let lake = fixture_lake(&okta_events());
    let card = score(
        lake.path(),
        &profile(&[
            claim(
                "short-retention",
                "kind = \"retention\"\nretention_days = { all = 7 }",
            ),
            claim(
                "long-retention",
                "kind = \"retention\"\nretention_days = { all = 30 }",
            ),
            // The export is stated to be complete: a shorter window contradicts the claim.
            claim(
                "complete-export",
                "kind = \"retention\"\nretention_days = { all = 30 }\nexport_complete = true",
            ),
            claim(
                "smallest-tier",
                "kind = \"retention\"\nretention_days = { free = 7, p1 = 30 }",
            ),
            claim(
                "given-tier",
                "kind = \"retention\"\nretention_days = { free = 7, p1 = 30 }\ntier = \"p1\"",
            ),
            claim("no-number", "kind = \"retention\""),
            claim("no-latency-number", "kind = \"latency\""),
        ]),
    );
    let s = statuses(&card);
    assert_eq!(
        s["short-retention"].0, "verified",
        "{:#}",
        s["short-retention"].1
    );
    assert_eq!(s["short-retention"].1["claimed_retention_days"], 7);
    assert_eq!(s["long-retention"].0, "partial");
    let (status, evidence) = &s["complete-export"];
    assert_eq!(status, "contradicted", "{evidence:#}");
    let window = evidence["covered_window_days"].as_f64().unwrap();
    assert!((8.9..9.1).contains(&window), "{window}");
    assert!(
        evidence["reason"]
            .as_str()
            .unwrap()
            .contains("less than the claimed 30 days")
    );
    assert_eq!(s["smallest-tier"].0, "verified");
    assert_eq!(s["smallest-tier"].1["tier"], "free");
    assert_eq!(s["given-tier"].0, "partial");
    assert_eq!(s["given-tier"].1["tier"], "p1");
    assert_eq!(s["no-number"].0, "unverified");
    assert_eq!(s["no-number"].1["testable"], false);
    assert_eq!(s["no-latency-number"].0, "unverified");
}

#[test]
fn gaps_contradict_a_continuous_stream() {
    // Days 1-3 and 10-12: a silent gap of 6 days (logging-gap's gap_days is 3).
    let mut lines = Vec::new();
    for d in [1, 2, 3, 10, 11, 12] {
        let uid = format!("g{d:02}");
        lines.push(ev(
            &uid,
            &format!("2026-06-{d:02}T10:00:00Z"),
            "user.session.start",
            "authentication",
            "login",
            json!({"uuid": uid}),
        ));
    }
    let lake = fixture_lake(&lines);
    let card = score(
        lake.path(),
        &profile(&[
            claim(
                "continuous",
                "kind = \"retention\"\nretention_days = { all = 7 }\ncontinuous = true",
            ),
            claim(
                "not-continuous",
                "kind = \"retention\"\nretention_days = { all = 7 }",
            ),
        ]),
    );
    let s = statuses(&card);
    let (status, evidence) = &s["continuous"];
    assert_eq!(status, "contradicted", "{evidence:#}");
    assert_eq!(evidence["gaps"][0]["subject"], "gap:2026-06-04..2026-06-09");
    assert_eq!(s["not-continuous"].0, "verified");
    // Weighting: a contradicted retention claim (weight 2, 0 points) and a verified one
    // (weight 2, 1 point) give 50.
    assert_eq!(card.scores[0].score, Some(50));
}

fn parse_error(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vendor-soc2.toml");
    std::fs::write(&path, text).unwrap();
    let e = claims::load(Some(&path)).unwrap_err().to_string();
    assert!(
        e.contains(&path.display().to_string()),
        "names the file: {e}"
    );
    e
}

#[test]
fn malformed_user_profiles_are_clear_errors() {
    // TOML syntax: line 3.
    let e = parse_error("provider = \"okta\"\ntitle = \"x\"\n[[claim]\nid = \"a\"\n");
    assert!(e.contains("vendor-soc2.toml:3:"), "{e}");
    // Unknown kind: names the line and the expected values.
    let e = parse_error(&format!(
        "provider = \"okta\"\ntitle = \"x\"\n\n[[claim]]\nid = \"a\"\nkind = \"volume\"\nstatement = \"s\"\n{SRC}"
    ));
    assert!(e.contains("vendor-soc2.toml:6:"), "{e}");
    assert!(e.contains("event_type") && e.contains("retention"), "{e}");
    // A kind without what it needs.
    let e = parse_error(&profile(&[claim("a", "kind = \"event_type\"")]));
    assert!(e.contains("vendor-soc2.toml:4:"), "{e}");
    assert!(e.contains("needs `event_types"), "{e}");
    // A misspelt key.
    let e = parse_error(&profile(&[claim(
        "a",
        "kind = \"retention\"\nretention_dayz = { all = 9 }",
    )]));
    assert!(e.contains("retention_dayz"), "{e}");
    assert!(e.contains("vendor-soc2.toml:8:"), "{e}");
    // Unknown provider, missing source, bad date, unknown column, unknown tier.
    let e = parse_error("provider = \"okra\"\ntitle = \"x\"\n");
    assert!(
        e.contains(":1:") && e.contains("unknown provider \"okra\""),
        "{e}"
    );
    let e = parse_error(
        "provider = \"okta\"\ntitle = \"x\"\n[[claim]]\nid = \"a\"\nkind = \"category\"\ncategory = \"admin\"\nstatement = \"s\"\n",
    );
    assert!(e.contains("source_url"), "{e}");
    let e = parse_error(
        &profile(&[claim("a", "kind = \"category\"\ncategory = \"admin\"")])
            .replace("2026-11-27", "27/11/2026"),
    );
    assert!(e.contains("YYYY-MM-DD"), "{e}");
    let e = parse_error(&profile(&[claim(
        "a",
        "kind = \"field\"\ncolumns = [\"actor_id\"]",
    )]));
    assert!(e.contains("unknown events column \"actor_id\""), "{e}");
    let e = parse_error(&profile(&[claim(
        "a",
        "kind = \"retention\"\nretention_days = { free = 7 }\ntier = \"p2\"",
    )]));
    assert!(e.contains("tier \"p2\""), "{e}");

    // The command line prints it and exits 2.
    let lake = fixture_lake(&okta_events());
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "provider = \"okta\"\ntitle = \n").unwrap();
    let out = bin()
        .arg("score")
        .arg("--lake")
        .arg(lake.path())
        .arg("--claims")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{}:2:", bad.display())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn builtin_profiles_are_dated_and_sourced() {
    // That every provider has one: tests/it/registry.rs.
    for p in &claims::builtin() {
        assert!(!p.claims.is_empty(), "{}", p.provider);
        let mut types = std::collections::BTreeSet::new();
        for c in &p.claims {
            assert_eq!(c.retrieved, "2026-11-27", "{}", c.id);
            assert!(c.source_url.starts_with("https://"), "{}", c.id);
            for t in &c.event_types {
                assert!(types.insert(t), "{}: {t} claimed twice", p.provider);
            }
        }
    }
}

#[test]
fn score_command_on_sample_logs() {
    // The shared lake of sample-logs/, copied: score commits to it.
    let (_d, lake) = copy_lake(&analyzed_samples().0.join("lake"));
    let out = bin()
        .arg("score")
        .arg("--lake")
        .arg(&lake)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut scores: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in &rows {
        let key = (
            r["provider"].as_str().unwrap().to_string(),
            r["tenant"].as_str().unwrap().to_string(),
        );
        let s = r["score"]
            .as_i64()
            .unwrap_or_else(|| panic!("no score: {r:#}"));
        assert!((0..=100).contains(&s));
        assert!(trailcheck::model::ClaimStatus::parse(r["status"].as_str().unwrap()).is_ok());
        assert!(!r["frameworks"].as_array().unwrap().is_empty());
        assert_eq!(
            *scores.entry(key).or_insert(s),
            s,
            "one score per provider/tenant"
        );
    }
    // sample-logs/ holds 9 provider/tenant pairs: Entra, Google Cloud and GitHub have two
    // tenants each (see their PLANTED.md).
    assert_eq!(scores.len(), 9, "{scores:#?}");
    for p in [
        "okta",
        "entra",
        "google_workspace",
        "aws_cloudtrail",
        "gcp_audit",
        "github",
    ] {
        assert!(scores.keys().any(|(x, _)| x == p), "{p} scored");
    }
    // Evidence planted in sample-logs: CloudTrail's silent days contradict its claim of
    // a continuous 90-day event history.
    let ct = rows
        .iter()
        .find(|r| r["claim_id"] == "aws_cloudtrail.retention.event_history")
        .unwrap();
    assert_eq!(ct["status"], "contradicted", "{ct:#}");

    // Stored in the lake, committed as a `score` run, and visible as `scorecards`.
    let stored = read_all(&lake.join("scorecards"));
    assert_eq!(
        stored.iter().map(|b| b.num_rows()).sum::<usize>(),
        rows.len()
    );
    let n = rt().block_on(async {
        let s = Session::open(&lake, &Params::default()).await.unwrap();
        let b = s
            .query("SELECT count(*) AS n FROM scorecards s JOIN runs r ON s.run_id = r.run_id WHERE r.kind = 'score'")
            .await
            .unwrap();
        trailcheck::session::udf::value_at(b[0].column(0), 0)
    });
    assert_eq!(n, json!(rows.len()));

    // The table format prints the score per provider and tenant.
    let out = bin()
        .arg("score")
        .arg("--lake")
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("aws_cloudtrail") && text.contains("contradicted"),
        "{text}"
    );
}
