//! Streams of events: server-sent events (`text/event-stream`) as typed [`Event`]s, with
//! reconnection. Compiled with the `event-streams` feature, which the tags whose operations stream
//! events turn on (JSON sequences, `JsonLines`, are in `json_lines.rs`, under the same feature).

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;
use reqwest::header::HeaderValue;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::error::SendError;
use super::request::{RawResponse, Reading};
use super::sse_parser::{EventParser, RawEvent};
use super::stream::{BodyStream, ByteStream, Resend, StreamError};

/// The most bytes one server-sent event (or one line of it) may hold before the stream is
/// refused: a bound on memory against a server that never ends a line.
const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// The wait before reconnecting an event stream when the server has not set one (`retry:`).
const DEFAULT_RECONNECT_WAIT: Duration = Duration::from_secs(1);

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
#[doc(hidden)]
pub type DecodeData<T> = fn(&str) -> Result<EventData<T>, super::JsonError>;

/// Data as JSON of type `T`; text that is not JSON at all stays text (`[DONE]`).
#[doc(hidden)]
pub fn event_json<T: DeserializeOwned>(data: &str) -> Result<EventData<T>, super::JsonError> {
    match serde_json::from_str::<T>(data) {
        Ok(value) => Ok(EventData::Value(value)),
        // Not JSON at all (`[DONE]` starts like an array, so ask a parser that expects nothing).
        Err(_) if serde_json::from_str::<serde::de::IgnoredAny>(data).is_err() => Ok(EventData::Text(data.to_owned())),
        // JSON of the wrong shape: decoded again to find the path of the bad value.
        Err(_) => super::decode_json::<T>(data.as_bytes()).map(EventData::Value),
    }
}

/// Data as text.
#[doc(hidden)]
pub fn event_text(data: &str) -> Result<EventData<String>, super::JsonError> {
    Ok(EventData::Value(data.to_owned()))
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
