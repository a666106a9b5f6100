//! A version approved for a later date comes into force on its own, at
//! midnight in Colombia: nothing is written then, so the search box (which
//! shows the units in force) would keep yesterday's units. A watcher on each
//! instance notices the change of version and announces, through the outbox,
//! the units touched by the versions that came into force after they were
//! approved (one in force on its approval day was announced when written); at
//! start it looks at every version up to the one in force, so an instance
//! that was down on the day still catches up.

use std::{collections::BTreeSet, ops::RangeInclusive, time::Duration};

use super::model::Version;

use sea_orm::TransactionTrait;

use super::{entity::item, model::CatalogueLevel, service::ClassificationService};
use crate::error::ServiceError;

/// How often an instance looks at the date: a new version shows within this.
const CHECK_EVERY: Duration = Duration::from_secs(300);

/// Of the versions in `range`, those that came into force after the day they
/// were approved: nobody announced their units on that day.
pub fn came_into_force_later(versions: &[Version], range: RangeInclusive<i32>) -> Vec<i32> {
    versions
        .iter()
        .filter(|v| range.contains(&v.number) && v.effective_on > crate::bogota_time::date(v.created_at))
        .map(|v| v.number)
        .collect()
}

/// The units that `versions` added, retired or changed (or whose services
/// they did): what the search box must read again.
pub fn units_touched(rows: &[item::Model], versions: &[i32]) -> BTreeSet<String> {
    rows.iter()
        .filter(|row| {
            versions.contains(&row.since_version) || row.until_version.is_some_and(|v| versions.contains(&v))
        })
        .filter_map(|row| match CatalogueLevel::from_db(&row.level)? {
            CatalogueLevel::Unit => Some(row.code.clone()),
            CatalogueLevel::Service => row.parent_code.clone(),
            CatalogueLevel::Competency => None,
        })
        .collect()
}

impl ClassificationService {
    /// Puts in the outbox the units touched by the versions of `range` that
    /// came into force after their approval.
    #[tracing::instrument(name = "classification.announce_versions", skip(self))]
    async fn announce_versions(&self, range: RangeInclusive<i32>) -> Result<usize, ServiceError> {
        let register = self.register().await?;
        let touched = units_touched(&register.rows, &came_into_force_later(&register.versions, range));
        if touched.is_empty() {
            return Ok(0);
        }
        let transaction = self.db.begin().await?;
        for code in &touched {
            crate::outbox::record(&transaction, search_index::Kind::Unit, code).await?;
        }
        transaction.commit().await?;
        Ok(touched.len())
    }

    /// Watches for a version coming into force (see the module's comment).
    pub fn spawn_version_watcher(&self) {
        let service = self.clone();
        tokio::spawn(async move {
            let mut announced: Option<i32> = None;
            loop {
                let in_force = match service.register().await {
                    Ok(register) => register.current(crate::bogota_time::today()),
                    Err(error) => {
                        tracing::warn!(%error, "no se pudo leer la versión vigente del catálogo");
                        None
                    }
                };
                if let Some(number) = in_force.filter(|n| announced.is_none_or(|last| last < *n)) {
                    let first = announced.map_or(1, |last| last + 1);
                    match service.announce_versions(first..=number).await {
                        Ok(units) => {
                            tracing::info!(
                                version = number,
                                units,
                                "catálogo vigente: unidades anunciadas al buscador"
                            );
                            announced = Some(number);
                        }
                        Err(error) => {
                            tracing::warn!(%error, "no se anunciaron las unidades de la versión vigente")
                        }
                    }
                }
                tokio::time::sleep(CHECK_EVERY).await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, level: &str, parent: Option<&str>, since: i32, until: Option<i32>) -> item::Model {
        item::Model {
            code: code.into(),
            since_version: since,
            until_version: until,
            level: level.into(),
            parent_code: parent.map(Into::into),
            name: code.into(),
            description: String::new(),
            entity_kinds: String::new(),
            legal_basis: String::new(),
        }
    }

    #[test]
    fn a_version_in_force_announces_the_units_it_touched_and_no_other() {
        let rows = [
            row("EDU", "COMPETENCY", None, 1, None),
            row("EDU-01", "UNIT", Some("EDU"), 1, None),
            row("EDU-02", "UNIT", Some("EDU"), 1, Some(3)),
            row("EDU-02", "UNIT", Some("EDU"), 3, None),
            row("EDU-03", "UNIT", Some("EDU"), 2, None),
            row("EDU-01-S1", "SERVICE", Some("EDU-01"), 4, None),
            row("SAL-01", "UNIT", Some("SAL"), 1, Some(4)),
        ];
        let codes = |versions: &[i32]| units_touched(&rows, versions).into_iter().collect::<Vec<_>>();
        assert_eq!(codes(&[3]), ["EDU-02"], "a rename");
        assert_eq!(codes(&[4]), ["EDU-01", "SAL-01"], "a service added to EDU-01, SAL-01 retired");
        assert_eq!(codes(&[3, 4]), ["EDU-01", "EDU-02", "SAL-01"], "two versions in force at once");
        assert_eq!(codes(&[1, 2]), ["EDU-01", "EDU-02", "EDU-03", "SAL-01"]);
    }

    #[test]
    fn only_versions_approved_for_a_later_day_need_announcing() {
        let version = |number, effective_on: &str, approved: &str| Version {
            number,
            effective_on: chrono::NaiveDate::parse_from_str(effective_on, "%Y-%m-%d").expect("date"),
            note: String::new(),
            approved_by: String::new(),
            created_at: chrono::DateTime::parse_from_rfc3339(approved)
                .expect("instant")
                .with_timezone(&chrono::Utc),
        };
        let versions = [
            version(1, "2026-01-01", "2026-01-01T15:00:00Z"),
            version(2, "2026-03-01", "2026-02-10T15:00:00Z"),
            // Approved at 8 p.m. of 28 February in Colombia (1 March in UTC).
            version(3, "2026-03-01", "2026-03-01T01:00:00Z"),
            version(4, "2026-02-01", "2026-03-05T15:00:00Z"),
        ];
        assert_eq!(came_into_force_later(&versions, 1..=4), [2, 3], "4 was approved in force");
        assert_eq!(came_into_force_later(&versions, 3..=4), [3]);
    }
}
