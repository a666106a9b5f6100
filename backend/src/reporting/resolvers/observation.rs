//! An observation with its history: every value it held, who sent it, in
//! which submission and for which requirements, and which correction replaced it.

use async_graphql::{Enum, Object, ID};
use chrono::{DateTime, Utc};

use crate::reporting::sheet::{Entry, Held, HeldStatus, ObservationKey};

/// Observación: el dato de una entidad, un periodo y un elemento, con su historia.
pub struct ObservationNode {
    pub(super) key: ObservationKey,
    pub(super) entry: Entry,
}

#[Object(name = "Observation")]
impl ObservationNode {
    /// `sujeto:periodo:elemento`.
    async fn id(&self) -> ID {
        ID(self.key.id())
    }
    async fn subject_code(&self) -> &str {
        &self.key.subject
    }
    async fn period(&self) -> &str {
        &self.key.period
    }
    async fn data_element_code(&self) -> &str {
        &self.key.element
    }
    /// El valor vigente: el que la plataforma sirve a todos los requerimientos.
    async fn value(&self) -> Option<&str> {
        self.entry.served().map(|held| held.value.as_str())
    }
    async fn in_conflict(&self) -> bool {
        self.entry.in_conflict
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.entry.updated_at
    }
    /// Procedencia del valor vigente: quién lo reportó, en qué envío y para qué requerimientos.
    async fn provenance(&self) -> Option<ObservationVersionNode> {
        self.version(self.entry.current)
    }
    /// Todas las versiones, de la más antigua a la más reciente: vigentes, corregidas y rechazadas.
    async fn versions(&self) -> Vec<ObservationVersionNode> {
        (1..=self.entry.values.len() as u32).filter_map(|number| self.version(number)).collect()
    }
}

impl ObservationNode {
    fn version(&self, number: u32) -> Option<ObservationVersionNode> {
        let held = self.entry.held(number)?.clone();
        Some(ObservationVersionNode {
            id: self.key.value_id(number),
            number,
            superseded_by: self.entry.superseded_by(number).map(|later| self.key.value_id(later)),
            held,
        })
    }
}

/// Estado de una versión del valor de una observación.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueVersionStatus {
    /// El último valor de su reportante.
    Active,
    /// Reemplazado por una corrección del mismo reportante.
    Superseded,
    /// Descartado al resolver un conflicto.
    Rejected,
}

/// Una versión del valor de una observación.
pub struct ObservationVersionNode {
    id: String,
    number: u32,
    superseded_by: Option<String>,
    held: Held,
}

#[Object(name = "ObservationVersion")]
impl ObservationVersionNode {
    /// Id del valor (`sujeto:periodo:elemento:número`), el que elige `resolveConflict`.
    async fn id(&self) -> ID {
        ID(self.id.clone())
    }
    /// Número del valor en la observación, desde 1.
    async fn number(&self) -> i32 {
        self.number as i32
    }
    async fn value(&self) -> &str {
        &self.held.value
    }
    /// Entidad que lo reportó.
    async fn reporter_code(&self) -> &str {
        &self.held.reporter
    }
    /// Envío en que llegó.
    async fn submission_id(&self) -> ID {
        ID(self.held.submission.to_string())
    }
    /// Versión del valor de su reportante: 1, y una más por cada corrección.
    async fn version(&self) -> i32 {
        self.held.version
    }
    async fn status(&self) -> ValueVersionStatus {
        match self.held.status {
            HeldStatus::Active => ValueVersionStatus::Active,
            HeldStatus::Superseded => ValueVersionStatus::Superseded,
            HeldStatus::Rejected => ValueVersionStatus::Rejected,
        }
    }
    /// Cuándo llegó.
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.held.at
    }
    /// La corrección que lo reemplazó, si la hubo.
    async fn superseded_by(&self) -> Option<ID> {
        self.superseded_by.clone().map(ID)
    }
    /// Requerimientos para los que se suministró: el primero y los que lo reutilizaron al reenviarlo.
    async fn supplied_for(&self) -> Vec<&str> {
        self.held.supplied_for().collect()
    }
}
