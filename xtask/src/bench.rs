//! `cargo xtask bench [--compile]`: runs the benchmark binary in release mode; it prints a table
//! and writes BENCHMARKS.md.

use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::workspace_root;

pub fn run(args: &[String]) -> Result<ExitCode> {
    let status = Command::new(env!("CARGO"))
        .args(["run", "--release", "-q", "-p", "tests", "--bin", "bench", "--"])
        .args(args)
        .current_dir(workspace_root())
        .status()
        .context("cannot run cargo")?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
