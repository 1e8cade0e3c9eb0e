//! The OpenAPI 3.1 description of every route, generated from the handlers' `#[utoipa::path]`
//! annotations and the DTOs' `ToSchema` derives (schemas referenced by a route are collected
//! automatically), served at `GET /openapi.json`. The methods it declares per path also decide
//! which methods a `405 Method Not Allowed` lists ([`declared_methods`]).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{admin, answer, edits, nodes, ops, search, whoami};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "AnswerGraph",
        description = "Answers customer-service questions from a product/FAQ knowledge graph. \
            Every /v1 route needs `Authorization: Bearer <key>`; roles: reader (answer, search, \
            reads, feedback) < editor (+ writes) < admin (+ export, changes, analytics, backups). \
            Errors are JSON `{code, message, details}`."
    ),
    paths(
        answer::answer,
        answer::feedback,
        search::search,
        nodes::find_nodes,
        nodes::get_node,
        nodes::neighbors,
        nodes::paths,
        nodes::schema,
        edits::put_node,
        edits::delete_node,
        edits::put_edge,
        edits::delete_edge,
        edits::import,
        admin::export,
        admin::changes,
        admin::analytics,
        admin::analytics_series,
        admin::backup,
        whoami::whoami,
        ops::healthz,
        ops::readyz,
        ops::metrics,
        ops::openapi,
    ),
    modifiers(&BearerKeys),
    tags(
        (name = "answer", description = "Questions, answers and feedback (reader)"),
        (name = "search", description = "Hybrid search (reader)"),
        (name = "graph", description = "Nodes, neighbourhoods, paths and the schema (reader)"),
        (name = "edit", description = "Writes: one atomic, validated batch each (editor)"),
        (name = "admin", description = "Export, changelog, analytics, backups (admin)"),
        (name = "auth", description = "The caller's own key (any role)"),
        (name = "ops", description = "Health, readiness, metrics, this document (no key)"),
    )
)]
pub struct ApiDoc;

/// Declares the `api_key` bearer scheme the routes' `security` refers to.
struct BearerKeys;

impl Modify for BearerKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key from `server.keys` or ANSWERGRAPH_KEYS"))
                    .build(),
            ),
        );
    }
}

/// The methods the document declares for a path template (`/v1/nodes/{id}`), in the order GET,
/// PUT, POST, DELETE; `None` for a path it does not describe. Computed once.
pub fn declared_methods(template: &str) -> Option<&'static [&'static str]> {
    static METHODS: OnceLock<BTreeMap<String, Vec<&'static str>>> = OnceLock::new();
    let methods = METHODS.get_or_init(|| {
        ApiDoc::openapi()
            .paths
            .paths
            .into_iter()
            .map(|(template, item)| {
                let declared = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                let names = declared
                    .into_iter()
                    .filter(|(_, has)| *has)
                    .map(|(name, _)| name)
                    .collect();
                (template, names)
            })
            .collect()
    });
    methods.get(template).map(Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_methods_come_from_the_document() {
        assert_eq!(
            declared_methods("/v1/nodes/{id}"),
            Some(&["GET", "PUT", "DELETE"][..])
        );
        assert_eq!(declared_methods("/v1/edges"), Some(&["PUT", "DELETE"][..]));
        assert_eq!(declared_methods("/v1/answer"), Some(&["POST"][..]));
        assert_eq!(declared_methods("/console/{path}"), None);
    }
}
