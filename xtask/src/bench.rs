//! `cargo xtask bench [--compile]`: builds the benchmark binaries in release mode and runs
//! `bench`, which prints the tables and writes BENCHMARKS.md.

use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::workspace_root;

pub fn run(args: &[String]) -> Result<ExitCode> {
    // `--smoke`: a debug build, for CI's check that every benchmark runs (it shares the test
    // build's artifacts; its figures mean nothing and the report says so).
    let smoke = args.iter().any(|a| a == "--smoke");
    let args: Vec<&String> = args.iter().filter(|a| *a != "--smoke").collect();
    let profile: &[&str] = if smoke { &[] } else { &["--release"] };
    // The benchmark binaries: `bench` runs its siblings `bench_generation` and `bench_streams`.
    let status = Command::new(env!("CARGO"))
        .arg("build")
        .args(profile)
        .args(["-q", "-p", "tests", "--bin", "bench", "--bin", "bench_generation", "--bin", "bench_streams"])
        .current_dir(workspace_root())
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        return Ok(ExitCode::FAILURE);
    }
    let status = Command::new(env!("CARGO"))
        .arg("run")
        .args(profile)
        .args(["-q", "-p", "tests", "--bin", "bench", "--"])
        .args(args)
        .env("BENCH_SMOKE", if smoke { "1" } else { "" })
        .current_dir(workspace_root())
        .status()
        .context("cannot run cargo")?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
