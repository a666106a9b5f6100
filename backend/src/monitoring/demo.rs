//! Demo monitoring: 30 indicators over the demo catalogue, and synthetic
//! values for every municipal unit for 2022–2025, so that every view has
//! something to show on a first start.
//!
//! Everything here is labelled «datos sintéticos de demostración»: the values
//! arrive through a requirement of that name (their provenance says so), each
//! indicator's source note says so, and the municipal category and capacity
//! group the values are drawn from are set only where the register has none.
//! The values are drawn per category (Ley 617 thresholds on a drawn
//! population), so that peers differ the way real ones do, from a hash of
//! (code, year, what): the same on every machine, no random-number crate.
//! They go through the real path (the import, then the full recompute).

use super::{model::Direction, model::NewIndicator, service::MonitoringService};
use crate::{
    access::AccessService,
    authorisation::Role,
    error::ServiceError,
    reporting::{catalogue::NewRequirement, demo::demo_user, import, model::Periodicity, ReportingService},
    territory::{CapacityGroup, MunicipalCategory, TerritorialKind, TerritoryFilter, TerritoryService},
};

pub const SYNTHETIC: &str = "datos sintéticos de demostración";
const REQUIREMENT: &str = "DEMO_MONITOREO";
/// The demo's restricted indicator: signed-in national users, the secretariat
/// and each territory for its own values see it; the public does not.
const RESTRICTED: &str = "INVERSION_NO_PROPIA";
const YEARS: [i32; 4] = [2022, 2023, 2024, 2025];
const ELEMENTS: [&str; 15] = [
    "POBLACION_TOTAL",
    "POBLACION_URBANA",
    "POBLACION_RURAL",
    "NBI",
    "INGRESOS_TRIBUTARIOS",
    "RECAUDO_PREDIAL",
    "GASTO_FUNCIONAMIENTO",
    "INVERSION_TOTAL",
    "MATRICULA_OFICIAL",
    "DOCENTES_OFICIALES",
    "TASA_DESERCION",
    "VIVIENDAS_TOTAL",
    "COBERTURA_ACUEDUCTO",
    "COBERTURA_ALCANTARILLADO",
    "IRCA",
];

/// (code, name, competency, formula, unit, direction, lower, upper)
type DemoIndicator =
    (&'static str, &'static str, &'static str, &'static str, &'static str, Direction, f64, f64);

use Direction::{HigherIsBetter as Up, LowerIsBetter as Down};

const INDICATORS: [DemoIndicator; 30] = [
    (
        "INVERSION_PER_CAPITA",
        "Inversión por habitante",
        "HACIENDA",
        "INVERSION_TOTAL / POBLACION_TOTAL",
        "pesos por habitante",
        Up,
        1_400_000.0,
        1_900_000.0,
    ),
    (
        "TRIBUTARIO_PER_CAPITA",
        "Ingresos tributarios por habitante",
        "HACIENDA",
        "INGRESOS_TRIBUTARIOS / POBLACION_TOTAL",
        "pesos por habitante",
        Up,
        145_000.0,
        225_000.0,
    ),
    (
        "PREDIAL_PER_CAPITA",
        "Recaudo predial por habitante",
        "HACIENDA",
        "RECAUDO_PREDIAL / POBLACION_TOTAL",
        "pesos por habitante",
        Up,
        45_000.0,
        75_000.0,
    ),
    (
        "PESO_PREDIAL",
        "Peso del predial en los ingresos tributarios",
        "HACIENDA",
        "RECAUDO_PREDIAL / INGRESOS_TRIBUTARIOS * 100",
        "porcentaje",
        Up,
        29.0,
        37.0,
    ),
    (
        "FUNCIONAMIENTO_SOBRE_TRIBUTARIO",
        "Funcionamiento sobre ingresos tributarios",
        "HACIENDA",
        "GASTO_FUNCIONAMIENTO / INGRESOS_TRIBUTARIOS * 100",
        "porcentaje",
        Down,
        150.0,
        200.0,
    ),
    (
        "PESO_INVERSION",
        "Inversión en el gasto total",
        "HACIENDA",
        "INVERSION_TOTAL / (INVERSION_TOTAL + GASTO_FUNCIONAMIENTO) * 100",
        "porcentaje",
        Up,
        80.0,
        87.0,
    ),
    (
        "FUNCIONAMIENTO_PER_CAPITA",
        "Gasto de funcionamiento por habitante",
        "HACIENDA",
        "GASTO_FUNCIONAMIENTO / POBLACION_TOTAL",
        "pesos por habitante",
        Down,
        250_000.0,
        420_000.0,
    ),
    (
        "INVERSION_NO_PROPIA",
        "Inversión no cubierta por ingresos tributarios",
        "HACIENDA",
        "(INVERSION_TOTAL - INGRESOS_TRIBUTARIOS) / INVERSION_TOTAL * 100",
        "porcentaje",
        Down,
        86.0,
        92.0,
    ),
    (
        "TRIBUTARIO_POR_VIVIENDA",
        "Ingresos tributarios por vivienda",
        "HACIENDA",
        "INGRESOS_TRIBUTARIOS / VIVIENDAS_TOTAL",
        "pesos por vivienda",
        Up,
        450_000.0,
        720_000.0,
    ),
    (
        "PREDIAL_POR_VIVIENDA",
        "Recaudo predial por vivienda",
        "HACIENDA",
        "RECAUDO_PREDIAL / VIVIENDAS_TOTAL",
        "pesos por vivienda",
        Up,
        140_000.0,
        245_000.0,
    ),
    (
        "MATRICULA_POR_100",
        "Matrícula oficial por cada 100 habitantes",
        "EDUCACION",
        "MATRICULA_OFICIAL / POBLACION_TOTAL * 100",
        "estudiantes por cada 100 habitantes",
        Up,
        16.5,
        18.5,
    ),
    (
        "ALUMNOS_POR_DOCENTE",
        "Estudiantes por docente oficial",
        "EDUCACION",
        "MATRICULA_OFICIAL / DOCENTES_OFICIALES",
        "estudiantes por docente",
        Down,
        17.5,
        21.5,
    ),
    (
        "DOCENTES_POR_1000",
        "Docentes oficiales por cada 1.000 habitantes",
        "EDUCACION",
        "DOCENTES_OFICIALES / POBLACION_TOTAL * 1000",
        "docentes por cada 1.000 habitantes",
        Up,
        8.0,
        10.0,
    ),
    ("DESERCION", "Deserción escolar", "EDUCACION", "TASA_DESERCION", "porcentaje", Down, 3.4, 5.2),
    ("PERMANENCIA", "Permanencia escolar", "EDUCACION", "100 - TASA_DESERCION", "porcentaje", Up, 94.8, 96.6),
    (
        "DESERTORES_POR_1000",
        "Estudiantes que desertan por cada 1.000 habitantes",
        "EDUCACION",
        "MATRICULA_OFICIAL * TASA_DESERCION / POBLACION_TOTAL * 10",
        "estudiantes por cada 1.000 habitantes",
        Down,
        5.8,
        9.0,
    ),
    (
        "COBERTURA_ACUEDUCTO",
        "Cobertura de acueducto",
        "AGUA_POTABLE",
        "COBERTURA_ACUEDUCTO",
        "porcentaje",
        Up,
        65.0,
        77.0,
    ),
    (
        "COBERTURA_ALCANTARILLADO",
        "Cobertura de alcantarillado",
        "AGUA_POTABLE",
        "COBERTURA_ALCANTARILLADO",
        "porcentaje",
        Up,
        35.0,
        49.0,
    ),
    (
        "BRECHA_SANEAMIENTO",
        "Brecha entre acueducto y alcantarillado",
        "AGUA_POTABLE",
        "COBERTURA_ACUEDUCTO - COBERTURA_ALCANTARILLADO",
        "puntos porcentuales",
        Down,
        25.5,
        31.0,
    ),
    (
        "COBERTURA_SERVICIOS",
        "Cobertura promedio de acueducto y alcantarillado",
        "AGUA_POTABLE",
        "(COBERTURA_ACUEDUCTO + COBERTURA_ALCANTARILLADO) / 2",
        "porcentaje",
        Up,
        50.0,
        63.0,
    ),
    (
        "VIVIENDAS_SIN_ACUEDUCTO",
        "Viviendas sin acueducto por cada 100",
        "AGUA_POTABLE",
        "100 - COBERTURA_ACUEDUCTO",
        "viviendas por cada 100",
        Down,
        23.0,
        35.0,
    ),
    (
        "PERSONAS_SIN_ACUEDUCTO",
        "Personas sin acueducto",
        "AGUA_POTABLE",
        "POBLACION_TOTAL * (100 - COBERTURA_ACUEDUCTO) / 100",
        "personas",
        Down,
        2000.0,
        5500.0,
    ),
    ("IRCA", "Riesgo de la calidad del agua (IRCA)", "AGUA_POTABLE", "IRCA", "porcentaje", Down, 5.0, 14.0),
    (
        "VIVIENDAS_SIN_ALCANTARILLADO",
        "Viviendas sin alcantarillado",
        "AGUA_POTABLE",
        "VIVIENDAS_TOTAL * (100 - COBERTURA_ALCANTARILLADO) / 100",
        "viviendas",
        Down,
        1300.0,
        3700.0,
    ),
    (
        "NBI",
        "Personas con necesidades básicas insatisfechas",
        "PLANEACION",
        "NBI",
        "porcentaje",
        Down,
        28.0,
        41.0,
    ),
    (
        "PERSONAS_CON_NBI",
        "Personas con necesidades básicas insatisfechas (número)",
        "PLANEACION",
        "POBLACION_TOTAL * NBI / 100",
        "personas",
        Down,
        2400.0,
        7000.0,
    ),
    (
        "INVERSION_POR_PERSONA_CON_NBI",
        "Inversión por persona con NBI",
        "PLANEACION",
        "INVERSION_TOTAL / (POBLACION_TOTAL * NBI / 100)",
        "pesos por persona",
        Up,
        3_900_000.0,
        6_300_000.0,
    ),
    (
        "RURALIDAD",
        "Población rural",
        "PLANEACION",
        "POBLACION_RURAL / POBLACION_TOTAL * 100",
        "porcentaje",
        Down,
        57.0,
        69.0,
    ),
    (
        "PERSONAS_POR_VIVIENDA",
        "Personas por vivienda",
        "PLANEACION",
        "POBLACION_TOTAL / VIVIENDAS_TOTAL",
        "personas por vivienda",
        Down,
        3.0,
        3.4,
    ),
    (
        "INVERSION_RURAL_PER_CAPITA",
        "Inversión por habitante rural",
        "PLANEACION",
        "INVERSION_TOTAL / POBLACION_RURAL",
        "pesos por habitante rural",
        Up,
        2_300_000.0,
        3_200_000.0,
    ),
];

/// A number in [0, 1) from `key`: FNV-1a, then a splitmix64 finaliser.
fn uniform(key: &str) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^= hash >> 31;
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// A standard normal number from `key` (Box–Muller).
fn normal(key: &str) -> f64 {
    let (a, b) = (uniform(&format!("{key}:a")).max(1e-12), uniform(&format!("{key}:b")));
    (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
}

/// How many municipal units each category has, biggest first, about as in
/// the 2024 categorisation (most are of the sixth: the rest).
const CATEGORY_SIZES: [(MunicipalCategory, usize); 6] = [
    (MunicipalCategory::Special, 7),
    (MunicipalCategory::First, 22),
    (MunicipalCategory::Second, 20),
    (MunicipalCategory::Third, 21),
    (MunicipalCategory::Fourth, 26),
    (MunicipalCategory::Fifth, 45),
];

/// The synthetic category of each code: the codes ranked by a drawn size,
/// the biggest taking the higher categories in their usual numbers.
pub fn categories(codes: &[String]) -> Vec<(String, MunicipalCategory)> {
    let mut ranked: Vec<(f64, &String)> =
        codes.iter().map(|code| (normal(&format!("{code}:tamano")) + size_bonus(code), code)).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut limits = CATEGORY_SIZES.iter().scan(0, |end, (category, size)| {
        *end += size;
        Some((*category, *end))
    });
    let mut current = limits.next();
    ranked
        .into_iter()
        .enumerate()
        .map(|(position, (_, code))| {
            while current.is_some_and(|(_, end)| position >= end) {
                current = limits.next();
            }
            (code.clone(), current.map_or(MunicipalCategory::Sixth, |(category, _)| category))
        })
        .collect()
}

/// The five biggest cities lead; departmental capitals (mostly DIVIPOLA
/// «XX001») come next: so the higher categories fall where they do in life.
fn size_bonus(code: &str) -> f64 {
    match code {
        "11001" | "05001" | "76001" | "08001" | "13001" => 20.0,
        _ if code.ends_with("001") => 3.0,
        _ => 0.0,
    }
}

/// Population bounds of each category (Ley 617 de 2000, art. 2).
fn population_range(category: MunicipalCategory) -> (f64, f64) {
    match category {
        MunicipalCategory::Special => (500_001.0, 8_000_000.0),
        MunicipalCategory::First => (100_001.0, 500_000.0),
        MunicipalCategory::Second => (50_001.0, 100_000.0),
        MunicipalCategory::Third => (30_001.0, 50_000.0),
        MunicipalCategory::Fourth => (20_001.0, 30_000.0),
        MunicipalCategory::Fifth => (10_001.0, 20_000.0),
        // The sixth holds every size with little own revenue; most are small.
        MunicipalCategory::Sixth => (900.0, 60_000.0),
    }
}

/// The drawn population of a municipal unit in 2022, inside its category's range.
pub fn base_population(code: &str, category: MunicipalCategory) -> f64 {
    let (low, high) = population_range(category);
    match category {
        MunicipalCategory::Sixth => {
            (11_000.0 * (0.75 * normal(&format!("{code}:poblacion"))).exp()).clamp(low, high)
        }
        _ => (low.ln() + (high.ln() - low.ln()) * uniform(&format!("{code}:poblacion")).powi(2)).exp(),
    }
}

/// 0 for the special category to 6 for the sixth: how far from the biggest.
fn rank_of(category: MunicipalCategory) -> f64 {
    match category {
        MunicipalCategory::Special => 0.0,
        MunicipalCategory::First => 1.0,
        MunicipalCategory::Second => 2.0,
        MunicipalCategory::Third => 3.0,
        MunicipalCategory::Fourth => 4.0,
        MunicipalCategory::Fifth => 5.0,
        MunicipalCategory::Sixth => 6.0,
    }
}

/// The synthetic capacity group: higher categories have higher capacities.
fn capacity_for(code: &str, category: MunicipalCategory) -> CapacityGroup {
    let shift = uniform(&format!("{code}:grupo"));
    match (category, shift) {
        (MunicipalCategory::Special | MunicipalCategory::First, _) => CapacityGroup::G1,
        (MunicipalCategory::Second | MunicipalCategory::Third, s) if s < 0.6 => CapacityGroup::G2,
        (MunicipalCategory::Second | MunicipalCategory::Third, _) => CapacityGroup::G3,
        (MunicipalCategory::Fourth | MunicipalCategory::Fifth, s) if s < 0.5 => CapacityGroup::G3,
        (MunicipalCategory::Fourth | MunicipalCategory::Fifth, _) => CapacityGroup::G4,
        (MunicipalCategory::Sixth, s) if s < 0.35 => CapacityGroup::G4,
        (MunicipalCategory::Sixth, _) => CapacityGroup::G5,
    }
}

/// The 15 synthetic figures of a municipal unit in a year, as reported text.
pub fn figures(code: &str, category: MunicipalCategory, year: i32) -> Vec<(&'static str, String)> {
    let population = base_population(code, category);
    let small = rank_of(category) / 6.0; // 0 the biggest, 1 the smallest
    let years = f64::from(year - YEARS[0]);
    let draw = |what: &str| normal(&format!("{code}:{year}:{what}"));
    // A municipality's lasting traits, half its own and half its department's:
    // regions differ, as the map should show.
    let department = code.get(..2).unwrap_or(code);
    let trait_of = |what: &str| {
        std::f64::consts::FRAC_1_SQRT_2
            * (normal(&format!("{code}:{what}")) + normal(&format!("{department}:{what}")))
    };
    let total = (population * (1.0 + 0.011 * years)).round();
    let urban_share = (0.9 - 0.55 * small + 0.08 * trait_of("urbano")).clamp(0.08, 0.99);
    let urban = (total * urban_share).round();
    let percent = |value: f64| format!("{:.1}", value.clamp(0.0, 100.0));
    let pesos = |value: f64| format!("{:.0}", (value / 1_000_000.0).round().max(1.0) * 1_000_000.0);
    let nbi = 8.0 + 30.0 * small + 9.0 * trait_of("nbi") - 0.6 * years + draw("nbi");
    let tax_per_capita =
        (650_000.0 - 500_000.0 * small) * (0.25 * trait_of("tributario")).exp() * (1.0 + 0.04 * years);
    let tax = total * tax_per_capita * (0.05 * draw("tributario")).exp();
    let property_share = 0.33 + 0.06 * trait_of("predial") + 0.02 * draw("predial");
    let operating =
        tax * (0.8 + 1.0 * small) * (0.2 * trait_of("funcionamiento") + 0.05 * draw("funcionamiento")).exp();
    let investment = total
        * (1_000_000.0 + 700_000.0 * small)
        * (0.2 * trait_of("inversion") + 0.08 * draw("inversion")).exp();
    let enrolment =
        (total * (0.16 + 0.02 * small + 0.015 * trait_of("matricula")) * (1.0 - 0.005 * years)).round();
    let pupils_per_teacher = (27.0 - 8.0 * small + 3.0 * trait_of("docentes")).clamp(10.0, 40.0);
    let dropout = 2.5 + 2.5 * small + 1.2 * trait_of("desercion") - 0.2 * years + 0.4 * draw("desercion");
    let homes = (total / (3.2 + 0.3 * trait_of("hogar")).clamp(2.4, 4.5)).round();
    let water = 97.0 - 30.0 * small + 8.0 * trait_of("acueducto") + 0.8 * years + draw("acueducto");
    let sewer = water - (8.0 + 18.0 * small + 6.0 * trait_of("alcantarillado").abs()) + 0.5 * years;
    let irca =
        (1.0 + 22.0 * small + 9.0 * trait_of("irca") - 0.8 * years + 2.0 * draw("irca")).clamp(0.0, 80.0);
    vec![
        ("POBLACION_TOTAL", format!("{total:.0}")),
        ("POBLACION_URBANA", format!("{urban:.0}")),
        ("POBLACION_RURAL", format!("{:.0}", total - urban)),
        ("NBI", percent(nbi.max(1.0))),
        ("INGRESOS_TRIBUTARIOS", pesos(tax)),
        ("RECAUDO_PREDIAL", pesos(tax * property_share.clamp(0.1, 0.6))),
        ("GASTO_FUNCIONAMIENTO", pesos(operating)),
        ("INVERSION_TOTAL", pesos(investment)),
        ("MATRICULA_OFICIAL", format!("{enrolment:.0}")),
        ("DOCENTES_OFICIALES", format!("{:.0}", (enrolment / pupils_per_teacher).round().max(1.0))),
        ("TASA_DESERCION", percent(dropout.max(0.2))),
        ("VIVIENDAS_TOTAL", format!("{homes:.0}")),
        ("COBERTURA_ACUEDUCTO", percent(water)),
        ("COBERTURA_ALCANTARILLADO", percent(sewer)),
        ("IRCA", percent(irca)),
    ]
}

/// Loads the demo once, after the reporting demo (whose catalogue it reads):
/// a second call finds the first indicator and stops.
#[tracing::instrument(name = "monitoring.demo", skip_all)]
pub async fn load(
    access: &AccessService,
    territory: &TerritoryService,
    reporting: &ReportingService,
    monitoring: &MonitoringService,
) -> Result<bool, ServiceError> {
    let catalogue_there = reporting.catalogue.data_element(ELEMENTS[0]).await?.is_some();
    if !catalogue_there || monitoring.indicators().await?.iter().any(|i| i.code == INDICATORS[0].0) {
        return Ok(false);
    }
    let dnp = demo_user(access, "monitoreo@dnp.demo.gov.co", Role::National, None, Some("DNP")).await?;
    reporting
        .catalogue
        .register_requirement(
            &dnp,
            NewRequirement {
                code: REQUIREMENT.into(),
                name: format!("Monitoreo de competencias — {SYNTHETIC}"),
                issuer_code: None,
                legal_basis: format!("Ninguna: {SYNTHETIC}, generados para mostrar el monitoreo"),
                periodicity: Periodicity::Annual,
                entity_kinds: vec![
                    TerritorialKind::Municipality,
                    TerritorialKind::District,
                    TerritorialKind::NonMunicipalizedArea,
                    TerritorialKind::Department,
                ],
                existing_elements: ELEMENTS.iter().map(|code| code.to_string()).collect(),
                new_elements: Vec::new(),
                due_days: None,
            },
        )
        .await?;
    // Registered before the values arrive, so each registration computes little.
    for (code, name, competency, formula, unit, direction, lower, upper) in INDICATORS {
        let new = NewIndicator {
            code: code.into(),
            name: name.into(),
            competency: competency.into(),
            programmatic_unit: None,
            formula: formula.into(),
            unit: unit.into(),
            direction,
            lower_threshold: lower,
            upper_threshold: upper,
            periodicity: Periodicity::Annual,
            source_note: format!(
                "{SYNTHETIC}: valores generados por categoría municipal, no reportados por ninguna entidad. Fórmula: {formula}."
            ),
            owner_code: None,
            // One indicator shows what an owner keeps out of the public views.
            restricted: code == RESTRICTED,
        };
        monitoring.register(&dnp, new).await?;
    }
    let units = municipal_units(territory).await?;
    let codes: Vec<String> = units.iter().map(|(_, code)| code.clone()).collect();
    let category_of: std::collections::HashMap<String, MunicipalCategory> =
        categories(&codes).into_iter().collect();
    let classification: Vec<_> = category_of
        .iter()
        .map(|(code, category)| (code.clone(), *category, capacity_for(code, *category)))
        .collect();
    let system = import::system_actor();
    territory.classify_unclassified(&system, &classification).await?;
    // Each department reports for its municipalities; those that reported
    // themselves (the reporting demo's) keep only their own values.
    let keys: Vec<(String, String)> =
        units.iter().flat_map(|(_, code)| YEARS.map(|year| (code.clone(), year.to_string()))).collect();
    let reported: std::collections::HashSet<String> =
        reporting.served.sheets(&keys).await?.into_iter().map(|sheet| sheet.subject).collect();
    let mut rows = String::from("reportante,sujeto,periodo,requerimiento,elemento,valor\n");
    for year in YEARS {
        for (department, code) in units.iter().filter(|(_, code)| !reported.contains(code)) {
            let category = category_of.get(code).copied().unwrap_or(MunicipalCategory::Sixth);
            for (element, value) in figures(code, category, year) {
                rows.push_str(&format!("{department},{code},{year},{REQUIREMENT},{element},{value}\n"));
            }
        }
    }
    let summary = import::import(&reporting.submissions, territory, &system, &rows, &|_, _| {}).await?;
    tracing::info!(valores = summary.accepted, rechazados = summary.rejected.len(), "{SYNTHETIC} cargados");
    monitoring.rebuild(|_, _| {}).await?;
    Ok(true)
}

/// (department, code) of every municipal unit of the register.
async fn municipal_units(territory: &TerritoryService) -> Result<Vec<(String, String)>, ServiceError> {
    let filter = TerritoryFilter { kind: Some(TerritorialKind::Department), ..TerritoryFilter::default() };
    let departments =
        territory.list(&filter, &crate::pagination::PageRequest { first: 100, after: None }).await?.items;
    let codes: Vec<String> = departments.into_iter().map(|d| d.code).collect();
    let mut units: Vec<(String, String)> = territory
        .municipal_units_of(&codes)
        .await?
        .into_iter()
        .flat_map(|(department, units)| units.into_iter().map(move |unit| (department.clone(), unit.code)))
        .collect();
    units.sort();
    Ok(units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_the_same_everywhere_and_spread_over_the_unit_interval() {
        assert_eq!(uniform("05001:2025:nbi"), uniform("05001:2025:nbi"));
        let draws: Vec<f64> = (0..10_000).map(|i| uniform(&i.to_string())).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!(draws.iter().all(|d| (0.0..1.0).contains(d)));
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
    }

    #[test]
    fn categories_come_in_their_usual_numbers() {
        let codes: Vec<String> = (0..1_121).map(|i| format!("{:05}", 5_000 + i)).collect();
        let categories = categories(&codes);
        let count = |wanted| categories.iter().filter(|(_, c)| *c == wanted).count();
        assert_eq!(count(MunicipalCategory::Special), 7);
        assert_eq!(count(MunicipalCategory::Fifth), 45);
        assert_eq!(count(MunicipalCategory::Sixth), 1_121 - 141);
        for (code, category) in &categories {
            let (low, high) = population_range(*category);
            assert!((low..=high).contains(&base_population(code, *category)), "{code}");
        }
    }

    #[test]
    fn figures_are_valid_reports_that_differ_by_category() {
        use crate::reporting::model::{canonical_value, ValueType};
        let codes: Vec<String> = (0..400).map(|i| format!("{:05}", 8_000 + i)).collect();
        let mut coverage = [Vec::new(), Vec::new()];
        for (code, category) in categories(&codes) {
            let code = &code;
            let figures = figures(code, category, 2025);
            assert_eq!(figures.len(), ELEMENTS.len());
            for (element, value) in &figures {
                let value_type = match *element {
                    "NBI"
                    | "TASA_DESERCION"
                    | "COBERTURA_ACUEDUCTO"
                    | "COBERTURA_ALCANTARILLADO"
                    | "IRCA" => ValueType::Percentage,
                    "POBLACION_TOTAL" | "POBLACION_URBANA" | "POBLACION_RURAL" | "MATRICULA_OFICIAL"
                    | "DOCENTES_OFICIALES" | "VIVIENDAS_TOTAL" => ValueType::Integer,
                    _ => ValueType::Number,
                };
                assert!(canonical_value(value_type, value).is_ok(), "{code} {element} {value}");
            }
            let water: f64 = figures[12].1.parse().unwrap_or_default();
            let small = category == MunicipalCategory::Sixth;
            coverage[usize::from(small)].push(water);
        }
        let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len().max(1) as f64;
        assert!(
            mean(&coverage[0]) > mean(&coverage[1]) + 5.0,
            "bigger municipalities have more water coverage"
        );
    }
}
