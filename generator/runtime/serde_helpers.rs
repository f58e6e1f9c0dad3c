//! Serde support shared by the generated types.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// Decodes a forward-compatible string enum: any string is accepted, the type maps unknown
/// values to its `Unknown` variant. Borrowed strings are not copied for known values.
pub(crate) fn deserialize_string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct StringEnumVisitor<T>(PhantomData<T>);

    impl<T> Visitor<'_> for StringEnumVisitor<T>
    where
        T: for<'a> From<&'a str> + From<String>,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }

        fn visit_string<E: de::Error>(self, value: String) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(StringEnumVisitor(PhantomData))
}

/// Reads an object of an internally tagged union: the tag's value and the whole object, which the caller decodes into the variant the tag names.
pub(crate) fn read_tagged<'de, D>(deserializer: D, tag: &'static str) -> Result<(String, serde_json::Value), D::Error>
where
    D: Deserializer<'de>,
{
    use serde::Deserialize;
    let value = serde_json::Value::deserialize(deserializer)?;
    let serde_json::Value::Object(map) = &value else {
        return Err(de::Error::invalid_type(unexpected(&value), &"an object"));
    };
    match map.get(tag) {
        None => Err(de::Error::missing_field(tag)),
        Some(serde_json::Value::String(name)) => Ok((name.clone(), value)),
        Some(other) => Err(de::Error::invalid_type(unexpected(other), &"a string tag")),
    }
}

/// Decodes the variant `T` of a tagged union from the buffered object.
pub(crate) fn decode_variant<T, E>(value: serde_json::Value) -> Result<T, E>
where
    T: serde::de::DeserializeOwned,
    E: de::Error,
{
    T::deserialize(value).map_err(E::custom)
}

fn unexpected(value: &serde_json::Value) -> de::Unexpected<'_> {
    match value {
        serde_json::Value::Null => de::Unexpected::Unit,
        serde_json::Value::Bool(b) => de::Unexpected::Bool(*b),
        serde_json::Value::Number(_) => de::Unexpected::Other("a number"),
        serde_json::Value::String(s) => de::Unexpected::Str(s),
        serde_json::Value::Array(_) => de::Unexpected::Seq,
        serde_json::Value::Object(_) => de::Unexpected::Map,
    }
}
