//! The knowledge base and the outbox that keeps every search index current.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum KnowledgeProduct {
    Table,
    Id,
    Title,
    Summary,
    Body,
    ProductType,
    Topics,
    TerritoryCode,
    OrganisationCode,
    PublishedOn,
    SourceUrl,
    Format,
    ContentHash,
    CreatedBy,
    CreatedAt,
    ArchivedAt,
}

/// Every write that changes what search shows, in the write's own transaction;
/// each instance tails it from the position its index has reached.
#[derive(DeriveIden)]
enum ChangeEvent {
    Table,
    Id,
    Kind,
    ObjectId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Code,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(KnowledgeProduct::Table)
                    .col(ColumnDef::new(KnowledgeProduct::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(KnowledgeProduct::Title).string_len(300).not_null())
                    .col(ColumnDef::new(KnowledgeProduct::Summary).text().not_null())
                    .col(ColumnDef::new(KnowledgeProduct::Body).text().not_null())
                    .col(ColumnDef::new(KnowledgeProduct::ProductType).string_len(32).not_null())
                    // JSON array of topic names.
                    .col(ColumnDef::new(KnowledgeProduct::Topics).json().not_null())
                    .col(ColumnDef::new(KnowledgeProduct::TerritoryCode).string_len(5).null())
                    .col(ColumnDef::new(KnowledgeProduct::OrganisationCode).string_len(32).null())
                    .col(ColumnDef::new(KnowledgeProduct::PublishedOn).date().not_null())
                    .col(ColumnDef::new(KnowledgeProduct::SourceUrl).string_len(1000).null())
                    .col(ColumnDef::new(KnowledgeProduct::Format).string_len(16).not_null())
                    // SHA-256 of the text: the same document is not added twice.
                    .col(ColumnDef::new(KnowledgeProduct::ContentHash).string_len(64).not_null().unique_key())
                    .col(ColumnDef::new(KnowledgeProduct::CreatedBy).uuid().null())
                    .col(ColumnDef::new(KnowledgeProduct::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(KnowledgeProduct::ArchivedAt).timestamp_with_time_zone().null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_knowledge_organisation")
                            .from(KnowledgeProduct::Table, KnowledgeProduct::OrganisationCode)
                            .to(Organisation::Table, Organisation::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_knowledge_published")
                    .table(KnowledgeProduct::Table)
                    .col(KnowledgeProduct::PublishedOn)
                    .col(KnowledgeProduct::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChangeEvent::Table)
                    .col(
                        ColumnDef::new(ChangeEvent::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ChangeEvent::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(ChangeEvent::ObjectId).string_len(128).not_null())
                    .col(ColumnDef::new(ChangeEvent::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ChangeEvent::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(KnowledgeProduct::Table).to_owned()).await?;
        Ok(())
    }
}
