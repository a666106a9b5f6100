//! SUGIT's database migrations, one file per change, each with `up` and `down`.
//!
//! A migration that has run anywhere is never edited: a later change is a new file.
//! Every migration must run on SQLite (the embedded default) and on PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_territorial_entity;
mod m20261122_000002_access;
mod m20261122_000003_reporting;
mod m20261122_000004_commission;
mod m20261122_000005_knowledge_search;
mod m20261122_000006_assistance;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_territorial_entity::Migration),
            Box::new(m20261122_000002_access::Migration),
            Box::new(m20261122_000003_reporting::Migration),
            Box::new(m20261122_000004_commission::Migration),
            Box::new(m20261122_000005_knowledge_search::Migration),
            Box::new(m20261122_000006_assistance::Migration),
        ]
    }
}
