//! Bad input: a clear message naming the file, nothing lost, the lake stays consistent.
//! Then what is particular to a format: empty Reports pages and activities (Google
//! Workspace), GitHub timestamps in every form, and CSV exports with broken rows.

use std::io::Write;

use arrow::array::AsArray;
use arrow::datatypes::TimestampMicrosecondType;

use crate::common::*;

const OKTA_1: &str = r#"{"uuid":"u-1","published":"2026-10-01T10:00:00.000Z","eventType":"user.session.start","actor":{"id":"00u1","type":"User","alternateId":"a@example.com"},"outcome":{"result":"SUCCESS"}}"#;
const OKTA_2: &str = r#"{"uuid":"u-2","published":"2026-10-02T10:00:00.000Z","eventType":"user.session.start","actor":{"id":"00u2","type":"User","alternateId":"b@example.com"},"outcome":{"result":"FAILURE"}}"#;
const OKTA_3: &str = r#"{"uuid":"u-3","published":"2026-10-03T10:00:00.000Z","eventType":"system.api_token.create","actor":{"id":"00u1","type":"User"},"target":[{"id":"00T9","type":"Token","displayName":"ci"}]}"#;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn a_malformed_line_among_good_ones_is_rejected_alone() {
    let d = tempfile::tempdir().unwrap();
    let text = format!(
        "{OKTA_1}\n{{\"uuid\": \"u-x\", \"published\": \n{OKTA_2}\nnot json at all\n{OKTA_3}\n"
    );
    let f = write(d.path(), "okta.ndjson", text.as_bytes());
    let lake = d.path().join("lake");
    let (s, out) = ingest(&lake, &["--tenant", "acme", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(total(&s, "ingested"), 3, "{s}");
    assert_eq!(total(&s, "rejected"), 2, "{s}");
    let rejects = read_all(&lake.join("rejects"));
    let reasons: Vec<String> = strings(&rejects, "reason").into_iter().flatten().collect();
    assert!(
        reasons.iter().all(|r| r.starts_with("malformed JSON")),
        "{reasons:?}"
    );
    let files = strings(&rejects, "source_file");
    assert!(
        files.iter().all(|x| x.as_deref() == f.to_str()),
        "{files:?}"
    );
    let offsets = u64s(&rejects, "source_offset");
    assert_eq!(
        offsets[0],
        OKTA_1.len() as u64 + 1,
        "the offset points at the bad line"
    );
}

#[test]
fn truncated_gzip_keeps_what_was_read_and_names_the_file() {
    let d = tempfile::tempdir().unwrap();
    let mut body = String::new();
    for i in 0..2000 {
        body.push_str(&OKTA_1.replace("u-1", &format!("u-{i}")));
        body.push('\n');
    }
    let gz = gzip(body.as_bytes());
    let f = write(d.path(), "okta.ndjson.gz", &gz[..gz.len() / 2]);
    let lake = d.path().join("lake");
    let (s, out) = ingest(&lake, &["--tenant", "acme", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "a truncated file is an error");
    let err = stderr(&out);
    assert!(
        err.contains("okta.ndjson.gz") && err.contains("gzip stream is truncated"),
        "{err}"
    );
    let ing = total(&s, "ingested");
    assert!(ing > 100 && ing < 2000, "{s}");
    // What was read is in the lake.
    assert_eq!(rows(&read_all(&lake.join("events"))) as u64, ing);
    assert_eq!(total(&s, "read"), ing + total(&s, "rejected"));
}

#[test]
fn non_utf8_bytes_are_a_reject_with_the_raw_bytes() {
    let d = tempfile::tempdir().unwrap();
    let mut text = Vec::new();
    text.extend_from_slice(OKTA_1.as_bytes());
    text.push(b'\n');
    text.extend_from_slice(&OKTA_2.as_bytes()[..40]);
    text.extend_from_slice(&[0xff, 0xfe, b'x']);
    text.extend_from_slice(&OKTA_2.as_bytes()[40..]);
    text.push(b'\n');
    let f = write(d.path(), "bad.json", &text);
    let lake = d.path().join("lake");
    let (s, out) = ingest(&lake, &["--tenant", "acme", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (total(&s, "ingested"), total(&s, "rejected")),
        (1, 1),
        "{s}"
    );
    let rejects = read_all(&lake.join("rejects"));
    assert!(
        strings(&rejects, "reason")[0]
            .as_deref()
            .unwrap()
            .contains("not valid UTF-8")
    );
    let raw = rejects[0].column_by_name("raw").unwrap();
    let raw = arrow::array::AsArray::as_binary::<i32>(raw.as_ref());
    assert!(raw.value(0).contains(&0xff), "raw bytes kept as they were");
}

#[test]
fn an_empty_file_is_a_warning_not_an_error() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "empty.json", b"");
    let g = write(d.path(), "good.json", OKTA_1.as_bytes());
    let (s, out) = ingest(
        &d.path().join("lake"),
        &[f.to_str().unwrap(), g.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("empty.json: empty"),
        "{}",
        stderr(&out)
    );
    assert_eq!(total(&s, "ingested"), 1);
}

#[test]
fn a_50_mb_line_is_rejected_without_holding_it_and_the_next_line_is_read() {
    let d = tempfile::tempdir().unwrap();
    let mut text = Vec::with_capacity(51 << 20);
    text.extend_from_slice(OKTA_1.as_bytes());
    text.extend_from_slice(b"\n{\"uuid\":\"big\",\"published\":\"2026-10-01T10:00:00Z\",\"eventType\":\"x\",\"pad\":\"");
    text.resize(text.len() + (50 << 20), b'a');
    text.extend_from_slice(b"\"}\n");
    text.extend_from_slice(OKTA_2.as_bytes());
    text.push(b'\n');
    let f = write(d.path(), "huge.ndjson", &text);
    let lake = d.path().join("lake");
    let (s, out) = ingest(&lake, &["--tenant", "acme", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (total(&s, "ingested"), total(&s, "rejected")),
        (2, 1),
        "{s}"
    );
    let rejects = read_all(&lake.join("rejects"));
    let reason = strings(&rejects, "reason")[0].clone().unwrap();
    assert!(
        reason.contains("larger than the record size limit"),
        "{reason}"
    );
    let len = u64s(&rejects, "raw_len");
    assert!(len[0] > 50 << 20);
}

#[test]
fn an_unknown_format_is_an_error_naming_the_file() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "users.csv", b"name,email\nann,ann@example.com\n");
    let g = write(d.path(), "other.json", br#"{"hello":"world"}"#);
    let (_s, out) = ingest(
        &d.path().join("lake"),
        &[f.to_str().unwrap(), g.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("users.csv: no events read"), "{err}");
    assert!(
        err.contains("other.json: no events read") && err.contains("unknown format"),
        "{err}"
    );
    assert!(
        err.contains("okta, aws_cloudtrail"),
        "says what was expected: {err}"
    );
}

#[test]
fn a_missing_input_is_an_error_naming_it() {
    let d = tempfile::tempdir().unwrap();
    let (_s, out) = ingest(&d.path().join("lake"), &["/no/such/export.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/no/such/export.json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_hostile_tenant_stays_inside_the_lake() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "okta.json", OKTA_1.as_bytes());
    let lake = d.path().join("deep/lake");
    for tenant in ["../../x", "/etc", "..", "a\\..\\b", &"t".repeat(400)] {
        let (s, out) = ingest(&lake, &["--tenant", tenant, f.to_str().unwrap()]);
        assert!(out.status.success(), "{tenant}: {}", stderr(&out));
        assert_eq!(total(&s, "ingested"), 1);
    }
    // A tenant from log content: NUL and a path in an Entra tenantId.
    let hostile = r#"{"time":"2026-10-01T10:00:00Z","operationName":"Sign-in activity","category":"SignInLogs","tenantId":"../\u0000/../x","properties":{"id":"s-1","createdDateTime":"2026-10-01T10:00:00Z","userId":"u1","userPrincipalName":"a@example.com","status":{"errorCode":0}}}"#;
    let g = write(d.path(), "entra.json", hostile.as_bytes());
    let (s, out) = ingest(&lake, &[g.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(total(&s, "ingested"), 1);
    // Nothing was written outside the lake folder.
    let outside: Vec<_> = walk(d.path())
        .into_iter()
        .filter(|p| !p.starts_with(&lake) && p != &f && p != &g)
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    // And each tenant reads back exactly as given.
    let mut tenants: Vec<String> = strings(&read_all(&lake.join("events")), "tenant")
        .into_iter()
        .flatten()
        .collect();
    tenants.sort();
    assert_eq!(tenants.len(), 6);
    assert!(
        tenants.contains(&"../../x".to_string()) && tenants.contains(&"../\u{0}/../x".to_string())
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Run a command against a lake and return its output.
fn lake_cmd(cmd: &str, lake: &std::path::Path, args: &[&str]) -> std::process::Output {
    bin()
        .arg(cmd)
        .arg("--lake")
        .arg(lake)
        .args(args)
        .output()
        .unwrap()
}

/// The reasons of every reject in the lake.
fn reasons(lake: &std::path::Path) -> Vec<String> {
    strings(&read_all(&lake.join("rejects")), "reason")
        .into_iter()
        .flatten()
        .collect()
}

/// Issue 18 item 2: a time outside 1970..2199 is a reject naming the value, so one
/// record cannot make `analyze`, `score` or `report` fail for the whole lake; item 7:
/// none of the inputs that panicked does.
#[test]
fn times_outside_the_range_are_rejects_and_the_lake_stays_analyzable() {
    let d = tempfile::tempdir().unwrap();
    let bad = [
        r#""3000-01-01T00:00:00Z""#,
        r#""9999-12-31T23:59:59Z""#,
        r#""1600-01-01T00:00:00Z""#,
        r#""0000-01-01T00:00:00Z""#,
        // The year 3000 as epoch seconds and as milliseconds.
        "32503680000",
        "32503680000000",
        "-9223372036854775808",
        "-1e20",
        r#""2017-09-0é""#,
        r#""2026-10-01T10:00:00+24:00""#,
    ];
    let mut text = format!("{OKTA_1}\n");
    for (i, t) in bad.iter().enumerate() {
        text.push_str(&format!(
            "{{\"uuid\":\"bad-{i}\",\"published\":{t},\"eventType\":\"user.session.start\",\"actor\":{{\"id\":\"00u9\",\"type\":\"User\"}}}}\n"
        ));
    }
    text.push_str(&format!("{OKTA_2}\n{OKTA_3}\n"));
    let f = write(d.path(), "okta.ndjson", text.as_bytes());
    let lake = d.path().join("lake");
    let (s, out) = ingest(&lake, &["--tenant", "acme", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (total(&s, "ingested"), total(&s, "rejected")),
        (3, bad.len() as u64),
        "{s}"
    );
    let reasons = reasons(&lake);
    for (t, r) in bad.iter().zip(&reasons) {
        let value = t.trim_matches('"');
        let value = value
            .strip_prefix("-1e20")
            .map_or(value, |_| "-100000000000000000000");
        assert!(r.contains(value), "{t}: {r}");
        assert!(
            r.contains("outside the accepted range")
                || r.contains("unreadable timestamp")
                || r.contains("outside -23:59 to +23:59"),
            "{t}: {r}"
        );
    }
    for cmd in ["analyze", "score"] {
        let out = lake_cmd(cmd, &lake, &[]);
        assert!(out.status.success(), "{cmd}: {}", stderr(&out));
    }
    let out = lake_cmd(
        "report",
        &lake,
        &["--out", d.path().join("report").to_str().unwrap()],
    );
    assert!(out.status.success(), "report: {}", stderr(&out));
    // An as-of outside the range, or unreadable, is a usage error and never a panic.
    for args in [
        ["--as-of", "3000-01-01T00:00:00Z"],
        ["--as-of", "1600-01-01T00:00:00Z"],
        ["--param", "as_of=9999-12-31T23:59:59Z"],
        ["--param", "as_of=32503680000000000000"],
        ["--as-of", "2017-09-0é"],
        ["--as-of", "2026-10-01T10:00:00+24:00"],
    ] {
        let out = lake_cmd("analyze", &lake, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("as_of"), "{args:?}: {}", stderr(&out));
    }
}

/// Issue 18 item 11a: in NDJSON a broken line is one reject, and the next line is read
/// fresh, also when the broken line is the first or ends in a backslash.
#[test]
fn a_broken_first_line_or_trailing_backslash_swallows_nothing() {
    let d = tempfile::tempdir().unwrap();
    let mut text = String::from("{\"a\":1,\n");
    for i in 0..1000 {
        text.push_str(&OKTA_1.replace("u-1", &format!("u-{i}")));
        text.push('\n');
    }
    text.push_str("{\"uuid\":\"u-x\",\"published\":\"2026-10-01T10:00:00Z\",\"eventType\":\"x\\\n");
    text.push_str(&format!("{OKTA_2}\n"));
    let f = write(d.path(), "okta.ndjson", text.as_bytes());
    let lake = d.path().join("lake");
    let (s, out) = ingest(&lake, &["--tenant", "acme", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (total(&s, "ingested"), total(&s, "rejected")),
        (1001, 2),
        "{s}"
    );
    let rejects = read_all(&lake.join("rejects"));
    assert_eq!(u64s(&rejects, "raw_len"), vec![7, 64]);
    assert_eq!(u64s(&rejects, "source_offset")[0], 0);
}

/// Issue 18 item 11c: a UTF-8 byte order mark at the start of a file is skipped.
#[test]
fn a_byte_order_mark_is_skipped() {
    let d = tempfile::tempdir().unwrap();
    let array = format!("\u{feff}[{OKTA_1},{OKTA_2}]");
    let lines = format!("\u{feff}{OKTA_3}\n{}\n", OKTA_1.replace("u-1", "u-4"));
    let f = write(d.path(), "array.json", array.as_bytes());
    let g = write(d.path(), "lines.ndjson.gz", &gzip(lines.as_bytes()));
    let lake = d.path().join("lake");
    let (s, out) = ingest(
        &lake,
        &["--tenant", "acme", f.to_str().unwrap(), g.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (total(&s, "ingested"), total(&s, "rejected")),
        (4, 0),
        "{s}"
    );
}

/// Issue 18 item 11b: FIFOs, sockets and devices in a folder (also behind a symlink)
/// are skipped with a warning and never opened; named on the command line, a device
/// is an error.
#[cfg(unix)]
#[test]
fn non_regular_files_are_skipped_not_opened() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("in");
    std::fs::create_dir(&input).unwrap();
    write(&input, "a-good.json", OKTA_1.as_bytes());
    let fifo = input.join("x.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink("/dev/zero", input.join("zero.json")).unwrap();
    std::os::unix::fs::symlink(&input, input.join("loop.json")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(input.join("s.ndjson")).unwrap();
    let lake = d.path().join("lake");
    let mut child = bin()
        .args(["ingest", "--json", "--quiet", "--tenant", "acme", "--lake"])
        .arg(&lake)
        .arg(&input)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("ingest hung on a FIFO or /dev/zero");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    for (name, why) in [
        ("x.json", "FIFO"),
        ("zero.json", "character device"),
        ("s.ndjson", "socket"),
        ("loop.json", "symlink to a folder"),
    ] {
        assert!(
            err.lines().any(|l| l.starts_with("trailcheck: warning:")
                && l.contains(name)
                && l.contains(why)),
            "{name}: {err}"
        );
    }
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(total(&s, "ingested"), 1, "{s}");
    assert_eq!(s["problems"].as_array().unwrap().len(), 4, "{s}");
    let (_s, out) = ingest(&lake, &["/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("character device"),
        "{}",
        stderr(&out)
    );
}

/// Issue 18 item 11e: of a repeated key the first value counts, in the typed columns
/// as in the JSON functions over `raw`.
#[test]
fn repeated_keys_read_the_same_in_columns_and_raw() {
    let d = tempfile::tempdir().unwrap();
    let rec = r#"{"uuid":"u-d","published":"2026-10-01T10:00:00.000Z","eventType":"user.session.start","eventType":"user.account.lock","actor":{"id":"00u1","type":"User","alternateId":"first@example.com","alternateId":"second@example.com"},"outcome":{"result":"SUCCESS"}}"#;
    let f = write(d.path(), "okta.json", rec.as_bytes());
    let lake = d.path().join("lake");
    let (s, out) = ingest(&lake, &["--tenant", "acme", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(total(&s, "ingested"), 1);
    let out = lake_cmd(
        "sql",
        &lake,
        &[
            "--format",
            "csv",
            "select actor_name, json_get_str(raw, 'actor', 'alternateId') as a, event_type, json_get_str(raw, 'eventType') as t from events",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().nth(1),
        Some("first@example.com,first@example.com,user.session.start,user.session.start")
    );
}

/// Issue 18 item 3: an oversized CSV row is one reject and the rows after it are read.
#[test]
fn an_oversized_csv_row_is_one_reject() {
    let d = tempfile::tempdir().unwrap();
    let mut bytes = b"@timestamp,_document_id,action,actor,org\n1785448994000,doc1,git.clone,ann,acme\n1785448994001,big,git.clone,\"".to_vec();
    bytes.resize(bytes.len() + (3 << 20), b'x');
    bytes.extend_from_slice(b"\n,\",acme\r\n1785448994002,doc2,git.clone,bob,acme\n");
    let f = write(d.path(), "export.csv", &bytes);
    let lake = d.path().join("lake");
    let (s, out) = ingest(
        &lake,
        &["--max-record-bytes", "1000000", f.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (total(&s, "ingested"), total(&s, "rejected")),
        (2, 1),
        "{s}"
    );
    let rejects = read_all(&lake.join("rejects"));
    assert!(reasons(&lake)[0].contains("larger than the record size limit"));
    assert_eq!(u64s(&rejects, "source_offset"), vec![79]);
    assert_eq!(u64s(&rejects, "raw_len"), vec![(3 << 20) + 37]);
}

/// Hostile inputs that already held (issue 18's list), kept as tests: deep nesting,
/// NaN, 1e400, a NUL byte, CRLF lines, an empty and a header-only gzip, a symlink loop.
#[test]
fn hostile_inputs_that_held_still_hold() {
    let d = tempfile::tempdir().unwrap();
    let deep = "[".repeat(1 << 20);
    let nul = OKTA_2.replace("u-2\"", "u-2\u{0}\"");
    let text = format!(
        "{OKTA_1}\n{deep}\n{}\n{{\"a\":NaN}}\n{{\"a\":1e400}}\n{nul}\n",
        OKTA_2.replace("u-2", "u-2b")
    );
    let f = write(d.path(), "hostile.ndjson", text.as_bytes());
    let crlf = format!("{OKTA_3}\r\n{}\r\n", OKTA_3.replace("u-3", "u-3b"));
    let g = write(d.path(), "crlf.ndjson", crlf.as_bytes());
    let lake = d.path().join("lake");
    let (s, out) = ingest(
        &lake,
        &["--tenant", "acme", f.to_str().unwrap(), g.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (total(&s, "ingested"), total(&s, "rejected")),
        (4, 4),
        "{s}"
    );
    let r = reasons(&lake);
    assert!(r[0].contains("recursion limit exceeded"), "{r:?}");
    assert!(r.iter().all(|r| r.starts_with("malformed JSON")), "{r:?}");
    // An empty gzip is an empty file; a gzip header alone is a truncated stream.
    let empty = write(d.path(), "empty.json.gz", &gzip(b""));
    let (_s, out) = ingest(&lake, &[empty.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
    let header = write(d.path(), "header.json.gz", &gzip(b"{}")[..10]);
    let (_s, out) = ingest(&lake, &[header.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("gzip stream is truncated"),
        "{}",
        stderr(&out)
    );
    // A symlink loop in a folder is an error naming it; the other files are read.
    #[cfg(unix)]
    {
        let input = d.path().join("in");
        std::fs::create_dir(&input).unwrap();
        write(
            &input,
            "good.json",
            OKTA_1.replace("u-1", "u-1c").as_bytes(),
        );
        std::os::unix::fs::symlink("loop.json", input.join("loop.json")).unwrap();
        let (s, out) = ingest(&lake, &["--tenant", "acme", input.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("loop.json"), "{}", stderr(&out));
        assert_eq!(total(&s, "ingested"), 1, "{s}");
    }
}

// Particular to a format.

fn times(batches: &[arrow::array::RecordBatch]) -> Vec<i64> {
    let mut out = Vec::new();
    for b in batches {
        let c = b
            .column_by_name("time")
            .unwrap()
            .as_primitive::<TimestampMicrosecondType>();
        out.extend((0..c.len()).map(|i| c.value(i)));
    }
    out
}

const ACTIVITY: &str = r#"{"kind":"admin#reports#activity","id":{"time":"2026-10-01T10:00:00.000Z","uniqueQualifier":"42","applicationName":"login","customerId":"C0test"},"actor":{"callerType":"USER","email":"a@example.com","profileId":"1"},"events":[{"type":"login","name":"login_success"}]}"#;

/// A Reports page without `items` (an application with no activity in the range) is
/// an empty envelope: no events, no rejects, no error.
#[test]
fn a_reports_page_without_items_is_not_an_event_nor_a_reject() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "token-page-001.json",
        br#"{"kind": "admin#reports#activities", "etag": "\"abc/def\""}"#,
    );
    let g = write(d.path(), "login.json", ACTIVITY.as_bytes());
    let lake = d.path().join("lake");
    let (s, out) = ingest(&lake, &[f.to_str().unwrap(), g.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (
            total(&s, "read"),
            total(&s, "ingested"),
            total(&s, "rejected")
        ),
        (1, 1, 0),
        "{s}"
    );
    assert!(!lake.join("rejects").exists() || rows(&read_all(&lake.join("rejects"))) == 0);
    assert_eq!(
        strings(&read_all(&lake.join("events")), "tenant"),
        vec![Some("C0test".to_string())]
    );
}

/// An activity whose `events` list is empty holds nothing to record: a reject.
#[test]
fn an_activity_with_no_events_is_a_reject() {
    let d = tempfile::tempdir().unwrap();
    let empty = ACTIVITY.replace(r#"[{"type":"login","name":"login_success"}]"#, "[]");
    let page = format!(r#"{{"kind":"admin#reports#activities","items":[{ACTIVITY},{empty}]}}"#);
    let f = write(d.path(), "login-page.json", page.as_bytes());
    let lake = d.path().join("lake");
    let (s, out) = ingest(&lake, &[f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (total(&s, "ingested"), total(&s, "rejected")),
        (1, 1),
        "{s}"
    );
    let rejects = read_all(&lake.join("rejects"));
    assert_eq!(
        strings(&rejects, "reason"),
        vec![Some("record holds no events".to_string())]
    );
    assert_eq!(
        strings(&rejects, "provider"),
        vec![Some("google_workspace".to_string())]
    );
    let at = page.find(&empty).unwrap() as u64;
    assert_eq!(
        u64s(&rejects, "source_offset"),
        vec![at],
        "the offset points at the empty activity"
    );
}

/// GitHub `@timestamp` / `created_at`: epoch milliseconds as numbers or as strings
/// (the CSV export), or ISO text, all read as the same instant.
#[test]
fn github_timestamps_as_numbers_strings_and_iso_are_the_same_time() {
    let d = tempfile::tempdir().unwrap();
    let ev = |id: &str, ts: &str| {
        format!(
            r#"{{"@timestamp":{ts},"_document_id":"{id}","action":"git.clone","actor":"ann","org":"acme"}}"#
        )
    };
    let text = [
        ev("n", "1785533746888"),
        ev("s", "\"1785533746888\""),
        ev("i", "\"2026-07-31T21:35:46.888Z\""),
        r#"{"created_at":1785533746888,"_document_id":"c","action":"git.clone","actor":"ann","org":"acme"}"#.to_string(),
    ]
    .join("\n");
    let f = write(d.path(), "audit.ndjson", text.as_bytes());
    let lake = d.path().join("lake");
    let (s, out) = ingest(&lake, &[f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(total(&s, "ingested"), 4, "{s}");
    let events = read_all(&lake.join("events"));
    let t = times(&events);
    assert_eq!(t, vec![1_785_533_746_888_000; 4]);
    let mut raw: Vec<Option<String>> = strings(&events, "time_raw");
    raw.sort();
    assert_eq!(
        raw,
        vec![
            None,
            Some("1785533746888".to_string()),
            Some("1785533746888".to_string()),
            Some("1785533746888".to_string())
        ],
        "epoch text is kept in time_raw; RFC 3339 is not flagged"
    );
}

/// A CSV export: each row an event at its byte offset; a row with the wrong number of
/// fields or a cell that is not UTF-8 is a reject with the reason and the row's bytes;
/// an unquoted `,` in a value cannot shift columns silently.
#[test]
fn csv_rows_become_events_and_broken_rows_rejects() {
    let d = tempfile::tempdir().unwrap();
    let header = "@timestamp,_document_id,action,actor,org,user,permission,old_permission\n";
    let good1 = "1785448994000,doc1,org.update_member,mchen,acme,ann,admin,read\n";
    let shifted = "1785448994001,doc2,org.update_member,mchen,acme,bob,admin,read,extra\n";
    let mut bad_utf8 = b"1785448994002,doc3,git.clone,\xff\xfe,acme,,,\n".to_vec();
    let good2 = "\"1785448994003\",doc4,git.clone,\"ann, the admin\",acme,,,\n";
    let mut bytes = Vec::new();
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(good1.as_bytes());
    bytes.extend_from_slice(shifted.as_bytes());
    let bad_at = bytes.len() as u64;
    bytes.append(&mut bad_utf8);
    let good2_at = bytes.len() as u64;
    bytes.extend_from_slice(good2.as_bytes());
    let input = d.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let f = write(&input, "export.csv", &bytes);
    let lake = d.path().join("lake");
    // A folder: `.csv` files are picked up.
    let (s, out) = ingest(&lake, &[input.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (total(&s, "ingested"), total(&s, "rejected")),
        (2, 2),
        "{s}"
    );
    let events = read_all(&lake.join("events"));
    assert_eq!(
        u64s(&events, "source_offset"),
        vec![header.len() as u64, good2_at],
        "rows keep their byte offsets"
    );
    assert!(
        strings(&events, "source_file")
            .iter()
            .all(|f2| f2.as_deref() == f.to_str())
    );
    let mut grants = strings(&events, "action");
    grants.sort();
    assert_eq!(
        grants,
        vec![Some("other".to_string()), Some("role.grant".to_string())]
    );
    assert!(strings(&events, "actor_uid").contains(&Some("ann, the admin".to_string())));
    let rejects = read_all(&lake.join("rejects"));
    let reasons: Vec<String> = strings(&rejects, "reason").into_iter().flatten().collect();
    assert_eq!(
        reasons,
        vec![
            "line 3: unreadable CSV row: 9 fields where the header has 8".to_string(),
            "line 4: unreadable CSV row: field \"actor\" is not valid UTF-8".to_string(),
        ]
    );
    assert_eq!(
        u64s(&rejects, "source_offset"),
        vec![(header.len() + good1.len()) as u64, bad_at]
    );
    let raw = rejects[0].column_by_name("raw").unwrap();
    let raw = raw.as_binary::<i32>();
    assert_eq!(
        raw.value(0),
        shifted.trim_end().as_bytes(),
        "the row's own bytes"
    );
    assert!(raw.value(1).contains(&0xff));
}

/// A CSV file that is not an audit log is read as rows, and rejected as an unknown
/// format like any other record.
#[test]
fn a_csv_of_something_else_names_its_keys() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "users.csv", b"name,email\nann,ann@example.com\n");
    let lake = d.path().join("lake");
    let (_s, out) = ingest(&lake, &[f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let reasons = strings(&read_all(&lake.join("rejects")), "reason");
    assert_eq!(reasons.len(), 1);
    let r = reasons[0].clone().unwrap();
    assert!(
        r.contains("unknown format")
            && (r.contains("[name, email]") || r.contains("[email, name]")),
        "{r}"
    );
}
