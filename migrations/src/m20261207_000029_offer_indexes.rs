//! Two reads of the offers that must not read them all at national scale:
//! the topics of the published offers, which the recommendations compare with
//! a demand's (accents and capitals aside), one index probe per topic; and an
//! organisation's own offers, newest first, a page at a time.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AttOffer {
    Table,
    Status,
    Topic,
    OrganisationCode,
    CreatedAt,
    Id,
}

const TOPICS: &str = "ix_offer_status_topic";
const OWN: &str = "ix_offer_organisation_recency";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(TOPICS)
                    .table(AttOffer::Table)
                    .col(AttOffer::Status)
                    .col(AttOffer::Topic)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(OWN)
                    .table(AttOffer::Table)
                    .col(AttOffer::OrganisationCode)
                    .col((AttOffer::CreatedAt, IndexOrder::Desc))
                    .col(AttOffer::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [TOPICS, OWN] {
            manager.drop_index(Index::drop().name(name).table(AttOffer::Table).to_owned()).await?;
        }
        Ok(())
    }
}
