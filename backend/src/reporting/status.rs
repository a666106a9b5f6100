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
    entity::observation_sheet,
    model::{parse_period, DataElement, ElementState, Requirement},
    sheet::{Entry, ObservationKey, ResolveError},
    sheet_store::{parse_entries, read_sheets, sheets_after, write_sheets},
};
use crate::{
    audit::{self, Change},
    authorisation::{rules, Actor, Role},
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
    pub observation_id: Option<String>,
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
    pub observation_id: String,
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
            .filter(|r| {
                r.entity_kinds.contains(&entity.kind)
                    && parse_period(period, r.periodicity).is_ok_and(|normalised| r.asks_for(&normalised))
            })
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
        observation_id: &str,
        value_id: &str,
    ) -> Result<KeyView, ServiceError> {
        let user =
            rules::require_role(actor, &[Role::Territorial, Role::Admin], "resolver conflictos de datos")?;
        let not_found = || ServiceError::NotFound("no existe esa observación".into());
        let key = ObservationKey::parse(observation_id).ok_or_else(not_found)?;
        let chosen = match ObservationKey::parse_value(value_id) {
            Some((value_key, number)) if value_key == key => number,
            _ => {
                return Err(ServiceError::invalid(
                    "el valor elegido no es uno de los valores en conflicto de esa observación",
                ))
            }
        };
        let subject = self.entity(&key.subject).await?;
        if user.role != Role::Admin
            && !rules::may_write_for_entity(user, &subject.code, subject.department_code.as_deref())
        {
            return Err(ServiceError::Forbidden("resolver conflictos de datos de otra entidad"));
        }
        // Nothing reads through `self.db` once the transaction is open: the
        // embedded database has a single connection.
        let transaction = self.db.begin().await?;
        let mut sheets = read_sheets(&transaction, [key.subject.as_str()], &key.period).await?;
        let sheet = sheets.get_mut(&key.subject).ok_or_else(not_found)?;
        let entry = sheet.entries.0.get_mut(&key.element).ok_or_else(not_found)?;
        let before = view_of(&key, entry);
        let now = Utc::now();
        entry.resolve(chosen, &key.subject, now).map_err(|error| match error {
            ResolveError::NotInConflict => {
                ServiceError::Conflict("esa observación no está en conflicto".into())
            }
            ResolveError::NotCompeting => ServiceError::invalid(
                "el valor elegido no es uno de los valores en conflicto de esa observación",
            ),
        })?;
        let after = view_of(&key, entry);
        let describe = |view: &Option<KeyView>| {
            view.as_ref().map(
                |v| serde_json::json!({ "value": v.value, "inConflict": v.in_conflict, "source": v.source }),
            )
        };
        let object_id = key.id();
        let change = Change::new("resolve_conflict", "observation", &object_id)
            .before(&describe(&before))
            .after(&describe(&after));
        write_sheets(&transaction, sheets.into_values().collect(), now).await?;
        audit::record(&transaction, actor, change).await?;
        transaction.commit().await?;
        after.ok_or_else(not_found)
    }

    /// One observation with every value it held; `None` when nothing was reported for its key.
    #[tracing::instrument(name = "reporting.observation", skip_all)]
    pub async fn observation(&self, id: &str) -> Result<Option<(ObservationKey, Entry)>, ServiceError> {
        let Some(key) = ObservationKey::parse(id) else { return Ok(None) };
        let mut sheets = read_sheets(&self.db, [key.subject.as_str()], &key.period).await?;
        let entry = sheets.remove(&key.subject).and_then(|mut sheet| sheet.entries.0.remove(&key.element));
        Ok(entry.map(|entry| (key, entry)))
    }

    /// Observations in conflict, by subject, period and element.
    #[tracing::instrument(name = "reporting.conflicts", skip_all)]
    pub async fn conflicts(
        &self,
        subject_code: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Conflict>, ServiceError> {
        let mut query = observation_sheet::Entity::find().filter(observation_sheet::Column::Conflicts.gt(0));
        if let Some(code) = subject_code {
            query =
                query.filter(observation_sheet::Column::SubjectCode.eq(DivipolaCode::parse(code)?.as_str()));
        }
        let total_count = query
            .clone()
            .select_only()
            .column_as(Expr::col(observation_sheet::Column::Conflicts).sum(), "total")
            .into_tuple::<Option<i64>>()
            .one(&self.db)
            .await?
            .flatten()
            .unwrap_or(0) as u64;
        let after = match &page.after {
            Some(cursor) => Some(
                ObservationKey::parse(cursor)
                    .ok_or_else(|| ServiceError::invalid("el cursor «after» no es válido"))?,
            ),
            None => None,
        };
        let wanted = page.fetch_limit() as usize;
        let mut items = Vec::new();
        // Sheets in key order (codes are ASCII: byte order), a batch at a time,
        // until the page is full.
        let mut from = after.clone().map(|key| (key.subject, key.period));
        let mut first_batch = true;
        while items.len() < wanted {
            let mut batch = query.clone();
            if let Some((subject, period)) = &from {
                batch = batch.filter(sheets_after(subject, period, first_batch));
            }
            let rows = batch
                .order_by_asc(observation_sheet::Column::SubjectCode)
                .order_by_asc(observation_sheet::Column::Period)
                .limit(CONFLICT_SHEETS_PER_BATCH)
                .all(&self.db)
                .await?;
            first_batch = false;
            let Some(last) = rows.last() else { break };
            from = Some((last.subject_code.clone(), last.period.clone()));
            let full = rows.len() as u64 == CONFLICT_SHEETS_PER_BATCH;
            for row in &rows {
                for (element, entry) in parse_entries(row)?.0 {
                    let key = ObservationKey {
                        subject: row.subject_code.clone(),
                        period: row.period.clone(),
                        element,
                    };
                    if !entry.in_conflict || after.as_ref().is_some_and(|after| &key <= after) {
                        continue;
                    }
                    if let Some(view) = view_of(&key, &entry) {
                        let competing = entry
                            .active()
                            .into_iter()
                            .map(|(n, held)| (key.value_id(n), held.value.clone(), held.reporter.clone()))
                            .collect();
                        items.push(Conflict { key, view, competing });
                    }
                }
            }
            if !full {
                break;
            }
        }
        items.truncate(wanted);
        Ok(Page::from_rows(items, page, total_count))
    }
}

const CONFLICT_SHEETS_PER_BATCH: u64 = 50;

/// One observation in conflict, with its competing values (id, value, reporter).
#[derive(Debug, Clone)]
pub struct Conflict {
    pub key: ObservationKey,
    pub view: KeyView,
    pub competing: Vec<(String, String, String)>,
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
                observation_id: view.map(|v| v.observation_id.clone()),
            })
        })
        .collect();
    RequirementStatus { entity, requirement, period, elements: rows }
}

/// The served value of each element of `subject` in `period` (all elements, or `only` those):
/// one indexed read of the (subject, period) sheet.
async fn key_views(
    connection: &impl ConnectionTrait,
    subject: &str,
    period: &str,
    only: Option<&[String]>,
) -> Result<HashMap<String, KeyView>, ServiceError> {
    let Some(sheet) = read_sheets(connection, [subject], period).await?.remove(subject) else {
        return Ok(HashMap::new());
    };
    Ok(sheet
        .entries
        .0
        .into_iter()
        .filter(|(element, _)| only.is_none_or(|codes| codes.contains(element)))
        .filter_map(|(element, entry)| {
            let key = ObservationKey { subject: subject.to_owned(), period: period.to_owned(), element };
            Some((key.element.clone(), view_of(&key, &entry)?))
        })
        .collect())
}

/// What the state needs of one observation: its served value and provenance.
fn view_of(key: &ObservationKey, entry: &Entry) -> Option<KeyView> {
    let served = entry.served()?;
    Some(KeyView {
        observation_id: key.id(),
        in_conflict: entry.in_conflict,
        value: served.value.clone(),
        source: ValueSource {
            submission_id: served.submission,
            requirement_code: served.requirement.clone(),
            reporter_code: served.reporter.clone(),
            submitted_at: served.at,
        },
        supplied_for: served.supplied_for().map(str::to_owned).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(in_conflict: bool, supplied_for: &[&str]) -> KeyView {
        KeyView {
            observation_id: "05001:2025:POB".into(),
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
