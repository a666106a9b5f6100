//! Colombia's civil time (`America/Bogota`), for the rules that speak of a
//! day, a quarter or a period as Colombians live them.
//!
//! Colombia is UTC−5 all year and has kept no daylight saving time since
//! 1993, so a fixed offset is exact for every date the platform deals with
//! and no time-zone database is needed.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, Utc};

const WEST_OF_UTC_SECONDS: i32 = 5 * 3600;

/// An instant as a Colombian clock shows it.
pub fn local(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&FixedOffset::west_opt(WEST_OF_UTC_SECONDS).unwrap_or_else(|| Utc.fix()))
}

/// The Colombian date of an instant (02:00 UTC is still the day before).
pub fn date(at: DateTime<Utc>) -> NaiveDate {
    local(at).date_naive()
}

/// Today in Colombia.
pub fn today() -> NaiveDate {
    date(Utc::now())
}

/// The months as Colombians write them in a date.
pub const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// A date as it is written in Colombia: «6 de mayo de 2026».
pub fn spanish_date(day: NaiveDate) -> String {
    format!("{} de {} de {}", day.day(), MONTHS[day.month0() as usize], day.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_in_colombia() {
        assert_eq!(spanish_date(NaiveDate::from_ymd_opt(2026, 5, 6).expect("a date")), "6 de mayo de 2026");
        assert_eq!(
            spanish_date(NaiveDate::from_ymd_opt(2030, 12, 31).expect("a date")),
            "31 de diciembre de 2030"
        );
    }

    fn instant(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("valid instant").with_timezone(&Utc)
    }

    #[test]
    fn colombian_time_is_five_hours_behind_utc_all_year() {
        let date_of = |text| date(instant(text)).format("%Y-%m-%d").to_string();
        assert_eq!(date_of("2026-04-01T02:00:00Z"), "2026-03-31");
        assert_eq!(date_of("2026-04-01T05:00:00Z"), "2026-04-01");
        assert_eq!(local(instant("2026-07-15T14:00:00Z")).format("%H:%M").to_string(), "09:00");
        assert_eq!(local(instant("2026-01-15T14:00:00Z")).format("%H:%M").to_string(), "09:00");
    }
}
