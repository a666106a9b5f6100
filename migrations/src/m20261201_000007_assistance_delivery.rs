//! Deliveries of assigned assistance and their evaluation by the territorial
//! entity that received them.

use sea_orm_migration::prelude::*;

use crate::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AttAssignment {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AttDelivery {
    Table,
    Id,
    AssignmentId,
    DeliveredOn,
    Hours,
    Participants,
    Modality,
    Notes,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AttEvaluation {
    Table,
    DeliveryId,
    Satisfaction,
    CapacityInstalled,
    Comments,
    EvaluatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AttDelivery::Table)
                    .col(ColumnDef::new(AttDelivery::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AttDelivery::AssignmentId).uuid().not_null())
                    .col(ColumnDef::new(AttDelivery::DeliveredOn).date().not_null())
                    .col(ColumnDef::new(AttDelivery::Hours).double().not_null())
                    .col(ColumnDef::new(AttDelivery::Participants).integer().not_null())
                    .col(ColumnDef::new(AttDelivery::Modality).string_len(16).not_null())
                    .col(ColumnDef::new(AttDelivery::Notes).text().not_null())
                    .col(ColumnDef::new(AttDelivery::RecordedBy).uuid().null())
                    .col(ColumnDef::new(AttDelivery::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_delivery_assignment",
                        (AttDelivery::Table, AttDelivery::AssignmentId),
                        (AttAssignment::Table, AttAssignment::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_delivery_assignment")
                    .table(AttDelivery::Table)
                    .col(AttDelivery::AssignmentId)
                    .col(AttDelivery::DeliveredOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AttEvaluation::Table)
                    .col(ColumnDef::new(AttEvaluation::DeliveryId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AttEvaluation::Satisfaction).small_integer().not_null())
                    .col(ColumnDef::new(AttEvaluation::CapacityInstalled).boolean().not_null())
                    .col(ColumnDef::new(AttEvaluation::Comments).text().not_null())
                    .col(ColumnDef::new(AttEvaluation::EvaluatedBy).uuid().null())
                    .col(ColumnDef::new(AttEvaluation::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_evaluation_delivery",
                        (AttEvaluation::Table, AttEvaluation::DeliveryId),
                        (AttDelivery::Table, AttDelivery::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AttEvaluation::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AttDelivery::Table).to_owned()).await?;
        Ok(())
    }
}
