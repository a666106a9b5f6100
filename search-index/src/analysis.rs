//! Spanish analysis: how text becomes terms, on both sides of the index.

use std::{
    collections::{HashMap, VecDeque},
    sync::OnceLock,
};

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter,
    TextAnalyzer, TextAnalyzerBuilder, Token as TantivyToken, TokenFilter, TokenStream, Tokenizer,
};

/// Name under which the Spanish analyzer is registered on an index.
pub const SPANISH: &str = "es_stem";

/// Function words that carry no meaning in a search. Our own short list: the
/// Snowball list also drops "estado", "sea" or "fuera", which public
/// administration writes as nouns ("el Estado").
const STOP_WORDS: &[&str] = &[
    "a", "al", "ante", "con", "contra", "de", "del", "desde", "durante", "e", "el", "ella", "ellas", "ellos",
    "en", "entre", "es", "esa", "esas", "ese", "eso", "esos", "esta", "estas", "este", "esto", "estos",
    "hacia", "hasta", "la", "las", "le", "les", "lo", "los", "mediante", "mas", "más", "ni", "o", "para",
    "pero", "por", "que", "se", "según", "segun", "sin", "sobre", "su", "sus", "tras", "u", "un", "una",
    "unas", "uno", "unos", "y", "ya", "como", "cual", "cuales", "donde", "cuando",
];

/// Spanish analysis: words, lower case, stop words out, accents folded (users type
/// "tecnica" for "técnica"), and Snowball stemming ("territoriales" ~ "territorial").
fn words() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(STOP_WORDS.iter().map(|w| (*w).to_owned())))
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::Spanish))
}

fn word_analyzer() -> TextAnalyzer {
    words().build()
}

/// The analyzer of the indexed text fields: the words of `words`, plus one
/// joined term for each multi-word expression of `SYNONYMS` (see
/// `SynonymJoiner`), so that a query asks for the expression with one term
/// instead of a phrase.
pub fn spanish_analyzer() -> TextAnalyzer {
    words().filter(SynonymJoiner).build()
}

/// A term and its position in the analysed text (positions keep the gaps left
/// by stop words, so "plan de desarrollo" stays a phrase of three places).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub position: usize,
}

/// The word tokens the analyzer makes of `text`, in order (without the joined
/// terms of synonym expressions, which only the index holds).
pub fn tokens(text: &str) -> Vec<Token> {
    thread_local! {
        // Building the analyzer (its stop-word set, its stemmer) costs more
        // than analysing a short text: one per thread, built once.
        static ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(word_analyzer());
    }
    ANALYZER.with_borrow_mut(|analyzer| {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push(Token { term: token.text.clone(), position: token.position });
        }
        out
    })
}

/// The word terms the analyzer makes of `text`, in order.
pub fn analyze(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|t| t.term).collect()
}

/// The terms of many texts that share their words (the thousands of needs an
/// offer is compared with), each distinct word analysed once. Every filter of
/// the analyzer works on one word at a time and the tokenizer splits on what
/// is not a letter or a digit, so a text's terms are its words' terms, in
/// order: what `analyze` gives, for a hash lookup per word instead of the
/// analyzer's pipeline.
#[derive(Default)]
pub struct WordTerms {
    /// Word as written → its term (`None`: a stop word, or too long).
    terms: HashMap<String, Option<Box<str>>>,
}

impl WordTerms {
    fn words(text: &str) -> impl Iterator<Item = &str> {
        text.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty())
    }

    /// Analyses the words of `text` not met before.
    pub fn learn(&mut self, text: &str) {
        for word in Self::words(text) {
            if !self.terms.contains_key(word) {
                let term = analyze(word).pop().map(String::into_boxed_str);
                self.terms.insert(word.to_owned(), term);
            }
        }
    }

    /// The terms of `text`, in order, once it has been learnt: `analyze(text)`, borrowed.
    pub fn known<'a>(&'a self, text: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        Self::words(text).filter_map(|word| self.terms.get(word)?.as_deref())
    }

    /// The terms of `text`, in order: `analyze(text)`, borrowed.
    pub fn terms<'a>(&'a mut self, text: &'a str) -> Vec<&'a str> {
        self.learn(text);
        self.known(text).collect()
    }
}

/// Lower case without accents, as users type in a hurry: the form typo
/// tolerance measures words in.
///
/// The index keeps its own folding instead of the backend's `text::fold`: it
/// must agree with tantivy's `AsciiFoldingFilter`, which the indexed terms went
/// through, for one word at a time, and this crate depends on neither the
/// backend nor `unicode-normalization`.
pub fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

/// Expressions that public administration uses for the same thing: a query with
/// one also finds texts that only use another. Each group lists whole
/// expressions; the query side compares them after analysis.
pub const SYNONYMS: &[&[&str]] = &[
    &["alcaldía", "municipio", "administración municipal", "alcalde"],
    &["gobernación", "departamento", "administración departamental", "gobernador"],
    &["ATT", "asistencia técnica", "acompañamiento técnico"],
    &["agua potable", "acueducto"],
    &["saneamiento básico", "alcantarillado"],
    &["SGR", "regalías", "sistema general de regalías"],
    &["SGP", "sistema general de participaciones"],
    &["POT", "plan de ordenamiento territorial"],
    &["EOT", "esquema de ordenamiento territorial"],
    &["PDET", "programas de desarrollo con enfoque territorial"],
    &["MIPG", "modelo integrado de planeación y gestión"],
    &["FUT", "formulario único territorial"],
    &["SECOP", "contratación pública", "compras públicas"],
    &["ODS", "objetivos de desarrollo sostenible", "Agenda 2030"],
    &["deserción escolar", "abandono escolar"],
    &["residuos sólidos", "basuras"],
    &["conectividad", "internet"],
    &["colegio", "institución educativa", "escuela"],
    &["hospital", "ESE", "empresa social del estado"],
    &["cooperación internacional", "cooperantes"],
    &["entidades territoriales", "territorios"],
    &["rendición de cuentas", "control social"],
];

/// Joins the words of an expression into its index term. The tokenizer splits
/// on anything but letters and digits, so no analysed word contains it: a
/// joined term never collides with a word of a text or of a query.
const JOIN: char = '_';

/// The single index term of the analysed words of a multi-word expression,
/// e.g. `administr_municipal`.
pub(crate) fn joined_term(words: &[String]) -> String {
    let mut term = String::new();
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            term.push(JOIN);
        }
        term.push_str(word);
    }
    term
}

/// The multi-word expressions of `SYNONYMS`, analysed, by first word; longest
/// first. Built once.
fn multi_word_expressions() -> &'static HashMap<String, Vec<Vec<String>>> {
    static TABLE: OnceLock<HashMap<String, Vec<Vec<String>>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        for expression in SYNONYMS.iter().flat_map(|group| group.iter()).map(|e| analyze(e)) {
            if expression.len() > 1 {
                let alternatives = table.entry(expression[0].clone()).or_default();
                if !alternatives.contains(&expression) {
                    alternatives.push(expression);
                }
            }
        }
        for alternatives in table.values_mut() {
            alternatives.sort_by_key(|e| std::cmp::Reverse(e.len()));
        }
        table
    })
}

/// Whether `words` (analysed) are a multi-word expression of `SYNONYMS`: the
/// index holds its joined term.
pub(crate) fn is_synonym_expression(words: &[String]) -> bool {
    words.len() > 1
        && multi_word_expressions().get(&words[0]).is_some_and(|all| all.iter().any(|e| e == words))
}

/// At most this many positions from one word of an expression to the next:
/// two stop words between them ("sistema general de las regalías").
const MAX_EXPRESSION_GAP: usize = 3;
/// At most this many bytes from an expression's first character to its last.
/// The joined term spans them, and a snippet fragment must hold a whole
/// highlighted token: tantivy panics on one longer than the fragment (see
/// `snippet::SNIPPET_CHARS`). The longest expression of the table is 47 characters.
pub(crate) const MAX_EXPRESSION_BYTES: usize = 120;

/// Token filter: where the words of a multi-word synonym expression follow one
/// another, also emits their joined term, at the first word's position and
/// spanning the expression's characters (so a snippet marks the expression).
///
/// "Follow one another" means consecutive in the analysed stream: stop words
/// and punctuation between them do not count ("plan de ordenamiento
/// territorial" and "plan ordenamiento territorial" both are the expression),
/// which is also how the query side recognises expressions in what users
/// type; any other word between them breaks the expression, and so do more
/// than two stop words or a span longer than `MAX_EXPRESSION_BYTES`. The
/// words keep their own positions, so phrase queries are unchanged.
#[derive(Clone, Copy)]
struct SynonymJoiner;

impl TokenFilter for SynonymJoiner {
    type Tokenizer<T: Tokenizer> = SynonymJoinerTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> SynonymJoinerTokenizer<T> {
        SynonymJoinerTokenizer(tokenizer)
    }
}

#[derive(Clone)]
struct SynonymJoinerTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for SynonymJoinerTokenizer<T> {
    type TokenStream<'a> = SynonymJoinerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SynonymJoinerStream {
            inner: self.0.token_stream(text),
            expressions: multi_word_expressions(),
            lookahead: VecDeque::new(),
            ready: VecDeque::new(),
            current: None,
        }
    }
}

struct SynonymJoinerStream<S> {
    inner: S,
    expressions: &'static HashMap<String, Vec<Vec<String>>>,
    /// Words read ahead from `inner` and not emitted yet.
    lookahead: VecDeque<TantivyToken>,
    /// Tokens to emit before reading on: joined terms, then their first word.
    ready: VecDeque<TantivyToken>,
    /// The token emitted; `None` when it is `inner`'s own (no copy for the
    /// words that start no expression, nearly all of them).
    current: Option<TantivyToken>,
}

impl<S: TokenStream> SynonymJoinerStream<S> {
    /// Queues the joined term of every expression that starts at `first`,
    /// longest first: a snippet fragment then takes the whole expression.
    fn join_from(&mut self, first: &TantivyToken, candidates: &[Vec<String>]) {
        for expression in candidates {
            let rest = expression.len() - 1;
            while self.lookahead.len() < rest && self.inner.advance() {
                self.lookahead.push_back(self.inner.token().clone());
            }
            let matches = self.lookahead.len() >= rest
                && expression[1..].iter().zip(&self.lookahead).all(|(word, token)| *word == token.text)
                && (0..rest).all(|i| {
                    let before = if i == 0 { first } else { &self.lookahead[i - 1] };
                    self.lookahead[i].position - before.position <= MAX_EXPRESSION_GAP
                })
                && self.lookahead[rest - 1].offset_to - first.offset_from <= MAX_EXPRESSION_BYTES;
            if matches {
                let last = &self.lookahead[rest - 1];
                self.ready.push_back(TantivyToken {
                    offset_from: first.offset_from,
                    offset_to: last.offset_to,
                    position: first.position,
                    position_length: last.position + last.position_length - first.position,
                    text: joined_term(expression),
                });
            }
        }
    }
}

impl<S: TokenStream> TokenStream for SynonymJoinerStream<S> {
    fn advance(&mut self) -> bool {
        if let Some(token) = self.ready.pop_front() {
            self.current = Some(token);
            return true;
        }
        let token = match self.lookahead.pop_front() {
            Some(token) => token,
            None => {
                if !self.inner.advance() {
                    return false;
                }
                if !self.expressions.contains_key(&self.inner.token().text) {
                    self.current = None;
                    return true;
                }
                self.inner.token().clone()
            }
        };
        let expressions = self.expressions;
        if let Some(candidates) = expressions.get(&token.text) {
            self.join_from(&token, candidates);
        }
        if self.ready.is_empty() {
            self.current = Some(token);
        } else {
            self.ready.push_back(token);
            self.current = self.ready.pop_front();
        }
        true
    }

    fn token(&self) -> &TantivyToken {
        self.current.as_ref().unwrap_or_else(|| self.inner.token())
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        match &mut self.current {
            Some(token) => token,
            None => self.inner.token_mut(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_plurals_meet_on_one_term() {
        assert_eq!(analyze("técnica"), analyze("TECNICAS"));
        assert_eq!(analyze("territorial"), analyze("Territoriales"));
        assert_eq!(analyze("Asistencia Técnica Territorial").len(), 3);
    }

    #[test]
    fn terms_word_by_word_are_the_terms_of_the_text() {
        let mut memo = WordTerms::default();
        let long = "x".repeat(70);
        for text in [
            "Fortalecer la gestión del riesgo de desastres en la zona rural, con énfasis en acueductos.",
            "Competencias: contratación pública (SECOP II) y planeación territorial; 2025-2027.",
            "ACUEDUCTO veredal—sin tratamiento… ¿Cómo formular el proyecto? Niño, año, pingüino.",
            "El Estado y los municipios de 6.ª categoría",
            long.as_str(),
            "",
            "   ",
        ] {
            let expected = analyze(text);
            assert_eq!(memo.terms(text), expected.iter().map(String::as_str).collect::<Vec<_>>(), "{text}");
        }
        // A word met again is not analysed again, and gives the same term.
        let before = memo.terms.len();
        let again: Vec<String> = analyze("gestión acueductos");
        assert_eq!(memo.terms("gestión acueductos"), again.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(memo.terms.len(), before);
    }

    #[test]
    fn different_words_stay_different() {
        assert_ne!(analyze("municipio"), analyze("departamento"));
    }

    #[test]
    fn stop_words_leave_their_place_empty() {
        let plan = tokens("plan de desarrollo");
        assert_eq!(plan.len(), 2);
        assert_eq!(plan[1].position - plan[0].position, 2);
        // "Estado" is a noun here, not a form of "estar".
        assert_eq!(analyze("el Estado").len(), 1);
    }

    /// What the index holds for `text`: (term, position, marked characters).
    fn indexed(text: &str) -> Vec<(String, usize, String)> {
        let mut analyzer = spanish_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((
                token.text.clone(),
                token.position,
                text[token.offset_from..token.offset_to].to_owned(),
            ));
        }
        out
    }

    #[test]
    fn synonym_expressions_are_also_indexed_as_one_term() {
        let text = "La Administración Municipal de Mitú";
        let found = indexed(text);
        let words: Vec<_> = tokens(text).into_iter().map(|t| (t.term, t.position)).collect();
        let joined = joined_term(&analyze("administración municipal"));
        assert_eq!(joined, "administr_municipal");
        // The joined term first, at the first word's place, over the whole expression.
        assert_eq!(found[0], (joined, words[0].1, "Administración Municipal".to_owned()));
        // The words keep their terms and places: phrases still match.
        let rest: Vec<_> = found[1..].iter().map(|(t, p, _)| (t.clone(), *p)).collect();
        assert_eq!(rest, words);
    }

    #[test]
    fn stop_words_between_the_words_do_not_break_an_expression_other_words_do() {
        let pot = joined_term(&analyze("plan de ordenamiento territorial"));
        let has = |text: &str, term: &str| indexed(text).iter().any(|(t, _, _)| t == term);
        assert!(has("el plan de ordenamiento territorial", &pot));
        assert!(has("los planes del ordenamiento territorial", &pot), "stems and other stop words");
        assert!(has("plan ordenamiento territorial", &pot), "as a query without «de» reads it");
        assert!(!has("plan de ordenamiento y desarrollo territorial", &pot));
        assert!(!has("ordenamiento territorial del plan", &pot));
        let municipal = joined_term(&analyze("administración municipal"));
        assert!(!has("la administración del acueducto municipal", &municipal));
        assert!(!has("administración", &municipal), "the text ends before the expression does");
        let sgr = joined_term(&analyze("sistema general de regalías"));
        assert!(has("el sistema general de las regalías", &sgr), "two stop words between");
        assert!(!has("administración de la y municipal", &municipal), "three are too many");
        let far = format!("administración {} municipal", ".".repeat(MAX_EXPRESSION_BYTES));
        assert!(!has(&far, &municipal), "too long to highlight whole");
        assert!(has("administración, municipal", &municipal), "punctuation is no word");
        // Two expressions that follow one another are both found.
        let both = indexed("agua potable saneamiento básico");
        assert_eq!(both.iter().filter(|(t, _, _)| t.contains(JOIN)).count(), 2, "{both:?}");
    }

    #[test]
    fn joined_terms_never_collide_with_words() {
        // The separator splits words: no word is a joined term, and text that
        // spells one out is read as the expression's words (so it is the expression).
        assert_eq!(analyze("administr_municipal"), ["administr", "municipal"]);
        assert!(indexed("administr_municipal").iter().any(|(t, _, _)| t == "administr_municipal"));
        assert!(is_synonym_expression(&analyze("sistema general de regalías")));
        assert!(!is_synonym_expression(&analyze("plan de desarrollo")));
        assert!(!is_synonym_expression(&analyze("regalías")));
    }

    #[test]
    fn folding_is_what_a_hurried_user_types() {
        assert_eq!(fold("Gestión Pública Ñ"), "gestion publica n");
    }
}
