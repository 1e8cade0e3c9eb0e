//! Whether an opened knowledge base can serve: the store answers, and the published snapshot's
//! text index, vectors and model agree with its nodes. Cheap enough for a readiness probe.

use super::KnowledgeBase;

#[derive(Debug, Clone)]
pub struct Readiness {
    /// True when every part below is.
    pub ready: bool,
    /// The store can be read.
    pub store: bool,
    /// The text index holds one document per node.
    pub text_index: bool,
    /// Every node has its vectors, of the model's dimension.
    pub vectors: bool,
    /// The embedding model is loaded.
    pub model: bool,
    pub kb_version: u64,
    pub nodes: usize,
    pub edges: usize,
}

impl KnowledgeBase {
    /// Checks the parts a request needs; never fails (a failing part reads `false`).
    pub fn readiness(&self) -> Readiness {
        let snapshot = self.snapshot();
        let nodes = snapshot.node_count();
        let store = self.store.kb_version().is_ok();
        let text_index = snapshot.text.num_docs() == nodes as u64;
        let model = self.embedder.dim() > 0;
        // Every node has at least a name, so at least one question-form vector.
        let vectors = snapshot.question_vectors.dim() == self.embedder.dim()
            && snapshot.question_vectors.len() >= nodes;
        Readiness {
            ready: store && text_index && vectors && model,
            store,
            text_index,
            vectors,
            model,
            kb_version: snapshot.kb_version,
            nodes,
            edges: snapshot.edge_count(),
        }
    }
}
