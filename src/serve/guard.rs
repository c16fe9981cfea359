//! What one client's statement may take: time and the life of its connection.
//!
//! [`Served`] wraps a connection's `datafusion-postgres` service. Every statement,
//! from planning to its last row (a cursor's `FETCH` too), runs under the client's
//! `statement_timeout` (or the server's `--statement-timeout`) and stops when the
//! client goes away: [`watch_peer`] watches the socket while pgwire waits on the
//! query, and dropping the query's stream stops DataFusion's tasks. Memory is the
//! connection's own pool ([`crate::session::memory::ConnectionPool`]); a refused
//! reservation is answered with SQLSTATE 53200 (out of memory).

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use datafusion_postgres::pgwire;
use datafusion_postgres::{DfSessionService, Parser};
use futures::{Sink, Stream, StreamExt};
use pgwire::api::portal::Portal;
use pgwire::api::query::{ExtendedQueryHandler, SimpleQueryHandler};
use pgwire::api::results::{DescribePortalResponse, Response, SendableRowStream};
use pgwire::api::store::PortalStore;
use pgwire::api::{ClientInfo, ClientPortalStore};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::PgWireBackendMessage;
use pgwire::messages::data::DataRow;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::Instant;

/// Where `datafusion-postgres` keeps a client's `SET statement_timeout` (milliseconds).
const TIMEOUT_KEY: &str = "statement_timeout_ms";

/// Set `gone` when the client closes or resets its connection. Bytes the client sent
/// meanwhile (its next message) are left for pgwire to read.
pub async fn watch_peer(socket: TcpStream, gone: watch::Sender<bool>) {
    let mut byte = [0u8; 1];
    loop {
        match socket.peek(&mut byte).await {
            Ok(0) | Err(_) => {
                let _ = gone.send(true);
                return;
            }
            // Unread input: look again after pgwire has had time to read it.
            Ok(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

fn timeout_error() -> PgWireError {
    PgWireError::UserError(Box::new(ErrorInfo::new(
        "ERROR".into(),
        "57014".into(),
        "canceling statement due to statement timeout".into(),
    )))
}

fn gone_error() -> PgWireError {
    PgWireError::UserError(Box::new(ErrorInfo::new(
        "ERROR".into(),
        "57014".into(),
        "canceling statement: the client went away".into(),
    )))
}

/// DataFusion's "Resources exhausted" as PostgreSQL's `out_of_memory`.
fn out_of_memory(e: PgWireError) -> PgWireError {
    let text = e.to_string();
    if text.contains("Resources exhausted") {
        PgWireError::UserError(Box::new(ErrorInfo::new(
            "ERROR".into(),
            "53200".into(),
            format!("the query needs more memory than this connection may use: {text}"),
        )))
    } else {
        e
    }
}

/// A connection's query service with its limits.
pub struct Served {
    inner: Arc<DfSessionService>,
    /// The connection's session (the one `inner` plans on), to describe cursors.
    ctx: Arc<datafusion::prelude::SessionContext>,
    gone: watch::Receiver<bool>,
    default_timeout: Option<Duration>,
}

impl Served {
    pub fn new(
        inner: DfSessionService,
        ctx: Arc<datafusion::prelude::SessionContext>,
        gone: watch::Receiver<bool>,
        default_timeout: Option<Duration>,
    ) -> Self {
        Served {
            inner: Arc::new(inner),
            ctx,
            gone,
            default_timeout,
        }
    }

    /// The client's `statement_timeout` (0: none), else the server's.
    fn timeout<C: ClientInfo>(&self, client: &C) -> Option<Duration> {
        match client.metadata().get(TIMEOUT_KEY) {
            Some(ms) => ms
                .parse::<u64>()
                .ok()
                .filter(|ms| *ms > 0)
                .map(Duration::from_millis),
            None => self.default_timeout,
        }
    }

    /// Run `work` (planning, and for a cursor its fetch) until the deadline or the
    /// client's departure.
    async fn bounded<T>(
        &self,
        deadline: Option<Instant>,
        work: impl Future<Output = PgWireResult<T>>,
    ) -> PgWireResult<T> {
        tokio::select! {
            r = work => r.map_err(out_of_memory),
            e = stopped(deadline, self.gone.clone()) => Err(e),
        }
    }

    /// The same limits on the rows a response streams after it is returned.
    fn bound_rows(&self, response: Response, deadline: Option<Instant>) -> Response {
        match response {
            Response::Query(mut q) => {
                let rows = std::mem::replace(&mut q.data_rows, Box::pin(futures::stream::empty()));
                q.data_rows = Box::pin(bounded_rows(rows, deadline, self.gone.clone()));
                Response::Query(q)
            }
            other => other,
        }
    }
}

/// Resolves, with the error to answer, when the deadline passes or the client goes.
async fn stopped(deadline: Option<Instant>, mut gone: watch::Receiver<bool>) -> PgWireError {
    let until = async {
        match deadline {
            Some(d) => tokio::time::sleep_until(d).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = until => timeout_error(),
        _ = gone.wait_for(|g| *g) => gone_error(),
    }
}

fn bounded_rows(
    rows: SendableRowStream,
    deadline: Option<Instant>,
    gone: watch::Receiver<bool>,
) -> impl Stream<Item = PgWireResult<DataRow>> + Send {
    futures::stream::unfold(Some((rows, gone)), move |state| async move {
        let (mut rows, gone) = state?;
        let next = tokio::select! {
            row = rows.next() => Ok(row),
            e = stopped(deadline, gone.clone()) => Err(e),
        };
        match next {
            Ok(row) => row.map(|r| (r.map_err(out_of_memory), Some((rows, gone)))),
            // The error ends the stream; dropping `rows` stops the query.
            Err(e) => Some((Err(e), None)),
        }
    })
}

#[async_trait]
impl SimpleQueryHandler for Served {
    async fn do_query<C>(&self, client: &mut C, query: &str) -> PgWireResult<Vec<Response>>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let deadline = self.timeout(client).map(|t| Instant::now() + t);
        let responses = self
            .bounded(
                deadline,
                SimpleQueryHandler::do_query(&*self.inner, client, query),
            )
            .await?;
        Ok(responses
            .into_iter()
            .map(|r| self.bound_rows(r, deadline))
            .collect())
    }
}

#[async_trait]
impl ExtendedQueryHandler for Served {
    type Statement = <DfSessionService as ExtendedQueryHandler>::Statement;
    type QueryParser = Parser;

    fn query_parser(&self) -> Arc<Self::QueryParser> {
        self.inner.query_parser()
    }

    /// A cursor made by `DECLARE` is a portal whose statement has no plan, so the
    /// default description of it has no columns; psycopg describes a named cursor's
    /// portal and reads `FETCH` rows with that description (the pure-Python client
    /// failed with IndexError, the C one crashed). Plan the cursor's query to describe
    /// its columns, in the text format `FETCH` sends them in.
    async fn do_describe_portal<C>(
        &self,
        _client: &mut C,
        target: &Portal<Self::Statement>,
    ) -> PgWireResult<DescribePortalResponse>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        use pgwire::api::stmt::QueryParser as _;
        let stmt = &target.statement.statement;
        if let (sql, None) = stmt {
            let plan = self
                .ctx
                .state()
                .create_logical_plan(sql)
                .await
                .map_err(|e| PgWireError::ApiError(Box::new(e)))?;
            let fields = datafusion_postgres::arrow_pg::datatypes::arrow_schema_to_pg_fields(
                plan.schema().as_arrow(),
                &pgwire::api::portal::Format::UnifiedText,
                None,
            )?;
            return Ok(DescribePortalResponse::new(fields));
        }
        let fields = self
            .query_parser()
            .get_result_schema(stmt, Some(&target.result_column_format))?;
        Ok(DescribePortalResponse::new(fields))
    }

    async fn do_query<C>(
        &self,
        client: &mut C,
        portal: &Portal<Self::Statement>,
        max_rows: usize,
    ) -> PgWireResult<Response>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let deadline = self.timeout(client).map(|t| Instant::now() + t);
        let response = self
            .bounded(
                deadline,
                ExtendedQueryHandler::do_query(&*self.inner, client, portal, max_rows),
            )
            .await?;
        Ok(self.bound_rows(response, deadline))
    }
}
