use std::fmt;
use std::marker::PhantomData;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::HeaderError;

/// The response headers an operation's spec declares, read from the raw `HeaderMap`.
pub trait FromHeaders: Sized {
    /// Reads every declared header; a header that is present but does not parse is an error
    /// naming it and its value.
    fn from_headers(headers: &HeaderMap) -> Result<Self, HeaderError>;
}

/// A successful response: its status, its decoded body `B`, and its headers, raw and (where the
/// spec declares some) typed as `H` by [`headers`](Response::headers). Every operation has its
/// own alias, e.g. `ListConversationsResponse = Response<Vec<Conversation>, ListConversationsHeaders>`.
#[non_exhaustive]
pub struct Response<B, H = ()> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The decoded body.
    pub body: B,
    /// All response headers, as received.
    pub raw_headers: HeaderMap,
    headers: PhantomData<fn() -> H>,
}

impl<B, H> Response<B, H> {
    pub(crate) fn new(status: StatusCode, body: B, raw_headers: HeaderMap) -> Self {
        Self { status, body, raw_headers, headers: PhantomData }
    }

    /// The decoded body.
    pub fn into_body(self) -> B {
        self.body
    }
}

impl<B, H: FromHeaders> Response<B, H> {
    /// The typed response headers; `None` where a header is absent. A header that is present
    /// but does not parse is an error naming the header and its value; the body stays
    /// available either way.
    pub fn headers(&self) -> Result<H, HeaderError> {
        H::from_headers(&self.raw_headers)
    }
}

// Written by hand so that `H`, which is only a marker here, needs none of these traits.
impl<B: fmt::Debug, H> fmt::Debug for Response<B, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("body", &self.body)
            .field("raw_headers", &self.raw_headers)
            .finish()
    }
}

impl<B: Clone, H> Clone for Response<B, H> {
    fn clone(&self) -> Self {
        Self::new(self.status, self.body.clone(), self.raw_headers.clone())
    }
}

impl<B: PartialEq, H> PartialEq for Response<B, H> {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status && self.body == other.body && self.raw_headers == other.raw_headers
    }
}

/// JSON that does not decode as the type asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at `{path}`: {message}")]
pub struct JsonError {
    /// Where in the document decoding failed, e.g. `[3].relatedTo.id` (`.` for the root).
    pub path: String,
    /// What serde reported, with line and column.
    pub message: String,
}

/// Decodes a JSON document as `T` the way the client decodes response bodies; for JSON got
/// elsewhere (a cache, a webhook). On failure the error names the path of the bad value.
///
/// Two choices make the common case fast (see BENCHMARKS.md): the body is checked to be UTF-8
/// once as a whole and then parsed as text, instead of serde_json checking every string on its
/// own; and the path is tracked only when decoding has failed, by decoding again, because
/// tracking it costs as much as decoding.
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, JsonError> {
    let text = std::str::from_utf8(body).map_err(|error| JsonError {
        path: ".".to_owned(),
        message: format!("the body is not UTF-8: {error}"),
    })?;
    serde_json::from_str(text).map_err(|error| locate::<T>(text, error))
}

/// The path of the first error in `text`, found by a second, path-tracking pass.
fn locate<T: DeserializeOwned>(text: &str, first: serde_json::Error) -> JsonError {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let error = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(error) => return JsonError { path: error.path().to_string(), message: error.inner().to_string() },
        // Trailing characters after the value.
        Ok(_) => deserializer.end().err().unwrap_or(first),
    };
    JsonError { path: ".".to_owned(), message: error.to_string() }
}
