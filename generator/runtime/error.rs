use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;

/// How many bytes of a response body an error message quotes.
const SNIPPET_LEN: usize = 200;

/// The start of a body, lossily decoded, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    let cut = body.len().min(SNIPPET_LEN);
    let mut text = String::from_utf8_lossy(&body[..cut]).into_owned();
    if body.len() > cut {
        text.push('…');
    }
    text
}

/// What went wrong below HTTP semantics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established (refused, DNS, TLS).
    Connect,
    /// The connect or request timeout elapsed.
    Timeout,
    /// The connection broke while sending or receiving (reset, truncated body).
    Connection,
    /// Anything else the HTTP stack reported.
    Other,
}

/// The request did not produce a complete HTTP response.
#[derive(Debug, thiserror::Error)]
#[error("{kind:?} error during {method} {path}: {source}")]
pub struct TransportError {
    kind: TransportErrorKind,
    method: reqwest::Method,
    path: String,
    #[source]
    source: Box<dyn std::error::Error + Send + Sync>,
}

/// The client's own time limit elapsed (for a streamed response, before its head arrived).
#[derive(Debug, thiserror::Error)]
#[error("no response within {0:?}")]
struct TimedOut(std::time::Duration);

impl TransportError {
    /// `source` loses its URL first: reqwest's errors quote the whole URL, and the query may
    /// hold an API key. `path` (without the query) says which call failed.
    pub(crate) fn new(method: reqwest::Method, path: String, source: reqwest::Error) -> Self {
        let source = source.without_url();
        let kind = if source.is_timeout() {
            TransportErrorKind::Timeout
        } else if source.is_connect() {
            TransportErrorKind::Connect
        } else if source.is_request() || source.is_body() || source.is_decode() {
            TransportErrorKind::Connection
        } else {
            TransportErrorKind::Other
        };
        Self { kind, method, path, source: Box::new(source) }
    }

    /// The client's timeout elapsed.
    pub(crate) fn timed_out(method: reqwest::Method, path: String, limit: std::time::Duration) -> Self {
        Self { kind: TransportErrorKind::Timeout, method, path, source: Box::new(TimedOut(limit)) }
    }

    /// What kind of failure this was.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Connection failures and timeouts are worth another attempt.
    pub fn is_retryable(&self) -> bool {
        matches!(self.kind, TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Connection)
    }
}

/// Why a redirect was not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectErrorKind {
    /// The `Location` is on another origin (scheme, host or port) than the base URL: the
    /// credentials stay with the API, so the client does not go there.
    OtherOrigin,
    /// More redirects in a row than the client follows (10).
    TooMany,
    /// The redirect (307 or 308) asks for the body again, and the body was a one-time stream.
    BodyNotReplayable,
}

/// A redirect the client did not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RedirectError {
    /// Why it was not followed.
    pub kind: RedirectErrorKind,
    /// The redirect's status, e.g. 302.
    pub status: StatusCode,
    /// Where it pointed, resolved against the request's URL; a credential in it is redacted.
    pub location: String,
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (status, location) = (self.status, &self.location);
        match self.kind {
            RedirectErrorKind::OtherOrigin => write!(
                f,
                "the server redirected ({status}) to {location}, another origin than the API's; \
                 not followed, so that the credentials stay with the API"
            ),
            RedirectErrorKind::TooMany => write!(f, "too many redirects: the last one ({status}) to {location}"),
            RedirectErrorKind::BodyNotReplayable => write!(
                f,
                "the server redirected ({status}) to {location} and asks for the body again, which was \
                 a one-time stream; not followed (send bytes or a file to allow it)"
            ),
        }
    }
}

impl std::error::Error for RedirectError {}

/// What `Client::execute` can fail with, before any response is decoded.
#[derive(Debug)]
pub(crate) enum SendError {
    Transport(TransportError),
    Redirect(RedirectError),
    InvalidUrl(String),
    /// The body could not be read for sending (a file that cannot be opened, a spent stream).
    Body(String),
    /// No access token could be had.
    Auth(super::TokenError),
}

impl SendError {
    pub(crate) fn is_retryable(&self) -> bool {
        matches!(self, Self::Transport(e) if e.is_retryable())
    }
}

impl From<TransportError> for SendError {
    fn from(e: TransportError) -> Self {
        Self::Transport(e)
    }
}

impl<E> From<SendError> for Error<E> {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Transport(e) => Self::Transport(e),
            SendError::Redirect(e) => Self::Redirect(Box::new(e)),
            SendError::InvalidUrl(why) => Self::Encode(EncodeError { message: format!("the URL is invalid: {why}") }),
            SendError::Body(why) => Self::Encode(EncodeError { message: format!("the body: {why}") }),
            SendError::Auth(e) => Self::Auth(e),
        }
    }
}

/// A response body that does not match the type the spec promises.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decode the body of the {status} response at `{path}`: {message}; the body starts with: {snippet}")]
pub struct DecodeError {
    /// The response status.
    pub status: StatusCode,
    /// Where in the JSON document decoding failed (`.` for the root).
    pub path: String,
    /// What serde reported.
    pub message: String,
    /// The first bytes of the body.
    pub snippet: String,
}

/// A request that could not be encoded: its body, or (never in practice: every part is
/// percent-encoded) its URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot encode the request: {message}")]
pub struct EncodeError {
    /// What the encoder reported.
    pub message: String,
}

/// A response header whose value does not parse as the type the spec gives it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("response header `{header}` has value {value:?}, which is not {expected}")]
pub struct HeaderError {
    /// The header name.
    pub header: &'static str,
    /// The value received (lossily decoded).
    pub value: String,
    /// The expected type, e.g. `an integer`.
    pub expected: &'static str,
}

/// A response with a status the operation declares as an error, and its decoded body.
#[derive(Clone, PartialEq)]
pub struct ApiError<B> {
    /// The HTTP status.
    pub status: StatusCode,
    /// All response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: B,
}

impl<B> ApiError<B> {
    /// The wait the server asks for in `Retry-After` (delay in seconds or an HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        retry_after(&self.headers)
    }
}

pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

impl<B: fmt::Debug> fmt::Debug for ApiError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError").field("status", &self.status).field("body", &self.body).finish_non_exhaustive()
    }
}

impl<B: fmt::Debug> fmt::Display for ApiError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server answered {}: {:?}", self.status, self.body)
    }
}

/// A response with a status the operation does not declare.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unexpected status {status}; the body starts with: {snippet}")]
pub struct UnexpectedResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// All response headers.
    pub headers: HeaderMap,
    /// The first bytes of the body.
    pub snippet: String,
}

pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// Why a call failed. Every operation has its own alias, e.g. `ListConversationsError =
/// Error<ListConversationsErrorBody>`, where `E` is the operation's enum of the error responses its
/// spec declares, by status; [`Error::Api`] carries one of them, decoded.
///
/// One generic type instead of one error enum per operation: the behaviour (status, retryability,
/// `Display`, `source`) is written and compiled once, and each operation adds only what differs.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with an error status the operation declares (or its `default`
    /// response), and the body decoded as the spec says. Boxed, like the next variant, so that
    /// a `Result` carrying this error stays small.
    Api(Box<ApiError<E>>),
    /// A status the spec does not declare for this operation (only for operations without a
    /// `default` response).
    UnexpectedStatus(Box<UnexpectedResponse>),
    /// The request body could not be encoded.
    Encode(EncodeError),
    /// No complete HTTP response: connection, timeout or protocol failure.
    Transport(TransportError),
    /// A redirect the client did not follow: to another origin than the API's, or too many.
    Redirect(Box<RedirectError>),
    /// A response whose body does not match the spec.
    Decode(DecodeError),
    /// No access token could be had from the [`TokenProvider`](super::TokenProvider) (for
    /// OAuth2: the token endpoint refused, failed or redirected).
    Auth(super::TokenError),
}

impl<E> Error<E> {
    /// The HTTP status, if a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::UnexpectedStatus(e) => Some(e.status),
            Self::Decode(e) => Some(e.status),
            Self::Redirect(e) => Some(e.status),
            Self::Encode(_) | Self::Transport(_) | Self::Auth(_) => None,
        }
    }

    /// Whether sending the same request again later may succeed: rate limiting, overload and
    /// gateway errors, connection failures and timeouts.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(e) => e.is_retryable(),
            _ => self.status().is_some_and(is_retryable_status),
        }
    }

    /// The declared error response, if that is what arrived.
    pub fn api_error(&self) -> Option<&ApiError<E>> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The decoded body of the declared error response, if that is what arrived: match on it
    /// to tell the statuses apart.
    pub fn body(&self) -> Option<&E> {
        self.api_error().map(|e| &e.body)
    }

    /// The declared error response, or `Err(self)` for every other failure.
    pub fn into_api_error(self) -> Result<ApiError<E>, Self> {
        match self {
            Self::Api(e) => Ok(*e),
            other => Err(other),
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(e) => fmt::Display::fmt(e, f),
            Self::UnexpectedStatus(e) => fmt::Display::fmt(e, f),
            Self::Encode(e) => fmt::Display::fmt(e, f),
            Self::Transport(e) => fmt::Display::fmt(e, f),
            Self::Redirect(e) => fmt::Display::fmt(e, f),
            Self::Decode(e) => fmt::Display::fmt(e, f),
            Self::Auth(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Api(_) => None,
            Self::UnexpectedStatus(e) => Some(&**e),
            Self::Encode(e) => Some(e),
            Self::Transport(e) => Some(e),
            Self::Redirect(e) => Some(&**e),
            Self::Decode(e) => Some(e),
            Self::Auth(e) => Some(e),
        }
    }
}

impl<E> From<TransportError> for Error<E> {
    fn from(e: TransportError) -> Self {
        Self::Transport(e)
    }
}

impl<E> From<EncodeError> for Error<E> {
    fn from(e: EncodeError) -> Self {
        Self::Encode(e)
    }
}

impl<E> From<DecodeError> for Error<E> {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}
