//! `cargo xtask bench [--compile]`: generation, decoding, encoding and request building, each
//! against a floor measured in the same run; writes BENCHMARKS.md. Run in release mode.
//!
//! This binary keeps the system allocator, as a program using the client would. Generation is
//! timed by its sibling `bench_generation`, which uses mimalloc like `cargo xtask codegen`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use mittwald_api_client::operations::conversation::{
    ListConversationsOrder, ListConversationsSort, ListConversationsStatus,
};
use mittwald_api_client::runtime::decode_json;
use mittwald_api_client::types::Conversation;
use tests::bench::{budget, median, median_of, ms, Table};
use tests::root;

fn decoding(out: &mut String) {
    let data = serde_json::to_vec(&tests::data::conversations(42, 10_000)).unwrap();
    let mb = data.len() as f64 / 1e6;
    let budget = budget();
    let floor = median(budget, || {
        std::hint::black_box(serde_json::from_slice::<serde::de::IgnoredAny>(&data).unwrap());
    });
    let value = median(budget, || drop(serde_json::from_slice::<serde_json::Value>(&data).unwrap()));
    // What the client does with a response body.
    let typed = median(budget, || drop(decode_json::<Vec<Conversation>>(&data).unwrap()));
    let from_slice = median(budget, || drop(serde_json::from_slice::<Vec<Conversation>>(&data).unwrap()));
    let tracked = median(budget, || {
        let mut deserializer = serde_json::Deserializer::from_slice(&data);
        drop(serde_path_to_error::deserialize::<_, Vec<Conversation>>(&mut deserializer).unwrap());
    });
    let conversations: Vec<Conversation> = serde_json::from_slice(&data).unwrap();
    let tree: serde_json::Value = serde_json::from_slice(&data).unwrap();
    let encode_typed = median(budget, || drop(serde_json::to_vec(&conversations).unwrap()));
    let encode_value = median(budget, || drop(serde_json::to_vec(&tree).unwrap()));
    let rate = |d: Duration| format!("{:.0} MB/s", mb / d.as_secs_f64());
    let _ = writeln!(out, "### Decoding and encoding 10,000 conversations ({mb:.1} MB of JSON)\n");
    let mut table = Table::new(&["what", "median", "throughput", "× IgnoredAny"]);
    let ratio = |d: Duration| format!("{:.2}", d.as_secs_f64() / floor.as_secs_f64());
    table.row(&["floor: decode into `IgnoredAny`".into(), ms(floor), rate(floor), "1.00".into()]);
    table.row(&["decode into `serde_json::Value`".into(), ms(value), rate(value), ratio(value)]);
    table.row(&[
        "**decode into `Vec<types::Conversation>`** (`runtime::decode_json`, as the client does)".into(),
        ms(typed),
        rate(typed),
        format!("**{}**", ratio(typed)),
    ]);
    table.row(&[
        "the same with `serde_json::from_slice` (checks UTF-8 string by string)".into(),
        ms(from_slice),
        rate(from_slice),
        ratio(from_slice),
    ]);
    table.row(&[
        "the same through `serde_path_to_error` (tracks the path of every value)".into(),
        ms(tracked),
        rate(tracked),
        ratio(tracked),
    ]);
    table.row(&["encode `serde_json::Value`".into(), ms(encode_value), rate(encode_value), "".into()]);
    table.row(&["encode `Vec<types::Conversation>`".into(), ms(encode_typed), rate(encode_typed), "".into()]);
    out.push_str(&table.0);
    let _ = writeln!(
        out,
        "\nTyped decoding is {:.2}× faster than `Value`; typed encoding {:.2}× the speed of `Value`'s.\n",
        value.as_secs_f64() / typed.as_secs_f64(),
        encode_value.as_secs_f64() / encode_typed.as_secs_f64()
    );
}

fn request_building(out: &mut String) {
    let client = mittwald_api_client::Client::builder().token("bench-token").build().unwrap();
    let build = || {
        client
            .conversation()
            .list_conversations()
            .full_text_search("printer \"on fire\" & more")
            .status([ListConversationsStatus::Open, ListConversationsStatus::Closed])
            .limit(50)
            .skip(100)
            .page(3)
            .sort([ListConversationsSort::CreatedAt, ListConversationsSort::Title])
            .order([ListConversationsOrder::Desc, ListConversationsOrder::Asc])
            .request()
    };
    let batch = 1000;
    let per_batch = median(Duration::from_secs(2), || {
        for _ in 0..batch {
            std::hint::black_box(build().path_and_query());
        }
    });
    let floor = median(Duration::from_secs(2), || {
        for _ in 0..batch {
            std::hint::black_box(format!("/v2/conversations?{}", std::hint::black_box("fullTextSearch=x")));
        }
    });
    let ns = |d: Duration| d.as_nanos() as f64 / batch as f64;
    let _ = writeln!(out, "### Building a `list_conversations` request with every parameter\n");
    let mut table = Table::new(&["what", "per call"]);
    table.row(&["floor: `format!` of a fixed path and query".into(), format!("{:.0} ns", ns(floor))]);
    table.row(&["builder, all 7 parameters, query string encoded".into(), format!("{:.0} ns", ns(per_batch))]);
    out.push_str(&table.0);
    let _ = writeln!(out, "\nThe request: `{}`\n", build().path_and_query());
}

/// An interceptor that does nothing: the cost of the hook itself.
struct Empty;

impl mittwald_api_client::runtime::Interceptor for Empty {}

/// The call path without the network: `list_conversations().send()` against the in-process
/// mock (one page of two conversations), plain, with an empty interceptor, with a `tracing`
/// subscriber recording the spans, and with a subscriber that records nothing (tracing "off").
fn call_overhead(out: &mut String) {
    use mittwald_api_client::operations::conversation::ListConversations;
    use mittwald_api_client::runtime::{Mock, MockResponse};
    use tracing_subscriber::layer::SubscriberExt;

    let page: Vec<Conversation> = serde_json::from_value(tests::data::conversations(7, 2)).unwrap();
    let mock = Mock::new();
    mock.respond(ListConversations::OPERATION_ID, MockResponse::json(200, &page));
    let plain = mittwald_api_client::Client::builder().token("bench").mock(mock.clone()).build().unwrap();
    let intercepted = plain.with_interceptor(Empty);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let batch = 2000;
    let time = |client: &mittwald_api_client::Client| {
        median(budget(), || {
            runtime.block_on(async {
                for _ in 0..batch {
                    std::hint::black_box(client.conversation().list_conversations().send().await.unwrap());
                }
            })
        })
    };
    let none = time(&plain);
    let interceptor = time(&intercepted);
    /// Enables everything and keeps nothing: what a subscriber costs the client, not the sink.
    struct Sink;
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Sink {}
    let traced = tracing::subscriber::with_default(tracing_subscriber::registry().with(Sink), || time(&plain));
    let off = tracing::subscriber::with_default(
        tracing_subscriber::registry().with(tracing_subscriber::filter::LevelFilter::OFF),
        || time(&plain),
    );
    let micros = |d: Duration| d.as_secs_f64() * 1e6 / batch as f64;
    let _ = writeln!(
        out,
        "### The call path: `list_conversations().send()` against the in-process mock
"
    );
    let mut table = Table::new(&["what", "per call", "− floor"]);
    let row = |table: &mut Table, what: &str, d: Duration| {
        table.row(&[what.into(), format!("{:.2} µs", micros(d)), format!("{:+.2} µs", micros(d) - micros(none))]);
    };
    row(&mut table, "floor: no interceptor, no subscriber", none);
    row(&mut table, "an empty interceptor", interceptor);
    row(&mut table, "`tracing` feature, subscriber with tracing off", off);
    row(&mut table, "`tracing` feature, a subscriber recording every span and event", traced);
    out.push_str(&table.0);
    out.push('\n');

    // Memory under load: rounds of 10,000 calls from clones of one client, 200 at a time; what
    // the calls add to the resident set (the process's before the first round, the benchmarks
    // run before it included, is the baseline) should stay flat.
    let baseline = resident_mb();
    let _ = writeln!(
        out,
        "### Memory under load: rounds of 10,000 calls, 200 concurrent (in-process mock)

The client's memory: the resident set after each round minus the process's just before the first
({baseline:.1} MB, the benchmarks run before it included).
"
    );
    let mut table = Table::new(&["after round", "the client's calls add"]);
    let multi = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    // A smoke run (CI's check that the benchmarks work) does two short rounds.
    let smoke = std::env::var("BENCH_SMOKE").is_ok_and(|v| !v.is_empty());
    let (rounds, calls) = if smoke { (2, 1_000) } else { (5, 10_000) };
    for round in 1..=rounds {
        multi.block_on(async {
            use futures_util::StreamExt;
            futures_util::stream::iter(0..calls)
                .map(|_| {
                    let client = plain.clone();
                    async move { client.conversation().list_conversations().send().await.map(|r| r.body.len()) }
                })
                .buffer_unordered(200)
                .for_each(|result| async move {
                    assert!(result.is_ok());
                })
                .await
        });
        // The mock's own record of the requests would grow; the client's memory should not.
        mock.clear_requests();
        table.row(&[round.to_string(), format!("{:+.1} MB", resident_mb() - baseline)]);
    }
    out.push_str(&table.0);
    out.push('\n');
}

/// This process's resident set size (Linux).
fn resident_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Generates the crate for `spec` into `dir`; its line and file counts.
fn write_crate(spec: &Path, name: &str, crate_name: &str, dir: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(spec).unwrap();
    let config = generator::Config {
        crate_name: crate_name.into(),
        command: "cargo xtask bench --compile".into(),
        ..tests::bench::config(name)
    };
    let generated = generator::generate(&text, &config).unwrap();
    let lines: usize = generated.files.values().map(|f| f.lines().count()).sum();
    let _ = std::fs::remove_dir_all(dir);
    for (path, text) in &generated.files {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    (lines, generated.files.len())
}

/// `cargo check` of the crate in `dir`; with `fresh`, its own artifacts are removed first
/// (dependencies stay built).
fn check(dir: &Path, target: &Path, package: &str, fresh: bool) -> Duration {
    cargo_timed("check", &[], dir, target, package, fresh)
}

/// `cargo <command> <features>` in `dir`, timed; with `fresh`, the package is cleaned first.
fn cargo_timed(command: &str, features: &[&str], dir: &Path, target: &Path, package: &str, fresh: bool) -> Duration {
    cargo_timed_with(command, features, dir, target, package, fresh, &[])
}

/// [`cargo_timed`] with environment variables (`CARGO_INCREMENTAL=0`: as cargo builds a
/// dependency from a registry).
fn cargo_timed_with(
    command: &str,
    features: &[&str],
    dir: &Path,
    target: &Path,
    package: &str,
    fresh: bool,
    env: &[(&str, &str)],
) -> Duration {
    let cargo = |args: &[&str]| {
        let status = Command::new(env!("CARGO"))
            .args(args)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .envs(env.iter().copied())
            .status()
            .expect("run cargo");
        assert!(status.success(), "cargo {args:?} in {} failed", dir.display());
    };
    if fresh {
        cargo(&["clean", "-q", "-p", package]);
    }
    let started = Instant::now();
    let mut args = vec![command, "-q"];
    args.extend(features);
    cargo(&args);
    started.elapsed()
}

/// The median of three measurements.
fn median_of_three(mut measure: impl FnMut() -> Duration) -> Duration {
    median_of(vec![measure(), measure(), measure()])
}

fn compile_report(out: &mut String) {
    let root = root();
    let target = root.join("target/bench-compile/target");
    let small_dir = root.join("target/bench-compile/small");
    let full_dir = root.join("target/bench-compile/crate");
    let (small_lines, _) = write_crate(
        &root.join("specs/mittwald-conversations.yaml"),
        "specs/mittwald-conversations.yaml",
        "mittwald-bench-small",
        &small_dir,
    );
    let (lines, files) = write_crate(
        &root.join("../shared/specs/mittwald-v2-2026-08-21.json"),
        "mittwald-v2-2026-08-21.json",
        "mittwald-bench",
        &full_dir,
    );
    // Dependencies first, so that the timings are of the generated crates alone.
    check(&full_dir, &target, "mittwald-bench", false);
    check(&small_dir, &target, "mittwald-bench-small", false);
    let floor = check(&small_dir, &target, "mittwald-bench-small", true);
    // Three fresh checks, the median: one run on a shared 2-core machine varies by seconds.
    let fresh = median_of_three(|| check(&full_dir, &target, "mittwald-bench", true));
    let touched = full_dir.join("src/types/conversation.rs");
    let text = std::fs::read_to_string(&touched).unwrap();
    std::fs::write(&touched, format!("{text}\n")).unwrap();
    let incremental = check(&full_dir, &target, "mittwald-bench", false);
    // After the incremental measurement: a check without incremental compilation leaves no
    // incremental state behind.
    let incremental_off = [("CARGO_INCREMENTAL", "0")];
    let dependency_floor =
        cargo_timed_with("check", &[], &small_dir, &target, "mittwald-bench-small", true, &incremental_off);
    let dependency = median_of_three(|| {
        cargo_timed_with("check", &[], &full_dir, &target, "mittwald-bench", true, &incremental_off)
    });
    let _ = writeln!(out, "### Compile time of the full mittwald API crate (2026-08-21 spec)\n");
    let mut table = Table::new(&["what", "time", "× floor"]);
    let ratio = |d: Duration| format!("{:.1}", d.as_secs_f64() / floor.as_secs_f64());
    let secs = |d: Duration| format!("{:.1} s", d.as_secs_f64());
    table.row(&[
        format!("floor: `cargo check`, fresh, of the 3-operation crate ({small_lines} lines, same runtime)"),
        secs(floor),
        "1.0".into(),
    ]);
    table.row(&[
        format!(
            "`cargo check`, fresh (dependencies already built), {lines} lines in {files} files; \
             median of 3"
        ),
        secs(fresh),
        ratio(fresh),
    ]);
    table.row(&[
        format!(
            "the same without incremental compilation, as cargo builds the crate when it is a dependency \
             from a registry (floor: {})",
            secs(dependency_floor)
        ),
        secs(dependency),
        format!("{:.1}", dependency.as_secs_f64() / dependency_floor.as_secs_f64()),
    ]);
    table.row(&[
        "`cargo check` after touching `src/types/conversation.rs`".into(),
        secs(incremental),
        ratio(incremental),
    ]);
    out.push_str(&table.0);
    out.push('\n');

    // The crate as a dependency: all tags against one tag, `check` and debug `build`, each
    // against the 3-operation crate; medians of three, the three crates taking turns (single
    // fresh checks of a second or two swing by half on this shared machine).
    let one_tag = ["--no-default-features", "--features", "conversation"];
    let mut rows = Vec::new();
    for command in ["check", "build"] {
        cargo_timed(command, &[], &small_dir, &target, "mittwald-bench-small", false);
        cargo_timed(command, &[], &full_dir, &target, "mittwald-bench", false);
        let (mut floors, mut alls, mut ones) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..3 {
            floors.push(cargo_timed(command, &[], &small_dir, &target, "mittwald-bench-small", true));
            alls.push(cargo_timed(command, &[], &full_dir, &target, "mittwald-bench", true));
            ones.push(cargo_timed(command, &one_tag, &full_dir, &target, "mittwald-bench", true));
        }
        rows.push((command, median_of(floors), median_of(alls), median_of(ones)));
    }
    let _ = writeln!(
        out,
        "### The full crate as a dependency: all tags against one (`conversation`), medians of 3
"
    );
    let mut table = Table::new(&[
        "fresh, dependencies built",
        "3-operation crate (floor)",
        "all tags",
        "`conversation` alone",
        "one tag / all",
    ]);
    for (command, floor, all, one) in rows {
        table.row(&[
            format!("`cargo {command}`{}", if command == "build" { " (debug)" } else { "" }),
            secs(floor),
            format!("{} ({:.1}× floor)", secs(all), all.as_secs_f64() / floor.as_secs_f64()),
            format!("{} ({:.1}× floor)", secs(one), one.as_secs_f64() / floor.as_secs_f64()),
            format!("{:.1}%", 100.0 * one.as_secs_f64() / all.as_secs_f64()),
        ]);
    }
    out.push_str(&table.0);
    out.push('\n');

    // A first build: the 3-operation crate and all its dependencies, from an empty target
    // directory (sources already downloaded), with each TLS backend.
    let _ =
        writeln!(out, "### A first build of a small generated crate (`cargo build`, debug, empty target directory)\n");
    let mut table = Table::new(&["TLS backend (features)", "cold build, dependencies included", "compilation units"]);
    for (backend, features) in [
        ("rustls with *ring* (the default)", &[][..]),
        ("rustls with aws-lc-rs (`rustls-aws-lc`)", &["--no-default-features", "--features", "rustls-aws-lc"][..]),
    ] {
        let cold = root.join("target/bench-compile/cold");
        let _ = std::fs::remove_dir_all(&cold);
        let time = cargo_timed("build", features, &small_dir, &cold, "mittwald-bench-small", false);
        let crates = std::fs::read_dir(cold.join("debug/.fingerprint")).map_or(0, |d| d.count());
        table.row(&[backend.to_owned(), secs(time), crates.to_string()]);
        let _ = std::fs::remove_dir_all(&cold);
    }
    out.push_str(&table.0);
    out.push('\n');
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let build = if cfg!(debug_assertions) { "debug build" } else { "release build" };
    format!("{cores} cores ({cpu}), {date}, {build}")
}

/// The tables of a sibling binary (`bench_generation`, `bench_streams`; `cargo xtask bench`
/// builds them).
fn sibling_tables(name: &str) -> String {
    sibling_tables_with(name, &[])
}

/// [`sibling_tables`] with arguments.
fn sibling_tables_with(name: &str, args: &[&str]) -> String {
    let exe = std::env::current_exe().expect("the path of this binary");
    let sibling = exe.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let output = Command::new(&sibling)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask bench`, which builds it)", sibling.display()));
    assert!(
        output.status.success(),
        "{name} failed: {}{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8(output.stdout).expect("Markdown is UTF-8")
}

/// The whole `generate` again, in this process with the system allocator, to show what mimalloc
/// buys the generator.
fn allocator_comparison(spec: &Path, out: &mut String) {
    let text = std::fs::read_to_string(spec).unwrap();
    let config = tests::bench::config("mittwald-v2-2026-08-21.json");
    let whole = median(budget(), || drop(generator::generate(&text, &config).unwrap()));
    let _ = writeln!(
        out,
        "The generation tables come from `bench_generation`, which uses mimalloc like `cargo xtask \
         codegen`. With the system allocator (glibc), the whole `generate` of the full spec takes {}.\n",
        ms(whole)
    );
}

/// The peer the huge-document benchmark compares with: openapi-to-rust, installed by
/// `cargo xtask bench --large --peer` into `target/peer` (never in CI).
const PEER: &str = "openapi-to-rust";
const PEER_VERSION: &str = "0.23.0";

/// The peer's binary; installed with `cargo install --locked` when `install` and missing.
fn peer(install: bool) -> Option<PathBuf> {
    let dir = root().join("target/peer");
    let exe = dir.join("bin").join(PEER);
    let installed = || {
        Command::new(&exe)
            .arg("--version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(PEER_VERSION))
    };
    if !installed() && install {
        let status = Command::new(env!("CARGO"))
            .args(["install", "-q", "--locked", PEER, "--version", &format!("={PEER_VERSION}"), "--root"])
            .arg(&dir)
            .status()
            .expect("run cargo install");
        assert!(status.success(), "cargo install {PEER} failed");
    }
    installed().then_some(exe)
}

/// One run of `command` as a child process: its wall time, peak resident set (kB) and CPU time
/// (user and system, from `wait4`); it must exit successfully; its output goes to `log`.
// The child is reaped by `wait4`, which std's `Child` does not know of.
#[allow(clippy::zombie_processes)]
fn run_child(command: &mut Command, log: &Path) -> (Duration, u64, Duration) {
    let file = std::fs::File::create(log).unwrap();
    let started = Instant::now();
    let child = command
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let mut status = 0;
    // SAFETY: `rusage` is plain data, and `wait4` reaps the child this function started.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    assert!(
        reaped > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed (status {status}); see {}",
        log.display()
    );
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (elapsed, usage.ru_maxrss as u64, time(usage.ru_utime) + time(usage.ru_stime))
}

/// The Rust files under `dir`: their total lines and the largest one's (lines, path).
fn rust_lines(dir: &Path) -> (usize, usize, String) {
    let (mut total, mut largest, mut largest_path) = (0, 0, String::new());
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let lines = std::fs::read_to_string(&path).unwrap().lines().count();
                total += lines;
                if lines > largest {
                    largest = lines;
                    largest_path = path.strip_prefix(dir).unwrap().display().to_string();
                }
            }
        }
    }
    (total, largest, largest_path)
}

/// The operations and component schemas of a document (a 2.0 one's `definitions`).
fn document_counts(text: &str) -> (usize, usize) {
    let tree: serde_json::Value = serde_json::from_str(text).expect("JSON");
    let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    let operations = tree["paths"]
        .as_object()
        .map_or(0, |paths| paths.values().map(|item| methods.iter().filter(|m| item.get(**m).is_some()).count()).sum());
    let schemas = tree["components"]["schemas"].as_object().or(tree["definitions"].as_object()).map_or(0, |s| s.len());
    (operations, schemas)
}

struct Side {
    time: Duration,
    cpu: Duration,
    peak_kb: u64,
    lines: usize,
    largest: usize,
    largest_path: String,
}

/// One run of `command` through this binary's `--wrap` mode, a small process of its own: a
/// child's peak resident set counts the memory of the process it was started from until it runs
/// its program (Linux carries the high-water mark over `exec`), and this process holds hundreds of
/// megabytes by now.
fn run_wrapped(command: &Command, log: &Path) -> Run {
    let mut wrapper = Command::new(std::env::current_exe().expect("the path of this binary"));
    wrapper.arg("--wrap").arg(log).arg(command.get_program()).args(command.get_args());
    let output = wrapper.output().expect("run the wrapper");
    let text = String::from_utf8_lossy(&output.stdout);
    let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().ok());
    match (output.status.success(), fields.next().flatten(), fields.next().flatten(), fields.next().flatten()) {
        (true, Some(micros), Some(peak_kb), Some(cpu)) => {
            Run { time: Duration::from_micros(micros), peak_kb, cpu: Duration::from_micros(cpu) }
        }
        _ => panic!("{command:?} failed: {text}{}; see {}", String::from_utf8_lossy(&output.stderr), log.display()),
    }
}

/// One generator's run: wall time, peak resident set, CPU time.
struct Run {
    time: Duration,
    peak_kb: u64,
    cpu: Duration,
}

/// How many times each generator runs on a huge document.
const HUGE_RUNS: usize = 5;

/// One generation into an empty `out` with `command`. The previous run's folder is moved into
/// `trash`, which is deleted after all runs: right after hundreds of files were deleted, ext4
/// creates files several times slower for a while (it passes over recently freed inodes), a cost
/// of the benchmark's deleting that would fall on the next run, not one a user pays (the first
/// generation goes into a new folder; regenerating writes only the files that changed).
fn run_into(command: &Command, out: &Path, log: &Path, trash: &Path) -> Run {
    static ASIDE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    if out.exists() {
        std::fs::create_dir_all(trash).unwrap();
        let aside = trash.join(ASIDE.fetch_add(1, std::sync::atomic::Ordering::Relaxed).to_string());
        std::fs::rename(out, aside).unwrap();
    }
    std::fs::create_dir_all(out).unwrap();
    run_wrapped(command, log)
}

/// The median time and CPU time and the highest peak of `runs`, with the lines written to `out`.
fn side(runs: &[Run], out: &Path) -> Side {
    let (lines, largest, largest_path) = rust_lines(out);
    Side {
        time: median_of(runs.iter().map(|r| r.time).collect()),
        cpu: median_of(runs.iter().map(|r| r.cpu).collect()),
        peak_kb: runs.iter().map(|r| r.peak_kb).max().unwrap_or(0),
        lines,
        largest,
        largest_path,
    }
}

/// Huge documents, whole processes side by side: `openapi-rust-gen generate` (release) against
/// openapi-to-rust in the same run, each [`HUGE_RUNS`] times in turn, in processes of their own; time, CPU time, peak
/// memory, emitted lines, the largest file. Returns the generated crates' directories (ours,
/// the peer's) by document for the compile comparison.
fn huge_documents_report(out: &mut String, install_peer: bool) -> Vec<(String, PathBuf, Option<PathBuf>, usize)> {
    let root = root();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "-q", "-p", "openapi-rust-gen-cli"])
        .current_dir(&root)
        .status()
        .expect("cargo");
    assert!(status.success(), "building the release command failed");
    let ours = root.join("target/release/openapi-rust-gen");
    let peer = peer(install_peer);
    let work = root.join("target/bench-large");
    let _ = writeln!(
        out,
        "### Huge documents: whole generation against {PEER} {PEER_VERSION}, same run\n\n\
         Each generator in a process of its own, writing its files into an empty folder (the previous run's moved \
         aside, not deleted: ext4 creates files slowly right after hundreds were deleted), {HUGE_RUNS} times, \
         the two generators taking turns (so that a slower minute of this shared machine falls on both): the \
         median wall time and CPU time (user and system) and the highest peak resident set (`wait4`). Ours is \
         the release `openapi-rust-gen generate`; the peer's is `{PEER} generate <spec> --output-dir <dir>` \
         (its defaults: types and a client).\n"
    );
    if peer.is_none() {
        let _ = writeln!(out, "**The peer is not installed: run `cargo xtask bench --large --peer`.**\n");
    }
    let mut table = Table::new(&[
        "document",
        "size",
        "operations / schemas",
        "time: ours",
        "peer",
        "× peer",
        "CPU time: ours",
        "peer",
        "× peer",
        "peak memory: ours",
        "peer",
        "× peer",
        "lines: ours (per operation)",
        "peer (per operation)",
        "largest file: ours",
        "peer",
    ]);
    let mut crates = Vec::new();
    let trash = work.join("trash");
    let _ = std::fs::remove_dir_all(&trash);
    for (index, (name, path)) in tests::bench::huge_documents().into_iter().enumerate() {
        let text = std::fs::read_to_string(&path).unwrap();
        let (operations, schemas) = document_counts(&text);
        let our_dir = work.join(format!("ours-{index}"));
        let mut our_command = Command::new(&ours);
        our_command.arg("generate").arg(&path).arg("-o").arg(&our_dir).args(["--crate-name", "huge"]);
        let our_log = work.join(format!("ours-{index}.log"));
        let peer_dir = work.join(format!("peer-{index}"));
        let peer_command = peer.as_ref().map(|exe| {
            let mut command = Command::new(exe);
            command.arg("generate").arg(&path).arg("--output-dir").arg(&peer_dir).arg("--quiet");
            command
        });
        let peer_log = work.join(format!("peer-{index}.log"));
        let (mut our_runs, mut peer_runs) = (Vec::new(), Vec::new());
        for _ in 0..HUGE_RUNS {
            our_runs.push(run_into(&our_command, &our_dir, &our_log, &trash));
            if let Some(command) = &peer_command {
                peer_runs.push(run_into(command, &peer_dir, &peer_log, &trash));
            }
        }
        let us = side(&our_runs, &our_dir);
        let them = peer_command.is_some().then(|| side(&peer_runs, &peer_dir));
        let per_op = |lines: usize| format!("{lines} ({:.0})", lines as f64 / operations.max(1) as f64);
        let or_dash = |f: &dyn Fn(&Side) -> String| them.as_ref().map_or("-".to_owned(), f);
        table.row(&[
            name.clone(),
            format!("{:.1} MB", text.len() as f64 / 1e6),
            format!("{operations} / {schemas}"),
            format!("{:.2} s", us.time.as_secs_f64()),
            or_dash(&|p| format!("{:.2} s", p.time.as_secs_f64())),
            or_dash(&|p| format!("**{:.2}**", us.time.as_secs_f64() / p.time.as_secs_f64())),
            format!("{:.2} s", us.cpu.as_secs_f64()),
            or_dash(&|p| format!("{:.2} s", p.cpu.as_secs_f64())),
            or_dash(&|p| format!("{:.2}", us.cpu.as_secs_f64() / p.cpu.as_secs_f64())),
            format!("{} MB", us.peak_kb / 1024),
            or_dash(&|p| format!("{} MB", p.peak_kb / 1024)),
            or_dash(&|p| format!("**{:.2}**", us.peak_kb as f64 / p.peak_kb as f64)),
            per_op(us.lines),
            or_dash(&|p| per_op(p.lines)),
            format!("{} (`{}`)", us.largest, us.largest_path),
            or_dash(&|p| format!("{} (`{}`)", p.largest, p.largest_path)),
        ]);
        crates.push((name, our_dir, them.map(|_| peer_dir), operations));
    }
    let _ = std::fs::remove_dir_all(&trash);
    out.push_str(&table.0);
    out.push('\n');
    if let Some((_, dir, _, operations)) = crates.get(1) {
        line_kinds(dir, *operations, out);
    }
    crates
}

/// Where our lines go on GitHub's crate, by kind of item (each line counted with the item it is in).
fn line_kinds(dir: &Path, operations: usize, out: &mut String) {
    let mut kinds: std::collections::BTreeMap<&'static str, usize> = Default::default();
    let mut stack = vec![dir.join("src")];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let runtime = path.components().any(|c| c.as_os_str() == "runtime");
            let text = std::fs::read_to_string(&path).unwrap();
            let mut kind = "other items";
            for line in text.lines() {
                let trimmed = line.trim_start();
                let item =
                    trimmed.starts_with("impl") || trimmed.starts_with("pub struct") || trimmed.starts_with("pub enum");
                if runtime {
                    kind = "the runtime (hand-written, the same in every crate)";
                } else if trimmed.starts_with("///") || trimmed.starts_with("//!") {
                    *kinds.entry("doc comments (the spec's descriptions)").or_default() += 1;
                    continue;
                } else if line.starts_with("#[cfg(") {
                    kind = "feature gates (`#[cfg]` of the tags that reach an item)";
                } else if item && trimmed.contains("serde_helpers::Object for") {
                    kind = "decoding of structs (`Object`: the field table serde's derive would expand to)";
                } else if item
                    && (trimmed.contains("serde::Serialize for") || trimmed.contains("serde::Deserialize<'de> for"))
                {
                    kind = "serde impls written out (no derive macros: 3× faster to check)";
                } else if item
                    && ["From<", "std::str::FromStr for", "std::fmt::Display for", "ToParam for"]
                        .iter()
                        .any(|t| trimmed.contains(t))
                {
                    kind = "conversions of enums and unions (`From`, `FromStr`, `Display`, `ToParam`)";
                } else if item && (trimmed.starts_with("pub struct") || trimmed.starts_with("pub enum")) {
                    kind = "type definitions (structs, enums: fields and variants)";
                } else if item && trimmed.starts_with("impl") {
                    kind = "methods (request builders, `send`, accessors)";
                }
                *kinds.entry(kind).or_default() += 1;
            }
        }
    }
    let total: usize = kinds.values().sum();
    let _ = writeln!(out, "Where the lines of our GitHub crate go ({total} lines, {operations} operations):\n");
    let mut table = Table::new(&["kind of line", "lines", "share", "per operation"]);
    let mut rows: Vec<_> = kinds.into_iter().collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.1));
    for (kind, lines) in rows {
        table.row(&[
            kind.to_owned(),
            lines.to_string(),
            format!("{:.0}%", 100.0 * lines as f64 / total as f64),
            format!("{:.0}", lines as f64 / operations.max(1) as f64),
        ]);
    }
    out.push_str(&table.0);
    out.push('\n');
}

/// Fresh `cargo check` of our crate and of the peer's output (in a crate of its own, with the
/// dependencies it asks for in `REQUIRED_DEPS.toml`), dependencies built first, for each document
/// the peer generated.
fn huge_compile_report(crates: &[(String, PathBuf, Option<PathBuf>, usize)], out: &mut String) {
    let root = root();
    let target = root.join("target/bench-large/target");
    let _ = writeln!(
        out,
        "### Huge documents: fresh `cargo check` of the generated crates (dependencies built), same run\n\n\
         The peer's output is put in a crate of its own with the dependencies its `REQUIRED_DEPS.toml` names.\n"
    );
    let mut table = Table::new(&["document", "ours", "peer", "× peer"]);
    // GitHub's crates only: Graph's (3.7 million lines of ours) would take this run's hour.
    for (name, ours, peer, _) in crates.iter().skip(1).take(1) {
        let Some(peer) = peer else { continue };
        let crate_dir = peer.with_extension("crate");
        let _ = std::fs::remove_dir_all(&crate_dir);
        std::fs::create_dir_all(crate_dir.join("src/generated")).unwrap();
        for entry in std::fs::read_dir(peer).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "rs") {
                std::fs::copy(entry.path(), crate_dir.join("src/generated").join(entry.file_name())).unwrap();
            }
        }
        let deps = std::fs::read_to_string(peer.join("REQUIRED_DEPS.toml")).unwrap_or_default();
        let deps = deps.split("[dependencies]").nth(1).unwrap_or_default();
        std::fs::write(
            crate_dir.join("Cargo.toml"),
            format!("[package]\nname = \"peer-huge\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]{deps}\n[workspace]\n"),
        )
        .unwrap();
        // The peer's code as its README shows it used: a module of the user's crate; its lints are
        // not ours to judge, so warnings are allowed here.
        std::fs::write(crate_dir.join("src/lib.rs"), "#![allow(warnings)]\npub mod generated;\n").unwrap();
        let relaxed = [("RUSTFLAGS", "")];
        cargo_timed_with("check", &[], ours, &target, "huge", false, &relaxed);
        let us = cargo_timed_with("check", &[], ours, &target, "huge", true, &relaxed);
        cargo_timed_with("check", &[], &crate_dir, &target, "peer-huge", false, &relaxed);
        let them = cargo_timed_with("check", &[], &crate_dir, &target, "peer-huge", true, &relaxed);
        table.row(&[
            name.clone(),
            format!("{:.1} s", us.as_secs_f64()),
            format!("{:.1} s", them.as_secs_f64()),
            format!("**{:.2}**", us.as_secs_f64() / them.as_secs_f64()),
        ]);
    }
    out.push_str(&table.0);
    out.push('\n');
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `--wrap <log> <program> <args>..`: runs the program, prints its time (µs) and peak resident
    // set (kB); see `run_wrapped`.
    if let [wrap, log, program, rest @ ..] = args.as_slice() {
        if wrap == "--wrap" {
            let (time, peak_kb, cpu) = run_child(Command::new(program).args(rest), Path::new(log));
            println!("{} {peak_kb} {}", time.as_micros(), cpu.as_micros());
            return;
        }
    }
    let compile = args.iter().any(|a| a == "--compile");
    let large = args.iter().any(|a| a == "--large");
    // `--out <file>` writes the report elsewhere than BENCHMARKS.md (CI's short smoke run).
    let target = args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1));
    let root = root();
    let smoke = std::env::var("BENCH_SMOKE").is_ok_and(|v| !v.is_empty());
    let mut out = format!(
        "# Benchmarks\n\n{}Written by `cargo xtask bench{}{}` on {}. Medians of repeated runs; every \
         figure comes with a floor measured in the same run.\n\n",
        if smoke { "**A smoke run (debug build): these figures mean nothing.** " } else { "" },
        if compile { " --compile" } else { "" },
        if large { " --large" } else { "" },
        machine()
    );
    out.push_str(&sibling_tables("bench_generation"));
    allocator_comparison(&root.join("../shared/specs/mittwald-v2-2026-08-21.json"), &mut out);
    decoding(&mut out);
    request_building(&mut out);
    call_overhead(&mut out);
    out.push_str(&sibling_tables("bench_streams"));
    if large {
        out.push_str(&sibling_tables_with("bench_generation", &["--large"]));
        let crates = huge_documents_report(&mut out, args.iter().any(|a| a == "--peer"));
        if compile {
            huge_compile_report(&crates, &mut out);
        }
    }
    if compile {
        compile_report(&mut out);
    }
    print!("{out}");
    let target = target.map(|path| root.join(path)).unwrap_or_else(|| root.join("BENCHMARKS.md"));
    std::fs::write(&target, &out).unwrap_or_else(|e| panic!("write {}: {e}", target.display()));
}
