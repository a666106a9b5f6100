//! `submitReport`: one submission, validated whole, deduplicated value by
//! value, written in one transaction with its provenance — all or nothing
//! (the writing itself, grouped with concurrent submissions, is in `batch`).

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, OnceLock, RwLock},
};

use sea_orm::DatabaseConnection;

pub use super::decision::{SubmitOutcome, ValueOutcome};
use super::{
    batch::Writer,
    catalogue::Catalogue,
    decision::{content_hash, CheckedValue, Report},
    model::{canonical_value, parse_period, Requirement, ValueType},
    rules::{period_has_begun, Range},
};
use crate::{
    authorisation::{rules, Actor, Role},
    error::ServiceError,
    territory::{DivipolaCode, TerritoryService},
};

pub const MAX_VALUES_PER_SUBMISSION: usize = 500;

/// One value as received.
#[derive(Debug, Clone)]
pub struct ReportValue {
    pub data_element_code: String,
    pub value: String,
    /// The entity the value describes; the reporter itself when absent.
    pub subject_code: Option<String>,
}

/// A submission as received.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub entity_code: String,
    pub period: String,
    pub requirement_code: String,
    pub idempotency_key: String,
    pub values: Vec<ReportValue>,
}

/// Requirements never change once registered, nor do their elements' types
/// and ranges, so each instance keeps them.
type RequirementTypes = Arc<(Requirement, HashMap<String, (ValueType, Range)>)>;

#[derive(Clone)]
pub struct Submissions {
    db: DatabaseConnection,
    catalogue: Catalogue,
    territory: TerritoryService,
    requirements: Arc<RwLock<HashMap<String, RequirementTypes>>>,
    /// Started with the first submission, inside the runtime.
    writer: Arc<OnceLock<Writer>>,
}

impl Submissions {
    pub fn new(db: DatabaseConnection, catalogue: Catalogue, territory: TerritoryService) -> Self {
        Self { db, catalogue, territory, requirements: Arc::default(), writer: Arc::default() }
    }

    async fn requirement_types(&self, code: &str) -> Result<RequirementTypes, ServiceError> {
        let code = code.trim().to_uppercase();
        if let Some(hit) = self.requirements.read().unwrap_or_else(|p| p.into_inner()).get(&code) {
            return Ok(hit.clone());
        }
        let requirement = self.catalogue.requirement(&self.db, &code).await?.ok_or_else(|| {
            ServiceError::invalid(format!("no existe el requerimiento de información «{code}»"))
        })?;
        let elements = self.catalogue.data_elements_by_code(&self.db, &requirement.element_codes).await?;
        let types = elements
            .into_iter()
            .map(|(code, element)| {
                let range = Range { minimum: element.minimum, maximum: element.maximum };
                (code, (element.value_type, range))
            })
            .collect();
        let entry = Arc::new((requirement, types));
        self.requirements.write().unwrap_or_else(|p| p.into_inner()).insert(code, entry.clone());
        Ok(entry)
    }

    /// Accepts a submission from a territorial user for its own entity.
    #[tracing::instrument(name = "reporting.submit", skip_all, fields(values = input.values.len()))]
    pub async fn submit(&self, actor: &Actor, input: ReportInput) -> Result<SubmitOutcome, ServiceError> {
        let report = self.check(actor, input).await?;
        self.submit_checked(actor, report).await
    }

    async fn check(&self, actor: &Actor, input: ReportInput) -> Result<Report, ServiceError> {
        let mut checker = self.open_checker(actor, &input).await?;
        let mut values = Vec::with_capacity(input.values.len());
        for (index, raw) in input.values.iter().enumerate() {
            let checked = checker.check(&self.territory, raw).await.map_err(|error| {
                let message =
                    format!("valor {} ({}): {}", index + 1, raw.data_element_code.trim(), error.reason);
                // A value about an entity outside the reporter's jurisdiction is a
                // permission refusal, not a typing mistake.
                if error.forbidden {
                    ServiceError::Denied(message)
                } else {
                    ServiceError::invalid(message)
                }
            })?;
            values.push(checked);
        }
        checker.report(&input.idempotency_key, values)
    }

    /// Checks a whole submission and writes nothing: every value refused, not
    /// only the first, so that a form shows each beside its field. What
    /// refuses the whole (the requirement, the period, the reporter) is an error.
    #[tracing::instrument(name = "reporting.check_report", skip_all, fields(values = input.values.len()))]
    pub async fn check_all(
        &self,
        actor: &Actor,
        input: ReportInput,
    ) -> Result<Vec<ValueProblem>, ServiceError> {
        let mut checker = self.open_checker(actor, &input).await?;
        let mut problems = Vec::new();
        for (index, raw) in input.values.iter().enumerate() {
            if let Err(error) = checker.check(&self.territory, raw).await {
                problems.push(ValueProblem {
                    position: index + 1,
                    data_element_code: raw.data_element_code.trim().to_uppercase(),
                    message: error.reason,
                    forbidden: error.forbidden,
                });
            }
        }
        Ok(problems)
    }

    /// The caller may report for `input`'s entity, requirement and period.
    async fn open_checker(&self, actor: &Actor, input: &ReportInput) -> Result<Checker, ServiceError> {
        let user = rules::require_role(actor, &[Role::Territorial], "enviar reportes")?;
        let reporter = DivipolaCode::parse(&input.entity_code)?;
        if user.entity_code.as_deref() != Some(reporter.as_str()) {
            return Err(ServiceError::Forbidden("reportar en nombre de otra entidad"));
        }
        if input.values.is_empty() || input.values.len() > MAX_VALUES_PER_SUBMISSION {
            return Err(ServiceError::invalid(format!(
                "un reporte lleva de 1 a {MAX_VALUES_PER_SUBMISSION} valores; recibió {}",
                input.values.len()
            )));
        }
        self.checker(reporter, &input.requirement_code, &input.period).await.map_err(|(_, error)| error)
    }

    /// A checker of values for one reporter, requirement and period. A
    /// refusal says which of the two was wrong (the import names the column).
    pub(super) async fn checker(
        &self,
        reporter: DivipolaCode,
        requirement_code: &str,
        period: &str,
    ) -> Result<Checker, (HeaderField, ServiceError)> {
        let entry = self
            .requirement_types(requirement_code)
            .await
            .map_err(|error| (HeaderField::Requirement, error))?;
        let period =
            parse_period(period, entry.0.periodicity).map_err(|error| (HeaderField::Period, error))?;
        period_has_begun(&period, entry.0.periodicity, crate::bogota_time::today())
            .map_err(|reason| (HeaderField::Period, ServiceError::invalid(reason)))?;
        Ok(Checker { reporter, period, entry, subjects: HashMap::new(), keys: HashSet::new() })
    }

    /// Writes an already checked report (the import path too), together
    /// with the submissions that arrive meanwhile (see `batch`).
    pub(super) async fn submit_checked(
        &self,
        actor: &Actor,
        report: Report,
    ) -> Result<SubmitOutcome, ServiceError> {
        let user_id = actor.user().map(|user| user.id).filter(|id| !id.is_nil());
        let writer = self.writer.get_or_init(|| Writer::start(self.db.clone()));
        writer.submit(user_id, actor.label(), report).await
    }
}

/// Which part of a submission's header is wrong (the import names the column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderField {
    Requirement,
    Period,
}

/// Which part of a value is wrong (the import names the column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueField {
    Element,
    Value,
    Subject,
    /// The reporter, when the value is about the reporter itself (no subject given).
    Reporter,
}

/// A value a check refused, for the form to show beside its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueProblem {
    /// 1-based, in the order sent.
    pub position: usize,
    pub data_element_code: String,
    pub message: String,
    /// Out of the reporter's jurisdiction (a permission refusal).
    pub forbidden: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub field: ValueField,
    pub reason: String,
    /// The value is about an entity the reporter may not report for.
    pub forbidden: bool,
}

fn value_error(field: ValueField, reason: String) -> ValueError {
    ValueError { field, reason, forbidden: false }
}

/// Checks values one by one for a reporter, requirement and period: typed,
/// known to the requirement, inside the reporter's jurisdiction, each key once.
pub(super) struct Checker {
    reporter: DivipolaCode,
    period: String,
    entry: RequirementTypes,
    subjects: HashMap<String, crate::territory::TerritorialEntity>,
    keys: HashSet<(String, String)>,
}

impl Checker {
    pub(super) async fn check(
        &mut self,
        territory: &TerritoryService,
        raw: &ReportValue,
    ) -> Result<CheckedValue, ValueError> {
        let (requirement, types) = (&self.entry.0, &self.entry.1);
        let element = raw.data_element_code.trim().to_uppercase();
        let (value_type, range) = types.get(&element).ok_or_else(|| {
            value_error(
                ValueField::Element,
                format!(
                    "el elemento «{}» no hace parte del requerimiento {}",
                    raw.data_element_code.trim(),
                    requirement.code
                ),
            )
        })?;
        let value = canonical_value(*value_type, &raw.value)
            .map_err(|reason| value_error(ValueField::Value, reason))?;
        range
            .check(&value)
            .map_err(|reason| value_error(ValueField::Value, format!("{element}: {reason}")))?;
        let (subject_code, subject_field) =
            match raw.subject_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                Some(code) => (
                    DivipolaCode::parse(code)
                        .map_err(|error| value_error(ValueField::Subject, error.to_string()))?,
                    ValueField::Subject,
                ),
                // About the reporter itself: what is wrong with it is the reporter's.
                None => (self.reporter.clone(), ValueField::Reporter),
            };
        if !self.subjects.contains_key(subject_code.as_str()) {
            let subject = territory
                .find(&subject_code)
                .await
                .map_err(|error| value_error(subject_field, error.to_string()))?
                .ok_or_else(|| {
                    value_error(
                        subject_field,
                        format!("no existe la entidad territorial {}", subject_code.as_str()),
                    )
                })?;
            self.subjects.insert(subject_code.as_str().to_owned(), subject);
        }
        let subject = &self.subjects[subject_code.as_str()];
        let reporter = self.reporter.as_str();
        if !rules::in_jurisdiction(reporter, &subject.code, subject.department_code.as_deref()) {
            let reason = format!(
                "no tiene permiso para reportar datos de {} ({}): está fuera de la jurisdicción de {reporter}; un municipio reporta por sí mismo y un departamento por sus municipios",
                subject.name, subject.code
            );
            return Err(ValueError { field: ValueField::Subject, reason, forbidden: true });
        }
        if !requirement.entity_kinds.contains(&subject.kind) {
            return Err(value_error(
                subject_field,
                format!(
                    "el requerimiento {} no se pide a {} ({})",
                    requirement.code, subject.name, subject.code
                ),
            ));
        }
        if !self.keys.insert((subject.code.clone(), element.clone())) {
            return Err(value_error(
                ValueField::Element,
                format!("el elemento {element} de {} aparece dos veces en el reporte", subject.code),
            ));
        }
        Ok(CheckedValue { subject: subject.code.clone(), element, value })
    }

    /// The report made of `values`, checked by this checker.
    pub(super) fn report(
        &self,
        idempotency_key: &str,
        values: Vec<CheckedValue>,
    ) -> Result<Report, ServiceError> {
        let idempotency_key = idempotency_key.trim().to_owned();
        if idempotency_key.is_empty() || idempotency_key.chars().count() > 128 {
            return Err(ServiceError::invalid("«idempotencyKey» es obligatoria (hasta 128 caracteres)"));
        }
        let requirement = &self.entry.0.code;
        let content_hash = content_hash(self.reporter.as_str(), requirement, &self.period, &values);
        Ok(Report {
            reporter: self.reporter.as_str().to_owned(),
            requirement_code: requirement.clone(),
            period: self.period.clone(),
            idempotency_key,
            values,
            content_hash,
        })
    }
}
