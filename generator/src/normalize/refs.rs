//! `$ref`s that `lower` cannot take as they stand, settled on the 3.0-shaped tree:
//!
//! - a `$ref` to a parameter, response, request body, header, path item or callback that lives
//!   anywhere but `#/components/<kind>/<name>` (another operation's response: a valid JSON
//!   pointer) is followed: the node is copied in its place; path items and callbacks given by
//!   `$ref` are copied too (`openapiv3` has no reference form for callbacks);
//! - a response `$ref` to a schema (a bug of the spec) becomes a JSON response of that schema;
//! - a `$ref` to nothing (a bug of the spec: a definition renamed, one reference left behind)
//!   becomes, for a schema, any JSON value; for a response, a response without a body; a
//!   parameter, request body, header, path item or callback is left out. Each with a warning at
//!   the `$ref`, naming the nearest existing name when there is one.
//!
//! Positions are known by the document's structure (an operation's `parameters`, a media
//! type's `schema`, ...), never by key names alone. External `$ref`s are left to `lower`.

use serde_json::{json, Map, Value};

use super::{Context, METHODS};
use crate::diagnostic::{push_pointer, quoted, unescape_segment, Kind};

/// What a node of the document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pos {
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Callback,
    Schema,
}

impl Pos {
    /// The `components` section of this kind of node, and its name in messages.
    fn section(self) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Pos::Parameter => ("parameters", "parameter"),
            Pos::RequestBody => ("requestBodies", "request body"),
            Pos::Response => ("responses", "response"),
            Pos::Header => ("headers", "header"),
            Pos::Callback => ("callbacks", "callback"),
            Pos::PathItem => ("pathItems", "path item"),
            Pos::Schema => ("schemas", "schema"),
            Pos::Operation | Pos::MediaType => return None,
        })
    }
}

/// A `$ref` found at a position: the pointer of the node that holds it.
struct Found {
    pointer: String,
    pos: Pos,
    reference: String,
}

/// Follows or replaces the non-schema `$ref`s `lower` cannot resolve (see the module docs).
/// Runs a few rounds: a copied node may hold such references of its own.
pub(super) fn settle_references(tree: &mut Value, cx: &mut Context) {
    for _ in 0..8 {
        let mut found = Vec::new();
        document(tree, &mut found);
        let mut changed = false;
        let mut removals: Vec<String> = Vec::new();
        for Found { pointer, pos, reference } in found {
            if pos == Pos::Schema {
                continue;
            }
            let Some(fragment) = reference.strip_prefix('#') else { continue };
            let (section, what) = pos.section().expect("positions with a $ref have a section");
            let own = format!("/components/{section}/");
            let target = resolve(tree, fragment);
            // A component of the right kind stays a reference (`lower` resolves those), unless
            // openapiv3 cannot hold it as one.
            let inline_always = matches!(pos, Pos::Callback | Pos::PathItem);
            let at = push_pointer(&pointer, "$ref");
            match target {
                Some((_, target_pointer)) if target_pointer.starts_with(&own) && !inline_always => {}
                Some((value, target_pointer)) => {
                    let schema_target = target_pointer.starts_with("/components/schemas/");
                    let replacement = if pos == Pos::Response && schema_target {
                        cx.warn(
                            Kind::RefKind,
                            &at,
                            format!(
                                "a response `$ref` to a schema ({}); read as a JSON response of that schema",
                                quoted(&reference)
                            ),
                        );
                        json!({ "description": "", "content": { "application/json": { "schema": { "$ref": reference } } } })
                    } else if target_pointer.starts_with("/components/")
                        && !target_pointer.starts_with(&own)
                        && !inline_always
                    {
                        cx.warn(
                            Kind::RefKind,
                            &at,
                            format!(
                                "the {what} `$ref` {} points to another kind of node; it is left out",
                                quoted(&reference)
                            ),
                        );
                        removals.push(pointer.clone());
                        continue;
                    } else {
                        cx.map.record(pointer.clone(), target_pointer);
                        value.clone()
                    };
                    if let Some(node) = tree.pointer_mut(&pointer) {
                        *node = replacement;
                        changed = true;
                    }
                }
                None => {
                    let mut message = format!("`$ref` {} points to nothing in the document", quoted(&reference));
                    if let Some(near) = nearest(tree, fragment) {
                        message.push_str(&format!(" (did you mean `#{near}`?)"));
                    }
                    if pos == Pos::Response {
                        message.push_str("; the response is generated without a body");
                        if let Some(node) = tree.pointer_mut(&pointer) {
                            *node = json!({ "description": "" });
                            changed = true;
                        }
                    } else {
                        message.push_str(&format!("; the {what} is left out"));
                        removals.push(pointer.clone());
                    }
                    cx.warn(Kind::DanglingRef, &at, message);
                }
            }
        }
        changed |= !removals.is_empty();
        remove_all(tree, removals);
        if !changed {
            return;
        }
    }
}

/// Replaces schema `$ref`s to nothing with an empty schema (any JSON value), with a warning.
/// Runs after schema references into other places were hoisted into components.
pub(super) fn dangling_schemas(tree: &mut Value, cx: &mut Context) {
    let mut found = Vec::new();
    document(tree, &mut found);
    for Found { pointer, pos, reference } in found {
        if pos != Pos::Schema {
            continue;
        }
        let Some(fragment) = reference.strip_prefix('#') else { continue };
        if resolve(tree, fragment).is_some() {
            continue;
        }
        let mut message = format!("`$ref` {} points to nothing in the document", quoted(&reference));
        if let Some(near) = nearest(tree, fragment) {
            message.push_str(&format!(" (did you mean `#{near}`?)"));
        }
        message.push_str("; any JSON value is accepted here");
        cx.warn(Kind::DanglingRef, &push_pointer(&pointer, "$ref"), message);
        if let Some(Value::Object(node)) = tree.pointer_mut(&pointer) {
            node.remove("$ref");
        }
    }
}

/// The node `fragment` (a JSON pointer, as written in a `$ref`: percent-encoding allowed)
/// points to, and its pointer.
pub(super) fn resolve<'t>(tree: &'t Value, fragment: &str) -> Option<(&'t Value, String)> {
    if let Some(value) = tree.pointer(fragment) {
        return Some((value, fragment.to_owned()));
    }
    let decoded = percent_decode(fragment)?;
    tree.pointer(&decoded).map(|value| (value, decoded))
}

/// `%7B` → `{` (a `$ref` is a URI: its fragment may be percent-encoded). `None` if nothing
/// was encoded or the result is not UTF-8.
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        match (bytes[index], bytes.get(index + 1).copied().and_then(hex), bytes.get(index + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push(high * 16 + low);
                index += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The existing sibling name nearest to the last segment of `fragment`, as a pointer, if one
/// is close enough to be a likely typo.
fn nearest(tree: &Value, fragment: &str) -> Option<String> {
    let (parent, name) = fragment.rsplit_once('/')?;
    let siblings = tree.pointer(parent)?.as_object()?;
    let wanted = unescape_segment(name);
    let (best, distance) = siblings
        .keys()
        .map(|key| (key, edit_distance(&key.to_lowercase(), &wanted.to_lowercase())))
        .min_by_key(|(key, distance)| (*distance, (*key).clone()))?;
    (distance <= (wanted.chars().count() / 3).max(2)).then(|| push_pointer(parent, best))
}

/// Levenshtein distance, by characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// Removes the nodes at `pointers` (array items and map members).
fn remove_all(tree: &mut Value, mut pointers: Vec<String>) {
    // Later array items first, so that earlier indices stay valid.
    pointers.sort_by(|a, b| {
        let split = |p: &str| {
            p.rsplit_once('/').map(|(parent, last)| (parent.to_owned(), last.parse::<usize>().ok(), last.to_owned()))
        };
        split(b).cmp(&split(a))
    });
    pointers.dedup();
    for pointer in pointers {
        remove_at(tree, &pointer);
    }
}

/// Removes the node at `pointer` (a member or an array item); `false` if there is none.
pub(crate) fn remove_at(tree: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return false };
    match tree.pointer_mut(parent) {
        Some(Value::Object(map)) => map.remove(&unescape_segment(last)).is_some(),
        Some(Value::Array(items)) => match last.parse::<usize>() {
            Ok(index) if index < items.len() => {
                items.remove(index);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// Every `$ref` of the document, with its position.
fn document(tree: &Value, found: &mut Vec<Found>) {
    let Some(root) = tree.as_object() else { return };
    if let Some(Value::Object(paths)) = root.get("paths") {
        for (path, item) in paths {
            node(item, &push_pointer("/paths", path), Pos::PathItem, found);
        }
    }
    if let Some(Value::Object(components)) = root.get("components") {
        for (section, pos) in [
            ("schemas", Pos::Schema),
            ("parameters", Pos::Parameter),
            ("responses", Pos::Response),
            ("requestBodies", Pos::RequestBody),
            ("headers", Pos::Header),
            ("callbacks", Pos::Callback),
            ("pathItems", Pos::PathItem),
        ] {
            let at = push_pointer("/components", section);
            for (name, child) in components.get(section).and_then(Value::as_object).into_iter().flatten() {
                node(child, &push_pointer(&at, name), pos, found);
            }
        }
    }
}

fn each_member(map: &Map<String, Value>, key: &str, pointer: &str, pos: Pos, found: &mut Vec<Found>) {
    let at = push_pointer(pointer, key);
    match map.get(key) {
        Some(Value::Object(children)) => {
            for (name, child) in children {
                node(child, &push_pointer(&at, name), pos, found);
            }
        }
        Some(Value::Array(children)) => {
            for (index, child) in children.iter().enumerate() {
                node(child, &push_pointer(&at, &index.to_string()), pos, found);
            }
        }
        _ => {}
    }
}

fn node(value: &Value, pointer: &str, pos: Pos, found: &mut Vec<Found>) {
    let Value::Object(map) = value else { return };
    if let Some(Value::String(reference)) = map.get("$ref") {
        if pos != Pos::MediaType && pos != Pos::Operation {
            found.push(Found { pointer: pointer.to_owned(), pos, reference: reference.clone() });
            return;
        }
    }
    let one = |key: &str, pos: Pos, found: &mut Vec<Found>| {
        if let Some(child) = map.get(key) {
            node(child, &push_pointer(pointer, key), pos, found);
        }
    };
    match pos {
        Pos::PathItem => {
            each_member(map, "parameters", pointer, Pos::Parameter, found);
            for method in METHODS {
                one(method, Pos::Operation, found);
            }
        }
        Pos::Operation => {
            each_member(map, "parameters", pointer, Pos::Parameter, found);
            one("requestBody", Pos::RequestBody, found);
            each_member(map, "responses", pointer, Pos::Response, found);
            each_member(map, "callbacks", pointer, Pos::Callback, found);
        }
        Pos::Parameter | Pos::Header => {
            one("schema", Pos::Schema, found);
            each_member(map, "content", pointer, Pos::MediaType, found);
        }
        Pos::RequestBody => each_member(map, "content", pointer, Pos::MediaType, found),
        Pos::Response => {
            each_member(map, "headers", pointer, Pos::Header, found);
            each_member(map, "content", pointer, Pos::MediaType, found);
        }
        Pos::MediaType => {
            one("schema", Pos::Schema, found);
            for (name, encoding) in map.get("encoding").and_then(Value::as_object).into_iter().flatten() {
                if let Value::Object(encoding) = encoding {
                    let at = push_pointer(&push_pointer(pointer, "encoding"), name);
                    each_member(encoding, "headers", &at, Pos::Header, found);
                }
            }
        }
        Pos::Callback => {
            for (expression, item) in map {
                node(item, &push_pointer(pointer, expression), Pos::PathItem, found);
            }
        }
        Pos::Schema => {
            each_member(map, "properties", pointer, Pos::Schema, found);
            for key in ["items", "not", "additionalProperties"] {
                if let Some(child @ Value::Object(_)) = map.get(key) {
                    node(child, &push_pointer(pointer, key), Pos::Schema, found);
                }
            }
            for key in ["allOf", "oneOf", "anyOf"] {
                each_member(map, key, pointer, Pos::Schema, found);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoded_pointers_resolve() {
        let tree = json!({"paths": {"/a/{id}": {"get": {"x": 1}}}});
        let (value, pointer) = resolve(&tree, "/paths/~1a~1%7Bid%7D/get/x").unwrap();
        assert_eq!(value, &json!(1));
        assert_eq!(pointer, "/paths/~1a~1{id}/get/x");
        assert!(resolve(&tree, "/paths/~1b").is_none());
    }

    #[test]
    fn the_nearest_name_is_suggested_for_typos_only() {
        let tree = json!({"components": {"schemas": {"Pet": {}, "Owner": {}}}});
        assert_eq!(nearest(&tree, "/components/schemas/Pett").as_deref(), Some("/components/schemas/Pet"));
        assert_eq!(nearest(&tree, "/components/schemas/Something"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
