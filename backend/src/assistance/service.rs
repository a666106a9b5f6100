//! The assistance market: offers and their lifecycle, demands, assignment,
//! and the recommendations of the matching rules. Every write is audited and
//! goes through the outbox (published offers are searchable at once).

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    entity::prelude::*, ActiveValue::Set, Condition, DatabaseConnection, DatabaseTransaction, QueryOrder,
    TransactionTrait,
};
use uuid::Uuid;

use super::{
    matching::Reason,
    model::{assignment, demand, offer, Demand, DemandStatus, Modality, Offer, OfferStatus, Priority},
    rules,
};
use crate::{
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, AuthUser, Role},
    error::ServiceError,
    outbox::{self, Outbox},
    pagination::{newest_first_in_sql, Page, PageRequest},
    territory::{DivipolaCode, MunicipalCategory, TerritorialEntity, TerritorialKind, TerritoryService},
};

#[derive(Clone)]
pub struct AssistanceService {
    pub(super) db: DatabaseConnection,
    pub(super) territory: TerritoryService,
    outbox: Outbox,
}

/// An offer as its organisation describes it (create and update).
#[derive(Debug, Clone)]
pub struct OfferInput {
    pub organisation_code: Option<String>,
    pub title: String,
    pub description: String,
    pub topic: String,
    pub competency: Option<String>,
    pub programmatic_unit: Option<String>,
    pub modality: Modality,
    pub target_kinds: Vec<TerritorialKind>,
    pub target_categories: Vec<MunicipalCategory>,
    pub department_codes: Vec<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub cost_to_entity: i64,
    pub contact: String,
}

/// A demand as its entity describes it (create and update).
#[derive(Debug, Clone)]
pub struct DemandInput {
    pub entity_code: String,
    pub need: String,
    pub topic: String,
    pub priority: Priority,
    pub capacity_gap: String,
    pub desired_from: Option<NaiveDate>,
    pub desired_to: Option<NaiveDate>,
}

/// A recommended offer (or demand) with its score and reasons.
#[derive(Debug, Clone)]
pub struct Recommendation<T> {
    pub item: T,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// Where text relevance comes from (the search index, in the server). A trait
/// object in the schema's data, so this context never names the search module
/// that sits above it.
#[async_trait::async_trait]
pub trait OfferRelevance: Send + Sync {
    /// Relevance of published offers to `text`, by offer id (any scale).
    async fn relevance(&self, text: &str) -> Result<HashMap<Uuid, f64>, ServiceError>;
}

/// The relevance source the resolvers find in the schema's data.
#[derive(Clone)]
pub struct Relevance(pub std::sync::Arc<dyn OfferRelevance>);

pub use crate::pagination::newest_first_key as newest_key;

/// `rules::may_see_demand` said again in SQL, for the list: a territorial team
/// sees its entity's demands and, for a department, its municipalities' (whose
/// DIVIPOLA codes begin with the department's); the national side, the
/// secretariat and administrators see all; `None`: nothing at all.
fn demands_visible_to(user: &AuthUser) -> Option<Condition> {
    match user.role {
        Role::Territorial => {
            let own = user.entity_code.as_deref()?;
            Some(if own.len() == 2 {
                Condition::all().add(demand::Column::EntityCode.starts_with(own))
            } else {
                Condition::all().add(demand::Column::EntityCode.eq(own))
            })
        }
        Role::Person | Role::Public => None,
        Role::National | Role::Secretariat | Role::Admin => Some(Condition::all()),
    }
}

pub(super) fn text(raw: &str, field: &str, min: usize, max: usize) -> Result<String, ServiceError> {
    let value = raw.trim().to_owned();
    let length = value.chars().count();
    if length < min || length > max {
        return Err(ServiceError::invalid(format!("«{field}» debe tener entre {min} y {max} caracteres")));
    }
    Ok(value)
}

/// An optional text: blank is none, otherwise at most `max` characters.
fn optional_text(raw: Option<&str>, field: &str, max: usize) -> Result<Option<String>, ServiceError> {
    match raw.map(str::trim).filter(|value| !value.is_empty()) {
        Some(value) => text(value, field, 1, max).map(Some),
        None => Ok(None),
    }
}

impl AssistanceService {
    pub fn new(db: DatabaseConnection, territory: TerritoryService, outbox: Outbox) -> Self {
        Self { db, territory, outbox }
    }

    async fn validate_offer(&self, input: &OfferInput) -> Result<offer::ActiveModel, ServiceError> {
        if input.starts_on > input.ends_on {
            return Err(ServiceError::invalid("las fechas están en desorden: el inicio es posterior al fin"));
        }
        if input.capacity < 1 {
            return Err(ServiceError::invalid("el cupo («capacity») debe ser de al menos una entidad"));
        }
        if input.cost_to_entity < 0 {
            return Err(ServiceError::invalid("el costo para la entidad no puede ser negativo"));
        }
        if input.target_kinds.is_empty() {
            return Err(ServiceError::invalid("indique a qué tipos de entidad se dirige («targetKinds»)"));
        }
        let mut departments = Vec::new();
        for code in &input.department_codes {
            let code = DivipolaCode::parse_department(code)?;
            if self.territory.find(&code).await?.is_none() {
                return Err(ServiceError::invalid(format!("no existe el departamento «{}»", code.as_str())));
            }
            if !departments.contains(&code.as_str().to_owned()) {
                departments.push(code.as_str().to_owned());
            }
        }
        let competency =
            input.competency.as_deref().map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty());
        if let Some(code) = &competency {
            let known = crate::reporting::catalogue::competencies(&self.db).await?;
            if !known.contains(code) {
                return Err(ServiceError::invalid(format!(
                    "la competencia «{code}» no está en el catálogo de datos; use una de: {}",
                    known.join(", ")
                )));
            }
        }
        let join = |values: Vec<&str>| values.join(",");
        Ok(offer::ActiveModel {
            title: Set(text(&input.title, "title", 5, 200)?),
            description: Set(text(&input.description, "description", 20, 5_000)?),
            topic: Set(text(&input.topic, "topic", 2, 80)?),
            competency: Set(competency),
            programmatic_unit: Set(optional_text(
                input.programmatic_unit.as_deref(),
                "programmaticUnit",
                200,
            )?),
            modality: Set(input.modality.as_str().to_owned()),
            target_kinds: Set(join(input.target_kinds.iter().map(|k| k.as_db()).collect())),
            target_categories: Set(join(input.target_categories.iter().map(|c| c.as_db()).collect())),
            department_codes: Set(serde_json::json!(departments)),
            starts_on: Set(input.starts_on),
            ends_on: Set(input.ends_on),
            capacity: Set(input.capacity),
            cost_to_entity: Set(input.cost_to_entity),
            contact: Set(text(&input.contact, "contact", 3, 300)?),
            updated_at: Set(Utc::now()),
            ..Default::default()
        })
    }

    /// Registers an offer as a draft of the caller's organisation.
    #[tracing::instrument(name = "assistance.create_offer", skip_all)]
    pub async fn create_offer(&self, actor: &Actor, input: OfferInput) -> Result<Offer, ServiceError> {
        let user = access_rules::require_user(actor, "registrar ofertas de asistencia técnica")?;
        let owner = rules::offer_owner(user, input.organisation_code.as_deref().map(str::trim))?;
        let owner = owner.to_uppercase();
        if !crate::access::AccessService::organisation_exists(&self.db, &owner).await? {
            return Err(ServiceError::invalid(format!("no existe la organización «{owner}»")));
        }
        let mut row = self.validate_offer(&input).await?;
        row.id = Set(Uuid::now_v7());
        row.organisation_code = Set(owner);
        row.status = Set(OfferStatus::Draft.as_db().to_owned());
        row.created_by = Set(Some(user.id));
        row.created_at = Set(Utc::now());
        let transaction = self.db.begin().await?;
        let created = Offer::from(row.insert(&transaction).await?);
        self.finish_offer(transaction, actor, "create_offer", None, &created).await?;
        Ok(created)
    }

    #[tracing::instrument(name = "assistance.update_offer", skip_all)]
    pub async fn update_offer(
        &self,
        actor: &Actor,
        id: Uuid,
        input: OfferInput,
    ) -> Result<Offer, ServiceError> {
        let (transaction, before, _) = self.offer_for_change(actor, id).await?;
        if matches!(before.status, OfferStatus::Closed | OfferStatus::Archived) {
            return Err(ServiceError::invalid("una oferta cerrada o archivada no se modifica"));
        }
        let mut row = self.validate_offer(&input).await?;
        row.id = Set(id);
        let after = Offer::from(row.update(&transaction).await?);
        self.finish_offer(transaction, actor, "update_offer", Some(&before), &after).await?;
        Ok(after)
    }

    /// Moves an offer along its lifecycle: draft → published → closed or archived.
    #[tracing::instrument(name = "assistance.set_offer_status", skip_all)]
    pub async fn set_offer_status(
        &self,
        actor: &Actor,
        id: Uuid,
        status: OfferStatus,
    ) -> Result<Offer, ServiceError> {
        let (transaction, before, _) = self.offer_for_change(actor, id).await?;
        let allowed = match (before.status, status) {
            (OfferStatus::Draft, OfferStatus::Published) => true,
            (OfferStatus::Published, OfferStatus::Closed) => true,
            (from, OfferStatus::Archived) => from != OfferStatus::Archived,
            _ => false,
        };
        if !allowed {
            return Err(ServiceError::invalid(format!(
                "una oferta {} no puede quedar {}",
                before.status.label(),
                status.label()
            )));
        }
        let row = offer::ActiveModel {
            id: Set(id),
            status: Set(status.as_db().to_owned()),
            updated_at: Set(Utc::now()),
            ..Default::default()
        };
        let after = Offer::from(row.update(&transaction).await?);
        let action = match status {
            OfferStatus::Published => "publish_offer",
            OfferStatus::Closed => "close_offer",
            _ => "archive_offer",
        };
        self.finish_offer(transaction, actor, action, Some(&before), &after).await?;
        Ok(after)
    }

    pub(super) async fn offer_for_change(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<(DatabaseTransaction, Offer, AuthUser), ServiceError> {
        let user = access_rules::require_user(actor, "modificar ofertas de asistencia técnica")?.clone();
        let transaction = self.db.begin().await?;
        let before = offer::Entity::find_by_id(id)
            .one(&transaction)
            .await?
            .map(Offer::from)
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la oferta {id}")))?;
        if !rules::may_manage_offer(&user, &before.organisation_code) {
            return Err(ServiceError::Forbidden("modificar ofertas de otra organización"));
        }
        Ok((transaction, before, user))
    }

    async fn finish_offer(
        &self,
        transaction: DatabaseTransaction,
        actor: &Actor,
        action: &str,
        before: Option<&Offer>,
        after: &Offer,
    ) -> Result<(), ServiceError> {
        let id = after.id.to_string();
        let mut change = Change::new(action, "att_offer", &id).after(after);
        if let Some(before) = before {
            change = change.before(before);
        }
        audit::record(&transaction, actor, change).await?;
        outbox::record(&transaction, search_index::Kind::Offer, &id).await?;
        transaction.commit().await?;
        self.outbox.committed();
        Ok(())
    }

    /// Writes an offer already published inside the caller's transaction: a
    /// training module open to territories *is* this offer (formation keeps
    /// the link). Audited and sent to the outbox with the caller's write; the
    /// caller commits, then calls `offers_committed`.
    #[tracing::instrument(name = "assistance.insert_published_offer", skip_all)]
    pub async fn insert_published_offer(
        &self,
        transaction: &DatabaseTransaction,
        actor: &Actor,
        input: OfferInput,
    ) -> Result<Offer, ServiceError> {
        let user = access_rules::require_user(actor, "publicar ofertas de asistencia técnica")?;
        let owner = rules::offer_owner(user, input.organisation_code.as_deref().map(str::trim))?;
        let mut row = self.validate_offer(&input).await?;
        let id = Uuid::now_v7();
        row.id = Set(id);
        row.organisation_code = Set(owner.to_uppercase());
        row.status = Set(OfferStatus::Published.as_db().to_owned());
        row.created_by = Set(Some(user.id));
        row.created_at = Set(Utc::now());
        let created = Offer::from(row.insert(transaction).await?);
        let key = id.to_string();
        audit::record(transaction, actor, Change::new("publish_offer", "att_offer", &key).after(&created))
            .await?;
        outbox::record(transaction, search_index::Kind::Offer, &key).await?;
        Ok(created)
    }

    /// Archives an offer inside the caller's transaction (its training module was archived).
    #[tracing::instrument(name = "assistance.archive_offer_in", skip_all)]
    pub async fn archive_offer_in(
        &self,
        transaction: &DatabaseTransaction,
        actor: &Actor,
        id: Uuid,
    ) -> Result<(), ServiceError> {
        let Some(before) = offer::Entity::find_by_id(id).one(transaction).await?.map(Offer::from) else {
            return Ok(());
        };
        if before.status == OfferStatus::Archived {
            return Ok(());
        }
        let row = offer::ActiveModel {
            id: Set(id),
            status: Set(OfferStatus::Archived.as_db().to_owned()),
            updated_at: Set(Utc::now()),
            ..Default::default()
        };
        let after = Offer::from(row.update(transaction).await?);
        let key = id.to_string();
        let change = Change::new("archive_offer", "att_offer", &key).before(&before).after(&after);
        audit::record(transaction, actor, change).await?;
        outbox::record(transaction, search_index::Kind::Offer, &key).await?;
        Ok(())
    }

    /// Tells the indexers that offers written in another context's transaction are committed.
    pub fn offers_committed(&self) {
        self.outbox.committed();
    }

    /// Offers, newest first: published and closed ones for everyone, and
    /// `own_organisation`'s drafts and archived ones for its users.
    #[tracing::instrument(name = "assistance.offers", skip_all)]
    pub async fn offers(
        &self,
        organisation_code: Option<&str>,
        status: Option<OfferStatus>,
        own_organisation: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Offer>, ServiceError> {
        let mut query = offer::Entity::find();
        if let Some(code) = organisation_code {
            query = query.filter(offer::Column::OrganisationCode.eq(code.trim().to_uppercase()));
        }
        if let Some(status) = status {
            query = query.filter(offer::Column::Status.eq(status.as_db()));
        }
        // Published and closed offers are public; drafts and archived ones only their organisation's.
        let public = [OfferStatus::Published.as_db(), OfferStatus::Closed.as_db()];
        let mut visible = Condition::any().add(offer::Column::Status.is_in(public));
        if let Some(own) = own_organisation {
            visible = visible.add(offer::Column::OrganisationCode.eq(own));
        }
        let (created_at, id) = (offer::Column::CreatedAt, offer::Column::Id);
        let found = newest_first_in_sql(&self.db, query.filter(visible), created_at, id, page).await?;
        Ok(found.map(Offer::from))
    }

    /// Demands, newest first: a territorial user's jurisdiction only; the
    /// national side, the secretariat and administrators see all of them.
    #[tracing::instrument(name = "assistance.demands", skip_all)]
    pub async fn demands(
        &self,
        actor: &Actor,
        entity_code: Option<&str>,
        status: Option<DemandStatus>,
        page: &PageRequest,
    ) -> Result<Page<Demand>, ServiceError> {
        let user = access_rules::require_user(actor, "consultar demandas")?;
        let mut query = demand::Entity::find();
        if let Some(code) = entity_code {
            query = query.filter(demand::Column::EntityCode.eq(DivipolaCode::parse(code)?.as_str()));
        }
        if let Some(status) = status {
            query = query.filter(demand::Column::Status.eq(status.as_db()));
        }
        let Some(visible) = demands_visible_to(user) else {
            return Ok(Page { items: Vec::new(), has_next_page: false, total_count: 0 });
        };
        let (created_at, id) = (demand::Column::CreatedAt, demand::Column::Id);
        let found = newest_first_in_sql(&self.db, query.filter(visible), created_at, id, page).await?;
        Ok(found.map(Demand::from))
    }

    /// One demand, if the actor may see it (`rules::may_see_demand`, as the list).
    pub async fn visible_demand(&self, actor: &Actor, id: Uuid) -> Result<Option<Demand>, ServiceError> {
        let user = access_rules::require_user(actor, "consultar demandas")?;
        let Some(found) = self.demand(id).await? else { return Ok(None) };
        let department = self.department_of(&found.entity_code).await?;
        Ok(rules::may_see_demand(user, &found.entity_code, department.as_deref()).then_some(found))
    }

    /// Whether any offer exists (the demo loads only into an empty market).
    pub async fn has_offers(&self) -> Result<bool, ServiceError> {
        Ok(offer::Entity::find().one(&self.db).await?.is_some())
    }

    /// Every offer that names a programmatic unit, with the text it gives
    /// (for the classification to link): only those rows, two columns.
    pub async fn programmatic_units(&self) -> Result<Vec<(Uuid, String)>, ServiceError> {
        let all = offer::Entity::find();
        Ok(crate::db::ids_with_text(&self.db, all, offer::Column::Id, offer::Column::ProgrammaticUnit)
            .await?)
    }

    pub async fn offer(&self, id: Uuid) -> Result<Option<Offer>, ServiceError> {
        Ok(offer::Entity::find_by_id(id).one(&self.db).await?.map(Into::into))
    }

    pub async fn offers_by_id(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Offer>, ServiceError> {
        let rows =
            offer::Entity::find().filter(offer::Column::Id.is_in(ids.iter().copied())).all(&self.db).await?;
        Ok(rows.into_iter().map(|row| (row.id, row.into())).collect())
    }

    /// Every published offer (the public catalogue: hundreds, not millions).
    pub async fn published_offers(&self) -> Result<Vec<Offer>, ServiceError> {
        let rows = offer::Entity::find()
            .filter(offer::Column::Status.eq(OfferStatus::Published.as_db()))
            .order_by_asc(offer::Column::Id)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Registers a demand of a territorial entity.
    #[tracing::instrument(name = "assistance.create_demand", skip_all)]
    pub async fn create_demand(&self, actor: &Actor, input: DemandInput) -> Result<Demand, ServiceError> {
        let user = access_rules::require_user(actor, "registrar demandas de asistencia técnica")?;
        let (row, _) = self.validate_demand(user, &input).await?;
        let row = demand::ActiveModel {
            id: Set(Uuid::now_v7()),
            status: Set(DemandStatus::Open.as_db().to_owned()),
            created_by: Set(Some(user.id)),
            created_at: Set(Utc::now()),
            ..row
        };
        let transaction = self.db.begin().await?;
        let created = Demand::from(row.insert(&transaction).await?);
        let id = created.id.to_string();
        audit::record(&transaction, actor, Change::new("create_demand", "att_demand", &id).after(&created))
            .await?;
        transaction.commit().await?;
        Ok(created)
    }

    #[tracing::instrument(name = "assistance.update_demand", skip_all)]
    pub async fn update_demand(
        &self,
        actor: &Actor,
        id: Uuid,
        input: DemandInput,
    ) -> Result<Demand, ServiceError> {
        let user = access_rules::require_user(actor, "modificar demandas de asistencia técnica")?;
        let before = self
            .demand(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la demanda {id}")))?;
        let (row, _) = self.validate_demand(user, &input).await?;
        let department = self.department_of(&before.entity_code).await?;
        if !rules::may_manage_demand(user, &before.entity_code, department.as_deref()) {
            return Err(ServiceError::Forbidden("modificar demandas de otra entidad"));
        }
        if before.status == DemandStatus::Closed {
            return Err(ServiceError::invalid("una demanda cerrada no se modifica"));
        }
        let transaction = self.db.begin().await?;
        let after = Demand::from(demand::ActiveModel { id: Set(id), ..row }.update(&transaction).await?);
        let id_text = id.to_string();
        audit::record(
            &transaction,
            actor,
            Change::new("update_demand", "att_demand", &id_text).before(&before).after(&after),
        )
        .await?;
        transaction.commit().await?;
        Ok(after)
    }

    async fn validate_demand(
        &self,
        user: &AuthUser,
        input: &DemandInput,
    ) -> Result<(demand::ActiveModel, TerritorialEntity), ServiceError> {
        let code = DivipolaCode::parse(&input.entity_code)?;
        let entity = self.territory.find(&code).await?.ok_or_else(|| {
            ServiceError::invalid(format!("no existe la entidad territorial «{}»", code.as_str()))
        })?;
        if !rules::may_manage_demand(user, &entity.code, entity.department_code.as_deref()) {
            return Err(ServiceError::Forbidden("registrar demandas de otra entidad"));
        }
        if let (Some(from), Some(to)) = (input.desired_from, input.desired_to) {
            if from > to {
                return Err(ServiceError::invalid(
                    "las fechas están en desorden: el inicio es posterior al fin",
                ));
            }
        }
        let row = demand::ActiveModel {
            entity_code: Set(entity.code.clone()),
            need: Set(text(&input.need, "need", 10, 5_000)?),
            topic: Set(text(&input.topic, "topic", 2, 80)?),
            priority: Set(input.priority.as_db().to_owned()),
            capacity_gap: Set(text(&input.capacity_gap, "capacityGap", 3, 2_000)?),
            desired_from: Set(input.desired_from),
            desired_to: Set(input.desired_to),
            updated_at: Set(Utc::now()),
            ..Default::default()
        };
        Ok((row, entity))
    }

    pub(super) async fn department_of(&self, entity_code: &str) -> Result<Option<String>, ServiceError> {
        let code = DivipolaCode::parse(entity_code)?;
        Ok(self.territory.find(&code).await?.and_then(|e| e.department_code))
    }

    pub async fn demand(&self, id: Uuid) -> Result<Option<Demand>, ServiceError> {
        Ok(demand::Entity::find_by_id(id).one(&self.db).await?.map(Into::into))
    }

    /// Assigns a published offer with room left to an open demand.
    #[tracing::instrument(name = "assistance.assign", skip_all)]
    pub async fn assign(
        &self,
        actor: &Actor,
        offer_id: Uuid,
        demand_id: Uuid,
    ) -> Result<(Offer, Demand), ServiceError> {
        let (transaction, offer, _) = self.offer_for_change(actor, offer_id).await?;
        if offer.status != OfferStatus::Published {
            return Err(ServiceError::invalid("solo se asignan ofertas publicadas (esta no lo está)"));
        }
        let demand = demand::Entity::find_by_id(demand_id)
            .one(&transaction)
            .await?
            .map(Demand::from)
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la demanda {demand_id}")))?;
        if demand.status == DemandStatus::Closed {
            return Err(ServiceError::invalid("la demanda está cerrada"));
        }
        let taken = assignment::Entity::find()
            .filter(assignment::Column::OfferId.eq(offer_id))
            .all(&transaction)
            .await?;
        if taken.iter().any(|a| a.demand_id == demand_id) {
            return Err(ServiceError::Conflict("esa oferta ya está asignada a esa demanda".into()));
        }
        if taken.len() as i64 >= i64::from(offer.capacity) {
            return Err(ServiceError::invalid("la oferta no tiene cupos disponibles"));
        }
        assignment::ActiveModel {
            id: Set(Uuid::now_v7()),
            offer_id: Set(offer_id),
            demand_id: Set(demand_id),
            created_by: Set(actor.user().map(|u| u.id)),
            created_at: Set(Utc::now()),
        }
        .insert(&transaction)
        .await?;
        let after = if demand.status == DemandStatus::Open {
            Demand::from(
                demand::ActiveModel {
                    id: Set(demand_id),
                    status: Set(DemandStatus::Matched.as_db().to_owned()),
                    updated_at: Set(Utc::now()),
                    ..Default::default()
                }
                .update(&transaction)
                .await?,
            )
        } else {
            demand.clone()
        };
        let pair = format!("{offer_id}/{demand_id}");
        audit::record(
            &transaction,
            actor,
            Change::new("assign_offer", "att_assignment", &pair).before(&demand).after(&after),
        )
        .await?;
        transaction.commit().await?;
        Ok((offer, after))
    }
}
