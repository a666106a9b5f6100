//! Monitoring through the API: indicators registered as data, computed from
//! the served values, kept current as values arrive, placed among peers.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sugit::access::Role;
use sugit_tests::{backend_tests, error_codes, TestApp};

const REGISTER: &str = "mutation($input: RegisterIndicatorInput!) {
  registerIndicator(input: $input) { indicator { code version formula dataElementCodes ownerCode } }
}";

const SUBMIT: &str = "mutation($input: SubmitReportInput!) { submitReport(input: $input) { accepted } }";

const ENTITY: &str = "query($e: String!, $p: String!) {
  entityIndicators(entityCode: $e, period: $p) {
    period
    indicators {
      indicator { code }
      result { value inConflict missingInputs conflictingInputs reason }
      trafficLight previousValue change
      peers { kind group rank spread { count q1 median q3 } }
      series { period value }
    }
  }
}";

struct Scene {
    admin: String,
    dnp: String,
    medellin: String,
    antioquia: String,
}

/// A requirement with two numbers and a date, answered by municipalities and departments.
async fn scene(app: &TestApp) -> Scene {
    app.create_user("admin@sugit.gov.co", Role::Admin, None, None).await;
    app.create_user("luis@dnp.gov.co", Role::National, None, Some("DNP")).await;
    app.create_user("ana@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    app.create_user("gob@antioquia.gov.co", Role::Territorial, Some("05"), None).await;
    let admin = app.login("admin@sugit.gov.co").await;
    let element = |code: &str, value_type: &str| json!({ "code": code, "name": format!("Elemento {code}"), "description": code, "unit": "unidades", "valueType": value_type, "competency": "EDUCACION" });
    let (_, body) = app
        .graphql_as(Some(&admin), "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) { requirement { code } } }", json!({ "input": {
            "code": "MONITOREO", "name": "Reporte para el monitoreo", "issuerCode": "MINEDUCACION", "legalBasis": "Prueba",
            "periodicity": "ANNUAL", "entityKinds": ["MUNICIPALITY", "DISTRICT", "DEPARTMENT"],
            "newDataElements": [element("POBLACION", "INTEGER"), element("MATRICULA", "INTEGER"), element("CORTE", "DATE")],
        } }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    Scene {
        admin,
        dnp: app.login("luis@dnp.gov.co").await,
        medellin: app.login("ana@medellin.gov.co").await,
        antioquia: app.login("gob@antioquia.gov.co").await,
    }
}

fn coverage(formula: &str, lower: f64, upper: f64) -> Value {
    json!({ "input": {
        "code": "COBERTURA_MATRICULA", "name": "Matrícula por cada 100 habitantes", "competency": "EDUCACION",
        "formula": formula, "unit": "por cada 100 habitantes", "direction": "HIGHER_IS_BETTER",
        "lowerThreshold": lower, "upperThreshold": upper, "periodicity": "ANNUAL", "sourceNote": "Prueba del monitoreo",
    } })
}

/// Sends `values` (element, value, subject) for `period` as `reporter`.
async fn submit(
    app: &TestApp,
    token: &str,
    reporter: &str,
    period: &str,
    key: &str,
    values: &[(&str, &str, &str)],
) {
    let values: Vec<Value> = values
        .iter()
        .map(|(element, value, subject)| json!({ "dataElementCode": element, "value": value, "subjectCode": subject }))
        .collect();
    let (_, body) = app
        .graphql_as(Some(token), SUBMIT, json!({ "input": {
            "entityCode": reporter, "period": period, "requirementCode": "MONITOREO", "idempotencyKey": key, "values": values,
        } }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
}

async fn indicator_of(app: &TestApp, entity: &str, period: &str) -> Value {
    let data = app.query_ok(ENTITY, json!({ "e": entity, "p": period })).await;
    data["entityIndicators"]["indicators"][0].clone()
}

/// Waits until the entity's first indicator satisfies `ready` (the follower
/// recomputes from the outbox); returns it and how long it took.
async fn until(app: &TestApp, entity: &str, ready: impl Fn(&Value) -> bool) -> (Value, Duration) {
    let started = Instant::now();
    loop {
        let indicator = indicator_of(app, entity, "2025").await;
        if ready(&indicator) {
            return (indicator, started.elapsed());
        }
        assert!(started.elapsed() < Duration::from_secs(5), "not recomputed: {indicator}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn audit_count(app: &TestApp, admin: &str) -> Value {
    let (_, body) = app
        .graphql_as(
            Some(admin),
            r#"{ auditLog(filter: { action: "register_indicator" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    body["data"]["auditLog"]["totalCount"].clone()
}

async fn bad_indicators_are_refused_with_the_reason_and_nothing_written(app: &TestApp) {
    let scene = scene(app).await;
    for (formula, lower, upper, reason) in [
        ("MATRICULA / NO_EXISTE * 100", 10.0, 50.0, "no existen en el catálogo: NO_EXISTE"),
        ("MATRICULA / CORTE", 10.0, 50.0, "no son numéricos (texto, sí/no o fecha): CORTE"),
        ("CORTE + 1", 10.0, 50.0, "no son numéricos"),
        ("MATRICULA / (POBLACION", 10.0, 50.0, "falta «)»"),
        ("MATRICULA / 0", 10.0, 50.0, "divide por cero"),
        ("MATRICULA / POBLACION * 100", 50.0, 10.0, "umbrales están en desorden"),
    ] {
        let (_, body) = app.graphql_as(Some(&scene.dnp), REGISTER, coverage(formula, lower, upper)).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{formula}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(reason), "{formula}: {message}");
    }
    // A periodicity the schema does not know is refused before it reaches the service.
    let mut unknown_periodicity = coverage("MATRICULA / POBLACION * 100", 10.0, 50.0);
    unknown_periodicity["input"]["periodicity"] = json!("DECENAL");
    let (_, body) = app.graphql_as(Some(&scene.dnp), REGISTER, unknown_periodicity).await;
    assert!(body.get("errors").is_some(), "{body}");
    let none = app.query_ok("{ indicators { code } }", json!({})).await;
    assert_eq!(none["indicators"], json!([]), "nothing was written");
    assert_eq!(audit_count(app, &scene.admin).await, 0);

    // The right one is version 1, owned by the national user's organisation;
    // registering it again is version 2, the first kept in the audit log.
    let (_, body) =
        app.graphql_as(Some(&scene.dnp), REGISTER, coverage("matricula / POBLACION * 100", 10.0, 50.0)).await;
    assert_eq!(
        body["data"]["registerIndicator"]["indicator"],
        json!({ "code": "COBERTURA_MATRICULA", "version": 1, "formula": "matricula / POBLACION * 100",
                "dataElementCodes": ["MATRICULA", "POBLACION"], "ownerCode": "DNP" }),
        "{body}"
    );
    let (_, body) = app
        .graphql_as(Some(&scene.dnp), REGISTER, coverage("MATRICULA / POBLACION * 1000", 10.0, 50.0))
        .await;
    assert_eq!(body["data"]["registerIndicator"]["indicator"]["version"], 2, "{body}");
    assert_eq!(audit_count(app, &scene.admin).await, 2);

    // A period outside the indicators' periodicity is refused too.
    let (_, body) = app.graphql(ENTITY, json!({ "e": "05001", "p": "2025-Q1" })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
}

async fn results_follow_submissions_missing_inputs_and_conflicts(app: &TestApp) {
    let scene = scene(app).await;
    let (_, body) =
        app.graphql_as(Some(&scene.dnp), REGISTER, coverage("MATRICULA / POBLACION * 100", 30.0, 60.0)).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(indicator_of(app, "05001", "2025").await["result"], Value::Null, "nothing reported yet");

    // Only the population: no value, and the missing input is named.
    submit(app, &scene.medellin, "05001", "2025", "pob", &[("POBLACION", "1000", "05001")]).await;
    let (indicator, _) = until(app, "05001", |i| !i["result"].is_null()).await;
    assert_eq!(
        indicator["result"],
        json!({ "value": null, "inConflict": false, "missingInputs": ["MATRICULA"], "conflictingInputs": [], "reason": "falta: MATRICULA" })
    );
    assert_eq!(indicator["trafficLight"], Value::Null);

    // The enrolment arrives: the value is there within a second of the submission.
    submit(app, &scene.medellin, "05001", "2025", "mat", &[("MATRICULA", "500", "05001")]).await;
    let (indicator, took) = until(app, "05001", |i| i["result"]["value"] == json!(50.0)).await;
    assert!(took < Duration::from_secs(1), "recomputed after {took:?}");
    assert_eq!(indicator["trafficLight"], "YELLOW");

    // The department reports another population for Medellín: the value
    // (from Medellín's own, which is served) is flagged «en conflicto».
    submit(app, &scene.antioquia, "05", "2025", "pob-dep", &[("POBLACION", "2000", "05001")]).await;
    let (indicator, _) = until(app, "05001", |i| i["result"]["inConflict"] == true).await;
    assert_eq!(indicator["result"]["value"], json!(50.0));
    assert_eq!(indicator["result"]["conflictingInputs"], json!(["POBLACION"]));
    assert_eq!(indicator["result"]["reason"], "en conflicto: POBLACION");

    // Medellín keeps the department's figure: the value follows the resolution.
    let (_, body) = app
        .graphql_as(
            Some(&scene.medellin),
            "mutation($o: ID!, $v: ID!) { resolveConflict(observationId: $o, valueId: $v) { value } }",
            json!({ "o": "05001:2025:POBLACION", "v": "05001:2025:POBLACION:2" }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let (indicator, _) = until(app, "05001", |i| i["result"]["value"] == json!(25.0)).await;
    assert_eq!(indicator["result"]["inConflict"], false);
    assert_eq!(indicator["trafficLight"], "RED");

    // A correction by the reporter moves it again.
    submit(app, &scene.medellin, "05001", "2025", "mat-2", &[("MATRICULA", "1300", "05001")]).await;
    let (indicator, _) = until(app, "05001", |i| i["result"]["value"] == json!(65.0)).await;
    assert_eq!(indicator["trafficLight"], "GREEN");
}

async fn values_are_placed_among_their_peers(app: &TestApp) {
    let scene = scene(app).await;
    for (code, category, group) in [
        ("05001", "SIXTH", "G1"),
        ("05002", "SIXTH", "G4"),
        ("05004", "SIXTH", "G4"),
        ("05021", "FIFTH", "G4"),
    ] {
        let (_, body) = app
            .graphql_as(
                Some(&scene.admin),
                "mutation($c: String!, $input: UpdateTerritorialEntityInput!) { updateTerritorialEntity(code: $c, input: $input) { territorialEntity { code } } }",
                json!({ "c": code, "input": { "category": category, "capacityGroup": group } }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    // The department reports for four of its municipalities, and Medellín's previous year.
    let rows = [
        ("POBLACION", "1000", "05001"),
        ("MATRICULA", "500", "05001"),
        ("POBLACION", "1000", "05002"),
        ("MATRICULA", "300", "05002"),
        ("POBLACION", "1000", "05004"),
        ("MATRICULA", "200", "05004"),
        ("POBLACION", "1000", "05021"),
        ("MATRICULA", "400", "05021"),
    ];
    submit(app, &scene.antioquia, "05", "2025", "dep-2025", &rows).await;
    submit(
        app,
        &scene.antioquia,
        "05",
        "2024",
        "dep-2024",
        &[("POBLACION", "1000", "05001"), ("MATRICULA", "450", "05001")],
    )
    .await;
    // Registered after the values: computed for every entity and period before it is answered.
    let (_, body) =
        app.graphql_as(Some(&scene.dnp), REGISTER, coverage("MATRICULA / POBLACION * 100", 25.0, 45.0)).await;
    assert!(body.get("errors").is_none(), "{body}");

    let medellin = indicator_of(app, "05001", "2025").await;
    assert_eq!(medellin["result"]["value"], json!(50.0));
    assert_eq!((medellin["previousValue"].clone(), medellin["change"].clone()), (json!(45.0), json!(5.0)));
    assert_eq!(
        medellin["series"],
        json!([{ "period": "2024", "value": 45.0 }, { "period": "2025", "value": 50.0 }])
    );
    assert_eq!(
        medellin["peers"],
        json!([
            { "kind": "CATEGORY", "group": "SIXTH", "rank": 1, "spread": { "count": 3, "q1": 25.0, "median": 30.0, "q3": 40.0 } },
            { "kind": "CAPACITY_GROUP", "group": "G1", "rank": 1, "spread": { "count": 1, "q1": 50.0, "median": 50.0, "q3": 50.0 } },
            { "kind": "DEPARTMENT", "group": "05", "rank": 1, "spread": { "count": 4, "q1": 27.5, "median": 35.0, "q3": 42.5 } },
        ])
    );
    let abriaqui = indicator_of(app, "05004", "2025").await;
    assert_eq!(abriaqui["peers"][2]["rank"], 4, "the lowest of four, higher being better");

    // The governor's page: every municipality of Antioquia, a page at a time.
    let department = "query($after: String) { departmentIndicator(departmentCode: \"05\", indicatorCode: \"COBERTURA_MATRICULA\", period: \"2025\", first: 2, after: $after) {
        spread { count median } trafficLights { green yellow red withoutValue }
        municipalities { totalCount pageInfo { hasNextPage endCursor } edges { node { entity { code } result { value } trafficLight rank } } } } }";
    let first = app.query_ok(department, json!({})).await["departmentIndicator"].clone();
    assert_eq!(first["spread"], json!({ "count": 4, "median": 35.0 }));
    assert_eq!(first["trafficLights"], json!({ "green": 1, "yellow": 2, "red": 1, "withoutValue": 121 }));
    let page = &first["municipalities"];
    assert_eq!(page["totalCount"], 125);
    assert_eq!(
        page["edges"],
        json!([
            { "node": { "entity": { "code": "05001" }, "result": { "value": 50.0 }, "trafficLight": "GREEN", "rank": 1 } },
            { "node": { "entity": { "code": "05002" }, "result": { "value": 30.0 }, "trafficLight": "YELLOW", "rank": 3 } },
        ])
    );
    let next = app.query_ok(department, json!({ "after": page["pageInfo"]["endCursor"] })).await;
    assert_eq!(next["departmentIndicator"]["municipalities"]["edges"][0]["node"]["entity"]["code"], "05004");

    // The country by department: Antioquia's municipalities summarised, the others without values.
    let country = app
        .query_ok(r#"{ countryIndicator(indicatorCode: "COBERTURA_MATRICULA", period: "2025") { spread { count } departments { department { code } spread { median } medianTrafficLight trafficLights { red } } } }"#, json!({}))
        .await;
    let departments = country["countryIndicator"]["departments"].as_array().cloned().unwrap_or_default();
    assert_eq!(departments.len(), 33);
    assert_eq!(
        departments[0],
        json!({ "department": { "code": "05" }, "spread": { "median": 35.0 }, "medianTrafficLight": "YELLOW", "trafficLights": { "red": 1 } })
    );
    assert_eq!(departments[1]["spread"], Value::Null);
    assert_eq!(country["countryIndicator"]["spread"]["count"], 4);

    // Every view downloads as CSV, with the same figures.
    let department_csv =
        csv(app, "/monitoreo/indicadores.csv?periodo=2025&indicador=COBERTURA_MATRICULA&departamento=05")
            .await;
    assert_eq!(department_csv.lines().count(), 126, "a header and every municipality, past one page");
    assert!(
        department_csv.contains("05002,ABEJORRAL,COBERTURA_MATRICULA,2025,30,,amarillo,3,"),
        "{department_csv}"
    );
    let country_csv = csv(app, "/monitoreo/indicadores.csv?periodo=2025&indicador=COBERTURA_MATRICULA").await;
    assert!(
        country_csv.contains("05,ANTIOQUIA,COBERTURA_MATRICULA,2025,,4,27.5,35,42.5,1,2,1,121,"),
        "{country_csv}"
    );
    let entity_csv = csv(app, "/monitoreo/indicadores.csv?periodo=2025&entidad=05001").await;
    assert!(entity_csv.contains(",50,,verde,45,5,"), "{entity_csv}");
    let bad = app
        .client
        .get(app.url("/monitoreo/indicadores.csv?periodo=2025-Q1&indicador=COBERTURA_MATRICULA"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap_or_default().contains("periodo"));
}

/// The RAP regions are data an administrator maintains, seeded with their
/// source; a region is a group of peers. An indicator its owner restricts
/// leaves the public views and stays visible to the owner and to each
/// territory in its own jurisdiction.
async fn rap_regions_place_peers_and_restricted_indicators_stay_out_of_public_views(app: &TestApp) {
    let scene = scene(app).await;
    let regions =
        app.query_ok("{ rapRegions { code name source sourceDate departments { code } } }", json!({})).await;
    let regions = regions["rapRegions"].as_array().cloned().unwrap_or_default();
    let pacific = regions.iter().find(|r| r["code"] == "RAP_PACIFICO").cloned().unwrap_or_default();
    assert_eq!(
        pacific["departments"],
        json!([{ "code": "19" }, { "code": "27" }, { "code": "52" }, { "code": "76" }])
    );
    assert_eq!(pacific["sourceDate"], "2026-12-06");
    assert!(pacific["source"].as_str().unwrap_or_default().contains("Ley 1962 de 2019"), "{pacific}");

    const SET: &str = "mutation($input: RapRegionInput!) { setRapRegion(input: $input) { rapRegion { code departments { code } } } }";
    let region = |departments: Value, date: &str| {
        json!({ "input": { "code": "rap_prueba", "name": "RAP de prueba", "departmentCodes": departments,
            "source": "Acuerdo de prueba", "sourceDate": date } })
    };
    for (input, fragment) in [
        (region(json!(["05", "00"]), "2026-01-15"), "departamento"),
        (region(json!([]), "2026-01-15"), "al menos un departamento"),
        (region(json!(["05"]), "2099-01-01"), "aún no ha llegado"),
    ] {
        let (_, body) = app.graphql_as(Some(&scene.admin), SET, input).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains(fragment), "{body}");
    }
    let count =
        app.query_ok("{ rapRegions { code } }", json!({})).await["rapRegions"].as_array().map(Vec::len);
    assert_eq!(count, Some(regions.len()), "nothing written");
    let (_, body) =
        app.graphql_as(Some(&scene.admin), SET, region(json!(["19", "05", "05"]), "2026-01-15")).await;
    assert_eq!(
        body["data"]["setRapRegion"]["rapRegion"],
        json!({ "code": "RAP_PRUEBA", "departments": [{ "code": "05" }, { "code": "19" }] })
    );

    submit(
        app,
        &scene.medellin,
        "05001",
        "2025",
        "m-2025",
        &[("POBLACION", "1000", "05001"), ("MATRICULA", "500", "05001")],
    )
    .await;
    submit(
        app,
        &scene.antioquia,
        "05",
        "2025",
        "a-2025",
        &[("POBLACION", "1000", "05002"), ("MATRICULA", "300", "05002")],
    )
    .await;
    let mut restricted = coverage("MATRICULA / POBLACION * 100", 25.0, 45.0);
    restricted["input"]["restricted"] = json!(true);
    let (_, body) = app.graphql_as(Some(&scene.dnp), REGISTER, restricted).await;
    assert!(body.get("errors").is_none(), "{body}");

    // The public: not listed, not in an entity's view, refused in the others, not downloadable.
    let listed = app.query_ok("{ indicators { code } }", json!({})).await;
    assert_eq!(listed["indicators"], json!([]));
    let public = app.query_ok(ENTITY, json!({ "e": "05001", "p": "2025" })).await;
    assert_eq!(public["entityIndicators"]["indicators"], json!([]));
    const COUNTRY: &str =
        r#"{ countryIndicator(indicatorCode: "COBERTURA_MATRICULA", period: "2025") { spread { count } } }"#;
    let (_, body) = app.graphql_as(None, COUNTRY, json!({})).await;
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
    let download = app
        .client
        .get(app.url("/monitoreo/indicadores.csv?periodo=2025&indicador=COBERTURA_MATRICULA"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(download.status(), 401);

    // Medellín sees its own value, placed among its RAP region too; not its neighbours'.
    let (_, body) = app.graphql_as(Some(&scene.medellin), ENTITY, json!({ "e": "05001", "p": "2025" })).await;
    let own = &body["data"]["entityIndicators"]["indicators"][0];
    assert_eq!(own["result"]["value"], json!(50.0), "{body}");
    let rap = own["peers"].as_array().into_iter().flatten().find(|p| p["kind"] == "RAP_REGION").cloned();
    assert_eq!(
        rap,
        Some(
            json!({ "kind": "RAP_REGION", "group": "RAP_PRUEBA", "rank": 1, "spread": { "count": 2, "q1": 35.0, "median": 40.0, "q3": 45.0 } })
        )
    );
    const DEPARTMENT: &str = r#"{ departmentIndicator(departmentCode: "05", indicatorCode: "COBERTURA_MATRICULA", period: "2025") { spread { count } } }"#;
    let (_, body) = app.graphql_as(Some(&scene.medellin), DEPARTMENT, json!({})).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    // The governor's team sees its municipalities; the owner sees the country.
    let (_, body) = app.graphql_as(Some(&scene.antioquia), DEPARTMENT, json!({})).await;
    assert_eq!(body["data"]["departmentIndicator"]["spread"]["count"], 2, "{body}");
    let (_, body) = app.graphql_as(Some(&scene.dnp), COUNTRY, json!({})).await;
    assert_eq!(body["data"]["countryIndicator"]["spread"]["count"], 2, "{body}");
}

/// From monitoring to action for a national entity: a focalisation list
/// starts from a traffic light, filled with the municipalities that have it,
/// and is then edited; bad input changes nothing.
async fn a_national_entity_starts_a_focalisation_list_from_a_light_and_edits_it(app: &TestApp) {
    let scene = scene(app).await;
    submit(
        app,
        &scene.medellin,
        "05001",
        "2025",
        "m-2025",
        &[("POBLACION", "1000", "05001"), ("MATRICULA", "500", "05001")],
    )
    .await;
    let rows = [
        ("POBLACION", "1000", "05002"),
        ("MATRICULA", "300", "05002"),
        ("POBLACION", "1000", "05004"),
        ("MATRICULA", "200", "05004"),
    ];
    submit(app, &scene.antioquia, "05", "2025", "a-2025", &rows).await;
    let (_, body) =
        app.graphql_as(Some(&scene.dnp), REGISTER, coverage("MATRICULA / POBLACION * 100", 25.0, 45.0)).await;
    assert!(body.get("errors").is_none(), "{body}");

    const CREATE: &str = "mutation($input: CreateFocalisationListInput!) { createFocalisationList(input: $input) {
        focalisationList { id name ownerCode indicatorCode period trafficLight entityCount entities { entity { code name } value trafficLight } } } }";
    let input = |name: &str, period: &str| json!({ "input": { "name": name, "indicatorCode": "COBERTURA_MATRICULA", "period": period, "note": "Educación 2026" } });
    let (_, body) =
        app.graphql_as(Some(&scene.dnp), CREATE, input("Acompañamiento en matrícula", "2025")).await;
    let list = body["data"]["createFocalisationList"]["focalisationList"].clone();
    assert_eq!(list["ownerCode"], "DNP", "{body}");
    assert_eq!(list["trafficLight"], "RED");
    assert_eq!(
        list["entities"],
        json!([{ "entity": { "code": "05004", "name": "ABRIAQUÍ" }, "value": 20.0, "trafficLight": "RED" }])
    );
    let id = list["id"].as_str().unwrap_or_default().to_owned();

    const LISTS: &str = "{ focalisationLists { totalCount edges { node { id entityCount } } } }";
    for (input, fragment) in [(input(" ", "2025"), "nombre"), (input("Otra", "2025-Q1"), "periodo")] {
        let (_, body) = app.graphql_as(Some(&scene.dnp), CREATE, input).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains(fragment), "{body}");
    }
    let (_, body) = app.graphql_as(Some(&scene.medellin), CREATE, input("De un municipio", "2025")).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");

    const UPDATE: &str = "mutation($id: ID!, $input: UpdateFocalisationListInput!) { updateFocalisationList(id: $id, input: $input) {
        focalisationList { name entities { entity { code } value trafficLight } } } }";
    for (change, fragment) in [
        (json!({ "addEntityCodes": ["05"] }), "es un departamento"),
        (json!({ "addEntityCodes": ["05002", "99999"] }), "no existe la entidad territorial 99999"),
        (json!({ "removeEntityCodes": ["05001"] }), "no está en la lista"),
        (json!({ "name": "" }), "nombre"),
        (json!({ "note": "x".repeat(2_001) }), "nota"),
    ] {
        let (_, body) = app.graphql_as(Some(&scene.dnp), UPDATE, json!({ "id": id, "input": change })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains(fragment), "{body}");
    }
    let (_, body) = app.graphql_as(Some(&scene.dnp), LISTS, json!({})).await;
    assert_eq!(body["data"]["focalisationLists"]["totalCount"], 1, "nothing written: {body}");
    assert_eq!(body["data"]["focalisationLists"]["edges"][0]["node"]["entityCount"], 1);

    let change = json!({ "name": "Matrícula: Abejorral", "addEntityCodes": ["05002"], "removeEntityCodes": ["05004"] });
    let (_, body) = app.graphql_as(Some(&scene.dnp), UPDATE, json!({ "id": id, "input": change })).await;
    assert_eq!(
        body["data"]["updateFocalisationList"]["focalisationList"],
        json!({ "name": "Matrícula: Abejorral", "entities": [{ "entity": { "code": "05002" }, "value": 30.0, "trafficLight": "YELLOW" }] }),
        "{body}"
    );
    // A list is its organisation's working document: not the public's, not a territory's.
    let (_, body) = app.graphql_as(None, LISTS, json!({})).await;
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
    let (_, body) = app
        .graphql_as(
            Some(&scene.medellin),
            "query($id: ID!) { focalisationList(id: $id) { name } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
}

async fn csv(app: &TestApp, path: &str) -> String {
    let response = app.client.get(app.url(path)).send().await.expect("an answer");
    assert_eq!(response.status(), 200, "{path}");
    assert!(response.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/csv"));
    response.text().await.expect("a body")
}

backend_tests!(
    a_national_entity_starts_a_focalisation_list_from_a_light_and_edits_it,
    rap_regions_place_peers_and_restricted_indicators_stay_out_of_public_views,
    bad_indicators_are_refused_with_the_reason_and_nothing_written,
    results_follow_submissions_missing_inputs_and_conflicts,
    values_are_placed_among_their_peers,
);

/// The demo: 30 indicators and four years of synthetic values for every
/// municipal unit, labelled as such wherever they show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_follows_every_municipality_for_four_years_labelled_as_synthetic() {
    let Some(app) =
        TestApp::spawn_with(sugit_tests::Backend::Sqlite, |settings| settings.demo = Some(true)).await
    else {
        return;
    };
    let data = app.query_ok("{ indicators { code sourceNote } }", json!({})).await;
    let indicators = data["indicators"].as_array().cloned().unwrap_or_default();
    // The demo's 30 but the restricted one, formation's completion (a real indicator,
    // computed here from the formation demo's synthetic enrolments), and the two that count
    // education's services for the classification's cost per service.
    assert_eq!(indicators.len(), 32, "{data}");
    assert!(indicators.iter().filter(|i| i["code"] != "FORMACION_CULMINACION").all(|i| i["sourceNote"]
        .as_str()
        .unwrap_or_default()
        .starts_with("datos sintéticos de demostración")));

    let country = app
        .query_ok(r#"{ countryIndicator(indicatorCode: "COBERTURA_ACUEDUCTO", period: "2025") { spread { count median } trafficLights { green yellow red withoutValue } departments { department { code } } } }"#, json!({}))
        .await["countryIndicator"]
        .clone();
    // Every municipal unit: synthetic values, and the reporting demo's three with their own figures.
    assert_eq!(country["spread"]["count"], 1_121);
    assert_eq!(country["departments"].as_array().map(Vec::len), Some(33));
    let lights = &country["trafficLights"];
    for colour in ["green", "yellow", "red"] {
        assert!(lights[colour].as_i64().unwrap_or_default() > 100, "{lights}");
    }

    // A small municipality's team sees all 33 (the restricted one too), its four
    // years, and its peers by category, group and department.
    app.create_user("equipo@apartado.gov.co", Role::Territorial, Some("05045"), None).await;
    let team = app.login("equipo@apartado.gov.co").await;
    let (_, body) = app.graphql_as(Some(&team), ENTITY, json!({ "e": "05045", "p": "2024" })).await;
    let apartado = body["data"]["entityIndicators"]["indicators"].as_array().cloned().unwrap_or_default();
    assert_eq!(apartado.len(), 33, "{body}");
    let water = apartado
        .iter()
        .find(|i| i["indicator"]["code"] == "COBERTURA_ACUEDUCTO")
        .cloned()
        .unwrap_or_default();
    assert_eq!(water["series"].as_array().map(Vec::len), Some(4), "{water}");
    let kinds: Vec<&str> =
        water["peers"].as_array().into_iter().flatten().filter_map(|p| p["kind"].as_str()).collect();
    assert_eq!(kinds, ["CATEGORY", "CAPACITY_GROUP", "DEPARTMENT"], "Antioquia is in no RAP region");
    assert!(water["change"].is_number(), "{water}");
    // Popayán (Cauca) is also placed in the RAP Pacífico.
    let popayan = app.query_ok(ENTITY, json!({ "e": "19001", "p": "2024" })).await;
    let peers = popayan["entityIndicators"]["indicators"][0]["peers"].as_array().cloned().unwrap_or_default();
    assert!(peers.iter().any(|p| p["kind"] == "RAP_REGION" && p["group"] == "RAP_PACIFICO"), "{peers:?}");

    // The synthetic values say where they come from in reporting too.
    let requirement = app
        .query_ok(r#"{ requirementStatus(entityCode: "05045", requirementCode: "FUT_INGRESOS_GASTOS", period: "2024") { elements { state source { requirementCode } } } }"#, json!({}))
        .await;
    assert_eq!(
        requirement["requirementStatus"]["elements"][0]["source"]["requirementCode"],
        "DEMO_MONITOREO"
    );
}
