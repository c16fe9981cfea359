//! `trailcheck serve` with real clients: Debian's `psql` and Python's `psycopg`
//! (both installed by `.ci/run`). The server runs on a free loopback port over a
//! lake of `sample-logs/okta`; results must equal `trailcheck sql` for the same query.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use crate::common::*;

/// A running `trailcheck serve`, killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
    /// The Arrow Flight SQL port, when started with `--flight`.
    pub(crate) flight_port: Option<u16>,
    /// What the server wrote to stderr after its first line (and its Flight line).
    pub(crate) log: std::sync::Arc<std::sync::Mutex<String>>,
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

pub(crate) fn start_with(lake: &Path, password: Option<&str>, extra: &[&str]) -> Server {
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
    // With --flight, the second line says where Arrow Flight SQL listens.
    let flight_port = extra.contains(&"--flight").then(|| {
        let mut second = String::new();
        log.read_line(&mut second).unwrap();
        second
            .split("Arrow Flight SQL on 127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no Flight port in the server's second line: {second:?}"))
    });
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
        flight_port,
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

pub(crate) fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).to_string()
}

const QUERY: &str = "SELECT provider, tenant, action, count(*) AS n FROM events \
                     GROUP BY provider, tenant, action ORDER BY provider, tenant, action";

pub(crate) fn trailcheck_sql(lake: &Path, query: &str, format: &str) -> String {
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

/// Every file under the lake with its size, to show nothing was written.
pub(crate) fn lake_files(lake: &Path) -> Vec<(String, u64)> {
    fn go(d: &Path, out: &mut Vec<(String, u64)>) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                go(&p, out);
            } else {
                out.push((p.display().to_string(), e.metadata().unwrap().len()));
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
    let got = python_json(
        script,
        &[&server.port.to_string()],
        "python3 with sqlalchemy, pandas and psycopg (pip, done by .ci/run)",
    );
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

/// One number from `trailcheck sql` (`query` names it `n`).
pub(crate) fn sql_count(lake: &Path, query: &str) -> u64 {
    let rows: serde_json::Value =
        serde_json::from_str(&trailcheck_sql(lake, query, "json")).unwrap();
    rows[0]["n"]
        .as_u64()
        .unwrap_or_else(|| panic!("{query}: {rows}"))
}

/// A lake of the okta sample with an analyze run, so findings has rows.
pub(crate) fn analyzed_lake() -> (tempfile::TempDir, u64) {
    let (d, ingested) = okta_lake();
    let out = bin()
        .args(["analyze", "--lake"])
        .arg(d.path().join("lake"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    (d, ingested)
}

/// `information_schema.columns.data_type` names PostgreSQL types, the ones
/// `format_type(pg_attribute.atttypid, ..)` gives (arrays as `ARRAY`), for every column of
/// every table and view: no Arrow names.
#[test]
fn catalogs_name_postgresql_types_and_agree() {
    let (d, _) = analyzed_lake();
    let lake = d.path().join("lake");
    let server = start(&lake, None);
    let rows = |query: &str| -> Vec<(String, String, String)> {
        let out = psql(&server, None, &["-tA", "-F", "\t", "-c", query]);
        assert!(out.status.success(), "{query}: {}", text(&out.stderr));
        text(&out.stdout)
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f[0].to_string(), f[1].to_string(), f[2].to_string())
            })
            .collect()
    };
    let info = rows(
        "SELECT table_name, column_name, data_type FROM information_schema.columns \
         WHERE table_schema = 'public' ORDER BY 1, 2",
    );
    let attrs = rows(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) \
         FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND a.attnum > 0 ORDER BY 1, 2",
    );
    assert!(info.len() > 100, "{info:?}");
    assert_eq!(info.len(), attrs.len());
    for ((t, c, data_type), (t2, c2, formatted)) in info.iter().zip(&attrs) {
        assert_eq!((t, c), (t2, c2));
        // Arrays are `ARRAY`. One known difference, upstream's: pg_attribute (from
        // datafusion-postgres) calls a list of structs `text`, where the wire and
        // information_schema say record[] (an array).
        let expected = if formatted.ends_with("[]") {
            "ARRAY"
        } else if (t.as_str(), c.as_str()) == ("events", "targets") {
            assert_eq!(formatted, "text");
            "ARRAY"
        } else {
            formatted.as_str()
        };
        assert_eq!(data_type, expected, "{t}.{c}");
        assert!(
            !data_type.contains("Utf8") && !data_type.contains("Timestamp("),
            "{t}.{c}: {data_type}"
        );
    }
    let of = |t: &str, c: &str| {
        info.iter()
            .find(|(t2, c2, _)| t2 == t && c2 == c)
            .map(|r| r.2.as_str())
            .unwrap_or_else(|| panic!("{t}.{c} not in information_schema.columns"))
    };
    assert_eq!(of("events", "time"), "timestamp with time zone");
    assert_eq!(of("events", "event_uid"), "text");
    assert_eq!(of("findings", "frameworks"), "ARRAY");
    assert_eq!(of("events", "targets"), "ARRAY");
    assert_eq!(of("dormant_machine_identity", "rule_id"), "text");
    // SHOW answers what version() and current_setting() answer.
    let out = psql(
        &server,
        None,
        &[
            "-tA",
            "-c",
            "SHOW server_version",
            "-c",
            "SHOW standard_conforming_strings",
            "-c",
            "SHOW transaction isolation level",
            "-c",
            "SELECT current_setting('server_version_num')",
        ],
    );
    assert_eq!(
        text(&out.stdout),
        "16.6\non\nread committed\n160006\n",
        "{}",
        text(&out.stderr)
    );
}

/// SQLAlchemy 2's inspector reflects the columns of every table and view (its query has
/// correlated subqueries DataFusion runs only rewritten), with types; `stream_results`
/// reads through a server-side cursor; `pg_cursors` exists.
#[test]
fn sqlalchemy_reflects_every_table_and_streams() {
    let (d, ingested) = analyzed_lake();
    let lake = d.path().join("lake");
    let server = start(&lake, Some("pw"));
    let script = r#"
import json, sys
import sqlalchemy as sa
e = sa.create_engine(f"postgresql+psycopg://analyst:pw@127.0.0.1:{sys.argv[1]}/trailcheck")
out = {"columns": {}}
with e.connect() as c:
    insp = sa.inspect(c)
    names = insp.get_table_names() + insp.get_view_names()
    for t in names:
        out["columns"][t] = [[x["name"], type(x["type"]).__name__, getattr(x["type"], "timezone", None), x["nullable"]]
                             for x in insp.get_columns(t)]
    out["width"] = len(c.execute(sa.text("select * from events limit 1")).keys())
    cur = c.connection.driver_connection.cursor(name="never_run")
    cur.close()
    out["pg_cursors"] = c.execute(sa.text("select count(*) from pg_catalog.pg_cursors where name = 'never_run'")).scalar()
with e.connect() as c:
    streamed, parts = 0, 0
    with c.execution_options(stream_results=True).execute(sa.text("select * from events")) as r:
        kind = type(r.cursor).__name__
        for part in r.partitions(100):
            streamed += len(part)
            parts += 1
    out["streamed"] = [streamed, parts, kind]
print(json.dumps(out))
"#;
    let got = python_json(
        script,
        &[&server.port.to_string()],
        "python3 with sqlalchemy (pip, done by .ci/run)",
    );
    let columns = got["columns"].as_object().unwrap();
    for t in [
        "events",
        "findings",
        "runs",
        "scorecards",
        "findings_current",
    ] {
        assert!(columns.contains_key(t), "{t}: {got}");
    }
    for (t, cols) in columns {
        assert!(!cols.as_array().unwrap().is_empty(), "{t} has no columns");
    }
    let events = columns["events"].as_array().unwrap();
    assert_eq!(events.len() as u64, got["width"].as_u64().unwrap());
    let col = |t: &str, c: &str| {
        columns[t]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x[0] == c)
            .cloned()
            .unwrap_or_else(|| panic!("{t}.{c}: {got}"))
    };
    assert_eq!(col("events", "time")[1], "TIMESTAMP");
    assert_eq!(col("events", "time")[2], true);
    assert_eq!(col("events", "event_uid")[1], "TEXT");
    assert_eq!(col("findings", "frameworks")[1], "ARRAY");
    assert_eq!(got["pg_cursors"], 0);
    assert_eq!(got["streamed"][0].as_u64(), Some(ingested), "{got}");
    assert!(got["streamed"][1].as_u64().unwrap() > 1, "{got}");
    assert_eq!(got["streamed"][2], "ServerCursor", "{got}");
}

/// Debian's PostgreSQL JDBC driver (libpostgresql-jdbc-java, installed by .ci/run).
const JDBC_JAR: &str = "/usr/share/java/postgresql.jar";

/// The PostgreSQL JDBC driver (DBeaver, Metabase, Tableau, Spark): metadata, every
/// column of every table and view read with `getObject` (list columns included: the
/// driver asks `typinput = 'array_in'::regproc` about them), a timestamp parameter, and
/// a cursor (`setFetchSize` with autocommit off). The client is
/// tests/clients/JdbcCheck.java, compiled here.
#[test]
fn jdbc_reads_metadata_and_every_table() {
    let (d, ingested) = analyzed_lake();
    let lake = d.path().join("lake");
    let server = start(&lake, Some("pw"));
    let classes = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/JdbcCheck.java");
    let out = Command::new("javac")
        .args(["-d"])
        .arg(classes.path())
        .args(["-cp", JDBC_JAR])
        .arg(&source)
        .output()
        .expect("javac (a JDK, installed by .ci/run)");
    assert!(out.status.success(), "javac: {}", text(&out.stderr));
    let since = "2026-06-01T00:00:00Z";
    let out = Command::new("java")
        .arg("-cp")
        .arg(format!("{JDBC_JAR}:{}", classes.path().display()))
        .arg("JdbcCheck")
        .arg(format!(
            "jdbc:postgresql://127.0.0.1:{}/trailcheck",
            server.port
        ))
        .args(["analyst", "pw", since])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "JdbcCheck: {}\n{}",
        text(&out.stderr),
        text(&out.stdout)
    );
    let stdout = text(&out.stdout);
    let lines: Vec<Vec<&str>> = stdout.lines().map(|l| l.split('\t').collect()).collect();
    let facts = |kind: &str| -> Vec<&Vec<&str>> { lines.iter().filter(|l| l[0] == kind).collect() };
    let tables = facts("table");
    for (t, kind) in [
        ("events", "TABLE"),
        ("findings", "TABLE"),
        ("findings_current", "VIEW"),
    ] {
        assert!(
            tables.iter().any(|l| l[1] == t && l[2] == kind),
            "{t} {kind}:\n{stdout}"
        );
    }
    let column = |t: &str, c: &str| {
        facts("column")
            .into_iter()
            .find(|l| l[1] == t && l[2] == c)
            .unwrap_or_else(|| panic!("{t}.{c}:\n{stdout}"))
            .clone()
    };
    // java.sql.Types: TIMESTAMP 93, VARCHAR 12, ARRAY 2003.
    assert_eq!(column("events", "time")[3..], ["timestamptz", "93"]);
    assert_eq!(column("events", "event_uid")[3..], ["text", "12"]);
    assert_eq!(column("findings", "frameworks")[3..], ["_text", "2003"]);
    // Every table and view read to the end, with as many rows as `trailcheck sql` counts.
    let read = facts("rows");
    assert_eq!(read.len(), tables.len(), "{stdout}");
    for l in read {
        let n = sql_count(&lake, &format!("SELECT count(*) AS n FROM \"{}\"", l[1]));
        assert_eq!(l[3].parse::<u64>().unwrap(), n, "{}", l[1]);
    }
    let findings = sql_count(&lake, "SELECT count(*) AS n FROM findings");
    assert!(findings > 0);
    let since_n = sql_count(
        &lake,
        &format!(
            "SELECT count(*) AS n FROM events WHERE time >= TIMESTAMP '{since}' AND provider = 'okta'"
        ),
    );
    assert!(since_n > 0 && since_n < ingested, "{since_n}");
    assert_eq!(facts("since")[0][1].parse::<u64>().unwrap(), since_n);
    assert_eq!(facts("fetched")[0][1].parse::<u64>().unwrap(), ingested);
}

/// psqlODBC (Debian odbc-postgresql with unixODBC's isql, installed by .ci/run):
/// connect, list tables (SQLTables), describe findings (SQLColumns), read findings and
/// events whole.
#[test]
fn odbc_lists_and_reads_tables() {
    let (d, ingested) = analyzed_lake();
    let lake = d.path().join("lake");
    let server = start(&lake, Some("pw"));
    let isql = |input: &str| -> String {
        use std::io::Write;
        let mut child = Command::new("isql")
            .arg(format!(
                "Driver=PostgreSQL Unicode;Server=127.0.0.1;Port={};Database=trailcheck;Uid=analyst;Pwd=pw",
                server.port
            ))
            .args(["-k", "-b", "-x0x09", "-c"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("isql (Debian unixodbc, installed by .ci/run)");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        // isql reports a failed statement on stderr and still exits 0.
        let err = text(&out.stderr);
        assert!(
            out.status.success() && !err.contains("ERROR"),
            "isql {input:?}: {err}"
        );
        text(&out.stdout)
    };
    let listed = isql("help\n");
    for t in ["events", "findings", "runs", "findings_current"] {
        assert!(
            listed.lines().any(|l| l.split('\t').nth(2) == Some(t)),
            "{t}:\n{listed}"
        );
    }
    let described = isql("help findings\n");
    let frameworks = described
        .lines()
        .find(|l| l.split('\t').nth(3) == Some("frameworks"))
        .unwrap_or_else(|| panic!("{described}"));
    assert_eq!(frameworks.split('\t').nth(5), Some("_text"), "{frameworks}");
    let findings = sql_count(&lake, "SELECT count(*) AS n FROM findings");
    let out = isql("SELECT * FROM findings\n");
    assert_eq!(out.lines().count() as u64, findings + 1, "{out}");
    assert!(
        out.lines()
            .next()
            .unwrap()
            .starts_with("finding_uid\trule_id"),
        "{out}"
    );
    let out = isql("SELECT * FROM events\n");
    assert_eq!(out.lines().count() as u64, ingested + 1);
}

/// Grafana's PostgreSQL data source: its health check, its table and column lists for the
/// query builder, and panels' SQL after macro expansion (`$__timeGroupAlias(time, 1h)`
/// to `floor(extract(epoch from time)/3600)*3600 AS "time"`, `$__timeFilter(time)` to
/// `time BETWEEN '..' AND '..'`, `$__timeEpoch`, `to_timestamp`), sent as Grafana
/// sends them, through psycopg. `--log-statements` writes each one to the log, escaped.
#[test]
fn grafana_queries_answer() {
    let (d, ingested) = okta_lake();
    let lake = d.path().join("lake");
    let server = start_with(&lake, None, &["--log-statements"]);
    let from = "2026-01-01T00:00:00Z";
    let to = "2026-12-31T00:00:00Z";
    let script = r#"
import json, sys, psycopg
port, frm, to = sys.argv[1], sys.argv[2], sys.argv[3]
queries = {
  "health": "SELECT 1",
  "tables": """select quote_ident(table_name) as "table" from information_schema.tables where quote_ident(table_schema) not in ('information_schema','pg_catalog','_timescaledb_cache','_timescaledb_catalog','_timescaledb_internal','_timescaledb_config','timescaledb_information','timescaledb_experimental') and table_type = 'BASE TABLE' and quote_ident(table_schema) IN (SELECT CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END FROM generate_series(array_lower(string_to_array(current_setting('search_path'),','),1), array_upper(string_to_array(current_setting('search_path'),','),1)) as i, string_to_array(current_setting('search_path'),',') s)""",
  "columns": """select quote_ident(column_name) as "column", data_type as "type" from information_schema.columns where quote_ident(table_name) = 'events'""",
  "hourly": f"""SELECT floor(extract(epoch from time)/3600)*3600 AS "time", count(*) AS "events" FROM events WHERE time BETWEEN '{frm}' AND '{to}' GROUP BY 1 ORDER BY 1""",
  "by_action": f"""SELECT to_timestamp(floor(extract(epoch from time)/86400)*86400) AS "time", action AS metric, count(*) AS value FROM events WHERE time BETWEEN '{frm}' AND '{to}' GROUP BY 1, 2 ORDER BY 1""",
  "epoch": f"""SELECT extract(epoch from time) AS "time", actor_uid FROM events WHERE time >= '{frm}' AND time <= '{to}' ORDER BY 1 LIMIT 5""",
  "total": f"""SELECT count(*) FROM events WHERE time BETWEEN '{frm}' AND '{to}'""",
}
out = {}
with psycopg.connect(host="127.0.0.1", port=port, user="grafana", dbname="trailcheck", autocommit=True) as c:
    for k, q in queries.items():
        out[k] = [[v if isinstance(v, (int, float, str)) or v is None else str(v) for v in r] for r in c.execute(q).fetchall()]
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .args(["-c", script, &server.port.to_string(), from, to])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(got["health"], serde_json::json!([[1]]));
    let tables: Vec<&str> = got["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap())
        .collect();
    for t in ["events", "findings", "runs"] {
        assert!(tables.contains(&t), "{t}: {got}");
    }
    assert!(
        got["columns"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["time", "timestamp with time zone"])),
        "{got}"
    );
    let total = got["total"][0][0].as_u64().unwrap();
    assert!(total > 0 && total <= ingested, "{got}");
    let hourly = got["hourly"].as_array().unwrap();
    assert!(hourly.len() > 1, "{got}");
    let mut sum = 0;
    for r in hourly {
        let t = r[0].as_f64().unwrap();
        assert_eq!(t % 3600.0, 0.0, "{r}");
        sum += r[1].as_u64().unwrap();
    }
    assert_eq!(sum, total);
    let by_action: u64 = got["by_action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[2].as_u64().unwrap())
        .sum();
    assert_eq!(by_action, total);
    assert!(
        got["by_action"][0][0]
            .as_str()
            .unwrap()
            .ends_with("00:00:00"),
        "{got}"
    );
    let epochs: Vec<f64> = got["epoch"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_f64().unwrap())
        .collect();
    assert_eq!(epochs.len(), 5);
    assert!(
        epochs.windows(2).all(|w| w[0] <= w[1]) && epochs[0] > 1.7e9,
        "{epochs:?}"
    );
    // The statement log: each statement on one line, its newlines escaped.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let out = psql(&server, None, &["-tAc", "SELECT 1 AS one,\n 2 AS two"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = server.log.lock().unwrap().clone();
    assert!(
        log.contains("Received query: SELECT 1 AS one,\\u{a} 2 AS two"),
        "{log}"
    );
    assert!(
        log.contains("floor(extract(epoch from time)/3600)*3600"),
        "{log}"
    );
}

/// Run a Python `script` against `server` (its port as the one argument); the JSON it
/// prints. `needs` names what the script imports, for the failure message.
pub(crate) fn python_json(script: &str, args: &[&str], needs: &str) -> serde_json::Value {
    let out = Command::new("python3")
        .args(["-c", script])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{needs}: {}", text(&out.stderr));
    serde_json::from_str(text(&out.stdout).trim()).unwrap()
}
