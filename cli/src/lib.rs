//! The `openapi-rust-gen` command as a library: `cargo xtask codegen --spec` and `cargo xtask
//! api-diff` run the same functions, so the maintainers' commands and the installed one cannot
//! drift apart.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use openapi_rust_gen::diagnostic::Report;

/// The exit codes of the command (also in `--help`).
pub mod exit {
    /// Generated (possibly with warnings), up to date, or the diff printed.
    pub const OK: u8 = 0;
    /// The spec cannot be generated: an error in it, or a spec bug that `--strict` refuses.
    pub const SPEC_ERROR: u8 = 1;
    /// Wrong usage: an unknown option or a missing argument.
    pub const USAGE: u8 = 2;
    /// `--check`: the output directory is not what the spec generates.
    pub const STALE: u8 = 3;
    /// A file could not be read or written.
    pub const IO: u8 = 4;
}

/// How warnings and errors are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageFormat {
    /// For people: the file, line and column, the source line, colour on a terminal.
    #[default]
    Human,
    /// One JSON object per line on stderr, for tools.
    Json,
}

/// What `generate` is asked to do.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub crate_name: Option<String>,
    pub crate_version: String,
    pub operations: Option<String>,
    pub check: bool,
    pub strict: bool,
    pub warnings: openapi_rust_gen::WarningFormat,
    pub message_format: MessageFormat,
    /// Read `$ref`s to `http://` and `https://` documents (never without being asked).
    pub allow_remote_refs: bool,
    /// The configuration file; without one, `openapi-rust-gen.toml` beside the spec if it exists.
    pub config: Option<PathBuf>,
    /// Overlay documents applied after the configuration's, in order.
    pub overlays: Vec<PathBuf>,
    /// The command line that regenerates the crate, written into every generated file.
    pub command: String,
}

/// The files of the document at `spec`: read from beside it, and from the network only with
/// `allow_remote` (a blocking GET of the URL, 30 s at most).
pub fn sources(spec: &Path, allow_remote: bool) -> Result<openapi_rust_gen::bundle::Sources, String> {
    let text = std::fs::read_to_string(spec).map_err(|error| format!("cannot read {}: {error}", spec.display()))?;
    let sources = openapi_rust_gen::bundle::Sources::new(spec.display().to_string(), text);
    Ok(if allow_remote { sources.allow_remote(Box::new(fetch)) } else { sources })
}

fn fetch(url: &str) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(30))).build().into();
    let mut response = agent.get(url).call().map_err(|error| format!("GET {url}: {error}"))?;
    response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .map_err(|error| format!("GET {url}: {error}"))
}

/// The configuration for `spec`: the file given, or `openapi-rust-gen.toml` beside the spec;
/// none if neither. Its overlays are made relative to the current directory.
pub fn read_config(
    spec: &Path,
    given: Option<&Path>,
) -> Result<Option<openapi_rust_gen::config::Settings>, ConfigError> {
    let path = match given {
        Some(path) => path.to_path_buf(),
        None => {
            let beside = spec.parent().unwrap_or(Path::new("")).join(openapi_rust_gen::config::FILE_NAME);
            if !beside.is_file() {
                return Ok(None);
            }
            beside
        }
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| ConfigError::Io(format!("cannot read the configuration {}: {e}", path.display())))?;
    let name = path.display().to_string();
    let mut settings =
        openapi_rust_gen::config::parse(&name, &text).map_err(|error| ConfigError::Invalid(Box::new(error), text))?;
    let folder = path.parent().unwrap_or(Path::new(""));
    for overlay in &mut settings.overlays {
        if !overlay.contains("://") {
            *overlay = folder.join(&*overlay).display().to_string();
        }
    }
    Ok(Some(settings))
}

/// Why the configuration cannot be used.
#[derive(Debug)]
pub enum ConfigError {
    /// It cannot be read.
    Io(String),
    /// It says something wrong (located), with its text.
    Invalid(Box<openapi_rust_gen::SpecError>, String),
}

/// The crate name for a spec file: its stem, kebab-cased, with `-client`.
pub fn default_crate_name(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    let stem: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let stem = stem.trim_matches('-');
    let stem = if stem.is_empty() || stem.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{stem}")
    } else {
        stem.to_owned()
    };
    format!("{}-client", stem.trim_end_matches('-'))
}

/// Generates the crate for `options.spec` into `options.out` (or checks it); returns the exit
/// code. Messages go to stderr, the summary line to stdout.
pub fn generate(options: &GenerateOptions) -> u8 {
    let settings = match read_config(&options.spec, options.config.as_deref()) {
        Ok(settings) => settings.unwrap_or_default(),
        Err(ConfigError::Invalid(error, text)) => {
            print_error(&error, &Report::new(&text, color()), options.message_format);
            return exit::USAGE;
        }
        Err(ConfigError::Io(error)) => {
            eprintln!("error: {error}");
            return exit::IO;
        }
    };
    let crate_name = options.crate_name.clone().or_else(|| settings.name.clone());
    let crate_version = if options.crate_version == "0.1.0" {
        settings.version.clone().unwrap_or_else(|| options.crate_version.clone())
    } else {
        options.crate_version.clone()
    };
    let operations = options.operations.clone().or_else(|| settings.operations.clone());
    let mut overlays = settings.overlays.clone();
    overlays.extend(options.overlays.iter().map(|path| path.display().to_string()));
    let checked = crate_name.as_deref().map_or(Ok(()), openapi_rust_gen::names::check_crate_name);
    if let Err(error) = checked.and_then(|()| openapi_rust_gen::names::check_crate_version(&crate_version)) {
        eprintln!("error: {error}");
        return exit::USAGE;
    }
    let spec_path = options.spec.display().to_string();
    let mut sources = match sources(&options.spec, options.allow_remote_refs) {
        Ok(sources) => sources,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::IO;
        }
    };
    let size = sources.root_text().len();
    let pinned_names = match openapi_rust_gen::output::pinned_names(&options.out) {
        Ok(names) => names,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::IO;
        }
    };
    let config = openapi_rust_gen::Config {
        crate_name: crate_name.unwrap_or_else(|| default_crate_name(&options.spec)),
        crate_version,
        spec_path: spec_path.clone(),
        command: options.command.clone(),
        operations: openapi_rust_gen::Selection::parse(operations.as_deref().unwrap_or("all")),
        standalone: true,
        runtime_module: false,
        pinned_names,
        strict: options.strict,
        overlays,
        settings,
    };
    let started = Instant::now();
    // Each file is written (or, with --check, compared) as soon as it is formatted, while the
    // others are.
    let writer = openapi_rust_gen::output::Writer::new(&options.out, options.check);
    let generated = with_progress(&spec_path, size, || {
        openapi_rust_gen::generate_from_with(&mut sources, &config, &|path, text| writer.put(path, text))
    });
    let elapsed = started.elapsed();
    // The configuration's text too: what it names wrong is shown in it.
    let mut files = sources.files().clone();
    if let Some((file, text)) = &config.settings.source {
        files.insert(file.clone(), text.clone());
    }
    let report = |color| Report::with_files(sources.root_text(), &files, color);
    let generated = match generated {
        Ok(generated) => generated,
        Err(error) => {
            print_error(&error, &report(color()), options.message_format);
            return exit::SPEC_ERROR;
        }
    };
    print_warnings(&generated.warnings, &report(color() && options.message_format == MessageFormat::Human), options);
    let stale = match writer.finish(&generated.files) {
        Ok(stale) => stale,
        Err(error) => {
            eprintln!("error: cannot write {}: {error}", options.out.display());
            return exit::IO;
        }
    };
    // `str::lines` counted, faster: the line ends, and a last line without one.
    let lines: usize = generated
        .files
        .values()
        .map(|text| {
            text.bytes().filter(|&b| b == b'\n').count() + usize::from(!text.is_empty() && !text.ends_with('\n'))
        })
        .sum();
    println!(
        "generated {} files ({lines} lines, {} warnings) in {:.0} ms; {} {} in {}",
        generated.files.len(),
        generated.warnings.len(),
        elapsed.as_secs_f64() * 1000.0,
        stale.len(),
        if options.check { "differ" } else { "changed" },
        options.out.display()
    );
    if options.check && !stale.is_empty() {
        eprintln!("{} is stale; run `{}`", options.out.display(), options.command);
        return exit::STALE;
    }
    exit::OK
}

/// Runs `work`, telling a person at a terminal what is going on when it takes more than a second
/// (the largest documents take several).
fn with_progress<T>(spec: &str, size: usize, work: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return work();
    }
    let (done, wait) = mpsc::channel::<()>();
    let spec = spec.to_owned();
    let reporter = std::thread::spawn(move || {
        let started = Instant::now();
        while wait.recv_timeout(Duration::from_secs(1)).is_err() {
            eprint!("\rgenerating from {spec} ({:.1} MB): {} s …", size as f64 / 1e6, started.elapsed().as_secs());
        }
        if started.elapsed() >= Duration::from_secs(1) {
            eprint!("\r\x1b[2K");
        }
    });
    let result = work();
    let _ = done.send(());
    let _ = reporter.join();
    result
}

fn print_error(error: &openapi_rust_gen::SpecError, report: &Report<'_>, format: MessageFormat) {
    match format {
        MessageFormat::Human => eprintln!("{}", report.human_error(error)),
        MessageFormat::Json => eprintln!("{}", report.json_error(error)),
    }
}

fn print_warnings(warnings: &[openapi_rust_gen::Warning], report: &Report<'_>, options: &GenerateOptions) {
    match options.message_format {
        MessageFormat::Json => {
            for warning in warnings {
                eprintln!("{}", report.json(warning));
            }
        }
        MessageFormat::Human => {
            let lines = openapi_rust_gen::diagnostic::render_warnings_with_report(warnings, options.warnings, report);
            for line in lines {
                eprintln!("{line}");
            }
        }
    }
}

/// `bundle <spec> -o <file>`: the document and every file its references reach, as one
/// self-contained document (YAML, or JSON if `out` ends in `.json`).
pub fn bundle(spec: &Path, out: &Path, allow_remote_refs: bool, overlays: &[PathBuf], format: MessageFormat) -> u8 {
    let mut sources = match sources(spec, allow_remote_refs) {
        Ok(sources) => sources,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::IO;
        }
    };
    let overlays: Vec<String> = overlays.iter().map(|path| path.display().to_string()).collect();
    let bundled = openapi_rust_gen::bundle::bundle(&mut sources).and_then(|mut bundle| {
        openapi_rust_gen::load::apply_overlays(&mut sources, &overlays, &mut bundle).map(|()| bundle)
    });
    let report = Report::with_files(sources.root_text(), sources.files(), color());
    let bundled = match bundled {
        Ok(bundled) => bundled,
        Err(error) => {
            print_error(&error, &report, format);
            return exit::SPEC_ERROR;
        }
    };
    for warning in &bundled.warnings {
        match format {
            MessageFormat::Human => eprintln!("{}", report.human(warning)),
            MessageFormat::Json => eprintln!("{}", report.json(warning)),
        }
    }
    let json = out.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    let text = if json {
        serde_json::to_string_pretty(&bundled.tree).map(|text| text + "\n").map_err(|e| e.to_string())
    } else {
        serde_yaml::to_string(&bundled.tree).map_err(|e| e.to_string())
    };
    let text = match text {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: cannot write the bundled document: {error}");
            return exit::IO;
        }
    };
    if let Err(error) = std::fs::write(out, text) {
        eprintln!("error: cannot write {}: {error}", out.display());
        return exit::IO;
    }
    println!("bundled {} files into {}", sources.files().len(), out.display());
    exit::OK
}

/// Colour only for a person at a terminal (and never with `NO_COLOR`).
fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `diff <old> <new>`: what changes for users of the generated crate, as Markdown or JSON. Each
/// spec is read with its configuration (the file given, or `openapi-rust-gen.toml` beside it)
/// and its Overlays, as `generate` reads it: a rename in the configuration is a change.
pub fn diff(old: &Path, new: &Path, configs: [Option<&Path>; 2], json: bool) -> u8 {
    let side = |spec: &Path, given: Option<&Path>| -> Result<_, u8> {
        let settings = match read_config(spec, given) {
            Ok(settings) => settings.unwrap_or_default(),
            Err(ConfigError::Invalid(error, text)) => {
                print_error(&error, &Report::new(&text, color()), MessageFormat::Human);
                return Err(exit::USAGE);
            }
            Err(ConfigError::Io(error)) => {
                eprintln!("error: {error}");
                return Err(exit::IO);
            }
        };
        let sources = sources(spec, false).map_err(|error| {
            eprintln!("error: {error}");
            exit::IO
        })?;
        Ok((sources, openapi_rust_gen::Config::for_diff(&spec.display().to_string(), settings)))
    };
    let ((mut old_sources, old_config), (mut new_sources, new_config)) =
        match (side(old, configs[0]), side(new, configs[1])) {
            (Ok(old), Ok(new)) => (old, new),
            (Err(code), _) | (_, Err(code)) => return code,
        };
    let (old_name, new_name) = (old.display().to_string(), new.display().to_string());
    let report = openapi_rust_gen::diff_configured(&mut old_sources, &old_config, &mut new_sources, &new_config);
    match report {
        Ok(report) if json => {
            println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            exit::OK
        }
        Ok(report) => {
            print!("{}", report.to_markdown(&old_name, &new_name));
            exit::OK
        }
        Err(error) => {
            // Located in whichever file of either side it is in (a spec, a file it references,
            // an overlay, a configuration).
            let mut files = old_sources.files().clone();
            files.extend(new_sources.files().iter().map(|(k, v)| (k.clone(), v.clone())));
            for config in [&old_config, &new_config] {
                if let Some((file, text)) = &config.settings.source {
                    files.insert(file.clone(), text.clone());
                }
            }
            let root = if error.file == new_name { new_sources.root_text() } else { old_sources.root_text() };
            print_error(&error, &Report::with_files(root, &files, color()), MessageFormat::Human);
            exit::SPEC_ERROR
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_come_from_the_file_name() {
        assert_eq!(default_crate_name(Path::new("specs/Pet Store.v2.yaml")), "pet-store-v2-client");
        assert_eq!(default_crate_name(Path::new("openapi.json")), "openapi-client");
        assert_eq!(default_crate_name(Path::new("1password.json")), "api-1password-client");
        assert_eq!(default_crate_name(Path::new("__.yaml")), "api-client");
    }
}
