//! A guard for writing a batch of submissions in one statement on PostgreSQL:
//! the statement upserts the sheets (each only over the revision it read),
//! inserts the submissions and their audit entries, and ends by calling this
//! function with how many sheets it meant to write and how many it wrote. A
//! shortfall means another writer changed a sheet in between: the exception
//! undoes the whole statement, and the writer reads again and retries.
//! SQLite writes a batch in a transaction and has nothing to add.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE OR REPLACE FUNCTION sugit_sheets_written(expected integer, written integer)
                 RETURNS integer AS $$
                 BEGIN
                   IF written <> expected THEN
                     RAISE EXCEPTION 'hojas de observaciones cambiadas durante la escritura: % de %',
                       expected - written, expected USING ERRCODE = '40001';
                   END IF;
                   RETURN written;
                 END;
                 $$ LANGUAGE plpgsql",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared("DROP FUNCTION IF EXISTS sugit_sheets_written(integer, integer)")
            .await?;
        Ok(())
    }
}
