//! The learners' side of formation: enrolment (by the learner or the
//! entity's training coordinator), progress lesson by lesson, the assessment
//! with its limited attempts, certificates anyone can verify, and completion
//! by department, category and capacity group.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use sea_orm::{
    entity::prelude::*,
    sea_query::{Expr, OnConflict},
    ActiveValue::Set,
    Condition, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use super::{
    entity::{certificate, completion, coordinator, enrolment},
    model::{AttemptOutcome, Certificate, CompletionGrouping, CompletionRow, Enrolment, ModuleStatus},
    rules,
    service::FormationService,
};
use crate::{
    access::model::User,
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, AuthUser, Role},
    error::ServiceError,
    pagination::{Page, PageRequest},
    territory::{DivipolaCode, TerritorialEntity},
};

impl FormationService {
    /// The entity the caller coordinates training for, if any.
    async fn coordinated_entity(&self, user: &AuthUser) -> Result<Option<String>, ServiceError> {
        if user.role != Role::Territorial {
            return Ok(None);
        }
        Ok(coordinator::Entity::find_by_id(user.id).one(&self.db).await?.map(|row| row.entity_code))
    }

    /// Makes a territorial user its entity's training coordinator: it then
    /// enrols its staff and follows their progress (administrators only).
    #[tracing::instrument(name = "formation.designate_coordinator", skip_all)]
    pub async fn designate_coordinator(&self, actor: &Actor, email: &str) -> Result<User, ServiceError> {
        access_rules::require_admin(actor, "designar coordinadores de formación")?;
        let user = self.territorial_user(email).await?;
        let entity_code = user.entity_code.clone().unwrap_or_default();
        let transaction = self.db.begin().await?;
        let row = coordinator::ActiveModel {
            user_id: Set(user.id),
            entity_code: Set(entity_code.clone()),
            designated_at: Set(Utc::now()),
        };
        coordinator::Entity::insert(row)
            .on_conflict(
                OnConflict::column(coordinator::Column::UserId)
                    .update_columns([coordinator::Column::EntityCode, coordinator::Column::DesignatedAt])
                    .to_owned(),
            )
            .exec(&transaction)
            .await?;
        let key = user.id.to_string();
        let after = serde_json::json!({ "email": user.email, "entityCode": entity_code });
        audit::record(
            &transaction,
            actor,
            Change::new("designate_training_coordinator", "training_coordinator", &key).after(&after),
        )
        .await?;
        transaction.commit().await?;
        Ok(user)
    }

    async fn territorial_user(&self, email: &str) -> Result<User, ServiceError> {
        let user = self.access.user_by_email(email).await?.ok_or_else(|| {
            ServiceError::invalid(format!("no hay un usuario con el correo «{}»", email.trim()))
        })?;
        if user.role != Role::Territorial || user.entity_code.is_none() || !user.active {
            return Err(ServiceError::invalid(format!(
                "«{}» no es un usuario activo de una entidad territorial",
                user.email
            )));
        }
        Ok(user)
    }

    /// Enrols the caller (no `learner_email`) or, for a training coordinator,
    /// a colleague of its entity, in a published module meant for the
    /// entity's kind and category. Enrolling twice is refused with CONFLICT.
    #[tracing::instrument(name = "formation.enrol", skip_all)]
    pub async fn enrol(
        &self,
        actor: &Actor,
        module_id: Uuid,
        learner_email: Option<&str>,
    ) -> Result<Enrolment, ServiceError> {
        let user = access_rules::require_user(actor, "inscribirse en módulos de formación")?;
        let (learner_id, learner_name, learner_entity) = match learner_email {
            Some(email) if !email.trim().eq_ignore_ascii_case(&user.email) => {
                let learner = self.territorial_user(email).await?;
                (learner.id, learner.name, learner.entity_code)
            }
            _ => (user.id, user.name.clone(), user.entity_code.clone()),
        };
        let coordinated = self.coordinated_entity(user).await?;
        if !rules::may_enrol(user, learner_id, learner_entity.as_deref(), coordinated.as_deref()) {
            return Err(ServiceError::Forbidden(
                "inscribir en módulos de formación a quien no es de su equipo (lo hace la persona o el coordinador de formación de su entidad)",
            ));
        }
        let entity = self.entity(learner_entity.as_deref().unwrap_or_default()).await?;
        let found = self.module_in(&self.db, module_id).await?;
        if found.status != ModuleStatus::Published {
            return Err(ServiceError::invalid(format!(
                "el módulo «{}» está {}: solo se inscribe en módulos publicados",
                found.title,
                found.status.label()
            )));
        }
        if !found.target_kinds.contains(&entity.kind)
            || (!found.target_categories.is_empty()
                && !entity.category.is_some_and(|c| found.target_categories.contains(&c)))
        {
            return Err(ServiceError::invalid(format!(
                "el módulo «{}» no se dirige a entidades como {}",
                found.title, entity.name
            )));
        }
        let transaction = self.db.begin().await?;
        let existing = enrolment::Entity::find()
            .filter(enrolment::Column::UserId.eq(learner_id))
            .filter(enrolment::Column::ModuleId.eq(module_id))
            .one(&transaction)
            .await?;
        if existing.is_some() {
            return Err(ServiceError::Conflict(format!(
                "{learner_name} ya está inscrito en «{}»",
                found.title
            )));
        }
        let row = enrolment::ActiveModel {
            id: Set(Uuid::now_v7()),
            module_id: Set(module_id),
            user_id: Set(learner_id),
            learner_name: Set(learner_name),
            department_code: Set(entity.department_code.clone().unwrap_or_else(|| entity.code.clone())),
            entity_code: Set(entity.code),
            enrolled_by: Set(Some(user.id)),
            enrolled_at: Set(Utc::now()),
            lessons_done: Set(0),
            attempts: Set(0),
            best_score: Set(None),
            passed_at: Set(None),
        };
        let created = Enrolment::from(row.insert(&transaction).await?);
        let key = created.id.to_string();
        audit::record(
            &transaction,
            actor,
            Change::new("enrol_in_training_module", "training_enrolment", &key).after(&created),
        )
        .await?;
        transaction.commit().await?;
        self.report_completion_of(&created.entity_code, created.enrolled_at).await;
        Ok(created)
    }

    async fn entity(&self, code: &str) -> Result<TerritorialEntity, ServiceError> {
        let parsed = DivipolaCode::parse(code)?;
        self.territory
            .find(&parsed)
            .await?
            .ok_or_else(|| ServiceError::invalid(format!("no existe la entidad territorial «{code}»")))
    }

    /// The caller's own enrolment in a module, for a change; refused when
    /// the caller is not enrolled in it.
    async fn own_enrolment(
        &self,
        connection: &impl ConnectionTrait,
        actor: &Actor,
        module_id: Uuid,
        action: &'static str,
    ) -> Result<enrolment::Model, ServiceError> {
        let user = access_rules::require_user(actor, action)?;
        enrolment::Entity::find()
            .filter(enrolment::Column::UserId.eq(user.id))
            .filter(enrolment::Column::ModuleId.eq(module_id))
            .one(connection)
            .await?
            .ok_or_else(|| {
                ServiceError::Denied(format!(
                    "no está inscrito en el módulo {module_id}: solo quien está inscrito puede {action}"
                ))
            })
    }

    /// Marks one lesson of the caller's module as done (again is harmless):
    /// the progress lives here, so it follows the learner to any device.
    #[tracing::instrument(name = "formation.complete_lesson", skip_all)]
    pub async fn complete_lesson(
        &self,
        actor: &Actor,
        module_id: Uuid,
        lesson: i32,
    ) -> Result<Enrolment, ServiceError> {
        let transaction = self.db.begin().await?;
        let found = self.module_in(&transaction, module_id).await?;
        let before = self.own_enrolment(&transaction, actor, module_id, "avanzar en sus lecciones").await?;
        if lesson < 1 || lesson as usize > found.lessons.len() {
            return Err(ServiceError::invalid(format!(
                "el módulo tiene las lecciones 1 a {}, no la {lesson}",
                found.lessons.len()
            )));
        }
        let done = completion::Entity::find_by_id((before.id, lesson)).one(&transaction).await?;
        if done.is_some() {
            return Ok(Enrolment::from(before));
        }
        completion::ActiveModel {
            enrolment_id: Set(before.id),
            lesson: Set(lesson),
            completed_at: Set(Utc::now()),
        }
        .insert(&transaction)
        .await?;
        let row = enrolment::ActiveModel {
            id: Set(before.id),
            lessons_done: Set(before.lessons_done + 1),
            ..Default::default()
        };
        let after = Enrolment::from(row.update(&transaction).await?);
        let key = after.id.to_string();
        let change = Change::new("complete_lesson", "training_enrolment", &key)
            .before(&Enrolment::from(before))
            .after(&serde_json::json!({ "lesson": lesson, "lessonsDone": after.lessons_done }));
        audit::record(&transaction, actor, change).await?;
        transaction.commit().await?;
        Ok(after)
    }

    /// Grades an attempt at the module's assessment; passing issues the
    /// certificate in the same transaction. A malformed answer sheet is
    /// refused and costs no attempt.
    #[tracing::instrument(name = "formation.submit_assessment", skip_all)]
    pub async fn submit_assessment(
        &self,
        actor: &Actor,
        module_id: Uuid,
        answers: &[i32],
    ) -> Result<AttemptOutcome, ServiceError> {
        let found = self.module_in(&self.db, module_id).await?;
        // Read before the write begins: an embedded database has one writer connection.
        let issuer = self
            .organisation_names(std::slice::from_ref(&found.organisation_code))
            .await?
            .remove(&found.organisation_code)
            .unwrap_or_else(|| found.organisation_code.clone());
        let transaction = self.db.begin().await?;
        let before = self.own_enrolment(&transaction, actor, module_id, "presentar la evaluación").await?;
        rules::may_attempt(
            before.lessons_done,
            found.lessons.len(),
            before.attempts,
            found.max_attempts,
            before.passed_at.is_some(),
        )
        .map_err(ServiceError::Invalid)?;
        let correct: Vec<i32> = found.questions.iter().map(|q| q.correct).collect();
        let options: Vec<usize> = found.questions.iter().map(|q| q.options.len()).collect();
        let grade =
            rules::grade(&correct, &options, answers, found.pass_mark).map_err(ServiceError::Invalid)?;
        let now = Utc::now();
        let row = enrolment::ActiveModel {
            id: Set(before.id),
            attempts: Set(before.attempts + 1),
            best_score: Set(Some(before.best_score.map_or(grade.score, |best| best.max(grade.score)))),
            passed_at: Set(grade.passed.then_some(now)),
            ..Default::default()
        };
        let after = Enrolment::from(row.update(&transaction).await?);
        let key = after.id.to_string();
        let change = Change::new("submit_assessment", "training_enrolment", &key)
            .before(&Enrolment::from(before))
            .after(&serde_json::json!({ "score": grade.score, "passed": grade.passed, "attempts": after.attempts }));
        audit::record(&transaction, actor, change).await?;
        let certificate = if grade.passed {
            let row = certificate::ActiveModel {
                code: Set(rules::certificate_code(random_bytes())),
                enrolment_id: Set(after.id),
                learner_name: Set(after.learner_name.clone()),
                module_title: Set(found.title.clone()),
                hours: Set(found.hours),
                issued_on: Set(crate::bogota_time::date(now)),
                issuer_name: Set(issuer.clone()),
            };
            let issued = Certificate::from(row.insert(&transaction).await?);
            audit::record(
                &transaction,
                actor,
                Change::new("issue_certificate", "training_certificate", &issued.code).after(&issued),
            )
            .await?;
            Some(issued)
        } else {
            None
        };
        transaction.commit().await?;
        if certificate.is_some() {
            self.report_completion_of(&after.entity_code, after.enrolled_at).await;
        }
        Ok(AttemptOutcome {
            attempts_left: (found.max_attempts - after.attempts).max(0),
            score: grade.score,
            correct: grade.correct,
            total: grade.total,
            passed: grade.passed,
            enrolment: after,
            certificate,
        })
    }

    /// The caller's own enrolments, newest first (the learner's page).
    #[tracing::instrument(name = "formation.my_enrolments", skip_all)]
    pub async fn my_enrolments(
        &self,
        actor: &Actor,
        page: &PageRequest,
    ) -> Result<Page<Enrolment>, ServiceError> {
        let user = access_rules::require_user(actor, "ver sus módulos de formación")?;
        self.enrolments_where(enrolment::Column::UserId.eq(user.id), page).await
    }

    /// The enrolments of an entity's staff: for its training coordinators,
    /// the secretariat and administrators.
    #[tracing::instrument(name = "formation.staff_enrolments", skip_all)]
    pub async fn staff_enrolments(
        &self,
        actor: &Actor,
        entity_code: &str,
        page: &PageRequest,
    ) -> Result<Page<Enrolment>, ServiceError> {
        let user = access_rules::require_user(actor, "ver el avance de un equipo")?;
        let entity = self.entity(entity_code.trim()).await?;
        let coordinated = self.coordinated_entity(user).await?;
        if !rules::may_see_progress(user, Uuid::nil(), &entity.code, coordinated.as_deref()) {
            return Err(ServiceError::Forbidden("ver el avance de formación de otro equipo"));
        }
        self.enrolments_where(enrolment::Column::EntityCode.eq(entity.code), page).await
    }

    /// Enrolments matching `condition`, newest first, keyset-paged by id
    /// (ids are time-ordered UUIDv7).
    async fn enrolments_where(
        &self,
        condition: sea_orm::sea_query::SimpleExpr,
        page: &PageRequest,
    ) -> Result<Page<Enrolment>, ServiceError> {
        let condition = Condition::all().add(condition);
        let total = enrolment::Entity::find().filter(condition.clone()).count(&self.db).await?;
        let mut query = enrolment::Entity::find().filter(condition);
        if let Some(after) = &page.after {
            let after = Uuid::parse_str(after)
                .map_err(|_| ServiceError::invalid("el cursor «after» no es válido"))?;
            query = query.filter(enrolment::Column::Id.lt(after));
        }
        let rows = query.order_by_desc(enrolment::Column::Id).limit(page.fetch_limit()).all(&self.db).await?;
        Ok(Page::from_rows(rows.into_iter().map(Enrolment::from).collect(), page, total))
    }

    /// The lessons done in each enrolment, in one query (the DataLoader's batch).
    pub async fn lessons_done(&self, enrolments: &[Uuid]) -> Result<HashMap<Uuid, Vec<i32>>, ServiceError> {
        let rows = completion::Entity::find()
            .filter(completion::Column::EnrolmentId.is_in(enrolments.iter().copied()))
            .order_by_asc(completion::Column::Lesson)
            .all(&self.db)
            .await?;
        let mut done: HashMap<Uuid, Vec<i32>> = HashMap::new();
        for row in rows {
            done.entry(row.enrolment_id).or_default().push(row.lesson);
        }
        Ok(done)
    }

    /// The certificates of these enrolments, in one query.
    pub async fn certificates_of(
        &self,
        enrolments: &[Uuid],
    ) -> Result<HashMap<Uuid, Certificate>, ServiceError> {
        let rows = certificate::Entity::find()
            .filter(certificate::Column::EnrolmentId.is_in(enrolments.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|row| (row.enrolment_id, Certificate::from(row))).collect())
    }

    /// A certificate by its public code; `None` for a code that is not one
    /// issued (the answer never says whether it ever existed).
    #[tracing::instrument(name = "formation.certificate", skip_all)]
    pub async fn certificate(&self, code: &str) -> Result<Option<Certificate>, ServiceError> {
        let Some(code) = rules::normalise_code(code) else { return Ok(None) };
        Ok(certificate::Entity::find_by_id(code).one(&self.db).await?.map(Certificate::from))
    }

    /// Enrolments and certificates grouped by department, category or
    /// capacity group, or by entity within one department: an indicator
    /// like any other, public as counts.
    #[tracing::instrument(name = "formation.completion", skip_all)]
    pub async fn completion(
        &self,
        grouping: CompletionGrouping,
        department_code: Option<&str>,
    ) -> Result<Vec<CompletionRow>, ServiceError> {
        let department = department_code.map(DivipolaCode::parse_department).transpose()?;
        let mut query = enrolment::Entity::find()
            .select_only()
            .column(enrolment::Column::EntityCode)
            .column_as(Expr::col(enrolment::Column::Id).count(), "enrolled")
            .column_as(Expr::col(enrolment::Column::PassedAt).count(), "certified")
            .group_by(enrolment::Column::EntityCode);
        if let Some(department) = &department {
            query = query.filter(enrolment::Column::DepartmentCode.eq(department.as_str()));
        }
        let rows: Vec<(String, i64, i64)> = query.into_tuple().all(&self.db).await?;
        let codes: Vec<String> = rows.iter().map(|(code, _, _)| code.clone()).collect();
        let entities = self.territory.find_many(&codes).await?;
        let mut groups: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for (code, enrolled, certified) in rows {
            let entity = entities.get(&code);
            let group = match grouping {
                CompletionGrouping::Entity => code.clone(),
                CompletionGrouping::Department => {
                    entity.and_then(|e| e.department_code.clone()).unwrap_or_else(|| code.clone())
                }
                CompletionGrouping::Category => entity
                    .and_then(|e| e.category)
                    .map_or("SIN_CATEGORIA".to_owned(), |c| c.as_db().to_owned()),
                CompletionGrouping::CapacityGroup => entity
                    .and_then(|e| e.capacity_group)
                    .map_or("SIN_GRUPO".to_owned(), |g| g.as_db().to_owned()),
            };
            let slot = groups.entry(group).or_default();
            slot.0 += enrolled.max(0) as u64;
            slot.1 += certified.max(0) as u64;
        }
        Ok(groups
            .into_iter()
            .map(|(group, (enrolled, certified))| CompletionRow { group, enrolled, certified })
            .collect())
    }

    /// Whether the caller may see this enrolment's progress.
    pub async fn may_see(&self, actor: &Actor, found: &Enrolment) -> Result<bool, ServiceError> {
        let Some(user) = actor.user() else { return Ok(false) };
        let coordinated = self.coordinated_entity(user).await?;
        Ok(rules::may_see_progress(user, found.user_id, &found.entity_code, coordinated.as_deref()))
    }
}

/// Eight random bytes for a certificate code (a v4 UUID's are from the OS's generator).
fn random_bytes() -> [u8; 8] {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&Uuid::new_v4().as_bytes()[..8]);
    bytes
}

impl From<enrolment::Model> for Enrolment {
    fn from(row: enrolment::Model) -> Self {
        Self {
            id: row.id,
            module_id: row.module_id,
            user_id: row.user_id,
            learner_name: row.learner_name,
            entity_code: row.entity_code,
            department_code: row.department_code,
            enrolled_at: row.enrolled_at,
            lessons_done: row.lessons_done,
            attempts: row.attempts,
            best_score: row.best_score,
            passed_at: row.passed_at,
        }
    }
}

impl From<certificate::Model> for Certificate {
    fn from(row: certificate::Model) -> Self {
        Self {
            code: row.code,
            enrolment_id: row.enrolment_id,
            learner_name: row.learner_name,
            module_title: row.module_title,
            hours: row.hours,
            issued_on: row.issued_on,
            issuer_name: row.issuer_name,
        }
    }
}
