//! What monitoring shows: an entity's indicators among its peers with their
//! time series, a department's municipalities on one indicator, and the
//! country by department. Peers are the municipal units (municipalities,
//! districts, non-municipalised areas); departments are compared in the
//! country view.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{
    entity::indicator_value,
    model::{Indicator, IndicatorValue, PeerGroupKind, TrafficLight},
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

    /// The values of `indicators` in one period: by indicator, by entity
    /// (results without a value are left out). The caller checks what its
    /// users may see (`Indicator::restricted`).
    async fn values_of_period(
        &self,
        indicators: impl Iterator<Item = &str>,
        period: &str,
    ) -> Result<HashMap<String, HashMap<String, f64>>, ServiceError> {
        let rows: Vec<(String, String, Option<f64>)> = indicator_value::Entity::find()
            .select_only()
            .columns([
                indicator_value::Column::IndicatorCode,
                indicator_value::Column::EntityCode,
                indicator_value::Column::Value,
            ])
            .filter(indicator_value::Column::IndicatorCode.is_in(indicators))
            .filter(indicator_value::Column::Period.eq(period))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut values: HashMap<String, HashMap<String, f64>> = HashMap::new();
        for (indicator, entity, value) in rows {
            if let Some(value) = value {
                values.entry(indicator).or_default().insert(entity, value);
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
        // Every peer's value of every indicator of the page, in one read (one
        // read per indicator was a round trip and a thousand rows each).
        let peer_values = if entity.kind == TerritorialKind::Department {
            HashMap::new()
        } else {
            self.values_of_period(indicators.iter().map(|i| i.code.as_str()), &period).await?
        };
        let no_values = HashMap::new();
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
                let all = peer_values.get(&indicator.code).unwrap_or(&no_values);
                let value = result.as_ref().and_then(|r| r.value);
                standings(&entity, value, &indicator, all, &units, &regions)
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

/// Where `entity`'s value stands among the municipal units of its category,
/// its capacity group, its department and each RAP region of its department
/// (groups it has no key for are left out). `regions`: department → regions.
fn standings(
    entity: &TerritorialEntity,
    value: Option<f64>,
    indicator: &Indicator,
    all: &HashMap<String, f64>,
    units: &BTreeMap<String, TerritorialEntity>,
    regions: &BTreeMap<String, Vec<String>>,
) -> Vec<PeerStanding> {
    let regions_of = |unit: &TerritorialEntity| -> &[String] {
        unit.department_code.as_ref().and_then(|d| regions.get(d)).map_or(&[], Vec::as_slice)
    };
    let standing = |kind, group: String, members: &mut dyn Iterator<Item = &TerritorialEntity>| {
        let values: Vec<f64> = members.filter_map(|unit| all.get(&unit.code).copied()).collect();
        PeerStanding {
            kind,
            group,
            spread: rules::spread(&values),
            rank: value.map(|v| rules::rank(v, &values, indicator.direction)),
        }
    };
    let groups: [(PeerGroupKind, Option<String>, fn(&TerritorialEntity) -> Option<String>); 3] = [
        (PeerGroupKind::Category, entity.category.map(|c| c.as_db().to_owned()), |e| {
            e.category.map(|c| c.as_db().to_owned())
        }),
        (PeerGroupKind::CapacityGroup, entity.capacity_group.map(|g| g.as_db().to_owned()), |e| {
            e.capacity_group.map(|g| g.as_db().to_owned())
        }),
        (PeerGroupKind::Department, entity.department_code.clone(), |e| e.department_code.clone()),
    ];
    let mut found: Vec<PeerStanding> = groups
        .into_iter()
        .filter_map(|(kind, key, key_of)| {
            let key = key?;
            let mut members = units.values().filter(|unit| key_of(unit).as_ref() == Some(&key));
            Some(standing(kind, key.clone(), &mut members))
        })
        .collect();
    for region in regions_of(entity) {
        let mut members = units.values().filter(|unit| regions_of(unit).contains(region));
        found.push(standing(PeerGroupKind::RapRegion, region.clone(), &mut members));
    }
    found
}
