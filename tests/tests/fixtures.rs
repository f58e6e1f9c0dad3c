//! One small spec per rendering rule, each pinned by a snapshot of the API it generates.

use tests::{api_text, generate_fixture, root};

fn snapshot(name: &str) {
    let path = format!("tests/fixtures/{name}.yaml");
    let text = std::fs::read_to_string(root().join(&path)).expect("read the fixture");
    let generated = generate_fixture(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!(format!("fixture__{name}"), api_text(&generated));
}

#[test]
fn allof_merge() {
    snapshot("allof_merge");
}

#[test]
fn oneof_tagged() {
    snapshot("oneof_tagged");
}

#[test]
fn oneof_untagged() {
    snapshot("oneof_untagged");
}

#[test]
fn enums() {
    snapshot("enums");
}

#[test]
fn formats() {
    snapshot("formats");
}

#[test]
fn keywords() {
    snapshot("keywords");
}

#[test]
fn headers_and_query() {
    snapshot("headers_and_query");
}

#[test]
fn deprecated() {
    snapshot("deprecated");
}

#[test]
fn request_bodies() {
    snapshot("request_bodies");
}

#[test]
fn schemas_more() {
    snapshot("schemas_more");
}
