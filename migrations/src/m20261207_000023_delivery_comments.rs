//! A department follows its municipalities' assistance: it may comment on a
//! delivery one of them received, while only the receiving entity evaluates it.

use sea_orm_migration::prelude::*;

use crate::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AttDelivery {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AttDeliveryComment {
    Table,
    Id,
    DeliveryId,
    /// The commenting entity (the receiving municipality's department).
    EntityCode,
    AuthorId,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use AttDeliveryComment as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(ColumnDef::new(C::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(C::DeliveryId).uuid().not_null())
                    .col(ColumnDef::new(C::EntityCode).string_len(8).not_null())
                    .col(ColumnDef::new(C::AuthorId).uuid().null())
                    .col(ColumnDef::new(C::Body).text().not_null())
                    .col(ColumnDef::new(C::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_delivery_comment_delivery",
                        (C::Table, C::DeliveryId),
                        (AttDelivery::Table, AttDelivery::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_delivery_comment_delivery")
                    .table(C::Table)
                    .col(C::DeliveryId)
                    .col(C::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AttDeliveryComment::Table).to_owned()).await
    }
}
