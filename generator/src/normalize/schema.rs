//! The schema rules: JSON Schema 2020-12 (OpenAPI 3.1) and Swagger 2.0 keywords in their 3.0
//! form, and 3.0 schemas mended where `openapiv3` would read them as "any value".

use serde_json::{json, Map, Value};

use super::{Context, Version, TUPLE};
use crate::diagnostic::{push_pointer, Kind};

/// The keywords `openapiv3` reads per type; one of another type's makes it "any value".
const TYPED: &[(&str, &[&str])] = &[
    ("string", &["format", "pattern", "enum", "minLength", "maxLength"]),
    ("number", &["format", "multipleOf", "exclusiveMinimum", "exclusiveMaximum", "minimum", "maximum", "enum"]),
    ("integer", &["format", "multipleOf", "exclusiveMinimum", "exclusiveMaximum", "minimum", "maximum", "enum"]),
    ("boolean", &["enum"]),
    ("object", &["properties", "required", "additionalProperties", "minProperties", "maxProperties"]),
    ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
];

/// Every keyword of [`TYPED`].
const ALL_TYPED: &[&str] = &[
    "format",
    "pattern",
    "enum",
    "minLength",
    "maxLength",
    "multipleOf",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minimum",
    "maximum",
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
];

/// JSON Schema keywords that only validate or annotate: they change no Rust type, so they are
/// dropped without a word. (`$defs` and `definitions` go too, but into the context's stash: a
/// `$ref` into them is resolved by hoisting its target.)
const VALIDATION_ONLY: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$comment",
    "$vocabulary",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "if",
    "then",
    "else",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
    "contentSchema",
];

/// Siblings of a `$ref` that mean something for the field or type that uses it.
const REF_SIBLINGS: &[&str] =
    &["description", "title", "nullable", "default", "deprecated", "readOnly", "writeOnly", "example"];

const COMBINATORS: &[&str] = &["allOf", "oneOf", "anyOf", "not"];

/// Applies the schema rules to the schema at `pointer`, and to every schema inside it.
pub(super) fn fix(node: &mut Value, pointer: &str, cx: &mut Context) {
    if let Value::Bool(valid) = node {
        if !*valid {
            cx.warn(Kind::FalseSchema, pointer, "a `false` schema (no value is valid) is read as any value");
        }
        *node = json!({});
        return;
    }
    let Value::Object(map) = node else { return };
    if cx.version == Version::Swagger2 {
        swagger_keywords(map);
    }
    if map.contains_key("$ref") {
        ref_with_siblings(map, cx.version);
        if let Some(Value::String(reference)) = map.get("$ref") {
            if needs_hoisting(reference) {
                cx.deep_refs.push(reference.clone());
            }
            return;
        }
    }
    keyword_value_types(map, pointer, cx);
    if let Some(reference) = map.remove("$dynamicRef") {
        cx.warn(
            Kind::DynamicRef,
            &push_pointer(pointer, "$dynamicRef"),
            format!("`$dynamicRef` {reference} (a generic schema) is read as any value"),
        );
    }
    if map.remove("not").is_some() {
        let what = if map.contains_key("type") { "the declared type is kept" } else { "any other value is accepted" };
        cx.warn(Kind::Not, &push_pointer(pointer, "not"), format!("`not` is not checked: {what}"));
    }
    null_alternatives(map);
    type_array(map, pointer, cx);
    if let Some(value) = map.remove("const") {
        if !map.contains_key("type") {
            if let Some(ty) = json_type(&value) {
                map.insert("type".into(), ty.into());
            }
        }
        map.insert("enum".into(), Value::Array(vec![value]));
    }
    enum_type(map);
    if let Some(Value::Array(examples)) = map.remove("examples") {
        if let (false, Some(first)) = (map.contains_key("example"), examples.into_iter().next()) {
            map.insert("example".into(), first);
        }
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Number(limit)) = map.get(exclusive).cloned() {
            map.insert(bound.into(), Value::Number(limit));
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
    content_encoding(map);
    if let Some(unevaluated) = map.remove("unevaluatedProperties") {
        map.entry("additionalProperties").or_insert(unevaluated);
    }
    if let Some(Value::Object(patterns)) = map.remove("patternProperties") {
        if let (false, Some((_, first))) = (map.contains_key("additionalProperties"), patterns.into_iter().next()) {
            map.insert("additionalProperties".into(), first);
        }
    }
    for keyword in VALIDATION_ONLY {
        map.remove(*keyword);
    }
    for keyword in ["$defs", "definitions"] {
        if let Some(defs) = map.remove(keyword) {
            cx.stash.push((push_pointer(pointer, keyword), defs));
        }
    }
    simplify_all_of(map);
    prefix_items(map, pointer, cx);
    stray_keywords(map, pointer, cx);
    integer_bounds(map, pointer, cx);
    subschemas(map, pointer, cx);
}

/// The JSON type each keyword's value must have; a keyword with another (`pattern: 0`, a
/// `type` that is an object, `required: true` on a property) is a bug of the spec: it is
/// removed, with a warning, and the rest of the schema stands.
fn keyword_value_types(map: &mut Map<String, Value>, pointer: &str, cx: &mut Context) {
    let string = |v: &Value| v.is_string();
    let count = |v: &Value| v.is_u64();
    let number = |v: &Value| v.is_number();
    let boolean = |v: &Value| v.is_boolean();
    let array = |v: &Value| v.is_array();
    let object = |v: &Value| v.is_object();
    type Rule<'r> = (&'r str, &'r str, &'r dyn Fn(&Value) -> bool);
    let rules: &[Rule] = &[
        ("pattern", "a string", &string),
        ("format", "a string", &string),
        ("title", "a string", &string),
        ("description", "a string", &string),
        ("type", "a string or an array of strings", &|v| {
            v.is_string() || v.as_array().is_some_and(|items| items.iter().all(Value::is_string))
        }),
        ("minLength", "a non-negative integer", &count),
        ("maxLength", "a non-negative integer", &count),
        ("minItems", "a non-negative integer", &count),
        ("maxItems", "a non-negative integer", &count),
        ("minProperties", "a non-negative integer", &count),
        ("maxProperties", "a non-negative integer", &count),
        ("minimum", "a number", &number),
        ("maximum", "a number", &number),
        ("multipleOf", "a number", &number),
        ("exclusiveMinimum", "a boolean or a number", &|v| v.is_boolean() || v.is_number()),
        ("exclusiveMaximum", "a boolean or a number", &|v| v.is_boolean() || v.is_number()),
        ("uniqueItems", "a boolean", &boolean),
        ("nullable", "a boolean", &boolean),
        ("readOnly", "a boolean", &boolean),
        ("writeOnly", "a boolean", &boolean),
        ("deprecated", "a boolean", &boolean),
        ("required", "an array of property names", &|v| {
            v.as_array().is_some_and(|items| items.iter().all(Value::is_string))
        }),
        ("enum", "an array", &array),
        ("allOf", "an array of schemas", &array),
        ("oneOf", "an array of schemas", &array),
        ("anyOf", "an array of schemas", &array),
        ("properties", "an object of schemas", &object),
        ("discriminator", "an object", &object),
        ("xml", "an object", &object),
        ("externalDocs", "an object", &object),
        ("items", "a schema", &|v| v.is_object() || v.is_boolean()),
        ("additionalProperties", "a schema or a boolean", &|v| v.is_object() || v.is_boolean()),
    ];
    // Draft-04's tuple form, `items: [a, b]`, is 2020-12's `prefixItems`.
    if let Some(Value::Array(_)) = map.get("items") {
        if !map.contains_key("prefixItems") {
            let tuple = map.remove("items").unwrap_or_default();
            map.insert("prefixItems".into(), tuple);
        }
    }
    for (keyword, wanted, fits) in rules {
        let Some(value) = map.get(*keyword) else { continue };
        if fits(value) {
            continue;
        }
        let shown = match value {
            Value::String(text) => crate::diagnostic::quoted(text),
            other => {
                let text = other.to_string();
                let cut: String = text.chars().take(60).collect();
                format!("`{cut}{}`", if cut.len() < text.len() { "…" } else { "" })
            }
        };
        map.remove(*keyword);
        cx.warn(
            Kind::KeywordValueType,
            &push_pointer(pointer, keyword),
            format!("`{keyword}` must be {wanted}, not {shown}; it is ignored"),
        );
    }
}

/// Swagger 2.0's own schema keywords: `x-nullable`, a string `discriminator`, `type: file`.
fn swagger_keywords(map: &mut Map<String, Value>) {
    if let Some(nullable) = map.remove("x-nullable") {
        map.insert("nullable".into(), nullable);
    }
    if let Some(Value::String(property)) = map.get("discriminator").cloned() {
        map.insert("discriminator".into(), json!({ "propertyName": property }));
    }
    if map.get("type").and_then(Value::as_str) == Some("file") {
        map.insert("type".into(), "string".into());
        map.insert("format".into(), "binary".into());
    }
}

/// A `$ref` with siblings (3.1, and Swagger 2.0 documents in practice): the siblings that mean
/// something for the user (description, nullable, default, ...) apply, through the 3.0 idiom
/// `allOf: [$ref]`; the others are dropped. 3.0 says siblings are ignored, so 3.0 documents
/// keep that.
fn ref_with_siblings(map: &mut Map<String, Value>, version: Version) {
    if map.len() == 1 {
        return;
    }
    let reference = map.remove("$ref").unwrap_or_default();
    let meaningful = version != Version::OpenApi30 && map.keys().any(|key| REF_SIBLINGS.contains(&key.as_str()));
    if meaningful {
        map.retain(|key, _| REF_SIBLINGS.contains(&key.as_str()) || key.starts_with("x-"));
        map.insert("allOf".into(), json!([{ "$ref": reference }]));
    } else {
        map.clear();
        map.insert("$ref".into(), reference);
    }
}

/// `type: [T, "null"]` is 3.0's `nullable`; several non-null types become a `oneOf` of one
/// schema per type, each with the keywords that apply to it (an untagged enum).
fn type_array(map: &mut Map<String, Value>, pointer: &str, cx: &mut Context) {
    let types: Vec<String> = match map.get("type") {
        Some(Value::Array(types)) => types.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect(),
        Some(Value::String(single)) if single == "null" => vec![single.clone()],
        _ => return,
    };
    map.remove("type");
    let mut others: Vec<String> = types.iter().filter(|t| *t != "null").cloned().collect();
    others.dedup();
    if others.len() < types.len() {
        map.insert("nullable".into(), Value::Bool(true));
    }
    match others.as_slice() {
        [] => {}
        [single] => {
            map.insert("type".into(), single.clone().into());
        }
        several => {
            if COMBINATORS.iter().any(|keyword| map.contains_key(*keyword)) {
                // The alternatives decide the type (`lower` reads a `oneOf` beside a `type` as
                // the `oneOf`). Only types that no alternative can supply are worth a word.
                let keyword = first_combinator(map);
                let alternatives = map.get(keyword).and_then(Value::as_array).cloned().unwrap_or_default();
                let opaque = alternatives.iter().any(|a| a.get("type").is_none());
                let declared: Vec<&str> = alternatives.iter().filter_map(|a| a.get("type")?.as_str()).collect();
                let missing: Vec<&String> = several
                    .iter()
                    .filter(|ty| !(declared.contains(&ty.as_str()) || *ty == "number" && declared.contains(&"integer")))
                    .collect();
                if !opaque && !missing.is_empty() && keyword != "allOf" {
                    let missing: Vec<String> = missing.iter().map(|ty| format!("`{ty}`")).collect();
                    cx.warn(
                        Kind::SeveralTypes,
                        &push_pointer(pointer, "type"),
                        format!(
                            "the types beside `{keyword}` are not used, the alternatives decide: {} not among them",
                            missing.join(", ")
                        ),
                    );
                }
                return;
            }
            // An integer is a number too: keep both as alternatives, integer first.
            let alternatives: Vec<Value> = several
                .iter()
                .map(|ty| {
                    let mut alternative = Map::new();
                    alternative.insert("type".into(), ty.clone().into());
                    let allowed = TYPED.iter().find(|(name, _)| name == ty).map_or(&[][..], |(_, keys)| *keys);
                    for keyword in allowed {
                        if let Some(value) = map.get(*keyword) {
                            alternative.insert((*keyword).into(), value.clone());
                        }
                    }
                    Value::Object(alternative)
                })
                .collect();
            for keyword in ALL_TYPED {
                map.remove(*keyword);
            }
            map.insert("oneOf".into(), Value::Array(alternatives));
        }
    }
}

fn first_combinator(map: &Map<String, Value>) -> &'static str {
    COMBINATORS.iter().find(|keyword| map.contains_key(**keyword)).copied().unwrap_or("oneOf")
}

/// `oneOf`/`anyOf: [X, {type: "null"}]`, 3.1's nullable reference: the null alternative goes,
/// the schema becomes nullable, and a single remaining alternative stands for itself.
fn null_alternatives(map: &mut Map<String, Value>) {
    for keyword in ["oneOf", "anyOf"] {
        let Some(Value::Array(alternatives)) = map.get_mut(keyword) else { continue };
        let is_null = |schema: &Value| {
            let ty = schema.get("type");
            ty.and_then(Value::as_str) == Some("null")
                || ty.and_then(Value::as_array).is_some_and(|types| types.len() == 1 && types[0] == "null")
                || schema.get("const") == Some(&Value::Null) && schema.as_object().is_some_and(|o| o.len() == 1)
        };
        let before = alternatives.len();
        alternatives.retain(|alternative| !is_null(alternative));
        if alternatives.len() == before {
            continue;
        }
        map.insert("nullable".into(), Value::Bool(true));
        let Some(Value::Array(alternatives)) = map.remove(keyword) else { continue };
        match <[Value; 1]>::try_from(alternatives) {
            // An inline alternative whose keywords the schema does not have merges into it
            // (`anyOf: [{type: array, items: ..}, {type: "null"}]` is a nullable array).
            Ok([Value::Object(only)]) if !only.contains_key("$ref") && only.keys().all(|k| !map.contains_key(k)) => {
                map.extend(only);
            }
            Ok([only]) => {
                map.insert("allOf".into(), Value::Array(vec![only]));
            }
            Err(alternatives) if alternatives.is_empty() => {}
            Err(alternatives) => {
                map.insert(keyword.into(), Value::Array(alternatives));
            }
        }
    }
}

/// The JSON type name of a value, for a `const` without `type`.
fn json_type(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        _ => None,
    }
}

/// An `enum` of strings without `type` is a string enum; a string enum whose values are not
/// all strings (`[1, 2]` under `type: string`) keeps them as their text.
fn enum_type(map: &mut Map<String, Value>) {
    let Some(Value::Array(values)) = map.get("enum") else { return };
    let all_strings = values.iter().all(|v| v.is_string() || v.is_null());
    let structural = ["properties", "items", "allOf", "oneOf", "anyOf", "$ref"];
    if !map.contains_key("type") && all_strings && !structural.iter().any(|k| map.contains_key(*k)) {
        map.insert("type".into(), "string".into());
    } else if map.get("type").and_then(Value::as_str) == Some("string") && !all_strings {
        let texts = values
            .iter()
            .map(|v| match v {
                Value::String(_) | Value::Null => v.clone(),
                other => Value::String(other.to_string()),
            })
            .collect();
        map.insert("enum".into(), Value::Array(texts));
    }
}

/// 3.1's `contentEncoding: base64` is 3.0's `format: byte`; a non-text `contentMediaType` is
/// `format: binary`.
fn content_encoding(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding");
    let media_type = map.remove("contentMediaType");
    if map.contains_key("format") {
        return;
    }
    let format = match (encoding.as_ref().and_then(Value::as_str), media_type.as_ref().and_then(Value::as_str)) {
        (Some("base64" | "base64url"), _) => "byte",
        (None, Some(media)) if !media.starts_with("text/") && !media.contains("json") => "binary",
        _ => return,
    };
    map.insert("format".into(), format.into());
}

/// Whether a schema `$ref` points below a component schema or outside `components/schemas`
/// (`#/components/schemas/A/properties/b`, `#/x-definitions/B`): such targets are copied into
/// `components/schemas` by [`super::hoist_deep_refs`].
pub(super) fn needs_hoisting(reference: &str) -> bool {
    match reference.strip_prefix("#/") {
        Some(path) => match path.strip_prefix("components/schemas/") {
            Some(name) => name.contains('/'),
            None => true,
        },
        None => false,
    }
}

/// Keywords that only annotate or constrain a value: an allOf part with nothing else (AWS's
/// `{xml: {name: ..}, description: ..}` beside a `$ref` to a string) adds no structure.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "nullable",
    "default",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// allOf parts that are not objects: parts that only annotate (`{nullable: true}`,
/// `{description: ..}`) give their annotations to the schema; parts of the same primitive type
/// (`[{type: string}, {type: string, minLength: 1}]`) merge into one. What remains, if a single
/// part, is read as `allOf: [part]`: that part, with the schema's annotations.
fn simplify_all_of(map: &mut Map<String, Value>) {
    let Some(Value::Array(parts)) = map.get("allOf") else { return };
    let annotation_only = |part: &Value| {
        part.as_object().is_some_and(|p| {
            !p.is_empty() && p.keys().all(|k| ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"))
        })
    };
    if !parts.iter().any(annotation_only) && !same_primitive(parts) {
        return;
    }
    let Some(Value::Array(parts)) = map.remove("allOf") else { return };
    let mut kept: Vec<Value> = Vec::new();
    for part in parts {
        if annotation_only(&part) {
            for (key, value) in part.as_object().into_iter().flatten() {
                map.entry(key.clone()).or_insert_with(|| value.clone());
            }
        } else {
            kept.push(part);
        }
    }
    if same_primitive(&kept) {
        let mut merged = Map::new();
        for part in kept.drain(..) {
            for (key, value) in part.as_object().into_iter().flatten() {
                merged.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
        kept.push(Value::Object(merged));
    }
    if !kept.is_empty() {
        map.insert("allOf".into(), Value::Array(kept));
    }
}

/// Whether `parts` are two or more inline schemas of one primitive type.
fn same_primitive(parts: &[Value]) -> bool {
    let types: Vec<Option<&str>> = parts.iter().map(|p| p.get("type").and_then(Value::as_str)).collect();
    parts.len() > 1
        && types.iter().all(|t| matches!(t, Some("string" | "integer" | "number" | "boolean")) && *t == types[0])
        && parts.iter().all(|p| p.get("$ref").is_none() && p.get("properties").is_none())
}

/// `prefixItems` (a tuple) becomes `items: {anyOf: [..], x-oag-tuple: true}`, which `lower`
/// reads as a tuple, when no other items may follow; else a list of `items`, with a warning.
fn prefix_items(map: &mut Map<String, Value>, pointer: &str, cx: &mut Context) {
    let Some(prefix) = map.remove("prefixItems") else { return };
    let closed = matches!(map.get("items"), None | Some(Value::Bool(false)));
    map.entry("type").or_insert_with(|| "array".into());
    if closed {
        map.insert("items".into(), json!({ "anyOf": prefix, TUPLE: true }));
        let items = push_pointer(pointer, "items");
        cx.map.record(push_pointer(&items, "anyOf"), push_pointer(pointer, "prefixItems"));
        cx.map.record(items, push_pointer(pointer, "prefixItems"));
    } else {
        cx.warn(
            Kind::PrefixItems,
            &push_pointer(pointer, "prefixItems"),
            "`prefixItems` followed by more `items`: read as a list of `items`, positions are not typed",
        );
    }
}

/// Keywords of another type than the declared one: dropped with a warning, so that the
/// declared type is kept (a 3.0 parser reads the schema as "any value" otherwise).
fn stray_keywords(map: &mut Map<String, Value>, pointer: &str, cx: &mut Context) {
    let Some(ty) = map.get("type").and_then(Value::as_str).map(str::to_owned) else { return };
    let Some((_, allowed)) = TYPED.iter().find(|(name, _)| *name == ty) else { return };
    if COMBINATORS.iter().any(|keyword| map.contains_key(*keyword)) {
        return;
    }
    if ty == "array" && !map.contains_key("items") {
        // An array without `items` holds any values.
        map.insert("items".into(), json!({}));
    }
    for keyword in ALL_TYPED {
        if !allowed.contains(keyword) && map.remove(*keyword).is_some() {
            cx.warn(
                Kind::KeywordForOtherType,
                &push_pointer(pointer, keyword),
                format!("`{keyword}` does not apply to `type: {ty}`; it is ignored and the type kept"),
            );
        }
    }
    // `format` on booleans, objects and arrays is the same kind of stray.
    if matches!(ty.as_str(), "boolean") && map.remove("format").is_some() {
        cx.warn(
            Kind::KeywordForOtherType,
            &push_pointer(pointer, "format"),
            format!("`format` does not apply to `type: {ty}`; it is ignored"),
        );
    }
    // Enum values of another type than the declared one.
    let fits = |value: &Value| match ty.as_str() {
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        _ => true,
    };
    if let Some(Value::Array(values)) = map.get("enum") {
        if !values.iter().all(|v| v.is_null() || fits(v)) {
            map.remove("enum");
            cx.warn(
                Kind::EnumValuesType,
                &push_pointer(pointer, "enum"),
                format!("`enum` values are not all of `type: {ty}`; the values are not checked"),
            );
        }
    }
}

/// Integer bounds beyond `i64` (`minimum: -9223372036854776000`, a rounded `i64::MIN`) or with
/// a fraction: clamped or rounded inward, since the Rust type is `i64` either way.
fn integer_bounds(map: &mut Map<String, Value>, pointer: &str, cx: &mut Context) {
    if map.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    for keyword in ["minimum", "maximum", "multipleOf"] {
        let Some(Value::Number(number)) = map.get(keyword) else { continue };
        if number.is_i64() {
            continue;
        }
        let value = number.as_f64().unwrap_or_default();
        let fixed = match keyword {
            _ if value.is_nan() => None,
            "minimum" => Some(value.ceil().clamp(i64::MIN as f64, i64::MAX as f64) as i64),
            "maximum" => Some(value.floor().clamp(i64::MIN as f64, i64::MAX as f64) as i64),
            _ => None,
        };
        match fixed {
            Some(fixed) => {
                map.insert(keyword.into(), fixed.into());
            }
            None => {
                map.remove(keyword);
                cx.warn(
                    Kind::NonIntegerBound,
                    &push_pointer(pointer, keyword),
                    format!("`{keyword}` {value} is not an integer; ignored"),
                );
            }
        }
    }
}

/// The schemas inside this one.
fn subschemas(map: &mut Map<String, Value>, pointer: &str, cx: &mut Context) {
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        let at = push_pointer(pointer, "properties");
        for (name, property) in properties.iter_mut() {
            fix(property, &push_pointer(&at, name), cx);
        }
    }
    for keyword in ["items", "not"] {
        if let Some(schema) = map.get_mut(keyword) {
            fix(schema, &push_pointer(pointer, keyword), cx);
        }
    }
    if let Some(additional @ Value::Object(_)) = map.get_mut("additionalProperties") {
        fix(additional, &push_pointer(pointer, "additionalProperties"), cx);
    }
    for keyword in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = map.get_mut(keyword) {
            let at = push_pointer(pointer, keyword);
            for (index, part) in parts.iter_mut().enumerate() {
                fix(part, &push_pointer(&at, &index.to_string()), cx);
            }
        }
    }
}
