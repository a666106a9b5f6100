//! Near-duplicate detection between data elements of information requirements.
//!
//! When a national entity registers a requirement, each new field is compared with the
//! existing data elements so the platform can propose reusing one instead of asking
//! municipalities for the same datum twice with different wording. The method is kept
//! explainable on purpose (a reviewer must understand why a pair was proposed):
//!
//! 1. Text is folded (lower case, accents removed), split into words, stop words dropped.
//! 2. Words are reduced to a light form (plural and gender removed) and looked up, longest
//!    phrase first, in a table of public-administration synonyms ("alumnos" = "matrícula" =
//!    "estudiantes", "SGP" = "Sistema General de Participaciones", …).
//! 3. Words without a synonym are stemmed further (derivational suffixes such as "-ción").
//! 4. Acronyms the thesaurus does not know are read from initials: "IANC" in one field and
//!    "Índice de agua no contabilizada" in the other count as the same term, whatever
//!    other words stand beside either ("PISCC adoptado" / "Plan integral de seguridad y
//!    convivencia ciudadana").
//! 5. Words only one field has are read through a general Spanish thesaurus when the
//!    server has one (Debian's `mythes-es`, `related.rs`): where both words list each other
//!    as synonyms («endeudamiento» / «pasivo»), they count as the same term, and the
//!    explanation says which words it read so.
//! 6. Two fields are scored with a weighted Dice coefficient over the terms of their names
//!    and over name + description, plus character trigrams of the names (spelling variants).
//!    Generic words ("número", "total", "valor", "municipio") weigh less.
//! 7. The score is then lowered when the fields share words but differ in a mutually
//!    exclusive qualifier (urbano/rural, régimen subsidiado/contributivo, acueducto/
//!    alcantarillado, X/"no X", actualizado/desactualizado, número/valor/porcentaje, stock/
//!    change…) or when each name keeps content words the other field never mentions:
//!    those are the typical false friends of municipal reporting.
//!
//! How much each view and each penalty counts is learned from the labelled pairs
//! (`weights.rs`, `learning.rs`), not set by hand. Measured on `resources/similarity_pairs.csv`
//! (`evaluation.rs`) and, by competency, on `resources/similarity_pairs_competencias*.csv`
//! (`competencies.rs`, with the figure leaving one competency out). Topics the synonym lists
//! do not cover are matched by shared stems, initials and the thesaurus: paraphrases no
//! dictionary links («Cámaras de videovigilancia» / «Cámaras de seguridad operativas») are
//! what it still misses.

#[cfg(test)]
mod baselines;
#[cfg(test)]
mod competencies;
#[cfg(test)]
mod evaluation;
#[cfg(test)]
mod learning;
mod related;
mod vocabulary;
mod weights;

pub use related::{latin1, RelatedWords, ThesaurusError, DEBIAN_THESAURUS};

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use crate::text::fold;
use vocabulary::{
    BROAD_WORDS, CHANGE_WORDS, CONTRASTS, GENERIC_WORDS, NUMBER_WORDS, STOP_WORDS, SUFFIXES, SYNONYMS,
};
use weights::{Evidence, WEIGHTS};

/// A candidate to compare against: an existing data element.
#[derive(Debug, Clone, Copy)]
pub struct FieldText<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub description: &'a str,
}

/// Why two fields look alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Similarity {
    /// 0.0..=1.0
    pub score: f64,
    /// Normalised terms both share (after folding, stemming, synonym mapping), sorted.
    pub shared_terms: Vec<String>,
    /// Spanish, one sentence, e.g. "Comparten los términos «poblacion», «total»; similitud 0,82".
    pub explanation: String,
}

/// Threshold above which a pair is proposed as a near-duplicate (inclusive). Set for recall:
/// an extra candidate costs a reviewer a glance, a missed duplicate costs municipalities a
/// second report.
pub const PROPOSAL_THRESHOLD: f64 = 0.45;

/// Divergence from which the explanation names the words of each side.
const DIVERGENCE_EXPLAINED: f64 = 0.3;
/// Weight of words that appear in almost every field and say little about its meaning.
const GENERIC_WEIGHT: f64 = 0.25;
/// Weight of words that are frequent in one family of indicators ("cobertura", "ingreso").
const BROAD_WEIGHT: f64 = 0.5;
/// Shared terms listed in the explanation; the rest are summarised as "y N más".
const EXPLAINED_TERMS: usize = 8;

// ---------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------

/// Folded words; "%" becomes "porcentaje" and the abbreviations "No." / "N°" become "numero"
/// (otherwise "No. de alumnos" would read as a negation).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in fold(text).chars() {
        if c.is_alphanumeric() && c != 'º' {
            current.push(c);
            continue;
        }
        if !current.is_empty() {
            let abbreviation = (current == "no" && c == '.') || (current == "n" && matches!(c, '°' | 'º'));
            let word = std::mem::take(&mut current);
            out.push(if abbreviation { "numero".to_string() } else { word });
        }
        if c == '%' {
            out.push("porcentaje".to_string());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Plural and gender removed: "matriculadas" → "matriculad", "menores" → "menor",
/// "niños"/"niñas" → "nin". Precise enough to look synonyms up without false friends.
fn light(word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() <= 3 || chars.iter().all(char::is_ascii_digit) {
        return word.to_string();
    }
    let n = chars.len();
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    if word.ends_with("ces") && n >= 5 {
        chars.truncate(n - 3);
        chars.push('z');
    } else if word.ends_with("es") && n >= 5 && matches!(chars[n - 3], 'l' | 'r' | 'n' | 'd' | 'j' | 'y') {
        chars.truncate(n - 2);
    } else if chars[n - 1] == 's' && is_vowel(chars[n - 2]) {
        chars.truncate(n - 1);
    }
    if chars.len() >= 4 && matches!(chars.last(), Some('a' | 'e' | 'o')) {
        chars.pop();
    }
    chars.into_iter().collect()
}

/// Stem of a light form for words that have no synonym. Keeps at least four letters so
/// short words are not merged ("calidad" stays, "ciudad" → "ciud"). Suffixes are removed
/// until none applies, so chains meet whatever their length ("subsidiado" / "subsidio").
fn stem(light_form: &str) -> String {
    let mut current = light_form.to_string();
    if current.chars().all(|c| c.is_ascii_digit()) {
        return current;
    }
    while let Some(root) = strip_one_suffix(&current) {
        current = root;
    }
    current
}

fn strip_one_suffix(word: &str) -> Option<String> {
    let long_enough = |root: &&str| root.chars().count() >= 4;
    SUFFIXES
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix).filter(long_enough))
        // Nouns in "-io"/"-ia" meet their relatives: "suicidio" / "suicida".
        .or_else(|| word.strip_suffix('i').filter(long_enough))
        .map(str::to_string)
}

/// Words → light forms, with stop words removed, numbers as digits and "sin" read as "no".
fn prepare(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in words(text) {
        let word =
            NUMBER_WORDS.iter().find(|(w, _)| *w == word).map_or(word, |(_, digits)| digits.to_string());
        if word == "no" || word == "sin" {
            out.push("no".to_string());
            continue;
        }
        let single_letter = word.chars().count() == 1 && !word.chars().all(|c| c.is_ascii_digit());
        if word == "1" || single_letter || STOP_WORDS.contains(&word.as_str()) {
            continue;
        }
        out.push(light(&word));
    }
    out
}

struct Thesaurus {
    phrases: HashMap<Vec<String>, Vec<String>>,
    longest: usize,
}

/// The phrase table, plus the variants claimed by two different groups (a mistake in
/// SYNONYMS; the first group wins, and a test keeps the list empty).
fn build_thesaurus() -> (Thesaurus, Vec<String>) {
    let mut phrases: HashMap<Vec<String>, Vec<String>> = HashMap::new();
    let mut conflicts = Vec::new();
    for (canonical, variants) in SYNONYMS {
        let terms: Vec<String> = canonical.split('|').map(str::to_string).collect();
        // A single canonical term is also its own variant ("acueducto").
        let own = if terms.len() == 1 { Some(*canonical) } else { None };
        for variant in variants.iter().copied().chain(own) {
            let key = prepare(variant);
            if key.is_empty() {
                continue;
            }
            match phrases.get(&key) {
                Some(existing) if *existing != terms => conflicts.push((*variant).to_string()),
                Some(_) => {}
                None => {
                    phrases.insert(key, terms.clone());
                }
            }
        }
    }
    let longest = phrases.keys().map(Vec::len).max().unwrap_or(1);
    (Thesaurus { phrases, longest }, conflicts)
}

fn thesaurus() -> &'static Thesaurus {
    static THESAURUS: OnceLock<Thesaurus> = OnceLock::new();
    THESAURUS.get_or_init(|| build_thesaurus().0)
}

/// Every canonical term of SYNONYMS ("primera infancia", "total", …).
fn canonical_terms() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| SYNONYMS.iter().flat_map(|(c, _)| c.split('|')).map(str::to_string).collect())
}

/// Normalised terms of a Spanish text: lower case, accents folded, stop words removed,
/// light Spanish stemming (plural/singular, common suffixes), synonyms of public
/// administration mapped to one canonical term. A negated term is prefixed with "no ".
/// Terms appear once, in reading order.
pub fn terms(text: &str) -> Vec<String> {
    let thesaurus = thesaurus();
    let tokens = prepare(text);
    let mut out: Vec<String> = Vec::new();
    let mut negate = false;
    let mut i = 0;
    while i < tokens.len() {
        let longest = thesaurus.longest.min(tokens.len() - i);
        let phrase =
            (1..=longest).rev().find_map(|len| thesaurus.phrases.get(&tokens[i..i + len]).map(|t| (len, t)));
        let produced = match phrase {
            Some((len, canonical)) => {
                i += len;
                canonical.clone()
            }
            None => {
                let token = &tokens[i];
                i += 1;
                if token == "no" {
                    negate = true;
                    continue;
                }
                vec![stem(token)]
            }
        };
        for term in produced {
            let term = if negate { format!("no {term}") } else { term };
            if !out.contains(&term) {
                out.push(term);
            }
        }
        negate = false;
    }
    out
}

/// Terms of vocabulary lists; a canonical term stands for itself, so lists can name
/// "primera infancia" without also matching the "menor" it bundles.
fn term_set(words: &[&str]) -> HashSet<String> {
    let mut set = HashSet::new();
    for word in words {
        let folded = fold(word);
        if canonical_terms().contains(&folded) {
            set.insert(folded);
        } else {
            set.extend(terms(word));
        }
    }
    set
}

fn generic_terms() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| term_set(GENERIC_WORDS))
}

fn broad_terms() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| term_set(BROAD_WORDS))
}

fn change_terms() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| term_set(CHANGE_WORDS))
}

/// Contrast families: per value, its label and its alternatives, each a set of terms that
/// must all be present ("ciencias naturales" is not "desastres naturales").
type ContrastFamily = Vec<(String, Vec<HashSet<String>>)>;

fn contrast_families() -> &'static [ContrastFamily] {
    static FAMILIES: OnceLock<Vec<ContrastFamily>> = OnceLock::new();
    FAMILIES.get_or_init(|| {
        CONTRASTS
            .iter()
            .map(|family| {
                family
                    .iter()
                    .map(|value| {
                        let alternatives: Vec<HashSet<String>> = value
                            .split('|')
                            .map(|alt| term_set(&[alt]))
                            .filter(|set| !set.is_empty())
                            .collect();
                        (fold(value.split('|').next().unwrap_or(value)), alternatives)
                    })
                    .collect()
            })
            .collect()
    })
}

/// IDF-like weight without a corpus: generic reporting words say little about a field.
fn weight(term: &str) -> f64 {
    let base = term.strip_prefix("no ").unwrap_or(term);
    if base.chars().all(|c| c.is_ascii_digit()) || generic_terms().contains(base) {
        GENERIC_WEIGHT
    } else if broad_terms().contains(base) {
        BROAD_WEIGHT
    } else {
        1.0
    }
}

// ---------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------

/// Everything the comparison needs from one field, computed once.
#[derive(Clone)]
struct Profile {
    name: BTreeSet<String>,
    description: BTreeSet<String>,
    full: BTreeSet<String>,
    trigrams: HashSet<String>,
    /// Content words (folded, not stemmed) of name and description, to read acronyms.
    name_words: Vec<String>,
    description_words: Vec<String>,
    acronyms: Vec<Acronym>,
}

/// An acronym written in capitals that the thesaurus does not know ("IANC", "PMGRD").
#[derive(Clone)]
struct Acronym {
    letters: Vec<char>,
    term: String,
}

/// Acronyms shorter than this match chance word pairs too easily.
const MIN_ACRONYM: usize = 3;
const MAX_ACRONYM: usize = 7;

fn acronyms(text: &str) -> Vec<Acronym> {
    let mut found: Vec<Acronym> = Vec::new();
    // In text typed in capitals every short word would look like an acronym.
    let shouting = !text.chars().any(char::is_lowercase) && text.split_whitespace().nth(1).is_some();
    if shouting {
        return found;
    }
    for token in text.split(|c: char| !c.is_alphanumeric()) {
        let length = token.chars().count();
        if !(MIN_ACRONYM..=MAX_ACRONYM).contains(&length) || !token.chars().all(char::is_uppercase) {
            continue;
        }
        let mut token_terms = terms(token);
        if token_terms.len() != 1 || canonical_terms().contains(&token_terms[0]) {
            continue;
        }
        let term = token_terms.remove(0);
        if !found.iter().any(|a| a.term == term) {
            found.push(Acronym { letters: fold(token).chars().collect(), term });
        }
    }
    found
}

/// Words whose initials can spell an acronym: "agua no contabilizada" keeps its "no".
fn content_words(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()))
        .collect()
}

/// Terms of the first run of words whose initials spell the acronym, if any.
fn expansion(acronym: &Acronym, words: &[String]) -> Option<BTreeSet<String>> {
    let n = acronym.letters.len();
    if words.len() < n {
        return None;
    }
    (0..=words.len() - n).find_map(|start| {
        let window = &words[start..start + n];
        let spells = window.iter().zip(&acronym.letters).all(|(w, l)| w.starts_with(*l));
        spells.then(|| terms(&window.join(" ")).into_iter().collect())
    })
}

impl Profile {
    fn new(field: &FieldText) -> Self {
        let mut name: BTreeSet<String> = terms(field.name).into_iter().collect();
        let description: BTreeSet<String> = terms(field.description).into_iter().collect();
        let description_words = content_words(field.description);
        let mut found = acronyms(field.name);
        // An acronym in the name, spelled out in the description ("PMGRD" — "Plan municipal
        // de gestión del riesgo de desastres…"), stands for its expansion too.
        for acronym in &found {
            if let Some(expanded) = expansion(acronym, &description_words) {
                name.extend(expanded);
            }
        }
        let full = name.union(&description).cloned().collect();
        for acronym in acronyms(field.description) {
            if !found.iter().any(|a| a.term == acronym.term) {
                found.push(acronym);
            }
        }
        Profile {
            name,
            description,
            full,
            trigrams: trigrams(field.name),
            name_words: content_words(field.name),
            description_words,
            acronyms: found,
        }
    }

    /// This field read in the light of `other`'s acronyms: where its words spell one of
    /// them, those words become the acronym ("Índice de agua no contabilizada" → "ianc").
    /// Words the other name also holds stay (it spelled its acronym out in its own
    /// description: "SAT instalados" — "Sistemas de alerta temprana en operación"), so the
    /// acronym matches whatever extra words stand beside it on either side.
    fn reading_acronyms_of(&self, other: &Profile) -> Option<Profile> {
        let mut changed: Option<Profile> = None;
        for acronym in &other.acronyms {
            for in_name in [true, false] {
                let words = if in_name { &self.name_words } else { &self.description_words };
                if let Some(expanded) = expansion(acronym, words) {
                    let profile = changed.get_or_insert_with(|| self.clone());
                    let set = if in_name { &mut profile.name } else { &mut profile.description };
                    set.retain(|t| !expanded.contains(t) || other.name.contains(t));
                    set.insert(acronym.term.clone());
                }
            }
        }
        if let Some(profile) = changed.as_mut() {
            profile.full = profile.name.union(&profile.description).cloned().collect();
        }
        changed
    }

    /// Values this field takes in a contrast family: from the name, else from the description.
    fn values(&self, family: &ContrastFamily) -> Vec<usize> {
        let pick = |terms: &BTreeSet<String>| -> Vec<usize> {
            family
                .iter()
                .enumerate()
                .filter(|(_, (_, alternatives))| {
                    alternatives.iter().any(|alt| alt.iter().all(|k| terms.contains(k)))
                })
                .map(|(i, _)| i)
                .collect()
        };
        let from_name = pick(&self.name);
        if from_name.is_empty() {
            pick(&self.description)
        } else {
            from_name
        }
    }
}

/// Character trigrams of each content word in light form, so word order and plural do not
/// matter but "alcantarilado" still resembles "alcantarillado".
fn trigrams(text: &str) -> HashSet<String> {
    let mut grams = HashSet::new();
    for word in prepare(text) {
        let padded: Vec<char> = format!(" {word} ").chars().collect();
        for window in padded.windows(3) {
            grams.insert(window.iter().collect());
        }
    }
    grams
}

fn weighted_dice(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let total: f64 = a.iter().chain(b.iter()).map(|t| weight(t)).sum();
    if total == 0.0 {
        return 0.0;
    }
    let shared: f64 = a.intersection(b).map(|t| weight(t)).sum();
    2.0 * shared / total
}

fn dice<T: Eq + std::hash::Hash>(a: &HashSet<T>, b: &HashSet<T>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}

/// How the fields differ despite shared words, each as the end of "difieren …" in Spanish.
fn contrasts(a: &Profile, b: &Profile) -> Vec<String> {
    let mut found = Vec::new();
    for family in contrast_families() {
        let (va, vb) = (a.values(family), b.values(family));
        if let (Some(&first_a), Some(&first_b)) = (va.first(), vb.first()) {
            if !va.iter().any(|v| vb.contains(v)) {
                found.push(format!("en «{}» frente a «{}»", family[first_a].0, family[first_b].0));
            }
        }
    }
    // "ingresos tributarios" vs "ingresos no tributarios": a term against its negation.
    let affirms = |p: &Profile, t: &str| p.full.contains(t) && !p.full.contains(&format!("no {t}"));
    let denies = |p: &Profile, t: &str| p.full.contains(&format!("no {t}")) && !p.full.contains(t);
    for (x, y) in [(a, b), (b, a)] {
        for term in x.full.iter().filter(|t| !t.starts_with("no ")) {
            if affirms(x, term) && denies(y, term) {
                let (left, right) = if std::ptr::eq(x, a) { ("", "no ") } else { ("no ", "") };
                found.push(format!("en «{left}{term}» frente a «{right}{term}»"));
            }
        }
    }
    // Antonyms by prefix in the names: "actualizado" / "desactualizado".
    for (x, y) in [(a, b), (b, a)] {
        for term in x.name.iter() {
            let opposite = format!("des{term}");
            if y.name.contains(&opposite) && !x.name.contains(&opposite) && !y.name.contains(term) {
                let (left, right) = if std::ptr::eq(x, a) { (term, &opposite) } else { (&opposite, term) };
                found.push(format!("en «{left}» frente a «{right}»"));
            }
        }
    }
    let change = |p: &Profile| p.name.iter().find(|t| change_terms().contains(*t)).cloned();
    match (change(a), change(b)) {
        (Some(term), None) | (None, Some(term)) => {
            found.push(format!("en que solo uno mide un cambio («{term}»)"))
        }
        _ => {}
    }
    found
}

fn decimal(score: f64) -> String {
    format!("{score:.2}").replace('.', ",")
}

fn explain(shared: &[String], contrasts: &[String], linked: &[(String, String)], score: f64) -> String {
    let mut ranked: Vec<&String> = shared.iter().collect();
    // The most telling terms first, so a long list still starts with what matters.
    ranked.sort_by(|x, y| weight(y).total_cmp(&weight(x)).then_with(|| x.cmp(y)));
    let quoted: Vec<String> = ranked.iter().take(EXPLAINED_TERMS).map(|t| format!("«{t}»")).collect();
    let mut sentence = match shared.len() {
        0 => "No comparten términos".to_string(),
        1 => format!("Comparten el término {}", quoted.join(", ")),
        n if n > EXPLAINED_TERMS => {
            format!("Comparten los términos {} y {} más", quoted.join(", "), n - EXPLAINED_TERMS)
        }
        _ => format!("Comparten los términos {}", quoted.join(", ")),
    };
    if !linked.is_empty() {
        let pairs: Vec<String> = linked.iter().map(|(x, y)| format!("«{y}» por «{x}»")).collect();
        sentence.push_str(&format!(", leyendo {} según el tesauro", pairs.join(" y ")));
    }
    if !contrasts.is_empty() {
        sentence.push_str(if shared.is_empty() { ", y difieren " } else { ", pero difieren " });
        sentence.push_str(&contrasts.join(" y "));
    }
    format!("{sentence}; similitud {}", decimal(score))
}

/// Content terms of `x`'s name found nowhere in `y`, most telling first, and their share of
/// the weight of `x`'s name. Generic words ("número" against "total") are not content.
fn unmatched<'p>(x: &'p Profile, y: &Profile) -> (Vec<&'p String>, f64) {
    let total: f64 = x.name.iter().map(|t| weight(t)).sum();
    let mut own: Vec<&String> =
        x.name.iter().filter(|t| weight(t) > GENERIC_WEIGHT && !y.full.contains(*t)).collect();
    own.sort_by(|s, t| weight(t).total_cmp(&weight(s)).then_with(|| s.cmp(t)));
    let share = if total == 0.0 { 0.0 } else { own.iter().map(|t| weight(t)).sum::<f64>() / total };
    (own, share)
}

/// `other` read in the light of this field's words: where the thesaurus links a term only
/// `other` has to a term only this field has, `other` takes this field's term. Names are
/// read first, so «Pasivo financiero» meets «Endeudamiento total» even when the pasivo's
/// description also says «deuda». The pairs linked, as (this field's word, the other's
/// word), for the explanation.
fn linking(
    self_: &Profile,
    other: &Profile,
    related: &RelatedWords,
) -> (Option<Profile>, Vec<(String, String)>) {
    if related.is_empty() {
        return (None, Vec::new());
    }
    // (this field's term, the other's term), found before anything is copied: most pairs
    // have no link.
    let mut pairs: Vec<(&String, &String)> = Vec::new();
    for (own, theirs) in [(&self_.name, &other.name), (&self_.full, &other.full)] {
        for term in own.iter().filter(|t| !theirs.contains(*t)) {
            if pairs.iter().any(|(linked, _)| *linked == term) {
                continue;
            }
            let free = |u: &&String| !own.contains(*u) && !pairs.iter().any(|(_, found)| found == u);
            let found = theirs.iter().filter(free).find(|u| related.linked(term, u));
            if let Some(found) = found {
                pairs.push((term, found));
            }
        }
    }
    if pairs.is_empty() {
        return (None, Vec::new());
    }
    let mut rewritten = other.clone();
    for (term, found) in &pairs {
        for set in [&mut rewritten.name, &mut rewritten.description, &mut rewritten.full] {
            if set.remove(*found) {
                set.insert((*term).clone());
            }
        }
    }
    let shown = pairs.iter().map(|(t, f)| (related.shown(t).to_string(), related.shown(f).to_string()));
    (Some(rewritten), shown.collect())
}

/// What the pair shows, the contrasts that tell the fields apart, the shared terms and
/// the words the thesaurus linked.
fn examine(a: &Profile, b: &Profile, related: &RelatedWords) -> Examined {
    let (a_read, b_read) = (a.reading_acronyms_of(b), b.reading_acronyms_of(a));
    let (a, b) = (a_read.as_ref().unwrap_or(a), b_read.as_ref().unwrap_or(b));
    let (b_linked, linked) = linking(a, b, related);
    let b = b_linked.as_ref().unwrap_or(b);
    let mut contrasts = contrasts(a, b);
    let listed = contrasts.len();
    let ((own_a, share_a), (own_b, share_b)) = (unmatched(a, b), unmatched(b, a));
    let divergence = share_a.min(share_b);
    let shared_terms: Vec<String> = a.full.intersection(&b.full).cloned().collect();
    // Named only when it is the news: fields that share nothing, or already differ in a
    // listed qualifier, need no second reason.
    if divergence >= DIVERGENCE_EXPLAINED && contrasts.is_empty() && !shared_terms.is_empty() {
        if let (Some(x), Some(y)) = (own_a.first(), own_b.first()) {
            contrasts.push(format!("en términos propios de cada uno («{x}» frente a «{y}»)"));
        }
    }
    let evidence = Evidence {
        name: weighted_dice(&a.name, &b.name),
        full: weighted_dice(&a.full, &b.full),
        trigrams: dice(&a.trigrams, &b.trigrams),
        contrasts: listed,
        divergence,
        one_sided: share_a.max(share_b),
    };
    Examined { evidence, contrasts, shared_terms, linked }
}

/// Everything `examine` finds in a pair.
struct Examined {
    evidence: Evidence,
    contrasts: Vec<String>,
    shared_terms: Vec<String>,
    linked: Vec<(String, String)>,
}

fn compare(a: &Profile, b: &Profile, related: &RelatedWords) -> Similarity {
    let Examined { evidence, contrasts, shared_terms, linked } = examine(a, b, related);
    let score = WEIGHTS.score(&evidence);
    let explanation = explain(&shared_terms, &contrasts, &linked, score);
    Similarity { score, shared_terms, explanation }
}

/// Similarity of two fields (name weighted above description), symmetric, order-insensitive,
/// with the embedded lists only.
pub fn similarity(a: &FieldText, b: &FieldText) -> Similarity {
    similarity_with(a, b, &RelatedWords::default())
}

/// Similarity of two fields, with the thesaurus's links beside the embedded lists.
pub fn similarity_with(a: &FieldText, b: &FieldText, related: &RelatedWords) -> Similarity {
    compare(&Profile::new(a), &Profile::new(b), related)
}

/// The candidates whose similarity to `new` is at least PROPOSAL_THRESHOLD, best first, at most `limit`.
pub fn propose<'a>(
    new: &FieldText,
    existing: &'a [FieldText<'a>],
    limit: usize,
    related: &RelatedWords,
) -> Vec<(&'a FieldText<'a>, Similarity)> {
    let probe = Profile::new(new);
    let mut found: Vec<(&'a FieldText<'a>, Similarity)> = existing
        .iter()
        .map(|field| (field, compare(&probe, &Profile::new(field), related)))
        .filter(|(_, s)| s.score >= PROPOSAL_THRESHOLD)
        .collect();
    found.sort_by(|x, y| y.1.score.total_cmp(&x.1.score).then_with(|| x.0.code.cmp(y.0.code)));
    found.truncate(limit);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(name: &'a str, description: &'a str) -> FieldText<'a> {
        FieldText { code: name, name, description }
    }

    fn score(a: &str, b: &str) -> f64 {
        similarity(&field(a, ""), &field(b, "")).score
    }

    #[test]
    fn accents_case_word_order_and_plural_do_not_matter() {
        let mut a = terms("Población urbana");
        let mut b = terms("POBLACIONES URBANAS");
        a.sort();
        b.sort();
        assert_eq!(a, b);
        assert_eq!(terms("niños y niñas"), terms("NIÑOS"));
        assert!(score("Número de docentes oficiales", "oficiales DOCENTES número") > 0.99);
        assert!(score("Afiliados al régimen subsidiado", "afiliado REGIMEN subsidiado") > 0.99);
        assert!(
            score("Afiliación al régimen subsidiado", "afiliados regimen subsidiado") >= PROPOSAL_THRESHOLD
        );
    }

    #[test]
    fn terms_fold_stem_and_drop_stop_words() {
        assert_eq!(terms("Número de alumnos matriculados"), vec!["numero", "estudiante"]);
        assert_eq!(terms("Transferencias del Sistema General de Participaciones"), vec!["asignacion", "sgp"]);
        assert_eq!(terms("Ingresos no tributarios"), vec!["ingreso", "no tributario"]);
        assert_eq!(terms("No. de predios"), vec!["numero", "predio"]);
        assert!(terms("de la y los").is_empty());
    }

    #[test]
    fn synonyms_of_public_administration_match() {
        let s = similarity(
            &field("Número de alumnos matriculados", ""),
            &field("Total de estudiantes con matrícula", ""),
        );
        assert!(s.score >= PROPOSAL_THRESHOLD, "{s:?}");
        assert!(s.shared_terms.contains(&"estudiante".to_string()));
        assert!(score("Cobertura de acueducto", "Cobertura de agua potable") >= PROPOSAL_THRESHOLD);
        assert!(
            score("Recursos del SGP", "Recursos del Sistema General de Participaciones")
                >= PROPOSAL_THRESHOLD
        );
        assert!(score("Docentes oficiales", "Profesores del sector oficial") >= PROPOSAL_THRESHOLD);
    }

    #[test]
    fn clearly_different_fields_score_low() {
        let s = score("Recaudo del impuesto predial", "Cobertura de acueducto urbano");
        assert!(s < PROPOSAL_THRESHOLD / 2.0, "{s}");
    }

    #[test]
    fn mutually_exclusive_qualifiers_are_not_duplicates() {
        for (a, b) in [
            ("Población urbana", "Población rural"),
            ("Ingresos tributarios", "Ingresos no tributarios"),
            ("Matrícula oficial", "Matrícula no oficial"),
            ("Cobertura de acueducto", "Cobertura de alcantarillado"),
        ] {
            let s = similarity(&field(a, ""), &field(b, ""));
            assert!(s.score < PROPOSAL_THRESHOLD, "{a} / {b}: {s:?}");
            assert!(s.explanation.contains("difieren en"), "{}", s.explanation);
        }
    }

    #[test]
    fn similarity_is_symmetric_and_bounded() {
        let a = field("Tasa de deserción escolar", "Porcentaje de estudiantes que abandonan");
        let b = field("Deserción intraanual", "Proporción de alumnos que desertan");
        let (ab, ba) = (similarity(&a, &b), similarity(&b, &a));
        assert!((ab.score - ba.score).abs() < 1e-12);
        assert_eq!(ab.shared_terms, ba.shared_terms);
        assert!((0.0..=1.0).contains(&ab.score));
        assert_eq!(score("", ""), 0.0);
    }

    #[test]
    fn explanation_names_shared_terms_in_spanish() {
        let s = similarity(
            &field("Población total", "Habitantes del municipio"),
            &field("Total de habitantes", "Personas que residen en el municipio"),
        );
        assert_eq!(s.shared_terms, vec!["municipio", "poblacion", "total"]);
        for term in &s.shared_terms {
            assert!(s.explanation.contains(&format!("«{term}»")), "{}", s.explanation);
        }
        assert!(s.explanation.starts_with("Comparten los términos «poblacion»"), "{}", s.explanation);
        assert!(s.explanation.contains(&format!("similitud {}", decimal(s.score))));
        assert!(s.explanation.contains(','));
        assert!(!s.explanation.contains("0."));
        let none = similarity(&field("Casos de dengue", ""), &field("Kilómetros de vías", ""));
        assert!(none.explanation.starts_with("No comparten términos"), "{}", none.explanation);
    }

    #[test]
    fn propose_ranks_filters_and_limits() {
        let existing = [
            FieldText { code: "E1", name: "Cobertura de acueducto", description: "" },
            FieldText {
                code: "E2",
                name: "Total de estudiantes matriculados",
                description: "Reportado en SIMAT",
            },
            FieldText { code: "E3", name: "Recaudo del impuesto predial", description: "" },
            FieldText { code: "E4", name: "Alumnos con matrícula", description: "" },
        ];
        let new = field("Número de alumnos matriculados", "Estudiantes reportados en SIMAT");
        let none = RelatedWords::default();
        let found = propose(&new, &existing, 10, &none);
        let codes: Vec<&str> = found.iter().map(|(f, _)| f.code).collect();
        assert_eq!(codes, vec!["E2", "E4"]);
        assert!(found[0].1.score >= found[1].1.score);
        assert!(found.iter().all(|(_, s)| s.score >= PROPOSAL_THRESHOLD));
        assert_eq!(propose(&new, &existing, 1, &none).len(), 1);
        assert!(propose(&new, &existing, 0, &none).is_empty());
    }

    #[test]
    fn text_in_capitals_matches_text_in_lower_case() {
        assert!(score("NÚMERO DE ALUMNOS MATRICULADOS", "número de alumnos matriculados") > 0.99);
    }

    #[test]
    fn unknown_acronyms_are_read_from_initials() {
        let s = similarity(
            &field("IANC", "Pérdidas de agua como proporción del agua producida"),
            &field("Índice de agua no contabilizada", "Porcentaje de pérdidas en el sistema de acueducto"),
        );
        assert!(s.score >= PROPOSAL_THRESHOLD, "{s:?}");
        assert!(s.shared_terms.contains(&"ianc".to_string()), "{s:?}");
        // A name that is only an acronym, spelled out in its own description.
        let own = similarity(
            &field("PMGRD", "Plan municipal de gestión del riesgo de desastres adoptado"),
            &field("Plan municipal de gestión del riesgo", "Plan adoptado por decreto"),
        );
        assert!(own.score >= PROPOSAL_THRESHOLD, "{own:?}");
    }

    #[test]
    fn counts_amounts_antonyms_and_changes_are_told_apart() {
        for (a, b, why) in [
            ("Número de contratos en SECOP", "Valor de los contratos en SECOP", "«numero» frente a «valor»"),
            ("Predios con catastro actualizado", "Predios con catastro desactualizado", "«desactualiz»"),
            (
                "Hectáreas de bosque natural",
                "Hectáreas de bosque natural deforestadas",
                "solo uno mide un cambio",
            ),
            ("Mortalidad materna", "Mortalidad perinatal", "términos propios de cada uno"),
        ] {
            let s = similarity(&field(a, ""), &field(b, ""));
            assert!(s.score < PROPOSAL_THRESHOLD, "{a} / {b}: {s:?}");
            assert!(s.explanation.contains(why), "{}", s.explanation);
        }
    }

    #[test]
    fn vocabulary_lists_resolve_to_terms() {
        for family in contrast_families() {
            for (label, alternatives) in family {
                assert!(!alternatives.is_empty(), "contrast value «{label}» has no terms");
            }
        }
        for word in GENERIC_WORDS.iter().chain(BROAD_WORDS).chain(CHANGE_WORDS) {
            assert!(!terms(word).is_empty(), "«{word}» has no terms");
        }
    }

    #[test]
    fn a_thesaurus_links_paraphrases_the_lists_do_not_know_and_says_so() {
        let thesaurus = "UTF-8\nreparar|1\n-|arreglar|componer\narreglar|1\n-|reparar|ordenar\n";
        let related = RelatedWords::parse(thesaurus.as_bytes()).expect("parses");
        let (a, b) = (field("Viviendas reparadas", ""), field("Viviendas arregladas", ""));
        assert!(similarity(&a, &b).score < PROPOSAL_THRESHOLD);
        let linked = similarity_with(&a, &b, &related);
        assert!(linked.score >= PROPOSAL_THRESHOLD, "{linked:?}");
        assert!(linked.explanation.contains("«arreglar» por «reparar» según el tesauro"), "{linked:?}");
        // A contrast still tells the fields apart, whatever the thesaurus links.
        let urban = similarity_with(
            &field("Viviendas urbanas reparadas", ""),
            &field("Viviendas rurales arregladas", ""),
            &related,
        );
        assert!(urban.score < PROPOSAL_THRESHOLD, "{urban:?}");
        let ab = similarity_with(&a, &b, &related).score;
        let ba = similarity_with(&b, &a, &related).score;
        assert!((ab - ba).abs() < 1e-12);
    }

    #[test]
    fn thesaurus_is_consistent_and_large_enough() {
        let (_, conflicts) = build_thesaurus();
        assert!(conflicts.is_empty(), "{conflicts:?}");
        assert!(SYNONYMS.len() >= 40);
    }
}
