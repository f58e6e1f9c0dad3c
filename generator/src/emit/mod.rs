//! Emitting: the model to token streams and text files of a standalone crate.

pub(crate) mod docs;
pub(crate) mod features;
pub mod operations;
mod types;
mod webhooks;

use std::collections::{BTreeMap, HashMap};

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, DefaultAuth, Docs, Group, Home};
use crate::Config;
use docs::doc_attrs;
use types::{ident, type_def};

/// One emitted file: Rust tokens to format, or text to write as it is.
pub enum Emitted {
    Rust(TokenStream),
    Text(String),
}

/// The hand-written runtime, copied into every generated crate.
const RUNTIME: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("base64.rs", include_str!("../../runtime/base64.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("events.rs", include_str!("../../runtime/events.rs")),
    ("format.rs", include_str!("../../runtime/format.rs")),
    ("intercept.rs", include_str!("../../runtime/intercept.rs")),
    ("json_lines.rs", include_str!("../../runtime/json_lines.rs")),
    ("mock.rs", include_str!("../../runtime/mock.rs")),
    ("nullable.rs", include_str!("../../runtime/nullable.rs")),
    ("oauth2.rs", include_str!("../../runtime/oauth2.rs")),
    ("pages.rs", include_str!("../../runtime/pages.rs")),
    ("request.rs", include_str!("../../runtime/request.rs")),
    ("response.rs", include_str!("../../runtime/response.rs")),
    ("serde_helpers.rs", include_str!("../../runtime/serde_helpers.rs")),
    ("sse_parser.rs", include_str!("../../runtime/sse_parser.rs")),
    ("stream.rs", include_str!("../../runtime/stream.rs")),
    ("styles.rs", include_str!("../../runtime/styles.rs")),
    ("token.rs", include_str!("../../runtime/token.rs")),
    ("trace.rs", include_str!("../../runtime/trace.rs")),
];

/// One file of the crate, to be emitted on its own (files are emitted in parallel).
#[derive(Debug, Clone, Copy)]
pub enum File<'a> {
    CargoToml,
    /// [`names::LOCK_FILE`](crate::names::LOCK_FILE).
    TypeNames,
    Lib,
    Runtime(&'static str),
    /// `types/<module>.rs`, or `types/mod.rs` for `None`.
    Types(Option<&'a str>),
    OperationsMod,
    Group(&'a Group, &'a operations::Layout),
    /// `webhooks.rs`, for specs that declare webhooks.
    Webhooks,
    /// `time_format.rs`, when the configuration maps a format to `time`'s types.
    TimeFormat,
    /// `operations/<group>/<part>.rs`: some operations of a large group (the part by its index
    /// among the parts of its [`operations::Layout`]).
    GroupPart(&'a Group, &'a operations::Layout, usize),
}

/// Every file of the crate, by path relative to the crate root, with a rough size for
/// scheduling (the number of items in it).
pub fn plan<'a>(api: &'a Api, layouts: &'a HashMap<&'a str, operations::Layout>) -> Vec<(String, File<'a>, usize)> {
    let mut files = vec![
        ("Cargo.toml".to_owned(), File::CargoToml, 1),
        (crate::names::LOCK_FILE.to_owned(), File::TypeNames, 1),
        ("src/lib.rs".to_owned(), File::Lib, 1),
        ("src/operations/mod.rs".to_owned(), File::OperationsMod, api.groups.len()),
    ];
    for (name, _) in RUNTIME {
        files.push((format!("src/runtime/{name}"), File::Runtime(name), 1));
    }
    let mut modules: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    modules.entry(None).or_default();
    for (_, def) in api.types.iter() {
        if let Home::Types(module) = &def.home {
            *modules.entry(module.as_deref()).or_default() += 1;
        }
    }
    for (module, count) in modules {
        let path = match module {
            Some(module) => format!("src/types/{}.rs", module.trim_start_matches("r#")),
            None => "src/types/mod.rs".to_owned(),
        };
        files.push((path, File::Types(module), count));
    }
    if !api.webhooks.is_empty() {
        files.push(("src/webhooks.rs".to_owned(), File::Webhooks, api.webhooks.len()));
    }
    if api.time_format {
        files.push(("src/time_format.rs".to_owned(), File::TimeFormat, 1));
    }
    static EMPTY: std::sync::OnceLock<operations::Layout> = std::sync::OnceLock::new();
    for group in &api.groups {
        let layout = layouts.get(group.module.as_str()).unwrap_or_else(|| EMPTY.get_or_init(Default::default));
        let weight = 1 + layout.local_types.len() + 4 * layout.members.len();
        let folder = group.module.trim_start_matches("r#");
        let share = weight / (layout.parts.len() + 1);
        files.push((format!("src/operations/{folder}.rs"), File::Group(group, layout), share));
        for (index, part) in layout.parts.keys().enumerate() {
            let path = format!("src/operations/{folder}/{}.rs", part.trim_start_matches("r#"));
            files.push((path, File::GroupPart(group, layout, index), share));
        }
    }
    files
}

/// Emits one file of the [`plan`].
pub fn emit_file(api: &Api, config: &Config, file: File<'_>) -> Emitted {
    match file {
        File::CargoToml => Emitted::Text(cargo_toml(api, config)),
        File::TypeNames => Emitted::Text(crate::names::lock_text(&crate::lower::component_type_names(api))),
        File::Lib => Emitted::Rust(lib_rs(api, config)),
        File::Runtime(name) => {
            let text = RUNTIME.iter().find(|(n, _)| *n == name).map(|(_, text)| *text).unwrap_or_default();
            Emitted::Text(text.to_owned())
        }
        File::Types(module) => Emitted::Rust(types_file(api, module)),
        File::OperationsMod => Emitted::Rust(operations_mod(api)),
        File::Group(group, layout) => Emitted::Rust(operations::group_file(api, group, layout)),
        File::Webhooks => Emitted::Rust(webhooks::webhooks_file(api, &config.crate_name)),
        File::TimeFormat => Emitted::Text(include_str!("../../templates/time_format.rs").to_owned()),
        File::GroupPart(group, layout, index) => Emitted::Rust(operations::part_file(api, group, layout, index)),
    }
}

/// Every file of the crate, by path relative to the crate root, emitted one after the other.
pub fn emit(api: &Api, config: &Config) -> BTreeMap<String, Emitted> {
    let layouts = operations::layouts(api);
    plan(api, &layouts).into_iter().map(|(path, file, _)| (path, emit_file(api, config, file))).collect()
}

/// The most features a types submodule's declaration lists (see [`types_file`]).
const MODULE_CFG_FEATURES: usize = 12;

fn types_file(api: &Api, module: Option<&str>) -> TokenStream {
    let home = Home::Types(module.map(str::to_owned));
    let items = api
        .types
        .iter()
        .filter(|(_, def)| def.home == home)
        .map(|(id, def)| features::gate(type_def(api, def), features::type_cfg(api, id).as_ref()));
    match module {
        Some(_) => quote!(#(#items)*),
        None => {
            // A submodule whose types few features use is declared under them, so that a crate
            // built with those off does not even read its file (parsing every types file was a
            // fifth of a one-tag build of mittwald's crate). The others are declared always: their
            // types carry their own cfgs (the union for a module of a huge API is dozens of
            // features, twice per module), and a module whose types are all off is empty.
            let mut submodules: BTreeMap<&str, Option<std::collections::BTreeSet<&str>>> = BTreeMap::new();
            for (id, def) in api.types.iter() {
                let Home::Types(Some(module)) = &def.home else { continue };
                let union = submodules.entry(module.as_str()).or_insert_with(|| Some(Default::default()));
                match (api.type_features.get(id.0), union.as_mut()) {
                    (Some(features), Some(union)) if !features.is_empty() => {
                        union.extend(features.iter().map(String::as_str))
                    }
                    _ => *union = None,
                }
            }
            let modules = submodules.iter().map(|(module, features)| {
                let cfg = features
                    .as_ref()
                    .filter(|features| features.len() <= MODULE_CFG_FEATURES)
                    .map(|features| features::cfg_any(features.iter().copied()));
                let module = ident(module);
                quote! {
                    #cfg
                    mod #module;
                    #cfg
                    #[allow(unused_imports)]
                    pub use self::#module::*;
                }
            });
            quote! {
                //! The schemas of the API. Every type is reachable here by its short name,
                //! whatever module it is defined in.
                #(#modules)*
                #(#items)*
            }
        }
    }
}

fn operations_mod(api: &Api) -> TokenStream {
    let cfg = |g: &Group| api.has_tag_features().then(|| features::cfg_any([Api::group_feature(&g.module).as_str()]));
    let group_mods = api.groups.iter().map(|g| {
        let (cfg, module) = (cfg(g), ident(&g.module));
        quote!(#cfg pub mod #module;)
    });
    let accessors = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let type_name = ident(&g.type_name);
        let docs = doc_attrs(&Docs { description: g.description.clone(), ..Docs::default() }, &[]);
        let cfg = cfg(g);
        quote! {
            #docs
            #cfg
            pub fn #module(&self) -> #module::#type_name<'_> {
                #module::#type_name { client: self }
            }
        }
    });
    quote! {
        //! The operations of the API, one module per tag. Reach them through the accessors
        //! on [`Client`](crate::Client), e.g. `client.conversation()`.
        #(#group_mods)*

        impl crate::Client {
            #(#accessors)*
        }
    }
}

fn lib_rs(api: &Api, config: &Config) -> TokenStream {
    let title = format!(" # {}", api.title);
    let description = api
        .description
        .as_deref()
        .map(|d| doc_attrs(&Docs { description: Some(d.to_owned()), ..Docs::default() }, &[]));
    let version = format!(" API version {}. Generated from `{}`.", api.version, config.spec_path);
    let base_url = &api.base_url;
    let time_format = api.time_format.then(|| {
        quote!(
            mod time_format;
        )
    });
    let webhooks = (!api.webhooks.is_empty()).then(|| {
        let cfg = api.has_tag_features().then(|| features::cfg_any([crate::model::WEBHOOKS_FEATURE]));
        quote!(
            #cfg
            #[allow(clippy::type_complexity)]
            pub mod webhooks;
        )
    });
    let feature_docs = features::docs_table(api);
    let docs_rs = api.has_tag_features().then(|| quote!(#![cfg_attr(docsrs, feature(doc_cfg))]));
    // Without tag features nothing turns the runtime's parts on or off with the operations
    // that use them: those the crate uses are required, and saying so beats a type error.
    let parts_required = features::required_parts(api).into_iter().map(|part| {
        let message = format!(
            "this API's operations or types use the runtime's `{part}`: the crate needs its `{part}` feature \
             (on by default)"
        );
        quote! {
            #[cfg(not(feature = #part))]
            compile_error!(#message);
        }
    });
    let (default_auth, auth_doc) = match &api.default_auth {
        DefaultAuth::ApiKeyHeader(header) => (
            quote!(runtime::DefaultAuth::ApiKeyHeader(#header)),
            format!(" [`ClientBuilder::token`] sends the token in the `{header}` header."),
        ),
        DefaultAuth::ApiKeyQuery(name) => (
            quote!(runtime::DefaultAuth::ApiKeyQuery(#name)),
            format!(" [`ClientBuilder::token`] sends the token in the query parameter `{name}`."),
        ),
        DefaultAuth::Basic => (
            quote!(runtime::DefaultAuth::Basic),
            " [`ClientBuilder::token`] takes `user:password` for HTTP Basic (or use [`ClientBuilder::basic_auth`])."
                .to_owned(),
        ),
        DefaultAuth::Bearer | DefaultAuth::None => (
            quote!(runtime::DefaultAuth::Bearer),
            " [`ClientBuilder::token`] sends the token as a bearer token.".to_owned(),
        ),
    };
    let description = description.map(|d| inner_docs(&d));
    let flow = |flow: &Option<crate::model::OAuth2Flow>| match flow {
        Some(flow) => {
            let (url, scopes) = (&flow.token_url, &flow.scopes);
            quote!(Some(runtime::OAuth2Flow { token_url: #url, scopes: &[#(#scopes),*] }))
        }
        None => quote!(None),
    };
    let (client_credentials, authorization_code, password) =
        (flow(&api.oauth2.client_credentials), flow(&api.oauth2.authorization_code), flow(&api.oauth2.password));
    quote! {
        #![doc = #title]
        #![doc = ""]
        #description
        #![doc = ""]
        #![doc = #version]
        #![doc = ""]
        #![doc = " The `types` and `operations` modules are generated; `runtime` is the hand-written"]
        #![doc = " part (HTTP, authentication, retries, errors), copied from the generator."]
        #(#![doc = #feature_docs])*
        #docs_rs
        // Deprecated items of the API are used by the generated code itself; users of the crate
        // still get the deprecation warnings.
        #![allow(deprecated)]
        // The docs are the spec's descriptions, as written: Markdown that rustdoc reads well but
        // clippy's doc-formatting lints may not like.
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]
        // A tag or namespace may be called `operations` or `types`, like the modules they live in.
        #![allow(clippy::module_inception)]

        // The spec decides how deep its types nest (`Vec<Vec<Vec<..>>>`) and what its
        // operations are called (an operation `new` or `add` returns its builder); the
        // hand-written runtime keeps these lints.
        #[allow(clippy::type_complexity, clippy::new_ret_no_self, clippy::should_implement_trait)]
        pub mod operations;
        pub mod runtime;
        #[allow(clippy::type_complexity)]
        pub mod types;
        #webhooks
        #time_format

        pub use runtime::{Auth, BuildError, Client, ClientBuilder, RetryPolicy};
        #(#parts_required)*

        /// The server the client talks to unless told otherwise (empty when the spec names none:
        /// then `ClientBuilder::base_url` is required).
        pub const DEFAULT_BASE_URL: &str = #base_url;

        #[doc = #auth_doc]
        pub(crate) const DEFAULT_AUTH: runtime::DefaultAuth = #default_auth;

        /// The OAuth2 flows the spec declares: the defaults of [`runtime::OAuth2`]'s token URL
        /// and scopes.
        #[cfg(feature = "oauth2")]
        pub(crate) const OAUTH2_FLOWS: runtime::OAuth2Flows = runtime::OAuth2Flows {
            client_credentials: #client_credentials,
            authorization_code: #authorization_code,
            password: #password,
        };
    }
}

/// Turns `#[doc = ..]` attributes into inner `#![doc = ..]` ones.
fn inner_docs(outer: &TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    for token in outer.clone() {
        out.extend([token.clone()]);
        if let proc_macro2::TokenTree::Punct(p) = &token {
            if p.as_char() == '#' {
                out.extend([proc_macro2::TokenTree::Punct(proc_macro2::Punct::new('!', proc_macro2::Spacing::Alone))]);
            }
        }
    }
    out
}

fn cargo_toml(api: &Api, config: &Config) -> String {
    let tag_features = features::cargo_features(api);
    let docs_rs = if api.has_tag_features() {
        "\n[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n"
    } else {
        ""
    };
    format!(
        r#"[package]
name = "{name}"
version = "{version}"
edition = "2021"
rust-version = "1.85"
description = "A typed async client for the API described by {spec}"
license = "MIT OR Apache-2.0"
{docs_rs}
[features]
{tag_features}# `Deserialize` also for the types the client only ever encodes (those only request bodies and
# parameters use), e.g. for a mock server; off by default, which saves compile time.
deserialize-all = []
# A `tracing` span per operation call and an event per retry (no secrets in any field).
tracing = ["dep:tracing"]
# `runtime::Mock`: an in-process mock of the API for the tests of programs that use the crate.
test-util = ["dep:http"]

[dependencies]
bytes = "1"
chrono = {{ version = "0.4.38", default-features = false, features = ["std", "serde"] }}
futures-util = {{ version = "0.3", default-features = false, features = ["std"] }}
http = {{ version = "1", optional = true }}
httpdate = "1"
percent-encoding = "2"
reqwest = {{ version = "0.13", default-features = false, features = ["http2"] }}
rustls = {{ version = "0.23", default-features = false, features = ["std", "tls12"], optional = true }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
serde_path_to_error = "0.1"
serde_urlencoded = "0.7"
thiserror = "2"
tokio = {{ version = "1", features = ["time", "sync"] }}
tracing = {{ version = "0.1", default-features = false, features = ["std"], optional = true }}
uuid = {{ version = "1", features = ["serde"] }}
{extra}
[dev-dependencies]
tokio = {{ version = "1", features = ["macros", "rt-multi-thread", "net", "io-util"] }}
{workspace}"#,
        name = config.crate_name,
        version = config.crate_version,
        docs_rs = docs_rs,
        tag_features = tag_features,
        spec = config.spec_path,
        workspace = if config.standalone { "\n[workspace]\n" } else { "" },
        extra = api
            .dependencies
            .iter()
            .map(|(name, value)| format!("# From the configuration or the spec's `x-rust-type`.\n{name} = {value}\n"))
            .collect::<String>(),
    )
}
