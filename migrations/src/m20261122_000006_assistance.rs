//! Technical assistance (ATT): offers of national entities and cooperation,
//! demands of territorial entities, the assignment of one to the other.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AttOffer {
    Table,
    Id,
    OrganisationCode,
    Title,
    Description,
    Topic,
    Competency,
    Modality,
    /// Comma-separated territorial kinds it is for.
    TargetKinds,
    /// Comma-separated municipal categories (empty: all).
    TargetCategories,
    /// JSON array of department codes (empty: the whole country).
    DepartmentCodes,
    StartsOn,
    EndsOn,
    Capacity,
    CostToEntity,
    Contact,
    Status,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AttDemand {
    Table,
    Id,
    EntityCode,
    Need,
    Topic,
    Priority,
    CapacityGap,
    DesiredFrom,
    DesiredTo,
    Status,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AttAssignment {
    Table,
    Id,
    OfferId,
    DemandId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum TerritorialEntity {
    Table,
    Code,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AttOffer::Table)
                    .col(ColumnDef::new(AttOffer::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AttOffer::OrganisationCode).string_len(32).not_null())
                    .col(ColumnDef::new(AttOffer::Title).string_len(200).not_null())
                    .col(ColumnDef::new(AttOffer::Description).text().not_null())
                    .col(ColumnDef::new(AttOffer::Topic).string_len(80).not_null())
                    .col(ColumnDef::new(AttOffer::Competency).string_len(64).null())
                    .col(ColumnDef::new(AttOffer::Modality).string_len(16).not_null())
                    .col(ColumnDef::new(AttOffer::TargetKinds).string().not_null())
                    .col(ColumnDef::new(AttOffer::TargetCategories).string().not_null())
                    .col(ColumnDef::new(AttOffer::DepartmentCodes).json().not_null())
                    .col(ColumnDef::new(AttOffer::StartsOn).date().not_null())
                    .col(ColumnDef::new(AttOffer::EndsOn).date().not_null())
                    .col(ColumnDef::new(AttOffer::Capacity).integer().not_null())
                    .col(ColumnDef::new(AttOffer::CostToEntity).big_integer().not_null())
                    .col(ColumnDef::new(AttOffer::Contact).string_len(300).not_null())
                    .col(ColumnDef::new(AttOffer::Status).string_len(16).not_null())
                    .col(ColumnDef::new(AttOffer::CreatedBy).uuid().null())
                    .col(ColumnDef::new(AttOffer::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AttOffer::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_offer_organisation")
                            .from(AttOffer::Table, AttOffer::OrganisationCode)
                            .to(Organisation::Table, Organisation::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AttDemand::Table)
                    .col(ColumnDef::new(AttDemand::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AttDemand::EntityCode).string_len(5).not_null())
                    .col(ColumnDef::new(AttDemand::Need).text().not_null())
                    .col(ColumnDef::new(AttDemand::Topic).string_len(80).not_null())
                    .col(ColumnDef::new(AttDemand::Priority).string_len(16).not_null())
                    .col(ColumnDef::new(AttDemand::CapacityGap).text().not_null())
                    .col(ColumnDef::new(AttDemand::DesiredFrom).date().null())
                    .col(ColumnDef::new(AttDemand::DesiredTo).date().null())
                    .col(ColumnDef::new(AttDemand::Status).string_len(16).not_null())
                    .col(ColumnDef::new(AttDemand::CreatedBy).uuid().null())
                    .col(ColumnDef::new(AttDemand::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AttDemand::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_demand_entity")
                            .from(AttDemand::Table, AttDemand::EntityCode)
                            .to(TerritorialEntity::Table, TerritorialEntity::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AttAssignment::Table)
                    .col(ColumnDef::new(AttAssignment::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AttAssignment::OfferId).uuid().not_null())
                    .col(ColumnDef::new(AttAssignment::DemandId).uuid().not_null())
                    .col(ColumnDef::new(AttAssignment::CreatedBy).uuid().null())
                    .col(ColumnDef::new(AttAssignment::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assignment_offer")
                            .from(AttAssignment::Table, AttAssignment::OfferId)
                            .to(AttOffer::Table, AttOffer::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assignment_demand")
                            .from(AttAssignment::Table, AttAssignment::DemandId)
                            .to(AttDemand::Table, AttDemand::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_assignment_offer_demand")
                    .table(AttAssignment::Table)
                    .col(AttAssignment::OfferId)
                    .col(AttAssignment::DemandId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AttAssignment::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AttDemand::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AttOffer::Table).to_owned()).await?;
        Ok(())
    }
}
