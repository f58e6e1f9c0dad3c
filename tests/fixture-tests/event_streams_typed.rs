//! Run by `.ci/run` inside the crate generated from `tests/fixtures/event_streams.yaml`: typed
//! server-sent events from the generated operations, over loopback and from the typed mock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fixture_event_streams::operations::chat::CreateChatCompletion;
use fixture_event_streams::runtime::{EventData, Mock, MockEvent, MockResponse, StreamError};
use fixture_event_streams::types::{
    CreateChatCompletionRequest, CreateChatCompletionStreamResponseChoicesFinishReason as FinishReason, Message,
    MessageRole, WatchEventType,
};
use fixture_event_streams::Client;
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A stream in the shape OpenAI sends for `stream: true` (fields the schema does not name, such
/// as `system_fingerprint` and `logprobs`, included), ended by the `[DONE]` sentinel.
const CHAT_STREAM: &str = concat!(
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1733000000,\"model\":\"gpt-4o\",",
    "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},",
    "\"logprobs\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1733000000,\"model\":\"gpt-4o\",",
    "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hallo, \"},\"logprobs\":null,",
    "\"finish_reason\":null}]}\n\n",
    ": OPENROUTER PROCESSING\n\n",
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1733000000,\"model\":\"gpt-4o\",",
    "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Welt 👋\"},\"logprobs\":null,",
    "\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1733000000,\"model\":\"gpt-4o\",",
    "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n",
    "data: [DONE]\n\n",
);

/// One HTTP/1.1 exchange per connection: the request head as text, and the answer `respond`
/// writes (head and body parts, each after its wait), then the connection closes.
async fn serve(respond: impl Fn(&str, usize) -> Vec<(Duration, Vec<u8>)> + Send + Sync + 'static) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let log = heads.clone();
    let respond = Arc::new(respond);
    tokio::spawn(async move {
        let mut n = 0;
        while let Ok((mut stream, _)) = listener.accept().await {
            let (log, respond) = (log.clone(), respond.clone());
            let index = n;
            n += 1;
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => buffer.extend_from_slice(&chunk[..read]),
                    }
                }
                let head = String::from_utf8_lossy(&buffer).into_owned();
                log.lock().unwrap().push(head.clone());
                for (wait, part) in respond(&head, index) {
                    tokio::time::sleep(wait).await;
                    if stream.write_all(&part).await.is_err() || stream.flush().await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, heads)
}

/// An event-stream answer, chunked: the head, then the body in parts of `cut` bytes, 2 ms apart,
/// then the last chunk.
fn event_stream(body: &str, cut: usize) -> Vec<(Duration, Vec<u8>)> {
    let mut parts = broken_event_stream(body, cut);
    parts.push((Duration::ZERO, b"0\r\n\r\n".to_vec()));
    parts
}

/// [`event_stream`] without the last chunk: the connection closes mid-body.
fn broken_event_stream(body: &str, cut: usize) -> Vec<(Duration, Vec<u8>)> {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
    let mut parts = vec![(Duration::ZERO, head.as_bytes().to_vec())];
    for part in body.as_bytes().chunks(cut) {
        let mut chunk = format!("{:x}\r\n", part.len()).into_bytes();
        chunk.extend_from_slice(part);
        chunk.extend_from_slice(b"\r\n");
        parts.push((Duration::from_millis(2), chunk));
    }
    parts
}

fn chat_request() -> CreateChatCompletionRequest {
    CreateChatCompletionRequest {
        model: "gpt-4o".into(),
        messages: vec![Message { role: MessageRole::User, content: "Sag hallo".into() }],
        stream: true.into(),
    }
}

#[tokio::test]
async fn a_chat_completion_streams_typed_chunks_until_the_sentinel() {
    // Cut into 7-byte parts: events, fields and the emoji's bytes all span reads.
    let (url, heads) = serve(|_, _| event_stream(CHAT_STREAM, 7)).await;
    let client = Client::builder().base_url(&url).bearer_token("sk-test").build().unwrap();
    let response = client.chat().create_chat_completion(chat_request()).send_stream().await.unwrap();
    assert_eq!(response.status, 200);
    let mut events = response.into_body();
    let (mut text, mut finish, mut done) = (String::new(), None, false);
    while let Some(event) = events.next().await {
        match event.unwrap().data {
            EventData::Value(chunk) => {
                assert_eq!(chunk.model, "gpt-4o");
                for choice in chunk.choices {
                    text.push_str(choice.delta.content.as_deref().unwrap_or_default());
                    finish = choice.finish_reason.into_option().or(finish);
                }
            }
            EventData::Text(sentinel) => {
                assert_eq!(sentinel, "[DONE]");
                done = true;
            }
        }
    }
    assert_eq!(text, "Hallo, Welt 👋");
    assert_eq!(finish, Some(FinishReason::Stop));
    assert!(done, "the sentinel reached the caller");
    let head = heads.lock().unwrap()[0].to_ascii_lowercase();
    assert!(head.contains("accept: text/event-stream"), "{head}");
}

#[tokio::test]
async fn send_asks_for_json_and_send_stream_for_events() {
    let (url, heads) = serve(|head, _| {
        if head.to_ascii_lowercase().contains("accept: application/json") {
            let body = r#"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#;
            let answer = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len());
            vec![(Duration::ZERO, answer.into_bytes())]
        } else {
            event_stream(CHAT_STREAM, 1000)
        }
    })
    .await;
    let client = Client::builder().base_url(&url).bearer_token("sk-test").build().unwrap();
    let whole = client.chat().create_chat_completion(chat_request()).send().await.unwrap();
    assert_eq!(whole.body.choices[0].message.content, "hi");
    let events: Vec<_> = client.chat().create_chat_completion(chat_request()).send_stream().await.unwrap().into_body().collect().await;
    assert_eq!(events.len(), 5);
    assert_eq!(heads.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn an_event_whose_data_does_not_match_the_schema_is_an_error_and_the_stream_goes_on() {
    let body = "data: {\"id\":1}\n\ndata: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[]}\n\n";
    let (url, _) = serve(move |_, _| event_stream(body, 5)).await;
    let client = Client::builder().base_url(&url).bearer_token("sk-test").build().unwrap();
    let mut events = client.chat().create_chat_completion(chat_request()).send_stream().await.unwrap().into_body();
    let error = events.next().await.unwrap().unwrap_err();
    let StreamError::Decode { path, .. } = &error else { panic!("{error:?}") };
    assert!(path == "id" || path == "." || path == "choices", "the path of the bad value: {path}");
    assert!(events.next().await.unwrap().unwrap().value().is_some(), "the next event decodes");
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn a_watch_stream_reconnects_with_the_last_event_id_when_asked() {
    let (url, heads) = serve(|_, n| match n {
        // The first connection breaks after two events (no chunked end, no closing blank line).
        0 => broken_event_stream(
            "retry: 50\nid: 1\ndata: {\"type\":\"added\",\"name\":\"a\"}\n\nid: 2\ndata: {\"type\":\"modified\",\"name\":\"a\"}\n\nid: 3\ndata: {\"ty",
            1000,
        ),
        _ => event_stream("id: 3\ndata: {\"type\":\"deleted\",\"name\":\"a\"}\n\n", 1000),
    })
    .await;
    let client = Client::builder().base_url(&url).bearer_token("t").build().unwrap();
    let events: Vec<_> = client.logs().watch_resources().send().await.unwrap().into_body().reconnect(1).collect().await;
    let kinds: Vec<_> = events.into_iter().map(|e| e.unwrap().into_value().unwrap().r#type).collect();
    assert_eq!(kinds, [WatchEventType::Added, WatchEventType::Modified, WatchEventType::Deleted]);
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 2);
    assert!(heads[1].to_ascii_lowercase().contains("last-event-id: 2"), "{}", heads[1]);

    // Without `reconnect`, the broken connection is the last item.
    let (url, _) = serve(|_, _| broken_event_stream("id: 1\ndata: {\"type\":\"added\",\"name\":\"a\"}\n\ndata: {", 1000)).await;
    let client = Client::builder().base_url(&url).bearer_token("t").build().unwrap();
    let events: Vec<_> = client.logs().watch_resources().send().await.unwrap().into_body().collect().await;
    assert_eq!(events.len(), 2);
    assert!(events[0].is_ok());
    assert!(matches!(events[1], Err(StreamError::Transport(_))), "{:?}", events[1]);
}

#[tokio::test]
async fn a_log_stream_without_a_schema_is_text_and_goes_idle() {
    let (url, _) = serve(|_, _| {
        let mut parts = broken_event_stream("data: line one\n\ndata: line two\ndata: and more\n\n", 1000);
        parts.push((Duration::from_secs(5), Vec::new()));
        parts
    })
    .await;
    let client = Client::builder().base_url(&url).bearer_token("t").idle_timeout(Some(Duration::from_millis(300))).build().unwrap();
    let mut events = client.logs().stream_logs("web").send().await.unwrap().into_body();
    assert_eq!(events.next().await.unwrap().unwrap().into_value().as_deref(), Some("line one"));
    assert_eq!(events.next().await.unwrap().unwrap().into_value().as_deref(), Some("line two\nand more"));
    assert!(matches!(events.next().await, Some(Err(StreamError::IdleTimeout(_)))));
}

#[tokio::test]
async fn the_typed_mock_answers_with_a_sequence_of_events() {
    let mock = Mock::new();
    let chunk = serde_json::json!({
        "id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
        "choices": [{"index": 0, "delta": {"content": "mocked"}, "finish_reason": null}]
    });
    mock.respond(
        CreateChatCompletion::OPERATION_ID,
        MockResponse::events(200, [MockEvent::json(&chunk).id("1"), MockEvent::text("[DONE]").event("done")]),
    );
    let client = Client::builder().mock(mock.clone()).build().unwrap();
    let events: Vec<_> = client.chat().create_chat_completion(chat_request()).send_stream().await.unwrap().into_body().collect().await;
    let first = events[0].as_ref().unwrap();
    assert_eq!(first.value().unwrap().choices[0].delta.content.as_deref(), Some("mocked"));
    assert_eq!(first.id.as_deref(), Some("1"));
    let second = events[1].as_ref().unwrap();
    assert_eq!((second.event.as_str(), second.text()), ("done", Some("[DONE]")));
    assert_eq!(mock.requests()[0].headers["accept"], "text/event-stream");
}

#[tokio::test]
async fn a_download_beside_events_gets_both_entry_points() {
    let (url, _) = serve(|head, _| {
        if head.to_ascii_lowercase().contains("accept: text/event-stream") {
            event_stream("data: {\"type\":\"speech.audio.delta\",\"audio\":\"AAEC\"}\n\n", 1000)
        } else {
            vec![(Duration::ZERO, b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 3\r\n\r\n\x00\x01\x02".to_vec())]
        }
    })
    .await;
    let client = Client::builder().base_url(&url).bearer_token("t").build().unwrap();
    let body = fixture_event_streams::operations::audio::CreateSpeechRequestBody { input: "hi".into(), stream_format: None };
    let audio = client.audio().create_speech(body.clone()).send().await.unwrap().into_body().bytes().await.unwrap();
    assert_eq!(&audio[..], [0, 1, 2]);
    let mut events = client.audio().create_speech(body).send_stream().await.unwrap().into_body();
    let delta = events.next().await.unwrap().unwrap().into_value().unwrap();
    assert_eq!(delta.audio.0, [0, 1, 2]);
}
