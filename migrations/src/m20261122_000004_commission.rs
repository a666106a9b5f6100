//! The commission of the decree: members and invitees, delegates, sessions,
//! attendance, decisions and votes, minutes and commitments.

use sea_orm_migration::prelude::*;

use crate::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CommissionParticipant {
    Table,
    OrganisationCode,
    Role,
    Presides,
    Secretariat,
}

#[derive(DeriveIden)]
enum CommissionDelegate {
    Table,
    Id,
    OrganisationCode,
    Name,
    Position,
    ValidFrom,
    ValidTo,
}

#[derive(DeriveIden)]
enum CommissionSession {
    Table,
    Id,
    WorkingGroupId,
    Kind,
    ScheduledAt,
    Place,
    Agenda,
    GuestRequests,
    Minutes,
    MinutesApprovedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CommissionAttendance {
    Table,
    SessionId,
    OrganisationCode,
    DelegateId,
}

#[derive(DeriveIden)]
enum CommissionDecision {
    Table,
    Id,
    SessionId,
    Title,
    Description,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CommissionVote {
    Table,
    DecisionId,
    OrganisationCode,
    Vote,
}

#[derive(DeriveIden)]
enum Commitment {
    Table,
    Id,
    SessionId,
    WorkPlanItemId,
    Description,
    ResponsibleCode,
    DueDate,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CommitmentNote {
    Table,
    Id,
    CommitmentId,
    Note,
    EvidenceUrl,
    AuthorLabel,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WorkingGroup {
    Table,
    Id,
    Code,
    Name,
    Purpose,
}

#[derive(DeriveIden)]
enum WorkingGroupMember {
    Table,
    GroupId,
    OrganisationCode,
}

#[derive(DeriveIden)]
enum WorkPlanItem {
    Table,
    Id,
    Year,
    Position,
    Objective,
    Topic,
    ResponsibleCode,
    Investment,
}

#[derive(DeriveIden)]
enum AgendaRoute {
    Table,
    Id,
    Year,
    Name,
    Objective,
    Participants,
    Territories,
    Status,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Code,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let organisation = || (Organisation::Table, Organisation::Code);
        manager
            .create_table(
                Table::create()
                    .table(CommissionParticipant::Table)
                    .col(
                        ColumnDef::new(CommissionParticipant::OrganisationCode)
                            .string_len(32)
                            .not_null()
                            .primary_key(),
                    )
                    // MEMBER (voice and vote) or INVITEE (voice, no vote).
                    .col(ColumnDef::new(CommissionParticipant::Role).string_len(16).not_null())
                    .col(ColumnDef::new(CommissionParticipant::Presides).boolean().not_null().default(false))
                    .col(
                        ColumnDef::new(CommissionParticipant::Secretariat)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .foreign_key(&mut foreign_key(
                        "fk_participant_organisation",
                        (CommissionParticipant::Table, CommissionParticipant::OrganisationCode),
                        organisation(),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommissionDelegate::Table)
                    .col(ColumnDef::new(CommissionDelegate::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(CommissionDelegate::OrganisationCode).string_len(32).not_null())
                    .col(ColumnDef::new(CommissionDelegate::Name).string().not_null())
                    .col(ColumnDef::new(CommissionDelegate::Position).string().not_null())
                    .col(ColumnDef::new(CommissionDelegate::ValidFrom).date().not_null())
                    .col(ColumnDef::new(CommissionDelegate::ValidTo).date().null())
                    .foreign_key(&mut foreign_key(
                        "fk_delegate_participant",
                        (CommissionDelegate::Table, CommissionDelegate::OrganisationCode),
                        (CommissionParticipant::Table, CommissionParticipant::OrganisationCode),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WorkingGroup::Table)
                    .col(ColumnDef::new(WorkingGroup::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(WorkingGroup::Code).string_len(32).not_null().unique_key())
                    .col(ColumnDef::new(WorkingGroup::Name).string().not_null())
                    .col(ColumnDef::new(WorkingGroup::Purpose).text().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WorkingGroupMember::Table)
                    .col(ColumnDef::new(WorkingGroupMember::GroupId).uuid().not_null())
                    .col(ColumnDef::new(WorkingGroupMember::OrganisationCode).string_len(32).not_null())
                    .primary_key(
                        Index::create()
                            .col(WorkingGroupMember::GroupId)
                            .col(WorkingGroupMember::OrganisationCode),
                    )
                    .foreign_key(&mut foreign_key(
                        "fk_group_member_group",
                        (WorkingGroupMember::Table, WorkingGroupMember::GroupId),
                        (WorkingGroup::Table, WorkingGroup::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_group_member_organisation",
                        (WorkingGroupMember::Table, WorkingGroupMember::OrganisationCode),
                        organisation(),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WorkPlanItem::Table)
                    .col(ColumnDef::new(WorkPlanItem::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(WorkPlanItem::Year).integer().not_null())
                    .col(ColumnDef::new(WorkPlanItem::Position).integer().not_null())
                    .col(ColumnDef::new(WorkPlanItem::Objective).text().not_null())
                    .col(ColumnDef::new(WorkPlanItem::Topic).string().not_null())
                    .col(ColumnDef::new(WorkPlanItem::ResponsibleCode).string_len(32).not_null())
                    // Pesos: whole numbers, up to hundreds of billions.
                    .col(ColumnDef::new(WorkPlanItem::Investment).big_integer().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_work_plan_responsible",
                        (WorkPlanItem::Table, WorkPlanItem::ResponsibleCode),
                        organisation(),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_work_plan_year")
                    .table(WorkPlanItem::Table)
                    .col(WorkPlanItem::Year)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgendaRoute::Table)
                    .col(ColumnDef::new(AgendaRoute::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AgendaRoute::Year).integer().not_null())
                    .col(ColumnDef::new(AgendaRoute::Name).string().not_null())
                    .col(ColumnDef::new(AgendaRoute::Objective).text().not_null())
                    .col(ColumnDef::new(AgendaRoute::Participants).text().not_null())
                    // Comma-separated DIVIPOLA codes of the territories the route works with.
                    .col(ColumnDef::new(AgendaRoute::Territories).text().not_null())
                    .col(ColumnDef::new(AgendaRoute::Status).string_len(16).not_null())
                    .col(ColumnDef::new(AgendaRoute::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommissionSession::Table)
                    .col(ColumnDef::new(CommissionSession::Id).uuid().not_null().primary_key())
                    // A session of a technical working group (mesa técnica), or of the commission when null.
                    .col(ColumnDef::new(CommissionSession::WorkingGroupId).uuid().null())
                    .col(ColumnDef::new(CommissionSession::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(CommissionSession::ScheduledAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(CommissionSession::Place).string().not_null())
                    .col(ColumnDef::new(CommissionSession::Agenda).json().not_null())
                    // Special invitees the secretariat presents with the convocation (art. 2.2.11.4.8, num. 4).
                    .col(ColumnDef::new(CommissionSession::GuestRequests).json().not_null())
                    .col(ColumnDef::new(CommissionSession::Minutes).text().null())
                    .col(
                        ColumnDef::new(CommissionSession::MinutesApprovedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(CommissionSession::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_session_scheduled")
                    .table(CommissionSession::Table)
                    .col(CommissionSession::ScheduledAt)
                    .col(CommissionSession::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommissionAttendance::Table)
                    .col(ColumnDef::new(CommissionAttendance::SessionId).uuid().not_null())
                    .col(ColumnDef::new(CommissionAttendance::OrganisationCode).string_len(32).not_null())
                    .col(ColumnDef::new(CommissionAttendance::DelegateId).uuid().null())
                    .primary_key(
                        Index::create()
                            .col(CommissionAttendance::SessionId)
                            .col(CommissionAttendance::OrganisationCode),
                    )
                    .foreign_key(&mut foreign_key(
                        "fk_attendance_session",
                        (CommissionAttendance::Table, CommissionAttendance::SessionId),
                        (CommissionSession::Table, CommissionSession::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommissionDecision::Table)
                    .col(ColumnDef::new(CommissionDecision::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(CommissionDecision::SessionId).uuid().not_null())
                    .col(ColumnDef::new(CommissionDecision::Title).string().not_null())
                    .col(ColumnDef::new(CommissionDecision::Description).text().not_null())
                    .col(ColumnDef::new(CommissionDecision::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_decision_session",
                        (CommissionDecision::Table, CommissionDecision::SessionId),
                        (CommissionSession::Table, CommissionSession::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommissionVote::Table)
                    .col(ColumnDef::new(CommissionVote::DecisionId).uuid().not_null())
                    .col(ColumnDef::new(CommissionVote::OrganisationCode).string_len(32).not_null())
                    .col(ColumnDef::new(CommissionVote::Vote).string_len(16).not_null())
                    // One vote per member and decision, whatever the application does.
                    .primary_key(
                        Index::create().col(CommissionVote::DecisionId).col(CommissionVote::OrganisationCode),
                    )
                    .foreign_key(&mut foreign_key(
                        "fk_vote_decision",
                        (CommissionVote::Table, CommissionVote::DecisionId),
                        (CommissionDecision::Table, CommissionDecision::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Commitment::Table)
                    .col(ColumnDef::new(Commitment::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Commitment::SessionId).uuid().not_null())
                    // The work-plan line this commitment executes, if any.
                    .col(ColumnDef::new(Commitment::WorkPlanItemId).uuid().null())
                    .col(ColumnDef::new(Commitment::Description).text().not_null())
                    .col(ColumnDef::new(Commitment::ResponsibleCode).string_len(32).not_null())
                    .col(ColumnDef::new(Commitment::DueDate).date().not_null())
                    .col(ColumnDef::new(Commitment::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Commitment::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Commitment::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_commitment_session",
                        (Commitment::Table, Commitment::SessionId),
                        (CommissionSession::Table, CommissionSession::Id),
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_commitment_responsible",
                        (Commitment::Table, Commitment::ResponsibleCode),
                        organisation(),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_commitment_responsible")
                    .table(Commitment::Table)
                    .col(Commitment::ResponsibleCode)
                    .col(Commitment::DueDate)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommitmentNote::Table)
                    .col(ColumnDef::new(CommitmentNote::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(CommitmentNote::CommitmentId).uuid().not_null())
                    .col(ColumnDef::new(CommitmentNote::Note).text().not_null())
                    .col(ColumnDef::new(CommitmentNote::EvidenceUrl).string().null())
                    .col(ColumnDef::new(CommitmentNote::AuthorLabel).string().not_null())
                    .col(ColumnDef::new(CommitmentNote::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_note_commitment",
                        (CommitmentNote::Table, CommitmentNote::CommitmentId),
                        (Commitment::Table, Commitment::Id),
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CommitmentNote::Table.into_iden(),
            Commitment::Table.into_iden(),
            CommissionVote::Table.into_iden(),
            CommissionDecision::Table.into_iden(),
            CommissionAttendance::Table.into_iden(),
            CommissionSession::Table.into_iden(),
            CommissionDelegate::Table.into_iden(),
            CommissionParticipant::Table.into_iden(),
            AgendaRoute::Table.into_iden(),
            WorkPlanItem::Table.into_iden(),
            WorkingGroupMember::Table.into_iden(),
            WorkingGroup::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
