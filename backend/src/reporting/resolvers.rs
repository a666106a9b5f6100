//! GraphQL of reporting: parse, call the service, shape the answer.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context, InputObject, Object, SimpleObject, ID,
};
use chrono::{DateTime, Utc};

use super::{
    catalogue::{DataElementChanges, ElementFilter, NewDataElement, NewRequirement},
    model::{
        DataElement, ElementState, ElementStatus, Outcome, Periodicity, Requirement, SubmissionRecord,
        ValueType,
    },
    service::ReportingService,
    similarity::Similarity,
    status::{ElementStatusRow, RequirementStatus, ValueSource},
    submission::{ReportInput, ReportValue},
};
use crate::{
    access::{
        resolvers::{parse_id, AccessLoader, OrganisationCode, OrganisationNode},
        Actor,
    },
    error::{ApiResult, ServiceError},
    graphql::connection::{connection, CountedConnection},
    pagination::PageRequest,
    territory::{resolvers::TerritorialEntityNode, TerritorialKind},
};

fn service<'a>(ctx: &Context<'a>) -> ApiResult<&'a ReportingService> {
    Ok(ctx.data::<ReportingService>()?)
}

#[derive(Default)]
pub struct ReportingQuery;

/// Filtro del catálogo de elementos de datos.
#[derive(InputObject, Default)]
pub struct DataElementFilter {
    /// Competencia o sector, p. ej. `EDUCACION`.
    pub competency: Option<String>,
    pub status: Option<ElementStatus>,
    /// Parte del nombre, sin importar tildes ni mayúsculas.
    pub name_contains: Option<String>,
}

#[Object]
impl ReportingQuery {
    /// El catálogo de elementos de datos canónicos.
    #[graphql(complexity = "crate::graphql::connection::list_complexity(first, child_complexity)")]
    async fn data_elements(
        &self,
        ctx: &Context<'_>,
        filter: Option<DataElementFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<DataElementNode>> {
        let page = PageRequest::parse(first, after)?;
        let filter = filter.unwrap_or_default();
        let filter = ElementFilter {
            competency: filter.competency,
            status: filter.status,
            name_contains: filter.name_contains,
        };
        let found = service(ctx)?.catalogue.list_data_elements(&filter, &page).await?;
        Ok(connection(found, &page, |e| e.code.clone(), DataElementNode))
    }

    /// Un elemento de datos por su código; `null` si no existe.
    async fn data_element(&self, ctx: &Context<'_>, code: String) -> ApiResult<Option<DataElementNode>> {
        Ok(service(ctx)?.catalogue.data_element(&code).await?.map(DataElementNode))
    }

    /// Elementos vigentes parecidos a un campo que se piensa pedir: antes de pedirlo, reutilice.
    async fn similar_data_elements(
        &self,
        ctx: &Context<'_>,
        name: String,
        #[graphql(default)] description: String,
        #[graphql(default = 5)] first: i32,
    ) -> ApiResult<Vec<SimilarDataElement>> {
        if name.trim().is_empty() || name.chars().count() > 200 || description.chars().count() > 2_000 {
            return Err(ServiceError::invalid(
                "«name» es obligatorio (hasta 200 caracteres; la descripción hasta 2.000)",
            )
            .into());
        }
        let limit = first.clamp(1, 20) as usize;
        let found = service(ctx)?.catalogue.similar_data_elements(&name, &description, limit).await?;
        Ok(found
            .into_iter()
            .map(|(element, similarity)| SimilarDataElement::new(None, element, similarity))
            .collect())
    }

    /// Requerimientos de información de las entidades nacionales.
    #[graphql(complexity = "crate::graphql::connection::list_complexity(first, child_complexity)")]
    async fn information_requirements(
        &self,
        ctx: &Context<'_>,
        issuer_code: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<RequirementNode>> {
        let page = PageRequest::parse(first, after)?;
        let found = service(ctx)?.catalogue.list_requirements(issuer_code.as_deref(), &page).await?;
        Ok(connection(found, &page, |r| r.code.clone(), RequirementNode))
    }

    /// Un requerimiento por su código; `null` si no existe.
    async fn information_requirement(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> ApiResult<Option<RequirementNode>> {
        let reporting = service(ctx)?;
        let db = ctx.data::<sea_orm::DatabaseConnection>()?;
        Ok(reporting.catalogue.requirement(db, &code).await?.map(RequirementNode))
    }

    /// Estado de cada elemento de un requerimiento para una entidad y un periodo:
    /// reportado, reutilizado (con su fuente), en conflicto o faltante. Solo se piden los faltantes.
    async fn requirement_status(
        &self,
        ctx: &Context<'_>,
        entity_code: String,
        requirement_code: String,
        period: String,
    ) -> ApiResult<RequirementStatusNode> {
        let status =
            service(ctx)?.status.requirement_status(&entity_code, &requirement_code, &period).await?;
        Ok(RequirementStatusNode(status))
    }

    /// La carga de reporte de una entidad en un periodo y lo que la reutilización le ahorra.
    async fn reporting_burden(
        &self,
        ctx: &Context<'_>,
        entity_code: String,
        period: String,
    ) -> ApiResult<ReportingBurdenNode> {
        let burden = service(ctx)?.status.reporting_burden(&entity_code, &period).await?;
        Ok(ReportingBurdenNode(burden))
    }

    /// Observaciones con valores distintos de reportantes distintos, por resolver.
    #[graphql(complexity = "crate::graphql::connection::list_complexity(first, child_complexity)")]
    async fn data_conflicts(
        &self,
        ctx: &Context<'_>,
        subject_code: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<DataConflictNode>> {
        let page = PageRequest::parse(first, after)?;
        let found = service(ctx)?.status.conflicts(subject_code.as_deref(), &page).await?;
        Ok(connection(
            found,
            &page,
            |(row, _)| row.id.to_string(),
            |(row, view)| DataConflictNode {
                observation_id: row.id,
                subject_code: row.subject_code,
                element_code: row.element_code,
                period: row.period,
                current_value: view.value,
            },
        ))
    }
}

/// Un elemento nuevo del catálogo.
#[derive(InputObject, Clone)]
pub struct DataElementInput {
    /// Código en mayúsculas, p. ej. `POBLACION_TOTAL`.
    pub code: String,
    pub name: String,
    pub description: String,
    /// Unidad de medida: personas, pesos, porcentaje…
    pub unit: String,
    pub value_type: ValueType,
    /// Competencia o sector, p. ej. `EDUCACION`.
    pub competency: String,
    /// Unidad programática del gasto, si aplica.
    pub programmatic_unit: Option<String>,
}

impl From<DataElementInput> for NewDataElement {
    fn from(input: DataElementInput) -> Self {
        Self {
            code: input.code,
            name: input.name,
            description: input.description,
            unit: input.unit,
            value_type: input.value_type,
            competency: input.competency,
            programmatic_unit: input.programmatic_unit,
        }
    }
}

/// Cambios de redacción de un elemento (nueva versión); el tipo de valor no cambia.
#[derive(InputObject, Default)]
pub struct UpdateDataElementInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub unit: Option<String>,
    pub competency: Option<String>,
    pub programmatic_unit: Option<String>,
}

/// Un requerimiento de información nuevo.
#[derive(InputObject)]
pub struct RegisterRequirementInput {
    pub code: String,
    pub name: String,
    /// Organización emisora; solo la indica un administrador (un usuario nacional emite por la suya).
    pub issuer_code: Option<String>,
    /// Norma que lo sustenta.
    pub legal_basis: String,
    pub periodicity: Periodicity,
    /// Tipos de entidad que deben responderlo.
    pub entity_kinds: Vec<TerritorialKind>,
    /// Códigos de elementos del catálogo que se reutilizan.
    #[graphql(default)]
    pub data_element_codes: Vec<String>,
    /// Campos nuevos: entran al catálogo y se comparan con lo existente.
    #[graphql(default)]
    pub new_data_elements: Vec<DataElementInput>,
}

/// Un valor reportado.
#[derive(InputObject)]
pub struct ReportValueInput {
    pub data_element_code: String,
    /// El valor como texto: números con «.» o «,» decimal, fechas AAAA-MM-DD, sí/no.
    pub value: String,
    /// Entidad que el valor describe; por defecto la que reporta. Un departamento puede reportar por sus municipios.
    pub subject_code: Option<String>,
}

/// Un reporte: valores de un requerimiento para un periodo.
#[derive(InputObject)]
pub struct SubmitReportInput {
    /// Código DIVIPOLA de la entidad que reporta.
    pub entity_code: String,
    pub period: String,
    pub requirement_code: String,
    /// Clave única del envío: reenviar con la misma clave no duplica nada.
    pub idempotency_key: String,
    pub values: Vec<ReportValueInput>,
}

#[derive(SimpleObject)]
pub struct DataElementPayload {
    data_element: DataElementNode,
}

#[derive(SimpleObject)]
pub struct RegisterRequirementPayload {
    requirement: RequirementNode,
    /// Elementos existentes parecidos a los campos nuevos: propuestas de reutilización.
    similar_existing: Vec<SimilarDataElement>,
    /// Requerimientos existentes parecidos al nuevo.
    similar_requirements: Vec<SimilarRequirementNode>,
}

#[derive(SimpleObject)]
pub struct ValueOutcomeNode {
    subject_code: String,
    data_element_code: String,
    /// El valor en su forma canónica.
    value: String,
    outcome: Outcome,
}

#[derive(SimpleObject)]
pub struct SubmitReportPayload {
    submission: SubmissionNode,
    /// Valores aceptados (todos los del reporte).
    accepted: i32,
    /// Valores nuevos.
    new_values: i32,
    duplicates: i32,
    corrections: i32,
    conflicts: i32,
    /// El mismo reporte ya se había recibido: esta es su respuesta y no se escribió nada.
    replayed: bool,
    values: Vec<ValueOutcomeNode>,
}

#[derive(SimpleObject)]
pub struct ResolveConflictPayload {
    observation_id: ID,
    /// El valor que queda vigente.
    value: String,
    in_conflict: bool,
}

/// Una fila rechazada por la importación.
#[derive(SimpleObject)]
pub struct RejectedRowNode {
    /// Línea del archivo (la 1 es el encabezado).
    line: i32,
    /// Columna culpable: reportante, sujeto, periodo, requerimiento, elemento o valor.
    column: String,
    reason: String,
}

/// Resumen de una importación.
#[derive(SimpleObject)]
pub struct ImportSubmissionsPayload {
    rows: i32,
    accepted: i32,
    new_values: i32,
    duplicates: i32,
    corrections: i32,
    conflicts: i32,
    submissions: i32,
    /// Envíos que ya se habían importado (mismo archivo): no se escribió nada para ellos.
    replayed: i32,
    /// Las filas rechazadas (hasta 1.000), con su línea, columna y motivo.
    rejected: Vec<RejectedRowNode>,
}

impl From<super::import::ImportSummary> for ImportSubmissionsPayload {
    fn from(summary: super::import::ImportSummary) -> Self {
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        Self {
            rows: count(summary.rows),
            accepted: count(summary.accepted),
            new_values: count(summary.new_values),
            duplicates: count(summary.duplicates),
            corrections: count(summary.corrections),
            conflicts: count(summary.conflicts),
            submissions: count(summary.submissions),
            replayed: count(summary.replayed),
            rejected: summary
                .rejected
                .into_iter()
                .map(|row| RejectedRowNode {
                    line: i32::try_from(row.line).unwrap_or(i32::MAX),
                    column: row.column,
                    reason: row.reason,
                })
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct ReportingMutation;

#[Object]
impl ReportingMutation {
    /// Agrega un elemento al catálogo (solo administradores).
    async fn create_data_element(
        &self,
        ctx: &Context<'_>,
        input: DataElementInput,
    ) -> ApiResult<DataElementPayload> {
        let created = service(ctx)?.catalogue.create_data_element(ctx.data::<Actor>()?, input.into()).await?;
        Ok(DataElementPayload { data_element: DataElementNode(created) })
    }

    /// Cambia la redacción de un elemento: nueva versión, la anterior queda en auditoría (solo administradores).
    async fn update_data_element(
        &self,
        ctx: &Context<'_>,
        code: String,
        input: UpdateDataElementInput,
    ) -> ApiResult<DataElementPayload> {
        let changes = DataElementChanges {
            name: input.name,
            description: input.description,
            unit: input.unit,
            competency: input.competency,
            programmatic_unit: input.programmatic_unit.map(Some),
        };
        let updated =
            service(ctx)?.catalogue.update_data_element(ctx.data::<Actor>()?, &code, changes).await?;
        Ok(DataElementPayload { data_element: DataElementNode(updated) })
    }

    /// Declara obsoleto un elemento y nombra su sucesor (solo administradores).
    async fn deprecate_data_element(
        &self,
        ctx: &Context<'_>,
        code: String,
        successor_code: String,
    ) -> ApiResult<DataElementPayload> {
        let updated = service(ctx)?
            .catalogue
            .deprecate_data_element(ctx.data::<Actor>()?, &code, &successor_code)
            .await?;
        Ok(DataElementPayload { data_element: DataElementNode(updated) })
    }

    /// Registra un requerimiento de información y propone reutilizar lo que ya existe.
    async fn register_requirement(
        &self,
        ctx: &Context<'_>,
        input: RegisterRequirementInput,
    ) -> ApiResult<RegisterRequirementPayload> {
        let new = NewRequirement {
            code: input.code,
            name: input.name,
            issuer_code: input.issuer_code,
            legal_basis: input.legal_basis,
            periodicity: input.periodicity,
            entity_kinds: input.entity_kinds,
            existing_elements: input.data_element_codes,
            new_elements: input.new_data_elements.into_iter().map(Into::into).collect(),
        };
        let (requirement, similar, similar_requirements) =
            service(ctx)?.catalogue.register_requirement(ctx.data::<Actor>()?, new).await?;
        Ok(RegisterRequirementPayload {
            requirement: RequirementNode(requirement),
            similar_existing: similar
                .into_iter()
                .map(|found| SimilarDataElement::new(Some(found.new_code), found.element, found.similarity))
                .collect(),
            similar_requirements: similar_requirements
                .into_iter()
                .map(|found| SimilarRequirementNode {
                    requirement: RequirementNode(found.requirement),
                    similarity: found.similarity.score,
                    explanation: found.similarity.explanation,
                })
                .collect(),
        })
    }

    /// Envía un reporte: cada valor se guarda una sola vez y sirve a todos los requerimientos que lo piden.
    async fn submit_report(
        &self,
        ctx: &Context<'_>,
        input: SubmitReportInput,
    ) -> ApiResult<SubmitReportPayload> {
        let input = ReportInput {
            entity_code: input.entity_code,
            period: input.period,
            requirement_code: input.requirement_code,
            idempotency_key: input.idempotency_key,
            values: input
                .values
                .into_iter()
                .map(|v| ReportValue {
                    data_element_code: v.data_element_code,
                    value: v.value,
                    subject_code: v.subject_code,
                })
                .collect(),
        };
        let outcome = service(ctx)?.submissions.submit(ctx.data::<Actor>()?, input).await?;
        let record = outcome.submission;
        Ok(SubmitReportPayload {
            accepted: record.accepted,
            new_values: record.accepted - record.duplicates - record.corrections - record.conflicts,
            duplicates: record.duplicates,
            corrections: record.corrections,
            conflicts: record.conflicts,
            replayed: outcome.replayed,
            values: outcome
                .values
                .into_iter()
                .map(|v| ValueOutcomeNode {
                    subject_code: v.subject_code,
                    data_element_code: v.data_element_code,
                    value: v.value,
                    outcome: v.outcome,
                })
                .collect(),
            submission: SubmissionNode(record),
        })
    }

    /// Importa reportes desde un CSV de un sistema anterior (una fila por valor: reportante,
    /// sujeto, periodo, requerimiento, elemento, valor). Las filas válidas se guardan; cada
    /// fila inválida se informa con su línea, columna y motivo.
    async fn import_submissions(
        &self,
        ctx: &Context<'_>,
        csv: String,
    ) -> ApiResult<ImportSubmissionsPayload> {
        let reporting = service(ctx)?;
        let territory = ctx.data::<crate::territory::TerritoryService>()?;
        let summary =
            super::import::import(&reporting.submissions, territory, ctx.data::<Actor>()?, &csv, &|_, _| {})
                .await?;
        Ok(summary.into())
    }

    /// Resuelve un conflicto eligiendo el valor que queda vigente (la entidad descrita, su departamento o un administrador).
    async fn resolve_conflict(
        &self,
        ctx: &Context<'_>,
        observation_id: ID,
        value_id: ID,
    ) -> ApiResult<ResolveConflictPayload> {
        let observation = parse_id(&observation_id, "observación")?;
        let value = parse_id(&value_id, "valor")?;
        let view = service(ctx)?.status.resolve_conflict(ctx.data::<Actor>()?, observation, value).await?;
        Ok(ResolveConflictPayload { observation_id, value: view.value, in_conflict: view.in_conflict })
    }
}

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
}

/// Un elemento existente parecido a un campo, y por qué.
#[derive(SimpleObject)]
pub struct SimilarDataElement {
    /// Código del campo nuevo al que se parece (en `registerRequirement`).
    new_code: Option<String>,
    data_element: DataElementNode,
    /// Similitud de 0 a 1.
    similarity: f64,
    /// Términos normalizados que comparten.
    shared_terms: Vec<String>,
    /// Explicación en una frase.
    explanation: String,
}

impl SimilarDataElement {
    fn new(new_code: Option<String>, element: DataElement, similarity: Similarity) -> Self {
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
    requirement: RequirementNode,
    similarity: f64,
    explanation: String,
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
        self.0.observation_id.map(|id| ID(id.to_string()))
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
pub struct ReportingBurdenNode(pub super::status::ReportingBurden);

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
    #[graphql(skip)]
    observation_id: uuid::Uuid,
    subject_code: String,
    #[graphql(name = "dataElementCode")]
    element_code: String,
    period: String,
    /// El valor servido mientras se resuelve (por defecto, el de la propia entidad).
    current_value: String,
}

/// Un valor en disputa.
#[derive(SimpleObject)]
pub struct CompetingValue {
    id: ID,
    value: String,
    reporter_code: String,
}

#[async_graphql::ComplexObject]
impl DataConflictNode {
    async fn observation_id(&self) -> ID {
        ID(self.observation_id.to_string())
    }
    /// Los valores en disputa, cada uno con quien lo reportó.
    async fn values(&self, ctx: &Context<'_>) -> ApiResult<Vec<CompetingValue>> {
        let values = service(ctx)?.status.active_values(self.observation_id).await?;
        Ok(values
            .into_iter()
            .map(|(id, value, reporter_code)| CompetingValue { id: ID(id.to_string()), value, reporter_code })
            .collect())
    }
}

/// Batch loading of data elements (no N+1 over requirements).
pub struct ReportingLoader(pub ReportingService, pub sea_orm::DatabaseConnection);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ElementCode(pub String);

impl Loader<ElementCode> for ReportingLoader {
    type Value = DataElement;
    type Error = Arc<ServiceError>;

    async fn load(&self, keys: &[ElementCode]) -> Result<HashMap<ElementCode, DataElement>, Self::Error> {
        let codes: Vec<String> = keys.iter().map(|key| key.0.clone()).collect();
        let found = self.0.catalogue.data_elements_by_code(&self.1, &codes).await.map_err(Arc::new)?;
        Ok(found.into_iter().map(|(code, element)| (ElementCode(code), element)).collect())
    }
}
