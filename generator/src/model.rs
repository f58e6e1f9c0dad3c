//! The generator's own model of an API: what every later stage reads instead of the raw spec.
//! Types live in a [`TypeSpace`] and refer to each other by [`TypeId`]; every name here is
//! already a valid, final Rust identifier.

/// The index of a named type in the [`TypeSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Where a named type is emitted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Home {
    /// `types/<module>.rs`, re-exported from `types`; `None` for `types/mod.rs` itself.
    Types(Option<String>),
    /// `operations/<group>.rs`, beside the operations that alone use it.
    Operations(String),
}

/// A type as used in a field, parameter, body or header.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    Uuid,
    DateTime,
    Date,
    /// Any JSON value.
    Json,
    Named(TypeId),
    List(Box<TypeRef>),
    /// A JSON object with arbitrary keys.
    Map(Box<TypeRef>),
    /// Needed where a type contains itself.
    Boxed(Box<TypeRef>),
    /// Raw bytes (`format: binary`), e.g. a file in a multipart body.
    Binary,
    /// Bytes that travel as base64 text (`format: byte`, 3.1 `contentEncoding: base64`).
    Base64,
    /// A fixed-length array of positional items (3.1 `prefixItems`): a Rust tuple.
    Tuple(Vec<TypeRef>),
    /// A type of the program's, by its path (the configuration's `types.replace` and
    /// `types.formats`, or the spec's `x-rust-type`), checked to be identifiers joined by `::`.
    External(String),
    /// A type of the program's for a string `format` (the configuration's `types.formats`)
    /// whose own serde form is not the spec's: it travels through a wire format of the runtime.
    Formatted {
        path: String,
        format: WireFormat,
    },
}

impl TypeRef {
    /// Whether it is a `format: binary` value (a `runtime::FilePart`), or a list, map, box or
    /// tuple of them; named types are not looked into.
    pub fn holds_file(&self) -> bool {
        match self {
            TypeRef::Binary => true,
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => inner.holds_file(),
            TypeRef::Tuple(items) => items.iter().any(TypeRef::holds_file),
            _ => false,
        }
    }
}

/// How a [`TypeRef::Formatted`] value travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WireFormat {
    /// As JSON text through `Display` and `FromStr` (`type: string, format: int64` as an `i64`).
    Text,
    /// `time::OffsetDateTime` as RFC 3339 text.
    TimeRfc3339,
    /// `time::Date` as `YYYY-MM-DD`.
    TimeDate,
}

/// Documentation carried over from the spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust name, unique in the crate.
    pub name: String,
    /// The file the type is emitted in.
    pub home: Home,
    pub docs: Docs,
    pub kind: TypeKind,
    /// The JSON pointer of the schema this type comes from.
    pub origin: String,
    /// Whether it may be decoded: false for the types only requests reach (request bodies and
    /// parameters), which implement `Deserialize` only with the generated crate's
    /// `deserialize-all` feature, to save compile time.
    pub decoded: bool,
    /// Derives the configuration adds (`Hash`, `Eq`, `schemars::JsonSchema`, ...).
    pub derives: Vec<String>,
    /// Attributes the configuration adds (`#[doc(alias = "animal")]`, `#[non_exhaustive]`), as
    /// text checked to be outer attributes.
    pub attributes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Vec<Field>),
    /// A string enum that keeps unknown values.
    StringEnum(Vec<EnumValue>),
    /// A union told apart by the string property `tag`.
    TaggedUnion {
        tag: String,
        variants: Vec<TaggedVariant>,
    },
    /// A union without a tag: the first variant that decodes wins.
    UntaggedUnion(Vec<UntaggedVariant>),
    Alias(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub rust_name: String,
    pub json_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    pub docs: Docs,
    /// The object's other members (`additionalProperties` beside `properties`): a map
    /// `#[serde(flatten)]`ed into the struct.
    pub flatten: bool,
}

impl Field {
    /// Optional and nullable fields are `Option` in Rust.
    pub fn is_option(&self) -> bool {
        !self.flatten && (!self.required || self.nullable) && !self.is_nullable_optional()
    }

    /// Optional and nullable: a `runtime::Nullable` (absent, `null` or a value).
    pub fn is_nullable_optional(&self) -> bool {
        !self.flatten && !self.required && self.nullable
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub rust_name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    pub rust_name: String,
    pub tag_value: String,
    /// The variant's type: a component type, or the struct of an inline alternative's other
    /// properties.
    pub payload: TypeId,
    /// The discriminator's `defaultMapping` (3.2): the variant of every tag value the union
    /// does not name (`tag_value` is empty).
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UntaggedVariant {
    pub rust_name: String,
    pub ty: TypeRef,
}

/// All named types, in a deterministic order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeSpace {
    pub types: Vec<TypeDef>,
}

impl TypeSpace {
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    pub fn iter(&self) -> impl Iterator<Item = (TypeId, &TypeDef)> {
        self.types.iter().enumerate().map(|(i, t)| (TypeId(i), t))
    }

    /// Whether a value of `ty` can be a path, query, header or cookie parameter.
    pub fn is_param(&self, ty: &TypeRef) -> bool {
        is_param(&self.types, ty)
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub location: ParamLocation,
    /// The name on the wire.
    pub wire_name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    /// For arrays in the query: `true` sends repeated keys (`form`, exploded: the default).
    pub explode: bool,
    /// For arrays in the query that are not exploded: what separates the values (`,` for
    /// `form`, ` ` for `spaceDelimited`, `|` for `pipeDelimited`, a tab for Swagger's `tsv`).
    pub separator: char,
    /// Declared with `content: application/json`: the value travels as JSON text.
    pub json: bool,
    /// How the value is written, where that is not the location's plain form.
    pub style: ParamStyle,
    pub docs: Docs,
}

/// How a parameter's value is written: OpenAPI's `style` and `explode` with the value's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// The location's plain form: the value as it is; arrays repeated or joined by
    /// `separator` in the query, comma-separated elsewhere.
    Plain,
    /// An object (a struct or a map), member by member: in the query a parameter per member
    /// (`explode`) or the members joined by `separator`; in a path or a header `simple`
    /// (`R,100,G,200`, exploded `R=100,G=200`); a cookie per member when exploded.
    Object,
    /// A query object in the `deepObject` style: `color[R]=100`.
    DeepObject,
    /// A path parameter in the `label` style (`.blue`), an object member by member.
    Label { object: bool },
    /// A path parameter in the `matrix` style (`;color=blue`), an object member by member.
    Matrix { object: bool },
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    Code(u16),
    /// `1XX` .. `5XX`: the first digit.
    Range(u8),
    Default,
}

impl StatusMatch {
    pub fn is_success(self) -> bool {
        match self {
            StatusMatch::Code(code) => (200..300).contains(&code),
            StatusMatch::Range(class) => class == 2,
            StatusMatch::Default => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    pub docs: Docs,
}

/// A response body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Json(TypeRef),
    /// A `text/*` type (other than those of [`is_download`]): the body as a `String`.
    Text,
    /// Anything else (`application/octet-stream`, images, `text/csv`): bytes, streamed when the
    /// response is a success (`runtime::ByteStream`), read whole for an error.
    Binary,
    /// `text/event-stream` alone: server-sent events, a stream of `data` values.
    Events(EventData),
    /// A sequence of JSON values (`application/jsonl`, `application/x-ndjson`,
    /// `application/json-seq`): a stream of items of this type.
    Items(TypeRef, Framing),
}

/// How the items of a JSON sequence are framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// One value per line (JSON Lines, NDJSON).
    Lines,
    /// Each value after a record separator (RFC 7464, `application/json-seq`).
    RecordSeparator,
}

/// The framing of a sequential JSON media type (by its essence), if it is one.
pub fn sequence_framing(essence: &str) -> Option<Framing> {
    match essence {
        "application/jsonl" | "application/x-ndjson" | "application/x-jsonlines" | "application/jsonlines" => {
            Some(Framing::Lines)
        }
        "application/json-seq" => Some(Framing::RecordSeparator),
        _ => None,
    }
}

/// What the `data` of each server-sent event holds.
#[derive(Debug, Clone, PartialEq)]
pub enum EventData {
    /// JSON of this type (the media type's schema).
    Json(TypeRef),
    /// Text: no schema, or a string schema.
    Text,
}

/// Whether a non-JSON media type is a download rather than a message: everything but `text/*`,
/// and the tabular `text/*` exports (CSV, TSV), which can be large. Their success bodies are
/// streamed.
pub fn is_download(essence: &str) -> bool {
    !essence.starts_with("text/") || matches!(essence, "text/csv" | "text/tab-separated-values")
}

/// How a request body is encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestBodyKind {
    Json(TypeRef),
    /// `application/x-www-form-urlencoded` of an object.
    Form(TypeRef),
    /// `multipart/form-data` of an object: a part per property.
    Multipart(TypeRef),
    /// Raw bytes with this content type.
    Binary(String),
    /// Text with this content type.
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub kind: RequestBodyKind,
    pub required: bool,
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: StatusMatch,
    /// The Rust name of this response among the operation's errors (e.g. `TooManyRequests`).
    pub rust_name: String,
    pub description: String,
    pub body: Option<Body>,
    /// A `text/event-stream` offered beside the JSON `body` (chosen by `Accept` or a request
    /// field, as OpenAI's `stream: true`): the operation also gets `send_stream()`.
    pub events: Option<EventData>,
    pub headers: Vec<ResponseHeader>,
}

impl Response {
    /// The types its bodies name: the JSON body's, the events' data.
    pub fn body_types(&self) -> impl Iterator<Item = &TypeRef> {
        let body = match &self.body {
            Some(Body::Json(ty)) | Some(Body::Events(EventData::Json(ty))) | Some(Body::Items(ty, _)) => Some(ty),
            _ => None,
        };
        let events = match &self.events {
            Some(EventData::Json(ty)) => Some(ty),
            _ => None,
        };
        body.into_iter().chain(events)
    }

    /// [`body_types`](Self::body_types), to change them.
    pub fn body_types_mut(&mut self) -> impl Iterator<Item = &mut TypeRef> {
        let body = match &mut self.body {
            Some(Body::Json(ty)) | Some(Body::Events(EventData::Json(ty))) | Some(Body::Items(ty, _)) => Some(ty),
            _ => None,
        };
        let events = match &mut self.events {
            Some(EventData::Json(ty)) => Some(ty),
            _ => None,
        };
        body.into_iter().chain(events)
    }

    /// Whether a success with this response leaves the body open: a download or events.
    pub fn streams(&self) -> bool {
        self.status.is_success()
            && matches!(self.body, Some(Body::Binary) | Some(Body::Events(_)) | Some(Body::Items(..)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
    /// OpenAPI 3.2's `query` (the HTTP QUERY method: a safe request with a body).
    Query,
    /// A method of 3.2's `additionalOperations` (`PURGE`, `LINK`, ...), upper case.
    Other(String),
}

impl Method {
    pub fn as_str(&self) -> &str {
        match self {
            Method::Query => "QUERY",
            Method::Other(name) => name,
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One part of a path template.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    Literal(String),
    /// The index of the path parameter in [`Operation::params`].
    Param(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub operation_id: String,
    /// The method name, e.g. `list_conversations`.
    pub fn_name: String,
    /// The stem of this operation's type names, e.g. `ListConversations`.
    pub type_name: String,
    /// The group (tag) the operation belongs to, as a module name, e.g. `conversation`.
    pub group: String,
    pub method: Method,
    pub path: String,
    pub path_parts: Vec<PathPart>,
    pub params: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    pub responses: Vec<Response>,
    pub docs: Docs,
    /// Set when the operation pages through a list with `limit` and `skip`.
    pub pagination: Option<Pagination>,
}

/// How a list operation pages: the offset and page-size parameters and the total-count header.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The Rust names of the parameters.
    pub limit_param: String,
    pub skip_param: String,
    /// Where the page's total count is, if the response declares one.
    pub total: Option<PageTotal>,
    /// The member of the body object that holds the items (by its JSON name), or `None` when
    /// the body is the list itself.
    pub items_field: Option<String>,
    /// The type of one item.
    pub item: TypeRef,
}

/// Where a page says how many items there are in all.
#[derive(Debug, Clone, PartialEq)]
pub enum PageTotal {
    /// A response header (`X-Total-Count`), by the Rust name of its field in the typed headers.
    Header(String),
    /// A member of the body object (`total`, `totalCount`, `count`), by its JSON name.
    Field(String),
}

impl Operation {
    /// Whether a response streams events or JSON items (the runtime's `event-streams` part).
    pub fn streams_events(&self) -> bool {
        self.responses.iter().any(|r| r.events.is_some() || matches!(r.body, Some(Body::Events(_) | Body::Items(..))))
    }

    /// The runtime's optional parts its code uses: `event-streams` (events, JSON sequences),
    /// `streams` (downloads and uploads, and every open body) and `multipart` (form bodies).
    pub fn runtime_parts(&self) -> impl Iterator<Item = &'static str> {
        let body = self.request_body.as_ref().map(|body| &body.kind);
        // A file (`runtime::FilePart`) its code names itself, not through a named type (those
        // turn `multipart` on where they compile): a JSON body of `format: binary`.
        let file = match body {
            Some(RequestBodyKind::Json(ty) | RequestBodyKind::Form(ty)) => ty.holds_file(),
            _ => false,
        } || self.responses.iter().flat_map(Response::body_types).any(TypeRef::holds_file);
        [
            (self.streams_events(), "event-streams"),
            (self.streams() || matches!(body, Some(RequestBodyKind::Binary(_))), "streams"),
            (matches!(body, Some(RequestBodyKind::Multipart(_))) || file, "multipart"),
        ]
        .into_iter()
        .filter(|(used, _)| *used)
        .map(|(_, part)| part)
    }

    /// The successful response whose body is returned (the first 2XX one).
    pub fn success(&self) -> Option<&Response> {
        self.responses.iter().find(|r| r.status.is_success())
    }

    /// Every 2XX response.
    pub fn successes(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| r.status.is_success())
    }

    /// Whether `send()` leaves a success's body open (a download or an event stream).
    pub fn streams(&self) -> bool {
        self.responses.iter().any(Response::streams)
    }

    /// Whether the operation also gets `send_stream()`: an event stream beside JSON.
    pub fn has_event_alternative(&self) -> bool {
        self.successes().any(|r| r.events.is_some())
    }

    pub fn errors(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| !r.status.is_success())
    }
}

/// A tag: the operations of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Module and method name, e.g. `conversation`.
    pub module: String,
    /// The type name of the group's handle, e.g. `ConversationApi`.
    pub type_name: String,
    pub description: Option<String>,
}

/// How the client authenticates by default.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultAuth {
    ApiKeyHeader(String),
    ApiKeyQuery(String),
    Bearer,
    Basic,
    None,
}

/// The OAuth2 flows of the spec's first OAuth2 scheme, defaults of the runtime's `OAuth2`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OAuth2Flows {
    pub client_credentials: Option<OAuth2Flow>,
    pub authorization_code: Option<OAuth2Flow>,
    pub password: Option<OAuth2Flow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OAuth2Flow {
    pub token_url: String,
    pub scopes: Vec<String>,
}

/// The whole API, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub base_url: String,
    pub default_auth: DefaultAuth,
    pub oauth2: OAuth2Flows,
    pub types: TypeSpace,
    pub groups: Vec<Group>,
    pub operations: Vec<Operation>,
    /// The requests the API sends to its users' servers (OpenAPI 3.1 `webhooks`).
    pub webhooks: Vec<Webhook>,
    /// The Cargo features under which each type (by [`TypeId`]) compiles: the tags whose
    /// operations reach it, [`WEBHOOKS_FEATURE`] and [`OTHER_TYPES_FEATURE`]. Empty for an
    /// API with a single tag, whose crate has no tag features.
    pub type_features: Vec<Vec<String>>,
    /// Dependencies the generated `Cargo.toml` gets beside its own: the configuration's, and the
    /// crates of the spec's `x-rust-type`s (name to a TOML value).
    pub dependencies: std::collections::BTreeMap<String, String>,
    /// Whether the configuration maps a format to `time`'s types: the crate gets the
    /// `time_format` module that writes and reads them in the spec's formats.
    pub time_format: bool,
    /// The configuration's type renames: the name chosen to the name the generator gave.
    pub type_renames: std::collections::BTreeMap<String, String>,
    /// The crate's `default` features, when the configuration chooses them.
    pub default_features: Option<Vec<String>>,
}

/// The feature of the webhook payloads.
pub const WEBHOOKS_FEATURE: &str = "webhooks";
/// The feature of the component schemas no operation reaches.
pub const OTHER_TYPES_FEATURE: &str = "other-types";

impl Api {
    /// Whether the crate has one Cargo feature per tag.
    pub fn has_tag_features(&self) -> bool {
        self.groups.len() > 1
    }

    /// The feature name of a group: its module name without `r#`, kebab-case; `<name>-tag` when
    /// that is a feature of its own (a tag called `default` or `tracing`, as real specs have).
    pub fn group_feature(module: &str) -> String {
        // A feature name starts with a letter or digit (`_2fa`, the module of a tag `2fa`,
        // is the feature `2fa`).
        let name = module.trim_start_matches("r#").trim_matches('_').replace('_', "-");
        let name = if name.is_empty() { "tag".to_owned() } else { name };
        const TAKEN: &[&str] =
            &["default", "deserialize-all", "tracing", "test-util", WEBHOOKS_FEATURE, OTHER_TYPES_FEATURE];
        if TAKEN.contains(&name.as_str()) {
            format!("{name}-tag")
        } else {
            name
        }
    }
}

/// A webhook: a request the API sends, whose JSON payload the user's server decodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// The name in the spec, e.g. `newPet`.
    pub name: String,
    /// The variant of the generated `Webhook` enum, e.g. `NewPet`.
    pub variant: String,
    /// The HTTP method the API uses, e.g. `post`.
    pub method: String,
    pub docs: Docs,
    pub payload: TypeRef,
}

/// Whether a parameter of type `ty` is written member by member in its style (`R=100&G=200`,
/// `color[R]=100`): an object (a struct, a map, a tagged union), or an untagged union of
/// objects and plain values (Stripe's `created`: a range object or a timestamp), through
/// aliases.
pub fn is_object(types: &[TypeDef], ty: &TypeRef) -> bool {
    // Unions and aliases may hold themselves: a type met again this deep is taken for no
    // object (its value then travels as JSON text, with a warning).
    fn object(types: &[TypeDef], ty: &TypeRef, depth: usize) -> bool {
        match ty {
            _ if depth > 16 => false,
            TypeRef::Map(_) => true,
            TypeRef::Boxed(inner) => object(types, inner, depth + 1),
            TypeRef::Named(id) => match &types[id.0].kind {
                TypeKind::Struct(_) | TypeKind::TaggedUnion { .. } => true,
                TypeKind::Alias(ty) => object(types, ty, depth + 1),
                TypeKind::UntaggedUnion(variants) => {
                    variants.iter().any(|v| object(types, &v.ty, depth + 1))
                        && variants.iter().all(|v| object(types, &v.ty, depth + 1) || is_param(types, &v.ty))
                }
                TypeKind::StringEnum(_) => false,
            },
            _ => false,
        }
    }
    object(types, ty, 0)
}

/// Whether a value of `ty` is written through its serde form made of JSON objects, arrays and
/// scalars (the `deepObject` style brackets every level of it): anything but bytes and the
/// program's own types, whose serde form need not be the spec's. A struct's fields are not
/// looked into (trees hold themselves).
pub fn has_json_form(types: &[TypeDef], ty: &TypeRef) -> bool {
    // A union or alias that holds itself adds nothing new below this depth.
    fn json_form(types: &[TypeDef], ty: &TypeRef, depth: usize) -> bool {
        match ty {
            _ if depth > 16 => true,
            TypeRef::Binary | TypeRef::External(_) | TypeRef::Formatted { .. } => false,
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => json_form(types, inner, depth + 1),
            TypeRef::Tuple(items) => items.iter().all(|item| json_form(types, item, depth + 1)),
            TypeRef::Named(id) => match &types[id.0].kind {
                TypeKind::Alias(ty) => json_form(types, ty, depth + 1),
                TypeKind::UntaggedUnion(variants) => variants.iter().all(|v| json_form(types, &v.ty, depth + 1)),
                TypeKind::Struct(_) | TypeKind::TaggedUnion { .. } | TypeKind::StringEnum(_) => true,
            },
            _ => true,
        }
    }
    json_form(types, ty, 0)
}

/// Whether a value of `ty` can be a path, query, header or cookie parameter (the runtime's
/// `ToParam`): primitives, string enums, and unions or aliases of those.
pub fn is_param(types: &[TypeDef], ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::Uuid
        | TypeRef::DateTime
        | TypeRef::Date
        | TypeRef::Base64
        | TypeRef::Json
        // Written through its wire format (`runtime::format::Wire`).
        | TypeRef::Formatted { .. } => true,
        // A program's type: it would need the runtime's `ToParam`, which it cannot implement.
        TypeRef::External(_) => false,
        TypeRef::Named(id) => match &types[id.0].kind {
            TypeKind::StringEnum(_) => true,
            TypeKind::Alias(ty) => is_param(types, ty),
            TypeKind::UntaggedUnion(variants) => variants.iter().all(|v| is_param(types, &v.ty)),
            TypeKind::Struct(_) | TypeKind::TaggedUnion { .. } => false,
        },
        TypeRef::List(_) | TypeRef::Map(_) | TypeRef::Boxed(_) | TypeRef::Binary | TypeRef::Tuple(_) => false,
    }
}
