//! Reporting's GraphQL output types: elements, requirements, submissions, status, burden, conflicts.

use super::*;

/// Elemento de datos canónico: se reporta una vez y lo reutilizan todos los requerimientos que lo piden.
pub struct DataElementNode(pub DataElement);

#[Object(name = "DataElement")]
impl DataElementNode {
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Versión: sube con cada cambio de redacción.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn unit(&self) -> &str {
        &self.0.unit
    }
    async fn value_type(&self) -> ValueType {
        self.0.value_type
    }
    /// Competencia o sector.
    async fn competency(&self) -> &str {
        &self.0.competency
    }
    async fn programmatic_unit(&self) -> Option<&str> {
        self.0.programmatic_unit.as_deref()
    }
    async fn status(&self) -> ElementStatus {
        self.0.status
    }
    /// Sucesor de un elemento obsoleto.
    async fn successor_code(&self) -> Option<&str> {
        self.0.successor_code.as_deref()
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Valor mínimo admisible; `null` sin límite. Fijo desde su creación, como el tipo.
    async fn minimum(&self) -> Option<f64> {
        self.0.minimum
    }
    /// Valor máximo admisible; `null` sin límite.
    async fn maximum(&self) -> Option<f64> {
        self.0.maximum
    }
}

/// Requerimiento de información de una entidad nacional.
pub struct RequirementNode(pub Requirement);

#[Object(name = "InformationRequirement")]
impl RequirementNode {
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Organización que lo emite.
    async fn issuer(&self, ctx: &Context<'_>) -> ApiResult<Option<OrganisationNode>> {
        let loader = ctx.data::<DataLoader<AccessLoader>>()?;
        Ok(loader.load_one(OrganisationCode(self.0.issuer_code.clone())).await?.map(OrganisationNode))
    }
    async fn issuer_code(&self) -> &str {
        &self.0.issuer_code
    }
    /// Norma que lo sustenta.
    async fn legal_basis(&self) -> &str {
        &self.0.legal_basis
    }
    async fn periodicity(&self) -> Periodicity {
        self.0.periodicity
    }
    /// Tipos de entidad que deben responderlo.
    async fn entity_kinds(&self) -> &[TerritorialKind] {
        &self.0.entity_kinds
    }
    /// Los elementos de datos que pide, en orden.
    async fn data_elements(&self, ctx: &Context<'_>) -> ApiResult<Vec<DataElementNode>> {
        let loader = ctx.data::<DataLoader<ReportingLoader>>()?;
        let keys: Vec<ElementCode> = self.0.element_codes.iter().cloned().map(ElementCode).collect();
        let found = loader.load_many(keys).await?;
        Ok(self
            .0
            .element_codes
            .iter()
            .filter_map(|code| found.get(&ElementCode(code.clone())).cloned().map(DataElementNode))
            .collect())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Último periodo que pide (p. ej. el gasto de una unidad programática
    /// retirada del catálogo); nulo mientras se sigue pidiendo.
    async fn last_period(&self) -> Option<&str> {
        self.0.last_period.as_deref()
    }
    /// Lo reporta la plataforma con sus propios registros: no lo debe ninguna entidad.
    async fn reported_by_platform(&self) -> bool {
        self.0.reported_by_platform
    }
    /// Días después de terminar cada periodo dentro de los cuales se reporta.
    async fn due_days(&self) -> i32 {
        self.0.due_days
    }
    /// Último día para reportar `period` («2025», «2025-T3»…); nulo si no es de su periodicidad.
    async fn due_on(&self, period: String) -> Option<NaiveDate> {
        let period = parse_period(&period, self.0.periodicity).ok()?;
        periods::span(&period, self.0.periodicity).map(|span| span.due_on(self.0.due_days))
    }
    /// Los periodos que acepta, del más reciente ya comenzado hacia atrás
    /// (hasta 40), cada uno con sus fechas y su plazo: para elegirlos de una lista.
    async fn periods(&self, #[graphql(default = 8)] first: i32) -> ApiResult<Vec<ReportingPeriod>> {
        if !(1..=40).contains(&first) {
            return Err(ServiceError::invalid("«first» va de 1 a 40 periodos").into());
        }
        let periodicity = self.0.periodicity;
        let today = crate::bogota_time::today();
        Ok(periods::recent(periodicity, today, first as usize, self.0.last_period.as_deref())
            .iter()
            .filter_map(|period| periods::span(period, periodicity))
            .map(|span| ReportingPeriod::new(span, periodicity, self.0.due_days))
            .collect())
    }
}

/// Un periodo que un requerimiento acepta, con su plazo.
#[derive(SimpleObject)]
pub struct ReportingPeriod {
    /// El periodo normalizado, como se envía en `submitReport` («2025-Q3»).
    period: String,
    /// Como se lee: «3.er trimestre de 2025».
    label: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    /// Último día para reportarlo.
    due_on: NaiveDate,
    /// Ya pasó el plazo (hoy en Colombia).
    overdue: bool,
}

impl ReportingPeriod {
    pub(super) fn new(span: periods::PeriodSpan, periodicity: Periodicity, due_days: i32) -> Self {
        let due_on = span.due_on(due_days);
        Self {
            label: periods::label(&span.period, periodicity),
            period: span.period,
            starts_on: span.starts_on,
            ends_on: span.ends_on,
            due_on,
            overdue: due_on < crate::bogota_time::today(),
        }
    }
}

/// Un elemento existente parecido a un campo, y por qué.
#[derive(SimpleObject)]
pub struct SimilarDataElement {
    /// Código del campo nuevo al que se parece (en `registerRequirement`).
    pub(super) new_code: Option<String>,
    pub(super) data_element: DataElementNode,
    /// Similitud de 0 a 1.
    pub(super) similarity: f64,
    /// Términos normalizados que comparten.
    pub(super) shared_terms: Vec<String>,
    /// Explicación en una frase.
    pub(super) explanation: String,
}

impl SimilarDataElement {
    pub(super) fn new(new_code: Option<String>, element: DataElement, similarity: Similarity) -> Self {
        Self {
            new_code,
            data_element: DataElementNode(element),
            similarity: similarity.score,
            shared_terms: similarity.shared_terms,
            explanation: similarity.explanation,
        }
    }
}

#[derive(SimpleObject)]
pub struct SimilarRequirementNode {
    pub(super) requirement: RequirementNode,
    pub(super) similarity: f64,
    pub(super) explanation: String,
}

/// Un envío recibido.
pub struct SubmissionNode(pub SubmissionRecord);

#[Object(name = "Submission")]
impl SubmissionNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn reporter_code(&self) -> &str {
        &self.0.reporter_code
    }
    async fn requirement_code(&self) -> &str {
        &self.0.requirement_code
    }
    async fn period(&self) -> &str {
        &self.0.period
    }
    async fn idempotency_key(&self) -> &str {
        &self.0.idempotency_key
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
}

/// De dónde viene un valor vigente.
pub struct ValueSourceNode(pub ValueSource);

#[Object(name = "ValueSource")]
impl ValueSourceNode {
    async fn submission_id(&self) -> ID {
        ID(self.0.submission_id.to_string())
    }
    /// Requerimiento por el que llegó el valor por primera vez.
    async fn requirement_code(&self) -> &str {
        &self.0.requirement_code
    }
    /// Entidad que lo reportó.
    async fn reporter_code(&self) -> &str {
        &self.0.reporter_code
    }
    /// La entidad que lo reportó, con su nombre.
    async fn reporter(&self, ctx: &Context<'_>) -> ApiResult<Option<TerritorialEntityNode>> {
        let loader = ctx.data::<DataLoader<crate::territory::loader::TerritoryLoader>>()?;
        Ok(loader.load_one(self.0.reporter_code.clone()).await?.map(TerritorialEntityNode))
    }
    /// El requerimiento por el que llegó, con su nombre.
    async fn requirement(&self, ctx: &Context<'_>) -> ApiResult<Option<RequirementNode>> {
        let loader = ctx.data::<DataLoader<ReportingLoader>>()?;
        Ok(loader.load_one(RequirementCode(self.0.requirement_code.clone())).await?.map(RequirementNode))
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
}

/// Un elemento de un requerimiento para una entidad y un periodo.
pub struct ElementStatusNode(pub ElementStatusRow);

#[Object(name = "RequirementElementStatus")]
impl ElementStatusNode {
    async fn data_element(&self) -> DataElementNode {
        DataElementNode(self.0.element.clone())
    }
    async fn state(&self) -> ElementState {
        self.0.state
    }
    /// El valor vigente, si lo hay.
    async fn value(&self) -> Option<&str> {
        self.0.value.as_deref()
    }
    async fn source(&self) -> Option<ValueSourceNode> {
        self.0.source.clone().map(ValueSourceNode)
    }
    async fn observation_id(&self) -> Option<ID> {
        self.0.observation_id.clone().map(ID)
    }
}

/// Estado de un requerimiento para una entidad y un periodo.
pub struct RequirementStatusNode(pub RequirementStatus);

#[Object(name = "RequirementStatus")]
impl RequirementStatusNode {
    async fn entity(&self) -> TerritorialEntityNode {
        TerritorialEntityNode(self.0.entity.clone())
    }
    async fn requirement(&self) -> RequirementNode {
        RequirementNode(self.0.requirement.clone())
    }
    async fn period(&self) -> &str {
        &self.0.period
    }
    async fn elements(&self) -> Vec<ElementStatusNode> {
        self.0.elements.iter().cloned().map(ElementStatusNode).collect()
    }
    /// Elementos que faltan: lo único que se pide de nuevo.
    async fn missing_count(&self) -> i32 {
        self.0.count(ElementState::Missing) as i32
    }
    async fn reused_count(&self) -> i32 {
        self.0.count(ElementState::Reused) as i32
    }
    async fn reported_count(&self) -> i32 {
        self.0.count(ElementState::Reported) as i32
    }
    async fn conflict_count(&self) -> i32 {
        self.0.count(ElementState::InConflict) as i32
    }
}

/// La carga de reporte de una entidad en un periodo.
pub struct ReportingBurdenNode(pub crate::reporting::status::ReportingBurden);

#[Object(name = "ReportingBurden")]
impl ReportingBurdenNode {
    async fn entity(&self) -> TerritorialEntityNode {
        TerritorialEntityNode(self.0.entity.clone())
    }
    async fn period(&self) -> &str {
        &self.0.period
    }
    /// Valores que piden todos los requerimientos dirigidos a la entidad.
    async fn requested(&self) -> i32 {
        self.0.requested() as i32
    }
    /// Valores servidos por reutilización, sin volver a pedirlos.
    async fn reused(&self) -> i32 {
        self.0.count(ElementState::Reused) as i32
    }
    async fn reported(&self) -> i32 {
        self.0.count(ElementState::Reported) as i32
    }
    async fn missing(&self) -> i32 {
        self.0.count(ElementState::Missing) as i32
    }
    async fn conflicts(&self) -> i32 {
        self.0.count(ElementState::InConflict) as i32
    }
    /// Carga ahorrada: reutilizados ÷ pedidos (de 0 a 1).
    async fn burden_saved(&self) -> f64 {
        self.0.burden_saved()
    }
    async fn requirements(&self) -> Vec<RequirementStatusNode> {
        self.0.requirements.iter().cloned().map(RequirementStatusNode).collect()
    }
}

/// Una observación en conflicto.
#[derive(SimpleObject)]
#[graphql(name = "DataConflict", complex)]
pub struct DataConflictNode {
    pub(super) subject_code: String,
    #[graphql(name = "dataElementCode")]
    pub(super) element_code: String,
    pub(super) period: String,
    /// El valor servido mientras se resuelve (por defecto, el de la propia entidad).
    pub(super) current_value: String,
    pub(super) observation_id: ID,
    /// Los valores en disputa, cada uno con quien lo reportó.
    pub(super) values: Vec<CompetingValue>,
}

#[async_graphql::ComplexObject]
impl DataConflictNode {
    /// El elemento de datos en disputa, con su nombre y unidad.
    async fn data_element(&self, ctx: &Context<'_>) -> ApiResult<Option<DataElementNode>> {
        let loader = ctx.data::<DataLoader<ReportingLoader>>()?;
        Ok(loader.load_one(ElementCode(self.element_code.clone())).await?.map(DataElementNode))
    }
}

/// Un valor en disputa.
#[derive(SimpleObject)]
pub struct CompetingValue {
    pub(super) id: ID,
    pub(super) value: String,
    pub(super) reporter_code: String,
}
