//! `cargo xtask update-spec [--from <url-or-file>]`: refreshes `specs/` from mittwald's
//! published spec. It keeps the operations our spec covers, with every component they reach,
//! writes them as YAML with sorted keys (a stable, reviewable form: no churn when nothing
//! changed), and regenerates the client. Any failure leaves `specs/` untouched.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};

use crate::codegen::{self, SPEC};
use crate::{read, workspace_root};

/// Where mittwald publishes the spec.
pub const OFFICIAL: &str = "https://api.mittwald.de/v2/openapi.json";

pub const USAGE: &str = "usage: cargo xtask update-spec [--from <url-or-file>]

Takes the upstream spec (default https://api.mittwald.de/v2/openapi.json), keeps the operations
specs/mittwald-conversations.yaml covers and every component they reach, writes that spec and
regenerates generated-client/.";

pub fn run(args: &[String]) -> Result<ExitCode> {
    let from = match args {
        [] => OFFICIAL.to_owned(),
        [flag, from] if flag == "--from" => from.clone(),
        _ => bail!("{USAGE}"),
    };
    let path = workspace_root().join(SPEC);
    let changed = update_file(&from, &path)?;
    if changed {
        println!("updated {SPEC} from {from}");
    } else {
        println!("{SPEC} is already what {from} gives");
    }
    codegen::run(&[])
}

/// Rewrites `path` from the spec at `from`; `Ok(false)` if nothing changed. On error the file
/// is left as it was.
pub fn update_file(from: &str, path: &Path) -> Result<bool> {
    let current = read(path)?;
    let upstream = fetch(from)?;
    let updated = extract(&upstream, &current, from)?;
    // Check that the result generates, with the committed Overlay on top, before it replaces
    // anything. An Overlay action that no longer matches says that upstream changed what it
    // fixed: shown, so that the maintainer removes or retargets it.
    let generated = codegen::generate_mittwald(&updated)
        .with_context(|| format!("the spec extracted from {from} does not generate"))?;
    for warning in generated.warnings.iter().filter(|w| w.kind == generator::Kind::OverlayTarget) {
        eprintln!("warning: {}: {} (upstream may have fixed it: remove the action)", warning.file, warning.message);
    }
    if updated == current {
        return Ok(false);
    }
    let temporary = path.with_extension("yaml.new");
    std::fs::write(&temporary, &updated).with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(true)
}

/// Reads a file, or GETs an `http(s)://` URL.
pub fn fetch(from: &str) -> Result<String> {
    if !(from.starts_with("http://") || from.starts_with("https://")) {
        return read(Path::new(from));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.get(from).call().with_context(|| format!("cannot fetch {from}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!("fetching {from} answered {status}");
    }
    response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .with_context(|| format!("cannot read the body of {from}"))
}

/// The spec `current` covers, taken from `upstream`: the same operations (by operationId) and
/// every component they reach, as YAML with sorted keys.
pub fn extract(upstream: &str, current: &str, source: &str) -> Result<String> {
    let upstream = parse(upstream).with_context(|| format!("{source} is not an OpenAPI document"))?;
    let current = parse(current).context("the current spec cannot be read")?;
    match upstream.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0") => {}
        other => bail!("{source} is not an OpenAPI 3.0 document (openapi: {other:?})"),
    }
    let Some(upstream_paths) = upstream.get("paths").and_then(Value::as_object) else {
        bail!("{source} has no `paths`");
    };
    let wanted = operation_ids(&current);
    let mut found = BTreeSet::new();
    let mut paths = Map::new();
    for (path, item) in upstream_paths {
        let Some(item) = item.as_object() else { continue };
        let mut kept = Map::new();
        for (key, value) in item {
            let id = value.get("operationId").and_then(Value::as_str);
            match id {
                Some(id) if wanted.contains(id) => {
                    found.insert(id.to_owned());
                    kept.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        if !kept.is_empty() {
            for shared in ["parameters", "summary", "description", "servers"] {
                if let Some(value) = item.get(shared) {
                    kept.insert(shared.to_owned(), value.clone());
                }
            }
            paths.insert(path.clone(), Value::Object(kept));
        }
    }
    let missing: Vec<&String> = wanted.iter().filter(|id| !found.contains(*id)).collect();
    if !missing.is_empty() {
        bail!("{source} lacks operations our spec covers: {missing:?}");
    }

    let mut out = Map::new();
    for key in ["openapi", "info", "security", "externalDocs"] {
        if let Some(value) = upstream.get(key) {
            out.insert(key.to_owned(), value.clone());
        }
    }
    // Upstream publishes no `servers`; keep ours then.
    if let Some(servers) = upstream.get("servers").or_else(|| current.get("servers")) {
        out.insert("servers".to_owned(), servers.clone());
    }
    let used_tags: BTreeSet<&str> = paths
        .values()
        .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()))
        .flat_map(|op| op.get("tags").and_then(Value::as_array).into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    if let Some(tags) = upstream.get("tags").and_then(Value::as_array) {
        let tags: Vec<Value> = tags
            .iter()
            .filter(|tag| tag.get("name").and_then(Value::as_str).is_some_and(|name| used_tags.contains(name)))
            .cloned()
            .collect();
        out.insert("tags".to_owned(), Value::Array(tags));
    }
    let paths = Value::Object(paths);

    // Every component the operations reach, transitively, plus the security schemes in use.
    let mut components: Map<String, Value> = Map::new();
    let mut pending = Vec::new();
    collect_refs(&paths, &mut pending);
    while let Some((kind, name)) = pending.pop() {
        let section = components.entry(kind.clone()).or_insert_with(|| Value::Object(Map::new()));
        let section = section.as_object_mut().expect("sections are objects");
        if section.contains_key(&name) {
            continue;
        }
        let Some(value) = upstream.pointer(&format!("/components/{kind}/{}", escape(&name))) else {
            bail!("{source}: `#/components/{kind}/{name}` is referenced but not defined");
        };
        section.insert(name, value.clone());
        collect_refs(value, &mut pending);
    }
    let mut schemes = BTreeSet::new();
    let requirements = upstream.get("security").into_iter().chain(
        paths
            .as_object()
            .into_iter()
            .flat_map(|p| p.values())
            .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()))
            .filter_map(|op| op.get("security")),
    );
    for requirement in requirements.filter_map(Value::as_array).flatten() {
        schemes.extend(requirement.as_object().into_iter().flat_map(|m| m.keys().cloned()));
    }
    if !schemes.is_empty() {
        let mut section = Map::new();
        for name in schemes {
            if let Some(scheme) = upstream.pointer(&format!("/components/securitySchemes/{}", escape(&name))) {
                section.insert(name, scheme.clone());
            }
        }
        components.insert("securitySchemes".to_owned(), Value::Object(section));
    }
    out.insert("paths".to_owned(), paths);
    out.insert("components".to_owned(), Value::Object(components));

    // Sorted keys at every level: a stable form, whatever order upstream uses.
    let yaml = serde_yaml::to_string(&sorted(Value::Object(out))).context("cannot write YAML")?;
    Ok(format!(
        "# The mittwald API v2, reduced to the operations the generated client covers and every\n\
         # component they reach. Written by `cargo xtask update-spec` from the official spec; edit\n\
         # the list of operations by hand, then run it again.\n{yaml}"
    ))
}

/// `value` with the members of every object in key order (serde_json keeps insertion order in
/// this workspace, where the generator needs the document's own order).
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(key, value)| (key, sorted(value))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

fn parse(text: &str) -> Result<Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value =
        if text.trim_start().starts_with('{') { serde_json::from_str(text)? } else { serde_yaml::from_str(text)? };
    if !value.is_object() {
        bail!("the document is not an object");
    }
    Ok(value)
}

fn operation_ids(spec: &Value) -> BTreeSet<String> {
    spec.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("operationId").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// Every `#/components/<kind>/<name>` reference under `value`.
fn collect_refs(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if let Some(rest) = reference.strip_prefix("#/components/") {
                    if let Some((kind, name)) = rest.split_once('/') {
                        out.push((kind.to_owned(), name.replace("~1", "/").replace("~0", "~")));
                    }
                }
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
