//! Formation's tables as sea-orm sees them; they never leave this context.

sea_table!(module, "formation_module", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_code: String,
    pub title: String,
    pub summary: String,
    pub objectives: String,
    pub topic: String,
    /// Entity kinds, comma-separated.
    pub target_kinds: String,
    /// Municipal categories, comma-separated ("" for every one).
    pub target_categories: String,
    /// Roles of the staff it is meant for, in words, comma-separated.
    pub target_roles: String,
    pub hours: f64,
    pub pass_mark: i32,
    pub max_attempts: i32,
    /// The ordered lessons (`model::Lesson`).
    pub lessons: Json,
    /// The assessment's questions with their right options (`model::Question`).
    pub questions: Json,
    pub status: String,
    /// The ATT offer of modality «formación» this module is, once published.
    pub offer_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

sea_table!(enrolment, "formation_enrolment", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub module_id: Uuid,
    pub user_id: Uuid,
    pub learner_name: String,
    pub entity_code: String,
    pub department_code: String,
    pub enrolled_by: Option<Uuid>,
    pub enrolled_at: DateTimeUtc,
    pub lessons_done: i32,
    pub attempts: i32,
    pub best_score: Option<i32>,
    pub passed_at: Option<DateTimeUtc>,
});

sea_table!(completion, "formation_completion", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub enrolment_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub lesson: i32,
    pub completed_at: DateTimeUtc,
});

sea_table!(certificate, "formation_certificate", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub enrolment_id: Uuid,
    pub learner_name: String,
    pub module_title: String,
    pub hours: f64,
    pub issued_on: Date,
    pub issuer_name: String,
});

sea_table!(coordinator, "formation_coordinator", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub entity_code: String,
    pub designated_at: DateTimeUtc,
});

sea_table!(programme, "formation_programme", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entity_code: String,
    pub title: String,
    pub objectives: String,
    /// The accompanying parties and their responsibilities (`model::Party`).
    pub parties: Json,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
});

sea_table!(goal, "formation_goal", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub programme_id: Uuid,
    /// Empty when the goal is on an indicator.
    pub element_code: String,
    pub description: String,
    pub baseline_period: String,
    pub baseline_value: f64,
    pub target_value: f64,
    pub target_period: String,
    /// Intermediate (period, value) steps (`model::Milestone`).
    pub milestones: Json,
    pub created_at: DateTimeUtc,
    /// The monitoring indicator the goal is on, when not a data element.
    pub indicator_code: Option<String>,
});

sea_table!(mentor, "formation_mentor", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    /// The organisation that registered the mentor and answers for it.
    pub organisation_code: String,
    /// Topics, comma-separated.
    pub competencies: String,
    pub profile: String,
    /// Departments served, comma-separated ("" for the whole country).
    pub department_codes: String,
    pub hours_per_month: i32,
    /// Shown only to the entity the mentor is matched with.
    pub contact: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
});

sea_table!(mentoring_request, "formation_mentoring_request", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entity_code: String,
    pub topic: String,
    pub need: String,
    pub mentor_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
});

sea_table!(mentoring_session, "formation_mentoring_session", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub held_on: Date,
    pub hours: f64,
    pub notes: String,
    pub rating: Option<i16>,
    pub created_at: DateTimeUtc,
});
