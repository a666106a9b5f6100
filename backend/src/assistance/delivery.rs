//! After the assignment: the deliveries the offering entity records, the
//! evaluation the receiving entity gives, and closing a demand.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{entity::prelude::*, ActiveValue::Set, QueryOrder, TransactionTrait};
use uuid::Uuid;

use super::{
    model::{
        assignment, delivery, delivery_comment, demand, evaluation, Delivery, DeliveryComment, Demand,
        DemandStatus, Modality,
    },
    rules,
    service::{text, AssistanceService},
};
use crate::{
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor},
    error::ServiceError,
};

/// A delivery as the offering entity reports it.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub offer_id: Uuid,
    pub demand_id: Uuid,
    pub delivered_on: NaiveDate,
    pub hours: f64,
    pub participants: i32,
    pub modality: Modality,
    pub notes: String,
}

/// An evaluation as the receiving entity gives it.
#[derive(Debug, Clone)]
pub struct NewEvaluation {
    pub satisfaction: i32,
    pub capacity_installed: bool,
    pub comments: String,
}

impl AssistanceService {
    /// Records a delivery of an assigned offer (by the offering organisation);
    /// the demand becomes attended.
    #[tracing::instrument(name = "assistance.record_delivery", skip_all)]
    pub async fn record_delivery(&self, actor: &Actor, new: NewDelivery) -> Result<Delivery, ServiceError> {
        let (transaction, offer, user) = self.offer_for_change(actor, new.offer_id).await?;
        let assignment = assignment::Entity::find()
            .filter(assignment::Column::OfferId.eq(new.offer_id))
            .filter(assignment::Column::DemandId.eq(new.demand_id))
            .one(&transaction)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid("esa oferta no está asignada a esa demanda: asígnela primero")
            })?;
        let demand = demand::Entity::find_by_id(new.demand_id)
            .one(&transaction)
            .await?
            .map(Demand::from)
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la demanda {}", new.demand_id)))?;
        if demand.status == DemandStatus::Closed {
            return Err(ServiceError::invalid("la demanda está cerrada: no recibe más entregas"));
        }
        rules::check_delivery(
            new.delivered_on,
            new.hours,
            new.participants,
            offer.starts_on,
            crate::bogota_time::today(),
        )?;
        let notes =
            if new.notes.trim().is_empty() { String::new() } else { text(&new.notes, "notes", 1, 4_000)? };
        let row = delivery::ActiveModel {
            id: Set(Uuid::now_v7()),
            assignment_id: Set(assignment.id),
            delivered_on: Set(new.delivered_on),
            hours: Set(new.hours),
            participants: Set(new.participants),
            modality: Set(new.modality.as_str().to_owned()),
            notes: Set(notes),
            recorded_by: Set(Some(user.id)),
            created_at: Set(Utc::now()),
        }
        .insert(&transaction)
        .await?;
        let recorded = Delivery::from_rows(row, &assignment, None, Vec::new());
        if demand.status != DemandStatus::Attended {
            demand::ActiveModel {
                id: Set(demand.id),
                status: Set(DemandStatus::Attended.as_db().to_owned()),
                updated_at: Set(Utc::now()),
                ..Default::default()
            }
            .update(&transaction)
            .await?;
        }
        audit::record(
            &transaction,
            actor,
            Change::new("record_delivery", "att_delivery", &recorded.id.to_string()).after(&recorded),
        )
        .await?;
        transaction.commit().await?;
        Ok(recorded)
    }

    /// The receiving entity's users evaluate a delivery, once.
    #[tracing::instrument(name = "assistance.evaluate_delivery", skip_all)]
    pub async fn evaluate_delivery(
        &self,
        actor: &Actor,
        delivery_id: Uuid,
        new: NewEvaluation,
    ) -> Result<Delivery, ServiceError> {
        let user = access_rules::require_user(actor, "evaluar la asistencia técnica recibida")?;
        let satisfaction = rules::check_satisfaction(new.satisfaction)?;
        let comments = if new.comments.trim().is_empty() {
            String::new()
        } else {
            text(&new.comments, "comments", 1, 4_000)?
        };
        let transaction = self.db.begin().await?;
        let (row, assignment, demand) = delivery_with_demand(&transaction, delivery_id).await?;
        if !rules::may_evaluate_delivery(user, &demand.entity_code) {
            return Err(ServiceError::Denied(format!(
                "no tiene permiso para evaluar esta entrega: la evalúa una sola vez la entidad que la recibió ({})",
                demand.entity_code
            )));
        }
        if evaluation::Entity::find_by_id(delivery_id).one(&transaction).await?.is_some() {
            return Err(ServiceError::Conflict("esa entrega ya fue evaluada".into()));
        }
        let saved = evaluation::ActiveModel {
            delivery_id: Set(delivery_id),
            satisfaction: Set(satisfaction),
            capacity_installed: Set(new.capacity_installed),
            comments: Set(comments),
            evaluated_by: Set(Some(user.id)),
            created_at: Set(Utc::now()),
        }
        .insert(&transaction)
        .await?;
        let comments =
            comments_of(&transaction, &[delivery_id]).await?.remove(&delivery_id).unwrap_or_default();
        let evaluated = Delivery::from_rows(row, &assignment, Some(saved), comments);
        audit::record(
            &transaction,
            actor,
            Change::new("evaluate_delivery", "att_evaluation", &delivery_id.to_string()).after(&evaluated),
        )
        .await?;
        transaction.commit().await?;
        Ok(evaluated)
    }

    /// The receiving municipality's department comments on a delivery; the
    /// single evaluation stays the municipality's.
    #[tracing::instrument(name = "assistance.comment_delivery", skip_all)]
    pub async fn comment_delivery(
        &self,
        actor: &Actor,
        delivery_id: Uuid,
        body: &str,
    ) -> Result<Delivery, ServiceError> {
        let user = access_rules::require_user(actor, "comentar una entrega de asistencia técnica")?;
        let body = text(body, "comments", 1, 4_000)?;
        // The delivery's facts do not change; the register is read outside the
        // transaction (with SQLite's one connection it could not be inside).
        let (row, assignment, demand) = delivery_with_demand(&self.db, delivery_id).await?;
        let department = self.department_of(&demand.entity_code).await?;
        if !rules::may_comment_delivery(user, department.as_deref()) {
            return Err(ServiceError::Denied(format!(
                "no tiene permiso para comentar esta entrega: la comenta el departamento de la entidad que la recibió ({}), y la evalúa la entidad misma",
                demand.entity_code
            )));
        }
        let transaction = self.db.begin().await?;
        let saved = delivery_comment::ActiveModel {
            id: Set(Uuid::new_v4()),
            delivery_id: Set(delivery_id),
            entity_code: Set(user.entity_code.clone().unwrap_or_default()),
            author_id: Set(Some(user.id)),
            body: Set(body),
            created_at: Set(Utc::now()),
        }
        .insert(&transaction)
        .await?;
        audit::record(
            &transaction,
            actor,
            Change::new("comment_delivery", "att_delivery_comment", &saved.id.to_string())
                .after(&DeliveryComment::from(saved)),
        )
        .await?;
        let evaluation = evaluation::Entity::find_by_id(delivery_id).one(&transaction).await?;
        let comments =
            comments_of(&transaction, &[delivery_id]).await?.remove(&delivery_id).unwrap_or_default();
        transaction.commit().await?;
        Ok(Delivery::from_rows(row, &assignment, evaluation, comments))
    }

    /// The entity closes its demand: attended to its satisfaction, or no longer needed.
    #[tracing::instrument(name = "assistance.close_demand", skip_all)]
    pub async fn close_demand(&self, actor: &Actor, id: Uuid) -> Result<Demand, ServiceError> {
        let user = access_rules::require_user(actor, "cerrar demandas de asistencia técnica")?;
        let before = self
            .demand(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la demanda {id}")))?;
        let department = self.department_of(&before.entity_code).await?;
        if !rules::may_manage_demand(user, &before.entity_code, department.as_deref()) {
            return Err(ServiceError::Forbidden("cerrar demandas de otra entidad"));
        }
        if before.status == DemandStatus::Closed {
            return Err(ServiceError::invalid("la demanda ya está cerrada"));
        }
        let transaction = self.db.begin().await?;
        let after = Demand::from(
            demand::ActiveModel {
                id: Set(id),
                status: Set(DemandStatus::Closed.as_db().to_owned()),
                updated_at: Set(Utc::now()),
                ..Default::default()
            }
            .update(&transaction)
            .await?,
        );
        audit::record(
            &transaction,
            actor,
            Change::new("close_demand", "att_demand", &id.to_string()).before(&before).after(&after),
        )
        .await?;
        transaction.commit().await?;
        Ok(after)
    }

    /// The deliveries of each demand, oldest first (a DataLoader's batch).
    pub async fn deliveries_of_demands(
        &self,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, Vec<Delivery>>, ServiceError> {
        let assignments = assignment::Entity::find()
            .filter(assignment::Column::DemandId.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?;
        let mut found: HashMap<Uuid, Vec<Delivery>> = HashMap::new();
        for delivery in self.deliveries_of_assignments(&assignments).await? {
            found.entry(delivery.demand_id).or_default().push(delivery);
        }
        Ok(found)
    }

    /// The demands each of these offers is assigned to, oldest assignment first.
    #[tracing::instrument(name = "assistance.assigned_demands", skip_all, fields(count = offer_ids.len()))]
    pub async fn assigned_demands(
        &self,
        offer_ids: &[Uuid],
    ) -> Result<HashMap<Uuid, Vec<Demand>>, ServiceError> {
        let assignments = assignment::Entity::find()
            .filter(assignment::Column::OfferId.is_in(offer_ids.iter().copied()))
            .order_by_asc(assignment::Column::CreatedAt)
            .order_by_asc(assignment::Column::Id)
            .all(&self.db)
            .await?;
        let demands: HashMap<Uuid, Demand> = demand::Entity::find()
            .filter(demand::Column::Id.is_in(assignments.iter().map(|a| a.demand_id)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| (row.id, Demand::from(row)))
            .collect();
        let mut found: HashMap<Uuid, Vec<Demand>> = HashMap::new();
        for row in assignments {
            if let Some(demand) = demands.get(&row.demand_id) {
                found.entry(row.offer_id).or_default().push(demand.clone());
            }
        }
        Ok(found)
    }

    /// Every delivery of these assignments, with its evaluation, oldest first.
    pub(super) async fn deliveries_of_assignments(
        &self,
        assignments: &[assignment::Model],
    ) -> Result<Vec<Delivery>, ServiceError> {
        let by_id: HashMap<Uuid, &assignment::Model> = assignments.iter().map(|a| (a.id, a)).collect();
        let rows = delivery::Entity::find()
            .filter(delivery::Column::AssignmentId.is_in(by_id.keys().copied()))
            .order_by_asc(delivery::Column::DeliveredOn)
            .order_by_asc(delivery::Column::Id)
            .all(&self.db)
            .await?;
        let mut evaluations: HashMap<Uuid, evaluation::Model> = evaluation::Entity::find()
            .filter(evaluation::Column::DeliveryId.is_in(rows.iter().map(|r| r.id)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| (e.delivery_id, e))
            .collect();
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut comments = comments_of(&self.db, &ids).await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let assignment = by_id.get(&row.assignment_id)?;
                let evaluation = evaluations.remove(&row.id);
                let comments = comments.remove(&row.id).unwrap_or_default();
                Some(Delivery::from_rows(row, assignment, evaluation, comments))
            })
            .collect())
    }
}

/// The department's comments on these deliveries, oldest first.
async fn comments_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<DeliveryComment>>, ServiceError> {
    let mut found: HashMap<Uuid, Vec<DeliveryComment>> = HashMap::new();
    for row in delivery_comment::Entity::find()
        .filter(delivery_comment::Column::DeliveryId.is_in(ids.iter().copied()))
        .order_by_asc(delivery_comment::Column::CreatedAt)
        .order_by_asc(delivery_comment::Column::Id)
        .all(db)
        .await?
    {
        found.entry(row.delivery_id).or_default().push(row.into());
    }
    Ok(found)
}

/// A delivery with the assignment and demand it belongs to.
async fn delivery_with_demand(
    transaction: &impl ConnectionTrait,
    delivery_id: Uuid,
) -> Result<(delivery::Model, assignment::Model, demand::Model), ServiceError> {
    let row = delivery::Entity::find_by_id(delivery_id)
        .one(transaction)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no existe la entrega {delivery_id}")))?;
    let assignment = assignment::Entity::find_by_id(row.assignment_id)
        .one(transaction)
        .await?
        .ok_or_else(|| ServiceError::NotFound("no existe la asignación de esa entrega".into()))?;
    let demand = demand::Entity::find_by_id(assignment.demand_id)
        .one(transaction)
        .await?
        .ok_or_else(|| ServiceError::NotFound("no existe la demanda de esa entrega".into()))?;
    Ok((row, assignment, demand))
}
