//! The generation part of `cargo xtask bench`: prints its Markdown tables for `bench` to include.
//! Uses mimalloc, as `cargo xtask codegen` does (see the README).

use tests::root;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let root = root();
    let mut out = String::new();
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
