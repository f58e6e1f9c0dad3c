//! Cargo features per tag: `#[cfg]` attributes for the items of the tags a crate leaves out.
//! An API with one tag has none of this (see [`Api::has_tag_features`]).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, TypeId, TypeKind, OTHER_TYPES_FEATURE, WEBHOOKS_FEATURE};

/// `#[cfg(..)]` for code that compiles with any of `features`. No `doc(cfg)` beside it: on docs.rs
/// the crate's `feature(doc_cfg)` labels every gated item with its features by itself.
pub fn cfg_any<'f>(features: impl IntoIterator<Item = &'f str>) -> TokenStream {
    let features: BTreeSet<&str> = features.into_iter().collect();
    let predicate = match features.len() {
        // Nothing needs it: compiled with every feature on, which keeps it checked.
        0 => quote!(all()),
        1 => {
            let feature = features.iter().next().expect("one feature");
            quote!(feature = #feature)
        }
        _ => {
            let features = features.iter();
            quote!(any(#(feature = #features),*))
        }
    };
    quote!(#[cfg(#predicate)])
}

/// The `#[cfg]` of a type, or nothing for a crate without tag features.
pub fn type_cfg(api: &Api, id: TypeId) -> Option<TokenStream> {
    let features = api.type_features.get(id.0)?;
    Some(cfg_any(features.iter().map(String::as_str)))
}

/// `tokens` (items) with `cfg` put on each item, except trait impls: two or more go into one
/// `const _: () = { .. };` block under one `cfg` (as serde's derives emit theirs), which keeps a
/// type that many tags reach from repeating its long feature list over every impl. Items are split
/// at the token level, without parsing: every item the generator emits ends with a top-level `;`
/// or `{ .. }` block, and attributes are `#[..]` (a bracket group), so no item boundary is missed.
pub fn gate(tokens: TokenStream, cfg: Option<&TokenStream>) -> TokenStream {
    let Some(cfg) = cfg else { return tokens };
    let mut out = TokenStream::new();
    let mut trait_impls = Vec::new();
    for item in items(tokens) {
        if is_trait_impl(&item) {
            trait_impls.push(item);
        } else {
            out.extend(cfg.clone());
            out.extend(item);
        }
    }
    match trait_impls.len() {
        0 => {}
        1 => {
            out.extend(cfg.clone());
            out.extend(trait_impls);
        }
        _ => out.extend(quote! {
            #cfg
            const _: () = {
                #(#trait_impls)*
            };
        }),
    }
    out
}

/// `tokens` split into items (see [`gate`]).
fn items(tokens: TokenStream) -> Vec<TokenStream> {
    use proc_macro2::{Delimiter, TokenTree};
    let mut items = Vec::new();
    let mut item = TokenStream::new();
    for token in tokens {
        let ends_item = match &token {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            _ => false,
        };
        item.extend([token]);
        if ends_item {
            items.push(std::mem::take(&mut item));
        }
    }
    if !item.is_empty() {
        items.push(item);
    }
    items
}

/// Whether an item is `impl .. for ..` (after its attributes).
fn is_trait_impl(item: &TokenStream) -> bool {
    use proc_macro2::TokenTree;
    let mut tokens = item.clone().into_iter().peekable();
    // Attributes: `#` then a bracket group.
    while matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '#') {
        tokens.next();
        tokens.next();
    }
    if !matches!(tokens.next(), Some(TokenTree::Ident(i)) if i == "impl") {
        return false;
    }
    tokens
        .take_while(|t| !matches!(t, TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace))
        .any(|t| matches!(t, TokenTree::Ident(i) if i == "for"))
}

/// The client's `[features]` entries: `default` (the tags, webhooks and other types, the runtime
/// parts the spec uses and the TLS backend), the tag features, and the runtime's features
/// (forwarded to the runtime's crate when it is one, `runtime_crate`).
pub fn cargo_features(api: &Api, runtime_crate: bool) -> String {
    let features = content_features(api);
    let mut defaults = features.clone();
    defaults.extend(runtime_defaults(api));
    defaults.push("rustls".to_owned());
    let quoted: Vec<String> = defaults.iter().map(|f| format!("\"{f}\"")).collect();
    let mut out = String::new();
    if api.has_tag_features() {
        out.push_str(
            "# One feature per tag: its operations and the types they reach. All on by default; with\n\
             # `default-features = false` pick the tags a program uses, which compiles far less.\n",
        );
    }
    match &api.default_features {
        Some(chosen) => {
            let chosen: Vec<String> = chosen.iter().map(|f| format!("\"{f}\"")).collect();
            out.push_str("# Chosen by the configuration's `default-features`.\n");
            out.push_str(&format!("default = [{}]\n", chosen.join(", ")));
        }
        None => out.push_str(&format!("default = [{}]\n", quoted.join(", "))),
    }
    // A tag turns on the runtime's parts its operations and types use.
    let parts = if api.has_tag_features() { runtime_parts(api) } else { BTreeMap::new() };
    for feature in &features {
        let uses: Vec<String> =
            parts.get(feature.as_str()).into_iter().flatten().map(|part| format!("\"{part}\"")).collect();
        out.push_str(&format!("{feature} = [{}]\n", uses.join(", ")));
    }
    out.push_str(&runtime_features(if runtime_crate { Some("runtime/") } else { None }));
    out
}

/// The runtime's features: in the runtime's own crate (`forward` `None`), or in the client,
/// where each turns on the runtime's (`forward` the dependency's `runtime/`) as well as its own
/// `cfg`s. With the runtime as the client's module (a build script's), the client's features are
/// the runtime's.
pub fn runtime_features(forward: Option<&str>) -> String {
    const TLS: &str = "# The TLS backend of reqwest: rustls with *ring*'s cryptography and the platform's certificate
# verifier (the default; a light first build), rustls with aws-lc-rs (its C library takes
# minutes to build), or the system's native TLS (OpenSSL on Linux). Without any, only plain
# http works.";
    // Each feature: the comment above it, its name, and what it turns on in the runtime's crate.
    let features: [(&str, &str, &[&str]); 9] = [
        (TLS, "rustls", &["reqwest/rustls-no-provider", "dep:rustls", "rustls/ring"]),
        ("", "rustls-aws-lc", &["reqwest/rustls"]),
        ("", "native-tls", &["reqwest/native-tls"]),
        (
            "# The runtime's OAuth2 client (`runtime::OAuth2`: client credentials, refresh and password
# flows); on by default when the spec declares an OAuth2 flow.",
            "oauth2",
            &[],
        ),
        (
            "# The runtime's streamed bodies: downloads (`runtime::ByteStream`) and uploads from files or
# streams (`runtime::Upload`); on with the tags whose operations send or receive them.",
            "streams",
            &["reqwest/stream", "tokio/fs", "tokio/io-util"],
        ),
        (
            "# `multipart/form-data` request bodies and their files (`runtime::FilePart`); on with the
# tags whose operations or types use them.",
            "multipart",
            &["streams", "reqwest/multipart"],
        ),
        (
            "# The runtime's streams of server-sent events and JSON sequences (`runtime::EventStream`,
# `runtime::JsonLines`); on with the tags whose operations stream them.",
            "event-streams",
            &["streams"],
        ),
        (
            "# A `tracing` span per operation call and an event per retry (no secrets in any field).",
            "tracing",
            &["dep:tracing"],
        ),
        (
            "# `runtime::Mock`: an in-process mock of the API for the tests of programs that use the crate.",
            "test-util",
            &["dep:http"],
        ),
    ];
    let mut out = String::new();
    for (comment, name, own) in features {
        let items: Vec<String> = match forward {
            // The client keeps the features among them (`streams`) and turns on the runtime's own.
            Some(prefix) => own
                .iter()
                .filter(|item| !item.contains(['/', ':']))
                .map(|item| item.to_string())
                .chain([format!("{prefix}{name}")])
                .collect(),
            None => own.iter().map(|item| item.to_string()).collect(),
        };
        let quoted: Vec<String> = items.iter().map(|item| format!("\"{item}\"")).collect();
        if !comment.is_empty() {
            out.push_str(comment);
            out.push('\n');
        }
        out.push_str(&format!("{name} = [{}]\n", quoted.join(", ")));
    }
    out
}

/// The runtime's optional parts (`event-streams`, `streams`, `multipart`) each content feature
/// needs, by feature name; under `""` those of a crate without tag features. An operation needs
/// what its code calls ([`Operation::runtime_parts`](crate::model::Operation::runtime_parts)),
/// and a type that holds a file (`runtime::FilePart`) needs `multipart` under each feature it
/// compiles with.
pub fn runtime_parts(api: &Api) -> BTreeMap<String, BTreeSet<&'static str>> {
    let tags = api.has_tag_features();
    let mut parts: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    for op in &api.operations {
        let feature = if tags { Api::group_feature(&op.group) } else { String::new() };
        parts.entry(feature).or_default().extend(op.runtime_parts());
    }
    for (id, def) in api.types.types.iter().enumerate() {
        if !holds_file(&def.kind) {
            continue;
        }
        let features = if tags { api.type_features.get(id).cloned().unwrap_or_default() } else { vec![String::new()] };
        for feature in features {
            parts.entry(feature).or_default().insert("multipart");
        }
    }
    for parts in parts.values_mut() {
        // `event-streams` and `multipart` turn `streams` on themselves.
        if parts.contains("event-streams") || parts.contains("multipart") {
            parts.remove("streams");
        }
    }
    parts.retain(|_, parts| !parts.is_empty());
    parts
}

/// Whether a type holds a `format: binary` value (a `runtime::FilePart`) itself, in a field,
/// variant or alias, or a list, map, box or tuple of them.
fn holds_file(kind: &TypeKind) -> bool {
    match kind {
        TypeKind::Struct(fields) => fields.iter().any(|f| f.ty.holds_file()),
        TypeKind::UntaggedUnion(variants) => variants.iter().any(|v| v.ty.holds_file()),
        TypeKind::Alias(ty) => ty.holds_file(),
        TypeKind::TaggedUnion { .. } | TypeKind::StringEnum(_) => false,
    }
}

/// The runtime's parts the spec uses, on by default: `oauth2` when it declares an OAuth2 flow;
/// for a crate without tag features, the [`runtime_parts`] its operations and types use (tag
/// features turn those on themselves).
fn runtime_defaults(api: &Api) -> Vec<String> {
    let oauth2 = &api.oauth2;
    let declared =
        oauth2.client_credentials.is_some() || oauth2.authorization_code.is_some() || oauth2.password.is_some();
    let mut defaults: Vec<String> = declared.then(|| "oauth2".to_owned()).into_iter().collect();
    defaults.extend(required_parts(api).into_iter().map(str::to_owned));
    defaults
}

/// The [`runtime_parts`] a crate without tag features uses: nothing turns them on with the
/// operations, so they are default features, and required (none for a crate with tags).
pub fn required_parts(api: &Api) -> BTreeSet<&'static str> {
    if api.has_tag_features() {
        return BTreeSet::new();
    }
    runtime_parts(api).remove("").unwrap_or_default()
}

/// The features of the API's content: one per tag, webhooks and other types (none for a crate
/// without tag features).
fn content_features(api: &Api) -> Vec<String> {
    let mut features: Vec<String> = Vec::new();
    if api.has_tag_features() {
        features.extend(api.groups.iter().map(|g| Api::group_feature(&g.module)));
        if !api.webhooks.is_empty() {
            features.push(WEBHOOKS_FEATURE.to_owned());
        }
        if api.type_features.iter().any(|f| f.iter().any(|f| f == OTHER_TYPES_FEATURE)) {
            features.push(OTHER_TYPES_FEATURE.to_owned());
        }
    }
    features
}

/// Every feature the crate has: [`content_features`], the TLS backends and the runtime's.
pub fn all_features(api: &Api) -> Vec<String> {
    let mut features = content_features(api);
    features.extend(
        [
            "rustls",
            "rustls-aws-lc",
            "native-tls",
            "oauth2",
            "streams",
            "multipart",
            "event-streams",
            "tracing",
            "test-util",
            "deserialize-all",
        ]
        .map(str::to_owned),
    );
    features
}

/// The table of features for the crate docs.
pub fn docs_table(api: &Api) -> Vec<String> {
    if !api.has_tag_features() {
        return Vec::new();
    }
    let mut lines = vec![
        String::new(),
        " ## Features".to_owned(),
        String::new(),
        " One Cargo feature per tag, all on by default. With `default-features = false` and".to_owned(),
        " `features = [\"<tag>\"]`, only that tag's operations and the types they reach compile.".to_owned(),
        String::new(),
        " | feature | operations | types |".to_owned(),
        " |---|---:|---:|".to_owned(),
    ];
    let count_types = |feature: &str| api.type_features.iter().filter(|f| f.iter().any(|f| f == feature)).count();
    for group in &api.groups {
        let feature = Api::group_feature(&group.module);
        let operations = api.operations.iter().filter(|op| op.group == group.module).count();
        lines.push(format!(" | `{feature}` | {operations} | {} |", count_types(&feature)));
    }
    for (feature, what) in [(WEBHOOKS_FEATURE, "webhook payloads"), (OTHER_TYPES_FEATURE, "schemas no operation uses")]
    {
        let types = count_types(feature);
        if types > 0 {
            lines.push(format!(" | `{feature}` | {what} | {types} |"));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gated(tokens: TokenStream) -> String {
        let cfg = cfg_any(["pets", "stores"]);
        let file: syn::File = syn::parse2(gate(tokens, Some(&cfg))).expect("gated items parse");
        prettyplease::unparse(&file)
    }

    #[test]
    fn trait_impls_share_one_cfg_and_the_rest_carry_their_own() {
        let text = gated(quote! {
            #[derive(Debug)]
            pub struct Pet;
            impl Pet { pub fn name(&self) -> &str { "" } }
            impl serde::Serialize for Pet { fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_unit() } }
            impl<'de> serde::Deserialize<'de> for Pet { fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> { todo!() } }
        });
        // The struct and the inherent impl (whose methods rustdoc lists on the type) each have a
        // cfg; the two trait impls one between them, around a `const _` block.
        assert_eq!(text.matches(r#"#[cfg(any(feature = "pets", feature = "stores"))]"#).count(), 3, "{text}");
        assert!(text.contains("const _: () = {\n    impl serde::Serialize for Pet"), "{text}");
        assert!(!text.contains("doc(cfg"), "docs.rs labels gated items itself: {text}");
    }

    #[test]
    fn one_trait_impl_is_gated_in_place() {
        let text = gated(quote! {
            pub struct Pet;
            impl From<u8> for Pet { fn from(_: u8) -> Self { Pet } }
        });
        assert!(!text.contains("const _"), "{text}");
        assert_eq!(text.matches("#[cfg(").count(), 2, "{text}");
    }
}
