//! The catalogue: canonical data elements (versioned, deprecated with a
//! successor, every change audited) and the requirements that ask for them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, SqlErr, TransactionTrait,
};

use super::{
    entity::{data_element, information_requirement, requirement_element, requirement_from},
    model::{parse_period, DataElement, ElementStatus, Periodicity, Requirement, ValueType},
    periods,
    similarity::{self, FieldText, RelatedWords, Similarity},
    thesaurus::Thesaurus,
};
use crate::{
    audit::{self, Change},
    authorisation::{rules, Actor, Role},
    error::ServiceError,
    pagination::{Page, PageRequest},
    territory::TerritorialKind,
    text,
};

/// A data element to create, as received.
#[derive(Debug, Clone)]
pub struct NewDataElement {
    pub code: String,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub value_type: ValueType,
    pub competency: String,
    pub programmatic_unit: Option<String>,
    /// The admissible range; the type's defaults apply (`reporting::rules::Range`).
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
}

/// Changes to a data element; `None` keeps a field. The value type and the
/// range never change: values already reported were checked against them.
#[derive(Debug, Clone, Default)]
pub struct DataElementChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub unit: Option<String>,
    pub competency: Option<String>,
    pub programmatic_unit: Option<Option<String>>,
}

/// A requirement to register, as received.
#[derive(Debug, Clone)]
pub struct NewRequirement {
    pub code: String,
    pub name: String,
    /// Only an administrator names the issuer; a national user issues for its own organisation.
    pub issuer_code: Option<String>,
    pub legal_basis: String,
    pub periodicity: Periodicity,
    pub entity_kinds: Vec<TerritorialKind>,
    pub existing_elements: Vec<String>,
    pub new_elements: Vec<NewDataElement>,
    /// Days after each period within which it is due; none: the default.
    pub due_days: Option<i32>,
}

/// A near-duplicate found for a new field.
#[derive(Debug, Clone)]
pub struct SimilarElement {
    /// The code of the new field it resembles.
    pub new_code: String,
    pub element: DataElement,
    pub similarity: Similarity,
}

/// A near-duplicate among existing requirements.
#[derive(Debug, Clone)]
pub struct SimilarRequirement {
    pub requirement: Requirement,
    pub similarity: Similarity,
}

#[derive(Debug, Clone, Default)]
pub struct ElementFilter {
    pub competency: Option<String>,
    pub status: Option<ElementStatus>,
    pub name_contains: Option<String>,
}

const MAX_ELEMENTS_PER_REQUIREMENT: usize = 200;
const SIMILAR_PER_FIELD: usize = 3;

/// Catalogue codes: upper-case ASCII, digits and "_", as they travel in CSV files.
pub fn parse_code(raw: &str, what: &str) -> Result<String, ServiceError> {
    let code = raw.trim().to_uppercase();
    let valid = (2..=64).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if valid {
        Ok(code)
    } else {
        Err(ServiceError::invalid(format!(
            "el código de {what} «{}» no es válido: de 2 a 64 letras sin tildes, dígitos, «_» o «-»",
            raw.trim()
        )))
    }
}

fn required_text(raw: &str, field: &str, max: usize) -> Result<String, ServiceError> {
    let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() || value.chars().count() > max {
        Err(ServiceError::invalid(format!("«{field}» es obligatorio (hasta {max} caracteres)")))
    } else {
        Ok(value)
    }
}

impl NewDataElement {
    fn validated(self) -> Result<Self, ServiceError> {
        let range = super::rules::Range::declared(self.value_type, self.minimum, self.maximum)
            .map_err(|reason| ServiceError::invalid(format!("elemento {}: {reason}", self.code.trim())))?;
        Ok(Self {
            minimum: range.minimum,
            maximum: range.maximum,
            code: parse_code(&self.code, "elemento de datos")?,
            name: required_text(&self.name, "name", 200)?,
            description: required_text(&self.description, "description", 2_000)?,
            unit: required_text(&self.unit, "unit", 64)?,
            value_type: self.value_type,
            competency: parse_code(&self.competency, "competencia")?,
            programmatic_unit: self
                .programmatic_unit
                .map(|unit| required_text(&unit, "programmaticUnit", 200))
                .transpose()?,
        })
    }
}

#[derive(Clone)]
pub struct Catalogue {
    db: DatabaseConnection,
    /// The thesaurus the near-duplicate proposals read beside the embedded lists.
    thesaurus: Arc<Thesaurus>,
}

impl Catalogue {
    pub fn new(db: DatabaseConnection, thesaurus: Arc<Thesaurus>) -> Self {
        Self { db, thesaurus }
    }

    /// Reads the thesaurus now, so that the first proposal does not wait for it (about
    /// 0.7 s in a release build).
    pub async fn warm_thesaurus(&self) {
        self.thesaurus.words().await;
    }

    /// The data elements of `codes`, by code, read outside any transaction.
    pub async fn find_data_elements(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, DataElement>, ServiceError> {
        self.data_elements_by_code(&self.db, codes).await
    }

    /// A requirement by code, read outside any transaction.
    pub async fn find_requirement(&self, code: &str) -> Result<Option<Requirement>, ServiceError> {
        self.requirement(&self.db, code).await
    }

    pub async fn data_elements_by_code(
        &self,
        connection: &impl ConnectionTrait,
        codes: &[String],
    ) -> Result<HashMap<String, DataElement>, ServiceError> {
        let rows = data_element::Entity::find()
            .filter(data_element::Column::Code.is_in(codes.iter().cloned()))
            .all(connection)
            .await?;
        Ok(rows.into_iter().map(|row| (row.code.clone(), row.into())).collect())
    }

    pub async fn data_element(&self, code: &str) -> Result<Option<DataElement>, ServiceError> {
        Ok(data_element::Entity::find_by_id(code.trim().to_uppercase()).one(&self.db).await?.map(Into::into))
    }

    #[tracing::instrument(name = "catalogue.list_data_elements", skip_all)]
    pub async fn list_data_elements(
        &self,
        filter: &ElementFilter,
        page: &PageRequest,
    ) -> Result<Page<DataElement>, ServiceError> {
        let mut condition = Condition::all();
        if let Some(competency) = &filter.competency {
            condition = condition.add(data_element::Column::Competency.eq(competency.trim().to_uppercase()));
        }
        if let Some(status) = filter.status {
            condition = condition.add(data_element::Column::Status.eq(status.as_db()));
        }
        // The catalogue is small (hundreds of elements): names are matched folded, in memory.
        let rows = data_element::Entity::find()
            .filter(condition)
            .order_by_asc(data_element::Column::Code)
            .all(&self.db)
            .await?;
        let wanted = filter.name_contains.as_deref().map(text::fold).filter(|name| !name.is_empty());
        let elements: Vec<DataElement> = rows
            .into_iter()
            .map(DataElement::from)
            .filter(|element| {
                wanted.as_ref().is_none_or(|name| text::fold(&element.name).contains(name.as_str()))
            })
            .collect();
        Ok(Page::from_sorted(elements, page, |element| element.code.as_str()))
    }

    /// Adds an element to the catalogue (administrators only).
    #[tracing::instrument(name = "catalogue.create_data_element", skip_all)]
    pub async fn create_data_element(
        &self,
        actor: &Actor,
        new: NewDataElement,
    ) -> Result<DataElement, ServiceError> {
        rules::require_admin(actor, "administrar el catálogo de elementos de datos")?;
        let new = new.validated()?;
        let transaction = self.db.begin().await?;
        let created = insert_element(&transaction, &new).await?;
        audit::record(
            &transaction,
            actor,
            Change::new("create_data_element", "data_element", &created.code).after(&created),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    /// Changes an element's wording: a new version, the old one in the audit log.
    #[tracing::instrument(name = "catalogue.update_data_element", skip_all)]
    pub async fn update_data_element(
        &self,
        actor: &Actor,
        code: &str,
        changes: DataElementChanges,
    ) -> Result<DataElement, ServiceError> {
        rules::require_admin(actor, "administrar el catálogo de elementos de datos")?;
        let transaction = self.db.begin().await?;
        let row = find_element(&transaction, code).await?;
        let before = DataElement::from(row.clone());
        let mut changed: data_element::ActiveModel = row.into();
        if let Some(name) = changes.name {
            changed.name = Set(required_text(&name, "name", 200)?);
        }
        if let Some(description) = changes.description {
            changed.description = Set(required_text(&description, "description", 2_000)?);
        }
        if let Some(unit) = changes.unit {
            changed.unit = Set(required_text(&unit, "unit", 64)?);
        }
        if let Some(competency) = changes.competency {
            changed.competency = Set(parse_code(&competency, "competencia")?);
        }
        if let Some(unit) = changes.programmatic_unit {
            changed.programmatic_unit =
                Set(unit.map(|unit| required_text(&unit, "programmaticUnit", 200)).transpose()?);
        }
        save_version(transaction, actor, "update_data_element", before, changed).await
    }

    /// Deprecates an element in favour of an active successor.
    #[tracing::instrument(name = "catalogue.deprecate_data_element", skip_all)]
    pub async fn deprecate_data_element(
        &self,
        actor: &Actor,
        code: &str,
        successor_code: &str,
    ) -> Result<DataElement, ServiceError> {
        rules::require_admin(actor, "administrar el catálogo de elementos de datos")?;
        let transaction = self.db.begin().await?;
        let row = find_element(&transaction, code).await?;
        let successor = find_element(&transaction, successor_code).await?;
        if successor.code == row.code || successor.status != ElementStatus::Active.as_db() {
            return Err(ServiceError::invalid(format!(
                "el sucesor «{}» debe ser otro elemento vigente",
                successor.code
            )));
        }
        let before = DataElement::from(row.clone());
        let mut changed: data_element::ActiveModel = row.into();
        changed.status = Set(ElementStatus::Deprecated.as_db().to_owned());
        changed.successor_code = Set(Some(successor.code));
        save_version(transaction, actor, "deprecate_data_element", before, changed).await
    }

    /// Existing active elements that resemble a field, best first.
    #[tracing::instrument(name = "catalogue.similar_data_elements", skip_all)]
    pub async fn similar_data_elements(
        &self,
        name: &str,
        description: &str,
        limit: usize,
    ) -> Result<Vec<(DataElement, Similarity)>, ServiceError> {
        let existing: Vec<DataElement> = data_element::Entity::find()
            .filter(data_element::Column::Status.eq(ElementStatus::Active.as_db()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        let related = self.thesaurus.words().await;
        Ok(similar_among(&existing, "", name, description, limit, &related))
    }

    /// One requirement with its elements.
    pub async fn requirement(
        &self,
        connection: &impl ConnectionTrait,
        code: &str,
    ) -> Result<Option<Requirement>, ServiceError> {
        let code = code.trim().to_uppercase();
        let Some(row) = information_requirement::Entity::find_by_id(code.as_str()).one(connection).await?
        else {
            return Ok(None);
        };
        let elements = requirement_element::Entity::find()
            .filter(requirement_element::Column::RequirementCode.eq(code.as_str()))
            .order_by_asc(requirement_element::Column::Position)
            .all(connection)
            .await?;
        Ok(Some(requirement_from(row, elements.into_iter().map(|e| e.element_code).collect())))
    }

    /// Every requirement with its elements (the catalogue is small: tens to hundreds).
    pub async fn all_requirements(&self) -> Result<Vec<Requirement>, ServiceError> {
        let rows = information_requirement::Entity::find()
            .order_by_asc(information_requirement::Column::Code)
            .all(&self.db)
            .await?;
        let links = requirement_element::Entity::find()
            .order_by_asc(requirement_element::Column::Position)
            .all(&self.db)
            .await?;
        let mut by_requirement: HashMap<String, Vec<String>> = HashMap::new();
        for link in links {
            by_requirement.entry(link.requirement_code).or_default().push(link.element_code);
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let codes = by_requirement.remove(&row.code).unwrap_or_default();
                requirement_from(row, codes)
            })
            .collect())
    }

    /// Stops asking a requirement after `last_period` (a period of its
    /// periodicity), or asks it again with `None`. Idempotent: nothing is
    /// written when it already says so.
    #[tracing::instrument(name = "catalogue.set_last_period", skip_all, fields(code))]
    pub async fn set_last_period(
        &self,
        actor: &Actor,
        code: &str,
        last_period: Option<&str>,
    ) -> Result<Requirement, ServiceError> {
        rules::require_admin(actor, "cerrar requerimientos de información")?;
        let transaction = self.db.begin().await?;
        let requirement = self.requirement(&transaction, code).await?.ok_or_else(|| {
            ServiceError::NotFound(format!("no existe el requerimiento de información «{}»", code.trim()))
        })?;
        let last_period =
            last_period.map(|period| parse_period(period, requirement.periodicity)).transpose()?;
        if requirement.last_period == last_period {
            return Ok(requirement);
        }
        information_requirement::ActiveModel {
            code: Set(requirement.code.clone()),
            last_period: Set(last_period.clone()),
            ..Default::default()
        }
        .update(&transaction)
        .await?;
        audit::record(
            &transaction,
            actor,
            Change::new("set_requirement_last_period", "information_requirement", &requirement.code)
                .before(&requirement.last_period)
                .after(&last_period),
        )
        .await?;
        transaction.commit().await?;
        Ok(Requirement { last_period, ..requirement })
    }

    /// Marks a requirement as reported by the platform itself: it leaves
    /// every entity's burden. Idempotent.
    pub async fn mark_reported_by_platform(&self, actor: &Actor, code: &str) -> Result<(), ServiceError> {
        rules::require_admin(actor, "marcar requerimientos que reporta la plataforma")?;
        let requirement = self.requirement(&self.db, code).await?.ok_or_else(|| {
            ServiceError::NotFound(format!("no existe el requerimiento de información «{}»", code.trim()))
        })?;
        if requirement.reported_by_platform {
            return Ok(());
        }
        let transaction = self.db.begin().await?;
        information_requirement::ActiveModel {
            code: Set(requirement.code.clone()),
            reported_by_platform: Set(true),
            ..Default::default()
        }
        .update(&transaction)
        .await?;
        audit::record(
            &transaction,
            actor,
            Change::new(
                "mark_requirement_reported_by_platform",
                "information_requirement",
                &requirement.code,
            ),
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    #[tracing::instrument(name = "catalogue.list_requirements", skip_all)]
    pub async fn list_requirements(
        &self,
        issuer: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Requirement>, ServiceError> {
        let mut all = self.all_requirements().await?;
        if let Some(issuer) = issuer {
            let issuer = issuer.trim().to_uppercase();
            all.retain(|requirement| requirement.issuer_code == issuer);
        }
        Ok(Page::from_sorted(all, page, |requirement| requirement.code.as_str()))
    }

    /// Registers a requirement: its new fields join the catalogue, and every
    /// new field and the requirement itself are compared with what exists, so
    /// the issuer is told what could be reused instead of asked again.
    #[tracing::instrument(name = "catalogue.register_requirement", skip_all)]
    pub async fn register_requirement(
        &self,
        actor: &Actor,
        new: NewRequirement,
    ) -> Result<(Requirement, Vec<SimilarElement>, Vec<SimilarRequirement>), ServiceError> {
        let user = rules::require_role(
            actor,
            &[Role::National, Role::Admin],
            "registrar requerimientos de información",
        )?;
        let issuer_code = match (user.role, new.issuer_code.as_deref()) {
            (Role::Admin, Some(issuer)) => issuer.trim().to_uppercase(),
            (Role::Admin, None) => {
                return Err(ServiceError::invalid(
                    "un administrador debe indicar la organización emisora («issuerCode»)",
                ))
            }
            (_, Some(issuer)) if !rules::may_write_for_organisation(user, &issuer.trim().to_uppercase()) => {
                return Err(ServiceError::Forbidden("registrar requerimientos de otra organización"))
            }
            _ => user.organisation_code.clone().ok_or(ServiceError::Forbidden("registrar requerimientos"))?,
        };
        let code = parse_code(&new.code, "requerimiento")?;
        let name = required_text(&new.name, "name", 200)?;
        let legal_basis = required_text(&new.legal_basis, "legalBasis", 2_000)?;
        let due_days = periods::check_due_days(new.due_days.unwrap_or(periods::DEFAULT_DUE_DAYS))
            .map_err(ServiceError::invalid)?;
        if new.entity_kinds.is_empty() {
            return Err(ServiceError::invalid(
                "indique qué tipos de entidad deben responder («entityKinds»)",
            ));
        }
        let new_elements =
            new.new_elements.into_iter().map(NewDataElement::validated).collect::<Result<Vec<_>, _>>()?;
        let existing_codes = new
            .existing_elements
            .iter()
            .map(|code| parse_code(code, "elemento de datos"))
            .collect::<Result<Vec<_>, _>>()?;
        let all_codes: Vec<String> =
            existing_codes.iter().cloned().chain(new_elements.iter().map(|e| e.code.clone())).collect();
        if all_codes.is_empty() || all_codes.len() > MAX_ELEMENTS_PER_REQUIREMENT {
            return Err(ServiceError::invalid(format!(
                "un requerimiento pide de 1 a {MAX_ELEMENTS_PER_REQUIREMENT} elementos de datos"
            )));
        }
        let mut seen = HashSet::new();
        if let Some(repeated) = all_codes.iter().find(|code| !seen.insert(code.as_str())) {
            return Err(ServiceError::invalid(format!("el elemento «{repeated}» aparece dos veces")));
        }

        let catalogue: Vec<DataElement> =
            data_element::Entity::find().all(&self.db).await?.into_iter().map(Into::into).collect();
        for code in &existing_codes {
            match catalogue.iter().find(|element| &element.code == code) {
                None => {
                    return Err(ServiceError::invalid(format!("no existe el elemento de datos «{code}»")))
                }
                Some(element) if element.status == ElementStatus::Deprecated => {
                    return Err(ServiceError::invalid(format!(
                        "el elemento «{code}» es obsoleto: use su sucesor «{}»",
                        element.successor_code.as_deref().unwrap_or("?")
                    )))
                }
                Some(_) => {}
            }
        }
        let active: Vec<DataElement> =
            catalogue.into_iter().filter(|element| element.status == ElementStatus::Active).collect();
        let related = self.thesaurus.words().await;
        let similar_elements: Vec<SimilarElement> = new_elements
            .iter()
            .flat_map(|field| {
                similar_among(
                    &active,
                    &field.code,
                    &field.name,
                    &field.description,
                    SIMILAR_PER_FIELD,
                    &related,
                )
                .into_iter()
                .map(|(element, similarity)| SimilarElement {
                    new_code: field.code.clone(),
                    element,
                    similarity,
                })
            })
            .collect();
        let existing_requirements = self.all_requirements().await?;
        let similar_requirements =
            similar_requirements(&existing_requirements, &name, &legal_basis, &related);

        let now = Utc::now();
        let transaction = self.db.begin().await?;
        for element in &new_elements {
            let created = insert_element(&transaction, element).await?;
            audit::record(
                &transaction,
                actor,
                Change::new("create_data_element", "data_element", &created.code).after(&created),
            )
            .await?;
        }
        information_requirement::ActiveModel {
            code: Set(code.clone()),
            name: Set(name),
            issuer_code: Set(issuer_code),
            legal_basis: Set(legal_basis),
            periodicity: Set(new.periodicity.as_db().to_owned()),
            entity_kinds: Set(new.entity_kinds.iter().map(|kind| kind.as_db()).collect::<Vec<_>>().join(",")),
            created_at: Set(now),
            last_period: Set(None),
            reported_by_platform: Set(false),
            due_days: Set(due_days),
        }
        .insert(&transaction)
        .await
        .map_err(|error| {
            unique_to_conflict(error, format!("ya existe un requerimiento con el código {code}"))
        })?;
        let links =
            all_codes.iter().enumerate().map(|(position, element_code)| requirement_element::ActiveModel {
                requirement_code: Set(code.clone()),
                element_code: Set(element_code.clone()),
                position: Set(position as i32),
            });
        requirement_element::Entity::insert_many(links).exec_without_returning(&transaction).await?;
        let requirement = self.requirement(&transaction, &code).await?.ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!("requerimiento recién creado no encontrado"))
        })?;
        audit::record(
            &transaction,
            actor,
            Change::new("register_requirement", "information_requirement", &code).after(&requirement),
        )
        .await?;
        crate::outbox::record(&transaction, search_index::Kind::Requirement, &code).await?;
        transaction.commit().await?;
        Ok((requirement, similar_elements, similar_requirements))
    }
}

fn unique_to_conflict(error: sea_orm::DbErr, message: String) -> ServiceError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => ServiceError::Conflict(message),
        _ => error.into(),
    }
}

/// Writes a changed element as its next version, audited, and commits.
async fn save_version(
    transaction: sea_orm::DatabaseTransaction,
    actor: &Actor,
    action: &str,
    before: DataElement,
    mut changed: data_element::ActiveModel,
) -> Result<DataElement, ServiceError> {
    changed.version = Set(before.version + 1);
    changed.updated_at = Set(Utc::now());
    let after = DataElement::from(changed.update(&transaction).await?);
    audit::record(
        &transaction,
        actor,
        Change::new(action, "data_element", &after.code).before(&before).after(&after),
    )
    .await?;
    transaction.commit().await?;
    Ok(after)
}

async fn find_element(
    connection: &impl ConnectionTrait,
    code: &str,
) -> Result<data_element::Model, ServiceError> {
    let code = code.trim().to_uppercase();
    data_element::Entity::find_by_id(code.as_str())
        .one(connection)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no existe el elemento de datos «{code}»")))
}

async fn insert_element(
    connection: &impl ConnectionTrait,
    new: &NewDataElement,
) -> Result<DataElement, ServiceError> {
    let row = data_element::ActiveModel {
        code: Set(new.code.clone()),
        version: Set(1),
        name: Set(new.name.clone()),
        description: Set(new.description.clone()),
        unit: Set(new.unit.clone()),
        value_type: Set(new.value_type.as_db().to_owned()),
        competency: Set(new.competency.clone()),
        programmatic_unit: Set(new.programmatic_unit.clone()),
        status: Set(ElementStatus::Active.as_db().to_owned()),
        successor_code: Set(None),
        updated_at: Set(Utc::now()),
        minimum: Set(new.minimum),
        maximum: Set(new.maximum),
    }
    .insert(connection)
    .await
    .map_err(|error| unique_to_conflict(error, format!("ya existe el elemento de datos {}", new.code)))?;
    Ok(row.into())
}

fn similar_among(
    existing: &[DataElement],
    new_code: &str,
    name: &str,
    description: &str,
    limit: usize,
    related: &RelatedWords,
) -> Vec<(DataElement, Similarity)> {
    let candidates: Vec<FieldText> = existing
        .iter()
        .map(|element| FieldText {
            code: &element.code,
            name: &element.name,
            description: &element.description,
        })
        .collect();
    let new = FieldText { code: new_code, name, description };
    similarity::propose(&new, &candidates, limit, related)
        .into_iter()
        .filter_map(|(field, similarity)| {
            existing
                .iter()
                .find(|element| element.code == field.code)
                .map(|element| (element.clone(), similarity))
        })
        .collect()
}

fn similar_requirements(
    existing: &[Requirement],
    name: &str,
    legal_basis: &str,
    related: &RelatedWords,
) -> Vec<SimilarRequirement> {
    let candidates: Vec<FieldText> = existing
        .iter()
        .map(|requirement| FieldText {
            code: &requirement.code,
            name: &requirement.name,
            description: &requirement.legal_basis,
        })
        .collect();
    let new = FieldText { code: "", name, description: legal_basis };
    similarity::propose(&new, &candidates, SIMILAR_PER_FIELD, related)
        .into_iter()
        .filter_map(|(field, similarity)| {
            existing
                .iter()
                .find(|requirement| requirement.code == field.code)
                .map(|requirement| SimilarRequirement { requirement: requirement.clone(), similarity })
        })
        .collect()
}

/// The competencies the catalogue classifies its data elements by, sorted:
/// other modules (an ATT offer's competency) take their values from here.
pub async fn competencies(connection: &impl ConnectionTrait) -> Result<Vec<String>, ServiceError> {
    use sea_orm::QuerySelect;
    let mut codes: Vec<String> = data_element::Entity::find()
        .select_only()
        .column(data_element::Column::Competency)
        .distinct()
        .into_tuple::<String>()
        .all(connection)
        .await?;
    codes.sort();
    Ok(codes)
}
