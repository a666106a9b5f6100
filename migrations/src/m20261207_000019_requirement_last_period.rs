//! A requirement may stop being asked: the spending of a programmatic unit
//! the catalogue retired is asked up to the last vigencia the unit existed,
//! and no territory owes it afterwards.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InformationRequirement {
    Table,
    /// The last period asked, in the requirement's periodicity; none: still asked.
    LastPeriod,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(InformationRequirement::Table)
                    .add_column(ColumnDef::new(InformationRequirement::LastPeriod).string_len(16).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(InformationRequirement::Table)
                    .drop_column(InformationRequirement::LastPeriod)
                    .to_owned(),
            )
            .await
    }
}
