//! Measuring answer and retrieval quality on labelled question files, and tuning the KB's fusion
//! and answer threshold on them.
//!
//! Definitions (for one question): **hits@1** — the answer's node is in `gold`; **recall@5** — a
//! gold node is among the answer and the first four alternatives; **MRR** — 1 / rank of the first
//! gold node in that list. A question with `gold: []` counts as correct (all three) when no answer
//! is given or a human is recommended. Handoff precision and recall compare recommendations with
//! `expect_handoff`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::{SourceRef, ValidationError};
use crate::text::TextFilter;

use super::answer::{AnswerOptions, AnswerRequest, AnswerResponse, Answered, DEFAULT_THRESHOLD};
use super::fusion::{fuse, FusionConfig, FusionMode, LegHits, LegWeights};
use super::reason::{fit, Reasoner, TrainingQuestion};
use super::{KnowledgeBase, Progress, Result, ServiceError};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelledQuestion {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default = "uncategorised")]
    pub category: String,
    pub gold: Vec<String>,
    #[serde(default)]
    pub session: Vec<String>,
    #[serde(default)]
    pub expect_handoff: bool,
}

fn uncategorised() -> String {
    "uncategorised".into()
}

/// Reads a question file (one JSON object a line). Fails listing every malformed line.
pub fn read_questions(path: &Path) -> Result<Vec<LabelledQuestion>> {
    let text = std::fs::read_to_string(path).map_err(|e| ServiceError::Input {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let file = path.display().to_string();
    let mut questions = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<LabelledQuestion>(line) {
            Ok(question) => questions.push(question),
            Err(e) => errors.push(SourceRef::new(&file, index + 1).error(None, e.to_string())),
        }
    }
    if questions.is_empty() && errors.is_empty() {
        errors.push(ValidationError::new(
            file,
            None,
            None,
            "the file holds no questions",
        ));
    }
    if errors.is_empty() {
        Ok(questions)
    } else {
        Err(ServiceError::Invalid(errors))
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Metrics {
    pub n: usize,
    pub hits_at_1: f64,
    pub recall_at_5: f64,
    pub mrr: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handoff_precision: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handoff_recall: Option<f64>,
}

/// How well confidence separates right from wrong best candidates.
#[derive(Debug, Clone, Serialize)]
pub struct ConfidenceReport {
    pub threshold: f32,
    /// Probability that a right best candidate has higher confidence than a wrong one.
    pub auc: f64,
    /// Share of questions (with gold answers) answered at this threshold.
    pub answered: f64,
    /// Share of given answers that are right.
    pub precision_of_answers: f64,
    pub mean_confidence_right: f64,
    pub mean_confidence_wrong: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionOutcome {
    pub id: String,
    pub category: String,
    pub question: String,
    pub gold: Vec<String>,
    pub answer: Option<String>,
    pub top: Option<String>,
    pub confidence: f32,
    pub handoff: Option<String>,
    pub correct: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub overall: Metrics,
    pub by_category: BTreeMap<String, Metrics>,
    pub confidence: ConfidenceReport,
    /// Median time of each answer stage over the questions (session turns excluded).
    pub median_timings_ms: BTreeMap<String, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub questions: Option<Vec<QuestionOutcome>>,
}

struct Scored {
    question: LabelledQuestion,
    response: AnswerResponse,
}

impl Scored {
    fn ranked(&self) -> Vec<&str> {
        self.response
            .answer
            .iter()
            .map(|a| a.node_id.as_str())
            .chain(
                self.response
                    .alternatives
                    .iter()
                    .map(|a| a.node_id.as_str()),
            )
            .collect()
    }

    fn top(&self) -> Option<&str> {
        self.ranked().first().copied()
    }

    fn declined(&self) -> bool {
        self.response.answer.is_none() || self.response.handoff.recommended
    }

    /// (hit@1, recall@5, reciprocal rank)
    fn scores(&self) -> (f64, f64, f64) {
        let gold = &self.question.gold;
        if gold.is_empty() {
            let ok = f64::from(u8::from(self.declined()));
            return (ok, ok, ok);
        }
        let hit = self
            .response
            .answer
            .as_ref()
            .is_some_and(|a| gold.contains(&a.node_id));
        let ranked = self.ranked();
        let position = ranked
            .iter()
            .take(5)
            .position(|id| gold.iter().any(|g| g == id));
        (
            f64::from(u8::from(hit)),
            f64::from(u8::from(position.is_some())),
            position.map_or(0.0, |p| 1.0 / (p as f64 + 1.0)),
        )
    }

    fn top_right(&self) -> bool {
        self.top()
            .is_some_and(|top| self.question.gold.iter().any(|g| g == top))
    }
}

fn metrics<'a>(items: impl Iterator<Item = &'a Scored>) -> Metrics {
    let items: Vec<&Scored> = items.collect();
    let n = items.len();
    if n == 0 {
        return Metrics::default();
    }
    let (mut hits, mut recall, mut mrr) = (0.0, 0.0, 0.0);
    let (mut true_pos, mut predicted, mut expected) = (0usize, 0usize, 0usize);
    for item in &items {
        let (h, r, m) = item.scores();
        hits += h;
        recall += r;
        mrr += m;
        let recommended = item.response.handoff.recommended;
        predicted += usize::from(recommended);
        expected += usize::from(item.question.expect_handoff);
        true_pos += usize::from(recommended && item.question.expect_handoff);
    }
    let ratio = |a: usize, b: usize| (b > 0).then(|| round(a as f64 / b as f64));
    Metrics {
        n,
        hits_at_1: round(hits / n as f64),
        recall_at_5: round(recall / n as f64),
        mrr: round(mrr / n as f64),
        handoff_precision: ratio(true_pos, predicted),
        handoff_recall: ratio(true_pos, expected),
    }
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Area under the ROC curve of `scores` separating positives from negatives.
fn auc(positives: &[f32], negatives: &[f32]) -> f64 {
    if positives.is_empty() || negatives.is_empty() {
        return 0.5;
    }
    let mut wins = 0.0;
    for p in positives {
        for n in negatives {
            wins += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / (positives.len() * negatives.len()) as f64
}

impl KnowledgeBase {
    fn ask_labelled(&self, question: &LabelledQuestion, index: usize) -> Result<Answered> {
        let options = AnswerOptions {
            log: false,
            persist_session: false,
        };
        let session_id = (!question.session.is_empty())
            .then(|| format!("eval-{index}-{}", rand::random::<u64>()));
        for turn in &question.session {
            self.answer(
                &AnswerRequest {
                    question: turn.clone(),
                    session_id: session_id.clone(),
                    explain: false,
                },
                options,
            )?;
        }
        self.answer_with_candidates(
            &AnswerRequest {
                question: question.question.clone(),
                session_id,
                explain: false,
            },
            options,
        )
    }

    /// Answers every question of the file (earlier session turns first, nothing logged) and
    /// reports hits@1, recall@5, MRR and handoff precision/recall, overall and by category, and
    /// how well confidence separates right from wrong answers.
    pub fn evaluate(
        &self,
        questions: &[LabelledQuestion],
        detail: bool,
        progress: &dyn Progress,
    ) -> Result<EvalReport> {
        progress.start("evaluating", questions.len() as u64);
        let mut scored = Vec::with_capacity(questions.len());
        for (index, question) in questions.iter().enumerate() {
            let response = self.ask_labelled(question, index)?.response;
            scored.push(Scored {
                question: question.clone(),
                response,
            });
            progress.set(index as u64 + 1);
        }
        progress.finish();
        let mut categories: BTreeMap<String, Vec<&Scored>> = BTreeMap::new();
        for item in &scored {
            categories
                .entry(item.question.category.clone())
                .or_default()
                .push(item);
        }
        let by_category = categories
            .into_iter()
            .map(|(category, items)| (category, metrics(items.into_iter())))
            .collect();
        let threshold = self
            .kb_settings()
            .answer_threshold
            .unwrap_or(DEFAULT_THRESHOLD);
        let answerable: Vec<&Scored> = scored
            .iter()
            .filter(|s| !s.question.gold.is_empty())
            .collect();
        let right: Vec<f32> = answerable
            .iter()
            .filter(|s| s.top_right())
            .map(|s| s.response.confidence)
            .collect();
        let wrong: Vec<f32> = scored
            .iter()
            .filter(|s| !s.top_right())
            .map(|s| s.response.confidence)
            .collect();
        let answered: Vec<&&Scored> = answerable
            .iter()
            .filter(|s| s.response.answer.is_some())
            .collect();
        let answered_right = answered.iter().filter(|s| s.scores().0 > 0.0).count();
        let mean = |v: &[f32]| {
            if v.is_empty() {
                0.0
            } else {
                round(v.iter().map(|x| *x as f64).sum::<f64>() / v.len() as f64)
            }
        };
        let confidence = ConfidenceReport {
            threshold,
            auc: round(auc(&right, &wrong)),
            answered: round(answered.len() as f64 / answerable.len().max(1) as f64),
            precision_of_answers: round(answered_right as f64 / answered.len().max(1) as f64),
            mean_confidence_right: mean(&right),
            mean_confidence_wrong: mean(&wrong),
        };
        let questions_out = detail.then(|| {
            scored
                .iter()
                .map(|s| QuestionOutcome {
                    id: s.question.id.clone(),
                    category: s.question.category.clone(),
                    question: s.question.question.clone(),
                    gold: s.question.gold.clone(),
                    answer: s.response.answer.as_ref().map(|a| a.node_id.clone()),
                    top: s.top().map(str::to_owned),
                    confidence: s.response.confidence,
                    handoff: s.response.handoff.reason.map(|r| r.as_str().to_owned()),
                    correct: s.scores().0 > 0.0,
                })
                .collect()
        });
        let mut stages: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for item in &scored {
            for (stage, ms) in &item.response.timings_ms {
                stages.entry((*stage).to_owned()).or_default().push(*ms);
            }
        }
        let median_timings_ms = stages
            .into_iter()
            .map(|(stage, mut values)| {
                values.sort_by(f64::total_cmp);
                (stage, round(values[values.len() / 2]))
            })
            .collect();
        Ok(EvalReport {
            median_timings_ms,
            overall: metrics(scored.iter()),
            by_category,
            confidence,
            questions: questions_out,
        })
    }
}

/// Retrieval quality of one leg or fusion.
#[derive(Debug, Clone, Serialize)]
pub struct RetrievalQuality {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fusion: Option<FusionConfig>,
    pub ndcg_at_10: f64,
    pub recall_at_5: f64,
    pub mrr: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TuneReport {
    /// Questions with gold answers used for retrieval tuning.
    pub questions: usize,
    pub legs: Vec<RetrievalQuality>,
    pub default_fusion: RetrievalQuality,
    pub chosen: RetrievalQuality,
    pub answer_threshold: f32,
    /// The fitted candidate-scoring weights, by feature.
    pub reasoner_weights: BTreeMap<String, f32>,
    /// The fitted model as stored (weights in feature order, calibration).
    pub reasoner: Reasoner,
    /// Share of answerable questions whose top candidate is right when the weights are fitted
    /// on the other half of the questions (2-fold): what to expect on unseen questions.
    pub cross_validated_top1: f64,
    pub eval_before: Metrics,
    pub eval_after: Metrics,
}

fn quality(
    name: &str,
    fusion: Option<FusionConfig>,
    rankings: &[(Vec<u32>, Vec<u32>)],
) -> RetrievalQuality {
    let (mut ndcg, mut recall, mut mrr) = (0.0, 0.0, 0.0);
    for (ranking, gold) in rankings {
        let positions: Vec<usize> = ranking
            .iter()
            .enumerate()
            .filter(|(_, item)| gold.contains(item))
            .map(|(i, _)| i)
            .collect();
        let dcg: f64 = positions
            .iter()
            .filter(|p| **p < 10)
            .map(|p| 1.0 / ((*p as f64) + 2.0).log2())
            .sum();
        let ideal: f64 = (0..gold.len().min(10))
            .map(|p| 1.0 / ((p as f64) + 2.0).log2())
            .sum();
        ndcg += if ideal > 0.0 { dcg / ideal } else { 0.0 };
        recall += f64::from(u8::from(positions.first().is_some_and(|p| *p < 5)));
        mrr += positions.first().map_or(0.0, |p| 1.0 / (*p as f64 + 1.0));
    }
    let n = rankings.len().max(1) as f64;
    RetrievalQuality {
        name: name.to_owned(),
        fusion,
        ndcg_at_10: round(ndcg / n),
        recall_at_5: round(recall / n),
        mrr: round(mrr / n),
    }
}

impl KnowledgeBase {
    /// Picks the fusion (mode and leg weights) with the best nDCG@10 on the questions with gold
    /// answers — single legs included, so the choice is never worse than the best leg on this
    /// set — then the answer-confidence threshold with the best accuracy, and stores both in the
    /// KB's settings.
    pub fn tune(
        &self,
        questions: &[LabelledQuestion],
        progress: &dyn Progress,
    ) -> Result<TuneReport> {
        let snapshot = self.snapshot();
        let answerable: Vec<&LabelledQuestion> = questions
            .iter()
            .filter(|q| !q.gold.is_empty() && q.session.is_empty())
            .collect();
        progress.start("retrieving", answerable.len() as u64);
        let mut legs: Vec<([LegHits; 3], Vec<u32>)> = Vec::new();
        for (i, question) in answerable.iter().enumerate() {
            let retrieval = self.retrieve(
                &snapshot,
                &question.question,
                true,
                &TextFilter::default(),
                self.settings.search.leg_depth,
                |_| {},
            )?;
            let gold = question
                .gold
                .iter()
                .filter_map(|g| snapshot.slot_of(g))
                .collect();
            legs.push((retrieval.legs, gold));
            progress.set(i as u64 + 1);
        }
        progress.finish();
        let evaluate = |config: &FusionConfig| -> Vec<(Vec<u32>, Vec<u32>)> {
            legs.iter()
                .map(|(hits, gold)| {
                    (
                        fuse(config, hits)
                            .into_iter()
                            .take(10)
                            .map(|f| f.item)
                            .collect(),
                        gold.clone(),
                    )
                })
                .collect()
        };
        let only = |lexical: f32, dense_question: f32, dense_text: f32| FusionConfig {
            mode: FusionMode::Weighted,
            rrf_k: 60.0,
            weights: LegWeights {
                lexical,
                dense_question,
                dense_text,
            },
        };
        let mut leg_reports = vec![
            quality("lexical", None, &evaluate(&only(1.0, 0.0, 0.0))),
            quality("dense_question", None, &evaluate(&only(0.0, 1.0, 0.0))),
            quality("dense_text", None, &evaluate(&only(0.0, 0.0, 1.0))),
        ];
        let default = FusionConfig::default();
        let dense = FusionConfig {
            weights: LegWeights {
                lexical: 0.0,
                ..default.weights
            },
            ..default
        };
        leg_reports.push(quality("dense", Some(dense), &evaluate(&dense)));
        let default_fusion = quality("default", Some(default), &evaluate(&default));
        let grid = [0.0f32, 0.2, 0.4, 0.6, 0.8, 1.0];
        let mut best = default_fusion.clone();
        for mode in [FusionMode::Weighted, FusionMode::Rrf] {
            for &dense_question in &grid {
                for &dense_text in &grid {
                    for &lexical in &[0.0f32, 0.5, 1.0] {
                        if lexical + dense_question + dense_text == 0.0 {
                            continue;
                        }
                        let config = FusionConfig {
                            mode,
                            rrf_k: 60.0,
                            weights: LegWeights {
                                lexical,
                                dense_question,
                                dense_text,
                            },
                        };
                        let candidate = quality("tuned", Some(config), &evaluate(&config));
                        let better =
                            (candidate.ndcg_at_10, candidate.mrr) > (best.ndcg_at_10, best.mrr);
                        if better {
                            best = candidate;
                        }
                    }
                }
            }
        }
        let before = self.evaluate(questions, false, progress)?.overall;
        let mut settings = (*self.kb_settings()).clone();
        settings.fusion = best.fusion;
        self.set_kb_settings(settings.clone())?;

        // Candidate scoring: fit on every question, and estimate generalisation by 2-fold
        // cross-validation.
        let training = self.training_questions(questions, progress)?;
        let start = settings.reasoner.clone().unwrap_or_default();
        let cv_top1 = cross_validate(&training, &start);
        let reasoner: Reasoner = fit(&training, &start);
        settings.reasoner = Some(reasoner.clone());
        self.set_kb_settings(settings.clone())?;
        // Threshold: the one that gets the most questions right given each question's confidence.
        let detail = self.evaluate(questions, true, progress)?;
        let outcomes = detail.questions.unwrap_or_default();
        let threshold = best_threshold(&outcomes);
        settings.answer_threshold = Some(threshold);
        self.set_kb_settings(settings)?;
        let after = self.evaluate(questions, false, progress)?.overall;
        Ok(TuneReport {
            reasoner_weights: super::reason::FEATURES
                .iter()
                .zip(&reasoner.weights)
                .map(|(name, w)| ((*name).to_owned(), (w * 1000.0).round() / 1000.0))
                .collect(),
            reasoner: reasoner.clone(),
            cross_validated_top1: round(cv_top1),
            questions: answerable.len(),
            legs: leg_reports,
            default_fusion,
            chosen: RetrievalQuality {
                name: "chosen".into(),
                ..best
            },
            answer_threshold: threshold,
            eval_before: before,
            eval_after: after,
        })
    }
}

impl KnowledgeBase {
    /// Asks every question (earlier session turns first) and records each final turn's
    /// candidates with which of them are right: the data the answer scorer is fitted on.
    pub fn training_questions(
        &self,
        questions: &[LabelledQuestion],
        progress: &dyn Progress,
    ) -> Result<Vec<TrainingQuestion>> {
        let snapshot = self.snapshot();
        progress.start("collecting candidates", questions.len() as u64);
        let mut training = Vec::with_capacity(questions.len());
        for (index, question) in questions.iter().enumerate() {
            let Answered {
                candidates,
                signals,
                ..
            } = self.ask_labelled(question, index)?;
            let gold: Vec<Option<u32>> =
                question.gold.iter().map(|g| snapshot.slot_of(g)).collect();
            training.push(TrainingQuestion {
                right: candidates
                    .iter()
                    .map(|c| gold.contains(&Some(c.slot)))
                    .collect(),
                candidates: candidates.iter().map(|c| c.features).collect(),
                signals,
                answerable: !question.gold.is_empty(),
            });
            progress.set(index as u64 + 1);
        }
        progress.finish();
        Ok(training)
    }
}

/// The share of answerable questions whose top candidate is right when the scorer is fitted on
/// the other half of the questions (2-fold): what to expect on unseen questions.
pub fn cross_validate(training: &[TrainingQuestion], start: &Reasoner) -> f64 {
    let (mut right, mut total) = (0usize, 0usize);
    for fold in 0..2 {
        let train: Vec<TrainingQuestion> = training
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 != fold)
            .map(|(_, q)| q.clone())
            .collect();
        let model = fit(&train, start);
        for question in training
            .iter()
            .skip(fold)
            .step_by(2)
            .filter(|q| q.answerable)
        {
            total += 1;
            let top = question
                .candidates
                .iter()
                .zip(&question.right)
                .max_by(|a, b| model.score(a.0).total_cmp(&model.score(b.0)));
            right += usize::from(top.is_some_and(|(_, r)| *r));
        }
    }
    right as f64 / total.max(1) as f64
}

/// The confidence threshold that maximises right outcomes: an answerable question is right when
/// its top candidate is right and clears the threshold; an unanswerable or handoff question is
/// right when it does not clear it (or a human was recommended for another reason).
fn best_threshold(outcomes: &[QuestionOutcome]) -> f32 {
    let mut candidates: Vec<f32> = outcomes.iter().map(|o| o.confidence).collect();
    candidates.push(0.0);
    candidates.sort_by(f32::total_cmp);
    candidates.dedup();
    let mut best = (0usize, DEFAULT_THRESHOLD);
    for (i, threshold) in candidates.iter().enumerate() {
        // Put the threshold between this confidence and the next.
        let t = candidates
            .get(i + 1)
            .map_or(*threshold + 1e-3, |next| (threshold + next) / 2.0);
        let right = outcomes
            .iter()
            .filter(|o| {
                let top_right = o.top.as_ref().is_some_and(|top| o.gold.contains(top));
                let other_handoff = matches!(o.handoff.as_deref(), Some(r) if r != "low_confidence" && r != "repeated_failure");
                if o.gold.is_empty() {
                    o.confidence < t || other_handoff
                } else {
                    top_right && o.confidence >= t
                }
            })
            .count();
        if i == 0 || right > best.0 {
            best = (right, t);
        }
    }
    (best.1 * 1000.0).round() / 1000.0
}
