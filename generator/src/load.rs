//! Reads a spec from text, JSON or YAML decided by content, into `openapiv3::OpenAPI`: parsed
//! as a plain JSON tree, rewritten into OpenAPI 3.0 by [`crate::normalize`] (which also reads
//! 3.1 and Swagger 2.0), then deserialized.
//!
//! When deserializing fails, the bad node is narrowed down by removing children and watching
//! the error go away: openapiv3's structs flatten their extensions, which makes serde lose track
//! of the path below the first level. Its pointer is mapped back to the user's document.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::bundle::{Bundle, SourceMap, Sources};
use crate::diagnostic::{push_pointer, Kind, Location, SpecError, Warning};
use crate::normalize::{self, PointerMap, Version};

/// A spec read into the 3.0 model, with what it takes to name the user's nodes.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub spec: OpenAPI,
    /// The version the document declared.
    pub version: Version,
    /// From pointers of the 3.0 form to the document's own.
    pub map: PointerMap,
    /// What the conversion reported, at the document's own pointers.
    pub warnings: Vec<Warning>,
    /// The document as given, kept where the conversion moved nodes (3.1 and 2.0), to check
    /// that a mapped pointer exists in it.
    original: Option<Value>,
    /// Where the nodes gathered from other files are written.
    pub files: SourceMap,
}

impl Loaded {
    /// `diagnostic` (about the 3.0 form) located in the user's document; for a Swagger 2.0
    /// document, the `$ref`s it quotes are written as the user wrote them, too.
    pub fn locate(&self, mut diagnostic: SpecError) -> SpecError {
        if let Location::Pointer(pointer) = &diagnostic.location {
            diagnostic.location = Location::Pointer(existing(self.original.as_ref(), self.map.original(pointer)));
        }
        diagnostic.message = user_refs(self.version, &diagnostic.message);
        self.files.locate(diagnostic)
    }
}

/// For a Swagger 2.0 document, the `$ref`s a message quotes as the user wrote them.
fn user_refs(version: Version, message: &str) -> String {
    let mut message = message.to_owned();
    if version == Version::Swagger2 {
        for (converted, original) in [
            ("\"#/components/schemas/", "\"#/definitions/"),
            ("\"#/components/parameters/", "\"#/parameters/"),
            ("\"#/components/responses/", "\"#/responses/"),
            ("`#/components/schemas/", "`#/definitions/"),
            ("`#/components/parameters/", "`#/parameters/"),
            ("`#/components/responses/", "`#/responses/"),
        ] {
            message = message.replace(converted, original);
        }
    }
    message
}

/// Parses `text` (JSON if it starts with `{`, YAML otherwise; a byte-order mark is skipped).
/// `file` names the source in errors; files it references are read from beside it.
pub fn load(file: &str, text: &str) -> Result<Loaded, SpecError> {
    load_sources(&mut Sources::new(file, text), &[])
}

/// [`load`] of a document whose files come from `sources` (which keeps every text it read,
/// for diagnostics): the references to other files are resolved first ([`crate::bundle`]).
pub fn load_sources(sources: &mut Sources, overlays: &[String]) -> Result<Loaded, SpecError> {
    let file = &sources.root().to_owned();
    let mut bundle = crate::bundle::bundle(sources)?;
    apply_overlays(sources, overlays, &mut bundle)?;
    let Bundle { tree, map: files, warnings: bundle_warnings } = bundle;
    let mut loaded = load_tree(file, tree).map_err(|e| files.locate(e))?;
    loaded.warnings = bundle_warnings.into_iter().chain(loaded.warnings.into_iter().map(|w| files.locate(w))).collect();
    loaded.files = files;
    Ok(loaded)
}

/// Applies the Overlay documents `overlays` (read through `sources`, so that their text locates
/// diagnostics) to `bundle`, in order; their warnings join the bundle's.
pub fn apply_overlays(sources: &mut Sources, overlays: &[String], bundle: &mut Bundle) -> Result<(), SpecError> {
    for overlay in overlays {
        let text = sources.read_file(overlay).map_err(|why| SpecError {
            kind: Kind::Error,
            file: overlay.clone(),
            location: Location::Text { line: 0, column: 0 },
            message: format!("cannot read the overlay {}: {why}", crate::diagnostic::quoted(overlay)),
        })?;
        bundle.warnings.extend(crate::overlay::apply(overlay, &text, &mut bundle.tree, &mut bundle.map)?);
    }
    Ok(())
}

fn load_tree(file: &str, tree: Value) -> Result<Loaded, SpecError> {
    let error = |location, message: String| SpecError { kind: Kind::Error, file: file.to_owned(), location, message };
    let original = match normalize::detect(&tree) {
        Ok(Version::OpenApi30) | Err(_) => None,
        Ok(_) => Some(tree.clone()),
    };
    let at = |pointer: String| Location::Pointer(existing(original.as_ref(), pointer));
    let mut normalized = normalize::normalize(tree).map_err(|note| error(at(note.pointer), note.message))?;
    let version = normalized.version;
    let warning = |note: normalize::Note| SpecError {
        kind: note.kind,
        ..error(at(note.pointer), user_refs(version, &note.message))
    };
    let mut warnings: Vec<Warning> = std::mem::take(&mut normalized.warnings).into_iter().map(warning).collect();
    // A node that is not what OpenAPI allows where it stands (`deprecated: sometimes`, a media
    // type written as `[]`) is left out, with a warning at it, and the rest is read again: one
    // bad node must not cost the whole document. The document itself, or too many bad nodes,
    // stay an error.
    let spec = loop {
        match from_tree(&normalized.tree) {
            Ok(spec) => break spec,
            Err(message) => {
                let culprit = locate(&normalized.tree, &message);
                let pointer = normalized.map.original(&culprit);
                let dropped = warnings.iter().filter(|w| w.kind == Kind::InvalidNode).count();
                if culprit.is_empty() || dropped >= MAX_DROPPED_NODES || !remove_node(&mut normalized.tree, &culprit) {
                    return Err(error(at(pointer), describe(&message)));
                }
                warnings.push(SpecError {
                    kind: Kind::InvalidNode,
                    ..error(at(pointer), format!("{}; this node is left out", describe(&message)))
                });
                warnings.extend(normalize::resettle(&mut normalized).into_iter().map(warning));
            }
        }
    };
    Ok(Loaded {
        spec,
        version: normalized.version,
        map: normalized.map,
        warnings,
        original,
        files: SourceMap::default(),
    })
}

/// How many invalid nodes a document may have before it is refused as a whole.
const MAX_DROPPED_NODES: usize = 50;

/// Removes the node at `pointer` (a member or an array item); `false` if there is none or it
/// is a top-level member (`info`, `paths`: without them there is no document).
fn remove_node(tree: &mut Value, pointer: &str) -> bool {
    pointer.rfind('/').is_some_and(|cut| cut > 0) && normalize::remove_at(tree, pointer)
}

/// `pointer`, or its nearest ancestor that `original` has: a node the conversion made up (the
/// `components` of a Swagger 2.0 document) is reported at the closest node the user wrote.
fn existing(original: Option<&Value>, mut pointer: String) -> String {
    let Some(original) = original else { return pointer };
    while !pointer.is_empty() && original.pointer(&pointer).is_none() {
        let cut = pointer.rfind('/').unwrap_or(0);
        pointer.truncate(cut);
    }
    pointer
}

/// Reads `text` as a JSON tree: JSON if it starts with `{`, YAML otherwise (a byte-order mark
/// is skipped). A syntax error names its line and column.
pub fn parse(file: &str, text: &str) -> Result<Value, SpecError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let error = |location, message: String| SpecError { kind: Kind::Error, file: file.to_owned(), location, message };
    Ok(if text.trim_start().starts_with('{') {
        serde_json::from_str::<Value>(text)
            .map_err(|e| error(Location::Text { line: e.line(), column: e.column() }, format!("invalid JSON: {e}")))?
    } else {
        let YamlTree(tree) = serde_yaml::from_str::<YamlTree>(text).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            error(Location::Text { line, column }, format!("invalid YAML: {}", strip_location(&e.to_string())))
        })?;
        tree
    })
}

/// The document read into openapiv3's model. A document that reads is read by [`by_parts`],
/// which gives the same value faster; one that does not is read again whole, for serde's
/// message ([`derived`], which [`locate`] calls directly: it narrows the message down).
fn from_tree(tree: &Value) -> Result<OpenAPI, String> {
    by_parts(tree).map_or_else(|| derived(tree), Ok)
}

/// The document read whole by serde's derive: its message on failure.
fn derived(tree: &Value) -> Result<OpenAPI, String> {
    serde::Deserialize::deserialize(tree).map_err(|e: serde_json::Error| e.to_string())
}

/// openapiv3's `OpenAPI`, `Paths` and `Components` flatten their extensions, so serde's derive
/// first copies everything below them into a buffer of its own: the whole document, twice over.
/// Here their members are read one by one straight from the tree, the components on a second
/// thread while the paths are read (the two halves of a huge document). `None` where any part
/// does not read.
fn by_parts(tree: &Value) -> Option<OpenAPI> {
    use openapiv3::{Components, Paths};
    use serde::de::DeserializeOwned;
    fn read<T: DeserializeOwned>(value: &Value) -> Option<T> {
        T::deserialize(value).ok()
    }
    fn read_or_default<T: DeserializeOwned + Default>(object: &serde_json::Map<String, Value>, key: &str) -> Option<T> {
        object.get(key).map_or(Some(T::default()), read)
    }
    fn extensions(object: &serde_json::Map<String, Value>) -> indexmap::IndexMap<String, Value> {
        object
            .iter()
            .filter(|(key, _)| key.starts_with("x-"))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect()
    }
    let object = tree.as_object()?;
    let components = |value: &Value| -> Option<Option<Components>> {
        let Some(object) = value.as_object() else { return read(value) };
        Some(Some(Components {
            schemas: read_or_default(object, "schemas")?,
            responses: read_or_default(object, "responses")?,
            parameters: read_or_default(object, "parameters")?,
            examples: read_or_default(object, "examples")?,
            request_bodies: read_or_default(object, "requestBodies")?,
            headers: read_or_default(object, "headers")?,
            security_schemes: read_or_default(object, "securitySchemes")?,
            links: read_or_default(object, "links")?,
            callbacks: read_or_default(object, "callbacks")?,
            extensions: extensions(object),
        }))
    };
    let paths = |value: &Value| -> Option<Paths> {
        let object = value.as_object()?;
        let mut paths = indexmap::IndexMap::with_capacity(object.len());
        for (key, item) in object.iter().filter(|(key, _)| key.starts_with('/')) {
            paths.insert(key.clone(), read(item)?);
        }
        Some(Paths { paths, extensions: extensions(object) })
    };
    let (paths, components) = std::thread::scope(|scope| {
        let components = object.get("components").map(|value| scope.spawn(move || components(value)));
        let paths = object.get("paths").and_then(paths);
        let components = match components {
            Some(worker) => worker.join().ok().flatten(),
            None => Some(None),
        };
        (paths, components)
    });
    Some(OpenAPI {
        openapi: read(object.get("openapi")?)?,
        info: read(object.get("info")?)?,
        servers: read_or_default(object, "servers")?,
        paths: paths?,
        components: components?,
        security: read_or_default(object, "security")?,
        tags: read_or_default(object, "tags")?,
        external_docs: read_or_default(object, "externalDocs")?,
        extensions: extensions(object),
    })
}

/// The deepest node that causes the error `message`. A set of sibling nodes contains the
/// culprit if removing them makes the document parse, or leaves only a "missing field" error
/// about a removed node: serde reports a bad member before it checks for missing ones, so a
/// remaining "missing field" means no bad member is left. When bad nodes lie on both sides of
/// a split (the same mistake copied in two places), the later side is set aside and the search
/// goes on in the earlier one.
fn locate(tree: &Value, message: &str) -> String {
    let mut base = tree.clone();
    let mut set_aside: Vec<String> = Vec::new();
    let goes_away = |base: &Value, set_aside: &[String], parent: &str, keys: &[String]| -> bool {
        let mut trial = base.clone();
        remove_children(&mut trial, parent, keys);
        match derived(&trial) {
            Ok(_) => true,
            Err(other) => {
                other != message && keys.iter().chain(set_aside).any(|key| other == format!("missing field `{key}`"))
            }
        }
    };
    let mut current = String::new();
    loop {
        let keys: Vec<String> = match base.pointer(&current) {
            Some(Value::Object(map)) => map.keys().cloned().collect(),
            Some(Value::Array(items)) => (0..items.len()).map(|i| i.to_string()).collect(),
            _ => return current,
        };
        if keys.is_empty() || !goes_away(&base, &set_aside, &current, &keys) {
            return current;
        }
        // Bisect the children down to one that holds a culprit.
        let mut candidates = keys;
        while candidates.len() > 1 {
            let right = candidates.split_off(candidates.len() / 2);
            if goes_away(&base, &set_aside, &current, &candidates) {
                continue;
            }
            if !goes_away(&base, &set_aside, &current, &right) {
                // Culprits on both sides: set the later side aside (removing it shifts no
                // index of the earlier one).
                remove_children(&mut base, &current, &right);
                set_aside.extend(right);
                continue;
            }
            candidates = right;
        }
        current = push_pointer(&current, &candidates[0]);
    }
}

/// Removes the children `keys` (member names, or array indices) of the node at `parent`.
fn remove_children(tree: &mut Value, parent: &str, keys: &[String]) {
    match tree.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            for key in keys {
                map.remove(key);
            }
        }
        Some(Value::Array(items)) => {
            let mut index = 0;
            items.retain(|_| {
                let keep = !keys.contains(&index.to_string());
                index += 1;
                keep
            });
        }
        _ => {}
    }
}

/// A YAML document read straight into a JSON tree. Written by hand rather than going through
/// `serde_yaml::Value`, which refuses integers beyond 64 bits (`minimum: -9223372036854776000`,
/// a rounded `i64::MIN` that real specs carry): those become floats, as in JSON. YAML allows
/// keys that are not strings (`200:`); JSON pointers name them by their text. Tags are dropped.
struct YamlTree(Value);

impl<'de> serde::Deserialize<'de> for YamlTree {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor).map(YamlTree)
    }
}

struct YamlVisitor;

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(i64::try_from(value).map(Value::from).unwrap_or_else(|_| Value::from(value as f64)))
    }

    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        Ok(u64::try_from(value).map(Value::from).unwrap_or_else(|_| Value::from(value as f64)))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        // NaN and infinities have no JSON form.
        Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(YamlTree(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some((YamlTree(key), YamlTree(value))) = map.next_entry()? {
            let key = match key {
                Value::String(text) => text,
                other => other.to_string(),
            };
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        let (_tag, variant) = data.variant::<String>()?;
        variant.newtype_variant::<YamlTree>().map(|YamlTree(value)| value)
    }
}

/// serde_yaml appends " at line L column C" to its messages; the location is reported apart.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Makes serde's message for untagged enums (which openapiv3 uses for `$ref`-or-value)
/// say what it means.
fn describe(message: &str) -> String {
    if message.contains("did not match any variant of untagged enum ReferenceOr") {
        "expected a `$ref` object or a valid object of this kind".to_owned()
    } else if message.contains("did not match any variant of untagged enum") {
        "this node does not have any of the shapes OpenAPI 3.0 allows here".to_owned()
    } else {
        message.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading a document by its parts gives what serde's derive gives, on every fixture and
    /// both mittwald specs (3.0, 3.1, 3.2, Swagger 2.0, extensions at every level).
    #[test]
    fn reading_by_parts_equals_the_derived_reading() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut documents = Vec::new();
        for folder in ["tests/fixtures", "specs", "../shared/specs"] {
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "yaml" || e == "json") && !path.ends_with("README.md") {
                    documents.push(path);
                }
            }
        }
        let mut compared = 0;
        for path in &documents {
            let text = std::fs::read_to_string(path).unwrap();
            let Ok(tree) = parse("spec", &text) else { continue };
            let Ok(normalized) = normalize::normalize(tree) else { continue };
            let derived = derived(&normalized.tree);
            assert_eq!(by_parts(&normalized.tree).ok_or(()), derived.as_ref().map_err(|_| ()).cloned(), "{path:?}");
            compared += derived.is_ok() as usize;
        }
        assert!(compared >= 20, "only {compared} documents read");
    }
}
