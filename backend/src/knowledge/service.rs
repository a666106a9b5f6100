//! The knowledge base: adding products from text, Markdown or PDF, archiving,
//! reading, and importing a folder. Every write is audited and goes through
//! the outbox, so every instance's search index follows.

use std::{collections::HashMap, path::Path};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    entity::prelude::*, ActiveValue::Set, Condition, DatabaseConnection, QueryOrder, QuerySelect,
    TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    ingest,
    model::{knowledge_product, KnowledgeProduct, NewKnowledgeProduct, ProductType, SourceFormat},
    rules,
};
use crate::{
    access::AccessService,
    audit::{self, Change, SYSTEM_LABEL},
    authorisation::Actor,
    error::ServiceError,
    outbox::{self, Outbox},
    territory::{DivipolaCode, TerritoryService},
};

/// Largest text kept for one product, in characters.
const MAX_TEXT_CHARS: usize = 2_000_000;
const MAX_TOPICS: usize = 8;

#[derive(Clone)]
pub struct KnowledgeService {
    db: DatabaseConnection,
    territory: TerritoryService,
    outbox: Outbox,
}

/// A product ready to store: validated, its text extracted.
struct Prepared {
    title: String,
    summary: String,
    body: String,
    product_type: ProductType,
    topics: Vec<String>,
    territory_code: Option<String>,
    territory_department: Option<String>,
    organisation_code: Option<String>,
    published_on: NaiveDate,
    source_url: Option<String>,
    format: SourceFormat,
    content_hash: String,
    programmatic_unit: Option<String>,
    markdown: Option<String>,
}

/// What a folder import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FolderImport {
    pub added: usize,
    pub already_present: usize,
    /// File name and reason, for every file refused.
    pub rejected: Vec<(String, String)>,
}

impl KnowledgeService {
    pub fn new(db: DatabaseConnection, territory: TerritoryService, outbox: Outbox) -> Self {
        Self { db, territory, outbox }
    }

    /// Adds a product on behalf of a signed-in user, within what the rules allow.
    #[tracing::instrument(name = "knowledge.add", skip_all)]
    pub async fn add(
        &self,
        actor: &Actor,
        new: NewKnowledgeProduct,
    ) -> Result<KnowledgeProduct, ServiceError> {
        let user = crate::authorisation::rules::require_user(actor, "publicar en la base de conocimiento")?;
        let mut prepared = self.prepare(new).await?;
        let attribution = rules::attribute(
            user,
            prepared.organisation_code.as_deref(),
            prepared.territory_code.as_deref(),
            prepared.territory_department.as_deref(),
        )?;
        prepared.organisation_code = attribution.organisation_code;
        prepared.territory_code = attribution.territory_code;
        self.insert(prepared, Some(user.id), &actor.label()).await
    }

    /// Adds a product as the system (demo data, folder imports by an operator).
    pub async fn add_as_system(&self, new: NewKnowledgeProduct) -> Result<KnowledgeProduct, ServiceError> {
        let prepared = self.prepare(new).await?;
        self.insert(prepared, None, SYSTEM_LABEL).await
    }

    async fn insert(
        &self,
        prepared: Prepared,
        created_by: Option<Uuid>,
        actor_label: &str,
    ) -> Result<KnowledgeProduct, ServiceError> {
        let id = Uuid::now_v7();
        let row = knowledge_product::ActiveModel {
            id: Set(id),
            title: Set(prepared.title),
            summary: Set(prepared.summary),
            body: Set(prepared.body),
            product_type: Set(prepared.product_type.as_str().to_owned()),
            topics: Set(serde_json::json!(prepared.topics)),
            territory_code: Set(prepared.territory_code),
            organisation_code: Set(prepared.organisation_code),
            published_on: Set(prepared.published_on),
            source_url: Set(prepared.source_url),
            format: Set(prepared.format.as_db().to_owned()),
            content_hash: Set(prepared.content_hash.clone()),
            created_by: Set(created_by),
            created_at: Set(Utc::now()),
            archived_at: Set(None),
            programmatic_unit: Set(prepared.programmatic_unit),
            markdown: Set(prepared.markdown),
        };
        let transaction = self.db.begin().await?;
        let existing = knowledge_product::Entity::find()
            .filter(knowledge_product::Column::ContentHash.eq(prepared.content_hash.as_str()))
            .one(&transaction)
            .await?;
        if let Some(existing) = existing {
            return Err(ServiceError::Conflict(format!(
                "este documento ya está en la base de conocimiento: «{}» ({})",
                existing.title, existing.id
            )));
        }
        let product = KnowledgeProduct::from(row.insert(&transaction).await?);
        let id_text = id.to_string();
        audit::record_as(
            &transaction,
            created_by,
            actor_label,
            Change::new("add_knowledge_product", "knowledge_product", &id_text).after(&product),
        )
        .await?;
        outbox::record(&transaction, search_index::Kind::Knowledge, &id_text).await?;
        transaction.commit().await?;
        self.outbox.committed();
        Ok(product)
    }

    /// Takes a product out of the knowledge base (and of search); the record stays.
    #[tracing::instrument(name = "knowledge.archive", skip_all)]
    pub async fn archive(&self, actor: &Actor, id: Uuid) -> Result<KnowledgeProduct, ServiceError> {
        let user = crate::authorisation::rules::require_user(actor, "archivar productos de conocimiento")?;
        let transaction = self.db.begin().await?;
        let row = knowledge_product::Entity::find_by_id(id)
            .one(&transaction)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no existe el producto de conocimiento {id}")))?;
        let before = KnowledgeProduct::from(row.clone());
        let department = before.territory_code.as_deref().filter(|c| c.len() == 5).map(|c| &c[..2]);
        if !rules::may_archive(
            user,
            before.created_by,
            before.organisation_code.as_deref(),
            before.territory_code.as_deref(),
            department,
        ) {
            return Err(ServiceError::Forbidden("archivar productos de otra organización o entidad"));
        }
        if before.archived_at.is_some() {
            return Ok(before);
        }
        let mut changed: knowledge_product::ActiveModel = row.into();
        changed.archived_at = Set(Some(Utc::now()));
        let after = KnowledgeProduct::from(changed.update(&transaction).await?);
        let id_text = id.to_string();
        audit::record(
            &transaction,
            actor,
            Change::new("archive_knowledge_product", "knowledge_product", &id_text)
                .before(&before)
                .after(&after),
        )
        .await?;
        outbox::record(&transaction, search_index::Kind::Knowledge, &id_text).await?;
        transaction.commit().await?;
        self.outbox.committed();
        Ok(after)
    }

    /// Every product in the base that names a programmatic unit, with the
    /// text it gives (for the classification to link): only those rows.
    pub async fn programmatic_units(&self) -> Result<Vec<(Uuid, String)>, ServiceError> {
        let in_base =
            knowledge_product::Entity::find().filter(knowledge_product::Column::ArchivedAt.is_null());
        let (id, unit) = (knowledge_product::Column::Id, knowledge_product::Column::ProgrammaticUnit);
        Ok(crate::db::ids_with_text(&self.db, in_base, id, unit).await?)
    }

    pub async fn find(&self, id: Uuid) -> Result<Option<KnowledgeProduct>, ServiceError> {
        Ok(knowledge_product::Entity::find_by_id(id).one(&self.db).await?.map(Into::into))
    }

    /// The product with exactly this title, if any (demo data cites documents by title).
    pub async fn find_by_title(&self, title: &str) -> Result<Option<KnowledgeProduct>, ServiceError> {
        Ok(knowledge_product::Entity::find()
            .filter(knowledge_product::Column::Title.eq(title))
            .one(&self.db)
            .await?
            .map(Into::into))
    }

    /// Many products by id in one query (DataLoader batches, the indexer).
    pub async fn find_many(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, KnowledgeProduct>, ServiceError> {
        let rows = knowledge_product::Entity::find()
            .filter(knowledge_product::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|row| (row.id, row.into())).collect())
    }

    /// The products of `ids` that are still visible (not archived), by id:
    /// what a page that cites them may show.
    pub async fn find_visible(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, KnowledgeProduct>, ServiceError> {
        let mut found = self.find_many(ids).await?;
        found.retain(|_, product| product.is_visible());
        Ok(found)
    }

    /// Products still in the knowledge base, by id, after `after`: the rebuild's batches.
    pub async fn active_after(
        &self,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<KnowledgeProduct>, ServiceError> {
        let mut condition = Condition::all().add(knowledge_product::Column::ArchivedAt.is_null());
        if let Some(after) = after {
            condition = condition.add(knowledge_product::Column::Id.gt(after));
        }
        let rows = knowledge_product::Entity::find()
            .filter(condition)
            .order_by_asc(knowledge_product::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Imports every `.md`, `.txt` and `.pdf` of `dir` as the system; a bad file
    /// is reported and skipped, the others go in.
    pub async fn import_folder(
        &self,
        dir: &Path,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<FolderImport, ServiceError> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| ServiceError::invalid(format!("no se pudo leer la carpeta {}: {e}", dir.display())))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.is_file()
                    && path
                        .extension()
                        .and_then(|e| e.to_str())
                        .and_then(SourceFormat::from_extension)
                        .is_some()
                    && path
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| !n.eq_ignore_ascii_case("README.md"))
            })
            .collect();
        files.sort();
        let mut summary = FolderImport::default();
        for (done, path) in files.iter().enumerate() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            let format = path.extension().and_then(|e| e.to_str()).and_then(SourceFormat::from_extension);
            let outcome = match std::fs::read(path) {
                Ok(content) => {
                    self.add_as_system(NewKnowledgeProduct { format, content, ..Default::default() }).await
                }
                Err(e) => Err(ServiceError::invalid(format!("no se pudo leer: {e}"))),
            };
            match outcome {
                Ok(_) => summary.added += 1,
                Err(ServiceError::Conflict(_)) => summary.already_present += 1,
                Err(ServiceError::Internal(e)) => return Err(ServiceError::Internal(e)),
                Err(error) => summary.rejected.push((name, error.to_string())),
            }
            progress(done + 1, files.len());
        }
        Ok(summary)
    }

    async fn prepare(&self, new: NewKnowledgeProduct) -> Result<Prepared, ServiceError> {
        if new.content.is_empty() {
            return Err(ServiceError::invalid("el contenido está vacío"));
        }
        let format = new.format.unwrap_or(SourceFormat::Text);
        let content_hash = crate::text::hex(&Sha256::digest(&new.content));
        let (meta, text, own_title, markdown) = match format {
            SourceFormat::Pdf => {
                let content = new.content;
                let text = tokio::task::spawn_blocking(move || ingest::pdf_text(&content))
                    .await
                    .map_err(|e| ServiceError::Internal(e.into()))??;
                let text = ingest::tidy(&text);
                let title = ingest::derive_title(&text);
                (HashMap::new(), text, title, None)
            }
            SourceFormat::Text | SourceFormat::Markdown => {
                let raw = String::from_utf8(new.content)
                    .map_err(|_| ServiceError::invalid("el texto no está en UTF-8"))?;
                let (meta, body) = ingest::front_matter(&raw);
                let title = meta.get("titulo").cloned().or_else(|| ingest::derive_title(body));
                let markdown = format == SourceFormat::Markdown || !meta.is_empty();
                let text = if markdown { ingest::markdown_to_text(body) } else { body.to_owned() };
                (meta, ingest::tidy(&text), title, markdown.then(|| body.trim().to_owned()))
            }
        };
        if text.chars().filter(|c| c.is_alphabetic()).count() < 20 {
            return Err(ServiceError::invalid(
                "el documento no tiene texto legible (si es un PDF escaneado, envíe su texto)",
            ));
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(ServiceError::invalid(format!(
                "el texto tiene más de {MAX_TEXT_CHARS} caracteres: divídalo en varios documentos"
            )));
        }
        let title = new.title.or(own_title).map(|t| t.trim().to_owned()).unwrap_or_default();
        if !(3..=300).contains(&title.chars().count()) {
            return Err(ServiceError::invalid("el título («title») debe tener entre 3 y 300 caracteres"));
        }
        let summary = new
            .summary
            .or_else(|| meta.get("resumen").cloned())
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|| ingest::derive_summary(&text, &title));
        if summary.chars().count() > 1_000 {
            return Err(ServiceError::invalid("el resumen («summary») admite hasta 1.000 caracteres"));
        }
        let product_type = match (new.product_type, meta.get("tipo")) {
            (Some(t), _) => t,
            (None, Some(t)) => ProductType::parse(t)
                .ok_or_else(|| ServiceError::invalid(format!("«{t}» no es un tipo de producto de conocimiento")))?,
            (None, None) => {
                return Err(ServiceError::invalid(
                    "indique el tipo de producto («type»): guía, estudio, lección aprendida, memoria, norma, herramienta o acta",
                ))
            }
        };
        let topics = if new.topics.is_empty() {
            meta.get("temas").map(|t| t.split(';').map(str::to_owned).collect()).unwrap_or_default()
        } else {
            new.topics
        };
        let topics = clean_topics(topics)?;
        let territory_code = new.territory_code.or_else(|| meta.get("territorio").cloned());
        let (territory_code, territory_department) = match territory_code {
            Some(code) => {
                let code = DivipolaCode::parse(&code)?;
                let entity = self.territory.find(&code).await?.ok_or_else(|| {
                    ServiceError::invalid(format!("no existe la entidad territorial «{}»", code.as_str()))
                })?;
                (Some(entity.code), entity.department_code)
            }
            None => (None, None),
        };
        let organisation_code = new
            .organisation_code
            .or_else(|| meta.get("organizacion").cloned())
            .map(|c| c.trim().to_uppercase());
        if let Some(code) = &organisation_code {
            if !AccessService::organisation_exists(&self.db, code).await? {
                return Err(ServiceError::invalid(format!("no existe la organización «{code}»")));
            }
        }
        let published_on = match (new.published_on, meta.get("fecha")) {
            (Some(date), _) => date,
            (None, Some(text)) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| ServiceError::invalid(format!("la fecha «{text}» no es AAAA-MM-DD")))?,
            (None, None) => crate::bogota_time::today(),
        };
        if published_on > crate::bogota_time::today() {
            return Err(ServiceError::invalid("la fecha de publicación no puede ser futura"));
        }
        let programmatic_unit = new
            .programmatic_unit
            .or_else(|| meta.get("unidad").cloned())
            .map(|unit| unit.trim().to_owned())
            .filter(|unit| !unit.is_empty());
        if programmatic_unit.as_ref().is_some_and(|unit| unit.chars().count() > 200) {
            return Err(ServiceError::invalid(
                "la unidad programática («programmaticUnit») tiene a lo sumo 200 caracteres",
            ));
        }
        let source_url = new.source_url.or_else(|| meta.get("fuente").cloned()).map(|u| u.trim().to_owned());
        if let Some(url) = &source_url {
            let valid = (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() <= 1_000
                && !url.contains(char::is_whitespace);
            if !valid {
                return Err(ServiceError::invalid(
                    "el enlace de la fuente debe ser una dirección http(s) sin espacios",
                ));
            }
        }
        Ok(Prepared {
            title,
            summary,
            body: text,
            product_type,
            topics,
            territory_code,
            territory_department,
            organisation_code,
            published_on,
            source_url,
            format,
            content_hash,
            programmatic_unit,
            markdown,
        })
    }
}

/// Of `ids`, those that are not in the knowledge base or are archived: a
/// session's agenda may only cite documents a reader can open.
pub async fn unavailable(
    connection: &impl sea_orm::ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, ServiceError> {
    let available: std::collections::HashSet<Uuid> = knowledge_product::Entity::find()
        .select_only()
        .column(knowledge_product::Column::Id)
        .filter(knowledge_product::Column::Id.is_in(ids.iter().copied()))
        .filter(knowledge_product::Column::ArchivedAt.is_null())
        .into_tuple::<Uuid>()
        .all(connection)
        .await?
        .into_iter()
        .collect();
    Ok(ids.iter().copied().filter(|id| !available.contains(id)).collect())
}

/// Approved minutes of a commission session, published in the knowledge base in
/// the approval's own transaction (so the record and its searchable copy agree).
pub async fn publish_minutes(
    connection: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    session_id: Uuid,
    title: String,
    text: String,
    held_on: NaiveDate,
) -> Result<(), ServiceError> {
    let summary = ingest::derive_summary(&text, &title);
    let id = Uuid::now_v7();
    let row = knowledge_product::ActiveModel {
        id: Set(id),
        title: Set(ingest::shorten(&title, 300)),
        summary: Set(summary),
        body: Set(text),
        product_type: Set(ProductType::Minutes.as_str().to_owned()),
        topics: Set(serde_json::json!(["comisión intersectorial"])),
        territory_code: Set(None),
        // The technical secretariat (Función Pública) keeps the minutes.
        organisation_code: Set(Some("DAFP".to_owned())),
        published_on: Set(held_on),
        source_url: Set(None),
        format: Set(SourceFormat::Text.as_db().to_owned()),
        content_hash: Set(crate::text::hex(&Sha256::digest(format!("acta:{session_id}").as_bytes()))),
        created_by: Set(actor.user().map(|u| u.id)),
        created_at: Set(Utc::now()),
        archived_at: Set(None),
        programmatic_unit: Set(None),
        markdown: Set(None),
    };
    let product = KnowledgeProduct::from(row.insert(connection).await?);
    let id_text = id.to_string();
    audit::record(
        connection,
        actor,
        Change::new("publish_minutes", "knowledge_product", &id_text).after(&product),
    )
    .await?;
    outbox::record(connection, search_index::Kind::Knowledge, &id_text).await
}

fn clean_topics(topics: Vec<String>) -> Result<Vec<String>, ServiceError> {
    let mut clean: Vec<String> = Vec::new();
    for topic in topics {
        let topic = topic.split_whitespace().collect::<Vec<_>>().join(" ");
        if topic.is_empty() {
            continue;
        }
        if topic.chars().count() > 80 {
            return Err(ServiceError::invalid("cada tema admite hasta 80 caracteres"));
        }
        let folded = crate::text::fold(&topic);
        if !clean.iter().any(|t| crate::text::fold(t) == folded) {
            clean.push(topic);
        }
    }
    if clean.len() > MAX_TOPICS {
        return Err(ServiceError::invalid(format!("un producto admite hasta {MAX_TOPICS} temas")));
    }
    Ok(clean)
}

#[cfg(test)]
mod tests {
    use super::clean_topics;

    #[test]
    fn topics_are_trimmed_and_deduplicated_without_accents() {
        let topics =
            clean_topics(vec![" planeación ".into(), "Planeacion".into(), "".into(), "catastro".into()]);
        assert_eq!(topics.expect("valid"), ["planeación", "catastro"]);
        assert!(clean_topics(vec!["x".repeat(81)]).is_err());
        assert!(clean_topics((0..9).map(|i| format!("tema {i}")).collect()).is_err());
    }
}
