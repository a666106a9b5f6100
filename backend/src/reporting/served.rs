//! The served value of every observation, as other contexts read it
//! (monitoring computes its indicators from these): one sheet per (subject,
//! period), only the value the platform serves and whether it is in conflict.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{
    entity::observation_sheet,
    sheet::Entries,
    sheet_store::{by_key, read_sheets_of, sheets_after, SheetChange, SheetKey},
};
use crate::error::ServiceError;

/// The value served for one data element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedValue {
    pub value: String,
    pub in_conflict: bool,
}

/// The served values of one subject entity in one period, by element code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedSheet {
    pub subject: String,
    pub period: String,
    pub values: BTreeMap<String, ServedValue>,
}

#[derive(Clone)]
pub struct Served {
    db: DatabaseConnection,
}

impl Served {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// The sheets of these (subject, period) pairs that exist.
    #[tracing::instrument(name = "reporting.served", skip_all, fields(count = keys.len()))]
    pub async fn sheets(&self, keys: &[(String, String)]) -> Result<Vec<ServedSheet>, ServiceError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let keys: BTreeSet<SheetKey> =
            keys.iter().map(|(subject, period)| SheetKey::new(subject, period)).collect();
        Ok(read_sheets_of(&self.db, &keys).await?.into_values().map(served).collect())
    }

    /// Every sheet of one subject entity, in period order (a goal's series).
    #[tracing::instrument(name = "reporting.served_of_subject", skip_all)]
    pub async fn sheets_of_subject(&self, subject: &str) -> Result<Vec<ServedSheet>, ServiceError> {
        use sea_orm::ColumnTrait;
        let rows = observation_sheet::Entity::find()
            .filter(observation_sheet::Column::SubjectCode.eq(subject))
            .order_by_asc(observation_sheet::Column::Period)
            .all(&self.db)
            .await?;
        let mut sheets: Vec<ServedSheet> = by_key(rows)?.into_values().map(served).collect();
        sheets.sort_by(|a, b| a.period.cmp(&b.period));
        Ok(sheets)
    }

    /// Up to `limit` sheets after (subject, period) in key order, for a full
    /// pass over every observation.
    #[tracing::instrument(name = "reporting.served_after", skip_all)]
    pub async fn sheets_after(
        &self,
        after: Option<(&str, &str)>,
        limit: u64,
    ) -> Result<Vec<ServedSheet>, ServiceError> {
        let mut query = observation_sheet::Entity::find();
        if let Some((subject, period)) = after {
            query = query.filter(sheets_after(subject, period, false));
        }
        let rows = query
            .order_by_asc(observation_sheet::Column::SubjectCode)
            .order_by_asc(observation_sheet::Column::Period)
            .limit(limit)
            .all(&self.db)
            .await?;
        let mut sheets: Vec<ServedSheet> = by_key(rows)?.into_values().map(served).collect();
        sheets.sort_by(|a, b| (&a.subject, &a.period).cmp(&(&b.subject, &b.period)));
        Ok(sheets)
    }

    /// How many sheets there are (a full pass's progress is told against it).
    pub async fn count(&self) -> Result<u64, ServiceError> {
        use sea_orm::PaginatorTrait;
        Ok(observation_sheet::Entity::find().count(&self.db).await?)
    }
}

fn served(sheet: SheetChange) -> ServedSheet {
    ServedSheet { values: served_values(&sheet.entries), subject: sheet.subject, period: sheet.period }
}

fn served_values(entries: &Entries) -> BTreeMap<String, ServedValue> {
    entries
        .0
        .iter()
        .filter_map(|(element, entry)| {
            let held = entry.served()?;
            Some((element.clone(), ServedValue { value: held.value.clone(), in_conflict: entry.in_conflict }))
        })
        .collect()
}
