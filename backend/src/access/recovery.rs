//! A forgotten password: the user asks an administrator of SUGIT (by the
//! channel the login page names), who resets it. The temporary password is
//! shown once to the administrator; the user's sessions end at once, and the
//! reset stays in the audit log without the password.

use chrono::Utc;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use uuid::Uuid;

use super::{
    entity::{access_token, app_user},
    model::{TokenKind, User},
    secrets, AccessService,
};
use crate::{
    audit::{self, Change},
    authorisation::{rules, Actor},
    error::ServiceError,
    outbox,
};

impl AccessService {
    /// An administrator gives a user a temporary password, returned once.
    #[tracing::instrument(name = "access.reset_password", skip_all)]
    pub async fn reset_password(&self, actor: &Actor, user_id: Uuid) -> Result<(User, String), ServiceError> {
        rules::require_admin(actor, "restablecer contraseñas")?;
        let row = app_user::Entity::find_by_id(user_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| ServiceError::NotFound("no existe un usuario con ese id".into()))?;
        let password = secrets::temporary_password();
        let hash = secrets::hash_password(password.clone()).await?;
        let now = Utc::now();
        let transaction = self.db.begin().await?;
        let mut changed: app_user::ActiveModel = row.into();
        changed.password_hash = Set(hash);
        changed.updated_at = Set(now);
        let user = User::from(changed.update(&transaction).await?);
        // Whoever knew the old password is signed out; API tokens of systems stay.
        let ended = access_token::Entity::update_many()
            .col_expr(access_token::Column::RevokedAt, Expr::value(now))
            .filter(access_token::Column::UserId.eq(user_id))
            .filter(access_token::Column::Kind.eq(TokenKind::Session.as_db()))
            .filter(access_token::Column::RevokedAt.is_null())
            .exec(&transaction)
            .await?;
        audit::record(
            &transaction,
            actor,
            Change::new("reset_password", "user", &user_id.to_string())
                .after(&serde_json::json!({ "sessions_ended": ended.rows_affected })),
        )
        .await?;
        outbox::record_session_change(&transaction, user_id).await?;
        transaction.commit().await?;
        self.sessions_changed();
        Ok((user, password))
    }
}
