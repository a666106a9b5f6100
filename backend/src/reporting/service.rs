//! The reporting service: the catalogue, submissions and status, behind one handle.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::{
    catalogue::Catalogue, coverage::Coverage, served::Served, status::Status, submission::Submissions,
    thesaurus::Thesaurus,
};
use crate::territory::TerritoryService;

#[derive(Clone)]
pub struct ReportingService {
    pub catalogue: Catalogue,
    pub submissions: Submissions,
    pub status: Status,
    /// Who has reported each requirement, per period.
    pub coverage: Coverage,
    /// Served values, as other contexts read them.
    pub served: Served,
}

impl ReportingService {
    /// `thesaurus`: what the near-duplicate proposals read beside the embedded lists.
    pub fn new(db: DatabaseConnection, territory: TerritoryService, thesaurus: Arc<Thesaurus>) -> Self {
        let catalogue = Catalogue::new(db.clone(), thesaurus);
        Self {
            submissions: Submissions::new(db.clone(), catalogue.clone(), territory.clone()),
            status: Status::new(db.clone(), catalogue.clone(), territory.clone()),
            coverage: Coverage::new(db.clone(), catalogue.clone(), territory),
            served: Served::new(db),
            catalogue,
        }
    }
}
