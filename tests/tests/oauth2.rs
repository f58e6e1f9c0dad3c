//! OAuth2 through the whole client, over loopback: a token endpoint (127.0.0.2) and the API
//! (127.0.0.1) on different origins. The token is fetched before the first call, cached, renewed
//! before it expires and once after a 401, with one renewal for 200 concurrent calls; the client
//! secret and refresh token go to the token endpoint only, the access token to the API only, and
//! none of them appears in `Debug` or an error.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use mittwald_api_client::runtime::{AccessToken, Error, OAuth2, TokenError, TokenFuture, TokenProvider};
use mittwald_api_client::{Client, RetryPolicy};
use tests::server::{Received, Reply, Server};

const CLIENT_ID: &str = "client-4711";
const CLIENT_SECRET: &str = "secret-s3cr3t-9c8b";
const REFRESH_TOKEN: &str = "refresh-r3fr3sh-77aa";
/// `base64("client-4711:secret-s3cr3t-9c8b")`, the client's `Authorization: Basic` credentials.
const BASIC: &str = "Y2xpZW50LTQ3MTE6c2VjcmV0LXMzY3IzdC05Yzhi";

/// A token endpoint that hands out `access-1`, `access-2`, ... valid for `lifetime` seconds, after
/// waiting `delay`.
async fn token_server(lifetime: u64, delay: Duration) -> Server {
    Server::start_on("127.0.0.2", move |_, n| {
        let body = format!(
            r#"{{"access_token":"access-{}","token_type":"Bearer","expires_in":{lifetime},"refresh_token":"{REFRESH_TOKEN}-{}"}}"#,
            n + 1,
            n + 1
        );
        Reply::Delayed(delay, Box::new(Reply::json(200, body)))
    })
    .await
}

fn conversations() -> Reply {
    Reply::json(200, "[]")
}

/// An API that accepts only the bearer tokens `accepted` says are good.
async fn start_api(accepted: impl Fn(&str) -> bool + Send + Sync + 'static) -> Server {
    Server::start(move |request, _| {
        let token = request.header("authorization").and_then(|value| value.strip_prefix("Bearer "));
        if token.is_some_and(&accepted) {
            conversations()
        } else {
            Reply::json(401, r#"{"message":"invalid token","type":"Unauthorized"}"#)
        }
    })
    .await
}

fn oauth_client(api: &Server, oauth2: OAuth2) -> Client {
    Client::builder().base_url(&api.url).oauth2(oauth2).retry_policy(RetryPolicy::disabled()).build().unwrap()
}

fn client_credentials(tokens: &Server) -> OAuth2 {
    OAuth2::client_credentials(CLIENT_ID, CLIENT_SECRET)
        .token_url(format!("{}/oauth/token", tokens.url))
        .scopes(["conversations:read"])
        .build()
        .unwrap()
}

/// Whether any secret of the flow is anywhere in `request`.
fn carries_client_secrets(request: &Received) -> bool {
    let text = format!("{} {:?} {}", request.target, request.headers, String::from_utf8_lossy(&request.body));
    text.contains(CLIENT_SECRET) || text.contains(REFRESH_TOKEN) || text.contains(BASIC)
}

#[tokio::test]
async fn client_credentials_fetch_one_token_and_reuse_it() {
    let tokens = token_server(3600, Duration::ZERO).await;
    let api = start_api(|token| token == "access-1").await;
    let client = oauth_client(&api, client_credentials(&tokens));
    for _ in 0..3 {
        client.conversation().list_conversations().send().await.unwrap();
    }
    let token_requests = tokens.received();
    assert_eq!(token_requests.len(), 1, "one token for three calls");
    let form = String::from_utf8_lossy(&token_requests[0].body).into_owned();
    assert!(form.contains("grant_type=client_credentials") && form.contains("scope=conversations%3Aread"), "{form}");
    assert_eq!(token_requests[0].header("authorization"), Some(format!("Basic {BASIC}").as_str()));
    assert_eq!(api.received().len(), 3);
    for request in api.received() {
        assert_eq!(request.header("authorization"), Some("Bearer access-1"));
        assert!(!carries_client_secrets(&request), "the API saw a client secret: {request:?}");
    }
}

#[tokio::test]
async fn an_expiring_token_is_renewed_before_it_expires() {
    // Tokens live 2 s and are renewed when less than 1 s is left: the second call, 1.2 s later,
    // must not send the old token.
    let tokens = token_server(2, Duration::ZERO).await;
    let api = start_api(|_| true).await;
    let oauth2 = OAuth2::client_credentials(CLIENT_ID, CLIENT_SECRET)
        .token_url(format!("{}/token", tokens.url))
        .renew_before(Duration::from_secs(1))
        .build()
        .unwrap();
    let client = oauth_client(&api, oauth2);
    client.conversation().list_conversations().send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    client.conversation().list_conversations().send().await.unwrap();
    let sent: Vec<_> =
        api.received().iter().map(|r| r.header("authorization").unwrap_or_default().to_owned()).collect();
    assert_eq!(sent, ["Bearer access-1", "Bearer access-2"]);
    assert_eq!(tokens.received().len(), 2);
}

#[tokio::test]
async fn a_401_renews_the_token_once_and_sends_the_call_again() {
    let tokens = token_server(3600, Duration::ZERO).await;
    // The API revoked the first token: only the second is good.
    let api = start_api(|token| token == "access-2").await;
    let client = oauth_client(&api, client_credentials(&tokens));
    client.conversation().list_conversations().send().await.unwrap();
    assert_eq!(tokens.received().len(), 2);
    assert_eq!(api.received().len(), 2);

    // An API that refuses every token: one renewal, then the 401 is the caller's.
    let tokens = token_server(3600, Duration::ZERO).await;
    let api = start_api(|_| false).await;
    let error =
        oauth_client(&api, client_credentials(&tokens)).conversation().list_conversations().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!((tokens.received().len(), api.received().len()), (2, 2), "renewed once, not in a loop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_calls_share_one_token_request() {
    // A slow token endpoint, so that every call waits for the same renewal.
    let tokens = token_server(3600, Duration::from_millis(150)).await;
    let api = start_api(|token| token == "access-1").await;
    let client = oauth_client(&api, client_credentials(&tokens));
    let calls = (0..200).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.conversation().list_conversations().send().await.map(|_| ()) })
    });
    for call in futures_util::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    assert_eq!(tokens.received().len(), 1, "one token request for 200 calls");
    assert_eq!(api.received().len(), 200);

    // And 200 calls that all get a 401 for the revoked first token renew it once.
    let tokens = token_server(3600, Duration::from_millis(150)).await;
    let good = Arc::new(AtomicUsize::new(1));
    let threshold = good.clone();
    let api = start_api(move |token: &str| {
        token.strip_prefix("access-").and_then(|n| n.parse::<usize>().ok()) > Some(threshold.load(Ordering::SeqCst))
    })
    .await;
    let client = oauth_client(&api, client_credentials(&tokens));
    let calls = (0..200).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.conversation().list_conversations().send().await.map(|_| ()) })
    });
    for call in futures_util::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    assert_eq!(tokens.received().len(), 2, "the first token, and one renewal after the 401s");
}

#[tokio::test]
async fn a_refresh_token_is_sent_to_the_token_endpoint_only_and_rotates() {
    let tokens = token_server(3600, Duration::ZERO).await;
    let api = start_api(|token| token != "access-0").await;
    let rotated = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = rotated.clone();
    let oauth2 = OAuth2::refresh_token(CLIENT_ID, REFRESH_TOKEN)
        .client_secret(CLIENT_SECRET)
        .token_url(format!("{}/token", tokens.url))
        .access_token(AccessToken::new("access-0").unwrap().expires_in(Duration::from_secs(3600)))
        .on_refresh_token(move |token| record.lock().unwrap().push(token.to_owned()))
        .build()
        .unwrap();
    let client = oauth_client(&api, oauth2);
    // The first token is the user's, which the API refuses: renewed with the refresh token.
    client.conversation().list_conversations().send().await.unwrap();
    client.conversation().list_conversations().send().await.unwrap();
    let token_requests = tokens.received();
    assert_eq!(token_requests.len(), 1);
    let form = String::from_utf8_lossy(&token_requests[0].body).into_owned();
    assert!(form.contains("grant_type=refresh_token") && form.contains(&format!("refresh_token={REFRESH_TOKEN}")));
    assert_eq!(*rotated.lock().unwrap(), [format!("{REFRESH_TOKEN}-1")], "the rotated token is handed over");
    for request in api.received() {
        assert!(!carries_client_secrets(&request), "the API saw a secret: {request:?}");
    }
}

#[tokio::test]
async fn a_failing_token_endpoint_is_an_auth_error_without_secrets() {
    let tokens = Server::start_on("127.0.0.2", |_, _| {
        Reply::json(401, r#"{"error":"invalid_client","error_description":"unknown client"}"#)
    })
    .await;
    let api = start_api(|_| true).await;
    let client = oauth_client(&api, client_credentials(&tokens));
    let error = client.conversation().list_conversations().send().await.unwrap_err();
    let Error::Auth(TokenError::Rejected { status, error: code, .. }) = &error else { panic!("{error:?}") };
    assert_eq!((status.as_u16(), code.as_deref()), (401, Some("invalid_client")));
    assert!(api.received().is_empty(), "no call without a token");
    for text in [format!("{error}"), format!("{error:?}"), format!("{client:?}")] {
        assert!(!text.contains(CLIENT_SECRET), "{text}");
    }
    assert!(format!("{error}").contains("invalid_client"), "{error}");
}

#[tokio::test]
async fn a_token_endpoint_that_redirects_elsewhere_is_not_followed() {
    let elsewhere = Server::start_on("127.0.0.3", |_, _| Reply::json(200, r#"{"access_token":"stolen"}"#)).await;
    let target = format!("{}/collect", elsewhere.url);
    let tokens = Server::start_on("127.0.0.2", move |_, _| Reply::Respond {
        status: 307,
        headers: vec![("location".into(), target.clone())],
        body: String::new(),
    })
    .await;
    let api = start_api(|_| true).await;
    let error =
        oauth_client(&api, client_credentials(&tokens)).conversation().list_conversations().send().await.unwrap_err();
    assert!(matches!(error, Error::Auth(TokenError::Redirect { .. })), "{error:?}");
    assert!(elsewhere.received().is_empty(), "the client secret never went to the redirect's target");
    assert!(api.received().is_empty());
}

#[tokio::test]
async fn the_access_token_goes_to_the_api_origin_only() {
    // A redirect from the API to a stranger is refused whatever the scheme (see credentials.rs);
    // with OAuth2, the stranger also sees no token and no secret.
    let stranger = Server::start_on("127.0.0.3", |_, _| conversations()).await;
    let location = format!("{}/v2/conversations", stranger.url);
    let api = Server::start(move |_, _| Reply::Respond {
        status: 302,
        headers: vec![("location".into(), location.clone())],
        body: String::new(),
    })
    .await;
    let tokens = token_server(3600, Duration::ZERO).await;
    let error =
        oauth_client(&api, client_credentials(&tokens)).conversation().list_conversations().send().await.unwrap_err();
    assert!(matches!(error, Error::Redirect(_)), "{error:?}");
    assert!(stranger.received().is_empty());
    assert_eq!(api.received()[0].header("authorization"), Some("Bearer access-1"));
}

/// A program's own token source: counts how often it is asked, renews on a refusal.
#[derive(Debug, Default)]
struct Vault {
    asked: AtomicUsize,
    renewed: AtomicUsize,
}

impl TokenProvider for Vault {
    fn access_token<'a>(&'a self, refused: Option<&'a AccessToken>) -> TokenFuture<'a> {
        Box::pin(async move {
            self.asked.fetch_add(1, Ordering::SeqCst);
            if refused.is_some() {
                self.renewed.fetch_add(1, Ordering::SeqCst);
            }
            AccessToken::new(format!("vault-{}", self.renewed.load(Ordering::SeqCst)))
        })
    }
}

#[tokio::test]
async fn a_program_can_plug_its_own_token_provider() {
    let api = start_api(|token| token == "vault-1").await;
    let vault = Arc::new(Vault::default());
    #[derive(Debug)]
    struct Shared(Arc<Vault>);
    impl TokenProvider for Shared {
        fn access_token<'a>(&'a self, refused: Option<&'a AccessToken>) -> TokenFuture<'a> {
            self.0.access_token(refused)
        }
    }
    let client = Client::builder().base_url(&api.url).token_provider(Shared(vault.clone())).build().unwrap();
    client.conversation().list_conversations().send().await.unwrap();
    assert_eq!((vault.asked.load(Ordering::SeqCst), vault.renewed.load(Ordering::SeqCst)), (2, 1));
}
