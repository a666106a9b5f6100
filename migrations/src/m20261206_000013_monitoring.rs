//! Monitoring: indicators as data, their stored results per (indicator,
//! period, entity), and how far the results follow the outbox.

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
    Version,
    Name,
    Competency,
    ProgrammaticUnit,
    Formula,
    ElementCodes,
    Unit,
    Direction,
    LowerThreshold,
    UpperThreshold,
    Periodicity,
    SourceNote,
    OwnerCode,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MonitoringValue {
    Table,
    IndicatorCode,
    Period,
    EntityCode,
    Value,
    Missing,
    Conflicting,
    Reason,
    ComputedAt,
}

#[derive(DeriveIden)]
enum MonitoringCursor {
    Table,
    Id,
    Position,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use MonitoringIndicator as I;
        manager
            .create_table(
                Table::create()
                    .table(I::Table)
                    .col(ColumnDef::new(I::Code).string_len(64).not_null().primary_key())
                    .col(ColumnDef::new(I::Version).integer().not_null())
                    .col(ColumnDef::new(I::Name).string_len(200).not_null())
                    .col(ColumnDef::new(I::Competency).string_len(64).not_null())
                    .col(ColumnDef::new(I::ProgrammaticUnit).string_len(200).null())
                    .col(ColumnDef::new(I::Formula).text().not_null())
                    .col(ColumnDef::new(I::ElementCodes).text().not_null())
                    .col(ColumnDef::new(I::Unit).string_len(64).not_null())
                    .col(ColumnDef::new(I::Direction).string_len(32).not_null())
                    .col(ColumnDef::new(I::LowerThreshold).double().not_null())
                    .col(ColumnDef::new(I::UpperThreshold).double().not_null())
                    .col(ColumnDef::new(I::Periodicity).string_len(16).not_null())
                    .col(ColumnDef::new(I::SourceNote).text().not_null())
                    .col(ColumnDef::new(I::OwnerCode).string_len(32).not_null())
                    .col(ColumnDef::new(I::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_indicator_owner",
                        (I::Table, I::OwnerCode),
                        (Organisation::Table, Organisation::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        use MonitoringValue as V;
        // The key leads with (indicator, period): a department's page and the
        // country's map read one indicator in one period.
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(ColumnDef::new(V::IndicatorCode).string_len(64).not_null())
                    .col(ColumnDef::new(V::Period).string_len(16).not_null())
                    .col(ColumnDef::new(V::EntityCode).string_len(5).not_null())
                    .col(ColumnDef::new(V::Value).double().null())
                    .col(ColumnDef::new(V::Missing).text().not_null())
                    .col(ColumnDef::new(V::Conflicting).text().not_null())
                    .col(ColumnDef::new(V::Reason).text().null())
                    .col(ColumnDef::new(V::ComputedAt).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(V::IndicatorCode).col(V::Period).col(V::EntityCode))
                    .foreign_key(&mut foreign_key(
                        "fk_monitoring_value_indicator",
                        (V::Table, V::IndicatorCode),
                        (I::Table, I::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        // An entity's own view reads all its indicators and periods.
        manager
            .create_index(
                Index::create()
                    .name("ix_monitoring_value_entity")
                    .table(V::Table)
                    .col(V::EntityCode)
                    .col(V::Period)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MonitoringCursor::Table)
                    .col(ColumnDef::new(MonitoringCursor::Id).integer().not_null().primary_key())
                    .col(ColumnDef::new(MonitoringCursor::Position).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MonitoringCursor::Table.into_iden(),
            MonitoringValue::Table.into_iden(),
            MonitoringIndicator::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
