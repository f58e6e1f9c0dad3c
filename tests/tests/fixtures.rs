//! One small spec per rendering rule, each pinned by a snapshot of the API it generates.

use tests::{api_text, generate_fixture, root};

fn snapshot(name: &str) {
    let path = format!("tests/fixtures/{name}.yaml");
    let text = std::fs::read_to_string(root().join(&path)).expect("read the fixture");
    let generated = generate_fixture(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!(format!("fixture__{name}"), api_text(&generated));
}

/// A spec split over files and folders (YAML and JSON, a cycle across files, references back
/// into the root): one type per schema file, named after it, whichever path reaches it.
#[test]
fn split_over_files() {
    let mut sources = tests::split_fixture("split");
    let config = tests::fixture_config(sources.root());
    let generated = generator::generate_from(&mut sources, &config).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sources.files().len(), 9, "every file of the fixture is read: {:?}", sources.files().keys());
    insta::assert_snapshot!("fixture__split", api_text(&generated));
}

/// A problem in a referenced file is reported in that file, at its line and column.
#[test]
fn a_diagnostic_in_a_referenced_file_names_that_file() {
    let (root, pristine) = tests::split_fixture_files("split");
    let owner = "tests/fixtures/split/schemas/common/owner.yaml";
    let mut files = pristine.clone();
    files.insert(owner.to_owned(), files[owner].replace("$ref: '../pet.yaml'", "$ref: '../pet.yaml#/properties/nam'"));
    let mut sources = generator::bundle::Sources::in_memory(root.clone(), files);
    let config = tests::fixture_config(&root);
    let error = generator::generate_from(&mut sources, &config).unwrap_err();
    assert_eq!(error.file, owner);
    assert_eq!(error.location.pointer(), Some("/properties/pets/items/$ref"));
    let report = generator::diagnostic::Report::with_files(sources.root_text(), sources.files(), false);
    let position = report.position(&error).expect("located");
    assert_eq!((position.line, position.column), (10, 7), "{}", report.human_error(&error));
    let shown = report.human_error(&error);
    assert!(shown.contains(&format!("--> {owner}:10:7")), "{shown}");
    assert!(shown.contains("has no node at \"#/properties/nam\""), "{shown}");

    // A warning about a node gathered from another file: its own file, line and column.
    let pet = "tests/fixtures/split/schemas/pet.yaml";
    let mut files = pristine.clone();
    files.insert(pet.to_owned(), files[pet].replace("  name:\n    type: string", "  name:\n    type: strin"));
    let mut sources = generator::bundle::Sources::in_memory(root.clone(), files);
    let generated = generator::generate_from(&mut sources, &config).unwrap();
    let warning = generated.warnings.iter().find(|w| w.file == pet).expect("a warning in pet.yaml");
    let report = generator::diagnostic::Report::with_files(sources.root_text(), sources.files(), false);
    let shown = report.human(warning);
    assert!(shown.contains(&format!("--> {pet}:9:5")), "{shown}");
    assert!(shown.contains("type: strin"), "{shown}");
}

/// Pages whose body holds the items beside the total (`{items, total}` with `limit`/`offset`,
/// `{data, count}` with `limit`/`skip`); the paging itself runs inside the crate in CI
/// (tests/fixture-tests/body_pages_paging.rs).
#[test]
fn body_pages() {
    snapshot("body_pages");
}

#[test]
fn recursive_trees() {
    snapshot("recursive_trees");
}

/// OpenAPI 3.2: itemSchema streams, QUERY and additionalOperations, querystring, media type
/// components, defaultMapping, tags' summary and parent (the loopback tests run inside the
/// crate: tests/fixture-tests/openapi32_*.rs).
#[test]
fn openapi32() {
    snapshot("openapi32");
}

#[test]
fn allof_merge() {
    snapshot("allof_merge");
}

#[test]
fn oneof_tagged() {
    snapshot("oneof_tagged");
}

/// Variants holding two aliases of one type get no `From` (the two impls would conflict); a
/// variant of a type of its own keeps its `From`.
#[test]
fn a_tagged_union_of_two_names_of_one_type_has_no_conflicting_from() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/oneof_tagged.yaml")).expect("the fixture");
    let generated = generate_fixture("tests/fixtures/oneof_tagged.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    let api = api_text(&generated);
    assert!(api.contains("pub type ApprovedEvent = BaseEvent;"), "{api}");
    assert!(
        !api.contains("impl From<ApprovedEvent> for Event") && !api.contains("impl From<DeniedEvent> for Event"),
        "{api}"
    );
    assert!(api.contains("impl From<Thing> for Event"), "{api}");
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

/// Objects in the query (`form` exploded or not, `deepObject`), in paths and headers
/// (`simple`) and cookies, and the `label` and `matrix` path styles.
#[test]
fn param_styles() {
    snapshot("param_styles");
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

#[test]
fn openapi31() {
    snapshot("openapi31");
}

#[test]
fn swagger2() {
    snapshot("swagger2");
}

#[test]
fn spec_bugs() {
    snapshot("spec_bugs");
}

#[test]
fn hostile_text() {
    snapshot("hostile_text");
}

#[test]
fn openapi30_mended() {
    snapshot("openapi30_mended");
}

#[test]
fn event_streams() {
    snapshot("event_streams");
}

#[test]
fn only_types_the_client_decodes_derive_deserialize_by_default() {
    let spec = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    post:
      operationId: create-thing
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewThing"}
      responses:
        "200":
          description: the thing
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Shared: {type: object, properties: {a: {type: string}}}
    NewThing: {type: object, properties: {shared: {$ref: "#/components/schemas/Shared"}, kind: {type: string, enum: [x, y]}, next: {$ref: "#/components/schemas/NewThing2"}}}
    Thing: {type: object, properties: {shared: {$ref: "#/components/schemas/Shared"}}}
    Unused: {type: object, properties: {b: {type: string}, inner: {$ref: "#/components/schemas/Inner"}}}
    Inner: {type: object, properties: {c: {type: string}}}
    NewThing2: {type: object, properties: {inner: {$ref: "#/components/schemas/Inner"}}}
"##;
    let generated = tests::generate_fixture("decoded.yaml", spec).unwrap();
    let text = &generated.files["src/types/mod.rs"];
    // The line before a type's `Deserialize` impl: its `cfg`, if it has one.
    let deserialize_cfg = |name: &str| -> String {
        let at = text
            .find(&format!("impl<'de> serde::Deserialize<'de> for {name} {{"))
            .unwrap_or_else(|| panic!("no Deserialize for {name} in {text}"));
        text[..at].trim_end().lines().last().unwrap().to_owned()
    };
    let gated = r#"#[cfg(feature = "deserialize-all")]"#;
    // `Unused` is in no operation: a types-only crate keeps `Deserialize`.
    // `Inner` is in a request body, but also in `Unused`, which keeps `Deserialize`.
    for decoded in ["Thing", "Shared", "Unused", "Inner"] {
        assert_ne!(deserialize_cfg(decoded), gated, "{decoded}");
    }
    for encoded_only in ["NewThing", "NewThing2", "NewThingKind"] {
        assert_eq!(deserialize_cfg(encoded_only), gated, "{encoded_only}");
    }
    // The struct's decoding table is gated with its impl.
    let object = format!("{gated}\nimpl crate::runtime::serde_helpers::Object for NewThing {{");
    assert!(text.contains(&object), "{text}");
    assert!(generated.files["Cargo.toml"].contains("\n[features]\n"));
}

#[test]
fn the_token_goes_where_the_first_security_scheme_says() {
    let spec = |scheme: &str| {
        format!(
            r#"
openapi: 3.0.3
info: {{title: t, version: "1"}}
security: [{{main: []}}]
paths: {{}}
components:
  securitySchemes:
    main: {scheme}
"#
        )
    };
    for (scheme, expected) in [
        ("{type: apiKey, in: header, name: X-Api-Key}", r#"DefaultAuth::ApiKeyHeader("X-Api-Key")"#),
        ("{type: apiKey, in: query, name: api_key}", r#"DefaultAuth::ApiKeyQuery("api_key")"#),
        ("{type: http, scheme: bearer}", "DefaultAuth::Bearer"),
    ] {
        let generated = tests::generate_fixture("auth.yaml", &spec(scheme)).unwrap();
        // The API's defaults are the runtime's, at its root.
        let lib: String =
            generated.files["runtime/src/lib.rs"].split_whitespace().collect::<String>().replace(",)", ")");
        let line = format!("pub(crate) const DEFAULT_AUTH: DefaultAuth = {expected};");
        assert!(lib.contains(&line.split_whitespace().collect::<String>()), "{lib}");
    }
}

#[test]
fn tags_get_one_feature_each_and_never_take_a_features_name() {
    let spec = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a: {get: {operationId: a, tags: [default], responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/A"}}}}}}}
  /b: {get: {operationId: b, tags: [Tracing], responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Shared"}}}}}}}
  /c: {get: {operationId: c, tags: [Pets], responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Shared"}}}}}}}
components:
  schemas:
    A: {type: object, properties: {s: {$ref: "#/components/schemas/Shared"}}}
    Shared: {type: object, properties: {x: {type: string}}}
    Unused: {type: object, properties: {y: {type: string}}}
"##;
    let generated = tests::generate_fixture("tags.yaml", spec).unwrap();
    let cargo = &generated.files["Cargo.toml"];
    assert!(
        cargo.contains("default = [\"default-tag\", \"pets\", \"tracing-tag\", \"other-types\", \"rustls\"]"),
        "{cargo}"
    );
    assert_features_once(
        cargo,
        &["default-tag = []", "tracing-tag = []", "pets = []", "other-types = []", "tracing = [\"runtime/tracing\"]"],
    );
    let types: String = generated.files["src/types/mod.rs"].split_whitespace().collect();
    // `Shared` compiles with any tag that reaches it, `A` with its own, `Unused` with `other-types`.
    assert!(types.contains(r#"#[cfg(any(feature="default-tag",feature="pets",feature="tracing-tag"))]"#), "{types}");
    assert!(types.contains(r#"#[cfg(feature="default-tag")]"#));
    assert!(types.contains(r#"#[cfg(feature="other-types")]"#));
}

/// Each of `features` (`name = [..]`) is a line of the manifest's, exactly once.
fn assert_features_once(cargo: &str, features: &[&str]) {
    for feature in features {
        assert_eq!(cargo.matches(&format!("\n{feature}\n")).count(), 1, "{feature} in {cargo}");
    }
}

#[test]
fn a_tag_turns_on_the_runtime_parts_its_operations_and_types_use() {
    // Downloads and raw uploads need the runtime's `streams`, multipart forms `multipart`,
    // event streams `event-streams`; a file in a type no operation reaches is `other-types`', one
    // in a JSON body (`format: binary`, a spec bug) its operation's.
    let tagged = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /plain: {get: {operationId: plain, tags: [plain], responses: {"200": {description: ok, content: {application/json: {schema: {type: string}}}}}}}
  /down: {get: {operationId: down, tags: [files], responses: {"200": {description: ok, content: {application/pdf: {schema: {type: string, format: binary}}}}}}}
  /config: {get: {operationId: config, tags: [config], responses: {"200": {description: a spec bug, content: {application/json: {schema: {type: string, format: binary}}}}}}}
  /up: {put: {operationId: up, tags: [uploads], requestBody: {content: {application/octet-stream: {schema: {type: string, format: binary}}}}, responses: {"204": {description: ok}}}}
  /form: {post: {operationId: form, tags: [forms], requestBody: {content: {multipart/form-data: {schema: {type: object, properties: {name: {type: string}}}}}}, responses: {"204": {description: ok}}}}
  /events: {get: {operationId: events, tags: [live], responses: {"200": {description: ok, content: {text/event-stream: {schema: {type: string}}}}}}}
components:
  schemas:
    Attachment: {type: object, properties: {content: {type: string, format: binary}}}
"##;
    let generated = tests::generate_fixture("parts.yaml", tagged).unwrap();
    let cargo = &generated.files["Cargo.toml"];
    assert_features_once(
        cargo,
        &[
            "plain = []",
            "config = [\"multipart\"]",
            "files = [\"streams\"]",
            "uploads = [\"streams\"]",
            "forms = [\"multipart\"]",
            "live = [\"event-streams\"]",
            "other-types = [\"multipart\"]",
            "multipart = [\"streams\", \"runtime/multipart\"]",
            "event-streams = [\"streams\", \"runtime/event-streams\"]",
        ],
    );
    // The runtime's crate turns reqwest's stream and multipart on with its own parts only.
    let runtime = &generated.files["runtime/Cargo.toml"];
    assert!(
        runtime.contains("features = [\"http2\"] }"),
        "reqwest's stream and multipart only with the parts: {runtime}"
    );
    assert_features_once(
        runtime,
        &[
            "multipart = [\"streams\", \"reqwest/multipart\"]",
            "streams = [\"reqwest/stream\", \"tokio/fs\", \"tokio/io-util\"]",
            "event-streams = [\"streams\"]",
        ],
    );
    assert!(cargo.contains(
        "default = [\"config\", \"files\", \"forms\", \"live\", \"plain\", \"uploads\", \"other-types\", \"rustls\"]"
    ));

    // Without tags the parts used are default features, and turning one off is an error that
    // says which.
    let untagged = tagged.replace("tags: [files]", "tags: [plain]").replace("tags: [uploads]", "tags: [plain]");
    let untagged = untagged.replace("tags: [forms]", "tags: [plain]").replace("tags: [live]", "tags: [plain]");
    let untagged = untagged.replace("tags: [config]", "tags: [plain]");
    let generated = tests::generate_fixture("parts-untagged.yaml", &untagged).unwrap();
    let cargo = &generated.files["Cargo.toml"];
    assert!(cargo.contains("default = [\"event-streams\", \"multipart\", \"rustls\"]"), "{cargo}");
    let lib = &generated.files["src/lib.rs"];
    for part in ["event-streams", "multipart"] {
        assert!(lib.contains(&format!("#[cfg(not(feature = \"{part}\"))]")), "{part} in {lib}");
    }
    // A spec that uses none of them compiles none: no feature turns them on.
    let plain = untagged.split("\n  /down").next().unwrap().to_owned();
    let generated = tests::generate_fixture("parts-plain.yaml", &plain).unwrap();
    let cargo = &generated.files["Cargo.toml"];
    assert!(cargo.contains("default = [\"rustls\"]"), "{cargo}");
    assert!(!generated.files["src/lib.rs"].contains("compile_error!"));
}

#[test]
fn oauth2_flows_become_the_defaults_of_runtime_oauth2() {
    // 3.0: the scheme the spec requires first; a relative token URL stays relative (the runtime
    // resolves it against the base URL the client is built with, not the spec's first server).
    let spec = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://api.example.com/v2"}]
security: [{oauth: [pets:read]}]
paths: {}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: x-key}
    oauth:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: /oauth/token, scopes: {pets:read: Read pets, pets:write: Write pets}}
        authorizationCode:
          authorizationUrl: https://auth.example.com/authorize
          tokenUrl: https://auth.example.com/token
          scopes: {profile: The profile}
"##;
    let lib: String =
        tests::generate_fixture("oauth.yaml", spec).unwrap().files["runtime/src/lib.rs"].split_whitespace().collect();
    assert!(
        lib.contains(
            r#"client_credentials:Some(OAuth2Flow{token_url:"/oauth/token",scopes:&["pets:read","pets:write"],}),"#
        ),
        "{lib}"
    );
    assert!(lib.contains(r#"authorization_code:Some(OAuth2Flow{token_url:"https://auth.example.com/token",scopes:&["profile"],}),password:None,"#), "{lib}");

    // Swagger 2.0: one flow per scheme, carried over (`application` is client credentials).
    let swagger = r##"
swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.com
paths: {}
securityDefinitions:
  oauth: {type: oauth2, flow: application, tokenUrl: "https://auth.example.com/token", scopes: {read: Read}}
"##;
    let lib: String = tests::generate_fixture("oauth2.yaml", swagger).unwrap().files["runtime/src/lib.rs"]
        .split_whitespace()
        .collect();
    assert!(
        lib.contains(
            r#"client_credentials:Some(OAuth2Flow{token_url:"https://auth.example.com/token",scopes:&["read"],}),"#
        ),
        "{lib}"
    );

    // No OAuth2: no defaults (`OAuth2::build` then asks for a token URL).
    let none =
        tests::generate_fixture("none.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap();
    let lib: String = none.files["runtime/src/lib.rs"].split_whitespace().collect();
    assert!(lib.contains("client_credentials:None,authorization_code:None,password:None,"), "{lib}");
}

/// A cycle through the properties an allOf copies from its `$ref`'d part (`A: allOf [B, ..]`,
/// `B.x: allOf [A, ..]`) ends in the type being lowered, boxed; it used to run into the depth
/// guard ("schemas nest deeper than 64 levels", at a node that was not the cause).
#[test]
fn a_cycle_through_all_of_copies_ends_in_a_box() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      allOf:\n        - $ref: '#/components/schemas/B'\n        - {type: object, properties: {a: {type: string}}}\n    B:\n      type: object\n      properties:\n        x:\n          allOf:\n            - $ref: '#/components/schemas/A'\n            - {type: object, properties: {y: {type: integer}}}\n";
    let generated = tests::generate_fixture("cycle.yaml", spec).unwrap_or_else(|e| panic!("{e}"));
    let types = &generated.files["src/types/mod.rs"];
    assert!(types.contains("pub x: Option<Box<AX>>"), "{types}");
    assert!(generated.warnings.iter().all(|w| w.kind == generator::Kind::NoServers), "{:?}", generated.warnings);
}

/// A vendor's spec shaped by its users (`tests/fixtures/shaping/`): an Overlay 1.1 with
/// `update`, `remove` and `copy`, and a configuration that renames operations, a field, a
/// variant and a group, replaces a schema by the program's type, maps a format and adds derives.
#[test]
fn shaping() {
    let (root, files) = tests::split_fixture_files("shaping");
    let config_path = "tests/fixtures/shaping/openapi-rust-gen.toml";
    let settings = generator::config::parse(config_path, &files[config_path]).unwrap_or_else(|e| panic!("{e}"));
    let overlays = settings.overlays.iter().map(|overlay| format!("tests/fixtures/shaping/{overlay}")).collect();
    let config = generator::Config { overlays, settings, ..tests::fixture_config(&root) };
    let mut sources = generator::bundle::Sources::in_memory(root, files);
    let generated = generator::generate_from(&mut sources, &config).unwrap_or_else(|e| panic!("{e}"));
    let api = api_text(&generated);
    for expected in [
        "pub type Money = money::Money;",
        "pub placed_at: time::OffsetDateTime,",
        "pub serial: Option<i64>,",
        "#[non_exhaustive]\npub struct Order {",
        "#[doc(alias = \"shop\")]\n#[non_exhaustive]\npub enum Status {",
        "crate::time_format::Rfc3339",
        "    Sent,",
        "pub fn get_order(",
        "pub struct ShopApi",
        "#[derive(Hash, Eq)]",
        "pub city: Option<String>,",
    ] {
        assert!(api.contains(expected), "{expected}");
    }
    assert!(!api.contains("debug"), "the Overlay removed the internal operation");
    assert!(generated.files["Cargo.toml"].contains("money = { path = \""));
    assert!(generated.files["Cargo.toml"].contains(r#"time = { version = "0.3""#));
    assert!(generated.files.contains_key("src/time_format.rs"));
    assert!(generated.files["Cargo.toml"].contains("default = [\"rustls\", \"tracing\"]\n"));
    let [warning] = generated.warnings.as_slice() else { panic!("{:?}", generated.warnings) };
    assert_eq!(warning.file, "tests/fixtures/shaping/fixes.overlay.yaml");
    let report = generator::diagnostic::Report::with_files(sources.root_text(), sources.files(), false);
    assert_eq!(report.position(warning).map(|p| (p.line, p.column)), Some((18, 5)));
    insta::assert_snapshot!("fixture__shaping", api);

    // A default feature the crate does not have: an error at its line, naming those it has.
    let mut settings = config.settings.clone();
    settings.default_features = Some(vec!["pets".to_owned()]);
    let config = generator::Config { settings, ..config };
    let mut sources = generator::bundle::Sources::in_memory(config.spec_path.clone(), sources.files().clone());
    let error = generator::generate_from(&mut sources, &config).unwrap_err();
    assert_eq!(error.file, config_path);
    assert!(error.message.contains("no feature \"pets\"") && error.message.contains("rustls"), "{error}");
    assert_eq!(error.location, generator::Location::Text { line: 5, column: 1 }, "{error}");
}

/// A list with `limit` and `skip` whose response declares `X-Total-Count` stops paging at the
/// total (not one request later, when the total is a multiple of the limit).
#[test]
fn paging_stops_at_a_declared_x_total_count() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    get:\n      operationId: listItems\n      parameters:\n        - {name: limit, in: query, schema: {type: integer, format: int64}}\n        - {name: skip, in: query, schema: {type: integer, format: int64}}\n      responses:\n        '200':\n          description: ok\n          headers:\n            X-Total-Count: {schema: {type: integer, format: int64}}\n          content:\n            application/json:\n              schema: {type: array, items: {type: string}}\n";
    let generated = tests::generate_fixture("pages.yaml", spec).unwrap_or_else(|e| panic!("{e}"));
    let operations: String = generated
        .files
        .iter()
        .filter(|(path, _)| path.contains("operations/"))
        .map(|(_, text)| text.as_str())
        .collect();
    let compact: String = operations.split_whitespace().collect();
    assert!(compact.contains("page.headers().ok().and_then(|headers|headers.total_count)"), "{operations}");
}

/// A union of component types written in several places (FastAPI repeats `Cat | Dog` in every
/// model that holds it) is one type, so a value moves from one model to another as it is.
#[test]
fn a_union_of_components_written_twice_is_one_type() {
    let spec = r##"openapi: 3.1.0
info: {title: Pets, version: "1"}
paths: {}
components:
  schemas:
    Cat:
      type: object
      required: [kind]
      properties: {kind: {const: cat}, meows: {type: boolean}}
    Dog:
      type: object
      required: [kind]
      properties: {kind: {const: dog}, good: {type: boolean}}
    Pet:
      type: object
      required: [details]
      properties:
        details:
          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
          discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}}
    PetCreate:
      type: object
      required: [details]
      properties:
        details:
          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
          discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}}
        others:
          type: array
          items:
            oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
            discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}}
        either:
          anyOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
"##;
    let generated = tests::generate_fixture("union_twice", spec).unwrap_or_else(|e| panic!("{e}"));
    let api = api_text(&generated);
    assert_eq!(api.matches("pub enum PetDetails").count(), 1, "{api}");
    assert!(!api.contains("PetCreateDetails") && !api.contains("PetCreateOthersItem"), "{api}");
    assert!(api.contains("pub details: PetDetails,"), "{api}");
    assert!(api.contains("pub others: Option<Vec<PetDetails>>,"), "{api}");
    // Another union of the same components, without the discriminator, is another type.
    assert!(api.contains("pub either: Option<PetCreateEither>,"), "{api}");
}

/// A large API in small files (`tests/fixtures/many_operations.yaml`, compiled by CI like every
/// fixture): 70 operations of one tag in files by verb, 24 wide schemas in files by their
/// names' first word, every path as before (re-exported).
#[test]
fn a_large_api_is_split_into_files_by_stable_rules() {
    let text = std::fs::read_to_string(tests::root().join("tests/fixtures/many_operations.yaml")).unwrap();
    let generated = tests::generate_fixture("many_operations.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    let files: Vec<&str> = generated.files.keys().map(String::as_str).collect();
    for expected in [
        "src/operations/shop.rs",
        "src/operations/shop/get.rs",
        "src/operations/shop/list.rs",
        "src/operations/shop/create.rs",
        "src/types/order.rs",
        "src/types/invoice.rs",
    ] {
        assert!(files.contains(&expected), "{expected} in {files:?}");
    }
    let group = &generated.files["src/operations/shop.rs"];
    assert!(group.contains("mod get;\n\npub use self::get::*;"), "{group}");
    let get = &generated.files["src/operations/shop/get.rs"];
    assert!(
        get.contains("pub struct GetOrder0<'c>") && get.contains("pub struct GetOrder0OkBody"),
        "the operation's own types go with it"
    );
    assert!(!get.contains("pub struct ListOrder1"), "{get}");
    assert!(generated.files["src/types/order.rs"].contains("pub struct Order11 {"));
    assert!(generated.files["src/types/mod.rs"].contains("pub use self::order::*;"));
    let largest = generated.files.values().map(|text| text.lines().count()).max().unwrap();
    assert!(largest < 5_000, "{largest}");
}

/// A group of few operations whose own types are huge (Microsoft Graph's `$select` enums of
/// hundreds of values per operation) is split by its estimated size, not only by its count; the
/// group's methods go with their operations into the parts' files.
#[test]
fn a_group_of_few_but_huge_operations_is_split_by_size() {
    let values: Vec<String> = (0..600).map(|i| format!("field{i}")).collect();
    let mut spec = String::from("openapi: 3.0.3\ninfo: {title: Huge, version: '1'}\npaths:\n");
    for (verb, noun) in [("get", "user"), ("list", "users"), ("get", "group"), ("list", "groups"), ("delta", "users")] {
        spec.push_str(&format!(
            "  /{noun}/{verb}:\n    get:\n      operationId: {verb}_{noun}\n      tags: [directory]\n      parameters:\n\
             \x20       - {{name: $select, in: query, schema: {{type: array, items: {{type: string, enum: [{}]}}}}}}\n\
             \x20     responses:\n        '200': {{description: ok}}\n",
            values.join(", ")
        ));
    }
    let generated = tests::generate_fixture("huge_operations.yaml", &spec).unwrap_or_else(|e| panic!("{e}"));
    let parts: Vec<&str> = generated
        .files
        .keys()
        .map(String::as_str)
        .filter(|path| path.starts_with("src/operations/directory/"))
        .collect();
    assert!(parts.len() >= 2, "five operations of ~3,000 estimated lines each are split: {parts:?}");
    let group = &generated.files["src/operations/directory.rs"];
    assert!(!group.contains("pub fn get_user"), "the methods are in the parts: {group}");
    let get =
        generated.files.iter().find(|(_, text)| text.contains("pub struct GetUser<'c>")).expect("a part with GetUser");
    assert!(get.1.contains("impl<'c> DirectoryApi<'c> {") && get.1.contains("pub fn get_user("), "{}", get.0);
    let largest = generated.files.values().map(|text| text.lines().count()).max().unwrap();
    assert!(largest < 12_000, "{largest}");
}
