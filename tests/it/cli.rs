//! The command line as a user meets it: how errors read, what every output format
//! writes, and `run` doing what the separate commands do.

use crate::common::*;

/// How often the operating system's words for an error are in `text`.
fn times(text: &str, words: &str) -> usize {
    text.matches(words).count()
}

/// An error from the operating system is printed once, after the path it concerns (it
/// was printed twice: in the message and again as its source).
#[test]
fn an_os_error_is_printed_once() {
    let d = tempfile::tempdir().unwrap();
    // An input that does not exist.
    let (_s, out) = ingest(&d.path().join("lake"), &["/no/such/export.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("/no/such/export.json"), "{err}");
    assert_eq!(times(&err, "No such file or directory"), 1, "{err}");

    // A lake that cannot be created: its parent is a file.
    let file = d.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let input = sample_logs("okta");
    let (_s, out) = ingest(&file.join("lake"), &[input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("a-file/lake"), "{err}");
    assert_eq!(times(&err, "Not a directory"), 1, "{err}");

    // The same through a command that reads a lake (sql had its own work-around).
    let out = bin()
        .args(["sql", "SELECT 1", "--lake"])
        .arg(file.join("lake"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(times(&err, "Not a directory") <= 1, "{err}");
}

fn okta_lake() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let (_s, out) = ingest(d.path(), &[sample_logs("okta").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    d
}

fn ok(out: std::process::Output) -> String {
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// The cells of one column of a CSV text.
fn csv_column(text: &str, column: &str) -> Vec<String> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let i = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {text}"));
    r.records().map(|rec| rec.unwrap()[i].to_string()).collect()
}

/// One convention for list cells in every CSV (docs/design.md section 7): the list as
/// JSON text, as the JSON formats give it. (analyze wrote `a; b`, sql `[a, b]`, score
/// wrote no CSV.)
#[test]
fn csv_lists_are_json_text_in_every_command() {
    let lake = okta_lake();
    let lake = lake.path().to_str().unwrap();
    let analyze = ok(bin()
        .args(["analyze", "--format", "csv", "--lake", lake])
        .output()
        .unwrap());
    let from_analyze = csv_column(&analyze, "frameworks");
    assert!(!from_analyze.is_empty());
    for cell in &from_analyze {
        let list: Vec<String> =
            serde_json::from_str(cell).unwrap_or_else(|e| panic!("{cell}: {e}"));
        assert!(!list.is_empty(), "{cell}");
    }
    // The same findings through sql: the same cells.
    let sql = ok(bin()
        .args([
            "sql",
            "SELECT frameworks FROM findings WHERE run_id = (SELECT max(run_id) FROM findings) \
             ORDER BY finding_uid",
            "--format",
            "csv",
            "--lake",
            lake,
        ])
        .output()
        .unwrap());
    let mut a = from_analyze.clone();
    let mut b = csv_column(&sql, "frameworks");
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // Items holding the separators stay items.
    let sql = ok(bin()
        .args([
            "sql",
            "SELECT make_array('a, b', 'c; d', '=1') AS l",
            "--format",
            "csv",
            "--lake",
            lake,
        ])
        .output()
        .unwrap());
    assert_eq!(sql, "l\n\"[\"\"a, b\"\",\"\"c; d\"\",\"\"=1\"\"]\"\n");
    // score: CSV from the same sink, lists alike, formulas neutralized.
    let score = ok(bin()
        .args(["score", "--format", "csv", "--lake", lake])
        .output()
        .unwrap());
    let frameworks = csv_column(&score, "frameworks");
    assert!(!frameworks.is_empty());
    for cell in frameworks {
        serde_json::from_str::<Vec<String>>(&cell).unwrap_or_else(|e| panic!("{cell}: {e}"));
    }
    let mut r = csv::Reader::from_reader(score.as_bytes());
    for rec in r.records() {
        for cell in rec.unwrap().iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        }
    }
}

/// analyze and score JSON come from the one sink and keep their contract: the columns,
/// `evidence` as a JSON object, lists as arrays, times in RFC 3339; NDJSON is the same
/// rows one per line.
#[test]
fn json_outputs_keep_their_contract() {
    let lake = okta_lake();
    let lake = lake.path().to_str().unwrap();
    for (cmd, columns) in [
        ("analyze", 15),
        (
            "score",
            trailcheck::model::ScoredClaim::schema().fields().len(),
        ),
    ] {
        let json = ok(bin()
            .args([cmd, "--format", "json", "--lake", lake])
            .output()
            .unwrap());
        let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
        assert!(!rows.is_empty(), "{cmd}");
        for r in &rows {
            let o = r.as_object().unwrap();
            assert_eq!(o.len(), columns, "{cmd}: {r}");
            assert!(r["evidence"].is_object(), "{cmd}: {r}");
            assert!(r["frameworks"].is_array(), "{cmd}: {r}");
            let as_of = r["as_of"].as_str().unwrap();
            assert!(as_of.ends_with('Z') && as_of.contains('T'), "{as_of}");
        }
        let ndjson = ok(bin()
            .args([cmd, "--format", "ndjson", "--lake", lake])
            .output()
            .unwrap());
        let lines: Vec<serde_json::Value> = ndjson
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), rows.len(), "{cmd}");
        assert!(!rows[0].as_object().unwrap().contains_key("run_id") || cmd == "score");
    }
    // Parquet wants a file; with one, the findings are there.
    let out = bin()
        .args(["analyze", "--format", "parquet", "--lake", lake])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--output"), "{}", stderr(&out));
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("findings.parquet");
    ok(bin()
        .args(["analyze", "--format", "parquet", "--lake", lake, "-o"])
        .arg(&file)
        .output()
        .unwrap());
    assert!(rows(&read_all(d.path())) > 0);
}

/// `run` is `ingest`, `analyze`, `score` and `report` with the same arguments: the same
/// ingest summary, and the same findings, scores and access reviews in the report.
#[test]
fn run_does_what_the_separate_commands_do() {
    let d = tempfile::tempdir().unwrap();
    let input = sample_logs("entra");
    let input = input.to_str().unwrap();
    let volatile = |text: &str| {
        let run_id = regex_lite(text);
        text.replace(&run_id, "[RUN]")
            .lines()
            .filter(|l| !l.contains(" MB in "))
            .map(|l| l.replace(d.path().to_str().unwrap(), "[D]"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let run = ok(bin()
        .args(["run", "--quiet", input, "--lake"])
        .arg(d.path().join("a"))
        .arg("--out")
        .arg(d.path().join("ra"))
        .output()
        .unwrap());
    let lake_b = d.path().join("b");
    let step = |args: &[&str]| {
        ok(bin()
            .args(args)
            .arg("--lake")
            .arg(&lake_b)
            .output()
            .unwrap())
    };
    let ingested = step(&["ingest", "--quiet", input]);
    step(&["analyze"]);
    step(&["score"]);
    ok(bin()
        .args(["report", "--out"])
        .arg(d.path().join("rb"))
        .arg("--lake")
        .arg(&lake_b)
        .output()
        .unwrap());
    // A second run over the same lake: its report reads the findings and scorecard of
    // this run, not the listing its session made before analyze and score committed.
    ok(bin()
        .args(["run", "--quiet", input, "--lake"])
        .arg(d.path().join("a"))
        .arg("--out")
        .arg(d.path().join("ra2"))
        .output()
        .unwrap());
    let latest = |kind: &str| {
        let out = ok(bin()
            .args(["sql", "--format", "csv", "--lake"])
            .arg(d.path().join("a"))
            .arg(format!(
                "SELECT run_id FROM runs WHERE kind = '{kind}' ORDER BY started_at DESC LIMIT 1"
            ))
            .output()
            .unwrap());
        out.lines().nth(1).unwrap().to_string()
    };
    let report = |file: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(d.path().join("ra2").join(file)).unwrap()).unwrap()
    };
    let analyzed = latest("analyze");
    assert_eq!(report("manifest.json")["analyze_run"]["run_id"], *analyzed);
    assert!(!report("findings.json").as_array().unwrap().is_empty());
    let scored = latest("score");
    let card = report("scorecard.json");
    assert!(!card.as_array().unwrap().is_empty());
    for r in card.as_array().unwrap() {
        assert_eq!(r["run_id"], *scored, "scorecard.json");
    }
    // What changed since the first run: every finding persists, up to this run.
    let changes = report("changes.json");
    assert!(!changes.as_array().unwrap().is_empty());
    for c in changes.as_array().unwrap() {
        assert_eq!(
            (&c["change"], &c["to_run"]),
            (&"persisting".into(), &analyzed.clone().into()),
            "{c}"
        );
    }
    let run = volatile(&run).replace("[D]/a", "[LAKE]");
    let ingested = volatile(&ingested).replace("[D]/b", "[LAKE]");
    assert!(run.starts_with(&ingested), "{run}\n---\n{ingested}");
    assert!(run.contains("\naccess reviews"), "{run}");
    for file in ["findings.json", "scorecard.json", "review_coverage.json"] {
        let read = |dir: &str| {
            let mut v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(d.path().join(dir).join(file)).unwrap())
                    .unwrap();
            for r in v.as_array_mut().unwrap() {
                r.as_object_mut().unwrap().remove("run_id");
            }
            v
        };
        assert_eq!(read("ra"), read("rb"), "{file}");
    }
    // The access reviews are written as they were: keys sorted, counts as numbers.
    let text = std::fs::read_to_string(d.path().join("ra/review_coverage.json")).unwrap();
    let reviews: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert!(!reviews.is_empty());
    for r in &reviews {
        assert!(r["privileged_humans"].is_u64() && r["machines_reviewed"].is_u64());
    }
    let keys: Vec<&str> = text
        .lines()
        .take_while(|l| *l != "  },")
        .filter_map(|l| l.strip_prefix("    \"")?.split('"').next())
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys.len(), 12, "{text}");
    assert_eq!(keys, sorted);
    assert!(
        text.starts_with("[\n  {\n    \"machines_in_scope\": "),
        "{text}"
    );
}

/// The run id in an ingest summary's first line.
fn regex_lite(text: &str) -> String {
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("ingest run "))
        .and_then(|l| l.split(' ').next())
        .unwrap_or("no run id")
        .to_string()
}
