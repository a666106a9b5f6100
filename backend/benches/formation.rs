//! Formation at scale: `cargo bench -p sugit --bench formation`.
//!
//! On a fresh PostgreSQL database: 20 published modules of 10 lessons,
//! 100,000 enrolments over the 1,121 municipal units (20,000 learners with
//! five modules each), 1,000,000 lesson completions and a certificate for
//! every third enrolment. Then, measured many times each:
//!
//! - a learner's page: the learner's enrolments with their modules, the
//!   lessons done and the certificates (what `myTrainingEnrolments` reads:
//!   one page, then one batch per relation);
//! - a department's completion view: enrolled and certified by municipality
//!   of Antioquia (`trainingCompletion(groupBy: ENTITY, departmentCode: "05")`)
//!   and the country by department.
//!
//! Each is compared with the plain SQL someone would write for the same
//! answer (one query with a join and an aggregate).
//!
//! Options: `--postgres URL` (default postgres://postgres@127.0.0.1:5432/postgres),
//! `--enrolments N` (default 100000), `--runs N` (default 300).

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use sugit::{
    access::{Actor, AuthUser, Role},
    config::Settings,
    formation::model::CompletionGrouping,
    pagination::PageRequest,
    AppState,
};
use uuid::Uuid;

const LESSONS: i64 = 10;
const MODULES: i64 = 20;
const PER_LEARNER: i64 = 5;

fn option(flag: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned()
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Fills the tables with SQL on the server: the benchmark measures reads.
async fn load(db: &DatabaseConnection, enrolments: i64) {
    exec(db, &format!(
        "INSERT INTO formation_module (id, organisation_code, title, summary, objectives, topic, target_kinds, target_categories,
           target_roles, hours, pass_mark, max_attempts, lessons, questions, status, created_at, updated_at)
         SELECT md5('modulo' || m)::uuid, 'ESAP', 'Módulo ' || m, 'Resumen del módulo de prueba número ' || m, 'Objetivos', 'prueba',
           'MUNICIPALITY,DISTRICT', '', '', 12, 60, 3,
           (SELECT json_agg(json_build_object('title', 'Lección ' || l, 'body', 'Texto', 'knowledge_product_id', NULL)) FROM generate_series(1, {LESSONS}) l),
           '[{{\"prompt\": \"¿Sí?\", \"options\": [\"Sí\", \"No\"], \"correct\": 0}}]'::json, 'published', now(), now()
         FROM generate_series(1, {MODULES}) m"
    )).await;
    // Learner u takes modules u, u+1, … (mod 20); its entity is one of the 1,121 units.
    exec(db, &format!(
        "WITH units AS (SELECT code, department_code, row_number() OVER (ORDER BY code) - 1 AS n FROM territorial_entity WHERE department_code IS NOT NULL),
              total AS (SELECT count(*) AS c FROM units)
         INSERT INTO formation_enrolment (id, module_id, user_id, learner_name, entity_code, department_code, enrolled_by, enrolled_at,
           lessons_done, attempts, best_score, passed_at)
         SELECT md5('inscripcion' || i)::uuid, md5('modulo' || ((i / {PER_LEARNER} + i % {PER_LEARNER}) % {MODULES} + 1))::uuid,
           md5('aprendiz' || (i / {PER_LEARNER}))::uuid, 'Aprendiz ' || (i / {PER_LEARNER}), u.code, u.department_code, NULL,
           now() - (i || ' seconds')::interval, {LESSONS}, 1, CASE WHEN i % 3 = 0 THEN 100 ELSE 40 END,
           CASE WHEN i % 3 = 0 THEN now() ELSE NULL END
         FROM generate_series(0, {enrolments} - 1) i, total
         JOIN units u ON true
         WHERE u.n = ((i / {PER_LEARNER}) % total.c)"
    )).await;
    exec(
        db,
        &format!(
            "INSERT INTO formation_completion (enrolment_id, lesson, completed_at)
         SELECT e.id, l, now() FROM formation_enrolment e, generate_series(1, {LESSONS}) l"
        ),
    )
    .await;
    exec(db,
        "INSERT INTO formation_certificate (code, enrolment_id, learner_name, module_title, hours, issued_on, issuer_name)
         SELECT 'CERT-' || upper(substr(md5(id::text), 1, 4)) || '-' || upper(substr(md5(id::text), 5, 4)) || substr(id::text, 1, 2),
           id, learner_name, 'Módulo', 12, current_date, 'Escuela Superior de Administración Pública'
         FROM formation_enrolment WHERE passed_at IS NOT NULL",
    ).await;
    exec(db, "ANALYZE").await;
}

/// A territorial learner as the service sees it (its id is one PostgreSQL computed).
fn learner(id: Uuid) -> Actor {
    Actor::User(AuthUser {
        id,
        email: format!("{id}@banco.gov.co"),
        name: "Aprendiz del banco".into(),
        role: Role::Territorial,
        entity_code: None,
        organisation_code: None,
        token_id: Uuid::nil(),
    })
}

struct Timing {
    name: String,
    samples: Vec<Duration>,
}

impl Timing {
    fn quantile(&self, q: f64) -> f64 {
        let mut sorted = self.samples.clone();
        sorted.sort();
        let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
        sorted[index].as_secs_f64() * 1_000.0
    }
}

async fn learner_ids(db: &DatabaseConnection, runs: i64, learners: i64) -> Vec<Uuid> {
    let rows = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT md5('aprendiz' || ((g * 7919) % {learners}))::uuid::text AS id FROM generate_series(1, {runs}) g"
            ),
        ))
        .await
        .expect("ids");
    rows.iter()
        .map(|row| Uuid::parse_str(&row.try_get::<String>("", "id").expect("id")).expect("uuid"))
        .collect()
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let postgres =
        option("--postgres").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let enrolments: i64 = option("--enrolments").and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let runs: i64 = option("--runs").and_then(|v| v.parse().ok()).unwrap_or(300);
    let admin = match Database::connect(postgres.as_str()).await {
        Ok(admin) => admin,
        Err(error) => return eprintln!("PostgreSQL no disponible ({error}): se omite"),
    };
    let name = format!("sugit_banco_formacion_{}", Uuid::new_v4().simple());
    exec(&admin, &format!("CREATE DATABASE {name}")).await;
    let url = match postgres.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => format!("{postgres}/{name}"),
    };
    let index_dir = std::env::temp_dir().join(format!("sugit-banco-formacion-{}", Uuid::new_v4().simple()));
    let settings = Settings {
        database_url: url,
        demo: Some(false),
        index_dir: index_dir.clone(),
        ..Settings::default()
    };
    let state = AppState::initialise(settings).await.expect("state");
    let started = Instant::now();
    load(&state.db, enrolments).await;
    let completions: i64 = enrolments * LESSONS;
    println!(
        "\nPostgreSQL: {enrolments} inscripciones, {completions} lecciones terminadas, {} certificados; carga en {:.1} s",
        enrolments / 3 + 1,
        started.elapsed().as_secs_f64()
    );

    let ids = learner_ids(&state.db, runs, enrolments / PER_LEARNER).await;
    let mut timings = Vec::new();

    // A learner's page through the service, as the resolvers read it.
    let mut samples = Vec::new();
    for id in &ids {
        let actor = learner(*id);
        let page = PageRequest { first: 20, after: None };
        let at = Instant::now();
        let found = state.formation.my_enrolments(&actor, &page).await.expect("page");
        let enrolment_ids: Vec<Uuid> = found.items.iter().map(|e| e.id).collect();
        let module_ids: Vec<Uuid> = found.items.iter().map(|e| e.module_id).collect();
        let (done, modules, certificates) = tokio::join!(
            state.formation.lessons_done(&enrolment_ids),
            state.formation.modules_by_id(&module_ids),
            state.formation.certificates_of(&enrolment_ids),
        );
        samples.push(at.elapsed());
        assert_eq!(found.items.len() as i64, PER_LEARNER, "a learner has {PER_LEARNER} enrolments");
        assert!(done.expect("done").values().all(|l| l.len() as i64 == LESSONS));
        assert!(!modules.expect("modules").is_empty());
        certificates.expect("certificates");
    }
    timings.push(Timing { name: "página de la persona (servicio: 4 consultas)".into(), samples });

    // The same answer in one plain query.
    let mut samples = Vec::new();
    for id in &ids {
        let sql = format!(
            "SELECT e.id, m.title, e.lessons_done, e.best_score, k.code, array_agg(c.lesson ORDER BY c.lesson)
             FROM formation_enrolment e JOIN formation_module m ON m.id = e.module_id
             LEFT JOIN formation_certificate k ON k.enrolment_id = e.id
             LEFT JOIN formation_completion c ON c.enrolment_id = e.id
             WHERE e.user_id = '{id}' GROUP BY e.id, m.title, k.code ORDER BY e.id DESC LIMIT 21"
        );
        let at = Instant::now();
        let rows = state
            .db
            .query_all(Statement::from_string(state.db.get_database_backend(), sql))
            .await
            .expect("sql");
        samples.push(at.elapsed());
        assert_eq!(rows.len() as i64, PER_LEARNER);
    }
    timings.push(Timing { name: "página de la persona (SQL plano, 1 consulta)".into(), samples });

    let mut samples = Vec::new();
    for _ in 0..runs {
        let at = Instant::now();
        let rows = state.formation.completion(CompletionGrouping::Entity, Some("05")).await.expect("view");
        samples.push(at.elapsed());
        assert!(rows.len() > 100, "Antioquia's municipalities: {}", rows.len());
    }
    timings.push(Timing { name: "finalización de un departamento (servicio)".into(), samples });

    let mut samples = Vec::new();
    for _ in 0..runs {
        let at = Instant::now();
        let rows = state
            .db
            .query_all(Statement::from_string(
                state.db.get_database_backend(),
                "SELECT entity_code, count(*), count(passed_at) FROM formation_enrolment WHERE department_code = '05' GROUP BY entity_code ORDER BY entity_code".to_owned(),
            ))
            .await
            .expect("sql");
        samples.push(at.elapsed());
        assert!(rows.len() > 100);
    }
    timings.push(Timing { name: "finalización de un departamento (SQL plano)".into(), samples });

    let mut samples = Vec::new();
    for _ in 0..runs.min(50) {
        let at = Instant::now();
        let rows = state.formation.completion(CompletionGrouping::Department, None).await.expect("view");
        samples.push(at.elapsed());
        assert!(rows.len() >= 32);
    }
    timings.push(Timing { name: "el país por departamento (servicio)".into(), samples });

    println!("{:<48} {:>8} {:>10} {:>10}", "consulta", "veces", "p50 ms", "p99 ms");
    for timing in &timings {
        println!(
            "{:<48} {:>8} {:>10.2} {:>10.2}",
            timing.name,
            timing.samples.len(),
            timing.quantile(0.5),
            timing.quantile(0.99)
        );
    }
    drop(state);
    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    let _ = std::fs::remove_dir_all(&index_dir);
}
