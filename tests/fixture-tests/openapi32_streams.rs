//! Run by `.ci/run` inside the crate generated from `tests/fixtures/openapi32.yaml`: 3.2's
//! sequential media types as typed streams over loopback (server-sent events typed through
//! `contentSchema`, JSON Lines, JSON text sequences, NDJSON as older specs write it), the QUERY
//! and PURGE methods, a form-encoded `querystring` parameter, and a discriminator's default
//! mapping.

use std::sync::{Arc, Mutex};

use fixture_openapi32::runtime::{EventData, StreamError};
use fixture_openapi32::types::{Circle, Filter, Item, OtherShape, Shape};
use fixture_openapi32::Client;
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers every request with `content_type` and `body`, written in pieces of `chunk` bytes;
/// keeps each request (head and body) as text.
async fn serve(content_type: &'static str, body: Vec<u8>, chunk: usize) -> (String, Arc<Mutex<Vec<String>>>) {
    serve_status("200 OK", content_type, body, chunk).await
}

async fn serve_status(
    status: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    chunk: usize,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let log = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (log, body) = (log.clone(), body.clone());
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut part = [0u8; 4096];
                loop {
                    if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|line| line.strip_prefix("content-length:"))
                            .and_then(|n| n.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if buffer.len() >= end + 4 + length {
                            break;
                        }
                    }
                    match stream.read(&mut part).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => buffer.extend_from_slice(&part[..read]),
                    }
                }
                log.lock().unwrap().push(String::from_utf8_lossy(&buffer).into_owned());
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                for piece in body.chunks(chunk.max(1)) {
                    if stream.write_all(piece).await.is_err() {
                        return;
                    }
                    let _ = stream.flush().await;
                    tokio::task::yield_now().await;
                }
            });
        }
    });
    (url, requests)
}

fn client(url: &str) -> Client {
    Client::builder().base_url(url).token("t").build().unwrap()
}

fn item(n: i64) -> String {
    format!("{{\"id\":{n},\"name\":\"item {n}\",\"shape\":{{\"kind\":\"circle\",\"radius\":{n}.5}}}}")
}

#[tokio::test]
async fn server_sent_events_are_typed_through_content_schema() {
    let body: String = (0..20).map(|n| format!("event: item\nid: {n}\ndata: {}\n\n", item(n))).collect();
    for chunk in [1, 7, 64, 4096] {
        let (url, _) = serve("text/event-stream", body.clone().into_bytes(), chunk).await;
        let mut events = client(&url).items().stream_items().send().await.unwrap().into_body();
        let mut seen = 0;
        while let Some(event) = events.next().await {
            let event = event.unwrap();
            let EventData::Value(item) = event.data else { panic!("not an item") };
            let item: Item = item;
            assert_eq!(item.id, seen);
            assert!(matches!(item.shape, Some(Shape::Circle(Circle { radius, .. })) if radius == seen as f64 + 0.5));
            seen += 1;
        }
        assert_eq!(seen, 20, "chunks of {chunk} bytes");
    }
}

#[tokio::test]
async fn json_lines_sequences_and_ndjson_are_streams_of_items() {
    let lines: String = (0..50).map(|n| item(n) + if n % 2 == 0 { "\n" } else { "\r\n" }).collect();
    let records: String = (0..50).map(|n| format!("\u{1e}{}\n", item(n))).collect();
    for chunk in [1, 3, 100, 8192] {
        let (url, requests) = serve("application/jsonl", lines.clone().into_bytes(), chunk).await;
        let items: Vec<_> = client(&url).items().export_items("ann").limit(5).send().await.unwrap().into_body().collect().await;
        assert_eq!(items.len(), 50);
        assert!(items.iter().enumerate().all(|(n, item)| item.as_ref().unwrap().id == n as i64));
        // The querystring parameter's properties, form-encoded.
        let request = requests.lock().unwrap()[0].clone();
        assert!(request.starts_with("GET /items/export?owner=ann&limit=5 "), "{request}");

        let (url, _) = serve("application/json-seq", records.clone().into_bytes(), chunk).await;
        let items: Vec<_> = client(&url).items().item_sequence().send().await.unwrap().into_body().collect().await;
        assert_eq!(items.len(), 50, "chunks of {chunk}");
        assert_eq!(items[49].as_ref().unwrap().name, "item 49");

        let (url, _) = serve("application/x-ndjson", lines.clone().into_bytes(), chunk).await;
        let items: Vec<_> = client(&url).items().legacy_ndjson().send().await.unwrap().into_body().collect().await;
        assert_eq!(items.len(), 50);
    }
    // A bad item is an error item; the stream goes on.
    let (url, _) = serve("application/jsonl", format!("{}\n{{\"id\":\"x\"}}\n{}\n", item(1), item(2)).into_bytes(), 5).await;
    let items: Vec<_> = client(&url).items().export_items("ann").send().await.unwrap().into_body().collect().await;
    assert_eq!(items.len(), 3);
    assert!(matches!(&items[1], Err(StreamError::Item { index: 1, .. })), "{:?}", items[1]);
    assert_eq!(items[2].as_ref().unwrap().id, 2);
}

#[tokio::test]
async fn query_and_purge_are_sent_with_their_methods() {
    let (url, requests) = serve("application/json", format!("[{}]", item(3)).into_bytes(), 4096).await;
    let found = client(&url)
        .search()
        .search_items(Filter { name: Some("item".into()) })
        .send()
        .await
        .unwrap()
        .into_body();
    assert_eq!(found[0].id, 3);
    let request = requests.lock().unwrap()[0].clone();
    assert!(request.starts_with("QUERY /items "), "{request}");
    assert!(request.ends_with("{\"name\":\"item\"}"), "{request}");

    let (url, requests) = serve_status("204 No Content", "application/json", Vec::new(), 4096).await;
    client(&url).items().purge_items().send().await.unwrap();
    assert!(requests.lock().unwrap()[0].starts_with("PURGE /items "));
}

#[test]
fn the_default_mapping_takes_every_other_tag_value() {
    let shape: Shape = serde_json::from_str(r#"{"kind": "hexagon", "sides": 6}"#).unwrap();
    assert!(matches!(shape, Shape::OtherShape(OtherShape { ref kind }) if kind == "hexagon"));
    assert_eq!(serde_json::to_string(&shape).unwrap(), r#"{"kind":"hexagon"}"#);
    let circle: Shape = serde_json::from_str(r#"{"radius": 2, "kind": "circle"}"#).unwrap();
    assert!(matches!(circle, Shape::Circle(Circle { radius, .. }) if radius == 2.0));
}
