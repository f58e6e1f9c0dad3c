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

mod spans {
    //! A subscriber layer that keeps every span's and event's fields as text.
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing_subscriber::layer::{Context, Layer};

    /// What was seen (`span <name>`, `record`, `event`) and its fields as text.
    pub type Entry = (String, Vec<(String, String)>);

    #[derive(Clone, Default)]
    pub struct Captured(pub Arc<Mutex<Vec<Entry>>>);

    struct Fields<'a>(&'a mut Vec<(String, String)>);

    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.push((field.name().to_owned(), format!("{value:?}")));
        }
    }

    impl<S: tracing::Subscriber> Layer<S> for Captured {
        fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
            let mut fields = vec![("id".to_owned(), id.into_u64().to_string())];
            attrs.record(&mut Fields(&mut fields));
            self.0.lock().unwrap().push((format!("span {}", attrs.metadata().name()), fields));
        }

        fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
            let mut fields = vec![("id".to_owned(), id.into_u64().to_string())];
            values.record(&mut Fields(&mut fields));
            self.0.lock().unwrap().push(("record".to_owned(), fields));
        }

        fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
            let mut fields = Vec::new();
            event.record(&mut Fields(&mut fields));
            self.0.lock().unwrap().push(("event".to_owned(), fields));
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_call_is_one_span_with_its_fields_and_retries_are_events() {
    use tracing_subscriber::layer::SubscriberExt;
    let captured = spans::Captured::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(captured.clone()));
    let api = Server::start(|_, n| {
        if n == 0 {
            Reply::json(503, "{}").with_header("retry-after", "0")
        } else {
            Reply::json(200, "[]")
        }
    })
    .await;
    let client = Client::builder()
        .base_url(&api.url)
        .token(TOKEN)
        .retry_policy(RetryPolicy { max_retries: 2, ..RetryPolicy::default() })
        .build()
        .unwrap();
    client.conversation().list_conversations().full_text_search("secret query").send().await.unwrap();

    let log = captured.0.lock().unwrap().clone();
    let field = |entry: &(String, Vec<(String, String)>), name: &str| {
        entry.1.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    };
    let spans: Vec<_> = log.iter().filter(|(kind, _)| kind == "span api_call").collect();
    assert_eq!(spans.len(), 1, "{log:?}");
    assert_eq!(field(spans[0], "operation_id").as_deref(), Some("\"conversation-list-conversations\""));
    assert_eq!(field(spans[0], "method").as_deref(), Some("GET"));
    assert_eq!(field(spans[0], "path").as_deref(), Some("\"/v2/conversations\""));
    let recorded: Vec<(String, String)> =
        log.iter().filter(|(kind, _)| kind == "record").flat_map(|(_, fields)| fields.clone()).collect();
    let value = |name: &str| recorded.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    assert_eq!(value("status").as_deref(), Some("200"));
    assert_eq!(value("attempts").as_deref(), Some("2"));
    assert!(value("duration_ms").is_some());
    let retries: Vec<_> = log.iter().filter(|entry| field(entry, "message").as_deref() == Some("retrying")).collect();
    assert_eq!(retries.len(), 1, "{log:?}");
    assert_eq!(field(retries[0], "wait_ms").as_deref(), Some("0"));
    assert_eq!(field(retries[0], "status").as_deref(), Some("503"));
    let everything = format!("{log:?}");
    assert!(!everything.contains(TOKEN) && !everything.contains("secret"), "{everything}");
}
