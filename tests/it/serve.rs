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
    /// What the server wrote to stderr after its first line.
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start the server on port 0 and read the port it chose from its first line.
fn start(lake: &Path, password: Option<&str>) -> Server {
    start_with(lake, password, &[])
}

fn start_with(lake: &Path, password: Option<&str>, extra: &[&str]) -> Server {
    start_cmd(bin(), lake, password, extra)
}

fn start_cmd(mut cmd: Command, lake: &Path, password: Option<&str>, extra: &[&str]) -> Server {
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--lake"])
        .arg(lake)
        .args(extra)
        .env_remove("TRAILCHECK_PASSWORD")
        .stderr(Stdio::piped())
        .stdout(Stdio::null());
    if let Some(p) = password {
        cmd.env("TRAILCHECK_PASSWORD", p);
    }
    let mut child = cmd.spawn().expect("start trailcheck serve");
    let mut line = String::new();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    log.read_line(&mut line).unwrap();
    // Keep reading the log so the server never blocks on a full pipe.
    let kept = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let keep = kept.clone();
    std::thread::spawn(move || {
        let mut line = String::new();
        while log.read_line(&mut line).unwrap_or(0) > 0 {
            keep.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
    let port = line
        .split("listening on 127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in the server's first line: {line:?}"));
    Server {
        child,
        port,
        log: kept,
    }
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

/// Every file under the lake, to show nothing was written.
fn lake_files(lake: &Path) -> Vec<String> {
    fn go(d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                go(&p, out);
            } else {
                out.push(p.display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    go(lake, &mut out);
    out.sort();
    out
}

/// A cursor's query goes through the same read-only gate as any other: the write
/// inside `DECLARE ... CURSOR FOR` is refused on both protocols, and no table appears.
#[test]
fn cursors_cannot_write() {
    let (d, ingested) = okta_lake();
    let lake = d.path().join("lake");
    let before = lake_files(&lake);
    let server = start(&lake, None);
    for declare in [
        "BEGIN; DECLARE c CURSOR FOR INSERT INTO events SELECT * FROM events; FETCH ALL FROM c; COMMIT;",
        "BEGIN; DECLARE c CURSOR FOR SELECT 1 AS x INTO t; FETCH ALL FROM c; COMMIT;",
        "BEGIN; DECLARE c CURSOR FOR WITH w AS (DELETE FROM events RETURNING *) SELECT * FROM w; COMMIT;",
    ] {
        let out = psql(&server, None, &["-v", "ON_ERROR_STOP=1", "-c", declare]);
        assert!(
            !out.status.success(),
            "{declare} was accepted: {}",
            text(&out.stdout)
        );
    }
    // No table t for a later connection, and the lake is as it was.
    let out = psql(&server, None, &["-tAc", "SELECT count(*) FROM t"]);
    assert!(
        !out.status.success(),
        "table t exists: {}",
        text(&out.stdout)
    );
    let out = psql(&server, None, &["-tAc", "SELECT count(*) FROM events"]);
    assert_eq!(text(&out.stdout).trim(), ingested.to_string());

    // The extended protocol: psycopg's server-side (named) cursors are DECLAREs.
    let script = r#"
import json, sys, psycopg
out = []
with psycopg.connect(host="127.0.0.1", port=sys.argv[1], user="a", dbname="trailcheck", autocommit=True) as conn:
    for q in ["INSERT INTO events SELECT * FROM events", "SELECT 1 AS x INTO t2"]:
        try:
            with conn.transaction():
                with conn.cursor(name="c") as cur:
                    cur.execute(q)
            out.append("accepted")
        except psycopg.Error as e:
            out.append(e.sqlstate)
    out.append(conn.execute("SELECT count(*) FROM events").fetchone()[0])
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .args(["-c", script, &server.port.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(got[0], "25006", "{got}");
    assert_eq!(got[1], "25006", "{got}");
    assert_eq!(got[2].as_u64(), Some(ingested), "{got}");
    drop(server);
    assert_eq!(lake_files(&lake), before);
}

/// One query cannot take the server's memory: over the connection's budget it fails
/// with SQLSTATE 53200 and the same connection, and others, go on.
#[test]
fn a_query_over_its_memory_budget_fails_alone() {
    let (d, ingested) = okta_lake();
    let lake = d.path().join("lake");
    let server = start_with(&lake, None, &["--connection-memory-limit", "2M"]);
    let hungry = "SELECT count(*) FROM events a JOIN events b ON a.provider = b.provider \
                  WHERE length(a.raw) + length(b.raw) > 0";
    let out = psql(
        &server,
        None,
        &[
            "-v",
            "VERBOSITY=verbose",
            "-c",
            hungry,
            "-c",
            "SELECT count(*) FROM events",
        ],
    );
    let err = text(&out.stderr);
    assert!(err.contains("53200"), "{err}");
    assert!(
        text(&out.stdout).contains(&ingested.to_string()),
        "{}",
        text(&out.stdout)
    );
    let out = psql(&server, None, &["-tAc", "SELECT count(*) FROM events"]);
    assert_eq!(text(&out.stdout).trim(), ingested.to_string());
}

/// A slow query: the count of a three-way cross join of the events.
const SLOW: &str =
    "SELECT count(*) FROM events a, events b, events c WHERE a.raw < b.raw AND b.raw < c.raw";

#[test]
fn statement_timeout_cancels_a_query() {
    let (d, _) = okta_lake();
    let lake = d.path().join("lake");
    let server = start(&lake, None);
    let started = std::time::Instant::now();
    let out = psql(
        &server,
        None,
        &[
            "-v",
            "VERBOSITY=verbose",
            "-c",
            "SET statement_timeout = 300",
            "-c",
            SLOW,
        ],
    );
    let err = text(&out.stderr);
    assert!(err.contains("57014") && err.contains("timeout"), "{err}");
    // Well before the query could have finished (it runs for minutes).
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    // The server's own default applies when the client sets none.
    let server = start_with(&lake, None, &["--statement-timeout", "300ms"]);
    let out = psql(&server, None, &["-v", "VERBOSITY=verbose", "-c", SLOW]);
    assert!(text(&out.stderr).contains("57014"), "{}", text(&out.stderr));
}

/// CPU seconds a process has used (Linux /proc).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15 of stat; 12 and 13 after "pid (comm) ".
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// A client that goes away mid-query takes its query with it: the server stops
/// spending CPU on it.
#[test]
fn a_client_that_leaves_cancels_its_query() {
    let (d, _) = okta_lake();
    let lake = d.path().join("lake");
    let server = start_with(&lake, None, &["--statement-timeout", "0"]);
    let mut client = Command::new("psql")
        .args(["-X", "-h", "127.0.0.1", "-U", "t", "-d", "trailcheck", "-p"])
        .arg(server.port.to_string())
        .args(["-c", SLOW])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = server.child.id();
    // Wait until the query is burning CPU (up to 20 s: other tests may load the machine).
    let t0 = cpu_seconds(pid);
    let started = std::time::Instant::now();
    while cpu_seconds(pid) - t0 < 0.5 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the query did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    client.kill().unwrap();
    client.wait().unwrap();
    // Give the server time to notice (longer when other tests load the machine): wait,
    // up to 10 s, for half a second in which it is quiet. SLOW runs for minutes, so a
    // query that was not cancelled still burns the window below.
    for _ in 0..20 {
        let before = cpu_seconds(pid);
        std::thread::sleep(std::time::Duration::from_millis(500));
        if cpu_seconds(pid) - before < 0.05 {
            break;
        }
    }
    let t1 = cpu_seconds(pid);
    std::thread::sleep(std::time::Duration::from_secs(3));
    let spent = cpu_seconds(pid) - t1;
    assert!(
        spent < 0.5,
        "the server spent {spent:.2} CPU s after its client left"
    );
    // And still serves.
    let out = psql(&server, None, &["-tAc", "SELECT 1"]);
    assert_eq!(text(&out.stdout).trim(), "1");
}

/// A client that never finishes its startup is dropped.
#[test]
fn idle_sockets_are_dropped() {
    use std::io::Read;
    let (d, _) = okta_lake();
    let lake = d.path().join("lake");
    let server = start(&lake, None);
    let mut idle = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    idle.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = [0u8; 16];
    // The server closes the socket: read returns 0 (or an error), not a timeout.
    let n = idle.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0);
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_secs(5) && waited < std::time::Duration::from_secs(25),
        "{waited:?}"
    );
}

/// Wrong passwords are answered slowly, one at a time across connections, and each
/// is logged with the peer and the user name as escaped text.
#[test]
fn failed_logins_are_slowed_and_logged() {
    let (d, _) = okta_lake();
    let lake = d.path().join("lake");
    let server = start(&lake, Some("right"));
    let started = std::time::Instant::now();
    let tries: Vec<_> = (0..4)
        .map(|_| {
            Command::new("psql")
                .args([
                    "-X",
                    "-h",
                    "127.0.0.1",
                    "-d",
                    "trailcheck",
                    "-tAc",
                    "SELECT 1",
                ])
                .arg("-U")
                .arg("mallory\u{1b}[2J")
                .arg("-p")
                .arg(server.port.to_string())
                .env("PGPASSWORD", "wrong")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut t in tries {
        assert!(!t.wait().unwrap().success());
    }
    // Four failures, half a second each, one after another.
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(1900),
        "{:?}",
        started.elapsed()
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = server.log.lock().unwrap().clone();
    assert_eq!(
        log.matches("failed login from 127.0.0.1").count(),
        4,
        "{log}"
    );
    assert!(
        log.contains("\\u{1b}[2J") && !log.contains('\u{1b}'),
        "{log}"
    );
}

/// With its descriptors exhausted the server waits between accepts instead of
/// spinning, says so once, and serves again when clients leave.
#[test]
fn descriptors_exhausted_back_off() {
    let (d, _) = okta_lake();
    let lake = d.path().join("lake");
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_trailcheck"));
    let server = start_cmd(sh, &lake, None, &[]);
    let held: Vec<_> = (0..80)
        .filter_map(|_| std::net::TcpStream::connect(("127.0.0.1", server.port)).ok())
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let pid = server.child.id();
    let t0 = cpu_seconds(pid);
    std::thread::sleep(std::time::Duration::from_secs(2));
    let spent = cpu_seconds(pid) - t0;
    assert!(
        spent < 0.5,
        "{spent:.2} CPU s in 2 s with descriptors exhausted"
    );
    let log = server.log.lock().unwrap().clone();
    assert_eq!(log.matches("accept failed").count(), 1, "{log}");
    drop(held);
    let out = psql(&server, None, &["-tAc", "SELECT 1"]);
    assert_eq!(text(&out.stdout).trim(), "1", "{}", text(&out.stderr));
}

/// SQLAlchemy 2 with psycopg 3 (what pandas' `read_sql`, Superset and Jupyter's `%sql`
/// connect through): it reads the server version from `version()`, opens a savepoint
/// around its type lookups, and asks `to_regtype`; then a bound query, pandas'
/// `read_sql` with bound parameters and in chunks, and the inspector's lists of tables
/// and views.
#[test]
fn sqlalchemy_connects_queries_and_lists_tables() {
    let (d, _) = okta_lake();
    let lake = d.path().join("lake");
    let server = start(&lake, Some("pw"));
    let script = r#"
import json, sys
import pandas as pd
import sqlalchemy as sa
e = sa.create_engine(f"postgresql+psycopg://analyst:pw@127.0.0.1:{sys.argv[1]}/trailcheck")
frame = pd.read_sql(sa.text("select provider, time from events where provider = :p"), e, params={"p": "okta"})
chunks = [len(c) for c in pd.read_sql(sa.text("select * from events"), e, chunksize=500)]
with e.connect() as c:
    insp = sa.inspect(c)
    print(json.dumps({
        "server_version": list(c.dialect.server_version_info),
        "version": c.execute(sa.text("select version()")).scalar(),
        "search_path": c.execute(sa.text("select current_setting('search_path')")).scalar(),
        "missing": c.execute(sa.text("select current_setting('no.such', true)")).scalar(),
        "okta": c.execute(sa.text("select count(*) from events where provider = :p"), {"p": "okta"}).scalar(),
        "pandas": [len(frame), str(frame["time"].dtype), sum(chunks), max(chunks)],
        "catalog": list(c.execute(sa.text(
            "select pg_get_serial_sequence('events', 'time') is null, pg_collation_is_visible(100), "
            "json_build_object('a', 1), to_regtype('timestamptz'), to_regtype('hstore') is null")).one()),
        "tables": sorted(insp.get_table_names()),
        "views": sorted(insp.get_view_names()),
    }))
"#;
    let out = Command::new("python3")
        .args(["-c", script, &server.port.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python3 with sqlalchemy, pandas and psycopg (pip, done by .ci/run): {}",
        text(&out.stderr)
    );
    let got: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(got["server_version"], serde_json::json!([16, 6]), "{got}");
    assert!(
        got["version"]
            .as_str()
            .is_some_and(|v| v.starts_with("PostgreSQL 16.6 (trailcheck")),
        "{got}"
    );
    assert_eq!(got["search_path"], "public");
    assert!(got["missing"].is_null());
    assert_eq!(
        got["catalog"],
        serde_json::json!([true, true, "{\"a\":1}", 1184, true]),
        "{got}"
    );
    let expected: serde_json::Value = serde_json::from_str(&trailcheck_sql(
        &lake,
        "SELECT count(*) AS n FROM events WHERE provider = 'okta'",
        "json",
    ))
    .unwrap();
    assert_eq!(got["okta"], expected[0]["n"]);
    // pandas: a bound query into a frame (times as UTC datetimes), and in chunks.
    assert_eq!(got["pandas"][0], expected[0]["n"], "{got}");
    assert_eq!(got["pandas"][1], "datetime64[us, UTC]", "{got}");
    assert_eq!(got["pandas"][2], expected[0]["n"], "{got}");
    assert!(got["pandas"][3].as_u64().unwrap() <= 500, "{got}");
    for t in ["events", "findings", "runs", "scorecards"] {
        assert!(
            got["tables"].as_array().unwrap().iter().any(|x| x == t),
            "{t}: {got}"
        );
    }
    for r in trailcheck::session::rules() {
        assert!(
            got["views"].as_array().unwrap().iter().any(|x| x == r.name),
            "{}: {got}",
            r.name
        );
    }
}

/// psycopg named (server-side) cursors, what pandas' `chunksize` and ETL tools read large
/// results with, over every table: the description matches the rows and every row
/// arrives, in the pure-Python client (which raised IndexError) and the binary one
/// (which crashed).
#[test]
fn named_cursors_read_every_table() {
    let (d, _) = okta_lake();
    let lake = d.path().join("lake");
    let out = bin()
        .args(["analyze", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let server = start(&lake, None);
    let tables = [
        "events",
        "rejects",
        "runs",
        "findings",
        "admin_roles",
        "identities",
    ];
    let script = r#"
import json, sys, psycopg
port, tables = sys.argv[1], sys.argv[2].split(",")
out = {}
with psycopg.connect(host="127.0.0.1", port=port, user="analyst", dbname="trailcheck") as conn:
    for t in tables:
        with conn.cursor(name="c_" + t) as cur:
            cur.itersize = 7
            cur.execute(f"SELECT * FROM {t}")
            width = len(cur.description)
            rows = 0
            for row in cur:
                assert len(row) == width, (t, len(row), width)
                rows += 1
            out[t] = [width, rows]
print(json.dumps(out))
"#;
    for implementation in ["python", "binary"] {
        let out = Command::new("python3")
            .args(["-c", script, &server.port.to_string(), &tables.join(",")])
            .env("PSYCOPG_IMPL", implementation)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psycopg ({implementation}) named cursors: {}",
            text(&out.stderr)
        );
        let got: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
        for t in tables {
            let expected: serde_json::Value = serde_json::from_str(&trailcheck_sql(
                &lake,
                &format!("SELECT count(*) AS n FROM {t}"),
                "json",
            ))
            .unwrap();
            assert_eq!(got[t][1], expected[0]["n"], "{implementation} {t}: {got}");
            assert!(got[t][0].as_u64().unwrap() > 1, "{t}: {got}");
        }
    }
}
