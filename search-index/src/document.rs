//! What the index holds: one document per searchable object, and the schema
//! that stores it.

use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED,
    STRING,
};

use crate::analysis::SPANISH;

/// The kinds of object the one search box covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Offer,
    Knowledge,
    Requirement,
    /// A public vacancy of a territorial entity (the Vitrina de las Regiones).
    Vacancy,
    /// A programmatic unit of the spending classification's catalogue in force.
    Unit,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Offer, Kind::Knowledge, Kind::Requirement, Kind::Vacancy, Kind::Unit];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Offer => "oferta",
            Kind::Knowledge => "conocimiento",
            Kind::Requirement => "requerimiento",
            Kind::Vacancy => "vacante",
            Kind::Unit => "unidad",
        }
    }

    pub fn parse(value: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// The dimensions a search can be filtered and counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Type,
    Topic,
    Year,
    Department,
    Organisation,
    Modality,
}

impl Dimension {
    pub const ALL: [Dimension; 6] = [
        Dimension::Type,
        Dimension::Topic,
        Dimension::Year,
        Dimension::Department,
        Dimension::Organisation,
        Dimension::Modality,
    ];

    /// The facet root, in Spanish as clients read it.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Type => "tipo",
            Dimension::Topic => "tema",
            Dimension::Year => "año",
            Dimension::Department => "departamento",
            Dimension::Organisation => "organizacion",
            Dimension::Modality => "modalidad",
        }
    }

    pub(crate) fn facet(self, value: &str) -> Facet {
        Facet::from_path([self.as_str(), value])
    }
}

/// One searchable object, as the services describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Unique across kinds, e.g. `conocimiento:018f…`.
    pub key: String,
    pub kind: Kind,
    pub title: String,
    pub summary: String,
    pub body: String,
    /// Values per dimension (a document may have several topics or departments).
    pub facets: Vec<(Dimension, String)>,
    /// Seconds since the epoch: recency orders an empty query.
    pub date: i64,
}

impl Document {
    pub fn key_for(kind: Kind, id: &str) -> String {
        format!("{}:{id}", kind.as_str())
    }
}

/// The fields of the index schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub key: Field,
    pub kind: Field,
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    /// Title, summary and body analysed together, not stored, frequencies
    /// only: one posting list per word to find the matches and candidates
    /// (see `search`), which the per-field weights then rank.
    pub all_text: Field,
    pub facets: Field,
    pub date: Field,
    pub order: Field,
}

/// Bumped whenever the schema or the analysis changes: an index of another
/// version is rebuilt from the database at start. 2: multi-word synonym
/// expressions are also indexed as one joined term. 3: the combined match
/// field `all_text`. 4: open vacancies of the Vitrina de las Regiones.
pub const INDEX_VERSION: u32 = 4;

pub(crate) fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(SPANISH)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    // Phrases are verified on the per-field positions (a phrase must not run
    // from the title into the summary), so this field needs no positions.
    let all_text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(SPANISH).set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        key: builder.add_text_field("key", STRING | STORED),
        kind: builder.add_text_field("kind", STRING | STORED),
        title: builder.add_text_field("title", text.clone()),
        summary: builder.add_text_field("summary", text.clone()),
        body: builder.add_text_field("body", text),
        all_text: builder.add_text_field("all_text", all_text),
        facets: builder.add_facet_field("facets", FacetOptions::default().set_stored()),
        date: builder.add_i64_field("date", FAST | STORED),
        order: builder.add_u64_field("order", FAST),
    };
    (builder.build(), fields)
}

/// A stable number for a key (FNV-1a): the tie-break of equal scores, the same
/// on every instance and across restarts, so cursors stay valid.
pub fn key_order(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_dimensions_read_back() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("otra"), None);
        assert_eq!(Dimension::Topic.facet("agua/saneamiento").to_path().len(), 2);
    }

    #[test]
    fn key_order_is_stable() {
        assert_eq!(key_order("conocimiento:1"), key_order("conocimiento:1"));
        assert_ne!(key_order("conocimiento:1"), key_order("conocimiento:2"));
        assert_eq!(key_order(""), 0xcbf2_9ce4_8422_2325);
    }
}
