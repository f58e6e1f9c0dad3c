//! `cargo xtask api-diff <old-spec> <new-spec> [--json]`: what changes for users of the
//! generated crate, as Markdown for a pull request or as JSON.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Result};

use crate::read;

pub const USAGE: &str = "usage: cargo xtask api-diff <old-spec> <new-spec> [--json]";

pub fn run(args: &[String]) -> Result<ExitCode> {
    let (paths, json): (Vec<&String>, bool) = {
        let json = args.iter().any(|a| a == "--json");
        (args.iter().filter(|a| *a != "--json").collect(), json)
    };
    let [old, new] = paths.as_slice() else { bail!("{USAGE}") };
    // The code of the installable `openapi-rust-gen diff`.
    Ok(ExitCode::from(openapi_rust_gen_cli::diff(Path::new(old), Path::new(new), [None, None], json)))
}

/// The report for the specs at `old` and `new`.
pub fn report(old: &str, new: &str) -> Result<generator::api_diff::Report> {
    let (old_text, new_text) = (read(Path::new(old))?, read(Path::new(new))?);
    Ok(generator::diff_specs(old, &old_text, new, &new_text)?)
}
