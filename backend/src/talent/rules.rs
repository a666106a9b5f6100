//! The rules of the Vitrina de las Regiones as plain functions: what a
//! vacancy and a profile must hold, when a vacancy is open, how a person and
//! a vacancy (or two transfers) match and why, the stages of an application,
//! and the indicators. Callable without a database; tested here.

use chrono::{Duration, NaiveDate};

use super::model::{
    Level, NewTransfer, NewVacancy, Profile, ProfileInput, Stage, Transfer, Vacancy, VacancyStatus,
};
use crate::{classification::CodesInForce, error::ServiceError, text};

/// Salario mínimo mensual legal vigente de 2026 en pesos: $1.750.905.
/// Source: the national government's decree of December 2025 fixing the 2026
/// minimum wage (Decreto 1469 del 29 de diciembre de 2025, Ministerio del
/// Trabajo), a 23 % rise over 2025's $1.423.500; suspended by the Consejo de
/// Estado in February 2026 and reissued with the same figure by Decreto 0159
/// del 19 de febrero de 2026. No public post pays less.
pub const MINIMUM_SALARY_2026: i64 = 1_750_905;

/// The consent a person gives, stored with its date beside the profile.
pub const CONSENT_TEXT: &str = "Autorizo de manera previa, expresa e informada a SUGIT (Función Pública) \
para tratar los datos de este perfil con la única finalidad de proponerme vacantes y traslados de \
entidades territoriales y de mostrar a una entidad, solo cuando mi perfil coincida con una vacante \
abierta suya o me postule a ella, los datos que yo elegí mostrar. Sé que mi perfil no es público, que \
puedo consultar, exportar, corregir y suprimir mis datos en cualquier momento y revocar esta \
autorización (Ley 1581 de 2012 y Decreto 1377 de 2013).";

/// A vacancy may be published up to a year ahead.
pub const MAX_VACANCY_DAYS: i64 = 366;
/// The least score at which an entity sees a candidate for its vacancy.
pub const MIN_CANDIDATE_SCORE: f64 = 0.5;
/// At most this many candidates per vacancy: a shortlist, not a directory.
pub const MAX_CANDIDATES: usize = 20;

/// Competency codes as the catalogue writes them (`HACIENDA`, `AGUA_POTABLE`).
pub fn parse_codes(raw: &[String], field: &str, max: usize) -> Result<Vec<String>, ServiceError> {
    let mut codes: Vec<String> = Vec::new();
    for code in raw {
        let code = code.trim().to_uppercase();
        let valid = (2..=64).contains(&code.len())
            && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !valid {
            return Err(ServiceError::invalid(format!(
                "«{field}»: «{}» no es un código válido (letras sin tildes, dígitos, «-» y «_»)",
                code
            )));
        }
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    if codes.len() > max {
        return Err(ServiceError::invalid(format!("«{field}» admite como máximo {max} códigos")));
    }
    Ok(codes)
}

/// Competencies must be codes of the classification catalogue in force
/// (a competency or a programmatic unit) once there is one; before it, only
/// their form is checked.
pub fn check_in_catalogue(codes: &[String], catalogue: Option<&CodesInForce>) -> Result<(), ServiceError> {
    let Some(catalogue) = catalogue else {
        return Ok(());
    };
    let unknown: Vec<&str> =
        codes.iter().filter(|code| !catalogue.codes.contains(*code)).map(String::as_str).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(ServiceError::invalid(format!(
        "«competencies»: {} no {} en el catálogo de clasificación vigente (versión {}); use el código de una competencia o de una unidad programática (consulta «catalogue»)",
        unknown.iter().map(|code| format!("«{code}»")).collect::<Vec<_>>().join(", "),
        if unknown.len() == 1 { "está" } else { "están" },
        catalogue.version
    )))
}

/// Department codes of DIVIPOLA: two digits.
pub fn parse_departments(raw: &[String]) -> Result<Vec<String>, ServiceError> {
    let mut codes: Vec<String> = Vec::new();
    for code in raw {
        let code = code.trim().to_owned();
        if code.len() != 2 || !code.chars().all(|c| c.is_ascii_digit()) {
            return Err(ServiceError::invalid(format!(
                "«{code}» no es un código de departamento (dos dígitos DIVIPOLA, p. ej. 05)"
            )));
        }
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    if codes.len() > 33 {
        return Err(ServiceError::invalid("Colombia tiene 33 departamentos y distritos capitales"));
    }
    Ok(codes)
}

fn optional_text(raw: &str, field: &str, max: usize) -> Result<String, ServiceError> {
    let value = raw.trim().to_owned();
    if value.chars().count() > max {
        return Err(ServiceError::invalid(format!("«{field}» admite hasta {max} caracteres")));
    }
    Ok(value)
}

/// A vacancy fit to publish today, cleaned; a closing date in the past or a
/// salary below the legal minimum is refused with what to fix.
pub fn check_vacancy(new: NewVacancy, today: NaiveDate) -> Result<NewVacancy, ServiceError> {
    if new.closing_on < today {
        return Err(ServiceError::invalid(format!(
            "la fecha de cierre ({}) ya pasó: una vacante se publica con una fecha de cierre de hoy ({today}) en adelante",
            new.closing_on
        )));
    }
    if new.closing_on > today + Duration::days(MAX_VACANCY_DAYS) {
        return Err(ServiceError::invalid("la fecha de cierre puede estar como máximo a un año"));
    }
    if new.salary_amount < MINIMUM_SALARY_2026 {
        return Err(ServiceError::invalid(format!(
            "la asignación mensual ({} pesos) es inferior al salario mínimo legal de 2026 ({MINIMUM_SALARY_2026} pesos)",
            new.salary_amount
        )));
    }
    if new.salary_amount > 100 * MINIMUM_SALARY_2026 {
        return Err(ServiceError::invalid("la asignación mensual no es verosímil: revise la cifra"));
    }
    if !(0..=600).contains(&new.experience_months) {
        return Err(ServiceError::invalid("la experiencia exigida va de 0 a 600 meses"));
    }
    let competencies = parse_codes(&new.competencies, "competencies", 8)?;
    if competencies.is_empty() {
        return Err(ServiceError::invalid("indique al menos una competencia («competencies»)"));
    }
    Ok(NewVacancy {
        post: text::required(&new.post, "post", 200)?,
        competencies,
        education: text::required(&new.education, "education", 2000)?,
        salary_grade: text::required(&new.salary_grade, "salaryGrade", 16)?,
        place: text::required(&new.place, "place", 200)?,
        how_to_apply: text::required(&new.how_to_apply, "howToApply", 2000)?,
        ..new
    })
}

/// What a vacancy is today: an open one whose closing date passed is closed,
/// whether or not anything has written it yet.
pub fn effective_status(status: VacancyStatus, closing_on: NaiveDate, today: NaiveDate) -> VacancyStatus {
    match status {
        VacancyStatus::Open if closing_on < today => VacancyStatus::Closed,
        other => other,
    }
}

/// A profile fit to store: only with the explicit consent.
pub fn check_profile(input: ProfileInput) -> Result<ProfileInput, ServiceError> {
    if !input.consent {
        return Err(ServiceError::invalid(
            "sin su autorización expresa («consent») no se guarda ningún dato del perfil (Ley 1581 de 2012)",
        ));
    }
    if !(0..=720).contains(&input.experience_months) {
        return Err(ServiceError::invalid("la experiencia va de 0 a 720 meses"));
    }
    let home_department = match input.home_department.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => parse_departments(&[code.to_owned()])?.pop(),
    };
    let mut levels = input.levels.clone();
    levels.dedup();
    Ok(ProfileInput {
        education: text::required(&input.education, "education", 2000)?,
        experience_summary: optional_text(&input.experience_summary, "experienceSummary", 4000)?,
        competencies: parse_codes(&input.competencies, "competencies", 12)?,
        departments: parse_departments(&input.departments)?,
        home_department,
        levels,
        ..input
    })
}

/// A score in [0, 1] and the reasons behind each part, in Spanish.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub score: f64,
    pub reasons: Vec<String>,
}

/// Weights of the parts of a match: competencies, level, region, experience.
const WEIGHTS: (f64, f64, f64, f64) = (0.4, 0.2, 0.2, 0.2);

/// How well a person fits a vacancy (the same number both ways): shared
/// competencies, the level they look for, the region they would work in,
/// and their experience against what is required.
pub fn score(vacancy: &Vacancy, profile: &Profile) -> Score {
    let mut reasons = Vec::new();
    let shared: Vec<&String> =
        vacancy.competencies.iter().filter(|code| profile.competencies.contains(code)).collect();
    let competency = if vacancy.competencies.is_empty() {
        0.0
    } else {
        shared.len() as f64 / vacancy.competencies.len() as f64
    };
    if shared.is_empty() {
        reasons.push("ninguna competencia en común".to_owned());
    } else {
        let names: Vec<&str> = shared.iter().map(|code| code.as_str()).collect();
        reasons.push(format!(
            "competencias en común: {} ({} de {})",
            names.join(", "),
            shared.len(),
            vacancy.competencies.len()
        ));
    }
    let level = if profile.levels.is_empty() || profile.levels.contains(&vacancy.level) {
        reasons.push(format!("busca empleos del nivel {}", vacancy.level.label()));
        1.0
    } else {
        reasons.push(format!("no busca empleos del nivel {}", vacancy.level.label()));
        0.0
    };
    let department = &vacancy.department_code;
    let region = if profile.departments.contains(department) {
        if profile.lives_abroad {
            reasons.push(format!("vive en el exterior y quiere volver al departamento {department}"));
        } else {
            reasons.push(format!("le interesa el departamento {department}"));
        }
        1.0
    } else if profile.home_department.as_ref() == Some(department) {
        reasons.push(format!("es del departamento {department}"));
        1.0
    } else if profile.willing_to_relocate {
        reasons.push("está dispuesta a trasladarse".to_owned());
        0.5
    } else {
        reasons.push(format!("no eligió el departamento {department} ni está dispuesta a trasladarse"));
        0.0
    };
    let experience = if vacancy.experience_months == 0 {
        reasons.push("la vacante no exige experiencia".to_owned());
        1.0
    } else {
        let ratio = (f64::from(profile.experience_months) / f64::from(vacancy.experience_months)).min(1.0);
        reasons.push(format!(
            "experiencia de {} meses frente a {} exigidos",
            profile.experience_months, vacancy.experience_months
        ));
        ratio
    };
    let (wc, wl, wr, we) = WEIGHTS;
    let score = wc * competency + wl * level + wr * region + we * experience;
    Score { score: (score * 1000.0).round() / 1000.0, reasons }
}

/// Who moves an application to `to` from `from`: the entity moves it along
/// its process, the person only withdraws; ended applications stay ended.
pub fn check_stage_move(from: Stage, to: Stage, by_person: bool) -> Result<(), ServiceError> {
    if matches!(from, Stage::Hired | Stage::Rejected | Stage::Withdrawn) {
        return Err(ServiceError::Conflict(format!(
            "la postulación ya terminó ({}): no cambia de etapa",
            from.as_db()
        )));
    }
    match (by_person, to) {
        (true, Stage::Withdrawn) => Ok(()),
        (true, _) => Err(ServiceError::invalid("la persona solo puede retirar su postulación (WITHDRAWN)")),
        (false, Stage::Received | Stage::Withdrawn) => Err(ServiceError::invalid(
            "la entidad mueve la postulación a REVIEW, INTERVIEW, SELECTED, HIRED o REJECTED",
        )),
        (false, _) if to == from => Err(ServiceError::Conflict("la postulación ya está en esa etapa".into())),
        (false, _) => Ok(()),
    }
}

/// A transfer fit to publish, cleaned.
pub fn check_transfer(new: NewTransfer) -> Result<NewTransfer, ServiceError> {
    if !(1..=24).contains(&new.duration_months) {
        return Err(ServiceError::invalid("un traslado temporal dura de 1 a 24 meses"));
    }
    Ok(NewTransfer {
        topic: text::required(&new.topic, "topic", 200)?,
        description: text::required(&new.description, "description", 4000)?,
        conditions: text::required(&new.conditions, "conditions", 2000)?,
        ..new
    })
}

/// An evaluation of a transfer: from 1 (mal) to 5 (excelente).
pub fn check_rating(rating: i32) -> Result<i32, ServiceError> {
    if (1..=5).contains(&rating) {
        Ok(rating)
    } else {
        Err(ServiceError::invalid("la evaluación va de 1 (mal) a 5 (excelente)"))
    }
}

fn words(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| word.chars().count() >= 4)
        .map(str::to_owned)
        .collect();
    found.sort();
    found.dedup();
    found
}

/// How well an offered transfer answers a requested one, like ATT matching:
/// opposite kinds only, words of the topic in common, duration, nearness.
pub fn transfer_score(
    own: &Transfer,
    other: &Transfer,
    own_department: &str,
    other_department: &str,
) -> Option<Score> {
    if own.kind == other.kind || own.entity_code == other.entity_code {
        return None;
    }
    let mut reasons = Vec::new();
    let (a, b) = (
        words(&format!("{} {}", own.topic, own.description)),
        words(&format!("{} {}", other.topic, other.description)),
    );
    let shared: Vec<&String> = a.iter().filter(|word| b.contains(word)).collect();
    let union = a.len() + b.len() - shared.len();
    let topic = if union == 0 { 0.0 } else { shared.len() as f64 / union as f64 };
    if shared.is_empty() {
        reasons.push("ningún tema en común".to_owned());
    } else {
        let list: Vec<&str> = shared.iter().take(5).map(|w| w.as_str()).collect();
        reasons.push(format!("temas en común: {}", list.join(", ")));
    }
    let gap = (own.duration_months - other.duration_months).abs();
    let duration = 1.0 - (f64::from(gap) / 12.0).min(1.0);
    reasons.push(format!("duración de {} frente a {} meses", own.duration_months, other.duration_months));
    let near = if own_department == other_department {
        reasons.push(format!("mismo departamento ({own_department})"));
        1.0
    } else {
        0.0
    };
    let score = 0.6 * topic.min(1.0).sqrt() + 0.25 * duration + 0.15 * near;
    Some(Score { score: (score * 1000.0).round() / 1000.0, reasons })
}

/// Per field, the values and how many vacancies hold each.
pub type FacetCounts = Vec<(&'static str, Vec<(String, u64)>)>;

/// The board's facets over `vacancies`: (field, [(value, count)]) for the
/// department, the level and the competencies, most frequent first.
pub fn facet_counts(vacancies: &[Vacancy]) -> FacetCounts {
    let mut counts: [(&'static str, std::collections::BTreeMap<String, u64>); 3] = [
        ("department", Default::default()),
        ("level", Default::default()),
        ("competency", Default::default()),
    ];
    for vacancy in vacancies {
        *counts[0].1.entry(vacancy.department_code.clone()).or_default() += 1;
        *counts[1].1.entry(vacancy.level.as_db().to_owned()).or_default() += 1;
        for code in &vacancy.competencies {
            *counts[2].1.entry(code.clone()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|(field, values)| {
            let mut values: Vec<(String, u64)> = values.into_iter().collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            (field, values)
        })
        .collect()
}

/// The indicators of the Vitrina over a set of vacancies.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Indicators {
    /// (department, level, vacancies), sorted.
    pub by_department_level: Vec<(String, Level, u64)>,
    pub vacancies: u64,
    pub filled: u64,
    /// Mean days from publication to filling, over the filled ones.
    pub mean_days_to_fill: Option<f64>,
    pub applicants_per_vacancy: Option<f64>,
    /// Share of filled vacancies taken by people of the same department.
    pub same_region_share: Option<f64>,
    /// Filled vacancies taken by people who lived abroad.
    pub returns_from_abroad: u64,
}

/// One vacancy's facts, as the indicators read them.
#[derive(Debug, Clone)]
pub struct VacancyFacts {
    pub department_code: String,
    pub level: Level,
    pub applicants: u64,
    pub days_to_fill: Option<i64>,
    pub same_region: Option<bool>,
    pub returnee: Option<bool>,
}

pub fn indicators(facts: &[VacancyFacts]) -> Indicators {
    let mut counts: std::collections::BTreeMap<(String, &'static str), (Level, u64)> = Default::default();
    for fact in facts {
        counts.entry((fact.department_code.clone(), fact.level.as_db())).or_insert((fact.level, 0)).1 += 1;
    }
    let filled: Vec<&VacancyFacts> = facts.iter().filter(|f| f.days_to_fill.is_some()).collect();
    let mean = |values: Vec<f64>| {
        (!values.is_empty()).then(|| (values.iter().sum::<f64>() / values.len() as f64 * 10.0).round() / 10.0)
    };
    let with_origin: Vec<bool> = filled.iter().filter_map(|f| f.same_region).collect();
    Indicators {
        by_department_level: counts.into_iter().map(|((dept, _), (level, n))| (dept, level, n)).collect(),
        vacancies: facts.len() as u64,
        filled: filled.len() as u64,
        mean_days_to_fill: mean(filled.iter().filter_map(|f| f.days_to_fill).map(|d| d as f64).collect()),
        applicants_per_vacancy: mean(facts.iter().map(|f| f.applicants as f64).collect()),
        same_region_share: (!with_origin.is_empty()).then(|| {
            let same = with_origin.iter().filter(|same| **same).count() as f64;
            (same / with_origin.len() as f64 * 1000.0).round() / 1000.0
        }),
        returns_from_abroad: filled.iter().filter(|f| f.returnee == Some(true)).count() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::talent::model::{Appointment, TransferKind, TransferStatus, Visibility};
    use chrono::Utc;
    use uuid::Uuid;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn new_vacancy() -> NewVacancy {
        NewVacancy {
            entity_code: "05001".into(),
            post: "  Profesional universitario de hacienda ".into(),
            level: Level::Professional,
            competencies: vec!["hacienda".into(), "PLANEACION".into(), "HACIENDA".into()],
            education: "Contaduría pública".into(),
            experience_months: 24,
            salary_grade: "219-02".into(),
            salary_amount: 4_200_000,
            place: "Medellín".into(),
            appointment: Appointment::Career,
            closing_on: day("2026-12-31"),
            how_to_apply: "Hoja de vida en talento@medellin.gov.co".into(),
        }
    }

    #[test]
    fn a_vacancy_is_cleaned_and_its_codes_deduplicated() {
        let checked = check_vacancy(new_vacancy(), day("2026-12-06")).expect("valid");
        assert_eq!(checked.post, "Profesional universitario de hacienda");
        assert_eq!(checked.competencies, ["HACIENDA", "PLANEACION"]);
    }

    #[test]
    fn a_closing_date_in_the_past_or_a_salary_under_the_minimum_is_refused() {
        let past = NewVacancy { closing_on: day("2026-12-05"), ..new_vacancy() };
        assert!(
            matches!(check_vacancy(past, day("2026-12-06")), Err(ServiceError::Invalid(m)) if m.contains("ya pasó"))
        );
        let today = NewVacancy { closing_on: day("2026-12-06"), ..new_vacancy() };
        assert!(check_vacancy(today, day("2026-12-06")).is_ok(), "closing today is still open today");
        let low = NewVacancy { salary_amount: MINIMUM_SALARY_2026 - 1, ..new_vacancy() };
        assert!(
            matches!(check_vacancy(low, day("2026-12-06")), Err(ServiceError::Invalid(m)) if m.contains("salario mínimo"))
        );
        let minimum = NewVacancy { salary_amount: MINIMUM_SALARY_2026, ..new_vacancy() };
        assert!(check_vacancy(minimum, day("2026-12-06")).is_ok());
        let none = NewVacancy { competencies: vec![], ..new_vacancy() };
        assert!(check_vacancy(none, day("2026-12-06")).is_err());
        let bad_code = NewVacancy { competencies: vec!["agua potable".into()], ..new_vacancy() };
        assert!(check_vacancy(bad_code, day("2026-12-06")).is_err());
    }

    #[test]
    fn competencies_come_from_the_catalogue_once_there_is_one() {
        let codes = vec!["DIN-02".to_owned(), "EDU".to_owned()];
        assert!(check_in_catalogue(&codes, None).is_ok(), "no catalogue yet: the form is enough");
        let catalogue = CodesInForce {
            version: 3,
            codes: ["DIN", "DIN-02", "EDU"].into_iter().map(str::to_owned).collect(),
        };
        assert!(check_in_catalogue(&codes, Some(&catalogue)).is_ok());
        let wrong = vec!["EDU".to_owned(), "HACIENDA".to_owned(), "DIN-99".to_owned()];
        let refused = check_in_catalogue(&wrong, Some(&catalogue));
        assert!(
            matches!(&refused, Err(ServiceError::Invalid(m))
                if m.contains("«HACIENDA», «DIN-99» no están") && m.contains("versión 3") && !m.contains("«EDU»")),
            "{refused:?}"
        );
        let dashed = NewVacancy { competencies: vec!["din-02".into()], ..new_vacancy() };
        assert_eq!(check_vacancy(dashed, day("2026-12-06")).expect("valid").competencies, ["DIN-02"]);
    }

    #[test]
    fn an_open_vacancy_closes_by_itself_after_its_date() {
        let closing = day("2026-12-10");
        assert_eq!(effective_status(VacancyStatus::Open, closing, day("2026-12-10")), VacancyStatus::Open);
        assert_eq!(effective_status(VacancyStatus::Open, closing, day("2026-12-11")), VacancyStatus::Closed);
        assert_eq!(
            effective_status(VacancyStatus::Filled, closing, day("2026-12-11")),
            VacancyStatus::Filled
        );
    }

    fn vacancy() -> Vacancy {
        let new = check_vacancy(new_vacancy(), day("2026-12-06")).expect("valid");
        Vacancy {
            id: Uuid::new_v4(),
            entity_code: new.entity_code,
            department_code: "05".into(),
            post: new.post,
            level: new.level,
            competencies: new.competencies,
            education: new.education,
            experience_months: new.experience_months,
            salary_grade: new.salary_grade,
            salary_amount: new.salary_amount,
            place: new.place,
            appointment: new.appointment,
            closing_on: new.closing_on,
            how_to_apply: new.how_to_apply,
            status: VacancyStatus::Open,
            filled_at: None,
            created_at: Utc::now(),
        }
    }

    fn profile() -> Profile {
        Profile {
            id: Uuid::new_v4(),
            user_id: Uuid::new_v4(),
            education: "Economista".into(),
            experience_months: 12,
            experience_summary: String::new(),
            competencies: vec!["HACIENDA".into()],
            levels: vec![Level::Professional],
            departments: vec!["05".into()],
            home_department: None,
            willing_to_relocate: false,
            lives_abroad: false,
            visibility: Visibility::default(),
            consent_text: CONSENT_TEXT.into(),
            consent_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn the_score_adds_its_parts_and_says_why() {
        let found = score(&vacancy(), &profile());
        // 0.4 × 1/2 + 0.2 × 1 + 0.2 × 1 + 0.2 × 12/24
        assert!((found.score - 0.7).abs() < 1e-9, "{found:?}");
        assert_eq!(found.reasons.len(), 4);
        assert!(found.reasons[0].contains("HACIENDA (1 de 2)"), "{found:?}");
        assert!(found.reasons[3].contains("12 meses frente a 24"), "{found:?}");
    }

    #[test]
    fn region_counts_whole_for_chosen_departments_half_for_willing_to_move() {
        let elsewhere = Profile { departments: vec!["08".into()], ..profile() };
        let moving = Profile { willing_to_relocate: true, ..elsewhere.clone() };
        let home = Profile { home_department: Some("05".into()), ..elsewhere.clone() };
        let (stay, go, back) =
            (score(&vacancy(), &elsewhere), score(&vacancy(), &moving), score(&vacancy(), &home));
        assert!((go.score - stay.score - 0.1).abs() < 1e-9);
        assert!((back.score - stay.score - 0.2).abs() < 1e-9);
        let abroad = Profile { lives_abroad: true, ..profile() };
        assert!(score(&vacancy(), &abroad).reasons[2].contains("exterior"));
        let other_level = Profile { levels: vec![Level::Technician], ..profile() };
        assert!(
            (score(&vacancy(), &profile()).score - score(&vacancy(), &other_level).score - 0.2).abs() < 1e-9
        );
    }

    #[test]
    fn a_profile_is_stored_only_with_consent() {
        let input = ProfileInput {
            education: "Economista".into(),
            experience_months: 12,
            experience_summary: String::new(),
            competencies: vec!["hacienda".into()],
            levels: vec![],
            departments: vec!["05".into(), "05".into()],
            home_department: Some(" ".into()),
            willing_to_relocate: true,
            lives_abroad: false,
            visibility: Visibility::default(),
            consent: false,
        };
        assert!(matches!(check_profile(input.clone()), Err(ServiceError::Invalid(m)) if m.contains("1581")));
        let checked = check_profile(ProfileInput { consent: true, ..input.clone() }).expect("valid");
        assert_eq!(
            (checked.competencies, checked.departments, checked.home_department),
            (vec!["HACIENDA".to_owned()], vec!["05".to_owned()], None)
        );
        assert!(
            check_profile(ProfileInput { consent: true, departments: vec!["5".into()], ..input }).is_err()
        );
    }

    #[test]
    fn stages_move_forward_by_the_entity_and_only_withdrawal_by_the_person() {
        assert!(check_stage_move(Stage::Received, Stage::Interview, false).is_ok());
        assert!(check_stage_move(Stage::Received, Stage::Withdrawn, true).is_ok());
        assert!(check_stage_move(Stage::Received, Stage::Hired, true).is_err());
        assert!(check_stage_move(Stage::Review, Stage::Received, false).is_err());
        assert!(matches!(
            check_stage_move(Stage::Hired, Stage::Rejected, false),
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            check_stage_move(Stage::Withdrawn, Stage::Review, false),
            Err(ServiceError::Conflict(_))
        ));
    }

    fn transfer(entity: &str, kind: TransferKind, topic: &str, months: i32) -> Transfer {
        Transfer {
            id: Uuid::new_v4(),
            entity_code: entity.into(),
            kind,
            topic: topic.into(),
            description: String::new(),
            duration_months: months,
            conditions: "Viáticos a cargo de quien recibe".into(),
            status: TransferStatus::Open,
            partner_code: None,
            owner_rating: None,
            partner_rating: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn transfers_match_opposite_kinds_by_topic_duration_and_nearness() {
        let request = transfer("05001", TransferKind::Request, "Catastro multipropósito", 6);
        let offer = transfer("05266", TransferKind::Offer, "Catastro multipropósito y predial", 6);
        let far = transfer("08001", TransferKind::Offer, "Catastro multipropósito y predial", 6);
        let near = transfer_score(&request, &offer, "05", "05").expect("a match");
        let distant = transfer_score(&request, &far, "05", "08").expect("a match");
        assert!(near.score > distant.score);
        assert!(near.reasons[0].contains("catastro"), "{near:?}");
        let same_kind = transfer("05266", TransferKind::Request, "Catastro", 6);
        assert!(transfer_score(&request, &same_kind, "05", "05").is_none());
        assert!(check_rating(0).is_err() && check_rating(5).is_ok());
    }

    #[test]
    fn facets_count_departments_levels_and_each_competency() {
        let other =
            Vacancy { department_code: "19".into(), competencies: vec!["PLANEACION".into()], ..vacancy() };
        let facets = facet_counts(&[vacancy(), vacancy(), other]);
        assert_eq!(facets[0], ("department", vec![("05".to_owned(), 2), ("19".to_owned(), 1)]));
        assert_eq!(facets[1], ("level", vec![("PROFESSIONAL".to_owned(), 3)]));
        assert_eq!(facets[2], ("competency", vec![("PLANEACION".to_owned(), 3), ("HACIENDA".to_owned(), 2)]));
    }

    #[test]
    fn indicators_count_what_was_filled_and_by_whom() {
        let fact = |dept: &str, level, applicants, days, same, returnee| VacancyFacts {
            department_code: dept.into(),
            level,
            applicants,
            days_to_fill: days,
            same_region: same,
            returnee,
        };
        let found = indicators(&[
            fact("05", Level::Professional, 4, Some(30), Some(true), Some(false)),
            fact("05", Level::Professional, 2, Some(50), Some(false), Some(true)),
            fact("08", Level::Technician, 0, None, None, None),
        ]);
        assert_eq!(
            found.by_department_level,
            [("05".into(), Level::Professional, 2), ("08".into(), Level::Technician, 1)]
        );
        assert_eq!((found.vacancies, found.filled, found.returns_from_abroad), (3, 2, 1));
        assert_eq!(found.mean_days_to_fill, Some(40.0));
        assert_eq!(found.applicants_per_vacancy, Some(2.0));
        assert_eq!(found.same_region_share, Some(0.5));
        assert_eq!(indicators(&[]).mean_days_to_fill, None);
    }
}
