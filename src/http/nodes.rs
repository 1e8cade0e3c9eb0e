//! Graph reads: `GET /v1/nodes` (find nodes by id, name, alias or kind), `GET /v1/nodes/{id}`,
//! `GET /v1/nodes/{id}/neighbors`, `GET /v1/paths` and `GET /v1/schema`.
//!
//! Node ids contain `/` (`product/x200`). A route accepts them percent-encoded
//! (`/v1/nodes/product%2Fx200`) and as a plain path tail (`/v1/nodes/product/x200`); the
//! percent-encoded form is the unambiguous one for an id that itself ends in `/neighbors`.

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::{Direction, KindName};
use crate::service::reads::{
    FoundNode, Neighbor, Neighborhood, NeighborhoodRequest, NodeDetail, NodeList, NodeMatch,
    NodeQuery, PathFound, PathRequest, PathResult, PathStep, SchemaInfo,
};

use super::auth::{Caller, Reader};
use super::dto::{int64_at_least_zero, EdgeDto, NodeDto};
use super::error::{ApiError, ErrorBody};
use super::state::Kb;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FindNodesQuery {
    /// Text the id, name or an alias contains (ignoring case); empty or absent: every node.
    pub q: Option<String>,
    /// Only nodes of this kind.
    pub kind: Option<String>,
    /// Most nodes returned (1–500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    /// Matches skipped before the first returned (default 0).
    #[param(value_type = Option<i64>, minimum = 0)]
    #[serde(default, deserialize_with = "int64_at_least_zero")]
    pub offset: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NodeListDto {
    pub kb_version: u64,
    /// Every match, before `offset` and `limit`.
    pub total: usize,
    /// Best match first (`exact`, `prefix`, `contains`, `alias`), then by id.
    pub nodes: Vec<FoundNodeDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FoundNodeDto {
    #[schema(example = "product/x200")]
    pub id: String,
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// How the node matched: `exact`, `prefix`, `contains` (id or name) or `alias`; every
    /// node is `exact` when `q` is empty.
    pub matched: NodeMatchDto,
    /// Edges that start or end at the node.
    pub degree: usize,
    /// The KB version that last changed the node.
    pub version: u64,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeMatchDto {
    Exact,
    Prefix,
    Contains,
    Alias,
}

impl From<NodeMatch> for NodeMatchDto {
    fn from(matched: NodeMatch) -> Self {
        match matched {
            NodeMatch::Exact => NodeMatchDto::Exact,
            NodeMatch::Prefix => NodeMatchDto::Prefix,
            NodeMatch::Contains => NodeMatchDto::Contains,
            NodeMatch::Alias => NodeMatchDto::Alias,
        }
    }
}

impl From<FoundNode> for FoundNodeDto {
    fn from(node: FoundNode) -> Self {
        Self {
            id: node.id,
            kind: node.kind,
            name: node.name,
            lang: node.lang,
            matched: node.matched.into(),
            degree: node.degree,
            version: node.meta.version,
            updated_at: node.meta.updated_at,
        }
    }
}

impl From<NodeList> for NodeListDto {
    fn from(list: NodeList) -> Self {
        Self {
            kb_version: list.kb_version,
            total: list.total,
            nodes: list.nodes.into_iter().map(Into::into).collect(),
        }
    }
}

/// Finds nodes whose id, name or an alias contains `q` (ignoring case), optionally of one kind.
#[utoipa::path(
    tag = "graph",
    params(FindNodesQuery),
    responses(
        (status = 200, description = "Matching nodes, best match first", body = NodeListDto),
        (status = 400, description = "Unreadable query string", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 422, description = "Unknown kind, limit out of range", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[get("/v1/nodes")]
pub(super) async fn find_nodes(
    _caller: Caller<Reader>,
    kb: Kb,
    query: web::Query<FindNodesQuery>,
) -> Result<web::Json<NodeListDto>, ApiError> {
    let query = query.into_inner();
    let request = NodeQuery {
        text: query.q.unwrap_or_default(),
        kind: query.kind.filter(|kind| !kind.is_empty()),
        limit: query.limit.unwrap_or(50),
        offset: query.offset.unwrap_or(0),
    };
    let list = kb.run(move |kb| kb.find_nodes(&request)).await?;
    Ok(web::Json(list.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NodeDetailDto {
    pub kb_version: u64,
    pub node: NodeDto,
    /// The KB version that last changed this node.
    pub version: u64,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
    /// Every edge that starts or ends at the node.
    pub edges: Vec<EdgeDto>,
}

impl From<NodeDetail> for NodeDetailDto {
    fn from(detail: NodeDetail) -> Self {
        Self {
            kb_version: detail.kb_version,
            node: detail.node.into(),
            version: detail.meta.version,
            updated_at: detail.meta.updated_at,
            edges: detail.edges.into_iter().map(Into::into).collect(),
        }
    }
}

/// Reads one node with its metadata and edges.
#[utoipa::path(
    tag = "graph",
    params(("id" = String, Path, description = "Node id, percent-encoded or as a path tail", example = "product/x200")),
    responses(
        (status = 200, description = "The node", body = NodeDetailDto),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such node", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[get("/v1/nodes/{id:.+}")]
pub(super) async fn get_node(
    _caller: Caller<Reader>,
    kb: Kb,
    id: web::Path<String>,
) -> Result<web::Json<NodeDetailDto>, ApiError> {
    let id = id.into_inner();
    let detail = kb.run(move |kb| kb.node(&id)).await?;
    Ok(web::Json(detail.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NeighborsQuery {
    /// Hops from the node (1–4, default 1).
    #[param(minimum = 1, maximum = 4)]
    pub hops: Option<usize>,
    /// Only these relations, comma-separated (either direction).
    pub rel: Option<String>,
    /// Most nodes returned, the node itself included (1–1000, default 200).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NeighborhoodDto {
    pub kb_version: u64,
    pub center: String,
    pub hops: usize,
    /// Nearest first; the centre has distance 0.
    pub nodes: Vec<NeighborDto>,
    /// The edges walked among `nodes`.
    pub edges: Vec<EdgeDto>,
    /// True when `limit` cut the neighbourhood short.
    pub truncated: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NeighborDto {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub distance: usize,
}

impl From<Neighbor> for NeighborDto {
    fn from(n: Neighbor) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            name: n.name,
            distance: n.distance,
        }
    }
}

impl From<Neighborhood> for NeighborhoodDto {
    fn from(n: Neighborhood) -> Self {
        Self {
            kb_version: n.kb_version,
            center: n.center,
            hops: n.hops,
            nodes: n.nodes.into_iter().map(Into::into).collect(),
            edges: n.edges.into_iter().map(Into::into).collect(),
            truncated: n.truncated,
        }
    }
}

/// Splits a comma-separated `rel` parameter.
fn relations(rel: Option<String>) -> Vec<String> {
    rel.map(|list| {
        list.split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// The nodes within `hops` of a node, walking edges both ways.
#[utoipa::path(
    tag = "graph",
    params(
        ("id" = String, Path, description = "Node id, percent-encoded or as a path tail", example = "product/x200"),
        NeighborsQuery,
    ),
    responses(
        (status = 200, description = "The neighbourhood", body = NeighborhoodDto),
        (status = 400, description = "Unreadable query string", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such node", body = ErrorBody),
        (status = 422, description = "hops or limit out of range, unknown relation", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[get("/v1/nodes/{id:.+}/neighbors")]
pub(super) async fn neighbors(
    _caller: Caller<Reader>,
    kb: Kb,
    id: web::Path<String>,
    query: web::Query<NeighborsQuery>,
) -> Result<web::Json<NeighborhoodDto>, ApiError> {
    let query = query.into_inner();
    let request = NeighborhoodRequest {
        id: id.into_inner(),
        hops: query.hops.unwrap_or(1),
        rels: relations(query.rel),
        limit: query.limit.unwrap_or(200),
    };
    let neighborhood = kb.run(move |kb| kb.neighborhood(&request)).await?;
    Ok(web::Json(neighborhood.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PathsQuery {
    /// Start node id.
    #[param(example = "product/x200")]
    pub from: String,
    /// End node id.
    #[param(example = "category/networking")]
    pub to: String,
    /// Longest path searched (1–6, default 3).
    #[param(minimum = 1, maximum = 6)]
    pub max_hops: Option<usize>,
    /// Only these relations, comma-separated (either direction).
    pub rel: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PathResultDto {
    pub kb_version: u64,
    pub from: String,
    pub to: String,
    pub max_hops: usize,
    /// True when a path of at most `max_hops` exists.
    pub found: bool,
    /// A shortest path; `null` when none was found.
    pub path: Option<PathDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PathDto {
    pub hops: usize,
    /// Node ids from `from` to `to`.
    pub nodes: Vec<String>,
    pub steps: Vec<PathStepDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PathStepDto {
    pub from: String,
    /// The relation of the stored edge.
    pub rel: String,
    /// `forward` along the stored edge, `backward` against it.
    pub direction: DirectionDto,
    /// The relation as walked (its inverse name when backward).
    pub label: String,
    pub to: String,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DirectionDto {
    Forward,
    Backward,
}

impl From<PathStep> for PathStepDto {
    fn from(step: PathStep) -> Self {
        Self {
            from: step.from,
            rel: step.rel,
            direction: match step.direction {
                Direction::Forward => DirectionDto::Forward,
                Direction::Backward => DirectionDto::Backward,
            },
            label: step.label,
            to: step.to,
        }
    }
}

impl From<PathFound> for PathDto {
    fn from(path: PathFound) -> Self {
        Self {
            hops: path.hops,
            nodes: path.nodes,
            steps: path.steps.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<PathResult> for PathResultDto {
    fn from(result: PathResult) -> Self {
        Self {
            kb_version: result.kb_version,
            from: result.from,
            to: result.to,
            max_hops: result.max_hops,
            found: result.path.is_some(),
            path: result.path.map(Into::into),
        }
    }
}

/// A shortest path between two nodes, walking edges both ways.
#[utoipa::path(
    tag = "graph",
    params(PathsQuery),
    responses(
        (status = 200, description = "A shortest path, or `found: false`", body = PathResultDto),
        (status = 400, description = "Missing or unreadable parameters", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such node", body = ErrorBody),
        (status = 422, description = "max_hops out of range, unknown relation", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[get("/v1/paths")]
pub(super) async fn paths(
    _caller: Caller<Reader>,
    kb: Kb,
    query: web::Query<PathsQuery>,
) -> Result<web::Json<PathResultDto>, ApiError> {
    let query = query.into_inner();
    let request = PathRequest {
        from: query.from,
        to: query.to,
        max_hops: query.max_hops.unwrap_or(3),
        rels: relations(query.rel),
    };
    let result = kb.run(move |kb| kb.path(&request)).await?;
    Ok(web::Json(result.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchemaDto {
    pub kb_version: u64,
    /// Node kinds, in declaration order.
    pub kinds: Vec<String>,
    pub relations: Vec<RelationDto>,
    /// Attribute keys that have declared phrases.
    pub attributes: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelationDto {
    #[schema(example = "compatible_with")]
    pub name: String,
    /// Kinds an edge may start at.
    pub from: Vec<String>,
    /// Kinds it may end at.
    pub to: Vec<String>,
    /// The name when walked backwards; equal to `name` for a symmetric relation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inverse: Option<String>,
}

impl From<SchemaInfo> for SchemaDto {
    fn from(info: SchemaInfo) -> Self {
        let names = |kinds: &[KindName]| kinds.iter().map(|k| k.to_string()).collect();
        Self {
            kb_version: info.kb_version,
            kinds: info
                .schema
                .kinds
                .iter()
                .map(|k| k.name.to_string())
                .collect(),
            relations: info
                .schema
                .relations
                .iter()
                .map(|r| RelationDto {
                    name: r.name.to_string(),
                    from: names(&r.from),
                    to: names(&r.to),
                    inverse: r.inverse.as_ref().map(ToString::to_string),
                })
                .collect(),
            attributes: info.schema.attributes.keys().cloned().collect(),
        }
    }
}

/// The KB's schema: node kinds and relations with the kinds they connect.
#[utoipa::path(
    tag = "graph",
    responses(
        (status = 200, description = "The schema", body = SchemaDto),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[get("/v1/schema")]
pub(super) async fn schema(
    _caller: Caller<Reader>,
    kb: Kb,
) -> Result<web::Json<SchemaDto>, ApiError> {
    let info = kb.run(|kb| Ok(kb.schema_info())).await?;
    Ok(web::Json(info.into()))
}

/// Registers the read routes; `neighbors` before `get_node`, whose path tail would match it too.
pub fn config_nodes_api(cfg: &mut web::ServiceConfig) {
    cfg.service(find_nodes)
        .service(neighbors)
        .service(get_node)
        .service(paths)
        .service(schema);
}
