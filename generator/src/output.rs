//! Writing a generated crate to disk, as `cargo xtask codegen`, the `openapi-rust-gen` command and
//! `build.rs` generation all do: only files whose content changed are written, generated files the
//! generator no longer emits are removed, hand-written ones are left alone; and the type names
//! pinned in a crate's lock file are read back.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// The type names kept in the lock file of the crate in `dir`; none if it has no lock file.
pub fn pinned_names(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let path = dir.join(crate::names::LOCK_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => crate::names::parse_lock(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(error) => Err(format!("cannot read {}: {error}", path.display())),
    }
}

/// Writes the files whose content changed (unless `check_only`) and removes generated files
/// the generator no longer emits. Returns the paths that differed.
pub fn sync(out: &Path, files: &BTreeMap<String, String>, check_only: bool) -> io::Result<Vec<String>> {
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
fn generated_files_on_disk(out: &Path) -> io::Result<Vec<String>> {
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
                let relative = path.strip_prefix(out).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                found.push(relative);
            }
        }
    }
    found.sort();
    Ok(found)
}
