//! Faults: an instance killed in the middle of a stream of submissions or of a
//! bulk import, Redis stopped, PostgreSQL restarted. Nothing acknowledged may be
//! lost, nothing may be half-written, and the service recovers by itself.
//!
//! The Redis and PostgreSQL these tests stop are their own (`harness::process`):
//! the machine's shared ones serve every other test and are never touched.

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    path::Path,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult, Statement};
use serde_json::{json, Value};
use sugit::{
    access::Role,
    reporting::sheet::{Entries, Logged},
};
use sugit_tests::{
    error_codes,
    process::{
        free_port, log_tail, sugit_binary, sugit_command, KilledOnDrop, PrivatePostgres, PrivateRedis,
        SugitServer, TempDir,
    },
    Backend, StatusCode, TestApp,
};

const SUBMIT: &str = "mutation($input: SubmitReportInput!) {
    submitReport(input: $input) { replayed submission { id } } }";

const ADD: &str = "mutation($input: AddKnowledgeProductInput!) {
    addKnowledgeProduct(input: $input) { product { id title } } }";

const SEARCH: &str = "query($q: String!) {
    search(query: $q, kinds: [KNOWLEDGE], first: 10) { edges { node { title } } } }";

/// A value as stored: (subject, element, period, value).
type Stored = (String, String, String, String);

/// A user of `role`, and a session token for it. The token comes from the
/// service (each user from an address of its own): the API's login limit per
/// address is not what these tests are about.
async fn session(
    app: &TestApp,
    email: &str,
    role: Role,
    entity: Option<&str>,
    organisation: Option<&str>,
) -> String {
    app.create_user(email, role, entity, organisation).await;
    let client = format!("pruebas-de-fallas/{email}");
    app.state.access.login(&client, email, sugit_tests::PASSWORD).await.expect("login").token
}

/// A monthly requirement of two integer elements, for municipalities,
/// districts and departments; returns the elements' codes.
async fn monthly_requirement(app: &TestApp, admin: &str, code: &str) -> [String; 2] {
    let elements = [format!("{code}_UNO"), format!("{code}_DOS")];
    let element = |code: &str, name: &str| {
        json!({ "code": code, "name": name, "description": name, "unit": "unidades",
                "valueType": "INTEGER", "competency": "PRUEBA" })
    };
    let (_, body) = app
        .graphql_as(
            Some(admin),
            "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) { requirement { code } } }",
            json!({ "input": {
                "code": code, "name": format!("Reporte mensual {code}"), "issuerCode": "DNP",
                "legalBasis": "Ley 152 de 1994", "periodicity": "MONTHLY",
                "entityKinds": ["MUNICIPALITY", "DISTRICT", "DEPARTMENT"],
                "newDataElements": [
                    element(&elements[0], &format!("Primer conteo mensual {code}")),
                    element(&elements[1], &format!("Segundo conteo mensual {code}")),
                ],
            } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    elements
}

/// The `n`-th month before the current one: periods to come are refused, and
/// a century of history (from 1900) holds every month these tests send.
fn month(n: usize) -> String {
    let now = chrono::Utc::now() - chrono::Duration::hours(5);
    let months = chrono::Datelike::year(&now) as usize * 12 + chrono::Datelike::month0(&now) as usize - n;
    format!("{}-{:02}", months / 12, months % 12 + 1)
}

async fn query(db: &DatabaseConnection, sql: &str) -> Vec<QueryResult> {
    db.query_all(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn text(row: &QueryResult, column: &str) -> String {
    row.try_get::<String>("", column).unwrap_or_else(|e| panic!("{column}: {e}"))
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let rows = query(db, sql).await;
    rows.first().map(|row| row.try_get::<i64>("", "n").expect("n")).expect("one row")
}

/// `url` with the name its sessions show in `pg_stat_activity`.
fn tagged(url: &str, name: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}application_name={name}")
}

/// Waits until the sessions of a killed process are gone: the server rolls
/// back (or, had its COMMIT already arrived, finishes committing) a dead
/// client's transaction only when it notices, so the database is looked at after that.
async fn wait_sessions_gone(db: &DatabaseConnection, name: &str) {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = '{name}'"
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    while count(db, &sql).await > 0 {
        assert!(Instant::now() < deadline, "the sessions of the killed process never ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What the database holds of every submission, looked at behind the API.
struct Holdings {
    /// Submission id → values it says it accepted.
    accepted: HashMap<String, i64>,
    /// Submission id → the values its log names and a sheet holds, sorted.
    values: HashMap<String, Vec<Stored>>,
    /// Submissions with their audit entry (written in the same transaction).
    audited: BTreeSet<String>,
    /// Values a sheet holds that no submission's log accounts for.
    orphans: i64,
    /// Every value the sheets hold.
    value_rows: i64,
}

async fn holdings(db: &DatabaseConnection) -> Holdings {
    // Every value the sheets hold: (subject, period, element, number) → value.
    let mut held: HashMap<(String, String, String, u64), String> = HashMap::new();
    for row in query(db, "SELECT subject_code, period, entries FROM observation_sheet").await {
        let entries = Entries::from_json(&text(&row, "entries")).expect("entries are readable");
        for (element, entry) in entries.0 {
            for (number, held_value) in (1..).zip(entry.values) {
                let key = (text(&row, "subject_code"), text(&row, "period"), element.clone(), number);
                held.insert(key, held_value.value);
            }
        }
    }
    let mut accepted = HashMap::new();
    let mut values: HashMap<String, Vec<Stored>> = HashMap::new();
    let mut accounted = HashSet::new();
    for row in query(db, "SELECT id::text AS id, accepted, period, outcomes FROM submission").await {
        let id = text(&row, "id");
        accepted.insert(id.clone(), i64::from(row.try_get::<i32>("", "accepted").expect("accepted")));
        let log = Logged::list_from_json(&text(&row, "outcomes")).expect("log is readable");
        for logged in log {
            let key = (logged.subject, text(&row, "period"), logged.element, u64::from(logged.number));
            // A logged value counts only if the sheet holds it, as logged.
            if held.get(&key) == Some(&logged.value) {
                values.entry(id.clone()).or_default().push((
                    key.0.clone(),
                    key.2.clone(),
                    key.1.clone(),
                    logged.value,
                ));
                accounted.insert(key);
            }
        }
    }
    values.values_mut().for_each(|list| list.sort());
    let audited = query(db, "SELECT object_id FROM audit_log WHERE action = 'submit_report'")
        .await
        .iter()
        .map(|row| text(row, "object_id"))
        .collect();
    let orphans = held.keys().filter(|key| !accounted.contains(*key)).count() as i64;
    Holdings { accepted, values, audited, orphans, value_rows: held.len() as i64 }
}

/// No submission is half-written: each has every value it accepted, and its audit entry.
fn assert_whole(holdings: &Holdings) {
    for (id, accepted) in &holdings.accepted {
        let values = holdings.values.get(id).map_or(0, Vec::len);
        assert_eq!(
            values as i64, *accepted,
            "submission {id} is half-written: {values} of {accepted} values"
        );
        assert!(holdings.audited.contains(id), "submission {id} has no audit entry");
    }
    for id in holdings.values.keys() {
        assert!(holdings.accepted.contains_key(id), "values of submission {id}, which is not stored");
    }
    assert_eq!(holdings.orphans, 0, "values written without their submission");
}

/// A submission the instance acknowledged: HTTP 200, no errors, an id.
#[derive(Debug, Clone)]
struct Acknowledged {
    id: String,
    key: String,
    entity: String,
    period: String,
    values: Vec<Stored>,
}

fn submission_input(
    entity: &str,
    period: &str,
    key: &str,
    elements: &[String; 2],
    seed: usize,
) -> (Value, Vec<Stored>) {
    let values: Vec<Stored> = elements
        .iter()
        .enumerate()
        .map(|(i, element)| {
            (entity.to_owned(), element.clone(), period.to_owned(), (seed * 10 + i).to_string())
        })
        .collect();
    let input = json!({ "input": {
        "entityCode": entity, "requirementCode": "FALLAS", "period": period, "idempotencyKey": key,
        "values": values.iter().map(|(_, element, _, value)| json!({ "dataElementCode": element, "value": value })).collect::<Vec<_>>(),
    } });
    (input, values)
}

/// One submission the instance must answer.
async fn submit_once(client: &reqwest::Client, url: &str, token: &str, input: Value) -> Value {
    client
        .post(url)
        .bearer_auth(token)
        .json(&json!({ "query": SUBMIT, "variables": input }))
        .send()
        .await
        .expect("the restarted instance answers")
        .json()
        .await
        .expect("json")
}

/// One territorial team sending its months one after another until the
/// instance stops answering. Answers that are not acknowledgements, while the
/// instance still answers, are failures of their own.
async fn submit_until_refused(
    client: reqwest::Client,
    url: String,
    entity: String,
    token: String,
    elements: [String; 2],
    acknowledged: Arc<Mutex<Vec<Acknowledged>>>,
    failures: Arc<Mutex<Vec<String>>>,
) {
    for n in 0..1_300 {
        let period = month(n);
        let key = format!("{entity}-{period}");
        let (input, values) = submission_input(&entity, &period, &key, &elements, n);
        let sent = client
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({ "query": SUBMIT, "variables": input }))
            .send()
            .await;
        // Refused or cut: the instance is gone.
        let Ok(response) = sent else { return };
        let status = response.status();
        let Ok(body) = response.json::<Value>().await else { return };
        match body["data"]["submitReport"]["submission"]["id"].as_str() {
            Some(id) if status == StatusCode::OK && body.get("errors").is_none() => {
                let ack = Acknowledged { id: id.to_owned(), key, entity: entity.clone(), period, values };
                acknowledged.lock().expect("acknowledged").push(ack);
            }
            _ => {
                failures.lock().expect("failures").push(format!("{entity} {period}: {status} {body}"));
                return;
            }
        }
    }
}

/// How the child instance's sessions are named in the database.
const INSTANCE: &str = "sugit-fallas-instancia";

/// The child's environment: the test's database and Redis (same prefix: one deployment).
fn instance_env(app: &TestApp, index: &Path) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("SUGIT_DATABASE_URL", tagged(&app.settings.database_url, INSTANCE)),
        ("SUGIT_REDIS_PREFIX", app.settings.redis_prefix.clone()),
        ("SUGIT_INDEX_DIR", index.display().to_string()),
        ("SUGIT_DEMO", "no".to_owned()),
    ];
    if let Some(redis) = &app.settings.redis_url {
        env.push(("SUGIT_REDIS_URL", redis.clone()));
    }
    env
}

async fn search_titles(client: &reqwest::Client, url: &str, words: &str) -> Vec<String> {
    let Ok(response) =
        client.post(url).json(&json!({ "query": SEARCH, "variables": { "q": words } })).send().await
    else {
        return Vec::new();
    };
    let body: Value = response.json().await.unwrap_or_default();
    body["data"]["search"]["edges"]
        .as_array()
        .map(|edges| edges.iter().filter_map(|e| e["node"]["title"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// `kill -9` of an instance while four teams submit to it: every submission it
/// acknowledged is in the database with all its values, none is half-written,
/// and restarted on the same index folder it serves again and its index
/// catches up with what was written while it was dead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_killed_mid_stream_loses_no_acknowledged_submission() {
    let Some(app) = TestApp::spawn(Backend::PostgresRedis).await else { return };
    let admin = session(&app, "admin@sugit.gov.co", Role::Admin, None, None).await;
    let elements = monthly_requirement(&app, &admin, "FALLAS").await;
    let national = session(&app, "ana@dnp.gov.co", Role::National, None, Some("DNP")).await;
    let mut teams = Vec::new();
    for entity in ["05002", "05004", "05021", "05030"] {
        let token =
            session(&app, &format!("equipo@{entity}.gov.co"), Role::Territorial, Some(entity), None).await;
        teams.push((entity.to_owned(), token));
    }

    let index = TempDir::new("indice");
    let logs = TempDir::new("registros");
    let env = instance_env(&app, index.path());
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
    let mut instance = SugitServer::start(&env, free_port(), &logs.path().join("primera.log"));
    instance.wait_ready(&client, Duration::from_secs(60)).await;

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let streams: Vec<_> = teams
        .iter()
        .map(|(entity, token)| {
            tokio::spawn(submit_until_refused(
                client.clone(),
                instance.url("/graphql"),
                entity.clone(),
                token.clone(),
                elements.clone(),
                Arc::clone(&acknowledged),
                Arc::clone(&failures),
            ))
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(40);
    while acknowledged.lock().expect("acknowledged").len() < 40 {
        let failed = failures.lock().expect("failures").clone();
        assert!(failed.is_empty(), "{failed:?}");
        assert!(Instant::now() < deadline, "too few acknowledgements:\n{}", log_tail(&instance.log));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // In the middle of the stream: every team has a request in flight.
    instance.kill();
    for stream in streams {
        stream.await.expect("a team's stream");
    }
    let failures = failures.lock().expect("failures").clone();
    assert!(
        failures.is_empty(),
        "answers that were neither acknowledgements nor a dead instance: {failures:?}"
    );
    let acknowledged = acknowledged.lock().expect("acknowledged").clone();

    let db = app.database().await;
    wait_sessions_gone(&db, INSTANCE).await;
    let held = holdings(&db).await;
    assert_whole(&held);
    for ack in &acknowledged {
        let mut sent = ack.values.clone();
        sent.sort();
        assert_eq!(
            held.values.get(&ack.id),
            Some(&sent),
            "acknowledged submission {} ({}) lost or changed",
            ack.key,
            ack.id
        );
    }
    assert!(held.accepted.len() >= acknowledged.len());
    eprintln!(
        "{} envíos confirmados antes del kill -9, {} guardados",
        acknowledged.len(),
        held.accepted.len()
    );

    // While the instance is dead, another one (the in-process server) writes something searchable.
    let title = "Protocolo de continuidad del reporte territorial";
    let input = json!({ "format": "TEXT", "type": "GUIDE", "title": title,
        "content": "Cómo sigue el reporte territorial cuando una instancia cae: los envíos confirmados se conservan." });
    let (_, body) = app.graphql_as(Some(&national), ADD, json!({ "input": input })).await;
    assert!(body.get("errors").is_none(), "{body}");

    // Restarted on the same index folder: ready, serving, and its index catches up.
    let mut instance = SugitServer::start(&env, free_port(), &logs.path().join("segunda.log"));
    let restarted = Instant::now();
    instance.wait_ready(&client, Duration::from_secs(60)).await;
    let ready_in = restarted.elapsed();
    let search_url = instance.url("/graphql");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !search_titles(&client, &search_url, "continuidad reporte").await.iter().any(|t| t == title) {
        assert!(
            Instant::now() < deadline,
            "the restarted instance's index never caught up:\n{}",
            log_tail(&instance.log)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "reiniciada: lista en {:.1} s, índice al día en {:.1} s",
        ready_in.as_secs_f64(),
        restarted.elapsed().as_secs_f64()
    );

    // It serves: an acknowledged submission sent again is a replay of the stored one, a new one is accepted.
    let first = &acknowledged[0];
    let token = &teams.iter().find(|(entity, _)| *entity == first.entity).expect("its team").1;
    let seed = first.values[0].3.parse::<usize>().expect("a number") / 10;
    let (input, _) = submission_input(&first.entity, &first.period, &first.key, &elements, seed);
    let body = submit_once(&client, &search_url, token, input).await;
    assert_eq!(body["data"]["submitReport"]["replayed"], true, "{body}");
    assert_eq!(body["data"]["submitReport"]["submission"]["id"], first.id.as_str());
    let (input, _) = submission_input(&first.entity, &month(1_310), "despues-del-reinicio", &elements, 1_310);
    let body = submit_once(&client, &search_url, token, input).await;
    assert_eq!(body["data"]["submitReport"]["replayed"], false, "{body}");
}

/// `kill -9` of `sugit import submissions` midway through a large file: only
/// whole submissions are stored (one transaction per reporter, requirement
/// and period), and running the same import again completes it exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_import_killed_midway_keeps_whole_groups_and_a_rerun_completes_it_once() {
    const GROUPS: usize = 600;
    let Some(app) = TestApp::spawn(Backend::PostgresRedis).await else { return };
    let admin = session(&app, "admin@sugit.gov.co", Role::Admin, None, None).await;
    let elements = monthly_requirement(&app, &admin, "LEGADO").await;
    let db = app.database().await;
    let subjects: Vec<String> = query(
        &db,
        "SELECT code FROM territorial_entity WHERE department_code = '05' AND kind = 'MUNICIPALITY' ORDER BY code LIMIT 10",
    )
    .await
    .iter()
    .map(|row| text(row, "code"))
    .collect();
    assert_eq!(subjects.len(), 10);
    let per_group = subjects.len() * elements.len();

    // The department reports its municipalities, month after month: one group per month.
    let mut csv = String::from("reportante,sujeto,periodo,requerimiento,elemento,valor\n");
    let mut expected: HashMap<String, Vec<Stored>> = HashMap::new();
    for group in 0..GROUPS {
        let period = month(group);
        for (s, subject) in subjects.iter().enumerate() {
            for (e, element) in elements.iter().enumerate() {
                let value = (group * 1_000 + s * 10 + e).to_string();
                csv.push_str(&format!("05,{subject},{period},LEGADO,{element},{value}\n"));
                expected.entry(period.clone()).or_default().push((
                    subject.clone(),
                    element.clone(),
                    period.clone(),
                    value,
                ));
            }
        }
    }
    expected.values_mut().for_each(|list| list.sort());
    let files = TempDir::new("importacion");
    let file = files.path().join("legado.csv");
    std::fs::write(&file, csv).expect("the CSV");
    let tag = "sugit-fallas-importacion";
    let env = [("SUGIT_DATABASE_URL", tagged(&app.settings.database_url, tag))];
    let import = |log: &str| {
        let mut command = sugit_command(&env);
        let stderr = std::fs::File::create(files.path().join(format!("{log}.err"))).expect("log");
        let stdout = std::fs::File::create(files.path().join(format!("{log}.out"))).expect("log");
        command.args(["import", "submissions"]).arg(&file).stdout(stdout).stderr(stderr);
        KilledOnDrop::spawn(&mut command, "la importación")
    };

    // Built (or found up to date) before the clock starts.
    sugit_binary();
    let started = Instant::now();
    let mut first = import("primera");
    let deadline = Instant::now() + Duration::from_secs(45);
    loop {
        if let Some(status) = first.exited() {
            panic!(
                "the import ended ({status}) before it could be killed midway; make the file larger:\n{}",
                log_tail(&files.path().join("primera.err"))
            );
        }
        if count(&db, "SELECT COUNT(*) AS n FROM submission").await >= (GROUPS / 10) as i64 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the import is too slow:\n{}",
            log_tail(&files.path().join("primera.err"))
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill();
    let killed_after = started.elapsed();
    wait_sessions_gone(&db, tag).await;
    eprintln!("importación: kill -9 a los {:.1} s", killed_after.as_secs_f64());

    let check = |held: &Holdings| {
        assert_whole(held);
        for (id, values) in &held.values {
            let period = &values[0].2;
            assert_eq!(
                Some(values),
                expected.get(period),
                "submission {id} ({period}) is not its whole group"
            );
        }
        let periods: BTreeSet<&String> = held.values.values().map(|values| &values[0].2).collect();
        assert_eq!(periods.len(), held.accepted.len(), "a group stored twice");
        assert_eq!(held.value_rows, (held.accepted.len() * per_group) as i64, "values beyond whole groups");
    };
    let held = holdings(&db).await;
    check(&held);
    let imported = held.accepted.len();
    assert!((GROUPS / 10..GROUPS).contains(&imported), "killed midway: {imported} of {GROUPS} groups");

    let mut second = import("segunda");
    let status = second.wait_for_exit(Duration::from_secs(90), "la segunda importación");
    assert!(status.success(), "{status}:\n{}", log_tail(&files.path().join("segunda.err")));
    let summary = std::fs::read_to_string(files.path().join("segunda.out")).expect("the summary");
    // «R filas: A valores aceptados (N nuevos, D duplicados, C correcciones, K conflictos)
    // en S envíos (P ya importados); X filas rechazadas»
    let numbers: Vec<usize> = summary
        .lines()
        .next()
        .unwrap_or_default()
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let [rows, accepted, new, duplicates, corrections, conflicts, submissions, replayed, rejected] =
        numbers[..]
    else {
        panic!("an unexpected summary: {summary}");
    };
    assert_eq!((rows, accepted, rejected), (GROUPS * per_group, GROUPS * per_group, 0), "{summary}");
    assert_eq!((submissions, replayed), (GROUPS, imported), "the groups imported before replay: {summary}");
    assert_eq!(new, (GROUPS - imported) * per_group, "only the rest is new: {summary}");
    assert_eq!((corrections, conflicts), (0, 0), "{summary}");
    assert_eq!(new + duplicates, accepted, "every accepted value is new or already there: {summary}");
    let held = holdings(&db).await;
    check(&held);
    assert_eq!(held.accepted.len(), GROUPS, "every group exactly once");
    eprintln!(
        "importación: kill -9 a los {:.1} s con {imported}/{GROUPS} grupos; segunda pasada completa en {:.1} s en total",
        killed_after.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

const ENTITY: &str = r#"{ territorialEntity(code: "05") { code name kind } }"#;
const ENTITIES: &str = r#"{ territorialEntities(filter: { nameContains: "bogota" }) { totalCount edges { node { code name } } } }"#;

async fn readiness(client: &reqwest::Client, url: &str) -> (StatusCode, Value, Duration) {
    let started = Instant::now();
    let response = client.get(url).send().await.expect("readyz answers");
    let status = response.status();
    (status, response.json().await.expect("json"), started.elapsed())
}

/// Redis stopped: the instance keeps answering from the database (queries and
/// mutations), stays in service for the load balancer while saying its cache
/// is unavailable, and uses Redis again by itself once it is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_stopped_the_service_answers_and_then_uses_it_again() {
    let Some(mut redis) = PrivateRedis::start().await else { return };
    let redis_url = redis.url();
    let Some(app) =
        TestApp::spawn_with(Backend::PostgresRedis, |settings| settings.redis_url = Some(redis_url)).await
    else {
        return;
    };
    app.create_user("ana@dnp.gov.co", Role::National, None, Some("DNP")).await;
    let prefix = app.settings.redis_prefix.clone();
    let entity = app.query_ok(ENTITY, json!({})).await;
    let entities = app.query_ok(ENTITIES, json!({})).await;
    assert!(!redis.keys(&prefix).await.is_empty(), "the instance uses the private Redis");

    redis.stop();
    // Without Redis a request costs a failed connection attempt per command, not a backoff.
    let bound = Duration::from_secs(8);
    let mut slowest = Duration::ZERO;
    for _ in 0..3 {
        for (query, expected) in [(ENTITY, &entity), (ENTITIES, &entities)] {
            let started = Instant::now();
            assert_eq!(&app.query_ok(query, json!({})).await, expected, "the same answer without Redis");
            slowest = slowest.max(started.elapsed());
            assert!(slowest < bound, "a query without Redis took {slowest:?}");
        }
    }
    let (status, body, took) = readiness(&app.client, &app.url("/readyz")).await;
    assert_eq!(status, StatusCode::OK, "still in service: {body}");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["cache"]["status"], "no disponible", "{body}");
    assert_eq!(body["status"], "degradado", "{body}");
    assert!(took < Duration::from_secs(4), "readiness answered in {took:?}");

    // Mutations too: a login (limited through Redis, let through without it) and a write.
    let started = Instant::now();
    let token = app.login("ana@dnp.gov.co").await;
    slowest = slowest.max(started.elapsed());
    let started = Instant::now();
    let input = json!({ "format": "TEXT", "type": "GUIDE", "title": "Guía de operación sin caché",
        "content": "Qué hacer cuando la caché compartida falla: el servicio lee de la base de datos." });
    let (status, body) = app.graphql_as(Some(&token), ADD, json!({ "input": input })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    slowest = slowest.max(started.elapsed());
    eprintln!("sin Redis: la solicitud más lenta tardó {:.2} s", slowest.as_secs_f64());
    assert!(slowest < bound, "a mutation without Redis took {slowest:?}");

    // Back on the same port: used again without restarting the instance.
    let port = redis.port;
    drop(redis);
    let redis = PrivateRedis::start_on(port).await;
    let back = Instant::now();
    let deadline = back + Duration::from_secs(30);
    loop {
        app.query_ok(ENTITY, json!({})).await;
        if !redis.keys(&prefix).await.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "the instance never used Redis again");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, body, _) = readiness(&app.client, &app.url("/readyz")).await;
    assert_eq!((status, &body["status"]), (StatusCode::OK, &json!("ok")), "{body}");
    eprintln!("Redis de vuelta: usado de nuevo en {:.1} s", back.elapsed().as_secs_f64());
}

/// PostgreSQL restarted under a running instance: while it is down the
/// instance is out of service and every request fails quickly with a clear
/// Spanish answer; once it is back the same instance serves again by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_postgres_restarted_the_instance_fails_clearly_then_recovers() {
    let Some(postgres) = tokio::task::block_in_place(PrivatePostgres::start) else { return };
    let app = TestApp::spawn_on_postgres(&postgres.url(), |_| {}).await;
    app.create_user("ana@dnp.gov.co", Role::National, None, Some("DNP")).await;
    let token = app.login("ana@dnp.gov.co").await;
    let requirements = "{ informationRequirements { totalCount } }";
    app.query_ok(requirements, json!({})).await;
    let (status, _, _) = readiness(&app.client, &app.url("/readyz")).await;
    assert_eq!(status, StatusCode::OK);

    tokio::task::block_in_place(|| postgres.stop_immediately());
    // All at once: each waits out the connection deadline.
    let login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    let timed = |token: Option<String>, operation: &'static str, variables: Value| {
        let app = &app;
        async move {
            let started = Instant::now();
            let (status, body) = app.graphql_as(token.as_deref(), operation, variables).await;
            (status, body, started.elapsed())
        }
    };
    // A public answer cached before the outage is still current (nothing can
    // be written meanwhile): it keeps being served.
    let (status, cached) = app.graphql(requirements, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{cached}");
    assert_eq!(cached["data"]["informationRequirements"]["totalCount"], 0, "{cached}");
    let uncached = "{ informationRequirements(first: 5) { totalCount } }";
    let readyz = app.url("/readyz");
    let ((ready, readiness_body, readiness_took), query, mutation, with_token) = tokio::join!(
        readiness(&app.client, &readyz),
        timed(None, uncached, json!({})),
        timed(None, login, json!({ "e": "ana@dnp.gov.co", "p": sugit_tests::PASSWORD })),
        timed(Some(token.clone()), requirements, json!({})),
    );
    assert_eq!(ready, StatusCode::SERVICE_UNAVAILABLE, "{readiness_body}");
    assert_eq!(readiness_body["database"], "no disponible", "{readiness_body}");
    assert!(readiness_took < Duration::from_secs(10), "readiness answered in {readiness_took:?}");
    for (status, body, took) in [query, mutation] {
        assert!(took < Duration::from_secs(10), "answered in {took:?}: {body}");
        assert!(!status.is_server_error(), "{status}: {body}");
        assert_eq!(error_codes(&body), ["UNAVAILABLE"], "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("base de datos no está disponible"), "{message}");
    }
    // With a token the caller is checked before GraphQL runs: the same clear answer.
    let (status, body, took) = with_token;
    assert!(took < Duration::from_secs(10), "answered in {took:?}: {body}");
    assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(error_codes(&body), ["UNAVAILABLE"], "{body}");
    assert!(
        body["errors"][0]["message"].as_str().unwrap_or_default().contains("no está disponible"),
        "{body}"
    );

    tokio::task::block_in_place(|| postgres.resume());
    let back = Instant::now();
    let deadline = back + Duration::from_secs(30);
    loop {
        let (status, _, _) = readiness(&app.client, &app.url("/readyz")).await;
        if status == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "not ready 30 s after PostgreSQL came back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.query_ok(requirements, json!({})).await;
    let token = app.login("ana@dnp.gov.co").await;
    let title = "Guía de continuidad ante reinicios de la base de datos";
    let input = json!({ "format": "TEXT", "type": "GUIDE", "title": title,
        "content": "Lo que ve una entidad territorial cuando la base de datos se reinicia: un aviso claro." });
    let (_, body) = app.graphql_as(Some(&token), ADD, json!({ "input": input })).await;
    assert!(body.get("errors").is_none(), "{body}");
    // The outbox tail survived the outage too.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !search_titles(&app.client, &app.url("/graphql"), "reinicios base de datos")
        .await
        .iter()
        .any(|t| t == title)
    {
        assert!(Instant::now() < deadline, "the index stopped following the database");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("PostgreSQL de vuelta: la instancia sirve de nuevo en {:.1} s", back.elapsed().as_secs_f64());
}
