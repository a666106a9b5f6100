//! Subscriptions over the graphql-transport-ws protocol, as a browser or a
//! dashboard would hold them open.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use sugit::access::Role;
use sugit_tests::{backend_tests, TestApp};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

async fn next_json(
    socket: &mut (impl StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin),
) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket is open")
            .expect("a valid frame");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).expect("JSON");
        }
    }
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a graphql-transport-ws connection to `app` and subscribes with `query`.
async fn subscribe(app: &TestApp, query: &str) -> Socket {
    subscribe_with(app, query, json!({})).await
}

/// The same, with a `connection_init` payload (a browser's token goes there).
async fn subscribe_with(app: &TestApp, query: &str, init: Value) -> Socket {
    let url = format!("{}/graphql", app.address.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.expect("websocket");
    assert_eq!(response.headers()["sec-websocket-protocol"], "graphql-transport-ws");
    let init = json!({ "type": "connection_init", "payload": init });
    socket.send(Message::text(init.to_string())).await.expect("init");
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
    socket.send(Message::text(subscribe.to_string())).await.expect("subscribe");
    // Give the server a moment to register the subscription before the writes.
    tokio::time::sleep(Duration::from_millis(200)).await;
    socket
}

/// The secretariat convenes a session on `app` and gives commitments to
/// MINHACIENDA and then DNP.
async fn commit_two_entities(app: &TestApp) {
    let secretariat = app.login("sec@funcionpublica.gov.co").await;
    let (_, body) = app
        .graphql_as(
            Some(&secretariat),
            "mutation { convokeSession(input: { kind: ORDINARY, date: \"2026-02-10T14:00:00Z\", place: \"DNP\",
                agenda: [{ title: \"Plan\", presenter: \"DAFP\" }] }) { session { id } } }",
            json!({}),
        )
        .await;
    let session = body["data"]["convokeSession"]["session"]["id"].clone();
    let add = "mutation($input: AddCommitmentInput!) { addCommitment(input: $input) { commitment { id } } }";
    for (responsible, description) in [("MINHACIENDA", "Otra entidad"), ("DNP", "Caracterizar la oferta")] {
        let (_, body) = app
            .graphql_as(
                Some(&secretariat),
                add,
                json!({ "input": { "sessionId": session, "description": description,
                "responsibleCode": responsible, "dueDate": "2099-01-01" } }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
}

const DNP_COMMITMENTS: &str =
    "subscription { commitmentUpdated(responsibleCode: \"dnp\") { description status responsibleCode } }";

async fn assert_only_dnp_commitment_arrives(socket: &mut Socket) {
    let event = next_json(socket).await;
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(
        event["payload"]["data"]["commitmentUpdated"],
        json!({ "description": "Caracterizar la oferta", "status": "PENDING", "responsibleCode": "DNP" }),
        "only the subscribed entity's commitments arrive"
    );
}

async fn commitment_updates_reach_subscribers_of_that_entity(app: &TestApp) {
    app.create_user("sec@funcionpublica.gov.co", Role::Secretariat, None, Some("DAFP")).await;
    let mut socket = subscribe(app, DNP_COMMITMENTS).await;
    commit_two_entities(app).await;
    assert_only_dnp_commitment_arrives(&mut socket).await;
}

backend_tests!(commitment_updates_reach_subscribers_of_that_entity);

/// An entity's dashboard connected to one instance hears the commitments the
/// secretariat records through another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commitment_updates_reach_subscribers_on_every_instance() {
    let Some(app) = TestApp::spawn(sugit_tests::Backend::PostgresRedis).await else { return };
    let other = app.spawn_sibling(None).await;
    app.create_user("sec@funcionpublica.gov.co", Role::Secretariat, None, Some("DAFP")).await;
    let mut socket = subscribe(&other, DNP_COMMITMENTS).await;
    commit_two_entities(&app).await;
    assert_only_dnp_commitment_arrives(&mut socket).await;
}

/// A mayor's team listening on one instance hears the offers published
/// through another (the outbox carries them), filtered by topic and department.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_offers_reach_subscribers_on_every_instance() {
    let Some(app) = TestApp::spawn(sugit_tests::Backend::PostgresRedis).await else { return };
    let other = app.spawn_sibling(None).await;
    app.create_user("att@dnp.gov.co", Role::National, None, Some("DNP")).await;
    let dnp = app.login("att@dnp.gov.co").await;
    let mut socket = subscribe(
        &other,
        "subscription { offerPublished(filter: { topic: \"regalias\", departmentCode: \"05\" }) { title departmentCodes } }",
    )
    .await;
    for (title, topic, departments) in [
        ("Regalías en Nariño", "regalías", json!(["52"])),
        ("Catastro en Antioquia", "catastro", json!(["05"])),
        ("Regalías en Antioquia", "Regalías", json!(["05", "52"])),
    ] {
        let input = json!({ "title": title, "topic": topic, "modality": "MIXED", "targetKinds": ["MUNICIPALITY"],
            "description": format!("{title}: acompañamiento a las alcaldías."), "departmentCodes": departments,
            "startsOn": "2026-01-01", "endsOn": "2030-12-31", "capacity": 3, "contact": "att@dnp.gov.co" });
        let (_, body) = app
            .graphql_as(
                Some(&dnp),
                "mutation($input: OfferInputObject!) { createOffer(input: $input) { offer { id } } }",
                json!({ "input": input }),
            )
            .await;
        let id = body["data"]["createOffer"]["offer"]["id"].clone();
        let (_, body) = app
            .graphql_as(
                Some(&dnp),
                "mutation($id: ID!) { publishOffer(id: $id) { offer { status } } }",
                json!({ "id": id }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let event = next_json(&mut socket).await;
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(
        event["payload"]["data"]["offerPublished"],
        json!({ "title": "Regalías en Antioquia", "departmentCodes": ["05", "52"] }),
        "only the offers of the topic that cover the department arrive"
    );
}

/// A national entity's team hears the territories' questions as they arrive,
/// on another instance, with the token in `connection_init` as a browser sends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consultation_messages_reach_the_other_party_on_every_instance() {
    let Some(app) = TestApp::spawn(sugit_tests::Backend::PostgresRedis).await else { return };
    let other = app.spawn_sibling(None).await;
    app.create_user("att@dnp.gov.co", Role::National, None, Some("DNP")).await;
    app.create_user("marta@minhacienda.gov.co", Role::National, None, Some("MINHACIENDA")).await;
    app.create_user("planeacion@abejorral.gov.co", Role::Territorial, Some("05002"), None).await;
    let dnp = app.login("att@dnp.gov.co").await;
    let hacienda = app.login("marta@minhacienda.gov.co").await;
    let abejorral = app.login("planeacion@abejorral.gov.co").await;
    let offer = crate::consultation::dnp_offer(&app, &dnp, true).await;
    let query = "subscription { consultationMessage { side body } }";
    let mut national =
        subscribe_with(&other, query, json!({ "authorization": format!("Bearer {dnp}") })).await;
    let mut stranger =
        subscribe_with(&other, query, json!({ "authorization": format!("Bearer {hacienda}") })).await;
    let (_, body) = app
        .graphql_as(
            Some(&abejorral),
            crate::consultation::OPEN,
            json!({ "input": { "subjectKind": "OFFER", "subjectId": offer, "title": "Una pregunta",
                "body": "¿Cubre acueductos veredales?" } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let event = next_json(&mut national).await;
    assert_eq!(
        event["payload"]["data"]["consultationMessage"],
        json!({ "side": "TERRITORIAL", "body": "¿Cubre acueductos veredales?" }),
        "{event}"
    );
    let silence = tokio::time::timeout(Duration::from_millis(700), stranger.next()).await;
    assert!(silence.is_err(), "another organisation hears nothing: {silence:?}");

    // Without a session the subscription is refused with its code.
    let mut anonymous = subscribe(&other, query).await;
    let refused = next_json(&mut anonymous).await;
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{refused}");
}

/// Writes travel by POST, where the public cache hears of them before they are
/// acknowledged: a mutation sent over the WebSocket is refused, with its code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutations_over_the_websocket_are_refused() {
    let Some(app) = TestApp::spawn(sugit_tests::Backend::Sqlite).await else { return };
    app.create_user("ws-admin@sugit.gov.co", Role::Admin, None, None).await;
    let token = app.login("ws-admin@sugit.gov.co").await;
    let mutation = r#"mutation { updateTerritorialEntity(code: "05002", input: { category: FIRST }) { territorialEntity { category } } }"#;
    let mut socket =
        subscribe_with(&app, mutation, json!({ "authorization": format!("Bearer {token}") })).await;
    let refused = next_json(&mut socket).await;
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    assert!(refused["payload"]["data"].is_null(), "{refused}");
    let data = app.query_ok(r#"{ territorialEntity(code: "05002") { category } }"#, json!({})).await;
    assert_ne!(data["territorialEntity"]["category"], "FIRST", "nothing was written: {data}");
}

/// The web page sends a module's whole file of operations and names the one it
/// wants: a subscription beside mutations in that file is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_named_in_a_file_with_mutations_is_served() {
    let Some(app) = TestApp::spawn(sugit_tests::Backend::Sqlite).await else { return };
    let url = format!("{}/graphql", app.address.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("websocket");
    socket.send(Message::text(json!({ "type": "connection_init" }).to_string())).await.expect("init");
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    let document = "mutation Write { logout { __typename } } subscription Live { offerPublished { title } }";
    let subscribe =
        json!({ "id": "1", "type": "subscribe", "payload": { "query": document, "operationName": "Live" } });
    socket.send(Message::text(subscribe.to_string())).await.expect("subscribe");
    let silence = tokio::time::timeout(Duration::from_millis(700), socket.next()).await;
    assert!(silence.is_err(), "no refusal: the subscription waits for offers: {silence:?}");
}
