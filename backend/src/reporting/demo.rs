//! Demo data that makes the point on first start: four national requirements
//! that overlap on shared data elements, and a year of submissions from three
//! municipalities of Antioquia and their department, so that reuse, the burden
//! saved, a correction and a cross-level conflict are all visible.
//!
//! Demo users share one password (`DEMO_PASSWORD`): demo data is loaded only
//! on a new embedded database unless `SUGIT_DEMO` says otherwise.

use super::{
    catalogue::{NewDataElement, NewRequirement},
    model::{Periodicity, ValueType},
    service::ReportingService,
    submission::{ReportInput, ReportValue},
};
use crate::{
    access::{service::NewUser, AccessService},
    authorisation::{Actor, AuthUser, Role},
    error::ServiceError,
    territory::TerritorialKind,
};

pub use crate::access::demo::DEMO_PASSWORD;
const PERIOD: &str = "2025";

struct Element(&'static str, &'static str, &'static str, &'static str, ValueType, &'static str);

const ELEMENTS: &[Element] = &[
    Element(
        "POBLACION_TOTAL",
        "Población total",
        "Habitantes del municipio según la proyección del DANE.",
        "personas",
        ValueType::Integer,
        "PLANEACION",
    ),
    Element(
        "POBLACION_URBANA",
        "Población urbana",
        "Habitantes de la cabecera municipal.",
        "personas",
        ValueType::Integer,
        "PLANEACION",
    ),
    Element(
        "POBLACION_RURAL",
        "Población rural",
        "Habitantes de centros poblados y rural disperso.",
        "personas",
        ValueType::Integer,
        "PLANEACION",
    ),
    Element(
        "NBI",
        "Necesidades básicas insatisfechas",
        "Porcentaje de personas con al menos una necesidad básica insatisfecha.",
        "porcentaje",
        ValueType::Percentage,
        "PLANEACION",
    ),
    Element(
        "INGRESOS_TRIBUTARIOS",
        "Ingresos tributarios",
        "Recaudo efectivo de impuestos de la vigencia.",
        "pesos",
        ValueType::Number,
        "HACIENDA",
    ),
    Element(
        "RECAUDO_PREDIAL",
        "Recaudo del impuesto predial unificado",
        "Recaudo efectivo del impuesto predial de la vigencia.",
        "pesos",
        ValueType::Number,
        "HACIENDA",
    ),
    Element(
        "GASTO_FUNCIONAMIENTO",
        "Gastos de funcionamiento",
        "Gastos de funcionamiento comprometidos en la vigencia.",
        "pesos",
        ValueType::Number,
        "HACIENDA",
    ),
    Element(
        "INVERSION_TOTAL",
        "Inversión total",
        "Gasto de inversión comprometido en la vigencia.",
        "pesos",
        ValueType::Number,
        "HACIENDA",
    ),
    Element(
        "MATRICULA_OFICIAL",
        "Matrícula oficial",
        "Estudiantes matriculados en establecimientos educativos oficiales.",
        "estudiantes",
        ValueType::Integer,
        "EDUCACION",
    ),
    Element(
        "DOCENTES_OFICIALES",
        "Docentes oficiales",
        "Docentes de planta en establecimientos educativos oficiales.",
        "docentes",
        ValueType::Integer,
        "EDUCACION",
    ),
    Element(
        "TASA_DESERCION",
        "Tasa de deserción escolar",
        "Porcentaje de estudiantes que abandonan el sistema durante el año lectivo.",
        "porcentaje",
        ValueType::Percentage,
        "EDUCACION",
    ),
    Element(
        "VIVIENDAS_TOTAL",
        "Viviendas",
        "Viviendas del municipio según el censo y sus proyecciones.",
        "viviendas",
        ValueType::Integer,
        "AGUA_POTABLE",
    ),
    Element(
        "COBERTURA_ACUEDUCTO",
        "Cobertura de acueducto",
        "Porcentaje de viviendas con servicio de acueducto.",
        "porcentaje",
        ValueType::Percentage,
        "AGUA_POTABLE",
    ),
    Element(
        "COBERTURA_ALCANTARILLADO",
        "Cobertura de alcantarillado",
        "Porcentaje de viviendas con servicio de alcantarillado.",
        "porcentaje",
        ValueType::Percentage,
        "AGUA_POTABLE",
    ),
    Element(
        "IRCA",
        "Índice de riesgo de la calidad del agua (IRCA)",
        "Índice de riesgo de la calidad del agua para consumo humano.",
        "porcentaje",
        ValueType::Percentage,
        "AGUA_POTABLE",
    ),
];

struct DemoRequirement {
    code: &'static str,
    name: &'static str,
    issuer: &'static str,
    legal_basis: &'static str,
    elements: &'static [&'static str],
    kinds: &'static [TerritorialKind],
}

const MUNICIPAL: &[TerritorialKind] = &[TerritorialKind::Municipality, TerritorialKind::District];
const ALL_LEVELS: &[TerritorialKind] =
    &[TerritorialKind::Municipality, TerritorialKind::District, TerritorialKind::Department];

const REQUIREMENTS: &[DemoRequirement] = &[
    DemoRequirement {
        code: "FUT_INGRESOS_GASTOS",
        name: "Formulario Único Territorial: ingresos y gastos",
        issuer: "MINHACIENDA",
        legal_basis: "Decreto 3402 de 2007 (Formulario Único Territorial, FUT)",
        elements: &[
            "POBLACION_TOTAL",
            "INGRESOS_TRIBUTARIOS",
            "RECAUDO_PREDIAL",
            "GASTO_FUNCIONAMIENTO",
            "INVERSION_TOTAL",
        ],
        kinds: ALL_LEVELS,
    },
    DemoRequirement {
        code: "SIMAT_MATRICULA",
        name: "Matrícula y planta docente oficial",
        issuer: "MINEDUCACION",
        legal_basis: "Resolución 166 de 2003 (Sistema Integrado de Matrícula, SIMAT)",
        elements: &["POBLACION_TOTAL", "MATRICULA_OFICIAL", "DOCENTES_OFICIALES", "TASA_DESERCION"],
        kinds: MUNICIPAL,
    },
    DemoRequirement {
        code: "SUI_AGUA_SANEAMIENTO",
        name: "Reporte de agua potable y saneamiento básico",
        issuer: "SSPD",
        legal_basis: "Ley 142 de 1994 (Sistema Único de Información de servicios públicos, SUI)",
        elements: &[
            "POBLACION_URBANA",
            "VIVIENDAS_TOTAL",
            "COBERTURA_ACUEDUCTO",
            "COBERTURA_ALCANTARILLADO",
            "IRCA",
        ],
        kinds: MUNICIPAL,
    },
    DemoRequirement {
        code: "SEGUIMIENTO_PLAN_DESARROLLO",
        name: "Seguimiento al plan de desarrollo territorial",
        issuer: "DNP",
        legal_basis: "Ley 152 de 1994 (Ley Orgánica del Plan de Desarrollo), artículo 42",
        elements: &[
            "POBLACION_TOTAL",
            "POBLACION_URBANA",
            "POBLACION_RURAL",
            "NBI",
            "INVERSION_TOTAL",
            "MATRICULA_OFICIAL",
            "COBERTURA_ACUEDUCTO",
        ],
        kinds: MUNICIPAL,
    },
];

/// One municipality's figures for 2025.
struct Municipality {
    code: &'static str,
    email: &'static str,
    figures: &'static [(&'static str, &'static str)],
}

const MUNICIPALITIES: &[Municipality] = &[
    Municipality {
        code: "05002",
        email: "alcaldia@abejorral.demo.gov.co",
        figures: &[
            ("POBLACION_TOTAL", "19620"),
            ("POBLACION_URBANA", "7215"),
            ("POBLACION_RURAL", "12405"),
            ("NBI", "27,4"),
            ("INGRESOS_TRIBUTARIOS", "6230000000"),
            ("RECAUDO_PREDIAL", "2140000000"),
            ("GASTO_FUNCIONAMIENTO", "4870000000"),
            ("INVERSION_TOTAL", "31500000000"),
            ("MATRICULA_OFICIAL", "3410"),
            ("DOCENTES_OFICIALES", "162"),
            ("TASA_DESERCION", "4,1"),
            ("VIVIENDAS_TOTAL", "7890"),
            ("COBERTURA_ACUEDUCTO", "71,3"),
            ("COBERTURA_ALCANTARILLADO", "48,9"),
            ("IRCA", "12,6"),
        ],
    },
    Municipality {
        code: "05004",
        email: "alcaldia@abriaqui.demo.gov.co",
        figures: &[
            ("POBLACION_TOTAL", "2530"),
            ("POBLACION_URBANA", "845"),
            ("POBLACION_RURAL", "1685"),
            ("NBI", "33,8"),
            ("INGRESOS_TRIBUTARIOS", "610000000"),
            ("RECAUDO_PREDIAL", "198000000"),
            ("GASTO_FUNCIONAMIENTO", "1420000000"),
            ("INVERSION_TOTAL", "9800000000"),
            ("MATRICULA_OFICIAL", "470"),
            ("DOCENTES_OFICIALES", "31"),
            ("TASA_DESERCION", "5,7"),
            ("VIVIENDAS_TOTAL", "1105"),
            ("COBERTURA_ACUEDUCTO", "64,0"),
            ("COBERTURA_ALCANTARILLADO", "39,5"),
            ("IRCA", "18,2"),
        ],
    },
    Municipality {
        code: "05021",
        email: "alcaldia@alejandria.demo.gov.co",
        figures: &[
            ("POBLACION_TOTAL", "3685"),
            ("POBLACION_URBANA", "1640"),
            ("POBLACION_RURAL", "2045"),
            ("NBI", "24,9"),
            ("INGRESOS_TRIBUTARIOS", "1250000000"),
            ("RECAUDO_PREDIAL", "455000000"),
            ("GASTO_FUNCIONAMIENTO", "1890000000"),
            ("INVERSION_TOTAL", "12400000000"),
            ("MATRICULA_OFICIAL", "690"),
            ("DOCENTES_OFICIALES", "44"),
            ("TASA_DESERCION", "3,9"),
            ("VIVIENDAS_TOTAL", "1560"),
            ("COBERTURA_ACUEDUCTO", "82,1"),
            ("COBERTURA_ALCANTARILLADO", "66,4"),
            ("IRCA", "6,3"),
        ],
    },
];

const DEPARTMENT: &str = "05";
const DEPARTMENT_EMAIL: &str = "gobernacion@antioquia.demo.gov.co";

fn actor_for(user: crate::access::model::User) -> Actor {
    Actor::User(AuthUser {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        entity_code: user.entity_code,
        organisation_code: user.organisation_code,
        token_id: uuid::Uuid::nil(),
    })
}

pub(crate) async fn demo_user(
    access: &AccessService,
    email: &str,
    role: Role,
    entity: Option<&str>,
    organisation: Option<&str>,
) -> Result<Actor, ServiceError> {
    let user = access
        .create_user_as_system(NewUser {
            email: email.into(),
            name: format!("Demostración — {}", entity.or(organisation).unwrap_or("SUGIT")),
            role,
            entity_code: entity.map(str::to_owned),
            organisation_code: organisation.map(str::to_owned),
            password: DEMO_PASSWORD.into(),
        })
        .await?;
    Ok(actor_for(user))
}

/// Loads the demo once: a second call finds the first requirement and stops.
#[tracing::instrument(name = "reporting.demo", skip_all)]
pub async fn load(access: &AccessService, reporting: &ReportingService) -> Result<bool, ServiceError> {
    let db_probe = reporting.catalogue.data_element("POBLACION_TOTAL").await?;
    if db_probe.is_some() {
        return Ok(false);
    }
    for (index, requirement) in REQUIREMENTS.iter().enumerate() {
        let email = format!("analista@{}.demo.gov.co", requirement.issuer.to_lowercase());
        let issuer = demo_user(access, &email, Role::National, None, Some(requirement.issuer)).await?;
        let (existing, new): (Vec<&str>, Vec<&str>) = if index == 0 {
            (Vec::new(), requirement.elements.to_vec())
        } else {
            let known: Vec<&str> =
                REQUIREMENTS[..index].iter().flat_map(|r| r.elements.iter().copied()).collect();
            requirement.elements.iter().partition(|code| known.contains(code))
        };
        let new_elements = new
            .iter()
            .filter_map(|code| ELEMENTS.iter().find(|e| e.0 == *code))
            .map(|e| NewDataElement {
                code: e.0.into(),
                name: e.1.into(),
                description: e.2.into(),
                unit: e.3.into(),
                value_type: e.4,
                competency: e.5.into(),
                programmatic_unit: None,
                minimum: None,
                maximum: None,
            })
            .collect();
        let new_requirement = NewRequirement {
            code: requirement.code.into(),
            name: requirement.name.into(),
            issuer_code: None,
            legal_basis: requirement.legal_basis.into(),
            periodicity: Periodicity::Annual,
            entity_kinds: requirement.kinds.to_vec(),
            existing_elements: existing.iter().map(|code| code.to_string()).collect(),
            new_elements,
            due_days: None,
        };
        reporting.catalogue.register_requirement(&issuer, new_requirement).await?;
    }

    // Each municipality answers the requirements in order, sending only what is still missing.
    for municipality in MUNICIPALITIES {
        let actor =
            demo_user(access, municipality.email, Role::Territorial, Some(municipality.code), None).await?;
        for requirement in REQUIREMENTS {
            let status =
                reporting.status.requirement_status(municipality.code, requirement.code, PERIOD).await?;
            let missing: Vec<ReportValue> = status
                .elements
                .iter()
                .filter(|row| row.state == super::model::ElementState::Missing)
                .filter_map(|row| municipality.figures.iter().find(|(code, _)| *code == row.element.code))
                .map(|(code, value)| ReportValue {
                    data_element_code: code.to_string(),
                    value: value.to_string(),
                    subject_code: None,
                })
                .collect();
            if missing.is_empty() {
                continue;
            }
            let input = ReportInput {
                entity_code: municipality.code.into(),
                period: PERIOD.into(),
                requirement_code: requirement.code.into(),
                idempotency_key: format!("demo-{}-{}", municipality.code, requirement.code),
                values: missing,
            };
            reporting.submissions.submit(&actor, input).await?;
        }
    }

    // Abejorral corrects its property-tax figure: a new version, the old one kept.
    let abejorral = &MUNICIPALITIES[0];
    let actor =
        demo_user(access, "hacienda@abejorral.demo.gov.co", Role::Territorial, Some(abejorral.code), None)
            .await?;
    submit(
        reporting,
        &actor,
        abejorral.code,
        "FUT_INGRESOS_GASTOS",
        "demo-correccion-predial",
        &[("RECAUDO_PREDIAL", "2185000000", None)],
    )
    .await?;

    // The department's health secretariat reports water quality for its municipalities:
    // it agrees with Abriaquí (a duplicate avoided) and disagrees with Abejorral (a conflict).
    let department = demo_user(access, DEPARTMENT_EMAIL, Role::Territorial, Some(DEPARTMENT), None).await?;
    submit(
        reporting,
        &department,
        DEPARTMENT,
        "SUI_AGUA_SANEAMIENTO",
        "demo-irca-departamento",
        &[("IRCA", "18,2", Some("05004")), ("IRCA", "14,9", Some("05002"))],
    )
    .await?;
    submit(
        reporting,
        &department,
        DEPARTMENT,
        "FUT_INGRESOS_GASTOS",
        "demo-fut-departamento",
        &[
            ("POBLACION_TOTAL", "6951000", None),
            ("INGRESOS_TRIBUTARIOS", "2870000000000", None),
            ("RECAUDO_PREDIAL", "0", None),
            ("GASTO_FUNCIONAMIENTO", "1120000000000", None),
            ("INVERSION_TOTAL", "5400000000000", None),
        ],
    )
    .await?;
    Ok(true)
}

async fn submit(
    reporting: &ReportingService,
    actor: &Actor,
    reporter: &str,
    requirement: &str,
    key: &str,
    values: &[(&str, &str, Option<&str>)],
) -> Result<(), ServiceError> {
    let input = ReportInput {
        entity_code: reporter.into(),
        period: PERIOD.into(),
        requirement_code: requirement.into(),
        idempotency_key: key.into(),
        values: values
            .iter()
            .map(|(code, value, subject)| ReportValue {
                data_element_code: code.to_string(),
                value: value.to_string(),
                subject_code: subject.map(str::to_owned),
            })
            .collect(),
    };
    reporting.submissions.submit(actor, input).await?;
    Ok(())
}
