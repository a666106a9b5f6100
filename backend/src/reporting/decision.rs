//! The pure decisions of a submission: what each value does to the sheets as
//! read (the rules of `dedup`, through `Entry::receive`), the answer a stored
//! submission gives again, and the identity of a submission's content. No
//! database here: the service (`submission.rs`) checks and the writer
//! (`batch.rs`) stores, and both call these.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    model::{Outcome, SubmissionRecord},
    sheet::{Entries, Entry, Incoming, Logged},
    sheet_store::{SheetChange, SheetKey},
};
use crate::error::ServiceError;

/// A checked value: canonical, typed, inside the reporter's jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CheckedValue {
    pub subject: String,
    pub element: String,
    pub value: String,
}

/// A checked submission: only valid reports reach the database.
pub struct Report {
    pub reporter: String,
    pub requirement_code: String,
    pub period: String,
    pub idempotency_key: String,
    pub values: Vec<CheckedValue>,
    pub content_hash: String,
}

/// What happened to one value.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueOutcome {
    pub subject_code: String,
    pub data_element_code: String,
    pub value: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SubmitOutcome {
    pub submission: SubmissionRecord,
    pub values: Vec<ValueOutcome>,
    /// An identical submission had been accepted before: this is its answer, nothing was written.
    pub replayed: bool,
}

/// What one submission does to its sheets, value by value.
pub(super) struct Decided {
    pub outcomes: Vec<ValueOutcome>,
    /// The number of the value each outcome landed on, in its observation.
    pub numbers: Vec<u32>,
}

/// Decides each value of `report` with the rules of `dedup`, on the sheets as
/// read (and as earlier submissions of the same batch left them).
pub(super) fn decide(
    report: &Report,
    sheets: &mut BTreeMap<SheetKey, SheetChange>,
    submission: Uuid,
    now: DateTime<Utc>,
) -> Decided {
    let mut outcomes = Vec::with_capacity(report.values.len());
    let mut numbers = Vec::with_capacity(report.values.len());
    for checked in &report.values {
        let sheet =
            sheets.entry(SheetKey::new(&checked.subject, &report.period)).or_insert_with(|| SheetChange {
                subject: checked.subject.clone(),
                period: report.period.clone(),
                revision: None,
                entries: Entries::default(),
            });
        let mut entry = sheet.entries.0.remove(&checked.element);
        let incoming = Incoming {
            subject: &checked.subject,
            value: &checked.value,
            reporter: &report.reporter,
            submission,
            requirement: &report.requirement_code,
            at: now,
        };
        let (outcome, number) = Entry::receive(&mut entry, &incoming);
        if let Some(entry) = entry {
            sheet.entries.0.insert(checked.element.clone(), entry);
        }
        numbers.push(number);
        outcomes.push(ValueOutcome {
            subject_code: checked.subject.clone(),
            data_element_code: checked.element.clone(),
            value: checked.value.clone(),
            outcome,
        });
    }
    Decided { outcomes, numbers }
}

/// The per-value answer of a stored submission, from its log.
pub fn logged_outcomes(log: &str) -> Result<Vec<ValueOutcome>, ServiceError> {
    let logged = Logged::list_from_json(log).map_err(|error| ServiceError::Internal(error.into()))?;
    Ok(logged
        .into_iter()
        .filter_map(|value| {
            Some(ValueOutcome {
                outcome: Outcome::from_db(&value.outcome)?,
                subject_code: value.subject,
                data_element_code: value.element,
                value: value.value,
            })
        })
        .collect())
}

/// The identity of a submission's content, whatever the order of its values.
pub fn content_hash(reporter: &str, requirement: &str, period: &str, values: &[CheckedValue]) -> String {
    let mut sorted: Vec<&CheckedValue> = values.iter().collect();
    sorted.sort();
    let mut hasher = Sha256::new();
    for part in [reporter, requirement, period] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    for value in sorted {
        for part in [&value.subject, &value.element, &value.value] {
            hasher.update(part.as_bytes());
            hasher.update([0u8]);
        }
        hasher.update([1u8]);
    }
    crate::text::hex(&hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(subject: &str, element: &str, value: &str) -> CheckedValue {
        CheckedValue { subject: subject.into(), element: element.into(), value: value.into() }
    }

    #[test]
    fn the_content_hash_ignores_order_but_not_content() {
        let a = vec![value("05001", "POB", "10"), value("05001", "MAT", "3")];
        let b = vec![value("05001", "MAT", "3"), value("05001", "POB", "10")];
        let c = vec![value("05001", "MAT", "3"), value("05001", "POB", "11")];
        assert_eq!(content_hash("05001", "R", "2025", &a), content_hash("05001", "R", "2025", &b));
        assert_ne!(content_hash("05001", "R", "2025", &a), content_hash("05001", "R", "2025", &c));
        assert_ne!(content_hash("05001", "R", "2025", &a), content_hash("05001", "R", "2024", &a));
    }
}
