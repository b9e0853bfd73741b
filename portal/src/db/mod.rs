//! The portal's SQLite file: opening and migrating it, and the one thread
//! that does all of the server's database work.
//!
//! Settings: WAL (readers never wait for the writer, and the admin
//! commands can write while the server runs), `synchronous = FULL` (a
//! commit is on disk before the answer that depends on it is written),
//! foreign keys, `secure_delete` (photos and code hashes of removed rows
//! are overwritten), a busy timeout for the admin processes.
//!
//! Async handlers never touch SQLite: they send a closure to the database
//! thread and await its answer over a oneshot channel. One thread means
//! every job runs alone, so a check-then-write (an idempotency key, an
//! activation code) cannot interleave with another request's.

pub(crate) mod enroll;
pub(crate) mod holders;
mod migrations;
pub(crate) mod nonces;
pub(crate) mod submissions;
pub(crate) mod wallets;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;
use thiserror::Error;
use tokio::sync::oneshot;

/// How long a connection waits for another process's write lock (the
/// admin commands and the server share the file).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A database failure.
#[derive(Debug, Error)]
pub enum DbError {
    /// SQLite failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file is some other application's database.
    #[error("{0} is not a docket-portal database")]
    NotOurs(PathBuf),
    /// The file was written by a newer version.
    #[error(
        "{path} has schema version {found}, newer than this docket-portal knows ({known}); use a newer docket-portal"
    )]
    Newer {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// The file could not be opened, read or migrated.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A stored value does not parse (the file was edited by hand).
    #[error("stored data is damaged: {0}")]
    Damaged(String),
    /// The test issuer could not bind a card (its directory failed).
    #[error("issuer directory: {0}")]
    Issuer(String),
    /// The database thread has stopped (the server is shutting down).
    #[error("the database thread has stopped")]
    Gone,
    /// The database thread could not be started.
    #[error("cannot start the database thread: {0}")]
    Thread(std::io::Error),
}

/// Opens (creating if needed) and migrates the database at `path`.
pub(crate) fn open(path: &Path) -> Result<Connection, DbError> {
    open_unnamed(path).map_err(|error| match error {
        DbError::Sqlite(source) => DbError::File {
            path: path.to_owned(),
            source,
        },
        other => other,
    })
}

fn open_unnamed(path: &Path) -> Result<Connection, DbError> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // journal_mode answers with a row, so it is read rather than executed.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA trusted_schema = OFF;",
    )?;
    migrations::migrate(&mut conn, path)?;
    Ok(conn)
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// The server's handle on its database thread. Clones share the thread;
/// it ends when the last handle is dropped and its queue is empty.
#[derive(Clone)]
pub(crate) struct Db {
    jobs: mpsc::Sender<Job>,
}

impl Db {
    /// Opens the database on a new thread. The thread's handle is returned
    /// so that shutdown can wait for the last commit.
    pub(crate) fn start(path: &Path) -> Result<(Db, JoinHandle<()>), DbError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::channel();
        let path = path.to_owned();
        let thread = std::thread::Builder::new()
            .name("portal-db".into())
            .spawn(move || {
                let mut conn = match open(&path) {
                    Ok(conn) => {
                        let _ = ready_tx.send(Ok(()));
                        conn
                    }
                    Err(error) => {
                        let _ = ready_tx.send(Err(error));
                        return;
                    }
                };
                while let Ok(job) = queue.recv() {
                    job(&mut conn);
                }
            })
            .map_err(DbError::Thread)?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok((Db { jobs }, thread)),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(_) => {
                let _ = thread.join();
                Err(DbError::Gone)
            }
        }
    }

    /// Runs `job` on the database thread and waits for its answer. If the
    /// caller stops waiting (its client went away), the job still runs to
    /// the end: a started commit is never abandoned halfway.
    pub(crate) async fn call<T, E>(
        &self,
        job: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let boxed: Job = Box::new(move |conn| {
            let _ = reply.send(job(conn));
        });
        self.jobs.send(boxed).map_err(|_| E::from(DbError::Gone))?;
        answer.await.map_err(|_| E::from(DbError::Gone))?
    }
}

/// Seconds since the Unix epoch, as stored.
pub(crate) fn seconds(at: jiff::Timestamp) -> i64 {
    at.as_second()
}

/// A stored time back as a timestamp.
pub(crate) fn timestamp(seconds: i64) -> Result<jiff::Timestamp, DbError> {
    jiff::Timestamp::from_second(seconds)
        .map_err(|_| DbError::Damaged(format!("time {seconds} is out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("portal.sqlite");
        let conn = open(&path).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, migrations::LATEST);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(conn);
        open(&path).unwrap();
    }

    #[test]
    fn refuses_foreign_and_newer_files() {
        let dir = tempfile::tempdir().unwrap();
        let foreign = dir.path().join("other.sqlite");
        let conn = Connection::open(&foreign).unwrap();
        conn.execute_batch("PRAGMA application_id = 42; CREATE TABLE t(x);")
            .unwrap();
        drop(conn);
        assert!(matches!(open(&foreign), Err(DbError::NotOurs(_))));

        let newer = dir.path().join("newer.sqlite");
        drop(open(&newer).unwrap());
        let conn = Connection::open(&newer).unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
        drop(conn);
        assert!(matches!(
            open(&newer),
            Err(DbError::Newer { found: 99, .. })
        ));
    }

    #[tokio::test]
    async fn jobs_run_on_the_database_thread() {
        let dir = tempfile::tempdir().unwrap();
        let (db, thread) = Db::start(&dir.path().join("p.sqlite")).unwrap();
        let caller = std::thread::current().id();
        let (count, on_other_thread) = db
            .call(move |conn| {
                let count: i64 =
                    conn.query_row("SELECT count(*) FROM holders", [], |r| r.get(0))?;
                Ok::<_, DbError>((count, std::thread::current().id() != caller))
            })
            .await
            .unwrap();
        assert_eq!(count, 0);
        assert!(on_other_thread);
        drop(db);
        thread.join().unwrap();
    }
}
