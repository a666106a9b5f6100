//! SUGIT — Sistema Único de Gestión e Información Territorial.
//!
//! One module per bounded context (each with its model, service and resolvers),
//! plus the platform pieces they share: configuration, database, cache, HTTP,
//! the GraphQL schema and its limits.

// The merged GraphQL root (one object per context) nests deeply: the release
// build's layout queries need more than the default 128 levels.
#![recursion_limit = "256"]

/// A sea-orm entity without relations, in one line per table: the contexts join
/// in their services, and rows never leave their context.
macro_rules! sea_table {
    ($module:ident, $table:literal, { $($body:tt)* }) => {
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model { $($body)* }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

pub mod access;
pub mod app;
pub mod assistance;
pub mod audit;
pub mod authorisation;
pub mod bogota_time;
pub mod cache;
pub mod classification;
pub mod commission;
pub mod config;
pub mod connection;
pub mod consultation;
pub mod db;
pub mod error;
pub mod events;
pub mod formation;
pub mod graphql;
pub mod http;
pub mod knowledge;
pub mod metrics;
pub mod monitoring;
pub mod outbox;
pub mod pagination;
pub mod public_cache;
pub mod rate_limit;
pub mod reporting;
pub mod search;
pub mod state;
pub mod talent;
pub mod telemetry;
pub mod territory;
pub mod text;

pub use app::Application;
pub use config::Settings;
pub use state::{AppState, StartError};
