//! Bodies that are not read whole: downloads as a [`ByteStream`], server-sent events as an
//! `EventStream` (`events.rs`, the `event-streams` feature), and request bodies from a file or a stream as an [`Upload`].
//!
//! A streamed response has no whole-request timeout (it may last for hours); instead the
//! client's idle timeout bounds the wait for each next chunk. Dropping a stream closes its
//! connection.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use reqwest::{Method, StatusCode};

use super::error::TransportError;
use super::request::Request;
use super::Client;

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
    /// One item of a JSON sequence (`JsonLines`, the `event-streams` feature) does not match the spec's
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

/// What reconnecting needs: the client and the request to send again.
pub(crate) struct Resend {
    pub(crate) client: Client,
    pub(crate) request: Arc<Request>,
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
