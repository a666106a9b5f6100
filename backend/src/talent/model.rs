//! Domain types of talent: vacancies, profiles, applications and transfers
//! as the service hands them out (never the rows themselves).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

/// An enum stored as its GraphQL name: `as_db` and `from_db` in one place.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $db:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_db(self) -> &'static str {
                match self { $($name::$variant => $db),+ }
            }

            pub fn from_db(value: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|item| item.as_db() == value)
            }
        }
    };
}

stored_enum!(
    /// Nivel jerárquico del empleo (Decreto 785 de 2005).
    Level {
        /// Asesor.
        Adviser => "ADVISER",
        /// Profesional.
        Professional => "PROFESSIONAL",
        /// Técnico.
        Technician => "TECHNICIAN",
        /// Asistencial.
        Assistant => "ASSISTANT",
    }
);

impl Level {
    /// How a Colombian job board names the level.
    pub fn label(self) -> &'static str {
        match self {
            Self::Adviser => "asesor",
            Self::Professional => "profesional",
            Self::Technician => "técnico",
            Self::Assistant => "asistencial",
        }
    }
}

stored_enum!(
    /// Forma de vinculación del empleo.
    Appointment {
        /// Carrera administrativa (concurso de méritos).
        Career => "CAREER",
        /// Nombramiento provisional.
        Provisional => "PROVISIONAL",
        /// Libre nombramiento y remoción.
        FreeAppointment => "FREE_APPOINTMENT",
        /// Empleo temporal.
        Temporary => "TEMPORARY",
        /// Contrato de prestación de servicios.
        ServiceContract => "SERVICE_CONTRACT",
    }
);

stored_enum!(
    /// Estado de una vacante. Una vacante abierta cuya fecha de cierre pasó se muestra cerrada.
    VacancyStatus {
        /// Abierta: recibe postulaciones hasta su fecha de cierre.
        Open => "OPEN",
        /// Cerrada: su fecha de cierre pasó o la entidad la cerró.
        Closed => "CLOSED",
        /// Provista: la entidad vinculó a alguien.
        Filled => "FILLED",
    }
);

stored_enum!(
    /// Etapa de una postulación.
    Stage {
        /// Recibida.
        Received => "RECEIVED",
        /// En revisión de requisitos.
        Review => "REVIEW",
        /// Citada a entrevista o prueba.
        Interview => "INTERVIEW",
        /// Seleccionada: la entidad le hizo una oferta.
        Selected => "SELECTED",
        /// Vinculada: la vacante queda provista.
        Hired => "HIRED",
        /// No continúa en el proceso.
        Rejected => "REJECTED",
        /// Retirada por la persona.
        Withdrawn => "WITHDRAWN",
    }
);

stored_enum!(
    /// Sentido de un traslado temporal.
    TransferKind {
        /// La entidad ofrece a alguien de su equipo por un tiempo.
        Offer => "OFFER",
        /// La entidad pide a alguien de otra por un tiempo.
        Request => "REQUEST",
    }
);

stored_enum!(
    /// Estado de un traslado temporal.
    TransferStatus {
        /// Publicado, buscando contraparte.
        Open => "OPEN",
        /// Acordado con otra entidad.
        Agreed => "AGREED",
        /// Evaluado por ambas partes.
        Completed => "COMPLETED",
    }
);

/// A published vacancy: public data only.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vacancy {
    pub id: Uuid,
    pub entity_code: String,
    pub department_code: String,
    pub post: String,
    pub level: Level,
    pub competencies: Vec<String>,
    pub education: String,
    pub experience_months: i32,
    pub salary_grade: String,
    pub salary_amount: i64,
    pub place: String,
    pub appointment: Appointment,
    pub closing_on: NaiveDate,
    pub how_to_apply: String,
    /// As stored; `rules::effective_status` says what it is today.
    pub status: VacancyStatus,
    pub filled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A vacancy to publish, as received.
#[derive(Debug, Clone)]
pub struct NewVacancy {
    pub entity_code: String,
    pub post: String,
    pub level: Level,
    pub competencies: Vec<String>,
    pub education: String,
    pub experience_months: i32,
    pub salary_grade: String,
    pub salary_amount: i64,
    pub place: String,
    pub appointment: Appointment,
    pub closing_on: NaiveDate,
    pub how_to_apply: String,
}

/// What a person agreed to show to an entity that matches them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Visibility {
    pub name: bool,
    pub contact: bool,
    pub education: bool,
    pub experience: bool,
}

/// A talent profile, as its owner sees it. Never public.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: Uuid,
    pub user_id: Uuid,
    pub education: String,
    pub experience_months: i32,
    pub experience_summary: String,
    pub competencies: Vec<String>,
    pub levels: Vec<Level>,
    pub departments: Vec<String>,
    pub home_department: Option<String>,
    pub willing_to_relocate: bool,
    pub lives_abroad: bool,
    pub visibility: Visibility,
    pub consent_text: String,
    pub consent_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A profile as its owner writes it.
#[derive(Debug, Clone)]
pub struct ProfileInput {
    pub education: String,
    pub experience_months: i32,
    pub experience_summary: String,
    pub competencies: Vec<String>,
    pub levels: Vec<Level>,
    pub departments: Vec<String>,
    pub home_department: Option<String>,
    pub willing_to_relocate: bool,
    pub lives_abroad: bool,
    pub visibility: Visibility,
    /// The person ticked the consent whose text is `rules::CONSENT_TEXT`.
    pub consent: bool,
}

/// What an entity sees of a candidate: only what the person agreed to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub name: Option<String>,
    pub email: Option<String>,
    pub education: Option<String>,
    pub experience_summary: Option<String>,
    pub experience_months: i32,
    pub competencies: Vec<String>,
    pub lives_abroad: bool,
}

/// An application, with the vacancy it is for.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: Uuid,
    pub vacancy_id: Uuid,
    pub profile_id: Uuid,
    pub stage: Stage,
    pub applied_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A temporary transfer between entities.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transfer {
    pub id: Uuid,
    pub entity_code: String,
    pub kind: TransferKind,
    pub topic: String,
    pub description: String,
    pub duration_months: i32,
    pub conditions: String,
    pub status: TransferStatus,
    pub partner_code: Option<String>,
    pub owner_rating: Option<i32>,
    pub partner_rating: Option<i32>,
    pub created_at: DateTime<Utc>,
}

/// A transfer to publish, as received.
#[derive(Debug, Clone)]
pub struct NewTransfer {
    pub entity_code: String,
    pub kind: TransferKind,
    pub topic: String,
    pub description: String,
    pub duration_months: i32,
    pub conditions: String,
}
