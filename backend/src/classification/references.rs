//! What other contexts call a programmatic unit. Data elements and
//! indicators were registered with `programmaticUnit` as free text; each is
//! linked here to the unit whose code or exact name it gives, and what
//! matches nothing is listed for an administrator to correct. The links are
//! computed again whenever the catalogue gets a version (and at start), so
//! they always speak of the current codes.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, EntityTrait, QueryOrder, TransactionTrait};

use super::{
    entity::reference,
    model::{parse_spending_element, CatalogueLevel},
    rules,
    service::{version_or_current, ClassificationService},
};
use crate::{
    authorisation::{rules as access_rules, Actor},
    error::ServiceError,
    pagination::PageRequest,
    reporting::catalogue::ElementFilter,
};

/// Qué tipo de objeto nombra una unidad programática.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ReferenceKind {
    /// Un elemento de datos del catálogo de reporte.
    DataElement,
    /// Un indicador de monitoreo.
    Indicator,
}

impl ReferenceKind {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::DataElement => "DATA_ELEMENT",
            Self::Indicator => "INDICATOR",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        [Self::DataElement, Self::Indicator].into_iter().find(|k| k.as_db() == value)
    }
}

/// A free-text unit and the unit it was linked to, if any.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Reference {
    pub kind: ReferenceKind,
    pub subject_code: String,
    pub free_text: String,
    pub unit_code: Option<String>,
}

impl ClassificationService {
    /// Links every free-text unit of data elements and indicators to the
    /// current catalogue; returns (matched, unmatched).
    #[tracing::instrument(name = "classification.link_references", skip_all)]
    pub async fn link_references(&self) -> Result<(usize, usize), ServiceError> {
        let register = self.register().await?;
        let Ok(number) = version_or_current(&register, None) else { return Ok((0, 0)) };
        let snapshot = register.snapshot(number)?;
        let items: Vec<_> =
            snapshot.values().filter(|i| i.level != CatalogueLevel::Competency).cloned().collect();
        let mut found: Vec<(ReferenceKind, String, String)> = Vec::new();
        let everything = PageRequest { first: 1_000_000, after: None };
        for element in
            self.reporting.catalogue.list_data_elements(&ElementFilter::default(), &everything).await?.items
        {
            // The spending elements are generated from the catalogue: already linked by code.
            if parse_spending_element(&element.code)
                .is_some_and(|(unit, _)| register.all_units().contains_key(unit))
            {
                continue;
            }
            if let Some(text) = element.programmatic_unit {
                found.push((ReferenceKind::DataElement, element.code, text));
            }
        }
        for indicator in self.monitoring.indicators().await? {
            if let Some(text) = indicator.programmatic_unit {
                found.push((ReferenceKind::Indicator, indicator.code, text));
            }
        }
        let now = Utc::now();
        let rows: Vec<reference::ActiveModel> = found
            .iter()
            .map(|(kind, code, text)| reference::ActiveModel {
                subject_kind: Set(kind.as_db().to_owned()),
                subject_code: Set(code.clone()),
                free_text: Set(text.chars().take(200).collect()),
                // A unit, or a service (an indicator that counts what a unit delivers).
                unit_code: Set(rules::match_unit(text, &items)
                    .or_else(|| rules::match_item(text, &items, CatalogueLevel::Service))),
                linked_at: Set(now),
            })
            .collect();
        let matched = rows.iter().filter(|row| matches!(&row.unit_code, Set(Some(_)))).count();
        let transaction = self.db.begin().await?;
        reference::Entity::delete_many().exec(&transaction).await?;
        for chunk in rows.chunks(100) {
            reference::Entity::insert_many(chunk.to_vec()).exec_without_returning(&transaction).await?;
        }
        transaction.commit().await?;
        Ok((matched, rows.len() - matched))
    }

    /// The links, for an administrator: all, or only what matched no unit.
    #[tracing::instrument(name = "classification.references", skip_all)]
    pub async fn references(
        &self,
        actor: &Actor,
        unmatched_only: bool,
    ) -> Result<Vec<Reference>, ServiceError> {
        access_rules::require_admin(actor, "revisar las referencias a unidades programáticas")?;
        let rows = reference::Entity::find()
            .order_by_asc(reference::Column::SubjectKind)
            .order_by_asc(reference::Column::SubjectCode)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|row| !unmatched_only || row.unit_code.is_none())
            .filter_map(|row| {
                Some(Reference {
                    kind: ReferenceKind::from_db(&row.subject_kind)?,
                    subject_code: row.subject_code,
                    free_text: row.free_text,
                    unit_code: row.unit_code,
                })
            })
            .collect())
    }
}
