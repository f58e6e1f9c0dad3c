//! `cargo xtask release [--base <rev>]`: the version of the committed client from the change of
//! its spec since `<rev>` (default `HEAD`): the api-diff of the two specs decides the bump (0.x:
//! breaking → minor, otherwise patch), the version is written to the client's config file next
//! to the spec, a CHANGELOG entry built from the api-diff summary is prepended, and the client
//! is regenerated. A version below the one at `<rev>` is refused.
//!
//! Not yet here (issue 13): the generator's own breaking changes, which need
//! `cargo-semver-checks` of the regenerated crate against the committed one.

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

use crate::codegen::{CLIENT_CONFIG, CLIENT_DIR, SPEC};
use crate::{read, workspace_root};

pub const USAGE: &str = "usage: cargo xtask release [--base <git-rev>]";

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

/// What a release writes: the version and the CHANGELOG entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: Version,
    pub entry: String,
}

/// The release for a spec that went from `base_spec` (at version `base`) to `spec`, whose
/// config says `current`; `None` when the API did not change and the version was not bumped.
pub fn plan(base_spec: &str, base: Version, spec: &str, current: Version, rev: &str) -> Result<Option<Release>> {
    if current < base {
        bail!("refusing a downgrade: the version is {current}, below {base} at {rev}");
    }
    let report = generator::diff_specs(&format!("{SPEC}@{rev}"), base_spec, SPEC, spec)?;
    let breaking = report.changes.iter().filter(|c| c.impact == generator::api_diff::Impact::Breaking).count();
    let additions = report.changes.len() - breaking;
    if report.changes.is_empty() && current == base {
        return Ok(None);
    }
    let required = if report.changes.is_empty() { base } else { base.bump(breaking > 0) };
    let version = current.max(required);
    let summary = report.to_markdown(&format!("{SPEC}@{rev}"), SPEC);
    let body = summary.split_once("\n\n").map_or(summary.as_str(), |(_, rest)| rest).trim_end();
    let entry = format!(
        "## {version}\n\nGenerated from `{SPEC}`; against {rev}: {breaking} breaking and {additions} non-breaking \
         API changes (`cargo xtask api-diff`).\n\n{body}\n\n"
    );
    Ok(Some(Release { version, entry }))
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

fn git_show(root: &Path, rev: &str, path: &str) -> Result<String> {
    let output = Command::new("git")
        .args(["show", &format!("{rev}:{path}")])
        .current_dir(root)
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!("git show {rev}:{path}: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8(output.stdout)?)
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let rev = match args {
        [] => "HEAD".to_owned(),
        [flag, rev] if flag == "--base" => rev.clone(),
        _ => bail!("{USAGE}"),
    };
    let root = workspace_root();
    let config_path = root.join(CLIENT_CONFIG);
    let config = read(&config_path)?;
    let current = config_version(&config)?;
    // Before the config file existed, the version at `rev` is taken to be today's.
    let base = match git_show(&root, &rev, CLIENT_CONFIG) {
        Ok(text) => config_version(&text)?,
        Err(_) => current,
    };
    let release = plan(&git_show(&root, &rev, SPEC)?, base, &read(&root.join(SPEC))?, current, &rev)?;
    let Some(release) = release else {
        println!("nothing to release: the API is unchanged since {rev} ({base})");
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
    println!("{CLIENT_DIR} {} → {} (CHANGELOG entry prepended; edit it as you like)", base, release.version);
    crate::codegen::run(&[])
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
}
