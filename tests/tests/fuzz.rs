//! A bounded, seeded mutation test: real specs (ours and the fixtures) are mutated node by node
//! and fed to the generator, which must answer with files or a located error, never a panic or
//! a stack overflow. Deterministic: the same seed gives the same cases.

use std::panic::{catch_unwind, AssertUnwindSafe};

use generator::Location;
use serde_json::{json, Value};
use tests::data::Rng;
use tests::{generate_fixture, root};

/// The JSON pointers of every node.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointers(child, format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn replacement(rng: &mut Rng, original: &Value) -> Value {
    match rng.below(14) {
        0 => Value::Null,
        1 => json!(-1),
        2 => json!(1.5e300),
        3 => json!(""),
        4 => json!("🦀 ünïcödé"),
        5 => json!(true),
        6 => json!([]),
        7 => json!({}),
        8 => json!({"$ref": "#/components/schemas/Nope"}),
        9 => json!({"$ref": "#/components/schemas/de.mittwald.v1.conversation.Conversation"}),
        10 => json!({"type": ["string", "null"]}),
        11 => json!({"allOf": [original.clone(), {"type": "string"}]}),
        12 => json!({"oneOf": [original.clone(), original.clone()]}),
        _ => json!("x".repeat(10_000)),
    }
}

fn mutate(rng: &mut Rng, spec: &mut Value) {
    let mut all = Vec::new();
    pointers(spec, String::new(), &mut all);
    for _ in 0..1 + rng.below(3) {
        let at = &all[rng.below(all.len())];
        let Some(node) = spec.pointer_mut(at) else { continue };
        if rng.below(4) == 0 {
            if let Value::Object(map) = node {
                if let Some(key) = map.keys().nth(rng.below(map.len())).cloned() {
                    map.remove(&key);
                }
                continue;
            }
        }
        *node = replacement(rng, node);
    }
}

#[test]
fn mutated_real_specs_give_files_or_located_errors() {
    let mut sources = vec![root().join("specs/mittwald-conversations.yaml")];
    let mut fixtures: Vec<_> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    fixtures.sort();
    sources.extend(fixtures);
    // `FUZZ_SCALE=10 FUZZ_SEED=7 cargo test --release --test fuzz` runs a longer search locally.
    let scale: usize = std::env::var("FUZZ_SCALE").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_1234_abcd_0001);
    let mut rng = Rng(seed | 1);
    let (mut cases, mut generated, mut located) = (0, 0, 0);
    for source in &sources {
        let text = std::fs::read_to_string(source).unwrap();
        let original: Value = generator::load::parse("fixture", &text).unwrap();
        // Fewer cases for the big spec: each of its cases formats a whole client.
        let rounds = scale * if source.ends_with("mittwald-conversations.yaml") { 60 } else { 40 };
        for _ in 0..rounds {
            let mut spec = original.clone();
            mutate(&mut rng, &mut spec);
            let text = serde_json::to_string(&spec).unwrap();
            cases += 1;
            let result = catch_unwind(AssertUnwindSafe(|| generate_fixture("fuzz.json", &text)))
                .unwrap_or_else(|_| panic!("the generator panicked on case {cases}:\n{text}"));
            match result {
                Ok(_) => generated += 1,
                Err(error) => {
                    assert!(!error.message.is_empty(), "an error without a message on case {cases}");
                    if let Location::Pointer(pointer) = &error.location {
                        assert!(spec.pointer(pointer).is_some(), "case {cases}: {pointer} is not in the spec: {error}");
                    }
                    located += 1;
                }
            }
        }
    }
    println!("{cases} mutated specs: {generated} generated, {located} located errors");
    assert_eq!(generated + located, cases);
    assert!(cases >= 400);
}
