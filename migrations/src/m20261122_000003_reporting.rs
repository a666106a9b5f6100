//! Reporting: the catalogue of data elements, information requirements,
//! submissions and the observations they produce, with full provenance.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DataElement {
    Table,
    Code,
    Version,
    Name,
    Description,
    Unit,
    ValueType,
    Competency,
    ProgrammaticUnit,
    Status,
    SuccessorCode,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum InformationRequirement {
    Table,
    Code,
    Name,
    IssuerCode,
    LegalBasis,
    Periodicity,
    EntityKinds,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RequirementElement {
    Table,
    RequirementCode,
    ElementCode,
    Position,
}

#[derive(DeriveIden)]
enum Submission {
    Table,
    Id,
    ReporterCode,
    RequirementCode,
    Period,
    IdempotencyKey,
    ContentHash,
    SubmittedBy,
    SubmittedAt,
    Accepted,
    Duplicates,
    Corrections,
    Conflicts,
}

#[derive(DeriveIden)]
enum Observation {
    Table,
    Id,
    SubjectCode,
    ElementCode,
    Period,
    CurrentValueId,
    InConflict,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ObservationValue {
    Table,
    Id,
    ObservationId,
    Value,
    ReporterCode,
    SubmissionId,
    RequirementCode,
    Version,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ObservationSource {
    Table,
    Id,
    ValueId,
    SubmissionId,
    RequirementCode,
    Outcome,
}

#[derive(DeriveIden)]
enum TerritorialEntity {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Code,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DataElement::Table)
                    .col(ColumnDef::new(DataElement::Code).string_len(64).not_null().primary_key())
                    .col(ColumnDef::new(DataElement::Version).integer().not_null().default(1))
                    .col(ColumnDef::new(DataElement::Name).string().not_null())
                    .col(ColumnDef::new(DataElement::Description).text().not_null())
                    .col(ColumnDef::new(DataElement::Unit).string_len(64).not_null())
                    .col(ColumnDef::new(DataElement::ValueType).string_len(16).not_null())
                    .col(ColumnDef::new(DataElement::Competency).string_len(64).not_null())
                    .col(ColumnDef::new(DataElement::ProgrammaticUnit).string().null())
                    .col(ColumnDef::new(DataElement::Status).string_len(16).not_null())
                    .col(ColumnDef::new(DataElement::SuccessorCode).string_len(64).null())
                    .col(ColumnDef::new(DataElement::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InformationRequirement::Table)
                    .col(ColumnDef::new(InformationRequirement::Code).string_len(64).not_null().primary_key())
                    .col(ColumnDef::new(InformationRequirement::Name).string().not_null())
                    .col(ColumnDef::new(InformationRequirement::IssuerCode).string_len(32).not_null())
                    .col(ColumnDef::new(InformationRequirement::LegalBasis).text().not_null())
                    .col(ColumnDef::new(InformationRequirement::Periodicity).string_len(16).not_null())
                    // Comma-separated territorial kinds that must answer.
                    .col(ColumnDef::new(InformationRequirement::EntityKinds).string().not_null())
                    .col(
                        ColumnDef::new(InformationRequirement::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_requirement_issuer")
                            .from(InformationRequirement::Table, InformationRequirement::IssuerCode)
                            .to(Organisation::Table, Organisation::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RequirementElement::Table)
                    .col(ColumnDef::new(RequirementElement::RequirementCode).string_len(64).not_null())
                    .col(ColumnDef::new(RequirementElement::ElementCode).string_len(64).not_null())
                    .col(ColumnDef::new(RequirementElement::Position).integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(RequirementElement::RequirementCode)
                            .col(RequirementElement::ElementCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_requirement_element_requirement")
                            .from(RequirementElement::Table, RequirementElement::RequirementCode)
                            .to(InformationRequirement::Table, InformationRequirement::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_requirement_element_element")
                            .from(RequirementElement::Table, RequirementElement::ElementCode)
                            .to(DataElement::Table, DataElement::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Submission::Table)
                    .col(ColumnDef::new(Submission::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Submission::ReporterCode).string_len(5).not_null())
                    .col(ColumnDef::new(Submission::RequirementCode).string_len(64).not_null())
                    .col(ColumnDef::new(Submission::Period).string_len(10).not_null())
                    .col(ColumnDef::new(Submission::IdempotencyKey).string_len(128).not_null())
                    .col(ColumnDef::new(Submission::ContentHash).string_len(64).not_null())
                    .col(ColumnDef::new(Submission::SubmittedBy).uuid().null())
                    .col(ColumnDef::new(Submission::SubmittedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Submission::Accepted).integer().not_null())
                    .col(ColumnDef::new(Submission::Duplicates).integer().not_null())
                    .col(ColumnDef::new(Submission::Corrections).integer().not_null())
                    .col(ColumnDef::new(Submission::Conflicts).integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_submission_reporter")
                            .from(Submission::Table, Submission::ReporterCode)
                            .to(TerritorialEntity::Table, TerritorialEntity::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_submission_requirement")
                            .from(Submission::Table, Submission::RequirementCode)
                            .to(InformationRequirement::Table, InformationRequirement::Code),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("uq_submission_idempotency", vec![Submission::ReporterCode, Submission::IdempotencyKey]),
            ("uq_submission_content", vec![Submission::ReporterCode, Submission::ContentHash]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Submission::Table).unique();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Observation::Table)
                    .col(ColumnDef::new(Observation::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Observation::SubjectCode).string_len(5).not_null())
                    .col(ColumnDef::new(Observation::ElementCode).string_len(64).not_null())
                    .col(ColumnDef::new(Observation::Period).string_len(10).not_null())
                    .col(ColumnDef::new(Observation::CurrentValueId).uuid().not_null())
                    .col(ColumnDef::new(Observation::InConflict).boolean().not_null().default(false))
                    .col(ColumnDef::new(Observation::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_observation_subject")
                            .from(Observation::Table, Observation::SubjectCode)
                            .to(TerritorialEntity::Table, TerritorialEntity::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_observation_element")
                            .from(Observation::Table, Observation::ElementCode)
                            .to(DataElement::Table, DataElement::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_observation_key")
                    .table(Observation::Table)
                    .unique()
                    .col(Observation::SubjectCode)
                    .col(Observation::ElementCode)
                    .col(Observation::Period)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ObservationValue::Table)
                    .col(ColumnDef::new(ObservationValue::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ObservationValue::ObservationId).uuid().not_null())
                    .col(ColumnDef::new(ObservationValue::Value).text().not_null())
                    .col(ColumnDef::new(ObservationValue::ReporterCode).string_len(5).not_null())
                    .col(ColumnDef::new(ObservationValue::SubmissionId).uuid().not_null())
                    .col(ColumnDef::new(ObservationValue::RequirementCode).string_len(64).not_null())
                    .col(ColumnDef::new(ObservationValue::Version).integer().not_null())
                    .col(ColumnDef::new(ObservationValue::Status).string_len(16).not_null())
                    .col(ColumnDef::new(ObservationValue::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_observation_value_observation")
                            .from(ObservationValue::Table, ObservationValue::ObservationId)
                            .to(Observation::Table, Observation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_observation_value_submission")
                            .from(ObservationValue::Table, ObservationValue::SubmissionId)
                            .to(Submission::Table, Submission::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_observation_value_observation")
                    .table(ObservationValue::Table)
                    .col(ObservationValue::ObservationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ObservationSource::Table)
                    .col(
                        ColumnDef::new(ObservationSource::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ObservationSource::ValueId).uuid().not_null())
                    .col(ColumnDef::new(ObservationSource::SubmissionId).uuid().not_null())
                    .col(ColumnDef::new(ObservationSource::RequirementCode).string_len(64).not_null())
                    .col(ColumnDef::new(ObservationSource::Outcome).string_len(16).not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_observation_source_value")
                            .from(ObservationSource::Table, ObservationSource::ValueId)
                            .to(ObservationValue::Table, ObservationValue::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_observation_source_submission")
                            .from(ObservationSource::Table, ObservationSource::SubmissionId)
                            .to(Submission::Table, Submission::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Replays rebuild a submission's answer from its provenance.
        manager
            .create_index(
                Index::create()
                    .name("idx_observation_source_submission")
                    .table(ObservationSource::Table)
                    .col(ObservationSource::SubmissionId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_observation_source_value")
                    .table(ObservationSource::Table)
                    .col(ObservationSource::ValueId)
                    .col(ObservationSource::RequirementCode)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ObservationSource::Table.into_iden(),
            ObservationValue::Table.into_iden(),
            Observation::Table.into_iden(),
            Submission::Table.into_iden(),
            RequirementElement::Table.into_iden(),
            InformationRequirement::Table.into_iden(),
            DataElement::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
