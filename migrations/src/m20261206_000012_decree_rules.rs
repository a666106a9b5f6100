//! The decree's rules that need a record: a decision's vote is closed
//! explicitly and its outcome frozen with the members present at that moment.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CommissionDecision {
    Table,
    /// When the vote was closed; `NULL` while it is open.
    ClosedAt,
    /// Members with vote present when the vote was closed.
    PresentAtClose,
}

/// One column per statement: SQLite alters one thing at a time.
async fn add(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + 'static,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager.alter_table(Table::alter().table(table).add_column(column).to_owned()).await
}

async fn drop(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
) -> Result<(), DbErr> {
    manager.alter_table(Table::alter().table(table).drop_column(column).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add(
            manager,
            CommissionDecision::Table,
            ColumnDef::new(CommissionDecision::ClosedAt).timestamp_with_time_zone().null().to_owned(),
        )
        .await?;
        add(
            manager,
            CommissionDecision::Table,
            ColumnDef::new(CommissionDecision::PresentAtClose).integer().null().to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, CommissionDecision::Table, CommissionDecision::PresentAtClose).await?;
        drop(manager, CommissionDecision::Table, CommissionDecision::ClosedAt).await?;
        Ok(())
    }
}
