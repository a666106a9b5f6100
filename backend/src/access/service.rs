//! The access service: login, tokens, users and organisations. Every write
//! checks the rules, then writes and audits in one transaction.

use std::{collections::HashMap, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, SqlErr, TransactionTrait,
};
use uuid::Uuid;

use super::{
    entity::{access_token, app_user, organisation},
    model::{check_new_password, AccessToken, Email, Organisation, OrganisationKind, TokenKind, User},
    organisations, secrets,
    sessions::SessionCache,
};
use crate::{
    audit::{self, Change},
    authorisation::{rules, Actor, AuthUser, Role},
    error::ServiceError,
    outbox::{self, Outbox},
    pagination::{Page, PageRequest},
    rate_limit::{RateLimiter, RetryAfter},
    territory::{DivipolaCode, TerritoryService},
};

/// The one answer to every failed login: it never says which part was wrong.
const BAD_CREDENTIALS: &str = "correo o contraseña incorrectos";
const BAD_TOKEN: &str = "el token no es válido, expiró o fue revocado: inicie sesión de nuevo";
pub const MAX_API_TOKEN_DAYS: i64 = 730;
const DEFAULT_API_TOKEN_DAYS: i64 = 365;

#[derive(Clone)]
pub struct AccessService {
    pub(super) db: DatabaseConnection,
    pub(super) limiter: RateLimiter,
    territory: TerritoryService,
    session_hours: i64,
    login_attempts_per_minute: u32,
    pub(super) registrations_per_hour: u32,
    pub(super) mailbox: super::mail::Mailbox,
    sessions: SessionCache,
    outbox: Outbox,
}

pub struct LoginOutcome {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

pub struct NewApiToken {
    pub token: String,
    pub access_token: AccessToken,
}

/// A user to create, as received.
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub entity_code: Option<String>,
    pub organisation_code: Option<String>,
    pub password: String,
}

/// An organisation to create, as received.
pub struct NewOrganisation {
    pub code: String,
    pub name: String,
    pub kind: OrganisationKind,
}

impl AccessService {
    pub fn new(
        db: DatabaseConnection,
        limiter: RateLimiter,
        territory: TerritoryService,
        session_hours: u32,
        login_attempts_per_minute: u32,
        outbox: Outbox,
    ) -> Self {
        Self {
            db,
            limiter,
            territory,
            session_hours: i64::from(session_hours),
            login_attempts_per_minute,
            registrations_per_hour: 6,
            mailbox: super::mail::Mailbox::default(),
            sessions: SessionCache::default(),
            outbox,
        }
    }

    /// Self-registrations allowed per hour and client address.
    pub fn with_registration_limit(mut self, per_hour: u32) -> Self {
        self.registrations_per_hour = per_hour.max(1);
        self
    }

    pub(super) fn session_hours(&self) -> i64 {
        self.session_hours
    }

    /// The development mailbox (what was "sent" is logged and kept here).
    pub fn mailbox(&self) -> &super::mail::Mailbox {
        &self.mailbox
    }

    /// Forgets the sessions this instance verified: some instance ended one
    /// (its outbox tail calls this when it applies a `session` event).
    pub fn forget_sessions(&self) {
        self.sessions.forget_all();
    }

    /// After a write that may end sessions has committed: this instance
    /// forgets at once, the others when their tails apply the event.
    pub(super) fn sessions_changed(&self) {
        self.sessions.forget_all();
        self.outbox.committed();
    }

    /// Inserts the seeded organisations that are missing (names others edited are kept).
    #[tracing::instrument(name = "access.seed_organisations", skip_all)]
    pub async fn seed_organisations(&self) -> Result<(), ServiceError> {
        let now = Utc::now();
        let rows = organisations::SEED.iter().map(|seed| organisation::ActiveModel {
            code: Set(seed.code.to_owned()),
            name: Set(seed.name.to_owned()),
            kind: Set(seed.kind.as_db().to_owned()),
            commission_member: Set(seed.commission_member),
            created_at: Set(now),
        });
        organisation::Entity::insert_many(rows)
            .on_conflict(OnConflict::column(organisation::Column::Code).do_nothing().to_owned())
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// The actor a bearer token stands for; an unknown, expired or revoked
    /// token, or one of a deactivated user, is UNAUTHENTICATED.
    #[tracing::instrument(name = "access.authenticate", skip_all)]
    pub async fn authenticate(&self, token: &str) -> Result<Actor, ServiceError> {
        let unauthenticated = || ServiceError::Unauthenticated(BAD_TOKEN.into());
        let hash = secrets::token_hash(token.trim());
        let now = Utc::now();
        if let Some(user) = self.sessions.get(&hash, now) {
            return Ok(Actor::User(user));
        }
        let row = access_token::Entity::find()
            .filter(access_token::Column::TokenHash.eq(hash.as_str()))
            .one(&self.db)
            .await?
            .ok_or_else(unauthenticated)?;
        if row.revoked_at.is_some() || row.expires_at.is_some_and(|expires| expires <= now) {
            return Err(unauthenticated());
        }
        let user =
            app_user::Entity::find_by_id(row.user_id).one(&self.db).await?.ok_or_else(unauthenticated)?;
        if !user.active {
            return Err(unauthenticated());
        }
        let role = Role::from_db(&user.role).ok_or_else(unauthenticated)?;
        let user = AuthUser {
            id: user.id,
            email: user.email,
            name: user.name,
            role,
            entity_code: user.entity_code,
            organisation_code: user.organisation_code,
            token_id: row.id,
        };
        self.sessions.insert(hash, user.clone(), row.expires_at);
        Ok(Actor::User(user))
    }

    /// Password login: a session token. Unknown e-mail, wrong password and
    /// deactivated user answer alike and cost the same hashing time.
    #[tracing::instrument(name = "access.login", skip_all)]
    pub async fn login(
        &self,
        client: &str,
        email: &str,
        password: &str,
    ) -> Result<LoginOutcome, ServiceError> {
        let folded_email = email.trim().to_lowercase();
        let window = Duration::from_secs(60);
        // The address as a digest: the shared cache never holds it.
        let email_key = format!("login:email:{}", secrets::token_hash(&folded_email));
        for key in [format!("login:ip:{client}"), email_key] {
            self.limiter
                .hit(&key, self.login_attempts_per_minute, window)
                .await
                .map_err(|RetryAfter(seconds)| ServiceError::RateLimited(seconds))?;
        }
        let user = app_user::Entity::find()
            .filter(app_user::Column::Email.eq(folded_email.as_str()))
            .one(&self.db)
            .await?;
        let stored = user.as_ref().map(|user| user.password_hash.clone());
        let verified = secrets::verify_password(password.to_owned(), stored).await;
        let user = match user {
            Some(user) if verified && user.active => user,
            _ => return Err(ServiceError::Unauthenticated(BAD_CREDENTIALS.into())),
        };
        let token = secrets::new_token();
        let expires_at = Utc::now() + chrono::Duration::hours(self.session_hours);
        let transaction = self.db.begin().await?;
        let row =
            insert_token(&transaction, user.id, &token, TokenKind::Session, None, Some(expires_at)).await?;
        let actor_label = Role::from_db(&user.role)
            .map_or_else(|| user.email.clone(), |role| crate::authorisation::audit_label(role, &user.email));
        audit::record_as(
            &transaction,
            Some(user.id),
            &actor_label,
            Change::new("login", "access_token", &row.id.to_string()).after(&AccessToken::from(row.clone())),
        )
        .await?;
        transaction.commit().await?;
        Ok(LoginOutcome { token, expires_at, user: user.into() })
    }

    /// Revokes the token of this request.
    #[tracing::instrument(name = "access.logout", skip_all)]
    pub async fn logout(&self, actor: &Actor) -> Result<AccessToken, ServiceError> {
        let user = rules::require_user(actor, "cerrar la sesión")?;
        self.revoke(actor, user.token_id, "logout").await
    }

    /// Revokes a token: one's own, or anyone's for an administrator. A token
    /// of someone else and a missing one look the same to a non-administrator.
    #[tracing::instrument(name = "access.revoke_token", skip_all)]
    pub async fn revoke_token(&self, actor: &Actor, token_id: Uuid) -> Result<AccessToken, ServiceError> {
        let user = rules::require_user(actor, "revocar tokens")?;
        let row = access_token::Entity::find_by_id(token_id).one(&self.db).await?;
        match row {
            Some(row) if rules::may_manage_token(user, row.user_id) => {
                self.revoke(actor, token_id, "revoke_token").await
            }
            None if user.role == Role::Admin => {
                Err(ServiceError::NotFound("no existe un token con ese id".into()))
            }
            _ => Err(ServiceError::Forbidden("revocar ese token")),
        }
    }

    async fn revoke(&self, actor: &Actor, token_id: Uuid, action: &str) -> Result<AccessToken, ServiceError> {
        let transaction = self.db.begin().await?;
        let row = access_token::Entity::find_by_id(token_id)
            .one(&transaction)
            .await?
            .ok_or_else(|| ServiceError::NotFound("no existe un token con ese id".into()))?;
        if row.revoked_at.is_some() {
            // Already revoked: the same answer again, nothing written.
            return Ok(row.into());
        }
        let before = AccessToken::from(row.clone());
        let mut active: access_token::ActiveModel = row.into();
        active.revoked_at = Set(Some(Utc::now()));
        let row = active.update(&transaction).await?;
        let after = AccessToken::from(row);
        audit::record(
            &transaction,
            actor,
            Change::new(action, "access_token", &token_id.to_string()).before(&before).after(&after),
        )
        .await?;
        outbox::record_session_change(&transaction, token_id).await?;
        transaction.commit().await?;
        self.sessions_changed();
        Ok(after)
    }

    /// A long-lived token for a system acting as this user; the secret is shown once.
    #[tracing::instrument(name = "access.create_api_token", skip_all)]
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        expires_in_days: Option<i64>,
    ) -> Result<NewApiToken, ServiceError> {
        let user = rules::require_user(actor, "crear tokens de API")?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ServiceError::invalid("el nombre del token es obligatorio (hasta 100 caracteres)"));
        }
        let days = expires_in_days.unwrap_or(DEFAULT_API_TOKEN_DAYS);
        if !(1..=MAX_API_TOKEN_DAYS).contains(&days) {
            return Err(ServiceError::invalid(format!(
                "«expiresInDays» debe estar entre 1 y {MAX_API_TOKEN_DAYS} días"
            )));
        }
        let token = secrets::new_token();
        let expires_at = Utc::now() + chrono::Duration::days(days);
        let transaction = self.db.begin().await?;
        let row =
            insert_token(&transaction, user.id, &token, TokenKind::Api, Some(name), Some(expires_at)).await?;
        let access_token = AccessToken::from(row);
        audit::record(
            &transaction,
            actor,
            Change::new("create_api_token", "access_token", &access_token.id.to_string())
                .after(&access_token),
        )
        .await?;
        transaction.commit().await?;
        Ok(NewApiToken { token, access_token })
    }

    /// The caller's own tokens, newest first.
    #[tracing::instrument(name = "access.list_tokens", skip_all)]
    pub async fn list_tokens(
        &self,
        actor: &Actor,
        page: &PageRequest,
    ) -> Result<Page<AccessToken>, ServiceError> {
        let user = rules::require_user(actor, "consultar sus tokens")?;
        let owned = access_token::Entity::find().filter(access_token::Column::UserId.eq(user.id));
        let total_count = owned.clone().count(&self.db).await?;
        let mut query = owned;
        if let Some(after) = &page.after {
            let after = Uuid::parse_str(after)
                .map_err(|_| ServiceError::invalid("el cursor «after» no es válido"))?;
            query = query.filter(access_token::Column::Id.lt(after));
        }
        let rows =
            query.order_by_desc(access_token::Column::Id).limit(page.fetch_limit()).all(&self.db).await?;
        Ok(Page::from_rows(rows.into_iter().map(Into::into).collect(), page, total_count))
    }

    /// Creates a user (administrators only).
    #[tracing::instrument(name = "access.create_user", skip_all)]
    pub async fn create_user(&self, actor: &Actor, new_user: NewUser) -> Result<User, ServiceError> {
        rules::require_admin(actor, "crear usuarios")?;
        self.insert_user(Some(actor), new_user).await
    }

    /// The audit log, for administrators (`audit::list` checks the role).
    #[tracing::instrument(name = "access.audit_log", skip_all)]
    pub async fn audit_log(
        &self,
        actor: &Actor,
        filter: &audit::AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<audit::AuditEntry>, ServiceError> {
        audit::list(&self.db, actor, filter, page).await
    }

    /// Creates a user from the command line, where the operator of the machine
    /// is trusted (how the first administrator comes to exist).
    pub async fn create_user_as_system(&self, new_user: NewUser) -> Result<User, ServiceError> {
        self.insert_user(None, new_user).await
    }

    async fn insert_user(&self, actor: Option<&Actor>, new_user: NewUser) -> Result<User, ServiceError> {
        let email = Email::parse(&new_user.email)?;
        let name = new_user.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ServiceError::invalid("el nombre es obligatorio (hasta 200 caracteres)"));
        }
        check_new_password(&new_user.password)?;
        let entity_code = new_user.entity_code.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let organisation_code =
            new_user.organisation_code.as_deref().map(str::trim).filter(|c| !c.is_empty());
        rules::check_user_scope(new_user.role, entity_code, organisation_code)?;
        if let Some(code) = entity_code {
            let code = DivipolaCode::parse(code)?;
            if self.territory.find(&code).await?.is_none() {
                return Err(ServiceError::invalid(format!(
                    "no existe la entidad territorial {}",
                    code.as_str()
                )));
            }
        }
        if let Some(code) = organisation_code {
            if organisation::Entity::find_by_id(code).one(&self.db).await?.is_none() {
                return Err(ServiceError::invalid(format!("no existe la organización «{code}»")));
            }
        }
        let password_hash = secrets::hash_password(new_user.password).await?;
        let now = Utc::now();
        let row = app_user::ActiveModel {
            id: Set(Uuid::now_v7()),
            email: Set(email.as_str().to_owned()),
            name: Set(name),
            role: Set(new_user.role.as_db().to_owned()),
            entity_code: Set(entity_code.map(str::to_owned)),
            organisation_code: Set(organisation_code.map(str::to_owned)),
            password_hash: Set(password_hash),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let transaction = self.db.begin().await?;
        let row = row.insert(&transaction).await.map_err(|error| match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                ServiceError::Conflict(format!("ya existe un usuario con el correo {}", email.as_str()))
            }
            _ => error.into(),
        })?;
        let user = User::from(row);
        let user_id = user.id.to_string();
        let change = Change::new("create_user", "user", &user_id).after(&user);
        match actor {
            Some(actor) => audit::record(&transaction, actor, change).await?,
            None => audit::record_as(&transaction, None, audit::SYSTEM_LABEL, change).await?,
        }
        transaction.commit().await?;
        Ok(user)
    }

    /// Activates or deactivates a user (administrators only); a deactivated
    /// user's tokens stop working at once.
    #[tracing::instrument(name = "access.set_user_active", skip_all)]
    pub async fn set_user_active(
        &self,
        actor: &Actor,
        user_id: Uuid,
        active: bool,
    ) -> Result<User, ServiceError> {
        let admin = rules::require_admin(actor, "activar o desactivar usuarios")?;
        if admin.id == user_id && !active {
            return Err(ServiceError::invalid("un administrador no puede desactivarse a sí mismo"));
        }
        let transaction = self.db.begin().await?;
        let row = app_user::Entity::find_by_id(user_id)
            .one(&transaction)
            .await?
            .ok_or_else(|| ServiceError::NotFound("no existe un usuario con ese id".into()))?;
        let before = User::from(row.clone());
        let mut changed: app_user::ActiveModel = row.into();
        changed.active = Set(active);
        changed.updated_at = Set(Utc::now());
        let after = User::from(changed.update(&transaction).await?);
        audit::record(
            &transaction,
            actor,
            Change::new("set_user_active", "user", &user_id.to_string()).before(&before).after(&after),
        )
        .await?;
        outbox::record_session_change(&transaction, user_id).await?;
        transaction.commit().await?;
        self.sessions_changed();
        Ok(after)
    }

    /// The signed-in user's own record.
    pub async fn me(&self, actor: &Actor) -> Result<Option<User>, ServiceError> {
        let Some(user) = actor.user() else { return Ok(None) };
        Ok(app_user::Entity::find_by_id(user.id).one(&self.db).await?.map(Into::into))
    }

    /// Users in e-mail order (administrators only).
    #[tracing::instrument(name = "access.list_users", skip_all)]
    pub async fn list_users(&self, actor: &Actor, page: &PageRequest) -> Result<Page<User>, ServiceError> {
        rules::require_admin(actor, "consultar los usuarios")?;
        let total_count = app_user::Entity::find().count(&self.db).await?;
        let mut query = app_user::Entity::find();
        if let Some(after) = &page.after {
            query = query.filter(app_user::Column::Email.gt(after.as_str()));
        }
        let rows =
            query.order_by_asc(app_user::Column::Email).limit(page.fetch_limit()).all(&self.db).await?;
        Ok(Page::from_rows(rows.into_iter().map(Into::into).collect(), page, total_count))
    }

    /// Creates an organisation (administrators only).
    #[tracing::instrument(name = "access.create_organisation", skip_all)]
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        new: NewOrganisation,
    ) -> Result<Organisation, ServiceError> {
        rules::require_admin(actor, "crear organizaciones")?;
        let code = new.code.trim().to_uppercase();
        let code_is_valid = (2..=32).contains(&code.len())
            && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !code_is_valid {
            return Err(ServiceError::invalid(
                "el código de la organización tiene de 2 a 32 letras sin tildes, dígitos, «-» o «_»",
            ));
        }
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ServiceError::invalid("el nombre es obligatorio (hasta 200 caracteres)"));
        }
        let transaction = self.db.begin().await?;
        let row = organisation::ActiveModel {
            code: Set(code.clone()),
            name: Set(name.to_owned()),
            kind: Set(new.kind.as_db().to_owned()),
            commission_member: Set(false),
            created_at: Set(Utc::now()),
        }
        .insert(&transaction)
        .await
        .map_err(|error| match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                ServiceError::Conflict(format!("ya existe una organización con el código {code}"))
            }
            _ => error.into(),
        })?;
        let created = Organisation::from(row);
        audit::record(
            &transaction,
            actor,
            Change::new("create_organisation", "organisation", &code).after(&created),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    /// Organisations in code order, optionally of one kind (public).
    #[tracing::instrument(name = "access.list_organisations", skip_all)]
    pub async fn list_organisations(
        &self,
        kind: Option<OrganisationKind>,
        page: &PageRequest,
    ) -> Result<Page<Organisation>, ServiceError> {
        let mut filtered = organisation::Entity::find();
        if let Some(kind) = kind {
            filtered = filtered.filter(organisation::Column::Kind.eq(kind.as_db()));
        }
        let total_count = filtered.clone().count(&self.db).await?;
        let mut query = filtered;
        if let Some(after) = &page.after {
            query = query.filter(organisation::Column::Code.gt(after.as_str()));
        }
        let rows =
            query.order_by_asc(organisation::Column::Code).limit(page.fetch_limit()).all(&self.db).await?;
        Ok(Page::from_rows(rows.into_iter().map(Into::into).collect(), page, total_count))
    }

    /// Whether an organisation exists (other contexts name organisations).
    pub async fn organisation_exists(db: &DatabaseConnection, code: &str) -> Result<bool, ServiceError> {
        Ok(organisation::Entity::find_by_id(code).one(db).await?.is_some())
    }

    /// Users by id in one query (other contexts name learners and mentors).
    pub async fn find_users(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, User>, ServiceError> {
        let rows = app_user::Entity::find()
            .filter(app_user::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|row| (row.id, User::from(row))).collect())
    }

    /// One user by e-mail, however it is typed (other contexts name users by address).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, ServiceError> {
        let email = email.trim().to_lowercase();
        let row = app_user::Entity::find().filter(app_user::Column::Email.eq(email)).one(&self.db).await?;
        Ok(row.map(Into::into))
    }

    /// Organisations by code in one query (the DataLoader's batch).
    pub async fn find_organisations(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, Organisation>, ServiceError> {
        let rows = organisation::Entity::find()
            .filter(organisation::Column::Code.is_in(codes.iter().cloned()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|row| (row.code.clone(), row.into())).collect())
    }
}

pub(super) async fn insert_token(
    connection: &impl sea_orm::ConnectionTrait,
    user_id: Uuid,
    token: &str,
    kind: TokenKind,
    name: Option<&str>,
    expires_at: Option<DateTime<Utc>>,
) -> Result<access_token::Model, ServiceError> {
    let row = access_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        token_hash: Set(secrets::token_hash(token)),
        kind: Set(kind.as_db().to_owned()),
        name: Set(name.map(str::to_owned)),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    };
    Ok(row.insert(connection).await?)
}
