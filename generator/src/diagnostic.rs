//! Errors and warnings about a spec, located by file and JSON pointer.

use std::fmt;

/// A problem in a spec: where (file and JSON pointer of the node) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {location}: {message}")]
pub struct SpecError {
    /// The spec's file name as given to the generator.
    pub file: String,
    /// Where: a JSON pointer (`/paths/~1v2~1conversations/get`), or a line and column for a
    /// syntax error.
    pub location: Location,
    /// What is wrong.
    pub message: String,
}

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
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

    #[test]
    fn long_values_are_cut_in_messages() {
        assert_eq!(quoted("a\"b"), r#""a\"b""#);
        let long = "é".repeat(250);
        assert_eq!(quoted(&long), format!("{:?}… (250 characters)", "é".repeat(100)));
        assert_eq!(quoted(&"x".repeat(100)), format!("{:?}", "x".repeat(100)));
    }
}
