//! GraphQL of the one search box and the knowledge base search.

use async_graphql::{
    connection::{Connection, Edge},
    dataloader::DataLoader,
    Context, Enum, InputObject, Object, SimpleObject, Union,
};
use search_index::{Cursor, Dimension, Hit, Kind, SearchPage, SearchRequest};

use super::SearchService;
use crate::{
    assistance::resolvers::{AssistanceLoader, OfferNode},
    classification::resolvers::{CatalogueCode, CatalogueItemNode, CatalogueLoader},
    error::{ApiResult, ServiceError},
    knowledge::{
        model::ProductType,
        resolvers::{KnowledgeLoader, KnowledgeProductNode},
    },
    pagination::{encode_cursor, PageRequest},
    reporting::resolvers::{ReportingLoader, RequirementCode, RequirementNode},
    talent::resolvers::{TalentLoader, VacancyNode},
};

/// Qué se busca.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    /// Ofertas de asistencia técnica.
    Offer,
    /// Productos de conocimiento.
    Knowledge,
    /// Requerimientos de información.
    Requirement,
    /// Vacantes abiertas de las entidades territoriales (Vitrina de las Regiones).
    Vacancy,
    /// Unidades programáticas del catálogo de clasificación del gasto vigente.
    Unit,
}

impl From<SearchKind> for Kind {
    fn from(kind: SearchKind) -> Self {
        match kind {
            SearchKind::Offer => Kind::Offer,
            SearchKind::Knowledge => Kind::Knowledge,
            SearchKind::Requirement => Kind::Requirement,
            SearchKind::Vacancy => Kind::Vacancy,
            SearchKind::Unit => Kind::Unit,
        }
    }
}

impl From<Kind> for SearchKind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Offer => SearchKind::Offer,
            Kind::Knowledge => SearchKind::Knowledge,
            Kind::Requirement => SearchKind::Requirement,
            Kind::Vacancy => SearchKind::Vacancy,
            Kind::Unit => SearchKind::Unit,
        }
    }
}

/// Dimensión de las facetas.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchFacetField {
    Type,
    Topic,
    Year,
    /// Código DIVIPOLA del departamento.
    Department,
    /// Código de la organización.
    Organisation,
    Modality,
}

impl From<Dimension> for SearchFacetField {
    fn from(dimension: Dimension) -> Self {
        match dimension {
            Dimension::Type => Self::Type,
            Dimension::Topic => Self::Topic,
            Dimension::Year => Self::Year,
            Dimension::Department => Self::Department,
            Dimension::Organisation => Self::Organisation,
            Dimension::Modality => Self::Modality,
        }
    }
}

#[derive(SimpleObject)]
pub struct FacetValue {
    pub value: String,
    /// Resultados con este valor.
    pub count: i64,
}

/// Conteos de una dimensión sobre todos los resultados (no solo la página).
#[derive(SimpleObject)]
pub struct SearchFacet {
    pub field: SearchFacetField,
    pub values: Vec<FacetValue>,
}

/// Totales de una búsqueda.
#[derive(SimpleObject)]
pub struct SearchTotals {
    /// Resultados en todas las páginas.
    pub total_count: i64,
    /// Facetas (tipo, tema, año, departamento, organización, modalidad); se calculan solo si se piden.
    pub facets: Vec<SearchFacet>,
    /// Los conteos de las facetas son una estimación: una búsqueda muy amplia
    /// (más de unas 100.000 coincidencias) los cuenta sobre una muestra.
    /// `totalCount` es siempre exacto.
    pub facets_approximate: bool,
}

/// Lo que encuentra la búsqueda.
#[derive(Union)]
pub enum SearchObject {
    Offer(OfferNode),
    KnowledgeProduct(KnowledgeProductNode),
    InformationRequirement(RequirementNode),
    Vacancy(VacancyNode),
    CatalogueItem(CatalogueItemNode),
}

/// Un resultado: qué es, su puntaje, su título y un fragmento con las palabras encontradas en `<mark>`.
pub struct SearchHitNode(pub Hit);

#[Object(name = "SearchHit")]
impl SearchHitNode {
    async fn kind(&self) -> SearchKind {
        self.0.kind.into()
    }
    /// Relevancia (mayor es mejor; 0 al listar por fecha).
    async fn score(&self) -> f64 {
        f64::from(self.0.score)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// HTML escapado; solo `<mark>` marca las palabras encontradas.
    async fn snippet(&self) -> &str {
        &self.0.snippet
    }
    /// El objeto encontrado.
    async fn object(&self, ctx: &Context<'_>) -> ApiResult<Option<SearchObject>> {
        let Some((_, id)) = self.0.key.split_once(':') else { return Ok(None) };
        Ok(match self.0.kind {
            Kind::Knowledge => {
                let Ok(id) = id.parse() else { return Ok(None) };
                let loader = ctx.data::<DataLoader<KnowledgeLoader>>()?;
                loader.load_one(id).await?.map(|p| SearchObject::KnowledgeProduct(KnowledgeProductNode(p)))
            }
            Kind::Requirement => {
                let loader = ctx.data::<DataLoader<ReportingLoader>>()?;
                loader
                    .load_one(RequirementCode(id.to_owned()))
                    .await?
                    .map(|r| SearchObject::InformationRequirement(RequirementNode(r)))
            }
            Kind::Offer => {
                let Ok(id) = id.parse::<uuid::Uuid>() else { return Ok(None) };
                let loader = ctx.data::<DataLoader<AssistanceLoader>>()?;
                loader.load_one(id).await?.map(|o| SearchObject::Offer(OfferNode(o)))
            }
            Kind::Vacancy => {
                let Ok(id) = id.parse() else { return Ok(None) };
                let loader = ctx.data::<DataLoader<TalentLoader>>()?;
                loader.load_one(id).await?.map(|v| SearchObject::Vacancy(VacancyNode(v)))
            }
            Kind::Unit => {
                let loader = ctx.data::<DataLoader<CatalogueLoader>>()?;
                loader.load_one(CatalogueCode(id.to_owned())).await?.map(SearchObject::CatalogueItem)
            }
        })
    }
}

pub type SearchConnection = Connection<String, SearchHitNode, SearchTotals>;

/// Filtro de la base de conocimiento: varios valores de un campo son alternativas; los campos se combinan.
#[derive(InputObject, Default)]
pub struct KnowledgeFilter {
    #[graphql(default)]
    pub types: Vec<ProductType>,
    #[graphql(default)]
    pub topics: Vec<String>,
    #[graphql(default)]
    pub years: Vec<i32>,
    /// Códigos DIVIPOLA de departamento (2 dígitos).
    #[graphql(default)]
    pub department_codes: Vec<String>,
    #[graphql(default)]
    pub organisation_codes: Vec<String>,
}

impl KnowledgeFilter {
    fn facets(self) -> Vec<(Dimension, String)> {
        let mut filters: Vec<(Dimension, String)> = Vec::new();
        filters.extend(self.types.into_iter().map(|t| (Dimension::Type, t.as_str().to_owned())));
        filters.extend(self.topics.into_iter().map(|t| (Dimension::Topic, t)));
        filters.extend(self.years.into_iter().map(|y| (Dimension::Year, y.to_string())));
        filters
            .extend(self.department_codes.into_iter().map(|d| (Dimension::Department, d.trim().to_owned())));
        filters.extend(
            self.organisation_codes.into_iter().map(|o| (Dimension::Organisation, o.trim().to_uppercase())),
        );
        filters
    }
}

/// Filtro del catálogo de ofertas de asistencia técnica.
#[derive(InputObject, Default)]
pub struct OfferFilter {
    #[graphql(default)]
    pub topics: Vec<String>,
    /// Departamentos cubiertos (código DIVIPOLA de 2 dígitos).
    #[graphql(default)]
    pub department_codes: Vec<String>,
    #[graphql(default)]
    pub organisation_codes: Vec<String>,
    /// presencial, virtual o mixta.
    #[graphql(default)]
    pub modalities: Vec<String>,
    #[graphql(default)]
    pub years: Vec<i32>,
}

impl OfferFilter {
    fn facets(self) -> Vec<(Dimension, String)> {
        let mut filters: Vec<(Dimension, String)> = Vec::new();
        filters.extend(self.topics.into_iter().map(|t| (Dimension::Topic, t)));
        filters
            .extend(self.department_codes.into_iter().map(|d| (Dimension::Department, d.trim().to_owned())));
        filters.extend(
            self.organisation_codes.into_iter().map(|o| (Dimension::Organisation, o.trim().to_uppercase())),
        );
        filters.extend(self.modalities.into_iter().map(|m| (Dimension::Modality, m.trim().to_lowercase())));
        filters.extend(self.years.into_iter().map(|y| (Dimension::Year, y.to_string())));
        filters
    }
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Una sola caja de búsqueda sobre ofertas, conocimiento y requerimientos: sin importar tildes,
    /// plurales ni un error de tecleo; frases entre comillas. Vacía, lista lo más reciente.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        kinds: Option<Vec<SearchKind>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<SearchConnection> {
        let kinds = kinds.unwrap_or_default().into_iter().map(Kind::from).collect();
        run(ctx, query, kinds, Vec::new(), first, after).await
    }

    /// Búsqueda en el catálogo público de ofertas de asistencia técnica, con filtros y facetas.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn search_offers(
        &self,
        ctx: &Context<'_>,
        query: Option<String>,
        filter: Option<OfferFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<SearchConnection> {
        let filters = filter.unwrap_or_default().facets();
        run(ctx, query.unwrap_or_default(), vec![Kind::Offer], filters, first, after).await
    }

    /// Búsqueda en la base de conocimiento, con filtros y facetas.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn search_knowledge(
        &self,
        ctx: &Context<'_>,
        query: Option<String>,
        filter: Option<KnowledgeFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<SearchConnection> {
        let filters = filter.unwrap_or_default().facets();
        run(ctx, query.unwrap_or_default(), vec![Kind::Knowledge], filters, first, after).await
    }
}

async fn run(
    ctx: &Context<'_>,
    text: String,
    kinds: Vec<Kind>,
    filters: Vec<(Dimension, String)>,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<SearchConnection> {
    let page = PageRequest::parse(first, after)?;
    let after = match &page.after {
        Some(raw) => {
            Some(Cursor::decode(raw).ok_or_else(|| ServiceError::invalid("el cursor «after» no es válido"))?)
        }
        None => None,
    };
    let request = SearchRequest {
        text,
        kinds,
        filters,
        limit: page.first as usize,
        after,
        facets: ctx.look_ahead().field("facets").exists(),
        any_word: false,
    };
    let mut result = ctx.data::<SearchService>()?.search_faceted(request).await?;
    if page.first == 0 {
        // Only the totals were asked for.
        result.has_next = result.total > 0;
        result.hits.clear();
    }
    Ok(to_connection(result, page.after.is_some()))
}

fn to_connection(page: SearchPage, has_previous: bool) -> SearchConnection {
    let totals = SearchTotals {
        total_count: i64::try_from(page.total).unwrap_or(i64::MAX),
        facets_approximate: page.facets_approximate,
        facets: page
            .facets
            .into_iter()
            .map(|facet| SearchFacet {
                field: facet.dimension.into(),
                values: facet
                    .values
                    .into_iter()
                    .map(|(value, count)| FacetValue {
                        value,
                        count: i64::try_from(count).unwrap_or(i64::MAX),
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut connection = Connection::with_additional_fields(has_previous, page.has_next, totals);
    connection.edges.extend(
        page.hits.into_iter().map(|hit| Edge::new(encode_cursor(&hit.cursor.encode()), SearchHitNode(hit))),
    );
    connection
}
