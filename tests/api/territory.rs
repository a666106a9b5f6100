//! The DIVIPOLA register through the GraphQL API.

use serde_json::{json, Value};
use sugit_tests::{backend_tests, error_codes, StatusCode, TestApp};

const ENTITY: &str = "query($code: String!) {
  territorialEntity(code: $code) { code name kind category capacityGroup department { code name } }
}";

const LIST: &str = "query($filter: TerritorialEntityFilter, $first: Int, $after: String) {
  territorialEntities(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { code name kind } }
    pageInfo { hasNextPage endCursor }
  }
}";

async fn total(app: &TestApp, filter: Value) -> i64 {
    let data = app.query_ok(LIST, json!({ "filter": filter, "first": 1 })).await;
    data["territorialEntities"]["totalCount"].as_i64().expect("totalCount")
}

async fn finds_an_entity_by_its_code(app: &TestApp) {
    let data = app.query_ok(ENTITY, json!({ "code": "11001" })).await;
    let bogota = &data["territorialEntity"];
    assert_eq!(bogota["name"], "BOGOTÁ, D.C.");
    assert_eq!(bogota["kind"], "DISTRICT");
    assert_eq!(bogota["department"], json!({ "code": "11", "name": "BOGOTÁ, D.C." }));
    assert_eq!(bogota["category"], Value::Null, "no category data yet");

    let data = app.query_ok(ENTITY, json!({ "code": "05" })).await;
    assert_eq!(data["territorialEntity"]["name"], "ANTIOQUIA");
    assert_eq!(data["territorialEntity"]["kind"], "DEPARTMENT");
    assert_eq!(data["territorialEntity"]["department"], Value::Null);

    let data = app.query_ok(ENTITY, json!({ "code": "91263" })).await;
    assert_eq!(data["territorialEntity"]["kind"], "NON_MUNICIPALIZED_AREA");
}

async fn an_unknown_code_is_null_and_a_malformed_one_is_bad_input(app: &TestApp) {
    let data = app.query_ok(ENTITY, json!({ "code": "99999" })).await;
    assert_eq!(data["territorialEntity"], Value::Null);

    for malformed in ["ABCDE", "0500", "050011", ""] {
        let (_, body) = app.graphql(ENTITY, json!({ "code": malformed })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{malformed}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("DIVIPOLA"), "a Spanish message that names the code: {message}");
    }
}

async fn the_register_has_every_department_and_municipal_unit(app: &TestApp) {
    assert_eq!(total(app, json!({})).await, 33 + 1_121);
    assert_eq!(total(app, json!({ "kind": "DEPARTMENT" })).await, 33);
    assert_eq!(total(app, json!({ "kind": "NON_MUNICIPALIZED_AREA" })).await, 18);
    let municipal_units = total(app, json!({ "kind": "MUNICIPALITY" })).await
        + total(app, json!({ "kind": "DISTRICT" })).await
        + total(app, json!({ "kind": "NON_MUNICIPALIZED_AREA" })).await;
    assert_eq!(municipal_units, 1_121);
    assert_eq!(total(app, json!({ "departmentCode": "05" })).await, 125, "Antioquia");
    assert_eq!(total(app, json!({ "category": "SPECIAL" })).await, 0, "no category data yet");
}

async fn names_match_without_regard_to_case_or_accents(app: &TestApp) {
    let data =
        app.query_ok(LIST, json!({ "filter": { "nameContains": "bogota", "kind": "DISTRICT" } })).await;
    let edges = data["territorialEntities"]["edges"].as_array().expect("edges").clone();
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0]["node"]["name"], "BOGOTÁ, D.C.");

    let data = app.query_ok(LIST, json!({ "filter": { "nameContains": "MEDELLIN" } })).await;
    assert_eq!(data["territorialEntities"]["edges"][0]["node"]["code"], "05001");

    let data =
        app.query_ok(LIST, json!({ "filter": { "nameContains": "nariño", "kind": "DEPARTMENT" } })).await;
    assert_eq!(data["territorialEntities"]["edges"][0]["node"]["code"], "52");

    // SQL wildcards are text, not patterns.
    assert_eq!(total(app, json!({ "nameContains": "%" })).await, 0);
    assert_eq!(total(app, json!({ "nameContains": "_" })).await, 0);
}

async fn cursors_walk_a_list_without_gaps_or_repeats(app: &TestApp) {
    let mut codes: Vec<String> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = app
            .query_ok(LIST, json!({ "filter": { "departmentCode": "05" }, "first": 40, "after": after }))
            .await;
        let connection = &data["territorialEntities"];
        assert_eq!(connection["totalCount"], 125);
        for edge in connection["edges"].as_array().expect("edges") {
            codes.push(edge["node"]["code"].as_str().expect("code").to_owned());
        }
        if connection["pageInfo"]["hasNextPage"] == json!(false) {
            break;
        }
        after = connection["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        assert!(codes.len() < 200, "pagination must end");
    }
    assert_eq!(codes.len(), 125);
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted, "in code order, each once");
}

async fn page_size_and_cursor_are_checked(app: &TestApp) {
    let (status, body) = app.graphql(LIST, json!({ "first": 101 })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert_eq!(status, StatusCode::OK, "the field ran and refused: a 200 with its coded error");
    let (_, body) = app.graphql(LIST, json!({ "after": "no-es-un-cursor!" })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let (_, body) = app.graphql(LIST, json!({ "filter": { "departmentCode": "05001" } })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
}

async fn departments_list_their_municipal_units(app: &TestApp) {
    let query = "{ territorialEntities(filter: { kind: DEPARTMENT }, first: 33) {
        edges { node { code municipalities(first: 100) { totalCount edges { node { department { code } } } } } }
    } }";
    let data = app.query_ok(query, json!({})).await;
    let departments = data["territorialEntities"]["edges"].as_array().expect("edges");
    assert_eq!(departments.len(), 33);
    let mut units = 0;
    for department in departments {
        let code = department["node"]["code"].as_str().expect("code");
        let connection = &department["node"]["municipalities"];
        units += connection["totalCount"].as_i64().expect("totalCount");
        for edge in connection["edges"].as_array().expect("edges") {
            assert_eq!(edge["node"]["department"]["code"], code);
        }
    }
    assert_eq!(units, 1_121);

    let data = app
        .query_ok(r#"{ territorialEntity(code: "91") { municipalities { totalCount } } }"#, json!({}))
        .await;
    assert_eq!(data["territorialEntity"]["municipalities"]["totalCount"], 11, "Amazonas");
    let data = app
        .query_ok(r#"{ territorialEntity(code: "05001") { municipalities { totalCount } } }"#, json!({}))
        .await;
    assert_eq!(data["territorialEntity"]["municipalities"]["totalCount"], 0, "a municipality has none");
}

async fn restarting_on_the_same_database_keeps_the_register(app: &TestApp) {
    // A second start on the same database (its own index folder) migrates nothing and reloads.
    let again = app.spawn_sibling(None).await;
    drop(again);
    assert_eq!(total(app, json!({})).await, 1_154);
}

backend_tests!(
    finds_an_entity_by_its_code,
    an_unknown_code_is_null_and_a_malformed_one_is_bad_input,
    the_register_has_every_department_and_municipal_unit,
    names_match_without_regard_to_case_or_accents,
    cursors_walk_a_list_without_gaps_or_repeats,
    page_size_and_cursor_are_checked,
    departments_list_their_municipal_units,
    restarting_on_the_same_database_keeps_the_register,
);

/// The category of Abejorral as a signed-in user reads it.
async fn read(app: &TestApp, token: &str) -> Value {
    let (_, body) = app.graphql_as(Some(token), ENTITY, json!({ "code": "05002" })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["territorialEntity"]["category"].clone()
}

/// Each instance reads the register from its snapshot, and a change
/// acknowledged by one instance is what the very next read on another shows
/// (signed in: its answer is the public cache's, which the write makes stale).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_register_change_on_one_instance_is_read_at_once_on_another() {
    let Some(writer) = TestApp::spawn(sugit_tests::Backend::PostgresRedis).await else { return };
    let reader = writer.spawn_sibling(None).await;
    writer.create_user("registro@sugit.gov.co", sugit::access::Role::Admin, None, None).await;
    let token = writer.login("registro@sugit.gov.co").await;
    read(&reader, &token).await;
    for wanted in ["SIXTH", "FIFTH", "FOURTH"] {
        let (status, body) = writer
            .graphql_as(
                Some(&token),
                "mutation($c: String!, $i: UpdateTerritorialEntityInput!) { updateTerritorialEntity(code: $c, input: $i) { territorialEntity { category } } }",
                json!({ "c": "05002", "i": { "category": wanted } }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(read(&reader, &token).await, wanted, "the other instance's next read");
        assert_eq!(read(&writer, &token).await, wanted, "the writer's next read");
    }
}
