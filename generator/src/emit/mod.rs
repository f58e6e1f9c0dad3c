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

/// The hand-written runtime, copied into every generated client: as its own crate (`runtime/`,
/// `mod.rs` as its `src/lib.rs`) or as the client's `runtime` module ([`Config::runtime_module`]).
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
    /// `runtime/Cargo.toml`: the runtime's own crate.
    RuntimeCargoToml,
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
pub fn plan<'a>(
    api: &'a Api,
    config: &Config,
    layouts: &'a HashMap<&'a str, operations::Layout>,
) -> Vec<(String, File<'a>, usize)> {
    let mut files = vec![
        ("Cargo.toml".to_owned(), File::CargoToml, 1),
        (crate::names::LOCK_FILE.to_owned(), File::TypeNames, 1),
        ("src/lib.rs".to_owned(), File::Lib, 1),
        ("src/operations/mod.rs".to_owned(), File::OperationsMod, api.groups.len()),
    ];
    for (name, _) in RUNTIME {
        let path = match (config.runtime_module, *name) {
            (true, _) => format!("src/runtime/{name}"),
            (false, "mod.rs") => "runtime/src/lib.rs".to_owned(),
            (false, _) => format!("runtime/src/{name}"),
        };
        files.push((path, File::Runtime(name), 1));
    }
    if !config.runtime_module {
        files.push(("runtime/Cargo.toml".to_owned(), File::RuntimeCargoToml, 1));
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
        File::RuntimeCargoToml => Emitted::Text(runtime_cargo_toml(config)),
        File::TypeNames => Emitted::Text(crate::names::lock_text(&crate::lower::component_type_names(api))),
        File::Lib => Emitted::Rust(lib_rs(api, config)),
        File::Runtime(name) => {
            let text = RUNTIME.iter().find(|(n, _)| *n == name).map(|(_, text)| *text).unwrap_or_default();
            match name {
                "mod.rs" => Emitted::Text(format!("{text}\n{}", api_defaults(api, config))),
                _ => Emitted::Text(text.to_owned()),
            }
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
    plan(api, config, &layouts).into_iter().map(|(path, file, _)| (path, emit_file(api, config, file))).collect()
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
    let description = description.map(|d| inner_docs(&d));
    let (runtime_doc, runtime_item) = if config.runtime_module {
        (
            " part (HTTP, authentication, retries, errors), copied from the generator.",
            quote!(
                pub mod runtime;
            ),
        )
    } else {
        (
            " part (HTTP, authentication, retries, errors), a crate of its own beside this one.",
            quote!(
                pub use ::runtime;
            ),
        )
    };
    quote! {
        #![doc = #title]
        #![doc = ""]
        #description
        #![doc = ""]
        #![doc = #version]
        #![doc = ""]
        #![doc = " The `types` and `operations` modules are generated; `runtime` is the hand-written"]
        #![doc = #runtime_doc]
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
        // Links to the runtime name it `crate::runtime::..`, which holds whether the runtime is a
        // crate (then `runtime::..` alone resolves too, and rustdoc calls the target redundant)
        // or a build script's module.
        #![allow(rustdoc::redundant_explicit_links)]

        // The spec decides how deep its types nest (`Vec<Vec<Vec<..>>>`) and what its
        // operations are called (an operation `new` or `add` returns its builder); the
        // hand-written runtime keeps these lints.
        #[allow(clippy::type_complexity, clippy::new_ret_no_self, clippy::should_implement_trait)]
        pub mod operations;
        #runtime_item
        #[allow(clippy::type_complexity)]
        pub mod types;
        #webhooks
        #time_format

        pub use runtime::{Auth, BuildError, RetryPolicy, DEFAULT_BASE_URL};
        #(#parts_required)*

        /// The API client: cheap to clone, share it between tasks. Its accessors (one per tag,
        /// e.g. `client.conversation()`) lead to the operations; the runtime's client under it
        /// ([`runtime::Client`]: the base URL, ..) is reached through `Deref`.
        #[derive(Clone)]
        pub struct Client(runtime::Client);

        impl Client {
            /// A client for the spec's server, authenticated with `token` in the default scheme.
            pub fn new(token: impl Into<String>) -> Result<Self, BuildError> {
                Self::builder().token(token).build()
            }

            /// A builder to configure base URL, authentication, timeouts and retries.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// A client that also runs `interceptor` on its calls: for a header or a recording on
            /// some calls only (`client.with_interceptor(x)`, then an operation). It shares
            /// everything else with this one (connections, the `If-Event-Reached` state).
            pub fn with_interceptor(&self, interceptor: impl runtime::Interceptor + 'static) -> Self {
                Self(self.0.with_interceptor(interceptor))
            }
        }

        impl std::ops::Deref for Client {
            type Target = runtime::Client;

            fn deref(&self) -> &runtime::Client {
                &self.0
            }
        }

        impl From<runtime::Client> for Client {
            fn from(client: runtime::Client) -> Self {
                Self(client)
            }
        }

        impl std::fmt::Debug for Client {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        /// Configures and builds a [`Client`].
        pub type ClientBuilder = runtime::ClientBuilder<Client>;
    }
}

/// The API's defaults the runtime reads at its root (`super::DEFAULT_BASE_URL` from its
/// modules), appended to its `mod.rs` (`lib.rs`): the server, how [`runtime::ClientBuilder::token`]
/// sends a token, the OAuth2 flows and the `User-Agent`.
fn api_defaults(api: &Api, config: &Config) -> String {
    let base_url = &api.base_url;
    let (default_auth, auth_doc) = match &api.default_auth {
        DefaultAuth::ApiKeyHeader(header) => (
            quote!(DefaultAuth::ApiKeyHeader(#header)),
            format!(" [`ClientBuilder::token`] sends the token in the `{header}` header."),
        ),
        DefaultAuth::ApiKeyQuery(name) => (
            quote!(DefaultAuth::ApiKeyQuery(#name)),
            format!(" [`ClientBuilder::token`] sends the token in the query parameter `{name}`."),
        ),
        DefaultAuth::Basic => (
            quote!(DefaultAuth::Basic),
            " [`ClientBuilder::token`] takes `user:password` for HTTP Basic (or use [`ClientBuilder::basic_auth`])."
                .to_owned(),
        ),
        DefaultAuth::Bearer | DefaultAuth::None => {
            (quote!(DefaultAuth::Bearer), " [`ClientBuilder::token`] sends the token as a bearer token.".to_owned())
        }
    };
    let flow = |flow: &Option<crate::model::OAuth2Flow>| match flow {
        Some(flow) => {
            let (url, scopes) = (&flow.token_url, &flow.scopes);
            quote!(Some(OAuth2Flow { token_url: #url, scopes: &[#(#scopes),*] }))
        }
        None => quote!(None),
    };
    let (client_credentials, authorization_code, password) =
        (flow(&api.oauth2.client_credentials), flow(&api.oauth2.authorization_code), flow(&api.oauth2.password));
    // A build script's module is part of the program's crate: its name and version.
    let user_agent = if config.runtime_module {
        quote!(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")))
    } else {
        let agent = format!("{}/{}", config.crate_name, config.crate_version);
        quote!(#agent)
    };
    let tokens = quote! {
        /// The server the client talks to unless told otherwise (empty when the spec names none:
        /// then `ClientBuilder::base_url` is required).
        pub const DEFAULT_BASE_URL: &str = #base_url;

        #[doc = #auth_doc]
        pub(crate) const DEFAULT_AUTH: DefaultAuth = #default_auth;

        /// The OAuth2 flows the spec declares: the defaults of [`OAuth2`]'s token URL and scopes.
        #[cfg(feature = "oauth2")]
        pub(crate) const OAUTH2_FLOWS: OAuth2Flows = OAuth2Flows {
            client_credentials: #client_credentials,
            authorization_code: #authorization_code,
            password: #password,
        };

        /// The `User-Agent` the client sends unless told otherwise: the client crate's name and version.
        pub(crate) const USER_AGENT: &str = #user_agent;
    };
    let mut file: syn::File = syn::parse2(tokens).expect("the runtime's defaults are valid Rust");
    format!(
        "// The API's defaults, from the spec (appended by the generator; the rest of this file is\n\
         // generator/runtime/mod.rs).\n\n{}",
        crate::render::spaced(&crate::render::unparse(&mut file))
    )
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

/// The runtime's dependencies (of the client when the runtime is its module).
const RUNTIME_DEPENDENCIES: &str = r#"bytes = "1"
chrono = { version = "0.4.38", default-features = false, features = ["std", "serde"] }
futures-util = { version = "0.3", default-features = false, features = ["std"] }
http = { version = "1", optional = true }
httpdate = "1"
percent-encoding = "2"
reqwest = { version = "0.13", default-features = false, features = ["http2"] }
rustls = { version = "0.23", default-features = false, features = ["std", "tls12"], optional = true }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_path_to_error = "0.1"
serde_urlencoded = "0.7"
thiserror = "2"
tokio = { version = "1", features = ["time", "sync"] }
tracing = { version = "0.1", default-features = false, features = ["std"], optional = true }
uuid = { version = "1", features = ["serde"] }
"#;

/// The dependencies the generated types and operations use themselves, beside the runtime's
/// crate: their lines of [`RUNTIME_DEPENDENCIES`], so that both crates name the same versions.
const CLIENT_DEPENDENCIES: &[&str] = &["chrono", "futures-util", "reqwest", "serde", "serde_json", "uuid"];

const DEV_DEPENDENCIES: &str = r#"tokio = { version = "1", features = ["macros", "rt-multi-thread", "net", "io-util"] }
"#;

fn cargo_toml(api: &Api, config: &Config) -> String {
    let tag_features = features::cargo_features(api, !config.runtime_module);
    let docs_rs = if api.has_tag_features() {
        "\n[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n"
    } else {
        ""
    };
    let dependencies = if config.runtime_module {
        RUNTIME_DEPENDENCIES.to_owned()
    } else {
        // The exact version: the runtime's hidden items are the generated code's, not an API.
        format!(
            "# The hand-written runtime (HTTP, authentication, retries, errors), in `runtime/`.\n\
             runtime = {{ package = \"{name}-runtime\", version = \"={version}\", path = \"runtime\" }}\n{used}",
            name = config.crate_name,
            version = config.crate_version,
            used = RUNTIME_DEPENDENCIES
                .lines()
                .filter(|line| line.split_once(" = ").is_some_and(|(name, _)| CLIENT_DEPENDENCIES.contains(&name)))
                .map(|line| format!("{line}\n"))
                .collect::<String>(),
        )
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

[dependencies]
{dependencies}{extra}
[dev-dependencies]
{DEV_DEPENDENCIES}{workspace}"#,
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

/// `runtime/Cargo.toml`: the runtime as a crate of its own, `<client>-runtime`, versioned with
/// the client.
fn runtime_cargo_toml(config: &Config) -> String {
    format!(
        r#"[package]
name = "{name}-runtime"
version = "{version}"
edition = "2021"
rust-version = "1.85"
description = "The runtime of {name} (HTTP, authentication, retries, errors), generated beside it"
license = "MIT OR Apache-2.0"

[features]
{features}
[dependencies]
{RUNTIME_DEPENDENCIES}
[dev-dependencies]
{DEV_DEPENDENCIES}"#,
        name = config.crate_name,
        version = config.crate_version,
        features = features::runtime_features(None),
    )
}
