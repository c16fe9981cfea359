//! Analyze: run every rule of `queries/rules/` through the session, store the findings
//! of this run in the lake (`findings/run=<run>/findings.parquet`, committed like an
//! ingest) and hand them on for printing and reports.

use std::collections::{BTreeMap, HashSet};
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
    /// What changed since the previous analyze run (None for the first run).
    pub changes: Option<Changes>,
}

/// Findings of this run against the previous analyze run, by `finding_uid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    pub since_run: String,
    pub new: usize,
    pub resolved: usize,
    pub persisting: usize,
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
    let lock = Lake::new(&opts.lake).open_existing_for_write()?;
    let session = Session::open_materialized(&opts.lake, &opts.params).await?;
    let run_id = crate::ingest::new_run_id();
    let findings = current_findings(&session, &run_id).await?;
    let changes = changes_since_previous(&session, &findings).await?;

    let all = (!findings.is_empty())
        .then(|| arrow::compute::concat_batches(&session::findings_schema(), &findings))
        .transpose()?;
    let analysis = Analysis {
        run_id: run_id.clone(),
        as_of: session.as_of,
        params: session.params.clone(),
        findings,
        changes,
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

/// Compare this run's findings with the stored findings of the latest analyze run.
async fn changes_since_previous(
    session: &Session,
    findings: &[RecordBatch],
) -> Result<Option<Changes>> {
    // The latest analyze run, with its findings (one row with a NULL uid if it had none).
    let previous = session
        .query(
            "SELECT r.run_id, f.finding_uid \
             FROM (SELECT run_id FROM runs WHERE kind = 'analyze' \
                   ORDER BY started_at DESC, run_id DESC LIMIT 1) r \
             LEFT JOIN findings f ON f.run_id = r.run_id",
        )
        .await?;
    let Some(since_run) = previous
        .iter()
        .find(|b| b.num_rows() > 0)
        .map(|b| b.column(0).as_string::<i32>().value(0).to_string())
    else {
        return Ok(None);
    };
    let uids = |batches: &[RecordBatch]| -> HashSet<String> {
        batches
            .iter()
            .flat_map(|b| {
                let c = b
                    .column_by_name("finding_uid")
                    .expect("finding_uid")
                    .as_string::<i32>();
                c.iter().flatten().map(str::to_string).collect::<Vec<_>>()
            })
            .collect()
    };
    let before = uids(&previous);
    let now = uids(findings);
    Ok(Some(Changes {
        since_run,
        new: now.difference(&before).count(),
        resolved: before.difference(&now).count(),
        persisting: now.intersection(&before).count(),
    }))
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

/// `trailcheck diff`: the `findings_diff` view between two analyze runs.
pub struct Diff {
    pub from_run: String,
    pub to_run: String,
    pub new: usize,
    pub resolved: usize,
    pub persisting: usize,
    /// One row per finding, new first, then resolved, then persisting.
    pub rows: crate::sql::Output,
}

/// Compare the findings of two analyze runs (by default the last two).
pub async fn diff(
    lake: &std::path::Path,
    from: Option<String>,
    to: Option<String>,
) -> Result<Diff> {
    // The run ids are checked against the lake, then handed to SQL as data (params).
    let session = Session::open(lake, &Params::default()).await?;
    let listed = crate::sql::execute(
        &session,
        "SELECT run_id FROM runs WHERE kind = 'analyze' ORDER BY started_at DESC, run_id DESC",
    )
    .await?;
    let runs: Vec<String> = listed
        .batches
        .iter()
        .flat_map(|b| {
            let c = b.column(0).as_string::<i32>();
            (0..c.len()).map(move |i| c.value(i).to_string())
        })
        .collect();
    let recent = runs.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    for run in [&from, &to].into_iter().flatten() {
        if !runs.contains(run) {
            return Err(crate::Error::Usage(format!(
                "{run:?} is not an analyze run of this lake (latest: {recent})"
            )));
        }
    }
    let to_run = to.or_else(|| runs.first().cloned());
    let from_run = from.or_else(|| {
        let later = to_run.as_ref()?;
        runs.iter().skip_while(|r| *r != later).nth(1).cloned()
    });
    let (Some(from_run), Some(to_run)) = (from_run, to_run) else {
        return Err(crate::Error::Usage(format!(
            "nothing to compare: this lake has {} analyze run(s); run `trailcheck analyze` again after the next ingest",
            runs.len()
        )));
    };
    let session = Session::open(
        lake,
        &Params {
            diff_from: Some(from_run.clone()),
            diff_to: Some(to_run.clone()),
            ..Params::default()
        },
    )
    .await?;
    let rows = crate::sql::execute(
        &session,
        &format!(
            "SELECT change, severity, verdict, rule_id, provider, tenant, subject_name, summary, \
             previous_severity, previous_verdict, changed, finding_uid FROM findings_diff \
             ORDER BY CASE change WHEN 'new' THEN 0 WHEN 'resolved' THEN 1 ELSE 2 END, {}, \
             rule_id, provider, tenant, subject_uid",
            session::SEVERITY_ORDER
        ),
    )
    .await?;
    let count = |c: &str| -> usize {
        rows.batches
            .iter()
            .map(|b| {
                let col = b.column(0).as_string::<i32>();
                (0..col.len()).filter(|&i| col.value(i) == c).count()
            })
            .sum()
    };
    Ok(Diff {
        new: count("new"),
        resolved: count("resolved"),
        persisting: count("persisting"),
        from_run,
        to_run,
        rows,
    })
}
