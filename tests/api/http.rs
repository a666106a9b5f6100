//! GraphQL over HTTP: methods, media types, limits, health, the first page.

use serde_json::{json, Value};
use sugit_tests::{backend_tests, error_codes, StatusCode, TestApp};

const SIMPLE: &str = r#"{ territorialEntity(code: "05") { name } }"#;

fn content_type(response: &reqwest::Response) -> String {
    response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

async fn post_raw(app: &TestApp, body: impl Into<reqwest::Body>, accept: Option<&str>) -> reqwest::Response {
    let mut request =
        app.client.post(app.url("/graphql")).header("content-type", "application/json").body(body);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    request.send().await.expect("the server answers")
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

async fn post_and_get_answer_graphql_response_json(app: &TestApp) {
    let response = post_raw(app, json!({ "query": SIMPLE }).to_string(), Some(GRAPHQL_RESPONSE)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("application/graphql-response+json"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["data"]["territorialEntity"]["name"], "ANTIOQUIA");

    let response = app
        .client
        .get(app.url("/graphql"))
        .header("accept", GRAPHQL_RESPONSE)
        .query(&[("query", SIMPLE)])
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("application/graphql-response+json"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["data"]["territorialEntity"]["name"], "ANTIOQUIA");

    // Variables travel as JSON in the query string.
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            ("query", "query($c: String!) { territorialEntity(code: $c) { name } }"),
            ("variables", r#"{"c":"11001"}"#),
        ])
        .send()
        .await
        .expect("GET");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["data"]["territorialEntity"]["name"], "BOGOTÁ, D.C.");
}

async fn legacy_json_clients_get_json_and_200(app: &TestApp) {
    let response = post_raw(app, json!({ "query": "{ nope }" }).to_string(), Some("application/json")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("application/json"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);

    let response = post_raw(app, json!({ "query": "{ nope }" }).to_string(), Some(GRAPHQL_RESPONSE)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "graphql-response+json: invalid request is 400");
}

/// The GraphQL-over-HTTP spec's SHOULDs: a document that never executed has
/// no `data` key; one that executed is a 200 even if its field failed; a
/// client that does not name the new media type gets `application/json`.
async fn responses_follow_graphql_over_http(app: &TestApp) {
    for document in ["{ territorialEntity(code: ", "{ nope }"] {
        let response = post_raw(app, json!({ "query": document }).to_string(), Some(GRAPHQL_RESPONSE)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{document}");
        let body: Value = response.json().await.expect("json");
        assert!(body.get("data").is_none(), "never executed, so no data key: {body}");
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    }
    let login = json!({ "query": "mutation { login(email: \"nadie@sugit.gov.co\", password: \"no es la clave\") { token } }" });
    let response = post_raw(app, login.to_string(), Some(GRAPHQL_RESPONSE)).await;
    assert_eq!(response.status(), StatusCode::OK, "the login executed and failed");
    let body: Value = response.json().await.expect("json");
    assert!(body.get("data").is_some(), "{body}");
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
    // Every field skipped: it executed, with nothing to answer (the fuzzer found this one).
    let skipped =
        json!({ "query": "query($s: Boolean!) { me @skip(if: $s) { email } }", "variables": { "s": true } });
    let response = post_raw(app, skipped.to_string(), Some(GRAPHQL_RESPONSE)).await;
    let status = response.status();
    let body: Value = response.json().await.expect("json");
    assert_eq!(status, StatusCode::OK, "it executed: {body}");
    assert!(body.get("data").is_some() && body.get("errors").is_none(), "{body}");
    for accept in [None, Some("*/*"), Some("application/json")] {
        let response = post_raw(app, json!({ "query": "{ nope }" }).to_string(), accept).await;
        assert_eq!(response.status(), StatusCode::OK, "{accept:?}");
        assert!(content_type(&response).starts_with("application/json"), "{accept:?}");
    }
}

async fn mutations_are_refused_over_get(app: &TestApp) {
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { login(email: \"a@b.co\", password: \"x\") { token } }")])
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("POST"));
}

async fn malformed_requests_get_spanish_coded_errors(app: &TestApp) {
    let response = post_raw(app, "{ esto no es json", None).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);

    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "text/plain")
        .body(SIMPLE)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);

    let response =
        post_raw(app, json!({ "query": "{ territorialEntity(code: " }).to_string(), Some(GRAPHQL_RESPONSE))
            .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .starts_with("la consulta no es GraphQL válido"));

    let response = app.client.get(app.url("/graphql")).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // A person opening /graphql in a browser gets the explorer, allowed its CDN assets.
    let page = app.client.get(app.url("/graphql")).header("accept", "text/html").send().await.expect("GET");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(content_type(&page).starts_with("text/html"));
    let policy = page.headers()["content-security-policy"].to_str().unwrap_or_default().to_owned();
    assert!(
        policy.contains("https://cdn.jsdelivr.net") && policy.contains("frame-ancestors 'none'"),
        "{policy}"
    );
    assert!(page.text().await.expect("html").contains("GraphQLPlayground"), "the explorer");
}

async fn oversized_bodies_are_refused(app: &TestApp) {
    let padding = " ".repeat(app.settings.limits.max_body_bytes + 1);
    let response = post_raw(app, json!({ "query": format!("{SIMPLE}{padding}") }).to_string(), None).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("tamaño máximo"));
}

async fn batches_are_capped(app: &TestApp) {
    let batch: Vec<Value> = (0..3).map(|_| json!({ "query": SIMPLE })).collect();
    let response = post_raw(app, Value::Array(batch).to_string(), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body.as_array().map(Vec::len), Some(3));
    assert_eq!(body[2]["data"]["territorialEntity"]["name"], "ANTIOQUIA");

    let too_many: Vec<Value> =
        (0..=app.settings.limits.max_batch).map(|_| json!({ "query": SIMPLE })).collect();
    let response = post_raw(app, Value::Array(too_many).to_string(), None).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"]);
}

async fn abusive_queries_are_refused_before_running(app: &TestApp) {
    let deep = format!(
        r#"{{ territorialEntity(code: "05001") {{ {} code {} }} }}"#,
        "department { ".repeat(20),
        "}".repeat(20)
    );
    let response = post_raw(app, json!({ "query": deep }).to_string(), Some(GRAPHQL_RESPONSE)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "depth: {body}");

    let costly = "{ territorialEntities(first: 100) { edges { node {
        municipalities(first: 100) { edges { node { code name kind } } } } } } }";
    let (_, body) = app.graphql(costly, json!({})).await;
    assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "complexity: {body}");
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("first"));

    let aliases: String =
        (0..40).map(|i| format!(r#"a{i}: territorialEntity(code: "05") {{ code }} "#)).collect();
    let (_, body) = app.graphql(&format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "aliases: {body}");
}

async fn health_and_readiness(app: &TestApp) {
    let response = app.client.get(app.url("/healthz")).send().await.expect("healthz");
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.client.get(app.url("/readyz")).send().await.expect("readyz");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["database"], "ok");
    let expected_cache = match app.backend {
        sugit_tests::Backend::Sqlite => "memoria",
        sugit_tests::Backend::PostgresRedis => "redis",
    };
    assert_eq!(body["cache"]["backend"], expected_cache);
}

async fn every_response_carries_a_request_id(app: &TestApp) {
    let response = app.client.get(app.url("/healthz")).send().await.expect("healthz");
    let generated = response.headers().get("x-request-id").expect("a generated request id");
    assert!(!generated.is_empty());
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "mi-solicitud-42")
        .send()
        .await
        .expect("healthz");
    assert_eq!(response.headers().get("x-request-id").map(|v| v.as_bytes()), Some(&b"mi-solicitud-42"[..]));
}

async fn the_home_page_is_spanish_and_searches_municipalities(app: &TestApp) {
    let response = app.client.get(app.url("/")).send().await.expect("home");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("text/html"));
    let html = response.text().await.expect("html");
    assert!(html.contains(r#"lang="es""#));
    assert!(html.contains("type=\"search\""), "a search box");
    let script = app.client.get(app.url("/app.js")).send().await.expect("app.js");
    assert!(content_type(&script).starts_with("text/javascript"));
    let operations =
        app.client.get(app.url("/operaciones/territory.graphql")).send().await.expect("operations");
    assert!(
        operations.text().await.expect("graphql").contains("territorialEntities"),
        "the page queries the API"
    );
    // Every file of frontend/ is served: a page module left out of the asset list in
    // backend/src/http/frontend.rs would fail only when someone opens that page.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend");
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("frontend/").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let relative =
                path.strip_prefix(&root).expect("inside frontend/").to_string_lossy().replace('\\', "/");
            if relative == "index.html" {
                continue; // served at «/»
            }
            let served = app.client.get(app.url(&format!("/{relative}"))).send().await.expect("asset");
            assert_eq!(served.status(), StatusCode::OK, "frontend/{relative} is not served");
        }
    }
    let missing = app.client.get(app.url("/no-existe")).send().await.expect("404");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // Slow connections: the page's files travel compressed when the browser accepts it.
    let plain = app.client.get(app.url("/app.js")).send().await.expect("app.js").bytes().await.expect("js");
    let gzipped =
        app.client.get(app.url("/app.js")).header("accept-encoding", "gzip").send().await.expect("app.js");
    assert_eq!(gzipped.headers().get("content-encoding").map(|v| v.as_bytes()), Some(&b"gzip"[..]));
    let compressed = gzipped.bytes().await.expect("gzip");
    assert!(compressed.len() * 2 < plain.len(), "{} bytes gzipped for {}", compressed.len(), plain.len());
}

backend_tests!(
    post_and_get_answer_graphql_response_json,
    legacy_json_clients_get_json_and_200,
    mutations_are_refused_over_get,
    malformed_requests_get_spanish_coded_errors,
    oversized_bodies_are_refused,
    batches_are_capped,
    abusive_queries_are_refused_before_running,
    health_and_readiness,
    every_response_carries_a_request_id,
    the_home_page_is_spanish_and_searches_municipalities,
    responses_follow_graphql_over_http,
);
