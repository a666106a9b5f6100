//! The observations of one subject entity in one period, kept as one
//! document: the state of every data element reported for it, each with every
//! value it ever held (active, superseded or rejected) and where it came from.
//!
//! Why one row per (entity, period) and not one per value: a submission
//! nearly always describes one entity and one period, so reading and writing
//! its keys is one indexed row each way. One indexed row per value capped
//! submissions at about 1,000/s on PostgreSQL (BENCHMARKS.md). The history of
//! what each submission sent stays in the submission's own log.

mod format;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::reporting::{
    dedup::{self, ActiveValue, Decision},
    model::Outcome,
};

/// The key of an observation: (subject entity, period, data element).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObservationKey {
    pub subject: String,
    pub period: String,
    pub element: String,
}

impl ObservationKey {
    /// The observation's id in the API: its key, readable («05001:2025:POB_TOTAL»).
    pub fn id(&self) -> String {
        format!("{}:{}:{}", self.subject, self.period, self.element)
    }

    /// The key an id names; `None` when it cannot be one (codes never hold «:»).
    pub fn parse(id: &str) -> Option<Self> {
        let mut parts = id.trim().split(':');
        let (subject, period, element) = (parts.next()?, parts.next()?, parts.next()?);
        let well_formed = parts.next().is_none()
            && [subject, period, element].iter().all(|part| !part.is_empty() && part.len() <= 64);
        well_formed.then(|| Self { subject: subject.into(), period: period.into(), element: element.into() })
    }

    /// The id of this observation's value number `number`.
    pub fn value_id(&self, number: u32) -> String {
        format!("{}:{number}", self.id())
    }

    /// The observation and value number a value id names.
    pub fn parse_value(id: &str) -> Option<(Self, u32)> {
        let (key, number) = id.trim().rsplit_once(':')?;
        Some((Self::parse(key)?, number.parse().ok().filter(|n| *n > 0)?))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HeldStatus {
    /// The reporter's latest value for the key.
    Active,
    /// Replaced by a correction from the same reporter.
    Superseded,
    /// Lost a conflict resolution.
    Rejected,
}

/// One value an observation has held. Its number is its position + 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Held {
    pub value: String,
    pub reporter: String,
    pub submission: Uuid,
    /// The requirement it first arrived for.
    pub requirement: String,
    pub version: i32,
    pub status: HeldStatus,
    /// Microseconds since the epoch: a sheet is read and written whole by
    /// every submission, and dates as text cost more to write than the rest.
    #[serde(with = "chrono::serde::ts_microseconds")]
    pub at: DateTime<Utc>,
    /// The other requirements it was sent for later, as a duplicate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_for: Vec<String>,
}

impl Held {
    /// Every requirement it was sent for: the first, then the duplicates'.
    pub fn supplied_for(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.requirement.as_str()).chain(self.also_for.iter().map(String::as_str))
    }
}

/// One observation: the values it held and the one the platform serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The number of the served value.
    pub current: u32,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_conflict: bool,
    #[serde(with = "chrono::serde::ts_microseconds")]
    pub updated_at: DateTime<Utc>,
    pub values: Vec<Held>,
}

/// A value arriving with a submission.
pub struct Incoming<'a> {
    pub subject: &'a str,
    pub value: &'a str,
    pub reporter: &'a str,
    pub submission: Uuid,
    pub requirement: &'a str,
    pub at: DateTime<Utc>,
}

impl Entry {
    pub fn served(&self) -> Option<&Held> {
        self.held(self.current)
    }

    pub fn held(&self, number: u32) -> Option<&Held> {
        self.values.get((number as usize).checked_sub(1)?)
    }

    /// The number of the correction that replaced value `number`: the same
    /// reporter's next version. `None` for a value not superseded.
    pub fn superseded_by(&self, number: u32) -> Option<u32> {
        let old = self.held(number).filter(|held| held.status == HeldStatus::Superseded)?;
        (number + 1..)
            .zip(self.values.iter().skip(number as usize))
            .find(|(_, later)| later.reporter == old.reporter && later.version == old.version + 1)
            .map(|(later, _)| later)
    }

    /// Numbers and values of the active values, oldest first.
    pub fn active(&self) -> Vec<(u32, &Held)> {
        (1..).zip(&self.values).filter(|(_, held)| held.status == HeldStatus::Active).collect()
    }

    /// Applies one incoming value with the rules of `dedup`; returns what it
    /// was and the number of the value it landed on.
    pub fn receive(entry: &mut Option<Entry>, incoming: &Incoming) -> (Outcome, u32) {
        let Some(existing) = entry else {
            *entry = Some(Entry {
                current: 1,
                in_conflict: false,
                updated_at: incoming.at,
                values: vec![held(incoming, 1)],
            });
            return (Outcome::New, 1);
        };
        existing.apply(incoming)
    }

    fn apply(&mut self, incoming: &Incoming) -> (Outcome, u32) {
        let active = self.active();
        let numbers: Vec<u32> = active.iter().map(|(number, _)| *number).collect();
        let views: Vec<ActiveValue> = active
            .iter()
            .map(|(_, held)| ActiveValue { value: held.value.clone(), reporter: held.reporter.clone() })
            .collect();
        let decision = dedup::decide(&views, incoming.value, incoming.reporter);
        let number = match decision {
            Decision::Duplicate { index } => {
                let number = numbers[index];
                let held = &mut self.values[number as usize - 1];
                if !held.supplied_for().any(|code| code == incoming.requirement) {
                    held.also_for.push(incoming.requirement.to_owned());
                }
                return (Outcome::Duplicate, number);
            }
            Decision::Correction { index } => {
                let replaced = numbers[index];
                let old = &mut self.values[replaced as usize - 1];
                old.status = HeldStatus::Superseded;
                let version = old.version + 1;
                let number = self.push(held(incoming, version));
                if self.current == replaced {
                    // The served value was corrected by its reporter: serve the correction.
                    self.current = number;
                }
                number
            }
            Decision::New | Decision::Conflict => self.push(held(incoming, 1)),
        };
        self.settle(incoming.subject);
        self.updated_at = incoming.at;
        (decision.outcome(), number)
    }

    /// Picks `chosen` in a conflict: the active values that differ from it are rejected.
    pub fn resolve(&mut self, chosen: u32, subject: &str, at: DateTime<Utc>) -> Result<(), ResolveError> {
        if !self.in_conflict {
            return Err(ResolveError::NotInConflict);
        }
        let value = match self.held(chosen) {
            Some(held) if held.status == HeldStatus::Active => held.value.clone(),
            _ => return Err(ResolveError::NotCompeting),
        };
        for held in &mut self.values {
            if held.status == HeldStatus::Active && held.value != value {
                held.status = HeldStatus::Rejected;
            }
        }
        self.current = chosen;
        self.settle(subject);
        self.current = chosen;
        self.updated_at = at;
        Ok(())
    }

    fn push(&mut self, held: Held) -> u32 {
        self.values.push(held);
        self.values.len() as u32
    }

    /// The served value and the conflict flag after the active values changed.
    fn settle(&mut self, subject: &str) {
        let active = self.active();
        let views: Vec<ActiveValue> = active
            .iter()
            .map(|(_, held)| ActiveValue { value: held.value.clone(), reporter: held.reporter.clone() })
            .collect();
        let previous = active.iter().position(|(number, _)| *number == self.current);
        if let Some(index) = dedup::current_index(&views, subject, previous) {
            self.current = active[index].0;
        }
        self.in_conflict = dedup::in_conflict(&views);
    }
}

fn held(incoming: &Incoming, version: i32) -> Held {
    Held {
        value: incoming.value.to_owned(),
        reporter: incoming.reporter.to_owned(),
        submission: incoming.submission,
        requirement: incoming.requirement.to_owned(),
        version,
        status: HeldStatus::Active,
        at: incoming.at,
        also_for: Vec::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveError {
    NotInConflict,
    NotCompeting,
}

/// Every observation of one (subject, period), by data element code. Its
/// serde form is the first stored format (`format` reads it still).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Entries(pub BTreeMap<String, Entry>);

impl Entries {
    /// The entries of a stored sheet (either stored format, see `format`).
    pub fn from_json(text: &str) -> Result<Self, format::FormatError> {
        format::from_text(text)
    }

    /// The text a sheet is stored as (the current format).
    pub fn to_json(&self) -> String {
        format::to_text(self)
    }

    /// Of `elements`, how many have a served value in a stored sheet, and how
    /// many of those are in conflict, read without building the entries.
    pub fn served_counts(text: &str, elements: &[String]) -> Result<(usize, usize), format::FormatError> {
        format::served_counts(text, elements)
    }

    pub fn conflicts(&self) -> i32 {
        self.0.values().filter(|entry| entry.in_conflict).count() as i32
    }
}

/// What a submission's log says of one of its values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logged {
    #[serde(rename = "s")]
    pub subject: String,
    #[serde(rename = "e")]
    pub element: String,
    #[serde(rename = "v")]
    pub value: String,
    #[serde(rename = "o")]
    pub outcome: String,
    /// The number of the value it landed on in its observation.
    #[serde(rename = "n")]
    pub number: u32,
}

impl Logged {
    /// The text a submission's log is stored as (the current format).
    pub fn list_to_json(log: &[Self]) -> String {
        format::log_to_text(log)
    }

    /// A submission's stored log (either stored format, see `format`).
    pub fn list_from_json(text: &str) -> Result<Vec<Self>, format::FormatError> {
        format::log_from_text(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming<'a>(value: &'a str, reporter: &'a str, requirement: &'a str) -> Incoming<'a> {
        let at = DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).expect("now");
        Incoming { subject: "05001", value, reporter, submission: Uuid::nil(), requirement, at }
    }

    fn states(entry: &Entry) -> Vec<(&str, &str, HeldStatus)> {
        entry.values.iter().map(|h| (h.value.as_str(), h.reporter.as_str(), h.status)).collect()
    }

    #[test]
    fn ids_name_their_key_and_nothing_else() {
        let key =
            ObservationKey { subject: "05001".into(), period: "2025-Q1".into(), element: "POB_TOTAL".into() };
        assert_eq!(ObservationKey::parse(&key.id()), Some(key.clone()));
        assert_eq!(ObservationKey::parse_value(&key.value_id(3)), Some((key, 3)));
        for bad in ["", "05001", "05001:2025", "05001:2025:POB:1", "::", "05001:2025:POB:0"] {
            assert_eq!(ObservationKey::parse(bad), None, "{bad}");
        }
        assert_eq!(ObservationKey::parse_value("05001:2025:POB:0"), None);
        assert_eq!(ObservationKey::parse_value("05001:2025:POB:x"), None);
    }

    #[test]
    fn each_correction_names_the_value_it_replaced() {
        let mut entry = None;
        Entry::receive(&mut entry, &incoming("10", "05001", "FUT"));
        Entry::receive(&mut entry, &incoming("7", "05", "FUT"));
        Entry::receive(&mut entry, &incoming("11", "05001", "FUT"));
        Entry::receive(&mut entry, &incoming("12", "05001", "FUT"));
        let entry = entry.expect("entry");
        assert_eq!(
            (1..=4).map(|n| entry.superseded_by(n)).collect::<Vec<_>>(),
            [Some(3), None, Some(4), None],
            "the department's value is another reporter's, not a correction"
        );
    }

    #[test]
    fn a_duplicate_adds_provenance_and_no_value() {
        let mut entry = None;
        assert_eq!(Entry::receive(&mut entry, &incoming("10", "05001", "FUT")), (Outcome::New, 1));
        assert_eq!(Entry::receive(&mut entry, &incoming("10", "05", "SIMAT")), (Outcome::Duplicate, 1));
        assert_eq!(Entry::receive(&mut entry, &incoming("10", "05001", "FUT")), (Outcome::Duplicate, 1));
        let entry = entry.expect("entry");
        assert_eq!(entry.values.len(), 1);
        assert_eq!(entry.values[0].supplied_for().collect::<Vec<_>>(), vec!["FUT", "SIMAT"]);
    }

    #[test]
    fn a_correction_keeps_history_and_is_served() {
        let mut entry = None;
        Entry::receive(&mut entry, &incoming("10", "05001", "FUT"));
        assert_eq!(Entry::receive(&mut entry, &incoming("12", "05001", "FUT")), (Outcome::Correction, 2));
        let entry = entry.expect("entry");
        assert_eq!(
            states(&entry),
            vec![("10", "05001", HeldStatus::Superseded), ("12", "05001", HeldStatus::Active)]
        );
        assert_eq!((entry.current, entry.values[1].version, entry.in_conflict), (2, 2, false));
    }

    #[test]
    fn a_conflict_serves_the_subjects_own_value_until_resolved() {
        let mut entry = None;
        Entry::receive(&mut entry, &incoming("11", "05", "FUT"));
        assert_eq!(Entry::receive(&mut entry, &incoming("10", "05001", "FUT")), (Outcome::Conflict, 2));
        let mut entry = entry.expect("entry");
        assert!(entry.in_conflict);
        assert_eq!(entry.served().map(|h| h.value.as_str()), Some("10"), "the municipality's own value");
        assert_eq!(entry.resolve(9, "05001", Utc::now()), Err(ResolveError::NotCompeting));
        entry.resolve(1, "05001", Utc::now()).expect("resolves");
        assert_eq!(
            states(&entry),
            vec![("11", "05", HeldStatus::Active), ("10", "05001", HeldStatus::Rejected)]
        );
        assert_eq!((entry.current, entry.in_conflict), (1, false));
        assert_eq!(entry.resolve(1, "05001", Utc::now()), Err(ResolveError::NotInConflict));
    }

    #[test]
    fn the_department_correcting_to_the_municipalitys_value_ends_the_conflict() {
        let mut entry = None;
        Entry::receive(&mut entry, &incoming("10", "05001", "FUT"));
        Entry::receive(&mut entry, &incoming("11", "05", "FUT"));
        assert_eq!(Entry::receive(&mut entry, &incoming("10", "05", "FUT")), (Outcome::Correction, 3));
        let entry = entry.expect("entry");
        assert!(!entry.in_conflict);
        assert_eq!(entry.current, 1);
    }

    #[test]
    fn entries_survive_their_json() {
        let mut entry = None;
        Entry::receive(&mut entry, &incoming("10", "05001", "FUT"));
        let mut entries = Entries::default();
        entries.0.insert("POB".into(), entry.expect("entry"));
        assert_eq!(Entries::from_json(&entries.to_json()).expect("parses"), entries);
    }
}
