//! Monitoring's rules (DESIGN, "Monitoring"), as plain functions: what an
//! indicator's value is from the served inputs, its traffic light, and where
//! it stands among its peers.

use std::collections::HashMap;

use super::{
    formula::Expr,
    model::{Direction, Indicator, TrafficLight},
};
use crate::authorisation::{rules::in_jurisdiction, Actor, Role};

/// A served input: its value and whether it is in conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// `None` when the served value is not a number (a stored text in a
    /// numeric element cannot happen, but a value is never guessed).
    pub value: Option<f64>,
    pub in_conflict: bool,
}

/// The result for one entity and period: a value, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    pub value: Option<f64>,
    /// Inputs without a served value, in code order.
    pub missing: Vec<String>,
    /// Inputs in conflict, in code order: the value is flagged, not dropped.
    pub conflicting: Vec<String>,
    /// Why there is no value when every input is there (a division by zero).
    pub reason: Option<String>,
}

/// Computes an indicator from the served inputs: a missing input gives no
/// value and is named; an input in conflict gives a value flagged with it.
pub fn compute(formula: &Expr, inputs: &HashMap<String, Input>) -> Computed {
    let mut missing = Vec::new();
    let mut conflicting = Vec::new();
    let mut values = HashMap::new();
    for code in formula.elements() {
        match inputs.get(&code) {
            Some(Input { value: Some(value), in_conflict }) => {
                if *in_conflict {
                    conflicting.push(code.clone());
                }
                values.insert(code, *value);
            }
            _ => missing.push(code),
        }
    }
    if !missing.is_empty() {
        return Computed { value: None, missing, conflicting, reason: None };
    }
    match formula.evaluate(&values) {
        Some(value) => Computed { value: Some(value), missing, conflicting, reason: None },
        None => Computed {
            value: None,
            missing,
            conflicting,
            reason: Some("división por cero: un denominador reportado vale 0".into()),
        },
    }
}

/// The thresholds of a traffic light must be in order: lower < upper.
pub fn check_thresholds(lower: f64, upper: f64) -> Result<(), String> {
    if !lower.is_finite() || !upper.is_finite() {
        return Err("los umbrales deben ser números".into());
    }
    if lower >= upper {
        return Err(format!(
            "los umbrales están en desorden: el inferior ({lower}) debe ser menor que el superior ({upper})"
        ));
    }
    Ok(())
}

/// The traffic light of a value. Higher is better: green from `upper`, red
/// below `lower`. Lower is better: green up to `lower`, red above `upper`.
/// Yellow in between.
pub fn traffic_light(value: f64, direction: Direction, lower: f64, upper: f64) -> TrafficLight {
    match direction {
        Direction::HigherIsBetter if value >= upper => TrafficLight::Green,
        Direction::HigherIsBetter if value < lower => TrafficLight::Red,
        Direction::LowerIsBetter if value <= lower => TrafficLight::Green,
        Direction::LowerIsBetter if value > upper => TrafficLight::Red,
        _ => TrafficLight::Yellow,
    }
}

/// Median and quartiles of a group of values, and how many it holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub count: usize,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

/// Quartiles by linear interpolation between order statistics (the
/// spreadsheet's QUARTILE.INC), so a reader can check them by hand.
pub fn spread(values: &[f64]) -> Option<Spread> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let at = |fraction: f64| {
        let position = fraction * (sorted.len() - 1) as f64;
        let (below, above) = (position.floor() as usize, position.ceil() as usize);
        sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
    };
    Some(Spread { count: sorted.len(), q1: at(0.25), median: at(0.5), q3: at(0.75) })
}

/// The rank of `value` in its group, 1 the best given the direction; ties
/// share the best rank among them.
pub fn rank(value: f64, group: &[f64], direction: Direction) -> usize {
    let better = group
        .iter()
        .filter(|other| match direction {
            Direction::HigherIsBetter => **other > value,
            Direction::LowerIsBetter => **other < value,
        })
        .count();
    better + 1
}

/// The change from the previous period, when both values exist.
pub fn change(current: Option<f64>, previous: Option<f64>) -> Option<f64> {
    Some(current? - previous?)
}

/// The period before `period` in its own periodicity («2025» → «2024»,
/// «2025-S1» → «2024-S2», «2025-Q1» → «2024-Q4», «2025-01» → «2024-12»).
pub fn previous_period(period: &str) -> Option<String> {
    let (year, rest) = match period.split_once('-') {
        Some((year, rest)) => (year.parse::<i32>().ok()?, Some(rest)),
        None => (period.parse::<i32>().ok()?, None),
    };
    let previous = match rest {
        None => format!("{}", year - 1),
        Some("S1") => format!("{}-S2", year - 1),
        Some("S2") => format!("{year}-S1"),
        Some(quarter) if quarter.starts_with('Q') => match quarter[1..].parse::<u8>().ok()? {
            1 => format!("{}-Q4", year - 1),
            n @ 2..=4 => format!("{year}-Q{}", n - 1),
            _ => return None,
        },
        Some(month) => match month.parse::<u8>().ok()? {
            1 => format!("{}-12", year - 1),
            n @ 2..=12 => format!("{year}-{:02}", n - 1),
            _ => return None,
        },
    };
    Some(previous)
}

/// Whose results of an indicator a caller sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sight {
    /// Every entity's (a public indicator; or the owner, an administrator,
    /// the commission's secretariat on a restricted one).
    Everything,
    /// A territorial team on a restricted indicator: its own entity's results,
    /// and a department's team its municipalities' too.
    Jurisdiction(String),
    /// A restricted indicator, for anyone else (the public among them).
    Nothing,
}

impl Sight {
    /// Whether this sight covers the entity coded `entity` of `department`.
    pub fn covers(&self, entity: &str, department: Option<&str>) -> bool {
        match self {
            Self::Everything => true,
            Self::Jurisdiction(own) => in_jurisdiction(own, entity, department),
            Self::Nothing => false,
        }
    }
}

/// What `actor` sees of `indicator`: everything of a public one; of a
/// restricted one, what its owner decided to share (DESIGN, "Monitoring").
pub fn sight(indicator: &Indicator, actor: &Actor) -> Sight {
    if !indicator.restricted {
        return Sight::Everything;
    }
    let Some(user) = actor.user() else { return Sight::Nothing };
    match user.role {
        Role::Admin | Role::Secretariat => Sight::Everything,
        Role::National if user.organisation_code.as_deref() == Some(indicator.owner_code.as_str()) => {
            Sight::Everything
        }
        Role::Territorial => user.entity_code.clone().map_or(Sight::Nothing, Sight::Jurisdiction),
        _ => Sight::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::formula::parse;

    fn inputs(pairs: &[(&str, Option<f64>, bool)]) -> HashMap<String, Input> {
        pairs
            .iter()
            .map(|(code, value, in_conflict)| {
                (code.to_string(), Input { value: *value, in_conflict: *in_conflict })
            })
            .collect()
    }

    #[test]
    fn a_missing_input_gives_no_value_and_is_named() {
        let formula = parse("MATRICULA / POBLACION * 100").expect("valid");
        let computed = compute(&formula, &inputs(&[("MATRICULA", Some(50.0), false)]));
        assert_eq!(computed.value, None);
        assert_eq!(computed.missing, ["POBLACION"]);
    }

    #[test]
    fn an_input_in_conflict_gives_a_flagged_value() {
        let formula = parse("MATRICULA / POBLACION * 100").expect("valid");
        let computed =
            compute(&formula, &inputs(&[("MATRICULA", Some(50.0), true), ("POBLACION", Some(200.0), false)]));
        assert_eq!(computed.value, Some(25.0));
        assert_eq!(computed.conflicting, ["MATRICULA"]);
        assert!(computed.missing.is_empty());
    }

    #[test]
    fn a_zero_denominator_is_a_reason_not_a_value() {
        let formula = parse("MATRICULA / POBLACION").expect("valid");
        let computed =
            compute(&formula, &inputs(&[("MATRICULA", Some(5.0), false), ("POBLACION", Some(0.0), false)]));
        assert_eq!(computed.value, None);
        assert!(computed.reason.is_some_and(|reason| reason.contains("cero")));
    }

    #[test]
    fn thresholds_must_be_in_order() {
        assert!(check_thresholds(50.0, 80.0).is_ok());
        assert!(check_thresholds(80.0, 50.0).unwrap_err().contains("desorden"));
        assert!(check_thresholds(50.0, 50.0).is_err());
        assert!(check_thresholds(f64::NAN, 50.0).is_err());
    }

    #[test]
    fn the_light_follows_the_direction() {
        use Direction::*;
        use TrafficLight::*;
        assert_eq!(traffic_light(90.0, HigherIsBetter, 50.0, 80.0), Green);
        assert_eq!(traffic_light(80.0, HigherIsBetter, 50.0, 80.0), Green);
        assert_eq!(traffic_light(60.0, HigherIsBetter, 50.0, 80.0), Yellow);
        assert_eq!(traffic_light(49.9, HigherIsBetter, 50.0, 80.0), Red);
        assert_eq!(traffic_light(5.0, LowerIsBetter, 5.0, 14.0), Green);
        assert_eq!(traffic_light(10.0, LowerIsBetter, 5.0, 14.0), Yellow);
        assert_eq!(traffic_light(14.1, LowerIsBetter, 5.0, 14.0), Red);
    }

    #[test]
    fn quartiles_interpolate_like_a_spreadsheet() {
        let spread = spread(&[4.0, 1.0, 3.0, 2.0, 5.0]).expect("values");
        assert_eq!((spread.count, spread.q1, spread.median, spread.q3), (5, 2.0, 3.0, 4.0));
        let even = super::spread(&[1.0, 2.0, 3.0, 4.0]).expect("values");
        assert_eq!((even.q1, even.median, even.q3), (1.75, 2.5, 3.25));
        assert_eq!(super::spread(&[]), None);
        assert_eq!(super::spread(&[7.0]).map(|s| (s.q1, s.median, s.q3)), Some((7.0, 7.0, 7.0)));
    }

    #[test]
    fn rank_one_is_the_best_and_ties_share_it() {
        let group = [10.0, 30.0, 20.0, 30.0];
        assert_eq!(rank(30.0, &group, Direction::HigherIsBetter), 1);
        assert_eq!(rank(20.0, &group, Direction::HigherIsBetter), 3);
        assert_eq!(rank(10.0, &group, Direction::LowerIsBetter), 1);
        assert_eq!(rank(30.0, &group, Direction::LowerIsBetter), 3);
    }

    #[test]
    fn change_and_previous_periods() {
        assert_eq!(change(Some(12.0), Some(10.0)), Some(2.0));
        assert_eq!(change(Some(12.0), None), None);
        for (period, previous) in [
            ("2025", "2024"),
            ("2025-S1", "2024-S2"),
            ("2025-S2", "2025-S1"),
            ("2025-Q1", "2024-Q4"),
            ("2025-Q3", "2025-Q2"),
            ("2025-01", "2024-12"),
            ("2025-10", "2025-09"),
        ] {
            assert_eq!(previous_period(period).as_deref(), Some(previous), "{period}");
        }
        assert_eq!(previous_period("2025-Q9"), None);
    }

    fn restricted(owner: &str) -> Indicator {
        Indicator {
            code: "IND".into(),
            version: 1,
            name: "Indicador".into(),
            competency: "HACIENDA".into(),
            programmatic_unit: None,
            formula: "A / B".into(),
            element_codes: vec!["A".into(), "B".into()],
            unit: "%".into(),
            direction: Direction::HigherIsBetter,
            lower_threshold: 1.0,
            upper_threshold: 2.0,
            periodicity: crate::reporting::model::Periodicity::Annual,
            source_note: "Prueba".into(),
            owner_code: owner.into(),
            restricted: true,
            updated_at: chrono::Utc::now(),
        }
    }

    fn user(role: Role, entity: Option<&str>, organisation: Option<&str>) -> Actor {
        Actor::User(crate::authorisation::AuthUser {
            id: uuid::Uuid::nil(),
            email: "x@y.co".into(),
            name: "X".into(),
            role,
            entity_code: entity.map(Into::into),
            organisation_code: organisation.map(Into::into),
            token_id: uuid::Uuid::nil(),
        })
    }

    #[test]
    fn a_restricted_indicator_is_seen_by_its_owner_and_each_territory_in_its_own() {
        let indicator = restricted("DNP");
        assert_eq!(sight(&indicator, &Actor::Anonymous), Sight::Nothing);
        assert_eq!(sight(&indicator, &user(Role::National, None, Some("DNP"))), Sight::Everything);
        assert_eq!(sight(&indicator, &user(Role::National, None, Some("MINHACIENDA"))), Sight::Nothing);
        assert_eq!(sight(&indicator, &user(Role::Secretariat, None, Some("DAFP"))), Sight::Everything);
        assert_eq!(sight(&indicator, &user(Role::Admin, None, None)), Sight::Everything);
        let municipality = sight(&indicator, &user(Role::Territorial, Some("05001"), None));
        assert!(municipality.covers("05001", Some("05")));
        assert!(!municipality.covers("05002", Some("05")));
        let department = sight(&indicator, &user(Role::Territorial, Some("05"), None));
        assert!(department.covers("05", None) && department.covers("05002", Some("05")));
        assert!(!department.covers("19001", Some("19")));
        let public = Indicator { restricted: false, ..indicator };
        assert_eq!(sight(&public, &Actor::Anonymous), Sight::Everything);
    }
}
