//! Who is acting and what they may do: the actor of a request, the roles, and
//! the authorisation rules every context's service calls on every write. A
//! platform floor, so that every context (the register included) can reach it;
//! users, tokens and login are the access context's, above it.

pub mod rules;

use serde::Serialize;
use uuid::Uuid;

/// Rol de un usuario. `PUBLIC` es el acceso anónimo, sin sesión.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Ciudadanía e investigadores, sin sesión: solo lectura de lo público.
    Public,
    /// Equipo de una alcaldía o gobernación, ligado a una entidad DIVIPOLA.
    Territorial,
    /// Entidad nacional o agencia de cooperación, ligada a una organización.
    National,
    /// Secretaría técnica de la Comisión (Función Pública).
    Secretariat,
    /// Administración de usuarios y catálogos.
    Admin,
}

impl Role {
    pub const ASSIGNABLE: [Role; 4] = [Role::Territorial, Role::National, Role::Secretariat, Role::Admin];

    pub fn as_db(self) -> &'static str {
        match self {
            Self::Public => "PUBLIC",
            Self::Territorial => "TERRITORIAL",
            Self::National => "NATIONAL",
            Self::Secretariat => "SECRETARIAT",
            Self::Admin => "ADMIN",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ASSIGNABLE.into_iter().find(|role| role.as_db() == value)
    }
}

/// Who is asking: nobody, or a user authenticated by a token.
#[derive(Debug, Clone, PartialEq)]
pub enum Actor {
    Anonymous,
    User(AuthUser),
}

impl Actor {
    pub fn user(&self) -> Option<&AuthUser> {
        match self {
            Self::Anonymous => None,
            Self::User(user) => Some(user),
        }
    }

    /// How the audit log names this actor.
    pub fn label(&self) -> String {
        match self {
            Self::Anonymous => "anónimo".into(),
            Self::User(user) => user.email.clone(),
        }
    }
}

/// A user as authenticated for one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthUser {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The DIVIPOLA entity of a TERRITORIAL user.
    pub entity_code: Option<String>,
    /// The organisation of a NATIONAL or SECRETARIAT user.
    pub organisation_code: Option<String>,
    /// The token of this request (what `logout` revokes).
    pub token_id: Uuid,
}
