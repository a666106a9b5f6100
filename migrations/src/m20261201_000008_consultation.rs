//! The consultation room: threads between a territorial entity and the
//! national entity behind an offer, a requirement or a commitment.

use sea_orm_migration::prelude::*;

use crate::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TerritorialEntity {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum ConsultationThread {
    Table,
    Id,
    EntityCode,
    OrganisationCode,
    /// OFFER, REQUIREMENT or COMMITMENT.
    SubjectKind,
    SubjectId,
    Title,
    /// TERRITORIAL or NATIONAL: who asked first.
    OpenedBy,
    CreatedBy,
    CreatedAt,
    LastMessageAt,
    /// The other side's first message in a thread the territorial side opened.
    FirstAnswerAt,
}

#[derive(DeriveIden)]
enum ConsultationMessage {
    Table,
    Id,
    ThreadId,
    AuthorId,
    AuthorLabel,
    Side,
    Body,
    /// JSON array of knowledge product ids.
    Documents,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConsultationRead {
    Table,
    ThreadId,
    UserId,
    LastReadAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsultationThread::Table)
                    .col(ColumnDef::new(ConsultationThread::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ConsultationThread::EntityCode).string_len(5).not_null())
                    .col(ColumnDef::new(ConsultationThread::OrganisationCode).string_len(32).not_null())
                    .col(ColumnDef::new(ConsultationThread::SubjectKind).string_len(16).not_null())
                    .col(ColumnDef::new(ConsultationThread::SubjectId).string_len(64).not_null())
                    .col(ColumnDef::new(ConsultationThread::Title).string_len(200).not_null())
                    .col(ColumnDef::new(ConsultationThread::OpenedBy).string_len(16).not_null())
                    .col(ColumnDef::new(ConsultationThread::CreatedBy).uuid().null())
                    .col(ColumnDef::new(ConsultationThread::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(
                        ColumnDef::new(ConsultationThread::LastMessageAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ConsultationThread::FirstAnswerAt).timestamp_with_time_zone().null())
                    .foreign_key(&mut foreign_key(
                        "fk_thread_entity",
                        (ConsultationThread::Table, ConsultationThread::EntityCode),
                        (TerritorialEntity::Table, TerritorialEntity::Code),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_thread_organisation",
                        (ConsultationThread::Table, ConsultationThread::OrganisationCode),
                        (Organisation::Table, Organisation::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_thread_entity", ConsultationThread::EntityCode),
            ("ix_thread_organisation", ConsultationThread::OrganisationCode),
        ] {
            manager
                .create_index(
                    Index::create().name(name).table(ConsultationThread::Table).col(column).to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ConsultationMessage::Table)
                    .col(ColumnDef::new(ConsultationMessage::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ConsultationMessage::ThreadId).uuid().not_null())
                    .col(ColumnDef::new(ConsultationMessage::AuthorId).uuid().null())
                    .col(ColumnDef::new(ConsultationMessage::AuthorLabel).string_len(300).not_null())
                    .col(ColumnDef::new(ConsultationMessage::Side).string_len(16).not_null())
                    .col(ColumnDef::new(ConsultationMessage::Body).text().not_null())
                    .col(ColumnDef::new(ConsultationMessage::Documents).json().not_null())
                    .col(ColumnDef::new(ConsultationMessage::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_message_thread",
                        (ConsultationMessage::Table, ConsultationMessage::ThreadId),
                        (ConsultationThread::Table, ConsultationThread::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_message_thread")
                    .table(ConsultationMessage::Table)
                    .col(ConsultationMessage::ThreadId)
                    .col(ConsultationMessage::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConsultationRead::Table)
                    .col(ColumnDef::new(ConsultationRead::ThreadId).uuid().not_null())
                    .col(ColumnDef::new(ConsultationRead::UserId).uuid().not_null())
                    .col(ColumnDef::new(ConsultationRead::LastReadAt).timestamp_with_time_zone().not_null())
                    .primary_key(
                        Index::create().col(ConsultationRead::ThreadId).col(ConsultationRead::UserId),
                    )
                    .foreign_key(&mut foreign_key(
                        "fk_read_thread",
                        (ConsultationRead::Table, ConsultationRead::ThreadId),
                        (ConsultationThread::Table, ConsultationThread::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ConsultationRead::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ConsultationMessage::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ConsultationThread::Table).to_owned()).await?;
        Ok(())
    }
}
