//! The `test-util` mock, as a program that uses the crate would test its own code with it: no
//! network, no port; typed answers per operation; the requests recorded.

use futures_util::TryStreamExt;
use mittwald_api_client::operations::conversation::{
    CreateConversation, CreateConversationRequestBody, GetConversation, ListConversations,
};
use mittwald_api_client::runtime::{Error, Mock, MockResponse};
use mittwald_api_client::types::Conversation;
use mittwald_api_client::Client;

/// The code under test: every conversation's title, across all pages.
async fn all_titles(client: &Client) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let conversations: Vec<Conversation> =
        client.conversation().list_conversations().limit(2).into_items().try_collect().await?;
    Ok(conversations.into_iter().map(|c| c.title).collect())
}

fn conversation(i: usize) -> Conversation {
    serde_json::from_value(tests::data::minimal_conversation(i)).unwrap()
}

#[tokio::test]
async fn a_function_that_pages_through_all_conversations_is_tested_against_the_mock() {
    let all: Vec<Conversation> = (0..5).map(conversation).collect();
    let mock = Mock::new();
    mock.respond_with(ListConversations::OPERATION_ID, move |request| {
        let skip: usize = request.query_param("skip").and_then(|s| s.parse().ok()).unwrap_or(0);
        let limit: usize = request.query_param("limit").and_then(|s| s.parse().ok()).unwrap_or(100);
        let page: Vec<&Conversation> = all.iter().skip(skip).take(limit).collect();
        MockResponse::json(200, &page).header("X-Pagination-TotalCount", 5)
    });
    let client = Client::builder().token("test-token").mock(mock.clone()).build().unwrap();

    let titles = all_titles(&client).await.unwrap();

    assert_eq!(titles, (0..5).map(|i| format!("Conversation {i}")).collect::<Vec<_>>());
    let skips: Vec<Option<String>> = mock.requests().iter().map(|r| r.query_param("skip")).collect();
    assert_eq!(skips, [None, Some("2".to_owned()), Some("4".to_owned())], "the first page from the request's own skip");
    assert!(mock.requests().iter().all(|r| r.query_param("limit").as_deref() == Some("2")));
    assert_eq!(mock.requests()[0].headers["x-access-token"], "test-token");
}

#[tokio::test]
async fn typed_errors_and_typed_request_bodies() {
    let mock = Mock::new();
    mock.respond(
        GetConversation::OPERATION_ID,
        MockResponse::json(404, &serde_json::json!({"message": "gone", "type": "NotFound"})),
    )
    .respond(
        CreateConversation::OPERATION_ID,
        MockResponse::json(201, &serde_json::json!({"conversationId": "3f1b6a52-8a43-4b8e-9d0c-000000000009"})),
    );
    let client = Client::builder().token("t").mock(mock.clone()).build().unwrap();

    let id = uuid::Uuid::nil();
    let error = client.conversation().get_conversation(id).send().await.unwrap_err();
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.status, 404);

    let body = CreateConversationRequestBody { title: Some("printer".into()), ..Default::default() };
    client.conversation().create_conversation(body.clone()).send().await.unwrap();
    let created = &mock.requests_of(CreateConversation::OPERATION_ID)[0];
    assert_eq!(created.method, "POST");
    assert_eq!(created.json::<CreateConversationRequestBody>().unwrap(), body);

    // An operation the test set no answer for is a 501 of that operation, not a hang.
    let error = client.conversation().list_conversations().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(501));
}
