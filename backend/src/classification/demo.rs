//! Demo classification: a first catalogue of 13 competencies, 65
//! programmatic units and their services, drawn from the municipal
//! competencies of Ley 715 de 2001 (art. 76) and Ley 1551 de 2012 (art. 6),
//! and the sector laws each names; a second version made through the real
//! protocol (proposals by national entities, approved by Función Pública);
//! a pending and a rejected proposal; and the budget execution of
//! forty Antioquian municipalities for 2024 (under version 1) and 2025 (under
//! version 2), so the crosswalk has something to translate.
//!
//! The catalogue's structure follows the laws; its codes, wording and every
//! amount are «datos sintéticos de demostración», and say so. Amounts are
//! drawn from the total spending the monitoring demo reported for each
//! municipality, from a hash of (code, year, unit): the same on every
//! machine. They travel through the real path (the import of reporting).
//! A mapping of illustrative FUT sub-accounts to the units in force lets a
//! legacy execution file be imported, and two indicators count education's
//! services (enrolment, teachers) so their cost per service shows.

use chrono::NaiveDate;

use super::{
    legacy::NewAccountMapping,
    model::{
        spending_element, spending_requirement, CatalogueLevel, ChangeKind, Item, Moment, Part,
        ProposedChange,
    },
    service::ClassificationService,
    spending::{POPULATION_ELEMENT, TOTAL_SPENDING_ELEMENTS},
};
use crate::{
    access::AccessService,
    authorisation::{Actor, Role},
    error::ServiceError,
    monitoring::model::{Direction, NewIndicator},
    reporting::{demo::demo_user, import, model::Periodicity},
    territory::{TerritorialKind, TerritoryService},
};

pub const SYNTHETIC: &str = "datos sintéticos de demostración";
/// The department whose municipalities report spending in the demo, and how
/// many of them (by DIVIPOLA code: Medellín, Abejorral, Apartadó… among them).
/// Each unit is one submission per municipality and year, so this bounds
/// the demo's first start.
const DEPARTMENT: &str = "05";
const MUNICIPALITIES: usize = 40;
const YEARS: [i32; 2] = [2024, 2025];

/// (code, name, legal basis, share of classified spending)
type Competency = (&'static str, &'static str, &'static str, f64);
/// (code, name, services)
type Unit = (&'static str, &'static str, &'static [&'static str]);

const COMPETENCIES: [(Competency, &[Unit]); 13] = [
    (
        ("EDU", "Educación", "Ley 715 de 2001, arts. 7 y 8; Ley 1551 de 2012, art. 6", 0.13),
        &[
            (
                "EDU-01",
                "Prestación del servicio educativo oficial",
                &["Matrícula oficial atendida", "Docentes y directivos docentes"],
            ),
            ("EDU-02", "Calidad educativa", &["Formación de docentes", "Dotación pedagógica"]),
            ("EDU-03", "Alimentación escolar", &["Raciones del Programa de Alimentación Escolar"]),
            ("EDU-04", "Transporte escolar", &["Rutas escolares rurales"]),
            ("EDU-05", "Infraestructura educativa", &["Construcción y mejoramiento de sedes"]),
        ],
    ),
    (
        ("SAL", "Salud", "Ley 715 de 2001, art. 44; Ley 1122 de 2007", 0.24),
        &[
            ("SAL-01", "Aseguramiento en el régimen subsidiado", &["Afiliados al régimen subsidiado"]),
            (
                "SAL-02",
                "Prestación de servicios a la población no afiliada",
                &["Atenciones a población pobre no asegurada"],
            ),
            (
                "SAL-03",
                "Salud pública colectiva",
                &["Plan de intervenciones colectivas", "Vigilancia epidemiológica"],
            ),
            ("SAL-04", "Inspección, vigilancia y control sanitario", &["Visitas de inspección sanitaria"]),
            ("SAL-05", "Infraestructura y dotación hospitalaria", &["Puestos y centros de salud dotados"]),
            ("SAL-06", "Salud mental y convivencia", &["Atenciones de salud mental"]),
        ],
    ),
    (
        (
            "APSB",
            "Agua potable y saneamiento básico",
            "Ley 715 de 2001, art. 76.1; Ley 142 de 1994; Ley 1176 de 2007",
            0.12,
        ),
        &[
            ("APSB-01", "Acueducto", &["Suscriptores con agua potable", "Plantas de tratamiento operadas"]),
            ("APSB-02", "Alcantarillado", &["Suscriptores con alcantarillado"]),
            ("APSB-03", "Aseo y residuos sólidos", &["Toneladas dispuestas en relleno sanitario"]),
            (
                "APSB-04",
                "Subsidios a los servicios públicos domiciliarios",
                &["Suscriptores de estratos 1 a 3 subsidiados"],
            ),
            ("APSB-05", "Agua y saneamiento rural", &["Soluciones individuales de agua rural"]),
        ],
    ),
    (
        ("VIV", "Vivienda", "Ley 715 de 2001, art. 76.2; Ley 1537 de 2012", 0.05),
        &[
            ("VIV-01", "Vivienda de interés social nueva", &["Subsidios de vivienda nueva"]),
            ("VIV-02", "Mejoramiento de vivienda", &["Viviendas mejoradas"]),
            ("VIV-03", "Titulación y legalización de predios", &["Predios titulados"]),
            ("VIV-04", "Reasentamiento de hogares en riesgo", &["Hogares reasentados"]),
            ("VIV-05", "Espacio público y equipamiento urbano", &["Metros cuadrados de espacio público"]),
        ],
    ),
    (
        ("TRA", "Transporte", "Ley 715 de 2001, art. 76.4; Ley 105 de 1993", 0.12),
        &[
            ("TRA-01", "Vías urbanas", &["Kilómetros de vía urbana mantenidos"]),
            ("TRA-02", "Vías rurales y terciarias", &["Kilómetros de vía terciaria mejorados"]),
            (
                "TRA-03",
                "Tránsito y seguridad vial",
                &["Campañas de seguridad vial", "Señalización instalada"],
            ),
            ("TRA-04", "Transporte público", &["Rutas de transporte público reguladas"]),
            ("TRA-05", "Terminales y muelles", &["Terminales operadas"]),
        ],
    ),
    (
        ("CUL", "Cultura", "Ley 715 de 2001, art. 76.8; Ley 397 de 1997", 0.02),
        &[
            ("CUL-01", "Bibliotecas públicas", &["Usuarios de bibliotecas"]),
            ("CUL-02", "Formación artística y escuelas de música", &["Estudiantes de escuelas de música"]),
            ("CUL-03", "Patrimonio cultural", &["Bienes de interés cultural intervenidos"]),
            ("CUL-04", "Eventos y circulación artística", &["Eventos culturales realizados"]),
            ("CUL-05", "Infraestructura cultural", &["Casas de la cultura dotadas"]),
        ],
    ),
    (
        ("DEP", "Deporte y recreación", "Ley 715 de 2001, art. 76.7; Ley 181 de 1995", 0.03),
        &[
            ("DEP-01", "Escuelas deportivas", &["Niños y jóvenes en escuelas deportivas"]),
            ("DEP-02", "Recreación y actividad física", &["Participantes en actividad física"]),
            ("DEP-03", "Infraestructura deportiva", &["Escenarios deportivos construidos o mejorados"]),
            ("DEP-04", "Apoyo al deporte competitivo", &["Deportistas apoyados"]),
            ("DEP-05", "Juegos escolares e intercolegiados", &["Estudiantes en juegos intercolegiados"]),
        ],
    ),
    (
        ("AGR", "Desarrollo agropecuario", "Ley 715 de 2001, art. 76.3; Ley 1876 de 2017", 0.04),
        &[
            ("AGR-01", "Extensión agropecuaria", &["Productores con asistencia técnica"]),
            ("AGR-02", "Comercialización y mercados campesinos", &["Mercados campesinos realizados"]),
            ("AGR-03", "Distritos de riego y adecuación de tierras", &["Hectáreas con riego"]),
            ("AGR-04", "Proyectos productivos", &["Proyectos productivos cofinanciados"]),
            ("AGR-05", "Seguridad alimentaria", &["Huertas familiares establecidas"]),
        ],
    ),
    (
        ("AMB", "Ambiente", "Ley 715 de 2001, art. 76.5; Ley 99 de 1993", 0.02),
        &[
            ("AMB-01", "Protección de cuencas y fuentes de agua", &["Hectáreas de cuenca protegidas"]),
            ("AMB-02", "Educación ambiental", &["Proyectos ambientales escolares"]),
            ("AMB-03", "Control de la contaminación", &["Operativos de control ambiental"]),
            (
                "AMB-04",
                "Áreas protegidas y pago por servicios ambientales",
                &["Hectáreas con pago por servicios ambientales"],
            ),
            ("AMB-05", "Arbolado urbano y zonas verdes", &["Árboles sembrados"]),
        ],
    ),
    (
        ("GRD", "Gestión del riesgo de desastres", "Ley 715 de 2001, art. 76.9; Ley 1523 de 2012", 0.02),
        &[
            ("GRD-01", "Conocimiento del riesgo", &["Estudios de amenaza y riesgo"]),
            ("GRD-02", "Reducción del riesgo", &["Obras de mitigación"]),
            ("GRD-03", "Manejo de desastres", &["Familias atendidas en emergencias"]),
            ("GRD-04", "Cuerpos de bomberos", &["Emergencias atendidas por bomberos"]),
            ("GRD-05", "Fondo municipal de gestión del riesgo", &["Recursos transferidos al fondo"]),
        ],
    ),
    (
        (
            "DIN",
            "Desarrollo institucional",
            "Ley 715 de 2001, art. 76; Ley 1551 de 2012, art. 6; Ley 617 de 2000",
            0.12,
        ),
        &[
            ("DIN-01", "Planeación y sistemas de información", &["Planes y reportes oficiales presentados"]),
            ("DIN-02", "Fortalecimiento fiscal y catastral", &["Predios con catastro actualizado"]),
            ("DIN-03", "Talento humano y capacitación", &["Servidores capacitados"]),
            ("DIN-04", "Gobierno digital y atención al ciudadano", &["Trámites en línea"]),
            ("DIN-05", "Pasivos y saneamiento fiscal", &["Pasivos pagados"]),
        ],
    ),
    (
        (
            "JUS",
            "Justicia y seguridad",
            "Ley 715 de 2001, art. 76; Ley 1551 de 2012, art. 6; Ley 1801 de 2016",
            0.04,
        ),
        &[
            ("JUS-01", "Comisarías de familia", &["Casos atendidos por comisarías de familia"]),
            ("JUS-02", "Inspecciones de policía", &["Procesos policivos resueltos"]),
            ("JUS-03", "Seguridad y convivencia ciudadana", &["Cámaras de seguridad operadas"]),
            ("JUS-04", "Centros de reclusión", &["Personas detenidas atendidas por convenio"]),
            ("JUS-05", "Casas de justicia y métodos alternativos", &["Conciliaciones realizadas"]),
        ],
    ),
    (
        (
            "GVU",
            "Atención a grupos vulnerables",
            "Ley 715 de 2001, art. 76; Ley 1098 de 2006; Ley 1251 de 2008; Ley 1448 de 2011",
            0.05,
        ),
        &[
            (
                "GVU-01",
                "Primera infancia, infancia y adolescencia",
                &["Niños atendidos en modalidades de primera infancia"],
            ),
            ("GVU-02", "Persona mayor", &["Personas mayores en centros día"]),
            ("GVU-03", "Personas con discapacidad", &["Personas con discapacidad atendidas"]),
            ("GVU-04", "Víctimas del conflicto armado", &["Víctimas con ayuda humanitaria"]),
            ("GVU-05", "Equidad de género y mujer", &["Mujeres en programas de autonomía económica"]),
        ],
    ),
];

/// The first catalogue, as version 1 holds it.
pub fn catalogue() -> Vec<Item> {
    let kinds = vec![TerritorialKind::Municipality, TerritorialKind::District];
    let mut items = Vec::new();
    for ((code, name, basis, _), units) in COMPETENCIES {
        items.push(Item {
            code: code.into(),
            level: CatalogueLevel::Competency,
            parent_code: None,
            name: name.into(),
            description: format!(
                "Competencia municipal de {}. Catálogo de {SYNTHETIC}.",
                name.to_lowercase()
            ),
            entity_kinds: kinds.clone(),
            legal_basis: basis.into(),
        });
        for (unit, unit_name, services) in units.iter() {
            items.push(Item {
                code: (*unit).into(),
                level: CatalogueLevel::Unit,
                parent_code: Some(code.into()),
                name: (*unit_name).into(),
                description: format!(
                    "Unidad programática de {}: {}.",
                    name.to_lowercase(),
                    unit_name.to_lowercase()
                ),
                entity_kinds: kinds.clone(),
                legal_basis: basis.into(),
            });
            for (index, service) in services.iter().enumerate() {
                items.push(Item {
                    code: format!("{unit}-{:02}", index + 1),
                    level: CatalogueLevel::Service,
                    parent_code: Some((*unit).into()),
                    name: (*service).into(),
                    description: format!("Bien o servicio de la unidad {unit}."),
                    entity_kinds: kinds.clone(),
                    legal_basis: basis.into(),
                });
            }
        }
    }
    items
}

fn date(year: i32, month: u32, day: u32) -> Result<NaiveDate, ServiceError> {
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("fecha de demostración no válida")))
}

/// Loads the demo once: false when the catalogue already has a version.
#[tracing::instrument(name = "classification.demo", skip_all)]
pub async fn load(
    access: &AccessService,
    territory: &TerritoryService,
    classification: &ClassificationService,
) -> Result<bool, ServiceError> {
    let dafp =
        demo_user(access, "clasificacion@funcionpublica.demo.gov.co", Role::Secretariat, None, Some("DAFP"))
            .await?;
    let loaded = classification
        .load_initial(
            &dafp,
            catalogue(),
            date(2023, 1, 1)?,
            &format!("Primera versión del catálogo ({SYNTHETIC}), a partir de la Ley 715 de 2001 y la Ley 1551 de 2012"),
        )
        .await?;
    if !loaded {
        return Ok(false);
    }
    let register = classification.register().await?;
    let units: Vec<Item> =
        register.snapshot(1)?.into_values().filter(|i| i.level == CatalogueLevel::Unit).collect();
    for unit in &units {
        classification.ensure_spending_requirement(unit).await?;
    }
    spending(territory, classification, YEARS[0], &units).await?;
    second_version(access, classification, &dafp).await?;
    let register = classification.register().await?;
    let units: Vec<Item> =
        register.snapshot(2)?.into_values().filter(|i| i.level == CatalogueLevel::Unit).collect();
    for unit in &units {
        classification.ensure_spending_requirement(unit).await?;
    }
    spending(territory, classification, YEARS[1], &units).await?;
    classification.set_account_mapping(&dafp, legacy_accounts(&units)).await?;
    service_indicators(access, classification).await?;
    classification.link_references().await?;
    Ok(true)
}

/// Version 2 through the protocol: MINSALUD splits collective public
/// health, DNP merges public transport with terminals and renames the fiscal
/// unit; a proposal is left pending and another rejected.
async fn second_version(
    access: &AccessService,
    classification: &ClassificationService,
    dafp: &Actor,
) -> Result<(), ServiceError> {
    let minsalud =
        demo_user(access, "clasificacion@minsalud.demo.gov.co", Role::National, None, Some("MINSALUD"))
            .await?;
    let dnp = demo_user(access, "clasificacion@dnp.demo.gov.co", Role::National, None, Some("DNP")).await?;
    let new_part = |code: &str, name: &str, points: i32| Part {
        code: code.into(),
        name: Some(name.into()),
        description: None,
        basis_points: points,
    };
    let split = classification
        .propose(
            &minsalud,
            ProposedChange::Split {
                code: "SAL-03".into(),
                parts: vec![
                    new_part("SAL-07", "Vigilancia en salud pública", 4_000),
                    new_part("SAL-08", "Promoción de la salud y gestión del riesgo colectivo", 6_000),
                ],
            },
            &format!("Separar la vigilancia de la promoción permite seguir cada una ({SYNTHETIC})"),
        )
        .await?;
    let merge = classification
        .propose(
            &dnp,
            ProposedChange::Merge {
                codes: vec!["TRA-04".into(), "TRA-05".into()],
                into: new_part("TRA-06", "Transporte público y terminales", 10_000),
            },
            &format!(
                "Pocos municipios tienen terminales: se reportan con el transporte público ({SYNTHETIC})"
            ),
        )
        .await?;
    let rename = classification
        .propose(
            &dnp,
            ProposedChange::Rename {
                code: "DIN-02".into(),
                name: "Fortalecimiento fiscal y catastro multipropósito".into(),
                description: None,
            },
            &format!("Alinear con la política de catastro multipropósito ({SYNTHETIC})"),
        )
        .await?;
    classification
        .approve(
            dafp,
            &[split.id, merge.id, rename.id],
            date(2025, 1, 1)?,
            &format!("Aprobado en revisión técnica de Función Pública ({SYNTHETIC})"),
        )
        .await?;
    let rejected = classification
        .propose(
            &dnp,
            ProposedChange::Retire { code: "CUL-04".into(), successors: vec![] },
            &format!("Los eventos podrían reportarse como gasto de funcionamiento ({SYNTHETIC})"),
        )
        .await?;
    classification
        .reject(
            dafp,
            rejected.id,
            &format!("Los eventos culturales son inversión de la competencia de cultura: se mantiene la unidad ({SYNTHETIC})"),
        )
        .await?;
    classification
        .propose(
            &dnp,
            ProposedChange::Add {
                item: Item {
                    code: "AMB-06".into(),
                    level: CatalogueLevel::Unit,
                    parent_code: Some("AMB".into()),
                    name: "Acción climática".into(),
                    description: "Mitigación y adaptación al cambio climático en el municipio.".into(),
                    entity_kinds: vec![TerritorialKind::Municipality, TerritorialKind::District],
                    legal_basis: "Ley 1931 de 2018".into(),
                },
            },
            &format!("La Ley 1931 de 2018 asigna a los municipios planes de cambio climático ({SYNTHETIC})"),
        )
        .await?;
    debug_assert_eq!(ChangeKind::Add.as_db(), "ADD");
    Ok(())
}

/// The budget execution of every municipality of the demo department in
/// `year`, under the units of the version then current.
async fn spending(
    territory: &TerritoryService,
    classification: &ClassificationService,
    year: i32,
    units: &[Item],
) -> Result<(), ServiceError> {
    let municipalities = territory.municipal_units_of(&[DEPARTMENT.to_owned()]).await?;
    let mut codes: Vec<String> = municipalities.into_values().flatten().map(|m| m.code).collect();
    codes.sort();
    codes.truncate(MUNICIPALITIES);
    let keys: Vec<(String, String)> = codes.iter().map(|c| (c.clone(), year.to_string())).collect();
    let sheets = classification.reporting.served.sheets(&keys).await?;
    let totals: std::collections::HashMap<String, f64> = sheets
        .iter()
        .map(|sheet| {
            let number = |code: &str| sheet.values.get(code).and_then(|v| v.value.parse::<f64>().ok());
            let total: f64 = TOTAL_SPENDING_ELEMENTS.iter().filter_map(|c| number(c)).sum();
            let fallback = number(POPULATION_ELEMENT).unwrap_or(20_000.0) * 1_500_000.0;
            (sheet.subject.clone(), if total > 0.0 { total } else { fallback })
        })
        .collect();
    let mut rows = String::from("reportante,periodo,requerimiento,elemento,valor\n");
    for code in &codes {
        let total = totals.get(code).copied().unwrap_or(30_000_000_000.0);
        let classified = total * (0.72 + 0.2 * uniform(&format!("{code}:{year}:clasificado")));
        let weights: Vec<(&Item, f64)> = units
            .iter()
            .map(|unit| {
                let base = competency_share(unit.parent_code.as_deref().unwrap_or_default());
                let siblings = units.iter().filter(|u| u.parent_code == unit.parent_code).count().max(1);
                (
                    unit,
                    base / siblings as f64 * (0.4 + 1.2 * uniform(&format!("{code}:{year}:{}", unit.code))),
                )
            })
            .collect();
        let sum: f64 = weights.iter().map(|(_, w)| w).sum();
        for (unit, weight) in weights {
            let commitments = (classified * weight / sum).round();
            let draw = |what: &str| uniform(&format!("{code}:{year}:{}:{what}", unit.code));
            let appropriation = (commitments / (0.86 + 0.12 * draw("apropiacion"))).round();
            let obligations = (commitments * (0.85 + 0.13 * draw("obligaciones"))).round();
            let payments = (obligations * (0.88 + 0.11 * draw("pagos"))).round();
            for (moment, value) in [
                (Moment::Appropriation, appropriation),
                (Moment::Commitments, commitments),
                (Moment::Obligations, obligations),
                (Moment::Payments, payments),
            ] {
                rows.push_str(&format!(
                    "{code},{year},{},{},{value:.0}\n",
                    spending_requirement(&unit.code),
                    spending_element(&unit.code, moment)
                ));
            }
        }
    }
    let summary = import::import(
        &classification.reporting.submissions,
        territory,
        &import::system_actor(),
        &rows,
        &|_, _| {},
    )
    .await?;
    tracing::info!(
        vigencia = year,
        valores = summary.accepted,
        rechazados = summary.rejected.len(),
        "gasto clasificado: {SYNTHETIC}"
    );
    Ok(())
}

/// Indicators that count what education's first unit delivers, from the
/// monitoring demo's synthetic enrolment and teachers: they give its cost per
/// student and per teacher. Registered only where those elements exist.
async fn service_indicators(
    access: &AccessService,
    classification: &ClassificationService,
) -> Result<(), ServiceError> {
    let counted = [
        ("MATRICULA_ATENDIDA", "Matrícula oficial atendida", "EDU-01-01", "MATRICULA_OFICIAL", "estudiantes"),
        (
            "DOCENTES_VINCULADOS",
            "Docentes oficiales vinculados",
            "EDU-01-02",
            "DOCENTES_OFICIALES",
            "docentes",
        ),
    ];
    let men =
        demo_user(access, "monitoreo@mineducacion.demo.gov.co", Role::National, None, Some("MINEDUCACION"))
            .await?;
    for (code, name, service, element, unit) in counted {
        if classification.reporting.catalogue.data_element(element).await?.is_none() {
            continue;
        }
        let new = NewIndicator {
            code: code.into(),
            name: name.into(),
            competency: "EDUCACION".into(),
            programmatic_unit: Some(service.into()),
            formula: element.into(),
            unit: unit.into(),
            direction: Direction::HigherIsBetter,
            lower_threshold: 1.0,
            upper_threshold: 2.0,
            periodicity: Periodicity::Annual,
            source_note: format!(
                "{SYNTHETIC}: cuenta el servicio {service} para el costo por servicio entregado. Fórmula: {element}."
            ),
            owner_code: None,
            restricted: false,
        };
        classification.monitoring.register(&men, new).await?;
    }
    Ok(())
}

/// The FUT's investment chapters (A.1 education, A.2 health, …) and the
/// competency each falls under.
const FUT_CHAPTERS: [(&str, &str); 13] = [
    ("EDU", "A.1"),
    ("SAL", "A.2"),
    ("APSB", "A.3"),
    ("DEP", "A.4"),
    ("CUL", "A.5"),
    ("VIV", "A.7"),
    ("AGR", "A.8"),
    ("TRA", "A.9"),
    ("AMB", "A.10"),
    ("GRD", "A.12"),
    ("GVU", "A.14"),
    ("DIN", "A.17"),
    ("JUS", "A.18"),
];

/// A mapping of legacy accounts to the units in force: each unit of a
/// competency takes a sub-account of its FUT chapter, in code order. The
/// sub-accounts are illustrative, not the FUT's own.
pub fn legacy_accounts(units: &[Item]) -> Vec<NewAccountMapping> {
    let mut mapping = Vec::new();
    for (competency, chapter) in FUT_CHAPTERS {
        let mut own: Vec<&Item> =
            units.iter().filter(|u| u.parent_code.as_deref() == Some(competency)).collect();
        own.sort_by(|a, b| a.code.cmp(&b.code));
        for (index, unit) in own.into_iter().enumerate() {
            mapping.push(NewAccountMapping {
                account_code: format!("{chapter}.{}", index + 1),
                unit_code: unit.code.clone(),
                note: Some(format!("Subcuenta ilustrativa del capítulo {chapter} del FUT ({SYNTHETIC})")),
            });
        }
    }
    mapping
}

fn competency_share(code: &str) -> f64 {
    COMPETENCIES.iter().find(|((c, ..), _)| *c == code).map_or(0.02, |((_, _, _, share), _)| *share)
}

/// A draw in [0, 1) from a text (FNV-1a): the same on every machine.
fn uniform(key: &str) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classification::rules;

    #[test]
    fn the_first_catalogue_has_twelve_competencies_and_sixty_units_at_least_and_applies_cleanly() {
        let items = catalogue();
        let count = |level| items.iter().filter(|i| i.level == level).count();
        assert!(count(CatalogueLevel::Competency) >= 12);
        assert!(count(CatalogueLevel::Unit) >= 60);
        assert!(count(CatalogueLevel::Service) >= 60);
        let changes: Vec<ProposedChange> =
            items.into_iter().map(|item| ProposedChange::Add { item }).collect();
        let applied =
            rules::apply(&Default::default(), &Default::default(), &changes).expect("valid catalogue");
        assert_eq!(applied.items.len(), changes.len());
        let shares: f64 = COMPETENCIES.iter().map(|((_, _, _, share), _)| share).sum();
        assert!((shares - 1.0).abs() < 1e-9, "{shares}");
    }

    #[test]
    fn every_unit_gets_one_legacy_account_under_its_competency_chapter() {
        let units: Vec<Item> = catalogue().into_iter().filter(|i| i.level == CatalogueLevel::Unit).collect();
        let mapping = legacy_accounts(&units);
        assert_eq!(mapping.len(), units.len());
        let accounts: std::collections::HashSet<&str> =
            mapping.iter().map(|m| m.account_code.as_str()).collect();
        assert_eq!(accounts.len(), units.len(), "no account twice");
        let first_education =
            mapping.iter().find(|m| m.unit_code == "EDU-01").map(|m| m.account_code.as_str());
        assert_eq!(first_education, Some("A.1.1"));
    }

    #[test]
    fn draws_are_stable_and_in_the_unit_interval() {
        assert_eq!(uniform("05001:2025"), uniform("05001:2025"));
        assert!((0..1_000).map(|i| uniform(&i.to_string())).all(|d| (0.0..1.0).contains(&d)));
    }
}
