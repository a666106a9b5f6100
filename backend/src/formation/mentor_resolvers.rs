//! GraphQL of the mentor network: parse, call the service, shape the answer.

use async_graphql::{dataloader::DataLoader, Context, InputObject, Object, SimpleObject, ID};
use chrono::NaiveDate;

use super::{
    mentoring::MentorMatch,
    model::{Mentor, MentorKind, MentoringRequest, MentoringSession, NewMentor},
    resolvers::{FormationLoader, MentorKey},
    service::FormationService,
};
use crate::{
    access::resolvers::{AccessLoader, OrganisationCode, OrganisationNode},
    assistance::matching::Factor,
    authorisation::Actor,
    connection::parse_id,
    error::ApiResult,
    territory::{loader::TerritoryLoader, resolvers::TerritorialEntityNode},
};

fn service<'a>(ctx: &Context<'a>) -> ApiResult<&'a FormationService> {
    Ok(ctx.data::<FormationService>()?)
}

/// Mentor de la red: experto nacional, voluntario de posgrado, academia o sector privado.
/// Su contacto solo se muestra a la entidad con la que se empareja.
pub struct MentorNode(pub Mentor);

#[Object(name = "Mentor")]
impl MentorNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> MentorKind {
        self.0.kind
    }
    /// Organización que lo registra y responde por él.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<OrganisationNode>> {
        let loader = ctx.data::<DataLoader<AccessLoader>>()?;
        Ok(loader.load_one(OrganisationCode(self.0.organisation_code.clone())).await?.map(OrganisationNode))
    }
    async fn competencies(&self) -> &[String] {
        &self.0.competencies
    }
    async fn profile(&self) -> &str {
        &self.0.profile
    }
    /// Departamentos que acompaña (vacío: todo el país).
    async fn department_codes(&self) -> &[String] {
        &self.0.department_codes
    }
    async fn hours_per_month(&self) -> i32 {
        self.0.hours_per_month
    }
}

/// Una razón del puntaje de un mentor (los mismos factores del emparejamiento de ATT).
#[derive(SimpleObject)]
#[graphql(name = "MentorMatchReason")]
pub struct ReasonNode {
    pub factor: Factor,
    pub weight: f64,
    pub explanation: String,
}

/// Mentor recomendado para una solicitud, con su puntaje explicado.
pub struct MentorMatchNode(MentorMatch);

#[Object(name = "MentorMatch")]
impl MentorMatchNode {
    async fn mentor(&self) -> MentorNode {
        MentorNode(self.0.mentor.clone())
    }
    async fn score(&self) -> f64 {
        self.0.score
    }
    async fn reasons(&self) -> Vec<ReasonNode> {
        self.0
            .reasons
            .iter()
            .map(|r| ReasonNode { factor: r.factor, weight: r.weight, explanation: r.explanation.clone() })
            .collect()
    }
}

/// Sesión de mentoría registrada, con la calificación de la entidad.
#[derive(SimpleObject)]
#[graphql(name = "MentoringSession")]
pub struct SessionNode {
    pub id: ID,
    pub held_on: NaiveDate,
    pub hours: f64,
    pub notes: String,
    /// De 1 a 5; `null` mientras la entidad no califique.
    pub rating: Option<i32>,
}

impl From<MentoringSession> for SessionNode {
    fn from(session: MentoringSession) -> Self {
        Self {
            id: ID(session.id.to_string()),
            held_on: session.held_on,
            hours: session.hours,
            notes: session.notes,
            rating: session.rating.map(i32::from),
        }
    }
}

/// Solicitud de mentoría de una entidad territorial.
pub struct RequestNode {
    request: MentoringRequest,
    sessions: Vec<MentoringSession>,
}

#[Object(name = "MentoringRequest")]
impl RequestNode {
    async fn id(&self) -> ID {
        ID(self.request.id.to_string())
    }
    async fn entity(&self, ctx: &Context<'_>) -> ApiResult<Option<TerritorialEntityNode>> {
        let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
        Ok(loader.load_one(self.request.entity_code.clone()).await?.map(TerritorialEntityNode))
    }
    async fn topic(&self) -> &str {
        &self.request.topic
    }
    async fn need(&self) -> &str {
        &self.request.need
    }
    async fn mentor(&self, ctx: &Context<'_>) -> ApiResult<Option<MentorNode>> {
        let Some(id) = self.request.mentor_id else { return Ok(None) };
        let loader = ctx.data::<DataLoader<FormationLoader>>()?;
        Ok(loader.load_one(MentorKey(id)).await?.map(MentorNode))
    }
    /// Contacto del mentor asignado: solo para los equipos de la entidad emparejada.
    async fn mentor_contact(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        let Some(id) = self.request.mentor_id else { return Ok(None) };
        if !FormationService::sees_mentor_contact(ctx.data::<Actor>()?, &self.request) {
            return Ok(None);
        }
        let loader = ctx.data::<DataLoader<FormationLoader>>()?;
        Ok(loader.load_one(MentorKey(id)).await?.map(|m| m.contact))
    }
    async fn sessions(&self) -> Vec<SessionNode> {
        self.sessions.iter().cloned().map(SessionNode::from).collect()
    }
}

#[derive(Default)]
pub struct MentorQuery;

#[Object]
impl MentorQuery {
    /// La red de mentores, por nombre (sin su contacto).
    async fn mentors(&self, ctx: &Context<'_>) -> ApiResult<Vec<MentorNode>> {
        Ok(service(ctx)?.mentors().await?.into_iter().map(MentorNode).collect())
    }

    /// Las solicitudes de mentoría que quien llama puede ver, con sus sesiones.
    async fn mentoring_requests(&self, ctx: &Context<'_>) -> ApiResult<Vec<RequestNode>> {
        let found = service(ctx)?.mentoring_requests(ctx.data::<Actor>()?).await?;
        Ok(found.into_iter().map(|(request, sessions)| RequestNode { request, sessions }).collect())
    }

    /// Mentores recomendados para una solicitud: el puntaje diferencial de ATT (menor capacidad primero), explicado.
    async fn recommended_mentors(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
    ) -> ApiResult<Vec<MentorMatchNode>> {
        let id = parse_id(&request_id, "solicitud de mentoría")?;
        let found = service(ctx)?.recommended_mentors(ctx.data::<Actor>()?, id).await?;
        Ok(found.into_iter().map(MentorMatchNode).collect())
    }
}

/// Un mentor nuevo.
#[derive(InputObject)]
pub struct MentorInput {
    /// Organización que lo registra: la propia para una entidad nacional; obligatoria para un administrador.
    pub organisation_code: Option<String>,
    pub name: String,
    pub kind: MentorKind,
    pub competencies: Vec<String>,
    pub profile: String,
    #[graphql(default)]
    pub department_codes: Vec<String>,
    pub hours_per_month: i32,
    pub contact: String,
}

#[derive(SimpleObject)]
pub struct MentorPayload {
    pub mentor: MentorNode,
}

#[derive(SimpleObject)]
pub struct MentoringRequestPayload {
    pub request: RequestNode,
}

#[derive(SimpleObject)]
pub struct MentoringSessionPayload {
    pub session: SessionNode,
}

#[derive(Default)]
pub struct MentorMutation;

#[Object]
impl MentorMutation {
    /// Registra un mentor de la red (entidades nacionales para su organización, administradores).
    async fn register_mentor(&self, ctx: &Context<'_>, input: MentorInput) -> ApiResult<MentorPayload> {
        let new = NewMentor {
            organisation_code: input.organisation_code,
            name: input.name,
            kind: input.kind,
            competencies: input.competencies,
            profile: input.profile,
            department_codes: input.department_codes,
            hours_per_month: input.hours_per_month,
            contact: input.contact,
        };
        Ok(MentorPayload {
            mentor: MentorNode(service(ctx)?.register_mentor(ctx.data::<Actor>()?, new).await?),
        })
    }

    /// Una entidad territorial pide mentoría sobre un tema.
    async fn request_mentoring(
        &self,
        ctx: &Context<'_>,
        entity_code: String,
        topic: String,
        need: String,
    ) -> ApiResult<MentoringRequestPayload> {
        let request =
            service(ctx)?.request_mentoring(ctx.data::<Actor>()?, &entity_code, &topic, &need).await?;
        Ok(MentoringRequestPayload { request: RequestNode { request, sessions: Vec::new() } })
    }

    /// La entidad empareja su solicitud con un mentor.
    async fn assign_mentor(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
        mentor_id: ID,
    ) -> ApiResult<MentoringRequestPayload> {
        let (request_id, mentor_id) =
            (parse_id(&request_id, "solicitud de mentoría")?, parse_id(&mentor_id, "mentor")?);
        let request = service(ctx)?.assign_mentor(ctx.data::<Actor>()?, request_id, mentor_id).await?;
        Ok(MentoringRequestPayload { request: RequestNode { request, sessions: Vec::new() } })
    }

    /// La organización del mentor registra una sesión realizada.
    async fn log_mentoring_session(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
        held_on: NaiveDate,
        hours: f64,
        notes: String,
    ) -> ApiResult<MentoringSessionPayload> {
        let request_id = parse_id(&request_id, "solicitud de mentoría")?;
        let session =
            service(ctx)?.log_session(ctx.data::<Actor>()?, request_id, held_on, hours, &notes).await?;
        Ok(MentoringSessionPayload { session: session.into() })
    }

    /// Los equipos de la entidad califican una sesión, una vez, de 1 a 5.
    async fn rate_mentoring_session(
        &self,
        ctx: &Context<'_>,
        session_id: ID,
        rating: i32,
    ) -> ApiResult<MentoringSessionPayload> {
        let session_id = parse_id(&session_id, "sesión de mentoría")?;
        let session = service(ctx)?.rate_session(ctx.data::<Actor>()?, session_id, rating).await?;
        Ok(MentoringSessionPayload { session: session.into() })
    }
}
