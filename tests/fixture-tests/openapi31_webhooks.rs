//! Run by `.ci/run` inside the crate generated from `tests/fixtures/openapi31.yaml`: a user's
//! HTTP server decodes incoming webhook requests into typed values.

use fixture_openapi31::types::{Kind, Pet};
use fixture_openapi31::runtime::Nullable;
use fixture_openapi31::webhooks::Webhook;

/// What a server's handler does with a request: the webhook's name (from its route or a
/// header, as the user configured it) and the raw body.
fn handle(name: &str, body: &[u8]) -> Result<Option<Webhook>, String> {
    Webhook::decode(name, body).map_err(|e| e.to_string())
}

#[test]
fn a_new_pet_webhook_decodes_into_its_payload_type() {
    let body = br#"{"id":"0b0c9b2c-38f1-4a0e-8f55-2cf2b1cbe4a1","name":"Rex","kind":{"type":"dog","barks":3},"position":[1.5,2,"yard"],"nickname":null}"#;
    let Some(Webhook::NewPet(pet)) = handle("newPet", body).unwrap() else { panic!("not a newPet") };
    let pet: Pet = pet;
    assert_eq!(pet.name, "Rex");
    assert!(matches!(pet.kind, Kind::Dog(ref dog) if dog.barks == 3));
    assert_eq!(pet.position, Some((1.5, 2.0, "yard".to_owned())));
    // `null` and absent are told apart.
    assert_eq!(pet.nickname, Nullable::Null);
    assert_eq!(Webhook::NewPet(pet).name(), "newPet");
}

#[test]
fn the_other_webhook_and_unknown_names() {
    let body = br#"{"id":"0b0c9b2c-38f1-4a0e-8f55-2cf2b1cbe4a1","reason":null}"#;
    let Some(Webhook::PetGone(gone)) = handle("petGone", body).unwrap() else { panic!("not a petGone") };
    assert_eq!(gone.reason, Nullable::Null);
    assert_eq!(handle("somethingElse", body).unwrap(), None);
    assert_eq!(Webhook::NAMES, ["newPet", "petGone"]);
}

#[test]
fn a_bad_body_names_the_path_of_the_bad_value() {
    let body = br#"{"id":"0b0c9b2c-38f1-4a0e-8f55-2cf2b1cbe4a1","name":"Rex","kind":{"type":"dog","barks":"loud"}}"#;
    let error = handle("newPet", body).unwrap_err();
    assert!(error.contains("kind.barks"), "{error}");
}
