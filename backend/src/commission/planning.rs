//! The commission's planning instruments: technical working groups (mesas
//! técnicas), the annual work plan per fiscal year, and the national ATT agenda
//! with its routes of work (decree art. 2.2.11.4.3 par. 3–4, 2.2.11.4.4 num. 2–3).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use super::{
    entity::{agenda_route, work_plan_item, working_group, working_group_member},
    service::{required_text, CommissionService, SECRETARIAT_ONLY},
};
use crate::{
    access::AccessService,
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, Role},
    error::ServiceError,
    territory::DivipolaCode,
};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkingGroup {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub purpose: String,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkPlanItem {
    pub id: Uuid,
    pub year: i32,
    pub objective: String,
    pub topic: String,
    pub responsible_code: String,
    /// Pesos.
    pub investment: i64,
}

/// A line of the work plan, as received.
pub struct NewWorkPlanItem {
    pub objective: String,
    pub topic: String,
    pub responsible_code: String,
    pub investment: i64,
}

/// Estado de una ruta de trabajo de la agenda nacional.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RouteStatus {
    Planned,
    InProgress,
    Completed,
}

impl RouteStatus {
    fn as_db(self) -> &'static str {
        match self {
            Self::Planned => "PLANNED",
            Self::InProgress => "IN_PROGRESS",
            Self::Completed => "COMPLETED",
        }
    }

    fn from_db(value: &str) -> Self {
        match value {
            "IN_PROGRESS" => Self::InProgress,
            "COMPLETED" => Self::Completed,
            _ => Self::Planned,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgendaRoute {
    pub id: Uuid,
    pub year: i32,
    pub name: String,
    pub objective: String,
    pub participants: String,
    /// DIVIPOLA codes.
    pub territories: Vec<String>,
    pub status: RouteStatus,
}

/// A route to create (no id) or replace (with its id), as received.
pub struct RouteInput {
    pub id: Option<Uuid>,
    pub year: i32,
    pub name: String,
    pub objective: String,
    pub participants: String,
    pub territories: Vec<String>,
    pub status: RouteStatus,
}

fn check_year(year: i32) -> Result<(), ServiceError> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(ServiceError::invalid("la vigencia debe estar entre 2000 y 2100"))
    }
}

fn item_from(row: work_plan_item::Model) -> WorkPlanItem {
    WorkPlanItem {
        id: row.id,
        year: row.year,
        objective: row.objective,
        topic: row.topic,
        responsible_code: row.responsible_code,
        investment: row.investment,
    }
}

fn route_from(row: agenda_route::Model) -> AgendaRoute {
    AgendaRoute {
        id: row.id,
        year: row.year,
        name: row.name,
        objective: row.objective,
        participants: row.participants,
        territories: row.territories.split(',').filter(|c| !c.is_empty()).map(str::to_owned).collect(),
        status: RouteStatus::from_db(&row.status),
    }
}

impl CommissionService {
    /// Creates a technical working group with its member organisations.
    #[tracing::instrument(name = "commission.create_working_group", skip_all)]
    pub async fn create_working_group(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        purpose: &str,
        members: &[String],
    ) -> Result<WorkingGroup, ServiceError> {
        access_rules::require_role(actor, &[Role::Secretariat], SECRETARIAT_ONLY)?;
        let code = crate::reporting::catalogue::parse_code(code, "mesa técnica")?;
        let name = required_text(name, "name", 200)?;
        let purpose = required_text(purpose, "purpose", 2_000)?;
        let mut members: Vec<String> = members.iter().map(|m| m.trim().to_uppercase()).collect();
        members.sort();
        members.dedup();
        if members.is_empty() {
            return Err(ServiceError::invalid("una mesa técnica tiene al menos un miembro"));
        }
        for member in &members {
            if !AccessService::organisation_exists(&self.db, member).await? {
                return Err(ServiceError::invalid(format!("no existe la organización «{member}»")));
            }
        }
        let transaction = self.db.begin().await?;
        let id = Uuid::now_v7();
        working_group::ActiveModel {
            id: Set(id),
            code: Set(code.clone()),
            name: Set(name.clone()),
            purpose: Set(purpose.clone()),
        }
        .insert(&transaction)
        .await
        .map_err(|error| match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                ServiceError::Conflict(format!("ya existe la mesa técnica {code}"))
            }
            _ => error.into(),
        })?;
        let rows = members.iter().map(|member| working_group_member::ActiveModel {
            group_id: Set(id),
            organisation_code: Set(member.clone()),
        });
        working_group_member::Entity::insert_many(rows).exec_without_returning(&transaction).await?;
        let created = WorkingGroup { id, code, name, purpose, members };
        audit::record(
            &transaction,
            actor,
            Change::new("create_working_group", "working_group", &id.to_string()).after(&created),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    pub async fn working_groups(&self) -> Result<Vec<WorkingGroup>, ServiceError> {
        let groups =
            working_group::Entity::find().order_by_asc(working_group::Column::Code).all(&self.db).await?;
        let members = working_group_member::Entity::find()
            .order_by_asc(working_group_member::Column::OrganisationCode)
            .all(&self.db)
            .await?;
        Ok(groups
            .into_iter()
            .map(|group| WorkingGroup {
                members: members
                    .iter()
                    .filter(|m| m.group_id == group.id)
                    .map(|m| m.organisation_code.clone())
                    .collect(),
                id: group.id,
                code: group.code,
                name: group.name,
                purpose: group.purpose,
            })
            .collect())
    }

    /// Replaces a fiscal year's work plan (the plan is adopted whole).
    #[tracing::instrument(name = "commission.set_work_plan", skip_all)]
    pub async fn set_work_plan(
        &self,
        actor: &Actor,
        year: i32,
        items: Vec<NewWorkPlanItem>,
    ) -> Result<Vec<WorkPlanItem>, ServiceError> {
        access_rules::require_role(actor, &[Role::Secretariat], SECRETARIAT_ONLY)?;
        check_year(year)?;
        if items.is_empty() || items.len() > 200 {
            return Err(ServiceError::invalid("el plan de trabajo lleva de 1 a 200 líneas"));
        }
        let mut rows = Vec::with_capacity(items.len());
        for (position, item) in items.into_iter().enumerate() {
            let line = position + 1;
            let responsible = item.responsible_code.trim().to_uppercase();
            if !AccessService::organisation_exists(&self.db, &responsible).await? {
                return Err(ServiceError::invalid(format!(
                    "línea {line}: no existe la organización «{responsible}»"
                )));
            }
            if item.investment < 0 {
                return Err(ServiceError::invalid(format!(
                    "línea {line}: la inversión no puede ser negativa"
                )));
            }
            rows.push(work_plan_item::ActiveModel {
                id: Set(Uuid::now_v7()),
                year: Set(year),
                position: Set(position as i32),
                objective: Set(required_text(&item.objective, &format!("línea {line}: objective"), 2_000)?),
                topic: Set(required_text(&item.topic, &format!("línea {line}: topic"), 200)?),
                responsible_code: Set(responsible),
                investment: Set(item.investment),
            });
        }
        let before = self.work_plan(year).await?;
        // Lines already followed by commitments stay: a plan is amended by adding lines.
        let followed: Vec<Uuid> = self
            .commitments_of_plan_items(&before.iter().map(|i| i.id).collect::<Vec<_>>())
            .await?
            .into_iter()
            .filter(|(_, commitments)| !commitments.is_empty())
            .map(|(id, _)| id)
            .collect();
        // No query on `self.db` while the transaction is open: the embedded
        // database has a single connection.
        let transaction = self.db.begin().await?;
        work_plan_item::Entity::delete_many()
            .filter(work_plan_item::Column::Year.eq(year))
            .filter(work_plan_item::Column::Id.is_not_in(followed.iter().copied()))
            .exec(&transaction)
            .await?;
        work_plan_item::Entity::insert_many(rows).exec_without_returning(&transaction).await?;
        let after: Vec<WorkPlanItem> = work_plan_item::Entity::find()
            .filter(work_plan_item::Column::Year.eq(year))
            .order_by_asc(work_plan_item::Column::Position)
            .all(&transaction)
            .await?
            .into_iter()
            .map(item_from)
            .collect();
        let object_id = year.to_string();
        audit::record(
            &transaction,
            actor,
            Change::new("set_work_plan", "work_plan", &object_id).before(&before).after(&after),
        )
        .await?;
        transaction.commit().await?;
        Ok(after)
    }

    pub async fn work_plan(&self, year: i32) -> Result<Vec<WorkPlanItem>, ServiceError> {
        check_year(year)?;
        Ok(work_plan_item::Entity::find()
            .filter(work_plan_item::Column::Year.eq(year))
            .order_by_asc(work_plan_item::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(item_from)
            .collect())
    }

    /// Creates or replaces a route of the national ATT agenda.
    #[tracing::instrument(name = "commission.set_agenda_route", skip_all)]
    pub async fn set_agenda_route(
        &self,
        actor: &Actor,
        input: RouteInput,
    ) -> Result<AgendaRoute, ServiceError> {
        access_rules::require_role(actor, &[Role::Secretariat], SECRETARIAT_ONLY)?;
        check_year(input.year)?;
        let territories = input
            .territories
            .iter()
            .map(|code| DivipolaCode::parse(code).map(|c| c.as_str().to_owned()))
            .collect::<Result<Vec<_>, _>>()?;
        let transaction = self.db.begin().await?;
        let before = match input.id {
            Some(id) => Some(route_from(
                agenda_route::Entity::find_by_id(id)
                    .one(&transaction)
                    .await?
                    .ok_or_else(|| ServiceError::NotFound("no existe esa ruta de la agenda".into()))?,
            )),
            None => None,
        };
        let id = input.id.unwrap_or_else(Uuid::now_v7);
        let row = agenda_route::ActiveModel {
            id: Set(id),
            year: Set(input.year),
            name: Set(required_text(&input.name, "name", 300)?),
            objective: Set(required_text(&input.objective, "objective", 2_000)?),
            participants: Set(required_text(&input.participants, "participants", 2_000)?),
            territories: Set(territories.join(",")),
            status: Set(input.status.as_db().to_owned()),
            updated_at: Set(Utc::now()),
        };
        let saved =
            if before.is_some() { row.update(&transaction).await? } else { row.insert(&transaction).await? };
        let after = route_from(saved);
        let object_id = id.to_string();
        audit::record(
            &transaction,
            actor,
            Change::new("set_agenda_route", "agenda_route", &object_id).before(&before).after(&after),
        )
        .await?;
        transaction.commit().await?;
        Ok(after)
    }

    pub async fn national_agenda(&self, year: Option<i32>) -> Result<Vec<AgendaRoute>, ServiceError> {
        let mut query = agenda_route::Entity::find()
            .order_by_asc(agenda_route::Column::Year)
            .order_by_asc(agenda_route::Column::Id);
        if let Some(year) = year {
            query = query.filter(agenda_route::Column::Year.eq(year));
        }
        Ok(query.all(&self.db).await?.into_iter().map(route_from).collect())
    }
}
