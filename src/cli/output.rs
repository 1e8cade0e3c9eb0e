//! Rendering helpers shared by the subcommands.

use serde::Serialize;

/// Prints `value` as one line of JSON on stdout. A reader that went away (a closed pipe) is not
/// an error worth a panic.
pub fn json<T: Serialize>(value: &T) {
    use std::io::Write;
    let line = serde_json::to_string(value).expect("command output serialises to JSON");
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Shortens `text` to `width` characters for a table cell.
pub fn cell(text: &str, width: usize) -> String {
    let mut out: String = text.chars().take(width).collect();
    if text.chars().count() > width {
        out.pop();
        out.push('…');
    }
    out
}
