//! The library's one tokio runtime, started on first use and kept for
//! the life of the process, and the two guards every export goes through.

use crate::error::DocketError;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;
use tokio::runtime::Runtime;

/// Worker threads: sync is I/O-bound, and a phone has cores to spare for
/// the UI.
const WORKER_THREADS: usize = 2;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

fn runtime() -> Result<&'static Runtime, DocketError> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(WORKER_THREADS)
                .thread_name("docket-runtime")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|message| DocketError::Internal {
            message: format!("cannot start the async runtime: {message}"),
        })
}

/// Runs `work` as a task on the runtime and waits for it. The caller may
/// stop waiting (its future dropped); the task still runs to the end. A
/// panic in the task comes back as [`DocketError::Internal`].
pub(crate) async fn run<T, F>(work: F) -> Result<T, DocketError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, DocketError>> + Send + 'static,
{
    let task = runtime()?.spawn(work);
    match task.await {
        Ok(result) => result,
        Err(error) if error.is_panic() => Err(DocketError::Internal {
            message: panic_message(error.into_panic()),
        }),
        Err(_) => Err(DocketError::Internal {
            message: "the work was cancelled".to_owned(),
        }),
    }
}

/// Runs synchronous `work`, turning a panic into [`DocketError::Internal`].
pub(crate) fn guard<T>(work: impl FnOnce() -> Result<T, DocketError>) -> Result<T, DocketError> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|panic| {
        Err(DocketError::Internal {
            message: panic_message(panic),
        })
    })
}

fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    format!("internal error ({detail}); please report it")
}
