//! GraphQL of access: parse, call the service, shape the answer.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context, InputObject, Json, Object, SimpleObject, ID,
};
use chrono::{DateTime, Utc};

use super::{
    model::{AccessToken, Organisation, OrganisationKind, TokenKind, User},
    service::{AccessService, NewOrganisation, NewUser},
};
use crate::{
    audit::{AuditEntry, AuditFilter},
    authorisation::{Actor, Role},
    connection::{connection, parse_id, CountedConnection},
    error::{ApiResult, ServiceError},
    pagination::PageRequest,
    territory::{loader::TerritoryLoader, resolvers::TerritorialEntityNode},
};

/// The client's network address, for limits on anonymous traffic and logins.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// En una instancia de demostración, los usuarios de demostración y su contraseña común
    /// (datos sintéticos); `null` en cualquier otra.
    async fn demo_access(&self, ctx: &Context<'_>) -> ApiResult<Option<DemoAccessNode>> {
        let found = ctx.data::<AccessService>()?.demo_access().await?;
        Ok(found.map(|d| DemoAccessNode {
            password: d.password.to_owned(),
            users: d.users.into_iter().map(UserNode).collect(),
        }))
    }

    /// El usuario de la sesión; `null` sin sesión.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Option<UserNode>> {
        let actor = ctx.data::<Actor>()?;
        Ok(ctx.data::<AccessService>()?.me(actor).await?.map(UserNode))
    }

    /// Organizaciones: entidades nacionales, agencias de cooperación, universidades y asociaciones.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        kind: Option<OrganisationKind>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<OrganisationNode>> {
        let page = PageRequest::parse(first, after)?;
        let found = ctx.data::<AccessService>()?.list_organisations(kind, &page).await?;
        Ok(connection(found, &page, |o| o.code.clone(), OrganisationNode))
    }

    /// Usuarios (solo administradores).
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<UserNode>> {
        let page = PageRequest::parse(first, after)?;
        let found = ctx.data::<AccessService>()?.list_users(ctx.data::<Actor>()?, &page).await?;
        Ok(connection(found, &page, |u| u.email.clone(), UserNode))
    }

    /// Los tokens propios, del más reciente al más antiguo.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn access_tokens(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<AccessTokenNode>> {
        let page = PageRequest::parse(first, after)?;
        let found = ctx.data::<AccessService>()?.list_tokens(ctx.data::<Actor>()?, &page).await?;
        Ok(connection(found, &page, |t| t.id.to_string(), AccessTokenNode))
    }

    /// Registro de auditoría, del más reciente al más antiguo (solo administradores).
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditLogFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<AuditEntryNode>> {
        let page = PageRequest::parse(first, after)?;
        let filter = filter.unwrap_or_default();
        let filter = AuditFilter {
            object_type: filter.object_type,
            object_id: filter.object_id,
            actor_id: filter.actor_id.as_ref().map(|id| parse_id(id, "usuario")).transpose()?,
            action: filter.action,
        };
        let found = ctx.data::<AccessService>()?.audit_log(ctx.data::<Actor>()?, &filter, &page).await?;
        Ok(connection(found, &page, |e| e.id.to_string(), AuditEntryNode))
    }
}

/// Filtro del registro de auditoría; los criterios se combinan (Y).
#[derive(InputObject, Default)]
pub struct AuditLogFilter {
    /// Tipo de objeto: `user`, `access_token`, `organisation`, `territorial_entity`…
    pub object_type: Option<String>,
    /// Id del objeto.
    pub object_id: Option<String>,
    /// Id del usuario que hizo el cambio.
    pub actor_id: Option<ID>,
    /// Acción: `login`, `create_user`…
    pub action: Option<String>,
}

/// Datos de un usuario nuevo.
#[derive(InputObject)]
pub struct CreateUserInput {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Código DIVIPOLA de la entidad, para un usuario TERRITORIAL.
    pub entity_code: Option<String>,
    /// Código de la organización, para un usuario NATIONAL o SECRETARIAT.
    pub organisation_code: Option<String>,
    /// Contraseña inicial (al menos 12 caracteres).
    pub password: String,
}

/// Datos de una organización nueva.
#[derive(InputObject)]
pub struct CreateOrganisationInput {
    /// Código corto en mayúsculas, p. ej. `MINTIC`.
    pub code: String,
    pub name: String,
    pub kind: OrganisationKind,
}

/// Autorregistro de una persona.
#[derive(InputObject)]
pub struct RegisterPersonInput {
    pub email: String,
    /// Nombre completo.
    pub name: String,
    /// Contraseña (al menos 12 caracteres).
    pub password: String,
}

#[derive(SimpleObject)]
pub struct RegisterPersonPayload {
    /// Qué sigue: confirmar desde el correo.
    message: String,
}

#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Token de sesión: envíelo como `Authorization: Bearer <token>`.
    token: String,
    expires_at: DateTime<Utc>,
    user: UserNode,
}

#[derive(SimpleObject)]
pub struct AccessTokenPayload {
    access_token: AccessTokenNode,
}

#[derive(SimpleObject)]
pub struct CreateApiTokenPayload {
    /// El secreto del token: se muestra solo esta vez.
    token: String,
    access_token: AccessTokenNode,
}

#[derive(SimpleObject)]
pub struct UserPayload {
    user: UserNode,
}

#[derive(SimpleObject)]
pub struct OrganisationPayload {
    organisation: OrganisationNode,
}

#[derive(Default)]
pub struct AccessMutation;

#[Object]
impl AccessMutation {
    /// Inicia sesión con correo y contraseña.
    async fn login(&self, ctx: &Context<'_>, email: String, password: String) -> ApiResult<LoginPayload> {
        let client = ctx.data::<ClientAddress>()?;
        let outcome = ctx.data::<AccessService>()?.login(&client.0, &email, &password).await?;
        Ok(LoginPayload {
            token: outcome.token,
            expires_at: outcome.expires_at,
            user: UserNode(outcome.user),
        })
    }

    /// Autorregistro de una persona en la Vitrina de las Regiones: envía al correo un
    /// enlace de confirmación (en una instancia de desarrollo, se imprime en el registro).
    /// La respuesta es la misma si el correo ya tiene cuenta.
    async fn register_person(
        &self,
        ctx: &Context<'_>,
        input: RegisterPersonInput,
    ) -> ApiResult<RegisterPersonPayload> {
        let client = ctx.data::<ClientAddress>()?;
        let message = ctx
            .data::<AccessService>()?
            .register_person(&client.0, &input.email, &input.name, &input.password)
            .await?;
        Ok(RegisterPersonPayload { message: message.to_owned() })
    }

    /// Confirma el autorregistro con el token del enlace: crea la cuenta PERSON e inicia sesión.
    async fn confirm_registration(&self, ctx: &Context<'_>, token: String) -> ApiResult<LoginPayload> {
        let outcome = ctx.data::<AccessService>()?.confirm_registration(&token).await?;
        Ok(LoginPayload {
            token: outcome.token,
            expires_at: outcome.expires_at,
            user: UserNode(outcome.user),
        })
    }

    /// Cierra la sesión: revoca el token de esta solicitud.
    async fn logout(&self, ctx: &Context<'_>) -> ApiResult<AccessTokenPayload> {
        let token = ctx.data::<AccessService>()?.logout(ctx.data::<Actor>()?).await?;
        Ok(AccessTokenPayload { access_token: AccessTokenNode(token) })
    }

    /// Revoca un token propio (o cualquiera, un administrador).
    async fn revoke_token(&self, ctx: &Context<'_>, id: ID) -> ApiResult<AccessTokenPayload> {
        let id = parse_id(&id, "token")?;
        let token = ctx.data::<AccessService>()?.revoke_token(ctx.data::<Actor>()?, id).await?;
        Ok(AccessTokenPayload { access_token: AccessTokenNode(token) })
    }

    /// Crea un token de API de larga duración para un sistema que actúa como este usuario.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        name: String,
        #[graphql(desc = "Días de validez (1 a 730; 365 si se omite).")] expires_in_days: Option<i32>,
    ) -> ApiResult<CreateApiTokenPayload> {
        let created = ctx
            .data::<AccessService>()?
            .create_api_token(ctx.data::<Actor>()?, &name, expires_in_days.map(i64::from))
            .await?;
        Ok(CreateApiTokenPayload {
            token: created.token,
            access_token: AccessTokenNode(created.access_token),
        })
    }

    /// Crea un usuario (solo administradores).
    async fn create_user(&self, ctx: &Context<'_>, input: CreateUserInput) -> ApiResult<UserPayload> {
        let new_user = NewUser {
            email: input.email,
            name: input.name,
            role: input.role,
            entity_code: input.entity_code,
            organisation_code: input.organisation_code,
            password: input.password,
        };
        let user = ctx.data::<AccessService>()?.create_user(ctx.data::<Actor>()?, new_user).await?;
        Ok(UserPayload { user: UserNode(user) })
    }

    /// Activa o desactiva un usuario (solo administradores).
    async fn set_user_active(&self, ctx: &Context<'_>, id: ID, active: bool) -> ApiResult<UserPayload> {
        let id = parse_id(&id, "usuario")?;
        let user = ctx.data::<AccessService>()?.set_user_active(ctx.data::<Actor>()?, id, active).await?;
        Ok(UserPayload { user: UserNode(user) })
    }

    /// Un administrador restablece la contraseña de un usuario que la olvidó: la contraseña
    /// temporal se muestra una sola vez y las sesiones abiertas del usuario terminan.
    async fn reset_user_password(&self, ctx: &Context<'_>, id: ID) -> ApiResult<PasswordResetPayload> {
        let id = parse_id(&id, "usuario")?;
        let (user, temporary_password) =
            ctx.data::<AccessService>()?.reset_password(ctx.data::<Actor>()?, id).await?;
        Ok(PasswordResetPayload { user: UserNode(user), temporary_password })
    }

    /// Crea una organización (solo administradores).
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganisationInput,
    ) -> ApiResult<OrganisationPayload> {
        let new = NewOrganisation { code: input.code, name: input.name, kind: input.kind };
        let organisation =
            ctx.data::<AccessService>()?.create_organisation(ctx.data::<Actor>()?, new).await?;
        Ok(OrganisationPayload { organisation: OrganisationNode(organisation) })
    }
}

/// Cómo ingresar a una instancia de demostración.
#[derive(SimpleObject)]
#[graphql(name = "DemoAccess")]
pub struct DemoAccessNode {
    /// La contraseña común de los usuarios de demostración.
    pub password: String,
    pub users: Vec<UserNode>,
}

#[derive(SimpleObject)]
pub struct PasswordResetPayload {
    pub user: UserNode,
    /// Se muestra una sola vez: entréguela al usuario por un canal de confianza.
    pub temporary_password: String,
}

/// Usuario de la plataforma.
pub struct UserNode(pub User);

#[Object(name = "User")]
impl UserNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn email(&self) -> &str {
        &self.0.email
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn role(&self) -> Role {
        self.0.role
    }

    /// Entidad territorial de un usuario TERRITORIAL.
    async fn entity(&self, ctx: &Context<'_>) -> ApiResult<Option<TerritorialEntityNode>> {
        let Some(code) = &self.0.entity_code else { return Ok(None) };
        let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
        Ok(loader.load_one(code.clone()).await?.map(TerritorialEntityNode))
    }

    /// Organización de un usuario NATIONAL o SECRETARIAT.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<OrganisationNode>> {
        let Some(code) = &self.0.organisation_code else { return Ok(None) };
        let loader = ctx.data::<DataLoader<AccessLoader>>()?;
        Ok(loader.load_one(OrganisationCode(code.clone())).await?.map(OrganisationNode))
    }

    async fn active(&self) -> bool {
        self.0.active
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Organización: entidad nacional, agencia de cooperación, universidad o asociación.
pub struct OrganisationNode(pub Organisation);

#[Object(name = "Organisation")]
impl OrganisationNode {
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn kind(&self) -> OrganisationKind {
        self.0.kind
    }

    /// Miembro con voto de la Comisión Intersectorial (decreto, art. 2.2.11.4.3).
    async fn commission_member(&self) -> bool {
        self.0.commission_member
    }
}

/// Token de acceso (sin su secreto).
pub struct AccessTokenNode(pub AccessToken);

#[Object(name = "AccessToken")]
impl AccessTokenNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn kind(&self) -> TokenKind {
        self.0.kind
    }

    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// Entrada del registro de auditoría: quién, cuándo, qué objeto, antes y después.
pub struct AuditEntryNode(pub AuditEntry);

#[Object(name = "AuditEntry")]
impl AuditEntryNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    async fn actor_id(&self) -> Option<ID> {
        self.0.actor_id.map(|id| ID(id.to_string()))
    }

    /// Correo del usuario, o «sistema (línea de órdenes)».
    async fn actor_label(&self) -> &str {
        &self.0.actor_label
    }

    async fn action(&self) -> &str {
        &self.0.action
    }

    async fn object_type(&self) -> &str {
        &self.0.object_type
    }

    async fn object_id(&self) -> &str {
        &self.0.object_id
    }

    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.clone().map(Json)
    }

    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.clone().map(Json)
    }
}

/// Batch loading of organisations (no N+1 over users).
pub struct AccessLoader(pub std::sync::Arc<AccessService>);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrganisationCode(pub String);

impl Loader<OrganisationCode> for AccessLoader {
    type Value = Organisation;
    type Error = Arc<ServiceError>;

    async fn load(
        &self,
        keys: &[OrganisationCode],
    ) -> Result<HashMap<OrganisationCode, Organisation>, Self::Error> {
        let codes: Vec<String> = keys.iter().map(|key| key.0.clone()).collect();
        let found = self.0.find_organisations(&codes).await.map_err(Arc::new)?;
        Ok(found.into_iter().map(|(code, organisation)| (OrganisationCode(code), organisation)).collect())
    }
}
