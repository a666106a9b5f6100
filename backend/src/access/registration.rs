//! Self-registration of a PERSON for the Vitrina de las Regiones: an e-mail
//! confirms the address before any account exists. Rate-limited per client
//! address and per e-mail; the answer never says whether an address already
//! has an account. The erasure of a person's account (their talent data goes
//! with it, in the talent context's transaction) is here too.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, SqlErr, TransactionTrait,
};
use uuid::Uuid;

use super::{
    entity::{access_token, app_user, person_registration},
    mail::Message,
    model::{check_new_password, Email, TokenKind, User},
    secrets,
    service::{insert_token, AccessService, LoginOutcome},
};
use crate::{
    audit::{self, Change},
    authorisation::{Role, PERSON_LABEL},
    error::ServiceError,
    outbox,
    rate_limit::RetryAfter,
};

/// Hours a confirmation link stays valid.
const CONFIRMATION_HOURS: i64 = 24;
/// The one answer to a registration, whether or not the address has an account.
pub const REGISTRATION_SENT: &str =
    "si el correo es válido, le enviamos un enlace para confirmar el registro: revise su bandeja (vence en 24 horas)";
const BAD_CONFIRMATION: &str = "el enlace de confirmación no es válido o venció: regístrese de nuevo";

/// A person's account, as the person's export shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonAccount {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl AccessService {
    /// Starts a self-registration: checks, rate-limits, stores it for 24
    /// hours and mails the confirmation link. The same answer for an address
    /// that already has an account (which is told so by mail instead).
    #[tracing::instrument(name = "access.register_person", skip_all)]
    pub async fn register_person(
        &self,
        client: &str,
        email: &str,
        name: &str,
        password: &str,
    ) -> Result<&'static str, ServiceError> {
        let hour = Duration::from_secs(3600);
        let limited = |RetryAfter(seconds)| ServiceError::RateLimited(seconds);
        self.limiter
            .hit(&format!("register:ip:{client}"), self.registrations_per_hour, hour)
            .await
            .map_err(limited)?;
        let email = Email::parse(email)?;
        let name = crate::text::required(name, "name", 200)?;
        check_new_password(password)?;
        let per_email = (self.registrations_per_hour / 3).max(1);
        // Keyed by a digest: the shared cache never holds the address.
        let email_key = format!("register:email:{}", secrets::token_hash(email.as_str()));
        self.limiter.hit(&email_key, per_email, hour).await.map_err(limited)?;
        let now = Utc::now();
        person_registration::Entity::delete_many()
            .filter(person_registration::Column::ExpiresAt.lt(now))
            .exec(&self.db)
            .await?;
        let existing =
            app_user::Entity::find().filter(app_user::Column::Email.eq(email.as_str())).one(&self.db).await?;
        if existing.is_some() {
            self.mailbox.send(
                Message {
                    to: email.as_str().to_owned(),
                    subject: "Ya tiene una cuenta en SUGIT".into(),
                    body: "Alguien pidió registrar este correo, que ya tiene una cuenta. Inicie sesión con ella; si no fue usted, ignore este mensaje.".into(),
                },
                "aviso de cuenta existente",
            );
            return Ok(REGISTRATION_SENT);
        }
        let password_hash = secrets::hash_password(password.to_owned()).await?;
        let token = secrets::new_token();
        let id = Uuid::new_v4();
        let transaction = self.db.begin().await?;
        person_registration::Entity::delete_many()
            .filter(person_registration::Column::Email.eq(email.as_str()))
            .exec(&transaction)
            .await?;
        person_registration::ActiveModel {
            id: Set(id),
            email: Set(email.as_str().to_owned()),
            name: Set(name),
            password_hash: Set(password_hash),
            token_hash: Set(secrets::token_hash(&token)),
            created_at: Set(now),
            expires_at: Set(now + chrono::Duration::hours(CONFIRMATION_HOURS)),
        }
        .insert(&transaction)
        .await?;
        audit::record_as(
            &transaction,
            None,
            "anónimo",
            Change::new("register_person", "person_registration", &id.to_string()),
        )
        .await?;
        transaction.commit().await?;
        let link = format!("/#/vitrina/confirmar/{token}");
        self.mailbox.send(
            Message {
                to: email.as_str().to_owned(),
                subject: "Confirme su registro en la Vitrina de las Regiones".into(),
                body: format!("Para activar su cuenta abra {link} (vence en {CONFIRMATION_HOURS} horas)."),
            },
            &format!("confirmación de registro: {link}"),
        );
        Ok(REGISTRATION_SENT)
    }

    /// Confirms a registration: the PERSON account exists from now on, and a
    /// session starts at once.
    #[tracing::instrument(name = "access.confirm_registration", skip_all)]
    pub async fn confirm_registration(&self, token: &str) -> Result<LoginOutcome, ServiceError> {
        let now = Utc::now();
        let registration = person_registration::Entity::find()
            .filter(person_registration::Column::TokenHash.eq(secrets::token_hash(token.trim())))
            .one(&self.db)
            .await?
            .filter(|registration| registration.expires_at > now)
            .ok_or_else(|| ServiceError::invalid(BAD_CONFIRMATION))?;
        let user_id = Uuid::new_v4();
        let transaction = self.db.begin().await?;
        let user = app_user::ActiveModel {
            id: Set(user_id),
            email: Set(registration.email.clone()),
            name: Set(registration.name.clone()),
            role: Set(Role::Person.as_db().to_owned()),
            entity_code: Set(None),
            organisation_code: Set(None),
            password_hash: Set(registration.password_hash.clone()),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&transaction)
        .await
        .map_err(|error| match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => ServiceError::invalid(BAD_CONFIRMATION),
            _ => error.into(),
        })?;
        person_registration::Entity::delete_by_id(registration.id).exec(&transaction).await?;
        let token = secrets::new_token();
        let expires_at = now + chrono::Duration::hours(self.session_hours());
        insert_token(&transaction, user_id, &token, TokenKind::Session, None, Some(expires_at)).await?;
        audit::record_as(
            &transaction,
            Some(user_id),
            PERSON_LABEL,
            Change::new("confirm_registration", "user", &user_id.to_string())
                .after(&serde_json::json!({ "role": "PERSON" })),
        )
        .await?;
        transaction.commit().await?;
        Ok(LoginOutcome { token, expires_at, user: User::from(user) })
    }

    /// A person's own account (for their export).
    pub async fn person_account(&self, user_id: Uuid) -> Result<Option<PersonAccount>, ServiceError> {
        let row = app_user::Entity::find_by_id(user_id).one(&self.db).await?;
        Ok(row.filter(|row| row.role == Role::Person.as_db()).map(|row| PersonAccount {
            id: row.id,
            email: row.email,
            name: row.name,
            created_at: row.created_at,
        }))
    }

    /// Names and e-mails of people, by id (what a matched entity may be shown).
    pub async fn person_accounts(&self, ids: &[Uuid]) -> Result<Vec<PersonAccount>, ServiceError> {
        let rows = app_user::Entity::find()
            .filter(app_user::Column::Id.is_in(ids.iter().copied()))
            .filter(app_user::Column::Role.eq(Role::Person.as_db()))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| PersonAccount {
                id: row.id,
                email: row.email,
                name: row.name,
                created_at: row.created_at,
            })
            .collect())
    }

    /// Deletes a person's account and tokens in `transaction` (the caller's,
    /// which deletes their other data and audits); returns the e-mail, for
    /// `person_erased` after the commit.
    pub async fn erase_person_in(
        &self,
        transaction: &impl ConnectionTrait,
        user_id: Uuid,
    ) -> Result<String, ServiceError> {
        let user = app_user::Entity::find_by_id(user_id)
            .one(transaction)
            .await?
            .filter(|row| row.role == Role::Person.as_db())
            .ok_or_else(|| ServiceError::NotFound("no existe esa cuenta".into()))?;
        access_token::Entity::delete_many()
            .filter(access_token::Column::UserId.eq(user_id))
            .exec(transaction)
            .await?;
        person_registration::Entity::delete_many()
            .filter(person_registration::Column::Email.eq(user.email.as_str()))
            .exec(transaction)
            .await?;
        app_user::Entity::delete_by_id(user_id).exec(transaction).await?;
        outbox::record_session_change(transaction, user_id).await?;
        Ok(user.email)
    }

    /// After an erasure committed: sessions end everywhere, the mailbox forgets.
    pub fn person_erased(&self, email: &str) {
        self.mailbox.forget(email);
        self.sessions_changed();
    }
}

impl AccessService {
    /// A confirmed PERSON account for the demo data set, as if registered and
    /// confirmed (synthetic people only; no request reaches this).
    pub async fn create_demo_person(
        &self,
        email: &str,
        name: &str,
        password: &str,
    ) -> Result<User, ServiceError> {
        let email = Email::parse(email)?;
        let password_hash = secrets::hash_password(password.to_owned()).await?;
        let now = Utc::now();
        let user_id = Uuid::new_v4();
        let transaction = self.db.begin().await?;
        let user = app_user::ActiveModel {
            id: Set(user_id),
            email: Set(email.as_str().to_owned()),
            name: Set(name.to_owned()),
            role: Set(Role::Person.as_db().to_owned()),
            entity_code: Set(None),
            organisation_code: Set(None),
            password_hash: Set(password_hash),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&transaction)
        .await?;
        audit::record_as(
            &transaction,
            None,
            audit::SYSTEM_LABEL,
            Change::new("create_demo_person", "user", &user_id.to_string())
                .after(&serde_json::json!({ "role": "PERSON", "synthetic": true })),
        )
        .await?;
        transaction.commit().await?;
        Ok(User::from(user))
    }
}
