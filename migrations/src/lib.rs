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
mod m20261201_000007_assistance_delivery;
mod m20261201_000008_consultation;
mod m20261201_000009_observation_sheet;
mod m20261202_000010_sheet_compression;
mod m20261204_000011_sheet_write_guard;
mod m20261206_000012_decree_and_report_rules;
mod m20261206_000013_monitoring;
mod m20261206_000014_classification;
mod m20261206_000015_formation;
mod m20261206_000016_talent;
mod m20261206_000017_rap_regions_and_restricted_indicators;
mod m20261206_000018_focalisation_lists;
mod m20261207_000019_requirement_last_period;
mod m20261207_000020_goals_on_indicators;
mod m20261207_000021_legacy_account_map;
mod m20261207_000022_internal_rules_and_invitee_kinds;
mod m20261207_000023_delivery_comments;
mod m20261207_000024_requirement_due_days;
mod m20261207_000025_programmatic_units_of_offers_and_products;
mod m20261207_000026_knowledge_markdown;
mod m20261207_000027_outbox_followers;
mod m20261207_000028_thread_recency_indexes;
mod m20261207_000029_offer_indexes;
mod m20261208_000030_demand_indexes;
mod m20261208_000031_monitoring_value_covering;

/// A named foreign key from `(table, column)` to `(table, column)`.
fn foreign_key(
    name: &str,
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(name).from(from.0, from.1).to(to.0, to.1).to_owned()
}

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
            Box::new(m20261201_000007_assistance_delivery::Migration),
            Box::new(m20261201_000008_consultation::Migration),
            Box::new(m20261201_000009_observation_sheet::Migration),
            Box::new(m20261202_000010_sheet_compression::Migration),
            Box::new(m20261204_000011_sheet_write_guard::Migration),
            Box::new(m20261206_000012_decree_and_report_rules::Migration),
            Box::new(m20261206_000013_monitoring::Migration),
            Box::new(m20261206_000014_classification::Migration),
            Box::new(m20261206_000015_formation::Migration),
            Box::new(m20261206_000016_talent::Migration),
            Box::new(m20261206_000017_rap_regions_and_restricted_indicators::Migration),
            Box::new(m20261206_000018_focalisation_lists::Migration),
            Box::new(m20261207_000019_requirement_last_period::Migration),
            Box::new(m20261207_000020_goals_on_indicators::Migration),
            Box::new(m20261207_000021_legacy_account_map::Migration),
            Box::new(m20261207_000022_internal_rules_and_invitee_kinds::Migration),
            Box::new(m20261207_000023_delivery_comments::Migration),
            Box::new(m20261207_000024_requirement_due_days::Migration),
            Box::new(m20261207_000025_programmatic_units_of_offers_and_products::Migration),
            Box::new(m20261207_000026_knowledge_markdown::Migration),
            Box::new(m20261207_000027_outbox_followers::Migration),
            Box::new(m20261207_000028_thread_recency_indexes::Migration),
            Box::new(m20261207_000029_offer_indexes::Migration),
            Box::new(m20261208_000030_demand_indexes::Migration),
            Box::new(m20261208_000031_monitoring_value_covering::Migration),
        ]
    }
}
