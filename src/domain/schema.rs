//! The per-KB schema: which node kinds and relations exist, which kinds a relation may connect,
//! inverse names, and the phrases customers use for relations, kinds and attributes (the data that
//! question understanding works from).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::ids::{KindName, RelName};
use super::validate::{line_of, ValidationError};

/// Phrases by language tag (`en`, `zh`, …).
pub type Phrases = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindDef {
    pub name: KindName,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub phrases: Phrases,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationDef {
    pub name: RelName,
    pub from: Vec<KindName>,
    pub to: Vec<KindName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inverse: Option<RelName>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub phrases: Phrases,
}

impl RelationDef {
    /// True when the relation reads the same in both directions (`compatible_with`).
    pub fn is_symmetric(&self) -> bool {
        self.inverse.as_ref() == Some(&self.name)
    }
}

/// Which way an edge is walked: along its direction, or against it (by its inverse name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Forward,
    Backward,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    pub kinds: Vec<KindDef>,
    pub relations: Vec<RelationDef>,
    pub attributes: BTreeMap<String, Phrases>,
}

/// The file form: kinds may be plain strings or objects with phrases.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaFile {
    kinds: Vec<KindEntry>,
    #[serde(default)]
    relations: Vec<RelationDef>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, Phrases>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum KindEntry {
    Plain(KindName),
    Full(KindFull),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindFull {
    name: KindName,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    phrases: Phrases,
}

impl Schema {
    /// Parses `schema.yaml`. Fails with every problem found: YAML syntax, unknown keys, invalid
    /// names, duplicate kinds or relations, relations naming undeclared kinds, clashing inverses.
    pub fn parse_yaml(text: &str, file: &str) -> Result<Schema, Vec<ValidationError>> {
        let parsed: SchemaFile = serde_yaml::from_str(text).map_err(|e| {
            let line = e.location().map(|l| l.line());
            vec![ValidationError::new(file, line, None, e.to_string())]
        })?;
        let schema = Schema {
            kinds: parsed
                .kinds
                .into_iter()
                .map(|entry| match entry {
                    KindEntry::Plain(name) => KindDef {
                        name,
                        phrases: Phrases::new(),
                    },
                    KindEntry::Full(full) => KindDef {
                        name: full.name,
                        phrases: full.phrases,
                    },
                })
                .collect(),
            relations: parsed.relations,
            attributes: parsed.attributes,
        };
        let errors = schema.check(text, file);
        if errors.is_empty() {
            Ok(schema)
        } else {
            Err(errors)
        }
    }

    fn check(&self, text: &str, file: &str) -> Vec<ValidationError> {
        let mut errors = Vec::new();
        let mut error = |needle: &str, field: &str, message: String| {
            errors.push(ValidationError::new(
                file,
                line_of(text, needle),
                Some(field.to_owned()),
                message,
            ));
        };
        if self.kinds.is_empty() {
            error("kinds", "kinds", "declare at least one node kind".into());
        }
        let mut kinds = BTreeSet::new();
        for kind in &self.kinds {
            if !kinds.insert(kind.name.as_str()) {
                error(
                    kind.name.as_str(),
                    "kinds",
                    format!("kind `{}` is declared twice", kind.name),
                );
            }
        }
        let mut names = BTreeSet::new();
        for (i, rel) in self.relations.iter().enumerate() {
            let at = format!("relations[{i}]");
            if !names.insert(rel.name.as_str()) {
                error(
                    rel.name.as_str(),
                    &format!("{at}.name"),
                    format!("relation `{}` is declared twice", rel.name),
                );
            }
            for (side, list) in [("from", &rel.from), ("to", &rel.to)] {
                if list.is_empty() {
                    error(
                        rel.name.as_str(),
                        &format!("{at}.{side}"),
                        format!("relation `{}` needs at least one `{side}` kind", rel.name),
                    );
                }
                for kind in list {
                    if !kinds.contains(kind.as_str()) {
                        error(
                            kind.as_str(),
                            &format!("{at}.{side}"),
                            format!(
                                "relation `{}` names kind `{kind}`, which is not declared in `kinds`",
                                rel.name
                            ),
                        );
                    }
                }
            }
        }
        for (i, rel) in self.relations.iter().enumerate() {
            let Some(inverse) = &rel.inverse else {
                continue;
            };
            if inverse != &rel.name && names.contains(inverse.as_str()) {
                error(
                    inverse.as_str(),
                    &format!("relations[{i}].inverse"),
                    format!(
                        "inverse name `{inverse}` of `{}` is already a relation of its own",
                        rel.name
                    ),
                );
            }
        }
        errors
    }

    /// Writes the schema in its canonical YAML form (kinds without phrases as plain names).
    pub fn to_yaml(&self) -> String {
        let file = SchemaFile {
            kinds: self
                .kinds
                .iter()
                .map(|k| {
                    if k.phrases.is_empty() {
                        KindEntry::Plain(k.name.clone())
                    } else {
                        KindEntry::Full(KindFull {
                            name: k.name.clone(),
                            phrases: k.phrases.clone(),
                        })
                    }
                })
                .collect(),
            relations: self.relations.clone(),
            attributes: self.attributes.clone(),
        };
        serde_yaml::to_string(&file).expect("a schema always serialises to YAML")
    }

    pub fn has_kind(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k.name.as_str() == kind)
    }

    pub fn relation(&self, name: &str) -> Option<&RelationDef> {
        self.relations.iter().find(|r| r.name.as_str() == name)
    }

    /// Resolves a relation name or an inverse name to the relation and the walking direction.
    pub fn resolve_rel(&self, name: &str) -> Option<(&RelationDef, Direction)> {
        if let Some(rel) = self.relation(name) {
            return Some((rel, Direction::Forward));
        }
        self.relations
            .iter()
            .find(|r| r.inverse.as_ref().is_some_and(|inv| inv.as_str() == name))
            .map(|r| (r, Direction::Backward))
    }

    pub fn kind_names(&self) -> Vec<&str> {
        self.kinds.iter().map(|k| k.name.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
kinds:
  - product
  - name: policy
    phrases: {en: ["warranty"], zh: ["保修"]}
relations:
  - name: covered_by
    from: [product]
    to: [policy]
    inverse: covers
    phrases:
      en: ["covered by"]
attributes:
  price: {en: ["how much"]}
"#;

    #[test]
    fn parses_and_round_trips() {
        let schema = Schema::parse_yaml(GOOD, "schema.yaml").unwrap();
        assert!(schema.has_kind("policy"));
        assert_eq!(schema.resolve_rel("covers").unwrap().1, Direction::Backward);
        let yaml = schema.to_yaml();
        let again = Schema::parse_yaml(&yaml, "schema.yaml").unwrap();
        assert_eq!(schema, again);
        assert_eq!(yaml, again.to_yaml());
    }

    #[test]
    fn reports_every_problem_with_lines() {
        let bad =
            "kinds: [product, product]\nrelations:\n  - name: r\n    from: [prodcut]\n    to: []\n";
        let errors = Schema::parse_yaml(bad, "s.yaml").unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 3, "{text:#?}");
        assert!(text.iter().any(|t| t.contains("declared twice")));
        assert!(text
            .iter()
            .any(|t| t.contains("s.yaml:4") && t.contains("prodcut")));
        assert!(text.iter().any(|t| t.contains("at least one `to`")));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let errors = Schema::parse_yaml("kinds: [a]\nrelatons: []\n", "s.yaml").unwrap_err();
        assert!(errors[0].to_string().contains("relatons"), "{errors:?}");
    }
}
