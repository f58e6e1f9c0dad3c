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
    // The committed client's configuration is a configuration file like any (only its name and
    // version are set; `cargo xtask release` writes the version).
    let settings = generator::config::parse(CLIENT_CONFIG, &client).map_err(|e| anyhow::anyhow!("{e}"))?;
    let version = crate::release::config_version(&client).with_context(|| format!("in {CLIENT_CONFIG}"))?;
    let name = settings.name.clone().with_context(|| format!("no `name` in {CLIENT_CONFIG}"))?;
    Ok(generator::Config {
        crate_name: name,
        crate_version: version.to_string(),
        spec_path: SPEC.to_owned(),
        command: "cargo xtask codegen".to_owned(),
        operations: generator::Selection::All,
        standalone: false,
        runtime_module: false,
        pinned_names: pinned_names(&workspace_root().join(CLIENT_DIR))?,
        strict: false,
        // Relative to the configuration's folder, as the workspace names them.
        overlays: settings.overlays.iter().map(|overlay| format!("{}/{overlay}", SPECS_DIR)).collect(),
        settings,
    })
}

/// The committed client generated from the spec `text` (today's `specs/`, or another version
/// of it) with its configuration and Overlays.
pub fn generate_mittwald(text: &str) -> Result<generator::Generated> {
    let config = mittwald_config()?;
    let mut sources = mittwald_sources(&config, text)?;
    Ok(generator::generate_from(&mut sources, &config)?)
}

/// The folder of the committed client's spec, configuration and Overlays.
pub const SPECS_DIR: &str = "specs";

/// The committed client's spec `text` with the files generation reads beside it (its Overlays),
/// from the workspace wherever the command runs.
pub fn mittwald_sources(config: &generator::Config, text: &str) -> Result<generator::bundle::Sources> {
    let root = workspace_root();
    let mut files = BTreeMap::from([(SPEC.to_owned(), text.to_owned())]);
    for overlay in &config.overlays {
        files.insert(overlay.clone(), read(&root.join(overlay))?);
    }
    Ok(generator::bundle::Sources::in_memory(SPEC, files))
}

/// The type names kept in the lock file of the crate in `dir`; none if it has no lock file.
pub fn pinned_names(dir: &Path) -> Result<BTreeMap<String, String>> {
    generator::output::pinned_names(dir).map_err(anyhow::Error::msg)
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
    let text = read(&root.join(SPEC))?;
    let config = mittwald_config()?;
    let mut sources = mittwald_sources(&config, &text)?;
    let generated = generator::generate_from(&mut sources, &config)?;
    let report = generator::diagnostic::Report::with_files(&text, sources.files(), false);
    for warning in &generated.warnings {
        eprintln!("{}", report.human(warning));
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

/// `--spec <file> --out <dir>`: a standalone crate for any spec, by the code of the installable
/// `openapi-rust-gen generate` (human messages; `--warnings json` prints JSON ones).
fn run_any_spec(spec: &str, out: &str, options: &Options) -> Result<ExitCode> {
    let mut command = format!("cargo xtask codegen --spec {spec} --out {out}");
    if let Some(name) = &options.crate_name {
        command.push_str(&format!(" --crate-name {name}"));
    }
    if let Some(operations) = &options.operations {
        command.push_str(&format!(" --operations {operations}"));
    }
    let json = options.warnings == generator::WarningFormat::Json;
    let code = openapi_rust_gen_cli::generate(&openapi_rust_gen_cli::GenerateOptions {
        spec: spec.into(),
        out: out.into(),
        crate_name: options.crate_name.clone(),
        crate_version: "0.1.0".to_owned(),
        operations: options.operations.clone(),
        check: options.check,
        strict: options.strict,
        warnings: if json { generator::WarningFormat::Summary } else { options.warnings },
        allow_remote_refs: false,
        config: None,
        overlays: Vec::new(),
        message_format: if json {
            openapi_rust_gen_cli::MessageFormat::Json
        } else {
            openapi_rust_gen_cli::MessageFormat::Human
        },
        command,
    });
    Ok(ExitCode::from(code))
}

/// Writes the files whose content changed (see [`generator::output::sync`]).
pub fn sync(out: &Path, files: &BTreeMap<String, String>, check_only: bool) -> Result<Vec<String>> {
    generator::output::sync(out, files, check_only).with_context(|| format!("cannot write {}", out.display()))
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
