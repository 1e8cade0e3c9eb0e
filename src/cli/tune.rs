//! `answergraph tune FILE`: choose the fusion of retrieval legs and the answer threshold on a
//! labelled question file, store them in the KB and report every leg against the choice.

use std::path::PathBuf;

use crate::config::Settings;
use crate::service::eval::read_questions;
use crate::service::KnowledgeBase;

use super::progress::Bars;
use super::{output, CliError, CliResult};
use crate::service::reason::TrainingRecord;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Question file in the eval format.
    pub file: PathBuf,
    #[arg(long)]
    pub json: bool,
    /// Also write every question's candidates and features (JSONL) for `fit-scorer`.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
}

pub fn run(args: Args, settings: &Settings) -> CliResult {
    let questions = read_questions(&args.file)?;
    let bars = Bars::default();
    let kb = KnowledgeBase::open(settings, &bars)?;
    let report = kb.tune(&questions, &bars)?;
    if let Some(path) = &args.export {
        let training = kb.training_questions(&questions, &bars)?;
        let mut lines = String::new();
        for question in &training {
            let record = TrainingRecord::from(question);
            lines.push_str(&serde_json::to_string(&record).expect("records serialise"));
            lines.push('\n');
        }
        std::fs::write(path, lines)
            .map_err(|e| CliError::Io(format!("cannot write {}: {e}", path.display())))?;
    }
    if args.json {
        output::json(&report);
        return Ok(());
    }
    println!(
        "retrieval on {} questions with gold answers:",
        report.questions
    );
    println!("{:<16} {:>9} {:>9} {:>7}", "", "nDCG@10", "recall@5", "MRR");
    for q in report
        .legs
        .iter()
        .chain([&report.default_fusion, &report.chosen])
    {
        println!(
            "{:<16} {:>9.3} {:>9.3} {:>7.3}",
            q.name, q.ndcg_at_10, q.recall_at_5, q.mrr
        );
    }
    if let Some(fusion) = &report.chosen.fusion {
        println!(
            "stored fusion: {:?}, weights lexical {} / dense_question {} / dense_text {}",
            fusion.mode,
            fusion.weights.lexical,
            fusion.weights.dense_question,
            fusion.weights.dense_text
        );
    }
    println!("candidate scoring weights (fitted):");
    for (feature, weight) in &report.reasoner_weights {
        println!("  {feature:<30} {weight:>8.3}");
    }
    println!(
        "top candidate right on unseen questions (2-fold cross-validation): {:.3}",
        report.cross_validated_top1
    );
    println!("stored answer threshold: {:.3}", report.answer_threshold);
    println!(
        "answers hits@1 {:.3} → {:.3}",
        report.eval_before.hits_at_1, report.eval_after.hits_at_1
    );
    Ok(())
}
