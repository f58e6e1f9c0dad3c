//! Retries and pagination over loopback HTTP.

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use mittwald_api_client::operations::conversation::ListConversationsErrorBody;
use mittwald_api_client::{Client, RetryPolicy};
use serde_json::json;
use tests::server::{Received, Reply, Server};

fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(2),
    }
}

fn client(server: &Server, retry: RetryPolicy) -> Client {
    Client::builder().base_url(&server.url).token("t0ken").retry_policy(retry).build().unwrap()
}

fn conversation(i: i64) -> serde_json::Value {
    json!({
        "conversationId": format!("3f1b6a52-8a43-4b8e-9d0c-{i:012}"),
        "shortId": format!("C-{i}"),
        "title": "t",
        "createdAt": "2026-08-21T10:00:00Z",
        "status": "open",
        "visibility": "shared",
        "mainUser": {"userId": "u"}
    })
}

#[tokio::test]
async fn retries_503_then_succeeds() {
    let server = Server::start(|_, n| {
        if n < 2 {
            Reply::json(503, r#"{"type":"x","message":"busy"}"#)
        } else {
            Reply::json(200, "[]")
        }
    })
    .await;
    let response = client(&server, fast_retries(3)).conversation().list_conversations().send().await.unwrap();
    assert!(response.body.is_empty());
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn retries_429_502_504_and_transport_failures() {
    let server = Server::start(|_, n| match n {
        0 => Reply::json(429, "{}"),
        1 => Reply::json(502, r#"{"type":"x","message":"bad gateway"}"#),
        2 => Reply::Close,
        3 => Reply::json(504, r#"{"type":"x","message":"timeout"}"#),
        _ => Reply::json(200, "[]"),
    })
    .await;
    client(&server, fast_retries(4)).conversation().list_conversations().send().await.unwrap();
    assert_eq!(server.received().len(), 5);
}

#[tokio::test]
async fn gives_up_after_max_retries_with_the_last_error() {
    let server = Server::start(|_, _| Reply::json(503, r#"{"type":"Unavailable","message":"down"}"#)).await;
    let error = client(&server, fast_retries(2)).conversation().list_conversations().send().await.unwrap_err();
    assert_eq!(server.received().len(), 3);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn does_not_retry_other_statuses() {
    let server = Server::start(|_, _| Reply::json(500, r#"{"type":"Internal","message":"oops"}"#)).await;
    client(&server, fast_retries(3)).conversation().list_conversations().send().await.unwrap_err();
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn retrying_can_be_turned_off() {
    let server = Server::start(|_, _| Reply::json(503, r#"{"type":"x","message":"busy"}"#)).await;
    client(&server, RetryPolicy::disabled()).conversation().list_conversations().send().await.unwrap_err();
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn honours_retry_after() {
    let server = Server::start(|_, n| {
        if n == 0 {
            Reply::json(429, "{}").with_header("Retry-After", "1")
        } else {
            Reply::json(200, "[]")
        }
    })
    .await;
    let started = std::time::Instant::now();
    client(&server, fast_retries(1)).conversation().list_conversations().send().await.unwrap();
    // The backoff alone would wait at most 5 ms; the server asked for a second.
    assert!(started.elapsed() >= Duration::from_millis(950), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_at_once() {
    let server = Server::start(|_, _| Reply::json(429, "{}").with_header("Retry-After", "3600")).await;
    let error = client(&server, fast_retries(3)).conversation().list_conversations().send().await.unwrap_err();
    assert!(error.body().is_some_and(ListConversationsErrorBody::is_too_many_requests), "{error:?}");
    assert_eq!(server.received().len(), 1);
}

/// A server holding `total` conversations that pages by `limit`/`skip` like mittwald's.
async fn paging_server(total: i64, send_total: bool) -> Server {
    Server::start(move |request: &Received, _| {
        let param = |name: &str| {
            request
                .query()
                .split('&')
                .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
                .and_then(|v| v.parse::<i64>().ok())
        };
        let limit = param("limit").unwrap_or(100);
        let skip = param("skip").unwrap_or(0);
        let items: Vec<_> = (skip..(skip + limit).min(total)).map(conversation).collect();
        let reply = Reply::json(200, serde_json::to_string(&items).unwrap())
            .with_header("X-Pagination-Limit", &limit.to_string())
            .with_header("X-Pagination-Skip", &skip.to_string());
        if send_total {
            reply.with_header("X-Pagination-TotalCount", &total.to_string())
        } else {
            reply
        }
    })
    .await
}

async fn all_ids(client: &Client, limit: Option<i64>) -> Vec<String> {
    client
        .conversation()
        .list_conversations()
        .set_limit(limit)
        .into_items()
        .map_ok(|c| c.short_id)
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test]
async fn streams_every_item_across_pages() {
    for (limit, pages) in [(Some(100), 13), (Some(617), 2), (Some(1234), 1), (Some(250), 5), (None, 13)] {
        let server = paging_server(1234, true).await;
        let ids = all_ids(&client(&server, RetryPolicy::disabled()), limit).await;
        let expected: Vec<String> = (0..1234).map(|i| format!("C-{i}")).collect();
        assert_eq!(ids, expected, "limit {limit:?}");
        assert_eq!(server.received().len(), pages, "limit {limit:?}");
    }
}

#[tokio::test]
async fn without_a_total_count_it_stops_at_a_short_or_empty_page() {
    let server = paging_server(1234, false).await;
    assert_eq!(all_ids(&client(&server, RetryPolicy::disabled()), Some(100)).await.len(), 1234);
    assert_eq!(server.received().len(), 13);
    let server = paging_server(1200, false).await;
    assert_eq!(all_ids(&client(&server, RetryPolicy::disabled()), Some(100)).await.len(), 1200);
    // 12 full pages, then an empty one ends the stream.
    assert_eq!(server.received().len(), 13);
}

#[tokio::test]
async fn the_stream_is_lazy_and_can_be_capped() {
    let server = paging_server(1234, true).await;
    let client = client(&server, RetryPolicy::disabled());
    let first: Vec<_> = client.conversation().list_conversations().limit(100).into_items().take(150).collect().await;
    assert_eq!(first.len(), 150);
    assert_eq!(server.received().len(), 2);
    let pages: Vec<_> = client.conversation().list_conversations().limit(100).into_pages().take(3).collect().await;
    assert_eq!(pages.len(), 3);
    assert_eq!(server.received().len(), 5);
}

#[tokio::test]
async fn an_error_ends_the_stream() {
    let server = Server::start(|request: &Received, _| {
        if request.query().contains("skip=200") {
            Reply::json(500, r#"{"type":"Internal","message":"page broke"}"#)
        } else {
            let items: Vec<_> = (0..100).map(conversation).collect();
            Reply::json(200, serde_json::to_string(&items).unwrap()).with_header("X-Pagination-TotalCount", "1000")
        }
    })
    .await;
    let results: Vec<_> = client(&server, RetryPolicy::disabled())
        .conversation()
        .list_conversations()
        .limit(100)
        .into_items()
        .collect()
        .await;
    assert_eq!(results.len(), 201);
    assert!(results[..200].iter().all(Result::is_ok));
    let error = results[200].as_ref().unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(server.received().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_streams_can_run_in_a_spawned_task() {
    let server = paging_server(250, true).await;
    let client = client(&server, RetryPolicy::disabled());
    // `tokio::spawn` needs a `Send` future, which holds the stream across its awaits.
    let task = tokio::spawn(async move {
        let items: Vec<_> = client.conversation().list_conversations().limit(100).into_items().collect().await;
        let pages: Vec<_> = client.conversation().list_conversations().limit(100).into_pages().collect().await;
        (items.len(), pages.len())
    });
    assert_eq!(task.await.unwrap(), (250, 3));
}
