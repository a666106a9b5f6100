//! The consultation room: a municipality asks the national entity behind an
//! offer, the answer is counted, unread marks follow each reader, and only
//! the two parties (and the municipality's department) see the thread.

use serde_json::{json, Value};
use sugit::access::Role;
use sugit_tests::{backend_tests, error_codes, TestApp};

pub(crate) const OPEN: &str = "mutation($input: OpenConsultationInput!) { openConsultation(input: $input) {
    thread { id title openedBy unreadCount entity { code } organisation { code } } } }";
const POST: &str = "mutation($t: ID!, $b: String!, $d: [ID!]) { postConsultationMessage(threadId: $t, body: $b, documentIds: $d) {
    message { side body documents { title } } } }";
const THREADS: &str =
    "{ consultationThreads { totalCount edges { node { title unreadCount firstAnswerAt } } } }";

async fn ok(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let (_, body) = app.graphql_as(Some(token), query, variables).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

async fn refused(app: &TestApp, token: &str, query: &str, variables: Value, code: &str) {
    let (_, body) = app.graphql_as(Some(token), query, variables).await;
    assert_eq!(error_codes(&body), [code], "{body}");
}

/// A published offer of DNP, made by its own user.
pub(crate) async fn dnp_offer(app: &TestApp, dnp: &str, publish: bool) -> String {
    let input = json!({ "title": "Regalías para acueductos", "topic": "regalías", "modality": "VIRTUAL",
        "targetKinds": ["MUNICIPALITY"], "description": "Acompañamiento a las alcaldías para formular proyectos con regalías.",
        "startsOn": "2026-01-01", "endsOn": "2030-12-31", "capacity": 3, "contact": "att@dnp.gov.co" });
    let data = ok(
        app,
        dnp,
        "mutation($input: OfferInputObject!) { createOffer(input: $input) { offer { id } } }",
        json!({ "input": input }),
    )
    .await;
    let id = data["createOffer"]["offer"]["id"].as_str().expect("offer").to_owned();
    if publish {
        ok(app, dnp, "mutation($id: ID!) { publishOffer(id: $id) { offer { id } } }", json!({ "id": id }))
            .await;
    }
    id
}

async fn a_municipality_asks_and_the_nation_answers(app: &TestApp) {
    for (email, role, entity, organisation) in [
        ("att@dnp.gov.co", Role::National, None, Some("DNP")),
        ("marta@minhacienda.gov.co", Role::National, None, Some("MINHACIENDA")),
        ("planeacion@abejorral.gov.co", Role::Territorial, Some("05002"), None),
        ("planeacion@antioquia.gov.co", Role::Territorial, Some("05"), None),
        ("planeacion@medellin.gov.co", Role::Territorial, Some("05001"), None),
    ] {
        app.create_user(email, role, entity, organisation).await;
    }
    let dnp = app.login("att@dnp.gov.co").await;
    let hacienda = app.login("marta@minhacienda.gov.co").await;
    let abejorral = app.login("planeacion@abejorral.gov.co").await;
    let antioquia = app.login("planeacion@antioquia.gov.co").await;
    let medellin = app.login("planeacion@medellin.gov.co").await;
    let offer = dnp_offer(app, &dnp, true).await;
    let draft = dnp_offer(app, &dnp, false).await;
    let guide = ok(
        app,
        &dnp,
        "mutation($input: AddKnowledgeProductInput!) { addKnowledgeProduct(input: $input) { product { id } } }",
        json!({ "input": { "format": "MARKDOWN", "content": "---\ntipo: guía\n---\n\n# Guía de proyectos de regalías\n\nCómo formular un proyecto.\n" } }),
    )
    .await["addKnowledgeProduct"]["product"]["id"]
        .clone();

    let ask = |subject: &str| {
        json!({ "input": { "subjectKind": "OFFER", "subjectId": subject, "title": "¿Sirve para acueductos veredales?",
            "body": "Queremos saber si la oferta cubre acueductos veredales." } })
    };
    // Bad input writes nothing.
    refused(app, &abejorral, OPEN, ask(&draft), "BAD_USER_INPUT").await;
    refused(app, &abejorral, OPEN, ask("0190f0e0-0000-7000-8000-000000000000"), "BAD_USER_INPUT").await;
    let mut empty = ask(&offer);
    empty["input"]["body"] = json!("   ");
    refused(app, &abejorral, OPEN, empty, "BAD_USER_INPUT").await;
    refused(app, &dnp, OPEN, ask(&offer), "BAD_USER_INPUT").await; // the nation must name the entity
    refused(
        app,
        &hacienda,
        OPEN,
        json!({ "input": { "subjectKind": "OFFER", "subjectId": offer, "entityCode": "05002",
        "title": "Otra", "body": "No es nuestra oferta" } }),
        "FORBIDDEN",
    )
    .await;
    assert_eq!(ok(app, &abejorral, THREADS, json!({})).await["consultationThreads"]["totalCount"], 0);

    let opened = ok(app, &abejorral, OPEN, ask(&offer)).await;
    let thread = &opened["openConsultation"]["thread"];
    assert_eq!(thread["openedBy"], "TERRITORIAL");
    assert_eq!(thread["entity"]["code"], "05002");
    assert_eq!(thread["organisation"]["code"], "DNP", "the offer's organisation is the other party");
    let thread_id = thread["id"].as_str().expect("thread").to_owned();

    let listed = ok(app, &dnp, THREADS, json!({})).await;
    assert_eq!(listed["consultationThreads"]["edges"][0]["node"]["unreadCount"], 1, "{listed}");
    assert_eq!(listed["consultationThreads"]["edges"][0]["node"]["firstAnswerAt"], Value::Null);

    let answer = ok(
        app,
        &dnp,
        POST,
        json!({ "t": thread_id, "b": "Sí: la guía adjunta explica cómo.", "d": [guide] }),
    )
    .await;
    assert_eq!(
        answer["postConsultationMessage"]["message"],
        json!({ "side": "NATIONAL", "body": "Sí: la guía adjunta explica cómo.",
            "documents": [{ "title": "Guía de proyectos de regalías" }] })
    );
    let listed = ok(app, &dnp, THREADS, json!({})).await;
    assert_eq!(listed["consultationThreads"]["edges"][0]["node"]["unreadCount"], 0, "writing marks read");
    assert!(listed["consultationThreads"]["edges"][0]["node"]["firstAnswerAt"].is_string());
    assert_eq!(
        ok(app, &abejorral, THREADS, json!({})).await["consultationThreads"]["edges"][0]["node"]
            ["unreadCount"],
        1
    );
    ok(
        app,
        &abejorral,
        "mutation($t: ID!) { markConsultationRead(threadId: $t) { thread { unreadCount } } }",
        json!({ "t": thread_id }),
    )
    .await;
    assert_eq!(
        ok(app, &abejorral, THREADS, json!({})).await["consultationThreads"]["edges"][0]["node"]
            ["unreadCount"],
        0
    );

    // The department follows its municipalities' threads; others see nothing and cannot write.
    assert_eq!(ok(app, &antioquia, THREADS, json!({})).await["consultationThreads"]["totalCount"], 1);
    assert_eq!(ok(app, &medellin, THREADS, json!({})).await["consultationThreads"]["totalCount"], 0);
    refused(app, &medellin, POST, json!({ "t": thread_id, "b": "Hola", "d": [] }), "FORBIDDEN").await;
    // A null where the list of attachments is due is bad input, with its code, and writes nothing.
    refused(app, &dnp, POST, json!({ "t": thread_id, "b": "Hola", "d": null }), "BAD_USER_INPUT").await;
    refused(
        app,
        &hacienda,
        "query($t: ID!) { consultationThread(id: $t) { title } }",
        json!({ "t": thread_id }),
        "FORBIDDEN",
    )
    .await;
    let thread = ok(
        app,
        &antioquia,
        "query($t: ID!) { consultationThread(id: $t) { messages { totalCount edges { node { side author } } } } }",
        json!({ "t": thread_id }),
    )
    .await;
    assert_eq!(thread["consultationThread"]["messages"]["totalCount"], 2);
    assert_eq!(thread["consultationThread"]["messages"]["edges"][0]["node"]["side"], "TERRITORIAL");

    let times = app
        .query_ok(
            "{ consultationResponseTimes { organisationCode threads answered medianHours } }",
            json!({}),
        )
        .await;
    let dnp_times = &times["consultationResponseTimes"][0];
    assert_eq!(
        (
            dnp_times["organisationCode"].as_str(),
            dnp_times["threads"].as_i64(),
            dnp_times["answered"].as_i64()
        ),
        (Some("DNP"), Some(1), Some(1))
    );
    assert!(dnp_times["medianHours"].as_f64().is_some_and(|h| (0.0..0.1).contains(&h)), "{times}");
}

/// A party's threads page newest activity first, by cursor, in SQL: every
/// thread once, and a new message brings its thread back to the top.
async fn threads_page_by_latest_activity(app: &TestApp) {
    app.create_user("att@dnp.gov.co", Role::National, None, Some("DNP")).await;
    app.create_user("planeacion@abejorral.gov.co", Role::Territorial, Some("05002"), None).await;
    let dnp = app.login("att@dnp.gov.co").await;
    let abejorral = app.login("planeacion@abejorral.gov.co").await;
    let offer = dnp_offer(app, &dnp, true).await;
    let mut opened = Vec::new();
    for n in 0..5 {
        let input = json!({ "input": { "subjectKind": "OFFER", "subjectId": offer, "title": format!("Consulta {n}"),
            "body": "¿Cuándo abre la próxima cohorte?" } });
        let data = ok(app, &abejorral, OPEN, input).await;
        opened.push(data["openConsultation"]["thread"]["id"].as_str().expect("id").to_owned());
    }
    ok(app, &dnp, POST, json!({ "t": opened[0], "b": "En marzo.", "d": [] })).await;
    const PAGE: &str = "query($after: String) { consultationThreads(first: 2, after: $after) {
        totalCount edges { node { title } } pageInfo { hasNextPage endCursor } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = ok(app, &dnp, PAGE, json!({ "after": after })).await;
        let page = &data["consultationThreads"];
        assert_eq!(page["totalCount"], 5, "{page}");
        seen.extend(page["edges"].as_array().expect("edges").iter().map(|e| e["node"]["title"].clone()));
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(
        seen,
        ["Consulta 0", "Consulta 4", "Consulta 3", "Consulta 2", "Consulta 1"].map(Value::from),
        "the answered thread first, then the newest"
    );
    refused(app, &dnp, PAGE, json!({ "after": "no-es-un-cursor" }), "BAD_USER_INPUT").await;
}

backend_tests!(threads_page_by_latest_activity, a_municipality_asks_and_the_nation_answers);
