//! A party's consultation threads are listed newest activity first and paged
//! in SQL: an index per side (the territorial entity, the organisation) in
//! that order, so a page of a national entity with tens of thousands of
//! threads reads its 21 rows, not all of them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationThread {
    Table,
    EntityCode,
    OrganisationCode,
    LastMessageAt,
    Id,
}

const INDEXES: [(&str, ConsultationThread); 2] = [
    ("ix_thread_entity_recency", ConsultationThread::EntityCode),
    ("ix_thread_organisation_recency", ConsultationThread::OrganisationCode),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, side) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ConsultationThread::Table)
                        .col(side)
                        .col((ConsultationThread::LastMessageAt, IndexOrder::Desc))
                        .col(ConsultationThread::Id)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager.drop_index(Index::drop().name(name).table(ConsultationThread::Table).to_owned()).await?;
        }
        Ok(())
    }
}
