//! `trailcheck serve`: the PostgreSQL wire protocol over the same [`Session`] that
//! `sql`, `analyze` and the tests use, so psql, BI tools and notebooks query the
//! lake, the views, the findings and the scorecards.
//!
//! The protocol and the `pg_catalog` emulation come from `datafusion-postgres`
//! (on `pgwire`). This module owns what is trailcheck's: the read-only policy
//! ([`ReadOnly`], a query hook that runs before any other), authentication
//! (SCRAM-SHA-256 with one shared password, or none on loopback) and the listen
//! policy (a non-loopback address needs a password).

use std::net::SocketAddr;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::common::ParamValues;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::SessionContext;
use datafusion::sql::sqlparser::ast::{Query, Set, SetExpr, Statement};
use datafusion_postgres::auth::AuthManager;
use datafusion_postgres::datafusion_pg_catalog::pg_catalog::setup_pg_catalog;
use datafusion_postgres::hooks::HookClient;
use datafusion_postgres::pgwire;
use datafusion_postgres::{DfSessionService, QueryHook};
use futures::Sink;
use pgwire::api::auth::noop::NoopStartupHandler;
use pgwire::api::auth::sasl::SASLAuthStartupHandler;
use pgwire::api::auth::sasl::scram::{ScramAuth, gen_salted_password};
use pgwire::api::auth::{
    AuthSource, DefaultServerParameterProvider, LoginInfo, Password, StartupHandler,
};
use pgwire::api::query::{ExtendedQueryHandler, SimpleQueryHandler};
use pgwire::api::results::{Response, Tag};
use pgwire::api::{ClientInfo, PgWireServerHandlers};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};
use tokio::net::TcpListener;

use crate::session::Session;
use crate::{Error, Result};

/// SQLSTATE `read_only_sql_transaction`: what PostgreSQL answers to a write on a
/// read-only server.
const READ_ONLY: &str = "25006";
const SCRAM_ITERATIONS: usize = 4096;

/// Client session parameters that drivers set on connect; `datafusion-postgres`
/// keeps them per connection. Anything else that is not an engine setting is
/// acknowledged and ignored.
const CLIENT_SETTINGS: &[&str] = &[
    "statement_timeout",
    "datestyle",
    "bytea_output",
    "intervalstyle",
    "application_name",
    "extra_float_digits",
    "search_path",
];

/// How the server is reached and who may connect.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    /// With a password, clients authenticate with SCRAM-SHA-256 (any user name).
    pub password: Option<String>,
}

impl ServeOptions {
    /// Refuse to expose the lake beyond this machine without a password.
    pub fn check(&self) -> Result<()> {
        if !self.listen.ip().is_loopback() && self.password.is_none() {
            return Err(Error::Usage(format!(
                "refusing to listen on {} without a password: set --password or TRAILCHECK_PASSWORD, \
                 or listen on a loopback address such as 127.0.0.1",
                self.listen
            )));
        }
        if self.password.as_deref() == Some("") {
            return Err(Error::Usage("the password is empty".into()));
        }
        Ok(())
    }
}

/// What the read-only policy does with one statement.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A query (or a client setting the built-in hooks handle): run it.
    Pass,
    /// A client setting trailcheck does not use: answer `SET` and change nothing.
    Acknowledge,
    /// Would write, create, copy or change the engine: refuse with this reason.
    Refuse(String),
}

/// Decide a statement from its syntax alone: queries, `EXPLAIN` of queries, `SHOW`,
/// transactions and cursors pass; client settings pass or are acknowledged; engine
/// settings (`datafusion.*`) and everything else are refused.
pub fn judge(statement: &Statement) -> Verdict {
    match statement {
        Statement::Query(q) => judge_query(q),
        Statement::Explain { statement, .. } => match judge(statement) {
            Verdict::Acknowledge => refuse(statement),
            v => v,
        },
        Statement::ExplainTable { .. }
        | Statement::ShowFunctions { .. }
        | Statement::ShowVariable { .. }
        | Statement::ShowVariables { .. }
        | Statement::ShowStatus { .. }
        | Statement::ShowCreate { .. }
        | Statement::ShowColumns { .. }
        | Statement::ShowCatalogs { .. }
        | Statement::ShowDatabases { .. }
        | Statement::ShowSchemas { .. }
        | Statement::ShowTables { .. }
        | Statement::ShowViews { .. }
        | Statement::StartTransaction { .. }
        | Statement::Commit { .. }
        | Statement::Rollback { .. }
        | Statement::Declare { .. }
        | Statement::Fetch { .. }
        | Statement::Close { .. } => Verdict::Pass,
        Statement::Set(set) => judge_set(set),
        Statement::Discard { .. } | Statement::Reset(_) => Verdict::Acknowledge,
        other => refuse(other),
    }
}

fn judge_query(q: &Query) -> Verdict {
    fn writes(body: &SetExpr) -> bool {
        match body {
            SetExpr::Select(s) => s.into.is_some(),
            SetExpr::Query(q) => writes(&q.body),
            SetExpr::SetOperation { left, right, .. } => writes(left) || writes(right),
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => {
                true
            }
            _ => false,
        }
    }
    let in_ctes = q
        .with
        .as_ref()
        .is_some_and(|w| w.cte_tables.iter().any(|c| writes(&c.query.body)));
    if writes(&q.body) || in_ctes {
        Verdict::Refuse(
            "the server is read-only: queries that write (SELECT INTO, data-modifying WITH) are refused"
                .into(),
        )
    } else {
        Verdict::Pass
    }
}

fn judge_set(set: &Set) -> Verdict {
    let names: Vec<String> = match set {
        Set::SingleAssignment { variable, .. } => vec![variable.to_string()],
        Set::ParenthesizedAssignments { variables, .. } => {
            variables.iter().map(|v| v.to_string()).collect()
        }
        Set::MultipleAssignments { assignments } => {
            assignments.iter().map(|a| a.name.to_string()).collect()
        }
        Set::SetTimeZone { .. } => return Verdict::Pass,
        _ => return Verdict::Acknowledge,
    };
    let names: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    if let Some(engine) = names.iter().find(|n| n.starts_with("datafusion.")) {
        return Verdict::Refuse(format!(
            "the server is read-only: engine setting {engine} cannot be changed by a client"
        ));
    }
    match names.as_slice() {
        [one] if CLIENT_SETTINGS.contains(&one.as_str()) => Verdict::Pass,
        _ => Verdict::Acknowledge,
    }
}

fn refuse(statement: &Statement) -> Verdict {
    let text = statement.to_string();
    let verb: String = text
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase();
    Verdict::Refuse(format!(
        "the server is read-only: {verb} is refused (only queries, EXPLAIN, SHOW and client settings run)"
    ))
}

fn read_only_error(reason: String) -> PgWireError {
    PgWireError::UserError(Box::new(ErrorInfo::new(
        "ERROR".into(),
        READ_ONLY.into(),
        reason,
    )))
}

/// Check a planned statement against the same options `trailcheck sql` uses: a
/// second line behind [`judge`] (DDL, DML and engine statements are refused).
fn verify(plan: &LogicalPlan) -> Option<PgWireError> {
    crate::sql::read_only()
        .verify_plan(plan)
        .err()
        .map(|e| read_only_error(format!("the server is read-only: {e}")))
}

/// The first query hook: applies [`judge`] (and [`verify`] on the plan) before
/// `datafusion-postgres` runs anything.
pub struct ReadOnly;

#[async_trait]
impl QueryHook for ReadOnly {
    async fn handle_simple_query(
        &self,
        statement: &Statement,
        ctx: &SessionContext,
        _client: &mut dyn HookClient,
    ) -> Option<PgWireResult<Response>> {
        match judge(statement) {
            Verdict::Refuse(reason) => Some(Err(read_only_error(reason))),
            Verdict::Acknowledge => Some(Ok(Response::Execution(Tag::new("SET")))),
            Verdict::Pass => {
                if matches!(statement, Statement::Query(_) | Statement::Explain { .. }) {
                    // A statement that does not plan is left to the normal path,
                    // which reports the planning error.
                    let plan = ctx
                        .state()
                        .create_logical_plan(&statement.to_string())
                        .await
                        .ok()?;
                    verify(&plan).map(Err)
                } else {
                    None
                }
            }
        }
    }

    async fn handle_extended_parse_query(
        &self,
        statement: &Statement,
        _ctx: &SessionContext,
        _client: &(dyn ClientInfo + Send + Sync),
    ) -> Option<PgWireResult<LogicalPlan>> {
        match judge(statement) {
            Verdict::Refuse(reason) => Some(Err(read_only_error(reason))),
            _ => None,
        }
    }

    async fn handle_extended_query(
        &self,
        statement: &Statement,
        plan: &LogicalPlan,
        _params: &ParamValues,
        _ctx: &SessionContext,
        _client: &mut dyn HookClient,
    ) -> Option<PgWireResult<Response>> {
        match judge(statement) {
            Verdict::Refuse(reason) => Some(Err(read_only_error(reason))),
            Verdict::Acknowledge => Some(Ok(Response::Execution(Tag::new("SET")))),
            Verdict::Pass => verify(plan).map(Err),
        }
    }
}

/// One password for every user name, salted once per server start.
#[derive(Debug)]
struct SharedPassword {
    salt: Vec<u8>,
    salted: Vec<u8>,
}

#[async_trait]
impl AuthSource for SharedPassword {
    async fn get_password(&self, _login: &LoginInfo) -> PgWireResult<Password> {
        Ok(Password::new(Some(self.salt.clone()), self.salted.clone()))
    }
}

/// No authentication (loopback without a password).
struct Open;

impl NoopStartupHandler for Open {}

enum Startup {
    Open(Open),
    Scram(SASLAuthStartupHandler<DefaultServerParameterProvider>),
}

#[async_trait]
impl StartupHandler for Startup {
    async fn on_startup<C>(
        &self,
        client: &mut C,
        message: PgWireFrontendMessage,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: std::fmt::Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        match self {
            Startup::Open(h) => h.on_startup(client, message).await,
            Startup::Scram(h) => h.on_startup(client, message).await,
        }
    }
}

struct Handlers {
    service: Arc<DfSessionService>,
    password: Option<Arc<SharedPassword>>,
}

impl PgWireServerHandlers for Handlers {
    fn simple_query_handler(&self) -> Arc<impl SimpleQueryHandler> {
        self.service.clone()
    }

    fn extended_query_handler(&self) -> Arc<impl ExtendedQueryHandler> {
        self.service.clone()
    }

    /// Called once per connection. pgwire's SASL handler keeps the exchange's state in
    /// itself, so each connection gets its own (a shared one would mix up concurrent
    /// logins and stay stuck after a failed one).
    fn startup_handler(&self) -> Arc<impl StartupHandler> {
        Arc::new(match &self.password {
            None => Startup::Open(Open),
            Some(password) => {
                let mut scram = ScramAuth::new(password.clone());
                scram.set_iterations(SCRAM_ITERATIONS);
                Startup::Scram(
                    SASLAuthStartupHandler::new(
                        Arc::new(DefaultServerParameterProvider::default()),
                    )
                    .with_scram(scram),
                )
            }
        })
    }
}

/// Prepare the session for PostgreSQL clients: `pg_catalog` (what psql's `\dt` and
/// BI tools read on connect) and the query hooks, read-only first.
fn handlers(session: &Session, password: Option<&str>) -> Result<Handlers> {
    let ctx = session.ctx.clone();
    setup_pg_catalog(&ctx, "trailcheck", Arc::new(AuthManager::new()))
        .map_err(|e| Error::DataFusion(*e))?;
    let hooks: Vec<Arc<dyn QueryHook>> = vec![
        Arc::new(ReadOnly),
        Arc::new(datafusion_postgres::hooks::cursor::CursorStatementHook),
        Arc::new(datafusion_postgres::hooks::set_show::SetShowHook),
        Arc::new(datafusion_postgres::hooks::transactions::TransactionStatementHook),
    ];
    let service = Arc::new(DfSessionService::new_with_hooks(Arc::new(ctx), hooks));
    let password = password.map(|password| {
        let salt = uuid::Uuid::new_v4().into_bytes().to_vec();
        let salted = gen_salted_password(password, &salt, SCRAM_ITERATIONS);
        Arc::new(SharedPassword { salt, salted })
    });
    Ok(Handlers { service, password })
}

/// Bind, say where (on stderr, with the real port when asked for port 0), and serve
/// until interrupted.
pub async fn serve(session: &Session, options: &ServeOptions) -> Result<()> {
    options.check()?;
    let handlers = Arc::new(handlers(session, options.password.as_deref())?);
    let listener = TcpListener::bind(options.listen)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", options.listen)))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", options.listen)))?;
    eprintln!(
        "trailcheck serve: listening on {local} (PostgreSQL wire, read-only, {}); \
         connect with: psql -h {} -p {} -U trailcheck trailcheck",
        if options.password.is_some() {
            "password required"
        } else {
            "no password: loopback only"
        },
        local.ip(),
        local.port()
    );
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (socket, _peer) = match accepted {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("trailcheck serve: accept failed: {e}");
                        continue;
                    }
                };
                let handlers = handlers.clone();
                tokio::spawn(async move {
                    // A client that goes away mid-protocol ends its own connection only.
                    let _ = pgwire::tokio::process_socket(socket, None, handlers).await;
                });
            }
            _ = tokio::signal::ctrl_c() => {
                eprintln!("trailcheck serve: stopped");
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
    use datafusion::sql::sqlparser::parser::Parser;

    fn verdict(sql: &str) -> Verdict {
        let stmts = Parser::parse_sql(&PostgreSqlDialect {}, sql).expect(sql);
        judge(&stmts[0])
    }

    #[test]
    fn queries_pass_and_writes_are_refused() {
        for sql in [
            "SELECT * FROM events",
            "WITH x AS (SELECT 1) SELECT * FROM x",
            "EXPLAIN SELECT 1",
            "SHOW search_path",
            "BEGIN",
            "SET extra_float_digits = 3",
            "SET TIME ZONE 'UTC'",
        ] {
            assert_eq!(verdict(sql), Verdict::Pass, "{sql}");
        }
        for sql in [
            "INSERT INTO events SELECT * FROM events",
            "DELETE FROM events",
            "UPDATE runs SET kind = 'x'",
            "CREATE TABLE t AS SELECT 1",
            "CREATE VIEW v AS SELECT 1",
            "DROP TABLE events",
            "COPY events TO '/tmp/x.csv'",
            "SELECT * INTO t FROM events",
            "WITH d AS (DELETE FROM events RETURNING *) SELECT * FROM d",
            "EXPLAIN ANALYZE INSERT INTO events SELECT * FROM events",
            "SET datafusion.execution.target_partitions = 1",
            "ALTER TABLE events RENAME TO e",
            "TRUNCATE events",
        ] {
            assert!(
                matches!(verdict(sql), Verdict::Refuse(_)),
                "{sql}: {:?}",
                verdict(sql)
            );
        }
        assert_eq!(
            verdict("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"),
            Verdict::Acknowledge
        );
    }

    #[test]
    fn non_loopback_needs_a_password() {
        let open = ServeOptions {
            listen: "0.0.0.0:5433".parse().unwrap(),
            password: None,
        };
        assert!(open.check().unwrap_err().to_string().contains("--password"));
        let protected = ServeOptions {
            password: Some("s3cret".into()),
            ..open.clone()
        };
        protected.check().unwrap();
        let local = ServeOptions {
            listen: "127.0.0.1:5433".parse().unwrap(),
            password: None,
        };
        local.check().unwrap();
    }
}
