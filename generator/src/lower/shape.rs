//! The configuration's names and types applied to the lowered model: component schemas replaced
//! by the program's types (and the spec's `x-rust-type`), types, fields and variants renamed,
//! derives added. Operation and group names are chosen where operations are lowered.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::ReferenceOr;

use super::Lowerer;
use crate::config::{check_type_path, Settings};
use crate::diagnostic::{push_pointer, quoted, Kind, SpecError};
use crate::model::{TypeDef, TypeId, TypeKind, TypeRef};

/// Replaces component schemas by the program's types: `types.replace` of the configuration, and
/// the spec's `x-rust-type` (`{crate, version, path}`, as typify reads it). Returns the
/// dependencies the generated crate needs for them, with the configuration's own.
pub(super) fn replace_types(lowerer: &mut Lowerer<'_>) -> Result<BTreeMap<String, String>, SpecError> {
    let settings = lowerer.settings;
    let mut dependencies = settings.dependencies.clone();
    if super::schema::uses_time(settings) {
        // `time_format` formats and parses with these (the program may ask for more).
        dependencies
            .entry("time".to_owned())
            .or_insert_with(|| r#"{ version = "0.3", features = ["formatting", "parsing", "macros"] }"#.to_owned());
    }
    let schemas = lowerer.spec.components.as_ref().map(|c| &c.schemas);
    for (name, schema) in schemas.into_iter().flatten() {
        let ReferenceOr::Item(schema) = schema else { continue };
        let Some(extension) = schema.schema_data.extensions.get("x-rust-type") else { continue };
        let at = push_pointer(&push_pointer("/components/schemas", name), "x-rust-type");
        let path = extension.get("path").and_then(|p| p.as_str()).or_else(|| extension.as_str());
        let Some(path) = path.filter(|path| check_type_path(path).is_ok()) else {
            lowerer.warn(
                Kind::KeywordValueType,
                &at,
                "`x-rust-type` is not a Rust path (identifiers joined by `::`, in `path`); it is ignored".to_owned(),
            );
            continue;
        };
        if let (Some(krate), Some(version)) =
            (extension.get("crate").and_then(|c| c.as_str()), extension.get("version").and_then(|v| v.as_str()))
        {
            if crate::names::check_crate_name(krate).is_ok() && !version.contains(['"', '\\', '\n']) {
                dependencies.entry(krate.to_owned()).or_insert_with(|| format!("{version:?}"));
            }
        }
        if let Some(&id) = lowerer.components.get(name.as_str()) {
            replace(&mut lowerer.types[id.0], path);
        }
    }
    for (pointer, path) in &settings.types.replace {
        let name = pointer.strip_prefix("#/components/schemas/").map(crate::diagnostic::unescape_segment);
        let id = name.as_deref().and_then(|name| lowerer.components.get(name).copied());
        let Some(id) = id else {
            return Err(settings.error(
                pointer,
                format!("`types.replace` names {}, which is no component schema of the spec", quoted(pointer)),
            ));
        };
        replace(&mut lowerer.types[id.0], path);
    }
    Ok(dependencies)
}

fn replace(def: &mut TypeDef, path: &str) {
    def.kind = TypeKind::Alias(TypeRef::External(path.to_owned()));
    def.docs.description = Some(format!(
        "{}The program's own type `{path}` (set by the configuration or the spec's `x-rust-type`).",
        def.docs.description.as_deref().map(|d| format!("{d}\n\n")).unwrap_or_default()
    ));
}

/// `names.types`, `names.fields` and `names.variants`: each must name something generated, and
/// no new name may clash.
pub(super) fn rename(lowerer: &mut Lowerer<'_>) -> Result<BTreeMap<String, String>, SpecError> {
    let settings = lowerer.settings;
    let types = &mut lowerer.types;
    let mut renames = BTreeMap::new();
    let find = |types: &[TypeDef], name: &str| types.iter().position(|def| def.name == name);
    for (old, new) in &settings.names.types {
        // Already the new name: pinned by the crate's lock file from an earlier run.
        if find(types, old).is_none() && find(types, new).is_some() {
            continue;
        }
        let Some(index) = find(types, old) else {
            return Err(
                settings.error(old, format!("`names.types`: no type `{old}` is generated{}", nearest(types, old)))
            );
        };
        if find(types, new).is_some_and(|other| other != index) {
            return Err(settings.error(old, format!("`names.types`: `{new}` is already the name of another type")));
        }
        types[index].name = new.clone();
        renames.insert(new.clone(), old.clone());
    }
    for (key, new) in &settings.names.fields {
        let (type_name, field) = key.split_once('.').unwrap_or((key, ""));
        let Some(index) = find(types, type_name) else {
            return Err(settings.error(
                key,
                format!("`names.fields`: no type `{type_name}` is generated{}", nearest(types, type_name)),
            ));
        };
        let TypeKind::Struct(fields) = &mut types[index].kind else {
            return Err(settings.error(key, format!("`names.fields`: `{type_name}` is not a struct")));
        };
        let Some(position) = fields.iter().position(|f| f.rust_name == field || f.json_name == field) else {
            let known: Vec<&str> = fields.iter().map(|f| f.rust_name.as_str()).collect();
            return Err(settings.error(
                key,
                format!("`names.fields`: `{type_name}` has no field `{field}` (it has {})", known.join(", ")),
            ));
        };
        if fields.iter().enumerate().any(|(i, f)| i != position && f.rust_name == *new) {
            return Err(settings.error(key, format!("`names.fields`: `{type_name}` already has a field `{new}`")));
        }
        fields[position].rust_name = new.clone();
    }
    for (key, new) in &settings.names.variants {
        let (type_name, variant) = key.split_once('.').unwrap_or((key, ""));
        let Some(index) = find(types, type_name) else {
            return Err(settings.error(
                key,
                format!("`names.variants`: no type `{type_name}` is generated{}", nearest(types, type_name)),
            ));
        };
        let mut names: Vec<&mut String> = match &mut types[index].kind {
            TypeKind::StringEnum(values) => values.iter_mut().map(|v| &mut v.rust_name).collect(),
            TypeKind::TaggedUnion { variants, .. } => variants.iter_mut().map(|v| &mut v.rust_name).collect(),
            TypeKind::UntaggedUnion(variants) => variants.iter_mut().map(|v| &mut v.rust_name).collect(),
            _ => return Err(settings.error(key, format!("`names.variants`: `{type_name}` is not an enum"))),
        };
        if names.iter().any(|name| **name == *new) || new == "Unknown" {
            return Err(settings.error(key, format!("`names.variants`: `{type_name}` already has a variant `{new}`")));
        }
        let Some(name) = names.iter_mut().find(|name| ***name == variant) else {
            return Err(settings.error(key, format!("`names.variants`: `{type_name}` has no variant `{variant}`")));
        };
        **name = new.clone();
    }
    Ok(renames)
}

/// ` (did you mean `X`?)` for the generated type name nearest to `name`, if one is near.
fn nearest(types: &[TypeDef], name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    types
        .iter()
        .map(|def| def.name.as_str())
        .filter(|candidate| {
            let candidate = candidate.to_ascii_lowercase();
            candidate.contains(&lower) || lower.contains(&candidate)
        })
        .min_by_key(|candidate| candidate.len().abs_diff(name.len()))
        .map(|candidate| format!(" (did you mean `{candidate}`?)"))
        .unwrap_or_default()
}

/// Traits a type can derive only if every value inside allows them (no floats, no JSON values,
/// no bytes, no program's types whose traits are unknown).
const STRICT_TRAITS: &[&str] = &["Hash", "Eq", "PartialOrd", "Ord"];

/// `types.derives` on every type that can have them; `types.derive` on the named types and the
/// types they hold.
pub(super) fn derives(types: &mut [TypeDef], settings: &Settings) -> Result<(), SpecError> {
    let plain = plain_types(types);
    for (index, def) in types.iter_mut().enumerate() {
        for derive in &settings.types.derives {
            let strict = STRICT_TRAITS.contains(&derive.as_str());
            if !strict || plain[index] {
                def.derives.push(derive.clone());
            }
        }
    }
    for (name, attributes) in &settings.types.attributes {
        let every = name == "*";
        if !every && !types.iter().any(|def| def.name == *name) {
            return Err(settings
                .error(name, format!("`types.attributes`: no type `{name}` is generated{}", nearest(types, name))));
        }
        for def in types.iter_mut().filter(|def| every || def.name == *name) {
            // A type alias takes no attributes of a struct's or an enum's.
            if !matches!(def.kind, TypeKind::Alias(_)) {
                def.attributes.extend(attributes.iter().cloned());
            }
        }
    }
    for (name, derives) in &settings.types.derive {
        let Some(start) = types.iter().position(|def| def.name == *name) else {
            return Err(
                settings.error(name, format!("`types.derive`: no type `{name}` is generated{}", nearest(types, name)))
            );
        };
        let mut seen = BTreeSet::new();
        let mut stack = vec![TypeId(start)];
        while let Some(id) = stack.pop() {
            if !seen.insert(id.0) {
                continue;
            }
            for derive in derives {
                if !types[id.0].derives.contains(derive) {
                    types[id.0].derives.push(derive.clone());
                }
            }
            stack.extend(super::prune::held(&types[id.0].kind));
        }
    }
    Ok(())
}

/// Which types hold only values that are `Hash`, `Eq` and `Ord` (a fixpoint: a type is plain
/// until something it holds is not). Tagged unions keep an unknown variant as JSON: never plain.
fn plain_types(types: &[TypeDef]) -> Vec<bool> {
    fn plain_ref(ty: &TypeRef, plain: &[bool]) -> bool {
        match ty {
            TypeRef::String
            | TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::Uuid
            | TypeRef::DateTime
            | TypeRef::Date => true,
            TypeRef::F32 | TypeRef::F64 | TypeRef::Json | TypeRef::Binary | TypeRef::Base64 | TypeRef::External(_) => {
                false
            }
            // `time`'s types and integers are; floats are not.
            TypeRef::Formatted { path, .. } => !matches!(path.as_str(), "f32" | "f64"),
            TypeRef::Named(id) => plain[id.0],
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => plain_ref(inner, plain),
            TypeRef::Tuple(items) => items.iter().all(|item| plain_ref(item, plain)),
        }
    }
    let mut plain = vec![true; types.len()];
    loop {
        let mut changed = false;
        for (index, def) in types.iter().enumerate() {
            if !plain[index] {
                continue;
            }
            let ok = match &def.kind {
                TypeKind::Struct(fields) => fields.iter().all(|f| plain_ref(&f.ty, &plain)),
                TypeKind::StringEnum(_) => true,
                TypeKind::Alias(ty) => plain_ref(ty, &plain),
                TypeKind::UntaggedUnion(variants) => variants.iter().all(|v| plain_ref(&v.ty, &plain)),
                // An unknown variant is kept as JSON.
                TypeKind::TaggedUnion { .. } => false,
            };
            if !ok {
                plain[index] = false;
                changed = true;
            }
        }
        if !changed {
            return plain;
        }
    }
}
