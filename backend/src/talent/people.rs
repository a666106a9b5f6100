//! The people's side of talent: a person's profile given with consent, the
//! vacancies that match it, applications and their stages, and the person's
//! export and erasure. A profile is never listed or searched: a person
//! reaches only their own, and an entity sees a candidate only through one
//! of its own open vacancies, and then only what the person chose to show.
//! "Not found" and "not yours" get the same answer.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr, TransactionTrait,
};
use uuid::Uuid;

use super::{
    entity::{application, profile, vacancy},
    model::{Application, Candidate, Profile, ProfileInput, Stage, Vacancy, VacancyStatus},
    rules::{self, Score},
    service::{check_manages, today_view, TalentService, VacancyFilter, NO_VACANCY},
};
use crate::{
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, AuthUser},
    error::ServiceError,
};

/// The one answer for an application that does not exist or is not the caller's.
const NO_APPLICATION: &str = "no existe una postulación con ese id";

/// An applicant as the vacancy's entity sees them.
pub struct Applicant {
    pub application: Application,
    pub candidate: Candidate,
    pub score: Score,
}

impl TalentService {
    async fn own_profile(&self, user: &AuthUser) -> Result<Option<profile::Model>, ServiceError> {
        Ok(profile::Entity::find().filter(profile::Column::UserId.eq(user.id)).one(&self.db).await?)
    }

    /// The caller's own profile (a PERSON's; none yet is `None`).
    #[tracing::instrument(name = "talent.my_profile", skip_all)]
    pub async fn my_profile(&self, actor: &Actor) -> Result<Option<Profile>, ServiceError> {
        let user = access_rules::require_person(actor, "consultar su perfil de talento")?;
        Ok(self.own_profile(user).await?.map(Profile::from))
    }

    /// Creates or replaces the caller's profile, with the consent recorded
    /// (its text and date). Without consent nothing is stored.
    #[tracing::instrument(name = "talent.save_profile", skip_all)]
    pub async fn save_profile(&self, actor: &Actor, input: ProfileInput) -> Result<Profile, ServiceError> {
        let user = access_rules::require_person(actor, "guardar un perfil de talento")?;
        let input = rules::check_profile(input)?;
        self.check_competencies(&input.competencies).await?;
        let now = Utc::now();
        let transaction = self.db.begin().await?;
        let existing =
            profile::Entity::find().filter(profile::Column::UserId.eq(user.id)).one(&transaction).await?;
        let is_new = existing.is_none();
        let mut row: profile::ActiveModel = match existing {
            Some(row) => row.into(),
            None => profile::ActiveModel {
                id: Set(Uuid::new_v4()),
                user_id: Set(user.id),
                created_at: Set(now),
                ..Default::default()
            },
        };
        row.education = Set(input.education);
        row.experience_months = Set(input.experience_months);
        row.experience_summary = Set(input.experience_summary);
        row.competencies = Set(input.competencies.join(","));
        row.levels = Set(input.levels.iter().map(|level| level.as_db()).collect::<Vec<_>>().join(","));
        row.departments = Set(input.departments.join(","));
        row.home_department = Set(input.home_department);
        row.willing_to_relocate = Set(input.willing_to_relocate);
        row.lives_abroad = Set(input.lives_abroad);
        row.show_name = Set(input.visibility.name);
        row.show_contact = Set(input.visibility.contact);
        row.show_education = Set(input.visibility.education);
        row.show_experience = Set(input.visibility.experience);
        // Each save renews the consent: its text and the moment it was given.
        row.consent_text = Set(rules::CONSENT_TEXT.to_owned());
        row.consent_at = Set(now);
        row.updated_at = Set(now);
        let saved = if is_new { row.insert(&transaction).await? } else { row.update(&transaction).await? };
        // The audit says that it happened and when; what the person wrote stays out of it.
        audit::record(
            &transaction,
            actor,
            Change::new(
                if is_new { "create_profile" } else { "update_profile" },
                "talent_profile",
                &saved.id.to_string(),
            )
            .after(&serde_json::json!({ "consent": "Ley 1581 de 2012", "consentAt": now })),
        )
        .await?;
        transaction.commit().await?;
        Ok(saved.into())
    }

    /// The open vacancies that match the caller's profile, best first.
    #[tracing::instrument(name = "talent.my_matches", skip_all)]
    pub async fn my_matches(
        &self,
        actor: &Actor,
        first: usize,
    ) -> Result<Vec<(Vacancy, Score)>, ServiceError> {
        let user = access_rules::require_person(actor, "consultar sus coincidencias")?;
        let Some(own) = self.own_profile(user).await? else { return Ok(Vec::new()) };
        let own = Profile::from(own);
        let open = self.filtered(&VacancyFilter { open_only: true, ..Default::default() }).await?;
        let mut found: Vec<(Vacancy, Score)> = open
            .into_iter()
            .map(|vacancy| (rules::score(&vacancy, &own), vacancy))
            .map(|(s, v)| (v, s))
            .collect();
        found.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.0.closing_on.cmp(&b.0.closing_on)));
        found.truncate(first);
        Ok(found)
    }

    /// A vacancy of the caller's own entity, whose people it may see; the
    /// one answer for missing and not theirs. Only the entity's team: an
    /// administrator manages vacancies but sees no one's personal data.
    async fn own_entity_vacancy(&self, user: &AuthUser, id: Uuid) -> Result<vacancy::Model, ServiceError> {
        let not_found = || ServiceError::NotFound(NO_VACANCY.into());
        let row = vacancy::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(not_found)?;
        let department = (row.entity_code.len() == 5).then_some(row.department_code.as_str());
        if !access_rules::may_write_for_entity(user, &row.entity_code, department) {
            return Err(not_found());
        }
        Ok(row)
    }

    /// What an entity may see of people: only the fields each agreed to show.
    async fn candidates(&self, profiles: &[Profile]) -> Result<HashMap<Uuid, Candidate>, ServiceError> {
        let ids: Vec<Uuid> = profiles.iter().map(|p| p.user_id).collect();
        let accounts: HashMap<Uuid, _> =
            self.access.person_accounts(&ids).await?.into_iter().map(|a| (a.id, a)).collect();
        Ok(profiles
            .iter()
            .map(|p| {
                let account = accounts.get(&p.user_id);
                let shown = p.visibility;
                (
                    p.id,
                    Candidate {
                        name: account.filter(|_| shown.name).map(|a| a.name.clone()),
                        email: account.filter(|_| shown.contact).map(|a| a.email.clone()),
                        education: shown.education.then(|| p.education.clone()),
                        experience_summary: shown.experience.then(|| p.experience_summary.clone()),
                        experience_months: p.experience_months,
                        competencies: p.competencies.clone(),
                        lives_abroad: p.lives_abroad,
                    },
                )
            })
            .collect())
    }

    /// The people who match one of the caller's own open vacancies, best
    /// first: a shortlist above a least score, never a directory.
    #[tracing::instrument(name = "talent.vacancy_candidates", skip_all)]
    pub async fn vacancy_candidates(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Vec<(Candidate, Score)>, ServiceError> {
        let user = access_rules::require_user(actor, "consultar candidatos")?;
        let vacancy = today_view(self.own_entity_vacancy(user, id).await?);
        if vacancy.status != VacancyStatus::Open {
            return Err(ServiceError::Conflict("solo una vacante abierta muestra candidatos".into()));
        }
        let profiles: Vec<Profile> =
            profile::Entity::find().all(&self.db).await?.into_iter().map(Profile::from).collect();
        let mut scored: Vec<(Profile, Score)> = profiles
            .into_iter()
            .map(|p| {
                let score = rules::score(&vacancy, &p);
                (p, score)
            })
            .filter(|(_, score)| score.score >= rules::MIN_CANDIDATE_SCORE)
            .collect();
        scored.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
        scored.truncate(rules::MAX_CANDIDATES);
        let shortlisted: Vec<Profile> = scored.iter().map(|(p, _)| p.clone()).collect();
        let mut shown = self.candidates(&shortlisted).await?;
        Ok(scored.into_iter().filter_map(|(p, score)| shown.remove(&p.id).map(|c| (c, score))).collect())
    }

    /// The caller applies to an open vacancy with their profile.
    #[tracing::instrument(name = "talent.apply", skip_all)]
    pub async fn apply(&self, actor: &Actor, vacancy_id: Uuid) -> Result<Application, ServiceError> {
        let user = access_rules::require_person(actor, "postularse a vacantes")?;
        let own = self
            .own_profile(user)
            .await?
            .ok_or_else(|| ServiceError::invalid("cree primero su perfil de talento, con su autorización"))?;
        let vacancy =
            self.vacancy(vacancy_id).await?.ok_or_else(|| ServiceError::NotFound(NO_VACANCY.into()))?;
        if vacancy.status != VacancyStatus::Open {
            return Err(ServiceError::Conflict(format!(
                "la vacante está cerrada (cerró el {}): ya no recibe postulaciones",
                vacancy.closing_on
            )));
        }
        let now = Utc::now();
        let transaction = self.db.begin().await?;
        let row = application::ActiveModel {
            id: Set(Uuid::new_v4()),
            vacancy_id: Set(vacancy_id),
            profile_id: Set(own.id),
            stage: Set(Stage::Received.as_db().to_owned()),
            applied_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&transaction)
        .await
        .map_err(|error| match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                ServiceError::Conflict("ya se postuló a esta vacante".into())
            }
            _ => error.into(),
        })?;
        let created = Application::from(row);
        audit::record(
            &transaction,
            actor,
            Change::new("apply", "talent_application", &created.id.to_string())
                .after(&serde_json::json!({ "vacancyId": vacancy_id, "stage": "RECEIVED" })),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    /// The caller's applications, newest first, with their vacancies.
    #[tracing::instrument(name = "talent.my_applications", skip_all)]
    pub async fn my_applications(&self, actor: &Actor) -> Result<Vec<Application>, ServiceError> {
        let user = access_rules::require_person(actor, "consultar sus postulaciones")?;
        let Some(own) = self.own_profile(user).await? else { return Ok(Vec::new()) };
        let rows = application::Entity::find()
            .filter(application::Column::ProfileId.eq(own.id))
            .order_by_desc(application::Column::AppliedAt)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(Application::from).collect())
    }

    /// The applicants to one of the caller's vacancies, each with what they
    /// chose to show and how well they match.
    #[tracing::instrument(name = "talent.vacancy_applications", skip_all)]
    pub async fn vacancy_applications(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Vec<Applicant>, ServiceError> {
        let user = access_rules::require_user(actor, "consultar postulaciones")?;
        let vacancy = today_view(self.own_entity_vacancy(user, id).await?);
        let rows = application::Entity::find()
            .filter(application::Column::VacancyId.eq(id))
            .order_by_asc(application::Column::AppliedAt)
            .all(&self.db)
            .await?;
        let profile_ids: Vec<Uuid> = rows.iter().map(|row| row.profile_id).collect();
        let profiles: HashMap<Uuid, Profile> = profile::Entity::find()
            .filter(profile::Column::Id.is_in(profile_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| (row.id, Profile::from(row)))
            .collect();
        let listed: Vec<Profile> = profiles.values().cloned().collect();
        let mut shown = self.candidates(&listed).await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let profile = profiles.get(&row.profile_id)?;
                let candidate = shown.remove(&row.profile_id)?;
                Some(Applicant { score: rules::score(&vacancy, profile), candidate, application: row.into() })
            })
            .collect())
    }

    /// The vacancy's entity moves an application along; hiring fills the
    /// vacancy and keeps, as facts of the vacancy, whether the person was of
    /// the region and came back from abroad.
    #[tracing::instrument(name = "talent.set_application_stage", skip_all)]
    pub async fn set_application_stage(
        &self,
        actor: &Actor,
        id: Uuid,
        stage: Stage,
    ) -> Result<Application, ServiceError> {
        let user = access_rules::require_user(actor, "mover postulaciones")?;
        let not_found = || ServiceError::NotFound(NO_APPLICATION.into());
        let row = application::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(not_found)?;
        let vacancy_row =
            vacancy::Entity::find_by_id(row.vacancy_id).one(&self.db).await?.ok_or_else(not_found)?;
        check_manages(user, &vacancy_row).map_err(|_| not_found())?;
        let before = Application::from(row.clone());
        rules::check_stage_move(before.stage, stage, false)?;
        if stage == Stage::Hired && vacancy_row.status == VacancyStatus::Filled.as_db() {
            return Err(ServiceError::Conflict("la vacante ya fue provista".into()));
        }
        let now = Utc::now();
        let transaction = self.db.begin().await?;
        let mut changed: application::ActiveModel = row.into();
        changed.stage = Set(stage.as_db().to_owned());
        changed.updated_at = Set(now);
        let after = Application::from(changed.update(&transaction).await?);
        if stage == Stage::Hired {
            let hired = profile::Entity::find_by_id(after.profile_id)
                .one(&transaction)
                .await?
                .ok_or_else(not_found)?;
            let same_region = hired.home_department.as_deref() == Some(vacancy_row.department_code.as_str());
            let mut filled: vacancy::ActiveModel = vacancy_row.clone().into();
            filled.status = Set(VacancyStatus::Filled.as_db().to_owned());
            filled.filled_at = Set(Some(now));
            filled.filled_same_region = Set(Some(same_region));
            filled.filled_returnee = Set(Some(hired.lives_abroad));
            filled.updated_at = Set(now);
            filled.update(&transaction).await?;
            audit::record(
                &transaction,
                actor,
                Change::new("fill_vacancy", "talent_vacancy", &vacancy_row.id.to_string())
                    .after(&serde_json::json!({ "status": "FILLED" })),
            )
            .await?;
            crate::outbox::record(&transaction, search_index::Kind::Vacancy, &vacancy_row.id.to_string())
                .await?;
        }
        audit::record(
            &transaction,
            actor,
            Change::new("set_application_stage", "talent_application", &id.to_string())
                .before(&serde_json::json!({ "stage": before.stage }))
                .after(&serde_json::json!({ "stage": after.stage })),
        )
        .await?;
        transaction.commit().await?;
        if stage == Stage::Hired {
            self.outbox.committed();
        }
        Ok(after)
    }

    /// The person withdraws one of their applications.
    #[tracing::instrument(name = "talent.withdraw_application", skip_all)]
    pub async fn withdraw_application(&self, actor: &Actor, id: Uuid) -> Result<Application, ServiceError> {
        let user = access_rules::require_person(actor, "retirar postulaciones")?;
        let not_found = || ServiceError::NotFound(NO_APPLICATION.into());
        let own = self.own_profile(user).await?.ok_or_else(not_found)?;
        let row = application::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .filter(|row| row.profile_id == own.id)
            .ok_or_else(not_found)?;
        let before = Application::from(row.clone());
        rules::check_stage_move(before.stage, Stage::Withdrawn, true)?;
        let transaction = self.db.begin().await?;
        let mut changed: application::ActiveModel = row.into();
        changed.stage = Set(Stage::Withdrawn.as_db().to_owned());
        changed.updated_at = Set(Utc::now());
        let after = Application::from(changed.update(&transaction).await?);
        audit::record(
            &transaction,
            actor,
            Change::new("withdraw_application", "talent_application", &id.to_string())
                .before(&serde_json::json!({ "stage": before.stage }))
                .after(&serde_json::json!({ "stage": after.stage })),
        )
        .await?;
        transaction.commit().await?;
        Ok(after)
    }

    /// Everything the platform holds about the caller, as JSON (Ley 1581,
    /// right of access): account, profile with its consent, applications.
    #[tracing::instrument(name = "talent.export_my_data", skip_all)]
    pub async fn export_my_data(&self, actor: &Actor) -> Result<serde_json::Value, ServiceError> {
        let user = access_rules::require_person(actor, "exportar sus datos")?;
        let account = self.access.person_account(user.id).await?;
        let own = self.own_profile(user).await?.map(Profile::from);
        let applications = self.my_applications(actor).await?;
        let vacancy_ids: Vec<Uuid> = applications.iter().map(|a| a.vacancy_id).collect();
        let vacancies: HashMap<Uuid, Vacancy> =
            self.vacancies_by_id(&vacancy_ids).await?.into_iter().map(|v| (v.id, v)).collect();
        let applications: Vec<serde_json::Value> = applications
            .iter()
            .map(|a| {
                let vacancy = vacancies.get(&a.vacancy_id);
                serde_json::json!({
                    "id": a.id, "stage": a.stage, "appliedAt": a.applied_at, "updatedAt": a.updated_at,
                    "vacancy": vacancy.map(|v| serde_json::json!({ "id": v.id, "post": v.post, "entityCode": v.entity_code })),
                })
            })
            .collect();
        Ok(serde_json::json!({
            "exportedAt": Utc::now(),
            "legalBasis": "Ley 1581 de 2012, artículo 8 (derecho a conocer los datos)",
            "account": account,
            "profile": own,
            "applications": applications,
        }))
    }

    /// Deletes everything about the caller for good: applications, profile,
    /// account and sessions. The audit keeps that it happened (who by id,
    /// when), not what was deleted.
    #[tracing::instrument(name = "talent.delete_my_data", skip_all)]
    pub async fn delete_my_data(&self, actor: &Actor) -> Result<chrono::DateTime<Utc>, ServiceError> {
        let user = access_rules::require_person(actor, "eliminar sus datos")?;
        let transaction = self.db.begin().await?;
        let own =
            profile::Entity::find().filter(profile::Column::UserId.eq(user.id)).one(&transaction).await?;
        let mut applications = 0;
        if let Some(own) = &own {
            applications = application::Entity::delete_many()
                .filter(application::Column::ProfileId.eq(own.id))
                .exec(&transaction)
                .await?
                .rows_affected;
            profile::Entity::delete_by_id(own.id).exec(&transaction).await?;
        }
        let email = self.access.erase_person_in(&transaction, user.id).await?;
        let now = Utc::now();
        audit::record(
            &transaction,
            actor,
            Change::new("erase_personal_data", "user", &user.id.to_string()).after(&serde_json::json!({
                "erasedAt": now, "profile": own.is_some(), "applications": applications,
                "legalBasis": "Ley 1581 de 2012, artículo 8 (supresión)",
            })),
        )
        .await?;
        transaction.commit().await?;
        self.access.person_erased(&email);
        Ok(now)
    }
}
