//! `/att/focalizacion.csv`: demand for technical assistance by department and
//! topic, the most unmet first (`?anio=2026` for one year's demands).

use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use crate::{app::AppState, error::ServiceError};

#[derive(Deserialize)]
pub struct FocalisationQuery {
    anio: Option<String>,
}

pub async fn csv(State(state): State<AppState>, Query(query): Query<FocalisationQuery>) -> Response {
    let year = match query.anio.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => None,
        Some(text) => match text.parse::<i32>() {
            Ok(year) if (2000..=2100).contains(&year) => Some(year),
            _ => {
                return (
                    StatusCode::BAD_REQUEST,
                    format!("«anio» debe ser un año entre 2000 y 2100, no «{text}»"),
                )
                    .into_response()
            }
        },
    };
    match state.assistance.focalisation_csv(year).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"focalizacion-att.csv\""),
            ],
            body,
        )
            .into_response(),
        Err(ServiceError::Invalid(reason)) => (StatusCode::BAD_REQUEST, reason).into_response(),
        Err(error) => {
            tracing::error!(%error, "no se pudo generar la focalización");
            (StatusCode::INTERNAL_SERVER_ERROR, "error interno del servidor").into_response()
        }
    }
}
