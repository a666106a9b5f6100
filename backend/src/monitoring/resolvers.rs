//! GraphQL of monitoring: parse, call the service, shape the answer.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::{
    model::{Direction, Indicator, IndicatorValue, NewIndicator, PeerGroupKind, TrafficLight},
    rules::{self, Spread},
    service::MonitoringService,
    views::{self, LightCounts},
};
use crate::{
    authorisation::Actor,
    connection::{connection, CountedConnection},
    error::ApiResult,
    pagination::PageRequest,
    reporting::model::Periodicity,
    territory::resolvers::TerritorialEntityNode,
};

fn service<'a>(ctx: &Context<'a>) -> ApiResult<&'a MonitoringService> {
    Ok(ctx.data::<MonitoringService>()?)
}

/// Indicador de desempeño de una competencia: una fórmula sobre elementos de datos del catálogo.
pub struct IndicatorNode(pub Indicator);

#[Object(name = "Indicator")]
impl IndicatorNode {
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Versión: cada nuevo registro del mismo código la aumenta; la anterior queda en la auditoría.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Competencia que mide.
    async fn competency(&self) -> &str {
        &self.0.competency
    }

    async fn programmatic_unit(&self) -> Option<&str> {
        self.0.programmatic_unit.as_deref()
    }

    /// Fórmula sobre códigos de elementos de datos, con + - * / y paréntesis.
    async fn formula(&self) -> &str {
        &self.0.formula
    }

    /// Elementos de datos que lee la fórmula.
    async fn data_element_codes(&self) -> &[String] {
        &self.0.element_codes
    }

    async fn unit(&self) -> &str {
        &self.0.unit
    }

    async fn direction(&self) -> Direction {
        self.0.direction
    }

    /// Umbral inferior del semáforo.
    async fn lower_threshold(&self) -> f64 {
        self.0.lower_threshold
    }

    /// Umbral superior del semáforo.
    async fn upper_threshold(&self) -> f64 {
        self.0.upper_threshold
    }

    async fn periodicity(&self) -> Periodicity {
        self.0.periodicity
    }

    /// Fuente y notas del indicador.
    async fn source_note(&self) -> &str {
        &self.0.source_note
    }

    /// Organización dueña del indicador.
    async fn owner_code(&self) -> &str {
        &self.0.owner_code
    }

    /// De uso restringido: no público (ver `registerIndicator`).
    async fn restricted(&self) -> bool {
        self.0.restricted
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Resultado de un indicador para una entidad y un periodo.
pub struct IndicatorValueNode(pub IndicatorValue);

#[Object(name = "IndicatorValue")]
impl IndicatorValueNode {
    async fn entity_code(&self) -> &str {
        &self.0.entity_code
    }

    async fn period(&self) -> &str {
        &self.0.period
    }

    /// Valor; `null` si falta un insumo o un denominador vale cero (ver `missingInputs` y `reason`).
    async fn value(&self) -> Option<f64> {
        self.0.value
    }

    /// Algún insumo está en conflicto: el valor se marca «en conflicto», no se descarta.
    async fn in_conflict(&self) -> bool {
        !self.0.conflicting.is_empty()
    }

    /// Insumos sin valor reportado.
    async fn missing_inputs(&self) -> &[String] {
        &self.0.missing
    }

    /// Insumos en conflicto.
    async fn conflicting_inputs(&self) -> &[String] {
        &self.0.conflicting
    }

    /// Por qué no hay valor, en palabras.
    async fn reason(&self) -> Option<String> {
        note(&self.0)
    }

    async fn computed_at(&self) -> DateTime<Utc> {
        self.0.computed_at
    }
}

/// The Spanish note of a result: what is missing, in conflict or wrong.
pub fn note(result: &IndicatorValue) -> Option<String> {
    let mut parts = Vec::new();
    if !result.missing.is_empty() {
        parts.push(format!("falta: {}", result.missing.join(", ")));
    }
    if let Some(reason) = &result.reason {
        parts.push(reason.clone());
    }
    if !result.conflicting.is_empty() {
        parts.push(format!("en conflicto: {}", result.conflicting.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Mediana y cuartiles de un grupo (interpolación lineal, como CUARTIL.INC).
#[derive(SimpleObject)]
#[graphql(name = "Spread")]
pub struct SpreadNode {
    /// Valores en el grupo.
    pub count: i32,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

impl From<Spread> for SpreadNode {
    fn from(spread: Spread) -> Self {
        Self { count: spread.count as i32, q1: spread.q1, median: spread.median, q3: spread.q3 }
    }
}

/// Semáforos contados en un grupo.
#[derive(SimpleObject)]
#[graphql(name = "TrafficLightCounts")]
pub struct LightCountsNode {
    pub green: i32,
    pub yellow: i32,
    pub red: i32,
    /// Entidades del grupo sin valor.
    pub without_value: i32,
}

impl From<LightCounts> for LightCountsNode {
    fn from(counts: LightCounts) -> Self {
        Self {
            green: counts.green as i32,
            yellow: counts.yellow as i32,
            red: counts.red as i32,
            without_value: counts.without_value as i32,
        }
    }
}

/// Dónde queda un valor entre sus pares.
#[derive(SimpleObject)]
pub struct PeerStanding {
    pub kind: PeerGroupKind,
    /// Clave del grupo: categoría, grupo de capacidades o código del departamento.
    pub group: String,
    /// `null` si nadie del grupo tiene valor.
    pub spread: Option<SpreadNode>,
    /// Puesto en el grupo, 1 el mejor según el sentido del indicador.
    pub rank: Option<i32>,
}

/// Un punto de la serie de tiempo.
#[derive(SimpleObject)]
pub struct SeriesPoint {
    pub period: String,
    pub value: Option<f64>,
}

/// Un indicador de una entidad en un periodo, con su semáforo, sus pares y su serie.
pub struct EntityIndicatorNode(views::IndicatorResult);

#[Object(name = "EntityIndicator")]
impl EntityIndicatorNode {
    async fn indicator(&self) -> IndicatorNode {
        IndicatorNode(self.0.indicator.clone())
    }

    /// `null` si la entidad no ha reportado ningún insumo en el periodo.
    async fn result(&self) -> Option<IndicatorValueNode> {
        self.0.result.clone().map(IndicatorValueNode)
    }

    async fn traffic_light(&self) -> Option<TrafficLight> {
        self.0.light
    }

    /// Valor del periodo anterior.
    async fn previous_value(&self) -> Option<f64> {
        self.0.previous
    }

    /// Cambio frente al periodo anterior.
    async fn change(&self) -> Option<f64> {
        self.0.change
    }

    /// Entre los municipios de su categoría, su grupo de capacidades y su departamento.
    async fn peers(&self) -> Vec<PeerStanding> {
        self.0
            .peers
            .iter()
            .map(|peer| PeerStanding {
                kind: peer.kind,
                group: peer.group.clone(),
                spread: peer.spread.map(SpreadNode::from),
                rank: peer.rank.map(|rank| rank as i32),
            })
            .collect()
    }

    /// Serie de tiempo: cada periodo con resultado.
    async fn series(&self) -> Vec<SeriesPoint> {
        self.0
            .series
            .iter()
            .map(|(period, value)| SeriesPoint { period: period.clone(), value: *value })
            .collect()
    }
}

/// Los indicadores de una entidad en un periodo.
pub struct EntityIndicatorsNode(views::EntityIndicators);

#[Object(name = "EntityIndicators")]
impl EntityIndicatorsNode {
    async fn entity(&self) -> TerritorialEntityNode {
        TerritorialEntityNode(self.0.entity.clone())
    }

    async fn period(&self) -> &str {
        &self.0.period
    }

    async fn indicators(&self) -> Vec<EntityIndicatorNode> {
        self.0.results.iter().cloned().map(EntityIndicatorNode).collect()
    }
}

/// Un municipio de un departamento en un indicador.
pub struct MunicipalIndicatorNode(views::MunicipalRow);

#[Object(name = "MunicipalIndicator")]
impl MunicipalIndicatorNode {
    async fn entity(&self) -> TerritorialEntityNode {
        TerritorialEntityNode(self.0.entity.clone())
    }

    async fn result(&self) -> Option<IndicatorValueNode> {
        self.0.result.clone().map(IndicatorValueNode)
    }

    async fn traffic_light(&self) -> Option<TrafficLight> {
        self.0.light
    }

    /// Puesto en el departamento, 1 el mejor.
    async fn rank(&self) -> Option<i32> {
        self.0.rank.map(|rank| rank as i32)
    }
}

/// Los municipios de un departamento en un indicador.
pub struct DepartmentIndicatorNode {
    view: views::DepartmentIndicator,
    page: PageRequest,
}

#[Object(name = "DepartmentIndicator")]
impl DepartmentIndicatorNode {
    async fn department(&self) -> TerritorialEntityNode {
        TerritorialEntityNode(self.view.department.clone())
    }

    async fn indicator(&self) -> IndicatorNode {
        IndicatorNode(self.view.indicator.clone())
    }

    async fn period(&self) -> &str {
        &self.view.period
    }

    /// El resultado del propio departamento.
    async fn own(&self) -> Option<IndicatorValueNode> {
        self.view.own.clone().map(IndicatorValueNode)
    }

    /// Sobre los municipios con valor.
    async fn spread(&self) -> Option<SpreadNode> {
        self.view.spread.map(SpreadNode::from)
    }

    async fn traffic_lights(&self) -> LightCountsNode {
        self.view.lights.into()
    }

    /// Los municipios, por código DIVIPOLA.
    async fn municipalities(&self) -> CountedConnection<MunicipalIndicatorNode> {
        connection(
            self.view.municipalities.clone(),
            &self.page,
            |row| row.entity.code.clone(),
            MunicipalIndicatorNode,
        )
    }
}

/// Un departamento en el mapa del país.
pub struct DepartmentSummaryNode(views::DepartmentSummary);

#[Object(name = "DepartmentIndicatorSummary")]
impl DepartmentSummaryNode {
    async fn department(&self) -> TerritorialEntityNode {
        TerritorialEntityNode(self.0.department.clone())
    }

    /// El resultado del propio departamento.
    async fn own(&self) -> Option<IndicatorValueNode> {
        self.0.own.clone().map(IndicatorValueNode)
    }

    /// Sobre sus municipios con valor.
    async fn spread(&self) -> Option<SpreadNode> {
        self.0.spread.map(SpreadNode::from)
    }

    /// Semáforo de la mediana de sus municipios (el color del mapa).
    async fn median_traffic_light(&self) -> Option<TrafficLight> {
        self.0.median_light
    }

    async fn traffic_lights(&self) -> LightCountsNode {
        self.0.lights.into()
    }
}

/// El país por departamento en un indicador.
pub struct CountryIndicatorNode(views::CountryIndicator);

#[Object(name = "CountryIndicator")]
impl CountryIndicatorNode {
    async fn indicator(&self) -> IndicatorNode {
        IndicatorNode(self.0.indicator.clone())
    }

    async fn period(&self) -> &str {
        &self.0.period
    }

    /// Sobre todos los municipios con valor.
    async fn spread(&self) -> Option<SpreadNode> {
        self.0.spread.map(SpreadNode::from)
    }

    async fn traffic_lights(&self) -> LightCountsNode {
        self.0.lights.into()
    }

    /// Los 33 departamentos (Bogotá incluida), por código.
    async fn departments(&self) -> Vec<DepartmentSummaryNode> {
        self.0.departments.iter().cloned().map(DepartmentSummaryNode).collect()
    }
}

#[derive(Default)]
pub struct MonitoringQuery;

#[Object]
impl MonitoringQuery {
    /// Indicadores de desempeño, por código: los públicos, y los restringidos que el usuario puede ver.
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        competency: Option<String>,
    ) -> ApiResult<Vec<IndicatorNode>> {
        let wanted = competency.map(|c| c.trim().to_uppercase());
        let all = service(ctx)?.indicators().await?;
        let actor = ctx.data::<Actor>()?;
        Ok(all
            .into_iter()
            .filter(|i| wanted.as_ref().is_none_or(|c| &i.competency == c))
            .filter(|i| rules::sight(i, actor) != rules::Sight::Nothing)
            .map(IndicatorNode)
            .collect())
    }

    /// Los indicadores de una entidad en un periodo: semáforos, pares, cambio y serie de tiempo.
    async fn entity_indicators(
        &self,
        ctx: &Context<'_>,
        entity_code: String,
        period: String,
    ) -> ApiResult<EntityIndicatorsNode> {
        Ok(EntityIndicatorsNode(
            service(ctx)?.entity_indicators(ctx.data::<Actor>()?, &entity_code, &period).await?,
        ))
    }

    /// Los municipios de un departamento en un indicador, por código DIVIPOLA.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn department_indicator(
        &self,
        ctx: &Context<'_>,
        department_code: String,
        indicator_code: String,
        period: String,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<DepartmentIndicatorNode> {
        let page = PageRequest::parse(first, after)?;
        let view = service(ctx)?
            .department_indicator(ctx.data::<Actor>()?, &department_code, &indicator_code, &period, &page)
            .await?;
        Ok(DepartmentIndicatorNode { view, page })
    }

    /// El país por departamento en un indicador (para el mapa).
    async fn country_indicator(
        &self,
        ctx: &Context<'_>,
        indicator_code: String,
        period: String,
    ) -> ApiResult<CountryIndicatorNode> {
        Ok(CountryIndicatorNode(
            service(ctx)?.country_indicator(ctx.data::<Actor>()?, &indicator_code, &period).await?,
        ))
    }
}

/// Un indicador nuevo, o una versión nueva de uno existente (mismo código).
#[derive(InputObject)]
pub struct RegisterIndicatorInput {
    pub code: String,
    pub name: String,
    pub competency: String,
    pub programmatic_unit: Option<String>,
    /// Fórmula sobre códigos de elementos de datos numéricos, p. ej. `MATRICULA_OFICIAL / POBLACION_TOTAL * 100`.
    pub formula: String,
    pub unit: String,
    pub direction: Direction,
    /// Umbral inferior del semáforo (menor que el superior).
    pub lower_threshold: f64,
    pub upper_threshold: f64,
    pub periodicity: Periodicity,
    pub source_note: String,
    /// Organización dueña: la propia para una entidad nacional; obligatoria para un administrador.
    pub owner_code: Option<String>,
    /// Restringido: no es público; lo ven su organización dueña, los administradores, la
    /// secretaría técnica y cada entidad territorial en lo suyo (un departamento, en sus municipios).
    #[graphql(default = false)]
    pub restricted: bool,
}

#[derive(SimpleObject)]
pub struct RegisterIndicatorPayload {
    pub indicator: IndicatorNode,
}

#[derive(Default)]
pub struct MonitoringMutation;

#[Object]
impl MonitoringMutation {
    /// Registra un indicador (o una versión nueva) y lo calcula para toda entidad y periodo
    /// (entidades nacionales y administradores).
    async fn register_indicator(
        &self,
        ctx: &Context<'_>,
        input: RegisterIndicatorInput,
    ) -> ApiResult<RegisterIndicatorPayload> {
        let new = NewIndicator {
            code: input.code,
            name: input.name,
            competency: input.competency,
            programmatic_unit: input.programmatic_unit,
            formula: input.formula,
            unit: input.unit,
            direction: input.direction,
            lower_threshold: input.lower_threshold,
            upper_threshold: input.upper_threshold,
            periodicity: input.periodicity,
            source_note: input.source_note,
            owner_code: input.owner_code,
            restricted: input.restricted,
        };
        let indicator = service(ctx)?.register(ctx.data::<Actor>()?, new).await?;
        Ok(RegisterIndicatorPayload { indicator: IndicatorNode(indicator) })
    }
}
