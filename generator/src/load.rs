//! Reads a spec from text, JSON or YAML decided by content, into `openapiv3::OpenAPI`.

use openapiv3::OpenAPI;
use serde_path_to_error::{Path, Segment};

use crate::diagnostic::{push_pointer, Location, SpecError};

/// Parses `text` (JSON if it starts with `{`, YAML otherwise; a byte-order mark is skipped).
/// `file` names the source in errors.
pub fn load(file: &str, text: &str) -> Result<OpenAPI, SpecError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let error = |location, message: String| SpecError { file: file.to_owned(), location, message };
    if text.trim_start().starts_with('{') {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let spec: OpenAPI = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let inner = e.inner();
            if inner.is_syntax() || inner.is_eof() {
                error(Location::Text { line: inner.line(), column: inner.column() }, format!("invalid JSON: {inner}"))
            } else {
                error(Location::Pointer(pointer(e.path())), describe(&inner.to_string()))
            }
        })?;
        deserializer
            .end()
            .map_err(|e| error(Location::Text { line: e.line(), column: e.column() }, format!("invalid JSON: {e}")))?;
        check_version(file, spec)
    } else {
        let deserializer = serde_yaml::Deserializer::from_str(text);
        let spec: OpenAPI = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = pointer(e.path());
            let inner = e.into_inner();
            match inner.location() {
                Some(at) if path.is_empty() => error(
                    Location::Text { line: at.line(), column: at.column() },
                    format!("invalid YAML or not an OpenAPI document: {}", strip_location(&inner.to_string())),
                ),
                _ => error(Location::Pointer(path), describe(&strip_location(&inner.to_string()))),
            }
        })?;
        check_version(file, spec)
    }
}

fn check_version(file: &str, spec: OpenAPI) -> Result<OpenAPI, SpecError> {
    if spec.openapi.starts_with("3.0") {
        Ok(spec)
    } else {
        Err(SpecError {
            file: file.to_owned(),
            location: Location::Pointer("/openapi".into()),
            message: format!("unsupported OpenAPI version {:?}: this generator reads 3.0.x", spec.openapi),
        })
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

fn pointer(path: &Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        out = match segment {
            Segment::Seq { index } => push_pointer(&out, &index.to_string()),
            Segment::Map { key } => push_pointer(&out, key),
            Segment::Enum { variant } => push_pointer(&out, variant),
            Segment::Unknown => out,
        };
    }
    out
}
