//! The read-only gate of `serve`: one query hook, first in line, that every statement
//! a client sends passes through, over the simple and the extended protocol, as a
//! prepared statement or inside `DECLARE ... CURSOR FOR`.
//!
//! It judges the statement's syntax ([`judge`]: queries, `EXPLAIN`, `SHOW`, cursors,
//! transactions and client settings pass; everything else is refused), then plans
//! every query it lets through, the query of a cursor included, and checks the plan
//! against the options `trailcheck sql` uses ([`crate::sql::read_only`]). Behind it the
//! session itself cannot be written: its tables refuse writes and its schema is frozen
//! ([`crate::session::Session::read_only`]).

use async_trait::async_trait;
use datafusion::common::ParamValues;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::{Declare, Query, Set, SetExpr, Statement};
use datafusion_postgres::QueryHook;
use datafusion_postgres::hooks::HookClient;
use datafusion_postgres::pgwire;
use pgwire::api::ClientInfo;
use pgwire::api::results::{Response, Tag};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};

/// SQLSTATE `read_only_sql_transaction`: what PostgreSQL answers to a write on a
/// read-only server.
const READ_ONLY: &str = "25006";

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
/// transactions and cursors over queries pass; client settings pass or are
/// acknowledged; engine settings (`datafusion.*`) and everything else are refused.
pub fn judge(statement: &Statement) -> Verdict {
    match statement {
        Statement::Query(q) => judge_query(q),
        Statement::Explain { statement, .. } => match judge(statement) {
            Verdict::Acknowledge => refuse(statement),
            v => v,
        },
        Statement::Declare { stmts } => stmts
            .iter()
            .filter_map(|d| d.for_query.as_deref())
            .map(judge_query)
            .find(|v| *v != Verdict::Pass)
            .unwrap_or(Verdict::Pass),
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
        | Statement::Fetch { .. }
        | Statement::Close { .. } => Verdict::Pass,
        Statement::Set(set) => judge_set(set),
        // Nothing is written, so a savepoint has nothing to keep: acknowledged (SQLAlchemy
        // and psycopg open one around their first queries).
        Statement::Discard { .. }
        | Statement::Reset(_)
        | Statement::Savepoint { .. }
        | Statement::ReleaseSavepoint { .. }
        // psycopg and psqlODBC drop their prepared statements with DEALLOCATE (the hook
        // removes the named one from the connection's store).
        | Statement::Deallocate { .. } => Verdict::Acknowledge,
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

/// Statements that plan a query of their own: the gate plans and checks them.
fn plans_a_query(statement: &Statement) -> bool {
    matches!(statement, Statement::Query(_) | Statement::Explain { .. })
}

/// Check a planned statement against the same options `trailcheck sql` uses: a
/// second line behind [`judge`] (DDL, DML and engine statements are refused).
fn verify(plan: &LogicalPlan) -> PgWireResult<()> {
    refusal(plan).map_err(read_only_error)
}

/// Why [`verify`] refuses a plan.
fn refusal(plan: &LogicalPlan) -> Result<(), String> {
    crate::sql::read_only()
        .verify_plan(plan)
        .map_err(|e| format!("the server is read-only: {e}"))
}

/// Why a statement is not run.
#[derive(Debug)]
pub enum NotRun {
    /// The read-only policy refuses it (the reason says what and why).
    Refused(String),
    /// It does not parse or plan.
    Invalid(datafusion::error::DataFusionError),
}

/// Plan a statement as `datafusion-postgres` would, after the catalog rewrites of
/// [`compat`](super::compat), and check the plan against [`crate::sql::read_only`].
async fn plan_verified(ctx: &SessionContext, statement: &Statement) -> Result<LogicalPlan, NotRun> {
    let statement = super::compat::rewrite(statement).unwrap_or_else(|| statement.clone());
    let plan = ctx
        .state()
        .statement_to_plan(DfStatement::Statement(Box::new(statement)))
        .await
        .map_err(NotRun::Invalid)?;
    refusal(&plan).map_err(NotRun::Refused)?;
    Ok(plan)
}

/// [`plan_verified`] with its refusal in PostgreSQL's terms.
async fn plan_checked(ctx: &SessionContext, statement: &Statement) -> PgWireResult<LogicalPlan> {
    plan_verified(ctx, statement).await.map_err(|e| match e {
        NotRun::Refused(reason) => read_only_error(reason),
        NotRun::Invalid(e) => PgWireError::ApiError(Box::new(e)),
    })
}

/// Statements that act on a client's session (its settings, transaction or cursors):
/// a client without one (Arrow Flight SQL: each request stands alone) cannot run them.
fn needs_a_session(statement: &Statement) -> bool {
    matches!(
        statement,
        Statement::Set(_)
            | Statement::Declare { .. }
            | Statement::Fetch { .. }
            | Statement::Close { .. }
            | Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Rollback { .. }
    )
}

/// Plan the text of one statement from a client that has no session of its own (Arrow
/// Flight SQL): parsed as the PostgreSQL port parses it, [`judge`]d, planned after the
/// same catalog rewrites, and its plan checked. Only a query (`SELECT`, `WITH`,
/// `VALUES`, `EXPLAIN`, `SHOW`, `DESCRIBE`) runs: writes and engine settings are
/// refused as on the PostgreSQL port, and settings, transactions and cursors too (there
/// is no session for them to act on). `$1`, `$2`, ... are parameters.
pub async fn plan_text(ctx: &SessionContext, sql: &str) -> Result<LogicalPlan, NotRun> {
    use datafusion::sql::sqlparser::{dialect::PostgreSqlDialect, parser::Parser};
    let mut statements = Parser::parse_sql(&PostgreSqlDialect {}, sql)
        .map_err(|e| NotRun::Invalid(datafusion::error::DataFusionError::SQL(Box::new(e), None)))?;
    let statement = match statements.len() {
        1 => statements.remove(0),
        0 => return Err(NotRun::Refused("the request has no statement".into())),
        n => {
            return Err(NotRun::Refused(format!(
                "one statement per request: this one has {n}"
            )));
        }
    };
    match judge(&statement) {
        Verdict::Refuse(reason) => Err(NotRun::Refused(reason)),
        _ if needs_a_session(&statement) => Err(NotRun::Refused(
            "settings, transactions and cursors need a session: over Arrow Flight SQL each \
             request runs one query on its own (the PostgreSQL port has sessions)"
                .into(),
        )),
        Verdict::Acknowledge => Err(NotRun::Refused(format!(
            "{} changes nothing here: only queries run over Arrow Flight SQL",
            acknowledged_tag(&statement)
        ))),
        Verdict::Pass => plan_verified(ctx, &statement).await,
    }
}

/// Plan and check the query of every cursor a `DECLARE` opens, before the cursor hook
/// runs it (that hook plans the query text without any check of its own).
async fn check_cursors(ctx: &SessionContext, declares: &[Declare]) -> PgWireResult<()> {
    for query in declares.iter().filter_map(|d| d.for_query.as_deref()) {
        plan_checked(ctx, &Statement::Query(Box::new(query.clone()))).await?;
    }
    Ok(())
}

/// The command tag PostgreSQL gives an acknowledged statement.
fn acknowledged_tag(statement: &Statement) -> &'static str {
    match statement {
        Statement::Savepoint { .. } => "SAVEPOINT",
        Statement::ReleaseSavepoint { .. } => "RELEASE",
        Statement::Discard { .. } => "DISCARD ALL",
        Statement::Reset(_) => "RESET",
        Statement::Deallocate { .. } => "DEALLOCATE",
        _ => "SET",
    }
}

/// The plan the extended protocol keeps for statements that have none of their own.
fn no_plan() -> LogicalPlan {
    LogicalPlan::EmptyRelation(datafusion::logical_expr::EmptyRelation {
        produce_one_row: false,
        schema: std::sync::Arc::new(datafusion::common::DFSchema::empty()),
    })
}

/// What the gate answers before a statement runs: a refusal, `SET` for an acknowledged
/// setting, or nothing (let it run) once its plan, or the queries of its cursors, pass.
/// `planned`: the plan the extended protocol made at Parse time; the simple protocol has
/// none, so the statement is planned here.
async fn answer(
    statement: &Statement,
    ctx: &SessionContext,
    planned: Option<&LogicalPlan>,
    client: &(dyn ClientInfo + Send + Sync),
) -> Option<PgWireResult<Response>> {
    match judge(statement) {
        Verdict::Refuse(reason) => Some(Err(read_only_error(reason))),
        Verdict::Acknowledge => Some(Ok(Response::Execution(Tag::new(acknowledged_tag(
            statement,
        ))))),
        Verdict::Pass => match (statement, planned) {
            (Statement::Declare { stmts }, _) => check_cursors(ctx, stmts).await.err().map(Err),
            (_, Some(plan)) => verify(plan).err().map(Err),
            // A statement the catalog rewrites changed runs here, as rewritten;
            // `datafusion-postgres` would run the text the client sent.
            (s, None) if plans_a_query(s) && super::compat::rewrite(s).is_some() => {
                Some(run_rewritten(ctx, s, client).await)
            }
            (s, None) if plans_a_query(s) => plan_checked(ctx, s).await.err().map(Err),
            _ => None,
        },
    }
}

/// Plan (rewritten and checked) and run a simple-protocol query, its rows in text as
/// `datafusion-postgres` sends them.
async fn run_rewritten(
    ctx: &SessionContext,
    statement: &Statement,
    client: &(dyn ClientInfo + Send + Sync),
) -> PgWireResult<Response> {
    use datafusion_postgres::arrow_pg::datatypes::df::encode_dataframe;
    let plan = plan_checked(ctx, statement).await?;
    let frame = ctx
        .execute_logical_plan(plan)
        .await
        .map_err(|e| PgWireError::ApiError(Box::new(e)))?;
    let format = std::sync::Arc::new(pgwire::types::format::FormatOptions::from_client_metadata(
        client.metadata(),
    ));
    let rows = encode_dataframe(
        frame,
        &pgwire::api::portal::Format::UnifiedText,
        Some(format),
    )
    .await?;
    Ok(Response::Query(rows))
}

/// Settings whose `SHOW` the server answers from [`super::pg::setting`], as
/// `current_setting()` and `version()` do: datafusion-postgres's `SET`/`SHOW` hook says
/// `datafusion ...` for `server_version`, `read uncommitted` for `transaction_isolation`,
/// and an empty `unsupported_show_statement` for the rest. The client's own settings
/// (time zone, `DateStyle`, `statement_timeout`, ...) stay with that hook.
const SHOWN: &[&str] = &[
    "server_version",
    "server_version_num",
    "standard_conforming_strings",
    "server_encoding",
    "client_encoding",
    "integer_datetimes",
    "max_identifier_length",
    "is_superuser",
    "transaction_isolation",
    "default_transaction_isolation",
    "transaction_read_only",
    "default_transaction_read_only",
];

/// `SHOW name` of a [`SHOWN`] setting as the query answering it.
fn show_query(statement: &Statement) -> Option<Statement> {
    let Statement::ShowVariable { variable } = statement else {
        return None;
    };
    let words: Vec<String> = variable
        .iter()
        .map(|v| v.value.to_ascii_lowercase())
        .collect();
    let name = match words
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["transaction", "isolation", "level"] => "transaction_isolation".to_string(),
        [one] if SHOWN.contains(one) => one.to_string(),
        _ => return None,
    };
    let value = super::pg::setting(&name)?;
    let sql = format!(
        "SELECT {} AS {}",
        datafusion::sql::sqlparser::ast::Value::SingleQuotedString(value),
        datafusion::sql::sqlparser::ast::Ident::with_quote('"', name)
    );
    datafusion::sql::sqlparser::parser::Parser::new(
        &datafusion::sql::sqlparser::dialect::PostgreSqlDialect {},
    )
    .try_with_sql(&sql)
    .ok()?
    .parse_statement()
    .ok()
}

/// A `DECLARE` whose query the catalog rewrites change (psycopg's and SQLAlchemy's
/// server-side cursors over catalog queries): the cursor hook declares the rewritten
/// query (it plans the query's text itself).
async fn declare_rewritten(
    statement: &Statement,
    ctx: &SessionContext,
    client: &mut dyn HookClient,
) -> Option<PgWireResult<Response>> {
    if !matches!(statement, Statement::Declare { .. }) {
        return None;
    }
    let rewritten = super::compat::rewrite(statement)?;
    datafusion_postgres::hooks::cursor::CursorStatementHook
        .handle_simple_query(&rewritten, ctx, client)
        .await
}

/// The first query hook: applies [`judge`], and [`verify`] on every plan, before
/// `datafusion-postgres` runs anything.
pub struct Gate;

#[async_trait]
impl QueryHook for Gate {
    async fn handle_simple_query(
        &self,
        statement: &Statement,
        ctx: &SessionContext,
        client: &mut dyn HookClient,
    ) -> Option<PgWireResult<Response>> {
        if let Statement::Deallocate { name, .. } = statement {
            use pgwire::api::store::PortalStore;
            // `DEALLOCATE ALL` leaves them to the connection's end (pgwire's store has no
            // way to list them).
            if name.quote_style.is_some() || !name.value.eq_ignore_ascii_case("all") {
                client.portal_store().rm_statement(&name.value);
            }
        }
        if let Some(query) = show_query(statement) {
            return Some(run_rewritten(ctx, &query, &*client).await);
        }
        match answer(statement, ctx, None, &*client).await {
            None => declare_rewritten(statement, ctx, client).await,
            refused => refused,
        }
    }

    async fn handle_extended_parse_query(
        &self,
        statement: &Statement,
        ctx: &SessionContext,
        _client: &(dyn ClientInfo + Send + Sync),
    ) -> Option<PgWireResult<LogicalPlan>> {
        match judge(statement) {
            Verdict::Refuse(reason) => Some(Err(read_only_error(reason))),
            Verdict::Acknowledge => Some(Ok(no_plan())),
            Verdict::Pass => match statement {
                Statement::Declare { stmts } => check_cursors(ctx, stmts).await.err().map(Err),
                s if plans_a_query(s) => Some(plan_checked(ctx, s).await),
                _ => None,
            },
        }
    }

    async fn handle_extended_query(
        &self,
        statement: &Statement,
        plan: &LogicalPlan,
        _params: &ParamValues,
        ctx: &SessionContext,
        client: &mut dyn HookClient,
    ) -> Option<PgWireResult<Response>> {
        match answer(statement, ctx, Some(plan), &*client).await {
            None => declare_rewritten(statement, ctx, client).await,
            refused => refused,
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
            "DECLARE c CURSOR FOR SELECT * FROM events",
            "FETCH 10 FROM c",
            "CLOSE c",
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
            "DECLARE c CURSOR FOR SELECT 1 AS x INTO t",
        ] {
            assert!(
                matches!(verdict(sql), Verdict::Refuse(_)),
                "{sql}: {:?}",
                verdict(sql)
            );
        }
        for sql in [
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
            "DEALLOCATE ALL",
            "DEALLOCATE \"_pg3_1\"",
        ] {
            assert_eq!(verdict(sql), Verdict::Acknowledge, "{sql}");
        }
    }
}
