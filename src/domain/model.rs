//! Nodes and edges of the knowledge graph, as editors write them and as the store keeps them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ids::{KindName, Lang, NodeId, RelName};

/// A flat attribute value: string, number or boolean. Integers keep their exact value; floats are
/// parsed exactly (serde_json's `float_roundtrip`) and written in their shortest form, so an export
/// imports back to the same values and exports again byte for byte.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttrValue {
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
}

impl AttrValue {
    /// The value as a customer would read it (`129`, `true`, `LM-X200`).
    pub fn display(&self) -> String {
        match self {
            AttrValue::Bool(b) => b.to_string(),
            AttrValue::Number(n) => n.to_string(),
            AttrValue::Text(s) => s.clone(),
        }
    }
}

pub type Attrs = BTreeMap<String, AttrValue>;

/// One entity of the knowledge base: a product, an FAQ (name = question, text = answer), a policy…
///
/// Field order here is the export order; empty optional fields are not written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: NodeId,
    pub kind: KindName,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: Attrs,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl Node {
    /// The texts a customer's question may paraphrase: the name and every alias.
    pub fn question_forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// The identity of an edge: at most one edge per (from, rel, to).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EdgeKey {
    pub from: NodeId,
    pub rel: RelName,
    pub to: NodeId,
}

impl std::fmt::Display for EdgeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} -{}-> {}", self.from, self.rel, self.to)
    }
}

/// A directed, typed edge with optional attributes and weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub from: NodeId,
    pub rel: RelName,
    pub to: NodeId,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: Attrs,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
}

impl Edge {
    pub fn key(&self) -> EdgeKey {
        EdgeKey {
            from: self.from.clone(),
            rel: self.rel.clone(),
            to: self.to.clone(),
        }
    }
}

/// What the store adds to a node: the KB version that last changed it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeMeta {
    pub version: u64,
    pub updated_at: String,
}
