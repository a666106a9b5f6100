//! Who may do what in the assistance market: plain functions.

use chrono::NaiveDate;

use crate::{
    authorisation::{rules, AuthUser, Role},
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

/// Who sees a demand: the teams who manage it (the entity's and its
/// department's) and the side that offers and follows assistance (national
/// entities, the secretariat, administrators). One rule for the list, one
/// demand and its recommendations.
pub fn may_see_demand(user: &AuthUser, entity_code: &str, entity_department: Option<&str>) -> bool {
    match user.role {
        Role::Territorial => may_manage_demand(user, entity_code, entity_department),
        // A person of the Vitrina acts only on their own data.
        Role::Person | Role::Public => false,
        Role::National | Role::Secretariat | Role::Admin => true,
    }
}

/// Only the receiving entity's own teams say how the assistance went, once:
/// not the offering side, not an administrator on their behalf, and not the
/// department, which follows its municipalities' demands but did not receive it.
pub fn may_evaluate_delivery(user: &AuthUser, entity_code: &str) -> bool {
    user.role == Role::Territorial && user.entity_code.as_deref() == Some(entity_code)
}

/// The department follows its municipalities' assistance: its teams may
/// comment on a delivery one of them received, without evaluating it.
pub fn may_comment_delivery(user: &AuthUser, entity_department: Option<&str>) -> bool {
    user.role == Role::Territorial
        && entity_department.is_some_and(|department| user.entity_code.as_deref() == Some(department))
}

/// Hours one delivery may last: a long workshop, not a contract.
pub const MAX_DELIVERY_HOURS: f64 = 500.0;

/// A delivery's facts as reported: a real date in the offer's time, a
/// positive duration and at least one participant.
pub fn check_delivery(
    delivered_on: NaiveDate,
    hours: f64,
    participants: i32,
    offer_starts_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), ServiceError> {
    if delivered_on > today {
        return Err(ServiceError::invalid(format!(
            "la fecha de la entrega ({delivered_on}) es futura: se registra lo ya realizado"
        )));
    }
    if delivered_on < offer_starts_on {
        return Err(ServiceError::invalid(format!(
            "la fecha de la entrega ({delivered_on}) es anterior al inicio de la oferta ({offer_starts_on})"
        )));
    }
    if !hours.is_finite() || hours <= 0.0 || hours > MAX_DELIVERY_HOURS {
        return Err(ServiceError::invalid(format!(
            "las horas («hours») deben ser más de 0 y hasta {MAX_DELIVERY_HOURS}"
        )));
    }
    if !(1..=100_000).contains(&participants) {
        return Err(ServiceError::invalid("los participantes («participants») van de 1 a 100.000"));
    }
    Ok(())
}

/// Satisfaction is a 1–5 scale.
pub fn check_satisfaction(satisfaction: i32) -> Result<i16, ServiceError> {
    match i16::try_from(satisfaction) {
        Ok(value) if (1..=5).contains(&value) => Ok(value),
        _ => Err(ServiceError::invalid(format!(
            "la satisfacción va de 1 (nada satisfecha) a 5 (muy satisfecha), no {satisfaction}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn deliveries_are_real_and_evaluations_on_the_scale() {
        let (start, today) = (day(2026, 1, 1), day(2026, 6, 1));
        assert!(check_delivery(day(2026, 3, 1), 4.0, 12, start, today).is_ok());
        assert!(check_delivery(day(2026, 7, 1), 4.0, 12, start, today).is_err(), "future");
        assert!(check_delivery(day(2025, 12, 31), 4.0, 12, start, today).is_err(), "before the offer");
        for hours in [0.0, -1.0, f64::NAN, 501.0] {
            assert!(check_delivery(day(2026, 3, 1), hours, 12, start, today).is_err(), "{hours}");
        }
        assert!(check_delivery(day(2026, 3, 1), 4.0, 0, start, today).is_err());
        assert_eq!(check_satisfaction(5).expect("ok"), 5);
        for wrong in [0, 6, -3, 70_000] {
            assert!(check_satisfaction(wrong).is_err(), "{wrong}");
        }
    }

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

    #[test]
    fn demands_are_seen_by_their_teams_and_the_national_side() {
        let envigado = user(Role::Territorial, Some("05266"), None);
        assert!(!may_see_demand(&envigado, "05002", Some("05")), "another municipality's");
        assert!(may_see_demand(&user(Role::Territorial, Some("05"), None), "05002", Some("05")));
        assert!(may_see_demand(&user(Role::National, None, Some("DNP")), "05002", Some("05")));
        assert!(may_see_demand(&user(Role::Secretariat, None, Some("DAFP")), "05002", Some("05")));
    }

    #[test]
    fn only_the_receiving_entity_evaluates() {
        assert!(may_evaluate_delivery(&user(Role::Territorial, Some("05002"), None), "05002"));
        assert!(
            !may_evaluate_delivery(&user(Role::Territorial, Some("05"), None), "05002"),
            "its department"
        );
        assert!(!may_evaluate_delivery(&user(Role::Admin, None, None), "05002"));
        assert!(!may_evaluate_delivery(&user(Role::National, None, Some("DNP")), "05002"));
    }

    #[test]
    fn only_the_receiving_entitys_department_comments_a_delivery() {
        assert!(may_comment_delivery(&user(Role::Territorial, Some("05"), None), Some("05")));
        assert!(
            !may_comment_delivery(&user(Role::Territorial, Some("76"), None), Some("05")),
            "another department"
        );
        assert!(
            !may_comment_delivery(&user(Role::Territorial, Some("05002"), None), Some("05")),
            "it evaluates"
        );
        assert!(
            !may_comment_delivery(&user(Role::Territorial, Some("05"), None), None),
            "a department's own"
        );
        assert!(!may_comment_delivery(&user(Role::Admin, None, None), Some("05")));
    }
}
