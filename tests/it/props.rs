//! Property tests of the mappers (issue 18): every provider's mapper, given a real
//! record of its own with some values replaced by hostile ones (huge and negative
//! numbers, impossible dates, multi-byte text in timestamps, controls, deep nesting,
//! wrong types), returns events or a reason, never panics, and every event it returns
//! has a time the lake can hold. The records come from the fixtures
//! (`tests/fixtures/samples`, `tests/fixtures/labelled`); `proptest` picks which values
//! to replace and with what, and shrinks any failure to the smallest such record.
//!
//! The reader (splitter, JSON tree, CSV) has its own properties in `props_read`; the
//! coverage-guided fuzz targets are in `fuzz/` (see fuzz/README.md).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

use trailcheck::providers::{Context, PROVIDERS, Provider};

/// Fixture records of one provider (NDJSON lines, or `record` of labelled cases).
fn corpus(provider: &str) -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let folder = match provider {
        "github" => "github_audit",
        p => p,
    };
    let mut out = Vec::new();
    let mut read = |path: &Path| {
        for line in std::fs::read_to_string(path).unwrap_or_default().lines() {
            if let Ok(v) = serde_json::from_str::<Value>(line) {
                out.push(v.get("record").cloned().unwrap_or(v));
            }
        }
    };
    if let Ok(entries) = std::fs::read_dir(root.join("samples").join(folder)) {
        for e in entries.flatten() {
            read(&e.path());
        }
    }
    read(&root.join("labelled").join(format!("{provider}.jsonl")));
    out.retain(Value::is_object);
    out
}

/// Values written to break a mapper.
fn hostile() -> impl Strategy<Value = Value> {
    let text = prop_oneof![
        Just("2017-09-0é".to_string()),
        Just("2024-02-30T10:00:00Z".to_string()),
        Just("9999-12-31T23:59:59Z".to_string()),
        Just("0000-01-01T00:00:00Z".to_string()),
        Just("1600-01-01T00:00:00+24:00".to_string()),
        Just("2026-01-01T00:00:00+99:99".to_string()),
        Just("-9223372036854775808".to_string()),
        Just("1e400".to_string()),
        Just("\u{1b}[2J\u{202e}".to_string()),
        Just(String::new()),
        Just("arn:aws:iam::".to_string()),
        Just("東京/ü/\u{0}".to_string()),
        ".{0,24}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(serde_json::json!(-1e20)),
        Just(serde_json::json!(32_971_000_000_000i64)),
        text.prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every value's path in a record (objects and arrays included).
fn paths(v: &Value, here: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                here.push(PathStep::Key(k.clone()));
                paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                here.push(PathStep::Index(i));
                paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at_mut<'a>(v: &'a mut Value, path: &[PathStep]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, step| match step {
        PathStep::Key(k) => v.get_mut(k.as_str()),
        PathStep::Index(i) => v.get_mut(*i),
    })
}

/// A time (microseconds) every engine reading the lake can convert to nanoseconds
/// (1677-09-21 to 2262-04-11).
fn nanosecond_safe(micros: i64) -> bool {
    (i64::MIN / 1000 + 1..=i64::MAX / 1000).contains(&micros)
}

/// Map one record with `provider`; a panic is the failure this test looks for.
fn map_checked(provider: &Provider, record: &Value) -> Result<(), TestCaseError> {
    let text = record.to_string();
    let tree = trailcheck::json::from_str(&text).expect("serde_json wrote it");
    let ctx = Context {
        raw: text.as_bytes(),
        ..Context::default()
    };
    let mapped = catch_unwind(AssertUnwindSafe(|| (provider.map)(&tree, &ctx)));
    let Ok(result) = mapped else {
        return Err(TestCaseError::fail(format!(
            "{} mapper panicked on {text}",
            provider.name
        )));
    };
    if let Ok(events) = result {
        for e in events {
            let ok = nanosecond_safe(e.time);
            prop_assert!(
                ok,
                "{}: event time {} out of range from {text}",
                provider.name,
                e.time
            );
            if let Some(x) = e.credential_expires {
                prop_assert!(
                    nanosecond_safe(x),
                    "{}: credential_expires {x} out of range from {text}",
                    provider.name
                );
            }
        }
    }
    Ok(())
}

fn mappers_hold(provider: &'static Provider) {
    let records = corpus(provider.name);
    assert!(
        !records.is_empty(),
        "no fixture records for {}",
        provider.name
    );
    let mut runner = TestRunner::new(Config {
        cases: 768,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        prop::sample::select(records),
        prop::collection::vec((any::<prop::sample::Index>(), hostile()), 1..5),
    );
    runner
        .run(&strategy, |(record, changes)| {
            let mut record = record;
            for (which, value) in changes {
                let mut all = Vec::new();
                paths(&record, &mut Vec::new(), &mut all);
                let path = which.get(&all).clone();
                if path.is_empty() {
                    continue;
                }
                if let Some(slot) = at_mut(&mut record, &path) {
                    *slot = value;
                }
            }
            map_checked(provider, &record)?;
            // The same record through every other mapper too: detection can be fooled.
            for other in PROVIDERS.iter().filter(|p| p.name != provider.name) {
                map_checked(other, &record)?;
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{}: {e}", provider.name));
}

#[test]
fn okta_mapper_holds() {
    mappers_hold(PROVIDERS.iter().find(|p| p.name == "okta").unwrap());
}

#[test]
fn aws_cloudtrail_mapper_holds() {
    mappers_hold(
        PROVIDERS
            .iter()
            .find(|p| p.name == "aws_cloudtrail")
            .unwrap(),
    );
}

#[test]
fn entra_mapper_holds() {
    mappers_hold(PROVIDERS.iter().find(|p| p.name == "entra").unwrap());
}

#[test]
fn google_workspace_mapper_holds() {
    mappers_hold(
        PROVIDERS
            .iter()
            .find(|p| p.name == "google_workspace")
            .unwrap(),
    );
}

#[test]
fn gcp_audit_mapper_holds() {
    mappers_hold(PROVIDERS.iter().find(|p| p.name == "gcp_audit").unwrap());
}

#[test]
fn github_mapper_holds() {
    mappers_hold(PROVIDERS.iter().find(|p| p.name == "github").unwrap());
}

#[test]
fn every_provider_has_a_property_test() {
    let tested = [
        "okta",
        "aws_cloudtrail",
        "entra",
        "google_workspace",
        "gcp_audit",
        "github",
    ];
    let names: Vec<&str> = PROVIDERS.iter().map(|p| p.name).collect();
    assert_eq!(names.len(), tested.len(), "{names:?}");
    for n in names {
        assert!(tested.contains(&n), "{n} has no property test");
    }
}
