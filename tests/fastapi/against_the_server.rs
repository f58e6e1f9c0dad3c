//! Run by `.ci/run` inside the crate generated from the FastAPI app's own `/openapi.json`
//! (`tests/fastapi/app.py`, served by uvicorn; `FASTAPI_URL` names it): the OAuth2 password flow
//! with FastAPI's relative `tokenUrl` and no `servers`, a discriminated union, a PATCH that
//! clears a field with `null` while leaving the others, and a file upload. The server checks
//! each on its side: a wrong password or token is refused, the PATCH changes only what is sent,
//! the upload's size is what arrived.

use pets_client::runtime::{FilePart, Nullable, OAuth2, Upload};
use pets_client::types::{Dog, PetCreate, PetDetails, PetUpdate, UploadFileBody};
use pets_client::{BuildError, Client};

fn url() -> String {
    std::env::var("FASTAPI_URL").expect("FASTAPI_URL names the running app")
}

fn client(password: &str) -> Client {
    // The token URL is the spec's (`token`, relative): resolved against the base URL.
    let oauth = OAuth2::password("pets-cli", "ann", password).build().expect("the password flow");
    Client::builder().base_url(url()).oauth2(oauth).build().expect("a client")
}

#[tokio::test]
async fn a_client_of_the_fastapi_app() {
    // No servers in the spec: no base URL is an error that says so.
    let error = Client::builder().token("t").build().unwrap_err();
    assert!(matches!(error, BuildError::NoBaseUrl), "{error}");

    // A wrong password: the token endpoint refuses, and the call fails with that.
    let refused = client("wrong").pets().list_pets().send().await.unwrap_err().to_string();
    assert!(refused.contains("400") || refused.contains("token"), "{refused}");

    let client = client("secret");
    let dog = Dog { good: Some(true), ..Default::default() };
    // FastAPI writes the `Cat | Dog` union in `Pet` and again in `PetCreate`: one type, so a
    // pet's details go into a new pet as they are.
    let created = client
        .pets()
        .create_pet(PetCreate { name: "Rex".into(), nickname: Nullable::Value("Rexy".into()), details: PetDetails::from(dog) })
        .send()
        .await
        .expect("create")
        .into_body();
    assert!(matches!(created.details, PetDetails::Dog(ref dog) if dog.good == Some(true)), "{created:?}");
    let twin = PetCreate { name: "Rex II".into(), nickname: Nullable::Absent, details: created.details.clone() };
    let twin = client.pets().create_pet(twin).send().await.expect("create the twin").into_body();
    assert_eq!(twin.details, created.details);
    assert_eq!(created.nickname, Nullable::Value("Rexy".to_owned()));

    // PATCH {"nickname": null}: the nickname is cleared, the name (absent) stays.
    let patched = client
        .pets()
        .update_pet(created.id, PetUpdate { nickname: Nullable::Null, ..Default::default() })
        .send()
        .await
        .expect("patch")
        .into_body();
    assert_eq!(patched.nickname, Nullable::Null);
    assert_eq!(patched.name, "Rex");
    let fetched = client.pets().get_pet(created.id).send().await.expect("get").into_body();
    assert_eq!((fetched.name.as_str(), fetched.nickname.clone()), ("Rex", Nullable::Null));

    let listed = client.pets().list_pets().limit(5).send().await.expect("list").into_body();
    assert!(listed.iter().any(|pet| pet.id == created.id));

    let bytes = vec![7u8; 300_000];
    let file = FilePart::new(Upload::bytes(bytes)).file_name("photo.bin");
    let uploaded = client.files().upload_file(UploadFileBody { file }).send().await.expect("upload").into_body();
    assert_eq!(uploaded.get("size"), Some(&300_000));
}
