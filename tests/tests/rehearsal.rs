//! A rehearsal of the update-spec workflow: `.ci/update-spec`, the script the workflow runs, in
//! a clone of this repository, with mittwald's older and newer spec served over loopback.
//! Upstream unchanged: nothing is written. Upstream changed: exactly one commit with the spec,
//! the regenerated crate, the accepted snapshots, the bumped version and the CHANGELOG entry,
//! and the pull request's title, body and label beside it.
//!
//! Ignored by `cargo test`: it builds the clone's workspace and runs cargo-semver-checks, which
//! `.ci/run` installs before it runs this test (`cargo test -p tests --test rehearsal -- --ignored`).
//! It clones the last commit: commit before running it by hand.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tests::root;
use tests::server::{Reply, Server};
use xtask::release::Version;

const OLD: &str = "../shared/specs/mittwald-v2-2026-06-12.json";
const NEW: &str = "../shared/specs/mittwald-v2-2026-08-21.json";

/// `program args` in `dir`, building into the rehearsal's own target directory: in this
/// workspace's, the clone's `xtask` binary (same name, older spec) would replace ours in
/// `target/debug`, and cargo would not put ours back while it counts as fresh.
fn command(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root().join("target/rehearsal-target"))
        .env_remove("INSTA_UPDATE")
        .env_remove("CI")
        .envs(env.iter().copied());
    command
}

/// Runs `program args` in `dir`; it must succeed.
fn run(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let output = command(dir, program, args, env).output().unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn git(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(run(dir, "git", args, &[]).stdout).unwrap().trim().to_owned()
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

fn config_version(repo: &Path) -> Version {
    xtask::release::config_version(&read(repo.join("specs/mittwald-conversations.client.toml"))).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "builds a clone and runs cargo-semver-checks; .ci/run runs it"]
async fn update_spec_commits_exactly_the_release_and_nothing_when_upstream_is_unchanged() {
    let (old, new) = (read(root().join(OLD)), read(root().join(NEW)));
    let server = Server::start(move |request, _| match request.target.as_str() {
        "/old.json" => Reply::json(200, old.clone()),
        "/new.json" => Reply::json(200, new.clone()),
        _ => Reply::json(404, "{}"),
    })
    .await;
    let (old_url, new_url) = (format!("{}/old.json", server.url), format!("{}/new.json", server.url));
    tokio::task::spawn_blocking(move || rehearse(&old_url, &new_url)).await.unwrap();
}

fn rehearse(old_url: &str, new_url: &str) {
    let dir = root().join("target/rehearsal");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let repo = dir.join("repo");
    let pr: PathBuf = dir.join("pull-request");
    run(&dir, "git", &["clone", "-q", root().to_str().unwrap(), repo.to_str().unwrap()], &[]);
    git(&repo, &["config", "user.name", "Rehearsal"]);
    git(&repo, &["config", "user.email", "rehearsal@example.invalid"]);

    // Upstream as it was on 2026-06-12, committed as the starting point.
    run(&repo, "cargo", &["xtask", "update-spec", "--from", old_url], &[]);
    git(&repo, &["add", "-A", "specs", "generated-client"]);
    git(&repo, &["commit", "-q", "-m", "upstream at 2026-06-12"]);
    let start = git(&repo, &["rev-parse", "HEAD"]);
    let base = config_version(&repo);
    let script = repo.join(".ci/update-spec");
    let script = script.to_str().unwrap();
    let pr_dir = pr.to_str().unwrap();

    // Upstream unchanged: no commit, nothing written, no pull request.
    let output = run(&repo, "bash", &[script], &[("SPEC_URL", old_url), ("PR_DIR", pr_dir)]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("nothing to do"));
    assert_eq!(git(&repo, &["rev-parse", "HEAD"]), start);
    assert_eq!(git(&repo, &["status", "--porcelain"]), "");
    assert!(!pr.exists(), "no pull request when nothing changed");

    // Upstream changed: one commit on `update-spec/<version>`.
    run(&repo, "bash", &[script], &[("SPEC_URL", new_url), ("PR_DIR", pr_dir)]);
    assert_eq!(git(&repo, &["rev-parse", "HEAD^"]), start, "exactly one commit");
    assert_eq!(git(&repo, &["status", "--porcelain"]), "", "everything is committed");
    let version = config_version(&repo);
    assert_eq!(git(&repo, &["branch", "--show-current"]), format!("update-spec/{version}"));

    // The release: the bump the label says, from the spec at the start.
    let label = read(pr.join("label")).trim().to_owned();
    assert!(label == "breaking" || label == "non-breaking", "{label}");
    assert_eq!(version, base.bump(label == "breaking"), "{base} → {version} ({label})");
    let report = generator::diff_specs(
        "specs/mittwald-conversations.yaml@HEAD",
        &git(&repo, &["show", &format!("{start}:specs/mittwald-conversations.yaml")]),
        "specs/mittwald-conversations.yaml",
        &read(repo.join("specs/mittwald-conversations.yaml")),
    )
    .unwrap();
    assert!(!report.changes.is_empty(), "the two dated specs differ in our operations");
    let spec_breaking = report.changes.iter().any(|c| c.impact == generator::api_diff::Impact::Breaking);
    assert!(!spec_breaking || label == "breaking", "a breaking API change is labelled breaking");

    // The files of the commit: the spec, its config, the crate, and the crate's snapshots.
    let files: BTreeSet<String> =
        git(&repo, &["diff", "--name-only", "HEAD^", "HEAD"]).lines().map(str::to_owned).collect();
    for expected in [
        "specs/mittwald-conversations.yaml",
        "specs/mittwald-conversations.client.toml",
        "generated-client/Cargo.toml",
        "generated-client/CHANGELOG.md",
        "Cargo.lock",
        "generated-client/src/types/conversation.rs",
        "tests/tests/snapshots/generated_client__client__Cargo.toml.snap",
        "tests/tests/snapshots/generated_client__client__types__conversation.rs.snap",
    ] {
        assert!(files.contains(expected), "{expected} is not in the commit: {files:?}");
    }
    for file in &files {
        let allowed = file == "Cargo.lock"
            || file.starts_with("specs/mittwald-conversations.")
            || file.starts_with("generated-client/")
            || file.starts_with("tests/tests/snapshots/generated_client__");
        assert!(allowed, "{file} should not be in the commit");
    }
    // Every snapshot of the crate holds the file as committed (the script accepted them all).
    for file in files.iter().filter_map(|f| f.strip_prefix("generated-client/")) {
        if file == "CHANGELOG.md" || file.starts_with("examples/") {
            continue;
        }
        let name = file.strip_prefix("src/").unwrap_or(file).replace('/', "__");
        let snapshot = repo.join(format!("tests/tests/snapshots/generated_client__client__{name}.snap"));
        let text = read(&snapshot);
        let body = text.splitn(3, "---\n").nth(2).unwrap_or_else(|| panic!("{}: no insta header", snapshot.display()));
        assert_eq!(body.trim_end(), read(repo.join("generated-client").join(file)).trim_end(), "{file}");
    }
    assert!(read(repo.join("generated-client/Cargo.toml")).contains(&format!("\nversion = \"{version}\"\n")));

    // The CHANGELOG entry on top, and the pull request's texts.
    let changelog = read(repo.join("generated-client/CHANGELOG.md"));
    let entry = &changelog[changelog.find("\n## ").unwrap() + 1..];
    assert!(entry
        .starts_with(&format!("## {version}\n\nGenerated from `specs/mittwald-conversations.yaml`; against HEAD:")));
    let title = read(pr.join("title"));
    assert_eq!(title.trim(), format!("mittwald-api-client {version}: upstream spec update ({label})"));
    assert_eq!(git(&repo, &["log", "-1", "--format=%s"]), title.trim());
    let body = read(pr.join("body.md"));
    let markdown = report.to_markdown("specs/mittwald-conversations.yaml@HEAD", "specs/mittwald-conversations.yaml");
    assert!(body.contains(markdown.trim_end()), "the body carries the api-diff report:\n{body}");
    assert_eq!(read(pr.join("branch")).trim(), format!("update-spec/{version}"));

    // CI's version guard accepts the release commit ...
    run(&repo, "cargo", &["xtask", "release", "--check"], &[]);
    // ... and rejects a generator change that breaks the crate's API without a bump.
    let client = repo.join("generator/runtime/client.rs");
    let runtime = read(&client);
    assert!(runtime.contains("pub fn allow_insecure_http("));
    std::fs::write(&client, runtime.replace("pub fn allow_insecure_http(", "pub fn allow_plain_http(")).unwrap();
    run(&repo, "cargo", &["xtask", "codegen"], &[]);
    git(&repo, &["commit", "-q", "-am", "a generator change that renames a builder method"]);
    let guard = command(&repo, "cargo", &["xtask", "release", "--check"], &[]).output().unwrap();
    let stderr = String::from_utf8_lossy(&guard.stderr);
    assert!(!guard.status.success(), "the guard let an unversioned breaking change pass:\n{stderr}");
    assert!(stderr.contains("without the matching version bump") && stderr.contains("allow_insecure_http"), "{stderr}");
    // `cargo xtask release` versions it: the crate broke, so a minor bump (0.x) with the finding.
    run(&repo, "cargo", &["xtask", "release", "--base", "HEAD^"], &[]);
    assert_eq!(config_version(&repo), version.bump(true));
    let changelog = read(repo.join("generated-client/CHANGELOG.md"));
    let entry = &changelog[changelog.find("\n## ").unwrap() + 1..];
    let entry = &entry[..entry[3..].find("\n## ").map_or(entry.len(), |end| end + 3)];
    assert!(entry.contains("is unchanged since HEAD^") && entry.contains("allow_insecure_http"), "{entry}");
    git(&repo, &["commit", "-q", "-am", "release"]);
    run(&repo, "cargo", &["xtask", "release", "--check"], &[]);
}
