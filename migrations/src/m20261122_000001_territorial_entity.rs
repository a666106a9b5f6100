//! The DIVIPOLA register: departments, districts, municipalities and
//! non-municipalised areas, with the fields of the differential approach.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TerritorialEntity {
    Table,
    Code,
    Name,
    SearchName,
    Kind,
    DepartmentCode,
    Category,
    CapacityGroup,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TerritorialEntity::Table)
                    .col(ColumnDef::new(TerritorialEntity::Code).string_len(5).not_null().primary_key())
                    .col(ColumnDef::new(TerritorialEntity::Name).string().not_null())
                    // Lower-case, accent-free name: "bogota" finds "BOGOTÁ, D.C." on every backend.
                    .col(ColumnDef::new(TerritorialEntity::SearchName).string().not_null())
                    .col(ColumnDef::new(TerritorialEntity::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(TerritorialEntity::DepartmentCode).string_len(2).null())
                    // Law 617 of 2000 category and capacity group: null until data exists.
                    .col(ColumnDef::new(TerritorialEntity::Category).string_len(16).null())
                    .col(ColumnDef::new(TerritorialEntity::CapacityGroup).string_len(16).null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_territorial_entity_department")
                            .from(TerritorialEntity::Table, TerritorialEntity::DepartmentCode)
                            .to(TerritorialEntity::Table, TerritorialEntity::Code),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_territorial_entity_department", TerritorialEntity::DepartmentCode),
            ("idx_territorial_entity_kind", TerritorialEntity::Kind),
            ("idx_territorial_entity_category", TerritorialEntity::Category),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(TerritorialEntity::Table)
                        .col(column)
                        .col(TerritorialEntity::Code)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(TerritorialEntity::Table).to_owned()).await
    }
}
