//! The one DataFusion session over a lake (docs/design.md sections 1 and 5).
//!
//! [`Session::open`] registers the lake's tables (`events`, `rejects`, `runs`,
//! `findings`, `scorecards`), the reference tables assembled from the providers' folders,
//! a one-row `params` table, JSON functions over `raw`, and one view per file in
//! `queries/`.
//! `analyze`, `sql`, `serve` and the tests all use it, so the SQL that is tested is the
//! SQL that runs. Every query and reference table is compiled into the binary and listed
//! once in [`QUERIES`] / [`REFERENCE`].

pub mod memory;
pub mod udf;
mod views;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Float64Array, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::catalog::{CatalogProvider, MemoryCatalogProvider};
use datafusion::datasource::MemTable;
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};

use crate::error::{Error, Result};
use crate::lake::{self, Lake};

/// Whether a query is a plain view or a rule producing findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    View,
    Rule,
}

/// One SQL file of `queries/`.
#[derive(Debug)]
pub struct Query {
    /// View name in SQL (rules: the rule id with `_` for `-`).
    pub name: &'static str,
    /// Rule id (for rules) or view name.
    pub id: &'static str,
    pub kind: Kind,
    pub sql: &'static str,
}

macro_rules! view {
    ($name:literal) => {
        Query {
            name: $name,
            id: $name,
            kind: Kind::View,
            sql: include_str!(concat!("../../queries/views/", $name, ".sql")),
        }
    };
}
macro_rules! rule {
    ($name:literal, $id:literal) => {
        Query {
            name: $name,
            id: $id,
            kind: Kind::Rule,
            sql: include_str!(concat!("../../queries/rules/", $id, ".sql")),
        }
    };
}

/// Every query, in dependency order: views first, then rules.
pub static QUERIES: &[Query] = &[
    view!("identities"),
    view!("credentials"),
    view!("role_assignments"),
    view!("coverage"),
    view!("access_reviews"),
    view!("review_items"),
    view!("review_scope"),
    view!("review_coverage"),
    view!("findings_diff"),
    rule!("dormant_machine_identity", "dormant-machine-identity"),
    rule!("dormant_credential", "dormant-credential"),
    rule!("overbroad_delegated_admin", "overbroad-delegated-admin"),
    rule!("missing_event_type", "missing-event-type"),
    rule!("logging_gap", "logging-gap"),
    rule!("long_lived_credential", "long-lived-credential"),
    rule!("stale_credential", "stale-credential"),
    rule!("orphaned_machine_identity", "orphaned-machine-identity"),
    rule!(
        "access_review_missing_identity",
        "access-review-missing-identity"
    ),
    rule!(
        "access_review_decision_not_enforced",
        "access-review-decision-not-enforced"
    ),
    rule!(
        "access_review_approved_dormant",
        "access-review-approved-dormant"
    ),
];

/// Reference tables (CSV, all columns text), assembled from the providers' folders.
pub static REFERENCE: std::sync::LazyLock<[(&str, String); 2]> = std::sync::LazyLock::new(|| {
    [
        ("admin_roles", crate::providers::admin_roles_csv()),
        (
            "claimed_event_types",
            crate::scoring::claims::claimed_event_types_csv(),
        ),
    ]
});

/// The rules, in catalogue order.
pub fn rules() -> impl Iterator<Item = &'static Query> {
    QUERIES.iter().filter(|q| q.kind == Kind::Rule)
}

/// Analysis parameters; all visible to SQL as the one-row `params` table.
#[derive(Debug, Clone)]
pub struct Params {
    /// End of the evidence; defaults to the latest event time in the lake.
    pub as_of: Option<i64>,
    pub dormant_days: i64,
    pub max_super_admins: i64,
    pub gap_days: i64,
    pub volume_drop_ratio: f64,
    pub min_weekly_events: i64,
    pub rotation_days: i64,
    pub max_credential_age_days: i64,
    /// Days allowed to carry out a revoke decision of an access review.
    pub review_grace_days: i64,
    /// The two analyze runs `findings_diff` compares (default: the last two).
    pub diff_from: Option<String>,
    pub diff_to: Option<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            as_of: None,
            dormant_days: 90,
            max_super_admins: 4,
            gap_days: 3,
            volume_drop_ratio: 0.25,
            min_weekly_events: 20,
            rotation_days: 365,
            max_credential_age_days: 365,
            review_grace_days: 14,
            diff_from: None,
            diff_to: None,
        }
    }
}

impl Params {
    /// Set one parameter by name (`--param name=value`).
    pub fn set(&mut self, name: &str, value: &str) -> Result<()> {
        let int = |v: &str| {
            v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                Error::Usage(format!("parameter {name} takes a whole number, not {v:?}"))
            })
        };
        // A window of days reaches back from `as_of`: at most a century, so no cutoff
        // leaves the range timestamps have.
        let days = |v: &str| {
            int(v).ok().filter(|n| *n <= MAX_DAYS).ok_or_else(|| {
                Error::Usage(format!(
                    "parameter {name} takes a number of days from 0 to {MAX_DAYS}, not {v:?}"
                ))
            })
        };
        match name {
            "as_of" => {
                let p = crate::time::parse_str(value)
                    .map_err(|e| Error::Usage(format!("as_of: {e}")))?;
                self.as_of = Some(p.micros);
            }
            "dormant_days" => self.dormant_days = days(value)?,
            "max_super_admins" => self.max_super_admins = int(value)?,
            "gap_days" => self.gap_days = days(value)?.max(1),
            "min_weekly_events" => self.min_weekly_events = int(value)?,
            "rotation_days" => self.rotation_days = days(value)?,
            "max_credential_age_days" => self.max_credential_age_days = days(value)?,
            "review_grace_days" => self.review_grace_days = days(value)?,
            "diff_from" => self.diff_from = Some(value.to_string()),
            "diff_to" => self.diff_to = Some(value.to_string()),
            "volume_drop_ratio" => {
                self.volume_drop_ratio = value
                    .parse::<f64>()
                    .ok()
                    .filter(|r| (0.0..=1.0).contains(r))
                    .ok_or_else(|| {
                        Error::Usage(format!(
                            "volume_drop_ratio takes a number from 0 to 1, not {value:?}"
                        ))
                    })?
            }
            other => {
                return Err(Error::Usage(format!(
                    "unknown parameter {other:?}; known: as_of, dormant_days, max_super_admins, gap_days, volume_drop_ratio, min_weekly_events, rotation_days, max_credential_age_days, review_grace_days, diff_from, diff_to"
                )));
            }
        }
        Ok(())
    }
}

const DAY_US: i64 = 86_400_000_000;

/// The longest window of days a parameter may give (a century).
pub const MAX_DAYS: i64 = 36_525;

/// An open session over one lake.
pub struct Session {
    pub ctx: SessionContext,
    pub lake: Lake,
    /// The parameters, with `as_of` resolved.
    pub params: Params,
    pub as_of: i64,
    /// The default schema, to make it read-only once the session is set up.
    views: Arc<views::LazyViews>,
}

/// How a session is opened.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Compute the views of `queries/views/` once, before the rules are defined on them
    /// (what `analyze` wants).
    pub materialize: bool,
    /// List the lake's folders again for every statement (`serve`, the REPL), so what
    /// ingest and analyze commit meanwhile is read.
    pub live: bool,
    /// Refuse operator memory beyond this many bytes ([`memory`]); unbounded if `None`.
    pub memory_limit: Option<usize>,
}

fn ts_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

/// The stored findings' schema (docs/design.md section 5, plus the run that wrote them).
pub fn findings_schema() -> SchemaRef {
    let s = |n: &str, null: bool| Field::new(n, DataType::Utf8, null);
    Arc::new(Schema::new(vec![
        s("finding_uid", false),
        s("rule_id", false),
        s("severity", false),
        s("verdict", false),
        s("provider", false),
        s("tenant", false),
        s("subject_uid", true),
        s("subject_name", true),
        s("subject_type", true),
        s("summary", true),
        s("evidence", true),
        Field::new("first_seen", ts_type(), true),
        Field::new("last_seen", ts_type(), true),
        Field::new("as_of", ts_type(), true),
        Field::new(
            "frameworks",
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            true,
        ),
        s("run_id", true),
    ]))
}

impl Session {
    /// Open a lake for querying with these parameters, for one command. Views are
    /// planned when first named; those of `queries/views/` are computed on their first
    /// scan and kept while the lake's files stay the same ([`views::CachedView`]).
    pub async fn open(lake_dir: &Path, params: &Params) -> Result<Session> {
        Self::open_with(lake_dir, params, &OpenOptions::default()).await
    }

    /// Open a lake for a session that stays open (`serve`, the REPL): every statement
    /// lists the lake's folders again, so what ingest and analyze commit meanwhile is
    /// read. (Other sessions keep DataFusion's listing cache: one command, one listing.)
    pub async fn open_live(lake_dir: &Path, params: &Params) -> Result<Session> {
        let live = OpenOptions {
            live: true,
            ..OpenOptions::default()
        };
        Self::open_with(lake_dir, params, &live).await
    }

    /// Open a lake and compute each view of `queries/views/` once, as an in-memory
    /// table, before the rules are defined on it: every rule reads the same
    /// `identities`, `credentials`, ... without recomputing them (what `analyze` wants).
    pub async fn open_materialized(lake_dir: &Path, params: &Params) -> Result<Session> {
        let materialize = OpenOptions {
            materialize: true,
            ..OpenOptions::default()
        };
        Self::open_with(lake_dir, params, &materialize).await
    }

    /// Open a lake as `options` say.
    pub async fn open_with(
        lake_dir: &Path,
        params: &Params,
        options: &OpenOptions,
    ) -> Result<Session> {
        if !lake_dir.join("events").is_dir() {
            return Err(Error::lake(
                lake_dir,
                "no lake here (expected an events/ folder): run `trailcheck ingest` first",
            ));
        }
        // DATAFUSION_* environment variables tune the engine (for example
        // DATAFUSION_EXECUTION_BATCH_SIZE); the settings below are trailcheck's own.
        let config = SessionConfig::from_env()?
            .with_information_schema(true)
            .with_default_catalog_and_schema("trailcheck", "public")
            .with_target_partitions(std::thread::available_parallelism().map_or(2, |n| n.get()))
            .set_bool("datafusion.execution.parquet.enable_page_index", false)
            // The lake's footers are about 7 KiB; the default 512 KiB read per file cost
            // 0.05 s and 80 MB of RSS per query over 360 files (10M events).
            .set_str("datafusion.execution.parquet.metadata_size_hint", "65536");
        // DataFusion keeps folder listings for the life of the session; a live session
        // must see what ingest and analyze commit while it is open.
        let mut runtime = RuntimeEnvBuilder::new();
        if options.live {
            runtime = runtime.with_object_list_cache_limit(0);
        }
        if let Some(bytes) = options.memory_limit {
            runtime = runtime.with_memory_pool(memory::process_pool(bytes));
        }
        let runtime = runtime.build_arc()?;
        let mut ctx = SessionContext::new_with_config_rt(config, runtime);
        datafusion_functions_json::register_all(&mut ctx)?;
        ctx.register_udf(udf::json_object());
        let views = register_views(&ctx, lake_dir)?;

        let lake = Lake::new(lake_dir);
        register_parquet_dir(
            &ctx,
            "events",
            &lake.events_dir(),
            string_view_schema(&crate::event::schema()),
        )
        .await?;
        register_parquet_dir(
            &ctx,
            "rejects",
            &lake.rejects_dir(),
            lake::tables::rejects_schema(),
        )
        .await?;
        register_parquet_dir(&ctx, "runs", &lake.runs_dir(), lake::tables::runs_schema()).await?;
        register_parquet_dir(
            &ctx,
            "reviews",
            &lake.reviews_dir(),
            crate::review::schema(),
        )
        .await?;
        register_parquet_dir(
            &ctx,
            "findings",
            &lake_dir.join("findings"),
            findings_schema(),
        )
        .await?;
        register_parquet_dir(
            &ctx,
            "scorecards",
            &lake_dir.join("scorecards"),
            crate::scoring::scorecard_schema(),
        )
        .await?;
        for (name, csv) in REFERENCE.iter() {
            register_csv_text(&ctx, name, csv)?;
        }

        let as_of = match params.as_of {
            Some(t) => t,
            None => latest_event(&ctx).await?.unwrap_or(0),
        };
        let mut resolved = params.clone();
        resolved.as_of = Some(as_of);
        ctx.register_batch("params", params_batch(&resolved, as_of))?;

        if options.materialize {
            for q in QUERIES.iter().filter(|q| q.kind == Kind::View) {
                let df = ctx.table(q.name).await?;
                let planned: SchemaRef = Arc::new(df.schema().as_arrow().clone());
                let batches = df.collect().await?;
                // The executed batches' schema (nullability can be narrower than planned).
                let schema = batches.first().map_or(planned, |b| b.schema());
                ctx.deregister_table(q.name)?;
                ctx.register_table(q.name, Arc::new(MemTable::try_new(schema, vec![batches])?))?;
            }
        }
        Ok(Session {
            ctx,
            lake,
            params: resolved,
            as_of,
            views,
        })
    }

    /// From now on no table can be created, replaced or dropped in the session's
    /// schema (its tables never accept writes at all): for sessions that run what
    /// people type (`sql`, `serve`).
    pub fn read_only(&self) {
        self.views.freeze();
    }

    /// Run one SQL statement and collect the result.
    pub async fn query(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        Ok(self.ctx.sql(sql).await?.collect().await?)
    }
}

/// Make the default schema a [`views::LazyViews`] holding every query of `queries/` and
/// `findings_current` (the current findings of all rules, from the lake as it is now).
fn register_views(ctx: &SessionContext, lake: &Path) -> Result<Arc<views::LazyViews>> {
    let mut schema = views::LazyViews::new(ctx.state_weak_ref(), lake);
    for q in QUERIES {
        let dir = match q.kind {
            Kind::View => "views",
            Kind::Rule => "rules",
        };
        schema.add(
            q.name,
            strip_comments(q.sql),
            format!("queries/{dir}/{}.sql", q.id),
            q.kind == Kind::View,
        );
    }
    let union: Vec<String> = rules()
        .map(|q| {
            format!(
                "SELECT rule_id, severity, verdict, provider, tenant, subject_uid, subject_name, subject_type, \
                 summary, evidence, CAST(first_seen AS TIMESTAMP) AS first_seen, CAST(last_seen AS TIMESTAMP) AS last_seen, frameworks FROM {}",
                q.name
            )
        })
        .collect();
    let findings_current = format!(
        "SELECT substr(encode(sha256(concat_ws('|', f.rule_id, f.provider, f.tenant, f.subject_uid)), 'hex'), 1, 32) AS finding_uid, \
                f.rule_id, f.severity, f.verdict, f.provider, f.tenant, f.subject_uid, f.subject_name, f.subject_type, \
                f.summary, f.evidence, f.first_seen, f.last_seen, p.as_of, f.frameworks \
         FROM ({}) f CROSS JOIN params p",
        union.join(" UNION ALL ")
    );
    schema.add(
        "findings_current",
        findings_current,
        "findings_current".into(),
        false,
    );
    let schema = Arc::new(schema);
    let catalog = MemoryCatalogProvider::new();
    catalog.register_schema("public", schema.clone())?;
    ctx.register_catalog("trailcheck", Arc::new(catalog));
    Ok(schema)
}

/// Severity order for sorting (most severe first).
pub const SEVERITY_ORDER: &str = "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END";

/// Drop `--` comment lines (the rule documentation) before handing SQL to DataFusion.
fn strip_comments(sql: &str) -> String {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Register one table folder of the lake (created or not, with files or not) as a
/// listing table. Its files are read through a [`lake::store::CommittedStore`], which
/// leaves out the files of runs without their `runs` row (docs/design.md section 2): a
/// session never sees a commit under way or killed, and a live session sees what is
/// committed later, also into a table that had no file when it opened.
async fn register_parquet_dir(
    ctx: &SessionContext,
    name: &str,
    dir: &Path,
    schema: SchemaRef,
) -> Result<()> {
    let dir = absolute(dir);
    // Every table folder is a child of the lake's root.
    let root = dir.parent().unwrap_or(&dir);
    ctx.register_object_store(
        ObjectStoreUrl::local_filesystem().as_ref(),
        Arc::new(lake::store::CommittedStore::new(root)?),
    );
    let path = format!("{}/", dir.display());
    let opts = ParquetReadOptions::default()
        .file_extension(".parquet")
        .schema(&schema);
    ctx.register_parquet(name, &path, opts).await?;
    Ok(())
}

/// `schema` with its text columns read as `Utf8View`: Parquet's dictionary pages decode
/// into views of one buffer instead of a copy per row, and comparisons and grouping on
/// short strings (provider, outcome, ids) look at the inlined prefix first. Measured on
/// 10M CloudTrail events: the dormant-identity SQL 1.9 s -> 1.3 s, `analyze` 23 s -> 18 s
/// (dev profile). The files themselves stay plain Parquet strings.
fn string_view_schema(schema: &Schema) -> SchemaRef {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8 => f.as_ref().clone().with_data_type(DataType::Utf8View),
            _ => f.as_ref().clone(),
        })
        .collect();
    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn register_csv_text(ctx: &SessionContext, name: &str, text: &str) -> Result<()> {
    let header: Vec<&str> = text.lines().next().unwrap_or_default().split(',').collect();
    let schema = Arc::new(Schema::new(
        header
            .iter()
            .map(|h| Field::new(h.trim(), DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ));
    let reader = arrow::csv::ReaderBuilder::new(schema.clone())
        .with_header(true)
        .build(std::io::Cursor::new(text.as_bytes().to_vec()))?;
    let batches = reader.collect::<std::result::Result<Vec<_>, _>>()?;
    ctx.register_table(name, Arc::new(MemTable::try_new(schema, vec![batches])?))?;
    Ok(())
}

async fn latest_event(ctx: &SessionContext) -> Result<Option<i64>> {
    let batches = ctx
        .sql("SELECT CAST(max(time) AS BIGINT) AS t FROM events")
        .await?
        .collect()
        .await?;
    Ok(batches.first().and_then(|b| {
        let c = b.column(0).as_any().downcast_ref::<Int64Array>()?;
        (c.len() > 0 && !c.is_null(0)).then(|| c.value(0))
    }))
}

use arrow::array::Array;

fn params_batch(p: &Params, as_of: i64) -> RecordBatch {
    let ts = |v: i64| -> Arc<dyn Array> {
        Arc::new(TimestampMicrosecondArray::from(vec![v]).with_timezone("UTC"))
    };
    let int = |v: i64| -> Arc<dyn Array> { Arc::new(Int64Array::from(vec![v])) };
    let fields = vec![
        Field::new("as_of", ts_type(), false),
        Field::new("dormant_days", DataType::Int64, false),
        Field::new("dormant_cutoff", ts_type(), false),
        Field::new("max_super_admins", DataType::Int64, false),
        Field::new("gap_days", DataType::Int64, false),
        Field::new("volume_drop_ratio", DataType::Float64, false),
        Field::new("min_weekly_events", DataType::Int64, false),
        Field::new("rotation_days", DataType::Int64, false),
        Field::new("rotation_cutoff", ts_type(), false),
        Field::new("max_credential_age_days", DataType::Int64, false),
        Field::new("review_grace_days", DataType::Int64, false),
        Field::new("diff_from", DataType::Utf8, true),
        Field::new("diff_to", DataType::Utf8, true),
    ];
    let cols = vec![
        ts(as_of),
        int(p.dormant_days),
        ts(as_of.saturating_sub(p.dormant_days.saturating_mul(DAY_US))),
        int(p.max_super_admins),
        int(p.gap_days),
        Arc::new(Float64Array::from(vec![p.volume_drop_ratio])) as Arc<dyn Array>,
        int(p.min_weekly_events),
        int(p.rotation_days),
        ts(as_of.saturating_sub(p.rotation_days.saturating_mul(DAY_US))),
        int(p.max_credential_age_days),
        int(p.review_grace_days),
        Arc::new(StringArray::from(vec![p.diff_from.clone()])) as Arc<dyn Array>,
        Arc::new(StringArray::from(vec![p.diff_to.clone()])) as Arc<dyn Array>,
    ];
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).expect("params batch")
}
