//! Lowering: the spec, with `$ref`s resolved, into the [`crate::model`]. Every naming and
//! shaping decision is made here.

pub(crate) mod modules;
mod operation;
mod prune;
mod schema;
mod shape;

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::config::Settings;
use crate::diagnostic::{push_pointer, quoted, Kind, Location, SpecError, Warning};
use crate::model::{Api, DefaultAuth, Home, TypeDef, TypeId, TypeKind, TypeRef, TypeSpace, UntaggedVariant};
use crate::names::{camel, snake, Namer};
use crate::Selection;
use schema::{docs, Place, Shape};

/// Lowers `spec` (read from `file`) into the model, with the warnings worth showing.
pub fn lower(
    file: &str,
    spec: &OpenAPI,
    selection: &Selection,
    pinned: &BTreeMap<String, String>,
) -> Result<(Api, Vec<Warning>), SpecError> {
    lower_with(file, spec, selection, pinned, &Settings::default())
}

/// [`lower`] with the names and types the configuration file chooses.
pub fn lower_with(
    file: &str,
    spec: &OpenAPI,
    selection: &Selection,
    pinned: &BTreeMap<String, String>,
    settings: &Settings,
) -> Result<(Api, Vec<Warning>), SpecError> {
    let mut lowerer = Lowerer::new(file, spec, settings);
    if spec.servers.is_empty() {
        lowerer.warn(
            Kind::NoServers,
            "",
            "the spec names no `servers`: the client has no default base URL, and building one without \
             `ClientBuilder::base_url` is an error (`BuildError::NoBaseUrl`)"
                .to_owned(),
        );
    }
    lowerer.components(pinned)?;
    let (groups, operations) = lowerer.operations(selection)?;
    break_alias_cycles(&mut lowerer);
    let lowerer_dependencies = shape::replace_types(&mut lowerer)?;
    let type_renames = shape::rename(&mut lowerer)?;
    box_recursive_fields(&mut lowerer.types);
    shape::derives(&mut lowerer.types, settings)?;
    let webhooks = lowerer.webhooks()?;
    let mut api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        // Without servers, no default: the client asks for a base URL (never a silent localhost).
        base_url: spec.servers.first().map(|server| server.url.trim_end_matches('/').to_owned()).unwrap_or_default(),
        default_auth: lowerer.default_auth(),
        oauth2: lowerer.oauth2_flows(),
        types: TypeSpace { types: lowerer.types },
        groups,
        operations,
        webhooks,
        type_features: Vec::new(),
        dependencies: lowerer_dependencies,
        time_format: schema::uses_time(settings),
        type_renames,
        default_features: None,
    };
    if let Selection::Only(_) = selection {
        prune::keep_reachable(&mut api);
    }
    modules::split_type_modules(&mut api.types.types);
    prune::mark_decoded(&mut api);
    if api.has_tag_features() {
        api.type_features = prune::type_features(&api);
    }
    if let Some(chosen) = &settings.default_features {
        let known = crate::emit::features::all_features(&api);
        if let Some(unknown) = chosen.iter().find(|f| !known.contains(f)) {
            return Err(settings.error(
                "default-features",
                format!("`default-features`: the crate has no feature {unknown:?} (it has {})", known.join(", ")),
            ));
        }
        api.default_features = Some(chosen.clone());
    }
    Ok((api, lowerer.warnings))
}

pub(crate) struct Lowerer<'s> {
    file: &'s str,
    spec: &'s OpenAPI,
    settings: &'s Settings,
    types: Vec<TypeDef>,
    type_names: Namer,
    /// Component schema name to its type.
    components: HashMap<&'s str, TypeId>,
    /// Body types of responses already lowered, by the pointer of the response.
    response_types: HashMap<String, TypeRef>,
    /// The inline schemas being lowered, outermost first: their pointer and reserved type. An
    /// inline schema reached again while it is being lowered (through the properties an allOf
    /// copies from a `$ref`'d part) is that type: the cycle ends there.
    inline_stack: Vec<(String, TypeId)>,
    /// Inline unions of component types already lowered, by where their type lives and their
    /// schema's JSON: the same union written in several places is one type.
    inline_unions: std::collections::HashMap<(Home, String), TypeId>,
    warnings: Vec<Warning>,
}

impl<'s> Lowerer<'s> {
    fn new(file: &'s str, spec: &'s OpenAPI, settings: &'s Settings) -> Self {
        Self {
            file,
            spec,
            settings,
            types: Vec::new(),
            type_names: {
                let mut names = Namer::new();
                for prelude in crate::names::PRELUDE_TYPES {
                    names.unique(prelude);
                }
                names
            },
            components: HashMap::new(),
            response_types: HashMap::new(),
            inline_stack: Vec::new(),
            inline_unions: std::collections::HashMap::new(),
            warnings: Vec::new(),
        }
    }

    fn error(&self, pointer: &str, message: String) -> SpecError {
        SpecError {
            kind: Kind::Error,
            file: self.file.to_owned(),
            location: Location::Pointer(pointer.to_owned()),
            message,
        }
    }

    fn warn(&mut self, kind: Kind, pointer: &str, message: String) {
        let warning = SpecError { kind, ..self.error(pointer, message) };
        self.warnings.push(warning);
    }

    fn reserve(&mut self, def: TypeDef) -> TypeId {
        self.types.push(def);
        TypeId(self.types.len() - 1)
    }

    /// Reserves every component schema under its pinned or short name first, so that inline
    /// types never take a component's name, then lowers them in spec order.
    fn components(&mut self, pinned: &BTreeMap<String, String>) -> Result<(), SpecError> {
        let Some(components) = &self.spec.components else { return Ok(()) };
        let chosen = self.choose_component_names(&components.schemas, pinned);
        for ((name, schema), short) in components.schemas.iter().zip(chosen) {
            let docs = match schema {
                ReferenceOr::Item(schema) => docs(&schema.schema_data),
                ReferenceOr::Reference { .. } => Default::default(),
            };
            let id = self.reserve(TypeDef {
                name: short,
                home: Home::Types(namespace(name)),
                docs,
                kind: TypeKind::Alias(TypeRef::Json),
                origin: push_pointer("/components/schemas", name),
                decoded: false,
                derives: Vec::new(),
                attributes: Vec::new(),
            });
            self.components.insert(name.as_str(), id);
        }
        for (name, schema) in &components.schemas {
            let id = self.components[name.as_str()];
            let pointer = push_pointer("/components/schemas", name);
            let kind = match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.component_schema(reference, &push_pointer(&pointer, "$ref"))?;
                    if target == id {
                        return Err(self.error(&pointer, "the schema is a `$ref` to itself".to_owned()));
                    }
                    TypeKind::Alias(TypeRef::Named(target))
                }
                ReferenceOr::Item(schema) => {
                    let type_name = self.types[id.0].name.clone();
                    let home = self.types[id.0].home.clone();
                    let place = Place { name: &type_name, home: &home, pointer: &pointer, depth: 0 };
                    match self.shape(schema, &place)? {
                        Shape::Kind(kind) => kind,
                        Shape::Ref(ty) => TypeKind::Alias(ty),
                    }
                }
            };
            self.types[id.0].kind = kind;
        }
        Ok(())
    }

    /// The type name of every component schema, in spec order: its pinned name where it has a
    /// usable one, else its short name, qualified further if a pinned name took it. Reserves
    /// them all.
    fn choose_component_names(
        &mut self,
        schemas: &IndexMap<String, ReferenceOr<Schema>>,
        pinned: &BTreeMap<String, String>,
    ) -> Vec<String> {
        let mut chosen: Vec<Option<String>> = vec![None; schemas.len()];
        for (slot, name) in chosen.iter_mut().zip(schemas.keys()) {
            let Some(pin) = pinned.get(name) else { continue };
            if crate::names::is_type_name(pin) && !self.type_names.is_taken(pin) {
                *slot = Some(self.type_names.unique(pin));
            } else {
                let pointer = push_pointer("/components/schemas", name);
                let message = format!(
                    "the pinned type name `{pin}` is not a usable type name (or is pinned twice); \
                     a new one is chosen"
                );
                self.warn(Kind::PinnedName, &pointer, message);
            }
        }
        let shorts = short_names(schemas.keys().map(String::as_str));
        schemas
            .keys()
            .zip(shorts)
            .zip(chosen)
            .map(|((name, short), chosen)| {
                chosen.unwrap_or_else(|| {
                    // A pinned name may hold this short name: take more of the dotted name.
                    let parts: Vec<String> = name.split('.').map(camel).collect();
                    let longer = (1..=parts.len())
                        .map(|count| parts[parts.len() - count..].concat())
                        .skip_while(|candidate| *candidate != short)
                        .find(|candidate| !self.type_names.is_taken(candidate));
                    self.type_names.unique(longer.as_deref().unwrap_or(&short))
                })
            })
            .collect()
    }

    /// Resolves `#/components/schemas/<name>`, following chains of references.
    fn resolve_schema(&self, reference: &str, pointer: &str) -> Result<(&'s str, &'s Schema), SpecError> {
        let mut reference = reference;
        for _ in 0..32 {
            let name = component_name(reference, "schemas").ok_or_else(|| {
                self.error(
                    pointer,
                    format!(
                        "unsupported `$ref` {}: only `#/components/schemas/...` is supported here",
                        quoted(reference)
                    ),
                )
            })?;
            let (key, schema) =
                self.spec.components.as_ref().and_then(|c| c.schemas.get_key_value(name.as_ref())).ok_or_else(
                    || self.error(pointer, format!("unresolvable `$ref` {}: no such schema", quoted(reference))),
                )?;
            match schema {
                ReferenceOr::Item(schema) => return Ok((key.as_str(), schema)),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        Err(self.error(pointer, format!("the `$ref` chain starting at {} does not end", quoted(reference))))
    }

    /// Resolves `reference` to `#/components/<kind>/<name>` in `components` (the spec's map of
    /// that kind): the component's name and value. `pointer` locates the `$ref` for errors.
    fn resolve_component<T>(
        &self,
        components: Option<&'s IndexMap<String, ReferenceOr<T>>>,
        kind: &str,
        reference: &str,
        pointer: &str,
    ) -> Result<(&'s str, &'s T), SpecError> {
        let what = kind.trim_end_matches('s');
        let mut reference = reference;
        // A component may itself be a `$ref` to another: followed, up to a bound (a cycle).
        for _ in 0..32 {
            let name = component_name(reference, kind)
                .ok_or_else(|| self.error(pointer, format!("unsupported `$ref` {} for a {what}", quoted(reference))))?;
            let (key, value) = components.and_then(|map| map.get_key_value(name.as_ref())).ok_or_else(|| {
                self.error(pointer, format!("unresolvable `$ref` {}: no such {what}", quoted(reference)))
            })?;
            match value {
                ReferenceOr::Item(value) => return Ok((key.as_str(), value)),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        Err(self.error(pointer, format!("the {what} `$ref` chain starting at {} does not end", quoted(reference))))
    }

    /// The webhooks `normalize` listed (3.1 `webhooks`), each with the component schema it
    /// made of the payload.
    fn webhooks(&self) -> Result<Vec<crate::model::Webhook>, SpecError> {
        let Some(serde_json::Value::Object(listed)) = self.spec.extensions.get(crate::normalize::WEBHOOKS) else {
            return Ok(Vec::new());
        };
        let mut variants = Namer::new();
        let mut out = Vec::with_capacity(listed.len());
        for (name, entry) in listed {
            let text = |key: &str| entry.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            let component = text("component");
            let Some(&id) = self.components.get(component.as_str()) else { continue };
            out.push(crate::model::Webhook {
                name: name.clone(),
                variant: variants.unique(&camel(name)),
                method: text("method"),
                docs: crate::model::Docs { description: Some(text("description")), ..Default::default() },
                payload: TypeRef::Named(id),
            });
        }
        Ok(out)
    }

    /// The flows of the OAuth2 scheme the spec requires first, else of the first one it
    /// declares. A relative token URL is resolved against the server URL.
    fn oauth2_flows(&self) -> crate::model::OAuth2Flows {
        let Some(schemes) = self.spec.components.as_ref().map(|c| &c.security_schemes) else {
            return Default::default();
        };
        let oauth2 = |name: &str| match schemes.get(name) {
            Some(ReferenceOr::Item(openapiv3::SecurityScheme::OAuth2 { flows, .. })) => Some(flows),
            _ => None,
        };
        let required = self.spec.security.iter().flatten().flat_map(|requirement| requirement.keys());
        let Some(flows) = required.chain(schemes.keys()).find_map(|name| oauth2(name)) else {
            return Default::default();
        };
        // A relative token URL stays relative: the runtime resolves it against the base URL the
        // client is built with, which need not be the spec's first server.
        let flow = |token_url: &str, scopes: &indexmap::IndexMap<String, String>| crate::model::OAuth2Flow {
            token_url: token_url.to_owned(),
            scopes: scopes.keys().cloned().collect(),
        };
        crate::model::OAuth2Flows {
            client_credentials: flows.client_credentials.as_ref().map(|f| flow(&f.token_url, &f.scopes)),
            authorization_code: flows.authorization_code.as_ref().map(|f| flow(&f.token_url, &f.scopes)),
            password: flows.password.as_ref().map(|f| flow(&f.token_url, &f.scopes)),
        }
    }

    fn default_auth(&self) -> DefaultAuth {
        let schemes = self.spec.components.as_ref().map(|c| &c.security_schemes);
        let first = self.spec.security.iter().flatten().flat_map(|requirement| requirement.keys()).next();
        let scheme = first.and_then(|name| schemes?.get(name));
        match scheme {
            Some(ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Header,
                name,
                ..
            })) => DefaultAuth::ApiKeyHeader(name.clone()),
            Some(ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Query,
                name,
                ..
            })) => DefaultAuth::ApiKeyQuery(name.clone()),
            Some(ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. }))
                if scheme.eq_ignore_ascii_case("bearer") =>
            {
                DefaultAuth::Bearer
            }
            Some(ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. }))
                if scheme.eq_ignore_ascii_case("basic") =>
            {
                DefaultAuth::Basic
            }
            _ => DefaultAuth::None,
        }
    }
}

/// The name of `#/components/<kind>/<name>`, unescaped.
fn component_name<'r>(reference: &'r str, kind: &str) -> Option<std::borrow::Cow<'r, str>> {
    let rest = reference.strip_prefix("#/components/")?.strip_prefix(kind)?.strip_prefix('/')?;
    if rest.contains('/') {
        return None;
    }
    Some(if rest.contains('~') { rest.replace("~1", "/").replace("~0", "~").into() } else { rest.into() })
}

/// The type name of every component schema in `api`, by component name (the lock file's
/// content, see [`crate::names::LOCK_FILE`]).
pub fn component_type_names(api: &Api) -> BTreeMap<String, String> {
    api.types
        .iter()
        .filter_map(|(_, def)| {
            let component = component_name(&format!("#{}", def.origin), "schemas")?.into_owned();
            // The name before the configuration's rename: the rename is applied on every run,
            // so taking it out of the configuration takes it back.
            let name = api.type_renames.get(&def.name).unwrap_or(&def.name);
            Some((component, name.clone()))
        })
        .collect()
}

/// `de.mittwald.v1.conversation.Conversation` lives in module `conversation`.
fn namespace(name: &str) -> Option<String> {
    let mut segments = name.rsplit('.');
    segments.next();
    segments.next().map(snake)
}

/// The shortest readable type names: the last segment of a dotted name, with as many of the
/// preceding segments as it takes to tell apart names that would otherwise be the same.
fn short_names<'n>(names: impl Iterator<Item = &'n str>) -> Vec<String> {
    // Each segment is converted once; only names with the same last segment are compared.
    let parts: Vec<Vec<String>> = names.map(|name| name.split('.').map(camel).collect()).collect();
    let short = |index: usize, count: usize| -> String {
        let segments = &parts[index];
        segments[segments.len().saturating_sub(count)..].concat()
    };
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for index in 0..parts.len() {
        groups.entry(short(index, 1)).or_default().push(index);
    }
    (0..parts.len())
        .map(|index| {
            let group = &groups[&short(index, 1)];
            let mut count = 1;
            loop {
                let candidate = short(index, count);
                let clashes = group.iter().any(|&other| other != index && short(other, count) == candidate);
                if !clashes || count >= parts[index].len() {
                    return candidate;
                }
                count += 1;
            }
        })
        .collect()
}

/// A type alias that contains itself (which Rust refuses): one that is only another name of
/// itself (`S: {allOf: [$ref: S]}`) says nothing about its values, any JSON value with a
/// warning; one that contains itself through a list or map (`S: {type: array, items: {$ref:
/// S}}`, nested lists as GeoJSON has) becomes an untagged enum of one variant, which serde
/// reads and writes as the value itself.
fn break_alias_cycles(lowerer: &mut Lowerer<'_>) {
    /// Whether `ty` reaches `target` through aliases and containers; `through` tells whether
    /// a container was passed.
    fn reaches(types: &[TypeDef], ty: &TypeRef, target: usize, through: bool, depth: usize) -> Option<bool> {
        if depth > 64 {
            return None;
        }
        match ty {
            TypeRef::Named(id) if id.0 == target => Some(through),
            TypeRef::Named(id) => match &types[id.0].kind {
                TypeKind::Alias(inner) => reaches(types, inner, target, through, depth + 1),
                _ => None,
            },
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => {
                reaches(types, inner, target, true, depth + 1)
            }
            TypeRef::Tuple(items) => items.iter().find_map(|item| reaches(types, item, target, true, depth + 1)),
            _ => None,
        }
    }
    for index in 0..lowerer.types.len() {
        let TypeKind::Alias(ty) = &lowerer.types[index].kind else { continue };
        match reaches(&lowerer.types, ty, index, false, 0) {
            None => {}
            Some(true) => {
                let ty = ty.clone();
                let rust_name = match &ty {
                    TypeRef::List(_) => "List".to_owned(),
                    TypeRef::Map(_) => "Map".to_owned(),
                    other => schema::variant_name_of(other),
                };
                lowerer.types[index].kind = TypeKind::UntaggedUnion(vec![UntaggedVariant { rust_name, ty }]);
            }
            Some(false) => {
                lowerer.types[index].kind = TypeKind::Alias(TypeRef::Json);
                let pointer = lowerer.types[index].origin.clone();
                let name = lowerer.types[index].name.clone();
                lowerer.warn(
                    Kind::CyclicAllOf,
                    &pointer,
                    format!(
                        "`{name}` is only a reference to itself (through `allOf` or other schemas); any JSON value \
                         is accepted here"
                    ),
                );
            }
        }
    }
}

/// A struct that contains itself (directly, or through other structs, options and unions, but
/// not through a list or map) has infinite size: box the fields that close such a cycle.
fn box_recursive_fields(types: &mut [TypeDef]) {
    fn direct(ty: &TypeRef, out: &mut Vec<TypeId>) {
        match ty {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Boxed(_) | TypeRef::List(_) | TypeRef::Map(_) => {}
            _ => {}
        }
    }
    let edges: Vec<Vec<TypeId>> = types
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            match &def.kind {
                TypeKind::Struct(fields) => fields.iter().for_each(|f| direct(&f.ty, &mut out)),
                TypeKind::TaggedUnion { variants, .. } => out.extend(variants.iter().map(|v| v.payload)),
                TypeKind::UntaggedUnion(variants) => variants.iter().for_each(|v| direct(&v.ty, &mut out)),
                TypeKind::Alias(ty) => direct(ty, &mut out),
                TypeKind::StringEnum(_) => {}
            }
            out
        })
        .collect();
    let reaches = |from: TypeId, target: TypeId| -> bool {
        let mut seen = vec![false; edges.len()];
        let mut stack = vec![from];
        while let Some(id) = stack.pop() {
            if id == target {
                return true;
            }
            if !std::mem::replace(&mut seen[id.0], true) {
                stack.extend(edges[id.0].iter().copied());
            }
        }
        false
    };
    let mut boxes = Vec::new();
    for (index, def) in types.iter().enumerate() {
        let me = TypeId(index);
        let mut check = |ty: &TypeRef, slot: usize| {
            if let TypeRef::Named(id) = ty {
                if reaches(*id, me) {
                    boxes.push((index, slot));
                }
            }
        };
        match &def.kind {
            TypeKind::Struct(fields) => fields.iter().enumerate().for_each(|(i, f)| check(&f.ty, i)),
            TypeKind::UntaggedUnion(variants) => variants.iter().enumerate().for_each(|(i, v)| check(&v.ty, i)),
            _ => {}
        }
    }
    for (index, slot) in boxes {
        let ty = match &mut types[index].kind {
            TypeKind::Struct(fields) => &mut fields[slot].ty,
            TypeKind::UntaggedUnion(variants) => &mut variants[slot].ty,
            _ => continue,
        };
        *ty = TypeRef::Boxed(Box::new(ty.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_disambiguate_by_namespace() {
        let names = [
            "de.mittwald.v1.conversation.User",
            "de.mittwald.v1.user.User",
            "de.mittwald.v1.conversation.Status",
            "Plain",
        ];
        assert_eq!(short_names(names.iter().copied()), ["ConversationUser", "UserUser", "Status", "Plain"]);
    }

    #[test]
    fn component_names_unescape() {
        assert_eq!(component_name("#/components/schemas/a~1b~0c", "schemas").as_deref(), Some("a/b~c"));
        assert_eq!(component_name("#/components/responses/x", "schemas"), None);
        assert_eq!(component_name("other.yaml#/x", "schemas"), None);
    }
}
