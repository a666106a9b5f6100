//! What a reported value may be, beyond its type: numbers as Colombians write
//! them, the admissible range a data element declares, and periods that have
//! already begun. Plain functions, tested without a database.

use chrono::NaiveDate;

use super::{
    model::{Periodicity, ValueType},
    periods::span,
};

/// The range a data element admits; `None` is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Range {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
}

impl Range {
    /// The range a new element declares, with the defaults of its type: a
    /// whole number counts something and is never negative unless a minimum
    /// says so; a percentage lies within 0–100. Only numbers have a range.
    pub fn declared(
        value_type: ValueType,
        minimum: Option<f64>,
        maximum: Option<f64>,
    ) -> Result<Range, String> {
        let numeric = matches!(value_type, ValueType::Number | ValueType::Integer | ValueType::Percentage);
        if !numeric && (minimum.is_some() || maximum.is_some()) {
            return Err("solo los elementos numéricos declaran un rango admisible".into());
        }
        if minimum.into_iter().chain(maximum).any(|bound| !bound.is_finite()) {
            return Err("los límites del rango deben ser números".into());
        }
        let range = match value_type {
            ValueType::Integer => Range { minimum: minimum.or(Some(0.0)), maximum },
            ValueType::Percentage => {
                let range = Range { minimum: minimum.or(Some(0.0)), maximum: maximum.or(Some(100.0)) };
                if range.minimum.is_some_and(|m| m < 0.0) || range.maximum.is_some_and(|m| m > 100.0) {
                    return Err("un porcentaje admite valores entre 0 y 100".into());
                }
                range
            }
            _ => Range { minimum, maximum },
        };
        if let (Some(minimum), Some(maximum)) = (range.minimum, range.maximum) {
            if minimum > maximum {
                return Err(format!("el mínimo ({minimum}) es mayor que el máximo ({maximum})"));
            }
        }
        Ok(range)
    }

    /// Whether a canonical number lies within the range.
    pub fn check(&self, canonical: &str) -> Result<(), String> {
        let Ok(value) = canonical.parse::<f64>() else { return Ok(()) };
        let below = self.minimum.filter(|minimum| value < *minimum);
        let above = self.maximum.filter(|maximum| value > *maximum);
        match (below, above) {
            (Some(minimum), _) => Err(format!("{canonical} es menor que el mínimo admisible ({minimum})")),
            (_, Some(maximum)) => Err(format!("{canonical} es mayor que el máximo admisible ({maximum})")),
            _ => Ok(()),
        }
    }
}

/// A normalised period (`2025`, `2025-S1`, `2025-Q3`, `2025-07`) must have
/// begun by `today` (Colombian): nothing is reported about a period to come.
pub fn period_has_begun(period: &str, periodicity: Periodicity, today: NaiveDate) -> Result<(), String> {
    match span(period, periodicity) {
        Some(span) if span.starts_on <= today => Ok(()),
        Some(_) => Err(format!(
            "el periodo «{period}» aún no ha comenzado (hoy es {} en Colombia): no se reportan periodos futuros",
            today.format("%Y-%m-%d")
        )),
        None => Err(format!("el periodo «{period}» no es válido")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::numbers::number_parts;

    fn parts(text: &str, whole: bool) -> Result<(bool, String, String), String> {
        number_parts(text, whole)
    }

    fn ok(negative: bool, integer: &str, fraction: &str) -> Result<(bool, String, String), String> {
        Ok((negative, integer.to_owned(), fraction.to_owned()))
    }

    #[test]
    fn colombian_numbers_are_read_where_unambiguous() {
        assert_eq!(parts("20.500,75", false), ok(false, "20500", "75"));
        assert_eq!(parts("20,500.75", false), ok(false, "20500", "75"));
        assert_eq!(parts("1.500.000", false), ok(false, "1500000", ""));
        assert_eq!(parts("1.500.000,5", false), ok(false, "1500000", "5"));
        assert_eq!(parts("20.500", true), ok(false, "20500", ""), "a whole number has no decimals");
        assert_eq!(parts("-3.700", true), ok(true, "3700", ""));
        assert_eq!(parts("1500,50", false), ok(false, "1500", "50"));
        assert_eq!(parts("0,125", false), ok(false, "0", "125"), "a leading 0 is no thousands group");
        assert_eq!(parts("1234.567", false), ok(false, "1234", "567"), "four digits before: decimals");
        let ambiguous = parts("20.500", false).expect_err("ambiguous for a decimal number");
        assert!(ambiguous.contains("ambiguo") && ambiguous.contains("20500"), "{ambiguous}");
        for bad in ["1.50.000", "1,5,3", "20.500.75", "1.500,000,5", "abc", "-", "5 000", "1e5"] {
            assert!(parts(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges_have_the_defaults_of_their_type() {
        let count = Range::declared(ValueType::Integer, None, None).expect("valid");
        assert!(count.check("-3700").is_err(), "counts are never negative");
        assert!(count.check("0").is_ok());
        let balance = Range::declared(ValueType::Integer, Some(-1e9), None).expect("valid");
        assert!(balance.check("-3700").is_ok(), "an explicit minimum allows negatives");
        let share = Range::declared(ValueType::Percentage, None, None).expect("valid");
        assert!(share.check("100.1").is_err() && share.check("0").is_ok());
        assert!(Range::declared(ValueType::Percentage, None, Some(120.0)).is_err());
        assert!(Range::declared(ValueType::Number, Some(5.0), Some(1.0)).is_err());
        assert!(Range::declared(ValueType::Text, Some(0.0), None).is_err());
        let free = Range::declared(ValueType::Number, None, None).expect("valid");
        assert!(free.check("-1e300").is_ok());
        let message =
            Range::declared(ValueType::Number, None, Some(10.0)).expect("valid").check("12").unwrap_err();
        assert!(message.contains("máximo"), "{message}");
    }

    #[test]
    fn only_periods_already_begun_are_reported() {
        let today = NaiveDate::from_ymd_opt(2026, 8, 15).expect("date");
        assert!(period_has_begun("2026", Periodicity::Annual, today).is_ok());
        assert!(period_has_begun("2027", Periodicity::Annual, today).is_err());
        assert!(period_has_begun("2026-S2", Periodicity::Semester, today).is_ok());
        assert!(period_has_begun("2026-Q3", Periodicity::Quarterly, today).is_ok());
        assert!(period_has_begun("2026-Q4", Periodicity::Quarterly, today).is_err());
        assert!(period_has_begun("2026-08", Periodicity::Monthly, today).is_ok());
        let future = period_has_begun("2026-09", Periodicity::Monthly, today).unwrap_err();
        assert!(future.contains("aún no ha comenzado"), "{future}");
    }
}
