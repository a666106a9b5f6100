//! Monitoring's tables as sea-orm sees them; they never leave this context.

sea_table!(indicator, "monitoring_indicator", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub version: i32,
    pub name: String,
    pub competency: String,
    pub programmatic_unit: Option<String>,
    pub formula: String,
    /// The elements the formula reads, comma-separated (codes hold no comma).
    pub element_codes: String,
    pub unit: String,
    pub direction: String,
    pub lower_threshold: f64,
    pub upper_threshold: f64,
    pub periodicity: String,
    pub source_note: String,
    pub owner_code: String,
    pub updated_at: DateTimeUtc,
    pub restricted: bool,
});

sea_table!(indicator_value, "monitoring_value", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub entity_code: String,
    pub value: Option<f64>,
    /// Inputs without a served value, comma-separated ("" when none).
    pub missing: String,
    /// Inputs in conflict, comma-separated ("" when none).
    pub conflicting: String,
    pub reason: Option<String>,
    pub computed_at: DateTimeUtc,
});

sea_table!(cursor, "monitoring_cursor", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub position: i64,
});
