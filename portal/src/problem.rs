//! Every error answer is an RFC 9457 problem document with core's stable
//! codes; this module turns a [`ProblemCode`] into a response, and also
//! repairs any error response that does not come from here (axum's own
//! plain-text rejections) so that clients only ever parse one format.

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;
use docket_core::portal_api::{PROBLEM_CONTENT_TYPE, Problem, ProblemCode};
use jiff::Timestamp;

/// `Cache-Control` of every answer except the lists and hearings: nothing
/// a wallet sends or receives about a holder is kept by a cache.
pub(crate) const NO_STORE: &str = "no-store";
/// Seconds a client is asked to wait after a 429 or 503.
pub(crate) const RETRY_AFTER_SECS: u32 = 1;

/// An error answer.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    // Boxed: errors travel through every handler's Result, and a small
    // Err keeps the Ok path cheap.
    problem: Box<Problem>,
    retry_after: Option<u32>,
}

impl ApiError {
    /// The problem for `code`, with its standard title and no detail.
    pub fn new(code: ProblemCode) -> Self {
        let retry_after = matches!(code, ProblemCode::RateLimited | ProblemCode::Unavailable)
            .then_some(RETRY_AFTER_SECS);
        ApiError {
            problem: Box::new(Problem::new(code, None)),
            retry_after,
        }
    }

    /// The problem for `code`, saying what happened in this case.
    pub fn detail(code: ProblemCode, detail: impl Into<String>) -> Self {
        let mut error = ApiError::new(code);
        error.problem.detail = Some(detail.into());
        error
    }

    /// A failure of the portal itself. The cause goes to the log (it never
    /// holds personal data: errors name files and SQL, not holders); the
    /// client learns only that the portal failed.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        eprintln!("docket-portal: internal error: {cause}");
        ApiError::new(ProblemCode::InternalError)
    }

    /// With `activation_code_wrong`: the tries left.
    pub fn with_attempts_left(mut self, attempts_left: u32) -> Self {
        self.problem.attempts_left = Some(attempts_left);
        self
    }

    /// With `signature_stale`: the portal's clock.
    pub fn with_server_time(mut self, now: Timestamp) -> Self {
        self.problem.server_time = Some(now);
        self
    }

    /// The body as JSON bytes.
    pub fn to_json(&self) -> Vec<u8> {
        // Serializing a struct of strings and numbers cannot fail; the
        // fallback keeps this total anyway.
        serde_json::to_vec(&self.problem).unwrap_or_else(|_| b"{}".to_vec())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        let status =
            StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = Response::new(Body::from(self.to_json()));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_CONTENT_TYPE));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(NO_STORE));
        if let Some(seconds) = self.retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(error: crate::db::DbError) -> Self {
        ApiError::internal(&error)
    }
}

/// The code a bare error status stands for, for answers made outside the
/// handlers (axum's rejections and fallbacks).
fn code_for_status(status: StatusCode) -> ProblemCode {
    match status.as_u16() {
        404 => ProblemCode::NotFound,
        405 => ProblemCode::MethodNotAllowed,
        413 => ProblemCode::PayloadTooLarge,
        415 => ProblemCode::UnsupportedMediaType,
        429 => ProblemCode::RateLimited,
        503 => ProblemCode::Unavailable,
        400..=499 => ProblemCode::InvalidRequest,
        _ => ProblemCode::InternalError,
    }
}

/// Makes any response fit the contract: an error that is not already a
/// problem document becomes one (keeping its status and `Allow` header),
/// and `Cache-Control: no-store` is added where a handler set none.
pub(crate) fn conform(response: axum::response::Response) -> axum::response::Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == PROBLEM_CONTENT_TYPE.as_bytes());
    let mut response = if (status.is_client_error() || status.is_server_error()) && !is_problem {
        let allow = response.headers().get(axum::http::header::ALLOW).cloned();
        let mut error = ApiError::new(code_for_status(status));
        // Keep the exact status even where the code's own differs (say a
        // 408 answered as invalid_request).
        error.problem.status = status.as_u16();
        let mut replaced = error.into_response();
        if let Some(allow) = allow {
            replaced
                .headers_mut()
                .insert(axum::http::header::ALLOW, allow);
        }
        replaced
    } else {
        response
    };
    if !response.headers().contains_key(CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(NO_STORE));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_carry_their_status_and_headers() {
        let response = ApiError::new(ProblemCode::Unavailable).into_response();
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()[RETRY_AFTER], "1");
        assert_eq!(response.headers()[CONTENT_TYPE], PROBLEM_CONTENT_TYPE);
        assert_eq!(response.headers()[CACHE_CONTROL], NO_STORE);
        let response = ApiError::new(ProblemCode::NotFound).into_response();
        assert!(response.headers().get(RETRY_AFTER).is_none());
    }

    #[test]
    fn plain_errors_become_problems() {
        let mut plain = Response::new(Body::from("Method Not Allowed"));
        *plain.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        plain.headers_mut().insert(
            axum::http::header::ALLOW,
            HeaderValue::from_static("GET,HEAD"),
        );
        let fixed = conform(plain);
        assert_eq!(fixed.status(), 405);
        assert_eq!(fixed.headers()[CONTENT_TYPE], PROBLEM_CONTENT_TYPE);
        assert_eq!(fixed.headers()[axum::http::header::ALLOW], "GET,HEAD");
        let ok = conform(Response::new(Body::empty()));
        assert_eq!(ok.headers()[CACHE_CONTROL], NO_STORE);
    }
}
