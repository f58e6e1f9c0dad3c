//! One API, three spec versions: our conversation spec written in OpenAPI 3.1 and in Swagger 2.0
//! (`tests/fixtures/equivalence/`) generates the same Rust API as the 3.0 original: the same
//! files, types, fields, enums and operations; only the header lines naming the spec differ.

use std::collections::BTreeMap;

use tests::{generate_fixture, root};

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The generated files without the lines that name the spec file.
fn generated(name: &str, text: &str) -> BTreeMap<String, String> {
    let generated = generate_fixture(name, text).unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.warnings.is_empty(), "{name}: {:?}", generated.warnings);
    generated
        .files
        .into_iter()
        .map(|(path, text)| {
            let kept: Vec<&str> = text
                .lines()
                .filter(|line| !line.contains(name) && !line.starts_with("description = \"A typed async client"))
                .collect();
            (path, kept.join("\n"))
        })
        .collect()
}

fn assert_same(expected: &BTreeMap<String, String>, actual: &BTreeMap<String, String>, what: &str) {
    assert_eq!(expected.keys().collect::<Vec<_>>(), actual.keys().collect::<Vec<_>>(), "{what}: other files");
    for (path, text) in expected {
        if text != &actual[path] {
            let diff = text
                .lines()
                .zip(actual[path].lines())
                .enumerate()
                .find(|(_, (a, b))| a != b)
                .map(|(n, (a, b))| format!("line {}: 3.0 has {a:?}, {what} has {b:?}", n + 1));
            panic!("{what}: {path} differs: {}", diff.unwrap_or_else(|| "in length".into()));
        }
    }
}

const SPEC_30: &str = "specs/mittwald-conversations.yaml";

#[test]
fn the_3_1_spec_generates_the_same_api_as_the_3_0_one() {
    let original = generated(SPEC_30, &read(SPEC_30));
    let path = "tests/fixtures/equivalence/conversations-3.1.yaml";
    let text = read(path);
    assert!(text.contains("openapi: 3.1.0") && text.contains("const:") && text.contains("$defs:"));
    assert_same(&original, &generated(path, &text), "3.1");
}

#[test]
fn the_2_0_spec_generates_the_same_api_as_the_3_0_one_where_2_0_can_say_it() {
    // Swagger 2.0 has no `oneOf`: the 2.0 spec gives the two unions as plain objects, so the 3.0
    // spec is compared with the same two schemas replaced.
    let mut spec: serde_yaml::Value = serde_yaml::from_str(&read(SPEC_30)).unwrap();
    let path = "tests/fixtures/equivalence/conversations-2.0.yaml";
    let text = read(path);
    let swagger: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(swagger["swagger"], "2.0");
    for union in ["RelatedAggregateReference", "ShareableAggregateReference"] {
        let name = format!("de.mittwald.v1.conversation.{union}");
        spec["components"]["schemas"][name.as_str()] = swagger["definitions"][name.as_str()].clone();
    }
    let original = generated(SPEC_30, &serde_yaml::to_string(&spec).unwrap());
    assert_same(&original, &generated(path, &text), "2.0");
}
