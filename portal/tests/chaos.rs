//! Chaos: the same seed gives the same faults, and each kind of fault is
//! what a client sees (and, for lost and truncated answers, the request
//! was carried out all the same).

mod common;

use common::*;
use docket_core::portal_api::paths;
use docket_portal::{ChaosOutcome, ChaosSpec};
use std::time::{Duration, Instant};

/// What a client can tell about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Answered(u16),
    /// Headers arrived, the body did not.
    BodyCut,
    /// No answer, quickly.
    Closed,
    /// No answer, after a wait.
    ClosedAfterWait,
}

fn expected(outcome: ChaosOutcome) -> Seen {
    match outcome {
        ChaosOutcome::Passed => Seen::Answered(200),
        ChaosOutcome::InternalError => Seen::Answered(500),
        ChaosOutcome::Unavailable => Seen::Answered(503),
        ChaosOutcome::RateLimited => Seen::Answered(429),
        ChaosOutcome::Hang => Seen::ClosedAfterWait,
        ChaosOutcome::Drop | ChaosOutcome::Lost => Seen::Closed,
        ChaosOutcome::Truncated => Seen::BodyCut,
    }
}

async fn observe(request: reqwest::RequestBuilder) -> (Seen, Option<Answer>) {
    let started = Instant::now();
    match request.send().await {
        Err(_) if started.elapsed() >= Duration::from_millis(900) => (Seen::ClosedAfterWait, None),
        Err(_) => (Seen::Closed, None),
        Ok(response) => {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(body) => (
                    Seen::Answered(status),
                    Some(Answer {
                        status,
                        headers,
                        body: body.to_vec(),
                    }),
                ),
                Err(_) => (Seen::BodyCut, None),
            }
        }
    }
}

async fn run_sequence(h: &Harness, count: u64) -> Vec<Seen> {
    let mut seen = Vec::new();
    for _ in 0..count {
        let (kind, answer) = observe(h.client.get(h.url(paths::TRUST_LIST))).await;
        if let Some(answer) = answer {
            match answer.status {
                200 => {}
                429 | 503 => {
                    assert_eq!(answer.header("retry-after"), Some("1"));
                    answer.assert_problem(
                        answer.status,
                        if answer.status == 429 {
                            "rate_limited"
                        } else {
                            "unavailable"
                        },
                    );
                }
                500 => {
                    answer.assert_problem(500, "internal_error");
                }
                other => panic!("unexpected {other}"),
            }
        }
        seen.push(kind);
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_seed_gives_the_same_faults() {
    let spec = ChaosSpec::parse("rate=0.7,seed=99,hang=1").unwrap();
    let count = 30;
    let predicted: Vec<Seen> = (0..count).map(|n| expected(spec.outcome(n))).collect();
    // Every kind a client can tell apart occurs in this sequence.
    for kind in [
        Seen::Answered(200),
        Seen::Answered(500),
        Seen::Answered(503),
        Seen::Answered(429),
        Seen::BodyCut,
        Seen::Closed,
        Seen::ClosedAfterWait,
    ] {
        assert!(
            predicted.contains(&kind),
            "seed 99 lacks {kind:?}; pick another"
        );
    }
    let (a, b) = tokio::join!(
        Harness::start_with(Some(spec)),
        Harness::start_with(Some(spec))
    );
    let (seen_a, seen_b) = tokio::join!(run_sequence(&a, count), run_sequence(&b, count));
    assert_eq!(seen_a, predicted);
    assert_eq!(seen_b, predicted);
    let counts = a.portal.chaos_counts();
    assert_eq!(counts, b.portal.chaos_counts());
    assert_eq!(counts.total(), count);
    for outcome in std::iter::once(ChaosOutcome::Passed).chain(ChaosOutcome::FAULTS) {
        let predicted = (0..count).filter(|&n| spec.outcome(n) == outcome).count() as u64;
        assert_eq!(counts.get(outcome), predicted, "{outcome:?}");
    }
    // Turned off at run time.
    a.portal.set_chaos(None);
    assert_eq!(run_sequence(&a, 5).await, vec![Seen::Answered(200); 5]);
    assert_eq!(a.portal.chaos_counts().passed, 5);
}

/// A spec whose first request meets `outcome`.
fn first_is(outcome: ChaosOutcome) -> ChaosSpec {
    (0..)
        .map(|seed| ChaosSpec::new(1.0, seed, Duration::from_secs(1)).unwrap())
        .find(|spec| spec.outcome(0) == outcome)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_is_what_a_client_sees_and_lost_answers_were_processed() {
    let h = Harness::start().await;
    let (_, wallet) = h.enrolled().await;
    for outcome in ChaosOutcome::FAULTS {
        let key = new_key();
        h.portal.set_chaos(Some(first_is(outcome)));
        let headers = wallet.sign(&Signing {
            method: "POST",
            path: paths::CHECK_INS,
            idempotency_key: Some(&key),
            body: check_in().as_bytes(),
            created: jiff::Timestamp::now(),
        });
        let request = h
            .client
            .post(h.url(paths::CHECK_INS))
            .header("content-type", "application/json")
            .header("idempotency-key", &key)
            .header("content-digest", &headers.content_digest)
            .header("signature-input", &headers.signature_input)
            .header("signature", &headers.signature)
            .body(check_in());
        let (seen, _) = observe(request).await;
        assert_eq!(seen, expected(outcome).min_status_for_post(), "{outcome:?}");
        assert_eq!(h.portal.chaos_counts().get(outcome), 1, "{outcome:?}");
        h.portal.set_chaos(None);
        // The retry tells whether the first attempt was carried out.
        let retry = wallet.submit(&h, paths::CHECK_INS, &key, &check_in()).await;
        assert_eq!(retry.status, 201, "{outcome:?}");
        let processed = matches!(outcome, ChaosOutcome::Lost | ChaosOutcome::Truncated);
        assert_eq!(
            retry.header("idempotent-replayed") == Some("true"),
            processed,
            "{outcome:?}"
        );
    }
    // Each item was received exactly once.
    assert_eq!(
        docket_portal::admin::received(&h.db).unwrap().len(),
        ChaosOutcome::FAULTS.len()
    );
}

trait ForPost {
    fn min_status_for_post(self) -> Seen;
}

impl ForPost for Seen {
    /// A submission's success is 201, not 200.
    fn min_status_for_post(self) -> Seen {
        match self {
            Seen::Answered(200) => Seen::Answered(201),
            other => other,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_for_a_hanging_request() {
    let spec = (0..)
        .map(|seed| ChaosSpec::new(1.0, seed, Duration::from_secs(60)).unwrap())
        .find(|spec| spec.outcome(0) == ChaosOutcome::Hang)
        .unwrap();
    let h = Harness::start_with(Some(spec)).await;
    let url = h.url(paths::TRUST_LIST);
    let client = h.client.clone();
    let hanging = tokio::spawn(async move { client.get(url).send().await.is_err() });
    // Let the request reach the server and start hanging.
    while h.portal.chaos_counts().hang == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let started = Instant::now();
    let Harness { portal, dir, .. } = h;
    portal.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(hanging.await.unwrap(), "the hanging request got an answer");
    drop(dir);
}
