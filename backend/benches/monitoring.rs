//! Monitoring at national scale: `cargo bench -p sugit --bench monitoring`.
//!
//! Every municipal unit of the register (1,121) reports 50 numeric elements
//! for 20 years through the real report-once path; 100 indicators are
//! registered over them (ratios, sums, changes, rates per 100,000), which is
//! 2,242,000 stored results. Measured on PostgreSQL, with the real server:
//!
//! - the full recompute (`sugit recompute`): over stored results and from an
//!   empty results table;
//! - after one correction, how long until the indicators that read it show
//!   the new value (the outbox follower, as a user waits for it);
//! - a department's page (Antioquia's first 100 of 125 municipalities — the
//!   contract's largest page — on one indicator) and
//!   the national map through GraphQL over HTTP, each request missing the
//!   public answer cache;
//! - the alternative: the same two aggregations as one SQL query each over a
//!   plain observations table (entity, element, period, value) at read time;
//! - last, every query of `schema/operations/reporting.graphql`,
//!   `monitoring.graphql` and `territory.graphql` over HTTP, as the national
//!   entity, the municipality or the department that would send it (issue
//!   #26: p99 < 50 ms at national scale).
//!
//! Options: `--periods N` (default 20), `--elements N` (default 50; the
//! issue's reports family is 300 over 10 periods), `--indicators N` (default 100),
//! `--rounds N` (default 200), `--workers N` (default 16),
//! `--postgres URL` (default postgres://postgres@127.0.0.1:5432/postgres),
//! `--keep` (leave the database), `--reuse` (a database a `--keep` run left
//! with the same sizes: skip the load and the recomputes, time the queries
//! only; the load takes minutes).

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;
use sugit::{
    access::{service::NewUser, Actor, AuthUser, Role},
    monitoring::model::{Direction, NewIndicator},
    reporting::{
        catalogue::{NewDataElement, NewRequirement},
        model::{Periodicity, ValueType},
        submission::{ReportInput, ReportValue},
    },
    territory::TerritorialKind,
    AppState, Application,
};
use uuid::Uuid;

mod common;
use common::{arg, fresh_database, graphql, login, percentile, server_settings, time_operations, Case};

const DATABASE: &str = "sugit_bench_monitoring";
/// Data elements each unit reports every period (`--elements`, default 50).
static ELEMENTS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

fn elements() -> usize {
    *ELEMENTS.get_or_init(|| number("--elements", 50))
}

/// A requirement asks for at most 200 elements: more are split over
/// requirements of this many, as a reports family is.
const PER_REQUIREMENT: usize = 150;

/// The requirement of element `k`: `MONITOREO` for the first 150, then `MONITOREO_2`…
fn requirement_of(k: usize) -> String {
    match k / PER_REQUIREMENT {
        0 => "MONITOREO".into(),
        chunk => format!("MONITOREO_{}", chunk + 1),
    }
}
const FIRST_YEAR: usize = 2006;
const DEPARTMENT: &str = "05";
const CORRECTIONS: usize = 20;
const PASSWORD: &str = "banco-de-monitoreo-2026";
const REPORTING: &str = include_str!("../../schema/operations/reporting.graphql");
const MONITORING: &str = include_str!("../../schema/operations/monitoring.graphql");
const TERRITORY: &str = include_str!("../../schema/operations/territory.graphql");

const DEPARTMENT_PAGE: &str = "query($i: String!, $p: String!) {
  departmentIndicator(departmentCode: \"05\", indicatorCode: $i, period: $p, first: 100) {
    own { value } spread { count q1 median q3 }
    trafficLights { green yellow red withoutValue }
    municipalities { totalCount edges { node {
      entity { code name } result { value inConflict } trafficLight rank } } } } }";

const COUNTRY_MAP: &str = "query($i: String!, $p: String!) {
  countryIndicator(indicatorCode: $i, period: $p) {
    spread { count q1 median q3 } trafficLights { green yellow red withoutValue }
    departments { department { code name } medianTrafficLight spread { count median }
      trafficLights { green yellow red withoutValue } } } }";

fn number(name: &str, default: usize) -> usize {
    arg(name).map_or(default, |v| v.parse().expect("a whole number"))
}

fn admin() -> Actor {
    user(Role::Admin, None)
}

fn user(role: Role, entity: Option<&str>) -> Actor {
    Actor::User(AuthUser {
        id: Uuid::now_v7(),
        email: format!("monitoreo-{}@sugit.gov.co", entity.unwrap_or("admin")),
        name: "Banco de monitoreo".into(),
        role,
        entity_code: entity.map(str::to_owned),
        organisation_code: None,
        token_id: Uuid::nil(),
    })
}

/// A positive whole value for element `k` of unit `m` in period `p`, spread
/// so that ratios fall on both sides of the thresholds.
fn value(m: usize, p: usize, k: usize) -> u64 {
    let mixed = (m as u64 * 7_919 + p as u64 * 104_729 + k as u64 * 1_299_709) % 9_901;
    100 + mixed
}

/// Indicator `i`: its formula and the two elements it reads.
fn indicator(i: usize) -> (String, usize, usize) {
    let a = i % elements();
    let mut b = (i * 7 + 1) % elements();
    if b == a {
        b = (b + 1) % elements();
    }
    let formula = match i % 4 {
        0 => format!("E{a:02} / E{b:02} * 100"),
        1 => format!("E{a:02} + E{b:02}"),
        2 => format!("(E{a:02} - E{b:02}) / E{b:02} * 100"),
        _ => format!("E{a:02} / (E{b:02} * 1000) * 100000"),
    };
    (formula, a, b)
}

async fn units(db: &DatabaseConnection) -> Vec<String> {
    let rows = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT code FROM territorial_entity WHERE kind <> 'DEPARTMENT' ORDER BY code",
        ))
        .await
        .expect("register");
    rows.iter().map(|row| row.try_get::<String>("", "code").expect("code")).collect()
}

async fn register(state: &AppState, indicators: usize) {
    let codes: Vec<usize> = (0..elements()).collect();
    for chunk in codes.chunks(PER_REQUIREMENT) {
        let new_elements = chunk
            .iter()
            .map(|k| NewDataElement {
                code: format!("E{k:02}"),
                name: format!("Elemento de monitoreo {k}"),
                description: format!("Elemento numérico de prueba número {k}"),
                unit: "unidades".into(),
                value_type: ValueType::Integer,
                competency: "PRUEBA".into(),
                programmatic_unit: None,
                minimum: None,
                maximum: None,
            })
            .collect();
        state
            .reporting
            .catalogue
            .register_requirement(
                &admin(),
                NewRequirement {
                    code: requirement_of(chunk[0]),
                    name: format!("Requerimiento del banco de monitoreo, elementos desde {}", chunk[0]),
                    issuer_code: Some("DNP".into()),
                    legal_basis: "Banco de pruebas".into(),
                    periodicity: Periodicity::Annual,
                    entity_kinds: vec![
                        TerritorialKind::Municipality,
                        TerritorialKind::District,
                        TerritorialKind::NonMunicipalizedArea,
                    ],
                    existing_elements: vec![],
                    new_elements,
                    due_days: None,
                },
            )
            .await
            .expect("requirement");
    }
    for i in 0..indicators {
        let (formula, _, _) = indicator(i);
        state
            .monitoring
            .register(
                &admin(),
                NewIndicator {
                    code: format!("IND{i:03}"),
                    name: format!("Indicador de prueba {i}"),
                    competency: "PRUEBA".into(),
                    programmatic_unit: None,
                    formula,
                    unit: "%".into(),
                    direction: if i % 2 == 0 { Direction::HigherIsBetter } else { Direction::LowerIsBetter },
                    lower_threshold: 50.0,
                    upper_threshold: 100.0,
                    periodicity: Periodicity::Annual,
                    source_note: "Banco de pruebas".into(),
                    owner_code: Some("DNP".into()),
                    restricted: false,
                },
            )
            .await
            .expect("indicator");
    }
}

fn report(code: &str, m: usize, p: usize, key: &str, values: &[(usize, u64)]) -> ReportInput {
    ReportInput {
        entity_code: code.to_owned(),
        period: (FIRST_YEAR + p).to_string(),
        requirement_code: requirement_of(values.first().map_or(0, |(k, _)| *k)),
        idempotency_key: format!("monitoreo-{code}-{p}-{m}-{key}"),
        values: values
            .iter()
            .map(|(k, v)| ReportValue {
                data_element_code: format!("E{k:02}"),
                value: v.to_string(),
                subject_code: None,
            })
            .collect(),
    }
}

async fn ingest(state: &AppState, units: &[String], periods: usize, workers: usize) -> Duration {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..workers {
        let (state, units) = (state.clone(), units.to_vec());
        tasks.push(tokio::spawn(async move {
            for (m, code) in units.iter().enumerate().filter(|(m, _)| m % workers == worker) {
                let reporter = user(Role::Territorial, Some(code));
                for p in 0..periods {
                    let values: Vec<_> = (0..elements()).map(|k| (k, value(m, p, k))).collect();
                    // One submission per requirement of the family.
                    for (chunk, values) in values.chunks(PER_REQUIREMENT).enumerate() {
                        state
                            .reporting
                            .submissions
                            .submit(&reporter, report(code, m, p, &format!("inicial{chunk}"), values))
                            .await
                            .expect("submission accepted");
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("worker");
    }
    started.elapsed()
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("count")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a number")
}

/// The plain table a user would query instead: one row per value.
async fn plain_table(state: &AppState, units: &[String], periods: usize) -> Duration {
    let started = Instant::now();
    state
        .db
        .execute_unprepared(
            "CREATE TABLE plain_observation (entity_code VARCHAR(5) NOT NULL, element VARCHAR(8) NOT NULL, \
             period VARCHAR(10) NOT NULL, value DOUBLE PRECISION NOT NULL, PRIMARY KEY (element, period, entity_code))",
        )
        .await
        .expect("plain table");
    let mut rows = Vec::new();
    for (m, code) in units.iter().enumerate() {
        for p in 0..periods {
            for k in 0..elements() {
                rows.push(format!("('{code}','E{k:02}','{}',{})", FIRST_YEAR + p, value(m, p, k)));
            }
        }
        if rows.len() >= 10_000 || m + 1 == units.len() {
            let sql = format!("INSERT INTO plain_observation VALUES {}", rows.join(","));
            state.db.execute_unprepared(&sql).await.expect("plain insert");
            rows.clear();
        }
    }
    state.db.execute_unprepared("ANALYZE").await.expect("analyze");
    started.elapsed()
}

/// Indicator 0 (`E00 / E01 * 100`, higher is better, thresholds 50 and 100)
/// computed at read time: the values, lights, ranks and quartiles of one
/// department's units.
fn department_sql(period: &str) -> String {
    format!(
        "WITH v AS (
           SELECT n.entity_code, n.value / NULLIF(d.value, 0) * 100 AS value
           FROM plain_observation n JOIN plain_observation d
             ON d.element = 'E01' AND d.period = n.period AND d.entity_code = n.entity_code
           WHERE n.element = 'E00' AND n.period = '{period}' AND n.entity_code LIKE '{DEPARTMENT}%'),
         s AS (SELECT count(value) AS n, percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY value) AS q FROM v)
         SELECT t.code, t.name, v.value,
           CASE WHEN v.value >= 100 THEN 'GREEN' WHEN v.value >= 50 THEN 'YELLOW' WHEN v.value IS NOT NULL THEN 'RED' END AS light,
           rank() OVER (ORDER BY v.value DESC NULLS LAST) AS rank, s.n, s.q
         FROM territorial_entity t LEFT JOIN v ON v.entity_code = t.code CROSS JOIN s
         WHERE t.department_code = '{DEPARTMENT}' AND t.kind <> 'DEPARTMENT'
         ORDER BY t.code"
    )
}

/// The same indicator for the whole country, by department.
fn country_sql(period: &str) -> String {
    format!(
        "WITH v AS (
           SELECT n.entity_code, n.value / NULLIF(d.value, 0) * 100 AS value
           FROM plain_observation n JOIN plain_observation d
             ON d.element = 'E01' AND d.period = n.period AND d.entity_code = n.entity_code
           WHERE n.element = 'E00' AND n.period = '{period}')
         SELECT dep.code, dep.name, count(v.value) AS n,
           percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY v.value) AS q,
           count(*) FILTER (WHERE v.value >= 100) AS green,
           count(*) FILTER (WHERE v.value >= 50 AND v.value < 100) AS yellow,
           count(*) FILTER (WHERE v.value < 50) AS red,
           count(*) FILTER (WHERE v.value IS NULL) AS without_value
         FROM territorial_entity dep
         JOIN territorial_entity t ON t.department_code = dep.code AND t.kind <> 'DEPARTMENT'
         LEFT JOIN v ON v.entity_code = t.code
         WHERE dep.kind = 'DEPARTMENT'
         GROUP BY dep.code, dep.name ORDER BY dep.code"
    )
}

async fn time_sql(db: &DatabaseConnection, sql: &str, rounds: usize) -> Vec<Duration> {
    let mut times = Vec::with_capacity(rounds);
    for round in 0..rounds + 10 {
        let started = Instant::now();
        let rows = db.query_all(Statement::from_string(db.get_database_backend(), sql)).await.expect("query");
        assert!(!rows.is_empty());
        if round >= 10 {
            times.push(started.elapsed());
        }
    }
    times.sort_unstable();
    times
}

async fn time_graphql(endpoint: &str, query: &str, period: &str, rounds: usize) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut times = Vec::with_capacity(rounds);
    for round in 0..rounds + 10 {
        // A variable the query does not use makes each request its own
        // cache key: what is measured is the view, not the public cache.
        let variables = json!({ "i": "IND000", "p": period, "ronda": round });
        let started = Instant::now();
        graphql(&client, endpoint, None, query, &variables).await;
        let elapsed = started.elapsed();
        if round >= 10 {
            times.push(elapsed);
        }
    }
    times.sort_unstable();
    times
}

/// How long until indicator 0 of a unit shows a correction of its numerator.
async fn correction_latency(state: &AppState, units: &[String], periods: usize) -> Vec<Duration> {
    let period = FIRST_YEAR + periods - 1;
    let mut latencies = Vec::new();
    for n in 0..CORRECTIONS {
        let m = n * units.len() / CORRECTIONS;
        let code = &units[m];
        let corrected = value(m, periods - 1, 0) + 1 + n as u64;
        let expected = corrected as f64 / value(m, periods - 1, 1) as f64 * 100.0;
        let reporter = user(Role::Territorial, Some(code));
        let started = Instant::now();
        state
            .reporting
            .submissions
            .submit(&reporter, report(code, m, periods - 1, &format!("corr{n}"), &[(0, corrected)]))
            .await
            .expect("correction accepted");
        let sql = format!(
            "SELECT value FROM monitoring_value WHERE indicator_code = 'IND000' AND period = '{period}' AND entity_code = '{code}'"
        );
        loop {
            let row = state
                .db
                .query_one(Statement::from_string(state.db.get_database_backend(), sql.as_str()))
                .await
                .expect("read");
            let current = row.and_then(|r| r.try_get::<Option<f64>>("", "value").ok().flatten());
            if current.is_some_and(|v| (v - expected).abs() < 1e-6) {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "the follower never caught up");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        latencies.push(started.elapsed());
    }
    latencies.sort_unstable();
    latencies
}

async fn wait_for_results(db: &DatabaseConnection, expected: i64) -> Duration {
    let started = Instant::now();
    while count(db, "SELECT count(*) FROM monitoring_value").await < expected {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    started.elapsed()
}

/// Every query of the reporting, monitoring and register operation files,
/// sent over HTTP by the user who would send it, on the loaded base.
async fn time_every_query(state: &AppState, endpoint: &str, period: &str, rounds: usize) {
    let people = [
        ("DNP", "dnp@monitoreo.gov.co", Role::National, None, Some("DNP")),
        ("Abejorral", "alcaldia@monitoreo.gov.co", Role::Territorial, Some("05002"), None),
        ("Antioquia", "gobernacion@monitoreo.gov.co", Role::Territorial, Some(DEPARTMENT), None),
    ];
    let client = reqwest::Client::new();
    let mut tokens = Vec::new();
    for (_, email, role, entity, organisation) in people {
        let new_user = NewUser {
            email: email.into(),
            name: format!("Banco de monitoreo ({email})"),
            role,
            entity_code: entity.map(str::to_owned),
            organisation_code: organisation.map(str::to_owned),
            password: PASSWORD.into(),
        };
        // A reused database has them already.
        let _ = state.access.create_user_as_system(new_user).await;
        tokens.push(login(&client, endpoint, email, PASSWORD).await);
    }
    let [national, mayor, governor] = [0, 1, 2].map(|i| (people[i].0, tokens[i].as_str()));
    let cases: Vec<Case> = vec![
        ("RequirementPeriods", REPORTING, mayor, json!({ "first": 20 })),
        ("ReportingBurden", REPORTING, mayor, json!({ "entityCode": "05002", "period": period })),
        ("BurdenSummary", REPORTING, mayor, json!({ "entityCode": "05002", "period": period })),
        ("DataConflicts", REPORTING, national, json!({ "first": 20 })),
        ("DataConflicts", REPORTING, governor, json!({ "subjectCode": "05002", "first": 20 })),
        ("OwnRequirements", REPORTING, national, json!({ "issuerCode": "DNP", "first": 20 })),
        (
            "RequirementCoverage",
            REPORTING,
            national,
            json!({ "requirementCode": "MONITOREO", "period": period, "first": 20 }),
        ),
        (
            "RequirementCoverage",
            REPORTING,
            governor,
            json!({ "requirementCode": "MONITOREO", "period": period, "departmentCode": DEPARTMENT, "first": 20 }),
        ),
        (
            "SimilarDataElements",
            REPORTING,
            national,
            json!({ "name": "Elemento de monitoreo", "description": "Elemento numérico" }),
        ),
        ("Indicators", MONITORING, mayor, json!({})),
        ("EntityIndicators", MONITORING, mayor, json!({ "entityCode": "05002", "period": period })),
        (
            "DepartmentIndicator",
            MONITORING,
            governor,
            json!({ "departmentCode": DEPARTMENT, "indicatorCode": "IND000", "period": period, "first": 20 }),
        ),
        ("CountryIndicator", MONITORING, national, json!({ "indicatorCode": "IND000", "period": period })),
        ("TerritorialEntities", TERRITORY, mayor, json!({ "first": 20 })),
        ("Departments", TERRITORY, mayor, json!({})),
    ];
    time_operations(&client, endpoint, &cases, rounds).await;
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks for benchmark names: this binary is one.
    }
    let periods = number("--periods", 20);
    let indicators = number("--indicators", 100);
    let rounds = number("--rounds", 200);
    let workers = number("--workers", 16);
    let admin_url = arg("--postgres").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let reuse = std::env::args().any(|a| a == "--reuse");
    let (server, url) = if reuse {
        let server = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(server, _)| server);
        (
            sea_orm::Database::connect(&admin_url).await.expect("PostgreSQL reachable"),
            format!("{server}/{DATABASE}"),
        )
    } else {
        fresh_database(&admin_url, DATABASE).await
    };
    let index_dir = std::env::temp_dir().join(format!("sugit-bench-monitoreo-{}", std::process::id()));
    let settings = server_settings(url, index_dir.clone(), false);
    let app = Application::build(settings).await.expect("server starts");
    let state = app.state().clone();
    let endpoint = format!("http://{}/graphql", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));

    let units = units(&state.db).await;
    let expected = (units.len() * periods * indicators) as i64;
    if reuse {
        assert_eq!(
            count(&state.db, "SELECT count(*) FROM monitoring_value").await,
            expected,
            "--reuse: another size"
        );
        let period = (FIRST_YEAR + periods - 1).to_string();
        time_every_query(&state, &endpoint, &period, rounds).await;
        let _ = std::fs::remove_dir_all(&index_dir);
        return;
    }
    register(&state, indicators).await;
    eprintln!(
        "{} unidades × {periods} periodos × {} elementos; {indicators} indicadores",
        units.len(),
        elements()
    );
    let ingest_time = ingest(&state, &units, periods, workers).await;
    let follower_tail = wait_for_results(&state.db, expected).await;
    eprintln!(
        "cargado en {:.1} s; el seguidor terminó {:.1} s después",
        ingest_time.as_secs_f64(),
        follower_tail.as_secs_f64()
    );
    state.db.execute_unprepared("ANALYZE").await.expect("analyze");

    let started = Instant::now();
    let over_existing = state.monitoring.rebuild(|done, total| eprint!("\rrecálculo {done}/{total}")).await;
    let over_existing_time = started.elapsed();
    over_existing.expect("recompute");
    // Each figure is printed as soon as it is known: a later failure keeps it.
    eprintln!("\nrecálculo sobre resultados guardados: {:.1} s", over_existing_time.as_secs_f64());
    state.db.execute_unprepared("DELETE FROM monitoring_value").await.expect("empty results");
    let started = Instant::now();
    let from_empty = state.monitoring.rebuild(|done, total| eprint!("\rdesde cero {done}/{total}")).await;
    let from_empty_time = started.elapsed();
    from_empty.expect("recompute");
    eprintln!("\nrecálculo desde la tabla vacía: {:.1} s", from_empty_time.as_secs_f64());
    assert_eq!(count(&state.db, "SELECT count(*) FROM monitoring_value").await, expected);
    state.db.execute_unprepared("ANALYZE").await.expect("analyze");

    let latency = correction_latency(&state, &units, periods).await;
    let plain_load = plain_table(&state, &units, periods).await;
    let period = (FIRST_YEAR + periods - 1).to_string();
    let graphql_department = time_graphql(&endpoint, DEPARTMENT_PAGE, &period, rounds).await;
    let sql_department = time_sql(&state.db, &department_sql(&period), rounds).await;
    let graphql_country = time_graphql(&endpoint, COUNTRY_MAP, &period, rounds).await;
    let sql_country = time_sql(&state.db, &country_sql(&period), rounds).await;

    println!(
        "| {} unidades × {indicators} indicadores × {periods} periodos = {expected} resultados | |",
        units.len()
    );
    println!("|---|---|");
    println!(
        "| carga por el camino de reporte único ({} envíos de hasta {} valores, {} en total, {workers} en curso) | {:.1} s |",
        units.len() * periods * elements().div_ceil(PER_REQUIREMENT),
        elements().min(PER_REQUIREMENT),
        units.len() * periods * elements(),
        ingest_time.as_secs_f64()
    );
    println!("| el seguidor termina después de la carga | {:.1} s |", follower_tail.as_secs_f64());
    println!(
        "| recálculo completo sobre resultados guardados (`sugit recompute`) | {:.1} s |",
        over_existing_time.as_secs_f64()
    );
    println!("| recálculo completo desde la tabla vacía | {:.1} s |", from_empty_time.as_secs_f64());
    println!(
        "| una corrección hasta verse en el indicador ({CORRECTIONS} veces): p50 / máx. | {:.0} / {:.0} ms |",
        percentile(&latency, 0.5),
        percentile(&latency, 1.0)
    );
    println!(
        "| carga de la tabla plana de la alternativa ({} filas) | {:.1} s |",
        units.len() * periods * elements(),
        plain_load.as_secs_f64()
    );
    println!();
    println!("| vista ({rounds} solicitudes) | p50 ms | p99 ms | p99 SQL ÷ p99 SUGIT |");
    println!("|---|---|---|---|");
    for (name, ours, plain) in [
        (
            "Antioquia (125 municipios; SUGIT: página de 100), un indicador",
            &graphql_department,
            &sql_department,
        ),
        ("mapa nacional por departamento", &graphql_country, &sql_country),
    ] {
        println!(
            "| {name}: SUGIT, GraphQL por HTTP | {:.1} | {:.1} | {:.1} |",
            percentile(ours, 0.5),
            percentile(ours, 0.99),
            percentile(plain, 0.99) / percentile(ours, 0.99)
        );
        println!(
            "| {name}: una consulta SQL sobre la tabla plana | {:.1} | {:.1} | |",
            percentile(plain, 0.5),
            percentile(plain, 0.99)
        );
    }
    println!();
    time_every_query(&state, &endpoint, &period, rounds).await;
    let _ = std::fs::remove_dir_all(&index_dir);
    if std::env::args().any(|a| a == "--keep") {
        return;
    }
    server.execute_unprepared(&format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")).await.ok();
}
