//! A programme's goal may name a monitoring indicator instead of a data
//! element: its baseline and progress are then the indicator's results for
//! the entity (`element_code` is empty on such a goal).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FormationGoal {
    Table,
    IndicatorCode,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FormationGoal::Table)
                    .add_column(ColumnDef::new(FormationGoal::IndicatorCode).string_len(64).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FormationGoal::Table)
                    .drop_column(FormationGoal::IndicatorCode)
                    .to_owned(),
            )
            .await
    }
}
