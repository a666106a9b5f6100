//! How an open vacancy appears in the one search box: public data only (a
//! profile is never indexed). Its facets are the board's: department, level
//! (as the type) and competencies (as topics).

use search_index::{Dimension, Document, Kind};

use super::model::{Vacancy, VacancyStatus};

pub fn search_document(vacancy: &Vacancy) -> Document {
    let mut facets = vec![
        (Dimension::Department, vacancy.department_code.clone()),
        (Dimension::Type, vacancy.level.label().to_owned()),
        (Dimension::Year, vacancy.created_at.format("%Y").to_string()),
    ];
    facets.extend(vacancy.competencies.iter().map(|code| (Dimension::Topic, code.clone())));
    Document {
        key: Document::key_for(Kind::Vacancy, &vacancy.id.to_string()),
        kind: Kind::Vacancy,
        title: vacancy.post.clone(),
        summary: format!(
            "{} · {} · nivel {} · cierra el {}",
            vacancy.place,
            vacancy.entity_code,
            vacancy.level.label(),
            vacancy.closing_on
        ),
        body: format!(
            "{}. {}. Competencias: {}.",
            vacancy.education,
            vacancy.how_to_apply,
            vacancy.competencies.join(", ")
        ),
        facets,
        date: vacancy.created_at.timestamp(),
    }
}

/// Whether a vacancy belongs in the index today.
pub fn indexed(vacancy: &Vacancy) -> bool {
    vacancy.status == VacancyStatus::Open
}
