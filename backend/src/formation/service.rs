//! The formation service: training modules and their lifecycle (a published
//! module open to territories is an ATT offer of modality «formación»). The
//! learners' side (enrolment, progress, assessment, certificates) is in
//! `learning`, the accompaniment programmes in `programmes`.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use sea_orm::{entity::prelude::*, ActiveValue::Set, DatabaseConnection, QueryOrder, TransactionTrait};
use uuid::Uuid;

use super::{
    entity::module,
    model::{Lesson, Module, ModuleStatus, NewModule, Question},
    rules,
};
use crate::{
    access::AccessService,
    assistance::{model::Modality, service::OfferInput, AssistanceService},
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, AuthUser, Role},
    error::ServiceError,
    knowledge::KnowledgeService,
    monitoring::MonitoringService,
    pagination::{newest_first_key, Page, PageRequest},
    reporting::ReportingService,
    territory::{MunicipalCategory, TerritorialKind, TerritoryService},
};

#[derive(Clone)]
pub struct FormationService {
    pub(super) db: DatabaseConnection,
    pub(super) access: AccessService,
    pub(super) territory: TerritoryService,
    pub(super) reporting: ReportingService,
    pub(super) assistance: AssistanceService,
    pub(super) knowledge: KnowledgeService,
    pub(super) monitoring: MonitoringService,
    /// Set once the completion indicator and its requirement exist (`indicator`).
    pub(super) completion_ready: std::sync::Arc<tokio::sync::OnceCell<()>>,
}

/// How long a published module stays open as an ATT offer.
const OFFER_DAYS: i64 = 365;
/// Seats of a module's offer: a virtual course has room for every entity.
const OFFER_SEATS: i32 = 10_000;

impl FormationService {
    pub fn new(
        db: DatabaseConnection,
        access: AccessService,
        territory: TerritoryService,
        reporting: ReportingService,
        assistance: AssistanceService,
        knowledge: KnowledgeService,
        monitoring: MonitoringService,
    ) -> Self {
        Self {
            db,
            access,
            territory,
            reporting,
            assistance,
            knowledge,
            monitoring,
            completion_ready: Default::default(),
        }
    }

    /// Registers a module as a draft of the caller's organisation (a
    /// national user's own; an administrator names it). Nothing is written
    /// unless every lesson and question is right.
    #[tracing::instrument(name = "formation.create_module", skip_all)]
    pub async fn create_module(&self, actor: &Actor, new: NewModule) -> Result<Module, ServiceError> {
        let user = access_rules::require_user(actor, "registrar módulos de formación")?;
        let owner = module_owner(user, new.organisation_code.as_deref())?;
        if !AccessService::organisation_exists(&self.db, &owner).await? {
            return Err(ServiceError::invalid(format!("no existe la organización «{owner}»")));
        }
        let lessons_shape: Vec<(String, bool, bool)> = new
            .lessons
            .iter()
            .map(|l| {
                let has_text = l.body.as_deref().is_some_and(|b| !b.trim().is_empty());
                (l.title.clone(), has_text, l.knowledge_product_id.is_some())
            })
            .collect();
        let questions_shape: Vec<(usize, i32)> =
            new.questions.iter().map(|q| (q.options.len(), q.correct)).collect();
        rules::check_module(new.hours, new.pass_mark, new.max_attempts, &lessons_shape, &questions_shape)
            .map_err(ServiceError::Invalid)?;
        if new.target_kinds.is_empty() {
            return Err(ServiceError::invalid("indique a qué tipos de entidad se dirige («targetKinds»)"));
        }
        let cited: Vec<Uuid> = new.lessons.iter().filter_map(|l| l.knowledge_product_id).collect();
        if !cited.is_empty() {
            let found = self.knowledge.find_visible(&cited).await?;
            if let Some(missing) = cited.iter().find(|id| !found.contains_key(id)) {
                return Err(ServiceError::invalid(format!(
                    "la lección cita el producto de conocimiento {missing}, que no existe o no está publicado"
                )));
            }
        }
        let lessons: Vec<Lesson> = new
            .lessons
            .into_iter()
            .map(|l| Lesson {
                title: l.title.trim().to_owned(),
                body: l.body.map(|b| b.trim().to_owned()).filter(|b| !b.is_empty()),
                knowledge_product_id: l.knowledge_product_id,
            })
            .collect();
        let mut questions = Vec::with_capacity(new.questions.len());
        for (position, question) in new.questions.into_iter().enumerate() {
            let prompt = text(&question.prompt, &format!("la pregunta {}", position + 1), 3, 1_000)?;
            let options = question
                .options
                .iter()
                .map(|o| text(o, &format!("una opción de la pregunta {}", position + 1), 1, 300))
                .collect::<Result<Vec<_>, _>>()?;
            questions.push(Question { prompt, options, correct: question.correct });
        }
        let roles: Vec<String> =
            new.target_roles.iter().map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
        if roles.iter().any(|r| r.contains(',') || r.chars().count() > 80) {
            return Err(ServiceError::invalid(
                "cada rol («targetRoles») va sin comas y con hasta 80 caracteres",
            ));
        }
        let now = Utc::now();
        let row = module::ActiveModel {
            id: Set(Uuid::now_v7()),
            organisation_code: Set(owner),
            title: Set(text(&new.title, "title", 5, 200)?),
            summary: Set(text(&new.summary, "summary", 20, 2_000)?),
            objectives: Set(text(&new.objectives, "objectives", 5, 5_000)?),
            topic: Set(text(&new.topic, "topic", 2, 80)?),
            target_kinds: Set(new.target_kinds.iter().map(|k| k.as_db()).collect::<Vec<_>>().join(",")),
            target_categories: Set(new
                .target_categories
                .iter()
                .map(|c| c.as_db())
                .collect::<Vec<_>>()
                .join(",")),
            target_roles: Set(roles.join(",")),
            hours: Set(new.hours),
            pass_mark: Set(new.pass_mark),
            max_attempts: Set(new.max_attempts),
            lessons: Set(json(&lessons)?),
            questions: Set(json(&questions)?),
            status: Set(ModuleStatus::Draft.as_db().to_owned()),
            offer_id: Set(None),
            created_by: Set(Some(user.id)),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let transaction = self.db.begin().await?;
        let created = Module::try_from(row.insert(&transaction).await?)?;
        let key = created.id.to_string();
        audit::record(
            &transaction,
            actor,
            Change::new("create_training_module", "training_module", &key).after(&created),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    /// Moves a module along draft → published → archived. Publishing a
    /// module open to territories writes its ATT offer (modality «formación»)
    /// in the same transaction; archiving it archives that offer.
    #[tracing::instrument(name = "formation.set_module_status", skip_all)]
    pub async fn set_status(
        &self,
        actor: &Actor,
        id: Uuid,
        to: ModuleStatus,
    ) -> Result<Module, ServiceError> {
        let user = access_rules::require_user(actor, "cambiar el estado de módulos de formación")?;
        let transaction = self.db.begin().await?;
        let before = self.module_in(&transaction, id).await?;
        if !rules::may_manage_module(user, &before.organisation_code) {
            return Err(ServiceError::Forbidden("cambiar módulos de formación de otra organización"));
        }
        rules::transition(before.status, to).map_err(ServiceError::Invalid)?;
        let mut offer_id = before.offer_id;
        let mut offers_written = false;
        match to {
            ModuleStatus::Published if opens_to_territories(&before) => {
                let offer =
                    self.assistance.insert_published_offer(&transaction, actor, offer_of(&before)).await?;
                offer_id = Some(offer.id);
                offers_written = true;
            }
            ModuleStatus::Archived => {
                if let Some(offer) = before.offer_id {
                    self.assistance.archive_offer_in(&transaction, actor, offer).await?;
                    offers_written = true;
                }
            }
            _ => {}
        }
        let row = module::ActiveModel {
            id: Set(id),
            status: Set(to.as_db().to_owned()),
            offer_id: Set(offer_id),
            updated_at: Set(Utc::now()),
            ..Default::default()
        };
        let after = Module::try_from(row.update(&transaction).await?)?;
        let action =
            if to == ModuleStatus::Published { "publish_training_module" } else { "archive_training_module" };
        let key = id.to_string();
        let change = Change::new(action, "training_module", &key).before(&before).after(&after);
        audit::record(&transaction, actor, change).await?;
        transaction.commit().await?;
        if offers_written {
            self.assistance.offers_committed();
        }
        Ok(after)
    }

    pub(super) async fn module_in(
        &self,
        connection: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Module, ServiceError> {
        module::Entity::find_by_id(id)
            .one(connection)
            .await?
            .map(Module::try_from)
            .transpose()?
            .ok_or_else(|| ServiceError::NotFound(format!("no existe el módulo de formación {id}")))
    }

    /// One module as the caller may see it: published and archived ones for
    /// everyone, drafts for their organisation and administrators.
    #[tracing::instrument(name = "formation.module", skip_all)]
    pub async fn module(&self, actor: &Actor, id: Uuid) -> Result<Option<Module>, ServiceError> {
        let Some(row) = module::Entity::find_by_id(id).one(&self.db).await? else { return Ok(None) };
        let found = Module::try_from(row)?;
        Ok(visible(actor, &found).then_some(found))
    }

    /// Modules by id in one query (the DataLoader's batch), whatever their state.
    pub async fn modules_by_id(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Module>, ServiceError> {
        let rows = module::Entity::find()
            .filter(module::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?;
        rows.into_iter().map(|row| Module::try_from(row).map(|m| (m.id, m))).collect()
    }

    /// The catalogue, newest first: published modules for everyone, and the
    /// caller's organisation's drafts and archived ones (every one for an
    /// administrator). A catalogue holds tens of modules: paged in memory.
    #[tracing::instrument(name = "formation.modules", skip_all)]
    pub async fn modules(
        &self,
        actor: &Actor,
        status: Option<ModuleStatus>,
        organisation_code: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Module>, ServiceError> {
        let mut query = module::Entity::find().order_by_desc(module::Column::CreatedAt);
        if let Some(status) = status {
            query = query.filter(module::Column::Status.eq(status.as_db()));
        }
        if let Some(code) = organisation_code {
            query = query.filter(module::Column::OrganisationCode.eq(code.trim().to_uppercase()));
        }
        let mut keyed = Vec::new();
        for row in query.all(&self.db).await? {
            let found = Module::try_from(row)?;
            if visible(actor, &found) {
                keyed.push((newest_first_key(found.created_at, found.id), found));
            }
        }
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Page::from_sorted(keyed, page, |(key, _)| key.as_str()).map(|(_, found)| found))
    }

    /// Whether any module exists (the demo loads once).
    pub async fn has_modules(&self) -> Result<bool, ServiceError> {
        Ok(module::Entity::find().one(&self.db).await?.is_some())
    }

    /// The names of organisations, for certificates and pages.
    pub async fn organisation_names(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, String>, ServiceError> {
        let found = self.access.find_organisations(codes).await?;
        Ok(found.into_iter().map(|(code, organisation)| (code, organisation.name)).collect())
    }
}

/// Whether the caller may see a module.
fn visible(actor: &Actor, found: &Module) -> bool {
    found.status != ModuleStatus::Draft
        || actor.user().is_some_and(|user| rules::may_manage_module(user, &found.organisation_code))
}

/// The organisation a new module belongs to.
fn module_owner(user: &AuthUser, requested: Option<&str>) -> Result<String, ServiceError> {
    let requested = requested.map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty());
    match (user.role, requested) {
        (Role::Admin, Some(code)) => Ok(code),
        (Role::Admin, None) => Err(ServiceError::invalid(
            "un administrador debe indicar la organización que ofrece el módulo («organisationCode»)",
        )),
        (Role::National, requested) => {
            let own = user
                .organisation_code
                .clone()
                .ok_or(ServiceError::Forbidden("registrar módulos de formación"))?;
            match requested {
                Some(code) if code != own => {
                    Err(ServiceError::Forbidden("registrar módulos a nombre de otra organización"))
                }
                _ => Ok(own),
            }
        }
        _ => Err(ServiceError::Forbidden("registrar módulos de formación")),
    }
}

/// A module is open to territories when it targets municipal or departmental entities.
fn opens_to_territories(found: &Module) -> bool {
    !found.target_kinds.is_empty()
}

/// The ATT offer a published module is: same title, summary, topic and target.
fn offer_of(found: &Module) -> OfferInput {
    let today = crate::bogota_time::today();
    OfferInput {
        organisation_code: Some(found.organisation_code.clone()),
        title: found.title.clone(),
        description: found.summary.clone(),
        topic: found.topic.clone(),
        competency: None,
        programmatic_unit: None,
        modality: Modality::Training,
        target_kinds: found.target_kinds.clone(),
        target_categories: found.target_categories.clone(),
        department_codes: Vec::new(),
        starts_on: today,
        ends_on: today + Duration::days(OFFER_DAYS),
        capacity: OFFER_SEATS,
        cost_to_entity: 0,
        contact: format!("Inscripción en SUGIT: /formacion/{}", found.id),
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

fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, ServiceError> {
    serde_json::to_value(value).map_err(|e| ServiceError::Internal(e.into()))
}

pub(super) fn csv<T>(raw: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    raw.split(',').filter(|v| !v.is_empty()).filter_map(parse).collect()
}

impl TryFrom<module::Model> for Module {
    type Error = ServiceError;

    fn try_from(row: module::Model) -> Result<Self, ServiceError> {
        let corrupt =
            |what: &str| ServiceError::Internal(anyhow::anyhow!("módulo {} con {what} ilegible", row.id));
        Ok(Module {
            status: ModuleStatus::from_db(&row.status).ok_or_else(|| corrupt("estado"))?,
            lessons: serde_json::from_value(row.lessons.clone()).map_err(|_| corrupt("lecciones"))?,
            questions: serde_json::from_value(row.questions.clone()).map_err(|_| corrupt("preguntas"))?,
            target_kinds: csv(&row.target_kinds, TerritorialKind::from_db),
            target_categories: csv(&row.target_categories, MunicipalCategory::from_db),
            target_roles: csv(&row.target_roles, |r| Some(r.to_owned())),
            id: row.id,
            organisation_code: row.organisation_code,
            title: row.title,
            summary: row.summary,
            objectives: row.objectives,
            topic: row.topic,
            hours: row.hours,
            pass_mark: row.pass_mark,
            max_attempts: row.max_attempts,
            offer_id: row.offer_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}
