//! GraphQL of legacy budget files: the account mapping and the import.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::{
    accounts::LegacyRow,
    legacy::{AccountMapping, LegacyImport, LegacyOutcome, NewAccountMapping},
    resolvers::AmountsNode,
    ClassificationService,
};
use crate::{
    authorisation::Actor,
    connection::{connection, CountedConnection},
    error::ApiResult,
    pagination::PageRequest,
};

fn service<'a>(ctx: &Context<'a>) -> ApiResult<&'a ClassificationService> {
    Ok(ctx.data::<ClassificationService>()?)
}

/// Una cuenta presupuestal heredada (del FUT o del plan de cuentas de la entidad) y la unidad
/// programática a la que corresponde su gasto, con todo lo que cuelga de ella.
#[derive(SimpleObject)]
#[graphql(name = "AccountMapping")]
pub struct AccountMappingNode {
    pub account_code: String,
    pub unit_code: String,
    pub note: String,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

impl From<AccountMapping> for AccountMappingNode {
    fn from(m: AccountMapping) -> Self {
        Self {
            account_code: m.account_code,
            unit_code: m.unit_code,
            note: m.note,
            set_by: m.set_by,
            set_at: m.set_at,
        }
    }
}

#[derive(Default)]
pub struct AccountMappingQuery;

#[Object]
impl AccountMappingQuery {
    /// La correspondencia de cuentas heredadas con unidades programáticas, por cuenta. Pública.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn account_mapping(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<AccountMappingNode>> {
        let page = PageRequest::parse(first, after)?;
        let found = service(ctx)?.account_mapping(&page).await?;
        Ok(connection(found, &page, |m| m.account_code.clone(), AccountMappingNode::from))
    }
}

#[derive(InputObject)]
pub struct AccountMappingInput {
    /// Cuenta heredada, p. ej. `A.1.2`: sus subcuentas corresponden a la misma unidad salvo que
    /// tengan su propia correspondencia.
    pub account_code: String,
    /// Unidad programática del catálogo vigente.
    pub unit_code: String,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct ImportLegacySpendingInput {
    pub entity_code: String,
    pub vigencia: i32,
    pub idempotency_key: String,
    /// El archivo de ejecución presupuestal (CSV separado por «;», «,» o tabulador) con las
    /// columnas cuenta, apropiacion, compromisos, obligaciones y pagos (y opcionalmente nombre).
    pub csv: String,
    /// Clasifica y cuenta sin guardar nada.
    #[graphql(default)]
    pub dry_run: bool,
}

/// Una fila del archivo heredado que ninguna correspondencia alcanza: no se guardó.
#[derive(SimpleObject)]
pub struct UnmappedLegacyRow {
    /// Línea del archivo (el encabezado es la línea 1).
    pub line: i32,
    pub account_code: String,
    pub name: String,
    pub amounts: AmountsNode,
}

impl From<&LegacyRow> for UnmappedLegacyRow {
    fn from(row: &LegacyRow) -> Self {
        Self {
            line: i32::try_from(row.line).unwrap_or(i32::MAX),
            account_code: row.account.clone(),
            name: row.name.clone(),
            amounts: row.amounts.into(),
        }
    }
}

/// El gasto de una unidad según el archivo heredado.
#[derive(SimpleObject)]
pub struct LegacyUnitTotal {
    pub unit_code: String,
    /// Filas del archivo que se sumaron en la unidad.
    pub lines: Vec<i32>,
    pub amounts: AmountsNode,
}

#[derive(SimpleObject)]
pub struct ImportLegacySpendingPayload {
    /// Verdadero en una simulación: no se guardó nada.
    pub dry_run: bool,
    /// Filas leídas del archivo.
    pub rows: i32,
    /// Filas clasificadas en alguna unidad.
    pub classified_rows: i32,
    /// Líneas de filas que totalizan otras del archivo: se omiten para no contar dos veces.
    pub total_lines: Vec<i32>,
    pub units: Vec<LegacyUnitTotal>,
    /// Filas sin correspondencia, por línea: quedan fuera del gasto clasificado.
    pub unmapped: Vec<UnmappedLegacyRow>,
    /// Entregas aceptadas, duplicadas, correcciones y conflictos (vacío en una simulación).
    pub accepted: i32,
    pub duplicates: i32,
    pub corrections: i32,
    pub conflicts: i32,
    /// Unidades retiradas que se guardaron tal cual y se muestran por el cruce.
    pub through_crosswalk: Vec<String>,
}

impl From<LegacyOutcome> for ImportLegacySpendingPayload {
    fn from(outcome: LegacyOutcome) -> Self {
        let line = |l: usize| i32::try_from(l).unwrap_or(i32::MAX);
        let plan = &outcome.plan;
        let reported = outcome.reported.clone().unwrap_or_default();
        Self {
            dry_run: outcome.dry_run,
            rows: line(outcome.rows),
            classified_rows: line(plan.classified.len()),
            total_lines: plan.totals.iter().copied().map(line).collect(),
            units: plan
                .by_unit
                .iter()
                .map(|(unit, amounts)| LegacyUnitTotal {
                    unit_code: unit.clone(),
                    lines: plan
                        .classified
                        .iter()
                        .filter(|(_, _, u)| u == unit)
                        .map(|(l, _, _)| line(*l))
                        .collect(),
                    amounts: (*amounts).into(),
                })
                .collect(),
            unmapped: outcome.unmapped().iter().map(UnmappedLegacyRow::from).collect(),
            accepted: reported.accepted,
            duplicates: reported.duplicates,
            corrections: reported.corrections,
            conflicts: reported.conflicts,
            through_crosswalk: reported.through_crosswalk,
        }
    }
}

#[derive(Default)]
pub struct LegacySpendingMutation;

#[Object]
impl LegacySpendingMutation {
    /// Función Pública fija a qué unidad programática corresponde cada cuenta heredada.
    async fn set_account_mapping(
        &self,
        ctx: &Context<'_>,
        rows: Vec<AccountMappingInput>,
    ) -> ApiResult<Vec<AccountMappingNode>> {
        let rows = rows
            .into_iter()
            .map(|r| NewAccountMapping { account_code: r.account_code, unit_code: r.unit_code, note: r.note })
            .collect();
        let written = service(ctx)?.set_account_mapping(ctx.data::<Actor>()?, rows).await?;
        Ok(written.into_iter().map(AccountMappingNode::from).collect())
    }

    /// Una entidad territorial importa su archivo heredado de ejecución presupuestal: se clasifica
    /// por la correspondencia de cuentas y viaja por la ruta de «reportar una sola vez».
    async fn import_legacy_spending(
        &self,
        ctx: &Context<'_>,
        input: ImportLegacySpendingInput,
    ) -> ApiResult<ImportLegacySpendingPayload> {
        let import = LegacyImport {
            entity_code: input.entity_code,
            vigencia: input.vigencia,
            idempotency_key: input.idempotency_key,
            file: input.csv,
            dry_run: input.dry_run,
        };
        Ok(service(ctx)?.import_legacy_spending(ctx.data::<Actor>()?, import).await?.into())
    }
}
