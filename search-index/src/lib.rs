//! SUGIT's search index (tantivy): the Spanish analyzer now; the index of
//! offers, knowledge products and requirements, its queries, facets and
//! rebuild from the database come with the search capability.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};

/// Name under which the Spanish analyzer is registered on an index.
pub const SPANISH: &str = "es_stem";

/// Spanish analysis: words, lower case, accents folded (users type "tecnica"
/// for "técnica"), and Snowball stemming ("territoriales" ~ "territorial").
pub fn spanish_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::Spanish))
        .build()
}

/// The terms the analyzer makes of `text`, in order.
pub fn analyze(text: &str) -> Vec<String> {
    let mut analyzer = spanish_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut terms = Vec::new();
    while stream.advance() {
        terms.push(stream.token().text.clone());
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::analyze;

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
}
