//! The routes of docs/portal-api.yaml, one module per resource, and what
//! they share: the state, reading bodies, and answers with entity tags.

mod enroll;
mod hearings;
mod lists;
mod submissions;

use crate::db::Db;
use crate::etag;
use crate::problem::{ApiError, NO_STORE};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderValue, IF_NONE_MATCH,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use docket_core::portal_api::{ProblemCode, paths};
use std::path::PathBuf;
use std::sync::Arc;

/// Largest request body accepted on any route: the JSON bodies are a few
/// hundred bytes (a card QR is under 400 characters).
pub(crate) const BODY_MAX: usize = 16 * 1024;
/// `Cache-Control` of the lists and hearings: a cache may keep them but
/// must revalidate (with the `ETag`) before every use.
const NO_CACHE: &str = "no-cache";

/// What every handler reaches.
#[derive(Clone)]
pub(crate) struct AppState {
    pub db: Db,
    pub issuer: Arc<PathBuf>,
}

/// The router: the six routes, and problem documents for unknown paths
/// and wrong methods.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route(paths::ENROLLMENTS, post(enroll::enroll))
        .route(paths::HEARINGS, get(hearings::hearings))
        .route(paths::CHECK_INS, post(submissions::check_in))
        .route(paths::ADDRESS_CHANGES, post(submissions::address_change))
        .route(paths::TRUST_LIST, get(lists::trust_list))
        .route(paths::STATUS_LIST, get(lists::status_list))
        // After the routes: it applies to the routes added so far.
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(ProblemCode::NotFound)
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(ProblemCode::MethodNotAllowed)
}

/// Refuses a body that is not JSON (`415`); parameters such as `charset`
/// are allowed.
pub(crate) fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::detail(
            ProblemCode::UnsupportedMediaType,
            "the body must be application/json",
        ))
    }
}

/// Reads the whole body, refusing more than [`BODY_MAX`] bytes (`413`)
/// before reading when `Content-Length` says so, and while reading when it
/// does not.
pub(crate) async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::detail(
            ProblemCode::PayloadTooLarge,
            format!("the body must be at most {BODY_MAX} bytes"),
        )
    };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > BODY_MAX as u64) {
        return Err(too_large());
    }
    // The only way to_bytes fails short of the limit is a broken
    // connection, whose answer nobody reads.
    axum::body::to_bytes(body, BODY_MAX)
        .await
        .map_err(|_| too_large())
}

/// `200` with `body` and its `ETag`, or `304` when `If-None-Match`
/// matches; both `Cache-Control: no-cache`.
pub(crate) fn tagged(
    request_headers: &HeaderMap,
    content_type: &'static str,
    body: Vec<u8>,
    tag: String,
) -> Response {
    let matched = request_headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| etag::if_none_match(v, &tag));
    let mut response = if matched {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(body));
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
    if let Ok(value) = HeaderValue::from_str(&tag) {
        headers.insert(ETAG, value);
    }
    response
}

/// A JSON answer with `status`, `Cache-Control: no-store`.
pub(crate) fn json(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(NO_STORE));
    response
}
