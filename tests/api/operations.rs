//! The named operations of `schema/operations/` — the ones the web page sends — are valid
//! against the schema the server serves, and the page calls only operations that exist.
//! Each operation is sent as a client would: without a session or real variables it may
//! fail while executing (`path` set), never in validation.

use std::{collections::BTreeMap, path::PathBuf};

use serde_json::{json, Map, Value};
use sugit_tests::{Backend, TestApp};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Module name (file stem) → document text.
fn documents() -> BTreeMap<String, String> {
    let folder = workspace().join("schema/operations");
    let entries = std::fs::read_dir(&folder).expect("schema/operations exists");
    entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "graphql"))
        .map(|path| {
            let stem = path.file_stem().and_then(|stem| stem.to_str()).unwrap_or_default().to_owned();
            (stem, std::fs::read_to_string(&path).expect("readable operation file"))
        })
        .collect()
}

/// The operations of a document: (keyword, name, header line). Definitions start at column 0.
fn operations(document: &str) -> Vec<(&str, &str, &str)> {
    document
        .lines()
        .filter_map(|line| {
            let (keyword, rest) = line.split_once(' ')?;
            if !["query", "mutation", "subscription"].contains(&keyword) {
                return None;
            }
            let name = rest.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or_default();
            Some((keyword, name, line))
        })
        .collect()
}

/// Page sizes the complexity check needs; every other variable is left out on purpose.
fn variables(header: &str) -> Value {
    let mut variables = Map::new();
    for declaration in header.split('$').skip(1) {
        if let Some((name, kind)) = declaration.split_once(':') {
            if kind.trim_start().starts_with("Int") {
                variables.insert(name.trim().to_owned(), json!(5));
            }
        }
    }
    Value::Object(variables)
}

/// Why an answer shows that `name` did not pass validation, if it did not.
fn validation_problem(body: &Value) -> Option<String> {
    let errors = body["errors"].as_array()?;
    errors
        .iter()
        .find(|error| {
            let executed = error.get("path").is_some();
            // Subscriptions are validated, then refused on plain HTTP: the WebSocket carries them.
            let subscription = error["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("las suscripciones se atienden por WebSocket"));
            !executed && !subscription
        })
        .map(Value::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_named_operation_validates_against_the_schema() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let documents = documents();
    assert!(documents.len() >= 6, "one file of operations per module");
    for (module, document) in &documents {
        let found = operations(document);
        assert!(!found.is_empty(), "{module}.graphql has no named operation");
        for (_, name, header) in found {
            assert!(!name.is_empty(), "{module}.graphql: every operation has a name");
            let request = json!({ "query": document, "operationName": name, "variables": variables(header) });
            let response =
                app.client.post(app.url("/graphql")).json(&request).send().await.expect("the server answers");
            let body: Value = response.json().await.expect("a JSON answer");
            if let Some(problem) = validation_problem(&body) {
                panic!("{module}.graphql (enviada con {name}) no es válida contra schema.graphql: {problem}");
            }
        }
    }
}

/// Every `call("module", "Name"` and `subscribe("module", "Name"` of the page names an operation
/// of `schema/operations/module.graphql`.
#[test]
fn the_page_calls_only_operations_that_exist() {
    let documents = documents();
    let mut sources = Vec::new();
    let mut folders = vec![workspace().join("frontend")];
    while let Some(folder) = folders.pop() {
        for path in
            std::fs::read_dir(&folder).expect("frontend folder").filter_map(|e| e.ok().map(|e| e.path()))
        {
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "js") {
                sources.push((path.clone(), std::fs::read_to_string(&path).expect("readable module")));
            }
        }
    }
    let mut calls = 0;
    for (path, source) in &sources {
        for piece in source.split("call(\"").skip(1).chain(source.split("subscribe(\"").skip(1)) {
            let mut parts = piece.splitn(3, '"');
            let (Some(module), Some(_), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            let Some(name) = rest.split('"').next() else { continue };
            let Some(document) = documents.get(module) else {
                panic!("{}: schema/operations/{module}.graphql no existe", path.display());
            };
            assert!(
                operations(document).iter().any(|(_, known, _)| *known == name),
                "{} usa {module}/{name}, que no está en schema/operations/{module}.graphql",
                path.display()
            );
            calls += 1;
        }
    }
    assert!(calls > 10, "the page's calls were found ({calls})");
}
