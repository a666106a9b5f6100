//! Domain types of formation and accompaniment.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::territory::{MunicipalCategory, TerritorialKind};

/// Estado de un módulo de formación: borrador → publicado → archivado.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ModuleStatus {
    Draft,
    Published,
    Archived,
}

impl ModuleStatus {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Archived => "archived",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        [Self::Draft, Self::Published, Self::Archived].into_iter().find(|s| s.as_db() == value)
    }

    /// The state in words, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "en borrador",
            Self::Published => "publicado",
            Self::Archived => "archivado",
        }
    }
}

/// A lesson: its own Markdown, or a knowledge product cited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub title: String,
    pub body: Option<String>,
    pub knowledge_product_id: Option<Uuid>,
}

/// A question of the assessment; `correct` never leaves the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub prompt: String,
    pub options: Vec<String>,
    pub correct: i32,
}

/// A training module.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Module {
    pub id: Uuid,
    pub organisation_code: String,
    pub title: String,
    pub summary: String,
    pub objectives: String,
    pub topic: String,
    pub target_kinds: Vec<TerritorialKind>,
    pub target_categories: Vec<MunicipalCategory>,
    pub target_roles: Vec<String>,
    pub hours: f64,
    pub pass_mark: i32,
    pub max_attempts: i32,
    pub lessons: Vec<Lesson>,
    #[serde(skip)]
    pub questions: Vec<Question>,
    pub status: ModuleStatus,
    pub offer_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A module as its organisation declares it.
#[derive(Debug, Clone)]
pub struct NewModule {
    pub organisation_code: Option<String>,
    pub title: String,
    pub summary: String,
    pub objectives: String,
    pub topic: String,
    pub target_kinds: Vec<TerritorialKind>,
    pub target_categories: Vec<MunicipalCategory>,
    pub target_roles: Vec<String>,
    pub hours: f64,
    pub pass_mark: i32,
    pub max_attempts: i32,
    pub lessons: Vec<Lesson>,
    pub questions: Vec<Question>,
}

/// A learner's enrolment in a module, with its progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enrolment {
    pub id: Uuid,
    pub module_id: Uuid,
    pub user_id: Uuid,
    pub learner_name: String,
    pub entity_code: String,
    pub department_code: String,
    pub enrolled_at: DateTime<Utc>,
    pub lessons_done: i32,
    pub attempts: i32,
    pub best_score: Option<i32>,
    pub passed_at: Option<DateTime<Utc>>,
}

/// A certificate, as anyone verifies it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Certificate {
    pub code: String,
    pub enrolment_id: Uuid,
    pub learner_name: String,
    pub module_title: String,
    pub hours: f64,
    pub issued_on: NaiveDate,
    pub issuer_name: String,
}

/// What an attempt at the assessment gave.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    pub enrolment: Enrolment,
    pub score: i32,
    pub correct: usize,
    pub total: usize,
    pub passed: bool,
    pub attempts_left: i32,
    pub certificate: Option<Certificate>,
}

/// Agrupación de la finalización de la formación.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompletionGrouping {
    /// Por departamento.
    Department,
    /// Por categoría municipal.
    Category,
    /// Por grupo de capacidades.
    CapacityGroup,
    /// Por entidad (los municipios de un departamento, con `departmentCode`).
    Entity,
}

/// Enrolments and certificates of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionRow {
    pub group: String,
    pub enrolled: u64,
    pub certified: u64,
}

/// An accompanying party and what it answers for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// An organisation's code, or the entity's own DIVIPOLA code.
    pub code: String,
    pub responsibility: String,
}

/// An accompaniment programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Programme {
    pub id: Uuid,
    pub entity_code: String,
    pub title: String,
    pub objectives: String,
    pub parties: Vec<Party>,
    pub created_at: DateTime<Utc>,
}

/// An intermediate step of a goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub period: String,
    pub value: f64,
}

/// Estado de un hito de una meta, según lo reportado para su periodo.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum MilestoneState {
    /// Lo reportado alcanza el hito.
    Met,
    /// Lo reportado no alcanza el hito.
    Missed,
    /// Aún no hay valor reportado para el periodo.
    Pending,
}

/// A measurable goal of a programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Goal {
    pub id: Uuid,
    pub programme_id: Uuid,
    /// Empty when the goal is on an indicator.
    pub element_code: String,
    /// The monitoring indicator it is on, when not a data element.
    pub indicator_code: Option<String>,
    pub description: String,
    pub baseline_period: String,
    pub baseline_value: f64,
    pub target_value: f64,
    pub target_period: String,
    pub milestones: Vec<Milestone>,
}

/// A goal as declared (the baseline value is read from what the entity reported).
#[derive(Debug, Clone)]
pub struct NewGoal {
    pub programme_id: Uuid,
    /// One of the two: a data element the entity reports, or an indicator
    /// computed from what it reports (`rules::goal_measure`).
    pub element_code: Option<String>,
    pub indicator_code: Option<String>,
    pub description: String,
    pub baseline_period: String,
    pub target_value: f64,
    pub target_period: String,
    pub milestones: Vec<Milestone>,
}

/// What a goal measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measure {
    Element(String),
    Indicator(String),
}

/// A goal with its progress computed from the served values.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalProgress {
    pub goal: Goal,
    /// The latest reported (period, value) after the baseline, if any.
    pub latest: Option<(String, f64)>,
    /// 0 to 1.
    pub progress: f64,
    /// The latest value is in conflict between reporters.
    pub in_conflict: bool,
    pub milestones: Vec<(Milestone, MilestoneState)>,
    /// Every reported (period, value) from the baseline on, for the chart.
    pub series: Vec<(String, f64)>,
}

/// Tipo de mentor de la red.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MentorKind {
    /// Experto nacional.
    NationalExpert,
    /// Voluntario de posgrado.
    PostgraduateVolunteer,
    /// Academia.
    Academia,
    /// Sector privado.
    PrivateSector,
}

impl MentorKind {
    const ALL: [Self; 4] =
        [Self::NationalExpert, Self::PostgraduateVolunteer, Self::Academia, Self::PrivateSector];

    pub fn as_db(self) -> &'static str {
        match self {
            Self::NationalExpert => "NATIONAL_EXPERT",
            Self::PostgraduateVolunteer => "POSTGRADUATE_VOLUNTEER",
            Self::Academia => "ACADEMIA",
            Self::PrivateSector => "PRIVATE_SECTOR",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_db() == value)
    }
}

/// A mentor of the network; `contact` is shown only to the entity matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mentor {
    pub id: Uuid,
    pub name: String,
    pub kind: MentorKind,
    pub organisation_code: String,
    pub competencies: Vec<String>,
    pub profile: String,
    pub department_codes: Vec<String>,
    pub hours_per_month: i32,
    pub contact: String,
}

/// A mentor as registered.
#[derive(Debug, Clone)]
pub struct NewMentor {
    pub organisation_code: Option<String>,
    pub name: String,
    pub kind: MentorKind,
    pub competencies: Vec<String>,
    pub profile: String,
    pub department_codes: Vec<String>,
    pub hours_per_month: i32,
    pub contact: String,
}

/// A territorial entity's request for mentoring on a topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MentoringRequest {
    pub id: Uuid,
    pub entity_code: String,
    pub topic: String,
    pub need: String,
    pub mentor_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A mentoring session, logged by the mentor's side and rated by the entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MentoringSession {
    pub id: Uuid,
    pub request_id: Uuid,
    pub held_on: NaiveDate,
    pub hours: f64,
    pub notes: String,
    pub rating: Option<i16>,
}
