//! Commitments born in sessions and their follow-up; overdue is computed.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use uuid::Uuid;

use super::{
    entity::{commitment, commitment_note},
    model::{Commitment, CommitmentStatus},
    rules,
    service::{required_text, CommissionService, SECRETARIAT_ONLY},
};
use crate::{
    access::{
        audit::{self, Change},
        rules as access_rules, Actor, Role,
    },
    error::ServiceError,
    pagination::{Page, PageRequest},
    search::outbox,
};

/// A commitment filter, already validated.
#[derive(Debug, Clone, Default)]
pub struct CommitmentFilter {
    pub status: Option<CommitmentStatus>,
    pub responsible_code: Option<String>,
    pub overdue: Option<bool>,
}

fn commitment_from(row: commitment::Model, today: NaiveDate) -> Commitment {
    let recorded = CommitmentStatus::from_db(&row.status).unwrap_or(CommitmentStatus::Pending);
    Commitment {
        id: row.id,
        session_id: row.session_id,
        work_plan_item_id: row.work_plan_item_id,
        description: row.description,
        responsible_code: row.responsible_code,
        due_date: row.due_date,
        recorded_status: recorded,
        status: rules::effective_status(recorded, row.due_date, today),
        updated_at: row.updated_at,
        completed_at: row.completed_at,
    }
}

/// Overdue is judged on the Colombian date, not the server's.
fn today() -> NaiveDate {
    crate::bogota_time::today()
}

impl CommissionService {
    /// A commitment born in a session, with its responsible entity and due date.
    #[tracing::instrument(name = "commission.add_commitment", skip_all)]
    pub async fn add_commitment(
        &self,
        actor: &Actor,
        session_id: Uuid,
        description: &str,
        responsible_code: &str,
        due_date: NaiveDate,
        work_plan_item_id: Option<Uuid>,
    ) -> Result<Commitment, ServiceError> {
        access_rules::require_role(actor, &[Role::Secretariat], SECRETARIAT_ONLY)?;
        let description = required_text(description, "description", 2_000)?;
        let responsible = responsible_code.trim().to_uppercase();
        if !crate::access::AccessService::organisation_exists(&self.db, &responsible).await? {
            return Err(ServiceError::invalid(format!("no existe la organización «{responsible}»")));
        }
        if let Some(item) = work_plan_item_id {
            if super::entity::work_plan_item::Entity::find_by_id(item).one(&self.db).await?.is_none() {
                return Err(ServiceError::invalid("no existe esa línea del plan de trabajo"));
            }
        }
        let transaction = self.db.begin().await?;
        let session = self.open_session(&transaction, session_id).await?;
        if due_date < session.scheduled_at.date_naive() {
            return Err(ServiceError::invalid("la fecha de cumplimiento es anterior a la sesión"));
        }
        let now = Utc::now();
        let row = commitment::ActiveModel {
            id: Set(Uuid::now_v7()),
            session_id: Set(session_id),
            work_plan_item_id: Set(work_plan_item_id),
            description: Set(description),
            responsible_code: Set(responsible),
            due_date: Set(due_date),
            status: Set(CommitmentStatus::Pending.as_db().to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
            completed_at: Set(None),
        }
        .insert(&transaction)
        .await?;
        let created = commitment_from(row, today());
        audit::record(
            &transaction,
            actor,
            Change::new("add_commitment", "commitment", &created.id.to_string()).after(&created),
        )
        .await?;
        outbox::record_commitment(&transaction, created.id).await?;
        transaction.commit().await?;
        self.outbox.committed();
        Ok(created)
    }

    /// Progress on a commitment: by the secretariat, or by the responsible entity's users.
    #[tracing::instrument(name = "commission.update_commitment", skip_all)]
    pub async fn update_commitment(
        &self,
        actor: &Actor,
        id: Uuid,
        status: Option<CommitmentStatus>,
        note: Option<&str>,
        evidence_url: Option<&str>,
    ) -> Result<Commitment, ServiceError> {
        let user = access_rules::require_user(actor, "actualizar compromisos")?;
        if status == Some(CommitmentStatus::Overdue) {
            return Err(ServiceError::invalid("«vencido» se calcula con la fecha: no se asigna"));
        }
        let transaction = self.db.begin().await?;
        let row = commitment::Entity::find_by_id(id)
            .one(&transaction)
            .await?
            .ok_or_else(|| ServiceError::NotFound("no existe ese compromiso".into()))?;
        let responsible_user = user.organisation_code.as_deref() == Some(row.responsible_code.as_str())
            && matches!(user.role, Role::National | Role::Secretariat);
        if user.role != Role::Secretariat && !responsible_user {
            return Err(ServiceError::Forbidden("actualizar compromisos de otra entidad"));
        }
        let note = note.map(|n| required_text(n, "note", 4_000)).transpose()?;
        let evidence = evidence_url.map(str::trim).filter(|u| !u.is_empty());
        if evidence.is_some_and(|url| {
            !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 1_000
        }) {
            return Err(ServiceError::invalid(
                "la evidencia debe ser un enlace http(s) de hasta 1.000 caracteres",
            ));
        }
        if status.is_none() && note.is_none() {
            return Err(ServiceError::invalid("indique un nuevo estado, una nota de avance o ambos"));
        }
        let before = commitment_from(row.clone(), today());
        let mut changed: commitment::ActiveModel = row.into();
        if let Some(status) = status {
            changed.status = Set(status.as_db().to_owned());
            // Remembered so a quarter's report knows what was still open at its end.
            if status != CommitmentStatus::Done {
                changed.completed_at = Set(None);
            } else if before.recorded_status != CommitmentStatus::Done {
                changed.completed_at = Set(Some(Utc::now()));
            }
        }
        changed.updated_at = Set(Utc::now());
        let after = commitment_from(changed.update(&transaction).await?, today());
        if let Some(note) = note {
            commitment_note::ActiveModel {
                id: Set(Uuid::now_v7()),
                commitment_id: Set(id),
                note: Set(note),
                evidence_url: Set(evidence.map(str::to_owned)),
                author_label: Set(actor.label()),
                created_at: Set(Utc::now()),
            }
            .insert(&transaction)
            .await?;
        }
        audit::record(
            &transaction,
            actor,
            Change::new("update_commitment", "commitment", &id.to_string()).before(&before).after(&after),
        )
        .await?;
        outbox::record_commitment(&transaction, id).await?;
        transaction.commit().await?;
        self.outbox.committed();
        Ok(after)
    }

    /// Commitments by id, in one query (the outbox tail's announcements).
    pub async fn commitments_by_id(&self, ids: &[Uuid]) -> Result<Vec<Commitment>, ServiceError> {
        let today = today();
        Ok(commitment::Entity::find()
            .filter(commitment::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| commitment_from(row, today))
            .collect())
    }

    /// Commitments, oldest due first, filtered; overdue is computed today.
    #[tracing::instrument(name = "commission.commitments", skip_all)]
    pub async fn commitments(
        &self,
        filter: &CommitmentFilter,
        page: &PageRequest,
    ) -> Result<Page<Commitment>, ServiceError> {
        let mut query = commitment::Entity::find()
            .order_by_asc(commitment::Column::DueDate)
            .order_by_asc(commitment::Column::Id);
        if let Some(code) = &filter.responsible_code {
            query = query.filter(commitment::Column::ResponsibleCode.eq(code.trim().to_uppercase()));
        }
        let today = today();
        let all: Vec<(String, Commitment)> = query
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| commitment_from(row, today))
            .filter(|c| filter.status.is_none_or(|status| c.status == status))
            .filter(|c| {
                filter.overdue.is_none_or(|overdue| (c.status == CommitmentStatus::Overdue) == overdue)
            })
            .map(|c| (format!("{}|{}", c.due_date, c.id), c))
            .collect();
        let page = Page::from_sorted(all, page, |(key, _)| key.as_str());
        Ok(page.map(|(_, commitment)| commitment))
    }

    /// Commitments of many sessions (the DataLoader's batch).
    pub async fn commitments_of(
        &self,
        sessions: &[Uuid],
    ) -> Result<HashMap<Uuid, Vec<Commitment>>, ServiceError> {
        let rows = commitment::Entity::find()
            .filter(commitment::Column::SessionId.is_in(sessions.iter().copied()))
            .order_by_asc(commitment::Column::DueDate)
            .all(&self.db)
            .await?;
        let today = today();
        let mut by_session: HashMap<Uuid, Vec<Commitment>> =
            sessions.iter().map(|id| (*id, Vec::new())).collect();
        for row in rows {
            by_session.entry(row.session_id).or_default().push(commitment_from(row, today));
        }
        Ok(by_session)
    }
}

impl CommissionService {
    /// Commitments of many work-plan lines (the plan's execution).
    pub async fn commitments_of_plan_items(
        &self,
        items: &[Uuid],
    ) -> Result<HashMap<Uuid, Vec<Commitment>>, ServiceError> {
        let rows = commitment::Entity::find()
            .filter(commitment::Column::WorkPlanItemId.is_in(items.iter().copied()))
            .all(&self.db)
            .await?;
        let today = today();
        let mut by_item: HashMap<Uuid, Vec<Commitment>> = items.iter().map(|id| (*id, Vec::new())).collect();
        for row in rows {
            if let Some(item) = row.work_plan_item_id {
                by_item.entry(item).or_default().push(commitment_from(row, today));
            }
        }
        Ok(by_item)
    }
}

impl CommissionService {
    /// Commitments born in one session; or those of a quarter: born in its
    /// sessions or still open at its end.
    pub async fn commitments_for_report(
        &self,
        session: Option<Uuid>,
        quarter: Option<(i32, u32)>,
    ) -> Result<(String, Vec<Commitment>), ServiceError> {
        match (session, quarter) {
            (Some(id), None) => {
                let found = self
                    .session(id)
                    .await?
                    .ok_or_else(|| ServiceError::NotFound("no existe esa sesión".into()))?;
                let title = format!("Compromisos de la sesión del {}", found.scheduled_at.format("%Y-%m-%d"));
                Ok((title, self.commitments_of(&[id]).await?.remove(&id).unwrap_or_default()))
            }
            (None, Some((year, quarter))) => {
                let end = rules::quarter_end(year, quarter)
                    .filter(|_| (1..=4).contains(&quarter))
                    .ok_or_else(|| ServiceError::invalid("el trimestre va de 1 a 4"))?;
                let all = PageRequest { first: 100_000, after: None };
                let held_on: HashMap<Uuid, NaiveDate> = self
                    .sessions(None, &all)
                    .await?
                    .items
                    .into_iter()
                    .map(|s| (s.id, crate::bogota_time::date(s.scheduled_at)))
                    .collect();
                let in_quarter = |date: NaiveDate| date.year() == year && rules::quarter(date) == quarter;
                let today = today();
                // Born in the quarter's sessions, or still open at its end whichever
                // session created it: what the follow-up of that quarter must show.
                let mut list: Vec<Commitment> = commitment::Entity::find()
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|row| commitment_from(row, today))
                    .filter(|c| {
                        held_on.get(&c.session_id).is_some_and(|&held| {
                            let completed = c.completed_at.map(crate::bogota_time::date);
                            in_quarter(held) || rules::open_on(end, held, completed)
                        })
                    })
                    .collect();
                list.sort_by_key(|commitment| (commitment.due_date, commitment.id));
                Ok((format!("Compromisos del trimestre {quarter} de {year}"), list))
            }
            _ => Err(ServiceError::invalid(
                "indique una sesión («sessionId») o un año y un trimestre de 1 a 4, no ambos",
            )),
        }
    }
}
