//! Text generators shared by the property tests: the characters customers and editors really
//! send, and the ones that break naive code. Each character is one random draw mapped through a
//! table (a tree of strategies per character made generation the slowest part of the tests).

use proptest::prelude::*;

/// Characters that break naive text handling.
const TROUBLEMAKERS: &[char] = &[
    '\u{200b}', // zero-width space
    '\u{200d}', // zero-width joiner
    '\u{feff}', // byte-order mark
    '\u{fe0f}', // variation selector
    '\u{2028}', // line separator
    '\u{00a0}', // no-break space
    '\u{0130}', // İ: lowercases to two characters
    '\u{fb03}', // ﬃ: NFKC expands it
    '\u{2126}', // Ω ohm sign
    '\t', '\r', '\n', '\0',
];

/// The character a random draw stands for: by weight, ASCII, CJK ideographs and punctuation,
/// full-width forms, combining marks, emoji, Arabic, Cyrillic, troublemakers, any scalar value.
fn pick(draw: u64) -> char {
    let raw = draw as u32;
    let in_range = |lo: u32, hi: u32| char::from_u32(lo + raw % (hi - lo + 1)).unwrap_or('?');
    match (draw >> 32) % 20 {
        0..=5 => in_range(0x20, 0x7e),
        6..=8 => in_range(0x4e00, 0x9fff),
        9 => in_range(0x3000, 0x303f),
        10 => in_range(0xff01, 0xff5e),
        11 => in_range(0x0300, 0x036f),
        12 => in_range(0x1f300, 0x1faff),
        13 => in_range(0x0600, 0x06ff),
        14 => in_range(0x0400, 0x04ff),
        15 | 16 => TROUBLEMAKERS[raw as usize % TROUBLEMAKERS.len()],
        _ => char::from_u32(raw % 0x11_0000).unwrap_or('\u{fffd}'),
    }
}

/// Text of up to `max` characters from a mix of scripts and troublemakers.
pub fn messy_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u64>(), 0..=max)
        .prop_map(|draws| draws.into_iter().map(pick).collect())
}

/// Mostly short text, sometimes very long.
pub fn messy_text_any_length() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => messy_text(40),
        2 => messy_text(400),
        1 => messy_text(3000),
    ]
}

/// A question as understanding sees it: mostly short, sometimes as long as a question may be
/// (2,000 characters; longer ones are refused before they are understood).
pub fn question_text() -> impl Strategy<Value = String> {
    prop_oneof![
        16 => messy_text(40),
        3 => messy_text(400),
        1 => messy_text(2000),
    ]
}

/// A lowercase ASCII word.
pub fn word() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z]{2,9}").unwrap()
}
