//! The commission service: the secretariat convenes and documents sessions;
//! quorum, outcomes and overdue commitments are computed, never typed.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use super::{
    entity::{
        attendance, decision, delegate, participant, session, vote, working_group, working_group_member,
    },
    model::{
        AgendaItem, Decision, Delegate, GuestRequest, InviteeKind, Participant, ParticipantRole, Quorum,
        Session, SessionKind, VoteChoice,
    },
    rules,
};
use crate::{
    access::organisations::SEED,
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, Role},
    error::ServiceError,
    pagination::{Page, PageRequest},
};

/// Invitees with voice and no vote seeded from the decree (paragraph 1): the
/// associations of territorial entities. The RAP delegate, the associative
/// schemes' representative and other kinds join by the internal rules,
/// through `addParticipant` (`internal_rules`).
const INVITEES: [&str; 3] = ["FCM", "FND", "ASOCAPITALES"];
const PRESIDES: &str = "DNP";
const SECRETARIAT: &str = "DAFP";
pub(super) const SECRETARIAT_ONLY: &str =
    "administrar las sesiones de la Comisión (lo hace la secretaría técnica)";

/// A session to convene, as received.
pub struct NewSession {
    pub kind: SessionKind,
    pub scheduled_at: DateTime<Utc>,
    /// Place or link.
    pub place: String,
    pub agenda: Vec<AgendaItem>,
    /// Special invitees presented with the convocation.
    pub guest_requests: Vec<GuestRequest>,
    /// A working group's code; `None` for the commission.
    pub working_group: Option<String>,
}

/// One attendee of a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendee {
    pub organisation_code: String,
    pub role: ParticipantRole,
    pub delegate: Option<Delegate>,
}

/// One quarter of a year, for the compliance view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterCompliance {
    pub quarter: u32,
    pub ordinary: u32,
    pub extraordinary: u32,
}

#[derive(Clone)]
pub struct CommissionService {
    pub(super) db: DatabaseConnection,
    /// Woken after commitments change; every instance's tail announces them.
    pub(super) outbox: crate::outbox::Outbox,
    /// The RAP regions, whose delegate alternates in the invitee's seat.
    pub(super) territory: crate::territory::TerritoryService,
}

/// Documents one agenda item may cite: an agenda is read on one screen.
const MAX_DOCUMENTS_PER_ITEM: usize = 10;

pub(super) use crate::text::required as required_text;

fn session_from(row: session::Model) -> Session {
    Session {
        id: row.id,
        working_group_id: row.working_group_id,
        kind: SessionKind::from_db(&row.kind).unwrap_or(SessionKind::Ordinary),
        scheduled_at: row.scheduled_at,
        place: row.place,
        agenda: serde_json::from_value(row.agenda).unwrap_or_default(),
        guest_requests: serde_json::from_value(row.guest_requests).unwrap_or_default(),
        minutes: row.minutes,
        minutes_approved_at: row.minutes_approved_at,
    }
}

pub(super) fn participant_from(row: participant::Model) -> Participant {
    Participant {
        role: ParticipantRole::from_db(&row.role).unwrap_or(ParticipantRole::Invitee),
        invitee_kind: row.invitee_kind.as_deref().and_then(InviteeKind::from_db),
        organisation_code: row.organisation_code,
        presides: row.presides,
        secretariat: row.secretariat,
        rap_region_code: row.rap_region_code,
        joined_at: row.joined_at,
    }
}

fn delegate_from(row: delegate::Model) -> Delegate {
    Delegate {
        id: row.id,
        organisation_code: row.organisation_code,
        name: row.name,
        position: row.position,
        valid_from: row.valid_from,
        valid_to: row.valid_to,
    }
}

impl CommissionService {
    pub fn new(
        db: DatabaseConnection,
        outbox: crate::outbox::Outbox,
        territory: crate::territory::TerritoryService,
    ) -> Self {
        Self { db, outbox, territory }
    }

    /// The seven members with vote (DNP presides, DAFP holds the secretariat)
    /// and the invitees of the decree; kept as they are if already there.
    #[tracing::instrument(name = "commission.seed", skip_all)]
    pub async fn seed(&self) -> Result<(), ServiceError> {
        let members = SEED.iter().filter(|o| o.commission_member).map(|o| (o.code, ParticipantRole::Member));
        let invitees = INVITEES.iter().map(|code| (*code, ParticipantRole::Invitee));
        let rows = members.chain(invitees).map(|(code, role)| participant::ActiveModel {
            organisation_code: Set(code.to_owned()),
            role: Set(role.as_db().to_owned()),
            presides: Set(code == PRESIDES),
            secretariat: Set(code == SECRETARIAT),
            invitee_kind: Set((role == ParticipantRole::Invitee)
                .then(|| InviteeKind::TerritorialAssociation.as_db().to_owned())),
            rap_region_code: Set(None),
            joined_at: Set(None),
            left_at: Set(None),
        });
        participant::Entity::insert_many(rows)
            .on_conflict(OnConflict::column(participant::Column::OrganisationCode).do_nothing().to_owned())
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// The members and the invitees who sit now (not those who left their seat).
    pub async fn participants(&self) -> Result<Vec<Participant>, ServiceError> {
        let rows = participant::Entity::find()
            .filter(participant::Column::LeftAt.is_null())
            .order_by_asc(participant::Column::OrganisationCode)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(participant_from).collect())
    }

    /// Who votes in each session: the group's members in a working-group
    /// session, the commission's members with vote otherwise.
    pub async fn voters_of(&self, sessions: &[Uuid]) -> Result<HashMap<Uuid, HashSet<String>>, ServiceError> {
        let rows = session::Entity::find()
            .filter(session::Column::Id.is_in(sessions.iter().copied()))
            .all(&self.db)
            .await?;
        let group_ids: Vec<Uuid> = rows.iter().filter_map(|row| row.working_group_id).collect();
        let mut group_members: HashMap<Uuid, HashSet<String>> = HashMap::new();
        for member in working_group_member::Entity::find()
            .filter(working_group_member::Column::GroupId.is_in(group_ids))
            .all(&self.db)
            .await?
        {
            group_members.entry(member.group_id).or_default().insert(member.organisation_code);
        }
        let commission: HashSet<String> = self.members_with_vote(&self.db).await?.into_iter().collect();
        Ok(rows
            .into_iter()
            .map(|row| {
                let voters = match row.working_group_id {
                    Some(group) => group_members.get(&group).cloned().unwrap_or_default(),
                    None => commission.clone(),
                };
                (row.id, voters)
            })
            .collect())
    }

    async fn members_with_vote(
        &self,
        connection: &impl ConnectionTrait,
    ) -> Result<Vec<String>, ServiceError> {
        Ok(participant::Entity::find()
            .filter(participant::Column::Role.eq(ParticipantRole::Member.as_db()))
            .all(connection)
            .await?
            .into_iter()
            .map(|row| row.organisation_code)
            .collect())
    }

    /// Names a delegate of a participant entity, valid between two dates.
    #[tracing::instrument(name = "commission.add_delegate", skip_all)]
    pub async fn add_delegate(
        &self,
        actor: &Actor,
        organisation_code: &str,
        name: &str,
        position: &str,
        valid_from: NaiveDate,
        valid_to: Option<NaiveDate>,
    ) -> Result<Delegate, ServiceError> {
        access_rules::require_role(actor, &[Role::Secretariat], SECRETARIAT_ONLY)?;
        let code = organisation_code.trim().to_uppercase();
        let seated = participant::Entity::find_by_id(code.as_str())
            .filter(participant::Column::LeftAt.is_null())
            .one(&self.db)
            .await?;
        if seated.is_none() {
            return Err(ServiceError::invalid(format!("«{code}» no es miembro ni invitado de la Comisión")));
        }
        if valid_to.is_some_and(|to| to < valid_from) {
            return Err(ServiceError::invalid("la vigencia del delegado termina antes de empezar"));
        }
        let transaction = self.db.begin().await?;
        let row = delegate::ActiveModel {
            id: Set(Uuid::now_v7()),
            organisation_code: Set(code),
            name: Set(required_text(name, "name", 200)?),
            position: Set(required_text(position, "position", 200)?),
            valid_from: Set(valid_from),
            valid_to: Set(valid_to),
        }
        .insert(&transaction)
        .await?;
        let created = delegate_from(row);
        audit::record(
            &transaction,
            actor,
            Change::new("add_delegate", "commission_delegate", &created.id.to_string()).after(&created),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    pub async fn delegates(&self, organisation_code: Option<&str>) -> Result<Vec<Delegate>, ServiceError> {
        let mut query = delegate::Entity::find().order_by_asc(delegate::Column::Id);
        if let Some(code) = organisation_code {
            query = query.filter(delegate::Column::OrganisationCode.eq(code.trim().to_uppercase()));
        }
        Ok(query.all(&self.db).await?.into_iter().map(delegate_from).collect())
    }

    /// The secretariat convenes a session with its agenda.
    #[tracing::instrument(name = "commission.convoke", skip_all)]
    pub async fn convoke(&self, actor: &Actor, new: NewSession) -> Result<Session, ServiceError> {
        let NewSession { kind, scheduled_at, place, agenda, guest_requests, working_group } = new;
        let place = place.as_str();
        let working_group = working_group.as_deref();
        access_rules::require_role(actor, &[Role::Secretariat], SECRETARIAT_ONLY)?;
        let working_group_id = match working_group.map(|code| code.trim().to_uppercase()) {
            Some(code) => Some(
                working_group::Entity::find()
                    .filter(working_group::Column::Code.eq(code.as_str()))
                    .one(&self.db)
                    .await?
                    .ok_or_else(|| ServiceError::invalid(format!("no existe la mesa técnica «{code}»")))?
                    .id,
            ),
            None => None,
        };
        let place = required_text(place, "place", 300)?;
        if agenda.is_empty() || agenda.len() > 40 {
            return Err(ServiceError::invalid("la agenda lleva de 1 a 40 puntos"));
        }
        let agenda = agenda
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                if item.documents.len() > MAX_DOCUMENTS_PER_ITEM {
                    return Err(ServiceError::invalid(format!(
                        "el punto {} de la agenda cita más de {MAX_DOCUMENTS_PER_ITEM} documentos",
                        index + 1
                    )));
                }
                Ok(AgendaItem {
                    title: required_text(&item.title, &format!("agenda[{}].title", index + 1), 300)?,
                    presenter: required_text(
                        &item.presenter,
                        &format!("agenda[{}].presenter", index + 1),
                        200,
                    )?,
                    documents: item.documents,
                })
            })
            .collect::<Result<Vec<_>, ServiceError>>()?;
        if guest_requests.len() > 20 {
            return Err(ServiceError::invalid(
                "una convocatoria presenta como máximo 20 invitados especiales",
            ));
        }
        let guest_requests = guest_requests
            .into_iter()
            .enumerate()
            .map(|(index, guest)| {
                let field = |name: &str| format!("guestRequests[{}].{name}", index + 1);
                Ok(GuestRequest {
                    name: required_text(&guest.name, &field("name"), 200)?,
                    organisation: guest
                        .organisation
                        .map(|o| required_text(&o, &field("organisation"), 200))
                        .transpose()?,
                    reason: required_text(&guest.reason, &field("reason"), 1_000)?,
                })
            })
            .collect::<Result<Vec<_>, ServiceError>>()?;
        let guests_json =
            serde_json::to_value(&guest_requests).map_err(|error| ServiceError::Internal(error.into()))?;
        let agenda_json =
            serde_json::to_value(&agenda).map_err(|error| ServiceError::Internal(error.into()))?;
        let transaction = self.db.begin().await?;
        let cited: Vec<Uuid> = agenda.iter().flat_map(|item| item.documents.iter().copied()).collect();
        if let Some(missing) = crate::knowledge::service::unavailable(&transaction, &cited).await?.first() {
            return Err(ServiceError::invalid(format!(
                "el documento {missing} no está en la base de conocimiento (o está archivado)"
            )));
        }
        let row = session::ActiveModel {
            id: Set(Uuid::now_v7()),
            working_group_id: Set(working_group_id),
            kind: Set(kind.as_db().to_owned()),
            scheduled_at: Set(scheduled_at),
            place: Set(place),
            agenda: Set(agenda_json),
            guest_requests: Set(guests_json),
            minutes: Set(None),
            minutes_approved_at: Set(None),
            created_at: Set(Utc::now()),
        }
        .insert(&transaction)
        .await?;
        let created = session_from(row);
        audit::record(
            &transaction,
            actor,
            Change::new("convoke_session", "commission_session", &created.id.to_string()).after(&created),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    pub async fn session(&self, id: Uuid) -> Result<Option<Session>, ServiceError> {
        Ok(session::Entity::find_by_id(id).one(&self.db).await?.map(session_from))
    }

    pub(super) async fn open_session(
        &self,
        connection: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Session, ServiceError> {
        let found = session::Entity::find_by_id(id)
            .one(connection)
            .await?
            .map(session_from)
            .ok_or_else(|| ServiceError::NotFound("no existe esa sesión".into()))?;
        if found.minutes_approved_at.is_some() {
            return Err(ServiceError::Conflict(
                "la sesión ya tiene actas aprobadas: su registro no se modifica".into(),
            ));
        }
        Ok(found)
    }

    /// An open session that has started: attendance, decisions and votes
    /// are facts of a session under way, never recorded ahead of it.
    pub(super) async fn session_under_way(
        &self,
        connection: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Session, ServiceError> {
        let found = self.open_session(connection, id).await?;
        rules::require_started(found.scheduled_at, Utc::now()).map_err(ServiceError::invalid)?;
        Ok(found)
    }

    /// Sessions of a year (all years when `None`), in date order.
    #[tracing::instrument(name = "commission.sessions", skip_all)]
    pub async fn sessions(
        &self,
        year: Option<i32>,
        page: &PageRequest,
    ) -> Result<Page<Session>, ServiceError> {
        let rows = session::Entity::find().order_by_asc(session::Column::ScheduledAt).all(&self.db).await?;
        let sessions: Vec<Session> = rows
            .into_iter()
            .map(session_from)
            .filter(|s| year.is_none_or(|year| chrono::Datelike::year(&s.scheduled_at) == year))
            .collect();
        let keyed: Vec<(String, Session)> = sessions.into_iter().map(|s| (session_key(&s), s)).collect();
        let page = Page::from_sorted(keyed, page, |(key, _)| key.as_str());
        Ok(page.map(|(_, session)| session))
    }

    /// Records that a participant attended, by itself or through a delegate
    /// valid on the session's date.
    #[tracing::instrument(name = "commission.record_attendance", skip_all)]
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        session_id: Uuid,
        organisation_code: &str,
        delegate_id: Option<Uuid>,
    ) -> Result<Vec<Attendee>, ServiceError> {
        access_rules::require_role(actor, &[Role::Secretariat], SECRETARIAT_ONLY)?;
        let transaction = self.db.begin().await?;
        let session = self.session_under_way(&transaction, session_id).await?;
        let code = organisation_code.trim().to_uppercase();
        let participant = participant::Entity::find_by_id(code.as_str())
            .filter(participant::Column::LeftAt.is_null())
            .one(&transaction)
            .await?
            .is_some();
        let group_member = match session.working_group_id {
            Some(group) => working_group_member::Entity::find_by_id((group, code.clone()))
                .one(&transaction)
                .await?
                .is_some(),
            None => false,
        };
        if !participant && !group_member {
            return Err(ServiceError::invalid(format!(
                "«{code}» no es miembro ni invitado de la Comisión ni de la mesa"
            )));
        }
        if let Some(delegate_id) = delegate_id {
            let delegate = delegate::Entity::find_by_id(delegate_id)
                .one(&transaction)
                .await?
                .filter(|d| d.organisation_code == code)
                .ok_or_else(|| ServiceError::invalid(format!("ese delegado no representa a {code}")))?;
            let on = crate::bogota_time::date(session.scheduled_at);
            if !rules::delegate_valid(on, delegate.valid_from, delegate.valid_to) {
                return Err(ServiceError::invalid(format!(
                    "{} no era delegado de {code} el {on}: su designación va del {} al {}",
                    delegate.name,
                    delegate.valid_from,
                    delegate.valid_to.map_or("presente".to_owned(), |d| d.to_string())
                )));
            }
        }
        attendance::Entity::insert(attendance::ActiveModel {
            session_id: Set(session_id),
            organisation_code: Set(code.clone()),
            delegate_id: Set(delegate_id),
        })
        .on_conflict(
            OnConflict::columns([attendance::Column::SessionId, attendance::Column::OrganisationCode])
                .update_column(attendance::Column::DelegateId)
                .to_owned(),
        )
        .exec_without_returning(&transaction)
        .await?;
        let object_id = session_id.to_string();
        let change = Change::new("record_attendance", "commission_session", &object_id)
            .after(&serde_json::json!({ "organisation": code, "delegate": delegate_id }));
        audit::record(&transaction, actor, change).await?;
        transaction.commit().await?;
        Ok(self.attendance_of(&[session_id]).await?.remove(&session_id).unwrap_or_default())
    }

    /// Attendees of many sessions in two queries (the DataLoader's batch).
    pub async fn attendance_of(
        &self,
        sessions: &[Uuid],
    ) -> Result<HashMap<Uuid, Vec<Attendee>>, ServiceError> {
        let rows = attendance::Entity::find()
            .filter(attendance::Column::SessionId.is_in(sessions.iter().copied()))
            .order_by_asc(attendance::Column::OrganisationCode)
            .all(&self.db)
            .await?;
        let voters = self.voters_of(sessions).await?;
        let delegate_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.delegate_id).collect();
        let delegates: HashMap<Uuid, Delegate> = delegate::Entity::find()
            .filter(delegate::Column::Id.is_in(delegate_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| (row.id, delegate_from(row)))
            .collect();
        let mut by_session: HashMap<Uuid, Vec<Attendee>> =
            sessions.iter().map(|id| (*id, Vec::new())).collect();
        for row in rows {
            let votes = voters.get(&row.session_id).is_some_and(|v| v.contains(&row.organisation_code));
            by_session.entry(row.session_id).or_default().push(Attendee {
                role: if votes { ParticipantRole::Member } else { ParticipantRole::Invitee },
                delegate: row.delegate_id.and_then(|id| delegates.get(&id).cloned()),
                organisation_code: row.organisation_code,
            });
        }
        Ok(by_session)
    }

    /// Quorum of each session: members with vote present against ⌊n/2⌋+1.
    pub async fn quorum_of(&self, sessions: &[Uuid]) -> Result<HashMap<Uuid, Quorum>, ServiceError> {
        let voters = self.voters_of(sessions).await?;
        let attendance = self.attendance_of(sessions).await?;
        Ok(attendance
            .into_iter()
            .map(|(id, attendees)| {
                let required = rules::quorum(voters.get(&id).map_or(0, |v| v.len() as u32));
                let present = attendees.iter().filter(|a| a.role == ParticipantRole::Member).count() as u32;
                (id, Quorum { required, present, met: present >= required })
            })
            .collect())
    }

    /// Puts a decision to the session; only a session whose quorum is met decides.
    #[tracing::instrument(name = "commission.record_decision", skip_all)]
    pub async fn record_decision(
        &self,
        actor: &Actor,
        session_id: Uuid,
        title: &str,
        description: &str,
    ) -> Result<Decision, ServiceError> {
        access_rules::require_role(actor, &[Role::Secretariat], SECRETARIAT_ONLY)?;
        let title = required_text(title, "title", 300)?;
        let description = description.trim().to_owned();
        self.session_under_way(&self.db, session_id).await?;
        let quorum = self.quorum_of(&[session_id]).await?.remove(&session_id).unwrap_or(Quorum {
            required: 0,
            present: 0,
            met: false,
        });
        if !quorum.met {
            return Err(ServiceError::invalid(format!(
                "la sesión no tiene quórum ({} de {} miembros con voto necesarios): no puede adoptar decisiones",
                quorum.present, quorum.required
            )));
        }
        let transaction = self.db.begin().await?;
        let row = decision::ActiveModel {
            id: Set(Uuid::now_v7()),
            session_id: Set(session_id),
            title: Set(title),
            description: Set(description),
            created_at: Set(Utc::now()),
            closed_at: Set(None),
            present_at_close: Set(None),
        }
        .insert(&transaction)
        .await?;
        audit::record(
            &transaction,
            actor,
            Change::new("record_decision", "commission_decision", &row.id.to_string())
                .after(&serde_json::json!({ "title": row.title, "session": session_id })),
        )
        .await?;
        transaction.commit().await?;
        self.decision(row.id).await
    }

    /// Records one member's vote: members with vote only, present, once, while
    /// the vote is open; by the secretariat or by the member's own users.
    #[tracing::instrument(name = "commission.record_vote", skip_all)]
    pub async fn record_vote(
        &self,
        actor: &Actor,
        decision_id: Uuid,
        organisation_code: &str,
        choice: VoteChoice,
    ) -> Result<Decision, ServiceError> {
        let user = access_rules::require_user(actor, "votar las decisiones de la Comisión")?;
        let code = organisation_code.trim().to_uppercase();
        if !rules::may_vote_for(user.role == Role::Secretariat, user.organisation_code.as_deref(), &code) {
            return Err(ServiceError::Forbidden(
                "votar en nombre de otra entidad (cada miembro vota por sí; la secretaría técnica registra los votos)",
            ));
        }
        let found = self.open_decision(decision_id).await?;
        let voters = self.voters_of(&[found.session_id]).await?.remove(&found.session_id).unwrap_or_default();
        if !voters.contains(&code) {
            let participates = participant::Entity::find_by_id(code.as_str()).one(&self.db).await?.is_some();
            return Err(ServiceError::invalid(if participates {
                format!("{code} es invitado especial: tiene voz, sin voto (decreto, art. 2.2.11.4.3, parágrafo 1)")
            } else {
                format!("«{code}» no es miembro con voto de esta sesión")
            }));
        }
        let present = attendance::Entity::find_by_id((found.session_id, code.clone())).one(&self.db).await?;
        if present.is_none() {
            return Err(ServiceError::invalid(format!(
                "{code} no está registrado como presente en la sesión"
            )));
        }
        let transaction = self.db.begin().await?;
        let already = vote::Entity::find_by_id((decision_id, code.clone())).one(&transaction).await?;
        if already.is_some() {
            return Err(ServiceError::Conflict(format!("{code} ya votó esta decisión")));
        }
        vote::ActiveModel {
            decision_id: Set(decision_id),
            organisation_code: Set(code.clone()),
            vote: Set(choice.as_db().to_owned()),
        }
        .insert(&transaction)
        .await
        .map_err(|error| match error.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                ServiceError::Conflict(format!("{code} ya votó esta decisión"))
            }
            _ => error.into(),
        })?;
        let object_id = decision_id.to_string();
        let change = Change::new("record_vote", "commission_decision", &object_id)
            .after(&serde_json::json!({ "organisation": code, "vote": choice }));
        audit::record(&transaction, actor, change).await?;
        transaction.commit().await?;
        self.decision(decision_id).await
    }

    /// A decision whose vote is still open, in a session under way.
    async fn open_decision(&self, decision_id: Uuid) -> Result<decision::Model, ServiceError> {
        let found = decision::Entity::find_by_id(decision_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| ServiceError::NotFound("no existe esa decisión".into()))?;
        self.session_under_way(&self.db, found.session_id).await?;
        if found.closed_at.is_some() {
            return Err(vote_closed());
        }
        Ok(found)
    }

    /// Closes a decision's vote: the outcome is computed with the members
    /// present at this moment and frozen; later attendance or votes do not move it.
    #[tracing::instrument(name = "commission.close_vote", skip_all)]
    pub async fn close_vote(&self, actor: &Actor, decision_id: Uuid) -> Result<Decision, ServiceError> {
        access_rules::require_role(actor, &[Role::Secretariat], SECRETARIAT_ONLY)?;
        let found = self.open_decision(decision_id).await?;
        let present =
            self.quorum_of(&[found.session_id]).await?.get(&found.session_id).map_or(0, |q| q.present);
        let transaction = self.db.begin().await?;
        // Only an open vote is closed: a concurrent close leaves nothing to update.
        let closed = decision::Entity::update_many()
            .col_expr(decision::Column::ClosedAt, sea_orm::sea_query::Expr::value(Utc::now()))
            .col_expr(decision::Column::PresentAtClose, sea_orm::sea_query::Expr::value(present as i32))
            .filter(decision::Column::Id.eq(decision_id))
            .filter(decision::Column::ClosedAt.is_null())
            .exec(&transaction)
            .await?;
        if closed.rows_affected != 1 {
            return Err(vote_closed());
        }
        let object_id = decision_id.to_string();
        let change = Change::new("close_vote", "commission_decision", &object_id)
            .after(&serde_json::json!({ "present": present }));
        audit::record(&transaction, actor, change).await?;
        transaction.commit().await?;
        self.decision(decision_id).await
    }

    pub(super) async fn decision(&self, id: Uuid) -> Result<Decision, ServiceError> {
        let row = decision::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or_else(|| ServiceError::NotFound("no existe esa decisión".into()))?;
        let session_id = row.session_id;
        let decisions = self.decisions_of(&[session_id]).await?;
        decisions
            .get(&session_id)
            .and_then(|list| list.iter().find(|d| d.id == id).cloned())
            .ok_or_else(|| ServiceError::NotFound("no existe esa decisión".into()))
    }

    /// Decisions of many sessions with their computed outcome (the DataLoader's batch).
    pub async fn decisions_of(
        &self,
        sessions: &[Uuid],
    ) -> Result<HashMap<Uuid, Vec<Decision>>, ServiceError> {
        let rows = decision::Entity::find()
            .filter(decision::Column::SessionId.is_in(sessions.iter().copied()))
            .order_by_asc(decision::Column::Id)
            .all(&self.db)
            .await?;
        let votes = vote::Entity::find()
            .filter(vote::Column::DecisionId.is_in(rows.iter().map(|r| r.id)))
            .all(&self.db)
            .await?;
        let quorums = self.quorum_of(sessions).await?;
        let mut by_session: HashMap<Uuid, Vec<Decision>> =
            sessions.iter().map(|id| (*id, Vec::new())).collect();
        for row in rows {
            let count = |choice: VoteChoice| {
                votes.iter().filter(|v| v.decision_id == row.id && v.vote == choice.as_db()).count() as u32
            };
            let (votes_for, votes_against, abstentions) =
                (count(VoteChoice::For), count(VoteChoice::Against), count(VoteChoice::Abstain));
            let present_at_close = row.present_at_close.map(|present| present.max(0) as u32);
            let outcome = match present_at_close {
                Some(present) => rules::closed_outcome(present, votes_for),
                None => {
                    let present = quorums.get(&row.session_id).map_or(0, |q| q.present);
                    rules::decision_outcome(present, votes_for, votes_against, abstentions)
                }
            };
            by_session.entry(row.session_id).or_default().push(Decision {
                outcome,
                closed_at: row.closed_at,
                present_at_close,
                id: row.id,
                session_id: row.session_id,
                title: row.title,
                description: row.description,
                votes_for,
                votes_against,
                abstentions,
            });
        }
        Ok(by_session)
    }

    /// Approves the minutes: from then on the session's record is immutable.
    #[tracing::instrument(name = "commission.approve_minutes", skip_all)]
    pub async fn approve_minutes(
        &self,
        actor: &Actor,
        session_id: Uuid,
        minutes: &str,
    ) -> Result<Session, ServiceError> {
        access_rules::require_role(actor, &[Role::Secretariat], SECRETARIAT_ONLY)?;
        let minutes = required_text(minutes, "minutes", 200_000)?;
        let transaction = self.db.begin().await?;
        let before = self.open_session(&transaction, session_id).await?;
        if before.scheduled_at > Utc::now() {
            return Err(ServiceError::invalid(
                "no se aprueban actas de una sesión que aún no se ha realizado",
            ));
        }
        session::Entity::update_many()
            .col_expr(session::Column::Minutes, sea_orm::sea_query::Expr::value(minutes))
            .col_expr(session::Column::MinutesApprovedAt, sea_orm::sea_query::Expr::value(Utc::now()))
            .filter(session::Column::Id.eq(session_id))
            .exec(&transaction)
            .await?;
        let after = session::Entity::find_by_id(session_id)
            .one(&transaction)
            .await?
            .map(session_from)
            .ok_or_else(|| ServiceError::NotFound("no existe esa sesión".into()))?;
        audit::record(
            &transaction,
            actor,
            Change::new("approve_minutes", "commission_session", &session_id.to_string())
                .before(&before)
                .after(&after),
        )
        .await?;
        let held_on = after.scheduled_at.date_naive();
        let kind = match after.kind {
            SessionKind::Ordinary => "ordinaria",
            SessionKind::Extraordinary => "extraordinaria",
        };
        let body = format!(
            "Orden del día:\n{}\n\n{}",
            after.agenda.iter().map(|item| format!("- {}", item.title)).collect::<Vec<_>>().join("\n"),
            after.minutes.as_deref().unwrap_or_default()
        );
        crate::knowledge::service::publish_minutes(
            &transaction,
            actor,
            session_id,
            format!(
                "Acta de la sesión {kind} {} del {}",
                if after.working_group_id.is_some() { "de la mesa técnica" } else { "de la Comisión" },
                held_on.format("%Y-%m-%d")
            ),
            body,
            held_on,
        )
        .await?;
        transaction.commit().await?;
        Ok(after)
    }

    /// Each quarter of a year with the sessions that count for the decree:
    /// the Commission's own, held, with quorum (`rules::counts_for_compliance`).
    /// The decree asks for one ordinary session per quarter, four a year.
    #[tracing::instrument(name = "commission.compliance", skip_all)]
    pub async fn compliance(&self, year: i32) -> Result<Vec<QuarterCompliance>, ServiceError> {
        // The year and quarter are Colombian: the whole table, then its year by Bogotá's date.
        let sessions: Vec<Session> = self
            .sessions(None, &PageRequest { first: 100_000, after: None })
            .await?
            .items
            .into_iter()
            .filter(|s| chrono::Datelike::year(&crate::bogota_time::date(s.scheduled_at)) == year)
            .collect();
        let ids: Vec<Uuid> = sessions.iter().map(|s| s.id).collect();
        let quorums = self.quorum_of(&ids).await?;
        let now = Utc::now();
        let counted: Vec<&Session> = sessions
            .iter()
            .filter(|s| {
                let quorum_met = quorums.get(&s.id).is_some_and(|q| q.met);
                rules::counts_for_compliance(s.working_group_id.is_none(), s.scheduled_at, now, quorum_met)
            })
            .collect();
        Ok((1..=4)
            .map(|quarter| {
                let in_quarter = counted
                    .iter()
                    .filter(|s| rules::quarter(crate::bogota_time::date(s.scheduled_at)) == quarter);
                let (ordinary, extraordinary) = in_quarter.fold((0, 0), |(o, e), s| match s.kind {
                    SessionKind::Ordinary => (o + 1, e),
                    SessionKind::Extraordinary => (o, e + 1),
                });
                QuarterCompliance { quarter, ordinary, extraordinary }
            })
            .collect())
    }
}

fn vote_closed() -> ServiceError {
    ServiceError::Conflict("la votación de esta decisión ya está cerrada: su resultado no cambia".into())
}

/// Sort key of a session: its date, then its id (stable for equal dates).
fn session_key(session: &Session) -> String {
    format!("{}|{}", session.scheduled_at.format("%Y-%m-%dT%H:%M:%S%.6f"), session.id)
}
