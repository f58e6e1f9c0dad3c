//! A program whose API client is generated at build time (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/api.rs"));

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The program's TLS cryptography (see Cargo.toml): reqwest's rustls uses the default provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let base_url = std::env::var("PETSTORE_URL").unwrap_or_else(|_| api::DEFAULT_BASE_URL.to_owned());
    let client = api::Client::builder().base_url(base_url).token(std::env::var("PETSTORE_KEY")?).build()?;
    for pet in client.pets().list_pets().limit(10).send().await?.body {
        println!("{} {}", pet.id, pet.name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn the_generated_module_calls_a_loopback_server() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut head = vec![0u8; 4096];
            let read = stream.read(&mut head).await.unwrap();
            let body = r#"[{"id":1,"name":"Rex","status":"available"}]"#;
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(answer.as_bytes()).await.unwrap();
            String::from_utf8_lossy(&head[..read]).into_owned()
        });
        // As `main` does: reqwest's rustls without a provider refuses to build a client.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = super::api::Client::builder().base_url(url).token("key-1").build().unwrap();
        let pets = client.pets().list_pets().limit(1).send().await.unwrap().body;
        assert_eq!(pets[0].name, "Rex");
        assert_eq!(pets[0].status, Some(super::api::types::PetStatus::Available));
        let request = server.await.unwrap().to_ascii_lowercase();
        assert!(request.starts_with("get /pets?limit=1 "), "{request}");
        assert!(request.contains("api_key: key-1"), "{request}");
    }
}
