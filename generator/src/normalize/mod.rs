//! Reads OpenAPI 3.1 and Swagger 2.0 documents by rewriting them, as JSON trees, into OpenAPI
//! 3.0 (plus a few `x-oag-*` extensions that `lower` understands), before `openapiv3` parses
//! them. 3.0 documents pass through the same schema pass, which mends what 3.0 parsers would
//! otherwise read as "any value" (a keyword that does not belong to the declared type, an
//! integer bound beyond `i64`).
//!
//! Every move is recorded in a [`PointerMap`], so that errors and warnings about the rewritten
//! tree still name the node of the document the user gave.
//!
//! Why a rewrite and not a second parser: `openapiv3` stays our one typed model, `lower` keeps
//! one input shape, and each version's differences are written once, as data-to-data rules that
//! can be read and tested on their own (the approach swagger2openapi made standard for 2.0).

mod refs;

pub(crate) use refs::{percent_decode, remove_at};
mod schema;
mod v2;
mod v31;
mod v32;

pub use v32::{DEFAULT_MAPPING, ITEM_SCHEMA, METHOD, PATH};

use serde_json::{json, Map, Value};

use crate::diagnostic::{push_pointer, unescape_segment, Kind};

/// The HTTP methods a path item may hold (3.0 and 3.1).
pub(crate) const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The root extension that lists the webhooks (3.1): name to the component schema of its
/// payload, added to `components/schemas` by the conversion.
pub const WEBHOOKS: &str = "x-oag-webhooks";
/// A query parameter's separator for arrays (Swagger 2.0's `collectionFormat: tsv`, which 3.0
/// has no style for).
pub const SEPARATOR: &str = "x-oag-separator";
/// On an array's `items: {anyOf: [..]}`: the alternatives are positional (3.1 `prefixItems`),
/// so the array is a tuple.
pub const TUPLE: &str = "x-oag-tuple";

/// The input versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Swagger2,
    OpenApi30,
    OpenApi31,
    /// 3.2: read as 3.1, with what 3.2 adds (see `v32`).
    OpenApi32,
}

/// A located problem found while normalizing: the pointer is already the user's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub kind: crate::diagnostic::Kind,
    pub pointer: String,
    pub message: String,
}

/// The rewritten document, how to find the user's nodes in it, and what was worth a warning.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub tree: Value,
    pub version: Version,
    pub map: PointerMap,
    pub warnings: Vec<Note>,
}

/// Maps pointers of the rewritten document back to the original one: pairs of prefixes,
/// the longest matching one wins. Pointers under no recorded prefix are unchanged.
#[derive(Debug, Clone, Default)]
pub struct PointerMap {
    moves: Vec<(String, String)>,
}

impl PointerMap {
    /// Records that the node now at `converted` (and everything below it) was at `original`.
    pub fn record(&mut self, converted: impl Into<String>, original: impl Into<String>) {
        let converted = converted.into();
        let original = original.into();
        if converted != original {
            self.moves.push((converted, original));
        }
    }

    /// The original pointer of the node at `pointer` of the rewritten document. A node may
    /// have moved more than once (a callback copied from `components` into an operation,
    /// then its payload into `components/schemas`): the map is followed to the end.
    pub fn original(&self, pointer: &str) -> String {
        let mut current = self.step(pointer);
        for _ in 0..8 {
            let next = self.step(&current);
            if next == current {
                break;
            }
            current = next;
        }
        current
    }

    fn step(&self, pointer: &str) -> String {
        let best = self
            .moves
            .iter()
            .filter(|(converted, _)| {
                pointer == converted
                    || (pointer.starts_with(converted.as_str())
                        && pointer.as_bytes().get(converted.len()) == Some(&b'/'))
            })
            .max_by_key(|(converted, _)| converted.len());
        match best {
            Some((converted, original)) => format!("{original}{}", &pointer[converted.len()..]),
            None => pointer.to_owned(),
        }
    }
}

/// Finds the document's version: checked before anything else, so that a document of another
/// version gets one clear error at `#/openapi` (or `#/swagger`) instead of a confusing one deeper.
pub fn detect(tree: &Value) -> Result<Version, Note> {
    let note = |pointer: &str, message: String| Note { kind: Kind::Error, pointer: pointer.to_owned(), message };
    let Value::Object(root) = tree else {
        let message = match tree {
            Value::Null => "the document is empty",
            _ => "the document is not an object, so not an OpenAPI document",
        };
        return Err(note("", message.to_owned()));
    };
    // YAML reads `openapi: 3.1` (unquoted) as a number.
    let text = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    };
    match (root.get("openapi"), root.get("swagger")) {
        (Some(version), _) => {
            let shown = text(version).unwrap_or_else(|| version.to_string());
            let unsupported = || {
                note(
                    "/openapi",
                    format!(
                        "unsupported OpenAPI version {}: this generator reads OpenAPI 3.0.x, 3.1.x and 3.2.x and Swagger 2.0",
                        crate::diagnostic::quoted(&shown)
                    ),
                )
            };
            let version = text(version).ok_or_else(unsupported)?;
            let mut parts = version.split('.');
            match (parts.next(), parts.next()) {
                (Some("3"), Some("0")) => Ok(Version::OpenApi30),
                (Some("3"), Some("1")) => Ok(Version::OpenApi31),
                (Some("3"), Some("2")) => Ok(Version::OpenApi32),
                _ => Err(unsupported()),
            }
        }
        (None, Some(version)) => match text(version).as_deref() {
            Some("2.0" | "2") => Ok(Version::Swagger2),
            _ => Err(note(
                "/swagger",
                format!(
                    "unsupported Swagger version {}: this generator reads Swagger 2.0 and OpenAPI 3.0.x, 3.1.x and 3.2.x",
                    crate::diagnostic::quoted(&text(version).unwrap_or_else(|| version.to_string()))
                ),
            )),
        },
        (None, None) => {
            Err(note("", "no `openapi` (or `swagger`) version field: this is not an OpenAPI document".to_owned()))
        }
    }
}

/// Rewrites `tree` into OpenAPI 3.0.
pub fn normalize(mut tree: Value) -> Result<Normalized, Note> {
    let version = detect(&tree)?;
    let mut cx = Context::new(version);
    match version {
        Version::Swagger2 => v2::convert(&mut tree, &mut cx)?,
        Version::OpenApi31 => v31::convert(&mut tree, &mut cx)?,
        Version::OpenApi32 => {
            v31::convert(&mut tree, &mut cx)?;
            v32::convert(&mut tree, &mut cx);
        }
        Version::OpenApi30 => {}
    }
    v32::item_schemas(&mut tree, &mut cx);
    fill_required_fields(&mut tree, &mut cx);
    walk_document(&mut tree, &mut cx);
    refs::settle_references(&mut tree, &mut cx);
    callbacks(&mut tree, &mut cx);
    hoist_deep_refs(&mut tree, &mut cx);
    refs::dangling_schemas(&mut tree, &mut cx);
    let Context { map, warnings, .. } = cx;
    let warnings = warnings.into_iter().map(|note| Note { pointer: map.original(&note.pointer), ..note }).collect();
    Ok(Normalized { tree, version, map, warnings })
}

/// Settles the references of a normalized tree again, after `load` left out an invalid node
/// that other nodes may refer to: references to it become dangling ones, each with its
/// warning (returned at the user's pointers).
pub fn resettle(normalized: &mut Normalized) -> Vec<Note> {
    let mut cx = Context { map: std::mem::take(&mut normalized.map), ..Context::new(normalized.version) };
    refs::settle_references(&mut normalized.tree, &mut cx);
    refs::dangling_schemas(&mut normalized.tree, &mut cx);
    let Context { map, warnings, .. } = cx;
    let warnings = warnings.into_iter().map(|note| Note { pointer: map.original(&note.pointer), ..note }).collect();
    normalized.map = map;
    warnings
}

/// What the conversion passes share.
pub(crate) struct Context {
    pub version: Version,
    pub map: PointerMap,
    /// Warnings at pointers of the rewritten tree; mapped back at the end.
    pub warnings: Vec<Note>,
    /// Schema `$ref`s to nodes that are not component schemas (see [`hoist_deep_refs`]).
    pub deep_refs: Vec<String>,
    /// Nested `$defs`/`definitions` taken out of schemas (which 3.0 parsers do not expect), by
    /// pointer, for the references into them.
    pub stash: Vec<(String, Value)>,
}

impl Context {
    /// Nothing recorded yet, for a document of `version`.
    pub fn new(version: Version) -> Self {
        Self { version, map: PointerMap::default(), warnings: Vec::new(), deep_refs: Vec::new(), stash: Vec::new() }
    }

    pub fn warn(&mut self, kind: Kind, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Note { kind, pointer: pointer.to_owned(), message: message.into() });
    }
}

/// How to read a node of the document (outside schemas).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Node {
    /// An object of fixed fields (an operation, a parameter, ...).
    Plain,
    /// A map from names to objects of fixed fields (`paths`, `responses`, `content`, ...).
    Named,
    /// A map from names to schemas (`components/schemas`).
    Schemas,
}

/// Members whose value is a map from names to plain objects.
const NAMED_MAPS: &[&str] = &[
    "paths",
    "responses",
    "content",
    "headers",
    "callbacks",
    "links",
    "encoding",
    "securitySchemes",
    "requestBodies",
    "parameters",
    "pathItems",
    "webhooks",
    "variables",
];

/// [`walk`] of the whole document, its `components` on a second thread (in a huge document,
/// about half of it). What the two halves record is joined in the order one walk records it:
/// the same result, sooner.
fn walk_document(tree: &mut Value, cx: &mut Context) {
    let Value::Object(map) = tree else { return walk(tree, "", Node::Plain, cx) };
    std::thread::scope(|scope| {
        let mut components = None;
        for (key, child) in map.iter_mut() {
            if key == "components" {
                let mut own = Context::new(cx.version);
                let marks = (cx.map.moves.len(), cx.warnings.len(), cx.deep_refs.len(), cx.stash.len());
                components = Some((
                    marks,
                    scope.spawn(move || {
                        walk_member(key, child, "", Node::Plain, &mut own);
                        own
                    }),
                ));
                continue;
            }
            walk_member(key, child, "", Node::Plain, cx);
        }
        let Some(((moves, warnings, deep_refs, stash), worker)) = components else { return };
        let own = worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        cx.map.moves.splice(moves..moves, own.map.moves);
        cx.warnings.splice(warnings..warnings, own.warnings);
        cx.deep_refs.splice(deep_refs..deep_refs, own.deep_refs);
        cx.stash.splice(stash..stash, own.stash);
    });
}

/// Visits every schema of a 3.0-shaped document and applies the schema rules to it.
fn walk(node: &mut Value, pointer: &str, kind: Node, cx: &mut Context) {
    match node {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                walk_member(key, child, pointer, kind, cx);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                walk(item, &push_pointer(pointer, &index.to_string()), Node::Plain, cx);
            }
        }
        _ => {}
    }
}

/// The member `key` of the object at `pointer` (of kind `kind`), walked.
fn walk_member(key: &str, child: &mut Value, pointer: &str, kind: Node, cx: &mut Context) {
    let at = push_pointer(pointer, key);
    match kind {
        Node::Schemas => schema::fix(child, &at, cx),
        Node::Named => walk(child, &at, Node::Plain, cx),
        Node::Plain => {
            if key.starts_with("x-") || matches!(key, "example" | "examples" | "default") {
                return;
            }
            if key == "schema" {
                schema::fix(child, &at, cx);
            } else if key == "schemas" && pointer == "/components" {
                walk(child, &at, Node::Schemas, cx);
            } else if NAMED_MAPS.contains(&key) {
                walk(child, &at, Node::Named, cx);
            } else {
                walk(child, &at, Node::Plain, cx);
            }
        }
    }
}

/// Operations' `callbacks` (requests the API sends back to a URL the caller gave): their JSON
/// payloads become component schemas and are decoded like webhooks. A callback is named by its
/// name, or by `<operationId> <name>` when several operations use that name.
fn callbacks(tree: &mut Value, cx: &mut Context) {
    let mut found: Vec<(String, String, String, Map<String, Value>)> = Vec::new(); // (operation, name, pointer, item)
    for (path, item) in tree.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for method in METHODS {
            let Some(operation) = item.get(*method) else { continue };
            let Some(callbacks) = operation.get("callbacks").and_then(Value::as_object) else { continue };
            let operation_id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .map_or_else(|| format!("{method} {path}"), str::to_owned);
            let at = push_pointer(&push_pointer(&push_pointer("/paths", path), method), "callbacks");
            for (name, callback) in callbacks {
                for (expression, item) in callback.as_object().into_iter().flatten() {
                    let Some(item) = item.as_object() else { continue };
                    let pointer = push_pointer(&push_pointer(&at, name), expression);
                    found.push((operation_id.clone(), name.clone(), pointer, item.clone()));
                }
            }
        }
    }
    let items = found
        .iter()
        .map(|(operation, name, pointer, item)| {
            let shared = found.iter().any(|(other, same, _, _)| same == name && other != operation);
            let name = if shared { format!("{operation} {name}") } else { name.clone() };
            (name, pointer.clone(), item.clone())
        })
        .collect();
    v31::add_payloads(tree, items, "Callback", cx);
}

/// Fields 3.0 requires that real documents leave out: `info.title` and `info.version` (3.1
/// documents without a version exist), a response's `description`. Filled in, with a warning
/// for the `info` ones.
fn fill_required_fields(tree: &mut Value, cx: &mut Context) {
    if let Some(info) = tree.get_mut("info").and_then(Value::as_object_mut) {
        for (field, default) in [("title", "API"), ("version", "")] {
            if !info.contains_key(field) {
                info.insert(field.into(), default.into());
                cx.warn(Kind::InfoField, "/info", format!("`info` has no `{field}`"));
            }
        }
    }
    let fill = |responses: Option<&mut Value>| {
        for response in responses.and_then(Value::as_object_mut).into_iter().flat_map(|r| r.values_mut()) {
            if let Some(response) = response.as_object_mut().filter(|r| !r.contains_key("$ref")) {
                response.entry("description").or_insert_with(|| "".into());
            }
        }
    };
    fill(tree.pointer_mut("/components/responses"));
    let mut missing = Vec::new();
    for section in ["paths", "webhooks"] {
        let Some(Value::Object(paths)) = tree.get_mut(section) else { continue };
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, operation) in item.iter_mut() {
                let Some(operation) = operation.as_object_mut().filter(|_| METHODS.contains(&method.as_str())) else {
                    continue;
                };
                // 3.1 makes `responses` optional (3.0 requires it): any success, no body.
                if !operation.contains_key("responses") {
                    operation.insert(
                        "responses".into(),
                        json!({"2XX": {"description": "Success (the spec declares no responses)."}}),
                    );
                    missing.push(push_pointer(&push_pointer(&format!("/{section}"), path), method));
                }
                fill(operation.get_mut("responses"));
                // The operations of its callbacks (requests the API sends): no type depends on
                // their responses.
                let callbacks = operation.get_mut("callbacks").and_then(Value::as_object_mut);
                for callback in callbacks.into_iter().flat_map(|c| c.values_mut()).filter_map(Value::as_object_mut) {
                    for item in callback.values_mut().filter_map(Value::as_object_mut) {
                        for (method, operation) in item.iter_mut() {
                            if let Some(operation) =
                                operation.as_object_mut().filter(|_| METHODS.contains(&method.as_str()))
                            {
                                operation.entry("responses").or_insert_with(|| json!({}));
                                fill(operation.get_mut("responses"));
                            }
                        }
                    }
                }
            }
        }
    }
    if !matches!(cx.version, Version::OpenApi31 | Version::OpenApi32) {
        for pointer in missing {
            cx.warn(
                Kind::MissingResponses,
                &pointer,
                "the operation declares no `responses`; any 2XX status is its success, without a body",
            );
        }
    }
}

/// Schema `$ref`s to a node below a component schema or outside `components/schemas`
/// (`#/components/schemas/A/properties/b`, Swagger extensions like `#/x-stream-definitions/B`):
/// the node is copied into `components/schemas`, named after its last meaningful segments,
/// and the references point there.
fn hoist_deep_refs(tree: &mut Value, cx: &mut Context) {
    // A hoisted schema may hold deep references of its own: a few rounds at most.
    for _ in 0..8 {
        let mut references = std::mem::take(&mut cx.deep_refs);
        references.sort();
        references.dedup();
        if references.is_empty() {
            return;
        }
        hoist_round(tree, references, cx);
    }
}

fn hoist_round(tree: &mut Value, references: Vec<String>, cx: &mut Context) {
    let mut taken: Vec<String> = tree
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut renames = Vec::new();
    let mut hoisted = Vec::new();
    for reference in references {
        let pointer = &reference[1..];
        // A reference that resolves nowhere is left for `lower` to report.
        let stashed = || {
            cx.stash.iter().find_map(|(at, defs)| {
                let rest = pointer.strip_prefix(at.as_str())?;
                if rest.is_empty() {
                    Some(defs)
                } else {
                    rest.starts_with('/').then(|| defs.pointer(rest)).flatten()
                }
            })
        };
        let (target, decoded) = match refs::resolve(tree, pointer) {
            Some((value, decoded)) => (value.clone(), decoded),
            None => match stashed() {
                Some(value) => (value.clone(), pointer.to_owned()),
                None => continue,
            },
        };
        let pointer = decoded.as_str();
        let segments: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(unescape_segment)
            .filter(|s| {
                !matches!(s.as_str(), "components" | "schemas" | "properties" | "items" | "definitions" | "$defs")
                    && s.parse::<usize>().is_err()
                    && !matches!(s.as_str(), "allOf" | "oneOf" | "anyOf" | "additionalProperties")
            })
            .collect();
        let mut name = segments.iter().rev().take(2).rev().cloned().collect::<Vec<_>>().join("_");
        if name.is_empty() {
            name = "Schema".to_owned();
        }
        while taken.contains(&name) {
            name.push('_');
        }
        taken.push(name.clone());
        let at = push_pointer("/components/schemas", &name);
        cx.map.record(at.clone(), pointer);
        let mut target = target;
        schema::fix(&mut target, &at, cx);
        renames.push((reference.clone(), format!("#{at}")));
        hoisted.push((name, target));
    }
    if let Some(schemas) = object_at(tree, &["components", "schemas"]) {
        schemas.extend(hoisted);
    }
    rewrite_refs(tree, &mut |reference| renames.iter().find(|(old, _)| old == reference).map(|(_, new)| new.clone()));
}

/// `tree[pointer]` as an object, created (with every missing parent) if absent.
pub(crate) fn object_at<'t>(tree: &'t mut Value, segments: &[&str]) -> Option<&'t mut Map<String, Value>> {
    let mut node = tree;
    for segment in segments {
        node = node.as_object_mut()?.entry(segment.to_string()).or_insert_with(|| Value::Object(Map::new()));
    }
    node.as_object_mut()
}

/// How a member of a document node is read, decided by where it stands and not by its key
/// alone: under `properties` (and the other maps of names) every key is a name, so a property
/// called `enum`, `default` or `$ref` is a schema like any other (Kubernetes' `JSONSchemaProps`
/// has all of them); elsewhere `example`, `enum`, `default`, ... hold values, not nodes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Member {
    /// A node of the document (a schema, an operation, ...).
    Node,
    /// A map whose keys are names and whose values are nodes.
    Names,
    /// A value (an example, a default, an enum's values): never a node.
    Value,
}

/// What the member `key` of a node is (see [`Member`]).
pub(crate) fn member(key: &str) -> Member {
    match key {
        "example" | "examples" | "const" | "enum" | "default" => Member::Value,
        "properties"
        | "patternProperties"
        | "$defs"
        | "definitions"
        | "dependentSchemas"
        | "schemas"
        | "parameters"
        | "responses"
        | "requestBodies"
        | "headers"
        | "securitySchemes"
        | "securityDefinitions"
        | "links"
        | "callbacks"
        | "pathItems"
        | "webhooks"
        | "paths"
        | "content"
        | "encoding"
        | "variables" => Member::Names,
        _ => Member::Node,
    }
}

/// Calls `visit` on every node of the document (every object that is not a value), with its
/// pointer, walking by structure (see [`Member`]).
pub(crate) fn visit_nodes(node: &mut Value, pointer: &str, visit: &mut impl FnMut(&mut Map<String, Value>, &str)) {
    visit_in(node, pointer, Member::Node, visit)
}

fn visit_in(node: &mut Value, pointer: &str, kind: Member, visit: &mut impl FnMut(&mut Map<String, Value>, &str)) {
    match node {
        Value::Object(map) => {
            if kind == Member::Node {
                visit(map, pointer);
            }
            for (key, child) in map.iter_mut() {
                let at = push_pointer(pointer, key);
                let child_kind = match kind {
                    Member::Names => Member::Node,
                    _ => member(key),
                };
                if child_kind != Member::Value {
                    visit_in(child, &at, child_kind, visit);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                visit_in(item, &push_pointer(pointer, &index.to_string()), Member::Node, visit);
            }
        }
        _ => {}
    }
}

/// Rewrites every `$ref` string of the document's nodes with `rewrite` (which returns `None`
/// to keep it).
pub(crate) fn rewrite_refs(node: &mut Value, rewrite: &mut impl FnMut(&str) -> Option<String>) {
    visit_nodes(node, "", &mut |map, _| {
        if let Some(Value::String(reference)) = map.get("$ref") {
            if let Some(new) = rewrite(reference) {
                map.insert("$ref".to_owned(), Value::String(new));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_longest_recorded_prefix_maps_a_pointer_back() {
        let mut map = PointerMap::default();
        map.record("/components/schemas", "/definitions");
        map.record("/components/schemas/Pet/properties/a", "/elsewhere");
        assert_eq!(map.original("/components/schemas/Pet/type"), "/definitions/Pet/type");
        assert_eq!(map.original("/components/schemas/Pet/properties/a/type"), "/elsewhere/type");
        assert_eq!(map.original("/components/schemasX"), "/components/schemasX");
        assert_eq!(map.original("/paths"), "/paths");
    }

    #[test]
    fn versions_are_detected_before_anything_else() {
        assert_eq!(detect(&json!({"openapi": "3.0.3"})), Ok(Version::OpenApi30));
        assert_eq!(detect(&json!({"openapi": "3.1.0"})), Ok(Version::OpenApi31));
        assert_eq!(detect(&json!({"openapi": 3.1})), Ok(Version::OpenApi31));
        assert_eq!(detect(&json!({"swagger": "2.0"})), Ok(Version::Swagger2));
        assert_eq!(detect(&json!({"openapi": "3.2.0"})), Ok(Version::OpenApi32));
        let error = detect(&json!({"openapi": "4.0.0", "paths": 5})).unwrap_err();
        assert_eq!(error.pointer, "/openapi");
        assert!(error.message.contains("\"4.0.0\""), "{}", error.message);
        assert_eq!(detect(&json!({"swagger": "1.2"})).unwrap_err().pointer, "/swagger");
        assert_eq!(detect(&json!({"openapi": true})).unwrap_err().pointer, "/openapi");
        assert_eq!(detect(&json!({"info": {}})).unwrap_err().pointer, "");
    }
}
