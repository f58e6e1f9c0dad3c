//! [`Nullable`]: an optional property that may also be `null`, with the three states apart.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;

/// An optional property the spec allows to be `null`: left out ([`Absent`](Self::Absent), the
/// default), sent as `null` ([`Null`](Self::Null)), or a value. The difference matters to PATCH
/// (`Null` clears the field on the server, `Absent` leaves it as it is), and decoding tells the
/// three apart.
///
/// ```ignore
/// // PATCH {"nickname": null}: clear the nickname, leave the rest.
/// client.pets().update_pet(1, PetUpdate { nickname: Nullable::Null, ..Default::default() }).send().await?;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// Not sent (or not received).
    #[default]
    Absent,
    /// Sent (or received) as `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the property is left out.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the property is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value through `Deref` (`&str` for a `String`), if there is one.
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.value().map(|value| &**value)
    }

    /// The value, if there is one (absent and `null` are both `None`).
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T: serde::Serialize> serde::Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // A struct leaves an absent member out; anywhere else it can only be `null`.
            Self::Absent | Self::Null => serializer.serialize_none(),
            Self::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NullableVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for NullableVisitor<T> {
            type Value = Nullable<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or null")
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Nullable::Null)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Nullable::Null)
            }

            fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
                T::deserialize(deserializer).map(Nullable::Value)
            }
        }

        deserializer.deserialize_option(NullableVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::Nullable;

    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    struct Update {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        nickname: Nullable<String>,
    }

    #[test]
    fn absent_null_and_a_value_are_told_apart_both_ways() {
        for (json, value) in [
            ("{}", Nullable::Absent),
            (r#"{"nickname":null}"#, Nullable::Null),
            (r#"{"nickname":"Rex"}"#, Nullable::Value("Rex".to_owned())),
        ] {
            let decoded: Update = serde_json::from_str(json).unwrap();
            assert_eq!(decoded.nickname, value, "{json}");
            assert_eq!(serde_json::to_string(&decoded).unwrap(), json);
        }
        assert_eq!(Nullable::from(3).value(), Some(&3));
        assert_eq!(Nullable::<u8>::Null.into_option(), None);
    }
}
