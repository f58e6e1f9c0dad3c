//! Run by `.ci/run` inside the crate generated from `tests/fixtures/spec_bugs.yaml`: what each
//! warning says was generated is what the crate does, value by value.

use fixture_spec_bugs::types::{Domain, DomainExpiry};
use fixture_spec_bugs::webhooks::Webhook;
use fixture_spec_bugs::Client;

fn domain(json: &str) -> Domain {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

#[test]
fn a_type_list_beside_a_one_of_decodes_every_alternative() {
    // `type: [integer, string]` beside `oneOf: [integer, date-time string]`: no warning, the union.
    let number = domain(r#"{"id":"a","name":"b","expiry":42}"#);
    assert_eq!(number.expiry, Some(DomainExpiry::Integer(42)));
    let date = domain(r#"{"id":"a","name":"b","expiry":"2026-12-02T10:00:00Z"}"#);
    assert!(matches!(date.expiry, Some(DomainExpiry::DateTime(_))));
}

#[test]
fn ignored_keywords_do_not_check_values() {
    // keyword-value-type (`pattern: 0`) and keyword-for-other-type (`uniqueItems` on a string):
    // the keyword ignored, the declared type kept.
    let value = domain(r#"{"id":"a","name":"b","code":"anything at all","tags":"one string"}"#);
    assert_eq!(value.code.as_deref(), Some("anything at all"));
    assert_eq!(value.tags.as_deref(), Some("one string"));
    assert!(serde_json::from_str::<Domain>(r#"{"id":"a","name":"b","tags":["a list"]}"#).is_err());
}

#[test]
fn a_dangling_ref_is_any_value_and_other_tolerated_shapes_decode() {
    let value = domain(
        r#"{"id":"a","name":"b","anything":{"x":[1,null]},"level":7,"union":{"a":"s","c":true},"ghost":1}"#,
    );
    // dangling-ref: any JSON value.
    assert_eq!(value.anything, Some(serde_json::json!({"x": [1, null]})));
    // enum-values-type: the declared type, the values not checked.
    assert_eq!(value.level, Some(7));
    // all-of-union: one struct, the alternatives' properties optional.
    let union = value.union.expect("union");
    assert_eq!((union.a.as_deref(), union.b, union.c), (Some("s"), None, Some(true)));
    // undefined-required-property: `ghost` is not a field; a body without it decodes.
    assert!(serde_json::from_str::<Domain>(r#"{"id":"a","name":"b"}"#).is_ok());
}

#[test]
fn annotated_and_refined_primitive_refs_are_the_referenced_type() {
    let value = domain(r#"{"id":"the-id","name":"the-name","owner":"someone"}"#);
    let id: String = value.id;
    let name: String = value.name;
    assert_eq!((id.as_str(), name.as_str(), value.owner.as_deref()), ("the-id", "the-name", Some("someone")));
}

#[test]
fn a_ref_d_callback_decodes_its_payload() {
    let Some(Webhook::Uploaded(payload)) = Webhook::decode("uploaded", br#"{"id":"x","name":"y"}"#).unwrap() else {
        panic!("not the uploaded callback")
    };
    assert_eq!(payload.id, "x");
    assert!(Webhook::decode("uploaded", br#"{"id":1}"#).unwrap_err().to_string().contains("id"));
}

#[test]
fn raw_bodies_and_undeclared_path_parameters_are_sent_as_the_warnings_say() {
    let client = Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
    // An undeclared `{page}`: a required String path parameter, percent-encoded.
    let search = client.search().search("rust lang", "2").request();
    assert_eq!(search.path_and_query(), "/search/rust%20lang?page=2");
    // A body without media type: raw bytes, `application/octet-stream`.
    let raw = client.files().put_raw().body(&b"\x00\x01"[..]).request().unwrap();
    assert_eq!(raw.method(), "PUT");
    // A string form body: raw bytes of the form's media type.
    let form = client.files().upload().body("a=1&b=2").request().unwrap();
    assert_eq!(form.path_and_query(), "/upload");
}
