//! Arrow Flight SQL beside the PostgreSQL port (`trailcheck serve --flight ADDR`): the
//! same session (views, lake, memory pool), the same read-only gate and the same
//! password, for clients that take results as Arrow (ADBC: pandas, polars, DuckDB).
//!
//! This module owns the Flight side of `serve`:
//!
//! - authentication: Flight's handshake with HTTP basic auth (any user name, the server's
//!   password) answers a bearer token, which every later call carries (a call may also
//!   carry basic auth itself). Without a password (loopback only, [`super::ServeOptions::check`])
//!   every call is served. A failed login is logged and slowed as on the PostgreSQL port.
//! - queries: `CommandStatementQuery` and prepared statements (with `$1` parameters)
//!   are planned by [`gate::plan_text`]: one statement, judged, planned and checked as
//!   the PostgreSQL port does. The ticket carries the statement, not a plan: `DoGet`
//!   plans and checks it again, so a ticket made up by a client gets the same gate. `DoGet`
//!   streams the batches as DataFusion makes them (nothing is collected), under the
//!   client's memory budget ([`super::client_context`], one per query), the server's
//!   `--statement-timeout`, and at most `--max-connections` queries at once; a client
//!   that goes away drops the stream, and with it the query.
//! - metadata: `GetSqlInfo`, `GetCatalogs`, `GetDbSchemas`, `GetTables` (with each
//!   table's Arrow schema, as `DoGet` sends it) and `GetTableTypes`, from the session's
//!   catalog: what ADBC's `adbc_get_objects` and `adbc_get_table_schema` read.
//! - refusals: updates, bulk ingestion and Substrait plans (`DoPut`) are refused as
//!   read-only; transactions are not offered (`GetSqlInfo` says so).
//!
//! With `--log-statements`, every command is written to stderr ([`super::FLIGHT_LOG`]).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow_flight::decode::FlightRecordBatchStream;
use arrow_flight::encode::FlightDataEncoderBuilder;
use arrow_flight::error::FlightError;
use arrow_flight::flight_service_server::{FlightService, FlightServiceServer};
use arrow_flight::sql::metadata::{SqlInfoData, SqlInfoDataBuilder};
use arrow_flight::sql::server::{FlightSqlService, PeekableFlightDataStream};
use arrow_flight::sql::{
    ActionClosePreparedStatementRequest, ActionCreatePreparedStatementRequest,
    ActionCreatePreparedStatementResult, CommandGetCatalogs, CommandGetDbSchemas,
    CommandGetSqlInfo, CommandGetTableTypes, CommandGetTables, CommandPreparedStatementQuery,
    CommandPreparedStatementUpdate, CommandStatementIngest, CommandStatementQuery,
    CommandStatementSubstraitPlan, CommandStatementUpdate, DoPutPreparedStatementResult,
    ProstMessageExt, SqlInfo, SqlSupportedTransaction, TicketStatementQuery,
};
use arrow_flight::{
    Action, FlightDescriptor, FlightEndpoint, FlightInfo, HandshakeRequest, HandshakeResponse,
    IpcMessage, SchemaAsIpc, Ticket,
};
use base64::Engine;
use datafusion::arrow::ipc::reader::StreamReader;
use datafusion::arrow::ipc::writer::{IpcWriteOptions, StreamWriter};
use datafusion::common::{ParamValues, ScalarValue};
use datafusion::datasource::TableType;
use datafusion::error::DataFusionError;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::SessionContext;
use futures::{Stream, StreamExt, TryStreamExt};
use prost::Message;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tonic::metadata::MetadataValue;
use tonic::{Request, Response, Status, Streaming};

use super::gate::{self, NotRun};
use super::{FAILED_LOGIN_DELAY, FLIGHT_LOG, ServeOptions};
use crate::{Error, Result};

/// A token unused this long is forgotten: its client must log in again.
const TOKEN_IDLE: Duration = Duration::from_secs(12 * 3600);

/// Tokens kept at most; a login beyond that forgets the least recently used one.
const MAX_TOKENS: usize = 4096;

/// The stream of one `DoGet`.
type DataStream = <Service as FlightService>::DoGetStream;

/// A bound Arrow Flight SQL listener with its service, ready to [`run`](Flight::run).
pub struct Flight {
    listener: TcpListener,
    service: Service,
}

impl Flight {
    /// Bind `addr` to serve `ctx` (the PostgreSQL port's session: read-only, with its
    /// catalog) with `options`' password and limits. `failures`: the server's one queue
    /// of failed logins, shared with the PostgreSQL port.
    pub async fn bind(
        addr: SocketAddr,
        ctx: Arc<SessionContext>,
        options: &ServeOptions,
        failures: Arc<tokio::sync::Mutex<()>>,
    ) -> Result<Flight> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| Error::Usage(format!("--flight: cannot listen on {addr}: {e}")))?;
        Ok(Flight {
            listener,
            service: Service {
                ctx,
                password: options.password.as_deref().map(Secret::new),
                tokens: parking_lot::Mutex::new(HashMap::new()),
                failures,
                memory: options.connection_memory,
                timeout: options.statement_timeout,
                queries: Arc::new(Semaphore::new(options.max_connections)),
                max_queries: options.max_connections,
            },
        })
    }

    /// The address clients connect to (the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serve until the task is dropped.
    pub async fn run(self) -> Result<()> {
        let local = self.local_addr();
        let incoming =
            tonic::transport::server::TcpIncoming::from(self.listener).with_nodelay(Some(true));
        tonic::transport::Server::builder()
            .http2_keepalive_interval(Some(Duration::from_secs(60)))
            .add_service(FlightServiceServer::new(self.service))
            .serve_with_incoming(incoming)
            .await
            .map_err(|e| Error::Usage(format!("Arrow Flight SQL on {local}: {e}")))
    }
}

/// The server's password, salted and hashed once per start.
struct Secret {
    salt: [u8; 16],
    digest: [u8; 32],
}

impl Secret {
    fn new(password: &str) -> Secret {
        let salt = uuid::Uuid::new_v4().into_bytes();
        Secret {
            salt,
            digest: Self::hash(&salt, password),
        }
    }

    fn hash(salt: &[u8], password: &str) -> [u8; 32] {
        Sha256::new()
            .chain_update(salt)
            .chain_update(password.as_bytes())
            .finalize()
            .into()
    }

    /// Compared in constant time.
    fn matches(&self, password: &str) -> bool {
        let given = Self::hash(&self.salt, password);
        given
            .iter()
            .zip(self.digest.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

/// What a call's `authorization` header says.
#[derive(Debug, PartialEq, Eq)]
enum Credentials {
    None,
    Basic { user: String, password: String },
    Bearer(String),
    Malformed,
}

fn credentials<T>(request: &Request<T>) -> Credentials {
    let Some(header) = request.metadata().get("authorization") else {
        return Credentials::None;
    };
    let Ok(header) = header.to_str() else {
        return Credentials::Malformed;
    };
    let (scheme, value) = header.split_once(' ').unwrap_or((header, ""));
    if scheme.eq_ignore_ascii_case("bearer") {
        return Credentials::Bearer(value.trim().to_string());
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return Credentials::Malformed;
    }
    // Padded or not: Go's Flight client (under ADBC's driver) sends it unpadded.
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let decoded = lenient
        .decode(value.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    match decoded.as_deref().and_then(|d| d.split_once(':')) {
        Some((user, password)) => Credentials::Basic {
            user: user.to_string(),
            password: password.to_string(),
        },
        None => Credentials::Malformed,
    }
}

fn peer<T>(request: &Request<T>) -> String {
    request
        .remote_addr()
        .map_or_else(|| "an unknown address".to_string(), |a| a.to_string())
}

/// The Flight SQL service over the server's session.
struct Service {
    ctx: Arc<SessionContext>,
    password: Option<Secret>,
    /// Bearer tokens given at login, with when each was last used.
    tokens: parking_lot::Mutex<HashMap<String, std::time::Instant>>,
    failures: Arc<tokio::sync::Mutex<()>>,
    memory: Option<usize>,
    timeout: Option<Duration>,
    queries: Arc<Semaphore>,
    max_queries: usize,
}

impl Service {
    /// Let the call through if its credentials are good (or no password is set); log
    /// the command. A failure is logged and answered late, one at a time across the
    /// server, as on the PostgreSQL port.
    async fn authorize<T>(&self, request: &Request<T>, command: &str) -> Result<(), Status> {
        let peer = peer(request);
        log::debug!(target: FLIGHT_LOG, "Arrow Flight SQL from {peer}: {command}");
        let Some(secret) = &self.password else {
            return Ok(());
        };
        let (user, failure) = match credentials(request) {
            Credentials::Bearer(token) if self.known(&token) => return Ok(()),
            Credentials::Bearer(_) => (None, "an unknown or expired token"),
            Credentials::Basic { password, .. } if secret.matches(&password) => return Ok(()),
            Credentials::Basic { user, .. } => (Some(user), "password authentication failed"),
            Credentials::None => (None, "no credentials"),
            Credentials::Malformed => (None, "a malformed authorization header"),
        };
        eprintln!(
            "trailcheck serve: failed login from {peer} over Arrow Flight SQL{}: {failure}",
            user.map(|u| format!(" as {:?}", crate::text::terminal(&u)))
                .unwrap_or_default()
        );
        let _one_at_a_time = self.failures.lock().await;
        tokio::time::sleep(FAILED_LOGIN_DELAY).await;
        Err(Status::unauthenticated(format!(
            "{failure}: log in with basic auth (any user name, the server's password)"
        )))
    }

    /// Whether `token` was given at a login and is still in use (and mark it used).
    fn known(&self, token: &str) -> bool {
        let mut tokens = self.tokens.lock();
        match tokens.get_mut(token) {
            Some(used) if used.elapsed() < TOKEN_IDLE => {
                *used = std::time::Instant::now();
                true
            }
            Some(_) => {
                tokens.remove(token);
                false
            }
            None => false,
        }
    }

    /// A new bearer token, kept until idle for [`TOKEN_IDLE`].
    fn new_token(&self) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let mut tokens = self.tokens.lock();
        tokens.retain(|_, used| used.elapsed() < TOKEN_IDLE);
        if tokens.len() >= MAX_TOKENS
            && let Some(oldest) = tokens
                .iter()
                .min_by_key(|(_, used)| **used)
                .map(|(t, _)| t.clone())
        {
            tokens.remove(&oldest);
        }
        tokens.insert(token.clone(), std::time::Instant::now());
        token
    }

    async fn plan(&self, ctx: &SessionContext, sql: &str) -> Result<LogicalPlan, Status> {
        gate::plan_text(ctx, sql).await.map_err(not_run)
    }

    /// Plan and run one query, its batches streamed as they come.
    async fn run(&self, sql: &str, parameters: Option<ParamValues>) -> Result<DataStream, Status> {
        let permit = self.queries.clone().try_acquire_owned().map_err(|_| {
            Status::resource_exhausted(format!(
                "{} queries are running (--max-connections): try again later",
                self.max_queries
            ))
        })?;
        let deadline = self.timeout.map(|t| Instant::now() + t);
        let ctx = super::client_context(&self.ctx, self.memory);
        let start = async {
            let mut plan = self.plan(&ctx, sql).await?;
            if let Some(p) = parameters {
                plan = plan
                    .with_param_values(p)
                    .map_err(|e| Status::invalid_argument(e.to_string()))?;
            }
            // What `GetFlightInfo` said: the batches are sent with the plan's schema (the
            // physical one may differ in nullability, which ADBC refuses).
            let wire = wire_schema(Arc::new(plan.schema().as_arrow().clone()));
            let frame = ctx.execute_logical_plan(plan).await.map_err(failed)?;
            Ok::<_, Status>((wire, frame.execute_stream().await.map_err(failed)?))
        };
        let (wire, stream) = match deadline {
            Some(d) => tokio::time::timeout_at(d, start)
                .await
                .map_err(|_| timed_out())??,
            None => start.await?,
        };
        let batches = bounded(stream, deadline, permit);
        let data = FlightDataEncoderBuilder::new()
            .with_schema(wire.clone())
            .build(batches.map(move |b| b.and_then(|b| to_wire(b, &wire))))
            .map_err(Status::from);
        Ok(Box::pin(data))
    }

    /// What `GetFlightInfo` answers for a query: the schema `DoGet` will send and the
    /// ticket to fetch it with (from this same server).
    fn info(
        plan: &LogicalPlan,
        ticket: Vec<u8>,
        descriptor: FlightDescriptor,
    ) -> Result<FlightInfo, Status> {
        let schema = wire_schema(Arc::new(plan.schema().as_arrow().clone()));
        Ok(FlightInfo::new()
            .try_with_schema(&schema)
            .map_err(|e| Status::internal(e.to_string()))?
            .with_endpoint(FlightEndpoint::new().with_ticket(Ticket::new(ticket)))
            .with_descriptor(descriptor))
    }

    /// The tables of the session's catalog, with their Arrow schemas if asked.
    async fn tables(&self, query: CommandGetTables) -> Result<RecordBatch, Status> {
        let with_schemas = query.include_schema;
        let mut builder = query.into_builder();
        let none = Schema::empty();
        for catalog_name in sorted(self.ctx.catalog_names()) {
            let Some(catalog) = self.ctx.catalog(&catalog_name) else {
                continue;
            };
            for schema_name in sorted(catalog.schema_names()) {
                let Some(schema) = catalog.schema(&schema_name) else {
                    continue;
                };
                for table in sorted(schema.table_names()) {
                    let named = |e: DataFusionError| {
                        Status::internal(format!("{schema_name}.{table}: {e}"))
                    };
                    let (kind, columns) = if with_schemas {
                        match schema.table(&table).await.map_err(named)? {
                            Some(t) => (t.table_type(), wire_schema(t.schema())),
                            None => continue,
                        }
                    } else {
                        match schema.table_type(&table).await.map_err(named)? {
                            Some(kind) => (kind, Arc::new(none.clone())),
                            None => continue,
                        }
                    };
                    builder
                        .append(
                            &catalog_name,
                            &schema_name,
                            &table,
                            table_type(kind),
                            &columns,
                        )
                        .map_err(Status::from)?;
                }
            }
        }
        builder.build().map_err(Status::from)
    }

    /// Why a write is refused: the gate's own reason when it has one.
    async fn refuse_write(&self, sql: Option<&str>) -> Status {
        let reason = match sql {
            Some(sql) => match gate::plan_text(&self.ctx, sql).await {
                Err(NotRun::Refused(reason)) => reason,
                _ => "the server is read-only: updates are refused (send a query as a query)"
                    .to_string(),
            },
            None => "the server is read-only: bulk ingestion is refused".to_string(),
        };
        Status::permission_denied(reason)
    }
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

/// The names ADBC and JDBC use for table types.
fn table_type(kind: TableType) -> &'static str {
    match kind {
        TableType::Base => "TABLE",
        TableType::View => "VIEW",
        TableType::Temporary => "LOCAL TEMPORARY",
    }
}

/// The schema `DoGet` sends for batches of `schema`: [`wire_type`] of every column.
fn wire_schema(schema: SchemaRef) -> SchemaRef {
    Arc::new(Schema::new_with_metadata(
        schema
            .fields()
            .iter()
            .map(|f| wire_field(f))
            .collect::<Vec<_>>(),
        schema.metadata().clone(),
    ))
}

fn wire_field(f: &Field) -> Field {
    f.clone().with_data_type(wire_type(f.data_type()))
}

/// A column's type on the wire: views (DataFusion reads Parquet strings as
/// `Utf8View`) as their plain forms, dictionaries as their values, nested types
/// likewise. A slice of a view array carries all of its data buffers into each Flight
/// message (the encoder splits a batch of 8192 events with their `raw` JSON into
/// slices of ~2 MB, each sent with the batch's 15 MB of strings: over gRPC's 16 MB
/// limit), and plain strings are what every Arrow client reads.
fn wire_type(t: &DataType) -> DataType {
    let field = |f: &Arc<Field>| Arc::new(wire_field(f));
    match t {
        DataType::Utf8View => DataType::Utf8,
        DataType::BinaryView => DataType::Binary,
        DataType::Dictionary(_, values) => wire_type(values),
        DataType::List(f) | DataType::ListView(f) => DataType::List(field(f)),
        DataType::LargeList(f) | DataType::LargeListView(f) => DataType::LargeList(field(f)),
        DataType::FixedSizeList(f, n) => DataType::FixedSizeList(field(f), *n),
        DataType::Struct(fields) => DataType::Struct(fields.iter().map(field).collect()),
        DataType::Map(f, sorted) => DataType::Map(field(f), *sorted),
        other => other.clone(),
    }
}

/// `batch` as [`wire_schema`] says (`wire`): the columns whose type differs, cast.
fn to_wire(batch: RecordBatch, wire: &SchemaRef) -> Result<RecordBatch, FlightError> {
    if batch.schema_ref() == wire {
        return Ok(batch);
    }
    let columns = batch
        .columns()
        .iter()
        .zip(wire.fields())
        .map(|(c, f)| {
            if c.data_type() == f.data_type() {
                Ok(c.clone())
            } else {
                arrow::compute::cast(c, f.data_type())
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RecordBatch::try_new(wire.clone(), columns)?)
}

fn not_run(e: NotRun) -> Status {
    match e {
        NotRun::Refused(reason) => Status::permission_denied(reason),
        NotRun::Invalid(e) => Status::invalid_argument(e.to_string()),
    }
}

/// A query's failure; a refused memory reservation as `RESOURCE_EXHAUSTED`.
fn failed(e: DataFusionError) -> Status {
    let text = e.to_string();
    if text.contains("Resources exhausted") {
        Status::resource_exhausted(format!(
            "the query needs more memory than one client may use (--connection-memory-limit): {text}"
        ))
    } else {
        Status::internal(text)
    }
}

fn timed_out() -> Status {
    Status::deadline_exceeded("canceling statement due to statement timeout (--statement-timeout)")
}

/// The query's batches until its deadline; the permit (one of `--max-connections`) is
/// held until the stream ends or is dropped.
fn bounded(
    stream: SendableRecordBatchStream,
    deadline: Option<Instant>,
    permit: OwnedSemaphorePermit,
) -> impl Stream<Item = Result<RecordBatch, FlightError>> + Send + 'static {
    futures::stream::unfold(Some((stream, permit)), move |state| async move {
        let (mut stream, permit) = state?;
        let next = match deadline {
            Some(d) => match tokio::time::timeout_at(d, stream.next()).await {
                Ok(next) => next,
                Err(_) => return Some((Err(FlightError::from(timed_out())), None)),
            },
            None => stream.next().await,
        };
        match next {
            Some(Ok(batch)) => Some((Ok(batch), Some((stream, permit)))),
            // The error ends the stream; dropping `stream` stops the query.
            Some(Err(e)) => Some((Err(FlightError::from(failed(e))), None)),
            None => None,
        }
    })
}

/// A prepared statement's handle: its text and, once bound, its parameters (one row,
/// Arrow IPC). The server keeps nothing: the handle comes back with each use and is
/// planned and checked again.
#[derive(Clone, PartialEq, prost::Message)]
struct Prepared {
    #[prost(string, tag = "1")]
    query: String,
    #[prost(bytes = "vec", optional, tag = "2")]
    parameters: Option<Vec<u8>>,
}

impl Prepared {
    fn decode_handle(handle: &[u8]) -> Result<Prepared, Status> {
        Prepared::decode(handle)
            .map_err(|e| Status::invalid_argument(format!("not a prepared statement handle: {e}")))
    }

    /// The bound parameters, `$1`, `$2`, ... in column order.
    fn bound_values(&self) -> Result<Option<ParamValues>, Status> {
        let Some(bytes) = &self.parameters else {
            return Ok(None);
        };
        let bad = |e: &dyn std::fmt::Display| Status::invalid_argument(format!("parameters: {e}"));
        let reader = StreamReader::try_new(&bytes[..], None).map_err(|e| bad(&e))?;
        let mut values = None;
        for batch in reader {
            let batch = batch.map_err(|e| bad(&e))?;
            if batch.num_rows() > 0 {
                values = Some(
                    batch
                        .columns()
                        .iter()
                        .map(|c| ScalarValue::try_from_array(c, 0))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| bad(&e))?,
                );
            }
        }
        Ok(values.map(ParamValues::from))
    }
}

fn ipc_schema(schema: &Schema) -> Result<bytes::Bytes, Status> {
    let IpcMessage(bytes) = SchemaAsIpc::new(schema, &IpcWriteOptions::default())
        .try_into()
        .map_err(|e: arrow::error::ArrowError| Status::internal(e.to_string()))?;
    Ok(bytes)
}

/// A prepared statement's parameters as Arrow fields, `$1`, `$2`, ... in order (a type
/// DataFusion could not infer is `Null`: the client's value decides).
fn parameter_schema(plan: &LogicalPlan) -> Result<Schema, Status> {
    let mut parameters: Vec<(String, Option<DataType>)> = plan
        .get_parameter_types()
        .map_err(|e| Status::invalid_argument(e.to_string()))?
        .into_iter()
        .collect();
    parameters.sort_by_key(|(name, _)| {
        (
            name.trim_start_matches('$')
                .parse::<u64>()
                .unwrap_or(u64::MAX),
            name.clone(),
        )
    });
    Ok(Schema::new(
        parameters
            .into_iter()
            .map(|(name, t)| Field::new(name, t.unwrap_or(DataType::Null), true))
            .collect::<Vec<_>>(),
    ))
}

/// What the server tells of itself (`GetSqlInfo`, ADBC's `adbc_get_info`).
fn sql_info() -> &'static SqlInfoData {
    static INFO: OnceLock<SqlInfoData> = OnceLock::new();
    INFO.get_or_init(|| {
        let mut b = SqlInfoDataBuilder::new();
        b.append(SqlInfo::FlightSqlServerName, "trailcheck");
        b.append(SqlInfo::FlightSqlServerVersion, crate::VERSION);
        b.append(SqlInfo::FlightSqlServerArrowVersion, "1.5");
        b.append(SqlInfo::FlightSqlServerReadOnly, true);
        b.append(SqlInfo::FlightSqlServerSql, true);
        b.append(SqlInfo::FlightSqlServerSubstrait, false);
        b.append(
            SqlInfo::FlightSqlServerTransaction,
            SqlSupportedTransaction::None as i32,
        );
        b.append(SqlInfo::FlightSqlServerCancel, false);
        b.append(SqlInfo::FlightSqlServerBulkIngestion, false);
        b.append(SqlInfo::SqlDdlCatalog, false);
        b.append(SqlInfo::SqlDdlSchema, false);
        b.append(SqlInfo::SqlDdlTable, false);
        b.append(SqlInfo::SqlIdentifierQuoteChar, "\"");
        b.build().expect("the server's SQL info is well formed")
    })
}

/// One batch as a `DoGet` stream.
fn one_batch(batch: Result<RecordBatch, FlightError>, schema: SchemaRef) -> DataStream {
    Box::pin(
        FlightDataEncoderBuilder::new()
            .with_schema(schema)
            .build(futures::stream::once(async { batch }))
            .map_err(Status::from),
    )
}

/// `GetFlightInfo` of a metadata command: its schema, and the command itself as the
/// ticket.
fn metadata_info(
    ticket: Vec<u8>,
    schema: &Schema,
    descriptor: FlightDescriptor,
) -> Result<Response<FlightInfo>, Status> {
    Ok(Response::new(
        FlightInfo::new()
            .try_with_schema(schema)
            .map_err(|e| Status::internal(e.to_string()))?
            .with_endpoint(FlightEndpoint::new().with_ticket(Ticket::new(ticket)))
            .with_descriptor(descriptor),
    ))
}

#[tonic::async_trait]
impl FlightSqlService for Service {
    type FlightService = Service;

    async fn do_handshake(
        &self,
        request: Request<Streaming<HandshakeRequest>>,
    ) -> Result<
        Response<Pin<Box<dyn Stream<Item = Result<HandshakeResponse, Status>> + Send>>>,
        Status,
    > {
        self.authorize(&request, "Handshake").await?;
        let token = self.new_token();
        let answer = HandshakeResponse {
            protocol_version: 0,
            payload: token.clone().into(),
        };
        let mut response: Response<Pin<Box<dyn Stream<Item = _> + Send>>> =
            Response::new(Box::pin(futures::stream::iter([Ok(answer)])));
        let header = MetadataValue::try_from(format!("Bearer {token}"))
            .map_err(|e| Status::internal(e.to_string()))?;
        response.metadata_mut().insert("authorization", header);
        Ok(response)
    }

    async fn get_flight_info_statement(
        &self,
        query: CommandStatementQuery,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.authorize(&request, &format!("CommandStatementQuery {}", query.query))
            .await?;
        let ctx = super::client_context(&self.ctx, self.memory);
        let plan = self.plan(&ctx, &query.query).await?;
        let ticket = TicketStatementQuery {
            statement_handle: query.query.into_bytes().into(),
        };
        let info = Self::info(&plan, ticket.as_any().encode_to_vec(), request.into_inner())?;
        Ok(Response::new(info))
    }

    async fn do_get_statement(
        &self,
        ticket: TicketStatementQuery,
        request: Request<arrow_flight::Ticket>,
    ) -> Result<Response<DataStream>, Status> {
        let sql = String::from_utf8(ticket.statement_handle.to_vec())
            .map_err(|_| Status::invalid_argument("the ticket is not a statement"))?;
        self.authorize(&request, &format!("DoGet TicketStatementQuery {sql}"))
            .await?;
        Ok(Response::new(self.run(&sql, None).await?))
    }

    async fn do_action_create_prepared_statement(
        &self,
        query: ActionCreatePreparedStatementRequest,
        request: Request<Action>,
    ) -> Result<ActionCreatePreparedStatementResult, Status> {
        self.authorize(
            &request,
            &format!("CreatePreparedStatement {}", query.query),
        )
        .await?;
        let ctx = super::client_context(&self.ctx, self.memory);
        let plan = self.plan(&ctx, &query.query).await?;
        let dataset = wire_schema(Arc::new(plan.schema().as_arrow().clone()));
        let handle = Prepared {
            query: query.query,
            parameters: None,
        };
        Ok(ActionCreatePreparedStatementResult {
            prepared_statement_handle: handle.encode_to_vec().into(),
            dataset_schema: ipc_schema(&dataset)?,
            parameter_schema: ipc_schema(&parameter_schema(&plan)?)?,
        })
    }

    async fn do_put_prepared_statement_query(
        &self,
        query: CommandPreparedStatementQuery,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<DoPutPreparedStatementResult, Status> {
        self.authorize(&request, "DoPut CommandPreparedStatementQuery (parameters)")
            .await?;
        let mut handle = Prepared::decode_handle(&query.prepared_statement_handle)?;
        let batches: Vec<RecordBatch> = FlightRecordBatchStream::new_from_flight_data(
            request.into_inner().map_err(FlightError::from),
        )
        .try_collect()
        .await
        .map_err(Status::from)?;
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        if rows > 1 {
            return Err(Status::invalid_argument(format!(
                "one row of parameters per statement, not {rows}"
            )));
        }
        handle.parameters = match batches.iter().find(|b| b.num_rows() == 1) {
            Some(batch) => {
                let mut bytes = Vec::new();
                let mut writer = StreamWriter::try_new(&mut bytes, &batch.schema())
                    .map_err(|e| Status::internal(e.to_string()))?;
                writer
                    .write(batch)
                    .and_then(|_| writer.finish())
                    .map_err(|e| Status::internal(e.to_string()))?;
                drop(writer);
                Some(bytes)
            }
            None => None,
        };
        Ok(DoPutPreparedStatementResult {
            prepared_statement_handle: Some(handle.encode_to_vec().into()),
        })
    }

    async fn get_flight_info_prepared_statement(
        &self,
        query: CommandPreparedStatementQuery,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let handle = Prepared::decode_handle(&query.prepared_statement_handle)?;
        self.authorize(
            &request,
            &format!("CommandPreparedStatementQuery {}", handle.query),
        )
        .await?;
        let ctx = super::client_context(&self.ctx, self.memory);
        let plan = self.plan(&ctx, &handle.query).await?;
        let info = Self::info(&plan, query.as_any().encode_to_vec(), request.into_inner())?;
        Ok(Response::new(info))
    }

    async fn do_get_prepared_statement(
        &self,
        query: CommandPreparedStatementQuery,
        request: Request<arrow_flight::Ticket>,
    ) -> Result<Response<DataStream>, Status> {
        let handle = Prepared::decode_handle(&query.prepared_statement_handle)?;
        self.authorize(
            &request,
            &format!("DoGet CommandPreparedStatementQuery {}", handle.query),
        )
        .await?;
        let parameters = handle.bound_values()?;
        Ok(Response::new(self.run(&handle.query, parameters).await?))
    }

    async fn do_action_close_prepared_statement(
        &self,
        _query: ActionClosePreparedStatementRequest,
        request: Request<Action>,
    ) -> Result<(), Status> {
        // The server keeps nothing of a prepared statement.
        self.authorize(&request, "ClosePreparedStatement").await
    }

    async fn get_flight_info_sql_info(
        &self,
        query: CommandGetSqlInfo,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.authorize(&request, &format!("CommandGetSqlInfo {:?}", query.info))
            .await?;
        let schema = query.clone().into_builder(sql_info()).schema();
        metadata_info(
            query.as_any().encode_to_vec(),
            &schema,
            request.into_inner(),
        )
    }

    async fn do_get_sql_info(
        &self,
        query: CommandGetSqlInfo,
        request: Request<arrow_flight::Ticket>,
    ) -> Result<Response<DataStream>, Status> {
        self.authorize(&request, "DoGet CommandGetSqlInfo").await?;
        let builder = query.into_builder(sql_info());
        let schema = builder.schema();
        Ok(Response::new(one_batch(builder.build(), schema)))
    }

    async fn get_flight_info_catalogs(
        &self,
        query: CommandGetCatalogs,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.authorize(&request, "CommandGetCatalogs").await?;
        let schema = query.clone().into_builder().schema();
        metadata_info(
            query.as_any().encode_to_vec(),
            &schema,
            request.into_inner(),
        )
    }

    async fn do_get_catalogs(
        &self,
        query: CommandGetCatalogs,
        request: Request<arrow_flight::Ticket>,
    ) -> Result<Response<DataStream>, Status> {
        self.authorize(&request, "DoGet CommandGetCatalogs").await?;
        let mut builder = query.into_builder();
        for name in sorted(self.ctx.catalog_names()) {
            builder.append(name);
        }
        let schema = builder.schema();
        Ok(Response::new(one_batch(builder.build(), schema)))
    }

    async fn get_flight_info_schemas(
        &self,
        query: CommandGetDbSchemas,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.authorize(&request, "CommandGetDbSchemas").await?;
        let schema = query.clone().into_builder().schema();
        metadata_info(
            query.as_any().encode_to_vec(),
            &schema,
            request.into_inner(),
        )
    }

    async fn do_get_schemas(
        &self,
        query: CommandGetDbSchemas,
        request: Request<arrow_flight::Ticket>,
    ) -> Result<Response<DataStream>, Status> {
        self.authorize(&request, "DoGet CommandGetDbSchemas")
            .await?;
        // The builder applies the command's filters.
        let mut builder = query.into_builder();
        for catalog_name in sorted(self.ctx.catalog_names()) {
            if let Some(catalog) = self.ctx.catalog(&catalog_name) {
                for schema_name in sorted(catalog.schema_names()) {
                    builder.append(&catalog_name, schema_name);
                }
            }
        }
        let schema = builder.schema();
        Ok(Response::new(one_batch(builder.build(), schema)))
    }

    async fn get_flight_info_tables(
        &self,
        query: CommandGetTables,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.authorize(&request, "CommandGetTables").await?;
        let schema = query.clone().into_builder().schema();
        metadata_info(
            query.as_any().encode_to_vec(),
            &schema,
            request.into_inner(),
        )
    }

    async fn do_get_tables(
        &self,
        query: CommandGetTables,
        request: Request<arrow_flight::Ticket>,
    ) -> Result<Response<DataStream>, Status> {
        self.authorize(
            &request,
            &format!(
                "DoGet CommandGetTables catalog={:?} schema={:?} table={:?} types={:?} include_schema={}",
                query.catalog,
                query.db_schema_filter_pattern,
                query.table_name_filter_pattern,
                query.table_types,
                query.include_schema
            ),
        )
        .await?;
        let schema = query.clone().into_builder().schema();
        let batch = self.tables(query).await?;
        Ok(Response::new(one_batch(Ok(batch), schema)))
    }

    async fn get_flight_info_table_types(
        &self,
        query: CommandGetTableTypes,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.authorize(&request, "CommandGetTableTypes").await?;
        let schema = query.clone().into_builder().schema();
        metadata_info(
            query.as_any().encode_to_vec(),
            &schema,
            request.into_inner(),
        )
    }

    async fn do_get_table_types(
        &self,
        query: CommandGetTableTypes,
        request: Request<arrow_flight::Ticket>,
    ) -> Result<Response<DataStream>, Status> {
        self.authorize(&request, "DoGet CommandGetTableTypes")
            .await?;
        let mut builder = query.into_builder();
        for kind in [TableType::Base, TableType::View] {
            builder.append(table_type(kind));
        }
        let schema = builder.schema();
        Ok(Response::new(one_batch(builder.build(), schema)))
    }

    async fn do_put_statement_update(
        &self,
        query: CommandStatementUpdate,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        self.authorize(
            &request,
            &format!("DoPut CommandStatementUpdate {}", query.query),
        )
        .await?;
        Err(self.refuse_write(Some(&query.query)).await)
    }

    async fn do_put_prepared_statement_update(
        &self,
        query: CommandPreparedStatementUpdate,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        let handle = Prepared::decode_handle(&query.prepared_statement_handle)?;
        self.authorize(
            &request,
            &format!("DoPut CommandPreparedStatementUpdate {}", handle.query),
        )
        .await?;
        Err(self.refuse_write(Some(&handle.query)).await)
    }

    async fn do_put_statement_ingest(
        &self,
        query: CommandStatementIngest,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        self.authorize(
            &request,
            &format!("DoPut CommandStatementIngest {}", query.table),
        )
        .await?;
        Err(self.refuse_write(None).await)
    }

    async fn do_put_substrait_plan(
        &self,
        _query: CommandStatementSubstraitPlan,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        self.authorize(&request, "DoPut CommandStatementSubstraitPlan")
            .await?;
        Err(self.refuse_write(None).await)
    }

    async fn register_sql_info(&self, _id: i32, _result: &SqlInfo) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(value: &str) -> Request<()> {
        let mut r = Request::new(());
        r.metadata_mut()
            .insert("authorization", value.parse().unwrap());
        r
    }

    #[test]
    fn credentials_are_read_from_the_authorization_header() {
        for engine in [
            base64::engine::general_purpose::STANDARD,
            base64::engine::general_purpose::STANDARD_NO_PAD,
        ] {
            let basic = engine.encode("analyst:pa:ss");
            assert_eq!(
                credentials(&with_header(&format!("Basic {basic}"))),
                Credentials::Basic {
                    user: "analyst".into(),
                    password: "pa:ss".into()
                }
            );
        }
        assert_eq!(
            credentials(&with_header("Bearer abc")),
            Credentials::Bearer("abc".into())
        );
        assert_eq!(credentials(&Request::new(())), Credentials::None);
        assert_eq!(
            credentials(&with_header("Basic !!!")),
            Credentials::Malformed
        );
        assert_eq!(
            credentials(&with_header("Digest x")),
            Credentials::Malformed
        );
    }

    #[test]
    fn views_and_dictionaries_go_out_plain_nested_too() {
        use arrow::array::{
            Array, ArrayRef, DictionaryArray, ListArray, StringViewArray, StructArray,
        };
        use arrow::datatypes::Int32Type;
        let names: ArrayRef = Arc::new(StringViewArray::from(vec!["a", "b", "c"]));
        let kinds: ArrayRef = Arc::new(
            vec!["x", "y", "x"]
                .into_iter()
                .collect::<DictionaryArray<Int32Type>>(),
        );
        let target = Arc::new(Field::new("name", DataType::Utf8View, true));
        let structs = StructArray::from(vec![(target.clone(), names.clone())]);
        let item = Arc::new(Field::new("item", structs.data_type().clone(), true));
        let targets: ArrayRef = Arc::new(ListArray::new(
            item,
            arrow::buffer::OffsetBuffer::from_lengths([1, 0, 2]),
            Arc::new(structs),
            None,
        ));
        let batch =
            RecordBatch::try_from_iter([("name", names), ("kind", kinds), ("targets", targets)])
                .unwrap();
        let wire = wire_schema(batch.schema());
        assert_eq!(wire.field(0).data_type(), &DataType::Utf8);
        assert_eq!(wire.field(1).data_type(), &DataType::Utf8);
        let DataType::List(item) = wire.field(2).data_type() else {
            panic!("{wire:?}")
        };
        assert_eq!(
            item.data_type(),
            &DataType::Struct(vec![Field::new("name", DataType::Utf8, true)].into())
        );
        let sent = to_wire(batch.clone(), &wire).unwrap();
        assert_eq!(sent.schema(), wire);
        assert_eq!(
            arrow::util::pretty::pretty_format_batches(&[sent])
                .unwrap()
                .to_string(),
            arrow::util::pretty::pretty_format_batches(&[batch])
                .unwrap()
                .to_string()
        );
    }

    #[test]
    fn the_password_matches_only_itself() {
        let secret = Secret::new("correct horse");
        assert!(secret.matches("correct horse"));
        assert!(!secret.matches("correct horse "));
        assert!(!secret.matches(""));
    }
}
