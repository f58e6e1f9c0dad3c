//! The generation part of `cargo xtask bench`: prints its Markdown tables for `bench` to include.
//! With `--large`, the same stage tables for the huge documents (GitHub, Microsoft Graph).
//! Uses mimalloc, as `cargo xtask codegen` does (see the README).

use tests::root;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let root = root();
    let mut out = String::new();
    if std::env::args().any(|a| a == "--large") {
        // Where the time goes on the huge documents (skipping mittwald's, already above).
        for (name, path) in tests::bench::huge_documents().into_iter().skip(1) {
            tests::bench::generation(&name, &path, &mut out);
        }
        print!("{out}");
        return;
    }
    tests::bench::generation(
        "specs/mittwald-conversations.yaml",
        &root.join("specs/mittwald-conversations.yaml"),
        &mut out,
    );
    tests::bench::generation(
        "mittwald-v2-2026-08-21.json",
        &root.join("../shared/specs/mittwald-v2-2026-08-21.json"),
        &mut out,
    );
    print!("{out}");
}
