//! The `test-util` feature: an in-process mock of the API for the tests of programs that use
//! this crate. No network, no port: a client built with [`ClientBuilder::mock`] hands every
//! request to the [`Mock`], which answers per operation with a value the test set (or a
//! closure of the request) and records every request for the test to check.
//!
//! ```ignore
//! let mock = Mock::new();
//! mock.respond(ListConversations::OPERATION_ID, MockResponse::json(200, &conversations));
//! let client = Client::builder().mock(mock.clone()).build()?;
//! my_code(&client).await;
//! assert_eq!(mock.requests()[0].query_pairs(), [("limit".into(), "100".into())]);
//! ```
//!
//! The answer travels through the client's whole decoding path, so the code under test sees
//! exactly the typed responses and errors it would see from the server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

/// What the mock answers: a status, headers and a body.
#[derive(Debug, Clone)]
pub struct MockResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: bytes::Bytes,
}

impl MockResponse {
    /// A JSON body of `value` (a response type, or an error body the spec declares).
    pub fn json(status: u16, value: &impl serde::Serialize) -> Self {
        let body = serde_json::to_vec(value).unwrap_or_default();
        let mut response = Self::status(status);
        response.body = body.into();
        response.headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }

    /// No body.
    pub fn status(status: u16) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: HeaderMap::new(),
            body: bytes::Bytes::new(),
        }
    }

    /// A `text/event-stream` body of these events, in order (the stream ends after them).
    pub fn events(status: u16, events: impl IntoIterator<Item = MockEvent>) -> Self {
        let mut body = String::new();
        for event in events {
            event.write(&mut body);
        }
        let mut response = Self::status(status);
        response.body = body.into();
        response.headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        response
    }

    /// With a header, e.g. `X-Pagination-TotalCount`. A name or value that is not a valid
    /// header is left out.
    pub fn header(mut self, name: &str, value: impl std::fmt::Display) -> Self {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value.to_string())) {
            self.headers.insert(name, value);
        }
        self
    }
}

/// One server-sent event of [`MockResponse::events`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockEvent {
    event: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
    data: String,
}

impl MockEvent {
    /// An event whose data is `value` as JSON (e.g. the spec's event type).
    pub fn json(value: &impl serde::Serialize) -> Self {
        Self::text(serde_json::to_string(value).unwrap_or_default())
    }

    /// An event whose data is this text (e.g. the `[DONE]` sentinel); lines become `data:` lines.
    pub fn text(data: impl Into<String>) -> Self {
        Self { event: None, id: None, retry: None, data: data.into() }
    }

    /// Sets the event's type (`event:`).
    pub fn event(mut self, event: impl Into<String>) -> Self {
        self.event = Some(event.into());
        self
    }

    /// Sets the event's id (`id:`).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the reconnection time in milliseconds (`retry:`).
    pub fn retry(mut self, milliseconds: u64) -> Self {
        self.retry = Some(milliseconds);
        self
    }

    fn write(&self, out: &mut String) {
        let field = |out: &mut String, name: &str, value: &str| {
            // A line break inside a value would end the field: keep each line a field of its own.
            for line in value.split(['\n', '\r']) {
                out.push_str(name);
                out.push_str(": ");
                out.push_str(line);
                out.push('\n');
            }
        };
        if let Some(event) = &self.event {
            field(out, "event", event);
        }
        if let Some(id) = &self.id {
            field(out, "id", id);
        }
        if let Some(retry) = self.retry {
            field(out, "retry", &retry.to_string());
        }
        field(out, "data", &self.data);
        out.push('\n');
    }
}

/// A request the mock received.
#[derive(Debug, Clone)]
pub struct MockRequest {
    /// The operation's id in the spec.
    pub operation_id: &'static str,
    /// The method.
    pub method: Method,
    /// The path, percent-encoded as sent.
    pub path: String,
    /// The query string as sent (empty when there is none).
    pub query: String,
    /// The headers, the credential included (the mock is this process).
    pub headers: HeaderMap,
    /// The body, when it is one block of bytes (JSON, form, raw); `None` for multipart.
    pub body: Option<bytes::Bytes>,
}

impl MockRequest {
    /// The query as decoded pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        reqwest::Url::parse(&format!("http://mock/?{}", self.query))
            .map(|url| url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
            .unwrap_or_default()
    }

    /// The first value of the query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs().into_iter().find(|(key, _)| key == name).map(|(_, value)| value)
    }

    /// The JSON body decoded as `T` (e.g. the operation's request body type; with the crate's
    /// `deserialize-all` feature every request type implements `Deserialize`).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, super::JsonError> {
        super::decode_json(self.body.as_deref().unwrap_or_default())
    }
}

type Handler = Arc<dyn Fn(&MockRequest) -> MockResponse + Send + Sync>;

/// The mock API: answers per operation, records every request. Cheap to clone; clones share
/// their answers and records.
#[derive(Clone, Default)]
pub struct Mock {
    handlers: Arc<Mutex<HashMap<&'static str, Handler>>>,
    requests: Arc<Mutex<Vec<MockRequest>>>,
}

impl std::fmt::Debug for Mock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mock").field("requests", &self.requests.lock().map(|r| r.len()).unwrap_or(0)).finish()
    }
}

impl Mock {
    /// A mock that answers nothing yet: an operation without an answer gets `501 Not
    /// Implemented`, which the client reports as an error of that operation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers every call of `operation_id` with `response`.
    pub fn respond(&self, operation_id: &'static str, response: MockResponse) -> &Self {
        self.respond_with(operation_id, move |_| response.clone())
    }

    /// Answers every call of `operation_id` with what `handler` makes of its request.
    pub fn respond_with(
        &self,
        operation_id: &'static str,
        handler: impl Fn(&MockRequest) -> MockResponse + Send + Sync + 'static,
    ) -> &Self {
        if let Ok(mut handlers) = self.handlers.lock() {
            handlers.insert(operation_id, Arc::new(handler));
        }
        self
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<MockRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Forgets the requests recorded so far (the answers stay).
    pub fn clear_requests(&self) {
        if let Ok(mut requests) = self.requests.lock() {
            requests.clear();
        }
    }

    /// The requests of one operation.
    pub fn requests_of(&self, operation_id: &str) -> Vec<MockRequest> {
        self.requests().into_iter().filter(|r| r.operation_id == operation_id).collect()
    }

    pub(crate) fn answer(&self, operation_id: &'static str, request: &reqwest::Request) -> reqwest::Response {
        let recorded = MockRequest {
            operation_id,
            method: request.method().clone(),
            path: request.url().path().to_owned(),
            query: request.url().query().unwrap_or_default().to_owned(),
            headers: request.headers().clone(),
            body: request.body().and_then(|body| body.as_bytes()).map(bytes::Bytes::copy_from_slice),
        };
        let handler = self.handlers.lock().ok().and_then(|handlers| handlers.get(operation_id).cloned());
        let answer = match handler {
            Some(handler) => handler(&recorded),
            None => MockResponse::status(501),
        };
        if let Ok(mut requests) = self.requests.lock() {
            requests.push(recorded);
        }
        let mut response = http::Response::new(answer.body);
        *response.status_mut() = answer.status;
        *response.headers_mut() = answer.headers;
        reqwest::Response::from(response)
    }
}
