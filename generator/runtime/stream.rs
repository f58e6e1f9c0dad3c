//! Bodies that are not read whole: downloads as a [`ByteStream`], server-sent events as an
//! [`EventStream`], and request bodies from a file or a stream as an [`Upload`].
//!
//! A streamed response has no whole-request timeout (it may last for hours); instead the
//! client's idle timeout bounds the wait for each next chunk. Dropping a stream closes its
//! connection.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::error::{SendError, TransportError};
use super::request::{RawResponse, Reading, Request};
use super::sse_parser::{EventParser, RawEvent};
use super::Client;

/// The most bytes one server-sent event (or one line of it) may hold before the stream is
/// refused: a bound on memory against a server that never ends a line.
const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// The wait before reconnecting an event stream when the server has not set one (`retry:`).
const DEFAULT_RECONNECT_WAIT: Duration = Duration::from_secs(1);

/// Why a streamed body ended early, or one of its events could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The connection broke while the body was streaming.
    #[error(transparent)]
    Transport(TransportError),
    /// No byte arrived for longer than the client's idle timeout.
    #[error("the stream was idle for {0:?} (the client's idle timeout): no data arrived")]
    IdleTimeout(Duration),
    /// One event's `data` is JSON that does not match the spec's schema. The stream goes on:
    /// the next item is the next event.
    #[error("the `{event}` event's data does not decode at `{path}`: {message}; the data starts with: {snippet}")]
    Decode {
        /// The event's type (`message` when the server named none).
        event: String,
        /// Where in the JSON the value is wrong (`.` for the root).
        path: String,
        /// What serde reported.
        message: String,
        /// The first bytes of the data.
        snippet: String,
    },
    /// One item of a JSON sequence ([`JsonLines`](super::JsonLines)) does not match the spec's
    /// schema. The stream goes on: the next item is the next value.
    #[error("item {index} of the sequence does not decode at `{path}`: {message}; it starts with: {snippet}")]
    Item {
        /// The item's position in the sequence (from 0).
        index: u64,
        /// Where in the JSON the value is wrong (`.` for the root).
        path: String,
        /// What serde reported.
        message: String,
        /// The first bytes of the item.
        snippet: String,
    },
    /// An event, or a body collected with a limit, is larger than allowed.
    #[error("the body is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The body collected as text is not UTF-8.
    #[error("the body is not UTF-8 text: {0}")]
    NotUtf8(#[source] std::string::FromUtf8Error),
    /// Writing the body to its destination failed.
    #[error("cannot write the body: {0}")]
    Io(#[source] std::io::Error),
    /// Reconnecting an event stream failed: the server answered this status (or none).
    #[error("reconnecting the event stream failed: {message}")]
    Reconnect {
        /// The status of the answer, if one arrived.
        status: Option<StatusCode>,
        /// What went wrong.
        message: String,
    },
}

type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

/// A response body as it arrives, with the idle timeout between chunks.
pub(crate) struct BodyStream {
    chunks: Chunks,
    idle: Option<Duration>,
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    method: Method,
    path: String,
    done: bool,
}

impl BodyStream {
    pub(crate) fn new(response: reqwest::Response, idle: Option<Duration>, method: Method, path: String) -> Self {
        Self { chunks: Box::pin(response.bytes_stream()), idle, deadline: None, method, path, done: false }
    }

    pub(crate) fn from_bytes(bytes: Bytes) -> Self {
        Self {
            chunks: Box::pin(futures_util::stream::iter([Ok(bytes)])),
            idle: None,
            deadline: None,
            method: Method::GET,
            path: String::new(),
            done: false,
        }
    }

    pub(crate) fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, StreamError>>> {
        if self.done {
            return Poll::Ready(None);
        }
        match self.chunks.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                if let (Some(idle), Some(deadline)) = (self.idle, self.deadline.as_mut()) {
                    deadline.as_mut().reset(tokio::time::Instant::now() + idle);
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => {
                self.done = true;
                let error = TransportError::new(self.method.clone(), self.path.clone(), error);
                Poll::Ready(Some(Err(StreamError::Transport(error))))
            }
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => {
                let Some(idle) = self.idle else { return Poll::Pending };
                let deadline = self.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                if deadline.as_mut().poll(cx).is_ready() {
                    self.done = true;
                    return Poll::Ready(Some(Err(StreamError::IdleTimeout(idle))));
                }
                Poll::Pending
            }
        }
    }
}

/// A download: the body as a stream of byte chunks, never whole in memory unless asked
/// ([`bytes`](Self::bytes)). Dropping it closes the connection.
///
/// ```ignore
/// let mut download = client.file().get_file("file-123").send().await?.into_body();
/// download.save("report.pdf").await?;
/// ```
pub struct ByteStream {
    pub(crate) body: BodyStream,
    content_length: Option<u64>,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").field("content_length", &self.content_length).finish_non_exhaustive()
    }
}

impl ByteStream {
    pub(crate) fn new(body: BodyStream, content_length: Option<u64>) -> Self {
        Self { body, content_length }
    }

    /// A stream of these bytes (for tests and mocks of code that takes a `ByteStream`).
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        let content_length = Some(bytes.len() as u64);
        Self { body: BodyStream::from_bytes(bytes), content_length }
    }

    /// The length the server announced (`Content-Length`), if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// Collects the whole body: for small ones. See [`bytes_limited`](Self::bytes_limited).
    pub async fn bytes(self) -> Result<Bytes, StreamError> {
        self.bytes_limited(u64::MAX).await
    }

    /// Collects the whole body, or fails with [`StreamError::TooLarge`] as soon as it exceeds
    /// `limit` bytes (before reading the rest).
    pub async fn bytes_limited(mut self, limit: u64) -> Result<Bytes, StreamError> {
        if self.content_length.is_some_and(|length| length > limit) {
            return Err(StreamError::TooLarge { limit });
        }
        let mut out = bytes::BytesMut::new();
        while let Some(chunk) = futures_util::StreamExt::next(&mut self).await {
            let chunk = chunk?;
            if (out.len() + chunk.len()) as u64 > limit {
                return Err(StreamError::TooLarge { limit });
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out.freeze())
    }

    /// Collects the whole body as UTF-8 text.
    pub async fn text(self) -> Result<String, StreamError> {
        let bytes = self.bytes().await?;
        String::from_utf8(bytes.to_vec()).map_err(StreamError::NotUtf8)
    }

    /// Writes the body to `writer` chunk by chunk; returns the number of bytes written.
    pub async fn write_to<W: tokio::io::AsyncWrite + Unpin>(mut self, writer: &mut W) -> Result<u64, StreamError> {
        use tokio::io::AsyncWriteExt;
        let mut written = 0u64;
        while let Some(chunk) = futures_util::StreamExt::next(&mut self).await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(StreamError::Io)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(StreamError::Io)?;
        Ok(written)
    }

    /// Writes the body to the file at `path` (created or truncated); returns its length.
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64, StreamError> {
        let mut file = tokio::fs::File::create(path).await.map_err(StreamError::Io)?;
        self.write_to(&mut file).await
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().body.poll_chunk(cx)
    }
}

/// One server-sent event: its type, id, reconnection time and data.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The `event` field: the event's type, `message` when the server named none.
    pub event: String,
    /// The last event id the stream has set (ids carry over to later events, as in browsers).
    pub id: Option<String>,
    /// The reconnection time this event set (`retry:`), if it set one.
    pub retry: Option<Duration>,
    /// The `data`, decoded.
    pub data: EventData<T>,
}

/// The `data` of an event: a value of the spec's type, or text that is not JSON at all.
#[derive(Debug, Clone, PartialEq)]
pub enum EventData<T> {
    /// The data decoded as the spec's schema (or the text itself, for streams without one).
    Value(T),
    /// Data that is not JSON, such as the `[DONE]` sentinel that ends OpenAI-style streams: it
    /// is handed over as it is, for the caller to act on.
    Text(String),
}

impl<T> Event<T> {
    /// The decoded value, if the data was one.
    pub fn value(&self) -> Option<&T> {
        match &self.data {
            EventData::Value(value) => Some(value),
            EventData::Text(_) => None,
        }
    }

    /// The decoded value, if the data was one.
    pub fn into_value(self) -> Option<T> {
        match self.data {
            EventData::Value(value) => Some(value),
            EventData::Text(_) => None,
        }
    }

    /// The data, if it was text that is not JSON (e.g. `[DONE]`).
    pub fn text(&self) -> Option<&str> {
        match &self.data {
            EventData::Text(text) => Some(text),
            EventData::Value(_) => None,
        }
    }
}

/// How an event's data becomes an [`EventData`]: JSON of the spec's type, or text.
pub(crate) type DecodeData<T> = fn(&str) -> Result<EventData<T>, super::JsonError>;

/// Data as JSON of type `T`; text that is not JSON at all stays text (`[DONE]`).
pub(crate) fn event_json<T: DeserializeOwned>(data: &str) -> Result<EventData<T>, super::JsonError> {
    match serde_json::from_str::<T>(data) {
        Ok(value) => Ok(EventData::Value(value)),
        // Not JSON at all (`[DONE]` starts like an array, so ask a parser that expects nothing).
        Err(_) if serde_json::from_str::<serde::de::IgnoredAny>(data).is_err() => Ok(EventData::Text(data.to_owned())),
        // JSON of the wrong shape: decoded again to find the path of the bad value.
        Err(_) => super::decode_json::<T>(data.as_bytes()).map(EventData::Value),
    }
}

/// Data as text.
pub(crate) fn event_text(data: &str) -> Result<EventData<String>, super::JsonError> {
    Ok(EventData::Value(data.to_owned()))
}

/// What reconnecting needs: the client and the request to send again.
pub(crate) struct Resend {
    pub(crate) client: Client,
    pub(crate) request: Arc<Request>,
}

type Reconnecting = Pin<Box<dyn Future<Output = Result<RawResponse, SendError>> + Send>>;

/// Server-sent events (`text/event-stream`) as a stream of typed [`Event`]s, parsed as they
/// arrive. An item is an error when the connection breaks, the stream is idle for longer than
/// the client's idle timeout (both end the stream, unless [`reconnect`](Self::reconnect) is
/// on), or one event's data does not decode (the stream goes on).
///
/// ```ignore
/// let mut events = client.chat().create_completion(request).send_stream().await?.into_body();
/// while let Some(event) = events.next().await {
///     match event?.data {
///         EventData::Value(chunk) => print!("{}", chunk.choices[0].delta.content.unwrap_or_default()),
///         EventData::Text(done) if done == "[DONE]" => break,
///         EventData::Text(_) => {}
///     }
/// }
/// ```
pub struct EventStream<T> {
    body: BodyStream,
    parser: EventParser,
    ready: VecDeque<RawEvent>,
    decode: DecodeData<T>,
    resend: Option<Resend>,
    reconnects_left: u32,
    reconnecting: Option<Reconnecting>,
    ended: bool,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("last_event_id", &self.parser.last_event_id())
            .field("reconnects_left", &self.reconnects_left)
            .finish_non_exhaustive()
    }
}

impl<T> EventStream<T> {
    pub(crate) fn new(body: BodyStream, decode: DecodeData<T>, resend: Option<Resend>) -> Self {
        Self {
            body,
            parser: EventParser::new(MAX_EVENT_BYTES),
            ready: VecDeque::new(),
            decode,
            resend,
            reconnects_left: 0,
            reconnecting: None,
            ended: false,
        }
    }

    /// Reads `body` as server-sent events whose data is JSON of type `T` (text that is not JSON
    /// stays [`EventData::Text`]): for a download the spec does not declare as an event stream.
    pub fn json(body: ByteStream) -> Self
    where
        T: DeserializeOwned,
    {
        Self::new(body.body, event_json::<T>, None)
    }

    /// Reconnects up to `attempts` times when the connection breaks or goes idle (not when the
    /// server ends the stream): after the server's `retry` time (default 1 s), sending
    /// `Last-Event-ID` with the last id seen, so that the server can resume. Off by default:
    /// many APIs (AI completions among them) start over on a new request. Never done when the
    /// request body was a one-time stream.
    pub fn reconnect(mut self, attempts: u32) -> Self {
        self.reconnects_left = attempts;
        self
    }

    /// The last event id seen (for resuming later with `Last-Event-ID` by hand).
    pub fn last_event_id(&self) -> Option<&str> {
        Some(self.parser.last_event_id()).filter(|id| !id.is_empty())
    }

    fn event(&self, raw: RawEvent) -> Result<Event<T>, StreamError> {
        let data = (self.decode)(&raw.data).map_err(|error| StreamError::Decode {
            event: raw.event.clone(),
            path: error.path,
            message: error.message,
            snippet: super::error::snippet(raw.data.as_bytes()),
        })?;
        Ok(Event { event: raw.event, id: raw.id, retry: raw.retry.map(Duration::from_millis), data })
    }

    /// Starts reconnecting after `error`, if allowed; else gives the error back.
    fn start_reconnect(&mut self, error: StreamError) -> Result<(), StreamError> {
        let Some(resend) = self.resend.as_ref().filter(|r| r.request.is_replayable()) else { return Err(error) };
        if self.reconnects_left == 0 {
            return Err(error);
        }
        self.reconnects_left -= 1;
        let wait = self.parser.reconnection_time().map(Duration::from_millis).unwrap_or(DEFAULT_RECONNECT_WAIT);
        let client = resend.client.clone();
        let mut request = (*resend.request).clone();
        if let Ok(id) = HeaderValue::from_str(self.parser.last_event_id()) {
            if !id.is_empty() {
                request.headers.insert("last-event-id", id);
            }
        }
        self.reconnecting = Some(Box::pin(async move {
            tokio::time::sleep(wait).await;
            client.execute(request, Reading::Open(|status| status == 200)).await
        }));
        Ok(())
    }
}

impl EventStream<String> {
    /// Reads `body` as server-sent events with text data.
    pub fn text(body: ByteStream) -> Self {
        Self::new(body.body, event_text, None)
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(raw) = this.ready.pop_front() {
                return Poll::Ready(Some(this.event(raw)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            if let Some(reconnecting) = this.reconnecting.as_mut() {
                let outcome = match reconnecting.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(outcome) => outcome,
                };
                this.reconnecting = None;
                match outcome {
                    Ok(raw) => match raw.open {
                        Some(open) => {
                            this.parser.finish();
                            this.body = open.into_body();
                        }
                        // 204 No Content: the server says there is nothing more.
                        None if raw.status == StatusCode::NO_CONTENT => this.ended = true,
                        None => {
                            this.ended = true;
                            let message = format!("the server answered {}", raw.status);
                            return Poll::Ready(Some(Err(StreamError::Reconnect { status: Some(raw.status), message })));
                        }
                    },
                    Err(error) => {
                        this.ended = true;
                        let message = super::Error::<()>::from(error).to_string();
                        return Poll::Ready(Some(Err(StreamError::Reconnect { status: None, message })));
                    }
                }
                continue;
            }
            match this.body.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    if let Err(too_large) = this.parser.feed(&chunk, &mut this.ready) {
                        this.ended = true;
                        return Poll::Ready(Some(Err(StreamError::TooLarge { limit: too_large.limit as u64 })));
                    }
                }
                Poll::Ready(Some(Err(error))) => {
                    if let Err(error) = this.start_reconnect(error) {
                        this.ended = true;
                        return Poll::Ready(Some(Err(error)));
                    }
                }
                Poll::Ready(None) => {
                    // An event without its closing blank line is dropped, as browsers do.
                    this.parser.finish();
                    this.ended = true;
                }
            }
        }
    }
}

/// How much of a file one chunk of an upload holds: large reads keep an upload at the speed of
/// the disk (reqwest's own file body reads 8 KiB at a time, 2 to 4 times slower than curl).
const FILE_CHUNK: usize = 512 * 1024;

/// A file's bytes as chunks of [`FILE_CHUNK`].
fn file_chunks(file: tokio::fs::File) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    futures_util::stream::try_unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut chunk = bytes::BytesMut::with_capacity(FILE_CHUNK);
        while chunk.len() < FILE_CHUNK {
            if file.read_buf(&mut chunk).await? == 0 {
                break;
            }
        }
        Ok((!chunk.is_empty()).then(|| (chunk.freeze(), file)))
    })
}

/// A request body or multipart file part that need not be in memory: bytes, a file (read as
/// it is sent, and read again for a retry) or a stream (sent once: a request with one is never
/// retried or redirected with its body).
#[derive(Clone)]
pub struct Upload(Source);

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    File { path: PathBuf, len: u64 },
    Stream { once: Arc<Mutex<Option<UploadChunks>>>, len: Option<u64> },
}

type UploadChunks = Pin<Box<dyn Stream<Item = Result<Bytes, Box<dyn std::error::Error + Send + Sync>>> + Send>>;

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::Bytes(bytes) => f.debug_struct("Upload").field("len", &bytes.len()).finish(),
            Source::File { path, len } => f.debug_struct("Upload").field("file", path).field("len", len).finish(),
            Source::Stream { len, .. } => f.debug_struct("Upload").field("stream", &true).field("len", len).finish(),
        }
    }
}

/// Bytes by their content, files by path and length, streams by identity.
impl PartialEq for Upload {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Source::Bytes(a), Source::Bytes(b)) => a == b,
            (Source::File { path: a, len: m }, Source::File { path: b, len: n }) => a == b && m == n,
            (Source::Stream { once: a, .. }, Source::Stream { once: b, .. }) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Upload {}

impl Upload {
    /// These bytes.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Self(Source::Bytes(bytes.into()))
    }

    /// The file at `path`, read as the request is sent (and again for a retry); its length is
    /// taken now and sent as `Content-Length`.
    pub async fn file(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let len = tokio::fs::metadata(&path).await?.len();
        Ok(Self(Source::File { path, len }))
    }

    /// The chunks of `stream`, sent once; `len` is sent as `Content-Length` when known (some
    /// servers require it), else the body is chunked. A request with a stream body is not
    /// retried: the stream cannot be read twice.
    pub fn stream<S, E>(stream: S, len: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let chunks: UploadChunks = Box::pin(futures_util::StreamExt::map(stream, |chunk| chunk.map_err(Into::into)));
        Self(Source::Stream { once: Arc::new(Mutex::new(Some(chunks))), len })
    }

    /// The length, when known.
    pub fn len(&self) -> Option<u64> {
        match &self.0 {
            Source::Bytes(bytes) => Some(bytes.len() as u64),
            Source::File { len, .. } => Some(*len),
            Source::Stream { len, .. } => *len,
        }
    }

    /// Whether it is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The bytes, when the body is bytes in memory.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.0 {
            Source::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Whether it can be sent again (bytes and files can, streams cannot).
    pub fn is_replayable(&self) -> bool {
        !matches!(self.0, Source::Stream { .. })
    }

    /// The body for one attempt; a stream's only once.
    pub(crate) async fn body(&self) -> Result<reqwest::Body, String> {
        match &self.0 {
            Source::Bytes(bytes) => Ok(reqwest::Body::from(bytes.clone())),
            Source::File { path, .. } => match tokio::fs::File::open(path).await {
                Ok(file) => Ok(reqwest::Body::wrap_stream(file_chunks(file))),
                Err(error) => Err(format!("cannot open {}: {error}", path.display())),
            },
            Source::Stream { once, .. } => match once.lock().ok().and_then(|mut once| once.take()) {
                Some(chunks) => Ok(reqwest::Body::wrap_stream(chunks)),
                None => Err("the streamed body was sent already: a stream is sent once (use bytes or a file to \
                             send a body again)"
                    .to_owned()),
            },
        }
    }
}

impl From<Bytes> for Upload {
    fn from(bytes: Bytes) -> Self {
        Self::bytes(bytes)
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Self::bytes(bytes)
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Self {
        Self::bytes(bytes)
    }
}

impl From<String> for Upload {
    fn from(text: String) -> Self {
        Self::bytes(text)
    }
}

impl From<&'static str> for Upload {
    fn from(text: &'static str) -> Self {
        Self::bytes(text)
    }
}
