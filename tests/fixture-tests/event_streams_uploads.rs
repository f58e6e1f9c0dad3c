//! Run by `.ci/run` inside the crate generated from `tests/fixtures/event_streams.yaml`: an
//! idempotent upload (PUT) is retried after a 503 when its body can be sent again (bytes, a
//! file) and never when it was a one-time stream.

use std::sync::{Arc, Mutex};

use fixture_event_streams::runtime::{Bytes, RetryPolicy, Upload};
use fixture_event_streams::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server that answers 503 to the first request and 204 to the others, recording each body
/// (read by `content-length` or chunked).
async fn flaky() -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let log = bodies.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut data = Vec::new();
                let mut chunk = [0u8; 8192];
                loop {
                    let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => data.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    let chunked = head.contains("transfer-encoding: chunked");
                    let mut rest = data.split_off(end + 4);
                    // Read until the body is complete.
                    loop {
                        let done = if chunked { rest.ends_with(b"0\r\n\r\n") } else { rest.len() >= length };
                        if done {
                            break;
                        }
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => rest.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let index = {
                        let mut log = log.lock().unwrap();
                        log.push(rest.clone());
                        log.len() - 1
                    };
                    let answer: &[u8] = if index == 0 {
                        b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n"
                    } else {
                        b"HTTP/1.1 204 No Content\r\n\r\n"
                    };
                    if stream.write_all(answer).await.is_err() {
                        return;
                    }
                    data.clear();
                }
            });
        }
    });
    (url, bodies)
}

fn client(url: &str) -> Client {
    let retry = RetryPolicy { initial_backoff: std::time::Duration::from_millis(1), ..RetryPolicy::default() };
    Client::builder().base_url(url).bearer_token("t").retry_policy(retry).build().unwrap()
}

#[tokio::test]
async fn bytes_and_files_are_sent_again_after_a_503() {
    let (url, bodies) = flaky().await;
    client(&url).files().put_file("a", Bytes::from_static(b"hello")).send().await.unwrap();
    assert_eq!(*bodies.lock().unwrap(), [b"hello".to_vec(), b"hello".to_vec()]);

    let (url, bodies) = flaky().await;
    let path = std::env::temp_dir().join(format!("put-{}.txt", std::process::id()));
    std::fs::write(&path, "from a file").unwrap();
    client(&url).files().put_file("b", Upload::file(&path).await.unwrap()).send().await.unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(*bodies.lock().unwrap(), [b"from a file".to_vec(), b"from a file".to_vec()], "read again for the retry");
}

#[tokio::test]
async fn a_one_time_stream_is_not_retried() {
    let (url, bodies) = flaky().await;
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"once"))]);
    let error = client(&url).files().put_file("c", Upload::stream(chunks, Some(4))).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
    assert_eq!(bodies.lock().unwrap().len(), 1, "one attempt: the stream could not be sent twice");
}
