//! The knowledge graph for traversal: derived state, built from the store's nodes and edges and
//! rebuilt with every published KB version — as a petgraph view, frozen into adjacency arrays.
//!
//! Graph node `i` is the caller's node slot `i`; relations are small integers (the caller keeps the
//! names). Every edge can be walked forward (along its direction) or backward (by its inverse
//! name). Each node's steps, in the order petgraph lists its edges, lie side by side in one array
//! (compressed sparse rows), so walking out of a hub reads one contiguous run instead of chasing
//! petgraph's linked list of edges spread over the whole graph (a walk at 100k nodes spent most
//! of its time in those cache misses). Traversals are
//! bounded in hops and in how many paths they return, so a hub node cannot make a query slow. Pure
//! computation: no IO, nothing of sled, tantivy, ONNX or HTTP.

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction as PetDirection;

pub use crate::domain::Direction;

/// Relation id (position of the relation in the schema).
pub type RelId = u16;

/// Nodes with their distance from the start, and the edges walked as (from, step).
pub type Neighborhood = (Vec<(u32, usize)>, Vec<(u32, Step)>);

/// One step of a path: the relation, which way it was walked, and the node reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub rel: RelId,
    pub direction: Direction,
    pub weight: f32,
    pub to: u32,
}

/// A walk from `start` through `steps`.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub start: u32,
    pub steps: Vec<Step>,
}

impl Path {
    pub fn end(&self) -> u32 {
        self.steps.last().map_or(self.start, |s| s.to)
    }

    pub fn hops(&self) -> usize {
        self.steps.len()
    }

    /// Every node on the path, start first.
    pub fn nodes(&self) -> impl Iterator<Item = u32> + '_ {
        std::iter::once(self.start).chain(self.steps.iter().map(|s| s.to))
    }
}

#[derive(Debug, Clone)]
pub struct KbGraph {
    /// The steps out of node `i` are `steps[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<u32>,
    /// Every edge twice: forward at its source, backward at its target.
    steps: Vec<Step>,
}

impl Default for KbGraph {
    fn default() -> Self {
        Self::build(0, [])
    }
}

impl KbGraph {
    /// Builds a graph of `node_count` nodes (slots `0..node_count`) and the given edges
    /// `(from, rel, to, weight)`. Edges naming a slot out of range are a programming error.
    ///
    /// A node's steps are its outgoing edges (forward) then its incoming ones (backward), each
    /// group as petgraph lists them (latest edge first): the order in which walks meet them, and
    /// so break ties.
    pub fn build(
        node_count: usize,
        edges: impl IntoIterator<Item = (u32, RelId, u32, f32)>,
    ) -> Self {
        Self::freeze(&Self::view(node_count, edges))
    }

    /// The graph as petgraph holds it: nodes are slots, edges carry their relation and weight.
    fn view(
        node_count: usize,
        edges: impl IntoIterator<Item = (u32, RelId, u32, f32)>,
    ) -> DiGraph<(), (RelId, f32), u32> {
        let edges = edges.into_iter();
        let mut graph = DiGraph::with_capacity(node_count, edges.size_hint().0);
        for _ in 0..node_count {
            graph.add_node(());
        }
        for (from, rel, to, weight) in edges {
            graph.add_edge(
                NodeIndex::new(from as usize),
                NodeIndex::new(to as usize),
                (rel, weight),
            );
        }
        graph
    }

    /// Copies each node's edges, as petgraph lists them, into one contiguous run of steps.
    /// Walks read these runs: following petgraph's edge lists out of a hub chased pointers across
    /// the whole edge array (59% of a walk's time at 100k nodes).
    fn freeze(graph: &DiGraph<(), (RelId, f32), u32>) -> Self {
        let mut offsets = Vec::with_capacity(graph.node_count() + 1);
        let mut steps = Vec::with_capacity(graph.edge_count() * 2);
        offsets.push(0u32);
        for node in graph.node_indices() {
            for (listed, direction) in [
                (PetDirection::Outgoing, Direction::Forward),
                (PetDirection::Incoming, Direction::Backward),
            ] {
                for edge in graph.edges_directed(node, listed) {
                    let &(rel, weight) = edge.weight();
                    let to = match direction {
                        Direction::Forward => edge.target(),
                        Direction::Backward => edge.source(),
                    };
                    steps.push(Step {
                        rel,
                        direction,
                        weight,
                        to: to.index() as u32,
                    });
                }
            }
            offsets.push(steps.len() as u32);
        }
        Self { offsets, steps }
    }

    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn edge_count(&self) -> usize {
        self.steps.len() / 2
    }

    /// Every edge at `slot`, walked away from it: forward for outgoing edges, backward for
    /// incoming ones.
    pub fn steps_from(&self, slot: u32) -> impl Iterator<Item = Step> + '_ {
        self.steps_at(slot).iter().copied()
    }

    fn steps_at(&self, slot: u32) -> &[Step] {
        let slot = slot as usize;
        if slot >= self.node_count() {
            return &[];
        }
        &self.steps[self.offsets[slot] as usize..self.offsets[slot + 1] as usize]
    }

    /// Number of edges at `slot` (both directions).
    pub fn degree(&self, slot: u32) -> usize {
        self.steps_at(slot).len()
    }

    /// All simple paths of 1..=`max_hops` steps from `start` whose every step `allow`s (given the
    /// node the step leaves and the step), at most `max_paths` of them, shorter paths first.
    pub fn paths(
        &self,
        start: u32,
        max_hops: usize,
        max_paths: usize,
        allow: &dyn Fn(u32, &Step) -> bool,
    ) -> Vec<Path> {
        let mut out = Vec::new();
        let mut frontier = vec![Path {
            start,
            steps: Vec::new(),
        }];
        for _ in 0..max_hops {
            let mut next = Vec::new();
            for path in &frontier {
                let here = path.end();
                for step in self.steps_from(here) {
                    if step.to == start || path.steps.iter().any(|s| s.to == step.to) {
                        continue;
                    }
                    if !allow(here, &step) {
                        continue;
                    }
                    let mut longer = path.clone();
                    longer.steps.push(step);
                    next.push(longer);
                    if out.len() + next.len() >= max_paths {
                        out.extend(next);
                        return out;
                    }
                }
            }
            out.extend(next.iter().cloned());
            frontier = next;
            if frontier.is_empty() {
                break;
            }
        }
        out
    }

    /// A shortest path from `from` to `to` of at most `max_hops` steps whose steps `allow`s.
    pub fn shortest_path(
        &self,
        from: u32,
        to: u32,
        max_hops: usize,
        allow: &dyn Fn(u32, &Step) -> bool,
    ) -> Option<Path> {
        if from == to {
            return Some(Path {
                start: from,
                steps: Vec::new(),
            });
        }
        let n = self.node_count();
        if from as usize >= n || to as usize >= n {
            return None;
        }
        let mut previous: Vec<Option<(u32, Step)>> = vec![None; n];
        let mut seen = vec![false; n];
        seen[from as usize] = true;
        let mut layer = vec![from];
        for _ in 0..max_hops {
            let mut next = Vec::new();
            for &here in &layer {
                for step in self.steps_from(here) {
                    if seen[step.to as usize] || !allow(here, &step) {
                        continue;
                    }
                    seen[step.to as usize] = true;
                    previous[step.to as usize] = Some((here, step));
                    if step.to == to {
                        let mut steps = Vec::new();
                        let mut at = to;
                        while let Some((back, step)) = previous[at as usize] {
                            steps.push(step);
                            at = back;
                        }
                        steps.reverse();
                        return Some(Path { start: from, steps });
                    }
                    next.push(step.to);
                }
            }
            layer = next;
        }
        None
    }

    /// Nodes within `hops` of `start` (with their distance) and the edges among them that were
    /// walked, limited to `max_nodes` nodes.
    pub fn neighborhood(
        &self,
        start: u32,
        hops: usize,
        max_nodes: usize,
        allow: &dyn Fn(u32, &Step) -> bool,
    ) -> Neighborhood {
        let n = self.node_count();
        if start as usize >= n {
            return (Vec::new(), Vec::new());
        }
        let mut distance = vec![usize::MAX; n];
        distance[start as usize] = 0;
        let mut nodes = vec![(start, 0)];
        let mut edges = Vec::new();
        let mut layer = vec![start];
        for hop in 1..=hops {
            let mut next = Vec::new();
            for &here in &layer {
                for step in self.steps_from(here) {
                    if !allow(here, &step) {
                        continue;
                    }
                    if distance[step.to as usize] == usize::MAX {
                        if nodes.len() >= max_nodes {
                            continue;
                        }
                        distance[step.to as usize] = hop;
                        nodes.push((step.to, hop));
                        next.push(step.to);
                    }
                    // Each edge once: from the endpoint reached first.
                    if distance[step.to as usize] >= distance[here as usize] {
                        edges.push((here, step));
                    }
                }
            }
            layer = next;
        }
        (nodes, edges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 0 -a-> 1 -b-> 2 -c-> 3, and 4 -a-> 1
    fn chain() -> KbGraph {
        KbGraph::build(
            5,
            [
                (0, 0, 1, 1.0),
                (1, 1, 2, 1.0),
                (2, 2, 3, 1.0),
                (4, 0, 1, 1.0),
            ],
        )
    }

    #[test]
    fn paths_follow_both_directions_up_to_max_hops() {
        let graph = chain();
        let paths = graph.paths(0, 3, 100, &|_, _| true);
        let ends: Vec<(u32, usize)> = paths.iter().map(|p| (p.end(), p.hops())).collect();
        assert!(ends.contains(&(1, 1)));
        assert!(ends.contains(&(2, 2)));
        assert!(
            ends.contains(&(4, 2)),
            "backward step over the incoming edge 4 -a-> 1"
        );
        assert!(ends.contains(&(3, 3)));
        let backward = paths.iter().find(|p| p.end() == 4).unwrap();
        assert_eq!(backward.steps[1].direction, Direction::Backward);
    }

    #[test]
    fn relation_filter_and_path_cap() {
        let graph = chain();
        let only_a = graph.paths(0, 3, 100, &|_, s| s.rel == 0);
        assert_eq!(only_a.iter().map(|p| p.end()).collect::<Vec<_>>(), [1, 4]);
        assert_eq!(graph.paths(0, 3, 2, &|_, _| true).len(), 2);
    }

    #[test]
    fn steps_are_outgoing_then_incoming_latest_first() {
        // 1 has edges out to 2 and 3 and in from 0 and 4.
        let graph = KbGraph::build(
            5,
            [
                (0, 0, 1, 1.0),
                (1, 1, 2, 0.5),
                (1, 2, 3, 1.0),
                (4, 0, 1, 1.0),
            ],
        );
        let steps: Vec<(u32, Direction, RelId, f32)> = graph
            .steps_from(1)
            .map(|s| (s.to, s.direction, s.rel, s.weight))
            .collect();
        assert_eq!(
            steps,
            [
                (3, Direction::Forward, 2, 1.0),
                (2, Direction::Forward, 1, 0.5),
                (4, Direction::Backward, 0, 1.0),
                (0, Direction::Backward, 0, 1.0),
            ]
        );
        assert_eq!(graph.degree(1), 4);
        assert_eq!(graph.degree(3), 1);
        assert_eq!(graph.steps_from(5).count(), 0, "slot out of range");
        assert_eq!((graph.node_count(), graph.edge_count()), (5, 4));
        let empty = KbGraph::default();
        assert_eq!((empty.node_count(), empty.edge_count()), (0, 0));
    }

    #[test]
    fn shortest_path_and_neighborhood() {
        let graph = chain();
        let path = graph.shortest_path(4, 3, 3, &|_, _| true).unwrap();
        assert_eq!(path.nodes().collect::<Vec<_>>(), [4, 1, 2, 3]);
        assert!(graph.shortest_path(4, 3, 2, &|_, _| true).is_none());
        let (nodes, edges) = graph.neighborhood(1, 1, 10, &|_, _| true);
        assert_eq!(nodes.len(), 4);
        assert_eq!(edges.len(), 3);
    }
}
