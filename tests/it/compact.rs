//! Compaction (issue 20): a partition's files rewritten into one in time order, with
//! the commit protocol's kill-safety, done by ingest when a partition gathers many
//! files, and the conversion of a lake of the old day layout.

use std::path::{Path, PathBuf};

use arrow::array::AsArray;
use arrow::datatypes::TimestampMicrosecondType;

use crate::common::*;

/// Okta events of one export: uids `<tag>-<i>`, in November 2026, out of time order.
fn okta_day(dir: &Path, tag: &str, n: usize) -> PathBuf {
    let lines: String = (0..n)
        .map(|i| {
            format!(
                r#"{{"uuid":"{tag}-{i:05}","published":"2026-11-{:02}T{:02}:{:02}:00.000Z","eventType":"user.session.start","actor":{{"id":"00u{}","type":"User","alternateId":"user{}@example.com"}},"outcome":{{"result":"SUCCESS"}}}}"#,
                1 + (i * 7) % 28,
                (i * 5) % 24,
                i % 60,
                i % 13,
                i % 13,
            ) + "\n"
        })
        .collect();
    write(dir, &format!("{tag}.json"), lines.as_bytes())
}

/// Files of the month partition folder(s) of tenant `acme`.
fn month_files(lake: &Path) -> Vec<PathBuf> {
    trailcheck::lake::parquet_files(&lake.join("events/provider=okta/tenant=acme"))
}

fn sql_count(lake: &Path, table: &str) -> u64 {
    let o = bin()
        .args(["sql", "--format", "json", "--lake"])
        .arg(lake)
        .arg(format!(
            "SELECT count(*) AS n, count(DISTINCT tenant || '/' || event_uid) AS d FROM {table}"
        ))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["n"], v[0]["d"], "each event once");
    v[0]["n"].as_u64().unwrap()
}

fn compact(lake: &Path, crash_at: Option<&str>) -> std::process::Output {
    let mut cmd = bin();
    cmd.args(["compact", "--json", "--lake"]).arg(lake);
    if let Some(p) = crash_at {
        cmd.env("TRAILCHECK_CRASH_AT", p);
    }
    cmd.output().unwrap()
}

fn acme(lake: &Path, file: &Path) -> serde_json::Value {
    let (s, o) = ingest(lake, &["--tenant", "acme", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    s
}

#[test]
fn compact_rewrites_a_partition_into_one_file_in_time_order() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    for tag in ["a", "b", "c"] {
        acme(&lake, &okta_day(d.path(), tag, 400));
    }
    let before = month_files(&lake);
    assert_eq!(before.len(), 3, "one file per run and month: {before:?}");
    assert!(
        before
            .iter()
            .all(|f| f.parent().unwrap().ends_with("event_month=2026-11"))
    );
    assert_eq!(sql_count(&lake, "events"), 1200);

    let out = compact(&lake, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&done["files_before"], &done["files_after"], &done["rows"]),
        (&3.into(), &1.into(), &1200.into()),
        "{done}"
    );
    let after = month_files(&lake);
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(before.iter().all(|f| !f.exists()), "replaced files deleted");
    assert_eq!(sql_count(&lake, "events"), 1200);
    // Its rows are in time order.
    let times: Vec<i64> = read_all(&lake.join("events"))
        .iter()
        .flat_map(|b| {
            let t = b.column_by_name("time").unwrap();
            t.as_primitive::<TimestampMicrosecondType>()
                .values()
                .to_vec()
        })
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "sorted by time");
    // A compact run is recorded, and deduplication knows the compacted file.
    let kinds = strings(&read_all(&lake.join("runs")), "kind");
    assert_eq!(
        kinds
            .iter()
            .filter(|k| k.as_deref() == Some("compact"))
            .count(),
        1
    );
    let (s, o) = ingest(
        &lake,
        &[
            "--tenant",
            "acme",
            "--reread",
            d.path().join("b.json").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        (total(&s, "ingested"), total(&s, "duplicates")),
        (0, 400),
        "{s}"
    );
    // Nothing more to do.
    let out = compact(&lake, None);
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again["files_before"], 0, "{again}");
}

/// Killed after its runs row, while deleting the files it replaced: readers see each
/// event once (the leftover files are hidden by the commit record), and the next writer
/// finishes the deletions.
#[test]
fn a_compaction_killed_while_deleting_shows_each_event_once_and_is_finished() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    for tag in ["a", "b", "c"] {
        acme(&lake, &okta_day(d.path(), tag, 300));
    }
    let out = compact(&lake, Some("mid-delete"));
    assert!(!out.status.success(), "killed");
    let left = month_files(&lake);
    assert_eq!(
        left.len(),
        3,
        "the new file and two replaced ones: {left:?}"
    );
    assert_eq!(sql_count(&lake, "events"), 900);
    // The next writer finishes the commit.
    let out = compact(&lake, None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(month_files(&lake).len(), 1);
    assert!(
        std::fs::read_dir(lake.join("_txn"))
            .unwrap()
            .next()
            .is_none(),
        "record done"
    );
    assert_eq!(sql_count(&lake, "events"), 900);
}

/// A partition that gathers more than 8 files (a daily job) is compacted by the ingest
/// that adds the ninth.
#[test]
fn ingest_compacts_a_partition_that_gathered_many_files() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    for i in 0..8 {
        let s = acme(&lake, &okta_day(d.path(), &format!("d{i}"), 50));
        assert!(s["compacted"]["run_id"].is_null(), "{s}");
    }
    assert_eq!(month_files(&lake).len(), 8);
    let s = acme(&lake, &okta_day(d.path(), "d8", 50));
    assert_eq!(s["compacted"]["files_before"], 9, "{s}");
    assert_eq!(month_files(&lake).len(), 1);
    assert_eq!(sql_count(&lake, "events"), 450);
}

/// A lake of the day layout of earlier versions is refused by readers and writers with
/// the command that converts it; `compact` converts it, keeping every event (the empty
/// tenant, which earlier versions stored in `tenant=%00`, included).
#[test]
fn an_old_layout_lake_is_refused_until_compact_converts_it() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    acme(&lake, &okta_day(d.path(), "a", 300));
    let (_, o) = ingest(
        &lake,
        &["--tenant", "", d.path().join("a.json").to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Lay the lake out as earlier versions did: a folder per day, the empty tenant in `%00`.
    let okta = lake.join("events/provider=okta");
    for (from, to) in [("acme", "acme"), ("__HIVE_DEFAULT_PARTITION__", "%00")] {
        let month = okta.join(format!("tenant={from}/event_month=2026-11"));
        let day = okta.join(format!("tenant={to}/event_date=2026-11-05"));
        std::fs::create_dir_all(day.parent().unwrap()).unwrap();
        std::fs::rename(&month, &day).unwrap();
        let _ = std::fs::remove_dir(okta.join(format!("tenant={from}")));
    }
    for args in [
        vec!["sql", "SELECT 1", "--lake"],
        vec!["analyze", "--lake"],
        vec![
            "ingest",
            "--tenant",
            "acme",
            d.path().join("a.json").to_str().unwrap(),
            "--lake",
        ],
    ] {
        let o = bin().args(&args).arg(&lake).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains("trailcheck compact --lake"), "{args:?}: {err}");
        assert!(err.contains("event_date=2026-11-05"), "{err}");
    }
    let out = compact(&lake, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(done["converted"], true, "{done}");
    assert!(
        !okta.join("tenant=%00").exists()
            && !okta.join("tenant=acme/event_date=2026-11-05").exists()
    );
    assert_eq!(month_files(&lake).len(), 1);
    assert_eq!(
        trailcheck::lake::parquet_files(&okta.join("tenant=__HIVE_DEFAULT_PARTITION__")).len(),
        1
    );
    assert_eq!(sql_count(&lake, "events"), 600);
    let o = bin()
        .args(["sql", "--format", "csv", "--lake"])
        .arg(&lake)
        .arg("SELECT tenant, count(*) FROM events GROUP BY 1 ORDER BY 1")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .skip(1)
            .collect::<Vec<_>>(),
        [",300", "acme,300"]
    );
}
