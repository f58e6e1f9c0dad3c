//! Documents split over files: every `$ref` to another file (`./schemas/pet.yaml`,
//! `common.yaml#/Owner`, `../openapi.yaml#/components/schemas/Pet`) is resolved against the file
//! that holds it, and what it points to is gathered into the root document, which then reads as
//! if it had been written in one file. This stage runs before anything else reads the document
//! (version conversion, parsing into the model), so every later stage sees one tree.
//!
//! - A reusable node (schema, parameter, response, request body, header, example, link,
//!   callback, security scheme) is added to the root's `components` once per file and pointer,
//!   however many paths reach it, named after its file (`schemas/pet.yaml` → `Pet`) or the last
//!   segment of its pointer (`common.yaml#/Owner` → `Owner`); a name already taken gets the
//!   file's or directory's name before it (`CommonOwner`), deterministically, with a warning
//!   that says the name chosen. References inside a gathered node are resolved against its own
//!   file, so cycles across files end in references to nodes already gathered.
//! - A path item (and the few nodes without a `components` section in the document's version)
//!   is copied in place.
//! - A reference back into the root document becomes a local `#/...` one.
//! - Every gathered node is recorded in a [`SourceMap`]: diagnostics about it name the file
//!   where it is written, with its pointer there (and so its line and column).
//!
//! Files come from [`Sources`]: the file system beside the root (or only texts given in memory),
//! and remote (`http://`, `https://`) documents only through a fetcher the caller installs
//! ([`Sources::allow_remote`]); without one, a remote reference is an error, never fetched
//! silently. A missing file or pointer is an error at the referring `$ref`.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use crate::diagnostic::{push_pointer, quoted, unescape_segment, Kind, Location, SpecError};

/// Reads a remote document (`http://` or `https://`) by its absolute URL.
pub type Fetcher = Box<dyn Fn(&str) -> Result<String, String>>;

/// The texts of a document's files: the root's, and each file its references reach, read once.
pub struct Sources {
    root: String,
    /// The files read so far.
    texts: BTreeMap<String, String>,
    /// Files given in memory, not read yet.
    given: BTreeMap<String, String>,
    /// Read files that are not in `texts` from the file system.
    file_system: bool,
    remote: Option<Fetcher>,
}

impl std::fmt::Debug for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sources")
            .field("root", &self.root)
            .field("files", &self.texts.keys().collect::<Vec<_>>())
            .field("file_system", &self.file_system)
            .field("remote", &self.remote.is_some())
            .finish()
    }
}

impl Sources {
    /// The root document `root` (a path, as it should appear in messages) with its text; the
    /// files it references are read from the file system, relative to the file that references
    /// them.
    pub fn new(root: impl Into<String>, text: impl Into<String>) -> Self {
        let root = root.into();
        let texts = BTreeMap::from([(root.clone(), text.into())]);
        Self { root, texts, given: BTreeMap::new(), file_system: true, remote: None }
    }

    /// Only the files given here, by path (`root` among them): nothing is read from the disk.
    pub fn in_memory(root: impl Into<String>, mut files: BTreeMap<String, String>) -> Self {
        let root = root.into();
        let texts = files.remove_entry(&root).into_iter().collect();
        Self { root, texts, given: files, file_system: false, remote: None }
    }

    /// Lets references to `http://` and `https://` documents be read with `fetch`.
    pub fn allow_remote(mut self, fetch: Fetcher) -> Self {
        self.remote = Some(fetch);
        self
    }

    /// The root document's path.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// The root document's text.
    pub fn root_text(&self) -> &str {
        self.texts.get(&self.root).map_or("", String::as_str)
    }

    /// Every file read so far (the root first among them by path order), for diagnostics and
    /// for build scripts' `rerun-if-changed`.
    pub fn files(&self) -> &BTreeMap<String, String> {
        &self.texts
    }

    /// The text of the file at `location` (a path or, when allowed, a URL), read once and kept
    /// for diagnostics: an Overlay document, for instance.
    pub fn read_file(&mut self, location: &str) -> Result<String, String> {
        self.read(location).map(str::to_owned)
    }

    fn read(&mut self, location: &str) -> Result<&str, String> {
        if !self.texts.contains_key(location) {
            let text = if let Some(text) = self.given.remove(location) {
                text
            } else if is_remote(location) {
                match &self.remote {
                    Some(fetch) => fetch(location)?,
                    None => {
                        return Err("remote references are not fetched unless asked (`--allow-remote-refs`)".to_owned())
                    }
                }
            } else if self.file_system {
                std::fs::read_to_string(location).map_err(|e| e.to_string())?
            } else {
                return Err("no such file among the documents given".to_owned());
            };
            self.texts.insert(location.to_owned(), text);
        }
        Ok(&self.texts[location])
    }
}

fn is_remote(location: &str) -> bool {
    let lower = location.get(..8).unwrap_or(location).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Where each gathered node of the bundled document was written: pairs of a pointer prefix of
/// the bundled document and the file and pointer it came from; the longest prefix wins. Nodes
/// under no prefix are the root file's, at the same pointer.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    root: String,
    moves: Vec<(String, String, String)>,
}

impl SourceMap {
    /// The file and pointer where the node at `pointer` of the bundled document is written.
    pub fn place(&self, pointer: &str) -> (String, String) {
        let best = self
            .moves
            .iter()
            .filter(|(at, _, _)| {
                pointer == at || (pointer.starts_with(at.as_str()) && pointer.as_bytes().get(at.len()) == Some(&b'/'))
            })
            .max_by_key(|(at, _, _)| at.len());
        match best {
            Some((at, file, origin)) => (file.clone(), format!("{origin}{}", &pointer[at.len()..])),
            None => (self.root.clone(), pointer.to_owned()),
        }
    }

    /// `diagnostic`, which names a node of the bundled document, moved to the file and pointer
    /// where the node is written.
    pub fn locate(&self, mut diagnostic: SpecError) -> SpecError {
        if self.moves.is_empty() {
            return diagnostic;
        }
        if let Location::Pointer(pointer) = &diagnostic.location {
            let (file, pointer) = self.place(pointer);
            diagnostic.file = file;
            diagnostic.location = Location::Pointer(pointer);
        }
        diagnostic
    }

    /// Records that the node at `bundled` (and what is below it) is written in `file` at
    /// `origin` (an Overlay's action, for example).
    pub fn record(&mut self, bundled: impl Into<String>, file: &str, origin: impl Into<String>) {
        self.moves.push((bundled.into(), file.to_owned(), origin.into()));
    }

    /// Whether the document came from more than one file.
    pub fn is_split(&self) -> bool {
        !self.moves.is_empty()
    }
}

/// The document as one tree, where its nodes were written, and what was worth a warning.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub tree: Value,
    pub map: SourceMap,
    pub warnings: Vec<SpecError>,
}

/// What a node of the document is, by where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pos {
    Document,
    Components,
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    Response,
    MediaType,
    Encoding,
    Callback,
    Schema,
    Example,
    Link,
    SecurityScheme,
}

impl Pos {
    /// The section of `components` (3.x) or of the root (Swagger 2.0) where such a node is
    /// gathered; `None` where it is copied in place.
    fn section(self, swagger2: bool) -> Option<&'static [&'static str]> {
        Some(match (self, swagger2) {
            (Pos::Schema, false) => &["components", "schemas"],
            (Pos::Schema, true) => &["definitions"],
            (Pos::Parameter, false) => &["components", "parameters"],
            (Pos::Parameter, true) => &["parameters"],
            (Pos::Response, false) => &["components", "responses"],
            (Pos::Response, true) => &["responses"],
            (Pos::RequestBody, false) => &["components", "requestBodies"],
            (Pos::Header, false) => &["components", "headers"],
            (Pos::Example, false) => &["components", "examples"],
            (Pos::Link, false) => &["components", "links"],
            (Pos::Callback, false) => &["components", "callbacks"],
            (Pos::SecurityScheme, false) => &["components", "securitySchemes"],
            (Pos::SecurityScheme, true) => &["securityDefinitions"],
            _ => return None,
        })
    }

    /// What the member `key` of a node of this kind holds: a node, a map of nodes by name, a
    /// list of nodes, or nothing to follow (`None`).
    fn member(self, key: &str) -> Option<Holds> {
        use Holds::{List, Names, One};
        Some(match (self, key) {
            (Pos::Document, "paths" | "webhooks") => Names(Pos::PathItem),
            (Pos::Document, "components") => One(Pos::Components),
            (Pos::Document, "definitions") => Names(Pos::Schema),
            (Pos::Document, "parameters") => Names(Pos::Parameter),
            (Pos::Document, "responses") => Names(Pos::Response),
            (Pos::Components, "schemas") => Names(Pos::Schema),
            (Pos::Components, "responses") => Names(Pos::Response),
            (Pos::Components, "parameters") => Names(Pos::Parameter),
            (Pos::Components, "examples") => Names(Pos::Example),
            (Pos::Components, "requestBodies") => Names(Pos::RequestBody),
            (Pos::Components, "headers") => Names(Pos::Header),
            (Pos::Components, "securitySchemes") => Names(Pos::SecurityScheme),
            (Pos::Components, "links") => Names(Pos::Link),
            (Pos::Components, "callbacks") => Names(Pos::Callback),
            (Pos::Components, "pathItems") => Names(Pos::PathItem),
            (Pos::Components, "mediaTypes") => Names(Pos::MediaType),
            (Pos::PathItem, "parameters") | (Pos::Operation, "parameters") => List(Pos::Parameter),
            (Pos::PathItem, "additionalOperations") => Names(Pos::Operation),
            (Pos::PathItem, method) if crate::normalize::METHODS.contains(&method) || method == "query" => {
                One(Pos::Operation)
            }
            (Pos::Operation, "requestBody") => One(Pos::RequestBody),
            (Pos::Operation, "responses") => Names(Pos::Response),
            (Pos::Operation, "callbacks") => Names(Pos::Callback),
            (Pos::Parameter | Pos::Header, "schema" | "items") => One(Pos::Schema),
            (Pos::Parameter | Pos::Header | Pos::MediaType, "examples") => Names(Pos::Example),
            (Pos::Parameter | Pos::Header | Pos::RequestBody | Pos::Response, "content") => Names(Pos::MediaType),
            (Pos::Response, "headers") | (Pos::Encoding, "headers") => Names(Pos::Header),
            (Pos::Response, "links") => Names(Pos::Link),
            (Pos::Response, "schema") => One(Pos::Schema),
            (Pos::MediaType, "schema" | "itemSchema") => One(Pos::Schema),
            (Pos::MediaType, "encoding") => Names(Pos::Encoding),
            (Pos::MediaType, "itemEncoding" | "prefixEncoding") => One(Pos::Encoding),
            (Pos::Callback, _) => One(Pos::PathItem),
            (Pos::Schema, "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas") => {
                Names(Pos::Schema)
            }
            (Pos::Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => List(Pos::Schema),
            (
                Pos::Schema,
                "items"
                | "additionalProperties"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "additionalItems"
                | "contentSchema",
            ) => One(Pos::Schema),
            _ => return None,
        })
    }
}

#[derive(Clone, Copy)]
enum Holds {
    One(Pos),
    Names(Pos),
    List(Pos),
}

/// Resolves every reference to another file of the document whose root is `sources.root()`
/// (see the module docs). A document without such references comes back unchanged.
pub fn bundle(sources: &mut Sources) -> Result<Bundle, SpecError> {
    let root = sources.root().to_owned();
    let tree = crate::load::parse(&root, sources.root_text())?;
    let swagger2 = tree.get("swagger").is_some();
    // The base for resolving references: the root's `$self` (OpenAPI 3.2), if it is an absolute
    // URL; a reference under its folder reads the file at the same place beside the root.
    let self_base = tree.get("$self").and_then(Value::as_str).filter(|s| is_remote(s)).map(str::to_owned);
    let mut bundler = Bundler {
        sources,
        root: root.clone(),
        self_base,
        swagger2,
        trees: BTreeMap::new(),
        gathered: BTreeMap::new(),
        taken: BTreeMap::new(),
        queue: Vec::new(),
        inlining: Vec::new(),
        ids: BTreeSet::new(),
        map: SourceMap { root: root.clone(), moves: Vec::new() },
        warnings: Vec::new(),
    };
    let mut tree = tree;
    if !has_external_refs(&tree) {
        return Ok(Bundle { tree, map: bundler.map, warnings: Vec::new() });
    }
    bundler.collect_taken(&tree);
    collect_ids(&tree, &mut bundler.ids);
    // References from other files back into the root are checked against it.
    bundler.trees.insert(root.clone(), tree.clone());
    bundler.walk(
        &mut tree,
        Pos::Document,
        &Here { file: root.clone(), bundled: String::new(), origin: String::new() },
    )?;
    // Gathered nodes are walked in turn (they may gather more), then added to the root.
    let mut gathered = Vec::new();
    while let Some((section, name, mut node, here, pos)) = bundler.queue.pop() {
        bundler.walk(&mut node, pos, &here)?;
        gathered.push((section, name, node));
    }
    gathered.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    for (section, name, node) in gathered {
        if let Some(map) = crate::normalize::object_at(&mut tree, section) {
            map.insert(name, node);
        }
    }
    Ok(Bundle { tree, map: bundler.map, warnings: bundler.warnings })
}

/// Every `$id` string of the tree's nodes (examples and other values left out).
fn collect_ids(tree: &Value, ids: &mut BTreeSet<String>) {
    match tree {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("$id") {
                ids.insert(id.clone());
            }
            for (key, value) in map {
                if !matches!(key.as_str(), "example" | "examples" | "enum" | "const" | "default") {
                    collect_ids(value, ids);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_ids(item, ids)),
        _ => {}
    }
}

/// Whether any `$ref` of the tree names another document (a cheap check before bundling).
fn has_external_refs(tree: &Value) -> bool {
    match tree {
        Value::Object(map) => map.iter().any(|(key, value)| match (key.as_str(), value) {
            ("$ref", Value::String(reference)) => !reference.starts_with('#'),
            ("example" | "examples" | "enum" | "const" | "default", _) => false,
            ("mapping", Value::Object(mapping)) => {
                mapping.values().any(|v| v.as_str().is_some_and(looks_like_file_ref)) || has_external_refs(value)
            }
            _ => has_external_refs(value),
        }),
        Value::Array(items) => items.iter().any(has_external_refs),
        _ => false,
    }
}

/// Whether a discriminator mapping's value is a reference to another file (rather than a
/// schema name or a local `#/...` reference).
fn looks_like_file_ref(value: &str) -> bool {
    !value.starts_with('#') && (value.contains('/') || value.contains('#') || has_document_extension(value))
}

fn has_document_extension(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    [".yaml", ".yml", ".json"].iter().any(|ext| lower.ends_with(ext))
}

/// Where the walk stands: the file the node is written in, its pointer in the bundled tree and
/// in that file.
#[derive(Debug, Clone)]
struct Here {
    file: String,
    bundled: String,
    origin: String,
}

impl Here {
    fn child(&self, key: &str) -> Here {
        Here {
            file: self.file.clone(),
            bundled: push_pointer(&self.bundled, key),
            origin: push_pointer(&self.origin, key),
        }
    }
}

type Section = &'static [&'static str];

struct Bundler<'s> {
    sources: &'s mut Sources,
    root: String,
    self_base: Option<String>,
    swagger2: bool,
    /// The other files, parsed.
    trees: BTreeMap<String, Value>,
    /// Nodes already gathered, by (section, file, pointer in the file): their name.
    gathered: BTreeMap<(Section, String, String), String>,
    /// Names in use, by section.
    taken: BTreeMap<Section, BTreeSet<String>>,
    /// Gathered nodes still to walk: section, name, the node, where it came from, its kind.
    queue: Vec<(Section, String, Value, Here, Pos)>,
    /// The `$id`s of the schemas read so far: a reference to one is resolved within the
    /// document (after bundling), never read from elsewhere.
    ids: BTreeSet<String>,
    /// Nodes being copied in place (file, pointer), to stop a copy that contains itself.
    inlining: Vec<(String, String)>,
    map: SourceMap,
    warnings: Vec<SpecError>,
}

impl Bundler<'_> {
    fn collect_taken(&mut self, tree: &Value) {
        for pos in [
            Pos::Schema,
            Pos::Parameter,
            Pos::Response,
            Pos::RequestBody,
            Pos::Header,
            Pos::Example,
            Pos::Link,
            Pos::Callback,
            Pos::SecurityScheme,
        ] {
            let Some(section) = pos.section(self.swagger2) else { continue };
            let mut node = Some(tree);
            for segment in section {
                node = node.and_then(|n| n.get(*segment));
            }
            let names = node.and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
            self.taken.insert(section, names);
        }
    }

    fn error(&self, file: &str, pointer: &str, message: String) -> SpecError {
        SpecError { kind: Kind::Error, file: file.to_owned(), location: Location::Pointer(pointer.to_owned()), message }
    }

    /// Walks `node`, of kind `pos`, resolving its references.
    fn walk(&mut self, node: &mut Value, pos: Pos, here: &Here) -> Result<(), SpecError> {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    // A component that is only a reference to another file's node (`Error:
                    // {$ref: ./error.json}`) becomes that node, under the component's name.
                    let component = (map.len() == 1).then(|| self.component_name(pos, here)).flatten();
                    let replacement = match component {
                        Some(name) => self.adopt(&reference, pos, here, name)?,
                        None => self.reference(&reference, pos, here)?,
                    };
                    if let Some(replacement) = replacement {
                        match replacement {
                            Replacement::Ref(new) => {
                                map.insert("$ref".to_owned(), Value::String(new));
                            }
                            Replacement::Node(mut copied, from) => {
                                // Members beside the `$ref` (a 3.1 `description`) win over the
                                // copied node's.
                                if let Value::Object(copied_map) = &mut copied {
                                    for (key, value) in map.iter() {
                                        if key != "$ref" {
                                            copied_map.insert(key.clone(), value.clone());
                                        }
                                    }
                                }
                                self.map.moves.push((here.bundled.clone(), from.file.clone(), from.origin.clone()));
                                self.inlining.push((from.file.clone(), from.origin.clone()));
                                let inner = Here { bundled: here.bundled.clone(), ..from };
                                let result = self.walk(&mut copied, pos, &inner);
                                self.inlining.pop();
                                result?;
                                *node = copied;
                                return Ok(());
                            }
                        }
                    }
                }
                let Value::Object(map) = node else { return Ok(()) };
                if pos == Pos::Schema {
                    self.mapping(map, here)?;
                }
                for (key, child) in map.iter_mut() {
                    if key.starts_with("x-") {
                        continue;
                    }
                    let at = here.child(key);
                    match pos.member(key) {
                        Some(Holds::One(kind)) => self.walk(child, kind, &at)?,
                        Some(Holds::Names(kind)) => {
                            if let Value::Object(children) = child {
                                for (name, grandchild) in children.iter_mut() {
                                    self.walk(grandchild, kind, &at.child(name))?;
                                }
                            }
                        }
                        Some(Holds::List(kind)) => {
                            if let Value::Array(items) = child {
                                for (index, item) in items.iter_mut().enumerate() {
                                    self.walk(item, kind, &at.child(&index.to_string()))?;
                                }
                            } else if kind == Pos::Schema {
                                self.walk(child, kind, &at)?;
                            }
                        }
                        None => {}
                    }
                }
                Ok(())
            }
            // `items` as a list (positional items, before 2020-12).
            Value::Array(items) if pos == Pos::Schema => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.walk(item, pos, &here.child(&index.to_string()))?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A discriminator's `mapping` values that name schemas in other files.
    fn mapping(&mut self, schema: &mut Map<String, Value>, here: &Here) -> Result<(), SpecError> {
        let Some(Value::Object(discriminator)) = schema.get_mut("discriminator") else { return Ok(()) };
        let Some(Value::Object(mapping)) = discriminator.get_mut("mapping") else { return Ok(()) };
        let at = here.child("discriminator").child("mapping");
        for (key, value) in mapping.iter_mut() {
            let Value::String(reference) = value else { continue };
            // A reference to another file, or a local one written in another file.
            let in_other_file = reference.starts_with('#') && here.file != self.root;
            if !looks_like_file_ref(reference) && !in_other_file {
                continue;
            }
            let reference = reference.clone();
            // A mapping to nothing is the union's problem, not the document's: `lower` warns
            // and decodes that value as an unknown variant (real specs carry mappings to the
            // files they were bundled from).
            if let Ok(Some(Replacement::Ref(new))) = self.reference(&reference, Pos::Schema, &at.child(key)) {
                *value = Value::String(new);
            }
        }
        Ok(())
    }

    /// The name of the component at `here`, if it is one of the root document's (and of a
    /// section nodes of its kind are gathered into).
    fn component_name(&self, pos: Pos, here: &Here) -> Option<String> {
        let section = pos.section(self.swagger2)?;
        if here.file != self.root || here.bundled != here.origin {
            return None;
        }
        let prefix = ref_to(section, "")[1..].trim_end_matches('/').to_owned();
        let name = here.bundled.strip_prefix(&prefix)?.strip_prefix('/')?;
        (!name.contains('/')).then(|| unescape_segment(name))
    }

    /// A root component `name` that is only a `$ref` to another file's node: the node, copied
    /// in its place (and known under that name), unless it was gathered under another name.
    fn adopt(
        &mut self,
        reference: &str,
        pos: Pos,
        here: &Here,
        name: String,
    ) -> Result<Option<Replacement>, SpecError> {
        let section = pos.section(self.swagger2).expect("a component has a section");
        let (path, file, fragment) = self.target(reference, here);
        if path.is_empty() || self.ids.contains(path) {
            return Ok(None);
        }
        let key = (section, file.clone(), fragment.clone());
        if file == self.root || self.gathered.contains_key(&key) || !(fragment.is_empty() || fragment.starts_with('/'))
        {
            return self.reference(reference, pos, here);
        }
        let target = self.read_target(reference, &file, &fragment, here)?;
        self.gathered.insert(key, name);
        Ok(Some(Replacement::Node(target, Here { file, bundled: String::new(), origin: fragment })))
    }

    /// A `$ref`'s parts: the path as written, the file it names (resolved against the file that
    /// holds it; that file itself for `#...`) and the decoded fragment.
    fn target<'r>(&self, reference: &'r str, here: &Here) -> (&'r str, String, String) {
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let file = if path.is_empty() { here.file.clone() } else { self.resolve_location(&here.file, path) };
        let fragment = crate::normalize::percent_decode(fragment).unwrap_or_else(|| fragment.to_owned());
        (path, file, fragment)
    }

    /// The node a `$ref` names, or an error at the `$ref`.
    fn read_target(&mut self, reference: &str, file: &str, fragment: &str, here: &Here) -> Result<Value, SpecError> {
        self.node(file, fragment).map_err(|why| {
            let at = push_pointer(&here.origin, "$ref");
            self.error(&here.file, &at, format!("`$ref` {} cannot be resolved: {why}", quoted(reference)))
        })
    }

    /// What a `$ref` becomes: `None` to keep it (a local reference in the root file).
    fn reference(&mut self, reference: &str, pos: Pos, here: &Here) -> Result<Option<Replacement>, SpecError> {
        let at_ref = push_pointer(&here.origin, "$ref");
        let (path, file, fragment) = self.target(reference, here);
        if (path.is_empty() && here.file == self.root) || self.ids.contains(path) {
            // A local reference, or one to a schema's `$id` (resolved within the document).
            return Ok(None);
        }
        if !fragment.is_empty() && !fragment.starts_with('/') {
            // `#name` names a `$anchor`; one in the gathered nodes is resolved with the rest.
            if path.is_empty() {
                return Ok(None);
            }
            return Err(self.error(
                &here.file,
                &at_ref,
                format!(
                    "`$ref` {}: in a reference to another file, the part after `#` must be a JSON pointer \
                     (`#/...`)",
                    quoted(reference)
                ),
            ));
        }
        if file == self.root {
            return Ok(Some(Replacement::Ref(format!("#{fragment}"))));
        }
        // The node must exist, in a file that can be read.
        let target = self.read_target(reference, &file, &fragment, here)?;
        let Some(section) = pos.section(self.swagger2) else {
            if self.inlining.iter().any(|(f, p)| *f == file && *p == fragment) {
                return Err(self.error(
                    &here.file,
                    &at_ref,
                    format!("`$ref` {} includes the node that holds it", quoted(reference)),
                ));
            }
            let from = Here { file, bundled: String::new(), origin: fragment };
            return Ok(Some(Replacement::Node(target, from)));
        };
        let key = (section, file.clone(), fragment.clone());
        if let Some(name) = self.gathered.get(&key) {
            return Ok(Some(Replacement::Ref(ref_to(section, name))));
        }
        let name = self.name_for(section, &file, &fragment, here)?;
        self.gathered.insert(key, name.clone());
        let mut path: Vec<&str> = section.to_vec();
        path.push(&name);
        let bundled = path.iter().fold(String::new(), |pointer, segment| push_pointer(&pointer, segment));
        self.map.moves.push((bundled.clone(), file.clone(), fragment.clone()));
        self.queue.push((section, name.clone(), target, Here { file, bundled, origin: fragment }, pos));
        Ok(Some(Replacement::Ref(ref_to(section, &name))))
    }
}

enum Replacement {
    /// The `$ref` rewritten.
    Ref(String),
    /// The node copied in place of the `$ref` object, from where it is written.
    Node(Value, Here),
}

fn ref_to(section: Section, name: &str) -> String {
    format!("#/{}{}", section.join("/"), push_pointer("", name))
}

impl Bundler<'_> {
    /// The location `path` (as written in a `$ref`, percent-encoding allowed) names, relative
    /// to the file `base`.
    fn resolve_location(&self, base: &str, path: &str) -> String {
        let path = crate::normalize::percent_decode(path).unwrap_or_else(|| path.to_owned());
        if is_remote(&path) {
            // Under the root's `$self`: the file at the same place beside the root.
            if let Some(self_base) = &self.self_base {
                let folder = &self_base[..self_base.rfind('/').map_or(0, |i| i + 1)];
                if let Some(rest) = path.strip_prefix(folder) {
                    return join(&self.root, rest);
                }
            }
            return normalize_url(&path);
        }
        if is_remote(base) {
            return join_url(base, &path);
        }
        if path.starts_with('/') || path.get(1..3) == Some(":\\") {
            return lexical(&path);
        }
        join(base, &path)
    }

    /// The node at `fragment` of the document `file`, read and parsed once.
    fn node(&mut self, file: &str, fragment: &str) -> Result<Value, String> {
        if !self.trees.contains_key(file) {
            let text = self.sources.read(file).map_err(|why| format!("cannot read {}: {why}", quoted(file)))?;
            let tree = crate::load::parse(file, text).map_err(|e| format!("{}: {}", e.location, e.message))?;
            collect_ids(&tree, &mut self.ids);
            self.trees.insert(file.to_owned(), tree);
        }
        let tree = &self.trees[file];
        tree.pointer(fragment)
            .cloned()
            .ok_or_else(|| format!("{} has no node at {}", quoted(file), quoted(&format!("#{fragment}"))))
    }

    /// The name a gathered node gets in `section`: its file's name (a whole file) or its
    /// pointer's last segment; if taken, qualified by the file or folder, then numbered.
    fn name_for(&mut self, section: Section, file: &str, fragment: &str, here: &Here) -> Result<String, SpecError> {
        let path = file.trim_end_matches('/');
        let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let stem = strip_extensions(file_name);
        let folder = path
            .rsplit(['/', '\\'])
            .nth(1)
            .filter(|f| !matches!(*f, "." | ".." | "") && !f.contains(':'))
            .map(strip_extensions);
        let last = fragment.rsplit('/').next().map(unescape_segment).filter(|s| !s.is_empty());
        let camel = |text: &str| {
            let camel = text.to_upper_camel_case();
            if camel.is_empty() {
                "Schema".to_owned()
            } else {
                camel
            }
        };
        let (first, qualified) = match &last {
            Some(last) => (last.clone(), format!("{}{}", camel(&stem), camel(last))),
            None => (camel(&stem), format!("{}{}", folder.as_deref().map(camel).unwrap_or_default(), camel(&stem))),
        };
        let taken = self.taken.entry(section).or_default();
        let mut name = first.clone();
        if taken.contains(&name) {
            name = qualified;
            let base = name.clone();
            let mut number = 2;
            while taken.contains(&name) {
                name = format!("{base}{number}");
                number += 1;
            }
            let what = if fragment.is_empty() { quoted(file) } else { quoted(&format!("{file}#{fragment}")) };
            self.warnings.push(SpecError {
                kind: Kind::NameClash,
                file: here.file.clone(),
                location: Location::Pointer(push_pointer(&here.origin, "$ref")),
                message: format!(
                    "{what} is gathered into the document as `{}`: the name `{first}` is taken by another node",
                    ref_to(section, &name)
                ),
            });
        }
        taken.insert(name.clone());
        Ok(name)
    }
}

/// `pet.schema.yaml` → `pet.schema` → `pet`: a file name without its document extensions.
fn strip_extensions(name: &str) -> String {
    let mut name = name;
    for ext in [".yaml", ".yml", ".json", ".schema", ".openapi"] {
        if name.len() > ext.len() && name.to_ascii_lowercase().ends_with(ext) {
            name = &name[..name.len() - ext.len()];
        }
    }
    name.to_owned()
}

/// `path` relative to the folder of the file `base`, with `.` and `..` resolved by text (a
/// path may name a file that does not exist yet; symbolic links are not followed).
fn join(base: &str, path: &str) -> String {
    let folder = match base.rfind(['/', '\\']) {
        Some(cut) => &base[..=cut],
        None => "",
    };
    lexical(&format!("{folder}{path}"))
}

/// A path with `.` and `..` segments resolved by text (leading `..` of a relative path kept).
fn lexical(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// `scheme://authority` and the path of an absolute URL.
fn split_url(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(cut) => url.split_at(after_scheme + cut),
        None => (url, "/"),
    }
}

fn normalize_url(url: &str) -> String {
    let (origin, path) = split_url(url);
    let path = path.split(['?']).next().unwrap_or(path);
    format!("{origin}{}", lexical(path))
}

/// A reference resolved against a remote document's URL (RFC 3986, paths only: queries and
/// fragments of the base are not carried over).
fn join_url(base: &str, path: &str) -> String {
    let (origin, base_path) = split_url(base);
    if let Some(rest) = path.strip_prefix("//") {
        let scheme = &base[..base.find("://").unwrap_or(0)];
        return normalize_url(&format!("{scheme}://{rest}"));
    }
    if path.starts_with('/') {
        return format!("{origin}{}", lexical(path));
    }
    let folder = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
    format!("{origin}{}", lexical(&format!("{folder}{path}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn files(entries: &[(&str, &str)]) -> Sources {
        let map = entries.iter().map(|(name, text)| (name.to_string(), text.to_string())).collect();
        Sources::in_memory(entries[0].0, map)
    }

    #[test]
    fn paths_are_resolved_against_the_file_that_holds_the_reference() {
        assert_eq!(join("specs/openapi.yaml", "./schemas/pet.yaml"), "specs/schemas/pet.yaml");
        assert_eq!(join("specs/paths/pets.yaml", "../schemas/pet.yaml"), "specs/schemas/pet.yaml");
        assert_eq!(join("openapi.yaml", "../common/x.json"), "../common/x.json");
        assert_eq!(join("/abs/a/openapi.yaml", "../../../x.yaml"), "/x.yaml");
        assert_eq!(join_url("https://h.example/api/v1/root.yaml", "../s/pet.yaml"), "https://h.example/api/s/pet.yaml");
        assert_eq!(join_url("https://h.example/api/root.yaml", "/x.yaml"), "https://h.example/x.yaml");
        assert_eq!(join_url("https://h.example/api/root.yaml", "//o.example/y.yaml"), "https://o.example/y.yaml");
        assert_eq!(strip_extensions("pet.schema.json"), "pet");
    }

    #[test]
    fn files_become_components_once_each_and_cycles_end_in_references() {
        let mut sources = files(&[
            (
                "api/openapi.yaml",
                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    $ref: './paths/pets.yaml'\n",
            ),
            (
                "api/paths/pets.yaml",
                "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema: {$ref: '../schemas/pet.yaml'}\n",
            ),
            (
                "api/schemas/pet.yaml",
                "type: object\nproperties:\n  owner: {$ref: 'common.yaml#/Owner'}\n  same: {$ref: './pet.yaml'}\n",
            ),
            ("api/schemas/common.yaml", "Owner:\n  type: object\n  properties:\n    pets: {type: array, items: {$ref: 'pet.yaml'}}\n"),
        ]);
        let bundle = bundle(&mut sources).unwrap();
        let tree = &bundle.tree;
        assert_eq!(
            tree.pointer("/paths/~1pets/get/responses/200/content/application~1json/schema"),
            Some(&json!({"$ref": "#/components/schemas/Pet"}))
        );
        assert_eq!(
            tree.pointer("/components/schemas/Pet/properties/same/$ref"),
            Some(&json!("#/components/schemas/Pet"))
        );
        assert_eq!(
            tree.pointer("/components/schemas/Pet/properties/owner/$ref"),
            Some(&json!("#/components/schemas/Owner"))
        );
        assert_eq!(
            tree.pointer("/components/schemas/Owner/properties/pets/items/$ref"),
            Some(&json!("#/components/schemas/Pet"))
        );
        assert_eq!(
            bundle.map.place("/components/schemas/Owner/properties/pets"),
            ("api/schemas/common.yaml".to_owned(), "/Owner/properties/pets".to_owned())
        );
        assert_eq!(bundle.map.place("/paths/~1pets/get"), ("api/paths/pets.yaml".to_owned(), "/get".to_owned()));
        assert_eq!(bundle.map.place("/info"), ("api/openapi.yaml".to_owned(), "/info".to_owned()));
        assert!(bundle.warnings.is_empty());
    }

    #[test]
    fn a_taken_name_is_qualified_and_said() {
        let mut sources = files(&[
            (
                "openapi.yaml",
                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet: {type: string}\n    Holder:\n      properties:\n        a: {$ref: 'a/pet.yaml'}\n        b: {$ref: 'b/pet.yaml'}\n        c: {$ref: '#/components/schemas/Pet'}\n        d: {$ref: 'openapi.yaml#/components/schemas/Pet'}\n    Alias: {$ref: 'a/pet.yaml'}\n",
            ),
            ("a/pet.yaml", "type: integer\n"),
            ("b/pet.yaml", "type: boolean\n"),
        ]);
        let bundle = bundle(&mut sources).unwrap();
        let holder =
            |property: &str| bundle.tree.pointer(&format!("/components/schemas/Holder/properties/{property}/$ref"));
        assert_eq!(holder("a"), Some(&json!("#/components/schemas/APet")));
        assert_eq!(holder("b"), Some(&json!("#/components/schemas/BPet")));
        assert_eq!(holder("c"), Some(&json!("#/components/schemas/Pet")));
        assert_eq!(holder("d"), Some(&json!("#/components/schemas/Pet")));
        // A component that is only a reference to a node already gathered stays a reference.
        assert_eq!(bundle.tree.pointer("/components/schemas/Alias/$ref"), Some(&json!("#/components/schemas/APet")));
        assert_eq!(bundle.tree.pointer("/components/schemas/BPet"), Some(&json!({"type": "boolean"})));
        assert_eq!(bundle.warnings.len(), 2, "{:?}", bundle.warnings);
        assert!(bundle.warnings[0].message.contains("`#/components/schemas/APet`"), "{}", bundle.warnings[0].message);
        assert_eq!(bundle.warnings[0].location.pointer(), Some("/components/schemas/Holder/properties/a/$ref"));
    }

    #[test]
    fn a_component_that_is_a_reference_to_a_file_becomes_its_node() {
        let mut sources = files(&[
            (
                "openapi.yaml",
                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Error: {$ref: 'schemas/error.json'}\n",
            ),
            ("schemas/error.json", "{\"type\": \"object\", \"properties\": {\"cause\": {\"$ref\": \"#\"}}}"),
        ]);
        let bundle = bundle(&mut sources).unwrap();
        assert_eq!(
            bundle.tree.pointer("/components/schemas/Error"),
            Some(&json!({"type": "object", "properties": {"cause": {"$ref": "#/components/schemas/Error"}}}))
        );
        assert_eq!(
            bundle.map.place("/components/schemas/Error/properties/cause"),
            ("schemas/error.json".to_owned(), "/properties/cause".to_owned())
        );
    }

    #[test]
    fn missing_files_pointers_and_remote_documents_are_errors_at_the_reference() {
        let root = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'other.yaml#/Nope'}\n";
        let error = bundle(&mut files(&[("openapi.yaml", root), ("other.yaml", "Yes: {type: string}\n")])).unwrap_err();
        assert_eq!(error.file, "openapi.yaml");
        assert_eq!(error.location, Location::Pointer("/components/schemas/A/$ref".to_owned()));
        assert!(error.message.contains("has no node at \"#/Nope\""), "{}", error.message);
        let error = bundle(&mut files(&[("openapi.yaml", root)])).unwrap_err();
        assert!(error.message.contains("cannot read \"other.yaml\""), "{}", error.message);
        let remote = root.replace("other.yaml", "https://example.com/other.yaml");
        let error = bundle(&mut files(&[("openapi.yaml", &remote)])).unwrap_err();
        assert!(error.message.contains("not fetched unless asked"), "{}", error.message);
        let mut allowed = files(&[("openapi.yaml", &remote)]).allow_remote(Box::new(|url: &str| {
            assert_eq!(url, "https://example.com/other.yaml");
            Ok("Nope: {type: string}\n".to_owned())
        }));
        let bundle = bundle(&mut allowed).unwrap();
        assert_eq!(bundle.tree.pointer("/components/schemas/A"), Some(&json!({"type": "string"})));
    }

    #[test]
    fn a_reference_under_self_reads_the_file_beside_the_root() {
        let root = "openapi: 3.2.0\n$self: https://api.example.com/spec/openapi.yaml\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'https://api.example.com/spec/schemas/a.yaml'}\n";
        let bundle =
            bundle(&mut files(&[("dir/openapi.yaml", root), ("dir/schemas/a.yaml", "type: string\n")])).unwrap();
        assert_eq!(bundle.tree.pointer("/components/schemas/A"), Some(&json!({"type": "string"})));
        assert_eq!(
            bundle.map.place("/components/schemas/A/type"),
            ("dir/schemas/a.yaml".to_owned(), "/type".to_owned())
        );
    }
}
