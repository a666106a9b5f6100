//! The monitoring service: indicators as data, registered and versioned here;
//! their computation is in `compute`, the views in `views`.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, QueryOrder, TransactionTrait,
};

use super::{
    entity::indicator,
    formula::{self, ElementKind},
    model::{Direction, Indicator, NewIndicator},
    rules,
};
use crate::{
    access::AccessService,
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, Role},
    error::ServiceError,
    events::{EventBus, IndicatorsRecomputed},
    reporting::{
        catalogue::parse_code,
        model::{Periodicity, ValueType},
        ReportingService,
    },
    territory::TerritoryService,
};

#[derive(Clone)]
pub struct MonitoringService {
    pub(super) db: DatabaseConnection,
    pub(super) reporting: ReportingService,
    pub(super) territory: TerritoryService,
    pub(super) events: EventBus<IndicatorsRecomputed>,
}

impl MonitoringService {
    pub fn new(
        db: DatabaseConnection,
        reporting: ReportingService,
        territory: TerritoryService,
        events: EventBus<IndicatorsRecomputed>,
    ) -> Self {
        Self { db, reporting, territory, events }
    }

    /// Every indicator, by code (tens to a few hundred).
    #[tracing::instrument(name = "monitoring.indicators", skip_all)]
    pub async fn indicators(&self) -> Result<Vec<Indicator>, ServiceError> {
        let rows = indicator::Entity::find().order_by_asc(indicator::Column::Code).all(&self.db).await?;
        rows.into_iter().map(Indicator::try_from).collect()
    }

    /// One indicator; NOT_FOUND when there is none with that code.
    pub async fn indicator(&self, code: &str) -> Result<Indicator, ServiceError> {
        let code = code.trim().to_uppercase();
        match indicator::Entity::find_by_id(code.as_str()).one(&self.db).await? {
            Some(row) => Indicator::try_from(row),
            None => Err(ServiceError::NotFound(format!("no existe el indicador «{code}»"))),
        }
    }

    /// Registers an indicator, or a new version of one (the previous version
    /// stays in the audit log), and computes it for every entity and period.
    /// A national entity registers for its own organisation; an administrator
    /// names the owner.
    #[tracing::instrument(name = "monitoring.register_indicator", skip_all)]
    pub async fn register(&self, actor: &Actor, new: NewIndicator) -> Result<Indicator, ServiceError> {
        let user =
            access_rules::require_role(actor, &[Role::National, Role::Admin], "registrar indicadores")?;
        let owner_code = match (user.role, new.owner_code.as_deref().map(|c| c.trim().to_uppercase())) {
            (Role::Admin, Some(owner)) => owner,
            (Role::Admin, None) => {
                return Err(ServiceError::invalid(
                    "un administrador debe indicar la organización dueña del indicador («ownerCode»)",
                ))
            }
            (_, Some(owner)) if !access_rules::may_write_for_organisation(user, &owner) => {
                return Err(ServiceError::Forbidden("registrar indicadores de otra organización"))
            }
            _ => user.organisation_code.clone().ok_or(ServiceError::Forbidden("registrar indicadores"))?,
        };
        if !AccessService::organisation_exists(&self.db, &owner_code).await? {
            return Err(ServiceError::invalid(format!("no existe la organización «{owner_code}»")));
        }
        let checked = self.checked(new).await?;
        let transaction = self.db.begin().await?;
        let previous = indicator::Entity::find_by_id(checked.code.as_str()).one(&transaction).await?;
        if let Some(previous) = &previous {
            if user.role != Role::Admin && previous.owner_code != owner_code {
                return Err(ServiceError::Forbidden("cambiar indicadores de otra organización"));
            }
        }
        let before = previous.clone().map(Indicator::try_from).transpose()?;
        let row = indicator::ActiveModel {
            code: Set(checked.code.clone()),
            version: Set(previous.as_ref().map_or(1, |row| row.version + 1)),
            name: Set(checked.name),
            competency: Set(checked.competency),
            programmatic_unit: Set(checked.programmatic_unit),
            formula: Set(checked.formula),
            element_codes: Set(checked.element_codes.join(",")),
            unit: Set(checked.unit),
            direction: Set(checked.direction.as_db().to_owned()),
            lower_threshold: Set(checked.lower_threshold),
            upper_threshold: Set(checked.upper_threshold),
            periodicity: Set(checked.periodicity.as_db().to_owned()),
            source_note: Set(checked.source_note),
            owner_code: Set(owner_code),
            updated_at: Set(Utc::now()),
            restricted: Set(checked.restricted),
        };
        let saved = match previous {
            Some(_) => row.update(&transaction).await?,
            None => row.insert(&transaction).await?,
        };
        let after = Indicator::try_from(saved)?;
        let change = Change::new("register_indicator", "indicator", &after.code).after(&after);
        let change = match &before {
            Some(before) => change.before(before),
            None => change,
        };
        audit::record(&transaction, actor, change).await?;
        transaction.commit().await?;
        // A new formula reads other inputs: its results are computed again
        // before the registration is answered.
        self.rebuild_indicators(std::slice::from_ref(&after), |_, _| {}).await?;
        Ok(after)
    }

    /// Validates an indicator against the catalogue: nothing is written
    /// unless every field is right.
    async fn checked(&self, new: NewIndicator) -> Result<Checked, ServiceError> {
        let code = parse_code(&new.code, "indicador")?;
        let expr = formula::parse(&new.formula).map_err(formula_error)?;
        let codes: Vec<String> = expr.elements().into_iter().collect();
        let elements = self.reporting.catalogue.data_elements_by_code(&self.db, &codes).await?;
        let kinds: HashMap<String, ElementKind> = elements
            .into_iter()
            .map(|(code, element)| {
                let kind = match element.value_type {
                    ValueType::Number | ValueType::Integer | ValueType::Percentage => ElementKind::Numeric,
                    ValueType::Text | ValueType::Boolean | ValueType::Date => ElementKind::NotNumeric,
                };
                (code, kind)
            })
            .collect();
        formula::check(&new.formula, &kinds).map_err(formula_error)?;
        rules::check_thresholds(new.lower_threshold, new.upper_threshold).map_err(ServiceError::Invalid)?;
        Ok(Checked {
            code,
            name: text(&new.name, "name", 200)?,
            competency: parse_code(&new.competency, "competencia")?,
            programmatic_unit: new
                .programmatic_unit
                .map(|unit| text(&unit, "programmaticUnit", 200))
                .transpose()?,
            formula: new.formula.split_whitespace().collect::<Vec<_>>().join(" "),
            element_codes: codes,
            unit: text(&new.unit, "unit", 64)?,
            direction: new.direction,
            lower_threshold: new.lower_threshold,
            upper_threshold: new.upper_threshold,
            periodicity: new.periodicity,
            source_note: text(&new.source_note, "sourceNote", 2_000)?,
            restricted: new.restricted,
        })
    }

    /// A change committed by another part of this process made the derived
    /// answers stale: the public cache hears it.
    pub(super) fn announce(&self) {
        self.events.publish(IndicatorsRecomputed);
    }
}

/// An indicator whose every field has been checked.
struct Checked {
    code: String,
    name: String,
    competency: String,
    programmatic_unit: Option<String>,
    formula: String,
    element_codes: Vec<String>,
    unit: String,
    direction: Direction,
    lower_threshold: f64,
    upper_threshold: f64,
    periodicity: Periodicity,
    source_note: String,
    restricted: bool,
}

fn formula_error(reason: String) -> ServiceError {
    ServiceError::invalid(format!("fórmula no válida: {reason}"))
}

fn text(raw: &str, field: &str, max: usize) -> Result<String, ServiceError> {
    let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() || value.chars().count() > max {
        return Err(ServiceError::invalid(format!("«{field}» es obligatorio (hasta {max} caracteres)")));
    }
    Ok(value)
}

impl TryFrom<indicator::Model> for Indicator {
    type Error = ServiceError;

    fn try_from(row: indicator::Model) -> Result<Self, ServiceError> {
        let corrupt = |what: &str| {
            ServiceError::Internal(anyhow::anyhow!("indicador {} con {what} ilegible", row.code))
        };
        Ok(Indicator {
            direction: Direction::from_db(&row.direction).ok_or_else(|| corrupt("sentido"))?,
            periodicity: Periodicity::from_db(&row.periodicity).ok_or_else(|| corrupt("periodicidad"))?,
            element_codes: row
                .element_codes
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            code: row.code,
            version: row.version,
            name: row.name,
            competency: row.competency,
            programmatic_unit: row.programmatic_unit,
            formula: row.formula,
            unit: row.unit,
            lower_threshold: row.lower_threshold,
            upper_threshold: row.upper_threshold,
            source_note: row.source_note,
            owner_code: row.owner_code,
            restricted: row.restricted,
            updated_at: row.updated_at,
        })
    }
}
