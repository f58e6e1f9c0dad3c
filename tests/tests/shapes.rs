//! The shape fuzzer (`xtask::shapes`), a bounded part: every 8th bundle of the 40,000 shapes
//! built from composition keywords, part counts, `$ref`s and sibling subsets must generate or
//! fail with an error located at a node of the spec; never panic. `cargo xtask shapes` runs all
//! of them, and CI compiles a fixed part of the generated crates.

use xtask::shapes::{all, bundle, bundle_count, culprit, outcome, Outcome};

#[test]
fn every_eighth_bundle_of_shapes_generates_or_gets_a_located_error() {
    let shapes = all();
    let mut failures = Vec::new();
    let mut generated = 0;
    for index in (0..bundle_count(shapes.len())).step_by(8) {
        match outcome(&format!("bundle-{index}"), &bundle(&shapes, index)).0 {
            Outcome::Generated => generated += 1,
            Outcome::Located(_) => {}
            bad => failures.push(format!("bundle {index}: {bad:?}; {:?}", culprit(&shapes, index))),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(generated > 40, "only {generated} bundles generated");
}

/// The judge can fail: a spec whose error points nowhere, and one that generates.
#[test]
fn the_judge_tells_located_errors_from_generated_crates() {
    let spec = serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}});
    assert_eq!(outcome("ok", &spec).0, Outcome::Generated);
    let bad = serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"A": {"$ref": "#/components/schemas/A"}}}});
    assert!(matches!(outcome("cycle", &bad).0, Outcome::Located(message) if message.contains("does not end")));
    let unlocated = serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"A": {"type": "array", "items": {"$ref": "other.yaml#/B"}}}}});
    // An external `$ref` is located at the `$ref`: a node of the spec.
    assert!(matches!(outcome("external", &unlocated).0, Outcome::Located(_)));
}
