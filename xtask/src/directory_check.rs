//! `cargo xtask directory --check sample|all`: `cargo check` with warnings denied on the crates
//! generated from directory documents, one at a time, in one shared target directory. Results
//! are appended to a file after each document (the sample's is committed:
//! `tests/directory/checks.tsv`; all of them go to `target/directory/checks-all.tsv`), and a
//! document whose generated files hash the same as when it last passed is skipped: a run can be
//! interrupted and resumed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::directory::{crate_slug, first_line, generate_in_child, CHECKS};

/// Checks the crates of `documents`; returns whether all passed.
pub fn run(root: &Path, api: &Path, documents: &[String], which: &str) -> Result<bool> {
    let base = root.join("target/directory");
    let results_path = if which == "sample" { root.join(CHECKS) } else { base.join(format!("checks-{which}.tsv")) };
    let header = "# cargo xtask directory --check: cargo check, warnings denied, of the generated crate\n\
                  document\tfiles\tresult\tseconds\n";
    let mut previous: HashMap<String, (String, String, String)> = HashMap::new();
    if let Ok(text) = std::fs::read_to_string(&results_path) {
        for line in text.lines().skip(2) {
            let fields: Vec<&str> = line.splitn(4, '\t').collect();
            if let [document, hash, result, seconds] = fields[..] {
                previous.insert(document.to_owned(), (hash.to_owned(), result.to_owned(), seconds.to_owned()));
            }
        }
    }
    let target = std::env::var_os("DIRECTORY_TARGET_DIR").map_or_else(|| base.join("check-target"), PathBuf::from);
    let exe = std::env::current_exe()?;
    let mut passed = 0;
    let mut failed = Vec::new();
    let mut lines: Vec<(String, String)> = Vec::new();
    let started = Instant::now();
    for (index, document) in documents.iter().enumerate() {
        let out = base.join("crates").join(crate_slug(document));
        let bytes = std::fs::metadata(api.join(document)).map(|m| m.len()).unwrap_or(0);
        let outcome = generate_in_child(&exe, api, document, bytes, Duration::from_secs(300), Some(&out));
        let (result, seconds) = if outcome.status != "ok" {
            (format!("not generated: {}", first_line(&outcome.message)), 0.0)
        } else if let Some((_, result, seconds)) =
            previous.get(document).filter(|(hash, result, _)| *hash == outcome.files_hash && result == "ok")
        {
            (result.clone(), seconds.parse().unwrap_or(0.0))
        } else {
            check(&out, &target, &crate_slug(document))?
        };
        println!(
            "[{}/{} {:.0} s] {document} ({} KB): {result} ({seconds:.1} s)",
            index + 1,
            documents.len(),
            started.elapsed().as_secs_f64(),
            bytes / 1024
        );
        if result == "ok" {
            passed += 1;
        } else {
            failed.push(document.clone());
        }
        lines.push((
            document.clone(),
            format!("{document}\t{}\t{}\t{seconds:.1}\n", outcome.files_hash, result.replace('\t', " ")),
        ));
        // Written after every document, with the earlier results of the documents not yet
        // reached, so that an interrupted run loses nothing.
        let mut text = String::from(header);
        let done: std::collections::HashSet<&str> = lines.iter().map(|(d, _)| d.as_str()).collect();
        let mut all: Vec<(String, String)> = lines.clone();
        for (document, (hash, result, seconds)) in &previous {
            if !done.contains(document.as_str()) && documents.contains(document) {
                all.push((document.clone(), format!("{document}\t{hash}\t{result}\t{seconds}\n")));
            }
        }
        all.sort();
        text.extend(all.into_iter().map(|(_, line)| line));
        std::fs::write(&results_path, text)?;
    }
    println!("\ncargo check, warnings denied: {passed} of {} passed", documents.len());
    for document in &failed {
        println!("  check FAILED: {document}");
    }
    Ok(failed.is_empty())
}

/// `cargo check` of one crate, warnings denied: "ok" or the first error line. Its build
/// artifacts are removed afterwards (the dependencies' stay), so that thousands of crates fit
/// on the disk.
fn check(crate_dir: &Path, target: &Path, slug: &str) -> Result<(String, f64)> {
    let (result, seconds) = crate::corpus::cargo_denying_warnings(
        &["check", "--quiet", "--all-features"],
        crate_dir,
        target,
        &[("CARGO_INCREMENTAL", "0")],
    )?;
    let name = format!("directory_{}", slug.replace('-', "_"));
    for dir in ["debug/deps", "debug/.fingerprint"] {
        let Ok(entries) = std::fs::read_dir(target.join(dir)) else { continue };
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let crate_part = file.trim_start_matches("lib");
            if crate_part.starts_with(&name) || file.starts_with(&format!("directory-{slug}-")) {
                let path = entry.path();
                let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
            }
        }
    }
    Ok((result, seconds))
}
