//! Analyzers for English and Chinese text, used identically at index and query time.
//!
//! * `ag_words`: NFKC-normalised text split into runs. Letter/digit runs become lowercase English
//!   words, Porter-stemmed, with hyphen-joined compounds also emitted whole (`LM-X200` → `lm`,
//!   `x200`, `lmx200`) so model numbers match however they are typed. Han runs are segmented with
//!   jieba in search mode (words and their sub-words). Stop words of both languages are dropped.
//! * `ag_grams`: Han character unigrams and bigrams only. On Chinese FAQ text they complement
//!   jieba words (segmentation mistakes, unknown product names).

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{
    Language, LowerCaser, Stemmer, StopWordFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};
use unicode_normalization::UnicodeNormalization;

pub const WORDS: &str = "ag_words";
pub const GRAMS: &str = "ag_grams";

/// English and Chinese function words that carry no retrieval signal.
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did",
    "do", "does", "for", "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it",
    "its", "me", "my", "of", "on", "or", "our", "please", "should", "so", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "to", "was", "we", "were", "what", "when",
    "where", "which", "who", "why", "will", "with", "would", "you", "your", "的", "了", "吗", "呢",
    "吧", "啊", "我", "你", "您", "是", "在", "有", "和", "就", "都", "也", "要", "请", "我的",
    "一个", "这个", "那个", "怎么", "什么", "如何", "可以", "能", "会", "嘛",
];

fn jieba() -> &'static Arc<Jieba> {
    static JIEBA: OnceLock<Arc<Jieba>> = OnceLock::new();
    JIEBA.get_or_init(|| Arc::new(Jieba::new()))
}

/// Han words of this many characters or more are set phrases whose parts say nothing alone:
/// "怎么回事" (what is going on) is not "怎么" (how). Shorter compounds keep their parts'
/// meaning: "保修期" (warranty period) still says "保修" (warranty), "刷卡" (pay by card) "卡".
const SET_PHRASE: usize = 4;

/// For each character position of `text` (0..=its length in characters), whether a word may
/// start or end there: everywhere but inside a set phrase ([`SET_PHRASE`]) jieba finds in a run
/// of Han characters ("怎么回事" is one word, so "怎么" ends inside it).
pub fn han_word_boundaries(text: &str) -> Vec<bool> {
    let chars: Vec<char> = text.chars().collect();
    let mut boundaries = vec![true; chars.len() + 1];
    let mut i = 0;
    while i < chars.len() {
        if !is_han(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_han(chars[i]) {
            i += 1;
        }
        let run: String = chars[start..i].iter().collect();
        let mut at = start;
        for word in jieba().cut(&run, true) {
            let len = word.word.chars().count();
            if len >= SET_PHRASE {
                boundaries[at + 1..at + len].fill(false);
            }
            at += len;
        }
    }
    boundaries
}

/// True for characters segmented as Chinese/Japanese text.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF
        | 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// Builds the word analyzer (`ag_words`).
pub fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(MixedTokenizer { grams: false })
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(
            STOP_WORDS
                .iter()
                .map(|s| (*s).to_owned())
                .collect::<Vec<_>>(),
        ))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Builds the Han n-gram analyzer (`ag_grams`).
pub fn grams_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(MixedTokenizer { grams: true }).build()
}

/// Splits text as described in the module docs; `grams` selects the n-gram output.
#[derive(Clone)]
pub struct MixedTokenizer {
    grams: bool,
}

pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for MixedTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let normalized: String = text.nfkc().collect();
        let mut out = TokenSink::default();
        for run in runs(&normalized) {
            match (run.kind, self.grams) {
                (RunKind::Han, false) => {
                    for token in jieba().cut_for_search(run.text, true) {
                        if token.word.chars().any(is_han) {
                            out.push(run.start + token.byte_start, token.word);
                        }
                    }
                }
                (RunKind::Han, true) => {
                    let chars: Vec<(usize, char)> = run.text.char_indices().collect();
                    for (i, &(offset, c)) in chars.iter().enumerate() {
                        out.push(run.start + offset, c.encode_utf8(&mut [0; 4]));
                        if let Some(&(next_offset, next)) = chars.get(i + 1) {
                            let end = next_offset + next.len_utf8();
                            out.push(run.start + offset, &run.text[offset..end]);
                        }
                    }
                }
                (RunKind::Word, false) => {
                    let parts: Vec<(usize, &str)> = run
                        .text
                        .split('-')
                        .scan(0, |offset, part| {
                            let at = *offset;
                            *offset += part.len() + 1;
                            Some((at, part))
                        })
                        .filter(|(_, part)| !part.is_empty())
                        .collect();
                    for (offset, part) in &parts {
                        out.push(run.start + offset, part);
                    }
                    if parts.len() > 1 {
                        let joined: String = parts.iter().map(|(_, p)| *p).collect();
                        out.push(run.start, &joined);
                    }
                }
                (RunKind::Word, true) => {}
            }
        }
        VecTokenStream {
            tokens: out.tokens,
            next: 0,
        }
    }
}

#[derive(Default)]
struct TokenSink {
    tokens: Vec<Token>,
}

impl TokenSink {
    fn push(&mut self, offset: usize, text: &str) {
        let position = self.tokens.len();
        self.tokens.push(Token {
            offset_from: offset,
            offset_to: offset + text.len(),
            position,
            text: text.to_owned(),
            position_length: 1,
        });
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RunKind {
    Word,
    Han,
}

struct Run<'a> {
    kind: RunKind,
    start: usize,
    text: &'a str,
}

/// Splits text into maximal Han runs and word runs (letters/digits, with inner hyphens kept so
/// compounds can be joined); everything else separates.
fn runs(text: &str) -> Vec<Run<'_>> {
    let mut runs = Vec::new();
    let mut current: Option<(RunKind, usize)> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(offset, c)) in chars.iter().enumerate() {
        let kind = if is_han(c) {
            Some(RunKind::Han)
        } else if is_word_char(c)
            || (c == '-'
                && current.is_some_and(|(k, _)| k == RunKind::Word)
                && chars.get(i + 1).is_some_and(|&(_, n)| is_word_char(n)))
        {
            Some(RunKind::Word)
        } else {
            None
        };
        match (current, kind) {
            (Some((k, _)), Some(new)) if k == new => {}
            (Some((k, start)), _) => {
                runs.push(Run {
                    kind: k,
                    start,
                    text: &text[start..offset],
                });
                current = kind.map(|k| (k, offset));
            }
            (None, _) => current = kind.map(|k| (k, offset)),
        }
    }
    if let Some((kind, start)) = current {
        runs.push(Run {
            kind,
            start,
            text: &text[start..],
        });
    }
    runs
}

/// Runs an analyzer over `text` and returns the token texts (query analysis, tests).
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().text.clone());
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        analyze(&mut words_analyzer(), text)
    }

    #[test]
    fn english_is_stemmed_and_stop_words_dropped() {
        assert_eq!(words("How do I reset the Routers?"), ["reset", "router"]);
    }

    #[test]
    fn model_numbers_match_however_typed() {
        assert_eq!(words("LM-X200"), ["lm", "x200", "lmx200"]);
        assert_eq!(words("ＸＲ２００"), ["xr200"], "full width is folded");
        assert!(words("error E42").contains(&"e42".to_string()));
    }

    #[test]
    fn chinese_is_segmented_into_words() {
        let tokens = words("如何重置路由器密码?");
        assert!(tokens.contains(&"路由器".to_string()), "{tokens:?}");
        assert!(tokens.contains(&"密码".to_string()), "{tokens:?}");
        assert!(!tokens.iter().any(|t| t == "如何重置路由器密码"));
    }

    #[test]
    fn mixed_text_keeps_both_languages() {
        let tokens = words("X200 怎么 reset?");
        assert!(tokens.contains(&"x200".to_string()));
        assert!(tokens.contains(&"reset".to_string()));
    }

    #[test]
    fn grams_are_han_unigrams_and_bigrams() {
        let tokens = analyze(&mut grams_analyzer(), "退款 refund 政策");
        assert_eq!(tokens, ["退", "退款", "款", "政", "政策", "策"]);
    }
}
