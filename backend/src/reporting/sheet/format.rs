//! How a sheet is stored. Every submission reads and writes its sheet whole,
//! so the stored text is the main cost of a submission after the round trips.
//!
//! Format 2 (written since 2026-12-04) names each provenance — submission,
//! reporter, requirement and time — once per sheet, and each value points to
//! it by number: the 50 values of one submission share one provenance. A
//! value is `[value, provenance, version, status]`; an observation's
//! `updated_at` is kept only when it is not its last value's time (a conflict
//! resolution). Format 1 — the whole `Entry` per element, field names and
//! all, about six times longer — is still read: sheets written before keep it
//! until their next write. A submission's log (what each of its values did)
//! has a format 2 too, for the same reason: one row written per submission.

use std::{borrow::Cow, collections::BTreeMap, collections::HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Entries, Entry, Held, HeldStatus, Logged};
use crate::reporting::model::Outcome;

/// How every format-2 document starts; format 1 is a map of element codes,
/// which are upper case, so the two can never be taken for one another.
const FORMAT_2: &str = "{\"f\":2,";

/// (submission, reporter, requirement, microseconds since the epoch).
type Provenance<'a> = (Uuid, Cow<'a, str>, Cow<'a, str>, i64);
/// (value, provenance number, version, status).
type StoredValue<'a> = (Cow<'a, str>, usize, i32, char);

#[derive(Serialize, Deserialize)]
struct Document<'a> {
    f: u8,
    p: Vec<Provenance<'a>>,
    e: BTreeMap<Cow<'a, str>, Observation<'a>>,
}

#[derive(Serialize, Deserialize)]
struct Observation<'a> {
    /// The number of the served value.
    c: u32,
    /// In conflict.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    x: bool,
    /// Updated at, when it is not the last value's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    u: Option<i64>,
    h: Vec<StoredValue<'a>>,
    /// The requirements a value was also sent for, by value position.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    a: Vec<(usize, Vec<Cow<'a, str>>)>,
}

/// The stored text of `entries` (format 2).
pub(super) fn to_text(entries: &Entries) -> String {
    let mut numbers: HashMap<(Uuid, &str, &str, i64), usize> = HashMap::new();
    let mut provenance = Vec::new();
    let mut observations = BTreeMap::new();
    for (element, entry) in &entries.0 {
        let mut values = Vec::with_capacity(entry.values.len());
        let mut also = Vec::new();
        for (position, held) in entry.values.iter().enumerate() {
            let at = held.at.timestamp_micros();
            let origin = (held.submission, held.reporter.as_str(), held.requirement.as_str(), at);
            let number = *numbers.entry(origin).or_insert_with(|| {
                provenance.push((origin.0, Cow::Borrowed(origin.1), Cow::Borrowed(origin.2), at));
                provenance.len() - 1
            });
            values.push((
                Cow::Borrowed(held.value.as_str()),
                number,
                held.version,
                status_letter(held.status),
            ));
            if !held.also_for.is_empty() {
                also.push((
                    position,
                    held.also_for.iter().map(|code| Cow::Borrowed(code.as_str())).collect(),
                ));
            }
        }
        let updated = entry.updated_at.timestamp_micros();
        let last = entry.values.last().map(|held| held.at.timestamp_micros());
        observations.insert(
            Cow::Borrowed(element.as_str()),
            Observation {
                c: entry.current,
                x: entry.in_conflict,
                u: (last != Some(updated)).then_some(updated),
                h: values,
                a: also,
            },
        );
    }
    let document = Document { f: 2, p: provenance, e: observations };
    // Strings, numbers and maps with string keys always serialise.
    serde_json::to_string(&document).unwrap_or_else(|_| "{}".into())
}

/// The entries a stored text holds, in either format.
pub(super) fn from_text(text: &str) -> Result<Entries, FormatError> {
    if !text.starts_with(FORMAT_2) {
        return Ok(serde_json::from_str(text)?);
    }
    let document: Document = serde_json::from_str(text)?;
    let mut entries = BTreeMap::new();
    for (element, observation) in document.e {
        let mut values = Vec::with_capacity(observation.h.len());
        for (value, number, version, letter) in observation.h {
            let (submission, reporter, requirement, at) =
                document.p.get(number).ok_or(FormatError::Provenance(number))?;
            values.push(Held {
                value: value.into_owned(),
                reporter: reporter.to_string(),
                submission: *submission,
                requirement: requirement.to_string(),
                version,
                status: status_of(letter)?,
                at: time(*at)?,
                also_for: Vec::new(),
            });
        }
        for (position, codes) in observation.a {
            let held = values.get_mut(position).ok_or(FormatError::Position(position))?;
            held.also_for = codes.into_iter().map(Cow::into_owned).collect();
        }
        let updated_at = match (observation.u, values.last()) {
            (Some(micros), _) => time(micros)?,
            (None, Some(last)) => last.at,
            (None, None) => return Err(FormatError::Empty(element.into_owned())),
        };
        let entry = Entry { current: observation.c, in_conflict: observation.x, updated_at, values };
        entries.insert(element.into_owned(), entry);
    }
    Ok(Entries(entries))
}

/// What coverage reads of an observation: the number of the served value,
/// the conflict flag and how many values it holds, nothing of their text.
#[derive(Deserialize)]
struct ServedOnly {
    c: u32,
    #[serde(default)]
    x: bool,
    h: Vec<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct ServedDocument<'a> {
    #[serde(borrow)]
    e: HashMap<Cow<'a, str>, ServedOnly>,
}

/// Of `elements`, how many have a served value in the stored text, and how
/// many of those are in conflict: what `Entry::served` and `in_conflict`
/// say, without building the entries (a country's coverage reads 1,121
/// sheets for one requirement's few elements).
pub(super) fn served_counts(text: &str, elements: &[String]) -> Result<(usize, usize), FormatError> {
    if !text.starts_with(FORMAT_2) {
        let entries: Entries = serde_json::from_str(text)?;
        return Ok(elements.iter().fold((0, 0), |(with, conflict), code| {
            match entries.0.get(code).filter(|entry| entry.served().is_some()) {
                Some(entry) => (with + 1, conflict + usize::from(entry.in_conflict)),
                None => (with, conflict),
            }
        }));
    }
    let document: ServedDocument = serde_json::from_str(text)?;
    Ok(elements.iter().fold((0, 0), |(with, conflict), code| {
        match document.e.get(code.as_str()).filter(|o| o.c >= 1 && o.c as usize <= o.h.len()) {
            Some(observation) => (with + 1, conflict + usize::from(observation.x)),
            None => (with, conflict),
        }
    }))
}

/// (element, value, outcome letter, number of the value it landed on).
type LoggedValue<'a> = (Cow<'a, str>, Cow<'a, str>, char, u32);

/// A submission's log, format 2: its values in the order sent, in runs of
/// the same subject (nearly always one run: the reporter itself).
#[derive(Serialize, Deserialize)]
struct Log<'a> {
    f: u8,
    g: Vec<(Cow<'a, str>, Vec<LoggedValue<'a>>)>,
}

/// The stored text of a submission's log (format 2).
pub(super) fn log_to_text(log: &[Logged]) -> String {
    let mut runs: Vec<(Cow<str>, Vec<LoggedValue>)> = Vec::new();
    for logged in log {
        let value = (
            Cow::Borrowed(logged.element.as_str()),
            Cow::Borrowed(logged.value.as_str()),
            outcome_letter(&logged.outcome),
            logged.number,
        );
        match runs.last_mut() {
            Some((subject, values)) if *subject == logged.subject.as_str() => values.push(value),
            _ => runs.push((Cow::Borrowed(logged.subject.as_str()), vec![value])),
        }
    }
    serde_json::to_string(&Log { f: 2, g: runs }).unwrap_or_else(|_| "[]".into())
}

/// A submission's log, in either format (format 1: a list of `Logged`).
pub(super) fn log_from_text(text: &str) -> Result<Vec<Logged>, FormatError> {
    if !text.starts_with(FORMAT_2) {
        return Ok(serde_json::from_str(text)?);
    }
    let log: Log = serde_json::from_str(text)?;
    let mut values = Vec::new();
    for (subject, run) in log.g {
        for (element, value, letter, number) in run {
            values.push(Logged {
                subject: subject.to_string(),
                element: element.into_owned(),
                value: value.into_owned(),
                outcome: outcome_of(letter)?.to_owned(),
                number,
            });
        }
    }
    Ok(values)
}

/// One letter per outcome; a match, so a new outcome cannot go without one.
fn letter(outcome: Outcome) -> char {
    match outcome {
        Outcome::New => 'N',
        Outcome::Duplicate => 'D',
        Outcome::Correction => 'C',
        Outcome::Conflict => 'X',
    }
}

/// The letter of an outcome by its database name (`Outcome::as_db`, which
/// is all a log is given).
fn outcome_letter(name: &str) -> char {
    Outcome::from_db(name).map_or('?', letter)
}

fn outcome_of(letter_read: char) -> Result<&'static str, FormatError> {
    [Outcome::New, Outcome::Duplicate, Outcome::Correction, Outcome::Conflict]
        .into_iter()
        .find(|outcome| letter(*outcome) == letter_read)
        .map(Outcome::as_db)
        .ok_or(FormatError::Outcome(letter_read))
}

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("resultado de valor desconocido «{0}»")]
    Outcome(char),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    #[error("un valor apunta a la procedencia {0}, que no existe")]
    Provenance(usize),
    #[error("«also_for» apunta al valor {0}, que no existe")]
    Position(usize),
    #[error("la observación {0} no tiene valores")]
    Empty(String),
    #[error("estado de valor desconocido «{0}»")]
    Status(char),
    #[error("fecha fuera de rango: {0}")]
    Time(i64),
}

fn status_letter(status: HeldStatus) -> char {
    match status {
        HeldStatus::Active => 'A',
        HeldStatus::Superseded => 'S',
        HeldStatus::Rejected => 'R',
    }
}

fn status_of(letter: char) -> Result<HeldStatus, FormatError> {
    match letter {
        'A' => Ok(HeldStatus::Active),
        'S' => Ok(HeldStatus::Superseded),
        'R' => Ok(HeldStatus::Rejected),
        other => Err(FormatError::Status(other)),
    }
}

fn time(micros: i64) -> Result<DateTime<Utc>, FormatError> {
    DateTime::from_timestamp_micros(micros).ok_or(FormatError::Time(micros))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::sheet::Incoming;

    fn at(micros: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(1_733_000_000_000_000 + micros).expect("time")
    }

    fn receive(entries: &mut Entries, element: &str, value: &str, reporter: &str, requirement: &str, t: i64) {
        let submission = Uuid::from_u128(t as u128);
        let incoming = Incoming { subject: "05001", value, reporter, submission, requirement, at: at(t) };
        let mut entry = entries.0.remove(element);
        Entry::receive(&mut entry, &incoming);
        entries.0.extend(entry.map(|entry| (element.to_owned(), entry)));
    }

    /// A sheet with every kind of history: a duplicate for another
    /// requirement, a correction, a conflict resolved, a value with quotes.
    fn history() -> Entries {
        let mut entries = Entries::default();
        for element in ["POB", "MAT", "ING"] {
            receive(&mut entries, element, "10", "05001", "FUT", 1);
        }
        receive(&mut entries, "POB", "10", "05001", "SIMAT", 2);
        receive(&mut entries, "MAT", "12", "05001", "FUT", 3);
        receive(&mut entries, "ING", "11", "05", "FUT", 4);
        receive(&mut entries, "NOTA", "dijo \"sí\" \\ ñ", "05001", "FUT", 5);
        let ing = entries.0.get_mut("ING").expect("ING");
        ing.resolve(2, "05001", at(9)).expect("resolves");
        entries
    }

    #[test]
    fn a_sheet_survives_its_stored_text() {
        let entries = history();
        assert!(entries.0["ING"].values.iter().any(|held| held.status == HeldStatus::Rejected));
        assert_eq!(entries.0["POB"].values[0].also_for, vec!["SIMAT".to_owned()]);
        let text = to_text(&entries);
        assert!(text.starts_with(FORMAT_2), "{text}");
        assert_eq!(from_text(&text).expect("parses"), entries);
    }

    #[test]
    fn sheets_stored_in_the_first_format_are_still_read() {
        let entries = history();
        let first_format = serde_json::to_string(&entries).expect("format 1");
        assert!(first_format.starts_with("{\"ING\""), "{first_format}");
        assert_eq!(from_text(&first_format).expect("parses"), entries);
    }

    #[test]
    fn coverage_counts_read_from_the_text_agree_with_the_entries() {
        let mut entries = history();
        receive(&mut entries, "PAR", "3", "05001", "FUT", 6);
        receive(&mut entries, "PAR", "4", "05", "FUT", 7);
        assert!(entries.0["PAR"].in_conflict);
        let elements: Vec<String> =
            ["POB", "MAT", "ING", "PAR", "NOTA", "NUNCA"].into_iter().map(str::to_owned).collect();
        let expected = elements.iter().fold((0, 0), |(with, conflict), code| {
            match entries.0.get(code).filter(|entry| entry.served().is_some()) {
                Some(entry) => (with + 1, conflict + usize::from(entry.in_conflict)),
                None => (with, conflict),
            }
        });
        assert_eq!(expected, (5, 1));
        assert_eq!(served_counts(&to_text(&entries), &elements).expect("format 2"), expected);
        let first_format = serde_json::to_string(&entries).expect("format 1");
        assert_eq!(served_counts(&first_format, &elements).expect("format 1"), expected);
        assert_eq!(served_counts(&to_text(&entries), &elements[5..]).expect("none"), (0, 0));
    }

    #[test]
    fn one_provenance_serves_every_value_of_a_submission() {
        let mut entries = Entries::default();
        for k in 0..50 {
            receive(&mut entries, &format!("E{k:02}"), &format!("{}", 500_000 + k), "05001", "BANCO", 1);
        }
        let text = to_text(&entries);
        assert_eq!(text.matches("BANCO").count(), 1, "{text}");
        let first_format = serde_json::to_string(&entries).expect("format 1");
        assert!(text.len() * 4 < first_format.len(), "{} vs {}", text.len(), first_format.len());
    }

    fn logged(subject: &str, element: &str, value: &str, outcome: Outcome, number: u32) -> Logged {
        let (subject, element, value) = (subject.into(), element.into(), value.into());
        Logged { subject, element, value, outcome: outcome.as_db().into(), number }
    }

    #[test]
    fn a_log_keeps_every_value_in_the_order_sent_in_either_format() {
        let log = vec![
            logged("05001", "POB", "10", Outcome::New, 1),
            logged("05002", "POB", "7", Outcome::Duplicate, 1),
            logged("05001", "MAT", "dijo \"sí\"", Outcome::Correction, 2),
            logged("05001", "ING", "3", Outcome::Conflict, 2),
        ];
        let text = log_to_text(&log);
        assert!(text.starts_with(FORMAT_2), "{text}");
        assert_eq!(log_from_text(&text).expect("format 2"), log);
        let first_format = serde_json::to_string(&log).expect("format 1");
        assert_eq!(log_from_text(&first_format).expect("format 1"), log);
        assert!(log_from_text(&text.replace("\"X\"", "\"Q\"")).is_err());
    }

    #[test]
    fn a_damaged_text_is_an_error_not_a_guess() {
        let text = to_text(&history());
        for damaged in
            [text.replace("\"A\"", "\"Z\""), text.replace(",0,1,", ",7,1,"), text[..text.len() - 2].into()]
        {
            assert!(from_text(&damaged).is_err(), "{damaged}");
        }
    }
}
