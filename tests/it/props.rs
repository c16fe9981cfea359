//! Property tests of the mappers (issue 18): every provider's mapper, given a real
//! record of its own with some values replaced by hostile ones (huge and negative
//! numbers, impossible dates, multi-byte text in timestamps, controls, deep nesting,
//! wrong types), returns events or a reason, never panics, and every event it returns
//! has a time in the lake's range (`trailcheck::time::RANGE_TEXT`). The records come from the fixtures
//! (`tests/fixtures/samples`, `src/providers/<name>/labelled.jsonl`); `proptest` picks which values
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
    let mut out = Vec::new();
    let mut read = |path: &Path| {
        for line in std::fs::read_to_string(path).unwrap_or_default().lines() {
            if let Ok(v) = serde_json::from_str::<Value>(line) {
                out.push(v.get("record").cloned().unwrap_or(v));
            }
        }
    };
    if let Some(dir) = crate::common::samples_dir(provider) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            read(&e.path());
        }
    }
    read(&crate::common::provider_dir(provider).join("labelled.jsonl"));
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

/// Every provider's mapper, each in its own thread (a failure names its provider).
#[test]
fn every_mapper_holds() {
    std::thread::scope(|s| {
        for p in PROVIDERS {
            s.spawn(move || mappers_hold(p));
        }
    });
}

// ---- The reader ------------------------------------------------------------------

use trailcheck::read::ReadOptions;
use trailcheck::read::split::{Chunk, Splitter};

/// Split `input` as `read_file` does, fed in pieces of the given sizes.
fn split(input: &[u8], pieces: &[usize], max_record: u64) -> Vec<Chunk> {
    let mut s = Splitter::new(max_record, 256);
    let mut chunks = Vec::new();
    let mut at = 0;
    let mut sizes = pieces.iter().cycle();
    while at < input.len() {
        let n = (*sizes.next().unwrap_or(&1)).clamp(1, input.len() - at);
        s.feed(&input[at..at + n]);
        at += n;
        s.scan(false);
        if s.ready() {
            chunks.push(s.take_chunk());
        }
        // Memory stays bounded by the limit, not by the input.
        assert!(
            s.buffered() as u64 <= 2 * max_record + 4096 + n as u64,
            "buffer {} for a limit of {max_record}",
            s.buffered()
        );
    }
    s.scan(true);
    chunks.push(s.take_chunk());
    chunks
}

/// A line of NDJSON that is broken in one of the ways real files are.
fn broken_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{\"a\":1,".to_string()),
        Just("{\"a\":\"unterminated".to_string()),
        Just("{\"a\":\"ends in a backslash\\".to_string()),
        Just("}}]]".to_string()),
        Just("not json at all".to_string()),
        Just("{\"a\":[1,2".to_string()),
        "[^\n]{0,40}",
    ]
}

#[test]
fn ndjson_keeps_every_good_line_whatever_breaks_around_it() {
    // Good records: fixture records, one per line (serde_json writes no raw newline).
    let good: Vec<String> = PROVIDERS
        .iter()
        .flat_map(|p| corpus(p.name))
        .map(|v| v.to_string())
        .collect();
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    let line = prop_oneof![
        3 => prop::sample::select(good).prop_map(|l| (l, true)),
        1 => broken_line().prop_map(|l| (l, false)),
    ];
    let strategy = (
        prop::sample::select(
            PROVIDERS
                .iter()
                .flat_map(|p| corpus(p.name))
                .map(|v| v.to_string())
                .collect::<Vec<_>>(),
        ),
        prop::collection::vec(line, 1..30),
        prop::collection::vec(1usize..300, 1..8),
        any::<bool>(),
    );
    runner
        .run(&strategy, |(first, lines, pieces, crlf)| {
            // The first line is good: how a file's first value looks decides NDJSON.
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("{first}{eol}");
            for (l, _) in &lines {
                text.push_str(l);
                text.push_str(eol);
            }
            let chunks = split(text.as_bytes(), &pieces, 1 << 20);
            let records: Vec<String> = chunks
                .iter()
                .flat_map(|c| {
                    c.records
                        .iter()
                        .map(|s| String::from_utf8_lossy(c.bytes(*s)).trim().to_string())
                })
                .collect();
            let expected: Vec<&String> = std::iter::once(&first)
                .chain(lines.iter().filter(|(_, ok)| *ok).map(|(l, _)| l))
                .collect();
            // Every good line comes out whole, in order, each as its own record.
            let mut found = records.iter();
            for want in &expected {
                prop_assert!(
                    found.any(|r| r == *want),
                    "good line lost or merged: {want}\nrecords: {records:?}"
                );
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn any_bytes_split_without_panic_and_within_the_limit() {
    let mut runner = TestRunner::new(Config {
        cases: 1024,
        failure_persistence: None,
        ..Config::default()
    });
    let bytes = prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(b"{}[]\",:\\\n\r \t0a\xC3\xA9".to_vec()),
            1 => any::<u8>(),
        ],
        0..2000,
    );
    runner
        .run(
            &(bytes, prop::collection::vec(1usize..500, 1..6), 16u64..512),
            |(input, pieces, limit)| {
                let chunks = split(&input, &pieces, limit);
                let mut last_end = 0;
                for c in &chunks {
                    for s in &c.records {
                        prop_assert!(
                            s.start >= last_end && s.end > s.start && s.end <= input.len() as u64
                        );
                        prop_assert!(s.end - s.start <= limit, "a record over the limit was kept");
                        prop_assert_eq!(c.bytes(*s), &input[s.start as usize..s.end as usize]);
                        last_end = s.end;
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn csv_rows_become_records_or_rejects() {
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    let cell = prop_oneof![
        "[a-z0-9 ]{0,12}",
        Just("\"quoted, with comma\"".to_string()),
        Just("\"with \"\"quotes\"\"\"".to_string()),
        Just("\"line\nbreak\"".to_string()),
        Just("é東".to_string()),
    ];
    let row = prop::collection::vec(cell, 3..=3);
    runner
        .run(&prop::collection::vec(row, 0..20), |rows| {
            let mut text = String::from("a,b,c\n");
            for r in &rows {
                text.push_str(&r.join(","));
                text.push('\n');
            }
            let mut records = 0;
            let mut rejects = 0;
            let (read, err) = trailcheck::read::csv::read_csv(
                text.as_bytes(),
                ReadOptions::default(),
                |c: Chunk| {
                    records += c.records.len();
                    rejects += c.unreadable.len() + c.oversize.len();
                },
            );
            prop_assert!(err.is_none());
            prop_assert_eq!(read, text.len() as u64);
            prop_assert_eq!(records + rejects, rows.len(), "{}", text);
            prop_assert_eq!(rejects, 0, "{}", text);
            Ok(())
        })
        .unwrap();
    // Any bytes: no panic, and the reader reaches the end.
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&prop::collection::vec(any::<u8>(), 0..1500), |bytes| {
            let (read, _) = trailcheck::read::csv::read_csv(
                bytes.as_slice(),
                ReadOptions {
                    max_record: 64,
                    chunk_bytes: 128,
                },
                |_c: Chunk| {},
            );
            prop_assert_eq!(read, bytes.len() as u64);
            Ok(())
        })
        .unwrap();
}
