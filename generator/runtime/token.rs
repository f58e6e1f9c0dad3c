//! Access tokens for `Authorization: Bearer` from a source the program chooses: the
//! [`TokenProvider`] trait, the token and its errors, and the OAuth2 flows the spec declares. The
//! crate's own OAuth2 client (`OAuth2`, in `oauth2.rs`) is the `oauth2` feature.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use reqwest::StatusCode;

/// The future [`TokenProvider::access_token`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, TokenError>> + Send + 'a>>;

/// A source of access tokens for `Authorization: Bearer`: this crate's `OAuth2` (the `oauth2` feature), or the user's
/// own (a vault, a CLI login).
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// A token for the next request. `refused` is the token the API has just answered 401 to:
    /// renew it, unless a newer one is already at hand (another call renewed it meanwhile).
    fn access_token<'a>(&'a self, refused: Option<&'a AccessToken>) -> TokenFuture<'a>;

    /// Called when a client is built with this source, with the client's base URL: a token URL
    /// the spec gives relative to the server (`tokenUrl: token`, as FastAPI writes it) is
    /// resolved against it (the first client's, if several share the source). An error stops
    /// the client from being built.
    fn bind_base_url(&self, _base: &reqwest::Url) -> Result<(), String> {
        Ok(())
    }
}

/// The OAuth2 flows the spec declares, with their token URLs and scopes (the generator emits them
/// as `OAUTH2_FLOWS` at the root of the runtime).
#[derive(Debug, Clone, Copy)]
pub struct OAuth2Flows {
    /// The client credentials flow.
    pub client_credentials: Option<OAuth2Flow>,
    /// The authorization code flow.
    pub authorization_code: Option<OAuth2Flow>,
    /// The resource owner password flow.
    pub password: Option<OAuth2Flow>,
}

/// One flow of the spec.
#[derive(Debug, Clone, Copy)]
pub struct OAuth2Flow {
    /// Where tokens are requested.
    pub token_url: &'static str,
    /// Every scope the spec lists for the flow.
    pub scopes: &'static [&'static str],
}

/// Why `text` cannot travel in a header or form as it is, if it cannot: empty, or not visible
/// ASCII (whitespace, CR/LF, control or non-ASCII characters).
pub(crate) fn invalid_secret(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        Some("it is empty")
    } else if !text.bytes().all(|b| b.is_ascii_graphic()) {
        Some("it contains a character that is not visible ASCII (whitespace, CR/LF, control or non-ASCII)")
    } else {
        None
    }
}

/// An access token. Its `Debug` shows the expiry, never the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    pub(crate) secret: String,
    pub(crate) expires_at: Option<Instant>,
}

impl AccessToken {
    /// A token without expiry (valid until the API refuses it); the secret must be visible ASCII.
    pub fn new(secret: impl Into<String>) -> Result<Self, TokenError> {
        let secret = secret.into();
        match invalid_secret(&secret) {
            Some(reason) => Err(TokenError::InvalidToken(reason)),
            None => Ok(Self { secret, expires_at: None }),
        }
    }

    /// The same token, expiring `lifetime` from now (never, if that is beyond what `Instant` holds).
    pub fn expires_in(self, lifetime: Duration) -> Self {
        Self { expires_at: Instant::now().checked_add(lifetime), ..self }
    }

    /// When the token expires, if known.
    pub fn expires_at(&self) -> Option<Instant> {
        self.expires_at
    }

    /// The secret itself, for the `Authorization` header.
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.expires_at {
            Some(at) => {
                write!(f, "AccessToken(<redacted>, expires in {:?})", at.saturating_duration_since(Instant::now()))
            }
            None => f.write_str("AccessToken(<redacted>)"),
        }
    }
}

/// Why no token could be had. No variant ever holds the client secret, the refresh token or an
/// access token: text quoted from the token endpoint has them redacted, and a successful answer
/// (which holds a token) is never quoted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// An access token that cannot be sent as it is.
    #[error("invalid access token: {0}")]
    InvalidToken(&'static str),
    /// A client id, client secret or refresh token that cannot be sent as it is.
    #[error("invalid {what}: {reason}")]
    InvalidCredential {
        /// Which credential.
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A scope that is not a valid scope token (visible ASCII but `"` and `\`).
    #[error("invalid scope {0:?}: a scope is visible ASCII without spaces, `\"` or `\\`")]
    InvalidScope(String),
    /// No token URL: the spec declares none for the flow, and `token_url()` was not called.
    #[error("no token URL: the spec declares no {flow} flow; call `token_url()` on the builder")]
    MissingTokenUrl {
        /// The flow that was looked for.
        flow: &'static str,
    },
    /// The token URL is not an absolute `http`/`https` URL without credentials or fragment.
    #[error("invalid token URL {url:?}: {reason}")]
    InvalidTokenUrl {
        /// The URL as given (without credentials).
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Plain `http` to a host that is not this machine, without `allow_insecure_http()`.
    #[error(
        "refusing to send OAuth2 credentials over plain http to {url}: anyone on the way could read them; \
         use https, or call `allow_insecure_http()` on the builder if this network is trusted"
    )]
    InsecureTokenUrl {
        /// The token URL.
        url: String,
    },
    /// No complete HTTP answer from the token endpoint (connection, timeout, TLS), or the HTTP
    /// client could not be built.
    #[error("the token request failed: {0}")]
    Transport(String),
    /// The token endpoint answered with a redirect, which is never followed: the credentials stay
    /// with the token URL.
    #[error("the token endpoint redirected ({status}) to {}; not followed, so that the credentials stay with the token URL", .location.as_deref().unwrap_or("no Location"))]
    Redirect {
        /// The redirect's status.
        status: StatusCode,
        /// Where it pointed, resolved against the token URL, secrets redacted.
        location: Option<String>,
    },
    /// The token endpoint refused the request (RFC 6749 §5.2), e.g. `invalid_client`, `invalid_grant`.
    #[error("the token endpoint refused the request ({status}): {}", rejection(.error, .description))]
    Rejected {
        /// The status.
        status: StatusCode,
        /// The `error` code of an RFC 6749 error body.
        error: Option<String>,
        /// Its `error_description`, or for another body the start of it (secrets redacted).
        description: Option<String>,
    },
    /// A success status with a body that holds no usable token.
    #[error("the token endpoint's {status} answer is unusable: {reason}")]
    InvalidResponse {
        /// The status.
        status: StatusCode,
        /// What is wrong (never quoting the body).
        reason: &'static str,
    },
    /// There is no refresh token to renew the access token with.
    #[error("no refresh token to renew the access token with")]
    NoRefreshToken,
    /// The user's own [`TokenProvider`] failed.
    #[error("the token provider failed: {0}")]
    Provider(String),
}

fn rejection(error: &Option<String>, description: &Option<String>) -> String {
    match (error, description) {
        (Some(error), Some(description)) => format!("{error}: {description}"),
        (Some(text), None) | (None, Some(text)) => text.clone(),
        (None, None) => "no explanation".to_owned(),
    }
}
