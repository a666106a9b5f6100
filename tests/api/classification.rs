//! The classification of spending through the API: the catalogue versioned
//! under Función Pública's protocol, the crosswalk that carries spending
//! from retired codes to today's, and spending reported once per unit.

use serde_json::{json, Value};
use sugit::access::Role;
use sugit_tests::{backend_tests, error_codes, TestApp};

const PROPOSE: &str = "mutation($input: ProposeCatalogueChangeInput!) {
  proposeCatalogueChange(input: $input) { proposal { id kind codes status proposerCode parts { code sharePercent } } }
}";

const APPROVE: &str = "mutation($input: ApproveCatalogueChangesInput!) {
  approveCatalogueChanges(input: $input) { version { number effectiveOn } proposals { id status version } }
}";

const REJECT: &str = "mutation($id: ID!, $note: String!) {
  rejectCatalogueChange(id: $id, note: $note) { proposal { id status decisionNote } }
}";

const REPORT: &str = "mutation($input: ReportSpendingInput!) {
  reportSpending(input: $input) { units accepted duplicates corrections conflicts throughCrosswalk }
}";

const SPENDING: &str = "query($e: String!, $v: Int!, $c: Int) {
  classifiedSpending(entityCode: $e, vigencia: $v, catalogueVersion: $c) {
    catalogueVersion population totalSpending classifiedShare translatedCodes
    classified { appropriation commitments obligations payments }
    competencies { code perInhabitant execution { commitments }
      peers { kind group spread { count median } }
      units { code name perInhabitant execution { appropriation commitments obligations payments } } }
    unclassified { code execution { commitments } }
  }
}";

const DATE: &str = "2026-01-01";

struct Scene {
    admin: String,
    dnp: String,
    dafp: String,
    medellin: String,
    envigado: String,
}

async fn scene(app: &TestApp) -> Scene {
    app.create_user("admin@sugit.gov.co", Role::Admin, None, None).await;
    app.create_user("luis@dnp.gov.co", Role::National, None, Some("DNP")).await;
    app.create_user("sec@funcionpublica.gov.co", Role::Secretariat, None, Some("DAFP")).await;
    app.create_user("ana@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    app.create_user("pedro@envigado.gov.co", Role::Territorial, Some("05266"), None).await;
    Scene {
        admin: app.login("admin@sugit.gov.co").await,
        dnp: app.login("luis@dnp.gov.co").await,
        dafp: app.login("sec@funcionpublica.gov.co").await,
        medellin: app.login("ana@medellin.gov.co").await,
        envigado: app.login("pedro@envigado.gov.co").await,
    }
}

fn add(code: &str, level: &str, parent: Option<&str>, name: &str) -> Value {
    json!({ "input": { "kind": "ADD", "reason": "Competencia de la Ley 715 de 2001", "item": {
        "code": code, "level": level, "parentCode": parent, "name": name,
        "description": format!("Descripción de {name}"), "entityKinds": ["MUNICIPALITY", "DISTRICT"],
        "legalBasis": "Ley 715 de 2001, art. 76" } } })
}

async fn call(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    app.graphql_as(Some(token), query, variables).await.1
}

async fn propose(app: &TestApp, token: &str, variables: Value) -> String {
    let body = call(app, token, PROPOSE, variables).await;
    body["data"]["proposeCatalogueChange"]["proposal"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

async fn approve(app: &TestApp, dafp: &str, ids: &[&str]) -> Value {
    let body = call(
        app,
        dafp,
        APPROVE,
        json!({ "input": { "proposalIds": ids, "effectiveOn": DATE, "note": "Revisado" } }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["approveCatalogueChanges"].clone()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.database().await;
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("count")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("n")
}

/// v1: EDU; v2: its units EDU-01 and EDU-02 with a service.
async fn two_versions(app: &TestApp, scene: &Scene) {
    let edu = propose(app, &scene.dnp, add("EDU", "COMPETENCY", None, "Educación")).await;
    let v1 = approve(app, &scene.dafp, &[&edu]).await;
    assert_eq!(v1["version"]["number"], 1);
    let unit =
        propose(app, &scene.dnp, add("EDU-01", "UNIT", Some("EDU"), "Prestación del servicio educativo"))
            .await;
    let other = propose(app, &scene.dnp, add("EDU-02", "UNIT", Some("EDU"), "Calidad educativa")).await;
    let v2 = approve(app, &scene.dafp, &[&unit, &other]).await;
    assert_eq!(v2["version"]["number"], 2);
    assert_eq!(v2["proposals"][0]["status"], "APPROVED");
    let service =
        propose(app, &scene.dnp, add("EDU-01-01", "SERVICE", Some("EDU-01"), "Matrícula oficial")).await;
    approve(app, &scene.dafp, &[&service]).await;
}

async fn the_protocol_versions_the_catalogue_and_refuses_bad_changes(app: &TestApp) {
    let scene = scene(app).await;
    let (_, body) = app.graphql("{ catalogue { version { number } } }", json!({})).await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    two_versions(app, &scene).await;

    // The tree of today's version, browsable by anyone.
    let data = app
        .query_ok("{ catalogue { version { number } competencies { code children { code level children { code name } } } } }", json!({}))
        .await;
    assert_eq!(data["catalogue"]["version"]["number"], 3);
    let units = &data["catalogue"]["competencies"][0]["children"];
    assert_eq!(units[0]["code"], "EDU-01");
    assert_eq!(units[0]["children"][0]["name"], "Matrícula oficial");

    // Bad inputs: BAD_USER_INPUT or CONFLICT with a Spanish reason, nothing written.
    let proposals = count(app, "classification_proposal").await;
    let audit = count(app, "audit_log").await;
    let reused = call(app, &scene.dnp, PROPOSE, add("EDU-01", "UNIT", Some("EDU"), "Otra cosa")).await;
    assert_eq!(error_codes(&reused), ["BAD_USER_INPUT"], "{reused}");
    assert!(
        reused["errors"][0]["message"].as_str().unwrap_or_default().contains("no se reutilizan"),
        "{reused}"
    );
    for (second_share, reason) in [(30, "100 %"), (60, "dos veces")] {
        let split = json!({ "input": { "kind": "SPLIT", "reason": "Dividir", "code": "EDU-01", "parts": [
            { "code": "EDU-03", "name": "Calidad", "sharePercent": 60 },
            { "code": "EDU-04", "name": "Cobertura", "sharePercent": second_share } ] } });
        let refused = call(app, &scene.dnp, PROPOSE, split).await;
        assert_eq!(error_codes(&refused), ["BAD_USER_INPUT"], "{refused}");
        assert!(refused["errors"][0]["message"].as_str().unwrap_or_default().contains(reason), "{refused}");
    }
    let missing = call(
        app,
        &scene.dnp,
        PROPOSE,
        json!({ "input": { "kind": "RENAME", "reason": "Nombre", "code": "EDU-01" } }),
    )
    .await;
    assert_eq!(error_codes(&missing), ["BAD_USER_INPUT"], "{missing}");
    let unknown = call(
        app,
        &scene.dnp,
        PROPOSE,
        json!({ "input": { "kind": "RETIRE", "reason": "Ya no", "code": "NADA-99" } }),
    )
    .await;
    assert_eq!(error_codes(&unknown), ["BAD_USER_INPUT"], "{unknown}");
    let territorial = call(app, &scene.medellin, PROPOSE, add("EDU-05", "UNIT", Some("EDU"), "Otra")).await;
    assert_eq!(error_codes(&territorial), ["FORBIDDEN"], "{territorial}");
    assert_eq!(count(app, "classification_proposal").await, proposals);
    assert_eq!(count(app, "audit_log").await, audit);

    // Free-text units of existing data elements are linked at the next version; the rest is listed.
    let element = |code: &str, unit: &str| {
        json!({ "code": code, "name": format!("Elemento {code}"), "description": code,
        "unit": "unidades", "valueType": "INTEGER", "competency": "EDUCACION", "programmaticUnit": unit })
    };
    let body = call(app, &scene.admin, "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) { requirement { code } } }", json!({ "input": {
        "code": "EDUCACION_BASICA", "name": "Educación básica", "issuerCode": "DNP", "legalBasis": "Prueba", "periodicity": "ANNUAL",
        "entityKinds": ["MUNICIPALITY", "DISTRICT"],
        "newDataElements": [element("MATRICULA_BASICA", "edu-01"), element("DOCENTES_BASICA", "Atención integral")] } })).await;
    assert!(body.get("errors").is_none(), "{body}");

    // Only Función Pública approves; a proposal is decided once.
    let rename = propose(
        app,
        &scene.dnp,
        json!({ "input": { "kind": "RENAME", "reason": "Claridad", "code": "EDU-02",
        "name": "Calidad y pertinencia educativa" } }),
    )
    .await;
    for token in [&scene.dnp, &scene.admin, &scene.medellin] {
        let body = call(
            app,
            token,
            APPROVE,
            json!({ "input": { "proposalIds": [rename], "effectiveOn": DATE, "note": "Sí" } }),
        )
        .await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    }
    let versions = count(app, "classification_version").await;
    let bad_date = call(
        app,
        &scene.dafp,
        APPROVE,
        json!({ "input": { "proposalIds": [rename], "effectiveOn": "2020-01-01", "note": "Sí" } }),
    )
    .await;
    assert_eq!(error_codes(&bad_date), ["BAD_USER_INPUT"], "{bad_date}");
    // An ATT offer and a knowledge product name a unit too: by code, and by the name
    // the rename gives; both are linked when the version comes (and by the linker before).
    let body = call(app, &scene.dnp, "mutation($input: OfferInputObject!) { createOffer(input: $input) { offer { id programmaticUnit } } }",
        json!({ "input": { "title": "Acompañamiento a la matrícula", "topic": "educación", "modality": "VIRTUAL",
            "targetKinds": ["MUNICIPALITY"], "description": "Acompañamiento técnico a las secretarías en la matrícula oficial.",
            "startsOn": "2026-01-01", "endsOn": "2030-12-31", "capacity": 3, "contact": "att@dnp.gov.co",
            "programmaticUnit": " edu-01 " } })).await;
    assert_eq!(body["data"]["createOffer"]["offer"]["programmaticUnit"], "edu-01", "{body}");
    let offer_id = body["data"]["createOffer"]["offer"]["id"].clone();
    let body = call(app, &scene.admin, "mutation($input: AddKnowledgeProductInput!) { addKnowledgeProduct(input: $input) { product { id programmaticUnit } } }",
        json!({ "input": { "format": "MARKDOWN", "type": "GUIDE", "organisationCode": "DNP",
            "content": "---\nunidad: Calidad y pertinencia educativa\n---\n# Guía de calidad educativa\n\nCómo medir la calidad en el aula." } })).await;
    assert_eq!(
        body["data"]["addKnowledgeProduct"]["product"]["programmaticUnit"], "Calidad y pertinencia educativa",
        "{body}"
    );
    let product_id = body["data"]["addKnowledgeProduct"]["product"]["id"].clone();
    let v4 = approve(app, &scene.dafp, &[&rename]).await;
    assert_eq!(v4["version"]["number"], 4);
    let twice = call(
        app,
        &scene.dafp,
        APPROVE,
        json!({ "input": { "proposalIds": [rename], "effectiveOn": DATE, "note": "Otra vez" } }),
    )
    .await;
    assert_eq!(error_codes(&twice), ["CONFLICT"], "{twice}");
    assert_eq!(count(app, "classification_version").await, versions + 1);

    let references =
        "query($u: Boolean) { unitReferences(unmatchedOnly: $u) { kind subjectCode freeText unitCode } }";
    let linked = call(app, &scene.admin, references, json!({})).await;
    assert_eq!(
        linked["data"]["unitReferences"],
        json!([
            { "kind": "DATA_ELEMENT", "subjectCode": "DOCENTES_BASICA", "freeText": "Atención integral", "unitCode": null },
            { "kind": "DATA_ELEMENT", "subjectCode": "MATRICULA_BASICA", "freeText": "edu-01", "unitCode": "EDU-01" },
            { "kind": "KNOWLEDGE_PRODUCT", "subjectCode": product_id, "freeText": "Calidad y pertinencia educativa", "unitCode": "EDU-02" },
            { "kind": "OFFER", "subjectCode": offer_id, "freeText": "edu-01", "unitCode": "EDU-01" },
        ]),
        "{linked}"
    );
    let unmatched = call(app, &scene.admin, references, json!({ "u": true })).await;
    assert_eq!(unmatched["data"]["unitReferences"].as_array().map(Vec::len), Some(1), "{unmatched}");
    let refused = call(app, &scene.dnp, references, json!({})).await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"], "{refused}");

    let retire = propose(
        app,
        &scene.dnp,
        json!({ "input": { "kind": "RETIRE", "reason": "Sin uso", "code": "EDU-02" } }),
    )
    .await;
    let rejected = call(
        app,
        &scene.dafp,
        REJECT,
        json!({ "id": retire, "note": "La calidad sigue siendo competencia" }),
    )
    .await;
    assert_eq!(rejected["data"]["rejectCatalogueChange"]["proposal"]["status"], "REJECTED", "{rejected}");
    let again = call(app, &scene.dafp, REJECT, json!({ "id": retire, "note": "Otra vez" })).await;
    assert_eq!(error_codes(&again), ["CONFLICT"], "{again}");
    let approve_rejected = call(
        app,
        &scene.dafp,
        APPROVE,
        json!({ "input": { "proposalIds": [retire], "effectiveOn": DATE, "note": "Sí" } }),
    )
    .await;
    assert_eq!(error_codes(&approve_rejected), ["CONFLICT"], "{approve_rejected}");

    // Every version stays readable; the diff says what changed.
    let old = app.query_ok("{ catalogue(version: 2) { items { code name } } }", json!({})).await;
    assert_eq!(old["catalogue"]["items"][2]["name"], "Calidad educativa", "{old}");
    let diff =
        app.query_ok("{ catalogueDiff(from: 1, to: 4) { code kind nameBefore nameAfter } }", json!({})).await;
    let kinds: Vec<(String, String)> = diff["catalogueDiff"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["kind"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("EDU-01".into(), "ADDED".into()),
            ("EDU-01-01".into(), "ADDED".into()),
            ("EDU-02".into(), "ADDED".into())
        ]
    );
    let diff =
        app.query_ok("{ catalogueDiff(from: 3, to: 4) { code kind nameBefore nameAfter } }", json!({})).await;
    assert_eq!(diff["catalogueDiff"][0]["kind"], "RENAMED");
    assert_eq!(diff["catalogueDiff"][0]["nameAfter"], "Calidad y pertinencia educativa");
    let pending = app
        .query_ok(
            "{ catalogueProposals(status: REJECTED) { totalCount edges { node { id decisionNote } } } }",
            json!({}),
        )
        .await;
    assert_eq!(pending["catalogueProposals"]["totalCount"], 1);

    // Search and export.
    let found = app.query_ok(r#"{ catalogue(query: "matricula") { items { code } } }"#, json!({})).await;
    assert_eq!(found["catalogue"]["items"][0]["code"], "EDU-01-01");
    let csv = app.client.get(app.url("/clasificacion/catalogo.csv?version=2")).send().await.expect("csv");
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.expect("text");
    assert!(text.starts_with("codigo,nivel,padre,nombre"), "{text}");
    assert_eq!(text.lines().count(), 4, "{text}");
    let json = app.client.get(app.url("/clasificacion/catalogo.json?version=99")).send().await.expect("json");
    assert_eq!(json.status(), 404);
}

fn line(unit: &str, amounts: [f64; 4]) -> Value {
    json!({ "unitCode": unit, "appropriation": amounts[0], "commitments": amounts[1], "obligations": amounts[2], "payments": amounts[3] })
}

async fn report(app: &TestApp, token: &str, entity: &str, key: &str, lines: Vec<Value>) -> Value {
    call(
        app,
        token,
        REPORT,
        json!({ "input": { "entityCode": entity, "vigencia": 2024, "idempotencyKey": key, "lines": lines } }),
    )
    .await
}

async fn spending_is_reported_once_and_shown_in_todays_codes(app: &TestApp) {
    let scene = scene(app).await;
    two_versions(app, &scene).await;
    // Population and total spending, reported once through reporting like any value.
    let element = |code: &str| json!({ "code": code, "name": format!("Elemento {code}"), "description": code, "unit": "unidades", "valueType": "NUMBER", "competency": "HACIENDA" });
    let body = call(app, &scene.admin, "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) { requirement { code } } }", json!({ "input": {
        "code": "BASICOS", "name": "Datos básicos", "issuerCode": "DNP", "legalBasis": "Prueba", "periodicity": "ANNUAL",
        "entityKinds": ["MUNICIPALITY", "DISTRICT"], "newDataElements": [element("POBLACION_TOTAL"), element("INVERSION_TOTAL")] } })).await;
    assert!(body.get("errors").is_none(), "{body}");
    for (token, entity, population, total) in
        [(&scene.medellin, "05001", "1000", "200000"), (&scene.envigado, "05266", "500", "200")]
    {
        let body = call(app, token, "mutation($input: SubmitReportInput!) { submitReport(input: $input) { accepted } }", json!({ "input": {
            "entityCode": entity, "period": "2024", "requirementCode": "BASICOS", "idempotencyKey": "basicos",
            "values": [{ "dataElementCode": "POBLACION_TOTAL", "value": population }, { "dataElementCode": "INVERSION_TOTAL", "value": total }] } })).await;
        assert!(body.get("errors").is_none(), "{body}");
    }

    // Bad reports: refused whole, nothing written.
    let sheets = count(app, "observation_sheet").await;
    let submissions = count(app, "submission").await;
    for (token, entity, lines, code) in [
        (&scene.medellin, "05001", vec![line("EDU-01", [100.0, 80.0, 60.0, 70.0])], "BAD_USER_INPUT"),
        (
            &scene.medellin,
            "05001",
            vec![line("EDU-01", [100.0, 80.0, 60.0, 50.0]), line("NADA-01", [1.0, 1.0, 1.0, 1.0])],
            "BAD_USER_INPUT",
        ),
        (&scene.medellin, "05001", vec![line("EDU", [1.0, 1.0, 1.0, 1.0])], "BAD_USER_INPUT"),
        (
            &scene.medellin,
            "05001",
            vec![line("EDU-01", [100.0, 80.0, 60.0, 50.0]), line("EDU-01", [1.0, 1.0, 1.0, 1.0])],
            "BAD_USER_INPUT",
        ),
        (&scene.medellin, "05001", vec![line("EDU-01", [-1.0, 0.0, 0.0, 0.0])], "BAD_USER_INPUT"),
        (&scene.medellin, "05001", vec![], "BAD_USER_INPUT"),
        (&scene.medellin, "05266", vec![line("EDU-01", [100.0, 80.0, 60.0, 50.0])], "FORBIDDEN"),
        (&scene.dnp, "05001", vec![line("EDU-01", [100.0, 80.0, 60.0, 50.0])], "FORBIDDEN"),
    ] {
        let body = report(app, token, entity, "malo", lines).await;
        assert_eq!(error_codes(&body), [code], "{body}");
        assert!(body["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(count(app, "observation_sheet").await, sheets);
    assert_eq!(count(app, "submission").await, submissions);

    let lines = vec![
        line("EDU-01", [100_000.0, 80_000.0, 60_000.0, 50_000.0]),
        line("EDU-02", [50_000.0, 40_000.0, 30_000.0, 20_000.0]),
    ];
    let first = report(app, &scene.medellin, "05001", "gasto-2024", lines.clone()).await;
    assert_eq!(first["data"]["reportSpending"]["units"], 2, "{first}");
    assert_eq!(first["data"]["reportSpending"]["accepted"], 8, "{first}");
    // The same figures again: the same answer, nothing written twice (report once).
    let submitted = count(app, "submission").await;
    let again = report(app, &scene.medellin, "05001", "gasto-2024-bis", lines).await;
    assert_eq!(again["data"]["reportSpending"], first["data"]["reportSpending"], "{again}");
    assert_eq!(count(app, "submission").await, submitted);
    // A changed figure of one unit is a correction of that unit only.
    let corrected = report(
        app,
        &scene.medellin,
        "05001",
        "gasto-2024-corr",
        vec![line("EDU-02", [50_000.0, 40_000.0, 30_000.0, 25_000.0])],
    )
    .await;
    assert_eq!(corrected["data"]["reportSpending"]["corrections"], 1, "{corrected}");
    assert_eq!(corrected["data"]["reportSpending"]["duplicates"], 3, "{corrected}");
    let envigado = report(
        app,
        &scene.envigado,
        "05266",
        "gasto",
        vec![line("EDU-01", [30_000.0, 20_000.0, 10_000.0, 5_000.0])],
    )
    .await;
    assert!(envigado.get("errors").is_none(), "{envigado}");
    // The spending elements are requirements of reporting, with their status.
    let status = app
        .query_ok(r#"{ requirementStatus(entityCode: "05001", requirementCode: "GASTO_EDU-01", period: "2024") { missingCount elements { dataElement { code programmaticUnit } state } } }"#, json!({}))
        .await;
    assert_eq!(status["requirementStatus"]["missingCount"], 0, "{status}");
    assert_eq!(status["requirementStatus"]["elements"][0]["dataElement"]["programmaticUnit"], "EDU-01");

    let view = app.query_ok(SPENDING, json!({ "e": "05001", "v": 2024 })).await["classifiedSpending"].clone();
    assert_eq!(view["population"], 1000.0);
    assert_eq!(view["classified"]["commitments"], 120_000.0);
    let education = &view["competencies"][0];
    assert_eq!(education["perInhabitant"], 120.0, "{view}");
    let department = education["peers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["kind"] == "DEPARTMENT")
        .cloned()
        .unwrap_or_default();
    assert_eq!(department["spread"]["count"], 2, "{view}");
    assert_eq!(department["spread"]["median"], 80.0, "{view}"); // (120 + 40) / 2 per inhabitant
    assert_eq!(view["classifiedShare"], 0.6, "{view}");

    // v5: EDU-01 splits 70/30 into EDU-03 (new) and EDU-02; EDU-04 is added and retired without successor later.
    let split = propose(app, &scene.dnp, json!({ "input": { "kind": "SPLIT", "reason": "Separar cobertura y calidad", "code": "EDU-01",
        "parts": [{ "code": "EDU-03", "name": "Cobertura educativa", "sharePercent": 70 }, { "code": "EDU-02", "sharePercent": 30 }] } }))
    .await;
    approve(app, &scene.dafp, &[&split]).await;
    let crosswalk =
        app.query_ok("{ catalogueCrosswalk { version fromCode toCode sharePercent } }", json!({})).await;
    assert_eq!(crosswalk["catalogueCrosswalk"].as_array().map(Vec::len), Some(2), "{crosswalk}");

    // The old report keeps its code; today's view translates it.
    let today =
        app.query_ok(SPENDING, json!({ "e": "05001", "v": 2024 })).await["classifiedSpending"].clone();
    assert_eq!(today["translatedCodes"], json!(["EDU-01"]), "{today}");
    let units = today["competencies"][0]["units"].as_array().cloned().unwrap_or_default();
    let of = |code: &str| units.iter().find(|u| u["code"] == code).cloned().unwrap_or_default();
    assert_eq!(of("EDU-03")["execution"]["commitments"], 56_000.0, "{today}");
    assert_eq!(of("EDU-02")["execution"]["commitments"], 64_000.0, "{today}");
    assert_eq!(today["classified"]["commitments"], 120_000.0, "nothing lost, nothing counted twice");
    let then = app.query_ok(SPENDING, json!({ "e": "05001", "v": 2024, "c": 3 })).await["classifiedSpending"]
        .clone();
    assert_eq!(then["competencies"][0]["units"][0]["code"], "EDU-01", "{then}");

    // A legacy code with a crosswalk enters through it; one retired without successor is refused.
    let legacy = report(
        app,
        &scene.envigado,
        "05266",
        "legado",
        vec![line("EDU-01", [30_000.0, 20_000.0, 10_000.0, 5_000.0])],
    )
    .await;
    assert_eq!(legacy["data"]["reportSpending"]["throughCrosswalk"], json!(["EDU-01"]), "{legacy}");
    let add_unit =
        propose(app, &scene.dnp, add("EDU-04", "UNIT", Some("EDU"), "Educación para adultos")).await;
    approve(app, &scene.dafp, &[&add_unit]).await;
    let retire = propose(
        app,
        &scene.dnp,
        json!({ "input": { "kind": "RETIRE", "reason": "Se deja de usar", "code": "EDU-04" } }),
    )
    .await;
    approve(app, &scene.dafp, &[&retire]).await;
    let sheets = count(app, "observation_sheet").await;
    let refused =
        report(app, &scene.medellin, "05001", "retirado", vec![line("EDU-04", [1.0, 1.0, 1.0, 1.0])]).await;
    assert_eq!(error_codes(&refused), ["BAD_USER_INPUT"], "{refused}");
    assert!(refused["errors"][0]["message"].as_str().unwrap_or_default().contains("sin cruce"), "{refused}");
    assert_eq!(count(app, "observation_sheet").await, sheets);
}

const SET_MAPPING: &str = "mutation($rows: [AccountMappingInput!]!) {
  setAccountMapping(rows: $rows) { accountCode unitCode note setBy }
}";

const IMPORT: &str = "mutation($input: ImportLegacySpendingInput!) {
  importLegacySpending(input: $input) {
    dryRun rows classifiedRows totalLines
    units { unitCode lines amounts { appropriation commitments } }
    unmapped { line accountCode name amounts { commitments } }
    accepted duplicates corrections conflicts
  }
}";

/// A legacy execution file as a municipality's spreadsheet exports it: «;», accents in the
/// headers, Colombian thousands, totals above their detail rows, and a road account that no
/// mapping reaches (line 7).
const LEGACY_FILE: &str = "Cuenta;Nombre;Apropiación definitiva;Compromisos;Obligaciones;Pagos
A;Total inversión;3.300.000,50;2.100.000;1.700.000;1.350.000
A.1;Educación;2.600.000,50;1.500.000;1.200.000;950.000
A.1.1;Docentes;1.000.000;900.000;800.000;700.000
A.1.2;Matrícula;500.000;400.000;300.000;200.000
A.1.5;Calidad;300.000,50;200.000;100.000;50.000
A.9.1;Vías terciarias;700.000;600.000;500.000;400.000
";

fn legacy(entity: &str, key: &str, csv: &str, dry_run: bool) -> Value {
    json!({ "input": { "entityCode": entity, "vigencia": 2024, "idempotencyKey": key, "csv": csv, "dryRun": dry_run } })
}

async fn a_legacy_file_is_classified_through_the_account_mapping(app: &TestApp) {
    let scene = scene(app).await;
    two_versions(app, &scene).await;

    // Only Función Pública keeps the mapping, and only to units of the version in force.
    let body = call(
        app,
        &scene.medellin,
        SET_MAPPING,
        json!({ "rows": [{ "accountCode": "A.1", "unitCode": "EDU-01" }] }),
    )
    .await;
    assert_eq!(error_codes(&body), vec!["FORBIDDEN"], "{body}");
    for (rows, says) in [
        (
            json!([{ "accountCode": "A.1", "unitCode": "EDU-01" }, { "accountCode": "A.2", "unitCode": "EDU" }]),
            "«EDU» es una competencia",
        ),
        (json!([{ "accountCode": "A..1", "unitCode": "EDU-01" }]), "la cuenta «A..1» no es válida"),
        (
            json!([{ "accountCode": "A.1", "unitCode": "EDU-01" }, { "accountCode": "a.1", "unitCode": "EDU-02" }]),
            "la cuenta A.1 aparece dos veces",
        ),
        (
            json!([{ "accountCode": "A.1", "unitCode": "SAL-01" }]),
            "«SAL-01» no es una unidad del catálogo vigente",
        ),
    ] {
        let body = call(app, &scene.dafp, SET_MAPPING, json!({ "rows": rows })).await;
        assert_eq!(error_codes(&body), vec!["BAD_USER_INPUT"], "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains(says), "{body}");
    }
    assert_eq!(count(app, "classification_account_map").await, 0);
    let body = call(
        app,
        &scene.dafp,
        SET_MAPPING,
        json!({ "rows": [
        { "accountCode": "A.1.5", "unitCode": "EDU-02", "note": "Calidad educativa" },
        { "accountCode": " a.1 ", "unitCode": "edu-01" },
    ] }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["setAccountMapping"][0]["accountCode"], "A.1");
    assert_eq!(body["data"]["setAccountMapping"][0]["setBy"], "sec@funcionpublica.gov.co");

    // Anyone reads the mapping, a page at a time in account order.
    let page = "query($after: String) { accountMapping(first: 1, after: $after) { totalCount edges { node { accountCode unitCode } } pageInfo { hasNextPage endCursor } } }";
    let first = app.query_ok(page, json!({})).await["accountMapping"].clone();
    assert_eq!(
        (first["totalCount"].clone(), first["edges"][0]["node"]["accountCode"].clone()),
        (json!(2), json!("A.1"))
    );
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let second = app.query_ok(page, json!({ "after": first["pageInfo"]["endCursor"] })).await
        ["accountMapping"]
        .clone();
    assert_eq!(second["edges"][0]["node"]["unitCode"], "EDU-02");
    assert_eq!(second["pageInfo"]["hasNextPage"], false);

    // A bad row refuses the whole file, by line; nothing is written.
    let observations = count(app, "submission").await;
    let bad = LEGACY_FILE.replace("A.1.2;Matrícula;500.000;400.000", "A.1.2;Matrícula;300.000;400.000");
    let body = call(app, &scene.medellin, IMPORT, legacy("05001", "heredado-1", &bad, false)).await;
    assert_eq!(error_codes(&body), vec!["BAD_USER_INPUT"], "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("línea 5: cuenta A.1.2: compromisos"), "{message}");
    let body = call(app, &scene.envigado, IMPORT, legacy("05001", "heredado-2", LEGACY_FILE, false)).await;
    assert_eq!(error_codes(&body), vec!["FORBIDDEN"], "{body}");

    // A dry run refuses what the import would refuse.
    let mut wrong_year = legacy("05001", "heredado-0", LEGACY_FILE, true);
    wrong_year["input"]["vigencia"] = json!(1800);
    let message = refused_message(&call(app, &scene.medellin, IMPORT, wrong_year).await);
    assert_eq!(message, "la vigencia 1800 no es un año válido");

    // A dry run shows how every row goes, writing nothing.
    let body = call(app, &scene.medellin, IMPORT, legacy("05001", "heredado-3", LEGACY_FILE, true)).await;
    assert!(body.get("errors").is_none(), "{body}");
    let plan = &body["data"]["importLegacySpending"];
    assert_eq!(plan["dryRun"], true);
    assert_eq!((plan["rows"].clone(), plan["classifiedRows"].clone()), (json!(6), json!(3)), "{plan}");
    assert_eq!(plan["totalLines"], json!([2, 3]), "totals are not counted twice: {plan}");
    assert_eq!(plan["units"][0]["unitCode"], "EDU-01");
    assert_eq!(plan["units"][0]["lines"], json!([4, 5]));
    assert_eq!(plan["units"][0]["amounts"]["commitments"], 1_300_000.0);
    assert_eq!(plan["units"][1]["amounts"]["appropriation"], 300_000.5);
    assert_eq!(
        plan["unmapped"],
        json!([{ "line": 7, "accountCode": "A.9.1", "name": "Vías terciarias", "amounts": { "commitments": 600_000.0 } }])
    );
    assert_eq!(plan["accepted"], 0);
    assert_eq!(count(app, "submission").await, observations, "a dry run writes nothing");

    // The import travels by the report-once path: the same file twice is a duplicate.
    let body = call(app, &scene.medellin, IMPORT, legacy("05001", "heredado-4", LEGACY_FILE, false)).await;
    let first = body.clone();
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["importLegacySpending"]["dryRun"], false);
    assert_eq!(body["data"]["importLegacySpending"]["accepted"], 8, "{body}");
    let view = app.query_ok(SPENDING, json!({ "e": "05001", "v": 2024 })).await["classifiedSpending"].clone();
    let units = &view["competencies"][0]["units"];
    assert_eq!(units[0]["code"], "EDU-01");
    assert_eq!(units[0]["execution"]["commitments"], 1_300_000.0, "{view}");
    assert_eq!(units[1]["execution"]["appropriation"], 300_000.5, "{view}");
    let submitted = count(app, "submission").await;
    let again = call(app, &scene.medellin, IMPORT, legacy("05001", "heredado-5", LEGACY_FILE, false)).await;
    assert_eq!(again, first, "the same file again is the same delivery");
    assert_eq!(count(app, "submission").await, submitted);
    // A corrected file corrects only what changed: EDU-02's commitments (its other three
    // values are duplicates; EDU-01's unit, unchanged, is the same delivery as before).
    let corrected =
        LEGACY_FILE.replace("A.1.5;Calidad;300.000,50;200.000", "A.1.5;Calidad;300.000,50;250.000");
    let body = call(app, &scene.medellin, IMPORT, legacy("05001", "heredado-6", &corrected, false)).await;
    assert_eq!(body["data"]["importLegacySpending"]["corrections"], 1, "{body}");
    assert_eq!(body["data"]["importLegacySpending"]["duplicates"], 3, "{body}");
    let view = app.query_ok(SPENDING, json!({ "e": "05001", "v": 2024 })).await["classifiedSpending"].clone();
    assert_eq!(view["competencies"][0]["units"][1]["execution"]["commitments"], 250_000.0, "{view}");
}

const UNIT_SEARCH: &str = "query($q: String!) { search(query: $q, kinds: [UNIT]) { edges { node { kind title object { ... on CatalogueItem { code level legalBasis } } } } } }";

/// Polls the one search box until `query` finds the unit `code` (or no longer does).
async fn unit_found(app: &TestApp, query: &str, code: &str, present: bool) {
    for _ in 0..100 {
        let data = app.query_ok(UNIT_SEARCH, json!({ "q": query })).await;
        let codes: Vec<String> = data["search"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|edge| edge["node"]["object"]["code"].as_str().map(str::to_owned))
            .collect();
        if codes.iter().any(|c| c == code) == present {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{code} {} for «{query}» after 5 s", if present { "not found" } else { "still found" });
}

async fn the_units_in_force_are_in_the_one_search_box(app: &TestApp) {
    let scene = scene(app).await;
    two_versions(app, &scene).await;
    // A unit is found by its name and by the services it delivers.
    unit_found(app, "calidad educativa", "EDU-02", true).await;
    unit_found(app, "matricula oficial", "EDU-01", true).await;
    let data = app.query_ok(UNIT_SEARCH, json!({ "q": "matricula oficial" })).await;
    let hit = &data["search"]["edges"][0]["node"];
    assert_eq!(
        (hit["kind"].clone(), hit["object"]["level"].clone()),
        (json!("UNIT"), json!("UNIT")),
        "{data}"
    );
    assert_eq!(hit["object"]["legalBasis"], "Ley 715 de 2001, art. 76");
    // A retired unit leaves the search box with the version that retires it.
    let retire = propose(
        app,
        &scene.dnp,
        json!({ "input": { "kind": "RETIRE", "reason": "Sin uso", "code": "EDU-02" } }),
    )
    .await;
    approve(app, &scene.dafp, &[&retire]).await;
    unit_found(app, "calidad educativa", "EDU-02", false).await;
}

backend_tests!(
    the_protocol_versions_the_catalogue_and_refuses_bad_changes,
    spending_is_reported_once_and_shown_in_todays_codes,
    a_legacy_file_is_classified_through_the_account_mapping,
    the_units_in_force_are_in_the_one_search_box,
);

/// The message of a `BAD_USER_INPUT` answer (panics on any other).
fn refused_message(body: &Value) -> String {
    assert_eq!(error_codes(body), vec!["BAD_USER_INPUT"], "{body}");
    body["errors"][0]["message"].as_str().unwrap_or_default().to_owned()
}

/// The element of a JSON list whose `field` is `value` (null when none is).
fn find(list: &Value, field: &str, value: &str) -> Value {
    list.as_array().into_iter().flatten().find(|item| item[field] == value).cloned().unwrap_or_default()
}

/// The demo: a first catalogue from Ley 715 and Ley 1551, a second version made through the
/// protocol, and the spending of Antioquia's municipalities, labelled as synthetic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_catalogue_has_its_competencies_versions_and_spending_labelled_as_synthetic() {
    let Some(app) =
        TestApp::spawn_with(sugit_tests::Backend::Sqlite, |settings| settings.demo = Some(true)).await
    else {
        return;
    };
    let data = app
        .query_ok(
            "{ catalogueVersions { number note } v1: catalogue(version: 1) { competencies: count(level: COMPETENCY) units: count(level: UNIT) services: count(level: SERVICE) }
               pending: catalogueProposals(status: PENDING) { totalCount } rejected: catalogueProposals(status: REJECTED) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(data["v1"]["competencies"].as_i64().unwrap_or_default() >= 12, "{data}");
    assert!(data["v1"]["units"].as_i64().unwrap_or_default() >= 60, "{data}");
    assert!(data["v1"]["services"].as_i64().unwrap_or_default() >= 60, "{data}");
    assert_eq!(data["catalogueVersions"].as_array().map(Vec::len), Some(2), "{data}");
    assert!(data["catalogueVersions"][0]["note"]
        .as_str()
        .unwrap_or_default()
        .contains("datos sintéticos de demostración"));
    assert_eq!(data["pending"]["totalCount"], 1);
    assert_eq!(data["rejected"]["totalCount"], 1);

    // Apartadó's 2024 was reported under version 1: shown in today's codes through the crosswalk.
    let view = app.query_ok(SPENDING, json!({ "e": "05045", "v": 2024 })).await["classifiedSpending"].clone();
    assert_eq!(view["catalogueVersion"], 2);
    assert_eq!(view["translatedCodes"], json!(["SAL-03", "TRA-04", "TRA-05"]), "{view}");
    let share = view["classifiedShare"].as_f64().unwrap_or_default();
    assert!((0.7..0.95).contains(&share), "{share} {view}");
    assert!(view["competencies"].as_array().map(Vec::len).unwrap_or_default() >= 12, "{view}");
    let health = find(&view["competencies"], "code", "SAL");
    assert!(health["perInhabitant"].as_f64().unwrap_or_default() > 0.0, "{health}");
    let department = find(&health["peers"], "kind", "DEPARTMENT");
    assert!(department["spread"]["count"].as_i64().unwrap_or_default() >= 30, "{department}");
    let units: Vec<&str> =
        health["units"].as_array().into_iter().flatten().filter_map(|u| u["code"].as_str()).collect();
    assert!(
        units.contains(&"SAL-07") && units.contains(&"SAL-08") && !units.contains(&"SAL-03"),
        "{units:?}"
    );
    // 2025 came under version 2's codes directly.
    let view = app.query_ok(SPENDING, json!({ "e": "05045", "v": 2025 })).await["classifiedSpending"].clone();
    assert_eq!(view["translatedCodes"], json!([]), "{view}");

    // What a student and a teacher cost Apartadó, beside its peers: an indicator counts each service.
    let costs = app
        .query_ok(
            r#"{ classifiedSpending(entityCode: "05045", vigencia: 2025) { competencies { code units { code execution { commitments }
                 services { serviceCode indicatorCode measure delivered costPerService peers { kind spread { count median } } } } } } }"#,
            json!({}),
        )
        .await;
    let education = find(&costs["classifiedSpending"]["competencies"], "code", "EDU");
    let provision = find(&education["units"], "code", "EDU-01");
    let services = provision["services"].as_array().cloned().unwrap_or_default();
    let codes: Vec<&str> = services.iter().filter_map(|s| s["serviceCode"].as_str()).collect();
    assert_eq!(codes, ["EDU-01-01", "EDU-01-02"], "{provision}");
    let students = &services[0];
    assert_eq!(
        (students["indicatorCode"].clone(), students["measure"].clone()),
        (json!("MATRICULA_ATENDIDA"), json!("estudiantes"))
    );
    let delivered = students["delivered"].as_f64().unwrap_or_default();
    let cost = students["costPerService"].as_f64().unwrap_or_default();
    let commitments = provision["execution"]["commitments"].as_f64().unwrap_or_default();
    assert!(delivered > 0.0 && (cost - commitments / delivered).abs() < 1e-6, "{students}");
    let department = find(&students["peers"], "kind", "DEPARTMENT");
    assert!(department["spread"]["count"].as_i64().unwrap_or_default() >= 30, "{department}");

    // A legacy file can come in: the demo maps an illustrative FUT sub-account to every unit in force.
    let mapping = app
        .query_ok(
            "{ accountMapping(first: 1) { totalCount edges { node { accountCode unitCode note } } } }",
            json!({}),
        )
        .await;
    assert!(mapping["accountMapping"]["totalCount"].as_i64().unwrap_or_default() >= 60, "{mapping}");
    assert_eq!(mapping["accountMapping"]["edges"][0]["node"]["accountCode"], "A.1.1");
    assert!(mapping["accountMapping"]["edges"][0]["node"]["note"]
        .as_str()
        .unwrap_or_default()
        .contains("datos sintéticos de demostración"));
}
