//! GraphQL of reporting: parse, call the service, shape the answer.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context, InputObject, Object, SimpleObject, ID,
};
use chrono::{DateTime, NaiveDate, Utc};

use super::{
    catalogue::{DataElementChanges, ElementFilter, NewDataElement, NewRequirement},
    model::{
        parse_period, DataElement, ElementState, ElementStatus, Outcome, Periodicity, Requirement,
        SubmissionRecord, ValueType,
    },
    periods,
    service::ReportingService,
    similarity::Similarity,
    status::{ElementStatusRow, RequirementStatus, ValueSource},
    submission::{ReportInput, ReportValue},
};
use crate::{
    access::resolvers::{AccessLoader, OrganisationCode, OrganisationNode},
    authorisation::Actor,
    connection::{connection, CountedConnection},
    error::{ApiResult, ServiceError},
    pagination::PageRequest,
    territory::{resolvers::TerritorialEntityNode, TerritorialKind},
};

mod coverage;
mod inputs;
mod nodes;
mod observation;

pub use coverage::CoverageQuery;
pub use inputs::*;
pub use nodes::*;
pub use observation::*;

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
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
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
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
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
        Ok(service(ctx)?.catalogue.find_requirement(&code).await?.map(RequirementNode))
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

    /// Una observación (entidad, periodo y elemento; su id es `sujeto:periodo:elemento`) con
    /// todas las versiones de su valor y su procedencia; `null` si aún no se ha reportado.
    async fn observation(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<ObservationNode>> {
        let found = service(ctx)?.status.observation(&id).await?;
        Ok(found.map(|(key, entry)| ObservationNode { key, entry }))
    }

    /// Revisa un reporte sin guardar nada: cada valor que se rechazaría (no solo el primero),
    /// para mostrarlo junto a su campo. Lo que rechaza el reporte entero (requerimiento, periodo,
    /// entidad) es un error, como en `submitReport`.
    async fn check_report(
        &self,
        ctx: &Context<'_>,
        input: SubmitReportInput,
    ) -> ApiResult<Vec<ReportValueProblem>> {
        let problems = service(ctx)?.submissions.check_all(ctx.data::<Actor>()?, report_input(input)).await?;
        Ok(problems
            .into_iter()
            .map(|problem| ReportValueProblem {
                position: i32::try_from(problem.position).unwrap_or(i32::MAX),
                data_element_code: problem.data_element_code,
                message: problem.message,
                code: if problem.forbidden { "FORBIDDEN" } else { "BAD_USER_INPUT" }.to_owned(),
            })
            .collect())
    }

    /// Observaciones con valores distintos de reportantes distintos, por resolver.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
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
            |conflict| conflict.key.id(),
            |conflict| DataConflictNode {
                observation_id: ID(conflict.key.id()),
                values: conflict
                    .competing
                    .into_iter()
                    .map(|(id, value, reporter_code)| CompetingValue { id: ID(id), value, reporter_code })
                    .collect(),
                subject_code: conflict.key.subject,
                element_code: conflict.key.element,
                period: conflict.key.period,
                current_value: conflict.view.value,
            },
        ))
    }
}

fn report_input(input: SubmitReportInput) -> ReportInput {
    ReportInput {
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
    }
}

/// Un valor que `checkReport` rechazaría.
#[derive(SimpleObject)]
pub struct ReportValueProblem {
    /// Posición del valor en el reporte (desde 1).
    position: i32,
    data_element_code: String,
    /// Qué está mal y cómo corregirlo.
    message: String,
    /// BAD_USER_INPUT, o FORBIDDEN para un valor de una entidad fuera de su jurisdicción.
    code: String,
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
            due_days: input.due_days,
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
        let outcome = service(ctx)?.submissions.submit(ctx.data::<Actor>()?, report_input(input)).await?;
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
        let view =
            service(ctx)?.status.resolve_conflict(ctx.data::<Actor>()?, &observation_id, &value_id).await?;
        Ok(ResolveConflictPayload { observation_id, value: view.value, in_conflict: view.in_conflict })
    }
}

/// Batch loading of data elements (no N+1 over requirements).
pub struct ReportingLoader(pub std::sync::Arc<ReportingService>);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ElementCode(pub String);

impl Loader<ElementCode> for ReportingLoader {
    type Value = DataElement;
    type Error = Arc<ServiceError>;

    async fn load(&self, keys: &[ElementCode]) -> Result<HashMap<ElementCode, DataElement>, Self::Error> {
        let codes: Vec<String> = keys.iter().map(|key| key.0.clone()).collect();
        let found = self.0.catalogue.find_data_elements(&codes).await.map_err(Arc::new)?;
        Ok(found.into_iter().map(|(code, element)| (ElementCode(code), element)).collect())
    }
}

/// Key: a requirement by code (search hits name requirements).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequirementCode(pub String);

impl Loader<RequirementCode> for ReportingLoader {
    type Value = Requirement;
    type Error = Arc<ServiceError>;

    async fn load(
        &self,
        keys: &[RequirementCode],
    ) -> Result<HashMap<RequirementCode, Requirement>, Self::Error> {
        let all = self.0.catalogue.all_requirements().await.map_err(Arc::new)?;
        Ok(all
            .into_iter()
            .filter(|r| keys.iter().any(|key| key.0 == r.code))
            .map(|r| (RequirementCode(r.code.clone()), r))
            .collect())
    }
}
