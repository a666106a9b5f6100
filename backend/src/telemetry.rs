//! Structured logs with tracing: human-readable by default, JSON lines when asked.
//! `RUST_LOG` narrows or widens what is logged.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    // Logs go to stderr: stdout carries what commands print (CSV, the schema).
    let builder = fmt().with_env_filter(filter).with_target(false).with_writer(std::io::stderr);
    // A second init (tests start many servers in one process) keeps the first.
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
