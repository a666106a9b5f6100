//! The RAP regions (Regiones Administrativas y de Planificación) and their
//! departments, which monitoring uses as a group of peers, seeded from the
//! public list with its source and date; and indicators an owner marks as
//! restricted.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RapRegion {
    Table,
    Code,
    Name,
    Source,
    SourceDate,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RapRegionDepartment {
    Table,
    RegionCode,
    DepartmentCode,
}

#[derive(DeriveIden)]
enum MonitoringIndicator {
    Table,
    Restricted,
}

/// Where the seed comes from; an administrator keeps it current with `setRapRegion`.
const SOURCE: &str = "Ley 1454 de 2011 (art. 30) y Ley 1962 de 2019; actos de constitución de cada RAP \
publicados por las propias regiones, compilados por SUGIT. Verifique y actualice ante cualquier adhesión o retiro.";
const SOURCE_DATE: &str = "2026-12-06";

/// The RAP constituted by that date and their member departments (DIVIPOLA).
/// A department may belong to two (Meta: Región Central and Llanos).
const SEED: [(&str, &str, &[&str]); 7] = [
    ("RAP_CENTRAL", "RAP Región Central (RAP-E)", &["11", "15", "25", "41", "50", "73"]),
    ("RAP_PACIFICO", "RAP Pacífico", &["19", "27", "52", "76"]),
    ("RAP_CARIBE", "RAP Caribe", &["08", "13", "20", "23", "44", "47", "70"]),
    ("RAP_EJE_CAFETERO", "RAP Eje Cafetero", &["17", "63", "66"]),
    ("RAP_AMAZONIA", "RAP Amazonía", &["18", "86", "91", "94", "95"]),
    ("RAP_LLANOS", "RAP de los Llanos", &["50", "81", "85", "99"]),
    ("RAP_GRAN_SANTANDER", "RAP Gran Santander", &["54", "68"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use RapRegion as R;
        use RapRegionDepartment as D;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(ColumnDef::new(R::Code).string_len(32).not_null().primary_key())
                    .col(ColumnDef::new(R::Name).string_len(200).not_null())
                    .col(ColumnDef::new(R::Source).text().not_null())
                    .col(ColumnDef::new(R::SourceDate).date().not_null())
                    .col(ColumnDef::new(R::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        // Department codes are checked against the register by the service:
        // the register is loaded after the migrations run.
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(ColumnDef::new(D::RegionCode).string_len(32).not_null())
                    .col(ColumnDef::new(D::DepartmentCode).string_len(2).not_null())
                    .primary_key(Index::create().col(D::RegionCode).col(D::DepartmentCode))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rap_region_department_region")
                            .from(D::Table, D::RegionCode)
                            .to(R::Table, R::Code)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let now = chrono::Utc::now();
        let date = chrono::NaiveDate::parse_from_str(SOURCE_DATE, "%Y-%m-%d")
            .map_err(|error| DbErr::Custom(error.to_string()))?;
        for (code, name, departments) in SEED {
            manager
                .exec_stmt(
                    Query::insert()
                        .into_table(R::Table)
                        .columns([R::Code, R::Name, R::Source, R::SourceDate, R::UpdatedAt])
                        .values_panic([code.into(), name.into(), SOURCE.into(), date.into(), now.into()])
                        .to_owned(),
                )
                .await?;
            let mut insert =
                Query::insert().into_table(D::Table).columns([D::RegionCode, D::DepartmentCode]).to_owned();
            for department in departments {
                insert.values_panic([code.into(), (*department).into()]);
            }
            manager.exec_stmt(insert).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(MonitoringIndicator::Table)
                    .add_column(
                        ColumnDef::new(MonitoringIndicator::Restricted).boolean().not_null().default(false),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MonitoringIndicator::Table)
                    .drop_column(MonitoringIndicator::Restricted)
                    .to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table(RapRegionDepartment::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(RapRegion::Table).to_owned()).await
    }
}
