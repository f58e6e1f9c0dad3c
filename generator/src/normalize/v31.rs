//! OpenAPI 3.1 documents in their 3.0 form: the document-level differences. The schema-level
//! ones (`type` arrays, `const`, ...) are in `schema`, shared with the other versions.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{object_at, rewrite_refs, visit_nodes, Context, Note, WEBHOOKS};
use crate::diagnostic::{push_pointer, Kind};

pub(super) fn convert(tree: &mut Value, cx: &mut Context) -> Result<(), Note> {
    let Some(root) = tree.as_object_mut() else { return Ok(()) };
    root.insert("openapi".into(), "3.0.3".into());
    root.remove("jsonSchemaDialect");
    // 3.1 documents may describe only webhooks or components.
    root.entry("paths").or_insert_with(|| json!({}));
    resolve_ids_and_anchors(tree);
    hoist_defs(tree, cx);
    inline_path_items(tree, cx)?;
    webhooks(tree, cx);
    mutual_tls(tree, cx);
    Ok(())
}

/// `$ref`s by `$id` (a URI) or `$anchor` (`#name`) become JSON pointers to the schema that
/// declares it.
fn resolve_ids_and_anchors(tree: &mut Value) {
    let mut targets = BTreeMap::new();
    visit_nodes(tree, "", &mut |map, pointer| {
        if let Some(Value::String(id)) = map.get("$id") {
            targets.insert(id.clone(), pointer.to_owned());
        }
        if let Some(Value::String(anchor)) = map.get("$anchor") {
            targets.insert(format!("#{anchor}"), pointer.to_owned());
        }
    });
    if targets.is_empty() {
        return;
    }
    rewrite_refs(tree, &mut |reference| {
        let (base, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if base.is_empty() {
            // `#name` is an anchor; `#/...` is already a pointer.
            return (!fragment.is_empty() && !fragment.starts_with('/'))
                .then(|| targets.get(&format!("#{fragment}")).map(|pointer| format!("#{pointer}")))
                .flatten();
        }
        let pointer = targets.get(base)?;
        Some(format!("#{pointer}{fragment}"))
    });
}

/// `$defs` inside component schemas (and at the root) become component schemas of their own,
/// named after the definition (qualified by its parent's name when that is taken), placed right
/// after their parent so that the generated code keeps the document's order.
fn hoist_defs(tree: &mut Value, cx: &mut Context) {
    let root_defs = match tree.as_object_mut().and_then(|root| root.remove("$defs")) {
        Some(Value::Object(defs)) => defs,
        _ => Map::new(),
    };
    let schemas = match tree.pointer_mut("/components/schemas") {
        Some(Value::Object(schemas)) => std::mem::take(schemas),
        _ => Map::new(),
    };
    let nested = schemas.values().any(|schema| schema.get("$defs").is_some());
    if root_defs.is_empty() && !nested {
        if let Some(Value::Object(target)) = tree.pointer_mut("/components/schemas") {
            *target = schemas;
        }
        return;
    }
    let mut taken: Vec<String> = schemas.keys().cloned().collect();
    let mut take = |parent: Option<&str>, name: &str| {
        let mut wanted = name.to_owned();
        if taken.contains(&wanted) {
            wanted = format!("{}{name}", parent.unwrap_or("Defs"));
        }
        while taken.contains(&wanted) {
            wanted.push('_');
        }
        taken.push(wanted.clone());
        wanted
    };
    let mut renames: Vec<(String, String)> = Vec::new(); // (old `$ref` prefix, new `$ref`)
    let mut out = Map::new();
    let mut hoist = |out: &mut Map<String, Value>, old: String, new: String, schema: Value, cx: &mut Context| {
        let converted = push_pointer("/components/schemas", &new);
        renames.push((format!("#{old}"), format!("#{converted}")));
        cx.map.record(converted, old);
        out.insert(new, schema);
    };
    for (parent, mut schema) in schemas {
        let defs = schema.as_object_mut().and_then(|s| s.remove("$defs"));
        out.insert(parent.clone(), schema);
        if let Some(Value::Object(defs)) = defs {
            for (name, def) in defs {
                let new = take(Some(&parent), &name);
                let old = push_pointer(&push_pointer(&push_pointer("/components/schemas", &parent), "$defs"), &name);
                hoist(&mut out, old, new, def, cx);
            }
        }
    }
    for (name, def) in root_defs {
        let new = take(None, &name);
        hoist(&mut out, push_pointer("/$defs", &name), new, def, cx);
    }
    if let Some(target) = object_at(tree, &["components", "schemas"]) {
        *target = out;
    }
    rewrite_refs(tree, &mut |reference| {
        // A reference into a definition (`#/$defs/A/properties/b`) moves with it.
        renames.iter().find_map(|(old, new)| {
            let rest = reference.strip_prefix(old.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then(|| format!("{new}{rest}"))
        })
    });
}

/// Path items given as `$ref` to `components/pathItems` (3.1) are inlined.
fn inline_path_items(tree: &mut Value, cx: &mut Context) -> Result<(), Note> {
    let items = tree.as_object_mut().and_then(|root| {
        let components = root.get_mut("components")?.as_object_mut()?;
        components.remove("pathItems")
    });
    let items = match items {
        Some(Value::Object(items)) => items,
        _ => Map::new(),
    };
    for section in ["paths", "webhooks"] {
        let Some(Value::Object(paths)) = tree.get_mut(section) else { continue };
        for (path, item) in paths.iter_mut() {
            let Some(reference) = item.get("$ref").and_then(Value::as_str).map(str::to_owned) else { continue };
            // Another JSON pointer is followed, and a dangling one reported, with the other
            // references (`refs::settle_references`).
            let name = reference
                .strip_prefix("#/components/pathItems/")
                .filter(|name| !name.contains('/'))
                .map(crate::diagnostic::unescape_segment);
            let Some(target) = name.as_ref().and_then(|name| items.get(name).cloned()) else { continue };
            let name = name.unwrap_or_default();
            cx.map.record(push_pointer(&format!("/{section}"), path), push_pointer("/components/pathItems", &name));
            *item = target;
        }
    }
    Ok(())
}

/// 3.1 `webhooks`: each payload becomes a component schema, listed under [`WEBHOOKS`].
fn webhooks(tree: &mut Value, cx: &mut Context) {
    let Some(Value::Object(hooks)) = tree.as_object_mut().and_then(|root| root.remove("webhooks")) else { return };
    let items = hooks
        .into_iter()
        .filter_map(|(name, item)| {
            let pointer = push_pointer("/webhooks", &name);
            Some((name, pointer, item.as_object()?.clone()))
        })
        .collect();
    add_payloads(tree, items, "Webhook", cx);
}

/// Requests the API sends (webhooks, callbacks), each a path item by name with the pointer of
/// the user's node: the JSON payload of the first operation with a request body becomes the
/// component schema `<name><suffix>`, listed under [`WEBHOOKS`] for `lower` (added to what is
/// listed there already).
pub(super) fn add_payloads(
    tree: &mut Value,
    items: Vec<(String, String, Map<String, Value>)>,
    suffix: &str,
    cx: &mut Context,
) {
    let mut listed = match tree.as_object_mut().and_then(|root| root.remove(WEBHOOKS)) {
        Some(Value::Object(listed)) => listed,
        _ => Map::new(),
    };
    let mut payloads = Vec::new();
    for (name, item_pointer, item) in &items {
        for (method, operation) in item {
            let Some(body) = operation.get("requestBody") else { continue };
            let body_pointer = push_pointer(&push_pointer(item_pointer, method), "requestBody");
            let (body, body_pointer) = match body.get("$ref").and_then(Value::as_str) {
                Some(reference) => match reference.strip_prefix("#/components/requestBodies/") {
                    Some(key) => (
                        tree.pointer(&format!("/components/requestBodies/{key}")).cloned().unwrap_or_default(),
                        format!("/components/requestBodies/{key}"),
                    ),
                    None => continue,
                },
                None => (body.clone(), body_pointer),
            };
            let Some(content) = body.get("content").and_then(Value::as_object) else { continue };
            let Some((media, schema)) = content
                .iter()
                .find(|(media, _)| media.contains("json"))
                .and_then(|(media, entry)| Some((media, entry.get("schema")?)))
            else {
                let what = suffix.to_lowercase();
                cx.warn(Kind::WebhookNotJson, &body_pointer, format!("a {what} payload that is not JSON gets no type"));
                continue;
            };
            let component = format!("{name}{suffix}");
            let schema_pointer = push_pointer(&push_pointer(&push_pointer(&body_pointer, "content"), media), "schema");
            let description = operation
                .get("description")
                .or_else(|| operation.get("summary"))
                .and_then(Value::as_str)
                .map_or_else(|| format!("The payload of the `{name}` {}.", suffix.to_lowercase()), str::to_owned);
            if listed.contains_key(name) {
                continue;
            }
            listed
                .insert(name.clone(), json!({ "component": component, "description": description, "method": method }));
            payloads.push((component, schema.clone(), schema_pointer));
            break;
        }
    }
    if listed.is_empty() {
        return;
    }
    if let Some(schemas) = object_at(tree, &["components", "schemas"]) {
        for (component, schema, pointer) in payloads {
            if schemas.contains_key(&component) {
                continue;
            }
            cx.map.record(push_pointer("/components/schemas", &component), pointer);
            schemas.insert(component, schema);
        }
    }
    if let Some(root) = tree.as_object_mut() {
        root.insert(WEBHOOKS.into(), Value::Object(listed));
        if suffix == "Webhook" {
            cx.map.record(format!("/{WEBHOOKS}"), "/webhooks");
        }
    }
}

/// `mutualTLS` security schemes (3.1) are a TLS client certificate, set up on the HTTP
/// client, not a credential the client sends: dropped with a warning.
fn mutual_tls(tree: &mut Value, cx: &mut Context) {
    let Some(Value::Object(schemes)) = tree.pointer_mut("/components/securitySchemes") else { return };
    let mutual: Vec<String> = schemes
        .iter()
        .filter(|(_, scheme)| scheme.get("type").and_then(Value::as_str) == Some("mutualTLS"))
        .map(|(name, _)| name.clone())
        .collect();
    for name in mutual {
        schemes.remove(&name);
        cx.warn(
            Kind::MutualTls,
            &push_pointer("/components/securitySchemes", &name),
            "`mutualTLS` is configured on the HTTP client (a client certificate), not generated",
        );
    }
}
