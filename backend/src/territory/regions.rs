//! The RAP regions (Regiones Administrativas y de Planificación, Ley 1454 de
//! 2011 art. 30): associations of departments that monitoring uses as a group
//! of peers. Data an administrator maintains; migration 17 seeds the list with
//! its source and date.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;

use super::{
    model::{DivipolaCode, TerritorialKind},
    service::TerritoryService,
};
use crate::{
    audit::{self, Change},
    authorisation::{rules, Actor},
    bogota_time,
    error::ServiceError,
    text,
};

sea_table!(rap_region, "rap_region", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    pub source: String,
    pub source_date: Date,
    pub updated_at: DateTimeUtc,
});

sea_table!(rap_region_department, "rap_region_department", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub department_code: String,
});

/// A RAP region and its member departments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RapRegion {
    pub code: String,
    pub name: String,
    /// DIVIPOLA codes of its departments, in code order.
    pub department_codes: Vec<String>,
    /// Where the membership comes from (an act, a public list).
    pub source: String,
    /// The date of that source.
    pub source_date: NaiveDate,
    pub updated_at: DateTime<Utc>,
}

/// A region to create or replace, as received.
#[derive(Debug, Clone)]
pub struct NewRapRegion {
    pub code: String,
    pub name: String,
    pub department_codes: Vec<String>,
    pub source: String,
    pub source_date: NaiveDate,
}

/// A region code: capital letters, digits and `_`, 3 to 32 characters.
pub fn parse_region_code(raw: &str) -> Result<String, ServiceError> {
    let code = raw.trim().to_uppercase();
    let valid = (3..=32).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if valid {
        Ok(code)
    } else {
        Err(ServiceError::invalid(format!(
            "código de región «{}» no válido: de 3 a 32 letras, dígitos o «_», p. ej. RAP_PACIFICO",
            raw.trim()
        )))
    }
}

impl TerritoryService {
    /// Every RAP region with its departments, by code.
    #[tracing::instrument(name = "territory.rap_regions", skip_all)]
    pub async fn rap_regions(&self) -> Result<Vec<RapRegion>, ServiceError> {
        regions_in(&self.db, None).await
    }

    /// The RAP regions each department belongs to (a department may be in two).
    pub async fn regions_by_department(&self) -> Result<BTreeMap<String, Vec<String>>, ServiceError> {
        let mut by_department: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in rap_region_department::Entity::find()
            .order_by_asc(rap_region_department::Column::RegionCode)
            .all(&self.db)
            .await?
        {
            by_department.entry(row.department_code).or_default().push(row.region_code);
        }
        Ok(by_department)
    }

    /// Creates a region or replaces one (its name, departments and source);
    /// administrators only. Every department must be one of the register's.
    #[tracing::instrument(name = "territory.set_rap_region", skip_all)]
    pub async fn set_rap_region(&self, actor: &Actor, new: NewRapRegion) -> Result<RapRegion, ServiceError> {
        rules::require_admin(actor, "mantener las regiones RAP")?;
        let code = parse_region_code(&new.code)?;
        let name = text::required(&new.name, "nombre de la región", 200)?;
        let source = text::required(&new.source, "fuente", 2_000)?;
        if new.source_date > bogota_time::today() {
            return Err(ServiceError::invalid(format!(
                "la fecha de la fuente ({}) aún no ha llegado en Colombia",
                new.source_date
            )));
        }
        let mut departments = Vec::new();
        for raw in &new.department_codes {
            let department = DivipolaCode::parse_department(raw)?;
            let known = self.find(&department).await?.is_some_and(|e| e.kind == TerritorialKind::Department);
            if !known {
                return Err(ServiceError::invalid(format!(
                    "no existe el departamento {} en el registro DIVIPOLA",
                    department.as_str()
                )));
            }
            departments.push(department.as_str().to_owned());
        }
        departments.sort();
        departments.dedup();
        if departments.is_empty() {
            return Err(ServiceError::invalid("una región RAP agrupa al menos un departamento"));
        }
        let transaction = self.db.begin().await?;
        let before = regions_in(&transaction, Some(&code)).await?.pop();
        rap_region_department::Entity::delete_many()
            .filter(rap_region_department::Column::RegionCode.eq(code.as_str()))
            .exec(&transaction)
            .await?;
        let row = rap_region::ActiveModel {
            code: Set(code.clone()),
            name: Set(name),
            source: Set(source),
            source_date: Set(new.source_date),
            updated_at: Set(Utc::now()),
        };
        match before {
            Some(_) => rap_region::Entity::update(row).exec(&transaction).await.map(drop)?,
            None => rap_region::Entity::insert(row).exec_without_returning(&transaction).await.map(drop)?,
        }
        rap_region_department::Entity::insert_many(departments.iter().map(|department| {
            rap_region_department::ActiveModel {
                region_code: Set(code.clone()),
                department_code: Set(department.clone()),
            }
        }))
        .exec_without_returning(&transaction)
        .await?;
        let after = regions_in(&transaction, Some(&code))
            .await?
            .pop()
            .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("la región {code} no quedó guardada")))?;
        let change = Change::new("set_rap_region", "rap_region", &code).after(&after);
        let change = match &before {
            Some(before) => change.before(before),
            None => change,
        };
        audit::record(&transaction, actor, change).await?;
        transaction.commit().await?;
        Ok(after)
    }

    /// Removes a region (its departments stay in the register); administrators only.
    #[tracing::instrument(name = "territory.remove_rap_region", skip_all)]
    pub async fn remove_rap_region(&self, actor: &Actor, code: &str) -> Result<RapRegion, ServiceError> {
        rules::require_admin(actor, "mantener las regiones RAP")?;
        let code = parse_region_code(code)?;
        let transaction = self.db.begin().await?;
        let before = regions_in(&transaction, Some(&code))
            .await?
            .pop()
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la región RAP «{code}»")))?;
        rap_region_department::Entity::delete_many()
            .filter(rap_region_department::Column::RegionCode.eq(code.as_str()))
            .exec(&transaction)
            .await?;
        rap_region::Entity::delete_by_id(code.as_str()).exec(&transaction).await?;
        audit::record(
            &transaction,
            actor,
            Change::new("remove_rap_region", "rap_region", &code).before(&before),
        )
        .await?;
        transaction.commit().await?;
        Ok(before)
    }
}

/// The regions (all, or the one coded `only`) with their departments.
async fn regions_in(db: &impl ConnectionTrait, only: Option<&str>) -> Result<Vec<RapRegion>, ServiceError> {
    let mut regions = rap_region::Entity::find().order_by_asc(rap_region::Column::Code);
    let mut members =
        rap_region_department::Entity::find().order_by_asc(rap_region_department::Column::DepartmentCode);
    if let Some(code) = only {
        regions = regions.filter(rap_region::Column::Code.eq(code));
        members = members.filter(rap_region_department::Column::RegionCode.eq(code));
    }
    let mut departments: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in members.all(db).await? {
        departments.entry(row.region_code).or_default().push(row.department_code);
    }
    Ok(regions
        .all(db)
        .await?
        .into_iter()
        .map(|row| RapRegion {
            department_codes: departments.remove(&row.code).unwrap_or_default(),
            code: row.code,
            name: row.name,
            source: row.source,
            source_date: row.source_date,
            updated_at: row.updated_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::parse_region_code;

    #[test]
    fn region_codes_are_upper_case_words() {
        assert_eq!(parse_region_code(" rap_pacifico ").unwrap(), "RAP_PACIFICO");
        for bad in ["", "RA", "RAP PACÍFICO", "RAP-PACIFICO", &"R".repeat(33)] {
            let error = parse_region_code(bad).unwrap_err().to_string();
            assert!(error.contains("código de región"), "{bad}: {error}");
        }
    }
}
