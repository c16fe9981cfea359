//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow::array::{Array, AsArray, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_trailcheck"))
}

/// `tests/fixtures/samples/<provider>`: real-format events from public sources (see the
/// NOTICE there for each file's source and licence).
pub fn samples(provider: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/samples")
        .join(provider);
    assert!(p.is_dir(), "{} is missing", p.display());
    p
}

/// `tests/fixtures/samples/<provider>`: the provider's third-party samples, if it has any.
pub fn samples_dir(provider: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/samples")
        .join(provider);
    p.is_dir().then_some(p)
}

/// `src/providers/<provider>/`: the provider's folder (mapper, generator, claims
/// profile, admin roles, labelled fixture).
pub fn provider_dir(provider: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/providers")
        .join(provider)
}

pub fn sample_logs(provider: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-logs")
        .join(provider)
}

/// Run `trailcheck ingest --json --quiet` and return the parsed summary and output.
pub fn ingest(lake: &Path, args: &[&str]) -> (serde_json::Value, Output) {
    let out = bin()
        .arg("ingest")
        .arg("--lake")
        .arg(lake)
        .arg("--json")
        .arg("--quiet")
        .args(args)
        .output()
        .expect("run trailcheck");
    let summary = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (summary, out)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Every row of every `*.parquet` file under `dir`.
pub fn read_all(dir: &Path) -> Vec<RecordBatch> {
    let mut out = Vec::new();
    for f in trailcheck::lake::parquet_files(dir) {
        let file = std::fs::File::open(&f).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        for b in reader {
            out.push(b.unwrap());
        }
    }
    out
}

pub fn rows(batches: &[RecordBatch]) -> usize {
    batches.iter().map(|b| b.num_rows()).sum()
}

/// The values of a string column across batches (None for nulls).
pub fn strings(batches: &[RecordBatch], col: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for b in batches {
        let c = b
            .column_by_name(col)
            .unwrap_or_else(|| panic!("column {col}"));
        let c = c.as_string::<i32>();
        for i in 0..c.len() {
            out.push(c.is_valid(i).then(|| c.value(i).to_string()));
        }
    }
    out
}

/// Lines of an NDJSON sample file that are not blank.
pub fn count_lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
}

pub fn total(summary: &serde_json::Value, key: &str) -> u64 {
    summary["total"][key]
        .as_u64()
        .unwrap_or_else(|| panic!("total.{key} in {summary}"))
}

/// Write a test input file and return its path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The values of a UInt64 column across batches (`source_offset`, `raw_len`).
pub fn u64s(batches: &[RecordBatch], col: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for b in batches {
        let c = b
            .column_by_name(col)
            .unwrap_or_else(|| panic!("column {col}"))
            .as_primitive::<arrow::datatypes::UInt64Type>();
        out.extend((0..c.len()).map(|i| c.value(i)));
    }
    out
}

/// Events of one provider with `time` and every column in `required` set, and rejects
/// that each say why.
pub fn assert_well_formed(
    events: &[RecordBatch],
    rejects: &[RecordBatch],
    provider: &str,
    required: &[&str],
) {
    for col in required {
        assert!(
            strings(events, col)
                .iter()
                .all(|v| v.as_deref().is_some_and(|s| !s.is_empty())),
            "{col} always set"
        );
    }
    assert!(
        strings(events, "provider")
            .iter()
            .all(|p| p.as_deref() == Some(provider))
    );
    for b in events {
        assert_eq!(b.column_by_name("time").unwrap().null_count(), 0);
    }
    for r in strings(rejects, "reason") {
        assert!(r.is_some_and(|r| r.len() > 10), "a reject says why");
    }
}

/// A lake of `sample-logs/okta` in a temporary folder (`<dir>/lake`), with the
/// number of events ingested.
pub fn okta_lake() -> (tempfile::TempDir, u64) {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let okta = sample_logs("okta");
    let (summary, out) = ingest(&lake, &[okta.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ingested = summary["providers"]["okta"]["ingested"]
        .as_u64()
        .unwrap_or_else(|| panic!("providers.okta.ingested in {summary}"));
    assert!(ingested > 0);
    (d, ingested)
}

/// The lake of all of `sample-logs/`, ingested and analyzed once per test binary, with
/// that analysis's findings (`analyze --format json`). Tests only read it; a test that
/// writes (analyzes again) works on a copy ([`copy_lake`]). It lives in cargo's
/// temporary folder for integration tests (a static is never dropped), not in /tmp.
pub fn analyzed_samples() -> (&'static Path, &'static [serde_json::Value]) {
    static LAKE: std::sync::OnceLock<(tempfile::TempDir, Vec<serde_json::Value>)> =
        std::sync::OnceLock::new();
    let (d, findings) = LAKE.get_or_init(|| {
        let d = tempfile::TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let lake = d.path().join("lake");
        let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
        let (_, out) = ingest(&lake, &[all.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let out = bin()
            .args(["analyze", "--format", "json", "--lake"])
            .arg(&lake)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        (d, serde_json::from_slice(&out.stdout).unwrap())
    });
    (d.path(), findings)
}

/// A copy of the lake `from` in a new temporary folder (`<dir>/lake`), for a test that
/// writes to a shared fixture's lake.
pub fn copy_lake(from: &Path) -> (tempfile::TempDir, PathBuf) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    copy(from, &lake);
    (d, lake)
}
