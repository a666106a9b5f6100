//! The reporting context's plain HTTP route: `/reportes/cobertura.csv`, who
//! has reported a requirement for a period
//! (`?requerimiento=FUT_SALUD&periodo=2025-T3`, and `&departamento=05` for
//! one department). Failures answer through `ServiceError`'s response.

use axum::{
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde::Deserialize;

use super::ReportingService;
use crate::error::ServiceError;

/// The route, ready to merge into the server's router (whatever its state).
pub fn router<S: Clone + Send + Sync + 'static>(reporting: ReportingService) -> Router<S> {
    Router::new().route("/reportes/cobertura.csv", get(coverage_csv)).with_state(reporting)
}

#[derive(Deserialize)]
struct CoverageQuery {
    requerimiento: Option<String>,
    periodo: Option<String>,
    departamento: Option<String>,
}

async fn coverage_csv(
    State(reporting): State<ReportingService>,
    Query(query): Query<CoverageQuery>,
) -> Result<Response, ServiceError> {
    let given =
        |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let (Some(requirement), Some(period)) = (given(&query.requerimiento), given(&query.periodo)) else {
        return Err(ServiceError::invalid(
            "indique «requerimiento» y «periodo», p. ej. /reportes/cobertura.csv?requerimiento=FUT_SALUD&periodo=2025-T3",
        ));
    };
    let department = given(&query.departamento);
    let (body, name) = reporting.coverage.csv(&requirement, &period, department.as_deref()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response())
}
