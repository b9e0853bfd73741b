//! The accept loop: hyper's HTTP/1 connections over the axum router,
//! served by hand rather than through `axum::serve` so that chaos can do
//! what a router cannot: close a connection without answering, or cut an
//! answer off halfway.

use crate::chaos::{ChaosControl, ChaosCounts, ChaosOutcome, ChaosSpec};
use crate::config::PortalConfig;
use crate::db::Db;
use crate::error::PortalError;
use crate::problem::{self, ApiError};
use crate::routes::{self, AppState};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use axum::response::IntoResponse;
use bytes::Bytes;
use docket_core::portal_api::ProblemCode;
use docket_issuer::IssuerDir;
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// How long shutdown lets requests in flight finish before cutting them
/// off (a hanging chaos request would otherwise hold it for its `hang`).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);
/// How long a client may take to send its request headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Returned by the service to make hyper close the connection without an
/// answer.
#[derive(Debug, Error)]
#[error("connection dropped by chaos")]
struct ChaosDrop;

/// A running portal. Dropping it without [`RunningPortal::shutdown`]
/// stops accepting at once but does not wait for the database's last
/// commit.
pub struct RunningPortal {
    addr: SocketAddr,
    chaos: Arc<ChaosControl>,
    log: Arc<AtomicBool>,
    stop: watch::Sender<bool>,
    accept: Option<tokio::task::JoinHandle<()>>,
    db_thread: Option<JoinHandle<()>>,
}

/// Starts serving `config` on `listener` (bind it to `127.0.0.1:0` for a
/// free port) and returns once the database is open and the issuer
/// directory found. Requests are not logged; see
/// [`RunningPortal::set_request_log`].
pub async fn serve(
    config: PortalConfig,
    listener: TcpListener,
) -> Result<RunningPortal, PortalError> {
    let addr = listener.local_addr().map_err(|source| PortalError::Io {
        context: "cannot read the listening address",
        source,
    })?;
    IssuerDir::open(&config.issuer).map_err(PortalError::Issuer)?;
    let db_path = config.db.clone();
    let (db, db_thread) = tokio::task::spawn_blocking(move || Db::start(&db_path))
        .await
        .map_err(|_| PortalError::ThreadDied)??;
    let state = AppState {
        db,
        issuer: Arc::new(config.issuer),
    };
    let chaos = Arc::new(ChaosControl::new(config.chaos));
    let log = Arc::new(AtomicBool::new(false));
    let (stop, stopped) = watch::channel(false);
    let accept = tokio::spawn(accept_loop(
        listener,
        routes::router(state),
        chaos.clone(),
        log.clone(),
        stopped,
    ));
    Ok(RunningPortal {
        addr,
        chaos,
        log,
        stop,
        accept: Some(accept),
        db_thread: Some(db_thread),
    })
}

impl RunningPortal {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://IP:PORT`, the base URL of the API (paths start with `/v1`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Changes chaos on the running server (`None` turns it off). The
    /// request count and outcome counts start again from 0.
    pub fn set_chaos(&self, spec: Option<ChaosSpec>) {
        self.chaos.set(spec);
    }

    /// The chaos now in force.
    pub fn chaos(&self) -> Option<ChaosSpec> {
        self.chaos.spec()
    }

    /// How many requests met each chaos outcome since chaos was last set.
    pub fn chaos_counts(&self) -> ChaosCounts {
        self.chaos.counts()
    }

    /// Logs one line per request to stderr (method, path, status,
    /// milliseconds, chaos outcome): never a query, header or body, so
    /// never personal data or codes.
    pub fn set_request_log(&self, on: bool) {
        self.log.store(on, Ordering::Relaxed);
    }

    /// Stops accepting, gives requests in flight a second to finish, cuts
    /// off the rest, and waits for the database thread's last commit.
    pub async fn shutdown(mut self) {
        self.stop_and_wait().await;
    }

    async fn stop_and_wait(&mut self) {
        let _ = self.stop.send(true);
        if let Some(accept) = self.accept.take() {
            let _ = accept.await;
        }
        if let Some(thread) = self.db_thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }

    /// Handles for [`crate::PortalThread`], which runs the server on its
    /// own runtime and needs to reach the chaos control from outside it.
    pub(crate) fn chaos_control(&self) -> Arc<ChaosControl> {
        self.chaos.clone()
    }
}

impl Drop for RunningPortal {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    chaos: Arc<ChaosControl>,
    log: Arc<AtomicBool>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else {
                    // Out of file descriptors and the like: pause rather
                    // than spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                connections.spawn(connection(
                    stream,
                    router.clone(),
                    chaos.clone(),
                    log.clone(),
                    stopped.clone(),
                ));
            }
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = stopped.changed() => break,
        }
    }
    drop(listener);
    let deadline = tokio::time::sleep(SHUTDOWN_GRACE);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            next = connections.join_next() => if next.is_none() { break },
            _ = &mut deadline => {
                connections.abort_all();
                while connections.join_next().await.is_some() {}
                break;
            }
        }
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    router: Router,
    chaos: Arc<ChaosControl>,
    log: Arc<AtomicBool>,
    mut stopped: watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        handle(router.clone(), chaos.clone(), log.clone(), request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stopped.changed() => {
            // Finish the request in progress, then close; the accept loop
            // aborts this task if that takes too long.
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

async fn handle(
    router: Router,
    chaos: Arc<ChaosControl>,
    log: Arc<AtomicBool>,
    request: Request<Incoming>,
) -> Result<Response<Body>, ChaosDrop> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let (outcome, hang) = chaos.next();
    let result = misbehave(router, outcome, hang, request).await;
    if log.load(Ordering::Relaxed) {
        let status = match &result {
            Ok(response) => response.status().as_str().to_owned(),
            Err(_) => "-".to_owned(),
        };
        let chaos_note = match outcome {
            ChaosOutcome::Passed => String::new(),
            other => format!(" chaos={}", other.as_str()),
        };
        eprintln!(
            "{method} {} {status} {}ms{chaos_note}",
            printable_path(&path),
            started.elapsed().as_millis()
        );
    }
    result
}

/// The path for the log, cut short and stripped of anything that is not
/// printable ASCII (a path is chosen by the client).
fn printable_path(path: &str) -> String {
    path.chars()
        .take(100)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}

async fn misbehave(
    router: Router,
    outcome: ChaosOutcome,
    hang: Duration,
    request: Request<Incoming>,
) -> Result<Response<Body>, ChaosDrop> {
    let refuse = |code| Ok(problem::conform(ApiError::new(code).into_response()));
    match outcome {
        ChaosOutcome::Passed => Ok(route(router, request).await),
        ChaosOutcome::InternalError => refuse(ProblemCode::InternalError),
        ChaosOutcome::Unavailable => refuse(ProblemCode::Unavailable),
        ChaosOutcome::RateLimited => refuse(ProblemCode::RateLimited),
        ChaosOutcome::Hang => {
            tokio::time::sleep(hang).await;
            Err(ChaosDrop)
        }
        ChaosOutcome::Drop => Err(ChaosDrop),
        ChaosOutcome::Lost => {
            drop(route(router, request).await);
            Err(ChaosDrop)
        }
        ChaosOutcome::Truncated => {
            let response = route(router, request).await;
            let (parts, body) = response.into_parts();
            let bytes = body.collect().await.map_err(|_| ChaosDrop)?.to_bytes();
            if bytes.is_empty() {
                return Err(ChaosDrop);
            }
            let body = Body::new(Truncated {
                prefix: Some(bytes.slice(..bytes.len() / 2)),
                declared: bytes.len() as u64,
                pause: Box::pin(tokio::time::sleep(TRUNCATE_PAUSE)),
            });
            Ok(Response::from_parts(parts, body))
        }
    }
}

/// Runs the router and makes the answer conform (problem documents,
/// `Cache-Control`).
async fn route(router: Router, request: Request<Incoming>) -> Response<Body> {
    let response = match router.oneshot(request.map(Body::new)).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    problem::conform(response)
}

/// A body that declares its full length, sends the first half, then fails,
/// so hyper closes the connection mid-body. It waits a moment before
/// failing: hyper flushes what it has written while a body is pending, and
/// would otherwise discard the headers and the half body unsent.
struct Truncated {
    prefix: Option<Bytes>,
    declared: u64,
    pause: Pin<Box<tokio::time::Sleep>>,
}

/// How long a truncated answer pauses before its connection is cut.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(50);

impl hyper::body::Body for Truncated {
    type Data = Bytes;
    type Error = ChaosDrop;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, ChaosDrop>>> {
        if let Some(prefix) = self.prefix.take() {
            return Poll::Ready(Some(Ok(Frame::data(prefix))));
        }
        match self.pause.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(ChaosDrop))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.declared)
    }
}
