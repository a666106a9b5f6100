//! The reporting tables as sea-orm sees them; they never leave this context.

sea_table!(data_element, "data_element", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub version: i32,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub value_type: String,
    pub competency: String,
    pub programmatic_unit: Option<String>,
    pub status: String,
    pub successor_code: Option<String>,
    pub updated_at: DateTimeUtc,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
});

sea_table!(information_requirement, "information_requirement", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    pub issuer_code: String,
    pub legal_basis: String,
    pub periodicity: String,
    pub entity_kinds: String,
    pub created_at: DateTimeUtc,
    /// The last period asked; none while it is still asked.
    pub last_period: Option<String>,
    /// The platform reports it from its own records: no entity owes it.
    pub reported_by_platform: bool,
    /// Days after each period within which it is due.
    pub due_days: i32,
});

sea_table!(requirement_element, "requirement_element", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub requirement_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub element_code: String,
    pub position: i32,
});

sea_table!(submission, "submission", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub reporter_code: String,
    pub requirement_code: String,
    pub period: String,
    pub idempotency_key: String,
    pub content_hash: String,
    pub submitted_by: Option<Uuid>,
    pub submitted_at: DateTimeUtc,
    pub accepted: i32,
    pub duplicates: i32,
    pub corrections: i32,
    pub conflicts: i32,
    /// `Vec<sheet::Logged>` as JSON: what each value did, in the order sent.
    pub outcomes: String,
});

sea_table!(observation_sheet, "observation_sheet", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: String,
    /// `sheet::Entries` as JSON.
    pub entries: String,
    /// Observations of the sheet in conflict (the conflict list reads only those sheets).
    pub conflicts: i32,
    /// Bumped by every write: a writer that read an older revision starts again.
    pub revision: i32,
    pub updated_at: DateTimeUtc,
});

use super::model::{DataElement, ElementStatus, Periodicity, Requirement, SubmissionRecord, ValueType};
use crate::territory::TerritorialKind;

impl From<data_element::Model> for DataElement {
    fn from(row: data_element::Model) -> Self {
        Self {
            value_type: ValueType::from_db(&row.value_type).unwrap_or(ValueType::Text),
            status: ElementStatus::from_db(&row.status).unwrap_or(ElementStatus::Active),
            code: row.code,
            version: row.version,
            name: row.name,
            description: row.description,
            unit: row.unit,
            competency: row.competency,
            programmatic_unit: row.programmatic_unit,
            successor_code: row.successor_code,
            updated_at: row.updated_at,
            minimum: row.minimum,
            maximum: row.maximum,
        }
    }
}

pub fn requirement_from(row: information_requirement::Model, element_codes: Vec<String>) -> Requirement {
    Requirement {
        periodicity: Periodicity::from_db(&row.periodicity).unwrap_or(Periodicity::Annual),
        entity_kinds: row.entity_kinds.split(',').filter_map(TerritorialKind::from_db).collect(),
        code: row.code,
        name: row.name,
        issuer_code: row.issuer_code,
        legal_basis: row.legal_basis,
        element_codes,
        created_at: row.created_at,
        last_period: row.last_period,
        reported_by_platform: row.reported_by_platform,
        due_days: row.due_days,
    }
}

impl From<submission::Model> for SubmissionRecord {
    fn from(row: submission::Model) -> Self {
        Self {
            id: row.id,
            reporter_code: row.reporter_code,
            requirement_code: row.requirement_code,
            period: row.period,
            idempotency_key: row.idempotency_key,
            submitted_at: row.submitted_at,
            accepted: row.accepted,
            duplicates: row.duplicates,
            corrections: row.corrections,
            conflicts: row.conflicts,
        }
    }
}
