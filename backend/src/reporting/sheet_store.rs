//! Reading and writing observation sheets (see `sheet`): one indexed row per
//! (subject entity, period), written only if nobody changed it since it was read.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{sea_query::Expr, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::{entity::observation_sheet, sheet::Entries};
use crate::error::ServiceError;

/// A sheet as read, and as the submission leaves it.
pub(super) struct SheetChange {
    pub subject: String,
    pub period: String,
    /// The revision read; `None` for a sheet the submission creates.
    pub revision: Option<i32>,
    pub entries: Entries,
}

/// The sheets of `subjects` in `period`, by subject.
pub(super) async fn read_sheets(
    connection: &impl ConnectionTrait,
    subjects: impl IntoIterator<Item = &str>,
    period: &str,
) -> Result<BTreeMap<String, SheetChange>, ServiceError> {
    let rows = observation_sheet::Entity::find()
        .filter(observation_sheet::Column::Period.eq(period))
        .filter(observation_sheet::Column::SubjectCode.is_in(subjects))
        .all(connection)
        .await?;
    rows.into_iter()
        .map(|row| {
            let entries = parse_entries(&row)?;
            let change = SheetChange {
                subject: row.subject_code,
                period: row.period,
                revision: Some(row.revision),
                entries,
            };
            Ok((change.subject.clone(), change))
        })
        .collect()
}

pub(super) fn parse_entries(row: &observation_sheet::Model) -> Result<Entries, ServiceError> {
    Entries::from_json(&row.entries).map_err(|error| {
        ServiceError::Internal(anyhow::anyhow!(
            "hoja de observaciones {} {} ilegible: {error}",
            row.subject_code,
            row.period
        ))
    })
}

/// Another writer changed a sheet between our read and our write.
#[derive(Debug, thiserror::Error)]
#[error("la hoja de observaciones {0} {1} cambió durante la escritura")]
pub struct StaleSheet(String, String);

/// Creates new sheets and updates the others if nobody changed them since
/// they were read (else the caller retries the whole transaction).
pub(super) async fn write_sheets(
    connection: &impl ConnectionTrait,
    sheets: Vec<SheetChange>,
    now: chrono::DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut created = Vec::new();
    for sheet in sheets {
        let conflicts = sheet.entries.conflicts();
        let entries = sheet.entries.to_json();
        let Some(revision) = sheet.revision else {
            created.push(observation_sheet::ActiveModel {
                subject_code: Set(sheet.subject),
                period: Set(sheet.period),
                entries: Set(entries),
                conflicts: Set(conflicts),
                revision: Set(0),
                updated_at: Set(now),
            });
            continue;
        };
        let updated = observation_sheet::Entity::update_many()
            .col_expr(observation_sheet::Column::Entries, Expr::value(entries))
            .col_expr(observation_sheet::Column::Conflicts, Expr::value(conflicts))
            .col_expr(observation_sheet::Column::Revision, Expr::value(revision + 1))
            .col_expr(observation_sheet::Column::UpdatedAt, Expr::value(now))
            .filter(observation_sheet::Column::SubjectCode.eq(sheet.subject.as_str()))
            .filter(observation_sheet::Column::Period.eq(sheet.period.as_str()))
            .filter(observation_sheet::Column::Revision.eq(revision))
            .exec(connection)
            .await?;
        if updated.rows_affected != 1 {
            return Err(ServiceError::Internal(StaleSheet(sheet.subject, sheet.period).into()));
        }
    }
    if !created.is_empty() {
        observation_sheet::Entity::insert_many(created).exec_without_returning(connection).await?;
    }
    Ok(())
}

/// Sheets after (subject, period) in key order (`inclusive`: that sheet too).
/// Codes are ASCII, so the database's order is byte order.
pub(super) fn sheets_after(subject: &str, period: &str, inclusive: bool) -> Condition {
    let period = if inclusive {
        observation_sheet::Column::Period.gte(period)
    } else {
        observation_sheet::Column::Period.gt(period)
    };
    Condition::any()
        .add(observation_sheet::Column::SubjectCode.gt(subject))
        .add(Condition::all().add(observation_sheet::Column::SubjectCode.eq(subject)).add(period))
}
