//! The shape fuzzer: schemas built systematically rather than mutated from existing documents,
//! so that combinations nobody wrote yet are tried (the directory's only panic was one of
//! those). Every composition keyword (`allOf`, `oneOf`, `anyOf`) with one part or two, inline
//! or by `$ref`, times every subset of the siblings `required`, `properties`, `type`,
//! `nullable`, `enum`, `description`, `discriminator`, to depth 2; compositions nested in
//! compositions (depth 3) over a smaller set; and recursive compositions (a part that refers to
//! the shape itself, directly, through a list or a property, or to recursive tagged unions). Each shape stands in one place: a component
//! schema, a request body, a query parameter (as JSON content) or a response; bundles are
//! written in turn as OpenAPI 3.0, 3.1 (in its own idioms: `type` lists, `const`) and Swagger
//! 2.0.
//!
//! Shapes are put in bundles (one spec of [`BUNDLE`] shapes each): `cargo test` generates a
//! bounded part of them (`tests/tests/shapes.rs`); `cargo xtask shapes` generates all of them
//! and writes the crates of some bundles for `cargo check` (CI compiles a fixed part).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};

pub const USAGE: &str = "usage: cargo xtask shapes [--every <n>] [--crates <i,j,..>] [--out <dir>]

Generates every bundle of the shape fuzzer (or every n-th): each must generate, or fail with an
error located at a node of the spec; a panic or an unlocated error fails the run. --crates writes
the crates of these bundles (by number) to <dir> (default target/shapes) for `cargo check`.";

/// Shapes per bundle spec.
pub const BUNDLE: usize = 100;

/// The leaves parts are made of.
fn leaves() -> Vec<Value> {
    vec![
        json!({"type": "string"}),
        json!({"type": "integer", "format": "int32"}),
        json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}, "kind": {"type": "string", "enum": ["inline"]}}}),
        json!({"$ref": "#/components/schemas/Obj"}),
        json!({"$ref": "#/components/schemas/Str"}),
        json!({"type": "string", "enum": ["x", "y"]}),
        json!({}),
        json!({"type": "array", "items": {"$ref": "#/components/schemas/Obj"}}),
        json!({"type": "object", "nullable": true, "properties": {"n": {"type": "number"}}}),
    ]
}

const KEYWORDS: [&str; 3] = ["allOf", "oneOf", "anyOf"];

/// The siblings, each present or not (a bit of the subset).
fn sibling(bit: usize) -> (&'static str, Value) {
    match bit {
        0 => ("required", json!(["a", "b"])),
        1 => ("properties", json!({"b": {"type": "integer"}})),
        2 => ("type", json!("object")),
        3 => ("nullable", json!(true)),
        4 => ("enum", json!(["x"])),
        5 => ("description", json!("A shape with siblings.")),
        _ => ("discriminator", json!({"propertyName": "kind"})),
    }
}
const SIBLINGS: usize = 7;

fn with_siblings(mut schema: Map<String, Value>, subset: usize) -> Value {
    for bit in 0..SIBLINGS {
        if subset & (1 << bit) != 0 {
            let (key, value) = sibling(bit);
            schema.insert(key.to_owned(), value);
        }
    }
    Value::Object(schema)
}

fn composition(keyword: &str, parts: Vec<Value>) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(keyword.to_owned(), Value::Array(parts));
    map
}

/// Every shape, in a fixed order.
pub fn all() -> Vec<Value> {
    let leaves = leaves();
    let mut out = Vec::new();
    // Depth 2: a composition of one or two leaves, with any subset of the siblings.
    for keyword in KEYWORDS {
        let mut part_lists: Vec<Vec<Value>> = leaves.iter().map(|leaf| vec![leaf.clone()]).collect();
        for first in &leaves {
            for second in &leaves {
                part_lists.push(vec![first.clone(), second.clone()]);
            }
        }
        for parts in part_lists {
            for subset in 0..1 << SIBLINGS {
                out.push(with_siblings(composition(keyword, parts.clone()), subset));
            }
        }
    }
    // Depth 3: a composition whose first part is a composition, over fewer leaves and
    // sibling subsets.
    let few = [0, 2, 3, 6];
    let subsets = [0, 1, 3, 4, 8, 16, 64, 127];
    for outer in KEYWORDS {
        for inner in KEYWORDS {
            for &a in &few {
                for &b in &few {
                    let nested = Value::Object(composition(inner, vec![leaves[a].clone(), leaves[b].clone()]));
                    for other in [None, Some(2), Some(3), Some(0), Some(6)] {
                        let mut parts = vec![nested.clone()];
                        parts.extend(other.map(|index| leaves[index].clone()));
                        for &subset in &subsets {
                            out.push(with_siblings(composition(outer, parts.clone()), subset));
                        }
                    }
                }
            }
        }
    }
    // Recursion: a composition whose part refers to the shape itself (`SELF`: the component the
    // shape is, or the recursive `Tree` where the shape stands inline), to a tagged union of
    // recursive types (`Node`), or to a tree through its list (`Tree`), beside another part.
    let recursive = [
        json!({"$ref": SELF}),
        json!({"type": "array", "items": {"$ref": SELF}}),
        json!({"type": "object", "properties": {"next": {"$ref": SELF}}}),
        json!({"$ref": "#/components/schemas/Node"}),
        json!({"$ref": "#/components/schemas/Tree"}),
    ];
    for keyword in KEYWORDS {
        for first in &recursive {
            for other in [None, Some(0), Some(2), Some(3)] {
                let mut parts = vec![first.clone()];
                parts.extend(other.map(|index| leaves[index].clone()));
                for subset in [0, 1, 3, 4, 8, 64, 127] {
                    out.push(with_siblings(composition(keyword, parts.clone()), subset));
                }
            }
        }
    }
    out
}

/// In a shape, a `$ref` to the shape itself (see [`spec_of`]).
const SELF: &str = "#/components/schemas/SELF";

/// How many bundles the shapes fill.
pub fn bundle_count(shapes: usize) -> usize {
    shapes.div_ceil(BUNDLE)
}

/// The document versions the bundles rotate through: bundle `i` is written in
/// `VERSIONS[i % 3]`, so that every kind of shape meets every reader (3.0, 3.1 and Swagger
/// 2.0's conversion).
pub const VERSIONS: [&str; 3] = ["3.0", "3.1", "2.0"];

/// The spec of bundle `index`: its shapes, each in the place its number picks, with the
/// components the leaves refer to, in the version of the bundle.
pub fn bundle(shapes: &[Value], index: usize) -> Value {
    let entries: Vec<(usize, &Value)> = shapes.iter().enumerate().skip(index * BUNDLE).take(BUNDLE).collect();
    spec_of(&entries, &format!("shapes, bundle {index}"), VERSIONS[index % VERSIONS.len()])
}

/// A spec of these numbered shapes in `version`: shape `n` stands in place `n % 4` (a
/// component schema, a request body, a JSON query parameter, a response; Swagger 2.0 has no
/// JSON query parameters: a body there too).
pub fn spec_of(entries: &[(usize, &Value)], title: &str, version: &str) -> Value {
    let swagger = version == "2.0";
    let mut schemas = Map::new();
    schemas.insert(
        "Obj".into(),
        json!({"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["obj"]}, "id": {"type": "integer"}}}),
    );
    schemas.insert("Str".into(), json!({"type": "string", "minLength": 1}));
    // Recursive components the recursive shapes refer to: a tree through a list of a tagged
    // union (GitBook's navigation), its parent without a list between (boxed).
    schemas.insert(
        "Tree".into(),
        json!({"type": "object", "required": ["kind"], "properties": {
            "kind": {"type": "string", "enum": ["tree"]},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            "parent": {"$ref": "#/components/schemas/Tree"}}}),
    );
    schemas.insert(
        "Node".into(),
        json!({"oneOf": [{"$ref": "#/components/schemas/Tree"}, {"$ref": "#/components/schemas/Obj"}],
            "discriminator": {"propertyName": "kind", "mapping": {"tree": "#/components/schemas/Tree", "obj": "Obj"}}}),
    );
    let mut paths = Map::new();
    for &(number, shape) in entries {
        let own = if number % 4 == 0 {
            format!("#/components/schemas/S{number}")
        } else {
            "#/components/schemas/Tree".into()
        };
        let text = shape.to_string();
        let placed = if text.contains(SELF) {
            serde_json::from_str(&text.replace(SELF, &own)).expect("the same JSON with another reference")
        } else {
            shape.clone()
        };
        let shape = &placed;
        let ok = json!({"description": "ok"});
        let body = |shape: &Value| {
            if swagger {
                json!([{"name": "body", "in": "body", "required": true, "schema": shape}])
            } else {
                json!([])
            }
        };
        match number % 4 {
            0 => {
                schemas.insert(format!("S{number}"), shape.clone());
            }
            1 | 2 if swagger => {
                paths.insert(
                    format!("/s{number}"),
                    json!({"post": {"operationId": format!("body{number}"), "parameters": body(shape), "responses": {"204": ok}}}),
                );
            }
            1 => {
                paths.insert(
                    format!("/s{number}"),
                    json!({"post": {"operationId": format!("body{number}"),
                        "requestBody": {"required": true, "content": {"application/json": {"schema": shape}}},
                        "responses": {"204": ok}}}),
                );
            }
            2 => {
                paths.insert(
                    format!("/s{number}"),
                    json!({"get": {"operationId": format!("param{number}"),
                        "parameters": [{"name": "p", "in": "query", "content": {"application/json": {"schema": shape}}}],
                        "responses": {"204": ok}}}),
                );
            }
            _ => {
                let response = if swagger {
                    json!({"description": "ok", "schema": shape})
                } else {
                    json!({"description": "ok", "content": {"application/json": {"schema": shape}}})
                };
                paths.insert(
                    format!("/s{number}"),
                    json!({"get": {"operationId": format!("response{number}"), "responses": {"200": response}}}),
                );
            }
        }
    }
    let info = json!({"title": title, "version": "1"});
    let spec = match version {
        "2.0" => json!({
            "swagger": "2.0", "info": info, "consumes": ["application/json"], "produces": ["application/json"],
            "paths": paths, "definitions": schemas,
        }),
        other => json!({
            "openapi": if other == "3.1" { "3.1.0" } else { "3.0.3" },
            "info": info, "paths": paths, "components": {"schemas": schemas},
        }),
    };
    match version {
        "2.0" => {
            let text = spec.to_string().replace("#/components/schemas/", "#/definitions/");
            serde_json::from_str(&text).expect("the same JSON with other references")
        }
        "3.1" => {
            let mut spec = spec;
            in_31_idioms(&mut spec);
            spec
        }
        _ => spec,
    }
}

/// 3.0 idioms in their 3.1 form, everywhere in `node`: `nullable: true` beside a `type` is a
/// `type` list with `"null"`, a one-value `enum` a `const`.
fn in_31_idioms(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(Value::String(ty)) = map.get("type").cloned() {
                    map.remove("nullable");
                    map.insert("type".into(), json!([ty, "null"]));
                }
            }
            if let Some(Value::Array(values)) = map.get("enum") {
                if let [only] = values.as_slice() {
                    let only = only.clone();
                    map.remove("enum");
                    map.insert("const".into(), only);
                }
            }
            map.values_mut().for_each(in_31_idioms);
        }
        Value::Array(items) => items.iter_mut().for_each(in_31_idioms),
        _ => {}
    }
}

/// What generating one bundle (or one shape) gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Generated,
    /// A located error: the pointer names a node of the spec.
    Located(String),
    /// An error whose pointer is not a node of the spec.
    Unlocated(String),
    Panicked(String),
}

/// Generates `spec` and judges the outcome.
pub fn outcome(name: &str, spec: &Value) -> (Outcome, Option<generator::Generated>) {
    let text = serde_json::to_string_pretty(spec).expect("a JSON value prints");
    let config = generator::Config {
        crate_name: format!("shapes-{}", name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")),
        crate_version: "0.0.0".to_owned(),
        spec_path: format!("{name}.json"),
        command: format!("cargo xtask shapes --crates {name}"),
        operations: generator::Selection::All,
        standalone: true,
        runtime_module: false,
        pinned_names: Default::default(),
        strict: false,
        overlays: Vec::new(),
        settings: Default::default(),
    };
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(|| generator::generate(&text, &config)));
    std::panic::set_hook(hook);
    match result {
        Ok(Ok(generated)) => (Outcome::Generated, Some(generated)),
        Ok(Err(error)) => match error.location.pointer() {
            Some(pointer) if spec.pointer(pointer).is_some() => (Outcome::Located(error.to_string()), None),
            _ => (Outcome::Unlocated(error.to_string()), None),
        },
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            (Outcome::Panicked(message), None)
        }
    }
}

/// For a bundle that failed: the first shape that fails the same way alone, as JSON.
pub fn culprit(shapes: &[Value], index: usize) -> Option<String> {
    let version = VERSIONS[index % VERSIONS.len()];
    (index * BUNDLE..((index + 1) * BUNDLE).min(shapes.len())).find_map(|number| {
        let alone = spec_of(&[(number, &shapes[number])], "one shape", version);
        match outcome("shape", &alone).0 {
            Outcome::Generated | Outcome::Located(_) => None,
            bad => Some(format!("shape {number}: {} → {bad:?}", shapes[number])),
        }
    })
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let (mut every, mut crates, mut out) = (1usize, Vec::new(), crate::workspace_root().join("target/shapes"));
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().cloned().with_context(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--every" => every = value("--every")?.parse().context("--every takes a number")?,
            "--crates" => {
                crates = value("--crates")?
                    .split(',')
                    .map(|n| n.trim().parse::<usize>().context("--crates takes bundle numbers"))
                    .collect::<Result<_>>()?
            }
            "--out" => out = value("--out")?.into(),
            other => bail!("unknown option {other:?}\n\n{USAGE}"),
        }
    }
    let shapes = all();
    let count = bundle_count(shapes.len());
    let started = std::time::Instant::now();
    let (mut generated, mut located, mut failed) = (0, 0, Vec::new());
    for index in (0..count).filter(|index| index % every.max(1) == 0 || crates.contains(index)) {
        let spec = bundle(&shapes, index);
        let (result, files) = outcome(&format!("bundle-{index}"), &spec);
        match result {
            Outcome::Generated => generated += 1,
            Outcome::Located(_) => located += 1,
            bad => failed.push(format!(
                "bundle {index}: {bad:?}; {}",
                culprit(&shapes, index).unwrap_or_else(|| "no single shape fails alone".to_owned())
            )),
        }
        if crates.contains(&index) {
            let files = files.with_context(|| format!("bundle {index} did not generate"))?;
            let dir = out.join(format!("bundle-{index}"));
            crate::codegen::sync(&dir, &files.files, false)?;
            std::fs::write(dir.join("spec.json"), serde_json::to_string_pretty(&spec)?)?;
            println!("wrote {}", dir.display());
        }
    }
    let run = (0..count).filter(|index| index % every.max(1) == 0 || crates.contains(index)).count();
    println!(
        "{} shapes in {count} bundles of {BUNDLE}; {run} bundles run in {:.1} s: {generated} generated, \
         {located} refused with a located error, {} failed",
        shapes.len(),
        started.elapsed().as_secs_f64(),
        failed.len()
    );
    for failure in &failed {
        println!("FAILED {failure}");
    }
    Ok(if failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_enumeration_covers_every_keyword_part_count_and_sibling_subset() {
        let shapes = all();
        assert!(shapes.len() > 30_000, "{} shapes", shapes.len());
        for keyword in KEYWORDS {
            for subset in 0..1 << SIBLINGS {
                let found = shapes.iter().any(|shape| {
                    shape.get(keyword).and_then(Value::as_array).is_some_and(|parts| parts.len() == 2)
                        && (0..SIBLINGS).all(|bit| shape.get(sibling(bit).0).is_some() == (subset & (1 << bit) != 0))
                });
                assert!(found, "{keyword} with two parts and siblings {subset:#b}");
            }
        }
    }
}
