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
    access::resolvers::{AccessLoader, OrganisationCode, OrganisationNode},
    authorisation::Actor,
    connection::parse_id,
    connection::{connection, CountedConnection},
    error::{ApiResult, ServiceError},
    knowledge::resolvers::{cited_documents, KnowledgeProductNode},
    pagination::PageRequest,
};

mod nodes;
mod participants;
mod planning;

pub use nodes::*;
pub use participants::*;
pub use planning::*;

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
        Ok(participants.into_iter().map(ParticipantNode::from).collect())
    }

    /// Sesiones de la Comisión, por fecha.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
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
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
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

    /// Cumplimiento del decreto en un año (hora de Colombia): una sesión ordinaria por trimestre,
    /// cuatro al año. Cuentan solo las sesiones de la Comisión (no las de sus mesas técnicas)
    /// ya realizadas y con quórum verificado.
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

    /// Informe de seguimiento de compromisos de la secretaría técnica, de una sesión o de un
    /// trimestre: los nacidos en sus sesiones y todos los que seguían abiertos al final del
    /// trimestre, de la sesión que sea.
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
            .map(|item| {
                Ok(AgendaItem {
                    title: item.title,
                    presenter: item.presenter,
                    documents: item
                        .document_ids
                        .iter()
                        .map(|id| parse_id(id, "documento de la agenda"))
                        .collect::<Result<_, ServiceError>>()?,
                })
            })
            .collect::<Result<_, ServiceError>>()?;
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

    /// Registra el voto de un miembro presente mientras la votación está abierta: lo registra la
    /// secretaría técnica o lo emiten los usuarios del propio miembro (los invitados no votan;
    /// cada miembro vota una vez).
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

    /// Cierra la votación de una decisión (secretaría técnica): el resultado se calcula con los
    /// miembros presentes en ese momento y queda fijo; después no se reciben más votos.
    async fn close_vote(&self, ctx: &Context<'_>, decision_id: ID) -> ApiResult<DecisionPayload> {
        let decision_id = parse_id(&decision_id, "decisión")?;
        let decision = service(ctx)?.close_vote(ctx.data::<Actor>()?, decision_id).await?;
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

/// Batch loading of what hangs from sessions (no N+1 over a year of sessions).
pub struct CommissionLoader(pub std::sync::Arc<CommissionService>);

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
