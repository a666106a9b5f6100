//! Report once, reuse many: through the API, as a municipality, a department
//! and a national entity would use it.

use serde_json::{json, Value};
use sugit::access::Role;
use sugit_tests::{backend_tests, error_codes, Backend, TestApp};

const SUBMIT: &str = "mutation($input: SubmitReportInput!) {
  submitReport(input: $input) { accepted newValues duplicates corrections conflicts replayed submission { id }
    values { subjectCode dataElementCode value outcome } }
}";

const STATUS: &str = "query($e: String!, $r: String!, $p: String!) {
  requirementStatus(entityCode: $e, requirementCode: $r, period: $p) {
    missingCount reusedCount reportedCount conflictCount
    elements { dataElement { code } state value observationId source { requirementCode reporterCode } }
  }
}";

struct Scene {
    admin: String,
    medellin: String,
    antioquia: String,
}

/// Two requirements that share POBLACION: FISCAL asks population and revenue,
/// EDUCACION asks population and enrolment.
async fn scene(app: &TestApp) -> Scene {
    app.create_user("admin@sugit.gov.co", Role::Admin, None, None).await;
    app.create_user("ana@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    app.create_user("gob@antioquia.gov.co", Role::Territorial, Some("05"), None).await;
    let admin = app.login("admin@sugit.gov.co").await;
    let register = "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) { requirement { code } } }";
    let element = |code: &str, name: &str, value_type: &str| json!({ "code": code, "name": name, "description": name, "unit": "unidades", "valueType": value_type, "competency": "PRUEBA" });
    let kinds = json!(["MUNICIPALITY", "DISTRICT", "DEPARTMENT"]);
    let (_, body) = app
        .graphql_as(Some(&admin), register, json!({ "input": {
            "code": "FISCAL", "name": "Reporte fiscal", "issuerCode": "MINHACIENDA", "legalBasis": "Decreto 3402 de 2007",
            "periodicity": "ANNUAL", "entityKinds": kinds,
            "newDataElements": [element("POBLACION", "Población total", "INTEGER"), element("RECAUDO", "Recaudo tributario", "NUMBER")],
        } }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let (_, body) = app
        .graphql_as(Some(&admin), register, json!({ "input": {
            "code": "EDUCACION", "name": "Reporte de matrícula", "issuerCode": "MINEDUCACION", "legalBasis": "Resolución 166 de 2003",
            "periodicity": "ANNUAL", "entityKinds": kinds, "dataElementCodes": ["POBLACION"],
            "newDataElements": [element("MATRICULA", "Matrícula oficial", "INTEGER"), element("CORTE", "Fecha de corte", "DATE")],
        } }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    Scene {
        admin,
        medellin: app.login("ana@medellin.gov.co").await,
        antioquia: app.login("gob@antioquia.gov.co").await,
    }
}

fn report(entity: &str, requirement: &str, key: &str, values: Value) -> Value {
    json!({ "input": { "entityCode": entity, "period": "2025", "requirementCode": requirement, "idempotencyKey": key, "values": values } })
}

async fn submit(app: &TestApp, token: &str, variables: Value) -> Value {
    let (_, body) = app.graphql_as(Some(token), SUBMIT, variables).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["submitReport"].clone()
}

async fn status(app: &TestApp, entity: &str, requirement: &str) -> Value {
    app.query_ok(STATUS, json!({ "e": entity, "r": requirement, "p": "2025" })).await["requirementStatus"]
        .clone()
}

/// Entries of the audit log with `action`, as the administrator sees them.
async fn audit_count(app: &TestApp, admin: &str, action: &str) -> Value {
    let (_, body) = app
        .graphql_as(
            Some(admin),
            "query($a: String) { auditLog(filter: { action: $a }) { totalCount } }",
            json!({ "a": action }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["auditLog"]["totalCount"].clone()
}

fn state_of(status: &Value, element: &str) -> Value {
    status["elements"]
        .as_array()
        .and_then(|elements| elements.iter().find(|e| e["dataElement"]["code"] == element))
        .cloned()
        .unwrap_or(Value::Null)
}

async fn a_value_reported_once_serves_every_requirement(app: &TestApp) {
    let scene = scene(app).await;
    let first = submit(
        app,
        &scene.medellin,
        report("05001", "FISCAL", "fiscal-1", json!([{ "dataElementCode": "POBLACION", "value": "2612958" }, { "dataElementCode": "RECAUDO", "value": "1500,50" }])),
    )
    .await;
    assert_eq!((first["accepted"].as_i64(), first["newValues"].as_i64()), (Some(2), Some(2)));
    assert_eq!(first["values"][1]["value"], "1500.5", "values are stored in canonical form");

    // Education asks for population too: it is already there, only enrolment and date are missing.
    let education = status(app, "05001", "EDUCACION").await;
    assert_eq!(education["missingCount"], 2);
    assert_eq!(education["reusedCount"], 1);
    let population = state_of(&education, "POBLACION");
    assert_eq!(population["state"], "REUSED");
    assert_eq!(population["value"], "2612958");
    assert_eq!(population["source"], json!({ "requirementCode": "FISCAL", "reporterCode": "05001" }));

    // The municipality sends only what is missing; the burden saved is reused ÷ requested.
    submit(
        app,
        &scene.medellin,
        report("05001", "EDUCACION", "edu-1", json!([{ "dataElementCode": "MATRICULA", "value": "385000" }, { "dataElementCode": "CORTE", "value": "2025-03-31" }])),
    )
    .await;
    let burden = app
        .query_ok(r#"{ reportingBurden(entityCode: "05001", period: "2025") { requested reused reported missing burdenSaved } }"#, json!({}))
        .await;
    assert_eq!(
        burden["reportingBurden"],
        json!({ "requested": 5, "reused": 1, "reported": 4, "missing": 0, "burdenSaved": 0.2 })
    );
}

async fn duplicates_corrections_and_conflicts_follow_the_rules(app: &TestApp) {
    let scene = scene(app).await;
    let values = json!([{ "dataElementCode": "POBLACION", "value": "100" }, { "dataElementCode": "RECAUDO", "value": "5" }]);
    submit(app, &scene.medellin, report("05001", "FISCAL", "k1", values.clone())).await;

    // The same values under another requirement: duplicates, nothing new stored.
    let again = submit(
        app,
        &scene.medellin,
        report("05001", "EDUCACION", "k2", json!([{ "dataElementCode": "POBLACION", "value": "100" }])),
    )
    .await;
    assert_eq!((again["duplicates"].as_i64(), again["newValues"].as_i64()), (Some(1), Some(0)));
    assert_eq!(
        state_of(&status(app, "05001", "EDUCACION").await, "POBLACION")["state"],
        "REPORTED",
        "now also sent for EDUCACION"
    );

    // A new value from the same reporter: a correction, the new value is served.
    let corrected = submit(
        app,
        &scene.medellin,
        report("05001", "FISCAL", "k3", json!([{ "dataElementCode": "POBLACION", "value": "101" }])),
    )
    .await;
    assert_eq!(corrected["corrections"], 1);
    assert_eq!(state_of(&status(app, "05001", "FISCAL").await, "POBLACION")["value"], "101");

    // The department agrees on one value (a duplicate) and disagrees on the other (a conflict).
    let department = submit(
        app,
        &scene.antioquia,
        report(
            "05",
            "FISCAL",
            "k4",
            json!([
                { "dataElementCode": "POBLACION", "value": "101", "subjectCode": "05001" },
                { "dataElementCode": "RECAUDO", "value": "6", "subjectCode": "05001" },
            ]),
        ),
    )
    .await;
    assert_eq!((department["duplicates"].as_i64(), department["conflicts"].as_i64()), (Some(1), Some(1)));
    let fiscal = status(app, "05001", "FISCAL").await;
    assert_eq!(fiscal["conflictCount"], 1);
    let recaudo = state_of(&fiscal, "RECAUDO");
    assert_eq!(recaudo["state"], "IN_CONFLICT");
    assert_eq!(recaudo["value"], "5", "the subject entity's own value is served meanwhile");

    // Medellín accepts the department's figure.
    let (_, conflicts) = app
        .graphql(r#"{ dataConflicts(subjectCode: "05001") { totalCount edges { node { observationId dataElement { name unit } values { id value reporterCode } } } } }"#, json!({}))
        .await;
    let node = &conflicts["data"]["dataConflicts"]["edges"][0]["node"];
    assert_eq!(
        node["dataElement"],
        json!({ "name": "Recaudo tributario", "unit": "unidades" }),
        "{conflicts}"
    );
    let departments_value = node["values"]
        .as_array()
        .and_then(|v| v.iter().find(|v| v["reporterCode"] == "05"))
        .map(|v| v["id"].clone());
    let (_, body) = app
        .graphql_as(
            Some(&scene.medellin),
            "mutation($o: ID!, $v: ID!) { resolveConflict(observationId: $o, valueId: $v) { value inConflict } }",
            json!({ "o": node["observationId"], "v": departments_value }),
        )
        .await;
    assert_eq!(body["data"]["resolveConflict"], json!({ "value": "6", "inConflict": false }), "{body}");
    assert_eq!(state_of(&status(app, "05001", "FISCAL").await, "RECAUDO")["state"], "REPORTED");
    assert_eq!(audit_count(app, &scene.admin, "resolve_conflict").await, 1);
}

async fn identical_resends_are_idempotent(app: &TestApp) {
    let scene = scene(app).await;
    let values = json!([{ "dataElementCode": "POBLACION", "value": "100" }]);
    let first = submit(app, &scene.medellin, report("05001", "FISCAL", "same-key", values.clone())).await;
    let again = submit(app, &scene.medellin, report("05001", "FISCAL", "same-key", values.clone())).await;
    assert_eq!(again["replayed"], true);
    assert_eq!(again["submission"]["id"], first["submission"]["id"], "the same answer");
    assert_eq!(again["values"], first["values"]);
    let other_key = submit(app, &scene.medellin, report("05001", "FISCAL", "other-key", values)).await;
    assert_eq!(other_key["submission"]["id"], first["submission"]["id"], "same content, same submission");

    let (_, body) = app
        .graphql_as(
            Some(&scene.medellin),
            SUBMIT,
            report(
                "05001",
                "FISCAL",
                "same-key",
                json!([{ "dataElementCode": "POBLACION", "value": "999" }]),
            ),
        )
        .await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "a key reused for other content: {body}");
    assert_eq!(state_of(&status(app, "05001", "FISCAL").await, "POBLACION")["value"], "100");
}

/// Submissions that arrive together are written together (one batch, one
/// commit): each must still be answered as if it had come alone.
async fn submissions_sent_at_once_are_each_answered_as_if_alone(app: &TestApp) {
    let scene = scene(app).await;
    let own = report(
        "05001",
        "FISCAL",
        "at-once",
        json!([{ "dataElementCode": "POBLACION", "value": "100" }, { "dataElementCode": "RECAUDO", "value": "5" }]),
    );
    let departments = report(
        "05",
        "FISCAL",
        "department",
        json!([{ "dataElementCode": "POBLACION", "value": "120", "subjectCode": "05001" }]),
    );
    let education =
        report("05001", "EDUCACION", "edu", json!([{ "dataElementCode": "MATRICULA", "value": "385000" }]));
    let sends = [
        (&scene.medellin, own.clone()),
        (&scene.medellin, own.clone()),
        (&scene.antioquia, departments),
        (&scene.medellin, own),
        (&scene.medellin, education),
    ];
    let answers = futures_util::future::join_all(
        sends.into_iter().map(|(token, variables)| submit(app, token, variables)),
    )
    .await;

    // The three identical sends are one submission: one wrote it, two replayed its answer.
    let own: Vec<&Value> = [0, 1, 3].iter().map(|&i| &answers[i]).collect();
    assert!(own.iter().all(|a| a["submission"]["id"] == own[0]["submission"]["id"]), "{own:?}");
    assert_eq!(own.iter().filter(|a| a["replayed"] == false).count(), 1, "{own:?}");
    assert!(own.iter().all(|a| a["values"] == own[0]["values"]), "{own:?}");

    // The department and the municipality disagree on the population: whichever
    // came second is the conflict, and the municipality's own value is served.
    let population_outcomes = [&own[0]["values"][0]["outcome"], &answers[2]["values"][0]["outcome"]];
    assert_eq!(population_outcomes.iter().filter(|o| **o == "CONFLICT").count(), 1, "{answers:?}");
    let fiscal = status(app, "05001", "FISCAL").await;
    let population = state_of(&fiscal, "POBLACION");
    assert_eq!(
        (population["state"].as_str(), population["value"].as_str()),
        (Some("IN_CONFLICT"), Some("100"))
    );
    assert_eq!(state_of(&fiscal, "RECAUDO")["value"], "5");
    let education = status(app, "05001", "EDUCACION").await;
    assert_eq!(
        (education["reportedCount"].as_i64(), education["conflictCount"].as_i64()),
        (Some(1), Some(1)),
        "enrolment reported, the population shared and in conflict: {education}"
    );

    // Every submission written is in the audit log once.
    assert_eq!(audit_count(app, &scene.admin, "submit_report").await, 3);
}

/// Two instances write the same sheet (one entity, one period) at once: each
/// write must see the others', so every acknowledged value is there after —
/// a write over a sheet read before another's write is retried, never kept.
async fn writers_racing_on_one_sheet_lose_no_value(app: &TestApp) {
    let scene = scene(app).await;
    const ELEMENTS: usize = 8;
    let elements: Vec<Value> = (0..ELEMENTS)
        .map(|k| json!({ "code": format!("CARRERA{k}"), "name": format!("Dato de carrera {k}"), "description": "prueba", "unit": "unidades", "valueType": "INTEGER", "competency": "PRUEBA" }))
        .collect();
    let (_, body) = app
        .graphql_as(
            Some(&scene.admin),
            "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) { requirement { code } } }",
            json!({ "input": { "code": "CARRERA", "name": "Carrera", "issuerCode": "DNP", "legalBasis": "Prueba",
                    "periodicity": "ANNUAL", "entityKinds": ["MUNICIPALITY", "DISTRICT"], "newDataElements": elements } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let sibling = app.spawn_sibling(None).await;
    for round in 1..=3 {
        // One value each, all for Medellín in 2025: one sheet, written from both instances.
        let sends = (0..ELEMENTS).map(|k| {
            let instance = if k % 2 == 0 { app } else { &sibling };
            let value = json!([{ "dataElementCode": format!("CARRERA{k}"), "value": format!("{round}{k}") }]);
            submit(
                instance,
                &scene.medellin,
                report("05001", "CARRERA", &format!("carrera-{round}-{k}"), value),
            )
        });
        let answers = futures_util::future::join_all(sends).await;
        let expected = if round == 1 { "NEW" } else { "CORRECTION" };
        assert!(answers.iter().all(|a| a["values"][0]["outcome"] == expected), "round {round}: {answers:?}");
        // Signed in: read from the database, not from an instance's cache of public answers.
        let (_, body) = app
            .graphql_as(Some(&scene.admin), STATUS, json!({ "e": "05001", "r": "CARRERA", "p": "2025" }))
            .await;
        let status = body["data"]["requirementStatus"].clone();
        assert_eq!(status["reportedCount"], ELEMENTS, "round {round}: {status}");
        for k in 0..ELEMENTS {
            let served = state_of(&status, &format!("CARRERA{k}"))["value"].clone();
            assert_eq!(served, format!("{round}{k}"), "round {round}, element {k}: {status}");
        }
    }
    assert_eq!(audit_count(app, &scene.admin, "submit_report").await, 3 * ELEMENTS);
}

async fn bad_reports_name_the_offending_value_and_write_nothing(app: &TestApp) {
    let scene = scene(app).await;
    let good = json!({ "dataElementCode": "POBLACION", "value": "100" });
    let cases = [
        (json!([good, { "dataElementCode": "RECAUDO", "value": "mucho" }]), "2025", "mucho"),
        (json!([good, { "dataElementCode": "NO_EXISTE", "value": "1" }]), "2025", "NO_EXISTE"),
        (json!([good, { "dataElementCode": "POBLACION", "value": "1" }]), "2025", "dos veces"),
        (json!([good]), "2025-07", "2025-07"),
    ];
    for (values, period, named) in cases {
        let mut variables = report("05001", "FISCAL", "bad", values);
        variables["input"]["period"] = json!(period);
        let (_, body) = app.graphql_as(Some(&scene.medellin), SUBMIT, variables).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(named), "the message names «{named}»: {message}");
    }
    assert_eq!(status(app, "05001", "FISCAL").await["missingCount"], 2, "nothing was written");

    // Checked first, all at once: every refused value (not only the first), none written.
    let check = "query($input: SubmitReportInput!) { checkReport(input: $input) { position dataElementCode message code } }";
    let values = json!([{ "dataElementCode": "POBLACION", "value": "-3.700" }, { "dataElementCode": "RECAUDO", "value": "mucho" }]);
    let (_, body) =
        app.graphql_as(Some(&scene.medellin), check, report("05001", "FISCAL", "check", values)).await;
    let problems = body["data"]["checkReport"].as_array().cloned().unwrap_or_default();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(
        (problems[0]["position"].clone(), problems[0]["dataElementCode"].clone()),
        (json!(1), json!("POBLACION"))
    );
    assert!(problems[0]["message"].as_str().unwrap_or_default().contains("mínimo"), "{problems:?}");
    assert_eq!(
        (problems[1]["dataElementCode"].clone(), problems[1]["code"].clone()),
        (json!("RECAUDO"), json!("BAD_USER_INPUT"))
    );
    let (_, fine) =
        app.graphql_as(Some(&scene.medellin), check, report("05001", "FISCAL", "check", json!([good]))).await;
    assert_eq!(fine["data"]["checkReport"], json!([]), "a good report has no problem: {fine}");
    assert_eq!(status(app, "05001", "FISCAL").await["missingCount"], 2, "a check writes nothing");
    let mut future = report("05001", "FISCAL", "check", json!([good]));
    future["input"]["period"] = json!("2099");
    let (_, body) = app.graphql_as(Some(&scene.medellin), check, future).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "a period to come refuses the whole: {body}");
    let (_, body) = app.graphql_as(None, check, report("05001", "FISCAL", "check", json!([good]))).await;
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");

    // A municipality reports only for itself, and never as another entity.
    let (_, body) = app
        .graphql_as(Some(&scene.medellin), SUBMIT, report("05", "FISCAL", "as-department", json!([good])))
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
}

/// Reporting about another municipality is a permission refusal, not a
/// typing mistake; the import blames the column that holds the bad code.
async fn a_value_about_another_entity_is_forbidden(app: &TestApp) {
    let scene = scene(app).await;
    let good = json!({ "dataElementCode": "POBLACION", "value": "100" });
    for subject in ["05266", "08001"] {
        let values = json!([good, { "dataElementCode": "RECAUDO", "value": "1", "subjectCode": subject }]);
        let (_, body) =
            app.graphql_as(Some(&scene.medellin), SUBMIT, report("05001", "FISCAL", "other", values)).await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(subject) && message.contains("jurisdicción"), "{message}");
        assert_eq!(status(app, subject, "FISCAL").await["missingCount"], 2, "nothing written");
    }
    assert_eq!(status(app, "05001", "FISCAL").await["missingCount"], 2, "all or nothing");
    // The department reports for its municipalities.
    let values = json!([{ "dataElementCode": "POBLACION", "value": "100", "subjectCode": "05266" }]);
    submit(app, &scene.antioquia, report("05", "FISCAL", "for-envigado", values)).await;

    let csv = "reportante,sujeto,periodo,requerimiento,elemento,valor\n\
               05999,,2025,FISCAL,POBLACION,10\n\
               05001,05999,2025,FISCAL,POBLACION,10\n";
    let import = "mutation($csv: String!) { importSubmissions(csv: $csv) { accepted rejected { line column reason } } }";
    let (_, body) = app.graphql_as(Some(&scene.admin), import, json!({ "csv": csv })).await;
    let rejected = &body["data"]["importSubmissions"]["rejected"];
    assert_eq!(rejected[0]["line"], 2, "{body}");
    assert_eq!(rejected[0]["column"], "reportante", "the unknown code is the reporter's: {body}");
    assert_eq!(rejected[1]["column"], "sujeto", "{body}");
}

/// Values are checked against the element's admissible range and the
/// period must have begun; numbers are read as Colombians write them.
async fn values_respect_their_range_and_period(app: &TestApp) {
    let scene = scene(app).await;
    let refusals = [
        (json!([{ "dataElementCode": "POBLACION", "value": "-3700" }]), "2025", "mínimo"),
        (json!([{ "dataElementCode": "POBLACION", "value": "-3.700" }]), "2025", "mínimo"),
        (json!([{ "dataElementCode": "RECAUDO", "value": "20.500" }]), "2025", "ambiguo"),
        (json!([{ "dataElementCode": "POBLACION", "value": "100" }]), "2030", "aún no ha comenzado"),
    ];
    for (values, period, named) in refusals {
        let mut variables = report("05001", "FISCAL", "out-of-range", values);
        variables["input"]["period"] = json!(period);
        let (_, body) = app.graphql_as(Some(&scene.medellin), SUBMIT, variables).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(named), "«{named}» in: {message}");
    }
    assert_eq!(status(app, "05001", "FISCAL").await["missingCount"], 2, "nothing was written");

    let values = json!([{ "dataElementCode": "POBLACION", "value": "20.500" }, { "dataElementCode": "RECAUDO", "value": "20.500,75" }]);
    let data = submit(app, &scene.medellin, report("05001", "FISCAL", "colombian", values)).await;
    assert_eq!(data["values"][0]["value"], "20500");
    assert_eq!(data["values"][1]["value"], "20500.75");

    // A quarterly requirement with declared ranges; quarters are written 2025-T3.
    let register = "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) { requirement { code } } }";
    let element = |code: &str, value_type: &str, minimum: Value, maximum: Value| {
        json!({ "code": code, "name": code,
        "description": code, "unit": "unidades", "valueType": value_type, "competency": "AGUA", "minimum": minimum, "maximum": maximum })
    };
    let input = |elements: Value| {
        json!({ "input": { "code": "AGUA", "name": "Reporte de agua", "issuerCode": "MINVIVIENDA",
        "legalBasis": "Ley 142 de 1994", "periodicity": "QUARTERLY", "entityKinds": ["MUNICIPALITY", "DISTRICT"], "newDataElements": elements } })
    };
    let (_, body) = app
        .graphql_as(
            Some(&scene.admin),
            register,
            input(json!([element("CONSUMO", "NUMBER", json!(10), json!(1))])),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "minimum above maximum: {body}");
    let (_, body) = app
        .graphql_as(
            Some(&scene.admin),
            register,
            input(json!([
                element("CONSUMO", "NUMBER", json!(0), json!(1000)),
                element("COBERTURA", "PERCENTAGE", Value::Null, Value::Null),
            ])),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let data = app
        .query_ok("{ dataElements(first: 50) { edges { node { code minimum maximum } } } }", json!({}))
        .await;
    let edges = data["dataElements"]["edges"].as_array().cloned().unwrap_or_default();
    let range = |code: &str| edges.iter().find(|e| e["node"]["code"] == code).map(|e| e["node"].clone());
    assert_eq!(range("CONSUMO"), Some(json!({ "code": "CONSUMO", "minimum": 0.0, "maximum": 1000.0 })));
    assert_eq!(range("COBERTURA"), Some(json!({ "code": "COBERTURA", "minimum": 0.0, "maximum": 100.0 })));
    assert_eq!(range("POBLACION"), Some(json!({ "code": "POBLACION", "minimum": 0.0, "maximum": null })));
    let quarterly = |key: &str, value: &str| {
        let mut variables =
            report("05001", "AGUA", key, json!([{ "dataElementCode": "CONSUMO", "value": value }]));
        variables["input"]["period"] = json!("2025-T3");
        variables
    };
    let (_, body) = app.graphql_as(Some(&scene.medellin), SUBMIT, quarterly("agua-1", "1.000,5")).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "above the maximum: {body}");
    let data = submit(app, &scene.medellin, quarterly("agua-2", "999,5")).await;
    assert_eq!(data["values"][0]["value"], "999.5");
    let status = app.query_ok(STATUS, json!({ "e": "05001", "r": "AGUA", "p": "2025-Q3" })).await;
    assert_eq!(status["requirementStatus"]["reportedCount"], 1, "2025-T3 is the quarter 2025-Q3: {status}");

    // The periods it accepts, to pick from a list: the quarter under way in
    // Colombia first, each with its deadline (45 days after it ends unless said).
    let periods = app
        .query_ok(
            "{ informationRequirement(code: \"AGUA\") { dueDays periods(first: 3) { period label startsOn endsOn dueOn overdue }
                 q3: dueOn(period: \"2025-T3\") year: dueOn(period: \"2025\") } }",
            json!({}),
        )
        .await;
    let requirement = &periods["informationRequirement"];
    assert_eq!(requirement["dueDays"], 45);
    assert_eq!(requirement["q3"], "2025-11-14", "45 days after 30 September");
    assert!(requirement["year"].is_null(), "a year is no quarter");
    let today = (chrono::Utc::now() - chrono::Duration::hours(5)).date_naive();
    let quarter = (chrono::Datelike::month0(&today) / 3) + 1;
    let year = chrono::Datelike::year(&today);
    let first = &requirement["periods"][0];
    assert_eq!(first["period"], format!("{year}-Q{quarter}"), "{periods}");
    let ordinal = ["1.er", "2.º", "3.er", "4.º"][quarter as usize - 1];
    assert_eq!(first["label"], format!("{ordinal} trimestre de {year}"));
    assert_eq!(first["overdue"], false, "the quarter under way is not late");
    assert_eq!(
        requirement["periods"][2]["overdue"], true,
        "two quarters back is past its 45 days: {periods}"
    );
    assert_eq!(requirement["periods"].as_array().map(Vec::len), Some(3));
    let (_, body) = app
        .graphql_as(
            Some(&scene.admin),
            register,
            json!({ "input": { "code": "AGUA_PLAZO", "name": "Agua con plazo", "issuerCode": "MINVIVIENDA",
                "legalBasis": "Ley 142 de 1994", "periodicity": "MONTHLY", "entityKinds": ["MUNICIPALITY"],
                "dataElementCodes": ["CONSUMO"], "dueDays": 0 } }),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "a term of 0 days: {body}");
    assert!(app.query_ok("{ informationRequirement(code: \"AGUA_PLAZO\") { code } }", json!({})).await
        ["informationRequirement"]
        .is_null());
}

/// The correction history is readable: every version of an observation's
/// value with who sent it, when, in which submission, what replaced it, and
/// the requirements it was supplied for.
async fn an_observation_shows_its_versions_and_provenance(app: &TestApp) {
    let scene = scene(app).await;
    let population = |value: &str| json!([{ "dataElementCode": "POBLACION", "value": value }]);
    let first = submit(app, &scene.medellin, report("05001", "FISCAL", "h1", population("100"))).await;
    submit(app, &scene.medellin, report("05001", "EDUCACION", "h2", population("100"))).await;
    let corrected = submit(app, &scene.medellin, report("05001", "FISCAL", "h3", population("101"))).await;
    let query = "query($id: ID!) { observation(id: $id) { id value inConflict
        provenance { submissionId reporterCode suppliedFor }
        versions { id number value reporterCode submissionId version status supersededBy suppliedFor submittedAt } } }";
    let data = app.query_ok(query, json!({ "id": "05001:2025:POBLACION" })).await;
    let observation = &data["observation"];
    assert_eq!(observation["value"], "101", "{observation}");
    assert_eq!(
        observation["provenance"],
        json!({ "submissionId": corrected["submission"]["id"], "reporterCode": "05001", "suppliedFor": ["FISCAL"] })
    );
    let versions = observation["versions"].as_array().cloned().unwrap_or_default();
    assert_eq!(versions.len(), 2, "{observation}");
    assert_eq!(versions[0]["value"], "100");
    assert_eq!(versions[0]["status"], "SUPERSEDED");
    assert_eq!(versions[0]["supersededBy"], versions[1]["id"]);
    assert_eq!(versions[0]["submissionId"], first["submission"]["id"]);
    assert_eq!(versions[0]["suppliedFor"], json!(["FISCAL", "EDUCACION"]), "reused without a new value");
    assert_eq!((versions[1]["version"].as_i64(), versions[1]["status"].as_str()), (Some(2), Some("ACTIVE")));
    assert!(versions[1]["supersededBy"].is_null() && versions[1]["submittedAt"].is_string());
    let missing = app.query_ok(query, json!({ "id": "05001:2024:POBLACION" })).await;
    assert!(missing["observation"].is_null(), "{missing}");
}

async fn new_requirements_are_told_what_already_exists(app: &TestApp) {
    let scene = scene(app).await;
    let (_, body) = app
        .graphql_as(
            Some(&scene.admin),
            "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) {
                similarExisting { newCode dataElement { code } similarity sharedTerms explanation }
                similarRequirements { requirement { code } } } }",
            json!({ "input": {
                "code": "MATRICULA_DNP", "name": "Seguimiento a la matrícula", "issuerCode": "DNP", "legalBasis": "Ley 152 de 1994",
                "periodicity": "ANNUAL", "entityKinds": ["MUNICIPALITY"],
                "newDataElements": [{ "code": "ALUMNOS_OFICIALES", "name": "Número de alumnos matriculados en el sector oficial",
                    "description": "Estudiantes en colegios oficiales", "unit": "estudiantes", "valueType": "INTEGER", "competency": "EDUCACION" }],
            } }),
        )
        .await;
    let proposals =
        body["data"]["registerRequirement"]["similarExisting"].as_array().cloned().unwrap_or_default();
    let matricula = proposals
        .iter()
        .find(|p| p["dataElement"]["code"] == "MATRICULA")
        .unwrap_or_else(|| panic!("MATRICULA proposed: {body}"));
    assert_eq!(matricula["newCode"], "ALUMNOS_OFICIALES");
    assert!(matricula["similarity"].as_f64().unwrap_or_default() >= 0.45);
    assert!(matricula["explanation"].as_str().unwrap_or_default().contains("similitud"), "{matricula}");
    assert!(
        !proposals.iter().any(|p| p["dataElement"]["code"] == "RECAUDO"),
        "unrelated fields are not proposed: {body}"
    );

    let data = app
        .query_ok(
            r#"{ similarDataElements(name: "Población total del municipio") { dataElement { code } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["similarDataElements"][0]["dataElement"]["code"], "POBLACION");
}

async fn the_catalogue_keeps_versions_and_successors(app: &TestApp) {
    let scene = scene(app).await;
    let (_, body) = app
        .graphql_as(Some(&scene.admin), r#"mutation { updateDataElement(code: "RECAUDO", input: { name: "Recaudo tributario total" }) { dataElement { version name } } }"#, json!({}))
        .await;
    assert_eq!(
        body["data"]["updateDataElement"]["dataElement"],
        json!({ "version": 2, "name": "Recaudo tributario total" })
    );
    let (_, body) = app
        .graphql_as(Some(&scene.admin), r#"mutation { deprecateDataElement(code: "CORTE", successorCode: "RECAUDO") { dataElement { status successorCode } } }"#, json!({}))
        .await;
    assert_eq!(
        body["data"]["deprecateDataElement"]["dataElement"],
        json!({ "status": "DEPRECATED", "successorCode": "RECAUDO" })
    );
    let (_, body) = app
        .graphql_as(
            Some(&scene.admin),
            "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) { requirement { code } } }",
            json!({ "input": { "code": "VIEJO", "name": "Usa un elemento obsoleto", "issuerCode": "DNP", "legalBasis": "x",
                "periodicity": "ANNUAL", "entityKinds": ["MUNICIPALITY"], "dataElementCodes": ["CORTE"] } }),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
    assert!(
        body["errors"][0]["message"].as_str().unwrap_or_default().contains("RECAUDO"),
        "names the successor: {body}"
    );
}

async fn legacy_files_import_their_good_rows_and_explain_the_bad_ones(app: &TestApp) {
    let scene = scene(app).await;
    let csv = "reportante,sujeto,periodo,requerimiento,elemento,valor\n\
               05001,,2025,FISCAL,POBLACION,2612958\n\
               05001,,2025,FISCAL,RECAUDO,no sé\n\
               05001,08001,2025,FISCAL,RECAUDO,10\n\
               05001,,2025,EDUCACION,POBLACION,2612958\n\
               05001,,2025,EDUCACION,MATRICULA,\n";
    let import = "mutation($csv: String!) { importSubmissions(csv: $csv) {
        rows accepted newValues duplicates submissions replayed rejected { line column reason } } }";
    let (_, body) = app.graphql_as(Some(&scene.medellin), import, json!({ "csv": csv })).await;
    let summary = &body["data"]["importSubmissions"];
    assert_eq!(summary["rows"], 5, "{body}");
    assert_eq!(
        (summary["accepted"].as_i64(), summary["newValues"].as_i64(), summary["duplicates"].as_i64()),
        (Some(2), Some(1), Some(1))
    );
    let rejected: Vec<(i64, String)> = summary["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| {
            (r["line"].as_i64().unwrap_or_default(), r["column"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    assert_eq!(rejected, [(3, "valor".to_owned()), (4, "sujeto".to_owned()), (6, "valor".to_owned())]);
    assert_eq!(state_of(&status(app, "05001", "EDUCACION").await, "POBLACION")["state"], "REPORTED");

    // The same file again writes nothing new.
    let (_, body) = app.graphql_as(Some(&scene.medellin), import, json!({ "csv": csv })).await;
    assert_eq!(
        body["data"]["importSubmissions"]["replayed"],
        body["data"]["importSubmissions"]["submissions"]
    );

    let (_, body) =
        app.graphql_as(Some(&scene.medellin), import, json!({ "csv": "reportante,valor\n05001,1\n" })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
    assert!(
        body["errors"][0]["message"].as_str().unwrap_or_default().contains("periodo"),
        "names the missing columns: {body}"
    );
}

const COVERAGE: &str = "query($r: String!, $p: String!, $d: String, $s: CoverageState) {
  requirementCoverage(requirementCode: $r, period: $p, departmentCode: $d) {
    period { period label dueOn } requestedCount entityCount completeCount partialCount notReportedCount
    entities(state: $s, first: 3) { totalCount edges { node { state withValueCount conflictCount entity { code } } } }
  }
}";

/// The issuing entity follows who has reported its requirement in a period, also as CSV.
async fn the_issuer_sees_who_has_reported_each_period(app: &TestApp) {
    let scene = scene(app).await;
    // Medellín reports the fiscal form: its population serves education too (1 of 3).
    submit(
        app,
        &scene.medellin,
        report(
            "05001",
            "FISCAL",
            "fiscal-c",
            json!([{ "dataElementCode": "POBLACION", "value": "2612958" }]),
        ),
    )
    .await;
    // The department reports all of education for Bello.
    let values = json!([
        { "dataElementCode": "POBLACION", "value": "548000", "subjectCode": "05088" },
        { "dataElementCode": "MATRICULA", "value": "61000", "subjectCode": "05088" },
        { "dataElementCode": "CORTE", "value": "2025-03-31", "subjectCode": "05088" },
    ]);
    submit(app, &scene.antioquia, report("05", "EDUCACION", "bello-edu", values)).await;

    let data = app.query_ok(COVERAGE, json!({ "r": "educacion", "p": "2025", "d": "05" })).await;
    let coverage = &data["requirementCoverage"];
    assert_eq!(coverage["period"], json!({ "period": "2025", "label": "Año 2025", "dueOn": "2026-02-14" }));
    assert_eq!(
        (
            coverage["requestedCount"].as_i64(),
            coverage["completeCount"].as_i64(),
            coverage["partialCount"].as_i64()
        ),
        (Some(3), Some(1), Some(1))
    );
    let entities = coverage["entityCount"].as_i64().unwrap_or_default();
    assert!(entities > 100, "the department and its 125 municipalities: {coverage}");
    assert_eq!(coverage["notReportedCount"].as_i64(), Some(entities - 2));
    assert_eq!(
        coverage["entities"]["edges"][0]["node"]["entity"]["code"], "05",
        "the department first, then by code"
    );
    let partial = app.query_ok(COVERAGE, json!({ "r": "EDUCACION", "p": "2025", "s": "PARTIAL" })).await;
    assert_eq!(
        partial["requirementCoverage"]["entities"],
        json!({ "totalCount": 1, "edges": [{ "node": { "state": "PARTIAL", "withValueCount": 1, "conflictCount": 0, "entity": { "code": "05001" } } }] }),
        "a reused value counts; the country has one partial entity"
    );
    assert!(partial["requirementCoverage"]["entityCount"].as_i64().unwrap_or_default() > 1_100);

    // Bad questions are refused in Spanish.
    for (variables, word) in [
        (json!({ "r": "NO_EXISTE", "p": "2025" }), "requerimiento"),
        (json!({ "r": "EDUCACION", "p": "2025-T3" }), "2025"),
        (json!({ "r": "EDUCACION", "p": "2025", "d": "05001" }), "departamento"),
        (json!({ "r": "EDUCACION", "p": "2025", "d": "04" }), "no existe el departamento"),
        (json!({ "r": "EDUCACION", "p": "2099" }), "aún no ha comenzado"),
    ] {
        let (_, body) = app.graphql_as(None, COVERAGE, variables).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains(word), "{body}");
    }

    let csv = app
        .client
        .get(app.url("/reportes/cobertura.csv?requerimiento=EDUCACION&periodo=2025&departamento=05"))
        .send()
        .await
        .expect("csv");
    assert!(csv.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/csv"));
    assert!(csv.headers()["content-disposition"]
        .to_str()
        .unwrap_or_default()
        .contains("cobertura-EDUCACION-2025.csv"));
    let csv = csv.text().await.expect("text");
    assert!(
        csv.starts_with("requerimiento,periodo,plazo,codigo_divipola,entidad,departamento,estado"),
        "{csv}"
    );
    assert!(csv.contains("EDUCACION,Año 2025,2026-02-14,05001,MEDELLÍN,ANTIOQUIA,Parcial,1,3,0"), "{csv}");
    assert!(csv.contains("05088,BELLO,ANTIOQUIA,Completo,3,3,0"), "{csv}");
    assert_eq!(csv.lines().count() as i64, entities + 1, "one row per entity and the header");
    let bad = app.client.get(app.url("/reportes/cobertura.csv?periodo=2025")).send().await.expect("400");
    assert_eq!(bad.status(), sugit_tests::StatusCode::BAD_REQUEST);
}

backend_tests!(
    legacy_files_import_their_good_rows_and_explain_the_bad_ones,
    a_value_reported_once_serves_every_requirement,
    duplicates_corrections_and_conflicts_follow_the_rules,
    identical_resends_are_idempotent,
    submissions_sent_at_once_are_each_answered_as_if_alone,
    writers_racing_on_one_sheet_lose_no_value,
    bad_reports_name_the_offending_value_and_write_nothing,
    a_value_about_another_entity_is_forbidden,
    values_respect_their_range_and_period,
    an_observation_shows_its_versions_and_provenance,
    new_requirements_are_told_what_already_exists,
    the_catalogue_keeps_versions_and_successors,
    the_issuer_sees_who_has_reported_each_period,
);

/// The demo data shows the point on a first start: reuse and one conflict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_makes_the_burden_saved_visible() {
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |settings| settings.demo = Some(true)).await else {
        return;
    };
    let data = app
        .query_ok(r#"{ reportingBurden(entityCode: "05002", period: "2025") { requested reused missing conflicts burdenSaved } informationRequirements { totalCount }
            retired: informationRequirement(code: "GASTO_SAL-03") { lastPeriod } successor: informationRequirement(code: "GASTO_SAL-07") { lastPeriod } }"#, json!({}))
        .await;
    // Four requirements, the monitoring demo's synthetic one, which asks every element again,
    // the classification demo's spending requirements: one per unit of either version (66 + 3),
    // and formation's, which the platform reports from enrolments and certificates.
    assert_eq!(data["informationRequirements"]["totalCount"], 75);
    // Version 2 took effect on 1 January 2025: the units it retired (SAL-03, TRA-04, TRA-05)
    // are asked up to 2024 and owed by nobody for 2025; their successors are asked instead.
    assert_eq!(data["retired"]["lastPeriod"], "2024", "{data}");
    assert_eq!(data["successor"]["lastPeriod"], Value::Null, "{data}");
    let burden = &data["reportingBurden"];
    assert_eq!(burden["missing"], 0, "{burden}");
    assert_eq!(burden["conflicts"], 2, "Antioquia and Abejorral disagree on IRCA, asked by two requirements");
    // Twenty values reused; the spending values, each asked once, dilute the ratio.
    assert_eq!(burden["reused"], 20, "{burden}");
    assert!(burden["burdenSaved"].as_f64().unwrap_or_default() > 0.05, "{burden}");
}

/// A thesaurus named in the settings lends its synonyms to the proposals, and says so in
/// the explanation; without it, the same field is not proposed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thesaurus_lends_its_synonyms_to_the_proposals() {
    let dir = std::env::temp_dir().join(format!("sugit-tesauro-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join("th_es.dat");
    // MyThes, as Debian's mythes-es writes it: Latin-1, «palabra|sentidos», then the senses.
    let text = "ISO8859-1\ncorte|1\n-|cierre|tajo\ncierre|1\n-|clausura|corte\n";
    std::fs::write(&path, text.as_bytes()).expect("the thesaurus file");
    let query = r#"{ similarDataElements(name: "Fecha de cierre") { dataElement { code } explanation } }"#;

    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |s| s.thesaurus = Some(path.clone())).await else {
        return;
    };
    scene(&app).await;
    let data = app.query_ok(query, json!({})).await;
    let proposals = data["similarDataElements"].as_array().cloned().unwrap_or_default();
    let corte = proposals
        .iter()
        .find(|p| p["dataElement"]["code"] == "CORTE")
        .unwrap_or_else(|| panic!("«Fecha de corte» is proposed for «Fecha de cierre»: {data}"));
    let explanation = corte["explanation"].as_str().unwrap_or_default();
    assert!(explanation.contains("leyendo «corte» por «cierre» según el tesauro"), "{explanation}");

    let Some(without) = TestApp::spawn_with(Backend::Sqlite, |s| s.thesaurus = Some("".into())).await else {
        return;
    };
    scene(&without).await;
    let data = without.query_ok(query, json!({})).await;
    let proposals = data["similarDataElements"].as_array().cloned().unwrap_or_default();
    assert!(!proposals.iter().any(|p| p["dataElement"]["code"] == "CORTE"), "{data}");
    let _ = std::fs::remove_dir_all(&dir);
}
