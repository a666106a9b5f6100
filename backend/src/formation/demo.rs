//! Demo data for formation: six modules of ESAP, Función Pública and DNP
//! whose lessons cite the demo knowledge base, learners of several
//! municipalities at different points of their progress (some certified), a
//! training coordinator, and three accompaniment programmes whose goals read
//! the synthetic values monitoring's demo reported. Everything a user could
//! take for real says «datos sintéticos de demostración».

use super::{
    model::{Lesson, MentorKind, ModuleStatus, NewGoal, NewMentor, NewModule, Party, Question},
    programmes::NewProgramme,
    FormationService,
};
use crate::{
    authorisation::{Actor, Role},
    error::ServiceError,
    reporting::demo::demo_user,
    territory::TerritorialKind,
};

const SYNTHETIC: &str = "datos sintéticos de demostración";

/// (organisation, title, topic, hours, cited knowledge products, own lesson, questions)
type ModuleRow = (
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static [&'static str],
    (&'static str, &'static str),
    &'static [(&'static str, &'static [&'static str], i32)],
);

const MODULES: [ModuleRow; 6] = [
    ("ESAP", "Planeación territorial: el plan de desarrollo municipal", "planeación territorial", 20.0,
     &["Guía para formular el plan de desarrollo municipal", "Formular el plan de desarrollo en un municipio pequeño, la experiencia de Abriaquí", "Tablero de seguimiento a metas del plan de desarrollo territorial"],
     ("Del programa de gobierno al plan", "## Del programa de gobierno al plan\n\nEl plan de desarrollo convierte el programa de gobierno inscrito en metas medibles, con su plan plurianual de inversiones. En esta lección se revisa el cronograma: diagnóstico, parte estratégica, consejo territorial de planeación y aprobación por el concejo."),
     &[("¿Qué instancia emite concepto sobre el proyecto de plan antes del concejo?", &["El consejo territorial de planeación", "La personería", "La contraloría departamental"], 0),
       ("¿Qué parte del plan asigna las fuentes a cada programa?", &["El diagnóstico", "El plan plurianual de inversiones", "El programa de gobierno"], 1),
       ("¿Para qué sirve el tablero de seguimiento?", &["Para medir el avance de las metas", "Para contratar", "Para liquidar el predial"], 0)]),
    ("DAFP", "MIPG y FURAG en la alcaldía", "gestión pública", 16.0,
     &["Guía para implementar MIPG y diligenciar el FURAG en alcaldías"],
     ("Las dimensiones de MIPG", "## Las dimensiones de MIPG\n\nEl Modelo Integrado de Planeación y Gestión se organiza en siete dimensiones, del talento humano al control interno. El FURAG mide cada año su avance en cada entidad."),
     &[("¿Qué mide el FURAG?", &["El avance de MIPG en la entidad", "El recaudo tributario", "La matrícula escolar"], 0),
       ("¿Cuántas dimensiones tiene MIPG?", &["Tres", "Siete", "Doce"], 1)]),
    ("DNP", "Proyectos de inversión con regalías", "regalías", 24.0,
     &["Guía para formular proyectos de inversión con recursos de regalías"],
     ("La metodología general ajustada", "## La metodología general ajustada\n\nUn proyecto del SGR se formula en la MGA: problema, alternativas, cadena de valor e indicadores. Se registra en el SUIFP-SGR y se presenta a la instancia que corresponde."),
     &[("¿En qué metodología se formula un proyecto del SGR?", &["La MGA", "El FURAG", "El POT"], 0),
       ("¿Qué describe la cadena de valor?", &["Insumos, actividades, productos y resultados", "Solo el presupuesto", "El organigrama"], 0)]),
    ("DNP", "Gestión municipal del riesgo de desastres", "gestión del riesgo", 12.0,
     &["Guía municipal de gestión del riesgo de desastres", "Preparación comunitaria frente a tsunami en Tumaco"],
     ("Los tres procesos de la gestión del riesgo", "## Los tres procesos\n\nConocimiento del riesgo, reducción del riesgo y manejo de desastres (Ley 1523 de 2012). El plan municipal de gestión del riesgo y la estrategia de respuesta son obligatorios."),
     &[("¿Cuáles son los procesos de la gestión del riesgo?", &["Conocimiento, reducción y manejo", "Planeación, ejecución y control", "Solo la respuesta"], 0),
       ("¿Qué ley rige la gestión del riesgo de desastres?", &["Ley 617 de 2000", "Ley 1523 de 2012", "Ley 1551 de 2012"], 1)]),
    ("ESAP", "Contratación pública en el SECOP II", "contratación pública", 16.0,
     &["Guía práctica de contratación pública en el SECOP II para municipios"],
     ("Las modalidades de selección", "## Modalidades de selección\n\nLicitación pública, selección abreviada, concurso de méritos, contratación directa y mínima cuantía: cada una con sus umbrales y su publicidad en el SECOP II."),
     &[("¿Dónde se publican los procesos de contratación?", &["En el SECOP II", "En la gaceta municipal únicamente", "No se publican"], 0),
       ("¿Cuál es una modalidad de selección?", &["La mínima cuantía", "El FURAG", "El SGP"], 0)]),
    ("DAFP", "Rendición de cuentas a la ciudadanía", "participación ciudadana", 10.0,
     &["Guía de rendición de cuentas para alcaldías y gobernaciones"],
     ("Un proceso, no un evento", "## Un proceso, no un evento\n\nLa rendición de cuentas combina información, diálogo y responsabilidad durante todo el año; la audiencia pública es solo uno de sus espacios."),
     &[("¿Qué elementos tiene la rendición de cuentas?", &["Información, diálogo y responsabilidad", "Solo una audiencia", "Un informe a la contraloría"], 0),
       ("¿Cada cuánto se rinde cuentas?", &["Durante todo el año", "Al final del mandato", "Nunca"], 0)]),
];

/// (email, entity, modules enrolled (by index), lessons done in each, passes the first)
type LearnerRow = (&'static str, &'static str, &'static [usize], usize, bool);

const LEARNERS: [LearnerRow; 9] = [
    ("planeacion@abejorral.demo.gov.co", "05002", &[0, 1], 4, true),
    ("secretaria@abejorral.demo.gov.co", "05002", &[0], 2, false),
    ("planeacion@abriaqui.demo.gov.co", "05004", &[0, 2], 4, true),
    ("hacienda@alejandria.demo.gov.co", "05021", &[4], 2, true),
    ("riesgo@tumaco.demo.gov.co", "52835", &[3, 2], 3, true),
    ("planeacion@tumaco.demo.gov.co", "52835", &[0], 1, false),
    ("control@quibdo.demo.gov.co", "27001", &[1, 5], 3, true),
    ("riesgo@mitu.demo.gov.co", "97001", &[3], 2, false),
    ("gobierno@popayan.demo.gov.co", "19001", &[5, 4], 3, true),
];

/// (entity, title, objectives, parties, goals: (element, description, change by 2027 as a share of the baseline))
type ProgrammeRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [(&'static str, &'static str, f64)],
);

const PROGRAMMES: [ProgrammeRow; 3] = [
    (
        "05045",
        "Acompañamiento a Apartadó: agua y finanzas",
        "Aumentar la cobertura de acueducto y el recaudo del predial con el apoyo de la ESAP y el DNP.",
        &[
            ("ESAP", "Formar al equipo de planeación y hacienda"),
            ("DNP", "Asistir la formulación de proyectos de agua"),
            ("05045", "Reportar cada año y ejecutar el plan de acción"),
        ],
        &[
            ("COBERTURA_ACUEDUCTO", "Cobertura de acueducto hacia 2027", 0.15),
            ("RECAUDO_PREDIAL", "Recaudo del impuesto predial hacia 2027", 0.25),
        ],
    ),
    (
        "52835",
        "Acompañamiento a Tumaco: permanencia escolar",
        "Reducir la deserción escolar con acompañamiento de Función Pública y el DNP.",
        &[
            ("DAFP", "Fortalecer la gestión institucional (MIPG)"),
            ("DNP", "Acompañar la focalización de la inversión"),
            ("52835", "Reportar la matrícula y la deserción cada año"),
        ],
        &[("TASA_DESERCION", "Deserción escolar hacia 2027", -0.30)],
    ),
    (
        "27001",
        "Acompañamiento a Quibdó: saneamiento básico",
        "Ampliar acueducto y alcantarillado con el apoyo técnico del DNP y la ESAP.",
        &[
            ("DNP", "Estructurar proyectos de saneamiento con regalías"),
            ("ESAP", "Formar a la secretaría de planeación"),
            ("27001", "Reportar coberturas cada año"),
        ],
        &[
            ("COBERTURA_ACUEDUCTO", "Cobertura de acueducto hacia 2027", 0.20),
            ("COBERTURA_ALCANTARILLADO", "Cobertura de alcantarillado hacia 2027", 0.25),
        ],
    ),
];

/// (organisation, name, kind, competencies, departments, hours per month)
type MentorRow =
    (&'static str, &'static str, MentorKind, &'static [&'static str], &'static [&'static str], i32);

const MENTORS: [MentorRow; 8] = [
    (
        "DNP",
        "Mentora A — experta en regalías",
        MentorKind::NationalExpert,
        &["regalías", "proyectos de inversión"],
        &[],
        12,
    ),
    (
        "DNP",
        "Mentor B — planeación territorial",
        MentorKind::NationalExpert,
        &["planeación territorial", "plan de desarrollo"],
        &[],
        10,
    ),
    (
        "ESAP",
        "Mentora C — voluntaria de maestría en gestión pública",
        MentorKind::PostgraduateVolunteer,
        &["gestión pública", "MIPG"],
        &["05", "27"],
        8,
    ),
    (
        "ESAP",
        "Mentor D — docente de contratación estatal",
        MentorKind::Academia,
        &["contratación pública", "SECOP II"],
        &[],
        6,
    ),
    (
        "ESAP",
        "Mentora E — investigadora en gestión del riesgo",
        MentorKind::Academia,
        &["gestión del riesgo", "ordenamiento territorial"],
        &["52", "19", "27"],
        8,
    ),
    (
        "DAFP",
        "Mentor F — rendición de cuentas y participación",
        MentorKind::NationalExpert,
        &["participación ciudadana", "rendición de cuentas"],
        &[],
        10,
    ),
    (
        "DAFP",
        "Mentora G — gobierno digital (sector privado)",
        MentorKind::PrivateSector,
        &["gobierno digital", "trámites en línea"],
        &["97", "91", "94"],
        6,
    ),
    (
        "DNP",
        "Mentor H — finanzas territoriales (sector privado)",
        MentorKind::PrivateSector,
        &["finanzas públicas", "recaudo predial"],
        &[],
        8,
    ),
];

/// Loads the demo once: a database with modules already is left alone.
#[tracing::instrument(name = "formation.demo", skip_all)]
pub async fn load(formation: &FormationService) -> Result<bool, ServiceError> {
    if formation.has_modules().await? {
        return Ok(false);
    }
    let mut modules = Vec::new();
    let mut actors: Vec<(&str, Actor)> = Vec::new();
    for (organisation, title, topic, hours, cited, own, questions) in MODULES {
        let email = format!("formacion@{}.demo.gov.co", organisation.to_lowercase());
        let actor = match actors.iter().find(|(code, _)| *code == organisation) {
            Some((_, actor)) => actor.clone(),
            None => {
                let actor =
                    demo_user(&formation.access, &email, Role::National, None, Some(organisation)).await?;
                actors.push((organisation, actor.clone()));
                actor
            }
        };
        let mut lessons =
            vec![Lesson { title: own.0.into(), body: Some(own.1.into()), knowledge_product_id: None }];
        for cited_title in cited {
            if let Some(product) = formation.knowledge.find_by_title(cited_title).await? {
                lessons.push(Lesson {
                    title: product.title.clone(),
                    body: None,
                    knowledge_product_id: Some(product.id),
                });
            }
        }
        let new = NewModule {
            organisation_code: None,
            title: title.into(),
            summary: format!(
                "Módulo virtual de {hours:.0} horas sobre {topic} para equipos de alcaldías, con lecciones de la base de conocimiento y evaluación final ({SYNTHETIC})."
            ),
            objectives: format!("Que el equipo aplique lo aprendido sobre {topic} en su entidad."),
            topic: topic.into(),
            target_kinds: vec![TerritorialKind::Municipality, TerritorialKind::District],
            target_categories: Vec::new(),
            target_roles: vec!["equipo de la alcaldía".into()],
            hours,
            pass_mark: 60,
            max_attempts: 3,
            lessons,
            questions: questions
                .iter()
                .map(|(prompt, options, correct)| Question {
                    prompt: (*prompt).into(),
                    options: options.iter().map(|o| (*o).to_owned()).collect(),
                    correct: *correct,
                })
                .collect(),
        };
        let created = formation.create_module(&actor, new).await?;
        let published = formation.set_status(&actor, created.id, ModuleStatus::Published).await?;
        modules.push(published);
    }

    let admin = crate::assistance::demo::system_admin();
    for (index, (email, entity, enrolled, lessons_done, passes)) in LEARNERS.iter().enumerate() {
        let learner = demo_user(&formation.access, email, Role::Territorial, Some(entity), None).await?;
        if index == 0 {
            formation.designate_coordinator(&admin, email).await?;
        }
        for (position, module_index) in enrolled.iter().enumerate() {
            let Some(module) = modules.get(*module_index) else { continue };
            formation.enrol(&learner, module.id, None).await?;
            let done = if position == 0 { *lessons_done } else { 1 }.min(module.lessons.len());
            for lesson in 1..=done {
                formation.complete_lesson(&learner, module.id, lesson as i32).await?;
            }
            if position == 0 && *passes && done == module.lessons.len() {
                let answers: Vec<i32> = module.questions.iter().map(|q| q.correct).collect();
                formation.submit_assessment(&learner, module.id, &answers).await?;
            }
        }
    }

    for (organisation, name, kind, competencies, departments, hours) in MENTORS {
        let Some((_, actor)) = actors.iter().find(|(code, _)| *code == organisation) else { continue };
        let new = NewMentor {
            organisation_code: None,
            name: name.into(),
            kind,
            competencies: competencies.iter().map(|c| (*c).to_owned()).collect(),
            profile: format!(
                "Perfil de demostración: acompaña a equipos territoriales en {} ({SYNTHETIC}).",
                competencies.join(" y ")
            ),
            department_codes: departments.iter().map(|d| (*d).to_owned()).collect(),
            hours_per_month: hours,
            contact: format!("mentoria.{}@red.demo.gov.co", organisation.to_lowercase()),
        };
        formation.register_mentor(actor, new).await?;
    }
    // Abejorral asks for mentoring on royalties, takes the best-ranked mentor, and rates a session.
    let abejorral = demo_user(
        &formation.access,
        "mentoria@abejorral.demo.gov.co",
        Role::Territorial,
        Some("05002"),
        None,
    )
    .await?;
    let need = "Formular el proyecto de acueducto veredal con recursos de regalías";
    let request = formation.request_mentoring(&abejorral, "05002", "regalías", need).await?;
    if let Some(best) = formation.recommended_mentors(&abejorral, request.id).await?.into_iter().next() {
        formation.assign_mentor(&abejorral, request.id, best.mentor.id).await?;
        if let Some((_, side)) = actors.iter().find(|(code, _)| *code == best.mentor.organisation_code) {
            let held_on = crate::bogota_time::today() - chrono::Duration::days(20);
            let notes = "Revisión de la cadena de valor del proyecto en la MGA.";
            let session = formation.log_session(side, request.id, held_on, 2.0, notes).await?;
            formation.rate_session(&abejorral, session.id, 5).await?;
        }
    }

    let secretariat = demo_user(
        &formation.access,
        "formacion@secretaria.demo.gov.co",
        Role::Secretariat,
        None,
        Some("DAFP"),
    )
    .await?;
    for (entity, title, objectives, parties, goals) in PROGRAMMES {
        let programme = formation
            .create_programme(
                &secretariat,
                NewProgramme {
                    entity_code: entity.into(),
                    title: format!("{title} ({SYNTHETIC})"),
                    objectives: objectives.into(),
                    parties: parties
                        .iter()
                        .map(|(code, responsibility)| Party {
                            code: (*code).into(),
                            responsibility: (*responsibility).into(),
                        })
                        .collect(),
                },
            )
            .await?;
        let sheets = formation.reporting.served.sheets_of_subject(entity).await?;
        for (element, description, change) in goals {
            // The first period the entity reported the element is the baseline; without
            // monitoring's synthetic values there is nothing to measure from.
            let first = sheets.iter().find_map(|sheet| {
                let value = sheet.values.get(*element)?.value.parse::<f64>().ok()?;
                Some((sheet.period.clone(), value))
            });
            let Some((baseline_period, baseline)) = first else { continue };
            let target = round(baseline * (1.0 + change));
            let milestone = round(baseline + (target - baseline) * 0.4);
            formation
                .add_goal(
                    &secretariat,
                    NewGoal {
                        programme_id: programme.id,
                        element_code: Some((*element).into()),
                        indicator_code: None,
                        description: (*description).into(),
                        baseline_period: baseline_period.clone(),
                        target_value: target,
                        target_period: "2027".into(),
                        milestones: if baseline_period.as_str() < "2024" {
                            vec![super::model::Milestone { period: "2024".into(), value: milestone }]
                        } else {
                            Vec::new()
                        },
                    },
                )
                .await?;
        }
    }
    Ok(true)
}

fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
