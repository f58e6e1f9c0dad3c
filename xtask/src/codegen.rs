//! `cargo xtask codegen`: regenerates the committed client from `specs/`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::{read, workspace_root};

/// The spec of the committed client and where the client lives, relative to the workspace.
pub const SPEC: &str = "specs/mittwald-conversations.yaml";
pub const CLIENT_DIR: &str = "generated-client";
/// The committed client's name and version, next to its spec (`cargo xtask release` sets it).
pub const CLIENT_CONFIG: &str = "specs/mittwald-conversations.client.toml";

/// The configuration of the committed client, shared with the tests: its type names are those
/// of its committed lock file.
pub fn mittwald_config() -> Result<generator::Config> {
    let root = workspace_root();
    let client = read(&root.join(CLIENT_CONFIG))?;
    let version = crate::release::config_version(&client).with_context(|| format!("in {CLIENT_CONFIG}"))?;
    let name = crate::release::config_value(&client, "name").with_context(|| format!("in {CLIENT_CONFIG}"))?;
    Ok(generator::Config {
        crate_name: name,
        crate_version: version.to_string(),
        spec_path: SPEC.to_owned(),
        command: "cargo xtask codegen".to_owned(),
        operations: generator::Selection::All,
        standalone: false,
        pinned_names: pinned_names(&workspace_root().join(CLIENT_DIR))?,
        strict: false,
    })
}

/// The type names kept in the lock file of the crate in `dir`; none if it has no lock file.
pub fn pinned_names(dir: &Path) -> Result<BTreeMap<String, String>> {
    let path = dir.join(generator::names::LOCK_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => generator::names::parse_lock(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
}

pub const USAGE: &str = "usage: cargo xtask codegen [--check]
       cargo xtask codegen --spec <file> --out <dir> [--crate-name <name>] [--operations <selection>] [--check]
                           [--strict] [--warnings summary|all|json]

Without --spec: regenerate generated-client/ from specs/. With --spec: write a standalone crate for
the spec to <dir>. <selection> is `all` (the default) or a comma-separated list of operationIds and
`tag:<Tag>` items, e.g. `conversation-list-conversations,tag:User`. --strict refuses a spec with
bugs that are otherwise generated best-effort with a warning. --warnings: `summary` (the default:
a few of each kind, then a count), `all`, or `json` (one object per line, on stderr).";

/// The options of `cargo xtask codegen`.
#[derive(Debug, Default, PartialEq)]
struct Options {
    check: bool,
    spec: Option<String>,
    out: Option<String>,
    crate_name: Option<String>,
    operations: Option<String>,
    strict: bool,
    warnings: generator::WarningFormat,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().cloned().with_context(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--check" => options.check = true,
            "--spec" => options.spec = Some(value("--spec")?),
            "--out" => options.out = Some(value("--out")?),
            "--crate-name" => options.crate_name = Some(value("--crate-name")?),
            "--operations" => options.operations = Some(value("--operations")?),
            "--strict" => options.strict = true,
            "--warnings" => {
                let text = value("--warnings")?;
                options.warnings = generator::WarningFormat::parse(&text)
                    .with_context(|| format!("--warnings takes summary, all or json, not {text:?}"))?;
            }
            other => bail!("unknown option {other:?}\n\n{USAGE}"),
        }
    }
    if options.spec.is_some() != options.out.is_some() {
        bail!("--spec and --out go together\n\n{USAGE}");
    }
    if options.spec.is_none() && (options.crate_name.is_some() || options.operations.is_some()) {
        bail!("--crate-name and --operations need --spec and --out\n\n{USAGE}");
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let options = parse(args)?;
    if let (Some(spec), Some(out)) = (&options.spec, &options.out) {
        return run_any_spec(spec, out, &options);
    }
    let check = options.check;
    let root = workspace_root();
    let generated = generator::generate(&read(&root.join(SPEC))?, &mittwald_config()?)?;
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

/// `--spec <file> --out <dir>`: a standalone crate for any spec.
fn run_any_spec(spec: &str, out: &str, options: &Options) -> Result<ExitCode> {
    let crate_name = options.crate_name.clone().unwrap_or_else(|| {
        let stem = Path::new(spec).file_stem().and_then(|s| s.to_str()).unwrap_or("api");
        format!("{}-client", stem.to_ascii_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-"))
    });
    let mut command = format!("cargo xtask codegen --spec {spec} --out {out}");
    if let Some(name) = &options.crate_name {
        command.push_str(&format!(" --crate-name {name}"));
    }
    if let Some(operations) = &options.operations {
        command.push_str(&format!(" --operations {operations}"));
    }
    let config = generator::Config {
        crate_name,
        crate_version: "0.1.0".to_owned(),
        spec_path: spec.to_owned(),
        command,
        operations: generator::Selection::parse(options.operations.as_deref().unwrap_or("all")),
        standalone: true,
        pinned_names: pinned_names(Path::new(out))?,
        strict: options.strict,
    };
    let started = std::time::Instant::now();
    let generated = generator::generate(&read(Path::new(spec))?, &config)?;
    let elapsed = started.elapsed();
    for line in generator::diagnostic::render_warnings(&generated.warnings, options.warnings) {
        eprintln!("{line}");
    }
    let stale = sync(Path::new(out), &generated.files, options.check)?;
    let lines: usize = generated.files.values().map(|text| text.lines().count()).sum();
    println!(
        "generated {} files ({lines} lines, {} warnings) in {:.0} ms; {} changed in {out}",
        generated.files.len(),
        generated.warnings.len(),
        elapsed.as_secs_f64() * 1000.0,
        stale.len()
    );
    if options.check && !stale.is_empty() {
        eprintln!("{out} is stale; run `{}`", config.command);
        return Ok(ExitCode::FAILURE);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_the_cli() {
        let options =
            parse(&args(&["--spec", "a.json", "--out", "x", "--operations", "tag:User", "--crate-name", "c"])).unwrap();
        assert_eq!(options.spec.as_deref(), Some("a.json"));
        assert_eq!(options.operations.as_deref(), Some("tag:User"));
        assert!(parse(&args(&["--spec", "a.json"]))
            .unwrap_err()
            .to_string()
            .starts_with("--spec and --out go together"));
        assert!(parse(&args(&["--bogus"])).unwrap_err().to_string().starts_with("unknown option \"--bogus\""));
        assert!(parse(&args(&["--out"])).unwrap_err().to_string().starts_with("--out needs a value"));
        assert_eq!(parse(&args(&["--check"])).unwrap(), Options { check: true, ..Options::default() });
    }
}
