//! Generation at build time, from a `build.rs`: the client as one module file in `OUT_DIR`,
//! which the crate includes.
//!
//! ```no_run
//! // in build.rs's `fn main`:
//! openapi_rust_gen::build::Builder::new("openapi.yaml").generate().unwrap();
//! ```
//!
//! ```ignore
//! // src/main.rs or src/lib.rs: defines the module `api` (`Builder::module` names another one)
//! include!(concat!(env!("OUT_DIR"), "/api.rs"));
//! ```
//!
//! The crate depends on what the client uses (see the README: reqwest, serde, tokio, ...). Cargo
//! reruns the build script only when the spec changes; the generator's warnings are shown as
//! cargo warnings, with the file, line and column. The standalone crate's features become
//! options here: every tag's operations are generated; `tracing` and `test_util` are off unless
//! asked for.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

use crate::diagnostic::Report;
use crate::{Config, Selection, SpecError};

/// Why `Builder::generate` failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The spec cannot be read, or the output written.
    #[error("{0}")]
    Io(String),
    /// The spec cannot be generated (or `strict` refused a spec bug); the message shows where.
    #[error("{rendered}")]
    Spec {
        /// The error, located.
        error: Box<SpecError>,
        /// It, rendered with the source line.
        rendered: String,
    },
    /// Not run by cargo (no `OUT_DIR`) and no `out_dir` given.
    #[error("OUT_DIR is not set: run from a build script, or set Builder::out_dir")]
    NoOutDir,
}

/// Generates a client module from a spec in a build script.
#[derive(Debug, Clone)]
pub struct Builder {
    spec: PathBuf,
    module: String,
    operations: Option<String>,
    strict: bool,
    tracing: bool,
    test_util: bool,
    out_dir: Option<PathBuf>,
    config: Option<PathBuf>,
}

impl Builder {
    /// The spec, relative to the crate's directory (as a build script runs).
    pub fn new(spec: impl AsRef<Path>) -> Self {
        Self {
            spec: spec.as_ref().to_path_buf(),
            module: "api".to_owned(),
            operations: None,
            strict: false,
            tracing: false,
            test_util: false,
            out_dir: None,
            config: None,
        }
    }

    /// The configuration file (names, types, overlays; see [`crate::config`]); without one,
    /// `openapi-rust-gen.toml` beside the spec if it exists.
    pub fn config(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = Some(path.into());
        self
    }

    /// The module the client becomes, as a path from the crate root (`api`, the default, or
    /// e.g. `clients::petstore` when the file is included inside `mod clients`). The file is
    /// `OUT_DIR/<last segment>.rs`.
    pub fn module(mut self, path: impl Into<String>) -> Self {
        self.module = path.into();
        self
    }

    /// Only these operations: comma-separated operationIds and `tag:<Tag>` items.
    pub fn operations(mut self, selection: impl Into<String>) -> Self {
        self.operations = Some(selection.into());
        self
    }

    /// Fails on a spec bug instead of generating it best-effort with a warning.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// With the `tracing` spans (the crate then depends on `tracing`).
    pub fn tracing(mut self, on: bool) -> Self {
        self.tracing = on;
        self
    }

    /// With the in-process `runtime::Mock` (the crate then depends on `http`).
    pub fn test_util(mut self, on: bool) -> Self {
        self.test_util = on;
        self
    }

    /// Where to write, instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Generates the module; prints `cargo:rerun-if-changed` for the spec and a
    /// `cargo:warning` per generator warning. Returns the path of the file written.
    pub fn generate(self) -> Result<PathBuf, BuildError> {
        println!("cargo:rerun-if-changed={}", self.spec.display());
        let text = std::fs::read_to_string(&self.spec)
            .map_err(|e| BuildError::Io(format!("cannot read {}: {e}", self.spec.display())))?;
        let mut sources = crate::bundle::Sources::new(self.spec.display().to_string(), text);
        let config_path = self.config.clone().or_else(|| {
            let beside = self.spec.parent().unwrap_or(Path::new("")).join(crate::config::FILE_NAME);
            beside.is_file().then_some(beside)
        });
        let settings = match &config_path {
            Some(path) => {
                println!("cargo:rerun-if-changed={}", path.display());
                let text = std::fs::read_to_string(path)
                    .map_err(|e| BuildError::Io(format!("cannot read {}: {e}", path.display())))?;
                let name = path.display().to_string();
                crate::config::parse(&name, &text).map_err(|error| BuildError::Spec {
                    rendered: Report::new(&text, false).human_error(&error),
                    error: Box::new(error),
                })?
            }
            None => crate::config::Settings::default(),
        };
        let folder = config_path.as_deref().and_then(Path::parent).unwrap_or(Path::new("")).to_path_buf();
        let overlays: Vec<String> = settings.overlays.iter().map(|o| folder.join(o).display().to_string()).collect();
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or(BuildError::NoOutDir)?,
        };
        let spec_path = self.spec.display().to_string();
        let config = Config {
            crate_name: "embedded".to_owned(),
            crate_version: "0.0.0".to_owned(),
            spec_path: spec_path.clone(),
            command: "cargo build (build.rs: openapi_rust_gen::build)".to_owned(),
            operations: Selection::parse(self.operations.as_deref().unwrap_or("all")),
            standalone: true,
            runtime_module: true,
            pinned_names: BTreeMap::new(),
            strict: self.strict,
            overlays,
            settings,
        };
        let generated = crate::generate_from(&mut sources, &config);
        for line in rerun_lines(&sources) {
            println!("{line}");
        }
        let report = Report::with_files(sources.root_text(), sources.files(), false);
        let generated = generated
            .map_err(|error| BuildError::Spec { rendered: report.human_error(&error), error: Box::new(error) })?;
        for warning in &generated.warnings {
            // One line per warning: cargo shows each `cargo:warning` line as a warning.
            let position = report.position(warning);
            let at = position.map(|p| format!("{}:{}:{}: ", warning.file, p.line, p.column)).unwrap_or_default();
            println!("cargo:warning={at}{} [{}]", warning.message.replace(['\n', '\r'], " "), warning.kind);
        }
        let module =
            embed(&generated.files, &self.module, &self.enabled_features(&generated.files)).map_err(BuildError::Io)?;
        let name = self.module.rsplit("::").next().unwrap_or("api").trim();
        let path = out_dir.join(format!("{name}.rs"));
        if std::fs::read_to_string(&path).ok().as_deref() != Some(module.as_str()) {
            std::fs::write(&path, module)
                .map_err(|e| BuildError::Io(format!("cannot write {}: {e}", path.display())))?;
        }
        Ok(path)
    }

    /// The standalone crate's features that are on: every tag's and the other types', and
    /// `tracing`, `test-util` as asked.
    fn enabled_features(&self, files: &BTreeMap<String, String>) -> BTreeSet<String> {
        let mut on = BTreeSet::new();
        if let Some(manifest) = files.get("Cargo.toml") {
            let features = manifest.split("[features]").nth(1).unwrap_or_default();
            let features = features.split("\n[").next().unwrap_or_default();
            // Each feature's list (`file = ["streams"]`), followed from `default` as cargo
            // does: a tag's feature turns on the runtime's parts its operations use.
            let lists: BTreeMap<&str, Vec<&str>> = features
                .lines()
                .filter_map(|line| line.split_once(" = "))
                .map(|(name, list)| (name.trim(), list.split('"').skip(1).step_by(2).collect()))
                .collect();
            let mut pending = vec!["default"];
            while let Some(feature) = pending.pop() {
                for &next in lists.get(feature).into_iter().flatten() {
                    if !next.contains('/') && !next.starts_with("dep:") && on.insert(next.to_owned()) {
                        pending.push(next);
                    }
                }
            }
        }
        // The TLS backend is the program's, by the reqwest features it picks: the module installs
        // no rustls provider of its own.
        on.retain(|feature| !matches!(feature.as_str(), "rustls" | "rustls-aws-lc" | "native-tls"));
        if self.tracing {
            on.insert("tracing".to_owned());
        }
        if self.test_util {
            on.insert("test-util".to_owned());
        }
        on
    }
}

/// The crate's files as one module `name` (a path from the crate root): `mod x;` inlined,
/// `crate::` paths rebased, features decided, tests left out.
fn embed(files: &BTreeMap<String, String>, module: &str, features: &BTreeSet<String>) -> Result<String, String> {
    let name = module.rsplit("::").next().unwrap_or(module).trim();
    let mut root = parse_file(files, "src/lib.rs", module, features)?;
    // The crate-level attributes become the module's.
    let inner: Vec<syn::Attribute> = std::mem::take(&mut root.attrs)
        .into_iter()
        .filter(|attr| !attr.path().is_ident("doc") && !attr.path().is_ident("cfg_attr"))
        .collect();
    inline_modules(&mut root.items, files, "src", module, features)?;
    let ident = Ident::new(name, Span::call_site());
    let items = &root.items;
    let tokens = quote::quote! {
        /// The API client generated from the spec by `openapi_rust_gen::build` (do not edit: it
        /// is written at build time).
        pub mod #ident {
            #![allow(dead_code, unused_imports, clippy::all)]
            #(#inner)*
            #(#items)*
        }
    };
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| format!("internal error: the embedded module: {e}"))?;
    Ok(format!(
        "// @generated by openapi_rust_gen::build at build time. Do not edit.\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// `cargo:rerun-if-changed` for every file the spec's references reached besides the spec
/// itself (a split spec): a change to any of them regenerates the client.
fn rerun_lines(sources: &crate::bundle::Sources) -> Vec<String> {
    sources
        .files()
        .keys()
        .filter(|file| file.as_str() != sources.root() && !file.contains("://"))
        .map(|file| format!("cargo:rerun-if-changed={file}"))
        .collect()
}

/// `mod x;` items replaced by inline modules with the file's items, recursively; `#[cfg(test)]`
/// items left out.
fn inline_modules(
    items: &mut Vec<syn::Item>,
    files: &BTreeMap<String, String>,
    dir: &str,
    module: &str,
    features: &BTreeSet<String>,
) -> Result<(), String> {
    items.retain(|item| !is_test_only(item));
    for item in items.iter_mut() {
        let syn::Item::Mod(module_item) = item else { continue };
        if module_item.content.is_some() {
            continue;
        }
        let name = module_item.ident.to_string();
        let name = name.trim_start_matches("r#");
        let (path, sub_dir) = if files.contains_key(&format!("{dir}/{name}.rs")) {
            (format!("{dir}/{name}.rs"), format!("{dir}/{name}"))
        } else {
            (format!("{dir}/{name}/mod.rs"), format!("{dir}/{name}"))
        };
        let mut file = parse_file(files, &path, module, features)?;
        inline_modules(&mut file.items, files, &sub_dir, module, features)?;
        module_item.attrs.extend(file.attrs.into_iter().map(|mut attr| {
            attr.style = syn::AttrStyle::Inner(Default::default());
            attr
        }));
        module_item.content = Some((Default::default(), file.items));
        module_item.semi = None;
    }
    Ok(())
}

fn is_test_only(item: &syn::Item) -> bool {
    let attrs = match item {
        syn::Item::Mod(item) => &item.attrs,
        syn::Item::Fn(item) => &item.attrs,
        syn::Item::Impl(item) => &item.attrs,
        _ => return false,
    };
    attrs.iter().any(|attr| {
        let meta = quote::ToTokens::to_token_stream(&attr.meta).to_string().replace(' ', "");
        attr.path().is_ident("cfg") && meta == "cfg(test)"
    })
}

/// A generated file, its tokens rewritten, parsed.
fn parse_file(
    files: &BTreeMap<String, String>,
    path: &str,
    module: &str,
    features: &BTreeSet<String>,
) -> Result<syn::File, String> {
    let text = files.get(path).ok_or_else(|| format!("internal error: no {path} among the generated files"))?;
    let tokens = TokenStream::from_str(text).map_err(|e| format!("internal error: {path}: {e}"))?;
    let prefix: Vec<Ident> = module.split("::").map(|s| Ident::new(s.trim(), Span::call_site())).collect();
    let tokens = rewrite(tokens, &prefix, features);
    syn::parse2(tokens).map_err(|e| format!("internal error: {path}: {e}"))
}

/// `crate::x` → `crate::<module>::x`, in code and in doc links; `feature = "f"` → `all()` when
/// `f` is on, else `any()`; `docsrs` → `any()`.
fn rewrite(tokens: TokenStream, prefix: &[Ident], features: &BTreeSet<String>) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(tokens.len());
    let mut index = 0;
    while index < tokens.len() {
        match &tokens[index] {
            TokenTree::Ident(ident) if ident == "crate" && is_path_sep(&tokens, index + 1) => {
                out.push(tokens[index].clone());
                for segment in prefix {
                    out.push(TokenTree::Punct(Punct::new(':', Spacing::Joint)));
                    out.push(TokenTree::Punct(Punct::new(':', Spacing::Alone)));
                    out.push(TokenTree::Ident(segment.clone()));
                }
                index += 1;
                continue;
            }
            TokenTree::Ident(ident) if ident == "feature" => {
                if let (Some(TokenTree::Punct(eq)), Some(TokenTree::Literal(name))) =
                    (tokens.get(index + 1), tokens.get(index + 2))
                {
                    if eq.as_char() == '=' {
                        let name = name.to_string();
                        let on = features.contains(name.trim_matches('"'));
                        out.push(TokenTree::Ident(Ident::new(if on { "all" } else { "any" }, Span::call_site())));
                        out.push(TokenTree::Group(Group::new(Delimiter::Parenthesis, TokenStream::new())));
                        index += 3;
                        continue;
                    }
                }
                out.push(tokens[index].clone());
            }
            TokenTree::Ident(ident) if ident == "docsrs" => {
                out.push(TokenTree::Ident(Ident::new("any", Span::call_site())));
                out.push(TokenTree::Group(Group::new(Delimiter::Parenthesis, TokenStream::new())));
            }
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                if text.starts_with('"') && text.contains("crate::") {
                    let module: Vec<String> = prefix.iter().map(ToString::to_string).collect();
                    let rebased = text.replace("crate::", &format!("crate::{}::", module.join("::")));
                    match TokenStream::from_str(&rebased).ok().and_then(|t| t.into_iter().next()) {
                        Some(token) => out.push(token),
                        None => out.push(tokens[index].clone()),
                    }
                } else {
                    out.push(tokens[index].clone());
                }
            }
            TokenTree::Group(group) => {
                let mut rebuilt = Group::new(group.delimiter(), rewrite(group.stream(), prefix, features));
                rebuilt.set_span(group.span());
                out.push(TokenTree::Group(rebuilt));
            }
            other => out.push(other.clone()),
        }
        index += 1;
    }
    out.into_iter().collect()
}

fn is_path_sep(tokens: &[TokenTree], at: usize) -> bool {
    matches!((tokens.get(at), tokens.get(at + 1)), (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_referenced_file_reruns_the_build() {
        let root = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: 'paths/a.yaml'\n";
        let files = BTreeMap::from([
            ("spec/openapi.yaml".to_owned(), root.to_owned()),
            (
                "spec/paths/a.yaml".to_owned(),
                "get:\n  responses:\n    '200':\n      $ref: '../responses/ok.yaml'\n".to_owned(),
            ),
            ("spec/responses/ok.yaml".to_owned(), "description: ok\n".to_owned()),
        ]);
        let mut sources = crate::bundle::Sources::in_memory("spec/openapi.yaml", files);
        crate::bundle::bundle(&mut sources).unwrap();
        assert_eq!(
            rerun_lines(&sources),
            ["cargo:rerun-if-changed=spec/paths/a.yaml", "cargo:rerun-if-changed=spec/responses/ok.yaml"]
        );
    }

    #[test]
    fn the_features_on_follow_the_lists_from_default() {
        // A tag's feature turns on the runtime's parts its operations use, as cargo would.
        let manifest = "[package]\nname = \"x\"\n\n[features]\n\
                        default = [\"files\", \"pets\", \"rustls\"]\n\
                        files = [\"multipart\"]\npets = []\n\
                        rustls = [\"reqwest/rustls-no-provider\", \"dep:rustls\"]\n\
                        streams = [\"reqwest/stream\", \"tokio/fs\"]\n\
                        multipart = [\"streams\", \"reqwest/multipart\"]\n\
                        event-streams = [\"streams\"]\noauth2 = []\n\n[dependencies]\n";
        let files = BTreeMap::from([("Cargo.toml".to_owned(), manifest.to_owned())]);
        let on = Builder::new("spec.yaml").enabled_features(&files);
        let expected: BTreeSet<String> = ["files", "multipart", "pets", "streams"].map(str::to_owned).into();
        assert_eq!(on, expected, "TLS is the program's; event-streams and oauth2 are not asked for");
    }

    #[test]
    fn paths_features_and_docs_are_rewritten() {
        let features: BTreeSet<String> = ["pets".to_owned()].into();
        let prefix = [Ident::new("api", Span::call_site())];
        let code = r#"#[cfg(feature = "pets")] #[cfg(not(feature = "tracing"))] #[cfg_attr(docsrs, doc(cfg(feature = "pets")))]
            /// See [`Client`](crate::Client).
            fn f() -> crate::runtime::Error<()> { matches!(x, crate::A) }"#;
        let out = rewrite(TokenStream::from_str(code).unwrap(), &prefix, &features).to_string();
        assert!(out.contains("cfg (all ())"), "{out}");
        assert!(out.contains("cfg (not (any ()))"), "{out}");
        assert!(out.contains("cfg_attr (any ()"), "{out}");
        assert!(out.contains("crate :: api :: runtime :: Error"), "{out}");
        assert!(out.contains("crate :: api :: A"), "{out}");
        assert!(out.contains("(crate::api::Client)"), "{out}");
    }
}
