//! Classification of spending: the catalogue of competencies, programmatic
//! units and services, kept by version (an item row lives from the version
//! that introduced it until the one that retired or reworded it), the
//! proposals of change and their decisions, the crosswalk from every retired
//! code to its successors, and the links from other contexts' free text to
//! the units they name.

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
enum ClassificationVersion {
    Table,
    Number,
    EffectiveOn,
    Note,
    ApprovedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ClassificationItem {
    Table,
    Code,
    SinceVersion,
    UntilVersion,
    Level,
    ParentCode,
    Name,
    Description,
    EntityKinds,
    LegalBasis,
}

#[derive(DeriveIden)]
enum ClassificationProposal {
    Table,
    Id,
    Kind,
    Reason,
    Change,
    ProposerCode,
    ProposerId,
    Status,
    DecisionNote,
    DecidedBy,
    DecidedAt,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ClassificationCrosswalk {
    Table,
    Version,
    FromCode,
    ToCode,
    ShareBasisPoints,
}

#[derive(DeriveIden)]
enum ClassificationReference {
    Table,
    SubjectKind,
    SubjectCode,
    FreeText,
    UnitCode,
    LinkedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ClassificationVersion as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(ColumnDef::new(V::Number).integer().not_null().primary_key())
                    .col(ColumnDef::new(V::EffectiveOn).date().not_null())
                    .col(ColumnDef::new(V::Note).text().not_null())
                    .col(ColumnDef::new(V::ApprovedBy).string_len(200).not_null())
                    .col(ColumnDef::new(V::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        use ClassificationItem as I;
        manager
            .create_table(
                Table::create()
                    .table(I::Table)
                    .col(ColumnDef::new(I::Code).string_len(32).not_null())
                    .col(ColumnDef::new(I::SinceVersion).integer().not_null())
                    .col(ColumnDef::new(I::UntilVersion).integer().null())
                    .col(ColumnDef::new(I::Level).string_len(16).not_null())
                    .col(ColumnDef::new(I::ParentCode).string_len(32).null())
                    .col(ColumnDef::new(I::Name).string_len(200).not_null())
                    .col(ColumnDef::new(I::Description).text().not_null())
                    .col(ColumnDef::new(I::EntityKinds).string_len(128).not_null())
                    .col(ColumnDef::new(I::LegalBasis).text().not_null())
                    .primary_key(Index::create().col(I::Code).col(I::SinceVersion))
                    .foreign_key(&mut foreign_key(
                        "fk_classification_item_version",
                        (I::Table, I::SinceVersion),
                        (V::Table, V::Number),
                    ))
                    .to_owned(),
            )
            .await?;
        use ClassificationProposal as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(ColumnDef::new(P::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(P::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(P::Reason).text().not_null())
                    .col(ColumnDef::new(P::Change).text().not_null())
                    .col(ColumnDef::new(P::ProposerCode).string_len(32).not_null())
                    .col(ColumnDef::new(P::ProposerId).uuid().null())
                    .col(ColumnDef::new(P::Status).string_len(16).not_null())
                    .col(ColumnDef::new(P::DecisionNote).text().null())
                    .col(ColumnDef::new(P::DecidedBy).string_len(200).null())
                    .col(ColumnDef::new(P::DecidedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(P::Version).integer().null())
                    .col(ColumnDef::new(P::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_classification_proposal_proposer",
                        (P::Table, P::ProposerCode),
                        (Organisation::Table, Organisation::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        // The proposals awaiting a decision are listed first and most often.
        manager
            .create_index(
                Index::create()
                    .name("ix_classification_proposal_status")
                    .table(P::Table)
                    .col(P::Status)
                    .col(P::CreatedAt)
                    .to_owned(),
            )
            .await?;
        use ClassificationCrosswalk as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(ColumnDef::new(C::Version).integer().not_null())
                    .col(ColumnDef::new(C::FromCode).string_len(32).not_null())
                    .col(ColumnDef::new(C::ToCode).string_len(32).not_null())
                    .col(ColumnDef::new(C::ShareBasisPoints).integer().not_null())
                    .primary_key(Index::create().col(C::Version).col(C::FromCode).col(C::ToCode))
                    .foreign_key(&mut foreign_key(
                        "fk_classification_crosswalk_version",
                        (C::Table, C::Version),
                        (V::Table, V::Number),
                    ))
                    .to_owned(),
            )
            .await?;
        use ClassificationReference as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(ColumnDef::new(R::SubjectKind).string_len(32).not_null())
                    .col(ColumnDef::new(R::SubjectCode).string_len(64).not_null())
                    .col(ColumnDef::new(R::FreeText).string_len(200).not_null())
                    .col(ColumnDef::new(R::UnitCode).string_len(32).null())
                    .col(ColumnDef::new(R::LinkedAt).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(R::SubjectKind).col(R::SubjectCode))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ClassificationReference::Table.into_iden(),
            ClassificationCrosswalk::Table.into_iden(),
            ClassificationProposal::Table.into_iden(),
            ClassificationItem::Table.into_iden(),
            ClassificationVersion::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
