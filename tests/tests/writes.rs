//! Writes over loopback HTTP: JSON request bodies, path parameters, and the eventual-consistency
//! handshake (`ETag` of a write sent back as `If-Event-Reached` on later reads).

use mittwald_api_client::operations::conversation::{CreateConversationErrorBody, CreateConversationRequestBody};
use mittwald_api_client::types::{NotificationRole, RelatedAggregateReference, RelatedAggregateReferenceProject};
use mittwald_api_client::{Client, RetryPolicy};
use tests::server::{Received, Reply, Server};

const ID: &str = "3f1b6a52-8a43-4b8e-9d0c-000000000001";

fn conversation_json() -> String {
    format!(
        r#"{{"conversationId":"{ID}","shortId":"C-1","title":"t","createdAt":"2026-08-21T10:00:00Z","status":"open","visibility":"shared","mainUser":{{"userId":"u"}}}}"#
    )
}

/// Answers creates with 201 and an ETag, reads with the conversation or the list.
async fn server(etag: Option<&'static str>) -> Server {
    Server::start(move |request: &Received, _| match request.method.as_str() {
        "POST" => {
            let reply = Reply::json(201, format!(r#"{{"conversationId":"{ID}"}}"#));
            match etag {
                Some(etag) => reply.with_header("ETag", etag),
                None => reply,
            }
        }
        _ if request.target.starts_with("/v2/conversations/") => Reply::json(200, conversation_json()),
        _ => Reply::json(200, "[]"),
    })
    .await
}

fn client(server: &Server) -> Client {
    Client::builder().base_url(&server.url).token("t0ken").retry_policy(RetryPolicy::disabled()).build().unwrap()
}

fn body() -> mittwald_api_client::operations::conversation::CreateConversationRequestBody {
    mittwald_api_client::operations::conversation::CreateConversationRequestBody {
        title: Some("Printer on fire".into()),
        message_content: Some("Help!".into()),
        notification_roles: Some(vec![NotificationRole::ProjectOwner]),
        related_to: Some(RelatedAggregateReference::Project(RelatedAggregateReferenceProject {
            domain: "project".into(),
            id: "p-1".into(),
        })),
        ..Default::default()
    }
}

#[tokio::test]
async fn create_sends_the_json_body_and_decodes_201() {
    let server = server(None).await;
    let created = client(&server).conversation().create_conversation(body()).send().await.unwrap();
    assert_eq!(created.status, 201);
    assert_eq!(created.body.conversation_id.to_string(), ID);
    let request = &server.received()[0];
    assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/v2/conversations"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    let sent: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({
            "messageContent": "Help!",
            "notificationRoles": ["project_owner"],
            "relatedTo": {"aggregate": "project", "domain": "project", "id": "p-1"},
            "title": "Printer on fire"
        })
    );
}

#[tokio::test]
async fn get_puts_the_path_parameter_in_the_path() {
    let server = server(None).await;
    let id: uuid::Uuid = ID.parse().unwrap();
    let conversation = client(&server).conversation().get_conversation(id).send().await.unwrap();
    assert_eq!(conversation.body.short_id, "C-1");
    assert_eq!(server.received()[0].target, format!("/v2/conversations/{ID}"));
}

#[tokio::test]
async fn reads_after_a_write_wait_for_its_event() {
    let server = server(Some("\"event-42\"")).await;
    let client = client(&server);
    client.conversation().list_conversations().send().await.unwrap();
    client.conversation().create_conversation(body()).send().await.unwrap();
    client.conversation().list_conversations().send().await.unwrap();
    client.clone().conversation().get_conversation(ID.parse::<uuid::Uuid>().unwrap()).send().await.unwrap();
    let received = server.received();
    assert_eq!(received[0].header("if-event-reached"), None, "no write yet");
    assert_eq!(received[1].header("if-event-reached"), None, "writes do not carry it");
    assert_eq!(received[2].header("if-event-reached"), Some("\"event-42\""));
    assert_eq!(received[3].header("if-event-reached"), Some("\"event-42\""), "clones share it");
}

#[tokio::test]
async fn another_client_does_not_wait_for_this_clients_writes() {
    let server = server(Some("\"event-7\"")).await;
    client(&server).conversation().create_conversation(body()).send().await.unwrap();
    client(&server).conversation().list_conversations().send().await.unwrap();
    assert_eq!(server.received()[1].header("if-event-reached"), None);
}

#[tokio::test]
async fn a_failed_write_sets_no_event() {
    let server = Server::start(|request: &Received, _| match request.method.as_str() {
        "POST" => Reply::json(400, r#"{"type":"ValidationError","validationErrors":[]}"#).with_header("ETag", "\"x\""),
        _ => Reply::json(200, "[]"),
    })
    .await;
    let client = client(&server);
    let error = client.conversation().create_conversation(body()).send().await.unwrap_err();
    assert!(matches!(error.body(), Some(CreateConversationErrorBody::BadRequest(_))), "{error:?}");
    client.conversation().list_conversations().send().await.unwrap();
    assert_eq!(server.received()[1].header("if-event-reached"), None);
}

#[test]
fn with_deserialize_all_request_bodies_decode_too() {
    // A mock server can read what the client sends with the client's own types.
    let body: CreateConversationRequestBody =
        serde_json::from_str(r#"{"title":"Printer on fire","notificationRoles":["customer"]}"#)
            .expect("request bodies decode");
    assert_eq!(body.title.as_deref(), Some("Printer on fire"));
    assert_eq!(serde_json::to_value(&body).unwrap()["title"], "Printer on fire");
}
