//! `cargo xtask release [--base <rev>] [--pr <dir>]`: versions the committed client after a
//! regeneration, from both sources of change since `<rev>` (default `HEAD`):
//!
//! - the spec: the api-diff of `specs/` at `<rev>` against today's;
//! - the crate itself, whatever changed it (the spec or the generator): `cargo-semver-checks` of
//!   the regenerated `generated-client/` against the one committed at `<rev>`.
//!
//! The larger bump wins (0.x: breaking → minor, otherwise patch); the version is written to the
//! client's config file next to the spec, a CHANGELOG entry built from the api-diff summary and
//! the semver-checks findings is prepended, and the client is regenerated. A version below the
//! one at `<rev>` is refused. With `--pr <dir>`, the pull request's title, body (the full api-diff
//! report) and label are written there for the update-spec workflow.
//!
//! `cargo xtask release --check`: CI's version guard. The previous release is the crate just
//! before the commit that set today's version; `cargo-semver-checks` fails if the public API
//! broke since then without the matching bump.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

use crate::codegen::{CLIENT_CONFIG, CLIENT_DIR, SPEC};
use crate::{read, workspace_root};

pub const USAGE: &str = "usage: cargo xtask release [--base <git-rev>] [--pr <dir>]
       cargo xtask release --check";

/// The cargo-semver-checks release the project pins (CI installs exactly this one).
pub const SEMVER_CHECKS_VERSION: &str = "0.51.0";

/// A version `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u64, pub u64, pub u64);

impl Version {
    pub fn parse(text: &str) -> Result<Self> {
        let parts: Vec<u64> = text
            .trim()
            .split('.')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .with_context(|| format!("{text:?} is not a version major.minor.patch"))?;
        let [major, minor, patch] = parts[..] else { bail!("{text:?} is not a version major.minor.patch") };
        Ok(Self(major, minor, patch))
    }

    /// The next version after a breaking change or an addition (0.x: one place lower).
    pub fn bump(self, breaking: bool) -> Self {
        match (self.0, breaking) {
            (0, true) => Self(0, self.1 + 1, 0),
            (0, false) => Self(0, self.1, self.2 + 1),
            (major, true) => Self(major + 1, 0, 0),
            (major, false) => Self(major, self.1 + 1, 0),
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// What a release writes: the version, the CHANGELOG entry and the pull-request texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: Version,
    pub entry: String,
    /// Whether the bump is for a breaking change (of the spec's API or of the crate's).
    pub breaking: bool,
    /// The full api-diff report, for the pull request's body.
    pub report: String,
}

/// How the generated crate changed since the base revision, whatever caused it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrateChange {
    /// Whether any file of the crate differs (its version line aside).
    pub changed: bool,
    /// The checks cargo-semver-checks failed; empty when the public API did not break.
    pub breaking: Vec<String>,
    /// The checks that ask for a minor release (additions the crate's users may notice).
    pub minor: Vec<String>,
}

/// The release for a spec that went from `base_spec` (at version `base`) to `spec`, whose
/// config says `current`, with the crate changed as `krate` says; `None` when neither the API
/// nor the crate changed and the version was not bumped.
pub fn plan(
    base_spec: &str,
    base: Version,
    spec: &str,
    current: Version,
    rev: &str,
    krate: &CrateChange,
) -> Result<Option<Release>> {
    let report = generator::diff_specs(&format!("{SPEC}@{rev}"), base_spec, SPEC, spec)?;
    plan_from_report(report, base, current, rev, krate)
}

/// [`plan`] for the api-diff `report` of the spec at `rev` (version `base`) against today's.
pub fn plan_from_report(
    report: generator::api_diff::Report,
    base: Version,
    current: Version,
    rev: &str,
    krate: &CrateChange,
) -> Result<Option<Release>> {
    if current < base {
        bail!("refusing a downgrade: the version is {current}, below {base} at {rev}");
    }
    let spec_breaking = report.changes.iter().filter(|c| c.impact == generator::api_diff::Impact::Breaking).count();
    let additions = report.changes.len() - spec_breaking;
    let changed = !report.changes.is_empty() || krate.changed;
    if !changed && current == base {
        return Ok(None);
    }
    let breaking = spec_breaking > 0 || !krate.breaking.is_empty();
    let required = if changed { base.bump(breaking) } else { base };
    let version = current.max(required);
    let markdown = report.to_markdown(&format!("{SPEC}@{rev}"), SPEC);
    let mut entry = format!("## {version}\n\n");
    if report.changes.is_empty() {
        entry
            .push_str(&format!("The API described by `{SPEC}` is unchanged since {rev} (`cargo xtask api-diff`).\n\n"));
    } else {
        let body = markdown.split_once("\n\n").map_or(markdown.as_str(), |(_, rest)| rest).trim_end();
        entry.push_str(&format!(
            "Generated from `{SPEC}`; against {rev}: {spec_breaking} breaking and {additions} non-breaking \
             API changes (`cargo xtask api-diff`).\n\n{body}\n\n"
        ));
    }
    entry.push_str(&crate_summary(krate, rev));
    Ok(Some(Release { version, entry, breaking, report: markdown }))
}

/// The CHANGELOG lines on the crate's own change, from cargo-semver-checks.
fn crate_summary(krate: &CrateChange, rev: &str) -> String {
    let tool = format!("cargo-semver-checks {SEMVER_CHECKS_VERSION}");
    if !krate.changed {
        return format!("The generated crate is otherwise unchanged since {rev}.\n\n");
    }
    let mut text = if krate.breaking.is_empty() {
        format!("The crate's public API has no breaking change against {rev} ({tool}).\n")
    } else {
        let mut text = format!("Breaking changes of the crate's public API against {rev} ({tool}):\n\n");
        for finding in &krate.breaking {
            text.push_str(&format!("- {finding}\n"));
        }
        text
    };
    if !krate.minor.is_empty() {
        text.push_str(&format!("\nAdditions {tool} reports:\n\n"));
        for finding in &krate.minor {
            text.push_str(&format!("- {finding}\n"));
        }
    }
    text.push('\n');
    text
}

/// The `version = "..."` of a client config text.
pub fn config_version(text: &str) -> Result<Version> {
    Version::parse(&config_value(text, "version")?)
}

/// The value of the `key = "..."` line of a client config text.
pub fn config_value(text: &str, key: &str) -> Result<String> {
    text.lines()
        .find_map(|line| line.trim().strip_prefix(key).map(str::trim).and_then(|rest| rest.strip_prefix('=')))
        .map(|value| value.trim().trim_matches('"').to_owned())
        .with_context(|| format!("no `{key} = \"...\"` line"))
}

/// The api-diff of the committed client's spec at `rev` against today's, each side read with
/// its own configuration and Overlays (taken from git at `rev`): an Overlay's fix or a rename in
/// the configuration is a change of the API too.
fn configured_report(root: &Path, rev: &str) -> Result<generator::api_diff::Report> {
    let now = crate::codegen::mittwald_config()?;
    let mut now_sources = crate::codegen::mittwald_sources(&now, &read(&root.join(SPEC))?)?;
    let base_spec_path = format!("{SPEC}@{rev}");
    // Before the configuration file existed, the base had none.
    let base_settings = match git_show(root, rev, CLIENT_CONFIG) {
        Ok(text) => generator::config::parse(CLIENT_CONFIG, &text).map_err(|e| anyhow::anyhow!("{e}"))?,
        Err(_) => generator::config::Settings::default(),
    };
    let mut base_files = BTreeMap::new();
    let mut base_overlays = Vec::new();
    for overlay in &base_settings.overlays {
        let path = format!("{}/{overlay}", crate::codegen::SPECS_DIR);
        base_files.insert(path.clone(), git_show(root, rev, &path)?);
        base_overlays.push(path);
    }
    base_files.insert(base_spec_path.clone(), git_show(root, rev, SPEC)?);
    let base = generator::Config {
        spec_path: base_spec_path.clone(),
        overlays: base_overlays,
        settings: base_settings,
        pinned_names: BTreeMap::new(),
        ..now.clone()
    };
    let mut base_sources = generator::bundle::Sources::in_memory(base_spec_path, base_files);
    // Today's side keeps no pinned names of its own: the base's names are pinned by the diff.
    let now = generator::Config { pinned_names: BTreeMap::new(), ..now };
    Ok(generator::diff_configured(&mut base_sources, &base, &mut now_sources, &now)?)
}

fn git_show(root: &Path, rev: &str, path: &str) -> Result<String> {
    git(root, &["show", &format!("{rev}:{path}")])
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let (mut rev, mut pr, mut check) = ("HEAD".to_owned(), None::<PathBuf>, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--base" => rev = args.next().context(USAGE)?.clone(),
            "--pr" => pr = Some(args.next().context(USAGE)?.into()),
            "--check" => check = true,
            _ => bail!("{USAGE}"),
        }
    }
    if check {
        return guard();
    }
    let root = workspace_root();
    let config_path = root.join(CLIENT_CONFIG);
    let config = read(&config_path)?;
    let current = config_version(&config)?;
    // Before the config file existed, the version at `rev` is taken to be today's.
    let base = match git_show(&root, &rev, CLIENT_CONFIG) {
        Ok(text) => config_version(&text)?,
        Err(_) => current,
    };
    // The crate as the generator makes it today, against the one committed at `rev`.
    let status = crate::codegen::run(&[])?;
    if status != ExitCode::SUCCESS {
        return Ok(status);
    }
    let baseline = extract_crate(&root, &rev)?;
    let krate = crate_change(&root.join(CLIENT_DIR), &baseline, &rev)?;
    let report = configured_report(&root, &rev)?;
    let release = plan_from_report(report, base, current, &rev, &krate)?;
    let Some(release) = release else {
        println!("nothing to release: neither the API nor the crate changed since {rev} ({base})");
        return Ok(ExitCode::SUCCESS);
    };
    let updated: String = config
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("version") {
                format!("version = \"{}\"", release.version)
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&config_path, updated + "\n")?;
    let changelog_path = root.join(CLIENT_DIR).join("CHANGELOG.md");
    let changelog = read(&changelog_path)?;
    let at = changelog.find("\n## ").map_or(changelog.len(), |at| at + 1);
    std::fs::write(&changelog_path, format!("{}{}{}", &changelog[..at], release.entry, &changelog[at..]))?;
    if let Some(dir) = pr {
        write_pr(&dir, &release)?;
    }
    println!("{CLIENT_DIR} {} → {} (CHANGELOG entry prepended; edit it as you like)", base, release.version);
    crate::codegen::run(&[])
}

/// The pull request of a release: `title`, `body.md` (the CHANGELOG entry and the full api-diff
/// report) and `label` (`breaking` or `non-breaking`).
fn write_pr(dir: &Path, release: &Release) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let label = if release.breaking { "breaking" } else { "non-breaking" };
    let title = format!("mittwald-api-client {}: upstream spec update ({label})", release.version);
    let entry = release.entry.split_once('\n').map_or("", |(_, rest)| rest).trim();
    let body = format!(
        "Regenerated from mittwald's published spec by the `update-spec` workflow \
         (`.ci/update-spec`).\n\n{entry}\n\n<details><summary>The full api-diff report</summary>\n\n{}\n</details>\n",
        release.report.trim_end()
    );
    std::fs::write(dir.join("title"), title + "\n")?;
    std::fs::write(dir.join("body.md"), body)?;
    std::fs::write(dir.join("label"), format!("{label}\n"))?;
    Ok(())
}

/// CI's version guard (`--check`). The commit that set today's version is its release: its
/// crate must be bumped enough over the crate before it, and the crate now must not have broken
/// its API since (a later breaking change needs a new bump).
fn guard() -> Result<ExitCode> {
    let root = workspace_root();
    let manifest = format!("{CLIENT_DIR}/Cargo.toml");
    let setter = git(&root, &["log", "-1", "--format=%h", "--abbrev=12", "-G", "^version = ", "--", &manifest])?;
    let release = setter.trim();
    if release.is_empty() || git(&root, &["rev-parse", "--verify", "-q", &format!("{release}^")]).is_err() {
        println!("version guard: no earlier version of {CLIENT_DIR} in the history; nothing to compare");
        return Ok(ExitCode::SUCCESS);
    }
    let before = format!("{release}^");
    let version_at = |rev: &str| config_version(&git_show(&root, rev, &manifest)?);
    let (previous, released) = (version_at(&before)?, version_at(release)?);
    let current = config_version(&read(&root.join(&manifest))?)?;
    if released < previous {
        bail!("{release} set {CLIENT_DIR} to {released}, below {previous} before it");
    }
    let mut failed = false;
    // The release: its crate against the one before it, by their versions.
    let (released_dir, before_dir) = (extract_crate(&root, release)?, extract_crate(&root, &before)?);
    let findings = client_semver_checks(&released_dir, &before_dir, None)?;
    if findings.breaking.is_empty() {
        println!("version guard: {release} set {released} over {previous}: the bump covers the API change");
    } else {
        failed = true;
        let what = format!("{release} set {CLIENT_DIR} to {released}, but its public API broke since {previous}");
        report_unversioned_break(&what, &before, &findings);
    }
    // Since the release: the crate now against the released one (the same version, so any
    // breaking change fails).
    if current == released && crate_files(&root.join(CLIENT_DIR))? != crate_files(&released_dir)? {
        let findings = client_semver_checks(&root.join(CLIENT_DIR), &released_dir, None)?;
        if findings.breaking.is_empty() {
            println!("version guard: no breaking change of the public API since {released} ({release})");
        } else {
            failed = true;
            let what = format!("the public API of {CLIENT_DIR} broke since {released}");
            report_unversioned_break(&what, release, &findings);
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The guard's message for a breaking change since `base` that the version does not cover.
fn report_unversioned_break(what: &str, base: &str, findings: &CrateChange) {
    eprintln!("version guard: {what} ({base}) without the matching version bump:");
    for finding in &findings.breaking {
        eprintln!("  - {finding}");
    }
    eprintln!("run `cargo xtask release --base {base}` and commit what it writes");
}

/// The crate as committed at `rev`, extracted under `target/` as a standalone crate.
fn extract_crate(root: &Path, rev: &str) -> Result<PathBuf> {
    let id = git(root, &["rev-parse", "--short=12", rev])?;
    let dir = root.join("target/release-baseline").join(id.trim());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let archive = Command::new("git")
        .args(["archive", "--format=tar", rev, CLIENT_DIR])
        .current_dir(root)
        .output()
        .context("cannot run git archive")?;
    if !archive.status.success() {
        bail!("git archive {rev} {CLIENT_DIR}: {}", String::from_utf8_lossy(&archive.stderr).trim());
    }
    let mut tar = Command::new("tar")
        .args(["-x", "-C"])
        .arg(&dir)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .context("cannot run tar")?;
    std::io::Write::write_all(tar.stdin.as_mut().context("tar's stdin")?, &archive.stdout)?;
    if !tar.wait()?.success() {
        bail!("cannot unpack {CLIENT_DIR} at {rev}");
    }
    let krate = dir.join(CLIENT_DIR);
    // A workspace of its own, resolved like ours.
    let manifest = krate.join("Cargo.toml");
    std::fs::write(&manifest, read(&manifest)? + "\n[workspace]\n")?;
    if let Ok(lock) = std::fs::read(root.join("Cargo.lock")) {
        std::fs::write(krate.join("Cargo.lock"), lock)?;
    }
    Ok(krate)
}

/// The files of the crate in `dir` (see [`collect`]).
fn crate_files(dir: &Path) -> Result<BTreeMap<PathBuf, String>> {
    let mut files = BTreeMap::new();
    collect(dir, dir, &mut files)?;
    Ok(files)
}

/// How the crate in `current` differs from the one in `baseline` (both directories).
fn crate_change(current: &Path, baseline: &Path, rev: &str) -> Result<CrateChange> {
    if crate_files(current)? == crate_files(baseline)? {
        return Ok(CrateChange::default());
    }
    println!("{CLIENT_DIR} differs from {rev}: cargo-semver-checks {SEMVER_CHECKS_VERSION} compares their public APIs");
    let mut change = client_semver_checks(current, baseline, Some("patch"))?;
    change.changed = true;
    Ok(change)
}

/// The files of a crate that make it: sources, manifest and docs (not Cargo.lock or target/);
/// the package's version line left out.
fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, String>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if path.is_dir() {
            if name != "target" {
                collect(root, &path, files)?;
            }
        } else if name != "Cargo.lock" {
            let mut text = read(&path)?;
            if name == "Cargo.toml" {
                text = text
                    .lines()
                    .filter(|line| !line.starts_with("version = ") && line.trim() != "[workspace]")
                    .collect::<Vec<_>>()
                    .join("\n")
                    .trim_end()
                    .to_owned();
            }
            files.insert(path.strip_prefix(root)?.to_owned(), text);
        }
    }
    Ok(())
}

/// [`semver_checks`] of the client in `current` against `baseline`, and of its runtime's crate
/// (`runtime/`) where both have one: the client re-exports the runtime, whose items
/// cargo-semver-checks does not follow into the other crate. The runtime's findings are marked.
fn client_semver_checks(current: &Path, baseline: &Path, release_type: Option<&str>) -> Result<CrateChange> {
    let mut change = semver_checks(current, baseline, release_type)?;
    let (current_runtime, baseline_runtime) = (current.join("runtime"), baseline.join("runtime"));
    if current_runtime.join("Cargo.toml").is_file() && baseline_runtime.join("Cargo.toml").is_file() {
        let runtime = semver_checks(&current_runtime, &baseline_runtime, release_type)?;
        change.breaking.extend(runtime.breaking.into_iter().map(|finding| format!("runtime crate: {finding}")));
        change.minor.extend(runtime.minor.into_iter().map(|finding| format!("runtime crate: {finding}")));
    }
    Ok(change)
}

/// Runs cargo-semver-checks on the crate in `current` against `baseline`; with `release_type`,
/// as if for that kind of release (`patch`: every finding is reported), else by the versions
/// in the two manifests.
pub fn semver_checks(current: &Path, baseline: &Path, release_type: Option<&str>) -> Result<CrateChange> {
    require_semver_checks()?;
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["semver-checks", "check-release", "--color", "never", "--manifest-path"])
        .arg(current.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(baseline)
        // Every feature but the TLS backends, which change no API and would build OpenSSL and
        // aws-lc in semver-checks' own target directories.
        .arg("--only-explicit-features")
        .arg("--baseline-features")
        .arg(api_features(baseline)?.join(","))
        .arg("--current-features")
        .arg(api_features(current)?.join(","));
    if let Some(kind) = release_type {
        command.args(["--release-type", kind]);
    }
    let output = command.output().context("cannot run cargo semver-checks")?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let change = parse_semver_checks(&text);
    // It exits with 0 when nothing fails and with 100 when checks fail; anything else is an error.
    let failed_checks = output.status.code() == Some(100) && !(change.breaking.is_empty() && change.minor.is_empty());
    if !output.status.success() && !failed_checks {
        bail!("cargo semver-checks could not compare the crates:\n{text}");
    }
    Ok(change)
}

/// The features of the crate in `dir` that shape its API: all but `default` and the TLS backends.
fn api_features(dir: &Path) -> Result<Vec<String>> {
    let manifest = read(&dir.join("Cargo.toml"))?;
    let table = manifest.split("\n[features]\n").nth(1).unwrap_or_default();
    let table = table.split("\n[").next().unwrap_or_default();
    Ok(table
        .lines()
        .filter_map(|line| line.split_once(" = ").map(|(name, _)| name.trim()))
        .filter(|name| {
            !name.starts_with('#')
                && !matches!(*name, "default" | "rustls" | "rustls-aws-lc" | "native-tls" | "rustls-tls")
        })
        .map(str::to_owned)
        .collect())
}

/// The failed checks of a cargo-semver-checks run, each as "<lint>: <description>: <items>",
/// classed by the summary's verdict: "requires new major version" (0.x: minor) is breaking,
/// "requires new minor version" lists additions. (The report does not give each check's level.)
pub fn parse_semver_checks(text: &str) -> CrateChange {
    let mut findings: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_items = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("--- failure ") {
            findings.push((rest.trim_end_matches('-').trim().to_owned(), Vec::new()));
            in_items = false;
        } else if trimmed == "Failed in:" {
            in_items = true;
        } else if in_items && line.starts_with("  ") && !line.starts_with("   ") && !trimmed.is_empty() {
            // "  function mittwald_api_client::x, previously in file /tmp/.../lib.rs:27": the
            // item, without the file (a temporary copy). Progress lines are indented further.
            let item = trimmed.split(", previously in file").next().unwrap_or(trimmed);
            let item = item.split(" in file ").next().unwrap_or(item);
            let item = item.split(" in /").next().unwrap_or(item);
            // An item reachable by two paths is listed twice.
            if let Some((_, items)) = findings.last_mut().filter(|(_, items)| !items.iter().any(|i| i == item)) {
                items.push(item.to_owned());
            }
        } else {
            in_items = false;
        }
    }
    let findings: Vec<String> = findings
        .into_iter()
        .map(|(lint, items)| {
            const SHOWN: usize = 5;
            let mut shown = items.iter().take(SHOWN).map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ");
            if items.len() > SHOWN {
                shown.push_str(&format!(" and {} more", items.len() - SHOWN));
            }
            if shown.is_empty() {
                lint
            } else {
                format!("{lint}: {shown}")
            }
        })
        .collect();
    let mut change = CrateChange::default();
    if text.contains("requires new major version") {
        change.breaking = findings;
    } else if text.contains("requires new minor version") {
        change.minor = findings;
    }
    change
}

/// Fails with the command to install cargo-semver-checks unless the pinned version is there.
fn require_semver_checks() -> Result<()> {
    let output = Command::new(env!("CARGO")).args(["semver-checks", "--version"]).output();
    let version = output.ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    match version {
        Some(text) if text.split_whitespace().any(|w| w == SEMVER_CHECKS_VERSION) => Ok(()),
        other => bail!(
            "cargo-semver-checks {SEMVER_CHECKS_VERSION} is needed (found: {}); install it with \
             `cargo install --locked cargo-semver-checks --version {SEMVER_CHECKS_VERSION}`",
            other.as_deref().map_or("none", str::trim)
        ),
    }
}

fn git(root: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git").args(args).current_dir(root).output().context("cannot run git")?;
    if !output.status.success() {
        bail!("git {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8(output.stdout)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_bump_by_semver_with_0x_one_place_lower() {
        assert_eq!(Version::parse("0.3.0").unwrap().bump(true), Version(0, 4, 0));
        assert_eq!(Version::parse("0.3.1").unwrap().bump(false), Version(0, 3, 2));
        assert_eq!(Version(1, 2, 3).bump(true), Version(2, 0, 0));
        assert_eq!(Version(1, 2, 3).bump(false), Version(1, 3, 0));
        assert!(Version::parse("1.2").is_err() && Version::parse("a.b.c").is_err());
        assert_eq!(config_version("name = \"x\"\nversion = \"0.3.0\"\n").unwrap(), Version(0, 3, 0));
    }

    /// A report of cargo-semver-checks 0.51.0 (a function and a struct removed), trimmed.
    const REPORT: &str = "    Checking mittwald-api-client v0.3.0 -> v0.3.0 (assume patch change)
     Checked [   0.070s] 229 checks: 227 pass, 2 fail, 0 warn, 31 skip
--- failure function_missing: pub fn removed or renamed ---
Description:
A publicly-visible function cannot be imported by its prior path.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove
Failed in:
  function mittwald_api_client::removed_later, previously in file /tmp/base/src/lib.rs:27
  function mittwald_api_client::other, previously in file /tmp/base/src/lib.rs:28
  function mittwald_api_client::other, previously in file /tmp/base/src/lib.rs:28
--- failure struct_missing: pub struct removed or renamed ---
Description:
A publicly-visible struct cannot be imported by its prior path.
Failed in:
  struct mittwald_api_client::Gone, previously in file /tmp/base/src/lib.rs:27
--- failure constructible_struct_adds_field: struct exhaustively constructible through public API adds field ---
Failed in:
  field User.is_employee in /work/repo/generated-client/src/types/conversation.rs:819
    Building mittwald-api-client v0.3.1 (current)
       Built [  19.953s] (current)
     Summary semver requires new major version: 2 major and 0 minor checks failed
";

    #[test]
    fn semver_checks_findings_are_read_with_their_items() {
        let change = parse_semver_checks(REPORT);
        assert_eq!(
            change.breaking,
            [
                "function_missing: pub fn removed or renamed: `function mittwald_api_client::removed_later`, \
                 `function mittwald_api_client::other`",
                "struct_missing: pub struct removed or renamed: `struct mittwald_api_client::Gone`",
                "constructible_struct_adds_field: struct exhaustively constructible through public API adds \
                 field: `field User.is_employee`",
            ]
        );
        assert!(change.minor.is_empty());
        let minor = REPORT.replace(
            "requires new major version: 2 major and 0 minor",
            "requires new minor version: 0 major and 2 minor",
        );
        let change = parse_semver_checks(&minor);
        assert!(change.breaking.is_empty() && change.minor.len() == 3, "{change:?}");
        let clean = parse_semver_checks("     Summary no semver update required\n");
        assert_eq!(clean, CrateChange::default());
    }
}
