//! `openapi-rust-gen`: OpenAPI 3.0, 3.1, 3.2 and Swagger 2.0 documents (in one file or many) to typed async Rust client crates.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use openapi_rust_gen_cli::{exit, GenerateOptions, MessageFormat};

// The generator allocates many small nodes; mimalloc makes large documents markedly faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: &str = "\
Examples:
  openapi-rust-gen generate petstore.yaml -o petstore-client
  openapi-rust-gen generate openapi.json -o crates/api --crate-name acme-api --operations tag:Users,getPet
  openapi-rust-gen generate openapi.json -o crates/api --check      # in CI: fails if the crate is stale
  openapi-rust-gen diff old/openapi.json new/openapi.json           # what changes for the crate's users
  openapi-rust-gen bundle api/openapi.yaml -o bundled.yaml          # a spec split over files, as one file
  openapi-rust-gen generate openapi.json -o client --overlay fixes.yaml   # a vendor's spec fixed by an Overlay

Exit codes:
  0  generated (maybe with warnings), up to date, or the diff printed
  1  the spec cannot be generated: an error in it, or a spec bug that --strict refuses
  2  wrong usage
  3  --check: the output is not what the spec generates
  4  a file could not be read or written";

#[derive(Parser)]
#[command(name = "openapi-rust-gen", version, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generates a standalone client crate (Cargo.toml, src/) from a spec (YAML or JSON).
    #[command(after_help = EXAMPLES)]
    Generate {
        /// The OpenAPI 3.0, 3.1 or 3.2 or Swagger 2.0 document (the root, when it is split over files).
        spec: PathBuf,
        /// The directory of the crate; created if needed. Generated files are replaced, files
        /// you add (examples, tests) are kept.
        #[arg(short, long)]
        out: PathBuf,
        /// The crate's name [default: the spec file's name and `-client`].
        #[arg(long, value_parser = crate_name)]
        crate_name: Option<String>,
        /// The crate's version.
        #[arg(long, default_value = "0.1.0", value_parser = crate_version)]
        crate_version: String,
        /// Only these operations: comma-separated operationIds and `tag:<Tag>` items.
        #[arg(long, value_name = "SELECTION")]
        operations: Option<String>,
        /// Writes nothing; fails (exit code 3) if the crate in OUT differs from what the spec
        /// generates.
        #[arg(long)]
        check: bool,
        /// Refuses a spec with bugs (exit code 1) instead of generating it best-effort with a
        /// warning per bug.
        #[arg(long)]
        strict: bool,
        /// How many warnings to show: a few of each kind and a count, or all.
        #[arg(long, value_enum, default_value_t = Warnings::Summary)]
        warnings: Warnings,
        /// `human`: file:line:column and the source line (colour on a terminal); `json`: one
        /// object per line on stderr, for tools.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        message_format: Format,
        /// Reads `$ref`s to `http://` and `https://` documents (never fetched without this).
        #[arg(long)]
        allow_remote_refs: bool,
        /// The configuration file (names, types, overlays) [default: `openapi-rust-gen.toml`
        /// beside the spec, if there is one].
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// An Overlay document (1.0 or 1.1) applied to the spec before generation, after the
        /// configuration's; repeatable, applied in order.
        #[arg(long = "overlay", value_name = "FILE")]
        overlays: Vec<PathBuf>,
    },
    /// Writes a document split over files as one self-contained document: every file its
    /// `$ref`s reach gathered into `components`, the references rewritten.
    Bundle {
        /// The root document.
        spec: PathBuf,
        /// The file to write (JSON if it ends in `.json`, YAML otherwise).
        #[arg(short, long)]
        out: PathBuf,
        /// Reads `$ref`s to `http://` and `https://` documents (never fetched without this).
        #[arg(long)]
        allow_remote_refs: bool,
        /// An Overlay document applied to the bundle (repeatable, in order): the document a
        /// client is generated from, e.g. for a mock server.
        #[arg(long = "overlay", value_name = "FILE")]
        overlays: Vec<PathBuf>,
        /// `human` or `json` messages.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        message_format: Format,
    },
    /// Compares two versions of a spec: what changes for users of the generated crate, breaking
    /// or not, and the semver bump it calls for.
    Diff {
        /// The older spec.
        old: PathBuf,
        /// The newer spec.
        new: PathBuf,
        /// JSON instead of Markdown.
        #[arg(long)]
        json: bool,
        /// The older spec's configuration (default: `openapi-rust-gen.toml` beside it, if any).
        #[arg(long, value_name = "FILE")]
        old_config: Option<PathBuf>,
        /// The newer spec's configuration (default: `openapi-rust-gen.toml` beside it, if any).
        #[arg(long, value_name = "FILE")]
        new_config: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Warnings {
    Summary,
    All,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// mimalloc's `mi_option_purge_delay`: its position in `mi_option_e`, the same in mimalloc 2
/// and 3.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tunes memory for a short-lived process that frees and allocates token streams and syntax
/// trees all the time: freed memory stays with mimalloc for reuse instead of going back to the
/// system after its purge delay, and (on Linux) no transparent huge pages. Each page given
/// back was faulted in and zeroed again, 2 MiB at a time for a huge one: on GitHub's spec 14%
/// of the CPU time was the kernel zeroing pages; with both settings the system time roughly
/// halves and the peak is 15% lower.
fn tune_memory() {
    // SAFETY: a plain integer option, set before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    // SAFETY: `prctl` with integer arguments; it only sets a flag of this process (ignored by
    // a kernel without the option).
    #[cfg(target_os = "linux")]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    tune_memory();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { exit::USAGE } else { exit::OK });
        }
    };
    let code = match cli.command {
        Command::Generate {
            spec,
            out,
            crate_name,
            crate_version,
            operations,
            check,
            strict,
            warnings,
            message_format,
            allow_remote_refs,
            config,
            overlays,
        } => {
            let mut command = format!("openapi-rust-gen generate {} -o {}", spec.display(), out.display());
            if let Some(name) = &crate_name {
                command.push_str(&format!(" --crate-name {name}"));
            }
            if crate_version != "0.1.0" {
                command.push_str(&format!(" --crate-version {crate_version}"));
            }
            if let Some(operations) = &operations {
                command.push_str(&format!(" --operations {operations}"));
            }
            if allow_remote_refs {
                command.push_str(" --allow-remote-refs");
            }
            if let Some(config) = &config {
                command.push_str(&format!(" --config {}", config.display()));
            }
            for overlay in &overlays {
                command.push_str(&format!(" --overlay {}", overlay.display()));
            }
            openapi_rust_gen_cli::generate(&GenerateOptions {
                spec,
                out,
                crate_name,
                crate_version,
                operations,
                check,
                strict,
                warnings: match warnings {
                    Warnings::Summary => generator_format(false),
                    Warnings::All => generator_format(true),
                },
                message_format: message_format.into(),
                allow_remote_refs,
                config,
                overlays,
                command,
            })
        }
        Command::Bundle { spec, out, allow_remote_refs, overlays, message_format } => {
            openapi_rust_gen_cli::bundle(&spec, &out, allow_remote_refs, &overlays, message_format.into())
        }
        Command::Diff { old, new, json, old_config, new_config } => {
            openapi_rust_gen_cli::diff(&old, &new, [old_config.as_deref(), new_config.as_deref()], json)
        }
    };
    ExitCode::from(code)
}

fn crate_name(text: &str) -> Result<String, String> {
    openapi_rust_gen::names::check_crate_name(text).map(|()| text.to_owned())
}

fn crate_version(text: &str) -> Result<String, String> {
    openapi_rust_gen::names::check_crate_version(text).map(|()| text.to_owned())
}

impl From<Format> for MessageFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Human => MessageFormat::Human,
            Format::Json => MessageFormat::Json,
        }
    }
}

fn generator_format(all: bool) -> openapi_rust_gen::WarningFormat {
    if all {
        openapi_rust_gen::WarningFormat::All
    } else {
        openapi_rust_gen::WarningFormat::Summary
    }
}
