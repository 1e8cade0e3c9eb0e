//! Identifier newtypes. Each has a private field and a `parse` that is the only way in, so code
//! past the edge can trust that an id is well formed.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest node id accepted, in bytes.
pub const MAX_ID_BYTES: usize = 128;

/// Why an identifier was refused. The message says what a valid one looks like.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IdError(String);

/// A node id of the form `<kind>/<slug>`, e.g. `product/x200-router`.
///
/// The slug may contain further `/`, but no whitespace, control characters or the characters
/// `"` `\` `?` `#` `%` (ids travel in URL paths and file names).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(String);

impl NodeId {
    /// Fails when the id is empty, longer than [`MAX_ID_BYTES`], lacks a `<kind>/` prefix with a
    /// valid kind name, has an empty slug, or contains a forbidden character.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        if raw.is_empty() {
            return Err(IdError("id is empty; expected `<kind>/<slug>`".into()));
        }
        if raw.len() > MAX_ID_BYTES {
            return Err(IdError(format!(
                "id is {} bytes long; the limit is {MAX_ID_BYTES}",
                raw.len()
            )));
        }
        let Some((kind, slug)) = raw.split_once('/') else {
            return Err(IdError(format!(
                "id `{raw}` has no kind prefix; expected `<kind>/<slug>` such as `faq/reset-password`"
            )));
        };
        KindName::parse(kind)
            .map_err(|e| IdError(format!("id `{raw}` has an invalid kind prefix: {e}")))?;
        if slug.is_empty() {
            return Err(IdError(format!(
                "id `{raw}` has an empty slug after `{kind}/`"
            )));
        }
        if let Some(bad) = slug.chars().find(|c| !is_slug_char(*c)) {
            return Err(IdError(format!(
                "id `{raw}` contains {bad:?}; ids may not contain whitespace, control characters or \" \\ ? # %"
            )));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The `<kind>` part before the first `/`.
    pub fn kind_prefix(&self) -> &str {
        self.0.split_once('/').map_or("", |(kind, _)| kind)
    }
}

fn is_slug_char(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || matches!(c, '"' | '\\' | '?' | '#' | '%'))
}

/// A node kind or relation name: lowercase ASCII letter first, then lowercase letters, digits or
/// `_`, at most 64 bytes (`product`, `compatible_with`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KindName(String);

/// Relation names follow the same rule as kind names.
pub type RelName = KindName;

impl KindName {
    /// Fails when the name is empty, longer than 64 bytes or not of the form `[a-z][a-z0-9_]*`.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let valid = !raw.is_empty()
            && raw.len() <= 64
            && raw.starts_with(|c: char| c.is_ascii_lowercase())
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(IdError(format!(
                "`{raw}` is not a valid name; use lowercase letters, digits and `_`, starting with a letter"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A language tag such as `en` or `zh` (lowercase letters and `-`, 2 to 16 bytes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(String);

impl Lang {
    /// Fails unless the tag is 2–16 bytes of lowercase ASCII letters and `-`.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let valid = (2..=16).contains(&raw.len())
            && raw.chars().all(|c| c.is_ascii_lowercase() || c == '-');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(IdError(format!(
                "`{raw}` is not a language tag; use a lowercase code such as `en` or `zh`"
            )))
        }
    }

    pub fn en() -> Self {
        Self("en".into())
    }

    pub fn zh() -> Self {
        Self("zh".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_zh(&self) -> bool {
        self.0 == "zh" || self.0.starts_with("zh-")
    }
}

macro_rules! string_newtype_serde {
    ($ty:ident) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                $ty::parse(&raw).map_err(serde::de::Error::custom)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_newtype_serde!(NodeId);
string_newtype_serde!(KindName);
string_newtype_serde!(Lang);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids() {
        assert!(NodeId::parse("product/x200").is_ok());
        assert!(NodeId::parse("faq/reset/deep").is_ok());
        assert_eq!(NodeId::parse("faq/a").unwrap().kind_prefix(), "faq");
        for bad in [
            "",
            "x200",
            "/x",
            "faq/",
            "Faq/x",
            "faq/a b",
            "faq/a?b",
            "faq/\u{7}",
        ] {
            assert!(NodeId::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(NodeId::parse(&format!("faq/{}", "a".repeat(124))).is_ok());
        assert!(NodeId::parse(&format!("faq/{}", "a".repeat(125))).is_err());
    }

    #[test]
    fn names_and_langs() {
        assert!(KindName::parse("compatible_with").is_ok());
        assert!(KindName::parse("1abc").is_err());
        assert!(KindName::parse("Product").is_err());
        assert!(Lang::parse("zh").unwrap().is_zh());
        assert!(Lang::parse("zh-hans").unwrap().is_zh());
        assert!(Lang::parse("EN").is_err());
    }
}
