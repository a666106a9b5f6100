//! A requirement states when each period is due: the days after the period
//! ends within which a territory reports it. Existing requirements get the
//! default term (45 days, about what the FUT and CHIP give after a quarter).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InformationRequirement {
    Table,
    DueDays,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(InformationRequirement::Table)
                    .add_column(
                        ColumnDef::new(InformationRequirement::DueDays).integer().not_null().default(45),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(InformationRequirement::Table)
                    .drop_column(InformationRequirement::DueDays)
                    .to_owned(),
            )
            .await
    }
}
