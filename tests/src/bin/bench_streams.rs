//! The memory of streamed bodies (built and run by `cargo xtask bench`, which calls it from
//! `bench`): downloads and uploads of 16 MiB and 1 GiB over loopback through the generated
//! client, each in a child process of its own so that its peak resident memory (`VmHWM`) is its
//! own. The 16 MiB runs are the floor; a streamed body's peak must not grow with its size. One
//! download collected whole (`bytes()`, 256 MiB) shows what buffering would cost.
//!
//! `bench_streams` prints the Markdown table; `bench_streams child <download|upload|collect>
//! <bytes>` is one measurement and prints `<peak kB> <milliseconds>`.

use std::process::{Command, ExitCode};
use std::time::Instant;

use futures_util::StreamExt;
use mittwald_api_client::operations::file::CreateFileRequestBody;
use mittwald_api_client::runtime::{Bytes, FilePart, Upload};
use mittwald_api_client::{Client, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const MIB: u64 = 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// A loopback server: a GET is answered with `size` bytes, written from one 64 KiB buffer; a
/// POST's body is read and dropped, then answered with a file's metadata.
async fn server(size: u64) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                if head.starts_with("get") {
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {size}\r\n\r\n"
                    );
                    stream.write_all(answer.as_bytes()).await.expect("head");
                    let buffer = vec![7u8; CHUNK];
                    let mut left = size;
                    while left > 0 {
                        let n = left.min(CHUNK as u64) as usize;
                        if stream.write_all(&buffer[..n]).await.is_err() {
                            return;
                        }
                        left -= n as u64;
                    }
                } else {
                    let length: u64 = head
                        .lines()
                        .find_map(|line| line.strip_prefix("content-length:"))
                        .and_then(|value| value.trim().parse().ok())
                        .expect("the upload announces its length");
                    let mut buffer = vec![0u8; CHUNK];
                    let mut left = length;
                    while left > 0 {
                        let n = stream.read(&mut buffer).await.expect("read");
                        assert!(n > 0, "the body ended early");
                        left -= n as u64;
                    }
                    let body = r#"{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","name":"big","type":"x","friendlyURL":"x","friendlyUrl":"x","sizeInBytes":1,"mimeType":"x","shortId":"file-1"}"#;
                    let answer = format!(
                        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(answer.as_bytes()).await;
                }
            });
        }
    });
    url
}

/// One measurement in this process: returns the bytes moved.
async fn measure(what: &str, size: u64) -> u64 {
    let url = server(size).await;
    let client =
        Client::builder().base_url(&url).token("bench").retry_policy(RetryPolicy::disabled()).build().expect("client");
    match what {
        "download" => {
            let mut body = client.file().get_file("big").send().await.expect("download").into_body();
            let mut total = 0;
            while let Some(chunk) = body.next().await {
                total += chunk.expect("chunk").len() as u64;
            }
            total
        }
        "collect" => {
            let body = client.file().get_file("big").send().await.expect("download").into_body();
            body.bytes().await.expect("collect").len() as u64
        }
        "upload" => {
            let chunk = Bytes::from(vec![9u8; CHUNK]);
            let count = size / CHUNK as u64;
            let chunks = futures_util::stream::iter((0..count).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
            let part = FilePart::new(Upload::stream(chunks, Some(count * CHUNK as u64))).file_name("big.bin");
            let token = uuid::Uuid::nil();
            client.file().create_file(token, CreateFileRequestBody { file: part }).send().await.expect("upload");
            count * CHUNK as u64
        }
        "upload-file" => {
            let path = scratch_file(size);
            let part = FilePart::file(&path).await.expect("the file").file_name("big.bin");
            let token = uuid::Uuid::nil();
            client.file().create_file(token, CreateFileRequestBody { file: part }).send().await.expect("upload");
            size
        }
        "upload-raw" => {
            // The baseline: reqwest alone, the file read whole first, sent as the same multipart
            // body (the speed of the disk and the socket, no streaming at all).
            let path = scratch_file(size);
            let bytes = tokio::fs::read(&path).await.expect("the file");
            let part = reqwest::multipart::Part::bytes(bytes).file_name("big.bin");
            let form = reqwest::multipart::Form::new().part("file", part);
            let response = reqwest::Client::new()
                .post(format!("{url}/v2/files"))
                .header("Token", uuid::Uuid::nil().to_string())
                .multipart(form)
                .send()
                .await
                .expect("upload");
            assert!(response.status().is_success());
            size
        }
        other => panic!("unknown measurement {other}"),
    }
}

/// A file of `size` bytes in the temporary directory, written once per size.
fn scratch_file(size: u64) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("bench-upload-{size}.bin"));
    if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(size) {
        std::fs::write(&path, vec![5u8; size as usize]).expect("write the file");
    }
    path
}

/// This process's peak resident set (Linux `VmHWM`), in kB.
fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or_default();
    line.split_whitespace().nth(1).and_then(|kb| kb.parse().ok()).unwrap_or(0)
}

fn child(what: &str, size: u64) -> (u64, f64) {
    let exe = std::env::current_exe().expect("this binary");
    let output = Command::new(exe).args(["child", what, &size.to_string()]).output().expect("run the child");
    assert!(output.status.success(), "{what} {size}: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut fields = text.split_whitespace().map(|f| f.parse::<f64>().expect("a number"));
    (fields.next().expect("peak") as u64, fields.next().expect("time"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, what, size] = args.as_slice() {
        assert_eq!(mode, "child");
        let size: u64 = size.parse().expect("a size");
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let started = Instant::now();
        let moved = runtime.block_on(measure(what, size));
        assert_eq!(moved, size, "{what}: moved {moved} of {size} bytes");
        println!("{} {}", peak_kb(), started.elapsed().as_secs_f64() * 1000.0);
        return ExitCode::SUCCESS;
    }
    let mut failed = false;
    // A smoke run (CI's check that the benchmark works) moves 64 MiB instead of 1 GiB.
    let smoke = std::env::var("BENCH_SMOKE").is_ok_and(|v| !v.is_empty());
    let large = if smoke { 64 * MIB } else { 1024 * MIB };
    let collected_size = if smoke { 64 * MIB } else { 256 * MIB };
    println!("### Streamed bodies: peak memory against a 16 MiB floor (loopback, own process each)\n");
    println!("| what | size | peak memory | × 16 MiB floor | time | throughput |");
    println!("|---|---:|---:|---:|---:|---:|");
    for what in ["download", "upload"] {
        let (floor, floor_ms) = child(what, 16 * MIB);
        let (peak, peak_ms) = child(what, large);
        let ratio = peak as f64 / floor as f64;
        for (size, kb, ms) in [(16 * MIB, floor, floor_ms), (large, peak, peak_ms)] {
            let factor = if size == 16 * MIB { "1.00 (floor)".to_owned() } else { format!("**{ratio:.2}**") };
            println!(
                "| {what} (`ByteStream` / `Upload::stream`) | {} MiB | {:.1} MB | {factor} | {:.0} ms | {:.0} MB/s |",
                size / MIB,
                kb as f64 / 1024.0,
                ms,
                size as f64 / 1e6 / (ms / 1000.0)
            );
        }
        // The claim: 64 times the bytes, not even 1.5 times the memory.
        if ratio > 1.5 {
            eprintln!("{what}: the peak grew with the size: {ratio:.2} × the floor");
            failed = true;
        }
    }
    // Uploads of a file: `Upload::file` (read as it is sent) against reqwest with the file read
    // whole first; the fastest of three runs each, after one run that fills the page cache.
    let file_size = if smoke { 16 * MIB } else { 256 * MIB };
    let _ = child("upload-raw", file_size);
    let fastest = |what: &str| (0..3).map(|_| child(what, file_size).1).fold(f64::INFINITY, f64::min);
    let (file_ms, raw_ms) = (fastest("upload-file"), fastest("upload-raw"));
    let file_ratio = file_ms / raw_ms;
    for (label, ms, factor) in [
        ("a file with `Upload::file` (multipart)", file_ms, format!("**{file_ratio:.2}** × reqwest")),
        ("the same file with reqwest alone, read whole first", raw_ms, "baseline".to_owned()),
    ] {
        println!(
            "| {label} | {} MiB | - | {factor} | {ms:.0} ms | {:.0} MB/s |",
            file_size / MIB,
            file_size as f64 / 1e6 / (ms / 1000.0)
        );
    }
    if file_ratio > 1.2 && !smoke {
        eprintln!("Upload::file takes {file_ratio:.2} × reqwest's time for the same file (more than 1.2)");
        failed = true;
    }
    let (collected, collected_ms) = child("collect", collected_size);
    println!(
        "| for comparison: a download collected whole (`bytes()`) | {} MiB | {:.1} MB | - | {:.0} ms | - |",
        collected_size / MIB,
        collected as f64 / 1024.0,
        collected_ms
    );
    println!();
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
