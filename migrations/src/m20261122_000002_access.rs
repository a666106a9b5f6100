//! Access: organisations, users, tokens and the audit log.
//!
//! The audit log is append-only: triggers refuse UPDATE and DELETE on every
//! backend, so not even a bug in the application can rewrite history.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Code,
    Name,
    Kind,
    CommissionMember,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
    Email,
    Name,
    Role,
    EntityCode,
    OrganisationCode,
    PasswordHash,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AccessToken {
    Table,
    Id,
    UserId,
    TokenHash,
    Kind,
    Name,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    ActorLabel,
    Action,
    ObjectType,
    ObjectId,
    Before,
    After,
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
                    .table(Organisation::Table)
                    .col(ColumnDef::new(Organisation::Code).string_len(32).not_null().primary_key())
                    .col(ColumnDef::new(Organisation::Name).string().not_null())
                    .col(ColumnDef::new(Organisation::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(Organisation::CommissionMember).boolean().not_null().default(false))
                    .col(ColumnDef::new(Organisation::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AppUser::Table)
                    .col(ColumnDef::new(AppUser::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AppUser::Email).string().not_null().unique_key())
                    .col(ColumnDef::new(AppUser::Name).string().not_null())
                    .col(ColumnDef::new(AppUser::Role).string_len(16).not_null())
                    .col(ColumnDef::new(AppUser::EntityCode).string_len(5).null())
                    .col(ColumnDef::new(AppUser::OrganisationCode).string_len(32).null())
                    .col(ColumnDef::new(AppUser::PasswordHash).string().not_null())
                    .col(ColumnDef::new(AppUser::Active).boolean().not_null().default(true))
                    .col(ColumnDef::new(AppUser::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AppUser::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_app_user_entity")
                            .from(AppUser::Table, AppUser::EntityCode)
                            .to(TerritorialEntity::Table, TerritorialEntity::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_app_user_organisation")
                            .from(AppUser::Table, AppUser::OrganisationCode)
                            .to(Organisation::Table, Organisation::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccessToken::Table)
                    .col(ColumnDef::new(AccessToken::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AccessToken::UserId).uuid().not_null())
                    // SHA-256 of the token: a stolen database yields no usable token.
                    .col(ColumnDef::new(AccessToken::TokenHash).string_len(64).not_null().unique_key())
                    .col(ColumnDef::new(AccessToken::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(AccessToken::Name).string().null())
                    .col(ColumnDef::new(AccessToken::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AccessToken::ExpiresAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(AccessToken::RevokedAt).timestamp_with_time_zone().null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_access_token_user")
                            .from(AccessToken::Table, AccessToken::UserId)
                            .to(AppUser::Table, AppUser::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_access_token_user")
                    .table(AccessToken::Table)
                    .col(AccessToken::UserId)
                    .col(AccessToken::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(ColumnDef::new(AuditLog::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(AuditLog::At).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AuditLog::ActorId).uuid().null())
                    .col(ColumnDef::new(AuditLog::ActorLabel).string().not_null())
                    .col(ColumnDef::new(AuditLog::Action).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::ObjectType).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::ObjectId).string().not_null())
                    .col(ColumnDef::new(AuditLog::Before).json().null())
                    .col(ColumnDef::new(AuditLog::After).json().null())
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("idx_audit_log_object", vec![AuditLog::ObjectType, AuditLog::ObjectId, AuditLog::Id]),
            ("idx_audit_log_actor", vec![AuditLog::ActorId, AuditLog::Id]),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditLog::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        append_only_triggers(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE").await?;
        }
        for table in [
            AuditLog::Table.into_iden(),
            AccessToken::Table.into_iden(),
            AppUser::Table.into_iden(),
            Organisation::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

async fn append_only_triggers(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
                 BEGIN RAISE EXCEPTION 'el registro de auditoría no se modifica ni se borra'; END;
                 $$ LANGUAGE plpgsql;
                 CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
                 FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();",
            )
            .await?;
        }
        _ => {
            for (name, event) in [("audit_log_no_update", "UPDATE"), ("audit_log_no_delete", "DELETE")] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {name} BEFORE {event} ON audit_log BEGIN
                     SELECT RAISE(ABORT, 'el registro de auditoría no se modifica ni se borra'); END;"
                ))
                .await?;
            }
        }
    }
    Ok(())
}
