//! GraphQL of the territory context: parse, call the service, shape the answer.

use async_graphql::{dataloader::DataLoader, Context, InputObject, MaybeUndefined, Object, SimpleObject};

use super::{
    loader::{MunicipalUnitsOf, TerritoryLoader},
    model::{
        CapacityGroup, DivipolaCode, MunicipalCategory, TerritorialEntity, TerritorialKind, TerritoryFilter,
    },
    regions::{NewRapRegion, RapRegion},
    service::TerritoryService,
};
use crate::{
    authorisation::Actor,
    connection::{connection, CountedConnection},
    error::ApiResult,
    pagination::{Page, PageRequest},
};

#[derive(Default)]
pub struct TerritoryQuery;

/// The fields of this context whose answer never depends on who asks (none of
/// their resolvers reads the `Actor`): a query of only these is answered from
/// the public cache, signed in or not. A field that starts reading the caller
/// must leave this list.
pub const PUBLIC_FIELDS: &[(&str, &[&str])] = &[
    ("Query", &["territorialEntity", "territorialEntities", "rapRegions"]),
    (
        "TerritorialEntity",
        &["code", "name", "kind", "category", "capacityGroup", "department", "municipalities"],
    ),
    ("TerritorialEntityConnection", &["pageInfo", "edges", "nodes", "totalCount"]),
    ("TerritorialEntityEdge", &["node", "cursor"]),
    ("RapRegion", &["code", "name", "departments", "source", "sourceDate", "updatedAt"]),
];

/// Filtro del registro territorial; los criterios se combinan (Y).
#[derive(InputObject, Default)]
#[graphql(name = "TerritorialEntityFilter")]
pub struct TerritorialEntityFilterInput {
    /// Tipo de entidad.
    pub kind: Option<TerritorialKind>,
    /// Código DIVIPOLA del departamento (2 dígitos): sus municipios, distritos y áreas.
    pub department_code: Option<String>,
    /// Categoría municipal (Ley 617 de 2000).
    pub category: Option<MunicipalCategory>,
    /// Parte del nombre, sin importar mayúsculas ni tildes ("bogota" encuentra "BOGOTÁ, D.C.").
    pub name_contains: Option<String>,
}

#[Object]
impl TerritoryQuery {
    /// Una entidad territorial por su código DIVIPOLA (2 dígitos para un departamento,
    /// 5 para un municipio, distrito o área no municipalizada); `null` si no existe.
    async fn territorial_entity(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> ApiResult<Option<TerritorialEntityNode>> {
        let code = DivipolaCode::parse(&code)?;
        let service = ctx.data::<TerritoryService>()?;
        Ok(service.find(&code).await?.map(TerritorialEntityNode))
    }

    /// El registro DIVIPOLA, filtrado y paginado por código.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn territorial_entities(
        &self,
        ctx: &Context<'_>,
        filter: Option<TerritorialEntityFilterInput>,
        #[graphql(desc = "Cuántos elementos (máximo 100; 20 si se omite).")] first: Option<i32>,
        #[graphql(desc = "Cursor `endCursor` de la página anterior.")] after: Option<String>,
    ) -> ApiResult<CountedConnection<TerritorialEntityNode>> {
        let filter = filter.unwrap_or_default();
        let filter = TerritoryFilter::parse(
            filter.kind,
            filter.department_code.as_deref(),
            filter.category,
            filter.name_contains.as_deref(),
        )?;
        let page = PageRequest::parse(first, after)?;
        let found = ctx.data::<TerritoryService>()?.list(&filter, &page).await?;
        Ok(connection(found, &page, |entity| entity.code.clone(), TerritorialEntityNode))
    }

    /// Las Regiones Administrativas y de Planificación (RAP) y sus departamentos, por código:
    /// un grupo de pares del monitoreo. Cada una dice su fuente y la fecha de esa fuente.
    async fn rap_regions(&self, ctx: &Context<'_>) -> ApiResult<Vec<RapRegionNode>> {
        Ok(ctx.data::<TerritoryService>()?.rap_regions().await?.into_iter().map(RapRegionNode).collect())
    }
}

/// Una región RAP nueva, o la nueva composición de una existente (mismo código).
#[derive(InputObject)]
pub struct RapRegionInput {
    /// Código estable, p. ej. RAP_PACIFICO.
    pub code: String,
    pub name: String,
    /// Códigos DIVIPOLA de sus departamentos (2 dígitos).
    pub department_codes: Vec<String>,
    /// Acto o lista pública de donde sale la composición.
    pub source: String,
    /// Fecha de esa fuente (AAAA-MM-DD).
    pub source_date: chrono::NaiveDate,
}

#[derive(SimpleObject)]
pub struct RapRegionPayload {
    rap_region: RapRegionNode,
}

/// Cambios de clasificación: un campo omitido se conserva, `null` lo borra.
#[derive(InputObject)]
pub struct UpdateTerritorialEntityInput {
    pub category: MaybeUndefined<MunicipalCategory>,
    pub capacity_group: MaybeUndefined<CapacityGroup>,
}

#[derive(SimpleObject)]
pub struct TerritorialEntityPayload {
    territorial_entity: TerritorialEntityNode,
}

fn change<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => Some(Some(value)),
    }
}

#[derive(Default)]
pub struct TerritoryMutation;

#[Object]
impl TerritoryMutation {
    /// Actualiza la categoría municipal o el grupo de capacidades de una entidad (solo administradores).
    async fn update_territorial_entity(
        &self,
        ctx: &Context<'_>,
        code: String,
        input: UpdateTerritorialEntityInput,
    ) -> ApiResult<TerritorialEntityPayload> {
        let code = DivipolaCode::parse(&code)?;
        let updated = ctx
            .data::<TerritoryService>()?
            .update_classification(
                ctx.data::<Actor>()?,
                &code,
                change(input.category),
                change(input.capacity_group),
            )
            .await?;
        Ok(TerritorialEntityPayload { territorial_entity: TerritorialEntityNode(updated) })
    }

    /// Crea o reemplaza una región RAP: nombre, departamentos y fuente (solo administradores).
    async fn set_rap_region(&self, ctx: &Context<'_>, input: RapRegionInput) -> ApiResult<RapRegionPayload> {
        let new = NewRapRegion {
            code: input.code,
            name: input.name,
            department_codes: input.department_codes,
            source: input.source,
            source_date: input.source_date,
        };
        let saved = ctx.data::<TerritoryService>()?.set_rap_region(ctx.data::<Actor>()?, new).await?;
        Ok(RapRegionPayload { rap_region: RapRegionNode(saved) })
    }

    /// Retira una región RAP; sus departamentos siguen en el registro (solo administradores).
    async fn remove_rap_region(&self, ctx: &Context<'_>, code: String) -> ApiResult<RapRegionPayload> {
        let removed = ctx.data::<TerritoryService>()?.remove_rap_region(ctx.data::<Actor>()?, &code).await?;
        Ok(RapRegionPayload { rap_region: RapRegionNode(removed) })
    }
}

/// Región Administrativa y de Planificación (Ley 1454 de 2011, art. 30): departamentos asociados.
pub struct RapRegionNode(pub RapRegion);

#[Object(name = "RapRegion")]
impl RapRegionNode {
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Sus departamentos, por código.
    async fn departments(&self, ctx: &Context<'_>) -> ApiResult<Vec<TerritorialEntityNode>> {
        let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
        let found = loader.load_many(self.0.department_codes.iter().cloned()).await?;
        Ok(self
            .0
            .department_codes
            .iter()
            .filter_map(|c| found.get(c).cloned())
            .map(TerritorialEntityNode)
            .collect())
    }

    /// Fuente de la composición.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// Fecha de la fuente.
    async fn source_date(&self) -> chrono::NaiveDate {
        self.0.source_date
    }

    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// Departamento, distrito, municipio o área no municipalizada del registro DIVIPOLA del DANE.
pub struct TerritorialEntityNode(pub TerritorialEntity);

#[Object(name = "TerritorialEntity")]
impl TerritorialEntityNode {
    /// Código DIVIPOLA.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Nombre oficial (DANE).
    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn kind(&self) -> TerritorialKind {
        self.0.kind
    }

    /// Categoría municipal; `null` mientras no haya dato.
    async fn category(&self) -> Option<MunicipalCategory> {
        self.0.category
    }

    /// Grupo de capacidades; `null` mientras no haya dato.
    async fn capacity_group(&self) -> Option<CapacityGroup> {
        self.0.capacity_group
    }

    /// Departamento al que pertenece; `null` para un departamento.
    async fn department(&self, ctx: &Context<'_>) -> ApiResult<Option<TerritorialEntityNode>> {
        let Some(code) = &self.0.department_code else { return Ok(None) };
        let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
        Ok(loader.load_one(code.clone()).await?.map(TerritorialEntityNode))
    }

    /// Municipios, distritos y áreas no municipalizadas de un departamento (vacío para los demás).
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn municipalities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Cuántos elementos (máximo 100; 20 si se omite).")] first: Option<i32>,
        #[graphql(desc = "Cursor `endCursor` de la página anterior.")] after: Option<String>,
    ) -> ApiResult<CountedConnection<TerritorialEntityNode>> {
        let page = PageRequest::parse(first, after)?;
        let units = if self.0.kind == TerritorialKind::Department {
            let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
            loader.load_one(MunicipalUnitsOf(self.0.code.clone())).await?.unwrap_or_default()
        } else {
            Vec::new()
        };
        let found = Page::from_sorted(units, &page, |entity| entity.code.as_str());
        Ok(connection(found, &page, |entity| entity.code.clone(), TerritorialEntityNode))
    }
}
