//! What the benches that start the real server share: their options, a
//! fresh database, the settings of a server on a free port, percentiles.

use std::{path::PathBuf, time::Duration};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use sugit::config::Settings;

/// The value after `name` on the command line.
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

/// The `p` percentile of sorted durations, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1_000.0
}

/// Drops and creates the database `name` on the server of `admin_url`;
/// returns the connection to the server and the new database's URL.
pub async fn fresh_database(admin_url: &str, name: &str) -> (DatabaseConnection, String) {
    let admin = Database::connect(admin_url).await.expect("PostgreSQL reachable");
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.expect("drop");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create");
    let server = admin_url.rsplit_once('/').map_or(admin_url, |(server, _)| server);
    (admin, format!("{server}/{name}"))
}

/// A server on a free port of loopback, its index in `index_dir`, with the
/// rate limits lifted: the bench is one client sending as fast as it can.
pub fn server_settings(database_url: String, index_dir: PathBuf, demo: bool) -> Settings {
    let mut settings = Settings {
        listen: "127.0.0.1:0".parse().expect("address"),
        database_url,
        index_dir,
        demo: Some(demo),
        ..Settings::default()
    };
    settings.limits.requests_per_minute = u32::MAX;
    settings.limits.anonymous_requests_per_minute = u32::MAX;
    settings
}

/// Sends one GraphQL operation over HTTP (signed in when `token` is given)
/// and returns its answer, which must carry no error.
pub async fn graphql(
    client: &reqwest::Client,
    endpoint: &str,
    token: Option<&str>,
    query: &str,
    variables: &serde_json::Value,
) -> serde_json::Value {
    let mut request =
        client.post(endpoint).json(&serde_json::json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: serde_json::Value = request.send().await.expect("answer").json().await.expect("json");
    assert!(body.get("errors").is_none(), "{query}\n{variables}\n{body}");
    body
}
