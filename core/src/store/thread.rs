//! The store's own thread: async code hands it jobs over a channel and
//! awaits the answer, so SQLite's blocking calls never run on an async
//! worker (docs/ARCHITECTURE.md, "Threads").
//!
//! A job, once handed over, runs to completion even if the caller stops
//! waiting: a send's commit cannot be lost to a cancelled future.

use super::{SecretStore, Store, StoreError};
use crate::files::StorageProblem;
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
    read_only: Option<StorageProblem>,
}

impl std::fmt::Debug for StoreThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreThread")
            .field("read_only", &self.read_only)
            .finish()
    }
}

impl StoreThread {
    /// Starts the thread and opens the store on it ([`Store::open`]).
    /// Waits for the open without blocking an async worker.
    pub async fn open(
        path: PathBuf,
        secrets: Box<dyn SecretStore + Send>,
    ) -> Result<StoreThread, StoreError> {
        StoreThread::start(move || Store::open(&path, secrets.as_ref())).await
    }

    /// Makes a new, empty wallet database ([`Store::start_over`], only
    /// after the holder confirmed) on a thread of its own and closes it,
    /// handing the secret store back for the [`StoreThread::open`] that
    /// follows.
    pub async fn start_over(
        path: PathBuf,
        secrets: Box<dyn SecretStore + Send>,
    ) -> Result<Box<dyn SecretStore + Send>, StoreError> {
        let (done, answer) = oneshot::channel();
        std::thread::Builder::new()
            .name("docket-store-start-over".to_owned())
            .spawn(move || {
                let made = catch_unwind(AssertUnwindSafe(|| {
                    Store::start_over(&path, secrets.as_ref()).map(drop)
                }));
                let _ = done.send(match made {
                    Ok(Ok(())) => Ok(secrets),
                    Ok(Err(error)) => Err(error),
                    Err(_) => Err(StoreError::Closed),
                });
            })
            .map_err(|e| StoreError::Database(format!("cannot start the store thread: {e}")))?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Why the store was opened read-only (see [`Store::storage_problem`]),
    /// or `None` if it can be written.
    pub fn storage_problem(&self) -> Option<StorageProblem> {
        self.read_only
    }

    async fn start<F>(open: F) -> Result<StoreThread, StoreError>
    where
        F: FnOnce() -> Result<Store, StoreError> + Send + 'static,
    {
        let (opened, opened_answer) = oneshot::channel();
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("docket-store".to_owned())
            .spawn(move || {
                let mut store = match catch_unwind(AssertUnwindSafe(open)) {
                    Ok(Ok(store)) => {
                        let _ = opened.send(Ok(store.storage_problem()));
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
        let read_only = opened_answer.await.map_err(|_| StoreError::Closed)??;
        Ok(StoreThread { jobs, read_only })
    }

    /// Runs `job` on the store's thread and returns its result, with an
    /// input/output failure's cause found ([`Store::diagnose`]) on that
    /// thread too. If the caller's future is dropped, the job still runs.
    pub async fn run<T, F>(&self, job: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let (answer, receive) = oneshot::channel();
        self.jobs
            .send(Box::new(move |store: &mut Store| {
                let result = job(store).map_err(|error| store.diagnose(error));
                let _ = answer.send(result);
            }))
            .map_err(|_| StoreError::Closed)?;
        receive.await.map_err(|_| StoreError::Closed)?
    }
}
