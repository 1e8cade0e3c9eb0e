//! Crash safety of HTTP writes: `answergraph serve` runs on a copy of the demo KB while a client
//! sends editor writes one after another — `PUT`/`DELETE /v1/nodes`, `PUT`/`DELETE /v1/edges`
//! and `POST /v1/import` deltas of 1 to 300 FAQs that also rewrite and delete earlier ones — and
//! the server is killed with SIGKILL at a random moment. Then, with the server down, `stats` and
//! `export` must succeed, the demo part of the KB must be untouched and the written part must be
//! exactly what the acknowledged writes made, plus the write in flight either whole or not at
//! all, with the KB version to match. Then the server starts again on the same directory (the
//! next round's server) and its derived state must agree with the store: lexical, dense and
//! hybrid search find the FAQs that are there and not those that are not, and the graph
//! holds exactly the stored edges.
//!
//! Every FAQ the client writes has a word of its own (`quixt` and four letters no stemmer
//! removes) in its name, alias and text, so a lexical search for the word finds that FAQ alone;
//! a dense search for its name finds it among the first hundred (the names differ only in that
//! word, so up to 300 of them may rank alike, but a FAQ without a vector is never found).
//!
//! `ANSWERGRAPH_CRASH_HTTP_ROUNDS` sets the number of kills (default 10; `make crash-test` runs
//! more), `ANSWERGRAPH_CRASH_SEED` replays a run's choices (the kill moments race the server,
//! so a replay is close, not exact).

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, IteratorRandom};
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::{env_number, export};
use crate::common::*;
use crate::server::{encoded, Server, EDITOR, READER};

const PROBE_PREFIX: &str = "faq/crash-http-";
/// The longest a round writes before its kill. A debug build takes 50–300 ms for one node or
/// edge and up to about 600 ms for a 300-FAQ import, so kills land before, inside and between
/// writes of every kind.
const LONGEST_ROUND: Duration = Duration::from_millis(1500);
/// FAQs the client keeps around: above this, imports delete more than they rewrite.
const POPULATION: usize = 400;
const IMPORT_SIZES: [usize; 5] = [1, 5, 25, 100, 300];

/// The word of the `n`th written FAQ: consonants other than `l`, `s` and `y` end no English
/// suffix, so the Porter stemmer leaves every word whole and distinct.
fn probe_word(n: u32) -> String {
    const LETTERS: &[u8] = b"bcdfghjkmnpqrtvwxz";
    let base = LETTERS.len() as u32;
    let letter = |k: u32| char::from(LETTERS[((n / base.pow(k)) % base) as usize]);
    format!("quixt{}{}{}{}", letter(3), letter(2), letter(1), letter(0))
}

fn probe_name(word: &str) -> String {
    format!("How do I recalibrate the {word} sensor?")
}

/// An FAQ as the client writes it, and as `export` must give it back.
fn probe_node(id: &str, word: &str) -> Value {
    json!({
        "id": id,
        "kind": "faq",
        "name": probe_name(word),
        "aliases": [format!("{word} calibration")],
        "text": format!("Hold the {word} button for five seconds until the light turns blue."),
        "lang": "en",
    })
}

fn about_edge(from: &str, to: &str, weight: Option<f64>) -> Value {
    let mut edge = json!({ "from": from, "rel": "about", "to": to });
    if let Some(weight) = weight {
        edge["weight"] = json!(weight);
    }
    edge
}

type Ends = (String, String);

/// The client-written part of the KB: FAQs (id → word) and their `about` edges (→ weight).
#[derive(Debug, Clone, Default, PartialEq)]
struct Probes {
    nodes: BTreeMap<String, String>,
    edges: BTreeMap<Ends, Option<f64>>,
}

impl Probes {
    fn edges_at(&self, id: &str) -> BTreeMap<Ends, Option<f64>> {
        self.edges
            .iter()
            .filter(|((from, _), _)| from == id)
            .map(|(ends, weight)| (ends.clone(), *weight))
            .collect()
    }

    /// Ids whose FAQ or edges differ between `self` and `other`.
    fn touched(&self, other: &Probes) -> BTreeSet<String> {
        let ids = self.nodes.keys().chain(other.nodes.keys());
        let edge_ids = self.edges.keys().chain(other.edges.keys()).map(|(f, _)| f);
        ids.chain(edge_ids)
            .filter(|id| {
                self.nodes.get(*id) != other.nodes.get(*id)
                    || self.edges_at(id) != other.edges_at(id)
            })
            .cloned()
            .collect()
    }

    /// What differs from `other`, for a failure message.
    fn differences(&self, other: &Probes) -> String {
        let mut lines: Vec<String> = self
            .touched(other)
            .iter()
            .take(5)
            .map(|id| {
                format!(
                    "{id}: {:?} with edges {:?}, expected {:?} with edges {:?}",
                    self.nodes.get(id),
                    self.edges_at(id),
                    other.nodes.get(id),
                    other.edges_at(id)
                )
            })
            .collect();
        lines.push(format!("({} ids differ)", self.touched(other).len()));
        lines.join("\n  ")
    }
}

/// One editor write: one request, one batch.
#[derive(Debug, Clone)]
enum Write {
    PutNode {
        id: String,
        word: String,
    },
    DeleteNode {
        id: String,
    },
    PutEdge {
        ends: Ends,
        weight: Option<f64>,
    },
    DeleteEdge {
        ends: Ends,
    },
    /// A delta: FAQs written (new or rewritten), new edges, FAQs and edges deleted.
    Import {
        nodes: Vec<(String, String)>,
        edges: Vec<Ends>,
        deletes: Vec<String>,
        edge_deletes: Vec<Ends>,
    },
}

impl Write {
    fn kind(&self) -> &'static str {
        match self {
            Write::PutNode { .. } => "PUT node",
            Write::DeleteNode { .. } => "DELETE node",
            Write::PutEdge { .. } => "PUT edge",
            Write::DeleteEdge { .. } => "DELETE edge",
            Write::Import { .. } => "import",
        }
    }

    fn summary(&self) -> String {
        match self {
            Write::Import {
                nodes,
                edges,
                deletes,
                edge_deletes,
            } => format!(
                "import of {} FAQs, {} edges, {} FAQ and {} edge deletions",
                nodes.len(),
                edges.len(),
                deletes.len(),
                edge_deletes.len()
            ),
            other => format!("{other:?}"),
        }
    }

    fn apply(&self, probes: &mut Probes) {
        match self {
            Write::PutNode { id, word } => {
                probes.nodes.insert(id.clone(), word.clone());
            }
            Write::DeleteNode { id } => {
                probes.nodes.remove(id);
                probes.edges.retain(|(from, _), _| from != id);
            }
            Write::PutEdge { ends, weight } => {
                probes.edges.insert(ends.clone(), *weight);
            }
            Write::DeleteEdge { ends } => {
                probes.edges.remove(ends);
            }
            Write::Import {
                nodes,
                edges,
                deletes,
                edge_deletes,
            } => {
                for id in deletes {
                    Write::DeleteNode { id: id.clone() }.apply(probes);
                }
                for ends in edge_deletes {
                    probes.edges.remove(ends);
                }
                for (id, word) in nodes {
                    probes.nodes.insert(id.clone(), word.clone());
                }
                for ends in edges {
                    probes.edges.insert(ends.clone(), None);
                }
            }
        }
    }

    /// Sends the write; `Err` when no complete response came back.
    fn send(&self, server: &Server) -> Result<crate::server::Reply, ureq::Error> {
        let json_body = |value: Value| Some(("application/json", value.to_string().into_bytes()));
        let key = Some(EDITOR);
        match self {
            Write::PutNode { id, word } => server.try_call(
                "PUT",
                &format!("/v1/nodes/{}", encoded(id)),
                key,
                json_body(probe_node(id, word)),
            ),
            Write::DeleteNode { id } => {
                server.try_call("DELETE", &format!("/v1/nodes/{}", encoded(id)), key, None)
            }
            Write::PutEdge { ends, weight } => server.try_call(
                "PUT",
                "/v1/edges",
                key,
                json_body(about_edge(&ends.0, &ends.1, *weight)),
            ),
            Write::DeleteEdge { ends } => server.try_call(
                "DELETE",
                "/v1/edges",
                key,
                json_body(about_edge(&ends.0, &ends.1, None)),
            ),
            Write::Import {
                nodes,
                edges,
                deletes,
                edge_deletes,
            } => {
                let mut delta = String::new();
                for (id, word) in nodes {
                    delta.push_str(&format!("{}\n", probe_node(id, word)));
                }
                for (from, to) in edges {
                    delta.push_str(&format!("{}\n", about_edge(from, to, None)));
                }
                for id in deletes {
                    delta.push_str(&format!("{}\n", json!({ "delete": id })));
                }
                for (from, to) in edge_deletes {
                    let edge = about_edge(from, to, None);
                    delta.push_str(&format!("{}\n", json!({ "delete_edge": edge })));
                }
                server.try_call(
                    "POST",
                    "/v1/import",
                    key,
                    Some(("application/x-ndjson", delta.into_bytes())),
                )
            }
        }
    }
}

/// Chooses writes at random, always valid for the current state: a mix of every kind, with
/// imports of every size that also rewrite and delete earlier FAQs and edges.
struct Writes {
    rng: StdRng,
    /// Demo products and features, which FAQs may be `about`.
    targets: Vec<String>,
    /// Words used so far (each FAQ version gets a new one).
    words: u32,
    /// New FAQ ids so far.
    ids: u32,
}

impl Writes {
    fn word(&mut self) -> String {
        self.words += 1;
        probe_word(self.words)
    }

    fn new_id(&mut self) -> String {
        self.ids += 1;
        format!("{PROBE_PREFIX}{:05}", self.ids)
    }

    fn target(&mut self) -> String {
        self.targets.choose(&mut self.rng).unwrap().clone()
    }

    fn existing(&mut self, probes: &Probes) -> Option<String> {
        probes.nodes.keys().choose(&mut self.rng).cloned()
    }

    fn next(&mut self, probes: &Probes) -> Write {
        let roll = if probes.nodes.len() < 3 {
            0
        } else {
            self.rng.random_range(0..100)
        };
        match roll {
            0..30 => self.import(probes),
            30..50 => {
                let id = if self.rng.random_bool(0.5) {
                    self.existing(probes).unwrap()
                } else {
                    self.new_id()
                };
                Write::PutNode {
                    id,
                    word: self.word(),
                }
            }
            50..65 => match probes.edges.iter().choose(&mut self.rng) {
                Some((ends, weight)) if self.rng.random_bool(0.3) => {
                    let weights = [0.25, 0.5, 0.75]
                        .into_iter()
                        .filter(|w| Some(*w) != *weight);
                    Write::PutEdge {
                        ends: ends.clone(),
                        weight: weights.choose(&mut self.rng),
                    }
                }
                _ => loop {
                    let ends = (self.existing(probes).unwrap(), self.target());
                    if !probes.edges.contains_key(&ends) {
                        break Write::PutEdge { ends, weight: None };
                    }
                },
            },
            65..80 => match probes.edges.keys().choose(&mut self.rng).cloned() {
                Some(ends) => Write::DeleteEdge { ends },
                None => self.import(probes),
            },
            _ => Write::DeleteNode {
                id: self.existing(probes).unwrap(),
            },
        }
    }

    fn import(&mut self, probes: &Probes) -> Write {
        let size = *IMPORT_SIZES.choose(&mut self.rng).unwrap();
        let population = probes.nodes.len();
        let delete_count = (2 + population.saturating_sub(POPULATION)).min(population);
        let mut existing = probes
            .nodes
            .keys()
            .cloned()
            .choose_multiple(&mut self.rng, delete_count + 2);
        let rewritten = existing.split_off(existing.len().min(delete_count));
        let deletes = existing;
        let edge_deletes: Vec<Ends> = probes
            .edges
            .keys()
            .filter(|(from, _)| !deletes.contains(from))
            .choose(&mut self.rng)
            .cloned()
            .into_iter()
            .collect();
        let mut nodes: Vec<(String, String)> =
            rewritten.into_iter().map(|id| (id, self.word())).collect();
        let mut edges = Vec::new();
        for _ in 0..size {
            let id = self.new_id();
            edges.push((id.clone(), self.target()));
            nodes.push((id, self.word()));
        }
        Write::Import {
            nodes,
            edges,
            deletes,
            edge_deletes,
        }
    }
}

/// What a round's client saw: the writes acknowledged (in order) and the one that got no
/// answer.
struct Written {
    acknowledged: Vec<Write>,
    in_flight: Write,
}

/// Sends writes one after another until one gets no response. Every response must be a 200
/// with the next KB version.
fn write_until_killed(
    server: &Server,
    writes: &mut Writes,
    mut probes: Probes,
    mut version: u64,
) -> Written {
    let mut acknowledged = Vec::new();
    loop {
        let write = writes.next(&probes);
        let Ok(reply) = write.send(server) else {
            return Written {
                acknowledged,
                in_flight: write,
            };
        };
        let outcome = reply.expect(200);
        assert_eq!(
            outcome["kb_version"],
            version + 1,
            "{}: {outcome}",
            write.summary()
        );
        version += 1;
        write.apply(&mut probes);
        acknowledged.push(write);
    }
}

/// An export split into the demo part (lines that mention no written FAQ) and the written part.
struct Export {
    demo: Vec<String>,
    probes: Probes,
}

fn read_export(data: &Path, context: &str) -> Export {
    let [_, nodes, edges] = export(data);
    let mut demo = Vec::new();
    let mut probes = Probes::default();
    for line in String::from_utf8(nodes).unwrap().lines() {
        let node: Value = serde_json::from_str(line).unwrap();
        let id = node["id"].as_str().unwrap();
        if !id.starts_with(PROBE_PREFIX) {
            demo.push(line.to_owned());
            continue;
        }
        // The word is the alias's first word; the whole node must be as written with it.
        let word = node["aliases"][0]
            .as_str()
            .and_then(|a| a.split(' ').next())
            .unwrap_or_default();
        assert_eq!(
            node,
            probe_node(id, word),
            "{context}: a written FAQ is not as written"
        );
        probes.nodes.insert(id.to_owned(), word.to_owned());
    }
    for line in String::from_utf8(edges).unwrap().lines() {
        if !line.contains(PROBE_PREFIX) {
            demo.push(line.to_owned());
            continue;
        }
        let edge: Value = serde_json::from_str(line).unwrap();
        let (from, to) = (edge["from"].as_str().unwrap(), edge["to"].as_str().unwrap());
        assert_eq!(
            edge,
            about_edge(from, to, edge["weight"].as_f64()),
            "{context}"
        );
        probes
            .edges
            .insert((from.to_owned(), to.to_owned()), edge["weight"].as_f64());
    }
    Export { demo, probes }
}

/// Search hits for a stored FAQ's name are read this deep: up to 300 FAQs whose names differ
/// only in a made-up word may rank above it; one without a vector is never among them.
const NAME_HITS: usize = 100;

fn hit_ids(
    server: &Server,
    mode: &str,
    query: &str,
    k: usize,
    version: u64,
    context: &str,
) -> Vec<String> {
    let body = json!({ "query": query, "mode": mode, "k": k });
    let reply = server.post("/v1/search", Some(READER), &body).expect(200);
    assert_eq!(reply["kb_version"], version, "{context}: {mode} search");
    assert_eq!(reply["degraded"], false, "{context}: {mode} search");
    reply["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The restarted server's search and graph agree with the stored `now` about `ids`: each FAQ
/// that is stored is found by its word (lexical) and its name (dense, hybrid) and has exactly
/// its stored edges; each that is not is found by none of the words it had in `others` and
/// has no node; a stored FAQ is not found by a word it no longer has.
fn check_derived(
    server: &Server,
    now: &Probes,
    others: &[&Probes],
    ids: &BTreeSet<String>,
    version: u64,
    context: &str,
) {
    for id in ids {
        let context = format!("{context}, {id}");
        let neighbors = server.get(
            &format!("/v1/nodes/{}/neighbors?hops=1&rel=about", encoded(id)),
            Some(READER),
        );
        match now.nodes.get(id) {
            Some(word) => {
                for (mode, query, k) in [
                    ("lexical", word.clone(), 10),
                    ("dense", probe_name(word), NAME_HITS),
                    ("hybrid", probe_name(word), NAME_HITS),
                ] {
                    let hits = hit_ids(server, mode, &query, k, version, &context);
                    assert!(
                        hits.contains(id),
                        "{context}: a stored FAQ is not found by {mode} search for {query:?}: {hits:?}"
                    );
                }
                let graph = neighbors.expect(200);
                let edges: BTreeMap<Ends, Option<f64>> = graph["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| {
                        let ends = (e["from"].as_str().unwrap(), e["to"].as_str().unwrap());
                        ((ends.0.to_owned(), ends.1.to_owned()), e["weight"].as_f64())
                    })
                    .collect();
                assert_eq!(
                    edges,
                    now.edges_at(id),
                    "{context}: the graph disagrees with the store"
                );
            }
            None => {
                neighbors.expect_error(404, "not_found");
            }
        }
        for other in others {
            let Some(word) = other
                .nodes
                .get(id)
                .filter(|w| now.nodes.get(id) != Some(*w))
            else {
                continue;
            };
            let lexical = hit_ids(server, "lexical", word, 10, version, &context);
            assert!(
                !lexical.contains(id),
                "{context}: found by the word {word} it does not have in the store: {lexical:?}"
            );
            if !now.nodes.contains_key(id) {
                // Names are alike, so a FAQ still stored may rank high for its old name; a
                // deleted one must not be found at all.
                for mode in ["dense", "hybrid"] {
                    let hits = hit_ids(
                        server,
                        mode,
                        &probe_name(word),
                        NAME_HITS,
                        version,
                        &context,
                    );
                    assert!(
                        !hits.contains(id),
                        "{context}: a FAQ not in the store is found by {mode} search: {hits:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn http_writes_killed_at_random_moments_leave_whole_batches_only() {
    let rounds = env_number("ANSWERGRAPH_CRASH_HTTP_ROUNDS").unwrap_or(10) as usize;
    let seed = env_number("ANSWERGRAPH_CRASH_SEED").unwrap_or_else(rand::random);
    let mut rng = StdRng::seed_from_u64(seed);
    let started = Instant::now();

    let targets: Vec<String> = lines(&demo_kb().join("nodes.jsonl"))
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|n| n["kind"] == "product" || n["kind"] == "feature")
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    let mut writes = Writes {
        rng: StdRng::seed_from_u64(rng.random()),
        targets,
        words: 0,
        ids: 0,
    };
    let data = demo_data_dir();
    let demo = read_export(data.path(), "before the first round").demo;
    let mut server = Server::start_in(data, None);
    let mut probes = Probes::default();
    let mut version = server.kb_version();

    let (mut acknowledged, mut landed) = (0, 0);
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for round in 1..=rounds {
        let context = format!("round {round} (ANSWERGRAPH_CRASH_SEED={seed})");
        let delay = LONGEST_ROUND.mul_f64(rng.random_range(0.0..1.0));
        let written = std::thread::scope(|scope| {
            let client =
                scope.spawn(|| write_until_killed(&server, &mut writes, probes.clone(), version));
            std::thread::sleep(delay);
            server.signal_kill();
            client.join().expect("the client saw only acknowledgements")
        });
        let status = server.wait_exit();
        assert_eq!(
            status.signal(),
            Some(9),
            "{context}: the server died on its own"
        );

        // The states the client has reason to expect, in order: before the round, after each
        // acknowledged write, after the write in flight.
        let mut states = vec![probes.clone()];
        for write in written.acknowledged.iter().chain([&written.in_flight]) {
            let mut state = states.last().unwrap().clone();
            write.apply(&mut state);
            states.push(state);
            *kinds.entry(write.kind()).or_default() += 1;
        }
        let acked = written.acknowledged.len();
        acknowledged += acked;

        // With the server down: the store opens, stats and export succeed, and the KB holds
        // every acknowledged write, and the write in flight wholly or not at all.
        let stored_version = stats(server.data.path())["kb_version"].as_u64().unwrap();
        let export = read_export(server.data.path(), &context);
        assert!(
            export.demo == demo,
            "{context}: the demo part of the KB changed"
        );
        let at = if export.probes == states[acked] {
            acked
        } else if export.probes == states[acked + 1] {
            landed += 1;
            acked + 1
        } else {
            panic!(
                "{context}: the KB holds neither the {acked} acknowledged writes nor those and \
                 the write in flight ({}); against the acknowledged state:\n  {}",
                written.in_flight.summary(),
                export.probes.differences(&states[acked])
            );
        };
        version += at as u64;
        assert_eq!(
            stored_version, version,
            "{context}: version and content disagree"
        );

        // Started again, the server's derived state agrees with the store about what the last
        // writes changed (the states next to this one) and a few FAQs besides.
        server.restart();
        assert_eq!(server.kb_version(), version, "{context}");
        let now = &states[at];
        let others: Vec<&Probes> = [at.checked_sub(1), Some(at + 1)]
            .into_iter()
            .flatten()
            .filter_map(|i| states.get(i))
            .collect();
        let touched: BTreeSet<String> = others.iter().flat_map(|o| now.touched(o)).collect();
        let mut ids: BTreeSet<String> = touched
            .into_iter()
            .choose_multiple(&mut rng, 6)
            .into_iter()
            .collect();
        ids.extend(
            now.nodes
                .keys()
                .choose_multiple(&mut rng, 2)
                .into_iter()
                .cloned(),
        );
        check_derived(&server, now, &others, &ids, version, &context);
        probes = states.swap_remove(at);
    }
    let rebuilds = server
        .log_text()
        .matches("text index is missing or behind")
        .count();
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    eprintln!(
        "HTTP crash test: {rounds} servers killed in {:.1} s (seed {seed}): {acknowledged} \
         writes acknowledged, {rounds} unacknowledged ({landed} of them applied before the \
         kill), {} written FAQs at the end; text index rebuilt at {rebuilds} starts; writes \
         sent: {}",
        started.elapsed().as_secs_f64(),
        probes.nodes.len(),
        kinds.join(", ")
    );
}
