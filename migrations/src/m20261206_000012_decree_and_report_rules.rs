//! The decree's rules that need a record: a decision's vote is closed
//! explicitly and its outcome frozen with the members present at that moment;
//! a commitment remembers when it was completed, so a quarter's report knows
//! what was still open at the quarter's end. And a data element declares the
//! range of values it admits (counts are never negative, percentages 0–100).

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

#[derive(DeriveIden)]
enum DataElement {
    Table,
    ValueType,
    /// Admissible minimum; `NULL` is unbounded.
    Minimum,
    /// Admissible maximum; `NULL` is unbounded.
    Maximum,
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
        for column in [DataElement::Minimum, DataElement::Maximum] {
            add(manager, DataElement::Table, ColumnDef::new(column).double().null().to_owned()).await?;
        }
        // The elements already in the catalogue get the defaults of their type,
        // as a new one would: whole numbers count something, percentages are 0–100.
        for (value_type, minimum, maximum) in
            [("INTEGER", Some(0.0), None), ("PERCENTAGE", Some(0.0), Some(100.0))]
        {
            manager
                .exec_stmt(
                    Query::update()
                        .table(DataElement::Table)
                        .value(DataElement::Minimum, minimum)
                        .value(DataElement::Maximum, maximum)
                        .and_where(Expr::col(DataElement::ValueType).eq(value_type))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, DataElement::Table, DataElement::Maximum).await?;
        drop(manager, DataElement::Table, DataElement::Minimum).await?;
        drop(manager, Commitment::Table, Commitment::CompletedAt).await?;
        drop(manager, CommissionDecision::Table, CommissionDecision::PresentAtClose).await?;
        drop(manager, CommissionDecision::Table, CommissionDecision::ClosedAt).await?;
        Ok(())
    }
}
