//! The assistance market as its users meet it: a national entity offers, a
//! municipality asks, the matching ranks with the differential approach and
//! says why, and bad input changes nothing.

use std::time::Duration;

use serde_json::{json, Value};
use sugit::access::Role;
use sugit_tests::{backend_tests, error_codes, TestApp};

const CREATE_OFFER: &str =
    "mutation($input: OfferInputObject!) { createOffer(input: $input) { offer { id status } } }";
const CREATE_DEMAND: &str =
    "mutation($input: DemandInputObject!) { createDemand(input: $input) { demand { id status } } }";

struct Scene {
    admin: String,
    dnp: String,
    abejorral: String,
    medellin: String,
}

async fn scene(app: &TestApp) -> Scene {
    app.create_user("admin@sugit.gov.co", Role::Admin, None, None).await;
    app.create_user("att@dnp.gov.co", Role::National, None, Some("DNP")).await;
    app.create_user("planeacion@abejorral.gov.co", Role::Territorial, Some("05002"), None).await;
    app.create_user("planeacion@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    let scene = Scene {
        admin: app.login("admin@sugit.gov.co").await,
        dnp: app.login("att@dnp.gov.co").await,
        abejorral: app.login("planeacion@abejorral.gov.co").await,
        medellin: app.login("planeacion@medellin.gov.co").await,
    };
    // The register has no classification: the administrator sets it, as DNP's measurement gives it.
    for (code, category, group) in [("05002", "SIXTH", "G5"), ("05001", "SPECIAL", "CAPITALS")] {
        let (_, body) = app
            .graphql_as(
                Some(&scene.admin),
                "mutation($c: String!, $i: UpdateTerritorialEntityInput!) { updateTerritorialEntity(code: $c, input: $i) { territorialEntity { code } } }",
                json!({ "c": code, "i": { "category": category, "capacityGroup": group } }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    scene
}

fn offer(title: &str, topic: &str, departments: &[&str], categories: &[&str]) -> Value {
    json!({ "title": title, "topic": topic, "modality": "VIRTUAL", "targetKinds": ["MUNICIPALITY", "DISTRICT"],
            "description": format!("{title}: acompañamiento técnico a las alcaldías en {topic}."),
            "departmentCodes": departments, "targetCategories": categories,
            "startsOn": "2026-01-01", "endsOn": "2030-12-31", "capacity": 3, "contact": "att@dnp.gov.co" })
}

async fn ok(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let (_, body) = app.graphql_as(Some(token), query, variables).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

async fn published(app: &TestApp, token: &str, input: Value) -> String {
    let data = ok(app, token, CREATE_OFFER, json!({ "input": input })).await;
    let id = data["createOffer"]["offer"]["id"].as_str().expect("id").to_owned();
    ok(app, token, "mutation($id: ID!) { publishOffer(id: $id) { offer { status } } }", json!({ "id": id }))
        .await;
    id
}

async fn offers_found(app: &TestApp, query: &str) -> Vec<String> {
    let data = app
        .query_ok(
            "query($q: String) { searchOffers(query: $q) { edges { node { object { ... on Offer { title status } } } } } }",
            json!({ "q": query }),
        )
        .await;
    data["searchOffers"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| e["node"]["object"]["title"].as_str().map(str::to_owned))
        .collect()
}

async fn offers_are_searchable_once_published_and_gone_when_archived(app: &TestApp) {
    let scene = scene(app).await;
    let data = ok(
        app,
        &scene.dnp,
        CREATE_OFFER,
        json!({ "input": offer("Catastro multipropósito para municipios", "catastro", &[], &[]) }),
    )
    .await;
    let id = data["createOffer"]["offer"]["id"].as_str().expect("id").to_owned();
    assert_eq!(data["createOffer"]["offer"]["status"], "DRAFT");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(offers_found(app, "catastro").await.is_empty(), "a draft is not in the public catalogue");
    ok(
        app,
        &scene.dnp,
        "mutation($id: ID!) { publishOffer(id: $id) { offer { status } } }",
        json!({ "id": id }),
    )
    .await;
    let mut found = Vec::new();
    for _ in 0..100 {
        found = offers_found(app, "catastro multiproposito").await;
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(found, ["Catastro multipropósito para municipios"]);
    ok(
        app,
        &scene.dnp,
        "mutation($id: ID!) { archiveOffer(id: $id) { offer { status } } }",
        json!({ "id": id }),
    )
    .await;
    for _ in 0..100 {
        if offers_found(app, "catastro").await.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("an archived offer is still found");
}

async fn matching_puts_the_least_capacity_first_and_explains_itself(app: &TestApp) {
    let scene = scene(app).await;
    let regalias =
        published(app, &scene.dnp, offer("Proyectos de regalías para acueductos", "regalías", &["05"], &[]))
            .await;
    let small_only = published(
        app,
        &scene.dnp,
        offer("Regalías en municipios pequeños", "regalías", &[], &["FIFTH", "SIXTH"]),
    )
    .await;
    let elsewhere = published(app, &scene.dnp, offer("Regalías en Nariño", "regalías", &["52"], &[])).await;
    let other_topic =
        published(app, &scene.dnp, offer("Gobierno digital", "gobierno digital", &[], &[])).await;

    let need = |entity: &str| {
        json!({ "input": { "entityCode": entity, "need": "Formular un proyecto de acueducto con regalías",
        "topic": "Regalías", "priority": "HIGH", "capacityGap": "No hay profesional de proyectos" } })
    };
    let abejorral =
        ok(app, &scene.abejorral, CREATE_DEMAND, need("05002")).await["createDemand"]["demand"]["id"].clone();
    let medellin =
        ok(app, &scene.medellin, CREATE_DEMAND, need("05001")).await["createDemand"]["demand"]["id"].clone();
    tokio::time::sleep(Duration::from_millis(400)).await;

    let recommended = "query($d: ID!) { recommendedOffers(demandId: $d) { score offer { id title } reasons { factor weight explanation } } }";
    let data = ok(app, &scene.abejorral, recommended, json!({ "d": abejorral })).await;
    let matches = data["recommendedOffers"].as_array().expect("matches");
    let ids: Vec<&str> = matches.iter().filter_map(|m| m["offer"]["id"].as_str()).collect();
    assert!(!ids.contains(&elsewhere.as_str()), "an offer for another department is not eligible: {data}");
    assert_eq!(ids[0], regalias, "the closest text and the same topic first: {data}");
    assert!(ids.contains(&small_only.as_str()) && ids.contains(&other_topic.as_str()));
    for m in matches {
        let sum: f64 = m["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .map(|r| r["weight"].as_f64().unwrap_or(0.0))
            .sum();
        assert!(
            (sum - m["score"].as_f64().unwrap_or(0.0)).abs() < 1e-9,
            "the reasons add up to the score: {m}"
        );
    }
    assert!(matches[0]["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .any(|r| r["factor"] == "CAPACITY" && r["explanation"].as_str().unwrap_or_default().contains("G5")));
    let again = ok(app, &scene.abejorral, recommended, json!({ "d": abejorral })).await;
    assert_eq!(again, data, "deterministic");

    // Medellín is a capital of special category: the offer for small municipalities is not for it.
    let data = ok(app, &scene.medellin, recommended, json!({ "d": medellin })).await;
    let ids: Vec<&str> = data["recommendedOffers"]
        .as_array()
        .expect("m")
        .iter()
        .filter_map(|m| m["offer"]["id"].as_str())
        .collect();
    assert!(!ids.contains(&small_only.as_str()), "{data}");

    // The reverse view: the offer should reach Abejorral (G5) before Medellín (capital).
    let data = ok(
        app,
        &scene.dnp,
        "query($o: ID!) { recommendedDemands(offerId: $o) { score demand { id entity { code } } } }",
        json!({ "o": regalias }),
    )
    .await;
    let order: Vec<&str> = data["recommendedDemands"]
        .as_array()
        .expect("m")
        .iter()
        .filter_map(|m| m["demand"]["entity"]["code"].as_str())
        .collect();
    assert_eq!(order, ["05002", "05001"], "{data}");

    // Assigning uses a place and moves the demand along.
    let assign =
        "mutation($o: ID!, $d: ID!) { assignOffer(offerId: $o, demandId: $d) { demand { status } } }";
    let data = ok(app, &scene.dnp, assign, json!({ "o": regalias, "d": abejorral })).await;
    assert_eq!(data["assignOffer"]["demand"]["status"], "MATCHED");
    let (_, twice) = app.graphql_as(Some(&scene.dnp), assign, json!({ "o": regalias, "d": abejorral })).await;
    assert_eq!(error_codes(&twice), ["CONFLICT"]);

    // The offering organisation sees the demands it was assigned to (to record deliveries); no one else does.
    let assigned = "query($o: ID!) { offer(id: $o) { assignedDemands { id entity { code } status } } }";
    let data = ok(app, &scene.dnp, assigned, json!({ "o": regalias })).await;
    assert_eq!(
        data["offer"]["assignedDemands"],
        json!([{ "id": abejorral, "entity": { "code": "05002" }, "status": "MATCHED" }])
    );
    let public = app.query_ok(assigned, json!({ "o": regalias })).await;
    assert!(public["offer"]["assignedDemands"].is_null(), "{public}");
}

async fn bad_offers_and_demands_are_refused_and_nothing_is_written(app: &TestApp) {
    let scene = scene(app).await;
    let db = app.database().await;
    let count = |table: &'static str| {
        let db = db.clone();
        async move {
            use sea_orm::{ConnectionTrait, Statement};
            let row = db
                .query_one(Statement::from_string(
                    db.get_database_backend(),
                    format!("SELECT COUNT(*) AS n FROM {table}"),
                ))
                .await
                .expect("count")
                .expect("row");
            row.try_get::<i64>("", "n").expect("n")
        }
    };
    let before = (count("att_offer").await, count("att_demand").await, count("audit_log").await);
    let good = offer("Asistencia en catastro", "catastro", &[], &[]);
    let mut bad = Vec::new();
    for (field, value) in [
        ("endsOn", json!("2025-01-01")),
        ("capacity", json!(-1)),
        ("capacity", json!(0)),
        ("costToEntity", json!(-5)),
        ("departmentCodes", json!(["98"])),
        ("targetKinds", json!([])),
        ("title", json!("")),
        ("competency", json!("ASTROLOGIA")),
    ] {
        let mut input = good.clone();
        input[field] = value;
        bad.push(input);
    }
    for input in bad {
        let (_, body) = app.graphql_as(Some(&scene.dnp), CREATE_OFFER, json!({ "input": input })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{input}: {body}");
        assert!(!body["errors"][0]["message"].as_str().unwrap_or_default().is_empty());
    }
    let mut seventh = good.clone();
    seventh["targetCategories"] = json!(["SEVENTH"]);
    let (_, body) = app.graphql_as(Some(&scene.dnp), CREATE_OFFER, json!({ "input": seventh })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "a category that does not exist: {body}");
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("SEVENTH"), "{body}");
    let demand = json!({ "entityCode": "05002", "need": "Formular el plan de ordenamiento", "topic": "ordenamiento",
        "priority": "LOW", "capacityGap": "Sin cartografía", "desiredFrom": "2026-06-01", "desiredTo": "2026-01-01" });
    let (_, body) = app.graphql_as(Some(&scene.abejorral), CREATE_DEMAND, json!({ "input": demand })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "dates out of order: {body}");
    let mut other = demand.clone();
    other["entityCode"] = json!("05001");
    other["desiredTo"] = json!("2026-12-01");
    let (_, body) = app.graphql_as(Some(&scene.abejorral), CREATE_DEMAND, json!({ "input": other })).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "another entity's demand: {body}");
    assert_eq!((count("att_offer").await, count("att_demand").await, count("audit_log").await), before);

    // A closed offer takes no more demands.
    let offer_id = published(app, &scene.dnp, good).await;
    ok(
        app,
        &scene.dnp,
        "mutation($id: ID!) { closeOffer(id: $id) { offer { status } } }",
        json!({ "id": offer_id }),
    )
    .await;
    let mut fine = demand.clone();
    fine["desiredTo"] = json!("2026-12-01");
    let demand_id = ok(app, &scene.abejorral, CREATE_DEMAND, json!({ "input": fine })).await["createDemand"]
        ["demand"]["id"]
        .clone();
    let (_, body) = app
        .graphql_as(
            Some(&scene.dnp),
            "mutation($o: ID!, $d: ID!) { assignOffer(offerId: $o, demandId: $d) { demand { status } } }",
            json!({ "o": offer_id, "d": demand_id }),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
}

/// One rule for who sees a demand, in the list, alone and through its
/// recommendations: the entity, its department and the national side.
async fn a_demand_is_seen_by_the_same_rule_everywhere(app: &TestApp) {
    let scene = scene(app).await;
    published(app, &scene.dnp, offer("Catastro multipropósito", "catastro", &["05"], &[])).await;
    let input = json!({ "input": { "entityCode": "05002", "need": "Actualizar el catastro rural",
        "topic": "catastro", "priority": "HIGH", "capacityGap": "Sin equipo técnico" } });
    let demand =
        ok(app, &scene.abejorral, CREATE_DEMAND, input).await["createDemand"]["demand"]["id"].clone();
    app.create_user("planeacion@antioquia.gov.co", Role::Territorial, Some("05"), None).await;
    let antioquia = app.login("planeacion@antioquia.gov.co").await;
    let one = "query($d: ID!) { demand(id: $d) { id } }";
    let recommended = "query($d: ID!) { recommendedOffers(demandId: $d) { offer { title } } }";
    let listed = "{ demands { totalCount } }";
    for token in [&scene.abejorral, &antioquia, &scene.dnp] {
        assert_eq!(ok(app, token, one, json!({ "d": demand })).await["demand"]["id"], demand);
        let offers = ok(app, token, recommended, json!({ "d": demand })).await;
        assert_eq!(offers["recommendedOffers"][0]["offer"]["title"], "Catastro multipropósito", "{offers}");
        assert_eq!(ok(app, token, listed, json!({})).await["demands"]["totalCount"], 1);
    }
    // Another municipality sees none of it, as if it did not exist.
    assert_eq!(ok(app, &scene.medellin, listed, json!({})).await["demands"]["totalCount"], 0);
    assert!(ok(app, &scene.medellin, one, json!({ "d": demand })).await["demand"].is_null());
    refused(app, &scene.medellin, recommended, json!({ "d": demand }), "NOT_FOUND").await;
}

/// The first recommendations are the first of every eligible candidate: the
/// short list a mayor's team asks for is the head of the long one, whatever
/// rule (department listed second, a category among others, several kinds, no
/// places left, dates) decides eligibility.
async fn the_first_recommendations_are_the_head_of_all_eligible(app: &TestApp) {
    let scene = scene(app).await;
    app.create_user("planeacion@pasto.gov.co", Role::Territorial, Some("52001"), None).await;
    let pasto = app.login("planeacion@pasto.gov.co").await;
    let with = |mut input: Value, field: &str, value: Value| {
        input[field] = value;
        input
    };
    let eligible = [
        offer("Proyectos de regalías para acueductos", "regalías", &["05"], &[]),
        with(
            offer("Gobierno digital", "gobierno digital", &[], &[]),
            "targetKinds",
            json!(["DEPARTMENT", "MUNICIPALITY"]),
        ),
        offer("Catastro multipropósito", "catastro", &[], &["FIRST", "SIXTH"]),
        offer("Archivo y gestión documental", "archivo", &["52", "05"], &[]),
        offer("Estratificación socioeconómica", "REGALIAS", &[], &[]),
    ];
    let not_eligible = [
        offer("Control interno", "control interno", &["52"], &[]),
        offer("Seguridad vial", "seguridad vial", &[], &["FIRST"]),
        with(offer("Gestión del riesgo", "riesgo", &[], &[]), "targetKinds", json!(["DEPARTMENT"])),
        with(offer("Plan de desarrollo", "planeación", &[], &[]), "endsOn", json!("2026-12-31")),
        with(offer("Transparencia activa", "transparencia", &[], &[]), "capacity", json!(1)),
    ];
    let mut ids = Vec::new();
    for input in eligible.iter().chain(&not_eligible) {
        ids.push(published(app, &scene.dnp, input.clone()).await);
    }
    let demand = |need: &str, topic: &str, priority: &str| {
        json!({ "input": { "entityCode": "05002", "need": need, "topic": topic, "priority": priority,
            "capacityGap": "Sin profesional de proyectos", "desiredFrom": "2027-01-01", "desiredTo": "2027-06-30" } })
    };
    let mut demands = Vec::new();
    for (need, topic, priority) in [
        ("Formular un proyecto de acueducto con regalías", "Regalías", "HIGH"),
        ("Sede electrónica y trámites en línea", "gobierno digital", "LOW"),
        ("Actualizar el catastro rural", "catastro", "MEDIUM"),
        ("Tablas de retención documental", "archivo", "HIGH"),
    ] {
        let data = ok(app, &scene.abejorral, CREATE_DEMAND, demand(need, topic, priority)).await;
        demands.push(data["createDemand"]["demand"]["id"].clone());
    }
    let mut other = demand("Trámites en línea para la ciudad", "gobierno digital", "HIGH");
    other["input"]["entityCode"] = json!("05001");
    let medellin =
        ok(app, &scene.medellin, CREATE_DEMAND, other.clone()).await["createDemand"]["demand"]["id"].clone();
    other["input"]["entityCode"] = json!("52001");
    ok(app, &pasto, CREATE_DEMAND, other).await;
    let full = ids.last().expect("the offer with one place");
    ok(
        app,
        &scene.dnp,
        "mutation($o: ID!, $d: ID!) { assignOffer(offerId: $o, demandId: $d) { demand { status } } }",
        json!({ "o": full, "d": medellin }),
    )
    .await;

    let offers_for =
        "query($d: ID!, $n: Int) { recommendedOffers(demandId: $d, first: $n) { score offer { id title } } }";
    // The search index takes the published offers in the background; its text
    // scores move while it does, so the order is compared, not the scores.
    let catalogue = "{ searchOffers(first: 50) { edges { node { score } } } }";
    for _ in 0..100 {
        let found = app.query_ok(catalogue, json!({})).await;
        if found["searchOffers"]["edges"].as_array().is_some_and(|edges| edges.len() == ids.len()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let order = |data: &Value, field: &str, item: &str| -> Vec<String> {
        let matches = data[field].as_array().expect("matches");
        let scores: Vec<f64> = matches.iter().filter_map(|m| m["score"].as_f64()).collect();
        assert!(scores.windows(2).all(|pair| pair[0] >= pair[1]), "best first: {data}");
        matches.iter().filter_map(|m| m[item]["id"].as_str().map(str::to_owned)).collect()
    };
    let head = ok(app, &scene.abejorral, offers_for, json!({ "d": demands[0], "n": 50 })).await;
    let head_ids = order(&head, "recommendedOffers", "offer");
    let head = head["recommendedOffers"].clone();
    let mut titles: Vec<&str> =
        head.as_array().expect("matches").iter().filter_map(|m| m["offer"]["title"].as_str()).collect();
    titles.sort_unstable();
    let mut expected: Vec<&str> = eligible.iter().filter_map(|o| o["title"].as_str()).collect();
    expected.sort_unstable();
    assert_eq!(titles, expected, "{head}");
    for n in 1..=expected.len() {
        let some = ok(app, &scene.abejorral, offers_for, json!({ "d": demands[0], "n": n })).await;
        assert_eq!(order(&some, "recommendedOffers", "offer"), head_ids[..n], "first {n}");
    }

    let demands_for = "query($o: ID!, $n: Int) { recommendedDemands(offerId: $o, first: $n) { score demand { id entity { code } } } }";
    for offer in [&ids[0], &ids[1]] {
        let all = ok(app, &scene.dnp, demands_for, json!({ "o": offer, "n": 50 })).await;
        let all_ids = order(&all, "recommendedDemands", "demand");
        let codes: Vec<&str> = all["recommendedDemands"]
            .as_array()
            .expect("matches")
            .iter()
            .filter_map(|m| m["demand"]["entity"]["code"].as_str())
            .collect();
        let everywhere = offer == &ids[1];
        assert_eq!(codes.len(), if everywhere { 5 } else { 4 }, "{codes:?}");
        assert_eq!(codes.contains(&"52001"), everywhere, "Pasto is outside Antioquia: {codes:?}");
        for n in 1..=all_ids.len() {
            let some = ok(app, &scene.dnp, demands_for, json!({ "o": offer, "n": n })).await;
            assert_eq!(order(&some, "recommendedDemands", "demand"), all_ids[..n], "first {n}");
        }
    }
}

const RECORD_DELIVERY: &str =
    "mutation($input: RecordDeliveryInput!) { recordDelivery(input: $input) { delivery { id hours } } }";
const EVALUATE: &str = "mutation($id: ID!, $input: EvaluateDeliveryInput!) {
    evaluateDelivery(deliveryId: $id, input: $input) { delivery { evaluation { satisfaction capacityInstalled } } } }";

const COMMENT: &str = "mutation($id: ID!, $c: String!) {
    commentDelivery(deliveryId: $id, comments: $c) { delivery { evaluation { satisfaction } comments { entityCode comments } } } }";

async fn refused(app: &TestApp, token: &str, query: &str, variables: Value, code: &str) -> String {
    let (_, body) = app.graphql_as(Some(token), query, variables).await;
    assert_eq!(error_codes(&body), [code], "{body}");
    body["errors"][0]["message"].as_str().unwrap_or_default().to_owned()
}

/// After the assignment: the offering entity records what it delivered, the
/// municipality evaluates it, and the indicators and the focalisation map say
/// who was reached; every wrong step is refused and writes nothing.
async fn deliveries_are_evaluated_and_counted(app: &TestApp) {
    let scene = scene(app).await;
    let offer_id =
        published(app, &scene.dnp, offer("Regalías para acueductos", "regalías", &["05"], &[])).await;
    let need = |entity: &str, topic: &str| {
        json!({ "input": { "entityCode": entity, "need": "Formular un proyecto de acueducto con regalías",
        "topic": topic, "priority": "HIGH", "capacityGap": "No hay profesional de proyectos" } })
    };
    let abejorral = ok(app, &scene.abejorral, CREATE_DEMAND, need("05002", "Regalías")).await["createDemand"]
        ["demand"]["id"]
        .clone();
    let medellin = ok(app, &scene.medellin, CREATE_DEMAND, need("05001", "regalias")).await["createDemand"]
        ["demand"]["id"]
        .clone();
    let delivery = |demand: &Value, on: &str, hours: f64| {
        json!({ "input": { "offerId": offer_id, "demandId": demand, "deliveredOn": on, "hours": hours,
            "participants": 6, "modality": "VIRTUAL", "notes": "Taller de formulación" } })
    };
    let message =
        refused(app, &scene.dnp, RECORD_DELIVERY, delivery(&abejorral, "2026-03-02", 4.0), "BAD_USER_INPUT")
            .await;
    assert!(message.contains("no está asignada"), "{message}");
    ok(
        app,
        &scene.dnp,
        "mutation($o: ID!, $d: ID!) { assignOffer(offerId: $o, demandId: $d) { demand { status } } }",
        json!({ "o": offer_id, "d": abejorral }),
    )
    .await;
    refused(app, &scene.dnp, RECORD_DELIVERY, delivery(&abejorral, "2999-01-01", 4.0), "BAD_USER_INPUT")
        .await;
    refused(app, &scene.dnp, RECORD_DELIVERY, delivery(&abejorral, "2025-12-31", 4.0), "BAD_USER_INPUT")
        .await;
    refused(app, &scene.dnp, RECORD_DELIVERY, delivery(&abejorral, "2026-03-02", 0.0), "BAD_USER_INPUT")
        .await;
    refused(app, &scene.abejorral, RECORD_DELIVERY, delivery(&abejorral, "2026-03-02", 4.0), "FORBIDDEN")
        .await;
    let recorded = ok(app, &scene.dnp, RECORD_DELIVERY, delivery(&abejorral, "2026-03-02", 4.5)).await;
    let delivery_id = recorded["recordDelivery"]["delivery"]["id"].clone();
    assert_eq!(recorded["recordDelivery"]["delivery"]["hours"], 4.5);

    let evaluation = |satisfaction: i32| {
        json!({ "id": delivery_id,
        "input": { "satisfaction": satisfaction, "capacityInstalled": true, "comments": "Quedamos con el proyecto formulado" } })
    };
    refused(app, &scene.abejorral, EVALUATE, evaluation(6), "BAD_USER_INPUT").await;
    refused(app, &scene.medellin, EVALUATE, evaluation(5), "FORBIDDEN").await;
    refused(app, &scene.dnp, EVALUATE, evaluation(5), "FORBIDDEN").await;
    // The department follows its municipality's demand but did not receive the assistance.
    app.create_user("planeacion@antioquia.gov.co", Role::Territorial, Some("05"), None).await;
    let antioquia = app.login("planeacion@antioquia.gov.co").await;
    let message = refused(app, &antioquia, EVALUATE, evaluation(5), "FORBIDDEN").await;
    assert!(message.contains("la entidad que la recibió"), "{message}");
    // It comments instead, as often as it follows up; the evaluation stays Abejorral's.
    let comment = |text: &str| json!({ "id": delivery_id, "c": text });
    refused(app, &antioquia, COMMENT, comment("   "), "BAD_USER_INPUT").await;
    let message = refused(app, &scene.abejorral, COMMENT, comment("Nos fue bien"), "FORBIDDEN").await;
    assert!(message.contains("la comenta el departamento"), "{message}");
    refused(app, &scene.dnp, COMMENT, comment("Se cumplió"), "FORBIDDEN").await;
    let commented =
        ok(app, &antioquia, COMMENT, comment("La gobernación acompañó el taller; falta el anexo de costos"))
            .await;
    let comments = &commented["commentDelivery"]["delivery"]["comments"];
    assert_eq!(comments.as_array().map(Vec::len), Some(1), "{commented}");
    assert_eq!(comments[0]["entityCode"], "05");
    assert_eq!(comments[0]["comments"], "La gobernación acompañó el taller; falta el anexo de costos");
    assert!(commented["commentDelivery"]["delivery"]["evaluation"].is_null(), "a comment is no evaluation");
    let data = ok(app, &scene.abejorral, EVALUATE, evaluation(4)).await;
    assert_eq!(
        data["evaluateDelivery"]["delivery"]["evaluation"],
        json!({ "satisfaction": 4, "capacityInstalled": true })
    );
    refused(app, &scene.abejorral, EVALUATE, evaluation(2), "CONFLICT").await;

    let view = ok(
        app,
        &scene.abejorral,
        "query($d: ID!) { demand(id: $d) { status deliveries { deliveredOn participants evaluation { satisfaction } comments { entityCode } } } }",
        json!({ "d": abejorral }),
    )
    .await;
    assert_eq!(
        view["demand"],
        json!({ "status": "ATTENDED", "deliveries": [
            { "deliveredOn": "2026-03-02", "participants": 6, "evaluation": { "satisfaction": 4 },
              "comments": [{ "entityCode": "05" }] }] }),
        "one delivery, one comment: the refused ones wrote nothing"
    );

    let indicators = app
        .query_ok(
            "{ byDepartment: assistanceIndicators(groupBy: DEPARTMENT) { key demands demandsCovered coverage
                 entitiesReached lowestCapacityReached deliveries hours averageSatisfaction }
               byOrganisation: assistanceIndicators(groupBy: ORGANISATION) { key demands demandsCovered }
               byTopic: assistanceIndicators(groupBy: TOPIC) { key demands }
               demandFocalisation { departmentCode topic demands unmet attended } }",
            json!({}),
        )
        .await;
    assert_eq!(
        indicators["byDepartment"],
        json!([{ "key": "05", "demands": 2, "demandsCovered": 1, "coverage": 0.5, "entitiesReached": 1,
            "lowestCapacityReached": 1, "deliveries": 1, "hours": 4.5, "averageSatisfaction": 4.0 }]),
        "Abejorral (group 5) was reached, Medellín still waits"
    );
    assert_eq!(indicators["byOrganisation"], json!([{ "key": "DNP", "demands": 1, "demandsCovered": 1 }]));
    assert_eq!(indicators["byTopic"], json!([{ "key": "regalias", "demands": 2 }]), "case and accents fold");
    assert_eq!(
        indicators["demandFocalisation"],
        json!([{ "departmentCode": "05", "topic": "regalias", "demands": 2, "unmet": 1, "attended": 1 }])
    );
    let csv = app.client.get(app.url("/att/focalizacion.csv?anio=2026")).send().await.expect("csv");
    assert!(csv.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/csv"));
    let csv = app
        .client
        .get(app.url("/att/focalizacion.csv"))
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("text");
    assert!(csv.contains("ANTIOQUIA,05,regalias,2,1,1,Regalías"), "{csv}");
    let bad = app.client.get(app.url("/att/focalizacion.csv?anio=dos")).send().await.expect("400");
    assert_eq!(bad.status(), sugit_tests::StatusCode::BAD_REQUEST);

    // The municipality closes its demand; a closed demand takes no more deliveries.
    let closed = ok(
        app,
        &scene.abejorral,
        "mutation($d: ID!) { closeDemand(id: $d) { demand { status } } }",
        json!({ "d": abejorral }),
    )
    .await;
    assert_eq!(closed["closeDemand"]["demand"]["status"], "CLOSED");
    refused(app, &scene.dnp, RECORD_DELIVERY, delivery(&abejorral, "2026-03-09", 2.0), "BAD_USER_INPUT")
        .await;
    refused(
        app,
        &scene.medellin,
        "mutation($d: ID!) { closeDemand(id: $d) { demand { status } } }",
        json!({ "d": abejorral }),
        "FORBIDDEN",
    )
    .await;
    assert_eq!(
        app.query_ok("{ demandFocalisation(year: 2001) { topic } }", json!({})).await["demandFocalisation"],
        json!([]),
        "a year without demands"
    );
    let _ = medellin;
}

/// Offers and demands page in SQL, newest first: the cursor carries on where
/// the last page stopped, nothing repeated or skipped; drafts are their
/// organisation's only, and demands follow the same visibility as one demand.
async fn offers_and_demands_page_newest_first_by_cursor(app: &TestApp) {
    let scene = scene(app).await;
    for title in ["Oferta uno de catastro", "Oferta dos de catastro", "Oferta tres de catastro"] {
        published(app, &scene.dnp, offer(title, "catastro", &[], &[])).await;
    }
    ok(
        app,
        &scene.dnp,
        CREATE_OFFER,
        json!({ "input": offer("Borrador de catastro", "catastro", &[], &[]) }),
    )
    .await;
    let page = "query($a: String) { offers(first: 2, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } }";
    let titles = |data: &Value| -> Vec<String> {
        data["offers"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["node"]["title"].as_str().map(str::to_owned))
            .collect()
    };
    let first = app.query_ok(page, json!({})).await;
    assert_eq!(first["offers"]["totalCount"], 3, "the public sees no draft: {first}");
    assert_eq!(titles(&first), ["Oferta tres de catastro", "Oferta dos de catastro"]);
    assert_eq!(first["offers"]["pageInfo"]["hasNextPage"], true);
    let second = app.query_ok(page, json!({ "a": first["offers"]["pageInfo"]["endCursor"] })).await;
    assert_eq!(titles(&second), ["Oferta uno de catastro"]);
    assert_eq!(second["offers"]["pageInfo"]["hasNextPage"], false);
    let own = ok(app, &scene.dnp, "{ offers(first: 10) { totalCount } }", json!({})).await;
    assert_eq!(own["offers"]["totalCount"], 4, "its own draft too");
    let (_, bad) = app.graphql_as(None, page, json!({ "a": "bm8tZXMtdW4tY3Vyc29y" })).await;
    assert_eq!(error_codes(&bad), ["BAD_USER_INPUT"], "a cursor that is no key: {bad}");

    let need = |entity: &str, topic: &str| {
        json!({ "input": { "entityCode": entity, "need": "Actualizar la base catastral rural", "topic": topic,
        "priority": "HIGH", "capacityGap": "Sin equipo técnico" } })
    };
    for topic in ["catastro uno", "catastro dos", "catastro tres"] {
        ok(app, &scene.abejorral, CREATE_DEMAND, need("05002", topic)).await;
    }
    ok(app, &scene.medellin, CREATE_DEMAND, need("05001", "catastro de Medellín")).await;
    app.create_user("planeacion@antioquia.gov.co", Role::Territorial, Some("05"), None).await;
    let antioquia = app.login("planeacion@antioquia.gov.co").await;
    let demands = "query($a: String) { demands(first: 3, after: $a) { totalCount pageInfo { endCursor } edges { node { topic } } } }";
    let topics = |data: &Value| -> Vec<String> {
        data["demands"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["node"]["topic"].as_str().map(str::to_owned))
            .collect()
    };
    let first = ok(app, &antioquia, demands, json!({})).await;
    assert_eq!(first["demands"]["totalCount"], 4, "the department sees its municipalities': {first}");
    let second =
        ok(app, &antioquia, demands, json!({ "a": first["demands"]["pageInfo"]["endCursor"] })).await;
    let mut all = topics(&first);
    all.extend(topics(&second));
    assert_eq!(all, ["catastro de Medellín", "catastro tres", "catastro dos", "catastro uno"]);
    let own = ok(app, &scene.abejorral, demands, json!({})).await;
    assert_eq!(own["demands"]["totalCount"], 3, "a municipality sees only its own: {own}");
}

backend_tests!(
    offers_and_demands_page_newest_first_by_cursor,
    deliveries_are_evaluated_and_counted,
    offers_are_searchable_once_published_and_gone_when_archived,
    matching_puts_the_least_capacity_first_and_explains_itself,
    bad_offers_and_demands_are_refused_and_nothing_is_written,
    a_demand_is_seen_by_the_same_rule_everywhere,
    the_first_recommendations_are_the_head_of_all_eligible,
);

/// On first start the market has offers, demands and a year of follow-up:
/// the catalogue is searchable and the indicators say who was reached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_market_shows_offers_demands_and_outcomes() {
    let Some(app) =
        TestApp::spawn_with(sugit_tests::Backend::Sqlite, |settings| settings.demo = Some(true)).await
    else {
        return;
    };
    let found = offers_found(&app, "regalias").await;
    assert!(found.iter().any(|t| t.contains("regalías")), "{found:?}");
    let data = app
        .query_ok(
            "{ assistanceIndicators(groupBy: ORGANISATION) { key demandsCovered lowestCapacityReached averageSatisfaction }
               demandFocalisation { departmentCode unmet } }",
            json!({}),
        )
        .await;
    let rows = data["assistanceIndicators"].as_array().expect("rows");
    assert!(rows.len() >= 6, "{data}");
    let reached: i64 = rows.iter().filter_map(|r| r["lowestCapacityReached"].as_i64()).sum();
    assert!(reached >= 3, "municipalities of group 5 were reached: {data}");
    assert!(rows.iter().any(|r| r["averageSatisfaction"].as_f64() == Some(5.0)));
    let unmet: i64 = data["demandFocalisation"]
        .as_array()
        .expect("cells")
        .iter()
        .filter_map(|c| c["unmet"].as_i64())
        .sum();
    assert_eq!(unmet, 4, "four demands still wait for an offer: {data}");

    let login = app
        .query_ok(
            "mutation { login(email: \"att@05002.demo.gov.co\", password: \"demo-sugit-2025\") { token } }",
            json!({}),
        )
        .await;
    let abejorral = login["login"]["token"].as_str().expect("token").to_owned();
    let demands = app
        .graphql_as(
            Some(&abejorral),
            "{ demands(first: 10) { totalCount edges { node { topic status } } } }",
            json!({}),
        )
        .await
        .1;
    assert_eq!(demands["data"]["demands"]["totalCount"], 2, "{demands}");

    // The demo's history is coherent: no delivery before its demand was registered.
    let login = app
        .query_ok(
            "mutation { login(email: \"att@dnp.demo.gov.co\", password: \"demo-sugit-2025\") { token } }",
            json!({}),
        )
        .await;
    let dnp = login["login"]["token"].as_str().expect("token").to_owned();
    let (_, all) = app
        .graphql_as(
            Some(&dnp),
            "{ demands(first: 100) { edges { node { createdAt deliveries { deliveredOn } } } } }",
            json!({}),
        )
        .await;
    let mut delivered = 0;
    for edge in all["data"]["demands"]["edges"].as_array().expect("demands") {
        let registered = &edge["node"]["createdAt"].as_str().expect("createdAt")[..10];
        for delivery in edge["node"]["deliveries"].as_array().expect("deliveries") {
            delivered += 1;
            let on = delivery["deliveredOn"].as_str().expect("deliveredOn");
            assert!(on >= registered, "a delivery on {on} precedes its demand of {registered}: {edge}");
        }
    }
    assert!(delivered >= 8, "the demo records deliveries: {all}");
}

/// A national year of demand (more than PostgreSQL's 65,535 parameters in one
/// statement) still gives its indicators and focalisation map: the facts are
/// read by subqueries, never by a list of every demand's id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indicators_answer_for_a_national_year_of_demand() {
    let Some(app) = TestApp::spawn(sugit_tests::Backend::PostgresRedis).await else { return };
    const DEMANDS: i64 = 70_000;
    {
        use sea_orm::ConnectionTrait;
        // Demands of 2026 spread over every municipal unit, a tenth of them
        // assigned to one offer and delivered (synthetic rows, written as a
        // bulk load would).
        let sql = format!(
            "WITH units AS (SELECT array_agg(code ORDER BY code) AS codes FROM territorial_entity
                            WHERE department_code IS NOT NULL)
             INSERT INTO att_demand (id, entity_code, need, topic, priority, capacity_gap, status, created_at, updated_at)
             SELECT gen_random_uuid(), codes[1 + i % array_length(codes, 1)], 'Necesidad sintética',
                    CASE WHEN i % 2 = 0 THEN 'catastro' ELSE 'agua potable' END, 'media', '',
                    CASE WHEN i % 10 = 0 THEN 'attended' ELSE 'open' END,
                    TIMESTAMPTZ '2026-03-01' + i * INTERVAL '1 minute', TIMESTAMPTZ '2026-03-01'
             FROM units, generate_series(1, {DEMANDS}) AS i"
        );
        app.state.db.execute_unprepared(&sql).await.expect("demands loaded");
    }
    let scene = scene(&app).await;
    let offer = published(&app, &scene.dnp, offer("Catastro multipropósito", "catastro", &[], &[])).await;
    {
        use sea_orm::ConnectionTrait;
        let sql = format!(
            "WITH attended AS (SELECT id FROM att_demand WHERE status = 'attended'),
                  assigned AS (INSERT INTO att_assignment (id, offer_id, demand_id, created_at)
                               SELECT gen_random_uuid(), '{offer}', id, now() FROM attended RETURNING id)
             INSERT INTO att_delivery (id, assignment_id, delivered_on, hours, participants, modality, notes, created_at)
             SELECT gen_random_uuid(), id, DATE '2026-06-01', 2, 3, 'virtual', '', now() FROM assigned"
        );
        app.state.db.execute_unprepared(&sql).await.expect("deliveries loaded");
    }
    let data = app
        .query_ok(
            "{ assistanceIndicators(groupBy: TOPIC, year: 2026) { key demands demandsCovered }
               demandFocalisation(year: 2026) { departmentCode demands unmet } }",
            json!({}),
        )
        .await;
    let rows = data["assistanceIndicators"].as_array().expect("rows");
    let total: i64 = rows.iter().filter_map(|r| r["demands"].as_i64()).sum();
    let covered: i64 = rows.iter().filter_map(|r| r["demandsCovered"].as_i64()).sum();
    assert_eq!(total, DEMANDS, "{rows:?}");
    assert_eq!(covered, DEMANDS / 10, "every delivered demand is covered");
    let cells = data["demandFocalisation"].as_array().expect("cells");
    let departments: std::collections::BTreeSet<&str> =
        cells.iter().filter_map(|c| c["departmentCode"].as_str()).collect();
    assert!(departments.len() >= 32, "every department has demand: {departments:?}");
    assert_eq!(cells.iter().filter_map(|c| c["demands"].as_i64()).sum::<i64>(), DEMANDS);
}
