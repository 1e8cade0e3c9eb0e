//! Write batches: the one unit in which the KB changes. A batch is validated as a whole against
//! the schema and the current KB, then turned into a [`Plan`] (what is added, updated, deleted)
//! that the store applies atomically. Nothing here does IO.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::ids::{KindName, NodeId, RelName};
use super::model::{Edge, EdgeKey, Node};
use super::schema::Schema;
use super::validate::{cap_errors, Located, SourceRef, ValidationError};

/// One change as written in a delta file, a spreadsheet row or an HTTP edit.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    UpsertNode(Node),
    UpsertEdge(Edge),
    DeleteNode(NodeId),
    DeleteEdge(EdgeKey),
    /// The node's outgoing `rel` edges become exactly these targets (spreadsheet `about`).
    SetEdges {
        from: NodeId,
        rel: RelName,
        to: Vec<NodeId>,
    },
}

/// Whether a batch edits the KB or replaces it entirely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchMode {
    /// Upserts and deletes against the current KB.
    Delta,
    /// The batch is the whole KB: whatever it does not contain is deleted.
    Replace,
}

#[derive(Debug, Clone)]
pub struct Batch {
    pub mode: BatchMode,
    /// A new schema (only with [`BatchMode::Replace`]).
    pub schema: Option<Schema>,
    pub changes: Vec<Located<Change>>,
    /// Problems found while parsing; reported together with the validation errors so that an
    /// editor sees everything at once.
    pub parse_errors: Vec<ValidationError>,
    /// Ids of nodes whose lines failed to parse: edges to them are not also called dangling.
    pub unparsed_ids: BTreeSet<NodeId>,
}

impl Batch {
    /// A batch of changes with no parse problems.
    pub fn new(mode: BatchMode, schema: Option<Schema>, changes: Vec<Located<Change>>) -> Self {
        Self {
            mode,
            schema,
            changes,
            parse_errors: Vec::new(),
            unparsed_ids: BTreeSet::new(),
        }
    }
}

/// Read access to the KB a batch is validated against.
pub trait KbView {
    fn node(&self, id: &NodeId) -> Option<&Node>;
    fn edge(&self, key: &EdgeKey) -> Option<&Edge>;
    /// Every edge that starts or ends at `id`.
    fn edges_of(&self, id: &NodeId) -> Vec<EdgeKey>;
    fn node_ids(&self) -> Vec<NodeId>;
    fn edge_keys(&self) -> Vec<EdgeKey>;
    /// `node_ids().len()`, without listing them.
    fn node_count(&self) -> usize;
    /// `edge_keys().len()`, without listing them.
    fn edge_count(&self) -> usize;
}

/// What applying a batch does. `before` values are kept for the changelog.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub schema: Option<Schema>,
    pub nodes_added: Vec<Node>,
    /// (before, after)
    pub nodes_updated: Vec<(Node, Node)>,
    pub nodes_deleted: Vec<Node>,
    pub nodes_unchanged: usize,
    pub edges_added: Vec<Edge>,
    pub edges_updated: Vec<(Edge, Edge)>,
    pub edges_deleted: Vec<Edge>,
    pub edges_unchanged: usize,
}

impl Plan {
    /// True when applying the plan would change nothing.
    pub fn is_noop(&self) -> bool {
        self.schema.is_none()
            && self.nodes_added.is_empty()
            && self.nodes_updated.is_empty()
            && self.nodes_deleted.is_empty()
            && self.edges_added.is_empty()
            && self.edges_updated.is_empty()
            && self.edges_deleted.is_empty()
    }
}

/// Validates `batch` against `schema` (the current one unless the batch brings its own) and the
/// current KB, and plans its effect. Fails with every error found (capped), each naming the file,
/// line and field.
pub fn plan_batch(
    current_schema: &Schema,
    batch: &Batch,
    view: &dyn KbView,
) -> Result<Plan, Vec<ValidationError>> {
    let schema = batch.schema.as_ref().unwrap_or(current_schema);
    let replace = batch.mode == BatchMode::Replace;
    let mut errors = batch.parse_errors.clone();

    // Pass 1: nodes.
    let mut upserted: HashMap<&NodeId, &Located<Change>> = HashMap::new();
    let mut upserted_nodes: Vec<&Node> = Vec::new();
    let mut deleted: BTreeMap<&NodeId, &SourceRef> = BTreeMap::new();
    for change in &batch.changes {
        match &change.item {
            Change::UpsertNode(node) => {
                if !schema.has_kind(node.kind.as_str()) {
                    errors.push(change.at.error(
                        Some("kind"),
                        format!(
                            "unknown kind `{}`; the schema declares: {}",
                            node.kind,
                            schema.kind_names().join(", ")
                        ),
                    ));
                }
                if let Some(first) = upserted.get(&node.id) {
                    errors.push(change.at.error(
                        Some("id"),
                        format!(
                            "duplicate id `{}`; it is already defined at {}:{}",
                            node.id, first.at.file, first.at.line
                        ),
                    ));
                } else {
                    upserted.insert(&node.id, change);
                    upserted_nodes.push(node);
                }
            }
            Change::DeleteNode(id) => {
                if replace {
                    errors.push(change.at.error(
                        Some("delete"),
                        "a full import lists the whole KB; delete lines belong in a delta file",
                    ));
                } else if view.node(id).is_none() {
                    errors.push(
                        change
                            .at
                            .error(Some("delete"), format!("there is no node `{id}` to delete")),
                    );
                }
                deleted.insert(id, &change.at);
            }
            _ => {}
        }
    }
    for (id, at) in &deleted {
        if let Some(upsert) = upserted.get(id) {
            errors.push(at.error(
                Some("delete"),
                format!(
                    "node `{id}` is both deleted here and written at {}:{}",
                    upsert.at.file, upsert.at.line
                ),
            ));
        }
    }
    // The kind each node has once the batch is applied (None: it will not exist).
    let upserted_kinds: HashMap<&NodeId, &KindName> =
        upserted_nodes.iter().map(|n| (&n.id, &n.kind)).collect();
    let kind_of = |id: &NodeId| -> Option<&KindName> {
        if let Some(kind) = upserted_kinds.get(id) {
            return Some(kind);
        }
        if replace || deleted.contains_key(id) {
            return None;
        }
        view.node(id).map(|n| &n.kind)
    };

    // Pass 2: edges.
    // Upserted edges in batch order, found by key through `edge_index`. An edge written as such
    // is borrowed from the batch, not cloned: a full import of an unchanged KB compares hundreds
    // of thousands of them and writes none.
    let mut edge_upserts: Vec<(EdgeKey, &Located<Change>, Cow<Edge>)> = Vec::new();
    let mut edge_index: HashMap<EdgeKey, usize> = HashMap::new();
    let mut edge_deletes: BTreeMap<EdgeKey, &SourceRef> = BTreeMap::new();
    let check_edge = |at: &SourceRef,
                      from: &NodeId,
                      rel: &RelName,
                      to: &NodeId,
                      errors: &mut Vec<ValidationError>,
                      field_to: &str| {
        let Some(def) = schema.relation(rel.as_str()) else {
            let names: Vec<&str> = schema.relations.iter().map(|r| r.name.as_str()).collect();
            errors.push(at.error(
                Some("rel"),
                format!(
                    "unknown relation `{rel}`; the schema declares: {}",
                    names.join(", ")
                ),
            ));
            return;
        };
        for (field, id, allowed) in [("from", from, &def.from), (field_to, to, &def.to)] {
            match kind_of(id) {
                None if batch.unparsed_ids.contains(id) => {}
                None => errors.push(at.error(
                    Some(field),
                    format!("dangling edge: node `{id}` does not exist in the KB or in this batch"),
                )),
                Some(kind) if !allowed.contains(kind) => {
                    let allowed: Vec<&str> = allowed.iter().map(|k| k.as_str()).collect();
                    errors.push(at.error(
                        Some(field),
                        format!(
                            "relation `{rel}` cannot {} a `{kind}` (`{id}`); allowed kinds: {}",
                            if field == "from" {
                                "start at"
                            } else {
                                "end at"
                            },
                            allowed.join(", ")
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
    };
    for change in &batch.changes {
        match &change.item {
            Change::UpsertEdge(edge) => {
                check_edge(
                    &change.at,
                    &edge.from,
                    &edge.rel,
                    &edge.to,
                    &mut errors,
                    "to",
                );
                let key = edge.key();
                if let Some(&first) = edge_index.get(&key) {
                    let first = edge_upserts[first].1;
                    errors.push(change.at.error(
                        None,
                        format!(
                            "duplicate edge {key}; it is already defined at {}:{}",
                            first.at.file, first.at.line
                        ),
                    ));
                } else {
                    edge_index.insert(key.clone(), edge_upserts.len());
                    edge_upserts.push((key, change, Cow::Borrowed(edge)));
                }
            }
            Change::SetEdges { from, rel, to } => {
                let mut seen = BTreeSet::new();
                for target in to {
                    check_edge(&change.at, from, rel, target, &mut errors, "about");
                    let key = EdgeKey {
                        from: from.clone(),
                        rel: rel.clone(),
                        to: target.clone(),
                    };
                    if !seen.insert(target) || edge_index.contains_key(&key) {
                        continue;
                    }
                    let edge = match (replace, view.edge(&key)) {
                        (false, Some(existing)) => Cow::Owned(existing.clone()),
                        _ => Cow::Owned(Edge {
                            from: from.clone(),
                            rel: rel.clone(),
                            to: target.clone(),
                            attrs: Default::default(),
                            weight: None,
                        }),
                    };
                    edge_index.insert(key.clone(), edge_upserts.len());
                    edge_upserts.push((key, change, edge));
                }
                if !replace {
                    for key in view.edges_of(from) {
                        if &key.from == from && &key.rel == rel && !seen.contains(&key.to) {
                            edge_deletes.insert(key, &change.at);
                        }
                    }
                }
            }
            Change::DeleteEdge(key) => {
                if replace {
                    errors.push(change.at.error(
                        Some("delete_edge"),
                        "a full import lists the whole KB; delete lines belong in a delta file",
                    ));
                } else if view.edge(key).is_none() {
                    errors.push(change.at.error(
                        Some("delete_edge"),
                        format!("there is no edge {key} to delete"),
                    ));
                }
                edge_deletes.insert(key.clone(), &change.at);
            }
            Change::UpsertNode(_) | Change::DeleteNode(_) => {}
        }
    }
    for (key, at) in &edge_deletes {
        if let Some(&upsert) = edge_index.get(key) {
            let upsert = edge_upserts[upsert].1;
            if matches!(upsert.item, Change::UpsertEdge(_)) {
                errors.push(at.error(
                    Some("delete_edge"),
                    format!(
                        "edge {key} is both deleted here and written at {}:{}",
                        upsert.at.file, upsert.at.line
                    ),
                ));
            }
        }
    }

    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        return Err(cap_errors(errors));
    }

    // Plan the effect.
    let mut plan = Plan {
        schema: batch
            .schema
            .as_ref()
            .filter(|s| *s != current_schema)
            .cloned(),
        ..Plan::default()
    };
    for node in &upserted_nodes {
        match view.node(&node.id) {
            None => plan.nodes_added.push((*node).clone()),
            Some(before) if before == *node => plan.nodes_unchanged += 1,
            Some(before) => plan.nodes_updated.push((before.clone(), (*node).clone())),
        }
    }
    for (key, _, edge) in edge_upserts {
        match view.edge(&key) {
            None => plan.edges_added.push(edge.into_owned()),
            Some(before) if *before == *edge => plan.edges_unchanged += 1,
            Some(before) => plan.edges_updated.push((before.clone(), edge.into_owned())),
        }
    }
    // In key order, as the changelog lists them.
    plan.edges_added.sort_by(by_key);
    plan.edges_updated.sort_by(|(_, a), (_, b)| by_key(a, b));
    let mut edges_gone: BTreeSet<EdgeKey> = edge_deletes.into_keys().collect();
    if replace {
        // Whatever the batch does not list goes. When every current node and edge is listed
        // (counted above), there is nothing to look for.
        let nodes_kept = plan.nodes_unchanged + plan.nodes_updated.len();
        if nodes_kept < view.node_count() {
            for id in view.node_ids() {
                if !upserted_kinds.contains_key(&id) {
                    plan.nodes_deleted.extend(view.node(&id).cloned());
                }
            }
        }
        let edges_kept = plan.edges_unchanged + plan.edges_updated.len();
        if edges_kept < view.edge_count() {
            for key in view.edge_keys() {
                if !edge_index.contains_key(&key) {
                    edges_gone.insert(key);
                }
            }
        }
    } else {
        for id in deleted.keys() {
            plan.nodes_deleted.extend(view.node(id).cloned());
            edges_gone.extend(view.edges_of(id));
        }
    }
    for key in edges_gone {
        plan.edges_deleted.extend(view.edge(&key).cloned());
    }
    Ok(plan)
}

/// Orders edges as their keys do, without building the keys.
fn by_key(a: &Edge, b: &Edge) -> std::cmp::Ordering {
    (&a.from, &a.rel, &a.to).cmp(&(&b.from, &b.rel, &b.to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::formats::{parse_delta_jsonl, parse_edges_jsonl, parse_nodes_jsonl};

    const SCHEMA: &str =
        "kinds: [product, faq]\nrelations:\n  - name: about\n    from: [faq]\n    to: [product]\n";

    #[derive(Default)]
    struct MemView {
        nodes: BTreeMap<NodeId, Node>,
        edges: BTreeMap<EdgeKey, Edge>,
    }

    impl KbView for MemView {
        fn node(&self, id: &NodeId) -> Option<&Node> {
            self.nodes.get(id)
        }
        fn edge(&self, key: &EdgeKey) -> Option<&Edge> {
            self.edges.get(key)
        }
        fn edges_of(&self, id: &NodeId) -> Vec<EdgeKey> {
            self.edges
                .keys()
                .filter(|k| &k.from == id || &k.to == id)
                .cloned()
                .collect()
        }
        fn node_ids(&self) -> Vec<NodeId> {
            self.nodes.keys().cloned().collect()
        }
        fn edge_keys(&self) -> Vec<EdgeKey> {
            self.edges.keys().cloned().collect()
        }
        fn node_count(&self) -> usize {
            self.nodes.len()
        }
        fn edge_count(&self) -> usize {
            self.edges.len()
        }
    }

    impl MemView {
        fn apply(&mut self, plan: &Plan) {
            for node in plan.nodes_deleted.iter() {
                self.nodes.remove(&node.id);
            }
            for edge in plan.edges_deleted.iter() {
                self.edges.remove(&edge.key());
            }
            for node in plan
                .nodes_added
                .iter()
                .chain(plan.nodes_updated.iter().map(|(_, a)| a))
            {
                self.nodes.insert(node.id.clone(), node.clone());
            }
            for edge in plan
                .edges_added
                .iter()
                .chain(plan.edges_updated.iter().map(|(_, a)| a))
            {
                self.edges.insert(edge.key(), edge.clone());
            }
        }
    }

    fn schema() -> Schema {
        Schema::parse_yaml(SCHEMA, "schema.yaml").unwrap()
    }

    fn full(nodes: &str, edges: &str) -> Batch {
        let n = parse_nodes_jsonl(nodes, "nodes.jsonl");
        let e = parse_edges_jsonl(edges, "edges.jsonl");
        assert!(n.errors.is_empty() && e.errors.is_empty());
        let mut changes: Vec<_> = n
            .items
            .into_iter()
            .map(|l| Located {
                at: l.at,
                item: Change::UpsertNode(l.item),
            })
            .collect();
        changes.extend(e.items.into_iter().map(|l| Located {
            at: l.at,
            item: Change::UpsertEdge(l.item),
        }));
        Batch::new(BatchMode::Replace, Some(schema()), changes)
    }

    fn delta(text: &str) -> Batch {
        let parsed = parse_delta_jsonl(text, "delta.jsonl");
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        Batch::new(BatchMode::Delta, None, parsed.items)
    }

    const NODES: &str = r#"{"id":"product/x","kind":"product","name":"X"}
{"id":"faq/a","kind":"faq","name":"A?"}"#;
    const EDGES: &str = r#"{"from":"faq/a","rel":"about","to":"product/x"}"#;

    #[test]
    fn full_import_then_replace_deletes_what_is_missing() {
        let mut view = MemView::default();
        let plan = plan_batch(&Schema::default(), &full(NODES, EDGES), &view).unwrap();
        assert_eq!((plan.nodes_added.len(), plan.edges_added.len()), (2, 1));
        assert!(plan.schema.is_some());
        view.apply(&plan);
        let plan = plan_batch(&schema(), &full(NODES, EDGES), &view).unwrap();
        assert!(plan.is_noop());
        assert_eq!(plan.nodes_unchanged, 2);
        let plan = plan_batch(
            &schema(),
            &full(r#"{"id":"product/x","kind":"product","name":"X"}"#, ""),
            &view,
        )
        .unwrap();
        assert_eq!((plan.nodes_deleted.len(), plan.edges_deleted.len()), (1, 1));
    }

    #[test]
    fn reports_every_error_with_its_line() {
        let view = MemView::default();
        let nodes = r#"{"id":"product/x","kind":"product","name":"X"}
{"id":"product/x","kind":"product","name":"X again"}
{"id":"policy/p","kind":"policy","name":"P"}"#;
        let edges = r#"{"from":"faq/missing","rel":"about","to":"product/x"}
{"from":"product/x","rel":"about","to":"product/x"}
{"from":"product/x","rel":"fits","to":"product/x"}"#;
        let errors = plan_batch(&Schema::default(), &full(nodes, edges), &view).unwrap_err();
        let got: Vec<_> = errors
            .iter()
            .map(|e| {
                (
                    e.file.as_str(),
                    e.line.unwrap(),
                    e.field.clone().unwrap_or_default(),
                )
            })
            .collect();
        assert!(got.contains(&("nodes.jsonl", 2, "id".into())), "{got:?}");
        assert!(got.contains(&("nodes.jsonl", 3, "kind".into())));
        assert!(got.contains(&("edges.jsonl", 1, "from".into())));
        assert!(got.contains(&("edges.jsonl", 2, "from".into())));
        assert!(got.contains(&("edges.jsonl", 3, "rel".into())));
    }

    #[test]
    fn delete_cascades_to_edges_and_refuses_unknown_targets() {
        let mut view = MemView::default();
        view.apply(&plan_batch(&Schema::default(), &full(NODES, EDGES), &view).unwrap());
        let plan = plan_batch(&schema(), &delta(r#"{"delete":"product/x"}"#), &view).unwrap();
        assert_eq!((plan.nodes_deleted.len(), plan.edges_deleted.len()), (1, 1));
        let errors = plan_batch(
            &schema(),
            &delta("{\"delete\":\"product/nope\"}\n{\"delete\":\"product/x\"}\n{\"from\":\"faq/a\",\"rel\":\"about\",\"to\":\"product/x\",\"weight\":2}"),
            &view,
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].line, Some(1));
        assert_eq!(errors[1].line, Some(3));
    }

    #[test]
    fn set_edges_replaces_a_nodes_outgoing_relation() {
        let mut view = MemView::default();
        let nodes =
            format!("{NODES}\n{{\"id\":\"product/y\",\"kind\":\"product\",\"name\":\"Y\"}}");
        view.apply(&plan_batch(&Schema::default(), &full(&nodes, EDGES), &view).unwrap());
        let batch = Batch::new(
            BatchMode::Delta,
            None,
            vec![Located {
                at: SourceRef::new("faqs.csv", 2),
                item: Change::SetEdges {
                    from: NodeId::parse("faq/a").unwrap(),
                    rel: KindName::parse("about").unwrap(),
                    to: vec![NodeId::parse("product/y").unwrap()],
                },
            }],
        );
        let plan = plan_batch(&schema(), &batch, &view).unwrap();
        assert_eq!(plan.edges_added[0].to.as_str(), "product/y");
        assert_eq!(plan.edges_deleted[0].to.as_str(), "product/x");
    }
}
