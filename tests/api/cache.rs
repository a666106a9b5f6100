//! Public answers are cached for every instance (Redis) and never staler than
//! the last acknowledged write, whichever instance took it; `/metrics` shows
//! the hit ratio and request latencies in Prometheus' text format.

use serde_json::json;
use sugit::access::Role;
use sugit_tests::{Backend, StatusCode, TestApp};

const ENTITY: &str =
    "query($code: String!) { territorialEntity(code: $code) { code name category capacityGroup } }";
const UPDATE: &str = "mutation($code: String!, $input: UpdateTerritorialEntityInput!) { updateTerritorialEntity(code: $code, input: $input) { territorialEntity { category } } }";

async fn metrics(app: &TestApp) -> String {
    let response = app.client.get(app.url("/metrics")).send().await.expect("metrics answer");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().expect("ascii").to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    response.text().await.expect("metrics text")
}

/// The value of one series, 0 when it has not appeared yet.
async fn metric(app: &TestApp, series: &str) -> f64 {
    let text = metrics(app).await;
    text.lines()
        .find_map(|line| line.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |value| value.trim().parse().expect("a number"))
}

async fn admin(app: &TestApp) -> String {
    app.create_user("cache-admin@sugit.gov.co", Role::Admin, None, None).await;
    app.login("cache-admin@sugit.gov.co").await
}

async fn category(app: &TestApp, code: &str) -> String {
    let data = app.query_ok(ENTITY, json!({ "code": code })).await;
    data["territorialEntity"]["category"].as_str().unwrap_or("").to_owned()
}

const HITS: &str = "sugit_cache_requests_total{result=\"hit\"}";

/// Two instances behind a load balancer: a reader on one never sees what the
/// other has already acknowledged overwriting, though it reads from the cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_instance_is_never_answered_stale_by_the_other() {
    let Some(writer) = TestApp::spawn(Backend::PostgresRedis).await else { return };
    let reader = writer.spawn_sibling(None).await;
    let token = admin(&writer).await;

    let hits = metric(&reader, HITS).await;
    category(&reader, "05002").await;
    category(&reader, "05002").await;
    assert!(metric(&reader, HITS).await > hits, "the second read comes from the cache");
    // The answer is shared: the writer's instance reads the reader's cached answer.
    let hits = metric(&writer, HITS).await;
    category(&writer, "05002").await;
    assert!(metric(&writer, HITS).await > hits, "cached by one instance, served by the other");

    for (round, wanted) in ["SIXTH", "FIFTH", "SIXTH", "FOURTH"].into_iter().enumerate() {
        let (status, body) = writer
            .graphql_as(Some(&token), UPDATE, json!({ "code": "05002", "input": { "category": wanted } }))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["data"]["updateTerritorialEntity"]["territorialEntity"]["category"], wanted,
            "{body}"
        );
        // Acknowledged: the very next read on the other instance has it.
        assert_eq!(category(&reader, "05002").await, wanted, "round {round}");
        // And that fresh answer is what the cache serves from now on.
        let hits = metric(&reader, HITS).await;
        assert_eq!(category(&reader, "05002").await, wanted, "round {round}");
        assert!(metric(&reader, HITS).await > hits, "round {round}: the fresh answer is cached");
    }
}

/// A query of public fields only has one answer for everyone, so signed-in
/// callers and anonymous ones share its cached answer. A query that also asks
/// anything about its caller runs as that caller, every time: two users
/// alternating never see each other's. An error is not an answer worth keeping.
async fn only_answers_alike_for_everyone_are_cached_and_shared(app: &TestApp) {
    let token = admin(app).await;
    app.create_user("cache-territorial@sugit.gov.co", Role::Territorial, Some("05004"), None).await;
    let other = app.login("cache-territorial@sugit.gov.co").await;

    let hits = metric(app, HITS).await;
    for _ in 0..3 {
        let (status, body) = app.graphql_as(Some(&token), ENTITY, json!({ "code": "05004" })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"]["territorialEntity"]["code"], "05004", "{body}");
    }
    assert!(metric(app, HITS).await >= hits + 2.0, "the signed-in repeats come from the cache");
    let hits = metric(app, HITS).await;
    let (_, anonymous) = app.graphql(ENTITY, json!({ "code": "05004" })).await;
    let (_, signed_in) = app.graphql_as(Some(&other), ENTITY, json!({ "code": "05004" })).await;
    assert_eq!(anonymous, signed_in, "one answer for everyone");
    assert_eq!(metric(app, HITS).await, hits + 2.0, "both served from the signed-in caller's answer");

    const WITH_ME: &str = "query($code: String!) { territorialEntity(code: $code) { name } me { email } }";
    let hits = metric(app, HITS).await;
    for _ in 0..2 {
        for (who, email) in [(&token, "cache-admin@sugit.gov.co"), (&other, "cache-territorial@sugit.gov.co")]
        {
            let (status, body) = app.graphql_as(Some(who), WITH_ME, json!({ "code": "05004" })).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["data"]["me"]["email"], email, "each caller sees only itself: {body}");
        }
    }
    for _ in 0..3 {
        let (_, body) = app.graphql(ENTITY, json!({ "code": "9x" })).await;
        assert!(body["errors"].is_array(), "a malformed code is refused: {body}");
    }
    assert_eq!(metric(app, HITS).await, hits, "nothing about a caller, nor any failure, came from the cache");
    // The same query with other variables is another answer.
    assert_eq!(category(app, "05004").await, category(app, "05004").await);
    let other = app.query_ok(ENTITY, json!({ "code": "05021" })).await;
    assert_eq!(other["territorialEntity"]["code"], "05021", "{other}");
}

/// `/metrics` in Prometheus' text format: request latency histograms per
/// route and status class, the cache's hit ratio, the index and memory.
async fn metrics_show_latencies_hit_ratio_and_memory(app: &TestApp) {
    for _ in 0..4 {
        category(app, "05001").await;
    }
    let missing = app.client.get(app.url("/no-existe/nada")).send().await.expect("answer");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let text = metrics(app).await;
    assert!(text.contains("# TYPE sugit_http_request_duration_seconds histogram"), "{text}");
    let count = |series: &str| -> f64 {
        text.lines()
            .find_map(|line| line.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
            .map_or(0.0, |value| value.trim().parse().expect("a number"))
    };
    assert!(count("sugit_http_request_duration_seconds_count{route=\"graphql\",status=\"2xx\"}") >= 4.0);
    assert_eq!(
        count("sugit_http_request_duration_seconds_bucket{route=\"graphql\",status=\"2xx\",le=\"+Inf\"}"),
        count("sugit_http_request_duration_seconds_count{route=\"graphql\",status=\"2xx\"}"),
    );
    assert!(count("sugit_http_request_duration_seconds_count{route=\"pagina\",status=\"4xx\"}") >= 1.0);
    let ratio = count("sugit_cache_hit_ratio");
    assert!((0.7..=1.0).contains(&ratio), "3 of 4 reads hit: {ratio}\n{text}");
    assert!(count("sugit_process_peak_resident_memory_bytes") > 1e6, "{text}");
    assert!(text.contains("sugit_search_documents "), "{text}");
}

sugit_tests::backend_tests!(
    only_answers_alike_for_everyone_are_cached_and_shared,
    metrics_show_latencies_hit_ratio_and_memory
);
