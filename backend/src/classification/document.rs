//! How a programmatic unit of the catalogue in force appears in the one
//! search box: its code, name, competency, services and legal basis, so a
//! search for a service («raciones escolares») finds the unit that delivers
//! it. Its topic is its competency's code, as vacancies' are.

use search_index::{Dimension, Document, Kind};

use super::{
    model::{CatalogueLevel, Item},
    rules::Snapshot,
};

/// The documents of every unit of a version, dated by its start.
pub fn search_documents(snapshot: &Snapshot, effective_since: i64) -> Vec<Document> {
    snapshot
        .values()
        .filter(|item| item.level == CatalogueLevel::Unit)
        .map(|unit| search_document(unit, snapshot, effective_since))
        .collect()
}

pub fn search_document(unit: &Item, snapshot: &Snapshot, effective_since: i64) -> Document {
    let competency = unit.parent_code.as_deref().and_then(|code| snapshot.get(code));
    let services: Vec<&str> = snapshot
        .values()
        .filter(|item| item.parent_code.as_deref() == Some(unit.code.as_str()))
        .map(|service| service.name.as_str())
        .collect();
    Document {
        key: Document::key_for(Kind::Unit, &unit.code),
        kind: Kind::Unit,
        title: unit.name.clone(),
        summary: format!(
            "Unidad programática {} · {} · {}",
            unit.code,
            competency.map_or("", |c| c.name.as_str()),
            unit.legal_basis
        ),
        body: format!("{} Bienes y servicios: {}.", unit.description, services.join("; ")),
        facets: competency.map(|c| (Dimension::Topic, c.code.clone())).into_iter().collect(),
        date: effective_since,
    }
}
