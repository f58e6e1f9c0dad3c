//! The `tracing` feature: one span per call with its fields, an event per retry, nothing
//! secret. Its own test binary with a global subscriber: tracing caches per call site whether
//! anyone listens, which a thread-local subscriber in a binary of parallel tests can miss.

use mittwald_api_client::{Client, RetryPolicy};
use tests::server::{Reply, Server};

const TOKEN: &str = "tok-trace-0f1e2d3c4b5a";

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
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(captured.clone())).unwrap();
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
