//! A municipality's indicator page compares it with its peers on every
//! indicator of a period: 112,100 values at national scale (100 indicators ×
//! 1,121 units). Read through the primary key, each value was a visit to the
//! table (57 ms on the national bench); with the value carried in the key's
//! index the same read never touches the table (26 ms). On PostgreSQL the
//! primary key takes the value as an included column, so no second index of
//! 2.2 million entries is written beside it. SQLite, the single-machine
//! default, keeps its key: its pages hold far fewer units.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DatabaseBackend},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE monitoring_value DROP CONSTRAINT monitoring_value_pkey, \
                 ADD CONSTRAINT monitoring_value_pkey PRIMARY KEY (indicator_code, period, entity_code) INCLUDE (value)",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE monitoring_value DROP CONSTRAINT monitoring_value_pkey, \
                 ADD CONSTRAINT monitoring_value_pkey PRIMARY KEY (indicator_code, period, entity_code)",
            )
            .await
            .map(|_| ())
    }
}
