//! The knowledge-graph model: nodes, edges, the per-KB schema, identifiers, the source formats and
//! the validation and planning of write batches.
//!
//! This module is pure: it does no IO, holds no state and knows nothing of sled, tantivy, ONNX,
//! petgraph or HTTP. Everything else depends on it; it depends on nothing in the crate.

pub mod batch;
pub mod formats;
pub mod ids;
pub mod model;
pub mod schema;
pub mod validate;

pub use batch::{plan_batch, Batch, BatchMode, Change, KbView, Plan};
pub use ids::{IdError, KindName, Lang, NodeId, RelName, MAX_ID_BYTES};
pub use model::{AttrValue, Attrs, Edge, EdgeKey, Node, NodeMeta};
pub use schema::{Direction, KindDef, Phrases, RelationDef, Schema};
pub use validate::{Located, SourceRef, ValidationError};
