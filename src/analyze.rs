//! Analyze: run every rule of `queries/rules/` through the session, store the findings
//! of this run in the lake (`findings/run=<run>/findings.parquet`, committed like an
//! ingest) and hand them on for printing and reports.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use arrow::array::{Array, AsArray, RecordBatch};

use crate::model::{Finding, Severity};

use crate::error::Result;
use crate::lake::tables::RunRecord;
use crate::lake::{Lake, LakeLock};
use crate::session::{self, Params, Session};

#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    pub lake: PathBuf,
    pub params: Params,
    pub args: Vec<String>,
    /// The session's memory limit ([`session::OpenOptions::memory_limit`]).
    pub memory_limit: Option<usize>,
}

/// The findings of one analyze run.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub run_id: String,
    pub as_of: i64,
    pub params: Params,
    /// Most severe first.
    pub findings: Vec<Finding>,
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
        self.findings.len()
    }

    /// Findings per severity, most severe first.
    pub fn by_severity(&self) -> BTreeMap<Severity, usize> {
        let mut out = BTreeMap::new();
        for f in &self.findings {
            *out.entry(f.severity).or_insert(0) += 1;
        }
        out
    }

    /// Whether any finding is at or above `severity`.
    pub fn any_at_or_above(&self, severity: Severity) -> bool {
        self.findings.iter().any(|f| f.severity <= severity)
    }

    /// The findings as one batch of the stored schema.
    pub fn batch(&self) -> Result<RecordBatch> {
        Finding::to_batch(&self.findings)
    }
}

/// Run the analyses and commit the findings to the lake.
pub async fn analyze(opts: &AnalyzeOptions) -> Result<Analysis> {
    let lock = Lake::new(&opts.lake).open_existing_for_write()?;
    let open = session::OpenOptions {
        memory_limit: opts.memory_limit,
        ..Default::default()
    };
    let session = Session::open_with(&opts.lake, &opts.params, &open).await?;
    analyze_in(&session, &lock, &opts.args).await
}

/// Run the analyses in `session` and commit the findings under `lock`, which was taken
/// before the session was opened (so the session reads every committed run). The
/// session then lists `findings` and `runs` again: what it reads next includes this
/// run (`run` goes on to score and report in the same session).
pub async fn analyze_in(session: &Session, lock: &LakeLock, args: &[String]) -> Result<Analysis> {
    let started_at = chrono::Utc::now().timestamp_micros();
    let run_id = crate::lake::new_run_id();
    let findings = current_findings(&session, &run_id).await?;
    let changes = changes_since_previous(&session, &findings).await?;

    let analysis = Analysis {
        run_id: run_id.clone(),
        as_of: session.as_of,
        params: session.params.clone(),
        findings,
        changes,
    };
    let counts: BTreeMap<&str, usize> = analysis
        .by_severity()
        .into_iter()
        .map(|(s, n)| (s.as_str(), n))
        .collect();
    let all = (!analysis.findings.is_empty())
        .then(|| analysis.batch())
        .transpose()?;
    lock.commit_run_file(
        "findings",
        "findings.parquet",
        all.as_ref(),
        RunRecord::derived(
            run_id,
            "analyze",
            started_at,
            args,
            serde_json::json!({
                "as_of": crate::time::format_micros(session.as_of),
                "params": session.params.recorded_json(),
                "findings": analysis.count(),
                "by_severity": counts,
                "rules": session::rules().map(|q| q.id).collect::<Vec<_>>(),
            }),
        ),
    )?;
    session.relist(&["findings", "runs"]).await?;
    Ok(analysis)
}

/// Compare this run's findings with the stored findings of the latest analyze run.
async fn changes_since_previous(
    session: &Session,
    findings: &[Finding],
) -> Result<Option<Changes>> {
    let Some(since_run) = session.latest_runs("analyze").await?.into_iter().next() else {
        return Ok(None);
    };
    let previous = session
        .query_with(
            "SELECT finding_uid FROM findings WHERE run_id = $1",
            &[&since_run],
        )
        .await?;
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
    let now: HashSet<String> = findings.iter().map(|f| f.finding_uid.clone()).collect();
    Ok(Some(Changes {
        since_run,
        new: now.difference(&before).count(),
        resolved: before.difference(&now).count(),
        persisting: now.intersection(&before).count(),
    }))
}

/// `findings_current` of a session, most severe first. A rule whose severity or verdict
/// is not one of the contract's labels is an error naming the label.
pub async fn current_findings(session: &Session, run_id: &str) -> Result<Vec<Finding>> {
    let sql = format!(
        "SELECT *, '{run_id}' AS run_id FROM findings_current \
         ORDER BY {}, rule_id, provider, tenant, subject_uid",
        Severity::sql_order("severity")
    );
    let schema = Finding::schema();
    let batches = session
        .query(&sql)
        .await?
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
        .collect::<Result<Vec<_>>>()?;
    Finding::from_batches(&batches)
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
    let runs = session.latest_runs("analyze").await?;
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
            Severity::sql_order("severity")
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
