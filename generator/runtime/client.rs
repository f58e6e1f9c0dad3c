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
///
/// The runtime attaches the credential to each request itself, at the moment it is sent, and
/// only when the request goes to the base URL's origin (scheme, host and port): it is never a
/// default header of the HTTP client, so no redirect, retry or proxy can carry it elsewhere.
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
    /// The token in an API-key query parameter, e.g. `?api_key=<token>`. It is added to the
    /// URL only when the request is sent, so it is never part of [`Request`](super::Request)'s
    /// path and query, of an error message or of `Debug` output.
    ApiKeyQuery {
        /// The query parameter that carries the token.
        name: String,
        /// The token.
        token: Token,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(Token),
    /// `Authorization: Basic <base64 of user:password>` (HTTP Basic).
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Token,
    },
    /// `Authorization: Bearer <token>` with tokens from a [`TokenProvider`](super::TokenProvider):
    /// `OAuth2` (the `oauth2` feature), which renews them itself, or the program's own source.
    Provider(Provider),
    /// No authentication: only for endpoints that need none, or for tests.
    None,
}

/// A shared [`TokenProvider`](super::TokenProvider); equal to itself only.
#[derive(Clone)]
pub struct Provider(pub(crate) std::sync::Arc<dyn super::TokenProvider>);

impl Provider {
    /// Wraps `provider` for [`Auth::Provider`].
    pub fn new(provider: impl super::TokenProvider + 'static) -> Self {
        Self(std::sync::Arc::new(provider))
    }
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq for Provider {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Provider {}

impl Auth {
    /// The header this scheme sends, marked sensitive (kept out of `Debug` by `http`).
    pub(crate) fn header(&self) -> Option<(HeaderName, HeaderValue)> {
        let (name, value) = match self {
            Auth::ApiKey { header, token } => (header.clone(), HeaderValue::from_str(&token.0)),
            Auth::Bearer(token) => (AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {}", token.0))),
            Auth::Basic { username, password } => {
                let credentials = super::base64::encode(format!("{username}:{}", password.0).as_bytes());
                (AUTHORIZATION, HeaderValue::from_str(&format!("Basic {credentials}")))
            }
            Auth::ApiKeyQuery { .. } | Auth::Provider(_) | Auth::None => return None,
        };
        // `Token::new` admits visible ASCII only, which is always a valid header value.
        let mut value = value.ok()?;
        value.set_sensitive(true);
        Some((name, value))
    }

    /// The query parameter this scheme sends: its name and the token.
    pub(crate) fn query(&self) -> Option<(&str, &str)> {
        match self {
            Auth::ApiKeyQuery { name, token } => Some((name, &token.0)),
            _ => None,
        }
    }

    /// The secret, if any, for redacting it from text that may quote it (a `Location`).
    pub(crate) fn secret(&self) -> Option<&str> {
        match self {
            Auth::ApiKey { token, .. } | Auth::ApiKeyQuery { token, .. } | Auth::Bearer(token) => Some(&token.0),
            Auth::Basic { password, .. } => Some(&password.0),
            Auth::Provider(_) | Auth::None => None,
        }
    }
}

/// The scheme the spec declares first, which [`ClientBuilder::token`] uses.
#[derive(Clone, Copy, Debug)]
pub(crate) enum DefaultAuth {
    /// An API key in the header of this name.
    ApiKeyHeader(&'static str),
    /// An API key in the query parameter of this name.
    ApiKeyQuery(&'static str),
    /// `Authorization: Bearer`, also when the spec declares no usable scheme.
    Bearer,
    /// HTTP Basic: the token is `user:password`.
    Basic,
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
    /// A credential would travel over plain `http` to a host that is not this machine.
    #[error(
        "refusing to send credentials over plain http to {url}: anyone on the way could read them; \
         use https, or call `allow_insecure_http()` on the builder if this network is trusted"
    )]
    InsecureHttp {
        /// The base URL as given.
        url: String,
    },
    /// The HTTP client could not be set up (TLS backend).
    #[error("the HTTP client could not be built: {0}")]
    Http(#[source] reqwest::Error),
    /// The spec names no server, and no base URL was given.
    #[error("no base URL: the spec names no server, so the client needs one: call `base_url()` on the builder")]
    NoBaseUrl,
    /// The token source cannot use this client's server (a relative OAuth2 token URL that does
    /// not resolve against it, or resolves to plain http elsewhere).
    #[error("the token source cannot be used with this client: {0}")]
    TokenSource(String),
}

/// A user's configuration of the underlying `reqwest` client (proxies, TLS roots, pools).
type HttpConfig = std::sync::Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

/// Configures and builds a [`Client`], or the generated client `C` around one (the crate's
/// `ClientBuilder` is this builder of its own `Client`).
#[derive(Clone)]
pub struct ClientBuilder<C = Client> {
    #[cfg(feature = "test-util")]
    mock: Option<super::Mock>,
    http: Option<HttpConfig>,
    interceptors: super::intercept::Interceptors,
    base_url: String,
    auth: Auth,
    auth_error: Option<&'static str>,
    timeout: Option<Duration>,
    idle_timeout: Option<Duration>,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    extra_headers: HeaderMap,
    allow_insecure_http: bool,
    client: std::marker::PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("interceptors", &self.interceptors)
            .finish_non_exhaustive()
    }
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> ClientBuilder<C> {
    /// A builder with the defaults: the spec's server URL, no authentication, a 30 s timeout per
    /// attempt, a 10 s connect timeout and [`RetryPolicy::default`].
    pub fn new() -> Self {
        Self {
            #[cfg(feature = "test-util")]
            mock: None,
            http: None,
            interceptors: Default::default(),
            base_url: super::DEFAULT_BASE_URL.to_owned(),
            auth: Auth::None,
            auth_error: None,
            timeout: Some(Duration::from_secs(30)),
            idle_timeout: Some(Duration::from_secs(60)),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            user_agent: super::USER_AGENT.to_owned(),
            extra_headers: HeaderMap::new(),
            allow_insecure_http: false,
            client: std::marker::PhantomData,
        }
    }

    /// Authenticate with the spec's default scheme (for mittwald: the `x-access-token` header).
    /// An invalid token makes [`ClientBuilder::build`] fail.
    pub fn token(self, token: impl Into<String>) -> Self {
        match super::DEFAULT_AUTH {
            DefaultAuth::ApiKeyHeader(header) => self.api_key(header, token),
            DefaultAuth::ApiKeyQuery(name) => self.api_key_query(name, token),
            DefaultAuth::Bearer => self.bearer_token(token),
            DefaultAuth::Basic => {
                let token = token.into();
                let (username, password) = token.split_once(':').unwrap_or((&token, ""));
                self.basic_auth(username, password)
            }
        }
    }

    /// Authenticate with HTTP Basic: `Authorization: Basic <base64 of username:password>`.
    pub fn basic_auth(self, username: impl Into<String>, password: impl Into<String>) -> Self {
        let username = username.into();
        if username.contains(':') || username.chars().any(char::is_control) {
            return Self { auth_error: Some("the user name contains `:` or a control character"), ..self };
        }
        match Token::new(password) {
            Ok(password) => self.set_auth(Auth::Basic { username, password }),
            Err(BuildError::InvalidToken(why)) => Self { auth_error: Some(why), ..self },
            Err(_) => unreachable!("Token::new only fails with InvalidToken"),
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

    /// Authenticate with the token in the query parameter `name` (`?name=<token>`).
    pub fn api_key_query(self, name: &str, token: impl Into<String>) -> Self {
        match Token::new(token) {
            Ok(token) => self.set_auth(Auth::ApiKeyQuery { name: name.to_owned(), token }),
            Err(BuildError::InvalidToken(why)) => Self { auth_error: Some(why), ..self },
            Err(_) => unreachable!("Token::new only fails with InvalidToken"),
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

    /// Authenticate with OAuth2 access tokens that renew themselves (client credentials, or a
    /// refresh token), e.g. `OAuth2::client_credentials(id, secret).build()?`: the token is
    /// requested before the first call, renewed before it expires and once when the API answers
    /// 401, with one renewal in flight however many calls wait for it.
    #[cfg(feature = "oauth2")]
    pub fn oauth2(self, oauth2: super::OAuth2) -> Self {
        self.set_auth(Auth::Provider(Provider::new(oauth2)))
    }

    /// Authenticate with `Authorization: Bearer` tokens from `provider` (a vault, a CLI login).
    pub fn token_provider(self, provider: impl super::TokenProvider + 'static) -> Self {
        self.set_auth(Auth::Provider(Provider::new(provider)))
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

    /// Allows a credential to travel over plain `http` to a host that is not a loopback address
    /// (`127.0.0.0/8`, `::1`, `localhost`); without this, [`ClientBuilder::build`] refuses such a
    /// base URL, since anyone on the way could read the token. Even so, no system proxy is used
    /// for plain `http`.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// Configures the underlying `reqwest` client: proxies, TLS roots, connection pools, local
    /// address, HTTP versions. The closure gets reqwest's builder with this builder's timeouts
    /// and default headers set (a timeout set here also ends streamed responses); the client then finishes it with what keeps credentials safe,
    /// which the closure cannot undo: no redirects followed by reqwest (the runtime follows them
    /// within the API's origin), no `Referer`, no proxy for plain `http`.
    ///
    /// A builder rather than a ready `reqwest::Client`: a client built elsewhere could follow a
    /// redirect to another host with the API key before this crate sees the response.
    pub fn http_client(
        mut self,
        configure: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.http = Some(std::sync::Arc::new(configure));
        self
    }

    /// Sends nothing over the network: every request goes to `mock` (feature `test-util`).
    #[cfg(feature = "test-util")]
    pub fn mock(mut self, mock: super::Mock) -> Self {
        self.mock = Some(mock);
        self
    }

    /// Adds an [`Interceptor`](super::Interceptor) that sees every request of the client before
    /// it is sent and every response before it is decoded; interceptors run in the order added.
    pub fn interceptor(mut self, interceptor: impl super::Interceptor + 'static) -> Self {
        self.interceptors = self.interceptors.with(std::sync::Arc::new(interceptor));
        self
    }

    /// The time limit of one attempt, from sending to the end of the body; `None` for none.
    /// For a streamed response (a download, an event stream) it ends when the head arrives:
    /// the [`idle_timeout`](Self::idle_timeout) bounds the body.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest wait for the next bytes of a streamed response (default 60 s); `None` to
    /// wait forever. Comments a server sends to keep an event stream alive count as bytes.
    pub fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.idle_timeout = timeout;
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
    pub fn build(mut self) -> Result<C, BuildError>
    where
        C: From<Client>,
    {
        if let Some(why) = self.auth_error.take() {
            return Err(BuildError::InvalidToken(why));
        }
        #[cfg(feature = "test-util")]
        let mocked = self.mock.is_some();
        #[cfg(not(feature = "test-util"))]
        let mocked = false;
        if self.base_url.is_empty() {
            if !mocked {
                return Err(BuildError::NoBaseUrl);
            }
            // Nothing is sent: any URL serves the mock's requests.
            self.base_url = "http://127.0.0.1".to_owned();
        }
        let base = validate_base_url(&self.base_url)?;
        if let Auth::Provider(provider) = &self.auth {
            provider.0.bind_base_url(&base).map_err(BuildError::TokenSource)?;
        }
        let plain_http = base.scheme() == "http";
        if plain_http && self.auth != Auth::None && !self.allow_insecure_http && !is_loopback(&base) {
            return Err(BuildError::InsecureHttp { url: self.base_url });
        }
        let mut default_headers = self.extra_headers.clone();
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::InvalidBaseUrl {
            url: self.base_url.clone(),
            reason: "the user agent is not a valid header value".into(),
        })?;
        default_headers.insert(USER_AGENT, user_agent);
        // The credential is not a default header: the runtime adds it per request, for the API's
        // origin only. Redirects are followed by the runtime (within the origin), never by
        // reqwest, and no `Referer` is sent.
        // The timeout is set per request (a stream has an idle timeout instead).
        install_crypto_provider();
        let mut http = reqwest::Client::builder().default_headers(default_headers).connect_timeout(self.connect_timeout);
        if let Some(configure) = &self.http {
            http = configure(http);
        }
        // Last, so that no configuration undoes it.
        http = http.redirect(reqwest::redirect::Policy::none()).referer(false);
        if plain_http {
            // A proxy would read a plain-http request, credential included.
            http = http.no_proxy();
        }
        let http = http.build().map_err(BuildError::Http)?;
        let base_url = base.as_str().trim_end_matches('/').to_owned();

        Ok(C::from(Client {
            http,
            base_url,
            base,
            auth: self.auth,
            retry: self.retry,
            timeout: self.timeout,
            idle_timeout: self.idle_timeout,
            last_event: Default::default(),
            interceptors: self.interceptors,
            #[cfg(feature = "test-util")]
            mock: self.mock,
        }))
    }
}

fn validate_base_url(url: &str) -> Result<reqwest::Url, BuildError> {
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
    Ok(parsed)
}

/// Whether `url` names this machine: a loopback address, or `localhost`.
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The API client: cheap to clone, share it between tasks.
#[derive(Clone)]
pub struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// The base URL, parsed: its origin is the only one that ever sees the credential.
    pub(crate) base: reqwest::Url,
    pub(crate) auth: Auth,
    pub(crate) retry: RetryPolicy,
    /// The time limit of a whole exchange (of a stream's head).
    pub(crate) timeout: Option<Duration>,
    /// The longest wait for the next bytes of a streamed body.
    pub(crate) idle_timeout: Option<Duration>,
    /// The `ETag` of this client's last successful write, sent as `If-Event-Reached` on reads.
    pub(crate) last_event: std::sync::Arc<std::sync::Mutex<Option<HeaderValue>>>,
    pub(crate) interceptors: super::intercept::Interceptors,
    #[cfg(feature = "test-util")]
    pub(crate) mock: Option<super::Mock>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .field("interceptors", &self.interceptors)
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

    /// A client that also runs `interceptor` on its calls: for a header or a recording on some
    /// calls only (`client.with_interceptor(x).conversation().list_conversations().send()`).
    /// It shares everything else with this one (connections, the `If-Event-Reached` state).
    pub fn with_interceptor(&self, interceptor: impl super::Interceptor + 'static) -> Self {
        Self { interceptors: self.interceptors.with(std::sync::Arc::new(interceptor)), ..self.clone() }
    }
}

/// The `rustls` feature's cryptography: *ring*, installed as the process's default rustls
/// provider before the first client is built, unless the program installed one (which is kept)
/// or chose aws-lc-rs with the `rustls-aws-lc` feature. *ring* builds from a little C and
/// assembly with the platform's C compiler; aws-lc-rs's C library takes minutes on a small
/// machine, which is the difference a first build of the crate sees.
pub(crate) fn install_crypto_provider() {
    #[cfg(all(feature = "rustls", not(feature = "rustls-aws-lc")))]
    {
        // `Err` means a provider is installed already: the program's, or ours for an earlier client.
        // rustls 0.23.3x deprecates *ring*'s provider for its lack of post-quantum key exchange;
        // it is still the provider that builds without aws-lc's C library.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_sends_the_encoded_pair() {
        let auth = Auth::Basic { username: "Aladdin".into(), password: Token::new("open-sesame").unwrap() };
        let (name, value) = auth.header().unwrap();
        assert_eq!(name, AUTHORIZATION);
        assert_eq!(value, "Basic QWxhZGRpbjpvcGVuLXNlc2FtZQ==");
        assert!(value.is_sensitive());
        assert!(!format!("{auth:?}").contains("open-sesame"));
    }
}
