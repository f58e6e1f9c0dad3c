//! Named types to Rust items.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use crate::model::{
    Api, EnumValue, Field, Home, TaggedVariant, TypeDef, TypeId, TypeKind, TypeRef, UntaggedVariant, WireFormat,
};

/// An identifier that may be raw (`r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The Rust type of `ty`, as written in a file of `from`.
pub fn type_tokens(api: &Api, ty: &TypeRef, from: &Home) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::Uuid => quote!(uuid::Uuid),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::List(item) => {
            let item = type_tokens(api, item, from);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(api, value, from);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(api, inner, from);
            quote!(Box<#inner>)
        }
        TypeRef::Named(id) => named_path(api, *id, from),
        TypeRef::Binary => quote!(crate::runtime::FilePart),
        TypeRef::Base64 => quote!(crate::runtime::Base64),
        TypeRef::Tuple(items) => {
            let items = items.iter().map(|item| type_tokens(api, item, from));
            quote!((#(#items,)*))
        }
        TypeRef::External(path) | TypeRef::Formatted { path, .. } => external_path(path),
    }
}

/// A path of the program's types, checked by `config::check_type_path` (identifiers joined by
/// `::`), as tokens.
pub fn external_path(path: &str) -> TokenStream {
    let leading = path.starts_with("::").then(|| quote!(::));
    let segments = path.trim_start_matches("::").split("::").map(|segment| Ident::new(segment, Span::call_site()));
    quote!(#leading #(#segments)::*)
}

/// The runtime's wire format (`runtime::format`) of a value of `ty` when something in it travels
/// in a format of its own ([`TypeRef::Formatted`]), as a type: `List<Text>` for a `Vec<i64>`
/// sent as strings. `None` when serde's own form is right.
pub fn wire_format(api: &Api, ty: &TypeRef) -> Option<TokenStream> {
    let format = quote!(crate::runtime::format);
    match ty {
        TypeRef::Formatted { format: WireFormat::Text, .. } => Some(quote!(#format::Text)),
        TypeRef::Formatted { format: WireFormat::TimeRfc3339, .. } => Some(quote!(crate::time_format::Rfc3339)),
        TypeRef::Formatted { format: WireFormat::TimeDate, .. } => Some(quote!(crate::time_format::IsoDate)),
        TypeRef::List(item) => wire_format(api, item).map(|item| quote!(#format::List<#item>)),
        TypeRef::Map(value) => wire_format(api, value).map(|value| quote!(#format::Map<#value>)),
        TypeRef::Boxed(inner) => wire_format(api, inner).map(|inner| quote!(#format::Boxed<#inner>)),
        TypeRef::Named(id) => match &api.types.get(*id).kind {
            TypeKind::Alias(ty) => wire_format(api, ty),
            _ => None,
        },
        _ => None,
    }
}

/// The path of `runtime::format`'s `write` or `read` function for `format`, as the text a
/// `serialize_with`/`deserialize_with` attribute takes.
fn format_fn(function: &str, format: &TokenStream) -> String {
    format!("crate::runtime::format::{function}::<{}, _, _>", format.to_string().replace(' ', ""))
}

/// `value` (an expression of a `&T`) wrapped to travel in `ty`'s wire format, if it has one.
pub fn on_the_wire(api: &Api, ty: &TypeRef, value: TokenStream) -> TokenStream {
    match wire_format(api, ty) {
        Some(format) => quote!(&crate::runtime::format::Wire::<#format, _>::new(#value)),
        None => value,
    }
}

/// Whether a value of `ty` can be a path, query, header or cookie parameter.
pub fn is_param(api: &Api, ty: &TypeRef) -> bool {
    api.types.is_param(ty)
}

/// `ty` with its aliases followed: the type a Rust program sees.
fn unaliased(api: &Api, ty: &TypeRef) -> TypeRef {
    let mut ty = ty.clone();
    // Alias chains end (the lowering breaks alias cycles); the bound is a guard all the same.
    for _ in 0..64 {
        match &ty {
            TypeRef::Named(id) => match &api.types.get(*id).kind {
                TypeKind::Alias(target) => ty = target.clone(),
                _ => break,
            },
            _ => break,
        }
    }
    ty
}

fn named_path(api: &Api, id: TypeId, from: &Home) -> TokenStream {
    let def = api.types.get(id);
    let name = ident(&def.name);
    match (&def.home, from) {
        (home, from) if home == from => quote!(#name),
        (Home::Types(_), Home::Types(Some(_))) => quote!(super::#name),
        (Home::Types(_), Home::Types(None)) => quote!(#name),
        (Home::Types(_), Home::Operations(_)) => quote!(crate::types::#name),
        (Home::Operations(group), _) => {
            let group = ident(group);
            quote!(crate::operations::#group::#name)
        }
    }
}

/// The item(s) of one named type.
pub fn type_def(api: &Api, def: &TypeDef) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(fields) => struct_def(api, def, fields),
        TypeKind::StringEnum(values) => string_enum(def, values),
        TypeKind::TaggedUnion { tag, variants } => tagged_union(api, def, tag, variants),
        TypeKind::UntaggedUnion(variants) => untagged_union(api, def, variants),
        TypeKind::Alias(ty) => {
            let docs = doc_attrs(&def.docs, &[]);
            let name = ident(&def.name);
            let ty = type_tokens(api, ty, &def.home);
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    }
}

fn struct_def(api: &Api, def: &TypeDef, fields: &[Field]) -> TokenStream {
    let docs = doc_attrs(&def.docs, &[]);
    let name = ident(&def.name);
    let extra_derives = extra_derives(def, &["Debug", "Clone", "PartialEq", "Default"]);
    let all_optional = fields.iter().all(|f| f.is_option() || f.is_nullable_optional() || f.flatten);
    let has_flatten = fields.iter().any(|f| f.flatten);
    // serde's derives only for a flattened map (which buffers the object anyway) and an empty
    // struct; every other struct is encoded and decoded by hand-written impls over runtime
    // helpers (see `object_impls`), which take far less compile time than the derives.
    let derived = has_flatten || fields.is_empty();
    let field_defs = fields.iter().map(|field| {
        let ty = type_tokens(api, &field.ty, &def.home);
        let ty = if field.is_option() {
            quote!(Option<#ty>)
        } else if field.is_nullable_optional() {
            quote!(crate::runtime::Nullable<#ty>)
        } else {
            ty
        };
        let serde = derived.then(|| serde_attrs(api, field)).flatten();
        let field_docs = doc_attrs(&field.docs, &[]);
        let field_name = ident(&field.rust_name);
        quote! {
            #field_docs
            #serde
            pub #field_name: #ty,
        }
    });
    // With every field optional, `..Default::default()` makes building one easy.
    let default = all_optional.then(|| quote!(Default,));
    if derived {
        let (deserialize, deserialize_all) = derive_deserialize(def);
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, #default serde::Serialize #deserialize)]
            #extra_derives
            #deserialize_all
            pub struct #name {
                #(#field_defs)*
            }
        };
    }
    let object = object_impls(api, def, fields);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default)]
        #extra_derives
        pub struct #name {
            #(#field_defs)*
        }

        #object
    }
}

/// The `#[serde(...)]` attribute of a field of a struct that derives serde's traits.
fn serde_attrs(api: &Api, field: &Field) -> Option<TokenStream> {
    let mut serde = Vec::new();
    if field.flatten {
        serde.push(quote!(flatten));
    } else if field.rust_name.trim_start_matches("r#") != field.json_name {
        let json_name = &field.json_name;
        serde.push(quote!(rename = #json_name));
    }
    if let Some(format) = wire_format(api, &field.ty) {
        let format = if field.is_nullable_optional() {
            quote!(crate::runtime::format::Nullable<#format>)
        } else if field.is_option() {
            quote!(crate::runtime::format::Optional<#format>)
        } else {
            format
        };
        let (write, read) = (format_fn("write", &format), format_fn("read", &format));
        serde.push(quote!(serialize_with = #write, deserialize_with = #read));
    }
    if field.is_nullable_optional() {
        serde.push(quote!(default, skip_serializing_if = "crate::runtime::Nullable::is_absent"));
        return Some(quote!(#[serde(#(#serde),*)]));
    }
    if !field.required {
        serde.push(quote!(default, skip_serializing_if = "Option::is_none"));
    }
    // chrono's own `Deserialize` goes through its general-purpose format parser; the
    // dedicated RFC 3339 one is about six times faster (see BENCHMARKS.md).
    if field.ty == TypeRef::DateTime {
        if field.is_option() {
            // Like serde's own `Option` handling: an absent field is `None`.
            let helper = "crate::runtime::serde_helpers::optional_date_time";
            let default = field.required.then(|| quote!(default,));
            serde.push(quote!(#default deserialize_with = #helper));
        } else {
            serde.push(quote!(deserialize_with = "crate::runtime::serde_helpers::date_time"));
        }
    }
    (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]))
}

/// `Serialize` and `Deserialize` of a struct through runtime helpers: encoding is one call per
/// field on `runtime::serde_helpers::Fields`, decoding goes through the generic object visitor
/// (`runtime::serde_helpers::Object`) with, per type, a field table and one `match`.
fn object_impls(api: &Api, def: &TypeDef, fields: &[Field]) -> TokenStream {
    let name = ident(&def.name);
    let cfg = deserialize_cfg(def);
    let type_name = &def.name;
    let json_names: Vec<&str> = fields.iter().map(|f| f.json_name.as_str()).collect();
    let indices: Vec<proc_macro2::Literal> = (0..fields.len()).map(proc_macro2::Literal::usize_unsuffixed).collect();
    let slot_types = fields.iter().map(|field| {
        let ty = type_tokens(api, &field.ty, &def.home);
        // An optional field's slot is the field itself (`None` until read).
        if field.is_nullable_optional() {
            quote!(crate::runtime::Nullable<#ty>)
        } else {
            quote!(Option<#ty>)
        }
    });
    let nones = fields.iter().map(|field| {
        if field.is_nullable_optional() {
            quote!(crate::runtime::Nullable::Absent)
        } else {
            quote!(None)
        }
    });
    let required: Vec<&proc_macro2::Literal> = fields
        .iter()
        .zip(&indices)
        .filter(|(field, _)| !field.is_option() && !field.is_nullable_optional())
        .map(|(_, index)| index)
        .collect();
    let reads = fields.iter().zip(&indices).map(|(field, index)| {
        if let Some(format) = wire_format(api, &field.ty) {
            let read = if field.is_nullable_optional() {
                quote!(read_nullable_as)
            } else if field.is_option() {
                quote!(read_optional_as)
            } else {
                quote!(read_field_as)
            };
            return quote!(#index => de::#read::<#format, _, _>(map, &mut slots.#index),);
        }
        if field.is_nullable_optional() {
            return quote!(#index => de::read_nullable(map, &mut slots.#index),);
        }
        let read = match (&field.ty, field.is_option()) {
            (TypeRef::DateTime, false) => quote!(read_date_time),
            (TypeRef::DateTime, true) => quote!(read_optional_date_time),
            (_, false) => quote!(read_field),
            (_, true) => quote!(read_optional),
        };
        quote!(#index => de::#read(map, &mut slots.#index),)
    });
    let finish = fields.iter().zip(&indices).map(|(field, index)| {
        let field_name = ident(&field.rust_name);
        if field.is_option() || field.is_nullable_optional() {
            quote!(#field_name: slots.#index,)
        } else {
            quote!(#field_name: slots.#index?,)
        }
    });
    // One-element tuples need their comma.
    let slots_ty = quote!((#(#slot_types,)*));
    let slots_value = quote!((#(#nones,)*));
    // The number of members sent: the required fields and the optional ones that are set.
    let mut len_terms: Vec<TokenStream> = Vec::new();
    if !required.is_empty() {
        let count = proc_macro2::Literal::usize_unsuffixed(required.len());
        len_terms.push(quote!(#count));
    }
    for field in fields.iter().filter(|f| f.is_option()) {
        let field_name = ident(&field.rust_name);
        len_terms.push(quote!(self.#field_name.is_some() as usize));
    }
    for field in fields.iter().filter(|f| f.is_nullable_optional()) {
        let field_name = ident(&field.rust_name);
        len_terms.push(quote!(!self.#field_name.is_absent() as usize));
    }
    let writes = fields.iter().map(|field| {
        let field_name = ident(&field.rust_name);
        let json_name = &field.json_name;
        if let Some(format) = wire_format(api, &field.ty) {
            let wire = quote!(crate::runtime::format::Wire::<#format, _>::new);
            return if field.is_option() {
                quote!(object.optional(#json_name, &self.#field_name.as_ref().map(#wire));)
            } else if field.is_nullable_optional() {
                quote!(object.nullable_as::<#format, _>(#json_name, &self.#field_name);)
            } else {
                quote!(object.field(#json_name, &#wire(&self.#field_name));)
            };
        }
        if field.is_option() {
            quote!(object.optional(#json_name, &self.#field_name);)
        } else if field.is_nullable_optional() {
            quote!(object.nullable(#json_name, &self.#field_name);)
        } else {
            quote!(object.field(#json_name, &self.#field_name);)
        }
    });
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let len = #(#len_terms)+*;
                let mut object = crate::runtime::serde_helpers::Fields::new(serializer, #type_name, len)?;
                #(#writes)*
                object.end()
            }
        }

        #cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::serde_helpers::deserialize_object(deserializer)
            }
        }

        #cfg
        impl crate::runtime::serde_helpers::Object for #name {
            const NAME: &'static str = #type_name;
            const FIELDS: &'static [&'static str] = &[#(#json_names),*];
            const REQUIRED: &'static [usize] = &[#(#required),*];
            type Slots = #slots_ty;

            #[inline]
            fn slots() -> Self::Slots {
                #slots_value
            }

            #[inline]
            fn read<'de, A: serde::de::MapAccess<'de>>(
                slots: &mut Self::Slots,
                index: usize,
                map: &mut A,
            ) -> Result<(), A::Error> {
                use crate::runtime::serde_helpers as de;
                match index {
                    #(#reads)*
                    _ => map.next_value::<serde::de::IgnoredAny>().map(drop),
                }
            }

            #[inline]
            fn finish(slots: Self::Slots) -> Option<Self> {
                Some(Self {
                    #(#finish)*
                })
            }
        }
    }
}

/// `Deserialize` for a derive list, or, for a type the client only ever encodes, behind the
/// crate's `deserialize-all` feature: most of a type's compile time is its `Deserialize` impl.
fn derive_deserialize(def: &TypeDef) -> (Option<TokenStream>, Option<TokenStream>) {
    if def.decoded {
        (Some(quote!(, serde::Deserialize)), None)
    } else {
        (None, Some(quote!(#[cfg_attr(feature = "deserialize-all", derive(serde::Deserialize))])))
    }
}

/// The `cfg` of a hand-written `Deserialize` impl (see [`derive_deserialize`]).
fn deserialize_cfg(def: &TypeDef) -> Option<TokenStream> {
    (!def.decoded).then(|| quote!(#[cfg(feature = "deserialize-all")]))
}

fn string_enum(def: &TypeDef, values: &[EnumValue]) -> TokenStream {
    let docs = doc_attrs(
        &def.docs,
        &["A value the server sends that this version of the crate does not know decodes as \
           `Unknown`, and encodes back unchanged."
            .to_owned()],
    );
    let name = ident(&def.name);
    let extra_derives = extra_derives(def, &["Debug", "Clone", "PartialEq", "Eq", "Hash", "PartialOrd", "Ord"]);
    let deserialize_cfg = deserialize_cfg(def);
    let variants: Vec<Ident> = values.iter().map(|v| ident(&v.rust_name)).collect();
    let wire: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let variant_docs =
        wire.iter().map(|value| if value.is_empty() { " The empty string.".to_owned() } else { format!(" `{value}`") });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #extra_derives
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value not known to this version of the crate.
            Unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wire,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wire => Self::#variants,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #deserialize_cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::serde_helpers::deserialize_string_enum(deserializer)
            }
        }

        impl crate::runtime::ToParam for #name {
            fn to_param(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed(self.as_str())
            }
        }
    }
}

fn tagged_union(api: &Api, def: &TypeDef, tag: &str, variants: &[TaggedVariant]) -> TokenStream {
    let docs = doc_attrs(
        &def.docs,
        &[format!(
            "Told apart by the `{tag}` property. An object with a `{tag}` this version of the crate \
             does not know decodes as `Unknown`, and encodes back unchanged."
        )],
    );
    let name = ident(&def.name);
    let extra_derives = extra_derives(def, &["Debug", "Clone", "PartialEq"]);
    let deserialize_cfg = deserialize_cfg(def);
    // A variant whose type has the tag as a field of its own (a component type, used as it is)
    // writes and reads the tag itself: serde adds it only for the others. serde wants such
    // (untagged) variants after the tagged ones.
    let (own, keeping): (Vec<&TaggedVariant>, Vec<&TaggedVariant>) =
        variants.iter().partition(|variant| !variant.default && !keeps_tag(api, variant.payload, tag));
    let variant = |v: &&TaggedVariant| {
        let variant = ident(&v.rust_name);
        let payload = named_path(api, v.payload, &def.home);
        let value = v.tag_value.clone();
        let doc = if v.default {
            format!(" Any other `{tag}` (the discriminator's default mapping).")
        } else {
            format!(" `{tag}: {value}`")
        };
        (variant, payload, value, doc)
    };
    let own_variants = own.iter().map(variant).map(|(variant, payload, value, doc)| {
        quote! {
            #[doc = #doc]
            #[serde(rename = #value)]
            #variant(#payload),
        }
    });
    // A type that keeps the tag may leave it out (an optional property with a default, as
    // pydantic writes `kind: Literal["dog"] = "dog"`): the tag is added when it is missing.
    let writer = |v: &TaggedVariant| {
        format_ident!(
            "__write_{}_{}",
            heck::ToSnakeCase::to_snake_case(def.name.as_str()),
            heck::ToSnakeCase::to_snake_case(v.rust_name.as_str())
        )
    };
    let writers = keeping.iter().filter(|v| !v.default).map(|v| {
        let function = writer(v);
        let payload = named_path(api, v.payload, &def.home);
        let value = v.tag_value.as_str();
        quote! {
            #[doc(hidden)]
            fn #function<S: serde::Serializer>(payload: &#payload, serializer: S) -> Result<S::Ok, S::Error> {
                crate::runtime::serde_helpers::serialize_with_tag(payload, #tag, #value, serializer)
            }
        }
    });
    let keeping_variants = keeping.iter().map(|v| {
        let with = (!v.default).then(|| {
            let function = writer(v).to_string();
            quote!(#[serde(serialize_with = #function)])
        });
        let (variant, payload, _, doc) = variant(v);
        quote! {
            #[doc = #doc]
            #[serde(untagged)]
            #with
            #variant(#payload),
        }
    });
    let fallback = match variants.iter().find(|v| v.default) {
        Some(v) => {
            let variant = ident(&v.rust_name);
            if keeps_tag(api, v.payload, tag) {
                quote!(Deserialize::deserialize(crate::runtime::serde_helpers::WithTag::new(Self::TAG, tag, rest)).map(Self::#variant))
            } else {
                quote!(Deserialize::deserialize(rest).map(Self::#variant))
            }
        }
        None => quote!(crate::runtime::serde_helpers::unknown_variant(Self::TAG, tag, rest).map(Self::Unknown)),
    };
    let decode = variants.iter().filter(|v| !v.default).map(|v| {
        let variant = ident(&v.rust_name);
        let value = v.tag_value.as_str();
        if keeps_tag(api, v.payload, tag) {
            quote! {
                #value => Deserialize::deserialize(crate::runtime::serde_helpers::WithTag::new(Self::TAG, tag, rest))
                    .map(Self::#variant),
            }
        } else {
            quote! { #value => Deserialize::deserialize(rest).map(Self::#variant), }
        }
    });
    // `From` for each type that is the payload of one variant only (two aliases of one type
    // are one type).
    let payloads: Vec<TypeRef> = variants.iter().map(|v| unaliased(api, &TypeRef::Named(v.payload))).collect();
    let once = |index: usize| payloads.iter().filter(|p| **p == payloads[index]).count() == 1;
    let froms = variants.iter().enumerate().filter(|(index, _)| once(*index)).map(|(_, v)| {
        let variant = ident(&v.rust_name);
        let payload = named_path(api, v.payload, &def.home);
        quote! {
            impl From<#payload> for #name {
                fn from(value: #payload) -> Self {
                    Self::#variant(value)
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #extra_derives
        #[serde(tag = #tag)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#own_variants)*
            #(#keeping_variants)*
            /// An alternative not known to this version of the crate, kept as JSON.
            #[serde(untagged)]
            Unknown(serde_json::Value),
        }

        #(#froms)*

        #(#writers)*

        #deserialize_cfg
        impl crate::runtime::serde_helpers::TaggedUnion for #name {
            const TAG: &'static str = #tag;

            fn variant<'de, D: serde::Deserializer<'de>>(tag: &str, rest: D) -> Result<Self, D::Error> {
                use serde::Deserialize;
                match tag {
                    #(#decode)*
                    _ => #fallback,
                }
            }
        }

        #deserialize_cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::serde_helpers::deserialize_tagged(deserializer)
            }
        }
    }
}

/// Whether the type `id` (aliases followed) is a struct with a field for the property `tag`.
fn keeps_tag(api: &Api, id: TypeId, tag: &str) -> bool {
    let mut id = id;
    for _ in 0..16 {
        match &api.types.types[id.0].kind {
            TypeKind::Struct(fields) => return fields.iter().any(|field| field.json_name == tag && !field.flatten),
            TypeKind::Alias(TypeRef::Named(next)) => id = *next,
            _ => return false,
        }
    }
    false
}

fn untagged_union(api: &Api, def: &TypeDef, variants: &[UntaggedVariant]) -> TokenStream {
    let docs = doc_attrs(
        &def.docs,
        &["The spec gives no property to tell the alternatives apart: a value decodes as the first \
           variant that accepts it (untagged)."
            .to_owned()],
    );
    let name = ident(&def.name);
    let extra_derives = extra_derives(def, &["Debug", "Clone", "PartialEq"]);
    let names: Vec<Ident> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let types = variants.iter().map(|v| type_tokens(api, &v.ty, &def.home));
    let formats: Vec<Option<TokenStream>> = variants.iter().map(|v| wire_format(api, &v.ty)).collect();
    let variant_attrs = formats.iter().map(|format| {
        format.as_ref().map(|format| {
            let write = format_fn("write", format);
            quote!(#[serde(serialize_with = #write)])
        })
    });
    let to_param = variants.iter().all(|v| is_param(api, &v.ty)).then(|| {
        let arms = names.iter().zip(&formats).map(|(name, format)| match format {
            Some(format) => quote! {
                Self::#name(value) => std::borrow::Cow::Owned(
                    crate::runtime::format::Wire::<#format, _>::new(value).to_param().into_owned()
                ),
            },
            None => quote!(Self::#name(value) => value.to_param(),),
        });
        quote! {
            impl crate::runtime::ToParam for #name {
                fn to_param(&self) -> std::borrow::Cow<'_, str> {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    });
    // Decoded by hand: the first variant that accepts the value wins, and when none does, the
    // error names each variant tried with its own error and path (serde's untagged derive says
    // only "data did not match any variant").
    let deserialize_cfg = deserialize_cfg(def);
    let type_name = def.name.as_str();
    let variant_names: Vec<String> = variants.iter().map(|v| v.rust_name.clone()).collect();
    let attempts = variants.iter().zip(&formats).zip(&names).zip(&variant_names).map(|(((v, format), name), label)| {
        let ty = type_tokens(api, &v.ty, &def.home);
        match format {
            Some(format) => quote! {
                if let Some(variant) = tried.attempt::<crate::runtime::format::Read<#format, #ty>>(&value, #label) {
                    return Ok(Self::#name(variant.0));
                }
            },
            None => quote! {
                if let Some(variant) = tried.attempt::<#ty>(&value, #label) {
                    return Ok(Self::#name(variant));
                }
            },
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #extra_derives
        #[serde(untagged)]
        // Alternatives differ in size; boxing them would make matching clumsier for data that is
        // decoded once and read.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variant_attrs #names(#types),)*
        }

        #deserialize_cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let mut tried = crate::runtime::serde_helpers::Tried::new(#type_name);
                #(#attempts)*
                Err(tried.into_error())
            }
        }

        #to_param
    }
}

/// The configuration's derives for `def` beside the ones it has (`existing`), as a derive
/// attribute of its own.
fn extra_derives(def: &TypeDef, existing: &[&str]) -> Option<TokenStream> {
    let paths: Vec<TokenStream> = def
        .derives
        .iter()
        .filter(|derive| !existing.contains(&derive.rsplit("::").next().unwrap_or(derive)))
        .map(|derive| external_path(derive))
        .collect();
    let derive = (!paths.is_empty()).then(|| quote!(#[derive(#(#paths),*)]));
    // Checked by `config::check_attribute` to be one outer attribute each.
    let attributes = def.attributes.iter().filter_map(|text| text.parse::<TokenStream>().ok());
    let all = quote!(#derive #(#attributes)*);
    (!all.is_empty()).then_some(all)
}
