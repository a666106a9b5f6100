//! The commission's GraphQL types: sessions, attendees, decisions, commitments, inputs and payloads.

use super::*;
use crate::commission::model::{InviteeKind, Participant};

#[derive(SimpleObject)]
#[graphql(name = "CommissionParticipant", complex)]
pub struct ParticipantNode {
    pub(super) organisation_code: String,
    pub(super) role: ParticipantRole,
    /// Preside la Comisión (DNP).
    pub(super) presides: bool,
    /// Ejerce la secretaría técnica (Función Pública).
    pub(super) secretariat: bool,
    /// Tipo de invitado especial; `null` para un miembro.
    pub(super) invitee_kind: Option<InviteeKind>,
    /// La RAP que representa un delegado de las RAP.
    pub(super) rap_region_code: Option<String>,
    /// Desde cuándo participa (`null` para los que nombra el decreto).
    pub(super) joined_at: Option<DateTime<Utc>>,
}

impl From<Participant> for ParticipantNode {
    fn from(p: Participant) -> Self {
        Self {
            organisation_code: p.organisation_code,
            role: p.role,
            presides: p.presides,
            secretariat: p.secretariat,
            invitee_kind: p.invitee_kind,
            rap_region_code: p.rap_region_code,
            joined_at: p.joined_at,
        }
    }
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
    pub(super) year: i32,
    pub(super) ordinary_sessions: i32,
    /// Al menos cuatro ordinarias y una en cada trimestre.
    pub(super) minimum_met: bool,
    pub(super) quarters: Vec<QuarterNode>,
}

#[derive(SimpleObject)]
#[graphql(name = "QuarterCompliance")]
pub struct QuarterNode {
    pub(super) quarter: i32,
    pub(super) ordinary_sessions: i32,
    pub(super) extraordinary_sessions: i32,
    /// Trimestre sin sesión ordinaria: incumple el decreto.
    pub(super) without_ordinary_session: bool,
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
        self.0.agenda.iter().cloned().map(AgendaItemNode).collect()
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
    pub(super) name: String,
    pub(super) organisation: Option<String>,
    pub(super) reason: String,
}

/// Punto de la agenda de una sesión.
pub struct AgendaItemNode(AgendaItem);

#[Object(name = "AgendaItem")]
impl AgendaItemNode {
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Quién lo presenta.
    async fn presenter(&self) -> &str {
        &self.0.presenter
    }
    /// Documentos de la base de conocimiento que acompañan el punto; uno
    /// archivado después de la convocatoria ya no aparece.
    async fn documents(&self, ctx: &Context<'_>) -> ApiResult<Vec<KnowledgeProductNode>> {
        cited_documents(ctx, &self.0.documents).await
    }
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
    /// Mayoría simple de los miembros presentes: provisional mientras la votación está
    /// abierta (más asistentes pueden cambiarlo); fijo desde que se cierra (`closeVote`).
    async fn outcome(&self) -> DecisionOutcome {
        self.0.outcome
    }
    /// Cuándo se cerró la votación; `null` mientras está abierta.
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    /// Miembros con voto presentes al cerrar la votación, con los que se fijó el resultado.
    async fn present_at_close(&self) -> Option<i32> {
        self.0.present_at_close.map(|present| present as i32)
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
    /// Cuándo se marcó cumplido; `null` mientras no lo está.
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }
}

/// Punto de la agenda.
#[derive(InputObject)]
pub struct AgendaItemInput {
    pub title: String,
    /// Quién lo presenta.
    pub presenter: String,
    /// Documentos de la base de conocimiento que acompañan el punto (hasta 10).
    #[graphql(default)]
    pub document_ids: Vec<ID>,
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
    pub(super) session: SessionNode,
}

#[derive(SimpleObject)]
pub struct DecisionPayload {
    pub(super) decision: DecisionNode,
}

#[derive(SimpleObject)]
pub struct CommitmentPayload {
    pub(super) commitment: CommitmentNode,
}

#[derive(SimpleObject)]
pub struct DelegatePayload {
    pub(super) delegate: DelegateNode,
}
