//! Validation errors and the field checks shared by every input format. An error always names the
//! file, the line when known, the field and what is wrong, so an editor can fix it without
//! guessing.

use std::fmt;

use serde::Serialize;

/// Largest node text (body or answer), in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Largest name, alias, tag or attribute string, in bytes.
pub const MAX_SHORT_BYTES: usize = 1024;
/// Most aliases, tags or attributes on one node.
pub const MAX_LIST_LEN: usize = 256;
/// How many errors a rejected batch reports before summarising the rest.
pub const MAX_REPORTED_ERRORS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

impl ValidationError {
    pub fn new(
        file: impl Into<String>,
        line: Option<usize>,
        field: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            line,
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Where an input item came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    pub file: String,
    pub line: usize,
}

impl SourceRef {
    pub fn new(file: &str, line: usize) -> Self {
        Self {
            file: file.to_owned(),
            line,
        }
    }

    pub fn error(&self, field: Option<&str>, message: impl Into<String>) -> ValidationError {
        ValidationError::new(
            self.file.clone(),
            Some(self.line),
            field.map(str::to_owned),
            message,
        )
    }
}

/// An item with the place it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub at: SourceRef,
    pub item: T,
}

/// The 1-based line of the first occurrence of `needle` in `text`, used where a parser gives no
/// position (semantic checks on YAML).
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    text.find(needle)
        .map(|offset| text[..offset].matches('\n').count() + 1)
}

/// Checks a short string field (name, alias, tag): not blank, within [`MAX_SHORT_BYTES`].
pub fn check_short(value: &str, what: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    if value.len() > MAX_SHORT_BYTES {
        return Err(format!(
            "{what} is {} bytes long; the limit is {MAX_SHORT_BYTES}",
            value.len()
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(format!("{what} contains a control character"));
    }
    Ok(())
}

/// Caps a list of errors at [`MAX_REPORTED_ERRORS`], adding one line that counts the rest.
pub fn cap_errors(mut errors: Vec<ValidationError>) -> Vec<ValidationError> {
    if errors.len() > MAX_REPORTED_ERRORS {
        let rest = errors.len() - MAX_REPORTED_ERRORS;
        errors.truncate(MAX_REPORTED_ERRORS);
        errors.push(ValidationError::new(
            "(batch)",
            None,
            None,
            format!("… and {rest} more errors not shown"),
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_field() {
        let e = ValidationError::new("nodes.jsonl", Some(7), Some("kind".into()), "unknown kind");
        assert_eq!(e.to_string(), "nodes.jsonl:7: field `kind`: unknown kind");
    }

    #[test]
    fn line_of_counts_from_one() {
        assert_eq!(line_of("a\nb\nc", "c"), Some(3));
        assert_eq!(line_of("abc", "a"), Some(1));
        assert_eq!(line_of("abc", "z"), None);
    }
}
