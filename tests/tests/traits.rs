//! What programs need from the client's types, checked at compile time: errors that go into
//! `Box<dyn Error + Send + Sync>` and `anyhow`, futures and streams that `tokio::spawn` accepts,
//! and a client that can be shared between tasks.

use mittwald_api_client::operations::conversation::{
    CreateConversationError, ListConversationsError, ListConversationsResponse,
};
use mittwald_api_client::runtime::{decode_json, JsonError};
use mittwald_api_client::types::Conversation;
use mittwald_api_client::Client;

fn is_send_sync_static<T: Send + Sync + 'static>() {}
fn is_error<T: std::error::Error + Send + Sync + 'static>() {}
fn is_send<T: Send>(_: &T) {}

#[test]
fn errors_responses_and_the_client_cross_threads() {
    is_error::<ListConversationsError>();
    is_error::<CreateConversationError>();
    is_error::<JsonError>();
    is_send_sync_static::<ListConversationsResponse>();
    is_send_sync_static::<Conversation>();
    is_send_sync_static::<Client>();
    // The error converts into the usual boxed error with `?`.
    let boxed: Box<dyn std::error::Error + Send + Sync> =
        Box::new(decode_json::<Conversation>(b"{}").expect_err("an empty object is not a conversation"));
    assert!(boxed.to_string().contains("missing field"), "{boxed}");
}

#[test]
fn requests_are_send_futures() {
    let client = Client::builder().token("t").base_url("http://127.0.0.1:9").build().unwrap();
    let list = client.conversation().list_conversations();
    is_send(&list.clone().send());
    is_send(&list.clone().into_pages());
    is_send(&list.into_items());
}
