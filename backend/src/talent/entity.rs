//! Talent's tables as sea-orm sees them; they never leave this context.

sea_table!(vacancy, "talent_vacancy", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entity_code: String,
    pub department_code: String,
    pub post: String,
    pub level: String,
    /// Competency codes, comma-separated (codes hold no comma).
    pub competencies: String,
    pub education: String,
    pub experience_months: i32,
    pub salary_grade: String,
    pub salary_amount: i64,
    pub place: String,
    pub appointment: String,
    pub closing_on: Date,
    pub how_to_apply: String,
    pub status: String,
    pub filled_at: Option<DateTimeUtc>,
    /// Whether the person hired was of the vacancy's department (kept after
    /// the person deletes their data: a fact about the vacancy, not about them).
    pub filled_same_region: Option<bool>,
    pub filled_returnee: Option<bool>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

sea_table!(profile, "talent_profile", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub education: String,
    pub experience_months: i32,
    pub experience_summary: String,
    pub competencies: String,
    pub levels: String,
    pub departments: String,
    pub home_department: Option<String>,
    pub willing_to_relocate: bool,
    pub lives_abroad: bool,
    pub show_name: bool,
    pub show_contact: bool,
    pub show_education: bool,
    pub show_experience: bool,
    pub consent_text: String,
    pub consent_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

sea_table!(application, "talent_application", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub vacancy_id: Uuid,
    pub profile_id: Uuid,
    pub stage: String,
    pub applied_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

sea_table!(transfer, "talent_transfer", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entity_code: String,
    pub kind: String,
    pub topic: String,
    pub description: String,
    pub duration_months: i32,
    pub conditions: String,
    pub status: String,
    pub partner_code: Option<String>,
    pub owner_rating: Option<i32>,
    pub partner_rating: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

use super::model::{
    Application, Appointment, Level, Profile, Stage, Transfer, TransferKind, TransferStatus, Vacancy,
    VacancyStatus, Visibility,
};

pub fn split(list: &str) -> Vec<String> {
    list.split(',').filter(|item| !item.is_empty()).map(str::to_owned).collect()
}

impl From<vacancy::Model> for Vacancy {
    fn from(row: vacancy::Model) -> Self {
        Self {
            id: row.id,
            competencies: split(&row.competencies),
            level: Level::from_db(&row.level).unwrap_or(Level::Professional),
            appointment: Appointment::from_db(&row.appointment).unwrap_or(Appointment::Career),
            status: VacancyStatus::from_db(&row.status).unwrap_or(VacancyStatus::Closed),
            entity_code: row.entity_code,
            department_code: row.department_code,
            post: row.post,
            education: row.education,
            experience_months: row.experience_months,
            salary_grade: row.salary_grade,
            salary_amount: row.salary_amount,
            place: row.place,
            closing_on: row.closing_on,
            how_to_apply: row.how_to_apply,
            filled_at: row.filled_at,
            created_at: row.created_at,
        }
    }
}

impl From<profile::Model> for Profile {
    fn from(row: profile::Model) -> Self {
        Self {
            id: row.id,
            user_id: row.user_id,
            competencies: split(&row.competencies),
            levels: split(&row.levels).iter().filter_map(|level| Level::from_db(level)).collect(),
            departments: split(&row.departments),
            visibility: Visibility {
                name: row.show_name,
                contact: row.show_contact,
                education: row.show_education,
                experience: row.show_experience,
            },
            education: row.education,
            experience_months: row.experience_months,
            experience_summary: row.experience_summary,
            home_department: row.home_department,
            willing_to_relocate: row.willing_to_relocate,
            lives_abroad: row.lives_abroad,
            consent_text: row.consent_text,
            consent_at: row.consent_at,
            updated_at: row.updated_at,
        }
    }
}

impl From<application::Model> for Application {
    fn from(row: application::Model) -> Self {
        Self {
            id: row.id,
            vacancy_id: row.vacancy_id,
            profile_id: row.profile_id,
            stage: Stage::from_db(&row.stage).unwrap_or(Stage::Received),
            applied_at: row.applied_at,
            updated_at: row.updated_at,
        }
    }
}

impl From<transfer::Model> for Transfer {
    fn from(row: transfer::Model) -> Self {
        Self {
            id: row.id,
            kind: TransferKind::from_db(&row.kind).unwrap_or(TransferKind::Offer),
            status: TransferStatus::from_db(&row.status).unwrap_or(TransferStatus::Open),
            entity_code: row.entity_code,
            topic: row.topic,
            description: row.description,
            duration_months: row.duration_months,
            conditions: row.conditions,
            partner_code: row.partner_code,
            owner_rating: row.owner_rating,
            partner_rating: row.partner_rating,
            created_at: row.created_at,
        }
    }
}
