//! Spanish analysis: how text becomes terms, on both sides of the index.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter,
    TextAnalyzer,
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
pub fn spanish_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(STOP_WORDS.iter().map(|w| (*w).to_owned())))
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::Spanish))
        .build()
}

/// A term and its position in the analysed text (positions keep the gaps left
/// by stop words, so "plan de desarrollo" stays a phrase of three places).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub position: usize,
}

/// The tokens the analyzer makes of `text`, in order.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut analyzer = spanish_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let token = stream.token();
        out.push(Token { term: token.text.clone(), position: token.position });
    }
    out
}

/// The terms the analyzer makes of `text`, in order.
pub fn analyze(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|t| t.term).collect()
}

/// Lower case without accents, as users type in a hurry: the form typo
/// tolerance measures words in.
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

    #[test]
    fn folding_is_what_a_hurried_user_types() {
        assert_eq!(fold("Gestión Pública Ñ"), "gestion publica n");
    }
}
