//! Offers and demands of technical assistance (ATT), and their tables.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::territory::{MunicipalCategory, TerritorialKind};

sea_table!(offer, "att_offer", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_code: String,
    pub title: String,
    pub description: String,
    pub topic: String,
    pub competency: Option<String>,
    /// The programmatic unit it serves, as its organisation wrote it (a code or a name).
    pub programmatic_unit: Option<String>,
    pub modality: String,
    pub target_kinds: String,
    pub target_categories: String,
    pub department_codes: Json,
    pub starts_on: Date,
    pub ends_on: Date,
    pub capacity: i32,
    pub cost_to_entity: i64,
    pub contact: String,
    pub status: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

sea_table!(demand, "att_demand", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entity_code: String,
    pub need: String,
    pub topic: String,
    pub priority: String,
    pub capacity_gap: String,
    pub desired_from: Option<Date>,
    pub desired_to: Option<Date>,
    pub status: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

sea_table!(assignment, "att_assignment", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub offer_id: Uuid,
    pub demand_id: Uuid,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
});

/// Modalidad de la asistencia.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Modality {
    /// Presencial.
    InPerson,
    /// Virtual.
    Virtual,
    /// Mixta.
    Mixed,
    /// Formación: un módulo de formación abierto a los territorios (la oferta lo enlaza).
    Training,
}

impl Modality {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InPerson => "presencial",
            Self::Virtual => "virtual",
            Self::Mixed => "mixta",
            Self::Training => "formación",
        }
    }

    pub fn from_db(value: &str) -> Modality {
        match value {
            "virtual" => Self::Virtual,
            "mixta" => Self::Mixed,
            "formación" => Self::Training,
            _ => Self::InPerson,
        }
    }
}

/// Estado de una oferta: borrador → publicada → cerrada o archivada.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OfferStatus {
    Draft,
    Published,
    Closed,
    Archived,
}

impl OfferStatus {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Closed => "closed",
            Self::Archived => "archived",
        }
    }

    /// As a user reads it: «publicada», «cerrada»…
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "borrador",
            Self::Published => "publicada",
            Self::Closed => "cerrada",
            Self::Archived => "archivada",
        }
    }

    pub fn from_db(value: &str) -> OfferStatus {
        match value {
            "published" => Self::Published,
            "closed" => Self::Closed,
            "archived" => Self::Archived,
            _ => Self::Draft,
        }
    }
}

/// Prioridad de una demanda para la entidad que la registra.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Priority {
    High,
    Medium,
    Low,
}

impl Priority {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }

    pub fn from_db(value: &str) -> Priority {
        match value {
            "high" => Self::High,
            "low" => Self::Low,
            _ => Self::Medium,
        }
    }
}

/// Estado de una demanda: abierta → emparejada → atendida → cerrada.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DemandStatus {
    Open,
    Matched,
    Attended,
    Closed,
}

impl DemandStatus {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Matched => "matched",
            Self::Attended => "attended",
            Self::Closed => "closed",
        }
    }

    pub fn from_db(value: &str) -> DemandStatus {
        match value {
            "matched" => Self::Matched,
            "attended" => Self::Attended,
            "closed" => Self::Closed,
            _ => Self::Open,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offer {
    pub id: Uuid,
    pub organisation_code: String,
    pub title: String,
    pub description: String,
    pub topic: String,
    pub competency: Option<String>,
    /// The programmatic unit it serves (a catalogue code or name; the classification links it).
    pub programmatic_unit: Option<String>,
    pub modality: Modality,
    pub target_kinds: Vec<TerritorialKind>,
    /// Empty: every category.
    pub target_categories: Vec<MunicipalCategory>,
    /// Empty: the whole country.
    pub department_codes: Vec<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub cost_to_entity: i64,
    pub contact: String,
    pub status: OfferStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<offer::Model> for Offer {
    fn from(row: offer::Model) -> Self {
        let split =
            |text: &str| text.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect::<Vec<_>>();
        Self {
            id: row.id,
            organisation_code: row.organisation_code,
            title: row.title,
            description: row.description,
            topic: row.topic,
            competency: row.competency,
            programmatic_unit: row.programmatic_unit,
            modality: Modality::from_db(&row.modality),
            target_kinds: split(&row.target_kinds)
                .iter()
                .filter_map(|k| TerritorialKind::from_db(k))
                .collect(),
            target_categories: split(&row.target_categories)
                .iter()
                .filter_map(|c| MunicipalCategory::from_db(c))
                .collect(),
            department_codes: serde_json::from_value(row.department_codes).unwrap_or_default(),
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            capacity: row.capacity,
            cost_to_entity: row.cost_to_entity,
            contact: row.contact,
            status: OfferStatus::from_db(&row.status),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Demand {
    pub id: Uuid,
    pub entity_code: String,
    pub need: String,
    pub topic: String,
    pub priority: Priority,
    pub capacity_gap: String,
    pub desired_from: Option<NaiveDate>,
    pub desired_to: Option<NaiveDate>,
    pub status: DemandStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<demand::Model> for Demand {
    fn from(row: demand::Model) -> Self {
        Self {
            id: row.id,
            entity_code: row.entity_code,
            need: row.need,
            topic: row.topic,
            priority: Priority::from_db(&row.priority),
            capacity_gap: row.capacity_gap,
            desired_from: row.desired_from,
            desired_to: row.desired_to,
            status: DemandStatus::from_db(&row.status),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

sea_table!(delivery, "att_delivery", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub assignment_id: Uuid,
    pub delivered_on: Date,
    pub hours: f64,
    pub participants: i32,
    pub modality: String,
    pub notes: String,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
});

sea_table!(evaluation, "att_evaluation", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub delivery_id: Uuid,
    pub satisfaction: i16,
    pub capacity_installed: bool,
    pub comments: String,
    pub evaluated_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
});

sea_table!(delivery_comment, "att_delivery_comment", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub delivery_id: Uuid,
    pub entity_code: String,
    pub author_id: Option<Uuid>,
    pub body: String,
    pub created_at: DateTimeUtc,
});

/// What the receiving municipality's department says of a delivery.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryComment {
    pub id: Uuid,
    pub entity_code: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<delivery_comment::Model> for DeliveryComment {
    fn from(row: delivery_comment::Model) -> Self {
        Self { id: row.id, entity_code: row.entity_code, body: row.body, created_at: row.created_at }
    }
}

/// One delivery of assigned assistance: a session, a workshop, a visit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    pub id: Uuid,
    pub offer_id: Uuid,
    pub demand_id: Uuid,
    pub delivered_on: NaiveDate,
    pub hours: f64,
    pub participants: i32,
    pub modality: Modality,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    /// The receiving entity's evaluation, once given.
    pub evaluation: Option<Evaluation>,
    /// The department's comments, oldest first.
    pub comments: Vec<DeliveryComment>,
}

/// What the territorial entity says of a delivery.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// 1 (nada satisfecha) to 5 (muy satisfecha).
    pub satisfaction: i16,
    /// Whether the entity can now do alone what the assistance taught.
    pub capacity_installed: bool,
    pub comments: String,
    pub created_at: DateTime<Utc>,
}

impl From<evaluation::Model> for Evaluation {
    fn from(row: evaluation::Model) -> Self {
        Self {
            satisfaction: row.satisfaction,
            capacity_installed: row.capacity_installed,
            comments: row.comments,
            created_at: row.created_at,
        }
    }
}

impl Delivery {
    pub fn from_rows(
        row: delivery::Model,
        assignment: &assignment::Model,
        evaluation: Option<evaluation::Model>,
        comments: Vec<DeliveryComment>,
    ) -> Self {
        Self {
            id: row.id,
            offer_id: assignment.offer_id,
            demand_id: assignment.demand_id,
            delivered_on: row.delivered_on,
            hours: row.hours,
            participants: row.participants,
            modality: Modality::from_db(&row.modality),
            notes: row.notes,
            created_at: row.created_at,
            evaluation: evaluation.map(Into::into),
            comments,
        }
    }
}
