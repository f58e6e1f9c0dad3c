//! Schemas to types: allOf merging, union tag detection, enums, formats, inline type names.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Discriminator, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaData, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use std::borrow::Borrow;

use super::Lowerer;
use crate::diagnostic::{push_pointer, quoted, Kind, SpecError};
use crate::model::{
    Docs, EnumValue, Field, Home, TaggedVariant, TypeDef, TypeId, TypeKind, TypeRef, UntaggedVariant, WireFormat,
};
use crate::names::{camel, snake, Namer};

/// How deep inline schemas may nest before the spec is rejected (a guard against stack
/// overflows on hostile input; real specs stay far below).
const MAX_DEPTH: usize = 64;

/// What a schema lowers to: a type that needs a name of its own, or a reference to one.
pub(super) enum Shape {
    Kind(TypeKind),
    Ref(TypeRef),
}

/// Where a schema stands, for naming what it contains.
#[derive(Clone)]
pub(super) struct Place<'p> {
    /// The name an inline type here gets, e.g. `ConversationLastMessage`.
    pub name: &'p str,
    pub home: &'p Home,
    pub pointer: &'p str,
    pub depth: usize,
}

impl Place<'_> {
    fn child<'c>(&'c self, name: &'c str, pointer: &'c str) -> Place<'c> {
        Place { name, home: self.home, pointer, depth: self.depth + 1 }
    }
}

/// An object's properties gathered from one schema or the parts of an allOf.
#[derive(Default)]
struct ObjectParts<'s> {
    properties: IndexMap<&'s str, (&'s ReferenceOr<Box<Schema>>, String)>,
    required: Vec<&'s str>,
    additional: Option<&'s AdditionalProperties>,
}

pub(super) fn docs(data: &SchemaData) -> Docs {
    Docs { summary: data.title.clone(), description: data.description.clone(), deprecated: data.deprecated }
}

impl<'s> Lowerer<'s> {
    /// Lowers a schema found at `place`, naming a new type after the place if it needs one.
    pub(super) fn lower_ref(
        &mut self,
        schema: &'s ReferenceOr<impl Borrow<Schema>>,
        place: &Place<'_>,
    ) -> Result<TypeRef, SpecError> {
        match schema {
            ReferenceOr::Reference { reference } => {
                let pointer = push_pointer(place.pointer, "$ref");
                Ok(TypeRef::Named(self.component_schema(reference, &pointer)?))
            }
            ReferenceOr::Item(schema) => self.lower_inline(schema.borrow(), place),
        }
    }

    fn lower_inline(&mut self, schema: &'s Schema, place: &Place<'_>) -> Result<TypeRef, SpecError> {
        if let Some((_, id)) = self.inline_stack.iter().find(|(pointer, _)| pointer == place.pointer) {
            return Ok(TypeRef::Named(*id));
        }
        if place.depth > MAX_DEPTH {
            let chain: Vec<&str> =
                self.inline_stack.iter().rev().take(8).map(|(_, id)| self.types[id.0].name.as_str()).collect();
            return Err(self.error(
                place.pointer,
                format!(
                    "inline schemas nest deeper than {MAX_DEPTH} levels here (inside `{}`{})",
                    chain.join("` in `"),
                    if self.inline_stack.len() > 8 { " and more" } else { "" }
                ),
            ));
        }
        let new_type = |lowerer: &mut Self, name: String| {
            lowerer.reserve(TypeDef {
                name,
                home: place.home.clone(),
                docs: docs(&schema.schema_data),
                kind: TypeKind::Alias(TypeRef::Json),
                origin: place.pointer.to_owned(),
                decoded: false,
                derives: Vec::new(),
                attributes: Vec::new(),
            })
        };
        if !self.needs_name(schema) {
            return match self.shape(schema, place)? {
                Shape::Ref(ty) => Ok(ty),
                // `needs_name` is a prediction made before lowering; should a shape it did not
                // foresee still be a kind of its own, it gets its name now (no inner type can
                // refer to it, since it was not reserved: it is not recursive).
                Shape::Kind(kind) => {
                    let name = self.type_names.unique(place.name);
                    let id = new_type(self, name);
                    self.types[id.0].kind = kind;
                    Ok(TypeRef::Named(id))
                }
            };
        }
        // A union of component types depends on nothing but its schema: written again elsewhere
        // (FastAPI repeats `Cat | Dog` in `Pet`, `PetCreate`, `PetUpdate`), it is the same type.
        let union_key = union_of_references(schema)
            .then(|| serde_json::to_string(schema).ok().map(|json| (place.home.clone(), json)))
            .flatten();
        if let Some(&id) = union_key.as_ref().and_then(|key| self.inline_unions.get(key)) {
            return Ok(TypeRef::Named(id));
        }
        let name = self.type_names.unique(place.name);
        let id = new_type(self, name.clone());
        self.inline_stack.push((place.pointer.to_owned(), id));
        let shape = self.shape(schema, &Place { name: &name, ..place.clone() });
        self.inline_stack.pop();
        let kind = match shape? {
            Shape::Kind(kind) => kind,
            Shape::Ref(ty) => TypeKind::Alias(ty),
        };
        self.types[id.0].kind = kind;
        if let Some(key) = union_key {
            self.inline_unions.insert(key, id);
        }
        Ok(TypeRef::Named(id))
    }

    /// Whether an inline schema becomes a named type (as opposed to a primitive, list or map).
    fn needs_name(&self, schema: &'s Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => !s.enumeration.is_empty(),
            SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
            SchemaKind::AllOf { all_of } => {
                all_of.len() > 1 || all_of.iter().any(|p| matches!(p, ReferenceOr::Item(_)))
            }
            SchemaKind::Any(any) => {
                !any.properties.is_empty()
                    || !any.one_of.is_empty()
                    || !any.any_of.is_empty()
                    || any.all_of.len() > 1
                    || any.all_of.iter().any(|p| matches!(p, ReferenceOr::Item(_)))
                    || (!any.all_of.is_empty() && !any.required.is_empty())
            }
            _ => false,
        }
    }

    /// Lowers a schema's own shape; `place.name` is the name of the type it becomes.
    pub(super) fn shape(&mut self, schema: &'s Schema, place: &Place<'_>) -> Result<Shape, SpecError> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let shape = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<&str> = s.enumeration.iter().flatten().map(String::as_str).collect();
                if values.is_empty() {
                    Shape::Ref(self.configured_format(&s.format).unwrap_or_else(|| string_format(&s.format)))
                } else {
                    Shape::Kind(string_enum(&values))
                }
            }
            SchemaKind::Type(Type::Integer(i)) => Shape::Ref(match i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            }),
            SchemaKind::Type(Type::Number(n)) => Shape::Ref(match n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            }),
            SchemaKind::Type(Type::Boolean(_)) => Shape::Ref(TypeRef::Bool),
            SchemaKind::Type(Type::Array(array)) => {
                let pointer = push_pointer(place.pointer, "items");
                if let Some(tuple) = self.tuple(array.items.as_ref(), place)? {
                    return Ok(Shape::Ref(tuple));
                }
                let item = match &array.items {
                    Some(items) => {
                        // An array component is an alias; its items need a name of their own.
                        let item_name = format!("{}Item", place.name);
                        let name = if self.type_names.is_taken(place.name) { &item_name } else { place.name };
                        self.lower_ref(items, &place.child(name, &pointer))?
                    }
                    None => TypeRef::Json,
                };
                Shape::Ref(TypeRef::List(Box::new(item)))
            }
            SchemaKind::Type(Type::Object(object)) => {
                let mut parts = ObjectParts::default();
                self.add_object(
                    &mut parts,
                    &object.properties,
                    &object.required,
                    object.additional_properties.as_ref(),
                    place.pointer,
                );
                self.object(parts, place)?
            }
            SchemaKind::AllOf { all_of } => self.all_of(all_of, place)?,
            SchemaKind::OneOf { one_of } => self.one_of(one_of, discriminator, "oneOf", place)?,
            SchemaKind::AnyOf { any_of } => self.one_of(any_of, discriminator, "anyOf", place)?,
            SchemaKind::Not { .. } => {
                return Err(self.error(place.pointer, "`not` schemas are not supported".to_owned()));
            }
            SchemaKind::Any(any) => {
                let with_all_of = !any.all_of.is_empty() && !any.required.is_empty();
                if !any.properties.is_empty() || any.additional_properties.is_some() || with_all_of {
                    let mut parts = ObjectParts::default();
                    self.add_object(
                        &mut parts,
                        &any.properties,
                        &any.required,
                        any.additional_properties.as_ref(),
                        place.pointer,
                    );
                    // Properties or `required` beside an allOf: one object of them all.
                    let mut notes = Vec::new();
                    self.merge_all_of(&mut parts, &any.all_of, place.pointer, &mut Vec::new(), false, &mut notes)?;
                    self.warnings.extend(notes);
                    self.object(parts, place)?
                } else if !any.one_of.is_empty() {
                    self.one_of(&any.one_of, discriminator, "oneOf", place)?
                } else if !any.any_of.is_empty() {
                    self.one_of(&any.any_of, discriminator, "anyOf", place)?
                } else if !any.all_of.is_empty() {
                    self.all_of(&any.all_of, place)?
                } else {
                    self.untyped(any, place)
                }
            }
        };
        Ok(shape)
    }

    /// The type the configuration gives a string `format` (`types.formats`), if any.
    fn configured_format(&self, format: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<TypeRef> {
        let name = match format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => "date-time",
            VariantOrUnknownOrEmpty::Item(StringFormat::Date) => "date",
            VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => "byte",
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => "binary",
            VariantOrUnknownOrEmpty::Item(StringFormat::Password) => "password",
            VariantOrUnknownOrEmpty::Unknown(name) => name,
            VariantOrUnknownOrEmpty::Empty => return None,
        };
        let path = self.settings.types.formats.get(name)?;
        Some(formatted_type(name, path))
    }

    /// A schema without a (known) `type`: guessed from its format, else any JSON value.
    fn untyped(&mut self, any: &'s openapiv3::AnySchema, place: &Place<'_>) -> Shape {
        match any.typ.as_deref() {
            None | Some("string") => match any.format.as_deref() {
                Some("date-time") => return Shape::Ref(TypeRef::DateTime),
                Some("date") => return Shape::Ref(TypeRef::Date),
                Some("uuid") => return Shape::Ref(TypeRef::Uuid),
                _ => {}
            },
            Some(other) => self.warn(
                Kind::UnknownType,
                &push_pointer(place.pointer, "type"),
                format!("`type: {other}` is not an OpenAPI 3.0 type; any JSON value is accepted here"),
            ),
        }
        Shape::Ref(TypeRef::Json)
    }

    fn add_object(
        &self,
        parts: &mut ObjectParts<'s>,
        properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'s [String],
        additional: Option<&'s AdditionalProperties>,
        pointer: &str,
    ) {
        let properties_pointer = push_pointer(pointer, "properties");
        for (name, schema) in properties {
            let at = push_pointer(&properties_pointer, name);
            // A later part of an allOf refines a property of an earlier one.
            parts.properties.insert(name.as_str(), (schema, at));
        }
        for name in required {
            if !parts.required.contains(&name.as_str()) {
                parts.required.push(name);
            }
        }
        if additional.is_some() {
            parts.additional = additional;
        }
    }

    fn object(&mut self, mut parts: ObjectParts<'s>, place: &Place<'_>) -> Result<Shape, SpecError> {
        // Fields in JSON-name order: reordering properties or moving them into an allOf part
        // (as upstream did with Conversation) must not change the generated type.
        parts.properties.sort_keys();
        if parts.properties.is_empty() {
            let value = match parts.additional {
                Some(AdditionalProperties::Schema(schema)) => {
                    let pointer = push_pointer(place.pointer, "additionalProperties");
                    let name = format!("{}Value", place.name);
                    self.lower_ref(schema, &place.child(&name, &pointer))?
                }
                _ => TypeRef::Json,
            };
            return Ok(Shape::Ref(TypeRef::Map(Box::new(value))));
        }
        for name in &parts.required {
            if !parts.properties.contains_key(name) && parts.additional.is_none() {
                self.warn(
                    Kind::UndefinedRequiredProperty,
                    place.pointer,
                    format!("required property `{name}` is not defined; it is ignored"),
                );
            }
        }
        let mut field_names = Namer::new();
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (json_name, (schema, pointer)) in &parts.properties {
            let child_name = format!("{}{}", place.name, camel(json_name));
            let ty = self.lower_ref(*schema, &place.child(&child_name, pointer))?;
            let (nullable, docs) = match schema {
                ReferenceOr::Item(schema) => (schema.schema_data.nullable, docs(&schema.schema_data)),
                ReferenceOr::Reference { .. } => (false, Docs::default()),
            };
            fields.push(Field {
                rust_name: field_names.unique(&snake(json_name)),
                json_name: (*json_name).to_owned(),
                ty,
                required: parts.required.contains(json_name),
                nullable,
                docs,
                flatten: false,
            });
        }
        // Members beside the declared ones, where the spec types them, are kept in a map. (With
        // `additionalProperties: true` or `{}` they are ignored, like unknown members anywhere:
        // a map of any values would cost every such struct serde's slower `flatten` path.)
        if let Some(AdditionalProperties::Schema(schema)) = parts.additional {
            let any = matches!(&**schema, ReferenceOr::Item(s) if matches!(&s.schema_kind, SchemaKind::Any(a) if *a == Default::default()));
            if !any {
                let pointer = push_pointer(place.pointer, "additionalProperties");
                let name = format!("{}Value", place.name);
                let value = self.lower_ref(schema, &place.child(&name, &pointer))?;
                fields.push(Field {
                    rust_name: field_names.unique("additional_properties"),
                    json_name: "(additional properties)".to_owned(),
                    ty: TypeRef::Map(Box::new(value)),
                    required: true,
                    nullable: false,
                    docs: Docs {
                        description: Some("The object's members beside the declared ones.".to_owned()),
                        ..Docs::default()
                    },
                    flatten: true,
                });
            }
        }
        Ok(Shape::Kind(TypeKind::Struct(fields)))
    }

    fn all_of(&mut self, all_of: &'s [ReferenceOr<Schema>], place: &Place<'_>) -> Result<Shape, SpecError> {
        if let [only] = all_of {
            // `allOf: [$ref]` is the 3.0 idiom for a reference with a description of its own.
            let pointer = push_pointer(&push_pointer(place.pointer, "allOf"), "0");
            return match only {
                ReferenceOr::Reference { .. } => {
                    Ok(Shape::Ref(self.lower_ref(only, &place.child(place.name, &pointer))?))
                }
                ReferenceOr::Item(schema) => self.shape(schema, &place.child(place.name, &pointer)),
            };
        }
        // Parts that are all one primitive type (`[$ref: Id, {type: string}]`: a reference
        // refined) are that type, named by the first reference if there is one.
        if let Some(first) = self.same_primitive(all_of) {
            let pointer = push_pointer(&push_pointer(place.pointer, "allOf"), &first.to_string());
            return Ok(Shape::Ref(self.lower_ref(&all_of[first], &place.child(place.name, &pointer))?));
        }
        let mut parts = ObjectParts::default();
        let mut visiting = Vec::new();
        let mut notes = Vec::new();
        self.merge_all_of(&mut parts, all_of, place.pointer, &mut visiting, false, &mut notes)?;
        self.warnings.extend(notes);
        self.object(parts, place)
    }

    /// The primitive type (`string`, `integer`, `number`, `boolean`) of a schema, `$ref`s
    /// followed. Gives up after `depth` nested allOfs (a cyclic allOf has none).
    fn primitive_within(&self, part: &'s ReferenceOr<Schema>, depth: usize) -> Option<&'static str> {
        let depth = depth.checked_sub(1)?;
        let schema = match part {
            ReferenceOr::Reference { reference } => self.resolve_schema(reference, "").ok()?.1,
            ReferenceOr::Item(schema) => schema,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => Some("string"),
            SchemaKind::Type(Type::Integer(_)) => Some("integer"),
            SchemaKind::Type(Type::Number(_)) => Some("number"),
            SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
            SchemaKind::AllOf { all_of } => {
                let first = self.same_primitive_within(all_of, depth)?;
                self.primitive_within(&all_of[first], depth)
            }
            _ => None,
        }
    }

    /// If every part of an allOf is the same primitive type: the index of the part that names
    /// it (the first `$ref`, else the first part).
    fn same_primitive(&self, all_of: &'s [ReferenceOr<Schema>]) -> Option<usize> {
        self.same_primitive_within(all_of, 16)
    }

    fn same_primitive_within(&self, all_of: &'s [ReferenceOr<Schema>], depth: usize) -> Option<usize> {
        let first = self.primitive_within(all_of.first()?, depth)?;
        if all_of.iter().skip(1).any(|part| self.primitive_within(part, depth) != Some(first)) {
            return None;
        }
        Some(all_of.iter().position(|part| matches!(part, ReferenceOr::Reference { .. })).unwrap_or(0))
    }

    /// Collects the properties of every part of an allOf, following `$ref`s and nested allOfs.
    /// A `oneOf`/`anyOf` part of several alternatives adds their properties as optional
    /// fields (any one of them may be the one present); with `optional`, nothing is required.
    /// A part that is not an object cannot hold properties: it is left out, with a note.
    fn merge_all_of(
        &self,
        parts: &mut ObjectParts<'s>,
        all_of: &'s [ReferenceOr<Schema>],
        pointer: &str,
        visiting: &mut Vec<&'s str>,
        optional: bool,
        notes: &mut Vec<SpecError>,
    ) -> Result<(), SpecError> {
        for (index, part) in all_of.iter().enumerate() {
            let part_pointer = push_pointer(&push_pointer(pointer, "allOf"), &index.to_string());
            self.merge_part(parts, part, &part_pointer, visiting, optional, notes)?;
        }
        Ok(())
    }

    fn merge_part(
        &self,
        parts: &mut ObjectParts<'s>,
        part: &'s ReferenceOr<Schema>,
        part_pointer: &str,
        visiting: &mut Vec<&'s str>,
        optional: bool,
        notes: &mut Vec<SpecError>,
    ) -> Result<(), SpecError> {
        let (schema, schema_pointer) = match part {
            ReferenceOr::Reference { reference } => {
                if visiting.contains(&reference.as_str()) {
                    // No value is told apart by a part that is the schema itself: left out.
                    notes.push(SpecError {
                        kind: Kind::CyclicAllOf,
                        ..self.error(
                            part_pointer,
                            format!("allOf includes itself through `{reference}`; this part is left out"),
                        )
                    });
                    return Ok(());
                }
                visiting.push(reference);
                let (name, schema) = self.resolve_schema(reference, &push_pointer(part_pointer, "$ref"))?;
                (schema, push_pointer("/components/schemas", name))
            }
            ReferenceOr::Item(schema) => (schema, part_pointer.to_owned()),
        };
        let no_required: &'s [String] = &[];
        let required = |list: &'s [String]| if optional { no_required } else { list };
        let alternatives = |this: &Self,
                            parts: &mut ObjectParts<'s>,
                            list: &'s [ReferenceOr<Schema>],
                            keyword: &str,
                            visiting: &mut Vec<&'s str>,
                            notes: &mut Vec<SpecError>|
         -> Result<(), SpecError> {
            let at = push_pointer(&schema_pointer, keyword);
            let several = list.len() > 1;
            for (index, alternative) in list.iter().enumerate() {
                let alt_pointer = push_pointer(&at, &index.to_string());
                this.merge_part(parts, alternative, &alt_pointer, visiting, optional || several, notes)?;
            }
            if several {
                notes.push(SpecError {
                    kind: Kind::AllOfUnion,
                    ..this.error(
                        &at,
                        format!(
                            "an allOf part that is a `{keyword}`: the properties of its alternatives are merged as \
                             optional fields"
                        ),
                    )
                });
            }
            Ok(())
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => self.add_object(
                parts,
                &o.properties,
                required(&o.required),
                o.additional_properties.as_ref(),
                &schema_pointer,
            ),
            SchemaKind::AllOf { all_of } => {
                self.merge_all_of(parts, all_of, &schema_pointer, visiting, optional, notes)?
            }
            SchemaKind::OneOf { one_of } => alternatives(self, parts, one_of, "oneOf", visiting, notes)?,
            SchemaKind::AnyOf { any_of } => alternatives(self, parts, any_of, "anyOf", visiting, notes)?,
            SchemaKind::Any(any) if any.typ.is_none() || any.typ.as_deref() == Some("object") => {
                self.add_object(
                    parts,
                    &any.properties,
                    required(&any.required),
                    any.additional_properties.as_ref(),
                    &schema_pointer,
                );
                if !any.all_of.is_empty() {
                    self.merge_all_of(parts, &any.all_of, &schema_pointer, visiting, optional, notes)?;
                }
                if !any.one_of.is_empty() {
                    alternatives(self, parts, &any.one_of, "oneOf", visiting, notes)?;
                }
                if !any.any_of.is_empty() {
                    alternatives(self, parts, &any.any_of, "anyOf", visiting, notes)?;
                }
            }
            _ => notes.push(SpecError {
                kind: Kind::AllOfNotObject,
                ..self.error(
                    part_pointer,
                    "an allOf part that is not an object, beside object parts: no value can be both; \
                     this part is left out"
                        .to_owned(),
                )
            }),
        }
        if let ReferenceOr::Reference { .. } = part {
            visiting.pop();
        }
        Ok(())
    }

    /// A `oneOf` or `anyOf`: a tagged union when a discriminator or a property every
    /// alternative requires with a distinct constant value tells the alternatives apart (the
    /// variants of `$ref` alternatives hold the component types themselves), else untagged.
    fn one_of(
        &mut self,
        alternatives: &'s [ReferenceOr<Schema>],
        discriminator: Option<&'s Discriminator>,
        keyword: &str,
        place: &Place<'_>,
    ) -> Result<Shape, SpecError> {
        if let Some(discriminator) = discriminator {
            if let Some(shape) = self.discriminated(alternatives, discriminator, keyword, place)? {
                return Ok(shape);
            }
        }
        if alternatives.is_empty() {
            self.warn(
                Kind::EmptyUnion,
                &push_pointer(place.pointer, keyword),
                format!("an empty `{keyword}`: no value can match it; any JSON value is accepted here"),
            );
            return Ok(Shape::Ref(TypeRef::Json));
        }
        if keyword == "oneOf" {
            if let Some((tag, found)) = self.find_tag(alternatives, place.pointer)? {
                let mut sources = Vec::with_capacity(found.len());
                for (index, (value, parts)) in found.into_iter().enumerate() {
                    let pointer = push_pointer(&push_pointer(place.pointer, keyword), &index.to_string());
                    let source = match &alternatives[index] {
                        ReferenceOr::Reference { reference } => {
                            VariantSource::Component(self.component_schema(reference, &push_pointer(&pointer, "$ref"))?)
                        }
                        ReferenceOr::Item(_) => VariantSource::Inline(parts, pointer),
                    };
                    sources.push((value, source));
                }
                let variants = self.tagged_variants(&tag, sources, place)?;
                return Ok(Shape::Kind(TypeKind::TaggedUnion { tag, variants }));
            }
        }
        Ok(Shape::Kind(TypeKind::UntaggedUnion(self.untagged_variants(alternatives, keyword, place)?)))
    }

    /// A union told apart by its `discriminator`: each `$ref` alternative's values are the
    /// mapping's entries that name it, or its component name; mapped schemas that are not among
    /// the alternatives (an empty `oneOf` beside a mapping) are variants too. An inline
    /// alternative needs a constant value of the property; without one: `None` (not tagged).
    fn discriminated(
        &mut self,
        alternatives: &'s [ReferenceOr<Schema>],
        discriminator: &'s Discriminator,
        keyword: &str,
        place: &Place<'_>,
    ) -> Result<Option<Shape>, SpecError> {
        let tag = discriminator.property_name.as_str();
        let mapping_at = push_pointer(&push_pointer(place.pointer, "discriminator"), "mapping");
        // The mapping's targets as component names (a bare name means a component schema).
        let mut mapped: Vec<(&'s str, &'s str, String)> = Vec::new(); // (value, component, pointer)
        for (value, target) in &discriminator.mapping {
            let at = push_pointer(&mapping_at, value);
            match self.resolve_schema(&mapping_reference(target), &at) {
                Ok((name, _)) => mapped.push((value.as_str(), name, at)),
                Err(_) => self.warn(
                    Kind::DanglingRef,
                    &at,
                    format!(
                        "the discriminator maps {} to {}, which is no component schema of the document; that \
                         entry of the mapping is left out",
                        quoted(value),
                        quoted(target)
                    ),
                ),
            }
        }
        // 3.2's `defaultMapping`: the schema of every other value.
        let default_at = push_pointer(&push_pointer(place.pointer, "discriminator"), crate::normalize::DEFAULT_MAPPING);
        let default = match discriminator.extensions.get(crate::normalize::DEFAULT_MAPPING).and_then(|v| v.as_str()) {
            Some(target) => Some(self.resolve_schema(&mapping_reference(target), &default_at)?.0),
            None => None,
        };
        let mut sources: Vec<(String, VariantSource<'s>)> = Vec::new();
        let mut listed: Vec<&'s str> = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let pointer = push_pointer(&push_pointer(place.pointer, keyword), &index.to_string());
            match alternative {
                ReferenceOr::Reference { reference } => {
                    let at = push_pointer(&pointer, "$ref");
                    let (name, _) = self.resolve_schema(reference, &at)?;
                    listed.push(name);
                    let id = self.component_schema(reference, &at)?;
                    let values: Vec<&str> =
                        mapped.iter().filter(|(_, target, _)| *target == name).map(|(value, _, _)| *value).collect();
                    if values.is_empty() && default == Some(name) {
                        continue;
                    }
                    if values.is_empty() {
                        sources.push((name.to_owned(), VariantSource::Component(id)));
                    }
                    for value in values {
                        sources.push((value.to_owned(), VariantSource::Component(id)));
                    }
                }
                ReferenceOr::Item(schema) => {
                    let mut parts = ObjectParts::default();
                    match &schema.schema_kind {
                        SchemaKind::Type(Type::Object(o)) => self.add_object(
                            &mut parts,
                            &o.properties,
                            &o.required,
                            o.additional_properties.as_ref(),
                            &pointer,
                        ),
                        SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => self.add_object(
                            &mut parts,
                            &any.properties,
                            &any.required,
                            any.additional_properties.as_ref(),
                            &pointer,
                        ),
                        _ => return Ok(None),
                    }
                    let Some(value) = single_value(&parts, tag) else { return Ok(None) };
                    parts.properties.shift_remove(tag);
                    parts.required.retain(|name| *name != tag);
                    sources.push((value, VariantSource::Inline(parts, pointer)));
                }
            }
        }
        for (value, name, at) in &mapped {
            if !listed.contains(name) {
                let id = self.component_schema(&format!("#/components/schemas/{}", escape_name(name)), at)?;
                sources.push(((*value).to_owned(), VariantSource::Component(id)));
            }
        }
        if sources.is_empty() {
            return Ok(None);
        }
        let default_id = match default {
            Some(name) => {
                Some(self.component_schema(&format!("#/components/schemas/{}", escape_name(name)), &default_at)?)
            }
            None => None,
        };
        if alternatives.is_empty() {
            self.warn(
                Kind::EmptyUnion,
                &push_pointer(place.pointer, keyword),
                format!(
                    "an empty `{keyword}` beside a discriminator mapping; the union is built from the mapping's {} \
                     schemas",
                    sources.len()
                ),
            );
        }
        // Two alternatives claiming one value cannot be told apart.
        let mut values: Vec<&str> = sources.iter().map(|(value, _)| value.as_str()).collect();
        values.sort_unstable();
        if values.windows(2).any(|pair| pair[0] == pair[1]) {
            return Ok(None);
        }
        let mut variants = self.tagged_variants(tag, sources, place)?;
        if let (Some(id), Some(name)) = (default_id, default) {
            let mut names = Namer::new();
            for variant in &variants {
                names.unique(&variant.rust_name);
            }
            names.unique("Unknown");
            let rust_name = names.unique(&camel(name));
            variants.push(TaggedVariant { rust_name, tag_value: String::new(), payload: id, default: true });
        }
        Ok(Some(Shape::Kind(TypeKind::TaggedUnion { tag: tag.to_owned(), variants })))
    }

    /// The variants of a tagged union: a component type as it is, an inline alternative's
    /// other properties as a struct of its own.
    fn tagged_variants(
        &mut self,
        tag: &str,
        sources: Vec<(String, VariantSource<'s>)>,
        place: &Place<'_>,
    ) -> Result<Vec<TaggedVariant>, SpecError> {
        let mut variant_names = Namer::new();
        variant_names.unique("Unknown");
        let mut variants = Vec::with_capacity(sources.len());
        for (tag_value, source) in sources {
            let rust_name = variant_names.unique(&camel(&tag_value));
            let payload = match source {
                VariantSource::Component(id) => id,
                VariantSource::Inline(parts, pointer) => {
                    let payload_name = self.type_names.unique(&format!("{}{}", place.name, rust_name));
                    let id = self.reserve(TypeDef {
                        name: payload_name.clone(),
                        home: place.home.clone(),
                        docs: Docs {
                            description: Some(format!("The `{tag}: {tag_value}` variant of [`{}`].", place.name)),
                            ..Docs::default()
                        },
                        kind: TypeKind::Alias(TypeRef::Json),
                        origin: pointer.clone(),
                        decoded: false,
                        derives: Vec::new(),
                        attributes: Vec::new(),
                    });
                    let kind = match self.object(parts, &place.child(&payload_name, &pointer))? {
                        Shape::Kind(kind) => kind,
                        Shape::Ref(_) => TypeKind::Struct(Vec::new()),
                    };
                    self.types[id.0].kind = kind;
                    id
                }
            };
            variants.push(TaggedVariant { rust_name, tag_value, payload, default: false });
        }
        Ok(variants)
    }

    /// Finds a property that every alternative requires with a single string value, distinct
    /// across alternatives. Returns it and, per alternative, its value and other properties.
    #[allow(clippy::type_complexity)]
    fn find_tag(
        &self,
        one_of: &'s [ReferenceOr<Schema>],
        pointer: &str,
    ) -> Result<Option<(String, Vec<(String, ObjectParts<'s>)>)>, SpecError> {
        let mut objects = Vec::with_capacity(one_of.len());
        for (index, alternative) in one_of.iter().enumerate() {
            let alt_pointer = push_pointer(&push_pointer(pointer, "oneOf"), &index.to_string());
            let (schema, schema_pointer) = match alternative {
                ReferenceOr::Reference { reference } => {
                    let (name, schema) = self.resolve_schema(reference, &push_pointer(&alt_pointer, "$ref"))?;
                    (schema, push_pointer("/components/schemas", name))
                }
                ReferenceOr::Item(schema) => (schema, alt_pointer),
            };
            let mut parts = ObjectParts::default();
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => self.add_object(
                    &mut parts,
                    &o.properties,
                    &o.required,
                    o.additional_properties.as_ref(),
                    &schema_pointer,
                ),
                SchemaKind::AllOf { all_of } => {
                    let mut notes = Vec::new();
                    let merged =
                        self.merge_all_of(&mut parts, all_of, &schema_pointer, &mut Vec::new(), false, &mut notes);
                    if merged.is_err() || !notes.is_empty() {
                        return Ok(None);
                    }
                }
                _ => return Ok(None),
            }
            objects.push(parts);
        }
        if objects.len() < 2 {
            return Ok(None);
        }
        let candidates: Vec<&str> = objects[0].properties.keys().copied().collect();
        for candidate in candidates {
            let values: Option<Vec<String>> = objects.iter().map(|parts| single_value(parts, candidate)).collect();
            let Some(values) = values else { continue };
            let mut distinct = values.clone();
            distinct.sort();
            distinct.dedup();
            if distinct.len() != values.len() {
                continue;
            }
            let alternatives = values
                .into_iter()
                .zip(objects)
                .map(|(value, mut parts)| {
                    parts.properties.shift_remove(candidate);
                    parts.required.retain(|name| *name != candidate);
                    (value, parts)
                })
                .collect();
            return Ok(Some((candidate.to_owned(), alternatives)));
        }
        Ok(None)
    }

    fn untagged_variants(
        &mut self,
        alternatives: &'s [ReferenceOr<Schema>],
        keyword: &str,
        place: &Place<'_>,
    ) -> Result<Vec<UntaggedVariant>, SpecError> {
        let mut names = Namer::new();
        let mut variants = Vec::with_capacity(alternatives.len());
        for (index, alternative) in alternatives.iter().enumerate() {
            let pointer = push_pointer(&push_pointer(place.pointer, keyword), &index.to_string());
            // An inline alternative is named by its `title` where it has one (Stripe's
            // `range_query_specs`: `CreatedRangeQuerySpecs`), by its position otherwise.
            let title = match alternative {
                ReferenceOr::Item(schema) => schema.schema_data.title.as_deref(),
                ReferenceOr::Reference { .. } => None,
            };
            // The empty string as the one value (`enum: [""]`: Stripe's "or unset" beside a
            // list or a number) is `Empty`.
            let empty_only = matches!(alternative, ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::String(string)), ..
            }) if string.enumeration == [Some(String::new())]);
            let inline_name = match title.map(camel).filter(|t| t.starts_with(|c: char| c.is_ascii_uppercase())) {
                Some(title) if title.len() <= 64 => format!("{}{title}", place.name),
                _ if empty_only => format!("{}Empty", place.name),
                _ => format!("{}Variant{}", place.name, index + 1),
            };
            let ty = self.lower_ref(alternative, &place.child(&inline_name, &pointer))?;
            let wanted = match &ty {
                TypeRef::Named(id) => self.types[id.0]
                    .name
                    .strip_prefix(place.name)
                    // `Pet2` inside `Pet` keeps its whole name: `2` is no identifier.
                    .filter(|s| s.starts_with(|c: char| c.is_ascii_uppercase()))
                    .unwrap_or(&self.types[id.0].name)
                    .to_owned(),
                other => variant_name_of(other),
            };
            variants.push(UntaggedVariant { rust_name: names.unique(&wanted), ty });
        }
        Ok(variants)
    }

    /// A tuple, for `items: {anyOf: [..], x-oag-tuple: true}` (how `normalize` writes 3.1's
    /// `prefixItems`): one element type per position.
    fn tuple(
        &mut self,
        items: Option<&'s ReferenceOr<Box<Schema>>>,
        place: &Place<'_>,
    ) -> Result<Option<TypeRef>, SpecError> {
        let Some(ReferenceOr::Item(items)) = items else { return Ok(None) };
        if !items.schema_data.extensions.contains_key(crate::normalize::TUPLE) {
            return Ok(None);
        }
        let positions = match &items.schema_kind {
            SchemaKind::AnyOf { any_of } => any_of,
            SchemaKind::Any(any) => &any.any_of,
            _ => return Ok(None),
        };
        let pointer = push_pointer(&push_pointer(place.pointer, "items"), "anyOf");
        let mut types = Vec::with_capacity(positions.len());
        for (index, position) in positions.iter().enumerate() {
            let name = format!("{}Item{}", place.name, index + 1);
            types.push(self.lower_ref(position, &place.child(&name, &push_pointer(&pointer, &index.to_string())))?);
        }
        Ok(Some(TypeRef::Tuple(types)))
    }

    /// The id of a component schema, from a `$ref` found at `pointer`.
    pub(super) fn component_schema(&mut self, reference: &str, pointer: &str) -> Result<TypeId, SpecError> {
        let (name, _) = self.resolve_schema(reference, pointer)?;
        Ok(self.components[name])
    }
}

/// Where a tagged union's variant comes from.
enum VariantSource<'s> {
    /// A component schema: its type, as it is.
    Component(TypeId),
    /// An inline alternative: its properties but the tag, and its pointer.
    Inline(ObjectParts<'s>, String),
}

/// The one string value a required property may have (a one-value `enum`), if it has one.
fn single_value(parts: &ObjectParts<'_>, name: &str) -> Option<String> {
    if !parts.required.contains(&name) {
        return None;
    }
    let (ReferenceOr::Item(schema), _) = parts.properties.get(name)? else { return None };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match s.enumeration.as_slice() {
            [Some(value)] => Some(value.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// A discriminator mapping's value as a `$ref`: a bare name means a component schema.
fn mapping_reference(target: &str) -> String {
    if target.starts_with('#') {
        target.to_owned()
    } else {
        format!("#/components/schemas/{target}")
    }
}

/// A component name as a `$ref` pointer segment.
fn escape_name(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn string_format(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Binary,
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => TypeRef::Base64,
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
        VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => TypeRef::Uuid,
        _ => TypeRef::String,
    }
}

fn string_enum(values: &[&str]) -> TypeKind {
    let mut names = Namer::new();
    names.unique("Unknown");
    let mut seen = Vec::with_capacity(values.len());
    let mut out = Vec::with_capacity(values.len());
    for value in values {
        if seen.contains(value) {
            continue;
        }
        seen.push(value);
        out.push(EnumValue { rust_name: names.unique(&camel(value)), value: (*value).to_owned() });
    }
    TypeKind::StringEnum(out)
}

pub(super) fn variant_name_of(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "Bool".into(),
        TypeRef::I32 | TypeRef::I64 => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 => "Number".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::List(item) => format!("{}List", variant_name_of(item)),
        TypeRef::Map(value) => format!("{}Map", variant_name_of(value)),
        TypeRef::Boxed(inner) => variant_name_of(inner),
        TypeRef::Named(_) => "Object".into(),
        TypeRef::Binary => "Binary".into(),
        TypeRef::Base64 => "Bytes".into(),
        TypeRef::Tuple(_) => "Tuple".into(),
        TypeRef::External(path) | TypeRef::Formatted { path, .. } => camel(path.rsplit("::").next().unwrap_or(path)),
    }
}

/// The type the configuration gives a string `format` (`types.formats`): `String` and `uuid::Uuid`
/// as always; a number or `bool` travels as text (`int64 = "i64"` for `type: string, format:
/// int64`); `time`'s date-time and date in the spec's formats; any other type as its own serde
/// form writes it (chrono's, jiff's and the program's own types are RFC 3339 already).
pub(crate) fn formatted_type(format: &str, path: &str) -> TypeRef {
    let plain = path.trim_start_matches("::");
    match (format, plain) {
        (_, "String" | "std::string::String") => TypeRef::String,
        (_, "uuid::Uuid") => TypeRef::Uuid,
        (_, "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize")
        | (_, "f32" | "f64" | "bool") => TypeRef::Formatted { path: plain.to_owned(), format: WireFormat::Text },
        ("date-time", "time::OffsetDateTime") => {
            TypeRef::Formatted { path: path.to_owned(), format: WireFormat::TimeRfc3339 }
        }
        ("date", "time::Date") => TypeRef::Formatted { path: path.to_owned(), format: WireFormat::TimeDate },
        _ => TypeRef::External(path.to_owned()),
    }
}

/// Whether the configuration maps a format to one of `time`'s types (which need the `time`
/// dependency and the crate's `time_format` module).
pub(crate) fn uses_time(settings: &crate::config::Settings) -> bool {
    settings.types.formats.iter().any(|(format, path)| {
        matches!(
            formatted_type(format, path),
            TypeRef::Formatted { format: WireFormat::TimeRfc3339 | WireFormat::TimeDate, .. }
        )
    })
}

/// Whether `schema` is a `oneOf` or `anyOf` whose alternatives are all references, with nothing
/// beside them but a discriminator and documentation: its type is the same wherever it is written.
fn union_of_references(schema: &Schema) -> bool {
    let all_refs = |alternatives: &[ReferenceOr<Schema>]| {
        !alternatives.is_empty() && alternatives.iter().all(|a| matches!(a, ReferenceOr::Reference { .. }))
    };
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => all_refs(one_of),
        SchemaKind::AnyOf { any_of } => all_refs(any_of),
        _ => false,
    }
}
