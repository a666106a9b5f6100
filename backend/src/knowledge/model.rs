//! Knowledge products: what the knowledge base holds, and its table.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

sea_table!(knowledge_product, "knowledge_product", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub product_type: String,
    pub topics: Json,
    pub territory_code: Option<String>,
    pub organisation_code: Option<String>,
    pub published_on: Date,
    pub source_url: Option<String>,
    pub format: String,
    pub content_hash: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
    /// The programmatic unit it is about, as its author wrote it (a code or a name).
    pub programmatic_unit: Option<String>,
    /// The Markdown it was sent as (after its front matter); `None` for text and PDF.
    pub markdown: Option<String>,
});

/// Tipo de producto de conocimiento.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProductType {
    /// Guía.
    Guide,
    /// Estudio.
    Study,
    /// Lección aprendida.
    LessonLearned,
    /// Memoria (de un taller, de un encuentro).
    Memoir,
    /// Norma.
    Norm,
    /// Herramienta.
    Tool,
    /// Acta de una sesión.
    Minutes,
}

impl ProductType {
    pub const ALL: [ProductType; 7] =
        [Self::Guide, Self::Study, Self::LessonLearned, Self::Memoir, Self::Norm, Self::Tool, Self::Minutes];

    /// The Spanish name, as stored, indexed and faceted.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Guide => "guía",
            Self::Study => "estudio",
            Self::LessonLearned => "lección aprendida",
            Self::Memoir => "memoria",
            Self::Norm => "norma",
            Self::Tool => "herramienta",
            Self::Minutes => "acta",
        }
    }

    /// Reads the Spanish name, with or without accents.
    pub fn parse(value: &str) -> Option<ProductType> {
        let wanted = crate::text::fold(value.trim());
        Self::ALL.into_iter().find(|t| crate::text::fold(t.as_str()) == wanted)
    }
}

/// Formato del contenido recibido.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SourceFormat {
    /// Texto plano.
    Text,
    /// Markdown.
    Markdown,
    /// PDF (el contenido llega en base64; el texto se extrae en el servidor).
    Pdf,
}

impl SourceFormat {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Markdown => "markdown",
            Self::Pdf => "pdf",
        }
    }

    pub fn from_db(value: &str) -> SourceFormat {
        match value {
            "markdown" => Self::Markdown,
            "pdf" => Self::Pdf,
            _ => Self::Text,
        }
    }

    /// By file extension, for folder imports.
    pub fn from_extension(extension: &str) -> Option<SourceFormat> {
        match extension.to_ascii_lowercase().as_str() {
            "txt" => Some(Self::Text),
            "md" | "markdown" => Some(Self::Markdown),
            "pdf" => Some(Self::Pdf),
            _ => None,
        }
    }
}

/// A knowledge product as the services use it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KnowledgeProduct {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    #[serde(skip)]
    pub body: String,
    pub product_type: ProductType,
    pub topics: Vec<String>,
    pub territory_code: Option<String>,
    pub organisation_code: Option<String>,
    pub published_on: NaiveDate,
    pub source_url: Option<String>,
    pub format: SourceFormat,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
    /// The programmatic unit it is about (a catalogue code or name; the classification links it).
    pub programmatic_unit: Option<String>,
    /// The Markdown it was sent as, for its page; `None` for text and PDF.
    #[serde(skip)]
    pub markdown: Option<String>,
}

impl KnowledgeProduct {
    /// Archived knowledge is hidden: out of search, and out of every agenda
    /// item, message or page that cited it. The one place this rule is
    /// written (the knowledge service's queries say it again in SQL).
    pub fn is_visible(&self) -> bool {
        self.archived_at.is_none()
    }
}

impl From<knowledge_product::Model> for KnowledgeProduct {
    fn from(row: knowledge_product::Model) -> Self {
        Self {
            id: row.id,
            title: row.title,
            summary: row.summary,
            body: row.body,
            product_type: ProductType::parse(&row.product_type).unwrap_or(ProductType::Study),
            topics: serde_json::from_value(row.topics).unwrap_or_default(),
            territory_code: row.territory_code,
            organisation_code: row.organisation_code,
            published_on: row.published_on,
            source_url: row.source_url,
            format: SourceFormat::from_db(&row.format),
            created_by: row.created_by,
            created_at: row.created_at,
            archived_at: row.archived_at,
            programmatic_unit: row.programmatic_unit,
            markdown: row.markdown,
        }
    }
}

/// What a caller sends to add a product (not yet validated).
#[derive(Debug, Clone, Default)]
pub struct NewKnowledgeProduct {
    /// Taken from the content (first heading or line, PDF title) when absent.
    pub title: Option<String>,
    pub summary: Option<String>,
    pub product_type: Option<ProductType>,
    pub topics: Vec<String>,
    pub territory_code: Option<String>,
    pub organisation_code: Option<String>,
    /// Today when absent.
    pub published_on: Option<NaiveDate>,
    pub source_url: Option<String>,
    pub format: Option<SourceFormat>,
    /// The programmatic unit it is about (front matter `unidad`).
    pub programmatic_unit: Option<String>,
    /// Text or Markdown as is; a PDF's bytes.
    pub content: Vec<u8>,
}
