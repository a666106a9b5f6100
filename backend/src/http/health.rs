//! Liveness and readiness.

use std::time::Duration;

use axum::{extract::State, http::StatusCode, Json};
use serde_json::{json, Value};

use crate::state::AppState;

/// A Redis that does not answer within this long counts as unavailable: the
/// reconnection backoff must not make the probe itself time out.
const CACHE_PING_TIMEOUT: Duration = Duration::from_secs(1);

/// The process is up.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The instance can serve when its database answers. Redis only holds the
/// shared cache and rate limits: without it the instance reads the database
/// and lets requests through (degraded), so it stays in service — a load
/// balancer would otherwise drop every instance because of a cache.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let (database, cache) = tokio::join!(state.db.ping(), async {
        tokio::time::timeout(CACHE_PING_TIMEOUT, state.cache.ping())
            .await
            .unwrap_or_else(|_| Err(format!("sin respuesta en {} s", CACHE_PING_TIMEOUT.as_secs())))
    });
    let database = database.map_err(|error| error.to_string());
    if let Err(error) = &database {
        tracing::warn!(%error, "base de datos no disponible");
    }
    if let Err(error) = &cache {
        tracing::warn!(%error, "Redis no disponible: se sirve sin caché compartida");
    }
    let (status, overall) = match (&database, &cache) {
        (Err(_), _) => (StatusCode::SERVICE_UNAVAILABLE, "no disponible"),
        (Ok(()), Err(_)) => (StatusCode::OK, "degradado"),
        (Ok(()), Ok(())) => (StatusCode::OK, "ok"),
    };
    let check = |result: &Result<(), String>| if result.is_ok() { "ok" } else { "no disponible" };
    let body = json!({
        "status": overall,
        "database": check(&database),
        "cache": { "backend": state.cache.backend(), "status": check(&cache) },
    });
    (status, Json(body))
}
