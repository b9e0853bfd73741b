//! Sending one outbox item: the request, then the commit of its outcome.
//!
//! [`send_item`] is spawned as its own task by the pass: if the caller
//! stops waiting (a cancelled coroutine, a closed screen), the request
//! and the commit of its answer still complete. An item whose answer is
//! lost anyway (the app killed) stays `sending`, goes back to the queue at
//! the next open, and is sent again under the same idempotency key, which
//! the portal answers as it did the first time.

use super::MAX_SMALL_ANSWER;
use super::client::{Call, CallError, PortalClient, Transport};
use super::report::ItemOutcome;
use crate::outbox::{ItemKind, OutboxItem, ParkReason, Receipt};
use crate::portal_api::{Problem, ProblemCode, SubmissionReceipt, paths};
use crate::store::{StoreError, StoreThread};
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use std::time::Duration;

/// An attempt's result as the pass needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attempt {
    pub outcome: ItemOutcome,
    /// The portal could not be reached: stop the pass.
    pub offline: bool,
}

/// What the answer means for the item, before it is committed.
enum Verdict {
    Sent(Receipt),
    Park(ParkReason),
    Retry {
        failure: String,
        retry_after: Option<SignedDuration>,
        /// No connection: stop the pass.
        offline: bool,
        /// The request never left the phone (no connection, or the key
        /// store could not sign): the attempt does not count.
        unsent: bool,
    },
}

/// Sends `item` (already claimed) and commits the outcome.
pub(crate) async fn send_item(
    store: StoreThread,
    client: Arc<PortalClient>,
    item: OutboxItem,
    timeout: Duration,
) -> Result<Attempt, StoreError> {
    let path = match item.kind() {
        ItemKind::CheckIn => paths::CHECK_INS,
        ItemKind::AddressChange => paths::ADDRESS_CHANGES,
    };
    let mut call = Call::post_json(path, item.body.clone(), MAX_SMALL_ANSWER, timeout);
    call.idempotency_key = Some(item.idempotency_key.clone());
    let verdict = judge(client.send(&call).await, item.kind());
    let id = item.id;
    let now = Timestamp::now();
    Ok(match verdict {
        Verdict::Sent(receipt) => {
            let saved = receipt.clone();
            store.run(move |s| s.mark_sent(id, &saved, now)).await?;
            Attempt {
                outcome: ItemOutcome::Sent(receipt),
                offline: false,
            }
        }
        Verdict::Park(reason) => {
            let saved = reason.clone();
            store.run(move |s| s.park(id, &saved)).await?;
            Attempt {
                outcome: ItemOutcome::Parked(reason),
                offline: false,
            }
        }
        Verdict::Retry {
            failure,
            retry_after,
            offline,
            unsent,
        } => {
            let code = failure.clone();
            // The request never left the phone, so the attempt does not
            // count (the item stays editable).
            let due = if unsent {
                store.run(move |s| s.release_unsent(id, &code, now)).await?
            } else {
                store
                    .run(move |s| s.mark_failed(id, &code, retry_after, now))
                    .await?
            };
            Attempt {
                outcome: ItemOutcome::WillRetry { failure, due },
                offline,
            }
        }
    })
}

fn judge(result: Result<super::client::Answer, CallError>, kind: ItemKind) -> Verdict {
    let answer = match result {
        Ok(answer) => answer,
        Err(error) => {
            let failure = match &error {
                CallError::Transport(t) => t.code().to_owned(),
                CallError::Signer(e) => e.code().to_owned(),
                CallError::Url(_) => "bad_portal_url".to_owned(),
                CallError::Refused { code, .. } => code.clone(),
            };
            let offline = error == CallError::Transport(Transport::Offline);
            return Verdict::Retry {
                failure,
                retry_after: None,
                offline,
                unsent: offline || matches!(error, CallError::Signer(_)),
            };
        }
    };
    match answer.status {
        200 | 201 => judge_receipt(&answer.body, kind),
        400..=599 => match answer.problem() {
            Some(problem) => judge_problem(&problem, answer.status, answer.retry_after),
            // A proxy's error page in front of the portal: transient.
            None if answer.status >= 500 || answer.status == 429 || answer.status == 408 => {
                retry(&format!("http_{}", answer.status), answer.retry_after)
            }
            None => Verdict::Park(ParkReason::UnexpectedAnswer {
                status: answer.status,
            }),
        },
        // 1xx, 204 and other 2xx, redirects (never followed): not what
        // the API answers to a submission.
        status => Verdict::Park(ParkReason::UnexpectedAnswer { status }),
    }
}

/// A `200`/`201`: sent only with a receipt the API allows for this kind.
fn judge_receipt(body: &[u8], kind: ItemKind) -> Verdict {
    match serde_json::from_slice::<SubmissionReceipt>(body) {
        Ok(receipt) if SubmissionReceipt::is_valid_reference(kind, &receipt.reference) => {
            Verdict::Sent(Receipt {
                received_at: receipt.received_at,
                reference: Some(receipt.reference),
            })
        }
        Ok(_) => Verdict::Park(ParkReason::InvalidReceipt),
        // The portal has it but the receipt is unreadable (cut short, say):
        // asking again under the same key gets the receipt again.
        Err(_) => retry("unreadable_receipt", None),
    }
}

fn judge_problem(problem: &Problem, status: u16, retry_after: Option<SignedDuration>) -> Verdict {
    use ProblemCode as P;
    let refused = || {
        Verdict::Park(ParkReason::Refused {
            code: problem.code.clone(),
            detail: problem
                .detail
                .clone()
                .unwrap_or_else(|| problem.title.clone()),
        })
    };
    match problem.known_code() {
        Some(P::IdempotencyKeyReused) => Verdict::Park(ParkReason::KeyConflict),
        // The key the portal holds for us no longer matches, or we are not
        // enrolled there: retrying cannot help, the holder must act.
        Some(
            P::UnknownWallet
            | P::BindingRevoked
            | P::SignatureInvalid
            | P::SignatureMalformed
            | P::DigestMismatch,
        ) => Verdict::Park(ParkReason::NotAuthorized {
            code: problem.code.clone(),
        }),
        Some(
            P::SignatureStale
            | P::SignatureReplayed
            | P::IdempotencyKeyInUse
            | P::RateLimited
            | P::Unavailable
            | P::InternalError,
        ) => retry(&problem.code, retry_after),
        Some(_) => refused(),
        None if status >= 500 || status == 429 || status == 408 => {
            retry(&problem.code, retry_after)
        }
        None => refused(),
    }
}

fn retry(failure: &str, retry_after: Option<SignedDuration>) -> Verdict {
    Verdict::Retry {
        failure: failure.to_owned(),
        retry_after,
        offline: false,
        unsent: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge_any(result: Result<super::super::client::Answer, CallError>) -> Verdict {
        judge(result, ItemKind::CheckIn)
    }

    fn problem(code: ProblemCode) -> Problem {
        Problem::new(code, Some("because".to_owned()))
    }

    #[test]
    fn refusals_park_and_transient_failures_retry() {
        assert!(matches!(
            judge_problem(&problem(ProblemCode::SubmissionInvalid), 422, None),
            Verdict::Park(ParkReason::Refused { ref code, ref detail })
                if code == "submission_invalid" && detail == "because"
        ));
        assert!(matches!(
            judge_problem(&problem(ProblemCode::IdempotencyKeyReused), 422, None),
            Verdict::Park(ParkReason::KeyConflict)
        ));
        assert!(matches!(
            judge_problem(&problem(ProblemCode::UnknownWallet), 401, None),
            Verdict::Park(ParkReason::NotAuthorized { .. })
        ));
        for code in [
            ProblemCode::RateLimited,
            ProblemCode::Unavailable,
            ProblemCode::InternalError,
            ProblemCode::SignatureReplayed,
            ProblemCode::IdempotencyKeyInUse,
        ] {
            assert!(
                matches!(
                    judge_problem(&problem(code), code.status(), None),
                    Verdict::Retry { offline: false, .. }
                ),
                "{code:?}"
            );
        }
    }

    #[test]
    fn unknown_codes_go_by_status() {
        let mut future = problem(ProblemCode::InternalError);
        future.code = "some_future_code".to_owned();
        assert!(matches!(
            judge_problem(&future, 503, None),
            Verdict::Retry { .. }
        ));
        assert!(matches!(
            judge_problem(&future, 400, None),
            Verdict::Park(_)
        ));
    }

    #[test]
    fn transport_failures_retry_and_only_no_connection_is_offline() {
        assert!(matches!(
            judge_any(Err(Transport::Offline.into())),
            Verdict::Retry { offline: true, .. }
        ));
        for failure in [
            Transport::TimedOut,
            Transport::Interrupted,
            Transport::TooLarge,
        ] {
            assert!(matches!(
                judge_any(Err(failure.into())),
                Verdict::Retry {
                    offline: false,
                    unsent: false,
                    ..
                }
            ));
        }
    }

    #[test]
    fn a_request_the_key_store_could_not_sign_was_never_sent() {
        let error = CallError::Signer(crate::device::SignerError::Locked);
        assert!(matches!(
            judge_any(Err(error)),
            Verdict::Retry {
                offline: false,
                unsent: true,
                ..
            }
        ));
    }

    fn answer(status: u16, body: &str) -> super::super::client::Answer {
        super::super::client::Answer {
            status,
            etag: None,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        }
    }

    /// Issue 14: answers 204, 302 and 418 parked items as
    /// `invalid_request`, a code the portal never sent.
    #[test]
    fn unexpected_statuses_park_with_a_reason_that_names_them() {
        for status in [204, 302, 418, 100, 202] {
            assert!(
                matches!(
                    judge_any(Ok(answer(status, "<html>teapot</html>"))),
                    Verdict::Park(ParkReason::UnexpectedAnswer { status: s }) if s == status
                ),
                "{status}"
            );
        }
        // A proxy's page on a 502 is transient, named by its status.
        assert!(matches!(
            judge_any(Ok(answer(502, "<html>bad gateway</html>"))),
            Verdict::Retry { ref failure, .. } if failure == "http_502"
        ));
        // A "problem" whose code is not a stable code is not one.
        let hostile = r#"{"type":"x","title":"t","status":422,"code":"\u001b[2J\u202e"}"#;
        assert!(matches!(
            judge_any(Ok(answer(422, hostile))),
            Verdict::Park(ParkReason::UnexpectedAnswer { status: 422 })
        ));
    }

    /// Issue 14: a receipt whose reference broke the documented pattern
    /// still marked the item sent, and `history` printed it raw.
    #[test]
    fn a_receipt_that_breaks_the_spec_does_not_count_as_sent() {
        let receipt = |reference: &str| {
            serde_json::json!({"reference": reference, "received_at": "2026-12-01T10:00:00Z"})
                .to_string()
        };
        let good = judge(Ok(answer(201, &receipt("CI-28T5-CY4T"))), ItemKind::CheckIn);
        assert!(
            matches!(good, Verdict::Sent(ref r) if r.reference.as_deref() == Some("CI-28T5-CY4T"))
        );
        for bad in [
            "AC-28T5-CY4T",
            "CI-28T5-CY4T\u{1b}[2J",
            "CI-28T5-CY4T\n\u{202E}evil",
            &"X".repeat(10_000),
        ] {
            assert!(
                matches!(
                    judge(Ok(answer(201, &receipt(bad))), ItemKind::CheckIn),
                    Verdict::Park(ParkReason::InvalidReceipt)
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_portals_words_are_kept_only_once_made_safe() {
        let problem = serde_json::json!({
            "type": "urn:docket:problem:submission_invalid",
            "title": "no",
            "status": 422,
            "code": "submission_invalid",
            "detail": format!("bad\n\u{1b}[31maddress\u{202E}{}", "x".repeat(5_000)),
        })
        .to_string();
        let Verdict::Park(ParkReason::Refused { code, detail }) =
            judge_any(Ok(answer(422, &problem)))
        else {
            panic!("a content refusal parks");
        };
        assert_eq!(code, "submission_invalid");
        assert!(detail.starts_with("bad [31maddress"), "{detail}");
        assert!(detail.chars().count() <= 301);
        assert!(!detail.chars().any(|c| c.is_control() || c == '\u{202E}'));
    }
}
