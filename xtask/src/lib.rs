//! The project's tasks, as a library so that tests run the same code as `cargo xtask`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub mod api_diff;
pub mod bench;
pub mod codegen;
pub mod corpus;
pub mod directory;
pub mod directory_check;
pub mod release;
pub mod shapes;
pub mod update_spec;

/// The workspace root (the xtask lives one level below it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_owned()
}

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}
