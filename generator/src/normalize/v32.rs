//! OpenAPI 3.2 in the 3.0 form `lower` reads (after the 3.1 conversion, which 3.2 extends):
//!
//! - `itemSchema` (also found in 3.1 documents: FastAPI writes it) describes one item of a
//!   sequential media type: for `text/event-stream`, the event, whose `data` is typed through
//!   `contentMediaType`/`contentSchema`; for JSON Lines, NDJSON and JSON text sequences, one
//!   value. It becomes the media type's `schema` (the event's data; the item, marked with
//!   [`ITEM_SCHEMA`]).
//! - The `query` method and `additionalOperations` become path items of their own (under a key
//!   no path can have), their operation marked with its method and path ([`METHOD`], [`PATH`]).
//! - An `in: querystring` parameter whose content is form-encoded becomes one query parameter
//!   per property of its object: form encoding of an object is exactly that.
//! - `$ref`s to `components/mediaTypes` are copied in place (3.0 has no such section).
//! - A discriminator's `defaultMapping` is kept as [`DEFAULT_MAPPING`].
//! - What the client cannot use yet gets a warning that says what is generated instead.

use serde_json::{json, Map, Value};

use super::{visit_nodes, Context, METHODS};
use crate::diagnostic::{push_pointer, quoted, unescape_segment, Kind};

/// On a media type's `schema`: it was the `itemSchema` of a sequential media type (one item,
/// not the whole body).
pub const ITEM_SCHEMA: &str = "x-oag-item-schema";
/// On an operation moved out of `query` or `additionalOperations`: its HTTP method.
pub const METHOD: &str = "x-oag-method";
/// On such an operation: the path it belongs to.
pub const PATH: &str = "x-oag-path";
/// On a discriminator: 3.2's `defaultMapping`.
pub const DEFAULT_MAPPING: &str = "x-oag-default-mapping";

/// The 3.2 constructs of a document already converted as 3.1.
pub(super) fn convert(tree: &mut Value, cx: &mut Context) {
    media_type_refs(tree, cx);
    methods(tree, cx);
    query_strings(tree, cx);
    discriminators_and_flows(tree, cx);
    tags(tree);
}

/// `itemSchema` of every media type (all versions: 3.1 documents carry it too).
pub(super) fn item_schemas(tree: &mut Value, cx: &mut Context) {
    // Most documents have none: no copy of their components then.
    if !has_key(tree, "itemSchema") {
        return;
    }
    let mut moves = Vec::new();
    let mut warnings = Vec::new();
    let components = tree.get("components").cloned().unwrap_or(Value::Null);
    visit_nodes(tree, "", &mut |node, pointer| {
        let Some((parent, name)) = pointer.rsplit_once('/') else { return };
        if !parent.ends_with("/content") || !node.contains_key("itemSchema") {
            return;
        }
        let essence = unescape_segment(name).split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let item = node.remove("itemSchema").unwrap_or(Value::Null);
        let at = push_pointer(pointer, "itemSchema");
        if essence == "text/event-stream" {
            // The event object: its `data` holds the value (JSON by `contentMediaType`, of the
            // type `contentSchema` gives), or text.
            let event = resolve_local(&item, &components).unwrap_or(&item);
            match event.pointer("/properties/data") {
                Some(data) => {
                    let data_at = format!("{at}/properties/data");
                    let json = data
                        .get("contentMediaType")
                        .and_then(Value::as_str)
                        .is_some_and(|media| media.contains("json"));
                    match data.get("contentSchema") {
                        Some(schema) => {
                            node.insert("schema".into(), schema.clone());
                            moves.push((push_pointer(pointer, "schema"), format!("{data_at}/contentSchema")));
                        }
                        None if json => {
                            node.insert("schema".into(), json!({}));
                        }
                        None => {
                            node.insert("schema".into(), json!({"type": "string"}));
                        }
                    }
                }
                None => {
                    node.insert("schema".into(), json!({"type": "string"}));
                    warnings.push((
                        at,
                        "this event stream's `itemSchema` has no `data` property; each event's data is read as text"
                            .to_owned(),
                    ));
                }
            }
        } else if crate::model::sequence_framing(&essence).is_some() {
            let mut item = item;
            if let Value::Object(map) = &mut item {
                if !map.contains_key("$ref") {
                    map.insert(ITEM_SCHEMA.into(), Value::Bool(true));
                }
            }
            node.insert("schema".into(), item);
            moves.push((push_pointer(pointer, "schema"), at));
        } else {
            warnings.push((
                at,
                format!(
                    "`itemSchema` of {} is not used yet: the body is generated from its `schema` (or as bytes \
                     without one)",
                    quoted(&essence)
                ),
            ));
        }
    });
    for (converted, original) in moves {
        cx.map.record(converted, original);
    }
    for (pointer, message) in warnings {
        cx.warn(Kind::Unused32, &pointer, message);
    }
}

/// Whether any object of `tree` has the member `key`.
fn has_key(tree: &Value, key: &str) -> bool {
    match tree {
        Value::Object(map) => map.contains_key(key) || map.values().any(|value| has_key(value, key)),
        Value::Array(items) => items.iter().any(|item| has_key(item, key)),
        _ => false,
    }
}

/// `value` itself, or the local component it is a `$ref` to.
fn resolve_local<'v>(value: &Value, components: &'v Value) -> Option<&'v Value> {
    let reference = value.get("$ref")?.as_str()?;
    let rest = reference.strip_prefix("#/components")?;
    components.pointer(rest)
}

/// `{$ref: '#/components/mediaTypes/X'}` in a `content` map: the media type, copied.
fn media_type_refs(tree: &mut Value, cx: &mut Context) {
    let Some(media_types) = tree.pointer("/components/mediaTypes").cloned() else { return };
    let mut moves = Vec::new();
    visit_nodes(tree, "", &mut |node, pointer| {
        let Some((parent, _)) = pointer.rsplit_once('/') else { return };
        if !parent.ends_with("/content") {
            return;
        }
        let Some(Value::String(reference)) = node.get("$ref") else { return };
        let Some(name) = reference.strip_prefix("#/components/mediaTypes/") else { return };
        if let Some(Value::Object(media)) = media_types.get(unescape_segment(name)) {
            moves.push((pointer.to_owned(), format!("/components/mediaTypes/{name}")));
            *node = media.clone();
        }
    });
    for (converted, original) in moves {
        cx.map.record(converted, original);
    }
    if let Some(Value::Object(components)) = tree.get_mut("components") {
        components.remove("mediaTypes");
    }
}

/// `query` and `additionalOperations`: a path item of their own each (see the module docs).
fn methods(tree: &mut Value, cx: &mut Context) {
    let Some(Value::Object(paths)) = tree.get_mut("paths") else { return };
    let mut added = Vec::new();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let mut moved: Vec<(String, Value, String)> = Vec::new(); // (method, operation, original pointer)
        let at = push_pointer("/paths", path);
        if let Some(query) = item.remove("query") {
            moved.push(("QUERY".into(), query, push_pointer(&at, "query")));
        }
        if let Some(Value::Object(more)) = item.remove("additionalOperations") {
            for (method, operation) in more {
                let original = push_pointer(&push_pointer(&at, "additionalOperations"), &method);
                let upper = method.to_ascii_uppercase();
                let token = !upper.is_empty()
                    && upper.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.!#$%&'*+^`|~".contains(&b));
                if METHODS.contains(&method.to_ascii_lowercase().as_str()) || upper == "QUERY" || !token {
                    cx.warn(
                        Kind::Unused32,
                        &original,
                        format!(
                            "{} in `additionalOperations` is not a method of its own (a fixed field's method, or \
                             no HTTP method name); the operation is left out",
                            quoted(&method)
                        ),
                    );
                    continue;
                }
                moved.push((upper, operation, original));
            }
        }
        for (method, mut operation, original) in moved {
            if let Value::Object(map) = &mut operation {
                map.insert(METHOD.into(), Value::String(method.clone()));
                map.insert(PATH.into(), Value::String(path.clone()));
            }
            let mut synthetic = Map::new();
            for key in ["parameters", "servers", "summary", "description"] {
                if let Some(value) = item.get(key) {
                    synthetic.insert(key.into(), value.clone());
                }
            }
            synthetic.insert("post".into(), operation);
            let key = format!("{path} {method}");
            let new_at = push_pointer("/paths", &key);
            added.push((key, Value::Object(synthetic), new_at, original, at.clone()));
        }
    }
    for (key, item, new_at, original, item_at) in added {
        cx.map.record(push_pointer(&new_at, "post"), original);
        cx.map.record(new_at, item_at);
        paths.insert(key, item);
    }
}

/// `in: querystring` parameters (see the module docs).
fn query_strings(tree: &mut Value, cx: &mut Context) {
    let components = tree.get("components").cloned().unwrap_or(Value::Null);
    let mut warnings = Vec::new();
    let mut moves = Vec::new();
    visit_nodes(tree, "", &mut |node, pointer| {
        let Some(Value::Array(parameters)) = node.get_mut("parameters") else { return };
        let list_at = push_pointer(pointer, "parameters");
        let mut out = Vec::with_capacity(parameters.len());
        for (index, parameter) in std::mem::take(parameters).into_iter().enumerate() {
            let resolved = resolve_local(&parameter, &components).unwrap_or(&parameter);
            if resolved.get("in").and_then(Value::as_str) != Some("querystring") {
                out.push(parameter);
                continue;
            }
            let at = push_pointer(&list_at, &index.to_string());
            let content = resolved.get("content").and_then(Value::as_object);
            let form = content
                .and_then(|c| c.iter().find(|(media, _)| media.starts_with("application/x-www-form-urlencoded")));
            let schema = form.and_then(|(_, media)| media.get("schema"));
            let object = schema.map(|s| resolve_local(s, &components).unwrap_or(s));
            let properties = object.and_then(|o| o.get("properties")).and_then(Value::as_object);
            let Some(properties) = properties else {
                warnings.push((
                    at,
                    "an `in: querystring` parameter is generated only when its content is a form-encoded object \
                     (`application/x-www-form-urlencoded`); this one is left out"
                        .to_owned(),
                ));
                continue;
            };
            let required: Vec<&str> = object
                .and_then(|o| o.get("required"))
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (name, property) in properties {
                moves.push((push_pointer(&list_at, &out.len().to_string()), at.clone()));
                out.push(json!({
                    "name": name,
                    "in": "query",
                    "required": required.contains(&name.as_str()),
                    "style": "form",
                    "explode": true,
                    "schema": property,
                }));
            }
        }
        *parameters = out;
    });
    for (converted, original) in moves {
        cx.map.record(converted, original);
    }
    for (pointer, message) in warnings {
        cx.warn(Kind::Unused32, &pointer, message);
    }
}

/// `defaultMapping` kept under an extension; the device authorization flow and
/// `oauth2MetadataUrl`, which the client does not run, said.
fn discriminators_and_flows(tree: &mut Value, cx: &mut Context) {
    let mut warnings = Vec::new();
    visit_nodes(tree, "", &mut |node, pointer| {
        if let Some(Value::Object(discriminator)) = node.get_mut("discriminator") {
            if let Some(default) = discriminator.remove("defaultMapping") {
                discriminator.insert(DEFAULT_MAPPING.into(), default);
            }
        }
        if node.get("type").and_then(Value::as_str) == Some("oauth2") {
            if let Some(Value::Object(flows)) = node.get_mut("flows") {
                if flows.remove("deviceAuthorization").is_some() {
                    warnings.push((
                        format!("{pointer}/flows/deviceAuthorization"),
                        "the OAuth2 device authorization flow is not run by the client (it needs a person to \
                         confirm on another device); it is left out of `OAUTH2_FLOWS`: get the tokens with it by \
                         other means and give them to `runtime::OAuth2` or a `TokenProvider`"
                            .to_owned(),
                    ));
                }
            }
            if node.contains_key("oauth2MetadataUrl")
                && node.get("flows").is_none_or(|f| f.as_object().is_none_or(Map::is_empty))
            {
                warnings.push((
                    format!("{pointer}/oauth2MetadataUrl"),
                    "the flows are not read from `oauth2MetadataUrl` (the server's metadata is not fetched at \
                     generation); the scheme has no flows here"
                        .to_owned(),
                ));
            }
        }
    });
    for (pointer, message) in warnings {
        cx.warn(Kind::Unused32, &pointer, message);
    }
}

/// Tags' `summary` and `parent` (3.2), carried into their description for the docs.
fn tags(tree: &mut Value) {
    let Some(Value::Array(tags)) = tree.get_mut("tags") else { return };
    for tag in tags.iter_mut().filter_map(Value::as_object_mut) {
        let summary = tag.get("summary").and_then(Value::as_str).map(str::to_owned);
        let parent = tag.get("parent").and_then(Value::as_str).map(str::to_owned);
        if summary.is_none() && parent.is_none() {
            continue;
        }
        let description = tag.get("description").and_then(Value::as_str).unwrap_or("").to_owned();
        let mut text = summary.unwrap_or_default();
        if !description.is_empty() {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&description);
        }
        if let Some(parent) = parent {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&format!("Part of the `{parent}` group of operations."));
        }
        tag.insert("description".into(), Value::String(text));
    }
}
