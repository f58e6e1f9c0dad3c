//! OpenAPI Overlays (1.0, and 1.1's `copy`): a list of actions, each selecting nodes of the
//! document by an RFC 9535 JSONPath (`target`) and updating them (a recursive merge), copying
//! another node's value into them, or removing them. Applied to the document as one tree (after
//! its files are gathered), in order, before anything reads it, so that a fix of a vendor's spec
//! lives beside the spec instead of in a fork of it.
//!
//! An action whose target matches nothing is a warning at the action's `target`, in the overlay
//! file (with its line); nodes an action adds are located in the overlay file too.

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::bundle::SourceMap;
use crate::diagnostic::{push_pointer, quoted, Kind, Location, SpecError};

/// Applies the overlay `text` (read from `file`, YAML or JSON) to `tree`; returns its warnings.
/// `map` learns where added nodes are written.
pub fn apply(file: &str, text: &str, tree: &mut Value, map: &mut SourceMap) -> Result<Vec<SpecError>, SpecError> {
    let at = |pointer: &str| Location::Pointer(pointer.to_owned());
    let error = |pointer: &str, message: String| SpecError {
        kind: Kind::Error,
        file: file.to_owned(),
        location: at(pointer),
        message,
    };
    let overlay = crate::load::parse(file, text)?;
    let version = overlay.get("overlay").and_then(Value::as_str).unwrap_or("");
    if !(version.starts_with("1.0.") || version.starts_with("1.1.")) {
        return Err(error(
            "/overlay",
            format!(
                "not an Overlay document of a version this generator reads (1.0.x, 1.1.x): `overlay` is {}",
                quoted(version)
            ),
        ));
    }
    let Some(actions) = overlay.get("actions").and_then(Value::as_array) else {
        return Err(error("/actions", "an Overlay document needs a list of `actions`".to_owned()));
    };
    let mut warnings = Vec::new();
    for (index, action) in actions.iter().enumerate() {
        let action_at = push_pointer("/actions", &index.to_string());
        let target_at = push_pointer(&action_at, "target");
        let Some(target) = action.get("target").and_then(Value::as_str) else {
            return Err(error(&action_at, "an action needs a `target` (a JSONPath)".to_owned()));
        };
        let pointers = select(target, tree).map_err(|why| error(&target_at, why))?;
        if pointers.is_empty() {
            warnings.push(SpecError {
                kind: Kind::OverlayTarget,
                file: file.to_owned(),
                location: at(&target_at),
                message: format!(
                    "the overlay action's target {} matches nothing; the action changes nothing",
                    quoted(target)
                ),
            });
            continue;
        }
        if let Some(source) = action.get("copy") {
            let copy_at = push_pointer(&action_at, "copy");
            let Some(source) = source.as_str() else {
                return Err(error(&copy_at, "`copy` is a JSONPath to the node to copy".to_owned()));
            };
            let found = select(source, tree).map_err(|why| error(&copy_at, why))?;
            let [from] = found.as_slice() else {
                return Err(error(
                    &copy_at,
                    format!("`copy` must select exactly one node; {} selects {}", quoted(source), found.len()),
                ));
            };
            let value = tree.pointer(from).cloned().unwrap_or(Value::Null);
            for pointer in &pointers {
                if let Some(node) = tree.pointer_mut(pointer) {
                    merge(node, &value);
                }
            }
        }
        if let Some(update) = action.get("update") {
            let update_at = push_pointer(&action_at, "update");
            let mut changed = false;
            for pointer in &pointers {
                if let Some(node) = tree.pointer_mut(pointer) {
                    record_added(node, update, pointer, &update_at, file, map);
                    let before = node.clone();
                    merge(node, update);
                    changed |= *node != before;
                }
            }
            // A fix the document already has (upstream made it): worth removing from the overlay.
            if !changed && action.get("remove").is_none() && action.get("copy").is_none() {
                warnings.push(SpecError {
                    kind: Kind::OverlayTarget,
                    file: file.to_owned(),
                    location: at(&update_at),
                    message: format!(
                        "the overlay action's update of {} changes nothing: the document already says it",
                        quoted(target)
                    ),
                });
            }
        }
        if action.get("remove").and_then(Value::as_bool) == Some(true) {
            // Deepest first, and later array items before earlier ones, so that no removal
            // moves a node another is about to remove.
            let mut pointers = pointers;
            pointers.sort_by_key(|pointer| std::cmp::Reverse(pointer_order(pointer)));
            for pointer in pointers {
                crate::normalize::remove_at(tree, &pointer);
            }
        }
    }
    Ok(warnings)
}

/// The JSON pointers of the nodes `path` selects in `tree`.
fn select(path: &str, tree: &Value) -> Result<Vec<String>, String> {
    let parsed = JsonPath::parse(path).map_err(|e| format!("{} is not a JSONPath (RFC 9535): {e}", quoted(path)))?;
    Ok(parsed.query_located(tree).locations().map(|location| location.to_json_pointer()).collect())
}

/// A pointer's segments, array indices as numbers, for ordering removals.
fn pointer_order(pointer: &str) -> Vec<(usize, String)> {
    pointer.split('/').skip(1).map(|s| (s.parse::<usize>().map_or(usize::MAX, |n| n), s.to_owned())).collect()
}

/// The Overlay merge: an object's members merged recursively (a new member added, a member of
/// another kind replaced), an array's items appended, anything else replaced.
fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Object(node), Value::Object(update)) => {
            for (key, value) in update {
                match node.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => merge(existing, value),
                    Some(existing) if existing.is_array() => merge(existing, value),
                    _ => {
                        node.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(node), Value::Array(items)) => node.extend(items.iter().cloned()),
        (Value::Array(node), item) => node.push(item.clone()),
        (node, value) => *node = value.clone(),
    }
}

/// Records in `map` the members `update` adds to `node` (at `pointer`): written in the overlay.
fn record_added(node: &Value, update: &Value, pointer: &str, update_at: &str, file: &str, map: &mut SourceMap) {
    let (Value::Object(node), Value::Object(update)) = (node, update) else { return };
    for (key, value) in update {
        let at = push_pointer(pointer, key);
        let from = push_pointer(update_at, key);
        match node.get(key) {
            Some(existing) if existing.is_object() && value.is_object() => {
                record_added(existing, value, &at, &from, file, map)
            }
            _ => map.record(at, file, from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn update_remove_and_copy_apply_in_order() {
        let mut tree = json!({
            "openapi": "3.1.0",
            "info": {"title": "Pets", "version": "1"},
            "paths": {"/pets": {"get": {"operationId": "list_pets_pets_get", "x-internal": true}}},
            "components": {"schemas": {
                "Pet": {"type": "object", "properties": {"name": {"type": "string"}}, "required": []},
                "Animal": {"properties": {"legs": {"type": "integer"}}, "required": ["legs"]}
            }}
        });
        let overlay = r#"
overlay: 1.1.0
info: {title: fixes, version: "1"}
actions:
  - target: $.info
    update: {description: Patched.}
  - target: $.paths['/pets'].get
    update: {operationId: listPets}
  - target: $..['x-internal']
    remove: true
  - target: $.components.schemas.Pet
    copy: $.components.schemas.Animal
  - target: $.components.schemas.Nope
    update: {type: string}
"#;
        let mut map = SourceMap::default();
        let warnings = apply("fix.yaml", overlay, &mut tree, &mut map).unwrap();
        assert_eq!(tree["info"]["description"], "Patched.");
        assert_eq!(tree["paths"]["/pets"]["get"], json!({"operationId": "listPets"}));
        assert_eq!(
            tree["components"]["schemas"]["Pet"],
            json!({"type": "object", "properties": {"name": {"type": "string"}, "legs": {"type": "integer"}}, "required": ["legs"]})
        );
        let [warning] = warnings.as_slice() else { panic!("{warnings:?}") };
        assert_eq!(warning.kind, Kind::OverlayTarget);
        assert_eq!(warning.file, "fix.yaml");
        assert_eq!(warning.location, Location::Pointer("/actions/4/target".to_owned()));
        assert_eq!(map.place("/info/description"), ("fix.yaml".to_owned(), "/actions/0/update/description".to_owned()));
    }

    #[test]
    fn bad_overlays_are_errors_in_the_overlay() {
        let mut tree = json!({"a": [1, 2]});
        let mut map = SourceMap::default();
        let error = apply("o.yaml", "overlay: 2.0.0\ninfo: {}\nactions: []\n", &mut tree, &mut map).unwrap_err();
        assert_eq!(error.location, Location::Pointer("/overlay".to_owned()));
        let error = apply(
            "o.yaml",
            "overlay: 1.0.0\ninfo: {}\nactions:\n  - target: '$[?'\n    remove: true\n",
            &mut tree,
            &mut map,
        )
        .unwrap_err();
        assert_eq!(error.location, Location::Pointer("/actions/0/target".to_owned()));
        assert!(error.message.contains("is not a JSONPath"), "{}", error.message);
        // Removals of several array items keep the right ones.
        let overlay = "overlay: 1.0.0\ninfo: {}\nactions:\n  - target: '$.a[*]'\n    remove: true\n";
        apply("o.yaml", overlay, &mut tree, &mut map).unwrap();
        assert_eq!(tree, json!({"a": []}));
    }
}
