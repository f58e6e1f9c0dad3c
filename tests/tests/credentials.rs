//! Credentials never leave the API's origin: not on a redirect, not in a `Referer`, not in an
//! error message, not over plain http to a host that is not this machine. Two origins on
//! loopback stand for the API and a stranger: 127.0.0.1 and 127.0.0.2 (and two ports).

use mittwald_api_client::runtime::Error;
use mittwald_api_client::{BuildError, Client, ClientBuilder, RetryPolicy};
use tests::server::{Received, Reply, Server};

const TOKEN: &str = "tok-9f8e7d6c5b4a3928";

/// Every way the runtime can send a credential.
#[derive(Debug, Clone, Copy)]
enum Scheme {
    /// The spec's default scheme for mittwald: the `x-access-token` header.
    ApiKeyHeader,
    /// `Authorization: Bearer`.
    Bearer,
    /// An API key in the query string (`?api_key=`).
    ApiKeyQuery,
    /// HTTP Basic, the token as the password.
    Basic,
}

const SCHEMES: [Scheme; 4] = [Scheme::ApiKeyHeader, Scheme::Bearer, Scheme::ApiKeyQuery, Scheme::Basic];

/// `base64("user:" + TOKEN)`.
const BASIC: &str = "dXNlcjp0b2stOWY4ZTdkNmM1YjRhMzkyOA==";

impl Scheme {
    fn builder(self, base_url: &str) -> ClientBuilder {
        let builder = Client::builder().base_url(base_url).retry_policy(RetryPolicy::disabled());
        match self {
            Scheme::ApiKeyHeader => builder.token(TOKEN),
            Scheme::Bearer => builder.bearer_token(TOKEN),
            Scheme::ApiKeyQuery => builder.api_key_query("api_key", TOKEN),
            Scheme::Basic => builder.basic_auth("user", TOKEN),
        }
    }

    fn client(self, base_url: &str) -> Client {
        self.builder(base_url).build().unwrap()
    }

    /// Whether `request` carries this scheme's credential.
    fn carried_by(self, request: &Received) -> bool {
        match self {
            Scheme::ApiKeyHeader => request.header("x-access-token") == Some(TOKEN),
            Scheme::Bearer => request.header("authorization") == Some(&format!("Bearer {TOKEN}")),
            Scheme::ApiKeyQuery => request.query().split('&').any(|pair| pair == format!("api_key={TOKEN}")),
            Scheme::Basic => request.header("authorization") == Some(&format!("Basic {BASIC}")),
        }
    }
}

/// Whether anything of the credential is in `request` at all: any header or the target.
fn leaks(request: &Received) -> bool {
    let secret = |text: &str| text.contains(TOKEN) || text.contains(BASIC);
    secret(&request.target) || request.headers.iter().any(|(_, value)| secret(value))
}

fn ok_list(count: usize) -> Reply {
    let items: Vec<_> = (0..count).map(tests::data::minimal_conversation).collect();
    Reply::json(200, serde_json::to_string(&items).unwrap())
}

fn redirect(status: u16, location: &str) -> Reply {
    Reply::Respond { status, headers: vec![("location".into(), location.into())], body: String::new() }
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_whatever_the_scheme() {
    for scheme in SCHEMES {
        for status in [301, 302, 303, 307, 308] {
            let stranger = Server::start_on("127.0.0.2", |_, _| ok_list(1)).await;
            let location = format!("{}/v2/conversations?from=api", stranger.url);
            let target = location.clone();
            let api = Server::start(move |_, _| redirect(status, &target)).await;

            let error = scheme.client(&api.url).conversation().list_conversations().send().await.unwrap_err();

            assert!(stranger.received().is_empty(), "{scheme:?} {status}: the other origin was contacted");
            assert!(scheme.carried_by(&api.received()[0]), "{scheme:?}: the API itself gets the credential");
            let Error::Redirect(redirect) = &error else {
                panic!("{scheme:?} {status}: not a redirect error: {error:?}")
            };
            assert_eq!(redirect.status.as_u16(), status);
            assert_eq!(redirect.location, location);
            let message = error.to_string();
            assert!(message.contains(&status.to_string()) && message.contains(&location), "{message}");
            assert!(!message.contains(TOKEN) && !format!("{error:?}").contains(TOKEN), "{message}");
        }
    }
}

#[tokio::test]
async fn another_port_or_scheme_is_another_origin() {
    for scheme in SCHEMES {
        let stranger = Server::start(|_, _| ok_list(1)).await; // same IP, other port
        let location = format!("{}/v2/conversations", stranger.url);
        let api = Server::start(move |_, _| redirect(302, &location)).await;
        let error = scheme.client(&api.url).conversation().list_conversations().send().await.unwrap_err();
        assert!(matches!(error, Error::Redirect(_)), "{error:?}");
        assert!(stranger.received().is_empty(), "{scheme:?}: the other port was contacted");

        // https on the API's own host and port is another origin too: not followed.
        let api_url = Server::start(|_, _| ok_list(0)).await.url;
        let https = api_url.replace("http://", "https://");
        let api = Server::start(move |_, _| redirect(302, &format!("{https}/v2/conversations"))).await;
        let error = scheme.client(&api.url).conversation().list_conversations().send().await.unwrap_err();
        assert!(matches!(error, Error::Redirect(_)), "{error:?}");
    }
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_credential_and_without_referer() {
    for scheme in SCHEMES {
        for absolute in [false, true] {
            let api = Server::start(move |request, n| match n {
                0 if absolute => {
                    let host = request.header("host").unwrap().to_owned();
                    redirect(302, &format!("http://{host}/v2/conversations?page=2"))
                }
                0 => redirect(307, "/v2/conversations?page=2"),
                _ => ok_list(2),
            })
            .await;
            let response = scheme.client(&api.url).conversation().list_conversations().limit(5).send().await.unwrap();
            assert_eq!(response.body.len(), 2);
            let received = api.received();
            assert_eq!(received.len(), 2, "{scheme:?}");
            assert_eq!(received[1].target.split('&').next().unwrap(), "/v2/conversations?page=2");
            for request in &received {
                assert!(scheme.carried_by(request), "{scheme:?}: {request:?}");
                assert_eq!(request.header("referer"), None, "{scheme:?}: {request:?}");
            }
        }
    }
}

#[tokio::test]
async fn a_chain_of_redirects_that_leaves_the_origin_midway_stops_there() {
    let stranger = Server::start_on("127.0.0.2", |_, _| ok_list(1)).await;
    let away = format!("{}/elsewhere", stranger.url);
    let api = Server::start(move |_, n| match n {
        0 => redirect(302, "/v2/step-2"),
        _ => redirect(302, &away),
    })
    .await;
    let error = Scheme::ApiKeyHeader.client(&api.url).conversation().list_conversations().send().await.unwrap_err();
    let Error::Redirect(redirect) = error else { panic!("{error:?}") };
    assert!(redirect.location.ends_with("/elsewhere"));
    assert_eq!(api.received().len(), 2);
    assert!(stranger.received().is_empty());
}

#[tokio::test]
async fn endless_redirects_end_in_an_error() {
    let api = Server::start(|_, n| redirect(302, &format!("/v2/loop/{n}"))).await;
    let error = Scheme::ApiKeyHeader.client(&api.url).conversation().list_conversations().send().await.unwrap_err();
    let Error::Redirect(redirect) = &error else { panic!("{error:?}") };
    assert!(error.to_string().contains("too many redirects"), "{error}");
    assert!(redirect.location.contains("/v2/loop/"));
    assert!(api.received().len() <= 11, "{} requests", api.received().len());
}

#[tokio::test]
async fn a_303_after_a_write_is_read_with_get_and_no_body() {
    use mittwald_api_client::operations::conversation::CreateConversationRequestBody;
    let api = Server::start(|_, n| match n {
        0 => redirect(303, "/v2/conversations/created"),
        _ => Reply::json(201, r#"{"conversationId":"3f1b6a52-8a43-4b8e-9d0c-000000000001","shortId":"C-1"}"#),
    })
    .await;
    let body = CreateConversationRequestBody { title: Some("hello".into()), ..Default::default() };
    let result = Scheme::ApiKeyHeader.client(&api.url).conversation().create_conversation(body).send().await;
    let received = api.received();
    assert_eq!(received.len(), 2, "{result:?}");
    assert_eq!((received[0].method.as_str(), received[1].method.as_str()), ("POST", "GET"));
    assert!(received[1].body.is_empty());
    assert_eq!(received[1].header("content-type"), None);
    assert!(Scheme::ApiKeyHeader.carried_by(&received[1]));
}

#[tokio::test]
async fn a_query_key_is_sent_to_the_api_and_kept_out_of_every_message() {
    let api = Server::start(|_, n| if n == 0 { ok_list(0) } else { Reply::json(500, "{\"oops\":1}") }).await;
    let client = Scheme::ApiKeyQuery.client(&api.url);
    client.conversation().list_conversations().limit(5).send().await.unwrap();
    assert_eq!(api.received()[0].target, format!("/v2/conversations?limit=5&api_key={TOKEN}"));
    assert!(!format!("{client:?}").contains(TOKEN));

    // An error response, a transport failure (reqwest's errors carry the whole URL) and the
    // request's own Debug: no token anywhere.
    let error = client.conversation().list_conversations().send().await.unwrap_err();
    assert!(!error.to_string().contains(TOKEN) && !format!("{error:?}").contains(TOKEN), "{error:?}");
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let error = Scheme::ApiKeyQuery.client(&closed).conversation().list_conversations().send().await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let mut chain = format!("{error} {error:?}");
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        chain.push_str(&format!(" {inner} {inner:?}"));
        source = inner.source();
    }
    assert!(!chain.contains(TOKEN), "{chain}");
    assert!(chain.contains("/v2/conversations"), "the error still says which call failed: {chain}");

    // A server that echoes the key in a cross-origin Location: the error redacts it.
    let stranger = Server::start_on("127.0.0.2", |_, _| ok_list(0)).await;
    let location = format!("{}/v2/conversations?api_key={TOKEN}&x=1", stranger.url);
    let api = Server::start(move |_, _| redirect(302, &location)).await;
    let error = Scheme::ApiKeyQuery.client(&api.url).conversation().list_conversations().send().await.unwrap_err();
    let Error::Redirect(redirect) = &error else { panic!("{error:?}") };
    assert!(!redirect.location.contains(TOKEN) && redirect.location.contains("x=1"), "{}", redirect.location);
    assert!(!format!("{error} {error:?}").contains(TOKEN));
}

#[tokio::test]
async fn no_request_carries_a_referer_or_leaks_to_the_stranger() {
    // The whole flow once more from the stranger's side: nothing of the token, for any scheme.
    for scheme in SCHEMES {
        let stranger = Server::start_on("127.0.0.2", |_, _| ok_list(0)).await;
        let location = format!("{}/collect", stranger.url);
        let api = Server::start(move |_, _| redirect(302, &location)).await;
        let _ = scheme.client(&api.url).conversation().list_conversations().full_text_search("q").send().await;
        assert!(stranger.received().iter().all(|request| !leaks(request)), "{scheme:?}");
        assert!(api.received().iter().all(|request| request.header("referer").is_none()));
    }
}

#[test]
fn a_token_over_plain_http_to_another_machine_is_refused_unless_allowed() {
    for scheme in SCHEMES {
        for url in ["http://api.example.com", "http://10.1.2.3:8080", "http://[2001:db8::1]/"] {
            let error = scheme.builder(url).build().unwrap_err();
            assert!(matches!(error, BuildError::InsecureHttp { .. }), "{scheme:?} {url}: {error:?}");
            let message = error.to_string();
            assert!(message.contains("plain http") && message.contains("allow_insecure_http"), "{message}");
            assert!(!message.contains(TOKEN));
            assert!(scheme.builder(url).allow_insecure_http().build().is_ok(), "{url}: the opt-in works");
        }
        for url in ["http://127.0.0.1:4010", "http://127.8.9.10", "http://localhost:8080", "http://[::1]:1"] {
            assert!(scheme.builder(url).build().is_ok(), "{scheme:?} {url}: loopback stays on this machine");
        }
        assert!(scheme.builder("https://api.example.com").build().is_ok());
    }
    // Without a credential there is nothing to protect.
    assert!(Client::builder().base_url("http://api.example.com").build().is_ok());
}
