//! Question understanding: normalisation, language detection, entity linking and cues (which
//! relation, node kind or attribute a question asks about). Everything is driven by data — node
//! names and aliases, the schema's phrases and the lexicon — so a new KB needs no code.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::domain::{Node, Phrases, Schema};
use crate::graph::RelId;
use crate::text::analyzer::{han_word_boundaries, is_han};

/// NFKC (folds full-width forms), lowercase, NFKC again (lowercasing can leave combining marks
/// uncomposed, as for "İ"), whitespace collapsed, trimmed. Idempotent.
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        // NFKC leaves ASCII as it is: only the case and the spaces change.
        let lowered = text.to_ascii_lowercase();
        return lowered.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    normalize_unicode(text)
}

/// [`normalize`] for any text, ASCII or not.
fn normalize_unicode(text: &str) -> String {
    let lowered: String = text.nfkc().flat_map(char::to_lowercase).collect();
    let folded: String = lowered.nfkc().collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionLang {
    En,
    Zh,
    Mixed,
}

impl QuestionLang {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionLang::En => "en",
            QuestionLang::Zh => "zh",
            QuestionLang::Mixed => "mixed",
        }
    }
}

/// Chinese when Han characters dominate, English when there are none, mixed otherwise. A Han
/// character carries about as much as an English word, so they are weighed against words.
pub fn detect_lang(text: &str) -> QuestionLang {
    let han = text.chars().filter(|c| is_han(*c)).count();
    let words = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .count();
    match han {
        0 => QuestionLang::En,
        h if h >= words => QuestionLang::Zh,
        _ => QuestionLang::Mixed,
    }
}

fn is_latin_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// Text with separators removed, remembering where each kept character came from, so that
/// "X-200", "x 200" and "X200" all read `x200`.
struct Compact {
    text: String,
    /// For each byte of `text`: the index of the source character.
    source: Vec<usize>,
}

fn compact(chars: &[char]) -> Compact {
    let mut text = String::new();
    let mut source = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() || is_han(c) {
            let before = text.len();
            text.push(c);
            source.extend(std::iter::repeat_n(i, text.len() - before));
        }
    }
    Compact { text, source }
}

/// `text` normalised with separators removed: how names are compared ("X-200" → `x200`).
pub fn compact_str(text: &str) -> String {
    if text.is_ascii() {
        // What `normalize` and `compact` leave of ASCII: its letters, lowercased, and digits.
        // Start-up compacts every name and alias (≈ 400k at 100k nodes), most of them ASCII.
        return text
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    compact(&normalize(text).chars().collect::<Vec<_>>()).text
}

/// An entity mention found in a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub slot: u32,
    /// Character span in the normalised question.
    pub start: usize,
    pub end: usize,
    /// Number of nodes sharing the matched surface form.
    pub ambiguity: usize,
    /// False for typo-tolerant matches.
    pub exact: bool,
    /// Characters matched (longer mentions are more specific).
    pub length: usize,
}

/// Which relation, node kind or attribute a question asks about, with the character position of
/// each cue in the normalised question.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cues {
    pub relations: Vec<(RelId, usize)>,
    pub kinds: Vec<(String, usize)>,
    /// Character spans of the phrases that name the kinds in `kinds`.
    pub kind_spans: Vec<(usize, usize)>,
    /// The kinds in `kinds` named only inside a longer relation phrase.
    pub kinds_inside_relations: Vec<String>,
    pub attributes: Vec<(String, usize)>,
    pub human_request: bool,
    pub negative_hits: usize,
    pub anaphora: bool,
}

#[derive(Debug, Clone, Deserialize)]
struct AttributeHint {
    key_contains: Vec<String>,
    #[serde(flatten)]
    phrases: Phrases,
}

/// The built-in lexicon (see `lexicon.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct Lexicon {
    human_request: Phrases,
    negative: Phrases,
    anaphora: Phrases,
    /// Words that ask which thing ("which", "哪个"): a kind named right after one is the kind
    /// asked for.
    question_words: Phrases,
    attribute_hints: Vec<AttributeHint>,
}

impl Lexicon {
    pub fn builtin() -> Arc<Lexicon> {
        static LEXICON: std::sync::OnceLock<Arc<Lexicon>> = std::sync::OnceLock::new();
        LEXICON
            .get_or_init(|| {
                Arc::new(
                    serde_yaml::from_str(include_str!("lexicon.yaml"))
                        .expect("the built-in lexicon is valid YAML"),
                )
            })
            .clone()
    }
}

/// What a cue pattern stands for.
#[derive(Debug, Clone)]
enum CueTarget {
    Relation(RelId),
    Kind(String),
    Attribute(String),
    Human,
    Negative,
    Anaphora,
    QuestionWord,
}

/// Finds entity mentions and cues in questions. Built once per KB version.
pub struct Linker {
    /// Every name and alias in compact form, sorted, with the nodes each names.
    surfaces: Surfaces,
    /// Deletion neighbourhood (distance 1) of each surface for typo tolerance: (hash of a
    /// variant, surface), sorted. Hash collisions only add candidates that the edit distance
    /// check then rejects.
    fuzzy: Vec<(u64, u32)>,
    cues: Option<AhoCorasick>,
    cue_targets: Vec<Vec<CueTarget>>,
    cue_latin: Vec<bool>,
    /// Han characters the schema's relation phrases use for one relation (nearly) alone: "要"
    /// of "需要" and "要不要" (`requires`), "配" of "搭配", "配套" and "能不能配"
    /// (`compatible_with`). See [`Linker::cues_outside`].
    han_relation_chars: HashMap<char, (RelId, f32)>,
}

/// Sorted surface forms packed into one buffer, with the nodes each names (both as offset
/// tables), searched for the leftmost-longest match by narrowing the sorted range one byte at a
/// time. Hundreds of thousands of names cost a few bytes each and build in one sort, where an
/// Aho-Corasick automaton over them took seconds and tens of megabytes.
struct Surfaces {
    text: String,
    /// `text[ends[i - 1]..ends[i]]` is surface `i` (from 0 for the first).
    ends: Vec<u32>,
    /// `targets[target_ends[i - 1]..target_ends[i]]` are the slots surface `i` names.
    targets: Vec<u32>,
    target_ends: Vec<u32>,
}

impl Surfaces {
    /// From (surface, slot) pairs in any order.
    fn build(mut pairs: Vec<(String, u32)>) -> Surfaces {
        pairs.sort_unstable();
        pairs.dedup();
        let mut surfaces = Surfaces {
            text: String::new(),
            ends: Vec::new(),
            targets: Vec::with_capacity(pairs.len()),
            target_ends: Vec::new(),
        };
        let mut previous: Option<&str> = None;
        for (surface, slot) in &pairs {
            if previous != Some(surface.as_str()) {
                if previous.is_some() {
                    surfaces.target_ends.push(surfaces.targets.len() as u32);
                }
                surfaces.text.push_str(surface);
                surfaces.ends.push(surfaces.text.len() as u32);
                previous = Some(surface);
            }
            surfaces.targets.push(*slot);
        }
        if previous.is_some() {
            surfaces.target_ends.push(surfaces.targets.len() as u32);
        }
        surfaces.text.shrink_to_fit();
        surfaces.ends.shrink_to_fit();
        surfaces.target_ends.shrink_to_fit();
        surfaces
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn targets(&self, i: usize) -> &[u32] {
        let start = if i == 0 {
            0
        } else {
            self.target_ends[i - 1] as usize
        };
        &self.targets[start..self.target_ends[i] as usize]
    }

    /// The longest surface that `text[start..]` begins with: (surface, end).
    fn longest_at(&self, text: &str, start: usize) -> Option<(usize, usize)> {
        let bytes = text.as_bytes();
        let (mut low, mut high) = (0, self.len());
        let mut longest = None;
        for (depth, &byte) in bytes[start..].iter().enumerate() {
            // Every surface in low..high begins with text[start..start + depth]; those that end
            // there sort first.
            let at = |i: usize| self.get(i).as_bytes().get(depth).copied();
            low = partition_point(low, high, |i| at(i) < Some(byte));
            high = partition_point(low, high, |i| at(i) <= Some(byte));
            if low == high {
                break;
            }
            if self.get(low).len() == depth + 1 {
                longest = Some((low, start + depth + 1));
            }
        }
        longest
    }

    /// The leftmost match starting at or after byte `from` of `text` and, of those starting
    /// there, the longest: (surface, start, end) in bytes.
    fn find(&self, text: &str, from: usize) -> Option<(usize, usize, usize)> {
        text[from..].char_indices().find_map(|(offset, _)| {
            let start = from + offset;
            self.longest_at(text, start)
                .map(|(surface, end)| (surface, start, end))
        })
    }
}

/// Surfaces shorter than this (in characters) are not linked: too ambiguous.
const MIN_SURFACE_CHARS: usize = 2;
/// Surfaces longer than this are questions or sentences, not entity names.
const MAX_SURFACE_CHARS: usize = 48;
const MIN_FUZZY_CHARS: usize = 4;
/// Longer names are not matched with typos (their variants would dominate memory and a long
/// misspelled name is found by the retrieval legs anyway).
const MAX_FUZZY_CHARS: usize = 24;

/// Names without their first word, for customers who leave out the brand ("cashback visa" for
/// "Kestrel Cashback Visa"): only for names of three words or more that do not start with a
/// function word, and only where the tail (two words or more) names nothing else — neither
/// another name or alias nor another node's tail ("slow charging" of "Fix slow charging" is an
/// issue's own name) nor a kind (`kind_phrases`, compact: "debit card" of "Campus Debit Card").
fn name_tails(
    nodes: &[Arc<Node>],
    surfaces: &[(String, u32)],
    kind_phrases: &HashSet<String>,
) -> Vec<(String, u32)> {
    let taken: FxHashSet<&str> = surfaces.iter().map(|(s, _)| s.as_str()).collect();
    let mut tails: FxHashMap<String, Option<u32>> = FxHashMap::default();
    for (slot, node) in nodes.iter().enumerate() {
        if !looks_like_a_name(&node.name) {
            continue;
        }
        let name = normalize(&node.name);
        let words: Vec<&str> = name.split_whitespace().collect();
        let first = words.first().copied().unwrap_or_default();
        let worded = first.chars().all(char::is_alphabetic)
            && !crate::text::analyzer::STOP_WORDS.contains(&first);
        if words.len() < 3 || !worded {
            continue;
        }
        let tail = compact_str(&words[1..].join(" "));
        if tail.chars().count() < MIN_TAIL_CHARS
            || taken.contains(tail.as_str())
            || kind_phrases.contains(&tail)
        {
            continue;
        }
        tails
            .entry(tail)
            .and_modify(|owner| {
                if *owner != Some(slot as u32) {
                    *owner = None;
                }
            })
            .or_insert(Some(slot as u32));
    }
    tails
        .into_iter()
        .filter_map(|(tail, owner)| owner.map(|slot| (tail, slot)))
        .collect()
}

/// A name's tail shorter than this (in characters) is not linked.
const MIN_TAIL_CHARS: usize = 6;

/// A name, model number or alias rather than a question or sentence: at most six words (or
/// sixteen Han characters) and not ending with a question mark.
fn looks_like_a_name(form: &str) -> bool {
    let form = form.trim();
    let words = form.split_whitespace().count();
    let han = form.chars().filter(|c| is_han(*c)).count();
    !form.ends_with(['?', '？']) && words <= 6 && han <= 16
}

impl Linker {
    pub fn build(nodes: &[Arc<Node>], schema: &Schema) -> Linker {
        let lexicon = Lexicon::builtin();
        let t0 = std::time::Instant::now();
        let mut pairs: Vec<(String, u32)> = Vec::new();
        for (slot, node) in nodes.iter().enumerate() {
            // Questions ("how do I…?") are matched by retrieval, not as names.
            for form in node.question_forms().filter(|form| looks_like_a_name(form)) {
                let surface = compact_str(form);
                let chars = surface.chars().count();
                let only_digits = surface.chars().all(|c| c.is_ascii_digit());
                if (MIN_SURFACE_CHARS..=MAX_SURFACE_CHARS).contains(&chars)
                    && !(only_digits && chars < 4)
                {
                    pairs.push((surface, slot as u32));
                }
            }
        }
        let kind_phrases: HashSet<String> = schema
            .kinds
            .iter()
            .flat_map(|k| k.phrases.values().flatten())
            .map(|phrase| compact_str(phrase))
            .collect();
        let tails = name_tails(nodes, &pairs, &kind_phrases);
        pairs.extend(tails.iter().cloned());
        let tails: FxHashSet<String> = tails.into_iter().map(|(surface, _)| surface).collect();
        let surfaces = Surfaces::build(pairs);
        // A few bytes per variant even for hundreds of thousands of surfaces; counted first so
        // the table is allocated once, at its size. A name's tail is matched only as written.
        let fuzzy_surface = |surface: &str| {
            let length = surface.chars().count();
            (MIN_FUZZY_CHARS..=MAX_FUZZY_CHARS).contains(&length)
                && !surface.chars().any(is_han)
                && !tails.contains(surface)
        };
        let variants: usize = (0..surfaces.len())
            .map(|i| surfaces.get(i))
            .filter(|surface| fuzzy_surface(surface))
            .map(|surface| surface.chars().count())
            .sum();
        let mut fuzzy: Vec<(u64, u32)> = Vec::with_capacity(variants);
        let mut variant = String::new();
        for i in 0..surfaces.len() {
            let surface = surfaces.get(i);
            if !fuzzy_surface(surface) {
                continue;
            }
            for_each_deletion(surface, &mut variant, |variant| {
                fuzzy.push((variant_hash(variant), i as u32));
            });
        }
        fuzzy.sort_unstable();
        fuzzy.dedup();
        fuzzy.shrink_to_fit();
        tracing::debug!(
            ms = t0.elapsed().as_millis() as u64,
            surfaces = surfaces.len(),
            variants = fuzzy.len(),
            "surfaces and typo variants"
        );

        // Cue phrases: schema relations, kinds (and their names), attributes, then the lexicon.
        let mut cue_map: HashMap<String, Vec<CueTarget>> = HashMap::new();
        let mut add = |phrase: &str, target: CueTarget| {
            let phrase = cue_text(&normalize(phrase)).text;
            if !phrase.trim().is_empty() {
                cue_map.entry(phrase).or_default().push(target);
            }
        };
        let all =
            |phrases: &Phrases| -> Vec<String> { phrases.values().flatten().cloned().collect() };
        let han_relation_chars = han_relation_chars(schema);
        let kind_words: HashSet<String> = schema
            .kinds
            .iter()
            .flat_map(|k| k.name.as_str().split('_').map(str::to_owned))
            .collect();
        for (i, rel) in schema.relations.iter().enumerate() {
            // A phrase of function words only ("about", "has", "is a") appears in questions that
            // ask along no relation at all ("tell me about the X300"): it is no cue.
            for phrase in all(&rel.phrases)
                .into_iter()
                .filter(|p| !only_function_words(p))
            {
                add(&phrase, CueTarget::Relation(i as RelId));
            }
            // The relation's own names are what editors call it, and customers use the same
            // verbs ("is the b2 covered", "what replaced the x100"): `covered_by` cues on
            // "covered", `replaced_by` on "replaced". Kind names ("product" of `has_product`) and
            // function words ("by", "to") say nothing about the relation.
            for name in std::iter::once(&rel.name).chain(rel.inverse.as_ref()) {
                for word in name.as_str().split('_') {
                    if word.len() > 3 && !kind_words.contains(word) && !only_function_words(word) {
                        add(word, CueTarget::Relation(i as RelId));
                    }
                }
            }
        }
        for kind in &schema.kinds {
            let name = kind.name.as_str().replace('_', " ");
            add(&name, CueTarget::Kind(kind.name.to_string()));
            add(&plural(&name), CueTarget::Kind(kind.name.to_string()));
            for phrase in all(&kind.phrases) {
                add(&phrase, CueTarget::Kind(kind.name.to_string()));
            }
        }
        let attr_keys: BTreeSet<&str> = nodes
            .iter()
            .flat_map(|n| n.attrs.keys().map(String::as_str))
            .collect();
        for key in &attr_keys {
            let spoken = key.replace('_', " ");
            add(&spoken, CueTarget::Attribute((*key).to_owned()));
            if let Some(declared) = schema.attributes.get(*key) {
                for phrase in all(declared) {
                    add(&phrase, CueTarget::Attribute((*key).to_owned()));
                }
            } else {
                for hint in &lexicon.attribute_hints {
                    if hint
                        .key_contains
                        .iter()
                        .any(|part| key.contains(part.as_str()))
                    {
                        for phrase in all(&hint.phrases) {
                            add(&phrase, CueTarget::Attribute((*key).to_owned()));
                        }
                    }
                }
            }
        }
        for phrase in all(&lexicon.human_request) {
            add(&phrase, CueTarget::Human);
        }
        for phrase in all(&lexicon.negative) {
            add(&phrase, CueTarget::Negative);
        }
        for phrase in all(&lexicon.anaphora) {
            add(&phrase, CueTarget::Anaphora);
        }
        for phrase in all(&lexicon.question_words) {
            add(&phrase, CueTarget::QuestionWord);
        }
        let mut cue_phrases: Vec<String> = cue_map.keys().map(|p| p.trim().to_owned()).collect();
        cue_phrases.sort();
        cue_phrases.dedup();
        let mut trimmed: HashMap<String, Vec<CueTarget>> = HashMap::new();
        for (phrase, targets) in cue_map.drain() {
            trimmed
                .entry(phrase.trim().to_owned())
                .or_default()
                .extend(targets);
        }
        let mut cue_map = trimmed;
        let cue_latin = cue_phrases.iter().map(|p| !p.chars().any(is_han)).collect();
        let cue_targets = cue_phrases
            .iter()
            .map(|p| cue_map.remove(p).unwrap_or_default())
            .collect();
        let cues = (!cue_phrases.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&cue_phrases)
                .expect("cue automaton builds")
        });
        Linker {
            surfaces,
            fuzzy,
            cues,
            cue_targets,
            cue_latin,
            han_relation_chars,
        }
    }

    /// The compact text of each exact mention in `normalized` (from [`normalize`]; one per span).
    pub fn mention_texts(normalized: &str, links: &[Link]) -> Vec<String> {
        let chars: Vec<char> = normalized.chars().collect();
        exact_spans(links, chars.len())
            .into_iter()
            .map(|(start, end)| compact(&chars[start..end]).text)
            .filter(|m| !m.is_empty())
            .collect()
    }

    /// One link per node that `surface` names, for a mention at `start..end`.
    fn push_links(
        &self,
        links: &mut Vec<Link>,
        surface: usize,
        start: usize,
        end: usize,
        exact: bool,
    ) {
        let targets = self.surfaces.targets(surface);
        let length = self.surfaces.get(surface).chars().count();
        links.extend(targets.iter().map(|&slot| Link {
            slot,
            start,
            end,
            ambiguity: targets.len(),
            exact,
            length,
        }));
    }

    /// Entity mentions in `normalized` (from [`normalize`]): exact matches of names and aliases
    /// (longest first, ignoring spaces and hyphens, whole words for Latin text), then
    /// typo-tolerant matches of the words no exact match covered.
    pub fn link(&self, normalized: &str) -> Vec<Link> {
        let chars: Vec<char> = normalized.chars().collect();
        let packed = compact(&chars);
        let mut links = Vec::new();
        let mut covered = vec![false; chars.len()];
        let mut from = 0;
        while let Some((surface, found_start, found_end)) = self.surfaces.find(&packed.text, from) {
            let start = packed.source[found_start];
            let end = packed.source[found_end - 1] + 1;
            if !at_word_boundaries(&chars, start, end) {
                // A match across a word boundary must not hide a mention that starts inside it
                // ("a pixel 7" with a surface "ap"): search again from its next character.
                let first = packed.text[found_start..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                from = found_start + first;
                continue;
            }
            from = found_end;
            self.push_links(&mut links, surface, start, end, true);
            covered[start..end].iter_mut().for_each(|c| *c = true);
        }
        links.extend(self.fuzzy_links(&chars, &covered));
        links
    }

    fn fuzzy_links(&self, chars: &[char], covered: &[bool]) -> Vec<Link> {
        // Latin words not already covered, as (start, end) character spans.
        let mut words = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if is_latin_word_char(chars[i]) {
                let start = i;
                while i < chars.len() && (is_latin_word_char(chars[i]) || chars[i] == '-') {
                    i += 1;
                }
                if !covered[start..i].iter().any(|c| *c) {
                    words.push((start, i));
                }
            } else {
                i += 1;
            }
        }
        let mut links = Vec::new();
        let mut used = vec![false; words.len()];
        // Longer spans first: "halo mesh prp" should match as one name, not as "halo".
        for width in (1..=3).rev() {
            for first in 0..words.len().saturating_sub(width - 1) {
                if used[first..first + width].iter().any(|u| *u) {
                    continue;
                }
                let (start, end) = (words[first].0, words[first + width - 1].1);
                // `chars` is already normalised (and normalising is idempotent).
                let candidate = compact(&chars[start..end]).text;
                let length = candidate.chars().count();
                if length < MIN_FUZZY_CHARS + 1 || candidate.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                let limit = if length >= 9 { 2 } else { 1 };
                let mut best: Option<(usize, u32)> = None;
                let mut variants = deletions(&candidate);
                variants.push(candidate.clone());
                for variant in variants {
                    let hash = variant_hash(&variant);
                    let first = self.fuzzy.partition_point(|(h, _)| *h < hash);
                    let matches = self.fuzzy[first..].iter().take_while(|(h, _)| *h == hash);
                    for &(_, surface) in matches {
                        let text = self.surfaces.get(surface as usize);
                        // Model numbers differ by one digit on purpose (X200, X300): typos may
                        // touch letters only.
                        if digits(text) != digits(&candidate) {
                            continue;
                        }
                        let distance = strsim::damerau_levenshtein(text, &candidate);
                        if distance > 0
                            && distance <= limit
                            && best.is_none_or(|(d, _)| distance < d)
                        {
                            best = Some((distance, surface));
                        }
                    }
                }
                if let Some((_, surface)) = best {
                    self.push_links(&mut links, surface as usize, start, end, false);
                    used[first..first + width]
                        .iter_mut()
                        .for_each(|u| *u = true);
                }
            }
        }
        links
    }

    /// Relation, kind and attribute cues, requests for a person, negative words and references
    /// back to earlier turns found in `normalized`.
    /// Cue words inside an entity's name (套餐 in "家庭安心套餐", "return" in "Return Shield")
    /// name the entity, not what the question asks for: pass the mentions found by
    /// [`Linker::link`] to have relation, kind and attribute cues inside them ignored.
    /// The exception is a kind word naming the mentioned node's own kind: "return" in "x300
    /// return window" (an alias of the return policy) says the customer asks about a policy —
    /// `is_kind(slot, kind)` tells whether a linked node is of a kind.
    /// A relation or kind cue that starts inside the phrase of an attribute a mentioned node
    /// holds is a piece of that phrase: "annual fee on the voyager card" asks for the card's
    /// annual fee, not for a fee (a kind) the card incurs ("fee on") — `holds(slot, key)` tells
    /// whether a linked node holds an attribute. ("how long is the warranty on the c2" keeps
    /// its warranty cues: the camera holds no warranty length, its policy does.)
    pub fn cues_outside(
        &self,
        normalized: &str,
        mentions: &[Link],
        is_kind: &dyn Fn(u32, &str) -> bool,
        holds: &dyn Fn(u32, &str) -> bool,
    ) -> Cues {
        let ignored = |start: usize, end: usize, target: &CueTarget| {
            let structural = matches!(
                target,
                CueTarget::Relation(_) | CueTarget::Kind(_) | CueTarget::Attribute(_)
            );
            // A mention that is nothing but an attribute's phrase ("月费", the alias of the
            // monthly fee, in "有月费吗") may ask for that attribute: the scorer weighs both.
            let whole = |m: &Link| (m.start, m.end) == (start, end);
            structural
                && mentions.iter().any(|m| {
                    m.exact
                        && m.start <= start
                        && end <= m.end
                        && !matches!(target, CueTarget::Kind(kind) if is_kind(m.slot, kind))
                        && !(matches!(target, CueTarget::Attribute(_)) && whole(m))
                })
        };
        let held = |key: &str| mentions.iter().any(|m| holds(m.slot, key));
        self.cues_where(normalized, mentions, &ignored, &held)
    }

    pub fn cues(&self, normalized: &str) -> Cues {
        self.cues_where(normalized, &[], &|_, _, _| false, &|_| false)
    }

    fn cues_where(
        &self,
        normalized: &str,
        mentions: &[Link],
        ignored: &dyn Fn(usize, usize, &CueTarget) -> bool,
        held: &dyn Fn(&str) -> bool,
    ) -> Cues {
        let mut cues = Cues::default();
        let Some(automaton) = &self.cues else {
            return cues;
        };
        let mut asks: Vec<usize> = Vec::new();
        // Cues with their character spans.
        let mut relations: Vec<(RelId, usize, usize)> = Vec::new();
        let mut kinds: Vec<(String, usize, usize)> = Vec::new();
        let mut attributes: Vec<(String, usize, usize)> = Vec::new();
        // Phrases of attributes a mentioned node holds.
        let mut held_attribute_spans: Vec<(usize, usize)> = Vec::new();
        let text = cue_text(normalized);
        let chars: Vec<char> = text.text.chars().collect();
        let char_at: Vec<usize> = {
            let mut map = vec![0; text.text.len() + 1];
            for (i, (offset, _)) in text.text.char_indices().enumerate() {
                map[offset] = i;
            }
            map[text.text.len()] = chars.len();
            map
        };
        // A Han phrase inside a set phrase is not said: "怎么" (how) in "怎么回事" (what is
        // going on).
        let han_words = han_word_boundaries(normalized);
        for found in automaton.find_overlapping_iter(&text.text) {
            let index = found.pattern().as_usize();
            let (start, end) = (char_at[found.start()], char_at[found.end()]);
            if self.cue_latin[index] && !at_whole_words(&chars, start, end) {
                continue;
            }
            let start = text.source[found.start()];
            let end = text.source[found.end()];
            let whole_han_words = han_words[start] && han_words[end];
            if !self.cue_latin[index] && !whole_han_words {
                continue;
            }
            for target in &self.cue_targets[index] {
                if ignored(start, end, target) {
                    continue;
                }
                match target {
                    CueTarget::Relation(rel) => relations.push((*rel, start, end)),
                    CueTarget::Kind(kind) => kinds.push((kind.clone(), start, end)),
                    CueTarget::Attribute(key) => {
                        attributes.push((key.clone(), start, end));
                        if held(key) {
                            held_attribute_spans.push((start, end));
                        }
                    }
                    CueTarget::Human => cues.human_request = true,
                    CueTarget::Negative => cues.negative_hits += 1,
                    CueTarget::Anaphora => cues.anaphora = true,
                    CueTarget::QuestionWord => asks.push(end),
                }
            }
        }
        let source: Vec<char> = normalized.chars().collect();
        relations.extend(self.relation_chars_between(
            &source,
            mentions,
            &relations,
            &kinds,
            &attributes,
        ));
        // "what policy applies to the device that …", "家庭安心套餐送什么设备": of several kinds
        // named, the one right after the question word is the one asked for.
        let asked_right_after = |ask_end: usize, cue_start: usize| {
            let Some(gap) = source.get(ask_end..cue_start) else {
                return false;
            };
            let latin_words = gap
                .split(|c| c.is_whitespace() || is_han(*c))
                .filter(|w| !w.is_empty())
                .count();
            latin_words <= 1 && gap.iter().filter(|c| is_han(**c)).count() <= 2
        };
        let inside_attribute = |start: usize| {
            held_attribute_spans
                .iter()
                .any(|&(s, e)| s < start && start < e)
        };
        relations.retain(|(_, start, _)| !inside_attribute(*start));
        kinds.retain(|(_, start, _)| !inside_attribute(*start));
        let asked: Vec<(String, usize, usize)> = kinds
            .iter()
            .filter(|(_, start, _)| asks.iter().any(|&end| asked_right_after(end, *start)))
            .cloned()
            .collect();
        if !asked.is_empty() {
            // The words that say which kind is asked for ask for nothing else: in "包含什么功能"
            // (which features does it include) "功能" is the kind, not also `has_feature`.
            relations
                .retain(|(_, start, end)| !asked.iter().any(|(_, s, e)| (s, e) == (start, end)));
            kinds = asked;
        }
        // A word that names the kind asked for names a thing, not a value: "what about its
        // warranty" asks for a warranty policy, not for every attribute about warranties.
        attributes.retain(|(_, start, end)| !kinds.iter().any(|(_, s, e)| (s, e) == (start, end)));
        cues.attributes = attributes
            .into_iter()
            .map(|(key, start, _)| (key, start))
            .collect();
        cues.relations = relations.iter().map(|(r, start, _)| (*r, *start)).collect();
        cues.kind_spans = kinds.iter().map(|(_, start, end)| (*start, *end)).collect();
        // A kind word said only inside a longer relation phrase ("怎么" of "怎么修", how to
        // fix) is part of how the relation is asked, not a kind asked for besides. (A phrase
        // that is both, like "warranty", still names its kind.)
        cues.kinds_inside_relations = kinds
            .iter()
            .map(|(kind, _, _)| kind)
            .filter(|kind| {
                kinds
                    .iter()
                    .filter(|(k, _, _)| k == *kind)
                    .all(|(_, start, end)| {
                        relations
                            .iter()
                            .any(|(_, s, e)| s <= start && end <= e && (s, e) != (start, end))
                    })
            })
            .cloned()
            .collect();
        cues.kinds = kinds.into_iter().map(|(k, start, _)| (k, start)).collect();
        cues.relations.sort();
        cues.relations.dedup_by_key(|(rel, _)| *rel);
        cues.kinds.sort();
        cues.kinds.dedup_by(|a, b| a.0 == b.0);
        cues.attributes.sort();
        cues.attributes.dedup_by(|a, b| a.0 == b.0);
        cues
    }

    /// Between two things a Chinese question names, a short run of Han characters with no cue
    /// phrase in it often says how they are related by one character of a relation's phrases:
    /// "b2 灯泡要的那个网关" (the gateway the b2 bulb needs: "要" of "需要"), "z5 耳机配的充电器"
    /// (the charger that goes with the z5: "配" of "搭配"). Of the characters in such a run
    /// ([`Linker::han_relation_chars`], outside kind and attribute cues), the one whose
    /// relation the schema's phrases say most surely cues that relation: one a gap.
    fn relation_chars_between(
        &self,
        source: &[char],
        mentions: &[Link],
        relations: &[(RelId, usize, usize)],
        kinds: &[(String, usize, usize)],
        attributes: &[(String, usize, usize)],
    ) -> Vec<(RelId, usize, usize)> {
        let mut found = Vec::new();
        if self.han_relation_chars.is_empty() {
            return found;
        }
        let mut end = None;
        for (start, stop) in exact_spans(mentions, source.len()) {
            if let Some(after) = end.filter(|&after| after < start) {
                let gap = &source[after..start];
                let han = gap.iter().filter(|c| is_han(**c)).count();
                let only_han = gap.iter().all(|c| is_han(*c) || c.is_whitespace());
                if only_han
                    && (1..=MAX_RELATION_GAP).contains(&han)
                    && !relations.iter().any(|r| r.1 < start && after < r.2)
                {
                    // One relation a gap: the character saying it most surely ("要配", needs
                    // to go with: "要" is only ever `requires`, "配" mostly `compatible_with`).
                    let best = (after..start)
                        .filter(|&at| {
                            let inside = |s: usize, e: usize| s <= at && at < e;
                            !kinds.iter().any(|k| inside(k.1, k.2))
                                && !attributes.iter().any(|a| inside(a.1, a.2))
                        })
                        .filter_map(|at| Some((at, self.han_relation_chars.get(&source[at])?)))
                        .max_by(|a, b| a.1 .1.total_cmp(&b.1 .1).then(b.0.cmp(&a.0)));
                    if let Some((at, &(rel, _))) = best {
                        found.push((rel, at, at + 1));
                    }
                }
            }
            end = Some(end.map_or(stop, |e: usize| e.max(stop)));
        }
        found
    }
}

/// The character spans of the exact mentions among `links` (clipped to `len`), sorted, each
/// once.
fn exact_spans(links: &[Link], len: usize) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = links
        .iter()
        .filter(|l| l.exact)
        .map(|l| (l.start, l.end.min(len)))
        .collect();
    spans.sort_unstable();
    spans.dedup();
    spans
}

/// The most Han characters between two mentions read for a relation's character.
const MAX_RELATION_GAP: usize = 4;

/// Han characters of the schema's relation phrases that say one relation: used in at least two
/// of its phrases and in at least three quarters of all the relation phrases using them; with that share.
fn han_relation_chars(schema: &Schema) -> HashMap<char, (RelId, f32)> {
    let mut uses: HashMap<char, HashMap<RelId, usize>> = HashMap::new();
    for (i, rel) in schema.relations.iter().enumerate() {
        for phrase in rel.phrases.values().flatten() {
            let chars: BTreeSet<char> = phrase.chars().filter(|c| is_han(*c)).collect();
            for c in chars {
                *uses.entry(c).or_default().entry(i as RelId).or_default() += 1;
            }
        }
    }
    uses.into_iter()
        .filter_map(|(c, by_relation)| {
            let total: usize = by_relation.values().sum();
            let (&rel, &most) = by_relation
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
            let share = most as f32 / total as f32;
            (most >= 2 && share >= 0.75).then_some((c, (rel, share)))
        })
        .collect()
}

/// The first index in `low..high` for which `before` is false (it must be true for a prefix of
/// the range and false after).
fn partition_point(mut low: usize, mut high: usize, before: impl Fn(usize) -> bool) -> usize {
    while low < high {
        let middle = low + (high - low) / 2;
        if before(middle) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

fn only_function_words(phrase: &str) -> bool {
    let normalized = normalize(phrase);
    !normalized.chars().any(is_han)
        && normalized
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .all(|w| crate::text::analyzer::STOP_WORDS.contains(&w))
}

fn plural(word: &str) -> String {
    if let Some(stem) = word.strip_suffix('y') {
        format!("{stem}ies")
    } else if word.ends_with('s') {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// Normalised text as cue phrases are matched: every Latin word replaced by its English stem
/// ("replaced", "replaces" → "replac"; "policies" → "polici"), everything else kept, so phrases
/// match across inflections.
struct CueText {
    text: String,
    /// For each byte of `text`: the character index it came from in the normalised text.
    source: Vec<usize>,
}

fn stemmer() -> &'static frostem::Stemmer {
    static STEMMER: std::sync::OnceLock<frostem::Stemmer> = std::sync::OnceLock::new();
    STEMMER.get_or_init(|| frostem::Stemmer::new(frostem::Algorithm::English))
}

fn cue_text(normalized: &str) -> CueText {
    let mut out = CueText {
        text: String::with_capacity(normalized.len()),
        source: Vec::with_capacity(normalized.len()),
    };
    let chars: Vec<char> = normalized.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if is_latin_word_char(chars[i]) {
            let start = i;
            while i < chars.len() && is_latin_word_char(chars[i]) {
                i += 1;
            }
            let mut word: String = chars[start..i].iter().collect();
            // "isn't" is one word here, as "isnt" is.
            if word.ends_with('n')
                && matches!(chars.get(i), Some('\'' | '\u{2019}'))
                && chars.get(i + 1) == Some(&'t')
                && !chars.get(i + 2).is_some_and(|c| is_latin_word_char(*c))
            {
                word.push('t');
                i += 2;
            }
            for (n, part) in expand_negation(&word).split(' ').enumerate() {
                if n > 0 {
                    out.text.push(' ');
                    out.source.push(start);
                }
                let stem = stemmer().stem(part);
                out.text.push_str(&stem);
                out.source.extend(std::iter::repeat_n(start, stem.len()));
            }
        } else {
            let before = out.text.len();
            out.text.push(chars[i]);
            out.source
                .extend(std::iter::repeat_n(i, out.text.len() - before));
            i += 1;
        }
    }
    out.source.push(chars.len());
    out
}

/// Negated auxiliaries as customers type them, spelt out: "isnt working" and "isn't working"
/// match the phrase "not working", "cant" the phrase "can not".
fn expand_negation(word: &str) -> &str {
    match word {
        "isnt" => "is not",
        "arent" => "are not",
        "wasnt" => "was not",
        "werent" => "were not",
        "dont" => "do not",
        "doesnt" => "does not",
        "didnt" => "did not",
        "havent" => "have not",
        "hasnt" => "has not",
        "cant" | "cannot" => "can not",
        "wont" => "will not",
        "couldnt" => "could not",
        "shouldnt" => "should not",
        "wouldnt" => "would not",
        _ => word,
    }
}

/// A Latin cue phrase must cover whole words of the cue text.
fn at_whole_words(chars: &[char], start: usize, end: usize) -> bool {
    let word = |i: usize| chars.get(i).is_some_and(|c| is_latin_word_char(*c));
    let splits_start = start > 0 && word(start) && word(start - 1);
    let splits_end = end > 0 && word(end - 1) && word(end);
    !splits_start && !splits_end
}

/// A Latin mention must not start or end inside a word; a trailing plural or possessive `s`
/// (`x200s`, `nova 7's`) is allowed.
fn at_word_boundaries(chars: &[char], start: usize, end: usize) -> bool {
    let latin_edge = |i: usize| chars.get(i).is_some_and(|c| is_latin_word_char(*c));
    if latin_edge(start) && start > 0 && latin_edge(start - 1) {
        return false;
    }
    if end > 0 && latin_edge(end - 1) && latin_edge(end) {
        let plural_s = chars.get(end) == Some(&'s') && !latin_edge(end + 1);
        let possessive = chars.get(end) == Some(&'\'')
            && chars.get(end + 1) == Some(&'s')
            && !latin_edge(end + 2);
        return plural_s || possessive;
    }
    true
}

/// FxHash rather than SipHash: start-up hashes every typo variant (≈ 1.8M at 100k nodes), and a
/// collision only adds a candidate the edit distance check rejects.
fn variant_hash(variant: &str) -> u64 {
    use std::hash::BuildHasher;
    FxBuildHasher.hash_one(variant)
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Calls `each` with every string one character shorter than `word`, built in `buffer`.
fn for_each_deletion(word: &str, buffer: &mut String, mut each: impl FnMut(&str)) {
    for skip in 0..word.chars().count() {
        buffer.clear();
        buffer.extend(
            word.chars()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| c),
        );
        each(buffer);
    }
}

/// Every string one character shorter than `word`.
fn deletions(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len())
        .map(|skip| {
            chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| c)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::formats::parse_nodes_jsonl;

    /// A linker over `nodes` (JSONL) and `schema` (YAML).
    fn linker_of(nodes: &str, schema: &str) -> (Linker, Vec<Arc<Node>>) {
        let nodes = parse_nodes_jsonl(nodes, "n.jsonl");
        assert!(nodes.errors.is_empty());
        let nodes: Vec<Arc<Node>> = nodes.items.into_iter().map(|l| Arc::new(l.item)).collect();
        let schema = Schema::parse_yaml(schema, "s").unwrap();
        (Linker::build(&nodes, &schema), nodes)
    }

    fn linker() -> (Linker, Vec<Arc<Node>>) {
        linker_of(
            r#"{"id":"product/x200","kind":"product","name":"X200 Router","aliases":["X200","X-200 路由器"],"attrs":{"price":129}}
{"id":"product/halo","kind":"product","name":"Halo Mesh Pro","aliases":["光环"]}
{"id":"product/nova-7","kind":"product","name":"Nova 7","aliases":["诺瓦7"]}
{"id":"policy/w2","kind":"policy","name":"2-Year Warranty"}"#,
            "kinds: [product, policy]\nrelations:\n  - name: covered_by\n    from: [product]\n    to: [policy]\n    phrases: {en: [\"warranty\", \"covered by\"], zh: [\"保修\"]}\n",
        )
    }

    fn linked(linker: &Linker, nodes: &[Arc<Node>], question: &str) -> Vec<(String, bool)> {
        let mut out: Vec<_> = linker
            .link(&normalize(question))
            .into_iter()
            .map(|l| (nodes[l.slot as usize].id.to_string(), l.exact))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn normalises_width_case_and_space() {
        assert_eq!(normalize("  ＸＲ２００   Router？ "), "xr200 router?");
    }

    #[test]
    fn ascii_is_normalised_and_compacted_as_any_other_text() {
        // Every ASCII character, alone and between letters, and some names as typed.
        let mut texts: Vec<String> = (0u8..128)
            .map(|b| char::from(b).to_string())
            .chain((0u8..128).map(|b| format!("Ab{}cD 9", char::from(b))))
            .collect();
        texts.extend(
            [
                "  X-200\tRouter\x0b Pro ",
                "Wi-Fi 6E / AX5400?",
                "",
                "\r\n",
                "O'Neil's #1 plan",
            ]
            .map(str::to_owned),
        );
        for text in &texts {
            let general = normalize_unicode(text);
            assert_eq!(normalize(text), general, "{text:?}");
            let chars: Vec<char> = general.chars().collect();
            assert_eq!(compact_str(text), compact(&chars).text, "{text:?}");
        }
    }

    #[test]
    fn detects_language() {
        assert_eq!(detect_lang("how do I reset it"), QuestionLang::En);
        assert_eq!(detect_lang("如何重置路由器密码?"), QuestionLang::Zh);
        assert_eq!(detect_lang("X200 怎么 reset?"), QuestionLang::Zh);
        assert_eq!(
            detect_lang("how much is the 光环 mesh system in total"),
            QuestionLang::Mixed
        );
    }

    #[test]
    fn links_names_and_aliases_however_spaced() {
        let (linker, nodes) = linker();
        for question in [
            "how much is the x 200?",
            "X-200 price",
            "is the x200s fast",
            "诺瓦7多少钱",
        ] {
            let links = linked(&linker, &nodes, question);
            assert!(!links.is_empty(), "{question}");
            assert!(
                links.iter().all(|(_, exact)| *exact),
                "{question}: {links:?}"
            );
        }
        assert_eq!(
            linked(&linker, &nodes, "tell me about the halo mesh pro")[0].0,
            "product/halo"
        );
        assert!(
            linked(&linker, &nodes, "the ax2000 router").is_empty(),
            "no match inside a word"
        );
    }

    #[test]
    fn tolerates_small_typos() {
        let (linker, nodes) = linker();
        assert_eq!(
            linked(&linker, &nodes, "does the halo mesh prp work"),
            [("product/halo".to_string(), false)]
        );
        assert_eq!(
            linked(&linker, &nodes, "nvoa 7 battery")[0].0,
            "product/nova-7"
        );
    }

    #[test]
    fn finds_cues_in_both_languages() {
        let (linker, _) = linker();
        let cues = linker.cues(&normalize("What warranty covers it? I want a real person"));
        assert_eq!(cues.relations.len(), 1);
        assert!(cues.human_request);
        assert!(cues.anaphora);
        let cues = linker.cues(&normalize("X200 多少钱? 保修多久"));
        assert!(cues.attributes.iter().any(|(k, _)| k == "price"));
        assert_eq!(cues.relations.len(), 1);
        let cues = linker.cues(&normalize("which policies apply"));
        assert_eq!(cues.kinds, [("policy".to_string(), 6)]);
        let cues = linker.cues(&normalize("is the X200 covered by the warranty"));
        assert_eq!(cues.relations.len(), 1, "stemmed phrase `cover by` matches");
    }

    #[test]
    fn a_han_phrase_inside_a_set_phrase_is_no_cue() {
        let (linker, _) = linker_of(
            r#"{"id":"issue/e51","kind":"issue","name":"Error E51","aliases":["E51"]}"#,
            "kinds:\n  - name: faq\n    phrases: {zh: [\"怎么\"]}\n  - issue\n  - name: policy\n    phrases: {zh: [\"保修\"]}\n",
        );
        let kinds = |q: &str| linker.cues(&normalize(q)).kinds;
        assert_eq!(kinds("路由器怎么重启"), [("faq".to_string(), 3)]);
        // "怎么回事" (what is going on) is a set phrase: it does not ask how to do something.
        assert!(kinds("路由器报 E51 怎么回事").is_empty());
        // "保修期" (warranty period) is a compound that still says "保修" (warranty).
        assert_eq!(kinds("保修期多长"), [("policy".to_string(), 0)]);
    }

    #[test]
    fn negated_auxiliaries_match_phrases_however_typed() {
        let (linker, _) = linker_of(
            "",
            "kinds: [product, {name: issue, phrases: {en: [\"not working\", \"can not connect\"]}}]\nrelations: []\n",
        );
        for question in [
            "my wallet isnt working",
            "my wallet isn't working",
            "my wallet isn\u{2019}t working",
            "the app cant connect",
            "the app cannot connect",
        ] {
            let cues = linker.cues(&normalize(question));
            assert_eq!(cues.kinds.len(), 1, "{question}: {cues:?}");
        }
        assert!(linker
            .cues(&normalize("my wallet is working"))
            .kinds
            .is_empty());
    }

    #[test]
    fn the_kind_after_a_question_word_is_the_kind_asked_for() {
        let (linker, _) = linker();
        let kinds = |question: &str| -> Vec<String> {
            linker
                .cues(&normalize(question))
                .kinds
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        };
        assert_eq!(kinds("which policy applies to this product"), ["policy"]);
        assert_eq!(
            kinds("what kind of product does the policy cover"),
            ["product"]
        );
        assert_eq!(kinds("这个 product 适用什么 policy"), ["policy"]);
        // No question word: every kind named stays a candidate.
        assert_eq!(kinds("product policy please"), ["policy", "product"]);
    }

    #[test]
    fn the_words_naming_the_kind_asked_for_are_no_relation_cue() {
        let (linker, _) = linker_of(
            "",
            "kinds: [plan, {name: feature, phrases: {en: [feature], zh: [功能]}}]\nrelations:\n  - name: includes\n    from: [plan]\n    to: [feature]\n    phrases: {en: [include], zh: [包含]}\n  - name: has_feature\n    from: [plan]\n    to: [feature]\n    phrases: {en: [feature], zh: [功能]}\n",
        );
        let relations = |question: &str| linker.cues(&normalize(question)).relations.len();
        // "功能" after "什么" names the kind asked for: only "包含" is a relation cue.
        assert_eq!(relations("shield 包含什么功能"), 1);
        // Without a question word before it, it is a cue of `has_feature` too.
        assert_eq!(relations("shield 包含 功能"), 2);
    }

    #[test]
    fn relation_names_are_cues_but_kind_and_function_words_are_not() {
        let (linker, _) = linker_of(
            "",
            "kinds: [product, part]\nrelations:\n  - name: replaced_by\n    from: [product]\n    to: [product]\n    inverse: replaces\n  - name: has_part\n    from: [product]\n    to: [part]\n",
        );
        for question in ["what replaced the old one", "is there a replacement"] {
            let cues = linker.cues(&normalize(question));
            assert_eq!(cues.relations.len(), 1, "{question}: {cues:?}");
            assert_eq!(cues.relations[0].0, 0, "{question}");
        }
        // "has" is a function word and "part" names a kind: neither cues `has_part`.
        let cues = linker.cues(&normalize("which part has it"));
        assert!(cues.relations.is_empty(), "{cues:?}");
    }

    #[test]
    fn a_name_without_its_brand_links_when_it_names_nothing_else() {
        let (linker, nodes) = linker_of(
            r#"{"id":"card/cb","kind":"card","name":"Kestrel Cashback Visa"}
{"id":"plan/shield","kind":"plan","name":"Lumora Shield"}
{"id":"solution/slow","kind":"solution","name":"Fix slow charging"}
{"id":"issue/slow","kind":"issue","name":"Slow charging"}
{"id":"faq/reset","kind":"faq","name":"How to reset the router"}
{"id":"card/campus","kind":"card","name":"Campus Debit Card"}"#,
            "kinds: [{name: card, phrases: {en: [debit card]}}, plan, solution, issue, faq]\n",
        );
        // "debit card" is what the schema calls the kind, not the campus card's tail.
        assert!(linked(&linker, &nodes, "my new debit card").is_empty());
        assert_eq!(
            linked(
                &linker,
                &nodes,
                "does the cashback visa charge extra abroad"
            ),
            [("card/cb".to_owned(), true)]
        );
        // One word left is too little to name anything.
        assert!(linked(&linker, &nodes, "is shield any good").is_empty());
        // "slow charging" is the issue's own name, not the fix's tail.
        assert_eq!(
            linked(&linker, &nodes, "slow charging again"),
            [("issue/slow".to_owned(), true)]
        );
        // Names that start with a function word keep their first word.
        assert!(linked(&linker, &nodes, "to reset the router").is_empty());
    }

    #[test]
    fn a_cue_inside_the_phrase_of_an_attribute_the_entity_holds_is_part_of_it() {
        let (linker, nodes) = linker_of(
            r#"{"id":"card/v","kind":"card","name":"Voyager card","attrs":{"annual_fee":95}}
{"id":"product/c2","kind":"product","name":"C2 camera"}"#,
            "kinds:\n  - name: card\n  - name: product\n  - name: charge\n    phrases: {en: [fee]}\n  - name: policy\n    phrases: {en: [warranty]}\nrelations:\n  - name: incurs\n    from: [card]\n    to: [charge]\n    phrases: {en: [\"fee on\"]}\n  - name: covered_by\n    from: [product]\n    to: [policy]\n    phrases: {en: [\"warranty on\"]}\nattributes:\n  annual_fee: {en: [\"annual fee\"]}\n  warranty_months: {en: [\"how long is the warranty\"]}\n",
        );
        let cues = |question: &str| {
            let normalized = normalize(question);
            let links = linker.link(&normalized);
            linker.cues_outside(
                &normalized,
                &links,
                &|slot, kind| nodes[slot as usize].kind.as_str() == kind,
                &|slot, key| nodes[slot as usize].attrs.contains_key(key),
            )
        };
        // The card holds an annual fee: "fee" and "fee on" are pieces of "annual fee".
        let fee = cues("annual fee on the voyager card");
        assert!(fee.relations.is_empty(), "{fee:?}");
        assert!(fee.kinds.iter().all(|(k, _)| k != "charge"), "{fee:?}");
        assert_eq!(fee.attributes.len(), 1);
        // The camera holds no warranty length, its policy does: the warranty cues stay.
        let warranty = cues("how long is the warranty on the c2 camera");
        assert_eq!(warranty.relations.len(), 1, "{warranty:?}");
        assert!(
            warranty.kinds.iter().any(|(k, _)| k == "policy"),
            "{warranty:?}"
        );
    }

    #[test]
    fn a_relation_character_between_two_named_things_cues_its_relation() {
        let (linker, nodes) = linker_of(
            r#"{"id":"product/b2","kind":"product","name":"B2 灯泡"}
{"id":"category/hubs","kind":"category","name":"Hubs","aliases":["网关"]}
{"id":"category/chargers","kind":"category","name":"Chargers","aliases":["充电器"]}"#,
            "kinds: [product, category, policy]\nrelations:\n  - name: requires\n    from: [product]\n    to: [product]\n    phrases: {zh: [\"需要\", \"要不要\", \"得配\"]}\n  - name: compatible_with\n    from: [product]\n    to: [product]\n    phrases: {zh: [\"搭配\", \"配套\", \"能不能配\"]}\n  - name: covered_by\n    from: [product]\n    to: [policy]\n    phrases: {zh: [\"保修\"]}\n",
        );
        let relations = |question: &str| {
            let normalized = normalize(question);
            let links = linker.link(&normalized);
            let cues = linker.cues_outside(
                &normalized,
                &links,
                &|slot, kind| nodes[slot as usize].kind.as_str() == kind,
                &|_, _| false,
            );
            cues.relations.iter().map(|(r, _)| *r).collect::<Vec<_>>()
        };
        let (requires, compatible_with) = (0, 1);
        // "要" is only ever `requires`; "配" is `compatible_with` three times in four.
        assert_eq!(relations("b2 灯泡要的那个网关老是离线"), [requires]);
        assert_eq!(relations("b2 灯泡配的充电器"), [compatible_with]);
        // One relation a gap, the surer one: "要配" (needs to go with) is `requires`.
        assert_eq!(relations("b2 灯泡要配网关吗"), [requires]);
        // Not outside two named things, nor across a longer gap, nor beside a cue phrase.
        assert!(relations("我要退货").is_empty());
        assert!(relations("b2 灯泡要").is_empty());
        assert!(relations("b2 灯泡用了很久以后要换网关吗").is_empty());
        assert_eq!(relations("b2 灯泡需要网关吗"), [requires]);
        // A character of one phrase only ("保") says nothing alone.
        assert!(relations("b2 灯泡保网关").is_empty());
    }

    #[test]
    fn a_kind_word_inside_a_relation_phrase_is_told_apart() {
        let (linker, _) = linker_of(
            r#"{"id":"product/h2","kind":"product","name":"H2 网关"}"#,
            "kinds:\n  - product\n  - name: faq\n    phrases: {zh: [\"怎么\"]}\n  - solution\nrelations:\n  - name: solved_by\n    from: [product]\n    to: [solution]\n    phrases: {zh: [\"怎么修\"]}\n",
        );
        let cues = |question: &str| linker.cues(&normalize(question));
        // "怎么" (how) only inside "怎么修" (how to fix): part of asking along `solved_by`.
        let fix = cues("h2 网关老是离线 怎么修");
        assert_eq!(fix.kinds.len(), 1, "{fix:?}");
        assert_eq!(fix.kinds_inside_relations, ["faq"]);
        // Said on its own as well, it asks for an FAQ besides.
        let how = cues("h2 网关怎么设置 坏了怎么修");
        assert!(how.kinds_inside_relations.is_empty(), "{how:?}");
    }

    #[test]
    fn a_word_naming_the_kind_asked_for_asks_for_no_attribute() {
        let (linker, _) = linker_of(
            r#"{"id":"policy/repair","kind":"policy","name":"Repair service","attrs":{"repair_warranty_days":90}}
{"id":"policy/warranty","kind":"policy","name":"Two-year warranty","attrs":{"warranty_months":24}}"#,
            "kinds:\n  - name: policy\n    phrases: {en: [warranty]}\nattributes:\n  repair_warranty_days: {en: [warranty]}\n  warranty_months: {en: [\"how long is the warranty\"]}\n",
        );
        let cues = linker.cues(&normalize("what about its warranty"));
        assert_eq!(cues.kinds, [("policy".to_string(), 15)]);
        assert!(cues.attributes.is_empty(), "{cues:?}");
        // A longer attribute phrase around the kind's word still asks for the attribute.
        let cues = linker.cues(&normalize("how long is the warranty"));
        let keys: Vec<&str> = cues.attributes.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["warranty_months"], "{cues:?}");
    }

    #[test]
    fn a_kind_word_inside_a_mention_counts_only_for_a_node_of_that_kind() {
        let (linker, nodes) = linker_of(
            r#"{"id":"policy/r30","kind":"policy","name":"30-Day Return Policy","aliases":["return window"]}
{"id":"plan/rs","kind":"plan","name":"Return Shield"}
{"id":"product/x3","kind":"product","name":"X3"}"#,
            "kinds:\n  - name: product\n  - name: plan\n  - name: policy\n    phrases: {en: [\"return\"]}\n",
        );
        let kinds = |question: &str| {
            let normalized = normalize(question);
            let links = linker.link(&normalized);
            linker
                .cues_outside(
                    &normalized,
                    &links,
                    &|slot, kind| nodes[slot as usize].kind.as_str() == kind,
                    &|_, _| false,
                )
                .kinds
                .into_iter()
                .map(|(k, _)| k)
                .collect::<Vec<_>>()
        };
        // "return window" names the return policy: the customer asks about a policy.
        assert_eq!(kinds("x3 return window"), ["policy"]);
        // "Return Shield" is a plan: its "return" says nothing about what is asked.
        assert!(kinds("does return shield cover the x3").is_empty());
    }

    proptest::proptest! {
        /// The sorted-range search finds exactly the leftmost-longest matches an Aho-Corasick
        /// automaton over the same surfaces finds.
        #[test]
        fn surface_search_is_leftmost_longest(
            surfaces in proptest::collection::vec("[ab\u{e9}\u{5149}]{1,4}", 1..12),
            text in "[ab\u{e9}\u{5149}]{0,16}",
        ) {
            let mut sorted = surfaces.clone();
            sorted.sort();
            sorted.dedup();
            let automaton = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&sorted)
                .unwrap();
            let packed = Surfaces::build(surfaces.into_iter().zip(0..).collect());
            let expected: Vec<(usize, usize, usize)> = automaton
                .find_iter(&text)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect();
            let mut found = Vec::new();
            let mut from = 0;
            while let Some((surface, start, end)) = packed.find(&text, from) {
                found.push((surface, start, end));
                from = end;
            }
            proptest::prop_assert_eq!(found, expected);
        }
    }
}
