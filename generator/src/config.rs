//! The configuration file, `openapi-rust-gen.toml` (found beside the spec, or given): how the
//! team that owns a client shapes it, read at the edge into one typed [`Settings`] and handed
//! down as data. An unknown key is an error at its line that suggests the nearest known key.
//!
//! ```toml
//! name = "pets-client"              # the crate (the command line's flags win)
//! version = "0.1.0"
//! operations = "all"                # or operationIds and tag:<Tag> items
//! overlays = ["fixes.overlay.yaml"] # applied in order, relative to this file
//! default-features = ["pets", "rustls"] # the crate's `default` features
//!
//! [names]
//! operation-ids = "fastapi"         # strip FastAPI's `_{path}_{method}`; or "method-path"
//! operations = { upload_file_files_post = "upload" }     # by operationId
//! types = { PetCreate = "NewPet" }                       # by generated name
//! fields = { "Pet.nickname" = "nick" }
//! variants = { "PetKind.Dog" = "Doggo" }
//! tags = { pets = "animals" }
//!
//! [types]
//! derives = ["Hash", "Eq"]          # on every type that can have them
//! derive = { Pet = ["PartialOrd"] } # on these types (and the types they hold)
//! replace = { "#/components/schemas/Money" = "my_money::Money" }
//! formats = { date-time = "String", uuid = "String" }
//! attributes = { Pet = ["#[doc(alias = \"animal\")]"] } # "*": every struct and enum
//!
//! [dependencies]                    # added to the generated Cargo.toml
//! my_money = { path = "../money" }
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::{Kind, Location, SpecError};

/// The file name looked for beside the spec.
pub const FILE_NAME: &str = "openapi-rust-gen.toml";

/// Everything the configuration file can say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// The crate's package name.
    pub name: Option<String>,
    /// The crate's version.
    pub version: Option<String>,
    /// The operations to generate (see [`crate::Selection::parse`]).
    pub operations: Option<String>,
    /// Overlay documents, relative to the configuration file, applied in order.
    #[serde(default)]
    pub overlays: Vec<String>,
    /// The generated crate's `default` features instead of every tag and `rustls` (tag
    /// features by their group name, `webhooks`, `other-types`, `rustls`, `rustls-aws-lc`,
    /// `native-tls`, `oauth2`, `event-streams`, `streams`, `multipart`, `tracing`, `test-util`,
    /// `deserialize-all`).
    pub default_features: Option<Vec<String>>,
    #[serde(default)]
    pub names: Names,
    #[serde(default)]
    pub types: Types,
    /// Dependencies added to the generated `Cargo.toml`, by name, as TOML values.
    #[serde(default, deserialize_with = "toml_texts")]
    pub dependencies: BTreeMap<String, String>,
    /// The file it was read from and its text, to locate what the generator finds wrong later
    /// (a type to rename that is not generated).
    #[serde(skip)]
    pub source: Option<(String, String)>,
}

impl Settings {
    /// An error about the configuration's `key`, at its line when the file is known.
    pub fn error(&self, key: &str, message: String) -> SpecError {
        let (file, location) = match &self.source {
            Some((file, text)) => (file.clone(), locate_key(text, key)),
            None => ("(configuration)".to_owned(), Location::Text { line: 0, column: 0 }),
        };
        SpecError { kind: Kind::Error, file, location, message: format!("in the configuration: {message}") }
    }
}

/// Names the team chooses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Names {
    /// How method names come from operationIds.
    #[serde(default)]
    pub operation_ids: OperationIds,
    /// Method names by operationId.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
    /// Type names by the name the generator gives.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// Field names, by `Type.field` (the generated names).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Variant names, by `Enum.Variant` (the generated names).
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
    /// Group names (`client.<group>()`, the module and the feature), by tag.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// How method names come from operationIds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OperationIds {
    /// As written (the tag's prefix stripped, as always).
    #[default]
    AsIs,
    /// FastAPI's default operationIds, `{function}_{path}_{method}`: the function's name.
    Fastapi,
    /// From the method and the path, ignoring the operationId (`get_pets_pet_id`).
    MethodPath,
}

/// Types the team chooses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Types {
    /// Derives added to every type that can have them (`Hash`, `Eq`, `PartialOrd`, `Ord`: only
    /// where every value inside allows it; others everywhere).
    #[serde(default)]
    pub derives: Vec<String>,
    /// Derives added to the named types (and to the types they hold, which must have them too).
    #[serde(default)]
    pub derive: BTreeMap<String, Vec<String>>,
    /// Component schemas replaced by a type of the program's (`"#/components/schemas/Money" =
    /// "my_money::Money"`): it must serialize as the schema's JSON.
    #[serde(default)]
    pub replace: BTreeMap<String, String>,
    /// A `format` given another type (`date-time = "String"`).
    #[serde(default)]
    pub formats: BTreeMap<String, String>,
    /// Attributes added to the named types (`"*"`: to every struct and enum), written as in
    /// Rust (`"#[non_exhaustive]"`); `derive` and `serde` attributes are refused (see `derives`;
    /// the types encode by hand).
    #[serde(default)]
    pub attributes: BTreeMap<String, Vec<String>>,
}

fn toml_texts<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error> {
    let values = BTreeMap::<String, toml::Value>::deserialize(deserializer)?;
    Ok(values.into_iter().map(|(name, value)| (name, value.to_string())).collect())
}

/// Reads the configuration `text` of the file `file`. A mistake is an error at its line and
/// column; an unknown key suggests the nearest known one.
pub fn parse(file: &str, text: &str) -> Result<Settings, SpecError> {
    let settings: Settings = toml::from_str(text).map_err(|error| {
        let location =
            error.span().map_or(Location::Text { line: 0, column: 0 }, |span| text_location(text, span.start));
        let mut message = error.message().trim().to_owned();
        if let Some(nearest) = nearest_key(&message) {
            message.push_str(&format!("; did you mean `{nearest}`?"));
        }
        SpecError {
            kind: Kind::Error,
            file: file.to_owned(),
            location,
            message: format!("in the configuration: {message}"),
        }
    })?;
    let error = |key: &str, message: String| SpecError {
        kind: Kind::Error,
        file: file.to_owned(),
        location: locate_key(text, key),
        message: format!("in the configuration: {message}"),
    };
    if let Some(name) = &settings.name {
        crate::names::check_crate_name(name).map_err(|why| error("name", why))?;
    }
    if let Some(version) = &settings.version {
        crate::names::check_crate_version(version).map_err(|why| error("version", why))?;
    }
    for (key, path) in settings.types.replace.iter().chain(&settings.types.formats) {
        check_type_path(path).map_err(|why| error(key, why))?;
    }
    for derive in settings.types.derives.iter().chain(settings.types.derive.values().flatten()) {
        check_type_path(derive).map_err(|why| error(derive, why))?;
    }
    for (key, attributes) in &settings.types.attributes {
        for attribute in attributes {
            check_attribute(attribute).map_err(|why| error(key, why))?;
        }
    }
    let renames = [&settings.names.operations, &settings.names.types, &settings.names.fields, &settings.names.variants];
    for (key, name) in renames.into_iter().flatten().chain(&settings.names.tags) {
        if !is_identifier(name) {
            return Err(error(key, format!("{name:?} is not a Rust identifier (ASCII letters, digits and `_`)")));
        }
    }
    let mut settings = settings;
    // A dependency's `path` is relative to this file (as in a Cargo.toml), so written absolute.
    let folder = std::path::Path::new(file).parent().unwrap_or(std::path::Path::new(""));
    for (name, value) in &mut settings.dependencies {
        if crate::names::check_crate_name(&name.replace('_', "-")).is_err() {
            return Err(error(name, format!("{name:?} is not a crate name")));
        }
        let Ok(toml::Value::Table(mut table)) = toml::from_str::<toml::Table>(&format!("d = {value}"))
            .map(|mut t| t.remove("d").unwrap_or(toml::Value::Boolean(false)))
        else {
            continue;
        };
        if let Some(toml::Value::String(path)) = table.get("path") {
            let joined = folder.join(path);
            let absolute = std::path::absolute(&joined).unwrap_or(joined);
            table.insert("path".into(), toml::Value::String(absolute.display().to_string()));
            *value = toml::Value::Table(table).to_string().trim().to_owned();
            if !value.starts_with('{') {
                *value = format!("{{ {} }}", value.replace('\n', ", ").trim_end_matches(", "));
            }
        }
    }
    settings.source = Some((file.to_owned(), text.to_owned()));
    Ok(settings)
}

/// Whether `path` is a Rust type path we can write as it is (`my_crate::Money`, `String`,
/// `time::OffsetDateTime`, `schemars::JsonSchema`): identifiers joined by `::`. Anything else
/// (generics, tokens) is refused, so that no text becomes code it was not meant to be.
pub fn check_type_path(path: &str) -> Result<(), String> {
    let segments: Vec<&str> = path.strip_prefix("::").unwrap_or(path).split("::").collect();
    if !path.is_empty() && segments.iter().all(|s| is_identifier(s)) {
        Ok(())
    } else {
        Err(format!("{path:?} is not a Rust path (identifiers joined by `::`, such as `my_crate::Money`)"))
    }
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}

/// Line and column (1-based, characters) of the byte `offset` of `text`.
fn text_location(text: &str, offset: usize) -> Location {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Location::Text { line, column }
}

/// The place of `key` in the text: the first line that names it (bare or quoted).
fn locate_key(text: &str, key: &str) -> Location {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        for (written, at) in [(format!("\"{key}\""), 0), (key.to_owned(), 0)] {
            if let Some(found) = trimmed.find(&written) {
                return text_location(text, offset + indent + found + at);
            }
        }
        offset += line.len();
    }
    Location::Text { line: 0, column: 0 }
}

/// For toml's "unknown field `x`, expected one of `a`, `b`": the expected key nearest to `x`.
fn nearest_key(message: &str) -> Option<String> {
    let unknown = message.strip_prefix("unknown field `")?.split('`').next()?;
    let expected = message.split("expected").nth(1)?;
    let keys: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    keys.into_iter()
        .map(|key| (edit_distance(unknown, key), key))
        .filter(|(distance, key)| *distance <= key.len().max(unknown.len()) / 2 + 1)
        .min()
        .map(|(_, key)| key.to_owned())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb)).min(row[j] + 1).min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// FastAPI's default operationId ends with the path (every non-word character an `_`) and the
/// method: `get_pet_pets__pet_id__get` for `get_pet` at `GET /pets/{pet_id}`. The function's
/// name, if `id` is such an id.
pub fn fastapi_function(id: &str, method: &str, path: &str) -> Option<String> {
    let path: String = path.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' }).collect();
    let suffix = format!("{path}_{}", method.to_ascii_lowercase());
    id.strip_suffix(&suffix).filter(|name| !name.is_empty()).map(str::to_owned)
}

/// A method name from the method and the path: `GET /pets/{pet_id}` → `get_pets_pet_id`.
pub fn method_path_name(method: &str, path: &str) -> String {
    let words: Vec<String> = path
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    format!("{}_{}", method.to_ascii_lowercase(), words.join("_")).trim_end_matches('_').to_owned()
}

/// Whether `text` is one outer attribute (`#[...]`) the configuration may add: not a `derive`
/// (the `derives` settings say those) nor a `serde` one (the types are encoded by hand).
pub fn check_attribute(text: &str) -> Result<(), String> {
    use syn::parse::Parser;
    let attributes = syn::Attribute::parse_outer
        .parse_str(text)
        .map_err(|e| format!("{text:?} is not an outer attribute (`#[...]`): {e}"))?;
    let [attribute] = attributes.as_slice() else {
        return Err(format!("{text:?} must be exactly one attribute"));
    };
    let path = attribute.path();
    if path.is_ident("derive") {
        return Err(format!("{text:?}: derives go in `types.derives` or `types.derive`"));
    }
    if path.is_ident("serde") {
        return Err(format!(
            "{text:?}: the generated types encode and decode by hand, so serde attributes would do nothing"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_configuration_reads() {
        let text = r##"
name = "pets-client"
version = "0.2.0"
overlays = ["fix.yaml"]

[names]
operation-ids = "fastapi"
operations = { upload_file_files_post = "upload" }
fields = { "Pet.nickname" = "nick" }

[types]
derives = ["Hash", "Eq"]
replace = { "#/components/schemas/Money" = "my_money::Money" }
formats = { date-time = "String" }

[dependencies]
my_money = { path = "../money" }
"##;
        let settings = parse("c.toml", text).unwrap();
        assert_eq!(settings.name.as_deref(), Some("pets-client"));
        assert_eq!(settings.names.operation_ids, OperationIds::Fastapi);
        assert_eq!(settings.types.replace["#/components/schemas/Money"], "my_money::Money");
        // Relative to the configuration file, written absolute for the generated Cargo.toml.
        let money = &settings.dependencies["my_money"];
        assert!(money.starts_with("{ path = \"/") && money.ends_with("../money\" }"), "{money}");
    }

    #[test]
    fn mistakes_are_located_and_the_nearest_key_suggested() {
        let error = parse("c.toml", "name = \"x\"\n\n[names]\noperation-id = \"fastapi\"\n").unwrap_err();
        assert_eq!(error.location, Location::Text { line: 4, column: 1 });
        assert!(error.message.contains("unknown field `operation-id`"), "{}", error.message);
        assert!(error.message.ends_with("did you mean `operation-ids`?"), "{}", error.message);
        let error = parse("c.toml", "[types]\nreplace = { \"#/components/schemas/A\" = \"Vec<u8>\" }\n").unwrap_err();
        assert_eq!(error.location, Location::Text { line: 2, column: 13 });
        assert!(error.message.contains("is not a Rust path"), "{}", error.message);
        let error = parse("c.toml", "name = \"ho-kubernetes-1.13\"\n").unwrap_err();
        assert!(error.message.contains("cargo's rule"), "{}", error.message);
        let error = parse("c.toml", "[names]\noperations = { a = \"not ok\" }\n").unwrap_err();
        assert!(error.message.contains("not a Rust identifier"), "{}", error.message);
        let error = parse("c.toml", "[types]\nattributes = { Pet = [\"#[serde(rename = 'x')]\"] }\n").unwrap_err();
        assert_eq!(error.location, Location::Text { line: 2, column: 16 });
        assert!(error.message.contains("serde attributes would do nothing"), "{}", error.message);
        for bad in ["non_exhaustive", "#[derive(Hash)]", "#[a] #[b]", "#[doc = ]"] {
            let text = format!("[types]\nattributes = {{ Pet = [{bad:?}] }}\n");
            assert!(parse("c.toml", &text).is_err(), "{bad}");
        }
        let text = "[types]\nattributes = { \"*\" = [\"#[doc(alias = \\\"x\\\")]\", \"#[non_exhaustive]\"] }\n";
        assert_eq!(parse("c.toml", text).unwrap().types.attributes["*"].len(), 2);
    }

    #[test]
    fn operation_id_rules() {
        assert_eq!(fastapi_function("get_pet_pets__pet_id__get", "GET", "/pets/{pet_id}").as_deref(), Some("get_pet"));
        assert_eq!(fastapi_function("list_pets_pets_get", "get", "/pets").as_deref(), Some("list_pets"));
        assert_eq!(fastapi_function("listPets", "get", "/pets"), None);
        assert_eq!(method_path_name("GET", "/pets/{pet_id}"), "get_pets_pet_id");
        assert_eq!(method_path_name("post", "/"), "post");
    }
}
