//! Turning spec names into Rust identifiers: heck for the case, then escaping of keywords and
//! of characters Rust does not allow.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Every keyword of Rust 2015 to 2024, strict and reserved.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names of the Rust prelude that generated code uses unqualified: a type of the API with such
/// a name would shadow them, so it gets a suffix (`Result2`) instead.
pub const PRELUDE_TYPES: &[&str] = &[
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "Box",
    "Vec",
    "String",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "Iterator",
    "IntoIterator",
    "Extend",
    "ToString",
    "ToOwned",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
];

/// Keywords that cannot be raw identifiers either.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Replaces everything but ASCII letters and digits by `_` separators, so that heck sees word
/// boundaries (`lastMessage.createdAt`, `x-access-token`) and non-ASCII names stay valid.
fn words(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// A `snake_case` identifier for a field, parameter, method or module.
pub fn snake(name: &str) -> String {
    escape(words(name).to_snake_case(), "value")
}

/// An `UpperCamelCase` identifier for a type or variant.
pub fn camel(name: &str) -> String {
    escape(words(name).to_upper_camel_case(), "Value")
}

fn escape(ident: String, empty: &str) -> String {
    let ident = if ident.is_empty() {
        empty.to_owned()
    } else if ident.starts_with(|c: char| c.is_ascii_digit()) {
        // An identifier cannot start with a digit: `_2fa` for snake case, `V2xx` for camel case.
        let prefix = if empty == "Value" { "V" } else { "_" };
        format!("{prefix}{ident}")
    } else {
        ident
    };
    if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// Whether `name` can be a type name as given: an upper-case ASCII letter, then ASCII letters,
/// digits and underscores, and not a keyword.
pub fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name)
        && !PRELUDE_TYPES.contains(&name)
}

/// The file, at the crate root, that keeps the type name of every component schema across
/// regenerations (see [`crate::Config::pinned_names`]).
pub const LOCK_FILE: &str = "type-names.lock";

/// The lock file's body: one `component = TypeName` line per component schema, sorted.
pub fn lock_text(names: &BTreeMap<String, String>) -> String {
    let mut text = String::from(
        "# The Rust type name of every component schema, kept from run to run so that a schema added\n\
         # upstream cannot rename an existing type. Unlike the other generated files, this one may be\n\
         # edited: delete a line to let the generator choose that name afresh.\n",
    );
    for (component, name) in names {
        text.push_str(&format!("{} = {name}\n", lock_key(component)));
    }
    text
}

/// A component name as a lock file key: as it is when it reads back the same, else as a JSON
/// string with every invisible character escaped (`"a=b"`, `"\u202eX"`).
fn lock_key(component: &str) -> String {
    let plain = !component.is_empty()
        && component.trim() == component
        && !component.starts_with(['"', '#'])
        && !component.contains('=')
        && !component.chars().any(|c| c.is_control() || crate::emit::docs::invisible(c));
    if plain {
        return component.to_owned();
    }
    let mut out = String::from('"');
    for c in component.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || crate::emit::docs::invisible(c) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Reads a lock file: `component = TypeName` lines; `#` comments and blank lines are skipped.
/// An error names the line.
pub fn parse_lock(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut names = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || format!("line {}: expected `component = TypeName`, found {line:?}", number + 1);
        let (component, name): (String, &str) = if line.starts_with('"') {
            // A quoted key: a JSON string, up to its closing quote.
            let mut escaped = false;
            let end = line
                .char_indices()
                .skip(1)
                .find(|&(_, c)| {
                    let close = c == '"' && !escaped;
                    escaped = c == '\\' && !escaped;
                    close
                })
                .map(|(i, _)| i)
                .ok_or_else(bad)?;
            let key: String = serde_json::from_str(&line[..=end]).map_err(|_| bad())?;
            let rest = line[end + 1..].trim_start().strip_prefix('=').ok_or_else(bad)?;
            (key, rest.trim())
        } else {
            let (component, name) = line.split_once('=').ok_or_else(bad)?;
            (component.trim().to_owned(), name.trim())
        };
        let component = component.as_str();
        if component.is_empty() || !is_type_name(name) {
            return Err(format!("line {}: expected `component = TypeName`, found {line:?}", number + 1));
        }
        if names.insert(component.to_owned(), name.to_owned()).is_some() {
            return Err(format!("line {}: `{component}` is named twice", number + 1));
        }
    }
    Ok(names)
}

/// Hands out names that are unique within one scope, adding `2`, `3`, ... on collisions in a
/// deterministic order.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    taken: BTreeSet<String>,
}

impl Namer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves `wanted`, or the first free `wanted2`, `wanted3`, ...
    pub fn unique(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        // Raw identifiers cannot take a suffix after `r#`; drop the prefix, the suffix already
        // makes the name a non-keyword.
        let base = wanted.strip_prefix("r#").unwrap_or(wanted);
        let separator = if base.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always has a free name")
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_that_would_not_read_back_are_quoted() {
        let mut names = BTreeMap::new();
        for (component, name) in [
            ("plain.Name", "Name"),
            ("a=b", "AB"),
            ("\u{202E}Error", "Error"),
            ("\"quoted\"", "Quoted"),
            (" padded", "Padded"),
            ("#hash", "Hashed"),
            ("back\\slash\r", "Back"),
        ] {
            names.insert(component.to_owned(), name.to_owned());
        }
        let text = lock_text(&names);
        assert!(!text.contains('\u{202E}') && !text.contains('\r'), "{text}");
        assert!(text.contains("plain.Name = Name\n"));
        assert_eq!(parse_lock(&text).unwrap(), names);
    }

    #[test]
    fn lock_files_round_trip_and_bad_lines_are_named() {
        let names: BTreeMap<String, String> = [("de.mittwald.v1.a.User", "User"), ("de.mittwald.v1.b.User", "BUser")]
            .into_iter()
            .map(|(c, n)| (c.to_owned(), n.to_owned()))
            .collect();
        assert_eq!(parse_lock(&lock_text(&names)), Ok(names));
        assert_eq!(parse_lock("# only a comment\n\n"), Ok(BTreeMap::new()));
        assert_eq!(parse_lock("a = A\nb A\n"), Err("line 2: expected `component = TypeName`, found \"b A\"".into()));
        assert_eq!(
            parse_lock("a = lower\n"),
            Err("line 1: expected `component = TypeName`, found \"a = lower\"".into())
        );
        assert_eq!(parse_lock("a = A\na = B\n"), Err("line 2: `a` is named twice".into()));
        assert!(!is_type_name("Self") && !is_type_name("r#type") && !is_type_name("A-B") && is_type_name("A_2"));
    }

    #[test]
    fn snake_names() {
        assert_eq!(snake("conversationId"), "conversation_id");
        assert_eq!(snake("fullTextSearch"), "full_text_search");
        assert_eq!(snake("X-Pagination-TotalCount"), "x_pagination_total_count");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(snake(""), "value");
        assert_eq!(snake("größe"), "gr_e");
    }

    #[test]
    fn camel_names() {
        assert_eq!(camel("lastMessage.createdAt"), "LastMessageCreatedAt");
        assert_eq!(camel("customer_owner"), "CustomerOwner");
        assert_eq!(camel("inProgress"), "InProgress");
        assert_eq!(camel("Self"), "Self_");
        assert_eq!(camel("2xx"), "V2xx");
        assert_eq!(camel("*"), "Value");
    }

    #[test]
    fn unique_names() {
        let mut namer = Namer::new();
        assert_eq!(namer.unique("friendly_url"), "friendly_url");
        assert_eq!(namer.unique("friendly_url"), "friendly_url2");
        assert_eq!(namer.unique("r#type"), "r#type");
        assert_eq!(namer.unique("r#type"), "type2");
        assert_eq!(namer.unique("v1"), "v1");
        assert_eq!(namer.unique("v1"), "v1_2");
    }
}
