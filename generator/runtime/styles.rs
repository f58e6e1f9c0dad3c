//! OpenAPI's parameter styles beyond one value as it is: objects in the query (`form`,
//! exploded or not, and `deepObject`), objects in paths and headers (`simple`), and the
//! `label` and `matrix` path styles. The expansions follow RFC 6570, which OpenAPI's style
//! table is taken from: a `null` member or item is left out, as undefined. Members go in the
//! order of their names.

use std::borrow::Cow;

use percent_encoding::utf8_percent_encode;
use serde_json::Value;

use super::request::{Query, Request, ToParam, COMPONENT};

/// How an object-valued query parameter travels. A value of a union that is not an object
/// this time (Stripe's `created`: a range or a timestamp) travels as a plain value would:
/// `created=1700000000`, an array's items repeated or joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(hidden)]
pub enum ObjectStyle {
    /// `form`, exploded (OpenAPI's default): each property a parameter of its own,
    /// `R=100&G=200`; an array property repeats its key.
    Exploded,
    /// Not exploded: the parameter's name once, the properties' names and values joined by the
    /// separator: `color=R,100,G,200` (`form`; a space or `|` for the delimited styles).
    Joined(char),
    /// `deepObject`: `color[R]=100&color[G]=200`. OpenAPI leaves nesting and arrays undefined;
    /// nested objects nest their brackets (`filter[date][gte]=..`), array items get `[]`
    /// (`expand[]=a&expand[]=b`) or, when they are objects or arrays themselves, their index
    /// (`items[0][id]=..`), as Stripe, Rails, PHP and the `qs` library write and read them.
    Deep,
}

/// The JSON form of a parameter's value. Serializing a generated type cannot fail (its maps
/// have string keys); should a type of the program's fail, the value is left out, as `null`.
fn json(value: &(impl serde::Serialize + ?Sized)) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The members of an object that are not `null`, in the order of their names (the same
/// whether or not serde_json's `preserve_order` is on somewhere in the program).
fn members(value: &Value) -> impl Iterator<Item = (&String, &Value)> {
    let mut members: Vec<(&String, &Value)> =
        value.as_object().into_iter().flatten().filter(|(_, value)| !value.is_null()).collect();
    members.sort_unstable_by_key(|(name, _)| *name);
    members.into_iter()
}

/// A value that is not an object, as texts: an array's items that are not `null`, or the one
/// value (none for `null`). Objects and arrays inside are JSON text.
fn texts(value: &Value) -> Vec<Cow<'_, str>> {
    match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().filter(|item| !item.is_null()).map(ToParam::to_param).collect(),
        value => vec![value.to_param()],
    }
}

/// An object's members that are not `null`, each name with its value as text.
fn pairs(value: &Value) -> impl Iterator<Item = (&String, Cow<'_, str>)> {
    members(value).map(|(key, member)| (key, member.to_param()))
}

/// An object's members as texts, each name followed by its value (`R`, `100`, ...) or, exploded,
/// as `name=value` (`R=100`, ...); any other value as [`texts`].
fn items(value: &Value, explode: bool) -> Vec<Cow<'_, str>> {
    if !value.is_object() {
        return texts(value);
    }
    let pairs = pairs(value);
    if explode {
        pairs.map(|(key, value)| Cow::Owned(format!("{key}={value}"))).collect()
    } else {
        pairs.flat_map(|(key, value)| [Cow::Borrowed(key.as_str()), value]).collect()
    }
}

impl Query {
    /// An object-valued parameter (a struct, a map, a union of objects) in `style`. `null`,
    /// an object without members or an empty array adds nothing, as in RFC 6570.
    #[doc(hidden)]
    pub fn push_object(&mut self, name: &str, value: &(impl serde::Serialize + ?Sized), style: ObjectStyle) {
        let value = json(value);
        match style {
            ObjectStyle::Exploded if value.is_object() => {
                for (key, member) in members(&value) {
                    for text in texts(member) {
                        self.push(key, &&*text);
                    }
                }
            }
            ObjectStyle::Exploded => {
                for text in texts(&value) {
                    self.push(name, &&*text);
                }
            }
            ObjectStyle::Joined(separator) => {
                let items = items(&value, false);
                if !items.is_empty() {
                    self.push(name, &items.join(separator.encode_utf8(&mut [0; 4])));
                }
            }
            ObjectStyle::Deep => self.push_deep(name, &value),
        }
    }

    fn push_deep(&mut self, name: &str, value: &Value) {
        match value {
            Value::Null => {}
            Value::Object(_) => {
                for (key, member) in members(value) {
                    self.push_deep(&format!("{name}[{key}]"), member);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    if item.is_object() || item.is_array() {
                        self.push_deep(&format!("{name}[{index}]"), item);
                    } else {
                        self.push_deep(&format!("{name}[]"), item);
                    }
                }
            }
            scalar => self.push(name, scalar),
        }
    }
}

impl Request {
    /// An object-valued cookie parameter in the exploded `form` style: a cookie per member (a
    /// value that is not an object this time: one cookie of its own name).
    #[doc(hidden)]
    pub fn cookie_members(&mut self, name: &str, value: &(impl serde::Serialize + ?Sized)) {
        let value = json(value);
        if value.is_object() {
            for (key, member) in members(&value) {
                self.cookie(key, member);
            }
        } else if !value.is_null() {
            self.cookie(name, &texts(&value).join(","));
        }
    }
}

/// An object-valued path, header or cookie parameter in the `simple` style: `R,100,G,200`,
/// or exploded `R=100,G=200` (a value that is not an object this time: as it is, an array's
/// items comma-separated). Nested objects and arrays are JSON text.
#[doc(hidden)]
pub struct ObjectParam<'a, T: ?Sized> {
    value: &'a T,
    explode: bool,
}

impl<'a, T: ?Sized> ObjectParam<'a, T> {
    #[doc(hidden)]
    pub fn new(value: &'a T, explode: bool) -> Self {
        Self { value, explode }
    }
}

impl<T: serde::Serialize + ?Sized> ToParam for ObjectParam<'_, T> {
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Owned(items(&json(self.value), self.explode).join(","))
    }
}

/// What a `label` or `matrix` path parameter holds, as text before percent-encoding.
#[doc(hidden)]
pub enum Styled<'a> {
    /// One value, or an array's items.
    Values(Vec<Cow<'a, str>>),
    /// An object's members.
    Members(Vec<(String, String)>),
}

/// A value of a path parameter in the `label` or `matrix` style.
#[doc(hidden)]
pub trait StyledParam {
    fn styled(&self) -> Styled<'_>;
}

impl<T: ToParam> StyledParam for Vec<T> {
    fn styled(&self) -> Styled<'_> {
        Styled::Values(self.iter().map(ToParam::to_param).collect())
    }
}

impl<T: serde::Serialize + ?Sized> StyledParam for ObjectParam<'_, T> {
    fn styled(&self) -> Styled<'_> {
        let value = json(self.value);
        if value.is_object() {
            Styled::Members(pairs(&value).map(|(key, text)| (key.clone(), text.into_owned())).collect())
        } else {
            Styled::Values(texts(&value).into_iter().map(|text| Cow::Owned(text.into_owned())).collect())
        }
    }
}

/// One value (not an array or an object) for the `label` and `matrix` styles.
#[doc(hidden)]
pub struct One<'a, T: ?Sized>(pub &'a T);

impl<T: ToParam + ?Sized> StyledParam for One<'_, T> {
    fn styled(&self) -> Styled<'_> {
        Styled::Values(vec![self.0.to_param()])
    }
}

/// A path segment in the `label` style (`.blue`, `.blue,black`, exploded `.blue.black`), or in
/// the `matrix` style with the parameter's name (`;color=blue`, `;color=blue,black`, exploded
/// `;color=blue;color=black`, an exploded object `;R=100;G=200`). Names and values are
/// percent-encoded, the delimiters are not.
#[doc(hidden)]
pub fn styled_segment(matrix: Option<&str>, value: &impl StyledParam, explode: bool) -> String {
    let encoded = |text: &str| utf8_percent_encode(text, COMPONENT).to_string();
    // The items, each encoded: values, or members as `name=value` (exploded) or `name,value`.
    let (items, members) = match value.styled() {
        Styled::Values(values) => (values.iter().map(|value| encoded(value)).collect::<Vec<_>>(), false),
        Styled::Members(pairs) => {
            let items = pairs.iter().map(|(key, value)| {
                let separator = if explode { "=" } else { "," };
                format!("{}{separator}{}", encoded(key), encoded(value))
            });
            (items.collect(), true)
        }
    };
    match matrix {
        None => format!(".{}", items.join(if explode { "." } else { "," })),
        Some(name) if explode => {
            let name = encoded(name);
            let items = items.iter().map(|item| if members { format!(";{item}") } else { format!(";{name}={item}") });
            items.collect()
        }
        Some(name) if items.is_empty() => format!(";{}", encoded(name)),
        Some(name) => format!(";{}={}", encoded(name), items.join(",")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn color() -> Value {
        serde_json::json!({"R": 100, "G": 200, "B": 150, "none": null})
    }

    fn query(style: ObjectStyle, value: &Value) -> String {
        let mut query = Query::default();
        query.push_object("color", value, style);
        query.0
    }

    /// The examples of OpenAPI's style table (members in the order of their names).
    #[test]
    fn objects_in_the_query_follow_the_openapi_style_table() {
        assert_eq!(query(ObjectStyle::Exploded, &color()), "B=150&G=200&R=100");
        assert_eq!(query(ObjectStyle::Joined(','), &color()), "color=B%2C150%2CG%2C200%2CR%2C100");
        assert_eq!(query(ObjectStyle::Joined(' '), &color()), "color=B%20150%20G%20200%20R%20100");
        assert_eq!(query(ObjectStyle::Deep, &color()), "color%5BB%5D=150&color%5BG%5D=200&color%5BR%5D=100");
        assert_eq!(query(ObjectStyle::Deep, &Value::Null), "");
        assert_eq!(query(ObjectStyle::Joined(','), &Value::Null), "");
        assert_eq!(query(ObjectStyle::Joined(','), &serde_json::json!({"a": null})), "");
        assert_eq!(query(ObjectStyle::Joined('|'), &serde_json::json!({"": ""})), "color=%7C");
    }

    /// A union of an object and plain values (Stripe's `created`) that holds a plain value, and
    /// an array under `deepObject` (Stripe's `expand`).
    #[test]
    fn values_that_are_not_objects_travel_as_plain_values() {
        let number = serde_json::json!(1700000000);
        let list = serde_json::json!(["a", null, "b"]);
        assert_eq!(query(ObjectStyle::Exploded, &number), "color=1700000000");
        assert_eq!(query(ObjectStyle::Exploded, &list), "color=a&color=b");
        assert_eq!(query(ObjectStyle::Joined(','), &number), "color=1700000000");
        assert_eq!(query(ObjectStyle::Joined(','), &list), "color=a%2Cb");
        assert_eq!(query(ObjectStyle::Joined(','), &serde_json::json!([])), "");
        assert_eq!(query(ObjectStyle::Deep, &number), "color=1700000000");
        assert_eq!(query(ObjectStyle::Deep, &list), "color%5B%5D=a&color%5B%5D=b");
        assert_eq!(ObjectParam::new(&number, true).to_param(), "1700000000");
        assert_eq!(ObjectParam::new(&list, false).to_param(), "a,b");
        assert_eq!(styled_segment(Some("c"), &ObjectParam::new(&list, true), true), ";c=a;c=b");
        let mut request = Request::new("op", "/", reqwest::Method::GET, "/".into());
        request.cookie_members("c", &list);
        request.cookie_members("d", &color());
        request.cookie_members("e", &Value::Null);
        assert_eq!(request.headers()[reqwest::header::COOKIE], "c=a%2Cb; B=150; G=200; R=100");
    }

    #[test]
    fn deep_objects_nest_and_arrays_repeat() {
        let value = serde_json::json!({
            "date": {"gte": "2026-01-01", "lt": null},
            "ids": [1, 2],
            "items": [{"id": "a&b"}],
        });
        let decoded =
            percent_encoding::percent_decode_str(&query(ObjectStyle::Deep, &value)).decode_utf8().unwrap().into_owned();
        assert_eq!(decoded, "color[date][gte]=2026-01-01&color[ids][]=1&color[ids][]=2&color[items][0][id]=a&b");
        // An exploded array property repeats its key; a nested object is JSON text.
        let value = serde_json::json!({"tag": ["x", "y"], "range": {"a": 1}});
        assert_eq!(query(ObjectStyle::Exploded, &value), "range=%7B%22a%22%3A1%7D&tag=x&tag=y");
    }

    #[test]
    fn objects_in_paths_and_headers_are_simple() {
        let value = color();
        assert_eq!(ObjectParam::new(&value, false).to_param(), "B,150,G,200,R,100");
        assert_eq!(ObjectParam::new(&value, true).to_param(), "B=150,G=200,R=100");
    }

    /// The examples of OpenAPI's style table for `label` and `matrix`.
    #[test]
    fn label_and_matrix_path_segments() {
        let one = One(&"blue");
        let list = vec!["blue".to_owned(), "black".to_owned()];
        let value = color();
        let object = |explode| ObjectParam::new(&value, explode);
        assert_eq!(styled_segment(None, &one, false), ".blue");
        assert_eq!(styled_segment(None, &list, false), ".blue,black");
        assert_eq!(styled_segment(None, &list, true), ".blue.black");
        assert_eq!(styled_segment(None, &object(false), false), ".B,150,G,200,R,100");
        assert_eq!(styled_segment(None, &object(true), true), ".B=150.G=200.R=100");
        assert_eq!(styled_segment(Some("color"), &one, false), ";color=blue");
        assert_eq!(styled_segment(Some("color"), &list, false), ";color=blue,black");
        assert_eq!(styled_segment(Some("color"), &list, true), ";color=blue;color=black");
        assert_eq!(styled_segment(Some("color"), &object(false), false), ";color=B,150,G,200,R,100");
        assert_eq!(styled_segment(Some("color"), &object(true), true), ";B=150;G=200;R=100");
        assert_eq!(styled_segment(Some("color"), &Vec::<String>::new(), false), ";color");
        // Values are percent-encoded, so none can end the segment.
        assert_eq!(styled_segment(Some("c"), &One(&"a/b;c"), false), ";c=a%2Fb%3Bc");
    }
}
