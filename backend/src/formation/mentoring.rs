//! The mentor network: mentors registered by an organisation, territorial
//! entities' requests for mentoring, matching with ATT's differential
//! scoring (lowest capacity first, every point explained), and sessions
//! logged by the mentor's side and rated by the entity.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{entity::prelude::*, ActiveValue::Set, QueryOrder, TransactionTrait};
use uuid::Uuid;

use super::{
    entity::{mentor, mentoring_request, mentoring_session},
    model::{Mentor, MentorKind, MentoringRequest, MentoringSession, NewMentor},
    rules,
    service::{csv, text, FormationService},
};
use crate::{
    access::AccessService,
    assistance::{matching::Reason, rules as att_rules},
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, AuthUser, Role},
    error::ServiceError,
    territory::{DivipolaCode, TerritorialEntity},
};

/// A mentor recommended for a request.
#[derive(Debug, Clone)]
pub struct MentorMatch {
    pub mentor: Mentor,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

impl FormationService {
    /// Registers a mentor on behalf of an organisation (a national user's
    /// own; an administrator names it).
    #[tracing::instrument(name = "formation.register_mentor", skip_all)]
    pub async fn register_mentor(&self, actor: &Actor, new: NewMentor) -> Result<Mentor, ServiceError> {
        let user = access_rules::require_user(actor, "registrar mentores")?;
        let owner = match (user.role, new.organisation_code.as_deref().map(|c| c.trim().to_uppercase())) {
            (Role::Admin, Some(code)) => code,
            (Role::Admin, None) => return Err(ServiceError::invalid(
                "un administrador debe indicar la organización que registra al mentor («organisationCode»)",
            )),
            (Role::National, requested) => {
                let own =
                    user.organisation_code.clone().ok_or(ServiceError::Forbidden("registrar mentores"))?;
                if requested.is_some_and(|code| code != own) {
                    return Err(ServiceError::Forbidden("registrar mentores a nombre de otra organización"));
                }
                own
            }
            _ => return Err(ServiceError::Forbidden("registrar mentores")),
        };
        if !AccessService::organisation_exists(&self.db, &owner).await? {
            return Err(ServiceError::invalid(format!("no existe la organización «{owner}»")));
        }
        let competencies: Vec<String> =
            new.competencies.iter().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect();
        if competencies.is_empty() || competencies.iter().any(|c| c.contains(',') || c.chars().count() > 80) {
            return Err(ServiceError::invalid(
                "declare al menos una competencia («competencies»), cada una sin comas y con hasta 80 caracteres",
            ));
        }
        let mut departments = Vec::new();
        for code in &new.department_codes {
            let code = DivipolaCode::parse_department(code)?;
            if self.territory.find(&code).await?.is_none() {
                return Err(ServiceError::invalid(format!("no existe el departamento «{}»", code.as_str())));
            }
            departments.push(code.as_str().to_owned());
        }
        if !(1..=160).contains(&new.hours_per_month) {
            return Err(ServiceError::invalid("las horas por mes («hoursPerMonth») van de 1 a 160"));
        }
        let row = mentor::ActiveModel {
            id: Set(Uuid::now_v7()),
            name: Set(text(&new.name, "name", 3, 200)?),
            kind: Set(new.kind.as_db().to_owned()),
            organisation_code: Set(owner),
            competencies: Set(competencies.join(",")),
            profile: Set(text(&new.profile, "profile", 10, 2_000)?),
            department_codes: Set(departments.join(",")),
            hours_per_month: Set(new.hours_per_month),
            contact: Set(text(&new.contact, "contact", 3, 300)?),
            created_by: Set(Some(user.id)),
            created_at: Set(Utc::now()),
        };
        let transaction = self.db.begin().await?;
        let created = Mentor::try_from(row.insert(&transaction).await?)?;
        let key = created.id.to_string();
        audit::record(&transaction, actor, Change::new("register_mentor", "mentor", &key).after(&created))
            .await?;
        transaction.commit().await?;
        Ok(created)
    }

    /// A territorial entity asks for mentoring on a topic (its teams, its
    /// department's for its municipalities, or an administrator).
    #[tracing::instrument(name = "formation.request_mentoring", skip_all)]
    pub async fn request_mentoring(
        &self,
        actor: &Actor,
        entity_code: &str,
        topic: &str,
        need: &str,
    ) -> Result<MentoringRequest, ServiceError> {
        let user = access_rules::require_user(actor, "pedir mentoría")?;
        let entity = self.entity_for_mentoring(entity_code).await?;
        if !att_rules::may_manage_demand(user, &entity.code, entity.department_code.as_deref()) {
            return Err(ServiceError::Forbidden("pedir mentoría para otra entidad"));
        }
        let row = mentoring_request::ActiveModel {
            id: Set(Uuid::now_v7()),
            entity_code: Set(entity.code),
            topic: Set(text(topic, "topic", 2, 80)?),
            need: Set(text(need, "need", 10, 2_000)?),
            mentor_id: Set(None),
            created_by: Set(Some(user.id)),
            created_at: Set(Utc::now()),
        };
        let transaction = self.db.begin().await?;
        let created = MentoringRequest::from(row.insert(&transaction).await?);
        let key = created.id.to_string();
        audit::record(
            &transaction,
            actor,
            Change::new("request_mentoring", "mentoring_request", &key).after(&created),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    async fn entity_for_mentoring(&self, code: &str) -> Result<TerritorialEntity, ServiceError> {
        let parsed = DivipolaCode::parse(code)?;
        self.territory.find(&parsed).await?.ok_or_else(|| {
            ServiceError::invalid(format!("no existe la entidad territorial «{}»", parsed.as_str()))
        })
    }

    /// A request the caller may see (the demand rule of ATT), or NOT_FOUND.
    async fn visible_request(
        &self,
        user: &AuthUser,
        id: Uuid,
    ) -> Result<(MentoringRequest, TerritorialEntity), ServiceError> {
        let not_found = || ServiceError::NotFound(format!("no existe la solicitud de mentoría {id}"));
        let found =
            mentoring_request::Entity::find_by_id(id).one(&self.db).await?.map(MentoringRequest::from);
        let found = found.ok_or_else(not_found)?;
        let entity = self.entity_for_mentoring(&found.entity_code).await?;
        if !att_rules::may_see_demand(user, &entity.code, entity.department_code.as_deref()) {
            return Err(not_found());
        }
        Ok((found, entity))
    }

    /// Mentors for a request, best first, each score explained.
    #[tracing::instrument(name = "formation.recommended_mentors", skip_all)]
    pub async fn recommended_mentors(
        &self,
        actor: &Actor,
        request_id: Uuid,
    ) -> Result<Vec<MentorMatch>, ServiceError> {
        let user = access_rules::require_user(actor, "ver mentores recomendados")?;
        let (request, entity) = self.visible_request(user, request_id).await?;
        let department = entity.department_code.clone().unwrap_or_else(|| entity.code.clone());
        let mut matches: Vec<MentorMatch> = self
            .mentors()
            .await?
            .into_iter()
            .filter(|m| {
                rules::mentor_ineligibility(m.hours_per_month, &m.department_codes, &department).is_none()
            })
            .map(|m| {
                let (score, reasons) = rules::mentor_score(
                    &m.competencies,
                    &m.profile,
                    &request.topic,
                    &request.need,
                    entity.capacity_group,
                );
                MentorMatch { mentor: m, score, reasons }
            })
            .collect();
        matches.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.mentor.id.cmp(&b.mentor.id)));
        Ok(matches)
    }

    /// Every mentor, by name (a network of tens to hundreds).
    pub async fn mentors(&self) -> Result<Vec<Mentor>, ServiceError> {
        let rows = mentor::Entity::find().order_by_asc(mentor::Column::Name).all(&self.db).await?;
        rows.into_iter().map(Mentor::try_from).collect()
    }

    /// Mentors by id in one query (the DataLoader's batch).
    pub async fn mentors_by_id(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Mentor>, ServiceError> {
        let rows = mentor::Entity::find()
            .filter(mentor::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?;
        rows.into_iter().map(|row| Mentor::try_from(row).map(|m| (m.id, m))).collect()
    }

    /// The entity matches its request with a mentor (its teams or an administrator).
    #[tracing::instrument(name = "formation.assign_mentor", skip_all)]
    pub async fn assign_mentor(
        &self,
        actor: &Actor,
        request_id: Uuid,
        mentor_id: Uuid,
    ) -> Result<MentoringRequest, ServiceError> {
        let user = access_rules::require_user(actor, "asignar mentores")?;
        let before = mentoring_request::Entity::find_by_id(request_id)
            .one(&self.db)
            .await?
            .map(MentoringRequest::from)
            .ok_or_else(|| {
                ServiceError::NotFound(format!("no existe la solicitud de mentoría {request_id}"))
            })?;
        let entity = self.entity_for_mentoring(&before.entity_code).await?;
        if !att_rules::may_manage_demand(user, &entity.code, entity.department_code.as_deref()) {
            return Err(ServiceError::Forbidden("asignar mentores a solicitudes de otra entidad"));
        }
        let chosen = mentor::Entity::find_by_id(mentor_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| ServiceError::invalid(format!("no existe el mentor {mentor_id}")))?;
        let chosen = Mentor::try_from(chosen)?;
        let department = entity.department_code.clone().unwrap_or_else(|| entity.code.clone());
        if let Some(reason) =
            rules::mentor_ineligibility(chosen.hours_per_month, &chosen.department_codes, &department)
        {
            return Err(ServiceError::invalid(format!(
                "{} no puede acompañar esta solicitud: {reason}",
                chosen.name
            )));
        }
        let transaction = self.db.begin().await?;
        let row = mentoring_request::ActiveModel {
            id: Set(request_id),
            mentor_id: Set(Some(mentor_id)),
            ..Default::default()
        };
        let after = MentoringRequest::from(row.update(&transaction).await?);
        let key = request_id.to_string();
        let change = Change::new("assign_mentor", "mentoring_request", &key).before(&before).after(&after);
        audit::record(&transaction, actor, change).await?;
        transaction.commit().await?;
        Ok(after)
    }

    /// The mentor's side logs a session held on a matched request: the
    /// national users of the mentor's organisation, or an administrator.
    #[tracing::instrument(name = "formation.log_session", skip_all)]
    pub async fn log_session(
        &self,
        actor: &Actor,
        request_id: Uuid,
        held_on: NaiveDate,
        hours: f64,
        notes: &str,
    ) -> Result<MentoringSession, ServiceError> {
        let user = access_rules::require_user(actor, "registrar sesiones de mentoría")?;
        let request = mentoring_request::Entity::find_by_id(request_id)
            .one(&self.db)
            .await?
            .map(MentoringRequest::from)
            .ok_or_else(|| {
                ServiceError::NotFound(format!("no existe la solicitud de mentoría {request_id}"))
            })?;
        let Some(mentor_id) = request.mentor_id else {
            return Err(ServiceError::invalid(
                "la solicitud aún no tiene mentor: asígnelo antes de registrar sesiones",
            ));
        };
        let chosen = self.mentors_by_id(&[mentor_id]).await?.remove(&mentor_id);
        let organisation = chosen.map(|m| m.organisation_code).unwrap_or_default();
        if user.role != Role::Admin && !access_rules::may_write_for_organisation(user, &organisation) {
            return Err(ServiceError::Forbidden("registrar sesiones de mentores de otra organización"));
        }
        rules::check_session(held_on, hours, crate::bogota_time::today()).map_err(ServiceError::Invalid)?;
        let row = mentoring_session::ActiveModel {
            id: Set(Uuid::now_v7()),
            request_id: Set(request_id),
            held_on: Set(held_on),
            hours: Set(hours),
            notes: Set(text(notes, "notes", 5, 5_000)?),
            rating: Set(None),
            created_at: Set(Utc::now()),
        };
        let transaction = self.db.begin().await?;
        let created = MentoringSession::from(row.insert(&transaction).await?);
        let key = created.id.to_string();
        audit::record(
            &transaction,
            actor,
            Change::new("log_mentoring_session", "mentoring_session", &key).after(&created),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    /// The receiving entity's own teams rate a session once, 1 to 5.
    #[tracing::instrument(name = "formation.rate_session", skip_all)]
    pub async fn rate_session(
        &self,
        actor: &Actor,
        session_id: Uuid,
        rating: i32,
    ) -> Result<MentoringSession, ServiceError> {
        let user = access_rules::require_user(actor, "calificar sesiones de mentoría")?;
        let before = mentoring_session::Entity::find_by_id(session_id)
            .one(&self.db)
            .await?
            .map(MentoringSession::from)
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la sesión de mentoría {session_id}")))?;
        let request = mentoring_request::Entity::find_by_id(before.request_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la sesión de mentoría {session_id}")))?;
        if !att_rules::may_evaluate_delivery(user, &request.entity_code) {
            return Err(ServiceError::Forbidden("calificar sesiones de mentoría de otra entidad"));
        }
        if before.rating.is_some() {
            return Err(ServiceError::Conflict("esta sesión ya fue calificada".into()));
        }
        let rating = att_rules::check_satisfaction(rating)?;
        let transaction = self.db.begin().await?;
        let row = mentoring_session::ActiveModel {
            id: Set(session_id),
            rating: Set(Some(rating)),
            ..Default::default()
        };
        let after = MentoringSession::from(row.update(&transaction).await?);
        let key = session_id.to_string();
        let change =
            Change::new("rate_mentoring_session", "mentoring_session", &key).before(&before).after(&after);
        audit::record(&transaction, actor, change).await?;
        transaction.commit().await?;
        Ok(after)
    }

    /// The mentoring requests the caller may see, newest first, with their sessions.
    #[tracing::instrument(name = "formation.mentoring_requests", skip_all)]
    pub async fn mentoring_requests(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(MentoringRequest, Vec<MentoringSession>)>, ServiceError> {
        let user = access_rules::require_user(actor, "ver solicitudes de mentoría")?;
        let mut query = mentoring_request::Entity::find().order_by_desc(mentoring_request::Column::Id);
        if user.role == Role::Territorial {
            let own = user.entity_code.clone().unwrap_or_default();
            query = if own.len() == 2 {
                query.filter(mentoring_request::Column::EntityCode.starts_with(own.as_str()))
            } else {
                query.filter(mentoring_request::Column::EntityCode.eq(own))
            };
        }
        let requests: Vec<MentoringRequest> =
            query.all(&self.db).await?.into_iter().map(MentoringRequest::from).collect();
        let ids: Vec<Uuid> = requests.iter().map(|r| r.id).collect();
        let mut sessions: HashMap<Uuid, Vec<MentoringSession>> = HashMap::new();
        let rows = mentoring_session::Entity::find()
            .filter(mentoring_session::Column::RequestId.is_in(ids))
            .order_by_asc(mentoring_session::Column::HeldOn)
            .all(&self.db)
            .await?;
        for row in rows {
            sessions.entry(row.request_id).or_default().push(MentoringSession::from(row));
        }
        Ok(requests
            .into_iter()
            .map(|r| {
                let s = sessions.remove(&r.id).unwrap_or_default();
                (r, s)
            })
            .collect())
    }

    /// Whether the caller sees the contact of a request's mentor: only the matched entity's teams.
    pub fn sees_mentor_contact(actor: &Actor, request: &MentoringRequest) -> bool {
        actor.user().is_some_and(|user| {
            user.role == Role::Territorial
                && user.entity_code.as_deref() == Some(request.entity_code.as_str())
        })
    }
}

impl TryFrom<mentor::Model> for Mentor {
    type Error = ServiceError;

    fn try_from(row: mentor::Model) -> Result<Self, ServiceError> {
        Ok(Self {
            kind: MentorKind::from_db(&row.kind).ok_or_else(|| {
                ServiceError::Internal(anyhow::anyhow!("mentor {} con tipo ilegible", row.id))
            })?,
            competencies: csv(&row.competencies, |c| Some(c.to_owned())),
            department_codes: csv(&row.department_codes, |c| Some(c.to_owned())),
            id: row.id,
            name: row.name,
            organisation_code: row.organisation_code,
            profile: row.profile,
            hours_per_month: row.hours_per_month,
            contact: row.contact,
        })
    }
}

impl From<mentoring_request::Model> for MentoringRequest {
    fn from(row: mentoring_request::Model) -> Self {
        Self {
            id: row.id,
            entity_code: row.entity_code,
            topic: row.topic,
            need: row.need,
            mentor_id: row.mentor_id,
            created_at: row.created_at,
        }
    }
}

impl From<mentoring_session::Model> for MentoringSession {
    fn from(row: mentoring_session::Model) -> Self {
        Self {
            id: row.id,
            request_id: row.request_id,
            held_on: row.held_on,
            hours: row.hours,
            notes: row.notes,
            rating: row.rating,
        }
    }
}
