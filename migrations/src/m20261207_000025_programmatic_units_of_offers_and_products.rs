//! ATT offers and knowledge products name the programmatic unit they serve or
//! speak of, as data elements and indicators do; the classification links the
//! text to a catalogue code and lists what matched nothing for an administrator.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AttOffer {
    Table,
    ProgrammaticUnit,
}

#[derive(DeriveIden)]
enum KnowledgeProduct {
    Table,
    ProgrammaticUnit,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AttOffer::Table)
                    .add_column(ColumnDef::new(AttOffer::ProgrammaticUnit).string_len(200).null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(KnowledgeProduct::Table)
                    .add_column(ColumnDef::new(KnowledgeProduct::ProgrammaticUnit).string_len(200).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(KnowledgeProduct::Table)
                    .drop_column(KnowledgeProduct::ProgrammaticUnit)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table(AttOffer::Table).drop_column(AttOffer::ProgrammaticUnit).to_owned(),
            )
            .await
    }
}
