//! Fault injection: latency, transient 5xx answers, dropped connections and a failing Nth
//! write, so tests can prove what a client does when the network and the server misbehave.

use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body::Frame;

/// Faults to inject. The default injects none.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added before every answer.
    pub latency: Duration,
    /// The share of requests (0.0–1.0) answered `503` with `retryable: true` before anything
    /// is done, as a transient server failure.
    pub error_rate: f64,
    /// The share of requests (0.0–1.0) whose connection is dropped *after* the request was
    /// processed: a write is applied but the client never learns it.
    pub drop_rate: f64,
    /// Writes (1-based, counting every `POST`, `PUT` and `DELETE` but `POST /api/token`) that
    /// fail with `500` and `retryable: false` without being applied.
    pub fail_writes: Vec<u64>,
    /// Seed of the generator that decides which requests fail, so runs are reproducible.
    pub seed: u64,
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Serve it normally.
    Serve,
    /// Answer 503 without processing it.
    Transient,
    /// Answer 500 without processing it (the Nth write).
    FailWrite(u64),
    /// Process it, then drop the connection instead of answering.
    Drop,
}

/// The fault state shared by all requests.
#[derive(Debug)]
pub(crate) struct FaultState {
    faults: Faults,
    inner: Mutex<FaultCounters>,
}

#[derive(Debug)]
struct FaultCounters {
    rng: u64,
    writes: u64,
}

impl FaultState {
    pub(crate) fn new(faults: Faults) -> FaultState {
        let seed = faults.seed ^ 0x9E37_79B9_7F4A_7C15;
        FaultState {
            faults,
            inner: Mutex::new(FaultCounters {
                rng: seed.max(1),
                writes: 0,
            }),
        }
    }

    pub(crate) fn latency(&self) -> Duration {
        self.faults.latency
    }

    /// Decides the fate of a request; counts writes.
    pub(crate) fn verdict(&self, method: &Method, path: &str) -> Verdict {
        let mut counters = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let is_write =
            matches!(*method, Method::POST | Method::PUT | Method::DELETE) && path != "/api/token";
        if is_write {
            counters.writes += 1;
            if self.faults.fail_writes.contains(&counters.writes) {
                return Verdict::FailWrite(counters.writes);
            }
        }
        if self.faults.error_rate > 0.0 && counters.next_unit() < self.faults.error_rate {
            return Verdict::Transient;
        }
        if self.faults.drop_rate > 0.0 && counters.next_unit() < self.faults.drop_rate {
            return Verdict::Drop;
        }
        Verdict::Serve
    }
}

impl FaultCounters {
    /// xorshift64*: a uniform number in [0, 1).
    fn next_unit(&mut self) -> f64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        let bits = x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        bits as f64 / (1u64 << 53) as f64
    }
}

/// A 503 as a transient failure (contract §4.5: `TransientException` is `retryable: true`).
pub(crate) fn transient_response() -> Response {
    crate::routes::error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        "injected transient failure",
        true,
    )
}

/// A 500 for the Nth write.
pub(crate) fn failed_write_response(write: u64) -> Response {
    crate::routes::error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        &format!("injected failure of write {write}"),
        false,
    )
}

/// A response whose body fails at once: hyper aborts the connection, so the client sees the
/// connection closed before the response completed.
pub(crate) fn dropped_response() -> Response {
    (StatusCode::OK, Body::new(AbortingBody)).into_response()
}

struct AbortingBody;

impl http_body::Body for AbortingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected dropped connection",
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_honoured_and_the_nth_write_fails() {
        let state = FaultState::new(Faults {
            error_rate: 0.3,
            drop_rate: 0.2,
            fail_writes: vec![3],
            seed: 7,
            ..Faults::default()
        });
        let verdicts: Vec<Verdict> = (0..1000)
            .map(|_| state.verdict(&Method::GET, "/api/metadata/workflow"))
            .collect();
        let transient = verdicts
            .iter()
            .filter(|v| **v == Verdict::Transient)
            .count();
        let dropped = verdicts.iter().filter(|v| **v == Verdict::Drop).count();
        assert!((220..380).contains(&transient), "{transient}");
        assert!((90..200).contains(&dropped), "{dropped}");
        let writes: Vec<Verdict> = (0..3)
            .map(|_| state.verdict(&Method::PUT, "/api/metadata/workflow"))
            .collect();
        assert_eq!(writes.get(2), Some(&Verdict::FailWrite(3)));
    }
}
