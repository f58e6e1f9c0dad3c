//! Spec changes: the api-diff report, reviewable snapshots, and update-spec against a local
//! HTTP server serving the dated upstream specs.

use std::collections::BTreeSet;

use generator::api_diff::{Change, Impact};
use tests::root;
use tests::server::{Reply, Server};

const OLD: &str = "../shared/specs/mittwald-v2-2026-06-12.json";
const NEW: &str = "../shared/specs/mittwald-v2-2026-08-21.json";

fn has(changes: &[Change], impact: Impact, subject: &str, description: &str) -> bool {
    changes.iter().any(|c| c.impact == impact && c.subject == subject && c.description == description)
}

/// The api-diff report of two specs given relative to the workspace root.
fn diff(old: &str, new: &str) -> generator::api_diff::Report {
    let (old, new) = (root().join(old), root().join(new));
    xtask::api_diff::report(&old.to_string_lossy(), &new.to_string_lossy()).expect("both specs diff")
}

#[test]
fn api_diff_of_the_dated_upstream_specs() {
    let report = diff(OLD, NEW);
    let user = "type ConversationUser";
    for removed in ["atlasGroup", "department", "group"] {
        assert!(has(&report.changes, Impact::Breaking, user, &format!("field `{removed}` removed")), "{removed}");
    }
    assert!(has(&report.changes, Impact::Addition, user, "optional field `isEmployee: Option<bool>` added"));
    assert!(!report.changes.iter().any(|c| c.subject == "type Conversation"), "Conversation must be unchanged");
    assert!(report.refactored_unchanged.contains(&"Conversation".to_owned()));
    assert_eq!(report.suggested_bump, "major");
    let markdown = report.to_markdown("mittwald-v2-2026-06-12.json", "mittwald-v2-2026-08-21.json");
    let expected_path = root().join("tests/expected/api-diff-2026-06-12-to-2026-08-21.md");
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        std::fs::write(&expected_path, &markdown).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).expect("the committed report");
    assert!(expected == markdown, "the report differs from {expected_path:?}; UPDATE_EXPECTED=1 and review the diff");
}

#[test]
fn api_diff_of_a_fixture_pair() {
    let report = diff("tests/fixtures/diff/old.yaml", "tests/fixtures/diff/new.yaml");
    let c = &report.changes;
    assert!(has(c, Impact::Breaking, "operation items-gone", "removed (`items::gone`)"));
    assert!(has(c, Impact::Addition, "operation items-new", "added: `GET /new`"));
    assert!(has(c, Impact::Addition, "operation items-list", "optional Query parameter `cursor` added"));
    assert!(has(c, Impact::Breaking, "operation items-list", "required Query parameter `region` added"));
    assert!(has(c, Impact::Breaking, "type Item", "field `legacy` removed"));
    assert!(has(c, Impact::Breaking, "type Item", "field `count` changed from `Option<i64>` to `i64`"));
    assert!(has(c, Impact::Addition, "type Item", "optional field `note: Option<String>` added"));
    assert!(has(c, Impact::Breaking, "type Kind", "enum value `a` removed"));
    assert!(has(c, Impact::Addition, "type Kind", "enum value `c` added"));
    assert!(has(c, Impact::Addition, "type PlainBase", "added"));
    assert!(!c.iter().any(|change| change.subject == "type Plain"), "{c:?}");
    assert_eq!(report.refactored_unchanged, ["Plain"]);
    assert_eq!(report.changes.len(), 10, "{c:#?}");
    assert_eq!(report.suggested_bump, "major");
}

#[test]
fn api_diff_of_a_spec_with_itself_is_empty() {
    let report = diff("specs/mittwald-conversations.yaml", "specs/mittwald-conversations.yaml");
    assert!(report.changes.is_empty() && report.refactored_unchanged.is_empty());
    assert_eq!(report.suggested_bump, "patch");
}

#[test]
fn additions_alone_suggest_a_minor_bump() {
    let report = diff("tests/fixtures/enums.yaml", "tests/fixtures/formats.yaml");
    // enums.yaml's types are all gone in formats.yaml: breaking; the reverse adds them back.
    assert_eq!(report.suggested_bump, "major");
    let spec = std::fs::read_to_string(root().join("specs/mittwald-conversations.yaml")).unwrap();
    let more =
        spec.replacen("        isEmployee:\n", "        nickname:\n          type: string\n        isEmployee:\n", 1);
    assert_ne!(spec, more);
    let report = generator::diff_specs("a.yaml", &spec, "b.yaml", &more).unwrap();
    assert_eq!(report.suggested_bump, "minor", "{:?}", report.changes);
}

/// One edited property changes exactly the snapshot of the file that renders its type.
#[test]
fn one_property_edit_touches_one_file() {
    let spec = std::fs::read_to_string(root().join("specs/mittwald-conversations.yaml")).unwrap();
    let edited = spec.replacen(
        "        avatarRefId:\n          type: string\n",
        "        avatarRefId:\n          type: string\n          description: The avatar's file.\n",
        1,
    );
    assert_ne!(spec, edited, "the edit applies");
    let generate = |text: &str| xtask::codegen::generate_mittwald(text).unwrap();
    let (before, after) = (generate(&spec), generate(&edited));
    let changed: BTreeSet<&String> = before
        .files
        .iter()
        .filter(|(path, text)| after.files.get(*path) != Some(*text))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(changed, BTreeSet::from([&"src/types/conversation.rs".to_owned()]));
}

async fn spec_server() -> Server {
    let old = std::fs::read_to_string(root().join(OLD)).unwrap();
    let new = std::fs::read_to_string(root().join(NEW)).unwrap();
    Server::start(move |request, _| match request.target.as_str() {
        "/2026-06-12.json" => Reply::json(200, old.clone()),
        "/2026-08-21.json" => Reply::json(200, new.clone()),
        "/html" => Reply::Respond { status: 200, headers: vec![], body: "<html>maintenance</html>".into() },
        _ => Reply::json(404, "{}"),
    })
    .await
}

fn current_spec() -> String {
    std::fs::read_to_string(root().join("specs/mittwald-conversations.yaml")).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn update_spec_extracts_our_operations_and_what_they_reach() {
    let server = spec_server().await;
    let url = format!("{}/2026-08-21.json", server.url);
    let extracted = tokio::task::spawn_blocking(move || {
        let upstream = xtask::update_spec::fetch(&url).unwrap();
        xtask::update_spec::extract(&upstream, &current_spec(), &url).unwrap()
    })
    .await
    .unwrap();
    let value: serde_json::Value = serde_yaml::from_str(&extracted).unwrap();
    let ids: BTreeSet<&str> = value["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op.get("operationId").and_then(|v| v.as_str()))
        .collect();
    assert_eq!(
        ids,
        BTreeSet::from([
            "conversation-create-conversation",
            "conversation-get-conversation",
            "conversation-list-conversations",
            "file-create-file",
            "file-get-file",
        ])
    );
    let schemas = value["components"]["schemas"].as_object().unwrap();
    for name in ["Conversation", "BasicConversation", "User", "RelatedAggregateReference", "ValidationErrors"] {
        let full = if name == "ValidationErrors" {
            format!("de.mittwald.v1.commons.{name}")
        } else {
            format!("de.mittwald.v1.conversation.{name}")
        };
        assert!(schemas.contains_key(&full), "{full}");
    }
    assert!(schemas.len() < 20, "only what the operations reach: {:?}", schemas.keys());
    assert_eq!(value["servers"][0]["url"], "https://api.mittwald.de");
    // The result generates, and extracting again from it changes nothing (no churn).
    xtask::codegen::generate_mittwald(&extracted).unwrap();
    assert_eq!(xtask::update_spec::extract(&extracted, &extracted, "itself").unwrap(), extracted);
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "keys are sorted");
}

#[tokio::test(flavor = "multi_thread")]
async fn update_spec_from_the_older_spec_differs_where_upstream_did() {
    let server = spec_server().await;
    let url = format!("{}/2026-06-12.json", server.url);
    let extracted = tokio::task::spawn_blocking(move || {
        xtask::update_spec::extract(&xtask::update_spec::fetch(&url).unwrap(), &current_spec(), &url).unwrap()
    })
    .await
    .unwrap();
    assert!(!extracted.contains("de.mittwald.v1.conversation.BasicConversation"));
    assert!(extracted.contains("atlasGroup"));
}

#[tokio::test(flavor = "multi_thread")]
async fn update_spec_failures_are_clear_and_leave_the_spec_untouched() {
    let server = spec_server().await;
    let base = server.url.clone();
    tokio::task::spawn_blocking(move || {
        let dir = std::env::temp_dir().join(format!("update-spec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("spec.yaml");
        std::fs::write(&path, current_spec()).unwrap();
        let refused = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}/spec.json", listener.local_addr().unwrap())
        };
        for (from, expected) in [
            (format!("{base}/html"), "is not an OpenAPI document"),
            (format!("{base}/missing.json"), "answered 404"),
            (refused, "cannot fetch"),
            ("/no/such/file.json".to_owned(), "cannot read /no/such/file.json"),
        ] {
            let error = format!("{:#}", xtask::update_spec::update_file(&from, &path).unwrap_err());
            assert!(error.contains(expected), "{from}: {error}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), current_spec(), "{from} left the spec as it was");
        }
        // An operation we cover that upstream lacks.
        let ours = current_spec().replace("conversation-get-conversation", "conversation-get-nothing");
        std::fs::write(&path, &ours).unwrap();
        let error =
            format!("{:#}", xtask::update_spec::update_file(&format!("{base}/2026-08-21.json"), &path).unwrap_err());
        assert!(error.contains("lacks operations our spec covers: [\"conversation-get-nothing\"]"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), ours);
        std::fs::remove_dir_all(&dir).unwrap();
    })
    .await
    .unwrap();
}

/// A spec with component schemas `a.RateLimit` and, optionally, `b.RateLimit`.
fn rate_limit_spec(with_second: bool) -> String {
    let second = if with_second { "\n    b.RateLimit: {type: object, properties: {unit: {type: string}}}" } else { "" };
    format!(
        "openapi: 3.0.3
info: {{title: t, version: '1'}}
paths: {{}}
components:
  schemas:
    a.RateLimit: {{type: object, properties: {{limit: {{type: integer}}}}}}
    a.Key: {{type: object, properties: {{rateLimit: {{$ref: '#/components/schemas/a.RateLimit'}}}}}}{second}
"
    )
}

#[test]
fn a_schema_added_upstream_does_not_rename_an_existing_type() {
    let dir = std::env::temp_dir().join(format!("type-names-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("spec.yaml");
    let out = dir.join("client");
    // `cargo xtask codegen --spec <spec> --out <out>` for the spec `text`.
    let run = |text: String| {
        std::fs::write(&spec, text).unwrap();
        let args: Vec<String> =
            ["--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()].iter().map(|s| s.to_string()).collect();
        xtask::codegen::run(&args)
    };
    let codegen = |text: String| {
        assert_eq!(run(text).unwrap(), std::process::ExitCode::SUCCESS);
        std::fs::read_to_string(out.join("type-names.lock")).unwrap()
    };
    let lock = codegen(rate_limit_spec(false));
    assert!(lock.contains("\na.RateLimit = RateLimit\n"), "{lock}");
    // Upstream adds `b.RateLimit`: on its own, the generator would call both `ARateLimit` and
    // `BRateLimit`; with the lock, the existing type keeps its name and only the newcomer is
    // qualified.
    let lock = codegen(rate_limit_spec(true));
    assert!(lock.contains("\na.RateLimit = RateLimit\n") && lock.contains("\nb.RateLimit = BRateLimit\n"), "{lock}");
    let types = std::fs::read_to_string(out.join("src/types/a.rs")).unwrap();
    assert!(types.contains("pub rate_limit: Option<RateLimit>,"), "{types}");
    std::fs::remove_file(out.join("type-names.lock")).unwrap();
    let fresh = codegen(rate_limit_spec(true));
    assert!(fresh.contains("\na.RateLimit = ARateLimit\n"), "without the lock the names are chosen afresh: {fresh}");
    // A lock line the generator cannot use is reported, not obeyed silently.
    std::fs::write(out.join("type-names.lock"), "a.RateLimit = not a name\n").unwrap();
    // (The command exits with 4, a file it cannot use, and prints what `pinned_names` says.)
    assert_eq!(run(rate_limit_spec(true)).unwrap(), std::process::ExitCode::from(4));
    let error = generator::output::pinned_names(&out).unwrap_err();
    assert!(
        error.ends_with("type-names.lock: line 1: expected `component = TypeName`, found \"a.RateLimit = not a name\""),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_pinned_name_that_is_taken_is_reported_and_replaced() {
    let pinned: std::collections::BTreeMap<String, String> =
        [("a.RateLimit", "Limit"), ("a.Key", "Limit")].iter().map(|(c, n)| (c.to_string(), n.to_string())).collect();
    let config = generator::Config { pinned_names: pinned, ..tests::fixture_config("pins") };
    let generated = generator::generate(&rate_limit_spec(false), &config).unwrap();
    let lock = &generated.files["type-names.lock"];
    assert!(lock.contains("\na.Key = Key\n") && lock.contains("\na.RateLimit = Limit\n"), "{lock}");
    let warnings: Vec<String> =
        generated.warnings.iter().filter(|w| w.kind != generator::Kind::NoServers).map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("#/components/schemas/a.Key") && warnings[0].contains("`Limit`"), "{warnings:?}");
}

#[test]
fn release_versions_by_the_api_change_and_refuses_a_downgrade() {
    use xtask::release::{plan, CrateChange, Version};
    let old = std::fs::read_to_string(root().join("tests/fixtures/diff/old.yaml")).unwrap();
    let new = std::fs::read_to_string(root().join("tests/fixtures/diff/new.yaml")).unwrap();
    let base = Version(0, 3, 0);
    let unchanged = CrateChange::default();
    let regenerated = CrateChange { changed: true, ..CrateChange::default() };
    // The fixture pair has breaking changes: 0.x bumps the minor version.
    let release = plan(&old, base, &new, base, "HEAD", &regenerated).unwrap().expect("the API changed");
    assert_eq!(release.version, Version(0, 4, 0));
    assert!(release.breaking);
    assert!(release.entry.starts_with("## 0.4.0\n\nGenerated from `specs/mittwald-conversations.yaml`; against HEAD:"));
    assert!(release.entry.contains("## Breaking changes"), "{}", release.entry);
    assert!(release.entry.contains("no breaking change against HEAD (cargo-semver-checks"), "{}", release.entry);
    // A maintainer who already bumped further keeps that version.
    assert_eq!(
        plan(&old, base, &new, Version(0, 5, 0), "HEAD", &regenerated).unwrap().unwrap().version,
        Version(0, 5, 0)
    );
    // Nothing changed, nothing bumped: nothing to release.
    assert_eq!(plan(&old, base, &old, base, "HEAD", &unchanged).unwrap(), None);
    // A version below the committed one is refused, saying why.
    let error = plan(&old, base, &new, Version(0, 2, 9), "HEAD", &regenerated).unwrap_err().to_string();
    assert_eq!(error, "refusing a downgrade: the version is 0.2.9, below 0.3.0 at HEAD");

    // The same spec, but the generator changed the crate: without a breaking change of its
    // public API a patch, with one a minor bump, the findings in the entry.
    let release = plan(&old, base, &old, base, "HEAD", &regenerated).unwrap().expect("the crate changed");
    assert_eq!((release.version, release.breaking), (Version(0, 3, 1), false));
    assert!(release.entry.contains("is unchanged since HEAD"), "{}", release.entry);
    let broken = CrateChange {
        changed: true,
        breaking: vec!["function_missing: pub fn removed or renamed: `function x::f`".into()],
        minor: vec![],
    };
    let release = plan(&old, base, &old, base, "HEAD", &broken).unwrap().unwrap();
    assert_eq!((release.version, release.breaking), (Version(0, 4, 0), true));
    assert!(
        release.entry.contains("- function_missing: pub fn removed or renamed: `function x::f`"),
        "{}",
        release.entry
    );
}

/// The committed Overlay fixes upstream's quirk on every generation, and says so when upstream
/// has fixed it itself (the action then matches nothing that it changes).
#[test]
fn the_committed_overlay_applies_and_tells_when_upstream_fixed_it() {
    let spec = std::fs::read_to_string(root().join("specs/mittwald-conversations.yaml")).unwrap();
    let generated = xtask::codegen::generate_mittwald(&spec).unwrap();
    let operations = &generated.files["src/operations/conversation.rs"];
    assert!(operations.contains("pub pagination_page: Option<i64>,"), "the Overlay made the page an integer");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    // Upstream fixes it: the same type either way, and a warning in the Overlay file.
    let page = "            X-Pagination-Page:\n              description: The calculate page of the list response. Refer to parameters to learn more.\n              schema:\n                type: number\n";
    assert!(spec.contains(page));
    let fixed = spec.replace(page, &page.replace("type: number", "type: integer"));
    let generated = xtask::codegen::generate_mittwald(&fixed).unwrap();
    assert!(generated.files["src/operations/conversation.rs"].contains("pub pagination_page: Option<i64>,"));
    let [warning] = generated.warnings.as_slice() else { panic!("{:?}", generated.warnings) };
    assert_eq!(
        (warning.kind, warning.file.as_str()),
        (generator::Kind::OverlayTarget, "specs/mittwald-fixes.overlay.yaml")
    );
}
