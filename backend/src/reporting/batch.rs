//! Group commit of submissions. The submissions that arrive while a batch is
//! being written wait and are written together: one idempotency lookup, one
//! read of their sheets, one statement per table and one commit for all of
//! them. A lone submission is a batch of one and waits for nothing.
//!
//! Each submission stays all or nothing (the batch commits whole or not at
//! all) and is answered only after the commit. A batch that fails for a
//! reason other than a race is written again one submission at a time, so one
//! submission's failure is never another's.
//!
//! On PostgreSQL the statements are fixed texts with array parameters and the
//! write is one statement (`postgres`); SQLite writes in a transaction.

mod postgres;

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    sync::Arc,
    time::Duration,
};

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, SqlErr, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot, Mutex};
use tracing::Instrument;
use uuid::Uuid;

use super::{
    decision::{decide, logged_outcomes, Report, SubmitOutcome, ValueOutcome},
    entity::submission,
    model::{Outcome, SubmissionRecord},
    sheet::Logged,
    sheet_store::{read_sheets_of, write_sheets, SheetChange, SheetKey, StaleSheet},
};
use crate::{
    audit::{self, Change},
    error::ServiceError,
};

/// Attempts of a batch that lost a race (a sheet or an idempotency key
/// written by another instance in between). Two instances writing one sheet
/// in lockstep on a loaded machine lost five in a row (a test saw it), so
/// the retries are more and their waits jittered apart.
const MAX_ATTEMPTS: u32 = 12;
/// Bounds of one batch: its statements stay well under the databases'
/// parameter limits, and a large import report does not hold back others.
const MAX_BATCH_SUBMISSIONS: usize = 64;
const MAX_BATCH_VALUES: usize = 4_000;
/// Submissions waiting for a writer; beyond it senders wait (backpressure).
const QUEUE: usize = 1_024;

/// A submission on its way to the database, and where its answer goes.
struct Pending {
    request: Request,
    reply: oneshot::Sender<Result<SubmitOutcome, ServiceError>>,
}

struct Request {
    actor_id: Option<Uuid>,
    actor_label: String,
    report: Report,
}

/// The handle the service sends submissions to.
#[derive(Clone)]
pub(super) struct Writer {
    sender: mpsc::Sender<Pending>,
}

impl Writer {
    /// Starts the writing tasks (must run inside the Tokio runtime). SQLite
    /// has one writer at a time anyway; on PostgreSQL two batches overlap, so
    /// one is being decided while the other commits.
    pub fn start(db: DatabaseConnection) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let receiver = Arc::new(Mutex::new(receiver));
        let writers = match db.get_database_backend() {
            DatabaseBackend::Postgres => 2,
            _ => 1,
        };
        for _ in 0..writers {
            tokio::spawn(run(db.clone(), receiver.clone()));
        }
        Self { sender }
    }

    /// Writes `report` (already checked) and answers once it is committed.
    pub async fn submit(
        &self,
        actor_id: Option<Uuid>,
        actor_label: String,
        report: Report,
    ) -> Result<SubmitOutcome, ServiceError> {
        let (reply, answer) = oneshot::channel();
        let pending = Pending { request: Request { actor_id, actor_label, report }, reply };
        self.sender.send(pending).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!("el escritor de reportes se detuvo"))
}

/// One writing task: takes what is waiting, writes it, again.
async fn run(db: DatabaseConnection, receiver: Arc<Mutex<mpsc::Receiver<Pending>>>) {
    loop {
        let batch = {
            let mut receiver = receiver.lock().await;
            let Some(first) = receiver.recv().await else { return };
            let mut values = first.request.report.values.len();
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH_SUBMISSIONS && values < MAX_BATCH_VALUES {
                let Ok(next) = receiver.try_recv() else { break };
                values += next.request.report.values.len();
                batch.push(next);
            }
            batch
        };
        let span = tracing::info_span!("reporting.write_batch", submissions = batch.len());
        write(&db, batch).instrument(span).await;
    }
}

async fn write(db: &DatabaseConnection, batch: Vec<Pending>) {
    let (requests, replies): (Vec<Request>, Vec<_>) =
        batch.into_iter().map(|pending| (pending.request, pending.reply)).unzip();
    match with_retries(db, &requests).await {
        Ok(answers) => {
            for (reply, answer) in replies.into_iter().zip(answers) {
                // A caller that went away still had its submission written.
                let _ = reply.send(answer);
            }
        }
        Err(error) if requests.len() == 1 => {
            if let Some(reply) = replies.into_iter().next() {
                let _ = reply.send(Err(error));
            }
        }
        Err(error) => {
            tracing::warn!(%error, submissions = requests.len(), "lote fallido: se escribe uno por uno");
            for (request, reply) in requests.iter().zip(replies) {
                let answer = with_retries(db, std::slice::from_ref(request))
                    .await
                    .and_then(|answers| answers.into_iter().next().unwrap_or_else(|| Err(stopped())));
                let _ = reply.send(answer);
            }
        }
    }
}

type Answer = Result<SubmitOutcome, ServiceError>;

async fn with_retries(db: &DatabaseConnection, requests: &[Request]) -> Result<Vec<Answer>, ServiceError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match write_once(db, requests).await {
            Err(ServiceError::Internal(cause)) if attempt < MAX_ATTEMPTS && is_retryable(&cause) => {
                tokio::time::sleep(backoff(attempt)).await;
            }
            outcome => return outcome,
        }
    }
}

/// The wait before attempt `attempt + 1`: growing, with a random part so
/// that two writers that collided do not collide again at the same moment.
fn backoff(attempt: u32) -> Duration {
    let base = 5 * u64::from(attempt);
    let jitter = (Uuid::new_v4().as_u128() % u128::from(2 * base)) as u64;
    Duration::from_millis(base + jitter)
}

/// What becomes of one request of the batch.
enum Fate {
    /// Accepted before: its stored answer.
    Stored(submission::Model),
    /// The same content as an earlier request of this batch.
    SameAs(usize),
    Refused(ServiceError),
    /// To be decided and written in this batch.
    New,
    Written(Written),
}

/// A request decided and written in this batch.
struct Written {
    row: submission::Model,
    outcomes: Vec<ValueOutcome>,
}

async fn write_once(db: &DatabaseConnection, requests: &[Request]) -> Result<Vec<Answer>, ServiceError> {
    let reports: Vec<&Report> = requests.iter().map(|request| &request.report).collect();
    let stored = match db.get_database_backend() {
        DatabaseBackend::Postgres => postgres::previous(db, &reports).await?,
        _ => previous(db, &reports).await?,
    };
    let mut fates = fates(&reports, &stored);
    let new: Vec<usize> = (0..requests.len()).filter(|&i| matches!(fates[i], Fate::New)).collect();
    if !new.is_empty() {
        for (&index, written) in new.iter().zip(insert(db, requests, &new).await?) {
            fates[index] = Fate::Written(written);
        }
    }
    Ok(answers(fates))
}

/// What becomes of each report, given the submissions stored with the same
/// reporter and key or content: same content answers as before (stored, or
/// earlier in the batch); a key used for other content is refused.
fn fates(reports: &[&Report], stored: &[submission::Model]) -> Vec<Fate> {
    let by_content: HashMap<(&str, &str), &submission::Model> =
        stored.iter().map(|row| ((row.reporter_code.as_str(), row.content_hash.as_str()), row)).collect();
    let mut used_keys: HashSet<(&str, &str)> =
        stored.iter().map(|row| (row.reporter_code.as_str(), row.idempotency_key.as_str())).collect();
    let mut fresh: HashMap<(&str, &str), usize> = HashMap::new();
    let mut fates = Vec::with_capacity(reports.len());
    for (index, report) in reports.iter().enumerate() {
        let content = (report.reporter.as_str(), report.content_hash.as_str());
        let key = (report.reporter.as_str(), report.idempotency_key.as_str());
        let fate = if let Some(row) = by_content.get(&content) {
            Fate::Stored((*row).clone())
        } else if let Some(first) = fresh.get(&content) {
            Fate::SameAs(*first)
        } else if !used_keys.insert(key) {
            Fate::Refused(key_reused(report))
        } else {
            fresh.insert(content, index);
            Fate::New
        };
        fates.push(fate);
    }
    fates
}

/// Decides and writes the new requests `new`, all of them or none.
async fn insert(
    db: &DatabaseConnection,
    requests: &[Request],
    new: &[usize],
) -> Result<Vec<Written>, ServiceError> {
    let now = Utc::now().trunc_subsecs(6);
    let sheet_keys = new
        .iter()
        .flat_map(|&i| {
            let report = &requests[i].report;
            report.values.iter().map(|value| SheetKey::new(&value.subject, &report.period))
        })
        .collect();
    if db.get_database_backend() == DatabaseBackend::Postgres {
        let mut sheets = postgres::read_sheets(db, &sheet_keys).await?;
        let written = decide_all(requests, new, &mut sheets, now)?;
        postgres::write(db, requests, new, &written, sheets.into_values().collect(), now).await?;
        return Ok(written);
    }
    let transaction = db.begin().await?;
    let mut sheets = read_sheets_of(&transaction, &sheet_keys).await?;
    let written = decide_all(requests, new, &mut sheets, now)?;
    let rows = written.iter().map(|w| w.row.clone().into_active_model());
    submission::Entity::insert_many(rows).exec_without_returning(&transaction).await?;
    write_sheets(&transaction, sheets.into_values().collect(), now).await?;
    let ids: Vec<String> = written.iter().map(|w| w.row.id.to_string()).collect();
    let records: Vec<SubmissionRecord> = written.iter().map(|w| w.row.clone().into()).collect();
    audit::record_all(
        &transaction,
        new.iter().zip(&ids).zip(&records).map(|((&index, id), record)| {
            let request = &requests[index];
            let change = Change::new("submit_report", "submission", id).after(record);
            (request.actor_id, request.actor_label.as_str(), change)
        }),
    )
    .await?;
    transaction.commit().await?;
    Ok(written)
}

/// Decides the new requests in order, each against the sheets as the
/// earlier ones of the batch left them.
fn decide_all(
    requests: &[Request],
    new: &[usize],
    sheets: &mut BTreeMap<SheetKey, SheetChange>,
    now: DateTime<Utc>,
) -> Result<Vec<Written>, ServiceError> {
    new.iter().map(|&index| decide_one(&requests[index], sheets, now)).collect()
}

fn decide_one(
    request: &Request,
    sheets: &mut BTreeMap<SheetKey, SheetChange>,
    now: DateTime<Utc>,
) -> Result<Written, ServiceError> {
    let report = &request.report;
    let id = Uuid::now_v7();
    let decided = decide(report, sheets, id, now);
    let count = |outcome: Outcome| decided.outcomes.iter().filter(|v| v.outcome == outcome).count() as i32;
    let log: Vec<Logged> = decided
        .outcomes
        .iter()
        .zip(&decided.numbers)
        .map(|(value, number)| Logged {
            subject: value.subject_code.clone(),
            element: value.data_element_code.clone(),
            value: value.value.clone(),
            outcome: value.outcome.as_db().to_owned(),
            number: *number,
        })
        .collect();
    let row = submission::Model {
        id,
        reporter_code: report.reporter.clone(),
        requirement_code: report.requirement_code.clone(),
        period: report.period.clone(),
        idempotency_key: report.idempotency_key.clone(),
        content_hash: report.content_hash.clone(),
        submitted_by: request.actor_id,
        submitted_at: now,
        accepted: report.values.len() as i32,
        duplicates: count(Outcome::Duplicate),
        corrections: count(Outcome::Correction),
        conflicts: count(Outcome::Conflict),
        outcomes: Logged::list_to_json(&log),
    };
    Ok(Written { row, outcomes: decided.outcomes })
}

fn answers(fates: Vec<Fate>) -> Vec<Answer> {
    let mut answers: Vec<Answer> = Vec::with_capacity(fates.len());
    for fate in fates {
        let answer = match fate {
            Fate::Stored(row) => logged_outcomes(&row.outcomes).map(|values| SubmitOutcome {
                submission: row.into(),
                values,
                replayed: true,
            }),
            Fate::SameAs(first) => match answers.get(first) {
                Some(Ok(earlier)) => Ok(SubmitOutcome { replayed: true, ..earlier.clone() }),
                _ => Err(stopped()),
            },
            Fate::Refused(error) => Err(error),
            Fate::New => Err(stopped()),
            Fate::Written(Written { row, outcomes }) => {
                Ok(SubmitOutcome { submission: row.into(), values: outcomes, replayed: false })
            }
        };
        answers.push(answer);
    }
    answers
}

fn key_reused(report: &Report) -> ServiceError {
    ServiceError::Conflict(format!(
        "la clave de idempotencia «{}» ya se usó para un reporte con otro contenido: use una clave nueva",
        report.idempotency_key
    ))
}

/// Submissions accepted before with the reporter and key or content of one of `requests`.
async fn previous(
    db: &DatabaseConnection,
    reports: &[&Report],
) -> Result<Vec<submission::Model>, ServiceError> {
    let mut condition = Condition::any();
    for report in reports {
        condition = condition.add(
            Condition::all().add(submission::Column::ReporterCode.eq(report.reporter.as_str())).add(
                Condition::any()
                    .add(submission::Column::IdempotencyKey.eq(report.idempotency_key.as_str()))
                    .add(submission::Column::ContentHash.eq(report.content_hash.as_str())),
            ),
        );
    }
    Ok(submission::Entity::find().filter(condition).all(db).await?)
}

/// A race with another instance on the same keys, or a busy SQLite.
fn is_retryable(cause: &anyhow::Error) -> bool {
    if cause.is::<StaleSheet>() {
        return true;
    }
    let Some(error) = cause.downcast_ref::<DbErr>() else { return false };
    if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        return true;
    }
    crate::db::is_transient(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_and_apart() {
        for attempt in 1..MAX_ATTEMPTS {
            let wait = backoff(attempt).as_millis() as u64;
            let base = 5 * u64::from(attempt);
            assert!((base..3 * base).contains(&wait), "attempt {attempt}: {wait} ms");
        }
        let waits: std::collections::HashSet<_> = (0..50).map(|_| backoff(10)).collect();
        assert!(waits.len() > 1, "the waits are jittered");
    }

    fn report(reporter: &str, key: &str, hash: &str) -> Report {
        Report {
            reporter: reporter.into(),
            requirement_code: "R".into(),
            period: "2025".into(),
            idempotency_key: key.into(),
            values: Vec::new(),
            content_hash: hash.into(),
        }
    }

    fn stored(reporter: &str, key: &str, hash: &str) -> submission::Model {
        submission::Model {
            id: Uuid::now_v7(),
            reporter_code: reporter.into(),
            requirement_code: "R".into(),
            period: "2025".into(),
            idempotency_key: key.into(),
            content_hash: hash.into(),
            submitted_by: None,
            submitted_at: Utc::now(),
            accepted: 0,
            duplicates: 0,
            corrections: 0,
            conflicts: 0,
            outcomes: "[]".into(),
        }
    }

    fn names(fates: &[Fate]) -> Vec<String> {
        fates
            .iter()
            .map(|fate| match fate {
                Fate::Stored(row) => format!("stored {}", row.idempotency_key),
                Fate::SameAs(first) => format!("same as {first}"),
                Fate::Refused(_) => "refused".into(),
                Fate::New => "new".into(),
                Fate::Written(_) => "written".into(),
            })
            .collect()
    }

    #[test]
    fn a_resent_content_answers_as_before_whatever_its_key() {
        let reports = [report("05001", "k1", "h1"), report("05001", "k9", "h2")];
        let before = [stored("05001", "k1", "h1"), stored("05001", "k2", "h2")];
        let fates = fates(&reports.iter().collect::<Vec<_>>(), &before);
        assert_eq!(names(&fates), ["stored k1", "stored k2"]);
    }

    #[test]
    fn a_key_used_for_other_content_is_refused_in_the_store_or_in_the_batch() {
        let reports = [report("05001", "k1", "h9"), report("05002", "k", "h"), report("05002", "k", "h3")];
        let before = [stored("05001", "k1", "h1")];
        let fates = fates(&reports.iter().collect::<Vec<_>>(), &before);
        assert_eq!(names(&fates), ["refused", "new", "refused"]);
    }

    #[test]
    fn the_same_content_twice_in_a_batch_is_written_once() {
        let reports = [report("05001", "a", "h"), report("05001", "b", "h"), report("05002", "a", "h")];
        let fates = fates(&reports.iter().collect::<Vec<_>>(), &[]);
        // Another reporter with the same content is another submission.
        assert_eq!(names(&fates), ["new", "same as 0", "new"]);
    }
}
