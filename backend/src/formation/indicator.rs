//! Completion as a monitoring indicator. Formation reports, through the
//! report-once path, each entity's enrolments of a year and how many of them
//! earned a certificate; monitoring computes `FORMACION_CULMINACION` from
//! them like any indicator, so completion has traffic lights, peers by
//! category, capacity group, department and RAP region, the department page
//! and the national map, with nothing computed twice.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use sea_orm::{entity::prelude::*, QuerySelect};
use uuid::Uuid;

use super::{entity::enrolment, service::FormationService};
use crate::{
    authorisation::{rules as access_rules, Actor, AuthUser, Role},
    bogota_time,
    error::ServiceError,
    monitoring::model::{Direction, NewIndicator},
    reporting::{
        catalogue::{NewDataElement, NewRequirement},
        import::system_actor,
        model::{Periodicity, ValueType},
        submission::{ReportInput, ReportValue},
    },
    territory::TerritorialKind,
};

pub const ENROLLED: &str = "FORMACION_INSCRIPCIONES";
pub const CERTIFIED: &str = "FORMACION_CERTIFICADOS";
pub const REQUIREMENT: &str = "FORMACION_SUGIT";
pub const INDICATOR: &str = "FORMACION_CULMINACION";

impl FormationService {
    /// Reports `entity`'s enrolments of `year` and how many of them earned a
    /// certificate, registering the requirement and the indicator the first
    /// time. The figures are derived from formation's own tables: callers log
    /// a failure, and the next enrolment or certificate reports the whole
    /// count again.
    #[tracing::instrument(name = "formation.report_completion", skip_all, fields(entity, year))]
    pub async fn report_completion(&self, entity: &str, year: i32) -> Result<(), ServiceError> {
        self.completion_ready.get_or_try_init(|| self.ensure_completion_indicator()).await?;
        let (from, to) = (year_start(year)?, year_start(year + 1)?);
        let (enrolled, certified): (i64, i64) = enrolment::Entity::find()
            .select_only()
            .column_as(Expr::col(enrolment::Column::Id).count(), "enrolled")
            .column_as(Expr::col(enrolment::Column::PassedAt).count(), "certified")
            .filter(enrolment::Column::EntityCode.eq(entity))
            .filter(enrolment::Column::EnrolledAt.gte(from))
            .filter(enrolment::Column::EnrolledAt.lt(to))
            .into_tuple()
            .one(&self.db)
            .await?
            .unwrap_or((0, 0));
        if enrolled == 0 {
            return Ok(());
        }
        let value = |code: &str, count: i64| ReportValue {
            data_element_code: code.to_owned(),
            value: count.to_string(),
            subject_code: None,
        };
        self.reporting
            .submissions
            .submit(
                &reporter(entity),
                ReportInput {
                    entity_code: entity.to_owned(),
                    period: year.to_string(),
                    requirement_code: REQUIREMENT.to_owned(),
                    // The same counts are the same report: sent again, a duplicate.
                    idempotency_key: format!("formacion:{entity}:{year}:{enrolled}:{certified}"),
                    values: vec![value(ENROLLED, enrolled), value(CERTIFIED, certified)],
                },
            )
            .await?;
        // Current when the enrolment or the certificate is answered, not a poll later;
        // the follower computes the same sheet again and writes nothing new.
        self.monitoring.recompute_sheets(&[(entity.to_owned(), year.to_string())]).await?;
        Ok(())
    }

    /// Reports the year of an enrolment of `entity` made at `enrolled_at`, logging a failure.
    pub(super) async fn report_completion_of(&self, entity: &str, enrolled_at: chrono::DateTime<Utc>) {
        let year = bogota_time::local(enrolled_at).year();
        if let Err(error) = self.report_completion(entity, year).await {
            tracing::warn!(%entity, year, %error, "no se reportó la culminación de la formación");
        }
    }

    /// The two data elements, their requirement (issued by Función Pública)
    /// and the indicator, each only when missing.
    async fn ensure_completion_indicator(&self) -> Result<(), ServiceError> {
        let system = system_actor();
        if self.reporting.catalogue.find_requirement(REQUIREMENT).await?.is_none() {
            for (code, name, description) in [
                (
                    ENROLLED,
                    "Inscripciones en módulos de formación de SUGIT",
                    "Personas del equipo de la entidad inscritas en el año en módulos de formación publicados en SUGIT; lo reporta el sistema.",
                ),
                (
                    CERTIFIED,
                    "Certificados de formación de SUGIT",
                    "De las inscripciones del año, las que aprobaron la evaluación final y obtuvieron su certificado; lo reporta el sistema.",
                ),
            ] {
                if self.reporting.catalogue.data_element(code).await?.is_none() {
                    let created = self
                        .reporting
                        .catalogue
                        .create_data_element(
                            &system,
                            NewDataElement {
                                code: code.to_owned(),
                                name: name.to_owned(),
                                description: description.to_owned(),
                                unit: "personas".to_owned(),
                                value_type: ValueType::Integer,
                                competency: "DIN".to_owned(),
                                programmatic_unit: Some("DIN-03".to_owned()),
                                minimum: Some(0.0),
                                maximum: None,
                            },
                        )
                        .await;
                    match created {
                        Ok(_) | Err(ServiceError::Conflict(_)) => {}
                        Err(error) => return Err(error),
                    }
                }
            }
            let registered = self
                .reporting
                .catalogue
                .register_requirement(
                    &system,
                    NewRequirement {
                        code: REQUIREMENT.to_owned(),
                        name: "Formación de los equipos territoriales en SUGIT".to_owned(),
                        issuer_code: Some(access_rules::FUNCION_PUBLICA.to_owned()),
                        legal_basis: "Misión de Descentralización: formación y acompañamiento a las entidades territoriales; lo reporta el sistema a partir de las inscripciones y los certificados.".to_owned(),
                        periodicity: Periodicity::Annual,
                        entity_kinds: vec![
                            TerritorialKind::Municipality,
                            TerritorialKind::District,
                            TerritorialKind::Department,
                        ],
                        existing_elements: vec![ENROLLED.to_owned(), CERTIFIED.to_owned()],
                        new_elements: Vec::new(),
                        due_days: None,
                    },
                )
                .await;
            match registered {
                Ok(_) | Err(ServiceError::Conflict(_)) => {}
                Err(error) => return Err(error),
            }
        }
        // Nobody owes these values: the platform reports them from its own records.
        self.reporting.catalogue.mark_reported_by_platform(&system, REQUIREMENT).await?;
        match self.monitoring.indicator(INDICATOR).await {
            Ok(_) => return Ok(()),
            Err(ServiceError::NotFound(_)) => {}
            Err(error) => return Err(error),
        }
        self.monitoring
            .register(
                &system,
                NewIndicator {
                    code: INDICATOR.to_owned(),
                    name: "Culminación de la formación".to_owned(),
                    competency: "DIN".to_owned(),
                    programmatic_unit: Some("DIN-03".to_owned()),
                    formula: format!("{CERTIFIED} / {ENROLLED} * 100"),
                    unit: "% de las inscripciones del año".to_owned(),
                    direction: Direction::HigherIsBetter,
                    lower_threshold: 40.0,
                    upper_threshold: 70.0,
                    periodicity: Periodicity::Annual,
                    source_note: "Formación de SUGIT: inscripciones del año en módulos publicados y, de ellas, las certificadas; lo reporta el sistema.".to_owned(),
                    owner_code: Some(access_rules::FUNCION_PUBLICA.to_owned()),
                    restricted: false,
                },
            )
            .await?;
        Ok(())
    }
}

/// The entity's own report, sent by the platform (the audit names it so).
fn reporter(entity: &str) -> Actor {
    Actor::User(AuthUser {
        id: Uuid::nil(),
        email: "sistema (formación)".into(),
        name: "Formación".into(),
        role: Role::Territorial,
        entity_code: Some(entity.to_owned()),
        organisation_code: None,
        token_id: Uuid::nil(),
    })
}

/// 1 January of `year`, 00:00 in Bogotá.
fn year_start(year: i32) -> Result<chrono::DateTime<Utc>, ServiceError> {
    let day = NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .ok_or_else(|| ServiceError::invalid(format!("año fuera de rango: {year}")))?;
    Ok(Utc.from_utc_datetime(&(day + chrono::Duration::hours(5))))
}
