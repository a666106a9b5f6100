//! What other contexts call a programmatic unit. Data elements, indicators,
//! ATT offers and knowledge products name one in `programmaticUnit`, as free
//! text (the contexts below the classification cannot check a code); each is
//! linked here to the unit whose code or exact name it gives, and what
//! matches nothing is listed for an administrator to correct. The links are
//! computed again at start, whenever the catalogue gets a version, and after
//! changes reach this instance (an offer or a product saved), so they always
//! speak of the current codes.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{ActiveValue::Set, EntityTrait, QueryOrder, TransactionTrait};
use tokio::sync::broadcast::{
    self,
    error::{RecvError, TryRecvError},
};

use super::{
    entity::reference,
    model::{parse_spending_element, CatalogueLevel},
    rules,
    service::{version_or_current, ClassificationService},
};
use crate::{
    authorisation::{rules as access_rules, Actor},
    error::ServiceError,
    events::ChangesApplied,
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
    /// Una oferta de asistencia técnica (su código es su id).
    Offer,
    /// Un producto de la base de conocimiento (su código es su id).
    KnowledgeProduct,
}

impl ReferenceKind {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::DataElement => "DATA_ELEMENT",
            Self::Indicator => "INDICATOR",
            Self::Offer => "OFFER",
            Self::KnowledgeProduct => "KNOWLEDGE_PRODUCT",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        [Self::DataElement, Self::Indicator, Self::Offer, Self::KnowledgeProduct]
            .into_iter()
            .find(|k| k.as_db() == value)
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
        for (id, text) in self.assistance.programmatic_units().await? {
            found.push((ReferenceKind::Offer, id.to_string(), text));
        }
        for (id, text) in self.knowledge.programmatic_units().await? {
            found.push((ReferenceKind::KnowledgeProduct, id.to_string(), text));
        }
        // (kind, subject, text, unit or service linked): a unit, or a service
        // for an indicator that counts what a unit delivers.
        let computed: HashSet<(String, String, String, Option<String>)> = found
            .iter()
            .map(|(kind, code, text)| {
                let linked = rules::match_unit(text, &items)
                    .or_else(|| rules::match_item(text, &items, CatalogueLevel::Service));
                (kind.as_db().to_owned(), code.clone(), text.chars().take(200).collect(), linked)
            })
            .collect();
        let matched = computed.iter().filter(|link| link.3.is_some()).count();
        let counts = (matched, computed.len() - matched);
        // Unchanged links are not rewritten: the linker runs after every burst of changes.
        let stored: HashSet<_> = reference::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| (row.subject_kind, row.subject_code, row.free_text, row.unit_code))
            .collect();
        if stored == computed {
            return Ok(counts);
        }
        let now = Utc::now();
        let rows: Vec<reference::ActiveModel> = computed
            .into_iter()
            .map(|(kind, code, text, unit)| reference::ActiveModel {
                subject_kind: Set(kind),
                subject_code: Set(code),
                free_text: Set(text),
                unit_code: Set(unit),
                linked_at: Set(now),
            })
            .collect();
        let transaction = self.db.begin().await?;
        reference::Entity::delete_many().exec(&transaction).await?;
        for chunk in rows.chunks(100) {
            reference::Entity::insert_many(chunk.to_vec()).exec_without_returning(&transaction).await?;
        }
        transaction.commit().await?;
        Ok(counts)
    }

    /// Links the references again after each burst of changes this instance
    /// applies (a burst waits half a second and is linked once).
    pub fn spawn_linker(&self, mut changes: broadcast::Receiver<ChangesApplied>) {
        let service = self.clone();
        tokio::spawn(async move {
            loop {
                match changes.recv().await {
                    Ok(ChangesApplied) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                }
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                while !matches!(changes.try_recv(), Err(TryRecvError::Empty | TryRecvError::Closed)) {}
                if let Err(error) = service.link_references().await {
                    tracing::warn!(%error, "no se enlazaron las referencias a unidades programáticas");
                }
            }
        });
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
