//! Hooks into every call: an [`Interceptor`] sees (and may change) each outgoing request and
//! sees each response before it is decoded, with the operation's id.

use std::sync::Arc;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// What an interceptor is told about the call a request belongs to.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CallInfo<'a> {
    /// The operation's id in the spec, e.g. `conversation-list-conversations`.
    pub operation_id: &'a str,
    /// The HTTP method of the operation.
    pub method: &'a Method,
    /// The path template, e.g. `/v2/conversations/{conversationId}`.
    pub path_template: &'a str,
    /// The attempt, from 1 (retries count up).
    pub attempt: u32,
}

/// A hook into every request a client sends: add a header per call, record, sign. Set one per
/// client with [`ClientBuilder::interceptor`](super::ClientBuilder::interceptor), or for some
/// calls with [`Client::with_interceptor`](super::Client::with_interceptor).
///
/// The credential is attached after every interceptor has run, and only when the request still
/// goes to the API's origin: an interceptor cannot send it elsewhere, and never sees it.
pub trait Interceptor: Send + Sync {
    /// Before each attempt (and each redirect followed within the API's origin): may change the
    /// request's headers, URL or body.
    fn before_send(&self, request: &mut reqwest::Request, call: &CallInfo<'_>) {
        let _ = (request, call);
    }

    /// After each response arrived, before its body is read and decoded.
    fn after_receive(&self, status: StatusCode, headers: &HeaderMap, call: &CallInfo<'_>) {
        let _ = (status, headers, call);
    }
}

/// The interceptors of a client, in the order they were added.
#[derive(Clone, Default)]
pub(crate) struct Interceptors(pub(crate) Arc<Vec<Arc<dyn Interceptor>>>);

impl Interceptors {
    pub(crate) fn with(&self, interceptor: Arc<dyn Interceptor>) -> Self {
        let mut list: Vec<Arc<dyn Interceptor>> = self.0.iter().cloned().collect();
        list.push(interceptor);
        Self(Arc::new(list))
    }

    pub(crate) fn before_send(&self, request: &mut reqwest::Request, call: &CallInfo<'_>) {
        for interceptor in self.0.iter() {
            interceptor.before_send(request, call);
        }
    }

    pub(crate) fn after_receive(&self, status: StatusCode, headers: &HeaderMap, call: &CallInfo<'_>) {
        for interceptor in self.0.iter() {
            interceptor.after_receive(status, headers, call);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Interceptors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} interceptor(s)", self.0.len())
    }
}
