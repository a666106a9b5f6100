//! HTTP: routes, request ids, tracing, timeouts. The contexts' own plain
//! pages (the commission's calendar and convocations, the ATT focalisation
//! CSV) come from their `http` modules' routers.

mod caller;
mod frontend;
mod graphql;
mod health;
mod loads;
mod metrics;

use std::time::Duration;

use axum::{
    http::{header, HeaderName, HeaderValue, Method, Request, StatusCode},
    routing::get,
    Router,
};
use tower::ServiceBuilder;
use tower_http::{
    compression::CompressionLayer,
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Headers every answer carries: no sniffing, no framing, no referrer leaks,
/// and pages that load only their own scripts and styles.
const SECURITY_HEADERS: [(HeaderName, &str); 5] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
];

/// Cross-origin calls only from the configured origins (none by default).
fn cors(origins: &[String]) -> CorsLayer {
    let allowed: Vec<HeaderValue> =
        origins.iter().filter_map(|origin| HeaderValue::from_str(origin).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, REQUEST_ID])
        .max_age(Duration::from_secs(3_600))
}

pub fn router(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.settings.limits.request_timeout_secs);
    let cors = cors(&state.settings.cors_origins);
    let mut router = Router::new()
        .route("/graphql", get(graphql::get_handler).post(graphql::post_handler))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .merge(crate::commission::http::router(state.commission.clone(), state.knowledge.clone()))
        .merge(crate::assistance::http::router(state.assistance.clone()))
        .merge(crate::reporting::http::router(state.reporting.clone()))
        .merge(crate::monitoring::csv::router(state.monitoring.clone()))
        .merge(crate::formation::http::router(state.formation.clone()))
        .merge(crate::classification::http::router(state.classification.clone()))
        .merge(frontend::router())
        .fallback(|| async { (StatusCode::NOT_FOUND, "No encontrado") })
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::observe))
        .with_state(state);
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                // Method, path and request id only: never headers or bodies, which carry tokens and passwords.
                let request_id =
                    request.headers().get(REQUEST_ID).and_then(|value| value.to_str().ok()).unwrap_or("-");
                tracing::info_span!("http", method = %request.method(), path = request.uri().path(), request_id)
            }))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(cors)
            // A mayor's team on a slow connection: the page's modules and the
            // API's JSON shrink to about a quarter with gzip.
            .layer(CompressionLayer::new())
            .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout)),
    )
}
