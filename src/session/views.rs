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
use arrow::ipc::writer::StreamWriter;
use async_trait::async_trait;
use datafusion::catalog::streaming::StreamingTable;
use datafusion::catalog::view::ViewTable;
use datafusion::catalog::{
    MemorySchemaProvider, ScanArgs, ScanResult, SchemaProvider, Session, TableProvider,
};
use datafusion::common::utils::memory::get_record_batch_memory_size;
use datafusion::common::{Constraints, Statistics};
use datafusion::datasource::MemTable;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::memory_pool::{MemoryConsumer, MemoryPool, MemoryReservation};
use datafusion::execution::session_state::SessionState;
use datafusion::execution::spill_file::{SpillFile, SpillWriter};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::dml::InsertOp;
use datafusion::logical_expr::{Expr, LogicalPlan, TableProviderFilterPushDown, TableType};
use datafusion::physical_plan::metrics::{ExecutionPlanMetricsSet, SpillMetrics};
use datafusion::physical_plan::spill::SpillManager;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::streaming::PartitionStream;
use datafusion::physical_plan::{ExecutionPlan, execute_stream};
use futures::StreamExt;
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
    /// What kept views are charged to (none: unlimited).
    budget: Option<Arc<dyn MemoryPool>>,
    /// The cached views planned so far (also in `inner`), to forget or inspect them.
    cached_views: RwLock<BTreeMap<String, Arc<CachedView>>>,
    frozen: AtomicBool,
}

impl LazyViews {
    /// `lake`: the folder whose files decide when a cached view is stale, in a `live`
    /// session; in another, a cached view is computed once and kept.
    /// `budget`: what the results of cached views are charged to while kept in memory
    /// (a view that does not fit is kept on disk instead); `None` keeps them all in memory.
    pub fn new(
        state: Weak<RwLock<SessionState>>,
        lake: &Path,
        live: bool,
        budget: Option<Arc<dyn MemoryPool>>,
    ) -> Self {
        LazyViews {
            inner: MemorySchemaProvider::new(),
            views: BTreeMap::new(),
            state,
            lake: lake.to_path_buf(),
            live,
            budget,
            cached_views: RwLock::new(BTreeMap::new()),
            frozen: AtomicBool::new(false),
        }
    }

    /// The cached views planned so far.
    fn cached(&self) -> Vec<(String, Arc<CachedView>)> {
        self.cached_views
            .read()
            .iter()
            .map(|(name, view)| (name.clone(), view.clone()))
            .collect()
    }

    /// Forget the kept results of the cached views that read any of `tables`, so that
    /// their next scan reads what was committed since.
    pub async fn forget_reading(&self, tables: &[&str]) {
        for (_, view) in self.cached() {
            if view.reads_any(tables) {
                view.forget().await;
            }
        }
    }

    /// The cached views whose kept result is in the temporary folder, by name.
    pub async fn kept_on_disk(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, view) in self.cached() {
            if let Some((_, kept)) = view.kept.lock().await.as_ref()
                && kept.on_disk()
            {
                out.push(name);
            }
        }
        out.sort();
        out
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
            let cached = Arc::new(CachedView::new(
                name,
                plan,
                self.live.then(|| self.lake.clone()),
                self.budget.clone(),
            ));
            self.cached_views
                .write()
                .entry(name.to_string())
                .or_insert(cached)
                .clone()
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

/// A view whose result is computed on the first scan and kept: for the life of the
/// session (a snapshot: one command reads one state of the lake, as DataFusion's listing
/// cache gives it), or, in a live session (`serve`, the REPL), until the lake's files
/// change. Filters and projections apply to the kept result.
/// The one way views are kept: `analyze`, `score`, `report`, `run`, `sql`, `serve` and the
/// `.slt` tests read the same tables with the same (planned) schemas.
///
/// Kept in memory while the session's view budget ([`super::memory::view_budget`]) allows, charged to it
/// (and so to the session's memory pool) for as long as it is kept; a view that does
/// not fit is written to the temporary folder as Arrow IPC while it is computed and
/// read back from there at every scan, so a lake's views never hold more memory than
/// the budget whatever the lake's size.
#[derive(Debug)]
pub struct CachedView {
    name: String,
    plan: LogicalPlan,
    schema: SchemaRef,
    /// The lake whose files are stamped before each scan (live sessions only).
    lake: Option<PathBuf>,
    /// Where kept results are charged; none: kept in memory without limit.
    budget: Option<Arc<dyn MemoryPool>>,
    kept: tokio::sync::Mutex<Option<(Option<Stamp>, Arc<Kept>)>>,
}

/// A computed view, in memory or on disk.
#[derive(Debug)]
enum Kept {
    /// The batches, and what they are charged to for as long as they are kept.
    Memory(Arc<MemTable>, #[allow(dead_code)] Option<MemoryReservation>),
    Disk(Arc<StreamingTable>),
}

impl Kept {
    fn table(&self) -> Arc<dyn TableProvider> {
        match self {
            Kept::Memory(t, _) => t.clone(),
            Kept::Disk(t) => t.clone(),
        }
    }

    /// Whether the view was written to the temporary folder.
    fn on_disk(&self) -> bool {
        matches!(self, Kept::Disk(_))
    }
}

impl CachedView {
    fn new(
        name: &str,
        plan: LogicalPlan,
        lake: Option<PathBuf>,
        budget: Option<Arc<dyn MemoryPool>>,
    ) -> Self {
        let schema = Arc::new(plan.schema().as_arrow().clone());
        CachedView {
            name: name.to_string(),
            plan,
            schema,
            lake,
            budget,
            kept: tokio::sync::Mutex::new(None),
        }
    }

    /// Whether the view's plan scans one of `tables` (by name).
    fn reads_any(&self, tables: &[&str]) -> bool {
        use datafusion::common::tree_node::TreeNodeRecursion;
        let mut found = false;
        let _ = self.plan.apply_with_subqueries(|node| {
            if let LogicalPlan::TableScan(scan) = node
                && tables.contains(&scan.table_name.table())
            {
                found = true;
                return Ok(TreeNodeRecursion::Stop);
            }
            Ok(TreeNodeRecursion::Continue)
        });
        found
    }

    /// Drop the kept result: the next scan computes the view again.
    async fn forget(&self) {
        *self.kept.lock().await = None;
    }

    /// The computed view for the lake as it is now.
    async fn table(&self, state: &dyn Session) -> Result<Arc<Kept>> {
        let now = self.lake.as_deref().map(stamp);
        let mut kept = self.kept.lock().await;
        if let Some((at, table)) = kept.as_ref()
            && *at == now
        {
            return Ok(table.clone());
        }
        // A kept result of an older state of the lake is dropped (and its memory
        // returned) before the new one is computed.
        *kept = None;
        let table = Arc::new(self.compute(state).await?);
        *kept = Some((now, table.clone()));
        Ok(table)
    }

    /// Run the view's plan: its batches in memory while the budget grants them, else
    /// all of them in one spill file.
    async fn compute(&self, state: &dyn Session) -> Result<Kept> {
        let physical = state.create_physical_plan(&self.plan).await?;
        let mut stream = execute_stream(physical, state.task_ctx())?;
        let reservation = self
            .budget
            .as_ref()
            .map(|pool| MemoryConsumer::new(format!("kept view {}", self.name)).register(pool));
        let mut batches = Vec::new();
        // Spilled, the view is as many files as the session has partitions, batches dealt
        // round robin: its scan is that many partitions, read in parallel with no
        // repartition above them, and any of them can be read again. (A nested loop join
        // short of memory executes its input again, which a repartition cannot:
        // DataFusion 55 panics with "partition not used yet".)
        let mut spill: Vec<(Arc<dyn SpillFile>, StreamWriter<Box<dyn SpillWriter>>)> = Vec::new();
        let mut next = 0;
        while let Some(batch) = stream.next().await {
            // The planned schema (the one this table reports) over the computed columns:
            // execution can only narrow nullability.
            let batch = RecordBatch::try_new(self.schema.clone(), batch?.columns().to_vec())?;
            if !spill.is_empty() {
                let at = next % spill.len();
                spill[at].1.write(&batch)?;
                next += 1;
                continue;
            }
            let fits = match &reservation {
                Some(r) => r.try_grow(get_record_batch_memory_size(&batch)).is_ok(),
                None => true,
            };
            if fits {
                batches.push(batch);
                continue;
            }
            let partitions = state.config().target_partitions().max(1);
            for _ in 0..partitions {
                let file = state
                    .runtime_env()
                    .disk_manager
                    .create_tmp_file(&format!("kept view {}", self.name))?;
                let writer = StreamWriter::try_new(file.open_writer()?, &self.schema)?;
                spill.push((file, writer));
            }
            for b in batches.drain(..).chain(std::iter::once(batch)) {
                spill[next % partitions].1.write(&b)?;
                next += 1;
            }
            if let Some(r) = &reservation {
                r.free();
            }
        }
        if spill.is_empty() {
            return Ok(Kept::Memory(
                Arc::new(MemTable::try_new(self.schema.clone(), vec![batches])?),
                reservation,
            ));
        }
        let manager = Arc::new(SpillManager::new(
            state.runtime_env().clone(),
            SpillMetrics::new(&ExecutionPlanMetricsSet::new(), 0),
            self.schema.clone(),
        ));
        let mut parts: Vec<Arc<dyn PartitionStream>> = Vec::new();
        for (file, mut writer) in spill {
            writer.finish()?;
            writer.into_inner()?.finish()?;
            parts.push(Arc::new(SpilledPartition {
                manager: manager.clone(),
                file,
            }));
        }
        Ok(Kept::Disk(Arc::new(StreamingTable::try_new(
            self.schema.clone(),
            parts,
        )?)))
    }
}

/// A kept view in the temporary folder, read back batch by batch at each scan.
struct SpilledPartition {
    manager: Arc<SpillManager>,
    file: Arc<dyn SpillFile>,
}

impl std::fmt::Debug for SpilledPartition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SpilledPartition({:?})", self.file.path())
    }
}

impl PartitionStream for SpilledPartition {
    fn schema(&self) -> &SchemaRef {
        self.manager.schema()
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        match self.manager.read_spill_as_stream(self.file.clone(), None) {
            Ok(s) => s,
            Err(e) => {
                let schema = self.manager.schema().clone();
                Box::pin(RecordBatchStreamAdapter::new(
                    schema,
                    futures::stream::once(async move { Err(e) }),
                ))
            }
        }
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
            .table()
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
