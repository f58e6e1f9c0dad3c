//! Contract tests against Stoplight Prism mocking `specs/mittwald-conversations.yaml`: the
//! independent check that our spec, our client and the OpenAPI rules agree.
//!
//! They need two running Prism servers, so `cargo test` skips them (`#[ignore]`); `.ci/run`
//! starts Prism and runs them with `--ignored`, and fails if they fail or do not run.
//! `PRISM_URL` is a static mock (`prism mock`), `PRISM_DYNAMIC_URL` a dynamic one
//! (`prism mock --dynamic`).

use std::collections::BTreeSet;

use mittwald_api_client::operations::conversation::{ListConversationsErrorBody, ListConversationsStatus};
use mittwald_api_client::runtime::Auth;
use mittwald_api_client::types::RelatedAggregateReference;
use mittwald_api_client::{Client, RetryPolicy};

const TOKEN: &str = "prism-test-token";

fn url(variable: &str) -> String {
    std::env::var(variable).unwrap_or_else(|_| panic!("{variable} is not set: start Prism as .ci/run does"))
}

fn client(variable: &str) -> Client {
    Client::builder().base_url(url(variable)).token(TOKEN).retry_policy(RetryPolicy::disabled()).build().unwrap()
}

#[tokio::test]
#[ignore = "needs Prism; run by .ci/run"]
async fn without_a_token_prism_answers_401() {
    let client = Client::builder().base_url(url("PRISM_URL")).auth(Auth::None).build().unwrap();
    let error = client.conversation().list_conversations().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error}");
}

#[tokio::test]
#[ignore = "needs Prism; run by .ci/run"]
async fn a_valid_call_decodes_with_typed_headers() {
    let response = client("PRISM_URL")
        .conversation()
        .list_conversations()
        .full_text_search("printer \"on fire\"")
        .status([ListConversationsStatus::Open, ListConversationsStatus::Closed])
        .limit(10)
        .skip(0)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let headers = response.headers().unwrap();
    assert!(headers.pagination_limit.is_some() && headers.pagination_skip.is_some());
    assert!(headers.pagination_page.is_some() && headers.pagination_total_count.is_some());
}

#[tokio::test]
#[ignore = "needs Prism; run by .ci/run"]
async fn prism_rejects_what_the_spec_forbids() {
    // `limit` has minimum 0: Prism validates the request against the spec.
    let error = client("PRISM_URL").conversation().list_conversations().limit(-1).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422), "{error}");
}

#[tokio::test]
#[ignore = "needs Prism; run by .ci/run"]
async fn prefer_429_gives_a_rate_limit_error() {
    let client = Client::builder()
        .base_url(url("PRISM_URL"))
        .token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .default_header("prefer".parse().unwrap(), "code=429".parse().unwrap())
        .build()
        .unwrap();
    let error = client.conversation().list_conversations().send().await.unwrap_err();
    assert!(error.body().is_some_and(ListConversationsErrorBody::is_too_many_requests), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
#[ignore = "needs Prism; run by .ci/run"]
async fn dynamic_responses_always_decode() {
    let client = client("PRISM_DYNAMIC_URL");
    let (mut conversations, mut failures, mut related) = (0, Vec::new(), BTreeSet::new());
    for call in 0..250 {
        match client.conversation().list_conversations().send().await {
            Ok(response) => {
                if let Err(error) = response.headers() {
                    failures.push(format!("call {call}: {error}"));
                }
                conversations += response.body.len();
                for conversation in &response.body {
                    if let Some(reference) = &conversation.related_to {
                        related.insert(match reference {
                            RelatedAggregateReference::Unknown(_) => "unknown".to_owned(),
                            known => {
                                serde_json::to_value(known).unwrap()["aggregate"].as_str().unwrap_or("").to_owned()
                            }
                        });
                    }
                }
            }
            Err(error) => failures.push(format!("call {call}: {error}")),
        }
    }
    assert_eq!(failures, Vec::<String>::new());
    println!("250 dynamic calls, {conversations} conversations, relatedTo alternatives seen: {related:?}");
    assert!(conversations > 0);
}
