//! The rule on competencies its vocabulary was not written for (test-only): labelled
//! pairs of thirteen municipal competencies (`resources/similarity_pairs_competencias.csv`,
//! the development set) and a third kept aside until the final measurement
//! (`…_reserva.csv`). Reports precision, recall and F1 per competency beside the
//! baselines, on both sets and leaving one competency out (the baselines' thresholds are
//! chosen on the other competencies, so the figure predicts the next competency).
//!
//! `cargo nextest run -p sugit -E 'test(/competencies/)' --no-capture` prints the tables
//! of BENCHMARKS.md.

use std::collections::BTreeSet;

use std::collections::HashMap;

use super::baselines::Baseline;
use super::evaluation::{
    evaluate, parse_labelled_pairs, tally, thesaurus_for_measurements, Evaluation, LabelledPair,
};
use super::learning::{learn, measure, training_pairs, Measured};
use super::{similarity_with, FieldText, RelatedWords, PROPOSAL_THRESHOLD};

fn development() -> Vec<LabelledPair> {
    parse_labelled_pairs(include_str!("../../../resources/similarity_pairs_competencias.csv"))
        .expect("the development pairs parse")
}

fn held_out() -> Vec<LabelledPair> {
    parse_labelled_pairs(include_str!("../../../resources/similarity_pairs_competencias_reserva.csv"))
        .expect("the held-out pairs parse")
}

fn competencies(pairs: &[LabelledPair]) -> BTreeSet<&str> {
    pairs.iter().map(|p| p.competency.as_str()).collect()
}

fn of(pairs: &[LabelledPair], competency: &str) -> Vec<LabelledPair> {
    pairs.iter().filter(|p| p.competency == competency).cloned().collect()
}

fn except(pairs: &[LabelledPair], competency: &str) -> Vec<LabelledPair> {
    pairs.iter().filter(|p| p.competency != competency).cloned().collect()
}

fn cell(e: &Evaluation) -> String {
    format!("{:.2} / {:.2} / **{:.2}**", e.precision, e.recall, e.f1)
}

fn short(e: &Evaluation) -> String {
    format!("{:.2}", e.f1)
}

/// One row per competency and a last row over all pairs: the rule as `ours` evaluates it
/// on the row's pairs, then each baseline at the threshold `baseline_threshold` gives it.
fn table(
    title: &str,
    pairs: &[LabelledPair],
    ours: impl Fn(&[LabelledPair], &str) -> Evaluation,
    baseline_threshold: impl Fn(Baseline, &str) -> f64,
) -> Vec<(String, Evaluation)> {
    println!("\n{title}\n");
    println!("| competencia | pares (dup.) | esta regla P / R / **F1** | solapamiento F1 | pg_trgm F1 |");
    println!("|---|---|---|---|---|");
    let mut rows = Vec::new();
    let names: Vec<&str> = competencies(pairs).into_iter().collect();
    for competency in names.iter().copied().chain(["(todas)"]) {
        let subset = if competency == "(todas)" { pairs.to_vec() } else { of(pairs, competency) };
        let ours = ours(&subset, competency);
        let baselines: Vec<String> = Baseline::ALL
            .iter()
            .map(|b| short(&b.evaluate(&subset, baseline_threshold(*b, competency))))
            .collect();
        let duplicates = subset.iter().filter(|p| p.duplicate).count();
        println!(
            "| {competency} | {} ({duplicates}) | {} | {} | {} |",
            subset.len(),
            cell(&ours),
            baselines[0],
            baselines[1]
        );
        rows.push((competency.to_string(), ours));
    }
    rows
}

/// Leave one competency out: the rule's weights learned on the original set and the
/// development pairs of the other twelve, each tested on all the pairs (development +
/// reserve) of the competency left out. Outcomes by competency.
fn leaving_one_out<'p>(
    all: &'p [LabelledPair],
    related: &RelatedWords,
) -> HashMap<&'p str, Vec<(bool, bool)>> {
    let training = measure(&training_pairs(), related);
    let measured_all = measure(all, related);
    let mut outcomes = HashMap::new();
    for competency in competencies(all) {
        let kept: Vec<Measured> = training.iter().filter(|p| p.competency != competency).cloned().collect();
        let weights = learn(&kept);
        let tested = measured_all.iter().filter(|p| p.competency == competency);
        outcomes.insert(
            competency,
            tested.map(|p| (weights.score(&p.evidence) >= PROPOSAL_THRESHOLD, p.duplicate)).collect(),
        );
    }
    outcomes
}

/// The three tables (development, reserve, leaving one out) of the rule with `related`,
/// and the F1 over all pairs of each.
fn report(
    label: &str,
    development: &[LabelledPair],
    held_out: &[LabelledPair],
    related: &RelatedWords,
) -> [Evaluation; 3] {
    // Baselines tuned once on the whole development set; the rule as it is in the code.
    let tuned = |b: Baseline, _: &str| b.best_threshold(development);
    let as_is = |pairs: &[LabelledPair], _: &str| evaluate(pairs, PROPOSAL_THRESHOLD, related);
    let on_development = table(&format!("Desarrollo, {label}"), development, as_is, tuned);
    let on_held_out = table(&format!("Reserva (un tercio apartado), {label}"), held_out, as_is, tuned);
    let all: Vec<LabelledPair> = development.iter().chain(held_out).cloned().collect();
    let outcomes = leaving_one_out(&all, related);
    let unseen_rule = |_: &[LabelledPair], competency: &str| -> Evaluation {
        let pooled = outcomes.iter().filter(|(c, _)| competency == "(todas)" || **c == competency);
        tally(pooled.flat_map(|(_, o)| o.iter().copied()))
    };
    // The baselines' thresholds chosen on the other twelve competencies.
    let on_unseen = table(
        &format!("Dejando fuera una competencia (desarrollo + reserva), {label}"),
        &all,
        unseen_rule,
        |b, competency| b.best_threshold(&except(&all, competency)),
    );
    let overall = |rows: &[(String, Evaluation)]| rows.last().map(|(_, e)| e.clone()).expect("a total row");
    let totals = [overall(&on_development), overall(&on_held_out), overall(&on_unseen)];
    println!(
        "\nF1 {label}: desarrollo {:.3}, reserva {:.3}, dejando una fuera {:.3}",
        totals[0].f1, totals[1].f1, totals[2].f1
    );
    totals
}

#[test]
fn competencies_report_and_floor() {
    let (development, held_out) = (development(), held_out());
    assert!(development.len() + held_out.len() >= 150);
    assert!(competencies(&development).len() >= 12);
    assert_eq!(competencies(&development), competencies(&held_out));

    let thesaurus = thesaurus_for_measurements();
    let [dev_lists, held_lists, unseen_lists] =
        report("solo listas propias", &development, &held_out, &RelatedWords::default());
    let [dev, held, unseen] = report("con el tesauro", &development, &held_out, &thesaurus);

    // The development set's mistakes, to read what the rule misses (never the reserve's).
    println!("\nErrores en desarrollo, con el tesauro\n");
    for pair in &development {
        let a = FieldText { code: "a", name: &pair.a_name, description: &pair.a_description };
        let b = FieldText { code: "b", name: &pair.b_name, description: &pair.b_description };
        let s = similarity_with(&a, &b, &thesaurus);
        if (s.score >= PROPOSAL_THRESHOLD) != pair.duplicate {
            let kind = if pair.duplicate { "FN" } else { "FP" };
            println!("{kind} [{}] «{}» / «{}»: {}", pair.competency, pair.a_name, pair.b_name, s.explanation);
        }
    }

    // Floors the rule meets; the rule before the acronym fix and the learned weights did
    // F1 0.62 (precision 0.65) on development, 0.75 on the reserve, 0.67 leaving one out.
    assert!(dev_lists.f1 >= 0.74 && dev_lists.precision >= 0.72, "{dev_lists:?}");
    assert!(held_lists.f1 >= 0.85 && held_lists.precision >= 0.90, "{held_lists:?}");
    assert!(unseen_lists.f1 >= 0.77, "{unseen_lists:?}");
    if !thesaurus.is_empty() {
        assert!(dev.f1 >= dev_lists.f1 && held.f1 >= held_lists.f1 && unseen.f1 >= unseen_lists.f1);
        // What the thesaurus measured on 2026-12-08: 0.807, 0.885 (P 0.93), 0.828.
        assert!(dev.f1 >= 0.80 && dev.precision >= 0.78, "{dev:?}");
        assert!(held.f1 >= 0.88 && held.precision >= 0.90, "{held:?}");
        assert!(unseen.f1 >= 0.82, "{unseen:?}");
    }
}
