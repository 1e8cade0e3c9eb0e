//! The query path at the library level: one KnowledgeBase (real model) on a small bilingual KB,
//! thousands of arbitrary questions through `answer` and `search`. Each call either succeeds
//! with a well-formed response or is a `BadRequest` for an empty or too long input.

use answergraph::service::answer::{AnswerOptions, AnswerRequest};
use answergraph::service::search::{SearchMode, SearchRequest};
use answergraph::service::{KnowledgeBase, Quiet, ServiceError};
use answergraph::store::Provenance;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};

use super::text::{messy_text, messy_text_any_length};
use crate::common::*;

const CASES: u32 = 2_000;

fn small_kb(dir: &std::path::Path) {
    write_kb(
        dir,
        "kinds:\n  - product\n  - name: faq\n    phrases: {en: [how do i], zh: [怎么]}\n  - name: policy\n    phrases: {en: [policy, warranty], zh: [政策, 保修]}\n\
         relations:\n  - name: about\n    from: [faq]\n    to: [product]\n  - name: covered_by\n    from: [product]\n    to: [policy]\n    inverse: covers\n    phrases: {en: [warranty, covered], zh: [保修]}\n\
         attributes:\n  price: {en: [how much, price], zh: [多少钱]}\n",
        &[
            r#"{"id":"product/r1","kind":"product","name":"R1 Router","aliases":["R1","R-1 路由器"],"text":"A dual-band router.","attrs":{"price":99}}"#,
            r#"{"id":"product/z5","kind":"product","name":"Z5 Buds","aliases":["Z5 耳机"],"text":"Wireless earbuds.","attrs":{"price":59}}"#,
            r#"{"id":"policy/warranty-1y","kind":"policy","name":"One-year warranty","text":"Repairs free for a year."}"#,
            r#"{"id":"faq/reset","kind":"faq","name":"How do I reset my router?","text":"Hold reset for ten seconds.","lang":"en"}"#,
            r#"{"id":"faq/zh-shipping","kind":"faq","name":"订单多久能发货？","text":"付款后 24 小时内发货。","lang":"zh"}"#,
        ],
        &[
            r#"{"from":"faq/reset","rel":"about","to":"product/r1"}"#,
            r#"{"from":"product/r1","rel":"covered_by","to":"policy/warranty-1y"}"#,
            r#"{"from":"product/z5","rel":"covered_by","to":"policy/warranty-1y"}"#,
        ],
    );
}

/// A question: arbitrary text, or a real question with arbitrary text around it.
fn question() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => messy_text_any_length(),
        1 => (messy_text(20), prop::sample::select(vec![
            "how much is the r1", "z5 保修多久", "转人工", "how do i reset it", "",
        ]), messy_text(20)).prop_map(|(a, q, b)| format!("{a}{q}{b}")),
        1 => Just(" \t\u{3000} ".to_owned()),
    ]
}

fn session() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(None),
        2 => "s[0-3]".prop_map(Some),
        1 => messy_text(140).prop_map(Some),
    ]
}

/// Why a request may be refused: an empty or too long text, or an unusable session id.
fn refusable(text: &str, session: Option<&str>, limit: usize) -> bool {
    let text = text.trim();
    text.is_empty()
        || text.chars().count() > limit
        || session.is_some_and(|s| s.is_empty() || s.len() > 128)
}

#[test]
fn arbitrary_questions_are_answered_or_refused_as_bad_requests() {
    let kb_files = temp();
    small_kb(kb_files.path());
    let data = temp();
    let settings = settings_for(data.path());
    let limit = settings.answer.max_question_chars;
    let kb = KnowledgeBase::open(&settings, &Quiet).unwrap();
    let provenance = Provenance {
        actor: "test".into(),
        source: "test".into(),
    };
    kb.import_path(kb_files.path(), &provenance, false, &Quiet)
        .unwrap();
    let ids: Vec<String> = ["product/r1", "product/z5", "policy/warranty-1y"]
        .iter()
        .chain(&["faq/reset", "faq/zh-shipping"])
        .map(|s| s.to_string())
        .collect();
    let options = AnswerOptions {
        log: true,
        persist_session: true,
    };
    let modes = prop::sample::select(vec![
        SearchMode::Lexical,
        SearchMode::Dense,
        SearchMode::Hybrid,
    ]);
    let mut runner = TestRunner::new(ProptestConfig::with_cases(CASES));
    runner
        .run(
            &(question(), session(), modes, 0usize..120),
            |(question, session_id, mode, k)| {
                let request = AnswerRequest {
                    question: question.clone(),
                    session_id: session_id.clone(),
                    explain: k % 2 == 0,
                };
                match kb.answer(&request, options) {
                    Ok(response) => {
                        prop_assert!((0.0..=1.0).contains(&response.confidence));
                        if let Some(answer) = &response.answer {
                            prop_assert!(ids.contains(&answer.node_id));
                        }
                    }
                    Err(ServiceError::BadRequest { .. })
                        if refusable(&question, session_id.as_deref(), limit) => {}
                    Err(e) => return Err(TestCaseError::fail(format!("answer: {e}"))),
                }
                let request = SearchRequest {
                    query: question.clone(),
                    mode,
                    k: Some(k),
                    ..Default::default()
                };
                match kb.search(&request) {
                    Ok(response) => {
                        prop_assert!(response.hits.len() <= k);
                        for hit in &response.hits {
                            prop_assert!(ids.contains(&hit.id));
                            prop_assert!(hit.score.is_finite());
                        }
                    }
                    Err(ServiceError::BadRequest { .. })
                        if refusable(&question, None, limit) || k == 0 || k > 100 => {}
                    Err(e) => return Err(TestCaseError::fail(format!("search: {e}"))),
                }
                Ok(())
            },
        )
        .unwrap();
}
