//! Wire types shared by several API groups: nodes and edges as the KB source format writes them,
//! and the outcome of a write. DTOs are the API's contract: they are converted from service types
//! here, so a change inside the service does not silently change what clients receive.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::ToSchema;

use crate::domain::{AttrValue, Attrs, Edge, Node, MAX_ID_BYTES};
use crate::service::edits::ChangeSummary;
use crate::service::write::WriteOutcome;

/// A node id: `<kind>/<slug>`; the slug has no white space, control characters or
/// `" \ ? # %` (see `domain::NodeId`).
pub const NODE_ID_PATTERN: &str = r#"^[a-z][a-z0-9_]{0,63}/[^\s\x00-\x1f\x7f-\x9f"\\?#%]+$"#;
/// A kind or relation name (see `domain::KindName`).
pub const NAME_PATTERN: &str = "^[a-z][a-z0-9_]{0,63}$";

/// The schema of a node id in the OpenAPI document. utoipa's `pattern` takes only a literal,
/// so the shared patterns come in through `schema_with`.
pub fn node_id_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "A node id, `<kind>/<slug>`, at most {MAX_ID_BYTES} bytes of UTF-8"
        )))
        .pattern(Some(NODE_ID_PATTERN))
        .max_length(Some(MAX_ID_BYTES))
        .examples(["product/x200"])
        .build()
}

/// The schema of a node kind or relation name in the OpenAPI document.
pub fn name_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "A kind or relation name: lowercase letters, digits and `_`",
        ))
        .pattern(Some(NAME_PATTERN))
        .examples(["product"])
        .build()
}

/// A node as in `nodes.jsonl`. In a `PUT /v1/nodes/{id}` body, `id` may be left out.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeDto {
    #[schema(required = false, schema_with = node_id_schema)]
    pub id: String,
    #[schema(schema_with = name_schema)]
    pub kind: String,
    #[schema(example = "X200 Wi-Fi 6 Router")]
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Body or answer text.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "en", pattern = "^[a-z-]{2,16}$")]
    pub lang: Option<String>,
    /// Flat scalars: strings, numbers, booleans.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, AttrValueDto>,
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

/// An attribute's value: a flat scalar. Numbers are written exactly as stored.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum AttrValueDto {
    Text(String),
    #[schema(value_type = f64)]
    Number(serde_json::Number),
    Bool(bool),
}

/// An edge as in `edges.jsonl`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"from": "faq/factory-reset-router", "rel": "about", "to": "product/x200"}))]
pub struct EdgeDto {
    #[schema(schema_with = node_id_schema)]
    pub from: String,
    #[schema(schema_with = name_schema)]
    pub rel: String,
    #[schema(schema_with = node_id_schema)]
    pub to: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, AttrValueDto>,
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

fn attrs(attrs: Attrs) -> BTreeMap<String, AttrValueDto> {
    attrs
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                AttrValue::Bool(b) => AttrValueDto::Bool(b),
                AttrValue::Number(n) => AttrValueDto::Number(n),
                AttrValue::Text(s) => AttrValueDto::Text(s),
            };
            (key, value)
        })
        .collect()
}

/// The identity of an edge, as a `DELETE /v1/edges` body.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"from": "faq/factory-reset-router", "rel": "about", "to": "product/x200"}))]
pub struct EdgeKeyDto {
    #[schema(schema_with = node_id_schema)]
    pub from: String,
    #[schema(schema_with = name_schema)]
    pub rel: String,
    #[schema(schema_with = node_id_schema)]
    pub to: String,
}

/// Deserialises an optional whole number written as `5` or `5.0`: JSON Schema's `integer`
/// admits both, serde's integers only the first. Fails for fractions, negatives and numbers
/// that do not fit `T`.
pub fn whole_number<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<u64>,
{
    use serde::de::Error;
    let Some(number) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let whole = number.as_u64().or_else(|| {
        number
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < u64::MAX as f64)
            .map(|f| f as u64)
    });
    let whole = whole
        .ok_or_else(|| D::Error::custom(format!("{number} is not a whole number of at least 0")))?;
    T::try_from(whole)
        .map(Some)
        .map_err(|_| D::Error::custom(format!("{number} is too large")))
}

/// Deserialises an optional count or KB version that the OpenAPI document declares as an int64
/// of at least 0 (the widest integer JSON clients agree on). Fails for negatives and for numbers
/// past `i64::MAX`, which a plain `u64` would take although the document rules them out.
pub fn int64_at_least_zero<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::de::Error;
    let Some(number) = Option::<i64>::deserialize(deserializer)? else {
        return Ok(None);
    };
    T::try_from(number)
        .map(Some)
        .map_err(|_| D::Error::custom(format!("{number} is below 0")))
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
