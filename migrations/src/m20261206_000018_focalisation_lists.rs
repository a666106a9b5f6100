//! Focalisation lists: a national entity's selection of territories to
//! accompany, started from an indicator's traffic light and kept as data.

use sea_orm_migration::prelude::*;

use crate::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum MonitoringIndicator {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum TerritorialEntity {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum FocalisationList {
    Table,
    Id,
    OwnerCode,
    Name,
    IndicatorCode,
    Period,
    TrafficLight,
    Note,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FocalisationEntity {
    Table,
    ListId,
    EntityCode,
    Value,
    TrafficLight,
    AddedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use FocalisationEntity as E;
        use FocalisationList as L;
        manager
            .create_table(
                Table::create()
                    .table(L::Table)
                    .col(ColumnDef::new(L::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(L::OwnerCode).string_len(32).not_null())
                    .col(ColumnDef::new(L::Name).string_len(200).not_null())
                    .col(ColumnDef::new(L::IndicatorCode).string_len(64).not_null())
                    .col(ColumnDef::new(L::Period).string_len(16).not_null())
                    .col(ColumnDef::new(L::TrafficLight).string_len(16).not_null())
                    .col(ColumnDef::new(L::Note).text().not_null())
                    .col(ColumnDef::new(L::CreatedBy).string_len(320).not_null())
                    .col(ColumnDef::new(L::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(L::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_focalisation_list_owner",
                        (L::Table, L::OwnerCode),
                        (Organisation::Table, Organisation::Code),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_focalisation_list_indicator",
                        (L::Table, L::IndicatorCode),
                        (MonitoringIndicator::Table, MonitoringIndicator::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        // An organisation's lists, newest first.
        manager
            .create_index(
                Index::create()
                    .name("ix_focalisation_list_owner")
                    .table(L::Table)
                    .col(L::OwnerCode)
                    .col(L::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(ColumnDef::new(E::ListId).uuid().not_null())
                    .col(ColumnDef::new(E::EntityCode).string_len(5).not_null())
                    .col(ColumnDef::new(E::Value).double().null())
                    .col(ColumnDef::new(E::TrafficLight).string_len(16).null())
                    .col(ColumnDef::new(E::AddedAt).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(E::ListId).col(E::EntityCode))
                    .foreign_key(&mut foreign_key(
                        "fk_focalisation_entity_list",
                        (E::Table, E::ListId),
                        (L::Table, L::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_focalisation_entity_entity",
                        (E::Table, E::EntityCode),
                        (TerritorialEntity::Table, TerritorialEntity::Code),
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(FocalisationEntity::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(FocalisationList::Table).to_owned()).await
    }
}
