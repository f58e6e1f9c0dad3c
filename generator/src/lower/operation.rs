//! Operations: parameters by location, responses by status with body and typed headers.

use std::collections::BTreeMap;

use openapiv3::{
    Parameter as SpecParameter, ParameterSchemaOrContent, ReferenceOr, Response as SpecResponse, StatusCode,
};

use super::schema::Place;
use super::{namespace, Lowerer};
use crate::config::OperationIds;
use crate::diagnostic::{push_pointer, Kind, SpecError};
use crate::model::{
    has_json_form, is_download, is_object, is_param, Body, Docs, EventData, Field, Group, Home, Method, Operation,
    PageTotal, Pagination, ParamLocation, ParamStyle, Parameter, PathPart, RequestBody, RequestBodyKind, Response,
    ResponseHeader, StatusMatch, TypeDef, TypeKind, TypeRef,
};
use crate::names::{camel, snake, Namer};
use crate::{Selection, Selector};

impl<'s> Lowerer<'s> {
    pub(super) fn operations(&mut self, selection: &Selection) -> Result<(Vec<Group>, Vec<Operation>), SpecError> {
        let selectors: &[Selector] = match selection {
            Selection::All => &[],
            Selection::Only(selectors) => selectors,
        };
        let mut used = vec![false; selectors.len()];
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        let mut fn_names: BTreeMap<String, Namer> = BTreeMap::new();
        let mut operation_ids: BTreeMap<&'s str, String> = BTreeMap::new();
        let mut operations = Vec::new();
        for (path, item) in &self.spec.paths.paths {
            let path_pointer = push_pointer("/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(self.error(&path_pointer, "path items given by `$ref` are not supported".to_owned()))
                }
            };
            for (method_name, method, operation) in [
                ("get", Method::Get, &item.get),
                ("put", Method::Put, &item.put),
                ("post", Method::Post, &item.post),
                ("delete", Method::Delete, &item.delete),
                ("options", Method::Options, &item.options),
                ("head", Method::Head, &item.head),
                ("patch", Method::Patch, &item.patch),
                ("trace", Method::Trace, &item.trace),
            ] {
                let Some(operation) = operation else { continue };
                // 3.2's `query` and `additionalOperations`, moved by `normalize` into path
                // items of their own: the method and path they were written with.
                let text = |key: &str| operation.extensions.get(key).and_then(|v| v.as_str());
                let (method, path) = match (text(crate::normalize::METHOD), text(crate::normalize::PATH)) {
                    (Some("QUERY"), Some(path)) => (Method::Query, path),
                    (Some(other), Some(path)) => (Method::Other(other.to_owned()), path),
                    _ => (method, path.as_str()),
                };
                let pointer = push_pointer(&path_pointer, method_name);
                if let Some(id) = &operation.operation_id {
                    if let Some(first) = operation_ids.insert(id, pointer.clone()) {
                        self.warn(
                            Kind::DuplicateOperationId,
                            &push_pointer(&pointer, "operationId"),
                            format!(
                                "operationId {} is already used at #{first}; this operation's method and types \
                                 get the next free name (a number added)",
                                crate::diagnostic::quoted(id)
                            ),
                        );
                    }
                }
                let tag = operation.tags.first().map(String::as_str).unwrap_or("default");
                if !selectors.is_empty() {
                    let mut selected = false;
                    for (selector, used) in selectors.iter().zip(used.iter_mut()) {
                        if selector.matches(operation.operation_id.as_deref(), tag) {
                            *used = true;
                            selected = true;
                        }
                    }
                    if !selected {
                        continue;
                    }
                }
                // The group's name: the tag's, or the one the configuration gives it.
                let group_tag = self.settings.names.tags.get(tag).map_or(tag, String::as_str);
                let group_module = group_module_name(group_tag);
                let group = groups.entry(group_module.clone()).or_insert_with(|| Group {
                    module: group_module.clone(),
                    type_name: format!("{}Api", camel(group_tag)),
                    description: self.spec.tags.iter().find(|t| t.name == tag).and_then(|t| t.description.clone()),
                });
                let base_name = match &operation.operation_id {
                    Some(id) => {
                        let prefix = format!("{}-", tag.to_lowercase().replace(' ', "-"));
                        let lower = id.to_lowercase();
                        if lower.starts_with(&prefix) && id.len() > prefix.len() {
                            id[prefix.len()..].to_owned()
                        } else {
                            id.clone()
                        }
                    }
                    None => format!("{method_name} {path}"),
                };
                // A name the configuration chose (by operationId, or by a rule for all of them).
                let chosen = match (operation.operation_id.as_ref(), self.settings.names.operation_ids) {
                    (Some(id), _) if self.settings.names.operations.contains_key(id) => {
                        Some(self.settings.names.operations[id].clone())
                    }
                    (Some(id), OperationIds::Fastapi) => crate::config::fastapi_function(id, method.as_str(), path),
                    (_, OperationIds::MethodPath) => Some(crate::config::method_path_name(method.as_str(), path)),
                    _ => None,
                };
                let base_name = chosen.clone().unwrap_or(base_name);
                let namer = fn_names.entry(group.module.clone()).or_default();
                if chosen.is_some() && namer.is_taken(&snake(&base_name)) {
                    // Never numbered silently: the team chooses.
                    return Err(self.error(
                        &pointer,
                        format!(
                            "the method name `{}` the configuration gives this operation is already another \
                             operation's in `{}`; give one of them a name of its own in `[names.operations]`",
                            snake(&base_name),
                            group.module
                        ),
                    ));
                }
                let fn_name = namer.unique(&snake(&base_name));
                let type_name = self.type_names.unique(&camel(&fn_name));
                // The emitter names these after the operation; keep inline types off them.
                for suffix in ["Response", "ResponseBody", "EventsResponse", "Error", "Headers"] {
                    self.type_names.unique(&format!("{type_name}{suffix}"));
                }
                let home = Home::Operations(group.module.clone());
                let params = self.parameters(
                    &item.parameters,
                    &operation.parameters,
                    &type_name,
                    &home,
                    &pointer,
                    &path_pointer,
                )?;
                let mut params = params;
                let (path_parts, undeclared) =
                    path_parts(path, &mut params).map_err(|message| self.error(&path_pointer, message))?;
                for name in undeclared {
                    self.warn(
                        Kind::UndeclaredPathParameter,
                        &path_pointer,
                        format!(
                            "path parameter `{name}` is not declared; it is generated as a required `String` \
                             path parameter"
                        ),
                    );
                }
                let responses = self.responses(operation, &type_name, &home, &pointer)?;
                let request_body = match &operation.request_body {
                    Some(body) => Some(self.request_body(body, &type_name, &home, &pointer)?),
                    None => None,
                };
                let pagination = pagination(&params, &responses, &self.types);
                operations.push(Operation {
                    operation_id: operation.operation_id.clone().unwrap_or_else(|| base_name.clone()),
                    fn_name,
                    type_name,
                    group: group.module.clone(),
                    method,
                    path: path.to_owned(),
                    path_parts,
                    params,
                    request_body,
                    responses,
                    docs: Docs {
                        summary: operation.summary.clone(),
                        description: operation.description.clone(),
                        deprecated: operation.deprecated,
                    },
                    pagination,
                });
            }
        }
        if let Some((selector, _)) = selectors.iter().zip(&used).find(|(_, used)| !**used) {
            return Err(self.error("/paths", format!("the operation selection {selector:?} matches no operation")));
        }
        Ok((groups.into_values().collect(), operations))
    }

    /// The path item's parameters, overridden by the operation's of the same name and location.
    fn parameters(
        &mut self,
        item_params: &'s [ReferenceOr<SpecParameter>],
        op_params: &'s [ReferenceOr<SpecParameter>],
        type_name: &str,
        home: &Home,
        pointer: &str,
        path_pointer: &str,
    ) -> Result<Vec<Parameter>, SpecError> {
        let mut resolved: Vec<(&'s SpecParameter, String)> = Vec::new();
        for (params, base) in [(item_params, path_pointer), (op_params, pointer)] {
            for (index, param) in params.iter().enumerate() {
                let at = push_pointer(&push_pointer(base, "parameters"), &index.to_string());
                let (param, at) = self.resolve_parameter(param, at)?;
                let data = param.parameter_data_ref();
                let location = std::mem::discriminant(param);
                resolved.retain(|(p, _)| {
                    !(p.parameter_data_ref().name == data.name && std::mem::discriminant(*p) == location)
                });
                resolved.push((param, at));
            }
        }
        let mut names = Namer::new();
        // Names the builder uses for itself.
        for reserved in ["client", "send", "request", "body"] {
            names.unique(reserved);
        }
        let mut out = Vec::with_capacity(resolved.len());
        for (param, at) in resolved {
            let data = param.parameter_data_ref();
            // The location, `explode` and the separator of unexploded query values, and the
            // style asked for where it is not the location's plain one.
            let (location, explode, separator, asked) = match param {
                SpecParameter::Path { style, .. } => {
                    let asked = match style {
                        openapiv3::PathStyle::Simple => ParamStyle::Plain,
                        openapiv3::PathStyle::Label => ParamStyle::Label { object: false },
                        openapiv3::PathStyle::Matrix => ParamStyle::Matrix { object: false },
                    };
                    (ParamLocation::Path, data.explode.unwrap_or(false), ',', asked)
                }
                SpecParameter::Query { style, .. } => {
                    let (separator, asked) = match style {
                        openapiv3::QueryStyle::SpaceDelimited => (' ', ParamStyle::Plain),
                        openapiv3::QueryStyle::PipeDelimited => ('|', ParamStyle::Plain),
                        // Swagger 2.0's `collectionFormat: tsv`.
                        _ if data.extensions.get(crate::normalize::SEPARATOR).and_then(|s| s.as_str())
                            == Some("\t") =>
                        {
                            ('\t', ParamStyle::Plain)
                        }
                        openapiv3::QueryStyle::Form => (',', ParamStyle::Plain),
                        openapiv3::QueryStyle::DeepObject => (',', ParamStyle::DeepObject),
                    };
                    let delimited = separator != ',';
                    (ParamLocation::Query, data.explode.unwrap_or(!delimited) && !delimited, separator, asked)
                }
                SpecParameter::Header { .. } => {
                    (ParamLocation::Header, data.explode.unwrap_or(false), ',', ParamStyle::Plain)
                }
                // `form`, whose `explode` defaults to true.
                SpecParameter::Cookie { .. } => {
                    (ParamLocation::Cookie, data.explode.unwrap_or(true), ',', ParamStyle::Plain)
                }
            };
            let name = format!("{type_name}{}", camel(&data.name));
            let (ty, json) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let schema_pointer = push_pointer(&at, "schema");
                    let ty =
                        self.lower_ref(schema, &Place { name: &name, home, pointer: &schema_pointer, depth: 0 })?;
                    (ty, false)
                }
                ParameterSchemaOrContent::Content(content) => {
                    // One media type describes the value; JSON is sent as JSON text, keeping the
                    // parameter's type.
                    let content_pointer = push_pointer(&at, "content");
                    match content.iter().next() {
                        Some((media, media_type)) => {
                            let media_pointer = push_pointer(&content_pointer, media);
                            let ty = match &media_type.schema {
                                Some(schema) => {
                                    let pointer = push_pointer(&media_pointer, "schema");
                                    self.lower_ref(schema, &Place { name: &name, home, pointer: &pointer, depth: 0 })?
                                }
                                None => TypeRef::Json,
                            };
                            (ty, media.contains("json"))
                        }
                        None => {
                            self.warn(
                                Kind::ParameterContent,
                                &content_pointer,
                                "a parameter `content` without a media type is sent as text".to_owned(),
                            );
                            (TypeRef::String, false)
                        }
                    }
                }
            };
            // An object (a struct or a map) is written member by member in its style; anything
            // else with no text form travels as JSON text. A JSON-content parameter keeps its
            // type: it is JSON text by definition.
            let object = !json && is_object(&self.types, &ty);
            // `deepObject` brackets every level, so arrays (Stripe's `expand[]=..`) and unions
            // of them go the same way as objects; a plain value is a plain value in any style.
            let plain = is_param(&self.types, &ty);
            let deep = !json && !plain && has_json_form(&self.types, &ty);
            let style = match asked {
                ParamStyle::Label { .. } => ParamStyle::Label { object },
                ParamStyle::Matrix { .. } => ParamStyle::Matrix { object },
                ParamStyle::DeepObject if deep || object => ParamStyle::DeepObject,
                // No text form at all (bytes): JSON text, with `parameter_type`'s warning.
                ParamStyle::DeepObject if !plain => ParamStyle::Plain,
                ParamStyle::DeepObject => {
                    self.warn(
                        Kind::DeepObject,
                        &at,
                        "the `deepObject` style applies to objects and arrays; this value is sent in the `form` \
                         style"
                            .to_owned(),
                    );
                    ParamStyle::Plain
                }
                _ if object => ParamStyle::Object,
                _ => ParamStyle::Plain,
            };
            let kept = json || object || style == ParamStyle::DeepObject;
            let ty = if kept { ty } else { self.parameter_type(ty, &at) };
            out.push(Parameter {
                location,
                wire_name: data.name.clone(),
                rust_name: {
                    // A header or cookie named like a query parameter is told apart by its place.
                    let wanted = snake(&data.name);
                    let suffix = match location {
                        ParamLocation::Header => "_header",
                        ParamLocation::Cookie => "_cookie",
                        ParamLocation::Path | ParamLocation::Query => "",
                    };
                    if names.is_taken(&wanted) && !suffix.is_empty() {
                        names.unique(&format!("{}{suffix}", wanted.trim_start_matches("r#")))
                    } else {
                        names.unique(&wanted)
                    }
                },
                ty,
                required: data.required || location == ParamLocation::Path,
                explode,
                separator,
                json,
                style,
                docs: Docs {
                    summary: None,
                    description: data.description.clone(),
                    deprecated: data.deprecated.unwrap_or(false),
                },
            });
        }
        Ok(out)
    }

    /// `ty`, or JSON (with a warning) where it is, or lists, something with no text form.
    fn parameter_type(&mut self, ty: TypeRef, at: &str) -> TypeRef {
        let fits = match &ty {
            TypeRef::List(item) => is_param(&self.types, item),
            other => is_param(&self.types, other),
        };
        if fits {
            return ty;
        }
        self.warn(
            Kind::ObjectParameter,
            at,
            "a parameter value with no text form (not a string, number, boolean or list of them, nor an \
             object of properties) is sent as JSON text"
                .to_owned(),
        );
        match ty {
            TypeRef::List(_) => TypeRef::List(Box::new(TypeRef::Json)),
            _ => TypeRef::Json,
        }
    }

    fn resolve_parameter(
        &self,
        param: &'s ReferenceOr<SpecParameter>,
        at: String,
    ) -> Result<(&'s SpecParameter, String), SpecError> {
        match param {
            ReferenceOr::Item(param) => Ok((param, at)),
            ReferenceOr::Reference { reference } => {
                let parameters = self.spec.components.as_ref().map(|c| &c.parameters);
                let (key, param) =
                    self.resolve_component(parameters, "parameters", reference, &push_pointer(&at, "$ref"))?;
                Ok((param, push_pointer("/components/parameters", key)))
            }
        }
    }

    fn responses(
        &mut self,
        operation: &'s openapiv3::Operation,
        type_name: &str,
        home: &Home,
        pointer: &str,
    ) -> Result<Vec<Response>, SpecError> {
        let responses_pointer = push_pointer(pointer, "responses");
        let mut entries: Vec<(StatusMatch, &'s ReferenceOr<SpecResponse>)> = operation
            .responses
            .responses
            .iter()
            .map(|(status, response)| {
                let status = match status {
                    StatusCode::Code(code) => StatusMatch::Code(*code),
                    StatusCode::Range(class) => StatusMatch::Range(*class as u8),
                };
                (status, response)
            })
            .collect();
        if let Some(default) = &operation.responses.default {
            entries.push((StatusMatch::Default, default));
        }
        // Exact codes before ranges before `default`: the order the match arms need.
        entries.sort_by_key(|(status, _)| *status);
        let mut names = Namer::new();
        let mut out = Vec::with_capacity(entries.len());
        for (status, response) in entries {
            let status_key = match status {
                StatusMatch::Code(code) => code.to_string(),
                StatusMatch::Range(class) => format!("{class}XX"),
                StatusMatch::Default => "default".to_owned(),
            };
            let at = push_pointer(&responses_pointer, &status_key);
            let rust_name = names.unique(&status_name(status));
            let (response, body_name, body_home, at) = match response {
                ReferenceOr::Item(response) => (response, format!("{type_name}{rust_name}Body"), home.clone(), at),
                ReferenceOr::Reference { reference } => {
                    let responses = self.spec.components.as_ref().map(|c| &c.responses);
                    let (key, response) =
                        self.resolve_component(responses, "responses", reference, &push_pointer(&at, "$ref"))?;
                    let short = camel(key.rsplit('.').next().unwrap_or(key));
                    (response, short, Home::Types(namespace(key)), push_pointer("/components/responses", key))
                }
            };
            let (body, events) = self.response_body(response, &body_name, &body_home, &at)?;
            let headers = self.response_headers(response, &at)?;
            out.push(Response { status, rust_name, description: response.description.clone(), body, events, headers });
        }
        Ok(out)
    }

    fn response_body(
        &mut self,
        response: &'s SpecResponse,
        name: &str,
        home: &Home,
        at: &str,
    ) -> Result<(Option<Body>, Option<EventData>), SpecError> {
        let content_pointer = push_pointer(at, "content");
        let mut body = None;
        let mut events = None;
        for (media_type, content) in &response.content {
            let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            let media_pointer = push_pointer(&content_pointer, media_type);
            if essence == "application/json" || essence.ends_with("+json") {
                if matches!(body, Some(Body::Json(_))) {
                    continue;
                }
                let ty = match &content.schema {
                    Some(schema) => {
                        // A body schema named by a `$ref` response is shared: lower it once.
                        if let Some(ty) = self.response_types.get(at) {
                            ty.clone()
                        } else {
                            let schema_pointer = push_pointer(&media_pointer, "schema");
                            let ty =
                                self.lower_ref(schema, &Place { name, home, pointer: &schema_pointer, depth: 0 })?;
                            self.response_types.insert(at.to_owned(), ty.clone());
                            ty
                        }
                    }
                    None => TypeRef::Json,
                };
                body = Some(Body::Json(ty));
            } else if let Some(framing) = crate::model::sequence_framing(&essence) {
                if matches!(body, Some(Body::Json(_)) | Some(Body::Items(..))) {
                    continue;
                }
                // `itemSchema` (3.2, moved into `schema` by `normalize` with a mark) describes
                // one item; a `schema` that is an array, the whole sequence; any other `schema`
                // one item, as most specs before 3.2 meant it.
                let item = match &content.schema {
                    Some(schema) => {
                        let schema_pointer = push_pointer(&media_pointer, "schema");
                        let item_name = format!("{name}Item");
                        let (item, pointer) = match schema {
                            ReferenceOr::Item(openapiv3::Schema {
                                schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)),
                                schema_data,
                            }) if !schema_data.extensions.contains_key(crate::normalize::ITEM_SCHEMA) => {
                                match &array.items {
                                    Some(items) => (Some(items), push_pointer(&schema_pointer, "items")),
                                    None => (None, schema_pointer),
                                }
                            }
                            _ => (None, schema_pointer),
                        };
                        let place = Place { name: &item_name, home, pointer: &pointer, depth: 0 };
                        match item {
                            Some(items) => self.lower_ref(items, &place)?,
                            None => self.lower_ref(schema, &place)?,
                        }
                    }
                    None => TypeRef::Json,
                };
                body = Some(Body::Items(item, framing));
            } else if essence == "text/event-stream" {
                if events.is_some() {
                    continue;
                }
                // The schema describes each event's `data` (as OpenAI's and most specs mean it).
                let data = match &content.schema {
                    Some(schema) => {
                        let schema_pointer = push_pointer(&media_pointer, "schema");
                        let event_name = format!("{name}Event");
                        match self
                            .lower_ref(schema, &Place { name: &event_name, home, pointer: &schema_pointer, depth: 0 })?
                        {
                            TypeRef::String => EventData::Text,
                            ty => EventData::Json(ty),
                        }
                    }
                    None => EventData::Text,
                };
                events = Some(data);
            } else if body.is_none() {
                // Without JSON on offer, text types give a `String`, downloads bytes.
                body = Some(if is_download(&essence) { Body::Binary } else { Body::Text });
            } else if matches!(body, Some(Body::Text)) && is_download(&essence) {
                body = Some(Body::Binary);
            }
        }
        // An event stream alone is the body; beside JSON, a download or text, an alternative
        // (`send_stream()`).
        if let (Some(data), None) = (&events, &body) {
            return Ok((Some(Body::Events(data.clone())), None));
        }
        Ok((body, events))
    }

    fn request_body(
        &mut self,
        body: &'s ReferenceOr<openapiv3::RequestBody>,
        type_name: &str,
        home: &Home,
        pointer: &str,
    ) -> Result<RequestBody, SpecError> {
        let at = push_pointer(pointer, "requestBody");
        let (body, at) = match body {
            ReferenceOr::Item(body) => (body, at),
            ReferenceOr::Reference { reference } => {
                let bodies = self.spec.components.as_ref().map(|c| &c.request_bodies);
                let (key, body) =
                    self.resolve_component(bodies, "requestBodies", reference, &push_pointer(&at, "$ref"))?;
                (body, push_pointer("/components/requestBodies", key))
            }
        };
        let essence = |media_type: &str| media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let rank = |media_type: &str| {
            let essence = essence(media_type);
            if essence == "application/json" || essence.ends_with("+json") {
                0
            } else if essence == "multipart/form-data" {
                1
            } else if essence == "application/x-www-form-urlencoded" {
                2
            } else if essence.starts_with("text/") {
                4
            } else {
                3
            }
        };
        let Some((media_type, content)) = body.content.iter().min_by_key(|(media_type, _)| rank(media_type)) else {
            self.warn(
                Kind::BodyWithoutMediaType,
                &at,
                "the request body has no content type; it is sent as raw bytes (`application/octet-stream`)".to_owned(),
            );
            return Ok(RequestBody {
                kind: RequestBodyKind::Binary("application/octet-stream".to_owned()),
                required: body.required,
                docs: Docs { summary: None, description: body.description.clone(), deprecated: false },
            });
        };
        let name = format!("{type_name}RequestBody");
        let media_pointer = push_pointer(&push_pointer(&at, "content"), media_type);
        let schema_pointer = push_pointer(&media_pointer, "schema");
        let schema_type = |this: &mut Self| -> Result<TypeRef, SpecError> {
            match &content.schema {
                Some(schema) => {
                    this.lower_ref(schema, &Place { name: &name, home, pointer: &schema_pointer, depth: 0 })
                }
                None => Ok(TypeRef::Json),
            }
        };
        let kind = match rank(media_type) {
            0 => RequestBodyKind::Json(schema_type(self)?),
            1 | 2 => {
                // An object with declared properties is a struct; one without (even with
                // `additionalProperties: false`, an empty body), or a body without a schema or
                // with `{}`, is a map of its members.
                let ty = match schema_type(self)? {
                    TypeRef::Json => TypeRef::Map(Box::new(TypeRef::Json)),
                    ty => ty,
                };
                let object = match &ty {
                    TypeRef::Named(id) => matches!(self.types[id.0].kind, TypeKind::Struct(_)),
                    TypeRef::Map(_) => true,
                    _ => false,
                };
                if !object {
                    // A form has named fields; a schema without them (a string, an array) is a
                    // bug of the spec, and the body can only be sent as the caller encodes it.
                    self.warn(
                        Kind::NonObjectFormBody,
                        &schema_pointer,
                        format!(
                            "a {} body whose schema is not an object has no fields; it is sent as raw \
                             bytes of that media type, encoded by the caller",
                            essence(media_type)
                        ),
                    );
                    RequestBodyKind::Binary(essence(media_type))
                } else if rank(media_type) == 1 {
                    RequestBodyKind::Multipart(ty)
                } else {
                    RequestBodyKind::Form(ty)
                }
            }
            4 => RequestBodyKind::Text(essence(media_type)),
            _ => RequestBodyKind::Binary(essence(media_type)),
        };
        Ok(RequestBody {
            kind,
            required: body.required,
            docs: Docs { summary: None, description: body.description.clone(), deprecated: false },
        })
    }

    fn response_headers(&mut self, response: &'s SpecResponse, at: &str) -> Result<Vec<ResponseHeader>, SpecError> {
        let mut names = Namer::new();
        let mut out = Vec::with_capacity(response.headers.len());
        for (name, header) in &response.headers {
            let header_pointer = push_pointer(&push_pointer(at, "headers"), name);
            let header = match header {
                ReferenceOr::Item(header) => header,
                ReferenceOr::Reference { reference } => {
                    let headers = self.spec.components.as_ref().map(|c| &c.headers);
                    self.resolve_component(headers, "headers", reference, &push_pointer(&header_pointer, "$ref"))?.1
                }
            };
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => match &schema.schema_kind {
                    openapiv3::SchemaKind::Type(openapiv3::Type::Integer(_)) => TypeRef::I64,
                    openapiv3::SchemaKind::Type(openapiv3::Type::Number(_)) => TypeRef::F64,
                    openapiv3::SchemaKind::Type(openapiv3::Type::Boolean(_)) => TypeRef::Bool,
                    openapiv3::SchemaKind::Type(openapiv3::Type::String(s)) => match &s.format {
                        openapiv3::VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => TypeRef::Uuid,
                        openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => {
                            TypeRef::DateTime
                        }
                        _ => TypeRef::String,
                    },
                    _ => {
                        self.warn(
                            Kind::HeaderNotPrimitive,
                            &header_pointer,
                            "only primitive response headers are typed; this one is a string".to_owned(),
                        );
                        TypeRef::String
                    }
                },
                _ => {
                    self.warn(
                        Kind::HeaderNotPrimitive,
                        &header_pointer,
                        "only inline primitive header schemas are typed; this one is a string".to_owned(),
                    );
                    TypeRef::String
                }
            };
            let stem = name.strip_prefix("X-").or_else(|| name.strip_prefix("x-")).unwrap_or(name);
            out.push(ResponseHeader {
                wire_name: name.clone(),
                rust_name: names.unique(&snake(stem)),
                ty,
                docs: Docs {
                    summary: None,
                    description: header.description.clone(),
                    deprecated: header.deprecated.unwrap_or(false),
                },
            });
        }
        Ok(out)
    }
}

/// An operation pages if it has optional integer `limit` and `skip` (or `offset`) query
/// parameters and its success body is a JSON array, or an object holding the array (`items`,
/// `data`, `results`, ...: its one array member) beside, maybe, the total count (`total`,
/// `totalCount`, `count`).
fn pagination(params: &[Parameter], responses: &[Response], types: &[TypeDef]) -> Option<Pagination> {
    let integer = |name: &str| {
        params.iter().find(|p| {
            p.location == ParamLocation::Query
                && p.wire_name == name
                && !p.required
                && matches!(p.ty, TypeRef::I64 | TypeRef::I32)
        })
    };
    let (limit, skip) = (integer("limit")?, integer("skip").or_else(|| integer("offset"))?);
    if limit.ty != TypeRef::I64 || skip.ty != TypeRef::I64 {
        return None;
    }
    let success = responses.iter().find(|r| r.status.is_success())?;
    let (item, items_field, total_field) = match &success.body {
        Some(Body::Json(TypeRef::List(item))) => ((**item).clone(), None, None),
        Some(Body::Json(TypeRef::Named(id))) => {
            let TypeKind::Struct(fields) = &types[id.0].kind else { return None };
            let plain = |f: &&Field| !f.flatten && !f.is_nullable_optional();
            let mut lists = fields.iter().filter(plain).filter_map(|f| match &f.ty {
                TypeRef::List(item) => Some((f, item)),
                _ => None,
            });
            let (items, item) = lists.next()?;
            if lists.next().is_some() {
                return None;
            }
            // `total`, `totalCount`, `total_count`, `totalItems`, `totalResults`, `count`.
            let total = fields.iter().filter(plain).find(|f| {
                let letters: String =
                    f.json_name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
                matches!(f.ty, TypeRef::I64 | TypeRef::I32)
                    && matches!(
                        letters.as_str(),
                        "total" | "totalcount" | "totalitems" | "totalresults" | "count" | "totalelements"
                    )
            });
            ((**item).clone(), Some(items.json_name.clone()), total.map(|f| f.json_name.clone()))
        }
        _ => return None,
    };
    // `X-Pagination-TotalCount`, `X-Total-Count`, `Total-Count`: the letters end in "totalcount".
    let total_header = success
        .headers
        .iter()
        .find(|h| {
            let letters: String = h.wire_name.chars().filter(char::is_ascii_alphanumeric).collect();
            letters.to_ascii_lowercase().ends_with("totalcount") && h.ty == TypeRef::I64
        })
        .map(|h| h.rust_name.clone());
    Some(Pagination {
        limit_param: limit.rust_name.clone(),
        skip_param: skip.rust_name.clone(),
        total: total_field.map(PageTotal::Field).or(total_header.map(PageTotal::Header)),
        items_field,
        item,
    })
}

/// `429` is `TooManyRequests`, `default` is `Other`.
fn status_name(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match reason(code) {
            Some(reason) => camel(reason),
            None => format!("Status{code}"),
        },
        StatusMatch::Range(class) => format!("Status{class}xx"),
        StatusMatch::Default => "Other".to_owned(),
    }
}

fn reason(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "Non Authoritative Information",
        204 => "No Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// Splits `/v2/projects/{projectId}/x` into literals and references to path parameters. A
/// name in the template that no parameter declares (a bug of the spec: `/search?q={q}`) gets a
/// required `String` path parameter, added to `params`; its name is returned.
fn path_parts(path: &str, params: &mut Vec<Parameter>) -> Result<(Vec<PathPart>, Vec<String>), String> {
    let mut parts = Vec::new();
    let mut undeclared = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in path {}", crate::diagnostic::quoted(path)))?
            + open;
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        let name = &rest[open + 1..close];
        let found = params.iter().position(|p| p.location == ParamLocation::Path && p.wire_name == name);
        let index = match found {
            Some(index) => index,
            None => {
                let mut names = Namer::new();
                for param in params.iter() {
                    names.unique(&param.rust_name);
                }
                params.push(Parameter {
                    location: ParamLocation::Path,
                    wire_name: name.to_owned(),
                    rust_name: names.unique(&snake(name)),
                    ty: TypeRef::String,
                    required: true,
                    explode: false,
                    separator: ',',
                    json: false,
                    style: ParamStyle::Plain,
                    docs: Docs {
                        summary: None,
                        description: Some(format!("`{{{name}}}` in the path (not declared by the spec).")),
                        deprecated: false,
                    },
                });
                undeclared.push(name.to_owned());
                params.len() - 1
            }
        };
        parts.push(PathPart::Param(index));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    Ok((parts, undeclared))
}

/// Methods of the runtime's `Client` (and of the traits it implements) that a group accessor
/// `client.<tag>()` must not shadow.
const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "base_url",
    "with_interceptor",
    "call",
    "execute",
    "execute_with_retries",
    "attempt",
    "send",
    "clone",
    "clone_from",
    "clone_into",
    "to_owned",
    "into",
    "try_into",
    "borrow",
    "borrow_mut",
    "type_id",
    "fmt",
];

/// The module (and accessor) name of a tag's group: its snake-case form, with `_tag` added
/// when that is the name of a method of the client (a tag named `Call`).
fn group_module_name(tag: &str) -> String {
    let module = snake(tag);
    if CLIENT_METHODS.contains(&module.as_str()) {
        format!("{module}_tag")
    } else {
        module
    }
}
