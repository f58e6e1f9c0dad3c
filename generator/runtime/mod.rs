//! The hand-written runtime of the client: HTTP, authentication, retries, errors and the serde
//! helpers the generated types use. The generator copies this folder verbatim into every crate it
//! emits (as `src/runtime/`), so that the crate stands alone; edit it in `generator/runtime/`.

// A spec need not use every helper (path parameters, cookies, ...), so unused ones are fine.
#![allow(dead_code)]

mod base64;
mod client;
mod error;
#[cfg(feature = "event-streams")]
mod events;
pub mod format;
mod intercept;
#[cfg(feature = "event-streams")]
mod json_lines;
mod nullable;
#[cfg(feature = "test-util")]
mod mock;
#[cfg(feature = "oauth2")]
mod oauth2;
mod pages;
mod request;
mod response;
#[cfg(feature = "event-streams")]
mod sse_parser;
mod styles;
#[cfg(feature = "streams")]
mod stream;
mod token;
#[cfg(feature = "tracing")]
mod trace;
pub(crate) mod serde_helpers;

pub(crate) use client::DefaultAuth;

pub use base64::Base64;
/// The byte buffer of bodies and chunks (from the `bytes` crate), for raw bodies and the
/// chunks of streamed ones.
pub use bytes::Bytes;
/// The HTTP client under the runtime, re-exported so that a program configures it
/// ([`ClientBuilder::http_client`]) with the very version the crate uses, without a dependency
/// of its own that could differ.
pub use reqwest;
pub use client::{Auth, BuildError, Client, ClientBuilder, Provider, RetryPolicy, Token};
#[cfg(feature = "oauth2")]
pub use oauth2::{ClientAuth, OAuth2, OAuth2Builder};
pub use token::{AccessToken, OAuth2Flow, OAuth2Flows, TokenError, TokenFuture, TokenProvider};
pub use intercept::{CallInfo, Interceptor};
#[cfg(feature = "test-util")]
pub use mock::{Mock, MockEvent, MockRequest, MockResponse};
pub use error::{
    ApiError, DecodeError, EncodeError, Error, HeaderError, RedirectError, RedirectErrorKind, TransportError,
    TransportErrorKind, UnexpectedResponse,
};
pub use request::{JsonParam, Request, ToParam};
#[cfg(feature = "multipart")]
pub use request::FilePart;
pub use response::{decode_json, FromHeaders, JsonError, Response};
#[cfg(feature = "event-streams")]
pub use json_lines::{Framing, JsonLines};
pub use nullable::Nullable;
#[cfg(feature = "streams")]
pub use stream::{ByteStream, StreamError, Upload};
#[cfg(feature = "event-streams")]
pub use events::{Event, EventData, EventStream};
#[cfg(feature = "event-streams")]
#[allow(unused_imports)]
pub(crate) use events::{event_json, event_text};
#[allow(unused_imports)]
pub(crate) use pages::{items, pages, Page, Paginated};
#[allow(unused_imports)]
pub(crate) use styles::{styled_segment, ObjectParam, ObjectStyle, One};
#[allow(unused_imports)]
pub(crate) use request::{header_value, header_value_as, PathBuilder, Query, RawResponse};
