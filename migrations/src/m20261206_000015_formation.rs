//! Formation: training modules (lessons and assessment as documents of the
//! module), enrolments with their lesson completions, certificates anyone can
//! verify, the entities' training coordinators, accompaniment programmes with
//! goals measured from reported values, and the mentor network (mentors,
//! mentoring requests and their logged, rated sessions).

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
enum FormationModule {
    Table,
    Id,
    OrganisationCode,
    Title,
    Summary,
    Objectives,
    Topic,
    TargetKinds,
    TargetCategories,
    TargetRoles,
    Hours,
    PassMark,
    MaxAttempts,
    Lessons,
    Questions,
    Status,
    OfferId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FormationEnrolment {
    Table,
    Id,
    ModuleId,
    UserId,
    LearnerName,
    EntityCode,
    DepartmentCode,
    EnrolledBy,
    EnrolledAt,
    LessonsDone,
    Attempts,
    BestScore,
    PassedAt,
}

#[derive(DeriveIden)]
enum FormationCompletion {
    Table,
    EnrolmentId,
    Lesson,
    CompletedAt,
}

#[derive(DeriveIden)]
enum FormationCertificate {
    Table,
    Code,
    EnrolmentId,
    LearnerName,
    ModuleTitle,
    Hours,
    IssuedOn,
    IssuerName,
}

#[derive(DeriveIden)]
enum FormationCoordinator {
    Table,
    UserId,
    EntityCode,
    DesignatedAt,
}

#[derive(DeriveIden)]
enum FormationProgramme {
    Table,
    Id,
    EntityCode,
    Title,
    Objectives,
    Parties,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FormationGoal {
    Table,
    Id,
    ProgrammeId,
    ElementCode,
    Description,
    BaselinePeriod,
    BaselineValue,
    TargetValue,
    TargetPeriod,
    Milestones,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FormationMentor {
    Table,
    Id,
    Name,
    Kind,
    OrganisationCode,
    Competencies,
    Profile,
    DepartmentCodes,
    HoursPerMonth,
    Contact,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FormationMentoringRequest {
    Table,
    Id,
    EntityCode,
    Topic,
    Need,
    MentorId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FormationMentoringSession {
    Table,
    Id,
    RequestId,
    HeldOn,
    Hours,
    Notes,
    Rating,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use FormationModule as M;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .col(ColumnDef::new(M::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(M::OrganisationCode).string_len(32).not_null())
                    .col(ColumnDef::new(M::Title).string_len(200).not_null())
                    .col(ColumnDef::new(M::Summary).text().not_null())
                    .col(ColumnDef::new(M::Objectives).text().not_null())
                    .col(ColumnDef::new(M::Topic).string_len(80).not_null())
                    .col(ColumnDef::new(M::TargetKinds).string_len(200).not_null())
                    .col(ColumnDef::new(M::TargetCategories).string_len(200).not_null())
                    .col(ColumnDef::new(M::TargetRoles).string_len(400).not_null())
                    .col(ColumnDef::new(M::Hours).double().not_null())
                    .col(ColumnDef::new(M::PassMark).integer().not_null())
                    .col(ColumnDef::new(M::MaxAttempts).integer().not_null())
                    .col(ColumnDef::new(M::Lessons).json().not_null())
                    .col(ColumnDef::new(M::Questions).json().not_null())
                    .col(ColumnDef::new(M::Status).string_len(16).not_null())
                    .col(ColumnDef::new(M::OfferId).uuid().null())
                    .col(ColumnDef::new(M::CreatedBy).uuid().null())
                    .col(ColumnDef::new(M::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(M::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_formation_module_organisation",
                        (M::Table, M::OrganisationCode),
                        (Organisation::Table, Organisation::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        use FormationEnrolment as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(ColumnDef::new(E::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(E::ModuleId).uuid().not_null())
                    .col(ColumnDef::new(E::UserId).uuid().not_null())
                    .col(ColumnDef::new(E::LearnerName).string_len(200).not_null())
                    .col(ColumnDef::new(E::EntityCode).string_len(5).not_null())
                    .col(ColumnDef::new(E::DepartmentCode).string_len(2).not_null())
                    .col(ColumnDef::new(E::EnrolledBy).uuid().null())
                    .col(ColumnDef::new(E::EnrolledAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(E::LessonsDone).integer().not_null())
                    .col(ColumnDef::new(E::Attempts).integer().not_null())
                    .col(ColumnDef::new(E::BestScore).integer().null())
                    .col(ColumnDef::new(E::PassedAt).timestamp_with_time_zone().null())
                    .foreign_key(&mut foreign_key(
                        "fk_formation_enrolment_module",
                        (E::Table, E::ModuleId),
                        (M::Table, M::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // One enrolment per learner and module; a learner's page reads by user.
        for (name, columns, unique) in [
            ("ux_formation_enrolment_learner", vec![E::UserId, E::ModuleId], true),
            ("ix_formation_enrolment_entity", vec![E::EntityCode, E::Id], false),
            ("ix_formation_enrolment_department", vec![E::DepartmentCode, E::EntityCode], false),
        ] {
            let mut index = Index::create();
            index.name(name).table(E::Table);
            for column in columns {
                index.col(column);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        use FormationCompletion as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(ColumnDef::new(C::EnrolmentId).uuid().not_null())
                    .col(ColumnDef::new(C::Lesson).integer().not_null())
                    .col(ColumnDef::new(C::CompletedAt).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(C::EnrolmentId).col(C::Lesson))
                    .foreign_key(&mut foreign_key(
                        "fk_formation_completion_enrolment",
                        (C::Table, C::EnrolmentId),
                        (E::Table, E::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        use FormationCertificate as K;
        manager
            .create_table(
                Table::create()
                    .table(K::Table)
                    .col(ColumnDef::new(K::Code).string_len(16).not_null().primary_key())
                    .col(ColumnDef::new(K::EnrolmentId).uuid().not_null().unique_key())
                    .col(ColumnDef::new(K::LearnerName).string_len(200).not_null())
                    .col(ColumnDef::new(K::ModuleTitle).string_len(200).not_null())
                    .col(ColumnDef::new(K::Hours).double().not_null())
                    .col(ColumnDef::new(K::IssuedOn).date().not_null())
                    .col(ColumnDef::new(K::IssuerName).string_len(200).not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_formation_certificate_enrolment",
                        (K::Table, K::EnrolmentId),
                        (E::Table, E::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        use FormationCoordinator as D;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(ColumnDef::new(D::UserId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(D::EntityCode).string_len(5).not_null())
                    .col(ColumnDef::new(D::DesignatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        use FormationProgramme as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(ColumnDef::new(P::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(P::EntityCode).string_len(5).not_null())
                    .col(ColumnDef::new(P::Title).string_len(200).not_null())
                    .col(ColumnDef::new(P::Objectives).text().not_null())
                    .col(ColumnDef::new(P::Parties).json().not_null())
                    .col(ColumnDef::new(P::CreatedBy).uuid().null())
                    .col(ColumnDef::new(P::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        use FormationGoal as G;
        manager
            .create_table(
                Table::create()
                    .table(G::Table)
                    .col(ColumnDef::new(G::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(G::ProgrammeId).uuid().not_null())
                    .col(ColumnDef::new(G::ElementCode).string_len(64).not_null())
                    .col(ColumnDef::new(G::Description).text().not_null())
                    .col(ColumnDef::new(G::BaselinePeriod).string_len(16).not_null())
                    .col(ColumnDef::new(G::BaselineValue).double().not_null())
                    .col(ColumnDef::new(G::TargetValue).double().not_null())
                    .col(ColumnDef::new(G::TargetPeriod).string_len(16).not_null())
                    .col(ColumnDef::new(G::Milestones).json().not_null())
                    .col(ColumnDef::new(G::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_formation_goal_programme",
                        (G::Table, G::ProgrammeId),
                        (P::Table, P::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_formation_goal_programme")
                    .table(G::Table)
                    .col(G::ProgrammeId)
                    .to_owned(),
            )
            .await?;
        use FormationMentor as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(ColumnDef::new(T::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(T::Name).string_len(200).not_null())
                    .col(ColumnDef::new(T::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(T::OrganisationCode).string_len(32).not_null())
                    .col(ColumnDef::new(T::Competencies).string_len(1_000).not_null())
                    .col(ColumnDef::new(T::Profile).text().not_null())
                    .col(ColumnDef::new(T::DepartmentCodes).string_len(200).not_null())
                    .col(ColumnDef::new(T::HoursPerMonth).integer().not_null())
                    .col(ColumnDef::new(T::Contact).string_len(300).not_null())
                    .col(ColumnDef::new(T::CreatedBy).uuid().null())
                    .col(ColumnDef::new(T::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_formation_mentor_organisation",
                        (T::Table, T::OrganisationCode),
                        (Organisation::Table, Organisation::Code),
                    ))
                    .to_owned(),
            )
            .await?;
        use FormationMentoringRequest as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(ColumnDef::new(R::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(R::EntityCode).string_len(5).not_null())
                    .col(ColumnDef::new(R::Topic).string_len(80).not_null())
                    .col(ColumnDef::new(R::Need).text().not_null())
                    .col(ColumnDef::new(R::MentorId).uuid().null())
                    .col(ColumnDef::new(R::CreatedBy).uuid().null())
                    .col(ColumnDef::new(R::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_formation_request_mentor",
                        (R::Table, R::MentorId),
                        (T::Table, T::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        use FormationMentoringSession as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(ColumnDef::new(S::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(S::RequestId).uuid().not_null())
                    .col(ColumnDef::new(S::HeldOn).date().not_null())
                    .col(ColumnDef::new(S::Hours).double().not_null())
                    .col(ColumnDef::new(S::Notes).text().not_null())
                    .col(ColumnDef::new(S::Rating).small_integer().null())
                    .col(ColumnDef::new(S::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_formation_session_request",
                        (S::Table, S::RequestId),
                        (R::Table, R::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            FormationMentoringSession::Table.into_iden(),
            FormationMentoringRequest::Table.into_iden(),
            FormationMentor::Table.into_iden(),
            FormationGoal::Table.into_iden(),
            FormationProgramme::Table.into_iden(),
            FormationCoordinator::Table.into_iden(),
            FormationCertificate::Table.into_iden(),
            FormationCompletion::Table.into_iden(),
            FormationEnrolment::Table.into_iden(),
            FormationModule::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
