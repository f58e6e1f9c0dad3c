//! `cargo xtask bench [--compile]`: builds the benchmark binaries in release mode and runs
//! `bench`, which prints the tables and writes BENCHMARKS.md.

use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::workspace_root;

pub fn run(args: &[String]) -> Result<ExitCode> {
    // The benchmark binaries: `bench` runs its siblings `bench_generation` and `bench_streams`.
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "tests",
            "--bin",
            "bench",
            "--bin",
            "bench_generation",
            "--bin",
            "bench_streams",
        ])
        .current_dir(workspace_root())
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        return Ok(ExitCode::FAILURE);
    }
    let status = Command::new(env!("CARGO"))
        .args(["run", "--release", "-q", "-p", "tests", "--bin", "bench", "--"])
        .args(args)
        .current_dir(workspace_root())
        .status()
        .context("cannot run cargo")?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
