//! What monitoring shows: an entity's indicators among its peers with their
//! time series, a department's municipalities on one indicator, and the
//! country by department. Peers are the municipal units (municipalities,
//! districts, non-municipalised areas); departments are compared in the
//! country view.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::{
    entity::indicator_value,
    model::{Direction, Indicator, IndicatorValue, PeerGroupKind, TrafficLight},
    rules::{self, Sight, Spread},
    service::MonitoringService,
};
use crate::{
    authorisation::Actor,
    error::ServiceError,
    pagination::{Page, PageRequest},
    reporting::model::parse_period,
    territory::{DivipolaCode, TerritorialEntity, TerritorialKind, TerritoryFilter},
};

/// Where a value stands in one group of peers.
#[derive(Debug, Clone)]
pub struct PeerStanding {
    pub kind: PeerGroupKind,
    /// The group's key: the category, the capacity group or the department code.
    pub group: String,
    pub spread: Option<Spread>,
    /// 1 the best; `None` without a value.
    pub rank: Option<usize>,
}

/// One indicator of an entity in a period.
#[derive(Debug, Clone)]
pub struct IndicatorResult {
    pub indicator: Indicator,
    /// `None`: nothing of its inputs was reported.
    pub result: Option<IndicatorValue>,
    pub light: Option<TrafficLight>,
    pub previous: Option<f64>,
    pub change: Option<f64>,
    pub peers: Vec<PeerStanding>,
    /// (period, value) in period order, every period with a result.
    pub series: Vec<(String, Option<f64>)>,
}

#[derive(Debug, Clone)]
pub struct EntityIndicators {
    pub entity: TerritorialEntity,
    pub period: String,
    pub results: Vec<IndicatorResult>,
}

/// Traffic lights counted over a group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LightCounts {
    pub green: usize,
    pub yellow: usize,
    pub red: usize,
    /// Entities of the group without a value.
    pub without_value: usize,
}

/// One municipal unit of a department on one indicator.
#[derive(Debug, Clone)]
pub struct MunicipalRow {
    pub entity: TerritorialEntity,
    pub result: Option<IndicatorValue>,
    pub light: Option<TrafficLight>,
    pub rank: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct DepartmentIndicator {
    pub department: TerritorialEntity,
    pub indicator: Indicator,
    pub period: String,
    /// The department's own result.
    pub own: Option<IndicatorValue>,
    pub spread: Option<Spread>,
    pub lights: LightCounts,
    pub municipalities: Page<MunicipalRow>,
}

/// One department in the country view.
#[derive(Debug, Clone)]
pub struct DepartmentSummary {
    pub department: TerritorialEntity,
    pub own: Option<IndicatorValue>,
    pub spread: Option<Spread>,
    /// The traffic light of the municipalities' median (the map's colour).
    pub median_light: Option<TrafficLight>,
    pub lights: LightCounts,
}

#[derive(Debug, Clone)]
pub struct CountryIndicator {
    pub indicator: Indicator,
    pub period: String,
    /// Over every municipal unit with a value.
    pub spread: Option<Spread>,
    pub lights: LightCounts,
    pub departments: Vec<DepartmentSummary>,
}

impl IndicatorValue {
    fn from_row(row: indicator_value::Model) -> Self {
        let list = |text: &str| text.split(',').filter(|c| !c.is_empty()).map(str::to_owned).collect();
        Self {
            missing: list(&row.missing),
            conflicting: list(&row.conflicting),
            indicator_code: row.indicator_code,
            entity_code: row.entity_code,
            period: row.period,
            value: row.value,
            reason: row.reason,
            computed_at: row.computed_at,
        }
    }
}

fn light_of(indicator: &Indicator, result: Option<&IndicatorValue>) -> Option<TrafficLight> {
    let value = result?.value?;
    Some(rules::traffic_light(
        value,
        indicator.direction,
        indicator.lower_threshold,
        indicator.upper_threshold,
    ))
}

fn count_lights(indicator: &Indicator, results: &[Option<&IndicatorValue>]) -> LightCounts {
    let mut counts = LightCounts::default();
    for result in results {
        match light_of(indicator, *result) {
            Some(TrafficLight::Green) => counts.green += 1,
            Some(TrafficLight::Yellow) => counts.yellow += 1,
            Some(TrafficLight::Red) => counts.red += 1,
            None => counts.without_value += 1,
        }
    }
    counts
}

/// Refuses a restricted indicator to a caller whose sight does not cover
/// `entity` (of `department`), or — `entity` absent — the whole country.
fn require_sight(
    indicator: &Indicator,
    actor: &Actor,
    entity: Option<(&str, Option<&str>)>,
) -> Result<(), ServiceError> {
    let sight = rules::sight(indicator, actor);
    let seen = match entity {
        Some((code, department)) => sight.covers(code, department),
        None => sight == Sight::Everything,
    };
    match (seen, actor.user()) {
        (true, _) => Ok(()),
        (false, None) => Err(ServiceError::sign_in_required("ver un indicador de uso restringido")),
        (false, Some(_)) => Err(ServiceError::Forbidden("ver este indicador de uso restringido")),
    }
}

/// The checked period: of the indicator's periodicity.
fn period_of(indicator: &Indicator, raw: &str) -> Result<String, ServiceError> {
    parse_period(raw, indicator.periodicity)
        .map_err(|error| ServiceError::invalid(format!("indicador {}: {error}", indicator.code)))
}

impl MonitoringService {
    /// The municipal units of the register, by code, and the departments.
    async fn municipal_register(
        &self,
    ) -> Result<(Vec<TerritorialEntity>, BTreeMap<String, TerritorialEntity>), ServiceError> {
        let filter =
            TerritoryFilter { kind: Some(TerritorialKind::Department), ..TerritoryFilter::default() };
        let request = PageRequest { first: 100, after: None };
        let departments = self.territory.list(&filter, &request).await?.items;
        let codes: Vec<String> = departments.iter().map(|d| d.code.clone()).collect();
        let units = self
            .territory
            .municipal_units_of(&codes)
            .await?
            .into_values()
            .flatten()
            .map(|entity| (entity.code.clone(), entity))
            .collect();
        Ok((departments, units))
    }

    /// One entity's results of one indicator, every period, in period order
    /// (for other contexts that follow an indicator: programme goals). The
    /// caller checks what its users may see (`Indicator::restricted`).
    #[tracing::instrument(name = "monitoring.entity_series", skip_all)]
    pub async fn entity_series(
        &self,
        entity_code: &str,
        indicator_code: &str,
    ) -> Result<Vec<IndicatorValue>, ServiceError> {
        Ok(indicator_value::Entity::find()
            .filter(indicator_value::Column::EntityCode.eq(entity_code))
            .filter(indicator_value::Column::IndicatorCode.eq(indicator_code))
            .order_by_asc(indicator_value::Column::Period)
            .all(&self.db)
            .await?
            .into_iter()
            .map(IndicatorValue::from_row)
            .collect())
    }

    /// The values of `indicators` in one period: by indicator, one slot per
    /// municipal unit at its position in `positions` (`None`: no value). The
    /// caller checks what its users may see (`Indicator::restricted`).
    async fn values_of_period(
        &self,
        indicators: impl Iterator<Item = &str>,
        period: &str,
        positions: &HashMap<&str, usize>,
    ) -> Result<HashMap<String, Vec<Option<f64>>>, ServiceError> {
        let indicators: Vec<String> = indicators.map(str::to_owned).collect();
        let mut values: HashMap<String, Vec<Option<f64>>> = HashMap::new();
        let units = positions.len();
        if self.db.get_database_backend() == DbBackend::Postgres {
            // A hundred indicators of 1,121 units are 112,100 values: one row
            // per indicator with its values in two arrays decodes them several
            // times faster than a row each (the covering index of migration
            // m20261208_000031 answers it without the table).
            let statement = Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT indicator_code, array_agg(entity_code) AS entities, array_agg(value) AS amounts \
                 FROM monitoring_value WHERE indicator_code = ANY($1) AND period = $2 AND value IS NOT NULL \
                 GROUP BY indicator_code",
                [indicators.into(), period.into()],
            );
            for row in self.db.query_all(statement).await? {
                let indicator: String = row.try_get("", "indicator_code")?;
                let entities: Vec<String> = row.try_get("", "entities")?;
                let amounts: Vec<f64> = row.try_get("", "amounts")?;
                let slots = values.entry(indicator).or_insert_with(|| vec![None; units]);
                for (entity, value) in entities.iter().zip(amounts) {
                    if let Some(&position) = positions.get(entity.as_str()) {
                        slots[position] = Some(value);
                    }
                }
            }
            return Ok(values);
        }
        let rows: Vec<(String, String, f64)> = indicator_value::Entity::find()
            .select_only()
            .columns([
                indicator_value::Column::IndicatorCode,
                indicator_value::Column::EntityCode,
                indicator_value::Column::Value,
            ])
            .filter(indicator_value::Column::IndicatorCode.is_in(indicators))
            .filter(indicator_value::Column::Period.eq(period))
            .filter(indicator_value::Column::Value.is_not_null())
            .into_tuple()
            .all(&self.db)
            .await?;
        for (indicator, entity, value) in rows {
            if let Some(&position) = positions.get(entity.as_str()) {
                values.entry(indicator).or_insert_with(|| vec![None; units])[position] = Some(value);
            }
        }
        Ok(values)
    }

    /// The results of one indicator in one period, by entity. The caller
    /// checks what its users may see (`Indicator::restricted`).
    pub async fn results_of(
        &self,
        indicator: &str,
        period: &str,
    ) -> Result<HashMap<String, IndicatorValue>, ServiceError> {
        let rows = indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorCode.eq(indicator))
            .filter(indicator_value::Column::Period.eq(period))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|row| (row.entity_code.clone(), IndicatorValue::from_row(row))).collect())
    }

    /// An entity's indicators of `period`'s periodicity, with traffic
    /// lights, peers, the change from the previous period and the series.
    #[tracing::instrument(name = "monitoring.entity_indicators", skip_all)]
    pub async fn entity_indicators(
        &self,
        actor: &Actor,
        entity_code: &str,
        period: &str,
    ) -> Result<EntityIndicators, ServiceError> {
        let code = DivipolaCode::parse(entity_code)?;
        let entity = self.territory.find(&code).await?.ok_or_else(|| {
            ServiceError::NotFound(format!("no existe la entidad territorial {}", code.as_str()))
        })?;
        let indicators: Vec<Indicator> = self
            .indicators()
            .await?
            .into_iter()
            .filter(|indicator| parse_period(period, indicator.periodicity).is_ok())
            .collect();
        let period = match indicators.first() {
            Some(first) => period_of(first, period)?,
            None => {
                return Err(ServiceError::invalid(format!(
                    "ningún indicador se calcula para el periodo «{}»: use un año (2025), semestre (2025-S1), trimestre (2025-Q1) o mes (2025-01) según el indicador",
                    period.trim()
                )))
            }
        };
        // The period is checked against every indicator; the caller then sees what it may.
        let indicators: Vec<Indicator> = indicators
            .into_iter()
            .filter(|indicator| {
                rules::sight(indicator, actor).covers(&entity.code, entity.department_code.as_deref())
            })
            .collect();
        let own: Vec<IndicatorValue> = indicator_value::Entity::find()
            .filter(indicator_value::Column::EntityCode.eq(entity.code.as_str()))
            .order_by_asc(indicator_value::Column::Period)
            .all(&self.db)
            .await?
            .into_iter()
            .map(IndicatorValue::from_row)
            .collect();
        let (_, units) = self.municipal_register().await?;
        let regions = self.territory.regions_by_department().await?;
        let previous_period = rules::previous_period(&period);
        // The units by position, the entity's groups as positions, once for
        // the page; then every peer's value of every indicator of the page in
        // one read (one read per indicator was a round trip and a thousand rows
        // each; grouping the register again for each indicator cost as much).
        let units: Vec<&TerritorialEntity> = units.values().collect();
        let positions: HashMap<&str, usize> =
            units.iter().enumerate().map(|(position, unit)| (unit.code.as_str(), position)).collect();
        let (groups, peer_values) = if entity.kind == TerritorialKind::Department {
            (Vec::new(), HashMap::new())
        } else {
            let codes = indicators.iter().map(|i| i.code.as_str());
            (peer_groups(&entity, &units, &regions), self.values_of_period(codes, &period, &positions).await?)
        };
        let no_values = vec![None; units.len()];
        let mut results = Vec::with_capacity(indicators.len());
        for indicator in indicators {
            let mine: Vec<&IndicatorValue> =
                own.iter().filter(|r| r.indicator_code == indicator.code).collect();
            let result = mine.iter().find(|r| r.period == period).map(|r| (*r).clone());
            let previous =
                mine.iter().find(|r| Some(&r.period) == previous_period.as_ref()).and_then(|r| r.value);
            let peers = if entity.kind == TerritorialKind::Department {
                Vec::new()
            } else {
                let values = peer_values.get(&indicator.code).unwrap_or(&no_values);
                let value = result.as_ref().and_then(|r| r.value);
                standings(value, indicator.direction, values, &groups)
            };
            results.push(IndicatorResult {
                light: light_of(&indicator, result.as_ref()),
                change: rules::change(result.as_ref().and_then(|r| r.value), previous),
                series: mine.iter().map(|r| (r.period.clone(), r.value)).collect(),
                previous,
                peers,
                result,
                indicator,
            });
        }
        Ok(EntityIndicators { entity, period, results })
    }

    /// A department's municipal units on one indicator, by code, a page at a time.
    #[tracing::instrument(name = "monitoring.department_indicator", skip_all)]
    pub async fn department_indicator(
        &self,
        actor: &Actor,
        department_code: &str,
        indicator_code: &str,
        period: &str,
        page: &PageRequest,
    ) -> Result<DepartmentIndicator, ServiceError> {
        let code = DivipolaCode::parse_department(department_code)?;
        let department =
            self.territory.find(&code).await?.ok_or_else(|| {
                ServiceError::NotFound(format!("no existe el departamento {}", code.as_str()))
            })?;
        let indicator = self.indicator(indicator_code).await?;
        require_sight(&indicator, actor, Some((&department.code, None)))?;
        let period = period_of(&indicator, period)?;
        let all = self.results_of(&indicator.code, &period).await?;
        let units = self
            .territory
            .municipal_units_of(std::slice::from_ref(&department.code))
            .await?
            .remove(&department.code)
            .unwrap_or_default();
        let values: Vec<f64> = units.iter().filter_map(|u| all.get(&u.code)?.value).collect();
        let lights = count_lights(&indicator, &units.iter().map(|u| all.get(&u.code)).collect::<Vec<_>>());
        let rows: Vec<MunicipalRow> = units
            .into_iter()
            .map(|entity| {
                let result = all.get(&entity.code).cloned();
                let value = result.as_ref().and_then(|r| r.value);
                MunicipalRow {
                    light: light_of(&indicator, result.as_ref()),
                    rank: value.map(|v| rules::rank(v, &values, indicator.direction)),
                    entity,
                    result,
                }
            })
            .collect();
        Ok(DepartmentIndicator {
            own: all.get(&department.code).cloned(),
            spread: rules::spread(&values),
            municipalities: Page::from_sorted(rows, page, |row| row.entity.code.as_str()),
            department,
            indicator,
            period,
            lights,
        })
    }

    /// The municipal units of the whole country whose value has `light` on
    /// one indicator, by code: a focalisation list (e.g. every red one).
    #[tracing::instrument(name = "monitoring.focalisation", skip_all)]
    pub async fn focalisation(
        &self,
        actor: &Actor,
        indicator_code: &str,
        period: &str,
        light: TrafficLight,
    ) -> Result<(Indicator, String, Vec<MunicipalRow>), ServiceError> {
        let indicator = self.indicator(indicator_code).await?;
        require_sight(&indicator, actor, None)?;
        let period = period_of(&indicator, period)?;
        let all = self.results_of(&indicator.code, &period).await?;
        let (_, units) = self.municipal_register().await?;
        let rows = units
            .into_values()
            .filter_map(|entity| {
                let result = all.get(&entity.code).cloned();
                (light_of(&indicator, result.as_ref()) == Some(light)).then_some(MunicipalRow {
                    entity,
                    result,
                    light: Some(light),
                    rank: None,
                })
            })
            .collect();
        Ok((indicator, period, rows))
    }

    /// The country by department on one indicator: each department's
    /// municipal units summarised, and the department's own result.
    #[tracing::instrument(name = "monitoring.country_indicator", skip_all)]
    pub async fn country_indicator(
        &self,
        actor: &Actor,
        indicator_code: &str,
        period: &str,
    ) -> Result<CountryIndicator, ServiceError> {
        let indicator = self.indicator(indicator_code).await?;
        require_sight(&indicator, actor, None)?;
        let period = period_of(&indicator, period)?;
        let all = self.results_of(&indicator.code, &period).await?;
        let (departments, units) = self.municipal_register().await?;
        let mut by_department: BTreeMap<&str, Vec<&TerritorialEntity>> = BTreeMap::new();
        for unit in units.values() {
            if let Some(department) = unit.department_code.as_deref() {
                by_department.entry(department).or_default().push(unit);
            }
        }
        let summaries = departments
            .into_iter()
            .map(|department| {
                let members = by_department.get(department.code.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                let values: Vec<f64> = members.iter().filter_map(|u| all.get(&u.code)?.value).collect();
                let results: Vec<_> = members.iter().map(|u| all.get(&u.code)).collect();
                let spread = rules::spread(&values);
                DepartmentSummary {
                    own: all.get(&department.code).cloned(),
                    median_light: spread.map(|s| {
                        rules::traffic_light(
                            s.median,
                            indicator.direction,
                            indicator.lower_threshold,
                            indicator.upper_threshold,
                        )
                    }),
                    spread,
                    lights: count_lights(&indicator, &results),
                    department,
                }
            })
            .collect();
        let values: Vec<f64> = units.keys().filter_map(|code| all.get(code)?.value).collect();
        let results: Vec<_> = units.keys().map(|code| all.get(code)).collect();
        Ok(CountryIndicator {
            spread: rules::spread(&values),
            lights: count_lights(&indicator, &results),
            departments: summaries,
            indicator,
            period,
        })
    }
}

/// One group of an entity's peers: its members' positions among the units.
struct PeerGroup {
    kind: PeerGroupKind,
    /// The category, the capacity group, the department or the region code.
    key: String,
    members: Vec<usize>,
}

/// The municipal units of `entity`'s category, its capacity group, its
/// department and each RAP region of its department (groups it has no key for
/// are left out), as positions in `units`. `regions`: department → regions.
fn peer_groups(
    entity: &TerritorialEntity,
    units: &[&TerritorialEntity],
    regions: &BTreeMap<String, Vec<String>>,
) -> Vec<PeerGroup> {
    let regions_of = |unit: &TerritorialEntity| -> &[String] {
        unit.department_code.as_ref().and_then(|d| regions.get(d)).map_or(&[], Vec::as_slice)
    };
    let group = |kind, key: String, is_member: &dyn Fn(&TerritorialEntity) -> bool| PeerGroup {
        kind,
        key,
        members: (0..units.len()).filter(|&position| is_member(units[position])).collect(),
    };
    let mut groups = Vec::new();
    if let Some(category) = entity.category {
        groups.push(group(PeerGroupKind::Category, category.as_db().to_owned(), &|unit| {
            unit.category == Some(category)
        }));
    }
    if let Some(capacity) = entity.capacity_group {
        groups.push(group(PeerGroupKind::CapacityGroup, capacity.as_db().to_owned(), &|unit| {
            unit.capacity_group == Some(capacity)
        }));
    }
    if let Some(department) = &entity.department_code {
        groups.push(group(PeerGroupKind::Department, department.clone(), &|unit| {
            unit.department_code.as_ref() == Some(department)
        }));
    }
    for region in regions_of(entity) {
        groups
            .push(group(PeerGroupKind::RapRegion, region.clone(), &|unit| regions_of(unit).contains(region)));
    }
    groups
}

/// Where `value` stands in each of `groups`, given every unit's value of the
/// indicator (by position).
fn standings(
    value: Option<f64>,
    direction: Direction,
    values: &[Option<f64>],
    groups: &[PeerGroup],
) -> Vec<PeerStanding> {
    groups
        .iter()
        .map(|group| {
            let members: Vec<f64> = group
                .members
                .iter()
                .filter_map(|&position| values.get(position).copied().flatten())
                .collect();
            PeerStanding {
                kind: group.kind,
                group: group.key.clone(),
                spread: rules::spread(&members),
                rank: value.map(|v| rules::rank(v, &members, direction)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::{CapacityGroup, MunicipalCategory};

    fn unit(code: &str, category: MunicipalCategory, capacity: CapacityGroup) -> TerritorialEntity {
        TerritorialEntity {
            code: code.into(),
            name: format!("Municipio {code}"),
            kind: TerritorialKind::Municipality,
            department_code: Some(code[..2].to_owned()),
            category: Some(category),
            capacity_group: Some(capacity),
        }
    }

    /// Five units in two departments; department 05 is in two regions, 08 in one of them.
    #[test]
    fn each_group_ranks_among_its_own_members_only() {
        use CapacityGroup::{G4, G5};
        use MunicipalCategory::{Fifth, Sixth};
        let register = [
            unit("05001", Sixth, G4),
            unit("05002", Sixth, G5),
            unit("05004", Fifth, G5),
            unit("08001", Sixth, G5),
            unit("08002", Fifth, G4),
        ];
        let units: Vec<&TerritorialEntity> = register.iter().collect();
        let regions = BTreeMap::from([
            ("05".to_owned(), vec!["EJE".to_owned(), "PACIFICO".to_owned()]),
            ("08".to_owned(), vec!["PACIFICO".to_owned()]),
        ]);
        let groups = peer_groups(&register[1], &units, &regions);
        let keys: Vec<(PeerGroupKind, &str, &[usize])> =
            groups.iter().map(|g| (g.kind, g.key.as_str(), g.members.as_slice())).collect();
        assert_eq!(
            keys,
            vec![
                (PeerGroupKind::Category, "SIXTH", &[0, 1, 3][..]),
                (PeerGroupKind::CapacityGroup, "G5", &[1, 2, 3][..]),
                (PeerGroupKind::Department, "05", &[0, 1, 2][..]),
                (PeerGroupKind::RapRegion, "EJE", &[0, 1, 2][..]),
                (PeerGroupKind::RapRegion, "PACIFICO", &[0, 1, 2, 3, 4][..]),
            ]
        );
        // 08001 has no value; 05002's is 20.
        let values = [Some(30.0), Some(20.0), Some(10.0), None, Some(50.0)];
        let found = standings(Some(20.0), Direction::HigherIsBetter, &values, &groups);
        let ranks: Vec<(Option<usize>, Option<usize>)> =
            found.iter().map(|s| (s.rank, s.spread.map(|spread| spread.count))).collect();
        assert_eq!(
            ranks,
            vec![
                (Some(2), Some(2)),
                (Some(1), Some(2)),
                (Some(2), Some(3)),
                (Some(2), Some(3)),
                (Some(3), Some(4))
            ]
        );
        assert_eq!(found[4].spread.map(|s| s.median), Some(25.0));
        let lower = standings(Some(20.0), Direction::LowerIsBetter, &values, &groups);
        assert_eq!(lower[4].rank, Some(2));
        let without = standings(None, Direction::HigherIsBetter, &values, &groups);
        assert!(without.iter().all(|s| s.rank.is_none() && s.spread.is_some()));
    }
}
