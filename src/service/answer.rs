//! The answer pipeline: understand the question (normalise, language, entities, cues), resolve
//! it against the conversation, retrieve, reason over the graph, pick the best answer with a
//! calibrated confidence, decide on a human handoff, remember the turn and log the query.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::store::QueryRecord;
use crate::text::analyzer::{is_han, STOP_WORDS};
use crate::text::TextFilter;

use super::handoff::{decide, Handoff};
use super::reason::{
    anchors, names_something, rank, sigmoid, walk, Anchor, Candidate, Describer, Evidence,
    QuestionSignals, Source, FEATURES,
};
use super::understand::{detect_lang, normalize, Cues, QuestionLang};
use super::{privacy, KnowledgeBase, Result, Snapshot};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AnswerRequest {
    pub question: String,
    pub session_id: Option<String>,
    /// Include how the question was understood and how candidates were scored.
    #[serde(default)]
    pub explain: bool,
}

/// How a question was understood and its candidates scored (`explain: true`).
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub normalized: String,
    pub entities: Vec<ExplainedAnchor>,
    pub relations: Vec<String>,
    pub kinds: Vec<String>,
    pub attributes: Vec<String>,
    /// The question's words outside its entity mentions, as analysed for the index.
    pub other_words: Vec<String>,
    /// Those of them no node's name, aliases, text or attributes contain: a question about
    /// something the KB does not know ("ship to mars") is answered with less confidence.
    pub unknown_words: Vec<String>,
    pub candidates: Vec<ExplainedCandidate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExplainedAnchor {
    pub node_id: String,
    pub weight: f32,
    pub from_context: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExplainedCandidate {
    pub node_id: String,
    /// σ(logit): the model's probability that this candidate is right.
    pub score: f32,
    pub logit: f32,
    /// (feature, value, contribution to the logit) for every non-zero feature.
    pub features: Vec<(&'static str, f32, f32)>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
}

/// An answer with what it was chosen from (for evaluation and fitting).
pub(crate) struct Answered {
    pub response: AnswerResponse,
    pub candidates: Vec<Candidate>,
    pub signals: QuestionSignals,
}

/// How an answer call treats its side effects.
#[derive(Debug, Clone, Copy)]
pub struct AnswerOptions {
    /// Store the (masked) question in the query log.
    pub log: bool,
    /// Keep the session in the store (so another process can continue it).
    pub persist_session: bool,
}

/// An attribute the question asked for, with its value on the answer node.
#[derive(Debug, Clone, Serialize)]
pub struct AttributeAnswer {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerNode {
    pub node_id: String,
    pub kind: String,
    pub name: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute: Option<AttributeAnswer>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Alternative {
    pub node_id: String,
    pub kind: String,
    pub name: String,
    /// This candidate's share of the engine's belief among the leading candidates.
    pub score: f32,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidencePath {
    /// Node ids and the relation names walked between them (inverse names when walked backward).
    pub path: Vec<String>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_id: Option<String>,
    pub question: String,
    pub lang: &'static str,
    pub answer: Option<AnswerNode>,
    pub confidence: f32,
    pub alternatives: Vec<Alternative>,
    pub evidence: Vec<EvidencePath>,
    pub handoff: Handoff,
    pub degraded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    pub kb_version: u64,
    pub timings_ms: BTreeMap<&'static str, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explanation>,
}

/// Confidence below which no answer is given and a human is recommended (until `tune` sets one
/// for the KB).
pub const DEFAULT_THRESHOLD: f32 = 0.35;
const ALTERNATIVES: usize = 5;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A time-ordered, unique query id: milliseconds then randomness, in hex.
fn query_id(now_ms: i64) -> String {
    format!("{:012x}{:08x}", now_ms, rand::random::<u32>())
}

impl KnowledgeBase {
    /// Answers a customer's question. Fails only for an empty or too long question or a store
    /// failure; embedding trouble degrades to lexical retrieval (`degraded: true`).
    pub fn answer(
        &self,
        request: &AnswerRequest,
        options: AnswerOptions,
    ) -> Result<AnswerResponse> {
        self.answer_with_candidates(request, options)
            .map(|answered| answered.response)
    }

    /// [`KnowledgeBase::answer`], also returning the ranked candidates (for evaluation and
    /// fitting).
    pub(crate) fn answer_with_candidates(
        &self,
        request: &AnswerRequest,
        options: AnswerOptions,
    ) -> Result<Answered> {
        let started = Instant::now();
        let question = request.question.trim();
        self.check_question("question", question)?;
        if let Some(id) = &request.session_id {
            if id.is_empty() || id.len() > 128 {
                return Err(super::ServiceError::bad_request(
                    "session_id",
                    "must be 1 to 128 characters",
                ));
            }
        }
        let snapshot = self.snapshot();
        let now = now_ms();
        let mut session = match &request.session_id {
            Some(id) => Some(
                self.sessions
                    .load(&self.store, id, now, options.persist_session)?,
            ),
            None => None,
        };
        let context: Vec<u32> = session
            .as_ref()
            .map(|s| {
                s.entities
                    .iter()
                    .filter_map(|id| snapshot.slot_of(id))
                    .collect()
            })
            .unwrap_or_default();

        let mut timings = BTreeMap::new();
        let kb_settings = self.kb_settings();
        let reasoner = kb_settings.reasoner.clone().unwrap_or_default();
        let understand = || {
            let stage = Instant::now();
            let normalized = normalize(question);
            let lang = detect_lang(&normalized);
            let links = snapshot.linker().link(&normalized);
            let cues = snapshot.linker().cues_outside(
                &normalized,
                &links,
                &|slot, kind| snapshot.node_at(slot).kind.as_str() == kind,
                &|slot, key| snapshot.node_at(slot).attrs.contains_key(key),
            );
            let anchors = anchors(&links, &context, &cues);
            Understood {
                normalized,
                lang,
                links,
                cues,
                anchors,
                took_ms: ms(stage),
            }
        };
        // Without a conversation the question is retrieved as it is, so the model starts on it
        // before the question is understood (understanding is done while it embeds). A follow-up
        // that names nothing is retrieved together with what it refers back to, which takes
        // understanding it first.
        let understood = OnceCell::new();
        let mut query_text = question.to_owned();
        if !context.is_empty() {
            let Understood {
                links,
                cues,
                anchors,
                ..
            } = understood.get_or_init(understand);
            if let Some(anchor) = anchors.iter().find(|a| a.from_context) {
                if !names_something(links, cues) {
                    query_text = format!("{question} {}", snapshot.node_at(anchor.slot).name);
                }
            }
        }
        // Understanding (unless done above), the question's other words, the graph walk and the
        // candidates known without a vector are worked out while the model embeds the question.
        // The cells outlive the step that fills them, so the describer it builds can borrow.
        let depth = self.settings.search.leg_depth;
        let (rest_terms, kind_terms, mentions) =
            (OnceCell::new(), OnceCell::new(), OnceCell::new());
        let mut described = None;
        let retrieval = self.retrieve(
            &snapshot,
            &query_text,
            true,
            &TextFilter::default(),
            depth,
            |lexical| {
                let Understood {
                    normalized,
                    links,
                    cues,
                    anchors,
                    ..
                } = understood.get_or_init(understand);
                let stage = Instant::now();
                let rest_terms = rest_terms.get_or_init(|| {
                    snapshot
                        .text
                        .word_terms(&outside_mentions(normalized, links))
                });
                let found = walk(
                    &snapshot,
                    anchors,
                    cues,
                    rest_terms,
                    self.settings.answer.max_hops,
                );
                let walk_ms = ms(stage);
                let stage = Instant::now();
                let evidence = Evidence {
                    snapshot: &snapshot,
                    anchors,
                    rest_terms,
                    kind_terms: kind_terms.get_or_init(|| {
                        snapshot
                            .text
                            .word_terms(&within(normalized, &cues.kind_spans))
                    }),
                    mentions: mentions.get_or_init(|| {
                        super::understand::Linker::mention_texts(normalized, links)
                    }),
                    cues,
                };
                let describer = Describer::new(evidence, lexical, found);
                // The words no node knows (looked up in the term dictionary the first time) are
                // counted here too, while the model embeds.
                let unknown = unknown_words(&snapshot, rest_terms);
                described = Some((describer, walk_ms, ms(stage), unknown));
            },
        )?;
        let Understood {
            normalized,
            lang,
            links,
            cues,
            anchors,
            took_ms: understand_ms,
        } = understood.get().expect("retrieval understood the question");
        let lang = *lang;
        timings.insert("understand", *understand_ms);
        let (describer, walk_ms, described_ms, unknown) =
            described.expect("retrieval runs the walk");
        let rest_terms = rest_terms.get().expect("the walk analysed the other words");
        timings.insert("walk", walk_ms);
        timings.insert("embed", retrieval.embed_ms);
        timings.insert("lexical", retrieval.lexical_ms);
        timings.insert("dense", retrieval.dense_ms);
        let query_vector = retrieval.vector.clone();

        // `reason` counts the candidates described during the embedding too.
        let stage = Instant::now();
        let ranked = rank(
            describer.finish(
                [&retrieval.legs[1].hits, &retrieval.legs[2].hits],
                query_vector.as_deref().map(Vec::as_slice),
            ),
            &reasoner,
        );
        timings.insert("reason", ms(stage) + described_ms);

        let stage = Instant::now();
        let unknown = unknown?;
        let signals = QuestionSignals {
            best_cosine: retrieval.legs[1].hits.first().map_or(0.0, |h| h.1),
            unknown_share: unknown.iter().filter(|(_, u)| *u).count() as f32
                / unknown.len().max(1) as f32,
        };
        let confidence = ranked
            .first()
            .map_or(0.0, |top| reasoner.confidence(top, ranked.get(1), &signals));
        let threshold = kb_settings.answer_threshold.unwrap_or(DEFAULT_THRESHOLD);
        let confident = confidence >= threshold && !ranked.is_empty();
        let failed_streak = session.as_ref().map_or(0, |s| s.failed_streak);
        let handoff = decide(
            cues,
            question,
            confident,
            failed_streak,
            self.settings.answer.max_failed_turns,
        );
        let best = ranked.first().filter(|_| confident);
        let answer = best.map(|c| answer_node(&snapshot, c));
        // Scores are shares of the leading candidates' softmax: how the engine splits its belief
        // among them (the best one's own confidence is `confidence`).
        let top_logit = ranked.first().map_or(0.0, |c| c.logit);
        let mass: f32 = ranked
            .iter()
            .take(ALTERNATIVES + 1)
            .map(|c| (c.logit - top_logit).exp())
            .sum();
        let share = |c: &Candidate| (c.logit - top_logit).exp() / mass.max(1e-9);
        let alternatives = ranked
            .iter()
            .skip(usize::from(best.is_some()))
            .take(ALTERNATIVES)
            .map(|c| {
                let node = snapshot.node_at(c.slot);
                Alternative {
                    node_id: node.id.to_string(),
                    kind: node.kind.to_string(),
                    name: node.name.clone(),
                    score: round3(share(c)),
                }
            })
            .collect();
        let evidence = best
            .map(|c| evidence_of(&snapshot, c))
            .into_iter()
            .collect();
        timings.insert("assemble", ms(stage));

        if let Some(state) = session.as_mut() {
            let answered = best.map(|c| TurnAnswer {
                slot: c.slot,
                along_relation_asked: c.features.complete_graph_answer > 0.0,
            });
            let entities: Vec<String> = turn_entities(links, anchors, answered, |slot| {
                snapshot.node_at(slot).kind.as_str()
            })
            .into_iter()
            .map(|slot| snapshot.node_at(slot).id.to_string())
            .collect();
            state.record(&entities, None, !confident, now);
        }
        if let Some(state) = session {
            self.sessions
                .save(&self.store, state, options.persist_session)?;
        }
        let explain = request.explain.then(|| Explanation {
            normalized: normalized.clone(),
            entities: anchors
                .iter()
                .map(|a| ExplainedAnchor {
                    node_id: snapshot.node_at(a.slot).id.to_string(),
                    weight: round3(a.weight),
                    from_context: a.from_context,
                })
                .collect(),
            relations: cues
                .relations
                .iter()
                .map(|(r, _)| snapshot.rel_name(*r).to_owned())
                .collect(),
            kinds: cues.kinds.iter().map(|(k, _)| k.clone()).collect(),
            attributes: cues.attributes.iter().map(|(a, _)| a.clone()).collect(),
            other_words: rest_terms.clone(),
            unknown_words: unknown
                .iter()
                .filter(|(_, unknown)| *unknown)
                .map(|(t, _)| t.clone())
                .collect(),
            candidates: ranked
                .iter()
                .take(10)
                .map(|c| ExplainedCandidate {
                    node_id: snapshot.node_at(c.slot).id.to_string(),
                    score: round3(sigmoid(c.logit)),
                    logit: round3(c.logit),
                    features: FEATURES
                        .iter()
                        .zip(c.features.values())
                        .zip(&reasoner.weights)
                        .filter(|((_, x), _)| *x != 0.0)
                        .map(|((name, x), w)| (*name, round3(x), round3(x * w)))
                        .collect(),
                    path: c
                        .path
                        .as_ref()
                        .map(|p| path_names(&snapshot, p))
                        .unwrap_or_default(),
                })
                .collect(),
        });
        let total = ms(started);
        timings.insert("total", total);
        let query_id = options.log.then(|| query_id(now));
        let response = AnswerResponse {
            query_id,
            question: question.to_owned(),
            lang: lang.as_str(),
            answer,
            confidence: round3(confidence),
            alternatives,
            evidence,
            handoff,
            degraded: retrieval.degraded.is_some(),
            session_id: request.session_id.clone(),
            kb_version: snapshot.kb_version,
            timings_ms: timings
                .into_iter()
                .map(|(k, v)| (k, round3(v as f32) as f64))
                .collect(),
            explain,
        };
        if let Some(id) = &response.query_id {
            self.log_query(id, now, &response)?;
        }
        Ok(Answered {
            response,
            candidates: ranked,
            signals,
        })
    }

    fn log_query(&self, id: &str, now: i64, response: &AnswerResponse) -> Result<()> {
        let record = QueryRecord {
            query_id: id.to_owned(),
            at_ms: now,
            question: self
                .settings
                .log
                .keep_question_text
                .then(|| privacy::mask(&response.question)),
            lang: response.lang.to_owned(),
            answer_id: response.answer.as_ref().map(|a| a.node_id.clone()),
            confidence: response.confidence,
            handoff_reason: response.handoff.reason.map(|r| r.as_str().to_owned()),
            session_id: response.session_id.clone(),
            total_ms: response
                .timings_ms
                .get("total")
                .copied()
                .unwrap_or_default(),
            timings_ms: response
                .timings_ms
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
            degraded: response.degraded,
        };
        self.query_log.add(record)
    }
}

/// For each of the question's other words (`rest_terms`), whether no node contains it even
/// misspelt. Jieba's search mode gives a word and its sub-words ("能寄到", "寄到"): a word is
/// counted once, by its longest form. A stem that is a stop word ("whats" → "what") is in no
/// index and says nothing.
fn unknown_words(snapshot: &Snapshot, rest_terms: &[String]) -> Result<Vec<(String, bool)>> {
    rest_terms
        .iter()
        .filter(|t| {
            !t.chars().any(is_han)
                || !rest_terms
                    .iter()
                    .any(|o| o.len() > t.len() && o.contains(t.as_str()))
        })
        .filter(|t| !STOP_WORDS.contains(&t.as_str()))
        .map(|t| {
            snapshot
                .text
                .knows_nearly(t)
                .map(|known| (t.clone(), !known))
                .map_err(Into::into)
        })
        .collect()
}

/// The question with its entity mentions blanked out: what is left says what the answer itself
/// is about.
fn outside_mentions(normalized: &str, links: &[super::understand::Link]) -> String {
    masked(normalized, links.iter().map(|l| (l.start, l.end)), false)
}

/// The characters of `normalized` within `spans`, the rest blanked.
fn within(normalized: &str, spans: &[(usize, usize)]) -> String {
    masked(normalized, spans.iter().copied(), true)
}

/// `normalized` with the characters inside the (character) `spans` kept and the rest blanked,
/// or the other way round.
fn masked(
    normalized: &str,
    spans: impl Iterator<Item = (usize, usize)>,
    keep_inside: bool,
) -> String {
    let chars: Vec<char> = normalized.chars().collect();
    let len = chars.len();
    let mut inside = vec![false; len];
    for (start, end) in spans {
        inside[start.min(len)..end.min(len)].fill(true);
    }
    chars
        .into_iter()
        .zip(inside)
        .map(|(c, inside)| if inside == keep_inside { c } else { ' ' })
        .collect()
}

/// How a question was understood: its normal form, language, entity mentions, cues and the
/// entities it is anchored on.
struct Understood {
    normalized: String,
    lang: QuestionLang,
    links: Vec<super::understand::Link>,
    cues: Cues,
    anchors: Vec<Anchor>,
    took_ms: f64,
}

/// A turn's answer, as the conversation remembers it.
#[derive(Debug, Clone, Copy)]
struct TurnAnswer {
    slot: u32,
    /// Reached along the relation the question asked about ("what replaced the x100").
    along_relation_asked: bool,
}

/// The entities a turn leaves for later turns to refer back to, the one it is about first: what
/// it names, in the order it names them, behind the conversation's topic when the turn leans on
/// the conversation and names nothing of the topic's kind ("有NFC吗" after asking about a phone
/// is still about the phone, so "那电池多大" is too), then its answer — or, when the answer was
/// found along the relation the turn asked about, the answer first ("what replaced the voyager
/// classic" → "does that one have an annual fee" asks about the replacement).
fn turn_entities<'k>(
    links: &[super::understand::Link],
    anchors: &[Anchor],
    answered: Option<TurnAnswer>,
    kind_of: impl Fn(u32) -> &'k str,
) -> Vec<u32> {
    let first_named = |slot: u32| {
        links
            .iter()
            .filter(|l| l.slot == slot)
            .map(|l| l.start)
            .min()
            .unwrap_or(usize::MAX)
    };
    let mut entities: Vec<u32> = anchors
        .iter()
        .filter(|a| !a.from_context)
        .map(|a| a.slot)
        .collect();
    entities.sort_by_key(|&slot| (first_named(slot), slot));
    // Anchors come strongest first: the first from the conversation is its topic.
    if let Some(topic) = anchors.iter().find(|a| a.from_context) {
        let replaced = entities.iter().any(|&s| kind_of(s) == kind_of(topic.slot));
        if !replaced {
            entities.insert(0, topic.slot);
        }
    }
    if let Some(answer) = answered {
        entities.retain(|&slot| slot != answer.slot);
        if answer.along_relation_asked {
            entities.insert(0, answer.slot);
        } else {
            entities.push(answer.slot);
        }
    }
    entities
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

fn round3(value: f32) -> f32 {
    (value * 1000.0).round() / 1000.0
}

fn answer_node(snapshot: &Snapshot, candidate: &Candidate) -> AnswerNode {
    let node = snapshot.node_at(candidate.slot);
    let attribute = candidate.attribute.as_ref().and_then(|key| {
        node.attrs.get(key).map(|value| AttributeAnswer {
            key: key.clone(),
            value: value.display(),
        })
    });
    let text = match &attribute {
        Some(attribute) => format!(
            "{} — {}: {}",
            node.name,
            attribute.key.replace('_', " "),
            attribute.value
        ),
        None if node.text.is_empty() => node.name.clone(),
        None => node.text.clone(),
    };
    AnswerNode {
        node_id: node.id.to_string(),
        kind: node.kind.to_string(),
        name: node.name.clone(),
        text,
        attribute,
        source: candidate.source(),
    }
}

fn path_names(snapshot: &Snapshot, path: &crate::graph::Path) -> Vec<String> {
    let mut out = vec![snapshot.node_at(path.start).id.to_string()];
    for step in &path.steps {
        out.push(snapshot.step_name(step.rel, step.direction).to_owned());
        out.push(snapshot.node_at(step.to).id.to_string());
    }
    out
}

fn evidence_of(snapshot: &Snapshot, candidate: &Candidate) -> EvidencePath {
    let source = candidate.source();
    let path = match (&candidate.path, source) {
        (Some(path), Source::Graph) => path_names(snapshot, path),
        _ => vec![snapshot.node_at(candidate.slot).id.to_string()],
    };
    EvidencePath { path, source }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::understand::Link;

    fn link(slot: u32, start: usize) -> Link {
        Link {
            slot,
            start,
            end: start + 3,
            ambiguity: 1,
            exact: true,
            length: 3,
        }
    }

    fn anchor(slot: u32, weight: f32, from_context: bool) -> Anchor {
        Anchor {
            slot,
            weight,
            from_context,
        }
    }

    /// Slots 1 and 2 are products, 3 is a feature.
    fn kind_of(slot: u32) -> &'static str {
        if slot == 3 {
            "feature"
        } else {
            "product"
        }
    }

    #[test]
    fn a_turn_remembers_what_it_names_in_the_order_it_names_it() {
        // "is the nova 7 ultra (2) waterproof (3)": equal weights, the first mention leads.
        let anchors = [anchor(3, 1.0, false), anchor(2, 1.0, false)];
        let links = [link(2, 7), link(3, 24)];
        assert_eq!(turn_entities(&links, &anchors, None, kind_of), [2, 3]);
    }

    #[test]
    fn the_conversations_topic_stays_first_until_something_of_its_kind_replaces_it() {
        // "有NFC吗" (3) while talking about product 1: still about product 1.
        let leaning = [anchor(3, 1.0, false), anchor(1, 0.42, true)];
        assert_eq!(
            turn_entities(&[link(3, 1)], &leaning, None, kind_of),
            [1, 3]
        );
        // "and the x500 (2)?": the new product takes over.
        let switching = [anchor(2, 1.0, false), anchor(1, 0.42, true)];
        assert_eq!(turn_entities(&[link(2, 8)], &switching, None, kind_of), [2]);
        // No conversation: only what the turn names.
        assert_eq!(
            turn_entities(&[link(3, 1)], &[anchor(3, 1.0, false)], None, kind_of),
            [3]
        );
    }

    #[test]
    fn an_answer_found_along_the_relation_asked_leads_the_next_turn() {
        let named = [anchor(1, 1.0, false)];
        // "what replaced product 1" → product 2: "does that one …" asks about product 2; an
        // answer about what was named comes after it.
        for (slot, along_relation_asked, turn) in [(2, true, [2, 1]), (3, false, [1, 3])] {
            let answered = TurnAnswer {
                slot,
                along_relation_asked,
            };
            assert_eq!(
                turn_entities(&[link(1, 18)], &named, Some(answered), kind_of),
                turn
            );
        }
    }
}
