//! `answergraph fit-scorer FILE...`: fits the answer scorer on candidates exported by
//! `tune --export` from one or more KBs, and prints the model with its cross-validated accuracy.
//! This is how the built-in defaults were made (see BENCHMARKS.md): pooling KBs keeps them from
//! fitting one KB's habits.

use std::path::PathBuf;

use crate::service::eval::cross_validate;
use crate::service::reason::{
    fit, fit_calibration, Reasoner, TrainingQuestion, TrainingRecord, FEATURES,
};

use super::{output, CliError, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Candidate files written by `tune --export`.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Keep the built-in weights and fit only the confidence calibration on them.
    #[arg(long)]
    pub calibration_only: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(serde::Serialize)]
struct Fitted {
    questions: usize,
    /// Absent with `--calibration-only`: the weights are not fitted, so there is nothing to
    /// cross-validate.
    #[serde(skip_serializing_if = "Option::is_none")]
    cross_validated_top1: Option<f64>,
    reasoner: Reasoner,
    weights: std::collections::BTreeMap<String, f32>,
}

pub fn run(args: Args) -> CliResult {
    let mut training: Vec<TrainingQuestion> = Vec::new();
    for path in &args.files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::Io(format!("cannot read {}: {e}", path.display())))?;
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let record: TrainingRecord = serde_json::from_str(line).map_err(|e| {
                CliError::Usage(format!(
                    "{}:{}: not a candidate record: {e}",
                    path.display(),
                    i + 1
                ))
            })?;
            let question = record.into_question().ok_or_else(|| {
                CliError::Usage(format!(
                    "{}:{}: the record has not {} features; export it again with this version",
                    path.display(),
                    i + 1,
                    FEATURES.len()
                ))
            })?;
            training.push(question);
        }
    }
    let start = Reasoner::default();
    let reasoner = if args.calibration_only {
        Reasoner {
            calibration: fit_calibration(&training, &start),
            ..start.clone()
        }
    } else {
        fit(&training, &start)
    };
    let fitted = Fitted {
        questions: training.len(),
        cross_validated_top1: (!args.calibration_only)
            .then(|| (cross_validate(&training, &start) * 1000.0).round() / 1000.0),
        weights: FEATURES
            .iter()
            .zip(&reasoner.weights)
            .map(|(name, w)| ((*name).to_owned(), (w * 1000.0).round() / 1000.0))
            .collect(),
        reasoner,
    };
    if args.json {
        output::json(&fitted);
    } else {
        match fitted.cross_validated_top1 {
            Some(top1) => println!(
                "{} questions; top candidate right on unseen questions (2-fold): {top1:.3}",
                fitted.questions
            ),
            None => println!(
                "{} questions; built-in weights kept, calibration fitted",
                fitted.questions
            ),
        }
        for (feature, weight) in &fitted.weights {
            println!("  {feature:<32} {weight:>8.3}");
        }
        println!("calibration: {:?}", fitted.reasoner.calibration);
    }
    Ok(())
}
