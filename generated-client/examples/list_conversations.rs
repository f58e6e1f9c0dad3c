//! Lists your mittwald support conversations as a table.
//!
//! ```sh
//! MITTWALD_API_TOKEN=... cargo run -p mittwald-api-client --example list_conversations
//! ```
//!
//! `MITTWALD_BASE_URL` points it at another server, e.g. a local mock.

use mittwald_api_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("MITTWALD_API_TOKEN").map_err(|_| "set MITTWALD_API_TOKEN to an API token")?;
    let mut builder = Client::builder().token(token);
    if let Ok(base_url) = std::env::var("MITTWALD_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;

    let response = client.conversation().list_conversations().limit(20).send().await?;
    println!("{:<10} {:<12} {:<25} TITLE", "ID", "STATUS", "CREATED");
    for conversation in &response.body {
        println!(
            "{:<10} {:<12} {:<25} {}",
            conversation.short_id,
            conversation.status.as_str(),
            conversation.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            conversation.title,
        );
    }
    match response.headers()?.pagination_total_count {
        Some(total) => println!("{} shown, {total} in total", response.body.len()),
        None => println!("{} shown", response.body.len()),
    }
    Ok(())
}
