//! The Vitrina de las Regiones through the API: public vacancies that are
//! validated and close by their date; people who register themselves,
//! consent, match, apply, export and delete everything for good; entities
//! that see only their own applicants and only what people chose to show;
//! temporary transfers and the indicators.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};
use sugit::access::Role;
use sugit_tests::{backend_tests, error_codes, TestApp};

const PUBLISH: &str = "mutation($input: PublishVacancyInput!) {
  publishVacancy(input: $input) { vacancy { id post level status departmentCode competencies closingOn salaryAmount entity { name } } }
}";
const SAVE_PROFILE: &str = "mutation($input: TalentProfileInput!) {
  saveTalentProfile(input: $input) { profile { education competencies consentText consentAt showName showContact } }
}";
const APPLY: &str =
    "mutation($v: ID!) { applyToVacancy(vacancyId: $v) { application { id stage vacancy { post } } } }";
const APPLICANTS: &str = "query($v: ID!) { vacancyApplications(vacancyId: $v) {
  application { id stage } candidate { name email education experienceMonths score reasons } } }";
const STAGE: &str =
    "mutation($id: ID!, $s: Stage!) { setApplicationStage(id: $id, stage: $s) { application { id stage } } }";

fn in_days(days: i64) -> String {
    // The service counts days in Bogotá, so near midnight UTC the test must too.
    (sugit::bogota_time::today() + chrono::Duration::days(days)).to_string()
}

fn vacancy_input(entity: &str, closing_on: &str, salary: f64) -> Value {
    json!({
        "entityCode": entity, "post": "Profesional universitario de hacienda", "level": "PROFESSIONAL",
        "competencies": ["HACIENDA", "planeacion"], "education": "Contaduría pública", "experienceMonths": 24,
        "salaryGrade": "219-02", "salaryAmount": salary, "place": "Medellín", "appointment": "PROVISIONAL",
        "closingOn": closing_on, "howToApply": "Postúlese en SUGIT",
    })
}

fn profile_input(consent: bool) -> Value {
    json!({
        "education": "Economista de la Universidad de Antioquia", "experienceMonths": 30,
        "experienceSummary": "Tres años en presupuesto municipal", "competencies": ["HACIENDA"],
        "levels": ["PROFESSIONAL"], "departments": ["05"], "homeDepartment": "05",
        "willingToRelocate": false, "livesAbroad": true, "showName": true, "showContact": false,
        "showEducation": true, "showExperience": false, "consent": consent,
    })
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let db = app.database().await;
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("count")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("a number")
}

/// Medellín's and Envigado's teams, and a vacancy of Medellín's.
async fn scene(app: &TestApp) -> (String, String, String) {
    app.create_user("ana@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    app.create_user("pedro@envigado.gov.co", Role::Territorial, Some("05266"), None).await;
    let medellin = app.login("ana@medellin.gov.co").await;
    let envigado = app.login("pedro@envigado.gov.co").await;
    let (_, body) = app
        .graphql_as(
            Some(&medellin),
            PUBLISH,
            json!({ "input": vacancy_input("05001", &in_days(20), 4_200_000.0) }),
        )
        .await;
    let vacancy = body["data"]["publishVacancy"]["vacancy"]["id"].as_str().expect("published").to_owned();
    (medellin, envigado, vacancy)
}

async fn vacancies_are_public_validated_and_close_by_their_date(app: &TestApp) {
    let (medellin, envigado, id) = scene(app).await;
    let board = app
        .query_ok(
            r#"{ vacancies(filter: { departmentCode: "05", level: PROFESSIONAL, competency: "HACIENDA" }) { totalCount edges { node { id post status competencies entity { name } } } }
                 vacancyFacets { field values { value count } } minimumSalary }"#,
            json!({}),
        )
        .await;
    assert_eq!(board["vacancies"]["totalCount"], 1, "{board}");
    assert_eq!(board["vacancies"]["edges"][0]["node"]["competencies"], json!(["HACIENDA", "PLANEACION"]));
    assert_eq!(board["vacancies"]["edges"][0]["node"]["status"], "OPEN");
    assert_eq!(board["minimumSalary"], 1_750_905.0);
    let facets = board["vacancyFacets"].as_array().expect("facets");
    assert!(
        facets.iter().any(|f| f["field"] == "competency" && f["values"][0]["value"] == "HACIENDA"),
        "{board}"
    );

    // The one search box finds it, with its department, level and competencies as facets.
    let found = search_vacancies(app, "hacienda contaduria", 1).await;
    assert_eq!(found["edges"][0]["node"]["object"]["id"], id.as_str(), "{found}");
    let facet = |field: &str| {
        found["facets"]
            .as_array()
            .and_then(|all| all.iter().find(|f| f["field"] == field))
            .map(|f| f["values"].clone())
    };
    assert_eq!(facet("DEPARTMENT"), Some(json!([{ "value": "05", "count": 1 }])), "{found}");
    assert_eq!(facet("TYPE"), Some(json!([{ "value": "profesional", "count": 1 }])), "{found}");
    assert!(facet("TOPIC").is_some_and(|values| values.to_string().contains("HACIENDA")), "{found}");

    let before = count(app, "talent_vacancy").await;
    for (input, code, words) in [
        (vacancy_input("05001", &in_days(-1), 4_200_000.0), "BAD_USER_INPUT", "ya pasó"),
        (vacancy_input("05001", &in_days(10), 1_750_904.0), "BAD_USER_INPUT", "salario mínimo"),
        (vacancy_input("05001", &in_days(10), 1.5e6), "BAD_USER_INPUT", "salario mínimo"),
        (vacancy_input("99999", &in_days(10), 4e6), "BAD_USER_INPUT", "entidad"),
    ] {
        let (_, body) = app.graphql_as(Some(&medellin), PUBLISH, json!({ "input": input })).await;
        assert_eq!(error_codes(&body), [code], "{body}");
        assert!(body["errors"][0]["message"].as_str().is_some_and(|m| m.contains(words)), "{body}");
    }
    let (_, body) = app
        .graphql_as(Some(&envigado), PUBLISH, json!({ "input": vacancy_input("05001", &in_days(10), 4e6) }))
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    let (_, body) = app.graphql(PUBLISH, json!({ "input": vacancy_input("05001", &in_days(10), 4e6) })).await;
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
    assert_eq!(count(app, "talent_vacancy").await, before, "a refused vacancy writes nothing");

    // Its closing date passes: the board drops it, it reads CLOSED, nobody applies.
    let db = app.database().await;
    let yesterday = in_days(-1);
    db.execute(Statement::from_string(
        db.get_database_backend(),
        // The scene's only vacancy (ids are stored as blobs on SQLite, text on PostgreSQL).
        format!("UPDATE talent_vacancy SET closing_on = '{yesterday}'"),
    ))
    .await
    .expect("backdated");
    let data = app
        .query_ok(
            "query($id: ID!) { vacancy(id: $id) { status } vacancies { totalCount } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        (data["vacancy"]["status"].clone(), data["vacancies"]["totalCount"].clone()),
        (json!("CLOSED"), json!(0))
    );
    let person = app.register_person("lucia@correo.co", "Lucía Gómez").await;
    let (_, body) =
        app.graphql_as(Some(&person), SAVE_PROFILE, json!({ "input": profile_input(true) })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let applications = count(app, "talent_application").await;
    let (_, body) = app.graphql_as(Some(&person), APPLY, json!({ "v": id })).await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");
    assert!(body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("cerrada")), "{body}");
    assert_eq!(count(app, "talent_application").await, applications);
    // The hourly sweep writes what the board already showed, and audits it.
    assert_eq!(app.state.talent.close_expired().await.expect("swept"), 1);
    assert_eq!(app.state.talent.close_expired().await.expect("swept"), 0);
    // And the search box no longer offers it.
    search_vacancies(app, "hacienda contaduria", 0).await;
}

/// The vacancies the search box finds for `words`, once it finds `expected` of them.
async fn search_vacancies(app: &TestApp, words: &str, expected: i64) -> Value {
    let query = "query($q: String!) { search(query: $q, kinds: [VACANCY]) { totalCount
        facets { field values { value count } } edges { node { kind title object { ... on Vacancy { id } } } } } }";
    for _ in 0..100 {
        let data = app.query_ok(query, json!({ "q": words })).await;
        if data["search"]["totalCount"] == expected {
            return data["search"].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the search box did not find {expected} vacancies for «{words}»");
}

async fn a_person_registers_consents_matches_applies_and_follows_the_stages(app: &TestApp) {
    let (medellin, _, vacancy) = scene(app).await;
    let person = app.register_person("lucia@correo.co", "Lucía Gómez").await;
    // Registering the same address again: the same answer, no second account, no new link.
    let data = app
        .query_ok(
            "mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { message } }",
            json!({ "input": { "email": "LUCIA@correo.co", "name": "Otra", "password": sugit_tests::PASSWORD } }),
        )
        .await;
    assert!(data["registerPerson"]["message"].as_str().is_some_and(|m| m.contains("si el correo es válido")));
    assert_eq!(count(app, "person_registration").await, 0);
    let (_, body) =
        app.graphql("mutation { confirmRegistration(token: \"inventado\") { token } }", json!({})).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");

    // No consent, nothing stored.
    let (_, body) =
        app.graphql_as(Some(&person), SAVE_PROFILE, json!({ "input": profile_input(false) })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert_eq!(count(app, "talent_profile").await, 0);
    let (_, body) =
        app.graphql_as(Some(&person), SAVE_PROFILE, json!({ "input": profile_input(true) })).await;
    let profile = &body["data"]["saveTalentProfile"]["profile"];
    assert!(profile["consentText"].as_str().is_some_and(|t| t.contains("Ley 1581 de 2012")), "{body}");
    assert!(profile["consentAt"].is_string());

    let (_, body) = app
        .graphql_as(Some(&person), "{ myVacancyMatches { score reasons vacancy { id } } }", json!({}))
        .await;
    let best = &body["data"]["myVacancyMatches"][0];
    assert_eq!(best["vacancy"]["id"], vacancy.as_str(), "{body}");
    // 0.4 × 1/2 (HACIENDA of HACIENDA, PLANEACION) + 0.2 level + 0.2 region + 0.2 × min(1, 30/24)
    assert_eq!(best["score"], 0.8, "{body}");
    assert!(best["reasons"][0].as_str().is_some_and(|r| r.contains("HACIENDA")), "{body}");

    let (_, body) = app.graphql_as(Some(&person), APPLY, json!({ "v": vacancy })).await;
    let application =
        body["data"]["applyToVacancy"]["application"]["id"].as_str().expect("applied").to_owned();
    assert_eq!(body["data"]["applyToVacancy"]["application"]["stage"], "RECEIVED");
    let (_, body) = app.graphql_as(Some(&person), APPLY, json!({ "v": vacancy })).await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");

    // The entity sees its applicant, only with what she chose to show.
    let (_, body) = app.graphql_as(Some(&medellin), APPLICANTS, json!({ "v": vacancy })).await;
    let candidate = &body["data"]["vacancyApplications"][0]["candidate"];
    assert_eq!(candidate["name"], "Lucía Gómez", "{body}");
    assert_eq!(candidate["email"], Value::Null, "she did not agree to show her e-mail");
    assert_eq!(candidate["education"], "Economista de la Universidad de Antioquia");
    let (_, body) = app
        .graphql_as(
            Some(&medellin),
            "query($v: ID!) { vacancyCandidates(vacancyId: $v) { name email score } }",
            json!({ "v": vacancy }),
        )
        .await;
    assert_eq!(body["data"]["vacancyCandidates"][0]["name"], "Lucía Gómez", "{body}");

    let (_, body) =
        app.graphql_as(Some(&medellin), STAGE, json!({ "id": application, "s": "INTERVIEW" })).await;
    assert_eq!(body["data"]["setApplicationStage"]["application"]["stage"], "INTERVIEW", "{body}");
    let (_, body) =
        app.graphql_as(Some(&medellin), STAGE, json!({ "id": application, "s": "WITHDRAWN" })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let (_, body) =
        app.graphql_as(Some(&person), "{ myApplications { stage vacancy { post } } }", json!({})).await;
    assert_eq!(body["data"]["myApplications"][0]["stage"], "INTERVIEW", "{body}");

    // Hiring fills the vacancy; the indicators count it as a return from abroad of the region.
    let (_, body) = app.graphql_as(Some(&medellin), STAGE, json!({ "id": application, "s": "HIRED" })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let data = app
        .query_ok(
            r#"query($v: ID!) { vacancy(id: $v) { status } talentIndicators(departmentCode: "05") { vacancies filled applicantsPerVacancy sameRegionShare returnsFromAbroad meanDaysToFill byDepartmentLevel { departmentCode level vacancies } } }"#,
            json!({ "v": vacancy }),
        )
        .await;
    assert_eq!(data["vacancy"]["status"], "FILLED");
    let indicators = &data["talentIndicators"];
    assert_eq!(
        (indicators["filled"].clone(), indicators["returnsFromAbroad"].clone()),
        (json!(1), json!(1)),
        "{data}"
    );
    assert_eq!(
        (indicators["sameRegionShare"].clone(), indicators["applicantsPerVacancy"].clone()),
        (json!(1.0), json!(1.0))
    );
}

async fn profiles_cannot_be_enumerated(app: &TestApp) {
    let (medellin, envigado, vacancy) = scene(app).await;
    let person = app.register_person("lucia@correo.co", "Lucía Gómez").await;
    app.graphql_as(Some(&person), SAVE_PROFILE, json!({ "input": profile_input(true) })).await;
    let (_, body) = app.graphql_as(Some(&person), APPLY, json!({ "v": vacancy })).await;
    let application =
        body["data"]["applyToVacancy"]["application"]["id"].as_str().expect("applied").to_owned();
    let missing = uuid::Uuid::new_v4().to_string();

    // Another entity: the same answer for "not yours" as for "does not exist".
    let answer = |body: &Value| (error_codes(body), body["errors"][0]["message"].clone());
    let (_, not_yours) = app.graphql_as(Some(&envigado), APPLICANTS, json!({ "v": vacancy })).await;
    let (_, not_found) = app.graphql_as(Some(&envigado), APPLICANTS, json!({ "v": missing })).await;
    assert_eq!(answer(&not_yours), answer(&not_found));
    assert_eq!(error_codes(&not_yours), ["NOT_FOUND"]);
    let (_, not_yours) =
        app.graphql_as(Some(&envigado), STAGE, json!({ "id": application, "s": "REVIEW" })).await;
    let (_, not_found) =
        app.graphql_as(Some(&envigado), STAGE, json!({ "id": missing, "s": "REVIEW" })).await;
    assert_eq!(answer(&not_yours), answer(&not_found));
    let other = app.register_person("mario@correo.co", "Mario Ruiz").await;
    app.graphql_as(Some(&other), SAVE_PROFILE, json!({ "input": profile_input(true) })).await;
    let withdraw = "mutation($id: ID!) { withdrawApplication(id: $id) { application { stage } } }";
    let (_, not_yours) = app.graphql_as(Some(&other), withdraw, json!({ "id": application })).await;
    let (_, not_found) = app.graphql_as(Some(&other), withdraw, json!({ "id": missing })).await;
    assert_eq!(answer(&not_yours), answer(&not_found));
    assert_eq!(error_codes(&not_yours), ["NOT_FOUND"]);

    // Profiles are nobody else's: not an administrator's, not an entity's.
    app.create_user("admin@sugit.gov.co", Role::Admin, None, None).await;
    let admin = app.login("admin@sugit.gov.co").await;
    for token in [&admin, &medellin] {
        let (_, body) = app.graphql_as(Some(token), "{ myTalentProfile { education } }", json!({})).await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    }
    // An administrator manages vacancies, but sees nobody's personal data through them.
    let (_, body) = app.graphql_as(Some(&admin), APPLICANTS, json!({ "v": vacancy })).await;
    let (_, missing_vacancy) = app.graphql_as(Some(&admin), APPLICANTS, json!({ "v": missing })).await;
    assert_eq!(answer(&body), answer(&missing_vacancy), "{body}");
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    // No field of the schema lists or finds profiles: only the person's own.
    let data = app.query_ok("{ __schema { queryType { fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }", json!({})).await;
    let reaching_profiles: Vec<&str> = data["__schema"]["queryType"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter(|field| field["type"].to_string().contains("TalentProfile"))
        .filter_map(|field| field["name"].as_str())
        .collect();
    assert_eq!(reaching_profiles, ["myTalentProfile"]);
    // Ids are random (v4), not sequences or time-ordered.
    assert_eq!(uuid::Uuid::parse_str(&application).expect("uuid").get_version_num(), 4);
    // The person's session: withdrawing her own works.
    let (_, body) = app.graphql_as(Some(&person), withdraw, json!({ "id": application })).await;
    assert_eq!(body["data"]["withdrawApplication"]["application"]["stage"], "WITHDRAWN", "{body}");
}

/// Every text column of every table of the database, as one string per row.
async fn every_row(app: &TestApp) -> Vec<String> {
    let db = app.database().await;
    let backend = db.get_database_backend();
    let tables_sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table'",
    };
    let tables = db.query_all(Statement::from_string(backend, tables_sql)).await.expect("tables");
    let mut rows = Vec::new();
    for table in tables {
        let name: String = table.try_get("", "name").expect("a name");
        let statement = Statement::from_string(backend, format!("SELECT * FROM \"{name}\""));
        for row in sea_orm::JsonValue::find_by_statement(statement).all(&db).await.expect("rows") {
            rows.push(format!("{name}: {row}"));
        }
    }
    rows
}

use sea_orm::FromQueryResult;

async fn deletion_leaves_no_personal_field_behind(app: &TestApp) {
    let (medellin, _, vacancy) = scene(app).await;
    let person = app.register_person("zuleima.quintero@correo.co", "Zuleima Quintero Arboleda").await;
    let mut input = profile_input(true);
    input["education"] = json!("Magíster en hacienda pública Xiomarquet");
    input["experienceSummary"] = json!("Presupuesto de Yarumalito");
    app.graphql_as(Some(&person), SAVE_PROFILE, json!({ "input": input })).await;
    let (_, body) = app.graphql_as(Some(&person), APPLY, json!({ "v": vacancy })).await;
    let application =
        body["data"]["applyToVacancy"]["application"]["id"].as_str().expect("applied").to_owned();
    app.graphql_as(Some(&medellin), STAGE, json!({ "id": application, "s": "REVIEW" })).await;
    let personal = ["zuleima", "Zuleima Quintero", "Xiomarquet", "Yarumalito"];

    // The export holds everything about her.
    let (_, body) = app.graphql_as(Some(&person), "{ exportMyData }", json!({})).await;
    let export = body["data"]["exportMyData"].to_string();
    for value in personal {
        assert!(export.contains(value), "the export lacks {value}: {export}");
    }
    assert!(export.contains("REVIEW") && export.contains("Ley 1581"), "{export}");
    let held = every_row(app).await;
    assert!(held.iter().any(|row| row.contains("Xiomarquet")), "the profile was stored");

    let (_, body) = app.graphql_as(Some(&person), "mutation { deleteMyData { deletedAt } }", json!({})).await;
    assert!(body["data"]["deleteMyData"]["deletedAt"].is_string(), "{body}");
    for row in every_row(app).await {
        for value in personal {
            assert!(!row.to_lowercase().contains(&value.to_lowercase()), "{value} remains in {row}");
        }
    }
    // The search index holds none of it either (profiles are never indexed).
    for value in ["Xiomarquet", "Yarumalito", "Zuleima"] {
        let data = app
            .query_ok("query($q: String!) { search(query: $q) { totalCount } }", json!({ "q": value }))
            .await;
        assert_eq!(data["search"]["totalCount"], 0, "{value} in the index");
    }
    // The audit keeps that it happened.
    app.create_user("admin@sugit.gov.co", Role::Admin, None, None).await;
    let admin = app.login("admin@sugit.gov.co").await;
    let (_, body) = app
        .graphql_as(Some(&admin), r#"{ auditLog(filter: { action: "erase_personal_data" }) { totalCount edges { node { actorLabel after } } } }"#, json!({}))
        .await;
    assert_eq!(body["data"]["auditLog"]["totalCount"], 1, "{body}");
    // Her session ended with her account; the vacancy's applicants no longer list her.
    let (_, body) = app.graphql_as(Some(&person), "{ myTalentProfile { education } }", json!({})).await;
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
    let (_, body) = app.graphql_as(Some(&medellin), APPLICANTS, json!({ "v": vacancy })).await;
    assert_eq!(body["data"]["vacancyApplications"], json!([]), "{body}");
    // The same address may register again, as a new person.
    app.register_person("zuleima.quintero@correo.co", "Zuleima Q.").await;
}

async fn transfers_are_offered_matched_agreed_and_evaluated(app: &TestApp) {
    let (medellin, envigado, _) = scene(app).await;
    let propose = "mutation($input: ProposeTransferInput!) { proposeTransfer(input: $input) { transfer { id status } } }";
    let input = |entity: &str, kind: &str, topic: &str| {
        json!({ "input": {
        "entityCode": entity, "kind": kind, "topic": topic, "description": "Acompañamiento en sitio",
        "durationMonths": 6, "conditions": "Viáticos a cargo de quien recibe" } })
    };
    let (_, body) =
        app.graphql_as(Some(&medellin), propose, input("05001", "REQUEST", "Catastro multipropósito")).await;
    let request = body["data"]["proposeTransfer"]["transfer"]["id"].as_str().expect("proposed").to_owned();
    let (_, body) = app
        .graphql_as(Some(&envigado), propose, input("05266", "OFFER", "Catastro multipropósito y predial"))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let (_, body) = app.graphql_as(Some(&envigado), propose, input("05001", "OFFER", "Catastro")).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    let (_, body) = app.graphql_as(Some(&envigado), propose, json!({ "input": { "entityCode": "05266", "kind": "OFFER", "topic": "x", "description": "y", "durationMonths": 30, "conditions": "z" } })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let data = app
        .query_ok("query($t: ID!) { transferMatches(transferId: $t) { score reasons transfer { entityCode kind } } }", json!({ "t": request }))
        .await;
    assert_eq!(data["transferMatches"][0]["transfer"]["entityCode"], "05266", "{data}");
    assert!(
        data["transferMatches"][0]["reasons"][0].as_str().is_some_and(|r| r.contains("catastro")),
        "{data}"
    );

    let agree = "mutation($id: ID!, $e: String!) { agreeTransfer(id: $id, entityCode: $e) { transfer { status partnerCode } } }";
    let (_, body) = app.graphql_as(Some(&envigado), agree, json!({ "id": request, "e": "05266" })).await;
    assert_eq!(body["data"]["agreeTransfer"]["transfer"]["status"], "AGREED", "{body}");
    let evaluate = "mutation($id: ID!, $r: Int!) { evaluateTransfer(id: $id, rating: $r) { transfer { status ownerRating partnerRating } } }";
    let (_, body) = app.graphql_as(Some(&medellin), evaluate, json!({ "id": request, "r": 6 })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    app.graphql_as(Some(&medellin), evaluate, json!({ "id": request, "r": 5 })).await;
    let (_, body) = app.graphql_as(Some(&medellin), evaluate, json!({ "id": request, "r": 4 })).await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");
    let (_, body) = app.graphql_as(Some(&envigado), evaluate, json!({ "id": request, "r": 4 })).await;
    assert_eq!(
        body["data"]["evaluateTransfer"]["transfer"],
        json!({ "status": "COMPLETED", "ownerRating": 5, "partnerRating": 4 }),
        "{body}"
    );
}

/// Once the classification catalogue has a version in force, a vacancy's
/// and a profile's competencies must be its codes (a competency or a unit);
/// before it, the form of a code is enough (the scenes above).
async fn competencies_come_from_the_catalogue_in_force(app: &TestApp) {
    let (medellin, _, _) = scene(app).await;
    app.create_user("luis@dnp.gov.co", Role::National, None, Some("DNP")).await;
    app.create_user("sec@funcionpublica.gov.co", Role::Secretariat, None, Some("DAFP")).await;
    let dnp = app.login("luis@dnp.gov.co").await;
    let dafp = app.login("sec@funcionpublica.gov.co").await;
    let mut proposals = Vec::new();
    for (code, level, parent, name) in [
        ("DIN", "COMPETENCY", None, "Desarrollo institucional"),
        ("DIN-02", "UNIT", Some("DIN"), "Fortalecimiento fiscal y catastral"),
    ] {
        let (_, body) = app
            .graphql_as(
                Some(&dnp),
                "mutation($input: ProposeCatalogueChangeInput!) { proposeCatalogueChange(input: $input) { proposal { id } } }",
                json!({ "input": { "kind": "ADD", "reason": "Ley 715 de 2001", "item": {
                    "code": code, "level": level, "parentCode": parent, "name": name, "description": name,
                    "entityKinds": ["MUNICIPALITY"], "legalBasis": "Ley 715 de 2001, art. 76" } } }),
            )
            .await;
        proposals.push(body["data"]["proposeCatalogueChange"]["proposal"]["id"].clone());
        // A unit's parent must exist when it is proposed: approve one at a time.
        let (_, body) = app
            .graphql_as(
                Some(&dafp),
                "mutation($input: ApproveCatalogueChangesInput!) { approveCatalogueChanges(input: $input) { version { number } } }",
                json!({ "input": { "proposalIds": [proposals.last()], "effectiveOn": in_days(0), "note": "Revisado" } }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }

    let before = count(app, "talent_vacancy").await;
    let (_, body) = app
        .graphql_as(Some(&medellin), PUBLISH, json!({ "input": vacancy_input("05001", &in_days(10), 4e6) }))
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("«HACIENDA», «PLANEACION» no están en el catálogo"), "{body}");
    assert!(message.contains("versión 2"), "{body}");
    assert_eq!(count(app, "talent_vacancy").await, before, "a refused vacancy writes nothing");

    let mut input = vacancy_input("05001", &in_days(10), 4e6);
    input["competencies"] = json!(["din", "DIN-02"]);
    let (_, body) = app.graphql_as(Some(&medellin), PUBLISH, json!({ "input": input })).await;
    assert_eq!(body["data"]["publishVacancy"]["vacancy"]["competencies"], json!(["DIN", "DIN-02"]), "{body}");

    let person = app.register_person("lucia@correo.co", "Lucía Gómez").await;
    let (_, body) =
        app.graphql_as(Some(&person), SAVE_PROFILE, json!({ "input": profile_input(true) })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert_eq!(count(app, "talent_profile").await, 0);
    let mut profile = profile_input(true);
    profile["competencies"] = json!(["DIN-02"]);
    let (_, body) = app.graphql_as(Some(&person), SAVE_PROFILE, json!({ "input": profile })).await;
    assert_eq!(body["data"]["saveTalentProfile"]["profile"]["competencies"], json!(["DIN-02"]), "{body}");
}

backend_tests!(
    competencies_come_from_the_catalogue_in_force,
    vacancies_are_public_validated_and_close_by_their_date,
    a_person_registers_consents_matches_applies_and_follows_the_stages,
    profiles_cannot_be_enumerated,
    deletion_leaves_no_personal_field_behind,
    transfers_are_offered_matched_agreed_and_evaluated,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_registration_is_rate_limited() {
    let Some(app) = TestApp::spawn_with(sugit_tests::Backend::Sqlite, |settings| {
        settings.limits.registrations_per_hour = 3;
    })
    .await
    else {
        return;
    };
    let register = "mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { message } }";
    for n in 0..3 {
        let input = json!({ "input": { "email": format!("p{n}@correo.co"), "name": "P", "password": sugit_tests::PASSWORD } });
        let (_, body) = app.graphql(register, input).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let before = count(&app, "person_registration").await;
    let input =
        json!({ "input": { "email": "p9@correo.co", "name": "P", "password": sugit_tests::PASSWORD } });
    let (_, body) = app.graphql(register, input).await;
    assert_eq!(error_codes(&body), ["RATE_LIMITED"], "{body}");
    assert_eq!(count(&app, "person_registration").await, before);
}
