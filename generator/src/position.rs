//! Where a node is in the user's file: JSON pointers to byte offsets, line and column, for
//! diagnostics. Built only when a diagnostic is printed, in one pass over the text: a small scanner
//! for JSON, yaml-rust2's marked events for YAML (serde_yaml keeps no positions).

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostic::push_pointer;

/// A place in the text: byte offset, line and column (both 1-based; the column counts
/// characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

/// Every node of a document by JSON pointer: for an object member, the position of its key (the
/// line a person edits); for an array item, of the item.
///
/// A YAML document is indexed whole by its parser. A JSON document (the huge ones are JSON) is
/// read only where pointers lead: the first pointer through an object or array reads its members
/// and skips over their values, and remembers them for the next pointer. Locating a few
/// warnings in a 13 MB document reads it about once, without a map of all its nodes.
#[derive(Debug)]
pub struct Positions {
    index: Index,
    /// The byte offset where each line starts.
    line_starts: Vec<usize>,
}

#[derive(Debug)]
enum Index {
    Every(HashMap<String, usize>),
    Json(std::cell::RefCell<JsonIndex>),
}

/// The JSON nodes met so far: where each is shown (its key, for a member) and where its value
/// starts; and the containers whose members are all known.
#[derive(Debug, Default)]
struct JsonIndex {
    nodes: HashMap<String, (usize, usize)>,
    read: std::collections::HashSet<String>,
}

impl Default for Positions {
    fn default() -> Self {
        Self { index: Index::Every(HashMap::new()), line_starts: vec![0] }
    }
}

impl Positions {
    /// Indexes `source`, JSON or YAML (a document that does not parse yields what was seen).
    pub fn new(source: &str) -> Self {
        let line_starts = line_starts(source);
        if source.trim_start().starts_with(['{', '[']) {
            let root = source.len() - source.trim_start().len();
            let mut index = JsonIndex::default();
            index.nodes.insert(String::new(), (root, root));
            return Self { index: Index::Json(std::cell::RefCell::new(index)), line_starts };
        }
        let mut offsets = HashMap::new();
        let mut receiver = YamlReceiver { source, frames: Vec::new(), offsets: &mut offsets, line_starts };
        // An error ends the indexing where it happened; what came before is kept.
        let _ = Parser::new_from_str(source).load(&mut receiver, false);
        let YamlReceiver { line_starts, .. } = receiver;
        Self { index: Index::Every(offsets), line_starts }
    }

    /// The position of the node at `pointer`, or of its nearest ancestor that the text has (a
    /// node the generator inferred, or a pointer into a normalized copy).
    pub fn find(&self, source: &str, pointer: &str) -> Option<Position> {
        let offset = match &self.index {
            Index::Every(offsets) => {
                let mut pointer = pointer;
                loop {
                    if let Some(&offset) = offsets.get(pointer) {
                        break offset;
                    }
                    pointer = pointer.rsplit_once('/')?.0;
                }
            }
            Index::Json(index) => index.borrow_mut().find(source.as_bytes(), pointer)?,
        };
        Some(self.position(source, offset))
    }

    /// The line and column of `offset`.
    pub fn position(&self, source: &str, offset: usize) -> Position {
        let line = self.line_starts.partition_point(|&start| start <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = source.get(start..offset).map_or(1, |text| text.chars().count() + 1);
        Position { offset, line, column }
    }

    /// The byte range of line `line` (1-based), without its line end.
    pub fn line_range(&self, source: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(source.len());
        let end = self.line_starts.get(line).copied().unwrap_or(source.len());
        let text = &source[start..end];
        start..start + text.trim_end_matches(['\n', '\r']).len()
    }
}

fn line_starts(source: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let bytes = source.as_bytes();
    for index in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes[index] == b'\n' || bytes.get(index + 1) != Some(&b'\n') {
            starts.push(index + 1);
        }
    }
    starts
}

impl JsonIndex {
    /// Where the node at `pointer`, or its nearest ancestor in the text, is shown: the
    /// containers on the way are read as needed.
    fn find(&mut self, text: &[u8], pointer: &str) -> Option<usize> {
        let mut current = "";
        let mut shown = self.nodes.get(current)?.0;
        // Each `/` after the first character ends an ancestor's pointer; the pointer itself last.
        let ends = pointer.match_indices('/').map(|(at, _)| at).filter(|&at| at > 0).chain([pointer.len()]);
        for end in ends.filter(|_| !pointer.is_empty()) {
            let child = &pointer[..end];
            if !self.nodes.contains_key(child) && self.read.insert(current.to_owned()) {
                let value_at = self.nodes[current].1;
                self.read_members(text, current, value_at);
            }
            match self.nodes.get(child) {
                Some(&(at, _)) => shown = at,
                None => break,
            }
            current = child;
        }
        Some(shown)
    }

    /// Records the members of the object or array whose value starts at `at`.
    fn read_members(&mut self, text: &[u8], pointer: &str, at: usize) {
        let mut cursor = Cursor { text, at };
        match text.get(at) {
            Some(b'{') => {
                cursor.at += 1;
                loop {
                    cursor.skip_space();
                    match cursor.peek() {
                        Some(b'}') | None => return,
                        Some(b',') => cursor.at += 1,
                        Some(b'"') => {
                            let key_at = cursor.at;
                            let key = cursor.string();
                            cursor.skip_space();
                            if cursor.peek() == Some(b':') {
                                cursor.at += 1;
                            }
                            cursor.skip_space();
                            self.nodes.entry(push_pointer(pointer, &key)).or_insert((key_at, cursor.at));
                            cursor.skip_value();
                        }
                        Some(_) => cursor.skip_value(),
                    }
                }
            }
            Some(b'[') => {
                cursor.at += 1;
                let mut index = 0;
                loop {
                    cursor.skip_space();
                    match cursor.peek() {
                        Some(b']') | None => return,
                        Some(b',') => cursor.at += 1,
                        Some(_) => {
                            self.nodes.entry(format!("{pointer}/{index}")).or_insert((cursor.at, cursor.at));
                            cursor.skip_value();
                            index += 1;
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// A place in a JSON text being skimmed.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// Moves past the string starting at `self.at` (a broken one: to the end). Strings are most
    /// of a spec's bytes (descriptions): they are skimmed for their two special bytes.
    fn skip_string(&mut self) {
        self.at += 1;
        while let Some(found) = self.text.get(self.at..).and_then(|rest| memchr::memchr2(b'"', b'\\', rest)) {
            self.at += found + 1;
            if self.text[self.at - 1] == b'"' {
                return;
            }
            self.at += 1;
        }
        self.at = self.text.len();
    }

    /// The string at `self.at`, decoded (a broken one as far as it goes).
    fn string(&mut self) -> String {
        let start = self.at;
        self.skip_string();
        let raw = &self.text[start..self.at.min(self.text.len())];
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
        if !inner.contains(&b'\\') && raw.ends_with(b"\"") && raw.len() >= 2 {
            return String::from_utf8_lossy(inner).into_owned();
        }
        std::str::from_utf8(raw).ok().and_then(|raw| serde_json::from_str(raw).ok()).unwrap_or_default()
    }

    /// Moves past a scalar or a whole container (iteratively: any depth).
    fn skip_value(&mut self) {
        let mut depth = 0usize;
        while let Some(byte) = self.peek() {
            match byte {
                b'"' => {
                    self.skip_string();
                    if depth == 0 {
                        return;
                    }
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth == 0 => return,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.at += 1;
                        return;
                    }
                }
                b',' if depth == 0 => return,
                _ => {}
            }
            self.at += 1;
        }
    }
}

/// Where the YAML parser is: in a mapping (waiting for a key, or for the value of `key` whose
/// key started at a marker), or in a sequence at an index.
enum Frame {
    Mapping { pointer: String, key: Option<(String, Marker)> },
    Sequence { pointer: String, index: usize },
}

struct YamlReceiver<'s, 'm> {
    source: &'s str,
    frames: Vec<Frame>,
    offsets: &'m mut HashMap<String, usize>,
    line_starts: Vec<usize>,
}

impl YamlReceiver<'_, '_> {
    /// The byte offset of a marker, from its line (1-based) and column (0-based, in characters).
    fn offset(&self, mark: Marker) -> usize {
        let start = self.line_starts.get(mark.line().saturating_sub(1)).copied().unwrap_or(0);
        let line = &self.source[start..];
        let column = mark.col();
        start + line.char_indices().nth(column).map_or(line.len(), |(index, _)| index)
    }

    /// A value begins: its pointer, recorded at its key's or its own marker.
    fn begin_value(&mut self, mark: Marker) -> Option<String> {
        let (pointer, at) = match self.frames.last_mut() {
            None => (String::new(), mark),
            Some(Frame::Mapping { pointer, key }) => {
                let (key, at) = key.take()?;
                (push_pointer(pointer, &key), at)
            }
            Some(Frame::Sequence { pointer, index }) => {
                let child = format!("{pointer}/{index}");
                *index += 1;
                (child, mark)
            }
        };
        let offset = self.offset(at);
        self.offsets.entry(pointer.clone()).or_insert(offset);
        Some(pointer)
    }
}

impl MarkedEventReceiver for YamlReceiver<'_, '_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        // A scalar in key position is the key; anything else is a value.
        if let Some(Frame::Mapping { key: key @ None, .. }) = self.frames.last_mut() {
            match event {
                Event::Scalar(text, ..) => {
                    *key = Some((text, mark));
                    return;
                }
                Event::MappingEnd => {
                    self.frames.pop();
                    return;
                }
                // A complex key (a mapping or sequence as key): indexed under a placeholder.
                _ => *key = Some(("?".to_owned(), mark)),
            }
        }
        match event {
            Event::Scalar(..) | Event::Alias(_) => {
                self.begin_value(mark);
            }
            Event::MappingStart(..) => {
                let pointer = self.begin_value(mark).unwrap_or_default();
                self.frames.push(Frame::Mapping { pointer, key: None });
            }
            Event::SequenceStart(..) => {
                let pointer = self.begin_value(mark).unwrap_or_default();
                self.frames.push(Frame::Sequence { pointer, index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(source: &str, pointer: &str) -> (usize, usize) {
        let position = Positions::new(source).find(source, pointer).unwrap();
        (position.line, position.column)
    }

    #[test]
    fn yaml_nodes_are_found_at_their_keys() {
        let yaml = "openapi: 3.0.0\npaths:\n  /pets/{id}:\n    get:\n      responses:\n        '200':\n          $ref: '#/x'\n      tags: [a, b]\n  # a comment\n  /grüße:\n    post: {summary: x}\n";
        assert_eq!(at(yaml, "/openapi"), (1, 1));
        assert_eq!(at(yaml, "/paths/~1pets~1{id}/get/responses/200/$ref"), (7, 11));
        assert_eq!(at(yaml, "/paths/~1pets~1{id}/get/tags/1"), (8, 17));
        assert_eq!(at(yaml, "/paths/~1grüße/post/summary"), (11, 12));
        // A node the text does not have: its nearest ancestor.
        assert_eq!(at(yaml, "/paths/~1pets~1{id}/get/responses/200/content/x"), (6, 9));
    }

    #[test]
    fn json_nodes_are_found_at_their_keys() {
        let json = "{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {\"/a~b\": {\"get\": {\"tags\": [\"x\", {\"k\": 1}]}}},\n  \"x\\\"y\": [1, 2]\n}";
        assert_eq!(at(json, "/openapi"), (2, 3));
        assert_eq!(at(json, "/paths/~1a~0b/get"), (3, 22));
        assert_eq!(at(json, "/paths/~1a~0b/get/tags/1/k"), (3, 45));
        assert_eq!(at(json, "/paths/~1a~0b/get/tags/1"), (3, 44));
        assert_eq!(at(json, "/x\"y/1"), (4, 15));
        assert_eq!(at(json, ""), (1, 1));
    }

    /// Every node of a JSON document, found by reading only the containers on its way, is where
    /// the YAML parser (which reads JSON too, and indexes all of it) puts it; asked in any order,
    /// after containers were read for other pointers.
    #[test]
    fn json_read_on_the_way_agrees_with_a_full_index() {
        let json = r#"{"info": {"title": "a \"}{[\" b", "x-list": [{"k": [1, {"deep": null}]}, "s,]", 2.5e3]},
  "paths": {"/a/{b}": {"get": {"responses": {"200": {"description": "ok"}}}}, "~x": {}},
  "components": {"schemas": {"A": {"type": "object", "properties": {"é": {"type": "string"}}}, "B": true}},
  "last": [[], {}, ""]}"#;
        let mut all = Vec::new();
        let tree: serde_json::Value = serde_json::from_str(json).unwrap();
        fn walk(value: &serde_json::Value, pointer: String, all: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (key, child) in map {
                        walk(child, push_pointer(&pointer, key), all);
                    }
                }
                serde_json::Value::Array(items) => {
                    for (index, child) in items.iter().enumerate() {
                        walk(child, format!("{pointer}/{index}"), all);
                    }
                }
                _ => {}
            }
            all.push(pointer);
        }
        walk(&tree, String::new(), &mut all);
        assert!(all.len() > 25, "{}", all.len());
        let mut offsets = HashMap::new();
        let mut receiver =
            YamlReceiver { source: json, frames: Vec::new(), offsets: &mut offsets, line_starts: line_starts(json) };
        Parser::new_from_str(json).load(&mut receiver, false).unwrap();
        let full = Positions { index: Index::Every(offsets), line_starts: line_starts(json) };
        let lazy = Positions::new(json);
        assert!(matches!(lazy.index, Index::Json(_)));
        // Deepest first, then shallowest: both orders reuse what the other read.
        for pointer in all.iter().chain(all.iter().rev()) {
            assert_eq!(lazy.find(json, pointer), full.find(json, pointer), "{pointer}");
        }
        // A node the text does not have: its nearest ancestor.
        assert_eq!(lazy.find(json, "/components/schemas/A/nope/1"), lazy.find(json, "/components/schemas/A"));
    }

    #[test]
    fn broken_and_hostile_documents_do_not_panic() {
        for source in ["{\"a\": [1, {\"b\": ", "a: [1, 2\nb: {", "\"", "{", "[[[[[[", "a: b: c", ""] {
            let positions = Positions::new(source);
            let _ = positions.find(source, "/a/1");
        }
        let deep = "[".repeat(100_000);
        let _ = Positions::new(&deep).find(&deep, "/0/0");
    }
}
