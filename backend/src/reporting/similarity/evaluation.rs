//! How well the similarity rule does on the labelled pairs the project keeps
//! (`resources/similarity_pairs.csv`), beside what a user would try first
//! (word overlap, PostgreSQL's pg_trgm). Test-only: nothing in the server
//! reads labelled pairs.

use super::{similarity_with, FieldText, RelatedWords, PROPOSAL_THRESHOLD};
use crate::text::fold;

/// A pair of fields labelled by a person as duplicate or not.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledPair {
    /// The municipal competency the pair belongs to; empty in the original set, which
    /// has no such column.
    pub competency: String,
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

/// Precision, recall and F1 of the rule's proposals at `threshold`, with `related`'s links.
pub fn evaluate(pairs: &[LabelledPair], threshold: f64, related: &RelatedWords) -> Evaluation {
    evaluate_with(pairs, |pair| {
        let a = FieldText { code: "a", name: &pair.a_name, description: &pair.a_description };
        let b = FieldText { code: "b", name: &pair.b_name, description: &pair.b_description };
        similarity_with(&a, &b, related).score >= threshold
    })
}

/// The thesaurus the measurements use: Debian's `mythes-es`, or `SUGIT_THESAURUS`. Absent,
/// the figures are those of the embedded lists alone, and a run that requires every
/// service (CI: `scripts/test` installs the package) fails instead.
pub fn thesaurus_for_measurements() -> RelatedWords {
    let path =
        std::env::var("SUGIT_THESAURUS").unwrap_or_else(|_| super::related::DEBIAN_THESAURUS.to_string());
    match RelatedWords::load(std::path::Path::new(&path)) {
        Ok(related) => related,
        Err(error) if std::env::var("SUGIT_REQUIRE_SERVICES").is_ok_and(|v| v == "1") => {
            panic!("{error} (apt-get install mythes-es)")
        }
        Err(error) => {
            println!("sin tesauro, solo las listas propias: {error}");
            RelatedWords::default()
        }
    }
}

/// Precision, recall and F1 of any decision on the pairs (the rule or a baseline).
pub fn evaluate_with(pairs: &[LabelledPair], proposed: impl Fn(&LabelledPair) -> bool) -> Evaluation {
    tally(pairs.iter().map(|pair| (proposed(pair), pair.duplicate)))
}

/// Precision, recall and F1 of (proposed, labelled duplicate) outcomes.
pub fn tally(outcomes: impl IntoIterator<Item = (bool, bool)>) -> Evaluation {
    let (mut pairs, mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0, 0);
    for outcome in outcomes {
        pairs += 1;
        match outcome {
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
        pairs,
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
/// Optional first column of the sets written by competency.
const COMPETENCY: &str = "competencia";

/// Parses a labelled set (CSV with header a_name,a_description,b_name,b_description,duplicate,
/// optionally preceded by competencia; duplicate is "si"/"no"; quoted fields may contain
/// commas, quotes and line breaks).
pub fn parse_labelled_pairs(text: &str) -> Result<Vec<LabelledPair>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> =
        reader.headers().map_err(|e| e.to_string())?.iter().map(|h| h.trim().to_lowercase()).collect();
    if header.is_empty() {
        return Err("el archivo está vacío".to_string());
    }
    let with_competency = header.first().map(String::as_str) == Some(COMPETENCY);
    if header[usize::from(with_competency)..] != HEADER {
        return Err(format!(
            "encabezado inesperado: se esperaba «{}», con «{COMPETENCY}» delante o sin ella",
            HEADER.join(",")
        ));
    }
    let mut pairs = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let line = record.position().map_or(0, |position| position.line());
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        let mut fields: Vec<&str> = record.iter().map(str::trim).collect();
        let competency = if with_competency && !fields.is_empty() { fields.remove(0) } else { "" };
        let [a_name, a_description, b_name, b_description, label]: [&str; 5] =
            fields.try_into().map_err(|f: Vec<&str>| {
                format!(
                    "línea {line}: se esperaban {} columnas y hay {}",
                    5 + usize::from(with_competency),
                    f.len() + usize::from(with_competency)
                )
            })?;
        let duplicate = match fold(label).as_str() {
            "si" => true,
            "no" => false,
            other => return Err(format!("línea {line}: duplicate debe ser «si» o «no», no «{other}»")),
        };
        pairs.push(LabelledPair {
            competency: competency.to_string(),
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
    use super::super::baselines::Baseline;
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
        let e = evaluate(&pairs, PROPOSAL_THRESHOLD, &thesaurus_for_measurements());
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

    #[test]
    fn the_method_beats_what_a_user_would_try_first() {
        let pairs = parse_labelled_pairs(include_str!("../../../resources/similarity_pairs.csv")).unwrap();
        let ours = evaluate(&pairs, PROPOSAL_THRESHOLD, &thesaurus_for_measurements());
        for baseline in Baseline::ALL {
            let threshold = baseline.best_threshold(&pairs);
            let theirs = baseline.evaluate(&pairs, threshold);
            println!(
                "{} (mejor umbral {threshold:.1}): precisión={:.3} exhaustividad={:.3} F1={:.3}; este método: F1={:.3}",
                baseline.label(),
                theirs.precision,
                theirs.recall,
                theirs.f1,
                ours.f1
            );
            assert!(ours.f1 > theirs.f1, "{}: {theirs:?} vs {ours:?}", baseline.label());
        }
    }
}
