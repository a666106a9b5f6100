//! GraphQL of the assistance market: parse, authorise through the service, shape.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context, InputObject, Object, SimpleObject, ID,
};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    matching::{Factor, Reason},
    model::{Demand, DemandStatus, Modality, Offer, OfferStatus, Priority},
    rules,
    service::{newest_key, DemandInput, OfferInput, Recommendation, Relevance},
    AssistanceService,
};
use crate::{
    access::resolvers::{AccessLoader, OrganisationCode, OrganisationNode},
    authorisation::{rules as access_rules, Actor, Role},
    connection::parse_id,
    connection::{connection, CountedConnection},
    error::{ApiResult, ServiceError},
    pagination::PageRequest,
    territory::{
        loader::TerritoryLoader, resolvers::TerritorialEntityNode, MunicipalCategory, TerritorialKind,
    },
};

mod outcomes;

pub use outcomes::{AssignedDemandLoader, AssistanceOutcomeMutation, AssistanceOutcomeQuery, DeliveryLoader};

fn service<'a>(ctx: &Context<'a>) -> ApiResult<&'a AssistanceService> {
    Ok(ctx.data::<AssistanceService>()?)
}

/// Most recommendations listed at once.
const MAX_RECOMMENDATIONS: i32 = 100;

fn limit(first: Option<i32>) -> Result<usize, ServiceError> {
    match first.unwrap_or(10) {
        n if (0..=MAX_RECOMMENDATIONS).contains(&n) => Ok(n as usize),
        _ => Err(ServiceError::invalid(format!("«first» va de 0 a {MAX_RECOMMENDATIONS}"))),
    }
}

#[derive(Default)]
pub struct AssistanceQuery;

#[Object]
impl AssistanceQuery {
    /// Una oferta de asistencia técnica. Los borradores solo los ve su organización.
    async fn offer(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<OfferNode>> {
        let id = parse_id(&id, "oferta")?;
        let offer = service(ctx)?.offer(id).await?;
        let actor = ctx.data::<Actor>()?;
        Ok(offer.filter(|o| visible(actor, o)).map(OfferNode))
    }

    /// Ofertas, la más reciente primero: las publicadas y cerradas para todos; los borradores,
    /// también para su organización.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn offers(
        &self,
        ctx: &Context<'_>,
        organisation_code: Option<String>,
        status: Option<OfferStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<OfferNode>> {
        let page = PageRequest::parse(first, after)?;
        let actor = ctx.data::<Actor>()?;
        let own = actor.user().and_then(|u| u.organisation_code.as_deref());
        let found = service(ctx)?.offers(organisation_code.as_deref(), status, own, &page).await?;
        Ok(connection(found, &page, |o| newest_key(o.created_at, o.id), OfferNode))
    }

    /// Demandas, la más reciente primero (con sesión): un equipo territorial ve las de su
    /// jurisdicción; las entidades nacionales, todas.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn demands(
        &self,
        ctx: &Context<'_>,
        entity_code: Option<String>,
        status: Option<DemandStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<DemandNode>> {
        let page = PageRequest::parse(first, after)?;
        let found =
            service(ctx)?.demands(ctx.data::<Actor>()?, entity_code.as_deref(), status, &page).await?;
        Ok(connection(found, &page, |d| newest_key(d.created_at, d.id), DemandNode))
    }

    /// Una demanda de asistencia técnica (con sesión), con la misma regla que `demands`: la ven
    /// la entidad, su departamento y el lado nacional; `null` si no existe o no puede verla.
    async fn demand(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<DemandNode>> {
        let id = parse_id(&id, "demanda")?;
        Ok(service(ctx)?.visible_demand(ctx.data::<Actor>()?, id).await?.map(DemandNode))
    }

    /// Las ofertas elegibles para una demanda, de la más a la menos adecuada, con sus razones y su peso.
    async fn recommended_offers(
        &self,
        ctx: &Context<'_>,
        demand_id: ID,
        first: Option<i32>,
    ) -> ApiResult<Vec<OfferMatch>> {
        let id = parse_id(&demand_id, "demanda")?;
        // Recommendations show the demand: whoever may not see it is told it does not exist.
        if service(ctx)?.visible_demand(ctx.data::<Actor>()?, id).await?.is_none() {
            return Err(ServiceError::NotFound(format!("no existe la demanda {id}")).into());
        }
        let relevance = ctx.data::<Relevance>()?;
        let found = service(ctx)?.recommended_offers(id, limit(first)?, relevance.0.as_ref()).await?;
        Ok(found.into_iter().map(OfferMatch).collect())
    }

    /// Las demandas abiertas que una oferta debería atender primero (enfoque diferencial).
    async fn recommended_demands(
        &self,
        ctx: &Context<'_>,
        offer_id: ID,
        first: Option<i32>,
    ) -> ApiResult<Vec<DemandMatch>> {
        access_rules::require_user(ctx.data::<Actor>()?, "consultar recomendaciones")?;
        let id = parse_id(&offer_id, "oferta")?;
        let found = service(ctx)?.recommended_demands(id, limit(first)?).await?;
        Ok(found.into_iter().map(DemandMatch).collect())
    }
}

fn visible(actor: &Actor, offer: &Offer) -> bool {
    offer.status == OfferStatus::Published
        || offer.status == OfferStatus::Closed
        || actor.user().is_some_and(|u| {
            u.role == Role::Admin || u.organisation_code.as_deref() == Some(&offer.organisation_code)
        })
}

/// Una oferta de asistencia técnica territorial.
#[derive(InputObject)]
pub struct OfferInputObject {
    /// La organización oferente (un usuario nacional solo registra para la suya).
    pub organisation_code: Option<String>,
    pub title: String,
    pub description: String,
    /// Tema (p. ej. del catálogo de competencias).
    pub topic: String,
    pub competency: Option<String>,
    /// Unidad programática del catálogo de clasificación del gasto que atiende (código o nombre).
    pub programmatic_unit: Option<String>,
    pub modality: Modality,
    pub target_kinds: Vec<TerritorialKind>,
    /// Categorías municipales a las que se dirige; vacío: todas.
    #[graphql(default)]
    pub target_categories: Vec<MunicipalCategory>,
    /// Departamentos cubiertos; vacío: todo el país.
    #[graphql(default)]
    pub department_codes: Vec<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Cuántas entidades puede atender.
    pub capacity: i32,
    /// Costo para la entidad, en pesos (0: gratuita).
    #[graphql(default)]
    pub cost_to_entity: i64,
    pub contact: String,
}

impl From<OfferInputObject> for OfferInput {
    fn from(input: OfferInputObject) -> Self {
        Self {
            organisation_code: input.organisation_code,
            title: input.title,
            description: input.description,
            topic: input.topic,
            competency: input.competency,
            programmatic_unit: input.programmatic_unit,
            modality: input.modality,
            target_kinds: input.target_kinds,
            target_categories: input.target_categories,
            department_codes: input.department_codes,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            capacity: input.capacity,
            cost_to_entity: input.cost_to_entity,
            contact: input.contact,
        }
    }
}

/// Una demanda de asistencia técnica de una entidad territorial.
#[derive(InputObject)]
pub struct DemandInputObject {
    pub entity_code: String,
    /// La necesidad, en palabras de la entidad.
    pub need: String,
    pub topic: String,
    pub priority: Priority,
    /// La brecha de capacidad que atiende.
    pub capacity_gap: String,
    pub desired_from: Option<NaiveDate>,
    pub desired_to: Option<NaiveDate>,
}

impl From<DemandInputObject> for DemandInput {
    fn from(input: DemandInputObject) -> Self {
        Self {
            entity_code: input.entity_code,
            need: input.need,
            topic: input.topic,
            priority: input.priority,
            capacity_gap: input.capacity_gap,
            desired_from: input.desired_from,
            desired_to: input.desired_to,
        }
    }
}

#[derive(SimpleObject)]
pub struct OfferPayload {
    pub offer: OfferNode,
}

#[derive(SimpleObject)]
pub struct DemandPayload {
    pub demand: DemandNode,
}

#[derive(SimpleObject)]
pub struct AssignOfferPayload {
    pub offer: OfferNode,
    pub demand: DemandNode,
}

#[derive(Default)]
pub struct AssistanceMutation;

#[Object]
impl AssistanceMutation {
    /// Registra una oferta como borrador de la organización.
    async fn create_offer(&self, ctx: &Context<'_>, input: OfferInputObject) -> ApiResult<OfferPayload> {
        let offer = service(ctx)?.create_offer(ctx.data::<Actor>()?, input.into()).await?;
        Ok(OfferPayload { offer: OfferNode(offer) })
    }

    /// Cambia una oferta en borrador o publicada.
    async fn update_offer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: OfferInputObject,
    ) -> ApiResult<OfferPayload> {
        let id = parse_id(&id, "oferta")?;
        let offer = service(ctx)?.update_offer(ctx.data::<Actor>()?, id, input.into()).await?;
        Ok(OfferPayload { offer: OfferNode(offer) })
    }

    /// Publica un borrador: entra al catálogo y a la búsqueda.
    async fn publish_offer(&self, ctx: &Context<'_>, id: ID) -> ApiResult<OfferPayload> {
        set_status(ctx, &id, OfferStatus::Published).await
    }

    /// Cierra una oferta publicada (no recibe más asignaciones).
    async fn close_offer(&self, ctx: &Context<'_>, id: ID) -> ApiResult<OfferPayload> {
        set_status(ctx, &id, OfferStatus::Closed).await
    }

    /// Archiva una oferta: sale del catálogo y de la búsqueda.
    async fn archive_offer(&self, ctx: &Context<'_>, id: ID) -> ApiResult<OfferPayload> {
        set_status(ctx, &id, OfferStatus::Archived).await
    }

    /// Registra una demanda de la entidad (o, para un departamento, de uno de sus municipios).
    async fn create_demand(&self, ctx: &Context<'_>, input: DemandInputObject) -> ApiResult<DemandPayload> {
        let demand = service(ctx)?.create_demand(ctx.data::<Actor>()?, input.into()).await?;
        Ok(DemandPayload { demand: DemandNode(demand) })
    }

    async fn update_demand(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: DemandInputObject,
    ) -> ApiResult<DemandPayload> {
        let id = parse_id(&id, "demanda")?;
        let demand = service(ctx)?.update_demand(ctx.data::<Actor>()?, id, input.into()).await?;
        Ok(DemandPayload { demand: DemandNode(demand) })
    }

    /// Asigna una oferta publicada con cupo a una demanda (la organización oferente o un administrador).
    async fn assign_offer(
        &self,
        ctx: &Context<'_>,
        offer_id: ID,
        demand_id: ID,
    ) -> ApiResult<AssignOfferPayload> {
        let offer_id = parse_id(&offer_id, "oferta")?;
        let demand_id = parse_id(&demand_id, "demanda")?;
        let (offer, demand) = service(ctx)?.assign(ctx.data::<Actor>()?, offer_id, demand_id).await?;
        Ok(AssignOfferPayload { offer: OfferNode(offer), demand: DemandNode(demand) })
    }
}

async fn set_status(ctx: &Context<'_>, id: &ID, status: OfferStatus) -> ApiResult<OfferPayload> {
    let id = parse_id(id, "oferta")?;
    let offer = service(ctx)?.set_offer_status(ctx.data::<Actor>()?, id, status).await?;
    Ok(OfferPayload { offer: OfferNode(offer) })
}

/// Oferta de asistencia técnica territorial.
pub struct OfferNode(pub Offer);

#[Object(name = "Offer")]
impl OfferNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<OrganisationNode>> {
        let loader = ctx.data::<DataLoader<AccessLoader>>()?;
        Ok(loader.load_one(OrganisationCode(self.0.organisation_code.clone())).await?.map(OrganisationNode))
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn topic(&self) -> &str {
        &self.0.topic
    }
    async fn competency(&self) -> Option<&str> {
        self.0.competency.as_deref()
    }
    /// Unidad programática que atiende, como la escribió su organización; `unitReferences` dice a qué código quedó enlazada.
    async fn programmatic_unit(&self) -> Option<&str> {
        self.0.programmatic_unit.as_deref()
    }
    async fn modality(&self) -> Modality {
        self.0.modality
    }
    async fn target_kinds(&self) -> &[TerritorialKind] {
        &self.0.target_kinds
    }
    /// Vacío: todas las categorías.
    async fn target_categories(&self) -> &[MunicipalCategory] {
        &self.0.target_categories
    }
    /// Vacío: todo el país.
    async fn department_codes(&self) -> &[String] {
        &self.0.department_codes
    }
    async fn starts_on(&self) -> NaiveDate {
        self.0.starts_on
    }
    async fn ends_on(&self) -> NaiveDate {
        self.0.ends_on
    }
    async fn capacity(&self) -> i32 {
        self.0.capacity
    }
    async fn cost_to_entity(&self) -> i64 {
        self.0.cost_to_entity
    }
    async fn contact(&self) -> &str {
        &self.0.contact
    }
    async fn status(&self) -> OfferStatus {
        self.0.status
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Las demandas a las que está asignada, la primera asignación primero: para registrar sus
    /// entregas. Solo para su organización y los administradores; `null` para los demás.
    async fn assigned_demands(&self, ctx: &Context<'_>) -> ApiResult<Option<Vec<DemandNode>>> {
        let user = ctx.data::<Actor>()?.user();
        if !user.is_some_and(|u| rules::may_manage_offer(u, &self.0.organisation_code)) {
            return Ok(None);
        }
        let loader = ctx.data::<DataLoader<AssignedDemandLoader>>()?;
        Ok(Some(loader.load_one(self.0.id).await?.unwrap_or_default().into_iter().map(DemandNode).collect()))
    }
}

/// Demanda de asistencia técnica de una entidad territorial.
pub struct DemandNode(pub Demand);

#[Object(name = "Demand")]
impl DemandNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn entity(&self, ctx: &Context<'_>) -> ApiResult<Option<TerritorialEntityNode>> {
        let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
        Ok(loader.load_one(self.0.entity_code.clone()).await?.map(TerritorialEntityNode))
    }
    async fn need(&self) -> &str {
        &self.0.need
    }
    async fn topic(&self) -> &str {
        &self.0.topic
    }
    async fn priority(&self) -> Priority {
        self.0.priority
    }
    async fn capacity_gap(&self) -> &str {
        &self.0.capacity_gap
    }
    async fn desired_from(&self) -> Option<NaiveDate> {
        self.0.desired_from
    }
    async fn desired_to(&self) -> Option<NaiveDate> {
        self.0.desired_to
    }
    async fn status(&self) -> DemandStatus {
        self.0.status
    }
    /// Las entregas de asistencia recibidas, de la más antigua a la más reciente, con su evaluación.
    async fn deliveries(&self, ctx: &Context<'_>) -> ApiResult<Vec<outcomes::DeliveryNode>> {
        let loader = ctx.data::<DataLoader<DeliveryLoader>>()?;
        Ok(loader
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(outcomes::DeliveryNode)
            .collect())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Una razón del puntaje y su peso (los pesos suman el puntaje).
#[derive(SimpleObject)]
pub struct MatchReason {
    pub factor: Factor,
    pub weight: f64,
    pub explanation: String,
}

fn reasons(reasons: &[Reason]) -> Vec<MatchReason> {
    reasons
        .iter()
        .map(|r| MatchReason { factor: r.factor, weight: r.weight, explanation: r.explanation.clone() })
        .collect()
}

/// Una oferta recomendada para una demanda.
pub struct OfferMatch(pub Recommendation<Offer>);

#[Object]
impl OfferMatch {
    async fn offer(&self) -> OfferNode {
        OfferNode(self.0.item.clone())
    }
    /// De 0 a 1.
    async fn score(&self) -> f64 {
        self.0.score
    }
    async fn reasons(&self) -> Vec<MatchReason> {
        reasons(&self.0.reasons)
    }
}

/// Una demanda a la que una oferta debería llegar.
pub struct DemandMatch(pub Recommendation<Demand>);

#[Object]
impl DemandMatch {
    async fn demand(&self) -> DemandNode {
        DemandNode(self.0.item.clone())
    }
    async fn score(&self) -> f64 {
        self.0.score
    }
    async fn reasons(&self) -> Vec<MatchReason> {
        reasons(&self.0.reasons)
    }
}

/// Batch loading of offers (search hits name many).
pub struct AssistanceLoader(pub std::sync::Arc<AssistanceService>);

impl Loader<Uuid> for AssistanceLoader {
    type Value = Offer;
    type Error = Arc<ServiceError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Offer>, Self::Error> {
        self.0.offers_by_id(keys).await.map_err(Arc::new)
    }
}

/// Qué ofertas recién publicadas se quieren oír.
#[derive(InputObject, Default)]
pub struct OfferPublishedFilter {
    /// El tema, sin importar tildes ni mayúsculas.
    pub topic: Option<String>,
    /// Un departamento: llegan las ofertas que lo cubren (y las nacionales).
    pub department_code: Option<String>,
}

#[derive(Default)]
pub struct AssistanceSubscription;

#[async_graphql::Subscription]
impl AssistanceSubscription {
    /// Cada oferta que entra al catálogo público, desde cualquier instancia.
    async fn offer_published(
        &self,
        ctx: &Context<'_>,
        filter: Option<OfferPublishedFilter>,
    ) -> Result<impl futures_util::Stream<Item = OfferNode>, crate::error::ApiError> {
        let filter = filter.unwrap_or_default();
        let topic = filter.topic.map(|t| crate::text::fold(&t));
        let department = filter.department_code.map(|d| d.trim().to_owned());
        let wanted = move |offer: &Offer| {
            topic.as_ref().is_none_or(|t| *t == crate::text::fold(&offer.topic))
                && department
                    .as_ref()
                    .is_none_or(|d| offer.department_codes.is_empty() || offer.department_codes.contains(d))
        };
        Ok(ctx
            .data::<crate::events::EventBus<Offer>>()?
            .stream(move |offer| wanted(&offer).then_some(OfferNode(offer))))
    }
}
