//! The installed command as a user runs it: exit codes, messages with file:line:column and the
//! source line, JSON messages, `--check`, `diff`, `--help`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn command(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-rust-gen")).args(args).output().expect("run openapi-rust-gen")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("openapi-rust-gen-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const PETS: &str = r#"openapi: 3.0.0
info:
  title: Pets
  version: "1"
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
      responses:
        "200":
          description: A pet.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pett'
components:
  schemas:
    Pet:
      type: object
      properties:
        name:
          type: string
"#;

#[test]
fn generates_checks_and_reports_with_line_and_column() {
    let dir = scratch("generate");
    let spec = write(&dir, "pets.yaml", PETS);
    let out = dir.join("pets-client").display().to_string();

    let first = command(&["generate", &spec, "-o", &out]);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let stderr = String::from_utf8_lossy(&first.stderr);
    // The warning names the file, line and column, shows the line with a marker, keeps the
    // pointer and suggests the schema that exists.
    assert!(stderr.contains(&format!("{spec}:21:17")), "{stderr}");
    assert!(stderr.contains("21 |                 $ref: '#/components/schemas/Pett'"), "{stderr}");
    assert!(stderr.contains("^^^^"), "{stderr}");
    assert!(stderr.contains("did you mean `#/components/schemas/Pet`?"), "{stderr}");
    assert!(stderr.contains("at #/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema/$ref"));
    assert!(!stderr.contains("\x1b["), "no colour when not on a terminal");
    let cargo_toml = std::fs::read_to_string(dir.join("pets-client/Cargo.toml")).unwrap();
    assert!(cargo_toml.contains("name = \"pets-client\""), "{cargo_toml}");
    assert!(cargo_toml.contains("openapi-rust-gen generate"), "the files name the command that made them");

    // Up to date: --check passes; a changed file makes it fail with exit code 3.
    assert_eq!(command(&["generate", &spec, "-o", &out, "--check"]).status.code(), Some(0));
    std::fs::write(dir.join("pets-client/src/lib.rs"), "// @generated, edited by hand\n").unwrap();
    assert_eq!(command(&["generate", &spec, "-o", &out, "--check"]).status.code(), Some(3));

    // --strict refuses the spec bug: exit code 1, an error at the same place.
    let strict = command(&["generate", &spec, "-o", &out, "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert!(stderr.starts_with("error[dangling-ref]"), "{stderr}");
    assert!(stderr.contains(&format!("{spec}:21:17")), "{stderr}");
    // Files are written as they are made, but a refused spec writes none.
    let fresh = dir.join("strict-client");
    let strict = command(&["generate", &spec, "-o", &fresh.display().to_string(), "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(!fresh.join("src").exists(), "--strict refused the spec but wrote files");

    // For tools: one JSON object per message.
    let json = command(&["generate", &spec, "-o", &out, "--message-format", "json"]);
    let line = String::from_utf8_lossy(&json.stderr).lines().next().unwrap_or_default().to_owned();
    let message: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!((message["line"].as_u64(), message["column"].as_u64()), (Some(21), Some(17)));
    assert_eq!(message["kind"], "dangling-ref");
    assert_eq!(message["level"], "warning");
}

#[test]
fn a_json_spec_with_a_syntax_error_and_usage_errors() {
    let dir = scratch("json");
    let spec = write(
        &dir,
        "broken.json",
        "{\n  \"openapi\": \"3.0.0\",\n  \"info\": {\"title\": \"x\" \"version\": \"1\"}\n}\n",
    );
    let output = command(&["generate", &spec, "-o", &dir.join("out").display().to_string()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{spec}:3:")), "{stderr}");
    assert!(stderr.contains("3 |   \"info\": {\"title\": \"x\" \"version\": \"1\"}"), "{stderr}");

    assert_eq!(command(&["generate"]).status.code(), Some(2));
    // A crate name cargo would refuse is a usage error that says the rule.
    let name = command(&["generate", &spec, "-o", "x", "--crate-name", "ho-kubernetes-1.13"]);
    assert_eq!(name.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&name.stderr);
    assert!(stderr.contains("invalid crate name \"ho-kubernetes-1.13\": '.' is not allowed"), "{stderr}");
    assert_eq!(command(&["generate", &spec, "-o", "x", "--crate-version", "1.2"]).status.code(), Some(2));
    assert_eq!(command(&["frobnicate"]).status.code(), Some(2));
    let missing = command(&["generate", "/nonexistent/spec.yaml", "-o", "x"]);
    assert_eq!(missing.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent/spec.yaml"));
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let help = command(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("Examples:") && text.contains("Exit codes:") && text.contains("generate"), "{text}");
    let version = command(&["--version"]);
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("openapi-rust-gen "));
}

#[test]
fn diff_reports_what_changes_for_users() {
    let dir = scratch("diff");
    let old = write(&dir, "old.yaml", &PETS.replace("Pett", "Pet"));
    let new_spec = PETS
        .replace("Pett", "Pet")
        .replace("        name:\n          type: string\n", "        name:\n          type: integer\n");
    let new = write(&dir, "new.yaml", &new_spec);
    let output = command(&["diff", &old, &new]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Breaking") || text.contains("breaking"), "{text}");
    assert!(text.contains("name"), "{text}");
    let json = command(&["diff", &old, &new, "--json"]);
    assert!(serde_json::from_slice::<serde_json::Value>(&json.stdout).is_ok());
}

#[test]
fn diff_reads_each_sides_configuration_and_overlays() {
    // The same spec twice; only the team's configuration and Overlay changed: what users of
    // the crate see change is reported.
    let dir = scratch("diff-config");
    let spec = PETS.replace("Pett", "Pet");
    std::fs::create_dir_all(dir.join("old")).unwrap();
    std::fs::create_dir_all(dir.join("new")).unwrap();
    let old = write(&dir.join("old"), "openapi.yaml", &spec);
    let new = write(&dir.join("new"), "openapi.yaml", &spec);
    write(&dir.join("old"), "openapi-rust-gen.toml", "[names]\ntypes = { Pet = \"Animal\" }\n");
    write(
        &dir.join("new"),
        "openapi-rust-gen.toml",
        "overlays = [\"fix.yaml\"]\n[names]\ntypes = { Pet = \"Beast\" }\noperations = { getPet = \"fetch_pet\" }\n",
    );
    write(
        &dir.join("new"),
        "fix.yaml",
        "overlay: 1.0.0\ninfo: {title: fix, version: '1'}\nactions:\n  - target: $.components.schemas.Pet.properties\n    update:\n      age: {type: integer}\n",
    );
    let output = command(&["diff", &old, &new]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}{}", String::from_utf8_lossy(&output.stderr));
    for expected in ["Animal", "Beast", "fetch_pet", "age"] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    // Without the configurations the two sides are the same.
    let none = write(&dir, "none.toml", "");
    let same = command(&["diff", &old, &new, "--old-config", &none, "--new-config", &none, "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&same.stdout).unwrap();
    assert_eq!(report["changes"], serde_json::json!([]), "{report}");
    // A mistake in a side's configuration is located in it.
    let bad = write(&dir, "bad.toml", "[names]\ntype = {}\n");
    let output = command(&["diff", &old, &new, "--new-config", &bad]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.toml:2:1") && stderr.contains("types"), "{stderr}");
}

#[test]
fn a_swagger_2_node_is_reported_where_the_user_wrote_it() {
    // Normalization moves `definitions` to `components/schemas`; the message points at the
    // 2.0 document's own line.
    let dir = scratch("swagger");
    let spec = write(
        &dir,
        "pets.json",
        r##"{
  "swagger": "2.0",
  "info": {"title": "Pets", "version": "1"},
  "paths": {},
  "definitions": {
    "Pet": {
      "type": "object",
      "properties": {
        "owner": {"$ref": "#/definitions/Ownr"}
      }
    },
    "Owner": {"type": "object"}
  }
}
"##,
    );
    let output = command(&["generate", &spec, "-o", &dir.join("out").display().to_string()]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{spec}:9:19")), "{stderr}");
    assert!(stderr.contains("at #/definitions/Pet/properties/owner/$ref"), "{stderr}");
    assert!(stderr.contains("did you mean `#/definitions/Owner`?"), "{stderr}");
}

/// Copies the split fixture (`tests/fixtures/split/`) into `dir`.
fn copy_split_fixture(dir: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/split"), dir);
}

#[test]
fn a_spec_split_over_files_generates_checks_and_bundles() {
    let dir = scratch("split");
    copy_split_fixture(&dir.join("api"));
    let spec = dir.join("api/openapi.yaml").display().to_string();
    let out = dir.join("client").display().to_string();
    let first = command(&["generate", &spec, "-o", &out]);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let types = std::fs::read_to_string(dir.join("client/src/types/mod.rs")).unwrap();
    for wanted in ["pub struct Pet {", "pub struct Owner {", "pub pets: Option<Vec<Pet>>", "pub struct NotFound {"] {
        assert!(types.contains(wanted), "{wanted} in {types}");
    }
    assert_eq!(command(&["generate", &spec, "-o", &out, "--check"]).status.code(), Some(0));

    // A change in a referenced file, two folders down, makes the crate stale.
    let owner = dir.join("api/schemas/common/owner.yaml");
    let text = std::fs::read_to_string(&owner).unwrap();
    std::fs::write(
        &owner,
        text.replace("  name:\n    type: string\n", "  name:\n    type: string\n  age:\n    type: integer\n"),
    )
    .unwrap();
    let stale = command(&["generate", &spec, "-o", &out, "--check"]);
    assert_eq!(stale.status.code(), Some(3), "{}", String::from_utf8_lossy(&stale.stderr));

    // A spec bug in a referenced file: the warning names that file, line and column.
    std::fs::write(&owner, text.replace("$ref: '../pet.yaml'", "$ref: '../pet.yaml#/properties/nam'")).unwrap();
    let bad = command(&["generate", &spec, "-o", &out]);
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    let owner_path = owner.display().to_string();
    assert!(stderr.contains(&format!("{owner_path}:10:7")), "{stderr}");
    assert!(stderr.contains("$ref: '../pet.yaml#/properties/nam'"), "{stderr}");
    std::fs::write(&owner, &text).unwrap();

    // `bundle`: one self-contained document, which generates the same crate.
    let bundled = dir.join("bundled.yaml").display().to_string();
    let output = command(&["bundle", &spec, "-o", &bundled]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("bundled 9 files"));
    let document = std::fs::read_to_string(&bundled).unwrap();
    assert!(!document.contains(".yaml'") && !document.contains(".json'"), "no reference to a file is left: {document}");
    let from_bundle = dir.join("from-bundle").display().to_string();
    assert_eq!(command(&["generate", &bundled, "-o", &from_bundle]).status.code(), Some(0));
    let again = std::fs::read_to_string(dir.join("from-bundle/src/types/mod.rs")).unwrap();
    let body = |text: &str| text.split_once("\n\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    assert_eq!(body(&again), body(&std::fs::read_to_string(dir.join("client/src/types/mod.rs")).unwrap()));
}

/// Serves `files` over HTTP on loopback (one thread, `Connection: close`); returns the base URL
/// and a count of the requests served.
fn serve(files: Vec<(&'static str, String)>) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let served = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            let path = request.split_whitespace().nth(1).unwrap_or("").to_owned();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            served.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut stream = stream;
            match files.iter().find(|(name, _)| *name == path) {
                Some((_, body)) => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
                None => {
                    let _ = write!(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                }
            }
        }
    });
    (base, count)
}

#[test]
fn remote_references_are_read_only_when_asked() {
    let pet = "type: object\nproperties:\n  name: {type: string}\n  tag: {$ref: 'common.yaml#/Tag'}\n".to_owned();
    let common = "Tag: {type: string}\n".to_owned();
    let (base, served) = serve(vec![("/schemas/pet.yaml", pet), ("/schemas/common.yaml", common)]);
    let dir = scratch("remote");
    let spec = write(
        &dir,
        "openapi.yaml",
        &format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Pet:\n      $ref: '{base}/schemas/pet.yaml'\n"
        ),
    );
    let out = dir.join("client").display().to_string();
    let refused = command(&["generate", &spec, "-o", &out]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("not fetched unless asked (`--allow-remote-refs`)"), "{stderr}");
    assert!(stderr.contains(&format!("{spec}:7:7")), "the referring node: {stderr}");
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 0, "nothing was fetched");

    let allowed = command(&["generate", &spec, "-o", &out, "--allow-remote-refs"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", String::from_utf8_lossy(&allowed.stderr));
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 2, "each document fetched once");
    let types = std::fs::read_to_string(dir.join("client/src/types/mod.rs")).unwrap();
    assert!(types.contains("pub tag: Option<Tag>") && types.contains("pub type Tag = String;"), "{types}");

    // A remote file that is not there: an error at the reference.
    std::fs::write(&spec, std::fs::read_to_string(&spec).unwrap().replace("pet.yaml", "gone.yaml")).unwrap();
    let missing = command(&["generate", &spec, "-o", &out, "--allow-remote-refs"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("404"), "{}", String::from_utf8_lossy(&missing.stderr));
}

#[test]
fn a_configuration_beside_the_spec_shapes_the_client_and_its_mistakes_are_located() {
    let dir = scratch("config");
    let spec = write(&dir, "pets.yaml", &PETS.replace("Pett", "Pet"));
    let out = dir.join("client").display().to_string();
    write(
        &dir,
        "openapi-rust-gen.toml",
        "name = \"shaped-pets\"\n\n[names]\noperations = { getPet = \"fetch_pet\" }\n",
    );
    let shaped = command(&["generate", &spec, "-o", &out]);
    assert_eq!(shaped.status.code(), Some(0), "{}", String::from_utf8_lossy(&shaped.stderr));
    let operations = std::fs::read_to_string(dir.join("client/src/operations/default.rs")).unwrap();
    assert!(operations.contains("pub fn fetch_pet("), "{operations}");
    assert!(std::fs::read_to_string(dir.join("client/Cargo.toml")).unwrap().contains("name = \"shaped-pets\""));

    // A misspelt key: a usage error at its line, with the key meant.
    let config =
        write(&dir, "openapi-rust-gen.toml", "name = \"shaped-pets\"\n\n[names]\noperation = { getPet = \"x\" }\n");
    let bad = command(&["generate", &spec, "-o", &out]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains(&format!("{config}:4:1")), "{stderr}");
    assert!(stderr.contains("unknown field `operation`") && stderr.contains("did you mean `operations`?"), "{stderr}");
    std::fs::remove_file(&config).unwrap();

    // An Overlay whose target matches nothing: a warning at the overlay's line.
    let overlay = write(
        &dir,
        "fix.yaml",
        "overlay: 1.0.0\ninfo: {title: fix, version: '1'}\nactions:\n  - target: $.info\n    update: {description: Fixed.}\n  - target: $.components.schemas.Cat\n    remove: true\n",
    );
    let fixed = command(&["generate", &spec, "-o", &out, "--overlay", &overlay]);
    assert_eq!(fixed.status.code(), Some(0), "{}", String::from_utf8_lossy(&fixed.stderr));
    let stderr = String::from_utf8_lossy(&fixed.stderr);
    assert!(stderr.contains("warning[overlay-target]") && stderr.contains(&format!("{overlay}:6:5")), "{stderr}");
    assert!(std::fs::read_to_string(dir.join("client/src/lib.rs")).unwrap().contains("Fixed."));
}

#[test]
fn bundle_applies_overlays_for_the_document_a_client_is_generated_from() {
    let dir = scratch("bundle-overlay");
    let spec = write(&dir, "openapi.yaml", &PETS.replace("Pett", "Pet"));
    let fix = write(
        &dir,
        "fix.yaml",
        "overlay: 1.0.0\ninfo: {title: fix, version: '1'}\nactions:\n  - target: $.components.schemas.Pet.properties.name\n    update: {type: integer}\n  - target: $.nothing\n    remove: true\n",
    );
    let out = dir.join("bundled.json").display().to_string();
    let output = command(&["bundle", &spec, "--overlay", &fix, "-o", &out]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let bundled: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(bundled["components"]["schemas"]["Pet"]["properties"]["name"]["type"], "integer");
    // The action that matches nothing: a warning at its line in the overlay.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("fix.yaml:6:") && stderr.contains("matches nothing"), "{stderr}");
    let missing = command(&["bundle", &spec, "--overlay", "/nonexistent/fix.yaml", "-o", &out]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read the overlay"));
}
