//! The test harness: a real portal on 127.0.0.1:0 over a fresh issuer and
//! database, and a raw wallet client that signs with core's signing code.

#![allow(dead_code)]

use docket_core::device::SoftwareDeviceKey;
use docket_core::portal_api::signing::{self, RequestTarget, SignatureHeaders};
use docket_core::portal_api::{ActivationCode, paths};
use docket_core::trust::KeyId;
use docket_issuer::{CardRequest, IssuerDir};
use docket_portal::admin::{self, NewHolder};
use docket_portal::{PortalConfig, RunningPortal};
use jiff::{SignedDuration, Timestamp};
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::path::PathBuf;

pub const CARD_JSON: &str = r#"{"family_name":"Nguyễn","given_names":"Thị Lan","date_of_birth":"1985-03",
"sex":"F","nationality":"VNM","expires":"2030-06-30"}"#;

pub const HEARINGS_JSON: &str = r#"[{"id":"H-2027-0042","starts":{"local":"2027-03-15T09:00:00","time_zone":"America/Chicago"},"court":{"name":"Houston Immigration Court","address":"600 Jefferson St\nHouston, TX 77002"},"judge":"A. Judge","kind":"master_calendar","status":"scheduled"}]"#;

pub const PHOTO: &[u8] = b"\xff\xd8\xff\xe0 a photo, as far as the portal cares";

/// A valid check-in made an hour ago (the portal accepts check-ins dated
/// within a year before and a day after its own clock).
pub fn check_in() -> String {
    format!(
        r#"{{"checked_in_at":"{}","note":"Estoy aquí"}}"#,
        an_hour_ago()
    )
}

/// An hour ago, whole seconds, as RFC 3339.
pub fn an_hour_ago() -> String {
    let at = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    jiff::Timestamp::from_second(at.as_second())
        .unwrap_or(at)
        .to_string()
}
/// A valid address change, moved two days ago (the portal checks the move
/// date against its own today).
pub fn address_change() -> String {
    let moved_on = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .checked_sub(jiff::Span::new().days(2))
        .unwrap();
    format!(
        r#"{{"address":{{"street":["123 Main St","Apt 4"],"city":"Austin","state":"TX","zip":"78701"}},"moved_on":"{moved_on}"}}"#
    )
}

/// A portal with its files.
pub struct Harness {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub issuer: PathBuf,
    pub portal: RunningPortal,
    pub client: reqwest::Client,
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem document with `code` and `status`.
    pub fn assert_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(
            (self.status, self.header("content-type")),
            (status, Some("application/problem+json")),
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let json = self.json();
        assert_eq!(json["code"], code, "{json}");
        assert_eq!(json["status"], status);
        assert_eq!(json["type"], format!("urn:docket:problem:{code}"));
        assert_eq!(self.header("cache-control"), Some("no-store"));
        json
    }
}

impl Harness {
    pub async fn start() -> Harness {
        Self::start_with(None).await
    }

    pub async fn start_with(chaos: Option<docket_portal::ChaosSpec>) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let issuer = dir.path().join("issuer");
        IssuerDir::create(&issuer, KeyId(1), Timestamp::now()).unwrap();
        let db = dir.path().join("portal.sqlite");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let portal = docket_portal::serve(
            PortalConfig {
                db: db.clone(),
                issuer: issuer.clone(),
                chaos,
            },
            listener,
        )
        .await
        .unwrap();
        Harness {
            dir,
            db,
            issuer,
            portal,
            client: client(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.portal.url())
    }

    /// A new holder with the sample card, photo and hearings.
    pub fn add_holder(&self) -> NewHolder {
        self.add_holder_valid_for(admin::DEFAULT_CODE_VALID_DAYS)
    }

    pub fn add_holder_valid_for(&self, days: u32) -> NewHolder {
        admin::add_holder_with_validity(
            &self.db,
            &self.issuer,
            &CardRequest::parse(CARD_JSON).unwrap(),
            PHOTO,
            Some(HEARINGS_JSON.as_bytes()),
            Timestamp::now(),
            days,
        )
        .unwrap()
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        read(request.send().await.unwrap()).await
    }

    /// A holder enrolled with a fresh wallet.
    pub async fn enrolled(&self) -> (NewHolder, Wallet) {
        let holder = self.add_holder();
        let wallet = Wallet::new();
        let answer = wallet
            .enroll(self, &holder.card_qr, &holder.activation_code.to_string())
            .await;
        assert_eq!(
            answer.status,
            201,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        (holder, wallet)
    }
}

/// A client without connection reuse, so that a connection chaos closed
/// is never picked up again.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap()
}

pub async fn read(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap().to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// A wallet: a software device key and the signing profile.
pub struct Wallet {
    pub key: SoftwareDeviceKey,
}

/// How to sign one request.
pub struct Signing<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub body: &'a [u8],
    pub created: Timestamp,
}

impl Wallet {
    pub fn new() -> Wallet {
        Wallet {
            key: SoftwareDeviceKey::generate().unwrap(),
        }
    }

    pub fn public_hex(&self) -> String {
        self.key.public().to_hex()
    }

    pub fn key_id(&self) -> String {
        signing::key_id(&self.key.public())
    }

    pub fn sign(&self, s: &Signing<'_>) -> SignatureHeaders {
        let target = RequestTarget {
            method: s.method,
            path: s.path,
            query: None,
            idempotency_key: s.idempotency_key,
            body: s.body,
        };
        signing::sign(
            &target,
            &self.key,
            s.created,
            &signing::new_nonce().unwrap(),
        )
        .unwrap()
    }

    /// Sends a request signed now.
    pub async fn send(
        &self,
        h: &Harness,
        method: &str,
        path: &str,
        idempotency_key: Option<&str>,
        body: &[u8],
        extra: &[(&str, &str)],
    ) -> Answer {
        let headers = self.sign(&Signing {
            method,
            path,
            idempotency_key,
            body,
            created: Timestamp::now(),
        });
        send_signed(h, method, path, idempotency_key, body, &headers, extra).await
    }

    pub async fn enroll(&self, h: &Harness, card_qr: &str, code: &str) -> Answer {
        let body = enrollment_body(card_qr, code, &self.public_hex());
        self.send(
            h,
            "POST",
            paths::ENROLLMENTS,
            None,
            &body,
            &[("content-type", "application/json")],
        )
        .await
    }

    pub async fn hearings(&self, h: &Harness, extra: &[(&str, &str)]) -> Answer {
        self.send(h, "GET", paths::HEARINGS, None, b"", extra).await
    }

    pub async fn submit(&self, h: &Harness, path: &str, key: &str, body: &str) -> Answer {
        self.send(
            h,
            "POST",
            path,
            Some(key),
            body.as_bytes(),
            &[("content-type", "application/json")],
        )
        .await
    }
}

pub fn enrollment_body(card_qr: &str, code: &str, device_key: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "card_qr": card_qr,
        "activation_code": code,
        "device_public_key": device_key,
    }))
    .unwrap()
}

pub async fn send_signed(
    h: &Harness,
    method: &str,
    path: &str,
    idempotency_key: Option<&str>,
    body: &[u8],
    signature: &SignatureHeaders,
    extra: &[(&str, &str)],
) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = h
        .client
        .request(method, h.url(path))
        .header("content-digest", &signature.content_digest)
        .header("signature-input", &signature.signature_input)
        .header("signature", &signature.signature)
        .body(body.to_vec());
    if let Some(key) = idempotency_key {
        request = request.header("idempotency-key", key);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    read(request.send().await.unwrap()).await
}

pub fn new_key() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub fn minutes_ago(minutes: i64) -> Timestamp {
    Timestamp::now()
        .checked_sub(SignedDuration::from_mins(minutes))
        .unwrap()
}

/// A code that is surely not `code`.
pub fn other_code(code: &ActivationCode) -> String {
    loop {
        let other = ActivationCode::generate().unwrap();
        if other != *code {
            return other.to_string();
        }
    }
}
