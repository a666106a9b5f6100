//! The assistance context's plain HTTP route: `/att/focalizacion.csv`, demand
//! for technical assistance by department and topic, the most unmet first
//! (`?anio=2026` for one year's demands). Failures answer through
//! `ServiceError`'s response.

use axum::{
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde::Deserialize;

use super::AssistanceService;
use crate::error::ServiceError;

/// The route, ready to merge into the server's router (whatever its state).
pub fn router<S: Clone + Send + Sync + 'static>(assistance: AssistanceService) -> Router<S> {
    Router::new().route("/att/focalizacion.csv", get(focalisation_csv)).with_state(assistance)
}

#[derive(Deserialize)]
struct FocalisationQuery {
    anio: Option<String>,
}

async fn focalisation_csv(
    State(assistance): State<AssistanceService>,
    Query(query): Query<FocalisationQuery>,
) -> Result<Response, ServiceError> {
    let year = match query.anio.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => None,
        Some(text) => match text.parse::<i32>() {
            Ok(year) if (2000..=2100).contains(&year) => Some(year),
            _ => {
                return Err(ServiceError::invalid(format!(
                    "«anio» debe ser un año entre 2000 y 2100, no «{text}»"
                )))
            }
        },
    };
    let body = assistance.focalisation_csv(year).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"focalizacion-att.csv\""),
        ],
        body,
    )
        .into_response())
}
