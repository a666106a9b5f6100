//! Who has reported a requirement for a period: every entity the requirement
//! is addressed to, complete, partial or not reported. The issuing entity
//! follows up from it (and downloads it as CSV); public, like each entity's
//! status. A value reused from another requirement counts: the entity owes
//! nothing for it.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::{
    catalogue::Catalogue,
    model::{parse_period, Requirement},
    periods::{self, PeriodSpan},
    sheet_store::served_counts,
};
use crate::{
    error::ServiceError,
    territory::{DivipolaCode, TerritorialEntity, TerritorialKind, TerritoryFilter, TerritoryService},
};

/// Where an entity stands on one requirement and period.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoverageState {
    /// Todos los elementos tienen valor (reportado o reutilizado).
    Complete,
    /// Algunos elementos tienen valor; faltan otros.
    Partial,
    /// Ningún elemento tiene valor.
    NotReported,
}

impl CoverageState {
    pub fn label(self) -> &'static str {
        match self {
            CoverageState::Complete => "Completo",
            CoverageState::Partial => "Parcial",
            CoverageState::NotReported => "Sin reportar",
        }
    }
}

/// The state of an entity that has values for `with_value` of `requested` elements.
pub fn coverage_state(with_value: usize, requested: usize) -> CoverageState {
    if with_value == 0 {
        CoverageState::NotReported
    } else if with_value >= requested {
        CoverageState::Complete
    } else {
        CoverageState::Partial
    }
}

/// Whether a requirement's coverage in `period` (normalised) means anything: the
/// platform's own requirements are owed by no one, a period after the last one is not
/// asked, and no one could have reported a period that has not begun.
pub fn check_period(requirement: &Requirement, span: &PeriodSpan, today: NaiveDate) -> Result<(), String> {
    if requirement.reported_by_platform {
        return Err(format!(
            "«{}» lo reporta la plataforma con sus propios registros: ninguna entidad lo debe",
            requirement.code
        ));
    }
    if let Some(last) = requirement.last_period.as_deref().filter(|last| span.period.as_str() > *last) {
        return Err(format!(
            "«{}» se pidió hasta el periodo {last}; no pide «{}»",
            requirement.code, span.period
        ));
    }
    if span.starts_on > today {
        return Err(format!(
            "el periodo «{}» aún no ha comenzado (hoy es {} en Colombia): nadie ha podido reportarlo",
            span.period,
            today.format("%Y-%m-%d")
        ));
    }
    Ok(())
}

/// One entity's row.
#[derive(Debug, Clone)]
pub struct EntityCoverage {
    pub entity: TerritorialEntity,
    pub state: CoverageState,
    /// Elements with a served value.
    pub with_value: usize,
    /// Of those, values in conflict (served, but to be resolved).
    pub in_conflict: usize,
}

/// A requirement's coverage in one period.
#[derive(Debug, Clone)]
pub struct RequirementCoverage {
    pub requirement: Requirement,
    pub span: PeriodSpan,
    pub due_on: NaiveDate,
    /// Every entity addressed, in code order.
    pub entities: Vec<EntityCoverage>,
}

impl RequirementCoverage {
    pub fn count(&self, state: CoverageState) -> usize {
        self.entities.iter().filter(|row| row.state == state).count()
    }

    pub fn requested(&self) -> usize {
        self.requirement.element_codes.len()
    }
}

/// The coverage as CSV, with names beside codes for a spreadsheet reader.
pub fn coverage_csv(coverage: &RequirementCoverage, department_names: &dyn Fn(&str) -> String) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let requested = coverage.requested().to_string();
    let label = periods::label(&coverage.span.period, coverage.requirement.periodicity);
    let due = coverage.due_on.to_string();
    let _ = writer.write_record([
        "requerimiento",
        "periodo",
        "plazo",
        "codigo_divipola",
        "entidad",
        "departamento",
        "estado",
        "elementos_con_valor",
        "elementos_pedidos",
        "en_conflicto",
    ]);
    for row in &coverage.entities {
        let department = row.entity.department_code.as_deref().map(department_names).unwrap_or_default();
        let _ = writer.write_record([
            coverage.requirement.code.as_str(),
            label.as_str(),
            due.as_str(),
            row.entity.code.as_str(),
            row.entity.name.as_str(),
            department.as_str(),
            row.state.label(),
            &row.with_value.to_string(),
            &requested,
            &row.in_conflict.to_string(),
        ]);
    }
    writer.into_inner().ok().and_then(|bytes| String::from_utf8(bytes).ok()).unwrap_or_default()
}

#[derive(Clone)]
pub struct Coverage {
    db: DatabaseConnection,
    catalogue: Catalogue,
    territory: TerritoryService,
}

impl Coverage {
    pub fn new(db: DatabaseConnection, catalogue: Catalogue, territory: TerritoryService) -> Self {
        Self { db, catalogue, territory }
    }

    /// Every entity `requirement_code` addresses (of one department, if given)
    /// and what it has for `period`.
    #[tracing::instrument(name = "reporting.coverage", skip_all)]
    pub async fn requirement_coverage(
        &self,
        requirement_code: &str,
        period: &str,
        department_code: Option<&str>,
    ) -> Result<RequirementCoverage, ServiceError> {
        let requirement = self.catalogue.requirement(&self.db, requirement_code).await?.ok_or_else(|| {
            ServiceError::invalid(format!(
                "no existe el requerimiento de información «{}»",
                requirement_code.trim()
            ))
        })?;
        let period = parse_period(period, requirement.periodicity)?;
        let span = periods::span(&period, requirement.periodicity)
            .ok_or_else(|| ServiceError::invalid(format!("el periodo «{period}» no existe")))?;
        check_period(&requirement, &span, crate::bogota_time::today()).map_err(ServiceError::invalid)?;
        let department = department_code.map(DivipolaCode::parse).transpose()?;
        let department_entity = match &department {
            Some(code) if code.as_str().len() != 2 => {
                return Err(ServiceError::invalid(format!(
                    "«{}» no es el código de un departamento (dos dígitos, p. ej. 05)",
                    code.as_str()
                )))
            }
            Some(code) => Some(self.territory.find(code).await?.ok_or_else(|| {
                ServiceError::invalid(format!("no existe el departamento «{}»", code.as_str()))
            })?),
            None => None,
        };
        let filter = TerritoryFilter { department: department.clone(), ..Default::default() };
        let mut addressed: Vec<TerritorialEntity> = self
            .territory
            .all(&filter)
            .await?
            .into_iter()
            .filter(|entity| requirement.entity_kinds.contains(&entity.kind))
            .collect();
        // A department asked for is addressed itself, not only through its municipalities.
        if let Some(entity) =
            department_entity.filter(|_| requirement.entity_kinds.contains(&TerritorialKind::Department))
        {
            addressed.insert(0, entity);
        }
        // The whole country is every sheet of the period: no list of 1,121
        // codes for the database to bind and compare.
        let subjects = department.is_some().then(|| addressed.iter().map(|e| e.code.as_str()));
        let counts = served_counts(&self.db, subjects, &period, &requirement.element_codes).await?;
        let requested = requirement.element_codes.len();
        let entities = addressed
            .into_iter()
            .map(|entity| {
                let (with_value, in_conflict) = counts.get(&entity.code).copied().unwrap_or((0, 0));
                EntityCoverage {
                    state: coverage_state(with_value, requested),
                    entity,
                    with_value,
                    in_conflict,
                }
            })
            .collect();
        let due_on = span.due_on(requirement.due_days);
        Ok(RequirementCoverage { requirement, span, due_on, entities })
    }
}

impl Coverage {
    /// The coverage as CSV, and the file's name (`cobertura-FUT_SALUD-2025-Q3.csv`).
    #[tracing::instrument(name = "reporting.coverage_csv", skip_all)]
    pub async fn csv(
        &self,
        requirement_code: &str,
        period: &str,
        department_code: Option<&str>,
    ) -> Result<(String, String), ServiceError> {
        let coverage = self.requirement_coverage(requirement_code, period, department_code).await?;
        let filter = TerritoryFilter { kind: Some(TerritorialKind::Department), ..Default::default() };
        let names: HashMap<String, String> =
            self.territory.all(&filter).await?.into_iter().map(|d| (d.code, d.name)).collect();
        let body = coverage_csv(&coverage, &|code| names.get(code).cloned().unwrap_or_default());
        let name = format!("cobertura-{}-{}.csv", coverage.requirement.code, coverage.span.period);
        Ok((body, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::model::Periodicity;

    fn quarterly(last_period: Option<&str>, by_platform: bool) -> Requirement {
        Requirement {
            code: "AGUA".into(),
            name: "Agua".into(),
            issuer_code: "SSPD".into(),
            legal_basis: String::new(),
            periodicity: Periodicity::Quarterly,
            entity_kinds: vec![TerritorialKind::Municipality],
            element_codes: vec!["A".into()],
            created_at: chrono::Utc::now(),
            last_period: last_period.map(str::to_owned),
            reported_by_platform: by_platform,
            due_days: 45,
        }
    }

    #[test]
    fn coverage_is_asked_only_of_periods_someone_owes() {
        let today = NaiveDate::from_ymd_opt(2025, 8, 15).expect("a day");
        let span = |period: &str| periods::span(period, Periodicity::Quarterly).expect("a quarter");
        assert_eq!(
            check_period(&quarterly(None, false), &span("2025-Q3"), today),
            Ok(()),
            "the quarter under way"
        );
        assert!(check_period(&quarterly(None, false), &span("2025-Q4"), today)
            .is_err_and(|e| e.contains("aún no ha comenzado")));
        assert!(check_period(&quarterly(Some("2025-Q1"), false), &span("2025-Q2"), today)
            .is_err_and(|e| e.contains("hasta el periodo 2025-Q1")));
        assert_eq!(check_period(&quarterly(Some("2025-Q1"), false), &span("2025-Q1"), today), Ok(()));
        assert!(check_period(&quarterly(None, true), &span("2025-Q2"), today)
            .is_err_and(|e| e.contains("plataforma")));
    }

    #[test]
    fn an_entity_is_complete_only_with_every_element() {
        assert_eq!(coverage_state(0, 4), CoverageState::NotReported);
        assert_eq!(coverage_state(3, 4), CoverageState::Partial);
        assert_eq!(coverage_state(4, 4), CoverageState::Complete);
    }

    #[test]
    fn the_csv_names_entities_and_departments_and_reads_the_period() {
        let entity = |code: &str, name: &str| TerritorialEntity {
            code: code.into(),
            name: name.into(),
            kind: TerritorialKind::Municipality,
            department_code: Some("05".into()),
            category: None,
            capacity_group: None,
        };
        let requirement = Requirement {
            code: "FUT_SALUD".into(),
            name: "Salud".into(),
            issuer_code: "MINSALUD".into(),
            legal_basis: String::new(),
            periodicity: Periodicity::Quarterly,
            entity_kinds: vec![TerritorialKind::Municipality],
            element_codes: vec!["A".into(), "B".into()],
            created_at: chrono::Utc::now(),
            last_period: None,
            reported_by_platform: false,
            due_days: 45,
        };
        let span = periods::span("2025-Q3", Periodicity::Quarterly).expect("a quarter");
        let coverage = RequirementCoverage {
            due_on: span.due_on(45),
            span,
            requirement,
            entities: vec![
                EntityCoverage {
                    entity: entity("05001", "Medellín"),
                    state: CoverageState::Complete,
                    with_value: 2,
                    in_conflict: 1,
                },
                EntityCoverage {
                    entity: entity("05002", "Abejorral, \"ciudad\""),
                    state: CoverageState::NotReported,
                    with_value: 0,
                    in_conflict: 0,
                },
            ],
        };
        let csv =
            coverage_csv(&coverage, &|code| if code == "05" { "Antioquia".into() } else { String::new() });
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[1],
            "FUT_SALUD,3.er trimestre de 2025,2025-11-14,05001,Medellín,Antioquia,Completo,2,2,1"
        );
        assert!(lines[2].contains("\"Abejorral, \"\"ciudad\"\"\""), "{}", lines[2]);
        assert!(lines[2].ends_with("Sin reportar,0,2,0"));
        assert_eq!(coverage.count(CoverageState::Complete), 1);
    }
}
