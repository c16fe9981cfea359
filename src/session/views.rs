//! The session's default schema, with the views of `queries/` planned on first use.
//!
//! Planning all twenty views and rules (and `findings_current`, the union of the rules)
//! took about 0.3 s of every `trailcheck sql` call before the query itself ran (10M
//! events, dev profile), for views the query never read. [`LazyViews`] holds each view's
//! SQL and plans it into a DataFusion [`ViewTable`] the first time a statement names it;
//! tables registered on the session (the lake's Parquet tables, reference tables,
//! `params`) live in the inner [`MemorySchemaProvider`] and take
//! precedence. A view that fails to plan reports the query file it came from.
//!
//! The views of `queries/views/` are read many times by one statement (`findings_current`
//! unions every rule, most of which read `identities`): as plain views each reference
//! scanned the lake again (39 s and 2.7 GB for `SELECT count(*) FROM findings_current`
//! over the sample lake; 10 s and 0.65 GB kept). Those are [`CachedView`]s: computed the
//! first time a scan needs them and kept for the session, or in a live session (`serve`,
//! the REPL) while the lake's files stay as they were, so those see new ingests and
//! analyses without recomputing on every reference. It is the one way views are kept.
//!
//! Every table registered here is wrapped in a [`ReadOnlyTable`], which answers
//! `INSERT`, `UPDATE`, `DELETE` and `TRUNCATE` with an error whatever planned them, and
//! [`LazyViews::freeze`] closes the schema to new, replaced and dropped tables: the
//! last line behind the read-only checks of `sql` and `serve`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::SystemTime;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use async_trait::async_trait;
use datafusion::catalog::view::ViewTable;
use datafusion::catalog::{
    MemorySchemaProvider, ScanArgs, ScanResult, SchemaProvider, Session, TableProvider,
};
use datafusion::common::{Constraints, Statistics};
use datafusion::datasource::MemTable;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::session_state::SessionState;
use datafusion::logical_expr::dml::InsertOp;
use datafusion::logical_expr::{Expr, LogicalPlan, TableProviderFilterPushDown, TableType};
use datafusion::physical_plan::{ExecutionPlan, collect};
use parking_lot::RwLock;

/// A view not planned yet: its SQL, where the SQL came from (for errors), and whether
/// its result is kept between scans.
#[derive(Debug)]
struct Pending {
    sql: String,
    origin: String,
    cached: bool,
}

/// A schema whose views are planned when first read.
#[derive(Debug)]
pub struct LazyViews {
    inner: MemorySchemaProvider,
    views: BTreeMap<String, Pending>,
    state: Weak<RwLock<SessionState>>,
    lake: PathBuf,
    /// Whether the lake's files can change while the session is open ([`CachedView`]).
    live: bool,
    frozen: AtomicBool,
}

impl LazyViews {
    /// `lake`: the folder whose files decide when a cached view is stale, in a `live`
    /// session; in another, a cached view is computed once and kept.
    pub fn new(state: Weak<RwLock<SessionState>>, lake: &Path, live: bool) -> Self {
        LazyViews {
            inner: MemorySchemaProvider::new(),
            views: BTreeMap::new(),
            state,
            lake: lake.to_path_buf(),
            live,
            frozen: AtomicBool::new(false),
        }
    }

    /// Refuse every later `register_table` and `deregister_table` (views are still
    /// planned on first use).
    pub fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }

    fn refuse_if_frozen(&self, name: &str) -> Result<()> {
        if self.frozen.load(Ordering::SeqCst) {
            return Err(DataFusionError::Plan(format!(
                "the lake is read-only here: {name} cannot be created, replaced or dropped"
            )));
        }
        Ok(())
    }

    /// Add a view `name AS sql`; `origin` names its source in planning errors. A
    /// `cached` view is computed once per session, or per state of the lake in a live one
    /// ([`CachedView`]).
    pub fn add(&mut self, name: &str, sql: String, origin: String, cached: bool) {
        self.views.insert(
            name.to_string(),
            Pending {
                sql,
                origin,
                cached,
            },
        );
    }

    async fn plan(&self, name: &str, view: &Pending) -> Result<Arc<dyn TableProvider>> {
        let state = self
            .state
            .upgrade()
            .ok_or_else(|| DataFusionError::Internal("session closed".into()))?
            .read()
            .clone();
        let plan = state
            .create_logical_plan(&view.sql)
            .await
            .map_err(|e| DataFusionError::Plan(format!("{}: {e}", view.origin)))?;
        let table: Arc<dyn TableProvider> = if view.cached {
            Arc::new(CachedView::new(plan, self.live.then(|| self.lake.clone())))
        } else {
            Arc::new(ViewTable::new(plan, Some(view.sql.clone())))
        };
        // Two statements may plan the same view at once: the first registered wins.
        match self.inner.register_table(name.to_string(), table.clone()) {
            Ok(_) => Ok(table),
            Err(_) => Ok(self.inner.table(name).await?.unwrap_or(table)),
        }
    }
}

#[async_trait]
impl SchemaProvider for LazyViews {
    fn table_names(&self) -> Vec<String> {
        let mut names = self.inner.table_names();
        for v in self.views.keys() {
            if !names.contains(v) {
                names.push(v.clone());
            }
        }
        names
    }

    async fn table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        if let Some(t) = self.inner.table(name).await? {
            return Ok(Some(t));
        }
        match self.views.get(name) {
            Some(view) => self.plan(name, view).await.map(Some),
            None => Ok(None),
        }
    }

    async fn table_type(&self, name: &str) -> Result<Option<TableType>> {
        if let Some(t) = self.inner.table(name).await? {
            return Ok(Some(t.table_type()));
        }
        Ok(self.views.contains_key(name).then_some(TableType::View))
    }

    fn register_table(
        &self,
        name: String,
        table: Arc<dyn TableProvider>,
    ) -> Result<Option<Arc<dyn TableProvider>>> {
        self.refuse_if_frozen(&name)?;
        self.inner
            .register_table(name, Arc::new(ReadOnlyTable(table)))
    }

    fn deregister_table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        self.refuse_if_frozen(name)?;
        self.inner.deregister_table(name)
    }

    fn table_exist(&self, name: &str) -> bool {
        self.inner.table_exist(name) || self.views.contains_key(name)
    }
}

/// What the lake's files look like: count, bytes and newest change. Ingest, analyze and
/// score commit by adding files, so a different stamp means different data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    files: usize,
    bytes: u64,
    newest: Option<SystemTime>,
}

fn stamp(lake: &Path) -> Stamp {
    let mut st = Stamp {
        files: 0,
        bytes: 0,
        newest: None,
    };
    for f in crate::lake::parquet_files(lake) {
        if let Ok(m) = std::fs::metadata(&f) {
            st.files += 1;
            st.bytes += m.len();
            st.newest = st.newest.max(m.modified().ok());
        }
    }
    st
}

/// A view whose result is computed on the first scan and kept, as an in-memory table:
/// for the life of the session (a snapshot: one command reads one state of the lake,
/// as DataFusion's listing cache gives it), or, in a live session (`serve`, the REPL),
/// until the lake's files change. Filters and projections apply to the kept result.
/// The one way views are kept: `analyze`, `score`, `report`, `sql`, `serve` and the
/// `.slt` tests read the same tables with the same (planned) schemas.
#[derive(Debug)]
pub struct CachedView {
    plan: LogicalPlan,
    schema: SchemaRef,
    /// The lake whose files are stamped before each scan (live sessions only).
    lake: Option<PathBuf>,
    kept: tokio::sync::Mutex<Option<(Option<Stamp>, Arc<MemTable>)>>,
}

impl CachedView {
    fn new(plan: LogicalPlan, lake: Option<PathBuf>) -> Self {
        let schema = Arc::new(plan.schema().as_arrow().clone());
        CachedView {
            plan,
            schema,
            lake,
            kept: tokio::sync::Mutex::new(None),
        }
    }

    /// The computed view for the lake as it is now.
    async fn table(&self, state: &dyn Session) -> Result<Arc<MemTable>> {
        let now = self.lake.as_deref().map(stamp);
        let mut kept = self.kept.lock().await;
        if let Some((at, table)) = kept.as_ref()
            && *at == now
        {
            return Ok(table.clone());
        }
        let physical = state.create_physical_plan(&self.plan).await?;
        let batches = collect(physical, state.task_ctx()).await?;
        // The planned schema (the one this table reports) over the computed columns:
        // execution can only narrow nullability.
        let batches = batches
            .into_iter()
            .map(|b| RecordBatch::try_new(self.schema.clone(), b.columns().to_vec()))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let table = Arc::new(MemTable::try_new(self.schema.clone(), vec![batches])?);
        *kept = Some((now, table.clone()));
        Ok(table)
    }
}

#[async_trait]
impl TableProvider for CachedView {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::View
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        self.table(state)
            .await?
            .scan(state, projection, filters, limit)
            .await
    }
}

/// A table that reads like the one it wraps and refuses every write.
#[derive(Debug)]
pub struct ReadOnlyTable(pub Arc<dyn TableProvider>);

impl ReadOnlyTable {
    fn refuse(&self, what: &str) -> DataFusionError {
        DataFusionError::Plan(format!(
            "the lake is read-only here: {what} is refused (trailcheck ingest, analyze and score write it)"
        ))
    }
}

#[async_trait]
impl TableProvider for ReadOnlyTable {
    fn schema(&self) -> SchemaRef {
        self.0.schema()
    }

    fn constraints(&self) -> Option<&Constraints> {
        self.0.constraints()
    }

    fn table_type(&self) -> TableType {
        self.0.table_type()
    }

    fn get_table_definition(&self) -> Option<&str> {
        self.0.get_table_definition()
    }

    fn get_logical_plan(&'_ self) -> Option<Cow<'_, LogicalPlan>> {
        self.0.get_logical_plan()
    }

    fn get_column_default(&self, column: &str) -> Option<&Expr> {
        self.0.get_column_default(column)
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        self.0.scan(state, projection, filters, limit).await
    }

    async fn scan_with_args<'a>(
        &self,
        state: &dyn Session,
        args: ScanArgs<'a>,
    ) -> Result<ScanResult> {
        self.0.scan_with_args(state, args).await
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> Result<Vec<TableProviderFilterPushDown>> {
        self.0.supports_filters_pushdown(filters)
    }

    fn statistics(&self) -> Option<Statistics> {
        self.0.statistics()
    }

    async fn insert_into(
        &self,
        _state: &dyn Session,
        _input: Arc<dyn ExecutionPlan>,
        _op: InsertOp,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        Err(self.refuse("INSERT"))
    }

    async fn delete_from(
        &self,
        _state: &dyn Session,
        _filters: Vec<Expr>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        Err(self.refuse("DELETE"))
    }

    async fn update(
        &self,
        _state: &dyn Session,
        _assignments: Vec<(String, Expr)>,
        _filters: Vec<Expr>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        Err(self.refuse("UPDATE"))
    }

    async fn truncate(&self, _state: &dyn Session) -> Result<Arc<dyn ExecutionPlan>> {
        Err(self.refuse("TRUNCATE"))
    }
}
