//! Cargo features per tag: `#[cfg]` attributes for the items of the tags a crate leaves out.
//! An API with one tag has none of this (see [`Api::has_tag_features`]).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, TypeId, OTHER_TYPES_FEATURE, WEBHOOKS_FEATURE};

/// `#[cfg(..)]` (and its docs.rs `doc(cfg)`) for code that compiles with any of `features`.
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
    quote! {
        #[cfg(#predicate)]
        #[cfg_attr(docsrs, doc(cfg(#predicate)))]
    }
}

/// The `#[cfg]` of a type, or nothing for a crate without tag features.
pub fn type_cfg(api: &Api, id: TypeId) -> Option<TokenStream> {
    let features = api.type_features.get(id.0)?;
    Some(cfg_any(features.iter().map(String::as_str)))
}

/// `tokens` (items) with `cfg` put on each item. Items are split at the token level, without
/// parsing: every item the generator emits ends with a top-level `;` or `{ .. }` block, and
/// attributes are `#[..]` (a bracket group), so no item boundary is missed.
pub fn gate(tokens: TokenStream, cfg: Option<&TokenStream>) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let Some(cfg) = cfg else { return tokens };
    let mut out = TokenStream::new();
    let mut item = TokenStream::new();
    for token in tokens {
        let ends_item = match &token {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            _ => false,
        };
        item.extend([token]);
        if ends_item {
            out.extend(cfg.clone());
            out.extend(std::mem::take(&mut item));
        }
    }
    out.extend(item);
    out
}

/// The crate's `[features]` entries: `default` (the tags, webhooks and other types, and the TLS
/// backend), the tag features, and the TLS backends.
pub fn cargo_features(api: &Api) -> String {
    let features = content_features(api);
    let quoted: Vec<String> = features.iter().chain([&"rustls".to_owned()]).map(|f| format!("\"{f}\"")).collect();
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
    for feature in &features {
        out.push_str(&format!("{feature} = []\n"));
    }
    out.push_str(
        "# The TLS backend of reqwest: rustls (with aws-lc-rs and the platform's certificate\n\
         # verifier; the default), or the system's native TLS (OpenSSL on Linux). Without either,\n\
         # only plain http works.\n\
         rustls = [\"reqwest/rustls\"]\n\
         native-tls = [\"reqwest/native-tls\"]\n",
    );
    out
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
    features.extend(["rustls", "native-tls", "tracing", "test-util", "deserialize-all"].map(str::to_owned));
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
