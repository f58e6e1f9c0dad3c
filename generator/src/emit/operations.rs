//! Operations to request builders, responses and per-operation errors.

use crate::model::Method;
use std::collections::{BTreeMap, HashMap};

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use super::docs::doc_attrs;
use super::types::{ident, type_def, type_tokens};
use crate::model::{
    Api, Body, Docs, EventData, Group, Home, Operation, Pagination, ParamLocation, ParamStyle, Parameter, PathPart,
    RequestBody, RequestBodyKind, Response, StatusMatch, TypeId, TypeRef, WireFormat,
};

/// `operations/<group>.rs`: the group's handle, its operations and the types only they use.
/// How many operations a group's file holds before its operations move into files of their own
/// (`operations/<group>/<part>.rs`, by the first word of their method names).
const PART_OPERATIONS: usize = 60;

/// Where a group's operations and their own types go: computed once per group (see
/// [`layouts`]), since a huge API has thousands of groups and files.
#[derive(Debug, Default)]
pub struct Layout {
    /// The group's operations, as indices into `api.operations`.
    pub members: Vec<usize>,
    /// The group's own types (at home in its module), each with the operation that owns it, if
    /// one does: the one whose type name is the longest prefix of the type's.
    pub local_types: Vec<(TypeId, Option<usize>)>,
    /// The parts the group is split into (see [`layouts`]); empty when it keeps one file.
    pub parts: BTreeMap<String, Vec<usize>>,
}

/// Every group's [`Layout`], by module. A large group is split into parts by the first word of
/// the method name (`get`, `list`, `create`), a part still over the limit by the first two, and
/// so on; each operation's own types go with it. A part's limit is 60 operations and the
/// estimated lines a types module may hold before it is split (Microsoft Graph's operations carry
/// enums of hundreds of `$select` values each). The rule depends on an operation's own name and
/// size and its part's size only, so that an added operation moves no other.
pub fn layouts(api: &Api) -> HashMap<&str, Layout> {
    let mut layouts: HashMap<&str, Layout> = HashMap::new();
    for (index, op) in api.operations.iter().enumerate() {
        layouts.entry(op.group.as_str()).or_default().members.push(index);
    }
    for (id, def) in api.types.iter() {
        if let Home::Operations(group) = &def.home {
            layouts.entry(group.as_str()).or_default().local_types.push((id, None));
        }
    }
    for layout in layouts.values_mut() {
        let members = std::mem::take(&mut layout.members);
        let mut weights: BTreeMap<usize, usize> =
            members.iter().map(|&i| (i, 100 + 20 * api.operations[i].params.len())).collect();
        for (id, owner) in &mut layout.local_types {
            let def = api.types.get(*id);
            *owner = owner_operation(api, &members, def);
            if let Some(owner) = owner {
                *weights.entry(*owner).or_default() += crate::lower::modules::estimate(def);
            }
        }
        if too_large(&members, &weights) {
            split_parts(api, &members, &weights, 1, &mut layout.parts);
        }
        layout.members = members;
    }
    layouts
}

/// An operation's estimated generated lines: its builder, about 100 lines and 20 per parameter
/// (measured on Microsoft Graph), and its own types (see [`layouts`]).
fn too_large(members: &[usize], weights: &BTreeMap<usize, usize>) -> bool {
    members.len() > PART_OPERATIONS
        || members.iter().map(|i| weights.get(i).copied().unwrap_or(0)).sum::<usize>()
            > crate::lower::modules::MODULE_LINES
}

fn split_parts(
    api: &Api,
    members: &[usize],
    weights: &BTreeMap<usize, usize>,
    depth: usize,
    parts: &mut BTreeMap<String, Vec<usize>>,
) {
    // The method's words, less the group's own (`repos_get_branch` in `repos`: `get branch`).
    let group_words: Vec<&str> = members
        .first()
        .map(|&i| api.operations[i].group.trim_start_matches("r#").split('_').collect())
        .unwrap_or_default();
    let words = |i: usize| -> Vec<&str> {
        let all: Vec<&str> =
            api.operations[i].fn_name.trim_start_matches("r#").split('_').filter(|w| !w.is_empty()).collect();
        match all.strip_prefix(group_words.as_slice()) {
            Some(rest) if !rest.is_empty() => rest.to_vec(),
            _ => all,
        }
    };
    let mut groups: BTreeMap<Vec<&str>, Vec<usize>> = BTreeMap::new();
    for &index in members {
        groups.entry(words(index).into_iter().take(depth).collect()).or_default().push(index);
    }
    for (prefix, group) in groups {
        if too_large(&group, weights) && group.iter().any(|&i| words(i).len() > depth) {
            split_parts(api, &group, weights, depth + 1, parts);
            continue;
        }
        let name = crate::names::snake(&prefix.join("_"));
        let plain = name.trim_start_matches("r#");
        let name = if plain == "mod" || plain == "crate" || prefix.is_empty() { format!("{plain}_ops") } else { name };
        parts.entry(name).or_default().extend(group);
    }
}

/// The operation (an index into `api.operations`, among `members`) whose own type `def` is: the
/// one whose type name is the longest prefix of the type's (`ReposGetResponse` is `ReposGet`'s).
fn owner_operation(api: &Api, members: &[usize], def: &crate::model::TypeDef) -> Option<usize> {
    members
        .iter()
        .copied()
        .filter(|&i| def.name.starts_with(api.operations[i].type_name.as_str()))
        .max_by_key(|&i| (api.operations[i].type_name.len(), std::cmp::Reverse(i)))
}

/// The part `index` of a large group (see [`layouts`]): its operations' builders and types.
pub fn part_file(api: &Api, group: &Group, layout: &Layout, index: usize) -> TokenStream {
    let home = Home::Operations(group.module.clone());
    let Some(members) = layout.parts.values().nth(index) else { return quote!() };
    let items = members.iter().map(|&i| operation_items(api, &api.operations[i], &home, true));
    let local_types = layout
        .local_types
        .iter()
        .filter(|(_, owner)| owner.is_some_and(|owner| members.contains(&owner)))
        .map(|&(id, _)| type_def(api, api.types.get(id)));
    // The group's methods for these operations, in an impl block of this file: a group of
    // hundreds of operations would otherwise hold all their methods in one file.
    let api_name = ident(&group.type_name);
    let methods = members.iter().map(|&i| group_method(api, &api.operations[i], &home));
    quote! {
        //! Operations of the group (see the parent module), in a file of their own.
        #[allow(unused_imports)]
        use super::*;

        impl<'c> #api_name<'c> {
            #(#methods)*
        }

        #(#items)*

        #(#local_types)*
    }
}

pub fn group_file(api: &Api, group: &Group, layout: &Layout) -> TokenStream {
    let home = Home::Operations(group.module.clone());
    let api_name = ident(&group.type_name);
    let operations: Vec<&Operation> = layout.members.iter().map(|&i| &api.operations[i]).collect();
    let parts = &layout.parts;
    // A split group's methods are in its parts' files.
    let methods = operations.iter().filter(|_| parts.is_empty()).map(|op| group_method(api, op, &home));
    let items = operations.iter().filter(|_| parts.is_empty()).map(|op| operation_items(api, op, &home, false));
    let part_mods = parts.keys().map(|part| {
        let part = ident(part);
        quote! {
            mod #part;
            pub use self::#part::*;
        }
    });
    // In a split group, the types no operation owns (shared by several) stay here.
    let local_types = layout
        .local_types
        .iter()
        .filter(|(_, owner)| parts.is_empty() || owner.is_none())
        .map(|&(id, _)| type_def(api, api.types.get(id)));
    let methods: Vec<TokenStream> = methods.collect();
    let methods_impl = (!methods.is_empty()).then(|| quote!(impl<'c> #api_name<'c> { #(#methods)* }));
    let group_docs = doc_attrs(
        &Docs { description: group.description.clone(), ..Docs::default() },
        &[format!(
            "Get one with [`Client::{}`](crate::Client::{}).",
            group.module,
            group.module.trim_start_matches("r#")
        )],
    );
    quote! {
        #group_docs
        #[derive(Debug, Clone, Copy)]
        pub struct #api_name<'c> {
            pub(crate) client: &'c crate::Client,
        }

        #methods_impl

        #(#part_mods)*

        #(#items)*

        #(#local_types)*
    }
}

fn is_builder_arg(param: &Parameter) -> bool {
    param.required
}

/// The Rust type of a request body.
fn request_body_type(api: &Api, body: &RequestBody, home: &Home) -> TokenStream {
    match &body.kind {
        RequestBodyKind::Json(ty) | RequestBodyKind::Form(ty) | RequestBodyKind::Multipart(ty) => {
            type_tokens(api, ty, home)
        }
        RequestBodyKind::Binary(_) => quote!(crate::runtime::Upload),
        RequestBodyKind::Text(_) => quote!(String),
    }
}

fn group_method(api: &Api, op: &Operation, home: &Home) -> TokenStream {
    let fn_name = ident(&op.fn_name);
    let builder = ident(&op.type_name);
    let mut extra = vec![format!("`{} {}` (operation `{}`).", op.method.as_str(), op.path, op.operation_id)];
    let required: Vec<&Parameter> = op.params.iter().filter(|p| is_builder_arg(p)).collect();
    if !required.is_empty() {
        let list: Vec<String> =
            required.iter().map(|p| format!("`{}`", p.rust_name.trim_start_matches("r#"))).collect();
        extra.push(format!(
            "Takes the required parameters {}; set the optional ones on the returned builder.",
            list.join(", ")
        ));
    }
    let docs = doc_attrs(&op.docs, &extra);
    let mut args: Vec<TokenStream> = required
        .iter()
        .map(|p| {
            let name = ident(&p.rust_name);
            let ty = arg_type(api, &p.ty, home);
            quote!(#name: #ty)
        })
        .collect();
    let body_init = op.request_body.as_ref().map(|body| {
        if body.required {
            let ty = request_body_type(api, body, home);
            args.push(quote!(body: impl Into<#ty>));
            quote!(body: body.into(),)
        } else {
            quote!(body: None,)
        }
    });
    let inits = op.params.iter().map(|p| {
        let name = ident(&p.rust_name);
        if is_builder_arg(p) {
            let value = arg_conversion(&p.ty, quote!(#name));
            quote!(#name: #value)
        } else {
            quote!(#name: None)
        }
    });
    // The spec's required parameters are the arguments, however many it has (clippy's limit
    // counts `self`: seven in all).
    let many = (args.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #docs
        #many
        pub fn #fn_name(&self, #(#args),*) -> #builder<'c> {
            #builder {
                client: self.client,
                #(#inits,)*
                #body_init
            }
        }
    }
}

/// The argument type of a setter: `impl Into<T>` for scalars, `impl IntoIterator` for lists.
fn arg_type(api: &Api, ty: &TypeRef, home: &Home) -> TokenStream {
    match ty {
        TypeRef::List(item) => {
            let item = type_tokens(api, item, home);
            quote!(impl IntoIterator<Item = impl Into<#item>>)
        }
        other => {
            let ty = type_tokens(api, other, home);
            quote!(impl Into<#ty>)
        }
    }
}

fn arg_conversion(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::List(_) => quote!(#value.into_iter().map(Into::into).collect()),
        _ => quote!(#value.into()),
    }
}

fn operation_items(api: &Api, op: &Operation, home: &Home, in_part: bool) -> TokenStream {
    let builder = ident(&op.type_name);
    let response = format_ident!("{}Response", op.type_name);
    let error = format_ident!("{}Error", op.type_name);
    // In a part of a large group (`operations/<group>/<part>.rs`), the group's methods build it
    // from the parent module.
    let vis = in_part.then(|| quote!(pub(super)));
    let fields = op.params.iter().map(|p| {
        let name = ident(&p.rust_name);
        let ty = type_tokens(api, &p.ty, home);
        if is_builder_arg(p) {
            quote!(#vis #name: #ty)
        } else {
            quote!(#vis #name: Option<#ty>)
        }
    });
    let setters = op.params.iter().filter(|p| !is_builder_arg(p)).map(|p| setter(api, p, home));
    let body_field = op.request_body.as_ref().map(|body| {
        let ty = request_body_type(api, body, home);
        if body.required {
            quote!(#vis body: #ty,)
        } else {
            quote!(#vis body: Option<#ty>,)
        }
    });
    let body_setter = op.request_body.as_ref().filter(|body| !body.required).map(|body| {
        let ty = request_body_type(api, body, home);
        let docs = doc_attrs(&body.docs, &["The request body (optional).".to_owned()]);
        quote! {
            #docs
            pub fn body(mut self, value: impl Into<#ty>) -> Self {
                self.body = Some(value.into());
                self
            }

            /// Sets or clears the request body.
            pub fn set_body(mut self, value: Option<#ty>) -> Self {
                self.body = value;
                self
            }
        }
    });
    let request = request_fn(api, op);
    let send = send_fn(api, op, home);
    let paginate = op.pagination.as_ref().map(|p| pagination_fns(api, op, p, home));
    let builder_doc = format!(
        " The request of [`{}::{}`]: set parameters, then [`send`]({}::send) it.",
        api.groups.iter().find(|g| g.module == op.group).map(|g| g.type_name.as_str()).unwrap_or_default(),
        op.fn_name.trim_start_matches("r#"),
        op.type_name,
    );
    let response_items = response_struct(api, op, home, &response);
    let error_items = error_enum(api, op, home, &error);
    let operation_id = &op.operation_id;
    let operation_id_doc =
        " The operation's id in the spec (what interceptors, tracing and `runtime::Mock` name it by).";
    quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder<'c> {
            #vis client: &'c crate::Client,
            #(#fields,)*
            #body_field
        }

        impl<'c> #builder<'c> {
            #[doc = #operation_id_doc]
            pub const OPERATION_ID: &'static str = #operation_id;

            #(#setters)*

            #body_setter

            #send

            #request
        }

        #paginate

        #response_items

        #error_items
    }
}

fn setter(api: &Api, param: &Parameter, home: &Home) -> TokenStream {
    let name = ident(&param.rust_name);
    let set_name = format_ident!("set_{}", param.rust_name.trim_start_matches("r#"));
    let ty = type_tokens(api, &param.ty, home);
    let arg = arg_type(api, &param.ty, home);
    let value = arg_conversion(&param.ty, quote!(value));
    let wire = &param.wire_name;
    let location = match param.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    let docs = doc_attrs(&param.docs, &[format!("The {location} parameter `{wire}`.")]);
    let set_doc = format!(" Sets or clears the {location} parameter `{wire}`.");
    quote! {
        #docs
        pub fn #name(mut self, value: #arg) -> Self {
            self.#name = Some(#value);
            self
        }

        #[doc = #set_doc]
        pub fn #set_name(mut self, value: Option<#ty>) -> Self {
            self.#name = value;
            self
        }
    }
}

fn request_fn(api: &Api, op: &Operation) -> TokenStream {
    let method = match &op.method {
        Method::Query | Method::Other(_) => {
            // Not among reqwest's constants; the name was checked to be an HTTP token.
            let name = proc_macro2::Literal::byte_string(op.method.as_str().as_bytes());
            quote!(reqwest::Method::from_bytes(#name).expect("an HTTP method name"))
        }
        method => {
            let name = format_ident!("{}", method.as_str());
            quote!(reqwest::Method::#name)
        }
    };
    let path = match op.path_parts.as_slice() {
        [] => quote!(String::new()),
        [PathPart::Literal(literal)] => quote!(#literal.to_owned()),
        parts => {
            let steps = parts.iter().enumerate().map(|(index, part)| match (index, part) {
                (0, PathPart::Literal(literal)) => quote!(crate::runtime::PathBuilder::new(#literal)),
                (0, PathPart::Param(param)) => {
                    let step = path_step(api, &op.params[*param]);
                    quote!(crate::runtime::PathBuilder::new("")#step)
                }
                (_, PathPart::Literal(literal)) => quote!(.literal(#literal)),
                (_, PathPart::Param(param)) => path_step(api, &op.params[*param]),
            });
            quote!(#(#steps)*.finish())
        }
    };
    let query = op.params.iter().filter(|p| p.location == ParamLocation::Query).map(|p| {
        let name = ident(&p.rust_name);
        let wire = &p.wire_name;
        let separator = p.separator;
        let object_style = match p.style {
            ParamStyle::DeepObject => Some(quote!(crate::runtime::ObjectStyle::Deep)),
            ParamStyle::Object if p.explode => Some(quote!(crate::runtime::ObjectStyle::Exploded)),
            ParamStyle::Object => Some(quote!(crate::runtime::ObjectStyle::Joined(#separator))),
            _ => None,
        };
        match (&p.ty, is_builder_arg(p)) {
            _ if object_style.is_some() => {
                single_param(api, p, |value| quote!(request.query.push_object(#wire, #value, #object_style);))
            }
            _ if p.json => single_param(api, p, |value| quote!(request.query.push(#wire, #value);)),
            // Items in a wire format of their own (`runtime::format`): written as text first.
            (TypeRef::List(item), required) if super::types::wire_format(api, item).is_some() => {
                let format = super::types::wire_format(api, item);
                let list = if required { quote!(Some(&self.#name)) } else { quote!(self.#name.as_ref()) };
                let texts = quote! {
                    #list.map(|items| items.iter().map(|item| {
                        crate::runtime::ToParam::to_param(&crate::runtime::format::Wire::<#format, _>::new(item)).into_owned()
                    }).collect::<Vec<String>>())
                };
                if p.explode {
                    quote!(request.query.push_each(#wire, #texts.as_deref());)
                } else {
                    quote!(request.query.push_joined(#wire, #separator, #texts.as_deref());)
                }
            }
            (TypeRef::List(_), true) if p.explode => quote!(request.query.push_each(#wire, Some(&self.#name));),
            (TypeRef::List(_), false) if p.explode => quote!(request.query.push_each(#wire, self.#name.as_deref());),
            (TypeRef::List(_), true) => quote!(request.query.push_joined(#wire, #separator, Some(&self.#name));),
            (TypeRef::List(_), false) => quote!(request.query.push_joined(#wire, #separator, self.#name.as_deref());),
            _ if super::types::wire_format(api, &p.ty).is_some() => {
                single_param(api, p, |value| quote!(request.query.push(#wire, #value);))
            }
            (_, true) => quote!(request.query.push(#wire, &self.#name);),
            (_, false) => quote!(request.query.push_opt(#wire, self.#name.as_ref());),
        }
    });
    let headers = op.params.iter().filter(|p| p.location == ParamLocation::Header).map(|p| {
        let wire = &p.wire_name;
        single_param(api, p, |value| quote!(request.header(#wire, #value);))
    });
    let cookies = op.params.iter().filter(|p| p.location == ParamLocation::Cookie).map(|p| {
        let wire = &p.wire_name;
        if p.style == ParamStyle::Object && p.explode {
            // `form`, exploded: a cookie per member.
            let name = ident(&p.rust_name);
            return if is_builder_arg(p) {
                quote!(request.cookie_members(#wire, &self.#name);)
            } else {
                quote!(if let Some(value) = &self.#name { request.cookie_members(#wire, value); })
            };
        }
        single_param(api, p, |value| quote!(request.cookie(#wire, #value);))
    });
    let body = op.request_body.as_ref().map(|body| {
        let (value, access) =
            if body.required { (quote!(self.body), quote!(&self.body)) } else { (quote!(body), quote!(body)) };
        let encode = match &body.kind {
            RequestBodyKind::Json(_) => quote!(request.json(#access)?;),
            RequestBodyKind::Form(_) => quote!(request.form(#access)?;),
            RequestBodyKind::Binary(content_type) => quote!(request.upload(#content_type, #value.clone());),
            RequestBodyKind::Text(content_type) => quote!(request.bytes(#content_type, #value.clone());),
            RequestBodyKind::Multipart(ty) => multipart_parts(api, ty, &value),
        };
        if body.required {
            encode
        } else {
            quote!(if let Some(body) = &self.body { #encode })
        }
    });
    let mutability =
        (op.params.iter().any(|p| p.location != ParamLocation::Path) || body.is_some()).then(|| quote!(mut));
    let (output, result) = match &body {
        Some(_) => (quote!(Result<crate::runtime::Request, crate::runtime::EncodeError>), quote!(Ok(request))),
        None => (quote!(crate::runtime::Request), quote!(request)),
    };
    let (operation_id, template) = (&op.operation_id, &op.path);
    let new_request = quote!(crate::runtime::Request::new(#operation_id, #template, #method, #path));
    if mutability.is_none() {
        return quote! {
            /// The request as it will be sent, without the client-wide headers (authentication,
            /// user agent): for logging, tests, or a look before sending.
            pub fn request(&self) -> #output {
                #new_request
            }
        };
    }
    quote! {
        /// The request as it will be sent, without the client-wide headers (authentication,
        /// user agent): for logging, tests, or a look before sending.
        pub fn request(&self) -> #output {
            let mut request = #new_request;
            #(#query)*
            #(#headers)*
            #(#cookies)*
            #body
            #result
        }
    }
}

/// One multipart part per member of the map `map` whose values are `member`s.
fn map_parts(api: &Api, member: &TypeRef, map: &TokenStream) -> TokenStream {
    let add = match member {
        TypeRef::Binary => quote!(request.multipart_file(name, value);),
        member if super::types::is_param(api, member) => {
            let value = super::types::on_the_wire(api, member, quote!(value));
            quote!(request.multipart_text(name, #value);)
        }
        _ => quote!(request.multipart_json(name, value)?;),
    };
    quote!(for (name, value) in #map.iter() { #add })
}

/// The expression of a parameter's value as a `&impl ToParam`: `value`, or the builder's field
/// when `None`. JSON-content parameters are wrapped to travel as JSON text.
fn param_value(api: &Api, param: &Parameter, value: Option<TokenStream>) -> TokenStream {
    let value = value.unwrap_or_else(|| {
        let name = ident(&param.rust_name);
        quote!(&self.#name)
    });
    if param.json {
        quote!(&crate::runtime::JsonParam(#value))
    } else if param.style == ParamStyle::Object && param.location != ParamLocation::Query {
        // `simple` (a path or a header), or an unexploded cookie: `R,100,G,200`.
        let explode = param.explode && param.location != ParamLocation::Cookie;
        quote!(&crate::runtime::ObjectParam::new(#value, #explode))
    } else {
        super::types::on_the_wire(api, &param.ty, value)
    }
}

/// The builder step that adds a path parameter: `.param(..)`, or a `label` or `matrix`
/// segment written as it is.
fn path_step(api: &Api, param: &Parameter) -> TokenStream {
    let (matrix, object) = match param.style {
        ParamStyle::Label { object } => (None, object),
        ParamStyle::Matrix { object } => (Some(&param.wire_name), object),
        _ => {
            let value = param_value(api, param, None);
            return quote!(.param(#value));
        }
    };
    let name = ident(&param.rust_name);
    let explode = param.explode;
    let value = if object {
        quote!(&crate::runtime::ObjectParam::new(&self.#name, #explode))
    } else if matches!(&param.ty, TypeRef::List(item) if super::types::wire_format(api, item).is_none()) && !param.json
    {
        // Items one by one (`.a.b`, `;x=a;x=b`).
        quote!(&self.#name)
    } else {
        let value = param_value(api, param, None);
        quote!(&crate::runtime::One(#value))
    };
    let matrix = match matrix {
        Some(name) => quote!(Some(#name)),
        None => quote!(None),
    };
    quote!(.literal(&crate::runtime::styled_segment(#matrix, #value, #explode)))
}

/// The statement that adds a parameter sent as one value, `add(value)`, for a required
/// parameter or, inside an `if let`, an optional one.
fn single_param(api: &Api, param: &Parameter, add: impl Fn(TokenStream) -> TokenStream) -> TokenStream {
    let name = ident(&param.rust_name);
    if is_builder_arg(param) {
        add(param_value(api, param, None))
    } else {
        let add = add(param_value(api, param, Some(quote!(value))));
        quote!(if let Some(value) = &self.#name { #add })
    }
}

/// One statement per property of a multipart body: files as file parts, plain values as text,
/// anything else as JSON text.
fn multipart_parts(api: &Api, ty: &TypeRef, value: &TokenStream) -> TokenStream {
    if let TypeRef::Map(member) = ty {
        return map_parts(api, member, value);
    }
    let TypeRef::Named(id) = ty else { return quote!() };
    let crate::model::TypeKind::Struct(fields) = &api.types.get(*id).kind else { return quote!() };
    let parts = fields.iter().map(|field| {
        let name = ident(&field.rust_name);
        if let (true, TypeRef::Map(member)) = (field.flatten, &field.ty) {
            // The other members: one part each.
            return map_parts(api, member, &quote!(#value.#name));
        }
        let wire = &field.json_name;
        let add = |v: TokenStream| match &field.ty {
            TypeRef::Binary => quote!(request.multipart_file(#wire, #v);),
            ty if super::types::is_param(api, ty) => {
                let v = super::types::on_the_wire(api, ty, v);
                quote!(request.multipart_text(#wire, #v);)
            }
            _ => quote!(request.multipart_json(#wire, #v)?;),
        };
        if field.is_option() {
            let add = add(quote!(field));
            quote!(if let Some(field) = &#value.#name { #add })
        } else if field.is_nullable_optional() {
            // A multipart part cannot be `null`: only a value is sent.
            let add = add(quote!(field));
            quote!(if let crate::runtime::Nullable::Value(field) = &#value.#name { #add })
        } else {
            add(quote!(&#value.#name))
        }
    });
    quote!(#(#parts)*)
}

fn pagination_fns(api: &Api, op: &Operation, pagination: &Pagination, home: &Home) -> TokenStream {
    let builder = ident(&op.type_name);
    let response = format_ident!("{}Response", op.type_name);
    let error = format_ident!("{}Error", op.type_name);
    let error_body = format_ident!("{}ErrorBody", op.type_name);
    let item = type_tokens(api, &pagination.item, home);
    let limit = ident(&pagination.limit_param);
    let skip = ident(&pagination.skip_param);
    let declared_headers = op.successes().any(|r| !r.headers.is_empty());
    let headers =
        if declared_headers { format_ident!("{}Headers", op.type_name).into_token_stream() } else { quote!(()) };
    // The body's members that hold the items and the total, as generated (renames applied).
    let body_field = |json_name: &str| -> Option<crate::model::Field> {
        let Some(Body::Json(TypeRef::Named(id))) = op.success().and_then(|r| r.body.as_ref()) else { return None };
        let crate::model::TypeKind::Struct(fields) = &api.types.get(*id).kind else { return None };
        fields.iter().find(|f| f.json_name == json_name).cloned()
    };
    let items_field = pagination.items_field.as_deref().and_then(body_field);
    let body_type = op.success().and_then(|r| match &r.body {
        Some(Body::Json(ty)) => Some(type_tokens(api, ty, home)),
        _ => None,
    });
    let (body, page_len, page_items) = match (&items_field, body_type) {
        (Some(field), Some(body)) => {
            let name = ident(&field.rust_name);
            if field.is_option() {
                (body, quote!(body.#name.as_ref().map_or(0, Vec::len)), quote!(body.#name.unwrap_or_default()))
            } else {
                (body, quote!(body.#name.len()), quote!(body.#name))
            }
        }
        _ => (quote!(Vec<#item>), quote!(body.len()), quote!(body)),
    };
    let total_field = match &pagination.total {
        Some(crate::model::PageTotal::Field(json_name)) => body_field(json_name),
        _ => None,
    };
    let total_count = match (&pagination.total, total_field) {
        (Some(crate::model::PageTotal::Header(header)), _) => {
            let header = ident(header);
            quote! {
                fn total_count(page: &#response) -> Option<i64> {
                    page.headers().ok().and_then(|headers| headers.#header)
                }
            }
        }
        (_, Some(field)) => {
            let name = ident(&field.rust_name);
            let total = match (field.is_option(), &field.ty) {
                (false, TypeRef::I32) => quote!(Some(i64::from(page.body.#name))),
                (false, _) => quote!(Some(page.body.#name)),
                (true, TypeRef::I32) => quote!(page.body.#name.map(i64::from)),
                (true, _) => quote!(page.body.#name),
            };
            quote! {
                fn total_count(page: &#response) -> Option<i64> {
                    #total
                }
            }
        }
        _ => quote! {
            fn total_count(_: &#response) -> Option<i64> {
                None
            }
        },
    };
    quote! {
        impl crate::runtime::Paginated for #builder<'_> {
            type Item = #item;
            type Body = #body;
            type Headers = #headers;
            type ErrorBody = #error_body;

            fn page_skip(&self) -> Option<i64> {
                self.#skip
            }

            fn page_limit(&self) -> Option<i64> {
                self.#limit
            }

            fn with_skip(self, skip: i64) -> Self {
                self.#skip(skip)
            }

            fn page_len(body: &Self::Body) -> usize {
                #page_len
            }

            fn page_items(body: Self::Body) -> Vec<Self::Item> {
                #page_items
            }

            #total_count

            fn send_page(self) -> impl std::future::Future<Output = Result<#response, #error>> {
                self.send()
            }
        }

        impl<'c> #builder<'c> {
            /// All pages, fetched lazily one after the other from this request's `skip`
            /// (default 0) with its `limit` (default: the server's). The stream ends after a
            /// short or empty page, or once the total count the server reports is reached; an
            /// error is the last item. Cap the number of pages with `StreamExt::take`.
            pub fn into_pages(self) -> impl futures_util::Stream<Item = Result<#response, #error>> + 'c {
                crate::runtime::pages(self)
            }

            /// All items of all pages, fetched lazily (see [`into_pages`](Self::into_pages)).
            /// Cap the number of items with `StreamExt::take`: no page is fetched beyond it.
            pub fn into_items(self) -> impl futures_util::Stream<Item = Result<#item, #error>> + 'c {
                crate::runtime::items(self)
            }
        }
    }
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(class) => {
            let low = proc_macro2::Literal::u16_unsuffixed(u16::from(class) * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(u16::from(class) * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// The type of an error response's body: read whole.
fn error_body_type(api: &Api, response: &Response, home: &Home) -> TokenStream {
    match &response.body {
        Some(Body::Json(ty)) => type_tokens(api, ty, home),
        Some(Body::Text) | Some(Body::Events(_)) => quote!(String),
        Some(Body::Binary) | Some(Body::Items(..)) => quote!(bytes::Bytes),
        None => quote!(()),
    }
}

/// The type of a successful response's body: downloads and events are streams.
fn body_tokens(api: &Api, body: Option<&Body>, home: &Home) -> TokenStream {
    match body {
        Some(Body::Json(ty)) => type_tokens(api, ty, home),
        Some(Body::Text) => quote!(String),
        Some(Body::Binary) => quote!(crate::runtime::ByteStream),
        Some(Body::Events(data)) => {
            let data = event_data_type(api, data, home);
            quote!(crate::runtime::EventStream<#data>)
        }
        Some(Body::Items(ty, _)) => {
            let ty = type_tokens(api, ty, home);
            quote!(crate::runtime::JsonLines<#ty>)
        }
        None => quote!(()),
    }
}

/// The type of each event's data.
fn event_data_type(api: &Api, data: &EventData, home: &Home) -> TokenStream {
    match data {
        EventData::Json(ty) => type_tokens(api, ty, home),
        EventData::Text => quote!(String),
    }
}

/// The runtime function that decodes each event's data.
fn event_decoder(api: &Api, data: &EventData, home: &Home) -> TokenStream {
    match data {
        EventData::Json(ty) => {
            let ty = type_tokens(api, ty, home);
            quote!(crate::runtime::event_json::<#ty>)
        }
        EventData::Text => quote!(crate::runtime::event_text),
    }
}

/// `fn <name>(status: u16) -> bool` for the statuses whose bodies `call_open` leaves open.
fn streams_fn(name: &proc_macro2::Ident, statuses: &[StatusMatch]) -> TokenStream {
    let patterns = statuses.iter().map(|status| status_pattern(*status));
    quote! {
        /// The statuses whose bodies are streamed, not read whole.
        fn #name(status: u16) -> bool {
            matches!(status, #(#patterns)|*)
        }
    }
}

fn status_text(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => format!("Status {code}"),
        StatusMatch::Range(class) => format!("A {class}XX status"),
        StatusMatch::Default => "Any other status".to_owned(),
    }
}

/// What the successful response's `body` field holds when an operation has several 2XX
/// responses: one type if they agree, `Option` if some have no body, else an enum by status.
enum SuccessBody<'o> {
    Single(Option<&'o Body>),
    Optional(&'o Body),
    ByStatus,
}

fn success_body(op: &Operation) -> SuccessBody<'_> {
    let bodies: Vec<Option<&Body>> = op.successes().map(|r| r.body.as_ref()).collect();
    let mut distinct: Vec<&Body> = bodies.iter().flatten().copied().collect();
    distinct.dedup();
    match (distinct.as_slice(), bodies.iter().any(Option::is_none)) {
        ([], _) => SuccessBody::Single(None),
        ([one], false) => SuccessBody::Single(Some(one)),
        ([one], true) => SuccessBody::Optional(one),
        _ => SuccessBody::ByStatus,
    }
}

fn send_fn(api: &Api, op: &Operation, home: &Home) -> TokenStream {
    let response = format_ident!("{}Response", op.type_name);
    let error = format_ident!("{}Error", op.type_name);
    let body_enum = format_ident!("{}ResponseBody", op.type_name);
    let error_body = format_ident!("{}ErrorBody", op.type_name);
    let shape = success_body(op);
    let mut arms = Vec::new();
    let mut has_default = false;
    // An operation with only a `default` response has one arm, which needs no `match`.
    let only_default = matches!(op.responses.as_slice(), [r] if r.status == StatusMatch::Default);
    for r in &op.responses {
        let pattern = if only_default { quote!() } else { status_pattern(r.status) };
        let pattern = if only_default { pattern } else { quote!(#pattern =>) };
        has_default |= r.status == StatusMatch::Default;
        let variant = ident(&r.rust_name);
        if r.status.is_success() {
            let wrap = match &shape {
                SuccessBody::Single(_) => quote!(std::convert::identity),
                SuccessBody::Optional(_) => quote!(Some),
                SuccessBody::ByStatus => quote!(#body_enum::#variant),
            };
            let ok = match (&shape, &r.body) {
                (SuccessBody::Single(_), Some(Body::Json(_))) => quote!(raw.ok_json()),
                (_, Some(Body::Json(_))) => quote!(raw.ok_json_as(#wrap)),
                (_, Some(Body::Text)) => quote!(raw.ok_text_as(#wrap)),
                (_, Some(Body::Binary)) => quote!(raw.ok_stream_as(#wrap)),
                (_, Some(Body::Items(_, framing))) => {
                    let framing = match framing {
                        crate::model::Framing::Lines => quote!(crate::runtime::Framing::Lines),
                        crate::model::Framing::RecordSeparator => quote!(crate::runtime::Framing::RecordSeparator),
                    };
                    quote!(raw.ok_items_as(#framing, #wrap))
                }
                (_, Some(Body::Events(data))) => {
                    let decoder = event_decoder(api, data, home);
                    quote!(raw.ok_events_as(#decoder, #wrap))
                }
                (SuccessBody::Single(_), None) => quote!(raw.ok_with(())),
                (SuccessBody::Optional(_), None) => quote!(raw.ok_with(None)),
                (SuccessBody::ByStatus, None) => quote!(raw.ok_with(#body_enum::#variant)),
            };
            arms.push(if only_default { ok } else { quote!(#pattern #ok,) });
        } else {
            let fail = error_arm(r, &error_body);
            arms.push(if only_default { fail } else { quote!(#pattern #fail,) });
        }
    }
    if !has_default {
        arms.push(quote!(_ => raw.error_unexpected(),));
    }
    let decode = if only_default {
        quote!(#(#arms)*)
    } else {
        quote! {
            match raw.status.as_u16() {
                #(#arms)*
            }
        }
    };
    // Beside an event stream, ask for the JSON explicitly: some servers choose by `Accept`.
    let request = request_expr(op, op.has_event_alternative().then_some("application/json"));
    let (call, streams, doc) = if op.streams() {
        let statuses: Vec<StatusMatch> = op.responses.iter().filter(|r| r.streams()).map(|r| r.status).collect();
        let streams = streams_fn(&format_ident!("streams"), &statuses);
        let doc = " Sends the request and decodes the response; a successful body is streamed \
                   as it arrives (the client's idle timeout bounds each wait for more).";
        (quote!(self.client.call_open(#request, Self::streams, Self::decode)), Some(streams), doc)
    } else {
        (quote!(self.client.call(#request, Self::decode)), None, " Sends the request and decodes the response.")
    };
    let send_stream = op.has_event_alternative().then(|| send_stream_fn(api, op, home));
    quote! {
        #[doc = #doc]
        pub fn send(self) -> impl std::future::Future<Output = Result<#response, #error>> + 'c {
            #call
        }

        #streams

        /// The response, by status.
        fn decode(raw: crate::runtime::RawResponse) -> Result<#response, #error> {
            #decode
        }

        #send_stream
    }
}

/// The request, as a `Result`, with `Accept` set when given.
fn request_expr(op: &Operation, accept: Option<&str>) -> TokenStream {
    match (op.request_body.is_some(), accept) {
        (true, None) => quote!(self.request()),
        (false, None) => quote!(Ok(self.request())),
        (true, Some(accept)) => quote!(self.request().map(|request| request.accept(#accept))),
        (false, Some(accept)) => quote!(Ok(self.request().accept(#accept))),
    }
}

/// How a declared error response is decoded (its body read whole).
fn error_arm(response: &Response, error_body: &proc_macro2::Ident) -> TokenStream {
    let variant = ident(&response.rust_name);
    match &response.body {
        Some(Body::Json(_)) => quote!(raw.error_json(#error_body::#variant)),
        Some(Body::Text) | Some(Body::Events(_)) => quote!(raw.error_text(#error_body::#variant)),
        Some(Body::Binary) | Some(Body::Items(..)) => quote!(raw.error_bytes(#error_body::#variant)),
        None => quote!(raw.error_empty(#error_body::#variant)),
    }
}

/// `send_stream()` of an operation that offers server-sent events beside JSON: the first
/// success status with events streams them; the errors decode as in `send()`.
fn send_stream_fn(api: &Api, op: &Operation, home: &Home) -> TokenStream {
    let response = format_ident!("{}EventsResponse", op.type_name);
    let error = format_ident!("{}Error", op.type_name);
    let error_body = format_ident!("{}ErrorBody", op.type_name);
    let Some(streaming) = op.successes().find(|r| r.events.is_some()) else { return quote!() };
    let Some(data) = &streaming.events else { return quote!() };
    let decoder = event_decoder(api, data, home);
    let pattern = status_pattern(streaming.status);
    let mut arms = vec![quote!(#pattern => raw.ok_events_as(#decoder, std::convert::identity),)];
    let mut has_default = false;
    for r in op.errors() {
        has_default |= r.status == StatusMatch::Default;
        let pattern = status_pattern(r.status);
        let fail = error_arm(r, &error_body);
        arms.push(quote!(#pattern => #fail,));
    }
    if !has_default {
        arms.push(quote!(_ => raw.error_unexpected(),));
    }
    let request = request_expr(op, Some("text/event-stream"));
    let streams = streams_fn(&format_ident!("streams_events"), &[streaming.status]);
    let doc = format!(
        " Sends the request asking for server-sent events (`Accept: text/event-stream`) and \
         returns them as a typed stream as they arrive. Where the API chooses by a request field \
         instead (e.g. `stream: true`), set it too. Another success status than {} is an \
         [`UnexpectedStatus`](crate::runtime::Error::UnexpectedStatus).",
        status_text(streaming.status).to_lowercase()
    );
    quote! {
        #[doc = #doc]
        pub fn send_stream(self) -> impl std::future::Future<Output = Result<#response, #error>> + 'c {
            self.client.call_open(#request, Self::streams_events, Self::decode_events)
        }

        #streams

        /// The event-stream response, by status.
        fn decode_events(raw: crate::runtime::RawResponse) -> Result<#response, #error> {
            match raw.status.as_u16() {
                #(#arms)*
            }
        }
    }
}

fn response_struct(api: &Api, op: &Operation, home: &Home, response: &proc_macro2::Ident) -> TokenStream {
    let body_enum = format_ident!("{}ResponseBody", op.type_name);
    let (body, body_doc, body_enum_def) = match success_body(op) {
        SuccessBody::Single(body) => {
            let doc = op.success().map(|r| r.description.trim().to_owned()).unwrap_or_default();
            (body_tokens(api, body, home), doc, None)
        }
        SuccessBody::Optional(body) => {
            let ty = body_tokens(api, Some(body), home);
            (quote!(Option<#ty>), "The body is `None` for the successful statuses that send none.".to_owned(), None)
        }
        SuccessBody::ByStatus => {
            let variants = op.successes().map(|r| {
                let name = ident(&r.rust_name);
                let doc = format!(" {}: {}", status_text(r.status), r.description.trim());
                let docs = super::docs::sanitize(&doc).into_iter().map(|line| quote!(#[doc = #line]));
                match &r.body {
                    Some(body) => {
                        let ty = body_tokens(api, Some(body), home);
                        quote!(#(#docs)* #name(#ty),)
                    }
                    None => quote!(#(#docs)* #name,),
                }
            });
            let doc = format!(" The body of [`{response}`], by status.");
            let def = quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq)]
                #[allow(clippy::large_enum_variant)]
                pub enum #body_enum {
                    #(#variants)*
                }
            };
            (quote!(#body_enum), "The body depends on the status.".to_owned(), Some(def))
        }
    };
    let mut seen_headers = Vec::new();
    let success_headers: Vec<&crate::model::ResponseHeader> = op
        .successes()
        .flat_map(|r| &r.headers)
        .filter(|h| {
            let key = h.wire_name.to_ascii_lowercase();
            let new = !seen_headers.contains(&key);
            seen_headers.push(key);
            new
        })
        .collect();
    let headers_name = format_ident!("{}Headers", op.type_name);
    let doc = format!(" The successful response of [`{}`].", op.type_name);
    let body_docs = (!body_doc.is_empty()).then(|| {
        let lines = super::docs::sanitize(&format!(" {body_doc}"));
        quote!(#[doc = ""] #(#[doc = #lines])*)
    });
    let events_body = op.successes().find_map(|r| r.events.as_ref()).map(|data| {
        let data = event_data_type(api, data, home);
        quote!(crate::runtime::EventStream<#data>)
    });
    let (alias, headers) = if success_headers.is_empty() {
        (quote!(crate::runtime::Response<#body>), None)
    } else {
        let names: Vec<_> = success_headers.iter().map(|h| ident(&h.rust_name)).collect();
        let types: Vec<_> = success_headers.iter().map(|h| type_tokens(api, &h.ty, home)).collect();
        let wires = success_headers.iter().map(|h| h.wire_name.as_str());
        let expected = success_headers.iter().map(|h| match h.ty {
            TypeRef::I32 | TypeRef::I64 => "an integer",
            TypeRef::F32 | TypeRef::F64 => "a number",
            TypeRef::Bool => "a boolean",
            TypeRef::Uuid => "a UUID",
            TypeRef::DateTime => "an RFC 3339 date-time",
            TypeRef::Formatted { format: WireFormat::TimeRfc3339, .. } => "an RFC 3339 date-time",
            TypeRef::Formatted { format: WireFormat::TimeDate, .. } => "a date (YYYY-MM-DD)",
            TypeRef::Formatted { .. } => "a value as text",
            _ => "a string",
        });
        let reads = success_headers.iter().map(|h| match super::types::wire_format(api, &h.ty) {
            Some(format) => quote!(crate::runtime::header_value_as::<#format, _>),
            None => quote!(crate::runtime::header_value),
        });
        let field_docs =
            success_headers.iter().map(|h| doc_attrs(&h.docs, &[format!("From the `{}` header.", h.wire_name)]));
        let headers_doc = format!(
            " The headers the spec declares for [`{response}`], from its \
             [`headers`](crate::runtime::Response::headers); `None` where a header is absent."
        );
        let items = quote! {
            #[doc = #headers_doc]
            #[derive(Debug, Clone, PartialEq, Default)]
            #[non_exhaustive]
            pub struct #headers_name {
                #(
                    #field_docs
                    pub #names: Option<#types>,
                )*
            }

            impl crate::runtime::FromHeaders for #headers_name {
                fn from_headers(
                    headers: &reqwest::header::HeaderMap,
                ) -> Result<Self, crate::runtime::HeaderError> {
                    Ok(Self {
                        #(#names: #reads(headers, #wires, #expected)?,)*
                    })
                }
            }
        };
        (quote!(crate::runtime::Response<#body, #headers_name>), Some(items))
    };
    let events_alias = events_body.map(|events| {
        let name = format_ident!("{}EventsResponse", op.type_name);
        let headers = if success_headers.is_empty() { quote!() } else { quote!(, #headers_name) };
        let doc = format!(" The server-sent events of [`{}`], from `send_stream()`.", op.type_name);
        quote! {
            #[doc = #doc]
            pub type #name = crate::runtime::Response<#events #headers>;
        }
    });
    quote! {
        #[doc = #doc]
        #body_docs
        pub type #response = #alias;

        #events_alias

        #body_enum_def

        #headers
    }
}

fn error_enum(api: &Api, op: &Operation, home: &Home, error: &proc_macro2::Ident) -> TokenStream {
    let error_body = format_ident!("{}ErrorBody", op.type_name);
    let errors: Vec<&Response> = op.errors().collect();
    let variants = errors.iter().map(|r| {
        let name = ident(&r.rust_name);
        let doc = format!(" {}: {}", status_text(r.status), r.description.trim());
        let docs = super::docs::sanitize(&doc).into_iter().map(|line| quote!(#[doc = #line]));
        match r.body {
            Some(_) => {
                let body = error_body_type(api, r, home);
                quote!(#(#docs)* #name(#body),)
            }
            None => quote!(#(#docs)* #name,),
        }
    });
    let predicates = errors.iter().map(|r| {
        let variant = ident(&r.rust_name);
        let snake = crate::names::snake(&r.rust_name);
        let method = format_ident!("is_{}", snake.trim_start_matches("r#"));
        let doc = format!(" Whether this is the [`{error_body}::{}`] response.", r.rust_name);
        let pattern = if r.body.is_some() { quote!(Self::#variant(_)) } else { quote!(Self::#variant) };
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> bool {
                matches!(self, #pattern)
            }
        }
    });
    let doc = format!(
        " Why [`{}`] failed: a [`runtime::Error`](crate::runtime::Error) whose \
         [`Api`](crate::runtime::Error::Api) variant holds a [`{error_body}`].",
        op.type_name
    );
    let body_doc = format!(" The error responses the spec declares for [`{}`], decoded, by status.", op.type_name);
    let (body_enum, predicates) = if errors.is_empty() {
        // Nothing declared: every error status is `UnexpectedStatus`, and the enum has no values.
        (quote!(pub enum #error_body {}), None)
    } else {
        (
            quote!(#[allow(clippy::large_enum_variant)] pub enum #error_body { #(#variants)* }),
            Some(quote! {
                impl #error_body {
                    #(#predicates)*
                }
            }),
        )
    };
    quote! {
        #[doc = #doc]
        pub type #error = crate::runtime::Error<#error_body>;

        #[doc = #body_doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #body_enum

        #predicates
    }
}
