//! Rate limits: per client address without a token, per token with one, and
//! stricter for logins; shared through Redis by every instance.

use serde_json::json;
use sugit::access::Role;
use sugit_tests::{error_codes, Backend, StatusCode, TestApp, PASSWORD};

const QUERY: &str = r#"{ territorialEntity(code: "05") { name } }"#;

async fn limited_app(backend: Backend) -> Option<TestApp> {
    TestApp::spawn_with(backend, |settings| {
        settings.limits.anonymous_requests_per_minute = 5;
        settings.limits.requests_per_minute = 8;
        settings.limits.login_attempts_per_minute = 3;
        settings.cors_origins = vec!["https://tablero.dnp.gov.co".into()];
    })
    .await
}

async fn anonymous_and_token_traffic_is_limited(app: &TestApp) {
    for _ in 0..5 {
        let (status, _) = app.graphql(QUERY, json!({})).await;
        assert_eq!(status, StatusCode::OK);
    }
    let response =
        app.client.post(app.url("/graphql")).json(&json!({ "query": QUERY })).send().await.expect("answer");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 =
        response.headers()["retry-after"].to_str().ok().and_then(|v| v.parse().ok()).expect("retry-after");
    assert!((1..=60).contains(&retry_after));
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], retry_after);
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("intente de nuevo"));

    // A token has a budget of its own, whatever the address has spent.
    app.create_user("ana@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    let token = {
        let (_, body) = app
            .graphql_as(
                None,
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                json!({ "e": "ana@medellin.gov.co", "p": PASSWORD }),
            )
            .await;
        // The address is over its budget: even login is refused until the window turns.
        assert_eq!(error_codes(&body), ["RATE_LIMITED"], "{body}");
        app.state.access.login("otra-direccion", "ana@medellin.gov.co", PASSWORD).await.expect("login").token
    };
    for _ in 0..8 {
        let (status, _) = app.graphql_as(Some(&token), QUERY, json!({})).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, body) = app.graphql_as(Some(&token), QUERY, json!({})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
}

async fn login_attempts_are_limited_more_strictly(app: &TestApp) {
    app.create_user("luis@dnp.gov.co", Role::National, None, Some("DNP")).await;
    for _ in 0..3 {
        let outcome = app.state.access.login("203.0.113.7", "luis@dnp.gov.co", "clave equivocada").await;
        assert!(outcome.is_err());
    }
    // The right password no longer helps from that address or for that account.
    let outcome = app.state.access.login("203.0.113.7", "luis@dnp.gov.co", PASSWORD).await;
    assert!(matches!(outcome, Err(sugit::error::ServiceError::RateLimited(_))));
    let outcome = app.state.access.login("198.51.100.9", "LUIS@dnp.gov.co", PASSWORD).await;
    assert!(matches!(outcome, Err(sugit::error::ServiceError::RateLimited(_))), "per account too");
}

async fn configured_origins_may_call_the_api(app: &TestApp) {
    let response = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", "https://tablero.dnp.gov.co")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type")
        .send()
        .await
        .expect("preflight");
    assert_eq!(response.headers()["access-control-allow-origin"], "https://tablero.dnp.gov.co");
}

macro_rules! limited_tests {
    ($($scenario:ident),+ $(,)?) => {
        mod limited_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    if let Some(app) = super::limited_app(sugit_tests::Backend::Sqlite).await {
                        super::$scenario(&app).await;
                    }
                }
            )+
        }
        mod limited_postgres_redis {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    if let Some(app) = super::limited_app(sugit_tests::Backend::PostgresRedis).await {
                        super::$scenario(&app).await;
                    }
                }
            )+
        }
    };
}

limited_tests!(
    anonymous_and_token_traffic_is_limited,
    login_attempts_are_limited_more_strictly,
    configured_origins_may_call_the_api,
);

/// With Redis, two instances share one budget: a client cannot double it by
/// landing on another instance behind the load balancer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_share_limits_through_redis() {
    let Some(first) = limited_app(Backend::PostgresRedis).await else { return };
    // Same settings, its own address and search index folder, as behind a load balancer.
    let second = first.spawn_sibling(None).await;
    let second_url = second.url("/graphql");
    for _ in 0..3 {
        assert_eq!(first.graphql(QUERY, json!({})).await.0, StatusCode::OK);
    }
    for _ in 0..2 {
        let response =
            first.client.post(&second_url).json(&json!({ "query": QUERY })).send().await.expect("answer");
        assert_eq!(response.status(), StatusCode::OK);
    }
    let response =
        first.client.post(&second_url).json(&json!({ "query": QUERY })).send().await.expect("answer");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "the sixth request, on either instance");
}
