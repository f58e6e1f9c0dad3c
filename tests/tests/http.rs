//! The generated client over real HTTP on loopback: the exact requests it sends and how it
//! reads responses and failures.

use std::time::Duration;

use mittwald_api_client::operations::conversation::{
    ListConversationsError, ListConversationsErrorBody, ListConversationsOrder, ListConversationsSort,
    ListConversationsStatus,
};
use mittwald_api_client::runtime::TransportErrorKind;
use mittwald_api_client::{Client, RetryPolicy};
use serde_json::json;
use tests::server::{Reply, Server};

const TOKEN: &str = "s3cr3t-T0ken_value";

use tests::data::minimal_conversation as conversation;

fn ok_list(count: usize) -> Reply {
    let items: Vec<_> = (0..count).map(conversation).collect();
    Reply::json(200, serde_json::to_string(&items).unwrap())
}

fn client(server: &Server) -> Client {
    Client::builder().base_url(&server.url).token(TOKEN).retry_policy(RetryPolicy::disabled()).build().unwrap()
}

#[tokio::test]
async fn sends_nothing_for_unset_parameters() {
    let server = Server::start(|_, _| ok_list(0)).await;
    client(&server).conversation().list_conversations().send().await.unwrap();
    let request = &server.received()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/v2/conversations");
}

#[tokio::test]
async fn sends_every_parameter_in_order_with_arrays_as_repeated_keys() {
    let server = Server::start(|_, _| ok_list(0)).await;
    client(&server)
        .conversation()
        .list_conversations()
        .full_text_search("printer \"on fire\" & more=#1+2 ümlaut/?")
        .status([ListConversationsStatus::Closed, ListConversationsStatus::Open])
        .limit(25)
        .skip(50)
        .page(3)
        .sort([ListConversationsSort::Title, ListConversationsSort::LastMessageCreatedAt])
        .order([ListConversationsOrder::Asc, ListConversationsOrder::Desc])
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.received()[0].query(),
        "fullTextSearch=printer%20%22on%20fire%22%20%26%20more%3D%231%2B2%20%C3%BCmlaut%2F%3F\
         &status=closed&status=open&limit=25&skip=50&page=3\
         &sort=title&sort=lastMessage.createdAt&order=asc&order=desc"
    );
}

#[tokio::test]
async fn unknown_enum_values_are_sent_as_given() {
    let server = Server::start(|_, _| ok_list(0)).await;
    client(&server).conversation().list_conversations().status(["archived"]).send().await.unwrap();
    assert_eq!(server.received()[0].query(), "status=archived");
}

#[tokio::test]
async fn authenticates_with_x_access_token_by_default_and_names_itself() {
    let server = Server::start(|_, _| ok_list(0)).await;
    client(&server).conversation().list_conversations().send().await.unwrap();
    let request = &server.received()[0];
    assert_eq!(request.header("x-access-token"), Some(TOKEN));
    assert_eq!(request.header("authorization"), None);
    // The version the crate was built with, whatever `cargo xtask release` set it to.
    let manifest = std::fs::read_to_string(tests::root().join("generated-client/Cargo.toml")).unwrap();
    let version = xtask::release::config_value(&manifest, "version").unwrap();
    assert_eq!(request.header("user-agent"), Some(format!("mittwald-api-client/{version}").as_str()));
}

#[tokio::test]
async fn authenticates_with_a_bearer_token_when_chosen() {
    let server = Server::start(|_, _| ok_list(0)).await;
    let client = Client::builder().base_url(&server.url).bearer_token(TOKEN).build().unwrap();
    client.conversation().list_conversations().send().await.unwrap();
    let request = &server.received()[0];
    assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(request.header("x-access-token"), None);
}

#[tokio::test]
async fn decodes_body_and_typed_pagination_headers() {
    let server = Server::start(|_, _| {
        ok_list(2)
            .with_header("X-Pagination-Limit", "2")
            .with_header("X-Pagination-Skip", "4")
            .with_header("X-Pagination-Page", "3")
            .with_header("X-Pagination-TotalCount", "-7")
    })
    .await;
    let response = client(&server).conversation().list_conversations().send().await.unwrap();
    assert_eq!(response.body.len(), 2);
    assert_eq!(response.body[1].short_id, "C-1");
    let headers = response.headers().unwrap();
    assert_eq!(headers.pagination_limit, Some(2));
    assert_eq!(headers.pagination_skip, Some(4));
    // An integer: specs/mittwald-fixes.overlay.yaml fixes upstream's `type: number`.
    assert_eq!(headers.pagination_page, Some(3));
    assert_eq!(headers.pagination_total_count, Some(-7));
    assert_eq!(response.raw_headers.get("x-pagination-limit").unwrap(), "2");
}

#[tokio::test]
async fn missing_headers_are_none() {
    let server = Server::start(|_, _| ok_list(1)).await;
    let response = client(&server).conversation().list_conversations().send().await.unwrap();
    let headers = response.headers().unwrap();
    assert_eq!((headers.pagination_limit, headers.pagination_page, headers.pagination_total_count), (None, None, None));
}

#[tokio::test]
async fn a_malformed_header_is_reported_and_the_body_stays() {
    let server = Server::start(|_, _| ok_list(1).with_header("X-Pagination-TotalCount", "lots")).await;
    let response = client(&server).conversation().list_conversations().send().await.unwrap();
    let error = response.headers().unwrap_err();
    assert_eq!(
        error.to_string(),
        "response header `X-Pagination-TotalCount` has value \"lots\", which is not an integer"
    );
    assert_eq!(response.body.len(), 1);
}

#[tokio::test]
async fn rate_limit_gives_its_body_and_retry_after() {
    let server = Server::start(|_, _| {
        Reply::json(429, r#"{"message":"too many requests","type":"RateLimitError"}"#).with_header("Retry-After", "30")
    })
    .await;
    let error = client(&server).conversation().list_conversations().send().await.unwrap_err();
    let ListConversationsError::Api(api_error) = &error else { panic!("{error:?}") };
    let ListConversationsErrorBody::TooManyRequests(rate_limit) = &api_error.body else { panic!("{error:?}") };
    assert_eq!(api_error.status, 429);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(rate_limit.message.as_deref(), Some("too many requests"));
    assert_eq!(api_error.retry_after(), Some(Duration::from_secs(30)));
    assert!(error.is_retryable());
    assert!(error.body().is_some_and(ListConversationsErrorBody::is_too_many_requests));
    assert!(!error.body().is_some_and(ListConversationsErrorBody::is_other));
}

#[tokio::test]
async fn other_statuses_give_the_decoded_error_and_status() {
    let server = Server::start(|_, _| Reply::json(403, r#"{"type":"PermissionDenied","message":"no access"}"#)).await;
    let error = client(&server).conversation().list_conversations().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("403"), "{error}");
    let Ok(api_error) = error.into_api_error() else { panic!("not an API error") };
    let ListConversationsErrorBody::Other(body) = &api_error.body else { panic!("{api_error:?}") };
    assert_eq!(api_error.status, 403);
    assert_eq!(body.r#type, "PermissionDenied");
}

#[tokio::test]
async fn a_non_json_body_is_a_decode_error_with_status_path_and_snippet() {
    let server = Server::start(|_, _| Reply::json(200, "<html>gateway says hi</html>")).await;
    let error = client(&server).conversation().list_conversations().send().await.unwrap_err();
    let ListConversationsError::Decode(decode) = &error else { panic!("{error:?}") };
    assert_eq!(decode.status, 200);
    assert_eq!(decode.snippet, "<html>gateway says hi</html>");
    assert!(error.to_string().contains("<html>gateway says hi</html>"), "{error}");
}

#[tokio::test]
async fn a_schema_violation_names_the_json_path() {
    let server = Server::start(|_, _| {
        let mut items = vec![conversation(0), conversation(1)];
        items[1]["relatedTo"] = json!({"aggregate": "project", "domain": "project"});
        Reply::json(200, serde_json::to_string(&items).unwrap())
    })
    .await;
    let error = client(&server).conversation().list_conversations().send().await.unwrap_err();
    let ListConversationsError::Decode(decode) = &error else { panic!("{error:?}") };
    assert_eq!(decode.path, "[1].relatedTo");
    assert!(decode.message.starts_with("missing field `id` at line 1"), "{}", decode.message);
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error() {
    let server = Server::start(|_, _| Reply::Truncated { declared: 500, body: "[{\"conv".into() }).await;
    let error = client(&server).conversation().list_conversations().send().await.unwrap_err();
    let ListConversationsError::Transport(transport) = &error else { panic!("{error:?}") };
    assert_eq!(transport.kind(), TransportErrorKind::Connection);
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_closed_connection_is_a_transport_error() {
    let server = Server::start(|_, _| Reply::Close).await;
    let error = client(&server).conversation().list_conversations().send().await.unwrap_err();
    assert!(matches!(error, ListConversationsError::Transport(_)), "{error:?}");
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = client.conversation().list_conversations().send().await.unwrap_err();
    let ListConversationsError::Transport(transport) = &error else { panic!("{error:?}") };
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
    assert!(!error.to_string().contains(TOKEN));
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = Server::start(|_, _| Reply::Delayed(Duration::from_secs(5), Box::new(ok_list(0)))).await;
    let client = Client::builder()
        .base_url(&server.url)
        .token(TOKEN)
        .timeout(Some(Duration::from_millis(200)))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = client.conversation().list_conversations().send().await.unwrap_err();
    let ListConversationsError::Transport(transport) = &error else { panic!("{error:?}") };
    assert_eq!(transport.kind(), TransportErrorKind::Timeout);
    assert!(error.is_retryable());
}
