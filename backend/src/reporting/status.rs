//! What an entity still owes: the state of each element of a requirement for
//! a period, the burden saved by reuse, and the resolution of conflicts.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use super::{
    catalogue::Catalogue,
    entity::{observation, observation_source, observation_value, submission},
    model::{parse_period, DataElement, ElementState, Requirement},
    submission::{ACTIVE, REJECTED},
};
use crate::{
    access::{
        audit::{self, Change},
        rules, Actor, Role,
    },
    error::ServiceError,
    pagination::{Page, PageRequest},
    territory::{DivipolaCode, TerritorialEntity, TerritoryService},
};

/// Where a served value came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueSource {
    pub submission_id: Uuid,
    pub requirement_code: String,
    pub reporter_code: String,
    pub submitted_at: DateTime<Utc>,
}

/// One element of a requirement, for an entity and period.
#[derive(Debug, Clone)]
pub struct ElementStatusRow {
    pub element: DataElement,
    pub state: ElementState,
    pub value: Option<String>,
    pub source: Option<ValueSource>,
    pub observation_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct RequirementStatus {
    pub entity: TerritorialEntity,
    pub requirement: Requirement,
    pub period: String,
    pub elements: Vec<ElementStatusRow>,
}

impl RequirementStatus {
    pub fn count(&self, state: ElementState) -> usize {
        self.elements.iter().filter(|row| row.state == state).count()
    }
}

/// The burden of one entity in one period, over every requirement addressed to it.
#[derive(Debug, Clone)]
pub struct ReportingBurden {
    pub entity: TerritorialEntity,
    pub period: String,
    pub requirements: Vec<RequirementStatus>,
}

impl ReportingBurden {
    pub fn requested(&self) -> usize {
        self.requirements.iter().map(|status| status.elements.len()).sum()
    }

    pub fn count(&self, state: ElementState) -> usize {
        self.requirements.iter().map(|status| status.count(state)).sum()
    }

    /// Values reused ÷ values requested: the share the entity did not have to send again.
    pub fn burden_saved(&self) -> f64 {
        burden_saved(self.count(ElementState::Reused), self.requested())
    }
}

pub fn burden_saved(reused: usize, requested: usize) -> f64 {
    if requested == 0 {
        0.0
    } else {
        reused as f64 / requested as f64
    }
}

/// What the database says of one key, reduced to what the state needs.
#[derive(Debug, Clone)]
pub struct KeyView {
    pub observation_id: Uuid,
    pub in_conflict: bool,
    pub value: String,
    pub source: ValueSource,
    /// Requirements for which this value was sent (first or as a duplicate).
    pub supplied_for: HashSet<String>,
}

/// The state of an element for a requirement, given what is stored for its key.
pub fn element_state(view: Option<&KeyView>, requirement_code: &str) -> ElementState {
    match view {
        None => ElementState::Missing,
        Some(view) if view.in_conflict => ElementState::InConflict,
        Some(view) if view.supplied_for.contains(requirement_code) => ElementState::Reported,
        Some(_) => ElementState::Reused,
    }
}

#[derive(Clone)]
pub struct Status {
    db: DatabaseConnection,
    catalogue: Catalogue,
    territory: TerritoryService,
}

impl Status {
    pub fn new(db: DatabaseConnection, catalogue: Catalogue, territory: TerritoryService) -> Self {
        Self { db, catalogue, territory }
    }

    async fn entity(&self, code: &str) -> Result<TerritorialEntity, ServiceError> {
        let code = DivipolaCode::parse(code)?;
        self.territory.find(&code).await?.ok_or_else(|| {
            ServiceError::invalid(format!("no existe la entidad territorial {}", code.as_str()))
        })
    }

    #[tracing::instrument(name = "reporting.requirement_status", skip_all)]
    pub async fn requirement_status(
        &self,
        entity_code: &str,
        requirement_code: &str,
        period: &str,
    ) -> Result<RequirementStatus, ServiceError> {
        let entity = self.entity(entity_code).await?;
        let requirement = self.catalogue.requirement(&self.db, requirement_code).await?.ok_or_else(|| {
            ServiceError::invalid(format!(
                "no existe el requerimiento de información «{}»",
                requirement_code.trim()
            ))
        })?;
        let period = parse_period(period, requirement.periodicity)?;
        let views = key_views(&self.db, &entity.code, &period, Some(&requirement.element_codes)).await?;
        let elements = self.catalogue.data_elements_by_code(&self.db, &requirement.element_codes).await?;
        Ok(status_of(entity, requirement, period, &views, &elements))
    }

    #[tracing::instrument(name = "reporting.burden", skip_all)]
    pub async fn reporting_burden(
        &self,
        entity_code: &str,
        period: &str,
    ) -> Result<ReportingBurden, ServiceError> {
        let entity = self.entity(entity_code).await?;
        let requirements: Vec<Requirement> = self
            .catalogue
            .all_requirements()
            .await?
            .into_iter()
            .filter(|r| r.entity_kinds.contains(&entity.kind) && parse_period(period, r.periodicity).is_ok())
            .collect();
        let Some(first) = requirements.first() else {
            return Err(ServiceError::invalid(format!(
                "ningún requerimiento pide información a {} para el periodo «{}»",
                entity.name,
                period.trim()
            )));
        };
        let period = parse_period(period, first.periodicity)?;
        let codes: Vec<String> = requirements.iter().flat_map(|r| r.element_codes.iter().cloned()).collect();
        let views = key_views(&self.db, &entity.code, &period, None).await?;
        let elements = self.catalogue.data_elements_by_code(&self.db, &codes).await?;
        let statuses = requirements
            .into_iter()
            .map(|requirement| status_of(entity.clone(), requirement, period.clone(), &views, &elements))
            .collect();
        Ok(ReportingBurden { entity, period, requirements: statuses })
    }

    /// Picks the value that stands in a conflict. The subject entity's own
    /// team (or its department's) decides, or an administrator; the losing
    /// values stay in history as rejected.
    #[tracing::instrument(name = "reporting.resolve_conflict", skip_all)]
    pub async fn resolve_conflict(
        &self,
        actor: &Actor,
        observation_id: Uuid,
        value_id: Uuid,
    ) -> Result<KeyView, ServiceError> {
        let user =
            rules::require_role(actor, &[Role::Territorial, Role::Admin], "resolver conflictos de datos")?;
        let observation = observation::Entity::find_by_id(observation_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| ServiceError::NotFound("no existe esa observación".into()))?;
        let subject = self.entity(&observation.subject_code).await?;
        // Nothing reads through `self.db` once the transaction is open: the
        // embedded database has a single connection.
        let transaction = self.db.begin().await?;
        let observation = observation::Entity::find_by_id(observation_id)
            .one(&transaction)
            .await?
            .ok_or_else(|| ServiceError::NotFound("no existe esa observación".into()))?;
        if user.role != Role::Admin
            && !rules::may_write_for_entity(user, &subject.code, subject.department_code.as_deref())
        {
            return Err(ServiceError::Forbidden("resolver conflictos de datos de otra entidad"));
        }
        if !observation.in_conflict {
            return Err(ServiceError::Conflict("esa observación no está en conflicto".into()));
        }
        let active = observation_value::Entity::find()
            .filter(observation_value::Column::ObservationId.eq(observation_id))
            .filter(observation_value::Column::Status.eq(ACTIVE))
            .all(&transaction)
            .await?;
        let chosen = active.iter().find(|value| value.id == value_id).cloned().ok_or_else(|| {
            ServiceError::invalid("el valor elegido no es uno de los valores en conflicto de esa observación")
        })?;
        let before = views_for(&transaction, std::slice::from_ref(&observation)).await?;
        let losers: Vec<Uuid> = active.iter().filter(|v| v.value != chosen.value).map(|v| v.id).collect();
        observation_value::Entity::update_many()
            .col_expr(observation_value::Column::Status, Expr::value(REJECTED))
            .filter(observation_value::Column::Id.is_in(losers))
            .exec(&transaction)
            .await?;
        observation::Entity::update_many()
            .col_expr(observation::Column::CurrentValueId, Expr::value(chosen.id))
            .col_expr(observation::Column::InConflict, Expr::value(false))
            .col_expr(observation::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(observation::Column::Id.eq(observation_id))
            .exec(&transaction)
            .await?;
        let resolved = observation::Entity::find_by_id(observation_id)
            .one(&transaction)
            .await?
            .ok_or_else(|| ServiceError::NotFound("no existe esa observación".into()))?;
        let after = views_for(&transaction, std::slice::from_ref(&resolved)).await?;
        let (before, after) = (before.values().next().cloned(), after.values().next().cloned());
        let describe = |view: &Option<KeyView>| {
            view.as_ref().map(
                |v| serde_json::json!({ "value": v.value, "inConflict": v.in_conflict, "source": v.source }),
            )
        };
        let object_id = observation_id.to_string();
        let change = Change::new("resolve_conflict", "observation", &object_id)
            .before(&describe(&before))
            .after(&describe(&after));
        audit::record(&transaction, actor, change).await?;
        transaction.commit().await?;
        after.ok_or_else(|| ServiceError::NotFound("no existe esa observación".into()))
    }

    /// Observations in conflict for the entities an actor can see, oldest first.
    #[tracing::instrument(name = "reporting.conflicts", skip_all)]
    pub async fn conflicts(
        &self,
        subject_code: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<(observation::Model, KeyView)>, ServiceError> {
        let mut query = observation::Entity::find().filter(observation::Column::InConflict.eq(true));
        if let Some(code) = subject_code {
            query = query.filter(observation::Column::SubjectCode.eq(DivipolaCode::parse(code)?.as_str()));
        }
        let total_count = {
            use sea_orm::PaginatorTrait;
            query.clone().count(&self.db).await?
        };
        if let Some(after) = &page.after {
            let after = Uuid::parse_str(after)
                .map_err(|_| ServiceError::invalid("el cursor «after» no es válido"))?;
            query = query.filter(observation::Column::Id.gt(after));
        }
        let rows =
            query.order_by_asc(observation::Column::Id).limit(page.fetch_limit()).all(&self.db).await?;
        let views = views_for(&self.db, &rows).await?;
        let items =
            rows.into_iter().filter_map(|row| views.get(&row.id).cloned().map(|view| (row, view))).collect();
        Ok(Page::from_rows(items, page, total_count))
    }

    /// The competing values of many observations in one query (the conflict
    /// screen's DataLoader batch): (value id, value, reporter) per observation.
    pub async fn active_values_of(
        &self,
        observations: &[Uuid],
    ) -> Result<HashMap<Uuid, Vec<(Uuid, String, String)>>, ServiceError> {
        let rows = observation_value::Entity::find()
            .filter(observation_value::Column::ObservationId.is_in(observations.iter().copied()))
            .filter(observation_value::Column::Status.eq(ACTIVE))
            .order_by_asc(observation_value::Column::Id)
            .all(&self.db)
            .await?;
        let mut by_observation: HashMap<Uuid, Vec<(Uuid, String, String)>> = HashMap::new();
        for row in rows {
            by_observation.entry(row.observation_id).or_default().push((
                row.id,
                row.value,
                row.reporter_code,
            ));
        }
        Ok(by_observation)
    }
}

fn status_of(
    entity: TerritorialEntity,
    requirement: Requirement,
    period: String,
    views: &HashMap<String, KeyView>,
    elements: &HashMap<String, DataElement>,
) -> RequirementStatus {
    let rows = requirement
        .element_codes
        .iter()
        .filter_map(|code| {
            let element = elements.get(code)?.clone();
            let view = views.get(code);
            let state = element_state(view, &requirement.code);
            Some(ElementStatusRow {
                element,
                state,
                value: view.map(|v| v.value.clone()),
                source: view.map(|v| v.source.clone()),
                observation_id: view.map(|v| v.observation_id),
            })
        })
        .collect();
    RequirementStatus { entity, requirement, period, elements: rows }
}

/// The served value of each element of `subject` in `period` (all elements, or `only` those).
async fn key_views(
    connection: &impl ConnectionTrait,
    subject: &str,
    period: &str,
    only: Option<&[String]>,
) -> Result<HashMap<String, KeyView>, ServiceError> {
    let mut query = observation::Entity::find()
        .filter(observation::Column::SubjectCode.eq(subject))
        .filter(observation::Column::Period.eq(period));
    if let Some(codes) = only {
        query = query.filter(observation::Column::ElementCode.is_in(codes.iter().cloned()));
    }
    let observations = query.all(connection).await?;
    let views = views_for(connection, &observations).await?;
    Ok(observations
        .into_iter()
        .filter_map(|o| views.get(&o.id).cloned().map(|view| (o.element_code, view)))
        .collect())
}

/// Views of observations by id: three queries whatever their number.
async fn views_for(
    connection: &impl ConnectionTrait,
    observations: &[observation::Model],
) -> Result<HashMap<Uuid, KeyView>, ServiceError> {
    if observations.is_empty() {
        return Ok(HashMap::new());
    }
    let current_ids: Vec<Uuid> = observations.iter().map(|o| o.current_value_id).collect();
    let values = observation_value::Entity::find()
        .filter(observation_value::Column::Id.is_in(current_ids.iter().copied()))
        .all(connection)
        .await?;
    let sources = observation_source::Entity::find()
        .filter(observation_source::Column::ValueId.is_in(current_ids.iter().copied()))
        .all(connection)
        .await?;
    let submissions = submission::Entity::find()
        .filter(submission::Column::Id.is_in(values.iter().map(|v| v.submission_id)))
        .all(connection)
        .await?;
    let submitted_at: HashMap<Uuid, DateTime<Utc>> =
        submissions.iter().map(|s| (s.id, s.submitted_at)).collect();
    let mut supplied: HashMap<Uuid, HashSet<String>> = HashMap::new();
    for source in sources {
        supplied.entry(source.value_id).or_default().insert(source.requirement_code);
    }
    let values: HashMap<Uuid, observation_value::Model> = values.into_iter().map(|v| (v.id, v)).collect();
    Ok(observations
        .iter()
        .filter_map(|o| {
            let value = values.get(&o.current_value_id)?;
            Some((
                o.id,
                KeyView {
                    observation_id: o.id,
                    in_conflict: o.in_conflict,
                    value: value.value.clone(),
                    source: ValueSource {
                        submission_id: value.submission_id,
                        requirement_code: value.requirement_code.clone(),
                        reporter_code: value.reporter_code.clone(),
                        submitted_at: submitted_at
                            .get(&value.submission_id)
                            .copied()
                            .unwrap_or(value.created_at),
                    },
                    supplied_for: supplied.remove(&value.id).unwrap_or_default(),
                },
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(in_conflict: bool, supplied_for: &[&str]) -> KeyView {
        KeyView {
            observation_id: Uuid::nil(),
            in_conflict,
            value: "10".into(),
            source: ValueSource {
                submission_id: Uuid::nil(),
                requirement_code: supplied_for.first().copied().unwrap_or("OTRO").into(),
                reporter_code: "05001".into(),
                submitted_at: Utc::now(),
            },
            supplied_for: supplied_for.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn each_state_follows_from_what_is_stored() {
        assert_eq!(element_state(None, "FUT"), ElementState::Missing);
        assert_eq!(element_state(Some(&view(false, &["FUT"])), "FUT"), ElementState::Reported);
        assert_eq!(element_state(Some(&view(false, &["SIMAT"])), "FUT"), ElementState::Reused);
        assert_eq!(element_state(Some(&view(true, &["FUT"])), "FUT"), ElementState::InConflict);
    }

    #[test]
    fn burden_saved_is_reused_over_requested() {
        assert_eq!(burden_saved(3, 12), 0.25);
        assert_eq!(burden_saved(0, 0), 0.0);
    }
}
