//! GraphQL of the commission: parse, call the service, shape the answer.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context, Enum, InputObject, Object, SimpleObject, ID,
};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    commitments::CommitmentFilter,
    model::{
        AgendaItem, Commitment, CommitmentStatus, Decision, DecisionOutcome, Delegate, GuestRequest,
        ParticipantRole, Quorum, Session, SessionKind, VoteChoice,
    },
    planning::{AgendaRoute, NewWorkPlanItem, RouteInput, RouteStatus, WorkPlanItem, WorkingGroup},
    report::ReportFormat,
    service::{Attendee, CommissionService, NewSession},
};
use crate::{
    access::{
        resolvers::{parse_id, AccessLoader, OrganisationCode, OrganisationNode},
        Actor,
    },
    error::{ApiResult, ServiceError},
    graphql::connection::{connection, CountedConnection},
    pagination::PageRequest,
};

fn service<'a>(ctx: &Context<'a>) -> ApiResult<&'a CommissionService> {
    Ok(ctx.data::<CommissionService>()?)
}

async fn organisation(ctx: &Context<'_>, code: &str) -> ApiResult<Option<OrganisationNode>> {
    let loader = ctx.data::<DataLoader<AccessLoader>>()?;
    Ok(loader.load_one(OrganisationCode(code.to_owned())).await?.map(OrganisationNode))
}

#[derive(Default)]
pub struct CommissionQuery;

/// Filtro de compromisos.
#[derive(InputObject, Default)]
pub struct CommitmentFilterInput {
    pub status: Option<CommitmentStatus>,
    /// Código de la organización responsable.
    pub responsible_code: Option<String>,
    /// Solo vencidos (`true`) o solo no vencidos (`false`).
    pub overdue: Option<bool>,
}

#[Object]
impl CommissionQuery {
    /// Miembros con voto e invitados especiales de la Comisión.
    async fn commission_participants(&self, ctx: &Context<'_>) -> ApiResult<Vec<ParticipantNode>> {
        let participants = service(ctx)?.participants().await?;
        Ok(participants
            .into_iter()
            .map(|p| ParticipantNode {
                organisation_code: p.organisation_code,
                role: p.role,
                presides: p.presides,
                secretariat: p.secretariat,
            })
            .collect())
    }

    /// Sesiones de la Comisión, por fecha.
    #[graphql(complexity = "crate::graphql::connection::list_complexity(first, child_complexity)")]
    async fn commission_sessions(
        &self,
        ctx: &Context<'_>,
        year: Option<i32>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<SessionNode>> {
        let page = PageRequest::parse(first, after)?;
        let found = service(ctx)?.sessions(year, &page).await?;
        Ok(connection(
            found,
            &page,
            |s| format!("{}|{}", s.scheduled_at.format("%Y-%m-%dT%H:%M:%S%.6f"), s.id),
            SessionNode,
        ))
    }

    /// Una sesión; `null` si no existe.
    async fn commission_session(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<SessionNode>> {
        let id = parse_id(&id, "sesión")?;
        Ok(service(ctx)?.session(id).await?.map(SessionNode))
    }

    /// Compromisos de las sesiones; «vencido» se calcula con la fecha de hoy.
    #[graphql(complexity = "crate::graphql::connection::list_complexity(first, child_complexity)")]
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        filter: Option<CommitmentFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<CommitmentNode>> {
        let page = PageRequest::parse(first, after)?;
        let filter = filter.unwrap_or_default();
        let filter = CommitmentFilter {
            status: filter.status,
            responsible_code: filter.responsible_code,
            overdue: filter.overdue,
        };
        let found = service(ctx)?.commitments(&filter, &page).await?;
        Ok(connection(found, &page, |c| format!("{}|{}", c.due_date, c.id), CommitmentNode))
    }

    /// Cumplimiento del decreto en un año: una sesión ordinaria por trimestre, cuatro al año.
    async fn commission_compliance(&self, ctx: &Context<'_>, year: i32) -> ApiResult<ComplianceNode> {
        if !(2000..=2100).contains(&year) {
            return Err(ServiceError::invalid("el año debe estar entre 2000 y 2100").into());
        }
        let quarters = service(ctx)?.compliance(year).await?;
        let ordinary_sessions = quarters.iter().map(|q| q.ordinary as i32).sum();
        Ok(ComplianceNode {
            year,
            minimum_met: ordinary_sessions >= 4 && quarters.iter().all(|q| q.ordinary > 0),
            ordinary_sessions,
            quarters: quarters
                .into_iter()
                .map(|q| QuarterNode {
                    quarter: q.quarter as i32,
                    ordinary_sessions: q.ordinary as i32,
                    extraordinary_sessions: q.extraordinary as i32,
                    without_ordinary_session: q.ordinary == 0,
                })
                .collect(),
        })
    }

    /// Mesas técnicas de trabajo, con sus miembros.
    async fn working_groups(&self, ctx: &Context<'_>) -> ApiResult<Vec<WorkingGroupNode>> {
        Ok(service(ctx)?.working_groups().await?.into_iter().map(WorkingGroupNode::from).collect())
    }

    /// El plan de trabajo de una vigencia, con su ejecución seguida por los compromisos.
    async fn work_plan(&self, ctx: &Context<'_>, year: i32) -> ApiResult<WorkPlanNode> {
        let commission = service(ctx)?;
        let items = commission.work_plan(year).await?;
        let ids: Vec<Uuid> = items.iter().map(|item| item.id).collect();
        let mut commitments = commission.commitments_of_plan_items(&ids).await?;
        Ok(WorkPlanNode {
            year,
            total_investment: items.iter().map(|item| item.investment).sum::<i64>().to_string(),
            items: items
                .into_iter()
                .map(|item| {
                    let commitments = commitments.remove(&item.id).unwrap_or_default();
                    WorkPlanItemNode { item, commitments }
                })
                .collect(),
        })
    }

    /// La Agenda Nacional de Asistencia Técnica Territorial y sus rutas de trabajo.
    async fn national_agenda(&self, ctx: &Context<'_>, year: Option<i32>) -> ApiResult<Vec<AgendaRouteNode>> {
        Ok(service(ctx)?.national_agenda(year).await?.into_iter().map(AgendaRouteNode).collect())
    }

    /// Informe de seguimiento de compromisos de la secretaría técnica, de una sesión o de un trimestre.
    async fn commitment_report(
        &self,
        ctx: &Context<'_>,
        session_id: Option<ID>,
        year: Option<i32>,
        quarter: Option<i32>,
        format: ReportFormat,
    ) -> ApiResult<String> {
        let session = session_id.as_ref().map(|id| parse_id(id, "sesión")).transpose()?;
        let period = match (year, quarter) {
            (Some(year), Some(quarter)) => Some((year, u32::try_from(quarter).unwrap_or(0))),
            (None, None) => None,
            _ => return Err(ServiceError::invalid("el trimestre va con su año («year» y «quarter»)").into()),
        };
        let (title, commitments) = service(ctx)?.commitments_for_report(session, period).await?;
        Ok(super::report::render(&title, &commitments, format))
    }

    /// Delegados designados, de todas las entidades o de una.
    async fn commission_delegates(
        &self,
        ctx: &Context<'_>,
        organisation_code: Option<String>,
    ) -> ApiResult<Vec<DelegateNode>> {
        Ok(service(ctx)?
            .delegates(organisation_code.as_deref())
            .await?
            .into_iter()
            .map(DelegateNode)
            .collect())
    }
}

#[derive(SimpleObject)]
#[graphql(name = "CommissionParticipant", complex)]
pub struct ParticipantNode {
    organisation_code: String,
    role: ParticipantRole,
    /// Preside la Comisión (DNP).
    presides: bool,
    /// Ejerce la secretaría técnica (Función Pública).
    secretariat: bool,
}

#[async_graphql::ComplexObject]
impl ParticipantNode {
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<OrganisationNode>> {
        organisation(ctx, &self.organisation_code).await
    }
}

#[derive(SimpleObject)]
#[graphql(name = "CommissionCompliance")]
pub struct ComplianceNode {
    year: i32,
    ordinary_sessions: i32,
    /// Al menos cuatro ordinarias y una en cada trimestre.
    minimum_met: bool,
    quarters: Vec<QuarterNode>,
}

#[derive(SimpleObject)]
#[graphql(name = "QuarterCompliance")]
pub struct QuarterNode {
    quarter: i32,
    ordinary_sessions: i32,
    extraordinary_sessions: i32,
    /// Trimestre sin sesión ordinaria: incumple el decreto.
    without_ordinary_session: bool,
}

/// Estado de una sesión, calculado.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    /// Convocada: aún no se realiza.
    Convoked,
    /// Realizada, con actas por aprobar.
    Held,
    /// Con actas aprobadas: su registro ya no cambia.
    Closed,
}

/// Sesión de la Comisión.
pub struct SessionNode(pub Session);

#[Object(name = "CommissionSession")]
impl SessionNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> SessionKind {
        self.0.kind
    }
    /// Fecha y hora.
    async fn date(&self) -> DateTime<Utc> {
        self.0.scheduled_at
    }
    /// La mesa técnica de la sesión; `null` para las sesiones de la Comisión.
    async fn working_group_id(&self) -> Option<ID> {
        self.0.working_group_id.map(|id| ID(id.to_string()))
    }
    /// Lugar o enlace.
    async fn place(&self) -> &str {
        &self.0.place
    }
    async fn status(&self) -> SessionStatus {
        match (self.0.minutes_approved_at, self.0.scheduled_at > Utc::now()) {
            (Some(_), _) => SessionStatus::Closed,
            (None, true) => SessionStatus::Convoked,
            (None, false) => SessionStatus::Held,
        }
    }
    /// Invitados especiales presentados con la convocatoria (voz, sin voto).
    async fn guest_requests(&self) -> Vec<GuestRequestNode> {
        self.0
            .guest_requests
            .iter()
            .map(|g| GuestRequestNode {
                name: g.name.clone(),
                organisation: g.organisation.clone(),
                reason: g.reason.clone(),
            })
            .collect()
    }
    async fn agenda(&self) -> Vec<AgendaItemNode> {
        self.0
            .agenda
            .iter()
            .map(|item| AgendaItemNode { title: item.title.clone(), presenter: item.presenter.clone() })
            .collect()
    }
    async fn attendance(&self, ctx: &Context<'_>) -> ApiResult<Vec<AttendeeNode>> {
        let loader = ctx.data::<DataLoader<CommissionLoader>>()?;
        Ok(loader
            .load_one(SessionAttendance(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(AttendeeNode)
            .collect())
    }
    /// Quórum: la mitad más uno de los miembros con voto (decreto, art. 2.2.11.4.6).
    async fn quorum(&self, ctx: &Context<'_>) -> ApiResult<Quorum> {
        let loader = ctx.data::<DataLoader<CommissionLoader>>()?;
        Ok(loader.load_one(SessionQuorum(self.0.id)).await?.unwrap_or(Quorum {
            required: 0,
            present: 0,
            met: false,
        }))
    }
    async fn decisions(&self, ctx: &Context<'_>) -> ApiResult<Vec<DecisionNode>> {
        let loader = ctx.data::<DataLoader<CommissionLoader>>()?;
        Ok(loader
            .load_one(SessionDecisions(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(DecisionNode)
            .collect())
    }
    async fn commitments(&self, ctx: &Context<'_>) -> ApiResult<Vec<CommitmentNode>> {
        let loader = ctx.data::<DataLoader<CommissionLoader>>()?;
        Ok(loader
            .load_one(SessionCommitments(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(CommitmentNode)
            .collect())
    }
    /// Actas; inmutables una vez aprobadas.
    async fn minutes(&self) -> Option<&str> {
        self.0.minutes.as_deref()
    }
    async fn minutes_approved_at(&self) -> Option<DateTime<Utc>> {
        self.0.minutes_approved_at
    }
}

#[derive(SimpleObject)]
#[graphql(name = "GuestRequest")]
pub struct GuestRequestNode {
    name: String,
    organisation: Option<String>,
    reason: String,
}

#[derive(SimpleObject)]
#[graphql(name = "AgendaItem")]
pub struct AgendaItemNode {
    title: String,
    presenter: String,
}

/// Asistente a una sesión.
pub struct AttendeeNode(pub Attendee);

#[Object(name = "SessionAttendee")]
impl AttendeeNode {
    async fn organisation_code(&self) -> &str {
        &self.0.organisation_code
    }
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<OrganisationNode>> {
        organisation(ctx, &self.0.organisation_code).await
    }
    async fn role(&self) -> ParticipantRole {
        self.0.role
    }
    /// Delegado que asistió en nombre de la entidad, si no fue su titular.
    async fn delegate(&self) -> Option<DelegateNode> {
        self.0.delegate.clone().map(DelegateNode)
    }
}

/// Delegado de una entidad ante la Comisión, con su vigencia.
pub struct DelegateNode(pub Delegate);

#[Object(name = "CommissionDelegate")]
impl DelegateNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn organisation_code(&self) -> &str {
        &self.0.organisation_code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn position(&self) -> &str {
        &self.0.position
    }
    async fn valid_from(&self) -> NaiveDate {
        self.0.valid_from
    }
    async fn valid_to(&self) -> Option<NaiveDate> {
        self.0.valid_to
    }
}

/// Decisión de una sesión, con su resultado calculado.
pub struct DecisionNode(pub Decision);

#[Object(name = "CommissionDecision")]
impl DecisionNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Mayoría simple de los miembros presentes.
    async fn outcome(&self) -> DecisionOutcome {
        self.0.outcome
    }
    async fn votes_for(&self) -> i32 {
        self.0.votes_for as i32
    }
    async fn votes_against(&self) -> i32 {
        self.0.votes_against as i32
    }
    async fn abstentions(&self) -> i32 {
        self.0.abstentions as i32
    }
}

/// Compromiso adquirido en una sesión.
pub struct CommitmentNode(pub Commitment);

#[Object(name = "Commitment")]
impl CommitmentNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn session_id(&self) -> ID {
        ID(self.0.session_id.to_string())
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn responsible_code(&self) -> &str {
        &self.0.responsible_code
    }
    async fn responsible(&self, ctx: &Context<'_>) -> ApiResult<Option<OrganisationNode>> {
        organisation(ctx, &self.0.responsible_code).await
    }
    async fn due_date(&self) -> NaiveDate {
        self.0.due_date
    }
    /// Estado, con «vencido» calculado a hoy.
    async fn status(&self) -> CommitmentStatus {
        self.0.status
    }
    async fn overdue(&self) -> bool {
        self.0.status == CommitmentStatus::Overdue
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Punto de la agenda.
#[derive(InputObject)]
pub struct AgendaItemInput {
    pub title: String,
    /// Quién lo presenta.
    pub presenter: String,
}

/// Un invitado especial que la secretaría presenta con la convocatoria (voz, sin voto).
#[derive(InputObject)]
pub struct GuestRequestInput {
    pub name: String,
    /// Entidad u organización de la que viene.
    pub organisation: Option<String>,
    /// Por qué se invita.
    pub reason: String,
}

#[derive(InputObject)]
pub struct ConvokeSessionInput {
    /// Invitados especiales solicitados para esta sesión.
    #[graphql(default)]
    pub guest_requests: Vec<GuestRequestInput>,
    /// Código de la mesa técnica, para una sesión de mesa; se omite para la Comisión.
    pub working_group_code: Option<String>,
    pub kind: SessionKind,
    pub date: DateTime<Utc>,
    /// Lugar o enlace de la reunión.
    pub place: String,
    pub agenda: Vec<AgendaItemInput>,
}

#[derive(InputObject)]
pub struct AddCommitmentInput {
    pub session_id: ID,
    /// Línea del plan de trabajo que el compromiso ejecuta, si aplica.
    pub work_plan_item_id: Option<ID>,
    pub description: String,
    /// Código de la organización responsable.
    pub responsible_code: String,
    pub due_date: NaiveDate,
}

#[derive(InputObject, Default)]
pub struct UpdateCommitmentInput {
    /// Nuevo estado (PENDING, IN_PROGRESS o DONE; «vencido» se calcula).
    pub status: Option<CommitmentStatus>,
    /// Nota de avance.
    pub note: Option<String>,
    /// Enlace a la evidencia.
    pub evidence_url: Option<String>,
}

#[derive(InputObject)]
pub struct AddDelegateInput {
    pub organisation_code: String,
    pub name: String,
    pub position: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(SimpleObject)]
pub struct SessionPayload {
    session: SessionNode,
}

#[derive(SimpleObject)]
pub struct DecisionPayload {
    decision: DecisionNode,
}

#[derive(SimpleObject)]
pub struct CommitmentPayload {
    commitment: CommitmentNode,
}

#[derive(SimpleObject)]
pub struct DelegatePayload {
    delegate: DelegateNode,
}

#[derive(Default)]
pub struct CommissionMutation;

#[Object]
impl CommissionMutation {
    /// Convoca una sesión con su agenda (secretaría técnica).
    async fn convoke_session(
        &self,
        ctx: &Context<'_>,
        input: ConvokeSessionInput,
    ) -> ApiResult<SessionPayload> {
        let agenda = input
            .agenda
            .into_iter()
            .map(|item| AgendaItem { title: item.title, presenter: item.presenter })
            .collect();
        let guest_requests = input
            .guest_requests
            .into_iter()
            .map(|guest| GuestRequest {
                name: guest.name,
                organisation: guest.organisation,
                reason: guest.reason,
            })
            .collect();
        let new = NewSession {
            kind: input.kind,
            scheduled_at: input.date,
            place: input.place,
            agenda,
            guest_requests,
            working_group: input.working_group_code,
        };
        let session = service(ctx)?.convoke(ctx.data::<Actor>()?, new).await?;
        Ok(SessionPayload { session: SessionNode(session) })
    }

    /// Registra la asistencia de un miembro o invitado, por sí o por un delegado vigente.
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        session_id: ID,
        organisation_code: String,
        delegate_id: Option<ID>,
    ) -> ApiResult<SessionPayload> {
        let session_id = parse_id(&session_id, "sesión")?;
        let delegate_id = delegate_id.as_ref().map(|id| parse_id(id, "delegado")).transpose()?;
        let commission = service(ctx)?;
        commission
            .record_attendance(ctx.data::<Actor>()?, session_id, &organisation_code, delegate_id)
            .await?;
        let session = commission
            .session(session_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("no existe esa sesión".into()))?;
        Ok(SessionPayload { session: SessionNode(session) })
    }

    /// Somete una decisión a la sesión; requiere quórum.
    async fn record_decision(
        &self,
        ctx: &Context<'_>,
        session_id: ID,
        title: String,
        #[graphql(default)] description: String,
    ) -> ApiResult<DecisionPayload> {
        let session_id = parse_id(&session_id, "sesión")?;
        let decision =
            service(ctx)?.record_decision(ctx.data::<Actor>()?, session_id, &title, &description).await?;
        Ok(DecisionPayload { decision: DecisionNode(decision) })
    }

    /// Registra el voto de un miembro presente (los invitados no votan; cada miembro vota una vez).
    async fn record_vote(
        &self,
        ctx: &Context<'_>,
        decision_id: ID,
        organisation_code: String,
        vote: VoteChoice,
    ) -> ApiResult<DecisionPayload> {
        let decision_id = parse_id(&decision_id, "decisión")?;
        let decision =
            service(ctx)?.record_vote(ctx.data::<Actor>()?, decision_id, &organisation_code, vote).await?;
        Ok(DecisionPayload { decision: DecisionNode(decision) })
    }

    /// Aprueba las actas de una sesión realizada; desde entonces su registro no cambia.
    async fn approve_minutes(
        &self,
        ctx: &Context<'_>,
        session_id: ID,
        minutes: String,
    ) -> ApiResult<SessionPayload> {
        let session_id = parse_id(&session_id, "sesión")?;
        let session = service(ctx)?.approve_minutes(ctx.data::<Actor>()?, session_id, &minutes).await?;
        Ok(SessionPayload { session: SessionNode(session) })
    }

    /// Registra un compromiso de una sesión.
    async fn add_commitment(
        &self,
        ctx: &Context<'_>,
        input: AddCommitmentInput,
    ) -> ApiResult<CommitmentPayload> {
        let session_id = parse_id(&input.session_id, "sesión")?;
        let item = input.work_plan_item_id.as_ref().map(|id| parse_id(id, "línea del plan")).transpose()?;
        let created = service(ctx)?
            .add_commitment(
                ctx.data::<Actor>()?,
                session_id,
                &input.description,
                &input.responsible_code,
                input.due_date,
                item,
            )
            .await?;
        Ok(CommitmentPayload { commitment: CommitmentNode(created) })
    }

    /// Informa avance de un compromiso (la secretaría o la entidad responsable).
    async fn update_commitment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateCommitmentInput,
    ) -> ApiResult<CommitmentPayload> {
        let id = parse_id(&id, "compromiso")?;
        let updated = service(ctx)?
            .update_commitment(
                ctx.data::<Actor>()?,
                id,
                input.status,
                input.note.as_deref(),
                input.evidence_url.as_deref(),
            )
            .await?;
        Ok(CommitmentPayload { commitment: CommitmentNode(updated) })
    }

    /// Crea una mesa técnica de trabajo con sus miembros (secretaría técnica).
    async fn create_working_group(
        &self,
        ctx: &Context<'_>,
        input: WorkingGroupInput,
    ) -> ApiResult<WorkingGroupPayload> {
        let created = service(ctx)?
            .create_working_group(
                ctx.data::<Actor>()?,
                &input.code,
                &input.name,
                &input.purpose,
                &input.member_codes,
            )
            .await?;
        Ok(WorkingGroupPayload { working_group: created.into() })
    }

    /// Adopta el plan de trabajo de una vigencia: objetivos, temas, responsables e inversión (secretaría técnica).
    async fn set_work_plan(
        &self,
        ctx: &Context<'_>,
        year: i32,
        items: Vec<WorkPlanItemInput>,
    ) -> ApiResult<WorkPlanPayload> {
        let items = items
            .into_iter()
            .map(|item| {
                let investment = item.investment.trim().parse::<i64>().map_err(|_| {
                    ServiceError::invalid(format!(
                        "«{}» no es un monto en pesos (entero, sin separadores)",
                        item.investment.trim()
                    ))
                })?;
                Ok(NewWorkPlanItem {
                    objective: item.objective,
                    topic: item.topic,
                    responsible_code: item.responsible_code,
                    investment,
                })
            })
            .collect::<Result<Vec<_>, ServiceError>>()?;
        let saved = service(ctx)?.set_work_plan(ctx.data::<Actor>()?, year, items).await?;
        Ok(WorkPlanPayload { year, items: saved.len() as i32 })
    }

    /// Crea o reemplaza una ruta de la Agenda Nacional de ATT (secretaría técnica).
    async fn set_agenda_route(
        &self,
        ctx: &Context<'_>,
        input: AgendaRouteInput,
    ) -> ApiResult<AgendaRoutePayload> {
        let id = input.id.as_ref().map(|id| parse_id(id, "ruta")).transpose()?;
        let route = RouteInput {
            id,
            year: input.year,
            name: input.name,
            objective: input.objective,
            participants: input.participants,
            territories: input.territory_codes,
            status: input.status,
        };
        let saved = service(ctx)?.set_agenda_route(ctx.data::<Actor>()?, route).await?;
        Ok(AgendaRoutePayload { route: AgendaRouteNode(saved) })
    }

    /// Designa un delegado de una entidad ante la Comisión, con su vigencia (secretaría técnica).
    async fn add_delegate(&self, ctx: &Context<'_>, input: AddDelegateInput) -> ApiResult<DelegatePayload> {
        let created = service(ctx)?
            .add_delegate(
                ctx.data::<Actor>()?,
                &input.organisation_code,
                &input.name,
                &input.position,
                input.valid_from,
                input.valid_to,
            )
            .await?;
        Ok(DelegatePayload { delegate: DelegateNode(created) })
    }
}

/// Mesa técnica de trabajo.
#[derive(SimpleObject)]
#[graphql(name = "WorkingGroup")]
pub struct WorkingGroupNode {
    id: ID,
    code: String,
    name: String,
    purpose: String,
    member_codes: Vec<String>,
}

impl From<WorkingGroup> for WorkingGroupNode {
    fn from(group: WorkingGroup) -> Self {
        Self {
            id: ID(group.id.to_string()),
            code: group.code,
            name: group.name,
            purpose: group.purpose,
            member_codes: group.members,
        }
    }
}

#[derive(InputObject)]
pub struct WorkingGroupInput {
    pub code: String,
    pub name: String,
    pub purpose: String,
    /// Organizaciones miembro (entidades nacionales, territoriales, asociaciones, universidades, cooperación).
    pub member_codes: Vec<String>,
}

#[derive(SimpleObject)]
pub struct WorkingGroupPayload {
    working_group: WorkingGroupNode,
}

/// Línea del plan de trabajo.
#[derive(InputObject)]
pub struct WorkPlanItemInput {
    pub objective: String,
    pub topic: String,
    pub responsible_code: String,
    /// Inversión en pesos, entero sin separadores (como texto: puede superar 2^31).
    pub investment: String,
}

#[derive(SimpleObject)]
pub struct WorkPlanPayload {
    year: i32,
    /// Líneas del plan adoptado.
    items: i32,
}

/// Plan de trabajo de una vigencia.
#[derive(SimpleObject)]
#[graphql(name = "WorkPlan")]
pub struct WorkPlanNode {
    year: i32,
    /// Inversión total en pesos.
    total_investment: String,
    items: Vec<WorkPlanItemNode>,
}

/// Línea del plan de trabajo y su ejecución.
pub struct WorkPlanItemNode {
    item: WorkPlanItem,
    commitments: Vec<Commitment>,
}

#[Object(name = "WorkPlanItem")]
impl WorkPlanItemNode {
    async fn id(&self) -> ID {
        ID(self.item.id.to_string())
    }
    async fn objective(&self) -> &str {
        &self.item.objective
    }
    async fn topic(&self) -> &str {
        &self.item.topic
    }
    async fn responsible_code(&self) -> &str {
        &self.item.responsible_code
    }
    /// Inversión en pesos.
    async fn investment(&self) -> String {
        self.item.investment.to_string()
    }
    /// Compromisos que ejecutan esta línea.
    async fn commitments(&self) -> Vec<CommitmentNode> {
        self.commitments.iter().cloned().map(CommitmentNode).collect()
    }
    /// Compromisos cumplidos ÷ compromisos (de 0 a 1); `null` sin compromisos.
    async fn execution(&self) -> Option<f64> {
        let done = self.commitments.iter().filter(|c| c.status == CommitmentStatus::Done).count();
        (!self.commitments.is_empty()).then(|| done as f64 / self.commitments.len() as f64)
    }
}

/// Ruta de trabajo de la Agenda Nacional de ATT.
pub struct AgendaRouteNode(pub AgendaRoute);

#[Object(name = "AgendaRoute")]
impl AgendaRouteNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn objective(&self) -> &str {
        &self.0.objective
    }
    /// Entidades y actores que participan.
    async fn participants(&self) -> &str {
        &self.0.participants
    }
    /// Códigos DIVIPOLA de los territorios.
    async fn territory_codes(&self) -> &[String] {
        &self.0.territories
    }
    async fn status(&self) -> RouteStatus {
        self.0.status
    }
}

#[derive(InputObject)]
pub struct AgendaRouteInput {
    /// Para reemplazar una ruta existente; se omite para crear una nueva.
    pub id: Option<ID>,
    pub year: i32,
    pub name: String,
    pub objective: String,
    pub participants: String,
    #[graphql(default)]
    pub territory_codes: Vec<String>,
    pub status: RouteStatus,
}

#[derive(SimpleObject)]
pub struct AgendaRoutePayload {
    route: AgendaRouteNode,
}

#[derive(Default)]
pub struct CommissionSubscription;

#[async_graphql::Subscription]
impl CommissionSubscription {
    /// Cada compromiso creado o actualizado, de todas las entidades o de una responsable.
    async fn commitment_updated(
        &self,
        ctx: &Context<'_>,
        responsible_code: Option<String>,
    ) -> Result<impl futures_util::Stream<Item = CommitmentNode>, crate::error::ApiError> {
        let receiver = ctx.data::<crate::events::EventBus>()?.subscribe();
        let wanted = responsible_code.map(|code| code.trim().to_uppercase());
        Ok(futures_util::stream::unfold((receiver, wanted), |(mut receiver, wanted)| async move {
            loop {
                match receiver.recv().await {
                    Ok(crate::events::Event::CommitmentUpdated(commitment))
                        if wanted.as_ref().is_none_or(|code| *code == commitment.responsible_code) =>
                    {
                        return Some((CommitmentNode(commitment), (receiver, wanted)));
                    }
                    Ok(_) => continue,
                    // A subscriber that fell behind skips ahead rather than closing.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        }))
    }
}

/// Batch loading of what hangs from sessions (no N+1 over a year of sessions).
pub struct CommissionLoader(pub CommissionService);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionAttendance(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionQuorum(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionDecisions(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionCommitments(pub Uuid);

macro_rules! session_loader {
    ($key:ident, $value:ty, $method:ident) => {
        impl Loader<$key> for CommissionLoader {
            type Value = $value;
            type Error = Arc<ServiceError>;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, Self::Error> {
                let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
                let found = self.0.$method(&ids).await.map_err(Arc::new)?;
                Ok(found.into_iter().map(|(id, value)| ($key(id), value)).collect())
            }
        }
    };
}

session_loader!(SessionAttendance, Vec<Attendee>, attendance_of);
session_loader!(SessionQuorum, Quorum, quorum_of);
session_loader!(SessionDecisions, Vec<Decision>, decisions_of);
session_loader!(SessionCommitments, Vec<Commitment>, commitments_of);
