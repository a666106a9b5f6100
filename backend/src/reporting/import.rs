//! Bulk import from legacy systems: one CSV row per value. Every bad row is
//! reported with its line, column and reason; the good rows are submitted, in
//! submissions of at most 500 values, through the same rules as `submitReport`.
//! Importing the same file again is idempotent: its submissions replay.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    decision::CheckedValue,
    submission::{HeaderField, ReportValue, Submissions, ValueField, MAX_VALUES_PER_SUBMISSION},
};
use crate::{
    authorisation::{Actor, AuthUser, Role},
    error::ServiceError,
    territory::{DivipolaCode, TerritoryService},
    text,
};

/// A row the import refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub line: u64,
    pub column: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub rows: usize,
    pub accepted: usize,
    pub new_values: usize,
    pub duplicates: usize,
    pub corrections: usize,
    pub conflicts: usize,
    pub submissions: usize,
    /// Submissions already imported before (same file): nothing written for them.
    pub replayed: usize,
    pub rejected: Vec<RejectedRow>,
}

const MAX_REJECTED_LISTED: usize = 1_000;

/// The columns, by their Spanish name (English accepted too).
const COLUMNS: [(&str, &str, bool); 6] = [
    ("reportante", "reporter", true),
    ("sujeto", "subject", false),
    ("periodo", "period", true),
    ("requerimiento", "requirement", true),
    ("elemento", "data_element", true),
    ("valor", "value", true),
];

struct Row {
    line: u64,
    reporter: String,
    subject: Option<String>,
    period: String,
    requirement: String,
    element: String,
    value: String,
}

/// Who the import acts as: an administrator (or the command line) for any
/// reporter, a territorial user for its own entity only.
fn authority(actor: &Actor) -> Result<Option<String>, ServiceError> {
    match actor.user() {
        None => Err(ServiceError::sign_in_required("importar reportes")),
        Some(user) if user.role == Role::Admin => Ok(None),
        Some(user) if user.role == Role::Territorial => Ok(user.entity_code.clone()),
        Some(_) => Err(ServiceError::Forbidden("importar reportes")),
    }
}

/// The command line's actor: the machine's operator, trusted like an administrator.
pub fn system_actor() -> Actor {
    Actor::User(AuthUser {
        id: Uuid::nil(),
        email: "sistema (importación)".into(),
        name: "Importación".into(),
        role: Role::Admin,
        entity_code: None,
        organisation_code: None,
        token_id: Uuid::nil(),
    })
}

/// The import submits as the reporter, on behalf of whoever imports.
fn acting_for(actor: &Actor, reporter: &str) -> Actor {
    let (id, email) = actor.user().map(|u| (u.id, u.email.clone())).unwrap_or((Uuid::nil(), actor.label()));
    Actor::User(AuthUser {
        id,
        email,
        name: "Importación".into(),
        role: Role::Territorial,
        entity_code: Some(reporter.to_owned()),
        organisation_code: None,
        token_id: Uuid::nil(),
    })
}

pub async fn import(
    submissions: &Submissions,
    territory: &TerritoryService,
    actor: &Actor,
    csv_text: &str,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<ImportSummary, ServiceError> {
    let own_entity = authority(actor)?;
    let mut summary = ImportSummary::default();
    let rows = parse_rows(csv_text, &mut summary)?;
    if let Some(own) = &own_entity {
        if rows.iter().any(|row| &row.reporter != own) {
            return Err(ServiceError::Forbidden("importar reportes de otra entidad"));
        }
    }
    let file_hash: String =
        Sha256::digest(csv_text.as_bytes()).iter().take(8).map(|byte| format!("{byte:02x}")).collect();

    // Rows travel in submissions per (reporter, requirement, period), in file order.
    let mut groups: Vec<((String, String, String), Vec<Row>)> = Vec::new();
    let mut index: HashMap<(String, String, String), usize> = HashMap::new();
    for row in rows {
        let key =
            (row.reporter.clone(), row.requirement.trim().to_uppercase(), row.period.trim().to_uppercase());
        let position = *index.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[position].1.push(row);
    }
    let total = summary.rows;
    let mut done = summary.rejected.len();
    progress(done, total);
    for (group_index, ((reporter, requirement, period), rows)) in groups.into_iter().enumerate() {
        let reject_all = |summary: &mut ImportSummary, rows: &[Row], column: &str, reason: &str| {
            for row in rows {
                reject(summary, row.line, column, reason.to_owned());
            }
        };
        let reporter_code = match DivipolaCode::parse(&reporter) {
            Ok(code) => code,
            Err(error) => {
                reject_all(&mut summary, &rows, "reportante", &error.to_string());
                done += rows.len();
                continue;
            }
        };
        let mut checker = match submissions.checker(reporter_code, &requirement, &period).await {
            Ok(checker) => checker,
            Err((field, error)) => {
                let column = match field {
                    HeaderField::Period => "periodo",
                    HeaderField::Requirement => "requerimiento",
                };
                reject_all(&mut summary, &rows, column, &error.to_string());
                done += rows.len();
                continue;
            }
        };
        let mut checked: Vec<CheckedValue> = Vec::new();
        for row in &rows {
            let raw = ReportValue {
                data_element_code: row.element.clone(),
                value: row.value.clone(),
                subject_code: row.subject.clone(),
            };
            match checker.check(territory, &raw).await {
                Ok(value) => checked.push(value),
                Err(error) => {
                    let column = match error.field {
                        ValueField::Element => "elemento",
                        ValueField::Value => "valor",
                        ValueField::Subject => "sujeto",
                        ValueField::Reporter => "reportante",
                    };
                    reject(&mut summary, row.line, column, error.reason);
                }
            }
        }
        for (chunk_index, chunk) in checked.chunks(MAX_VALUES_PER_SUBMISSION).enumerate() {
            let key = format!("importacion-{file_hash}-{group_index}-{chunk_index}");
            let report = checker.report(&key, chunk.to_vec())?;
            let outcome = submissions.submit_checked(&acting_for(actor, &reporter), report).await?;
            let record = &outcome.submission;
            summary.submissions += 1;
            summary.accepted += record.accepted as usize;
            if outcome.replayed {
                // Imported before: every value is already there, as it was then.
                summary.replayed += 1;
                summary.duplicates += record.accepted as usize;
                continue;
            }
            summary.duplicates += record.duplicates as usize;
            summary.corrections += record.corrections as usize;
            summary.conflicts += record.conflicts as usize;
            summary.new_values +=
                (record.accepted - record.duplicates - record.corrections - record.conflicts) as usize;
        }
        done += rows.len();
        progress(done, total);
    }
    summary.rejected.sort_by_key(|rejected| rejected.line);
    Ok(summary)
}

fn reject(summary: &mut ImportSummary, line: u64, column: &str, reason: String) {
    if summary.rejected.len() < MAX_REJECTED_LISTED {
        summary.rejected.push(RejectedRow { line, column: column.to_owned(), reason });
    }
}

/// Reads the rows; rows with a missing field are rejected here.
fn parse_rows(csv_text: &str, summary: &mut ImportSummary) -> Result<Vec<Row>, ServiceError> {
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|error| ServiceError::invalid(format!("el archivo no es un CSV válido: {error}")))?
        .clone();
    let mut positions = [None; 6];
    for (index, header) in headers.iter().enumerate() {
        let folded = text::fold(header).replace(' ', "_");
        if let Some(column) = COLUMNS.iter().position(|(es, en, _)| folded == *es || folded == *en) {
            positions[column] = Some(index);
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(positions)
        .filter(|((_, _, required), position)| *required && position.is_none())
        .map(|((name, _, _), _)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(ServiceError::invalid(format!(
            "faltan columnas en el encabezado: {}; se esperan reportante, sujeto (opcional), periodo, requerimiento, elemento, valor",
            missing.join(", ")
        )));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        summary.rows += 1;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| p.line()).unwrap_or_default();
                reject(summary, line, "-", format!("fila ilegible: {error}"));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or_default();
        let field = |column: usize| positions[column].and_then(|i| record.get(i)).unwrap_or("").to_owned();
        let empty = COLUMNS
            .iter()
            .enumerate()
            .find(|(column, (_, _, required))| *required && field(*column).is_empty());
        if let Some((_, (name, _, _))) = empty {
            reject(summary, line, name, format!("la columna «{name}» está vacía"));
            continue;
        }
        rows.push(Row {
            line,
            reporter: field(0),
            subject: Some(field(1)).filter(|s| !s.is_empty()),
            period: field(2),
            requirement: field(3),
            element: field(4),
            value: field(5),
        });
    }
    Ok(rows)
}
