//! Domain types of reporting.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::error::ServiceError;

/// Tipo de valor de un elemento de datos.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ValueType {
    /// Número con decimales, escrito como en Colombia (`20.500,75`) o con punto decimal
    /// (`20500.75`); `20.500` es ambiguo y se rechaza: escriba `20500` o `20,5`.
    Number,
    /// Número entero (`20500` o `20.500`); no negativo salvo que el elemento declare otro mínimo.
    Integer,
    /// Porcentaje entre 0 y 100.
    Percentage,
    /// Texto libre (hasta 1.000 caracteres).
    Text,
    /// Sí o no.
    Boolean,
    /// Fecha AAAA-MM-DD.
    Date,
}

/// Periodicidad de un requerimiento de información.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Periodicity {
    /// Anual: periodo «2025».
    Annual,
    /// Semestral: periodo «2025-S1».
    Semester,
    /// Trimestral: periodo «2025-T3» (también «2025-Q3»).
    Quarterly,
    /// Mensual: periodo «2025-07».
    Monthly,
}

/// Estado de un elemento del catálogo.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ElementStatus {
    /// Vigente: se puede pedir y reportar.
    Active,
    /// Obsoleto: reemplazado por su sucesor; no se pide en requerimientos nuevos.
    Deprecated,
}

macro_rules! db_names {
    ($type:ty { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $type {
            pub fn as_db(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }

            pub fn from_db(value: &str) -> Option<Self> {
                match value { $($name => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

db_names!(ValueType { Number => "NUMBER", Integer => "INTEGER", Percentage => "PERCENTAGE", Text => "TEXT", Boolean => "BOOLEAN", Date => "DATE" });
db_names!(Periodicity { Annual => "ANNUAL", Semester => "SEMESTER", Quarterly => "QUARTERLY", Monthly => "MONTHLY" });
db_names!(ElementStatus { Active => "ACTIVE", Deprecated => "DEPRECATED" });

/// A data element of the canonical catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataElement {
    pub code: String,
    pub version: i32,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub value_type: ValueType,
    pub competency: String,
    pub programmatic_unit: Option<String>,
    pub status: ElementStatus,
    pub successor_code: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// The admissible range, fixed at creation like the value type.
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
}

/// An information requirement issued by a national organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Requirement {
    pub code: String,
    pub name: String,
    pub issuer_code: String,
    pub legal_basis: String,
    pub periodicity: Periodicity,
    pub entity_kinds: Vec<crate::territory::TerritorialKind>,
    /// Data element codes, in the requirement's order.
    pub element_codes: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// The last period it asks for (a retired unit's spending, say); none: still asked.
    pub last_period: Option<String>,
    /// The platform reports it from its own records (formation's counts):
    /// it is never in an entity's burden.
    pub reported_by_platform: bool,
    /// Days after each period within which it is due.
    pub due_days: i32,
}

impl Requirement {
    /// Whether an entity owes it for `period` (normalised, of its
    /// periodicity): periods of one periodicity sort as their text does.
    pub fn asks_for(&self, period: &str) -> bool {
        !self.reported_by_platform && self.last_period.as_deref().is_none_or(|last| period <= last)
    }
}

/// Checks a period against a periodicity and returns it normalised.
pub fn parse_period(raw: &str, periodicity: Periodicity) -> Result<String, ServiceError> {
    // Quarters are «trimestres» in Spanish: 2025-T3 is stored as 2025-Q3, as always.
    let period = raw.trim().to_uppercase().replace("-T", "-Q");
    let expected = match periodicity {
        Periodicity::Annual => "AAAA (p. ej. 2025)",
        Periodicity::Semester => "AAAA-S1 o AAAA-S2",
        Periodicity::Quarterly => "AAAA-T1 a AAAA-T4 (p. ej. 2025-T3)",
        Periodicity::Monthly => "AAAA-MM (p. ej. 2025-07)",
    };
    let invalid = || {
        ServiceError::invalid(format!(
            "el periodo «{}» no corresponde a la periodicidad del requerimiento: se espera {expected}",
            raw.trim()
        ))
    };
    let (year, rest) = match period.split_once('-') {
        Some((year, rest)) => (year, Some(rest)),
        None => (period.as_str(), None),
    };
    // Historical series reach back a century; periods to come are refused by
    // `rules::period_has_begun`, which knows today's date.
    let year_ok = year.len() == 4 && year.parse::<u16>().is_ok_and(|y| (1900..=2100).contains(&y));
    if !year_ok {
        return Err(invalid());
    }
    let rest_ok = match (periodicity, rest) {
        (Periodicity::Annual, None) => true,
        (Periodicity::Semester, Some(rest)) => matches!(rest, "S1" | "S2"),
        (Periodicity::Quarterly, Some(rest)) => matches!(rest, "Q1" | "Q2" | "Q3" | "Q4"),
        (Periodicity::Monthly, Some(rest)) => {
            rest.len() == 2 && rest.parse::<u8>().is_ok_and(|month| (1..=12).contains(&month))
        }
        _ => false,
    };
    if rest_ok {
        Ok(period)
    } else {
        Err(invalid())
    }
}

/// The canonical form of a reported value, so "1500,50" and "1500.5" are one value.
pub fn canonical_value(value_type: ValueType, raw: &str) -> Result<String, String> {
    let text = raw.trim();
    match value_type {
        ValueType::Number => canonical_decimal(text, false),
        ValueType::Integer => match canonical_decimal(text, true) {
            Ok(whole) if !whole.contains('.') && whole.trim_start_matches('-').len() <= 18 => Ok(whole),
            _ => Err(format!("«{text}» no es un número entero")),
        },
        ValueType::Percentage => {
            let canonical = canonical_decimal(text, false)?;
            let value: f64 = canonical.parse().map_err(|_| format!("«{text}» no es un porcentaje"))?;
            if (0.0..=100.0).contains(&value) {
                Ok(canonical)
            } else {
                Err(format!("«{text}» no es un porcentaje entre 0 y 100"))
            }
        }
        ValueType::Boolean => match text.to_lowercase().as_str() {
            "si" | "sí" | "true" | "1" | "verdadero" => Ok("true".into()),
            "no" | "false" | "0" | "falso" => Ok("false".into()),
            _ => Err(format!("«{text}» no es sí o no")),
        },
        ValueType::Date => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(|date| date.format("%Y-%m-%d").to_string())
            .map_err(|_| format!("«{text}» no es una fecha AAAA-MM-DD")),
        ValueType::Text => {
            let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
            match collapsed.chars().count() {
                0 => Err("el texto está vacío".into()),
                n if n > 1_000 => Err("el texto supera 1.000 caracteres".into()),
                _ => Ok(collapsed),
            }
        }
    }
}

/// A number as Colombians write it (`super::numbers::number_parts`), written
/// canonically: no thousands separators, no leading zeros, no trailing
/// fractional zeros, "." as decimal separator, no "-0".
fn canonical_decimal(text: &str, whole: bool) -> Result<String, String> {
    let (negative, integer, fraction) = super::numbers::number_parts(text, whole)?;
    if integer.len() + fraction.len() > 30 {
        return Err(format!("«{text}» tiene demasiados dígitos"));
    }
    let integer = integer.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let integer = if integer.is_empty() { "0" } else { integer };
    let magnitude = if fraction.is_empty() { integer.to_owned() } else { format!("{integer}.{fraction}") };
    Ok(if negative && magnitude != "0" { format!("-{magnitude}") } else { magnitude })
}

/// What happened to one value of a submission.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// Valor nuevo para la clave (entidad, elemento, periodo).
    New,
    /// Igual al valor vigente: no se guarda otro valor, se suma a su procedencia.
    Duplicate,
    /// Nuevo valor del mismo reportante: nueva versión, se conserva la historia.
    Correction,
    /// Valor distinto de otro reportante: se conservan ambos y se marca el conflicto.
    Conflict,
}

db_names!(Outcome { New => "NEW", Duplicate => "DUPLICATE", Correction => "CORRECTION", Conflict => "CONFLICT" });

/// The state of one data element of a requirement, for an entity and period.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ElementState {
    /// Reportado para este requerimiento.
    Reported,
    /// Ya suministrado por otro requerimiento: se reutiliza, no se pide de nuevo.
    Reused,
    /// Hay valores distintos de reportantes distintos, sin resolver.
    InConflict,
    /// No hay dato: es lo único que se pide.
    Missing,
}

/// A stored submission and its tally.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubmissionRecord {
    pub id: Uuid,
    pub reporter_code: String,
    pub requirement_code: String,
    pub period: String,
    pub idempotency_key: String,
    pub submitted_at: DateTime<Utc>,
    pub accepted: i32,
    pub duplicates: i32,
    pub corrections: i32,
    pub conflicts: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_match_their_periodicity() {
        assert_eq!(parse_period("2025", Periodicity::Annual).expect("valid"), "2025");
        assert_eq!(parse_period(" 2025-s1 ", Periodicity::Semester).expect("valid"), "2025-S1");
        assert_eq!(parse_period("2025-q4", Periodicity::Quarterly).expect("valid"), "2025-Q4");
        assert_eq!(parse_period("2025-T3", Periodicity::Quarterly).expect("valid"), "2025-Q3");
        assert_eq!(parse_period("2025-07", Periodicity::Monthly).expect("valid"), "2025-07");
        for (bad, periodicity) in [
            ("2025-07", Periodicity::Annual),
            ("2025", Periodicity::Monthly),
            ("2025-13", Periodicity::Monthly),
            ("2025-Q5", Periodicity::Quarterly),
            ("25", Periodicity::Annual),
            ("1850", Periodicity::Annual),
            ("2025-S3", Periodicity::Semester),
        ] {
            let error = parse_period(bad, periodicity).unwrap_err();
            assert!(error.to_string().contains("se espera"), "{bad}: {error}");
        }
    }

    #[test]
    fn numbers_have_one_canonical_form() {
        for (raw, canonical) in [
            ("1500,50", "1500.5"),
            ("1500.5", "1500.5"),
            ("001500", "1500"),
            ("-0,0", "0"),
            ("+7", "7"),
            (",5", "0.5"),
            ("12.", "12"),
            ("1.500.000", "1500000"),
            ("20.500,75", "20500.75"),
        ] {
            assert_eq!(canonical_value(ValueType::Number, raw).as_deref(), Ok(canonical), "{raw}");
        }
        for bad in ["", "abc", "20.500", "1,5,3", "1e5", "-", "5 000"] {
            assert!(canonical_value(ValueType::Number, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_type_is_checked() {
        assert_eq!(canonical_value(ValueType::Integer, "0042").as_deref(), Ok("42"));
        assert!(canonical_value(ValueType::Integer, "4.2").is_err());
        assert_eq!(canonical_value(ValueType::Integer, "20.500").as_deref(), Ok("20500"));
        assert_eq!(
            canonical_value(ValueType::Integer, "-3.700").as_deref(),
            Ok("-3700"),
            "the range refuses it"
        );
        assert_eq!(canonical_value(ValueType::Percentage, "99,50").as_deref(), Ok("99.5"));
        assert!(canonical_value(ValueType::Percentage, "100.1").is_err());
        assert_eq!(canonical_value(ValueType::Boolean, "Sí").as_deref(), Ok("true"));
        assert!(canonical_value(ValueType::Boolean, "tal vez").is_err());
        assert_eq!(canonical_value(ValueType::Date, "2025-02-28").as_deref(), Ok("2025-02-28"));
        assert!(canonical_value(ValueType::Date, "2025-02-30").is_err());
        assert_eq!(canonical_value(ValueType::Text, "  dos   palabras ").as_deref(), Ok("dos palabras"));
        assert!(canonical_value(ValueType::Text, "   ").is_err());
    }
}
