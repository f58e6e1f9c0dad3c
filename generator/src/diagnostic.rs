//! Errors and warnings about a spec, located by file and JSON pointer.

use std::fmt;

/// A problem in a spec: where (file and JSON pointer of the node) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {location}: {message}")]
pub struct SpecError {
    /// What kind of problem: [`Kind::Error`] for an error, the warning's kind otherwise.
    pub kind: Kind,
    /// The spec's file name as given to the generator.
    pub file: String,
    /// Where: a JSON pointer (`/paths/~1v2~1conversations/get`), or a line and column for a
    /// syntax error.
    pub location: Location,
    /// What is wrong.
    pub message: String,
}

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    /// The JSON pointer of the offending node (`""` for the whole document).
    Pointer(String),
    /// A line and column (1-based) of the text, for syntax errors.
    Text { line: usize, column: usize },
}

impl Location {
    /// The JSON pointer, if this location is one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Location::Pointer(pointer) => Some(pointer),
            Location::Text { .. } => None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Pointer(pointer) => write!(f, "at #{pointer}"),
            Location::Text { line, column } => write!(f, "at line {line} column {column}"),
        }
    }
}

/// Something the generator handled in a documented fallback way, worth the user's attention.
pub type Warning = SpecError;

macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident = $slug:literal, $bug:literal, $generated:literal;)*) => {
        /// What a diagnostic is about. For a warning, the kind says what was generated instead
        /// ([`Kind::generated`]) and whether it is a bug of the spec (which `--strict` refuses)
        /// or a limit of the generator: the tolerance policy, in one table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind {
            /// An error: nothing is generated.
            Error,
            $($(#[$doc])* $variant,)*
        }

        impl Kind {
            /// Every warning kind, in the policy table's order.
            pub const WARNINGS: &'static [Kind] = &[$(Kind::$variant),*];

            /// The kind's name in messages, summaries and `--warnings json`.
            pub fn slug(self) -> &'static str {
                match self {
                    Kind::Error => "error",
                    $(Kind::$variant => $slug,)*
                }
            }

            /// Whether the spec is wrong here (a bug the generator tolerates), as opposed to
            /// something valid the generator handles in a documented, reduced way.
            pub fn is_spec_bug(self) -> bool {
                match self {
                    Kind::Error => true,
                    $(Kind::$variant => $bug,)*
                }
            }

            /// What is generated instead.
            pub fn generated(self) -> &'static str {
                match self {
                    Kind::Error => "nothing",
                    $(Kind::$variant => $generated,)*
                }
            }
        }
    };
}

kinds! {
    /// A `$ref` to a node the document does not have.
    DanglingRef = "dangling-ref", true, "for a schema, any JSON value (`serde_json::Value`); for a response, a response without a body; a parameter, request body, header, path item or callback is left out";
    /// A node that is not what OpenAPI allows where it stands (`deprecated: sometimes`).
    InvalidNode = "invalid-node", true, "the node is left out (an operation, parameter or response without it, or without the node itself)";
    /// Two operations with the same `operationId`.
    DuplicateOperationId = "duplicate-operation-id", true, "the later operation's method and types get the next free name (a number added)";
    /// A `$ref` to a node of another kind (a response `$ref` to a schema).
    RefKind = "ref-kind", true, "for a response `$ref` to a schema, a JSON response of that schema; otherwise the node is left out";
    /// An allOf part that is not an object beside parts that are.
    AllOfNotObject = "all-of-not-object", true, "the object parts merged; the other part left out";
    /// An allOf part that is a `oneOf`/`anyOf` of several alternatives.
    AllOfUnion = "all-of-union", false, "one struct: the alternatives' properties as optional fields";
    /// A `{name}` in a path template with no parameter declared for it.
    UndeclaredPathParameter = "undeclared-path-parameter", true, "a required `String` path parameter of that name";
    /// A request body or response without a media type.
    BodyWithoutMediaType = "body-without-media-type", true, "a raw body (`bytes::Bytes`), sent or read as it is";
    /// A form or multipart body whose schema is not an object.
    NonObjectFormBody = "non-object-form-body", true, "a raw body of that media type (`bytes::Bytes`), encoded by the caller";
    /// A keyword whose value has the wrong JSON type (`pattern: 0`, `required: true`).
    KeywordValueType = "keyword-value-type", true, "the keyword ignored";
    /// A keyword that does not apply to the declared type (`items` on a string).
    KeywordForOtherType = "keyword-for-other-type", true, "the keyword ignored, the declared type kept";
    /// `enum` values of another type than the declared one.
    EnumValuesType = "enum-values-type", true, "the declared type, the values not checked";
    /// A `type` that is not a JSON Schema type.
    UnknownType = "unknown-type", true, "any JSON value";
    /// A `required` property that is not declared.
    UndefinedRequiredProperty = "undefined-required-property", true, "the name ignored";
    /// An operation without `responses` (3.0 and 2.0 require them; 3.1 does not).
    MissingResponses = "missing-responses", true, "any 2XX status is the operation's success, without a body";
    /// `info.title` or `info.version` missing.
    InfoField = "info-field", true, "the crate's docs without it (title `API`, version empty)";
    /// Several types beside `oneOf`/`anyOf` that the alternatives do not cover.
    SeveralTypes = "several-types", true, "the alternatives; the types beside them are not used";
    /// A numeric bound that is not an integer on an integer.
    NonIntegerBound = "non-integer-bound", true, "the bound ignored";
    /// A pinned type name from the lock file that cannot be used.
    PinnedName = "pinned-name", false, "a new name is chosen";
    /// An allOf part that is the schema itself (through `$ref`s).
    CyclicAllOf = "cyclic-all-of", true, "the part that includes the schema itself is left out, the other parts merged (a schema that is nothing but itself: any JSON value)";
    /// Something OpenAPI 3.2 adds that the client does not use yet.
    Unused32 = "unused-3.2", false, "the construct is left out; the message says what is generated without it";
    /// A spec without `servers`.
    NoServers = "no-servers", false, "no default base URL: the client needs `ClientBuilder::base_url`";
    /// An Overlay action whose target matches nothing.
    OverlayTarget = "overlay-target", false, "the action changes nothing";
    /// A `oneOf`/`anyOf` without alternatives.
    EmptyUnion = "empty-union", true, "beside a discriminator mapping, a tagged union of the mapped schemas; otherwise any JSON value";
    /// A node of another file whose name is taken in the bundled document.
    NameClash = "name-clash", false, "the node gathered under a name qualified by its file or folder (numbered if that is taken too)";
    /// The `deepObject` style on a value that is neither an object nor an array.
    DeepObject = "deep-object", true, "the value sent in the `form` style";
    /// Parameters whose values have no text form: arrays of objects, unions of objects.
    ObjectParameter = "object-parameter", false, "the value sent as JSON text";
    /// A parameter's `content` without a media type.
    ParameterContent = "parameter-content", true, "the value sent as text";
    /// A response header that is not a primitive.
    HeaderNotPrimitive = "header-not-primitive", false, "a `String` header";
    /// Swagger 2.0 `collectionFormat` outside the query.
    CollectionFormat = "collection-format", false, "comma-separated values";
    /// A webhook or callback whose payload is not JSON.
    WebhookNotJson = "webhook-not-json", false, "no payload type";
    /// `mutualTLS` security.
    MutualTls = "mutual-tls", false, "nothing: configure the client certificate on the HTTP client";
    /// A `false` schema.
    FalseSchema = "false-schema", false, "any JSON value";
    /// `$dynamicRef`.
    DynamicRef = "dynamic-ref", false, "any JSON value";
    /// `not`.
    Not = "not", false, "the declared type (or any value): `not` is not checked";
    /// `prefixItems` followed by more `items`.
    PrefixItems = "prefix-items", false, "a list of `items`, positions not typed";
}

/// How warnings are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WarningFormat {
    /// Each kind's first few warnings, then a count of the rest with what was generated.
    #[default]
    Summary,
    /// Every warning.
    All,
    /// One JSON object per line: `kind`, `spec_bug`, `file`, `pointer` (or `line` and
    /// `column`), `message`, `generated`.
    Json,
}

impl WarningFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "summary" => Some(Self::Summary),
            "all" => Some(Self::All),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// How many warnings of one kind a summary shows before it counts the rest.
pub const SUMMARY_PER_KIND: usize = 3;

/// The lines to print for `warnings` in `format`: in the summary, warnings of a kind beyond
/// the first [`SUMMARY_PER_KIND`] are counted in one line that says what was generated for
/// them, so that one repeated kind does not drown the others.
pub fn render_warnings(warnings: &[Warning], format: WarningFormat) -> Vec<String> {
    summarize(warnings, format, |warning| format!("warning[{}]: {warning}", warning.kind))
}

/// [`render_warnings`] with each warning shown as [`Report::human`] does: the file, line and
/// column, the source line with a marker, the JSON pointer.
pub fn render_warnings_with_source(
    warnings: &[Warning],
    format: WarningFormat,
    source: &str,
    color: bool,
) -> Vec<String> {
    render_warnings_with_report(warnings, format, &Report::new(source, color))
}

/// [`render_warnings_with_source`] with a [`Report`] of its own (one of several files).
pub fn render_warnings_with_report(warnings: &[Warning], format: WarningFormat, report: &Report<'_>) -> Vec<String> {
    summarize(warnings, format, |warning| report.human(warning))
}

fn summarize(warnings: &[Warning], format: WarningFormat, show: impl Fn(&Warning) -> String) -> Vec<String> {
    match format {
        WarningFormat::All => warnings.iter().map(show).collect(),
        WarningFormat::Json => warnings.iter().map(warning_json).collect(),
        WarningFormat::Summary => {
            let mut shown: Vec<(Kind, usize)> = Vec::new();
            let mut lines = Vec::new();
            for warning in warnings {
                let count = match shown.iter_mut().find(|(kind, _)| *kind == warning.kind) {
                    Some((_, count)) => count,
                    None => {
                        shown.push((warning.kind, 0));
                        &mut shown.last_mut().expect("just pushed").1
                    }
                };
                *count += 1;
                if *count <= SUMMARY_PER_KIND {
                    lines.push(show(warning));
                }
            }
            for (kind, count) in shown {
                if count > SUMMARY_PER_KIND {
                    lines.push(format!(
                        "warning[{kind}]: {} more like these ({count} in all; generated: {}); \
                         `--warnings all` lists every one",
                        count - SUMMARY_PER_KIND,
                        kind.generated()
                    ));
                }
            }
            lines
        }
    }
}

/// Diagnostics shown with the user's text: `file:line:column`, the source line with a marker
/// under the node, the JSON pointer, and what was generated instead (for a warning). The
/// positions are indexed once, on the first diagnostic.
pub struct Report<'s> {
    /// The root document's text, and the other files of a document split over files.
    source: &'s str,
    files: Vec<(&'s str, &'s str)>,
    color: bool,
    /// Indexed on first use: the root's, then each file's (in `files`' order).
    positions: Vec<std::cell::OnceCell<crate::position::Positions>>,
}

impl<'s> Report<'s> {
    /// `color`: ANSI styles, for a terminal.
    pub fn new(source: &'s str, color: bool) -> Self {
        Self { source, files: Vec::new(), color, positions: vec![std::cell::OnceCell::new()] }
    }

    /// A report for a document of several files (by the paths diagnostics name, as
    /// [`crate::bundle::Sources::files`] holds them): a diagnostic is shown in its own file's
    /// text; one in a file not given, in `source`.
    pub fn with_files(source: &'s str, files: &'s std::collections::BTreeMap<String, String>, color: bool) -> Self {
        let files: Vec<(&str, &str)> = files.iter().map(|(name, text)| (name.as_str(), text.as_str())).collect();
        let positions = (0..=files.len()).map(|_| std::cell::OnceCell::new()).collect();
        Self { source, files, color, positions }
    }

    /// The text the diagnostic's file has, and its positions.
    fn text_of(&self, diagnostic: &SpecError) -> (&'s str, &crate::position::Positions) {
        let (index, source) = match self.files.iter().position(|(name, _)| *name == diagnostic.file) {
            Some(index) => (index + 1, self.files[index].1),
            None => (0, self.source),
        };
        (source, self.positions[index].get_or_init(|| crate::position::Positions::new(source)))
    }

    /// Where `diagnostic` points in the text, if it can be found.
    pub fn position(&self, diagnostic: &SpecError) -> Option<crate::position::Position> {
        let (source, positions) = self.text_of(diagnostic);
        match &diagnostic.location {
            Location::Pointer(pointer) => positions.find(source, pointer),
            Location::Text { line, column } => {
                let range = positions.line_range(source, *line);
                let text = &source[range.clone()];
                let offset =
                    range.start + text.char_indices().nth(column.saturating_sub(1)).map_or(text.len(), |(i, _)| i);
                Some(crate::position::Position { offset, line: *line, column: *column })
            }
        }
    }

    /// The warning for a person.
    pub fn human(&self, diagnostic: &SpecError) -> String {
        self.render(diagnostic, diagnostic.kind == Kind::Error)
    }

    /// The error (a refused spec) for a person, also when its kind is a warning's that
    /// `--strict` refused.
    pub fn human_error(&self, diagnostic: &SpecError) -> String {
        self.render(diagnostic, true)
    }

    fn render(&self, diagnostic: &SpecError, error: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let level = if error { Level::ERROR } else { Level::WARNING };
        let title = level.primary_title(diagnostic.message.as_str());
        let title = if diagnostic.kind == Kind::Error { title } else { title.id(diagnostic.kind.slug()) };
        let mut notes: Vec<String> = Vec::new();
        if let Location::Pointer(pointer) = &diagnostic.location {
            notes.push(format!("at #{pointer}"));
        }
        if !error {
            notes.push(format!("generated: {}", diagnostic.kind.generated()));
        }
        let renderer = if self.color { Renderer::styled() } else { Renderer::plain() };
        let report = match self.position(diagnostic) {
            Some(position) => {
                let (source, positions) = self.text_of(diagnostic);
                let line = positions.line_range(source, position.line);
                let text = &source[line.clone()];
                // The marker: the key (or value) at the node, up to the end of its word.
                let start = position.offset.clamp(line.start, line.end) - line.start;
                let width = text[start..]
                    .find(|c: char| c.is_whitespace() || c == ':' || c == ',')
                    .unwrap_or(text.len() - start)
                    .max(1);
                let end = (start + width).min(text.len());
                let snippet = Snippet::source(text)
                    .line_start(position.line)
                    .path(diagnostic.file.as_str())
                    .annotation(AnnotationKind::Primary.span(start..end));
                let group =
                    title.element(snippet).elements(notes.iter().map(|note| Level::NOTE.message(note.as_str())));
                renderer.render(&[group])
            }
            None => {
                let group = Group::with_title(title)
                    .element(Level::NOTE.message(format!("in {}", diagnostic.file)))
                    .elements(notes.iter().map(|note| Level::NOTE.message(note.as_str())));
                renderer.render(&[group])
            }
        };
        report.to_string()
    }

    /// The diagnostic as one JSON object (`level`, `kind`, `spec_bug`, `file`, `line`, `column`,
    /// `pointer`, `message`, `generated`).
    pub fn json(&self, diagnostic: &SpecError) -> String {
        self.json_as(diagnostic, diagnostic.kind == Kind::Error)
    }

    /// [`json`](Self::json) of an error (a refused spec).
    pub fn json_error(&self, diagnostic: &SpecError) -> String {
        self.json_as(diagnostic, true)
    }

    fn json_as(&self, diagnostic: &SpecError, error: bool) -> String {
        let mut object = serde_json::Map::new();
        object.insert("level".into(), if error { "error" } else { "warning" }.into());
        object.insert("kind".into(), diagnostic.kind.slug().into());
        object.insert("spec_bug".into(), diagnostic.kind.is_spec_bug().into());
        object.insert("file".into(), diagnostic.file.clone().into());
        if let Some(position) = self.position(diagnostic) {
            object.insert("line".into(), position.line.into());
            object.insert("column".into(), position.column.into());
        }
        if let Location::Pointer(pointer) = &diagnostic.location {
            object.insert("pointer".into(), pointer.clone().into());
        }
        object.insert("message".into(), diagnostic.message.clone().into());
        if !error {
            object.insert("generated".into(), diagnostic.kind.generated().into());
        }
        serde_json::Value::Object(object).to_string()
    }
}

fn warning_json(warning: &Warning) -> String {
    let mut object = serde_json::Map::new();
    object.insert("kind".into(), warning.kind.slug().into());
    object.insert("spec_bug".into(), warning.kind.is_spec_bug().into());
    object.insert("file".into(), warning.file.clone().into());
    match &warning.location {
        Location::Pointer(pointer) => {
            object.insert("pointer".into(), pointer.clone().into());
        }
        Location::Text { line, column } => {
            object.insert("line".into(), (*line).into());
            object.insert("column".into(), (*column).into());
        }
    }
    object.insert("message".into(), warning.message.clone().into());
    object.insert("generated".into(), warning.kind.generated().into());
    serde_json::Value::Object(object).to_string()
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// Appends `segment` to a JSON pointer, escaping `~` and `/` as RFC 6901 requires.
pub fn push_pointer(pointer: &str, segment: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + segment.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// A JSON pointer segment as the name it stands for: `~1` is `/`, `~0` is `~` (the inverse
/// of [`push_pointer`]'s escaping).
pub fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// `text` quoted for a message, cut after 100 characters: a value from the spec can be
/// arbitrarily long, a message should stay readable.
pub fn quoted(text: &str) -> String {
    const MAX: usize = 100;
    match text.char_indices().nth(MAX) {
        None => format!("{text:?}"),
        Some((cut, _)) => format!("{:?}… ({} characters)", &text[..cut], text.chars().count()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(kind: Kind, pointer: &str) -> Warning {
        SpecError { kind, file: "a.yaml".into(), location: Location::Pointer(pointer.into()), message: "m".into() }
    }

    #[test]
    fn summaries_count_what_they_do_not_show() {
        let mut warnings: Vec<Warning> = (0..10).map(|i| warning(Kind::ObjectParameter, &format!("/p/{i}"))).collect();
        warnings.push(warning(Kind::DanglingRef, "/d"));
        let lines = render_warnings(&warnings, WarningFormat::Summary);
        assert_eq!(lines.len(), SUMMARY_PER_KIND + 2, "{lines:#?}");
        assert!(lines[0].starts_with("warning[object-parameter]: a.yaml: at #/p/0: m"), "{}", lines[0]);
        assert!(lines.iter().any(|l| l.starts_with("warning[dangling-ref]: a.yaml: at #/d")));
        assert!(lines.last().unwrap().contains("7 more like these (10 in all"), "{lines:#?}");
        assert_eq!(render_warnings(&warnings, WarningFormat::All).len(), 11);
        let json: serde_json::Value =
            serde_json::from_str(&render_warnings(&warnings, WarningFormat::Json)[10]).unwrap();
        assert_eq!(json["kind"], "dangling-ref");
        assert_eq!(json["pointer"], "/d");
        assert_eq!(json["spec_bug"], true);
    }

    #[test]
    fn every_warning_kind_has_a_distinct_slug() {
        let mut slugs: Vec<&str> = Kind::WARNINGS.iter().map(|k| k.slug()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), Kind::WARNINGS.len());
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        assert_eq!(quoted("a\"b"), r#""a\"b""#);
        let long = "é".repeat(250);
        assert_eq!(quoted(&long), format!("{:?}… (250 characters)", "é".repeat(100)));
        assert_eq!(quoted(&"x".repeat(100)), format!("{:?}", "x".repeat(100)));
    }
}
