//! Talent («Vitrina de las Regiones»): vacancies of territorial entities,
//! self-registrations waiting for their e-mail confirmation, talent profiles
//! given with consent, applications and temporary transfers.
//!
//! Personal data lives only in `person_registration`, `talent_profile`,
//! `talent_application` and the person's `app_user` row, so deleting a person
//! for good is deleting those rows; what indicators need after a vacancy is
//! filled (same region, return from abroad) is kept on the vacancy as flags.

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
enum PersonRegistration {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    TokenHash,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum TalentVacancy {
    Table,
    Id,
    EntityCode,
    DepartmentCode,
    Post,
    Level,
    Competencies,
    Education,
    ExperienceMonths,
    SalaryGrade,
    SalaryAmount,
    Place,
    Appointment,
    ClosingOn,
    HowToApply,
    Status,
    FilledAt,
    FilledSameRegion,
    FilledReturnee,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TalentProfile {
    Table,
    Id,
    UserId,
    Education,
    ExperienceMonths,
    ExperienceSummary,
    Competencies,
    Levels,
    Departments,
    HomeDepartment,
    WillingToRelocate,
    LivesAbroad,
    ShowName,
    ShowContact,
    ShowEducation,
    ShowExperience,
    ConsentText,
    ConsentAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TalentApplication {
    Table,
    Id,
    VacancyId,
    ProfileId,
    Stage,
    AppliedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TalentTransfer {
    Table,
    Id,
    EntityCode,
    Kind,
    Topic,
    Description,
    DurationMonths,
    Conditions,
    Status,
    PartnerCode,
    OwnerRating,
    PartnerRating,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PersonRegistration as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(ColumnDef::new(R::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(R::Email).string_len(254).not_null().unique_key())
                    .col(ColumnDef::new(R::Name).string_len(200).not_null())
                    .col(ColumnDef::new(R::PasswordHash).string_len(255).not_null())
                    .col(ColumnDef::new(R::TokenHash).string_len(128).not_null().unique_key())
                    .col(ColumnDef::new(R::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(R::ExpiresAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        use TalentVacancy as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(ColumnDef::new(V::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(V::EntityCode).string_len(5).not_null())
                    .col(ColumnDef::new(V::DepartmentCode).string_len(2).not_null())
                    .col(ColumnDef::new(V::Post).string_len(200).not_null())
                    .col(ColumnDef::new(V::Level).string_len(16).not_null())
                    .col(ColumnDef::new(V::Competencies).text().not_null())
                    .col(ColumnDef::new(V::Education).text().not_null())
                    .col(ColumnDef::new(V::ExperienceMonths).integer().not_null())
                    .col(ColumnDef::new(V::SalaryGrade).string_len(16).not_null())
                    .col(ColumnDef::new(V::SalaryAmount).big_integer().not_null())
                    .col(ColumnDef::new(V::Place).string_len(200).not_null())
                    .col(ColumnDef::new(V::Appointment).string_len(32).not_null())
                    .col(ColumnDef::new(V::ClosingOn).date().not_null())
                    .col(ColumnDef::new(V::HowToApply).text().not_null())
                    .col(ColumnDef::new(V::Status).string_len(16).not_null())
                    .col(ColumnDef::new(V::FilledAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(V::FilledSameRegion).boolean().null())
                    .col(ColumnDef::new(V::FilledReturnee).boolean().null())
                    .col(ColumnDef::new(V::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(V::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_talent_vacancy_entity",
                        (V::Table, V::EntityCode),
                        (TerritorialEntity::Table, TerritorialEntity::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_talent_vacancy_entity")
                    .table(V::Table)
                    .col(V::EntityCode)
                    .col(V::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_talent_vacancy_open")
                    .table(V::Table)
                    .col(V::Status)
                    .col(V::ClosingOn)
                    .to_owned(),
            )
            .await?;
        use TalentProfile as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(ColumnDef::new(P::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(P::UserId).uuid().not_null().unique_key())
                    .col(ColumnDef::new(P::Education).text().not_null())
                    .col(ColumnDef::new(P::ExperienceMonths).integer().not_null())
                    .col(ColumnDef::new(P::ExperienceSummary).text().not_null())
                    .col(ColumnDef::new(P::Competencies).text().not_null())
                    .col(ColumnDef::new(P::Levels).text().not_null())
                    .col(ColumnDef::new(P::Departments).text().not_null())
                    .col(ColumnDef::new(P::HomeDepartment).string_len(2).null())
                    .col(ColumnDef::new(P::WillingToRelocate).boolean().not_null())
                    .col(ColumnDef::new(P::LivesAbroad).boolean().not_null())
                    .col(ColumnDef::new(P::ShowName).boolean().not_null())
                    .col(ColumnDef::new(P::ShowContact).boolean().not_null())
                    .col(ColumnDef::new(P::ShowEducation).boolean().not_null())
                    .col(ColumnDef::new(P::ShowExperience).boolean().not_null())
                    .col(ColumnDef::new(P::ConsentText).text().not_null())
                    .col(ColumnDef::new(P::ConsentAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(P::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(P::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        use TalentApplication as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(ColumnDef::new(A::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(A::VacancyId).uuid().not_null())
                    .col(ColumnDef::new(A::ProfileId).uuid().not_null())
                    .col(ColumnDef::new(A::Stage).string_len(16).not_null())
                    .col(ColumnDef::new(A::AppliedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(A::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_talent_application_vacancy",
                        (A::Table, A::VacancyId),
                        (V::Table, V::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_talent_application_profile",
                        (A::Table, A::ProfileId),
                        (P::Table, P::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // One application per person and vacancy; the entity's page reads by vacancy.
        manager
            .create_index(
                Index::create()
                    .name("ux_talent_application")
                    .table(A::Table)
                    .col(A::VacancyId)
                    .col(A::ProfileId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_talent_application_profile")
                    .table(A::Table)
                    .col(A::ProfileId)
                    .to_owned(),
            )
            .await?;
        use TalentTransfer as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(ColumnDef::new(T::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(T::EntityCode).string_len(5).not_null())
                    .col(ColumnDef::new(T::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(T::Topic).string_len(200).not_null())
                    .col(ColumnDef::new(T::Description).text().not_null())
                    .col(ColumnDef::new(T::DurationMonths).integer().not_null())
                    .col(ColumnDef::new(T::Conditions).text().not_null())
                    .col(ColumnDef::new(T::Status).string_len(16).not_null())
                    .col(ColumnDef::new(T::PartnerCode).string_len(5).null())
                    .col(ColumnDef::new(T::OwnerRating).integer().null())
                    .col(ColumnDef::new(T::PartnerRating).integer().null())
                    .col(ColumnDef::new(T::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(T::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_talent_transfer_entity",
                        (T::Table, T::EntityCode),
                        (TerritorialEntity::Table, TerritorialEntity::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            TalentTransfer::Table.into_iden(),
            TalentApplication::Table.into_iden(),
            TalentProfile::Table.into_iden(),
            TalentVacancy::Table.into_iden(),
            PersonRegistration::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
