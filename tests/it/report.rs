//! The report: every file written, log content escaped everywhere, and the HTML page
//! rendered by headless Chromium (installed by .ci/run) showing the findings, with a
//! hostile value as text and never as markup.

use std::path::Path;
use std::process::Command;

use crate::common::*;

const XSS: &str = "<img src=x onerror=alert(1)>";

/// An Okta export where a dormant OAuth app is named by an attacker.
fn hostile_lake(dir: &Path) -> std::path::PathBuf {
    let events = [
        format!(
            r#"{{"uuid":"c1","published":"2026-01-05T10:00:00.000Z","eventType":"app.oauth2.client.lifecycle.create","actor":{{"id":"00uadmin","type":"User","alternateId":"admin@example.com"}},"outcome":{{"result":"SUCCESS"}},"target":[{{"id":"0oaEVIL","type":"AppInstance","displayName":{}}}]}}"#,
            serde_json::to_string(XSS).unwrap()
        ),
        r#"{"uuid":"s1","published":"2026-06-30T10:00:00.000Z","eventType":"user.session.start","actor":{"id":"00ualice","type":"User","alternateId":"alice@example.com"},"outcome":{"result":"SUCCESS"}}"#.to_string(),
    ];
    let f = dir.join("okta.json");
    std::fs::write(&f, format!("[{}]", events.join(","))).unwrap();
    let lake = dir.join("lake");
    let (_s, out) = ingest(
        &lake,
        &[
            "--tenant",
            "\"><script>alert(2)</script>",
            f.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = bin()
        .args(["analyze", "--format", "json", "--lake"])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    lake
}

/// `trailcheck report` over the hostile lake; returns the report folder.
fn hostile_report(dir: &Path) -> std::path::PathBuf {
    let lake = hostile_lake(dir);
    let out_dir = dir.join("report");
    let out = bin()
        .args(["report", "--lake"])
        .arg(&lake)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    out_dir
}

#[test]
fn every_file_is_written_and_log_content_is_escaped() {
    let d = tempfile::tempdir().unwrap();
    let out_dir = hostile_report(d.path());
    for f in [
        "index.html",
        "report.md",
        "findings.json",
        "scorecard.json",
        "manifest.json",
        "ocsf/findings.ocsf.json",
    ] {
        assert!(out_dir.join(f).is_file(), "{f}");
    }
    let findings: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(out_dir.join("findings.json")).unwrap()).unwrap();
    let dormant = findings
        .iter()
        .find(|f| f["rule_id"] == "dormant-machine-identity")
        .expect("the planted finding");
    assert_eq!(
        dormant["subject_name"], XSS,
        "JSON keeps the value as it was"
    );

    let html = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
    assert!(
        !html.contains("<img src=x"),
        "no raw markup from the logs in the page"
    );
    assert!(
        !html.contains("<script>alert(2)"),
        "no raw markup from the logs in the page"
    );
    assert!(
        html.contains("\\u003cimg src=x onerror=alert(1)\\u003e"),
        "the data travels escaped"
    );
    let md = std::fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert!(
        md.contains("&lt;img src=x onerror=alert(1)&gt;") && !md.contains("<img"),
        "{md}"
    );

    let ocsf: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(out_dir.join("ocsf/findings.ocsf.json")).unwrap())
            .unwrap();
    assert!(
        ocsf.iter()
            .all(|o| o["class_uid"] == 2004 || o["class_uid"] == 2003)
    );
    assert_eq!(ocsf.len(), findings.len());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    assert!(
        manifest["queries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["id"] == "dormant-machine-identity")
    );
    assert_eq!(manifest["as_of"], "2026-06-30T10:00:00Z");
}

fn chromium() -> &'static str {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("chromium is needed (Debian package `chromium`, installed by .ci/run)")
}

/// The page as headless Chromium leaves it after its script ran.
fn rendered_dom(page: &Path, profile: &Path) -> String {
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Headless Chromium renders the page: the finding is shown, the hostile name is text.
#[test]
fn chromium_renders_findings_and_never_runs_log_content() {
    let d = tempfile::tempdir().unwrap();
    let out_dir = hostile_report(d.path());
    let dom = rendered_dom(&out_dir.join("index.html"), &d.path().join("chrome"));
    assert!(
        dom.contains("dormant-machine-identity"),
        "the findings table rendered: {dom:.2000}"
    );
    assert!(
        dom.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the hostile name shows as text"
    );
    assert!(!dom.contains("<img src=\"x\""), "and never as an element");
    assert!(
        !dom.contains("<script>alert(2)"),
        "a hostile tenant neither"
    );
}

/// The report of `trailcheck run` on sample-logs/ shows the planted findings, scores and
/// the events-per-day chart with the planted gap marked.
#[test]
fn chromium_renders_the_sample_report() {
    let d = tempfile::tempdir().unwrap();
    let out_dir = d.path().join("report");
    let out = bin()
        .args(["run", "--quiet", "--lake"])
        .arg(d.path().join("lake"))
        .arg("--out")
        .arg(&out_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let dom = rendered_dom(&out_dir.join("index.html"), &d.path().join("chrome"));
    for planted in [
        "svc-legacy-backup",
        "Legacy Ticket Sync",
        "AKIAMVCJOZKBPLCDLVCP",
        "kenji.watanabe@acme.com / Super administrator",
        "2026-08-10 to 2026-08-18",
    ] {
        assert!(dom.contains(planted), "{planted} is shown");
    }
    assert!(dom.contains("class=\"score\""), "scores are shown");
    assert!(
        dom.contains("2026-08-12: 0 events"),
        "the silent days are marked in the chart"
    );
}
