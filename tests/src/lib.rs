//! Helpers shared by the test files in `tests/tests/`.

use std::path::{Path, PathBuf};

pub mod bench;
pub mod data;
pub mod server;

/// The README, whose Rust examples are compiled as doctests of this crate.
#[doc = include_str!("../../README.md")]
pub mod readme {}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace").to_owned()
}

/// The configuration the fixture tests generate with, for a spec named `name`.
pub fn fixture_config(name: &str) -> generator::Config {
    generator::Config {
        crate_name: "fixture".to_owned(),
        crate_version: "0.0.0".to_owned(),
        spec_path: name.to_owned(),
        command: "cargo test".to_owned(),
        operations: generator::Selection::All,
        standalone: false,
        runtime_module: false,
        pinned_names: Default::default(),
        strict: false,
        overlays: Vec::new(),
        settings: Default::default(),
    }
}

/// Generates the client for the spec `text`, named `name` in errors and headers. Most of the
/// tests' small specs name no servers: that warning (`no-servers`, tested on its own) is left
/// out of the result.
pub fn generate_fixture(name: &str, text: &str) -> Result<generator::Generated, generator::SpecError> {
    let mut generated = generator::generate(text, &fixture_config(name))?;
    generated.warnings.retain(|warning| warning.kind != generator::Kind::NoServers);
    Ok(generated)
}

/// The files of the split fixture `tests/fixtures/<dir>/` in memory, by their paths from the
/// workspace root (as messages name them), the root document being `openapi.yaml`.
pub fn split_fixture(dir: &str) -> generator::bundle::Sources {
    let (root, files) = split_fixture_files(dir);
    generator::bundle::Sources::in_memory(root, files)
}

/// The root's path and every file of the split fixture `tests/fixtures/<dir>/` by path.
pub fn split_fixture_files(dir: &str) -> (String, std::collections::BTreeMap<String, String>) {
    fn collect(dir: &Path, prefix: &str, out: &mut std::collections::BTreeMap<String, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read the fixture's folder").flatten().collect();
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            let name = format!("{prefix}/{}", entry.file_name().to_string_lossy());
            if entry.path().is_dir() {
                collect(&entry.path(), &name, out);
            } else {
                out.insert(name, std::fs::read_to_string(entry.path()).expect("read a fixture file"));
            }
        }
    }
    let prefix = format!("tests/fixtures/{dir}");
    let mut files = std::collections::BTreeMap::new();
    collect(&root().join(&prefix), &prefix, &mut files);
    (format!("{prefix}/openapi.yaml"), files)
}

/// The generated API of a crate in one text: types, operations and webhooks, not the copied
/// runtime.
pub fn api_text(generated: &generator::Generated) -> String {
    let mut out = String::new();
    for (path, text) in &generated.files {
        if path.starts_with("src/types/") || path.starts_with("src/operations/") || path == "src/webhooks.rs" {
            out.push_str(&format!("==> {path}\n"));
            out.push_str(text.split_once("\n\n").map_or(text.as_str(), |(_, body)| body));
            out.push('\n');
        }
    }
    for warning in &generated.warnings {
        out.push_str(&format!("warning: {warning}\n"));
    }
    out
}
