//! The lake: deduplication across runs, crash safety, and other engines reading it.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::*;

/// Okta events as a JSON array, `n` of them, spread over days.
fn okta_export(n: usize) -> String {
    let mut s = String::from("[\n");
    for i in 0..n {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            r#"{{"uuid":"ev-{i:08}","published":"2026-{:02}-{:02}T10:{:02}:00.000Z","eventType":"user.session.start","actor":{{"id":"00u{}","type":"User","alternateId":"user{}@example.com","displayName":"User {}"}},"client":{{"ipAddress":"192.0.2.{}","userAgent":{{"rawUserAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"}}}},"outcome":{{"result":"SUCCESS"}},"debugContext":{{"debugData":{{"requestId":"req-{i}","requestUri":"/api/v1/authn","threatSuspected":"false","padding":"{}"}}}}}}"#,
            6 + i % 5,
            1 + i % 28,
            i % 60,
            i % 97,
            i % 97,
            i % 97,
            i % 250,
            "p".repeat(200)
        ));
    }
    s.push_str("\n]\n");
    s
}

#[test]
fn reingesting_the_same_file_adds_nothing() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("okta.json");
    std::fs::write(&f, okta_export(3000)).unwrap();
    let lake = d.path().join("lake");
    let (s1, o1) = ingest(&lake, &["--tenant", "acme", f.to_str().unwrap()]);
    assert!(o1.status.success(), "{}", stderr(&o1));
    assert_eq!(total(&s1, "ingested"), 3000);
    let (s2, o2) = ingest(&lake, &["--tenant", "acme", f.to_str().unwrap()]);
    assert!(o2.status.success(), "{}", stderr(&o2));
    assert_eq!(
        (total(&s2, "ingested"), total(&s2, "duplicates")),
        (0, 3000),
        "{s2}"
    );
    assert_eq!(rows(&read_all(&lake.join("events"))), 3000);
    // Both runs are recorded, with the input's content hash.
    let runs = read_all(&lake.join("runs"));
    assert_eq!(rows(&runs), 2);
    let inputs = strings(&runs, "inputs");
    let want = sha256_hex(&std::fs::read(&f).unwrap());
    assert!(
        inputs.iter().all(|i| i.as_deref().unwrap().contains(&want)),
        "{inputs:?}"
    );
    // Another tenant's copy of the same events is not a duplicate.
    let (s3, _) = ingest(&lake, &["--tenant", "other", f.to_str().unwrap()]);
    assert_eq!(total(&s3, "ingested"), 3000);
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}

fn has_temp_files(dir: &Path) -> bool {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return false;
    };
    rd.flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            has_temp_files(&p)
        } else {
            e.file_name().to_string_lossy().ends_with(".tmp")
        }
    })
}

#[test]
fn a_killed_ingest_leaves_a_readable_lake_and_a_rerun_gives_each_event_once() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("okta.json");
    let n = 120_000;
    std::fs::write(&f, okta_export(n)).unwrap();
    let lake = d.path().join("lake");
    // A first, complete run of a part of the data, so the lake has committed files.
    let part = d.path().join("part.json");
    std::fs::write(&part, okta_export(500)).unwrap();
    let (s0, _) = ingest(&lake, &["--tenant", "acme", part.to_str().unwrap()]);
    assert_eq!(total(&s0, "ingested"), 500);

    let mut child = bin()
        .args(["ingest", "--quiet", "--tenant", "acme", "--lake"])
        .arg(&lake)
        .arg(&f)
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !has_temp_files(&lake.join("events")) && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(has_temp_files(&lake.join("events")), "the run was writing");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    // Readable, and only the committed run is visible.
    assert_eq!(rows(&read_all(&lake.join("events"))), 500);
    let runs = read_all(&lake.join("runs"));
    assert_eq!(rows(&runs), 1);

    let (s, out) = ingest(&lake, &["--tenant", "acme", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(total(&s, "ingested") + total(&s, "duplicates"), n as u64);
    assert_eq!(total(&s, "duplicates"), 500);
    let events = read_all(&lake.join("events"));
    let uids: Vec<_> = strings(&events, "event_uid")
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(uids.len(), n);
    assert_eq!(
        uids.iter().collect::<HashSet<_>>().len(),
        n,
        "each event exactly once"
    );
    assert!(!has_temp_files(&lake), "temporary files were cleaned up");
}

#[test]
fn duckdb_reads_the_lake_as_it_is() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let inputs = [samples("okta"), samples("aws_cloudtrail"), samples("entra")];
    let args: Vec<&str> = inputs.iter().map(|p| p.to_str().unwrap()).collect();
    // (Exit status 2: Okta's documentation example has no readable time.)
    let (s, _out) = ingest(&lake, &args);
    let ingested = total(&s, "ingested");
    let script = format!(
        "import duckdb\n\
         print(duckdb.sql(\"select count(*) from read_parquet('{lake}/events/**/*.parquet', hive_partitioning=true)\").fetchall()[0][0])\n\
         print(duckdb.sql(\"select count(distinct provider) from read_parquet('{lake}/events/**/*.parquet', hive_partitioning=true)\").fetchall()[0][0])\n\
         print(duckdb.sql(\"select count(*) from read_parquet('{lake}/rejects/**/*.parquet', hive_partitioning=true)\").fetchall()[0][0])\n",
        lake = lake.display()
    );
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "duckdb (pip install duckdb): {}",
        stderr(&out)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let nums: Vec<u64> = text.lines().map(|l| l.trim().parse().unwrap()).collect();
    assert_eq!(nums, vec![ingested, 3, total(&s, "rejected")]);
}
