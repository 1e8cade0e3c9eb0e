//! One published KB version with all derived state: nodes by slot, the graph, both vector
//! indexes, a text-index searcher and the entity linker. Readers take an `Arc<Snapshot>` and see
//! exactly one KB version for as long as they hold it; a write builds the next snapshot beside it
//! and publishes it with one pointer swap.
//!
//! The entity linker is the slowest part to build on a large KB and only answering needs it, so
//! a snapshot built for a process that only writes (`answergraph import`) builds it on first use;
//! one that answers builds it up front, beside the graph and vector indexes.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use crate::domain::{Direction, Edge, EdgeKey, KbView, Node, NodeId, NodeMeta, Schema};
use crate::graph::{KbGraph, RelId};
use crate::store::NodeRecord;
use crate::text::TextSearcher;
use crate::vector::{Centroids, Quantized, VectorIndex};

use super::understand::Linker;

/// The vectors of one node, quantised: one per question form (name, aliases) and one for its
/// text.
#[derive(Debug, Clone, Default)]
pub struct NodeVectors {
    pub questions: Vec<Quantized>,
    pub text: Option<Quantized>,
}

#[derive(Debug, Clone, PartialEq)]
struct EdgeExtra {
    attrs: crate::domain::Attrs,
    weight: Option<f64>,
}

pub struct Snapshot {
    pub kb_version: u64,
    pub schema: Arc<Schema>,
    nodes: Vec<Arc<Node>>,
    metas: Vec<NodeMeta>,
    slots: FxHashMap<NodeId, u32>,
    pub graph: KbGraph,
    edge_extras: EdgeExtras,
    pub text: TextSearcher,
    /// Question-form vectors (several per node).
    pub question_vectors: VectorIndex,
    /// Text vectors (at most one per node).
    pub text_vectors: VectorIndex,
    linker: OnceLock<Linker>,
    /// Analysed terms of each node's name and aliases, sorted, computed on first use.
    name_terms: Vec<OnceLock<PackedStrs>>,
    /// Analysed terms of each node's body, sorted, computed on first use.
    text_terms: Vec<OnceLock<PackedStrs>>,
    /// Compact (normalised, spaces and hyphens removed) name and aliases of each node, computed
    /// on first use.
    compact_forms: Vec<OnceLock<PackedStrs>>,
}

/// Strings back to back in one buffer: two allocations for a node's terms instead of one per
/// term. Answers fill these in for every node they touch, over the life of the server; at 100k
/// nodes, one `String` per term took 60 MB after one pass over the benchmark's questions, and
/// the many small allocations, interleaved with an answer's short-lived ones, kept the freed
/// memory around them from going back to the system.
#[derive(Debug, Default, PartialEq)]
pub struct PackedStrs {
    text: Box<str>,
    /// Where each string ends in `text` (node texts are at most 64 KiB, names less).
    ends: Box<[u32]>,
    /// The [`signature`]s of the strings, or-ed. Kept beside the pointers, it tells whether the
    /// strings may hold a word without reading them: at 100k nodes each node's strings are a
    /// cache miss away, and the walk rules out most nodes' names this way.
    signature: u64,
}

/// Two bits out of 64 for `string` (FNV-1a): a set of strings whose or-ed signatures lack
/// either bit does not hold it.
pub fn signature(string: &str) -> u64 {
    let hash = string.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    (1 << (hash >> 58)) | (1 << ((hash >> 52) & 63))
}

impl PackedStrs {
    fn new<S: AsRef<str>>(strings: impl IntoIterator<Item = S>) -> PackedStrs {
        let mut text = String::new();
        let mut ends = Vec::new();
        let mut signed = 0;
        for string in strings {
            text.push_str(string.as_ref());
            ends.push(u32::try_from(text.len()).expect("a node's strings fit in 4 GiB"));
            signed |= signature(string.as_ref());
        }
        PackedStrs {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
            signature: signed,
        }
    }

    /// Sorted and without duplicates.
    fn sorted(strings: impl Iterator<Item = String>) -> PackedStrs {
        let mut strings: Vec<String> = strings.collect();
        strings.sort();
        strings.dedup();
        PackedStrs::new(strings)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// False when no string here has `signature` (a string's [`signature`]); true when one
    /// may.
    pub fn may_hold(&self, signature: u64) -> bool {
        self.signature & signature == signature
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, index: usize) -> &str {
        let start = index.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.text[start as usize..self.ends[index] as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|index| self.get(index))
    }

    /// Whether `string` is one of the strings, which must be sorted ([`PackedStrs::sorted`]).
    pub fn contains_sorted(&self, string: &str) -> bool {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.get(middle).cmp(string) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }
}

/// A snapshot's vectors: per node (slot order) to be indexed, or indexes loaded ready-made.
pub enum Vectors {
    PerNode {
        nodes: Vec<NodeVectors>,
        /// Inverted-list centroids of the previous snapshot (question, text) to reuse.
        centroids: (Option<Arc<Centroids>>, Option<Arc<Centroids>>),
    },
    Built {
        questions: Box<VectorIndex>,
        text: Box<VectorIndex>,
    },
}

/// Everything a snapshot is built from.
pub struct SnapshotParts {
    pub kb_version: u64,
    pub schema: Arc<Schema>,
    /// Nodes in id order.
    pub nodes: Vec<(Arc<Node>, NodeMeta)>,
    pub edges: Vec<Edge>,
    pub vectors: Vectors,
    pub dim: usize,
    pub text: TextSearcher,
    pub linker: LinkerPlan,
}

/// When a snapshot's entity linker is built.
pub enum LinkerPlan {
    /// On a second thread while the graph and vector indexes are assembled.
    UpFront,
    /// Already being built from the same nodes, in the same order ([`start_linker`]).
    Started(std::thread::JoinHandle<Linker>),
    /// On first use (a KB opened only to write may never need it).
    OnFirstUse,
}

/// Starts building the entity linker of `nodes` (in snapshot slot order) on a thread of its
/// own, so that start-up can read the vectors and load the model meanwhile.
pub fn start_linker(nodes: &[Arc<Node>], schema: &Arc<Schema>) -> std::io::Result<LinkerPlan> {
    let (nodes, schema) = (nodes.to_vec(), Arc::clone(schema));
    std::thread::Builder::new()
        .name("build-linker".into())
        .spawn(move || build_linker(&nodes, &schema))
        .map(LinkerPlan::Started)
}

impl Snapshot {
    /// Builds every derived structure; the entity linker (the slowest part on large KBs) as
    /// `linker` plans.
    pub fn build(parts: SnapshotParts) -> Snapshot {
        let SnapshotParts {
            kb_version,
            schema,
            nodes,
            edges,
            vectors,
            dim,
            text,
            linker,
        } = parts;
        let (nodes, metas): (Vec<Arc<Node>>, Vec<NodeMeta>) = nodes.into_iter().unzip();
        let (linker, (slots, graph, edge_extras, question_vectors, text_vectors)) =
            std::thread::scope(|scope| {
                let building = matches!(linker, LinkerPlan::UpFront)
                    .then(|| scope.spawn(|| build_linker(&nodes, &schema)));
                let slots: FxHashMap<NodeId, u32> = nodes
                    .iter()
                    .enumerate()
                    .map(|(slot, node)| (node.id.clone(), slot as u32))
                    .collect();
                let indexing = scope.spawn(move || build_vectors(vectors, dim));
                let (graph, edge_extras) = build_graph(&schema, &slots, nodes.len(), &edges);
                let (questions, text) = indexing
                    .join()
                    .expect("building the indexes does not panic");
                tracing::debug!(
                    question_rows = questions.len(),
                    question_lists = questions.centroids().map_or(0, |c| c.len()),
                    text_rows = text.len(),
                    text_lists = text.centroids().map_or(0, |c| c.len()),
                    "vector indexes"
                );
                let built = match (building, linker) {
                    (Some(build), _) => Some(build.join()),
                    (None, LinkerPlan::Started(build)) => Some(build.join()),
                    (None, _) => None,
                };
                let linker = built
                    .map(|built| built.expect("the linker build does not panic"))
                    .map_or_else(OnceLock::new, OnceLock::from);
                (linker, (slots, graph, edge_extras, questions, text))
            });
        let name_terms = (0..nodes.len()).map(|_| OnceLock::new()).collect();
        let text_terms = (0..nodes.len()).map(|_| OnceLock::new()).collect();
        let compact_forms = (0..nodes.len()).map(|_| OnceLock::new()).collect();
        Snapshot {
            kb_version,
            schema,
            nodes,
            metas,
            slots,
            graph,
            edge_extras,
            text,
            question_vectors,
            text_vectors,
            linker,
            name_terms,
            text_terms,
            compact_forms,
        }
    }

    /// The entity linker of this KB version, built now if it was not built with the snapshot.
    pub fn linker(&self) -> &Linker {
        self.linker
            .get_or_init(|| build_linker(&self.nodes, &self.schema))
    }

    /// The node's name and aliases in compact form ([`compact_str`]).
    ///
    /// [`compact_str`]: super::understand::compact_str
    pub fn compact_forms(&self, slot: u32) -> &PackedStrs {
        self.compact_forms[slot as usize].get_or_init(|| {
            PackedStrs::new(
                self.nodes[slot as usize]
                    .question_forms()
                    .map(super::understand::compact_str),
            )
        })
    }

    /// The analysed terms of the node's name and aliases (as the text index sees them), sorted.
    pub fn name_terms(&self, slot: u32) -> &PackedStrs {
        self.name_terms[slot as usize].get_or_init(|| {
            let node = &self.nodes[slot as usize];
            PackedStrs::sorted(
                node.question_forms()
                    .flat_map(|form| self.text.word_terms(form)),
            )
        })
    }

    /// The analysed terms of the node's body, sorted.
    pub fn text_terms(&self, slot: u32) -> &PackedStrs {
        self.text_terms[slot as usize].get_or_init(|| {
            PackedStrs::sorted(
                self.text
                    .word_terms(&self.nodes[slot as usize].text)
                    .into_iter(),
            )
        })
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn node_at(&self, slot: u32) -> &Arc<Node> {
        &self.nodes[slot as usize]
    }

    pub fn meta_at(&self, slot: u32) -> &NodeMeta {
        &self.metas[slot as usize]
    }

    pub fn slot_of(&self, id: &str) -> Option<u32> {
        NodeId::parse(id)
            .ok()
            .and_then(|id| self.slots.get(&id).copied())
    }

    pub fn nodes(&self) -> impl Iterator<Item = &Arc<Node>> {
        self.nodes.iter()
    }

    pub fn rel_name(&self, rel: RelId) -> &str {
        self.schema.relations[rel as usize].name.as_str()
    }

    /// The name a step reads as: the relation when walked forward, its inverse name backward
    /// (the relation name again when no inverse is declared).
    pub fn step_name(&self, rel: RelId, direction: Direction) -> &str {
        let def = &self.schema.relations[rel as usize];
        match direction {
            Direction::Forward => def.name.as_str(),
            Direction::Backward => def.inverse.as_ref().unwrap_or(&def.name).as_str(),
        }
    }

    /// The stored vectors of the node in `slot`.
    pub fn vectors_of(&self, slot: u32) -> NodeVectors {
        NodeVectors {
            questions: self.question_vectors.owner_vectors(slot).collect(),
            text: self.text_vectors.owner_vectors(slot).next(),
        }
    }

    pub(super) fn edge_at(&self, from: u32, rel: RelId, to: u32) -> Edge {
        let extra = self.edge_extras.get(&(from, rel, to));
        Edge {
            from: self.nodes[from as usize].id.clone(),
            rel: self.schema.relations[rel as usize].name.clone(),
            to: self.nodes[to as usize].id.clone(),
            attrs: extra.map(|e| e.attrs.clone()).unwrap_or_default(),
            weight: extra.and_then(|e| e.weight),
        }
    }

    /// Every edge, in no particular order (cheaper than [`Snapshot::edges`] where order does
    /// not matter: sorting 270k edges by their ids takes a noticeable part of a re-import).
    pub fn edges_unordered(&self) -> impl Iterator<Item = Edge> + '_ {
        (0..self.nodes.len() as u32)
            .flat_map(|slot| {
                self.graph
                    .steps_from(slot)
                    .filter(|s| s.direction == Direction::Forward)
                    .map(move |s| (slot, s.rel, s.to))
            })
            .map(|(from, rel, to)| self.edge_at(from, rel, to))
    }

    /// Every edge, in (from, rel, to) order.
    pub fn edges(&self) -> Vec<Edge> {
        let mut edges: Vec<Edge> = self.edges_unordered().collect();
        edges.sort_by(|a, b| {
            (&a.from, a.rel.as_str(), &a.to).cmp(&(&b.from, b.rel.as_str(), &b.to))
        });
        edges
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Node records (node + metadata) in id order.
    pub fn records(&self) -> impl Iterator<Item = NodeRecord> + '_ {
        self.nodes
            .iter()
            .zip(&self.metas)
            .map(|(node, meta)| NodeRecord {
                node: (**node).clone(),
                meta: meta.clone(),
            })
    }
}

fn build_linker(nodes: &[Arc<Node>], schema: &Schema) -> Linker {
    let started = std::time::Instant::now();
    let linker = Linker::build(nodes, schema);
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        "entity linker built"
    );
    linker
}

type EdgeExtras = FxHashMap<(u32, RelId, u32), EdgeExtra>;

fn build_graph(
    schema: &Schema,
    slots: &FxHashMap<NodeId, u32>,
    node_count: usize,
    edges: &[Edge],
) -> (KbGraph, EdgeExtras) {
    let rel_ids: HashMap<&str, RelId> = schema
        .relations
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.as_str(), i as RelId))
        .collect();
    let mut edge_extras = FxHashMap::default();
    let mut graph_edges = Vec::with_capacity(edges.len());
    for edge in edges {
        // Validation guarantees endpoints and relations exist; skip rather than panic if a
        // corrupt store says otherwise.
        let (Some(&from), Some(&to), Some(&rel)) = (
            slots.get(&edge.from),
            slots.get(&edge.to),
            rel_ids.get(edge.rel.as_str()),
        ) else {
            tracing::warn!(edge = %edge.key(), "edge skipped: endpoint or relation unknown");
            continue;
        };
        graph_edges.push((from, rel, to, edge.weight.unwrap_or(1.0) as f32));
        if !edge.attrs.is_empty() || edge.weight.is_some() {
            edge_extras.insert(
                (from, rel, to),
                EdgeExtra {
                    attrs: edge.attrs.clone(),
                    weight: edge.weight,
                },
            );
        }
    }
    (KbGraph::build(node_count, graph_edges), edge_extras)
}

fn build_vectors(vectors: Vectors, dim: usize) -> (VectorIndex, VectorIndex) {
    match vectors {
        Vectors::Built { questions, text } => (*questions, *text),
        Vectors::PerNode {
            nodes: per_node,
            centroids,
        } => {
            let mut questions = VectorIndex::new(dim);
            let mut text = VectorIndex::new(dim);
            for (slot, node_vectors) in per_node.into_iter().enumerate() {
                questions.push_quantized(slot as u32, node_vectors.questions);
                text.push_quantized(slot as u32, node_vectors.text);
            }
            // The two indexes are finished side by side (each files its rows on every core).
            std::thread::scope(|scope| {
                let text = scope.spawn(move || text.finish(centroids.1));
                let questions = questions.finish(centroids.0);
                (
                    questions,
                    text.join().expect("finishing an index does not panic"),
                )
            })
        }
    }
}

/// Batch validation reads the KB through the current snapshot. `node`/`edge` hand out borrowed
/// values, so edges are materialised into a small per-call cache.
pub struct SnapshotView<'a> {
    snapshot: &'a Snapshot,
    edges: HashMap<EdgeKey, Edge>,
}

impl<'a> SnapshotView<'a> {
    /// A view that can answer `edge()` for every edge touching the nodes in `touched` and every
    /// edge named in `keys` (what a batch can ask about), or all edges when `all`.
    pub fn new(snapshot: &'a Snapshot, touched: &[NodeId], keys: &[EdgeKey], all: bool) -> Self {
        let mut edges = HashMap::new();
        if all {
            for edge in snapshot.edges_unordered() {
                edges.insert(edge.key(), edge);
            }
        } else {
            for id in touched {
                for edge in snapshot.edges_touching(id) {
                    edges.insert(edge.key(), edge);
                }
            }
            for key in keys {
                for edge in snapshot.edges_touching(&key.from) {
                    edges.insert(edge.key(), edge);
                }
            }
        }
        Self { snapshot, edges }
    }
}

impl Snapshot {
    pub(super) fn edges_touching(&self, id: &NodeId) -> Vec<Edge> {
        let Some(&slot) = self.slots.get(id) else {
            return Vec::new();
        };
        self.graph
            .steps_from(slot)
            .map(|s| match s.direction {
                Direction::Forward => self.edge_at(slot, s.rel, s.to),
                Direction::Backward => self.edge_at(s.to, s.rel, slot),
            })
            .collect()
    }
}

impl KbView for SnapshotView<'_> {
    fn node(&self, id: &NodeId) -> Option<&Node> {
        self.snapshot
            .slots
            .get(id)
            .map(|&slot| self.snapshot.nodes[slot as usize].as_ref())
    }

    fn edge(&self, key: &EdgeKey) -> Option<&Edge> {
        self.edges.get(key)
    }

    fn edges_of(&self, id: &NodeId) -> Vec<EdgeKey> {
        self.snapshot
            .edges_touching(id)
            .iter()
            .map(Edge::key)
            .collect()
    }

    fn node_ids(&self) -> Vec<NodeId> {
        self.snapshot.nodes.iter().map(|n| n.id.clone()).collect()
    }

    fn edge_keys(&self) -> Vec<EdgeKey> {
        self.edges.keys().cloned().collect()
    }

    fn node_count(&self) -> usize {
        self.snapshot.nodes.len()
    }

    fn edge_count(&self) -> usize {
        self.edges.len()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{signature, PackedStrs};

    #[test]
    fn packed_strings_read_back_as_given() {
        let strings = ["wi-fi", "", "路由器", "x"];
        let packed = PackedStrs::new(strings);
        assert_eq!(packed.len(), 4);
        assert_eq!(packed.iter().collect::<Vec<_>>(), strings);
        assert!(PackedStrs::new(Vec::<String>::new()).is_empty());
    }

    #[test]
    fn sorted_packed_strings_find_exactly_their_members() {
        let words = ["router", "reset", "mesh", "router", "a", "mesh-x", "路由"];
        let packed = PackedStrs::sorted(words.iter().map(|w| w.to_string()));
        assert_eq!(
            packed.iter().collect::<Vec<_>>(),
            ["a", "mesh", "mesh-x", "reset", "router", "路由"]
        );
        for word in words {
            assert!(packed.contains_sorted(word), "{word}");
        }
        for absent in ["", "b", "mes", "routers", "zz", "路"] {
            assert!(!packed.contains_sorted(absent), "{absent}");
        }
    }

    #[test]
    fn signatures_pass_over_most_sets_that_lack_a_word() {
        // Ten-word sets, as a node's name terms: a word none of them is should be told absent
        // by the signatures alone most of the time (two bits of 64 each).
        let sets: Vec<PackedStrs> = (0..200)
            .map(|n| PackedStrs::sorted((0..10).map(|w| format!("term{n}x{w}"))))
            .collect();
        let passed_over = sets
            .iter()
            .filter(|set| !set.may_hold(signature("warranty")))
            .count();
        assert!(passed_over > 140, "only {passed_over} of 200 passed over");
        assert!(!PackedStrs::new(Vec::<String>::new()).may_hold(signature("")));
    }

    proptest! {
        #[test]
        fn a_set_may_hold_every_word_it_holds(
            words in proptest::collection::vec("[a-z路由器0-9-]{0,12}", 0..24),
            other in "[a-z路由器0-9-]{0,12}",
        ) {
            let packed = PackedStrs::sorted(words.iter().cloned());
            for word in &words {
                prop_assert!(packed.may_hold(signature(word)), "{word}");
            }
            // Never a false "absent": a word the signatures rule out is not there.
            if !packed.may_hold(signature(&other)) {
                prop_assert!(!packed.contains_sorted(&other));
            }
        }
    }
}
