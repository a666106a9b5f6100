//! Legacy budget-execution files into the classification: the mapping from
//! legacy accounts to programmatic units (kept by Función Pública, read by
//! anyone) and the import that classifies a file through it and sends the
//! result by the report-once path (`report_spending`). The rules are in
//! `accounts`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::OnConflict, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

use super::{
    accounts::{self, ImportPlan, LegacyRow},
    entity::account_map,
    model::CatalogueLevel,
    rules,
    service::{require_funcion_publica, version_or_current, ClassificationService},
    spending::{SpendingLine, SpendingOutcome, SpendingReport},
};
use crate::{
    audit::{self, Change},
    authorisation::Actor,
    error::ServiceError,
    pagination::{Page, PageRequest},
};

/// At most this many mappings are set at once.
pub const MAX_MAPPINGS: usize = 500;

/// A legacy account and the unit its spending belongs to.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AccountMapping {
    pub account_code: String,
    pub unit_code: String,
    pub note: String,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

impl From<account_map::Model> for AccountMapping {
    fn from(row: account_map::Model) -> Self {
        Self {
            account_code: row.account_code,
            unit_code: row.unit_code,
            note: row.note,
            set_by: row.set_by,
            set_at: row.set_at,
        }
    }
}

/// One mapping as asked for.
#[derive(Debug, Clone)]
pub struct NewAccountMapping {
    pub account_code: String,
    pub unit_code: String,
    pub note: Option<String>,
}

/// A legacy file to import.
#[derive(Debug, Clone)]
pub struct LegacyImport {
    pub entity_code: String,
    pub vigencia: i32,
    pub idempotency_key: String,
    pub file: String,
    /// Classify and report what would happen, writing nothing.
    pub dry_run: bool,
}

/// What an import did (or would do, on a dry run).
#[derive(Debug, Clone, Default)]
pub struct LegacyOutcome {
    pub dry_run: bool,
    pub plan: ImportPlan,
    pub rows: usize,
    /// What the report-once path did; `None` on a dry run or with nothing classified.
    pub reported: Option<SpendingOutcome>,
}

impl LegacyOutcome {
    pub fn unmapped(&self) -> &[LegacyRow] {
        &self.plan.unmapped
    }
}

impl ClassificationService {
    /// The mapping, in account order, a page at a time.
    #[tracing::instrument(name = "classification.account_mapping", skip_all)]
    pub async fn account_mapping(&self, page: &PageRequest) -> Result<Page<AccountMapping>, ServiceError> {
        let mut query = account_map::Entity::find().order_by_asc(account_map::Column::AccountCode);
        if let Some(after) = &page.after {
            query = query.filter(account_map::Column::AccountCode.gt(after.as_str()));
        }
        let total = account_map::Entity::find().count(&self.db).await?;
        let rows = query.limit(page.fetch_limit()).all(&self.db).await?;
        Ok(Page::from_rows(rows.into_iter().map(AccountMapping::from).collect(), page, total))
    }

    /// Función Pública sets (or changes) where legacy accounts go. Every
    /// account and unit is checked before anything is written; a unit must
    /// be a programmatic unit of the version in force.
    #[tracing::instrument(name = "classification.set_account_mapping", skip_all, fields(rows = rows.len()))]
    pub async fn set_account_mapping(
        &self,
        actor: &Actor,
        rows: Vec<NewAccountMapping>,
    ) -> Result<Vec<AccountMapping>, ServiceError> {
        let user = require_funcion_publica(actor, "mantener la correspondencia de cuentas con unidades")?;
        if rows.is_empty() || rows.len() > MAX_MAPPINGS {
            return Err(ServiceError::invalid(format!(
                "se fijan de 1 a {MAX_MAPPINGS} correspondencias a la vez; recibió {}",
                rows.len()
            )));
        }
        let register = self.register().await?;
        let snapshot = register.snapshot(version_or_current(&register, None)?)?;
        let now = Utc::now();
        let mut checked: BTreeMap<String, AccountMapping> = BTreeMap::new();
        for (index, row) in rows.into_iter().enumerate() {
            let at =
                |reason: String| ServiceError::invalid(format!("correspondencia {}: {reason}", index + 1));
            let account = accounts::parse_account(&row.account_code).map_err(at)?;
            let unit = rules::parse_code(&row.unit_code).map_err(at)?;
            match snapshot.get(&unit) {
                Some(item) if item.level == CatalogueLevel::Unit => {}
                Some(item) => {
                    return Err(at(format!(
                        "«{unit}» es una {}: una cuenta corresponde a una unidad programática",
                        item.level.spanish()
                    )))
                }
                None => return Err(at(format!("«{unit}» no es una unidad del catálogo vigente"))),
            }
            let note = row.note.as_deref().map(str::trim).unwrap_or_default().to_owned();
            if note.chars().count() > 300 {
                return Err(at("«note» admite como máximo 300 caracteres".into()));
            }
            let mapping = AccountMapping {
                account_code: account.clone(),
                unit_code: unit,
                note,
                set_by: user.email.clone(),
                set_at: now,
            };
            if checked.insert(account.clone(), mapping).is_some() {
                return Err(at(format!("la cuenta {account} aparece dos veces")));
            }
        }
        let transaction = self.db.begin().await?;
        let models: Vec<account_map::ActiveModel> = checked
            .values()
            .map(|m| account_map::ActiveModel {
                account_code: Set(m.account_code.clone()),
                unit_code: Set(m.unit_code.clone()),
                note: Set(m.note.clone()),
                set_by: Set(m.set_by.clone()),
                set_at: Set(m.set_at),
            })
            .collect();
        for chunk in models.chunks(100) {
            account_map::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::column(account_map::Column::AccountCode)
                        .update_columns([
                            account_map::Column::UnitCode,
                            account_map::Column::Note,
                            account_map::Column::SetBy,
                            account_map::Column::SetAt,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(&transaction)
                .await?;
        }
        let written: Vec<AccountMapping> = checked.into_values().collect();
        audit::record(
            &transaction,
            actor,
            Change::new("set_account_mapping", "account_mapping", &written.len().to_string()).after(&written),
        )
        .await?;
        transaction.commit().await?;
        Ok(written)
    }

    /// A territorial team imports its legacy execution file of a vigencia:
    /// the file is read whole (a bad row refuses it, by line), its rows are
    /// classified through the mapping, and the spending per unit travels by
    /// `report_spending`. Rows no mapping reaches are listed by line and
    /// written nowhere: they stay outside the classified share.
    #[tracing::instrument(name = "classification.import_legacy", skip_all, fields(dry_run = import.dry_run))]
    pub async fn import_legacy_spending(
        &self,
        actor: &Actor,
        import: LegacyImport,
    ) -> Result<LegacyOutcome, ServiceError> {
        self.require_reporter(actor, &import.entity_code)?;
        // Checked here too: a dry run must not approve a file it would then refuse.
        rules::check_vigencia(import.vigencia).map_err(ServiceError::invalid)?;
        if import.file.len() > 5 * 1024 * 1024 {
            return Err(ServiceError::invalid("el archivo supera 5 MB: divídalo"));
        }
        let rows = accounts::parse_file(&import.file).map_err(ServiceError::invalid)?;
        let mapping: BTreeMap<String, String> = account_map::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| (row.account_code, row.unit_code))
            .collect();
        let plan = accounts::plan(&rows, &mapping);
        self.check_mapped_units(&plan).await?;
        let mut outcome = LegacyOutcome { dry_run: import.dry_run, rows: rows.len(), plan, reported: None };
        if import.dry_run || outcome.plan.by_unit.is_empty() {
            return Ok(outcome);
        }
        let report = SpendingReport {
            entity_code: import.entity_code,
            vigencia: import.vigencia,
            idempotency_key: import.idempotency_key,
            lines: outcome
                .plan
                .by_unit
                .iter()
                .map(|(unit, amounts)| SpendingLine { unit_code: unit.clone(), amounts: *amounts })
                .collect(),
        };
        outcome.reported = Some(self.report_spending(actor, report).await?);
        Ok(outcome)
    }

    /// A mapping made under an older version may name a unit retired since:
    /// it is reported through the crosswalk, unless it has no successor —
    /// then the file is refused, naming its lines, until the mapping is fixed.
    async fn check_mapped_units(&self, plan: &ImportPlan) -> Result<(), ServiceError> {
        let register = self.register().await?;
        let snapshot = register.snapshot(version_or_current(&register, None)?)?;
        for unit in plan.by_unit.keys() {
            if snapshot.contains_key(unit) || register.successors_of(unit).next().is_some() {
                continue;
            }
            let lines: Vec<String> = plan
                .classified
                .iter()
                .filter(|(_, _, u)| u == unit)
                .map(|(line, account, _)| format!("{line} ({account})"))
                .collect();
            return Err(ServiceError::invalid(format!(
                "líneas {}: sus cuentas corresponden a la unidad «{unit}», retirada del catálogo sin cruce a un sucesor; Función Pública debe corregir la correspondencia",
                lines.join(", ")
            )));
        }
        Ok(())
    }
}
