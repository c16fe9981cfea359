//! `trailcheck serve` with real clients: Debian's `psql` and Python's `psycopg`
//! (both installed by `.ci/run`). The server runs on a free loopback port over a
//! lake of `sample-logs/okta`; results must equal `trailcheck sql` for the same query.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use crate::common::*;

/// A running `trailcheck serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start the server on port 0 and read the port it chose from its first line.
fn start(lake: &Path, password: Option<&str>) -> Server {
    let mut cmd = bin();
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--lake"])
        .arg(lake)
        .env_remove("TRAILCHECK_PASSWORD")
        .stderr(Stdio::piped())
        .stdout(Stdio::null());
    if let Some(p) = password {
        cmd.env("TRAILCHECK_PASSWORD", p);
    }
    let mut child = cmd.spawn().expect("start trailcheck serve");
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .split("listening on 127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in the server's first line: {line:?}"));
    Server { child, port }
}

fn psql(server: &Server, password: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new("psql");
    cmd.args([
        "-X",
        "-h",
        "127.0.0.1",
        "-U",
        "trailcheck",
        "-d",
        "trailcheck",
    ])
    .arg("-p")
    .arg(server.port.to_string())
    .args(args)
    .env_remove("PGPASSWORD");
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    cmd.output()
        .expect("psql (Debian postgresql-client, installed by .ci/run)")
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).to_string()
}

const QUERY: &str = "SELECT provider, tenant, action, count(*) AS n FROM events \
                     GROUP BY provider, tenant, action ORDER BY provider, tenant, action";

fn trailcheck_sql(lake: &Path, query: &str, format: &str) -> String {
    let out = bin()
        .args(["sql", "--format", format, "--lake"])
        .arg(lake)
        .arg(query)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    text(&out.stdout)
}

#[test]
fn psql_reads_what_sql_reads_and_cannot_write() {
    let (d, _) = okta_lake();
    let lake = d.path().join("lake");
    let server = start(&lake, None);

    // The same rows, in CSV, from psql and from `trailcheck sql`.
    let out = psql(&server, None, &["--csv", "-c", QUERY]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let expected = trailcheck_sql(&lake, QUERY, "csv");
    assert_eq!(text(&out.stdout), expected);
    assert!(expected.lines().count() > 3, "{expected}");

    // psql's \dt lists the lake's tables; \d events describes its columns.
    let out = psql(&server, None, &["-c", "\\dt"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    for table in [
        "events",
        "rejects",
        "runs",
        "findings",
        "scorecards",
        "params",
    ] {
        assert!(
            listing
                .lines()
                .any(|l| l.split('|').nth(1).map(str::trim) == Some(table)),
            "{table} not in \\dt:\n{listing}"
        );
    }
    // BI tools list the tables of current_schema().
    let out = psql(
        &server,
        None,
        &[
            "-tAc",
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name IN ('events', 'findings')",
        ],
    );
    assert_eq!(text(&out.stdout).trim(), "2", "{}", text(&out.stderr));
    let out = psql(&server, None, &["-c", "\\d events"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let described = text(&out.stdout);
    for column in ["event_uid", "actor_uid", "raw"] {
        assert!(described.contains(column), "{column}:\n{described}");
    }

    // Writes, DDL, COPY and engine settings are refused with SQLSTATE 25006.
    for write in [
        "INSERT INTO runs SELECT * FROM runs",
        "CREATE TABLE t AS SELECT 1",
        "DROP TABLE events",
        "COPY (SELECT 1) TO '/tmp/trailcheck-serve-copy.csv'",
        "SET datafusion.execution.target_partitions = 1",
    ] {
        let out = psql(
            &server,
            None,
            &[
                "-v",
                "ON_ERROR_STOP=1",
                "-v",
                "VERBOSITY=verbose",
                "-c",
                write,
            ],
        );
        assert!(!out.status.success(), "{write} was accepted");
        let err = text(&out.stderr);
        assert!(
            err.contains("25006") && err.contains("read-only"),
            "{write}: {err}"
        );
    }
    assert!(!Path::new("/tmp/trailcheck-serve-copy.csv").exists());
    // The lake still answers the same after the refusals.
    let out = psql(&server, None, &["--csv", "-c", QUERY]);
    assert_eq!(text(&out.stdout), expected);
}

#[test]
fn password_is_required_when_set() {
    let (d, ingested) = okta_lake();
    let lake = d.path().join("lake");
    let server = start(&lake, Some("correct horse"));
    let count = "SELECT count(*) FROM events";

    let out = psql(&server, Some("wrong"), &["-tAc", count]);
    assert!(!out.status.success(), "a wrong password was accepted");
    assert!(
        text(&out.stderr).to_lowercase().contains("password"),
        "{}",
        text(&out.stderr)
    );
    let out = psql(&server, None, &["-w", "-tAc", count]);
    assert!(!out.status.success(), "no password was accepted");

    let out = psql(&server, Some("correct horse"), &["-tAc", count]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), ingested.to_string());
}

#[test]
fn non_loopback_without_password_is_refused() {
    let (d, _) = okta_lake();
    let out = bin()
        .args(["serve", "--listen", "0.0.0.0:0", "--lake"])
        .arg(d.path().join("lake"))
        .env_remove("TRAILCHECK_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--password"), "{}", stderr(&out));
}

/// psycopg uses the extended protocol (Parse/Bind/Execute) with parameters.
#[test]
fn psycopg_reads_what_sql_reads() {
    let (d, _) = okta_lake();
    let lake = d.path().join("lake");
    let server = start(&lake, Some("pw"));
    let script = r#"
import json, sys, psycopg
port, query = sys.argv[1], sys.argv[2]
with psycopg.connect(host="127.0.0.1", port=port, user="analyst", password="pw", dbname="trailcheck") as conn:
    rows = conn.execute(query).fetchall()
    cols = ["provider", "tenant", "action", "n"]
    print(json.dumps([dict(zip(cols, r)) for r in rows]))
    one = conn.execute("SELECT count(*) FROM events WHERE provider = %s", ("okta",)).fetchone()[0]
    print(json.dumps(one))
    try:
        conn.execute("DELETE FROM events")
        print(json.dumps("accepted"))
    except psycopg.Error as e:
        print(json.dumps(e.sqlstate))
"#;
    let out = Command::new("python3")
        .args(["-c", script, &server.port.to_string(), QUERY])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python3 with psycopg (pip install 'psycopg[binary]', done by .ci/run): {}",
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let expected: serde_json::Value =
        serde_json::from_str(&trailcheck_sql(&lake, QUERY, "json")).unwrap();
    assert_eq!(lines[0], expected);
    let total: u64 = expected
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["provider"] == "okta")
        .map(|r| r["n"].as_u64().unwrap())
        .sum();
    assert_eq!(lines[1].as_u64(), Some(total));
    assert_eq!(lines[2], "25006");
}
