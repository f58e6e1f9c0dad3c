//! Under load: 10,000 calls from clones of one client, 200 at a time, against a loopback server
//! that fails, asks for retries and stalls now and then. Every call ends with its answer or
//! its typed error, and nothing hangs. (Memory is measured in the benchmark, not here.)

use std::time::Duration;

use futures_util::StreamExt;
use mittwald_api_client::runtime::Error;
use mittwald_api_client::{Client, RetryPolicy};
use tests::server::{Reply, Server};

const CALLS: usize = 10_000;
const CONCURRENCY: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_at_two_hundred_concurrent_all_end() {
    // By request number: every 7th a 503 the client retries, every 11th a 500 (an error the
    // call returns), every 13th answered after 20 ms; the rest at once.
    let server = Server::start(|_, n| {
        let reply = if n % 7 == 3 {
            Reply::json(503, "{}").with_header("retry-after", "0")
        } else if n % 11 == 5 {
            Reply::json(500, r#"{"message":"boom","type":"InternalServerError"}"#)
        } else {
            Reply::json(200, "[]")
        };
        if n % 13 == 0 {
            Reply::Delayed(Duration::from_millis(20), Box::new(reply))
        } else {
            reply
        }
    })
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .token("load-token")
        .timeout(Some(Duration::from_secs(10)))
        // Enough retries that no call meets a 503 every time (1 in 7 per attempt: with 5
        // retries, about one run in twelve had a call run out of them).
        .retry_policy(RetryPolicy {
            max_retries: 12,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(1),
        })
        .build()
        .unwrap();

    let outcomes: Vec<Result<usize, String>> = tokio::time::timeout(
        Duration::from_secs(120),
        futures_util::stream::iter(0..CALLS)
            .map(|_| {
                let client = client.clone();
                async move {
                    match client.conversation().list_conversations().send().await {
                        Ok(response) => Ok(response.body.len()),
                        Err(Error::Api(e)) if e.status == 500 => Err("500".to_owned()),
                        Err(other) => Err(format!("unexpected: {other}")),
                    }
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect(),
    )
    .await
    .expect("every call ends within the time limit");

    assert_eq!(outcomes.len(), CALLS);
    let ok = outcomes.iter().filter(|o| o.is_ok()).count();
    let server_errors = outcomes.iter().filter(|o| o.as_ref().err().map(String::as_str) == Some("500")).count();
    let unexpected: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().err()).filter(|e| *e != "500").collect();
    assert!(unexpected.is_empty(), "{:?}", &unexpected[..unexpected.len().min(5)]);
    assert_eq!(ok + server_errors, CALLS);
    assert!(server_errors > 0 && ok > CALLS / 2, "{ok} ok, {server_errors} errors");
    // Every 503 was retried: the server saw more requests than there were calls.
    assert!(server.received().len() > CALLS, "{} requests", server.received().len());
}
