//! Demo data for the commission: a year (2026) of four ordinary sessions and
//! one extraordinary, with agendas, attendance (one session without quorum),
//! decisions (one adopted, one rejected), minutes, commitments in every state,
//! a working group, the work plan and routes of the national ATT agenda; the
//! internal rules adopted by decision, and the RAP in turn seated as invitee.

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::{
    internal_rules::{NewInternalRules, NewParticipant},
    invitees,
    model::{AgendaItem, CommitmentStatus, GuestRequest, InviteeKind, SessionKind, VoteChoice},
    planning::{NewWorkPlanItem, RouteInput, RouteStatus},
    service::{CommissionService, NewSession},
};
use crate::{
    access::{
        model::OrganisationKind,
        service::{NewOrganisation, NewUser},
        AccessService,
    },
    authorisation::{Actor, AuthUser, Role},
    error::ServiceError,
    knowledge::KnowledgeService,
    pagination::PageRequest,
    reporting::demo::DEMO_PASSWORD,
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Items without documents; the demo then attaches the ones it cites.
fn agenda(items: &[(&str, &str)]) -> Vec<AgendaItem> {
    items
        .iter()
        .map(|(title, presenter)| AgendaItem {
            title: title.to_string(),
            presenter: presenter.to_string(),
            documents: Vec::new(),
        })
        .collect()
}

/// The demo knowledge base's documents with these titles (those missing are skipped).
async fn documents(knowledge: &KnowledgeService, titles: &[&str]) -> Result<Vec<Uuid>, ServiceError> {
    let mut ids = Vec::new();
    for title in titles {
        if let Some(product) = knowledge.find_by_title(title).await? {
            ids.push(product.id);
        }
    }
    Ok(ids)
}

const DECREE: &str =
    "Decreto que crea la Comisión Intersectorial para la Cooperación y Asistencia Técnica Territorial";
const MISSION: &str = "Propuestas de la Misión de Descentralización sobre arquitectura institucional";
const CONPES: &str = "Resumen del CONPES 4091 de 2022, política de asistencia técnica territorial";
const OFFER_AND_DEMAND: &str = "Caracterización de la oferta y la demanda de asistencia técnica territorial";
const RISK_GUIDE: &str = "Guía municipal de gestión del riesgo de desastres";
const SELF_ASSESSMENT: &str =
    "Herramienta de autodiagnóstico de necesidades de asistencia técnica territorial";

async fn user(
    access: &AccessService,
    email: &str,
    role: Role,
    organisation: &str,
) -> Result<Actor, ServiceError> {
    let user = access
        .create_user_as_system(NewUser {
            email: email.into(),
            name: format!("Demostración — {organisation}"),
            role,
            entity_code: None,
            organisation_code: Some(organisation.into()),
            password: DEMO_PASSWORD.into(),
        })
        .await?;
    Ok(Actor::User(AuthUser {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        entity_code: None,
        organisation_code: user.organisation_code,
        token_id: uuid::Uuid::nil(),
    }))
}

/// The internal rules, adopted by decision in the second session: the RAP
/// delegate's seat alternates yearly among the seven RAP, and academia,
/// cooperation and other national entities may be invited. The RAP in turn
/// takes its seat. Their text is «datos sintéticos de demostración».
async fn internal_rules(
    access: &AccessService,
    commission: &CommissionService,
    secretariat: &Actor,
    session: Uuid,
) -> Result<(), ServiceError> {
    let decision = commission
        .record_decision(
            secretariat,
            session,
            "Adoptar el reglamento interno de la Comisión",
            "Con la alternancia de las RAP y los invitados especiales que admite",
        )
        .await?;
    for member in ["DNP", "DAFP", "APC", "ESAP"] {
        commission.record_vote(secretariat, decision.id, member, VoteChoice::For).await?;
    }
    commission.close_vote(secretariat, decision.id).await?;
    let raps = commission.territory.rap_regions().await?;
    let rules = commission
        .adopt_internal_rules(
            secretariat,
            NewInternalRules {
                decision_id: decision.id,
                text: RULES_TEXT.into(),
                admitted_kinds: vec![
                    InviteeKind::Academia,
                    InviteeKind::InternationalCooperation,
                    InviteeKind::NationalGovernment,
                ],
                rap_rotation: raps.iter().map(|r| r.code.clone()).collect(),
                rotation_months: 12,
                effective_from: None,
            },
        )
        .await?;
    let Some((turn, _)) = invitees::rap_in_turn(&rules, crate::bogota_time::today()) else { return Ok(()) };
    let name = raps.iter().find(|r| r.code == turn).map_or(turn.to_owned(), |r| r.name.clone());
    let system = crate::reporting::import::system_actor();
    let new = NewOrganisation { code: turn.to_owned(), name, kind: OrganisationKind::Association };
    access.create_organisation(&system, new).await?;
    let seat = NewParticipant {
        organisation_code: turn.to_owned(),
        kind: InviteeKind::RapDelegate,
        rap_region_code: Some(turn.to_owned()),
    };
    commission.add_participant(secretariat, seat).await?;
    Ok(())
}

const RULES_TEXT: &str = "# Reglamento interno de la Comisión (datos sintéticos de demostración)

Artículo 1. Sesiones. La Comisión sesiona de forma ordinaria una vez por trimestre y de forma extraordinaria cuando sus miembros lo determinen.

Artículo 2. Invitados especiales. Además de los invitados que nombra el decreto, la secretaría técnica puede invitar a la academia, a la cooperación internacional y a entidades del Gobierno nacional que no son miembros.

Artículo 3. Delegado de las RAP. El puesto del delegado de las Regiones Administrativas y de Planificación alterna cada doce meses entre las RAP, en el orden de sus códigos, con criterios de transparencia, representatividad y alternancia.
";

/// Loads the demo once: a database with sessions already is left alone.
#[tracing::instrument(name = "commission.demo", skip_all)]
pub async fn load(
    access: &AccessService,
    commission: &CommissionService,
    knowledge: &KnowledgeService,
) -> Result<bool, ServiceError> {
    if !commission.sessions(None, &PageRequest { first: 1, after: None }).await?.items.is_empty() {
        return Ok(false);
    }
    let secretariat =
        user(access, "secretaria@funcionpublica.demo.gov.co", Role::Secretariat, "DAFP").await?;
    let dnp = user(access, "comision@dnp.demo.gov.co", Role::National, "DNP").await?;
    // Members attend through the delegates their heads designate (synthetic names).
    let hacienda = commission
        .add_delegate(
            &secretariat,
            "MINHACIENDA",
            "Laura Restrepo Gaitán",
            "Directora General de Apoyo Fiscal",
            date(2026, 1, 15),
            None,
        )
        .await?;
    commission
        .add_delegate(
            &secretariat,
            "MININTERIOR",
            "Andrés Felipe Mora Cifuentes",
            "Director para la Democracia, la Participación Ciudadana y la Acción Comunal",
            date(2026, 1, 15),
            None,
        )
        .await?;

    commission
        .create_working_group(
            &secretariat,
            "MESA_OFERTA",
            "Mesa de articulación de la oferta de ATT",
            "Caracterizar y articular la oferta de asistencia técnica de las entidades nacionales y la cooperación.",
            &["DNP".into(), "DAFP".into(), "APC".into(), "ESAP".into(), "FND".into(), "GIZ".into()],
        )
        .await?;
    let plan = commission
        .set_work_plan(
            &secretariat,
            2026,
            vec![
                NewWorkPlanItem {
                    objective: "Caracterizar la oferta nacional de asistencia técnica territorial".into(),
                    topic: "Oferta de ATT".into(),
                    responsible_code: "DNP".into(),
                    investment: 850_000_000,
                },
                NewWorkPlanItem {
                    objective: "Definir los criterios de demanda con enfoque diferencial".into(),
                    topic: "Demanda de ATT".into(),
                    responsible_code: "DAFP".into(),
                    investment: 420_000_000,
                },
                NewWorkPlanItem {
                    objective: "Articular la cooperación internacional con las prioridades territoriales"
                        .into(),
                    topic: "Cooperación".into(),
                    responsible_code: "APC".into(),
                    investment: 1_200_000_000,
                },
                NewWorkPlanItem {
                    objective: "Formar a los equipos municipales de categorías 5 y 6".into(),
                    topic: "Capacidades".into(),
                    responsible_code: "ESAP".into(),
                    investment: 2_300_000_000,
                },
            ],
        )
        .await?;
    for (name, objective, territories, status) in [
        (
            "Ruta Pacífico",
            "Fortalecer la gestión fiscal y de proyectos en municipios del Pacífico",
            vec!["27", "52", "76", "19"],
            RouteStatus::InProgress,
        ),
        (
            "Ruta Amazonía",
            "Acompañar la estructuración de proyectos en áreas no municipalizadas y municipios amazónicos",
            vec!["91", "94", "97"],
            RouteStatus::Planned,
        ),
    ] {
        commission
            .set_agenda_route(
                &secretariat,
                RouteInput {
                    id: None,
                    year: 2026,
                    name: name.into(),
                    objective: objective.into(),
                    participants: "DNP, Función Pública, ESAP, gobernaciones, APC-Colombia y cooperantes"
                        .into(),
                    territories: territories.into_iter().map(str::to_owned).collect(),
                    status,
                },
            )
            .await?;
    }

    let full = ["DNP", "DAFP", "APC", "ESAP", "MINHACIENDA", "FCM"];
    let sessions = [
        (
            SessionKind::Ordinary,
            (2026, 2, 12),
            &full[..],
            "Instalación de la Comisión y reglamento interno",
            &[DECREE, MISSION][..],
        ),
        (SessionKind::Ordinary, (2026, 5, 14), &full[..4], "Plan de trabajo 2026", &[CONPES][..]),
        (
            SessionKind::Ordinary,
            (2026, 8, 13),
            &full[..],
            "Agenda Nacional de ATT",
            &[OFFER_AND_DEMAND, MISSION][..],
        ),
        (
            SessionKind::Extraordinary,
            (2026, 9, 24),
            &["DNP", "DAFP", "FCM"][..],
            "Respuesta a la emergencia invernal",
            &[RISK_GUIDE][..],
        ),
        (
            SessionKind::Ordinary,
            (2026, 11, 12),
            &full[..5],
            "Balance del año y criterios de demanda",
            &[SELF_ASSESSMENT, OFFER_AND_DEMAND][..],
        ),
    ];
    let mut ids = Vec::new();
    for (kind, (y, m, d), attendees, topic, cited) in sessions {
        let at = Utc.with_ymd_and_hms(y, m, d, 14, 0, 0).single().unwrap_or_else(Utc::now);
        let mut items = agenda(&[
            ("Verificación del quórum", "Secretaría técnica (Función Pública)"),
            (topic, "Departamento Nacional de Planeación"),
            ("Seguimiento a compromisos", "Secretaría técnica (Función Pública)"),
        ]);
        items[1].documents = documents(knowledge, cited).await?;
        let session = commission
            .convoke(
                &secretariat,
                NewSession {
                    kind,
                    scheduled_at: at,
                    place: "Departamento Nacional de Planeación, Bogotá, y enlace virtual".into(),
                    agenda: items,
                    guest_requests: vec![GuestRequest {
                        name: "Delegada de la RAP Pacífico".into(),
                        organisation: Some("Región Administrativa y de Planificación del Pacífico".into()),
                        reason: "Presentar la demanda de asistencia técnica de la región".into(),
                    }],
                    working_group: None,
                },
            )
            .await?;
        for organisation in attendees {
            let delegate = (*organisation == "MINHACIENDA").then_some(hacienda.id);
            commission.record_attendance(&secretariat, session.id, organisation, delegate).await?;
        }
        ids.push(session.id);
    }
    // Decisions: adopted in the second session, rejected in the third; none in
    // the extraordinary one, which had no quorum (the attempt is refused).
    let adopted = commission
        .record_decision(
            &secretariat,
            ids[1],
            "Adoptar el plan de trabajo 2026",
            "Con sus cuatro líneas y su inversión",
        )
        .await?;
    for member in ["DNP", "DAFP", "APC"] {
        commission.record_vote(&secretariat, adopted.id, member, VoteChoice::For).await?;
    }
    commission.record_vote(&secretariat, adopted.id, "ESAP", VoteChoice::Abstain).await?;
    commission.close_vote(&secretariat, adopted.id).await?;
    let rejected = commission
        .record_decision(&secretariat, ids[2], "Crear una segunda mesa técnica de cooperación", "")
        .await?;
    for (member, vote) in [
        ("DNP", VoteChoice::Against),
        ("DAFP", VoteChoice::Against),
        ("APC", VoteChoice::For),
        ("ESAP", VoteChoice::Against),
        ("MINHACIENDA", VoteChoice::Abstain),
    ] {
        commission.record_vote(&secretariat, rejected.id, member, vote).await?;
    }
    commission.close_vote(&secretariat, rejected.id).await?;
    let without_quorum =
        commission.record_decision(&secretariat, ids[3], "Priorizar la ATT a municipios afectados", "").await;
    debug_assert!(without_quorum.is_err(), "the extraordinary session has no quorum");
    internal_rules(access, commission, &secretariat, ids[1]).await?;

    // Commitments in every state: done, in progress, pending and overdue.
    let line = |index: usize| plan.get(index).map(|item| item.id);
    let done = commission
        .add_commitment(
            &secretariat,
            ids[0],
            "Proponer el reglamento interno de la Comisión",
            "DAFP",
            date(2026, 4, 30),
            None,
        )
        .await?;
    commission
        .update_commitment(
            &secretariat,
            done.id,
            Some(CommitmentStatus::Done),
            Some("Reglamento aprobado en la segunda sesión"),
            None,
        )
        .await?;
    let ongoing = commission
        .add_commitment(
            &secretariat,
            ids[1],
            "Publicar la caracterización de la oferta nacional",
            "DNP",
            date(2027, 3, 31),
            line(0),
        )
        .await?;
    commission
        .update_commitment(
            &dnp,
            ongoing.id,
            Some(CommitmentStatus::InProgress),
            Some("Inventario de 140 programas de 12 entidades"),
            Some("https://www.dnp.gov.co"),
        )
        .await?;
    commission
        .add_commitment(
            &secretariat,
            ids[2],
            "Presentar la ruta de cooperación para la Amazonía",
            "APC",
            date(2027, 2, 28),
            line(2),
        )
        .await?;
    commission
        .add_commitment(
            &secretariat,
            ids[2],
            "Entregar el diagnóstico de capacidades de municipios de sexta categoría",
            "ESAP",
            date(2026, 10, 31),
            line(3),
        )
        .await?;

    // Minutes approved for the sessions held before the last one.
    for (index, id) in ids.iter().take(4).enumerate() {
        let text = format!("Acta de la sesión {} de 2026. Se verificó el quórum, se trataron los puntos de la agenda y se registraron los compromisos.", index + 1);
        commission.approve_minutes(&secretariat, *id, &text).await?;
    }
    Ok(true)
}
