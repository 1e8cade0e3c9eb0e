//! Fusing ranked lists from the retrieval legs into one ranking. Pure functions.
//!
//! * **RRF**: `Σ w_leg / (k + rank_leg)`; robust when legs' scores are incomparable.
//! * **Weighted**: `Σ w_leg · norm(score_leg)`, each leg min–max normalised over its own list, so
//!   a leg's confidence margins count (RRF throws them away). Question-form and text
//!   similarities live on different scales, which is why each dense leg is normalised on its own.
//!
//! A leg with weight 0 is ignored, so "one leg only" is a fusion configuration too; tuning
//! includes those, which is how fusion is kept from doing worse than its best leg.

use serde::{Deserialize, Serialize};

/// The retrieval legs, in the order of [`LegWeights`] and per-hit leg arrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Leg {
    Lexical,
    DenseQuestion,
    DenseText,
}

pub const LEGS: [Leg; 3] = [Leg::Lexical, Leg::DenseQuestion, Leg::DenseText];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FusionMode {
    Rrf,
    Weighted,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LegWeights {
    pub lexical: f32,
    pub dense_question: f32,
    pub dense_text: f32,
}

impl LegWeights {
    pub fn get(&self, leg: Leg) -> f32 {
        match leg {
            Leg::Lexical => self.lexical,
            Leg::DenseQuestion => self.dense_question,
            Leg::DenseText => self.dense_text,
        }
    }
}

/// How legs are combined; stored per KB by `tune`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FusionConfig {
    pub mode: FusionMode,
    pub rrf_k: f32,
    pub weights: LegWeights,
}

impl Default for FusionConfig {
    fn default() -> Self {
        Self {
            mode: FusionMode::Weighted,
            rrf_k: 60.0,
            weights: LegWeights {
                lexical: 1.0,
                dense_question: 0.8,
                dense_text: 0.4,
            },
        }
    }
}

/// One leg's ranked output: (item, score), best first.
#[derive(Debug, Clone, Default)]
pub struct LegHits {
    pub hits: Vec<(u32, f32)>,
}

/// An item's place in one leg: 1-based rank and raw score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LegRank {
    pub rank: usize,
    pub score: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fused {
    pub item: u32,
    pub score: f32,
    /// Per leg, in [`LEGS`] order.
    pub legs: [Option<LegRank>; 3],
}

/// Fuses the legs (in [`LEGS`] order) under `config`; best first, ties broken by item.
pub fn fuse(config: &FusionConfig, legs: &[LegHits; 3]) -> Vec<Fused> {
    let mut fused: std::collections::HashMap<u32, Fused> = std::collections::HashMap::new();
    for (index, (leg, hits)) in LEGS.iter().zip(legs).enumerate() {
        let weight = config.weights.get(*leg);
        let (low, high) = hits
            .hits
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), (_, s)| {
                (lo.min(*s), hi.max(*s))
            });
        for (position, &(item, score)) in hits.hits.iter().enumerate() {
            let rank = position + 1;
            let entry = fused.entry(item).or_insert(Fused {
                item,
                score: 0.0,
                legs: [None; 3],
            });
            entry.legs[index] = Some(LegRank { rank, score });
            if weight <= 0.0 {
                continue;
            }
            entry.score += match config.mode {
                FusionMode::Rrf => weight / (config.rrf_k + rank as f32),
                FusionMode::Weighted => {
                    let normalized = if high > low {
                        (score - low) / (high - low)
                    } else {
                        1.0
                    };
                    weight * normalized
                }
            };
        }
    }
    let mut out: Vec<Fused> = fused
        .into_values()
        .filter(|f| {
            LEGS.iter()
                .zip(&f.legs)
                .any(|(leg, rank)| rank.is_some() && config.weights.get(*leg) > 0.0)
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legs(lexical: &[(u32, f32)], dq: &[(u32, f32)], dt: &[(u32, f32)]) -> [LegHits; 3] {
        [
            LegHits {
                hits: lexical.to_vec(),
            },
            LegHits { hits: dq.to_vec() },
            LegHits { hits: dt.to_vec() },
        ]
    }

    fn order(fused: &[Fused]) -> Vec<u32> {
        fused.iter().map(|f| f.item).collect()
    }

    #[test]
    fn rrf_rewards_agreement() {
        let config = FusionConfig {
            mode: FusionMode::Rrf,
            rrf_k: 60.0,
            weights: LegWeights {
                lexical: 1.0,
                dense_question: 1.0,
                dense_text: 1.0,
            },
        };
        let fused = fuse(
            &config,
            &legs(&[(1, 9.0), (2, 5.0)], &[(2, 0.9), (3, 0.8)], &[(2, 0.6)]),
        );
        assert_eq!(order(&fused), [2, 1, 3]);
        assert_eq!(
            fused[0].legs[0],
            Some(LegRank {
                rank: 2,
                score: 5.0
            })
        );
        assert!((fused[0].score - (1.0 / 62.0 + 1.0 / 61.0 + 1.0 / 61.0)).abs() < 1e-6);
    }

    #[test]
    fn weighted_uses_margins_and_zero_weight_drops_a_leg() {
        let config = FusionConfig {
            mode: FusionMode::Weighted,
            rrf_k: 60.0,
            weights: LegWeights {
                lexical: 1.0,
                dense_question: 0.0,
                dense_text: 0.0,
            },
        };
        let fused = fuse(&config, &legs(&[(1, 10.0), (2, 1.0)], &[(3, 0.99)], &[]));
        assert_eq!(
            order(&fused),
            [1, 2],
            "items only in zero-weight legs are dropped"
        );
        assert_eq!(fused[0].score, 1.0);
        assert_eq!(fused[1].score, 0.0);
    }
}
