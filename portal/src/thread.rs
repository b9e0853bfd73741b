//! The portal on a background thread with its own tokio runtime, for
//! synchronous callers (the CLI demo, blocking tests).

use crate::chaos::{ChaosControl, ChaosCounts, ChaosSpec};
use crate::config::PortalConfig;
use crate::error::PortalError;
use crate::server::serve;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// Worker threads of the background runtime: a development server needs
/// few, and a demo should not take over the machine.
const WORKER_THREADS: usize = 2;

/// A portal running on its own thread. [`PortalThread::stop`] (or
/// dropping it) shuts it down and waits for it.
pub struct PortalThread {
    addr: SocketAddr,
    chaos: Arc<ChaosControl>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl PortalThread {
    /// Binds `addr` (port 0 for a free one), opens the database and starts
    /// serving; returns once requests can be made.
    pub fn start(config: PortalConfig, addr: SocketAddr) -> Result<PortalThread, PortalError> {
        // Bound here, so that an address in use is this call's error.
        let listener = std::net::TcpListener::bind(addr).map_err(|source| PortalError::Io {
            context: "cannot listen",
            source,
        })?;
        listener
            .set_nonblocking(true)
            .map_err(|source| PortalError::Io {
                context: "cannot listen",
                source,
            })?;
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("docket-portal".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(WORKER_THREADS)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(source) => {
                        let _ = ready_tx.send(Err(PortalError::Io {
                            context: "cannot start the portal's runtime",
                            source,
                        }));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let started = match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => serve(config, listener).await,
                        Err(source) => Err(PortalError::Io {
                            context: "cannot listen",
                            source,
                        }),
                    };
                    match started {
                        Ok(portal) => {
                            let _ = ready_tx.send(Ok((portal.addr(), portal.chaos_control())));
                            // Until stop() or drop (the sender's drop also
                            // ends the wait).
                            let _ = stop_rx.await;
                            portal.shutdown().await;
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                        }
                    }
                });
            })
            .map_err(|source| PortalError::Io {
                context: "cannot start the portal thread",
                source,
            })?;
        match ready_rx.recv() {
            Ok(Ok((addr, chaos))) => Ok(PortalThread {
                addr,
                chaos,
                stop: Some(stop_tx),
                thread: Some(thread),
            }),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(_) => {
                let _ = thread.join();
                Err(PortalError::ThreadDied)
            }
        }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://IP:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Changes chaos on the running server (see
    /// [`crate::RunningPortal::set_chaos`]).
    pub fn set_chaos(&self, spec: Option<ChaosSpec>) {
        self.chaos.set(spec);
    }

    /// Outcome counts since chaos was last set.
    pub fn chaos_counts(&self) -> ChaosCounts {
        self.chaos.counts()
    }

    /// Shuts the server down and waits for its thread (at most about a
    /// second for requests in flight, plus the last commit).
    pub fn stop(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for PortalThread {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}
