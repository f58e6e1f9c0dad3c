//! Project tasks: `cargo xtask codegen [--check]`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

mod codegen;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some(other) => bail!("unknown task {other:?}\n\n{USAGE}"),
        None => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  codegen [--check]   regenerate generated-client/ from specs/ (--check: fail if it is stale)";

/// The workspace root (the xtask lives one level below it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_owned()
}

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}
