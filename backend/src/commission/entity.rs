//! The commission's tables as sea-orm sees them; they never leave this context.

sea_table!(participant, "commission_participant", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_code: String,
    pub role: String,
    pub presides: bool,
    pub secretariat: bool,
    /// An invitee's kind (`model::InviteeKind`); `None` for a member.
    pub invitee_kind: Option<String>,
    /// The RAP a RAP delegate represents.
    pub rap_region_code: Option<String>,
    pub joined_at: Option<DateTimeUtc>,
    /// When it left its seat; `None` while it sits.
    pub left_at: Option<DateTimeUtc>,
});

sea_table!(internal_rules, "commission_internal_rules", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    pub decision_id: Uuid,
    pub text: String,
    /// Invitee kinds admitted, comma-separated.
    pub admitted_kinds: String,
    /// RAP codes in the order their delegates take the seat, comma-separated.
    pub rap_rotation: String,
    pub rotation_months: i32,
    pub effective_from: Date,
    pub adopted_by: String,
    pub adopted_at: DateTimeUtc,
});

sea_table!(delegate, "commission_delegate", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_code: String,
    pub name: String,
    pub position: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
});

sea_table!(session, "commission_session", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub working_group_id: Option<Uuid>,
    pub kind: String,
    pub scheduled_at: DateTimeUtc,
    pub place: String,
    pub agenda: Json,
    pub guest_requests: Json,
    pub minutes: Option<String>,
    pub minutes_approved_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
});

sea_table!(attendance, "commission_attendance", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_code: String,
    pub delegate_id: Option<Uuid>,
});

sea_table!(decision, "commission_decision", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_id: Uuid,
    pub title: String,
    pub description: String,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub present_at_close: Option<i32>,
});

sea_table!(vote, "commission_vote", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub decision_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_code: String,
    pub vote: String,
});

sea_table!(commitment, "commitment", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_id: Uuid,
    pub work_plan_item_id: Option<Uuid>,
    pub description: String,
    pub responsible_code: String,
    pub due_date: Date,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
});

sea_table!(commitment_note, "commitment_note", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub commitment_id: Uuid,
    pub note: String,
    pub evidence_url: Option<String>,
    pub author_label: String,
    pub created_at: DateTimeUtc,
});

sea_table!(working_group, "working_group", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub purpose: String,
});

sea_table!(working_group_member, "working_group_member", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_code: String,
});

sea_table!(work_plan_item, "work_plan_item", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub year: i32,
    pub position: i32,
    pub objective: String,
    pub topic: String,
    pub responsible_code: String,
    pub investment: i64,
});

sea_table!(agenda_route, "agenda_route", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub year: i32,
    pub name: String,
    pub objective: String,
    pub participants: String,
    pub territories: String,
    pub status: String,
    pub updated_at: DateTimeUtc,
});
