//! Swagger 2.0 documents in their OpenAPI 3.0 form: `definitions` → `components/schemas`, body
//! and form parameters → `requestBody` by `consumes`, `host` + `basePath` + `schemes` →
//! `servers`, `collectionFormat` → `style`/`explode`, responses' `schema` → `content` by
//! `produces`, `securityDefinitions` → `securitySchemes`. Every moved node is recorded in the
//! pointer map.

use serde_json::{json, Map, Value};

use super::{rewrite_refs, Context, Note, SEPARATOR};
use crate::diagnostic::{push_pointer, quoted, Kind};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// The keywords of a 2.0 non-body parameter (and of its `items`) that describe its value.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

pub(super) fn convert(tree: &mut Value, cx: &mut Context) -> Result<(), Note> {
    let Some(root) = tree.as_object_mut() else { return Ok(()) };
    let source = std::mem::take(root);
    let strings = |key: &str| -> Vec<String> {
        source
            .get(key)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let consumes = strings("consumes");
    let produces = strings("produces");
    let mut out = Map::new();
    out.insert("openapi".into(), "3.0.3".into());
    for key in ["info", "tags", "externalDocs", "security"] {
        if let Some(value) = source.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    for (key, value) in &source {
        if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        }
    }
    if let Some(url) = server_url(&source, &strings("schemes")) {
        out.insert("servers".into(), json!([{ "url": url }]));
    }

    let mut components = Map::new();
    if let Some(definitions) = source.get("definitions") {
        components.insert("schemas".into(), definitions.clone());
        cx.map.record("/components/schemas", "/definitions");
    }
    let root_parameters = source.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut parameters = Map::new();
    for (name, parameter) in &root_parameters {
        let original = push_pointer("/parameters", name);
        if matches!(parameter.get("in").and_then(Value::as_str), Some("body" | "formData")) {
            continue; // inlined into each operation's request body
        }
        let converted = push_pointer("/components/parameters", name);
        parameters.insert(name.clone(), parameter_to_3(parameter, &converted, &original, cx));
    }
    if !parameters.is_empty() {
        components.insert("parameters".into(), Value::Object(parameters));
    }
    if let Some(Value::Object(responses)) = source.get("responses") {
        let converted: Map<String, Value> = responses
            .iter()
            .map(|(name, response)| {
                let at = push_pointer("/components/responses", name);
                cx.map.record(&at, push_pointer("/responses", name));
                (name.clone(), response_to_3(response, &at, &produces, cx))
            })
            .collect();
        components.insert("responses".into(), Value::Object(converted));
    }
    if let Some(Value::Object(definitions)) = source.get("securityDefinitions") {
        let schemes: Map<String, Value> =
            definitions.iter().map(|(name, definition)| (name.clone(), security_scheme(definition))).collect();
        components.insert("securitySchemes".into(), Value::Object(schemes));
        cx.map.record("/components/securitySchemes", "/securityDefinitions");
    }

    let mut paths = Map::new();
    if let Some(Value::Object(source_paths)) = source.get("paths") {
        for (path, item) in source_paths {
            let Some(item) = item.as_object() else {
                paths.insert(path.clone(), item.clone());
                continue;
            };
            let at = push_pointer("/paths", path);
            let context = Operation { root_parameters: &root_parameters, consumes: &consumes, produces: &produces };
            paths.insert(path.clone(), Value::Object(context.path_item(item, &at, cx)?));
        }
    }
    out.insert("paths".into(), Value::Object(paths));
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    let mut converted = Value::Object(out);
    rewrite_refs(&mut converted, &mut |reference| {
        [
            ("#/definitions/", "#/components/schemas/"),
            ("#/parameters/", "#/components/parameters/"),
            ("#/responses/", "#/components/responses/"),
        ]
        .iter()
        .find_map(|(old, new)| reference.strip_prefix(old).map(|rest| format!("{new}{rest}")))
    });
    *tree = converted;
    Ok(())
}

/// `host` + `basePath` + the preferred of `schemes` (https if offered).
fn server_url(source: &Map<String, Value>, schemes: &[String]) -> Option<String> {
    let base_path = source.get("basePath").and_then(Value::as_str).unwrap_or("");
    let Some(host) = source.get("host").and_then(Value::as_str) else {
        return (!base_path.is_empty()).then(|| base_path.to_owned());
    };
    let scheme = if schemes.is_empty() || schemes.iter().any(|s| s == "https") { "https" } else { &schemes[0] };
    Some(format!("{scheme}://{host}{base_path}"))
}

fn security_scheme(definition: &Value) -> Value {
    let description = definition.get("description").cloned();
    let mut scheme = match definition.get("type").and_then(Value::as_str) {
        Some("basic") => json!({ "type": "http", "scheme": "basic" }),
        // 2.0's one flow per scheme becomes 3.0's `flows` (OAuth2 sends bearer tokens).
        Some("oauth2") => {
            let flow = match definition.get("flow").and_then(Value::as_str) {
                Some("application") => "clientCredentials",
                Some("accessCode") => "authorizationCode",
                Some("password") => "password",
                _ => "implicit",
            };
            let mut body = Map::new();
            for key in ["authorizationUrl", "tokenUrl", "scopes"] {
                if let Some(value) = definition.get(key) {
                    body.insert(key.to_owned(), value.clone());
                }
            }
            body.entry("scopes").or_insert_with(|| json!({}));
            json!({ "type": "oauth2", "flows": { flow: body } })
        }
        _ => definition.clone(),
    };
    if let (Some(description), Some(map)) = (description, scheme.as_object_mut()) {
        map.insert("description".into(), description);
    }
    scheme
}

/// What converting one operation needs from the document.
struct Operation<'d> {
    root_parameters: &'d Map<String, Value>,
    consumes: &'d [String],
    produces: &'d [String],
}

impl Operation<'_> {
    fn path_item(&self, item: &Map<String, Value>, at: &str, cx: &mut Context) -> Result<Map<String, Value>, Note> {
        let mut out = Map::new();
        // Path-level parameters: body and form ones go into each operation's body.
        let shared = self.resolve_all(item.get("parameters"), &push_pointer(at, "parameters"), cx)?;
        let (shared_plain, shared_body): (Vec<_>, Vec<_>) = shared.into_iter().partition(|p| !p.is_body());
        if !shared_plain.is_empty() {
            let converted = self.convert_plain(&shared_plain, &push_pointer(at, "parameters"), cx);
            out.insert("parameters".into(), Value::Array(converted));
        }
        for (key, value) in item {
            if key.starts_with("x-") || matches!(key.as_str(), "summary" | "description") {
                out.insert(key.clone(), value.clone());
            }
        }
        for method in METHODS {
            let Some(operation) = item.get(*method).and_then(Value::as_object) else { continue };
            let op_at = push_pointer(at, method);
            out.insert((*method).into(), Value::Object(self.operation(operation, &shared_body, &op_at, cx)?));
        }
        Ok(out)
    }

    fn operation(
        &self,
        operation: &Map<String, Value>,
        shared_body: &[Param],
        at: &str,
        cx: &mut Context,
    ) -> Result<Map<String, Value>, Note> {
        let mut out = Map::new();
        for (key, value) in operation {
            if key.starts_with("x-")
                || matches!(
                    key.as_str(),
                    "tags" | "summary" | "description" | "externalDocs" | "operationId" | "deprecated" | "security"
                )
            {
                out.insert(key.clone(), value.clone());
            }
        }
        let media = |key: &str, default: &[String]| -> Vec<String> {
            match operation.get(key).and_then(Value::as_array) {
                Some(items) => items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
                None if default.is_empty() => vec!["application/json".to_owned()],
                None => default.to_vec(),
            }
        };
        let consumes = media("consumes", self.consumes);
        let produces = media("produces", self.produces);
        let params_at = push_pointer(at, "parameters");
        let own = self.resolve_all(operation.get("parameters"), &params_at, cx)?;
        let mut body_params: Vec<Param> = shared_body
            .iter()
            .filter(|shared| !own.iter().any(|p| p.name == shared.name && p.location == shared.location))
            .cloned()
            .collect();
        let (plain, body): (Vec<_>, Vec<_>) = own.into_iter().partition(|p| !p.is_body());
        body_params.extend(body);
        if !plain.is_empty() {
            out.insert("parameters".into(), Value::Array(self.convert_plain(&plain, &params_at, cx)));
        }
        if let Some(body) = request_body(&body_params, &consumes, &push_pointer(at, "requestBody"), cx) {
            out.insert("requestBody".into(), body);
        }
        let responses_at = push_pointer(at, "responses");
        let mut responses = Map::new();
        if let Some(Value::Object(source)) = operation.get("responses") {
            for (status, response) in source {
                let response_at = push_pointer(&responses_at, status);
                responses.insert(status.clone(), response_to_3(response, &response_at, &produces, cx));
            }
        }
        out.insert("responses".into(), Value::Object(responses));
        Ok(out)
    }

    /// The parameters of a list, `$ref`s to the root `parameters` resolved for body and form
    /// parameters (kept as references otherwise). A `$ref` that resolves to no root parameter
    /// (a bug of the spec) leaves the parameter out, with a warning.
    fn resolve_all(&self, list: Option<&Value>, at: &str, cx: &mut Context) -> Result<Vec<Param>, Note> {
        let Some(Value::Array(list)) = list else { return Ok(Vec::new()) };
        let mut out = Vec::with_capacity(list.len());
        for (index, parameter) in list.iter().enumerate() {
            let original = push_pointer(at, &index.to_string());
            let (value, original, reference) = match parameter.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let name = reference.strip_prefix("#/parameters/").map(crate::diagnostic::unescape_segment);
                    let Some((name, value)) =
                        name.and_then(|name| Some((name.clone(), self.root_parameters.get(&name)?)))
                    else {
                        cx.warn(
                            Kind::DanglingRef,
                            &push_pointer(&original, "$ref"),
                            format!(
                                "`$ref` {} points to no parameter of the document; the parameter is left out",
                                quoted(reference)
                            ),
                        );
                        continue;
                    };
                    (value.clone(), push_pointer("/parameters", &name), Some(reference.to_owned()))
                }
                None => (parameter.clone(), original, None),
            };
            let text = |key: &str| value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
            out.push(Param { name: text("name"), location: text("in"), value, original, reference });
        }
        Ok(out)
    }

    fn convert_plain(&self, params: &[Param], at: &str, cx: &mut Context) -> Vec<Value> {
        params
            .iter()
            .enumerate()
            .map(|(index, param)| {
                let converted = push_pointer(at, &index.to_string());
                match &param.reference {
                    Some(reference) => json!({ "$ref": reference }),
                    None => parameter_to_3(&param.value, &converted, &param.original, cx),
                }
            })
            .collect()
    }
}

/// A 2.0 parameter, resolved, with where it stands in the user's document.
#[derive(Clone)]
struct Param {
    name: String,
    location: String,
    value: Value,
    original: String,
    /// The `$ref` it was given by, kept for non-body parameters.
    reference: Option<String>,
}

impl Param {
    fn is_body(&self) -> bool {
        matches!(self.location.as_str(), "body" | "formData")
    }
}

/// A non-body 2.0 parameter as a 3.0 one: its value keywords become its `schema`, its
/// `collectionFormat` its `style` and `explode`.
fn parameter_to_3(parameter: &Value, converted: &str, original: &str, cx: &mut Context) -> Value {
    let Some(source) = parameter.as_object() else { return parameter.clone() };
    cx.map.record(converted, original);
    cx.map.record(push_pointer(converted, "schema"), original);
    let mut out = Map::new();
    for (key, value) in source {
        if matches!(key.as_str(), "name" | "in" | "description" | "required" | "allowEmptyValue" | "deprecated")
            || key.starts_with("x-") && key != "x-nullable"
        {
            out.insert(key.clone(), value.clone());
        }
    }
    out.insert("schema".into(), value_schema(source));
    let location = source.get("in").and_then(Value::as_str).unwrap_or_default();
    let is_array = source.get("type").and_then(Value::as_str) == Some("array");
    let format = source.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
    if is_array {
        // (style, explode, separator when 3.0 has no style for it)
        let query_style = match format {
            "multi" => Some(("form", true, None)),
            "csv" => Some(("form", false, None)),
            "ssv" => Some(("spaceDelimited", false, None)),
            "pipes" => Some(("pipeDelimited", false, None)),
            "tsv" => Some(("form", false, Some("\t"))),
            _ => None,
        };
        match (location, query_style) {
            ("query", Some((style, explode, separator))) => {
                out.insert("style".into(), style.into());
                out.insert("explode".into(), explode.into());
                if let Some(separator) = separator {
                    out.insert(SEPARATOR.into(), separator.into());
                }
            }
            _ if format == "csv" => {}
            _ => cx.warn(
                Kind::CollectionFormat,
                &push_pointer(converted, "collectionFormat"),
                format!("`collectionFormat: {format}` outside the query: sent comma-separated"),
            ),
        }
    }
    Value::Object(out)
}

/// The schema of a non-body parameter, or of its `items`.
fn value_schema(source: &Map<String, Value>) -> Value {
    let mut schema = Map::new();
    for keyword in VALUE_KEYWORDS {
        if let Some(value) = source.get(*keyword) {
            let value = match (*keyword, value) {
                ("items", Value::Object(items)) => value_schema(items),
                ("x-nullable", value) => {
                    schema.insert("nullable".into(), value.clone());
                    continue;
                }
                _ => value.clone(),
            };
            schema.insert((*keyword).into(), value);
        }
    }
    if schema.get("type").and_then(Value::as_str) == Some("file") {
        schema.insert("type".into(), "string".into());
        schema.insert("format".into(), "binary".into());
    }
    Value::Object(schema)
}

/// The request body of an operation from its `body` parameter, or from its `formData` ones.
fn request_body(params: &[Param], consumes: &[String], at: &str, cx: &mut Context) -> Option<Value> {
    if let Some(body) = params.iter().find(|p| p.location == "body") {
        let schema = body.value.get("schema").cloned().unwrap_or_else(|| json!({}));
        let mut content = Map::new();
        let media_types: Vec<&String> = consumes.iter().filter(|m| !is_form(m)).collect();
        let media_types = if media_types.is_empty() {
            vec!["application/json"]
        } else {
            media_types.iter().map(|m| m.as_str()).collect()
        };
        for media in media_types {
            let schema_at = push_pointer(&push_pointer(&push_pointer(at, "content"), media), "schema");
            cx.map.record(schema_at, push_pointer(&body.original, "schema"));
            content.insert(media.to_owned(), json!({ "schema": schema }));
        }
        cx.map.record(at, body.original.clone());
        let mut out =
            json!({ "content": content, "required": body.value.get("required").cloned().unwrap_or(false.into()) });
        if let Some(description) = body.value.get("description") {
            out["description"] = description.clone();
        }
        return Some(out);
    }
    let form: Vec<&Param> = params.iter().filter(|p| p.location == "formData").collect();
    if form.is_empty() {
        return None;
    }
    let has_file = form.iter().any(|p| p.value.get("type").and_then(Value::as_str) == Some("file"));
    let media = if has_file || consumes.iter().any(|m| m == "multipart/form-data") {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    let schema_at = push_pointer(&push_pointer(&push_pointer(at, "content"), media), "schema");
    let mut properties = Map::new();
    let mut required = Vec::new();
    for param in &form {
        let Some(source) = param.value.as_object() else { continue };
        let mut schema = value_schema(source);
        if let (Some(description), Some(map)) = (source.get("description"), schema.as_object_mut()) {
            map.insert("description".into(), description.clone());
        }
        cx.map.record(push_pointer(&push_pointer(&schema_at, "properties"), &param.name), param.original.clone());
        properties.insert(param.name.clone(), schema);
        if source.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(Value::String(param.name.clone()));
        }
    }
    let mut schema = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        schema["required"] = Value::Array(required.clone());
    }
    Some(json!({ "content": { media: { "schema": schema } }, "required": !required.is_empty() }))
}

fn is_form(media: &str) -> bool {
    media == "multipart/form-data" || media == "application/x-www-form-urlencoded"
}

/// A 2.0 response as a 3.0 one: `schema` under `content` by `produces`, headers with schemas.
fn response_to_3(response: &Value, at: &str, produces: &[String], cx: &mut Context) -> Value {
    let Some(source) = response.as_object() else { return response.clone() };
    if source.contains_key("$ref") {
        return response.clone();
    }
    let mut out = Map::new();
    out.insert("description".into(), source.get("description").cloned().unwrap_or_else(|| "".into()));
    for (key, value) in source {
        if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        }
    }
    if let Some(schema) = source.get("schema") {
        let mut content = Map::new();
        let media_types: Vec<&str> =
            if produces.is_empty() { vec!["application/json"] } else { produces.iter().map(String::as_str).collect() };
        for media in media_types {
            let schema_at = push_pointer(&push_pointer(&push_pointer(at, "content"), media), "schema");
            cx.map.record(schema_at, push_pointer(at, "schema"));
            content.insert(media.to_owned(), json!({ "schema": schema }));
        }
        out.insert("content".into(), Value::Object(content));
    }
    if let Some(Value::Object(headers)) = source.get("headers") {
        let mut converted = Map::new();
        for (name, header) in headers {
            let Some(header) = header.as_object() else { continue };
            let header_at = push_pointer(&push_pointer(at, "headers"), name);
            cx.map.record(push_pointer(&header_at, "schema"), header_at.clone());
            let mut out = Map::new();
            if let Some(description) = header.get("description") {
                out.insert("description".into(), description.clone());
            }
            out.insert("schema".into(), value_schema(header));
            converted.insert(name.clone(), Value::Object(out));
        }
        out.insert("headers".into(), Value::Object(converted));
    }
    Value::Object(out)
}
