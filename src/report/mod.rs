//! Report: the latest analysis of a lake as files an auditor can keep and reproduce.
//!
//! `trailcheck report --out DIR` writes `index.html` (self-contained: no network),
//! `report.md`, `findings.json`, `scorecard.json`, `ocsf/findings.ocsf.json` and
//! `manifest.json` (input hashes, parameters, tool version and every SQL text used).
//! It reads the lake through the one session: the findings of the latest analyze run,
//! the scorecard of the latest score run (when there is one), coverage and events per day.
//!
//! Log content is attacker-controlled. In HTML it never becomes markup: the data travels
//! as JSON inside a `<script type="application/json">` block with `<`, `>` and `&`
//! escaped, and the page's script only ever sets `textContent`. In Markdown, HTML and
//! table syntax are escaped.

mod html;

use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::session::{self, Params, Session};

#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub lake: PathBuf,
    pub out: PathBuf,
}

#[derive(Debug, Clone)]
pub struct ReportSummary {
    pub out: PathBuf,
    pub files: Vec<PathBuf>,
    pub findings: usize,
    /// (provider, tenant, score) from the latest scorecard, if any.
    pub scores: Vec<(String, String, Option<f64>)>,
    /// `review_coverage` rows: the latest access review per provider and tenant.
    pub reviews: Vec<Value>,
}

/// Rows as JSON objects; an `evidence` text column is parsed.
pub fn rows_json(batches: &[RecordBatch]) -> Vec<Value> {
    let mut out = Vec::new();
    for b in batches {
        let schema = b.schema();
        for row in 0..b.num_rows() {
            let mut obj = serde_json::Map::new();
            for (f, col) in schema.fields().iter().zip(b.columns()) {
                let mut v = session::udf::value_at(col, row);
                if f.name() == "evidence" {
                    if let Value::String(s) = &v {
                        v = serde_json::from_str(s).unwrap_or(v);
                    }
                }
                obj.insert(f.name().clone(), v);
            }
            out.push(Value::Object(obj));
        }
    }
    out
}

async fn rows(s: &Session, sql: &str) -> Result<Vec<Value>> {
    Ok(rows_json(&s.query(sql).await?))
}

/// Everything the report shows, gathered once.
pub struct ReportData {
    pub as_of: Option<String>,
    pub analyze_run: Option<Value>,
    pub findings: Vec<Value>,
    pub scorecard: Vec<Value>,
    pub coverage: Vec<Value>,
    pub daily: Vec<Value>,
    pub categories: Vec<Value>,
    pub inputs: Vec<Value>,
    /// Per provider and tenant, the population the latest access review covered.
    pub reviews: Vec<Value>,
    /// Findings new, resolved or persisting since the previous analyze run.
    pub changes: Vec<Value>,
}

pub async fn gather(lake: &Path) -> Result<ReportData> {
    let s = Session::open(lake, &Params::default()).await?;
    let findings = rows(
        &s,
        &format!(
            "SELECT finding_uid, rule_id, severity, verdict, provider, tenant, subject_uid, subject_name, \
             subject_type, summary, evidence, first_seen, last_seen, as_of, frameworks \
             FROM findings WHERE run_id = (SELECT max(run_id) FROM findings) \
             ORDER BY {}, rule_id, provider, tenant, subject_uid",
            session::SEVERITY_ORDER
        ),
    )
    .await?;
    let scorecard = if s.ctx.table_exist("scorecards")? {
        rows(&s, "SELECT * FROM scorecards WHERE run_id = (SELECT max(run_id) FROM scorecards) ORDER BY provider, tenant").await?
    } else {
        Vec::new()
    };
    let analyze_run = rows(
        &s,
        "SELECT run_id, details FROM runs WHERE kind = 'analyze' ORDER BY run_id DESC LIMIT 1",
    )
    .await?
    .into_iter()
    .next()
    .map(|r| {
        let details = r["details"]
            .as_str()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or(Value::Null);
        json!({"run_id": r["run_id"], "details": details})
    });
    let as_of = findings
        .first()
        .and_then(|f| f["as_of"].as_str().map(str::to_string))
        .or_else(|| {
            analyze_run
                .as_ref()
                .and_then(|r| r["details"]["as_of"].as_str().map(str::to_string))
        });
    let coverage = rows(
        &s,
        "SELECT provider, tenant, first_event, last_event, round(days_covered, 1) AS days_covered, \
         days_with_events, events, round(events_per_day, 1) AS events_per_day FROM coverage ORDER BY provider, tenant",
    )
    .await?;
    let daily = rows(
        &s,
        "SELECT provider, tenant, to_char(date_trunc('day', time), '%Y-%m-%d') AS day, count(*) AS events \
         FROM events GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    .await?;
    let categories = rows(
        &s,
        "SELECT provider, tenant, category, count(*) AS events, count(DISTINCT event_type) AS event_types \
         FROM events GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    .await?;
    let reviews = rows(
        &s,
        "SELECT * FROM review_coverage ORDER BY provider, tenant",
    )
    .await?;
    let changes = rows(
        &s,
        "SELECT change, rule_id, severity, verdict, provider, tenant, subject_name, summary, from_run, to_run \
         FROM findings_diff WHERE from_run IS NOT NULL ORDER BY change, rule_id, provider, tenant, subject_uid",
    )
    .await?;
    let mut inputs = Vec::new();
    for r in rows(
        &s,
        "SELECT run_id, inputs FROM runs WHERE kind = 'ingest' ORDER BY run_id",
    )
    .await?
    {
        if let Some(list) = r["inputs"]
            .as_str()
            .and_then(|t| serde_json::from_str::<Vec<Value>>(t).ok())
        {
            for mut i in list {
                i["run_id"] = r["run_id"].clone();
                inputs.push(i);
            }
        }
    }
    Ok(ReportData {
        as_of,
        analyze_run,
        findings,
        scorecard,
        coverage,
        daily,
        categories,
        inputs,
        reviews,
        changes,
    })
}

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

fn write(path: &Path, bytes: &[u8], written: &mut Vec<PathBuf>) -> Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))?;
    written.push(path.to_path_buf());
    Ok(())
}

/// Write every report file into `opts.out`.
pub async fn report(opts: &ReportOptions) -> Result<ReportSummary> {
    let data = gather(&opts.lake).await?;
    let out = &opts.out;
    let mut files = Vec::new();
    let pretty = |v: &Value| serde_json::to_vec_pretty(v).expect("json");
    write(
        &out.join("findings.json"),
        &pretty(&Value::Array(data.findings.clone())),
        &mut files,
    )?;
    write(
        &out.join("scorecard.json"),
        &pretty(&Value::Array(data.scorecard.clone())),
        &mut files,
    )?;
    write(
        &out.join("review_coverage.json"),
        &pretty(&Value::Array(data.reviews.clone())),
        &mut files,
    )?;
    write(
        &out.join("changes.json"),
        &pretty(&Value::Array(data.changes.clone())),
        &mut files,
    )?;
    write(
        &out.join("ocsf").join("findings.ocsf.json"),
        &pretty(&Value::Array(ocsf(&data))),
        &mut files,
    )?;
    write(
        &out.join("report.md"),
        markdown(&data).as_bytes(),
        &mut files,
    )?;
    write(
        &out.join("index.html"),
        html::page(&data).as_bytes(),
        &mut files,
    )?;
    let manifest = manifest(&opts.lake, &data, &files)?;
    write(&out.join("manifest.json"), &pretty(&manifest), &mut files)?;
    let scores = score_rows(&data);
    Ok(ReportSummary {
        out: out.clone(),
        files,
        findings: data.findings.len(),
        scores,
        reviews: data.reviews,
    })
}

fn score_rows(d: &ReportData) -> Vec<(String, String, Option<f64>)> {
    let mut seen = std::collections::BTreeMap::new();
    for r in &d.scorecard {
        let key = (
            r["provider"].as_str().unwrap_or("").to_string(),
            r["tenant"].as_str().unwrap_or("").to_string(),
        );
        seen.entry(key).or_insert_with(|| r["score"].as_f64());
    }
    seen.into_iter().map(|((p, t), s)| (p, t, s)).collect()
}

/// OCSF 1.1: a Detection Finding (2004) per finding, a Compliance Finding (2003) per claim.
fn ocsf(d: &ReportData) -> Vec<Value> {
    let product =
        json!({"name": "trailcheck", "vendor_name": "trailcheck", "version": crate::VERSION});
    let severity_id = |s: &str| match s {
        "info" => 1,
        "low" => 2,
        "medium" => 3,
        "high" => 4,
        "critical" => 5,
        _ => 0,
    };
    let ms = |v: &Value| {
        v.as_str()
            .and_then(|t| crate::time::parse_str(t).ok())
            .map(|p| p.micros / 1000)
    };
    let mut out = Vec::new();
    for f in &d.findings {
        let sev = f["severity"].as_str().unwrap_or("");
        out.push(json!({
            "class_uid": 2004, "class_name": "Detection Finding", "category_uid": 2,
            "category_name": "Findings", "activity_id": 1, "activity_name": "Create",
            "type_uid": 200401, "severity_id": severity_id(sev), "severity": sev,
            "status_id": 1, "status": "New",
            "confidence": if f["verdict"] == "confirmed" { "High" } else { "Low" },
            "time": ms(&f["as_of"]),
            "metadata": {"product": product, "version": "1.1.0", "uid": f["finding_uid"],
                         "tenant_uid": f["tenant"], "labels": [f["provider"]]},
            "finding_info": {"uid": f["finding_uid"], "title": f["rule_id"], "desc": f["summary"],
                             "types": [f["rule_id"]], "first_seen_time": ms(&f["first_seen"]),
                             "last_seen_time": ms(&f["last_seen"])},
            "resources": [{"uid": f["subject_uid"], "name": f["subject_name"], "type": f["subject_type"]}],
            "unmapped": {"verdict": f["verdict"], "evidence": f["evidence"], "frameworks": f["frameworks"]},
        }));
    }
    for c in &d.scorecard {
        let status_id = match c["status"].as_str() {
            Some("verified") => 1,
            Some("contradicted") => 3,
            _ => 99,
        };
        out.push(json!({
            "class_uid": 2003, "class_name": "Compliance Finding", "category_uid": 2,
            "category_name": "Findings", "activity_id": 1, "type_uid": 200301,
            "severity_id": if c["status"] == "contradicted" { 4 } else { 1 },
            "time": ms(&c["as_of"]),
            "metadata": {"product": product, "version": "1.1.0", "tenant_uid": c["tenant"], "labels": [c["provider"]]},
            "finding_info": {"uid": format!("{}:{}:{}", c["provider"].as_str().unwrap_or(""), c["tenant"].as_str().unwrap_or(""), c["claim_id"].as_str().unwrap_or("")),
                             "title": c["claim_id"], "desc": c["statement"]},
            "compliance": {"control": c["claim_id"], "standards": c["frameworks"], "status": c["status"], "status_id": status_id},
            "unmapped": {"evidence": c["evidence"], "source_url": c["source_url"]},
        }));
    }
    out
}

/// Markdown-safe text: no HTML, no table or emphasis syntax and no terminal controls
/// from log content ([`crate::text::markdown`]).
pub fn md(v: &Value) -> String {
    match v {
        Value::String(s) => crate::text::markdown(s),
        Value::Null => String::new(),
        other => crate::text::markdown(&other.to_string()),
    }
}

/// One line per provider whose events landed in tenant `unknown`, with the fix.
pub fn unknown_tenant_notices(d: &ReportData) -> Vec<String> {
    d.coverage
        .iter()
        .filter(|c| c["tenant"].as_str() == Some(crate::lake::writer::UNKNOWN_TENANT))
        .map(|c| {
            crate::lake::writer::unknown_tenant_advice(
                c["provider"].as_str().unwrap_or_default(),
                c["events"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn markdown(d: &ReportData) -> String {
    let mut m = String::new();
    m.push_str("# trailcheck report\n\n");
    m.push_str(&format!(
        "Evidence up to {} (as_of). Tool version {}. See `manifest.json` to reproduce every number.\n\n",
        md(&json!(d.as_of)),
        crate::VERSION
    ));
    for n in unknown_tenant_notices(d) {
        m.push_str(&format!("> **Tenant unknown:** {}\n\n", md(&json!(n))));
    }
    let scores = score_rows(d);
    if !scores.is_empty() {
        m.push_str("## Scores\n\n| provider | tenant | score |\n|---|---|---|\n");
        for (p, t, s) in &scores {
            m.push_str(&format!(
                "| {} | {} | {} |\n",
                md(&json!(p)),
                md(&json!(t)),
                s.map_or("-".into(), |s| format!("{s:.0}"))
            ));
        }
        m.push('\n');
        m.push_str("## Claims\n\n| provider | tenant | claim | status | statement |\n|---|---|---|---|---|\n");
        for c in &d.scorecard {
            m.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                md(&c["provider"]),
                md(&c["tenant"]),
                md(&c["claim_id"]),
                md(&c["status"]),
                md(&c["statement"])
            ));
        }
        m.push('\n');
    }
    m.push_str(&format!("## Findings ({})\n\n", d.findings.len()));
    m.push_str("| severity | verdict | rule | provider / tenant | subject | summary |\n|---|---|---|---|---|---|\n");
    for f in &d.findings {
        m.push_str(&format!(
            "| {} | {} | {} | {} / {} | {} | {} |\n",
            md(&f["severity"]),
            md(&f["verdict"]),
            md(&f["rule_id"]),
            md(&f["provider"]),
            md(&f["tenant"]),
            md(&f["subject_name"]),
            md(&f["summary"])
        ));
    }
    m.push_str(&review_markdown(d));
    m.push_str("\n## Coverage\n\n| provider | tenant | first event | last event | days covered | days with events | events |\n|---|---|---|---|---|---|---|\n");
    for c in &d.coverage {
        m.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            md(&c["provider"]),
            md(&c["tenant"]),
            md(&c["first_event"]),
            md(&c["last_event"]),
            md(&c["days_covered"]),
            md(&c["days_with_events"]),
            md(&c["events"])
        ));
    }
    m
}

/// Access-review coverage and the changes since the previous analyze run.
fn review_markdown(d: &ReportData) -> String {
    let mut m = String::new();
    if !d.reviews.is_empty() {
        m.push_str("\n## Access reviews\n\nThe latest review per provider and tenant: identities in scope and how many it named.\n\n");
        m.push_str("| provider | tenant | review | period | privileged people | privileged machines | active machines |\n|---|---|---|---|---|---|---|\n");
        let of = |r: &Value, k: &str| format!("{} of {}", r[format!("{k}_reviewed")], r[k]);
        for r in &d.reviews {
            m.push_str(&format!(
                "| {} | {} | {} | {} to {} | {} | {} | {} |\n",
                md(&r["provider"]),
                md(&r["tenant"]),
                md(if r["review_name"].is_null() {
                    &r["review_id"]
                } else {
                    &r["review_name"]
                }),
                md(&r["period_start"]),
                md(&r["period_end"]),
                of(r, "privileged_humans"),
                of(r, "privileged_machines"),
                format!("{} of {}", r["machines_reviewed"], r["machines_in_scope"]),
            ));
        }
    }
    if let Some(first) = d.changes.first() {
        let count = |c: &str| d.changes.iter().filter(|r| r["change"] == c).count();
        m.push_str(&format!(
            "\n## Changes since run {}\n\n{} new, {} resolved, {} persisting.\n\n",
            md(&first["from_run"]),
            count("new"),
            count("resolved"),
            count("persisting")
        ));
        let moved: Vec<&Value> = d
            .changes
            .iter()
            .filter(|r| r["change"] != "persisting")
            .collect();
        if !moved.is_empty() {
            m.push_str("| change | severity | rule | provider / tenant | subject | summary |\n|---|---|---|---|---|---|\n");
            for r in moved {
                m.push_str(&format!(
                    "| {} | {} | {} | {} / {} | {} | {} |\n",
                    md(&r["change"]),
                    md(&r["severity"]),
                    md(&r["rule_id"]),
                    md(&r["provider"]),
                    md(&r["tenant"]),
                    md(&r["subject_name"]),
                    md(&r["summary"])
                ));
            }
        }
    }
    m
}

fn manifest(lake: &Path, d: &ReportData, files: &[PathBuf]) -> Result<Value> {
    let queries: Vec<Value> = session::QUERIES
        .iter()
        .map(|q| json!({"name": q.name, "id": q.id, "kind": format!("{:?}", q.kind).to_lowercase(), "sha256": sha256_hex(q.sql.as_bytes()), "sql": q.sql}))
        .collect();
    let reference: Vec<Value> = session::REFERENCE
        .iter()
        .map(|(n, csv)| json!({"name": n, "sha256": sha256_hex(csv.as_bytes()), "csv": csv}))
        .collect();
    let mut outputs = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| Error::io(f, e))?;
        outputs.push(json!({"file": f.file_name().map(|n| n.to_string_lossy().to_string()), "sha256": sha256_hex(&bytes)}));
    }
    Ok(json!({
        "tool": "trailcheck",
        "version": crate::VERSION,
        "lake": lake.display().to_string(),
        "as_of": d.as_of,
        "analyze_run": d.analyze_run,
        "inputs": d.inputs,
        "queries": queries,
        "reference_tables": reference,
        "outputs": outputs,
        "reproduce": "trailcheck ingest <inputs> --lake L; trailcheck analyze --lake L --as-of <as_of> with the parameters above; the SQL is in `queries`",
    }))
}
