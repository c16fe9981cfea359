//! `trailcheck sql` over a lake of `sample-logs/okta`: each output format, a file of
//! statements, errors (exit 2, naming the problem), read-only refusals, JSON functions
//! over `raw`, and the table listing.

use std::path::Path;
use std::process::Output;

use crate::common::*;

fn sql(dir: &Path, args: &[&str]) -> Output {
    bin()
        .arg("sql")
        .arg("--lake")
        .arg(dir.join("lake"))
        .args(args)
        .output()
        .expect("run trailcheck sql")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

const COUNT: &str =
    "SELECT provider, count(*) AS n FROM events GROUP BY provider ORDER BY provider";

#[test]
fn one_shot_in_each_format() {
    let (d, ingested) = okta_lake();

    // JSON: an array of objects.
    let out = sql(d.path(), &[COUNT, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["provider"], "okta");
    assert_eq!(rows[0]["n"].as_u64(), Some(ingested));

    // NDJSON: one object per line.
    let out = sql(d.path(), &[COUNT, "--format", "ndjson"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, rows);

    // CSV: header, then the rows.
    let out = sql(d.path(), &[COUNT, "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("provider,n\nokta,{ingested}\n"));

    // Table (the default): arrow's pretty print.
    let out = sql(d.path(), &[COUNT]);
    assert!(out.status.success(), "{}", stderr(&out));
    let t = stdout(&out);
    assert!(t.contains("| provider | n "), "{t}");
    assert!(t.contains(&format!("| okta     | {ingested} ")), "{t}");

    // Parquet needs --output, and the file reads back with the parquet crate.
    let out = sql(d.path(), &[COUNT, "--format", "parquet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--output"), "{}", stderr(&out));
    let pq = d.path().join("out/counts.parquet");
    std::fs::create_dir_all(pq.parent().unwrap()).unwrap();
    let out = sql(
        d.path(),
        &[
            COUNT,
            "--format",
            "parquet",
            "--output",
            pq.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let batches = read_all(pq.parent().unwrap());
    assert_eq!(rows_of(&batches), 1);
    assert_eq!(
        strings(&batches, "provider"),
        vec![Some("okta".to_string())]
    );
    let n = arrow::array::AsArray::as_primitive::<arrow::datatypes::Int64Type>(
        batches[0].column_by_name("n").unwrap().as_ref(),
    )
    .value(0);
    assert_eq!(n as u64, ingested);

    // --output works for text formats too.
    let csv = d.path().join("out/counts.csv");
    let out = sql(
        d.path(),
        &[COUNT, "--format", "csv", "-o", csv.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        format!("provider,n\nokta,{ingested}\n")
    );
}

fn rows_of(b: &[arrow::array::RecordBatch]) -> usize {
    b.iter().map(|b| b.num_rows()).sum()
}

#[test]
fn csv_neutralizes_formulas() {
    let (d, _) = okta_lake();
    let out = sql(
        d.path(),
        &[
            "SELECT '=HYPERLINK(\"x\")' AS a, '-1' AS b, 'plain' AS c",
            "--format",
            "csv",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "a,b,c\n\"'=HYPERLINK(\"\"x\"\")\",'-1,plain\n"
    );
}

#[test]
fn file_of_statements_runs_in_order() {
    let (d, ingested) = okta_lake();
    let f = d.path().join("q.sql");
    std::fs::write(
        &f,
        "-- counts; then params\n\
         SELECT count(*) AS n FROM events;\n\
         SELECT dormant_days FROM params;\n\
         /* a ; in a comment */ SELECT 'a;b' AS s\n",
    )
    .unwrap();
    let out = sql(
        d.path(),
        &[
            "-f",
            f.to_str().unwrap(),
            "--format",
            "ndjson",
            "--dormant-days",
            "30",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(
        lines,
        vec![
            format!("{{\"n\":{ingested}}}").as_str(),
            "{\"dormant_days\":30}",
            "{\"s\":\"a;b\"}",
        ]
    );

    // The same statements from stdin.
    let mut child = bin()
        .arg("sql")
        .arg("--lake")
        .arg(d.path().join("lake"))
        .args(["--format", "csv"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"SELECT 1 AS one; SELECT 2 AS two;")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "one\n1\ntwo\n2\n");
}

#[test]
fn errors_exit_2_and_name_the_problem() {
    let (d, _) = okta_lake();
    let out = sql(d.path(), &["SELECT * FROM no_such_table"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no_such_table"), "{}", stderr(&out));
    assert!(stderr(&out).contains("not found"), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).matches("not found").count(),
        1,
        "{}",
        stderr(&out)
    );

    let out = sql(d.path(), &["SELEC 1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("SELEC"), "{}", stderr(&out));

    let out = sql(d.path(), &["SELECT no_such_column FROM events"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no_such_column"), "{}", stderr(&out));

    // In a file, the failing statement is named and the ones before it ran.
    let f = d.path().join("q.sql");
    std::fs::write(&f, "SELECT 1 AS one;\nSELECT * FROM nope;\nSELECT 3;").unwrap();
    let out = sql(d.path(), &["-f", f.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "one\n1\n");
    assert!(stderr(&out).contains("statement 2"), "{}", stderr(&out));

    // No lake.
    let out = bin()
        .args(["sql", "--lake"])
        .arg(d.path().join("missing"))
        .arg("SELECT 1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no lake"), "{}", stderr(&out));
}

#[test]
fn writes_and_settings_are_refused() {
    let (d, _) = okta_lake();
    let target = d.path().join("copy.parquet");
    let copy = format!("COPY (SELECT 1) TO '{}'", target.display());
    for stmt in [
        "INSERT INTO events (provider) VALUES ('x')",
        "DELETE FROM events",
        "UPDATE events SET tenant = 'x'",
        "CREATE TABLE t AS SELECT 1",
        "CREATE VIEW v AS SELECT 1",
        "CREATE EXTERNAL TABLE x STORED AS PARQUET LOCATION '/tmp/x'",
        "DROP VIEW identities",
        "DROP TABLE events",
        "ALTER TABLE events RENAME TO e2",
        copy.as_str(),
        "SET datafusion.execution.batch_size = 1",
    ] {
        let out = sql(d.path(), &[stmt]);
        assert_eq!(out.status.code(), Some(2), "{stmt}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("read-only"),
            "{stmt}: {}",
            stderr(&out)
        );
    }
    assert!(!target.exists());
    // Nothing changed: the views are still there.
    let out = sql(
        d.path(),
        &["SELECT count(*) AS n FROM identities", "--format", "csv"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn json_functions_over_raw() {
    let (d, ingested) = okta_lake();
    let out = sql(
        d.path(),
        &[
            "SELECT json_get_str(raw, 'actor', 'displayName') AS who, actor_name, \
             json_get_str(raw, 'eventType') AS et, event_type FROM events",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len() as u64, ingested);
    assert!(rows.iter().all(|r| r["et"] == r["event_type"]), "{rows:?}");
    // Okta's actor.displayName is not normalized (actor_name is the login).
    assert!(
        rows.iter()
            .any(|r| r["who"] == "Olivia Brown" && r["actor_name"] == "olivia.brown@acme.com"),
        "{rows:?}"
    );
}

#[test]
fn tables_are_listed_with_their_columns() {
    let (d, _) = okta_lake();
    let out = sql(d.path(), &["\\d", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = stdout(&out);
    let names: Vec<&str> = listed
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let mut expected = vec![
        "events",
        "rejects",
        "runs",
        "findings",
        "findings_current",
        "identities",
        "credentials",
        "role_assignments",
        "coverage",
        "admin_roles",
        "claimed_event_types",
        "params",
    ];
    for q in trailcheck::session::rules() {
        expected.push(q.name);
    }
    for t in expected {
        assert!(names.contains(&t), "{t} missing from {listed}");
    }
    // SHOW TABLES works too.
    let out = sql(d.path(), &["SHOW TABLES", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("role_assignments"));

    let out = sql(d.path(), &["\\d events", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cols = stdout(&out);
    assert!(
        cols.starts_with("column_name,data_type,is_nullable\n"),
        "{cols}"
    );
    assert!(cols.contains("\nevent_uid,"), "{cols}");
    assert!(cols.contains("\nraw,"), "{cols}");

    let out = sql(d.path(), &["\\d nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));
}

#[test]
fn params_flags_reach_the_session() {
    let (d, _) = okta_lake();
    let out = sql(
        d.path(),
        &[
            "SELECT as_of, dormant_days, max_super_admins FROM params",
            "--as-of",
            "2026-10-01T00:00:00Z",
            "--dormant-days",
            "45",
            "--max-super-admins",
            "2",
            "--format",
            "csv",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let t = stdout(&out);
    assert!(t.contains("2026-10-01T00:00:00"), "{t}");
    assert!(t.contains(",45,2"), "{t}");
}

/// The views of `queries/views/` are kept by a session between statements (and between
/// the references of one statement): what a live session (`serve`, the REPL) answers
/// must still follow the lake, and equal what a new session computes.
#[test]
fn kept_views_follow_the_lake() {
    use trailcheck::session::{Params, Session, udf::value_at};
    let (d, _) = okta_lake();
    let lake = d.path().join("lake");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // as_of after every sample event, so that new events count as evidence.
    let params = Params {
        as_of: Some(4_102_444_800_000_000),
        ..Params::default()
    };
    const BY_PROVIDER: &str =
        "SELECT provider, count(*) AS n FROM identities GROUP BY provider ORDER BY provider";
    const FINDINGS: &str = "SELECT count(*) AS n FROM findings_current";
    let answer = |s: &Session, q: &str| -> Vec<(serde_json::Value, serde_json::Value)> {
        let b = rt.block_on(s.query(q)).unwrap();
        b.iter()
            .flat_map(|b| {
                (0..b.num_rows()).map(move |i| {
                    let last = b.num_columns() - 1;
                    (value_at(b.column(0), i), value_at(b.column(last), i))
                })
            })
            .collect()
    };
    let kept = rt.block_on(Session::open_live(&lake, &params)).unwrap();
    let before = answer(&kept, BY_PROVIDER);
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(before[0].0, "okta");
    assert_eq!(answer(&kept, BY_PROVIDER), before, "same lake, same answer");
    let findings_before = answer(&kept, FINDINGS);

    // A CloudTrail ingest into the same lake while the session is open.
    let ct = sample_logs("aws_cloudtrail");
    let (_, out) = ingest(&lake, &[ct.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let after = answer(&kept, BY_PROVIDER);
    assert_eq!(
        after.len(),
        2,
        "the new provider's identities appear: {after:?}"
    );
    assert_eq!(after[0].0, "aws_cloudtrail");
    assert_eq!(after[1], before[0], "okta's identities are unchanged");
    let fresh = rt.block_on(Session::open(&lake, &params)).unwrap();
    assert_eq!(after, answer(&fresh, BY_PROVIDER));
    let findings_after = answer(&kept, FINDINGS);
    assert_eq!(findings_after, answer(&fresh, FINDINGS));
    assert_ne!(
        findings_after, findings_before,
        "CloudTrail's planted findings appear"
    );
}

/// A kept view that does not fit the session's memory budget for views is kept in the
/// temporary folder, and reads the same as one kept in memory.
#[test]
fn kept_views_beyond_their_budget_are_read_from_disk() {
    use trailcheck::session::{OpenOptions, Params, Session};
    let (d, _) = okta_lake();
    let lake = d.path().join("lake");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let params = Params::default();
    let tight = OpenOptions {
        memory_limit: Some(256 << 20),
        kept_views_memory: Some(1),
        ..OpenOptions::default()
    };
    let roomy = OpenOptions {
        memory_limit: Some(256 << 20),
        ..OpenOptions::default()
    };
    let on_disk = rt
        .block_on(Session::open_with(&lake, &params, &tight))
        .unwrap();
    let in_memory = rt
        .block_on(Session::open_with(&lake, &params, &roomy))
        .unwrap();
    let queries = [
        "SELECT * FROM identities",
        "SELECT * FROM credentials",
        "SELECT * FROM findings_current",
    ];
    for q in queries {
        // The rows as sorted lines: the same rows in whatever order.
        let text = |s: &Session| {
            let b = rt.block_on(s.query(q)).unwrap();
            let text = arrow::util::pretty::pretty_format_batches(&b)
                .unwrap()
                .to_string();
            let mut lines: Vec<&str> = text.lines().collect();
            lines.sort();
            lines.join("\n")
        };
        let disk = text(&on_disk);
        assert!(disk.lines().count() > 4, "{q}: rows to compare");
        assert_eq!(disk, text(&in_memory), "{q}");
        // Read twice: the second scan reads the kept file again.
        assert_eq!(disk, text(&on_disk), "{q}");
    }
    let spilled = rt.block_on(on_disk.views_on_disk());
    for v in ["identities", "credentials"] {
        assert!(spilled.iter().any(|s| s == v), "{v} on disk: {spilled:?}");
    }
    assert!(
        rt.block_on(in_memory.views_on_disk()).is_empty(),
        "within budget, views stay in memory"
    );
}
