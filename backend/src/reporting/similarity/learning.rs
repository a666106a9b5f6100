//! Learns the weights of `weights.rs` from the labelled pairs (test-only): a grid search
//! for the best F1 at PROPOSAL_THRESHOLD. The grid is small and every weight keeps its
//! meaning, so the rule stays a weighted sum a reviewer can follow; identical fields still
//! score 1 (the three overlaps' weights add up to 1).

use super::evaluation::{parse_labelled_pairs, tally, thesaurus_for_measurements, Evaluation, LabelledPair};
use super::weights::{Evidence, Weights, WEIGHTS};
use super::{examine, FieldText, Profile, RelatedWords, PROPOSAL_THRESHOLD};

/// A labelled pair reduced to what the weights see.
#[derive(Debug, Clone)]
pub struct Measured {
    pub competency: String,
    pub evidence: Evidence,
    pub duplicate: bool,
}

pub fn measure(pairs: &[LabelledPair], related: &RelatedWords) -> Vec<Measured> {
    pairs
        .iter()
        .map(|pair| {
            let a = FieldText { code: "a", name: &pair.a_name, description: &pair.a_description };
            let b = FieldText { code: "b", name: &pair.b_name, description: &pair.b_description };
            let evidence = examine(&Profile::new(&a), &Profile::new(&b), related).evidence;
            Measured { competency: pair.competency.clone(), evidence, duplicate: pair.duplicate }
        })
        .collect()
}

/// Precision, recall and F1 of `weights` on measured pairs.
pub fn evaluate(pairs: &[Measured], weights: &Weights) -> Evaluation {
    tally(pairs.iter().map(|p| (weights.score(&p.evidence) >= PROPOSAL_THRESHOLD, p.duplicate)))
}

fn steps(from: f64, to: f64, step: f64) -> Vec<f64> {
    let count = ((to - from) / step).round() as usize;
    (0..=count).map(|i| ((from + step * i as f64) * 100.0).round() / 100.0).collect()
}

/// The weights of the grid with the best F1 on `pairs` (the first in grid order on ties).
pub fn learn(pairs: &[Measured]) -> Weights {
    let mut best = (WEIGHTS, -1.0);
    for name in steps(0.20, 0.60, 0.05) {
        // Trigrams keep a floor: they are there for typos, which the labelled pairs barely
        // contain; a contrast at least divides by five, more would be a veto.
        for trigrams in [0.05, 0.10] {
            for contrast in steps(0.2, 0.6, 0.1) {
                for divergence in steps(0.4, 1.0, 0.1) {
                    for one_sided in steps(0.0, 0.5, 0.1) {
                        for apart in steps(0.3, 1.0, 0.1).into_iter().rev() {
                            let full = ((1.0 - name - trigrams) * 100.0).round() / 100.0;
                            let weights =
                                Weights { name, full, trigrams, contrast, divergence, one_sided, apart };
                            let f1 = evaluate(pairs, &weights).f1;
                            if f1 > best.1 {
                                best = (weights, f1);
                            }
                        }
                    }
                }
            }
        }
    }
    best.0
}

/// What the weights are learned on: the original set and the development pairs by
/// competency. The reserve never enters.
pub fn training_pairs() -> Vec<LabelledPair> {
    let original = include_str!("../../../resources/similarity_pairs.csv");
    let development = include_str!("../../../resources/similarity_pairs_competencias.csv");
    let mut pairs = parse_labelled_pairs(original).expect("the original pairs parse");
    pairs.extend(parse_labelled_pairs(development).expect("the development pairs parse"));
    pairs
}

#[test]
fn the_weights_in_the_code_are_the_learned_ones() {
    let thesaurus = thesaurus_for_measurements();
    if thesaurus.is_empty() {
        // Learned with the thesaurus: without it (and not required) there is nothing to compare.
        return;
    }
    let pairs = measure(&training_pairs(), &thesaurus);
    let learned = learn(&pairs);
    println!("aprendidos: {learned:?}: {:?}", evaluate(&pairs, &learned));
    assert_eq!(learned, WEIGHTS, "copy the learned weights into weights.rs");
}
