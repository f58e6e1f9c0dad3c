//! The `tracing` feature: one span per operation call, an event per retry. Nothing secret goes
//! into a field: no token, no header, no query values (the path template, not the path).

use std::time::{Duration, Instant};

use super::error::SendError;
use super::request::{RawResponse, Request};

/// The span of one call: `operation_id`, `method`, `path` (the template); `status`, `attempts`
/// and `duration_ms` are recorded when it ends.
pub(crate) fn call_span(request: &Request) -> tracing::Span {
    tracing::info_span!(
        "api_call",
        operation_id = request.operation_id,
        method = %request.method,
        path = request.path_template,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    )
}

pub(crate) fn finish(span: &tracing::Span, outcome: &Result<RawResponse, SendError>, started: Instant) {
    if let Ok(response) = outcome {
        span.record("status", response.status.as_u16());
    }
    span.record("duration_ms", started.elapsed().as_secs_f64() * 1000.0);
}

/// An event for a retry and its wait, inside the call's span.
pub(crate) fn retry(attempt: u32, wait: Duration, outcome: &Result<RawResponse, SendError>) {
    let status = outcome.as_ref().ok().map(|response| response.status.as_u16());
    tracing::info!(attempt, wait_ms = wait.as_millis() as u64, status, "retrying");
}
