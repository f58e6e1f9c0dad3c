//! A small HTTP/1.1 server on loopback (127.0.0.1 unless told otherwise) for exact assertions on what the client sends, and
//! for failures no real server produces on demand (resets, truncated bodies, stalls).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub method: String,
    /// Path and query, exactly as sent.
    pub target: String,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body (by `content-length`).
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Announces `declared` body bytes, sends `body` and closes.
    Truncated {
        declared: usize,
        body: String,
    },
    /// Closes the connection without a response.
    Close,
    /// A chunked body: each part after its wait, then `end`.
    Streamed {
        status: u16,
        headers: Vec<(String, String)>,
        parts: Vec<(Duration, Vec<u8>)>,
        end: StreamEnd,
    },
    /// A chunked body of `chunk` every `every`, until writing fails (the client went away);
    /// then `gone` is set.
    Endless {
        chunk: Vec<u8>,
        every: Duration,
        gone: Arc<AtomicBool>,
    },
    /// Waits before answering.
    Delayed(Duration, Box<Reply>),
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Reply::Respond { status, headers: vec![("content-type".into(), "application/json".into())], body: body.into() }
    }

    pub fn with_header(self, name: &str, value: &str) -> Self {
        match self {
            Reply::Respond { status, mut headers, body } => {
                headers.push((name.to_owned(), value.to_owned()));
                Reply::Respond { status, headers, body }
            }
            other => other,
        }
    }
}

/// How a [`Reply::Streamed`] body ends.
#[derive(Debug, Clone, Copy)]
pub enum StreamEnd {
    /// The last chunk: a complete body.
    Finish,
    /// Nothing more for this long, then the connection closes: a server gone quiet.
    Stall(Duration),
    /// The connection closes without the last chunk: a broken body.
    Close,
}

type Handler = dyn Fn(&Received, usize) -> Reply + Send + Sync;

/// A running server; it stops with the test's runtime.
pub struct Server {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    /// Starts a server that answers request number `n` (from 0) with `handler(request, n)`.
    pub async fn start(handler: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static) -> Server {
        Self::start_on("127.0.0.1", handler).await
    }

    /// Like [`Server::start`], on a free port of another loopback address (e.g. `127.0.0.2`, a
    /// second origin on the same machine).
    pub async fn start_on(ip: &str, handler: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind((ip, 0)).await.expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = received.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let handler = handler.clone();
                let log = log.clone();
                tokio::spawn(async move { serve(stream, handler, log).await });
            }
        });
        Server { url, received }
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("the log is not poisoned").clone()
    }
}

async fn serve(mut stream: TcpStream, handler: Arc<Handler>, log: Arc<Mutex<Vec<Received>>>) {
    let mut buffer = Vec::new();
    loop {
        let mut chunk = [0u8; 4096];
        let Ok(read) = stream.read(&mut chunk).await else { return };
        if read == 0 {
            return;
        }
        buffer.extend_from_slice(&chunk[..read]);
        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
        buffer.drain(..end + 4);
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or_default().split(' ');
        let mut received = Received {
            method: request_line.next().unwrap_or_default().to_owned(),
            target: request_line.next().unwrap_or_default().to_owned(),
            headers: lines
                .filter_map(|line| line.split_once(':'))
                .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
                .collect(),
            body: Vec::new(),
        };
        if received.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            let Some(body) = read_chunked(&mut stream, &mut buffer).await else { return };
            received.body = body;
        } else {
            let length = received.header("content-length").and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
            while buffer.len() < length {
                let mut chunk = [0u8; 4096];
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(read) => buffer.extend_from_slice(&chunk[..read]),
                }
            }
            received.body = buffer.drain(..length).collect();
        }
        let index = {
            let mut log = log.lock().expect("the log is not poisoned");
            log.push(received.clone());
            log.len() - 1
        };
        let mut reply = handler(&received, index);
        while let Reply::Delayed(wait, inner) = reply {
            tokio::time::sleep(wait).await;
            reply = *inner;
        }
        match reply {
            Reply::Respond { status, headers, body } => {
                let mut out = format!("HTTP/1.1 {status} Status\r\ncontent-length: {}\r\n", body.len());
                for (name, value) in headers {
                    out.push_str(&format!("{name}: {value}\r\n"));
                }
                out.push_str("\r\n");
                out.push_str(&body);
                if stream.write_all(out.as_bytes()).await.is_err() {
                    return;
                }
            }
            Reply::Truncated { declared, body } => {
                let out = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n{body}"
                );
                let _ = stream.write_all(out.as_bytes()).await;
                return;
            }
            Reply::Streamed { status, headers, parts, end } => {
                let mut head = format!("HTTP/1.1 {status} Status\r\ntransfer-encoding: chunked\r\n");
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for (wait, part) in parts {
                    tokio::time::sleep(wait).await;
                    if write_chunk(&mut stream, &part).await.is_err() {
                        return;
                    }
                }
                match end {
                    StreamEnd::Finish => {
                        if stream.write_all(b"0\r\n\r\n").await.is_err() {
                            return;
                        }
                    }
                    StreamEnd::Stall(wait) => {
                        tokio::time::sleep(wait).await;
                        return;
                    }
                    StreamEnd::Close => return,
                }
            }
            Reply::Endless { chunk, every, gone } => {
                let head =
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_ok() {
                    while write_chunk(&mut stream, &chunk).await.is_ok() {
                        tokio::time::sleep(every).await;
                    }
                }
                gone.store(true, Ordering::SeqCst);
                return;
            }
            Reply::Close | Reply::Delayed(..) => return,
        }
    }
}

async fn write_chunk(stream: &mut TcpStream, part: &[u8]) -> std::io::Result<()> {
    stream.write_all(format!("{:x}\r\n", part.len()).as_bytes()).await?;
    stream.write_all(part).await?;
    stream.write_all(b"\r\n").await?;
    stream.flush().await
}

/// A chunked request body, `buffer` holding what was read past the head.
async fn read_chunked(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(end) = buffer.windows(2).position(|w| w == b"\r\n") {
                break end;
            }
            read_more(stream, buffer).await?;
        };
        let size_text = String::from_utf8_lossy(&buffer[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        buffer.drain(..line_end + 2);
        while buffer.len() < size + 2 {
            read_more(stream, buffer).await?;
        }
        body.extend(buffer.drain(..size));
        buffer.drain(..2);
        if size == 0 {
            return Some(body);
        }
    }
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => None,
        Ok(read) => {
            buffer.extend_from_slice(&chunk[..read]);
            Some(())
        }
    }
}
