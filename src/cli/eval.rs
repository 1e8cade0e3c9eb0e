//! `answergraph eval FILE`: answer quality on a labelled question file, overall and by category.

use std::path::PathBuf;

use crate::config::Settings;
use crate::service::eval::read_questions;
use crate::service::KnowledgeBase;

use super::progress::Bars;
use super::{output, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Question file (JSONL: id, question, category, gold, optional session and expect_handoff).
    pub file: PathBuf,
    /// Include every question's outcome.
    #[arg(long)]
    pub detail: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, settings: &Settings) -> CliResult {
    let questions = read_questions(&args.file)?;
    let bars = Bars::default();
    let kb = KnowledgeBase::open(settings, &bars)?;
    let report = kb.evaluate(&questions, args.detail, &bars)?;
    if args.json {
        output::json(&report);
        return Ok(());
    }
    println!(
        "{:<16} {:>5} {:>8} {:>8} {:>8} {:>10} {:>10}",
        "category", "n", "hits@1", "recall@5", "mrr", "handoff_p", "handoff_r"
    );
    let overall = "overall".to_string();
    let rows = report
        .by_category
        .iter()
        .chain(std::iter::once((&overall, &report.overall)));
    for (name, m) in rows {
        let opt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.3}"));
        println!(
            "{:<16} {:>5} {:>8.3} {:>8.3} {:>8.3} {:>10} {:>10}",
            name,
            m.n,
            m.hits_at_1,
            m.recall_at_5,
            m.mrr,
            opt(m.handoff_precision),
            opt(m.handoff_recall)
        );
    }
    let c = &report.confidence;
    println!(
        "confidence: threshold {:.3}, AUC {:.3} (right {:.2} vs wrong {:.2}), {:.0}% answered, {:.1}% of answers right",
        c.threshold,
        c.auc,
        c.mean_confidence_right,
        c.mean_confidence_wrong,
        c.answered * 100.0,
        c.precision_of_answers * 100.0
    );
    let stages: Vec<String> = report
        .median_timings_ms
        .iter()
        .map(|(stage, ms)| format!("{stage} {ms:.2}"))
        .collect();
    println!("median ms per stage: {}", stages.join(", "));
    if let Some(questions) = &report.questions {
        for q in questions.iter().filter(|q| !q.correct) {
            println!(
                "MISS {} [{}] {:?} gold={:?} answer={:?} top={:?} conf={:.2} handoff={:?}",
                q.id, q.category, q.question, q.gold, q.answer, q.top, q.confidence, q.handoff
            );
        }
    }
    Ok(())
}
