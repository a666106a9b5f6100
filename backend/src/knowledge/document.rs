//! How a knowledge product appears in the search index.

use search_index::{Dimension, Document, Kind};

use super::model::KnowledgeProduct;

pub fn search_document(product: &KnowledgeProduct) -> Document {
    let mut facets = vec![
        (Dimension::Type, product.product_type.as_str().to_owned()),
        (Dimension::Year, product.published_on.format("%Y").to_string()),
    ];
    facets.extend(product.topics.iter().map(|topic| (Dimension::Topic, topic.clone())));
    if let Some(territory) = &product.territory_code {
        facets.push((Dimension::Department, territory.chars().take(2).collect()));
    }
    if let Some(organisation) = &product.organisation_code {
        facets.push((Dimension::Organisation, organisation.clone()));
    }
    Document {
        key: Document::key_for(Kind::Knowledge, &product.id.to_string()),
        kind: Kind::Knowledge,
        title: product.title.clone(),
        summary: product.summary.clone(),
        body: product.body.clone(),
        facets,
        date: product.published_on.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp()),
    }
}
