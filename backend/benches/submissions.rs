//! Submission throughput: `cargo bench -p sugit --bench submissions`.
//!
//! Each submission carries 50 values of one requirement for one municipality.
//! Phase "nuevos": every value is a new key. Phase "mixtos": the same keys
//! again, half the values unchanged (duplicates) and half changed
//! (corrections). Phase "reenvíos": the mixed submissions re-sent with their
//! idempotency keys (replays). The floor ("inserción cruda") inserts the same
//! 50 values into a plain table, one transaction per submission, with no
//! checks and no deduplication: the least any store would pay to keep them.
//!
//! Tables are analyzed between phases, as autovacuum does on a running system.
//!
//! The same two first phases then run over HTTP, as a client sends them: the
//! `submitReport` mutation to the server this bench serves on a free port, one
//! signed-in user per municipality, on as many other municipalities; the
//! client (reqwest, in this process) shares the cores with the server, as wrk
//! would (issue #26, goal 3: GraphQL at ≥ 70 % of the direct calls).
//!
//! Options: `--postgres URL` (default postgres://postgres@127.0.0.1:5432/postgres,
//! skipped if unreachable), `--municipalities N` (default 100), `--periods N`
//! (default 10), `--workers N` for PostgreSQL (default 8; SQLite uses 1),
//! `--only sqlite|postgres`.

use std::{sync::Arc, time::Instant};

use sea_orm::{ConnectionTrait, Database};
use sugit::{
    access::{service::NewUser, Actor, AuthUser, Role},
    app::Application,
    config::Settings,
    pagination::PageRequest,
    reporting::{
        catalogue::{NewDataElement, NewRequirement},
        model::{Periodicity, ValueType},
        submission::{ReportInput, ReportValue},
    },
    territory::{TerritorialKind, TerritoryFilter},
    AppState,
};
use uuid::Uuid;

// The server's allocator (see `main.rs`): both paths measured as they run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ELEMENTS: usize = 50;

struct Options {
    postgres: String,
    municipalities: usize,
    periods: usize,
    workers: usize,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let number = |flag: &str, default: usize| value(flag).and_then(|v| v.parse().ok()).unwrap_or(default);
    Options {
        postgres: value("--postgres").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        municipalities: number("--municipalities", 100),
        periods: number("--periods", 10),
        workers: number("--workers", 8),
    }
}

fn actor(role: Role, entity: Option<&str>) -> Actor {
    Actor::User(AuthUser {
        id: Uuid::now_v7(),
        email: format!("banco-{}@sugit.gov.co", entity.unwrap_or("admin")),
        name: "Banco de pruebas".into(),
        role,
        entity_code: entity.map(str::to_owned),
        organisation_code: None,
        token_id: Uuid::nil(),
    })
}

fn value_for(municipality: usize, period: usize, element: usize, visit: usize) -> String {
    let base = municipality * 100_000 + period * 100 + element;
    // Second visit: even elements unchanged (duplicates), odd ones changed (corrections).
    let changed = visit == 2 && element % 2 == 1;
    (base + usize::from(changed)).to_string()
}

fn report(code: &str, m: usize, p: usize, visit: usize) -> ReportInput {
    ReportInput {
        entity_code: code.to_owned(),
        period: (1990 + p).to_string(),
        requirement_code: "BANCO".into(),
        idempotency_key: format!("banco-{code}-{p}-{visit}"),
        values: (0..ELEMENTS)
            .map(|k| ReportValue {
                data_element_code: format!("E{k:02}"),
                value: value_for(m, p, k, visit),
                subject_code: None,
            })
            .collect(),
    }
}

struct Phase {
    name: &'static str,
    submissions: usize,
    seconds: f64,
}

async fn run(label: &str, database_url: String, workers: usize, opts: &Options) -> Vec<Phase> {
    // Each store's state keeps its own search index: an index folder serves one process state at a time.
    let index_dir = std::env::temp_dir().join(format!("sugit-banco-indice-{}", Uuid::new_v4().simple()));
    let mut settings =
        Settings { database_url, demo: Some(false), index_dir: index_dir.clone(), ..Settings::default() };
    settings.listen = ([127, 0, 0, 1], 0).into();
    // One client sends everything: the per-token limit would stop it, not the server.
    settings.limits.requests_per_minute = u32::MAX;
    settings.limits.login_attempts_per_minute = u32::MAX;
    let application = Application::build(settings).await.expect("server");
    let state: AppState = application.state().clone();
    let endpoint = format!("http://{}/graphql", application.local_addr());
    tokio::spawn(application.run_until(std::future::pending()));
    let admin = actor(Role::Admin, None);
    let new_elements = (0..ELEMENTS)
        .map(|k| NewDataElement {
            code: format!("E{k:02}"),
            name: format!("Elemento {k}"),
            description: format!("Elemento de prueba número {k}"),
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
            &admin,
            NewRequirement {
                code: "BANCO".into(),
                name: "Requerimiento del banco de pruebas".into(),
                issuer_code: Some("DNP".into()),
                legal_basis: "Banco de pruebas".into(),
                periodicity: Periodicity::Annual,
                entity_kinds: vec![TerritorialKind::Municipality],
                existing_elements: vec![],
                new_elements,
                due_days: None,
            },
        )
        .await
        .expect("requirement");
    let filter = TerritoryFilter { kind: Some(TerritorialKind::Municipality), ..TerritoryFilter::default() };
    let mut codes = Vec::new();
    let mut after = None;
    // The first half for the direct calls, the second for HTTP.
    while codes.len() < 2 * opts.municipalities {
        let page = state
            .territory
            .list(&filter, &PageRequest { first: 100, after: after.clone() })
            .await
            .expect("page");
        after = page.items.last().map(|e| e.code.clone());
        if page.items.is_empty() {
            panic!("--municipalities {} pide más de la mitad de los municipios", opts.municipalities);
        }
        codes.extend(page.items.into_iter().map(|e| e.code));
    }
    codes.truncate(2 * opts.municipalities);
    let over_http = Arc::new(codes.split_off(opts.municipalities));
    let codes = Arc::new(codes);

    let mut phases = Vec::new();
    let actors: Arc<Vec<Actor>> =
        Arc::new(codes.iter().map(|code| actor(Role::Territorial, Some(code))).collect());
    for (name, visit) in
        [("nuevos", 1), ("mixtos (½ duplicados, ½ correcciones)", 2), ("reenvíos idénticos", 2)]
    {
        let (shared, actors) = (state.clone(), actors.clone());
        let submit = move |m: usize, code: String, p: usize| {
            let (state, actors) = (shared.clone(), actors.clone());
            async move {
                let outcome =
                    state.reporting.submissions.submit(&actors[m], report(&code, m, p, visit)).await;
                outcome.expect("submission accepted");
            }
        };
        phases.push(phase(name, &codes, opts.periods, workers, submit).await);
        // Production tables carry planner statistics (autovacuum analyzes them as
        // they grow); tables filled seconds ago do not, so analyze between phases.
        state.db.execute_unprepared("ANALYZE").await.expect("analyze");
    }

    let tokens = Arc::new(sign_in(&state, &over_http).await);
    let (client, endpoint) = (reqwest::Client::new(), Arc::<str>::from(endpoint));
    for (name, visit) in [("nuevos por GraphQL (HTTP)", 1), ("mixtos por GraphQL (HTTP)", 2)] {
        let (client, endpoint, tokens) = (client.clone(), endpoint.clone(), tokens.clone());
        let submit = move |m: usize, code: String, p: usize| {
            let (client, endpoint, tokens) = (client.clone(), endpoint.clone(), tokens.clone());
            async move { submit_over_http(&client, &endpoint, &tokens[m], report(&code, m, p, visit)).await }
        };
        phases.push(phase(name, &over_http, opts.periods, workers, submit).await);
        state.db.execute_unprepared("ANALYZE").await.expect("analyze");
    }

    // The floor: the same values, raw, into a plain table.
    state
        .db
        .execute_unprepared("CREATE TABLE banco_crudo (subject VARCHAR(5), element VARCHAR(8), period VARCHAR(10), value TEXT)")
        .await
        .expect("raw table");
    let db = state.db.clone();
    let insert_raw = move |m: usize, code: String, p: usize| {
        let db = db.clone();
        async move {
            let rows: Vec<String> = (0..ELEMENTS)
                .map(|k| format!("('{code}','E{k:02}','{}','{}')", 1990 + p, value_for(m, p, k, 1)))
                .collect();
            let sql = format!("INSERT INTO banco_crudo VALUES {}", rows.join(","));
            loop {
                use sea_orm::TransactionTrait;
                let attempt = async {
                    let transaction = db.begin().await?;
                    transaction.execute_unprepared(&sql).await?;
                    transaction.commit().await
                };
                match attempt.await {
                    Ok(()) => break,
                    Err(error) if error.to_string().contains("locked") => continue,
                    Err(error) => panic!("raw insert: {error}"),
                }
            }
        }
    };
    phases.push(phase("inserción cruda (piso)", &codes, opts.periods, workers, insert_raw).await);

    println!(
        "\n{label}: {} municipios × {} periodos, {ELEMENTS} valores por envío, {workers} trabajadores",
        opts.municipalities, opts.periods
    );
    println!("{:<40} {:>8} {:>10} {:>14} {:>14}", "fase", "envíos", "segundos", "envíos/s", "valores/s");
    for phase in &phases {
        let rate = phase.submissions as f64 / phase.seconds;
        println!(
            "{:<40} {:>8} {:>10.2} {:>14.0} {:>14.0}",
            phase.name,
            phase.submissions,
            phase.seconds,
            rate,
            rate * ELEMENTS as f64
        );
    }
    let _ = std::fs::remove_dir_all(&index_dir);
    phases
}

/// Runs `submit(municipality, code, period)` for every municipality and period,
/// `workers` tasks at a time, and times it.
async fn phase<F, Fut>(
    name: &'static str,
    codes: &Arc<Vec<String>>,
    periods: usize,
    workers: usize,
    submit: F,
) -> Phase
where
    F: Fn(usize, String, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..workers {
        let (codes, submit) = (codes.clone(), submit.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = 0;
            for (m, code) in codes.iter().enumerate().filter(|(m, _)| m % workers == worker) {
                for p in 0..periods {
                    submit(m, code.clone(), p).await;
                    done += 1;
                }
            }
            done
        }));
    }
    let mut submissions = 0;
    for task in tasks {
        submissions += task.await.expect("worker");
    }
    Phase { name, submissions, seconds: started.elapsed().as_secs_f64() }
}

/// A user and a token for each municipality, as its mayor's team would sign in.
async fn sign_in(state: &AppState, codes: &[String]) -> Vec<String> {
    let password = "banco-de-pruebas-2026";
    let mut tokens = Vec::with_capacity(codes.len());
    for code in codes {
        let email = format!("banco-{code}@sugit.gov.co");
        let user = NewUser {
            email: email.clone(),
            name: format!("Alcaldía {code} (banco de pruebas)"),
            role: Role::Territorial,
            entity_code: Some(code.clone()),
            organisation_code: None,
            password: password.into(),
        };
        state.access.create_user_as_system(user).await.expect("user");
        tokens.push(state.access.login("banco", &email, password).await.expect("login").token);
    }
    tokens
}

/// One `submitReport` over HTTP, its answer checked.
async fn submit_over_http(client: &reqwest::Client, endpoint: &str, token: &str, report: ReportInput) {
    let values: Vec<serde_json::Value> = report
        .values
        .iter()
        .map(|v| serde_json::json!({ "dataElementCode": v.data_element_code, "value": v.value }))
        .collect();
    let body = serde_json::json!({
        "query": "mutation($i: SubmitReportInput!) { submitReport(input: $i) { accepted newValues duplicates corrections } }",
        "variables": { "i": {
            "entityCode": report.entity_code,
            "period": report.period,
            "requirementCode": report.requirement_code,
            "idempotencyKey": report.idempotency_key,
            "values": values,
        } },
    });
    let answer: serde_json::Value = client
        .post(endpoint)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON answer");
    let accepted = answer["data"]["submitReport"]["accepted"].as_u64();
    assert_eq!(accepted, Some(ELEMENTS as u64), "submitReport: {answer}");
}

#[tokio::main]
async fn main() {
    let opts = options();
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks for benchmark names: this binary is one.
    }
    let dir = std::env::temp_dir().join(format!("sugit-banco-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sqlite = format!("sqlite://{}?mode=rwc", dir.join("banco.db").display());
    let only = std::env::args().skip_while(|a| a != "--only").nth(1);
    if only.as_deref() != Some("postgres") {
        run("SQLite (archivo, WAL)", sqlite, 1, &opts).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    if only.as_deref() == Some("sqlite") {
        return;
    }

    let name = format!("sugit_banco_{}", Uuid::new_v4().simple());
    match Database::connect(opts.postgres.as_str()).await {
        Ok(admin) => {
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
            // The same server and options (e.g. `?sslmode=disable`), another database.
            let (base, options) = match opts.postgres.split_once('?') {
                Some((base, options)) => (base, format!("?{options}")),
                None => (opts.postgres.as_str(), String::new()),
            };
            let url = match base.rsplit_once('/') {
                Some((server, _)) => format!("{server}/{name}{options}"),
                None => format!("{base}/{name}{options}"),
            };
            run("PostgreSQL", url, opts.workers, &opts).await;
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
        Err(error) => eprintln!("PostgreSQL no disponible ({error}): se omite"),
    }
}
