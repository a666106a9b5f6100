//! From what a user types to a tantivy query. Nothing typed is an error but
//! length: unbalanced quotes and operators read as plain words.

use std::{borrow::Cow, sync::OnceLock};

use tantivy::{
    query::{
        BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
    },
    schema::{Field, IndexRecordOption},
    Searcher, Term,
};

use crate::{
    analysis::{analyze, fold, is_synonym_expression, joined_term, SYNONYMS},
    document::Fields,
    SearchError,
};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 512;
/// Words this long or longer tolerate a typo.
const TYPO_MIN_CHARS: usize = 5;
/// Weight of a synonym against the word typed.
const SYNONYM_BOOST: f32 = 0.6;
/// Weight of a typo match against an exact one.
const TYPO_BOOST: f32 = 0.5;

/// A term sequence with positions: one term, or a phrase.
type Expression = Vec<(usize, String)>;

/// One thing the query asks for; a document matches the query when it matches
/// every unit (or, when none does, any of them).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Unit {
    /// A word as typed; `typo_ok` when it is long enough to forgive a typo.
    Word { term: String, typo_ok: bool },
    /// Words in double quotes: all of them, in order.
    Phrase(Expression),
    /// An expression of the administration's vocabulary and its synonyms; the
    /// first alternative is what the user typed.
    Synonyms(Vec<Expression>),
}

/// The parsed query.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Plan {
    pub units: Vec<Unit>,
}

impl Plan {
    pub fn parse(text: &str) -> Result<Plan, SearchError> {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::QueryTooLong { max: MAX_QUERY_CHARS });
        }
        let mut units = Vec::new();
        for (quoted, segment) in segments(text) {
            if quoted {
                let phrase = expression(segment);
                match phrase.len() {
                    0 => {}
                    1 => units.push(Unit::Word { term: phrase[0].1.clone(), typo_ok: false }),
                    _ => units.push(Unit::Phrase(phrase)),
                }
            } else {
                units.extend(words(segment));
            }
        }
        Ok(Plan { units })
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The tantivy query: every unit required (`all`), or any of them, each
    /// word in the title, summary and body weighted by field.
    pub fn to_query(&self, searcher: &Searcher, fields: &Fields, all: bool) -> Box<dyn Query> {
        self.query(searcher, fields, all, Target::PerField, None)
    }

    /// The same matches as `to_query`, with each word in the combined field
    /// (one posting list per word instead of three): to count the matches and
    /// find the candidates that `to_query` then ranks. Its scores are not the
    /// ranking's.
    pub fn to_match_query(&self, searcher: &Searcher, fields: &Fields, all: bool) -> Box<dyn Query> {
        self.query(searcher, fields, all, Target::Combined, None)
    }

    /// `to_match_query` for the documents that `filter` matches, given that
    /// it matches few: each alternative of a synonym unit is intersected
    /// with the filter inside the unit. The scores are `to_match_query`'s
    /// (the filter inside scores nothing); the filter must still be required
    /// around the query. A union of common words intersected with a filter
    /// makes tantivy read every posting of the words in windows of a few
    /// thousand documents; each alternative led by the filter only reads
    /// its postings at the filter's documents.
    pub fn to_match_query_within(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        all: bool,
        filter: &dyn Query,
    ) -> Box<dyn Query> {
        self.query(searcher, fields, all, Target::Combined, Some(filter))
    }

    fn query(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        all: bool,
        target: Target,
        within: Option<&dyn Query>,
    ) -> Box<dyn Query> {
        let unit_query = |unit: &Unit| match (unit, within) {
            (Unit::Synonyms(alternatives), Some(filter)) => {
                synonyms_within(alternatives, fields, target, filter)
            }
            _ => unit_query(unit, searcher, fields, target),
        };
        if let [unit] = &self.units[..] {
            // The same matches and scores; a union of terms left bare is one
            // tantivy reads with block-max WAND.
            return unit_query(unit);
        }
        let occur = if all { Occur::Must } else { Occur::Should };
        let clauses = self.units.iter().map(|unit| (occur, unit_query(unit))).collect();
        Box::new(BooleanQuery::new(clauses))
    }
}

/// A synonym unit's query (see `unit_query`) with each alternative
/// intersected with `filter` (see `Plan::to_match_query_within`).
fn synonyms_within(
    alternatives: &[Expression],
    fields: &Fields,
    target: Target,
    filter: &dyn Query,
) -> Box<dyn Query> {
    let silent = || -> Box<dyn Query> { Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0)) };
    let clauses = alternatives
        .iter()
        .enumerate()
        .map(|(i, expr)| {
            let within: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                (Occur::Must, expression_query(expr, fields, target)),
                (Occur::Must, silent()),
            ]));
            (Occur::Should, if i == 0 { within } else { boosted(within, SYNONYM_BOOST) })
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// Splits on double quotes: odd segments are phrases when their quote closes.
fn segments(text: &str) -> Vec<(bool, &str)> {
    let parts: Vec<&str> = text.split('"').collect();
    let balanced = parts.len() % 2 == 1;
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| (i % 2 == 1 && (balanced || i + 1 < parts.len()), *part))
        .collect()
}

/// The words of `text` (split on anything but letters and digits), each with
/// its place, so phrases keep the gaps of their stop words.
fn surface_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect()
}

fn expression(text: &str) -> Expression {
    surface_words(text)
        .into_iter()
        .enumerate()
        .filter_map(|(position, word)| analyze(word).into_iter().next().map(|term| (position, term)))
        .collect()
}

/// Analysed synonym groups, longest expression first, built once.
fn synonym_groups() -> &'static Vec<Vec<Vec<String>>> {
    static GROUPS: OnceLock<Vec<Vec<Vec<String>>>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        SYNONYMS
            .iter()
            .map(|group| group.iter().map(|expr| analyze(expr)).filter(|terms| !terms.is_empty()).collect())
            .collect()
    })
}

/// Plain words, with expressions of the synonym table recognised.
fn words(text: &str) -> Vec<Unit> {
    let surface: Vec<&str> =
        surface_words(text).into_iter().filter(|w| !matches!(*w, "AND" | "OR" | "NOT")).collect();
    let analysed: Vec<(usize, String, usize)> = surface
        .iter()
        .enumerate()
        .filter_map(|(position, word)| {
            analyze(word).into_iter().next().map(|term| (position, term, fold(word).chars().count()))
        })
        .collect();
    let mut units = Vec::new();
    let mut i = 0;
    while i < analysed.len() {
        if let Some((length, group)) = synonym_at(&analysed[i..]) {
            let typed: Expression = analysed[i..i + length]
                .iter()
                .map(|(position, term, _)| (position - analysed[i].0, term.clone()))
                .collect();
            let mut alternatives = vec![typed.clone()];
            for expr in group {
                let alternative: Expression = expr.iter().cloned().enumerate().collect();
                if alternative.iter().map(|(_, t)| t).ne(typed.iter().map(|(_, t)| t)) {
                    alternatives.push(alternative);
                }
            }
            units.push(Unit::Synonyms(alternatives));
            i += length;
        } else {
            let (_, term, chars) = &analysed[i];
            units.push(Unit::Word { term: term.clone(), typo_ok: *chars >= TYPO_MIN_CHARS });
            i += 1;
        }
    }
    units
}

/// The longest synonym expression starting at the head of `terms`.
fn synonym_at(terms: &[(usize, String, usize)]) -> Option<(usize, &'static Vec<Vec<String>>)> {
    let mut best: Option<(usize, &'static Vec<Vec<String>>)> = None;
    for group in synonym_groups() {
        for expr in group {
            let fits = expr.len() <= terms.len()
                && expr.iter().zip(terms).all(|(want, (_, term, _))| want == term)
                && best.is_none_or(|(length, _)| expr.len() > length);
            if fits {
                best = Some((expr.len(), group));
            }
        }
    }
    best
}

impl Plan {
    /// The queries whose scores add up to `to_query`'s score of a document it
    /// matches, each with its weights multiplied in: a boolean query sums the
    /// scores of its matching clauses, and a boost scales its clause's. The
    /// candidates are ranked with these, each sought on its own: a term's
    /// postings skip to a document far more cheaply than a union of them.
    /// Each leaf comes with its unit's number and its field: a document
    /// matches a unit when it matches any of the unit's leaves.
    pub fn scoring_leaves(
        &self,
        searcher: &Searcher,
        fields: &Fields,
    ) -> Vec<(usize, Field, Box<dyn Query>)> {
        let mut all = Vec::new();
        for (group, unit) in self.units.iter().enumerate() {
            let mut unit_leaves = Vec::new();
            let leaves = &mut unit_leaves;
            match unit {
                Unit::Word { term, typo_ok } => {
                    expression_leaves(&[(0, term.clone())], fields, 1.0, leaves);
                    if *typo_ok && document_frequency(searcher, fields, term) == 0 {
                        for (field, weight) in weighted_fields(fields) {
                            let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, term), 1, true);
                            leaves.push((field, boosted(Box::new(fuzzy), weight * TYPO_BOOST)));
                        }
                    }
                }
                Unit::Phrase(phrase) => expression_leaves(phrase, fields, 1.0, leaves),
                Unit::Synonyms(alternatives) => {
                    for (i, expr) in alternatives.iter().enumerate() {
                        let boost = if i == 0 { 1.0 } else { SYNONYM_BOOST };
                        expression_leaves(expr, fields, boost, leaves);
                    }
                }
            }
            all.extend(unit_leaves.into_iter().map(|(field, leaf)| (group, field, leaf)));
        }
        all
    }
}

/// The leaves of `expression_query` (per field), each weighted by `boost` too.
fn expression_leaves(
    expr: &[(usize, String)],
    fields: &Fields,
    boost: f32,
    leaves: &mut Vec<(Field, Box<dyn Query>)>,
) {
    let expr = indexed_expression(expr);
    for (field, weight) in weighted_fields(fields) {
        leaves.push((field, boosted(field_query(&expr, field), weight * boost)));
    }
}

/// One term (frequencies only) or one phrase in one field.
fn field_query(expr: &[(usize, String)], field: Field) -> Box<dyn Query> {
    if expr.len() == 1 {
        // Scoring reads frequencies only; positions are for phrases.
        Box::new(TermQuery::new(Term::from_field_text(field, &expr[0].1), IndexRecordOption::WithFreqs))
    } else {
        let terms = expr.iter().map(|(p, t)| (*p, Term::from_field_text(field, t))).collect();
        Box::new(PhraseQuery::new_with_offset(terms))
    }
}

/// Where the words of a query are looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// In each text field, weighted: the ranking.
    PerField,
    /// In the combined field (phrases still per field, on their positions):
    /// the same matches, fewer posting lists.
    Combined,
}

/// Field weights: a word in the title says more than one in the body.
fn weighted_fields(fields: &Fields) -> [(Field, f32); 3] {
    [(fields.title, 3.0), (fields.summary, 1.5), (fields.body, 1.0)]
}

fn unit_query(unit: &Unit, searcher: &Searcher, fields: &Fields, target: Target) -> Box<dyn Query> {
    match unit {
        Unit::Word { term, typo_ok } => {
            let exact = expression_query(&[(0, term.clone())], fields, target);
            if *typo_ok && document_frequency(searcher, fields, term) == 0 {
                // An unknown word is most likely misspelt: accept one edit.
                let mut clauses = vec![(Occur::Should, exact)];
                let fuzzy =
                    |field| Box::new(FuzzyTermQuery::new(Term::from_field_text(field, term), 1, true));
                match target {
                    Target::PerField => {
                        for (field, weight) in weighted_fields(fields) {
                            clauses.push((Occur::Should, boosted(fuzzy(field), weight * TYPO_BOOST)));
                        }
                    }
                    Target::Combined => {
                        clauses.push((Occur::Should, boosted(fuzzy(fields.all_text), TYPO_BOOST)));
                    }
                }
                Box::new(BooleanQuery::new(clauses))
            } else {
                exact
            }
        }
        Unit::Phrase(phrase) => expression_query(phrase, fields, target),
        Unit::Synonyms(alternatives) => {
            let clauses = alternatives
                .iter()
                .enumerate()
                .map(|(i, expr)| {
                    let query = expression_query(expr, fields, target);
                    (Occur::Should, if i == 0 { query } else { boosted(query, SYNONYM_BOOST) })
                })
                .collect();
            Box::new(BooleanQuery::new(clauses))
        }
    }
}

/// A multi-word expression of the synonym table as the index holds it: its
/// joined term (see `analysis::SynonymJoiner`), one posting list instead of a
/// phrase to verify. The index joins the words with stop words between them
/// or not, so a phrase typed with other stop words (or none) is the same
/// expression. Anything else is left as it is.
fn indexed_expression(expr: &[(usize, String)]) -> Cow<'_, [(usize, String)]> {
    if expr.len() < 2 {
        return Cow::Borrowed(expr);
    }
    let words: Vec<String> = expr.iter().map(|(_, term)| term.clone()).collect();
    if is_synonym_expression(&words) {
        Cow::Owned(vec![(0, joined_term(&words))])
    } else {
        Cow::Borrowed(expr)
    }
}

/// One term or one phrase, in any of the text fields, weighted by field; or,
/// for the combined target, one term in the combined field (a phrase stays
/// per field: the combined field has no positions, and a phrase must not run
/// from one field into the next).
fn expression_query(expr: &[(usize, String)], fields: &Fields, target: Target) -> Box<dyn Query> {
    let expr = indexed_expression(expr);
    if target == Target::Combined && expr.len() == 1 {
        return Box::new(TermQuery::new(
            Term::from_field_text(fields.all_text, &expr[0].1),
            IndexRecordOption::WithFreqs,
        ));
    }
    let clauses = weighted_fields(fields)
        .into_iter()
        .map(|(field, weight)| (Occur::Should, boosted(field_query(&expr, field), weight)))
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

fn boosted(query: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    if (weight - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, weight))
    }
}

impl Plan {
    /// About how many documents match, from the terms' document frequencies
    /// alone (no posting list is read): enough to choose how to count facets.
    pub fn estimated_matches(&self, searcher: &Searcher, fields: &Fields, all: bool) -> u64 {
        let total = searcher.num_docs();
        // The field where the expression is most frequent: a union is at least that.
        let expression = |expr: &[(usize, String)]| -> u64 {
            let expr = indexed_expression(expr);
            if expr.len() == 1 {
                // The combined field: exactly the documents with the term.
                return searcher.doc_freq(&Term::from_field_text(fields.all_text, &expr[0].1)).unwrap_or(0);
            }
            weighted_fields(fields)
                .into_iter()
                .map(|(field, _)| {
                    expr.iter()
                        .map(|(_, term)| searcher.doc_freq(&Term::from_field_text(field, term)).unwrap_or(0))
                        .min()
                        .unwrap_or(0)
                })
                .max()
                .unwrap_or(0)
        };
        let units = self.units.iter().map(|unit| match unit {
            // A misspelt word's matches are unknown until its variants are read.
            Unit::Word { term, typo_ok } if *typo_ok && document_frequency(searcher, fields, term) == 0 => {
                total
            }
            Unit::Word { term, .. } => expression(&[(0, term.clone())]),
            Unit::Phrase(phrase) => expression(phrase),
            Unit::Synonyms(alternatives) => alternatives.iter().map(|expr| expression(expr)).sum(),
        });
        let estimate = if all { units.min().unwrap_or(0) } else { units.sum() };
        estimate.min(total)
    }
}

fn document_frequency(searcher: &Searcher, fields: &Fields, term: &str) -> u64 {
    searcher.doc_freq(&Term::from_field_text(fields.all_text, term)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: &str) -> Vec<Unit> {
        Plan::parse(text).expect("parses").units
    }

    #[test]
    fn quotes_make_phrases_and_unbalanced_quotes_are_words() {
        assert!(
            matches!(&plan("\"plan de desarrollo\"")[..], [Unit::Phrase(p)] if p.len() == 2 && p[1].0 == 2)
        );
        let open = plan("\"plan de desarrollo");
        assert!(open.iter().all(|u| matches!(u, Unit::Word { .. })), "{open:?}");
        assert_eq!(open.len(), 2);
    }

    #[test]
    fn operators_and_punctuation_are_plain_words() {
        let units = plan("(catastro AND -regalías) OR :*");
        assert_eq!(units.len(), 2, "{units:?}");
        assert!(plan("  ").is_empty());
        assert!(plan("\"\"").is_empty());
    }

    #[test]
    fn long_words_tolerate_typos_short_ones_do_not() {
        assert_eq!(plan("catastro")[0], Unit::Word { term: analyze("catastro")[0].clone(), typo_ok: true });
        assert!(matches!(plan("pot")[0], Unit::Synonyms(_)));
        assert!(matches!(plan("mapa")[0], Unit::Word { typo_ok: false, .. }));
    }

    #[test]
    fn administration_synonyms_expand_whole_expressions() {
        let units = plan("alcaldía de Abejorral");
        assert_eq!(units.len(), 2);
        let Unit::Synonyms(alternatives) = &units[0] else { panic!("{units:?}") };
        assert_eq!(alternatives[0], vec![(0, analyze("alcaldía")[0].clone())]);
        assert!(alternatives.iter().any(|a| a[0].1 == analyze("municipio")[0]));
        let Unit::Synonyms(att) = &plan("asistencia técnica")[0] else { panic!() };
        assert_eq!(att[0].len(), 2, "the typed expression comes first");
        assert!(att.iter().any(|a| a.len() == 1 && a[0].1 == "att"));
    }

    #[test]
    fn synonym_expressions_are_asked_for_by_their_joined_term_other_phrases_stay_phrases() {
        let Unit::Synonyms(alternatives) = &plan("municipio")[0] else { panic!() };
        let resolved: Vec<_> = alternatives.iter().map(|a| indexed_expression(a).into_owned()).collect();
        assert!(resolved.iter().all(|a| a.len() == 1), "{resolved:?}");
        assert!(resolved.contains(&vec![(0, "administr_municipal".to_owned())]), "{resolved:?}");
        let Unit::Phrase(quoted) = &plan("\"Sistema General de Regalías\"")[0] else { panic!() };
        assert_eq!(indexed_expression(quoted).len(), 1);
        let Unit::Phrase(phrase) = &plan("\"plan de desarrollo\"")[0] else { panic!() };
        assert_eq!(indexed_expression(phrase).as_ref(), phrase.as_slice());
    }

    #[test]
    fn over_long_queries_are_refused() {
        assert!(Plan::parse(&"a".repeat(MAX_QUERY_CHARS)).is_ok());
        assert!(matches!(
            Plan::parse(&"á".repeat(MAX_QUERY_CHARS + 1)),
            Err(SearchError::QueryTooLong { .. })
        ));
    }
}
