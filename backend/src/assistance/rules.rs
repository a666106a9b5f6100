//! Who may do what in the assistance market: plain functions.

use crate::{
    access::{rules, AuthUser, Role},
    error::ServiceError,
};

/// Offers belong to a national entity or cooperation agency: its users manage
/// them; an administrator manages any.
pub fn may_manage_offer(user: &AuthUser, organisation_code: &str) -> bool {
    user.role == Role::Admin || rules::may_write_for_organisation(user, organisation_code)
}

/// The organisation a new offer belongs to.
pub fn offer_owner(user: &AuthUser, requested: Option<&str>) -> Result<String, ServiceError> {
    const ACTION: &str = "registrar ofertas a nombre de otra organización";
    match (user.role, requested) {
        (Role::Admin, Some(code)) => Ok(code.to_owned()),
        (Role::Admin, None) => Err(ServiceError::invalid(
            "un administrador debe indicar la organización oferente («organisationCode»)",
        )),
        (Role::National, requested) => {
            let own = user.organisation_code.as_deref().ok_or(ServiceError::Forbidden(ACTION))?;
            match requested {
                Some(code) if code != own => Err(ServiceError::Forbidden(ACTION)),
                _ => Ok(own.to_owned()),
            }
        }
        _ => Err(ServiceError::Forbidden("registrar ofertas de asistencia técnica")),
    }
}

/// Demands belong to a territorial entity: its users (a department's also for
/// its municipalities) manage them; an administrator manages any.
pub fn may_manage_demand(user: &AuthUser, entity_code: &str, entity_department: Option<&str>) -> bool {
    user.role == Role::Admin || rules::may_write_for_entity(user, entity_code, entity_department)
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
    fn offers_are_their_organisations() {
        let giz = user(Role::National, None, Some("GIZ"));
        assert_eq!(offer_owner(&giz, None).expect("own"), "GIZ");
        assert!(offer_owner(&giz, Some("DNP")).is_err());
        assert!(may_manage_offer(&giz, "GIZ") && !may_manage_offer(&giz, "DNP"));
        let territorial = user(Role::Territorial, Some("05002"), None);
        assert!(matches!(offer_owner(&territorial, None), Err(ServiceError::Forbidden(_))));
        assert!(may_manage_offer(&user(Role::Admin, None, None), "DNP"));
    }

    #[test]
    fn demands_are_their_entities() {
        let antioquia = user(Role::Territorial, Some("05"), None);
        assert!(may_manage_demand(&antioquia, "05002", Some("05")));
        assert!(!may_manage_demand(&antioquia, "52835", Some("52")));
        assert!(!may_manage_demand(&user(Role::National, None, Some("DNP")), "05002", Some("05")));
    }
}
