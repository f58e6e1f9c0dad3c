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

/// Whether `name` can name a package cargo builds: ASCII letters, digits, `-` and `_`, not
/// starting with a digit, not a Rust keyword nor a name of the standard library's crates, at most
/// 64 characters (crates.io's limit). The error says the rule.
pub fn check_crate_name(name: &str) -> Result<(), String> {
    const RULE: &str = "a crate name is ASCII letters, digits, `-` and `_`, starts with a letter, and is at most 64 \
                        characters long (cargo's rule)";
    let fail = |why: &str| Err(format!("invalid crate name {name:?}: {why}; {RULE}"));
    if name.is_empty() {
        return fail("it is empty");
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return fail(&format!("{bad:?} is not allowed"));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return fail("it must start with a letter");
    }
    if name.len() > 64 {
        return fail("it is longer than 64 characters");
    }
    let ident = name.replace('-', "_");
    if KEYWORDS.contains(&ident.as_str()) || ["std", "core", "alloc", "proc_macro", "test"].contains(&ident.as_str()) {
        return fail("it is a Rust keyword or the name of a standard crate");
    }
    Ok(())
}

/// Whether `version` is a semantic version cargo accepts (`1.2.3`, `0.1.0-beta.1+build.5`).
pub fn check_crate_version(version: &str) -> Result<(), String> {
    let core = version.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |part: &&str| {
        !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) && (part.len() == 1 || !part.starts_with('0'))
    };
    let extra = &version[core.len()..];
    let extra_ok = extra.is_empty()
        || (extra.len() > 1
            && extra[1..]
                .split(['.', '-', '+'])
                .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric())));
    if parts.len() == 3 && parts.iter().all(numeric) && extra_ok {
        Ok(())
    } else {
        Err(format!("invalid crate version {version:?}: a version is MAJOR.MINOR.PATCH (semver, e.g. `0.1.0` or `1.2.3-beta.1`)"))
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
    fn crate_names_and_versions_follow_cargo() {
        for good in ["petstore-client", "a", "mittwald_api-client2", "openapi"] {
            assert_eq!(check_crate_name(good), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("ho-kubernetes-1.13", "'.' is not allowed"),
            ("", "empty"),
            ("1password", "start with a letter"),
            ("-x", "start with a letter"),
            ("fn", "keyword"),
            ("std", "standard crate"),
            ("a b", "' ' is not allowed"),
        ] {
            let error = check_crate_name(bad).unwrap_err();
            assert!(error.contains(why) && error.contains("cargo's rule"), "{bad}: {error}");
        }
        assert!(check_crate_name(&"a".repeat(65)).is_err());
        for good in ["0.1.0", "1.2.3", "10.20.30-beta.1", "1.0.0+build.5", "1.0.0-rc.1+x"] {
            assert_eq!(check_crate_version(good), Ok(()), "{good}");
        }
        for bad in ["1", "1.2", "1.x.0", "01.2.3", "1.2.3-", "1.2.3.4", "v1.2.3"] {
            assert!(check_crate_version(bad).is_err(), "{bad}");
        }
    }

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
