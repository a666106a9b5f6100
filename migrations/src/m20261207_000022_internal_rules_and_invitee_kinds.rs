//! The Commission's internal rules (decree art. 2.2.11.4.4 num. 12) as a
//! versioned document, each version adopted by a decision of the Commission,
//! and the kind of each special invitee (decree art. 2.2.11.4.3, par. 1):
//! which kinds the rules admit, and which RAP holds the RAP delegate's seat
//! by the rules' alternation. A participant who leaves a seat keeps its row
//! (its past attendance refers to it), marked with when it left.

use sea_orm_migration::prelude::*;

use crate::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CommissionParticipant {
    Table,
    Role,
    InviteeKind,
    RapRegionCode,
    JoinedAt,
    LeftAt,
}

#[derive(DeriveIden)]
enum CommissionDecision {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CommissionInternalRules {
    Table,
    Version,
    DecisionId,
    Text,
    AdmittedKinds,
    RapRotation,
    RotationMonths,
    EffectiveFrom,
    AdoptedBy,
    AdoptedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CommissionInternalRules as R;
        use CommissionParticipant as P;
        // SQLite alters one column per statement.
        for column in [
            ColumnDef::new(P::InviteeKind).string_len(32).null().to_owned(),
            ColumnDef::new(P::RapRegionCode).string_len(32).null().to_owned(),
            ColumnDef::new(P::JoinedAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(P::LeftAt).timestamp_with_time_zone().null().to_owned(),
        ] {
            manager.alter_table(Table::alter().table(P::Table).add_column(column).to_owned()).await?;
        }
        // The invitees seeded so far are the decree's associations of territorial entities.
        manager
            .exec_stmt(
                Query::update()
                    .table(P::Table)
                    .value(P::InviteeKind, "TERRITORIAL_ASSOCIATION")
                    .and_where(Expr::col(P::Role).eq("INVITEE"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(ColumnDef::new(R::Version).integer().not_null().primary_key())
                    .col(ColumnDef::new(R::DecisionId).uuid().not_null().unique_key())
                    .col(ColumnDef::new(R::Text).text().not_null())
                    .col(ColumnDef::new(R::AdmittedKinds).string_len(400).not_null())
                    .col(ColumnDef::new(R::RapRotation).string_len(400).not_null())
                    .col(ColumnDef::new(R::RotationMonths).integer().not_null())
                    .col(ColumnDef::new(R::EffectiveFrom).date().not_null())
                    .col(ColumnDef::new(R::AdoptedBy).string_len(320).not_null())
                    .col(ColumnDef::new(R::AdoptedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_internal_rules_decision",
                        (R::Table, R::DecisionId),
                        (CommissionDecision::Table, CommissionDecision::Id),
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CommissionParticipant as P;
        manager.drop_table(Table::drop().table(CommissionInternalRules::Table).to_owned()).await?;
        for column in [P::InviteeKind, P::RapRegionCode, P::JoinedAt, P::LeftAt] {
            manager.alter_table(Table::alter().table(P::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
