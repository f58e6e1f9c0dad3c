//! `cargo xtask bench [--compile]`: generation, decoding, encoding and request building, each
//! against a floor measured in the same run; writes BENCHMARKS.md. Run in release mode.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use mittwald_api_client::operations::conversation::{
    ListConversationsOrder, ListConversationsSort, ListConversationsStatus,
};
use mittwald_api_client::types::Conversation;
use tests::root;

/// Runs `f` at least 5 times and for at least `budget`; the median time of one run.
fn median(budget: Duration, mut f: impl FnMut()) -> Duration {
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < 5 || (started.elapsed() < budget && times.len() < 10_000) {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

struct Table(String);

impl Table {
    fn new(columns: &[&str]) -> Self {
        let mut out = format!("| {} |\n|", columns.join(" | "));
        out.push_str(&"---|".repeat(columns.len()));
        out.push('\n');
        Table(out)
    }

    fn row(&mut self, cells: &[String]) {
        let _ = writeln!(self.0, "| {} |", cells.join(" | "));
    }
}

fn generation(name: &str, path: &Path, out: &mut String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let is_json = text.trim_start().starts_with('{');
    let config = generator::Config {
        crate_name: "bench".into(),
        crate_version: "0.0.0".into(),
        spec_path: name.into(),
        command: "bench".into(),
        operations: generator::Selection::All,
        standalone: true,
    };
    let budget = Duration::from_secs(3);
    let floor = if is_json {
        median(budget, || drop(serde_json::from_str::<serde_json::Value>(&text).unwrap()))
    } else {
        median(budget, || drop(serde_yaml::from_str::<serde_yaml::Value>(&text).unwrap()))
    };
    let spec = generator::load::load(name, &text).unwrap();
    let (api, _) = generator::lower::lower(name, &spec, &config.operations).unwrap();
    let load = median(budget, || drop(generator::load::load(name, &text).unwrap()));
    let lower = median(budget, || drop(generator::lower::lower(name, &spec, &config.operations).unwrap()));
    let emit = median(budget, || drop(generator::emit::emit(&api, &config)));
    let render =
        median(budget, || drop(generator::render::render_all(generator::emit::emit(&api, &config), &config).unwrap()));
    let render_only = render.saturating_sub(emit);
    let whole = median(budget, || drop(generator::generate(&text, &config).unwrap()));
    let lines: usize = generator::generate(&text, &config).unwrap().files.values().map(|f| f.lines().count()).sum();
    let parser = if is_json { "serde_json" } else { "serde_yaml" };
    let _ = writeln!(out, "### Generation: {name} ({} KB, {lines} lines emitted)\n", text.len() / 1024);
    let mut table = Table::new(&["stage", "median", "× floor"]);
    let ratio = |d: Duration| format!("{:.2}", d.as_secs_f64() / floor.as_secs_f64());
    table.row(&[format!("floor: {parser} parse to a value tree"), ms(floor), "1.00".into()]);
    table.row(&["load (parse into openapiv3)".into(), ms(load), ratio(load)]);
    table.row(&["lower".into(), ms(lower), ratio(lower)]);
    table.row(&["emit (tokens), one thread".into(), ms(emit), ratio(emit)]);
    table.row(&["render (syn + prettyplease), one thread".into(), ms(render_only), ratio(render_only)]);
    table.row(&["(`generate` emits and renders files in parallel on every core)".into(), String::new(), String::new()]);
    table.row(&["**whole `generate`**".into(), format!("**{}**", ms(whole)), format!("**{}**", ratio(whole))]);
    out.push_str(&table.0);
    out.push('\n');
}

fn decoding(out: &mut String) {
    let data = serde_json::to_vec(&tests::data::conversations(42, 10_000)).unwrap();
    let mb = data.len() as f64 / 1e6;
    let budget = Duration::from_secs(3);
    let floor = median(budget, || {
        std::hint::black_box(serde_json::from_slice::<serde::de::IgnoredAny>(&data).unwrap());
    });
    let value = median(budget, || drop(serde_json::from_slice::<serde_json::Value>(&data).unwrap()));
    let typed = median(budget, || drop(serde_json::from_slice::<Vec<Conversation>>(&data).unwrap()));
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
        "**decode into `Vec<types::Conversation>`**".into(),
        ms(typed),
        rate(typed),
        format!("**{}**", ratio(typed)),
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

fn compile_report(out: &mut String) {
    let root = root();
    let spec = root.join("../shared/specs/mittwald-v2-2026-08-21.json");
    let dir = root.join("target/bench-compile/crate");
    let target = root.join("target/bench-compile/target");
    let text = std::fs::read_to_string(&spec).unwrap();
    let config = generator::Config {
        crate_name: "mittwald-bench".into(),
        crate_version: "0.0.0".into(),
        spec_path: "mittwald-v2-2026-08-21.json".into(),
        command: "cargo xtask bench --compile".into(),
        operations: generator::Selection::All,
        standalone: true,
    };
    let generated = generator::generate(&text, &config).unwrap();
    let lines: usize = generated.files.values().map(|f| f.lines().count()).sum();
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in &generated.files {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    let check = || {
        let started = Instant::now();
        let status = Command::new(env!("CARGO"))
            .args(["check", "-q"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .expect("run cargo check");
        assert!(status.success(), "cargo check of the full crate failed");
        started.elapsed()
    };
    // Dependencies first, so that the timings are of the generated crate alone.
    check();
    let clean = Command::new(env!("CARGO"))
        .args(["clean", "-q", "-p", "mittwald-bench"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .unwrap();
    assert!(clean.success());
    let fresh = check();
    let touched = dir.join("src/types/conversation.rs");
    let text = std::fs::read_to_string(&touched).unwrap();
    std::fs::write(&touched, format!("{text}\n")).unwrap();
    let incremental = check();
    let _ = writeln!(out, "### Compile time of the full mittwald API crate (2026-08-21 spec)\n");
    let mut table = Table::new(&["what", "time"]);
    table.row(&["lines emitted".into(), format!("{lines} in {} files", generated.files.len())]);
    table.row(&["`cargo check`, fresh (dependencies already built)".into(), format!("{:.1} s", fresh.as_secs_f64())]);
    table.row(&[
        "`cargo check` after touching `src/types/conversation.rs`".into(),
        format!("{:.1} s", incremental.as_secs_f64()),
    ]);
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
    format!("{cores} cores ({cpu}), {date}, release build")
}

fn main() {
    let compile = std::env::args().any(|a| a == "--compile");
    let root = root();
    let mut out = format!(
        "# Benchmarks\n\nWritten by `cargo xtask bench{}` on {}. Medians of repeated runs; every \
         figure comes with a floor measured in the same run.\n\n",
        if compile { " --compile" } else { "" },
        machine()
    );
    generation("specs/mittwald-conversations.yaml", &root.join("specs/mittwald-conversations.yaml"), &mut out);
    generation("mittwald-v2-2026-08-21.json", &root.join("../shared/specs/mittwald-v2-2026-08-21.json"), &mut out);
    decoding(&mut out);
    request_building(&mut out);
    if compile {
        compile_report(&mut out);
    }
    print!("{out}");
    std::fs::write(root.join("BENCHMARKS.md"), &out).expect("write BENCHMARKS.md");
}
