//! The commission through the API: the secretariat convenes and documents;
//! quorum, outcomes and overdue commitments are computed.

use serde_json::{json, Value};
use sugit::access::Role;
use sugit_tests::{backend_tests, error_codes, TestApp};

struct Scene {
    secretariat: String,
    dnp: String,
    hacienda: String,
}

async fn scene(app: &TestApp) -> Scene {
    app.create_user("sec@funcionpublica.gov.co", Role::Secretariat, None, Some("DAFP")).await;
    app.create_user("luis@dnp.gov.co", Role::National, None, Some("DNP")).await;
    app.create_user("marta@minhacienda.gov.co", Role::National, None, Some("MINHACIENDA")).await;
    Scene {
        secretariat: app.login("sec@funcionpublica.gov.co").await,
        dnp: app.login("luis@dnp.gov.co").await,
        hacienda: app.login("marta@minhacienda.gov.co").await,
    }
}

async fn ok(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let (_, body) = app.graphql_as(Some(token), query, variables).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

async fn refused(app: &TestApp, token: &str, query: &str, variables: Value, code: &str) -> String {
    let (_, body) = app.graphql_as(Some(token), query, variables).await;
    assert_eq!(error_codes(&body), [code], "{body}");
    body["errors"][0]["message"].as_str().unwrap_or_default().to_owned()
}

const CONVOKE: &str =
    "mutation($input: ConvokeSessionInput!) { convokeSession(input: $input) { session { id status } } }";
const ATTEND: &str = "mutation($s: ID!, $o: String!, $d: ID) { recordAttendance(sessionId: $s, organisationCode: $o, delegateId: $d) {
    session { quorum { required present met } } } }";
const DECIDE: &str =
    "mutation($s: ID!, $t: String!) { recordDecision(sessionId: $s, title: $t) { decision { id outcome } } }";
const VOTE: &str = "mutation($d: ID!, $o: String!, $v: VoteChoice!) { recordVote(decisionId: $d, organisationCode: $o, vote: $v) {
    decision { outcome votesFor votesAgainst abstentions } } }";
const SESSION: &str = "query($id: ID!) { commissionSession(id: $id) { status quorum { required present met }
    attendance { organisationCode role delegate { name } } decisions { title outcome votesFor } minutes commitments { status } } }";

async fn convoke(app: &TestApp, token: &str, kind: &str, date: &str) -> String {
    let data = ok(
        app,
        token,
        CONVOKE,
        json!({ "input": { "kind": kind, "date": date, "place": "Sala de juntas del DNP y enlace virtual",
            "agenda": [{ "title": "Plan de trabajo anual", "presenter": "Función Pública" }] } }),
    )
    .await;
    data["convokeSession"]["session"]["id"].as_str().expect("session id").to_owned()
}

async fn the_quorum_and_the_majority_are_computed(app: &TestApp) {
    let scene = scene(app).await;
    let session = convoke(app, &scene.secretariat, "ORDINARY", "2026-02-10T14:00:00Z").await;
    for member in ["DNP", "DAFP", "APC"] {
        ok(app, &scene.secretariat, ATTEND, json!({ "s": session, "o": member })).await;
    }
    let data = ok(app, &scene.secretariat, ATTEND, json!({ "s": session, "o": "FCM" })).await;
    assert_eq!(
        data["recordAttendance"]["session"]["quorum"],
        json!({ "required": 4, "present": 3, "met": false }),
        "an invitee does not count"
    );

    let message = refused(
        app,
        &scene.secretariat,
        DECIDE,
        json!({ "s": session, "t": "Aprobar el plan" }),
        "BAD_USER_INPUT",
    )
    .await;
    assert!(message.contains("quórum"), "{message}");
    assert_eq!(
        app.query_ok(SESSION, json!({ "id": session })).await["commissionSession"]["decisions"],
        json!([]),
        "nothing written"
    );

    // ESAP attends through a delegate: valid on the session's date, or refused.
    let delegate = ok(app, &scene.secretariat, "mutation { addDelegate(input: { organisationCode: \"ESAP\", name: \"Ana Gómez\",
        position: \"Subdirectora\", validFrom: \"2026-01-01\", validTo: \"2026-01-31\" }) { delegate { id } } }", json!({})).await;
    let expired = delegate["addDelegate"]["delegate"]["id"].clone();
    let message = refused(
        app,
        &scene.secretariat,
        ATTEND,
        json!({ "s": session, "o": "ESAP", "d": expired }),
        "BAD_USER_INPUT",
    )
    .await;
    assert!(message.contains("no era delegado"), "{message}");
    let delegate = ok(
        app,
        &scene.secretariat,
        "mutation { addDelegate(input: { organisationCode: \"ESAP\", name: \"Luis Peña\",
        position: \"Asesor\", validFrom: \"2026-02-01\" }) { delegate { id } } }",
        json!({}),
    )
    .await;
    let data = ok(
        app,
        &scene.secretariat,
        ATTEND,
        json!({ "s": session, "o": "ESAP", "d": delegate["addDelegate"]["delegate"]["id"] }),
    )
    .await;
    assert_eq!(data["recordAttendance"]["session"]["quorum"]["met"], true);

    let data =
        ok(app, &scene.secretariat, DECIDE, json!({ "s": session, "t": "Aprobar el plan de trabajo 2026" }))
            .await;
    let decision = data["recordDecision"]["decision"]["id"].clone();
    assert_eq!(data["recordDecision"]["decision"]["outcome"], "PENDING");

    let message = refused(
        app,
        &scene.secretariat,
        VOTE,
        json!({ "d": decision, "o": "FCM", "v": "FOR" }),
        "BAD_USER_INPUT",
    )
    .await;
    assert!(message.contains("sin voto"), "an invitee has voice, no vote: {message}");
    refused(
        app,
        &scene.secretariat,
        VOTE,
        json!({ "d": decision, "o": "MININTERIOR", "v": "FOR" }),
        "BAD_USER_INPUT",
    )
    .await;

    ok(app, &scene.secretariat, VOTE, json!({ "d": decision, "o": "DNP", "v": "FOR" })).await;
    ok(app, &scene.secretariat, VOTE, json!({ "d": decision, "o": "DAFP", "v": "FOR" })).await;
    refused(app, &scene.secretariat, VOTE, json!({ "d": decision, "o": "DNP", "v": "AGAINST" }), "CONFLICT")
        .await;
    let data = ok(app, &scene.secretariat, VOTE, json!({ "d": decision, "o": "APC", "v": "FOR" })).await;
    assert_eq!(
        data["recordVote"]["decision"],
        json!({ "outcome": "ADOPTED", "votesFor": 3, "votesAgainst": 0, "abstentions": 0 })
    );

    let session_view = app.query_ok(SESSION, json!({ "id": session })).await;
    let attendance = &session_view["commissionSession"]["attendance"];
    assert!(attendance.as_array().expect("attendance").iter().any(|a| a["delegate"]["name"] == "Luis Peña"));
}

async fn approved_minutes_close_the_record(app: &TestApp) {
    let scene = scene(app).await;
    let session = convoke(app, &scene.secretariat, "ORDINARY", "2026-03-05T14:00:00Z").await;
    let future = convoke(app, &scene.secretariat, "ORDINARY", "2099-03-05T14:00:00Z").await;
    let approve = "mutation($s: ID!, $m: String!) { approveMinutes(sessionId: $s, minutes: $m) { session { status minutes } } }";
    refused(app, &scene.secretariat, approve, json!({ "s": future, "m": "Acta" }), "BAD_USER_INPUT").await;
    let data = ok(
        app,
        &scene.secretariat,
        approve,
        json!({ "s": session, "m": "Acta de la primera sesión ordinaria." }),
    )
    .await;
    assert_eq!(data["approveMinutes"]["session"]["status"], "CLOSED");
    let message =
        refused(app, &scene.secretariat, approve, json!({ "s": session, "m": "Otra versión" }), "CONFLICT")
            .await;
    assert!(message.contains("no se modifica"), "{message}");
    refused(app, &scene.secretariat, ATTEND, json!({ "s": session, "o": "DNP" }), "CONFLICT").await;
    let view = app.query_ok(SESSION, json!({ "id": session })).await;
    assert_eq!(view["commissionSession"]["minutes"], "Acta de la primera sesión ordinaria.");
}

async fn commitments_are_followed_and_overdue_is_computed(app: &TestApp) {
    let scene = scene(app).await;
    let session = convoke(app, &scene.secretariat, "ORDINARY", "2026-01-20T14:00:00Z").await;
    let add = "mutation($input: AddCommitmentInput!) { addCommitment(input: $input) { commitment { id status overdue } } }";
    let late = ok(app, &scene.secretariat, add, json!({ "input": { "sessionId": session,
        "description": "Presentar la caracterización de la oferta de ATT", "responsibleCode": "DNP", "dueDate": "2026-02-28" } })).await;
    assert_eq!(late["addCommitment"]["commitment"]["status"], "OVERDUE", "its date has passed");
    ok(app, &scene.secretariat, add, json!({ "input": { "sessionId": session,
        "description": "Publicar la agenda nacional de ATT", "responsibleCode": "MINHACIENDA", "dueDate": "2099-12-31" } })).await;
    let id = late["addCommitment"]["commitment"]["id"].clone();

    let overdue = app
        .query_ok(
            "{ commitments(filter: { overdue: true }) { totalCount edges { node { responsibleCode } } } }",
            json!({}),
        )
        .await;
    assert_eq!(overdue["commitments"]["totalCount"], 1);

    let update = "mutation($id: ID!, $input: UpdateCommitmentInput!) { updateCommitment(id: $id, input: $input) { commitment { status overdue } } }";
    refused(app, &scene.hacienda, update, json!({ "id": id, "input": { "status": "DONE" } }), "FORBIDDEN")
        .await;
    refused(app, &scene.dnp, update, json!({ "id": id, "input": { "status": "OVERDUE" } }), "BAD_USER_INPUT")
        .await;
    let data = ok(
        app,
        &scene.dnp,
        update,
        json!({ "id": id, "input": { "status": "DONE", "note": "Documento entregado",
        "evidenceUrl": "https://www.dnp.gov.co/caracterizacion" } }),
    )
    .await;
    assert_eq!(data["updateCommitment"]["commitment"], json!({ "status": "DONE", "overdue": false }));
    let pending = app
        .query_ok(
            "{ commitments(filter: { responsibleCode: \"MINHACIENDA\" }) { edges { node { status } } } }",
            json!({}),
        )
        .await;
    assert_eq!(pending["commitments"]["edges"][0]["node"]["status"], "PENDING");
}

async fn a_quarter_without_an_ordinary_session_is_visible(app: &TestApp) {
    let scene = scene(app).await;
    for (kind, date) in [
        ("ORDINARY", "2025-02-12T14:00:00Z"),
        ("ORDINARY", "2025-05-14T14:00:00Z"),
        ("EXTRAORDINARY", "2025-08-20T14:00:00Z"),
        ("ORDINARY", "2025-11-12T14:00:00Z"),
    ] {
        convoke(app, &scene.secretariat, kind, date).await;
    }
    let data = app
        .query_ok("{ commissionCompliance(year: 2025) { ordinarySessions minimumMet quarters { quarter ordinarySessions extraordinarySessions withoutOrdinarySession } } }", json!({}))
        .await;
    let compliance = &data["commissionCompliance"];
    assert_eq!(compliance["ordinarySessions"], 3);
    assert_eq!(compliance["minimumMet"], false);
    assert_eq!(
        compliance["quarters"][2],
        json!({ "quarter": 3, "ordinarySessions": 0, "extraordinarySessions": 1, "withoutOrdinarySession": true })
    );
    let sessions = app
        .query_ok("{ commissionSessions(year: 2025) { totalCount edges { node { kind } } } }", json!({}))
        .await;
    assert_eq!(sessions["commissionSessions"]["totalCount"], 4);
}

async fn the_decree_seeds_members_and_invitees(app: &TestApp) {
    let data = app
        .query_ok("{ commissionParticipants { organisationCode role presides secretariat } }", json!({}))
        .await;
    let participants = data["commissionParticipants"].as_array().expect("participants");
    assert_eq!(participants.iter().filter(|p| p["role"] == "MEMBER").count(), 7);
    assert!(participants.iter().any(|p| p["organisationCode"] == "DNP" && p["presides"] == true));
    assert!(participants.iter().any(|p| p["organisationCode"] == "DAFP" && p["secretariat"] == true));
    assert!(participants.iter().any(|p| p["organisationCode"] == "FCM" && p["role"] == "INVITEE"));
}

backend_tests!(
    the_quorum_and_the_majority_are_computed,
    approved_minutes_close_the_record,
    commitments_are_followed_and_overdue_is_computed,
    a_quarter_without_an_ordinary_session_is_visible,
    the_decree_seeds_members_and_invitees,
);
