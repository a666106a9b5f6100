//! GraphQL of what follows an assignment: deliveries, evaluations, closing a
//! demand, the indicators and the focalisation map.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context, InputObject, Object, SimpleObject, ID,
};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{service, AssistanceLoader, DemandNode, DemandPayload, OfferNode};
use crate::{
    assistance::{
        delivery::{NewDelivery, NewEvaluation},
        indicators::{self, DemandFacts, FocusCell, Indicator, IndicatorGrouping},
        model::{Delivery, Demand, Modality},
        AssistanceService,
    },
    authorisation::Actor,
    connection::parse_id,
    error::{ApiResult, ServiceError},
};

/// Una entrega de asistencia técnica: una sesión, un taller, una visita.
pub struct DeliveryNode(pub Delivery);

#[Object(name = "AttDelivery")]
impl DeliveryNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn offer(&self, ctx: &Context<'_>) -> ApiResult<Option<OfferNode>> {
        Ok(service(ctx)?.offer(self.0.offer_id).await?.map(OfferNode))
    }
    async fn demand_id(&self) -> ID {
        ID(self.0.demand_id.to_string())
    }
    async fn delivered_on(&self) -> NaiveDate {
        self.0.delivered_on
    }
    async fn hours(&self) -> f64 {
        self.0.hours
    }
    async fn participants(&self) -> i32 {
        self.0.participants
    }
    async fn modality(&self) -> Modality {
        self.0.modality
    }
    async fn notes(&self) -> &str {
        &self.0.notes
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// La evaluación de la entidad que la recibió, cuando ya la dio.
    async fn evaluation(&self) -> Option<EvaluationNode> {
        self.0.evaluation.as_ref().map(|e| EvaluationNode {
            satisfaction: i32::from(e.satisfaction),
            capacity_installed: e.capacity_installed,
            comments: e.comments.clone(),
            created_at: e.created_at,
        })
    }
    /// Los comentarios del departamento de la entidad que la recibió, del más antiguo al más reciente.
    async fn comments(&self) -> Vec<DeliveryCommentNode> {
        self.0
            .comments
            .iter()
            .map(|c| DeliveryCommentNode {
                id: ID(c.id.to_string()),
                entity_code: c.entity_code.clone(),
                comments: c.body.clone(),
                created_at: c.created_at,
            })
            .collect()
    }
}

/// Lo que el departamento dice de una entrega a uno de sus municipios (no es la evaluación).
#[derive(SimpleObject)]
#[graphql(name = "AttDeliveryComment")]
pub struct DeliveryCommentNode {
    id: ID,
    /// Código DIVIPOLA del departamento que comenta.
    entity_code: String,
    comments: String,
    created_at: DateTime<Utc>,
}

/// Lo que la entidad territorial dice de una entrega.
#[derive(SimpleObject)]
#[graphql(name = "AttEvaluation")]
pub struct EvaluationNode {
    /// De 1 (nada satisfecha) a 5 (muy satisfecha).
    satisfaction: i32,
    /// La entidad puede hacer ahora por sí misma lo que la asistencia enseñó.
    capacity_installed: bool,
    comments: String,
    created_at: DateTime<Utc>,
}

/// Una entrega que registra la organización oferente.
#[derive(InputObject)]
pub struct RecordDeliveryInput {
    pub offer_id: ID,
    pub demand_id: ID,
    /// Fecha en que se realizó (no futura, no anterior al inicio de la oferta).
    pub delivered_on: NaiveDate,
    /// Horas de asistencia (más de 0 y hasta 500).
    pub hours: f64,
    /// Personas de la entidad que participaron.
    pub participants: i32,
    pub modality: Modality,
    #[graphql(default)]
    pub notes: String,
}

/// La evaluación de una entrega por la entidad que la recibió.
#[derive(InputObject)]
pub struct EvaluateDeliveryInput {
    /// De 1 (nada satisfecha) a 5 (muy satisfecha).
    pub satisfaction: i32,
    /// ¿Quedó la capacidad instalada en la entidad?
    pub capacity_installed: bool,
    #[graphql(default)]
    pub comments: String,
}

#[derive(SimpleObject)]
pub struct DeliveryPayload {
    delivery: DeliveryNode,
}

/// Indicadores de la asistencia técnica de un grupo.
#[derive(SimpleObject)]
#[graphql(name = "AssistanceIndicator")]
pub struct IndicatorNode {
    /// El grupo: id de la oferta, código de la organización o del departamento, o el tema (sin tildes).
    key: String,
    /// Demandas del grupo (para una oferta u organización: las que tiene asignadas).
    demands: i32,
    /// Demandas con al menos una entrega (de las ofertas del grupo).
    demands_covered: i32,
    /// Demandas cubiertas ÷ demandas.
    coverage: f64,
    /// Entidades territoriales distintas que recibieron asistencia.
    entities_reached: i32,
    /// De ellas, las del grupo de capacidades más bajas (grupo 5 de la medición del DNP;
    /// sin grupo en el registro, la categoría 6).
    lowest_capacity_reached: i32,
    deliveries: i32,
    hours: f64,
    evaluations: i32,
    /// Satisfacción promedio (1 a 5) de las entregas evaluadas; nula sin evaluaciones.
    average_satisfaction: Option<f64>,
    /// Evaluaciones que dicen que la capacidad quedó instalada.
    capacity_installed: i32,
}

impl From<Indicator> for IndicatorNode {
    fn from(row: Indicator) -> Self {
        let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        Self {
            coverage: if row.demands == 0 {
                0.0
            } else {
                f64::from(row.demands_covered) / f64::from(row.demands)
            },
            key: row.key,
            demands: count(row.demands),
            demands_covered: count(row.demands_covered),
            entities_reached: count(row.entities_reached),
            lowest_capacity_reached: count(row.lowest_capacity_reached),
            deliveries: count(row.deliveries),
            hours: row.hours,
            evaluations: count(row.evaluations),
            average_satisfaction: row.average_satisfaction,
            capacity_installed: count(row.capacity_installed),
        }
    }
}

/// Demanda de asistencia técnica de un departamento en un tema.
#[derive(SimpleObject)]
#[graphql(name = "DemandFocusCell")]
pub struct FocusCellNode {
    department_code: String,
    /// El tema, sin tildes ni mayúsculas.
    topic: String,
    /// El tema como lo escriben las demandas (la forma más usada, con sus tildes): para mostrarlo.
    topic_label: String,
    demands: i32,
    /// Demandas sin ninguna oferta asignada.
    unmet: i32,
    /// Demandas que ya recibieron asistencia.
    attended: i32,
}

impl From<FocusCell> for FocusCellNode {
    fn from(cell: FocusCell) -> Self {
        let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        Self {
            department_code: cell.department_code,
            topic: cell.topic,
            topic_label: cell.topic_label,
            demands: count(cell.demands),
            unmet: count(cell.unmet),
            attended: count(cell.attended),
        }
    }
}

fn year(year: Option<i32>) -> Result<Option<i32>, ServiceError> {
    match year {
        Some(y) if !(2000..=2100).contains(&y) => {
            Err(ServiceError::invalid("el año debe estar entre 2000 y 2100"))
        }
        other => Ok(other),
    }
}

/// The facts of the indicators of one year (`None`: of every year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FactsOfYear(Option<i32>);

/// Read once per request however many of its fields ask for them: the
/// secretariat's page asks for the indicators and the focalisation map of
/// the same year together, and each is a read of the whole year.
impl Loader<FactsOfYear> for AssistanceLoader {
    type Value = Arc<Vec<DemandFacts>>;
    type Error = Arc<ServiceError>;

    async fn load(&self, keys: &[FactsOfYear]) -> Result<HashMap<FactsOfYear, Self::Value>, Self::Error> {
        let mut loaded = HashMap::with_capacity(keys.len());
        for key in keys {
            let facts = self.0.demand_facts(key.0).await.map_err(Arc::new)?;
            loaded.insert(*key, Arc::new(facts));
        }
        Ok(loaded)
    }
}

async fn facts_of(ctx: &Context<'_>, year: Option<i32>) -> ApiResult<Arc<Vec<DemandFacts>>> {
    let key = FactsOfYear(self::year(year)?);
    let loader = ctx.data::<DataLoader<AssistanceLoader>>()?;
    Ok(loader.load_one(key).await?.unwrap_or_default())
}

#[derive(Default)]
pub struct AssistanceOutcomeQuery;

#[Object]
impl AssistanceOutcomeQuery {
    /// Indicadores de la asistencia técnica por oferta, organización, departamento o tema:
    /// demanda cubierta, entidades alcanzadas, evaluación promedio y municipios del grupo de
    /// capacidades más bajas alcanzados. `year` limita a las demandas registradas ese año.
    async fn assistance_indicators(
        &self,
        ctx: &Context<'_>,
        group_by: IndicatorGrouping,
        year: Option<i32>,
    ) -> ApiResult<Vec<IndicatorNode>> {
        let facts = facts_of(ctx, year).await?;
        Ok(indicators::indicators(&facts, group_by).into_iter().map(Into::into).collect())
    }

    /// Focalización: la demanda por departamento y tema, la más desatendida primero
    /// (también en CSV en `/att/focalizacion.csv`).
    async fn demand_focalisation(
        &self,
        ctx: &Context<'_>,
        year: Option<i32>,
    ) -> ApiResult<Vec<FocusCellNode>> {
        let facts = facts_of(ctx, year).await?;
        Ok(indicators::focalisation(&facts).into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct AssistanceOutcomeMutation;

#[Object]
impl AssistanceOutcomeMutation {
    /// Registra una entrega de una oferta asignada (la organización oferente); la demanda pasa a atendida.
    async fn record_delivery(
        &self,
        ctx: &Context<'_>,
        input: RecordDeliveryInput,
    ) -> ApiResult<DeliveryPayload> {
        let new = NewDelivery {
            offer_id: parse_id(&input.offer_id, "oferta")?,
            demand_id: parse_id(&input.demand_id, "demanda")?,
            delivered_on: input.delivered_on,
            hours: input.hours,
            participants: input.participants,
            modality: input.modality,
            notes: input.notes,
        };
        let delivery = service(ctx)?.record_delivery(ctx.data::<Actor>()?, new).await?;
        Ok(DeliveryPayload { delivery: DeliveryNode(delivery) })
    }

    /// La entidad que recibió una entrega la evalúa, una vez.
    async fn evaluate_delivery(
        &self,
        ctx: &Context<'_>,
        delivery_id: ID,
        input: EvaluateDeliveryInput,
    ) -> ApiResult<DeliveryPayload> {
        let id = parse_id(&delivery_id, "entrega")?;
        let new = NewEvaluation {
            satisfaction: input.satisfaction,
            capacity_installed: input.capacity_installed,
            comments: input.comments,
        };
        let delivery = service(ctx)?.evaluate_delivery(ctx.data::<Actor>()?, id, new).await?;
        Ok(DeliveryPayload { delivery: DeliveryNode(delivery) })
    }

    /// El departamento de la entidad que recibió una entrega la comenta (la evaluación sigue siendo de la entidad).
    async fn comment_delivery(
        &self,
        ctx: &Context<'_>,
        delivery_id: ID,
        comments: String,
    ) -> ApiResult<DeliveryPayload> {
        let id = parse_id(&delivery_id, "entrega")?;
        let delivery = service(ctx)?.comment_delivery(ctx.data::<Actor>()?, id, &comments).await?;
        Ok(DeliveryPayload { delivery: DeliveryNode(delivery) })
    }

    /// La entidad cierra su demanda (atendida, o ya no necesaria).
    async fn close_demand(&self, ctx: &Context<'_>, id: ID) -> ApiResult<DemandPayload> {
        let id = parse_id(&id, "demanda")?;
        let demand = service(ctx)?.close_demand(ctx.data::<Actor>()?, id).await?;
        Ok(DemandPayload { demand: DemandNode(demand) })
    }
}

/// The deliveries of many demands at once.
pub struct DeliveryLoader(pub std::sync::Arc<AssistanceService>);

impl Loader<Uuid> for DeliveryLoader {
    type Value = Vec<Delivery>;
    type Error = Arc<ServiceError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<Delivery>>, Self::Error> {
        self.0.deliveries_of_demands(keys).await.map_err(Arc::new)
    }
}

/// The demands assigned to many offers at once.
pub struct AssignedDemandLoader(pub std::sync::Arc<AssistanceService>);

impl Loader<Uuid> for AssignedDemandLoader {
    type Value = Vec<Demand>;
    type Error = Arc<ServiceError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<Demand>>, Self::Error> {
        self.0.assigned_demands(keys).await.map_err(Arc::new)
    }
}
