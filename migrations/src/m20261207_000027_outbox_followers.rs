//! Where each follower of the `change_event` outbox stands, and how far the
//! outbox has been pruned: events every follower has applied are deleted once
//! old enough, and a follower found behind the pruning rebuilds what it keeps.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxFollower {
    Table,
    Name,
    Position,
    SeenAt,
}

#[derive(DeriveIden)]
enum OutboxHorizon {
    Table,
    Id,
    PrunedThrough,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxFollower::Table)
                    .col(ColumnDef::new(OutboxFollower::Name).string_len(512).not_null().primary_key())
                    .col(ColumnDef::new(OutboxFollower::Position).big_integer().not_null())
                    .col(ColumnDef::new(OutboxFollower::SeenAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OutboxHorizon::Table)
                    .col(ColumnDef::new(OutboxHorizon::Id).integer().not_null().primary_key())
                    .col(ColumnDef::new(OutboxHorizon::PrunedThrough).big_integer().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [OutboxHorizon::Table.into_iden(), OutboxFollower::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
