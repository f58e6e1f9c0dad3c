//! The newcomer's program of the README's "First run": calls the API through the client that
//! `openapi-rust-gen generate petstore.yaml -o petstore-client` wrote. CI builds it in an empty
//! directory against a loopback server that this program starts itself.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A stand-in for the real server: answers one `GET /pets` on loopback.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base_url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("a connection");
        let mut request = vec![0u8; 4096];
        let _ = stream.read(&mut request).await;
        let body = r#"[{"id":1,"name":"Rex","status":"available"},{"id":2,"name":"Tom"}]"#;
        let answer = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len());
        let _ = stream.write_all(answer.as_bytes()).await;
    });

    let client = petstore_client::Client::builder().base_url(base_url).token("my-api-key").build()?;
    let pets = client.pets().list_pets().limit(10).send().await?.body;
    for pet in &pets {
        println!("pet {} is {} ({:?})", pet.id, pet.name, pet.status);
    }
    println!("{} pets", pets.len());
    Ok(())
}
