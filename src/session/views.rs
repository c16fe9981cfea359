//! The session's default schema, with the views of `queries/` planned on first use.
//!
//! Planning all twenty views and rules (and `findings_current`, the union of the rules)
//! took about 0.3 s of every `trailcheck sql` call before the query itself ran (10M
//! events, dev profile), for views the query never read. [`LazyViews`] holds each view's
//! SQL and plans it into a DataFusion [`ViewTable`] the first time a statement names it;
//! tables registered on the session (the lake's Parquet tables, reference tables,
//! `params`, materialized views) live in the inner [`MemorySchemaProvider`] and take
//! precedence. A view that fails to plan reports the query file it came from.

use std::collections::BTreeMap;
use std::sync::{Arc, Weak};

use async_trait::async_trait;
use datafusion::catalog::view::ViewTable;
use datafusion::catalog::{MemorySchemaProvider, SchemaProvider, TableProvider};
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::session_state::SessionState;
use datafusion::logical_expr::TableType;
use parking_lot::RwLock;

/// A view not planned yet: its SQL and where the SQL came from (for errors).
#[derive(Debug)]
struct Pending {
    sql: String,
    origin: String,
}

/// A schema whose views are planned when first read.
#[derive(Debug)]
pub struct LazyViews {
    inner: MemorySchemaProvider,
    views: BTreeMap<String, Pending>,
    state: Weak<RwLock<SessionState>>,
}

impl LazyViews {
    pub fn new(state: Weak<RwLock<SessionState>>) -> Self {
        LazyViews {
            inner: MemorySchemaProvider::new(),
            views: BTreeMap::new(),
            state,
        }
    }

    /// Add a view `name AS sql`; `origin` names its source in planning errors.
    pub fn add(&mut self, name: &str, sql: String, origin: String) {
        self.views.insert(name.to_string(), Pending { sql, origin });
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
        let table: Arc<dyn TableProvider> = Arc::new(ViewTable::new(plan, Some(view.sql.clone())));
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
        self.inner.register_table(name, table)
    }

    fn deregister_table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        self.inner.deregister_table(name)
    }

    fn table_exist(&self, name: &str) -> bool {
        self.inner.table_exist(name) || self.views.contains_key(name)
    }
}
