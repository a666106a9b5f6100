//! The periods a requirement accepts and when each is due: a team picks its
//! period from a list and sees its deadline instead of typing `2025-Q3`.
//! Periods are normalised (`2025`, `2025-S1`, `2025-Q3`, `2025-07`); plain
//! functions, tested without a database.

use chrono::{Datelike, Duration, NaiveDate};

use super::model::Periodicity;
use crate::bogota_time::MONTHS;

/// Days after a period ends within which it is due, unless the requirement
/// says otherwise: about what the FUT and CHIP give after a quarter.
pub const DEFAULT_DUE_DAYS: i32 = 45;
/// The longest a requirement may give: a year after the period.
pub const MAX_DUE_DAYS: i32 = 365;

/// A period with its first and last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodSpan {
    pub period: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl PeriodSpan {
    /// The last day to report it, `due_days` after it ends.
    pub fn due_on(&self, due_days: i32) -> NaiveDate {
        self.ends_on + Duration::days(i64::from(due_days))
    }
}

fn months(periodicity: Periodicity) -> u32 {
    match periodicity {
        Periodicity::Annual => 12,
        Periodicity::Semester => 6,
        Periodicity::Quarterly => 3,
        Periodicity::Monthly => 1,
    }
}

/// The period's index within its year (0-based) and its year.
fn position(period: &str, periodicity: Periodicity) -> Option<(i32, u32)> {
    let (year, rest) = period.split_once('-').unwrap_or((period, ""));
    let year: i32 = year.parse().ok()?;
    let index = match periodicity {
        Periodicity::Annual if rest.is_empty() => 0,
        Periodicity::Semester => {
            rest.strip_prefix('S')?.parse::<u32>().ok().filter(|s| (1..=2).contains(s))? - 1
        }
        Periodicity::Quarterly => {
            rest.strip_prefix('Q')?.parse::<u32>().ok().filter(|q| (1..=4).contains(q))? - 1
        }
        Periodicity::Monthly => rest.parse::<u32>().ok().filter(|m| (1..=12).contains(m))? - 1,
        Periodicity::Annual => return None,
    };
    Some((year, index))
}

fn name(year: i32, index: u32, periodicity: Periodicity) -> String {
    match periodicity {
        Periodicity::Annual => year.to_string(),
        Periodicity::Semester => format!("{year}-S{}", index + 1),
        Periodicity::Quarterly => format!("{year}-Q{}", index + 1),
        Periodicity::Monthly => format!("{year}-{:02}", index + 1),
    }
}

/// First and last day of a normalised period; `None` if it is not one of the periodicity.
pub fn span(period: &str, periodicity: Periodicity) -> Option<PeriodSpan> {
    let (year, index) = position(period, periodicity)?;
    let length = months(periodicity);
    let first_month = index * length + 1;
    let starts_on = NaiveDate::from_ymd_opt(year, first_month, 1)?;
    let next = if first_month + length > 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, first_month + length, 1)?
    };
    Some(PeriodSpan { period: name(year, index, periodicity), starts_on, ends_on: next - Duration::days(1) })
}

/// The period under way on `day`.
pub fn containing(day: NaiveDate, periodicity: Periodicity) -> String {
    name(day.year(), day.month0() / months(periodicity), periodicity)
}

/// The `count` most recent periods that have begun by `today`, newest first;
/// a requirement that stopped asking starts from its last period.
pub fn recent(
    periodicity: Periodicity,
    today: NaiveDate,
    count: usize,
    last_period: Option<&str>,
) -> Vec<String> {
    let current = containing(today, periodicity);
    let newest = match last_period {
        Some(last) if last < current.as_str() => last.to_owned(),
        _ => current,
    };
    let mut found = Vec::with_capacity(count);
    let mut next = span(&newest, periodicity);
    while let Some(period) = next.filter(|_| found.len() < count) {
        // The day before a period begins lies in the one before it.
        next = period
            .starts_on
            .pred_opt()
            .filter(|day| day.year() > 1900)
            .and_then(|day| span(&containing(day, periodicity), periodicity));
        found.push(period.period);
    }
    found
}

const ORDINALS: [&str; 4] = ["1.er", "2.º", "3.er", "4.º"];

/// The period as a Colombian reads it: «3.er trimestre de 2025», «julio de 2025».
pub fn label(period: &str, periodicity: Periodicity) -> String {
    let Some((year, index)) = position(period, periodicity) else { return period.to_owned() };
    let index = index as usize;
    match periodicity {
        Periodicity::Annual => format!("Año {year}"),
        Periodicity::Semester => format!("{} semestre de {year}", ORDINALS[index]),
        Periodicity::Quarterly => format!("{} trimestre de {year}", ORDINALS[index]),
        Periodicity::Monthly => {
            let month = MONTHS[index];
            let mut letters = month.chars();
            let first = letters.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
            format!("{first}{} de {year}", letters.as_str())
        }
    }
}

/// A requirement's own term, checked: from 1 day to a year after the period.
pub fn check_due_days(due_days: i32) -> Result<i32, String> {
    if (1..=MAX_DUE_DAYS).contains(&due_days) {
        Ok(due_days)
    } else {
        Err(format!("el plazo para reportar («dueDays») va de 1 a {MAX_DUE_DAYS} días después del periodo; se recibió {due_days}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn each_period_has_its_first_and_last_day() {
        let quarter = span("2025-Q4", Periodicity::Quarterly).expect("valid");
        assert_eq!((quarter.starts_on, quarter.ends_on), (day("2025-10-01"), day("2025-12-31")));
        let february = span("2024-02", Periodicity::Monthly).expect("valid");
        assert_eq!(february.ends_on, day("2024-02-29"), "a leap year");
        assert_eq!(span("2025-S2", Periodicity::Semester).expect("valid").starts_on, day("2025-07-01"));
        assert_eq!(span("2025", Periodicity::Annual).expect("valid").ends_on, day("2025-12-31"));
        for (bad, periodicity) in [
            ("2025-Q5", Periodicity::Quarterly),
            ("2025-13", Periodicity::Monthly),
            ("2025-S1", Periodicity::Annual),
            ("2025", Periodicity::Monthly),
        ] {
            assert!(span(bad, periodicity).is_none(), "{bad}");
        }
        assert_eq!(quarter.due_on(45), day("2026-02-14"));
    }

    #[test]
    fn the_list_starts_at_the_period_under_way_and_goes_back() {
        let today = day("2026-12-07");
        assert_eq!(recent(Periodicity::Quarterly, today, 3, None), ["2026-Q4", "2026-Q3", "2026-Q2"]);
        assert_eq!(recent(Periodicity::Monthly, day("2026-01-15"), 2, None), ["2026-01", "2025-12"]);
        assert_eq!(recent(Periodicity::Annual, today, 2, None), ["2026", "2025"]);
        assert_eq!(recent(Periodicity::Semester, today, 3, None), ["2026-S2", "2026-S1", "2025-S2"]);
        assert_eq!(
            recent(Periodicity::Annual, today, 2, Some("2023")),
            ["2023", "2022"],
            "a requirement no longer asked lists up to its last period"
        );
        assert_eq!(recent(Periodicity::Annual, today, 1, Some("2030")), ["2026"], "never a future one");
    }

    #[test]
    fn periods_read_as_colombians_say_them() {
        assert_eq!(label("2025-Q3", Periodicity::Quarterly), "3.er trimestre de 2025");
        assert_eq!(label("2025-S2", Periodicity::Semester), "2.º semestre de 2025");
        assert_eq!(label("2025-07", Periodicity::Monthly), "Julio de 2025");
        assert_eq!(label("2025", Periodicity::Annual), "Año 2025");
        assert!(check_due_days(0).is_err() && check_due_days(366).is_err() && check_due_days(30).is_ok());
    }
}
