//! Domain types of access.

pub use crate::authorisation::{Actor, AuthUser, Role};

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::error::ServiceError;

/// A user as administrators see it. Never carries the password hash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub entity_code: Option<String>,
    pub organisation_code: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// Tipo de organización.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrganisationKind {
    /// Entidad del orden nacional (ministerio, departamento administrativo, agencia).
    NationalEntity,
    /// Agencia o socio de cooperación internacional.
    CooperationAgency,
    /// Universidad o centro de investigación.
    University,
    /// Asociación o federación de entidades territoriales.
    Association,
}

impl OrganisationKind {
    const ALL: [Self; 4] =
        [Self::NationalEntity, Self::CooperationAgency, Self::University, Self::Association];

    pub fn as_db(self) -> &'static str {
        match self {
            Self::NationalEntity => "NATIONAL_ENTITY",
            Self::CooperationAgency => "COOPERATION_AGENCY",
            Self::University => "UNIVERSITY",
            Self::Association => "ASSOCIATION",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_db() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organisation {
    pub code: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub commission_member: bool,
}

/// Tipo de token.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenKind {
    /// Sesión iniciada con correo y contraseña; vence en horas.
    Session,
    /// Token de larga duración para sistemas que consumen la API.
    Api,
}

impl TokenKind {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Session => "SESSION",
            Self::Api => "API",
        }
    }

    pub fn from_db(value: &str) -> Self {
        if value == "API" {
            Self::Api
        } else {
            Self::Session
        }
    }
}

/// A token as its owner sees it: never the secret, which is shown once at creation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccessToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: TokenKind,
    pub name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A normalised e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, ServiceError> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            })
            && !email.chars().any(char::is_whitespace)
            && email.matches('@').count() == 1;
        if valid {
            Ok(Self(email))
        } else {
            Err(ServiceError::invalid(format!("«{}» no es un correo electrónico válido", raw.trim())))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const MIN_PASSWORD_CHARS: usize = 12;
/// Bounded so a huge "password" cannot make hashing a denial of service.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A password fit to be set (login accepts whatever was set).
pub fn check_new_password(password: &str) -> Result<(), ServiceError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(ServiceError::invalid(format!(
            "la contraseña debe tener al menos {MIN_PASSWORD_CHARS} caracteres"
        )));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(ServiceError::invalid(format!(
            "la contraseña admite como máximo {MAX_PASSWORD_CHARS} caracteres"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ana.Perez@Medellin.GOV.co ").expect("valid").as_str(),
            "ana.perez@medellin.gov.co"
        );
        for bad in ["", "ana", "ana@", "@x.co", "ana@x", "a b@x.co", "a@@x.co", "a@x.co."] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn new_passwords_have_bounds() {
        assert!(check_new_password("corta").is_err());
        assert!(check_new_password("una frase larga de paso").is_ok());
        assert!(check_new_password(&"x".repeat(129)).is_err());
    }

    #[test]
    fn public_is_never_stored() {
        assert_eq!(Role::from_db("PUBLIC"), None);
        assert_eq!(Role::from_db("ADMIN"), Some(Role::Admin));
    }
}
