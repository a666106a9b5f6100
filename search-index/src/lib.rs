//! SUGIT's search index (tantivy): Spanish analysis, the index of offers,
//! knowledge products and requirements, queries with typo tolerance, phrases
//! and administration synonyms, facets, highlights and stable cursors.
//!
//! The index is derived data: the server fills it from the database (the
//! `change_event` outbox) and rebuilds it when it is missing, damaged or of an
//! older version. Each commit records the outbox position it reached.

mod analysis;
/// The deterministic generated corpus of the benchmarks: not shipped in the
/// server, only built for tests and for the `corpus` feature the benches ask.
#[cfg(any(test, feature = "corpus"))]
pub mod corpus;
mod document;
mod facets;
mod index;
mod query;
mod search;
mod snippet;

pub use analysis::{analyze, fold, spanish_analyzer, tokens, Token, WordTerms, SPANISH, SYNONYMS};
pub use document::{key_order, Dimension, Document, Kind, INDEX_VERSION};
pub use facets::FacetValues;
pub use index::{Change, Opened, SearchIndex};
pub use query::MAX_QUERY_CHARS;
pub use search::{Cursor, Hit, SearchPage, SearchRequest};

/// Everything that can go wrong in the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("la consulta tiene más de {max} caracteres")]
    QueryTooLong { max: usize },
    #[error("el índice de búsqueda falló: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("no se pudo usar el directorio del índice {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("el índice de {path} está en uso por otro proceso (otra instancia o un servidor en marcha): cada instancia necesita su propia carpeta")]
    InUse { path: String },
    #[error("el escritor del índice quedó inutilizable por un fallo anterior")]
    Poisoned,
}

#[cfg(test)]
mod tests;
