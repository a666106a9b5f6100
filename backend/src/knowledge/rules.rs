//! Who may publish and archive in the knowledge base: plain functions.

use crate::{
    authorisation::{rules, AuthUser, Role},
    error::ServiceError,
};

/// What a product is attributed to after the rules applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    pub organisation_code: Option<String>,
    pub territory_code: Option<String>,
}

/// A national or secretariat user publishes for its organisation; a
/// territorial user for its entity (a department also for its municipal
/// units); an administrator for anyone. `territory_department` is the
/// department of the territory named, when it is a municipal unit.
pub fn attribute(
    user: &AuthUser,
    organisation_code: Option<&str>,
    territory_code: Option<&str>,
    territory_department: Option<&str>,
) -> Result<Attribution, ServiceError> {
    const ACTION: &str = "publicar en la base de conocimiento a nombre de otra organización o entidad";
    match user.role {
        Role::Admin => Ok(Attribution {
            organisation_code: organisation_code.map(str::to_owned),
            territory_code: territory_code.map(str::to_owned),
        }),
        Role::National | Role::Secretariat => {
            let own = user.organisation_code.as_deref().ok_or(ServiceError::Forbidden(ACTION))?;
            if organisation_code.is_some_and(|code| code != own) {
                return Err(ServiceError::Forbidden(ACTION));
            }
            Ok(Attribution {
                organisation_code: Some(own.to_owned()),
                territory_code: territory_code.map(str::to_owned),
            })
        }
        Role::Territorial => {
            let own = user.entity_code.as_deref().ok_or(ServiceError::Forbidden(ACTION))?;
            if organisation_code.is_some() {
                return Err(ServiceError::Forbidden(ACTION));
            }
            let territory = territory_code.unwrap_or(own);
            let department = if territory_code.is_some() { territory_department } else { None };
            if !rules::in_jurisdiction(own, territory, department) {
                return Err(ServiceError::Forbidden(ACTION));
            }
            Ok(Attribution { organisation_code: None, territory_code: Some(territory.to_owned()) })
        }
        Role::Public => Err(ServiceError::sign_in_required("publicar en la base de conocimiento")),
        // A person of the Vitrina acts only on their own data.
        Role::Person => Err(ServiceError::Forbidden("publicar en la base de conocimiento")),
    }
}

/// Archiving: whoever could have published the product, or its author.
pub fn may_archive(
    user: &AuthUser,
    created_by: Option<uuid::Uuid>,
    organisation_code: Option<&str>,
    territory_code: Option<&str>,
    territory_department: Option<&str>,
) -> bool {
    created_by == Some(user.id)
        || user.role == Role::Admin
        || (matches!(user.role, Role::National | Role::Secretariat)
            && organisation_code.is_some()
            && user.organisation_code.as_deref() == organisation_code)
        || (user.role == Role::Territorial
            && organisation_code.is_none()
            && territory_code.is_some_and(|territory| {
                user.entity_code
                    .as_deref()
                    .is_some_and(|own| rules::in_jurisdiction(own, territory, territory_department))
            }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, entity: Option<&str>, organisation: Option<&str>) -> AuthUser {
        AuthUser {
            id: uuid::Uuid::nil(),
            email: "u@x.co".into(),
            name: "U".into(),
            role,
            entity_code: entity.map(str::to_owned),
            organisation_code: organisation.map(str::to_owned),
            token_id: uuid::Uuid::nil(),
        }
    }

    #[test]
    fn national_users_publish_for_their_organisation_only() {
        let dnp = user(Role::National, None, Some("DNP"));
        let own = attribute(&dnp, None, Some("05002"), Some("05")).expect("allowed");
        assert_eq!(own.organisation_code.as_deref(), Some("DNP"));
        assert!(matches!(attribute(&dnp, Some("DAFP"), None, None), Err(ServiceError::Forbidden(_))));
    }

    #[test]
    fn territorial_users_publish_within_their_jurisdiction() {
        let antioquia = user(Role::Territorial, Some("05"), None);
        let abejorral = attribute(&antioquia, None, Some("05002"), Some("05")).expect("its municipality");
        assert_eq!(abejorral.territory_code.as_deref(), Some("05002"));
        assert_eq!(
            attribute(&antioquia, None, None, None).expect("itself").territory_code.as_deref(),
            Some("05")
        );
        assert!(attribute(&antioquia, None, Some("52835"), Some("52")).is_err());
        let municipality = user(Role::Territorial, Some("05002"), None);
        assert!(attribute(&municipality, None, Some("05004"), Some("05")).is_err());
        assert!(attribute(&municipality, Some("DNP"), None, None).is_err());
    }

    #[test]
    fn archiving_follows_authorship_and_scope() {
        let dnp = user(Role::National, None, Some("DNP"));
        assert!(may_archive(&dnp, None, Some("DNP"), None, None));
        assert!(!may_archive(&dnp, None, Some("DAFP"), None, None));
        let abejorral = user(Role::Territorial, Some("05002"), None);
        assert!(may_archive(&abejorral, None, None, Some("05002"), Some("05")));
        assert!(!may_archive(&abejorral, None, Some("DNP"), Some("05002"), Some("05")));
    }
}
