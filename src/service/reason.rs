//! Turning a question's understanding and retrieval legs into ranked answer candidates with a
//! calibrated probability of being right.
//!
//! Candidates come from three places: the retrieval legs (FAQ and other text matches), the
//! entities the question names (or the conversation refers back to), and the ends of graph paths
//! walked out from those entities (up to `max_hops`, preferring relations the question asks
//! about). Each candidate is described by the same [`FEATURES`] — absolute similarities, ranks in
//! each leg, whether it is named, holds the attribute asked for, is of the kind asked for, and
//! the best path's coverage of the question's relation cues, length and uncued steps — so an FAQ
//! hit and a graph answer compete on one scale: `p = σ(w · features)`, a logistic model.
//!
//! The weights are data ([`Reasoner`]): defaults fitted on the demo KB's labelled questions, and
//! `answergraph tune` refits them (and the confidence calibration) on any KB's own questions.
//! Features are KB-independent by construction: nothing here knows a kind, relation or node name.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};

use serde::{Deserialize, Serialize};

use crate::graph::{Path, Step};
use crate::vector::{dot, Quantized};

use super::snapshot::{signature, PackedStrs, Snapshot};
use super::understand::{Cues, Link};

/// Declares the candidate features once: the struct, their names and their order in vectors.
macro_rules! features {
    ($($(#[doc = $doc:literal])* $name:ident),* $(,)?) => {
        /// What is known about one candidate, every value roughly in [0, 1].
        #[derive(Debug, Clone, Copy, Default, PartialEq)]
        pub struct Features {
            $($(#[doc = $doc])* pub $name: f32,)*
        }

        /// Names of the features, in vector order (also the order of [`Reasoner::weights`]).
        pub const FEATURES: &[&str] = &[$(stringify!($name)),*];

        impl Features {
            pub fn values(&self) -> [f32; F] {
                [$(self.$name),*]
            }

            /// Features from values in [`FEATURES`] order (missing values are 0).
            pub fn from_values(values: &[f32]) -> Features {
                let mut values = values.iter().copied();
                Features {
                    $($name: values.next().unwrap_or(0.0),)*
                }
            }
        }
    };
}

features! {
    /// Best cosine between the question and the node's name or an alias.
    question_cosine,
    /// Cosine between the question and the node's body.
    text_cosine,
    /// BM25 score relative to the best lexical hit.
    lexical_relative,
    /// 1 / rank in the better of the two dense legs.
    dense_reciprocal_rank,
    /// Link weight when the question names the node.
    named,
    /// Weight when the node comes from earlier turns of the conversation.
    from_context,
    /// The node is named (or in context) and holds the attribute asked for.
    holds_attribute_asked,
    /// The node is named in a question that asks along a relation (so it is rarely the answer).
    named_in_relational_question,
    kind_asked,
    kind_not_asked,
    reached_by_path,
    /// Share of the question's relation cues the best path walks.
    path_cue_coverage,
    /// Steps of the best path along relations the question does not mention (/ 3).
    path_uncued_steps,
    path_anchor_weight,
    path_without_relation_cue,
    path_ends_with_asked_relation,
    /// Share of the named entities the node is reachable from.
    path_anchor_share,
    /// Share of the question's other words in the node's name and aliases.
    name_matches_rest_of_question,
    /// Share of the question's other words named by the nodes the path walks through.
    path_explains_rest_of_question,
    /// Share of the question's other words anywhere in the node (name, aliases, body).
    text_covers_rest_of_question,
    /// Hops of the best path (/ 3).
    path_hops,
    /// Share of the question's entity mentions that the node's own name or an alias contains.
    names_what_the_question_names,
    /// The path walks every relation asked about, ends along one, at the kind asked for (if
    /// any): a complete graph answer. Scaled by how much of the question the path explains.
    complete_graph_answer,
    /// A node not reached by a complete path in a question asking along relations.
    off_path_in_relational_question,
    /// Hops of the shortest walk to the node from any named entity (/ 3): with two entities
    /// named ("the warranty on the bulbs that need the h2 hub"), the answer is usually close to
    /// one of them even when the path covering every cue is long.
    path_shortest_hops,
    /// Share of the question's other named entities the best path passes through (or ends
    /// at): "the warranty on the bulbs that need the h2 hub" is answered by the path from the hub
    /// through the bulbs, not by one from the hub through some other product.
    path_through_named,
}

pub const F: usize = FEATURES.len();

/// A linear scorer over [`FEATURES`] (candidates are ranked by `w · features`, a softmax over a
/// question's candidates) and the calibration of the best candidate's score into a confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reasoner {
    pub weights: Vec<f32>,
    /// Confidence = σ(c · [top score, margin to the runner-up, the share of the question's words
    /// the KB has never seen, top is a complete graph answer, top holds the attribute asked for,
    /// the question's best question-form cosine unless the top is one of those, 1]).
    pub calibration: [f32; CALIBRATION],
}

impl Default for Reasoner {
    /// Fitted by `answergraph fit-scorer` on the candidates of the demo KB's questions (exported
    /// with `tune --export`; see BENCHMARKS.md); applies to any KB until that KB is tuned on its
    /// own questions. `path_through_named` came later and is set by hand (2.0): refitting every
    /// weight with it raised the demo's in-sample score but cost the bank KB 2.4 points.
    /// (Pooling in a synthetic KB's questions was tried: its templated FAQs pulled the weights
    /// away from what hand-written KBs need, costing 9 points on the demo.) The calibration was
    /// refitted on these weights (`fit-scorer --calibration-only`) when unknown words became
    /// typo-tolerant. `off_path_in_relational_question` was then set by hand (−1.5 → −2.5):
    /// once single Chinese characters could cue relations, more questions asked along one, and
    /// the node that answers along none ("z5 耳机配的充电器 退货政策": the earbuds' own return
    /// policy) had to yield to the one that does (demo +2, bank +1, 100k synthetic unchanged;
    /// −3.0 cost the demo two).
    fn default() -> Self {
        Self {
            weights: DEFAULT_WEIGHTS.to_vec(),
            calibration: DEFAULT_CALIBRATION,
        }
    }
}

const DEFAULT_WEIGHTS: [f32; F] = [
    5.089, 1.297, 0.997, 1.542, 4.195, -0.436, 4.459, -2.858, 1.098, -1.098, 0.634, 1.333, 1.010,
    2.169, 0.143, 3.018, 0.681, 2.238, 1.775, 0.418, -3.261, -0.046, 1.598, -2.5, -1.401, 2.0,
];
const DEFAULT_CALIBRATION: [f32; CALIBRATION] = [0.128, 0.509, -2.076, 6.324, 6.700, 9.696, -6.834];
/// Inputs of the confidence calibration.
pub const CALIBRATION: usize = 7;

/// Margins beyond this say nothing more about confidence.
const MAX_MARGIN: f32 = 4.0;

impl Reasoner {
    pub fn logit(&self, features: &[f32; F]) -> f32 {
        self.weights.iter().zip(features).map(|(w, x)| w * x).sum()
    }

    pub fn score(&self, features: &Features) -> f32 {
        self.logit(&features.values())
    }

    /// The confidence that the best candidate is right, from its score, its margin over the
    /// runner-up, what kind of answer it is and how many of the question's words the KB has
    /// never seen ("ship to mars").
    pub fn confidence(
        &self,
        top: &Candidate,
        second: Option<&Candidate>,
        signals: &QuestionSignals,
    ) -> f32 {
        let inputs = calibration_inputs(top.logit, &top.features, second.map(|c| c.logit), signals);
        sigmoid(dot(&self.calibration, &inputs))
    }
}

/// What calibration knows of a question besides its candidates' scores.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QuestionSignals {
    /// The best cosine between the question and any node's question form.
    pub best_cosine: f32,
    /// The share of the question's words (outside entity mentions) absent from the KB.
    pub unknown_share: f32,
}

fn calibration_inputs(
    top: f32,
    features: &Features,
    second: Option<f32>,
    signals: &QuestionSignals,
) -> [f32; CALIBRATION] {
    let margin = second.map_or(MAX_MARGIN, |s| (top - s).min(MAX_MARGIN));
    // How close the question comes to any question form in the KB says much about FAQ-style
    // answers ("is there an FAQ like this at all?") and little about graph answers, whose
    // questions rarely paraphrase a node's name: it counts only for the former.
    let structural = features
        .complete_graph_answer
        .max(features.holds_attribute_asked);
    [
        top,
        margin,
        signals.unknown_share,
        features.complete_graph_answer,
        features.holds_attribute_asked,
        signals.best_cosine * (1.0 - structural.min(1.0)),
        1.0,
    ]
}

pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// An entity a path can start from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    pub slot: u32,
    pub weight: f32,
    pub from_context: bool,
}

/// Where a candidate's strongest evidence came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Retrieval,
    Graph,
    Entity,
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub slot: u32,
    pub features: Features,
    pub logit: f32,
    pub path: Option<Path>,
    /// The attribute the question asks for, when this node holds it.
    pub attribute: Option<String>,
}

impl Candidate {
    pub fn source(&self) -> Source {
        let f = &self.features;
        if f.reached_by_path > 0.0 && f.named == 0.0 && f.from_context == 0.0 {
            Source::Graph
        } else if f.named > 0.0 || f.from_context > 0.0 {
            Source::Entity
        } else {
            Source::Retrieval
        }
    }
}

/// How much a typo-tolerant mention and a conversation entity count, relative to an exact one.
const FUZZY_ANCHOR: f32 = 0.75;
const CONTEXT_ANCHOR: f32 = 0.85;

/// Anchors from the question's links, plus the conversation's entities when the question refers
/// back to them or names none of its own.
pub fn anchors(links: &[Link], context: &[u32], cues: &Cues) -> Vec<Anchor> {
    let mut best: HashMap<u32, Anchor> = HashMap::new();
    let mut add = |anchor: Anchor| {
        best.entry(anchor.slot)
            .and_modify(|a| {
                if anchor.weight > a.weight {
                    *a = anchor;
                }
            })
            .or_insert(anchor);
    };
    for link in links {
        let base = if link.exact { 1.0 } else { FUZZY_ANCHOR };
        let short = if link.length <= 2 { 0.7 } else { 1.0 };
        let asked_for = if is_attribute_phrase(link, cues) {
            0.5
        } else {
            1.0
        };
        add(Anchor {
            slot: link.slot,
            weight: base * short * asked_for / (link.ambiguity as f32).sqrt(),
            from_context: false,
        });
    }
    // The conversation counts fully when the question refers back or names nothing; less when
    // it names something of its own ("需要网关吗" after asking about a lock still means the lock).
    let refers_back = cues.anaphora || !names_something(links, cues);
    let strength = if refers_back { 1.0 } else { 0.5 };
    for (age, &slot) in context.iter().enumerate() {
        add(Anchor {
            slot,
            weight: CONTEXT_ANCHOR * strength * 0.85f32.powi(age as i32),
            from_context: true,
        });
    }
    let mut anchors: Vec<Anchor> = best.into_values().collect();
    anchors.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.slot.cmp(&b.slot)));
    anchors
}

/// Whether a mention is also where an attribute's phrase starts: "月费" in "有月费吗" is the
/// alias of the monthly fee, but asks for an attribute of what the conversation is about.
fn is_attribute_phrase(link: &Link, cues: &Cues) -> bool {
    cues.attributes
        .iter()
        .any(|(_, start)| *start == link.start)
}

/// Whether the question names an entity of its own, beyond mentions that are attribute phrases.
pub fn names_something(links: &[Link], cues: &Cues) -> bool {
    links.iter().any(|l| !is_attribute_phrase(l, cues))
}

/// Everything a question's candidates are described from.
pub struct Evidence<'a> {
    pub snapshot: &'a Snapshot,
    pub anchors: &'a [Anchor],
    /// Analysed terms of the question outside the entity mentions ("warranty" in "what's the
    /// warranty on the Z5").
    pub rest_terms: &'a [String],
    /// Analysed terms of the phrases naming the kind asked for ("warranti" in "what's the
    /// warranty on the Z5"): of the other words, those a path to that kind answers by its end.
    pub kind_terms: &'a [String],
    /// The question's exact entity mentions in compact form ("folio26pro"), so a candidate that
    /// names the same thing can be told from its siblings ("folio26s").
    pub mentions: &'a [String],
    pub cues: &'a Cues,
}

/// Nodes kept per depth while walking out from an anchor.
const FRONTIER: usize = 400;
/// Nodes with more edges than this are walked out of only along relations the question asks
/// about: an uncued step out of a hub (a category of thousands of products, a feature every
/// device has) fans out to everything and explains nothing.
const HUB_DEGREE: usize = 200;
/// The most edges of a node scanned for the named entities next to it ([`Meets::at`]): a hub
/// several hundred products need is still one of the hubs a question names.
const MEMBERSHIP_SCAN: usize = 4096;
/// Path ends kept as candidates (the best by cue coverage, then length).
const PATH_CANDIDATES: usize = 200;
/// Anchors walked from.
const MAX_ANCHORS: usize = 8;
/// How many of each leg's hits become candidates.
const LEG_CANDIDATES: usize = 30;
/// Factor for a step along a relation the question does not mention (beam ordering only).
const UNCUED_STEP: f32 = 0.5;

/// What ranks one path to a node above another: cued relations covered, other named entities
/// passed through, ending on a cued step, fewer uncued steps, fewer hops, a stronger anchor.
#[derive(Debug, Clone, Copy)]
struct RankKey {
    covered: usize,
    /// Other named entities the path passes through or ends at.
    through: usize,
    last_cued: bool,
    uncued: usize,
    hops: usize,
    anchor_weight: f32,
}

/// A [`RankKey`] in comparable form: greater ranks higher.
type Rank = (
    usize,
    usize,
    bool,
    std::cmp::Reverse<usize>,
    std::cmp::Reverse<usize>,
    i32,
);

impl RankKey {
    fn rank(&self) -> Rank {
        (
            self.covered,
            self.through,
            self.last_cued,
            std::cmp::Reverse(self.uncued),
            std::cmp::Reverse(self.hops),
            (self.anchor_weight * 1000.0) as i32,
        )
    }
}

/// The best path found to a node, with its rank.
#[derive(Debug, Clone)]
struct PathSummary {
    path: Path,
    key: RankKey,
    /// Share of the question's remaining words named by the nodes the path walks through.
    explained: f32,
}

/// The walk out from a question's named entities: the best path to each node reached, from
/// which entities, in how few hops. It needs no query vector, so it runs while the question is
/// embedded.
pub struct Walk {
    paths: FxHashMap<u32, PathSummary>,
    reached_from: FxHashMap<u32, FxHashSet<u32>>,
    shortest: FxHashMap<u32, usize>,
    /// Share of the question's other words in each node's name, as computed so far.
    name_matches: FxHashMap<u32, f32>,
    /// The entities the question itself names (not the conversation's).
    named: FxHashSet<u32>,
    meets: Meets,
    /// The named entities each node walked through is or lies next to ([`Meets::at`]).
    met: FxHashMap<u32, u32>,
    /// [`hierarchies`].
    hierarchy: Vec<bool>,
}

/// Walks out from `anchors` (up to `max_hops`), preferring relations `cues` asks about and nodes
/// whose names echo `rest_terms`.
pub fn walk(
    snapshot: &Snapshot,
    anchors: &[Anchor],
    cues: &Cues,
    rest_terms: &[String],
    max_hops: usize,
) -> Walk {
    let cued: FxHashSet<u16> = cues.relations.iter().map(|(rel, _)| *rel).collect();
    let hierarchy = hierarchies(snapshot);
    let rest = Terms::of(rest_terms);
    let mut name_matches: FxHashMap<u32, f32> = FxHashMap::default();
    let mut name_match = |slot: u32| name_share(snapshot, &rest, &mut name_matches, slot);
    let mut paths: FxHashMap<u32, PathSummary> = FxHashMap::default();
    let mut reached_from: FxHashMap<u32, FxHashSet<u32>> = FxHashMap::default();
    let mut shortest: FxHashMap<u32, usize> = FxHashMap::default();
    let named: FxHashSet<u32> = anchors
        .iter()
        .filter(|a| !a.from_context)
        .map(|a| a.slot)
        .collect();
    let meets = Meets::new(anchors);
    let mut met: FxHashMap<u32, u32> = FxHashMap::default();
    for anchor in anchors.iter().take(MAX_ANCHORS) {
        // Per depth, the best partial path to each node (by cue weight, favouring nodes whose
        // names echo the question): many paths into one hub cannot crowd out the rest.
        let mut frontier: Vec<(f32, Path)> = vec![(
            anchor.weight,
            Path {
                start: anchor.slot,
                steps: Vec::new(),
            },
        )];
        for _ in 0..max_hops {
            // The best way into each node reached: (score, position in `frontier`, step). Only
            // the paths that survive the cut below are built.
            let mut next: FxHashMap<u32, (f32, usize, Step)> = FxHashMap::default();
            for (from, (weight, path)) in frontier.iter().enumerate() {
                let hub = snapshot.graph.degree(path.end()) > HUB_DEGREE;
                for step in snapshot.graph.steps_from(path.end()) {
                    if step.to == path.start || path.steps.iter().any(|s| s.to == step.to) {
                        continue;
                    }
                    if hub && !cued.contains(&step.rel) {
                        continue;
                    }
                    let factor = if cued.contains(&step.rel) {
                        1.0
                    } else {
                        UNCUED_STEP
                    };
                    let joins = f32::from(u8::from(named.contains(&step.to)));
                    let relevance = 1.0 + name_match(step.to) + joins;
                    let score = weight * factor * step.weight.clamp(0.1, 1.0) * relevance;
                    match next.entry(step.to) {
                        Entry::Occupied(mut best) if score > best.get().0 => {
                            best.insert((score, from, step));
                        }
                        Entry::Occupied(_) => {}
                        Entry::Vacant(slot) => {
                            slot.insert((score, from, step));
                        }
                    }
                }
            }
            let mut best: Vec<(f32, usize, Step)> = next.into_values().collect();
            best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.to.cmp(&b.2.to)));
            best.truncate(FRONTIER);
            let next: Vec<(f32, Path)> = best
                .into_iter()
                .map(|(score, from, step)| {
                    let mut longer = frontier[from].1.clone();
                    longer.steps.push(step);
                    (score, longer)
                })
                .collect();
            for (_, path) in &next {
                let steps = &path.steps;
                let answers_cue = |i: usize| cued.contains(&steps[i].rel) && !bounced(steps, i);
                // Distinct asked relations walked (a path has at most a few steps).
                let covered = (0..steps.len())
                    .filter(|&i| {
                        answers_cue(i)
                            && !(0..i).any(|j| steps[j].rel == steps[i].rel && answers_cue(j))
                    })
                    .count();
                let end = path.end();
                reached_from.entry(end).or_default().insert(anchor.slot);
                let hops = shortest.entry(end).or_insert(usize::MAX);
                *hops = (*hops).min(hops_in_meaning(path, &hierarchy));
                let through = (steps
                    .iter()
                    .fold(0, |seen, s| seen | meets.at(snapshot, &mut met, s.to))
                    & !meets.bit(anchor.slot))
                .count_ones() as usize;
                let key = RankKey {
                    covered,
                    through,
                    last_cued: !steps.is_empty() && answers_cue(steps.len() - 1),
                    uncued: (0..steps.len()).filter(|&i| !answers_cue(i)).count(),
                    hops: path.hops(),
                    anchor_weight: anchor.weight,
                };
                if paths
                    .get(&end)
                    .is_none_or(|best| key.rank() > best.key.rank())
                {
                    let explained = explained_by(snapshot, path, &rest);
                    paths.insert(
                        end,
                        PathSummary {
                            path: path.clone(),
                            key,
                            explained,
                        },
                    );
                }
            }
            frontier = next;
        }
    }
    Walk {
        paths,
        reached_from,
        shortest,
        name_matches,
        named,
        meets,
        met,
        hierarchy,
    }
}

/// Which of the question's named entities a path meets: by passing through one, or through a
/// node right next to one. "The charger my pad needs" names the chargers category as well as
/// the pad; the path from the pad through the charger it requires meets the category there.
struct Meets {
    /// The named entities (not the conversation's), one bit each.
    named: Vec<u32>,
    /// The bits of those named clearly enough to be met by a node next to them: a mention
    /// shared by forty features ("matter support") names none of them in particular.
    clearly: u32,
}

/// The anchor weight from which a named entity is met by the nodes next to it.
const CLEARLY_NAMED: f32 = 0.5;

impl Meets {
    fn new(anchors: &[Anchor]) -> Meets {
        let named: Vec<&Anchor> = anchors
            .iter()
            .filter(|a| !a.from_context)
            .take(32)
            .collect();
        Meets {
            clearly: named
                .iter()
                .enumerate()
                .filter(|(_, a)| a.weight >= CLEARLY_NAMED)
                .fold(0, |bits, (i, _)| bits | 1 << i),
            named: named.iter().map(|a| a.slot).collect(),
        }
    }

    fn bit(&self, slot: u32) -> u32 {
        self.named
            .iter()
            .position(|&n| n == slot)
            .map_or(0, |i| 1 << i)
    }

    /// The named entities `slot` is or lies next to, remembered in `met`. A named entity meets
    /// only itself (the cameras category named beside the c5 camera is not the camera); a node
    /// with more than [`MEMBERSHIP_SCAN`] edges is not scanned for its neighbours.
    fn at(&self, snapshot: &Snapshot, met: &mut FxHashMap<u32, u32>, slot: u32) -> u32 {
        if self.named.len() < 2 {
            return self.bit(slot);
        }
        *met.entry(slot).or_insert_with(|| {
            let mut bits = self.bit(slot);
            if bits == 0 && snapshot.graph.degree(slot) <= MEMBERSHIP_SCAN {
                for step in snapshot.graph.steps_from(slot) {
                    bits |= self.bit(step.to) & self.clearly;
                }
            }
            bits
        })
    }
}

/// Whether step `i` only goes out along a relation and straight back along it (or is the way
/// out of such a bounce): "card A incurs a late fee, incurred by card B" reaches a sibling of A,
/// and answers nothing `incurs` asks about A.
fn bounced(steps: &[Step], i: usize) -> bool {
    let reverses = |a: &Step, b: &Step| a.rel == b.rel && a.direction != b.direction;
    (i > 0 && reverses(&steps[i - 1], &steps[i]))
        || steps
            .get(i + 1)
            .is_some_and(|next| reverses(&steps[i], next))
}

/// A set of analysed terms, sorted and without repeats, for counting how many of a node's
/// (sorted) terms it holds by one merge instead of a hash per term.
struct Terms<'a> {
    terms: Vec<&'a str>,
    /// Each term's [`signature`], in the same order.
    signatures: Vec<u64>,
}

impl<'a> Terms<'a> {
    fn of(terms: &'a [String]) -> Terms<'a> {
        let mut terms: Vec<&str> = terms.iter().map(String::as_str).collect();
        terms.sort_unstable_by(|a, b| term_order(a, b));
        terms.dedup();
        let signatures = terms.iter().map(|t| signature(t)).collect();
        Terms { terms, signatures }
    }

    /// Whether `strs` (a node's terms) may hold one of the set, from signatures alone: false
    /// without reading the strings when it holds none of them (most nodes a walk meets).
    fn may_meet(&self, strs: &PackedStrs) -> bool {
        self.signatures.iter().any(|&s| strs.may_hold(s))
    }

    /// The terms with their signatures.
    fn signed(&self) -> impl Iterator<Item = (&'a str, u64)> + '_ {
        self.terms
            .iter()
            .copied()
            .zip(self.signatures.iter().copied())
    }

    fn len(&self) -> usize {
        self.terms.len()
    }

    fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    fn contains(&self, term: &str) -> bool {
        self.terms.binary_search_by(|t| term_order(t, term)).is_ok()
    }

    /// How many of `sorted` (sorted, without repeats) are in the set.
    fn shared_with<'b>(&self, sorted: impl Iterator<Item = &'b str>) -> usize {
        let (mut mine, mut theirs) = (self.terms.iter().peekable(), sorted.peekable());
        let mut shared = 0;
        while let (Some(a), Some(b)) = (mine.peek(), theirs.peek()) {
            match term_order(a, b) {
                std::cmp::Ordering::Less => {
                    mine.next();
                }
                std::cmp::Ordering::Greater => {
                    theirs.next();
                }
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    mine.next();
                    theirs.next();
                }
            }
        }
        shared
    }
}

/// The byte order of `str` (the order terms are sorted in), settled by the first byte where it
/// can be: `str`'s own comparison calls `memcmp` every time, and term comparisons in the walk and
/// the candidates' features are mostly decided by the first byte.
fn term_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.as_bytes().first(), b.as_bytes().first()) {
        (Some(x), Some(y)) if x != y => x.cmp(y),
        _ => a.cmp(b),
    }
}

/// The share of the question's other words (`rest`) in a node's name and aliases, cached.
fn name_share(
    snapshot: &Snapshot,
    rest: &Terms<'_>,
    cache: &mut FxHashMap<u32, f32>,
    slot: u32,
) -> f32 {
    if rest.is_empty() {
        return 0.0;
    }
    *cache.entry(slot).or_insert_with(|| {
        let names = snapshot.name_terms(slot);
        if !rest.may_meet(names) {
            return 0.0;
        }
        rest.shared_with(names.iter()) as f32 / rest.len() as f32
    })
}

/// Describes a question's candidates with their features (unscored), in two steps so that most
/// of the work is done while the model embeds the question: [`Describer::new`] takes what needs
/// no vector — the lexical hits, the named entities, the best ends of the walk — and
/// [`Describer::finish`] adds the dense legs' hits and every candidate's cosines.
pub struct Describer<'a> {
    evidence: Evidence<'a>,
    rest: Terms<'a>,
    /// Some of the question's other words say more than the kind asked for.
    rest_beyond_kinds: bool,
    cued: FxHashSet<u16>,
    kinds: FxHashSet<&'a str>,
    attributes: Vec<&'a str>,
    /// A relation cue with something to walk from: a question the graph may answer.
    relational: bool,
    /// A kind asked for besides what relations ask: not only named inside a relation's phrase
    /// ("怎么" in "怎么修", how to fix: the FAQ kind's word in a `solved_by` phrase).
    kind_asked_apart: bool,
    /// A kind asked for, no relation cue, something to walk from ("which plan adds threat
    /// protection to my x300"): the question asks along whatever relations lead to that kind.
    kind_led: bool,
    named: FxHashMap<u32, &'a Anchor>,
    lexical: FxHashMap<u32, (usize, f32)>,
    lexical_top: f32,
    walk: Walk,
    /// Where an asked attribute is asked of in a relational question ("does the router that
    /// replaced my x100 have wifi 6"): the nodes the asked relations lead to that the question
    /// describes by another entity it names (the routers), with their path's anchor weight…
    subjects: FxHashMap<u32, f32>,
    /// …and the named entities those relations lead away from (the x100).
    passed_on: FxHashSet<u32>,
    seen: FxHashSet<u32>,
    described: Vec<Candidate>,
}

impl<'a> Describer<'a> {
    /// Describes the candidates known before the query vector: `lexical` hits, named entities
    /// and the best path ends of `walk`.
    pub fn new(evidence: Evidence<'a>, lexical: &[(u32, f32)], walk: Walk) -> Describer<'a> {
        let cues = evidence.cues;
        let cued: FxHashSet<u16> = cues.relations.iter().map(|(rel, _)| *rel).collect();
        // A relation cue with nothing to walk from ("need to wire money…", no entity named) asks
        // nothing the graph can answer: the question is judged like any other.
        let relational = !cued.is_empty() && !evidence.anchors.is_empty();
        let kind_led = cued.is_empty() && !cues.kinds.is_empty() && !evidence.anchors.is_empty();
        let only_inside_relations = cues
            .kinds
            .iter()
            .all(|(kind, _)| cues.kinds_inside_relations.contains(kind));
        let kind_asked_apart = !cues.kinds.is_empty() && (!relational || !only_inside_relations);
        let mut describer = Describer {
            rest: Terms::of(evidence.rest_terms),
            rest_beyond_kinds: evidence
                .rest_terms
                .iter()
                .any(|t| !evidence.kind_terms.contains(t)),
            cued,
            kinds: cues.kinds.iter().map(|(k, _)| k.as_str()).collect(),
            attributes: cues.attributes.iter().map(|(a, _)| a.as_str()).collect(),
            relational,
            kind_asked_apart,
            kind_led,
            named: evidence.anchors.iter().map(|a| (a.slot, a)).collect(),
            lexical: ranks(lexical),
            lexical_top: lexical.first().map_or(1.0, |h| h.1.max(1e-6)),
            walk,
            subjects: FxHashMap::default(),
            passed_on: FxHashSet::default(),
            seen: FxHashSet::default(),
            described: Vec::new(),
            evidence,
        };
        if !describer.attributes.is_empty() {
            describer.find_subjects();
        }
        for &(slot, _) in lexical.iter().take(LEG_CANDIDATES) {
            describer.add(slot);
        }
        for anchor in describer.evidence.anchors {
            describer.add(anchor.slot);
        }
        // The best path ends join the candidates; the rest are not worth describing.
        let mut ends: Vec<(u32, Rank)> = describer
            .walk
            .paths
            .iter()
            .map(|(&end, summary)| (end, summary.key.rank()))
            .collect();
        ends.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (end, _) in ends.into_iter().take(PATH_CANDIDATES) {
            describer.add(end);
        }
        describer
    }

    /// All candidates: those described so far, the dense legs' hits (question-form and text
    /// legs, best first), and the cosines of each with `query_vector`.
    pub fn finish(
        mut self,
        dense: [&[(u32, f32)]; 2],
        query_vector: Option<&[f32]>,
    ) -> Vec<Candidate> {
        for leg in dense {
            for &(slot, _) in leg.iter().take(LEG_CANDIDATES) {
                self.add(slot);
            }
        }
        let dense_ranks = dense.map(ranks);
        let snapshot = self.evidence.snapshot;
        if let Some(query) = query_vector.map(Quantized::of) {
            let slots: Vec<u32> = self.described.iter().map(|c| c.slot).collect();
            let questions = snapshot.question_vectors.owners_best(&slots, &query);
            let texts = snapshot.text_vectors.owners_best(&slots, &query);
            for ((candidate, question), text) in self.described.iter_mut().zip(questions).zip(texts)
            {
                candidate.features.question_cosine = question;
                candidate.features.text_cosine = text;
            }
        }
        for candidate in &mut self.described {
            let slot = candidate.slot;
            let f = &mut candidate.features;
            f.dense_reciprocal_rank = dense_ranks
                .iter()
                .filter_map(|leg| leg.get(&slot))
                .map(|(r, _)| 1.0 / *r as f32)
                .fold(0.0, f32::max);
        }
        self.described
    }

    /// Fills [`Describer::subjects`] and [`Describer::passed_on`].
    fn find_subjects(&mut self) {
        let snapshot = self.evidence.snapshot;
        let Walk {
            paths,
            meets,
            met,
            name_matches,
            ..
        } = &mut self.walk;
        for (&end, summary) in paths.iter() {
            let key = &summary.key;
            let start = summary.path.start;
            if self.named.contains_key(&end) {
                continue;
            }
            let holds = snapshot
                .node_at(end)
                .attrs
                .keys()
                .any(|k| self.attributes.contains(&k.as_str()));
            if !holds {
                continue;
            }
            let described = if self.relational {
                // Along every asked relation, to a node the question describes by another
                // entity it names.
                key.covered == self.cued.len()
                    && key.last_cued
                    && meets.at(snapshot, met, end) & !meets.bit(start) != 0
            } else {
                // Next to what the conversation is about, called by the question's own words:
                // "how much is that hub" after asking whether the b2 bulb needs one. Unless
                // those words call the conversation's entity itself (it is the H2 hub).
                self.named.get(&start).is_some_and(|a| a.from_context)
                    && summary.path.hops() == 1
                    && name_share(snapshot, &self.rest, name_matches, end) > 0.0
                    && name_share(snapshot, &self.rest, name_matches, start) == 0.0
            };
            if described {
                let weight = self.subjects.entry(end).or_insert(0.0);
                *weight = weight.max(key.anchor_weight);
                self.passed_on.insert(start);
            }
        }
    }

    fn add(&mut self, slot: u32) {
        if self.seen.insert(slot) {
            let candidate = self.describe(slot);
            self.described.push(candidate);
        }
    }

    /// A candidate's features but those that need the query vector.
    fn describe(&mut self, slot: u32) -> Candidate {
        let snapshot = self.evidence.snapshot;
        let node = snapshot.node_at(slot);
        let (relational, kind_led) = (self.relational, self.kind_led);
        let (kinds, cued) = (&self.kinds, &self.cued);
        let of_kind_asked = kinds.contains(node.kind.as_str());
        let rest = &self.rest;
        let mut name_match =
            |slot: u32| name_share(snapshot, rest, &mut self.walk.name_matches, slot);
        let anchor = self.named.get(&slot);
        let direct = anchor.filter(|a| !a.from_context).map_or(0.0, |a| a.weight);
        let context = anchor.filter(|a| a.from_context).map_or(0.0, |a| a.weight);
        let path = self.walk.paths.get(&slot);
        // How strongly the question is about this node: where an asked relation leads (or what
        // a follow-up calls by name, [`Describer::find_subjects`]); else named, from the
        // conversation, or called by a word of the question; not what a relation leads away
        // from. The node's attribute asked for is answered when it is the subject.
        let subject = if let Some(&weight) = self.subjects.get(&slot) {
            Some(weight)
        } else if self.passed_on.contains(&slot) {
            None
        } else if anchor.is_some() {
            Some(direct.max(context))
        } else {
            (name_match(slot) > 0.0).then_some(0.0)
        };
        let attribute = self
            .attributes
            .iter()
            .find(|a| node.attrs.contains_key(**a))
            .filter(|_| subject.is_some())
            .map(|a| (*a).to_owned());
        let mut f = Features {
            lexical_relative: self
                .lexical
                .get(&slot)
                .map_or(0.0, |(_, s)| s / self.lexical_top),
            named: direct,
            from_context: context,
            // A vague cue ("how long" fits eleven duration attributes) says less than a
            // specific one ("price", or "电池多大" for the few battery ones).
            holds_attribute_asked: if attribute.is_some() {
                subject.unwrap_or(0.0).max(0.5)
                    * (2.0 / (self.attributes.len() as f32).sqrt()).min(1.0)
            } else {
                0.0
            },
            // What the conversation is about is no more the answer to a relational
            // follow-up ("what's the replacement for it") than a named entity is.
            // Nor is a named entity of another kind than the one asked for ("is there a
            // subscription that adds threat protection to my x300").
            named_in_relational_question: if relational || (kind_led && !of_kind_asked) {
                direct.max(context)
            } else {
                0.0
            },
            kind_asked: f32::from(u8::from(!kinds.is_empty() && of_kind_asked)),
            kind_not_asked: f32::from(u8::from(!kinds.is_empty() && !of_kind_asked)),
            name_matches_rest_of_question: name_match(slot),
            names_what_the_question_names: names_mentions(
                snapshot.compact_forms(slot),
                self.evidence.mentions,
            ),
            ..Features::default()
        };
        if let Some(summary) = path {
            let walked = self.evidence.anchors.len().clamp(1, MAX_ANCHORS) as f32;
            f.reached_by_path = 1.0;
            if relational {
                f.path_cue_coverage = summary.key.covered as f32 / cued.len() as f32;
            }
            f.path_uncued_steps = summary.key.uncued as f32 / 3.0;
            f.path_anchor_weight = summary.key.anchor_weight;
            f.path_without_relation_cue = f32::from(u8::from(!relational));
            f.path_ends_with_asked_relation = f32::from(u8::from(summary.key.last_cued));
            f.path_anchor_share = self
                .walk
                .reached_from
                .get(&slot)
                .map_or(0.0, |a| a.len() as f32 / walked);
            f.path_explains_rest_of_question = summary.explained;
            f.path_hops = hops_in_meaning(&summary.path, &self.walk.hierarchy) as f32 / 3.0;
            let named = self.walk.named.len();
            if named > 1 {
                f.path_through_named = summary.key.through as f32 / (named - 1) as f32;
            }
            f.path_shortest_hops = self
                .walk
                .shortest
                .get(&slot)
                .map_or(0.0, |h| *h as f32 / 3.0);
            // Complete: every asked relation walked, ending where the question points — along
            // an asked relation, or at the kind asked for ("what warranty does the hub the c3
            // needs have" ends with an uncued step into a warranty; a kind named only inside a
            // relation's phrase asks for none, [`Describer::kind_asked_apart`]).
            // Asking for a kind without a relation cue ("the return policy on the voltgo 30w",
            // "which plan adds threat protection to my x300") asks along whatever relations lead
            // there: a path to the kind asked for is as complete as the question says — if it
            // says something of the rest of the question too (another word of it besides the
            // kind's, or another entity it names). "can i get express delivery on the z5 pro"
            // is not answered by the z5 pro's multipoint FAQ, an FAQ one step away that
            // explains neither word.
            let says_the_rest =
                !self.rest_beyond_kinds || summary.explained > 0.0 || summary.key.through > 0;
            let complete = (relational || (kind_led && summary.path.hops() > 0 && says_the_rest))
                && summary.key.covered == cued.len()
                && if !self.kind_asked_apart {
                    summary.key.last_cued
                } else {
                    of_kind_asked
                };
            if complete {
                f.complete_graph_answer = 0.5 + 0.5 * summary.explained;
            }
        }
        if relational && f.complete_graph_answer == 0.0 {
            f.off_path_in_relational_question = 1.0;
        }
        if !rest.is_empty() {
            let names = snapshot.name_terms(slot);
            let text = snapshot.text_terms(slot);
            let holds = |strs: &PackedStrs, (term, signed): (&str, u64)| {
                strs.may_hold(signed) && strs.contains_sorted(term)
            };
            let covered = rest
                .signed()
                .filter(|&t| holds(names, t) || holds(text, t))
                .count();
            f.text_covers_rest_of_question = covered as f32 / rest.len() as f32;
        }
        Candidate {
            slot,
            features: f,
            logit: 0.0,
            path: path.map(|p| p.path.clone()),
            attribute,
        }
    }
}

/// The relations that file things under groups which are filed under groups in turn: a
/// relation whose target kinds are some of its source kinds but not all (`belongs_to`, from
/// products and categories to categories). Indexed by relation id.
fn hierarchies(snapshot: &Snapshot) -> Vec<bool> {
    snapshot
        .schema
        .relations
        .iter()
        .map(|r| r.to.len() < r.from.len() && r.to.iter().all(|kind| r.from.contains(kind)))
        .collect()
}

/// A path's hops as a question counts them: a climb up a hierarchy on the way somewhere else
/// is one step however many levels it climbs. The express shipping policy that covers the audio
/// category covers the earbuds filed under it and the Z5 Pro filed under those: two steps from
/// the Z5 Pro, not three. A path that ends in the climb ("which range is the z5 pro in") counts
/// every level.
fn hops_in_meaning(path: &Path, hierarchy: &[bool]) -> usize {
    let steps = &path.steps;
    let climbs_on = |i: usize| {
        i > 0
            && i + 1 < steps.len()
            && steps[i].rel == steps[i - 1].rel
            && steps[i].direction == steps[i - 1].direction
            && hierarchy
                .get(steps[i].rel as usize)
                .copied()
                .unwrap_or(false)
    };
    (0..steps.len()).filter(|&i| !climbs_on(i)).count()
}

/// Each hit's rank (from 1) and score.
fn ranks(hits: &[(u32, f32)]) -> FxHashMap<u32, (usize, f32)> {
    hits.iter()
        .enumerate()
        .map(|(i, &(slot, score))| (slot, (i + 1, score)))
        .collect()
}

/// Scores candidates with `reasoner` and sorts them, best first.
pub fn rank(mut candidates: Vec<Candidate>, reasoner: &Reasoner) -> Vec<Candidate> {
    for candidate in &mut candidates {
        candidate.logit = reasoner.score(&candidate.features);
    }
    candidates.sort_by(|a, b| b.logit.total_cmp(&a.logit).then(a.slot.cmp(&b.slot)));
    candidates
}

/// The share of `mentions` (compact) that one of a node's compact `forms` (name, aliases)
/// contains.
fn names_mentions(forms: &PackedStrs, mentions: &[String]) -> f32 {
    if mentions.is_empty() {
        return 0.0;
    }
    let named = mentions
        .iter()
        .filter(|m| forms.iter().any(|f| f.contains(m.as_str())))
        .count();
    named as f32 / mentions.len() as f32
}

/// The share of `rest` named by the nodes after the path's start.
fn explained_by(snapshot: &Snapshot, path: &Path, rest: &Terms<'_>) -> f32 {
    if rest.is_empty() {
        return 0.0;
    }
    let mut named: Vec<&str> = path
        .steps
        .iter()
        .map(|step| snapshot.name_terms(step.to))
        .filter(|names| rest.may_meet(names))
        .flat_map(|names| names.iter())
        .filter(|term| rest.contains(term))
        .collect();
    named.sort_unstable();
    named.dedup();
    named.len() as f32 / rest.len() as f32
}

/// One question's candidates with which of them are right, for fitting.
#[derive(Debug, Clone)]
pub struct TrainingQuestion {
    pub candidates: Vec<Features>,
    pub right: Vec<bool>,
    pub signals: QuestionSignals,
    /// The question has gold answers (false for out-of-scope and handoff questions).
    pub answerable: bool,
}

/// The exported form of a [`TrainingQuestion`] (`tune --export`): feature vectors in
/// [`FEATURES`] order, so candidates from several KBs can be pooled by `fit-scorer`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainingRecord {
    pub features: Vec<Vec<f32>>,
    pub right: Vec<bool>,
    pub best_cosine: f32,
    pub unknown_share: f32,
    pub answerable: bool,
}

impl From<&TrainingQuestion> for TrainingRecord {
    fn from(q: &TrainingQuestion) -> Self {
        TrainingRecord {
            features: q.candidates.iter().map(|f| f.values().to_vec()).collect(),
            right: q.right.clone(),
            best_cosine: q.signals.best_cosine,
            unknown_share: q.signals.unknown_share,
            answerable: q.answerable,
        }
    }
}

impl TrainingRecord {
    /// Back to a training question; `None` when the vectors do not have [`F`] features (an
    /// export from another version) or the labels do not line up.
    pub fn into_question(self) -> Option<TrainingQuestion> {
        if self.features.len() != self.right.len() || self.features.iter().any(|f| f.len() != F) {
            return None;
        }
        Some(TrainingQuestion {
            candidates: self
                .features
                .iter()
                .map(|f| Features::from_values(f))
                .collect(),
            right: self.right,
            signals: QuestionSignals {
                best_cosine: self.best_cosine,
                unknown_share: self.unknown_share,
            },
            answerable: self.answerable,
        })
    }
}

/// Fits the weights with a listwise loss — the softmax probability of a question's right
/// candidates, L2-regularised, by full-batch Adam — then the confidence calibration (logistic
/// regression of "the top candidate is right" on its score, margin and the question's best
/// cosine). Questions without a right candidate only inform the calibration.
pub fn fit(questions: &[TrainingQuestion], start: &Reasoner) -> Reasoner {
    let mut weights: Vec<f32> = start.weights.clone();
    weights.resize(F, 0.0);
    let ranked: Vec<&TrainingQuestion> = questions
        .iter()
        .filter(|q| q.right.iter().any(|r| *r))
        .collect();
    let n = ranked.len().max(1) as f32;
    let vectors: Vec<Vec<[f32; F]>> = ranked
        .iter()
        .map(|q| q.candidates.iter().map(Features::values).collect())
        .collect();
    let (l2, rate) = (0.002f32, 0.05f32);
    let (mut m, mut v) = (vec![0f32; F], vec![0f32; F]);
    for step in 1..=800 {
        let mut gradient = [0f32; F];
        for (question, values) in ranked.iter().zip(&vectors) {
            let logits: Vec<f32> = values
                .iter()
                .map(|f| weights.iter().zip(f).map(|(w, x)| w * x).sum())
                .collect();
            let top = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let exp: Vec<f32> = logits.iter().map(|z| (z - top).exp()).collect();
            let total: f32 = exp.iter().sum();
            let right: f32 = exp
                .iter()
                .zip(&question.right)
                .filter(|(_, r)| **r)
                .map(|(e, _)| e)
                .sum();
            for ((features, e), is_right) in values.iter().zip(&exp).zip(&question.right) {
                let p = e / total;
                let q = if *is_right { e / right } else { 0.0 };
                for (g, x) in gradient.iter_mut().zip(features) {
                    *g += (p - q) * x / n;
                }
            }
        }
        for i in 0..F {
            let g = gradient[i] + l2 * weights[i];
            m[i] = 0.9 * m[i] + 0.1 * g;
            v[i] = 0.999 * v[i] + 0.001 * g * g;
            let m_hat = m[i] / (1.0 - 0.9f32.powi(step));
            let v_hat = v[i] / (1.0 - 0.999f32.powi(step));
            weights[i] -= rate * m_hat / (v_hat.sqrt() + 1e-8);
        }
    }
    let model = Reasoner {
        weights,
        calibration: start.calibration,
    };
    let calibration = fit_calibration(questions, &model);
    Reasoner {
        calibration,
        ..model
    }
}

/// The confidence calibration for `model`'s weights: logistic regression of "the top candidate
/// is right" on [`calibration_inputs`], by full-batch Adam.
pub fn fit_calibration(questions: &[TrainingQuestion], model: &Reasoner) -> [f32; CALIBRATION] {
    let samples: Vec<([f32; CALIBRATION], f32)> = questions
        .iter()
        .filter(|q| !q.candidates.is_empty())
        .map(|q| {
            let mut scored: Vec<(f32, &Features, bool)> = q
                .candidates
                .iter()
                .zip(&q.right)
                .map(|(f, r)| (model.score(f), f, *r))
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0));
            let (top, features, right) = scored[0];
            let inputs = calibration_inputs(top, features, scored.get(1).map(|s| s.0), &q.signals);
            (inputs, f32::from(u8::from(right)))
        })
        .collect();
    let mut params = [0f32; CALIBRATION];
    params[0] = 1.0;
    let n = samples.len().max(1) as f32;
    let (mut m, mut v) = ([0f32; CALIBRATION], [0f32; CALIBRATION]);
    for step in 1..=3000 {
        let mut gradient = [0f32; CALIBRATION];
        for (x, y) in &samples {
            let p = sigmoid(dot(&params, x));
            for (g, xi) in gradient.iter_mut().zip(x) {
                *g += (p - y) * xi / n;
            }
        }
        for i in 0..CALIBRATION {
            m[i] = 0.9 * m[i] + 0.1 * gradient[i];
            v[i] = 0.999 * v[i] + 0.001 * gradient[i] * gradient[i];
            let m_hat = m[i] / (1.0 - 0.9f32.powi(step));
            let v_hat = v[i] / (1.0 - 0.999f32.powi(step));
            params[i] -= 0.05 * m_hat / (v_hat.sqrt() + 1e-8);
        }
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Direction;

    #[test]
    fn a_mention_that_is_an_attribute_phrase_leaves_the_question_to_the_conversation() {
        // "有月费吗" while talking about account 7: "月费" is the alias of fee 3 and the phrase
        // of the `monthly_fee` attribute.
        let fee = Link {
            slot: 3,
            start: 1,
            end: 3,
            ambiguity: 1,
            exact: true,
            length: 2,
        };
        let cues = Cues {
            attributes: vec![("monthly_fee".to_owned(), 1)],
            ..Cues::default()
        };
        assert!(!names_something(std::slice::from_ref(&fee), &cues));
        let found = anchors(std::slice::from_ref(&fee), &[7], &cues);
        assert_eq!((found[0].slot, found[0].from_context), (7, true));
        assert!((found[0].weight - CONTEXT_ANCHOR).abs() < 1e-6, "{found:?}");
        assert!(found[1].weight < 0.5, "{found:?}");
        // Without the attribute cue the fee is named, and the conversation counts half.
        let named = anchors(&[fee], &[7], &Cues::default());
        assert_eq!(named[0].slot, 3);
        assert!(
            (named[1].weight - CONTEXT_ANCHOR * 0.5).abs() < 1e-6,
            "{named:?}"
        );
    }

    #[test]
    fn going_out_and_straight_back_along_a_relation_is_a_bounce() {
        let step = |rel: u16, direction: Direction, to: u32| Step {
            rel,
            direction,
            weight: 1.0,
            to,
        };
        // Card A incurs fee 1, incurred by card B, linked to account 3.
        let sibling = [
            step(0, Direction::Forward, 1),
            step(0, Direction::Backward, 2),
            step(1, Direction::Forward, 3),
        ];
        let flags =
            |steps: &[Step]| -> Vec<bool> { (0..steps.len()).map(|i| bounced(steps, i)).collect() };
        assert_eq!(flags(&sibling), [true, true, false]);
        // Out along one relation, on along another: nothing cancels.
        let onward = [
            step(0, Direction::Forward, 1),
            step(1, Direction::Forward, 2),
        ];
        assert_eq!(flags(&onward), [false, false]);
    }

    #[test]
    fn term_sets_count_what_they_share_with_sorted_terms() {
        let question: Vec<String> = ["warranty", "hub", "battery", "hub"]
            .map(String::from)
            .to_vec();
        let terms = Terms::of(&question);
        assert_eq!(terms.len(), 3, "repeats count once");
        assert_eq!(terms.terms, ["battery", "hub", "warranty"]);
        let signed: Vec<(&str, u64)> = terms.signed().collect();
        assert_eq!(signed[1], ("hub", signature("hub")));
        assert!(terms.contains("hub") && !terms.contains("hubs"));
        let check = |node: &[&str], expected: usize| {
            let node: Vec<String> = node.iter().map(|t| t.to_string()).collect();
            // The same count as a term-by-term lookup.
            let by_lookup = node.iter().filter(|t| terms.contains(t)).count();
            assert_eq!(
                terms.shared_with(node.iter().map(String::as_str)),
                expected,
                "{node:?}"
            );
            assert_eq!(by_lookup, expected, "{node:?}");
        };
        check(&[], 0);
        check(&["hub"], 1);
        check(&["a", "battery", "cell", "hub", "z"], 2);
        check(&["battery", "hub", "warranty"], 3);
        check(&["aaa", "zzz"], 0);
        assert_eq!(Terms::of(&[]).shared_with(["hub"].into_iter()), 0);
        for (x, y) in [
            ("a", "b"),
            ("hub", "hubs"),
            ("", "a"),
            ("", ""),
            ("b", "ab"),
            ("电池", "hub"),
        ] {
            assert_eq!(term_order(x, y), x.cmp(y), "{x} vs {y}");
            assert_eq!(term_order(y, x), y.cmp(x), "{y} vs {x}");
        }
    }

    #[test]
    fn fitting_learns_which_feature_separates() {
        // Candidates are right exactly when `question_cosine` is high; a decoy feature is high on
        // the wrong ones.
        let questions: Vec<TrainingQuestion> = (0..40)
            .map(|i| {
                let right = Features {
                    question_cosine: 0.8 + (i % 5) as f32 * 0.02,
                    ..Features::default()
                };
                let wrong = Features {
                    question_cosine: 0.3,
                    lexical_relative: 1.0,
                    ..Features::default()
                };
                TrainingQuestion {
                    candidates: vec![right, wrong],
                    right: vec![true, false],
                    signals: QuestionSignals {
                        best_cosine: 0.8,
                        unknown_share: 0.0,
                    },
                    answerable: true,
                }
            })
            .collect();
        let start = Reasoner {
            weights: vec![0.0; F],
            calibration: [0.0; CALIBRATION],
        };
        let model = fit(&questions, &start);
        assert!(model.weights[0] > 0.5, "{:?}", model.weights);
        assert!(model.weights[2] < 0.0, "{:?}", model.weights);
        let candidates = rank(
            questions[0]
                .candidates
                .iter()
                .enumerate()
                .map(|(i, f)| Candidate {
                    slot: i as u32,
                    features: *f,
                    logit: 0.0,
                    path: None,
                    attribute: None,
                })
                .collect(),
            &model,
        );
        assert_eq!(candidates[0].slot, 0);
        let signals = questions[0].signals;
        assert!(model.confidence(&candidates[0], candidates.get(1), &signals) > 0.5);
    }
}
