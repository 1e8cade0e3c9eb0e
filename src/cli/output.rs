//! Rendering helpers shared by the subcommands.

use serde::Serialize;

/// Prints `value` as one line of JSON on stdout.
pub fn json<T: Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string(value).expect("command output serialises to JSON")
    );
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
