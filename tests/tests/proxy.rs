//! A system proxy (`HTTP_PROXY`) never sees a request to a plain-http base URL: the proxy would
//! read the credential in clear text. Its own test binary, since it sets process environment.

use mittwald_api_client::{Client, RetryPolicy};
use tests::server::{Reply, Server};

const TOKEN: &str = "tok-proxy-5a4b3c2d1e";

#[tokio::test]
async fn a_system_proxy_is_not_used_for_plain_http() {
    let proxy = Server::start_on("127.0.0.2", |_, _| Reply::json(200, "[]")).await;
    let api = Server::start(|_, _| Reply::json(200, "[]")).await;
    for variable in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        // Safety: this test binary has no other test, and no thread reads the environment yet.
        std::env::set_var(variable, &proxy.url);
    }
    for variable in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(variable);
    }
    for base_url in [api.url.clone(), api.url.replace("127.0.0.1", "localhost")] {
        let client =
            Client::builder().base_url(&base_url).token(TOKEN).retry_policy(RetryPolicy::disabled()).build().unwrap();
        client.conversation().list_conversations().send().await.unwrap();
    }
    // `allow_insecure_http` does not change that: the opt-in is for the API's host, not a proxy.
    let client = Client::builder()
        .base_url(&api.url)
        .token(TOKEN)
        .allow_insecure_http()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    client.conversation().list_conversations().send().await.unwrap();

    assert!(proxy.received().is_empty(), "the proxy saw: {:?}", proxy.received());
    assert_eq!(api.received().len(), 3);
    assert!(api.received().iter().all(|request| request.header("x-access-token") == Some(TOKEN)));
}
