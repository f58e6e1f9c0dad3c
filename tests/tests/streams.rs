//! Streamed bodies over loopback: downloads arrive as a `ByteStream` (never whole in memory), with
//! an idle timeout in place of the whole-request timeout, and dropping one closes its connection;
//! uploads come from a stream or a file, and a one-time stream is never sent twice. Server-sent
//! events parsed from a real connection's chunks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use mittwald_api_client::operations::file::CreateFileRequestBody;
use mittwald_api_client::runtime::{
    ByteStream, Bytes, Error, EventData, EventStream, FilePart, RedirectErrorKind, StreamError, Upload,
};
use mittwald_api_client::{Client, RetryPolicy};
use tests::server::{Reply, Server, StreamEnd};

fn client(url: &str) -> Client {
    Client::builder().base_url(url).token("tok-123").retry_policy(RetryPolicy::disabled()).build().unwrap()
}

fn streamed(parts: Vec<(Duration, Vec<u8>)>, end: StreamEnd) -> Reply {
    let headers = vec![("content-type".into(), "application/octet-stream".into())];
    Reply::Streamed { status: 200, headers, parts, end }
}

/// `count` parts of `size` bytes, part `i` filled with the byte `i`.
fn parts(count: usize, size: usize, wait: Duration) -> Vec<(Duration, Vec<u8>)> {
    (0..count).map(|i| (wait, vec![i as u8; size])).collect()
}

#[tokio::test]
async fn a_download_arrives_chunk_by_chunk() {
    let server =
        Server::start(|_, _| streamed(parts(16, 64 * 1024, Duration::from_millis(5)), StreamEnd::Finish)).await;
    let response = client(&server.url).file().get_file("file-1").send().await.unwrap();
    assert_eq!(response.status, 200);
    let mut download: ByteStream = response.into_body();
    let (mut chunks, mut total, mut last) = (0, 0usize, None);
    while let Some(chunk) = download.next().await {
        let chunk = chunk.unwrap();
        chunks += 1;
        total += chunk.len();
        last = chunk.last().copied();
    }
    assert_eq!(total, 16 * 64 * 1024);
    assert_eq!(last, Some(15));
    assert!(chunks >= 16, "the body came in {chunks} chunks: it was streamed, not collected");
    assert_eq!(server.received()[0].target, "/v2/files/file-1");
}

#[tokio::test]
async fn small_downloads_collect_and_large_ones_stop_at_the_limit() {
    let server = Server::start(|_, _| streamed(parts(4, 1000, Duration::ZERO), StreamEnd::Finish)).await;
    let client = client(&server.url);
    let bytes = client.file().get_file("a").send().await.unwrap().into_body().bytes().await.unwrap();
    assert_eq!(bytes.len(), 4000);
    let error = client.file().get_file("a").send().await.unwrap().into_body().bytes_limited(2500).await.unwrap_err();
    assert!(matches!(error, StreamError::TooLarge { limit: 2500 }), "{error:?}");
    let path = std::env::temp_dir().join(format!("download-{}.bin", std::process::id()));
    let written = client.file().get_file("a").send().await.unwrap().into_body().save(&path).await.unwrap();
    assert_eq!((written, std::fs::read(&path).unwrap().len()), (4000, 4000));
    std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn a_slow_steady_download_outlives_the_request_timeout() {
    // Ten parts 100 ms apart: a second in all, more than the 300 ms request timeout, but never
    // idle for longer than the idle timeout.
    let server = Server::start(|_, _| streamed(parts(10, 10, Duration::from_millis(100)), StreamEnd::Finish)).await;
    let client = Client::builder()
        .base_url(&server.url)
        .timeout(Some(Duration::from_millis(300)))
        .idle_timeout(Some(Duration::from_millis(600)))
        .build()
        .unwrap();
    let body = client.file().get_file("a").send().await.unwrap().into_body().bytes().await.unwrap();
    assert_eq!(body.len(), 100);
}

#[tokio::test]
async fn a_download_that_goes_quiet_fails_after_the_idle_timeout() {
    let server = Server::start(|_, _| {
        streamed(vec![(Duration::ZERO, b"first".to_vec())], StreamEnd::Stall(Duration::from_secs(5)))
    })
    .await;
    let client =
        Client::builder().base_url(&server.url).idle_timeout(Some(Duration::from_millis(200))).build().unwrap();
    let mut download = client.file().get_file("a").send().await.unwrap().into_body();
    assert_eq!(&download.next().await.unwrap().unwrap()[..], b"first");
    let started = std::time::Instant::now();
    let error = download.next().await.unwrap().unwrap_err();
    assert!(matches!(error, StreamError::IdleTimeout(idle) if idle == Duration::from_millis(200)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(download.next().await.is_none(), "the stream ends after the timeout");
}

#[tokio::test]
async fn a_broken_download_is_a_transport_error() {
    let server = Server::start(|_, _| streamed(vec![(Duration::ZERO, b"part".to_vec())], StreamEnd::Close)).await;
    let mut download = client(&server.url).file().get_file("a").send().await.unwrap().into_body();
    assert_eq!(&download.next().await.unwrap().unwrap()[..], b"part");
    let error = download.next().await.unwrap().unwrap_err();
    assert!(matches!(error, StreamError::Transport(_)), "{error:?}");
}

#[tokio::test]
async fn dropping_a_download_closes_its_connection() {
    let gone = Arc::new(AtomicBool::new(false));
    let flag = gone.clone();
    let server = Server::start(move |_, _| Reply::Endless {
        chunk: vec![7; 16 * 1024],
        every: Duration::from_millis(10),
        gone: flag.clone(),
    })
    .await;
    let mut download = client(&server.url).file().get_file("a").send().await.unwrap().into_body();
    assert!(download.next().await.unwrap().is_ok());
    assert!(!gone.load(Ordering::SeqCst), "the server keeps sending while the stream is alive");
    drop(download);
    for _ in 0..300 {
        if gone.load(Ordering::SeqCst) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server could still write 3 s after the stream was dropped: the connection stayed open");
}

#[tokio::test]
async fn error_statuses_of_a_download_are_read_whole_and_decoded() {
    let server = Server::start(|_, _| Reply::json(404, r#"{"message":"no such file","type":"NotFound"}"#)).await;
    let error = client(&server.url).file().get_file("gone").send().await.unwrap_err();
    assert!(error.body().is_some_and(|body| body.is_not_found()), "{error:?}");
}

fn file_created(_: &tests::server::Received, _: usize) -> Reply {
    Reply::json(
        201,
        r#"{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","name":"a.bin","type":"application/octet-stream",
            "friendlyURL":"x","friendlyUrl":"x","sizeInBytes":3,"mimeType":"application/octet-stream","shortId":"file-1"}"#,
    )
}

const UPLOAD_TOKEN: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

#[tokio::test]
async fn an_upload_streams_from_a_stream_or_a_file() {
    let server = Server::start(file_created).await;
    let client = client(&server.url);
    let token = uuid::Uuid::parse_str(UPLOAD_TOKEN).unwrap();

    // A stream of unknown length: sent chunked, every chunk arrives.
    let chunks = futures_util::stream::iter((0..50).map(|i| Ok::<_, std::io::Error>(Bytes::from(format!("<{i}>")))));
    let part = FilePart::new(Upload::stream(chunks, None)).file_name("numbers.txt");
    client.file().create_file(token, CreateFileRequestBody { file: part }).send().await.unwrap();

    // A file: read as it is sent, with its length known.
    let path = std::env::temp_dir().join(format!("upload-{}.txt", std::process::id()));
    std::fs::write(&path, "the file's content").unwrap();
    let part = FilePart::file(&path).await.unwrap();
    client.file().create_file(token, CreateFileRequestBody { file: part }).send().await.unwrap();
    std::fs::remove_file(&path).unwrap();

    let received = server.received();
    let streamed = String::from_utf8_lossy(&received[0].body).into_owned();
    let expected: String = (0..50).map(|i| format!("<{i}>")).collect();
    assert!(streamed.contains(&expected), "{streamed}");
    assert!(streamed.contains(r#"filename="numbers.txt""#));
    let from_file = String::from_utf8_lossy(&received[1].body).into_owned();
    assert!(from_file.contains("the file's content"), "{from_file}");
    let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(from_file.contains(&format!(r#"filename="{file_name}""#)), "{from_file}");
    assert!(received[1].header("content-length").is_some(), "a file's multipart body has a known length");
}

#[tokio::test]
async fn a_one_time_stream_is_never_sent_twice() {
    // A 307 asks for the same request with its body again: bytes can, a stream cannot.
    let server = Server::start(|request, _| {
        if request.target.starts_with("/v2/files?again") {
            file_created(request, 0)
        } else {
            Reply::Respond {
                status: 307,
                headers: vec![("location".into(), "/v2/files?again".into())],
                body: String::new(),
            }
        }
    })
    .await;
    let client = client(&server.url);
    let token = uuid::Uuid::parse_str(UPLOAD_TOKEN).unwrap();
    let bytes = FilePart::new(b"abc".to_vec());
    client.file().create_file(token, CreateFileRequestBody { file: bytes }).send().await.unwrap();
    assert_eq!(server.received().len(), 2);
    assert!(String::from_utf8_lossy(&server.received()[1].body).contains("abc"), "the body went along");

    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"once"))]);
    let part = FilePart::new(Upload::stream(chunks, Some(4)));
    let error = client.file().create_file(token, CreateFileRequestBody { file: part }).send().await.unwrap_err();
    assert!(
        matches!(&error, Error::Redirect(redirect) if redirect.kind == RedirectErrorKind::BodyNotReplayable),
        "{error:?}"
    );
    assert_eq!(server.received().len(), 3, "the redirect was not followed");
}

#[tokio::test]
async fn a_stream_body_is_not_retried_but_bytes_are() {
    // The generated crate's only binary body is a POST, which is never retried: the rule is the
    // runtime's, so it is checked on a request of its own.
    let upload = Upload::stream(futures_util::stream::empty::<Result<Bytes, std::io::Error>>(), None);
    assert!(!upload.is_replayable());
    assert!(Upload::bytes("x").is_replayable());
    let path = std::env::temp_dir().join(format!("replay-{}.txt", std::process::id()));
    std::fs::write(&path, "x").unwrap();
    assert!(Upload::file(&path).await.unwrap().is_replayable(), "a file is read again for a retry");
    std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn server_sent_events_from_a_real_connection() {
    // The stream arrives in parts cut at awkward places: inside a field name, between CR and LF,
    // inside a multi-byte character.
    let text = "data: {\"n\":1}\r\n\r\nevent: tick\r\nid: 7\r\ndata: {\"n\":2,\"note\":\"grüße\"}\r\n\r\n: keep-alive\n\ndata: [DONE]\n\n";
    let bytes = text.as_bytes().to_vec();
    let cuts = [3, 16, 17, 40, 58, 59, bytes.len()];
    let mut parts = Vec::new();
    let mut from = 0;
    for cut in cuts {
        parts.push((Duration::from_millis(5), bytes[from..cut].to_vec()));
        from = cut;
    }
    let server = Server::start(move |_, _| Reply::Streamed {
        status: 200,
        headers: vec![("content-type".into(), "text/event-stream".into())],
        parts: parts.clone(),
        end: StreamEnd::Finish,
    })
    .await;
    let download = client(&server.url).file().get_file("events").send().await.unwrap().into_body();
    let events: Vec<_> = EventStream::<serde_json::Value>::json(download).collect().await;
    let events: Vec<_> = events.into_iter().map(Result::unwrap).collect();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].value(), Some(&serde_json::json!({"n": 1})));
    assert_eq!((events[0].event.as_str(), events[0].id.as_deref()), ("message", None));
    assert_eq!(events[1].value(), Some(&serde_json::json!({"n": 2, "note": "grüße"})));
    assert_eq!((events[1].event.as_str(), events[1].id.as_deref()), ("tick", Some("7")));
    assert_eq!(events[2].data, EventData::Text("[DONE]".into()), "the sentinel is left to the caller");
    assert_eq!(events[2].id.as_deref(), Some("7"), "ids carry over, as in browsers");
}
