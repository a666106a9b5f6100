//! Threads, messages and read marks, and their tables.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

sea_table!(thread, "consultation_thread", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entity_code: String,
    pub organisation_code: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub title: String,
    pub opened_by: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub last_message_at: DateTimeUtc,
    pub first_answer_at: Option<DateTimeUtc>,
});

sea_table!(message, "consultation_message", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub thread_id: Uuid,
    pub author_id: Option<Uuid>,
    pub author_label: String,
    pub side: String,
    pub body: String,
    pub documents: Json,
    pub created_at: DateTimeUtc,
});

sea_table!(read_mark, "consultation_read", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub thread_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub last_read_at: DateTimeUtc,
});

/// What a thread is about.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SubjectKind {
    /// Una oferta de asistencia técnica.
    Offer,
    /// Un requerimiento de información.
    Requirement,
    /// Un compromiso de la Comisión.
    Commitment,
}

impl SubjectKind {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Offer => "OFFER",
            Self::Requirement => "REQUIREMENT",
            Self::Commitment => "COMMITMENT",
        }
    }

    pub fn from_db(value: &str) -> SubjectKind {
        match value {
            "REQUIREMENT" => Self::Requirement,
            "COMMITMENT" => Self::Commitment,
            _ => Self::Offer,
        }
    }
}

/// The two sides of a thread.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Side {
    /// La entidad territorial.
    Territorial,
    /// La entidad nacional (o la secretaría técnica).
    National,
}

impl Side {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Territorial => "TERRITORIAL",
            Self::National => "NATIONAL",
        }
    }

    pub fn from_db(value: &str) -> Side {
        if value == "NATIONAL" {
            Self::National
        } else {
            Self::Territorial
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Thread {
    pub id: Uuid,
    pub entity_code: String,
    pub organisation_code: String,
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    pub title: String,
    pub opened_by: Side,
    pub created_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
    pub first_answer_at: Option<DateTime<Utc>>,
}

impl From<thread::Model> for Thread {
    fn from(row: thread::Model) -> Self {
        Self {
            id: row.id,
            entity_code: row.entity_code,
            organisation_code: row.organisation_code,
            subject_kind: SubjectKind::from_db(&row.subject_kind),
            subject_id: row.subject_id,
            title: row.title,
            opened_by: Side::from_db(&row.opened_by),
            created_at: row.created_at,
            last_message_at: row.last_message_at,
            first_answer_at: row.first_answer_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub id: Uuid,
    pub thread_id: Uuid,
    pub author_id: Option<Uuid>,
    pub author_label: String,
    pub side: Side,
    pub body: String,
    /// Knowledge-base documents attached.
    pub documents: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<message::Model> for Message {
    fn from(row: message::Model) -> Self {
        Self {
            id: row.id,
            thread_id: row.thread_id,
            author_id: row.author_id,
            author_label: row.author_label,
            side: Side::from_db(&row.side),
            body: row.body,
            documents: serde_json::from_value(row.documents).unwrap_or_default(),
            created_at: row.created_at,
        }
    }
}

/// A message as announced to subscribers, with who may hear it.
#[derive(Debug, Clone, PartialEq)]
pub struct PostedMessage {
    pub message: Message,
    pub entity_code: String,
    /// The entity's department, so that a department's teams hear their municipalities' threads.
    pub entity_department: Option<String>,
    pub organisation_code: String,
}
