//! A tokenizer model for `tokenizers` that tokenizes Unigram (SentencePiece) vocabularies exactly
//! as `tokenizers`' own `Unigram` does, from a fraction of the memory.
//!
//! `tokenizers` finds the pieces that start at a position with a trie whose every node is a hash
//! map of its children: for USE-m's 128,000 pieces that is ≈ 115 MB of small allocations, held
//! for the life of the server, to tokenize a question of a few words. [`PackedUnigram`] keeps the
//! pieces back to back in one buffer and a list of them in byte order, and finds the pieces that
//! start at a position by narrowing that list one byte at a time (≈ 4 MB in all). The best
//! segmentation is then chosen exactly as `tokenizers` chooses it (its `encode_optimized`: the
//! same scores, the same order of additions and comparisons, unknown characters fused), so every
//! token id is the same; a test compares the two on every text of the demo KB and on arbitrary
//! strings. It keeps no cache of segmented words (`tokenizers` keeps up to 10,000).
//!
//! Other model types (WordPiece for MiniLM, BPE, WordLevel) are `tokenizers`' own:
//! [`TokenizerModel`] is whichever the tokenizer file names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tokenizers::models::unigram::UnigramTrainer;
use tokenizers::models::{ModelWrapper, TrainerWrapper};
use tokenizers::{DecoderWrapper, Model, NormalizerWrapper, PostProcessorWrapper};
use tokenizers::{PreTokenizerWrapper, Token, TokenizerImpl};

/// A tokenizer whose Unigram model, if it has one, is a [`PackedUnigram`].
pub type PackedTokenizer = TokenizerImpl<
    TokenizerModel,
    NormalizerWrapper,
    PreTokenizerWrapper,
    PostProcessorWrapper,
    DecoderWrapper,
>;

/// How much lower than the lowest piece an unknown character scores (`tokenizers`' value).
const UNKNOWN_PENALTY: f64 = 10.0;

/// The model of a tokenizer file: a Unigram vocabulary packed, anything else as `tokenizers`
/// reads it.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum TokenizerModel {
    Unigram(PackedUnigram),
    Other(Box<ModelWrapper>),
}

/// A Unigram vocabulary: pieces with scores, looked up by id and by prefix.
#[derive(Debug, Deserialize)]
#[serde(try_from = "UnigramFile")]
pub struct PackedUnigram {
    /// Every piece, back to back, in id order.
    text: String,
    /// Where piece `id` starts in `text`; one more entry marks the end of the last.
    starts: Box<[u32]>,
    scores: Box<[f64]>,
    /// Ids of the distinct pieces in byte order of their pieces. Of pieces spelled alike, the
    /// last id is kept, as `tokenizers` keeps it.
    sorted: Box<[u32]>,
    min_score: f64,
    unk_id: Option<u32>,
    byte_fallback: bool,
}

/// The `model` object of a tokenizer file whose `type` is `Unigram`.
#[derive(Deserialize, Serialize)]
#[serde(tag = "type", rename = "Unigram")]
struct UnigramFile {
    unk_id: Option<usize>,
    vocab: Vec<(String, f64)>,
    #[serde(default)]
    byte_fallback: bool,
}

impl TryFrom<UnigramFile> for PackedUnigram {
    type Error = String;

    /// Fails as `tokenizers` does: on an empty vocabulary with an unknown-piece id, or an
    /// unknown-piece id outside the vocabulary.
    fn try_from(file: UnigramFile) -> Result<PackedUnigram, String> {
        let UnigramFile {
            unk_id,
            vocab,
            byte_fallback,
        } = file;
        if let Some(unk_id) = unk_id {
            if vocab.is_empty() {
                return Err("a Unigram vocabulary with an unknown piece cannot be empty".into());
            }
            if unk_id >= vocab.len() {
                return Err(format!(
                    "the unknown piece {unk_id} is not in the vocabulary of {}",
                    vocab.len()
                ));
            }
        }
        let too_big = || "the Unigram vocabulary is larger than 4 GiB".to_string();
        let mut text = String::with_capacity(vocab.iter().map(|(piece, _)| piece.len()).sum());
        let mut starts = Vec::with_capacity(vocab.len() + 1);
        let mut scores = Vec::with_capacity(vocab.len());
        for (piece, score) in &vocab {
            starts.push(u32::try_from(text.len()).map_err(|_| too_big())?);
            text.push_str(piece);
            scores.push(*score);
        }
        starts.push(u32::try_from(text.len()).map_err(|_| too_big())?);
        // Folded as `tokenizers` folds it (`f64::min` would differ on a NaN).
        let min_score = scores.iter().fold(
            f64::INFINITY,
            |min, &score| if score < min { score } else { min },
        );
        let mut packed = PackedUnigram {
            text,
            starts: starts.into_boxed_slice(),
            scores: scores.into_boxed_slice(),
            sorted: Box::new([]),
            min_score,
            unk_id: unk_id.map(|id| id as u32),
            byte_fallback,
        };
        let ids = u32::try_from(vocab.len()).map_err(|_| too_big())?;
        let mut sorted: Vec<u32> = (0..ids).collect();
        // Stable, so that pieces spelled alike stay in id order and the last one is kept.
        sorted.sort_by(|&a, &b| packed.piece(a).cmp(packed.piece(b)));
        sorted.reverse();
        sorted.dedup_by(|later, earlier| packed.piece(*later) == packed.piece(*earlier));
        sorted.reverse();
        packed.sorted = sorted.into_boxed_slice();
        Ok(packed)
    }
}

/// The best segmentation of a sentence up to one of its byte positions.
#[derive(Clone, Copy)]
struct BestPath {
    /// The id of the last piece (maybe the unknown piece).
    id: u32,
    score: f64,
    /// Where the last piece starts, `None` while no segmentation reaches here.
    starts_at: Option<usize>,
}

impl PackedUnigram {
    fn piece(&self, id: u32) -> &str {
        let id = id as usize;
        &self.text[self.starts[id] as usize..self.starts[id + 1] as usize]
    }

    /// [`PackedUnigram::piece`] as bytes, without the check for character boundaries that
    /// slicing a `str` makes (the prefix search compares bytes).
    fn piece_bytes(&self, id: u32) -> &[u8] {
        let id = id as usize;
        &self.text.as_bytes()[self.starts[id] as usize..self.starts[id + 1] as usize]
    }

    fn id_of(&self, piece: &str) -> Option<u32> {
        self.sorted
            .binary_search_by(|&id| self.piece(id).cmp(piece))
            .ok()
            .map(|at| self.sorted[at])
    }

    /// Calls `found(id, length)` for every piece that `bytes` starts with, shortest first.
    fn prefixes(&self, bytes: &[u8], mut found: impl FnMut(u32, usize)) {
        // Every piece in `range` starts with the `depth` bytes seen so far; as the list is in
        // byte order, those that end there come first, then the others by their next byte.
        let mut range = 0..self.sorted.len();
        for (depth, &byte) in bytes.iter().enumerate() {
            let slice = &self.sorted[range.clone()];
            let next = |id: u32| self.piece_bytes(id).get(depth).copied();
            let first = slice.partition_point(|&id| next(id).is_none_or(|b| b < byte));
            let last = slice.partition_point(|&id| next(id).is_none_or(|b| b <= byte));
            if first == last {
                return;
            }
            range = range.start + first..range.start + last;
            let shortest = self.sorted[range.start];
            if self.piece_bytes(shortest).len() == depth + 1 {
                found(shortest, depth + 1);
            }
        }
    }

    /// The pieces of `sentence` with the highest total score (Viterbi), consecutive unknown
    /// characters fused into one piece, as `(start, end)` byte ranges with their ids.
    fn segment(&self, sentence: &str) -> tokenizers::Result<Vec<(usize, usize)>> {
        let size = sentence.len();
        let unknown_score = self.min_score - UNKNOWN_PENALTY;
        let unset = BestPath {
            id: 0,
            score: 0.0,
            starts_at: None,
        };
        let mut best = vec![unset; size + 1];
        let mut starts_at = 0;
        while starts_at < size {
            let so_far = best[starts_at].score;
            let char_len = sentence[starts_at..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            let mut has_single_char_piece = false;
            self.prefixes(&sentence.as_bytes()[starts_at..], |id, len| {
                let target = &mut best[starts_at + len];
                let score = self.scores[id as usize] + so_far;
                if target.starts_at.is_none() || score > target.score {
                    *target = BestPath {
                        id,
                        score,
                        starts_at: Some(starts_at),
                    };
                }
                has_single_char_piece |= len == char_len;
            });
            if !has_single_char_piece {
                let target = &mut best[starts_at + char_len];
                let score = unknown_score + so_far;
                if target.starts_at.is_none() || score > target.score {
                    *target = BestPath {
                        id: self
                            .unk_id
                            .ok_or("the Unigram model has no unknown piece")?,
                        score,
                        starts_at: Some(starts_at),
                    };
                }
            }
            starts_at += char_len;
        }
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        let mut unknown_end = None;
        let mut ends_at = size;
        while ends_at > 0 {
            let node = best[ends_at];
            let starts_at = node.starts_at.expect("every character boundary is reached");
            if Some(node.id) == self.unk_id {
                unknown_end.get_or_insert(ends_at);
            } else {
                if let Some(end) = unknown_end.take() {
                    pieces.push((ends_at, end));
                }
                pieces.push((starts_at, ends_at));
            }
            ends_at = starts_at;
        }
        if let Some(end) = unknown_end {
            pieces.push((0, end));
        }
        pieces.reverse();
        Ok(pieces)
    }
}

impl Model for PackedUnigram {
    type Trainer = UnigramTrainer;

    fn tokenize(&self, sentence: &str) -> tokenizers::Result<Vec<Token>> {
        let mut tokens = Vec::new();
        for (start, end) in self.segment(sentence)? {
            let piece = &sentence[start..end];
            let id = match self.id_of(piece) {
                Some(id) => id,
                None => {
                    if self.byte_fallback {
                        let bytes: Option<Vec<Token>> = piece
                            .bytes()
                            .map(|byte| {
                                let name = format!("<0x{byte:02X}>");
                                self.id_of(&name)
                                    .map(|id| Token::new(id, name, (start, end)))
                            })
                            .collect();
                        if let Some(bytes) = bytes {
                            tokens.extend(bytes);
                            continue;
                        }
                    }
                    self.unk_id
                        .ok_or("the Unigram model has no unknown piece")?
                }
            };
            tokens.push(Token::new(id, piece.to_owned(), (start, end)));
        }
        Ok(tokens)
    }

    fn token_to_id(&self, token: &str) -> Option<u32> {
        self.id_of(token)
    }

    fn id_to_token(&self, id: u32) -> Option<String> {
        (id < self.scores.len() as u32).then(|| self.piece(id).to_owned())
    }

    fn get_vocab(&self) -> HashMap<String, u32> {
        self.sorted
            .iter()
            .map(|&id| (self.piece(id).to_owned(), id))
            .collect()
    }

    fn get_vocab_size(&self) -> usize {
        self.scores.len()
    }

    fn save(&self, folder: &Path, prefix: Option<&str>) -> tokenizers::Result<Vec<PathBuf>> {
        let file = UnigramFile {
            unk_id: self.unk_id.map(|id| id as usize),
            vocab: (0..self.scores.len() as u32)
                .map(|id| (self.piece(id).to_owned(), self.scores[id as usize]))
                .collect(),
            byte_fallback: self.byte_fallback,
        };
        let path = folder.join(match prefix {
            Some(prefix) => format!("{prefix}-unigram.json"),
            None => "unigram.json".to_owned(),
        });
        std::fs::write(&path, serde_json::to_string_pretty(&file)?)?;
        Ok(vec![path])
    }

    fn get_trainer(&self) -> UnigramTrainer {
        UnigramTrainer::default()
    }
}

impl Model for TokenizerModel {
    type Trainer = TrainerWrapper;

    fn tokenize(&self, sentence: &str) -> tokenizers::Result<Vec<Token>> {
        match self {
            TokenizerModel::Unigram(model) => model.tokenize(sentence),
            TokenizerModel::Other(model) => model.tokenize(sentence),
        }
    }

    fn token_to_id(&self, token: &str) -> Option<u32> {
        match self {
            TokenizerModel::Unigram(model) => model.token_to_id(token),
            TokenizerModel::Other(model) => model.token_to_id(token),
        }
    }

    fn id_to_token(&self, id: u32) -> Option<String> {
        match self {
            TokenizerModel::Unigram(model) => model.id_to_token(id),
            TokenizerModel::Other(model) => model.id_to_token(id),
        }
    }

    fn get_vocab(&self) -> HashMap<String, u32> {
        match self {
            TokenizerModel::Unigram(model) => model.get_vocab(),
            TokenizerModel::Other(model) => model.get_vocab(),
        }
    }

    fn get_vocab_size(&self) -> usize {
        match self {
            TokenizerModel::Unigram(model) => model.get_vocab_size(),
            TokenizerModel::Other(model) => model.get_vocab_size(),
        }
    }

    fn save(&self, folder: &Path, prefix: Option<&str>) -> tokenizers::Result<Vec<PathBuf>> {
        match self {
            TokenizerModel::Unigram(model) => model.save(folder, prefix),
            TokenizerModel::Other(model) => model.save(folder, prefix),
        }
    }

    fn get_trainer(&self) -> TrainerWrapper {
        match self {
            TokenizerModel::Unigram(model) => TrainerWrapper::UnigramTrainer(model.get_trainer()),
            TokenizerModel::Other(model) => model.get_trainer(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;
    use tokenizers::models::unigram::Unigram;
    use tokenizers::Tokenizer;

    use super::*;

    fn vocab(pieces: &[(&str, f64)]) -> Vec<(String, f64)> {
        pieces.iter().map(|(p, s)| (p.to_string(), *s)).collect()
    }

    fn packed(
        vocab: Vec<(String, f64)>,
        unk_id: Option<usize>,
        byte_fallback: bool,
    ) -> PackedUnigram {
        PackedUnigram::try_from(UnigramFile {
            unk_id,
            vocab,
            byte_fallback,
        })
        .expect("a valid vocabulary")
    }

    /// Each token's id, piece and offsets.
    type Tokens = Vec<(u32, String, (usize, usize))>;

    /// The tokens of `sentence`, or the error as text.
    fn tokens(model: &impl Model, sentence: &str) -> Result<Tokens, String> {
        model
            .tokenize(sentence)
            .map(|tokens| {
                tokens
                    .into_iter()
                    .map(|t| (t.id, t.value, t.offsets))
                    .collect()
            })
            .map_err(|e| e.to_string())
    }

    /// Both models give the same tokens for `sentence`.
    fn check_same(
        pieces: &[(&str, f64)],
        unk_id: Option<usize>,
        byte_fallback: bool,
        sentence: &str,
    ) {
        let reference = Unigram::from(vocab(pieces), unk_id, byte_fallback).expect("valid");
        let ours = packed(vocab(pieces), unk_id, byte_fallback);
        assert_eq!(
            tokens(&ours, sentence).is_ok(),
            tokens(&reference, sentence).is_ok(),
            "{sentence:?}"
        );
        if let Ok(expected) = tokens(&reference, sentence) {
            assert_eq!(tokens(&ours, sentence).unwrap(), expected, "{sentence:?}");
        }
    }

    /// A small vocabulary with everything that makes segmentation subtle: pieces that are
    /// prefixes of others, a piece spelled twice, a multi-byte piece, a piece that is only
    /// reachable past an unknown character, and byte pieces.
    const PIECES: &[(&str, f64)] = &[
        ("<unk>", 0.0),
        ("a", -1.0),
        ("ab", -1.5),
        ("abc", -4.0),
        ("b", -1.2),
        ("c", -2.0),
        ("cd", -1.0),
        ("abcd", -2.5),
        ("ab", -0.5),
        ("路由", -3.0),
        ("器", -2.0),
        ("xy", -2.0),
        ("", -1.0),
        ("<0x7A>", -5.0),
    ];

    #[test]
    fn tokens_are_those_of_tokenizers_unigram() {
        for sentence in [
            "",
            "a",
            "abcd",
            "abcdacdxx",
            "ab",
            "abab",
            "cdab",
            "zzz",
            "zab",
            "xyz",
            "x",
            "yx",
            "路由器",
            "路由路",
            "器z路",
            "aé",
            "éé",
            "ab\u{301}c",
            "🙂ab🙂🙂",
        ] {
            check_same(PIECES, Some(0), false, sentence);
            check_same(PIECES, Some(0), true, sentence);
            check_same(PIECES, None, false, sentence);
        }
    }

    proptest! {
        #[test]
        fn any_text_is_tokenized_as_tokenizers_does(sentence in "[abcdxyz路由器é🙂 ]{0,24}") {
            check_same(PIECES, Some(0), false, &sentence);
            check_same(PIECES, Some(0), true, &sentence);
        }
    }

    #[test]
    fn a_vocabulary_that_tokenizers_refuses_is_refused() {
        assert!(PackedUnigram::try_from(UnigramFile {
            unk_id: Some(0),
            vocab: Vec::new(),
            byte_fallback: false,
        })
        .is_err());
        assert!(PackedUnigram::try_from(UnigramFile {
            unk_id: Some(2),
            vocab: vocab(&[("a", -1.0), ("b", -1.0)]),
            byte_fallback: false,
        })
        .is_err());
    }

    #[test]
    fn pieces_are_found_by_id_and_by_text() {
        let model = packed(vocab(PIECES), Some(0), false);
        assert_eq!(model.get_vocab_size(), PIECES.len());
        assert_eq!(model.id_to_token(2).as_deref(), Some("ab"));
        assert_eq!(model.id_to_token(PIECES.len() as u32), None);
        // Of two pieces spelled alike, the later id wins, as in `tokenizers`.
        assert_eq!(model.token_to_id("ab"), Some(8));
        assert_eq!(model.token_to_id("路由"), Some(9));
        assert_eq!(model.token_to_id("zz"), None);
        let reference = Unigram::from(vocab(PIECES), Some(0), false).expect("valid");
        assert_eq!(model.get_vocab(), reference.get_vocab());
    }

    /// The repository's models directory, as `make models` leaves it.
    fn repo_file(path: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
    }

    /// Every name, alias, text and question of the demo KB, and mixed-script strings, give the
    /// same token ids with the packed model as with `tokenizers`' own, for the real USE-m
    /// tokenizer.
    #[test]
    fn the_model_tokenizer_gives_the_ids_of_tokenizers() {
        let path = repo_file("models/use-m/tokenizer.json");
        let reference = Tokenizer::from_file(&path).expect("the USE-m tokenizer (make models)");
        let ours = PackedTokenizer::from_file(&path).expect("the USE-m tokenizer");
        assert!(matches!(ours.get_model(), TokenizerModel::Unigram(_)));
        let mut texts: Vec<String> = Vec::new();
        for file in [
            "kg_data/demo/nodes.jsonl",
            "kg_data/demo/eval/questions.jsonl",
        ] {
            let content = std::fs::read_to_string(repo_file(file)).expect("the demo KB");
            for line in content.lines() {
                let value: serde_json::Value = serde_json::from_str(line).expect("JSON");
                for field in ["name", "text", "question"] {
                    if let Some(text) = value[field].as_str() {
                        texts.push(text.to_owned());
                    }
                }
                for alias in value["aliases"].as_array().into_iter().flatten() {
                    texts.extend(alias.as_str().map(str::to_owned));
                }
            }
        }
        texts.extend(
            [
                "如何重置路由器密码?",
                "What is your refund policy?",
                "ルーターのパスワードをリセットするには",
                "라우터 비밀번호를 재설정하는 방법",
                "Ünïcödé  tabs\tand\nnewlines  🙂🙃 ‼ ﬁ ①",
                "MX-4200/v2 (2.4GHz) – 50% off!!!",
                "",
                "\u{200b}\u{feff}\u{0301}a\u{0301}",
            ]
            .map(str::to_owned),
        );
        assert!(texts.len() > 1000, "the demo KB was read");
        for text in &texts {
            let expected = reference.encode(text.as_str(), true).expect("encodes");
            let got = ours.encode(text.as_str(), true).expect("encodes");
            assert_eq!(got.get_ids(), expected.get_ids(), "{text:?}");
        }
    }
}
