//! Who may do what: plain functions, called by every service on every write,
//! and tested without a database.

use super::{Actor, AuthUser, Role};
use crate::error::ServiceError;

/// Any signed-in user; anonymous callers are told to sign in.
pub fn require_user<'a>(actor: &'a Actor, action: &'static str) -> Result<&'a AuthUser, ServiceError> {
    actor.user().ok_or_else(|| ServiceError::sign_in_required(action))
}

/// A signed-in user with one of `roles`.
pub fn require_role<'a>(
    actor: &'a Actor,
    roles: &[Role],
    action: &'static str,
) -> Result<&'a AuthUser, ServiceError> {
    let user = require_user(actor, action)?;
    if roles.contains(&user.role) {
        Ok(user)
    } else {
        Err(ServiceError::Forbidden(action))
    }
}

/// Users and catalogues are the administrator's.
pub fn require_admin<'a>(actor: &'a Actor, action: &'static str) -> Result<&'a AuthUser, ServiceError> {
    require_role(actor, &[Role::Admin], action)
}

/// A territorial user writes for its own entity; a department's user also for
/// the municipal units of its department (the cross-level case).
/// `entity_department` is the department code of the entity written for.
pub fn may_write_for_entity(user: &AuthUser, entity_code: &str, entity_department: Option<&str>) -> bool {
    if user.role != Role::Territorial {
        return false;
    }
    user.entity_code.as_deref().is_some_and(|own| in_jurisdiction(own, entity_code, entity_department))
}

/// Whether `reporter` may report about an entity: itself, or, for a
/// department, the municipal units of that department.
pub fn in_jurisdiction(reporter: &str, entity_code: &str, entity_department: Option<&str>) -> bool {
    reporter == entity_code || (reporter.len() == 2 && entity_department == Some(reporter))
}

/// A national user writes only for its own organisation.
pub fn may_write_for_organisation(user: &AuthUser, organisation_code: &str) -> bool {
    user.role == Role::National && user.organisation_code.as_deref() == Some(organisation_code)
}

/// Función Pública (DAFP) designs and administers the catalogue of the
/// classification of spending (Mission proposal 1.a).
pub const FUNCION_PUBLICA: &str = "DAFP";

/// Only Función Pública's own users (its national staff or the technical
/// secretariat it runs) approve or reject changes to that catalogue.
pub fn administers_classification(user: &AuthUser) -> bool {
    matches!(user.role, Role::National | Role::Secretariat)
        && user.organisation_code.as_deref() == Some(FUNCION_PUBLICA)
}

/// A token is managed by its owner, or by an administrator.
pub fn may_manage_token(user: &AuthUser, token_owner: uuid::Uuid) -> bool {
    user.id == token_owner || user.role == Role::Admin
}

/// The scope a role requires when a user is created: exactly one entity for a
/// territorial user, one organisation for a national or secretariat user.
pub fn check_user_scope(
    role: Role,
    entity_code: Option<&str>,
    organisation_code: Option<&str>,
) -> Result<(), ServiceError> {
    match (role, entity_code, organisation_code) {
        (Role::Public, _, _) => {
            Err(ServiceError::invalid("PUBLIC es el acceso anónimo: no se asigna a un usuario"))
        }
        (Role::Territorial, Some(_), None) => Ok(()),
        (Role::Territorial, _, _) => Err(ServiceError::invalid(
            "un usuario TERRITORIAL se liga a una entidad («entityCode») y a ninguna organización",
        )),
        (Role::National | Role::Secretariat, None, Some(_)) => Ok(()),
        (Role::National | Role::Secretariat, _, _) => Err(ServiceError::invalid(
            "un usuario NATIONAL o SECRETARIAT se liga a una organización («organisationCode») y a ninguna entidad",
        )),
        (Role::Person, _, _) => Err(ServiceError::invalid(
            "un usuario PERSON se crea solo por autorregistro en la Vitrina de las Regiones",
        )),
        (Role::Admin, None, None) => Ok(()),
        (Role::Admin, _, _) => Err(ServiceError::invalid("un usuario ADMIN no se liga a entidad ni organización")),
    }
}

/// A person's own data is theirs alone: only a PERSON acts on it, for themself.
pub fn require_person<'a>(actor: &'a Actor, action: &'static str) -> Result<&'a AuthUser, ServiceError> {
    require_role(actor, &[Role::Person], action)
}

/// Vacancies and transfers are their territorial entity's (a department's
/// team also for its municipalities); the administrator manages any.
pub fn may_manage_talent_for(user: &AuthUser, entity_code: &str, entity_department: Option<&str>) -> bool {
    user.role == Role::Admin || may_write_for_entity(user, entity_code, entity_department)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn user(role: Role, entity: Option<&str>, organisation: Option<&str>) -> AuthUser {
        AuthUser {
            id: Uuid::new_v4(),
            email: "x@y.co".into(),
            name: "X".into(),
            role,
            entity_code: entity.map(str::to_owned),
            organisation_code: organisation.map(str::to_owned),
            token_id: Uuid::new_v4(),
        }
    }

    #[test]
    fn anonymous_must_sign_in_and_roles_are_enforced() {
        let error = require_user(&Actor::Anonymous, "crear un token").unwrap_err();
        assert!(matches!(error, ServiceError::Unauthenticated(_)));
        let national = Actor::User(user(Role::National, None, Some("DNP")));
        assert!(matches!(require_admin(&national, "crear usuarios"), Err(ServiceError::Forbidden(_))));
        let admin = Actor::User(user(Role::Admin, None, None));
        assert!(require_admin(&admin, "crear usuarios").is_ok());
    }

    #[test]
    fn territorial_users_write_for_themselves_and_departments_for_their_municipalities() {
        let medellin = user(Role::Territorial, Some("05001"), None);
        assert!(may_write_for_entity(&medellin, "05001", Some("05")));
        assert!(!may_write_for_entity(&medellin, "05002", Some("05")));
        assert!(!may_write_for_entity(&medellin, "05", None));
        let antioquia = user(Role::Territorial, Some("05"), None);
        assert!(may_write_for_entity(&antioquia, "05", None));
        assert!(may_write_for_entity(&antioquia, "05002", Some("05")));
        assert!(!may_write_for_entity(&antioquia, "08001", Some("08")));
        let national = user(Role::National, None, Some("DNP"));
        assert!(!may_write_for_entity(&national, "05001", Some("05")));
    }

    #[test]
    fn national_users_write_for_their_organisation_only() {
        let dnp = user(Role::National, None, Some("DNP"));
        assert!(may_write_for_organisation(&dnp, "DNP"));
        assert!(!may_write_for_organisation(&dnp, "MINHACIENDA"));
        let admin = user(Role::Admin, None, None);
        assert!(!may_write_for_organisation(&admin, "DNP"));
    }

    #[test]
    fn only_funcion_publica_administers_the_classification_of_spending() {
        assert!(administers_classification(&user(Role::Secretariat, None, Some("DAFP"))));
        assert!(administers_classification(&user(Role::National, None, Some("DAFP"))));
        assert!(!administers_classification(&user(Role::National, None, Some("DNP"))));
        assert!(!administers_classification(&user(Role::Admin, None, None)));
        assert!(!administers_classification(&user(Role::Territorial, Some("05001"), None)));
    }

    #[test]
    fn tokens_are_managed_by_their_owner_or_an_admin() {
        let owner = user(Role::Territorial, Some("05001"), None);
        let other = user(Role::Territorial, Some("05002"), None);
        let admin = user(Role::Admin, None, None);
        assert!(may_manage_token(&owner, owner.id));
        assert!(!may_manage_token(&other, owner.id));
        assert!(may_manage_token(&admin, owner.id));
    }

    #[test]
    fn each_role_has_its_scope() {
        assert!(check_user_scope(Role::Territorial, Some("05001"), None).is_ok());
        assert!(check_user_scope(Role::Territorial, None, Some("DNP")).is_err());
        assert!(check_user_scope(Role::National, None, Some("DNP")).is_ok());
        assert!(check_user_scope(Role::National, Some("05001"), Some("DNP")).is_err());
        assert!(check_user_scope(Role::Admin, None, None).is_ok());
        assert!(check_user_scope(Role::Public, None, None).is_err());
        assert!(check_user_scope(Role::Person, None, None).is_err(), "only self-registration makes a person");
    }

    #[test]
    fn a_person_acts_only_as_a_person_and_entities_manage_their_own_vacancies() {
        let person = Actor::User(user(Role::Person, None, None));
        assert!(require_person(&person, "ver su perfil").is_ok());
        let admin = Actor::User(user(Role::Admin, None, None));
        assert!(matches!(require_person(&admin, "ver su perfil"), Err(ServiceError::Forbidden(_))));
        let medellin = user(Role::Territorial, Some("05001"), None);
        assert!(may_manage_talent_for(&medellin, "05001", Some("05")));
        assert!(!may_manage_talent_for(&medellin, "05266", Some("05")));
        assert!(may_manage_talent_for(&user(Role::Admin, None, None), "05266", Some("05")));
        assert!(!may_manage_talent_for(&user(Role::Person, None, None), "05001", Some("05")));
        assert_eq!(Actor::User(user(Role::Person, None, None)).label(), crate::authorisation::PERSON_LABEL);
    }
}
