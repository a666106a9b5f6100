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
    /// Persona que se registró por sí misma en la Vitrina de las Regiones para
    /// ofrecer su talento: solo ve y maneja sus propios datos.
    Person,
}

impl Role {
    pub const ASSIGNABLE: [Role; 4] = [Role::Territorial, Role::National, Role::Secretariat, Role::Admin];
    /// Every role a user row may hold: the assignable ones and PERSON, which
    /// only self-registration creates.
    pub const STORED: [Role; 5] =
        [Role::Territorial, Role::National, Role::Secretariat, Role::Admin, Role::Person];

    pub fn as_db(self) -> &'static str {
        match self {
            Self::Public => "PUBLIC",
            Self::Territorial => "TERRITORIAL",
            Self::National => "NATIONAL",
            Self::Secretariat => "SECRETARIAT",
            Self::Admin => "ADMIN",
            Self::Person => "PERSON",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::STORED.into_iter().find(|role| role.as_db() == value)
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

    /// How the audit log names this actor: never a person's e-mail, which
    /// must go when the person deletes their data (the log keeps the id).
    pub fn label(&self) -> String {
        match self {
            Self::Anonymous => "anónimo".into(),
            Self::User(user) => audit_label(user.role, &user.email),
        }
    }
}

/// The audit log's name for a user: the e-mail of an institutional user, a
/// fixed label for a person (Ley 1581 de 2012: the log outlives their data).
pub fn audit_label(role: Role, email: &str) -> String {
    if role == Role::Person {
        PERSON_LABEL.to_owned()
    } else {
        email.to_owned()
    }
}

/// How the audit log names a person.
pub const PERSON_LABEL: &str = "persona registrada (datos protegidos)";

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
