//! The mapping from legacy budget accounts (the FUT's or an entity's own
//! chart) to programmatic units: what lets a legacy budget-execution file be
//! imported into the classification. Función Pública keeps it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ClassificationAccountMap {
    Table,
    AccountCode,
    UnitCode,
    Note,
    SetBy,
    SetAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ClassificationAccountMap as M;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .col(ColumnDef::new(M::AccountCode).string_len(40).not_null().primary_key())
                    .col(ColumnDef::new(M::UnitCode).string_len(32).not_null())
                    .col(ColumnDef::new(M::Note).string_len(300).not_null())
                    .col(ColumnDef::new(M::SetBy).string_len(320).not_null())
                    .col(ColumnDef::new(M::SetAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ClassificationAccountMap::Table).to_owned()).await
    }
}
