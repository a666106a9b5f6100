//! The demands had only their primary key, so every read of them at national
//! scale (28,572 demands) was a sequential scan: a year of demands for the
//! indicators and the focalisation map (five scans of the table per
//! request), the newest first for the national side, an entity's own newest
//! first; and the assignments of a set of demands scanned every assignment.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AttDemand {
    Table,
    EntityCode,
    CreatedAt,
    Id,
}

#[derive(DeriveIden)]
enum AttAssignment {
    Table,
    DemandId,
}

const RECENCY: &str = "ix_demand_recency";
const ENTITY: &str = "ix_demand_entity_recency";
const ASSIGNED: &str = "ix_assignment_demand";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(RECENCY)
                    .table(AttDemand::Table)
                    .col((AttDemand::CreatedAt, IndexOrder::Desc))
                    .col(AttDemand::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(ENTITY)
                    .table(AttDemand::Table)
                    .col(AttDemand::EntityCode)
                    .col((AttDemand::CreatedAt, IndexOrder::Desc))
                    .col(AttDemand::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(ASSIGNED)
                    .table(AttAssignment::Table)
                    .col(AttAssignment::DemandId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [RECENCY, ENTITY] {
            manager.drop_index(Index::drop().name(name).table(AttDemand::Table).to_owned()).await?;
        }
        manager.drop_index(Index::drop().name(ASSIGNED).table(AttAssignment::Table).to_owned()).await
    }
}
