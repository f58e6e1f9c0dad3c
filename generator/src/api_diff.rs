//! Compares the public API the generator emits for two specs: operations, parameters, bodies,
//! responses, headers, types, fields, enum values and union variants. Each change is classed as
//! breaking or not for users of the generated crate, and a semver bump is suggested.
//!
//! It reads the lowered model, not the raw spec, so refactors that do not change the emitted
//! API (an object turned into an `allOf` of the same fields) are no change at all; they are
//! listed apart so that a reviewer knows they were seen.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::model::{Api, Body, EventData, Field, Operation, RequestBodyKind, StatusMatch, TypeId, TypeKind, TypeRef};

/// How a change affects users of the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    /// Code that compiled against the old crate may not compile or behave the same.
    Breaking,
    /// New API; existing code keeps working.
    Addition,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Change {
    pub impact: Impact,
    /// What changed, e.g. `type User` or `operation user-get-user`.
    pub subject: String,
    pub description: String,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub changes: Vec<Change>,
    /// Types whose schema changed in the spec while the generated type stayed the same.
    pub refactored_unchanged: Vec<String>,
    /// `major`, `minor` or `patch`, by semver rules (for a 0.x crate, read one place lower).
    pub suggested_bump: &'static str,
}

/// Compares `old` and `new`. `old_schemas` and `new_schemas` map component schema names to
/// their raw JSON, to tell refactored-but-unchanged types apart from untouched ones.
pub fn compare(
    old: &Api,
    new: &Api,
    old_schemas: &BTreeMap<String, String>,
    new_schemas: &BTreeMap<String, String>,
) -> Report {
    let mut changes = Changes::default();

    let old_ops: BTreeMap<&str, &Operation> = old.operations.iter().map(|op| (op.operation_id.as_str(), op)).collect();
    let new_ops: BTreeMap<&str, &Operation> = new.operations.iter().map(|op| (op.operation_id.as_str(), op)).collect();
    for (id, op) in &old_ops {
        if !new_ops.contains_key(id) {
            changes.add(
                Impact::Breaking,
                &format!("operation {id}"),
                format!("removed (`{}::{}`)", op.group, op.fn_name),
            );
        }
    }
    for (id, new_op) in &new_ops {
        let subject = format!("operation {id}");
        let Some(old_op) = old_ops.get(id) else {
            changes.add(Impact::Addition, &subject, format!("added: `{} {}`", new_op.method.as_str(), new_op.path));
            continue;
        };
        for (what, old_value, new_value) in [
            (
                "method and path",
                format!("{} {}", old_op.method.as_str(), old_op.path),
                format!("{} {}", new_op.method.as_str(), new_op.path),
            ),
            (
                "method name",
                format!("{}::{}", old_op.group, old_op.fn_name),
                format!("{}::{}", new_op.group, new_op.fn_name),
            ),
        ] {
            if old_value != new_value {
                changes.add(Impact::Breaking, &subject, format!("{what} changed from `{old_value}` to `{new_value}`"));
            }
        }
        if !old_op.docs.deprecated && new_op.docs.deprecated {
            changes.add(Impact::Addition, &subject, "deprecated".to_owned());
        }
        compare_params(old, new, old_op, new_op, &mut |impact, description| changes.add(impact, &subject, description));
        let old_body = old_op.request_body.as_ref().map(|b| (request_body(old, &b.kind), b.required));
        let new_body = new_op.request_body.as_ref().map(|b| (request_body(new, &b.kind), b.required));
        if old_body != new_body {
            changes.add(
                Impact::Breaking,
                &subject,
                format!("request body changed from {} to {}", show_body(&old_body), show_body(&new_body)),
            );
        }
        let responses = |api: &Api, op: &Operation| -> BTreeMap<String, (String, Vec<(String, String)>)> {
            op.responses
                .iter()
                .map(|r| {
                    let body = match &r.body {
                        Some(Body::Json(ty)) => show(api, ty),
                        Some(Body::Text) => "String".to_owned(),
                        Some(Body::Binary) => "ByteStream".to_owned(),
                        Some(Body::Events(EventData::Json(ty))) => format!("EventStream<{}>", show(api, ty)),
                        Some(Body::Events(EventData::Text)) => "EventStream<String>".to_owned(),
                        Some(Body::Items(ty, _)) => format!("JsonLines<{}>", show(api, ty)),
                        None => "()".to_owned(),
                    };
                    let headers = r.headers.iter().map(|h| (h.wire_name.clone(), show(api, &h.ty))).collect();
                    let status = match r.status {
                        StatusMatch::Code(code) => code.to_string(),
                        StatusMatch::Range(class) => format!("{class}XX"),
                        StatusMatch::Default => "default".to_owned(),
                    };
                    (status, (body, headers))
                })
                .collect()
        };
        let (old_responses, new_responses) = (responses(old, old_op), responses(new, new_op));
        for (status, (old_body, old_headers)) in &old_responses {
            match new_responses.get(status) {
                None => changes.add(Impact::Breaking, &subject, format!("response {status} removed")),
                Some((new_body, new_headers)) => {
                    if old_body != new_body {
                        changes.add(
                            Impact::Breaking,
                            &subject,
                            format!("response {status} body changed from `{old_body}` to `{new_body}`"),
                        );
                    }
                    for (name, ty) in old_headers {
                        match new_headers.iter().find(|(n, _)| n == name) {
                            None => changes.add(
                                Impact::Breaking,
                                &subject,
                                format!("response {status} header `{name}` removed"),
                            ),
                            Some((_, new_ty)) if new_ty != ty => changes.add(
                                Impact::Breaking,
                                &subject,
                                format!("response {status} header `{name}` changed from `{ty}` to `{new_ty}`"),
                            ),
                            Some(_) => {}
                        }
                    }
                    for (name, _) in new_headers {
                        if !old_headers.iter().any(|(n, _)| n == name) {
                            changes.add(Impact::Addition, &subject, format!("response {status} header `{name}` added"));
                        }
                    }
                }
            }
        }
        for status in new_responses.keys() {
            if !old_responses.contains_key(status) {
                // A new status is a new variant of a `#[non_exhaustive]` error enum, or a new
                // successful shape.
                let impact = if status.starts_with('2') { Impact::Breaking } else { Impact::Addition };
                changes.add(impact, &subject, format!("response {status} added"));
            }
        }
    }

    let old_types: BTreeMap<&str, TypeId> = old.types.iter().map(|(id, def)| (def.name.as_str(), id)).collect();
    let new_types: BTreeMap<&str, TypeId> = new.types.iter().map(|(id, def)| (def.name.as_str(), id)).collect();
    let mut refactored_unchanged = Vec::new();
    // A component schema whose type has another name on each side (the configuration renamed
    // it, or its name changed with the spec): a rename, compared as one type.
    let component = |api: &Api, id: TypeId| {
        let origin = &api.types.get(id).origin;
        origin.strip_prefix("/components/schemas/").filter(|rest| !rest.contains('/')).map(str::to_owned)
    };
    let new_by_component: BTreeMap<String, &str> =
        new_types.iter().filter_map(|(name, id)| Some((component(new, *id)?, *name))).collect();
    let mut renamed: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, old_id) in &old_types {
        if new_types.contains_key(name) {
            continue;
        }
        let new_name = component(old, *old_id).and_then(|c| new_by_component.get(&c).copied());
        match new_name {
            Some(new_name) if !old_types.contains_key(new_name) => {
                changes.add(Impact::Breaking, &format!("type {name}"), format!("renamed to `{new_name}`"));
                renamed.insert(new_name, name);
            }
            _ => changes.add(Impact::Breaking, &format!("type {name}"), "removed"),
        }
    }
    for (name, new_id) in &new_types {
        let subject = format!("type {name}");
        let Some(old_id) = old_types.get(name).or_else(|| renamed.get(name).and_then(|old| old_types.get(old))) else {
            changes.add(Impact::Addition, &subject, "added");
            continue;
        };
        let before = changes.0.len();
        compare_types(old, new, *old_id, *new_id, &mut |impact, description| {
            changes.add(impact, &subject, description)
        });
        let origin =
            |api: &Api, id: TypeId| api.types.get(id).origin.strip_prefix("/components/schemas/").map(str::to_owned);
        if changes.0.len() == before {
            if let (Some(old_name), Some(new_name)) = (origin(old, *old_id), origin(new, *new_id)) {
                if old_schemas.get(&old_name) != new_schemas.get(&new_name) {
                    refactored_unchanged.push((*name).to_owned());
                }
            }
        }
    }
    let changes: Vec<Change> = changes.0.into_iter().collect();
    let suggested_bump = if changes.iter().any(|c| c.impact == Impact::Breaking) {
        "major"
    } else if changes.is_empty() {
        "patch"
    } else {
        "minor"
    };
    Report { changes, refactored_unchanged, suggested_bump }
}

/// Changes, sorted and without duplicates.
#[derive(Default)]
struct Changes(BTreeSet<Change>);

impl Changes {
    fn add(&mut self, impact: Impact, subject: &str, description: impl Into<String>) {
        self.0.insert(Change { impact, subject: subject.to_owned(), description: description.into() });
    }
}

fn compare_params(old: &Api, new: &Api, old_op: &Operation, new_op: &Operation, add: &mut impl FnMut(Impact, String)) {
    for param in &old_op.params {
        let key = |p: &crate::model::Parameter| (p.location, p.wire_name.clone());
        match new_op.params.iter().find(|p| key(p) == key(param)) {
            None => add(Impact::Breaking, format!("{:?} parameter `{}` removed", param.location, param.wire_name)),
            Some(new_param) => {
                let (old_ty, new_ty) = (show(old, &param.ty), show(new, &new_param.ty));
                if old_ty != new_ty {
                    add(
                        Impact::Breaking,
                        format!("parameter `{}` changed from `{old_ty}` to `{new_ty}`", param.wire_name),
                    );
                }
                if param.required != new_param.required {
                    let now = if new_param.required { "required" } else { "optional" };
                    add(Impact::Breaking, format!("parameter `{}` is now {now}", param.wire_name));
                }
            }
        }
    }
    for param in &new_op.params {
        if !old_op.params.iter().any(|p| p.location == param.location && p.wire_name == param.wire_name) {
            let (impact, kind) =
                if param.required { (Impact::Breaking, "required") } else { (Impact::Addition, "optional") };
            add(impact, format!("{kind} {:?} parameter `{}` added", param.location, param.wire_name));
        }
    }
}

fn compare_types(old: &Api, new: &Api, old_id: TypeId, new_id: TypeId, add: &mut impl FnMut(Impact, String)) {
    let (old_def, new_def) = (old.types.get(old_id), new.types.get(new_id));
    match (&old_def.kind, &new_def.kind) {
        (TypeKind::Struct(old_fields), TypeKind::Struct(new_fields)) => {
            for field in old_fields {
                match new_fields.iter().find(|f| f.json_name == field.json_name) {
                    None => add(Impact::Breaking, format!("field `{}` removed", field.json_name)),
                    Some(new_field) => {
                        let (old_ty, new_ty) = (field_type(old, field), field_type(new, new_field));
                        if old_ty != new_ty {
                            add(
                                Impact::Breaking,
                                format!("field `{}` changed from `{old_ty}` to `{new_ty}`", field.json_name),
                            );
                        }
                        if !field.docs.deprecated && new_field.docs.deprecated {
                            add(Impact::Addition, format!("field `{}` deprecated", field.json_name));
                        }
                    }
                }
            }
            for field in new_fields {
                if !old_fields.iter().any(|f| f.json_name == field.json_name) {
                    let ty = field_type(new, field);
                    let (impact, kind) = if field.is_option() || field.is_nullable_optional() {
                        (Impact::Addition, "optional")
                    } else {
                        (Impact::Breaking, "required")
                    };
                    add(impact, format!("{kind} field `{}: {ty}` added", field.json_name));
                }
            }
        }
        (TypeKind::StringEnum(old_values), TypeKind::StringEnum(new_values)) => {
            for value in old_values {
                if !new_values.iter().any(|v| v.value == value.value) {
                    add(Impact::Breaking, format!("enum value `{}` removed", value.value));
                }
            }
            for value in new_values {
                if !old_values.iter().any(|v| v.value == value.value) {
                    add(Impact::Addition, format!("enum value `{}` added", value.value));
                }
            }
        }
        (
            TypeKind::TaggedUnion { tag: old_tag, variants: old_variants },
            TypeKind::TaggedUnion { tag: new_tag, variants: new_variants },
        ) => {
            if old_tag != new_tag {
                add(Impact::Breaking, format!("tag changed from `{old_tag}` to `{new_tag}`"));
            }
            for variant in old_variants {
                if !new_variants.iter().any(|v| v.tag_value == variant.tag_value) {
                    add(Impact::Breaking, format!("variant `{}` removed", variant.tag_value));
                }
            }
            for variant in new_variants {
                if !old_variants.iter().any(|v| v.tag_value == variant.tag_value) {
                    add(Impact::Addition, format!("variant `{}` added", variant.tag_value));
                }
            }
        }
        (TypeKind::UntaggedUnion(old_variants), TypeKind::UntaggedUnion(new_variants)) => {
            let show_all = |api: &Api, variants: &[crate::model::UntaggedVariant]| -> Vec<String> {
                variants.iter().map(|v| format!("{}({})", v.rust_name, show(api, &v.ty))).collect()
            };
            let (before, after) = (show_all(old, old_variants), show_all(new, new_variants));
            if before != after {
                add(
                    Impact::Breaking,
                    format!("variants changed from `{}` to `{}`", before.join(" | "), after.join(" | ")),
                );
            }
        }
        (TypeKind::Alias(old_ty), TypeKind::Alias(new_ty)) => {
            let (before, after) = (show(old, old_ty), show(new, new_ty));
            if before != after {
                add(Impact::Breaking, format!("changed from `{before}` to `{after}`"));
            }
        }
        (old_kind, new_kind) => {
            add(Impact::Breaking, format!("changed from {} to {}", kind_name(old_kind), kind_name(new_kind)));
        }
    }
    if !old_def.docs.deprecated && new_def.docs.deprecated {
        add(Impact::Addition, "deprecated".to_owned());
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "a struct",
        TypeKind::StringEnum(_) => "a string enum",
        TypeKind::TaggedUnion { .. } => "a tagged union",
        TypeKind::UntaggedUnion(_) => "an untagged union",
        TypeKind::Alias(_) => "an alias",
    }
}

fn field_type(api: &Api, field: &Field) -> String {
    let ty = show(api, &field.ty);
    if field.is_option() {
        format!("Option<{ty}>")
    } else if field.is_nullable_optional() {
        format!("Nullable<{ty}>")
    } else {
        ty
    }
}

fn request_body(api: &Api, kind: &RequestBodyKind) -> String {
    match kind {
        RequestBodyKind::Json(ty) => format!("JSON {}", show(api, ty)),
        RequestBodyKind::Form(ty) => format!("form {}", show(api, ty)),
        RequestBodyKind::Multipart(ty) => format!("multipart {}", show(api, ty)),
        RequestBodyKind::Binary(content_type) => format!("bytes ({content_type})"),
        RequestBodyKind::Text(content_type) => format!("text ({content_type})"),
    }
}

fn show_body(body: &Option<(String, bool)>) -> String {
    match body {
        None => "none".to_owned(),
        Some((body, true)) => format!("`{body}`"),
        Some((body, false)) => format!("optional `{body}`"),
    }
}

/// A type as the user sees it, e.g. `Vec<User>`.
pub fn show(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Binary => "FilePart".into(),
        TypeRef::Base64 => "Base64".into(),
        TypeRef::Named(id) => api.types.get(*id).name.clone(),
        TypeRef::List(item) => format!("Vec<{}>", show(api, item)),
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", show(api, value)),
        TypeRef::Boxed(inner) => format!("Box<{}>", show(api, inner)),
        TypeRef::Tuple(items) => {
            format!("({})", items.iter().map(|item| show(api, item)).collect::<Vec<_>>().join(", "))
        }
        TypeRef::External(path) | TypeRef::Formatted { path, .. } => path.clone(),
    }
}

impl Report {
    /// Markdown for a pull-request description.
    pub fn to_markdown(&self, old_name: &str, new_name: &str) -> String {
        let mut out = String::new();
        let breaking = self.changes.iter().filter(|c| c.impact == Impact::Breaking).count();
        let additions = self.changes.len() - breaking;
        let _ = writeln!(out, "# API changes: `{old_name}` → `{new_name}`\n");
        let _ = writeln!(
            out,
            "**Suggested version bump: {}** ({breaking} breaking, {additions} non-breaking changes).\n",
            self.suggested_bump
        );
        for (impact, title) in [(Impact::Breaking, "Breaking changes"), (Impact::Addition, "Non-breaking changes")] {
            let changes: Vec<&Change> = self.changes.iter().filter(|c| c.impact == impact).collect();
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "## {title}\n");
            let mut subject = "";
            for change in changes {
                if change.subject != subject {
                    subject = &change.subject;
                    let _ = writeln!(out, "- `{subject}`");
                }
                let _ = writeln!(out, "  - {}", change.description);
            }
            out.push('\n');
        }
        if !self.refactored_unchanged.is_empty() {
            let _ = writeln!(out, "## Refactored in the spec, unchanged in the API\n");
            for name in &self.refactored_unchanged {
                let _ = writeln!(out, "- `{name}`: the schema changed, its public shape did not");
            }
            out.push('\n');
        }
        out
    }
}
