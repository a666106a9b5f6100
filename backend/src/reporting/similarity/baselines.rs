//! What a user would try first, to judge the rule against (test-only): the share of
//! words two names have in common, and PostgreSQL's pg_trgm `similarity()`. Each is
//! given its best threshold on the set it is tuned on, a favour the rule does not get.

use std::collections::HashSet;

use super::evaluation::{evaluate_with, Evaluation, LabelledPair};
use crate::text::fold;

#[derive(Debug, Clone, Copy)]
pub enum Baseline {
    WordOverlap,
    Trigram,
}

impl Baseline {
    pub const ALL: [Baseline; 2] = [Baseline::WordOverlap, Baseline::Trigram];

    pub fn label(self) -> &'static str {
        match self {
            Baseline::WordOverlap => "solapamiento de palabras",
            Baseline::Trigram => "pg_trgm",
        }
    }

    /// Score of the names of a pair (descriptions ignored, as a user's query would).
    pub fn score(self, pair: &LabelledPair) -> f64 {
        match self {
            Baseline::WordOverlap => word_overlap(&pair.a_name, &pair.b_name),
            Baseline::Trigram => pg_trgm(&pair.a_name, &pair.b_name),
        }
    }

    pub fn evaluate(self, pairs: &[LabelledPair], threshold: f64) -> Evaluation {
        evaluate_with(pairs, |pair| self.score(pair) >= threshold)
    }

    /// The tenth (0.1..=0.9) with the best F1 on `pairs`; the lowest on ties.
    pub fn best_threshold(self, pairs: &[LabelledPair]) -> f64 {
        (1..=9).map(|tenth| f64::from(tenth) / 10.0).fold(0.1, |best, threshold| {
            if self.evaluate(pairs, threshold).f1 > self.evaluate(pairs, best).f1 {
                threshold
            } else {
                best
            }
        })
    }
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        0.0
    } else {
        a.intersection(b).count() as f64 / union as f64
    }
}

/// The share of (folded) words two names have in common.
fn word_overlap(a: &str, b: &str) -> f64 {
    let words =
        |text: &str| -> HashSet<String> { fold(text).split_whitespace().map(str::to_owned).collect() };
    jaccard(&words(a), &words(b))
}

/// pg_trgm's `similarity()` on folded names: shared character trigrams of padded words.
fn pg_trgm(a: &str, b: &str) -> f64 {
    let grams = |text: &str| -> HashSet<String> {
        let mut grams = HashSet::new();
        for word in fold(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            let padded: Vec<char> = format!("  {word} ").chars().collect();
            for window in padded.windows(3) {
                grams.insert(window.iter().collect());
            }
        }
        grams
    };
    jaccard(&grams(a), &grams(b))
}
