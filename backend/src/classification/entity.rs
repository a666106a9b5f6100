//! Classification's tables as sea-orm sees them; they never leave this context.

sea_table!(version, "classification_version", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub number: i32,
    pub effective_on: Date,
    pub note: String,
    pub approved_by: String,
    pub created_at: DateTimeUtc,
});

sea_table!(item, "classification_item", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub since_version: i32,
    /// The first version without this row (`None`: still current).
    pub until_version: Option<i32>,
    pub level: String,
    pub parent_code: Option<String>,
    pub name: String,
    pub description: String,
    /// Entity kinds that hold it, comma-separated.
    pub entity_kinds: String,
    pub legal_basis: String,
});

sea_table!(proposal, "classification_proposal", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub reason: String,
    /// The proposed change, as JSON (`model::ProposedChange`).
    pub change: String,
    pub proposer_code: String,
    pub proposer_id: Option<Uuid>,
    pub status: String,
    pub decision_note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub version: Option<i32>,
    pub created_at: DateTimeUtc,
});

sea_table!(crosswalk, "classification_crosswalk", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub from_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub to_code: String,
    pub share_basis_points: i32,
});

sea_table!(reference, "classification_reference", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject_kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject_code: String,
    pub free_text: String,
    pub unit_code: Option<String>,
    pub linked_at: DateTimeUtc,
});

sea_table!(account_map, "classification_account_map", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_code: String,
    pub unit_code: String,
    pub note: String,
    pub set_by: String,
    pub set_at: DateTimeUtc,
});
