//! Wire types shared by several API groups: nodes and edges as the KB source format writes them,
//! and the outcome of a write. DTOs are the API's contract: they are converted from service types
//! here, so a change inside the service does not silently change what clients receive.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::domain::{AttrValue, Attrs, Edge, Node};
use crate::service::edits::ChangeSummary;
use crate::service::write::WriteOutcome;

/// A node as in `nodes.jsonl`. In a `PUT /v1/nodes/{id}` body, `id` may be left out.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeDto {
    #[schema(example = "product/x200")]
    pub id: String,
    #[schema(example = "product")]
    pub kind: String,
    #[schema(example = "X200 Wi-Fi 6 Router")]
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Body or answer text.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "en")]
    pub lang: Option<String>,
    /// Flat scalars: strings, numbers, booleans.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl From<Node> for NodeDto {
    fn from(node: Node) -> Self {
        Self {
            id: node.id.to_string(),
            kind: node.kind.to_string(),
            name: node.name,
            aliases: node.aliases,
            text: node.text,
            lang: node.lang.map(|l| l.to_string()),
            attrs: attrs(node.attrs),
            tags: node.tags,
        }
    }
}

/// An edge as in `edges.jsonl`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EdgeDto {
    #[schema(example = "faq/factory-reset-router")]
    pub from: String,
    #[schema(example = "about")]
    pub rel: String,
    #[schema(example = "product/x200")]
    pub to: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
}

impl From<Edge> for EdgeDto {
    fn from(edge: Edge) -> Self {
        Self {
            from: edge.from.to_string(),
            rel: edge.rel.to_string(),
            to: edge.to.to_string(),
            attrs: attrs(edge.attrs),
            weight: edge.weight,
        }
    }
}

fn attrs(attrs: Attrs) -> BTreeMap<String, Value> {
    attrs
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                AttrValue::Bool(b) => Value::Bool(b),
                AttrValue::Number(n) => Value::Number(n),
                AttrValue::Text(s) => Value::String(s),
            };
            (key, value)
        })
        .collect()
}

/// The identity of an edge, as a `DELETE /v1/edges` body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EdgeKeyDto {
    pub from: String,
    pub rel: String,
    pub to: String,
}

/// What a write did.
#[derive(Debug, Serialize, ToSchema)]
pub struct WriteOutcomeDto {
    /// The KB version after the write (unchanged for a dry run or a write that changed nothing).
    pub kb_version: u64,
    pub changed: bool,
    pub dry_run: bool,
    pub summary: ChangeSummaryDto,
    /// Texts the model embedded for this write (cache misses).
    pub embedded: usize,
    pub took_ms: f64,
}

impl From<WriteOutcome> for WriteOutcomeDto {
    fn from(outcome: WriteOutcome) -> Self {
        Self {
            kb_version: outcome.kb_version,
            changed: outcome.changed,
            dry_run: outcome.dry_run,
            summary: outcome.summary.into(),
            embedded: outcome.embedded,
            took_ms: outcome.took_ms,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeSummaryDto {
    pub nodes_added: usize,
    pub nodes_updated: usize,
    pub nodes_deleted: usize,
    pub nodes_unchanged: usize,
    pub edges_added: usize,
    pub edges_updated: usize,
    pub edges_deleted: usize,
    pub edges_unchanged: usize,
    pub schema_changed: bool,
}

impl From<ChangeSummary> for ChangeSummaryDto {
    fn from(s: ChangeSummary) -> Self {
        Self {
            nodes_added: s.nodes_added,
            nodes_updated: s.nodes_updated,
            nodes_deleted: s.nodes_deleted,
            nodes_unchanged: s.nodes_unchanged,
            edges_added: s.edges_added,
            edges_updated: s.edges_updated,
            edges_deleted: s.edges_deleted,
            edges_unchanged: s.edges_unchanged,
            schema_changed: s.schema_changed,
        }
    }
}
