//! SQL behaviour as data: every `tests/slt/*.slt` file runs through sqllogictest against
//! the production session (`trailcheck::session::Session`), over a lake made from the
//! file's fixture of normalized events.
//!
//! Header lines of an `.slt` file:
//! - `# fixture: NAME.ndjson` — events in the events-table shape (one JSON object a line;
//!   `event_uid`, `time`, `provider`, `tenant`, `event_type`, `category` required), read
//!   with the events schema and written as the lake's only events file;
//! - `# reviews: NAME.ndjson` — access-review rows in the `reviews` shape; the columns a
//!   fixture leaves out that the table requires get neutral values (format
//!   `trailcheck-review`, `review_uid` from the line number, ...);
//! - `# params: name=value, name=value` — analysis parameters (`as_of`, `dormant_days`, ...).
//!
//! A rule's tests are `tests/slt/<rule-id>.slt`; the other files are the few in [`GENERAL`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::util::display::{ArrayFormatter, FormatOptions};
use async_trait::async_trait;
use datafusion::error::DataFusionError;
use sqllogictest::{DBOutput, DefaultColumnType};
use trailcheck::session::{Params, Session};

struct Db {
    session: Arc<Session>,
}

#[async_trait]
impl sqllogictest::AsyncDB for Db {
    type Error = DataFusionError;
    type ColumnType = DefaultColumnType;

    async fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, DataFusionError> {
        let df = self.session.ctx.sql(sql).await?;
        let is_query = !df.schema().fields().is_empty();
        let batches = df.collect().await?;
        if !is_query {
            return Ok(DBOutput::StatementComplete(0));
        }
        let opts = FormatOptions::default().with_null("NULL");
        let mut rows = Vec::new();
        let mut width = 0;
        for b in &batches {
            width = b.num_columns();
            let fmts = b
                .columns()
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &opts))
                .collect::<Result<Vec<_>, _>>()?;
            for r in 0..b.num_rows() {
                rows.push(
                    fmts.iter()
                        .map(|f| {
                            let s = f.value(r).to_string();
                            if s.is_empty() {
                                "(empty)".to_string()
                            } else {
                                s
                            }
                        })
                        .collect(),
                );
            }
        }
        Ok(DBOutput::Rows {
            types: vec![DefaultColumnType::Any; width],
            rows,
        })
    }

    async fn shutdown(&mut self) {}

    fn engine_name(&self) -> &str {
        "trailcheck"
    }
}

fn header(text: &str, key: &str) -> Option<String> {
    text.lines()
        .take_while(|l| l.starts_with('#') || l.trim().is_empty())
        .find_map(|l| {
            l.strip_prefix(&format!("# {key}:"))
                .map(|v| v.trim().to_string())
        })
}

/// A lake holding exactly the fixture's events.
fn fixture_lake(slt: &Path, text: &str) -> tempfile::TempDir {
    let lake = tempfile::tempdir().unwrap();
    let events_dir = lake.path().join("events");
    std::fs::create_dir_all(&events_dir).unwrap();
    if let Some(name) = header(text, "fixture") {
        let path = slt.parent().unwrap().join(name);
        let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let reader = arrow::json::ReaderBuilder::new(trailcheck::event::schema())
            .build(std::io::BufReader::new(file))
            .unwrap();
        let batches: Vec<_> = reader
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let all = arrow::compute::concat_batches(&trailcheck::event::schema(), &batches).unwrap();
        trailcheck::lake::tables::write_parquet(&events_dir.join("fixture.parquet"), &all).unwrap();
    }
    if let Some(name) = header(text, "reviews") {
        let path = slt.parent().unwrap().join(&name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = String::new();
        for (i, line) in text.lines().enumerate() {
            let mut row: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1));
            let decision = row["decision"].clone();
            for (k, v) in [
                ("review_uid", serde_json::json!(format!("rv-{}", i + 1))),
                ("format", serde_json::json!("trailcheck-review")),
                ("identity_type", serde_json::json!("unknown")),
                ("decision_raw", decision),
                ("source_file", serde_json::json!(name)),
                ("source_offset", serde_json::json!(0)),
                ("source_line", serde_json::json!(i + 1)),
                ("raw", serde_json::json!(line)),
                ("ingest_run", serde_json::json!("fixture")),
            ] {
                row.entry(k).or_insert(v);
            }
            lines.push_str(&serde_json::Value::Object(row).to_string());
            lines.push('\n');
        }
        let reader = arrow::json::ReaderBuilder::new(trailcheck::review::schema())
            .build(lines.as_bytes())
            .unwrap();
        let batches: Vec<_> = reader
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let all = arrow::compute::concat_batches(&trailcheck::review::schema(), &batches).unwrap();
        let dir = lake.path().join("reviews");
        std::fs::create_dir_all(&dir).unwrap();
        trailcheck::lake::tables::write_parquet(&dir.join("fixture.parquet"), &all).unwrap();
    }
    lake
}

fn params(text: &str) -> Params {
    let mut p = Params::default();
    if let Some(list) = header(text, "params") {
        for kv in list.split(',').filter(|s| !s.trim().is_empty()) {
            let (k, v) = kv.split_once('=').expect("name=value");
            p.set(k.trim(), v.trim()).unwrap();
        }
    }
    p
}

/// The `.slt` files that are not one rule's: the session itself, `as_of`, and the views
/// the access-review rules read.
const GENERAL: &[&str] = &["session", "as-of", "access-reviews"];

fn slt_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/slt")
}

fn slt_files() -> Vec<PathBuf> {
    let dir = slt_dir();
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "slt"))
        .collect();
    v.sort();
    v
}

#[test]
fn sql_logic_tests() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let files = slt_files();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let lake = fixture_lake(file, &text);
        let params = params(&text);
        let session = Arc::new(rt.block_on(Session::open(lake.path(), &params)).unwrap());
        let mut runner = sqllogictest::Runner::new(|| {
            let session = session.clone();
            async move { Ok(Db { session }) }
        });
        runner.with_column_validator(|_, _| true);
        if let Err(e) = rt.block_on(runner.run_file_async(file)) {
            failures.push(format!("{}:\n{e}", file.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} .slt files failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// A rule is its `.sql` and its `.slt`: every rule of the registry has
/// `tests/slt/<rule-id>.slt` that queries it, every `.slt` is a rule's or one of
/// [`GENERAL`], and every fixture there is named by some `.slt`.
#[test]
fn every_rule_has_its_slt_and_every_slt_is_a_rules_or_general() {
    let stem = |p: &Path| p.file_stem().unwrap().to_string_lossy().into_owned();
    for q in trailcheck::session::rules() {
        let path = slt_dir().join(format!("{}.slt", q.id));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "queries/rules/{}.sql has no tests/slt/{}.slt: {e}",
                q.id, q.id
            )
        });
        assert!(
            text.contains(q.name),
            "tests/slt/{}.slt never reads {}",
            q.id,
            q.name
        );
    }
    let files = slt_files();
    for f in &files {
        let s = stem(f);
        assert!(
            GENERAL.contains(&s.as_str()) || trailcheck::session::rules().any(|q| q.id == s),
            "tests/slt/{s}.slt is neither a rule's (queries/rules/{s}.sql) nor one of {GENERAL:?}"
        );
    }
    for g in GENERAL {
        assert!(slt_dir().join(format!("{g}.slt")).is_file(), "{g}.slt");
    }
    let named: Vec<String> = files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            [header(&text, "fixture"), header(&text, "reviews")]
        })
        .flatten()
        .collect();
    for e in std::fs::read_dir(slt_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "ndjson") {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            assert!(named.contains(&name), "tests/slt/{name}: no .slt names it");
        }
    }
}
