//! Bad input specific to the Google Workspace, Google Cloud and GitHub formats: empty
//! Reports pages and activities, GitHub timestamps in every form, and CSV exports with
//! broken rows.

use arrow::array::AsArray;
use arrow::datatypes::TimestampMicrosecondType;

use crate::common::*;

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
