//! The rules of formation and accompaniment as plain functions: a module's
//! lifecycle and its checks, grading an assessment, the certificate's code,
//! who sees whose progress, and a goal's progress from reported values.

use crate::{
    assistance::matching::{capacity_reason, term_overlap, text_reason, topic_reason, Reason},
    authorisation::{rules as access_rules, AuthUser, Role},
    territory::CapacityGroup,
};

use super::model::{Measure, MilestoneState, ModuleStatus};

/// Most hours a module may declare: a diploma course, not a degree.
pub const MAX_HOURS: f64 = 400.0;
/// Most attempts a module may allow at its assessment.
pub const MAX_ATTEMPTS: i32 = 10;
/// Most lessons and questions in one module.
pub const MAX_LESSONS: usize = 60;
pub const MAX_QUESTIONS: usize = 60;

/// A module moves draft → published → archived (a draft may be archived too).
pub fn transition(from: ModuleStatus, to: ModuleStatus) -> Result<(), String> {
    match (from, to) {
        (ModuleStatus::Draft, ModuleStatus::Published) => Ok(()),
        (ModuleStatus::Draft | ModuleStatus::Published, ModuleStatus::Archived) => Ok(()),
        _ => Err(format!("un módulo {} no pasa a {}", from.label(), to.label())),
    }
}

/// The shape of a module as declared: hours, pass mark, attempts, lessons
/// (each with its own text or a cited knowledge product, not both) and
/// questions (at least two options, the right one among them).
pub fn check_module(
    hours: f64,
    pass_mark: i32,
    max_attempts: i32,
    lessons: &[(String, bool, bool)],
    questions: &[(usize, i32)],
) -> Result<(), String> {
    if !hours.is_finite() || hours <= 0.0 || hours > MAX_HOURS {
        return Err(format!("las horas («hours») deben ser más de 0 y hasta {MAX_HOURS}"));
    }
    if !(1..=100).contains(&pass_mark) {
        return Err(format!("la nota mínima («passMark») es un porcentaje de 1 a 100, no {pass_mark}"));
    }
    if !(1..=MAX_ATTEMPTS).contains(&max_attempts) {
        return Err(format!("los intentos («maxAttempts») van de 1 a {MAX_ATTEMPTS}, no {max_attempts}"));
    }
    if lessons.is_empty() || lessons.len() > MAX_LESSONS {
        return Err(format!("un módulo tiene de 1 a {MAX_LESSONS} lecciones"));
    }
    for (position, (title, has_text, cites_product)) in lessons.iter().enumerate() {
        let number = position + 1;
        if title.trim().is_empty() || title.chars().count() > 200 {
            return Err(format!("la lección {number} necesita un título de hasta 200 caracteres"));
        }
        if has_text == cites_product {
            return Err(format!(
                "la lección {number} tiene su propio texto en Markdown («body») o cita un producto de conocimiento («knowledgeProductId»): uno de los dos"
            ));
        }
    }
    if questions.is_empty() || questions.len() > MAX_QUESTIONS {
        return Err(format!("la evaluación tiene de 1 a {MAX_QUESTIONS} preguntas"));
    }
    for (position, (options, correct)) in questions.iter().enumerate() {
        let number = position + 1;
        if !(2..=8).contains(options) {
            return Err(format!("la pregunta {number} necesita de 2 a 8 opciones"));
        }
        if *correct < 0 || *correct as usize >= *options {
            return Err(format!(
                "la respuesta correcta de la pregunta {number} («correctOption») debe ser una de sus opciones, de 0 a {}",
                options - 1
            ));
        }
    }
    Ok(())
}

/// The result of one attempt at an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grade {
    pub correct: usize,
    pub total: usize,
    /// Percentage of right answers, rounded down.
    pub score: i32,
    pub passed: bool,
}

/// Grades `answers` (one option index per question, in order) against the
/// right options; an answer sheet of another length or with an option the
/// question does not have is refused, and counts as no attempt.
pub fn grade(
    correct_options: &[i32],
    option_counts: &[usize],
    answers: &[i32],
    pass_mark: i32,
) -> Result<Grade, String> {
    if answers.len() != correct_options.len() {
        return Err(format!(
            "la evaluación tiene {} preguntas y se recibieron {} respuestas",
            correct_options.len(),
            answers.len()
        ));
    }
    for (position, (answer, options)) in answers.iter().zip(option_counts).enumerate() {
        if *answer < 0 || *answer as usize >= *options {
            return Err(format!(
                "la respuesta {} debe ser una opción de 0 a {}, no {answer}",
                position + 1,
                options - 1
            ));
        }
    }
    let correct = answers.iter().zip(correct_options).filter(|(a, c)| a == c).count();
    let total = correct_options.len();
    let score = (correct * 100 / total.max(1)) as i32;
    Ok(Grade { correct, total, score, passed: score >= pass_mark })
}

/// Whether one more attempt is allowed: all lessons done, attempts left, not passed yet.
pub fn may_attempt(
    lessons_done: i32,
    lessons: usize,
    attempts: i32,
    max_attempts: i32,
    passed: bool,
) -> Result<(), String> {
    if passed {
        return Err("ya aprobó esta evaluación: su certificado está emitido".into());
    }
    if (lessons_done as usize) < lessons {
        return Err(format!(
            "complete las {lessons} lecciones antes de la evaluación (lleva {lessons_done})"
        ));
    }
    if attempts >= max_attempts {
        return Err(format!("agotó los {max_attempts} intentos de esta evaluación"));
    }
    Ok(())
}

/// Letters of a certificate code: no 0/O, 1/I/L, so it can be read aloud and typed back.
const CODE_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTUVWXY";

/// A certificate's public code from random bytes: `CERT-XXXX-XXXX`, about
/// 39 bits of chance, so codes cannot be guessed one after another.
pub fn certificate_code(random: [u8; 8]) -> String {
    let mut number = u64::from_le_bytes(random);
    let mut letters = String::with_capacity(8);
    for _ in 0..8 {
        letters.push(CODE_ALPHABET[(number % 30) as usize] as char);
        number /= 30;
    }
    format!("CERT-{}-{}", &letters[..4], &letters[4..])
}

/// A code as typed by whoever verifies it: trimmed and upper case; `None`
/// when it cannot be a code at all.
pub fn normalise_code(raw: &str) -> Option<String> {
    let code = raw.trim().to_uppercase();
    let ok = code.len() == 14
        && code.starts_with("CERT-")
        && code.as_bytes()[9] == b'-'
        && code[5..9].bytes().chain(code[10..].bytes()).all(|b| CODE_ALPHABET.contains(&b));
    ok.then_some(code)
}

/// Who sees a learner's progress: the learner, the training coordinators of
/// the learner's entity, the secretariat and administrators.
pub fn may_see_progress(
    viewer: &AuthUser,
    learner_id: uuid::Uuid,
    learner_entity: &str,
    coordinated_entity: Option<&str>,
) -> bool {
    viewer.id == learner_id
        || matches!(viewer.role, Role::Secretariat | Role::Admin)
        || (viewer.role == Role::Territorial && coordinated_entity == Some(learner_entity))
}

/// Who enrols a learner: the learner itself (a territorial user), or a
/// training coordinator of the learner's entity.
pub fn may_enrol(
    enroller: &AuthUser,
    learner_id: uuid::Uuid,
    learner_entity: Option<&str>,
    coordinated_entity: Option<&str>,
) -> bool {
    let Some(entity) = learner_entity else { return false };
    enroller.role == Role::Territorial && (enroller.id == learner_id || coordinated_entity == Some(entity))
}

/// Who keeps a module: its organisation's national users, or an administrator.
pub fn may_manage_module(user: &AuthUser, organisation_code: &str) -> bool {
    user.role == Role::Admin || access_rules::may_write_for_organisation(user, organisation_code)
}

/// Who sets up an accompaniment programme and its goals: the secretariat,
/// an administrator, or a national user whose organisation accompanies it.
pub fn may_manage_programme(user: &AuthUser, party_codes: &[String]) -> bool {
    match user.role {
        Role::Secretariat | Role::Admin => true,
        Role::National => {
            user.organisation_code.as_deref().is_some_and(|own| party_codes.iter().any(|p| p == own))
        }
        _ => false,
    }
}

/// Who reads a programme: the entity's own teams (its department's too) and
/// everyone on the national side.
pub fn may_see_programme(user: &AuthUser, entity_code: &str, entity_department: Option<&str>) -> bool {
    user.role != Role::Territorial || access_rules::may_write_for_entity(user, entity_code, entity_department)
}

/// Where a reporting period starts, as (year, month): «2025» → (2025, 1),
/// «2025-S2» → (2025, 7), «2025-Q3» → (2025, 7), «2025-07» → (2025, 7).
pub fn period_start(period: &str) -> Option<(u16, u8)> {
    let (year, rest) = match period.split_once('-') {
        Some((year, rest)) => (year, Some(rest)),
        None => (period, None),
    };
    let year: u16 = year.parse().ok().filter(|y| (1900..=2100).contains(y))?;
    let month = match rest {
        None => 1,
        Some("S1") => 1,
        Some("S2") => 7,
        Some(q) if q.len() == 2 && q.starts_with('Q') => {
            let n: u8 = q[1..].parse().ok().filter(|n| (1..=4).contains(n))?;
            (n - 1) * 3 + 1
        }
        Some(m) => m.parse().ok().filter(|m| (1..=12).contains(m))?,
    };
    Some((year, month))
}

/// A goal names a data element or an indicator: exactly one of the two.
pub fn goal_measure(element: Option<&str>, indicator: Option<&str>) -> Result<Measure, String> {
    let given =
        |code: Option<&str>| code.map(str::trim).filter(|code| !code.is_empty()).map(str::to_uppercase);
    match (given(element), given(indicator)) {
        (Some(code), None) => Ok(Measure::Element(code)),
        (None, Some(code)) => Ok(Measure::Indicator(code)),
        (Some(_), Some(_)) => Err("una meta mide un elemento de datos («dataElementCode») o un indicador («indicatorCode»), no ambos".into()),
        (None, None) => Err("indique qué mide la meta: un elemento de datos («dataElementCode») o un indicador («indicatorCode»)".into()),
    }
}

/// A goal's periods: the target comes after the baseline.
pub fn check_goal_periods(baseline: &str, target: &str) -> Result<(), String> {
    let (Some(from), Some(to)) = (period_start(baseline), period_start(target)) else {
        return Err("los periodos van como AAAA, AAAA-S1, AAAA-T3 o AAAA-MM".into());
    };
    if to <= from {
        return Err(format!(
            "el periodo de la meta ({target}) debe ser posterior al de la línea base ({baseline})"
        ));
    }
    Ok(())
}

/// How far a value has gone from the baseline towards the target, 0 to 1
/// (the target may be below the baseline: less is then better).
pub fn goal_progress(baseline: f64, target: f64, current: f64) -> f64 {
    if (target - baseline).abs() < f64::EPSILON {
        return if current == target { 1.0 } else { 0.0 };
    }
    ((current - baseline) / (target - baseline)).clamp(0.0, 1.0)
}

/// A milestone's state from the value reported for its period, if any.
pub fn milestone_state(baseline: f64, target: f64, expected: f64, reported: Option<f64>) -> MilestoneState {
    match reported {
        None => MilestoneState::Pending,
        Some(value)
            if (target >= baseline && value >= expected) || (target < baseline && value <= expected) =>
        {
            MilestoneState::Met
        }
        Some(_) => MilestoneState::Missed,
    }
}

/// Why a mentor cannot take a request: no hours to give, or not in the entity's department.
pub fn mentor_ineligibility(
    hours_per_month: i32,
    departments: &[String],
    department: &str,
) -> Option<String> {
    if hours_per_month <= 0 {
        return Some("el mentor no tiene horas disponibles".into());
    }
    if !departments.is_empty() && !departments.iter().any(|d| d == department) {
        return Some("el mentor no acompaña este departamento".into());
    }
    None
}

/// A mentor's score for a request, with ATT's differential scoring (the
/// factors of `assistance::matching`): the mentor's profile against the need,
/// a competency on the request's topic, and the lowest capacity first.
pub fn mentor_score(
    competencies: &[String],
    profile: &str,
    topic: &str,
    need: &str,
    capacity_group: Option<CapacityGroup>,
) -> (f64, Vec<Reason>) {
    let offered = format!("{} {profile}", competencies.join(" "));
    let topic_match = competencies.iter().find_map(|c| topic_reason(c, topic));
    let reasons: Vec<Reason> =
        [text_reason(term_overlap(&offered, need)), topic_match, capacity_reason(capacity_group)]
            .into_iter()
            .flatten()
            .collect();
    (reasons.iter().map(|r| r.weight).sum(), reasons)
}

/// A session as logged: held already, lasting more than nothing and up to a day.
pub fn check_session(held_on: chrono::NaiveDate, hours: f64, today: chrono::NaiveDate) -> Result<(), String> {
    if held_on > today {
        return Err(format!("la sesión del {held_on} aún no ha ocurrido: se registra lo ya realizado"));
    }
    if !hours.is_finite() || hours <= 0.0 || hours > 24.0 {
        return Err("las horas de una sesión («hours») van de más de 0 a 24".into());
    }
    Ok(())
}

/// Share of enrolments that ended with a certificate.
pub fn completion_rate(enrolled: u64, certified: u64) -> f64 {
    if enrolled == 0 {
        0.0
    } else {
        certified as f64 / enrolled as f64
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn a_goal_measures_an_element_or_an_indicator_never_both() {
        assert_eq!(goal_measure(Some(" indice_mipg "), None), Ok(Measure::Element("INDICE_MIPG".into())));
        assert_eq!(goal_measure(Some(""), Some("cobertura")), Ok(Measure::Indicator("COBERTURA".into())));
        assert!(goal_measure(Some("A"), Some("B")).is_err_and(|m| m.contains("no ambos")));
        assert!(goal_measure(None, Some("  ")).is_err_and(|m| m.contains("indique qué mide")));
    }

    fn user(role: Role, entity: Option<&str>, organisation: Option<&str>) -> AuthUser {
        AuthUser {
            id: Uuid::new_v4(),
            email: "u@x.co".into(),
            name: "U".into(),
            role,
            entity_code: entity.map(str::to_owned),
            organisation_code: organisation.map(str::to_owned),
            token_id: Uuid::nil(),
        }
    }

    #[test]
    fn modules_go_draft_published_archived_and_never_back() {
        use ModuleStatus::*;
        assert!(transition(Draft, Published).is_ok());
        assert!(transition(Published, Archived).is_ok());
        assert!(transition(Draft, Archived).is_ok());
        for (from, to) in
            [(Published, Published), (Archived, Published), (Archived, Archived), (Published, Draft)]
        {
            assert!(transition(from, to).is_err(), "{from:?} → {to:?}");
        }
    }

    fn lesson(text: bool, product: bool) -> (String, bool, bool) {
        ("Lección".into(), text, product)
    }

    #[test]
    fn a_module_is_checked_before_it_is_stored() {
        let lessons = [lesson(true, false), lesson(false, true)];
        assert!(check_module(12.0, 70, 3, &lessons, &[(4, 0), (2, 1)]).is_ok());
        for hours in [0.0, -1.0, f64::NAN, 401.0] {
            assert!(check_module(hours, 70, 3, &lessons, &[(4, 0)]).is_err(), "{hours}");
        }
        assert!(check_module(12.0, 0, 3, &lessons, &[(4, 0)]).is_err());
        assert!(check_module(12.0, 101, 3, &lessons, &[(4, 0)]).is_err());
        assert!(check_module(12.0, 70, 0, &lessons, &[(4, 0)]).is_err());
        assert!(check_module(12.0, 70, 11, &lessons, &[(4, 0)]).is_err());
        assert!(check_module(12.0, 70, 3, &[], &[(4, 0)]).is_err());
        let both = check_module(12.0, 70, 3, &[lesson(true, true)], &[(4, 0)]).unwrap_err();
        assert!(both.contains("uno de los dos"), "{both}");
        assert!(check_module(12.0, 70, 3, &[lesson(false, false)], &[(4, 0)]).is_err());
        assert!(check_module(12.0, 70, 3, &lessons, &[]).is_err());
        assert!(check_module(12.0, 70, 3, &lessons, &[(1, 0)]).is_err(), "one option");
        let out = check_module(12.0, 70, 3, &lessons, &[(3, 3)]).unwrap_err();
        assert!(out.contains("de 0 a 2"), "{out}");
    }

    #[test]
    fn an_attempt_is_graded_against_the_pass_mark() {
        let correct = [0, 2, 1, 1];
        let options = [3, 3, 2, 4];
        let all = grade(&correct, &options, &[0, 2, 1, 1], 75).expect("graded");
        assert_eq!(all, Grade { correct: 4, total: 4, score: 100, passed: true });
        let three = grade(&correct, &options, &[0, 2, 1, 0], 75).expect("graded");
        assert_eq!((three.score, three.passed), (75, true), "the pass mark itself passes");
        let two = grade(&correct, &options, &[0, 2, 0, 0], 75).expect("graded");
        assert_eq!((two.score, two.passed), (50, false));
        assert!(grade(&correct, &options, &[0, 2, 1], 75).unwrap_err().contains("4 preguntas"));
        assert!(grade(&correct, &options, &[0, 2, 2, 1], 75).unwrap_err().contains("respuesta 3"));
        assert!(grade(&correct, &options, &[-1, 2, 1, 1], 75).is_err());
    }

    #[test]
    fn attempts_are_limited_and_come_after_the_lessons() {
        assert!(may_attempt(5, 5, 0, 3, false).is_ok());
        assert!(may_attempt(5, 5, 2, 3, false).is_ok());
        assert!(may_attempt(5, 5, 3, 3, false).unwrap_err().contains("agotó los 3"));
        assert!(may_attempt(4, 5, 0, 3, false).unwrap_err().contains("lleva 4"));
        assert!(may_attempt(5, 5, 1, 3, true).unwrap_err().contains("ya aprobó"));
    }

    #[test]
    fn certificate_codes_are_readable_and_typed_back() {
        let code = certificate_code([7, 1, 2, 3, 4, 5, 6, 250]);
        assert_eq!(code.len(), 14);
        assert_eq!(normalise_code(&format!("  {}  ", code.to_lowercase())), Some(code.clone()));
        assert_ne!(code, certificate_code([8, 1, 2, 3, 4, 5, 6, 250]));
        assert!(!code[5..].contains(['0', 'O', '1', 'I', 'L']), "{code}");
        for wrong in ["", "CERT-", "CERT-0000-0000", "XXXX-ABCD-EFGH", "CERT-ABCD-EFGHJ", "CERT-ABCDEEFGH"] {
            assert_eq!(normalise_code(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn a_learner_sees_its_own_progress_and_the_coordinator_its_staff() {
        let ana = user(Role::Territorial, Some("05001"), None);
        let pedro = user(Role::Territorial, Some("05001"), None);
        assert!(may_see_progress(&ana, ana.id, "05001", None));
        assert!(!may_see_progress(&pedro, ana.id, "05001", None), "a colleague");
        assert!(may_see_progress(&pedro, ana.id, "05001", Some("05001")), "the entity's coordinator");
        assert!(!may_see_progress(&pedro, ana.id, "05266", Some("05001")), "another entity's learner");
        assert!(may_see_progress(&user(Role::Secretariat, None, Some("DAFP")), ana.id, "05001", None));
        assert!(!may_see_progress(&user(Role::National, None, Some("ESAP")), ana.id, "05001", None));
        assert!(may_enrol(&ana, ana.id, Some("05001"), None));
        assert!(!may_enrol(&pedro, ana.id, Some("05001"), None));
        assert!(may_enrol(&pedro, ana.id, Some("05001"), Some("05001")));
        assert!(!may_enrol(&pedro, ana.id, Some("05266"), Some("05001")));
        let national = user(Role::National, None, Some("ESAP"));
        assert!(!may_enrol(&national, national.id, None, None), "only territorial teams enrol");
    }

    #[test]
    fn modules_and_programmes_belong_to_their_organisations() {
        let esap = user(Role::National, None, Some("ESAP"));
        assert!(may_manage_module(&esap, "ESAP") && !may_manage_module(&esap, "DNP"));
        assert!(may_manage_module(&user(Role::Admin, None, None), "DNP"));
        let parties = vec!["ESAP".to_owned(), "DNP".to_owned()];
        assert!(may_manage_programme(&esap, &parties));
        assert!(!may_manage_programme(&user(Role::National, None, Some("MINHACIENDA")), &parties));
        assert!(may_manage_programme(&user(Role::Secretariat, None, Some("DAFP")), &parties));
        assert!(!may_manage_programme(&user(Role::Territorial, Some("05001"), None), &parties));
        let medellin = user(Role::Territorial, Some("05001"), None);
        assert!(may_see_programme(&medellin, "05001", Some("05")));
        assert!(!may_see_programme(&medellin, "05266", Some("05")));
        assert!(may_see_programme(&esap, "05266", Some("05")));
    }

    #[test]
    fn mentors_are_ranked_with_the_att_differential_scoring() {
        let competencies = vec!["Regalías".to_owned(), "proyectos de inversión".to_owned()];
        let (low, reasons) = mentor_score(
            &competencies,
            "Formulación MGA",
            "regalias",
            "formular proyectos de regalías",
            Some(CapacityGroup::G5),
        );
        let (high, _) = mentor_score(
            &competencies,
            "Formulación MGA",
            "regalias",
            "formular proyectos de regalías",
            Some(CapacityGroup::G1),
        );
        assert!(low > high, "lowest capacity first: {low} {high}");
        assert!(reasons.iter().any(|r| r.explanation.contains("mismo tema")), "{reasons:?}");
        assert!(
            (reasons.iter().map(|r| r.weight).sum::<f64>() - low).abs() < 1e-9,
            "every point is explained"
        );
        let (unrelated, _) =
            mentor_score(&competencies, "", "catastro", "actualizar el catastro", Some(CapacityGroup::G1));
        assert!(unrelated < high);
        assert_eq!(mentor_ineligibility(10, &[], "05"), None);
        assert!(mentor_ineligibility(0, &[], "05").is_some());
        assert!(mentor_ineligibility(10, &["52".into()], "05").is_some());
    }

    #[test]
    fn sessions_are_logged_after_they_happen() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
        let before = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).expect("date");
        assert!(check_session(before, 2.0, today).is_ok());
        assert!(check_session(today.succ_opt().expect("date"), 2.0, today).is_err());
        for hours in [0.0, -1.0, 25.0, f64::NAN] {
            assert!(check_session(before, hours, today).is_err(), "{hours}");
        }
    }

    #[test]
    fn periods_are_ordered_and_the_target_follows_the_baseline() {
        assert_eq!(period_start("2025"), Some((2025, 1)));
        assert_eq!(period_start("2025-S2"), Some((2025, 7)));
        assert_eq!(period_start("2025-Q4"), Some((2025, 10)));
        assert_eq!(period_start("2025-03"), Some((2025, 3)));
        assert_eq!(period_start("2025-13"), None);
        assert!(check_goal_periods("2024", "2026").is_ok());
        assert!(check_goal_periods("2024", "2024-07").is_ok());
        assert!(check_goal_periods("2026", "2024").unwrap_err().contains("posterior"));
        assert!(check_goal_periods("2025", "2025").is_err());
        assert!(check_goal_periods("ayer", "2025").is_err());
    }

    #[test]
    fn progress_runs_from_baseline_to_target_either_way() {
        assert_eq!(goal_progress(40.0, 80.0, 60.0), 0.5);
        assert_eq!(goal_progress(40.0, 80.0, 90.0), 1.0);
        assert_eq!(goal_progress(40.0, 80.0, 30.0), 0.0);
        assert_eq!(goal_progress(20.0, 10.0, 15.0), 0.5, "less is better");
        assert_eq!(goal_progress(5.0, 5.0, 5.0), 1.0);
        assert_eq!(milestone_state(40.0, 80.0, 60.0, Some(61.0)), MilestoneState::Met);
        assert_eq!(milestone_state(40.0, 80.0, 60.0, Some(59.0)), MilestoneState::Missed);
        assert_eq!(milestone_state(20.0, 10.0, 15.0, Some(14.0)), MilestoneState::Met);
        assert_eq!(milestone_state(40.0, 80.0, 60.0, None), MilestoneState::Pending);
        assert_eq!(completion_rate(0, 0), 0.0);
        assert_eq!(completion_rate(4, 1), 0.25);
    }
}
