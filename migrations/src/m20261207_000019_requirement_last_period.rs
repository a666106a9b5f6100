//! A requirement may stop being asked: the spending of a programmatic unit
//! the catalogue retired is asked up to the last vigencia the unit existed,
//! and no territory owes it afterwards. And some are never asked: the
//! platform reports them itself (formation's enrolments and certificates).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InformationRequirement {
    Table,
    /// The last period asked, in the requirement's periodicity; none: still asked.
    LastPeriod,
    /// The platform reports it from its own records: no entity owes it.
    ReportedByPlatform,
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
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(InformationRequirement::Table)
                    .add_column(
                        ColumnDef::new(InformationRequirement::ReportedByPlatform)
                            .boolean()
                            .not_null()
                            .default(false),
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
                    .drop_column(InformationRequirement::ReportedByPlatform)
                    .to_owned(),
            )
            .await?;
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
