//! GraphQL of the knowledge base: parse, call the service, shape the answer.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context, InputObject, Object, SimpleObject, ID,
};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    model::{KnowledgeProduct, NewKnowledgeProduct, ProductType, SourceFormat},
    KnowledgeService,
};
use crate::{
    access::resolvers::{AccessLoader, OrganisationCode, OrganisationNode},
    authorisation::Actor,
    connection::parse_id,
    error::{ApiResult, ServiceError},
    territory::{loader::TerritoryLoader, resolvers::TerritorialEntityNode},
};

fn service<'a>(ctx: &Context<'a>) -> ApiResult<&'a KnowledgeService> {
    Ok(ctx.data::<KnowledgeService>()?)
}

#[derive(Default)]
pub struct KnowledgeQuery;

#[Object]
impl KnowledgeQuery {
    /// Un producto de conocimiento por id (también los archivados).
    async fn knowledge_product(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<KnowledgeProductNode>> {
        let id = parse_id(&id, "producto de conocimiento")?;
        Ok(service(ctx)?.find(id).await?.map(KnowledgeProductNode))
    }
}

#[derive(Default)]
pub struct KnowledgeMutation;

/// Un documento para la base de conocimiento. De un Markdown con encabezado
/// `---` se toman los datos que no vengan en la solicitud.
#[derive(InputObject)]
pub struct AddKnowledgeProductInput {
    /// Si falta: el primer título del documento.
    pub title: Option<String>,
    /// Si falta: el primer párrafo.
    pub summary: Option<String>,
    #[graphql(name = "type")]
    pub product_type: Option<ProductType>,
    #[graphql(default)]
    pub topics: Vec<String>,
    /// Código DIVIPOLA del territorio del que trata.
    pub territory_code: Option<String>,
    /// Organización autora (una entidad nacional solo publica a su nombre).
    pub organisation_code: Option<String>,
    /// Fecha de publicación; hoy si falta.
    pub published_on: Option<NaiveDate>,
    pub source_url: Option<String>,
    /// Unidad programática del catálogo de clasificación del gasto de la que trata (código o nombre).
    pub programmatic_unit: Option<String>,
    pub format: SourceFormat,
    /// El texto o el Markdown tal cual; un PDF en base64.
    pub content: String,
}

#[derive(SimpleObject)]
pub struct KnowledgeProductPayload {
    pub product: KnowledgeProductNode,
}

#[Object]
impl KnowledgeMutation {
    /// Agrega un producto de conocimiento (texto, Markdown o PDF); queda en la búsqueda en menos de un segundo.
    async fn add_knowledge_product(
        &self,
        ctx: &Context<'_>,
        input: AddKnowledgeProductInput,
    ) -> ApiResult<KnowledgeProductPayload> {
        let content = match input.format {
            SourceFormat::Pdf => STANDARD
                .decode(input.content.trim())
                .map_err(|_| ServiceError::invalid("el PDF debe llegar en base64 («content»)"))?,
            SourceFormat::Text | SourceFormat::Markdown => input.content.into_bytes(),
        };
        let new = NewKnowledgeProduct {
            title: input.title,
            summary: input.summary,
            product_type: input.product_type,
            topics: input.topics,
            territory_code: input.territory_code,
            organisation_code: input.organisation_code,
            published_on: input.published_on,
            source_url: input.source_url,
            format: Some(input.format),
            programmatic_unit: input.programmatic_unit,
            content,
        };
        let product = service(ctx)?.add(ctx.data::<Actor>()?, new).await?;
        Ok(KnowledgeProductPayload { product: KnowledgeProductNode(product) })
    }

    /// Archiva un producto: sale de la búsqueda, el registro se conserva.
    async fn archive_knowledge_product(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> ApiResult<KnowledgeProductPayload> {
        let id = parse_id(&id, "producto de conocimiento")?;
        let product = service(ctx)?.archive(ctx.data::<Actor>()?, id).await?;
        Ok(KnowledgeProductPayload { product: KnowledgeProductNode(product) })
    }
}

/// Producto de conocimiento: guía, estudio, lección aprendida, memoria, norma, herramienta o acta.
pub struct KnowledgeProductNode(pub KnowledgeProduct);

#[Object(name = "KnowledgeProduct")]
impl KnowledgeProductNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// El texto completo (extraído del PDF o del Markdown).
    async fn text(&self) -> &str {
        &self.0.body
    }
    /// El Markdown en que llegó (sin su encabezado de metadatos), para mostrarlo con sus títulos,
    /// listas y tablas; nulo si llegó como texto o PDF.
    async fn markdown(&self) -> Option<&str> {
        self.0.markdown.as_deref()
    }
    #[graphql(name = "type")]
    async fn product_type(&self) -> ProductType {
        self.0.product_type
    }
    async fn topics(&self) -> &[String] {
        &self.0.topics
    }
    /// Unidad programática de la que trata, como la escribió su autor; `unitReferences` dice a qué código quedó enlazada.
    async fn programmatic_unit(&self) -> Option<&str> {
        self.0.programmatic_unit.as_deref()
    }
    async fn territory(&self, ctx: &Context<'_>) -> ApiResult<Option<TerritorialEntityNode>> {
        let Some(code) = &self.0.territory_code else { return Ok(None) };
        let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
        Ok(loader.load_one(code.clone()).await?.map(TerritorialEntityNode))
    }
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<OrganisationNode>> {
        let Some(code) = &self.0.organisation_code else { return Ok(None) };
        let loader = ctx.data::<DataLoader<AccessLoader>>()?;
        Ok(loader.load_one(OrganisationCode(code.clone())).await?.map(OrganisationNode))
    }
    async fn published_on(&self) -> NaiveDate {
        self.0.published_on
    }
    async fn source_url(&self) -> Option<&str> {
        self.0.source_url.as_deref()
    }
    /// Formato en que llegó.
    async fn format(&self) -> SourceFormat {
        self.0.format
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Cuándo se archivó; nulo si sigue en la base de conocimiento.
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// The documents cited by an agenda item or a message, in their order;
/// archived ones no longer appear.
pub async fn cited_documents(ctx: &Context<'_>, ids: &[Uuid]) -> ApiResult<Vec<KnowledgeProductNode>> {
    let loader = ctx.data::<DataLoader<KnowledgeLoader>>()?;
    let found = loader.load_many(ids.iter().copied()).await?;
    Ok(ids
        .iter()
        .filter_map(|id| found.get(id))
        .filter(|product| product.is_visible())
        .cloned()
        .map(KnowledgeProductNode)
        .collect())
}

/// Batch loading of products (search hits name many).
pub struct KnowledgeLoader(pub std::sync::Arc<KnowledgeService>);

impl Loader<Uuid> for KnowledgeLoader {
    type Value = KnowledgeProduct;
    type Error = Arc<ServiceError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, KnowledgeProduct>, Self::Error> {
        self.0.find_many(keys).await.map_err(Arc::new)
    }
}
