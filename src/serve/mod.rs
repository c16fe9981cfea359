//! `trailcheck serve`: the PostgreSQL wire protocol over the same [`Session`] that
//! `sql`, `analyze` and the tests use, so psql, BI tools and notebooks query the
//! lake, the views, the findings and the scorecards.
//!
//! The protocol and the `pg_catalog` emulation come from `datafusion-postgres`
//! (on `pgwire`). This module owns what is trailcheck's:
//!
//! - the read-only policy ([`gate`]: one query hook, first in line, for every path
//!   that plans SQL);
//! - what one client may take ([`guard`]): its own memory budget inside the server's,
//!   `statement_timeout`, and its query cancelled when it goes away;
//! - the connection policy (here): SCRAM-SHA-256 with one shared password, or none on
//!   loopback; a non-loopback address needs a password; startup must finish within
//!   [`STARTUP_TIMEOUT`]; failed logins are logged and slowed; at most
//!   `max_connections` clients; accept errors (descriptors exhausted) back off.
//!
//! With `--flight ADDR` the same server also speaks Arrow Flight SQL ([`flight`]) over
//! the same session, through the same gate, with the same password.

mod compat;
#[cfg(feature = "flight")]
pub mod flight;
pub mod gate;
mod guard;
pub mod pg;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::prelude::SessionContext;
use datafusion_postgres::auth::AuthManager;
use datafusion_postgres::datafusion_pg_catalog::pg_catalog::setup_pg_catalog;
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
use pgwire::api::{ClientInfo, PgWireConnectionState, PgWireServerHandlers};
use pgwire::error::{PgWireError, PgWireResult};
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

pub use gate::{Verdict, judge};

use crate::session::Session;
use crate::session::memory::ConnectionPool;
use crate::{Error, Result};

const SCRAM_ITERATIONS: usize = 4096;

/// A client that has not finished startup and authentication by then is dropped.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// Each failed login waits this long before its answer, one at a time across the
/// server: at most a few password guesses a second, however many connections.
pub(crate) const FAILED_LOGIN_DELAY: Duration = Duration::from_millis(500);

/// How the server is reached, who may connect, and what one client may take.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    /// With a password, clients authenticate with SCRAM-SHA-256 (any user name).
    pub password: Option<String>,
    /// Operator memory of one connection (its queries and open cursors), in bytes,
    /// within the server's pool; unbounded (but for the server's pool) if `None`.
    pub connection_memory: Option<usize>,
    /// Longest a statement runs when the client has not set `statement_timeout`.
    pub statement_timeout: Option<Duration>,
    /// Clients served at once; more are closed at once with a log line.
    pub max_connections: usize,
    /// Write every statement clients send to stderr (escaped, one line each).
    pub log_statements: bool,
    /// Also serve Arrow Flight SQL on this address (feature `flight`).
    pub flight: Option<SocketAddr>,
}

impl ServeOptions {
    /// Loopback, no password, no limits but the defaults of the command line.
    pub fn new(listen: SocketAddr) -> Self {
        ServeOptions {
            listen,
            password: None,
            connection_memory: None,
            statement_timeout: None,
            max_connections: 256,
            log_statements: false,
            flight: None,
        }
    }

    /// Refuse to expose the lake beyond this machine without a password.
    pub fn check(&self) -> Result<()> {
        for addr in std::iter::once(self.listen).chain(self.flight) {
            if !addr.ip().is_loopback() && self.password.is_none() {
                return Err(Error::Usage(format!(
                    "refusing to listen on {addr} without a password: set --password or TRAILCHECK_PASSWORD, \
                     or listen on a loopback address such as 127.0.0.1"
                )));
            }
        }
        if self.flight.is_some() && !cfg!(feature = "flight") {
            return Err(Error::Usage(
                "--flight: this trailcheck was built without the `flight` feature".into(),
            ));
        }
        if self.password.as_deref() == Some("") {
            return Err(Error::Usage("the password is empty".into()));
        }
        if self.max_connections == 0 {
            return Err(Error::Usage("--max-connections must be at least 1".into()));
        }
        Ok(())
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

enum Auth {
    Open(Open),
    Scram(SASLAuthStartupHandler<DefaultServerParameterProvider>),
}

/// One connection's startup: authenticates, tells the connection when it is done,
/// and logs and slows every failure.
struct Startup {
    auth: Auth,
    peer: SocketAddr,
    ready: Arc<AtomicBool>,
    failures: Arc<tokio::sync::Mutex<()>>,
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
        let result = match &self.auth {
            Auth::Open(h) => h.on_startup(client, message).await,
            Auth::Scram(h) => h.on_startup(client, message).await,
        };
        match &result {
            Ok(()) => {
                if matches!(client.state(), PgWireConnectionState::ReadyForQuery) {
                    self.ready.store(true, Ordering::SeqCst);
                }
            }
            Err(e) => {
                let user = client.metadata().get("user").cloned().unwrap_or_default();
                eprintln!(
                    "trailcheck serve: failed login from {} as {:?}: {}",
                    self.peer,
                    user,
                    crate::text::terminal(&e.to_string())
                );
                let _one_at_a_time = self.failures.lock().await;
                tokio::time::sleep(FAILED_LOGIN_DELAY).await;
            }
        }
        result
    }
}

/// What every connection shares.
struct Server {
    /// The session, with `pg_catalog`; each connection plans on a copy of its state.
    ctx: Arc<SessionContext>,
    password: Option<Arc<SharedPassword>>,
    options: ServeOptions,
    failures: Arc<tokio::sync::Mutex<()>>,
}

/// The handlers of one connection.
struct Handlers {
    served: Arc<guard::Served>,
    startup: Arc<Startup>,
}

impl PgWireServerHandlers for Handlers {
    fn simple_query_handler(&self) -> Arc<impl SimpleQueryHandler> {
        self.served.clone()
    }

    fn extended_query_handler(&self) -> Arc<impl ExtendedQueryHandler> {
        self.served.clone()
    }

    fn startup_handler(&self) -> Arc<impl StartupHandler> {
        self.startup.clone()
    }
}

/// One client's own session: the shared catalog, planned and run with the client's
/// memory budget (`limit`, within the server's pool).
pub(crate) fn client_context(ctx: &SessionContext, limit: Option<usize>) -> SessionContext {
    let state = ctx.state();
    let shared = ctx.runtime_env();
    let runtime = match limit {
        Some(limit) => Arc::new(RuntimeEnv {
            memory_pool: Arc::new(ConnectionPool::new(shared.memory_pool.clone(), limit)),
            ..(*shared).clone()
        }),
        None => shared,
    };
    SessionContext::new_with_state(
        SessionStateBuilder::new_from_existing(state)
            .with_runtime_env(runtime)
            .build(),
    )
}

impl Server {
    /// One connection's own session, with the connection's memory budget.
    fn connection_context(&self) -> SessionContext {
        client_context(&self.ctx, self.options.connection_memory)
    }

    fn handlers(
        &self,
        peer: SocketAddr,
        ready: Arc<AtomicBool>,
        gone: watch::Receiver<bool>,
    ) -> Handlers {
        let hooks: Vec<Arc<dyn QueryHook>> = vec![
            Arc::new(gate::Gate),
            Arc::new(datafusion_postgres::hooks::cursor::CursorStatementHook),
            Arc::new(datafusion_postgres::hooks::set_show::SetShowHook),
            Arc::new(datafusion_postgres::hooks::transactions::TransactionStatementHook),
        ];
        let ctx = Arc::new(self.connection_context());
        let service = DfSessionService::new_with_hooks(ctx.clone(), hooks);
        let auth = match &self.password {
            None => Auth::Open(Open),
            Some(password) => {
                // pgwire's SASL handler keeps the exchange's state in itself: one per
                // connection.
                let mut scram = ScramAuth::new(password.clone());
                scram.set_iterations(SCRAM_ITERATIONS);
                Auth::Scram(
                    SASLAuthStartupHandler::new(
                        Arc::new(DefaultServerParameterProvider::default()),
                    )
                    .with_scram(scram),
                )
            }
        };
        Handlers {
            served: Arc::new(guard::Served::new(
                service,
                ctx,
                gone,
                self.options.statement_timeout,
            )),
            startup: Arc::new(Startup {
                auth,
                peer,
                ready,
                failures: self.failures.clone(),
            }),
        }
    }

    /// Serve one client until it leaves, is dropped for a slow startup, or the server
    /// stops.
    async fn connection(&self, socket: TcpStream, peer: SocketAddr) {
        let (gone_tx, gone) = watch::channel(false);
        // A second handle on the socket watches for the client going away while a
        // query runs (pgwire reads the socket only between statements). Without one
        // (no descriptor left) the client is served all the same.
        let mut _unwatched = None;
        let (socket, watcher) = match watch_handle(&socket) {
            Some(watch) => (
                socket,
                Some(tokio::spawn(guard::watch_peer(watch, gone_tx))),
            ),
            None => {
                _unwatched = Some(gone_tx);
                (socket, None)
            }
        };
        let ready = Arc::new(AtomicBool::new(false));
        let handlers = self.handlers(peer, ready.clone(), gone);
        let session = pgwire::tokio::process_socket(socket, None, handlers);
        let startup_deadline = async {
            tokio::time::sleep(STARTUP_TIMEOUT).await;
            if ready.load(Ordering::SeqCst) {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            _ = session => {}
            _ = startup_deadline => {}
        }
        if let Some(w) = watcher {
            w.abort();
        }
    }
}

/// A second handle on the socket (the same connection), registered with tokio.
fn watch_handle(socket: &TcpStream) -> Option<TcpStream> {
    use std::os::fd::AsFd;
    let fd = socket.as_fd().try_clone_to_owned().ok()?;
    let std = std::net::TcpStream::from(fd);
    TcpStream::from_std(std).ok()
}

/// Prepare the server: `pg_catalog` (what psql's `\dt` and BI tools read on connect)
/// on the session, then the session made read-only.
fn server(session: &Session, options: &ServeOptions) -> Result<Server> {
    let ctx = session.ctx.clone();
    setup_pg_catalog(&ctx, "trailcheck", Arc::new(AuthManager::new()))
        .map_err(|e| Error::DataFusion(*e))?;
    pg::register(&ctx);
    session.read_only();
    let password = options.password.as_deref().map(|password| {
        let salt = uuid::Uuid::new_v4().into_bytes().to_vec();
        let salted = gen_salted_password(password, &salt, SCRAM_ITERATIONS);
        Arc::new(SharedPassword { salt, salted })
    });
    Ok(Server {
        ctx: Arc::new(ctx),
        password,
        options: options.clone(),
        failures: Arc::new(tokio::sync::Mutex::new(())),
    })
}

/// `--log-statements`: what `datafusion-postgres` logs (at debug level) of each
/// statement it receives, over both protocols (`Received query`, `Received parse
/// extended query`, `Received execute extended query`), and each Arrow Flight SQL
/// command ([`flight`]), on stderr as one escaped line.
struct StatementLog;

/// The log target of the Arrow Flight SQL commands `--log-statements` writes.
pub(crate) const FLIGHT_LOG: &str = "trailcheck::serve::flight";

impl log::Log for StatementLog {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::Level::Debug
            && (metadata.target().starts_with("datafusion_postgres")
                || metadata.target() == FLIGHT_LOG)
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            eprintln!(
                "trailcheck serve: {}",
                crate::text::terminal(&record.args().to_string())
            );
        }
    }

    fn flush(&self) {}
}

static STATEMENT_LOG: StatementLog = StatementLog;

/// Bind, say where (on stderr, with the real port when asked for port 0), and serve
/// until interrupted.
pub async fn serve(session: &Session, options: &ServeOptions) -> Result<()> {
    options.check()?;
    if options.log_statements && log::set_logger(&STATEMENT_LOG).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
    }
    let server = Arc::new(server(session, options)?);
    let listener = TcpListener::bind(options.listen)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", options.listen)))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", options.listen)))?;
    #[cfg(feature = "flight")]
    let flight = match options.flight {
        Some(addr) => Some(
            flight::Flight::bind(addr, server.ctx.clone(), options, server.failures.clone())
                .await?,
        ),
        None => None,
    };
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
    #[cfg(feature = "flight")]
    let flight = flight.map(|f| {
        eprintln!(
            "trailcheck serve: Arrow Flight SQL on {} (read-only, {}); connect with: \
             adbc_driver_flightsql.dbapi.connect(\"grpc://{}\")",
            f.local_addr(),
            if options.password.is_some() {
                "password required: basic auth, any user name"
            } else {
                "no password: loopback only"
            },
            f.local_addr()
        );
        tokio::spawn(f.run())
    });
    #[cfg(not(feature = "flight"))]
    let flight: Option<tokio::task::JoinHandle<Result<()>>> = None;
    let flight_stopped = async {
        match flight {
            Some(task) => match task.await {
                Ok(result) => result,
                Err(e) => Err(Error::Usage(format!(
                    "the Arrow Flight SQL server failed: {e}"
                ))),
            },
            None => std::future::pending().await,
        }
    };
    tokio::pin!(flight_stopped);
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let mut backoff = Backoff::default();
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (socket, peer) = match accepted {
                    Ok(s) => s,
                    Err(e) => {
                        // Out of descriptors (EMFILE) and the like: accepting again at
                        // once only spins. Wait, longer each time, and say so once.
                        backoff.failed(&e).await;
                        continue;
                    }
                };
                backoff.reset();
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    eprintln!(
                        "trailcheck serve: {} clients connected (--max-connections); closing the connection from {peer}",
                        options.max_connections
                    );
                    continue;
                };
                let server = server.clone();
                tokio::spawn(async move {
                    server.connection(socket, peer).await;
                    drop(slot);
                });
            }
            _ = &mut stop => {
                eprintln!("trailcheck serve: stopped");
                return Ok(());
            }
            failed = &mut flight_stopped => {
                return failed;
            }
        }
    }
}

/// The accept loop's wait after an error: 10 ms doubling to 1 s while accepts fail,
/// and one log line a minute at most, with the count of failures it stands for.
#[derive(Default)]
struct Backoff {
    wait: Option<Duration>,
    logged: Option<tokio::time::Instant>,
    unlogged: u64,
}

impl Backoff {
    const LOG_EVERY: Duration = Duration::from_secs(60);

    async fn failed(&mut self, e: &std::io::Error) {
        self.unlogged += 1;
        if self.logged.is_none_or(|at| at.elapsed() >= Self::LOG_EVERY) {
            eprintln!(
                "trailcheck serve: accept failed: {e} ({} time(s) since the last such line); \
                 waiting before accepting again",
                self.unlogged
            );
            self.logged = Some(tokio::time::Instant::now());
            self.unlogged = 0;
        }
        let wait = self.wait.map_or(Duration::from_millis(10), |w| {
            (w * 2).min(Duration::from_secs(1))
        });
        self.wait = Some(wait);
        tokio::time::sleep(wait).await;
    }

    fn reset(&mut self) {
        self.wait = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_loopback_needs_a_password() {
        let open = ServeOptions::new("0.0.0.0:5433".parse().unwrap());
        assert!(open.check().unwrap_err().to_string().contains("--password"));
        let protected = ServeOptions {
            password: Some("s3cret".into()),
            ..open.clone()
        };
        protected.check().unwrap();
        ServeOptions::new("127.0.0.1:5433".parse().unwrap())
            .check()
            .unwrap();
        let none = ServeOptions {
            max_connections: 0,
            ..ServeOptions::new("127.0.0.1:5433".parse().unwrap())
        };
        assert!(none.check().is_err());
    }
}
