//! Who may sit as a special invitee (decree art. 2.2.11.4.3, par. 1 and 2),
//! as plain functions. The decree seats the associations of territorial
//! entities by itself; the RAP delegate and the representative of the
//! associative schemes sit by the procedure the internal rules set (the RAP
//! seat alternates among the RAPs, in the rules' order, for the rules'
//! term); every other kind sits only if the rules admit it.

use chrono::{Datelike, Months, NaiveDate};

use super::model::{InternalRules, InviteeKind};

/// The longest term a RAP may hold the seat.
pub const MAX_ROTATION_MONTHS: u32 = 60;

/// A seat held by one invitee at a time: a newly designated one takes it.
pub fn single_seat(kind: InviteeKind) -> bool {
    matches!(kind, InviteeKind::RapDelegate | InviteeKind::AssociativeSchemes)
}

/// The RAP whose delegate holds the seat on `on`, and the last day of its
/// turn: the rotation starts the day the rules take effect, each RAP in
/// order for `months`, then again from the first.
pub fn rap_in_turn(rules: &InternalRules, on: NaiveDate) -> Option<(&str, NaiveDate)> {
    let (from, months) = (rules.effective_from, rules.rotation_months);
    if rules.rap_rotation.is_empty() || months == 0 || on < from {
        return None;
    }
    let mut elapsed = (on.year() - from.year()) * 12 + on.month() as i32 - from.month() as i32;
    if on.day() < from.day() {
        elapsed -= 1;
    }
    let turn = u32::try_from(elapsed.max(0)).ok()? / months;
    let code = rules.rap_rotation.get(turn as usize % rules.rap_rotation.len())?;
    let start = from.checked_add_months(Months::new(turn * months))?;
    let end = start.checked_add_months(Months::new(months))?.pred_opt()?;
    Some((code.as_str(), end))
}

/// Whether an invitee of `kind` (representing `rap`, for a RAP delegate) may
/// be seated on `on` under the rules in force.
pub fn admission(
    kind: InviteeKind,
    rules: Option<&InternalRules>,
    rap: Option<&str>,
    on: NaiveDate,
) -> Result<(), String> {
    if kind == InviteeKind::TerritorialAssociation {
        return Ok(());
    }
    let Some(rules) = rules else {
        return Err(format!(
            "la Comisión aún no ha adoptado su reglamento interno: sin él no hay procedimiento para sentar a un invitado de tipo «{}» (decreto, art. 2.2.11.4.3, parágrafos 1 y 2)",
            kind.spanish()
        ));
    };
    match kind {
        InviteeKind::RapDelegate => {
            let Some(rap) = rap else {
                return Err(
                    "un delegado de las RAP debe indicar la RAP que representa («rapRegionCode»)".into()
                );
            };
            match rap_in_turn(rules, on) {
                Some((turn, _)) if turn == rap => Ok(()),
                Some((turn, until)) => Err(format!(
                    "según el reglamento interno (versión {}), el turno del delegado de las RAP es de {turn} hasta el {until}; {rap} no puede ocupar el puesto ahora",
                    rules.version
                )),
                None => Err(format!(
                    "el reglamento interno (versión {}) no fija la alternancia de las RAP para el {on}",
                    rules.version
                )),
            }
        }
        InviteeKind::AssociativeSchemes => Ok(()),
        other if rules.admitted_kinds.contains(&other) => Ok(()),
        other => Err(format!(
            "el reglamento interno (versión {}) no admite invitados de tipo «{}»; admite: {}",
            rules.version,
            other.spanish(),
            if rules.admitted_kinds.is_empty() {
                "solo los del decreto".to_owned()
            } else {
                rules.admitted_kinds.iter().map(|k| k.spanish()).collect::<Vec<_>>().join(", ")
            }
        )),
    }
}

/// A version's alternation of the RAP seat: known RAPs, none twice, a term
/// of one month to five years.
pub fn check_rotation(rotation: &[String], months: u32, known: &[String]) -> Result<(), String> {
    if !(1..=MAX_ROTATION_MONTHS).contains(&months) {
        return Err(format!(
            "cada RAP ocupa el puesto de 1 a {MAX_ROTATION_MONTHS} meses («rotationMonths»); recibió {months}"
        ));
    }
    if rotation.is_empty() {
        return Err("el reglamento debe fijar el orden de alternancia de las RAP («rapRotation»)".into());
    }
    let mut seen = std::collections::HashSet::new();
    for code in rotation {
        if !known.contains(code) {
            return Err(format!("«{code}» no es una RAP registrada (ver rapRegions)"));
        }
        if !seen.insert(code) {
            return Err(format!("la RAP {code} aparece dos veces en la alternancia"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn rules() -> InternalRules {
        InternalRules {
            version: 1,
            decision_id: uuid::Uuid::nil(),
            text: String::new(),
            admitted_kinds: vec![InviteeKind::Academia],
            rap_rotation: vec!["RAP_PACIFICO".into(), "RAP_CARIBE".into(), "RAP_CENTRAL".into()],
            rotation_months: 12,
            effective_from: date(2026, 3, 15),
            adopted_by: String::new(),
            adopted_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn the_rap_seat_alternates_in_the_rules_order_for_their_term() {
        let rules = rules();
        assert_eq!(rap_in_turn(&rules, date(2026, 3, 14)), None, "not before the rules");
        assert_eq!(rap_in_turn(&rules, date(2026, 3, 15)), Some(("RAP_PACIFICO", date(2027, 3, 14))));
        assert_eq!(rap_in_turn(&rules, date(2027, 3, 14)), Some(("RAP_PACIFICO", date(2027, 3, 14))));
        assert_eq!(rap_in_turn(&rules, date(2027, 3, 15)), Some(("RAP_CARIBE", date(2028, 3, 14))));
        assert_eq!(
            rap_in_turn(&rules, date(2029, 6, 1)),
            Some(("RAP_PACIFICO", date(2030, 3, 14))),
            "again from the first"
        );
    }

    #[test]
    fn the_decree_seats_associations_and_the_rules_everyone_else() {
        let rules = rules();
        let on = date(2026, 6, 1);
        assert!(admission(InviteeKind::TerritorialAssociation, None, None, on).is_ok());
        let without = admission(InviteeKind::RapDelegate, None, Some("RAP_PACIFICO"), on).unwrap_err();
        assert!(without.contains("aún no ha adoptado su reglamento interno"), "{without}");
        assert!(admission(InviteeKind::RapDelegate, Some(&rules), Some("RAP_PACIFICO"), on).is_ok());
        let out_of_turn =
            admission(InviteeKind::RapDelegate, Some(&rules), Some("RAP_CARIBE"), on).unwrap_err();
        assert!(out_of_turn.contains("es de RAP_PACIFICO hasta el 2027-03-14"), "{out_of_turn}");
        assert!(admission(InviteeKind::RapDelegate, Some(&rules), None, on).is_err());
        assert!(admission(InviteeKind::AssociativeSchemes, Some(&rules), None, on).is_ok());
        assert!(admission(InviteeKind::Academia, Some(&rules), None, on).is_ok());
        let citizens = admission(InviteeKind::Citizens, Some(&rules), None, on).unwrap_err();
        assert!(
            citizens.contains("no admite invitados de tipo «ciudadanos»; admite: academia"),
            "{citizens}"
        );
    }

    #[test]
    fn a_rotation_names_known_raps_once_for_a_bounded_term() {
        let known = vec!["RAP_PACIFICO".to_owned(), "RAP_CARIBE".to_owned()];
        let rotation = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert!(check_rotation(&rotation(&["RAP_CARIBE", "RAP_PACIFICO"]), 12, &known).is_ok());
        assert!(check_rotation(&rotation(&["RAP_CARIBE", "RAP_CARIBE"]), 12, &known).is_err());
        assert!(check_rotation(&rotation(&["RAP_NORTE"]), 12, &known).is_err());
        assert!(check_rotation(&rotation(&["RAP_CARIBE"]), 0, &known).is_err());
        assert!(check_rotation(&rotation(&["RAP_CARIBE"]), 61, &known).is_err());
        assert!(check_rotation(&[], 12, &known).is_err());
        assert!(single_seat(InviteeKind::RapDelegate) && !single_seat(InviteeKind::Academia));
    }
}
