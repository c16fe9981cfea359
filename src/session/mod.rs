//! The one DataFusion session over a lake (docs/design.md sections 1 and 5).
//!
//! [`Session::open`] registers the lake's tables (`events`, `rejects`, `runs`,
//! `findings`, `scorecards`), the reference tables assembled from the providers' folders,
//! a one-row `params` table, JSON functions over `raw`, and one view per file in
//! `queries/`.
//! `analyze`, `sql`, `serve` and the tests all use it, so the SQL that is tested is the
//! SQL that runs. Every query and reference table is compiled into the binary: the queries
//! as `build.rs` finds them in `queries/` ([`QUERIES`]), the reference tables listed in
//! [`REFERENCE`].

mod coop;
pub mod memory;
mod queries;
pub mod udf;
mod views;

pub use queries::{Kind, QUERIES, Query, header_lines, header_section, rules, views};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Int64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::{CatalogProvider, MemoryCatalogProvider};
use datafusion::common::TableReference;
use datafusion::datasource::MemTable;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::MemoryPool;
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};

use crate::error::{Error, Result};
use crate::lake::{self, Lake};

/// Reference tables (CSV, all columns text), assembled from the providers' folders.
pub static REFERENCE: std::sync::LazyLock<[(&str, String); 2]> = std::sync::LazyLock::new(|| {
    [
        ("admin_roles", crate::providers::admin_roles_csv()),
        (
            "claimed_event_types",
            crate::claims::claimed_event_types_csv(),
        ),
    ]
});

pub use crate::model::{MAX_DAYS, Params};

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
    /// List the lake's folders again for every statement (`serve`, the REPL), so what
    /// ingest and analyze commit meanwhile is read.
    pub live: bool,
    /// Refuse operator memory beyond this many bytes ([`memory`]): sorts and
    /// aggregations spill to the temporary folder, kept views beyond half of it are
    /// kept there too; unbounded if `None`.
    pub memory_limit: Option<usize>,
    /// What the kept views may hold in memory together, within `memory_limit`; by
    /// default half of it ([`memory::view_budget`]).
    pub kept_views_memory: Option<usize>,
}

impl Session {
    /// Open a lake for querying with these parameters, for one command: one state of the
    /// lake. Views are planned when first named; those of `queries/views/` are computed
    /// on their first scan and kept for the session ([`views::CachedView`]), so every
    /// rule of an analysis reads the same `identities`, `credentials`, ...
    pub async fn open(lake_dir: &Path, params: &Params) -> Result<Session> {
        Self::open_with(lake_dir, params, &OpenOptions::default()).await
    }

    /// Open a lake for a session that stays open (`serve`, the REPL): every statement
    /// lists the lake's folders again, so what ingest and analyze commit meanwhile is
    /// read, and a kept view is computed again when the lake's files have changed.
    /// (Other sessions keep DataFusion's listing cache: one command, one listing.)
    pub async fn open_live(lake_dir: &Path, params: &Params) -> Result<Session> {
        let live = OpenOptions {
            live: true,
            ..OpenOptions::default()
        };
        Self::open_with(lake_dir, params, &live).await
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
        Lake::new(lake_dir).check_layout()?;
        // DATAFUSION_* environment variables tune the engine (for example
        // DATAFUSION_EXECUTION_BATCH_SIZE); the settings below are trailcheck's own.
        let config = SessionConfig::from_env()?
            .with_information_schema(true)
            .with_default_catalog_and_schema("trailcheck", "public")
            .with_target_partitions(std::thread::available_parallelism().map_or(2, |n| n.get()))
            .set_bool("datafusion.execution.parquet.enable_page_index", false)
            // Filters evaluated while decoding (late materialization): a query that
            // reads `raw` for a few event types decodes it only for their rows, not for
            // every event of the provider. `analyze` over 800k CloudTrail events 5.8 ->
            // 2.6 s (`trust_edges` reads the records of role assumptions and trust
            // policies); over 676k events of six providers analyze, score and report
            // 4 to 17% faster (docs/design.md section 9).
            .set_bool("datafusion.execution.parquet.pushdown_filters", true)
            // The lake's footers are about 7 KiB; the default 512 KiB read per file cost
            // 0.05 s and 80 MB of RSS per query over 360 files (10M events).
            .set_str("datafusion.execution.parquet.metadata_size_hint", "65536");
        // DataFusion keeps folder listings for the life of the session; a live session
        // must see what ingest and analyze commit while it is open.
        // Spills (of sorts, aggregations and kept views) go to the system's temporary
        // folder (TMPDIR), in a folder of this process deleted when it ends.
        let mut runtime = RuntimeEnvBuilder::new().with_disk_manager_builder(
            DiskManagerBuilder::default().with_mode(DiskManagerMode::OsTmpDirectory),
        );
        if options.live {
            runtime = runtime.with_object_list_cache_limit(0);
        }
        let mut view_budget = None;
        if let Some(bytes) = options.memory_limit {
            let pool = memory::process_pool(bytes);
            let share = options.kept_views_memory.unwrap_or(bytes / 2);
            view_budget = Some(memory::view_budget(pool.clone(), share));
            runtime = runtime.with_memory_pool(pool);
        }
        let runtime = runtime.build_arc()?;
        let state = datafusion::execution::SessionStateBuilder::new()
            .with_config(config)
            .with_runtime_env(runtime)
            .with_default_features()
            .with_physical_optimizer_rule(Arc::new(coop::YieldingJoins))
            .build();
        let mut ctx = SessionContext::new_with_state(state);
        datafusion_functions_json::register_all(&mut ctx)?;
        ctx.register_udf(udf::json_object());
        ctx.register_udf(udf::json_parse());
        let views = register_views(&ctx, lake_dir, options.live, view_budget)?;

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
            crate::model::Finding::schema(),
        )
        .await?;
        register_parquet_dir(
            &ctx,
            "scorecards",
            &lake_dir.join("scorecards"),
            crate::model::ScoredClaim::schema(),
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
        ctx.register_batch("params", resolved.batch(as_of))?;

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

    /// List `tables` again at their next scan, and compute again the kept views that
    /// read them: for a session that reads what it has itself committed since it was
    /// opened (`run`: the report reads the findings and scorecard analyze and score
    /// committed in the same session). A one-command session otherwise keeps the first
    /// listing of each table (docs/design.md section 2).
    pub async fn relist(&self, tables: &[&str]) -> Result<()> {
        if let Some(cache) = self.ctx.runtime_env().cache_manager.get_list_files_cache() {
            for t in tables {
                cache.drop_table_entries(&TableReference::bare(*t))?;
            }
        }
        self.views.forget_reading(tables).await;
        Ok(())
    }

    /// The views whose kept result did not fit the session's memory budget and is read
    /// from the temporary folder instead, by name.
    pub async fn views_on_disk(&self) -> Vec<String> {
        self.views.kept_on_disk().await
    }

    /// Run one SQL statement and collect the result.
    pub async fn query(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        Ok(self.ctx.sql(sql).await?.collect().await?)
    }

    /// Run one SQL statement with `$1`, `$2`, ... bound to `values` (text): values read
    /// from the lake or given by people never become SQL text.
    pub async fn query_with(&self, sql: &str, values: &[&str]) -> Result<Vec<RecordBatch>> {
        use datafusion::common::ScalarValue;
        let values: Vec<ScalarValue> = values
            .iter()
            .map(|v| ScalarValue::Utf8(Some(v.to_string())))
            .collect();
        Ok(self
            .ctx
            .sql(sql)
            .await?
            .with_param_values(values)?
            .collect()
            .await?)
    }

    /// The ids of the committed runs of `kind` (`ingest`, `analyze`, `score`), latest
    /// first. "The latest analysis" is the first of `latest_runs("analyze")`: a run
    /// that found nothing is the latest all the same (it stores no findings file).
    pub async fn latest_runs(&self, kind: &str) -> Result<Vec<String>> {
        use arrow::array::AsArray;
        let batches = self
            .query_with(
                "SELECT run_id FROM runs WHERE kind = $1 ORDER BY started_at DESC, run_id DESC",
                &[kind],
            )
            .await?;
        let mut out = Vec::new();
        for b in &batches {
            let c = arrow::compute::cast(b.column(0), &DataType::Utf8)?;
            let c = c.as_string::<i32>();
            out.extend((0..c.len()).map(|i| c.value(i).to_string()));
        }
        Ok(out)
    }
}

/// Make the default schema a [`views::LazyViews`] holding every query of `queries/` and
/// `findings_current` (the current findings of all rules, from the lake as it is now,
/// each with the frameworks its rule's header names).
fn register_views(
    ctx: &SessionContext,
    lake: &Path,
    live: bool,
    budget: Option<Arc<dyn MemoryPool>>,
) -> Result<Arc<views::LazyViews>> {
    let mut schema = views::LazyViews::new(ctx.state_weak_ref(), lake, live, budget);
    for q in QUERIES {
        schema.add(q.name, q.body(), q.origin(), q.kept());
    }
    let union: Vec<String> = rules()
        .map(|q| {
            format!(
                "SELECT rule_id, severity, verdict, provider, tenant, subject_uid, subject_name, subject_type, \
                 summary, evidence, CAST(first_seen AS TIMESTAMP) AS first_seen, CAST(last_seen AS TIMESTAMP) AS last_seen, {} AS frameworks FROM {}",
                queries::frameworks_sql(q),
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
