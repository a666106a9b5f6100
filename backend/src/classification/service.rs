//! The classification service: the catalogue as each version holds it, and
//! the protocol that changes it — a national entity proposes, Función
//! Pública approves a set of proposals as a new version effective on a date
//! (or rejects one with a note). The rules are in `rules`; spending is in
//! `spending`.

use std::collections::{BTreeMap, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, SqlErr, TransactionTrait,
};
use uuid::Uuid;

use super::{
    entity::{crosswalk, item, proposal, version},
    model::{CatalogueLevel, CrosswalkRow, Item, Part, Proposal, ProposalStatus, ProposedChange, Version},
    rules::{self, Snapshot},
};
use crate::{
    assistance::AssistanceService,
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, Role},
    error::ServiceError,
    knowledge::KnowledgeService,
    monitoring::MonitoringService,
    pagination::{Page, PageRequest},
    reporting::ReportingService,
    territory::{TerritorialKind, TerritoryService},
};

#[derive(Clone)]
pub struct ClassificationService {
    pub(super) db: DatabaseConnection,
    pub(super) reporting: ReportingService,
    pub(super) territory: TerritoryService,
    pub(super) monitoring: MonitoringService,
    pub(super) assistance: AssistanceService,
    pub(super) knowledge: KnowledgeService,
}

/// Everything the catalogue has ever held (hundreds of rows: read whole).
#[derive(Debug, Clone, Default)]
pub struct Register {
    pub versions: Vec<Version>,
    pub rows: Vec<item::Model>,
    /// (version, from, to, basis points)
    pub crosswalk: Vec<(i32, String, String, i32)>,
}

impl Register {
    /// The version in force today: the newest whose date has come.
    pub fn current(&self, today: NaiveDate) -> Option<i32> {
        self.versions.iter().filter(|v| v.effective_on <= today).map(|v| v.number).max()
    }

    /// The newest version, in force or still to come.
    pub fn latest(&self) -> Option<i32> {
        self.versions.iter().map(|v| v.number).max()
    }

    pub fn version(&self, number: i32) -> Option<&Version> {
        self.versions.iter().find(|v| v.number == number)
    }

    /// The items of one version, by code.
    pub fn snapshot(&self, number: i32) -> Result<Snapshot, ServiceError> {
        self.rows
            .iter()
            .filter(|row| row.since_version <= number && row.until_version.is_none_or(|until| until > number))
            .map(|row| Ok((row.code.clone(), item_from(row)?)))
            .collect()
    }

    /// Every code any version has had.
    pub fn ever_used(&self) -> HashSet<String> {
        self.rows.iter().map(|row| row.code.clone()).collect()
    }

    /// The last wording of every code that was ever a programmatic unit.
    pub fn all_units(&self) -> BTreeMap<String, Item> {
        let mut units = BTreeMap::new();
        for row in &self.rows {
            if row.level == CatalogueLevel::Unit.as_db() {
                if let Ok(item) = item_from(row) {
                    units.insert(row.code.clone(), item);
                }
            }
        }
        units
    }

    /// The crosswalk rows that start from `code`.
    pub fn successors_of(&self, code: &str) -> impl Iterator<Item = &(i32, String, String, i32)> {
        let code = code.to_owned();
        self.crosswalk.iter().filter(move |row| row.1 == code)
    }
}

/// The competency and unit codes of one version of the catalogue.
#[derive(Debug, Clone)]
pub struct CodesInForce {
    pub version: i32,
    pub codes: HashSet<String>,
}

/// A version number as asked for: the current one when absent.
pub fn version_or_current(register: &Register, wanted: Option<i32>) -> Result<i32, ServiceError> {
    match wanted {
        Some(number) if register.version(number).is_some() => Ok(number),
        Some(number) => Err(ServiceError::NotFound(format!("no existe la versión {number} del catálogo"))),
        None => register
            .current(crate::bogota_time::today())
            .ok_or_else(|| ServiceError::NotFound("el catálogo aún no tiene una versión vigente".to_owned())),
    }
}

impl ClassificationService {
    pub fn new(
        db: DatabaseConnection,
        reporting: ReportingService,
        territory: TerritoryService,
        monitoring: MonitoringService,
        assistance: AssistanceService,
        knowledge: KnowledgeService,
    ) -> Self {
        Self { db, reporting, territory, monitoring, assistance, knowledge }
    }

    /// The whole register of the catalogue.
    #[tracing::instrument(name = "classification.register", skip_all)]
    pub async fn register(&self) -> Result<Register, ServiceError> {
        read_register(&self.db).await
    }

    /// The items of a version (the current one when absent), by code.
    #[tracing::instrument(name = "classification.catalogue", skip_all)]
    pub async fn catalogue(&self, wanted: Option<i32>) -> Result<(Version, Snapshot), ServiceError> {
        let register = self.register().await?;
        let number = version_or_current(&register, wanted)?;
        let snapshot = register.snapshot(number)?;
        let version = register.version(number).cloned().ok_or_else(|| missing_version(number))?;
        Ok((version, snapshot))
    }

    /// The competency and unit codes of the version in force, for other
    /// contexts that name competencies (talent); `None` while no version is
    /// in force, when they can only check the form of a code.
    #[tracing::instrument(name = "classification.codes_in_force", skip_all)]
    pub async fn codes_in_force(&self) -> Result<Option<CodesInForce>, ServiceError> {
        let register = self.register().await?;
        let Some(version) = register.current(crate::bogota_time::today()) else {
            return Ok(None);
        };
        let codes = register
            .snapshot(version)?
            .into_values()
            .filter(|item| item.level != CatalogueLevel::Service)
            .map(|item| item.code)
            .collect();
        Ok(Some(CodesInForce { version, codes }))
    }

    /// What changed between two versions.
    #[tracing::instrument(name = "classification.diff", skip_all)]
    pub async fn diff(&self, from: i32, to: i32) -> Result<Vec<rules::Difference>, ServiceError> {
        let register = self.register().await?;
        for number in [from, to] {
            register.version(number).ok_or_else(|| missing_version(number))?;
        }
        Ok(rules::diff(&register.snapshot(from)?, &register.snapshot(to)?))
    }

    /// The crosswalk rows, all or those a version added.
    #[tracing::instrument(name = "classification.crosswalk", skip_all)]
    pub async fn crosswalk(&self, version: Option<i32>) -> Result<Vec<CrosswalkRow>, ServiceError> {
        let mut query = crosswalk::Entity::find();
        if let Some(number) = version {
            query = query.filter(crosswalk::Column::Version.eq(number));
        }
        let rows = query
            .order_by_asc(crosswalk::Column::Version)
            .order_by_asc(crosswalk::Column::FromCode)
            .order_by_asc(crosswalk::Column::ToCode)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| CrosswalkRow {
                version: row.version,
                from_code: row.from_code,
                to_code: row.to_code,
                basis_points: row.share_basis_points,
            })
            .collect())
    }

    /// Proposals, newest first, optionally of one status.
    #[tracing::instrument(name = "classification.proposals", skip_all)]
    pub async fn proposals(
        &self,
        status: Option<ProposalStatus>,
        page: &PageRequest,
    ) -> Result<Page<Proposal>, ServiceError> {
        let mut query = proposal::Entity::find();
        if let Some(status) = status {
            query = query.filter(proposal::Column::Status.eq(status.as_db()));
        }
        let rows = query.all(&self.db).await?;
        let mut all: Vec<(String, Proposal)> = rows
            .into_iter()
            .map(|row| {
                let proposal = Proposal::try_from(row)?;
                Ok((crate::pagination::newest_first_key(proposal.created_at, proposal.id), proposal))
            })
            .collect::<Result<_, ServiceError>>()?;
        all.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Page::from_sorted(all, page, |(key, _)| key.as_str()).map(|(_, proposal)| proposal))
    }

    /// The proposals of one version, in the order they were applied.
    pub async fn proposals_of(&self, version: i32) -> Result<Vec<Proposal>, ServiceError> {
        let rows = proposal::Entity::find()
            .filter(proposal::Column::Version.eq(version))
            .order_by_asc(proposal::Column::CreatedAt)
            .all(&self.db)
            .await?;
        rows.into_iter().map(Proposal::try_from).collect()
    }

    /// A national entity proposes a change, with its reason. It is checked
    /// against the newest version now, and again when approved.
    #[tracing::instrument(name = "classification.propose", skip_all)]
    pub async fn propose(
        &self,
        actor: &Actor,
        change: ProposedChange,
        reason: &str,
    ) -> Result<Proposal, ServiceError> {
        let user = access_rules::require_role(
            actor,
            &[Role::National, Role::Secretariat],
            "proponer cambios al catálogo de clasificación del gasto",
        )?;
        let proposer = user
            .organisation_code
            .clone()
            .ok_or(ServiceError::Forbidden("proponer cambios al catálogo de clasificación del gasto"))?;
        let reason = crate::text::required(reason, "reason", 2_000)?;
        let register = self.register().await?;
        let current = match register.latest() {
            Some(number) => register.snapshot(number)?,
            None => Snapshot::new(),
        };
        rules::apply(&current, &register.ever_used(), std::slice::from_ref(&change))
            .map_err(|(_, reason)| ServiceError::invalid(reason))?;
        let now = Utc::now();
        let proposal = Proposal {
            id: Uuid::new_v4(),
            change,
            reason,
            proposer_code: proposer,
            status: ProposalStatus::Pending,
            decision_note: None,
            decided_by: None,
            decided_at: None,
            version: None,
            created_at: now,
        };
        let transaction = self.db.begin().await?;
        proposal::ActiveModel {
            id: Set(proposal.id),
            kind: Set(proposal.change.kind().as_db().to_owned()),
            reason: Set(proposal.reason.clone()),
            change: Set(
                serde_json::to_string(&proposal.change).map_err(|e| ServiceError::Internal(e.into()))?
            ),
            proposer_code: Set(proposal.proposer_code.clone()),
            proposer_id: Set(Some(user.id)),
            status: Set(ProposalStatus::Pending.as_db().to_owned()),
            decision_note: Set(None),
            decided_by: Set(None),
            decided_at: Set(None),
            version: Set(None),
            created_at: Set(now),
        }
        .insert(&transaction)
        .await?;
        audit::record(
            &transaction,
            actor,
            Change::new("propose_catalogue_change", "catalogue_proposal", &proposal.id.to_string())
                .after(&proposal),
        )
        .await?;
        transaction.commit().await?;
        Ok(proposal)
    }

    /// Función Pública approves a set of pending proposals: together they
    /// make the next version, effective on `effective_on`. All or nothing.
    #[tracing::instrument(name = "classification.approve", skip_all, fields(count = ids.len()))]
    pub async fn approve(
        &self,
        actor: &Actor,
        ids: &[Uuid],
        effective_on: NaiveDate,
        note: &str,
    ) -> Result<(Version, Vec<Proposal>), ServiceError> {
        let user = require_funcion_publica(actor, "aprobar cambios al catálogo de clasificación del gasto")?;
        let note = crate::text::required(note, "note", 2_000)?;
        if ids.is_empty() || ids.len() > 200 {
            return Err(ServiceError::invalid("apruebe de 1 a 200 propuestas a la vez"));
        }
        let distinct: HashSet<&Uuid> = ids.iter().collect();
        if distinct.len() != ids.len() {
            return Err(ServiceError::invalid("una propuesta aparece dos veces en la aprobación"));
        }
        let mut proposals = Vec::with_capacity(ids.len());
        for id in ids {
            let row = proposal::Entity::find_by_id(*id)
                .one(&self.db)
                .await?
                .ok_or_else(|| ServiceError::NotFound(format!("no existe la propuesta {id}")))?;
            proposals.push(Proposal::try_from(row)?);
        }
        for proposal in &proposals {
            if proposal.status != ProposalStatus::Pending {
                return Err(already_decided(proposal));
            }
        }
        proposals.sort_by_key(|p| (p.created_at, p.id));
        let register = self.register().await?;
        let previous = register.latest();
        if let Some(last) = previous.and_then(|n| register.version(n)) {
            if effective_on < last.effective_on {
                return Err(ServiceError::invalid(format!(
                    "la nueva versión no puede regir antes que la versión {} ({})",
                    last.number, last.effective_on
                )));
            }
        }
        let current = match previous {
            Some(number) => register.snapshot(number)?,
            None => Snapshot::new(),
        };
        let changes: Vec<ProposedChange> = proposals.iter().map(|p| p.change.clone()).collect();
        let applied =
            rules::apply(&current, &register.ever_used(), &changes).map_err(|(index, reason)| {
                ServiceError::invalid(format!(
                    "la propuesta {} ya no se puede aplicar: {reason}",
                    proposals[index].id
                ))
            })?;
        let number = previous.unwrap_or(0) + 1;
        let now = Utc::now();
        let version =
            Version { number, effective_on, note: note.clone(), approved_by: actor.label(), created_at: now };

        let transaction = self.db.begin().await?;
        version::ActiveModel {
            number: Set(number),
            effective_on: Set(effective_on),
            note: Set(note.clone()),
            approved_by: Set(version.approved_by.clone()),
            created_at: Set(now),
        }
        .insert(&transaction)
        .await
        .map_err(|error| match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => ServiceError::Conflict(format!(
                "otra aprobación creó la versión {number} al mismo tiempo: revise las propuestas y vuelva a aprobar"
            )),
            _ => error.into(),
        })?;
        write_version(&transaction, &current, &applied, number).await?;
        let decided = proposal::Entity::update_many()
            .col_expr(proposal::Column::Status, Expr::value(ProposalStatus::Approved.as_db()))
            .col_expr(proposal::Column::DecisionNote, Expr::value(note.clone()))
            .col_expr(proposal::Column::DecidedBy, Expr::value(actor.label()))
            .col_expr(proposal::Column::DecidedAt, Expr::value(now))
            .col_expr(proposal::Column::Version, Expr::value(number))
            .filter(proposal::Column::Id.is_in(ids.iter().copied()))
            .filter(proposal::Column::Status.eq(ProposalStatus::Pending.as_db()))
            .exec(&transaction)
            .await?;
        if decided.rows_affected != ids.len() as u64 {
            return Err(ServiceError::Conflict(
                "otra persona decidió alguna de estas propuestas al mismo tiempo: nada se aprobó".to_owned(),
            ));
        }
        let approved: Vec<Proposal> = proposals
            .into_iter()
            .map(|p| Proposal {
                status: ProposalStatus::Approved,
                decision_note: Some(note.clone()),
                decided_by: Some(actor.label()),
                decided_at: Some(now),
                version: Some(number),
                ..p
            })
            .collect();
        let version_id = number.to_string();
        audit::record(
            &transaction,
            actor,
            Change::new("approve_catalogue_changes", "catalogue_version", &version_id)
                .after(&serde_json::json!({ "version": &version, "proposals": &approved, "crosswalk": &applied.crosswalk, "retired": &applied.retired })),
        )
        .await?;
        transaction.commit().await?;
        tracing::info!(version = number, by = %user.email, "nueva versión del catálogo de clasificación del gasto");
        let new_units: Vec<Item> = applied
            .items
            .values()
            .filter(|item| item.level == CatalogueLevel::Unit && !current.contains_key(&item.code))
            .cloned()
            .collect();
        self.after_version(&new_units).await;
        Ok((version, approved))
    }

    /// What follows a new version, once it is committed: the spending
    /// requirements of its new units, the end of those of the units it
    /// retired, and the links of free-text units to the current codes. Each
    /// is repeated where needed (a report ensures its requirements; every
    /// start closes the retired ones again), so a failure here is logged, not
    /// returned: the version itself stands.
    pub async fn after_version(&self, new_units: &[Item]) {
        for unit in new_units {
            if let Err(error) = self.ensure_spending_requirement(unit).await {
                tracing::warn!(unit = %unit.code, error = %error, "no se registró el requerimiento de gasto de la unidad");
            }
        }
        if let Err(error) = self.close_retired_requirements().await {
            tracing::warn!(error = %error, "no se cerraron los requerimientos de gasto de las unidades retiradas");
        }
        if let Err(error) = self.link_references().await {
            tracing::warn!(error = %error, "no se enlazaron las referencias a unidades programáticas");
        }
    }

    /// Función Pública rejects a pending proposal, saying why.
    #[tracing::instrument(name = "classification.reject", skip_all)]
    pub async fn reject(&self, actor: &Actor, id: Uuid, note: &str) -> Result<Proposal, ServiceError> {
        require_funcion_publica(actor, "rechazar cambios al catálogo de clasificación del gasto")?;
        let note = crate::text::required(note, "note", 2_000)?;
        let row = proposal::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la propuesta {id}")))?;
        let before = Proposal::try_from(row)?;
        if before.status != ProposalStatus::Pending {
            return Err(already_decided(&before));
        }
        let now = Utc::now();
        let transaction = self.db.begin().await?;
        let decided = proposal::Entity::update_many()
            .col_expr(proposal::Column::Status, Expr::value(ProposalStatus::Rejected.as_db()))
            .col_expr(proposal::Column::DecisionNote, Expr::value(note.clone()))
            .col_expr(proposal::Column::DecidedBy, Expr::value(actor.label()))
            .col_expr(proposal::Column::DecidedAt, Expr::value(now))
            .filter(proposal::Column::Id.eq(id))
            .filter(proposal::Column::Status.eq(ProposalStatus::Pending.as_db()))
            .exec(&transaction)
            .await?;
        if decided.rows_affected != 1 {
            return Err(already_decided(&before));
        }
        let after = Proposal {
            status: ProposalStatus::Rejected,
            decision_note: Some(note),
            decided_by: Some(actor.label()),
            decided_at: Some(now),
            ..before.clone()
        };
        audit::record(
            &transaction,
            actor,
            Change::new("reject_catalogue_change", "catalogue_proposal", &id.to_string())
                .before(&before)
                .after(&after),
        )
        .await?;
        transaction.commit().await?;
        Ok(after)
    }

    /// Loads a first catalogue as version 1, when the catalogue is empty
    /// (the demo, or an installation's initial load). False when a version exists.
    #[tracing::instrument(name = "classification.load_initial", skip_all, fields(count = items.len()))]
    pub async fn load_initial(
        &self,
        actor: &Actor,
        items: Vec<Item>,
        effective_on: NaiveDate,
        note: &str,
    ) -> Result<bool, ServiceError> {
        let register = self.register().await?;
        if register.latest().is_some() {
            return Ok(false);
        }
        let changes: Vec<ProposedChange> =
            items.into_iter().map(|item| ProposedChange::Add { item }).collect();
        let applied = rules::apply(&Snapshot::new(), &HashSet::new(), &changes)
            .map_err(|(index, reason)| ServiceError::invalid(format!("elemento {}: {reason}", index + 1)))?;
        let transaction = self.db.begin().await?;
        version::ActiveModel {
            number: Set(1),
            effective_on: Set(effective_on),
            note: Set(note.to_owned()),
            approved_by: Set(actor.label()),
            created_at: Set(Utc::now()),
        }
        .insert(&transaction)
        .await?;
        write_version(&transaction, &Snapshot::new(), &applied, 1).await?;
        audit::record(
            &transaction,
            actor,
            Change::new("load_catalogue", "catalogue_version", "1")
                .after(&serde_json::json!({ "items": applied.items.len(), "note": note })),
        )
        .await?;
        transaction.commit().await?;
        Ok(true)
    }
}

/// Closes the rows of every code that left or changed, and opens rows for
/// every code that arrived or changed, from version `number`.
async fn write_version(
    connection: &impl ConnectionTrait,
    before: &Snapshot,
    applied: &rules::Applied,
    number: i32,
) -> Result<(), ServiceError> {
    let closing: Vec<String> = before
        .iter()
        .filter(|(code, item)| applied.items.get(*code) != Some(*item))
        .map(|(code, _)| code.clone())
        .collect();
    if !closing.is_empty() {
        item::Entity::update_many()
            .col_expr(item::Column::UntilVersion, Expr::value(number))
            .filter(item::Column::Code.is_in(closing))
            .filter(item::Column::UntilVersion.is_null())
            .exec(connection)
            .await?;
    }
    let opening: Vec<item::ActiveModel> = applied
        .items
        .iter()
        .filter(|(code, item)| before.get(*code) != Some(*item))
        .map(|(_, item)| item::ActiveModel {
            code: Set(item.code.clone()),
            since_version: Set(number),
            until_version: Set(None),
            level: Set(item.level.as_db().to_owned()),
            parent_code: Set(item.parent_code.clone()),
            name: Set(item.name.clone()),
            description: Set(item.description.clone()),
            entity_kinds: Set(item.entity_kinds.iter().map(|k| k.as_db()).collect::<Vec<_>>().join(",")),
            legal_basis: Set(item.legal_basis.clone()),
        })
        .collect();
    // The search box shows the units: each one that arrived, left or changed
    // (or whose services did) is indexed again once this commits.
    let touched: std::collections::BTreeSet<&str> = before
        .values()
        .chain(applied.items.values())
        .filter(|item| before.get(&item.code) != applied.items.get(&item.code))
        .filter_map(|item| match item.level {
            CatalogueLevel::Unit => Some(item.code.as_str()),
            CatalogueLevel::Service => item.parent_code.as_deref(),
            CatalogueLevel::Competency => None,
        })
        .collect();
    for code in touched {
        crate::outbox::record(connection, search_index::Kind::Unit, code).await?;
    }
    // Well under SQLite's bound on parameters per statement.
    for chunk in opening.chunks(100) {
        item::Entity::insert_many(chunk.to_vec()).exec_without_returning(connection).await?;
    }
    let rows: Vec<crosswalk::ActiveModel> = applied
        .crosswalk
        .iter()
        .map(|(from, to, points)| crosswalk::ActiveModel {
            version: Set(number),
            from_code: Set(from.clone()),
            to_code: Set(to.clone()),
            share_basis_points: Set(*points),
        })
        .collect();
    if !rows.is_empty() {
        crosswalk::Entity::insert_many(rows).exec_without_returning(connection).await?;
    }
    Ok(())
}

pub(super) async fn read_register(db: &impl ConnectionTrait) -> Result<Register, ServiceError> {
    let versions = version::Entity::find()
        .order_by_asc(version::Column::Number)
        .all(db)
        .await?
        .into_iter()
        .map(|row| Version {
            number: row.number,
            effective_on: row.effective_on,
            note: row.note,
            approved_by: row.approved_by,
            created_at: row.created_at,
        })
        .collect();
    let rows = item::Entity::find()
        .order_by_asc(item::Column::Code)
        .order_by_asc(item::Column::SinceVersion)
        .all(db)
        .await?;
    let crosswalk = crosswalk::Entity::find()
        .order_by_asc(crosswalk::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.version, row.from_code, row.to_code, row.share_basis_points))
        .collect();
    Ok(Register { versions, rows, crosswalk })
}

pub(super) fn require_funcion_publica<'a>(
    actor: &'a Actor,
    action: &'static str,
) -> Result<&'a crate::authorisation::AuthUser, ServiceError> {
    let user = access_rules::require_user(actor, action)?;
    if access_rules::administers_classification(user) {
        Ok(user)
    } else {
        Err(ServiceError::Forbidden(action))
    }
}

fn already_decided(proposal: &Proposal) -> ServiceError {
    let state = match proposal.status {
        ProposalStatus::Approved => "aprobada",
        ProposalStatus::Rejected => "rechazada",
        ProposalStatus::Pending => "en revisión",
    };
    ServiceError::Conflict(format!("la propuesta {} ya fue {state}: no se decide dos veces", proposal.id))
}

fn missing_version(number: i32) -> ServiceError {
    ServiceError::NotFound(format!("no existe la versión {number} del catálogo"))
}

fn item_from(row: &item::Model) -> Result<Item, ServiceError> {
    let corrupt =
        |what: &str| ServiceError::Internal(anyhow::anyhow!("elemento {} con {what} ilegible", row.code));
    Ok(Item {
        code: row.code.clone(),
        level: CatalogueLevel::from_db(&row.level).ok_or_else(|| corrupt("nivel"))?,
        parent_code: row.parent_code.clone(),
        name: row.name.clone(),
        description: row.description.clone(),
        entity_kinds: row
            .entity_kinds
            .split(',')
            .filter(|k| !k.is_empty())
            .map(|k| TerritorialKind::from_db(k).ok_or_else(|| corrupt("tipo de entidad")))
            .collect::<Result<_, _>>()?,
        legal_basis: row.legal_basis.clone(),
    })
}

impl TryFrom<proposal::Model> for Proposal {
    type Error = ServiceError;

    fn try_from(row: proposal::Model) -> Result<Self, ServiceError> {
        let change: ProposedChange = serde_json::from_str(&row.change)
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("propuesta {} ilegible: {e}", row.id)))?;
        Ok(Proposal {
            id: row.id,
            change,
            reason: row.reason,
            proposer_code: row.proposer_code,
            status: ProposalStatus::from_db(&row.status)
                .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("propuesta {} sin estado", row.id)))?,
            decision_note: row.decision_note,
            decided_by: row.decided_by,
            decided_at: row.decided_at,
            version: row.version,
            created_at: row.created_at,
        })
    }
}

/// A part as received: a percentage becomes basis points.
pub fn part(
    code: &str,
    name: Option<String>,
    description: Option<String>,
    percent: f64,
) -> Result<Part, ServiceError> {
    Ok(Part {
        code: rules::parse_code(code).map_err(ServiceError::Invalid)?,
        name: name.map(|n| crate::text::required(&n, "name", 200)).transpose()?,
        description: description.map(|d| crate::text::required(&d, "description", 2_000)).transpose()?,
        basis_points: rules::basis_points(percent).map_err(ServiceError::Invalid)?,
    })
}
