//! Words a general Spanish thesaurus holds for synonyms of each other, read at start from
//! a MyThes file (LibreOffice's format, Debian's `mythes-es`): «endeudamiento» and
//! «pasivo», «reparar» and «arreglar». The embedded lists know the words of reporting
//! that no dictionary knows (SGP, SISBEN, régimen subsidiado); the thesaurus knows the
//! paraphrases of the competencies nobody wrote a list for.
//!
//! Only links both words agree on are kept: the thesaurus lists «deuda» under «pasivo» and
//! «pasivo» under «deuda», so they are linked; a word listed one way only (a broader or a
//! figurative sense) is not. A word of the embedded lists is linked through its canonical
//! term («endeudamiento» is read as «deuda»). Words are reduced to the rule's own terms, so «pasivos»,
//! «Pasivo» and «pasivo» meet the same entry; a verb also stands for its participle
//! («sembrar» for «sembradas»). Words the rule weighs little (generic, numbers, stop words)
//! and words that name one side of a listed contrast are never linked: a thesaurus knows
//! «urbano» and «ciudadano», not that the report needs them apart.

use std::collections::{HashMap, HashSet};

use super::{contrast_families, generic_terms, terms};

/// Where Debian's `mythes-es` puts the Spanish thesaurus.
pub const DEBIAN_THESAURUS: &str = "/usr/share/mythes/th_es_ES_v2.dat";

/// Symmetric links between terms of the rule, with a word to show for each term.
#[derive(Debug, Default, Clone)]
pub struct RelatedWords {
    links: HashMap<String, HashSet<String>>,
    shown: HashMap<String, String>,
}

/// Why a thesaurus file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ThesaurusError {
    #[error("no se pudo leer el tesauro {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("el tesauro {path} no tiene el formato MyThes: {reason}")]
    Format { path: String, reason: String },
}

impl RelatedWords {
    /// Reads a MyThes `.dat` file (first line: its encoding, ISO8859-1 or UTF-8).
    pub fn load(path: &std::path::Path) -> Result<Self, ThesaurusError> {
        let shown = path.display().to_string();
        let bytes =
            std::fs::read(path).map_err(|source| ThesaurusError::Read { path: shown.clone(), source })?;
        Self::parse(&bytes).map_err(|reason| ThesaurusError::Format { path: shown, reason })
    }

    /// Parses the text of a MyThes `.dat` file: an encoding line, then entries
    /// «palabra|n» followed by n lines «(categoría)|sinónimo|sinónimo…».
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
        let text: String = match latin1(first_line)? {
            false => String::from_utf8(bytes.to_vec()).map_err(|_| "no es UTF-8 válido".to_string())?,
            // Latin-1 maps each byte to the code point of the same number.
            true => bytes.iter().map(|b| char::from(*b)).collect(),
        };
        let mut lines = text.lines().skip(1).enumerate();
        let mut listed: HashMap<String, HashSet<String>> = HashMap::new();
        // Each distinct word is reduced to terms once: the file spells about 600,000 synonyms
        // with a tenth as many words.
        let mut memo: HashMap<String, Vec<String>> = HashMap::new();
        let mut terms_of = |word: &str| -> Vec<String> {
            let word = without_notes(word).to_lowercase();
            memo.entry(word).or_insert_with_key(|word| word_terms(word)).clone()
        };
        while let Some((number, line)) = lines.next() {
            if line.trim().is_empty() {
                continue;
            }
            let (headword, count) = line
                .rsplit_once('|')
                .and_then(|(word, count)| Some((word, count.trim().parse::<usize>().ok()?)))
                .ok_or_else(|| format!("línea {}: se esperaba «palabra|número»", number + 2))?;
            let mut synonyms: Vec<&str> = Vec::new();
            for _ in 0..count {
                let (_, sense) =
                    lines.next().ok_or_else(|| format!("la entrada «{headword}» termina antes de tiempo"))?;
                synonyms.extend(sense.split('|').skip(1));
            }
            let heads = terms_of(headword);
            if heads.is_empty() {
                continue;
            }
            let synonym_terms: Vec<String> =
                synonyms.iter().filter(|synonym| !figurative(synonym)).flat_map(|s| terms_of(s)).collect();
            for head in &heads {
                let entry = listed.entry(head.clone()).or_default();
                entry.extend(synonym_terms.iter().filter(|t| *t != head).cloned());
            }
        }
        let mut shown: HashMap<String, String> = HashMap::new();
        for (word, terms) in &memo {
            for term in terms {
                show(&mut shown, term, word);
            }
        }
        let excluded = excluded_terms();
        let mut links: HashMap<String, HashSet<String>> = HashMap::new();
        for (word, synonyms) in &listed {
            if excluded.contains(word) {
                continue;
            }
            for synonym in synonyms {
                let mutual = listed.get(synonym).is_some_and(|back| back.contains(word));
                if mutual && !excluded.contains(synonym) {
                    links.entry(word.clone()).or_default().insert(synonym.clone());
                }
            }
        }
        shown.retain(|term, _| links.contains_key(term));
        Ok(Self { links, shown })
    }

    /// Number of terms with at least one link.
    pub fn len(&self) -> usize {
        self.links.len()
    }

    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// The two terms are synonyms by the thesaurus (never a term with itself).
    pub fn linked(&self, a: &str, b: &str) -> bool {
        self.links.get(a).is_some_and(|related| related.contains(b))
    }

    /// The word a reviewer reads for a term.
    pub fn shown<'a>(&'a self, term: &'a str) -> &'a str {
        self.shown.get(term).map_or(term, String::as_str)
    }
}

/// The word shown for a term: the shortest the thesaurus spells it with («recibir», not
/// «recibimiento»), the first in alphabetical order among equals.
fn show(shown: &mut HashMap<String, String>, term: &str, word: &str) {
    let word = word.to_string();
    let shorter = |current: &String| (word.chars().count(), &word) < (current.chars().count(), current);
    match shown.get_mut(term) {
        Some(current) if shorter(current) => *current = word,
        Some(_) => {}
        None => {
            shown.insert(term.to_string(), word);
        }
    }
}

/// A sense the thesaurus marks as figurative, vulgar, rare or opposite: «malo (fig.)» is
/// no synonym of «malvado» in a report.
fn figurative(synonym: &str) -> bool {
    ["(fig.", "fig.)", "(vulg.", "(p. us.", "nimo)"].iter().any(|note| synonym.contains(note))
}

/// Whether the first line of a MyThes file names Latin-1 (else UTF-8; anything else is
/// refused): what a server checks at start before it reads the file on first use.
pub fn latin1(first_line: &[u8]) -> Result<bool, String> {
    match String::from_utf8_lossy(first_line).trim().to_ascii_uppercase().as_str() {
        "UTF-8" | "UTF8" => Ok(false),
        "ISO8859-1" | "ISO-8859-1" | "LATIN1" => Ok(true),
        other => Err(format!("codificación «{other}» no reconocida en la primera línea")),
    }
}

/// The text of a synonym without notes such as «(fig.)».
fn without_notes(word: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in word.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// The rule's one term for a single word, if it is one word with one term.
fn single_term(word: &str) -> Option<String> {
    let word = without_notes(word);
    if word.is_empty() || word.contains(char::is_whitespace) {
        return None;
    }
    let mut found = terms(&word);
    (found.len() == 1 && !found[0].starts_with("no ")).then(|| found.remove(0))
}

/// The word's term and, for a verb, its participle's («sembrar» also stands for «sembradas»).
fn word_terms(word: &str) -> Vec<String> {
    let word = without_notes(word);
    let mut found: Vec<String> = single_term(&word).into_iter().collect();
    if let Some(term) = participle(&word).and_then(|p| single_term(&p)) {
        if !found.contains(&term) {
            found.push(term);
        }
    }
    found
}

/// «sembrar» → «sembrado», «ofrecer» → «ofrecido», «invertir» → «invertido».
fn participle(verb: &str) -> Option<String> {
    let stem = verb.strip_suffix("ar").map(|s| (s, "ado"));
    let stem =
        stem.or_else(|| verb.strip_suffix("er").or_else(|| verb.strip_suffix("ir")).map(|s| (s, "ido")));
    stem.filter(|(s, _)| s.chars().count() >= 3 && s.chars().all(char::is_alphabetic))
        .map(|(s, ending)| format!("{s}{ending}"))
}

/// Terms the rule already treats on purpose: generic words and each side of a contrast.
fn excluded_terms() -> HashSet<String> {
    let mut excluded: HashSet<String> = generic_terms().clone();
    for family in contrast_families() {
        for (_, alternatives) in family {
            for alternative in alternatives {
                excluded.extend(alternative.iter().cloned());
            }
        }
    }
    excluded
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A few entries as Debian's file writes them (Latin-1).
    fn sample() -> Vec<u8> {
        let text = "ISO8859-1\n\
            endeudamiento|1\n-|déficit|deuda|pasivo|compromiso\n\
            pasivo|2\n-|abúlico|apático\n-|déficit|deuda|endeudamiento|debe\n\
            deuda|1\n-|pasivo|obligación|débito\n\
            reparar|1\n-|arreglar|componer\n\
            arreglado|1\n-|reparado (NoRAE)|compuesto\n\
            biblioteca|1\n-|archivo (fig.)\n\
            archivo|1\n-|biblioteca\n\
            urbano|1\n-|ciudadano|cortés\n\
            ciudadano|1\n-|urbano|vecino\n";
        text.chars().map(|c| u8::try_from(u32::from(c)).expect("Latin-1")).collect()
    }

    fn term(word: &str) -> String {
        single_term(word).expect("one term")
    }

    #[test]
    fn only_links_both_words_agree_on_are_kept() {
        let related = RelatedWords::parse(&sample()).expect("parses");
        assert!(related.linked(&term("endeudamiento"), &term("pasivo")));
        assert!(related.linked(&term("pasivos"), &term("Endeudamiento")));
        assert!(related.linked(&term("deuda"), &term("pasivo")));
        // «pasivo» lists «déficit», but «déficit» has no entry listing it back.
        assert!(!related.linked(&term("pasivo"), &term("déficit")));
        // «biblioteca» lists «archivo» only in a figurative sense.
        assert!(!related.linked(&term("biblioteca"), &term("archivo")));
        assert_eq!(related.shown(&term("pasivos")), "pasivo");
    }

    #[test]
    fn a_verb_stands_for_its_participle_and_notes_are_dropped() {
        let related = RelatedWords::parse(&sample()).expect("parses");
        assert!(related.linked(&term("reparadas"), &term("arreglados")));
        assert!(related.shown(&term("arreglados")).starts_with("arregl"));
    }

    #[test]
    fn sides_of_a_listed_contrast_are_never_linked() {
        let related = RelatedWords::parse(&sample()).expect("parses");
        assert!(!related.linked(&term("urbano"), &term("ciudadano")));
    }

    #[test]
    fn a_malformed_file_is_refused_with_the_line() {
        let error = RelatedWords::parse(b"UTF-8\npasivo|dos\n-|deuda\n").unwrap_err();
        assert!(error.contains("línea 2"), "{error}");
        let error = RelatedWords::parse(b"UTF-8\npasivo|2\n-|deuda\n").unwrap_err();
        assert!(error.contains("termina antes"), "{error}");
        let error = RelatedWords::parse(b"EBCDIC\n").unwrap_err();
        assert!(error.contains("EBCDIC"), "{error}");
        let utf8 =
            RelatedWords::parse("UTF-8\npasivo|1\n-|deuda\ndeuda|1\n-|pasivo\n".as_bytes()).expect("UTF-8");
        assert!(utf8.linked(&term("deuda"), &term("pasivo")));
    }
}
