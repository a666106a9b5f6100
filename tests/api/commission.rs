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
    let data = ok(app, &scene.secretariat, CONVOKE, json!({ "input": { "kind": "ORDINARY", "date": "2026-03-05T14:00:00Z",
        "place": "Sala de juntas del DNP", "agenda": [{ "title": "Plan de trabajo anual", "presenter": "Función Pública" }],
        "guestRequests": [{ "name": "Delegada de la RAP <Pacífico>", "organisation": "RAP Pacífico", "reason": "Presentar la demanda regional" }] } }))
        .await;
    let session = data["convokeSession"]["session"]["id"].as_str().expect("session").to_owned();
    let (_, body) = app.graphql_as(Some(&scene.secretariat), CONVOKE, json!({ "input": { "kind": "ORDINARY", "date": "2026-03-05T14:00:00Z",
        "place": "DNP", "agenda": [{ "title": "x", "presenter": "y" }], "guestRequests": [{ "name": "", "reason": "z" }] } })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "a guest needs a name: {body}");
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
    // Approved minutes join the knowledge base, searchable by anyone.
    let search = "{ searchKnowledge(query: \"acta plan de trabajo anual\", filter: { types: [MINUTES] }) {
        edges { node { title object { ... on KnowledgeProduct { type organisation { code } text } } } } } }";
    let mut found = serde_json::Value::Null;
    for _ in 0..100 {
        found = app.query_ok(search, json!({})).await["searchKnowledge"]["edges"][0]["node"].clone();
        if !found.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(found["title"], "Acta de la sesión ordinaria de la Comisión del 2026-03-05", "{found}");
    assert_eq!(found["object"]["organisation"]["code"], "DAFP");
    assert!(found["object"]["text"]
        .as_str()
        .unwrap_or_default()
        .contains("Acta de la primera sesión ordinaria."));

    // The convocation, with its agenda, as a page to print.
    let page = app
        .client
        .get(app.url(&format!("/comision/sesiones/{session}/convocatoria")))
        .send()
        .await
        .expect("page");
    assert!(page.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/html"));
    let html = page.text().await.expect("html");
    assert!(
        html.contains("lang=\"es\"")
            && html.contains("Plan de trabajo anual")
            && html.contains("sesión ordinaria"),
        "{html}"
    );
    let missing =
        app.client.get(app.url("/comision/sesiones/no-existe/convocatoria")).send().await.expect("404");
    assert_eq!(missing.status(), sugit_tests::StatusCode::NOT_FOUND);
}

/// The agenda cites documents of the knowledge base: members read them before
/// the session; an unknown or archived one is refused with nothing written.
async fn agenda_items_cite_knowledge_documents(app: &TestApp) {
    let scene = scene(app).await;
    let add = "mutation($input: AddKnowledgeProductInput!) { addKnowledgeProduct(input: $input) { product { id } } }";
    let mut documents = Vec::new();
    for title in ["Propuesta de reglamento interno", "Borrador del plan de trabajo"] {
        let content = format!(
            "---\ntipo: memoria\nfuente: https://www.dnp.gov.co/{}\n---\n\n# {title}\n\nTexto para la sesión.\n",
            documents.len()
        );
        let data =
            ok(app, &scene.dnp, add, json!({ "input": { "format": "MARKDOWN", "content": content } })).await;
        documents.push(data["addKnowledgeProduct"]["product"]["id"].as_str().expect("id").to_owned());
    }
    let input = |ids: Value| {
        json!({ "input": { "kind": "ORDINARY", "date": "2026-03-05T14:00:00Z", "place": "DNP",
            "agenda": [{ "title": "Reglamento", "presenter": "DNP", "documentIds": ids }] } })
    };
    let unknown = "0190f0e0-0000-7000-8000-000000000000";
    let message =
        refused(app, &scene.secretariat, CONVOKE, input(json!([documents[0], unknown])), "BAD_USER_INPUT")
            .await;
    assert!(message.contains(unknown) && message.contains("base de conocimiento"), "{message}");
    refused(app, &scene.secretariat, CONVOKE, input(json!(["no-es-un-id"])), "BAD_USER_INPUT").await;
    let sessions = app.query_ok("{ commissionSessions(year: 2026) { totalCount } }", json!({})).await;
    assert_eq!(sessions["commissionSessions"]["totalCount"], 0, "nothing written");

    let data = ok(app, &scene.secretariat, CONVOKE, input(json!(documents))).await;
    let session = data["convokeSession"]["session"]["id"].as_str().expect("id").to_owned();
    let view = app
        .query_ok(
            "query($id: ID!) { commissionSession(id: $id) { agenda { title documents { title sourceUrl } } } }",
            json!({ "id": session }),
        )
        .await;
    assert_eq!(
        view["commissionSession"]["agenda"][0]["documents"],
        json!([
            { "title": "Propuesta de reglamento interno", "sourceUrl": "https://www.dnp.gov.co/0" },
            { "title": "Borrador del plan de trabajo", "sourceUrl": "https://www.dnp.gov.co/1" },
        ])
    );
    let page = app
        .client
        .get(app.url(&format!("/comision/sesiones/{session}/convocatoria")))
        .send()
        .await
        .expect("page");
    let html = page.text().await.expect("html");
    assert!(
        html.contains("<a href=\"https://www.dnp.gov.co/0\">Propuesta de reglamento interno</a>"),
        "the printable convocation lists the documents: {html}"
    );

    // Archived after the convocation: no longer offered to readers.
    ok(
        app,
        &scene.dnp,
        "mutation($id: ID!) { archiveKnowledgeProduct(id: $id) { product { archivedAt } } }",
        json!({ "id": documents[1] }),
    )
    .await;
    let view = app
        .query_ok(
            "query($id: ID!) { commissionSession(id: $id) { agenda { documents { title } } } }",
            json!({ "id": session }),
        )
        .await;
    assert_eq!(
        view["commissionSession"]["agenda"][0]["documents"],
        json!([{ "title": "Propuesta de reglamento interno" }])
    );
    refused(app, &scene.secretariat, CONVOKE, input(json!([documents[1]])), "BAD_USER_INPUT").await;
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

/// Convokes a session and records the attendance of `members`.
async fn held(app: &TestApp, token: &str, kind: &str, date: &str, members: &[&str]) -> String {
    let session = convoke(app, token, kind, date).await;
    for member in members {
        ok(app, token, ATTEND, json!({ "s": session, "o": member })).await;
    }
    session
}

const QUORUM: [&str; 4] = ["DNP", "DAFP", "APC", "ESAP"];

/// Only the Commission's own sessions, held, with quorum verified, count
/// (decree art. 2.2.11.4.5–6): not a working group's, not one without
/// quorum, not one convoked and still to come.
async fn a_quarter_without_an_ordinary_session_is_visible(app: &TestApp) {
    let scene = scene(app).await;
    ok(
        app,
        &scene.secretariat,
        "mutation { createWorkingGroup(input: { code: \"MESA_OFERTA\", name: \"Mesa de oferta\", purpose: \"Oferta\",
            memberCodes: [\"DNP\", \"APC\"] }) { workingGroup { code } } }",
        json!({}),
    )
    .await;
    for (kind, date) in [
        ("ORDINARY", "2025-02-12T14:00:00Z"),
        ("ORDINARY", "2025-05-14T14:00:00Z"),
        ("EXTRAORDINARY", "2025-08-20T14:00:00Z"),
        ("ORDINARY", "2025-11-12T14:00:00Z"),
    ] {
        held(app, &scene.secretariat, kind, date, &QUORUM).await;
    }
    // The third quarter's ordinary sessions that must not count.
    held(app, &scene.secretariat, "ORDINARY", "2025-08-06T14:00:00Z", &["DNP", "DAFP", "APC"]).await;
    let data = ok(app, &scene.secretariat, CONVOKE, json!({ "input": { "workingGroupCode": "MESA_OFERTA", "kind": "ORDINARY",
        "date": "2025-09-02T15:00:00Z", "place": "Virtual", "agenda": [{ "title": "Oferta", "presenter": "APC" }] } })).await;
    let group_session = data["convokeSession"]["session"]["id"].clone();
    ok(app, &scene.secretariat, ATTEND, json!({ "s": group_session, "o": "DNP" })).await;
    let data = ok(app, &scene.secretariat, ATTEND, json!({ "s": group_session, "o": "APC" })).await;
    assert_eq!(data["recordAttendance"]["session"]["quorum"]["met"], true, "the group had its quorum");
    // 2025-10-01 at 02:00 UTC is still 30 September in Bogotá: the third quarter.
    held(app, &scene.secretariat, "EXTRAORDINARY", "2025-10-01T02:00:00Z", &QUORUM).await;

    let compliance = "query($y: Int!) { commissionCompliance(year: $y) { ordinarySessions minimumMet
        quarters { quarter ordinarySessions extraordinarySessions withoutOrdinarySession } } }";
    let data = app.query_ok(compliance, json!({ "y": 2025 })).await;
    let compliance_2025 = &data["commissionCompliance"];
    assert_eq!(compliance_2025["ordinarySessions"], 3, "{compliance_2025}");
    assert_eq!(compliance_2025["minimumMet"], false);
    assert_eq!(
        compliance_2025["quarters"][2],
        json!({ "quarter": 3, "ordinarySessions": 0, "extraordinarySessions": 2, "withoutOrdinarySession": true })
    );
    assert_eq!(compliance_2025["quarters"][3]["extraordinarySessions"], 0);
    let sessions = app
        .query_ok("{ commissionSessions(year: 2025) { totalCount edges { node { kind } } } }", json!({}))
        .await;
    assert_eq!(sessions["commissionSessions"]["totalCount"], 7, "every session is listed all the same");

    // Convoked for later today or tomorrow: not held yet, so not counted.
    let soon = chrono::Utc::now() + chrono::Duration::hours(2);
    let date = soon.format("%Y-%m-%dT%H:%M:00Z").to_string();
    convoke(app, &scene.secretariat, "ORDINARY", &date).await;
    let local = soon - chrono::Duration::hours(5);
    let (year, quarter) = (chrono::Datelike::year(&local), chrono::Datelike::month0(&local) / 3);
    let data = app.query_ok(compliance, json!({ "y": year })).await;
    assert_eq!(data["commissionCompliance"]["quarters"][quarter as usize]["ordinarySessions"], 0, "{data}");
}

/// Attendance, decisions and votes are facts of a session under way: before
/// its start (Colombian time) they are refused and nothing is written.
async fn nothing_is_recorded_before_the_session_starts(app: &TestApp) {
    let scene = scene(app).await;
    let start = chrono::Utc::now() + chrono::Duration::days(3);
    let session =
        convoke(app, &scene.secretariat, "ORDINARY", &start.format("%Y-%m-%dT%H:%M:00Z").to_string()).await;
    let local = (start - chrono::Duration::hours(5)).format("%Y-%m-%d a las %H:%M").to_string();
    for member in QUORUM {
        let message =
            refused(app, &scene.secretariat, ATTEND, json!({ "s": session, "o": member }), "BAD_USER_INPUT")
                .await;
        assert!(
            message.contains("aún no ha comenzado")
                && message.contains(&local)
                && message.contains("America/Bogota"),
            "{message}"
        );
    }
    let message =
        refused(app, &scene.secretariat, DECIDE, json!({ "s": session, "t": "Aprobar" }), "BAD_USER_INPUT")
            .await;
    assert!(message.contains("aún no ha comenzado"), "{message}");
    let view = app.query_ok(SESSION, json!({ "id": session })).await;
    assert_eq!(view["commissionSession"]["attendance"], json!([]), "nothing written");
    assert_eq!(view["commissionSession"]["decisions"], json!([]));
    assert_eq!(view["commissionSession"]["status"], "CONVOKED");
}

/// A vote is closed explicitly; its outcome is computed with the members
/// present at that moment and then frozen: later attendance does not move it
/// and later votes are refused.
async fn a_closed_vote_keeps_its_outcome(app: &TestApp) {
    let scene = scene(app).await;
    let session = held(app, &scene.secretariat, "ORDINARY", "2026-03-10T14:00:00Z", &QUORUM).await;
    let data =
        ok(app, &scene.secretariat, DECIDE, json!({ "s": session, "t": "Crear una mesa de cooperación" }))
            .await;
    let decision = data["recordDecision"]["decision"]["id"].clone();
    for (member, vote) in [("DNP", "FOR"), ("DAFP", "FOR"), ("APC", "AGAINST"), ("ESAP", "AGAINST")] {
        ok(app, &scene.secretariat, VOTE, json!({ "d": decision, "o": member, "v": vote })).await;
    }
    let close = "mutation($d: ID!) { closeVote(decisionId: $d) { decision { outcome votesFor votesAgainst presentAtClose closedAt } } }";
    let data = ok(app, &scene.secretariat, close, json!({ "d": decision })).await;
    let closed = &data["closeVote"]["decision"];
    assert_eq!(closed["outcome"], "REJECTED", "2–2 is no majority: {closed}");
    assert_eq!(closed["presentAtClose"], 4);
    assert!(closed["closedAt"].is_string(), "{closed}");

    // A fifth member arrives late: the closed vote does not reopen.
    ok(app, &scene.secretariat, ATTEND, json!({ "s": session, "o": "MINHACIENDA" })).await;
    let message = refused(
        app,
        &scene.secretariat,
        VOTE,
        json!({ "d": decision, "o": "MINHACIENDA", "v": "FOR" }),
        "CONFLICT",
    )
    .await;
    assert!(message.contains("cerrada"), "{message}");
    refused(app, &scene.secretariat, close, json!({ "d": decision }), "CONFLICT").await;
    refused(app, &scene.dnp, close, json!({ "d": decision }), "FORBIDDEN").await;
    let view = app
        .query_ok(
            "query($id: ID!) { commissionSession(id: $id) { decisions { outcome votesFor votesAgainst presentAtClose } } }",
            json!({ "id": session }),
        )
        .await;
    assert_eq!(
        view["commissionSession"]["decisions"],
        json!([{ "outcome": "REJECTED", "votesFor": 2, "votesAgainst": 2, "presentAtClose": 4 }]),
        "frozen, nothing written"
    );

    // Closed with votes missing: those who did not vote did not vote for.
    // A member's own users cast its vote; another member's users cannot.
    let data =
        ok(app, &scene.secretariat, DECIDE, json!({ "s": session, "t": "Adoptar el reglamento" })).await;
    let second = data["recordDecision"]["decision"]["id"].clone();
    let message =
        refused(app, &scene.hacienda, VOTE, json!({ "d": second, "o": "DNP", "v": "AGAINST" }), "FORBIDDEN")
            .await;
    assert!(message.contains("cada miembro vota por sí"), "{message}");
    let data = ok(app, &scene.dnp, VOTE, json!({ "d": second, "o": "DNP", "v": "FOR" })).await;
    assert_eq!(data["recordVote"]["decision"]["votesFor"], 1, "DNP's own user cast DNP's vote");
    ok(app, &scene.secretariat, VOTE, json!({ "d": second, "o": "DAFP", "v": "FOR" })).await;
    let data = ok(app, &scene.secretariat, close, json!({ "d": second })).await;
    assert_eq!(data["closeVote"]["decision"]["outcome"], "REJECTED", "2 of 5 present");
}

/// A quarter's report lists everything open at its end, whichever session
/// created it: an overdue commitment of the previous quarter carries over.
async fn open_commitments_carry_over_to_the_next_quarters_report(app: &TestApp) {
    let scene = scene(app).await;
    let add = "mutation($input: AddCommitmentInput!) { addCommitment(input: $input) { commitment { id } } }";
    let commit = |session: String, description: &'static str, due: &'static str| json!({ "input": { "sessionId": session, "description": description, "responsibleCode": "DNP", "dueDate": due } });
    let first = convoke(app, &scene.secretariat, "ORDINARY", "2026-02-10T14:00:00Z").await;
    ok(
        app,
        &scene.secretariat,
        add,
        commit(first.clone(), "Entregar el diagnóstico de capacidades", "2026-03-15"),
    )
    .await;
    let data =
        ok(app, &scene.secretariat, add, commit(first, "Publicar el inventario de programas", "2099-01-01"))
            .await;
    let done_later = data["addCommitment"]["commitment"]["id"].clone();
    let update = "mutation($id: ID!) { updateCommitment(id: $id, input: { status: DONE }) { commitment { status completedAt } } }";
    let data = ok(app, &scene.dnp, update, json!({ "id": done_later })).await;
    assert!(data["updateCommitment"]["commitment"]["completedAt"].is_string(), "{data}");
    let third = convoke(app, &scene.secretariat, "ORDINARY", "2026-08-10T14:00:00Z").await;
    ok(app, &scene.secretariat, add, commit(third, "Presentar la ruta de cooperación", "2099-01-01")).await;

    let report = "query($y: Int!, $q: Int!) { commitmentReport(year: $y, quarter: $q, format: MARKDOWN) }";
    let second_quarter = app.query_ok(report, json!({ "y": 2026, "q": 2 })).await;
    let text = second_quarter["commitmentReport"].as_str().unwrap_or_default();
    assert!(text.contains("2 compromisos"), "{text}");
    assert!(text.contains("Entregar el diagnóstico de capacidades") && text.contains("Vencido"), "{text}");
    assert!(
        text.contains("Publicar el inventario de programas"),
        "completed after the quarter's end: {text}"
    );
    assert!(!text.contains("ruta de cooperación"), "born after the quarter: {text}");
    let before = app.query_ok(report, json!({ "y": 2025, "q": 4 })).await;
    assert!(before["commitmentReport"].as_str().unwrap_or_default().contains("0 compromisos"), "{before}");
    let (_, body) = app.graphql(report, json!({ "y": 2026, "q": 5 })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
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

const ADD_PARTICIPANT: &str = "mutation($input: AddParticipantInput!) {
    addParticipant(input: $input) { organisationCode role inviteeKind rapRegionCode joinedAt } }";
const ADOPT_RULES: &str = "mutation($input: AdoptInternalRulesInput!) {
    adoptInternalRules(input: $input) { version decisionId admittedInviteeKinds rapRotation rotationMonths effectiveFrom
        rapInTurn { rapRegionCode until } } }";

fn invitee(code: &str, kind: &str, rap: Option<&str>) -> Value {
    json!({ "input": { "organisationCode": code, "kind": kind, "rapRegionCode": rap } })
}

/// The decree seats the associations of territorial entities; the RAP delegate, the
/// associative schemes' representative and everyone else sit by the internal rules, which
/// the Commission adopts by decision (decree art. 2.2.11.4.3 par. 1–2 and 2.2.11.4.4 num. 12).
async fn internal_rules_seat_the_invitees_they_admit_and_alternate_the_rap(app: &TestApp) {
    let scene = scene(app).await;
    app.create_user("admin@sugit.gov.co", Role::Admin, None, None).await;
    let admin = app.login("admin@sugit.gov.co").await;
    for (code, name, kind) in [
        ("RAPPACIFICO", "RAP Pacífico", "ASSOCIATION"),
        ("RAPCARIBE", "RAP Caribe", "ASSOCIATION"),
        ("ASOURABA", "Asociación de municipios del Urabá", "ASSOCIATION"),
        ("ASOCENTRO", "Provincia administrativa y de planificación del Centro", "ASSOCIATION"),
        ("UDEA", "Universidad de Antioquia", "UNIVERSITY"),
        ("VEEDURIA", "Red de veedurías ciudadanas", "ASSOCIATION"),
    ] {
        ok(app, &admin, "mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { code } } }",
            json!({ "input": { "code": code, "name": name, "kind": kind } })).await;
    }

    // Before any rules: no procedure seats a RAP delegate; the decree seats an association by itself.
    let message = refused(
        app,
        &scene.secretariat,
        ADD_PARTICIPANT,
        invitee("RAPPACIFICO", "RAP_DELEGATE", Some("RAP_PACIFICO")),
        "BAD_USER_INPUT",
    )
    .await;
    assert!(message.contains("aún no ha adoptado su reglamento interno"), "{message}");
    refused(
        app,
        &scene.dnp,
        ADD_PARTICIPANT,
        invitee("VEEDURIA", "TERRITORIAL_ASSOCIATION", None),
        "FORBIDDEN",
    )
    .await;
    let message = refused(
        app,
        &scene.secretariat,
        ADD_PARTICIPANT,
        invitee("DNP", "NATIONAL_GOVERNMENT", None),
        "CONFLICT",
    )
    .await;
    assert!(message.contains("ya participa en la Comisión como miembro"), "{message}");

    // The rules come from a decision of the Commission, adopted with its vote closed.
    let session = held(app, &scene.secretariat, "ORDINARY", "2026-03-10T14:00:00Z", &QUORUM).await;
    let data =
        ok(app, &scene.secretariat, DECIDE, json!({ "s": session, "t": "Adoptar el reglamento interno" }))
            .await;
    let decision = data["recordDecision"]["decision"]["id"].clone();
    for (member, vote) in [("DNP", "FOR"), ("DAFP", "FOR"), ("APC", "FOR"), ("ESAP", "ABSTAIN")] {
        ok(app, &scene.secretariat, VOTE, json!({ "d": decision, "o": member, "v": vote })).await;
    }
    let rules = |rotation: Value| {
        json!({ "input": { "decisionId": decision, "text": "# Reglamento interno\n\nArtículo 1. …",
        "admittedInviteeKinds": ["ACADEMIA"], "rapRotation": rotation, "rotationMonths": 12 } })
    };
    let message = refused(
        app,
        &scene.secretariat,
        ADOPT_RULES,
        rules(json!(["RAP_PACIFICO", "RAP_CARIBE"])),
        "BAD_USER_INPUT",
    )
    .await;
    assert!(message.contains("votación cerrada"), "{message}");
    ok(
        app,
        &scene.secretariat,
        "mutation($d: ID!) { closeVote(decisionId: $d) { decision { outcome } } }",
        json!({ "d": decision }),
    )
    .await;
    let message = refused(
        app,
        &scene.secretariat,
        ADOPT_RULES,
        rules(json!(["RAP_PACIFICO", "RAP_NORTE"])),
        "BAD_USER_INPUT",
    )
    .await;
    assert!(message.contains("«RAP_NORTE» no es una RAP registrada"), "{message}");
    refused(app, &scene.dnp, ADOPT_RULES, rules(json!(["RAP_PACIFICO"])), "FORBIDDEN").await;
    let versions =
        app.query_ok("{ internalRulesVersions { version } internalRules { version } }", json!({})).await;
    assert_eq!(
        versions,
        json!({ "internalRulesVersions": [], "internalRules": null }),
        "nothing written on refusal"
    );
    let data = ok(app, &scene.secretariat, ADOPT_RULES, rules(json!(["rap_pacifico", "RAP_CARIBE"]))).await;
    let adopted = &data["adoptInternalRules"];
    assert_eq!(adopted["version"], 1);
    assert_eq!(adopted["rapRotation"], json!(["RAP_PACIFICO", "RAP_CARIBE"]));
    assert_eq!(adopted["rapInTurn"]["rapRegionCode"], "RAP_PACIFICO", "{adopted}");
    refused(app, &scene.secretariat, ADOPT_RULES, rules(json!(["RAP_CARIBE"])), "CONFLICT").await;

    // The RAP in turn sits, the next waits for its turn; academia is admitted, citizens are not.
    let message = refused(
        app,
        &scene.secretariat,
        ADD_PARTICIPANT,
        invitee("RAPCARIBE", "RAP_DELEGATE", Some("RAP_CARIBE")),
        "BAD_USER_INPUT",
    )
    .await;
    assert!(message.contains("el turno del delegado de las RAP es de RAP_PACIFICO hasta el"), "{message}");
    let data = ok(
        app,
        &scene.secretariat,
        ADD_PARTICIPANT,
        invitee("RAPPACIFICO", "RAP_DELEGATE", Some("RAP_PACIFICO")),
    )
    .await;
    assert_eq!(data["addParticipant"]["rapRegionCode"], "RAP_PACIFICO");
    assert_eq!(data["addParticipant"]["role"], "INVITEE");
    ok(app, &scene.secretariat, ADD_PARTICIPANT, invitee("UDEA", "ACADEMIA", None)).await;
    let message = refused(
        app,
        &scene.secretariat,
        ADD_PARTICIPANT,
        invitee("VEEDURIA", "CITIZENS", None),
        "BAD_USER_INPUT",
    )
    .await;
    assert!(message.contains("no admite invitados de tipo «ciudadanos»; admite: academia"), "{message}");

    // The associative schemes have one seat: a newly designated representative takes it.
    ok(app, &scene.secretariat, ADD_PARTICIPANT, invitee("ASOURABA", "ASSOCIATIVE_SCHEMES", None)).await;
    ok(app, &scene.secretariat, ADD_PARTICIPANT, invitee("ASOCENTRO", "ASSOCIATIVE_SCHEMES", None)).await;
    let data =
        app.query_ok("{ commissionParticipants { organisationCode role inviteeKind } }", json!({})).await;
    let seated: Vec<(String, String)> = data["commissionParticipants"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["role"] == "INVITEE")
        .map(|p| {
            (
                p["organisationCode"].as_str().unwrap_or_default().to_owned(),
                p["inviteeKind"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let kind_of = |code: &str| seated.iter().find(|(c, _)| c == code).map(|(_, k)| k.as_str());
    assert_eq!(kind_of("ASOCENTRO"), Some("ASSOCIATIVE_SCHEMES"));
    assert_eq!(kind_of("ASOURABA"), None, "the former representative left the seat: {seated:?}");
    assert_eq!(kind_of("FCM"), Some("TERRITORIAL_ASSOCIATION"));
    assert_eq!(kind_of("RAPPACIFICO"), Some("RAP_DELEGATE"));
    // Who left the seat is no longer taken as attending.
    let later = convoke(app, &scene.secretariat, "EXTRAORDINARY", "2026-04-10T14:00:00Z").await;
    let message =
        refused(app, &scene.secretariat, ATTEND, json!({ "s": later, "o": "ASOURABA" }), "BAD_USER_INPUT")
            .await;
    assert!(message.contains("no es miembro ni invitado"), "{message}");
    ok(app, &scene.secretariat, ATTEND, json!({ "s": later, "o": "ASOCENTRO" })).await;
}

async fn working_groups_plans_and_the_agenda(app: &TestApp) {
    let scene = scene(app).await;
    let group = ok(
        app,
        &scene.secretariat,
        "mutation { createWorkingGroup(input: { code: \"MESA_DATOS\", name: \"Mesa de datos\", purpose: \"Reporte único\",
            memberCodes: [\"DNP\", \"DANE\", \"FCM\"] }) { workingGroup { code memberCodes } } }",
        json!({}),
    )
    .await;
    assert_eq!(group["createWorkingGroup"]["workingGroup"]["memberCodes"], json!(["DANE", "DNP", "FCM"]));
    // A working group's session: its own members vote, its own quorum (2 of 3).
    let data = ok(app, &scene.secretariat, CONVOKE, json!({ "input": { "workingGroupCode": "MESA_DATOS", "kind": "ORDINARY",
        "date": "2026-04-02T15:00:00Z", "place": "Virtual", "agenda": [{ "title": "Catálogo", "presenter": "DANE" }] } })).await;
    let session = data["convokeSession"]["session"]["id"].clone();
    ok(app, &scene.secretariat, ATTEND, json!({ "s": session, "o": "DANE" })).await;
    let data = ok(app, &scene.secretariat, ATTEND, json!({ "s": session, "o": "FCM" })).await;
    assert_eq!(
        data["recordAttendance"]["session"]["quorum"],
        json!({ "required": 2, "present": 2, "met": true })
    );

    let plan = "mutation($items: [WorkPlanItemInput!]!) { setWorkPlan(year: 2026, items: $items) { items } }";
    ok(app, &scene.secretariat, plan, json!({ "items": [
        { "objective": "Caracterizar la oferta", "topic": "Oferta", "responsibleCode": "DNP", "investment": "850000000" },
        { "objective": "Formar equipos municipales", "topic": "Capacidades", "responsibleCode": "ESAP", "investment": "2300000000" },
    ] })).await;
    refused(app, &scene.secretariat, plan, json!({ "items": [{ "objective": "x", "topic": "y", "responsibleCode": "DNP", "investment": "-5" }] }), "BAD_USER_INPUT").await;
    refused(app, &scene.secretariat, plan, json!({ "items": [{ "objective": "x", "topic": "y", "responsibleCode": "DNP", "investment": "mucho" }] }), "BAD_USER_INPUT").await;
    let data = app
        .query_ok("{ workPlan(year: 2026) { totalInvestment items { id topic execution } } }", json!({}))
        .await;
    assert_eq!(data["workPlan"]["totalInvestment"], "3150000000");
    let line = data["workPlan"]["items"][0]["id"].clone();
    let commission_session = convoke(app, &scene.secretariat, "ORDINARY", "2026-05-14T14:00:00Z").await;
    let add = "mutation($input: AddCommitmentInput!) { addCommitment(input: $input) { commitment { id } } }";
    let commitment = ok(
        app,
        &scene.secretariat,
        add,
        json!({ "input": { "sessionId": commission_session, "workPlanItemId": line,
        "description": "Publicar la caracterización", "responsibleCode": "DNP", "dueDate": "2099-01-01" } }),
    )
    .await;
    let update =
        "mutation($id: ID!) { updateCommitment(id: $id, input: { status: DONE }) { commitment { status } } }";
    ok(app, &scene.dnp, update, json!({ "id": commitment["addCommitment"]["commitment"]["id"] })).await;
    let data = app.query_ok("{ workPlan(year: 2026) { items { execution } } }", json!({})).await;
    assert_eq!(
        data["workPlan"]["items"][0]["execution"], 1.0,
        "the plan's execution follows its commitments"
    );
    assert_eq!(data["workPlan"]["items"][1]["execution"], Value::Null);

    let route = "mutation($input: AgendaRouteInput!) { setAgendaRoute(input: $input) { route { id name status territoryCodes } } }";
    let data = ok(
        app,
        &scene.secretariat,
        route,
        json!({ "input": { "year": 2026, "name": "Ruta Pacífico", "objective": "Proyectos",
        "participants": "DNP, gobernaciones", "territoryCodes": ["27", "52001"], "status": "PLANNED" } }),
    )
    .await;
    let id = data["setAgendaRoute"]["route"]["id"].clone();
    ok(
        app,
        &scene.secretariat,
        route,
        json!({ "input": { "id": id, "year": 2026, "name": "Ruta Pacífico", "objective": "Proyectos",
        "participants": "DNP, gobernaciones", "territoryCodes": ["27"], "status": "IN_PROGRESS" } }),
    )
    .await;
    refused(
        app,
        &scene.secretariat,
        route,
        json!({ "input": { "year": 2026, "name": "R", "objective": "O", "participants": "P",
        "territoryCodes": ["XX"], "status": "PLANNED" } }),
        "BAD_USER_INPUT",
    )
    .await;
    let data = app.query_ok("{ nationalAgenda(year: 2026) { name status territoryCodes } }", json!({})).await;
    assert_eq!(
        data["nationalAgenda"],
        json!([{ "name": "Ruta Pacífico", "status": "IN_PROGRESS", "territoryCodes": ["27"] }])
    );

    // Calendar programs subscribe to the sessions, of the commission or of a group.
    let calendar = app.client.get(app.url("/comision/sesiones.ics")).send().await.expect("ics");
    assert!(calendar.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/calendar"));
    let text = calendar.text().await.expect("text");
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1, "the commission's session only: {text}");
    assert!(text.contains("DTSTART:20260514T140000Z"));
    let group_calendar =
        app.client.get(app.url("/comision/sesiones.ics?mesa=mesa_datos")).send().await.expect("ics");
    assert!(group_calendar.text().await.expect("text").contains("DTSTART:20260402T150000Z"));
    let missing = app.client.get(app.url("/comision/sesiones.ics?mesa=NO_EXISTE")).send().await.expect("ics");
    assert_eq!(missing.status(), sugit_tests::StatusCode::NOT_FOUND);
}

backend_tests!(
    internal_rules_seat_the_invitees_they_admit_and_alternate_the_rap,
    agenda_items_cite_knowledge_documents,
    working_groups_plans_and_the_agenda,
    the_quorum_and_the_majority_are_computed,
    approved_minutes_close_the_record,
    commitments_are_followed_and_overdue_is_computed,
    a_quarter_without_an_ordinary_session_is_visible,
    nothing_is_recorded_before_the_session_starts,
    a_closed_vote_keeps_its_outcome,
    open_commitments_carry_over_to_the_next_quarters_report,
    the_decree_seeds_members_and_invitees,
);

/// The demo shows a year of the commission on a first start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_shows_a_year_of_sessions() {
    let Some(app) =
        TestApp::spawn_with(sugit_tests::Backend::Sqlite, |settings| settings.demo = Some(true)).await
    else {
        return;
    };
    let data = app
        .query_ok("{ commissionSessions(year: 2026) { totalCount edges { node { quorum { met } decisions { outcome }
            agenda { documents { title } } } } }
            commitments { edges { node { status } } } commissionCompliance(year: 2026) { minimumMet } }", json!({}))
        .await;
    assert_eq!(data["commissionSessions"]["totalCount"], 5);
    let sessions = data["commissionSessions"]["edges"].as_array().expect("sessions");
    assert!(sessions.iter().any(|s| s["node"]["quorum"]["met"] == false), "one session without quorum");
    let outcomes: Vec<String> = sessions
        .iter()
        .flat_map(|s| s["node"]["decisions"].as_array().cloned().unwrap_or_default())
        .filter_map(|d| d["outcome"].as_str().map(str::to_owned))
        .collect();
    assert!(
        outcomes.iter().any(|o| o == "ADOPTED") && outcomes.iter().any(|o| o == "REJECTED"),
        "{outcomes:?}"
    );
    let statuses: Vec<String> = data["commitments"]["edges"]
        .as_array()
        .expect("commitments")
        .iter()
        .filter_map(|e| e["node"]["status"].as_str().map(str::to_owned))
        .collect();
    for status in ["PENDING", "IN_PROGRESS", "DONE", "OVERDUE"] {
        assert!(statuses.iter().any(|s| s == status), "{status} in {statuses:?}");
    }
    assert_eq!(data["commissionCompliance"]["minimumMet"], true);
    // The internal rules, adopted by decision, seat the RAP in turn as an invitee.
    let rules = app
        .query_ok("{ internalRules { version text rapRotation rapInTurn { rapRegionCode } } commissionParticipants { organisationCode inviteeKind rapRegionCode } }", json!({}))
        .await;
    assert_eq!(rules["internalRules"]["version"], 1, "{rules}");
    assert!(rules["internalRules"]["text"]
        .as_str()
        .unwrap_or_default()
        .contains("datos sintéticos de demostración"));
    assert_eq!(rules["internalRules"]["rapRotation"].as_array().map(Vec::len), Some(7));
    let turn = rules["internalRules"]["rapInTurn"]["rapRegionCode"].clone();
    let delegate = rules["commissionParticipants"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["inviteeKind"] == "RAP_DELEGATE")
        .cloned()
        .unwrap_or_default();
    assert_eq!(delegate["rapRegionCode"], turn, "{rules}");
    // The login page of a demo instance lists the demo users and their shared password.
    let demo = app.query_ok("{ demoAccess { password users { email role } } }", json!({})).await;
    assert_eq!(demo["demoAccess"]["password"], "demo-sugit-2025");
    let emails: Vec<&str> = demo["demoAccess"]["users"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert!(emails.contains(&"secretaria@funcionpublica.demo.gov.co"), "{emails:?}");
    let cited: Vec<&str> = sessions
        .iter()
        .flat_map(|s| s["node"]["agenda"].as_array().into_iter().flatten())
        .flat_map(|item| item["documents"].as_array().into_iter().flatten())
        .filter_map(|d| d["title"].as_str())
        .collect();
    assert!(
        cited.contains(
            &"Decreto que crea la Comisión Intersectorial para la Cooperación y Asistencia Técnica Territorial"
        ),
        "the installation session cites the decree: {cited:?}"
    );
}
