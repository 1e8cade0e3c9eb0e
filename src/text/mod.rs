//! The BM25 text index (tantivy) in `<data-dir>/text`: derived state, rebuildable from the store.
//!
//! One document per node with its id, kind, tags and language as exact terms (filters) and its
//! name, aliases and body analysed by [`analyzer`] (English words + jieba words, and Han n-grams).
//! Every commit carries a payload with the index schema version and the KB version it reflects,
//! so the service can tell a stale or outdated index at start-up and rebuild it. Readers search a
//! [`TextSearcher`], a snapshot that later commits do not change.
//!
//! This module knows nothing of sled, ONNX, petgraph or HTTP.

pub mod analyzer;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, STORED, STRING,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    doc, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::domain::Node;

/// Bump when fields or analyzers change: an index with another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum TextError {
    #[error("text index error in {path}: {source}")]
    Tantivy {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("cannot prepare the text index directory {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, TextError>;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct CommitPayload {
    schema_version: u32,
    kb_version: u64,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    kind: Field,
    tag: Field,
    lang: Field,
    name: Field,
    aliases: Field,
    body: Field,
    /// Attribute values (SKUs, model numbers, colours).
    attrs: Field,
    grams_q: Field,
    grams_t: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer::WORDS)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let grams = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer::GRAMS)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED | FAST),
        kind: builder.add_text_field("kind", STRING),
        tag: builder.add_text_field("tag", STRING),
        lang: builder.add_text_field("lang", STRING),
        name: builder.add_text_field("name", words.clone()),
        aliases: builder.add_text_field("aliases", words.clone()),
        body: builder.add_text_field("body", words.clone()),
        attrs: builder.add_text_field("attrs", words),
        grams_q: builder.add_text_field("grams_q", grams.clone()),
        grams_t: builder.add_text_field("grams_t", grams),
    };
    (builder.build(), fields)
}

/// Per-field boosts of the lexical query. Names and aliases are the question forms of a node and
/// weigh more than its body.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FieldBoosts {
    pub name: f32,
    pub aliases: f32,
    pub body: f32,
    pub attrs: f32,
    pub grams_q: f32,
    pub grams_t: f32,
}

impl Default for FieldBoosts {
    fn default() -> Self {
        Self {
            name: 2.0,
            aliases: 1.5,
            body: 1.0,
            attrs: 1.5,
            grams_q: 0.6,
            grams_t: 0.3,
        }
    }
}

/// Restricts a search to some kinds and/or tags (empty: no restriction).
#[derive(Debug, Clone, Default)]
pub struct TextFilter {
    pub kinds: Vec<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TextHit {
    pub id: String,
    pub score: f32,
}

pub struct TextIndex {
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    committed: Option<CommitPayload>,
}

impl TextIndex {
    /// Opens the index in `dir`, creating it when missing. An index written with another
    /// [`SCHEMA_VERSION`] or that cannot be opened is wiped and recreated empty, so
    /// [`TextIndex::kb_version`] is `None` and the caller rebuilds it.
    pub fn open(dir: &Path) -> Result<TextIndex> {
        let path = dir.to_path_buf();
        let io = |source| TextError::Io {
            path: path.clone(),
            source,
        };
        let tantivy = |source| TextError::Tantivy {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let existing = Index::open_in_dir(dir)
            .ok()
            .filter(|index| payload_of(index).is_some_and(|p| p.schema_version == SCHEMA_VERSION));
        let index = match existing {
            Some(index) => index,
            None => {
                std::fs::remove_dir_all(dir).map_err(io)?;
                std::fs::create_dir_all(dir).map_err(io)?;
                Index::create_in_dir(dir, schema().0).map_err(tantivy)?
            }
        };
        let (_, fields) = schema();
        index
            .tokenizers()
            .register(analyzer::WORDS, analyzer::words_analyzer());
        index
            .tokenizers()
            .register(analyzer::GRAMS, analyzer::grams_analyzer());
        let committed = payload_of(&index);
        let writer = index
            .writer_with_num_threads(1, 50_000_000)
            .map_err(tantivy)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(tantivy)?;
        Ok(TextIndex {
            path,
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            committed,
        })
    }

    /// The KB version the index reflects, or `None` when it is new or was reset.
    pub fn kb_version(&self) -> Option<u64> {
        self.committed.map(|p| p.kb_version)
    }

    fn tantivy_error(&self, source: tantivy::TantivyError) -> TextError {
        TextError::Tantivy {
            path: self.path.clone(),
            source,
        }
    }

    /// Replaces the documents of `upserts`, removes those of `deletes`, and commits as
    /// `kb_version`. When `replace_all`, every document is removed first (rebuild).
    pub fn apply<'a>(
        &mut self,
        upserts: impl IntoIterator<Item = &'a Node>,
        deletes: impl IntoIterator<Item = &'a str>,
        kb_version: u64,
        replace_all: bool,
    ) -> Result<()> {
        self.stage(upserts, deletes, replace_all)?;
        self.commit(kb_version)
    }

    /// Hands the documents of `upserts` to the indexer and marks those of `deletes` (every
    /// document first when `replace_all`) for removal, without committing: nothing is visible
    /// until [`TextIndex::commit`], and [`TextIndex::rollback`] drops it all.
    pub fn stage<'a>(
        &self,
        upserts: impl IntoIterator<Item = &'a Node>,
        deletes: impl IntoIterator<Item = &'a str>,
        replace_all: bool,
    ) -> Result<()> {
        let fields = self.fields;
        let writer = self.writer.lock();
        let result = (|| {
            if replace_all {
                writer.delete_all_documents()?;
            }
            for id in deletes {
                writer.delete_term(Term::from_field_text(fields.id, id));
            }
            for node in upserts {
                writer.delete_term(Term::from_field_text(fields.id, node.id.as_str()));
                writer.add_document(document(&fields, node))?;
            }
            Ok(())
        })();
        drop(writer);
        result.map_err(|e| self.tantivy_error(e))
    }

    /// Commits what was staged as `kb_version` and makes it searchable.
    pub fn commit(&mut self, kb_version: u64) -> Result<()> {
        let mut writer = self.writer.lock();
        let result = (|| {
            let mut commit = writer.prepare_commit()?;
            let payload = CommitPayload {
                schema_version: SCHEMA_VERSION,
                kb_version,
            };
            commit.set_payload(&serde_json::to_string(&payload).expect("payload serialises"));
            commit.commit()?;
            self.reader.reload()?;
            Ok(payload)
        })();
        drop(writer);
        let payload = result.map_err(|e| self.tantivy_error(e))?;
        self.committed = Some(payload);
        Ok(())
    }

    /// Drops everything staged since the last commit.
    pub fn rollback(&self) -> Result<()> {
        let mut writer = self.writer.lock();
        let result = writer.rollback().map(|_| ());
        drop(writer);
        result.map_err(|e| self.tantivy_error(e))
    }

    /// A snapshot for searching; later commits do not change it.
    pub fn searcher(&self, boosts: FieldBoosts) -> TextSearcher {
        TextSearcher {
            searcher: self.reader.searcher(),
            fields: self.fields,
            words: self.analyzer(analyzer::WORDS),
            grams: self.analyzer(analyzer::GRAMS),
            boosts,
            nearly: Arc::default(),
        }
    }

    fn analyzer(&self, name: &str) -> TextAnalyzer {
        self.index
            .tokenizers()
            .get(name)
            .expect("analyzers are registered at open")
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A failure to read a searcher's snapshot of the index.
fn searcher_error(source: impl Into<tantivy::TantivyError>) -> TextError {
    TextError::Tantivy {
        path: PathBuf::from("(searcher)"),
        source: source.into(),
    }
}

fn payload_of(index: &Index) -> Option<CommitPayload> {
    let metas = index.load_metas().ok()?;
    serde_json::from_str(metas.payload.as_deref()?).ok()
}

fn document(fields: &Fields, node: &Node) -> TantivyDocument {
    let mut document = doc!(
        fields.id => node.id.as_str(),
        fields.kind => node.kind.as_str(),
        fields.name => node.name.as_str(),
        fields.grams_q => node.name.as_str(),
        fields.body => node.text.as_str(),
        fields.grams_t => node.text.as_str(),
    );
    for alias in &node.aliases {
        document.add_text(fields.aliases, alias);
        document.add_text(fields.grams_q, alias);
    }
    for tag in &node.tags {
        document.add_text(fields.tag, tag);
    }
    for value in node.attrs.values() {
        if let crate::domain::AttrValue::Text(text) = value {
            document.add_text(fields.attrs, text);
        }
    }
    if let Some(lang) = &node.lang {
        document.add_text(fields.lang, lang.as_str());
    }
    document
}

/// A point-in-time view of the text index.
#[derive(Clone)]
pub struct TextSearcher {
    searcher: Searcher,
    fields: Fields,
    words: TextAnalyzer,
    grams: TextAnalyzer,
    boosts: FieldBoosts,
    /// What [`TextSearcher::knows_nearly`] found for words that needed the dictionary scan,
    /// shared by the view's clones (at most [`NEARLY_CACHED`] words).
    nearly: Arc<Mutex<HashMap<String, bool>>>,
}

/// Words whose typo-tolerant lookup a view remembers: a scan of the 100k KB's dictionary costs
/// ≈ 0.3 ms a word, and customers repeat their misspellings.
const NEARLY_CACHED: usize = 4096;

impl TextSearcher {
    pub fn num_docs(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// The analysed word terms of `text`, as the index stores them.
    pub fn word_terms(&self, text: &str) -> Vec<String> {
        analyzer::analyze(&mut self.words.clone(), text)
    }

    /// Whether an analysed word term occurs in any node's name, aliases, body or attributes.
    /// Fails only when the index cannot be read.
    pub fn knows(&self, term: &str) -> Result<bool> {
        let f = self.fields;
        self.in_any(&[f.name, f.aliases, f.body, f.attrs], term)
    }

    /// Whether `term` occurs in any of `fields`.
    fn in_any(&self, fields: &[Field], term: &str) -> Result<bool> {
        for &field in fields {
            let frequency = self
                .searcher
                .doc_freq(&Term::from_field_text(field, term))
                .map_err(searcher_error)?;
            if frequency > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether an analysed word term, or a misspelling of one, occurs in any node's name,
    /// aliases, body or attributes: one edit apart for words of five letters or more, two for
    /// words of eight or more, and starting with the same letter ("intrest" is "interest";
    /// "iphone" is not "phone", nor "mar", too short to tell, "map"). A Han word is known as
    /// written: one or two characters anywhere in the KB's text, longer ones as a word. Fails
    /// only when the index cannot be read.
    pub fn knows_nearly(&self, term: &str) -> Result<bool> {
        if self.knows(term)? {
            return Ok(true);
        }
        let letters = term.chars().count();
        let Some(first) = term.chars().next() else {
            return Ok(false);
        };
        if term.chars().all(analyzer::is_han) && letters <= 2 {
            // A character or two of Chinese the KB writes only inside longer words ("屏" of
            // "屏幕", screen): the KB's text has them together, so it knows what they say.
            let f = self.fields;
            return self.in_any(&[f.grams_q, f.grams_t], term);
        }
        if letters < 5 || term.chars().any(analyzer::is_han) {
            return Ok(false);
        }
        if let Some(&known) = self.nearly.lock().get(term) {
            return Ok(known);
        }
        let known = self.scan_for_nearly(term, first, letters)?;
        let mut cached = self.nearly.lock();
        if cached.len() >= NEARLY_CACHED {
            cached.clear();
        }
        cached.insert(term.to_owned(), known);
        Ok(known)
    }

    /// The dictionary scan behind [`TextSearcher::knows_nearly`]: terms with `term`'s first
    /// letter, one edit apart (two from eight letters).
    fn scan_for_nearly(&self, term: &str, first: char, letters: usize) -> Result<bool> {
        let distance = if letters >= 8 { 2 } else { 1 };
        let from = first.to_string();
        let to = char::from_u32(first as u32 + 1).map(|c| c.to_string());
        let f = self.fields;
        for segment in self.searcher.segment_readers() {
            for field in [f.name, f.aliases, f.body, f.attrs] {
                let index = segment.inverted_index(field).map_err(searcher_error)?;
                let range = index.terms().range().ge(from.as_bytes());
                let range = match &to {
                    Some(to) => range.lt(to.as_bytes()),
                    None => range,
                };
                let mut terms = range.into_stream().map_err(searcher_error)?;
                while terms.advance() {
                    let Ok(known) = std::str::from_utf8(terms.key()) else {
                        continue;
                    };
                    if known.len().abs_diff(term.len()) <= distance
                        && strsim::damerau_levenshtein(known, term) <= distance
                    {
                        return Ok(true);
                    }
                }
            }
        }
        Ok(false)
    }

    /// BM25 top-`k` for free text. Never fails on user syntax: the query is analysed, not parsed.
    /// Fails only when the index cannot be read.
    pub fn search(&self, query: &str, k: usize, filter: &TextFilter) -> Result<Vec<TextHit>> {
        let f = self.fields;
        let b = self.boosts;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut seen = HashSet::new();
        for term in analyzer::analyze(&mut self.words.clone(), query) {
            if !seen.insert(term.clone()) {
                continue;
            }
            for (field, boost) in [
                (f.name, b.name),
                (f.aliases, b.aliases),
                (f.body, b.body),
                (f.attrs, b.attrs),
            ] {
                clauses.push((Occur::Should, boosted(field, &term, boost)));
            }
        }
        let mut seen = HashSet::new();
        for gram in analyzer::analyze(&mut self.grams.clone(), query) {
            if !seen.insert(gram.clone()) {
                continue;
            }
            for (field, boost) in [(f.grams_q, b.grams_q), (f.grams_t, b.grams_t)] {
                clauses.push((Occur::Should, boosted(field, &gram, boost)));
            }
        }
        if clauses.is_empty() || k == 0 {
            return Ok(Vec::new());
        }
        let mut query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        let restrictions: Vec<(Occur, Box<dyn Query>)> =
            [(f.kind, &filter.kinds), (f.tag, &filter.tags)]
                .into_iter()
                .filter(|(_, values)| !values.is_empty())
                .map(|(field, values)| {
                    let any: Vec<(Occur, Box<dyn Query>)> = values
                        .iter()
                        .map(|v| (Occur::Should, exact(field, v)))
                        .collect();
                    (
                        Occur::Must,
                        Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
                    )
                })
                .collect();
        if !restrictions.is_empty() {
            let mut all = vec![(Occur::Must, query)];
            all.extend(restrictions);
            query = Box::new(BooleanQuery::new(all));
        }
        let top = self
            .searcher
            .search(&query, &TopDocs::with_limit(k).order_by_score())
            .map_err(searcher_error)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let document: TantivyDocument = self.searcher.doc(address).map_err(searcher_error)?;
            if let Some(id) = document.get_first(f.id).and_then(|v| v.as_str()) {
                hits.push(TextHit {
                    id: id.to_owned(),
                    score,
                });
            }
        }
        Ok(hits)
    }
}

fn boosted(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        )),
        boost,
    ))
}

fn exact(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_word_is_known_but_a_short_or_han_one_only_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = TextIndex::open(dir.path()).unwrap();
        let node: Node = serde_json::from_str(
            r#"{"id":"faq/interest","kind":"faq","name":"How is interest charged?",
                "text":"Interest is charged on balances carried past the map date. 可以寄到海外。屏幕碎了可以换。"}"#,
        )
        .unwrap();
        index.apply([&node], [], 1, false).unwrap();
        let searcher = index.searcher(FieldBoosts::default());
        let known = |word: &str| {
            searcher
                .knows_nearly(&searcher.word_terms(word)[0])
                .unwrap()
        };
        assert!(known("interest") && known("intrest"), "one edit apart");
        assert!(known("balences"), "stemmed, one edit apart");
        assert!(!known("xiaomi"), "nothing like it");
        assert!(!known("ibalance"), "a typo keeps the first letter");
        assert!(!known("mars"), "too short to take for a typo of `map`");
        assert!(known("海外") && !known("火星"), "Han words exactly");
        // jieba keeps "屏幕" whole; "屏" and "幕碎" are still written in the text, "星" is not.
        let han = |word: &str| searcher.knows_nearly(word).unwrap();
        assert!(!searcher.knows("屏").unwrap());
        assert!(
            han("屏") && han("幕碎") && !han("星"),
            "a character or two as written"
        );
    }

    #[test]
    fn staged_documents_are_searchable_only_once_committed_and_gone_after_a_rollback() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = TextIndex::open(dir.path()).unwrap();
        let node = |id: &str, word: &str| -> Node {
            serde_json::from_value(serde_json::json!({
                "id": id, "kind": "faq", "name": format!("Where is the {word}?"),
            }))
            .unwrap()
        };
        let (first, second) = (node("faq/a", "zorblax"), node("faq/b", "quuxit"));
        let knows = |index: &TextIndex, word: &str| {
            index.searcher(FieldBoosts::default()).knows(word).unwrap()
        };
        index.stage([&first], [], false).unwrap();
        assert!(!knows(&index, "zorblax"), "staged, not committed");
        index.rollback().unwrap();
        index.stage([&second], [], false).unwrap();
        index.commit(3).unwrap();
        assert!(knows(&index, "quuxit"));
        assert!(
            !knows(&index, "zorblax"),
            "the rolled-back document is gone"
        );
        assert_eq!(index.kb_version(), Some(3));
    }
}
