//! Search and the knowledge base, as researchers and territorial teams use
//! them: Spanish queries, near-real-time updates, instances sharing one
//! database, and an index that can be thrown away and rebuilt.

use std::{collections::HashMap, time::Duration};

use serde_json::{json, Value};
use sugit::access::Role;
use sugit_tests::{backend_tests, error_codes, Backend, TestApp};

const SEARCH: &str = "query($q: String!, $kinds: [SearchKind!], $first: Int, $after: String) {
    search(query: $q, kinds: $kinds, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { kind title score snippet object { ... on KnowledgeProduct { id type } ... on InformationRequirement { code } } } }
    } }";

const ADD: &str = "mutation($input: AddKnowledgeProductInput!) {
    addKnowledgeProduct(input: $input) { product { id title summary type topics text markdown format territory { code } organisation { code } } } }";

async fn titles(app: &TestApp, query: &str) -> Vec<String> {
    let data = app.query_ok(SEARCH, json!({ "q": query, "kinds": ["KNOWLEDGE"], "first": 10 })).await;
    data["search"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| edge["node"]["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Polls until `query` finds `title` (the index follows the outbox within a second).
async fn eventually_found(app: &TestApp, query: &str, title: &str, present: bool) {
    for _ in 0..100 {
        if titles(app, query).await.iter().any(|t| t == title) == present {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("«{title}» {} for «{query}» after 5 s", if present { "not found" } else { "still found" });
}

async fn national_token(app: &TestApp) -> String {
    app.create_user("ana@dnp.gov.co", Role::National, None, Some("DNP")).await;
    app.login("ana@dnp.gov.co").await
}

async fn a_product_added_through_the_api_is_found_at_once_and_archived_away(app: &TestApp) {
    let token = national_token(app).await;
    let markdown = "---\ntipo: guía\ntemas: agua potable y saneamiento; planeación\nterritorio: 05002\n---\n\n# Guía de acueductos veredales\n\nLos acueductos veredales de Abejorral atienden a las familias campesinas con agua tratada.\n";
    let (_, body) = app
        .graphql_as(Some(&token), ADD, json!({ "input": { "format": "MARKDOWN", "content": markdown } }))
        .await;
    let product = &body["data"]["addKnowledgeProduct"]["product"];
    assert_eq!(product["title"], "Guía de acueductos veredales", "{body}");
    assert_eq!(product["type"], "GUIDE");
    assert_eq!(product["organisation"]["code"], "DNP", "a national user publishes for its organisation");
    assert_eq!(product["territory"]["code"], "05002");
    assert!(product["summary"].as_str().unwrap_or_default().starts_with("Los acueductos veredales"));
    // Searched as plain text; its Markdown (without the front matter) kept for its page.
    assert!(!product["text"].as_str().unwrap_or_default().contains('#'), "{product}");
    assert_eq!(
        product["markdown"],
        "# Guía de acueductos veredales\n\nLos acueductos veredales de Abejorral atienden a las familias campesinas con agua tratada."
    );
    let id = product["id"].as_str().expect("id").to_owned();

    // Without accents, singular, misspelt, by the administration's synonym.
    for query in ["guia acueducto", "acueductos veredales", "acuedcutos", "agua potable abejorral"] {
        eventually_found(app, query, "Guía de acueductos veredales", true).await;
    }
    let data = app.query_ok(SEARCH, json!({ "q": "veredales", "first": 5 })).await;
    let hit = &data["search"]["edges"][0]["node"];
    assert_eq!(hit["kind"], "KNOWLEDGE");
    assert_eq!(hit["object"]["id"], id.as_str());
    assert!(hit["snippet"].as_str().unwrap_or_default().contains("<mark>veredales</mark>"), "{hit}");

    // Sending the same document again is a conflict, not a second copy.
    let (_, again) = app
        .graphql_as(Some(&token), ADD, json!({ "input": { "format": "MARKDOWN", "content": markdown } }))
        .await;
    assert_eq!(error_codes(&again), ["CONFLICT"], "{again}");

    let (_, archived) = app
        .graphql_as(
            Some(&token),
            "mutation($id: ID!) { archiveKnowledgeProduct(id: $id) { product { archivedAt } } }",
            json!({ "id": id }),
        )
        .await;
    assert!(archived["data"]["archiveKnowledgeProduct"]["product"]["archivedAt"].is_string(), "{archived}");
    eventually_found(app, "veredales", "Guía de acueductos veredales", false).await;
}

/// A one-page PDF with the text given (Helvetica, WinAnsi: é is \351).
fn pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

async fn a_pdf_is_read_in_the_server_and_bad_documents_are_refused(app: &TestApp) {
    let token = national_token(app).await;
    let content = base64(&pdf("Memoria del taller de presupuesto participativo en Tunja, t\\351cnica"));
    let (_, body) = app
        .graphql_as(
            Some(&token),
            ADD,
            json!({ "input": { "format": "PDF", "type": "MEMOIR", "title": "Memoria del taller de Tunja", "content": content } }),
        )
        .await;
    let product = &body["data"]["addKnowledgeProduct"]["product"];
    assert_eq!(product["format"], "PDF", "{body}");
    assert!(product["markdown"].is_null(), "a PDF has no Markdown: {body}");
    assert!(product["text"].as_str().unwrap_or_default().contains("presupuesto participativo"), "{body}");
    eventually_found(app, "presupuestos participativos tecnica", "Memoria del taller de Tunja", true).await;

    let db = app.database().await;
    let count = || async {
        use sea_orm::{ConnectionTrait, Statement};
        let row = db
            .query_one(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM knowledge_product",
            ))
            .await
            .expect("count")
            .expect("row");
        row.try_get::<i64>("", "n").expect("n")
    };
    let before = count().await;
    let text = "Un texto suficientemente largo para la base de conocimiento.";
    let bad = [
        json!({ "format": "PDF", "type": "GUIDE", "content": "no es base64 ###" }),
        json!({ "format": "PDF", "type": "GUIDE", "content": base64(b"%PDF-1.4 roto") }),
        json!({ "format": "TEXT", "content": text }),
        json!({ "format": "TEXT", "type": "GUIDE", "content": "" }),
        json!({ "format": "TEXT", "type": "GUIDE", "content": "corto" }),
        json!({ "format": "TEXT", "type": "GUIDE", "territoryCode": "99999", "content": text }),
        json!({ "format": "TEXT", "type": "GUIDE", "publishedOn": "2999-01-01", "content": text }),
        json!({ "format": "TEXT", "type": "GUIDE", "sourceUrl": "ftp://x", "content": text }),
        json!({ "format": "TEXT", "type": "GUIDE", "title": "x", "content": text }),
    ];
    for input in bad {
        let (_, body) = app.graphql_as(Some(&token), ADD, json!({ "input": input })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{input}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty() && !message.contains("error interno"), "{message}");
    }
    let (_, anonymous) =
        app.graphql(ADD, json!({ "input": { "format": "TEXT", "type": "GUIDE", "content": text } })).await;
    assert_eq!(error_codes(&anonymous), ["UNAUTHENTICATED"]);
    assert_eq!(count().await, before, "nothing refused was written");
}

async fn odd_queries_are_words_long_ones_are_refused_and_empty_ones_list_recent(app: &TestApp) {
    let token = national_token(app).await;
    for (i, date) in ["2020-01-01", "2024-06-30", "2022-03-15"].iter().enumerate() {
        let input = json!({ "format": "TEXT", "type": "STUDY", "publishedOn": date, "title": format!("Estudio número {i}"),
                            "content": format!("Estudio de finanzas territoriales número {i} sobre el recaudo predial.") });
        let (_, body) = app.graphql_as(Some(&token), ADD, json!({ "input": input })).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    eventually_found(app, "", "Estudio número 2", true).await;
    assert_eq!(
        titles(app, "").await,
        ["Estudio número 1", "Estudio número 2", "Estudio número 0"],
        "newest first"
    );
    for odd in ["\"recaudo predial", "recaudo AND (predial", "-predial*", "((("] {
        let (_, body) = app.graphql(SEARCH, json!({ "q": odd })).await;
        assert!(body.get("errors").is_none(), "«{odd}»: {body}");
    }
    assert_eq!(titles(app, "\"recaudo predial").await.len(), 3);
    let (_, long) = app.graphql(SEARCH, json!({ "q": "predial ".repeat(80) })).await;
    assert_eq!(error_codes(&long), ["BAD_USER_INPUT"]);
    let (_, cursor) = app.graphql(SEARCH, json!({ "q": "predial", "after": "no-es-un-cursor" })).await;
    assert_eq!(error_codes(&cursor), ["BAD_USER_INPUT"]);

    // Pages follow one another without repeats.
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app.query_ok(SEARCH, json!({ "q": "estudio predial", "first": 1, "after": after })).await;
        let connection = &data["search"];
        assert_eq!(connection["totalCount"], 3);
        seen.extend(
            connection["edges"].as_array().expect("edges").iter().map(|e| e["node"]["title"].clone()),
        );
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    seen.sort_by_key(|t| t.to_string());
    seen.dedup();
    assert_eq!(seen.len(), 3);
}

async fn requirements_are_in_the_one_search_box(app: &TestApp) {
    app.create_user("admin@sugit.gov.co", Role::Admin, None, None).await;
    let admin = app.login("admin@sugit.gov.co").await;
    let (_, body) = app
        .graphql_as(
            Some(&admin),
            "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) { requirement { code } } }",
            json!({ "input": {
                "code": "REQ_VIVIENDA", "name": "Déficit habitacional municipal", "issuerCode": "MINVIVIENDA",
                "legalBasis": "Ley 1537 de 2012", "periodicity": "ANNUAL", "entityKinds": ["MUNICIPALITY"],
                "newDataElements": [{ "code": "HOGARES_DEFICIT", "name": "Hogares en déficit cuantitativo",
                    "description": "Hogares sin vivienda adecuada", "unit": "hogares", "valueType": "INTEGER", "competency": "VIVIENDA" }],
            } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    for _ in 0..100 {
        let data = app
            .query_ok(SEARCH, json!({ "q": "deficit habitacional alcaldia", "kinds": ["REQUIREMENT"] }))
            .await;
        if let Some(hit) = data["search"]["edges"].get(0) {
            assert_eq!(hit["node"]["kind"], "REQUIREMENT");
            assert_eq!(hit["node"]["object"]["code"], "REQ_VIVIENDA");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the requirement never became searchable");
}

async fn facets_count_and_filter_the_knowledge_base(app: &TestApp) {
    sugit::knowledge::demo::load(&app.state.knowledge).await.expect("demo knowledge");
    let query = "query($q: String, $filter: KnowledgeFilter) { searchKnowledge(query: $q, filter: $filter, first: 3) {
        totalCount facets { field values { value count } } edges { node { title } } } }";
    let mut all = Value::Null;
    for _ in 0..100 {
        all = app.query_ok(query, json!({ "q": "" })).await;
        if all["searchKnowledge"]["totalCount"] == 42 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(all["searchKnowledge"]["totalCount"], 42, "{all}");
    let facets = all["searchKnowledge"]["facets"].as_array().expect("facets");
    let types = facets.iter().find(|f| f["field"] == "TYPE").expect("type facet");
    let guides =
        types["values"].as_array().expect("values").iter().find(|v| v["value"] == "guía").expect("guías");
    let filtered = app.query_ok(query, json!({ "q": "", "filter": { "types": ["GUIDE"] } })).await;
    assert_eq!(
        filtered["searchKnowledge"]["totalCount"], guides["count"],
        "the facet count is what the filter gives"
    );
    // Filtered on guides, the type facet still offers every type with its own count (another
    // type is added as an alternative); the other facets count only the guides.
    let facet = |page: &Value, field: &str| {
        page["searchKnowledge"]["facets"]
            .as_array()
            .and_then(|all| all.iter().find(|f| f["field"] == field))
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(facet(&filtered, "TYPE"), *types, "a filtered dimension counts without its own filter");
    let years = facet(&filtered, "YEAR")["values"]
        .as_array()
        .map(|v| v.iter().filter_map(|v| v["count"].as_i64()).sum::<i64>());
    assert_eq!(years, guides["count"].as_i64(), "the other dimensions count the guides only: {filtered}");
    let antioquia = app
        .query_ok(
            query,
            json!({ "q": "municipio", "filter": { "departmentCodes": ["05"], "types": ["LESSON_LEARNED"] } }),
        )
        .await;
    let found = antioquia["searchKnowledge"]["totalCount"].as_i64().expect("count");
    assert!((1..=5).contains(&found), "{antioquia}");
}

backend_tests!(
    a_product_added_through_the_api_is_found_at_once_and_archived_away,
    a_pdf_is_read_in_the_server_and_bad_documents_are_refused,
    odd_queries_are_words_long_ones_are_refused_and_empty_ones_list_recent,
    requirements_are_in_the_one_search_box,
    facets_count_and_filter_the_knowledge_base,
);

/// A labelled query: the titles a user wants, graded 3 (first) to 1, and its category.
type Labelled = (String, Vec<(String, u32)>, String);

/// The labelled set of `relevancia.tsv`.
fn relevance_set() -> Vec<Labelled> {
    let titles: HashMap<&str, String> = sugit::knowledge::demo::DEMO_DOCUMENTS
        .iter()
        .map(|(stem, text)| {
            let title = text
                .lines()
                .find_map(|l| l.strip_prefix("titulo:"))
                .map(|t| t.trim().to_owned())
                .expect("every demo document has a title");
            (*stem, title)
        })
        .collect();
    let labelled = include_str!("../../backend/resources/knowledge/relevancia.tsv");
    labelled
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let relevant = fields[1]
                .split(',')
                .map(|pair| {
                    let (slug, grade) = pair.rsplit_once(':').expect("slug:grade");
                    (
                        titles.get(slug).cloned().unwrap_or_else(|| panic!("unknown slug {slug}")),
                        grade.parse().expect("grade"),
                    )
                })
                .collect();
            (fields[0].to_owned(), relevant, fields[2].to_owned())
        })
        .collect()
}

fn ndcg_at_10(found: &[String], relevant: &[(String, u32)]) -> f64 {
    let gain = |grade: u32| f64::from((1u32 << grade) - 1);
    let dcg: f64 = found
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, title)| {
            let grade = relevant.iter().find(|(t, _)| t == title).map_or(0, |(_, g)| *g);
            gain(grade) / (i as f64 + 2.0).log2()
        })
        .sum();
    let mut ideal: Vec<u32> = relevant.iter().map(|(_, g)| *g).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(10).enumerate().map(|(i, g)| gain(*g) / (i as f64 + 2.0).log2()).sum();
    if idcg == 0.0 {
        0.0
    } else {
        dcg / idcg
    }
}

/// nDCG@10 of the labelled Spanish queries over the demo knowledge base
/// (the figures in BENCHMARKS.md come from this test's output).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spanish_relevance_over_the_demo_corpus() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    sugit::knowledge::demo::load(&app.state.knowledge).await.expect("demo knowledge");
    let set = relevance_set();
    for _ in 0..100 {
        let data = app.query_ok(SEARCH, json!({ "q": "", "kinds": ["KNOWLEDGE"], "first": 1 })).await;
        if data["search"]["totalCount"] == 42 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut by_category: HashMap<String, Vec<f64>> = HashMap::new();
    let mut first_hits = 0;
    for (query, relevant, category) in &set {
        let found = titles(&app, query).await;
        let score = ndcg_at_10(&found, relevant);
        let best = &relevant.iter().max_by_key(|(_, g)| *g).expect("labelled").0;
        if found.iter().take(3).any(|t| t == best) {
            first_hits += 1;
        }
        eprintln!("{score:.3}  [{category}] {query} → {:?}", found.iter().take(3).collect::<Vec<_>>());
        by_category.entry(category.clone()).or_default().push(score);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let all: Vec<f64> = by_category.values().flatten().copied().collect();
    let mut categories: Vec<_> = by_category.iter().collect();
    categories.sort_by_key(|(name, _)| name.as_str());
    for (category, scores) in &categories {
        eprintln!("nDCG@10 {category}: {:.3} ({} consultas)", mean(scores), scores.len());
    }
    eprintln!(
        "nDCG@10 total: {:.3} ({} consultas); mejor documento en los 3 primeros: {first_hits}",
        mean(&all),
        all.len()
    );
    assert!(set.len() >= 40);
    // Measured 0.919 and 57 of 59 when written: a drop means a ranking regression.
    assert!(mean(&all) >= 0.85, "nDCG@10 {:.3}", mean(&all));
    assert!(first_hits * 10 >= set.len() * 9, "best document in the top 3 for only {first_hits} queries");
}

async fn wait_for_total(app: &TestApp, total: i64) {
    for _ in 0..200 {
        let data = app.query_ok(SEARCH, json!({ "q": "", "kinds": ["KNOWLEDGE"], "first": 1 })).await;
        if data["search"]["totalCount"] == total {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the index never reached {total} products");
}

/// Several instances behind a load balancer share PostgreSQL; each keeps its
/// own index, fed by the outbox. A new or damaged index is rebuilt at start
/// and answers exactly as the one that followed every change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_share_the_database_and_a_rebuilt_index_answers_the_same() {
    let Some(app) = TestApp::spawn(Backend::PostgresRedis).await else { return };
    sugit::knowledge::demo::load(&app.state.knowledge).await.expect("demo knowledge");
    wait_for_total(&app, 42).await;

    let damaged = TestApp::new_index_path();
    std::fs::create_dir_all(&damaged).expect("folder");
    std::fs::write(damaged.join("meta.json"), "{ esto no es un índice").expect("garbage");
    let fresh = app.spawn_sibling(None).await;
    let repaired = app.spawn_sibling(Some(damaged)).await;
    for query in
        ["catastro", "alcaldía plan de desarrollo", "\"esquemas asociativos territoriales\"", "acuedcuto", ""]
    {
        let expected = titles(&app, query).await;
        assert!(!expected.is_empty(), "«{query}»");
        assert_eq!(titles(&fresh, query).await, expected, "a fresh index answers «{query}» the same");
        assert_eq!(titles(&repaired, query).await, expected, "a repaired index answers «{query}» the same");
    }

    // Written through one instance, found through the other.
    let token = national_token(&app).await;
    let input = json!({ "format": "TEXT", "type": "TOOL", "title": "Calculadora de sobretasa bomberil",
                        "content": "Una hoja de cálculo para estimar la sobretasa bomberil del municipio." });
    let (_, body) = app.graphql_as(Some(&token), ADD, json!({ "input": input })).await;
    let id = body["data"]["addKnowledgeProduct"]["product"]["id"].as_str().expect("added").to_owned();
    eventually_found(&fresh, "sobretasa bomberil", "Calculadora de sobretasa bomberil", true).await;
    let other_token = fresh.login("ana@dnp.gov.co").await;
    let (_, archived) = fresh
        .graphql_as(
            Some(&other_token),
            "mutation($id: ID!) { archiveKnowledgeProduct(id: $id) { product { archivedAt } } }",
            json!({ "id": id }),
        )
        .await;
    assert!(archived.get("errors").is_none(), "{archived}");
    eventually_found(&app, "sobretasa bomberil", "Calculadora de sobretasa bomberil", false).await;
    eventually_found(&repaired, "sobretasa bomberil", "Calculadora de sobretasa bomberil", false).await;
}

/// The outbox is pruned once every instance has applied it: an instance that
/// was stopped behind the pruning can no longer read what it missed, and at
/// start rebuilds its index instead of serving without it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_is_pruned_once_applied_and_an_instance_behind_it_rebuilds() {
    let Some(app) = TestApp::spawn_with(Backend::PostgresRedis, |settings| {
        settings.outbox.retention_hours = 0;
        settings.outbox.prune_every_secs = 1;
    })
    .await
    else {
        return;
    };
    sugit::knowledge::demo::load(&app.state.knowledge).await.expect("demo knowledge");
    wait_for_total(&app, 42).await;
    // A copy of the index as it stands: an instance stopped here.
    let behind = TestApp::new_index_path();
    std::fs::create_dir_all(&behind).expect("folder");
    for entry in std::fs::read_dir(&app.settings.index_dir).expect("the index folder") {
        let entry = entry.expect("an entry");
        std::fs::copy(entry.path(), behind.join(entry.file_name())).expect("copied");
    }

    let token = national_token(&app).await;
    let input = json!({ "format": "TEXT", "type": "TOOL", "title": "Tablero de recaudo predial",
                        "content": "Un tablero para seguir el recaudo del impuesto predial mes a mes." });
    let (_, body) = app.graphql_as(Some(&token), ADD, json!({ "input": input })).await;
    assert!(body.get("errors").is_none(), "{body}");
    eventually_found(&app, "recaudo predial", "Tablero de recaudo predial", true).await;

    // Applied by every follower, old enough (no retention here): pruned.
    let last = sugit::outbox::last_position(&app.state.db).await.expect("position");
    let mut horizon = 0;
    for _ in 0..100 {
        horizon = sugit::outbox::prune::horizon(&app.state.db).await.expect("horizon");
        if horizon >= last {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(horizon >= last, "pruned through {horizon}, the product's change is {last}");
    let left = sugit::outbox::after(&app.state.db, 0, 10).await.expect("events");
    assert!(left.iter().all(|event| event.id > horizon), "nothing at or below the horizon is left");

    let restarted = app.spawn_sibling(Some(behind)).await;
    assert_eq!(
        titles(&restarted, "recaudo predial").await.first().map(String::as_str),
        Some("Tablero de recaudo predial"),
        "the instance that was behind rebuilt its index before serving"
    );
    assert_eq!(titles(&restarted, "catastro").await, titles(&app, "catastro").await);
}
