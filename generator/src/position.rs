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
#[derive(Debug, Default)]
pub struct Positions {
    offsets: HashMap<String, usize>,
    /// The byte offset where each line starts.
    line_starts: Vec<usize>,
}

impl Positions {
    /// Indexes `source`, JSON or YAML (a document that does not parse yields what was seen).
    pub fn new(source: &str) -> Self {
        let mut offsets = HashMap::new();
        if source.trim_start().starts_with(['{', '[']) {
            let mut scanner = JsonScanner { text: source.as_bytes(), at: 0, offsets: &mut offsets };
            scanner.skip_space();
            scanner.value(&mut String::new(), 0);
        } else {
            let mut receiver =
                YamlReceiver { source, frames: Vec::new(), offsets: &mut offsets, line_starts: Vec::new() };
            receiver.line_starts = line_starts(source);
            // An error ends the indexing where it happened; what came before is kept.
            let _ = Parser::new_from_str(source).load(&mut receiver, false);
        }
        Self { offsets, line_starts: line_starts(source) }
    }

    /// The position of the node at `pointer`, or of its nearest ancestor that the text has (a
    /// node the generator inferred, or a pointer into a normalized copy).
    pub fn find(&self, source: &str, pointer: &str) -> Option<Position> {
        let mut pointer = pointer;
        loop {
            if let Some(&offset) = self.offsets.get(pointer) {
                return Some(self.position(source, offset));
            }
            let (parent, _) = pointer.rsplit_once('/')?;
            pointer = parent;
        }
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
    for (index, byte) in bytes.iter().enumerate() {
        match byte {
            b'\n' => starts.push(index + 1),
            b'\r' if bytes.get(index + 1) != Some(&b'\n') => starts.push(index + 1),
            _ => {}
        }
    }
    starts
}

/// A JSON text walked once, recording where every value (or member key) starts.
struct JsonScanner<'a, 'm> {
    text: &'a [u8],
    at: usize,
    offsets: &'m mut HashMap<String, usize>,
}

/// Deeper than this, values are skipped without recording (no stack overflow on hostile input).
const MAX_DEPTH: usize = 256;

impl JsonScanner<'_, '_> {
    fn skip_space(&mut self) {
        while self.text.get(self.at).is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// The value at `self.at`, recorded at `pointer` when `record` is its position.
    fn value(&mut self, pointer: &mut String, depth: usize) {
        self.offsets.entry(pointer.clone()).or_insert(self.at);
        match self.text.get(self.at) {
            Some(b'{') => {
                self.at += 1;
                loop {
                    self.skip_space();
                    match self.text.get(self.at) {
                        Some(b'}') | None => {
                            self.at += 1;
                            return;
                        }
                        Some(b',') => self.at += 1,
                        Some(b'"') => {
                            let key_at = self.at;
                            let key = self.string();
                            self.skip_space();
                            if self.text.get(self.at) == Some(&b':') {
                                self.at += 1;
                            }
                            self.skip_space();
                            let mut child = push_pointer(pointer, &key);
                            if depth < MAX_DEPTH {
                                self.offsets.insert(child.clone(), key_at);
                                self.value(&mut child, depth + 1);
                            } else {
                                self.skip_value();
                            }
                        }
                        Some(_) => {
                            self.skip_value();
                        }
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut index = 0;
                loop {
                    self.skip_space();
                    match self.text.get(self.at) {
                        Some(b']') | None => {
                            self.at += 1;
                            return;
                        }
                        Some(b',') => self.at += 1,
                        Some(_) => {
                            let mut child = format!("{pointer}/{index}");
                            if depth < MAX_DEPTH {
                                self.value(&mut child, depth + 1);
                            } else {
                                self.skip_value();
                            }
                            index += 1;
                        }
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => self.skip_value(),
            None => {}
        }
    }

    /// A string at `self.at`, decoded (a broken one as far as it goes).
    fn string(&mut self) -> String {
        let start = self.at;
        self.at += 1;
        while let Some(&byte) = self.text.get(self.at) {
            self.at += 1;
            match byte {
                b'\\' => self.at += 1,
                b'"' => break,
                _ => {}
            }
        }
        let raw = std::str::from_utf8(&self.text[start..self.at.min(self.text.len())]).unwrap_or("\"\"");
        serde_json::from_str(raw).unwrap_or_default()
    }

    /// Skips a scalar or a whole container without recording.
    fn skip_value(&mut self) {
        let mut depth = 0usize;
        while let Some(&byte) = self.text.get(self.at) {
            match byte {
                b'"' => {
                    self.string();
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
