//! The decree's rules that need a record: a decision's vote is closed
//! explicitly and its outcome frozen with the members present at that moment;
//! a commitment remembers when it was completed, so a quarter's report knows
//! what was still open at the quarter's end.

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

#[derive(DeriveIden)]
enum Commitment {
    Table,
    Status,
    UpdatedAt,
    /// When it was marked done; `NULL` while it is not.
    CompletedAt,
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
        add(
            manager,
            Commitment::Table,
            ColumnDef::new(Commitment::CompletedAt).timestamp_with_time_zone().null().to_owned(),
        )
        .await?;
        // Commitments done before this column: their last update is the best
        // record of when they were completed.
        manager
            .exec_stmt(
                Query::update()
                    .table(Commitment::Table)
                    .value(Commitment::CompletedAt, Expr::col(Commitment::UpdatedAt))
                    .and_where(Expr::col(Commitment::Status).eq("DONE"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Commitment::Table, Commitment::CompletedAt).await?;
        drop(manager, CommissionDecision::Table, CommissionDecision::PresentAtClose).await?;
        drop(manager, CommissionDecision::Table, CommissionDecision::ClosedAt).await?;
        Ok(())
    }
}
