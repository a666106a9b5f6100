//! Reading and writing observation sheets (see `sheet`): one indexed row per
//! (subject entity, period), written only if nobody changed it since it was read.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    sea_query::{Expr, OnConflict, Query},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

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

/// Which sheet: a subject entity in a period.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct SheetKey {
    pub subject: String,
    pub period: String,
}

impl SheetKey {
    pub fn new(subject: &str, period: &str) -> Self {
        Self { subject: subject.to_owned(), period: period.to_owned() }
    }
}

/// The sheets of `keys` that exist, in one query.
pub(super) async fn read_sheets_of(
    connection: &impl ConnectionTrait,
    keys: &BTreeSet<SheetKey>,
) -> Result<BTreeMap<SheetKey, SheetChange>, ServiceError> {
    let mut by_period: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for key in keys {
        by_period.entry(&key.period).or_default().push(&key.subject);
    }
    let mut condition = Condition::any();
    for (period, subjects) in by_period {
        condition = condition.add(
            Condition::all()
                .add(observation_sheet::Column::Period.eq(period))
                .add(observation_sheet::Column::SubjectCode.is_in(subjects)),
        );
    }
    by_key(observation_sheet::Entity::find().filter(condition).all(connection).await?)
}

/// Sheets as read, by key.
pub(super) fn by_key(
    rows: Vec<observation_sheet::Model>,
) -> Result<BTreeMap<SheetKey, SheetChange>, ServiceError> {
    rows.into_iter()
        .map(|row| {
            let change = into_change(row)?;
            Ok((SheetKey::new(&change.subject, &change.period), change))
        })
        .collect()
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
            let change = into_change(row)?;
            Ok((change.subject.clone(), change))
        })
        .collect()
}

/// For each sheet of `subjects` (`None`: every subject) in `period`: of
/// `elements`, how many have a served value and how many of those are in
/// conflict, by subject. Reads two columns and none of the values' text.
pub(super) async fn served_counts<'a>(
    connection: &impl ConnectionTrait,
    subjects: Option<impl IntoIterator<Item = &'a str>>,
    period: &str,
    elements: &[String],
) -> Result<HashMap<String, (usize, usize)>, ServiceError> {
    let mut query = observation_sheet::Entity::find()
        .select_only()
        .columns([observation_sheet::Column::SubjectCode, observation_sheet::Column::Entries])
        .filter(observation_sheet::Column::Period.eq(period));
    if let Some(subjects) = subjects {
        query = query.filter(observation_sheet::Column::SubjectCode.is_in(subjects));
    }
    let rows: Vec<(String, String)> = query.into_tuple().all(connection).await?;
    rows.into_iter()
        .map(|(subject, text)| {
            let counts = Entries::served_counts(&text, elements).map_err(|error| {
                ServiceError::Internal(anyhow::anyhow!(
                    "hoja de observaciones {subject} {period} ilegible: {error}"
                ))
            })?;
            Ok((subject, counts))
        })
        .collect()
}

fn into_change(row: observation_sheet::Model) -> Result<SheetChange, ServiceError> {
    let entries = parse_entries(&row)?;
    Ok(SheetChange { subject: row.subject_code, period: row.period, revision: Some(row.revision), entries })
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

/// Another writer changed a sheet between our read and our write: a race,
/// which the writer retries. The text says which sheet, or how many.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StaleSheet(pub(super) String);

/// Creates new sheets and updates the others if nobody changed them since
/// they were read, in one statement (else the caller retries the whole
/// transaction). Each sheet is an upsert that only overwrites the revision it
/// read: a sheet somebody else created or updated in between is left alone
/// and not returned, and the missing row tells the race.
pub(super) async fn write_sheets(
    connection: &impl ConnectionTrait,
    sheets: Vec<SheetChange>,
    now: chrono::DateTime<Utc>,
) -> Result<(), ServiceError> {
    use observation_sheet::Column;
    if sheets.is_empty() {
        return Ok(());
    }
    let mut keys = Vec::with_capacity(sheets.len());
    // Monitoring recomputes the indicators of each sheet written.
    crate::outbox::record_observations(
        connection,
        sheets.iter().map(|sheet| (sheet.subject.as_str(), sheet.period.as_str())),
    )
    .await?;
    let mut insert = Query::insert();
    insert.into_table(observation_sheet::Entity).columns([
        Column::SubjectCode,
        Column::Period,
        Column::Entries,
        Column::Conflicts,
        Column::Revision,
        Column::UpdatedAt,
    ]);
    for sheet in sheets {
        let conflicts = sheet.entries.conflicts();
        // A new sheet is revision 0, as if it had been read at revision -1.
        let revision = sheet.revision.map_or(0, |read| read + 1);
        keys.push((sheet.subject.clone(), sheet.period.clone()));
        insert
            .values([
                sheet.subject.into(),
                sheet.period.into(),
                sheet.entries.to_json().into(),
                conflicts.into(),
                revision.into(),
                now.into(),
            ])
            .map_err(|error| ServiceError::Internal(error.into()))?;
    }
    insert
        .on_conflict(
            OnConflict::columns([Column::SubjectCode, Column::Period])
                .update_columns([Column::Entries, Column::Conflicts, Column::Revision, Column::UpdatedAt])
                .action_and_where(Expr::cust("observation_sheet.revision + 1 = excluded.revision"))
                .to_owned(),
        )
        .returning(Query::returning().columns([Column::SubjectCode, Column::Period]));
    let statement = connection.get_database_backend().build(&insert);
    let mut written = HashSet::new();
    for row in connection.query_all(statement).await? {
        written.insert((row.try_get::<String>("", "subject_code")?, row.try_get::<String>("", "period")?));
    }
    match keys.into_iter().find(|key| !written.contains(key)) {
        Some((subject, period)) => Err(ServiceError::Internal(
            StaleSheet(format!("la hoja de observaciones {subject} {period} cambió durante la escritura"))
                .into(),
        )),
        None => Ok(()),
    }
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
