//! The integration-test harness: starts the real `sugit` server on a free port
//! with a fresh database (a temporary SQLite file, or a new PostgreSQL database)
//! and talks HTTP to it, as a client would.
//!
//! PostgreSQL and Redis are used when reachable (`SUGIT_TEST_POSTGRES_URL`,
//! `SUGIT_TEST_REDIS_URL`, defaulting to the machine's local services). With
//! `SUGIT_REQUIRE_SERVICES=1` an unreachable one fails the test instead of
//! skipping it, so CI cannot pass by testing less.

use std::{sync::Arc, time::Duration};

use serde_json::{json, Value};
use sugit::{
    access::{service::NewUser, Role},
    config::Settings,
    AppState, Application,
};

pub use reqwest::StatusCode;

pub mod process;

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const DEFAULT_REDIS: &str = "redis://127.0.0.1:6379";
/// Every test user's password.
pub const PASSWORD: &str = "una clave de prueba larga";

/// Which stores a test server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: a SQLite file, in-process cache.
    Sqlite,
    /// Production: PostgreSQL and Redis.
    PostgresRedis,
}

/// A running server and a client for it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub backend: Backend,
    pub settings: Settings,
    /// The server's state, for what a test sets up as an operator would (the first admin).
    pub state: AppState,
    _database: Arc<TestDatabase>,
    _index: IndexDir,
}

/// This instance's search index folder, removed with the test.
struct IndexDir(std::path::PathBuf);

impl IndexDir {
    fn new() -> Self {
        Self(std::env::temp_dir().join(format!("sugit-index-{}", uuid::Uuid::new_v4().simple())))
    }
}

impl Drop for IndexDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A test server's settings: a free port, its database and index, no demo data.
fn test_settings(database_url: &str, index: &IndexDir) -> Settings {
    Settings {
        listen: "127.0.0.1:0".parse().expect("valid address"),
        database_url: database_url.to_owned(),
        index_dir: index.0.clone(),
        demo: Some(false),
        // Reading Debian's thesaurus takes about 2 s in a debug build, paid by every server
        // that registers a field: the tests that are about it name a file themselves.
        thesaurus: Some(std::path::PathBuf::new()),
        ..Settings::default()
    }
}

impl TestApp {
    /// Starts a server on `backend`, or returns `None` (the test is skipped)
    /// when that backend is unreachable and services are not required.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// As `spawn`, letting the test adjust the settings first.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Option<TestApp> {
        let database = Arc::new(TestDatabase::create(backend).await?);
        let index = IndexDir::new();
        let mut settings = test_settings(&database.url, &index);
        if backend == Backend::PostgresRedis {
            settings.redis_url = Some(reachable_redis().await?);
            settings.redis_prefix = format!("sugit-test-{}:", uuid::Uuid::new_v4().simple());
        }
        adjust(&mut settings);
        if std::env::var_os("SUGIT_TEST_LOG").is_some() {
            sugit::telemetry::init(false);
        }
        Some(Self::start(backend, settings, database, index).await)
    }

    /// A server on a PostgreSQL the test runs itself (`process::PrivatePostgres`),
    /// with the in-process cache; the cluster goes away with its folder.
    pub async fn spawn_on_postgres(database_url: &str, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let database = Arc::new(TestDatabase { url: database_url.to_owned(), cleanup: Cleanup::Nothing });
        let index = IndexDir::new();
        let mut settings = test_settings(&database.url, &index);
        adjust(&mut settings);
        if std::env::var_os("SUGIT_TEST_LOG").is_some() {
            sugit::telemetry::init(false);
        }
        Self::start(Backend::PostgresRedis, settings, database, index).await
    }

    async fn start(
        backend: Backend,
        settings: Settings,
        database: Arc<TestDatabase>,
        index: IndexDir,
    ) -> TestApp {
        let app = Application::build(settings.clone()).await.expect("the server starts");
        let address = format!("http://{}", app.local_addr());
        let state = app.state().clone();
        tokio::spawn(app.run_until(std::future::pending()));
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
        TestApp { address, client, backend, settings, state, _database: database, _index: index }
    }

    /// Another instance on the same database, with its own search index
    /// (as behind a load balancer); `index` reuses a folder the test prepared.
    pub async fn spawn_sibling(&self, index: Option<std::path::PathBuf>) -> TestApp {
        let index = index.map_or_else(IndexDir::new, IndexDir);
        let settings = Settings {
            listen: "127.0.0.1:0".parse().expect("valid address"),
            index_dir: index.0.clone(),
            demo: Some(false),
            ..self.settings.clone()
        };
        Self::start(self.backend, settings, Arc::clone(&self._database), index).await
    }

    /// A folder for an index the test prepares before `spawn_sibling`.
    pub fn new_index_path() -> std::path::PathBuf {
        IndexDir::new().0.clone()
    }

    /// Creates a user as the command line does (no request, audited as the system).
    pub async fn create_user(
        &self,
        email: &str,
        role: Role,
        entity: Option<&str>,
        organisation: Option<&str>,
    ) {
        let new_user = NewUser {
            email: email.into(),
            name: format!("Usuario {email}"),
            role,
            entity_code: entity.map(str::to_owned),
            organisation_code: organisation.map(str::to_owned),
            password: PASSWORD.into(),
        };
        self.state.access.create_user_as_system(new_user).await.expect("user created");
    }

    /// Registers a PERSON through the API, reads the confirmation link from the
    /// development mailbox and confirms it; returns the session token.
    pub async fn register_person(&self, email: &str, name: &str) -> String {
        let data = self
            .query_ok(
                "mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { message } }",
                json!({ "input": { "email": email, "name": name, "password": PASSWORD } }),
            )
            .await;
        assert!(data["registerPerson"]["message"].as_str().is_some_and(|m| m.contains("enlace")), "{data}");
        let token = self.confirmation_token(email);
        let data = self
            .query_ok(
                "mutation($t: String!) { confirmRegistration(token: $t) { token user { role } } }",
                json!({ "t": token }),
            )
            .await;
        assert_eq!(data["confirmRegistration"]["user"]["role"], "PERSON", "{data}");
        data["confirmRegistration"]["token"].as_str().expect("a session").to_owned()
    }

    /// The token of the newest confirmation link mailed to `email`.
    pub fn confirmation_token(&self, email: &str) -> String {
        let message = self.state.access.mailbox().last_to(email).expect("a confirmation was mailed");
        let (_, rest) = message.body.split_once("/confirmar/").expect("a confirmation link");
        rest.split_whitespace().next().expect("a token").to_owned()
    }

    /// Logs in through the API and returns the bearer token.
    pub async fn login(&self, email: &str) -> String {
        let data = self
            .query_ok(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                json!({ "e": email, "p": PASSWORD }),
            )
            .await;
        data["login"]["token"].as_str().expect("a token").to_owned()
    }

    /// POSTs one GraphQL operation with a bearer token.
    pub async fn graphql_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (StatusCode, Value) {
        let mut request =
            self.client.post(self.url("/graphql")).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        (status, response.json().await.expect("a JSON answer"))
    }

    /// A direct connection to this test's database, to look behind the API.
    pub async fn database(&self) -> sea_orm::DatabaseConnection {
        sea_orm::Database::connect(self.settings.database_url.as_str()).await.expect("test database")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// POSTs one GraphQL operation and returns the status and the JSON answer.
    pub async fn graphql(&self, query: &str, variables: Value) -> (StatusCode, Value) {
        self.graphql_as(None, query, variables).await
    }

    /// The `data` of an operation that must succeed.
    pub async fn query_ok(&self, query: &str, variables: Value) -> Value {
        let (status, body) = self.graphql(query, variables).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }
}

/// The `extensions.code` of every error in a GraphQL answer.
pub fn error_codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|error| error["extensions"]["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn services_required() -> bool {
    std::env::var("SUGIT_REQUIRE_SERVICES").is_ok_and(|value| value == "1")
}

fn unavailable(what: &str, why: impl std::fmt::Display) -> Option<String> {
    assert!(!services_required(), "{what} no está disponible y SUGIT_REQUIRE_SERVICES=1: {why}");
    eprintln!("omitido: {what} no está disponible ({why})");
    None
}

async fn reachable_redis() -> Option<String> {
    let url = std::env::var("SUGIT_TEST_REDIS_URL").unwrap_or_else(|_| DEFAULT_REDIS.into());
    let attempt = async {
        let client = redis::Client::open(url.as_str())?;
        let mut connection = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut connection).await
    };
    match tokio::time::timeout(Duration::from_secs(3), attempt).await {
        Ok(Ok(_)) => Some(url),
        Ok(Err(error)) => unavailable("Redis", error),
        Err(_) => unavailable("Redis", "sin respuesta en 3 s"),
    }
}

/// A database that exists for one test and is dropped after it.
/// A fresh, empty database of one backend, dropped with the value; a test
/// that drives the database itself (the migrations, say) uses it directly.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
    Nothing,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("sugit-test-{}", uuid::Uuid::new_v4().simple()));
                std::fs::create_dir_all(&dir).expect("temporary folder");
                let url = format!("sqlite://{}?mode=rwc", dir.join("sugit.db").display());
                Some(Self { url, cleanup: Cleanup::SqliteDir(dir) })
            }
            Backend::PostgresRedis => {
                let admin_url =
                    std::env::var("SUGIT_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES.into());
                let name = format!("sugit_test_{}", uuid::Uuid::new_v4().simple());
                let attempt = async {
                    use sea_orm::ConnectionTrait;
                    let admin = sea_orm::Database::connect(admin_url.as_str()).await?;
                    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
                    admin.close().await
                };
                match tokio::time::timeout(Duration::from_secs(10), attempt).await {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => {
                        unavailable("PostgreSQL", error);
                        return None;
                    }
                    Err(_) => {
                        unavailable("PostgreSQL", "sin respuesta en 10 s");
                        return None;
                    }
                }
                let url = match admin_url.rsplit_once('/') {
                    Some((server, _)) => format!("{server}/{name}"),
                    None => format!("{admin_url}/{name}"),
                };
                Some(Self { url, cleanup: Cleanup::Postgres { admin_url, name } })
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            // The test owns the server the database lives on.
            Cleanup::Nothing => {}
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                // The test's runtime may be gone: drop the database from a thread of its own.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build()
                    else {
                        return;
                    };
                    runtime.block_on(async {
                        use sea_orm::ConnectionTrait;
                        if let Ok(admin) = sea_orm::Database::connect(admin_url.as_str()).await {
                            let _ = admin
                                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Runs a scenario against every backend, each in its own test with its own
/// database: `backend_tests!(scenario_a, scenario_b);` makes `sqlite::scenario_a`,
/// `postgres_redis::scenario_a`, …
#[macro_export]
macro_rules! backend_tests {
    ($($scenario:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    if let Some(app) = $crate::TestApp::spawn($crate::Backend::Sqlite).await {
                        super::$scenario(&app).await;
                    }
                }
            )+
        }
        mod postgres_redis {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    if let Some(app) = $crate::TestApp::spawn($crate::Backend::PostgresRedis).await {
                        super::$scenario(&app).await;
                    }
                }
            )+
        }
    };
}
