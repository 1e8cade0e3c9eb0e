//! Reads of the graph itself: nodes found by id, name, alias or kind, one node with its edges, a
//! node's neighbourhood, a shortest path between two nodes, the schema, and the whole KB as data.
//! Each read loads the current snapshot once, so it sees exactly one KB version even while a
//! write is being published.

use std::sync::Arc;

use crate::domain::{Direction, Edge, Node, NodeMeta, Schema};
use crate::graph::{RelId, Step};

use super::{KnowledgeBase, Result, ServiceError, Snapshot};

/// Most hops a neighbourhood may span.
pub const MAX_NEIGHBOR_HOPS: usize = 4;
/// Most hops a path query may search.
pub const MAX_PATH_HOPS: usize = 6;
/// Most nodes one neighbourhood returns.
pub const MAX_NEIGHBOR_NODES: usize = 1000;
/// Most nodes one page of a node search returns.
pub const MAX_FOUND_NODES: usize = 500;

/// Which nodes to find: those whose id, name or an alias contains `text` (ignoring case), of
/// one kind, one page of them.
#[derive(Debug, Clone, Default)]
pub struct NodeQuery {
    /// Words to look for; empty: every node (of `kind`).
    pub text: String,
    /// Only nodes of this kind.
    pub kind: Option<String>,
    /// Most nodes returned.
    pub limit: usize,
    /// Matches skipped before the first returned.
    pub offset: usize,
}

/// How closely a found node matched: the order of a node search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeMatch {
    /// Id or name equal to the text (and every node when there is no text).
    Exact,
    /// Id, the id's slug or name starting with it.
    Prefix,
    /// Id or name containing it.
    Contains,
    /// Only an alias containing it.
    Alias,
}

#[derive(Debug, Clone)]
pub struct FoundNode {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub lang: Option<String>,
    pub matched: NodeMatch,
    /// Edges that start or end at the node.
    pub degree: usize,
    pub meta: NodeMeta,
}

#[derive(Debug, Clone)]
pub struct NodeList {
    pub kb_version: u64,
    /// Every match, before `offset` and `limit`.
    pub total: usize,
    /// Best match first, then by id.
    pub nodes: Vec<FoundNode>,
}

/// The schema a KB version was validated against.
#[derive(Debug, Clone)]
pub struct SchemaInfo {
    pub kb_version: u64,
    pub schema: Arc<Schema>,
}

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
    /// Nodes whose id, name or an alias contains the query's text (ignoring case), best match
    /// first. Fails with [`ServiceError::BadRequest`] for a kind the schema does not declare or
    /// a limit outside 1..=[`MAX_FOUND_NODES`].
    pub fn find_nodes(&self, query: &NodeQuery) -> Result<NodeList> {
        check_range("limit", query.limit, MAX_FOUND_NODES)?;
        let snapshot = self.snapshot();
        if let Some(kind) = &query.kind {
            if !snapshot.schema.has_kind(kind) {
                return Err(ServiceError::bad_request(
                    "kind",
                    format!(
                        "unknown kind `{kind}`; the schema declares: {}",
                        snapshot.schema.kind_names().join(", ")
                    ),
                ));
            }
        }
        let text = query.text.trim().to_lowercase();
        let mut found: Vec<(NodeMatch, u32)> = (0..snapshot.node_count() as u32)
            .filter(|&slot| {
                query
                    .kind
                    .as_deref()
                    .is_none_or(|kind| snapshot.node_at(slot).kind.as_str() == kind)
            })
            .filter_map(|slot| node_match(snapshot.node_at(slot), &text).map(|m| (m, slot)))
            .collect();
        // Slots are in id order, so a stable sort by match keeps ids ordered within each.
        found.sort_by_key(|(matched, _)| *matched);
        let total = found.len();
        let nodes = found
            .into_iter()
            .skip(query.offset)
            .take(query.limit)
            .map(|(matched, slot)| {
                let node = snapshot.node_at(slot);
                FoundNode {
                    id: node.id.to_string(),
                    kind: node.kind.to_string(),
                    name: node.name.clone(),
                    lang: node.lang.as_ref().map(ToString::to_string),
                    matched,
                    degree: snapshot.graph.steps_from(slot).count(),
                    meta: snapshot.meta_at(slot).clone(),
                }
            })
            .collect();
        Ok(NodeList {
            kb_version: snapshot.kb_version,
            total,
            nodes,
        })
    }

    /// The current schema: kinds, relations with their endpoint kinds, attribute phrases.
    pub fn schema_info(&self) -> SchemaInfo {
        let snapshot = self.snapshot();
        SchemaInfo {
            kb_version: snapshot.kb_version,
            schema: Arc::clone(&snapshot.schema),
        }
    }

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

/// How `node` matches the lowercased `text`, if at all; everything matches an empty text.
fn node_match(node: &Node, text: &str) -> Option<NodeMatch> {
    if text.is_empty() {
        return Some(NodeMatch::Exact);
    }
    let id = node.id.as_str().to_lowercase();
    let name = node.name.to_lowercase();
    let slug = id.split_once('/').map_or(id.as_str(), |(_, slug)| slug);
    if id == text || name == text {
        Some(NodeMatch::Exact)
    } else if id.starts_with(text) || slug.starts_with(text) || name.starts_with(text) {
        Some(NodeMatch::Prefix)
    } else if id.contains(text) || name.contains(text) {
        Some(NodeMatch::Contains)
    } else if node
        .aliases
        .iter()
        .any(|alias| alias.to_lowercase().contains(text))
    {
        Some(NodeMatch::Alias)
    } else {
        None
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
