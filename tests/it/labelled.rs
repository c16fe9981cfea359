//! The labelled conformance harness: for every provider in `PROVIDERS`, the events of
//! `src/providers/<provider>/labelled.jsonl` mapped through the library, each checked
//! against what a person reading the record says it is: who acted (`actor_uid`,
//! `actor_is_machine`), on whom (`target_uid`), what kind of event (`category`,
//! `action`) and in which tenant.
//!
//! One line per case, kept as data:
//!
//! ```json
//! {"case": "what it shows", "record": {...native record...},
//!  "expect": {"category": "...", "action": "...", "actor_uid": "..." | null,
//!             "actor_is_machine": true | false | null, "target_uid": "..." | null,
//!             "tenant": "..."},
//!  "row": 0}
//! ```
//!
//! The six keys above are required in every `expect` (null where the record names no
//! such thing); any other column of the mapped event (`outcome`, `actor_name`,
//! `target_name`, ...) may be added. `row` picks one of several rows a record maps to
//! (default 0). The record is mapped with no `--tenant` and no path hint, so the
//! tenant is the one the record itself carries.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use trailcheck::json;
use trailcheck::providers::{self, Context, PROVIDERS};

/// The columns every case must label.
const REQUIRED: &[&str] = &[
    "category",
    "action",
    "actor_uid",
    "actor_is_machine",
    "target_uid",
    "tenant",
];

fn fixture(provider: &str) -> PathBuf {
    crate::common::provider_dir(provider).join("labelled.jsonl")
}

/// Check every case of one provider; return the failures as readable lines.
fn check(provider: &str) -> (usize, Vec<String>) {
    let path = fixture(provider);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (every provider has labelled cases)",
            path.display()
        )
    });
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut names = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{}:{}", path.display(), n + 1);
        let case: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{at}: {e}"));
        let name = case["case"]
            .as_str()
            .unwrap_or_else(|| panic!("{at}: no case name"));
        assert!(names.insert(name.to_string()), "{at}: case {name:?} twice");
        let expect = case["expect"]
            .as_object()
            .unwrap_or_else(|| panic!("{at}: no expect"));
        for k in REQUIRED {
            assert!(expect.contains_key(*k), "{at} ({name}): expect has no {k}");
        }
        cases += 1;
        let raw = serde_json::to_string(&case["record"]).unwrap();
        let v = json::from_str(&raw).unwrap_or_else(|e| panic!("{at}: {e}"));
        let detected = providers::detect(&v).map(|p| p.name);
        if detected != Some(provider) {
            failures.push(format!("{name}: detected as {detected:?}, not {provider}"));
            continue;
        }
        let p = providers::by_name(provider).unwrap();
        let ctx = Context {
            tenant_override: None,
            tenant_hint: None,
            raw: raw.as_bytes(),
        };
        let events = match (p.map)(&v, &ctx) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{name}: rejected: {e}"));
                continue;
            }
        };
        let row = case["row"].as_u64().unwrap_or(0) as usize;
        let Some(event) = events.get(row) else {
            failures.push(format!("{name}: {} rows, no row {row}", events.len()));
            continue;
        };
        let got = serde_json::to_value(event).unwrap();
        for (k, want) in expect {
            let have = got.get(k).unwrap_or_else(|| panic!("{at}: no column {k}"));
            if have != want {
                failures.push(format!("{name}: {k} is {have}, expected {want}"));
            }
        }
    }
    (cases, failures)
}

#[test]
fn every_provider_maps_its_labelled_events() {
    let mut report = Vec::new();
    for p in PROVIDERS {
        let (cases, failures) = check(p.name);
        assert!(cases >= 2, "{}: at least two labelled cases", p.name);
        report.extend(failures.into_iter().map(|f| format!("{}: {f}", p.name)));
    }
    assert!(report.is_empty(), "\n{}", report.join("\n"));
}
