//! When to hand a customer to a human, and why. The words that signal a request for a person or
//! strong negative sentiment are data (the lexicon); this module only weighs the signals.

use serde::Serialize;

use super::understand::Cues;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffReason {
    LowConfidence,
    AskedForHuman,
    NegativeSentiment,
    RepeatedFailure,
}

impl HandoffReason {
    pub fn as_str(self) -> &'static str {
        match self {
            HandoffReason::LowConfidence => "low_confidence",
            HandoffReason::AskedForHuman => "asked_for_human",
            HandoffReason::NegativeSentiment => "negative_sentiment",
            HandoffReason::RepeatedFailure => "repeated_failure",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Handoff {
    pub recommended: bool,
    pub reason: Option<HandoffReason>,
}

/// True when the message shouts: several exclamation marks, or mostly capital letters.
pub fn shouting(question: &str) -> bool {
    let exclamations = question.chars().filter(|c| *c == '!' || *c == '！').count();
    let letters: Vec<char> = question
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    let capitals = letters.iter().filter(|c| c.is_ascii_uppercase()).count();
    exclamations >= 2 || (letters.len() >= 12 && capitals * 10 >= letters.len() * 7)
}

/// Decides the handoff. In order of precedence: the customer asked for a person; strong
/// negative sentiment (two negative cues, or one while shouting); the session failed
/// `max_failed` times in a row including this turn; the engine is not confident enough.
pub fn decide(
    cues: &Cues,
    question: &str,
    confident: bool,
    failed_streak: u32,
    max_failed: u32,
) -> Handoff {
    let negative = cues.negative_hits >= 2 || (cues.negative_hits >= 1 && shouting(question));
    let reason = if cues.human_request {
        Some(HandoffReason::AskedForHuman)
    } else if negative {
        Some(HandoffReason::NegativeSentiment)
    } else if !confident && failed_streak + 1 >= max_failed.max(1) && failed_streak > 0 {
        Some(HandoffReason::RepeatedFailure)
    } else if !confident {
        Some(HandoffReason::LowConfidence)
    } else {
        None
    };
    Handoff {
        recommended: reason.is_some(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues(human: bool, negative: usize) -> Cues {
        Cues {
            human_request: human,
            negative_hits: negative,
            ..Cues::default()
        }
    }

    #[test]
    fn precedence_of_reasons() {
        let check = |c: Cues, q: &str, confident: bool, streak: u32| {
            decide(&c, q, confident, streak, 2).reason
        };
        assert_eq!(
            check(cues(true, 3), "agent", false, 5),
            Some(HandoffReason::AskedForHuman)
        );
        assert_eq!(
            check(cues(false, 2), "useless junk", true, 0),
            Some(HandoffReason::NegativeSentiment)
        );
        assert_eq!(check(cues(false, 1), "useless", true, 0), None);
        assert_eq!(
            check(cues(false, 1), "THIS IS USELESS, FIX IT", true, 0),
            Some(HandoffReason::NegativeSentiment)
        );
        assert_eq!(
            check(cues(false, 0), "hm", false, 1),
            Some(HandoffReason::RepeatedFailure)
        );
        assert_eq!(
            check(cues(false, 0), "hm", false, 0),
            Some(HandoffReason::LowConfidence)
        );
        assert_eq!(check(cues(false, 0), "hm", true, 3), None);
    }

    #[test]
    fn shouting_needs_enough_capitals_or_exclamations() {
        assert!(shouting("WHERE IS MY REFUND"));
        assert!(shouting("where is it!!"));
        assert!(!shouting("X200 FAQ"));
        assert!(!shouting("where is it!"));
    }
}
