//! Formation through the API: modules from draft to archive (a published one
//! is an ATT offer of modality formación), enrolment, progress that follows
//! the learner, the assessment with limited attempts, certificates anyone
//! can verify, who sees whose progress, and accompaniment goals measured
//! from reported values.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sugit::access::Role;
use sugit_tests::{error_codes, StatusCode, TestApp};

const CREATE: &str = "mutation($input: TrainingModuleInput!) {
  createTrainingModule(input: $input) { module { id status title lessonCount } }
}";
const PUBLISH: &str = "mutation($id: ID!) { publishTrainingModule(id: $id) { module { status offer { id title modality status } } } }";
const ARCHIVE: &str =
    "mutation($id: ID!) { archiveTrainingModule(id: $id) { module { status offer { status } } } }";
const ENROL: &str = "mutation($m: ID!, $e: String) { enrolInTrainingModule(moduleId: $m, learnerEmail: $e) { enrolment { id learnerName lessonsDone } } }";
const COMPLETE: &str = "mutation($m: ID!, $l: Int!) { completeLesson(moduleId: $m, lesson: $l) { enrolment { lessonsDone completedLessons } } }";
const SUBMIT: &str = "mutation($m: ID!, $a: [Int!]!) { submitAssessment(moduleId: $m, answers: $a) {
  score passed attemptsLeft correctAnswers totalQuestions enrolment { attempts bestScore passed }
  certificate { code learnerName moduleTitle hours issuerName verificationPath }
} }";
const MINE: &str = "{ myTrainingEnrolments { totalCount edges { node { learnerName lessonsDone completedLessons attempts passed module { title } certificate { code } } } } }";
const STAFF: &str = "query($e: String!) { staffTrainingEnrolments(entityCode: $e) { totalCount edges { node { learnerName entity { code } } } } }";

fn module_input(title: &str) -> Value {
    json!({ "input": {
        "title": title,
        "summary": "Cómo formular el plan de desarrollo territorial con el kit de planeación, paso a paso.",
        "objectives": "Formular un plan de desarrollo coherente con el presupuesto.",
        "topic": "planeación territorial",
        "targetKinds": ["MUNICIPALITY", "DISTRICT"],
        "targetRoles": ["secretaría de planeación"],
        "hours": 12,
        "passMark": 60,
        "maxAttempts": 2,
        "lessons": [
            { "title": "El ciclo de la planeación", "body": "## El ciclo\nDiagnóstico, parte estratégica y plan de inversiones." },
            { "title": "El plan plurianual de inversiones", "body": "Cada programa con sus fuentes." },
        ],
        "questions": [
            { "prompt": "¿Qué va primero?", "options": ["Diagnóstico", "Plan de inversiones", "Rendición de cuentas"], "correctOption": 0 },
            { "prompt": "¿Qué financia el plan plurianual?", "options": ["Programas", "Nada"], "correctOption": 0 },
        ],
    } })
}

struct Scene {
    admin: String,
    esap: String,
    ana: String,
    pedro: String,
    luis: String,
}

async fn scene(app: &TestApp) -> Scene {
    app.create_user("admin@sugit.gov.co", Role::Admin, None, None).await;
    app.create_user("docente@esap.gov.co", Role::National, None, Some("ESAP")).await;
    app.create_user("ana@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    app.create_user("pedro@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    app.create_user("maria@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    app.create_user("luis@envigado.gov.co", Role::Territorial, Some("05266"), None).await;
    Scene {
        admin: app.login("admin@sugit.gov.co").await,
        esap: app.login("docente@esap.gov.co").await,
        ana: app.login("ana@medellin.gov.co").await,
        pedro: app.login("pedro@medellin.gov.co").await,
        luis: app.login("luis@envigado.gov.co").await,
    }
}

async fn call(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Value {
    let (_, body) = app.graphql_as(token, query, variables).await;
    body
}

async fn ok(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Value {
    let body = call(app, token, query, variables).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

async fn refused(app: &TestApp, token: Option<&str>, query: &str, variables: Value, code: &str, words: &str) {
    let body = call(app, token, query, variables).await;
    assert_eq!(error_codes(&body), [code], "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(words), "«{words}» not in «{message}»");
}

async fn audit_total(app: &TestApp, admin: &str) -> i64 {
    let data = ok(app, Some(admin), "{ auditLog { totalCount } }", json!({})).await;
    data["auditLog"]["totalCount"].as_i64().unwrap_or_default()
}

async fn offer_titles(app: &TestApp, query: &str) -> Vec<String> {
    let data = app
        .query_ok(
            "query($q: String) { searchOffers(query: $q) { edges { node { object { ... on Offer { title modality } } } } } }",
            json!({ "q": query }),
        )
        .await;
    data["searchOffers"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["node"]["object"]["title"].as_str().map(str::to_owned))
        .collect()
}

async fn modules_go_from_draft_to_an_att_offer_and_to_the_archive(app: &TestApp) {
    let scene = scene(app).await;
    let audit_before = audit_total(app, &scene.admin).await;
    // Bad modules are refused with the reason, and nothing is written.
    for (change, words) in [
        (json!({ "passMark": 0 }), "passMark"),
        (json!({ "maxAttempts": 11 }), "maxAttempts"),
        (json!({ "hours": -3 }), "horas"),
        (json!({ "lessons": [] }), "lecciones"),
        (json!({ "lessons": [{ "title": "Sin texto" }] }), "uno de los dos"),
        (
            json!({ "questions": [{ "prompt": "¿Sí?", "options": ["Sí", "No"], "correctOption": 2 }] }),
            "correctOption",
        ),
        (json!({ "targetKinds": [] }), "targetKinds"),
    ] {
        let mut input = module_input("Planeación territorial para equipos municipales");
        for (key, value) in change.as_object().into_iter().flatten() {
            input["input"][key] = value.clone();
        }
        refused(app, Some(&scene.esap), CREATE, input, "BAD_USER_INPUT", words).await;
    }
    // Another organisation's name, or a territorial team, is refused.
    let mut other = module_input("Planeación territorial para equipos municipales");
    other["input"]["organisationCode"] = json!("DNP");
    refused(app, Some(&scene.esap), CREATE, other, "FORBIDDEN", "otra organización").await;
    refused(app, Some(&scene.ana), CREATE, module_input("Un módulo propio"), "FORBIDDEN", "registrar").await;
    assert_eq!(audit_total(app, &scene.admin).await, audit_before, "nothing was written");

    let data =
        ok(app, Some(&scene.esap), CREATE, module_input("Planeación territorial para equipos municipales"))
            .await;
    let module = data["createTrainingModule"]["module"].clone();
    assert_eq!(module["status"], "DRAFT");
    assert_eq!(module["lessonCount"], 2);
    let id = module["id"].as_str().expect("id").to_owned();
    // A draft is its organisation's: the public catalogue does not list it.
    let public = app.query_ok("{ trainingModules { totalCount } }", json!({})).await;
    assert_eq!(public["trainingModules"]["totalCount"], 0);
    let own = ok(app, Some(&scene.esap), "{ trainingModules { totalCount } }", json!({})).await;
    assert_eq!(own["trainingModules"]["totalCount"], 1);
    refused(app, Some(&scene.ana), ENROL, json!({ "m": id }), "BAD_USER_INPUT", "en borrador").await;

    // Published, it is one ATT offer of modality formación, found by search.
    let data = ok(app, Some(&scene.esap), PUBLISH, json!({ "id": id })).await;
    let published = &data["publishTrainingModule"]["module"];
    assert_eq!(published["status"], "PUBLISHED");
    assert_eq!(published["offer"]["modality"], "TRAINING");
    assert_eq!(published["offer"]["status"], "PUBLISHED");
    assert_eq!(published["offer"]["title"], "Planeación territorial para equipos municipales");
    let started = Instant::now();
    while !offer_titles(app, "planeación equipos municipales")
        .await
        .contains(&"Planeación territorial para equipos municipales".to_owned())
    {
        assert!(started.elapsed() < Duration::from_secs(5), "the module's offer never reached the search");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let offers = app.query_ok("{ offers(first: 100) { totalCount } }", json!({})).await;
    assert_eq!(offers["offers"]["totalCount"], 1, "one record, not two copies");
    refused(app, Some(&scene.esap), PUBLISH, json!({ "id": id }), "BAD_USER_INPUT", "publicado").await;
    refused(app, Some(&scene.pedro), ARCHIVE, json!({ "id": id }), "FORBIDDEN", "otra organización").await;

    // Archived, the offer goes with it and nobody enrols any more.
    let data = ok(app, Some(&scene.esap), ARCHIVE, json!({ "id": id })).await;
    assert_eq!(data["archiveTrainingModule"]["module"]["status"], "ARCHIVED");
    assert_eq!(data["archiveTrainingModule"]["module"]["offer"]["status"], "ARCHIVED");
    refused(app, Some(&scene.ana), ENROL, json!({ "m": id }), "BAD_USER_INPUT", "archivado").await;
    refused(app, Some(&scene.esap), PUBLISH, json!({ "id": id }), "BAD_USER_INPUT", "archivado").await;
    let _ = scene.luis;
}

async fn learners_progress_pass_and_anyone_verifies_the_certificate(app: &TestApp) {
    let scene = scene(app).await;
    let data =
        ok(app, Some(&scene.esap), CREATE, module_input("Planeación territorial para equipos municipales"))
            .await;
    let id = data["createTrainingModule"]["module"]["id"].as_str().expect("id").to_owned();
    ok(app, Some(&scene.esap), PUBLISH, json!({ "id": id })).await;
    let audit_before = audit_total(app, &scene.admin).await;

    // Answers to an assessment one is not enrolled in: refused, nothing written.
    refused(app, Some(&scene.ana), SUBMIT, json!({ "m": id, "a": [0, 0] }), "FORBIDDEN", "no está inscrito")
        .await;
    refused(app, Some(&scene.ana), COMPLETE, json!({ "m": id, "l": 1 }), "FORBIDDEN", "no está inscrito")
        .await;
    refused(app, None, ENROL, json!({ "m": id }), "UNAUTHENTICATED", "iniciar sesión").await;
    refused(app, Some(&scene.ana), ENROL, json!({ "m": "no-es-un-id" }), "BAD_USER_INPUT", "no es un id")
        .await;
    assert_eq!(audit_total(app, &scene.admin).await, audit_before);

    let data = ok(app, Some(&scene.ana), ENROL, json!({ "m": id })).await;
    assert_eq!(data["enrolInTrainingModule"]["enrolment"]["learnerName"], "Usuario ana@medellin.gov.co");
    refused(app, Some(&scene.ana), ENROL, json!({ "m": id }), "CONFLICT", "ya está inscrito").await;
    refused(
        app,
        Some(&scene.ana),
        SUBMIT,
        json!({ "m": id, "a": [0, 0] }),
        "BAD_USER_INPUT",
        "complete las 2 lecciones",
    )
    .await;
    refused(app, Some(&scene.ana), COMPLETE, json!({ "m": id, "l": 3 }), "BAD_USER_INPUT", "lecciones 1 a 2")
        .await;
    ok(app, Some(&scene.ana), COMPLETE, json!({ "m": id, "l": 2 })).await;
    let data = ok(app, Some(&scene.ana), COMPLETE, json!({ "m": id, "l": 2 })).await;
    assert_eq!(data["completeLesson"]["enrolment"]["lessonsDone"], 1, "a lesson done twice counts once");

    // Another device (another session) finds the same progress.
    let other_device = app.login("ana@medellin.gov.co").await;
    let mine = ok(app, Some(&other_device), MINE, json!({})).await;
    let node = &mine["myTrainingEnrolments"]["edges"][0]["node"];
    assert_eq!(node["completedLessons"], json!([2]));
    assert_eq!(node["module"]["title"], "Planeación territorial para equipos municipales");
    ok(app, Some(&other_device), COMPLETE, json!({ "m": id, "l": 1 })).await;

    // A malformed answer sheet costs no attempt; a wrong one does; attempts are limited.
    refused(app, Some(&scene.ana), SUBMIT, json!({ "m": id, "a": [0] }), "BAD_USER_INPUT", "2 preguntas")
        .await;
    refused(app, Some(&scene.ana), SUBMIT, json!({ "m": id, "a": [0, 5] }), "BAD_USER_INPUT", "respuesta 2")
        .await;
    let data = ok(app, Some(&scene.ana), SUBMIT, json!({ "m": id, "a": [1, 1] })).await;
    let failed = &data["submitAssessment"];
    assert_eq!(
        (failed["score"].clone(), failed["passed"].clone(), failed["attemptsLeft"].clone()),
        (json!(0), json!(false), json!(1))
    );
    assert_eq!(failed["certificate"], Value::Null);
    let data = ok(app, Some(&scene.ana), SUBMIT, json!({ "m": id, "a": [0, 1] })).await;
    assert_eq!(data["submitAssessment"]["passed"], false, "50 % is under the pass mark of 60 %");
    refused(
        app,
        Some(&scene.ana),
        SUBMIT,
        json!({ "m": id, "a": [0, 0] }),
        "BAD_USER_INPUT",
        "agotó los 2 intentos",
    )
    .await;

    // Pedro passes and gets a certificate anyone can verify.
    ok(app, Some(&scene.pedro), ENROL, json!({ "m": id })).await;
    for lesson in [1, 2] {
        ok(app, Some(&scene.pedro), COMPLETE, json!({ "m": id, "l": lesson })).await;
    }
    let data = ok(app, Some(&scene.pedro), SUBMIT, json!({ "m": id, "a": [0, 0] })).await;
    let passed = &data["submitAssessment"];
    assert_eq!((passed["score"].clone(), passed["passed"].clone()), (json!(100), json!(true)));
    let certificate = &passed["certificate"];
    assert_eq!(certificate["issuerName"], "Escuela Superior de Administración Pública");
    assert_eq!(certificate["hours"], 12.0);
    let code = certificate["code"].as_str().expect("code").to_owned();
    refused(app, Some(&scene.pedro), SUBMIT, json!({ "m": id, "a": [0, 0] }), "BAD_USER_INPUT", "ya aprobó")
        .await;

    let page = app
        .client
        .get(app.url(&format!("/certificados/{}", code.to_lowercase())))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let text = page.text().await.expect("text");
    for expected in [
        "Usuario pedro@medellin.gov.co",
        "Planeación territorial para equipos municipales",
        "12 horas",
        "Escuela Superior de Administración Pública",
        &code,
    ] {
        assert!(text.contains(expected), "{expected} not in the page");
    }
    // An unknown code and garbage get the same 404: no hint whether it ever existed.
    let mut answers = Vec::new();
    for wrong in ["CERT-2222-2222", "no-es-un-codigo", "CERT-0000-0000"] {
        let page = app.client.get(app.url(&format!("/certificados/{wrong}"))).send().await.expect("page");
        assert_eq!(page.status(), StatusCode::NOT_FOUND, "{wrong}");
        answers.push(page.text().await.expect("text"));
    }
    assert!(answers.windows(2).all(|pair| pair[0] == pair[1]), "the 404 pages differ");
    let data = app
        .query_ok(
            "query($c: String!) { trainingCertificate(code: $c) { learnerName } }",
            json!({ "c": "CERT-2222-2222" }),
        )
        .await;
    assert_eq!(data["trainingCertificate"], Value::Null);
    let data = app
        .query_ok(
            "query($c: String!) { trainingCertificate(code: $c) { learnerName } }",
            json!({ "c": code }),
        )
        .await;
    assert_eq!(data["trainingCertificate"]["learnerName"], "Usuario pedro@medellin.gov.co");

    // Completion is an indicator: by department, and by entity within one.
    let data = app
        .query_ok("{ trainingCompletion(groupBy: DEPARTMENT) { group enrolled certified rate } }", json!({}))
        .await;
    assert_eq!(
        data["trainingCompletion"],
        json!([{ "group": "05", "enrolled": 2, "certified": 1, "rate": 0.5 }])
    );
    let data = app
        .query_ok(
            r#"{ trainingCompletion(groupBy: ENTITY, departmentCode: "05") { group enrolled } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["trainingCompletion"], json!([{ "group": "05001", "enrolled": 2 }]));
    let data = app
        .query_ok(r#"{ trainingCompletion(groupBy: ENTITY, departmentCode: "25") { group } }"#, json!({}))
        .await;
    assert_eq!(data["trainingCompletion"], json!([]));
    // And it reaches the monitoring views: formation reports Medellín's enrolments of the
    // year and its certificates once, and monitoring computes the rate with its peers.
    let year = sugit::bogota_time::today().format("%Y").to_string();
    let query = r#"query($p: String!) { entityIndicators(entityCode: "05001", period: $p) {
        indicators { indicator { code } result { value } trafficLight peers { kind } } } }"#;
    let mut found = Value::Null;
    for _ in 0..100 {
        let data = app.query_ok(query, json!({ "p": year })).await;
        found = data["entityIndicators"]["indicators"]
            .as_array()
            .and_then(|all| all.iter().find(|i| i["indicator"]["code"] == "FORMACION_CULMINACION").cloned())
            .unwrap_or(Value::Null);
        if found["result"]["value"] == 50.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(found["result"]["value"], 50.0, "one certificate of two enrolments: {found}");
    assert_eq!(found["trafficLight"], "YELLOW", "between the thresholds of 40 % and 70 %: {found}");
    assert!(found["peers"].as_array().is_some_and(|peers| !peers.is_empty()), "{found}");

    // The certificate outlives the module's archive.
    ok(app, Some(&scene.esap), ARCHIVE, json!({ "id": id })).await;
    let page = app.client.get(app.url(&format!("/certificados/{code}"))).send().await.expect("page");
    assert_eq!(page.status(), StatusCode::OK);
}

async fn a_learner_sees_its_own_progress_and_the_coordinator_its_staff(app: &TestApp) {
    let scene = scene(app).await;
    let data =
        ok(app, Some(&scene.esap), CREATE, module_input("Planeación territorial para equipos municipales"))
            .await;
    let id = data["createTrainingModule"]["module"]["id"].as_str().expect("id").to_owned();
    ok(app, Some(&scene.esap), PUBLISH, json!({ "id": id })).await;
    ok(app, Some(&scene.ana), ENROL, json!({ "m": id })).await;
    ok(app, Some(&scene.luis), ENROL, json!({ "m": id })).await;

    // Each learner sees only its own enrolments.
    let mine = ok(app, Some(&scene.pedro), MINE, json!({})).await;
    assert_eq!(mine["myTrainingEnrolments"]["totalCount"], 0);
    let mine = ok(app, Some(&scene.ana), MINE, json!({})).await;
    assert_eq!(mine["myTrainingEnrolments"]["totalCount"], 1);
    refused(app, Some(&scene.pedro), STAFF, json!({ "e": "05001" }), "FORBIDDEN", "otro equipo").await;
    refused(app, Some(&scene.esap), STAFF, json!({ "e": "05001" }), "FORBIDDEN", "otro equipo").await;
    refused(
        app,
        Some(&scene.pedro),
        ENROL,
        json!({ "m": id, "e": "maria@medellin.gov.co" }),
        "FORBIDDEN",
        "su equipo",
    )
    .await;

    // Once Pedro coordinates Medellín's training, he follows and enrols its staff, not Envigado's.
    refused(
        app,
        Some(&scene.pedro),
        "mutation($e: String!) { designateTrainingCoordinator(email: $e) { email } }",
        json!({ "e": "pedro@medellin.gov.co" }),
        "FORBIDDEN",
        "coordinadores",
    )
    .await;
    let data = ok(
        app,
        Some(&scene.admin),
        "mutation($e: String!) { designateTrainingCoordinator(email: $e) { email entityCode } }",
        json!({ "e": "pedro@medellin.gov.co" }),
    )
    .await;
    assert_eq!(data["designateTrainingCoordinator"]["entityCode"], "05001");
    refused(
        app,
        Some(&scene.admin),
        "mutation($e: String!) { designateTrainingCoordinator(email: $e) { email } }",
        json!({ "e": "docente@esap.gov.co" }),
        "BAD_USER_INPUT",
        "entidad territorial",
    )
    .await;
    let data = ok(app, Some(&scene.pedro), ENROL, json!({ "m": id, "e": "maria@medellin.gov.co" })).await;
    assert_eq!(data["enrolInTrainingModule"]["enrolment"]["learnerName"], "Usuario maria@medellin.gov.co");
    refused(
        app,
        Some(&scene.pedro),
        ENROL,
        json!({ "m": id, "e": "luis@envigado.gov.co" }),
        "FORBIDDEN",
        "su equipo",
    )
    .await;
    let staff = ok(app, Some(&scene.pedro), STAFF, json!({ "e": "05001" })).await;
    assert_eq!(staff["staffTrainingEnrolments"]["totalCount"], 2);
    let names: Vec<&str> = staff["staffTrainingEnrolments"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["node"]["learnerName"].as_str())
        .collect();
    assert!(!names.contains(&"Usuario luis@envigado.gov.co"), "{names:?}");
    refused(app, Some(&scene.pedro), STAFF, json!({ "e": "05266" }), "FORBIDDEN", "otro equipo").await;
    // Maria sees her enrolment, made by her coordinator, on her own page.
    let maria = app.login("maria@medellin.gov.co").await;
    let mine = ok(app, Some(&maria), MINE, json!({})).await;
    assert_eq!(mine["myTrainingEnrolments"]["totalCount"], 1);
}

const PROGRAMME: &str = "mutation($input: AccompanimentProgrammeInput!) { createAccompanimentProgramme(input: $input) { programme { id entityCode parties { code responsibility } } } }";
const GOAL: &str =
    "mutation($input: ProgrammeGoalInput!) { addProgrammeGoal(input: $input) { programme { goals {
  dataElementCode indicatorCode baselinePeriod baselineValue targetValue targetPeriod currentValue currentPeriod progress
  milestones { period value state } series { period value }
} } } }";
const PROGRAMMES: &str = "{ accompanimentProgrammes { totalCount edges { node { title entityCode progress goals { progress currentValue } } } } }";

async fn submit(app: &TestApp, token: &str, period: &str, values: &[(&str, &str)]) {
    let values: Vec<Value> = values
        .iter()
        .map(|(element, value)| json!({ "dataElementCode": element, "value": value, "subjectCode": "05001" }))
        .collect();
    ok(
        app,
        Some(token),
        "mutation($input: SubmitReportInput!) { submitReport(input: $input) { accepted } }",
        json!({ "input": { "entityCode": "05001", "period": period, "requirementCode": "ACOMPANAMIENTO", "idempotencyKey": format!("k{period}{}", values.len()), "values": values } }),
    )
    .await;
}

async fn programme_goals_are_measured_from_what_the_entity_reports(app: &TestApp) {
    let scene = scene(app).await;
    app.create_user("sec@funcionpublica.gov.co", Role::Secretariat, None, Some("DAFP")).await;
    app.create_user("marta@minhacienda.gov.co", Role::National, None, Some("MINHACIENDA")).await;
    let secretariat = app.login("sec@funcionpublica.gov.co").await;
    let minhacienda = app.login("marta@minhacienda.gov.co").await;
    let element = |code: &str| json!({ "code": code, "name": format!("Elemento {code}"), "description": code, "unit": "%", "valueType": "NUMBER", "competency": "GESTION" });
    ok(
        app,
        Some(&scene.admin),
        "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) { requirement { code } } }",
        json!({ "input": {
            "code": "ACOMPANAMIENTO", "name": "Reporte de gestión", "issuerCode": "DAFP", "legalBasis": "Prueba",
            "periodicity": "ANNUAL", "entityKinds": ["MUNICIPALITY", "DISTRICT"],
            "newDataElements": [element("INDICE_MIPG"), element("NO_REPORTADO")],
        } }),
    )
    .await;
    submit(app, &scene.ana, "2023", &[("INDICE_MIPG", "40")]).await;
    submit(app, &scene.ana, "2024", &[("INDICE_MIPG", "52")]).await;

    let programme_input = json!({ "input": {
        "entityCode": "05001", "title": "Acompañamiento a la gestión de Medellín",
        "objectives": "Subir el índice de desempeño institucional.",
        "parties": [
            { "code": "ESAP", "responsibility": "Formar al equipo de planeación" },
            { "code": "05001", "responsibility": "Reportar el avance cada año" },
        ],
    } });
    refused(app, Some(&minhacienda), PROGRAMME, programme_input.clone(), "FORBIDDEN", "no acompaña").await;
    refused(app, Some(&scene.ana), PROGRAMME, programme_input.clone(), "FORBIDDEN", "no acompaña").await;
    let mut unknown_party = programme_input.clone();
    unknown_party["input"]["parties"][0]["code"] = json!("NO_EXISTE");
    refused(app, Some(&secretariat), PROGRAMME, unknown_party, "BAD_USER_INPUT", "NO_EXISTE").await;
    let data = ok(app, Some(&secretariat), PROGRAMME, programme_input).await;
    let id = data["createAccompanimentProgramme"]["programme"]["id"].as_str().expect("id").to_owned();

    let goal = |element: &str, baseline: &str, target: &str| {
        json!({ "input": {
            "programmeId": id, "dataElementCode": element, "description": "Índice MIPG de 40 a 80",
            "baselinePeriod": baseline, "targetValue": 80, "targetPeriod": target,
            "milestones": [{ "period": "2024", "value": 50 }, { "period": "2025", "value": 65 }],
        } })
    };
    let audit_before = audit_total(app, &scene.admin).await;
    refused(
        app,
        Some(&scene.esap),
        GOAL,
        goal("NO_REPORTADO", "2023", "2026"),
        "BAD_USER_INPUT",
        "no reporta",
    )
    .await;
    refused(
        app,
        Some(&scene.esap),
        GOAL,
        goal("NO_EXISTE", "2023", "2026"),
        "BAD_USER_INPUT",
        "no existe el elemento",
    )
    .await;
    refused(app, Some(&scene.esap), GOAL, goal("INDICE_MIPG", "2023", "2022"), "BAD_USER_INPUT", "posterior")
        .await;
    refused(
        app,
        Some(&scene.esap),
        GOAL,
        goal("INDICE_MIPG", "2020", "2026"),
        "BAD_USER_INPUT",
        "no reporta",
    )
    .await;
    refused(app, Some(&minhacienda), GOAL, goal("INDICE_MIPG", "2023", "2026"), "FORBIDDEN", "no acompaña")
        .await;
    assert_eq!(audit_total(app, &scene.admin).await, audit_before, "nothing was written");

    // The baseline is what Medellín reported for 2023; the progress is computed from 2024's.
    let data = ok(app, Some(&scene.esap), GOAL, goal("INDICE_MIPG", "2023", "2026")).await;
    let measured = &data["addProgrammeGoal"]["programme"]["goals"][0];
    assert_eq!(measured["baselineValue"], 40.0);
    assert_eq!(measured["currentValue"], 52.0);
    assert_eq!(measured["currentPeriod"], "2024");
    assert_eq!(measured["progress"], 0.3);
    assert_eq!(
        measured["milestones"],
        json!([{ "period": "2024", "value": 50.0, "state": "MET" }, { "period": "2025", "value": 65.0, "state": "PENDING" }])
    );

    // A goal may follow a monitoring indicator instead: its baseline and progress are the
    // indicator's results, computed from the same values.
    ok(
        app,
        Some(&scene.esap),
        "mutation($input: RegisterIndicatorInput!) { registerIndicator(input: $input) { indicator { code } } }",
        json!({ "input": {
            "code": "BRECHA_MIPG", "name": "Brecha al índice MIPG de 100", "competency": "GESTION",
            "formula": "100 - INDICE_MIPG", "unit": "puntos", "direction": "LOWER_IS_BETTER",
            "lowerThreshold": 20, "upperThreshold": 50, "periodicity": "ANNUAL", "sourceNote": "Prueba",
        } }),
    )
    .await;
    let on_indicator = |indicator: &str, element: Option<&str>| {
        json!({ "input": {
            "programmeId": id, "indicatorCode": indicator, "dataElementCode": element,
            "description": "Brecha MIPG de 60 a 30", "baselinePeriod": "2023", "targetValue": 30, "targetPeriod": "2026",
        } })
    };
    let audit_before = audit_total(app, &scene.admin).await;
    refused(
        app,
        Some(&scene.esap),
        GOAL,
        on_indicator("NO_EXISTE", None),
        "BAD_USER_INPUT",
        "no existe el indicador",
    )
    .await;
    refused(
        app,
        Some(&scene.esap),
        GOAL,
        on_indicator("BRECHA_MIPG", Some("INDICE_MIPG")),
        "BAD_USER_INPUT",
        "no ambos",
    )
    .await;
    refused(app, Some(&scene.esap), GOAL, on_indicator("", None), "BAD_USER_INPUT", "indique qué mide").await;
    assert_eq!(audit_total(app, &scene.admin).await, audit_before, "nothing was written");
    // A restricted indicator cannot be followed by a programme: its viewers are wider.
    ok(
        app,
        Some(&scene.esap),
        "mutation($input: RegisterIndicatorInput!) { registerIndicator(input: $input) { indicator { code } } }",
        json!({ "input": {
            "code": "MIPG_RESERVADO", "name": "Índice MIPG reservado", "competency": "GESTION",
            "formula": "INDICE_MIPG", "unit": "puntos", "direction": "HIGHER_IS_BETTER",
            "lowerThreshold": 40, "upperThreshold": 70, "periodicity": "ANNUAL", "sourceNote": "Prueba",
            "restricted": true,
        } }),
    )
    .await;
    let audit_before = audit_total(app, &scene.admin).await;
    refused(
        app,
        Some(&scene.esap),
        GOAL,
        on_indicator("MIPG_RESERVADO", None),
        "BAD_USER_INPUT",
        "restringido",
    )
    .await;
    assert_eq!(audit_total(app, &scene.admin).await, audit_before, "nothing was written");
    let data = ok(app, Some(&scene.esap), GOAL, on_indicator("brecha_mipg", None)).await;
    let followed = &data["addProgrammeGoal"]["programme"]["goals"][1];
    assert_eq!(followed["indicatorCode"], "BRECHA_MIPG", "{data}");
    assert_eq!(followed["dataElementCode"], "", "{data}");
    assert_eq!(followed["baselineValue"], 60.0, "100 − 40 reported for 2023: {data}");
    assert_eq!(followed["currentValue"], 48.0, "100 − 52 reported for 2024: {data}");
    assert_eq!(followed["progress"], 0.4, "{data}");

    // Medellín reports 2025 once: the goal moves, nobody types it again.
    submit(app, &scene.ana, "2025", &[("INDICE_MIPG", "60")]).await;
    let table = ok(app, Some(&secretariat), PROGRAMMES, json!({})).await;
    let row = &table["accompanimentProgrammes"]["edges"][0]["node"];
    assert_eq!(row["goals"][0]["currentValue"], 60.0);
    // The indicator's goal moves once monitoring has computed 2025 (within about a second).
    let mut row = row.clone();
    for _ in 0..100 {
        if row["goals"][1]["currentValue"] == 40.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let table = ok(app, Some(&secretariat), PROGRAMMES, json!({})).await;
        row = table["accompanimentProgrammes"]["edges"][0]["node"].clone();
    }
    assert_eq!(row["goals"][1]["currentValue"], 40.0, "{row}");
    // (0.5 + 0.6667) / 2: the element's goal halfway, the indicator's two thirds of the way.
    assert!((row["progress"].as_f64().unwrap_or_default() - 0.5833).abs() < 1e-3, "{row}");
    // Medellín's teams see their programme; Envigado's see none.
    let own = ok(app, Some(&scene.ana), PROGRAMMES, json!({})).await;
    assert_eq!(own["accompanimentProgrammes"]["totalCount"], 1);
    let other = ok(app, Some(&scene.luis), PROGRAMMES, json!({})).await;
    assert_eq!(other["accompanimentProgrammes"]["totalCount"], 0);
    refused(app, None, PROGRAMMES, json!({}), "UNAUTHENTICATED", "iniciar sesión").await;
}

const MENTOR: &str =
    "mutation($input: MentorInput!) { registerMentor(input: $input) { mentor { id name } } }";
const REQUEST: &str = "mutation($e: String!, $t: String!, $n: String!) { requestMentoring(entityCode: $e, topic: $t, need: $n) { request { id } } }";
const REQUESTS: &str =
    "{ mentoringRequests { id topic mentor { name } mentorContact sessions { hours rating } } }";

fn mentor(name: &str, competencies: &[&str], departments: &[&str]) -> Value {
    json!({ "input": { "name": name, "kind": "ACADEMIA", "competencies": competencies,
        "profile": "Docente de proyectos de inversión pública y de la MGA", "departmentCodes": departments,
        "hoursPerMonth": 10, "contact": format!("{}@universidad.edu.co", name.to_lowercase().replace(' ', ".")) } })
}

async fn mentors_are_matched_with_the_att_scoring_and_sessions_are_rated(app: &TestApp) {
    let scene = scene(app).await;
    let data = ok(
        app,
        Some(&scene.esap),
        MENTOR,
        mentor("Laura Gómez", &["regalías", "proyectos de inversión"], &[]),
    )
    .await;
    let laura = data["registerMentor"]["mentor"]["id"].as_str().expect("id").to_owned();
    let data = ok(app, Some(&scene.esap), MENTOR, mentor("Jorge Rivas", &["catastro"], &["52"])).await;
    let jorge = data["registerMentor"]["mentor"]["id"].as_str().expect("id").to_owned();
    refused(app, Some(&scene.esap), MENTOR, mentor("Sin Temas", &[], &[]), "BAD_USER_INPUT", "competencia")
        .await;
    refused(
        app,
        Some(&scene.ana),
        MENTOR,
        mentor("Ana Mentora", &["catastro"], &[]),
        "FORBIDDEN",
        "registrar mentores",
    )
    .await;

    let need = json!({ "e": "05001", "t": "Regalias", "n": "Formular un proyecto de inversión con regalías para el acueducto" });
    let mut other = need.clone();
    other["e"] = json!("05266");
    refused(app, Some(&scene.ana), REQUEST, other, "FORBIDDEN", "otra entidad").await;
    let data = ok(app, Some(&scene.ana), REQUEST, need).await;
    let request = data["requestMentoring"]["request"]["id"].as_str().expect("id").to_owned();

    // The mentor for the topic comes first, its points explained; one outside the department is not offered.
    let data = ok(
        app,
        Some(&scene.ana),
        "query($r: ID!) { recommendedMentors(requestId: $r) { mentor { id } score reasons { factor explanation } } }",
        json!({ "r": request }),
    )
    .await;
    let matches = data["recommendedMentors"].as_array().cloned().unwrap_or_default();
    assert_eq!(matches.len(), 1, "{matches:?}");
    assert_eq!(matches[0]["mentor"]["id"], laura.as_str());
    let factors: Vec<&str> =
        matches[0]["reasons"].as_array().into_iter().flatten().filter_map(|r| r["factor"].as_str()).collect();
    assert!(factors.contains(&"TOPIC") && factors.contains(&"TEXT"), "{factors:?}");
    let (_, body) = app
        .graphql_as(
            Some(&scene.luis),
            "query($r: ID!) { recommendedMentors(requestId: $r) { score } }",
            json!({ "r": request }),
        )
        .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "another municipality's request: {body}");

    let assign = "mutation($r: ID!, $m: ID!) { assignMentor(requestId: $r, mentorId: $m) { request { mentor { name } mentorContact } } }";
    refused(
        app,
        Some(&scene.ana),
        assign,
        json!({ "r": request, "m": jorge }),
        "BAD_USER_INPUT",
        "no acompaña este departamento",
    )
    .await;
    let log = "mutation($r: ID!, $d: NaiveDate!, $h: Float!) { logMentoringSession(requestId: $r, heldOn: $d, hours: $h, notes: \"Revisión de la MGA del proyecto\") { session { id rating } } }";
    refused(
        app,
        Some(&scene.esap),
        log,
        json!({ "r": request, "d": "2026-02-01", "h": 2 }),
        "BAD_USER_INPUT",
        "aún no tiene mentor",
    )
    .await;
    let data = ok(app, Some(&scene.ana), assign, json!({ "r": request, "m": laura })).await;
    assert_eq!(data["assignMentor"]["request"]["mentorContact"], "laura.gómez@universidad.edu.co");

    // The contact is the matched entity's only.
    let esap_view = ok(app, Some(&scene.esap), REQUESTS, json!({})).await;
    assert_eq!(esap_view["mentoringRequests"][0]["mentor"]["name"], "Laura Gómez");
    assert_eq!(esap_view["mentoringRequests"][0]["mentorContact"], Value::Null);
    let envigado = ok(app, Some(&scene.luis), REQUESTS, json!({})).await;
    assert_eq!(envigado["mentoringRequests"], json!([]));
    let anonymous = app.query_ok("{ mentors { name competencies } }", json!({})).await;
    assert_eq!(anonymous["mentors"].as_array().map(Vec::len), Some(2));

    // Sessions: logged by the mentor's organisation after they happen, rated once by the entity.
    refused(
        app,
        Some(&scene.esap),
        log,
        json!({ "r": request, "d": "2099-01-01", "h": 2 }),
        "BAD_USER_INPUT",
        "aún no ha ocurrido",
    )
    .await;
    refused(
        app,
        Some(&scene.ana),
        log,
        json!({ "r": request, "d": "2026-02-01", "h": 2 }),
        "FORBIDDEN",
        "otra organización",
    )
    .await;
    let data = ok(app, Some(&scene.esap), log, json!({ "r": request, "d": "2026-02-01", "h": 2.5 })).await;
    let session = data["logMentoringSession"]["session"]["id"].as_str().expect("id").to_owned();
    let rate = "mutation($s: ID!, $v: Int!) { rateMentoringSession(sessionId: $s, rating: $v) { session { rating } } }";
    refused(app, Some(&scene.luis), rate, json!({ "s": session, "v": 5 }), "FORBIDDEN", "otra entidad").await;
    refused(app, Some(&scene.esap), rate, json!({ "s": session, "v": 5 }), "FORBIDDEN", "otra entidad").await;
    refused(app, Some(&scene.ana), rate, json!({ "s": session, "v": 6 }), "BAD_USER_INPUT", "de 1").await;
    let data = ok(app, Some(&scene.ana), rate, json!({ "s": session, "v": 5 })).await;
    assert_eq!(data["rateMentoringSession"]["session"]["rating"], 5);
    refused(app, Some(&scene.pedro), rate, json!({ "s": session, "v": 1 }), "CONFLICT", "ya fue calificada")
        .await;
    let mine = ok(app, Some(&scene.ana), REQUESTS, json!({})).await;
    assert_eq!(mine["mentoringRequests"][0]["sessions"], json!([{ "hours": 2.5, "rating": 5 }]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_has_modules_learners_certificates_mentors_and_programmes() {
    let Some(app) =
        TestApp::spawn_with(sugit_tests::Backend::Sqlite, |settings| settings.demo = Some(true)).await
    else {
        return;
    };
    let data = app
        .query_ok(
            "{ trainingModules(first: 20) { totalCount edges { node { organisationCode lessons { knowledgeProduct { title } } offer { modality } } } }
               trainingCompletion(groupBy: DEPARTMENT) { group enrolled certified }
               mentors { name } }",
            json!({}),
        )
        .await;
    assert_eq!(data["trainingModules"]["totalCount"], 6);
    let modules = data["trainingModules"]["edges"].as_array().cloned().unwrap_or_default();
    let mut organisations: Vec<&str> =
        modules.iter().filter_map(|e| e["node"]["organisationCode"].as_str()).collect();
    organisations.sort_unstable();
    organisations.dedup();
    assert_eq!(organisations, ["DAFP", "DNP", "ESAP"]);
    assert!(modules.iter().all(|e| e["node"]["offer"]["modality"] == "TRAINING"), "each is an ATT offer");
    assert!(
        modules.iter().all(|e| e["node"]["lessons"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|l| l["knowledgeProduct"]["title"].is_string())),
        "every module cites the demo knowledge base"
    );
    let departments = data["trainingCompletion"].as_array().cloned().unwrap_or_default();
    assert!(departments.len() >= 4, "learners in several departments: {departments:?}");
    assert!(departments.iter().any(|d| d["certified"].as_i64().unwrap_or_default() > 0));
    assert_eq!(data["mentors"].as_array().map(Vec::len), Some(8));
    app.create_user("sec@funcionpublica.gov.co", Role::Secretariat, None, Some("DAFP")).await;
    let secretariat = app.login("sec@funcionpublica.gov.co").await;
    let table = ok(&app, Some(&secretariat), PROGRAMMES, json!({})).await;
    let programmes = table["accompanimentProgrammes"]["edges"].as_array().cloned().unwrap_or_default();
    assert_eq!(programmes.len(), 3);
    for programme in &programmes {
        assert!(programme["node"]["title"]
            .as_str()
            .unwrap_or_default()
            .contains("datos sintéticos de demostración"));
        assert!(!programme["node"]["goals"].as_array().map_or(true, Vec::is_empty), "{programme}");
    }
}

/// Like `backend_tests!`, with room for the scenarios' logins (six users,
/// some on a second device) under the per-address login limit.
macro_rules! formation_tests {
    ($($scenario:ident),+ $(,)?) => {
        formation_tests!(@backend sqlite, Sqlite, $($scenario),+);
        formation_tests!(@backend postgres_redis, PostgresRedis, $($scenario),+);
    };
    (@backend $module:ident, $backend:ident, $($scenario:ident),+) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    let spawned = sugit_tests::TestApp::spawn_with(sugit_tests::Backend::$backend, |settings| {
                        settings.limits.login_attempts_per_minute = 1_000;
                    });
                    if let Some(app) = spawned.await {
                        super::$scenario(&app).await;
                    }
                }
            )+
        }
    };
}

formation_tests!(
    modules_go_from_draft_to_an_att_offer_and_to_the_archive,
    learners_progress_pass_and_anyone_verifies_the_certificate,
    a_learner_sees_its_own_progress_and_the_coordinator_its_staff,
    programme_goals_are_measured_from_what_the_entity_reports,
    mentors_are_matched_with_the_att_scoring_and_sessions_are_rated,
);
