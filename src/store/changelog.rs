//! The changelog: one record per applied batch, keyed by the KB version it produced. It says who
//! changed what, when and from where, with before/after values for each changed item.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Provenance;
use crate::domain::Plan;

/// Per-item detail is kept for at most this many changes of one batch; the summary counts all.
pub const MAX_ENTRIES: usize = 1000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSummary {
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

impl ChangeSummary {
    pub fn of(plan: &Plan) -> Self {
        Self {
            nodes_added: plan.nodes_added.len(),
            nodes_updated: plan.nodes_updated.len(),
            nodes_deleted: plan.nodes_deleted.len(),
            nodes_unchanged: plan.nodes_unchanged,
            edges_added: plan.edges_added.len(),
            edges_updated: plan.edges_updated.len(),
            edges_deleted: plan.edges_deleted.len(),
            edges_unchanged: plan.edges_unchanged,
            schema_changed: plan.schema.is_some(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeEntry {
    /// `add_node`, `update_node`, `delete_node`, `add_edge`, `update_edge`, `delete_edge`.
    pub op: String,
    /// Node id, or `from -rel-> to` for edges.
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// The KB version this batch produced; also the record's sequence number.
    pub kb_version: u64,
    pub time: String,
    pub actor: String,
    pub source: String,
    pub summary: ChangeSummary,
    pub changes: Vec<ChangeEntry>,
    /// True when `changes` was cut at [`MAX_ENTRIES`].
    #[serde(default)]
    pub truncated: bool,
}

impl ChangeRecord {
    pub fn from_plan(kb_version: u64, time: String, provenance: &Provenance, plan: &Plan) -> Self {
        let json = |v: &dyn erased::ToJson| Some(v.to_json());
        // Entries are built lazily and only up to the cap: a 100k-node import must not turn every
        // node into JSON values just to throw them away.
        let nodes = plan
            .nodes_added
            .iter()
            .map(|n| entry("add_node", n.id.to_string(), None, json(n)))
            .chain(plan.nodes_updated.iter().map(|(before, after)| {
                entry(
                    "update_node",
                    after.id.to_string(),
                    json(before),
                    json(after),
                )
            }))
            .chain(
                plan.nodes_deleted
                    .iter()
                    .map(|n| entry("delete_node", n.id.to_string(), json(n), None)),
            );
        let edges = plan
            .edges_added
            .iter()
            .map(|e| entry("add_edge", e.key().to_string(), None, json(e)))
            .chain(plan.edges_updated.iter().map(|(before, after)| {
                entry(
                    "update_edge",
                    after.key().to_string(),
                    json(before),
                    json(after),
                )
            }))
            .chain(
                plan.edges_deleted
                    .iter()
                    .map(|e| entry("delete_edge", e.key().to_string(), json(e), None)),
            );
        let total = plan.nodes_added.len()
            + plan.nodes_updated.len()
            + plan.nodes_deleted.len()
            + plan.edges_added.len()
            + plan.edges_updated.len()
            + plan.edges_deleted.len();
        let changes: Vec<ChangeEntry> = nodes.chain(edges).take(MAX_ENTRIES).collect();
        let truncated = total > MAX_ENTRIES;
        Self {
            kb_version,
            time,
            actor: provenance.actor.clone(),
            source: provenance.source.clone(),
            summary: ChangeSummary::of(plan),
            changes,
            truncated,
        }
    }
}

fn entry(op: &str, target: String, before: Option<Value>, after: Option<Value>) -> ChangeEntry {
    ChangeEntry {
        op: op.to_owned(),
        target,
        before,
        after,
    }
}

mod erased {
    /// Lets `from_plan` turn nodes and edges into JSON through one closure.
    pub trait ToJson {
        fn to_json(&self) -> serde_json::Value;
    }

    impl<T: serde::Serialize> ToJson for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).expect("nodes and edges always serialise")
        }
    }
}
