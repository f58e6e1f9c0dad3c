//! Real documents have bugs and odd shapes; each is generated best-effort with a true warning at
//! the user's node (`--strict` refuses instead), and text from the spec never becomes code.

use std::collections::BTreeMap;

use generator::Kind;
use tests::{generate_fixture, root};

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every kind of spec bug in `tests/fixtures/spec_bugs.yaml` is generated, each with a warning
/// of its kind at the node, and nothing else is warned about.
#[test]
fn every_spec_bug_of_the_fixture_is_tolerated_with_a_warning_at_its_node() {
    let path = "tests/fixtures/spec_bugs.yaml";
    let generated = generate_fixture(path, &read(path)).unwrap_or_else(|e| panic!("{e}"));
    let found: Vec<(Kind, String)> =
        generated.warnings.iter().map(|w| (w.kind, w.location.pointer().unwrap_or_default().to_owned())).collect();
    let expected = [
        (Kind::DanglingRef, "/paths/~1domains~1{id}/get/responses/410/$ref"),
        (Kind::RefKind, "/paths/~1domains~1{id}/get/responses/404/$ref"),
        (
            Kind::DanglingRef,
            "/paths/~1search~1{term}?page={page}/get/responses/200/content/application~1json/schema/items/$ref",
        ),
        (Kind::KeywordValueType, "/components/schemas/Domain/properties/code/pattern"),
        (Kind::KeywordForOtherType, "/components/schemas/Domain/properties/tags/uniqueItems"),
        (Kind::UndeclaredPathParameter, "/paths/~1search~1{term}?page={page}"),
        (Kind::NonObjectFormBody, "/paths/~1upload/post/requestBody/content/application~1x-www-form-urlencoded/schema"),
        (Kind::BodyWithoutMediaType, "/paths/~1raw/put/requestBody"),
        (Kind::DanglingRef, "/components/schemas/Domain/properties/anything/$ref"),
        (Kind::EnumValuesType, "/components/schemas/Domain/properties/level/enum"),
        (Kind::AllOfUnion, "/components/schemas/Domain/properties/union/allOf/1/oneOf"),
        (Kind::UndefinedRequiredProperty, "/components/schemas/Domain"),
    ];
    for (kind, pointer) in expected {
        assert!(found.contains(&(kind, pointer.to_owned())), "no {kind} warning at {pointer}: {found:#?}");
    }
    assert_eq!(found.len(), expected.len(), "unexpected warnings: {found:#?}");
    // What was generated instead, as the warnings say.
    let search = &generated.files["src/operations/search.rs"];
    assert!(search.contains("term: impl Into<String>,") && search.contains("page: impl Into<String>,"), "{search}");
    let files = &generated.files["src/operations/files.rs"];
    assert!(files.contains("application/x-www-form-urlencoded") && files.contains("application/octet-stream"));
    let types = &generated.files["src/types/mod.rs"];
    assert!(types.contains("pub id: Id,"), "the annotated allOf of a primitive `$ref` is that type:\n{types}");
    assert!(types.contains("pub type DomainName = Id;"), "a refined primitive `$ref` is that type:\n{types}");
    assert!(types.contains("pub owner: Option<DomainId>,"), "a `$ref` into a component's property:\n{types}");
    assert!(types.contains("pub type DomainId = Id;"), "{types}");
    // `type: [integer, string]` beside a `oneOf` that covers it: the union, and no warning.
    assert!(types.contains("pub expiry: Option<DomainExpiry>"), "{types}");
    // With --strict, the first bug refuses the spec, at its node.
    let strict = generator::Config { strict: true, ..tests::fixture_config(path) };
    let error = generator::generate(&read(path), &strict).expect_err("--strict refuses");
    assert!(error.message.contains("a warning of kind `keyword-value-type`, and 10 more spec bugs]"), "{error}");
}

/// The panic the directory found, in every place a schema can stand: `required` beside a
/// one-part inline `allOf`, in a body, a parameter, a response, a component.
#[test]
fn required_beside_a_one_part_inline_all_of_generates_everywhere() {
    let schema = "{ required: [domain], allOf: [ { type: object, properties: { domain: { type: string } } } ] }";
    let spec = format!(
        "openapi: 3.0.3\ninfo: {{ title: t, version: '1' }}\npaths:\n  /a:\n    post:\n      parameters:\n        - {{ name: p, in: query, content: {{ application/json: {{ schema: {schema} }} }} }}\n      requestBody: {{ content: {{ application/json: {{ schema: {schema} }} }} }}\n      responses:\n        '200': {{ description: ok, content: {{ application/json: {{ schema: {schema} }} }} }}\ncomponents:\n  schemas:\n    C: {schema}\n    D: {{ type: object, properties: {{ c: {schema} }} }}\n"
    );
    let generated = generate_fixture("panic.yaml", &spec).unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    let types = &generated.files["src/types/mod.rs"];
    assert!(types.contains("pub struct C {") && types.contains("pub domain: String,"), "{types}");
}

/// A property's name is a name wherever it appears: properties named like every JSON Schema
/// keyword generate the same fields from Swagger 2.0, OpenAPI 3.0 and 3.1, and `$ref`s below
/// them are rewritten like any other.
#[test]
fn keywords_as_property_names_generate_the_same_fields_in_every_version() {
    const KEYWORDS: &[&str] = &[
        "$ref",
        "$id",
        "$schema",
        "$defs",
        "$anchor",
        "$comment",
        "$dynamicRef",
        "type",
        "enum",
        "const",
        "default",
        "description",
        "title",
        "examples",
        "example",
        "items",
        "prefixItems",
        "properties",
        "additionalProperties",
        "patternProperties",
        "required",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "format",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "nullable",
        "discriminator",
        "readOnly",
        "writeOnly",
        "xml",
        "externalDocs",
        "deprecated",
        "definitions",
        "dependencies",
        "dependentRequired",
        "dependentSchemas",
        "contains",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
        "contentEncoding",
        "contentMediaType",
        "contentSchema",
        "x-nullable",
        "collectionFormat",
        "schema",
        "in",
        "name",
        "content",
        "responses",
        "paths",
        "components",
        "schemas",
    ];
    let spec = |version: &str| -> String {
        let (head, prefix, section) = match version {
            "2.0" => ("swagger: '2.0'", "#/definitions/", "definitions:"),
            other => (
                if other == "3.0" { "openapi: 3.0.3" } else { "openapi: 3.1.0" },
                "#/components/schemas/",
                "components:\n  schemas:",
            ),
        };
        let indent = if version == "2.0" { "  " } else { "    " };
        let mut properties = String::new();
        for (index, keyword) in KEYWORDS.iter().enumerate() {
            let schema = match index % 3 {
                0 => format!("{{ $ref: '{prefix}Other' }}"),
                1 => "{ type: string }".to_owned(),
                _ => format!("{{ type: array, items: {{ $ref: '{prefix}Other' }} }}"),
            };
            properties.push_str(&format!("{indent}    '{keyword}': {schema}\n"));
        }
        let response = if version == "2.0" {
            format!("          schema: {{ $ref: '{prefix}Props' }}\n")
        } else {
            format!("          content:\n            application/json:\n              schema: {{ $ref: '{prefix}Props' }}\n")
        };
        format!(
            "{head}\ninfo: {{ title: keywords as names, version: '1' }}\npaths:\n  /props:\n    get:\n      operationId: getProps\n      responses:\n        '200':\n          description: ok\n{response}{section}\n{indent}Props:\n{indent}  type: object\n{indent}  required: ['enum', 'items', '$ref']\n{indent}  properties:\n{properties}{indent}Other:\n{indent}  type: object\n{indent}  properties:\n{indent}    id: {{ type: integer }}\n"
        )
    };
    let types = |version: &str| -> String {
        let name = format!("keywords-{version}.yaml");
        let generated = generate_fixture(&name, &spec(version)).unwrap_or_else(|e| panic!("{version}: {e}"));
        assert!(generated.warnings.is_empty(), "{version}: {:?}", generated.warnings);
        let text = generated.files["src/types/mod.rs"].clone();
        text.lines().filter(|line| !line.contains(&name)).collect::<Vec<_>>().join("\n")
    };
    let v30 = types("3.0");
    let fields = v30.lines().filter(|line| line.trim_start().starts_with("pub ") && line.contains(": ")).count();
    assert!(fields > KEYWORDS.len(), "{fields} fields for {} keywords:\n{v30}", KEYWORDS.len());
    assert!(v30.contains("pub r#enum: Vec<Other>,") && v30.contains("pub r#ref: Other,"), "{v30}");
    assert!(v30.contains("pub items: Other,") && v30.contains("pub default: Option<String>,"), "{v30}");
    assert_eq!(v30, types("3.1"), "3.1 generates other fields than 3.0");
    assert_eq!(v30, types("2.0"), "2.0 generates other fields than 3.0");
}

/// Every item of the generated crate, by file: kind and count. Names are left out on purpose:
/// they come from the spec.
fn item_shape(files: &BTreeMap<String, String>) -> BTreeMap<String, Vec<String>> {
    fn items(list: &[syn::Item], out: &mut Vec<String>) {
        for item in list {
            let kind = match item {
                syn::Item::Const(_) => "const",
                syn::Item::Enum(e) => {
                    out.push(format!("enum with {} variants", e.variants.len()));
                    continue;
                }
                syn::Item::Fn(_) => "fn",
                syn::Item::Impl(i) => {
                    out.push(format!("impl with {} items", i.items.len()));
                    continue;
                }
                syn::Item::Mod(m) => {
                    out.push("mod".to_owned());
                    if let Some((_, inner)) = &m.content {
                        items(inner, out);
                    }
                    continue;
                }
                syn::Item::Struct(s) => {
                    out.push(format!("struct with {} fields", s.fields.len()));
                    continue;
                }
                syn::Item::Type(_) => "type",
                syn::Item::Use(_) => "use",
                syn::Item::Macro(_) => "macro",
                syn::Item::Static(_) => "static",
                syn::Item::Trait(_) => "trait",
                _ => "other",
            };
            out.push(kind.to_owned());
        }
    }
    files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs") && !path.starts_with("runtime/"))
        .map(|(path, text)| {
            let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{path} is not Rust: {e}"));
            let mut out = Vec::new();
            items(&file.items, &mut out);
            (path.clone(), out)
        })
        .collect()
}

/// Hostile text (quotes, backslashes, CR, NUL, text-direction controls, `*/`, code fences,
/// HTML) in every place the spec's text reaches the crate: the crate has exactly the items of
/// the same spec with that text tamed (every string reduced to letters, digits and a few
/// separators), so no text became code; and the docs show the controls escaped.
#[test]
fn hostile_text_adds_no_item_and_is_shown_escaped() {
    let path = "tests/fixtures/hostile_text.yaml";
    let hostile_text = read(path);
    let hostile = generate_fixture(path, &hostile_text).unwrap_or_else(|e| panic!("{e}"));
    fn tame(value: serde_json::Value) -> serde_json::Value {
        let tame_text = |text: &str| -> String {
            let kept: String = text.chars().filter(|c| c.is_ascii_alphanumeric() || " #/{}._-".contains(*c)).collect();
            if kept.trim().is_empty() {
                // Distinct texts stay distinct (enum values, property names).
                let codes: Vec<String> = text.chars().map(|c| (c as u32).to_string()).collect();
                format!("x{}", codes.join("_"))
            } else {
                kept
            }
        };
        match value {
            serde_json::Value::String(text) => serde_json::Value::String(tame_text(&text)),
            serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(tame).collect()),
            serde_json::Value::Object(map) => serde_json::Value::Object(
                map.into_iter()
                    .map(|(key, value)| (if key.starts_with('$') { key } else { tame_text(&key) }, tame(value)))
                    .collect(),
            ),
            other => other,
        }
    }
    let tree: serde_json::Value = serde_yaml::from_str(&hostile_text).unwrap();
    let tame_text = serde_json::to_string_pretty(&tame(tree)).unwrap();
    assert!(!tame_text.contains('"') || tame_text.contains("\"openapi\""));
    let tamed = generate_fixture("tame.json", &tame_text).unwrap_or_else(|e| panic!("{e}"));
    let shape = item_shape(&hostile.files);
    let tame_shape = item_shape(&tamed.files);
    assert_eq!(shape.values().collect::<Vec<_>>(), tame_shape.values().collect::<Vec<_>>());
    let all: String = hostile.files.values().map(String::as_str).collect();
    for control in ['\r', '\u{202E}', '\u{2066}', '\u{0}', '\u{7}', '\u{1b}'] {
        assert!(!all.contains(control), "{control:?} is in the generated text as it is");
    }
    assert!(all.contains(r"\u{202e}"), "the direction control is shown escaped");
}

/// The README's table of spec bugs lists every warning kind the generator has, and says for
/// each whether `--strict` refuses it, as the code does.
#[test]
fn the_readme_lists_every_warning_kind_with_its_strictness() {
    let readme = read("README.md");
    for kind in Kind::WARNINGS {
        let row = readme
            .lines()
            .find(|line| {
                line.starts_with("| `")
                    && line.split(" | ").next().is_some_and(|first| first.contains(&format!("`{}`", kind.slug())))
            })
            .unwrap_or_else(|| panic!("README has no row for `{}`", kind.slug()));
        let bug = row.split(" | ").nth(2).unwrap_or_default();
        assert_eq!(bug == "yes", kind.is_spec_bug(), "README says {bug:?} for `{}`", kind.slug());
    }
}

/// 3.1 makes an operation's `responses` optional: such an operation is generated (any 2XX is
/// its success), silently in 3.1 and with a warning in 3.0, where they are required.
#[test]
fn operations_without_responses_are_generated() {
    let spec = |version: &str| {
        format!(
            "openapi: {version}\ninfo: {{ title: t, version: '1' }}\npaths:\n  /a:\n    get:\n      operationId: getA\n      callbacks:\n        done:\n          '{{$request.query#/url}}':\n            post:\n              requestBody: {{ content: {{ application/json: {{ schema: {{ type: object, properties: {{ ok: {{ type: boolean }} }} }} }} }} }}\n"
        )
    };
    let generated = generate_fixture("a.yaml", &spec("3.1.0")).unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    let operations = &generated.files["src/operations/default.rs"];
    assert!(operations.contains("pub fn get_a(&self)"), "{operations}");
    assert!(operations.contains("200..=299 => raw.ok_with(())"), "{operations}");
    assert!(generated.files.contains_key("src/webhooks.rs"), "the callback's payload is typed");
    let generated = generate_fixture("a.yaml", &spec("3.0.3")).unwrap_or_else(|e| panic!("{e}"));
    let kinds: Vec<Kind> = generated.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [Kind::MissingResponses]);
}
