//! How well the similarity rule does on the labelled pairs the project keeps
//! (`resources/similarity_pairs.csv`), beside what a user would try first
//! (word overlap, PostgreSQL's pg_trgm). Test-only: nothing in the server
//! reads labelled pairs.

use std::collections::HashSet;

use super::{similarity, FieldText, PROPOSAL_THRESHOLD};
use crate::text::fold;

/// A pair of fields labelled by a person as duplicate or not.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledPair {
    pub a_name: String,
    pub a_description: String,
    pub b_name: String,
    pub b_description: String,
    pub duplicate: bool,
}

/// Precision, recall and F1 of `similarity` at `threshold` on labelled pairs.
/// Ratios with an empty denominator are 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub pairs: usize,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub true_negatives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

pub fn evaluate(pairs: &[LabelledPair], threshold: f64) -> Evaluation {
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    for pair in pairs {
        let a = FieldText { code: "a", name: &pair.a_name, description: &pair.a_description };
        let b = FieldText { code: "b", name: &pair.b_name, description: &pair.b_description };
        let proposed = similarity(&a, &b).score >= threshold;
        match (proposed, pair.duplicate) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => tn += 1,
        }
    }
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    Evaluation {
        pairs: pairs.len(),
        true_positives: tp,
        false_positives: fp,
        false_negatives: fn_,
        true_negatives: tn,
        precision,
        recall,
        f1,
    }
}

const HEADER: [&str; 5] = ["a_name", "a_description", "b_name", "b_description", "duplicate"];

/// Parses the labelled set (CSV with header a_name,a_description,b_name,b_description,duplicate
/// where duplicate is "si"/"no"; quoted fields may contain commas, quotes and line breaks).
pub fn parse_labelled_pairs(text: &str) -> Result<Vec<LabelledPair>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> =
        reader.headers().map_err(|e| e.to_string())?.iter().map(|h| h.trim().to_lowercase()).collect();
    if header.is_empty() {
        return Err("el archivo está vacío".to_string());
    }
    if header != HEADER {
        return Err(format!("encabezado inesperado: se esperaba «{}»", HEADER.join(",")));
    }
    let mut pairs = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let line = record.position().map_or(0, |position| position.line());
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        let fields: Vec<&str> = record.iter().map(str::trim).collect();
        let [a_name, a_description, b_name, b_description, label]: [&str; 5] = fields
            .try_into()
            .map_err(|f: Vec<&str>| format!("línea {line}: se esperaban 5 columnas y hay {}", f.len()))?;
        let duplicate = match fold(label).as_str() {
            "si" => true,
            "no" => false,
            other => return Err(format!("línea {line}: duplicate debe ser «si» o «no», no «{other}»")),
        };
        pairs.push(LabelledPair {
            a_name: a_name.to_string(),
            a_description: a_description.to_string(),
            b_name: b_name.to_string(),
            b_description: b_description.to_string(),
            duplicate,
        });
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_parsing_handles_quotes_and_rejects_bad_rows() {
        let csv = "a_name,a_description,b_name,b_description,duplicate\r\n\
                   \"Ingresos, totales\",\"Dice \"\"hola\"\"\",B,desc,sí\r\n\
                   \n\
                   A,,B,,no\n";
        let pairs = parse_labelled_pairs(csv).unwrap();
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].a_name, "Ingresos, totales");
        assert_eq!(pairs[0].a_description, "Dice \"hola\"");
        assert!(pairs[0].duplicate);
        assert!(!pairs[1].duplicate);
        assert!(parse_labelled_pairs("x,y\n").is_err());
        assert!(parse_labelled_pairs("a_name,a_description,b_name,b_description,duplicate\nA,B,C\n").is_err());
        assert!(parse_labelled_pairs("a_name,a_description,b_name,b_description,duplicate\nA,,B,,quizá\n")
            .is_err());
        assert!(parse_labelled_pairs("a_name,a_description,b_name,b_description,duplicate\n\"A,,B,,si\n")
            .is_err());
    }

    #[test]
    fn labelled_set_reaches_target_precision_and_recall() {
        let pairs = parse_labelled_pairs(include_str!("../../../resources/similarity_pairs.csv")).unwrap();
        assert!(pairs.len() >= 80);
        let e = evaluate(&pairs, PROPOSAL_THRESHOLD);
        let duplicates = pairs.iter().filter(|p| p.duplicate).count();
        println!(
            "pares={} duplicados={} VP={} FP={} FN={} VN={} precisión={:.3} exhaustividad={:.3} F1={:.3}",
            e.pairs,
            duplicates,
            e.true_positives,
            e.false_positives,
            e.false_negatives,
            e.true_negatives,
            e.precision,
            e.recall,
            e.f1
        );
        assert!(e.precision >= 0.85, "{e:?}");
        assert!(e.recall >= 0.80, "{e:?}");
    }

    fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
        let union = a.union(b).count();
        if union == 0 {
            0.0
        } else {
            a.intersection(b).count() as f64 / union as f64
        }
    }

    /// What a user would try first: the share of (folded) words two names have in common.
    fn word_overlap(a: &str, b: &str) -> f64 {
        let words =
            |text: &str| -> HashSet<String> { fold(text).split_whitespace().map(str::to_owned).collect() };
        jaccard(&words(a), &words(b))
    }

    /// PostgreSQL's pg_trgm `similarity()` on folded names: shared character trigrams.
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

    /// Precision, recall and F1 of a score over names at its best threshold.
    fn best_f1(pairs: &[LabelledPair], score: fn(&str, &str) -> f64) -> (f64, f64, f64, f64) {
        (1..=9)
            .map(|tenth| {
                let threshold = f64::from(tenth) / 10.0;
                let (mut tp, mut fp, mut fneg) = (0.0, 0.0, 0.0);
                for pair in pairs {
                    match (score(&pair.a_name, &pair.b_name) >= threshold, pair.duplicate) {
                        (true, true) => tp += 1.0,
                        (true, false) => fp += 1.0,
                        (false, true) => fneg += 1.0,
                        (false, false) => {}
                    }
                }
                let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
                let recall = if tp + fneg > 0.0 { tp / (tp + fneg) } else { 0.0 };
                let f1 = if precision + recall > 0.0 {
                    2.0 * precision * recall / (precision + recall)
                } else {
                    0.0
                };
                (threshold, precision, recall, f1)
            })
            .fold((0.0, 0.0, 0.0, 0.0), |best, candidate| if candidate.3 > best.3 { candidate } else { best })
    }

    #[test]
    fn the_method_beats_what_a_user_would_try_first() {
        let pairs = parse_labelled_pairs(include_str!("../../../resources/similarity_pairs.csv")).unwrap();
        let ours = evaluate(&pairs, PROPOSAL_THRESHOLD);
        for (name, score) in
            [("solapamiento de palabras", word_overlap as fn(&str, &str) -> f64), ("pg_trgm", pg_trgm)]
        {
            let (threshold, precision, recall, f1) = best_f1(&pairs, score);
            println!(
                "{name} (mejor umbral {threshold:.1}): precisión={precision:.3} exhaustividad={recall:.3} F1={f1:.3}; este método: F1={:.3}",
                ours.f1
            );
            assert!(ours.f1 > f1, "{name}: {f1} vs {ours:?}");
        }
    }
}
