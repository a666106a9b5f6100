//! A knowledge product sent as Markdown keeps its Markdown beside the plain
//! text it is searched by, so its page shows headings, lists and tables.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum KnowledgeProduct {
    Table,
    Markdown,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(KnowledgeProduct::Table)
                    .add_column(ColumnDef::new(KnowledgeProduct::Markdown).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(KnowledgeProduct::Table)
                    .drop_column(KnowledgeProduct::Markdown)
                    .to_owned(),
            )
            .await
    }
}
