//! Spending reported once against the catalogue, and what it gives back.
//!
//! Each programmatic unit has a requirement `GASTO_<unit>` of four data
//! elements (appropriation, commitments, obligations, payments), generated
//! from the catalogue and registered in reporting like any other: the
//! spending travels through `submitReport`'s path, so deduplication,
//! corrections, conflicts and the burden saved apply unchanged. A report
//! keeps the code (and so the version) it was made under; the views show it
//! in the codes of the version asked for, through the crosswalk.

use std::collections::{BTreeMap, HashMap};

use super::{
    model::{spending_element, spending_requirement, Amounts, CatalogueLevel, Item, Moment},
    rules::{self, Resolver},
    service::{version_or_current, ClassificationService},
};
use crate::{
    authorisation::{rules as access_rules, Actor, Role},
    error::ServiceError,
    monitoring::{
        model::PeerGroupKind,
        rules::{spread, Spread},
    },
    reporting::{
        catalogue::{NewDataElement, NewRequirement},
        import::system_actor,
        model::{Periodicity, ValueType},
        served::ServedSheet,
        submission::{ReportInput, ReportValue},
    },
    territory::{DivipolaCode, TerritorialEntity, TerritorialKind, TerritoryFilter},
};

/// Population of an entity in a vigencia, as reported once.
pub const POPULATION_ELEMENT: &str = "POBLACION_TOTAL";
/// An entity's total spending (functioning plus investment), as reported once:
/// the denominator of the share the catalogue classifies.
pub const TOTAL_SPENDING_ELEMENTS: [&str; 2] = ["GASTO_FUNCIONAMIENTO", "INVERSION_TOTAL"];
pub const MAX_LINES: usize = 120;

/// One unit's execution in a report.
#[derive(Debug, Clone)]
pub struct SpendingLine {
    pub unit_code: String,
    pub amounts: Amounts,
}

/// A spending report as received.
#[derive(Debug, Clone)]
pub struct SpendingReport {
    pub entity_code: String,
    pub vigencia: i32,
    pub idempotency_key: String,
    pub lines: Vec<SpendingLine>,
}

/// What a spending report did, over its units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpendingOutcome {
    pub units: usize,
    pub accepted: i32,
    pub duplicates: i32,
    pub corrections: i32,
    pub conflicts: i32,
    /// Lines given under a retired code: kept under it, shown through the crosswalk.
    pub through_crosswalk: Vec<String>,
}

/// Where a figure stands among its peers.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerFigure {
    pub kind: PeerGroupKind,
    pub group: String,
    pub spread: Option<Spread>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitSpending {
    pub item: Item,
    pub amounts: Amounts,
    /// Commitments per inhabitant.
    pub per_inhabitant: Option<f64>,
    pub peers: Vec<PeerFigure>,
    /// The unit's services that a public indicator counts, with their cost.
    pub services: Vec<ServiceCost>,
}

/// What a service delivered cost: the unit's commitments over the count of
/// the indicator that counts the service (its programmatic unit names the
/// service), beside the same figure of the peers.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceCost {
    pub service: Item,
    pub indicator_code: String,
    pub indicator_name: String,
    /// What the indicator counts («estudiantes»).
    pub measure: String,
    pub delivered: Option<f64>,
    pub cost: Option<f64>,
    pub peers: Vec<PeerFigure>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompetencySpending {
    pub item: Item,
    pub amounts: Amounts,
    pub per_inhabitant: Option<f64>,
    pub peers: Vec<PeerFigure>,
    pub units: Vec<UnitSpending>,
}

/// A territory's classified spending in one vigencia, in one version's codes.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendingView {
    pub entity: TerritorialEntity,
    pub vigencia: i32,
    pub version: i32,
    pub population: Option<f64>,
    pub total_spending: Option<f64>,
    pub classified: Amounts,
    pub classified_share: Option<f64>,
    pub competencies: Vec<CompetencySpending>,
    /// Spending under codes retired without successors, by code.
    pub unresolved: Vec<(String, Amounts)>,
    /// Codes the entity reported under that the version no longer has.
    pub translated_codes: Vec<String>,
}

impl ClassificationService {
    /// A territorial team reports its budget execution per unit for a
    /// vigencia. Every line is checked before anything is written; each
    /// unit then travels as one submission of the report-once path.
    #[tracing::instrument(name = "classification.report_spending", skip_all, fields(lines = report.lines.len()))]
    pub async fn report_spending(
        &self,
        actor: &Actor,
        report: SpendingReport,
    ) -> Result<SpendingOutcome, ServiceError> {
        let entity = self.require_reporter(actor, &report.entity_code)?;
        rules::check_vigencia(report.vigencia).map_err(ServiceError::invalid)?;
        let key = crate::text::required(&report.idempotency_key, "idempotencyKey", 200)?;
        if report.lines.is_empty() || report.lines.len() > MAX_LINES {
            return Err(ServiceError::invalid(format!(
                "un reporte de gasto lleva de 1 a {MAX_LINES} unidades; recibió {}",
                report.lines.len()
            )));
        }
        let register = self.register().await?;
        let current = version_or_current(&register, None)?;
        let snapshot = register.snapshot(current)?;
        let units = register.all_units();
        let mut seen = std::collections::HashSet::new();
        let mut checked = Vec::with_capacity(report.lines.len());
        let mut through_crosswalk = Vec::new();
        for (index, line) in report.lines.iter().enumerate() {
            let at = |reason: String| ServiceError::invalid(format!("línea {}: {reason}", index + 1));
            let code = rules::parse_code(&line.unit_code).map_err(at)?;
            if !seen.insert(code.clone()) {
                return Err(at(format!("la unidad «{code}» aparece dos veces")));
            }
            rules::check_execution(&line.amounts).map_err(|reason| at(format!("{code}: {reason}")))?;
            match (snapshot.get(&code), units.get(&code)) {
                (Some(item), _) if item.level == CatalogueLevel::Unit => {}
                (Some(item), _) => {
                    return Err(at(format!("«{code}» es una {}: el gasto se reporta por unidad programática", item.level.spanish())))
                }
                (None, Some(_)) if register.successors_of(&code).next().is_some() => {
                    through_crosswalk.push(code.clone());
                }
                (None, Some(_)) => {
                    return Err(at(format!(
                        "la unidad «{code}» fue retirada del catálogo sin cruce a un sucesor: su gasto no se puede clasificar"
                    )))
                }
                (None, None) => return Err(at(format!("«{code}» no es una unidad del catálogo"))),
            }
            let item = units
                .get(&code)
                .cloned()
                .ok_or_else(|| at(format!("«{code}» no es una unidad del catálogo")))?;
            checked.push((item, line.amounts));
        }
        for (item, _) in &checked {
            self.ensure_spending_requirement(item).await?;
        }
        let mut outcome = SpendingOutcome { through_crosswalk, ..SpendingOutcome::default() };
        for (item, amounts) in checked {
            let values = Moment::ALL
                .into_iter()
                .map(|moment| ReportValue {
                    data_element_code: spending_element(&item.code, moment),
                    value: pesos(moment.get(&amounts)),
                    subject_code: None,
                })
                .collect();
            let submitted = self
                .reporting
                .submissions
                .submit(
                    actor,
                    ReportInput {
                        entity_code: entity.as_str().to_owned(),
                        period: report.vigencia.to_string(),
                        requirement_code: spending_requirement(&item.code),
                        idempotency_key: format!("{key}:{}", item.code),
                        values,
                    },
                )
                .await?;
            outcome.units += 1;
            outcome.accepted += submitted.submission.accepted;
            outcome.duplicates += submitted.submission.duplicates;
            outcome.corrections += submitted.submission.corrections;
            outcome.conflicts += submitted.submission.conflicts;
        }
        Ok(outcome)
    }

    /// Only the entity's own territorial users report its spending.
    pub(super) fn require_reporter(
        &self,
        actor: &Actor,
        entity_code: &str,
    ) -> Result<DivipolaCode, ServiceError> {
        let user =
            access_rules::require_role(actor, &[Role::Territorial], "reportar la ejecución del gasto")?;
        let entity = DivipolaCode::parse(entity_code)?;
        if user.entity_code.as_deref() != Some(entity.as_str()) {
            return Err(ServiceError::Forbidden("reportar en nombre de otra entidad"));
        }
        Ok(entity)
    }

    /// Registers the requirement of a unit's spending, when it is not yet
    /// registered (issued by Función Pública, which keeps the catalogue).
    pub async fn ensure_spending_requirement(&self, unit: &Item) -> Result<(), ServiceError> {
        let code = spending_requirement(&unit.code);
        if self.reporting.catalogue.find_requirement(&code).await?.is_some() {
            return Ok(());
        }
        // The elements first, without the near-duplicate search of a requirement's new fields:
        // they are generated from the catalogue, whose codes are already unique.
        let mut codes = Vec::with_capacity(Moment::ALL.len());
        for moment in Moment::ALL {
            let element = spending_element(&unit.code, moment);
            if self.reporting.catalogue.data_element(&element).await?.is_none() {
                let created = self
                    .reporting
                    .catalogue
                    .create_data_element(
                        &system_actor(),
                        NewDataElement {
                            code: element.clone(),
                            name: format!("{} — {}", capitalised(moment.spanish()), unit.name),
                            description: format!(
                                "Ejecución presupuestal de la unidad programática {} ({}) en la vigencia: {}, en pesos corrientes.",
                                unit.code,
                                unit.name,
                                moment.spanish()
                            ),
                            unit: "pesos".to_owned(),
                            value_type: ValueType::Number,
                            competency: unit.parent_code.clone().unwrap_or_else(|| unit.code.clone()),
                            programmatic_unit: Some(unit.code.clone()),
                            minimum: Some(0.0),
                            maximum: None,
                        },
                    )
                    .await;
                match created {
                    Ok(_) | Err(ServiceError::Conflict(_)) => {}
                    Err(error) => return Err(error),
                }
            }
            codes.push(element);
        }
        let mut kinds = unit.entity_kinds.clone();
        if kinds.is_empty() {
            kinds =
                vec![TerritorialKind::Municipality, TerritorialKind::District, TerritorialKind::Department];
        }
        let registered = self
            .reporting
            .catalogue
            .register_requirement(
                &system_actor(),
                NewRequirement {
                    code: code.clone(),
                    name: format!("Ejecución del gasto — {}", unit.name),
                    issuer_code: Some(access_rules::FUNCION_PUBLICA.to_owned()),
                    legal_basis: format!(
                        "Clasificación del gasto por competencias y unidades programáticas (Misión de Descentralización, propuesta 1.a). {}",
                        unit.legal_basis
                    ),
                    periodicity: Periodicity::Annual,
                    entity_kinds: kinds,
                    existing_elements: codes,
                    new_elements: Vec::new(),
                    due_days: None,
                },
            )
            .await;
        match registered {
            Ok(_) => Ok(()),
            // Another request registered it meanwhile: it exists, which is what was wanted.
            Err(ServiceError::Conflict(_)) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Stops asking for the spending of every unit a version retired after
    /// the last vigencia it existed (`rules::last_vigencia_of_retired`), so no
    /// territory owes values for codes that no longer exist. Idempotent.
    #[tracing::instrument(name = "classification.close_retired_requirements", skip_all)]
    pub async fn close_retired_requirements(&self) -> Result<usize, ServiceError> {
        let register = self.register().await?;
        let mut versions = register.versions.clone();
        versions.sort_by_key(|version| version.number);
        let mut closed = 0;
        for pair in versions.windows(2) {
            let (before, after) = (register.snapshot(pair[0].number)?, register.snapshot(pair[1].number)?);
            let last = rules::last_vigencia_of_retired(pair[1].effective_on).to_string();
            for unit in rules::retired_units(&before, &after) {
                let code = spending_requirement(unit);
                if self.reporting.catalogue.find_requirement(&code).await?.is_some() {
                    self.reporting.catalogue.set_last_period(&system_actor(), &code, Some(&last)).await?;
                    closed += 1;
                }
            }
        }
        Ok(closed)
    }

    /// A territory's spending of a vigencia by competency and unit, in the
    /// codes of `version` (the current one when absent), per inhabitant and
    /// beside its peers, with the share of its spending the catalogue classifies.
    #[tracing::instrument(name = "classification.spending", skip_all)]
    pub async fn spending(
        &self,
        entity_code: &str,
        vigencia: i32,
        version: Option<i32>,
    ) -> Result<SpendingView, ServiceError> {
        let code = DivipolaCode::parse(entity_code)?;
        let entity = self.territory.find(&code).await?.ok_or_else(|| {
            ServiceError::NotFound(format!("no existe la entidad territorial {}", code.as_str()))
        })?;
        let register = self.register().await?;
        let number = version_or_current(&register, version)?;
        let snapshot = register.snapshot(number)?;
        let target: std::collections::HashSet<String> = snapshot.keys().cloned().collect();
        let mut resolver = Resolver::new(&target, &register.crosswalk, number);
        let units = register.all_units();
        let period = vigencia.to_string();

        let peers = if entity.kind == TerritorialKind::Department {
            Vec::new()
        } else {
            self.municipal_units().await?
        };
        let mut keys: Vec<(String, String)> = peers
            .iter()
            .filter(|peer| same_group(&entity, peer).is_some())
            .map(|peer| (peer.code.clone(), period.clone()))
            .collect();
        if !keys.iter().any(|(c, _)| *c == entity.code) {
            keys.push((entity.code.clone(), period.clone()));
        }
        let sheets = self.reporting.served.sheets(&keys).await?;
        let mut figures: HashMap<String, Figures> = HashMap::new();
        for sheet in &sheets {
            figures.insert(sheet.subject.clone(), figures_of(sheet, &units, &snapshot, &mut resolver));
        }
        let own = figures.get(&entity.code).cloned().unwrap_or_default();
        let by_code_of_peers: Vec<(&TerritorialEntity, &Figures)> =
            peers.iter().filter_map(|peer| Some((peer, figures.get(&peer.code)?))).collect();

        let spread_among =
            |value_of: &dyn Fn(&TerritorialEntity, &Figures) -> Option<f64>| -> Vec<PeerFigure> {
                [PeerGroupKind::Category, PeerGroupKind::CapacityGroup, PeerGroupKind::Department]
                    .into_iter()
                    .filter_map(|kind| {
                        let group = group_key(&entity, kind)?;
                        let values: Vec<f64> = by_code_of_peers
                            .iter()
                            .filter(|(peer, _)| group_key(peer, kind).as_ref() == Some(&group))
                            .filter_map(|(peer, f)| value_of(peer, f))
                            .collect();
                        Some(PeerFigure { kind, group, spread: spread(&values) })
                    })
                    .collect()
            };
        let peer_figures = |code: &str| {
            spread_among(&|_, f| rules::per_inhabitant(f.by_code.get(code)?.commitments, f.population))
        };
        let counters = self.service_counters(&snapshot, &period).await?;
        let service_costs = |unit: &Item, amounts: &Amounts| -> Vec<ServiceCost> {
            counters
                .iter()
                .filter(|counter| counter.service.parent_code.as_deref() == Some(unit.code.as_str()))
                .map(|counter| {
                    let delivered = counter.delivered.get(&entity.code).copied();
                    ServiceCost {
                        service: counter.service.clone(),
                        indicator_code: counter.indicator.code.clone(),
                        indicator_name: counter.indicator.name.clone(),
                        measure: counter.indicator.unit.clone(),
                        delivered,
                        cost: rules::cost_per_service(amounts.commitments, delivered),
                        peers: spread_among(&|peer, f| {
                            rules::cost_per_service(
                                f.by_code.get(&unit.code)?.commitments,
                                counter.delivered.get(&peer.code).copied(),
                            )
                        }),
                    }
                })
                .collect()
        };

        let mut competencies = Vec::new();
        for competency in snapshot.values().filter(|item| item.level == CatalogueLevel::Competency) {
            let mut total = Amounts::default();
            let mut unit_rows = Vec::new();
            for unit in snapshot.values().filter(|item| {
                item.level == CatalogueLevel::Unit && item.parent_code.as_deref() == Some(&competency.code)
            }) {
                let Some(amounts) = own.by_code.get(&unit.code).copied() else { continue };
                total.add(amounts);
                unit_rows.push(UnitSpending {
                    item: unit.clone(),
                    amounts,
                    per_inhabitant: rules::per_inhabitant(amounts.commitments, own.population),
                    peers: peer_figures(&unit.code),
                    services: service_costs(unit, &amounts),
                });
            }
            if unit_rows.is_empty() {
                continue;
            }
            competencies.push(CompetencySpending {
                item: competency.clone(),
                amounts: total,
                per_inhabitant: rules::per_inhabitant(total.commitments, own.population),
                peers: peer_figures(&competency.code),
                units: unit_rows,
            });
        }
        let mut classified = Amounts::default();
        for competency in &competencies {
            classified.add(competency.amounts);
        }
        Ok(SpendingView {
            vigencia,
            version: number,
            population: own.population,
            total_spending: own.total,
            classified_share: rules::classified_share(classified.commitments, own.total),
            classified,
            competencies,
            unresolved: own.unresolved.into_iter().collect(),
            translated_codes: own.reported.into_iter().filter(|code| !target.contains(code)).collect(),
            entity,
        })
    }

    /// The services of `snapshot` that a public annual indicator counts (its
    /// programmatic unit names the service), with the counts of `period` by entity.
    async fn service_counters(
        &self,
        snapshot: &rules::Snapshot,
        period: &str,
    ) -> Result<Vec<ServiceCounter>, ServiceError> {
        let mut counters = Vec::new();
        for indicator in self.monitoring.indicators().await? {
            if indicator.restricted || indicator.periodicity != Periodicity::Annual {
                continue;
            }
            let Some(text) = indicator.programmatic_unit.as_deref() else { continue };
            let Some(code) = rules::match_item(text, snapshot.values(), CatalogueLevel::Service) else {
                continue;
            };
            let Some(service) = snapshot.get(&code).cloned() else { continue };
            let delivered = self
                .monitoring
                .results_of(&indicator.code, period)
                .await?
                .into_iter()
                .filter_map(|(entity, result)| Some((entity, result.value?)))
                .collect();
            counters.push(ServiceCounter { service, indicator, delivered });
        }
        counters
            .sort_by(|a, b| (&a.service.code, &a.indicator.code).cmp(&(&b.service.code, &b.indicator.code)));
        Ok(counters)
    }

    /// Every municipal unit of the register.
    async fn municipal_units(&self) -> Result<Vec<TerritorialEntity>, ServiceError> {
        let filter =
            TerritoryFilter { kind: Some(TerritorialKind::Department), ..TerritoryFilter::default() };
        let request = crate::pagination::PageRequest { first: 100, after: None };
        let departments = self.territory.list(&filter, &request).await?.items;
        let codes: Vec<String> = departments.iter().map(|d| d.code.clone()).collect();
        Ok(self.territory.municipal_units_of(&codes).await?.into_values().flatten().collect())
    }
}

/// A service, the indicator that counts it and its counts by entity.
struct ServiceCounter {
    service: Item,
    indicator: crate::monitoring::model::Indicator,
    delivered: HashMap<String, f64>,
}

/// One entity's figures in one vigencia, in the target's codes: by unit and
/// by competency (a competency's figure is the sum of its units).
#[derive(Debug, Clone, Default)]
struct Figures {
    by_code: BTreeMap<String, Amounts>,
    unresolved: BTreeMap<String, Amounts>,
    reported: Vec<String>,
    population: Option<f64>,
    total: Option<f64>,
}

fn figures_of(
    sheet: &ServedSheet,
    units: &BTreeMap<String, Item>,
    snapshot: &rules::Snapshot,
    resolver: &mut Resolver,
) -> Figures {
    let reported = reported_spending(sheet, units);
    let codes: Vec<String> = reported.keys().cloned().collect();
    let translated =
        rules::translate(reported.iter().map(|(code, amounts)| (code.as_str(), *amounts)), resolver);
    let mut by_code = translated.by_code;
    let unit_totals: Vec<(String, Amounts)> = by_code
        .iter()
        .filter_map(|(code, amounts)| Some((snapshot.get(code)?.parent_code.clone()?, *amounts)))
        .collect();
    for (competency, amounts) in unit_totals {
        by_code.entry(competency).or_default().add(amounts);
    }
    let number = |code: &str| sheet.values.get(code).and_then(|v| v.value.parse::<f64>().ok());
    let totals: Vec<f64> = TOTAL_SPENDING_ELEMENTS.iter().filter_map(|code| number(code)).collect();
    Figures {
        by_code,
        unresolved: translated.unresolved,
        reported: codes,
        population: number(POPULATION_ELEMENT),
        total: (!totals.is_empty()).then(|| totals.iter().sum()),
    }
}

/// The spending a sheet holds, by the unit code it was reported under.
pub fn reported_spending(sheet: &ServedSheet, units: &BTreeMap<String, Item>) -> BTreeMap<String, Amounts> {
    let mut out: BTreeMap<String, Amounts> = BTreeMap::new();
    for (element, served) in &sheet.values {
        let Some((unit, moment)) = super::model::parse_spending_element(element) else { continue };
        if !units.contains_key(unit) {
            continue;
        }
        if let Ok(value) = served.value.parse::<f64>() {
            moment.set(out.entry(unit.to_owned()).or_default(), value);
        }
    }
    out
}

fn group_key(entity: &TerritorialEntity, kind: PeerGroupKind) -> Option<String> {
    match kind {
        PeerGroupKind::Category => entity.category.map(|c| c.as_db().to_owned()),
        PeerGroupKind::CapacityGroup => entity.capacity_group.map(|g| g.as_db().to_owned()),
        PeerGroupKind::Department => entity.department_code.clone(),
        // A department may be in two RAP regions: not a single key; the
        // spending view compares by category, capacity group and department.
        PeerGroupKind::RapRegion => None,
    }
}

/// Whether `peer` shares any group with `entity`.
fn same_group(entity: &TerritorialEntity, peer: &TerritorialEntity) -> Option<()> {
    [PeerGroupKind::Category, PeerGroupKind::CapacityGroup, PeerGroupKind::Department]
        .into_iter()
        .any(|kind| group_key(entity, kind).is_some() && group_key(entity, kind) == group_key(peer, kind))
        .then_some(())
}

/// Pesos as the catalogue's number type reads them (point for decimals).
fn pesos(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pesos_are_written_the_way_the_number_type_reads_them() {
        assert_eq!(pesos(20_500.0), "20500");
        assert_eq!(pesos(1_250_000_000_000.0), "1250000000000");
        assert_eq!(pesos(20_500.75), "20500.75");
        assert!(crate::reporting::model::canonical_value(ValueType::Number, &pesos(20_500.75)).is_ok());
    }
}
