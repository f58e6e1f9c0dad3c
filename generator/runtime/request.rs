use std::borrow::Cow;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::client::{Auth, Client, RetryPolicy};
use super::AccessToken;
use super::response::{decode_json, Response};
#[cfg(feature = "streams")]
use super::stream::{BodyStream, ByteStream, Resend, Upload};
#[cfg(feature = "event-streams")]
use super::events::{DecodeData, EventStream};
use super::error::{
    is_retryable_status, retry_after, snippet, ApiError, DecodeError, EncodeError, Error, HeaderError,
    RedirectError, RedirectErrorKind, SendError, TransportError, UnexpectedResponse,
};

/// The header that makes a read wait for an earlier write's event (mittwald's eventual
/// consistency): the `ETag` of the write.
const IF_EVENT_REACHED: &str = "if-event-reached";

/// RFC 3986 unreserved characters stay as they are; everything else is percent-encoded, so a
/// value can never end a segment (`/`), a parameter (`&`, `=`) or the query (`#`), and `+`
/// is never mistaken for a space.
pub(super) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A value that can stand in a path segment, a query parameter or a header.
pub trait ToParam {
    /// The value as text, before percent-encoding.
    fn to_param(&self) -> Cow<'_, str>;
}

impl ToParam for str {
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl ToParam for String {
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Cow<'_, str> {
        (**self).to_param()
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ToParam for $ty {
            fn to_param(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}

display_param!(bool, i32, i64, u32, u64, f32, f64, uuid::Uuid);

/// Strings as they are, anything else as JSON text.
/// An array in a path, header or cookie parameter: OpenAPI's default `simple` style, the
/// values separated by commas (`3,4,5`). (Query arrays have their own styles, see `Query`.)
impl<T: ToParam> ToParam for Vec<T> {
    fn to_param(&self) -> Cow<'_, str> {
        let mut out = String::new();
        for (index, value) in self.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            out.push_str(&value.to_param());
        }
        Cow::Owned(out)
    }
}

impl ToParam for serde_json::Value {
    fn to_param(&self) -> Cow<'_, str> {
        match self {
            serde_json::Value::String(text) => Cow::Borrowed(text),
            other => Cow::Owned(other.to_string()),
        }
    }
}

impl ToParam for chrono::DateTime<chrono::Utc> {
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl ToParam for chrono::NaiveDate {
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Owned(self.format("%Y-%m-%d").to_string())
    }
}

/// A parameter declared with `content: application/json`: it travels as its JSON text.
pub struct JsonParam<'a, T: ?Sized>(pub &'a T);

impl<T: serde::Serialize + ?Sized> ToParam for JsonParam<'_, T> {
    fn to_param(&self) -> Cow<'_, str> {
        // Serializing a generated type to JSON text cannot fail: its maps have string keys.
        Cow::Owned(serde_json::to_string(self.0).unwrap_or_default())
    }
}

/// Builds a path from its template's literal parts and percent-encoded parameters.
#[doc(hidden)]
pub struct PathBuilder(String);

impl PathBuilder {
    #[doc(hidden)]
    pub fn new(literal: &str) -> Self {
        Self(literal.to_owned())
    }

    #[doc(hidden)]
    pub fn literal(mut self, literal: &str) -> Self {
        self.0.push_str(literal);
        self
    }

    #[doc(hidden)]
    pub fn param(mut self, value: &impl ToParam) -> Self {
        self.0.extend(utf8_percent_encode(&value.to_param(), COMPONENT));
        self
    }

    #[doc(hidden)]
    pub fn finish(self) -> String {
        self.0
    }
}

/// A query string in the OpenAPI default style (form, exploded): `name=value` pairs in the
/// order pushed, arrays as repeated keys.
#[derive(Default, Clone)]
#[doc(hidden)]
pub struct Query(pub(super) String);

impl Query {
    #[doc(hidden)]
    pub fn push(&mut self, name: &str, value: &impl ToParam) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.extend(utf8_percent_encode(name, COMPONENT));
        self.0.push('=');
        self.0.extend(utf8_percent_encode(&value.to_param(), COMPONENT));
    }

    #[doc(hidden)]
    pub fn push_opt(&mut self, name: &str, value: Option<&impl ToParam>) {
        if let Some(value) = value {
            self.push(name, value);
        }
    }

    #[doc(hidden)]
    pub fn push_each<T: ToParam>(&mut self, name: &str, values: Option<&[T]>) {
        for value in values.unwrap_or_default() {
            self.push(name, value);
        }
    }

    /// `explode: false`: one key, the values separated by `separator` (`,` for `form`, a space
    /// for `spaceDelimited`, `|` for `pipeDelimited`); the separator is percent-encoded like
    /// the values, which keeps a separator inside a value apart from the ones between values
    /// only where the server decodes first and splits after, as most do.
    #[allow(dead_code)]
    #[doc(hidden)]
    pub fn push_joined<T: ToParam>(&mut self, name: &str, separator: char, values: Option<&[T]>) {
        if let Some(values) = values {
            let joined: Vec<Cow<'_, str>> = values.iter().map(ToParam::to_param).collect();
            self.push(name, &joined.join(separator.encode_utf8(&mut [0; 4])));
        }
    }
}

/// One API call, ready to be sent (and sent again).
#[derive(Clone)]
pub struct Request {
    pub(crate) operation_id: &'static str,
    pub(crate) path_template: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    #[doc(hidden)]
    pub query: Query,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Body>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("operation_id", &self.operation_id)
            .field("method", &self.method)
            .field("path_and_query", &self.path_and_query())
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// A request body, kept in a form that can be sent again on retry (except a one-time stream).
#[derive(Clone)]
pub(crate) enum Body {
    Bytes { content_type: &'static str, bytes: bytes::Bytes },
    #[cfg(feature = "streams")]
    Upload { content_type: &'static str, upload: Upload },
    #[cfg(feature = "multipart")]
    Multipart(Vec<(String, Part)>),
}

#[cfg(feature = "multipart")]
#[derive(Clone)]
pub(crate) enum Part {
    Text(String),
    File(FilePart),
}

/// A file in a multipart body: its content (bytes, a file on disk or a stream, see
/// [`Upload`]), and optionally a file name and content type.
#[cfg(feature = "multipart")]
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The content.
    pub content: Upload,
    /// The file name sent with the part.
    pub file_name: Option<String>,
    /// The part's content type (default `application/octet-stream`).
    pub content_type: Option<String>,
}

#[cfg(feature = "multipart")]
impl FilePart {
    /// A part with this content (bytes, or an [`Upload`] of a file or stream), without name
    /// or content type.
    pub fn new(content: impl Into<Upload>) -> Self {
        Self { content: content.into(), file_name: None, content_type: None }
    }

    /// The file at `path`, read as it is sent, named after the file.
    pub async fn file(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let part = Self::new(Upload::file(path).await?);
        Ok(match path.file_name() {
            Some(name) => part.file_name(name.to_string_lossy()),
            None => part,
        })
    }

    /// Sets the file name.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the content type, e.g. `image/png`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

#[cfg(feature = "multipart")]
impl std::fmt::Debug for FilePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilePart")
            .field("content", &self.content)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// In JSON (a `format: binary` property outside a multipart body) the bytes are a string:
/// written as UTF-8 (invalid sequences replaced), read back as the string's bytes. Only bytes
/// in memory can be written so.
#[cfg(feature = "multipart")]
impl serde::Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.content.as_bytes() {
            Some(bytes) => serializer.serialize_str(&String::from_utf8_lossy(bytes)),
            None => Err(serde::ser::Error::custom("a file or stream cannot be written as JSON text; use bytes")),
        }
    }
}

#[cfg(feature = "multipart")]
impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <String as serde::Deserialize>::deserialize(deserializer).map(|text| Self::new(text.into_bytes()))
    }
}

#[cfg(feature = "multipart")]
impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

#[cfg(feature = "multipart")]
impl From<bytes::Bytes> for FilePart {
    fn from(bytes: bytes::Bytes) -> Self {
        Self::new(bytes)
    }
}

impl Request {
    #[doc(hidden)]
    pub fn new(operation_id: &'static str, path_template: &'static str, method: Method, path: String) -> Self {
        Self { operation_id, path_template, method, path, query: Query::default(), headers: HeaderMap::new(), body: None }
    }

    /// The operation's id in the spec.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// A JSON body.
    #[doc(hidden)]
    pub fn json(&mut self, body: &impl serde::Serialize) -> Result<(), EncodeError> {
        let bytes = serde_json::to_vec(body).map_err(|e| EncodeError { message: format!("the body: {e}") })?;
        self.body = Some(Body::Bytes { content_type: "application/json", bytes: bytes.into() });
        Ok(())
    }

    /// An `application/x-www-form-urlencoded` body.
    #[doc(hidden)]
    pub fn form(&mut self, body: &impl serde::Serialize) -> Result<(), EncodeError> {
        let text = serde_urlencoded::to_string(body).map_err(|e| EncodeError { message: format!("the body: {e}") })?;
        self.body = Some(Body::Bytes { content_type: "application/x-www-form-urlencoded", bytes: text.into() });
        Ok(())
    }

    /// A raw body of the given content type.
    #[doc(hidden)]
    pub fn bytes(&mut self, content_type: &'static str, bytes: impl Into<bytes::Bytes>) {
        self.body = Some(Body::Bytes { content_type, bytes: bytes.into() });
    }

    /// A raw body from bytes, a file or a stream.
    #[cfg(feature = "streams")]
    #[doc(hidden)]
    pub fn upload(&mut self, content_type: &'static str, upload: Upload) {
        self.body = Some(Body::Upload { content_type, upload });
    }

    /// Whether the body can be sent again (for a retry, a redirect, a renewed credential).
    pub(crate) fn is_replayable(&self) -> bool {
        match &self.body {
            #[cfg(feature = "streams")]
            Some(Body::Upload { upload, .. }) => upload.is_replayable(),
            #[cfg(feature = "multipart")]
            Some(Body::Multipart(parts)) => {
                parts.iter().all(|(_, part)| !matches!(part, Part::File(file) if !file.content.is_replayable()))
            }
            Some(Body::Bytes { .. }) | None => true,
        }
    }

    #[cfg(feature = "multipart")]
    fn parts(&mut self) -> &mut Vec<(String, Part)> {
        if !matches!(self.body, Some(Body::Multipart(_))) {
            self.body = Some(Body::Multipart(Vec::new()));
        }
        match &mut self.body {
            Some(Body::Multipart(parts)) => parts,
            _ => unreachable!("the body was just made multipart"),
        }
    }

    /// A text part of a multipart body.
    #[cfg(feature = "multipart")]
    #[doc(hidden)]
    pub fn multipart_text(&mut self, name: &str, value: &impl ToParam) {
        let value = value.to_param().into_owned();
        self.parts().push((name.to_owned(), Part::Text(value)));
    }

    /// A part holding a JSON value, for properties that are not plain values.
    #[cfg(feature = "multipart")]
    #[doc(hidden)]
    pub fn multipart_json(&mut self, name: &str, value: &impl serde::Serialize) -> Result<(), EncodeError> {
        let value = serde_json::to_string(value).map_err(|e| EncodeError { message: format!("the body: {e}") })?;
        self.parts().push((name.to_owned(), Part::Text(value)));
        Ok(())
    }

    /// A file part of a multipart body.
    #[cfg(feature = "multipart")]
    #[doc(hidden)]
    pub fn multipart_file(&mut self, name: &str, file: &FilePart) {
        self.parts().push((name.to_owned(), Part::File(file.clone())));
    }

    /// Adds a header parameter. A value that cannot travel in a header as it is (control
    /// characters such as CR/LF, non-ASCII) is percent-encoded rather than left out.
    #[doc(hidden)]
    pub fn header(&mut self, name: &'static str, value: &impl ToParam) {
        self.headers.append(name, header_param(&value.to_param()));
    }

    /// Adds a cookie parameter to the `Cookie` header.
    #[allow(dead_code)]
    #[doc(hidden)]
    pub fn cookie(&mut self, name: &str, value: &impl ToParam) {
        let pair = format!("{}={}", name, utf8_percent_encode(&value.to_param(), COMPONENT));
        let cookie = match self.headers.get(reqwest::header::COOKIE).and_then(|v| v.to_str().ok()) {
            Some(existing) => format!("{existing}; {pair}"),
            None => pair,
        };
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            self.headers.insert(reqwest::header::COOKIE, value);
        }
    }

    /// Sets `Accept`, for an operation that offers several media types.
    #[doc(hidden)]
    pub fn accept(mut self, media_type: &'static str) -> Self {
        self.headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static(media_type));
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request's own headers (header parameters), without client-wide ones.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The path and query as sent, e.g. `/v2/conversations?limit=10`.
    pub fn path_and_query(&self) -> String {
        if self.query.0.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query.0)
        }
    }

    fn is_idempotent(&self) -> bool {
        matches!(self.method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS)
    }

    fn is_read(&self) -> bool {
        matches!(self.method, Method::GET | Method::HEAD)
    }
}

/// A response: status, headers and the whole body, or (for a streamed success) the open one.
#[doc(hidden)]
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
    #[cfg(feature = "streams")]
    pub(crate) open: Option<Open>,
    /// The access token the request carried, when a token provider gave one.
    pub(crate) token: Option<AccessToken>,
}

/// A response whose body is still arriving.
#[cfg(feature = "streams")]
pub(crate) struct Open {
    response: reqwest::Response,
    idle: Option<Duration>,
    method: Method,
    path: String,
    /// Set for event streams, which may reconnect.
    pub(crate) resend: Option<Resend>,
}

#[cfg(feature = "streams")]
impl Open {
    pub(crate) fn into_body(self) -> BodyStream {
        BodyStream::new(self.response, self.idle, self.method, self.path)
    }
}

/// How much of a response `Client::execute` reads.
#[derive(Clone, Copy)]
pub(crate) enum Reading {
    /// The whole body, within the client's timeout.
    Whole,
    /// For the statuses the function accepts, only the head: the body is streamed, bounded by
    /// the idle timeout instead (the others are read whole).
    #[cfg(feature = "streams")]
    Open(fn(u16) -> bool),
}

impl RawResponse {
    /// A response read whole.
    fn whole(status: StatusCode, headers: HeaderMap, body: bytes::Bytes, token: Option<AccessToken>) -> Self {
        #[cfg(feature = "streams")]
        return Self { status, headers, body, open: None, token };
        #[cfg(not(feature = "streams"))]
        Self { status, headers, body, token }
    }

    /// Decodes the body as JSON of type `T`, naming the failing path.
    #[doc(hidden)]
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        let decode_error = |path: String, message: String| DecodeError {
            status: self.status,
            path,
            message,
            snippet: snippet(&self.body),
        };
        decode_json(&self.body).map_err(|error| decode_error(error.path, error.message))
    }

    /// The body as UTF-8 text.
    pub(crate) fn text(&self) -> Result<String, DecodeError> {
        String::from_utf8(self.body.to_vec()).map_err(|e| DecodeError {
            status: self.status,
            path: ".".to_owned(),
            message: format!("the body is not UTF-8 text: {e}"),
            snippet: snippet(&self.body),
        })
    }

    /// A successful response with the decoded `body`.
    #[doc(hidden)]
    pub fn into_response<B, H>(self, body: B) -> Response<B, H> {
        Response::new(self.status, body, self.headers)
    }

    /// A successful response with a JSON body.
    #[doc(hidden)]
    pub fn ok_json<B: DeserializeOwned, H, E>(self) -> Result<Response<B, H>, Error<E>> {
        self.ok_json_as(std::convert::identity)
    }

    /// A successful response whose JSON body is wrapped by `wrap` (`Some`, a variant by status).
    #[doc(hidden)]
    pub fn ok_json_as<B: DeserializeOwned, X, H, E>(self, wrap: fn(B) -> X) -> Result<Response<X, H>, Error<E>> {
        let body = self.json()?;
        Ok(self.into_response(wrap(body)))
    }

    /// A successful response with a text body, wrapped by `wrap`.
    #[doc(hidden)]
    pub fn ok_text_as<X, H, E>(self, wrap: fn(String) -> X) -> Result<Response<X, H>, Error<E>> {
        let body = self.text()?;
        Ok(self.into_response(wrap(body)))
    }

    /// A successful response whose body is kept as bytes, wrapped by `wrap`.
    #[doc(hidden)]
    pub fn ok_bytes_as<X, H, E>(self, wrap: fn(bytes::Bytes) -> X) -> Result<Response<X, H>, Error<E>> {
        let body = self.body.clone();
        Ok(self.into_response(wrap(body)))
    }

    /// A successful download: the body as a stream of bytes, wrapped by `wrap`.
    #[cfg(feature = "streams")]
    #[doc(hidden)]
    pub fn ok_stream_as<X, H, E>(mut self, wrap: fn(ByteStream) -> X) -> Result<Response<X, H>, Error<E>> {
        let stream = match self.open.take() {
            Some(open) => {
                let length = open.response.content_length();
                ByteStream::new(open.into_body(), length)
            }
            None => ByteStream::from_bytes(std::mem::take(&mut self.body)),
        };
        Ok(self.into_response(wrap(stream)))
    }

    /// A successful event stream, each event's data decoded by `decode`, wrapped by `wrap`.
    #[cfg(feature = "event-streams")]
    #[doc(hidden)]
    pub fn ok_events_as<D, X, H, E>(
        mut self,
        decode: DecodeData<D>,
        wrap: fn(EventStream<D>) -> X,
    ) -> Result<Response<X, H>, Error<E>> {
        let events = match self.open.take() {
            Some(mut open) => {
                let resend = open.resend.take();
                EventStream::new(open.into_body(), decode, resend)
            }
            None => EventStream::new(BodyStream::from_bytes(std::mem::take(&mut self.body)), decode, None),
        };
        Ok(self.into_response(wrap(events)))
    }

    /// A successful JSON sequence (JSON Lines, NDJSON, JSON text sequences), wrapped by `wrap`.
    #[cfg(feature = "event-streams")]
    #[doc(hidden)]
    pub fn ok_items_as<T: DeserializeOwned, X, H, E>(
        mut self,
        framing: super::Framing,
        wrap: fn(super::JsonLines<T>) -> X,
    ) -> Result<Response<X, H>, Error<E>> {
        let body = match self.open.take() {
            Some(open) => open.into_body(),
            None => BodyStream::from_bytes(std::mem::take(&mut self.body)),
        };
        Ok(self.into_response(wrap(super::JsonLines::new(body, framing))))
    }

    /// A successful response whose body is the given value (`()`, `None`, a variant by status).
    #[doc(hidden)]
    pub fn ok_with<X, H, E>(self, body: X) -> Result<Response<X, H>, Error<E>> {
        Ok(self.into_response(body))
    }

    /// A declared error response whose JSON body becomes `variant` of the operation's error body.
    #[doc(hidden)]
    pub fn error_json<B: DeserializeOwned, E, T>(self, variant: fn(B) -> E) -> Result<T, Error<E>> {
        let body = self.json()?;
        Err(self.api_error(variant(body)))
    }

    /// A declared error response whose body is text.
    #[doc(hidden)]
    pub fn error_text<E, T>(self, variant: fn(String) -> E) -> Result<T, Error<E>> {
        let body = self.text()?;
        Err(self.api_error(variant(body)))
    }

    /// A declared error response whose body is kept as bytes.
    #[doc(hidden)]
    pub fn error_bytes<E, T>(self, variant: fn(bytes::Bytes) -> E) -> Result<T, Error<E>> {
        let body = variant(self.body.clone());
        Err(self.api_error(body))
    }

    /// A declared error response the spec gives no body.
    #[doc(hidden)]
    pub fn error_empty<E, T>(self, body: E) -> Result<T, Error<E>> {
        Err(self.api_error(body))
    }

    /// A status the operation does not declare.
    #[doc(hidden)]
    pub fn error_unexpected<E, T>(self) -> Result<T, Error<E>> {
        Err(Error::UnexpectedStatus(Box::new(UnexpectedResponse {
            status: self.status,
            snippet: snippet(&self.body),
            headers: self.headers,
        })))
    }

    fn api_error<E>(self, body: E) -> Error<E> {
        Error::Api(Box::new(ApiError { status: self.status, headers: self.headers, body }))
    }
}

/// `text` as a header value: unchanged if it is visible ASCII and spaces, else percent-encoded
/// (which is always a valid header value).
fn header_param(text: &str) -> HeaderValue {
    let plain = text.bytes().all(|b| b == b' ' || b.is_ascii_graphic());
    let value = if plain { HeaderValue::from_str(text).ok() } else { None };
    value.unwrap_or_else(|| {
        let encoded: String = utf8_percent_encode(text, COMPONENT).collect();
        HeaderValue::from_str(&encoded).expect("percent-encoded text is visible ASCII")
    })
}

/// Reads the optional header `name` as a `T`.
#[doc(hidden)]
pub fn header_value<T: std::str::FromStr>(
    headers: &HeaderMap,
    name: &'static str,
    expected: &'static str,
) -> Result<Option<T>, HeaderError> {
    read_header(headers, name, expected, |text| text.parse().ok())
}

/// [`header_value`] for a value in a wire format of its own (`runtime::format`).
#[doc(hidden)]
pub fn header_value_as<F: super::format::Format<T>, T>(
    headers: &HeaderMap,
    name: &'static str,
    expected: &'static str,
) -> Result<Option<T>, HeaderError> {
    read_header(headers, name, expected, |text| {
        F::read(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(text)).ok()
    })
}

/// The optional header `name`, its text trimmed and read by `parse`; an error that shows the
/// value when it is not text or `parse` refuses it.
fn read_header<T>(
    headers: &HeaderMap,
    name: &'static str,
    expected: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<Option<T>, HeaderError> {
    let Some(raw) = headers.get(name) else { return Ok(None) };
    let invalid =
        || HeaderError { header: name, value: String::from_utf8_lossy(raw.as_bytes()).into_owned(), expected };
    let text = raw.to_str().map_err(|_| invalid())?;
    parse(text.trim()).map(Some).ok_or_else(invalid)
}

/// What one attempt of a call is: its number (from 1), how it reads the body, and the token
/// the API refused just before (to be renewed).
#[derive(Clone, Copy)]
struct Attempt<'a> {
    number: u32,
    reading: Reading,
    refused: Option<&'a AccessToken>,
}

/// Redirects followed in a row, within the API's origin, before giving up.
const MAX_REDIRECTS: usize = 10;

impl Client {
    /// Sends an operation's request and decodes the answer with its `decode` function.
    ///
    /// Every operation's `send` is this one generic future over a plain decoding function, so
    /// that the crate type-checks one `async` body instead of one per operation.
    #[doc(hidden)]
    pub async fn call<T, E>(
        &self,
        request: Result<Request, EncodeError>,
        decode: fn(RawResponse) -> Result<T, Error<E>>,
    ) -> Result<T, Error<E>> {
        let raw = self.execute(request?, Reading::Whole).await?;
        decode(raw)
    }

    /// [`call`](Self::call) for an operation whose successes stream (downloads, event
    /// streams): the statuses `streams` accepts are handed to `decode` with the body open.
    #[cfg(feature = "streams")]
    #[doc(hidden)]
    pub async fn call_open<T, E>(
        &self,
        request: Result<Request, EncodeError>,
        streams: fn(u16) -> bool,
        decode: fn(RawResponse) -> Result<T, Error<E>>,
    ) -> Result<T, Error<E>> {
        let request = request?;
        // Kept for an event stream's reconnection (a one-time stream body makes it useless).
        let again = request.is_replayable().then(|| std::sync::Arc::new(request.clone()));
        let mut raw = self.execute(request, Reading::Open(streams)).await?;
        if let (Some(open), Some(request)) = (raw.open.as_mut(), again) {
            open.resend = Some(Resend { client: self.clone(), request });
        }
        decode(raw)
    }

    /// Sends `request`, retrying as the [`RetryPolicy`] allows, and reads the body as `reading`
    /// says.
    pub(crate) async fn execute(&self, mut request: Request, reading: Reading) -> Result<RawResponse, SendError> {
        // Eventual consistency, as mittwald's own clients handle it: a read waits for the event
        // of this client's last successful write, unless the caller set the header.
        if request.is_read() && !request.headers.contains_key(IF_EVENT_REACHED) {
            if let Some(event) = self.last_event.lock().ok().and_then(|event| event.clone()) {
                request.headers.insert(IF_EVENT_REACHED, event);
            }
        }
        #[cfg(feature = "tracing")]
        let outcome = {
            use tracing::Instrument;
            let span = super::trace::call_span(&request);
            let started = std::time::Instant::now();
            let outcome = self.execute_with_retries(&request, reading).instrument(span.clone()).await;
            super::trace::finish(&span, &outcome, started);
            outcome
        };
        #[cfg(not(feature = "tracing"))]
        let outcome = self.execute_with_retries(&request, reading).await;
        if let Ok(response) = &outcome {
            if !request.is_read() && response.status.is_success() {
                if let (Some(etag), Ok(mut event)) = (response.headers.get(reqwest::header::ETAG), self.last_event.lock()) {
                    *event = Some(etag.clone());
                }
            }
        }
        outcome
    }

    async fn execute_with_retries(&self, request: &Request, reading: Reading) -> Result<RawResponse, SendError> {
        let url = format!("{}{}", self.base_url, request.path_and_query());
        let url = reqwest::Url::parse(&url).map_err(|e| SendError::InvalidUrl(e.to_string()))?;
        // A body that cannot be sent twice (a one-time stream) is never retried.
        let retries = if request.is_idempotent() && request.is_replayable() { self.retry.max_retries } else { 0 };
        let mut attempt = 0;
        // The token the API refused with 401: renewed once per call, then sent again.
        let (mut refused, mut renewed) = (None::<AccessToken>, false);
        loop {
            let outcome = self.attempt(request, &url, attempt + 1, reading, refused.take().as_ref()).await;
            if let Ok(response) = &outcome {
                if response.status == StatusCode::UNAUTHORIZED && !renewed && request.is_replayable() {
                    if let Some(token) = &response.token {
                        (refused, renewed) = (Some(token.clone()), true);
                        continue;
                    }
                }
            }
            let wait = match &outcome {
                _ if attempt >= retries => None,
                Ok(response) if is_retryable_status(response.status) => {
                    wait_before_retry(&self.retry, attempt, retry_after(&response.headers))
                }
                Err(error) if error.is_retryable() => wait_before_retry(&self.retry, attempt, None),
                _ => None,
            };
            match wait {
                Some(wait) => {
                    #[cfg(feature = "tracing")]
                    super::trace::retry(attempt + 1, wait, &outcome);
                    tokio::time::sleep(wait).await
                }
                None => {
                    #[cfg(feature = "tracing")]
                    tracing::Span::current().record("attempts", attempt + 1);
                    return outcome;
                }
            }
            attempt += 1;
        }
    }

    /// One attempt: the request, and the redirects within the API's origin that follow it.
    /// A redirect elsewhere is an error, never followed: the credentials stay with the API.
    async fn attempt(
        &self,
        request: &Request,
        url: &reqwest::Url,
        attempt: u32,
        reading: Reading,
        refused: Option<&AccessToken>,
    ) -> Result<RawResponse, SendError> {
        let transport = |e| TransportError::new(request.method.clone(), request.path.clone(), e);
        let (mut method, mut url, mut with_body) = (request.method.clone(), url.clone(), true);
        let mut redirects = 0;
        loop {
            let this = Attempt { number: attempt, reading, refused };
            let (response, token) = self.send(request, &method, &url, with_body, this).await?;
            let status = response.status();
            let location = response.headers().get(reqwest::header::LOCATION).and_then(|l| l.to_str().ok());
            let next = match location {
                Some(location) if status.is_redirection() && status != StatusCode::NOT_MODIFIED => url.join(location).ok(),
                _ => None,
            };
            let Some(next) = next else {
                let headers = response.headers().clone();
                #[cfg(feature = "streams")]
                if let Reading::Open(streams) = reading {
                    if streams(status.as_u16()) {
                        let (idle, method, path) = (self.idle_timeout, request.method.clone(), request.path.clone());
                        let open = Open { response, idle, method, path, resend: None };
                        return Ok(RawResponse { status, headers, body: bytes::Bytes::new(), open: Some(open), token });
                    }
                    // The body of any other status is read whole, within the timeout.
                    let body = match self.timeout {
                        Some(limit) => match tokio::time::timeout(limit, response.bytes()).await {
                            Ok(body) => body.map_err(transport)?,
                            Err(_) => return Err(self.timed_out(request).into()),
                        },
                        None => response.bytes().await.map_err(transport)?,
                    };
                    return Ok(RawResponse::whole(status, headers, body, token));
                }
                let body = response.bytes().await.map_err(transport)?;
                return Ok(RawResponse::whole(status, headers, body, token));
            };
            let refuse = |kind| {
                let location = redact(next.as_str(), self.auth.secret());
                SendError::Redirect(RedirectError { kind, status, location })
            };
            if next.origin() != self.base.origin() {
                return Err(refuse(RedirectErrorKind::OtherOrigin));
            }
            if redirects == MAX_REDIRECTS {
                return Err(refuse(RedirectErrorKind::TooMany));
            }
            // As browsers do: 303 turns anything but HEAD into a GET, and so do 301 and 302 a
            // POST; 307 and 308 repeat the request as it was.
            let to_get = match status {
                StatusCode::SEE_OTHER => method != Method::HEAD,
                StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND => method == Method::POST,
                _ => false,
            };
            if to_get {
                (method, with_body) = (Method::GET, false);
            }
            if with_body && request.body.is_some() && !request.is_replayable() {
                return Err(refuse(RedirectErrorKind::BodyNotReplayable));
            }
            url = next;
            redirects += 1;
        }
    }

    fn timed_out(&self, request: &Request) -> TransportError {
        TransportError::timed_out(request.method.clone(), request.path.clone(), self.timeout.unwrap_or_default())
    }

    /// Sends one HTTP request: interceptors first, then the credential, which is attached here
    /// and only here, and only when the URL (as the interceptors left it) is on the API's
    /// origin.
    async fn send(
        &self,
        request: &Request,
        method: &Method,
        url: &reqwest::Url,
        with_body: bool,
        Attempt { number: attempt, reading, refused }: Attempt<'_>,
    ) -> Result<(reqwest::Response, Option<AccessToken>), SendError> {
        let transport = |e| SendError::Transport(TransportError::new(request.method.clone(), request.path.clone(), e));
        let mut builder = self.http.request(method.clone(), url.clone()).headers(request.headers.clone());
        match request.body.as_ref().filter(|_| with_body) {
            Some(Body::Bytes { content_type, bytes }) => {
                builder = builder.header(reqwest::header::CONTENT_TYPE, *content_type).body(bytes.clone());
            }
            #[cfg(feature = "streams")]
            Some(Body::Upload { content_type, upload }) => {
                builder = builder.header(reqwest::header::CONTENT_TYPE, *content_type);
                if let Some(length) = upload.len() {
                    builder = builder.header(reqwest::header::CONTENT_LENGTH, length);
                }
                builder = builder.body(upload.body().await.map_err(SendError::Body)?);
            }
            #[cfg(feature = "multipart")]
            Some(Body::Multipart(parts)) => {
                let mut form = reqwest::multipart::Form::new();
                for (name, part) in parts {
                    form = match part {
                        Part::Text(text) => form.text(name.clone(), text.clone()),
                        Part::File(file) => {
                            let body = file.content.body().await.map_err(SendError::Body)?;
                            let mut part = match file.content.len() {
                                Some(length) => reqwest::multipart::Part::stream_with_length(body, length),
                                None => reqwest::multipart::Part::stream(body),
                            };
                            if let Some(file_name) = &file.file_name {
                                part = part.file_name(file_name.clone());
                            }
                            let content_type = file.content_type.as_deref().unwrap_or("application/octet-stream");
                            form.part(name.clone(), part.mime_str(content_type).map_err(transport)?)
                        }
                    };
                }
                builder = builder.multipart(form);
            }
            None => {}
        }
        let mut outgoing = builder.build().map_err(transport)?;
        if matches!(reading, Reading::Whole) {
            // The whole exchange, body included; a stream has its idle timeout instead.
            *outgoing.timeout_mut() = self.timeout;
        }
        let call = super::CallInfo {
            operation_id: request.operation_id,
            method: &request.method,
            path_template: request.path_template,
            attempt,
        };
        if !self.interceptors.is_empty() {
            self.interceptors.before_send(&mut outgoing, &call);
        }
        let mut token = None;
        if outgoing.url().origin() == self.base.origin() {
            if let Some((name, value)) = self.auth.header() {
                outgoing.headers_mut().insert(name, value);
            }
            if let Some((name, token)) = self.auth.query() {
                set_query_param(outgoing.url_mut(), name, token);
            }
            if let Auth::Provider(provider) = &self.auth {
                let access = provider.0.access_token(refused).await.map_err(SendError::Auth)?;
                // `AccessToken::new` admits visible ASCII only, always a valid header value.
                if let Ok(mut value) = HeaderValue::from_str(&format!("Bearer {}", access.expose_secret())) {
                    value.set_sensitive(true);
                    outgoing.headers_mut().insert(reqwest::header::AUTHORIZATION, value);
                }
                token = Some(access);
            }
        }
        let response = self.exchange(outgoing, request.operation_id, reading);
        // A streamed body's head arrives within the timeout (otherwise the request's own
        // timeout covers the whole exchange).
        #[cfg(feature = "streams")]
        let response = match (reading, self.timeout) {
            (Reading::Open(_), Some(limit)) => match tokio::time::timeout(limit, response).await {
                Ok(response) => response,
                Err(_) => return Err(self.timed_out(request).into()),
            },
            _ => response.await,
        };
        #[cfg(not(feature = "streams"))]
        let response = response.await;
        let response = response.map_err(transport)?;
        if !self.interceptors.is_empty() {
            self.interceptors.after_receive(response.status(), response.headers(), &call);
        }
        Ok((response, token))
    }

    /// The HTTP exchange itself (or the mock's answer).
    async fn exchange(
        &self,
        outgoing: reqwest::Request,
        operation_id: &'static str,
        _reading: Reading,
    ) -> Result<reqwest::Response, reqwest::Error> {
        #[cfg(feature = "test-util")]
        if let Some(mock) = &self.mock {
            return Ok(mock.answer(operation_id, &outgoing));
        }
        let _ = operation_id;
        self.http.execute(outgoing).await
    }
}

/// Sets the query parameter `name` of `url` to `value`, replacing any it has (a server may
/// echo a key into a redirect's `Location`).
fn set_query_param(url: &mut reqwest::Url, name: &str, value: &str) {
    let pair = format!("{}={}", utf8_percent_encode(name, COMPONENT), utf8_percent_encode(value, COMPONENT));
    let query = match url.query().filter(|query| !query.is_empty()) {
        None => pair,
        Some(query) => {
            let others = query.split('&').filter(|other| {
                let other_name = other.split('=').next().unwrap_or_default();
                percent_encoding::percent_decode_str(other_name).decode_utf8_lossy() != name
            });
            others.chain([pair.as_str()]).collect::<Vec<_>>().join("&")
        }
    };
    url.set_query(Some(&query));
}

/// `text` with every occurrence of `secret` (as it is, and percent-encoded) replaced.
fn redact(text: &str, secret: Option<&str>) -> String {
    let Some(secret) = secret else { return text.to_owned() };
    let encoded: String = utf8_percent_encode(secret, COMPONENT).collect();
    text.replace(secret, "<redacted>").replace(&encoded, "<redacted>")
}

/// The wait before retry number `attempt` (from 0), or `None` to give up.
fn wait_before_retry(policy: &RetryPolicy, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
    if let Some(wait) = retry_after {
        return (wait <= policy.max_retry_after).then_some(wait);
    }
    let ceiling = policy.initial_backoff.saturating_mul(1u32 << attempt.min(20)).min(policy.max_backoff);
    Some(ceiling.mul_f64(jitter()))
}

/// A uniformly distributed number in [0, 1), from the randomly keyed std hasher: jitter needs
/// no cryptographic randomness, and this avoids a dependency.
fn jitter() -> f64 {
    let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
    (random >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_in_paths_and_headers_are_comma_separated() {
        assert_eq!(vec![3, 4, 5].to_param(), "3,4,5");
        assert_eq!(vec!["a b".to_owned(), "c".to_owned()].to_param(), "a b,c");
        assert_eq!(Vec::<String>::new().to_param(), "");
    }

    #[test]
    fn query_values_are_percent_encoded_and_arrays_repeat_keys() {
        let mut query = Query::default();
        query.push("q", &"a b&c=d#e+f/ü");
        query.push_each("s", Some(&["x", "y"][..]));
        query.push_opt("n", None::<&i64>);
        query.push_joined("j", ',', Some(&[1, 2][..]));
        query.push_joined("p", '|', Some(&["a", "b"][..]));
        query.push_joined("t", '\t', Some(&["a", "b"][..]));
        query.push("json", &JsonParam(&serde_json::json!({"a": [1, "x"]})));
        assert_eq!(
            query.0,
            "q=a%20b%26c%3Dd%23e%2Bf%2F%C3%BC&s=x&s=y&j=1%2C2&p=a%7Cb&t=a%09b&json=%7B%22a%22%3A%5B1%2C%22x%22%5D%7D"
        );
    }

    #[test]
    fn header_values_that_cannot_travel_as_they_are_are_percent_encoded() {
        assert_eq!(header_param("plain value"), "plain value");
        assert_eq!(header_param("evil\r\nX-Injected: 1"), "evil%0D%0AX-Injected%3A%201");
        assert_eq!(header_param("größe"), "gr%C3%B6%C3%9Fe");
    }

    #[test]
    fn headers_in_a_wire_format_of_their_own_are_read_through_it() {
        let mut headers = HeaderMap::new();
        headers.insert("x-count", reqwest::header::HeaderValue::from_static(" 9007199254740993 "));
        headers.insert("x-bad", reqwest::header::HeaderValue::from_static("many"));
        let count = header_value_as::<super::super::format::Text, i64>(&headers, "x-count", "an integer as text");
        assert_eq!(count.unwrap(), Some(9_007_199_254_740_993));
        let absent = header_value_as::<super::super::format::Text, i64>(&headers, "x-none", "an integer as text");
        assert_eq!(absent.unwrap(), None);
        let error = header_value_as::<super::super::format::Text, i64>(&headers, "x-bad", "an integer as text");
        let error = error.unwrap_err();
        assert_eq!((error.header, error.value.as_str(), error.expected), ("x-bad", "many", "an integer as text"));
    }

    #[test]
    fn path_segments_cannot_escape_their_segment() {
        let path = PathBuilder::new("/v2/projects/").param(&"../a b/c?d").literal("/x").finish();
        assert_eq!(path, "/v2/projects/..%2Fa%20b%2Fc%3Fd/x");
    }

    #[test]
    fn a_query_key_replaces_an_echoed_one_and_keeps_the_rest_as_encoded() {
        let mut url = reqwest::Url::parse("https://api.example/v1/x?q=a%20b&api_key=old&z=1").unwrap();
        set_query_param(&mut url, "api_key", "s3cr+t");
        assert_eq!(url.as_str(), "https://api.example/v1/x?q=a%20b&z=1&api_key=s3cr%2Bt");
        let mut url = reqwest::Url::parse("https://api.example/v1/x").unwrap();
        set_query_param(&mut url, "api_key", "k");
        assert_eq!(url.query(), Some("api_key=k"));
    }

    #[test]
    fn a_secret_is_redacted_as_it_is_and_percent_encoded() {
        let text = "https://x/?a=s3cr+t&b=s3cr%2Bt";
        assert_eq!(redact(text, Some("s3cr+t")), "https://x/?a=<redacted>&b=<redacted>");
        assert_eq!(redact(text, None), text);
    }

    #[test]
    fn waits_grow_exponentially_with_a_cap_and_honour_retry_after() {
        let policy = RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            max_retry_after: Duration::from_secs(10),
        };
        for attempt in 0..6 {
            let ceiling = Duration::from_millis((100u64 << attempt).min(350));
            for _ in 0..50 {
                let wait = wait_before_retry(&policy, attempt, None).unwrap();
                assert!(wait <= ceiling, "attempt {attempt}: {wait:?} > {ceiling:?}");
            }
        }
        assert_eq!(wait_before_retry(&policy, 0, Some(Duration::from_secs(3))), Some(Duration::from_secs(3)));
        assert_eq!(wait_before_retry(&policy, 0, Some(Duration::from_secs(11))), None);
        let waits: std::collections::BTreeSet<Duration> = (0..20).map(|_| wait_before_retry(&policy, 3, None).unwrap()).collect();
        assert!(waits.len() > 1, "jitter varies the wait");
    }
}
