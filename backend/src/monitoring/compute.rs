//! Computing indicators from the served values and storing the results:
//! for the sheets an outbox event names (incremental), or for every sheet
//! (the full rebuild, `sugit recompute`).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Expr as SqlExpr, OnConflict},
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    Statement, Value,
};

use super::{
    entity::indicator_value,
    formula::{self, Expr},
    model::Indicator,
    rules::{self, Computed, Input},
    service::MonitoringService,
};
use crate::{
    error::ServiceError,
    reporting::{model::parse_period, served::ServedSheet},
};

/// Sheets read per round of a full rebuild.
const REBUILD_BATCH: u64 = 500;
/// Rows per upsert statement (SQLite allows 32,766 parameters; 8 a row).
const UPSERT_CHUNK: usize = 500;

/// An indicator ready to compute: its formula parsed once.
struct Compiled<'a> {
    indicator: &'a Indicator,
    formula: Expr,
}

fn compile(indicators: &[Indicator]) -> Result<Vec<Compiled<'_>>, ServiceError> {
    indicators
        .iter()
        .map(|indicator| {
            let formula = formula::parse(&indicator.formula).map_err(|reason| {
                ServiceError::Internal(anyhow::anyhow!(
                    "fórmula guardada ilegible en {}: {reason}",
                    indicator.code
                ))
            })?;
            Ok(Compiled { indicator, formula })
        })
        .collect()
}

/// What to do with one (indicator, period, entity) key.
enum Outcome {
    Store(Computed),
    /// None of the inputs has a value: nothing to say, no row.
    Clear,
}

/// The result of `compiled` on `sheet`, or `None` when the sheet's period is
/// not of the indicator's periodicity.
fn outcome(compiled: &Compiled, sheet: &ServedSheet) -> Option<Outcome> {
    let fits = parse_period(&sheet.period, compiled.indicator.periodicity).is_ok_and(|p| p == sheet.period);
    if !fits {
        return None;
    }
    let inputs: HashMap<String, Input> = compiled
        .indicator
        .element_codes
        .iter()
        .filter_map(|code| {
            let served = sheet.values.get(code)?;
            let value = served.value.parse::<f64>().ok().filter(|v| v.is_finite());
            Some((code.clone(), Input { value, in_conflict: served.in_conflict }))
        })
        .collect();
    if inputs.is_empty() {
        return Some(Outcome::Clear);
    }
    Some(Outcome::Store(rules::compute(&compiled.formula, &inputs)))
}

impl MonitoringService {
    /// Recomputes every indicator for the (subject, period) sheets named;
    /// returns the results written or cleared.
    #[tracing::instrument(name = "monitoring.recompute", skip_all, fields(sheets = keys.len()))]
    pub async fn recompute_sheets(&self, keys: &[(String, String)]) -> Result<usize, ServiceError> {
        let indicators = self.indicators().await?;
        if indicators.is_empty() || keys.is_empty() {
            return Ok(0);
        }
        let sheets = self.reporting.served.sheets(keys).await?;
        let written = self.store(&compile(&indicators)?, &sheets).await?;
        self.announce();
        Ok(written)
    }

    /// Recomputes every indicator for every sheet; `progress(done, total)`
    /// after each batch of sheets. Returns the results written or cleared.
    #[tracing::instrument(name = "monitoring.rebuild", skip_all)]
    pub async fn rebuild(&self, progress: impl FnMut(u64, u64)) -> Result<usize, ServiceError> {
        let indicators = self.indicators().await?;
        let written = self.rebuild_indicators(&indicators, progress).await?;
        crate::outbox::record_indicators(&self.db).await?;
        Ok(written)
    }

    /// Recomputes `indicators` for every sheet.
    pub(super) async fn rebuild_indicators(
        &self,
        indicators: &[Indicator],
        mut progress: impl FnMut(u64, u64),
    ) -> Result<usize, ServiceError> {
        let compiled = compile(indicators)?;
        let total = self.reporting.served.count().await?;
        let (mut done, mut written) = (0, 0);
        let mut after: Option<(String, String)> = None;
        let mut writing: Option<tokio::task::JoinHandle<Result<(), ServiceError>>> = None;
        loop {
            let sheets = self
                .reporting
                .served
                .sheets_after(after.as_ref().map(|(s, p)| (s.as_str(), p.as_str())), REBUILD_BATCH)
                .await?;
            let Some(last) = sheets.last() else { break };
            after = Some((last.subject.clone(), last.period.clone()));
            let batch = results(&compiled, &sheets);
            written += batch.len();
            // One batch is written while the next is read and computed: the
            // database and the formulas each keep a core busy.
            if let Some(previous) = writing.take() {
                joined(previous).await?;
            }
            writing = Some(tokio::spawn(write(self.db.clone(), batch)));
            done += sheets.len() as u64;
            progress(done, total);
        }
        if let Some(previous) = writing {
            joined(previous).await?;
        }
        self.announce();
        Ok(written)
    }

    /// Writes the results of `compiled` on `sheets`: upserts the computed
    /// ones, deletes those left without any input.
    async fn store(&self, compiled: &[Compiled<'_>], sheets: &[ServedSheet]) -> Result<usize, ServiceError> {
        let batch = results(compiled, sheets);
        let count = batch.len();
        write(self.db.clone(), batch).await?;
        Ok(count)
    }
}

/// The results of one batch of sheets: rows to upsert, and the keys left
/// without any input, by (indicator, period), to delete.
struct Batch {
    rows: Vec<indicator_value::Model>,
    cleared: BTreeMap<(String, String), Vec<String>>,
}

impl Batch {
    fn len(&self) -> usize {
        self.rows.len() + self.cleared.values().map(Vec::len).sum::<usize>()
    }
}

fn results(compiled: &[Compiled<'_>], sheets: &[ServedSheet]) -> Batch {
    let now = Utc::now();
    let mut batch = Batch { rows: Vec::new(), cleared: BTreeMap::new() };
    for sheet in sheets {
        for item in compiled {
            match outcome(item, sheet) {
                None => {}
                Some(Outcome::Clear) => batch
                    .cleared
                    .entry((item.indicator.code.clone(), sheet.period.clone()))
                    .or_default()
                    .push(sheet.subject.clone()),
                Some(Outcome::Store(computed)) => batch.rows.push(indicator_value::Model {
                    indicator_code: item.indicator.code.clone(),
                    period: sheet.period.clone(),
                    entity_code: sheet.subject.clone(),
                    value: computed.value,
                    missing: computed.missing.join(","),
                    conflicting: computed.conflicting.join(","),
                    reason: computed.reason,
                    computed_at: now,
                }),
            }
        }
    }
    batch
}

/// Writes a batch (owned, so that it may run beside the next batch's reading).
async fn write(db: DatabaseConnection, batch: Batch) -> Result<(), ServiceError> {
    let now = Utc::now();
    if db.get_database_backend() == DatabaseBackend::Postgres {
        upsert_arrays(&db, &batch.rows, now).await?;
    } else {
        upsert_chunks(&db, batch.rows).await?;
    }
    if !batch.cleared.is_empty() {
        use indicator_value::Column;
        let mut condition = Condition::any();
        for ((indicator, period), entities) in batch.cleared {
            condition = condition.add(
                Condition::all()
                    .add(Column::IndicatorCode.eq(indicator))
                    .add(Column::Period.eq(period))
                    .add(Column::EntityCode.is_in(entities)),
            );
        }
        indicator_value::Entity::delete_many().filter(condition).exec(&db).await?;
    }
    Ok(())
}

async fn joined(task: tokio::task::JoinHandle<Result<(), ServiceError>>) -> Result<(), ServiceError> {
    task.await.map_err(|error| ServiceError::Internal(anyhow::anyhow!("escritura de resultados: {error}")))?
}

/// The upsert on PostgreSQL: one statement of arrays whatever the number of
/// rows (planned once per connection), and a result that did not change is
/// not written again — a full recompute over unchanged data is mostly reads.
const UPSERT_ARRAYS: &str = "INSERT INTO monitoring_value AS m \
      (indicator_code, period, entity_code, value, missing, conflicting, reason, computed_at) \
    SELECT indicator_code, period, entity_code, CASE WHEN has_value THEN value END, missing, conflicting, \
      CASE WHEN has_reason THEN reason END, $8::timestamptz \
    FROM UNNEST($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::text[], \
        $9::bool[], $10::bool[]) \
      AS t(indicator_code, period, entity_code, value, missing, conflicting, reason, has_value, has_reason) \
    ON CONFLICT (indicator_code, period, entity_code) DO UPDATE SET value = excluded.value, \
      missing = excluded.missing, conflicting = excluded.conflicting, reason = excluded.reason, \
      computed_at = excluded.computed_at \
    WHERE (m.value, m.missing, m.conflicting, m.reason) \
      IS DISTINCT FROM (excluded.value, excluded.missing, excluded.conflicting, excluded.reason)";

async fn upsert_arrays(
    db: &DatabaseConnection,
    rows: &[indicator_value::Model],
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    if rows.is_empty() {
        return Ok(());
    }
    let text = |field: fn(&indicator_value::Model) -> &str| -> Value {
        rows.iter().map(|row| field(row).to_owned()).collect::<Vec<String>>().into()
    };
    // The driver binds no NULL inside an array: nullable columns go as a
    // value and whether there is one.
    let values = vec![
        text(|r| &r.indicator_code),
        text(|r| &r.period),
        text(|r| &r.entity_code),
        rows.iter().map(|row| row.value.unwrap_or_default()).collect::<Vec<f64>>().into(),
        text(|r| &r.missing),
        text(|r| &r.conflicting),
        rows.iter().map(|row| row.reason.clone().unwrap_or_default()).collect::<Vec<String>>().into(),
        now.into(),
        rows.iter().map(|row| row.value.is_some()).collect::<Vec<bool>>().into(),
        rows.iter().map(|row| row.reason.is_some()).collect::<Vec<bool>>().into(),
    ];
    db.execute(Statement::from_sql_and_values(DatabaseBackend::Postgres, UPSERT_ARRAYS, values)).await?;
    Ok(())
}

/// The upsert elsewhere (SQLite): multi-row statements within its parameter limit.
async fn upsert_chunks(
    db: &DatabaseConnection,
    rows: Vec<indicator_value::Model>,
) -> Result<(), ServiceError> {
    use indicator_value::Column;
    let mut chunks = rows.into_iter().map(indicator_value::ActiveModel::from).peekable();
    while chunks.peek().is_some() {
        let chunk: Vec<_> = chunks.by_ref().take(UPSERT_CHUNK).collect();
        indicator_value::Entity::insert_many(chunk)
            .on_conflict(
                OnConflict::columns([Column::IndicatorCode, Column::Period, Column::EntityCode])
                    .update_columns([
                        Column::Value,
                        Column::Missing,
                        Column::Conflicting,
                        Column::Reason,
                        Column::ComputedAt,
                    ])
                    // As on PostgreSQL: a result that did not change is not written again.
                    .action_and_where(SqlExpr::cust(
                        "monitoring_value.value IS NOT excluded.value \
                         OR monitoring_value.missing IS NOT excluded.missing \
                         OR monitoring_value.conflicting IS NOT excluded.conflicting \
                         OR monitoring_value.reason IS NOT excluded.reason",
                    ))
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
