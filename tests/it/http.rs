//! Issue 5: the HTTP API, driven over real sockets against `answergraph serve` on port 0 with the
//! real model and a temporary copy of the demo KB.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::*;
use crate::server::*;

const PRODUCT: &str = "product/x200";
const CATEGORY: &str = "category/networking";
/// Gibberish the KB cannot answer, with an e-mail address the query log must mask.
const UNANSWERABLE: &str = "zxqv blorptang fnord jo@example.com";

/// Every /v1 route with a request that passes validation far enough to reach authorisation, and
/// the lowest role allowed to call it.
fn v1_routes() -> Vec<(&'static str, String, Option<Value>, &'static str)> {
    let edge = json!({"from": "faq/factory-reset-router", "rel": "about", "to": PRODUCT});
    vec![
        (
            "POST",
            "/v1/answer".into(),
            Some(json!({"question": "how do I reset my router?"})),
            "reader",
        ),
        (
            "POST",
            "/v1/search".into(),
            Some(json!({"query": "router"})),
            "reader",
        ),
        (
            "GET",
            format!("/v1/nodes/{}", encoded(PRODUCT)),
            None,
            "reader",
        ),
        (
            "GET",
            format!("/v1/nodes/{PRODUCT}/neighbors?hops=2"),
            None,
            "reader",
        ),
        (
            "GET",
            format!("/v1/paths?from={PRODUCT}&to={CATEGORY}"),
            None,
            "reader",
        ),
        (
            "POST",
            "/v1/feedback".into(),
            Some(json!({"query_id": "0", "helpful": true})),
            "reader",
        ),
        (
            "GET",
            "/v1/nodes?q=x200&kind=product".into(),
            None,
            "reader",
        ),
        ("GET", "/v1/schema".into(), None, "reader"),
        ("GET", "/v1/whoami".into(), None, "reader"),
        (
            "PUT",
            "/v1/nodes/faq/auth-probe".into(),
            Some(json!({"kind": "faq", "name": "Probe?"})),
            "editor",
        ),
        ("DELETE", format!("/v1/nodes/{PRODUCT}"), None, "editor"),
        ("PUT", "/v1/edges".into(), Some(edge.clone()), "editor"),
        ("DELETE", "/v1/edges".into(), Some(edge), "editor"),
        (
            "POST",
            "/v1/import".into(),
            Some(json!({"delete": PRODUCT})),
            "editor",
        ),
        ("GET", "/v1/export".into(), None, "admin"),
        ("GET", "/v1/changes?since=0".into(), None, "admin"),
        ("GET", "/v1/analytics".into(), None, "admin"),
        (
            "GET",
            "/v1/analytics/series?since=1d&buckets=4".into(),
            None,
            "admin",
        ),
        ("POST", "/v1/admin/backup".into(), None, "admin"),
    ]
}

fn call_route(
    server: &Server,
    method: &str,
    path: &str,
    body: &Option<Value>,
    key: Option<&str>,
) -> Reply {
    match body {
        Some(body) => server.send_json(method, path, key, body),
        None => server.call(method, path, key, None),
    }
}

#[test]
fn every_v1_route_refuses_missing_unknown_and_insufficient_keys() {
    let server = Server::start();
    let version = server.kb_version();
    let keys = [("reader", READER), ("editor", EDITOR), ("admin", ADMIN)];
    let rank = |role: &str| keys.iter().position(|(r, _)| *r == role).unwrap();
    for (method, path, body, needed) in v1_routes() {
        let what = format!("{method} {path}");
        for key in [None, Some("not-a-key"), Some("")] {
            let reply = call_route(&server, method, &path, &body, key);
            reply.expect_error(401, "unauthorized");
            assert_eq!(reply.header("www-authenticate"), Some("Bearer"), "{what}");
        }
        for (role, key) in keys.iter().filter(|(role, _)| rank(role) < rank(needed)) {
            let error =
                call_route(&server, method, &path, &body, Some(key)).expect_error(403, "forbidden");
            assert_eq!(error["details"]["required"], needed, "{what}");
            assert_eq!(error["details"]["role"], *role, "{what}");
        }
    }
    let reply = server.call_with_authorization("GET", "/v1/export", &format!("Basic {ADMIN}"));
    reply.expect_error(401, "unauthorized");
    // Refused writes changed nothing.
    assert_eq!(server.kb_version(), version);
    server
        .get(&format!("/v1/nodes/{PRODUCT}"), Some(READER))
        .expect(200);
    // Operations routes need no key.
    for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
        assert_eq!(server.get(path, None).status, 200, "{path}");
    }
}

/// Removes keys whose values differ from run to run.
fn without(mut value: Value, keys: &[&str]) -> Value {
    let object = value.as_object_mut().unwrap();
    for key in keys {
        object.remove(*key);
    }
    value
}

#[test]
fn chatbot_and_reader_routes_succeed_and_fail_as_documented() {
    let server = Server::start();
    let cli = demo_data_dir();

    // Health and readiness.
    assert_eq!(server.get("/healthz", None).expect(200)["status"], "ok");
    let ready = server.get("/readyz", None).expect(200);
    for part in ["ready", "store", "text_index", "vectors", "model"] {
        assert_eq!(ready[part], true, "{part}: {ready}");
    }
    assert!(ready["nodes"].as_u64().unwrap() > 300);

    // Answer: the same object as `ask --json`, with a query id.
    let question = "how do I factory reset my router?";
    let answer = server
        .post("/v1/answer", Some(READER), &json!({"question": question}))
        .expect(200);
    assert!(
        answer["query_id"].as_str().is_some_and(|id| id.len() == 20),
        "{answer}"
    );
    assert!(answer["answer"]["node_id"].is_string(), "{answer}");
    let asked = json(cli.path(), &["ask", "--json", question]);
    assert_eq!(
        without(answer.clone(), &["query_id", "timings_ms"]),
        without(asked, &["query_id", "timings_ms"]),
    );
    let reply = server.post(
        "/v1/answer",
        Some(READER),
        &json!({"question": "x".repeat(2001)}),
    );
    assert_eq!(
        reply.expect_error(422, "invalid_request")["details"]["field"],
        "question"
    );
    server
        .post("/v1/answer", Some(READER), &json!({"question": "  "}))
        .expect_error(422, "invalid_request");
    server
        .post("/v1/answer", Some(READER), &json!({"text": "hi"}))
        .expect_error(422, "invalid_request");
    server
        .call(
            "POST",
            "/v1/answer",
            Some(READER),
            Some(("application/json", b"{\"question\":".to_vec())),
        )
        .expect_error(400, "bad_json");
    let huge = json!({"question": "x".repeat(70 * 1024)});
    server
        .post("/v1/answer", Some(READER), &huge)
        .expect_error(413, "payload_too_large");

    // Search: the same object as `search --json`.
    let search = server
        .post(
            "/v1/search",
            Some(READER),
            &json!({"query": "router keeps dropping wifi", "k": 5}),
        )
        .expect(200);
    assert_eq!(search["hits"].as_array().unwrap().len(), 5);
    let searched = json(
        cli.path(),
        &["search", "--json", "--k", "5", "router keeps dropping wifi"],
    );
    assert_eq!(
        without(search, &["took_ms", "timings_ms"]),
        without(searched, &["took_ms", "timings_ms"]),
    );
    let faqs = server
        .post(
            "/v1/search",
            Some(READER),
            &json!({"query": "router", "mode": "lexical", "kinds": ["faq"]}),
        )
        .expect(200);
    assert!(faqs["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["kind"] == "faq"));
    server
        .post(
            "/v1/search",
            Some(READER),
            &json!({"query": "router", "k": 0}),
        )
        .expect_error(422, "invalid_request");
    server
        .post(
            "/v1/search",
            Some(READER),
            &json!({"query": "router", "mode": "fuzzy"}),
        )
        .expect_error(422, "invalid_request");

    // Nodes: percent-encoded and as a path tail.
    let node = server
        .get(&format!("/v1/nodes/{}", encoded(PRODUCT)), Some(READER))
        .expect(200);
    assert_eq!(node["node"]["id"], PRODUCT);
    assert!(node["version"].as_u64().is_some() && node["updated_at"].is_string());
    assert!(node["edges"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["from"] == PRODUCT || e["to"] == PRODUCT));
    let tail = server
        .get(&format!("/v1/nodes/{PRODUCT}"), Some(READER))
        .expect(200);
    assert_eq!(node, tail);
    server
        .get("/v1/nodes/product%2Fnope", Some(READER))
        .expect_error(404, "not_found");
    server
        .get("/v1/nodes/not-an-id", Some(READER))
        .expect_error(404, "not_found");

    // Neighbours.
    let near = server
        .get(
            &format!(
                "/v1/nodes/{}/neighbors?hops=2&rel=belongs_to",
                encoded(PRODUCT)
            ),
            Some(READER),
        )
        .expect(200);
    assert_eq!(near["nodes"][0]["id"], PRODUCT);
    assert_eq!(near["nodes"][0]["distance"], 0);
    let ids: BTreeSet<&str> = near["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(CATEGORY), "{near}");
    for edge in near["edges"].as_array().unwrap() {
        assert_eq!(edge["rel"], "belongs_to");
        assert!(
            ids.contains(edge["from"].as_str().unwrap())
                && ids.contains(edge["to"].as_str().unwrap())
        );
    }
    let one = server
        .get(&format!("/v1/nodes/{PRODUCT}/neighbors"), Some(READER))
        .expect(200);
    assert!(one["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["distance"].as_u64().unwrap() <= 1));
    let base = format!("/v1/nodes/{PRODUCT}/neighbors");
    server
        .get(&format!("{base}?hops=9"), Some(READER))
        .expect_error(422, "invalid_request");
    server
        .get(&format!("{base}?rel=likes"), Some(READER))
        .expect_error(422, "invalid_request");
    server
        .get(&format!("{base}?hops=two"), Some(READER))
        .expect_error(400, "bad_query");
    server
        .get("/v1/nodes/product/nope/neighbors", Some(READER))
        .expect_error(404, "not_found");

    // Paths.
    let path = server
        .get(
            &format!("/v1/paths?from={PRODUCT}&to={CATEGORY}&max_hops=3"),
            Some(READER),
        )
        .expect(200);
    assert_eq!(path["found"], true, "{path}");
    let nodes = path["path"]["nodes"].as_array().unwrap();
    assert_eq!(
        (nodes[0].as_str(), nodes.last().unwrap().as_str()),
        (Some(PRODUCT), Some(CATEGORY))
    );
    assert_eq!(
        path["path"]["steps"].as_array().unwrap().len(),
        path["path"]["hops"].as_u64().unwrap() as usize
    );
    let hops = path["path"]["hops"].as_u64().unwrap();
    assert!(
        hops >= 2,
        "the demo KB links a product to its top category through its category"
    );
    let short = server
        .get(
            &format!(
                "/v1/paths?from={PRODUCT}&to={CATEGORY}&max_hops={}",
                hops - 1
            ),
            Some(READER),
        )
        .expect(200);
    assert_eq!(
        (short["found"].as_bool(), short["path"].is_null()),
        (Some(false), true)
    );
    server
        .get(
            &format!("/v1/paths?from={PRODUCT}&to=product/nope"),
            Some(READER),
        )
        .expect_error(404, "not_found");
    server
        .get(&format!("/v1/paths?from={PRODUCT}"), Some(READER))
        .expect_error(400, "bad_query");
    server
        .get(
            &format!("/v1/paths?from={PRODUCT}&to={CATEGORY}&max_hops=0"),
            Some(READER),
        )
        .expect_error(422, "invalid_request");

    // Feedback on a logged answer, and the analytics it feeds.
    let query_id = answer["query_id"].as_str().unwrap();
    let receipt = server
        .post("/v1/feedback", Some(READER), &json!({"query_id": query_id, "helpful": true, "rating": 5, "comment": "call me on +86 138 1234 5678"}))
        .expect(200);
    assert_eq!(
        (receipt["query_id"].as_str(), receipt["recorded"].as_bool()),
        (Some(query_id), Some(true))
    );
    server
        .post(
            "/v1/feedback",
            Some(READER),
            &json!({"query_id": "nope", "helpful": true}),
        )
        .expect_error(404, "not_found");
    let error = server
        .post(
            "/v1/feedback",
            Some(READER),
            &json!({"query_id": query_id, "helpful": false, "rating": 9}),
        )
        .expect_error(422, "invalid_request");
    assert_eq!(error["details"]["field"], "rating");
    for _ in 0..2 {
        let unanswered = server
            .post(
                "/v1/answer",
                Some(READER),
                &json!({"question": UNANSWERABLE}),
            )
            .expect(200);
        assert!(unanswered["answer"].is_null(), "{unanswered}");
        assert_eq!(unanswered["handoff"]["recommended"], true);
    }
    let report = server
        .get("/v1/analytics?since=1h", Some(ADMIN))
        .expect(200);
    assert_eq!(report["queries"], 3, "{report}");
    assert_eq!(report["answered"], 1);
    assert!((report["answer_rate"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(report["handoff_reasons"]["low_confidence"], 2);
    assert_eq!(report["feedback"]["responses"], 1);
    assert_eq!(report["feedback"]["csat"], 1.0);
    assert!(
        report["latency_ms"]["p99"].as_f64().unwrap()
            >= report["latency_ms"]["p50"].as_f64().unwrap()
    );
    let gap = &report["top_unanswered"][0];
    assert_eq!(gap["count"], 2, "{report}");
    let masked = gap["question"].as_str().unwrap();
    assert!(
        masked.contains("[email]") && !masked.contains("jo@example.com"),
        "{masked}"
    );
    let empty = server
        .get(
            "/v1/analytics?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z",
            Some(ADMIN),
        )
        .expect(200);
    assert_eq!(
        (empty["queries"].as_u64(), empty["answer_rate"].is_null()),
        (Some(0), true)
    );
    server
        .get("/v1/analytics?since=yesterday", Some(ADMIN))
        .expect_error(422, "invalid_request");

    // Unknown routes are JSON 404s too; a known route with another method is a 405 naming the
    // methods it has.
    server
        .get("/v2/answer", Some(READER))
        .expect_error(404, "not_found");
    let patch = server.call("PATCH", "/v1/answer", Some(READER), None);
    let error = patch.expect_error(405, "method_not_allowed");
    assert_eq!(error["details"]["allowed"], json!(["POST"]));
    assert_eq!(patch.header("allow"), Some("POST"));

    // Metrics count what happened above.
    let metrics = server.get("/metrics", None);
    assert_eq!(metrics.status, 200);
    assert!(metrics.content_type.starts_with("text/plain"));
    let count = |line_start: &str| -> u64 {
        metrics
            .body
            .lines()
            .find(|l| l.starts_with(line_start))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no `{line_start}` in:\n{}", metrics.body))
    };
    assert_eq!(
        count(
            "answergraph_http_requests_total{route=\"/v1/answer\",method=\"POST\",status=\"200\"}"
        ),
        3
    );
    assert_eq!(
        count(
            "answergraph_http_requests_total{route=\"/v1/answer\",method=\"POST\",status=\"413\"}"
        ),
        1
    );
    assert_eq!(count("answergraph_http_requests_total{route=\"/v1/nodes/{id}\",method=\"GET\",status=\"200\"}"), 2);
    assert_eq!(
        count("answergraph_http_request_duration_seconds_count{route=\"/v1/search\"}"),
        4
    );
    assert_eq!(count("answergraph_answer_confidence_count"), 3);
    assert_eq!(
        count("answergraph_handoffs_total{reason=\"low_confidence\"}"),
        2
    );
    assert_eq!(count("answergraph_kb_version"), 1);
    assert_eq!(
        count("answergraph_kb_nodes"),
        ready["nodes"].as_u64().unwrap()
    );
    assert_eq!(count("answergraph_ready"), 1);
}

#[test]
fn openapi_document_parses_and_lists_every_route() {
    let server = Server::start();
    let document = server.get("/openapi.json", None).expect(200);
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        document["openapi"]
    );
    let mut routes: Vec<(String, String)> = v1_routes()
        .into_iter()
        .map(|(method, path, _, _)| {
            let path = path.split('?').next().unwrap().to_owned();
            let path = if path.starts_with("/v1/nodes/") {
                if path.ends_with("/neighbors") {
                    "/v1/nodes/{id}/neighbors".to_owned()
                } else {
                    "/v1/nodes/{id}".to_owned()
                }
            } else {
                path
            };
            (method.to_lowercase(), path)
        })
        .collect();
    for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
        routes.push(("get".into(), path.into()));
    }
    let paths = document["paths"].as_object().unwrap();
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(documented, 23, "exactly the served routes are documented");
    for (method, path) in &routes {
        let operation = &document["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        assert!(operation["responses"]["200"].is_object(), "{method} {path}");
        if path.starts_with("/v1/") {
            assert_eq!(
                operation["security"][0]["api_key"],
                json!([]),
                "{method} {path}"
            );
            assert!(operation["responses"]["401"].is_object(), "{method} {path}");
        }
    }
    assert_eq!(
        document["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for schema in [
        "AnswerDto",
        "SearchDto",
        "NodeDetailDto",
        "WriteOutcomeDto",
        "ErrorBody",
        "AnalyticsDto",
        "AnalyticsSeriesDto",
        "NodeListDto",
        "SchemaDto",
        "WhoamiDto",
    ] {
        assert!(schemas.contains_key(schema), "{schema}");
    }
    // Every schema reference resolves.
    let text = document.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "dangling reference to {name}");
    }
}

/// The `minimum` and `maximum` the OpenAPI document declares for a query parameter.
fn documented_bounds(document: &Value, route: &str, name: &str) -> (i64, Option<i64>) {
    let parameter = document["paths"][route]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{route} documents no `{name}`"));
    let bound = |which: &str| parameter["schema"][which].as_f64().map(|b| b as i64);
    (bound("minimum").unwrap(), bound("maximum"))
}

#[test]
fn the_documented_bounds_of_numbers_are_the_enforced_ones() {
    let server = Server::start();
    let document = server.get("/openapi.json", None).expect(200);
    // Ranges: both ends are accepted, one past either end is a 422 naming the parameter (below
    // 0 the query string itself is unreadable: 400).
    let ranges = [
        ("/v1/changes", "/v1/changes?limit=", "limit", ADMIN),
        ("/v1/analytics", "/v1/analytics?top=", "top", ADMIN),
        (
            "/v1/analytics/series",
            "/v1/analytics/series?buckets=",
            "buckets",
            ADMIN,
        ),
        ("/v1/nodes", "/v1/nodes?limit=", "limit", READER),
        (
            "/v1/nodes/{id}/neighbors",
            "/v1/nodes/product%2Fx200/neighbors?hops=",
            "hops",
            READER,
        ),
        (
            "/v1/nodes/{id}/neighbors",
            "/v1/nodes/product%2Fx200/neighbors?limit=",
            "limit",
            READER,
        ),
        (
            "/v1/paths",
            "/v1/paths?from=product/x200&to=category/networking&max_hops=",
            "max_hops",
            READER,
        ),
    ];
    for (route, url, name, key) in ranges {
        let (min, max) = documented_bounds(&document, route, name);
        let max = max.unwrap_or_else(|| panic!("{route} {name} has no maximum"));
        for value in [min, max] {
            server.get(&format!("{url}{value}"), Some(key)).expect(200);
        }
        let error = server
            .get(&format!("{url}{}", max + 1), Some(key))
            .expect_error(422, "invalid_request");
        assert_eq!(error["details"]["field"], name, "{route}");
        let below = server.get(&format!("{url}{}", min - 1), Some(key));
        if min > 0 {
            below.expect_error(422, "invalid_request");
        } else {
            below.expect_error(400, "bad_query");
        }
    }
    // Versions and offsets are int64s of at least 0, as documented, although the server counts
    // them in u64: one past i64::MAX is refused rather than taken.
    for (route, url, name, key) in [
        ("/v1/changes", "/v1/changes?since=", "since", ADMIN),
        ("/v1/nodes", "/v1/nodes?offset=", "offset", READER),
    ] {
        assert_eq!(documented_bounds(&document, route, name), (0, None));
        let parameter = &document["paths"][route]["get"]["parameters"];
        assert!(parameter.to_string().contains("int64"), "{parameter}");
        server
            .get(&format!("{url}{}", i64::MAX), Some(key))
            .expect(200);
        for refused in ["-1".to_string(), (i64::MAX as u64 + 1).to_string()] {
            server
                .get(&format!("{url}{refused}"), Some(key))
                .expect_error(400, "bad_query");
        }
    }
    // JSON numbers: `k` within its documented range; a whole rating written as `5.0` (JSON
    // Schema's integers include it) but no fraction; any threshold, even beyond f32.
    let search = |body: Value| server.post("/v1/search", Some(READER), &body);
    search(json!({"query": "router", "k": 100})).expect(200);
    search(json!({"query": "router", "k": 101})).expect_error(422, "invalid_request");
    let everything = search(json!({"query": "router", "min_score": -1.8e143})).expect(200);
    assert!(!everything["hits"].as_array().unwrap().is_empty());
    let nothing = search(json!({"query": "router", "min_score": 1e300})).expect(200);
    assert_eq!(nothing["hits"], json!([]));
    let answer = server
        .post(
            "/v1/answer",
            Some(READER),
            &json!({"question": "how do I reset my router?"}),
        )
        .expect(200);
    let feedback = |rating: Value| {
        let query_id = answer["query_id"].clone();
        server.post(
            "/v1/feedback",
            Some(READER),
            &json!({"query_id": query_id, "helpful": true, "rating": rating}),
        )
    };
    feedback(json!(5.0)).expect(200);
    for refused in [json!(4.5), json!(-1), json!(256)] {
        feedback(refused).expect_error(422, "invalid_request");
    }
}

/// Ids of the nodes in a `GET /v1/nodes` reply, in order.
fn found_ids(list: &Value) -> Vec<&str> {
    list["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect()
}

#[test]
fn console_reads_whoami_node_finder_schema_delete_preview_and_series() {
    let server = Server::start();
    let start = server.kb_version();

    // Who am I: each key's role and the id the changelog will name it by.
    for (role, key) in [("reader", READER), ("editor", EDITOR), ("admin", ADMIN)] {
        let me = server.get("/v1/whoami", Some(key)).expect(200);
        assert_eq!(me["role"], role);
        let id = me["key_id"].as_str().unwrap();
        let hex = id.strip_prefix(&format!("{role}-")).unwrap();
        assert!(
            hex.len() == 8 && hex.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
        assert!(!me.to_string().contains(key), "the key is never echoed");
    }

    // Finding nodes: exact before prefix before contains before alias, filtered by kind, paged.
    let exact = server
        .get("/v1/nodes?q=Product/X200", Some(READER))
        .expect(200);
    assert_eq!(found_ids(&exact)[0], PRODUCT);
    assert_eq!(exact["nodes"][0]["matched"], "exact");
    assert!(exact["nodes"][0]["degree"].as_u64().unwrap() > 10);
    let by_name = server.get("/v1/nodes?q=x200", Some(READER)).expect(200);
    let ids = found_ids(&by_name);
    assert!(ids.contains(&PRODUCT) && ids.len() > 3, "{by_name}");
    let order = |m: &str| {
        ["exact", "prefix", "contains", "alias"]
            .iter()
            .position(|x| *x == m)
    };
    let matches: Vec<usize> = by_name["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| order(n["matched"].as_str().unwrap()).unwrap())
        .collect();
    assert!(matches.windows(2).all(|w| w[0] <= w[1]), "{matches:?}");
    let faqs = server
        .get("/v1/nodes?q=x200&kind=faq", Some(READER))
        .expect(200);
    assert!(!found_ids(&faqs).is_empty());
    assert!(found_ids(&faqs).iter().all(|id| id.starts_with("faq/")));
    let alias = server.get("/v1/nodes?q=lm-x200", Some(READER)).expect(200);
    assert_eq!(found_ids(&alias), [PRODUCT]);
    assert_eq!(alias["nodes"][0]["matched"], "alias");
    let policies = server
        .get("/v1/nodes?kind=policy&limit=500", Some(READER))
        .expect(200);
    assert_eq!(policies["total"], 15);
    let first = server
        .get("/v1/nodes?kind=policy&limit=4", Some(READER))
        .expect(200);
    let next = server
        .get("/v1/nodes?kind=policy&limit=4&offset=4", Some(READER))
        .expect(200);
    assert_eq!(first["total"], 15);
    let all = found_ids(&policies);
    assert_eq!(found_ids(&first), all[..4]);
    assert_eq!(found_ids(&next), all[4..8]);
    let error = server
        .get("/v1/nodes?kind=recipe", Some(READER))
        .expect_error(422, "invalid_request");
    assert_eq!(error["details"]["field"], "kind");
    for limit in [0, 501] {
        server
            .get(&format!("/v1/nodes?limit={limit}"), Some(READER))
            .expect_error(422, "invalid_request");
    }
    server
        .get("/v1/nodes?colour=red", Some(READER))
        .expect_error(400, "bad_query");

    // The schema, as the node editor needs it.
    let schema = server.get("/v1/schema", Some(READER)).expect(200);
    assert_eq!(schema["kb_version"], start);
    let kinds: Vec<&str> = schema["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"faq") && kinds.contains(&"product"),
        "{kinds:?}"
    );
    let relation = |name: &str| {
        schema["relations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(relation("about")["from"], json!(["faq"]));
    assert_eq!(relation("compatible_with")["inverse"], "compatible_with");

    // A delete preview names what would go and changes nothing.
    let detail = server
        .get(&format!("/v1/nodes/{}", encoded(PRODUCT)), Some(READER))
        .expect(200);
    let edges = detail["edges"].as_array().unwrap().len() as u64;
    let preview = server
        .call(
            "DELETE",
            &format!("/v1/nodes/{}?dry_run=true", encoded(PRODUCT)),
            Some(EDITOR),
            None,
        )
        .expect(200);
    assert_eq!(preview["dry_run"], true);
    assert_eq!(preview["changed"], false);
    assert_eq!(preview["summary"]["nodes_deleted"], 1);
    assert_eq!(preview["summary"]["edges_deleted"], edges);
    assert_eq!(server.kb_version(), start);
    server
        .get(&format!("/v1/nodes/{}", encoded(PRODUCT)), Some(READER))
        .expect(200);
    server
        .call(
            "DELETE",
            "/v1/nodes/product%2Fnope?dry_run=true",
            Some(EDITOR),
            None,
        )
        .expect_error(404, "not_found");

    // The changelog names a writer by its whoami key id.
    let editor_id = server.get("/v1/whoami", Some(EDITOR)).expect(200)["key_id"].clone();
    server
        .send_json(
            "PUT",
            "/v1/nodes/faq/console-probe",
            Some(EDITOR),
            &json!({"kind": "faq", "name": "Is the console here?", "text": "Yes."}),
        )
        .expect(200);
    let changes = server
        .get(&format!("/v1/changes?since={start}"), Some(ADMIN))
        .expect(200);
    assert_eq!(changes["changes"][0]["actor"], editor_id);

    // Analytics per bucket add up to the whole window.
    for question in ["how do I factory reset my router?", UNANSWERABLE] {
        server
            .post("/v1/answer", Some(READER), &json!({"question": question}))
            .expect(200);
    }
    let series = server
        .get("/v1/analytics/series?since=1h&buckets=4", Some(ADMIN))
        .expect(200);
    let points = series["points"].as_array().unwrap();
    assert_eq!(points.len(), 4);
    assert_eq!(points[0]["since"], series["since"]);
    assert_eq!(points[3]["until"], series["until"]);
    for pair in points.windows(2) {
        assert_eq!(pair[0]["until"], pair[1]["since"], "buckets are contiguous");
    }
    let sum = |field: &str| {
        points
            .iter()
            .map(|p| p[field].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!((sum("queries"), sum("answered")), (2, 1), "{series}");
    assert_eq!(series["bucket_ms"], 15 * 60 * 1000);
    for buckets in [0, 367] {
        let error = server
            .get(
                &format!("/v1/analytics/series?since=1h&buckets={buckets}"),
                Some(ADMIN),
            )
            .expect_error(422, "invalid_request");
        assert_eq!(error["details"]["field"], "buckets");
    }
}

/// The ids, texts and other fields of the first `count` FAQ nodes of an export.
fn faq_nodes(export: &Value, count: usize) -> Vec<Value> {
    export["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "faq")
        .take(count)
        .cloned()
        .collect()
}

#[test]
fn editor_writes_are_validated_atomic_and_recorded() {
    let mut server = Server::start();
    let start = server.kb_version();

    // PUT a node; the same PUT again changes nothing.
    let faq = json!({"kind": "faq", "name": "Can I mount the X200 on a wall?", "text": "Yes, with the two screw slots underneath.", "lang": "en"});
    let put = server
        .send_json("PUT", "/v1/nodes/faq/x200-wall-mount", Some(EDITOR), &faq)
        .expect(200);
    assert_eq!(
        (put["kb_version"].as_u64(), put["changed"].as_bool()),
        (Some(start + 1), Some(true))
    );
    assert_eq!(put["summary"]["nodes_added"], 1);
    let read = server
        .get(
            &format!("/v1/nodes/{}", encoded("faq/x200-wall-mount")),
            Some(READER),
        )
        .expect(200);
    assert_eq!(read["node"]["name"], faq["name"]);
    assert_eq!(read["version"], start + 1);
    let again = server
        .send_json("PUT", "/v1/nodes/faq/x200-wall-mount", Some(EDITOR), &faq)
        .expect(200);
    assert_eq!(
        (again["kb_version"].as_u64(), again["changed"].as_bool()),
        (Some(start + 1), Some(false))
    );

    // Refused node writes name each field, and change nothing.
    let bad = json!({"kind": "faq", "name": "", "colour": "red", "attrs": {"x": [1]}});
    let error = server
        .send_json("PUT", "/v1/nodes/faq/bad", Some(EDITOR), &bad)
        .expect_error(422, "invalid_input");
    let fields: BTreeSet<&str> = error["details"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(
                (e["file"].as_str(), e["line"].as_u64()),
                (Some("request body"), Some(1)),
                "{e}"
            );
            e["field"].as_str().unwrap()
        })
        .collect();
    assert_eq!(fields, BTreeSet::from(["name", "colour", "attrs.x"]));
    let mismatch = json!({"id": "faq/other", "kind": "faq", "name": "Q?"});
    let error = server
        .send_json("PUT", "/v1/nodes/faq/bad", Some(EDITOR), &mismatch)
        .expect_error(422, "invalid_input");
    assert_eq!(error["details"]["errors"][0]["field"], "id");
    let unknown_kind = json!({"kind": "recipe", "name": "Q?"});
    server
        .send_json("PUT", "/v1/nodes/recipe/x", Some(EDITOR), &unknown_kind)
        .expect_error(422, "invalid_input");
    server
        .call(
            "PUT",
            "/v1/nodes/faq/bad",
            Some(EDITOR),
            Some(("application/json", b"{\"kind\":".to_vec())),
        )
        .expect_error(400, "bad_json");
    assert_eq!(server.kb_version(), start + 1);

    // Edges.
    let edge = json!({"from": "faq/x200-wall-mount", "rel": "about", "to": PRODUCT});
    let put = server
        .send_json("PUT", "/v1/edges", Some(EDITOR), &edge)
        .expect(200);
    assert_eq!(put["kb_version"], start + 2);
    let near = server
        .get("/v1/nodes/faq/x200-wall-mount/neighbors", Some(READER))
        .expect(200);
    assert!(
        near["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == PRODUCT),
        "{near}"
    );
    let wrong = json!({"from": PRODUCT, "rel": "about", "to": "faq/x200-wall-mount"});
    let error = server
        .send_json("PUT", "/v1/edges", Some(EDITOR), &wrong)
        .expect_error(422, "invalid_input");
    assert!(
        error["details"]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "from"),
        "{error}"
    );
    let dangling = json!({"from": "faq/x200-wall-mount", "rel": "about", "to": "product/nope"});
    server
        .send_json("PUT", "/v1/edges", Some(EDITOR), &dangling)
        .expect_error(422, "invalid_input");
    let deleted = server
        .send_json("DELETE", "/v1/edges", Some(EDITOR), &edge)
        .expect(200);
    assert_eq!(deleted["summary"]["edges_deleted"], 1);
    server
        .send_json("DELETE", "/v1/edges", Some(EDITOR), &edge)
        .expect_error(404, "not_found");
    let bad_key = json!({"from": "nope", "rel": "About", "to": PRODUCT});
    let error = server
        .send_json("DELETE", "/v1/edges", Some(EDITOR), &bad_key)
        .expect_error(422, "invalid_input");
    assert_eq!(error["details"]["errors"].as_array().unwrap().len(), 2);

    // Delete a node (with its edges).
    let deleted = server
        .call(
            "DELETE",
            &format!("/v1/nodes/{}", encoded("faq/x200-wall-mount")),
            Some(EDITOR),
            None,
        )
        .expect(200);
    assert_eq!(
        (
            deleted["kb_version"].as_u64(),
            deleted["summary"]["nodes_deleted"].as_u64()
        ),
        (Some(start + 4), Some(1))
    );
    server
        .get("/v1/nodes/faq/x200-wall-mount", Some(READER))
        .expect_error(404, "not_found");
    server
        .call(
            "DELETE",
            "/v1/nodes/faq/x200-wall-mount",
            Some(EDITOR),
            None,
        )
        .expect_error(404, "not_found");

    // A bad import batch is refused whole, with each problem's line and field.
    let before = server.get("/v1/export", Some(ADMIN)).expect(200);
    let batch = [
        json!({"id": "faq/import-good", "kind": "faq", "name": "Is this line fine?", "text": "Yes."}),
        json!({"id": "faq/import-bad", "kind": "faq", "name": 7}),
        json!({"from": "faq/import-good", "rel": "about", "to": "product/missing"}),
        json!({"delete": "faq/never-existed"}),
    ];
    let body: String = batch.iter().map(|l| format!("{l}\n")).collect();
    let error = server
        .call(
            "POST",
            "/v1/import",
            Some(EDITOR),
            Some(("application/x-ndjson", body.into_bytes())),
        )
        .expect_error(422, "invalid_input");
    let problems: Vec<(u64, &str)> = error["details"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["field"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(problems, [(2, "name"), (3, "to"), (4, "delete")], "{error}");
    assert_eq!(
        server.get("/v1/export", Some(ADMIN)).expect(200),
        before,
        "the KB is unchanged"
    );
    server
        .get("/v1/nodes/faq/import-good", Some(READER))
        .expect_error(404, "not_found");
    server
        .call(
            "POST",
            "/v1/import",
            Some(EDITOR),
            Some(("application/x-ndjson", b"\xff\xfe".to_vec())),
        )
        .expect_error(400, "unreadable_body");
    server
        .call(
            "POST",
            "/v1/import",
            Some(EDITOR),
            Some(("image/png", b"x".to_vec())),
        )
        .expect_error(415, "unsupported_media_type");

    // Good imports: a dry run, then CSV and JSONL for real.
    let csv = format!("id,question,answer,aliases,lang,about,tags\nx200-stand,Is there a stand for the X200?,Yes: the LM-ST1 stand.,x200 stand|router stand,en,{PRODUCT},accessories\n");
    let dry = server
        .call(
            "POST",
            "/v1/import?dry_run=true",
            Some(EDITOR),
            Some(("text/csv", csv.clone().into_bytes())),
        )
        .expect(200);
    assert_eq!(
        (
            dry["dry_run"].as_bool(),
            dry["changed"].as_bool(),
            dry["kb_version"].as_u64()
        ),
        (Some(true), Some(false), Some(start + 4))
    );
    assert_eq!(dry["summary"]["nodes_added"], 1);
    let imported = server
        .call(
            "POST",
            "/v1/import",
            Some(EDITOR),
            Some(("text/csv", csv.into_bytes())),
        )
        .expect(200);
    assert_eq!(
        (
            imported["kb_version"].as_u64(),
            imported["summary"]["edges_added"].as_u64()
        ),
        (Some(start + 5), Some(1))
    );
    let stand = server
        .get("/v1/nodes/faq/x200-stand", Some(READER))
        .expect(200);
    assert_eq!(stand["edges"][0]["to"], PRODUCT);
    let delta = format!("{}\n", json!({"delete": "faq/x200-stand"}));
    let imported = server
        .call(
            "POST",
            "/v1/import",
            Some(EDITOR),
            Some(("application/x-ndjson", delta.into_bytes())),
        )
        .expect(200);
    assert_eq!(imported["kb_version"], start + 6);

    // The changelog says who did what through which route; it never shows a key.
    let changes = server
        .get(&format!("/v1/changes?since={start}"), Some(ADMIN))
        .expect(200);
    let records = changes["changes"].as_array().unwrap();
    assert_eq!(records.len(), 6, "{changes}");
    assert_eq!(changes["next_since"], start + 6);
    let editor_id = records[0]["actor"].as_str().unwrap();
    assert!(
        editor_id.starts_with("editor-") && editor_id.len() == "editor-".len() + 8,
        "{editor_id}"
    );
    assert!(records.iter().all(|r| r["actor"] == editor_id));
    assert!(!changes.to_string().contains(EDITOR));
    let sources: Vec<&str> = records
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "http PUT /v1/nodes/faq/x200-wall-mount",
            "http PUT /v1/edges",
            "http DELETE /v1/edges",
            "http DELETE /v1/nodes/faq%2Fx200-wall-mount",
            "http POST /v1/import",
            "http POST /v1/import",
        ]
    );
    assert_eq!(records[0]["changes"][0]["op"], "add_node");
    assert_eq!(records[0]["changes"][0]["after"]["name"], faq["name"]);
    let page = server
        .get(
            &format!("/v1/changes?since={}&limit=2", start + 2),
            Some(ADMIN),
        )
        .expect(200);
    assert_eq!(page["changes"].as_array().unwrap().len(), 2);
    assert_eq!(page["changes"][0]["kb_version"], start + 3);
    server
        .get("/v1/changes?since=-1", Some(ADMIN))
        .expect_error(400, "bad_query");

    // Export: the whole KB of the current version, in the source format.
    let export = server.get("/v1/export", Some(ADMIN)).expect(200);
    assert_eq!(export["kb_version"], start + 6);
    assert!(export["schema"].as_str().unwrap().contains("kinds:"));
    assert_eq!(
        export["nodes"].as_array().unwrap().len(),
        before["nodes"].as_array().unwrap().len()
    );
    assert_eq!(export["edges"], before["edges"]);

    // Writes are durable: after a graceful stop the CLI sees them.
    assert!(server.terminate().success());
    assert_eq!(stats(server.data.path())["kb_version"], start + 6);
}

#[test]
fn readers_during_imports_see_the_old_or_the_new_version_never_a_mix() {
    let server = Arc::new(Server::start());
    let start = server.kb_version();
    let export = server.get("/v1/export", Some(ADMIN)).expect(200);
    let originals = faq_nodes(&export, 25);
    let ids: Vec<String> = originals
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    let original_texts: Vec<Value> = originals.iter().map(|n| n["text"].clone()).collect();
    const BATCHES: u64 = 6;

    let writing = Arc::new(AtomicBool::new(true));
    let writer = {
        let (server, writing) = (Arc::clone(&server), Arc::clone(&writing));
        std::thread::spawn(move || {
            for batch in 1..=BATCHES {
                let body: String = originals
                    .iter()
                    .map(|node| {
                        let mut node = node.clone();
                        node["text"] = json!(format!("marker {batch}"));
                        format!("{node}\n")
                    })
                    .collect();
                let outcome = server
                    .call(
                        "POST",
                        "/v1/import",
                        Some(EDITOR),
                        Some(("application/x-ndjson", body.into_bytes())),
                    )
                    .expect(200);
                assert_eq!(outcome["kb_version"], start + batch);
                assert_eq!(outcome["summary"]["nodes_updated"], 25);
            }
            writing.store(false, Ordering::SeqCst);
        })
    };
    let readers: Vec<_> = (0..2)
        .map(|reader| {
            let (server, writing, ids, original_texts) = (
                Arc::clone(&server),
                Arc::clone(&writing),
                ids.clone(),
                original_texts.clone(),
            );
            std::thread::spawn(move || {
                let mut seen = BTreeSet::new();
                let mut last_answer_version = 0;
                while writing.load(Ordering::SeqCst) {
                    let export = server.get("/v1/export", Some(ADMIN)).expect(200);
                    let version = export["kb_version"].as_u64().unwrap();
                    let texts: Vec<Value> = export["nodes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|n| ids.iter().any(|id| n["id"] == id.as_str()))
                        .map(|n| n["text"].clone())
                        .collect();
                    let expected: Vec<Value> = if version == start {
                        original_texts.clone()
                    } else {
                        vec![json!(format!("marker {}", version - start)); ids.len()]
                    };
                    assert_eq!(
                        texts, expected,
                        "reader {reader} saw a mixed KB at version {version}"
                    );
                    seen.insert(version);
                    let answer = server
                        .post(
                            "/v1/answer",
                            Some(READER),
                            &json!({"question": "how do I factory reset my router?"}),
                        )
                        .expect(200);
                    let answer_version = answer["kb_version"].as_u64().unwrap();
                    assert!(
                        answer_version >= last_answer_version,
                        "versions never go back"
                    );
                    last_answer_version = answer_version;
                }
                seen
            })
        })
        .collect();
    writer.join().expect("the writer succeeds");
    let mut seen = BTreeSet::new();
    for reader in readers {
        seen.extend(reader.join().expect("every reader saw whole versions"));
    }
    assert!(
        seen.len() >= 2,
        "readers overlapped with several versions: {seen:?}"
    );
    assert_eq!(server.kb_version(), start + BATCHES);
}

#[test]
fn configured_limits_keys_cors_and_rate_limit_apply() {
    let config_dir = temp();
    let config = config_dir.path().join("answergraph.toml");
    std::fs::write(
        &config,
        r#"
[server]
json_limit = 2048
import_limit = 4096
keys = ["reader:config-reader-key", "admin:sha256:8a7c4d4e3b0e2f7e1f7c4b1e9d3c2a1b0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c"]
rate_limit = 0.01
rate_burst = 3
cors_origins = ["https://chat.example"]
"#,
    )
    .unwrap();
    let server = Server::start_in(demo_data_dir(), Some(&config));

    // Body limits.
    let big = json!({"question": "x".repeat(3000)});
    server
        .post("/v1/answer", Some(EDITOR), &big)
        .expect_error(413, "payload_too_large");
    let lines: String = (0..200)
        .map(|i| format!("{}\n", json!({"delete": format!("faq/not-there-{i}")})))
        .collect();
    assert!(lines.len() > 4096);
    let error = server
        .call(
            "POST",
            "/v1/import",
            Some(EDITOR),
            Some(("application/x-ndjson", lines.into_bytes())),
        )
        .expect_error(413, "payload_too_large");
    assert_eq!(error["details"]["limit_bytes"], 4096);

    // Keys from the config file work beside ANSWERGRAPH_KEYS.
    let search = json!({"query": "router"});
    server
        .post("/v1/search", Some("config-reader-key"), &search)
        .expect(200);

    // CORS for the configured origin only.
    let preflight = server.call_with_headers(
        "OPTIONS",
        "/v1/answer",
        &[
            ("Origin", "https://chat.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
    );
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("https://chat.example")
    );
    assert!(preflight
        .header("access-control-allow-headers")
        .unwrap()
        .contains("authorization"));
    let simple = server.call_with_headers("GET", "/healthz", &[("Origin", "https://chat.example")]);
    assert_eq!(
        simple.header("access-control-allow-origin"),
        Some("https://chat.example")
    );
    let other = server.call_with_headers("GET", "/healthz", &[("Origin", "https://evil.example")]);
    assert_eq!(other.header("access-control-allow-origin"), None);

    // The per-key budget: a burst of 3, then 429 with Retry-After (another key is unaffected).
    for _ in 0..2 {
        server
            .post("/v1/search", Some("config-reader-key"), &search)
            .expect(200);
    }
    let limited = server.post("/v1/search", Some("config-reader-key"), &search);
    limited.expect_error(429, "rate_limited");
    assert!(limited
        .header("retry-after")
        .is_some_and(|s| s.parse::<u64>().unwrap() >= 1));
    server.post("/v1/search", Some(READER), &search).expect(200);
}

#[test]
fn answers_beyond_the_configured_threads_wait_their_turn_instead_of_adding_threads() {
    // One HTTP worker with one thread for answers: sixteen chatbots asking at once are all
    // answered, and the server does not grow a thread per waiting request.
    let server = Server::start_with(
        demo_data_dir(),
        None,
        &[
            ("ANSWERGRAPH__SERVER__WORKERS", "1"),
            ("ANSWERGRAPH__SERVER__BLOCKING_THREADS", "1"),
        ],
    );
    let threads = || {
        std::fs::read_dir(format!("/proc/{}/task", server.pid()))
            .unwrap()
            .count()
    };
    let question = json!({"question": "how much is the nova 7"});
    server
        .post("/v1/answer", Some(READER), &question)
        .expect(200);
    let before = threads();
    std::thread::scope(|scope| {
        let clients: Vec<_> = (0..16)
            .map(|_| {
                scope.spawn(|| {
                    server
                        .post("/v1/answer", Some(READER), &question)
                        .expect(200)
                })
            })
            .collect();
        for client in clients {
            assert!(client.join().unwrap()["answer"]["node_id"].is_string());
        }
    });
    assert!(
        threads() <= before + 1,
        "{before} threads before, {} after",
        threads()
    );
}

#[test]
fn sigterm_finishes_in_flight_requests_then_flushes_and_exits() {
    let mut server = Server::start();
    let start = server.kb_version();
    let nodes: String = (0..400)
        .map(|i| {
            format!(
                "{}\n",
                json!({"id": format!("faq/shutdown-{i}"), "kind": "faq", "name": format!("Shutdown question number {i}?"), "aliases": [format!("variant {i} of the shutdown question")], "text": format!("Answer {i}.")})
            )
        })
        .collect();
    // The body is sent in two halves around the signal, so the request is in flight when
    // SIGTERM arrives whatever the machine's speed.
    let address = server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let head = format!(
        "POST /v1/import HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {EDITOR}\r\n\
         Content-Type: application/x-ndjson\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        nodes.len()
    );
    let (first, rest) = nodes.as_bytes().split_at(nodes.len() / 2);
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(first).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    server.signal_terminate();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !server.log_text().contains("SIGTERM received") {
        assert!(Instant::now() < deadline, "{}", server.log_text());
        std::thread::sleep(Duration::from_millis(20));
    }
    stream.write_all(rest).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let exit = server.wait_exit();
    let status_line = response.lines().next().unwrap_or_default();
    assert!(status_line.contains(" 200 "), "{response}");
    let outcome: Value = serde_json::from_str(
        response
            .split_once("\r\n\r\n")
            .map(|(_, body)| body)
            .unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}: {response}"));
    assert_eq!(outcome["kb_version"], start + 1);
    assert!(exit.success(), "exit status {exit}");
    server.wait_for_line("stopped; store flushed");
    assert!(std::net::TcpStream::connect(server.base.trim_start_matches("http://")).is_err());
    let stats = stats(server.data.path());
    assert_eq!(stats["kb_version"], start + 1);
    assert_eq!(
        stats["kinds"]["faq"].as_u64().unwrap(),
        lines(&demo_kb().join("nodes.jsonl"))
            .iter()
            .filter(|l| l.contains("\"kind\": \"faq\""))
            .count() as u64
            + 400
    );
}

#[test]
fn a_data_dir_in_use_fails_the_second_server_after_it_listened() {
    let server = Server::start();
    let output = answergraph(server.data.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("ANSWERGRAPH_KEYS", KEYS)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("listening on http://127.0.0.1:"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("in use"));
    // The first server is unaffected.
    server.get("/readyz", None).expect(200);
}

#[test]
fn bad_keys_refuse_to_start() {
    let data = temp();
    let output = answergraph(data.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("ANSWERGRAPH_KEYS", "owner:s3cret-value")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown role") && !stderr.contains("s3cret-value"),
        "{stderr}"
    );
}

#[test]
fn a_cpu_wakeup_latency_is_held_while_serving_or_refused_with_its_reason() {
    const DEVICE: &str = "/dev/cpu_dma_latency";
    const SETTING: &str = "ANSWERGRAPH__SERVER__CPU_WAKEUP_LATENCY_US";
    let refused = |value: &str| {
        let output = answergraph(temp().path())
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env(SETTING, value)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    // Opening the device asks nothing of the kernel until a value is written.
    if std::fs::File::options().write(true).open(DEVICE).is_ok() {
        let server = Server::start_with(demo_data_dir(), None, &[(SETTING, "0")]);
        let held = std::fs::read_dir(format!("/proc/{}/fd", server.pid()))
            .unwrap()
            .filter_map(|fd| std::fs::read_link(fd.unwrap().path()).ok())
            .any(|target| target == std::path::Path::new(DEVICE));
        assert!(held, "the server does not hold {DEVICE} open");
        assert!(server
            .log_text()
            .contains("idle CPUs held to a 0 µs wake-up latency"));
        let answer = server
            .post(
                "/v1/answer",
                Some(READER),
                &json!({"question": "x500 price"}),
            )
            .expect(200);
        assert!(answer["answer"].is_object(), "{answer}");
    } else {
        let stderr = refused("0");
        assert!(
            stderr.contains("server.cpu_wakeup_latency_us") && stderr.contains(DEVICE),
            "{stderr}"
        );
    }
    let stderr = refused("4294967295");
    assert!(stderr.contains("at most 2147483647 µs"), "{stderr}");
}
