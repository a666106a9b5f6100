//! The consultation service: opening threads about a subject, posting
//! messages, read marks and unread counts, and the response-time indicator.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    entity::prelude::*, sea_query::OnConflict, ActiveValue::Set, ConnectionTrait, DatabaseConnection,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use super::{
    model::{message, read_mark, thread, Message, PostedMessage, Side, SubjectKind, Thread},
    rules::{self, ResponseTime, ThreadTiming},
};
use crate::{
    assistance::{model::OfferStatus, AssistanceService},
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, AuthUser, Role},
    commission::CommissionService,
    error::ServiceError,
    outbox::{self, Outbox},
    pagination::{newest_first_in_sql, Page, PageRequest},
    reporting::ReportingService,
    territory::{DivipolaCode, TerritoryService},
};

/// Knowledge-base documents one message may attach.
const MAX_ATTACHMENTS: usize = 5;

#[derive(Clone)]
pub struct ConsultationService {
    db: DatabaseConnection,
    territory: TerritoryService,
    assistance: AssistanceService,
    reporting: ReportingService,
    commission: CommissionService,
    outbox: Outbox,
}

/// A new thread with its first message.
#[derive(Debug, Clone)]
pub struct NewThread {
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    /// The territorial entity; a territorial user may omit it for its own.
    pub entity_code: Option<String>,
    pub title: String,
    pub body: String,
    pub documents: Vec<Uuid>,
}

use crate::text::required as text;

/// A sort key that lists the most recent activity first.
pub fn recency_key(thread: &Thread) -> String {
    crate::pagination::newest_first_key(thread.last_message_at, thread.id)
}

pub fn message_key(message: &Message) -> String {
    format!("{:020}|{}", message.created_at.timestamp_micros(), message.id)
}

impl ConsultationService {
    pub fn new(
        db: DatabaseConnection,
        territory: TerritoryService,
        assistance: AssistanceService,
        reporting: ReportingService,
        commission: CommissionService,
        outbox: Outbox,
    ) -> Self {
        Self { db, territory, assistance, reporting, commission, outbox }
    }

    /// The national entity behind a subject, and a title for it.
    async fn subject_owner(&self, kind: SubjectKind, id: &str) -> Result<(String, String), ServiceError> {
        let missing = || ServiceError::invalid(format!("no existe {} «{id}»", subject_label(kind)));
        match kind {
            SubjectKind::Offer => {
                let id = Uuid::parse_str(id.trim()).map_err(|_| missing())?;
                let offer = self.assistance.offer(id).await?.ok_or_else(missing)?;
                if !matches!(offer.status, OfferStatus::Published | OfferStatus::Closed) {
                    return Err(missing());
                }
                Ok((offer.organisation_code, offer.id.to_string()))
            }
            SubjectKind::Requirement => {
                let requirement =
                    self.reporting.catalogue.requirement(&self.db, id).await?.ok_or_else(missing)?;
                Ok((requirement.issuer_code, requirement.code))
            }
            SubjectKind::Commitment => {
                let id = Uuid::parse_str(id.trim()).map_err(|_| missing())?;
                let commitment =
                    self.commission.commitments_by_id(&[id]).await?.into_iter().next().ok_or_else(missing)?;
                Ok((commitment.responsible_code, commitment.id.to_string()))
            }
        }
    }

    async fn department_of(&self, entity_code: &str) -> Result<Option<String>, ServiceError> {
        let code = DivipolaCode::parse(entity_code)?;
        Ok(self.territory.find(&code).await?.and_then(|e| e.department_code))
    }

    async fn check_documents(
        &self,
        connection: &impl ConnectionTrait,
        documents: &[Uuid],
    ) -> Result<(), ServiceError> {
        if documents.len() > MAX_ATTACHMENTS {
            return Err(ServiceError::invalid(format!(
                "un mensaje adjunta como máximo {MAX_ATTACHMENTS} documentos"
            )));
        }
        if let Some(missing) = crate::knowledge::service::unavailable(connection, documents).await?.first() {
            return Err(ServiceError::invalid(format!(
                "el documento {missing} no está en la base de conocimiento (o está archivado)"
            )));
        }
        Ok(())
    }

    /// Opens a thread about a subject, between a territorial entity and the
    /// national entity behind the subject, with its first message.
    #[tracing::instrument(name = "consultation.open", skip_all)]
    pub async fn open(&self, actor: &Actor, new: NewThread) -> Result<(Thread, Message), ServiceError> {
        let user = access_rules::require_user(actor, "abrir consultas")?;
        let (organisation_code, subject_id) = self.subject_owner(new.subject_kind, &new.subject_id).await?;
        let entity_code = match (new.entity_code.as_deref(), user.role) {
            (Some(code), _) => DivipolaCode::parse(code)?.as_str().to_owned(),
            (None, Role::Territorial) => user.entity_code.clone().unwrap_or_default(),
            (None, _) => {
                return Err(ServiceError::invalid(
                    "indique la entidad territorial con la que abre la consulta («entityCode»)",
                ))
            }
        };
        let entity = self.territory.find(&DivipolaCode::parse(&entity_code)?).await?.ok_or_else(|| {
            ServiceError::invalid(format!("no existe la entidad territorial «{entity_code}»"))
        })?;
        let side = rules::side_of(user, &entity.code, entity.department_code.as_deref(), &organisation_code)
            .ok_or(ServiceError::Forbidden(
                "abrir consultas de otra entidad o sobre lo que otra organización ofrece",
            ))?;
        let title = text(&new.title, "title", 200)?;
        let body = text(&new.body, "body", 4_000)?;
        let transaction = self.db.begin().await?;
        self.check_documents(&transaction, &new.documents).await?;
        let now = Utc::now();
        let row = thread::ActiveModel {
            id: Set(Uuid::now_v7()),
            entity_code: Set(entity.code.clone()),
            organisation_code: Set(organisation_code),
            subject_kind: Set(new.subject_kind.as_db().to_owned()),
            subject_id: Set(subject_id),
            title: Set(title),
            opened_by: Set(side.as_db().to_owned()),
            created_by: Set(Some(user.id)),
            created_at: Set(now),
            last_message_at: Set(now),
            first_answer_at: Set(None),
        }
        .insert(&transaction)
        .await?;
        let opened = Thread::from(row);
        audit::record(
            &transaction,
            actor,
            Change::new("open_consultation", "consultation_thread", &opened.id.to_string()).after(&opened),
        )
        .await?;
        let first =
            self.insert_message(&transaction, actor, user, &opened, side, body, &new.documents).await?;
        transaction.commit().await?;
        self.outbox.committed();
        Ok((opened, first))
    }

    /// Posts a message in a thread the user is a party to.
    #[tracing::instrument(name = "consultation.post", skip_all)]
    pub async fn post(
        &self,
        actor: &Actor,
        thread_id: Uuid,
        body: &str,
        documents: &[Uuid],
    ) -> Result<Message, ServiceError> {
        let user = access_rules::require_user(actor, "escribir en la sala de consulta")?;
        let body = text(body, "body", 4_000)?;
        // The side before the transaction: it reads the register, which may
        // take a connection of its own, and a transaction waiting on another
        // connection can starve the pool. A thread's parties never change.
        let side = self.side(user, &self.thread_row(&self.db, thread_id).await?).await?;
        let transaction = self.db.begin().await?;
        let found = self.thread_row(&transaction, thread_id).await?;
        self.check_documents(&transaction, documents).await?;
        let posted = self.insert_message(&transaction, actor, user, &found, side, body, documents).await?;
        let answers_first =
            found.opened_by == Side::Territorial && side == Side::National && found.first_answer_at.is_none();
        thread::ActiveModel {
            id: Set(found.id),
            last_message_at: Set(posted.created_at),
            first_answer_at: Set(if answers_first { Some(posted.created_at) } else { found.first_answer_at }),
            ..Default::default()
        }
        .update(&transaction)
        .await?;
        transaction.commit().await?;
        self.outbox.committed();
        Ok(posted)
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_message(
        &self,
        connection: &impl ConnectionTrait,
        actor: &Actor,
        user: &AuthUser,
        thread: &Thread,
        side: Side,
        body: String,
        documents: &[Uuid],
    ) -> Result<Message, ServiceError> {
        let row = message::ActiveModel {
            id: Set(Uuid::now_v7()),
            thread_id: Set(thread.id),
            author_id: Set(Some(user.id)),
            author_label: Set(format!("{} ({})", user.name, user.email)),
            side: Set(side.as_db().to_owned()),
            body: Set(body),
            documents: Set(serde_json::json!(documents)),
            created_at: Set(Utc::now()),
        }
        .insert(connection)
        .await?;
        let posted = Message::from(row);
        audit::record(
            connection,
            actor,
            Change::new("post_consultation_message", "consultation_message", &posted.id.to_string())
                .after(&posted),
        )
        .await?;
        self.mark(connection, thread.id, user.id).await?;
        outbox::record_message(connection, posted.id).await?;
        Ok(posted)
    }

    async fn mark(
        &self,
        connection: &impl ConnectionTrait,
        thread_id: Uuid,
        user_id: Uuid,
    ) -> Result<(), ServiceError> {
        read_mark::Entity::insert(read_mark::ActiveModel {
            thread_id: Set(thread_id),
            user_id: Set(user_id),
            last_read_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([read_mark::Column::ThreadId, read_mark::Column::UserId])
                .update_column(read_mark::Column::LastReadAt)
                .to_owned(),
        )
        .exec(connection)
        .await?;
        Ok(())
    }

    /// The user has read the thread up to now.
    #[tracing::instrument(name = "consultation.mark_read", skip_all)]
    pub async fn mark_read(&self, actor: &Actor, thread_id: Uuid) -> Result<Thread, ServiceError> {
        let user = access_rules::require_user(actor, "leer la sala de consulta")?;
        let found = self.thread_row(&self.db, thread_id).await?;
        self.side(user, &found).await?;
        self.mark(&self.db, thread_id, user.id).await?;
        Ok(found)
    }

    async fn thread_row(&self, connection: &impl ConnectionTrait, id: Uuid) -> Result<Thread, ServiceError> {
        thread::Entity::find_by_id(id)
            .one(connection)
            .await?
            .map(Thread::from)
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la consulta {id}")))
    }

    async fn side(&self, user: &AuthUser, thread: &Thread) -> Result<Side, ServiceError> {
        let department = self.department_of(&thread.entity_code).await?;
        rules::side_of(user, &thread.entity_code, department.as_deref(), &thread.organisation_code)
            .ok_or(ServiceError::Forbidden("leer o escribir en consultas de otras entidades"))
    }

    /// One thread, for its parties.
    pub async fn thread(&self, actor: &Actor, id: Uuid) -> Result<Thread, ServiceError> {
        let user = access_rules::require_user(actor, "leer la sala de consulta")?;
        let found = self.thread_row(&self.db, id).await?;
        self.side(user, &found).await?;
        Ok(found)
    }

    /// The threads the user is a party to, the most recent activity first.
    #[tracing::instrument(name = "consultation.threads", skip_all)]
    pub async fn threads(&self, actor: &Actor, page: &PageRequest) -> Result<Page<Thread>, ServiceError> {
        let user = access_rules::require_user(actor, "leer la sala de consulta")?;
        let mut query = thread::Entity::find();
        query = match (user.role, user.entity_code.as_deref(), user.organisation_code.as_deref()) {
            (Role::Territorial, Some(entity), _) if entity.len() == 2 => {
                let municipalities: Vec<String> = self
                    .territory
                    .municipal_units_of(&[entity.to_owned()])
                    .await?
                    .into_values()
                    .flatten()
                    .map(|e| e.code)
                    .chain(std::iter::once(entity.to_owned()))
                    .collect();
                query.filter(thread::Column::EntityCode.is_in(municipalities))
            }
            (Role::Territorial, Some(entity), _) => query.filter(thread::Column::EntityCode.eq(entity)),
            (Role::National | Role::Secretariat, _, Some(organisation)) => {
                query.filter(thread::Column::OrganisationCode.eq(organisation))
            }
            _ => return Ok(Page { items: Vec::new(), has_next_page: false, total_count: 0 }),
        };
        // Paged in SQL under the cursors of `recency_key`: a national entity
        // may be party to tens of thousands of threads.
        let (at, id) = (thread::Column::LastMessageAt, thread::Column::Id);
        Ok(newest_first_in_sql(&self.db, query, at, id, page).await?.map(Thread::from))
    }

    /// The messages of many threads in one query (the DataLoader's batch), each oldest first.
    #[tracing::instrument(name = "consultation.messages_of", skip_all, fields(threads = thread_ids.len()))]
    pub async fn messages_of(
        &self,
        thread_ids: &[Uuid],
    ) -> Result<HashMap<Uuid, Vec<Message>>, ServiceError> {
        let rows = message::Entity::find()
            .filter(message::Column::ThreadId.is_in(thread_ids.iter().copied()))
            .order_by_asc(message::Column::CreatedAt)
            .order_by_asc(message::Column::Id)
            .all(&self.db)
            .await?;
        let mut by_thread: HashMap<Uuid, Vec<Message>> = HashMap::new();
        for row in rows {
            by_thread.entry(row.thread_id).or_default().push(Message::from(row));
        }
        Ok(by_thread)
    }

    /// Messages of others the user has not read yet, per thread.
    pub async fn unread_counts(
        &self,
        user_id: Uuid,
        threads: &[Uuid],
    ) -> Result<HashMap<Uuid, u64>, ServiceError> {
        let marks: HashMap<Uuid, chrono::DateTime<Utc>> = read_mark::Entity::find()
            .filter(read_mark::Column::UserId.eq(user_id))
            .filter(read_mark::Column::ThreadId.is_in(threads.iter().copied()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|mark| (mark.thread_id, mark.last_read_at))
            .collect();
        let mut counts: HashMap<Uuid, u64> = threads.iter().map(|id| (*id, 0)).collect();
        for row in message::Entity::find()
            .filter(message::Column::ThreadId.is_in(threads.iter().copied()))
            .all(&self.db)
            .await?
        {
            let read = marks.get(&row.thread_id).is_some_and(|at| row.created_at <= *at);
            if !read && row.author_id != Some(user_id) {
                *counts.entry(row.thread_id).or_default() += 1;
            }
        }
        Ok(counts)
    }

    /// Time to a first answer per national entity (public accountability).
    #[tracing::instrument(name = "consultation.response_times", skip_all)]
    pub async fn response_times(&self) -> Result<Vec<ResponseTime>, ServiceError> {
        // Only the four columns the rule reads, of the threads it counts: at
        // national scale the subjects and the rest weigh most of the read.
        let rows: Vec<(String, String, DateTimeUtc, Option<DateTimeUtc>)> = thread::Entity::find()
            .select_only()
            .columns([
                thread::Column::OrganisationCode,
                thread::Column::OpenedBy,
                thread::Column::CreatedAt,
                thread::Column::FirstAnswerAt,
            ])
            .filter(thread::Column::OpenedBy.eq(Side::Territorial.as_db()))
            .into_tuple()
            .all(&self.db)
            .await?;
        let timings: Vec<ThreadTiming> = rows
            .into_iter()
            .map(|(organisation_code, opened_by, created_at, first_answer_at)| ThreadTiming {
                organisation_code,
                opened_by: Side::from_db(&opened_by),
                created_at,
                first_answer_at,
            })
            .collect();
        Ok(rules::response_times(&timings))
    }

    /// Messages by id with who may hear them (the outbox tail's announcements).
    pub async fn posted(&self, ids: &[Uuid]) -> Result<Vec<PostedMessage>, ServiceError> {
        let messages = message::Entity::find()
            .filter(message::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?;
        let threads: HashMap<Uuid, thread::Model> = thread::Entity::find()
            .filter(thread::Column::Id.is_in(messages.iter().map(|m| m.thread_id)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let codes: Vec<String> = threads.values().map(|t| t.entity_code.clone()).collect();
        let entities = self.territory.find_many(&codes).await?;
        Ok(messages
            .into_iter()
            .filter_map(|row| {
                let thread = threads.get(&row.thread_id)?;
                Some(PostedMessage {
                    entity_department: entities
                        .get(&thread.entity_code)
                        .and_then(|e| e.department_code.clone()),
                    entity_code: thread.entity_code.clone(),
                    organisation_code: thread.organisation_code.clone(),
                    message: Message::from(row),
                })
            })
            .collect())
    }
}

fn subject_label(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::Offer => "la oferta publicada",
        SubjectKind::Requirement => "el requerimiento",
        SubjectKind::Commitment => "el compromiso",
    }
}
