//! Technical assistance, consultation and the commission at national scale:
//! `cargo bench -p sugit --bench national`.
//!
//! Starts the real server on a fresh PostgreSQL database with the demo data
//! («datos sintéticos de demostración»), then multiplies the demo's offers,
//! demands, assignments, deliveries and evaluations to 100,000 offers and
//! demands (the demands spread over every municipal unit of the register);
//! five consultation threads of six messages, opened and answered through the
//! real mutations, become 20,000 threads the same way; the commission's year
//! of records becomes ten. Copies are made in SQL and keep their references
//! (a copied assignment points at the copies of its offer and demand, a copied
//! message at the copy of its thread). The search index is rebuilt from the
//! database, as `sugit reindex` does.
//!
//! Then every query of `schema/operations/assistance.graphql`,
//! `consultation.graphql` and `commission.graphql` is sent over HTTP as the
//! user who would send it, each request a miss of the public answer cache,
//! and p50/p99 are printed per operation, slowest first (issue #26: p99 < 50
//! ms at national scale). The reporting and monitoring files are timed by the
//! `monitoring` bench, on its million reported values.
//!
//! Options: `--offers-and-demands N` (default 100,000), `--threads N`
//! (default 20,000), `--commission-years N` (default 10), `--rounds N`
//! (default 100), `--explain-over MS` (the plans of statements slower than
//! that go to PostgreSQL's log), `--keep` (leave the database, to study its
//! plans), `--log` (the server's logs, as `RUST_LOG` says), `--postgres URL` (default postgres://postgres@127.0.0.1:5432/postgres).

use std::time::Instant;

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;
use sugit::Application;

mod common;
use common::{arg, fresh_database, graphql, login, operation, server_settings, time_operations, Case};

const DATABASE: &str = "sugit_bench_national";
const PASSWORD: &str = "demo-sugit-2025";
const ASSISTANCE: &str = include_str!("../../schema/operations/assistance.graphql");
const CONSULTATION: &str = include_str!("../../schema/operations/consultation.graphql");
const COMMISSION: &str = include_str!("../../schema/operations/commission.graphql");

fn number(name: &str, default: u64) -> u64 {
    arg(name).map_or(default, |v| v.replace('_', "").parse().expect("a whole number"))
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect(sql)
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a number")
}

/// The copy `g` of a row's id: the same for the row and for every reference
/// to it, so copies point at copies.
fn copied(column: &str) -> String {
    format!("md5(t.{column}::text || ':' || g)::uuid")
}

/// Inserts `copies` copies of every row `table` has now, with `set`'s
/// expressions (over the row `t` and the copy number `g`) in place of their
/// columns. Returns the rows the table holds afterwards.
async fn multiply(db: &DatabaseConnection, table: &str, copies: u64, set: &[(&str, String)]) -> i64 {
    let rows = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT column_name::text AS name FROM information_schema.columns \
                 WHERE table_name = '{table}' AND table_schema = 'public' ORDER BY ordinal_position"
            ),
        ))
        .await
        .expect("columns");
    let columns: Vec<String> =
        rows.iter().map(|row| row.try_get::<String>("", "name").expect("name")).collect();
    for (name, _) in set {
        assert!(columns.iter().any(|c| c == name), "{table} has no column {name}");
    }
    let values: Vec<String> = columns
        .iter()
        .map(|column| {
            set.iter()
                .find(|(name, _)| name == column)
                .map_or_else(|| format!("t.{column}"), |(_, e)| e.clone())
        })
        .collect();
    db.execute_unprepared(&format!(
        "INSERT INTO {table} ({}) SELECT {} FROM {table} t CROSS JOIN generate_series(1, {copies}) g",
        columns.join(", "),
        values.join(", ")
    ))
    .await
    .unwrap_or_else(|error| panic!("copying {table}: {error}"));
    scalar(db, &format!("SELECT count(*) FROM {table}")).await
}

/// A copy's date, moved back by up to ten years.
fn stamp(column: &'static str) -> (&'static str, String) {
    (column, format!("t.{column} - (g % 3650) * interval '1 day'"))
}

/// One of the register's municipal units, spread by the row and its copy.
const SOME_UNIT: &str =
    "(SELECT array_agg(code ORDER BY code) FROM territorial_entity WHERE kind <> 'DEPARTMENT')\
    [1 + abs(hashtext(t.id::text || ':' || g)) % 1121]";

async fn scale_assistance(db: &DatabaseConnection, offers_and_demands: u64) {
    let demo =
        scalar(db, "SELECT (SELECT count(*) FROM att_offer) + (SELECT count(*) FROM att_demand)").await;
    let copies = (offers_and_demands as i64 / demo.max(1)).max(1) as u64;
    let id = ("id", copied("id"));
    let offers = multiply(
        db,
        "att_offer",
        copies,
        &[
            id.clone(),
            ("title", "left(t.title || ' · ' || g, 200)".into()),
            stamp("created_at"),
            stamp("updated_at"),
        ],
    )
    .await;
    let demands = multiply(
        db,
        "att_demand",
        copies,
        &[id.clone(), ("entity_code", SOME_UNIT.into()), stamp("created_at")],
    )
    .await;
    let assignments = multiply(
        db,
        "att_assignment",
        copies,
        &[id.clone(), ("offer_id", copied("offer_id")), ("demand_id", copied("demand_id"))],
    )
    .await;
    let deliveries =
        multiply(db, "att_delivery", copies, &[id.clone(), ("assignment_id", copied("assignment_id"))]).await;
    let evaluations = multiply(db, "att_evaluation", copies, &[("delivery_id", copied("delivery_id"))]).await;
    eprintln!(
        "ofertas {offers}, demandas {demands}, asignaciones {assignments}, entregas {deliveries}, evaluaciones {evaluations}"
    );
}

async fn scale_consultation(db: &DatabaseConnection, threads: u64) {
    let demo_threads = scalar(db, "SELECT count(*) FROM consultation_thread").await;
    let copies = (threads as i64 / demo_threads.max(1)).max(1) as u64;
    let threads = multiply(
        db,
        "consultation_thread",
        copies,
        &[
            ("id", copied("id")),
            ("entity_code", SOME_UNIT.into()),
            stamp("created_at"),
            stamp("last_message_at"),
            stamp("first_answer_at"),
        ],
    )
    .await;
    let messages = multiply(
        db,
        "consultation_message",
        copies,
        &[("id", copied("id")), ("thread_id", copied("thread_id")), stamp("created_at")],
    )
    .await;
    eprintln!("hilos {threads}, mensajes {messages}");
}

/// A copy's time, moved back `g` years.
fn years_back(column: &'static str) -> (&'static str, String) {
    (column, format!("t.{column} - g * interval '1 year'"))
}

/// Ten years of the commission: the demo's year of sessions, attendance,
/// decisions, votes, commitments and their notes, work plan and national
/// agenda, copied into each of the nine years before it.
async fn scale_commission(db: &DatabaseConnection, years: u64) {
    let copies = years.saturating_sub(1).max(1);
    let id = ("id", copied("id"));
    let sessions = multiply(
        db,
        "commission_session",
        copies,
        &[
            id.clone(),
            years_back("scheduled_at"),
            years_back("created_at"),
            years_back("minutes_approved_at"),
        ],
    )
    .await;
    multiply(db, "commission_attendance", copies, &[("session_id", copied("session_id"))]).await;
    let decisions = multiply(
        db,
        "commission_decision",
        copies,
        &[
            id.clone(),
            ("session_id", copied("session_id")),
            years_back("created_at"),
            years_back("closed_at"),
        ],
    )
    .await;
    multiply(db, "commission_vote", copies, &[("decision_id", copied("decision_id"))]).await;
    let plan = multiply(db, "work_plan_item", copies, &[id.clone(), ("year", "t.year - g".into())]).await;
    let commitments = multiply(
        db,
        "commitment",
        copies,
        &[
            id.clone(),
            ("session_id", copied("session_id")),
            ("work_plan_item_id", copied("work_plan_item_id")),
            ("due_date", "(t.due_date - g * interval '1 year')::date".into()),
            years_back("created_at"),
            years_back("updated_at"),
            years_back("completed_at"),
        ],
    )
    .await;
    let notes = multiply(
        db,
        "commitment_note",
        copies,
        &[id.clone(), ("commitment_id", copied("commitment_id")), years_back("created_at")],
    )
    .await;
    multiply(db, "agenda_route", copies, &[id, ("year", "t.year - g".into()), years_back("updated_at")])
        .await;
    eprintln!(
        "sesiones {sessions}, decisiones {decisions}, compromisos {commitments} (notas {notes}), líneas del plan {plan}"
    );
}

/// The threads every copy starts from, opened and answered through the real
/// mutations: Abejorral asks about five of the DNP's offers, the DNP answers,
/// and each thread goes on for `MESSAGES` messages.
async fn seed_threads(
    db: &DatabaseConnection,
    client: &reqwest::Client,
    endpoint: &str,
    mayor: &str,
    national: &str,
) {
    const MESSAGES: usize = 6;
    let open = operation(CONSULTATION, "OpenConsultation");
    let post_message = operation(CONSULTATION, "PostConsultationMessage");
    let offers = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM att_offer WHERE organisation_code = 'DNP' AND status = 'published' ORDER BY id LIMIT 5",
        ))
        .await
        .expect("offers");
    assert!(!offers.is_empty(), "the demo has published DNP offers");
    for (n, row) in offers.iter().enumerate() {
        let offer = row.try_get_by_index::<uuid::Uuid>(0).expect("an id").to_string();
        let opened = graphql(
            client,
            endpoint,
            Some(mayor),
            &open,
            &json!({ "input": {
                "subjectKind": "OFFER", "subjectId": offer,
                "title": format!("Consulta sobre la oferta {} (datos sintéticos de demostración)", n + 1),
                "body": "¿La oferta cubre municipios de categoría sexta y cuándo abre la próxima cohorte?",
            } }),
        )
        .await;
        let thread =
            opened["data"]["openConsultation"]["thread"]["id"].as_str().expect("thread id").to_owned();
        for m in 1..MESSAGES {
            let (token, body) = if m % 2 == 1 {
                (
                    national,
                    "Sí: la cohorte abre en marzo; las inscripciones se hacen en la ficha de la oferta.",
                )
            } else {
                (mayor, "Gracias. ¿Se puede incluir al equipo de planeación además de la secretaría?")
            };
            graphql(
                client,
                endpoint,
                Some(token),
                &post_message,
                &json!({ "threadId": thread, "body": body }),
            )
            .await;
        }
    }
}

#[tokio::main]
async fn main() {
    let offers_and_demands = number("--offers-and-demands", 100_000);
    let threads = number("--threads", 20_000);
    let years = number("--commission-years", 10);
    let rounds = number("--rounds", 100) as usize;
    if std::env::args().any(|a| a == "--log") {
        sugit::telemetry::init(false); // RUST_LOG says what (e.g. sugit::assistance=debug)
    }
    let admin_url = arg("--postgres").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into());

    let (admin, url) = fresh_database(&admin_url, DATABASE).await;
    if let Some(over) = arg("--explain-over") {
        // PostgreSQL's auto_explain writes the plan of every statement slower
        // than this many ms to the server's log, for the slowest operations.
        for setting in [
            "session_preload_libraries = 'auto_explain'".to_owned(),
            format!("auto_explain.log_min_duration = {over}"),
        ] {
            admin
                .execute_unprepared(&format!("ALTER DATABASE {DATABASE} SET {setting}"))
                .await
                .expect("auto_explain");
        }
    }
    let index_dir = std::env::temp_dir().join(format!("sugit-bench-national-{}", std::process::id()));
    let settings = server_settings(url, index_dir.clone(), true);
    let app = Application::build(settings).await.expect("server starts");
    let state = app.state().clone();

    let address = app.local_addr();
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::new();
    let endpoint = format!("http://{address}/graphql");
    let national = login(&client, &endpoint, "att@dnp.demo.gov.co", PASSWORD).await;
    let mayor = login(&client, &endpoint, "alcaldia@abejorral.demo.gov.co", PASSWORD).await;
    let secretariat = login(&client, &endpoint, "secretaria@funcionpublica.demo.gov.co", PASSWORD).await;
    let db = &state.db;

    let started = Instant::now();
    seed_threads(db, &client, &endpoint, &mayor, &national).await;
    scale_assistance(db, offers_and_demands).await;
    scale_consultation(db, threads).await;
    scale_commission(db, years).await;
    db.execute_unprepared("ANALYZE").await.expect("analyze");
    let generated = started.elapsed();
    let started = Instant::now();
    let indexed = state.search.rebuild(|_| {}).await.expect("rebuild");
    let rebuilt = started.elapsed();
    eprintln!(
        "generado en {:.1} s; índice reconstruido en {:.1} s ({indexed} documentos)",
        generated.as_secs_f64(),
        rebuilt.as_secs_f64()
    );

    let id_of = |sql: &'static str| async move {
        let row = db
            .query_one(Statement::from_string(db.get_database_backend(), sql))
            .await
            .expect(sql)
            .expect("a row");
        row.try_get_by_index::<uuid::Uuid>(0).expect("an id").to_string()
    };
    let offer = id_of("SELECT id FROM att_offer WHERE organisation_code = 'DNP' AND status = 'published' ORDER BY id LIMIT 1").await;
    let demand = id_of("SELECT id FROM att_demand WHERE entity_code = '05002' ORDER BY id LIMIT 1").await;
    let thread = id_of(
        "SELECT t.id FROM consultation_thread t WHERE t.organisation_code = 'DNP' \
         ORDER BY (SELECT count(*) FROM consultation_message m WHERE m.thread_id = t.id) DESC, t.id LIMIT 1",
    )
    .await;
    let year = chrono::Datelike::year(&chrono::Utc::now());

    let (national, mayor, secretariat) =
        (("DNP", national.as_str()), ("Abejorral", mayor.as_str()), ("secretaría", secretariat.as_str()));
    // (operation, its file, who sends it, variables)
    let cases: Vec<Case> = vec![
        ("SearchOffers", ASSISTANCE, national, json!({ "query": "agua potable", "first": 20 })),
        ("SearchOffers", ASSISTANCE, national, json!({ "first": 20 })),
        ("Offer", ASSISTANCE, national, json!({ "id": offer })),
        ("Demands", ASSISTANCE, national, json!({ "first": 20 })),
        ("Demands", ASSISTANCE, mayor, json!({ "entityCode": "05002", "first": 20 })),
        ("Demand", ASSISTANCE, national, json!({ "id": demand })),
        ("AssistanceCoverage", ASSISTANCE, secretariat, json!({ "year": year })),
        ("RecommendedOffers", ASSISTANCE, mayor, json!({ "demandId": demand, "first": 10 })),
        ("OwnOffers", ASSISTANCE, national, json!({ "organisationCode": "DNP", "first": 20 })),
        ("RecommendedDemands", ASSISTANCE, national, json!({ "offerId": offer, "first": 10 })),
        ("ConsultationThreads", CONSULTATION, national, json!({ "first": 20 })),
        ("ConsultationThreads", CONSULTATION, mayor, json!({ "first": 20 })),
        ("ConsultationThread", CONSULTATION, national, json!({ "id": thread, "first": 20 })),
        ("ConsultationResponseTimes", CONSULTATION, secretariat, json!({})),
        ("CommissionSessions", COMMISSION, secretariat, json!({ "year": year, "first": 20 })),
        ("CommissionSessions", COMMISSION, secretariat, json!({ "first": 20 })),
        ("Commitments", COMMISSION, secretariat, json!({ "first": 20 })),
        (
            "Commitments",
            COMMISSION,
            national,
            json!({ "filter": { "responsibleCode": "DNP", "overdue": true }, "first": 20 }),
        ),
        ("CommissionOverview", COMMISSION, secretariat, json!({ "year": year })),
        ("CommissionDelegates", COMMISSION, secretariat, json!({})),
    ];
    time_operations(&client, &endpoint, &cases, rounds).await;
    if !std::env::args().any(|a| a == "--keep") {
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")).await.ok();
    }
    let _ = std::fs::remove_dir_all(&index_dir);
}
