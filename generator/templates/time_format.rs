//! The `time` crate's types in the spec's formats (the configuration's `types.formats` maps
//! `date-time` or `date` to them): `time`'s own serde form is not RFC 3339, so these say how
//! they travel. Copied into the crate by the generator when the configuration asks for them.

#![allow(dead_code)] // a spec may use one of them only

use serde::de::{self, Deserializer};
use serde::ser::Serializer;

use crate::runtime::format::Format;

/// A `date-time` as RFC 3339 text (`2026-12-06T21:09:42Z`).
pub struct Rfc3339;

impl Format<time::OffsetDateTime> for Rfc3339 {
    fn write<S: Serializer>(value: &time::OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        let text = value
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|error| serde::ser::Error::custom(format_args!("a date-time as RFC 3339: {error}")))?;
        serializer.serialize_str(&text)
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<time::OffsetDateTime, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
            .map_err(|error| de::Error::custom(format_args!("{text:?} is not an RFC 3339 date-time: {error}")))
    }
}

/// A `date` as `YYYY-MM-DD`.
pub struct IsoDate;

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

impl Format<time::Date> for IsoDate {
    fn write<S: Serializer>(value: &time::Date, serializer: S) -> Result<S::Ok, S::Error> {
        let text = value
            .format(DATE)
            .map_err(|error| serde::ser::Error::custom(format_args!("a date as YYYY-MM-DD: {error}")))?;
        serializer.serialize_str(&text)
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<time::Date, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        time::Date::parse(&text, DATE)
            .map_err(|error| de::Error::custom(format_args!("{text:?} is not a date (YYYY-MM-DD): {error}")))
    }
}
