//! Interceptors (per client and per call), a user's configuration of the HTTP client, and the
//! `tracing` spans: each seen over loopback, with the credential guarantees kept.

use std::sync::{Arc, Mutex};

use mittwald_api_client::runtime::{CallInfo, Error, Interceptor};
use mittwald_api_client::{Client, RetryPolicy};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use tests::server::{Reply, Server};

const TOKEN: &str = "tok-hooks-0f1e2d3c4b5a";

/// Adds a header and records what it saw.
#[derive(Default, Clone)]
struct Recorder {
    seen: Arc<Mutex<Vec<String>>>,
    header: Option<(&'static str, &'static str)>,
}

impl Interceptor for Recorder {
    fn before_send(&self, request: &mut reqwest::Request, call: &CallInfo<'_>) {
        let carries_token = request.headers().values().any(|v| v.as_bytes() == TOKEN.as_bytes());
        self.seen.lock().unwrap().push(format!(
            "before {} {} {} attempt {} token:{carries_token}",
            call.operation_id, call.method, call.path_template, call.attempt
        ));
        if let Some((name, value)) = self.header {
            request.headers_mut().insert(name, HeaderValue::from_static(value));
        }
    }

    fn after_receive(&self, status: StatusCode, _headers: &HeaderMap, call: &CallInfo<'_>) {
        self.seen.lock().unwrap().push(format!("after {} {status}", call.operation_id));
    }
}

fn client(url: &str) -> mittwald_api_client::ClientBuilder {
    Client::builder().base_url(url).token(TOKEN).retry_policy(RetryPolicy::disabled())
}

#[tokio::test]
async fn interceptors_per_client_and_per_call_see_and_change_requests() {
    let api = Server::start(|_, _| Reply::json(200, "[]")).await;
    let per_client = Recorder { header: Some(("x-per-client", "1")), ..Default::default() };
    let per_call = Recorder { header: Some(("x-per-call", "2")), ..Default::default() };
    let client = client(&api.url).interceptor(per_client.clone()).build().unwrap();
    client.conversation().list_conversations().send().await.unwrap();
    client.with_interceptor(per_call.clone()).conversation().list_conversations().send().await.unwrap();
    client.conversation().list_conversations().send().await.unwrap();

    let received = api.received();
    assert!(received.iter().all(|r| r.header("x-per-client") == Some("1")));
    let per_call_headers: Vec<_> = received.iter().map(|r| r.header("x-per-call")).collect();
    assert_eq!(per_call_headers, [None, Some("2"), None], "only the one call");
    assert!(received.iter().all(|r| r.header("x-access-token") == Some(TOKEN)));
    assert_eq!(
        per_client.seen.lock().unwrap()[..2],
        [
            "before conversation-list-conversations GET /v2/conversations attempt 1 token:false".to_owned(),
            "after conversation-list-conversations 200 OK".to_owned()
        ],
        "the operation id, and no credential before it is attached"
    );
    assert_eq!(per_call.seen.lock().unwrap().len(), 2);
}

/// Points every request at another origin.
struct Redirector(String);

impl Interceptor for Redirector {
    fn before_send(&self, request: &mut reqwest::Request, _call: &CallInfo<'_>) {
        *request.url_mut() = format!("{}{}", self.0, request.url().path()).parse().unwrap();
    }
}

#[tokio::test]
async fn an_interceptor_that_sends_a_request_elsewhere_sends_no_credential_there() {
    let stranger = Server::start_on("127.0.0.2", |_, _| Reply::json(200, "[]")).await;
    let api = Server::start(|_, _| Reply::json(200, "[]")).await;
    let client = client(&api.url).interceptor(Redirector(stranger.url.clone())).build().unwrap();
    client.conversation().list_conversations().send().await.unwrap();
    let received = stranger.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].header("x-access-token"), None);
    assert!(received[0].headers.iter().all(|(_, v)| !v.contains(TOKEN)));
}

#[tokio::test]
async fn a_configured_http_client_cannot_reopen_redirects_or_referer() {
    let stranger = Server::start_on("127.0.0.2", |_, _| Reply::json(200, "[]")).await;
    let location = format!("{}/v2/conversations", stranger.url);
    let api = Server::start(move |_, _| Reply::Respond {
        status: 302,
        headers: vec![("location".into(), location.clone())],
        body: String::new(),
    })
    .await;
    let client = client(&api.url)
        .http_client(|builder| {
            builder.redirect(reqwest::redirect::Policy::limited(10)).referer(true).default_headers(
                [(reqwest::header::ACCEPT_LANGUAGE, HeaderValue::from_static("de"))].into_iter().collect(),
            )
        })
        .build()
        .unwrap();
    let error = client.conversation().list_conversations().send().await.unwrap_err();
    assert!(matches!(error, Error::Redirect(_)), "{error:?}");
    assert!(stranger.received().is_empty());
    assert_eq!(api.received()[0].header("accept-language"), Some("de"), "the user's configuration is used");
}
