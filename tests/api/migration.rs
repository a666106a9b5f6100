//! Upgrading a database that holds observations in the per-value tables:
//! every value, its provenance and each submission's answer survive into the
//! observation sheets.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, Statement, Value};
use serde_json::Value as Json;
use sugit::reporting::sheet::{Entries, HeldStatus};
use sugit_tests::{Backend, TestDatabase};
use uuid::Uuid;

/// The migrations before the sheets.
const BEFORE_SHEETS: u32 = 8;

/// `sql` with `?` placeholders, numbered for PostgreSQL.
fn placeholders(backend: DatabaseBackend, sql: &str) -> String {
    if backend != DatabaseBackend::Postgres {
        return sql.to_owned();
    }
    let mut numbered = String::with_capacity(sql.len() + 8);
    for (index, part) in sql.split('?').enumerate() {
        if index > 0 {
            numbered.push_str(&format!("${index}"));
        }
        numbered.push_str(part);
    }
    numbered
}

async fn exec(db: &sea_orm::DatabaseConnection, sql: &str, values: Vec<Value>) {
    let backend = db.get_database_backend();
    db.execute(Statement::from_sql_and_values(backend, placeholders(backend, sql), values))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::test]
async fn observations_in_per_value_tables_move_into_sheets_whole_on_sqlite() {
    observations_in_per_value_tables_move_into_sheets_whole(Backend::Sqlite).await;
}

#[tokio::test]
async fn observations_in_per_value_tables_move_into_sheets_whole_on_postgres() {
    observations_in_per_value_tables_move_into_sheets_whole(Backend::PostgresRedis).await;
}

async fn observations_in_per_value_tables_move_into_sheets_whole(backend: Backend) {
    let Some(database) = TestDatabase::create(backend).await else { return };
    // One connection, so the session setting below holds for every statement.
    let mut options = ConnectOptions::new(database.url.clone());
    options.max_connections(1).min_connections(1);
    let db = Database::connect(options).await.expect("database");
    Migrator::up(&db, Some(BEFORE_SHEETS)).await.expect("old migrations");
    // The rows an earlier version wrote; the register is not loaded here.
    match backend {
        Backend::Sqlite => exec(&db, "PRAGMA foreign_keys = OFF", vec![]).await,
        Backend::PostgresRedis => exec(&db, "SET session_replication_role = replica", vec![]).await,
    }
    let at = chrono::Utc::now();
    let submissions: Vec<(Uuid, &str, &str)> = vec![
        (Uuid::now_v7(), "05001", "FUT"),
        (Uuid::now_v7(), "05", "SIMAT"),
        (Uuid::now_v7(), "05001", "FUT"),
    ];
    for (index, (id, reporter, requirement)) in submissions.iter().enumerate() {
        exec(
            &db,
            "INSERT INTO submission (id, reporter_code, requirement_code, period, idempotency_key, content_hash,
             submitted_by, submitted_at, accepted, duplicates, corrections, conflicts)
             VALUES (?, ?, ?, '2025', ?, ?, NULL, ?, 1, 0, 0, 0)",
            vec![(*id).into(), (*reporter).into(), (*requirement).into(), format!("k{index}").into(), format!("h{index}").into(), at.into()],
        )
        .await;
    }
    let (population, enrolment) = (Uuid::now_v7(), Uuid::now_v7());
    let (municipality_says, department_says, enrolled) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    for (id, element, current, conflict) in
        [(population, "POB", municipality_says, true), (enrolment, "MAT", enrolled, false)]
    {
        exec(
            &db,
            "INSERT INTO observation (id, subject_code, element_code, period, current_value_id, in_conflict, updated_at)
             VALUES (?, '05001', ?, '2025', ?, ?, ?)",
            vec![id.into(), element.into(), current.into(), conflict.into(), at.into()],
        )
        .await;
    }
    for (id, observation, value, reporter, submission, requirement) in [
        (municipality_says, population, "10", "05001", 0, "FUT"),
        (department_says, population, "11", "05", 1, "SIMAT"),
        (enrolled, enrolment, "7", "05", 1, "SIMAT"),
    ] {
        exec(
            &db,
            "INSERT INTO observation_value (id, observation_id, value, reporter_code, submission_id, requirement_code,
             version, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, 'ACTIVE', ?)",
            vec![id.into(), observation.into(), value.into(), reporter.into(), submissions[submission].0.into(), requirement.into(), at.into()],
        )
        .await;
    }
    for (value, submission, requirement, outcome) in [
        (municipality_says, 0, "FUT", "NEW"),
        (department_says, 1, "SIMAT", "CONFLICT"),
        (enrolled, 1, "SIMAT", "NEW"),
        (enrolled, 2, "FUT", "DUPLICATE"),
    ] {
        exec(
            &db,
            "INSERT INTO observation_source (value_id, submission_id, requirement_code, outcome) VALUES (?, ?, ?, ?)",
            vec![value.into(), submissions[submission].0.into(), requirement.into(), outcome.into()],
        )
        .await;
    }

    Migrator::up(&db, None).await.expect("the sheet migration");

    let backend = db.get_database_backend();
    let rows = db
        .query_all(Statement::from_string(
            backend,
            "SELECT subject_code, period, entries, conflicts FROM observation_sheet",
        ))
        .await
        .expect("sheets");
    assert_eq!(rows.len(), 1, "one sheet: Medellín, 2025");
    let row = &rows[0];
    assert_eq!(row.try_get::<i32>("", "conflicts").expect("conflicts"), 1);
    let entries =
        Entries::from_json(&row.try_get::<String>("", "entries").expect("entries")).expect("readable");
    let population = &entries.0["POB"];
    assert!(population.in_conflict);
    assert_eq!(
        population.served().map(|held| held.value.as_str()),
        Some("10"),
        "the municipality's own value"
    );
    let competing: Vec<(&str, &str, HeldStatus)> =
        population.values.iter().map(|h| (h.value.as_str(), h.reporter.as_str(), h.status)).collect();
    assert_eq!(competing, vec![("10", "05001", HeldStatus::Active), ("11", "05", HeldStatus::Active)]);
    let enrolment = &entries.0["MAT"];
    assert_eq!(enrolment.values.len(), 1);
    assert_eq!(enrolment.values[0].supplied_for().collect::<Vec<_>>(), vec!["SIMAT", "FUT"]);
    assert_eq!(enrolment.values[0].submission, submissions[1].0);

    // Each submission's answer is now its own log, pointing at the values it landed on.
    let mut logs = Vec::new();
    for (id, _, _) in &submissions {
        let found = db
            .query_one(Statement::from_sql_and_values(
                backend,
                placeholders(backend, "SELECT outcomes FROM submission WHERE id = ?"),
                vec![(*id).into()],
            ))
            .await
            .expect("query")
            .expect("submission");
        let log: Json =
            serde_json::from_str(&found.try_get::<String>("", "outcomes").expect("log")).expect("json");
        let summary: Vec<String> = log
            .as_array()
            .expect("log")
            .iter()
            .map(|v| {
                format!(
                    "{} {}={} {} #{}",
                    v["s"].as_str().unwrap_or(""),
                    v["e"].as_str().unwrap_or(""),
                    v["v"].as_str().unwrap_or(""),
                    v["o"].as_str().unwrap_or(""),
                    v["n"]
                )
            })
            .collect();
        logs.push(summary);
    }
    assert_eq!(
        logs,
        vec![
            vec!["05001 POB=10 NEW #1".to_owned()],
            vec!["05001 POB=11 CONFLICT #2".to_owned(), "05001 MAT=7 NEW #1".to_owned()],
            vec!["05001 MAT=7 DUPLICATE #1".to_owned()],
        ]
    );
}
