//! Serde support shared by the generated types.

use serde::de::{self, Deserializer, Visitor};
use serde_json::value::RawValue;
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

/// Reads an object of an internally tagged union without building a JSON tree: the object is
/// kept as raw JSON text, its tag read by a pass that skips every other member, and the caller
/// decodes the raw text into the variant the tag names (or keeps it as `Unknown`).
pub(crate) fn read_tagged<'de, D>(deserializer: D, tag: &'static str) -> Result<(String, Box<RawValue>), D::Error>
where
    D: Deserializer<'de>,
{
    use serde::de::DeserializeSeed;
    use serde::Deserialize;
    let raw = Box::<RawValue>::deserialize(deserializer)?;
    let mut reader = serde_json::Deserializer::from_str(raw.get());
    let name = TagSeed(tag).deserialize(&mut reader).map_err(|e| de::Error::custom(without_position(e)))?;
    Ok((name, raw))
}

/// Decodes the variant `T` of a tagged union from its raw JSON.
pub(crate) fn decode_variant<T, E>(raw: &RawValue) -> Result<T, E>
where
    T: serde::de::DeserializeOwned,
    E: de::Error,
{
    serde_json::from_str(raw.get()).map_err(|e| E::custom(without_position(e)))
}

/// A position inside the buffered object would mislead: the outer deserializer reports where
/// the object is.
fn without_position(error: serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).map(str::to_owned).unwrap_or(text)
}

/// Keeps an unknown alternative as a JSON value.
pub(crate) fn unknown_variant<E: de::Error>(raw: &RawValue) -> Result<serde_json::Value, E> {
    serde_json::from_str(raw.get()).map_err(|e| E::custom(without_position(e)))
}

/// Finds the string member `0` of an object, skipping the others.
struct TagSeed(&'static str);

impl<'de> de::DeserializeSeed<'de> for TagSeed {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TagSeed {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a string `{}`", self.0)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == self.0 && found.is_none() {
                found = Some(map.next_value::<String>()?);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        found.ok_or_else(|| de::Error::missing_field(self.0))
    }
}
