//! Search end to end: `cargo bench -p sugit --features bench-corpus --bench search_graphql`.
//!
//! Loads the deterministic corpus of `search_index::corpus` as knowledge
//! products into a fresh PostgreSQL database, rebuilds the server's index from
//! the database (the path `sugit reindex` and a first start take), starts the
//! real server and measures `searchKnowledge` over HTTP as a client sees it:
//! top 10 with snippets, facet counts and each product loaded from the
//! database through the DataLoader, with and without a facet filter. Each
//! measured request misses the public answer cache (a repeated anonymous
//! query is answered from it in under a millisecond). Beside each request, in
//! the same round, the same search is asked of the index itself (the search
//! service: candidates, facets, snippets; no HTTP, GraphQL or database), so
//! the two p99s come from one run (issue #26: GraphQL within 5 ms of the index).
//!
//! Options: `--docs N` (default 1,000,000), `--rounds N` (default 30),
//! `--postgres URL` (default postgres://postgres@127.0.0.1:5432/postgres).

use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use search_index::{corpus::Corpus, Dimension, Document, Kind, SearchRequest};
use serde_json::{json, Value};
use sugit::Application;

mod common;
use common::{arg, fresh_database, graphql, percentile, server_settings};

const DATABASE: &str = "sugit_bench_graphql";
const INSERT_BATCH: u64 = 1_000;
const WARMUP: usize = 3;

/// The queries of the tantivy/PostgreSQL benchmark, and a filter for each.
const QUERIES: [(&str, &str, &str); 12] = [
    ("municipio", "departmentCodes", "52"),
    ("presupuesto", "topics", "finanzas públicas"),
    ("catastro", "departmentCodes", "05"),
    ("manglares", "topics", "ambiente y cambio climático"),
    ("vivienda rural", "topics", "vivienda"),
    ("actualización catastral", "departmentCodes", "25"),
    ("presupuesto participativo", "topics", "participación ciudadana"),
    ("alertas tempranas", "departmentCodes", "27"),
    ("plan desarrollo municipal", "topics", "planeación territorial"),
    ("capacidad institucional territorial", "departmentCodes", "11"),
    ("junta acción comunal", "topics", "agua potable y saneamiento"),
    ("restauración humedales páramos", "departmentCodes", "15"),
];

const SEARCH: &str = "query($q: String, $f: KnowledgeFilter) {
  searchKnowledge(query: $q, filter: $f, first: 10) {
    totalCount
    facets { field values { value count } }
    edges { cursor node { title snippet score object { ... on KnowledgeProduct { id type publishedOn organisation { code } } } } }
  } }";

fn sql_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// One INSERT of products `range` (organisations outside the seeded register are left empty).
fn insert_statement(corpus: &Corpus, range: std::ops::Range<u64>, seeded: &[&str]) -> String {
    let rows: Vec<String> = range
        .map(|n| {
            let doc: Document = corpus.document(n);
            let facet = |d: Dimension| doc.facets.iter().find(|(x, _)| *x == d).map(|(_, v)| v.clone());
            let topics: Vec<String> =
                doc.facets.iter().filter(|(d, _)| *d == Dimension::Topic).map(|(_, v)| v.clone()).collect();
            let organisation = facet(Dimension::Organisation).filter(|o| seeded.contains(&o.as_str()));
            let date = chrono::DateTime::from_timestamp(doc.date, 0).unwrap_or_default().date_naive();
            format!(
                "('{}', {}, {}, {}, {}, {}, {}, {}, '{}', NULL, 'text', '{:064x}', NULL, now(), NULL)",
                uuid::Uuid::from_u128(u128::from(n) + 1),
                sql_text(&doc.title),
                sql_text(&doc.summary),
                sql_text(&doc.body),
                sql_text(&facet(Dimension::Type).unwrap_or_else(|| "estudio".into())),
                sql_text(&serde_json::to_string(&topics).unwrap_or_default()),
                facet(Dimension::Department).map_or("NULL".into(), |d| sql_text(&d)),
                organisation.map_or("NULL".into(), |o| sql_text(&o)),
                date,
                n,
            )
        })
        .collect();
    format!(
        "INSERT INTO knowledge_product (id, title, summary, body, product_type, topics, territory_code, organisation_code, \
         published_on, source_url, format, content_hash, created_by, created_at, archived_at) VALUES {}",
        rows.join(",\n")
    )
}

#[tokio::main]
async fn main() {
    let docs: u64 = arg("--docs").map_or(1_000_000, |v| v.replace('_', "").parse().expect("--docs N"));
    let rounds: usize = arg("--rounds").map_or(30, |v| v.parse().expect("--rounds N"));
    let admin_url = arg("--postgres").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into());

    let (admin, url) = fresh_database(&admin_url, DATABASE).await;
    let index_dir = std::env::temp_dir().join(format!("sugit-bench-index-{}", std::process::id()));
    let settings = server_settings(url, index_dir.clone(), false);
    let app = Application::build(settings).await.expect("server starts");
    let state = app.state().clone();

    let corpus = Corpus::default();
    let seeded: Vec<&str> = sugit::access::organisations::SEED.iter().map(|o| o.code).collect();
    let started = Instant::now();
    let mut next = 0;
    while next < docs {
        let end = (next + INSERT_BATCH).min(docs);
        state.db.execute_unprepared(&insert_statement(&corpus, next..end, &seeded)).await.expect("insert");
        next = end;
        if next % 50_000 == 0 || next == docs {
            eprint!("\rcargando… {next}/{docs}");
        }
    }
    let load = started.elapsed();
    eprintln!();
    let started = Instant::now();
    let indexed = state.search.rebuild(|done| eprint!("\rindexando… {done}")).await.expect("rebuild");
    let rebuild = started.elapsed();
    eprintln!();
    let size: u64 = std::fs::read_dir(&index_dir)
        .expect("index dir")
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();

    let address = app.local_addr();
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::new();
    let endpoint = format!("http://{address}/graphql");
    let call = |variables: Value| {
        let client = client.clone();
        let endpoint = endpoint.clone();
        async move {
            let started = Instant::now();
            let body = graphql(&client, &endpoint, None, SEARCH, &variables).await;
            (started.elapsed(), body)
        }
    };
    let variants: Vec<(bool, Value)> = QUERIES
        .iter()
        .flat_map(|(q, field, value)| {
            [(false, json!({ "q": q })), (true, json!({ "q": q, "f": { *field: [value] } }))]
        })
        .collect();
    for (_, variables) in &variants {
        for _ in 0..WARMUP {
            call(variables.clone()).await;
        }
        let (_, body) = call(variables.clone()).await;
        eprintln!("{variables} → {} resultados", body["data"]["searchKnowledge"]["totalCount"]);
    }
    let direct = |variables: &Value| {
        let filters = QUERIES
            .iter()
            .find(|(q, _, _)| variables["q"] == *q)
            .filter(|_| variables.get("f").is_some())
            .map(|(_, field, value)| {
                let dimension = if *field == "topics" { Dimension::Topic } else { Dimension::Department };
                vec![(dimension, (*value).to_owned())]
            })
            .unwrap_or_default();
        SearchRequest {
            text: variables["q"].as_str().unwrap_or_default().to_owned(),
            kinds: vec![Kind::Knowledge],
            filters,
            limit: 10,
            after: None,
            facets: true,
            any_word: false,
        }
    };
    let mut plain = Vec::new();
    let mut filtered = Vec::new();
    let mut index_plain = Vec::new();
    let mut index_filtered = Vec::new();
    for round in 0..rounds {
        for (with_filter, variables) in &variants {
            let by_index = || async {
                let started = Instant::now();
                let page = state.search.search_faceted(direct(variables)).await.expect("index search");
                (started.elapsed(), page)
            };
            // A variable the query does not use makes each request its own
            // cache key: what is measured is the search, not the public cache.
            let mut variables = variables.clone();
            variables["ronda"] = json!(round);
            // Each goes first in every other round: neither is always the one
            // that meets a colder cache.
            let ((by_index, page), (elapsed, body)) = if round % 2 == 0 {
                let first = by_index().await;
                (first, call(variables).await)
            } else {
                let second = call(variables).await;
                (by_index().await, second)
            };
            assert_eq!(
                body["data"]["searchKnowledge"]["totalCount"].as_u64(),
                Some(page.total as u64),
                "the index and GraphQL count the same matches"
            );
            let (over_http, by_index_list) = if *with_filter {
                (&mut filtered, &mut index_filtered)
            } else {
                (&mut plain, &mut index_plain)
            };
            over_http.push(elapsed);
            by_index_list.push(by_index);
        }
    }
    let mut all: Vec<Duration> = plain.iter().chain(&filtered).copied().collect();
    let mut index_all: Vec<Duration> = index_plain.iter().chain(&index_filtered).copied().collect();
    for list in [&mut plain, &mut filtered, &mut all, &mut index_plain, &mut index_filtered, &mut index_all] {
        list.sort_unstable();
    }
    println!("| corpus | {docs} productos de conocimiento en PostgreSQL |");
    println!("|---|---|");
    println!("| carga (INSERT de {INSERT_BATCH} filas) | {:.1} s |", load.as_secs_f64());
    println!("| reconstrucción del índice desde la base (`sugit reindex`) | {:.1} s, {indexed} documentos, {:.0} MiB |", rebuild.as_secs_f64(), size as f64 / 1_048_576.0);
    println!();
    println!(
        "| searchKnowledge, top 10 + facetas + objetos | solicitudes | índice p50 ms | índice p99 ms | GraphQL p50 ms | GraphQL p99 ms | p99 GraphQL − índice (meta ≤ 5 ms) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, list, index) in [
        ("sin filtro", &plain, &index_plain),
        ("con filtro de faceta", &filtered, &index_filtered),
        ("todas", &all, &index_all),
    ] {
        println!(
            "| {name} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:+.1} |",
            list.len(),
            percentile(index, 0.5),
            percentile(index, 0.99),
            percentile(list, 0.5),
            percentile(list, 0.99),
            percentile(list, 0.99) - percentile(index, 0.99)
        );
    }
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")).await.ok();
    let _ = std::fs::remove_dir_all(&index_dir);
}
