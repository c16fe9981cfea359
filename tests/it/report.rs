//! The report: every file written, log content escaped everywhere, and the HTML page
//! rendered by headless Chromium (installed by .ci/run) showing the findings, with a
//! hostile value as text and never as markup. The report of sample-logs/ at 1280 px: no
//! element wider than the window, the summary above the fold, each rule's group as large
//! as findings.json says, a name for every subject, and the printed PDF with the summary
//! alone on page 1 (pdftotext, Debian `poppler-utils`). The screenshot and the PDF are
//! kept in Cargo's target tmp folder, never in the repository.

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

/// `trailcheck report` over `lake` into `out_dir`, which it returns.
fn write_report(lake: &Path, out_dir: std::path::PathBuf) -> std::path::PathBuf {
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

/// `trailcheck report` over the hostile lake; returns the report folder.
fn hostile_report(dir: &Path) -> std::path::PathBuf {
    write_report(&hostile_lake(dir), dir.join("report"))
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

const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
];

/// Run headless Chromium on a page with these extra arguments.
fn chromium_run(page: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(chromium())
        .args(CHROMIUM_ARGS)
        .args(args)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap()
}

/// The page as headless Chromium leaves it after its script ran.
fn rendered_dom(page: &Path, profile: &Path) -> String {
    let out = chromium_run(page, profile, &["--virtual-time-budget=3000", "--dump-dom"]);
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
        "the findings rendered: {dom:.2000}"
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
    // Opened, its evidence is text too (the page builds it when a finding opens).
    let page = with_script(
        &out_dir.join("index.html"),
        r#"document.querySelectorAll("details").forEach(d => d.open = true);
setTimeout(() => { const p = document.createElement("pre"); p.id = "opened"; p.textContent = document.querySelectorAll(".more").length; document.body.appendChild(p); }, 100);"#,
    );
    let dom = rendered_dom(&page, &d.path().join("chrome"));
    let opened: usize = dom
        .split_once("<pre id=\"opened\">")
        .and_then(|(_, r)| r.split_once("</pre>"))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("{dom:.3000}"));
    assert!(opened > 0, "the evidence opened");
    assert!(!dom.contains("<img src=\"x\"") && !dom.contains("<script>alert(2)"));
}

/// A copy of the page, next to it, with a script of the test's own run after the page's.
fn with_script(page: &Path, script: &str) -> std::path::PathBuf {
    let html = std::fs::read_to_string(page).unwrap();
    let copy = page.with_file_name("check.html");
    let html = html.replacen("</body>", &format!("<script>{script}</script></body>"), 1);
    std::fs::write(&copy, html).unwrap();
    copy
}

/// Measures the page after its script ran, then again with every `details` open, and
/// leaves the results as JSON in `<pre id="check-result">`.
const CHECK: &str = r##"
(function () {
  const vw = document.documentElement.clientWidth;
  // Elements whose visible part leaves the window (clipped overflow does not count).
  const wide = () => {
    const bad = [];
    document.querySelectorAll("body *").forEach(e => {
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) return;
      let left = r.left, right = r.right;
      for (let a = e.parentElement; a; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== "visible") { const c = a.getBoundingClientRect(); left = Math.max(left, c.left); right = Math.min(right, c.right); }
      }
      if (right > vw + 0.5 || left < -0.5) bad.push(e.tagName + "#" + e.id + "." + e.getAttribute("class") + " " + Math.round(left) + ".." + Math.round(right));
    });
    return bad.slice(0, 10);
  };
  const out = { viewport: [vw, innerHeight], scroll_width: document.documentElement.scrollWidth, wide: wide() };
  out.summary_bottom = document.getElementById("summary").getBoundingClientRect().bottom;
  out.act_first = document.querySelectorAll("#first li").length;
  out.groups = [...document.querySelectorAll("section.group")].map(g => ({ rule: g.dataset.rule, count: Number(g.querySelector(".count").textContent), rows: g.querySelectorAll("details.finding").length }));
  out.names = [...document.querySelectorAll(".subj .name")].map(n => n.textContent);
  out.no_name = [...document.querySelectorAll(".noname")].map(n => n.parentElement.textContent);
  document.querySelectorAll("details").forEach(d => d.open = true);
  setTimeout(() => {
    out.opened = document.querySelectorAll("details.finding .more").length;
    out.scroll_width_open = document.documentElement.scrollWidth;
    out.wide_open = wide();
    const pre = document.createElement("pre"); pre.id = "check-result"; pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
  }, 200);
})();
"##;

/// The report of `trailcheck run` on sample-logs/ at 1280 px.
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
    let index = out_dir.join("index.html");
    let profile = d.path().join("chrome");
    let dom = rendered_dom(&index, &profile);
    for planted in [
        "svc-legacy-backup",
        "Legacy Ticket Sync",
        "AKIAMVCJOZKBPLCDLVCP",
        "kenji.watanabe@acme.com / Super administrator",
        "2026-08-10 to 2026-08-18",
        // A Workspace client that the logs name only by its id.
        "107788990011223344556",
    ] {
        assert!(dom.contains(planted), "{planted} is shown");
    }
    assert!(dom.contains("class=\"score "), "scores are shown");
    assert!(
        dom.contains("2026-08-12: 0 events"),
        "the silent days are marked in the chart"
    );
    assert!(dom.contains("Act on these first"));

    let findings: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(out_dir.join("findings.json")).unwrap()).unwrap();
    let mut per_rule = std::collections::BTreeMap::<String, u64>::new();
    for f in &findings {
        *per_rule
            .entry(f["rule_id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }

    // Measured in the page, 1280 by 900.
    let page = with_script(&index, CHECK);
    let out = chromium_run(
        &page,
        &profile,
        &[
            "--window-size=1280,900",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ],
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let json = dom
        .split_once("<pre id=\"check-result\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(j, _)| {
            j.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .unwrap_or_else(|| panic!("the check ran: {}", stderr(&out)));
    let c: serde_json::Value = serde_json::from_str(&json).unwrap();
    let (width, height) = (
        c["viewport"][0].as_f64().unwrap(),
        c["viewport"][1].as_f64().unwrap(),
    );
    assert_eq!(width, 1280.0, "{c}");
    assert!(
        c["scroll_width"].as_f64().unwrap() <= width,
        "no sideways scroll: {c}"
    );
    assert!(
        c["scroll_width_open"].as_f64().unwrap() <= width,
        "nor with every detail open: {c}"
    );
    assert_eq!(
        c["wide"],
        serde_json::json!([]),
        "no element wider than the window"
    );
    assert_eq!(
        c["wide_open"],
        serde_json::json!([]),
        "nor with every detail open"
    );
    assert!(
        c["summary_bottom"].as_f64().unwrap() <= height,
        "the summary is above the fold: {c}"
    );
    assert_eq!(c["act_first"], 5, "five findings to act on first");
    let groups: std::collections::BTreeMap<String, u64> = c["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            assert_eq!(g["count"], g["rows"], "{g}");
            (
                g["rule"].as_str().unwrap().to_string(),
                g["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups, per_rule,
        "each rule's group holds its findings of findings.json"
    );
    assert_eq!(
        c["opened"].as_u64().unwrap() as usize,
        findings.len(),
        "every finding opens in place"
    );
    let names = c["names"].as_array().unwrap();
    assert!(names.len() >= findings.len());
    assert!(
        names.iter().all(|n| !n.as_str().unwrap().trim().is_empty()),
        "no empty subject name"
    );
    assert!(
        c["no_name"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .starts_with("107788990011223344556(no name in the logs)")),
        "an id without a name says so: {c}"
    );

    // A screenshot of the first screen, kept with the build (not in the repository).
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report");
    std::fs::create_dir_all(&keep).unwrap();
    let shot = keep.join("sample-report-1280.png");
    let _ = std::fs::remove_file(&shot);
    chromium_run(
        &index,
        &profile,
        &[
            "--window-size=1280,900",
            "--virtual-time-budget=3000",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(shot.is_file(), "screenshot at {}", shot.display());

    // Printed to PDF: the summary alone on page 1, the pictures from page 2.
    let pdf = keep.join("sample-report.pdf");
    let _ = std::fs::remove_file(&pdf);
    chromium_run(
        &index,
        &profile,
        &[
            "--no-pdf-header-footer",
            "--virtual-time-budget=3000",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    assert!(pdf.is_file(), "PDF at {}", pdf.display());
    let page_text = |n: u32| {
        let out = Command::new("pdftotext")
            .args(["-f", &n.to_string(), "-l", &n.to_string()])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext is needed (Debian package `poppler-utils`, installed by .ci/run)");
        assert!(out.status.success(), "{}", stderr(&out));
        // Words in reading order, one space apart.
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (one, two) = (page_text(1), page_text(2));
    assert!(
        one.contains(&format!("{} findings", findings.len())),
        "{one}"
    );
    for text in [
        "Act on these first",
        "1. critical",
        "5. critical",
        "aws_cloudtrail 111122223333",
        "okta acme.okta.com",
    ] {
        assert!(one.contains(text), "{text} on page 1: {one}");
    }
    assert!(!one.contains("At a glance"), "page 1 is the summary: {one}");
    assert!(
        two.trim_start().starts_with("At a glance"),
        "the summary ended on page 1: {two}"
    );
    eprintln!("screenshot {} and PDF {}", shot.display(), pdf.display());

    // The Markdown report reads in the same order.
    let md = std::fs::read_to_string(out_dir.join("report.md")).unwrap();
    let at = |h: &str| md.find(h).unwrap_or_else(|| panic!("{h} in report.md"));
    assert!(at("## Summary") < at("### Act on these first"));
    assert!(at("### Act on these first") < at("## Findings by rule"));
    assert!(at("## Findings by rule") < at("## Logging claims"));
    assert!(at("## Logging claims") < at("## Coverage"));
    assert!(md.contains("107788990011223344556 (no name in the logs)"));
}

/// The latest analysis is the latest analyze run in `runs`, also when it found nothing
/// (such a run stores no findings file): the report then shows no findings, not the
/// previous run's.
#[test]
fn the_report_shows_the_latest_analysis_even_when_it_found_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let lake = hostile_lake(dir.path());
    let findings = |out_dir: &Path| -> usize {
        let text = std::fs::read_to_string(out_dir.join("findings.json")).unwrap();
        serde_json::from_str::<Vec<serde_json::Value>>(&text)
            .unwrap()
            .len()
    };
    let report = |name: &str| write_report(&lake, dir.path().join(name));
    assert!(findings(&report("before")) > 0);
    // An analyze run that found nothing, committed as analyze commits one.
    let lock = trailcheck::lake::Lake::new(&lake)
        .open_existing_for_write()
        .unwrap();
    let run = trailcheck::lake::tables::RunRecord::derived(
        trailcheck::ingest::new_run_id(),
        "analyze",
        chrono::Utc::now().timestamp_micros(),
        &["trailcheck".to_string(), "analyze".to_string()],
        serde_json::json!({"params": trailcheck::session::Params::default().recorded_json(), "findings": 0}),
    );
    lock.commit_run_file("findings", "findings.parquet", None, run)
        .unwrap();
    drop(lock);
    assert_eq!(findings(&report("after")), 0);
}

/// Every parameter a finding depends on is recorded with the analyze run and shown in
/// the report's manifest (review_grace_days was left out, so "reproduce with the
/// parameters above" did not hold).
#[test]
fn every_parameter_is_recorded_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let lake = hostile_lake(dir.path());
    let out = bin()
        .args([
            "analyze",
            "--format",
            "json",
            "--param",
            "review_grace_days=7",
            "--param",
            "volume_drop_ratio=0.5",
            "--lake",
        ])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = bin()
        .args([
            "sql",
            "--format",
            "json",
            "SELECT details FROM runs WHERE kind = 'analyze' ORDER BY started_at DESC LIMIT 1",
            "--lake",
        ])
        .arg(&lake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let details: serde_json::Value =
        serde_json::from_str(rows[0]["details"].as_str().unwrap()).unwrap();
    for spec in trailcheck::model::PARAMS.iter().filter(|p| p.recorded) {
        assert!(
            details["params"].get(spec.name).is_some(),
            "{} missing from {details}",
            spec.name
        );
    }
    assert_eq!(details["params"]["review_grace_days"], 7);
    assert_eq!(details["params"]["volume_drop_ratio"], 0.5);
    let out_dir = write_report(&lake, dir.path().join("report"));
    let manifest = std::fs::read_to_string(out_dir.join("manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let shown = manifest.to_string();
    assert!(
        shown.contains("\"review_grace_days\":7"),
        "review_grace_days=7 not in the manifest: {shown}"
    );
}
