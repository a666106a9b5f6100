//! The Vitrina de las Regiones of the demo: vacancies in 20 municipalities,
//! 40 synthetic people with profiles and consent, applications at several
//! stages and a few temporary transfers. Every text says it is synthetic
//! («datos sintéticos de demostración»); no real person is described.

use chrono::Duration;

use super::{
    model::{Appointment, Level, NewTransfer, NewVacancy, ProfileInput, Stage, TransferKind, Visibility},
    service::TalentService,
};
use crate::{
    access::{AccessService, Role},
    authorisation::{Actor, AuthUser},
    bogota_time,
    error::ServiceError,
    reporting::demo::{demo_user, DEMO_PASSWORD},
};

/// Said wherever a user could take the demo for real.
pub const SYNTHETIC: &str = "datos sintéticos de demostración";

/// (municipality, place)
const MUNICIPALITIES: [(&str, &str); 20] = [
    ("05002", "Abejorral, Antioquia"),
    ("05004", "Abriaquí, Antioquia"),
    ("15022", "Almeida, Boyacá"),
    ("25019", "Albán, Cundinamarca"),
    ("52019", "Albán, Nariño"),
    ("68013", "Aguada, Santander"),
    ("19022", "Almaguer, Cauca"),
    ("27025", "Alto Baudó, Chocó"),
    ("86219", "Colón, Putumayo"),
    ("13001", "Cartagena de Indias, Bolívar"),
    ("18001", "Florencia, Caquetá"),
    ("20001", "Valledupar, Cesar"),
    ("23001", "Montería, Córdoba"),
    ("41001", "Neiva, Huila"),
    ("44001", "Riohacha, La Guajira"),
    ("50001", "Villavicencio, Meta"),
    ("54001", "Cúcuta, Norte de Santander"),
    ("73001", "Ibagué, Tolima"),
    ("85001", "Yopal, Casanare"),
    ("91001", "Leticia, Amazonas"),
];

/// (post, level, competencies, education, months, grade, salary)
type Post = (&'static str, Level, &'static [&'static str], &'static str, i32, &'static str, i64);

const POSTS: [Post; 6] = [
    (
        "Profesional universitario de hacienda",
        Level::Professional,
        &["DIN"],
        "Título en contaduría, economía o administración pública",
        24,
        "219-02",
        4_150_000,
    ),
    (
        "Secretario de planeación",
        Level::Adviser,
        &["DIN", "VIV"],
        "Título profesional y posgrado en planeación o gestión pública",
        36,
        "020-03",
        6_900_000,
    ),
    (
        "Técnico operativo de acueducto",
        Level::Technician,
        &["APSB"],
        "Tecnología en saneamiento o gestión ambiental",
        12,
        "314-01",
        2_650_000,
    ),
    (
        "Profesional de proyectos de inversión",
        Level::Professional,
        &["DIN"],
        "Título en ingeniería, economía o afines; manejo de la MGA",
        18,
        "219-03",
        4_600_000,
    ),
    (
        "Auxiliar administrativo de la secretaría de educación",
        Level::Assistant,
        &["EDU"],
        "Bachiller con curso en sistemas",
        6,
        "407-02",
        1_980_000,
    ),
    (
        "Profesional de calidad del agua",
        Level::Professional,
        &["APSB", "SAL"],
        "Título en ingeniería sanitaria o química",
        24,
        "219-02",
        4_300_000,
    ),
];

/// Competencies of the classification catalogue (its demo loads first).
const COMPETENCIES: [&str; 4] = ["DIN", "SAL", "APSB", "EDU"];

fn actor_of(user: crate::access::model::User) -> Actor {
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

/// Loads the demo once: a second call finds vacancies and stops.
#[tracing::instrument(name = "talent.demo", skip_all)]
pub async fn load(access: &AccessService, talent: &TalentService) -> Result<bool, ServiceError> {
    let page = crate::pagination::PageRequest { first: 1, after: None };
    let filter = super::service::VacancyFilter::default();
    if talent.vacancies(&filter, &page).await?.total_count > 0 {
        return Ok(false);
    }
    let today = bogota_time::today();
    let mut vacancies = Vec::new();
    let mut teams = Vec::new();
    for (index, (code, place)) in MUNICIPALITIES.iter().enumerate() {
        let team = demo_user(
            access,
            &format!("talento@{code}.vitrina.demo.gov.co"),
            Role::Territorial,
            Some(code),
            None,
        )
        .await?;
        for offset in 0..(1 + index % 2) {
            let post = POSTS[(index + offset * 3) % POSTS.len()];
            let vacancy = talent
                .publish_vacancy(
                    &team,
                    NewVacancy {
                        entity_code: (*code).to_owned(),
                        post: format!("{} ({SYNTHETIC})", post.0),
                        level: post.1,
                        competencies: post.2.iter().map(|c| (*c).to_owned()).collect(),
                        education: post.3.to_owned(),
                        experience_months: post.4,
                        salary_grade: post.5.to_owned(),
                        salary_amount: post.6,
                        place: (*place).to_owned(),
                        appointment: if offset == 0 { Appointment::Provisional } else { Appointment::Temporary },
                        closing_on: today + Duration::days(10 + (index as i64 * 5) % 50),
                        how_to_apply: format!(
                            "Postúlese en SUGIT con su perfil de la Vitrina ({SYNTHETIC}: esta vacante no existe)."
                        ),
                    },
                )
                .await?;
            vacancies.push((vacancy, team.clone()));
        }
        teams.push(team);
    }
    let mut people = Vec::new();
    for n in 1..=40_usize {
        let user = access
            .create_demo_person(
                &format!("persona{n:02}@vitrina.demo.gov.co"),
                &format!("Persona sintética {n:02}"),
                DEMO_PASSWORD,
            )
            .await?;
        let person = actor_of(user);
        let (home, _) = MUNICIPALITIES[(n * 7) % MUNICIPALITIES.len()];
        let home_department = home[..2].to_owned();
        let other = MUNICIPALITIES[(n * 3) % MUNICIPALITIES.len()].0[..2].to_owned();
        talent
            .save_profile(
                &person,
                ProfileInput {
                    education: [
                        "Contaduría pública",
                        "Economía",
                        "Ingeniería sanitaria",
                        "Administración pública",
                        "Licenciatura en educación",
                    ][n % 5]
                        .to_owned(),
                    experience_months: (6 + (n * 11) % 90) as i32,
                    experience_summary: format!(
                        "Perfil sintético de demostración ({SYNTHETIC}): no describe a ninguna persona real."
                    ),
                    competencies: vec![COMPETENCIES[n % 4].to_owned(), COMPETENCIES[(n / 4) % 4].to_owned()],
                    levels: vec![
                        [Level::Professional, Level::Technician, Level::Adviser, Level::Assistant][n % 4],
                    ],
                    departments: vec![home_department.clone(), other],
                    home_department: Some(home_department),
                    willing_to_relocate: n % 3 == 0,
                    lives_abroad: n % 8 == 0,
                    visibility: Visibility {
                        name: n % 2 == 0,
                        contact: n % 4 == 0,
                        education: true,
                        experience: true,
                    },
                    consent: true,
                },
            )
            .await?;
        people.push(person);
    }
    // Applications: each of the first 24 people applies to the vacancy that fits best.
    for person in people.iter().take(24) {
        let matches = talent.my_matches(person, 1).await?;
        if let Some((vacancy, _)) = matches.first() {
            talent.apply(person, vacancy.id).await?;
        }
    }
    // Abejorral's small team has candidates to review in the demo (its vacancy is the first).
    for person in people.iter().skip(24).take(6) {
        talent.apply(person, vacancies[0].0.id).await?;
    }
    // Move some applications along their stages (and fill a few vacancies).
    let mut moved = 0;
    for (vacancy, team) in vacancies.iter().skip(1) {
        for applicant in talent.vacancy_applications(team, vacancy.id).await? {
            let stage = [Stage::Review, Stage::Interview, Stage::Hired, Stage::Rejected][moved % 4];
            talent.set_application_stage(team, applicant.application.id, stage).await?;
            moved += 1;
            if stage == Stage::Hired {
                break;
            }
        }
    }
    let transfers = [
        (0, TransferKind::Offer, "Actualización catastral y cobro del impuesto predial", 6),
        (3, TransferKind::Request, "Impuesto predial: actualización catastral y cobro", 4),
        (12, TransferKind::Offer, "Formulación de proyectos de agua potable con regalías", 3),
        (6, TransferKind::Request, "Proyectos de agua potable y saneamiento con regalías", 3),
        (15, TransferKind::Request, "Gestión documental y archivo de la secretaría de educación", 2),
    ];
    for (index, kind, topic, months) in transfers {
        talent
            .propose_transfer(
                &teams[index],
                NewTransfer {
                    entity_code: MUNICIPALITIES[index].0.to_owned(),
                    kind,
                    topic: topic.to_owned(),
                    description: format!(
                        "{topic}: acompañamiento en sitio al equipo de la entidad ({SYNTHETIC})."
                    ),
                    duration_months: months,
                    conditions: "La entidad que recibe cubre viáticos; la que envía mantiene el salario."
                        .to_owned(),
                },
            )
            .await?;
    }
    Ok(true)
}
