//! A batch on PostgreSQL: fixed statement texts with array parameters, so each
//! statement is parsed and planned once per connection whatever the batch
//! size (multi-row statements of every size were a visible share of the
//! server's CPU, and each new size was another prepare), and the write is one
//! statement committed on its own — sheets, submissions and audit entries —
//! so a batch is three round trips: lookup, read, write.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait, Statement, Value};
use uuid::Uuid;

use super::{Request, Written};
use crate::{
    error::ServiceError,
    reporting::{
        decision::Report,
        entity::{observation_sheet, submission},
        model::SubmissionRecord,
        sheet_store::{by_key, SheetChange, SheetKey, StaleSheet},
    },
};

/// Each stored submission with the reporter and key, or the reporter and
/// content, of one of the requests: two index lookups a request (an `OR` in
/// one join would scan all of a reporter's submissions). A row may come more
/// than once.
const PREVIOUS: &str = "SELECT s.* FROM submission s \
    JOIN UNNEST($1::text[], $2::text[]) AS r(reporter_code, idempotency_key) \
    ON s.reporter_code = r.reporter_code AND s.idempotency_key = r.idempotency_key \
    UNION ALL SELECT s.* FROM submission s \
    JOIN UNNEST($1::text[], $3::text[]) AS r(reporter_code, content_hash) \
    ON s.reporter_code = r.reporter_code AND s.content_hash = r.content_hash";

const SHEETS: &str = "SELECT s.* FROM observation_sheet s \
    JOIN UNNEST($1::text[], $2::text[]) AS k(subject_code, period) \
    ON s.subject_code = k.subject_code AND s.period = k.period";

/// Sheets first, each only over the revision it read (a new one is revision
/// 0); then the submissions, their audit entries and a change event per
/// sheet (`outbox::OBSERVATIONS`, for monitoring); last the guard, which
/// undoes everything if a sheet was not written (see migration 11).
const WRITE: &str = "WITH sheets AS ( \
      INSERT INTO observation_sheet AS o (subject_code, period, entries, conflicts, revision, updated_at) \
      SELECT subject_code, period, entries, conflicts, revision, $6::timestamptz \
      FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int[], $5::int[]) \
        AS t(subject_code, period, entries, conflicts, revision) \
      ON CONFLICT (subject_code, period) DO UPDATE SET entries = excluded.entries, \
        conflicts = excluded.conflicts, revision = excluded.revision, updated_at = excluded.updated_at \
      WHERE o.revision + 1 = excluded.revision \
      RETURNING 1 \
    ), submissions AS ( \
      INSERT INTO submission (id, reporter_code, requirement_code, period, idempotency_key, content_hash, \
        submitted_by, submitted_at, accepted, duplicates, corrections, conflicts, outcomes) \
      SELECT id, reporter_code, requirement_code, period, idempotency_key, content_hash, \
        NULLIF(submitted_by, '00000000-0000-0000-0000-000000000000'::uuid), $6::timestamptz, \
        accepted, duplicates, corrections, conflicts, outcomes \
      FROM UNNEST($7::uuid[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::uuid[], \
        $14::int[], $15::int[], $16::int[], $17::int[], $18::text[]) \
        AS t(id, reporter_code, requirement_code, period, idempotency_key, content_hash, submitted_by, \
          accepted, duplicates, corrections, conflicts, outcomes) \
    ), audit AS ( \
      INSERT INTO audit_log (at, actor_id, actor_label, action, object_type, object_id, after) \
      SELECT $6::timestamptz, NULLIF(actor_id, '00000000-0000-0000-0000-000000000000'::uuid), actor_label, \
        'submit_report', 'submission', id::text, after::json \
      FROM UNNEST($7::uuid[], $13::uuid[], $19::text[], $20::text[]) AS a(id, actor_id, actor_label, after) \
    ), events AS ( \
      INSERT INTO change_event (kind, object_id, created_at) \
      SELECT 'observations', subject_code || ':' || period, $6::timestamptz \
      FROM UNNEST($1::text[], $2::text[]) AS e(subject_code, period) \
    ) \
    SELECT sugit_sheets_written(cardinality($1::text[]), (SELECT count(*)::int FROM sheets))";

fn statement(sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values)
}

pub(super) async fn previous(
    db: &DatabaseConnection,
    reports: &[&Report],
) -> Result<Vec<submission::Model>, ServiceError> {
    let column = |field: fn(&Report) -> &String| -> Value {
        reports.iter().map(|report| field(report).clone()).collect::<Vec<String>>().into()
    };
    let values = vec![column(|r| &r.reporter), column(|r| &r.idempotency_key), column(|r| &r.content_hash)];
    Ok(submission::Entity::find().from_raw_sql(statement(PREVIOUS, values)).all(db).await?)
}

pub(super) async fn read_sheets(
    db: &DatabaseConnection,
    keys: &BTreeSet<SheetKey>,
) -> Result<BTreeMap<SheetKey, SheetChange>, ServiceError> {
    let (subjects, periods): (Vec<String>, Vec<String>) =
        keys.iter().map(|key| (key.subject.clone(), key.period.clone())).unzip();
    let rows = observation_sheet::Entity::find()
        .from_raw_sql(statement(SHEETS, vec![subjects.into(), periods.into()]))
        .all(db)
        .await?;
    by_key(rows)
}

/// Writes the decided submissions of a batch and the sheets they leave, as
/// one statement: all of it or none of it.
pub(super) async fn write(
    db: &DatabaseConnection,
    requests: &[Request],
    new: &[usize],
    written: &[Written],
    sheets: Vec<SheetChange>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut values = Vec::with_capacity(20);
    let mut sheet_columns = SheetColumns::default();
    for sheet in sheets {
        sheet_columns.push(sheet);
    }
    values.extend(sheet_columns.into_values());
    values.push(now.into());
    let rows: Vec<&submission::Model> = written.iter().map(|w| &w.row).collect();
    let text = |field: fn(&submission::Model) -> &String| -> Value {
        rows.iter().map(|row| field(row).clone()).collect::<Vec<String>>().into()
    };
    let number = |field: fn(&submission::Model) -> i32| -> Value {
        rows.iter().map(|row| field(row)).collect::<Vec<i32>>().into()
    };
    values.push(rows.iter().map(|row| row.id).collect::<Vec<Uuid>>().into());
    values.push(text(|r| &r.reporter_code));
    values.push(text(|r| &r.requirement_code));
    values.push(text(|r| &r.period));
    values.push(text(|r| &r.idempotency_key));
    values.push(text(|r| &r.content_hash));
    values.push(rows.iter().map(|row| row.submitted_by.unwrap_or_default()).collect::<Vec<Uuid>>().into());
    values.push(number(|r| r.accepted));
    values.push(number(|r| r.duplicates));
    values.push(number(|r| r.corrections));
    values.push(number(|r| r.conflicts));
    values.push(text(|r| &r.outcomes));
    let labels: Vec<String> = new.iter().map(|&index| requests[index].actor_label.clone()).collect();
    let after: Vec<String> = rows
        .iter()
        .map(|row| serde_json::to_string(&SubmissionRecord::from((*row).clone())))
        .collect::<Result<_, _>>()
        .map_err(|error| ServiceError::Internal(error.into()))?;
    values.push(labels.into());
    values.push(after.into());
    db.query_all(statement(WRITE, values)).await.map_err(stale_or_failed)?;
    Ok(())
}

/// The sheets as five parallel arrays.
#[derive(Default)]
struct SheetColumns {
    subjects: Vec<String>,
    periods: Vec<String>,
    entries: Vec<String>,
    conflicts: Vec<i32>,
    revisions: Vec<i32>,
}

impl SheetColumns {
    fn push(&mut self, sheet: SheetChange) {
        self.conflicts.push(sheet.entries.conflicts());
        self.entries.push(sheet.entries.to_json());
        // A new sheet is revision 0, as if it had been read at revision -1.
        self.revisions.push(sheet.revision.map_or(0, |read| read + 1));
        self.subjects.push(sheet.subject);
        self.periods.push(sheet.period);
    }

    fn into_values(self) -> [Value; 5] {
        [
            self.subjects.into(),
            self.periods.into(),
            self.entries.into(),
            self.conflicts.into(),
            self.revisions.into(),
        ]
    }
}

/// A sheet changed by another writer is a race, retried by the caller: the
/// guard raises a serialization failure (SQLSTATE 40001), and so does any
/// other race of the statement, which is retried the same way.
fn stale_or_failed(error: DbErr) -> ServiceError {
    if crate::db::error_code(&error).as_deref() == Some("40001") {
        ServiceError::Internal(StaleSheet(error.to_string()).into())
    } else {
        error.into()
    }
}
