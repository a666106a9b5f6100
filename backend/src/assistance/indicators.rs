//! What the assistance achieved and where demand waits: indicators by offer,
//! organisation, department and topic, and the focalisation map of demand.
//! The arithmetic is plain functions over facts read once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use uuid::Uuid;

use super::{
    model::{assignment, delivery, demand, evaluation, offer, DemandStatus},
    service::AssistanceService,
};
use crate::{
    error::ServiceError,
    territory::{CapacityGroup, MunicipalCategory, TerritorialEntity},
};

/// How indicators are grouped.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorGrouping {
    /// Por oferta.
    Offer,
    /// Por entidad oferente.
    Organisation,
    /// Por departamento de la entidad demandante.
    Department,
    /// Por tema de la demanda.
    Topic,
}

/// A delivery as the indicators see it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryFacts {
    pub offer_id: Uuid,
    pub hours: f64,
    pub satisfaction: Option<i16>,
    pub capacity_installed: Option<bool>,
}

/// A demand with what happened to it.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandFacts {
    pub entity_code: String,
    pub department_code: String,
    pub topic: String,
    pub status: DemandStatus,
    /// The entity is in the lowest capacity group.
    pub lowest_capacity: bool,
    /// The offers assigned to it, with their organisation.
    pub offers: Vec<(Uuid, String)>,
    pub deliveries: Vec<DeliveryFacts>,
}

/// One row of indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub key: String,
    /// Demands in the group (for an offer or organisation: those assigned to it).
    pub demands: u32,
    /// Of those, demands with at least one delivery (of the group's offers).
    pub demands_covered: u32,
    /// Distinct territorial entities that received a delivery.
    pub entities_reached: u32,
    /// Of those, entities of the lowest capacity group.
    pub lowest_capacity_reached: u32,
    pub deliveries: u32,
    pub hours: f64,
    pub evaluations: u32,
    pub average_satisfaction: Option<f64>,
    /// Evaluations saying the capacity stayed installed.
    pub capacity_installed: u32,
}

/// The lowest capacity group of the DNP's measure (group 5); where the register
/// has no group for an entity, its municipal category 6 stands in.
pub fn is_lowest_capacity(entity: &TerritorialEntity) -> bool {
    match entity.capacity_group {
        Some(group) => group == CapacityGroup::G5,
        None => entity.category == Some(MunicipalCategory::Sixth),
    }
}

/// The key a topic is grouped under: its case- and accent-folded words.
pub fn topic_key(topic: &str) -> String {
    crate::text::fold(topic).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Default)]
struct Tally {
    demands: u32,
    covered: u32,
    entities: BTreeSet<String>,
    lowest: BTreeSet<String>,
    deliveries: u32,
    hours: f64,
    satisfaction: Vec<i16>,
    installed: u32,
}

/// Indicators for every group, largest demand first (then by key).
pub fn indicators(facts: &[DemandFacts], grouping: IndicatorGrouping) -> Vec<Indicator> {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for demand in facts {
        // Each group the demand belongs to, with the offers whose deliveries count there.
        let groups: Vec<(String, Option<BTreeSet<Uuid>>)> = match grouping {
            IndicatorGrouping::Department => vec![(demand.department_code.clone(), None)],
            IndicatorGrouping::Topic => vec![(topic_key(&demand.topic), None)],
            IndicatorGrouping::Offer => {
                demand.offers.iter().map(|(id, _)| (id.to_string(), Some(BTreeSet::from([*id])))).collect()
            }
            IndicatorGrouping::Organisation => {
                let mut by_organisation: BTreeMap<String, BTreeSet<Uuid>> = BTreeMap::new();
                for (id, organisation) in &demand.offers {
                    by_organisation.entry(organisation.clone()).or_default().insert(*id);
                }
                by_organisation.into_iter().map(|(org, ids)| (org, Some(ids))).collect()
            }
        };
        for (key, offers) in groups {
            let tally = tallies.entry(key).or_default();
            tally.demands += 1;
            let counted: Vec<&DeliveryFacts> = demand
                .deliveries
                .iter()
                .filter(|d| offers.as_ref().is_none_or(|ids| ids.contains(&d.offer_id)))
                .collect();
            if counted.is_empty() {
                continue;
            }
            tally.covered += 1;
            tally.entities.insert(demand.entity_code.clone());
            if demand.lowest_capacity {
                tally.lowest.insert(demand.entity_code.clone());
            }
            for delivery in counted {
                tally.deliveries += 1;
                tally.hours += delivery.hours;
                tally.satisfaction.extend(delivery.satisfaction);
                tally.installed += u32::from(delivery.capacity_installed == Some(true));
            }
        }
    }
    let mut rows: Vec<Indicator> = tallies
        .into_iter()
        .map(|(key, tally)| Indicator {
            key,
            demands: tally.demands,
            demands_covered: tally.covered,
            entities_reached: tally.entities.len() as u32,
            lowest_capacity_reached: tally.lowest.len() as u32,
            deliveries: tally.deliveries,
            hours: tally.hours,
            evaluations: tally.satisfaction.len() as u32,
            average_satisfaction: (!tally.satisfaction.is_empty()).then(|| {
                tally.satisfaction.iter().map(|s| f64::from(*s)).sum::<f64>()
                    / tally.satisfaction.len() as f64
            }),
            capacity_installed: tally.installed,
        })
        .collect();
    rows.sort_by(|a, b| b.demands.cmp(&a.demands).then_with(|| a.key.cmp(&b.key)));
    rows
}

/// How a topic is shown: the spelling its demands use most (a tie goes to the one
/// with more accents, then to the first in order), never the folded key.
pub fn topic_label(spellings: &BTreeMap<String, u32>) -> String {
    let accents = |text: &str| text.chars().filter(|c| !c.is_ascii()).count();
    spellings
        .iter()
        .max_by(|(a, count_a), (b, count_b)| {
            count_a.cmp(count_b).then_with(|| accents(a).cmp(&accents(b))).then_with(|| b.cmp(a))
        })
        .map(|(spelling, _)| spelling.clone())
        .unwrap_or_default()
}

/// One cell of the focalisation map: a department and a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct FocusCell {
    pub department_code: String,
    /// The folded key the cell groups by.
    pub topic: String,
    /// The topic as the demands write it (see `topic_label`).
    pub topic_label: String,
    pub demands: u32,
    /// Demands no offer has been assigned to yet.
    pub unmet: u32,
    /// Demands that have received assistance.
    pub attended: u32,
}

/// Demand by department and topic, the most unmet first. Closed demands
/// count as demand but never as unmet.
pub fn focalisation(facts: &[DemandFacts]) -> Vec<FocusCell> {
    let mut cells: BTreeMap<(String, String), FocusCell> = BTreeMap::new();
    let mut spellings: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
    for demand in facts {
        let topic = topic_key(&demand.topic);
        *spellings.entry(topic.clone()).or_default().entry(demand.topic.trim().to_owned()).or_default() += 1;
        let cell =
            cells.entry((demand.department_code.clone(), topic.clone())).or_insert_with(|| FocusCell {
                department_code: demand.department_code.clone(),
                topic,
                topic_label: String::new(),
                demands: 0,
                unmet: 0,
                attended: 0,
            });
        cell.demands += 1;
        cell.unmet += u32::from(demand.status == DemandStatus::Open);
        cell.attended += u32::from(!demand.deliveries.is_empty());
    }
    let mut cells: Vec<FocusCell> = cells.into_values().collect();
    // One label per topic across the country, so a topic reads the same in every department.
    for cell in &mut cells {
        cell.topic_label = spellings.get(&cell.topic).map(topic_label).unwrap_or_else(|| cell.topic.clone());
    }
    cells.sort_by(|a, b| {
        b.unmet
            .cmp(&a.unmet)
            .then_with(|| b.demands.cmp(&a.demands))
            .then_with(|| (&a.department_code, &a.topic).cmp(&(&b.department_code, &b.topic)))
    });
    cells
}

/// The focalisation map as CSV, with the department's name for readers.
pub fn focalisation_csv(cells: &[FocusCell], department_names: &HashMap<String, String>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "departamento",
        "codigo_departamento",
        "tema",
        "demandas",
        "sin_oferta",
        "atendidas",
        "tema_como_se_escribe",
    ]);
    for cell in cells {
        let name = department_names.get(&cell.department_code).map(String::as_str).unwrap_or_default();
        let _ = writer.write_record([
            name,
            cell.department_code.as_str(),
            cell.topic.as_str(),
            &cell.demands.to_string(),
            &cell.unmet.to_string(),
            &cell.attended.to_string(),
            cell.topic_label.as_str(),
        ]);
    }
    writer.into_inner().ok().and_then(|bytes| String::from_utf8(bytes).ok()).unwrap_or_default()
}

impl AssistanceService {
    /// The focalisation map of `year` as CSV (open data for national entities).
    pub async fn focalisation_csv(&self, year: Option<i32>) -> Result<String, ServiceError> {
        let cells = focalisation(&self.demand_facts(year).await?);
        let codes: Vec<String> = cells.iter().map(|c| c.department_code.clone()).collect();
        let names =
            self.territory.find_many(&codes).await?.into_iter().map(|(code, e)| (code, e.name)).collect();
        Ok(focalisation_csv(&cells, &names))
    }

    /// Every demand (of `year`, by registration, if given) with its offers,
    /// deliveries and evaluations: the facts of the indicators. Five reads,
    /// each bounded by the year's demands through a subquery (never a list of
    /// ids: a national year of demands passes PostgreSQL's 65,535 parameters),
    /// and put together by demand in one pass.
    #[tracing::instrument(name = "assistance.demand_facts", skip_all)]
    pub async fn demand_facts(&self, year: Option<i32>) -> Result<Vec<DemandFacts>, ServiceError> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
        let mut demands = demand::Entity::find();
        if let Some(year) = year {
            let start = chrono::NaiveDate::from_ymd_opt(year, 1, 1)
                .ok_or_else(|| ServiceError::invalid(format!("el año {year} no es válido")))?;
            let end = chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(start);
            let at = |day: chrono::NaiveDate| day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            demands = demands
                .filter(demand::Column::CreatedAt.gte(at(start)))
                .filter(demand::Column::CreatedAt.lt(at(end)));
        }
        let demand_ids = demands.clone().select_only().column(demand::Column::Id).into_query();
        let assignments_of_year =
            assignment::Entity::find().filter(assignment::Column::DemandId.in_subquery(demand_ids));
        let offer_ids =
            assignments_of_year.clone().select_only().column(assignment::Column::OfferId).into_query();
        let assignment_ids =
            assignments_of_year.clone().select_only().column(assignment::Column::Id).into_query();
        let deliveries_of_year =
            delivery::Entity::find().filter(delivery::Column::AssignmentId.in_subquery(assignment_ids));
        let delivery_ids = deliveries_of_year.clone().select_only().column(delivery::Column::Id).into_query();

        // The four columns the indicators use, not the needs' text.
        let demands: Vec<(Uuid, String, String, String)> = demands
            .select_only()
            .columns([
                demand::Column::Id,
                demand::Column::EntityCode,
                demand::Column::Topic,
                demand::Column::Status,
            ])
            .into_tuple()
            .all(&self.db)
            .await?;
        let assignments = assignments_of_year.all(&self.db).await?;
        let organisations: HashMap<Uuid, String> = offer::Entity::find()
            .select_only()
            .column(offer::Column::Id)
            .column(offer::Column::OrganisationCode)
            .filter(offer::Column::Id.in_subquery(offer_ids))
            .into_tuple::<(Uuid, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let deliveries = deliveries_of_year
            .order_by_asc(delivery::Column::DeliveredOn)
            .order_by_asc(delivery::Column::Id)
            .select_only()
            .column(delivery::Column::Id)
            .column(delivery::Column::AssignmentId)
            .column(delivery::Column::Hours)
            .into_tuple::<(Uuid, Uuid, f64)>()
            .all(&self.db)
            .await?;
        let evaluations: HashMap<Uuid, (i16, bool)> = evaluation::Entity::find()
            .select_only()
            .column(evaluation::Column::DeliveryId)
            .column(evaluation::Column::Satisfaction)
            .column(evaluation::Column::CapacityInstalled)
            .filter(evaluation::Column::DeliveryId.in_subquery(delivery_ids))
            .into_tuple::<(Uuid, i16, bool)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(delivery, satisfaction, installed)| (delivery, (satisfaction, installed)))
            .collect();

        let mut offers_of: HashMap<Uuid, Vec<(Uuid, String)>> = HashMap::new();
        let mut assigned: HashMap<Uuid, (Uuid, Uuid)> = HashMap::new();
        for row in assignments {
            let organisation = organisations.get(&row.offer_id).cloned().unwrap_or_default();
            offers_of.entry(row.demand_id).or_default().push((row.offer_id, organisation));
            assigned.insert(row.id, (row.demand_id, row.offer_id));
        }
        let mut deliveries_of: HashMap<Uuid, Vec<DeliveryFacts>> = HashMap::new();
        for (id, assignment_id, hours) in deliveries {
            let Some((demand_id, offer_id)) = assigned.get(&assignment_id) else { continue };
            let evaluation = evaluations.get(&id);
            deliveries_of.entry(*demand_id).or_default().push(DeliveryFacts {
                offer_id: *offer_id,
                hours,
                satisfaction: evaluation.map(|(satisfaction, _)| *satisfaction),
                capacity_installed: evaluation.map(|(_, installed)| *installed),
            });
        }
        let codes: Vec<String> = demands
            .iter()
            .map(|(_, entity, _, _)| entity.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let entities = self.territory.find_many(&codes).await?;
        Ok(demands
            .into_iter()
            .map(|(id, entity_code, topic, status)| {
                let entity = entities.get(&entity_code);
                DemandFacts {
                    department_code: entity
                        .and_then(|e| e.department_code.clone())
                        .unwrap_or_else(|| entity_code.clone()),
                    lowest_capacity: entity.is_some_and(is_lowest_capacity),
                    offers: offers_of.remove(&id).unwrap_or_default(),
                    deliveries: deliveries_of.remove(&id).unwrap_or_default(),
                    status: DemandStatus::from_db(&status),
                    topic,
                    entity_code,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer_id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn demand(entity: &str, department: &str, topic: &str, lowest: bool) -> DemandFacts {
        DemandFacts {
            entity_code: entity.into(),
            department_code: department.into(),
            topic: topic.into(),
            status: DemandStatus::Open,
            lowest_capacity: lowest,
            offers: vec![],
            deliveries: vec![],
        }
    }

    fn delivered(
        mut facts: DemandFacts,
        offer: u128,
        organisation: &str,
        satisfaction: Option<i16>,
    ) -> DemandFacts {
        facts.status = DemandStatus::Attended;
        if !facts.offers.iter().any(|(id, _)| *id == offer_id(offer)) {
            facts.offers.push((offer_id(offer), organisation.into()));
        }
        facts.deliveries.push(DeliveryFacts {
            offer_id: offer_id(offer),
            hours: 4.0,
            satisfaction,
            capacity_installed: satisfaction.map(|s| s >= 4),
        });
        facts
    }

    fn fixture() -> Vec<DemandFacts> {
        let mut assigned = demand("52835", "52", "Catastro", false);
        assigned.status = DemandStatus::Matched;
        assigned.offers.push((offer_id(2), "IGAC".into()));
        vec![
            delivered(
                delivered(demand("05002", "05", "Regalías", true), 1, "DNP", Some(5)),
                1,
                "DNP",
                Some(3),
            ),
            delivered(demand("05004", "05", "regalias", false), 2, "IGAC", None),
            assigned,
            demand("52001", "52", "catastro ", true),
        ]
    }

    #[test]
    fn indicators_by_department_count_coverage_reach_and_evaluation() {
        let rows = indicators(&fixture(), IndicatorGrouping::Department);
        let antioquia = rows.iter().find(|r| r.key == "05").expect("05");
        assert_eq!((antioquia.demands, antioquia.demands_covered, antioquia.entities_reached), (2, 2, 2));
        assert_eq!(antioquia.lowest_capacity_reached, 1);
        assert_eq!((antioquia.deliveries, antioquia.evaluations), (3, 2));
        assert_eq!(antioquia.average_satisfaction, Some(4.0));
        assert_eq!(antioquia.capacity_installed, 1);
        let narino = rows.iter().find(|r| r.key == "52").expect("52");
        assert_eq!((narino.demands, narino.demands_covered, narino.entities_reached), (2, 0, 0));
        assert_eq!(narino.average_satisfaction, None);
    }

    #[test]
    fn indicators_by_offer_and_organisation_count_only_their_own_deliveries() {
        let by_offer = indicators(&fixture(), IndicatorGrouping::Offer);
        let second = by_offer.iter().find(|r| r.key == offer_id(2).to_string()).expect("offer 2");
        assert_eq!((second.demands, second.demands_covered, second.deliveries), (2, 1, 1));
        let by_organisation = indicators(&fixture(), IndicatorGrouping::Organisation);
        let dnp = by_organisation.iter().find(|r| r.key == "DNP").expect("DNP");
        assert_eq!(
            (dnp.demands, dnp.demands_covered, dnp.deliveries, dnp.lowest_capacity_reached),
            (1, 1, 2, 1)
        );
        assert_eq!(by_organisation[0].key, "IGAC", "the largest demand first");
    }

    #[test]
    fn topics_group_regardless_of_case_and_accents() {
        let rows = indicators(&fixture(), IndicatorGrouping::Topic);
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["catastro", "regalias"]);
    }

    #[test]
    fn a_topic_reads_as_most_demands_write_it_with_its_accents() {
        let spellings = |pairs: &[(&str, u32)]| pairs.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect();
        assert_eq!(
            topic_label(&spellings(&[("regalias", 3), ("Regalías", 1)])),
            "regalias",
            "the most used wins"
        );
        assert_eq!(
            topic_label(&spellings(&[("regalias", 1), ("regalías", 1)])),
            "regalías",
            "a tie goes to the accents"
        );
        assert_eq!(
            topic_label(&spellings(&[("Catastro", 1), ("catastro", 1)])),
            "Catastro",
            "then the first in order"
        );
    }

    #[test]
    fn focalisation_puts_unmet_demand_first() {
        let cells = focalisation(&fixture());
        assert_eq!(
            cells[0],
            FocusCell {
                department_code: "52".into(),
                topic: "catastro".into(),
                topic_label: "Catastro".into(),
                demands: 2,
                unmet: 1,
                attended: 0
            }
        );
        assert_eq!(
            cells[1],
            FocusCell {
                department_code: "05".into(),
                topic: "regalias".into(),
                topic_label: "Regalías".into(),
                demands: 2,
                unmet: 0,
                attended: 2
            }
        );
    }

    #[test]
    fn the_csv_names_departments_and_quotes_text() {
        let names = HashMap::from([("52".to_owned(), "Nariño".to_owned())]);
        let csv = focalisation_csv(&focalisation(&fixture()), &names);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "departamento,codigo_departamento,tema,demandas,sin_oferta,atendidas,tema_como_se_escribe"
        );
        assert_eq!(lines[1], "Nariño,52,catastro,2,1,0,Catastro");
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn the_lowest_capacity_group_falls_back_to_category_six() {
        let entity = |group, category| TerritorialEntity {
            code: "05002".into(),
            name: "Abejorral".into(),
            kind: crate::territory::TerritorialKind::Municipality,
            department_code: Some("05".into()),
            category,
            capacity_group: group,
        };
        assert!(is_lowest_capacity(&entity(Some(CapacityGroup::G5), Some(MunicipalCategory::First))));
        assert!(!is_lowest_capacity(&entity(Some(CapacityGroup::G4), Some(MunicipalCategory::Sixth))));
        assert!(is_lowest_capacity(&entity(None, Some(MunicipalCategory::Sixth))));
        assert!(!is_lowest_capacity(&entity(None, None)));
    }
}
