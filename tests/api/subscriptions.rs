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

async fn commitment_updates_reach_subscribers_of_that_entity(app: &TestApp) {
    app.create_user("sec@funcionpublica.gov.co", Role::Secretariat, None, Some("DAFP")).await;
    let secretariat = app.login("sec@funcionpublica.gov.co").await;

    let url = format!("{}/graphql", app.address.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.expect("websocket");
    assert_eq!(response.headers()["sec-websocket-protocol"], "graphql-transport-ws");
    socket.send(Message::text(json!({ "type": "connection_init" }).to_string())).await.expect("init");
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription { commitmentUpdated(responsibleCode: \"dnp\") { description status responsibleCode } }" } });
    socket.send(Message::text(subscribe.to_string())).await.expect("subscribe");
    // Give the server a moment to register the subscription before the writes.
    tokio::time::sleep(Duration::from_millis(200)).await;

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
    let event = next_json(&mut socket).await;
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(
        event["payload"]["data"]["commitmentUpdated"],
        json!({ "description": "Caracterizar la oferta", "status": "PENDING", "responsibleCode": "DNP" }),
        "only the subscribed entity's commitments arrive"
    );
}

backend_tests!(commitment_updates_reach_subscribers_of_that_entity);
