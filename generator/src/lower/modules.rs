//! Files a person can open: the component types without a namespace of their own (GitHub's
//! 969 schemas, all in `types/mod.rs` otherwise: 800,000 lines) are split into modules by the
//! words of their schema's name, so that no file grows past about 20,000 lines.
//!
//! The rule depends on a schema's own name and on its group's size only, so that a schema
//! added upstream moves no other: a type lives in the module of its name's first word
//! (`pull-request-review` → `types/pull.rs`); a group that would still be too large is split by
//! its first two words (`webhook-pull-request-...` → `types/webhook_pull.rs`), and so on. A type
//! moves only when its own group crosses the limit. Modules are private and re-exported, so
//! `types::PullRequestReview` is the path wherever the type is defined. A small spec keeps one
//! file.

use std::collections::BTreeMap;

use crate::model::{Home, TypeDef, TypeKind};

/// The estimated lines of generated code a module may hold before it is split (the emitted
/// lines of a type grow with its fields and variants; measured on GitHub's spec: about 40 lines
/// per type, 15 per field, 5 per variant).
pub(crate) const MODULE_LINES: usize = 12_000;

/// The estimated generated lines of `def`.
pub(crate) fn estimate(def: &TypeDef) -> usize {
    match &def.kind {
        TypeKind::Struct(fields) => 40 + 15 * fields.len(),
        TypeKind::StringEnum(values) => 30 + 5 * values.len(),
        TypeKind::TaggedUnion { variants, .. } => 60 + 10 * variants.len(),
        TypeKind::UntaggedUnion(variants) => 40 + 8 * variants.len(),
        TypeKind::Alias(_) => 3,
    }
}

/// The lowercase words of a schema name (`PullRequestReview`, `pull-request-review`,
/// `pull_request.review` all give `pull request review`).
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        } else {
            let boundary =
                c.is_ascii_uppercase() && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            if boundary && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            word.push(c.to_ascii_lowercase());
        }
        previous = Some(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The words a root type is grouped by: those of the schema it comes from (the component named
/// in its origin, `/components/schemas/<name>/...`, else its own name), then, for a type
/// written inline in it, those of the properties on the way (`.../properties/pull_request/...`
/// gives `pull request`), so that one huge schema can still be split, by the members that hold
/// its inline types.
fn key(def: &TypeDef, namespaced: bool) -> Vec<String> {
    let mut segments = def.origin.split('/').skip(1);
    let (Some("components"), Some(_), Some(name)) = (segments.next(), segments.next(), segments.next()) else {
        return words(&def.name);
    };
    let name = crate::diagnostic::unescape_segment(name);
    // In a namespace's module (`microsoft.graph.user` in `graph`), the name past the namespace.
    let name = if namespaced { name.rsplit('.').next().unwrap_or(&name).to_owned() } else { name };
    let mut key = words(&name);
    for segment in segments {
        let structural = matches!(
            segment,
            "properties" | "items" | "oneOf" | "anyOf" | "allOf" | "additionalProperties" | "prefixItems" | "not"
        );
        if !structural && !segment.bytes().all(|b| b.is_ascii_digit()) {
            key.extend(words(&crate::diagnostic::unescape_segment(segment)));
        }
    }
    key
}

/// Moves the types of a `types` module that would be too large (the root one, or a namespace's:
/// Microsoft Graph's `microsoft.graph.*` all share `graph`) into modules of their names' words
/// (see the module's docs); a namespace's modules keep its name first (`graph_user`).
pub(super) fn split_type_modules(types: &mut [TypeDef]) {
    let mut modules: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for (index, def) in types.iter().enumerate() {
        if let Home::Types(module) = &def.home {
            modules.entry(module.clone()).or_default().push(index);
        }
    }
    for (module, members) in modules {
        if members.iter().map(|&i| estimate(&types[i])).sum::<usize>() <= MODULE_LINES {
            continue;
        }
        let namespace: Vec<String> = module.iter().map(|m| m.trim_start_matches("r#").to_owned()).collect();
        let keys: BTreeMap<usize, Vec<String>> =
            members.iter().map(|&i| (i, key(&types[i], module.is_some()))).collect();
        let mut homes: BTreeMap<usize, String> = BTreeMap::new();
        assign(&members, &keys, 1, types, &namespace, &mut homes);
        for (index, home) in homes {
            types[index].home = Home::Types(Some(home));
        }
    }
}

/// Groups `members` by their first `depth` words; a group over the limit is split by one word
/// more, as long as its names have more words.
fn assign(
    members: &[usize],
    keys: &BTreeMap<usize, Vec<String>>,
    depth: usize,
    types: &[TypeDef],
    namespace: &[String],
    modules: &mut BTreeMap<usize, String>,
) {
    let mut groups: BTreeMap<Vec<&str>, Vec<usize>> = BTreeMap::new();
    for &index in members {
        let words = &keys[&index];
        let prefix: Vec<&str> = words.iter().take(depth).map(String::as_str).collect();
        groups.entry(prefix).or_default().push(index);
    }
    for (prefix, group) in groups {
        let lines: usize = group.iter().map(|&i| estimate(&types[i])).sum();
        let longer = group.iter().any(|i| keys[i].len() > depth);
        if lines > MODULE_LINES && longer {
            assign(&group, keys, depth + 1, types, namespace, modules);
            continue;
        }
        let words: Vec<&str> = namespace.iter().map(String::as_str).chain(prefix).collect();
        let name = module_name(&words);
        for index in group {
            modules.insert(index, name.clone());
        }
    }
}

/// Crates the generated code names by path: a module of the same name would make those paths
/// ambiguous.
const CRATES: &[&str] = &[
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "serde_path_to_error",
    "chrono",
    "uuid",
    "reqwest",
    "bytes",
    "futures_util",
    "tracing",
    "http",
    "time",
    "base64",
    "percent_encoding",
    "tokio",
    "mime_guess",
];

/// A module name for the words `prefix`: snake case, never `mod` (the root's file) nor a crate's
/// name.
fn module_name(prefix: &[&str]) -> String {
    let name = crate::names::snake(&prefix.join("_"));
    let plain = name.trim_start_matches("r#");
    if plain == "mod" || CRATES.contains(&plain) || prefix.is_empty() {
        format!("{}_types", name.trim_start_matches("r#"))
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Docs, Field, TypeRef};

    fn def(name: &str, fields: usize) -> TypeDef {
        let field = Field {
            rust_name: "f".into(),
            json_name: "f".into(),
            ty: TypeRef::String,
            required: true,
            nullable: false,
            docs: Docs::default(),
            flatten: false,
        };
        TypeDef {
            name: crate::names::camel(name),
            home: Home::Types(None),
            docs: Docs::default(),
            kind: TypeKind::Struct(vec![field; fields]),
            origin: format!("/components/schemas/{name}"),
            decoded: false,
            derives: Vec::new(),
            attributes: Vec::new(),
        }
    }

    fn homes(types: &[TypeDef]) -> Vec<(String, String)> {
        types
            .iter()
            .map(|d| {
                let module = match &d.home {
                    Home::Types(module) => module.clone().unwrap_or_default(),
                    Home::Operations(group) => group.clone(),
                };
                (d.name.clone(), module)
            })
            .collect()
    }

    #[test]
    fn names_split_into_words_whatever_their_case() {
        assert_eq!(words("pull-request-review"), ["pull", "request", "review"]);
        assert_eq!(words("PullRequestReview"), ["pull", "request", "review"]);
        assert_eq!(words("de.mittwald.v1.Conversation"), ["de", "mittwald", "v1", "conversation"]);
        assert_eq!(words("HTTPValidationError"), ["httpvalidation", "error"]);
    }

    #[test]
    fn a_small_spec_keeps_one_file_and_a_large_one_splits_by_words_stably() {
        let mut small = vec![def("pet", 10), def("order", 10)];
        split_type_modules(&mut small);
        assert!(small.iter().all(|d| d.home == Home::Types(None)));

        // 60 webhook schemas of 20 fields (too many for one module: split by two words), 40
        // repository ones, one of its own.
        let mut large: Vec<TypeDef> = (0..30)
            .map(|i| def(&format!("webhook-issues-{i}"), 20))
            .chain((0..30).map(|i| def(&format!("webhook-pull-request-{i}"), 20)))
            .chain((0..20).map(|i| def(&format!("repository-{i}"), 20)))
            .chain([def("type", 3)])
            .collect();
        split_type_modules(&mut large);
        let before = homes(&large);
        assert!(before.contains(&("WebhookIssues0".into(), "webhook_issues".into())), "{before:?}");
        assert!(before.contains(&("WebhookPullRequest7".into(), "webhook_pull".into())), "{before:?}");
        assert!(before.contains(&("Repository3".into(), "repository".into())), "{before:?}");
        assert!(before.contains(&("Type".into(), "r#type".into())), "{before:?}");
        assert_eq!(module_name(&["uuid"]), "uuid_types");
        // A namespace's module too large: split by the names past the namespace, under its name.
        let mut graph: Vec<TypeDef> = (0..30)
            .map(|i| def(&format!("microsoft.graph.userSettings{i}"), 20))
            .chain((0..30).map(|i| def(&format!("microsoft.graph.groupPolicy{i}"), 20)))
            .collect();
        for d in &mut graph {
            d.home = Home::Types(Some("graph".into()));
        }
        split_type_modules(&mut graph);
        let graph_homes = homes(&graph);
        assert_eq!(graph_homes[0].1, "graph_user");
        assert_eq!(graph_homes[59].1, "graph_group");
        let mut inline = def("x", 1);
        inline.origin = "/components/schemas/webhook-check/properties/check_run/oneOf/0/properties/app".into();
        assert_eq!(key(&inline, false), ["webhook", "check", "check", "run", "app"]);
        assert_eq!(module_name(&["mod"]), "mod_types");

        // A schema added upstream moves no other type.
        let mut grown = large.clone();
        for d in &mut grown {
            d.home = Home::Types(None);
        }
        grown.push(def("release-asset", 20));
        split_type_modules(&mut grown);
        let after = homes(&grown);
        assert_eq!(&after[..before.len()], &before[..]);
        assert_eq!(after.last().unwrap().1, "release");
    }
}
