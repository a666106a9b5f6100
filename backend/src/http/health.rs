//! Liveness and readiness.

use axum::{extract::State, http::StatusCode, Json};
use serde_json::{json, Value};

use crate::app::AppState;

/// The process is up.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The instance can serve: its database answers, and Redis when configured.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database = state.db.ping().await.map_err(|error| error.to_string());
    let cache = state.cache.ping().await;
    let ready = database.is_ok() && cache.is_ok();
    if let Err(error) = &database {
        tracing::warn!(%error, "base de datos no disponible");
    }
    if let Err(error) = &cache {
        tracing::warn!(%error, "Redis no disponible");
    }
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let check = |result: &Result<(), String>| if result.is_ok() { "ok" } else { "no disponible" };
    let body = json!({
        "status": if ready { "ok" } else { "no disponible" },
        "database": check(&database),
        "cache": { "backend": state.cache.backend(), "status": check(&cache) },
    });
    (status, Json(body))
}
