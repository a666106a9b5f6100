//! Domain types of the classification of spending.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::territory::TerritorialKind;

/// Nivel de un elemento del catálogo de clasificación del gasto.
#[derive(
    async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CatalogueLevel {
    /// Competencia (p. ej. educación, agua potable y saneamiento básico).
    Competency,
    /// Unidad programática: a ella se imputa el gasto.
    Unit,
    /// Bien o servicio que entrega una unidad programática.
    Service,
}

impl CatalogueLevel {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Competency => "COMPETENCY",
            Self::Unit => "UNIT",
            Self::Service => "SERVICE",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        [Self::Competency, Self::Unit, Self::Service].into_iter().find(|level| level.as_db() == value)
    }

    /// The level an item of this level hangs from.
    pub fn parent(self) -> Option<Self> {
        match self {
            Self::Competency => None,
            Self::Unit => Some(Self::Competency),
            Self::Service => Some(Self::Unit),
        }
    }

    pub fn spanish(self) -> &'static str {
        match self {
            Self::Competency => "competencia",
            Self::Unit => "unidad programática",
            Self::Service => "servicio",
        }
    }
}

/// Tipo de cambio propuesto al catálogo.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChangeKind {
    /// Nuevo elemento (competencia, unidad o servicio) con un código nunca usado.
    Add,
    /// Nuevo nombre o descripción; el código se conserva.
    Rename,
    /// Una unidad se divide en varias; el gasto se reparte según porcentajes que suman 100 %.
    Split,
    /// Varias unidades se funden en una; cada una pasa su gasto entero.
    Merge,
    /// Retiro de un elemento, con sus sucesores si los tiene.
    Retire,
}

impl ChangeKind {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Add => "ADD",
            Self::Rename => "RENAME",
            Self::Split => "SPLIT",
            Self::Merge => "MERGE",
            Self::Retire => "RETIRE",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        [Self::Add, Self::Rename, Self::Split, Self::Merge, Self::Retire]
            .into_iter()
            .find(|k| k.as_db() == value)
    }
}

/// Estado de una propuesta de cambio.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProposalStatus {
    /// En revisión de Función Pública.
    Pending,
    /// Aprobada: forma parte de una versión del catálogo.
    Approved,
    /// Rechazada con una nota.
    Rejected,
}

impl ProposalStatus {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Approved => "APPROVED",
            Self::Rejected => "REJECTED",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Rejected].into_iter().find(|s| s.as_db() == value)
    }
}

/// An item of the catalogue as one version holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub code: String,
    pub level: CatalogueLevel,
    pub parent_code: Option<String>,
    pub name: String,
    pub description: String,
    pub entity_kinds: Vec<TerritorialKind>,
    pub legal_basis: String,
}

/// A successor of a retired code and the share of its spending, in basis
/// points (hundredths of a percent: 10 000 is all of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub code: String,
    /// Name of a new item; `None` names an existing current item.
    pub name: Option<String>,
    pub description: Option<String>,
    pub basis_points: i32,
}

/// A change to the catalogue, as proposed and as applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProposedChange {
    Add { item: Item },
    Rename { code: String, name: String, description: Option<String> },
    Split { code: String, parts: Vec<Part> },
    Merge { codes: Vec<String>, into: Part },
    Retire { code: String, successors: Vec<Part> },
}

impl ProposedChange {
    pub fn kind(&self) -> ChangeKind {
        match self {
            Self::Add { .. } => ChangeKind::Add,
            Self::Rename { .. } => ChangeKind::Rename,
            Self::Split { .. } => ChangeKind::Split,
            Self::Merge { .. } => ChangeKind::Merge,
            Self::Retire { .. } => ChangeKind::Retire,
        }
    }

    /// The codes it is about, for lists and summaries.
    pub fn codes(&self) -> Vec<String> {
        match self {
            Self::Add { item } => vec![item.code.clone()],
            Self::Rename { code, .. } | Self::Split { code, .. } | Self::Retire { code, .. } => {
                vec![code.clone()]
            }
            Self::Merge { codes, into } => codes.iter().chain(std::iter::once(&into.code)).cloned().collect(),
        }
    }
}

/// A proposal of change and its decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub id: Uuid,
    pub change: ProposedChange,
    pub reason: String,
    pub proposer_code: String,
    pub status: ProposalStatus,
    pub decision_note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The catalogue version it became part of.
    pub version: Option<i32>,
    pub created_at: DateTime<Utc>,
}

/// A version of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Version {
    pub number: i32,
    pub effective_on: NaiveDate,
    pub note: String,
    pub approved_by: String,
    pub created_at: DateTime<Utc>,
}

/// One row of the crosswalk: `from_code`, retired in `version`, passes
/// `basis_points` of its spending to `to_code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrosswalkRow {
    pub version: i32,
    pub from_code: String,
    pub to_code: String,
    pub basis_points: i32,
}

/// Budget execution of one unit in one vigencia, in pesos.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Amounts {
    pub appropriation: f64,
    pub commitments: f64,
    pub obligations: f64,
    pub payments: f64,
}

impl Amounts {
    pub fn scaled(self, factor: f64) -> Self {
        Self {
            appropriation: self.appropriation * factor,
            commitments: self.commitments * factor,
            obligations: self.obligations * factor,
            payments: self.payments * factor,
        }
    }

    pub fn add(&mut self, other: Self) {
        self.appropriation += other.appropriation;
        self.commitments += other.commitments;
        self.obligations += other.obligations;
        self.payments += other.payments;
    }
}

/// The four moments of budget execution, as data elements carry them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    Appropriation,
    Commitments,
    Obligations,
    Payments,
}

impl Moment {
    pub const ALL: [Self; 4] = [Self::Appropriation, Self::Commitments, Self::Obligations, Self::Payments];

    pub fn suffix(self) -> &'static str {
        match self {
            Self::Appropriation => "APROPIACION",
            Self::Commitments => "COMPROMISOS",
            Self::Obligations => "OBLIGACIONES",
            Self::Payments => "PAGOS",
        }
    }

    pub fn spanish(self) -> &'static str {
        match self {
            Self::Appropriation => "apropiación definitiva",
            Self::Commitments => "compromisos",
            Self::Obligations => "obligaciones",
            Self::Payments => "pagos",
        }
    }

    pub fn get(self, amounts: &Amounts) -> f64 {
        match self {
            Self::Appropriation => amounts.appropriation,
            Self::Commitments => amounts.commitments,
            Self::Obligations => amounts.obligations,
            Self::Payments => amounts.payments,
        }
    }

    pub fn set(self, amounts: &mut Amounts, value: f64) {
        match self {
            Self::Appropriation => amounts.appropriation = value,
            Self::Commitments => amounts.commitments = value,
            Self::Obligations => amounts.obligations = value,
            Self::Payments => amounts.payments = value,
        }
    }
}

/// The requirement through which the spending of a unit travels.
pub fn spending_requirement(unit_code: &str) -> String {
    format!("GASTO_{unit_code}")
}

/// The data element of one unit and moment.
pub fn spending_element(unit_code: &str, moment: Moment) -> String {
    format!("GASTO_{unit_code}_{}", moment.suffix())
}

/// The unit and moment of a spending element, when `code` is one.
pub fn parse_spending_element(code: &str) -> Option<(&str, Moment)> {
    let rest = code.strip_prefix("GASTO_")?;
    Moment::ALL.into_iter().find_map(|moment| {
        let unit = rest.strip_suffix(moment.suffix())?.strip_suffix('_')?;
        (!unit.is_empty()).then_some((unit, moment))
    })
}
