//! SUGIT — Sistema Único de Gestión e Información Territorial.
//!
//! One module per bounded context (each with its model, service and resolvers),
//! plus the platform pieces they share: configuration, database, cache, HTTP,
//! the GraphQL schema and its limits.

pub mod access;
pub mod app;
pub mod cache;
pub mod config;
pub mod db;
pub mod error;
pub mod graphql;
pub mod http;
pub mod pagination;
pub mod rate_limit;
pub mod reporting;
pub mod telemetry;
pub mod territory;
pub mod text;

pub use app::{AppState, Application, StartError};
pub use config::Settings;
