//! A bad spec gives an error that names the file and the JSON pointer (or line) of the
//! problem, never a panic.

use generator::Location;
use tests::generate_fixture;

/// Generates `text` and returns the error's location and message.
fn error_of(text: &str) -> (Location, String) {
    let error = generate_fixture("bad.yaml", text).expect_err("the spec is bad");
    assert_eq!(error.file, "bad.yaml");
    (error.location, error.message)
}

/// Generates `text` with `--strict` and returns the refusal.
fn strict_error_of(text: &str) -> generator::SpecError {
    let config = generator::Config { strict: true, ..tests::fixture_config("bad.yaml") };
    generator::generate(text, &config).expect_err("--strict refuses the spec")
}

/// Generates `text` (a bug of the spec is tolerated) and returns its warnings.
fn warnings_of(text: &str) -> Vec<generator::Warning> {
    generate_fixture("bad.yaml", text).unwrap_or_else(|e| panic!("a tolerated bug is not an error: {e}")).warnings
}

#[test]
fn a_spec_without_servers_is_said_and_has_no_default_base_url() {
    let spec = "openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths: {}\n";
    let generated = generator::generate(spec, &tests::fixture_config("bad.yaml")).unwrap();
    let [warning] = generated.warnings.as_slice() else { panic!("{:?}", generated.warnings) };
    assert_eq!(warning.kind, generator::Kind::NoServers);
    assert!(warning.message.contains("`ClientBuilder::base_url`"), "{}", warning.message);
    assert!(generated.files["runtime/src/lib.rs"].contains("pub const DEFAULT_BASE_URL: &str = \"\";"));
}

fn pointer(location: Location) -> String {
    location.pointer().unwrap_or_else(|| panic!("expected a pointer, got {location:?}")).to_owned()
}

const HEAD: &str = "openapi: 3.0.3\ninfo: { title: t, version: '1' }\nservers: [{ url: 'https://api.example' }]\n";

#[test]
fn yaml_syntax_error_names_line_and_column() {
    let (location, message) = error_of("openapi: 3.0.3\ninfo: [unclosed\n");
    assert_eq!(location, Location::Text { line: 3, column: 1 });
    assert!(message.starts_with("invalid YAML: did not find expected ',' or ']'"), "{message}");
}

#[test]
fn json_syntax_error_names_line_and_column() {
    let (location, message) = error_of("{\n  \"openapi\": \"3.0.3\",\n  \"info\": }\n");
    assert_eq!(location, Location::Text { line: 3, column: 11 });
    assert!(message.starts_with("invalid JSON: expected value"), "{message}");
}

#[test]
fn a_node_of_the_wrong_type_is_left_out_with_a_warning_at_its_pointer() {
    let spec = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          headers: [1]\n"
    );
    let warnings = warnings_of(&spec);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].kind, generator::Kind::InvalidNode);
    assert_eq!(pointer(warnings[0].location.clone()), "/paths/~1a/get/responses/200/headers");
    assert_eq!(warnings[0].message, "invalid type: sequence, expected a map; this node is left out");
    assert_eq!(pointer(strict_error_of(&spec).location), "/paths/~1a/get/responses/200/headers");
}

#[test]
fn a_scalar_of_the_wrong_type_is_left_out_with_a_warning_at_its_pointer() {
    let spec = format!("{HEAD}paths:\n  /a:\n    get:\n      deprecated: sometimes\n      responses: {{}}\n");
    let warnings = warnings_of(&spec);
    assert_eq!(pointer(warnings[0].location.clone()), "/paths/~1a/get/deprecated");
    assert!(warnings[0].message.contains("invalid type: string \"sometimes\", expected a boolean"), "{warnings:?}");
    // A document that is not OpenAPI at all stays an error, at the node.
    let (location, message) = error_of(&format!("{HEAD}paths: [1]\n"));
    assert_eq!(pointer(location), "/paths");
    assert!(message.contains("invalid type: sequence"), "{message}");
}

#[test]
fn a_dangling_ref_is_any_value_with_a_warning_and_refused_by_strict() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Missinq: {{ type: string }}\n    A:\n      type: object\n      properties:\n        b: {{ $ref: '#/components/schemas/Missing' }}\n"
    );
    let warnings = warnings_of(&spec);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].kind, generator::Kind::DanglingRef);
    assert_eq!(pointer(warnings[0].location.clone()), "/components/schemas/A/properties/b/$ref");
    assert_eq!(
        warnings[0].message,
        "`$ref` \"#/components/schemas/Missing\" points to nothing in the document (did you mean \
         `#/components/schemas/Missinq`?); any JSON value is accepted here"
    );
    let generated = generate_fixture("bad.yaml", &spec).unwrap();
    assert!(generated.files["src/types/mod.rs"].contains("pub b: Option<serde_json::Value>"));
    let error = strict_error_of(&spec);
    assert_eq!(pointer(error.location), "/components/schemas/A/properties/b/$ref");
    assert!(
        error.message.ends_with("[refused by --strict; without it, a warning of kind `dangling-ref`]"),
        "{}",
        error.message
    );
}

#[test]
fn a_reference_to_a_missing_file_is_an_error_at_the_reference() {
    let (location, message) = error_of(&format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: array\n      items: {{ $ref: 'other.yaml#/A' }}\n"
    ));
    assert_eq!(pointer(location), "/components/schemas/A/items/$ref");
    assert!(
        message.starts_with("`$ref` \"other.yaml#/A\" cannot be resolved: cannot read \"other.yaml\""),
        "{message}"
    );
}

#[test]
fn schema_that_is_its_own_all_of_is_generated_without_that_part() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - type: object\n          properties: {{ b: {{ type: integer }} }}\n"
    );
    let warnings = warnings_of(&spec);
    let [warning] = warnings.as_slice() else { panic!("one warning: {warnings:?}") };
    assert_eq!(warning.kind, generator::Kind::CyclicAllOf);
    assert_eq!(pointer(warning.location.clone()), "/components/schemas/A/allOf/0");
    assert_eq!(warning.message, "allOf includes itself through `#/components/schemas/A`; this part is left out");
    let types = &tests::generate_fixture("bad.yaml", &spec).unwrap().files["src/types/mod.rs"];
    assert!(types.contains("pub struct A {") && types.contains("pub b: Option<i64>"), "{types}");
    assert_eq!(strict_error_of(&spec).kind, generator::Kind::CyclicAllOf);
}

#[test]
fn not_schemas_are_read_as_their_declared_type_with_a_warning() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      not: {{ type: string }}\n    B: {{ type: integer, not: {{ enum: [3] }} }}\n"
    );
    let generated = generate_fixture("bad.yaml", &spec).unwrap();
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "bad.yaml: at #/components/schemas/A/not: `not` is not checked: any other value is accepted",
            "bad.yaml: at #/components/schemas/B/not: `not` is not checked: the declared type is kept",
        ]
    );
    assert!(generated.files["src/types/mod.rs"].contains("pub type B = i64;"));
}

#[test]
fn all_of_of_an_object_and_a_non_object_keeps_the_object_with_a_warning() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      allOf:\n        - type: string\n        - type: object\n          properties: {{ x: {{ type: integer }} }}\n"
    );
    let warnings = warnings_of(&spec);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].kind, generator::Kind::AllOfNotObject);
    assert_eq!(pointer(warnings[0].location.clone()), "/components/schemas/A/allOf/0");
    assert_eq!(pointer(strict_error_of(&spec).location), "/components/schemas/A/allOf/0");
}

#[test]
fn duplicate_operation_ids_get_the_next_free_name_with_a_warning() {
    let op = "      operationId: same\n      responses: { '204': { description: x } }\n";
    let spec = format!("{HEAD}paths:\n  /a:\n    get:\n{op}  /b:\n    get:\n{op}");
    let warnings = warnings_of(&spec);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(pointer(warnings[0].location.clone()), "/paths/~1b/get/operationId");
    assert!(warnings[0].message.starts_with("operationId \"same\" is already used at #/paths/~1a/get"));
    let generated = generate_fixture("bad.yaml", &spec).unwrap();
    let operations = &generated.files["src/operations/default.rs"];
    assert!(operations.contains("pub fn same(&self)") && operations.contains("pub fn same2(&self)"), "{operations}");
    assert_eq!(pointer(strict_error_of(&spec).location), "/paths/~1b/get/operationId");
}

#[test]
fn an_undeclared_path_parameter_is_a_string_parameter_with_a_warning() {
    let spec = format!("{HEAD}paths:\n  /a/{{id}}:\n    get:\n      responses: {{ '204': {{ description: x }} }}\n");
    let warnings = warnings_of(&spec);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(pointer(warnings[0].location.clone()), "/paths/~1a~1{id}");
    assert_eq!(
        warnings[0].message,
        "path parameter `id` is not declared; it is generated as a required `String` path parameter"
    );
    let generated = generate_fixture("bad.yaml", &spec).unwrap();
    assert!(generated.files["src/operations/default.rs"].contains("id: impl Into<String>"));
    assert_eq!(pointer(strict_error_of(&spec).location), "/paths/~1a~1{id}");
}

#[test]
fn wrong_openapi_version_is_an_error() {
    let (location, message) = error_of("openapi: 2.0.0\ninfo: { title: t, version: '1' }\npaths: {}\n");
    assert_eq!(pointer(location), "/openapi");
    assert_eq!(
        message,
        "unsupported OpenAPI version \"2.0.0\": this generator reads OpenAPI 3.0.x, 3.1.x and 3.2.x and Swagger 2.0"
    );
    // A newer version is named as such, before any other problem of the document.
    let (location, message) = error_of("openapi: 4.0.0\ninfo: 7\npaths: {}\n");
    assert_eq!(pointer(location), "/openapi");
    assert!(message.starts_with("unsupported OpenAPI version \"4.0.0\""), "{message}");
}

#[test]
fn errors_in_3_1_and_2_0_documents_name_the_users_node() {
    // 3.1: a `type` array and numeric `exclusiveMinimum` are fine; the bad node is found.
    let error = strict_error_of(
        "openapi: 3.1.0\ninfo: { title: t, version: '1' }\ncomponents:\n  schemas:\n    A:\n      type: [object, 'null']\n      properties:\n        n: { type: integer, exclusiveMinimum: 0, title: [x] }\n",
    );
    assert_eq!(pointer(error.location), "/components/schemas/A/properties/n/title");
    assert!(error.message.starts_with("`title` must be a string, not `[\"x\"]`"), "{}", error.message);
    // 2.0: a response header moved under `schema` is still named where it was.
    let error = strict_error_of(
        "swagger: '2.0'\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          headers: { X-Rate: { type: integer, minimum: [1] } }\n",
    );
    assert_eq!(pointer(error.location), "/paths/~1a/get/responses/200/headers/X-Rate/minimum");
}

#[test]
fn very_deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut schema = String::from("{ type: string }");
    for _ in 0..100 {
        schema = format!("{{ type: object, properties: {{ a: {schema} }} }}");
    }
    let result =
        generate_fixture("deep.yaml", &format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {schema}\n"));
    let error = result.expect_err("too deep");
    assert!(error.message.contains("nest deeper than") || error.message.contains("recursion limit"), "{error}");
}

#[test]
fn unknown_type_is_a_warning_with_its_pointer() {
    let generated = generate_fixture(
        "warn.yaml",
        &format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        x: {{ type: unknown }}\n"),
    )
    .expect("a warning is not an error");
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["warn.yaml: at #/components/schemas/A/properties/x/type: `type: unknown` is not an OpenAPI 3.0 type; any JSON value is accepted here"]
    );
}

#[test]
fn display_names_file_and_pointer() {
    let error = generate_fixture(
        "specs/x.yaml",
        &format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{ $ref: 'other.yaml#/B' }}\n"),
    )
    .expect_err("bad");
    assert!(
        error.to_string().starts_with(
            "specs/x.yaml: at #/components/schemas/A/$ref: `$ref` \"other.yaml#/B\" cannot be resolved: cannot read \"specs/other.yaml\""
        ),
        "{error}"
    );
}

#[test]
fn dangling_parameter_and_response_refs_are_left_out_with_a_warning() {
    let spec = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/Nope'\n      responses:\n        '200': {{ $ref: '#/components/schemas/X' }}\n"
    );
    let warnings = warnings_of(&spec);
    let shown: Vec<(String, String)> =
        warnings.iter().map(|w| (pointer(w.location.clone()), w.message.clone())).collect();
    assert_eq!(
        shown,
        [
            (
                "/paths/~1a/get/parameters/0/$ref".to_owned(),
                "`$ref` \"#/components/parameters/Nope\" points to nothing in the document; the parameter is left out"
                    .to_owned()
            ),
            (
                "/paths/~1a/get/responses/200/$ref".to_owned(),
                "`$ref` \"#/components/schemas/X\" points to nothing in the document; the response is generated \
                 without a body"
                    .to_owned()
            ),
        ]
    );
}
