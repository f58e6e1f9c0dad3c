//! The generated types decode realistic JSON, keep what they do not know, and reject what the
//! spec forbids.

use mittwald_api_client::runtime::decode_json;
use mittwald_api_client::types::{
    Conversation, ConversationVisibility, NotificationRole, RelatedAggregateReference, ShareableAggregateReference,
    Status,
};
use serde_json::{json, Value};
use tests::root;

fn sample() -> Value {
    let text = std::fs::read_to_string(root().join("tests/data/conversations.json")).expect("read the sample");
    serde_json::from_str(&text).expect("the sample is JSON")
}

fn decode(value: Value) -> Result<Conversation, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

fn minimal() -> Value {
    json!({
        "conversationId": "3f1b6a52-8a43-4b8e-9d0c-000000000001",
        "shortId": "CONV-1",
        "title": "Hello",
        "createdAt": "2026-08-21T10:00:00Z",
        "status": "open",
        "visibility": "private",
        "mainUser": {"userId": "u-1"}
    })
}

#[test]
fn every_related_to_and_shared_with_alternative_decodes() {
    let conversations: Vec<Conversation> = serde_json::from_value(sample()).expect("the sample decodes");
    let related: Vec<&str> = conversations
        .iter()
        .map(|c| match c.related_to.as_ref().expect("every sample has relatedTo") {
            RelatedAggregateReference::User(r) => {
                assert_eq!(r.id, "rel-0");
                "user"
            }
            RelatedAggregateReference::Customer(_) => "customer",
            RelatedAggregateReference::Project(_) => "project",
            RelatedAggregateReference::Appinstallation(r) => {
                assert_eq!(r.domain.as_str(), "app");
                "appinstallation"
            }
            RelatedAggregateReference::Placementgroup(r) => {
                assert_eq!(r.domain.as_str(), "project");
                "placementgroup"
            }
            RelatedAggregateReference::ExtensionInstance(_) => "extensionInstance",
            RelatedAggregateReference::Container(_) => "container",
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        related,
        ["user", "customer", "project", "appinstallation", "placementgroup", "extensionInstance", "container"]
    );
    let shared: Vec<&str> = conversations
        .iter()
        .filter_map(|c| c.shared_with.as_ref())
        .map(|s| match s {
            ShareableAggregateReference::User(_) => "user",
            ShareableAggregateReference::Customer(_) => "customer",
            ShareableAggregateReference::Project(_) => "project",
            ShareableAggregateReference::Placementgroup(_) => "placementgroup",
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(shared, ["user", "customer", "project", "placementgroup"]);
}

#[test]
fn round_trip_gives_back_the_same_json() {
    let original = sample();
    let conversations: Vec<Conversation> = serde_json::from_value(original.clone()).expect("decodes");
    let encoded = serde_json::to_value(&conversations).expect("encodes");
    assert_eq!(encoded, original);
}

#[test]
fn optional_fields_may_be_absent_and_are_not_sent() {
    let conversation = decode(minimal()).expect("the minimal conversation decodes");
    assert_eq!(conversation.category, None);
    assert_eq!(conversation.related_to, None);
    assert_eq!(conversation.last_message, None);
    assert_eq!(conversation.status, Status::Open);
    assert_eq!(conversation.visibility, ConversationVisibility::Private);
    assert_eq!(serde_json::to_value(&conversation).unwrap(), minimal());
}

#[test]
fn unknown_enum_values_decode_and_encode_unchanged() {
    let mut value = minimal();
    value["status"] = json!("escalated");
    value["notificationRoles"] = json!(["customer_owner", "project_auditor"]);
    let conversation = decode(value.clone()).expect("unknown values decode");
    assert_eq!(conversation.status, Status::Unknown("escalated".into()));
    assert_eq!(conversation.status.as_str(), "escalated");
    assert_eq!(
        conversation.notification_roles,
        Some(vec![NotificationRole::CustomerOwner, NotificationRole::Unknown("project_auditor".into())])
    );
    assert_eq!(serde_json::to_value(&conversation).unwrap(), value);
}

#[test]
fn unknown_union_alternatives_decode_and_encode_unchanged() {
    let mut value = minimal();
    value["relatedTo"] = json!({"aggregate": "server", "domain": "infra", "id": "s-1", "extra": [1, 2]});
    let conversation = decode(value.clone()).expect("an unknown alternative decodes");
    assert!(matches!(conversation.related_to, Some(RelatedAggregateReference::Unknown(_))));
    assert_eq!(serde_json::to_value(&conversation).unwrap(), value);
}

#[test]
fn unknown_fields_are_ignored() {
    let mut value = minimal();
    value["brandNewField"] = json!({"nested": true});
    value["mainUser"]["department"] = json!("support");
    let conversation = decode(value).expect("unknown fields are ignored");
    assert_eq!(conversation.main_user.user_id, "u-1");
}

#[test]
fn a_missing_required_field_fails() {
    let mut value = minimal();
    value.as_object_mut().unwrap().remove("shortId");
    assert_eq!(decode(value).unwrap_err(), "missing field `shortId`");
}

#[test]
fn a_wrong_type_fails() {
    let mut value = minimal();
    value["title"] = json!(42);
    assert!(decode(value).unwrap_err().starts_with("invalid type: integer `42`, expected a string"));
    let mut value = minimal();
    value["conversationId"] = json!("not-a-uuid");
    assert!(decode(value).unwrap_err().contains("UUID"));
    let mut value = minimal();
    value["createdAt"] = json!("yesterday");
    assert!(decode(value).is_err());
}

#[test]
fn a_known_alternative_with_a_missing_field_fails() {
    let mut value = minimal();
    value["relatedTo"] = json!({"aggregate": "project", "domain": "project"});
    assert_eq!(decode(value).unwrap_err(), "missing field `id`");
    let mut value = minimal();
    value["sharedWith"] = json!({"domain": "project", "id": "x"});
    assert_eq!(decode(value).unwrap_err(), "missing field `aggregate`");
}

#[test]
fn ten_thousand_generated_conversations_decode_and_round_trip() {
    let data = tests::data::conversations(42, 10_000);
    let decoded: Vec<Conversation> = serde_json::from_value(data.clone()).expect("the benchmark data is schema-valid");
    assert_eq!(decoded.len(), 10_000);
    let related: std::collections::BTreeSet<String> = decoded
        .iter()
        .filter_map(|c| c.related_to.as_ref())
        .map(|r| serde_json::to_value(r).unwrap()["aggregate"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(related.len(), 7);
    assert!(decoded.iter().any(|c| c.category.is_none()) && decoded.iter().any(|c| c.category.is_some()));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), data);
}

#[test]
fn a_tag_that_is_not_the_first_member_still_selects_the_variant() {
    // Decoding from text keeps member order; the tag comes last here.
    let mut value = minimal();
    value["relatedTo"] = json!("placeholder");
    let text = serde_json::to_string(&value)
        .unwrap()
        .replace(r#""placeholder""#, r#"{"id":"p-1","domain":"project","aggregate":"project"}"#);
    let conversation: Conversation = serde_json::from_str(&text).expect("the tag may come anywhere");
    let Some(RelatedAggregateReference::Project(project)) = &conversation.related_to else {
        panic!("{:?}", conversation.related_to)
    };
    assert_eq!(project.id, "p-1");
    let unknown = text.replace(r#""aggregate":"project""#, r#""aggregate":"server""#);
    let conversation: Conversation = serde_json::from_str(&unknown).expect("an unknown tag anywhere decodes");
    let Some(RelatedAggregateReference::Unknown(kept)) = &conversation.related_to else {
        panic!("{:?}", conversation.related_to)
    };
    assert_eq!(kept, &json!({"aggregate": "server", "domain": "project", "id": "p-1"}));
}

#[test]
fn a_tag_that_is_not_a_string_fails() {
    for (related_to, expected) in [
        (r#"{"aggregate":7,"id":"x"}"#, "invalid type: integer `7`, expected a string"),
        (r#"{"id":"x","aggregate":7}"#, "invalid type: a number, expected a string tag"),
        (r#""project""#, "expected an object with a string `aggregate`"),
    ] {
        let text = format!(r#"{{"relatedTo":{related_to}}}"#);
        let error = serde_json::from_str::<Conversation>(&text).unwrap_err().to_string();
        assert!(error.contains(expected), "{related_to}: {error}");
    }
}

#[test]
fn an_error_inside_a_variant_names_its_full_path() {
    let mut value = minimal();
    value["relatedTo"] = json!({"aggregate": "project", "domain": "project", "id": 5});
    let text = serde_json::to_string(&json!([minimal(), value])).unwrap();
    let error = decode_json::<Vec<Conversation>>(text.as_bytes()).unwrap_err();
    assert_eq!(error.path, "[1].relatedTo.id");
    assert!(error.message.starts_with("invalid type: integer `5`, expected a string"), "{error}");
}

#[test]
fn decode_json_decodes_like_serde_json_and_names_what_is_wrong() {
    let text = serde_json::to_string(&json!([minimal(), minimal()])).unwrap();
    let decoded: Vec<Conversation> = decode_json(text.as_bytes()).expect("valid JSON decodes");
    assert_eq!(decoded, serde_json::from_str::<Vec<Conversation>>(&text).unwrap());
    let error = decode_json::<Vec<Conversation>>(format!("{text} []").as_bytes()).unwrap_err();
    assert_eq!(error.path, ".");
    assert!(error.message.starts_with("trailing characters"), "{error}");
    let mut bytes = text.clone().into_bytes();
    let at = text.find("Hello").unwrap();
    bytes[at] = 0xff;
    let error = decode_json::<Vec<Conversation>>(&bytes).unwrap_err();
    assert_eq!(error.path, ".");
    assert!(
        error.message.starts_with("the body is not UTF-8: invalid utf-8 sequence of 1 bytes from index"),
        "{error}"
    );
    let error = decode_json::<Vec<Conversation>>(br#"[{"shortId": }]"#).unwrap_err();
    assert_eq!(error.path, "[0].shortId");
    assert!(error.message.starts_with("expected value at line 1 column 14"), "{error}");
}

#[test]
fn date_times_decode_as_rfc_3339_in_utc() {
    let mut value = minimal();
    value["createdAt"] = json!("2026-08-21T12:00:00.250+02:00");
    value["lastMessageAt"] = Value::Null;
    let conversation = decode(value).expect("an offset date-time decodes");
    assert_eq!(conversation.created_at.to_rfc3339(), "2026-08-21T10:00:00.250+00:00");
    assert_eq!(conversation.last_message_at, None);
    let mut value = minimal();
    value["lastMessageAt"] = json!("2026-08-21T10:00:00Z");
    assert!(decode(value).unwrap().last_message_at.is_some());
    for bad in ["yesterday", "2026-08-21", "2026-08-21T10:00:00", "2026-13-01T00:00:00Z"] {
        let mut value = minimal();
        value["lastMessageAt"] = json!(bad);
        let error = decode(value).unwrap_err();
        assert!(error.starts_with(&format!("invalid RFC 3339 date-time {bad:?}")), "{bad}: {error}");
    }
}

/// `value` as JSON text with the members of every object in a seeded random order.
fn shuffled_text(value: &Value, rng: &mut tests::data::Rng, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            for i in (1..members.len()).rev() {
                members.swap(i, rng.below(i + 1));
            }
            out.push('{');
            for (i, (key, member)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key).unwrap());
                out.push(':');
                shuffled_text(member, rng, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                shuffled_text(item, rng, out);
            }
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).unwrap()),
    }
}

#[test]
fn member_order_does_not_matter_for_any_type() {
    // Tagged unions take a one-pass path when the tag comes first and a buffered one otherwise:
    // both must give the same values, for every alternative.
    let data = tests::data::conversations(7, 2_000);
    let expected: Vec<Conversation> = serde_json::from_value(data.clone()).unwrap();
    let mut rng = tests::data::Rng(99);
    let mut text = String::new();
    shuffled_text(&data, &mut rng, &mut text);
    let decoded: Vec<Conversation> = decode_json(text.as_bytes()).expect("shuffled members decode");
    assert_eq!(decoded, expected);
    let tag_not_first = text.matches(r#","aggregate":"#).count();
    assert!(tag_not_first > 500, "the shuffle must put tags after other members often: {tag_not_first}");
}

/// The structs decode through one generic object visitor in the runtime (not serde's derive):
/// the edges the derive handled must hold there too.
#[test]
fn a_member_given_twice_fails_like_serde_derive() {
    let text = minimal().to_string().replacen('{', r#"{"title":"first","#, 1);
    let error = serde_json::from_str::<Conversation>(&text).unwrap_err().to_string();
    assert!(error.starts_with("duplicate field `title`"), "{error}");
    let error = decode_json::<Conversation>(text.as_bytes()).unwrap_err();
    assert!(error.message.starts_with("duplicate field `title`"), "{}", error.message);
}

#[test]
fn escaped_member_names_decode_like_plain_ones() {
    // `I` written as an escape: serde_json hands such a name over as a transient string.
    let text = minimal().to_string().replace("\"conversationId\"", r#""conversation\u0049d""#);
    assert!(text.contains(r"\u0049"));
    let conversation: Conversation = serde_json::from_str(&text).expect("decodes");
    assert_eq!(conversation.conversation_id.to_string(), "3f1b6a52-8a43-4b8e-9d0c-000000000001");
}

#[test]
fn null_optional_fields_are_none_and_null_required_ones_fail() {
    let mut value = minimal();
    value["lastMessageAt"] = Value::Null;
    value["relatedTo"] = Value::Null;
    let conversation = decode(value).expect("null optional fields decode");
    assert_eq!((conversation.last_message_at, conversation.related_to), (None, None));
    let mut value = minimal();
    value["title"] = Value::Null;
    assert!(decode(value).unwrap_err().starts_with("invalid type: null, expected a string"));
}

#[test]
fn something_other_than_an_object_fails_with_what_was_expected() {
    for (value, found) in [(json!([1, 2]), "sequence"), (json!("text"), "string \"text\""), (json!(3), "integer `3`")] {
        let error = decode(value).unwrap_err();
        assert_eq!(error, format!("invalid type: {found}, expected a Conversation object"));
    }
}

#[test]
fn every_member_of_the_sample_is_read_and_encoded_back() {
    // A field the decoder skipped would vanish here: the sample sets every field.
    for conversation in sample().as_array().unwrap() {
        let decoded: Conversation = serde_json::from_value(conversation.clone()).unwrap();
        let mut back = serde_json::to_value(&decoded).unwrap();
        let mut original = conversation.clone();
        for value in [&mut back, &mut original] {
            value.as_object_mut().unwrap().retain(|_, v| !v.is_null());
        }
        let keys = |value: &Value| {
            let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        assert_eq!(keys(&back), keys(&original));
    }
}
