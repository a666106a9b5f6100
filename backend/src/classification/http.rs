//! `/clasificacion/catalogo.csv` and `/clasificacion/catalogo.json`: a
//! version of the catalogue (`?version=N`, the current one by default),
//! public like the catalogue itself.

use axum::{
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde::Deserialize;

use super::{model::Item, ClassificationService};
use crate::error::ServiceError;

/// The routes, ready to merge into the server's router (whatever its state).
pub fn router<S: Clone + Send + Sync + 'static>(classification: ClassificationService) -> Router<S> {
    Router::new()
        .route("/clasificacion/catalogo.csv", get(csv))
        .route("/clasificacion/catalogo.json", get(json))
        .with_state(classification)
}

#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<i32>,
}

async fn csv(
    State(classification): State<ClassificationService>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ServiceError> {
    let (version, snapshot) = classification.catalogue(query.version).await?;
    let body = catalogue_csv(snapshot.values())?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"catalogo-clasificacion-gasto-v{}.csv\"", version.number),
            ),
        ],
        body,
    )
        .into_response())
}

async fn json(
    State(classification): State<ClassificationService>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ServiceError> {
    let (version, snapshot) = classification.catalogue(query.version).await?;
    let body = serde_json::json!({
        "version": version.number,
        "vigenteDesde": version.effective_on,
        "nota": version.note,
        "elementos": snapshot.values().collect::<Vec<_>>(),
    });
    Ok(([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response())
}

/// One row per item, in code order, with Spanish headers.
pub fn catalogue_csv<'a>(items: impl IntoIterator<Item = &'a Item>) -> Result<String, ServiceError> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let write = |writer: &mut ::csv::Writer<Vec<u8>>, row: &[&str]| {
        writer.write_record(row).map_err(|e| ServiceError::Internal(anyhow::anyhow!("csv: {e}")))
    };
    write(
        &mut writer,
        &["codigo", "nivel", "padre", "nombre", "descripcion", "tipos_de_entidad", "base_legal"],
    )?;
    for item in items {
        let kinds: Vec<&str> = item.entity_kinds.iter().map(|k| k.as_db()).collect();
        write(
            &mut writer,
            &[
                &item.code,
                item.level.as_db(),
                item.parent_code.as_deref().unwrap_or(""),
                &item.name,
                &item.description,
                &kinds.join(";"),
                &item.legal_basis,
            ],
        )?;
    }
    let bytes = writer.into_inner().map_err(|e| ServiceError::Internal(anyhow::anyhow!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| ServiceError::Internal(anyhow::anyhow!("csv: {e}")))
}
