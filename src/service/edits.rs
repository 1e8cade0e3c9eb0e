//! Editor writes that arrive one at a time (a node or an edge, written or deleted) or as a request
//! body (a delta file or FAQ spreadsheet). Each becomes one delta [`Batch`] and goes through
//! [`KnowledgeBase::apply`] like any import, so it is validated, applied atomically, recorded in
//! the changelog with its provenance and published before the caller hears back.

use serde_json::{Map, Value};

use crate::domain::formats::{edge_from_json, node_from_json};
use crate::domain::{
    Batch, BatchMode, Change, EdgeKey, IdError, KindName, Located, NodeId, SourceRef,
    ValidationError,
};

use super::write::{parse_body, ImportFormat, WriteOutcome};
use super::{KnowledgeBase, Quiet, Result, ServiceError};

pub use crate::store::{ChangeEntry, ChangeRecord, ChangeSummary, Provenance};

/// How validation errors name a request's body.
pub const REQUEST_BODY: &str = "request body";

impl KnowledgeBase {
    /// Creates or replaces the node `id` with the fields in `body` (a node object as in
    /// `nodes.jsonl`; its `id` may be left out). Fails with [`ServiceError::Invalid`] naming
    /// every bad field, including an `id` that differs from `id`.
    pub fn put_node(
        &self,
        id: &str,
        mut body: Map<String, Value>,
        provenance: &Provenance,
    ) -> Result<WriteOutcome> {
        let at = SourceRef::new(REQUEST_BODY, 1);
        match body.get("id") {
            None => {
                body.insert("id".into(), Value::String(id.to_owned()));
            }
            Some(Value::String(given)) if given == id => {}
            Some(other) => {
                return Err(ServiceError::Invalid(vec![at.error(
                    Some("id"),
                    format!(
                        "{other} differs from the id in the URL (`{id}`); leave it out or make them equal"
                    ),
                )]))
            }
        }
        let node = node_from_json(&body, &at).map_err(ServiceError::Invalid)?;
        self.apply_one(at, Change::UpsertNode(node), provenance, false)
    }

    /// Deletes the node `id` and every edge at it; with `dry_run`, only reports what would go.
    /// Fails with [`ServiceError::NotFound`] when there is no such node.
    pub fn delete_node(
        &self,
        id: &str,
        provenance: &Provenance,
        dry_run: bool,
    ) -> Result<WriteOutcome> {
        let snapshot = self.snapshot();
        let id = NodeId::parse(id)
            .ok()
            .filter(|id| snapshot.slot_of(id.as_str()).is_some())
            .ok_or_else(|| ServiceError::not_found(format!("node `{id}`")))?;
        self.apply_one(
            SourceRef::new(REQUEST_BODY, 1),
            Change::DeleteNode(id),
            provenance,
            dry_run,
        )
    }

    /// Creates or replaces the edge described by `body` (an edge object as in `edges.jsonl`).
    /// Fails with [`ServiceError::Invalid`] naming every bad field, an unknown relation or
    /// endpoint, or endpoint kinds the relation does not allow.
    pub fn put_edge(
        &self,
        body: Map<String, Value>,
        provenance: &Provenance,
    ) -> Result<WriteOutcome> {
        let at = SourceRef::new(REQUEST_BODY, 1);
        let edge = edge_from_json(&body, &at).map_err(ServiceError::Invalid)?;
        self.apply_one(at, Change::UpsertEdge(edge), provenance, false)
    }

    /// Deletes the edge `from -rel-> to`. Fails with [`ServiceError::Invalid`] naming each
    /// malformed part and [`ServiceError::NotFound`] when there is no such edge.
    pub fn delete_edge(
        &self,
        from: &str,
        rel: &str,
        to: &str,
        provenance: &Provenance,
    ) -> Result<WriteOutcome> {
        let at = SourceRef::new(REQUEST_BODY, 1);
        let mut errors = Vec::new();
        let from = part(&mut errors, &at, "from", NodeId::parse(from));
        let rel = part(&mut errors, &at, "rel", KindName::parse(rel));
        let to = part(&mut errors, &at, "to", NodeId::parse(to));
        let (Some(from), Some(rel), Some(to)) = (from, rel, to) else {
            return Err(ServiceError::Invalid(errors));
        };
        let key = EdgeKey { from, rel, to };
        if !self.has_edge(&key) {
            return Err(ServiceError::not_found(format!("edge {key}")));
        }
        self.apply_one(at, Change::DeleteEdge(key), provenance, false)
    }

    /// Imports a request body — JSONL delta lines or an FAQ spreadsheet — as one atomic batch.
    /// Fails with [`ServiceError::Input`] when the body is not UTF-8 and with
    /// [`ServiceError::Invalid`] listing every problem (nothing changed).
    pub fn import_body(
        &self,
        body: &[u8],
        format: ImportFormat,
        provenance: &Provenance,
        dry_run: bool,
    ) -> Result<WriteOutcome> {
        let text = std::str::from_utf8(body).map_err(|e| ServiceError::Input {
            path: REQUEST_BODY.into(),
            reason: format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ),
        })?;
        let batch = parse_body(REQUEST_BODY, text, format)?;
        self.apply(batch, provenance, dry_run, &Quiet)
    }

    fn apply_one(
        &self,
        at: SourceRef,
        change: Change,
        provenance: &Provenance,
        dry_run: bool,
    ) -> Result<WriteOutcome> {
        let batch = Batch::new(BatchMode::Delta, None, vec![Located { at, item: change }]);
        self.apply(batch, provenance, dry_run, &Quiet)
    }

    fn has_edge(&self, key: &EdgeKey) -> bool {
        self.snapshot()
            .edges_touching(&key.from)
            .iter()
            .any(|edge| edge.key() == *key)
    }
}

/// The parsed part of an edge key, or `None` with its error recorded.
fn part<T>(
    errors: &mut Vec<ValidationError>,
    at: &SourceRef,
    field: &str,
    parsed: std::result::Result<T, IdError>,
) -> Option<T> {
    parsed
        .map_err(|e| errors.push(at.error(Some(field), e.to_string())))
        .ok()
}
