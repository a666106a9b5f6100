//! Observations kept as one document per (subject entity, period), and each
//! submission's own log of what its values did.
//!
//! One indexed row per value (observation, observation_value,
//! observation_source) capped submissions at about 1,000/s on PostgreSQL; a
//! submission nearly always describes one entity and one period, so one row
//! per (entity, period) is one read and one write. Existing observations are
//! converted, then the three per-value tables are dropped.

use std::collections::{BTreeMap, HashMap};

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement},
};
use serde_json::{json, Map, Value as Json};

use crate::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TerritorialEntity {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum ObservationSheet {
    Table,
    SubjectCode,
    Period,
    Entries,
    Conflicts,
    Revision,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Submission {
    Table,
    Id,
    Outcomes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ObservationSheet::Table)
                    .col(ColumnDef::new(ObservationSheet::SubjectCode).string_len(5).not_null())
                    .col(ColumnDef::new(ObservationSheet::Period).string_len(10).not_null())
                    .col(ColumnDef::new(ObservationSheet::Entries).text().not_null())
                    .col(ColumnDef::new(ObservationSheet::Conflicts).integer().not_null().default(0))
                    .col(ColumnDef::new(ObservationSheet::Revision).integer().not_null().default(0))
                    .col(ColumnDef::new(ObservationSheet::UpdatedAt).timestamp_with_time_zone().not_null())
                    .primary_key(
                        Index::create().col(ObservationSheet::SubjectCode).col(ObservationSheet::Period),
                    )
                    .foreign_key(&mut foreign_key(
                        "fk_observation_sheet_subject",
                        (ObservationSheet::Table, ObservationSheet::SubjectCode),
                        (TerritorialEntity::Table, TerritorialEntity::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_observation_sheet_conflicts")
                    .table(ObservationSheet::Table)
                    .col(ObservationSheet::Conflicts)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Submission::Table)
                    .add_column(ColumnDef::new(Submission::Outcomes).text().not_null().default("[]"))
                    .to_owned(),
            )
            .await?;
        convert(manager).await?;
        for table in ["observation_source", "observation_value", "observation"] {
            manager.drop_table(Table::drop().table(Alias::new(table)).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "la conversión a hojas de observaciones no se deshace: restaure la copia de seguridad anterior"
                .into(),
        ))
    }
}

fn get<T: sea_orm_migration::sea_orm::TryGetable>(row: &QueryResult, column: &str) -> Result<T, DbErr> {
    row.try_get("", column)
}

/// A sheet being built: its entries by element, observations in conflict, last update.
type Sheet = (Map<String, Json>, i32, Json);

/// Rewrites every stored observation into its sheet and every submission's
/// provenance into its log, value for value.
async fn convert(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let read = |sql: &str| db.query_all(Statement::from_string(backend, sql.to_owned()));
    let values = read(
        "SELECT o.subject_code, o.period, o.element_code, o.current_value_id, o.in_conflict, o.updated_at,
                v.id, v.value, v.reporter_code, v.submission_id, v.requirement_code, v.version, v.status,
                v.created_at
         FROM observation o JOIN observation_value v ON v.observation_id = o.id
         ORDER BY o.subject_code, o.period, o.element_code, v.created_at, v.id",
    )
    .await?;
    let sources = read(
        "SELECT s.value_id, s.submission_id, s.requirement_code, s.outcome
         FROM observation_source s ORDER BY s.id",
    )
    .await?;
    let mut supplied: HashMap<uuid::Uuid, Vec<String>> = HashMap::new();
    for source in &sources {
        let list = supplied.entry(get(source, "value_id")?).or_default();
        let requirement: String = get(source, "requirement_code")?;
        if !list.contains(&requirement) {
            list.push(requirement);
        }
    }
    // (subject, period) → element → entry; value id → (subject, element, value, number).
    let mut sheets: BTreeMap<(String, String), Sheet> = BTreeMap::new();
    let mut numbered: HashMap<uuid::Uuid, (String, String, String, usize)> = HashMap::new();
    for row in &values {
        let (subject, period, element): (String, String, String) =
            (get(row, "subject_code")?, get(row, "period")?, get(row, "element_code")?);
        let id: uuid::Uuid = get(row, "id")?;
        let value: String = get(row, "value")?;
        // Dates as microseconds since the epoch, as the sheets keep them.
        let micros =
            |column: &str| get::<chrono::DateTime<chrono::Utc>>(row, column).map(|at| at.timestamp_micros());
        let updated_at = json!(micros("updated_at")?);
        let sheet =
            sheets.entry((subject.clone(), period)).or_insert_with(|| (Map::new(), 0, updated_at.clone()));
        let entry = sheet
            .0
            .entry(element.clone())
            .or_insert_with(|| json!({ "current": 1, "updated_at": updated_at, "values": [] }));
        let in_conflict: bool = get(row, "in_conflict")?;
        let held = entry["values"].as_array_mut().ok_or_else(|| DbErr::Migration("entries".into()))?;
        let requirement: String = get(row, "requirement_code")?;
        let also_for: Vec<String> = supplied
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .filter(|code| *code != requirement)
            .collect();
        held.push(json!({
            "value": value,
            "reporter": get::<String>(row, "reporter_code")?,
            "submission": get::<uuid::Uuid>(row, "submission_id")?,
            "requirement": requirement,
            "version": get::<i32>(row, "version")?,
            "status": get::<String>(row, "status")?,
            "at": micros("created_at")?,
            "also_for": also_for,
        }));
        let number = held.len();
        if get::<uuid::Uuid>(row, "current_value_id")? == id {
            entry["current"] = json!(number);
        }
        if in_conflict && entry.get("in_conflict").is_none() {
            entry["in_conflict"] = json!(true);
            sheet.1 += 1;
        }
        numbered.insert(id, (subject, element, value, number));
    }
    for ((subject, period), (entries, conflicts, updated_at)) in sheets {
        let updated_at = updated_at
            .as_i64()
            .and_then(chrono::DateTime::from_timestamp_micros)
            .ok_or_else(|| DbErr::Migration("fecha de actualización ilegible".into()))?;
        let insert = Query::insert()
            .into_table(ObservationSheet::Table)
            .columns([
                ObservationSheet::SubjectCode,
                ObservationSheet::Period,
                ObservationSheet::Entries,
                ObservationSheet::Conflicts,
                ObservationSheet::Revision,
                ObservationSheet::UpdatedAt,
            ])
            .values_panic([
                subject.into(),
                period.into(),
                Json::Object(entries).to_string().into(),
                conflicts.into(),
                0.into(),
                updated_at.into(),
            ])
            .to_owned();
        manager.exec_stmt(insert).await?;
    }
    let mut logs: BTreeMap<uuid::Uuid, Vec<Json>> = BTreeMap::new();
    for source in &sources {
        let Some((subject, element, value, number)) = numbered.get(&get::<uuid::Uuid>(source, "value_id")?)
        else {
            continue;
        };
        logs.entry(get(source, "submission_id")?).or_default().push(json!({
            "s": subject, "e": element, "v": value, "o": get::<String>(source, "outcome")?, "n": number,
        }));
    }
    for (submission, log) in logs {
        let update = Query::update()
            .table(Submission::Table)
            .value(Submission::Outcomes, Json::Array(log).to_string())
            .and_where(Expr::col(Submission::Id).eq(submission))
            .to_owned();
        manager.exec_stmt(update).await?;
    }
    if backend == DbBackend::Postgres {
        db.execute_unprepared("ANALYZE observation_sheet").await?;
    }
    Ok(())
}
