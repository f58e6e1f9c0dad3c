//! Formatting: tokens to text with prettyplease, with the generated-file header.

use crate::diagnostic::{Location, SpecError};
use crate::emit::Emitted;

/// Formats one file. A syntax error here is a bug of the generator, reported as such.
pub fn render(path: &str, emitted: Emitted, header: &str) -> Result<String, SpecError> {
    match emitted {
        Emitted::Rust(tokens) => {
            let file = syn::parse2::<syn::File>(tokens).map_err(|e| SpecError {
                file: path.to_owned(),
                location: Location::Pointer(String::new()),
                message: format!("internal error: the generator emitted invalid Rust: {e}"),
            })?;
            Ok(format!("// {header}\n\n{}", space_items(&prettyplease::unparse(&file))))
        }
        Emitted::Text(text) if path.ends_with(".toml") => Ok(format!("# {header}\n\n{text}")),
        Emitted::Text(text) => Ok(format!("// {header}\n\n{text}")),
    }
}

/// prettyplease puts items right after each other; a blank line after every block that closes
/// an item makes the files read like hand-written code.
fn space_items(code: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    for (index, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.get(index + 1) else { continue };
        let indent = line.len() - line.trim_start().len();
        let next_indent = next.len() - next.trim_start().len();
        let closes_item = line.trim() == "}"
            || (indent == 0 && line.ends_with(';') && !next.starts_with(line.split_whitespace().next().unwrap_or("")));
        let next_continues = next.trim().is_empty()
            || next.trim_start().starts_with(['}', ')', ']', ',', '.'])
            || next.trim_start().starts_with("else");
        let in_match = next.contains("=>");
        if closes_item && indent == next_indent && !next_continues && !in_match {
            out.push('\n');
        }
    }
    out
}
