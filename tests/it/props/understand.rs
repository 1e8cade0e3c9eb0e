//! Question understanding on arbitrary Unicode: normalisation, language detection, and entity
//! linking and cue detection over small generated KBs with the demo schema's phrases. No panic,
//! spans inside the question, slots inside the KB, and a name written in a question is found.

use std::sync::{Arc, OnceLock};

use answergraph::domain::{KindName, Node, NodeId, Schema};
use answergraph::service::understand::{detect_lang, normalize, Linker};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestCaseError;

use super::text::{messy_text, messy_text_any_length, question_text, word};
use crate::common::demo_kb;

const CASES: u32 = 10_000;

fn demo_schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = std::fs::read_to_string(demo_kb().join("schema.yaml")).unwrap();
        Schema::parse_yaml(&text, "schema.yaml").unwrap()
    })
}

fn node(i: usize, name: String, aliases: Vec<String>) -> Arc<Node> {
    let kind = if i % 2 == 0 { "product" } else { "faq" };
    Arc::new(Node {
        id: NodeId::parse(&format!("{kind}/n{i}")).unwrap(),
        kind: KindName::parse(kind).unwrap(),
        name,
        aliases,
        text: String::new(),
        lang: None,
        attrs: Default::default(),
        tags: Vec::new(),
    })
}

/// A surface form: model-number-like, words, Chinese, or anything.
fn surface() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "[a-z]{1,3}[- ]?[0-9]{1,4}( (pro|max|mini))?",
        2 => proptest::collection::vec(word(), 1..4).prop_map(|w| w.join(" ")),
        2 => proptest::collection::vec(proptest::char::range('\u{4e00}', '\u{9fff}'), 1..6)
            .prop_map(|c| c.into_iter().collect()),
        2 => messy_text(20),
    ]
}

fn generated_kb() -> impl Strategy<Value = Vec<Arc<Node>>> {
    proptest::collection::vec(
        (surface(), proptest::collection::vec(surface(), 0..3)),
        0..10,
    )
    .prop_map(|forms| {
        forms
            .into_iter()
            .enumerate()
            .map(|(i, (name, aliases))| node(i, name, aliases))
            .collect()
    })
}

/// Linking over generated KBs: building a linker costs milliseconds, so the cases draw from a
/// pool of generated KBs with their linkers and put arbitrary questions to them.
struct PooledKb {
    nodes: Vec<Arc<Node>>,
    linker: Linker,
}

const POOL: usize = 300;

fn pool() -> &'static [PooledKb] {
    static POOLED: OnceLock<Vec<PooledKb>> = OnceLock::new();
    POOLED.get_or_init(|| {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        // Half of them hold word names that can be written into a question verbatim.
        let word_names = proptest::collection::vec(
            proptest::collection::vec(word(), 1..3).prop_map(|w| w.join(" ")),
            1..8,
        )
        .prop_map(|names| {
            names
                .into_iter()
                .enumerate()
                .map(|(i, name)| node(i, name, Vec::new()))
                .collect::<Vec<_>>()
        });
        (0..POOL)
            .map(|i| {
                let nodes = if i % 2 == 0 {
                    generated_kb().new_tree(&mut runner).unwrap().current()
                } else {
                    word_names.new_tree(&mut runner).unwrap().current()
                };
                let linker = Linker::build(&nodes, demo_schema());
                PooledKb { nodes, linker }
            })
            .collect()
    })
}

fn check_understanding(kb: &PooledKb, question: &str) -> Result<(), TestCaseError> {
    let normalized = normalize(question);
    detect_lang(&normalized);
    let chars = normalized.chars().count();
    for link in kb.linker.link(&normalized) {
        prop_assert!(
            link.start < link.end && link.end <= chars,
            "{link:?} in {chars} chars"
        );
        prop_assert!((link.slot as usize) < kb.nodes.len(), "{link:?}");
    }
    let cues = kb.linker.cues(&normalized);
    for (_, at) in &cues.relations {
        prop_assert!(*at <= chars);
    }
    for (_, at) in cues.kinds.iter().chain(&cues.attributes) {
        prop_assert!(*at <= chars);
    }
    Ok(())
}

/// Letters and digits of the normalised text: what linking compares.
fn compact(text: &str) -> String {
    normalize(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn normalisation_and_language_detection_take_any_text(text in messy_text_any_length()) {
        let normalized = normalize(&text);
        prop_assert_eq!(normalized.trim(), normalized.as_str());
        prop_assert!(!normalized.contains("  "));
        // Two spellings of the same word normalise alike however often they are normalised.
        prop_assert_eq!(normalize(&normalized), normalized.clone());
        detect_lang(&text);
        detect_lang(&normalized);
    }

    #[test]
    fn linking_and_cues_over_generated_kbs_take_any_question(
        kb in 0..POOL,
        question in question_text(),
        glue in 0usize..4,
    ) {
        let kb = &pool()[kb];
        check_understanding(kb, &question)?;
        // The question with the KB's own names and aliases glued into it.
        let names: Vec<&str> = kb.nodes.iter().flat_map(|n| n.question_forms()).collect();
        let glued: String = names.iter().cycle().take(glue * names.len()).copied().collect();
        check_understanding(kb, &format!("{glued}{question}"))?;
    }

    #[test]
    fn a_name_written_in_a_question_is_linked(
        kb in (0..POOL / 2).prop_map(|i| 2 * i + 1),
        which in any::<prop::sample::Index>(),
        before in messy_text(30),
        after in messy_text(30),
    ) {
        let kb = &pool()[kb];
        let slot = which.index(kb.nodes.len());
        let name = &kb.nodes[slot].name;
        // A name inside another node's name rightly loses to the longer mention.
        let shadowed = kb
            .nodes
            .iter()
            .enumerate()
            .any(|(i, n)| i != slot && compact(&n.name).contains(&compact(name)));
        prop_assume!(!shadowed);
        // A surface straddling the word boundary before the name ("a pixel 7" with a name
        // "AP") is rejected and the search resumes inside it, so the name is still found.
        let question = format!("{before} {name} {after}");
        let normalized = normalize(&question);
        let links = kb.linker.link(&normalized);
        prop_assert!(
            links.iter().any(|l| l.slot as usize == slot),
            "{name:?} not linked in {normalized:?}: {links:?}; the KB's names: {:?}",
            kb.nodes.iter().map(|n| &n.name).collect::<Vec<_>>()
        );
    }
}
