//! The store's own thread: async code hands it jobs over a channel and
//! awaits the answer, so SQLite's blocking calls never run on an async
//! worker (docs/ARCHITECTURE.md, "Threads").
//!
//! A job, once handed over, runs to completion even if the caller stops
//! waiting: a send's commit cannot be lost to a cancelled future.

use super::{SecretStore, Store, StoreError};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::mpsc;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// A handle to a [`Store`] running on its own thread. Cloning shares the
/// thread; it ends when the last handle is dropped, after finishing every
/// job already handed over.
#[derive(Clone)]
pub struct StoreThread {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for StoreThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreThread")
    }
}

impl StoreThread {
    /// Starts the thread and opens the store on it. Waits for the open
    /// without blocking an async worker.
    pub async fn open(
        path: PathBuf,
        secrets: Box<dyn SecretStore + Send>,
    ) -> Result<StoreThread, StoreError> {
        let (opened, opened_answer) = oneshot::channel();
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("docket-store".to_owned())
            .spawn(move || {
                let open = catch_unwind(AssertUnwindSafe(|| Store::open(&path, secrets.as_ref())));
                let mut store = match open {
                    Ok(Ok(store)) => {
                        let _ = opened.send(Ok(()));
                        store
                    }
                    Ok(Err(error)) => {
                        let _ = opened.send(Err(error));
                        return;
                    }
                    Err(_) => {
                        let _ = opened.send(Err(StoreError::Closed));
                        return;
                    }
                };
                while let Ok(job) = queue.recv() {
                    // A panicking job must not take the thread (and every
                    // later commit) with it; its caller sees `Closed`.
                    if catch_unwind(AssertUnwindSafe(|| job(&mut store))).is_err() {
                        continue;
                    }
                }
            })
            .map_err(|e| StoreError::Database(format!("cannot start the store thread: {e}")))?;
        opened_answer.await.map_err(|_| StoreError::Closed)??;
        Ok(StoreThread { jobs })
    }

    /// Runs `job` on the store's thread and returns its result. If the
    /// caller's future is dropped, the job still runs.
    pub async fn run<T, F>(&self, job: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let (answer, receive) = oneshot::channel();
        self.jobs
            .send(Box::new(move |store: &mut Store| {
                let _ = answer.send(job(store));
            }))
            .map_err(|_| StoreError::Closed)?;
        receive.await.map_err(|_| StoreError::Closed)?
    }
}
