//! The HTTP side of sync: one portal, one `reqwest` client (rustls), every
//! wallet request signed with the device key, every request under a
//! timeout, every answer read under a size limit.

use super::SyncConfig;
use crate::device::{DeviceSigner, SignerError};
use crate::portal_api::signing::{self, RequestTarget};
use crate::portal_api::{Problem, ProblemCode, headers};
use jiff::{SignedDuration, Timestamp};
use reqwest::header::{CONTENT_TYPE, ETAG, HeaderMap, IF_NONE_MATCH, RETRY_AFTER};
use reqwest::{Method, Url};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use thiserror::Error;

/// The code of an answer outside the API (a status it does not give, a
/// body that is not a problem document), made by the wallet, never sent
/// by a portal.
pub const UNEXPECTED_ANSWER: &str = "unexpected_answer";

/// Longest title or detail kept from a portal's problem, in characters.
const MAX_PROBLEM_TEXT: usize = 300;

/// Longest `Retry-After` honoured; a longer one is capped (the outbox's
/// own backoff cap applies after it).
const MAX_RETRY_AFTER_SECONDS: i64 = 6 * 3600;

/// A portal base URL the wallet will talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalUrl(Url);

/// Why a portal URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PortalUrlError {
    /// Not a URL.
    #[error("the portal address is not a URL: {0}")]
    NotAUrl(String),
    /// Plain HTTP to a host other than this computer, or another scheme.
    #[error("the portal address must start with https:// (plain http is only for this computer)")]
    NotHttps,
    /// A query, fragment or credentials in the URL.
    #[error("the portal address must not contain a query, fragment or password")]
    Extras,
}

impl PortalUrl {
    /// Checks a base URL: `https://`, or `http://` to a loopback host only
    /// (development and tests); no query, fragment or credentials.
    pub fn parse(text: &str) -> Result<Self, PortalUrlError> {
        let url = Url::parse(text.trim()).map_err(|e| PortalUrlError::NotAUrl(e.to_string()))?;
        let host = url
            .host_str()
            .ok_or_else(|| PortalUrlError::NotAUrl("no host".to_owned()))?;
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(PortalUrlError::NotHttps),
        }
        if url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(PortalUrlError::Extras);
        }
        Ok(PortalUrl(url))
    }

    /// The URL as text, without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    fn join(&self, path: &str) -> Result<Url, PortalUrlError> {
        Url::parse(&format!("{}{path}", self.as_str()))
            .map_err(|e| PortalUrlError::NotAUrl(e.to_string()))
    }

    fn path_prefix(&self) -> &str {
        self.0.path().trim_end_matches('/')
    }
}

/// A request failed before a complete answer arrived. All are worth
/// retrying; whether the portal acted on the request is unknown unless
/// the failure is [`Transport::Offline`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Transport {
    /// No connection could be made: no network, or the portal is down.
    /// The request was never sent.
    #[error("no connection to the portal")]
    Offline,
    /// No complete answer within the time allowed.
    #[error("the portal did not answer in time")]
    TimedOut,
    /// The connection broke, or the answer was cut short.
    #[error("the connection to the portal broke")]
    Interrupted,
    /// The answer was larger than such an answer can be.
    #[error("the portal's answer was too large")]
    TooLarge,
}

impl Transport {
    /// A stable code for logs and the outbox's `last_failure`.
    pub fn code(&self) -> &'static str {
        match self {
            Transport::Offline => "offline",
            Transport::TimedOut => "timed_out",
            Transport::Interrupted => "interrupted",
            Transport::TooLarge => "answer_too_large",
        }
    }
}

/// A request's failure: transport, signing, or an answer that is not
/// what the contract promises.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CallError {
    /// See [`Transport`].
    #[error(transparent)]
    Transport(#[from] Transport),
    /// The phone's key store could not sign.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// The URL could not be formed.
    #[error(transparent)]
    Url(#[from] PortalUrlError),
    /// The portal answered with an error where the caller needed a
    /// result (its problem code, or one made from the status).
    #[error("the portal answered {status} ({code})")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The problem code.
        code: String,
    },
}

impl CallError {
    /// A stable snake_case code: the transport's, the key store's, or the
    /// portal's problem code.
    pub fn code(&self) -> &str {
        match self {
            CallError::Transport(t) => t.code(),
            CallError::Signer(e) => e.code(),
            CallError::Url(_) => "bad_portal_url",
            CallError::Refused { code, .. } => code,
        }
    }
}

/// One request.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub method: Method,
    pub path: &'static str,
    pub body: Vec<u8>,
    pub json: bool,
    pub idempotency_key: Option<String>,
    pub if_none_match: Option<String>,
    pub signed: bool,
    pub max_answer: usize,
    pub timeout: Duration,
}

impl Call {
    pub fn get(path: &'static str, max_answer: usize, timeout: Duration) -> Self {
        Call {
            method: Method::GET,
            path,
            body: Vec::new(),
            json: false,
            idempotency_key: None,
            if_none_match: None,
            signed: true,
            max_answer,
            timeout,
        }
    }

    pub fn post_json(
        path: &'static str,
        body: Vec<u8>,
        max_answer: usize,
        timeout: Duration,
    ) -> Self {
        Call {
            method: Method::POST,
            body,
            json: true,
            ..Call::get(path, max_answer, timeout)
        }
    }
}

/// A complete answer.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub etag: Option<String>,
    pub retry_after: Option<SignedDuration>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The problem in an error answer, if it is one. Its code must look
    /// like a stable code (else it is not a problem of this API), and its
    /// words are made safe to store and show: nothing from the network is
    /// kept raw.
    pub fn problem(&self) -> Option<Problem> {
        let mut problem: Problem = serde_json::from_slice(&self.body).ok()?;
        if !crate::text::is_stable_code(&problem.code) {
            return None;
        }
        problem.title = crate::text::display_safe(&problem.title, MAX_PROBLEM_TEXT);
        problem.detail = problem
            .detail
            .map(|detail| crate::text::display_safe(&detail, MAX_PROBLEM_TEXT));
        problem.problem_type = crate::text::display_safe(&problem.problem_type, MAX_PROBLEM_TEXT);
        Some(problem)
    }

    /// The problem, or one made from the status when the body is not one
    /// (a proxy's error page, say).
    pub fn problem_or_status(&self) -> Problem {
        self.problem().unwrap_or_else(|| {
            let code = match self.status {
                429 => ProblemCode::RateLimited,
                503 => ProblemCode::Unavailable,
                500..=599 => ProblemCode::InternalError,
                // Never a code the portal did not send: a status outside
                // the API is named as such.
                status => {
                    let mut problem = Problem::new(
                        ProblemCode::InvalidRequest,
                        Some(format!("the portal answered HTTP {status}")),
                    );
                    problem.code = UNEXPECTED_ANSWER.to_owned();
                    problem.problem_type = format!("urn:docket:problem:{UNEXPECTED_ANSWER}");
                    problem.title = "Unexpected answer".to_owned();
                    problem.status = status;
                    return problem;
                }
            };
            let mut problem = Problem::new(code, None);
            problem.status = self.status;
            problem
        })
    }
}

/// A portal as the wallet sees it.
pub struct PortalClient {
    url: PortalUrl,
    http: reqwest::Client,
    signer: Arc<dyn DeviceSigner + Send + Sync>,
    /// Portal clock minus ours, in seconds, learned from a
    /// `signature_stale` answer: a phone with a wrong clock still syncs.
    clock_offset: AtomicI64,
}

impl std::fmt::Debug for PortalClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalClient")
            .field("url", &self.url)
            .finish()
    }
}

impl PortalClient {
    /// A client for `url`, signing with `signer`.
    pub fn new(
        url: PortalUrl,
        signer: Arc<dyn DeviceSigner + Send + Sync>,
        config: &SyncConfig,
    ) -> Result<Self, CallError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("DocketWallet/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .https_only(url.0.scheme() == "https")
            .build()
            .map_err(|_| Transport::Offline)?;
        Ok(PortalClient {
            url,
            http,
            signer,
            clock_offset: AtomicI64::new(0),
        })
    }

    /// A client for `url` that sends only unsigned requests (the public
    /// lists an officer's phone downloads): it holds no device key, and a
    /// signed request through it fails as the key store would.
    pub fn unsigned(url: PortalUrl, config: &SyncConfig) -> Result<Self, CallError> {
        PortalClient::new(url, Arc::new(NoDeviceKey), config)
    }

    /// The device public key requests are signed with.
    pub fn device_public_key(&self) -> Result<crate::device::DevicePublicKey, SignerError> {
        self.signer.public_key()
    }

    /// The portal's URL.
    pub fn url(&self) -> &PortalUrl {
        &self.url
    }

    /// Sends `call`; when the portal says our signature's time is off,
    /// corrects the clock from its answer and signs once more.
    pub(crate) async fn send(&self, call: &Call) -> Result<Answer, CallError> {
        let answer = self.send_once(call).await?;
        if answer.status == 401
            && let Some(problem) = answer.problem()
            && problem.known_code() == Some(ProblemCode::SignatureStale)
            && let Some(server_time) = problem.server_time
        {
            let offset = server_time.as_second() - Timestamp::now().as_second();
            self.clock_offset.store(offset, Ordering::Relaxed);
            return self.send_once(call).await;
        }
        Ok(answer)
    }

    fn now(&self) -> Timestamp {
        let offset = self.clock_offset.load(Ordering::Relaxed);
        Timestamp::now()
            .checked_add(SignedDuration::from_secs(offset))
            .unwrap_or_else(|_| Timestamp::now())
    }

    async fn send_once(&self, call: &Call) -> Result<Answer, CallError> {
        let url = self.url.join(call.path)?;
        let mut request = self
            .http
            .request(call.method.clone(), url)
            .timeout(call.timeout)
            .body(call.body.clone());
        if call.json {
            request = request.header(CONTENT_TYPE, "application/json");
        }
        if let Some(key) = &call.idempotency_key {
            request = request.header(headers::IDEMPOTENCY_KEY, key);
        }
        if let Some(etag) = &call.if_none_match {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if call.signed {
            let path = format!("{}{}", self.url.path_prefix(), call.path);
            let target = RequestTarget {
                method: call.method.as_str(),
                path: &path,
                query: None,
                idempotency_key: call.idempotency_key.as_deref(),
                body: &call.body,
            };
            let nonce = signing::new_nonce()
                .map_err(|e| SignerError::Platform(format!("no randomness for a nonce: {e}")))?;
            let signed = signing::sign(&target, self.signer.as_ref(), self.now(), &nonce)?;
            request = request
                .header(headers::CONTENT_DIGEST, signed.content_digest)
                .header(headers::SIGNATURE_INPUT, signed.signature_input)
                .header(headers::SIGNATURE, signed.signature);
        }
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let etag = header_text(response.headers(), ETAG);
        let retry_after = retry_after(response.headers());
        let declared = response.content_length().unwrap_or(0);
        if declared > call.max_answer as u64 {
            return Err(Transport::TooLarge.into());
        }
        let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > call.max_answer {
                return Err(Transport::TooLarge.into());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            etag,
            retry_after,
            body,
        })
    }
}

/// The signer of an [`PortalClient::unsigned`] client.
struct NoDeviceKey;

impl NoDeviceKey {
    fn refusal() -> SignerError {
        SignerError::Platform(
            "this client has no device key; it sends only unsigned requests".to_owned(),
        )
    }
}

impl DeviceSigner for NoDeviceKey {
    fn public_key(&self) -> Result<crate::device::DevicePublicKey, SignerError> {
        Err(NoDeviceKey::refusal())
    }

    fn sign(&self, _message: &[u8]) -> Result<Vec<u8>, SignerError> {
        Err(NoDeviceKey::refusal())
    }
}

fn transport(error: reqwest::Error) -> CallError {
    let failure = if error.is_timeout() {
        Transport::TimedOut
    } else if error.is_connect() {
        Transport::Offline
    } else {
        Transport::Interrupted
    };
    failure.into()
}

fn header_text(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `Retry-After` in seconds (the HTTP-date form is rare from APIs and is
/// treated as absent: the backoff still applies).
fn retry_after(headers: &HeaderMap) -> Option<SignedDuration> {
    let seconds: i64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (seconds >= 0).then(|| SignedDuration::from_secs(seconds.min(MAX_RETRY_AFTER_SECONDS)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_urls_must_be_https_except_on_this_computer() {
        assert!(PortalUrl::parse("https://portal.example.gov").is_ok());
        assert!(PortalUrl::parse("http://127.0.0.1:8080").is_ok());
        assert!(PortalUrl::parse("http://localhost:8080/").is_ok());
        assert!(PortalUrl::parse("http://[::1]:8080").is_ok());
        assert_eq!(
            PortalUrl::parse("http://portal.example.gov"),
            Err(PortalUrlError::NotHttps)
        );
        assert_eq!(
            PortalUrl::parse("ftp://127.0.0.1"),
            Err(PortalUrlError::NotHttps)
        );
        assert_eq!(
            PortalUrl::parse("https://portal.example.gov/?x=1"),
            Err(PortalUrlError::Extras)
        );
        assert_eq!(
            PortalUrl::parse("https://me:pw@portal.example.gov"),
            Err(PortalUrlError::Extras)
        );
        assert!(matches!(
            PortalUrl::parse("portal"),
            Err(PortalUrlError::NotAUrl(_))
        ));
        assert_eq!(
            PortalUrl::parse("https://portal.example.gov/base/")
                .unwrap()
                .as_str(),
            "https://portal.example.gov/base"
        );
    }

    /// idna's back end is the ASCII-only stub (the workspace pins
    /// idna_adapter 1.0): a host with a look-alike letter is refused, not
    /// mapped to some other name.
    #[test]
    fn a_non_ascii_portal_host_is_refused() {
        // The "о" is Cyrillic.
        assert!(matches!(
            PortalUrl::parse("https://p\u{43e}rtal.example.gov"),
            Err(PortalUrlError::NotAUrl(_))
        ));
        assert!(matches!(
            PortalUrl::parse("https://portal.ex\u{e1}mple.gov"),
            Err(PortalUrlError::NotAUrl(_))
        ));
    }
}
