//! Accompaniment programmes: an entity, its accompanying organisations and
//! what each answers for, objectives, and goals whose progress is computed
//! from the values the entity reports once (reporting's served values),
//! never typed again.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{entity::prelude::*, ActiveValue::Set, QueryOrder, TransactionTrait};
use uuid::Uuid;

use super::{
    entity::{goal, programme},
    model::{Goal, GoalProgress, Measure, Milestone, NewGoal, Party, Programme},
    rules,
    service::{text, FormationService},
};
use crate::{
    access::AccessService,
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor},
    error::ServiceError,
    reporting::{catalogue::parse_code, served::ServedSheet},
    territory::DivipolaCode,
};

/// A programme as declared.
#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub entity_code: String,
    pub title: String,
    pub objectives: String,
    pub parties: Vec<Party>,
}

impl FormationService {
    /// Sets up a programme for an entity: the secretariat, an administrator,
    /// or a national user whose organisation is among the accompanying parties.
    #[tracing::instrument(name = "formation.create_programme", skip_all)]
    pub async fn create_programme(
        &self,
        actor: &Actor,
        new: NewProgramme,
    ) -> Result<Programme, ServiceError> {
        let user = access_rules::require_user(actor, "crear programas de acompañamiento")?;
        let code = DivipolaCode::parse(&new.entity_code)?;
        let entity = self.territory.find(&code).await?.ok_or_else(|| {
            ServiceError::invalid(format!("no existe la entidad territorial «{}»", code.as_str()))
        })?;
        if new.parties.is_empty() || new.parties.len() > 20 {
            return Err(ServiceError::invalid(
                "un programa tiene de 1 a 20 partes que acompañan («parties»)",
            ));
        }
        let mut parties = Vec::with_capacity(new.parties.len());
        for party in &new.parties {
            let party_code = party.code.trim().to_uppercase();
            if party_code != entity.code && !AccessService::organisation_exists(&self.db, &party_code).await?
            {
                return Err(ServiceError::invalid(format!(
                    "«{party_code}» no es una organización registrada ni la entidad del programa"
                )));
            }
            if parties.iter().any(|p: &Party| p.code == party_code) {
                return Err(ServiceError::invalid(format!(
                    "«{party_code}» aparece dos veces entre las partes"
                )));
            }
            let responsibility = text(&party.responsibility, "responsibility", 5, 1_000)?;
            parties.push(Party { code: party_code, responsibility });
        }
        let codes: Vec<String> = parties.iter().map(|p| p.code.clone()).collect();
        if !rules::may_manage_programme(user, &codes) {
            return Err(ServiceError::Forbidden(
                "crear programas de acompañamiento en los que su organización no acompaña",
            ));
        }
        let row = programme::ActiveModel {
            id: Set(Uuid::now_v7()),
            entity_code: Set(entity.code),
            title: Set(text(&new.title, "title", 5, 200)?),
            objectives: Set(text(&new.objectives, "objectives", 5, 5_000)?),
            parties: Set(serde_json::to_value(&parties).map_err(|e| ServiceError::Internal(e.into()))?),
            created_by: Set(Some(user.id)),
            created_at: Set(Utc::now()),
        };
        let transaction = self.db.begin().await?;
        let created = Programme::try_from(row.insert(&transaction).await?)?;
        let key = created.id.to_string();
        audit::record(
            &transaction,
            actor,
            Change::new("create_accompaniment_programme", "accompaniment_programme", &key).after(&created),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    /// Adds a goal on a data element the entity reports: the baseline value
    /// is what it reported for the baseline period (never typed), the target
    /// period comes after it, and each milestone falls between them.
    #[tracing::instrument(name = "formation.add_goal", skip_all)]
    pub async fn add_goal(&self, actor: &Actor, new: NewGoal) -> Result<Goal, ServiceError> {
        let user = access_rules::require_user(actor, "fijar metas de programas de acompañamiento")?;
        let found = self.programme_row(new.programme_id).await?;
        let codes: Vec<String> = found.parties.iter().map(|p| p.code.clone()).collect();
        if !rules::may_manage_programme(user, &codes) {
            return Err(ServiceError::Forbidden(
                "fijar metas de programas en los que su organización no acompaña",
            ));
        }
        let measure = rules::goal_measure(new.element_code.as_deref(), new.indicator_code.as_deref())
            .map_err(ServiceError::Invalid)?;
        let baseline_period = new.baseline_period.trim().to_uppercase().replace("-T", "-Q");
        let target_period = new.target_period.trim().to_uppercase().replace("-T", "-Q");
        rules::check_goal_periods(&baseline_period, &target_period).map_err(ServiceError::Invalid)?;
        if !new.target_value.is_finite() {
            return Err(ServiceError::invalid("la meta («targetValue») debe ser un número"));
        }
        let mut milestones = new.milestones.clone();
        for milestone in &mut milestones {
            milestone.period = milestone.period.trim().to_uppercase().replace("-T", "-Q");
            let inside = rules::period_start(&milestone.period).is_some_and(|at| {
                rules::period_start(&baseline_period).is_some_and(|from| at > from)
                    && rules::period_start(&target_period).is_some_and(|to| at <= to)
            });
            if !inside || !milestone.value.is_finite() {
                return Err(ServiceError::invalid(format!(
                    "el hito de {} debe caer después de la línea base ({baseline_period}) y hasta la meta ({target_period}), con un valor numérico",
                    milestone.period
                )));
            }
        }
        let (element_code, indicator_code, baseline_value) = match measure {
            Measure::Element(code) => {
                let code = parse_code(&code, "elemento de datos")?;
                let Some(element) = self.reporting.catalogue.data_element(&code).await? else {
                    return Err(ServiceError::invalid(format!("no existe el elemento de datos «{code}»")));
                };
                let points = self.element_points(&found.entity_code, &element.code).await?;
                let baseline = value_in(&points, &baseline_period).ok_or_else(|| {
                    ServiceError::invalid(format!(
                        "la entidad {} no reporta «{}» ({}) en {baseline_period}: la línea base se toma de lo reportado, así que la meta debe nombrar un elemento que la entidad reporte",
                        found.entity_code, element.name, element.code
                    ))
                })?;
                (element.code, None, baseline)
            }
            Measure::Indicator(code) => {
                let indicator = match self.monitoring.indicator(&code).await {
                    Ok(indicator) if !indicator.restricted => indicator,
                    Ok(_) => {
                        return Err(ServiceError::invalid(format!(
                            "el indicador «{code}» es de acceso restringido: una meta de un programa no puede seguirlo"
                        )))
                    }
                    Err(ServiceError::NotFound(_)) => {
                        return Err(ServiceError::invalid(format!("no existe el indicador «{code}»")))
                    }
                    Err(error) => return Err(error),
                };
                let points = self.indicator_points(&found.entity_code, &indicator.code).await?;
                let baseline = value_in(&points, &baseline_period).ok_or_else(|| {
                    ServiceError::invalid(format!(
                        "el indicador «{}» ({}) no tiene resultado para {} en {baseline_period}: la línea base es lo calculado de lo que la entidad reportó",
                        indicator.name, indicator.code, found.entity_code
                    ))
                })?;
                (String::new(), Some(indicator.code), baseline)
            }
        };
        let row = goal::ActiveModel {
            id: Set(Uuid::now_v7()),
            programme_id: Set(found.id),
            element_code: Set(element_code),
            indicator_code: Set(indicator_code),
            description: Set(text(&new.description, "description", 5, 1_000)?),
            baseline_period: Set(baseline_period),
            baseline_value: Set(baseline_value),
            target_value: Set(new.target_value),
            target_period: Set(target_period),
            milestones: Set(serde_json::to_value(&milestones).map_err(|e| ServiceError::Internal(e.into()))?),
            created_at: Set(Utc::now()),
        };
        let transaction = self.db.begin().await?;
        let created = Goal::try_from(row.insert(&transaction).await?)?;
        let key = created.id.to_string();
        audit::record(
            &transaction,
            actor,
            Change::new("add_programme_goal", "programme_goal", &key).after(&created),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    async fn programme_row(&self, id: Uuid) -> Result<Programme, ServiceError> {
        programme::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(Programme::try_from)
            .transpose()?
            .ok_or_else(|| ServiceError::NotFound(format!("no existe el programa de acompañamiento {id}")))
    }

    /// The programmes the caller may see, newest first: every one for the
    /// national side (the secretariat's table), the entity's own for its teams.
    #[tracing::instrument(name = "formation.programmes", skip_all)]
    pub async fn programmes(&self, actor: &Actor) -> Result<Vec<Programme>, ServiceError> {
        let user = access_rules::require_user(actor, "ver los programas de acompañamiento")?;
        let rows = programme::Entity::find().order_by_desc(programme::Column::Id).all(&self.db).await?;
        let all: Vec<Programme> = rows.into_iter().map(Programme::try_from).collect::<Result<_, _>>()?;
        let codes: Vec<String> = all.iter().map(|p| p.entity_code.clone()).collect();
        let entities = self.territory.find_many(&codes).await?;
        Ok(all
            .into_iter()
            .filter(|p| {
                let department = entities.get(&p.entity_code).and_then(|e| e.department_code.as_deref());
                rules::may_see_programme(user, &p.entity_code, department)
            })
            .collect())
    }

    /// One programme, when the caller may see it.
    pub async fn programme(&self, actor: &Actor, id: Uuid) -> Result<Option<Programme>, ServiceError> {
        Ok(self.programmes(actor).await?.into_iter().find(|p| p.id == id))
    }

    /// The goals of these programmes with their progress, computed now from
    /// the served values (one read per entity).
    #[tracing::instrument(name = "formation.goal_progress", skip_all)]
    pub async fn goal_progress(
        &self,
        programmes: &[(Uuid, String)],
    ) -> Result<HashMap<Uuid, Vec<GoalProgress>>, ServiceError> {
        let ids: Vec<Uuid> = programmes.iter().map(|(id, _)| *id).collect();
        let rows = goal::Entity::find()
            .filter(goal::Column::ProgrammeId.is_in(ids))
            .order_by_asc(goal::Column::Id)
            .all(&self.db)
            .await?;
        let entity_of: HashMap<Uuid, &String> = programmes.iter().map(|(id, code)| (*id, code)).collect();
        let mut sheets_of: HashMap<String, Vec<ServedSheet>> = HashMap::new();
        let mut result: HashMap<Uuid, Vec<GoalProgress>> = HashMap::new();
        for row in rows {
            let found = Goal::try_from(row)?;
            let Some(entity) = entity_of.get(&found.programme_id) else { continue };
            let points = match &found.indicator_code {
                Some(indicator) => self.indicator_points(entity, indicator).await?,
                None => {
                    if !sheets_of.contains_key(*entity) {
                        let sheets = self.reporting.served.sheets_of_subject(entity).await?;
                        sheets_of.insert((*entity).clone(), sheets);
                    }
                    let sheets = sheets_of.get(*entity).map(Vec::as_slice).unwrap_or_default();
                    sheet_points(sheets, &found.element_code)
                }
            };
            result.entry(found.programme_id).or_default().push(progress_of(found, &points));
        }
        Ok(result)
    }

    /// The entity's served values of a data element, by period.
    async fn element_points(&self, entity: &str, element: &str) -> Result<Vec<Point>, ServiceError> {
        Ok(sheet_points(&self.reporting.served.sheets_of_subject(entity).await?, element))
    }

    /// The entity's results of an indicator, by period (a result without a value is left out).
    async fn indicator_points(&self, entity: &str, indicator: &str) -> Result<Vec<Point>, ServiceError> {
        Ok(self
            .monitoring
            .entity_series(entity, indicator)
            .await?
            .into_iter()
            .filter_map(|result| {
                let in_conflict = !result.conflicting.is_empty();
                result.value.map(|value| Point { period: result.period, value, in_conflict })
            })
            .collect())
    }
}

/// One measured value of a goal: an element's served value or an indicator's result.
struct Point {
    period: String,
    value: f64,
    in_conflict: bool,
}

fn sheet_points(sheets: &[ServedSheet], element: &str) -> Vec<Point> {
    sheets
        .iter()
        .filter_map(|sheet| {
            let served = sheet.values.get(element)?;
            let value = served.value.parse::<f64>().ok().filter(|v| v.is_finite())?;
            Some(Point { period: sheet.period.clone(), value, in_conflict: served.in_conflict })
        })
        .collect()
}

fn value_in(points: &[Point], period: &str) -> Option<f64> {
    points.iter().find(|point| point.period == period).map(|point| point.value)
}

/// A goal's progress from its measured points: the latest value after the
/// baseline and up to the target period, and each milestone's state.
fn progress_of(found: Goal, points: &[Point]) -> GoalProgress {
    let from = rules::period_start(&found.baseline_period);
    let to = rules::period_start(&found.target_period);
    let mut series = Vec::new();
    let mut latest_conflict = false;
    let mut ordered: Vec<&Point> = points.iter().collect();
    ordered.sort_by_key(|point| rules::period_start(&point.period));
    for point in ordered {
        let at = rules::period_start(&point.period);
        if at.is_none() || at < from || at > to {
            continue;
        }
        series.push((point.period.clone(), point.value));
        latest_conflict = point.in_conflict;
    }
    let latest = series.iter().rev().find(|(period, _)| period != &found.baseline_period).cloned();
    let current = latest.as_ref().map_or(found.baseline_value, |(_, v)| *v);
    let progress = rules::goal_progress(found.baseline_value, found.target_value, current);
    let milestones = found
        .milestones
        .iter()
        .map(|m| {
            let reported = series.iter().find(|(p, _)| p == &m.period).map(|(_, v)| *v);
            (m.clone(), rules::milestone_state(found.baseline_value, found.target_value, m.value, reported))
        })
        .collect();
    GoalProgress {
        in_conflict: latest.is_some() && latest_conflict,
        latest,
        progress,
        milestones,
        series,
        goal: found,
    }
}

impl TryFrom<programme::Model> for Programme {
    type Error = ServiceError;

    fn try_from(row: programme::Model) -> Result<Self, ServiceError> {
        let parties: Vec<Party> = serde_json::from_value(row.parties).map_err(|_| {
            ServiceError::Internal(anyhow::anyhow!("programa {} con partes ilegibles", row.id))
        })?;
        Ok(Self {
            id: row.id,
            entity_code: row.entity_code,
            title: row.title,
            objectives: row.objectives,
            parties,
            created_at: row.created_at,
        })
    }
}

impl TryFrom<goal::Model> for Goal {
    type Error = ServiceError;

    fn try_from(row: goal::Model) -> Result<Self, ServiceError> {
        let milestones: Vec<Milestone> = serde_json::from_value(row.milestones)
            .map_err(|_| ServiceError::Internal(anyhow::anyhow!("meta {} con hitos ilegibles", row.id)))?;
        Ok(Self {
            id: row.id,
            programme_id: row.programme_id,
            element_code: row.element_code,
            indicator_code: row.indicator_code,
            description: row.description,
            baseline_period: row.baseline_period,
            baseline_value: row.baseline_value,
            target_value: row.target_value,
            target_period: row.target_period,
            milestones,
        })
    }
}
