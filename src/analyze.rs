//! Analyze: run every rule of `queries/rules/` through the session, store the findings
//! of this run in the lake (`findings/run=<run>/findings.parquet`, committed like an
//! ingest) and hand them on for printing and reports.

use std::collections::BTreeMap;
use std::path::PathBuf;

use arrow::array::{Array, AsArray, RecordBatch};

use crate::error::Result;
use crate::lake::Lake;
use crate::lake::tables::RunRecord;
use crate::session::{self, Params, Session};

/// Severities, most severe first.
pub const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "info"];

/// Rank of a severity name (0 = critical); unknown names rank last.
pub fn severity_rank(s: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|x| *x == s)
        .unwrap_or(SEVERITIES.len())
}

#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    pub lake: PathBuf,
    pub params: Params,
    pub args: Vec<String>,
}

/// The findings of one analyze run.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub run_id: String,
    pub as_of: i64,
    pub params: Params,
    /// In the findings schema, most severe first.
    pub findings: Vec<RecordBatch>,
}

impl Analysis {
    pub fn count(&self) -> usize {
        self.findings.iter().map(|b| b.num_rows()).sum()
    }

    /// Findings per severity.
    pub fn by_severity(&self) -> BTreeMap<usize, (String, usize)> {
        let mut out: BTreeMap<usize, (String, usize)> = BTreeMap::new();
        for b in &self.findings {
            let sev = b
                .column_by_name("severity")
                .expect("severity")
                .as_string::<i32>();
            for i in 0..sev.len() {
                let e = out
                    .entry(severity_rank(sev.value(i)))
                    .or_insert_with(|| (sev.value(i).to_string(), 0));
                e.1 += 1;
            }
        }
        out
    }

    /// Whether any finding is at or above `severity`.
    pub fn any_at_or_above(&self, severity: &str) -> bool {
        let limit = severity_rank(severity);
        self.by_severity().keys().any(|r| *r <= limit)
    }
}

/// Run the analyses and commit the findings to the lake.
pub async fn analyze(opts: &AnalyzeOptions) -> Result<Analysis> {
    let started_at = chrono::Utc::now().timestamp_micros();
    let session = Session::open_materialized(&opts.lake, &opts.params).await?;
    let run_id = crate::ingest::new_run_id();
    let findings = current_findings(&session, &run_id).await?;

    let lock = Lake::new(&opts.lake).open_for_write()?;
    let all = (!findings.is_empty())
        .then(|| arrow::compute::concat_batches(&session::findings_schema(), &findings))
        .transpose()?;
    let analysis = Analysis {
        run_id: run_id.clone(),
        as_of: session.as_of,
        params: session.params.clone(),
        findings,
    };
    let counts: BTreeMap<String, usize> = analysis.by_severity().into_values().collect();
    let p = &session.params;
    lock.commit_run_file(
        "findings",
        "findings.parquet",
        all.as_ref(),
        RunRecord::derived(
            run_id,
            "analyze",
            started_at,
            &opts.args,
            serde_json::json!({
                "as_of": crate::time::format_micros(session.as_of),
                "params": {
                    "dormant_days": p.dormant_days,
                    "max_super_admins": p.max_super_admins,
                    "gap_days": p.gap_days,
                    "volume_drop_ratio": p.volume_drop_ratio,
                    "min_weekly_events": p.min_weekly_events,
                    "rotation_days": p.rotation_days,
                    "max_credential_age_days": p.max_credential_age_days,
                },
                "findings": analysis.count(),
                "by_severity": counts,
                "rules": session::rules().map(|q| q.id).collect::<Vec<_>>(),
            }),
        ),
    )?;
    Ok(analysis)
}

/// `findings_current` of a session, sorted, cast to the stored findings schema.
pub async fn current_findings(session: &Session, run_id: &str) -> Result<Vec<RecordBatch>> {
    let sql = format!(
        "SELECT *, '{run_id}' AS run_id FROM findings_current \
         ORDER BY {}, rule_id, provider, tenant, subject_uid",
        session::SEVERITY_ORDER
    );
    let schema = session::findings_schema();
    let batches = session.query(&sql).await?;
    batches
        .into_iter()
        .filter(|b| b.num_rows() > 0)
        .map(|b| {
            let cols = schema
                .fields()
                .iter()
                .zip(b.columns())
                .map(|(f, c)| arrow::compute::cast(c, f.data_type()))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            Ok(RecordBatch::try_new(schema.clone(), cols)?)
        })
        .collect()
}

/// The findings as JSON objects with the contract's columns (evidence parsed).
pub fn findings_json(batches: &[RecordBatch]) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for b in batches {
        let cols: Vec<(String, &std::sync::Arc<dyn Array>)> = b
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .zip(b.columns())
            .filter(|(n, _)| n != "run_id")
            .collect();
        for row in 0..b.num_rows() {
            let mut obj = serde_json::Map::new();
            for (name, col) in &cols {
                let mut v = session::udf::value_at(col, row);
                if name == "evidence" {
                    if let serde_json::Value::String(s) = &v {
                        v = serde_json::from_str(s).unwrap_or(v);
                    }
                }
                obj.insert(name.clone(), v);
            }
            out.push(serde_json::Value::Object(obj));
        }
    }
    out
}
