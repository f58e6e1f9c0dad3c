//! Spec descriptions to doc attributes that rustdoc accepts without warnings.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Docs;

/// `#[doc]` lines for `docs`, followed by `extra` paragraphs, and `#[deprecated]` if the spec
/// says so.
pub fn doc_attrs(docs: &Docs, extra: &[String]) -> TokenStream {
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(summary) = docs.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        paragraphs.push(summary.trim().to_owned());
    }
    if let Some(description) = docs.description.as_deref().filter(|s| !s.trim().is_empty()) {
        let description = description.trim();
        if paragraphs.first().map(|s| s.trim_end_matches('.')) != Some(description.trim_end_matches('.')) {
            paragraphs.push(description.to_owned());
        }
    }
    paragraphs.extend(extra.iter().cloned());
    let text = paragraphs.join("\n\n");
    let lines = sanitize(&text);
    let docs_tokens = lines.iter().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #line])
    });
    let deprecated = docs.deprecated.then(|| quote!(#[deprecated]));
    quote!(#(#docs_tokens)* #deprecated)
}

/// Makes spec Markdown safe for rustdoc: square brackets that are not Markdown links are
/// escaped (rustdoc would read `sort[0]` as a link), fenced code is marked as text (rustdoc
/// would compile it as a doctest), bare URLs are put in angle brackets.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    // Tabs become spaces: rustdoc's Markdown and clippy both read tabs in docs badly. A bare
    // CR ends a line (rustc refuses it in a doc comment); other control characters and the
    // characters that change the visible direction of text (U+202A..E, U+2066..9: "Trojan
    // Source", refused by rustc in comments) are shown as their `\u{..}` escape.
    let mut text = std::borrow::Cow::Borrowed(text);
    if text.contains(['\t', '\r']) {
        text = text.replace('\t', "    ").replace("\r\n", "\n").replace('\r', "\n").into();
    }
    if text.chars().any(invisible) {
        let mut visible = String::with_capacity(text.len() + 16);
        for c in text.chars() {
            if invisible(c) {
                visible.extend(c.escape_unicode());
            } else {
                visible.push(c);
            }
        }
        text = visible.into();
    }
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if !in_fence {
                out.push(format!("{}text", &trimmed[..3]));
            } else {
                out.push(trimmed[..3].to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
        } else {
            out.push(escape_line(line.trim_end()));
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out
}

/// Characters that may not stand as they are in a doc comment: controls other than the line
/// end, and the text-direction controls.
pub fn invisible(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn escape_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '[' if !in_code => {
                // Keep `[text](url)` links; escape every other bracket.
                match find_link_end(&chars, i) {
                    Some(end) => {
                        out.extend(&chars[i..end]);
                        i = end;
                        continue;
                    }
                    None => out.push_str("\\["),
                }
            }
            ']' if !in_code => out.push_str("\\]"),
            '<' if !in_code && starts_url(&chars[i + 1..]) => {
                // An autolink already: copy it up to its `>`.
                let end = chars[i..].iter().position(|c| *c == '>').map_or(chars.len(), |p| i + p + 1);
                out.extend(&chars[i..end]);
                i = end;
                continue;
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            'h' if !in_code && starts_url(&chars[i..]) && !out.ends_with("](") => {
                let end = chars[i..].iter().position(|c| c.is_whitespace() || *c == ')').map_or(chars.len(), |p| i + p);
                let mut url: String = chars[i..end].iter().collect();
                let trailing = if url.ends_with(['.', ',', ';', ':']) { url.pop().map(String::from) } else { None };
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.extend(trailing);
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn starts_url(chars: &[char]) -> bool {
    let head: String = chars.iter().take(8).collect();
    head.starts_with("http://") || head.starts_with("https://")
}

/// For `[` at `start`: the index after `](...)` if this is a Markdown link.
fn find_link_end(chars: &[char], start: usize) -> Option<usize> {
    let close = chars[start..].iter().position(|c| *c == ']')? + start;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = chars[close..].iter().position(|c| *c == ')')? + close;
    Some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_brackets_but_keeps_links() {
        assert_eq!(
            sanitize("sort[0]=foo, see [docs](https://x.y/z)."),
            ["sort\\[0\\]=foo, see [docs](https://x.y/z)."]
        );
    }

    #[test]
    fn hostile_characters_are_shown_escaped() {
        assert_eq!(sanitize("a\rb\r\nc"), ["a", "b", "c"]);
        assert_eq!(sanitize("x\u{202E}y\u{2066}z\u{0}"), ["x\\u{202e}y\\u{2066}z\\u{0}"]);
        assert_eq!(sanitize("*/ <script>"), ["*/ &lt;script&gt;"]);
    }

    #[test]
    fn fences_become_text() {
        assert_eq!(sanitize("a\n```json\n{}\n```"), ["a", "```text", "{}", "```"]);
    }

    #[test]
    fn bare_urls_get_angle_brackets() {
        assert_eq!(sanitize("at https://api.mittwald.de."), ["at <https://api.mittwald.de>."]);
        assert_eq!(sanitize("a <b> c"), ["a &lt;b&gt; c"]);
        assert_eq!(sanitize("formatted (https://json-schema.org/)."), ["formatted (<https://json-schema.org/>)."]);
    }
}
