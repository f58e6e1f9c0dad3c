//! Serde support shared by the generated types.

use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// Decodes a forward-compatible string enum: any string is accepted, the type maps unknown
/// values to its `Unknown` variant. Borrowed strings are not copied for known values.
#[doc(hidden)]
pub fn deserialize_string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
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

/// Decodes a `date-time` field with chrono's dedicated RFC 3339 parser, about six times faster
/// than the general-purpose parser behind chrono's own `Deserialize` (measured in
/// `cargo xtask bench`). Known values borrow the input; nothing is allocated.
#[doc(hidden)]
pub fn date_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_str(DateTimeVisitor)
}

/// [`date_time`] for an optional or nullable field.
#[doc(hidden)]
pub fn optional_date_time<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    struct OptionalVisitor;

    impl<'de> Visitor<'de> for OptionalVisitor {
        type Value = Option<DateTime<Utc>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 date-time or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            date_time(deserializer).map(Some)
        }
    }

    deserializer.deserialize_option(OptionalVisitor)
}

struct DateTimeVisitor;

impl Visitor<'_> for DateTimeVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date-time")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        DateTime::parse_from_rfc3339(value)
            .map(|date| date.to_utc())
            .map_err(|e| E::custom(format_args!("invalid RFC 3339 date-time {value:?}: {e}")))
    }
}

/// The variants an untagged union tried on a value, and why each refused it: the error, when
/// none accepts it, names them all (bounded), with the path of the bad value in each.
#[doc(hidden)]
pub struct Tried {
    type_name: &'static str,
    errors: Vec<(&'static str, String)>,
}

/// How many variants' errors a message lists, and how long each may be.
const TRIED_SHOWN: usize = 6;
const TRIED_LEN: usize = 160;

impl Tried {
    #[doc(hidden)]
    pub fn new(type_name: &'static str) -> Self {
        Self { type_name, errors: Vec::new() }
    }

    /// `value` as the variant `name`'s type, or `None` with its error kept.
    #[doc(hidden)]
    pub fn attempt<T: de::DeserializeOwned>(&mut self, value: &serde_json::Value, name: &'static str) -> Option<T> {
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(decoded) => Some(decoded),
            Err(error) => {
                let path = error.path().to_string();
                let mut message = error.into_inner().to_string();
                if let Some((cut, _)) = message.char_indices().nth(TRIED_LEN) {
                    message.truncate(cut);
                    message.push('…');
                }
                self.errors.push((name, if path == "." { message } else { format!("at `{path}`: {message}") }));
                None
            }
        }
    }

    #[doc(hidden)]
    pub fn into_error<E: de::Error>(self) -> E {
        let shown: Vec<String> =
            self.errors.iter().take(TRIED_SHOWN).map(|(name, error)| format!("`{name}`: {error}")).collect();
        let more = self.errors.len().saturating_sub(TRIED_SHOWN);
        let more = if more > 0 { format!("; and {more} more") } else { String::new() };
        E::custom(format_args!("no variant of `{}` matches: {}{more}", self.type_name, shown.join("; ")))
    }
}

/// An internally tagged union (`oneOf` with a distinct constant property) whose variants'
/// payloads do not repeat the tag.
#[doc(hidden)]
pub trait TaggedUnion: Sized {
    /// The property that names the variant.
    const TAG: &'static str;

    /// Decodes the variant `tag` names from the object's other members, `rest`.
    fn variant<'de, D: Deserializer<'de>>(tag: &str, rest: D) -> Result<Self, D::Error>;
}

/// Decodes a [`TaggedUnion`]. When the tag is the object's first member, as servers usually
/// send it, the rest of the object decodes straight into the variant in the same pass (errors
/// keep their full path); otherwise the object is buffered as a JSON tree first.
#[doc(hidden)]
pub fn deserialize_tagged<'de, D: Deserializer<'de>, T: TaggedUnion>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(TaggedVisitor(PhantomData))
}

/// The JSON object of an unknown variant, tag included, for its `Unknown(serde_json::Value)`.
#[doc(hidden)]
pub fn unknown_variant<'de, D: Deserializer<'de>>(
    tag_name: &str,
    tag: &str,
    rest: D,
) -> Result<serde_json::Value, D::Error> {
    use serde::Deserialize;
    let mut object = serde_json::Map::deserialize(rest)?;
    object.insert(tag_name.to_owned(), serde_json::Value::String(tag.to_owned()));
    Ok(serde_json::Value::Object(object))
}

/// Writes `payload`, a variant's type that has the tag as a field of its own, with the tag set
/// when the type left it out (an optional tag property).
#[doc(hidden)]
pub fn serialize_with_tag<T: serde::Serialize, S: serde::Serializer>(
    payload: &T,
    tag: &str,
    value: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    let mut json = serde_json::to_value(payload).map_err(serde::ser::Error::custom)?;
    if let serde_json::Value::Object(object) = &mut json {
        if object.get(tag).is_none_or(serde_json::Value::is_null) {
            object.insert(tag.to_owned(), serde_json::Value::String(value.to_owned()));
        }
    }
    json.serialize(serializer)
}

/// The rest of a tagged object with its tag put back in front: for a variant whose type keeps
/// the tag as a field of its own (a component type shared with other places), so that it
/// decodes from the whole object, as it would anywhere else.
#[doc(hidden)]
pub struct WithTag<'t, D> {
    name: &'static str,
    tag: &'t str,
    rest: D,
}

impl<'t, D> WithTag<'t, D> {
    #[doc(hidden)]
    pub fn new(name: &'static str, tag: &'t str, rest: D) -> Self {
        Self { name, tag, rest }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for WithTag<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.rest.deserialize_map(WithTagVisitor { name: self.name, tag: self.tag, visitor })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct WithTagVisitor<'t, V> {
    name: &'static str,
    tag: &'t str,
    visitor: V,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for WithTagVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(WithTagMap { name: self.name, tag: self.tag, state: TagState::Key, map })
    }
}

/// The tag's value, for the variant's tag field: a string, also where an optional field asks
/// for an `Option` (a tag property with a default is optional in the type).
struct TagValue<'t, E>(&'t str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for TagValue<'_, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_str(self.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[derive(Clone, Copy, PartialEq)]
enum TagState {
    Key,
    Value,
    Done,
}

struct WithTagMap<'t, A> {
    name: &'static str,
    tag: &'t str,
    state: TagState,
    map: A,
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for WithTagMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        if self.state == TagState::Key {
            self.state = TagState::Value;
            return seed.deserialize(de::value::BorrowedStrDeserializer::new(self.name)).map(Some);
        }
        self.map.next_key_seed(seed)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if self.state == TagState::Value {
            self.state = TagState::Done;
            return seed.deserialize(TagValue(self.tag, PhantomData));
        }
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint().map(|n| n + usize::from(self.state == TagState::Key))
    }
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: TaggedUnion> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a string `{}`", T::TAG)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let first = map.next_key_seed(KeyUnless(T::TAG))?;
        let Some(first) = first else { return Err(de::Error::missing_field(T::TAG)) };
        let Some(first) = first else {
            let tag = map.next_value::<Text<'de>>()?;
            return T::variant(tag.as_str(), de::value::MapAccessDeserializer::new(map));
        };
        let mut object = serde_json::Map::new();
        object.insert(first, map.next_value()?);
        while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
            object.insert(key, value);
        }
        let tag = match object.remove(T::TAG) {
            Some(serde_json::Value::String(tag)) => tag,
            Some(other) => {
                let unexpected = de::Unexpected::Other(json_kind(&other));
                return Err(de::Error::invalid_type(unexpected, &"a string tag"));
            }
            None => return Err(de::Error::missing_field(T::TAG)),
        };
        T::variant(&tag, serde_json::Value::Object(object)).map_err(de::Error::custom)
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A key: `None` if it is the given one, else the key itself (allocating only then).
struct KeyUnless(&'static str);

impl<'de> de::DeserializeSeed<'de> for KeyUnless {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyUnless {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok((key != self.0).then(|| key.to_owned()))
    }
}

/// A string that borrows from the input when it can.
enum Text<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        match self {
            Self::Borrowed(text) => text,
            Self::Owned(text) => text,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Text::Borrowed(text))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text::Owned(text.to_owned()))
            }
        }

        deserializer.deserialize_str(TextVisitor)
    }
}

/// A struct decoded from a JSON object by the one generic [`ObjectVisitor`]: a generated type
/// supplies only its field table and one `match` that stores a field's value, instead of the
/// visitors, field enums and sequence support a `#[derive(Deserialize)]` expands to per type.
/// (Half of a large crate's compile time went to those derives; see BENCHMARKS.md.)
#[doc(hidden)]
pub trait Object: Sized {
    /// The type's name, for error messages.
    const NAME: &'static str;
    /// The JSON names of the fields.
    const FIELDS: &'static [&'static str];
    /// The values read so far: an `Option` per required field, the field itself (an `Option`)
    /// per optional one.
    type Slots;
    /// No values read yet.
    fn slots() -> Self::Slots;
    /// The position in [`FIELDS`](Self::FIELDS) of a member's name; `None` for an unknown member.
    /// (A scan of the names, as fast as the `match` it replaces, which rustc compiles to the
    /// same comparisons one after the other, and one function fewer per struct to compile.)
    #[inline]
    fn index(key: &str) -> Option<usize> {
        Self::FIELDS.iter().position(|field| *field == key)
    }
    /// Reads the value of field `index` from `map` into its slot.
    fn read<'de, A: de::MapAccess<'de>>(slots: &mut Self::Slots, index: usize, map: &mut A) -> Result<(), A::Error>;
    /// The positions in [`FIELDS`](Self::FIELDS) of the required fields.
    const REQUIRED: &'static [usize];
    /// The value; `None` when a required field is missing (the visitor names it).
    fn finish(slots: Self::Slots) -> Option<Self>;
}

/// `Deserialize::deserialize` of an [`Object`].
#[doc(hidden)]
pub fn deserialize_object<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut slots = T::slots();
        // Which fields were read: a member given twice is an error, as with serde's derive, and
        // a missing required field is named.
        let mut seen = Seen::default();
        while let Some(index) = map.next_key_seed(FieldIndex::<T>(PhantomData))? {
            match index {
                Some(index) => {
                    if !seen.insert(index) {
                        return Err(de::Error::duplicate_field(T::FIELDS[index]));
                    }
                    T::read(&mut slots, index, &mut map)?;
                }
                None => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        T::finish(slots).ok_or_else(|| match T::REQUIRED.iter().find(|&&index| !seen.contains(index)) {
            Some(&index) => de::Error::missing_field(T::FIELDS[index]),
            None => de::Error::custom(format_args!("missing a required field of {}", T::NAME)),
        })
    }
}

/// A set of field indices: a bit mask for the first 128, a list beyond (rare).
#[derive(Default)]
struct Seen {
    low: u128,
    high: Vec<usize>,
}

impl Seen {
    /// Adds `index`; `false` if it was there.
    fn insert(&mut self, index: usize) -> bool {
        if index < 128 {
            let bit = 1u128 << index;
            let new = self.low & bit == 0;
            self.low |= bit;
            new
        } else if self.high.contains(&index) {
            false
        } else {
            self.high.push(index);
            true
        }
    }

    fn contains(&self, index: usize) -> bool {
        if index < 128 {
            self.low & (1u128 << index) != 0
        } else {
            self.high.contains(&index)
        }
    }
}

/// Reads a member's name as the field's index, without copying it.
struct FieldIndex<T>(PhantomData<T>);

impl<'de, T: Object> de::DeserializeSeed<'de> for FieldIndex<T> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, T: Object> Visitor<'de> for FieldIndex<T> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(T::index(key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(std::str::from_utf8(key).ok().and_then(T::index))
    }
}

/// Reads a required field's value into its slot (the visitor has checked it is the first).
#[inline]
#[doc(hidden)]
pub fn read_field<'de, A: de::MapAccess<'de>, V: de::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<V>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads an optional or nullable field's value (`null` is `None`) into its slot.
#[inline]
#[doc(hidden)]
pub fn read_optional<'de, A: de::MapAccess<'de>, V: de::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<V>,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// Reads an optional member that may be `null` into its slot (absent until read).
#[inline]
#[doc(hidden)]
pub fn read_nullable<'de, A: de::MapAccess<'de>, V: de::Deserialize<'de>>(
    map: &mut A,
    slot: &mut super::Nullable<V>,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// [`read_field`] for a value in the wire format `F` (see `runtime::format`).
#[inline]
#[doc(hidden)]
pub fn read_field_as<'de, F: super::format::Format<V>, A: de::MapAccess<'de>, V>(
    map: &mut A,
    slot: &mut Option<V>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value::<super::format::Read<F, V>>()?.0);
    Ok(())
}

/// [`read_optional`] for a value in the wire format `F`.
#[inline]
#[doc(hidden)]
pub fn read_optional_as<'de, F: super::format::Format<V>, A: de::MapAccess<'de>, V>(
    map: &mut A,
    slot: &mut Option<V>,
) -> Result<(), A::Error> {
    *slot = map.next_value::<super::format::Read<super::format::Optional<F>, Option<V>>>()?.0;
    Ok(())
}

/// [`read_nullable`] for a value in the wire format `F`.
#[inline]
#[doc(hidden)]
pub fn read_nullable_as<'de, F: super::format::Format<V>, A: de::MapAccess<'de>, V>(
    map: &mut A,
    slot: &mut super::Nullable<V>,
) -> Result<(), A::Error> {
    *slot = map.next_value::<super::format::Read<super::format::Nullable<F>, super::Nullable<V>>>()?.0;
    Ok(())
}

/// [`read_field`] for a `date-time` field (see [`date_time`]).
#[inline]
#[doc(hidden)]
pub fn read_date_time<'de, A: de::MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<DateTime<Utc>>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value_seed(DateTimeSeed)?);
    Ok(())
}

/// [`read_optional`] for a `date-time` field (see [`optional_date_time`]).
#[inline]
#[doc(hidden)]
pub fn read_optional_date_time<'de, A: de::MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<DateTime<Utc>>,
) -> Result<(), A::Error> {
    *slot = map.next_value_seed(OptionalDateTimeSeed)?;
    Ok(())
}

/// [`date_time`] as a seed.
struct DateTimeSeed;

impl<'de> de::DeserializeSeed<'de> for DateTimeSeed {
    type Value = DateTime<Utc>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        date_time(deserializer)
    }
}

/// [`optional_date_time`] as a seed.
struct OptionalDateTimeSeed;

impl<'de> de::DeserializeSeed<'de> for OptionalDateTimeSeed {
    type Value = Option<DateTime<Utc>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        optional_date_time(deserializer)
    }
}

/// Encodes a struct's fields one call each, keeping the first error: the generated
/// `Serialize` impls need no `?` and no `if` per field.
#[doc(hidden)]
pub struct Fields<S: serde::Serializer> {
    state: S::SerializeStruct,
    error: Option<S::Error>,
}

impl<S: serde::Serializer> Fields<S> {
    /// Starts a struct of `len` members.
    #[inline]
    #[doc(hidden)]
    pub fn new(serializer: S, name: &'static str, len: usize) -> Result<Self, S::Error> {
        Ok(Self { state: serializer.serialize_struct(name, len)?, error: None })
    }

    /// A member that is always sent.
    #[inline]
    #[doc(hidden)]
    pub fn field<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if self.error.is_none() {
            if let Err(error) = serde::ser::SerializeStruct::serialize_field(&mut self.state, name, value) {
                self.error = Some(error);
            }
        }
    }

    /// A member that is sent only when it is set, like `skip_serializing_if = "Option::is_none"`.
    #[inline]
    #[doc(hidden)]
    pub fn optional<T: serde::Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        match value {
            Some(value) => self.field(name, value),
            None => {
                if self.error.is_none() {
                    if let Err(error) = serde::ser::SerializeStruct::skip_field(&mut self.state, name) {
                        self.error = Some(error);
                    }
                }
            }
        }
    }

    /// An optional member that may be `null`: left out when absent.
    #[inline]
    #[doc(hidden)]
    pub fn nullable<T: serde::Serialize>(&mut self, name: &'static str, value: &super::Nullable<T>) {
        if value.is_absent() {
            if self.error.is_none() {
                if let Err(error) = serde::ser::SerializeStruct::skip_field(&mut self.state, name) {
                    self.error = Some(error);
                }
            }
        } else {
            self.field(name, value);
        }
    }

    /// [`Self::nullable`] for a value in the wire format `F`.
    #[inline]
    #[doc(hidden)]
    pub fn nullable_as<F: super::format::Format<T>, T>(&mut self, name: &'static str, value: &super::Nullable<T>) {
        match value {
            super::Nullable::Absent => self.nullable(name, &super::Nullable::<()>::Absent),
            super::Nullable::Null => self.field(name, &()),
            super::Nullable::Value(value) => self.field(name, &super::format::Wire::<F, T>::new(value)),
        }
    }

    /// The struct, or the first error.
    #[inline]
    #[doc(hidden)]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(error) => Err(error),
            None => serde::ser::SerializeStruct::end(self.state),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Seen;

    #[test]
    fn seen_fields_are_told_apart_below_and_beyond_128() {
        let mut seen = Seen::default();
        for index in [0, 1, 127, 128, 129, 300] {
            assert!(!seen.contains(index), "{index}");
            assert!(seen.insert(index), "{index} is new");
            assert!(seen.contains(index), "{index}");
            assert!(!seen.insert(index), "{index} a second time");
        }
        assert!(!seen.contains(2) && !seen.contains(126) && !seen.contains(130));
    }
}
