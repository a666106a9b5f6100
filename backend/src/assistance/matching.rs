//! Matching offers and demands with the differential approach: plain
//! functions, deterministic, each match explained reason by reason.
//!
//! An offer is eligible for a demand when it is published, meant for the
//! entity's kind and category, covers its department, is still running within
//! the wanted dates, and has room left. Eligible offers are ranked by how well
//! the texts match, whether the topic is the same, how little capacity the
//! entity has (the lowest capacity groups first), the demand's priority, and
//! whether the dates fit.

use chrono::NaiveDate;

use super::model::{Demand, Offer, OfferStatus, Priority};
use crate::territory::{CapacityGroup, MunicipalCategory, TerritorialKind};

/// What the matching needs to know of the entity behind a demand.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityFacts {
    pub kind: TerritorialKind,
    pub category: Option<MunicipalCategory>,
    pub capacity_group: Option<CapacityGroup>,
    /// The department the entity belongs to (itself for a department).
    pub department_code: String,
}

/// One reason of a score and what it weighs.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub factor: Factor,
    pub weight: f64,
    pub explanation: String,
}

/// What a reason is about.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    /// Coincidencia de textos (índice de búsqueda).
    Text,
    /// Mismo tema.
    Topic,
    /// Enfoque diferencial: menor capacidad, más prioridad.
    Capacity,
    /// Prioridad declarada por la entidad.
    Priority,
    /// Fechas compatibles.
    Dates,
}

pub const TEXT_WEIGHT: f64 = 0.35;
pub const TOPIC_WEIGHT: f64 = 0.25;
pub const CAPACITY_WEIGHT: f64 = 0.25;
pub const PRIORITY_WEIGHT: f64 = 0.10;
pub const DATES_WEIGHT: f64 = 0.05;

/// Why an offer cannot serve a demand, in Spanish.
pub fn ineligibility(
    offer: &Offer,
    assigned: u32,
    demand: &Demand,
    entity: &EntityFacts,
    today: NaiveDate,
) -> Option<String> {
    if offer.status != OfferStatus::Published {
        return Some("la oferta no está publicada".into());
    }
    if let Some(reason) = entity_ineligibility(offer, entity) {
        return Some(reason.into());
    }
    if offer.ends_on < today {
        return Some("la oferta ya terminó".into());
    }
    if let Some(from) = demand.desired_from {
        if offer.ends_on < from {
            return Some("la oferta termina antes de las fechas deseadas".into());
        }
    }
    if let Some(to) = demand.desired_to {
        if offer.starts_on > to {
            return Some("la oferta empieza después de las fechas deseadas".into());
        }
    }
    if i64::from(assigned) >= i64::from(offer.capacity) {
        return Some("la oferta no tiene cupos".into());
    }
    None
}

/// Why an offer is not meant for an entity (its kind, category or
/// department), whatever the demand; `None` when it is.
pub fn entity_ineligibility(offer: &Offer, entity: &EntityFacts) -> Option<&'static str> {
    if !offer.target_kinds.contains(&entity.kind) {
        return Some("la oferta no es para este tipo de entidad");
    }
    if !offer.target_categories.is_empty()
        && !entity.category.is_some_and(|category| offer.target_categories.contains(&category))
    {
        return Some("la oferta no es para esta categoría municipal");
    }
    if !offer.department_codes.is_empty() && !offer.department_codes.contains(&entity.department_code) {
        return Some("la oferta no cubre este departamento");
    }
    None
}

/// The share of the capacity weight each group gets: the lowest capacities first.
pub fn capacity_share(group: Option<CapacityGroup>) -> f64 {
    match group {
        Some(CapacityGroup::G5) => 1.0,
        Some(CapacityGroup::G4) => 0.8,
        Some(CapacityGroup::G3) => 0.6,
        Some(CapacityGroup::G2) => 0.4,
        Some(CapacityGroup::G1) => 0.2,
        Some(CapacityGroup::Capitals) => 0.0,
        // Departments and unclassified units: the middle.
        None => 0.5,
    }
}

/// The text factor: `text` is the relevance normalised to 0..=1 among the candidates.
pub fn text_reason(text: f64) -> Option<Reason> {
    let text = text.clamp(0.0, 1.0);
    (text > 0.0).then(|| Reason {
        factor: Factor::Text,
        weight: TEXT_WEIGHT * text,
        explanation: format!("los textos coinciden ({:.0} % de la mejor coincidencia)", text * 100.0),
    })
}

/// The topic factor: the same topic, whatever the accents and capitals.
pub fn topic_reason(offered: &str, wanted: &str) -> Option<Reason> {
    (crate::text::fold(offered) == crate::text::fold(wanted)).then(|| Reason {
        factor: Factor::Topic,
        weight: TOPIC_WEIGHT,
        explanation: format!("mismo tema: {offered}"),
    })
}

/// The differential approach: the lower the entity's capacity, the more weight.
pub fn capacity_reason(group: Option<CapacityGroup>) -> Option<Reason> {
    let share = capacity_share(group);
    (share > 0.0).then(|| {
        let group = group
            .map_or("sin grupo de capacidades".to_owned(), |g| format!("grupo de capacidades {}", g.as_db()));
        Reason {
            factor: Factor::Capacity,
            weight: CAPACITY_WEIGHT * share,
            explanation: format!("enfoque diferencial: {group}"),
        }
    })
}

/// The score of an eligible pair and its reasons. `text` is the text
/// relevance, normalised to 0..=1 among the candidates.
pub fn score(offer: &Offer, demand: &Demand, entity: &EntityFacts, text: f64) -> (f64, Vec<Reason>) {
    let mut reasons: Vec<Reason> = [
        text_reason(text),
        topic_reason(&offer.topic, &demand.topic),
        capacity_reason(entity.capacity_group),
    ]
    .into_iter()
    .flatten()
    .collect();
    let priority = match demand.priority {
        Priority::High => 1.0,
        Priority::Medium => 0.5,
        Priority::Low => 0.0,
    };
    if priority > 0.0 {
        reasons.push(Reason {
            factor: Factor::Priority,
            weight: PRIORITY_WEIGHT * priority,
            explanation: format!(
                "prioridad {} para la entidad",
                if priority == 1.0 { "alta" } else { "media" }
            ),
        });
    }
    if demand.desired_from.is_some() || demand.desired_to.is_some() {
        reasons.push(Reason {
            factor: Factor::Dates,
            weight: DATES_WEIGHT,
            explanation: format!(
                "la oferta va del {} al {}, dentro de las fechas deseadas",
                crate::bogota_time::spanish_date(offer.starts_on),
                crate::bogota_time::spanish_date(offer.ends_on)
            ),
        });
    }
    let total = reasons.iter().map(|r| r.weight).sum();
    (total, reasons)
}

/// The score without its text factor: what an eligible pair is sure to get.
/// With [`TEXT_WEIGHT`] added, a bound no text can beat, so the reverse view
/// analyses a need's text only while it could still enter the top.
/// `same_topic`: the topics are the same, as [`topic_reason`] compares them;
/// `with_dates`: the demand says when it wants the assistance.
pub fn score_without_text(
    same_topic: bool,
    priority: Priority,
    with_dates: bool,
    entity: &EntityFacts,
) -> f64 {
    let topic = if same_topic { TOPIC_WEIGHT } else { 0.0 };
    let priority = match priority {
        Priority::High => PRIORITY_WEIGHT,
        Priority::Medium => PRIORITY_WEIGHT * 0.5,
        Priority::Low => 0.0,
    };
    let dates = if with_dates { DATES_WEIGHT } else { 0.0 };
    topic + CAPACITY_WEIGHT * capacity_share(entity.capacity_group) + priority + dates
}

/// Text relevance for the reverse view (demands for an offer): the share of
/// the need's analysed terms the offer also has.
pub fn term_overlap(offer_text: &str, need: &str) -> f64 {
    OfferTerms::of(offer_text).overlap(need)
}

/// An offer's analysed terms, analysed once for all the demands it is matched with.
pub struct OfferTerms(std::collections::HashSet<String>);

impl OfferTerms {
    pub fn of(offer_text: &str) -> Self {
        Self(search_index::analyze(offer_text).into_iter().collect())
    }

    /// [`term_overlap`] with these terms.
    pub fn overlap(&self, need: &str) -> f64 {
        self.overlap_of(&mut search_index::WordTerms::default(), &[need])
    }

    /// [`term_overlap`] of the need written as `parts` (its topic, its text),
    /// the words analysed through `memo`, which the many needs compared with
    /// one offer share.
    pub fn overlap_of(&self, memo: &mut search_index::WordTerms, parts: &[&str]) -> f64 {
        for part in parts {
            memo.learn(part);
        }
        let memo = &*memo;
        let mut need_terms: Vec<&str> = parts.iter().flat_map(|part| memo.known(part)).collect();
        need_terms.sort_unstable();
        need_terms.dedup();
        if need_terms.is_empty() || self.0.is_empty() {
            return 0.0;
        }
        need_terms.iter().filter(|term| self.0.contains(**term)).count() as f64 / need_terms.len() as f64
    }
}

/// Sorts matches best first; ties by id, so the order is the same every time.
pub fn rank<T>(matches: &mut [(f64, uuid::Uuid, T)]) {
    matches.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use uuid::Uuid;

    use super::*;
    use crate::assistance::model::{DemandStatus, Modality};

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn offer() -> Offer {
        Offer {
            id: Uuid::nil(),
            organisation_code: "DNP".into(),
            title: "Formulación de proyectos de regalías".into(),
            description: "Acompañamiento para formular proyectos del SGR".into(),
            topic: "Regalías".into(),
            competency: None,
            programmatic_unit: None,
            modality: Modality::Virtual,
            target_kinds: vec![TerritorialKind::Municipality],
            target_categories: vec![MunicipalCategory::Fifth, MunicipalCategory::Sixth],
            department_codes: vec!["05".into(), "52".into()],
            starts_on: day("2026-01-01"),
            ends_on: day("2026-12-31"),
            capacity: 2,
            cost_to_entity: 0,
            contact: "regalias@dnp.gov.co".into(),
            status: OfferStatus::Published,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn demand() -> Demand {
        Demand {
            id: Uuid::nil(),
            entity_code: "05002".into(),
            need: "Formular un proyecto de acueducto con regalías".into(),
            topic: "regalias".into(),
            priority: Priority::High,
            capacity_gap: "Sin profesional de proyectos".into(),
            desired_from: Some(day("2026-03-01")),
            desired_to: Some(day("2026-06-30")),
            status: DemandStatus::Open,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn entity(group: Option<CapacityGroup>) -> EntityFacts {
        EntityFacts {
            kind: TerritorialKind::Municipality,
            category: Some(MunicipalCategory::Sixth),
            capacity_group: group,
            department_code: "05".into(),
        }
    }

    const TODAY: &str = "2026-02-01";

    #[test]
    fn eligibility_follows_kind_category_region_dates_and_room() {
        let e = entity(Some(CapacityGroup::G5));
        assert_eq!(ineligibility(&offer(), 0, &demand(), &e, day(TODAY)), None);
        assert!(ineligibility(&offer(), 2, &demand(), &e, day(TODAY)).is_some_and(|r| r.contains("cupos")));
        let mut draft = offer();
        draft.status = OfferStatus::Draft;
        assert!(ineligibility(&draft, 0, &demand(), &e, day(TODAY)).is_some());
        let first = EntityFacts { category: Some(MunicipalCategory::First), ..e.clone() };
        assert!(ineligibility(&offer(), 0, &demand(), &first, day(TODAY))
            .is_some_and(|r| r.contains("categoría")));
        let narino_only = EntityFacts { department_code: "27".into(), ..e.clone() };
        assert!(ineligibility(&offer(), 0, &demand(), &narino_only, day(TODAY))
            .is_some_and(|r| r.contains("departamento")));
        let department = EntityFacts { kind: TerritorialKind::Department, category: None, ..e.clone() };
        assert!(ineligibility(&offer(), 0, &demand(), &department, day(TODAY)).is_some());
        let late = Demand { desired_from: Some(day("2027-02-01")), desired_to: None, ..demand() };
        assert!(ineligibility(&offer(), 0, &late, &e, day(TODAY)).is_some_and(|r| r.contains("termina")));
        assert!(ineligibility(&offer(), 0, &demand(), &e, day("2027-01-01"))
            .is_some_and(|r| r.contains("terminó")));
        let everywhere = Offer { department_codes: vec![], target_categories: vec![], ..offer() };
        assert_eq!(ineligibility(&everywhere, 0, &demand(), &first, day(TODAY)), None);
    }

    #[test]
    fn the_lowest_capacity_comes_first_and_every_point_is_explained() {
        let (low, reasons) = score(&offer(), &demand(), &entity(Some(CapacityGroup::G5)), 1.0);
        let (high, _) = score(&offer(), &demand(), &entity(Some(CapacityGroup::G1)), 1.0);
        let (capital, _) = score(&offer(), &demand(), &entity(Some(CapacityGroup::Capitals)), 1.0);
        assert!(low > high && high > capital, "{low} {high} {capital}");
        let sum: f64 = reasons.iter().map(|r| r.weight).sum();
        assert!((sum - low).abs() < 1e-9);
        assert!(reasons.iter().any(|r| r.factor == Factor::Topic), "accents do not split topics");
        assert!((low - 1.0).abs() < 1e-9, "a perfect match weighs 1: {low}");
    }

    #[test]
    fn the_score_without_text_is_the_score_less_its_text_factor() {
        let quiet = Demand { priority: Priority::Medium, desired_from: None, desired_to: None, ..demand() };
        let other_topic = Offer { topic: "Catastro".into(), ..offer() };
        for (offer, demand) in [(offer(), demand()), (other_topic, quiet)] {
            for group in [None, Some(CapacityGroup::G5), Some(CapacityGroup::Capitals)] {
                let e = entity(group);
                for text in [0.0, 0.3, 1.0] {
                    let (full, _) = score(&offer, &demand, &e, text);
                    let same = topic_reason(&offer.topic, &demand.topic).is_some();
                    let dated = demand.desired_from.is_some() || demand.desired_to.is_some();
                    let rest = score_without_text(same, demand.priority, dated, &e) + TEXT_WEIGHT * text;
                    assert!((full - rest).abs() < 1e-12, "{full} {rest}");
                }
            }
        }
    }

    #[test]
    fn text_overlap_and_ranking_are_deterministic() {
        assert!(OfferTerms::of("Proyectos de regalías").overlap("proyecto regalias acueducto") > 0.6);
        assert_eq!(OfferTerms::of("catastro").overlap("regalías"), 0.0);
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut matches = vec![(0.5, b, ()), (0.5, a, ()), (0.9, b, ())];
        rank(&mut matches);
        assert_eq!(matches.iter().map(|m| (m.0, m.1)).collect::<Vec<_>>(), [(0.9, b), (0.5, a), (0.5, b)]);
    }
}
