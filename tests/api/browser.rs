//! The web interface in a real browser: headless Chromium (Debian's `chromium`) driven by
//! `tests/browser/journeys.mjs` (playwright-core) through each user's main journey against
//! the real server with the demo data. Screenshots go to `target/screenshots/`.
//!
//! Without Chromium, Node.js or `tests/browser/node_modules` (`npm ci` there) the test is
//! skipped with a message, unless `SUGIT_REQUIRE_SERVICES=1`, which makes it fail.

use std::{path::PathBuf, process::Stdio, time::Duration};

use sugit_tests::{Backend, TestApp};

/// The address the Vitrina journey registers with (the journey deletes it at its end).
const JOURNEY_PERSON: &str = "persona.recorrido@correo.co";

fn missing(what: &str) {
    let required = std::env::var("SUGIT_REQUIRE_SERVICES").is_ok_and(|value| value == "1");
    assert!(!required, "{what} y SUGIT_REQUIRE_SERVICES=1: no se pueden correr las pruebas en el navegador");
    eprintln!("omitido: {what}; las pruebas en el navegador no corren");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_users_journey_passes_in_headless_chromium() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let browser_tests = workspace.join("tests/browser");
    let chromium =
        std::env::var_os("SUGIT_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        return missing(&format!("falta Chromium en {} (apt-get install chromium)", chromium.display()));
    }
    if !browser_tests.join("node_modules/playwright-core").exists() {
        return missing("falta tests/browser/node_modules (npm ci en tests/browser)");
    }
    if std::process::Command::new("node").arg("--version").output().is_err() {
        return missing("falta Node.js");
    }
    // The demo data, and room for the journeys' logins (five a minute per address by default).
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |settings| {
        settings.demo = Some(true);
        settings.limits.login_attempts_per_minute = 60;
    })
    .await
    else {
        return;
    };
    let screenshots = workspace.join("target/screenshots");
    // The development instance "mails" the confirmation link to its log and mailbox: hand the
    // journey's link to the browser as a file, as a person would open it from their e-mail.
    let mailbox = app.state.access.mailbox().clone();
    let link_file = screenshots.join("confirmacion.txt");
    std::fs::create_dir_all(&screenshots).expect("screenshots folder");
    let watcher = tokio::spawn(async move {
        let mut last = None;
        loop {
            if let Some(message) = mailbox.last_to(JOURNEY_PERSON) {
                if last.as_ref() != Some(&message.body) {
                    let _ = std::fs::write(&link_file, &message.body);
                    last = Some(message.body);
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let run = tokio::process::Command::new("node")
        .arg(browser_tests.join("journeys.mjs"))
        .arg(&app.address)
        .arg(&screenshots)
        .env("CHROMIUM", &chromium)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(300), run)
        .await
        .expect("the journeys end within 5 minutes")
        .expect("node runs");
    watcher.abort();
    let report =
        format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "recorridos en el navegador:\n{report}");
    println!("{report}");
}
