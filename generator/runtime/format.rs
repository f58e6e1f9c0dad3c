//! Wire formats: how a value of a type chosen by the configuration (`types.formats`) travels when
//! the type's own serde form is not the spec's. An `i64` for a `type: string, format: int64`
//! travels as the text `"42"` ([`Text`]); a `time::OffsetDateTime` as RFC 3339 text. A format
//! composes over lists, maps, boxes, options and [`Nullable`](super::Nullable), as serde_with's
//! `As` does, so `Option<Vec<i64>>` fields are written with `Optional<List<Text>>`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer};
use serde::ser::Serializer;

/// Writes and reads a `T` in a wire format.
pub trait Format<T> {
    /// Writes `value`.
    fn write<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads a value.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;
}

/// A value that travels as JSON text, through its `Display` and `FromStr` (an `i64` as `"42"`).
pub struct Text;

impl<T> Format<T> for Text
where
    T: fmt::Display + std::str::FromStr,
    T::Err: fmt::Display,
{
    fn write<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        struct TextVisitor<T>(PhantomData<T>);
        impl<T> de::Visitor<'_> for TextVisitor<T>
        where
            T: std::str::FromStr,
            T::Err: fmt::Display,
        {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
                text.parse().map_err(|error| E::custom(format_args!("{text:?}: {error}")))
            }
        }
        deserializer.deserialize_str(TextVisitor(PhantomData))
    }
}

/// A list whose items travel in the format `F`.
pub struct List<F>(PhantomData<F>);
/// A map whose values travel in the format `F`.
pub struct Map<F>(PhantomData<F>);
/// A box whose value travels in the format `F`.
pub struct Boxed<F>(PhantomData<F>);
/// An optional value (`null` when `None`) in the format `F`.
pub struct Optional<F>(PhantomData<F>);
/// A [`Nullable`](super::Nullable) whose value travels in the format `F`.
pub struct Nullable<F>(PhantomData<F>);

impl<T, F: Format<T>> Format<Vec<T>> for List<F> {
    fn write<S: Serializer>(value: &Vec<T>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(value.iter().map(Wire::<F, T>::new))
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        let items: Vec<Read<F, T>> = de::Deserialize::deserialize(deserializer)?;
        Ok(items.into_iter().map(|item| item.0).collect())
    }
}

impl<T, F: Format<T>> Format<std::collections::BTreeMap<String, T>> for Map<F> {
    fn write<S: Serializer>(value: &std::collections::BTreeMap<String, T>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(value.iter().map(|(key, value)| (key, Wire::<F, T>::new(value))))
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<std::collections::BTreeMap<String, T>, D::Error> {
        let items: std::collections::BTreeMap<String, Read<F, T>> = de::Deserialize::deserialize(deserializer)?;
        Ok(items.into_iter().map(|(key, value)| (key, value.0)).collect())
    }
}

impl<T, F: Format<T>> Format<Box<T>> for Boxed<F> {
    fn write<S: Serializer>(value: &Box<T>, serializer: S) -> Result<S::Ok, S::Error> {
        F::write(value, serializer)
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Box<T>, D::Error> {
        F::read(deserializer).map(Box::new)
    }
}

impl<T, F: Format<T>> Format<Option<T>> for Optional<F> {
    fn write<S: Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => F::write(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
        let value: Option<Read<F, T>> = de::Deserialize::deserialize(deserializer)?;
        Ok(value.map(|value| value.0))
    }
}

impl<T, F: Format<T>> Format<super::Nullable<T>> for Nullable<F> {
    fn write<S: Serializer>(value: &super::Nullable<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            super::Nullable::Value(value) => F::write(value, serializer),
            _ => serializer.serialize_none(),
        }
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<super::Nullable<T>, D::Error> {
        // Called only for a member that is there: `null` or a value.
        let value: Option<Read<F, T>> = de::Deserialize::deserialize(deserializer)?;
        Ok(value.map_or(super::Nullable::Null, |value| super::Nullable::Value(value.0)))
    }
}

/// A borrowed value written in the format `F`.
pub struct Wire<'a, F, T>(&'a T, PhantomData<F>);

impl<'a, F, T> Wire<'a, F, T> {
    /// `value`, to be written in the format `F`.
    pub fn new(value: &'a T) -> Self {
        Self(value, PhantomData)
    }
}

impl<F: Format<T>, T> serde::Serialize for Wire<'_, F, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        F::write(self.0, serializer)
    }
}

/// A value in a path, query or header, as its format writes it (a JSON string as it is).
impl<F: Format<T>, T> super::ToParam for Wire<'_, F, T> {
    fn to_param(&self) -> std::borrow::Cow<'_, str> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(text)) => std::borrow::Cow::Owned(text),
            Ok(other) => std::borrow::Cow::Owned(other.to_string()),
            Err(_) => std::borrow::Cow::Borrowed(""),
        }
    }
}

/// A value read in the format `F`.
pub struct Read<F, T>(pub T, PhantomData<F>);

impl<'de, F: Format<T>, T> serde::Deserialize<'de> for Read<F, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        F::read(deserializer).map(|value| Self(value, PhantomData))
    }
}

/// `serialize_with` for a field written in the format `F` (derived impls).
pub fn write<F: Format<T>, T, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    F::write(value, serializer)
}

/// `deserialize_with` for a field read in the format `F` (derived impls).
pub fn read<'de, F: Format<T>, T, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    F::read(deserializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_travel_as_text_through_every_container() {
        let value: Option<Vec<i64>> = Some(vec![1, -9_007_199_254_740_993]);
        let json = serde_json::to_string(&Wire::<Optional<List<Text>>, _>::new(&value)).unwrap();
        assert_eq!(json, r#"["1","-9007199254740993"]"#);
        let back: Read<Optional<List<Text>>, Option<Vec<i64>>> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.0, value);
        let error = serde_json::from_str::<Read<List<Text>, Vec<i64>>>(r#"["x"]"#).err().unwrap().to_string();
        assert!(error.contains("\"x\""), "{error}");
        let null: Read<Nullable<Text>, super::super::Nullable<u32>> = serde_json::from_str("null").unwrap();
        assert_eq!(null.0, super::super::Nullable::Null);
    }
}
