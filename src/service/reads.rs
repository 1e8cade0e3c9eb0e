//! Reads of the graph itself: one node with its edges, a node's neighbourhood, a shortest path
//! between two nodes, and the whole KB as data. Each read loads the current snapshot once, so it
//! sees exactly one KB version even while a write is being published.

use crate::domain::{Direction, Edge, Node, NodeMeta};
use crate::graph::{RelId, Step};

use super::{KnowledgeBase, Result, ServiceError, Snapshot};

/// Most hops a neighbourhood may span.
pub const MAX_NEIGHBOR_HOPS: usize = 4;
/// Most hops a path query may search.
pub const MAX_PATH_HOPS: usize = 6;
/// Most nodes one neighbourhood returns.
pub const MAX_NEIGHBOR_NODES: usize = 1000;

/// A node as stored, with every edge that starts or ends at it.
#[derive(Debug, Clone)]
pub struct NodeDetail {
    pub kb_version: u64,
    pub node: Node,
    pub meta: NodeMeta,
    /// Outgoing and incoming edges, in (from, rel, to) order.
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone)]
pub struct NeighborhoodRequest {
    pub id: String,
    pub hops: usize,
    /// Only walk these relations (either direction); empty: all.
    pub rels: Vec<String>,
    /// Most nodes returned (the centre included).
    pub limit: usize,
}

#[derive(Debug, Clone)]
pub struct Neighbor {
    pub id: String,
    pub kind: String,
    pub name: String,
    /// Hops from the centre (0 for the centre itself).
    pub distance: usize,
}

#[derive(Debug, Clone)]
pub struct Neighborhood {
    pub kb_version: u64,
    pub center: String,
    pub hops: usize,
    /// Nearest first.
    pub nodes: Vec<Neighbor>,
    /// The edges walked among `nodes`, in (from, rel, to) order.
    pub edges: Vec<Edge>,
    /// True when `limit` cut the neighbourhood short.
    pub truncated: bool,
}

#[derive(Debug, Clone)]
pub struct PathRequest {
    pub from: String,
    pub to: String,
    pub max_hops: usize,
    /// Only walk these relations (either direction); empty: all.
    pub rels: Vec<String>,
}

/// One step of a path as a reader sees it.
#[derive(Debug, Clone)]
pub struct PathStep {
    pub from: String,
    /// The relation of the stored edge.
    pub rel: String,
    pub direction: Direction,
    /// The relation as walked: its name forward, its inverse name backward.
    pub label: String,
    pub to: String,
}

#[derive(Debug, Clone)]
pub struct PathFound {
    pub hops: usize,
    /// Node ids from start to end.
    pub nodes: Vec<String>,
    pub steps: Vec<PathStep>,
}

#[derive(Debug, Clone)]
pub struct PathResult {
    pub kb_version: u64,
    pub from: String,
    pub to: String,
    pub max_hops: usize,
    /// A shortest path, or `None` when the nodes are further apart than `max_hops`.
    pub path: Option<PathFound>,
}

/// The whole KB in its source form, from one KB version.
#[derive(Debug, Clone)]
pub struct KbExport {
    pub kb_version: u64,
    /// `schema.yaml` as text.
    pub schema_yaml: String,
    /// Nodes in id order.
    pub nodes: Vec<Node>,
    /// Edges in (from, rel, to) order.
    pub edges: Vec<Edge>,
}

impl KnowledgeBase {
    /// The node `id` with its metadata and edges. Fails with [`ServiceError::NotFound`] when the
    /// KB has no such node (an id that is not well formed cannot exist either).
    pub fn node(&self, id: &str) -> Result<NodeDetail> {
        let snapshot = self.snapshot();
        let slot = slot_of(&snapshot, id)?;
        let node = snapshot.node_at(slot);
        let mut edges = snapshot.edges_touching(&node.id);
        sort_edges(&mut edges);
        Ok(NodeDetail {
            kb_version: snapshot.kb_version,
            node: (**node).clone(),
            meta: snapshot.meta_at(slot).clone(),
            edges,
        })
    }

    /// The nodes within `hops` of a node, walking edges both ways. Fails with
    /// [`ServiceError::NotFound`] for an unknown node and [`ServiceError::BadRequest`] for hops
    /// outside 1..=[`MAX_NEIGHBOR_HOPS`], a limit outside 1..=[`MAX_NEIGHBOR_NODES`] or an
    /// unknown relation.
    pub fn neighborhood(&self, request: &NeighborhoodRequest) -> Result<Neighborhood> {
        check_range("hops", request.hops, MAX_NEIGHBOR_HOPS)?;
        check_range("limit", request.limit, MAX_NEIGHBOR_NODES)?;
        let snapshot = self.snapshot();
        let rels = rel_ids(&snapshot, &request.rels)?;
        let start = slot_of(&snapshot, &request.id)?;
        let allow = |_: u32, step: &Step| rels.is_empty() || rels.contains(&step.rel);
        // Ask for one node more than the limit to learn whether it cut anything.
        let (mut reached, walked) =
            snapshot
                .graph
                .neighborhood(start, request.hops, request.limit + 1, &allow);
        let truncated = reached.len() > request.limit;
        reached.truncate(request.limit);
        let kept: std::collections::HashSet<u32> = reached.iter().map(|(slot, _)| *slot).collect();
        let mut edges: Vec<Edge> = walked
            .into_iter()
            .filter(|(here, step)| kept.contains(here) && kept.contains(&step.to))
            .map(|(here, step)| match step.direction {
                Direction::Forward => snapshot.edge_at(here, step.rel, step.to),
                Direction::Backward => snapshot.edge_at(step.to, step.rel, here),
            })
            .collect();
        sort_edges(&mut edges);
        edges.dedup_by(|a, b| a.key() == b.key());
        let nodes = reached
            .into_iter()
            .map(|(slot, distance)| {
                let node = snapshot.node_at(slot);
                Neighbor {
                    id: node.id.to_string(),
                    kind: node.kind.to_string(),
                    name: node.name.clone(),
                    distance,
                }
            })
            .collect();
        Ok(Neighborhood {
            kb_version: snapshot.kb_version,
            center: snapshot.node_at(start).id.to_string(),
            hops: request.hops,
            nodes,
            edges,
            truncated,
        })
    }

    /// A shortest path of at most `max_hops` steps between two nodes, walking edges both ways.
    /// Finding none is not an error (`path: None`). Fails with [`ServiceError::NotFound`] for an
    /// unknown endpoint and [`ServiceError::BadRequest`] for `max_hops` outside
    /// 1..=[`MAX_PATH_HOPS`] or an unknown relation.
    pub fn path(&self, request: &PathRequest) -> Result<PathResult> {
        check_range("max_hops", request.max_hops, MAX_PATH_HOPS)?;
        let snapshot = self.snapshot();
        let rels = rel_ids(&snapshot, &request.rels)?;
        let from = slot_of(&snapshot, &request.from)?;
        let to = slot_of(&snapshot, &request.to)?;
        let allow = |_: u32, step: &Step| rels.is_empty() || rels.contains(&step.rel);
        let path = snapshot
            .graph
            .shortest_path(from, to, request.max_hops, &allow)
            .map(|path| {
                let id = |slot: u32| snapshot.node_at(slot).id.to_string();
                let mut here = path.start;
                let steps = path
                    .steps
                    .iter()
                    .map(|step| {
                        let walked = PathStep {
                            from: id(here),
                            rel: snapshot.rel_name(step.rel).to_owned(),
                            direction: step.direction,
                            label: snapshot.step_name(step.rel, step.direction).to_owned(),
                            to: id(step.to),
                        };
                        here = step.to;
                        walked
                    })
                    .collect();
                PathFound {
                    hops: path.hops(),
                    nodes: path.nodes().map(id).collect(),
                    steps,
                }
            });
        Ok(PathResult {
            kb_version: snapshot.kb_version,
            from: snapshot.node_at(from).id.to_string(),
            to: snapshot.node_at(to).id.to_string(),
            max_hops: request.max_hops,
            path,
        })
    }

    /// The whole current KB (schema, nodes, edges) as data, from one KB version; the same content
    /// `answergraph export` writes to files.
    pub fn export_snapshot(&self) -> KbExport {
        let snapshot = self.snapshot();
        KbExport {
            kb_version: snapshot.kb_version,
            schema_yaml: snapshot.schema.to_yaml(),
            nodes: snapshot.nodes().map(|node| (**node).clone()).collect(),
            edges: snapshot.edges(),
        }
    }
}

fn slot_of(snapshot: &Snapshot, id: &str) -> Result<u32> {
    snapshot
        .slot_of(id)
        .ok_or_else(|| ServiceError::not_found(format!("node `{id}`")))
}

fn check_range(field: &str, value: usize, max: usize) -> Result<()> {
    if value == 0 || value > max {
        return Err(ServiceError::bad_request(
            field,
            format!("must be between 1 and {max}"),
        ));
    }
    Ok(())
}

/// The relation ids named in `names`, or a [`ServiceError::BadRequest`] listing the declared ones.
fn rel_ids(snapshot: &Snapshot, names: &[String]) -> Result<Vec<RelId>> {
    let relations = &snapshot.schema.relations;
    names
        .iter()
        .map(|name| {
            relations
                .iter()
                .position(|r| r.name.as_str() == name)
                .map(|index| index as RelId)
                .ok_or_else(|| {
                    let declared: Vec<&str> = relations.iter().map(|r| r.name.as_str()).collect();
                    ServiceError::bad_request(
                        "rel",
                        format!(
                            "unknown relation `{name}`; the schema declares: {}",
                            declared.join(", ")
                        ),
                    )
                })
        })
        .collect()
}

fn sort_edges(edges: &mut [Edge]) {
    edges.sort_by(|a, b| (&a.from, a.rel.as_str(), &a.to).cmp(&(&b.from, b.rel.as_str(), &b.to)));
}
