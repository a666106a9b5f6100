//! How a published offer appears in the search index.

use search_index::{Dimension, Document, Kind};

use super::model::Offer;

pub fn search_document(offer: &Offer) -> Document {
    let mut facets = vec![
        (Dimension::Topic, offer.topic.clone()),
        (Dimension::Organisation, offer.organisation_code.clone()),
        (Dimension::Modality, offer.modality.as_str().to_owned()),
        (Dimension::Year, offer.starts_on.format("%Y").to_string()),
    ];
    facets.extend(offer.department_codes.iter().map(|d| (Dimension::Department, d.clone())));
    Document {
        key: Document::key_for(Kind::Offer, &offer.id.to_string()),
        kind: Kind::Offer,
        title: offer.title.clone(),
        summary: format!("{} · {} · {}", offer.topic, offer.modality.as_str(), offer.organisation_code),
        body: offer.description.clone(),
        facets,
        date: offer.created_at.timestamp(),
    }
}
