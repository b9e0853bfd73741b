//! The committed test vectors are exactly what the generator makes, and
//! each one verifies as it says when read back from the file alone.

mod common;

use docket_core::qr::QrMatrix;
use docket_core::sc1::Presentation;
use docket_core::trust::{Ed25519PublicKey, TrustStore};
use docket_core::verify::{Verifier, VerifierPolicy};
use serde_json::Value;

fn committed() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(common::vectors::VECTOR_FILE);
    std::fs::read_to_string(path).expect("tests/vectors/sc1-v1.json is committed")
}

#[test]
fn the_committed_vectors_are_reproducible() {
    assert!(
        committed() == common::vectors::render(),
        "tests/vectors/sc1-v1.json differs from what the generator makes; \
         run `cargo run -p docket-core --example gen-vectors` and review the diff"
    );
}

#[test]
fn every_vector_verifies_as_the_file_says() {
    let file: Value = serde_json::from_str(&committed()).unwrap();
    let hex_field = |name: &str| hex::decode(file[name].as_str().unwrap()).unwrap();
    let now: jiff::Timestamp = file["verification_time"].as_str().unwrap().parse().unwrap();
    let root = Ed25519PublicKey::from_hex(file["root_public_key"].as_str().unwrap()).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 40);
    let (mut valid, mut invalid) = (0, 0);
    for vector in vectors {
        let name = vector["name"].as_str().unwrap();
        let text = vector["text"].as_str().unwrap();
        let expected = &vector["expected"];
        // A fresh verifier per vector: no replay memory carries over.
        let mut store = TrustStore::new(vec![root]);
        store
            .install_trust_list(&hex_field("trust_list"), now)
            .unwrap();
        store
            .install_status_list(&hex_field("status_list"), now)
            .unwrap();
        let at = match vector["verification_time"].as_str() {
            Some(time) => time.parse().unwrap(),
            None => now,
        };
        let verdict = Verifier::new(store, VerifierPolicy::default()).verify_text(text, at);
        let reasons: Vec<Value> = verdict
            .reason_codes()
            .into_iter()
            .map(Value::from)
            .collect();
        assert_eq!(&Value::from(reasons), &expected["reasons"], "{name}");
        assert_eq!(expected["verdict"] == "valid", verdict.is_valid(), "{name}");
        assert_eq!(
            serde_json::to_value(&verdict.holder).unwrap(),
            expected["holder"],
            "{name}"
        );
        let qr_version = Presentation::from_text(text)
            .ok()
            .map(|_| QrMatrix::encode(text).unwrap().version());
        assert_eq!(
            serde_json::to_value(qr_version).unwrap(),
            expected["qr_version"],
            "{name}"
        );
        if verdict.is_valid() {
            valid += 1
        } else {
            invalid += 1
        }
    }
    assert!(
        valid >= 6 && invalid >= 25,
        "{valid} valid, {invalid} invalid"
    );
}
