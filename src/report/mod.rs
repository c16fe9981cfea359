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
mod markdown;
pub mod summary;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use datafusion::prelude::{col, lit};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::session::{self, Params, Session};

#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub lake: PathBuf,
    pub out: PathBuf,
    /// The session's memory limit ([`session::OpenOptions::memory_limit`]).
    pub memory_limit: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct ReportSummary {
    pub out: PathBuf,
    pub files: Vec<PathBuf>,
    pub findings: usize,
    /// (provider, tenant, score) from the latest scorecard, if any.
    pub scores: Vec<(String, String, Option<f64>)>,
    /// `review_coverage` rows: the latest access review per provider and tenant.
    pub reviews: Vec<ReviewCoverage>,
}

/// One row of the `review_coverage` view (queries/views/review_coverage.sql): per
/// provider and tenant, the population the latest access review covered and how much
/// of it the review named. `review_coverage.json` holds these rows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReviewCoverage {
    pub provider: String,
    pub tenant: String,
    pub review_id: Option<String>,
    pub review_name: Option<String>,
    /// RFC 3339.
    pub period_start: Option<String>,
    /// RFC 3339.
    pub period_end: Option<String>,
    /// People holding an admin role during the review period.
    pub privileged_humans: u64,
    pub privileged_humans_reviewed: u64,
    /// Machine identities holding an admin role during the review period.
    pub privileged_machines: u64,
    pub privileged_machines_reviewed: u64,
    /// Machine identities that acted during the review period.
    pub machines_in_scope: u64,
    pub machines_reviewed: u64,
}

impl ReviewCoverage {
    /// The review's name, else its id.
    pub fn review(&self) -> &str {
        self.review_name
            .as_deref()
            .or(self.review_id.as_deref())
            .unwrap_or_default()
    }
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
    pub reviews: Vec<ReviewCoverage>,
    /// Findings new, resolved or persisting since the previous analyze run.
    pub changes: Vec<Value>,
    /// The analyze run before the latest one, if any (what `changes` compares with).
    pub previous_run: Option<String>,
    /// The parameters of the latest analyze run (`dormant_days`, ...), with `as_of`.
    pub params: Value,
    /// Active machine identities with the days since their last use (or creation, or
    /// the start of the evidence when neither is in the logs) as of the analysis.
    pub machines: Vec<Value>,
    /// Active admin role assignments per provider, tenant, machine or person holder,
    /// and privileged or not.
    pub admin_roles: Vec<Value>,
    /// Names the lake gives the identities that findings name only by id.
    pub names: summary::Names,
    /// The events findings' evidence names, by event_uid.
    pub events: HashMap<String, Value>,
}

/// The latest analyze run of a lake, as analyze and diff define it
/// (`Session::latest_runs`): its id and details, the run before it, and the parameters
/// it was made with (`as_of` included).
struct LatestAnalysis {
    run: Option<Value>,
    previous_run: Option<String>,
    params: Params,
}

async fn latest_analysis(s: &Session) -> Result<LatestAnalysis> {
    let analyze_runs = s.latest_runs("analyze").await?;
    let details = match analyze_runs.first() {
        Some(id) => rows_json(
            &s.query_with("SELECT details FROM runs WHERE run_id = $1", &[id])
                .await?,
        ),
        None => Vec::new(),
    };
    let run = analyze_runs.first().map(|id| {
        let details = details
            .first()
            .and_then(|r| r["details"].as_str())
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or(Value::Null);
        json!({"run_id": id, "details": details})
    });
    let mut params = Params::default();
    if let Some(run) = &run {
        if let Some(given) = run["details"]["params"].as_object() {
            for (k, v) in given {
                let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                // A parameter this version no longer knows is not the report's concern.
                let _ = params.set(k, &v);
            }
        }
        if let Some(t) = run["details"]["as_of"].as_str() {
            let _ = params.set("as_of", t);
        }
    }
    Ok(LatestAnalysis {
        run,
        previous_run: analyze_runs.get(1).cloned(),
        params,
    })
}

/// Everything the report shows, read from the lake with the latest analyze run's
/// parameters.
pub async fn gather(lake: &Path, open: &session::OpenOptions) -> Result<ReportData> {
    // The latest analyze run says with which parameters the findings were made; the
    // report reads the lake with the same ones (a fixed as_of skips finding the latest
    // event just to read the runs).
    let first = Session::open_with(
        lake,
        &Params {
            as_of: Some(0),
            ..Params::default()
        },
        open,
    )
    .await?;
    let latest = latest_analysis(&first).await?;
    drop(first);
    let s = Session::open_with(lake, &latest.params, open).await?;
    gather_in(&s, latest).await
}

/// What the report shows, read through `s`, a session with `latest`'s parameters.
async fn gather_in(s: &Session, latest: LatestAnalysis) -> Result<ReportData> {
    let LatestAnalysis {
        run: analyze_run,
        previous_run,
        ..
    } = latest;
    // The latest analyze run's findings: none when that run found none, even if an
    // earlier run stored some.
    let analyze_id = analyze_run
        .as_ref()
        .and_then(|r| r["run_id"].as_str())
        .unwrap_or_default();
    let findings = rows_json(
        &s.query_with(
            &format!(
                "SELECT {} FROM findings WHERE run_id = $1 \
                 ORDER BY {}, rule_id, provider, tenant, subject_uid",
                crate::model::Finding::shown_columns_sql(),
                crate::model::Severity::sql_order("severity")
            ),
            &[analyze_id],
        )
        .await?,
    );
    let score_id = s.latest_runs("score").await?.into_iter().next();
    let scorecard = match score_id {
        Some(id) => rows_json(
            &s.query_with(
                "SELECT * FROM scorecards WHERE run_id = $1 ORDER BY provider, tenant",
                &[&id],
            )
            .await?,
        ),
        None => Vec::new(),
    };
    let as_of = findings
        .first()
        .and_then(|f| f["as_of"].as_str().map(str::to_string))
        .or_else(|| {
            analyze_run
                .as_ref()
                .and_then(|r| r["details"]["as_of"].as_str().map(str::to_string))
        });
    let coverage = rows(
        s,
        "SELECT provider, tenant, first_event, last_event, round(days_covered, 1) AS days_covered, \
         days_with_events, events, round(events_per_day, 1) AS events_per_day FROM coverage ORDER BY provider, tenant",
    )
    .await?;
    let daily = rows(
        s,
        "SELECT provider, tenant, to_char(date_trunc('day', time), '%Y-%m-%d') AS day, count(*) AS events \
         FROM events WHERE time <= (SELECT as_of FROM params) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    .await?;
    let categories = rows(
        s,
        "SELECT provider, tenant, category, count(*) AS events, count(DISTINCT event_type) AS event_types \
         FROM events WHERE time <= (SELECT as_of FROM params) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    .await?;
    let reviews = rows(s, "SELECT * FROM review_coverage ORDER BY provider, tenant")
        .await?
        .into_iter()
        .map(serde_json::from_value)
        .collect::<std::result::Result<Vec<ReviewCoverage>, _>>()
        .map_err(|e| Error::Input {
            path: "review_coverage".into(),
            message: e.to_string(),
        })?;
    let changes = rows(
        s,
        "SELECT d.change, d.rule_id, d.severity, d.verdict, d.provider, d.tenant, d.subject_uid, d.subject_name, \
         t.subject_type, d.summary, d.changed, d.previous_severity, d.previous_verdict, d.from_run, d.to_run \
         FROM findings_diff d \
         LEFT JOIN (SELECT finding_uid, max(subject_type) AS subject_type FROM findings GROUP BY finding_uid) t \
           ON d.finding_uid = t.finding_uid \
         WHERE d.from_run IS NOT NULL ORDER BY d.change, d.rule_id, d.provider, d.tenant, d.subject_uid",
    )
    .await?;
    let machines = rows(
        s,
        "SELECT i.provider, i.tenant, i.identity_uid, i.identity_name, i.last_activity, i.created_at, \
         i.activity_events, c.first_event AS window_start, \
         (CAST(p.as_of AS BIGINT) - CAST(coalesce(i.last_activity, i.created_at, c.first_event) AS BIGINT)) \
           / 86400000000 AS days_silent, \
         CASE WHEN i.last_activity IS NOT NULL THEN 'last used' \
              WHEN i.created_at IS NOT NULL THEN 'created, never used' \
              ELSE 'not seen in the logs' END AS basis \
         FROM identities i \
         JOIN coverage c ON i.provider = c.provider AND i.tenant = c.tenant \
         CROSS JOIN params p \
         WHERE i.kind = 'machine' AND i.status = 'active' \
         ORDER BY days_silent DESC, i.provider, i.tenant, i.identity_uid",
    )
    .await?;
    let admin_roles = rows(
        s,
        "SELECT provider, tenant, holder_is_machine AS machine, privileged, count(*) AS roles, \
         count(DISTINCT holder_uid) AS holders \
         FROM role_assignments WHERE active AND admin GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
    )
    .await?;
    let names = subject_names(s, &findings).await?;
    let events = proving_events(s, &findings).await?;
    let mut inputs = Vec::new();
    for r in rows(
        s,
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
    // Every parameter the findings depend on (what reproduces them), `as_of` resolved.
    let shown_params = s.params.recorded_json();
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
        previous_run,
        params: shown_params,
        machines,
        admin_roles,
        names,
        events,
    })
}

/// The lake's names for identities that findings name only by their id (or not at all),
/// role holders included. Looked up with a filter on values, never SQL text built from
/// log content.
async fn subject_names(s: &Session, findings: &[Value]) -> Result<summary::Names> {
    let mut wanted: HashSet<String> = HashSet::new();
    for f in findings {
        let uid = f["subject_uid"].as_str().unwrap_or("");
        let name = f["subject_name"].as_str().unwrap_or("");
        if name.trim().is_empty() || name == uid {
            wanted.insert(uid.to_string());
        }
        if let Some((holder, _)) = uid.split_once(" / ") {
            wanted.insert(holder.to_string());
        }
    }
    let mut names = summary::Names::new();
    if wanted.is_empty() {
        return Ok(names);
    }
    let list = wanted.into_iter().map(lit).collect();
    let batches = s
        .ctx
        .table("identities")
        .await?
        .filter(col("identity_uid").in_list(list, false))?
        .select_columns(&["provider", "tenant", "identity_uid", "identity_name"])?
        .collect()
        .await?;
    for r in rows_json(&batches) {
        if let Some(n) = r["identity_name"].as_str().filter(|n| !n.trim().is_empty()) {
            names.insert(
                (
                    r["provider"].as_str().unwrap_or("").to_string(),
                    r["tenant"].as_str().unwrap_or("").to_string(),
                    r["identity_uid"].as_str().unwrap_or("").to_string(),
                ),
                n.to_string(),
            );
        }
    }
    Ok(names)
}

/// The events that findings' evidence names (`grant_event`, `last_activity_event`, ...):
/// when, what, who, and where in which input file, so a reader can find the record.
async fn proving_events(s: &Session, findings: &[Value]) -> Result<HashMap<String, Value>> {
    let wanted: HashSet<String> = findings
        .iter()
        .flat_map(summary::evidence_events)
        .map(|(_, uid)| uid)
        .collect();
    let mut out = HashMap::new();
    if wanted.is_empty() {
        return Ok(out);
    }
    let list = wanted.into_iter().map(lit).collect();
    let batches = s
        .ctx
        .table("events")
        .await?
        .filter(col("event_uid").in_list(list, false))?
        .select_columns(&[
            "event_uid",
            "time",
            "provider",
            "tenant",
            "event_type",
            "outcome",
            "actor_uid",
            "actor_name",
            "target_uid",
            "target_name",
            "source_file",
            "source_offset",
        ])?
        .collect()
        .await?;
    for r in rows_json(&batches) {
        if let Some(uid) = r["event_uid"].as_str() {
            out.insert(uid.to_string(), r);
        }
    }
    Ok(out)
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
    let open = session::OpenOptions {
        memory_limit: opts.memory_limit,
        ..Default::default()
    };
    let data = gather(&opts.lake, &open).await?;
    write_report(&opts.lake, &data, &opts.out)
}

/// Write the report of the latest analysis through `session`, which has just committed
/// it (`run`: analyze, score and report in one session, so the views are computed
/// once). The session must have listed `findings`, `scorecards` and `runs` since its
/// commits (`analyze_in` and `score_in` do). Should its parameters not be the ones the
/// latest analysis recorded, the lake is read through a session opened with those.
pub async fn report_in(session: &Session, out: &Path) -> Result<ReportSummary> {
    let latest = latest_analysis(session).await?;
    let data = if latest.params.recorded_json() == session.params.recorded_json() {
        gather_in(session, latest).await?
    } else {
        let open = session::OpenOptions {
            memory_limit: match session.ctx.runtime_env().memory_pool.memory_limit() {
                datafusion::execution::memory_pool::MemoryLimit::Finite(n) => Some(n),
                _ => None,
            },
            ..Default::default()
        };
        let s = Session::open_with(&session.lake.root, &latest.params, &open).await?;
        gather_in(&s, latest).await?
    };
    write_report(&session.lake.root, &data, out)
}

fn write_report(lake: &Path, data: &ReportData, out: &Path) -> Result<ReportSummary> {
    let out = &out.to_path_buf();
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
        // Through `Value`: keys in the order they always had (sorted).
        &pretty(&json!(data.reviews)),
        &mut files,
    )?;
    write(
        &out.join("changes.json"),
        &pretty(&Value::Array(data.changes.clone())),
        &mut files,
    )?;
    write(
        &out.join("ocsf").join("findings.ocsf.json"),
        &pretty(&Value::Array(ocsf(data))),
        &mut files,
    )?;
    write(
        &out.join("report.md"),
        markdown::markdown(data).as_bytes(),
        &mut files,
    )?;
    write(
        &out.join("index.html"),
        html::page(data).as_bytes(),
        &mut files,
    )?;
    let manifest = manifest(lake, data, &files)?;
    write(&out.join("manifest.json"), &pretty(&manifest), &mut files)?;
    let scores = score_rows(data);
    Ok(ReportSummary {
        out: out.clone(),
        files,
        findings: data.findings.len(),
        scores,
        reviews: data.reviews.clone(),
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
    let severity_id = |s: &str| {
        s.parse::<crate::model::Severity>()
            .map_or(0, |s| s.ocsf_id())
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
