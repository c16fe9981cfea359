//! `trailcheck serve --flight` with the real ADBC driver (`adbc-driver-flightsql` and
//! `pyarrow` from PyPI, installed by `.ci/run`): the same rows as the PostgreSQL port and
//! `trailcheck sql`, the same read-only gate, the same password.

use std::path::Path;

use crate::common::*;
use crate::serve::{Server, analyzed_lake, lake_files, python_json, sql_count, start_with};

/// Run an ADBC client script with the PostgreSQL and Flight ports (then `extra`) as its
/// arguments, and read the JSON it prints.
fn adbc_json(script: &str, server: &Server, extra: &[&str]) -> serde_json::Value {
    let port = server.port.to_string();
    let flight = server
        .flight_port
        .expect("started with --flight")
        .to_string();
    let mut args = vec![port.as_str(), flight.as_str()];
    args.extend(extra);
    python_json(
        script,
        &args,
        "python3 with adbc_driver_flightsql, pyarrow, pandas and psycopg (installed by .ci/run)",
    )
}

fn start_flight(lake: &Path, password: Option<&str>) -> Server {
    start_with(lake, password, &["--flight", "127.0.0.1:0"])
}

/// ADBC fetches `events` and `findings` as Arrow tables: the same rows and columns as
/// psycopg over the PostgreSQL port and `trailcheck sql`; parameters bind; writes are
/// refused by the same gate; `adbc_get_objects` lists the lake's tables.
#[test]
fn adbc_reads_what_postgres_reads_and_cannot_write() {
    let (d, _) = analyzed_lake();
    let lake = d.path().join("lake");
    let before = lake_files(&lake);
    let server = start_flight(&lake, Some("pw"));
    let copied = d.path().join("copied.csv");
    let script = r#"
import json, sys
import adbc_driver_flightsql.dbapi as flightsql
import psycopg
pg_port, flight_port, copied = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}
with flightsql.connect(f"grpc://127.0.0.1:{flight_port}",
                       db_kwargs={"username": "analyst", "password": "pw"}) as conn:
    cur = conn.cursor()
    for t in ["events", "findings"]:
        cur.execute(f"SELECT * FROM {t}")
        table = cur.fetch_arrow_table()
        out[t] = {"rows": table.num_rows, "columns": table.column_names}
    cur.execute("SELECT count(*) AS n FROM events WHERE provider = $1", parameters=("okta",))
    out["okta"] = cur.fetchone()[0]
    # 32 MB of strings in one batch of views: each Flight message must stay under gRPC's
    # 16 MB however the encoder slices the batch.
    cur.execute("SELECT arrow_cast(repeat('x', 4000), 'Utf8View') AS s FROM generate_series(1, 8192)")
    wide = cur.fetch_arrow_table()
    out["wide"] = [wide.num_rows, str(wide.schema.field("s").type), len(wide["s"][8191].as_py())]
    cur.execute("SELECT action, count(*) AS n FROM events GROUP BY action")
    out["pandas_rows"] = int(cur.fetch_df()["n"].sum())
    refused = {}
    for sql in ["CREATE TABLE t AS SELECT 1",
                f"COPY (SELECT 1) TO '{copied}'",
                "INSERT INTO runs SELECT * FROM runs",
                "SET datafusion.execution.target_partitions = 1"]:
        try:
            cur.execute(sql)
            cur.fetchall()
            refused[sql] = "accepted"
        except Exception as e:
            refused[sql] = str(e)
    out["refused"] = refused
    objects = conn.adbc_get_objects(depth="tables").read_all().to_pylist()
    out["tables"] = sorted(
        t["table_name"]
        for c in objects
        for s in (c["catalog_db_schemas"] or [])
        if s["db_schema_name"] == "public"
        for t in (s["db_schema_tables"] or []))
    out["events_schema"] = conn.adbc_get_table_schema("events").names
with psycopg.connect(host="127.0.0.1", port=pg_port, user="analyst", password="pw",
                     dbname="trailcheck") as pg:
    for t in ["events", "findings"]:
        cur = pg.execute(f"SELECT * FROM {t}")
        out["pg_" + t] = {"rows": len(cur.fetchall()),
                          "columns": [d.name for d in cur.description]}
print(json.dumps(out))
"#;
    let got = adbc_json(script, &server, &[copied.to_str().unwrap()]);

    for table in ["events", "findings"] {
        let rows = sql_count(&lake, &format!("SELECT count(*) AS n FROM {table}"));
        assert!(rows > 0, "{table} is empty: the test would prove nothing");
        assert_eq!(got[table]["rows"].as_u64(), Some(rows), "{table}: {got}");
        assert_eq!(got[table], got[format!("pg_{table}")], "{table}");
    }
    assert_eq!(
        got["okta"].as_u64(),
        Some(sql_count(
            &lake,
            "SELECT count(*) AS n FROM events WHERE provider = 'okta'"
        ))
    );
    assert_eq!(got["wide"], serde_json::json!([8192, "string", 4000]));
    assert_eq!(
        got["pandas_rows"].as_u64(),
        got["events"]["rows"].as_u64(),
        "{got}"
    );
    for (sql, answer) in got["refused"].as_object().unwrap() {
        let answer = answer.as_str().unwrap();
        assert!(answer.contains("read-only"), "{sql}: {answer}");
    }
    assert!(!copied.exists(), "COPY wrote {}", copied.display());
    assert_eq!(lake_files(&lake), before, "the lake changed");

    let tables: Vec<&str> = got["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for table in ["events", "findings", "runs", "scorecards", "rejects"] {
        assert!(tables.contains(&table), "{table} not in {tables:?}");
    }
    let columns = got["events_schema"].as_array().unwrap();
    assert_eq!(columns, got["events"]["columns"].as_array().unwrap());
    assert!(columns.iter().any(|c| c == "event_uid"), "{columns:?}");
}

/// A wrong password, or none, gets no data and a log line; the right one does.
#[test]
fn flight_needs_the_password() {
    let (d, ingested) = okta_lake();
    let lake = d.path().join("lake");
    let server = start_flight(&lake, Some("correct horse"));
    let script = r#"
import json, sys
import adbc_driver_flightsql.dbapi as flightsql
flight_port = sys.argv[2]
def count(**auth):
    try:
        with flightsql.connect(f"grpc://127.0.0.1:{flight_port}", db_kwargs=auth) as conn:
            cur = conn.cursor()
            cur.execute("SELECT count(*) FROM events")
            return cur.fetchone()[0]
    except Exception as e:
        return str(e)
print(json.dumps({
    "wrong": count(username="analyst", password="wrong"),
    "none": count(),
    "right": count(username="analyst", password="correct horse"),
}))
"#;
    let got = adbc_json(script, &server, &[]);
    for attempt in ["wrong", "none"] {
        let answer = got[attempt]
            .as_str()
            .unwrap_or_else(|| panic!("{attempt}: {got}"));
        assert!(
            answer.to_lowercase().contains("unauthenticated"),
            "{attempt}: {answer}"
        );
    }
    assert_eq!(got["right"].as_u64(), Some(ingested), "{got}");
    let log = server.log.lock().unwrap().clone();
    assert!(
        log.contains("failed login from 127.0.0.1")
            && log.contains("Arrow Flight SQL as \"analyst\": password authentication failed"),
        "{log}"
    );
}

/// The Flight address follows the PostgreSQL port's rule: beyond loopback only with a
/// password.
#[test]
fn flight_beyond_loopback_needs_a_password() {
    let (d, _) = okta_lake();
    let out = bin()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--flight",
            "0.0.0.0:0",
            "--lake",
        ])
        .arg(d.path().join("lake"))
        .env_remove("TRAILCHECK_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--password"), "{}", stderr(&out));
}
