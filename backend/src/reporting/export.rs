//! Export of observations as CSV (open data): the served value of every key,
//! where it came from, and whether it is in conflict. Streams in pages.

use std::{collections::HashMap, io::Write};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::entity::{observation, observation_value};
use crate::error::ServiceError;

const PAGE: u64 = 1_000;
pub const HEADER: [&str; 9] = [
    "sujeto",
    "elemento",
    "periodo",
    "valor",
    "reportante",
    "requerimiento",
    "envio",
    "en_conflicto",
    "actualizado",
];

/// Writes every observation to `out`, oldest first; returns how many.
pub async fn export_observations(
    db: &DatabaseConnection,
    out: impl Write,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<usize, ServiceError> {
    let mut writer = csv::Writer::from_writer(out);
    let io = |error: csv::Error| ServiceError::Internal(error.into());
    writer.write_record(HEADER).map_err(io)?;
    let mut after: Option<Uuid> = None;
    let mut written = 0;
    loop {
        let mut query = observation::Entity::find().order_by_asc(observation::Column::Id).limit(PAGE);
        if let Some(after) = after {
            query = query.filter(observation::Column::Id.gt(after));
        }
        let rows = query.all(db).await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.id);
        let values: HashMap<Uuid, observation_value::Model> = observation_value::Entity::find()
            .filter(observation_value::Column::Id.is_in(rows.iter().map(|o| o.current_value_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|value| (value.id, value))
            .collect();
        for row in &rows {
            let Some(value) = values.get(&row.current_value_id) else { continue };
            writer
                .write_record([
                    row.subject_code.as_str(),
                    row.element_code.as_str(),
                    row.period.as_str(),
                    value.value.as_str(),
                    value.reporter_code.as_str(),
                    value.requirement_code.as_str(),
                    &value.submission_id.to_string(),
                    if row.in_conflict { "si" } else { "no" },
                    &row.updated_at.to_rfc3339(),
                ])
                .map_err(io)?;
            written += 1;
        }
        progress(written);
    }
    writer.flush().map_err(|error| ServiceError::Internal(error.into()))?;
    Ok(written)
}
