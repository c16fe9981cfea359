//! The lake: deduplication across runs, crash safety, and other engines reading it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

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
    // Read again (by default a file ingested unchanged is skipped, tests/it/incremental.rs).
    let (s2, o2) = ingest(
        &lake,
        &["--reread", "--tenant", "acme", f.to_str().unwrap()],
    );
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

/// `trailcheck ingest --tenant acme` run in `cwd` with `--lake lake_arg`; with `crash_at`,
/// the run ends at that point of its commit as a SIGKILL would end it
/// (`TRAILCHECK_CRASH_AT`, src/lake/mod.rs).
fn ingest_in(cwd: &Path, lake_arg: &Path, crash_at: Option<&str>, input: &Path) -> Output {
    let mut cmd = bin();
    cmd.current_dir(cwd)
        .args(["ingest", "--quiet", "--json", "--tenant", "acme", "--lake"])
        .arg(lake_arg)
        .arg(input);
    if let Some(point) = crash_at {
        cmd.env("TRAILCHECK_CRASH_AT", point);
    }
    cmd.output().unwrap()
}

/// The commit records (`_txn/*.json`) waiting in a lake.
fn intents(lake: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(lake.join("_txn"))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|x| x == "json"));
    v.sort();
    v
}

/// The `runs` row of one run, as (ingested, duplicates).
fn run_counts(lake: &Path, run: &str) -> Option<(u64, u64)> {
    let runs = read_all(&lake.join("runs"));
    let ids = strings(&runs, "run_id");
    let i = ids.iter().position(|r| r.as_deref() == Some(run))?;
    Some((u64s(&runs, "ingested")[i], u64s(&runs, "duplicates")[i]))
}

/// Rows in the events files a run wrote (`part-<run>-*.parquet`).
fn event_rows_of_run(lake: &Path, run: &str) -> usize {
    let prefix = format!("part-{run}-");
    trailcheck::lake::parquet_files(&lake.join("events"))
        .iter()
        .filter(|f| {
            f.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .map(|f| {
            let file = std::fs::File::open(f).unwrap();
            ParquetRecordBatchReaderBuilder::try_new(file)
                .unwrap()
                .build()
                .unwrap()
                .map(|b| b.unwrap().num_rows())
                .sum::<usize>()
        })
        .sum()
}

fn assert_each_event_once(lake: &Path, n: usize) {
    let uids: Vec<_> = strings(&read_all(&lake.join("events")), "event_uid")
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(uids.len(), n, "events in the lake");
    assert_eq!(uids.iter().collect::<HashSet<_>>().len(), n, "each once");
}

/// Issue 18, item 4: a run killed between writing its commit record and renaming its
/// files is completed by the next writer, whatever its working directory and however
/// it names the lake, and its `runs` row tells the truth.
#[test]
fn a_commit_killed_after_its_intent_is_completed_from_another_directory() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let part = write(d.path(), "part.json", okta_export(500).as_bytes());
    let f = write(d.path(), "okta.json", okta_export(3000).as_bytes());
    for point in ["after-intent", "mid-rename", "before-runs-row"] {
        let lake = a.join(format!("lake-{point}"));
        let lake_arg = Path::new(lake.file_name().unwrap());
        // From a, with a relative --lake: one complete run, then one killed in its commit.
        let out = ingest_in(&a, lake_arg, None, &part);
        assert!(out.status.success(), "{}", stderr(&out));
        let out = ingest_in(&a, lake_arg, Some(point), &f);
        assert!(!out.status.success(), "the run was killed at {point}");
        commit_is_completed_from(&b, &lake);
    }
}

/// After a commit was killed: the next writer, run from `cwd` with the lake's absolute
/// path, completes it.
fn commit_is_completed_from(cwd: &Path, lake: &Path) {
    let pending = intents(lake);
    assert_eq!(pending.len(), 1, "the killed run's commit record");
    let killed = pending[0]
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .to_string();

    // The next writer runs elsewhere and names the lake by its absolute path.
    let out = bin()
        .current_dir(cwd)
        .args(["analyze", "--lake"])
        .arg(std::path::absolute(lake).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(intents(lake).is_empty(), "the commit was completed");
    assert!(!has_temp_files(lake), "no temporary file is left");
    assert_each_event_once(lake, 3000);
    assert_eq!(run_counts(lake, &killed), Some((2500, 500)), "its runs row");
    assert_eq!(
        event_rows_of_run(lake, &killed),
        2500,
        "the runs row counts what is in the lake"
    );
}

/// A `runs` row as a commit record holds it.
fn run_json(run: &str) -> serde_json::Value {
    serde_json::json!({
        "run_id": run, "kind": "ingest", "started_at": 0, "finished_at": 0,
        "tool_version": "0", "args": [], "inputs": [], "counts": [], "details": {}
    })
}

/// Issue 18, item 4: a commit record written by an earlier version (paths relative to
/// the writer's working directory) is still completed, from anywhere.
#[test]
fn an_old_commit_record_with_paths_of_another_directory_is_completed() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let f = write(d.path(), "okta.json", okta_export(2000).as_bytes());
    let lake = a.join("lake");
    let out = ingest_in(&a, Path::new("lake"), Some("after-intent"), &f);
    assert!(!out.status.success(), "the run was killed");
    let record = intents(&lake).pop().unwrap();
    let killed = record.file_stem().unwrap().to_string_lossy().to_string();
    // As the earlier version wrote it: no format, paths as `--lake lake` named them.
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("version");
    for pair in v["renames"].as_array_mut().unwrap() {
        for p in pair.as_array_mut().unwrap() {
            *p = format!("lake/{}", p.as_str().unwrap()).into();
        }
    }
    std::fs::write(&record, v.to_string()).unwrap();

    // The next writer, from b, with the lake's absolute path, finds the killed run's
    // events in place: all but one of its input's are duplicates.
    let more = write(&b, "more.json", okta_export(2001).as_bytes());
    let out = ingest_in(&b, &std::path::absolute(&lake).unwrap(), None, &more);
    assert!(out.status.success(), "{}", stderr(&out));
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((total(&s, "ingested"), total(&s, "duplicates")), (1, 2000));
    assert!(intents(&lake).is_empty());
    assert_each_event_once(&lake, 2001);
    assert_eq!(run_counts(&lake, &killed), Some((2000, 0)));
    assert_eq!(event_rows_of_run(&lake, &killed), 2000);
}

/// Issue 18, item 4: when a killed commit's files are no longer all there, the next
/// writer keeps nothing of that run, writes no `runs` row for it, and says so; a rerun
/// of the ingest then gives each event once.
#[test]
fn a_commit_that_cannot_be_completed_keeps_nothing_and_says_so() {
    let d = tempfile::tempdir().unwrap();
    let part = write(d.path(), "part.json", okta_export(500).as_bytes());
    let f = write(d.path(), "okta.json", okta_export(3000).as_bytes());
    let lake = d.path().join("lake");
    assert!(ingest_in(d.path(), &lake, None, &part).status.success());
    let out = ingest_in(d.path(), &lake, Some("mid-rename"), &f);
    assert!(!out.status.success(), "the run was killed");
    let record = intents(&lake).pop().unwrap();
    let killed = record.file_stem().unwrap().to_string_lossy().to_string();
    // One file of the run is lost.
    let temps: Vec<PathBuf> = walk(&lake.join("events"))
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(!temps.is_empty());
    std::fs::remove_file(&temps[0]).unwrap();
    assert!(
        event_rows_of_run(&lake, &killed) > 0,
        "some files were renamed"
    );

    let out = bin()
        .args(["analyze", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&killed) && err.contains("cannot be completed") && err.contains("okta.json"),
        "{err}"
    );
    assert!(intents(&lake).is_empty());
    assert!(
        lake.join("_txn")
            .join(format!("{killed}.json.failed"))
            .is_file()
    );
    assert_eq!(
        run_counts(&lake, &killed),
        None,
        "no runs row for missing data"
    );
    assert_eq!(
        event_rows_of_run(&lake, &killed),
        0,
        "nothing of the run is kept"
    );
    assert!(!has_temp_files(&lake));
    assert_each_event_once(&lake, 500);

    // The next commands work, and ingesting the file again completes the lake.
    let (s, out) = ingest(&lake, &["--tenant", "acme", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (total(&s, "ingested"), total(&s, "duplicates")),
        (2500, 500)
    );
    assert_each_event_once(&lake, 3000);
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Issue 18, item 5: commit records that would move files out of the lake, name a run
/// that would put its runs row out of it, or go through a symbolic link out of it are
/// refused, set aside and reported; nothing outside the lake changes.
#[test]
fn a_crafted_commit_record_cannot_touch_files_outside_the_lake() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let part = write(d.path(), "part.json", okta_export(50).as_bytes());
    assert!(ingest_in(d.path(), &lake, None, &part).status.success());
    let outside = d.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let victim = write(&outside, "victim.txt", b"precious");
    write(&lake.join("events"), ".evil.tmp", b"attacker");
    let txn = lake.join("_txn");
    let record = |name: &str, v: serde_json::Value| {
        std::fs::write(txn.join(name), v.to_string()).unwrap();
    };
    // A lake-relative path out of the lake.
    let r1 = "20260101T000000Z-0000000a";
    record(
        &format!("{r1}.json"),
        serde_json::json!({"version": 2, "run_id": r1,
            "renames": [["events/.evil.tmp", "../outside/victim.txt"]], "run": run_json(r1)}),
    );
    // An old-format record with absolute paths.
    let r2 = "20260101T000000Z-0000000b";
    record(
        &format!("{r2}.json"),
        serde_json::json!({"run_id": r2,
            "renames": [[lake.join("events/.evil.tmp"), victim]], "run": run_json(r2)}),
    );
    // A run id that puts the runs row out of the lake.
    let r3 = "../../outside/victim";
    record(
        "evil.json",
        serde_json::json!({"version": 2, "run_id": r3, "renames": [], "run": run_json(r3)}),
    );
    // A symbolic link out of the lake on the way.
    let r4 = "20260101T000000Z-0000000d";
    let day = outside.join("dir/tenant=x/event_date=2026-01-01");
    std::fs::create_dir_all(&day).unwrap();
    let planted = write(&day, &format!(".part-{r4}-00001.parquet.tmp"), b"planted");
    std::os::unix::fs::symlink(outside.join("dir"), lake.join("events/provider=evil")).unwrap();
    let rel =
        format!("events/provider=evil/tenant=x/event_date=2026-01-01/part-{r4}-00001.parquet");
    let rel_tmp =
        format!("events/provider=evil/tenant=x/event_date=2026-01-01/.part-{r4}-00001.parquet.tmp");
    record(
        &format!("{r4}.json"),
        serde_json::json!({"version": 2, "run_id": r4, "renames": [[rel_tmp, rel]], "run": run_json(r4)}),
    );

    let out = bin()
        .args(["analyze", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(!out.status.success(), "refused records are reported");
    let err = stderr(&out);
    for name in [r1, r2, "evil", r4] {
        assert!(err.contains(&format!("{name}.json")), "{name} named: {err}");
    }
    assert!(err.contains("expected"), "{err}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert!(!outside.join("victim.parquet").exists());
    assert_eq!(std::fs::read(&planted).unwrap(), b"planted");
    assert!(!day.join(format!("part-{r4}-00001.parquet")).exists());
    assert!(intents(&lake).is_empty(), "set aside");
    for name in [r1, r2, "evil", r4] {
        assert!(
            txn.join(format!("{name}.json.refused")).is_file(),
            "{name} kept aside"
        );
    }
    // The lake goes on working; nothing was applied.
    std::fs::remove_file(lake.join("events/provider=evil")).unwrap();
    let out = bin()
        .args(["analyze", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert_eq!(
        rows(&read_all(&lake.join("runs"))),
        2,
        "the ingest and one analyze run"
    );
    assert_each_event_once(&lake, 50);
}

/// Issue 18, item 11: a writer deletes the temporary files every table may hold.
#[test]
fn stray_temporary_files_are_deleted_in_every_table() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let part = write(d.path(), "part.json", okta_export(50).as_bytes());
    assert!(ingest_in(d.path(), &lake, None, &part).status.success());
    let run = "20260101T000000Z-0000000e";
    for (dir, name) in [
        ("findings", ".findings.parquet.tmp"),
        ("scorecards", ".scorecard.parquet.tmp"),
        ("reviews", ".reviews.parquet.tmp"),
        ("rejects", ".rejects.parquet.tmp"),
    ] {
        let folder = lake.join(dir).join(format!("run={run}"));
        std::fs::create_dir_all(&folder).unwrap();
        write(&folder, name, b"x");
    }
    write(&lake.join("_txn"), &format!("{run}.json.tmp"), b"{");
    write(&lake.join("_txn"), &format!(".{run}.json.tmp"), b"{");
    assert!(has_temp_files(&lake));
    let out = bin()
        .args(["analyze", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!has_temp_files(&lake), "{:?}", walk(&lake));
}

/// `trailcheck sql --format json` over a lake: the rows as JSON objects.
fn sql_rows(lake: &Path, query: &str) -> Vec<serde_json::Value> {
    let o = bin()
        .args(["sql", "--format", "json", "--lake"])
        .arg(lake)
        .arg(query)
        .output()
        .unwrap();
    assert!(o.status.success(), "{query}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn count(lake: &Path, table: &str) -> u64 {
    sql_rows(lake, &format!("SELECT count(*) AS n FROM {table}"))[0]["n"]
        .as_u64()
        .unwrap()
}

/// Issue 18, item 9: readers (`sql`, `serve`, the REPL never take the lock) see a run
/// only once its `runs` row is written, not the files of a commit under way or killed.
#[test]
fn readers_see_only_committed_runs() {
    let d = tempfile::tempdir().unwrap();
    // A lake path with characters URLs and object stores encode.
    let lake = d.path().join("my lake %41").join("lake");
    let part = write(d.path(), "part.json", okta_export(500).as_bytes());
    let f = write(d.path(), "okta.json", okta_export(3000).as_bytes());
    assert!(ingest_in(d.path(), &lake, None, &part).status.success());
    // Killed after its renames, before its runs row: every file has its final name.
    let out = ingest_in(d.path(), &lake, Some("before-runs-row"), &f);
    assert!(!out.status.success());
    assert!(!has_temp_files(&lake.join("events")));
    assert_eq!(
        rows(&read_all(&lake.join("events"))),
        3000,
        "files in place"
    );

    assert_eq!(count(&lake, "events"), 500, "only the committed run");
    assert_eq!(count(&lake, "runs"), 1);
    // Also when the lake is named from elsewhere, through `..`.
    let elsewhere = d.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let o = bin()
        .current_dir(&elsewhere)
        .args(["sql", "--format", "json", "--lake", "../my lake %41/./lake"])
        .arg("SELECT count(*) AS n FROM events")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["n"], 500, "{v}");
    // The next writer finishes the commit; then readers see it.
    let out = bin()
        .args(["analyze", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&lake, "events"), 3000);
    assert_eq!(count(&lake, "runs"), 3);
}

/// Issue 18, item 9: `analyze` finishes an interrupted commit before it computes its
/// findings, so they and their `as_of` are of the whole lake.
#[test]
fn analyze_finishes_a_killed_commit_before_it_analyzes() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let part = write(d.path(), "part.json", okta_export(500).as_bytes());
    // Later events, killed in their commit.
    let later = okta_export(300)
        .replace("\"published\":\"2026-", "\"published\":\"2027-")
        .replace("\"uuid\":\"ev-", "\"uuid\":\"later-");
    let later = write(d.path(), "later.json", later.as_bytes());
    assert!(ingest_in(d.path(), &lake, None, &part).status.success());
    assert!(
        !ingest_in(d.path(), &lake, Some("after-intent"), &later)
            .status
            .success()
    );

    let out = bin()
        .args(["analyze", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let runs = sql_rows(&lake, "SELECT details FROM runs WHERE kind = 'analyze'");
    let details: serde_json::Value =
        serde_json::from_str(runs[0]["details"].as_str().unwrap()).unwrap();
    assert!(
        details["as_of"].as_str().unwrap().starts_with("2027-"),
        "as_of of the whole lake: {details}"
    );
}

/// Issue 18, items 9 and 11: a live session (`serve`, the REPL) sees what is committed
/// while it is open, also in a table that had no file when it opened (`findings`), and
/// never a commit under way.
#[test]
fn a_live_session_sees_commits_made_while_it_is_open() {
    use trailcheck::session::{Params, Session, udf::value_at};
    let (d, ingested) = okta_lake();
    let lake = d.path().join("lake");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let live = rt
        .block_on(Session::open_live(&lake, &Params::default()))
        .unwrap();
    let count = |table: &str| -> i64 {
        let b = rt
            .block_on(live.query(&format!("SELECT count(*) AS n FROM {table}")))
            .unwrap();
        value_at(b[0].column(0), 0).as_i64().unwrap()
    };
    assert_eq!(count("findings"), 0, "no analyze yet");
    assert_eq!(count("events"), ingested as i64);

    let out = bin()
        .args(["analyze", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let findings = count("findings");
    assert!(
        findings > 0,
        "the findings committed since the session opened"
    );

    // A commit killed before its runs row stays invisible until a writer finishes it.
    let f = write(d.path(), "more.json", okta_export(200).as_bytes());
    assert!(
        !ingest_in(d.path(), &lake, Some("before-runs-row"), &f)
            .status
            .success()
    );
    assert_eq!(count("events"), ingested as i64);
    assert_eq!(count("runs"), 2);
    let out = bin()
        .args(["analyze", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count("events"), ingested as i64 + 200);
    assert_eq!(count("runs"), 4);
    assert!(count("findings") >= findings);
}

/// Files of a run without its `runs` row (here: its commit record was deleted by hand)
/// are not in the lake for readers, so not for deduplication either: ingesting their
/// events again stores them where readers see them.
#[test]
fn deduplication_counts_only_committed_files() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let part = write(d.path(), "part.json", okta_export(500).as_bytes());
    let f = write(d.path(), "okta.json", okta_export(3000).as_bytes());
    assert!(ingest_in(d.path(), &lake, None, &part).status.success());
    assert!(
        !ingest_in(d.path(), &lake, Some("before-runs-row"), &f)
            .status
            .success()
    );
    for r in intents(&lake) {
        std::fs::remove_file(r).unwrap();
    }
    let (s, out) = ingest(&lake, &["--tenant", "acme", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (total(&s, "ingested"), total(&s, "duplicates")),
        (2500, 500)
    );
    assert_eq!(count(&lake, "events"), 3000);
    assert_eq!(
        sql_rows(&lake, "SELECT count(DISTINCT event_uid) AS n FROM events")[0]["n"],
        3000
    );
}
