//! Reporting's GraphQL inputs and mutation payloads.

use super::*;

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
    /// Valor mínimo admisible (numéricos). Un entero cuenta algo: sin mínimo declarado es 0.
    pub minimum: Option<f64>,
    /// Valor máximo admisible (numéricos). Un porcentaje va de 0 a 100.
    pub maximum: Option<f64>,
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
            minimum: input.minimum,
            maximum: input.maximum,
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
    /// Días después de terminar cada periodo para reportarlo (1 a 365; por omisión 45).
    pub due_days: Option<i32>,
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
    pub(super) data_element: DataElementNode,
}

#[derive(SimpleObject)]
pub struct RegisterRequirementPayload {
    pub(super) requirement: RequirementNode,
    /// Elementos existentes parecidos a los campos nuevos: propuestas de reutilización.
    pub(super) similar_existing: Vec<SimilarDataElement>,
    /// Requerimientos existentes parecidos al nuevo.
    pub(super) similar_requirements: Vec<SimilarRequirementNode>,
}

#[derive(SimpleObject)]
pub struct ValueOutcomeNode {
    pub(super) subject_code: String,
    pub(super) data_element_code: String,
    /// El valor en su forma canónica.
    pub(super) value: String,
    pub(super) outcome: Outcome,
}

#[derive(SimpleObject)]
pub struct SubmitReportPayload {
    pub(super) submission: SubmissionNode,
    /// Valores aceptados (todos los del reporte).
    pub(super) accepted: i32,
    /// Valores nuevos.
    pub(super) new_values: i32,
    pub(super) duplicates: i32,
    pub(super) corrections: i32,
    pub(super) conflicts: i32,
    /// El mismo reporte ya se había recibido: esta es su respuesta y no se escribió nada.
    pub(super) replayed: bool,
    pub(super) values: Vec<ValueOutcomeNode>,
}

#[derive(SimpleObject)]
pub struct ResolveConflictPayload {
    pub(super) observation_id: ID,
    /// El valor que queda vigente.
    pub(super) value: String,
    pub(super) in_conflict: bool,
}

/// Una fila rechazada por la importación.
#[derive(SimpleObject)]
pub struct RejectedRowNode {
    /// Línea del archivo (la 1 es el encabezado).
    pub(super) line: i32,
    /// Columna culpable: reportante, sujeto, periodo, requerimiento, elemento o valor.
    pub(super) column: String,
    pub(super) reason: String,
}

/// Resumen de una importación.
#[derive(SimpleObject)]
pub struct ImportSubmissionsPayload {
    pub(super) rows: i32,
    pub(super) accepted: i32,
    pub(super) new_values: i32,
    pub(super) duplicates: i32,
    pub(super) corrections: i32,
    pub(super) conflicts: i32,
    pub(super) submissions: i32,
    /// Envíos que ya se habían importado (mismo archivo): no se escribió nada para ellos.
    pub(super) replayed: i32,
    /// Las filas rechazadas (hasta 1.000), con su línea, columna y motivo.
    pub(super) rejected: Vec<RejectedRowNode>,
}

impl From<crate::reporting::import::ImportSummary> for ImportSubmissionsPayload {
    fn from(summary: crate::reporting::import::ImportSummary) -> Self {
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
