//! `cargo xtask codegen`: regenerates the committed client from `specs/`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Result};

use crate::{read, workspace_root};

/// The spec of the committed client and where the client lives, relative to the workspace.
pub const SPEC: &str = "specs/mittwald-conversations.yaml";
pub const CLIENT_DIR: &str = "generated-client";

/// The configuration of the committed client, shared with the tests.
pub fn mittwald_config() -> generator::Config {
    generator::Config {
        crate_name: "mittwald-api-client".to_owned(),
        crate_version: "0.1.0".to_owned(),
        spec_path: SPEC.to_owned(),
        command: "cargo xtask codegen".to_owned(),
    }
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!("usage: cargo xtask codegen [--check]"),
    };
    let root = workspace_root();
    let generated = generator::generate(&read(&root.join(SPEC))?, &mittwald_config())?;
    for warning in &generated.warnings {
        eprintln!("warning: {warning}");
    }
    let out = root.join(CLIENT_DIR);
    let stale = sync(&out, &generated.files, check)?;
    if check {
        if stale.is_empty() {
            println!("{CLIENT_DIR} is up to date with {SPEC}");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{CLIENT_DIR} is stale; these files differ from what the generator produces:");
        for path in &stale {
            eprintln!("  {CLIENT_DIR}/{path}");
        }
        eprintln!("run `cargo xtask codegen` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    for path in &stale {
        println!("updated {CLIENT_DIR}/{path}");
    }
    if stale.is_empty() {
        println!("{CLIENT_DIR} was already up to date");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the files whose content changed (unless `check_only`) and removes generated files
/// the generator no longer emits. Returns the paths that differed.
pub fn sync(out: &Path, files: &std::collections::BTreeMap<String, String>, check_only: bool) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for (path, text) in files {
        let target = out.join(path);
        if std::fs::read_to_string(&target).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        stale.push(path.clone());
        if !check_only {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, text)?;
        }
    }
    for path in generated_files_on_disk(out)? {
        if !files.contains_key(&path) {
            stale.push(path.clone());
            if !check_only {
                std::fs::remove_file(out.join(&path))?;
            }
        }
    }
    Ok(stale)
}

/// Files under `out` that carry the generated header (hand-written ones are left alone).
fn generated_files_on_disk(out: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut dirs = vec![out.to_owned()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    dirs.push(path);
                }
            } else if std::fs::read_to_string(&path)
                .is_ok_and(|text| text.lines().next().is_some_and(|l| l.contains("@generated")))
            {
                let relative = path.strip_prefix(out)?.to_string_lossy().replace('\\', "/");
                found.push(relative);
            }
        }
    }
    found.sort();
    Ok(found)
}
