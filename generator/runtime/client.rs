use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, USER_AGENT};

/// An API token. Its `Debug` and `Display` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Checks that `secret` can travel in an HTTP header unchanged: visible ASCII only, so no
    /// spaces, control characters (CR/LF would split the header) or non-ASCII characters.
    pub fn new(secret: impl Into<String>) -> Result<Self, BuildError> {
        let secret = secret.into();
        if secret.is_empty() {
            return Err(BuildError::InvalidToken("the token is empty"));
        }
        if !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(BuildError::InvalidToken(
                "the token contains a character that is not visible ASCII (whitespace, CR/LF, control or non-ASCII)",
            ));
        }
        Ok(Self(secret))
    }

    /// The secret itself, for the rare caller that must pass it on.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// How the client authenticates.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// The token in an API-key header (the spec's default scheme names the header).
    ApiKey {
        /// The header that carries the token, e.g. `x-access-token`.
        header: HeaderName,
        /// The token.
        token: Token,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(Token),
    /// No authentication: only for endpoints that need none, or for tests.
    None,
}

impl Auth {
    fn apply(&self, headers: &mut HeaderMap) {
        let (name, value) = match self {
            Auth::ApiKey { header, token } => (header.clone(), token.0.clone()),
            Auth::Bearer(token) => (AUTHORIZATION, format!("Bearer {}", token.0)),
            Auth::None => return,
        };
        // `Token::new` admits visible ASCII only, which is always a valid header value.
        if let Ok(mut value) = HeaderValue::from_str(&value) {
            value.set_sensitive(true);
            headers.insert(name, value);
        }
    }
}

/// When and how often a request is sent again.
///
/// Only idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS) are retried: after a connection or
/// timeout error, or on status 429, 502, 503 or 504. The wait before retry `n` (counting from 0)
/// is a random duration in `[0, min(max_backoff, initial_backoff * 2^n)]` ("full jitter"); a
/// `Retry-After` header of the response (seconds or an HTTP date) replaces it when present, as
/// long as it is not longer than `max_retry_after`, beyond which the error is returned at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    /// The upper bound of the first wait.
    pub initial_backoff: Duration,
    /// The cap of any computed wait.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client is willing to wait for.
    pub max_retry_after: Duration,
}

impl RetryPolicy {
    /// No retries at all.
    pub fn disabled() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }
}

impl Default for RetryPolicy {
    /// 3 retries, waits starting below 250 ms and capped at 8 s, `Retry-After` honoured up to 60 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The token cannot be sent as given.
    #[error("invalid API token: {0}")]
    InvalidToken(&'static str),
    /// The base URL is not an absolute `http`/`https` URL without query or fragment.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The API-key header name is not a valid header name.
    #[error("invalid header name {0:?} for the API key")]
    InvalidHeaderName(String),
    /// The HTTP client could not be set up (TLS backend).
    #[error("the HTTP client could not be built: {0}")]
    Http(#[source] reqwest::Error),
}

/// Configures and builds a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    auth: Auth,
    auth_error: Option<&'static str>,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    extra_headers: HeaderMap,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// A builder with the defaults: the spec's server URL, no authentication, a 30 s timeout per
    /// attempt, a 10 s connect timeout and [`RetryPolicy::default`].
    pub fn new() -> Self {
        Self {
            base_url: crate::DEFAULT_BASE_URL.to_owned(),
            auth: Auth::None,
            auth_error: None,
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            extra_headers: HeaderMap::new(),
        }
    }

    /// Authenticate with the spec's default scheme (for mittwald: the `x-access-token` header).
    /// An invalid token makes [`ClientBuilder::build`] fail.
    pub fn token(self, token: impl Into<String>) -> Self {
        match crate::DEFAULT_API_KEY_HEADER {
            Some(header) => self.api_key(header, token),
            None => self.bearer_token(token),
        }
    }

    /// Authenticate with the token in the API-key header `header`.
    pub fn api_key(mut self, header: &str, token: impl Into<String>) -> Self {
        match (HeaderName::try_from(header), Token::new(token)) {
            (Ok(header), Ok(token)) => self.set_auth(Auth::ApiKey { header, token }),
            (Err(_), _) => {
                self.auth_error = Some("the API-key header name is not a valid header name");
                self
            }
            (_, Err(BuildError::InvalidToken(why))) => {
                self.auth_error = Some(why);
                self
            }
            (_, Err(_)) => unreachable!("Token::new only fails with InvalidToken"),
        }
    }

    /// Authenticate with `Authorization: Bearer <token>`.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        match Token::new(token) {
            Ok(token) => self.set_auth(Auth::Bearer(token)),
            Err(BuildError::InvalidToken(why)) => Self { auth_error: Some(why), ..self },
            Err(_) => unreachable!("Token::new only fails with InvalidToken"),
        }
    }

    /// Authenticate as described by `auth`.
    pub fn auth(self, auth: Auth) -> Self {
        self.set_auth(auth)
    }

    fn set_auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self.auth_error = None;
        self
    }

    /// The server to talk to, e.g. `http://127.0.0.1:4010` for a local mock. Must be an absolute
    /// `http` or `https` URL without query or fragment; a trailing `/` is ignored.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The time limit of one attempt, from sending to the end of the body; `None` for none.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time limit for establishing a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry policy; [`RetryPolicy::disabled`] turns retries off.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Replaces the `User-Agent` (default: `<crate name>/<crate version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// A header sent with every request (e.g. `Prefer` for a mock server, or tracing headers).
    pub fn default_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.extra_headers.append(name, value);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        if let Some(why) = self.auth_error {
            return Err(BuildError::InvalidToken(why));
        }
        let base_url = validate_base_url(&self.base_url)?;
        let mut default_headers = self.extra_headers.clone();
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::InvalidBaseUrl {
            url: self.base_url.clone(),
            reason: "the user agent is not a valid header value".into(),
        })?;
        default_headers.insert(USER_AGENT, user_agent);
        self.auth.apply(&mut default_headers);
        let mut http =
            reqwest::Client::builder().default_headers(default_headers).connect_timeout(self.connect_timeout);
        if let Some(timeout) = self.timeout {
            http = http.timeout(timeout);
        }
        let http = http.build().map_err(BuildError::Http)?;
        Ok(Client { http, base_url, auth: self.auth, retry: self.retry, last_event: Default::default() })
    }
}

fn validate_base_url(url: &str) -> Result<String, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl { url: url.to_owned(), reason: reason.to_owned() };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.query().is_some() {
        return Err(invalid("a base URL cannot have a query"));
    }
    if parsed.fragment().is_some() {
        return Err(invalid("a base URL cannot have a fragment"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("credentials in the URL are not supported; use the token"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// The API client: cheap to clone, share it between tasks.
#[derive(Clone)]
pub struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    auth: Auth,
    pub(crate) retry: RetryPolicy,
    /// The `ETag` of this client's last successful write, sent as `If-Event-Reached` on reads.
    pub(crate) last_event: std::sync::Arc<std::sync::Mutex<Option<HeaderValue>>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the spec's server, authenticated with `token` in the default scheme.
    pub fn new(token: impl Into<String>) -> Result<Self, BuildError> {
        ClientBuilder::new().token(token).build()
    }

    /// A builder to configure base URL, authentication, timeouts and retries.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The base URL requests go to, without trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}
