//! OAuth2 access tokens that renew themselves, for `Authorization: Bearer`: the client credentials
//! flow, and refresh tokens for the authorization-code and password flows (the user brings the
//! first tokens). Tokens are cached until shortly before they expire, and however many calls need a
//! token at once, at most one token request is in flight.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use serde_json::Value;

use super::token::{invalid_secret, AccessToken, OAuth2Flows, TokenError, TokenFuture, TokenProvider};


/// A credential whose `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How the client authenticates at the token endpoint (with a client secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `Authorization: Basic` with the form-urlencoded id and secret (RFC 6749 §2.3.1).
    #[default]
    Basic,
    /// `client_id` and `client_secret` as form fields.
    Body,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    ClientCredentials,
    RefreshToken,
    /// The resource owner password flow: the user's name and password for the first tokens
    /// (and again whenever no refresh token renews them).
    Password,
}

/// What `on_refresh_token` was given.
#[derive(Clone)]
struct RefreshHook(Arc<dyn Fn(&str) + Send + Sync>);

impl fmt::Debug for RefreshHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<callback>")
    }
}

/// Configures and builds an [`OAuth2`] token source. Its `Debug` shows no secret.
#[derive(Clone, Debug)]
pub struct OAuth2Builder {
    grant: Grant,
    client_id: String,
    client_secret: Option<Secret>,
    refresh_token: Option<Secret>,
    /// The password flow's user name and password.
    owner: Option<(String, Secret)>,
    token_url: Option<String>,
    scopes: Vec<String>,
    access_token: Option<AccessToken>,
    client_auth: ClientAuth,
    renew_before: Duration,
    allow_insecure_http: bool,
    on_refresh_token: Option<RefreshHook>,
    timeout: Duration,
}

/// OAuth2 flows: client credentials; refresh tokens for the authorization-code and password
/// flows (the user brings the first tokens). Share one per set of credentials (e.g. in an `Arc`):
/// it caches the token and renews it once for all its callers.
pub struct OAuth2 {
    grant: Grant,
    http: reqwest::Client,
    token_url: TokenUrl,
    allow_insecure_http: bool,
    client_id: String,
    owner: Option<(String, Secret)>,
    client_secret: Option<Secret>,
    client_auth: ClientAuth,
    scopes: Vec<String>,
    renew_before: Duration,
    on_refresh_token: Option<RefreshHook>,
    state: Mutex<State>,
    /// Held while a token request is in flight, so that there is at most one.
    flight: tokio::sync::Mutex<()>,
}

/// Where tokens are requested: a URL, or a reference relative to the API's server, resolved
/// against the base URL of the first client built with the source.
enum TokenUrl {
    Absolute(reqwest::Url),
    Relative { reference: String, resolved: std::sync::OnceLock<reqwest::Url> },
}

impl TokenUrl {
    fn get(&self) -> Result<&reqwest::Url, TokenError> {
        match self {
            TokenUrl::Absolute(url) => Ok(url),
            TokenUrl::Relative { reference, resolved } => resolved.get().ok_or_else(|| TokenError::InvalidTokenUrl {
                url: reference.clone(),
                reason: "a token URL relative to the API's server needs a client: give this source to \
                         `ClientBuilder::oauth2` (or give an absolute `token_url()`)"
                    .to_owned(),
            }),
        }
    }

    fn shown(&self) -> &str {
        match self {
            TokenUrl::Absolute(url) => url.as_str(),
            TokenUrl::Relative { reference, resolved } => resolved.get().map_or(reference.as_str(), |url| url.as_str()),
        }
    }
}

#[derive(Default)]
struct State {
    token: Option<Cached>,
    refresh_token: Option<Secret>,
    /// Renewals finished (successful or not), and the error of the last one if it failed: a call
    /// that waited for a renewal takes its outcome instead of starting another.
    renewals: u64,
    failure: Option<TokenError>,
}

struct Cached {
    token: AccessToken,
    renew_at: Option<Instant>,
}

impl Cached {
    /// Renewal is due `margin` before expiry, or at half the lifetime when that is shorter.
    fn new(token: AccessToken, margin: Duration) -> Self {
        let renew_at = token.expires_at.map(|expiry| {
            let left = expiry.saturating_duration_since(Instant::now());
            expiry.checked_sub(margin.min(left / 2)).unwrap_or(expiry)
        });
        Self { token, renew_at }
    }
}

impl State {
    fn usable(&self, refused: Option<&AccessToken>) -> Option<AccessToken> {
        let cached = self.token.as_ref()?;
        let was_refused = refused.is_some_and(|refused| refused.secret == cached.token.secret);
        let due = cached.renew_at.is_some_and(|at| Instant::now() >= at);
        (!was_refused && !due).then(|| cached.token.clone())
    }
}

impl fmt::Debug for OAuth2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.state().token.is_some();
        f.debug_struct("OAuth2")
            .field("grant", &self.grant)
            .field("token_url", &self.token_url.shown())
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("token_cached", &cached)
            .finish_non_exhaustive()
    }
}

impl OAuth2 {
    /// The client credentials flow; the token URL and scopes default to the spec's.
    pub fn client_credentials(client_id: impl Into<String>, client_secret: impl Into<String>) -> OAuth2Builder {
        OAuth2Builder::new(
            super::OAUTH2_FLOWS,
            Grant::ClientCredentials,
            client_id.into(),
            Some(Secret(client_secret.into())),
            None,
        )
    }

    /// The authorization code and password flows: renew with the refresh token the user obtained.
    /// The token URL defaults to the spec's authorization code flow, else its password flow. No
    /// `scope` is sent unless `scopes()` is called: the server then keeps the granted scopes.
    pub fn refresh_token(client_id: impl Into<String>, refresh_token: impl Into<String>) -> OAuth2Builder {
        OAuth2Builder::new(
            super::OAUTH2_FLOWS,
            Grant::RefreshToken,
            client_id.into(),
            None,
            Some(Secret(refresh_token.into())),
        )
    }

    /// The resource owner password flow (FastAPI's `OAuth2PasswordBearer`): the user's name and
    /// password are sent to the token URL (only there) for the first tokens; a refresh token the
    /// server issues renews them, else the password is sent again. The token URL and scopes
    /// default to the spec's password flow.
    pub fn password(
        client_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> OAuth2Builder {
        let mut builder = OAuth2Builder::new(super::OAUTH2_FLOWS, Grant::Password, client_id.into(), None, None);
        builder.owner = Some((username.into(), Secret(password.into())));
        builder
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn token(&self, refused: Option<&AccessToken>) -> Result<AccessToken, TokenError> {
        let seen = {
            let state = self.state();
            if let Some(token) = state.usable(refused) {
                return Ok(token);
            }
            state.renewals
        };
        let _flight = self.flight.lock().await;
        {
            let state = self.state();
            if state.renewals != seen {
                // Another call renewed while this one waited: its outcome is this call's too.
                match (&state.failure, &state.token) {
                    (Some(error), _) => return Err(error.clone()),
                    (None, Some(cached)) => return Ok(cached.token.clone()),
                    (None, None) => {}
                }
            }
        }
        let mut outcome = self.request_token().await;
        // The password flow: a refresh token the server no longer takes is dropped, and the
        // user's password asked for new tokens.
        if self.grant == Grant::Password && matches!(outcome, Err(TokenError::Rejected { .. })) {
            let had_refresh = self.state().refresh_token.take().is_some();
            if had_refresh {
                outcome = self.request_token().await;
            }
        }
        let mut state = self.state();
        state.renewals += 1;
        match &outcome {
            Ok(token) => {
                state.token = Some(Cached::new(token.clone(), self.renew_before));
                state.failure = None;
            }
            Err(error) => state.failure = Some(error.clone()),
        }
        outcome
    }

    async fn request_token(&self) -> Result<AccessToken, TokenError> {
        let refresh_token = self.state().refresh_token.clone();
        let mut form = Vec::new();
        match (self.grant, &refresh_token, &self.owner) {
            (Grant::ClientCredentials, _, _) => form.push(("grant_type", "client_credentials")),
            (Grant::RefreshToken | Grant::Password, Some(refresh_token), _) => {
                form.extend([("grant_type", "refresh_token"), ("refresh_token", refresh_token.0.as_str())]);
            }
            (Grant::Password, None, Some((username, password))) => {
                form.extend([("grant_type", "password"), ("username", username), ("password", password.0.as_str())]);
            }
            (Grant::RefreshToken | Grant::Password, None, _) => return Err(TokenError::NoRefreshToken),
        }
        let scope = self.scopes.join(" ");
        if !scope.is_empty() {
            form.push(("scope", &scope));
        }
        let mut basic = None;
        match (&self.client_secret, self.client_auth) {
            (Some(secret), ClientAuth::Basic) => {
                let pair = format!("{}:{}", form_encode(&self.client_id), form_encode(&secret.0));
                // Base64 is always a valid header value.
                basic = HeaderValue::try_from(format!("Basic {}", super::base64::encode(pair.as_bytes()))).ok();
            }
            (Some(secret), ClientAuth::Body) => {
                form.extend([("client_id", self.client_id.as_str()), ("client_secret", secret.0.as_str())]);
            }
            (None, _) => form.push(("client_id", &self.client_id)),
        }
        let body: Vec<String> = form.iter().map(|(name, value)| format!("{name}={}", form_encode(value))).collect();
        let token_url = self.token_url.get()?;
        let mut request = self
            .http
            .post(token_url.clone())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body(body.join("&"));
        if let Some(mut basic) = basic {
            basic.set_sensitive(true);
            request = request.header(AUTHORIZATION, basic);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        if status.is_redirection() {
            let location = response.headers().get(LOCATION).map(|location| {
                let location = String::from_utf8_lossy(location.as_bytes());
                let resolved = token_url.join(&location).map(String::from);
                self.redact(&resolved.unwrap_or_else(|_| location.into_owned()))
            });
            return Err(TokenError::Redirect { status, location });
        }
        let body = read_body(response).await.map_err(transport)?;
        if !status.is_success() {
            return Err(self.rejected(status, &body));
        }
        let (token, rotated) = parse_token(status, &body)?;
        if let (Grant::RefreshToken | Grant::Password, Some(rotated)) = (self.grant, rotated) {
            if refresh_token.as_ref() != Some(&rotated) {
                self.state().refresh_token = Some(rotated.clone());
                if let Some(RefreshHook(hook)) = &self.on_refresh_token {
                    hook(&rotated.0);
                }
            }
        }
        Ok(token)
    }

    /// The error for a non-2xx answer, quoting an RFC 6749 error body or the start of another.
    fn rejected(&self, status: StatusCode, body: &[u8]) -> TokenError {
        let json = serde_json::from_slice::<Value>(body).ok();
        let field = |name| json.as_ref().and_then(|json| json.get(name)?.as_str()).map(|text| self.quote(text));
        match field("error") {
            Some(error) => TokenError::Rejected { status, error: Some(error), description: field("error_description") },
            None => {
                let text = String::from_utf8_lossy(body);
                let description = (!text.trim().is_empty()).then(|| self.quote(&text));
                TokenError::Rejected { status, error: None, description }
            }
        }
    }

    /// `text` with secrets redacted, trimmed and cut to [`SNIPPET_CHARS`].
    fn quote(&self, text: &str) -> String {
        let redacted = self.redact(text.get(..text.len().min(4 * SNIPPET_CHARS)).unwrap_or(text));
        let trimmed = redacted.trim();
        let mut quoted: String = trimmed.chars().take(SNIPPET_CHARS).collect();
        if quoted.len() < trimmed.len() {
            quoted.push('…');
        }
        quoted
    }

    /// `text` with the client secret and the refresh token (as they are and form-encoded) replaced.
    fn redact(&self, text: &str) -> String {
        let refresh_token = self.state().refresh_token.clone();
        let mut text = text.to_owned();
        let password = self.owner.as_ref().map(|(_, password)| password);
        for secret in self.client_secret.iter().chain(refresh_token.iter()).chain(password) {
            text = text.replace(&secret.0, "<redacted>").replace(&form_encode(&secret.0), "<redacted>");
        }
        text
    }
}

impl TokenProvider for OAuth2 {
    fn access_token<'a>(&'a self, refused: Option<&'a AccessToken>) -> TokenFuture<'a> {
        Box::pin(self.token(refused))
    }

    fn bind_base_url(&self, base: &reqwest::Url) -> Result<(), String> {
        let TokenUrl::Relative { reference, resolved } = &self.token_url else { return Ok(()) };
        if resolved.get().is_some() {
            return Ok(());
        }
        // Relative to the server URL: `token` under `https://host/api` is `https://host/api/token`.
        let mut folder = base.clone();
        if !folder.path().ends_with('/') {
            folder.set_path(&format!("{}/", folder.path()));
        }
        let url = folder.join(reference).map_err(|e| format!("the token URL {reference:?} against {base}: {e}"))?;
        let url = validate_token_url(url.as_str()).map_err(|e| e.to_string())?;
        if url.scheme() == "http" && !self.allow_insecure_http && !super::client::is_loopback(&url) {
            return Err(TokenError::InsecureTokenUrl { url: url.to_string() }.to_string());
        }
        let _ = resolved.set(url);
        Ok(())
    }
}

/// How many characters of a token endpoint's error answer an error quotes.
const SNIPPET_CHARS: usize = 200;
/// The most of a token endpoint's body that is read.
const MAX_BODY: usize = 64 * 1024;

/// `application/x-www-form-urlencoded`: all but alphanumerics and `*-._` percent-encoded, space as `+`.
const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_').remove(b' ');

fn form_encode(text: &str) -> String {
    utf8_percent_encode(text, FORM).to_string().replace(' ', "+")
}

/// reqwest's error text, without the URL, with its causes.
fn transport(error: reqwest::Error) -> TokenError {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    TokenError::Transport(text)
}

async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_BODY.saturating_sub(body.len());
        body.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
        if body.len() >= MAX_BODY {
            break;
        }
    }
    Ok(body)
}

/// The token of a 2xx answer, and the new refresh token if the server sent one.
fn parse_token(status: StatusCode, body: &[u8]) -> Result<(AccessToken, Option<Secret>), TokenError> {
    let invalid = |reason| TokenError::InvalidResponse { status, reason };
    let json: Value = serde_json::from_slice(body).map_err(|_| invalid("the body is not JSON"))?;
    let fields = json.as_object().ok_or_else(|| invalid("the body is not a JSON object"))?;
    let secret = match fields.get("access_token") {
        Some(Value::String(secret)) => secret.as_str(),
        Some(_) => return Err(invalid("`access_token` is not a string")),
        None => return Err(invalid("there is no `access_token`")),
    };
    let token = AccessToken::new(secret).map_err(|_| invalid("the `access_token` is empty or not visible ASCII"))?;
    match fields.get("token_type") {
        Some(Value::String(kind)) if kind.eq_ignore_ascii_case("bearer") => {}
        None => {}
        Some(_) => return Err(invalid("the `token_type` is not `Bearer`")),
    }
    let lifetime = match fields.get("expires_in") {
        None | Some(Value::Null) => None,
        Some(Value::Number(seconds)) => {
            let exact = seconds.as_u64().map(Duration::from_secs);
            let lifetime = exact.or_else(|| seconds.as_f64().and_then(|s| Duration::try_from_secs_f64(s).ok()));
            Some(lifetime.ok_or_else(|| invalid("`expires_in` is not a number of seconds"))?)
        }
        Some(Value::String(seconds)) if !seconds.is_empty() && seconds.bytes().all(|b| b.is_ascii_digit()) => {
            // More seconds than u64 holds is as good as no expiry.
            seconds.parse().ok().map(Duration::from_secs)
        }
        Some(_) => return Err(invalid("`expires_in` is not a number of seconds")),
    };
    let refresh_token = match fields.get("refresh_token") {
        None | Some(Value::Null) => None,
        Some(Value::String(secret)) if invalid_secret(secret).is_none() => Some(Secret(secret.clone())),
        Some(_) => return Err(invalid("the `refresh_token` is not a string of visible ASCII")),
    };
    let token = match lifetime {
        Some(lifetime) => token.expires_in(lifetime),
        None => token,
    };
    Ok((token, refresh_token))
}

impl OAuth2Builder {
    /// A builder with the defaults of `flows` (the spec's).
    fn new(
        flows: OAuth2Flows,
        grant: Grant,
        client_id: String,
        client_secret: Option<Secret>,
        refresh_token: Option<Secret>,
    ) -> Self {
        let flow = match grant {
            Grant::ClientCredentials => flows.client_credentials,
            Grant::RefreshToken => flows.authorization_code.or(flows.password),
            Grant::Password => flows.password,
        };
        // A refresh keeps the granted scopes unless told otherwise (RFC 6749 §6).
        let scopes = match (grant, flow) {
            (Grant::ClientCredentials | Grant::Password, Some(flow)) => {
                flow.scopes.iter().map(|&scope| scope.to_owned()).collect()
            }
            _ => Vec::new(),
        };
        Self {
            grant,
            client_id,
            client_secret,
            refresh_token,
            owner: None,
            token_url: flow.map(|flow| flow.token_url.to_owned()),
            scopes,
            access_token: None,
            client_auth: ClientAuth::default(),
            renew_before: Duration::from_secs(30),
            allow_insecure_http: false,
            on_refresh_token: None,
            timeout: Duration::from_secs(30),
        }
    }

    /// The client secret, for the refresh token flow of a confidential client.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(Secret(secret.into()));
        self
    }

    /// Where tokens are requested (default: the spec's token URL for the flow).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The scopes to ask for (default: all the spec lists for the client credentials flow; none,
    /// i.e. those granted, for a refresh).
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// A first token already at hand (e.g. from the authorization-code exchange), used until it
    /// is due for renewal or refused.
    pub fn access_token(mut self, token: AccessToken) -> Self {
        self.access_token = Some(token);
        self
    }

    /// How the client authenticates with its secret (default: [`ClientAuth::Basic`]).
    pub fn client_auth(mut self, how: ClientAuth) -> Self {
        self.client_auth = how;
        self
    }

    /// Renew when less than `margin` of the token's lifetime is left, or at half the lifetime
    /// when that is shorter than twice `margin` (default: 30 s).
    pub fn renew_before(mut self, margin: Duration) -> Self {
        self.renew_before = margin;
        self
    }

    /// Allows plain `http` to a token URL that is not a loopback address (`127.0.0.0/8`, `::1`,
    /// `localhost`); no proxy is used for it even so.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// Called with the new refresh token when the server rotates it, to persist it.
    pub fn on_refresh_token(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.on_refresh_token = Some(RefreshHook(Arc::new(f)));
        self
    }

    /// The time limit of a token request (default: 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Checks the configuration and builds the token source, with its own HTTP client.
    pub fn build(self) -> Result<OAuth2, TokenError> {
        let credential = |what, reason| TokenError::InvalidCredential { what, reason };
        if self.client_id.is_empty() || !self.client_id.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
            return Err(credential("client id", "it is empty or not printable ASCII"));
        }
        if let Some(reason) = self.client_secret.as_ref().and_then(|secret| invalid_secret(&secret.0)) {
            return Err(credential("client secret", reason));
        }
        if let Some((username, password)) = &self.owner {
            if username.is_empty() || username.chars().any(char::is_control) {
                return Err(credential("user name", "it is empty or holds control characters"));
            }
            if password.0.is_empty() {
                return Err(credential("password", "it is empty"));
            }
        }
        let refresh_token = self.refresh_token.filter(|token| !token.0.is_empty());
        if self.grant == Grant::RefreshToken && refresh_token.is_none() {
            return Err(TokenError::NoRefreshToken);
        }
        if let Some(reason) = refresh_token.as_ref().and_then(|token| invalid_secret(&token.0)) {
            return Err(credential("refresh token", reason));
        }
        if let Some(scope) = self.scopes.iter().find(|s| s.is_empty() || !s.bytes().all(is_scope_char)) {
            return Err(TokenError::InvalidScope(scope.clone()));
        }
        let flow = match self.grant {
            Grant::ClientCredentials => "client credentials",
            Grant::RefreshToken => "authorization code or password",
            Grant::Password => "password",
        };
        let url = self.token_url.ok_or(TokenError::MissingTokenUrl { flow })?;
        // A reference without a scheme (`token`, `/auth/token`) is relative to the API's server:
        // resolved when a client is built with this source (see `bind_base_url`).
        let relative = !url.contains("://") && !url.is_empty();
        let (token_url, plain_http) = if relative {
            (TokenUrl::Relative { reference: url, resolved: std::sync::OnceLock::new() }, false)
        } else {
            let token_url = validate_token_url(&url)?;
            let plain_http = token_url.scheme() == "http";
            if plain_http && !self.allow_insecure_http && !super::client::is_loopback(&token_url) {
                return Err(TokenError::InsecureTokenUrl { url });
            }
            (TokenUrl::Absolute(token_url), plain_http)
        };
        super::client::install_crypto_provider();
        let mut http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .timeout(self.timeout)
            .user_agent(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")));
        // A proxy would read a plain-http request, secrets included; a token URL relative to
        // the API's server is requested without one too, whatever its scheme turns out to be.
        if plain_http || relative {
            http = http.no_proxy();
        }
        let http = http.build().map_err(transport)?;
        let token = self.access_token.map(|token| Cached::new(token, self.renew_before));
        Ok(OAuth2 {
            grant: self.grant,
            http,
            token_url,
            allow_insecure_http: self.allow_insecure_http,
            client_id: self.client_id,
            owner: self.owner,
            client_secret: self.client_secret,
            client_auth: self.client_auth,
            scopes: self.scopes,
            renew_before: self.renew_before,
            on_refresh_token: self.on_refresh_token,
            state: Mutex::new(State { token, refresh_token, ..State::default() }),
            flight: tokio::sync::Mutex::new(()),
        })
    }
}

/// RFC 6749 §3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`.
fn is_scope_char(b: u8) -> bool {
    b.is_ascii_graphic() && b != b'"' && b != b'\\'
}

fn validate_token_url(url: &str) -> Result<reqwest::Url, TokenError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| TokenError::InvalidTokenUrl { url: url.to_owned(), reason: e.to_string() })?;
    let mut shown = parsed.clone();
    // Neither fails for an http(s) URL, the only kind that could get this far with credentials.
    let _ = (shown.set_username(""), shown.set_password(None));
    let invalid = |reason: &str| TokenError::InvalidTokenUrl { url: shown.to_string(), reason: reason.to_owned() };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("credentials in the URL are not supported; use the client id and secret"));
    }
    if parsed.fragment().is_some() {
        return Err(invalid("a token URL cannot have a fragment"));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::super::token::OAuth2Flow;
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    // Every secret of these tests contains `SECRET`, and nothing else does.
    const CLIENT_SECRET: &str = "cs-SECRET:/+";
    const REFRESH: &str = "rt-SECRET-1";

    type Reply = (u16, String, String);

    fn json(status: u16, body: &str) -> Reply {
        (status, "Content-Type: application/json\r\n".into(), body.into())
    }

    fn token(secret: &str, extra: &str) -> Reply {
        json(200, &format!(r#"{{"access_token":"{secret}","token_type":"Bearer"{extra}}}"#))
    }

    /// A loopback HTTP/1.1 server: answers request `n` (from 0) with `reply(n)` after `delay` ms,
    /// one request per connection, and records each request's head and body.
    struct Server {
        url: String,
        seen: Arc<Mutex<Vec<(String, String)>>>,
    }

    impl Server {
        async fn start(delay: u64, reply: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Self {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}/token", listener.local_addr().unwrap());
            let seen = Arc::new(Mutex::new(Vec::new()));
            let (log, reply) = (seen.clone(), Arc::new(reply));
            tokio::spawn(async move {
                while let Ok((mut stream, _)) = listener.accept().await {
                    let (log, reply) = (log.clone(), reply.clone());
                    tokio::spawn(async move {
                        let (mut data, mut buffer) = (Vec::new(), [0; 4096]);
                        let request = loop {
                            match stream.read(&mut buffer).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => data.extend_from_slice(&buffer[..n]),
                            }
                            let text = String::from_utf8_lossy(&data).into_owned();
                            let Some((head, body)) = text.split_once("\r\n\r\n") else { continue };
                            if body.len() >= header(head, "content-length").and_then(|l| l.parse().ok()).unwrap_or(0) {
                                break (head.to_owned(), body.to_owned());
                            }
                        };
                        let index = {
                            let mut log = log.lock().unwrap();
                            log.push(request);
                            log.len() - 1
                        };
                        tokio::time::sleep(Duration::from_millis(delay)).await;
                        let (status, headers, body) = reply(index);
                        let length = body.len();
                        let response = format!(
                            "HTTP/1.1 {status} X\r\nContent-Length: {length}\r\nConnection: close\r\n{headers}\r\n{body}"
                        );
                        let _ = stream.write_all(response.as_bytes()).await;
                        let _ = stream.shutdown().await;
                    });
                }
            });
            Self { url, seen }
        }

        fn count(&self) -> usize {
            self.seen.lock().unwrap().len()
        }

        fn request(&self, n: usize) -> (String, String) {
            self.seen.lock().unwrap()[n].clone()
        }
    }

    fn header(head: &str, name: &str) -> Option<String> {
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
        })
    }

    fn no_secret(text: impl AsRef<str>) {
        assert!(!text.as_ref().contains("SECRET"), "a secret leaked: {}", text.as_ref());
    }

    fn check_error(error: &TokenError) {
        no_secret(format!("{error} {error:?}"));
    }

    /// Defaults as if the spec declared them, so that the tests do not depend on the crate's spec.
    const FLOWS: OAuth2Flows = OAuth2Flows {
        client_credentials: Some(OAuth2Flow { token_url: "https://auth.example/token", scopes: &["read", "write"] }),
        authorization_code: None,
        password: None,
    };

    fn with_spec(flows: OAuth2Flows, grant: Grant, client_id: &str) -> OAuth2Builder {
        let (secret, refresh) = match grant {
            Grant::ClientCredentials => (Some(Secret(CLIENT_SECRET.into())), None),
            Grant::RefreshToken => (None, Some(Secret(REFRESH.into()))),
            Grant::Password => (None, None),
        };
        OAuth2Builder::new(flows, grant, client_id.into(), secret, refresh)
    }

    fn client(url: &str) -> OAuth2Builder {
        with_spec(FLOWS, Grant::ClientCredentials, "id").token_url(url)
    }

    async fn get(oauth: &OAuth2, refused: Option<&AccessToken>) -> Result<AccessToken, TokenError> {
        let outcome = oauth.access_token(refused).await;
        outcome.inspect_err(check_error)
    }

    /// `n` calls at once from spawned tasks.
    async fn race(oauth: &Arc<OAuth2>, refused: Option<AccessToken>, n: usize) -> Vec<Result<AccessToken, TokenError>> {
        let calls = (0..n).map(|_| {
            let (oauth, refused) = (oauth.clone(), refused.clone());
            tokio::spawn(async move { oauth.access_token(refused.as_ref()).await })
        });
        futures_util::future::join_all(calls).await.into_iter().map(Result::unwrap).collect()
    }

    #[tokio::test]
    async fn client_credentials_are_sent_and_the_token_cached() {
        let server = Server::start(0, |_| token("at-SECRET-1", r#","expires_in":3600,"scope":"read""#)).await;
        let builder = with_spec(FLOWS, Grant::ClientCredentials, "my client").token_url(&server.url);
        no_secret(format!("{builder:?}"));
        let oauth = builder.build().unwrap();
        let first = get(&oauth, None).await.unwrap();
        assert_eq!(first.expose_secret(), "at-SECRET-1");
        assert!(first.expires_at().is_some());
        assert_eq!(get(&oauth, None).await.unwrap(), first);
        assert_eq!(server.count(), 1, "the second call uses the cache");
        let (head, body) = server.request(0);
        assert!(head.starts_with("POST /token HTTP/1.1"));
        assert_eq!(body, "grant_type=client_credentials&scope=read+write", "the spec's scopes by default");
        let basic = format!("Basic {}", super::super::base64::encode(b"my+client:cs-SECRET%3A%2F%2B"));
        assert_eq!(header(&head, "authorization"), Some(basic));
        assert_eq!(header(&head, "accept").as_deref(), Some("application/json"));
        assert_eq!(header(&head, "content-type").as_deref(), Some("application/x-www-form-urlencoded"));
        no_secret(format!("{oauth:?} {first:?}"));
        assert!(format!("{oauth:?}").contains("token_cached: true"));

        let body_auth = client(&server.url).client_auth(ClientAuth::Body).scopes(["x:y"]).build().unwrap();
        get(&body_auth, None).await.unwrap();
        let (head, body) = server.request(1);
        assert_eq!(body, "grant_type=client_credentials&scope=x%3Ay&client_id=id&client_secret=cs-SECRET%3A%2F%2B");
        assert_eq!(header(&head, "authorization"), None);
    }

    #[tokio::test]
    async fn the_password_flow_gets_tokens_renews_them_and_falls_back_to_the_password() {
        // First the password, then the refresh token the server issued; once the server no
        // longer takes that, the password again. The password goes to the token URL only.
        let server = Server::start(0, |n| match n {
            0 => token("at-SECRET-0", r#","refresh_token":"rt-SECRET-1""#),
            2 => json(400, r#"{"error":"invalid_grant"}"#),
            n => token(&format!("at-SECRET-{n}"), ""),
        })
        .await;
        let builder = OAuth2::password("app", "ann", "pw-SECRET").token_url(&server.url);
        no_secret(format!("{builder:?}"));
        let oauth = builder.build().unwrap();
        let first = get(&oauth, None).await.unwrap();
        assert_eq!(server.request(0).1, "grant_type=password&username=ann&password=pw-SECRET&client_id=app");
        let second = get(&oauth, Some(&first)).await.unwrap();
        assert_eq!(server.request(1).1, "grant_type=refresh_token&refresh_token=rt-SECRET-1&client_id=app");
        let third = get(&oauth, Some(&second)).await.unwrap();
        assert_eq!(third.expose_secret(), "at-SECRET-3");
        assert_eq!(server.request(3).1, "grant_type=password&username=ann&password=pw-SECRET&client_id=app");
        no_secret(format!("{oauth:?}"));
        let empty = OAuth2::password("app", "ann", "").token_url(&server.url).build().unwrap_err();
        assert!(empty.to_string().contains("password"), "{empty}");
    }

    #[tokio::test]
    async fn a_relative_token_url_is_resolved_against_the_clients_server() {
        let server = Server::start(0, |_| token("at-SECRET-1", "")).await;
        // `token` relative to `http://127.0.0.1:<port>/api`: `/api/token`.
        let oauth = OAuth2::password("app", "ann", "pw-SECRET").token_url("token").build().unwrap();
        let error = get(&oauth, None).await.unwrap_err();
        assert!(error.to_string().contains("needs a client"), "{error}");
        let base = reqwest::Url::parse(&format!("{}/api", server.url.trim_end_matches("/token"))).unwrap();
        oauth.bind_base_url(&base).unwrap();
        get(&oauth, None).await.unwrap();
        assert!(server.request(0).0.starts_with("POST /api/token HTTP/1.1"), "{}", server.request(0).0);
        // Plain http to another host is refused, as for an absolute token URL.
        let remote = OAuth2::password("app", "ann", "pw-SECRET").token_url("/token").build().unwrap();
        let refused = remote.bind_base_url(&reqwest::Url::parse("http://api.example/v1").unwrap()).unwrap_err();
        assert!(refused.contains("plain http"), "{refused}");
    }

    #[tokio::test]
    async fn a_token_is_renewed_before_it_expires() {
        let server = Server::start(0, |n| token(&format!("at-SECRET-{n}"), r#","expires_in":"1""#)).await;
        // A lifetime of 1 s is shorter than twice the margin: renewal is due after half of it.
        let oauth = client(&server.url).build().unwrap();
        let first = get(&oauth, None).await.unwrap();
        assert_eq!(get(&oauth, None).await.unwrap(), first);
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(get(&oauth, None).await.unwrap().expose_secret(), "at-SECRET-1");
        assert_eq!(server.count(), 2);
        // A first token at hand is used, and renewed once it expires.
        let early = AccessToken::new("at-SECRET-early").unwrap().expires_in(Duration::from_millis(250));
        let oauth = client(&server.url).access_token(early.clone()).renew_before(Duration::ZERO).build().unwrap();
        assert_eq!(get(&oauth, None).await.unwrap(), early);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(get(&oauth, None).await.unwrap().expose_secret(), "at-SECRET-2");
        no_secret(format!("{early:?}"));
    }

    #[tokio::test]
    async fn a_refused_token_is_renewed_once() {
        let server = Server::start(0, |n| token(&format!("at-SECRET-{n}"), "")).await;
        let oauth = client(&server.url).build().unwrap();
        let first = get(&oauth, None).await.unwrap();
        assert_eq!(first.expires_at(), None, "no expires_in: valid until refused");
        let second = get(&oauth, Some(&first)).await.unwrap();
        assert_eq!(second.expose_secret(), "at-SECRET-1");
        assert_eq!(get(&oauth, Some(&first)).await.unwrap(), second, "a newer token is at hand");
        assert_eq!(server.count(), 2);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_token_request() {
        let server = Server::start(100, |n| token(&format!("at-SECRET-{n}"), "")).await;
        let oauth = Arc::new(client(&server.url).build().unwrap());
        let refused = AccessToken::new("at-SECRET-0").unwrap();
        for (refused, expected) in [(None, "at-SECRET-0"), (Some(refused), "at-SECRET-1")] {
            for outcome in race(&oauth, refused, 200).await {
                assert_eq!(outcome.unwrap().expose_secret(), expected);
            }
        }
        assert_eq!(server.count(), 2, "one request per wave");
    }

    #[tokio::test]
    async fn callers_waiting_on_a_failed_renewal_share_its_error() {
        let server = Server::start(100, |n| match n {
            0 => json(401, r#"{"error":"invalid_client"}"#),
            _ => token("at-SECRET-ok", ""),
        })
        .await;
        let oauth = Arc::new(client(&server.url).build().unwrap());
        for outcome in race(&oauth, None, 50).await {
            assert!(matches!(outcome, Err(TokenError::Rejected { error: Some(code), .. }) if code == "invalid_client"));
        }
        assert_eq!(server.count(), 1);
        assert_eq!(get(&oauth, None).await.unwrap().expose_secret(), "at-SECRET-ok", "the next call tries again");
    }

    #[tokio::test]
    async fn a_rotated_refresh_token_is_used_and_reported() {
        let server = Server::start(0, |n| match n {
            0 => token("at-SECRET-0", r#","refresh_token":"rt-SECRET-2""#),
            _ => json(200, r#"{"access_token":"at-SECRET-1","token_type":"BEARER","expires_in":60}"#),
        })
        .await;
        let told = Arc::new(Mutex::new(Vec::new()));
        let hook = told.clone();
        let builder = OAuth2::refresh_token("app", REFRESH).token_url(&server.url);
        let builder = builder.on_refresh_token(move |token| hook.lock().unwrap().push(token.to_owned()));
        no_secret(format!("{builder:?}"));
        let oauth = builder.build().unwrap();
        let first = get(&oauth, None).await.unwrap();
        get(&oauth, Some(&first)).await.unwrap();
        assert_eq!(server.request(0).1, "grant_type=refresh_token&refresh_token=rt-SECRET-1&client_id=app");
        assert_eq!(server.request(1).1, "grant_type=refresh_token&refresh_token=rt-SECRET-2&client_id=app");
        assert_eq!(header(&server.request(0).0, "authorization"), None, "a public client");
        assert_eq!(*told.lock().unwrap(), ["rt-SECRET-2"]);
        no_secret(format!("{oauth:?}"));

        let confidential = OAuth2::refresh_token("app", REFRESH).token_url(&server.url).client_secret(CLIENT_SECRET);
        get(&confidential.scopes(["a", "b"]).build().unwrap(), None).await.unwrap();
        let (head, body) = server.request(2);
        assert_eq!(body, "grant_type=refresh_token&refresh_token=rt-SECRET-1&scope=a+b");
        assert!(header(&head, "authorization").is_some_and(|value| value.starts_with("Basic ")));
        // The spec's authorization code flow, else its password flow, gives the token URL.
        let none = OAuth2Flows { client_credentials: None, authorization_code: None, password: None };
        let password = with_spec(OAuth2Flows { password: FLOWS.client_credentials, ..none }, Grant::RefreshToken, "a");
        assert_eq!(password.token_url.as_deref(), Some("https://auth.example/token"));
        assert!(password.scopes.is_empty(), "a refresh keeps the granted scopes");
        let error = with_spec(none, Grant::RefreshToken, "app").build().unwrap_err();
        assert_eq!(error, TokenError::MissingTokenUrl { flow: "authorization code or password" });
        check_error(&error);
    }

    #[tokio::test]
    async fn failures_are_reported_without_secrets_and_retried() {
        let html = format!("<html>oops {CLIENT_SECRET} {}</html>", "x".repeat(300));
        let server = Server::start(0, move |n| match n {
            0 => json(400, r#"{"error":"invalid_client","error_description":"bad"}"#),
            1 => (500, "Content-Type: text/html\r\n".into(), html.clone()),
            2 => json(200, r#"{"token":"at-SECRET-body","refresh_token":"rt-SECRET-body"}"#),
            3 => json(200, r#"{"access_token":"at-SECRET-mac","token_type":"mac"}"#),
            4 => json(200, "not json at-SECRET-text"),
            _ => token("at-SECRET-ok", ""),
        })
        .await;
        let oauth = client(&server.url).build().unwrap();
        let (error, description) = (Some("invalid_client".to_owned()), Some("bad".to_owned()));
        let expected = TokenError::Rejected { status: StatusCode::BAD_REQUEST, error, description };
        assert_eq!(get(&oauth, None).await.unwrap_err(), expected);
        let error = get(&oauth, None).await.unwrap_err();
        let TokenError::Rejected { status, error: None, description: Some(snippet) } = error else { panic!("{error}") };
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(snippet.starts_with("<html>oops <redacted> xxx") && snippet.ends_with('…'), "{snippet}");
        for reason in ["there is no `access_token`", "the `token_type` is not `Bearer`", "the body is not JSON"] {
            let error = get(&oauth, None).await.unwrap_err();
            assert_eq!(error, TokenError::InvalidResponse { status: StatusCode::OK, reason });
        }
        assert_eq!(get(&oauth, None).await.unwrap().expose_secret(), "at-SECRET-ok", "retried after failures");
        assert_eq!(server.count(), 6);
    }

    #[tokio::test]
    async fn a_redirect_is_never_followed() {
        let elsewhere = Server::start(0, |_| token("at-SECRET-x", "")).await;
        let target = format!("{}?leak={REFRESH}", elsewhere.url);
        let server = Server::start(0, move |_| (302, format!("Location: {target}\r\n"), String::new())).await;
        let oauth = OAuth2::refresh_token("app", REFRESH).token_url(&server.url).build().unwrap();
        let location = Some(format!("{}?leak=<redacted>", elsewhere.url));
        assert_eq!(get(&oauth, None).await.unwrap_err(), TokenError::Redirect { status: StatusCode::FOUND, location });
        assert_eq!(elsewhere.count(), 0);
        let error = get(&client("http://127.0.0.1:9/token").build().unwrap(), None).await.unwrap_err();
        assert!(matches!(&error, TokenError::Transport(text) if !text.contains("127.0.0.1")), "{error}");
    }

    #[test]
    fn the_token_url_and_credentials_are_checked_at_build() {
        for url in ["http://auth.example/token", "http://192.0.2.1/token"] {
            assert_eq!(client(url).build().unwrap_err(), TokenError::InsecureTokenUrl { url: url.to_owned() });
            assert!(client(url).allow_insecure_http().build().is_ok());
        }
        for url in ["http://127.0.0.1:8080/t", "http://localhost/t", "http://[::1]/t", "https://auth.example/t?p=1"] {
            assert!(client(url).build().is_ok(), "{url}");
        }
        for url in ["ftp://x/t", "https://user:pw-SECRET@x/t", "https://x/t#f"] {
            let error = client(url).build().unwrap_err();
            assert!(matches!(error, TokenError::InvalidTokenUrl { .. }), "{url}: {error}");
            check_error(&error);
        }
        // A reference relative to the API's server is checked when a client binds it.
        let relative = client("/token").build().unwrap();
        assert!(relative.bind_base_url(&reqwest::Url::parse("https://api.example/v1").unwrap()).is_ok());
        assert!(format!("{relative:?}").contains("https://api.example/token"));
        assert!(with_spec(FLOWS, Grant::ClientCredentials, "id").build().is_ok(), "the spec's token URL");
        let errors = [
            OAuth2::client_credentials("id", "bad SECRET").build().unwrap_err(),
            OAuth2::client_credentials("id", "").build().unwrap_err(),
            OAuth2::refresh_token("id", "").token_url("https://x/t").build().unwrap_err(),
            OAuth2::refresh_token("id", "rt\nSECRET").token_url("https://x/t").build().unwrap_err(),
            client("https://x/t").scopes(["a b"]).build().unwrap_err(),
            AccessToken::new("at SECRET").unwrap_err(),
        ];
        assert_eq!(errors[2], TokenError::NoRefreshToken);
        errors.iter().for_each(check_error);
    }
}
