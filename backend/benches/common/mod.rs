//! What the benches that start the real server share: their options, a
//! fresh database, the settings of a server on a free port, percentiles.

use std::{
    collections::BTreeSet,
    path::PathBuf,
    time::{Duration, Instant},
};

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

/// The operation `name` of `document`, with the fragments it uses (the
/// files hold many operations; a client sends one).
pub fn operation(document: &str, name: &str) -> String {
    let document: String =
        document.lines().filter(|line| !line.trim_start().starts_with('#')).collect::<Vec<_>>().join("\n");
    let document = document.as_str();
    let mut definitions = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (at, c) in document.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    definitions.push(document[start..=at].trim());
                    start = at + 1;
                }
            }
            _ => {}
        }
    }
    let header = |d: &str, kind: &str, name: &str| {
        d.strip_prefix(kind).is_some_and(|rest| {
            rest.trim_start().starts_with(name)
                && !rest.trim_start()[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        })
    };
    let main = definitions
        .iter()
        .find(|d| header(d, "query", name) || header(d, "mutation", name))
        .expect("the operation is in the file");
    let mut used: BTreeSet<&str> = BTreeSet::new();
    let mut pending = vec![*main];
    while let Some(text) = pending.pop() {
        for (at, _) in text.match_indices("...") {
            let rest = &text[at + 3..];
            let fragment: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if fragment.is_empty() || fragment == "on" {
                continue;
            }
            if let Some(definition) = definitions.iter().find(|d| header(d, "fragment", &fragment)) {
                if used.insert(*definition) {
                    pending.push(*definition);
                }
            }
        }
    }
    std::iter::once(*main).chain(used).collect::<Vec<_>>().join("\n")
}

/// Signs in with the demo password; returns the session token.
pub async fn login(client: &reqwest::Client, endpoint: &str, email: &str, password: &str) -> String {
    let body = graphql(
        client,
        endpoint,
        None,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        &serde_json::json!({ "e": email, "p": password }),
    )
    .await;
    body["data"]["login"]["token"].as_str().unwrap_or_else(|| panic!("{email}: {body}")).to_owned()
}

/// An operation of a file of `schema/operations/`, who sends it (a name for
/// the table and a token) and its variables.
pub type Case<'a> = (&'a str, &'a str, (&'a str, &'a str), serde_json::Value);

/// Sends each case `rounds` times (after five of warm-up), each request a
/// miss of the public answer cache, and prints p50/p99 per case, slowest first.
pub async fn time_operations(client: &reqwest::Client, endpoint: &str, cases: &[Case<'_>], rounds: usize) {
    let mut results = Vec::new();
    for (name, file, (who, token), variables) in cases {
        let query = operation(file, name);
        let mut times = Vec::with_capacity(rounds);
        for round in 0..rounds + 5 {
            // A variable the query does not use: every request misses the public cache.
            let mut variables = variables.clone();
            variables["ronda"] = serde_json::json!(round);
            let started = Instant::now();
            let body = graphql(client, endpoint, Some(token), &query, &variables).await;
            if round >= 5 {
                times.push(started.elapsed());
            } else if round == 0 {
                let total = body["data"]
                    .as_object()
                    .and_then(|data| data.values().next())
                    .map(|v| v["totalCount"].clone());
                eprintln!(
                    "{name} ({who}) {variables}: totalCount {}",
                    total.unwrap_or(serde_json::Value::Null)
                );
            }
        }
        times.sort_unstable();
        results.push((
            format!("{name} ({who}) {variables}"),
            percentile(&times, 0.5),
            percentile(&times, 0.99),
        ));
    }
    results.sort_by(|a, b| b.2.total_cmp(&a.2));
    println!("| operación (quién pregunta) variables | p50 ms | p99 ms |");
    println!("|---|---|---|");
    for (case, p50, p99) in &results {
        println!("| `{}` | {p50:.1} | {p99:.1} |", case.replace('|', "\\|"));
    }
}
