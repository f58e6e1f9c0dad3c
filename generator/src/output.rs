//! Writing a generated crate to disk, as `cargo xtask codegen`, the `openapi-rust-gen` command and
//! `build.rs` generation all do: only files whose content changed are written, generated files the
//! generator no longer emits are removed, hand-written ones are left alone; and the type names
//! pinned in a crate's lock file are read back.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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
/// the generator no longer emits. Returns the paths that differed, in path order.
///
/// Files are compared and written on every core: a huge API's crate has hundreds of files, and
/// creating them is bound by system calls, not by the disk.
pub fn sync(out: &Path, files: &BTreeMap<String, String>, check_only: bool) -> io::Result<Vec<String>> {
    let writer = Writer::new(out, check_only);
    let entries: Vec<(&String, &String)> = files.iter().collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8).min(entries.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some((path, text)) = entries.get(next.fetch_add(1, Ordering::Relaxed)) {
                    writer.put(path, text);
                }
            });
        }
    });
    writer.finish(files)
}

/// Writes a crate's files as they are made, from any thread ([`put`](Writer::put)), then
/// removes the generated files no longer emitted ([`finish`](Writer::finish)): what [`sync`]
/// does, for a generator that hands each file over when it is formatted, so that writing
/// overlaps formatting.
pub struct Writer<'a> {
    out: &'a Path,
    check_only: bool,
    state: Mutex<WriterState>,
}

#[derive(Default)]
struct WriterState {
    /// Folders made so far (each once, not once per file).
    folders: BTreeSet<PathBuf>,
    stale: Vec<String>,
    error: Option<io::Error>,
}

impl<'a> Writer<'a> {
    pub fn new(out: &'a Path, check_only: bool) -> Self {
        Self { out, check_only, state: Mutex::new(WriterState::default()) }
    }

    /// Compares the file at `path` (relative to the crate) with `text`, and writes it if it
    /// differs (unless only checking). The first error is kept for [`finish`](Writer::finish);
    /// after it, nothing more is written.
    pub fn put(&self, path: &str, text: &str) {
        let target = self.out.join(path);
        if std::fs::read(&target).ok().as_deref() == Some(text.as_bytes()) {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.stale.push(path.to_owned());
        if self.check_only || state.error.is_some() {
            return;
        }
        let folder = target.parent().map(Path::to_owned).unwrap_or_default();
        if !state.folders.contains(&folder) {
            if let Err(error) = std::fs::create_dir_all(&folder) {
                state.error = Some(error);
                return;
            }
            state.folders.insert(folder);
        }
        drop(state);
        if let Err(error) = std::fs::write(&target, text) {
            self.state.lock().unwrap_or_else(|e| e.into_inner()).error.get_or_insert(error);
        }
    }

    /// After every file of `files` was [`put`](Writer::put): removes the generated files on
    /// disk that `files` does not have; returns the paths that differed (written, or to be),
    /// in path order, or the first error.
    pub fn finish(self, files: &BTreeMap<String, String>) -> io::Result<Vec<String>> {
        let WriterState { mut stale, error, .. } = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        if let Some(error) = error {
            return Err(error);
        }
        stale.sort();
        for path in generated_files_on_disk(self.out, files)? {
            stale.push(path.clone());
            if !self.check_only {
                std::fs::remove_file(self.out.join(&path))?;
            }
        }
        Ok(stale)
    }
}

/// Files under `out` that carry the generated header (hand-written ones are left alone) and
/// are not among `files`: those the generator no longer emits.
fn generated_files_on_disk(out: &Path, files: &BTreeMap<String, String>) -> io::Result<Vec<String>> {
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
                continue;
            }
            let relative = path.strip_prefix(out).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if !files.contains_key(&relative) && first_line_is_generated(&path) {
                found.push(relative);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Whether the file's first line carries the generated header (only that line is read).
fn first_line_is_generated(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else { return false };
    let mut line = Vec::new();
    io::BufRead::read_until(&mut io::BufReader::new(file.take(4096)), b'\n', &mut line).is_ok()
        && String::from_utf8_lossy(&line).contains("@generated")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{sync, Writer};

    #[test]
    fn only_changed_files_are_written_and_only_generated_ones_removed() {
        let out = std::env::temp_dir().join(format!("openapi-rust-gen-sync-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let file = |text: &str| format!("// @generated by a test\n{text}\n");
        let mut files: BTreeMap<String, String> = (0..40)
            .map(|i| (format!("src/part{}/file{i}.rs", i % 3), file(&i.to_string())))
            .chain([("Cargo.toml".to_owned(), file("toml"))])
            .collect();
        let all: Vec<String> = files.keys().cloned().collect();
        assert_eq!(sync(&out, &files, false).unwrap(), all, "everything is new, in path order");
        assert!(sync(&out, &files, false).unwrap().is_empty(), "nothing changed");
        std::fs::write(out.join("src/notes.rs"), "// written by hand\n").unwrap();
        files.insert("src/part1/file1.rs".to_owned(), file("changed"));
        files.remove("src/part2/file2.rs");
        let expected = vec!["src/part1/file1.rs".to_owned(), "src/part2/file2.rs".to_owned()];
        assert_eq!(sync(&out, &files, true).unwrap(), expected, "--check reports");
        assert!(out.join("src/part2/file2.rs").exists(), "--check writes nothing");
        assert_eq!(sync(&out, &files, false).unwrap(), expected);
        assert_eq!(std::fs::read_to_string(out.join("src/part1/file1.rs")).unwrap(), file("changed"));
        assert!(!out.join("src/part2/file2.rs").exists(), "a generated file no longer emitted is removed");
        assert!(out.join("src/notes.rs").exists(), "a hand-written file stays");
        std::fs::remove_dir_all(&out).unwrap();
    }

    /// Files handed over one by one as they are made (the command's way): a folder that cannot
    /// be made is the error `finish` returns, and nothing more is written after it.
    #[test]
    fn a_writer_reports_its_first_error_and_writes_nothing_after_it() {
        let out = std::env::temp_dir().join(format!("openapi-rust-gen-writer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).unwrap();
        // A file where a folder should be.
        std::fs::write(out.join("src"), "not a folder").unwrap();
        let writer = Writer::new(&out, false);
        writer.put("Cargo.toml", "# @generated\n");
        writer.put("src/lib.rs", "// @generated\n");
        writer.put("README.md", "# @generated\n");
        let files: BTreeMap<String, String> = BTreeMap::new();
        assert!(writer.finish(&files).is_err(), "the folder `src` could not be made");
        assert!(out.join("Cargo.toml").exists(), "written before the error");
        assert!(!out.join("README.md").exists(), "nothing is written after the first error");
        std::fs::remove_dir_all(&out).unwrap();
    }
}
