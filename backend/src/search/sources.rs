//! Where indexed documents come from: each context's current state, read when
//! the outbox says it changed or when the index is rebuilt.

use std::collections::HashMap;

use search_index::{Change, Dimension, Document, Kind};
use uuid::Uuid;

use crate::outbox::ChangeEvent;
use crate::{
    assistance::{
        document::search_document as offer_document,
        model::{Offer, OfferStatus},
        AssistanceService,
    },
    classification::{document as unit_document, ClassificationService},
    commission::{model::Commitment, CommissionService},
    consultation::{model::PostedMessage, ConsultationService},
    error::ServiceError,
    knowledge::{document::search_document, KnowledgeService},
    reporting::{model::Requirement, ReportingService},
    talent::{document as vacancy_document, TalentService},
};

#[derive(Clone)]
pub struct Sources {
    pub db: sea_orm::DatabaseConnection,
    pub knowledge: KnowledgeService,
    pub reporting: ReportingService,
    pub assistance: AssistanceService,
    pub commission: CommissionService,
    pub consultation: ConsultationService,
    pub talent: TalentService,
    pub classification: ClassificationService,
}

/// What a batch of outbox events means: index changes, and what to announce.
#[derive(Default)]
pub struct Changes {
    pub index: Vec<Change>,
    /// Offers published now (announced if new to this index).
    pub published: Vec<Offer>,
    /// Commitments as they are now (announced to `commitmentUpdated`).
    pub commitments: Vec<Commitment>,
    /// New consultation messages (announced to the thread's parties).
    pub messages: Vec<PostedMessage>,
}

impl Sources {
    /// The changes the events stand for: the object's current state, or its removal.
    pub async fn changes(&self, events: &[&ChangeEvent]) -> Result<Changes, ServiceError> {
        let mut changes = Vec::new();
        let mut published = Vec::new();
        let knowledge_ids: Vec<Uuid> = events
            .iter()
            .filter(|e| e.kind == Kind::Knowledge.as_str())
            .filter_map(|e| e.object_id.parse().ok())
            .collect();
        if !knowledge_ids.is_empty() {
            let found = self.knowledge.find_many(&knowledge_ids).await?;
            for id in knowledge_ids {
                let key = Document::key_for(Kind::Knowledge, &id.to_string());
                changes.push(match found.get(&id) {
                    Some(product) if product.is_visible() => Change::Upsert(search_document(product)),
                    _ => Change::Delete { key },
                });
            }
        }
        let offer_ids: Vec<Uuid> = events
            .iter()
            .filter(|e| e.kind == Kind::Offer.as_str())
            .filter_map(|e| e.object_id.parse().ok())
            .collect();
        if !offer_ids.is_empty() {
            let found = self.assistance.offers_by_id(&offer_ids).await?;
            for id in offer_ids {
                let key = Document::key_for(Kind::Offer, &id.to_string());
                changes.push(match found.get(&id) {
                    Some(offer) if offer.status == OfferStatus::Published => {
                        published.push(offer.clone());
                        Change::Upsert(offer_document(offer))
                    }
                    _ => Change::Delete { key },
                });
            }
        }
        let requirement_codes: Vec<&str> = events
            .iter()
            .filter(|e| e.kind == Kind::Requirement.as_str())
            .map(|e| e.object_id.as_str())
            .collect();
        if !requirement_codes.is_empty() {
            let documents: HashMap<String, Document> =
                self.requirement_documents().await?.into_iter().map(|d| (d.key.clone(), d)).collect();
            for code in requirement_codes {
                let key = Document::key_for(Kind::Requirement, code);
                changes.push(match documents.get(&key) {
                    Some(document) => Change::Upsert(document.clone()),
                    None => Change::Delete { key },
                });
            }
        }
        let unit_codes: Vec<&str> =
            events.iter().filter(|e| e.kind == Kind::Unit.as_str()).map(|e| e.object_id.as_str()).collect();
        if !unit_codes.is_empty() {
            let documents: HashMap<String, Document> =
                self.unit_documents().await?.into_iter().map(|d| (d.key.clone(), d)).collect();
            for code in unit_codes {
                let key = Document::key_for(Kind::Unit, code);
                changes.push(match documents.get(&key) {
                    Some(document) => Change::Upsert(document.clone()),
                    None => Change::Delete { key },
                });
            }
        }
        let vacancy_ids: Vec<Uuid> = events
            .iter()
            .filter(|e| e.kind == Kind::Vacancy.as_str())
            .filter_map(|e| e.object_id.parse().ok())
            .collect();
        if !vacancy_ids.is_empty() {
            let found: HashMap<Uuid, _> =
                self.talent.vacancies_by_id(&vacancy_ids).await?.into_iter().map(|v| (v.id, v)).collect();
            for id in vacancy_ids {
                let key = Document::key_for(Kind::Vacancy, &id.to_string());
                changes.push(match found.get(&id) {
                    Some(vacancy) if vacancy_document::indexed(vacancy) => {
                        Change::Upsert(vacancy_document::search_document(vacancy))
                    }
                    _ => Change::Delete { key },
                });
            }
        }
        let commitment_ids: Vec<Uuid> = events
            .iter()
            .filter(|e| e.kind == crate::outbox::COMMITMENT)
            .filter_map(|e| e.object_id.parse().ok())
            .collect();
        let commitments = if commitment_ids.is_empty() {
            Vec::new()
        } else {
            self.commission.commitments_by_id(&commitment_ids).await?
        };
        let message_ids: Vec<Uuid> = events
            .iter()
            .filter(|e| e.kind == crate::outbox::MESSAGE)
            .filter_map(|e| e.object_id.parse().ok())
            .collect();
        let messages =
            if message_ids.is_empty() { Vec::new() } else { self.consultation.posted(&message_ids).await? };
        Ok(Changes { index: changes, published, commitments, messages })
    }

    /// Every requirement (the catalogue holds tens to hundreds).
    pub async fn requirement_documents(&self) -> Result<Vec<Document>, ServiceError> {
        let requirements = self.reporting.catalogue.all_requirements().await?;
        let codes: Vec<String> = requirements.iter().flat_map(|r| r.element_codes.iter().cloned()).collect();
        let elements = self.reporting.catalogue.find_data_elements(&codes).await?;
        Ok(requirements
            .iter()
            .map(|requirement| {
                let names: Vec<&str> = requirement
                    .element_codes
                    .iter()
                    .filter_map(|code| elements.get(code).map(|e| e.name.as_str()))
                    .collect();
                requirement_document(requirement, &names)
            })
            .collect())
    }

    /// Every published offer.
    pub async fn offer_documents(&self) -> Result<Vec<Document>, ServiceError> {
        Ok(self.assistance.published_offers().await?.iter().map(offer_document).collect())
    }

    /// Every programmatic unit of the catalogue in force (tens to hundreds).
    pub async fn unit_documents(&self) -> Result<Vec<Document>, ServiceError> {
        let register = self.classification.register().await?;
        let Some(number) = register.current(crate::bogota_time::today()) else { return Ok(Vec::new()) };
        let since = register
            .version(number)
            .and_then(|v| v.effective_on.and_hms_opt(0, 0, 0))
            .map_or(0, |start| start.and_utc().timestamp());
        Ok(unit_document::search_documents(&register.snapshot(number)?, since))
    }

    /// Every vacancy open today.
    pub async fn vacancy_documents(&self) -> Result<Vec<Document>, ServiceError> {
        Ok(self.talent.open_vacancies().await?.iter().map(vacancy_document::search_document).collect())
    }

    /// A batch of knowledge products for the rebuild, and where the next starts.
    pub async fn knowledge_documents_after(
        &self,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<(Vec<Document>, Option<Uuid>), ServiceError> {
        let products = self.knowledge.active_after(after, limit).await?;
        let last = products.last().map(|p| p.id);
        Ok((products.iter().map(search_document).collect(), last))
    }
}

fn requirement_document(requirement: &Requirement, element_names: &[&str]) -> Document {
    Document {
        key: Document::key_for(Kind::Requirement, &requirement.code),
        kind: Kind::Requirement,
        title: requirement.name.clone(),
        summary: format!("{} · {}", requirement.code, requirement.legal_basis),
        body: element_names.join(". "),
        facets: vec![
            (Dimension::Organisation, requirement.issuer_code.clone()),
            (Dimension::Year, requirement.created_at.format("%Y").to_string()),
        ],
        date: requirement.created_at.timestamp(),
    }
}
