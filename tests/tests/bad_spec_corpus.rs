//! The corpus of bad specs in `tests/bad-specs/`: each file has a `.expected` beside it with the
//! exact error (file, JSON pointer or line, message), or `ok` and the warnings. The generator must
//! never panic on them. `UPDATE_EXPECTED=1 cargo test` rewrites the expectations for review.

use std::panic::{catch_unwind, AssertUnwindSafe};

use tests::{generate_fixture, root};

fn outcome(name: &str, text: &str) -> String {
    match generate_fixture(name, text) {
        Ok(generated) => {
            let mut out = String::from("ok\n");
            for warning in &generated.warnings {
                out.push_str(&format!("warning: {warning}\n"));
            }
            out
        }
        Err(error) => format!("error: {error}\n"),
    }
}

#[test]
fn every_bad_spec_gives_its_expected_error_and_never_panics() {
    let dir = root().join("tests/bad-specs");
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .expect("read tests/bad-specs")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext != "expected"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 15, "the corpus is incomplete: {specs:?}");
    let update = std::env::var_os("UPDATE_EXPECTED").is_some();
    let mut mismatches = Vec::new();
    for path in &specs {
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        let name = format!("bad-specs/{file_name}");
        let text = std::fs::read_to_string(path).expect("read the spec");
        let actual = catch_unwind(AssertUnwindSafe(|| outcome(&name, &text)))
            .unwrap_or_else(|_| panic!("the generator panicked on {name}"));
        let expected_path = path.with_extension(format!("{}.expected", path.extension().unwrap().to_string_lossy()));
        if update {
            std::fs::write(&expected_path, &actual).expect("write the expectation");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| format!("(no {expected_path:?})"));
        if expected != actual {
            mismatches.push(format!("{name}\n  expected: {expected}  actual:   {actual}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
