//! Demo data for the assistance market: offers of the commission's members,
//! other national entities and cooperation agencies; demands of
//! municipalities of different categories and capacity groups; and a year of
//! assignments, deliveries and evaluations, so that matching, indicators and
//! the focalisation map show something real on first start.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveValue::Set, EntityTrait};
use uuid::Uuid;

use super::{
    delivery::{NewDelivery, NewEvaluation},
    model::{demand, Modality, OfferStatus, Priority},
    service::{DemandInput, OfferInput},
    AssistanceService,
};
use crate::{
    access::AccessService,
    authorisation::{Actor, AuthUser, Role},
    error::ServiceError,
    reporting::demo::demo_user,
    territory::{CapacityGroup, DivipolaCode, MunicipalCategory, TerritorialKind, TerritoryService},
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// (organisation, title, topic, modality, only categories 5 and 6, departments, capacity, description)
type OfferRow =
    (&'static str, &'static str, &'static str, Modality, bool, &'static [&'static str], i32, &'static str);

const OFFERS: &[OfferRow] = &[
    ("DNP", "Formulación de proyectos de inversión con regalías", "regalías", Modality::Mixed, false, &[], 40,
        "Acompañamiento para formular, viabilizar y presentar proyectos al Sistema General de Regalías con la metodología general ajustada."),
    ("DNP", "Kit de planeación territorial para planes de desarrollo", "planeación territorial", Modality::Virtual, false, &[], 200,
        "Talleres y asesoría para el diagnóstico, la parte estratégica y el plan de inversiones del plan de desarrollo municipal."),
    ("DNP", "Catastro multipropósito: alistamiento municipal", "catastro", Modality::InPerson, true, &["05", "15", "73"], 12,
        "Apoyo a los municipios pequeños para preparar la actualización catastral con enfoque multipropósito y su financiación."),
    ("DAFP", "Implementación de MIPG y reporte FURAG en alcaldías", "gestión pública", Modality::Virtual, false, &[], 150,
        "Acompañamiento para implementar el Modelo Integrado de Planeación y Gestión y mejorar los resultados del FURAG."),
    ("DAFP", "Rendición de cuentas y participación ciudadana", "participación ciudadana", Modality::Mixed, false, &[], 60,
        "Guía y acompañamiento para diseñar la estrategia de rendición de cuentas con audiencias públicas y diálogos ciudadanos."),
    ("ESAP", "Diplomado en gestión pública territorial para equipos municipales", "capacidades institucionales", Modality::Virtual, true, &[], 300,
        "Formación gratuita de 120 horas para servidores de municipios de categorías 5 y 6 en planeación, finanzas y contratación."),
    ("ESAP", "Escuela de alcaldes y concejales", "gobierno territorial", Modality::InPerson, false, &["19", "27", "52"], 80,
        "Formación presencial para autoridades locales sobre competencias, presupuesto y control político."),
    ("APC", "Gestión de cooperación internacional para territorios", "cooperación", Modality::Mixed, false, &[], 30,
        "Orientación para identificar fuentes de cooperación, formular propuestas y articularlas con el plan de desarrollo."),
    ("MINHACIENDA", "Saneamiento fiscal y manejo de la deuda territorial", "finanzas públicas", Modality::Virtual, false, &[], 50,
        "Asistencia para programas de saneamiento fiscal, marco fiscal de mediano plazo y límites de endeudamiento."),
    ("MINHACIENDA", "Fortalecimiento del recaudo del impuesto predial", "finanzas públicas", Modality::Mixed, true, &[], 40,
        "Acompañamiento para actualizar el estatuto tributario y mejorar el recaudo del predial y de industria y comercio."),
    ("MININTERIOR", "Planes integrales de seguridad y convivencia", "seguridad y convivencia", Modality::InPerson, false, &[], 45,
        "Asistencia para formular y financiar el plan integral de seguridad y convivencia ciudadana."),
    ("DAPRE", "Seguimiento a proyectos estratégicos en municipios PDET", "paz y desarrollo rural", Modality::InPerson, false, &["19", "27", "52", "86"], 25,
        "Acompañamiento a la estructuración y el seguimiento de obras PDET con las comunidades."),
    ("MINVIVIENDA", "Acueductos y alcantarillados rurales", "agua potable y saneamiento", Modality::InPerson, true, &[], 35,
        "Asistencia técnica para estructurar proyectos de agua potable y saneamiento básico rural y esquemas de prestación."),
    ("SSPD", "Fortalecimiento de prestadores de servicios públicos", "agua potable y saneamiento", Modality::Virtual, false, &[], 60,
        "Orientación a los prestadores municipales para el cargue al SUI, tarifas y calidad del agua."),
    ("MINEDUCACION", "Estrategias contra la deserción escolar rural", "educación", Modality::Mixed, false, &["27", "44", "52", "97"], 30,
        "Acompañamiento a secretarías y alcaldías para transporte, alimentación escolar y permanencia en zonas rurales."),
    ("CGN", "Reporte contable CHIP y cierre fiscal", "finanzas públicas", Modality::Virtual, false, &[], 120,
        "Capacitación para el reporte de la información contable pública en el CHIP y el cierre de la vigencia."),
    ("GIZ", "Gestión pública orientada a resultados en el Cauca", "gestión pública", Modality::InPerson, false, &["19"], 10,
        "Cooperación alemana para fortalecer la planeación por resultados y la gestión de proyectos en municipios del Cauca."),
    ("AECID", "Agua y saneamiento en el Chocó", "agua potable y saneamiento", Modality::InPerson, false, &["27"], 8,
        "Cooperación española para infraestructura y gestión comunitaria del agua en municipios del Chocó."),
    ("JICA", "Conocimiento del riesgo de desastres", "gestión del riesgo", Modality::Mixed, false, &["52", "76", "27"], 15,
        "Cooperación japonesa para mapas de amenaza, sistemas de alerta temprana y planes municipales de gestión del riesgo."),
    ("KOICA", "Gobierno digital y trámites en línea", "gobierno digital", Modality::Virtual, false, &["68", "54"], 20,
        "Cooperación coreana para digitalizar trámites municipales y mejorar la conectividad de las alcaldías."),
    ("PNUD", "Planes de desarrollo con enfoque ODS", "planeación territorial", Modality::Virtual, false, &[], 40,
        "Herramientas para alinear los planes de desarrollo con los Objetivos de Desarrollo Sostenible y su seguimiento."),
    ("UE", "Fondo de paz: desarrollo económico local en Nariño", "paz y desarrollo rural", Modality::InPerson, false, &["52"], 12,
        "Apoyo de la Unión Europea a cadenas productivas y asociatividad rural en municipios de Nariño."),
    ("FND", "Asistencia técnica departamental a municipios", "capacidades institucionales", Modality::Mixed, false, &[], 32,
        "Acompañamiento a las gobernaciones para organizar su propia oferta de asistencia técnica a sus municipios."),
    ("FCM", "Contratación pública en SECOP II para alcaldías", "contratación pública", Modality::Virtual, true, &[], 100,
        "Capacitación práctica en SECOP II, pliegos tipo y supervisión de contratos para municipios pequeños."),
];

/// (municipality, category, capacity group, need, topic, priority, capacity gap)
type DemandRow =
    (&'static str, MunicipalCategory, CapacityGroup, &'static str, &'static str, Priority, &'static str);

const DEMANDS: &[DemandRow] = &[
    (
        "05002",
        MunicipalCategory::Sixth,
        CapacityGroup::G5,
        "Formular un proyecto de acueducto veredal para financiar con regalías",
        "regalías",
        Priority::High,
        "No hay profesional de proyectos en la planta",
    ),
    (
        "05002",
        MunicipalCategory::Sixth,
        CapacityGroup::G5,
        "Preparar la actualización catastral del municipio",
        "catastro",
        Priority::Medium,
        "La base catastral tiene más de 15 años",
    ),
    (
        "05004",
        MunicipalCategory::Sixth,
        CapacityGroup::G5,
        "Mejorar el recaudo del impuesto predial",
        "finanzas públicas",
        Priority::High,
        "El estatuto tributario está desactualizado",
    ),
    (
        "05021",
        MunicipalCategory::Sixth,
        CapacityGroup::G4,
        "Estructurar el acueducto rural de tres veredas",
        "agua potable y saneamiento",
        Priority::High,
        "Sin esquema de prestación en la zona rural",
    ),
    (
        "27001",
        MunicipalCategory::Fourth,
        CapacityGroup::Capitals,
        "Reducir la deserción escolar en los corregimientos",
        "educación",
        Priority::Medium,
        "La secretaría no tiene información de permanencia por sede",
    ),
    (
        "27001",
        MunicipalCategory::Fourth,
        CapacityGroup::Capitals,
        "Mejorar la gestión comunitaria del agua",
        "agua potable y saneamiento",
        Priority::High,
        "Los acueductos comunitarios no reportan calidad del agua",
    ),
    (
        "52835",
        MunicipalCategory::Fifth,
        CapacityGroup::G3,
        "Plan municipal de gestión del riesgo por tsunami",
        "gestión del riesgo",
        Priority::High,
        "El plan de gestión del riesgo no incluye alertas tempranas",
    ),
    (
        "19318",
        MunicipalCategory::Sixth,
        CapacityGroup::G5,
        "Formar al equipo de la alcaldía en gestión de proyectos",
        "capacidades institucionales",
        Priority::High,
        "Alta rotación del personal de planeación",
    ),
    (
        "73067",
        MunicipalCategory::Sixth,
        CapacityGroup::G5,
        "Contratar con pliegos tipo en SECOP II",
        "contratación pública",
        Priority::Medium,
        "Los procesos se declaran desiertos por errores en los pliegos",
    ),
    (
        "86001",
        MunicipalCategory::Fifth,
        CapacityGroup::Capitals,
        "Formular el plan de desarrollo con enfoque ODS",
        "planeación territorial",
        Priority::Low,
        "El equipo no conoce la metodología de seguimiento",
    ),
    (
        "97001",
        MunicipalCategory::Sixth,
        CapacityGroup::G5,
        "Poner trámites de la alcaldía en línea",
        "gobierno digital",
        Priority::Medium,
        "Conectividad intermitente y sin sede electrónica",
    ),
    (
        "44847",
        MunicipalCategory::Sixth,
        CapacityGroup::G5,
        "Transporte escolar para estudiantes de rancherías",
        "educación",
        Priority::High,
        "Sin diagnóstico de la población escolar dispersa",
    ),
];

/// (offer index, demand index, deliveries as (date, hours, participants), satisfaction of the first)
type Followup = (usize, usize, &'static [((i32, u32, u32), f64, i32)], Option<(i32, bool)>);

const FOLLOWUPS: &[Followup] = &[
    (0, 0, &[((2026, 3, 10), 6.0, 4), ((2026, 4, 21), 4.0, 3)], Some((5, true))),
    (2, 1, &[((2026, 5, 6), 8.0, 5)], Some((4, false))),
    (9, 2, &[((2026, 6, 2), 3.0, 2)], Some((4, true))),
    (12, 3, &[((2026, 7, 14), 8.0, 6)], None),
    (18, 6, &[((2026, 8, 20), 12.0, 9)], Some((3, false))),
    (5, 7, &[((2026, 3, 2), 40.0, 7), ((2026, 6, 15), 40.0, 6)], Some((5, true))),
    (17, 5, &[], None),
    (23, 8, &[((2026, 9, 9), 4.0, 3)], None),
];

/// The system acting for the demo's classification of the register.
pub(crate) fn system_admin() -> Actor {
    Actor::User(AuthUser {
        id: Uuid::nil(),
        email: "datos de demostración".into(),
        name: "SUGIT".into(),
        role: Role::Admin,
        entity_code: None,
        organisation_code: None,
        token_id: Uuid::nil(),
    })
}

/// Loads the demo once: a database with offers already is left alone.
#[tracing::instrument(name = "assistance.demo", skip_all)]
pub async fn load(
    access: &AccessService,
    territory: &TerritoryService,
    assistance: &AssistanceService,
) -> Result<bool, ServiceError> {
    if assistance.has_offers().await? {
        return Ok(false);
    }
    let today = crate::bogota_time::today();
    let mut offers = Vec::new();
    let mut offerers: Vec<(&str, Actor)> = Vec::new();
    for (organisation, title, topic, modality, small_only, departments, capacity, description) in OFFERS {
        let actor = match offerers.iter().find(|(code, _)| code == organisation) {
            Some((_, actor)) => actor.clone(),
            None => {
                let email = format!("att@{}.demo.gov.co", organisation.to_lowercase());
                let actor = demo_user(access, &email, Role::National, None, Some(organisation)).await?;
                offerers.push((organisation, actor.clone()));
                actor
            }
        };
        let offer = assistance
            .create_offer(
                &actor,
                OfferInput {
                    organisation_code: None,
                    title: (*title).into(),
                    description: (*description).into(),
                    topic: (*topic).into(),
                    competency: None,
                    programmatic_unit: None,
                    modality: *modality,
                    target_kinds: vec![TerritorialKind::Municipality, TerritorialKind::District],
                    target_categories: if *small_only {
                        vec![MunicipalCategory::Fifth, MunicipalCategory::Sixth]
                    } else {
                        vec![]
                    },
                    department_codes: departments.iter().map(|d| (*d).to_owned()).collect(),
                    starts_on: date(2026, 1, 15),
                    ends_on: date(2027, 12, 31),
                    capacity: *capacity,
                    cost_to_entity: 0,
                    contact: format!("att@{}.demo.gov.co", organisation.to_lowercase()),
                },
            )
            .await?;
        assistance.set_offer_status(&actor, offer.id, OfferStatus::Published).await?;
        offers.push((offer.id, actor));
    }

    let system = system_admin();
    let mut demands = Vec::new();
    let mut askers: Vec<(&str, Actor)> = Vec::new();
    for (code, category, group, need, topic, priority, gap) in DEMANDS {
        let actor = match askers.iter().find(|(c, _)| c == code) {
            Some((_, actor)) => actor.clone(),
            None => {
                territory
                    .update_classification(
                        &system,
                        &DivipolaCode::parse(code)?,
                        Some(Some(*category)),
                        Some(Some(*group)),
                    )
                    .await?;
                let email = format!("att@{code}.demo.gov.co");
                let actor = demo_user(access, &email, Role::Territorial, Some(code), None).await?;
                askers.push((code, actor.clone()));
                actor
            }
        };
        let demand = assistance
            .create_demand(
                &actor,
                DemandInput {
                    entity_code: (*code).into(),
                    need: (*need).into(),
                    topic: (*topic).into(),
                    priority: *priority,
                    capacity_gap: (*gap).into(),
                    desired_from: Some(date(2026, 2, 1)),
                    desired_to: Some(date(2026, 12, 15)),
                },
            )
            .await?;
        // Synthetic history: the demands were registered in the second half of January 2026,
        // before they wanted help (February) and before any delivery (March on).
        let registered = Utc.with_ymd_and_hms(2026, 1, 19, 15, 30, 0).single().unwrap_or_else(Utc::now)
            + Duration::hours(30 * demands.len() as i64);
        demand::Entity::update(demand::ActiveModel {
            id: Set(demand.id),
            created_at: Set(registered),
            updated_at: Set(registered),
            ..Default::default()
        })
        .exec(&assistance.db)
        .await?;
        demands.push((demand.id, actor));
    }

    for (offer_index, demand_index, deliveries, evaluation) in FOLLOWUPS {
        let (offer_id, offerer) = &offers[*offer_index];
        let (demand_id, asker) = &demands[*demand_index];
        assistance.assign(offerer, *offer_id, *demand_id).await?;
        for (index, ((y, m, d), hours, participants)) in deliveries.iter().enumerate() {
            let delivered = assistance
                .record_delivery(
                    offerer,
                    NewDelivery {
                        offer_id: *offer_id,
                        demand_id: *demand_id,
                        delivered_on: date(*y, *m, *d).min(today),
                        hours: *hours,
                        participants: *participants,
                        modality: Modality::Mixed,
                        notes: "Sesión de trabajo con el equipo de la alcaldía".into(),
                    },
                )
                .await?;
            if let (0, Some((satisfaction, installed))) = (index, evaluation) {
                assistance
                    .evaluate_delivery(
                        asker,
                        delivered.id,
                        NewEvaluation {
                            satisfaction: *satisfaction,
                            capacity_installed: *installed,
                            comments: "Evaluación del equipo municipal".into(),
                        },
                    )
                    .await?;
            }
        }
    }
    Ok(true)
}
