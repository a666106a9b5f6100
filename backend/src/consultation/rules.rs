//! Who takes part in a thread, and the time to a first answer: plain functions.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::model::Side;
use crate::authorisation::{rules, AuthUser, Role};

/// The side `user` speaks for in a thread between `entity_code` and
/// `organisation_code`, or `None` when the user is not a party to it.
pub fn side_of(
    user: &AuthUser,
    entity_code: &str,
    entity_department: Option<&str>,
    organisation_code: &str,
) -> Option<Side> {
    if rules::may_write_for_entity(user, entity_code, entity_department) {
        Some(Side::Territorial)
    } else if matches!(user.role, Role::National | Role::Secretariat)
        && user.organisation_code.as_deref() == Some(organisation_code)
    {
        Some(Side::National)
    } else {
        None
    }
}

/// A thread as the response-time indicator sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadTiming {
    pub organisation_code: String,
    pub opened_by: Side,
    pub created_at: DateTime<Utc>,
    pub first_answer_at: Option<DateTime<Utc>>,
}

/// How fast a national entity answers the territories.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseTime {
    pub organisation_code: String,
    /// Threads the territories opened with it.
    pub threads: u32,
    /// Of those, the ones it has answered.
    pub answered: u32,
    /// Hours to the first answer, over the answered threads.
    pub median_hours: Option<f64>,
    pub average_hours: Option<f64>,
}

/// Per national entity, over the threads a territorial entity opened: the
/// questions are the territories', the answers the nation's.
pub fn response_times(threads: &[ThreadTiming]) -> Vec<ResponseTime> {
    let mut by_organisation: BTreeMap<&str, (u32, Vec<f64>)> = BTreeMap::new();
    for thread in threads.iter().filter(|t| t.opened_by == Side::Territorial) {
        let entry = by_organisation.entry(&thread.organisation_code).or_default();
        entry.0 += 1;
        if let Some(answer) = thread.first_answer_at {
            entry.1.push((answer - thread.created_at).num_seconds().max(0) as f64 / 3_600.0);
        }
    }
    by_organisation
        .into_iter()
        .map(|(organisation, (threads, mut hours))| {
            hours.sort_by(f64::total_cmp);
            let median = match hours.len() {
                0 => None,
                n if n % 2 == 1 => Some(hours[n / 2]),
                n => Some((hours[n / 2 - 1] + hours[n / 2]) / 2.0),
            };
            ResponseTime {
                organisation_code: organisation.to_owned(),
                threads,
                answered: hours.len() as u32,
                median_hours: median,
                average_hours: (!hours.is_empty()).then(|| hours.iter().sum::<f64>() / hours.len() as f64),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

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
    fn the_parties_are_the_entity_and_the_organisation() {
        let abejorral = user(Role::Territorial, Some("05002"), None);
        let antioquia = user(Role::Territorial, Some("05"), None);
        let dnp = user(Role::National, None, Some("DNP"));
        let secretariat = user(Role::Secretariat, None, Some("DAFP"));
        assert_eq!(side_of(&abejorral, "05002", Some("05"), "DNP"), Some(Side::Territorial));
        assert_eq!(side_of(&antioquia, "05002", Some("05"), "DNP"), Some(Side::Territorial));
        assert_eq!(side_of(&dnp, "05002", Some("05"), "DNP"), Some(Side::National));
        assert_eq!(side_of(&secretariat, "05002", Some("05"), "DAFP"), Some(Side::National));
        assert_eq!(side_of(&dnp, "05002", Some("05"), "MINHACIENDA"), None);
        assert_eq!(side_of(&abejorral, "52835", Some("52"), "DNP"), None);
        assert_eq!(side_of(&user(Role::Admin, None, None), "05002", Some("05"), "DNP"), None);
    }

    #[test]
    fn response_times_count_the_territories_questions() {
        let at = |hour: u32| Utc.with_ymd_and_hms(2026, 5, 4, hour, 0, 0).single().expect("time");
        let thread = |organisation: &str, opened_by, answered: Option<u32>| ThreadTiming {
            organisation_code: organisation.into(),
            opened_by,
            created_at: at(8),
            first_answer_at: answered.map(at),
        };
        let rows = response_times(&[
            thread("DNP", Side::Territorial, Some(10)),
            thread("DNP", Side::Territorial, Some(12)),
            thread("DNP", Side::Territorial, Some(20)),
            thread("DNP", Side::Territorial, None),
            thread("DNP", Side::National, Some(9)),
            thread("ESAP", Side::Territorial, None),
        ]);
        assert_eq!(
            rows,
            [
                ResponseTime {
                    organisation_code: "DNP".into(),
                    threads: 4,
                    answered: 3,
                    median_hours: Some(4.0),
                    average_hours: Some(6.0),
                },
                ResponseTime {
                    organisation_code: "ESAP".into(),
                    threads: 1,
                    answered: 0,
                    median_hours: None,
                    average_hours: None,
                },
            ]
        );
    }
}
