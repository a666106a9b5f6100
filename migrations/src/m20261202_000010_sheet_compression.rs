//! PostgreSQL compresses the observation sheets and the submission logs with
//! lz4 instead of its default pglz: each submission rewrites a sheet of several
//! kilobytes, and pglz was a twelfth of the database's CPU time in the
//! submission benchmark. Stored values keep their compression until rewritten.
//!
//! A server built without lz4 (or older than PostgreSQL 14) keeps pglz: the
//! setting is a speed-up, never a reason to refuse to start. SQLite stores
//! text uncompressed and has nothing to change.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [(&str, &str); 2] = [("observation_sheet", "entries"), ("submission", "outcomes")];

async fn set_compression(manager: &SchemaManager<'_>, method: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let statements: String = COLUMNS
        .iter()
        .map(|(table, column)| format!("ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method};"))
        .collect();
    let block = format!("DO $$ BEGIN {statements} EXCEPTION WHEN OTHERS THEN NULL; END $$;");
    manager.get_connection().execute_unprepared(&block).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_compression(manager, "lz4").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_compression(manager, "pglz").await
    }
}
