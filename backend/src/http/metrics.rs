//! `/metrics` for Prometheus, and the layer that times every request.

use std::time::Instant;

use axum::{
    extract::{Request, State},
    http::{header::CONTENT_TYPE, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{metrics::Snapshot, state::AppState};

pub async fn render(State(state): State<AppState>) -> Response {
    let snapshot =
        Snapshot { search_documents: state.search.documents(), outbox_cursor: state.search.cursor() };
    (
        [(CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"))],
        state.metrics.render(&snapshot),
    )
        .into_response()
}

/// Times the request until its answer's head is ready (bodies stream after).
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.observe_request(&path, response.status().as_u16(), started.elapsed());
    response
}
