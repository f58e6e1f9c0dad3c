//! Run by `.ci/run` inside the crate generated from `tests/fixtures/body_pages.yaml`: pages whose
//! body holds the items and the total stop at the total (no extra request when it is a multiple
//! of the limit), and on a short page when no total is declared.

use fixture_body_pages::operations::things::{ListOthers, ListThings};
use fixture_body_pages::runtime::{Mock, MockResponse};
use fixture_body_pages::types::Thing;
use fixture_body_pages::Client;
use futures_util::{StreamExt, TryStreamExt};

fn offsets(mock: &Mock, operation_id: &str, name: &str) -> Vec<Option<String>> {
    mock.requests_of(operation_id).iter().map(|r| r.query_param(name)).collect()
}

#[tokio::test]
async fn paging_stops_at_the_total_in_the_body() {
    let mock = Mock::new();
    mock.respond_with(ListThings::OPERATION_ID, |request| {
        let offset: i64 = request.query_param("offset").and_then(|s| s.parse().ok()).unwrap_or(0);
        let limit: i64 = request.query_param("limit").and_then(|s| s.parse().ok()).unwrap_or(50);
        let items: Vec<serde_json::Value> =
            (offset..(offset + limit).min(4)).map(|id| serde_json::json!({"id": id})).collect();
        MockResponse::json(200, &serde_json::json!({"items": items, "total": 4, "limit": limit, "offset": offset}))
    });
    let client = Client::builder().token("t").mock(mock.clone()).build().unwrap();
    let things: Vec<Thing> = client.things().list_things().limit(2).into_items().try_collect().await.unwrap();
    assert_eq!(things.iter().map(|t| t.id).collect::<Vec<_>>(), [0, 1, 2, 3]);
    // Four in all, two per page: two requests, not a third for an empty page.
    assert_eq!(offsets(&mock, ListThings::OPERATION_ID, "offset"), [None, Some("2".to_owned())]);
    // The pages keep their whole body.
    let pages: Vec<_> = client.things().list_things().limit(3).into_pages().collect().await;
    let pages: Vec<_> = pages.into_iter().map(Result::unwrap).collect();
    assert_eq!((pages.len(), pages[1].body.items.len(), pages[1].body.total), (2, 1, 4));
}

#[tokio::test]
async fn without_a_total_a_short_page_is_the_last() {
    let mock = Mock::new();
    mock.respond_with(ListOthers::OPERATION_ID, |request| {
        let skip: usize = request.query_param("skip").and_then(|s| s.parse().ok()).unwrap_or(0);
        let data: Vec<String> = (skip..(skip + 2).min(5)).map(|i| format!("other {i}")).collect();
        MockResponse::json(200, &serde_json::json!({ "data": data }))
    });
    let client = Client::builder().token("t").mock(mock.clone()).build().unwrap();
    let others: Vec<String> = client.things().list_others().limit(2).into_items().try_collect().await.unwrap();
    assert_eq!(others.len(), 5);
    assert_eq!(offsets(&mock, ListOthers::OPERATION_ID, "skip").len(), 3, "2 + 2 + 1: the short page ends it");
}
