//! Domain types of monitoring.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::reporting::model::Periodicity;

/// Sentido de un indicador.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Direction {
    /// Más es mejor (p. ej. cobertura).
    HigherIsBetter,
    /// Menos es mejor (p. ej. deserción, riesgo del agua).
    LowerIsBetter,
}

impl Direction {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::HigherIsBetter => "HIGHER_IS_BETTER",
            Self::LowerIsBetter => "LOWER_IS_BETTER",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        [Self::HigherIsBetter, Self::LowerIsBetter].into_iter().find(|d| d.as_db() == value)
    }
}

/// Semáforo de un valor frente a los umbrales de su indicador.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TrafficLight {
    /// Cumple el umbral bueno.
    Green,
    /// Entre los dos umbrales.
    Yellow,
    /// Por fuera del umbral aceptable: pide acción.
    Red,
}

impl TrafficLight {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Green => "GREEN",
            Self::Yellow => "YELLOW",
            Self::Red => "RED",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        [Self::Green, Self::Yellow, Self::Red].into_iter().find(|l| l.as_db() == value)
    }
}

/// An indicator as registered (its current version).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub code: String,
    pub version: i32,
    pub name: String,
    pub competency: String,
    pub programmatic_unit: Option<String>,
    pub formula: String,
    /// The data elements the formula reads, in code order.
    pub element_codes: Vec<String>,
    pub unit: String,
    pub direction: Direction,
    pub lower_threshold: f64,
    pub upper_threshold: f64,
    pub periodicity: Periodicity,
    pub source_note: String,
    /// The organisation that owns it (its national users may change it).
    pub owner_code: String,
    /// Not public: see `rules::sight`.
    pub restricted: bool,
    pub updated_at: DateTime<Utc>,
}

/// An indicator to register, as received.
#[derive(Debug, Clone)]
pub struct NewIndicator {
    pub code: String,
    pub name: String,
    pub competency: String,
    pub programmatic_unit: Option<String>,
    pub formula: String,
    pub unit: String,
    pub direction: Direction,
    pub lower_threshold: f64,
    pub upper_threshold: f64,
    pub periodicity: Periodicity,
    pub source_note: String,
    /// The owning organisation; a national user's own when absent.
    pub owner_code: Option<String>,
    pub restricted: bool,
}

/// A stored result: the value of one indicator for one entity and period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorValue {
    pub indicator_code: String,
    pub entity_code: String,
    pub period: String,
    pub value: Option<f64>,
    pub missing: Vec<String>,
    pub conflicting: Vec<String>,
    pub reason: Option<String>,
    pub computed_at: DateTime<Utc>,
}

/// Grupo de pares con el que se compara un valor.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PeerGroupKind {
    /// Misma categoría municipal (Ley 617 de 2000).
    Category,
    /// Mismo grupo de capacidades iniciales (DNP).
    CapacityGroup,
    /// Mismo departamento.
    Department,
    /// Misma Región Administrativa y de Planificación (RAP); un departamento puede estar en dos.
    RapRegion,
}
