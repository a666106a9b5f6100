//! Export of observations as CSV (open data): the served value of every key,
//! where it came from, and whether it is in conflict. Streams in pages.

use std::io::Write;

use sea_orm::{DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{
    entity::observation_sheet,
    sheet_store::{parse_entries, sheets_after},
};
use crate::error::ServiceError;

/// Sheets per read: one (entity, period) each, up to a few hundred observations.
const PAGE: u64 = 200;
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

/// Writes every observation to `out`, by entity, period and element; returns how many.
pub async fn export_observations(
    db: &DatabaseConnection,
    out: impl Write,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<usize, ServiceError> {
    let mut writer = csv::Writer::from_writer(out);
    let io = |error: csv::Error| ServiceError::Internal(error.into());
    writer.write_record(HEADER).map_err(io)?;
    let mut after: Option<(String, String)> = None;
    let mut written = 0;
    loop {
        let mut query = observation_sheet::Entity::find()
            .order_by_asc(observation_sheet::Column::SubjectCode)
            .order_by_asc(observation_sheet::Column::Period)
            .limit(PAGE);
        if let Some((subject, period)) = &after {
            query = query.filter(sheets_after(subject, period, false));
        }
        let rows = query.all(db).await?;
        let Some(last) = rows.last() else { break };
        after = Some((last.subject_code.clone(), last.period.clone()));
        for row in &rows {
            for (element, entry) in parse_entries(row)?.0 {
                let Some(served) = entry.served() else { continue };
                writer
                    .write_record([
                        row.subject_code.as_str(),
                        element.as_str(),
                        row.period.as_str(),
                        served.value.as_str(),
                        served.reporter.as_str(),
                        served.requirement.as_str(),
                        &served.submission.to_string(),
                        if entry.in_conflict { "si" } else { "no" },
                        &entry.updated_at.to_rfc3339(),
                    ])
                    .map_err(io)?;
                written += 1;
            }
        }
        progress(written);
    }
    writer.flush().map_err(|error| ServiceError::Internal(error.into()))?;
    Ok(written)
}
