//! The talent service, institutional side: vacancies (published, closed by
//! their date, listed publicly), temporary transfers and the indicators.
//! The people's side (profiles, matches, applications, export, erasure) is
//! in `people`. Every write checks the rules, then writes and audits in one
//! transaction.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use search_index::Kind;
use uuid::Uuid;

use super::{
    entity::{application, transfer, vacancy},
    model::{Level, NewTransfer, NewVacancy, Transfer, TransferStatus, Vacancy, VacancyStatus},
    rules::{self, Indicators, Score, VacancyFacts},
};
use crate::{
    access::AccessService,
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, AuthUser},
    bogota_time,
    classification::ClassificationService,
    error::ServiceError,
    outbox::{self, Outbox},
    pagination::{newest_first_key, Page, PageRequest},
    territory::{DivipolaCode, TerritoryService},
};

#[derive(Clone)]
pub struct TalentService {
    pub(super) db: DatabaseConnection,
    pub(super) territory: TerritoryService,
    pub(super) access: AccessService,
    pub(super) outbox: Outbox,
    pub(super) classification: ClassificationService,
}

/// A filter of the public vacancy board, already parsed.
#[derive(Debug, Clone, Default)]
pub struct VacancyFilter {
    pub department_code: Option<String>,
    pub entity_code: Option<String>,
    pub level: Option<Level>,
    pub competency: Option<String>,
    /// Only vacancies open today (the default of the board).
    pub open_only: bool,
}

pub(super) const NO_VACANCY: &str = "no existe una vacante con ese id";
const NO_TRANSFER: &str = "no existe un traslado con ese id";

impl TalentService {
    pub fn new(
        db: DatabaseConnection,
        territory: TerritoryService,
        access: AccessService,
        outbox: Outbox,
        classification: ClassificationService,
    ) -> Self {
        Self { db, territory, access, outbox, classification }
    }

    /// Competencies named by the catalogue in force, when there is one.
    pub(super) async fn check_competencies(&self, codes: &[String]) -> Result<(), ServiceError> {
        rules::check_in_catalogue(codes, self.classification.codes_in_force().await?.as_ref())
    }

    /// The vacancies open today, for the search index's rebuild.
    pub async fn open_vacancies(&self) -> Result<Vec<Vacancy>, ServiceError> {
        self.filtered(&VacancyFilter { open_only: true, ..Default::default() }).await
    }

    /// The entity named and its department; an unknown code is bad input.
    pub(super) async fn entity_and_department(&self, code: &str) -> Result<(String, String), ServiceError> {
        let code = DivipolaCode::parse(code)?;
        let entity = self.territory.find(&code).await?.ok_or_else(|| {
            ServiceError::invalid(format!("no existe la entidad territorial {}", code.as_str()))
        })?;
        let department = entity.department_code.clone().unwrap_or_else(|| entity.code.clone());
        Ok((entity.code, department))
    }

    /// Publishes a vacancy of a territorial entity: its own team (a
    /// department's also for its municipalities) or an administrator.
    #[tracing::instrument(name = "talent.publish_vacancy", skip_all)]
    pub async fn publish_vacancy(&self, actor: &Actor, new: NewVacancy) -> Result<Vacancy, ServiceError> {
        const ACTION: &str = "publicar vacantes de esa entidad";
        let user = access_rules::require_user(actor, "publicar vacantes")?;
        let (entity_code, department) = self.entity_and_department(&new.entity_code).await?;
        let entity_department = (entity_code.len() == 5).then_some(department.as_str());
        if !access_rules::may_manage_talent_for(user, &entity_code, entity_department) {
            return Err(ServiceError::Forbidden(ACTION));
        }
        let new = rules::check_vacancy(new, bogota_time::today())?;
        self.check_competencies(&new.competencies).await?;
        let now = Utc::now();
        let row = vacancy::ActiveModel {
            id: Set(Uuid::new_v4()),
            entity_code: Set(entity_code),
            department_code: Set(department),
            post: Set(new.post),
            level: Set(new.level.as_db().to_owned()),
            competencies: Set(new.competencies.join(",")),
            education: Set(new.education),
            experience_months: Set(new.experience_months),
            salary_grade: Set(new.salary_grade),
            salary_amount: Set(new.salary_amount),
            place: Set(new.place),
            appointment: Set(new.appointment.as_db().to_owned()),
            closing_on: Set(new.closing_on),
            how_to_apply: Set(new.how_to_apply),
            status: Set(VacancyStatus::Open.as_db().to_owned()),
            filled_at: Set(None),
            filled_same_region: Set(None),
            filled_returnee: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let transaction = self.db.begin().await?;
        let created = Vacancy::from(row.insert(&transaction).await?);
        audit::record(
            &transaction,
            actor,
            Change::new("publish_vacancy", "talent_vacancy", &created.id.to_string()).after(&created),
        )
        .await?;
        outbox::record(&transaction, Kind::Vacancy, &created.id.to_string()).await?;
        transaction.commit().await?;
        self.outbox.committed();
        Ok(created)
    }

    /// Closes an open vacancy before its date (its entity or an administrator).
    #[tracing::instrument(name = "talent.close_vacancy", skip_all)]
    pub async fn close_vacancy(&self, actor: &Actor, id: Uuid) -> Result<Vacancy, ServiceError> {
        let user = access_rules::require_user(actor, "cerrar vacantes")?;
        let transaction = self.db.begin().await?;
        let row = vacancy::Entity::find_by_id(id)
            .one(&transaction)
            .await?
            .ok_or_else(|| ServiceError::NotFound(NO_VACANCY.into()))?;
        check_manages(user, &row)?;
        let before = Vacancy::from(row.clone());
        if rules::effective_status(before.status, before.closing_on, bogota_time::today())
            != VacancyStatus::Open
        {
            return Err(ServiceError::Conflict("la vacante ya está cerrada o provista".into()));
        }
        let mut changed: vacancy::ActiveModel = row.into();
        changed.status = Set(VacancyStatus::Closed.as_db().to_owned());
        changed.updated_at = Set(Utc::now());
        let after = Vacancy::from(changed.update(&transaction).await?);
        audit::record(
            &transaction,
            actor,
            Change::new("close_vacancy", "talent_vacancy", &id.to_string()).before(&before).after(&after),
        )
        .await?;
        outbox::record(&transaction, Kind::Vacancy, &id.to_string()).await?;
        transaction.commit().await?;
        self.outbox.committed();
        Ok(after)
    }

    /// Writes CLOSED on the open vacancies whose closing date passed (the
    /// board already shows them closed; this keeps the stored state and the
    /// audit in step). Run at start and every hour.
    #[tracing::instrument(name = "talent.close_expired", skip_all)]
    pub async fn close_expired(&self) -> Result<u64, ServiceError> {
        let today = bogota_time::today();
        let transaction = self.db.begin().await?;
        let expired = vacancy::Entity::find()
            .filter(vacancy::Column::Status.eq(VacancyStatus::Open.as_db()))
            .filter(vacancy::Column::ClosingOn.lt(today))
            .all(&transaction)
            .await?;
        if expired.is_empty() {
            return Ok(0);
        }
        let ids: Vec<Uuid> = expired.iter().map(|row| row.id).collect();
        vacancy::Entity::update_many()
            .col_expr(vacancy::Column::Status, sea_orm::sea_query::Expr::value(VacancyStatus::Closed.as_db()))
            .col_expr(vacancy::Column::UpdatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
            .filter(vacancy::Column::Id.is_in(ids.clone()))
            .exec(&transaction)
            .await?;
        let id_texts: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let closed = serde_json::json!({ "status": "CLOSED", "reason": "fecha de cierre vencida" });
        audit::record_all(
            &transaction,
            id_texts.iter().map(|id| {
                let mut change = Change::new("close_expired_vacancy", "talent_vacancy", id);
                change.after = Some(closed.clone());
                (None, audit::SYSTEM_LABEL, change)
            }),
        )
        .await?;
        for id in &id_texts {
            outbox::record(&transaction, Kind::Vacancy, id).await?;
        }
        transaction.commit().await?;
        self.outbox.committed();
        Ok(ids.len() as u64)
    }

    /// Closes expired vacancies now and every hour from now on.
    pub fn spawn_closer(&self) {
        let service = self.clone();
        tokio::spawn(async move {
            let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                every_hour.tick().await;
                match service.close_expired().await {
                    Ok(0) => {}
                    Ok(closed) => tracing::info!(vacantes = closed, "vacantes cerradas por su fecha"),
                    Err(error) => tracing::warn!(%error, "no se pudieron cerrar las vacantes vencidas"),
                }
            }
        });
    }

    /// One vacancy (public), as it stands today.
    #[tracing::instrument(name = "talent.vacancy", skip_all)]
    pub async fn vacancy(&self, id: Uuid) -> Result<Option<Vacancy>, ServiceError> {
        Ok(vacancy::Entity::find_by_id(id).one(&self.db).await?.map(today_view))
    }

    /// Vacancies by id, as they stand today (the DataLoader's batch).
    pub async fn vacancies_by_id(&self, ids: &[Uuid]) -> Result<Vec<Vacancy>, ServiceError> {
        let rows = vacancy::Entity::find()
            .filter(vacancy::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(today_view).collect())
    }

    /// The public board: newest first, filtered by department, entity, level
    /// and competency, open ones only unless asked otherwise.
    #[tracing::instrument(name = "talent.vacancies", skip_all)]
    pub async fn vacancies(
        &self,
        filter: &VacancyFilter,
        page: &PageRequest,
    ) -> Result<Page<Vacancy>, ServiceError> {
        let rows = self.filtered(filter).await?;
        let mut all: Vec<(String, Vacancy)> = rows
            .into_iter()
            .map(|vacancy| (newest_first_key(vacancy.created_at, vacancy.id), vacancy))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Page::from_sorted(all, page, |(key, _)| key.as_str()).map(|(_, vacancy)| vacancy))
    }

    /// The board's facets (department, level, competency) over what the filter lets through.
    #[tracing::instrument(name = "talent.vacancy_facets", skip_all)]
    pub async fn vacancy_facets(&self, filter: &VacancyFilter) -> Result<rules::FacetCounts, ServiceError> {
        Ok(rules::facet_counts(&self.filtered(filter).await?))
    }

    /// Every vacancy the filter lets through, as it stands today.
    pub(super) async fn filtered(&self, filter: &VacancyFilter) -> Result<Vec<Vacancy>, ServiceError> {
        let mut condition = Condition::all();
        if let Some(department) = &filter.department_code {
            condition = condition.add(vacancy::Column::DepartmentCode.eq(department.as_str()));
        }
        if let Some(entity) = &filter.entity_code {
            condition = condition.add(vacancy::Column::EntityCode.eq(entity.as_str()));
        }
        if let Some(level) = filter.level {
            condition = condition.add(vacancy::Column::Level.eq(level.as_db()));
        }
        let today = bogota_time::today();
        if filter.open_only {
            condition = condition
                .add(vacancy::Column::Status.eq(VacancyStatus::Open.as_db()))
                .add(vacancy::Column::ClosingOn.gte(today));
        }
        let rows = vacancy::Entity::find()
            .filter(condition)
            .order_by_desc(vacancy::Column::CreatedAt)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(today_view)
            .filter(|vacancy| {
                filter.competency.as_ref().is_none_or(|code| vacancy.competencies.contains(code))
            })
            .collect())
    }

    /// Proposes a temporary transfer (an offer or a request of staff) for
    /// one's own entity.
    #[tracing::instrument(name = "talent.propose_transfer", skip_all)]
    pub async fn propose_transfer(&self, actor: &Actor, new: NewTransfer) -> Result<Transfer, ServiceError> {
        let user = access_rules::require_user(actor, "proponer traslados temporales")?;
        let (entity_code, department) = self.entity_and_department(&new.entity_code).await?;
        let entity_department = (entity_code.len() == 5).then_some(department.as_str());
        if !access_rules::may_manage_talent_for(user, &entity_code, entity_department) {
            return Err(ServiceError::Forbidden("proponer traslados de esa entidad"));
        }
        let new = rules::check_transfer(new)?;
        let now = Utc::now();
        let transaction = self.db.begin().await?;
        let created = Transfer::from(
            transfer::ActiveModel {
                id: Set(Uuid::new_v4()),
                entity_code: Set(entity_code),
                kind: Set(new.kind.as_db().to_owned()),
                topic: Set(new.topic),
                description: Set(new.description),
                duration_months: Set(new.duration_months),
                conditions: Set(new.conditions),
                status: Set(TransferStatus::Open.as_db().to_owned()),
                partner_code: Set(None),
                owner_rating: Set(None),
                partner_rating: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&transaction)
            .await?,
        );
        audit::record(
            &transaction,
            actor,
            Change::new("propose_transfer", "talent_transfer", &created.id.to_string()).after(&created),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    /// Transfers (public: institutional offers and requests), newest first.
    #[tracing::instrument(name = "talent.transfers", skip_all)]
    pub async fn transfers(
        &self,
        status: Option<TransferStatus>,
        page: &PageRequest,
    ) -> Result<Page<Transfer>, ServiceError> {
        let mut query = transfer::Entity::find();
        if let Some(status) = status {
            query = query.filter(transfer::Column::Status.eq(status.as_db()));
        }
        let rows = query.order_by_desc(transfer::Column::CreatedAt).all(&self.db).await?;
        let mut all: Vec<(String, Transfer)> =
            rows.into_iter().map(Transfer::from).map(|t| (newest_first_key(t.created_at, t.id), t)).collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Page::from_sorted(all, page, |(key, _)| key.as_str()).map(|(_, t)| t))
    }

    async fn find_transfer(&self, id: Uuid) -> Result<Transfer, ServiceError> {
        transfer::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(Transfer::from)
            .ok_or_else(|| ServiceError::NotFound(NO_TRANSFER.into()))
    }

    /// The open transfers of the other kind that fit this one, best first,
    /// each with its explained score.
    #[tracing::instrument(name = "talent.transfer_matches", skip_all)]
    pub async fn transfer_matches(
        &self,
        id: Uuid,
        first: usize,
    ) -> Result<Vec<(Transfer, Score)>, ServiceError> {
        let own = self.find_transfer(id).await?;
        let open: Vec<Transfer> = transfer::Entity::find()
            .filter(transfer::Column::Status.eq(TransferStatus::Open.as_db()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(Transfer::from)
            .collect();
        let department = |code: &str| code[..2].to_owned();
        let mut found: Vec<(Transfer, Score)> = open
            .into_iter()
            .filter_map(|other| {
                rules::transfer_score(
                    &own,
                    &other,
                    &department(&own.entity_code),
                    &department(&other.entity_code),
                )
                .map(|score| (other, score))
            })
            .filter(|(_, score)| score.score > 0.25)
            .collect();
        found.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
        found.truncate(first);
        Ok(found)
    }

    /// Another entity takes an open transfer up: the two are agreed.
    #[tracing::instrument(name = "talent.agree_transfer", skip_all)]
    pub async fn agree_transfer(
        &self,
        actor: &Actor,
        id: Uuid,
        partner_code: &str,
    ) -> Result<Transfer, ServiceError> {
        let user = access_rules::require_user(actor, "acordar traslados temporales")?;
        let (partner, department) = self.entity_and_department(partner_code).await?;
        let partner_department = (partner.len() == 5).then_some(department.as_str());
        if !access_rules::may_manage_talent_for(user, &partner, partner_department) {
            return Err(ServiceError::Forbidden("acordar traslados a nombre de esa entidad"));
        }
        let before = self.find_transfer(id).await?;
        if before.status != TransferStatus::Open {
            return Err(ServiceError::Conflict("el traslado ya fue acordado".into()));
        }
        if before.entity_code == partner {
            return Err(ServiceError::invalid("una entidad no acuerda un traslado consigo misma"));
        }
        self.update_transfer(actor, "agree_transfer", &before, |row| {
            row.status = Set(TransferStatus::Agreed.as_db().to_owned());
            row.partner_code = Set(Some(partner.clone()));
        })
        .await
    }

    /// Each side evaluates an agreed transfer once (1 to 5); with both, it is completed.
    #[tracing::instrument(name = "talent.evaluate_transfer", skip_all)]
    pub async fn evaluate_transfer(
        &self,
        actor: &Actor,
        id: Uuid,
        rating: i32,
    ) -> Result<Transfer, ServiceError> {
        let user = access_rules::require_user(actor, "evaluar traslados temporales")?;
        let before = self.find_transfer(id).await?;
        let side_of = |code: &str| {
            let department = (code.len() == 5).then(|| &code[..2]);
            user.role == crate::authorisation::Role::Territorial
                && access_rules::may_write_for_entity(user, code, department)
        };
        let owner = side_of(&before.entity_code);
        let partner = before.partner_code.as_deref().is_some_and(side_of);
        if !owner && !partner {
            return Err(ServiceError::Forbidden("evaluar un traslado del que su entidad no hace parte"));
        }
        if before.status == TransferStatus::Open {
            return Err(ServiceError::Conflict("el traslado aún no se ha acordado".into()));
        }
        let rating = rules::check_rating(rating)?;
        let already = if owner { before.owner_rating } else { before.partner_rating };
        if already.is_some() {
            return Err(ServiceError::Conflict("su entidad ya evaluó este traslado".into()));
        }
        let completes = if owner { before.partner_rating.is_some() } else { before.owner_rating.is_some() };
        self.update_transfer(actor, "evaluate_transfer", &before, |row| {
            if owner {
                row.owner_rating = Set(Some(rating));
            } else {
                row.partner_rating = Set(Some(rating));
            }
            if completes {
                row.status = Set(TransferStatus::Completed.as_db().to_owned());
            }
        })
        .await
    }

    async fn update_transfer(
        &self,
        actor: &Actor,
        action: &str,
        before: &Transfer,
        change: impl FnOnce(&mut transfer::ActiveModel),
    ) -> Result<Transfer, ServiceError> {
        let transaction = self.db.begin().await?;
        let row = transfer::Entity::find_by_id(before.id)
            .one(&transaction)
            .await?
            .ok_or_else(|| ServiceError::NotFound(NO_TRANSFER.into()))?;
        let mut changed: transfer::ActiveModel = row.into();
        change(&mut changed);
        changed.updated_at = Set(Utc::now());
        let after = Transfer::from(changed.update(&transaction).await?);
        audit::record(
            &transaction,
            actor,
            Change::new(action, "talent_transfer", &before.id.to_string()).before(before).after(&after),
        )
        .await?;
        transaction.commit().await?;
        Ok(after)
    }

    /// The indicators of the Vitrina, for the country or one department.
    #[tracing::instrument(name = "talent.indicators", skip_all)]
    pub async fn indicators(&self, department_code: Option<String>) -> Result<Indicators, ServiceError> {
        let mut query = vacancy::Entity::find();
        if let Some(department) = &department_code {
            query = query.filter(vacancy::Column::DepartmentCode.eq(department.as_str()));
        }
        let rows = query.all(&self.db).await?;
        // One query for every vacancy's applicants, not one per vacancy.
        let applied: Vec<Uuid> = application::Entity::find()
            .select_only()
            .column(application::Column::VacancyId)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut applicants_of: std::collections::HashMap<Uuid, u64> = Default::default();
        for id in applied {
            *applicants_of.entry(id).or_default() += 1;
        }
        let mut facts = Vec::with_capacity(rows.len());
        for row in rows {
            let applicants = applicants_of.get(&row.id).copied().unwrap_or(0);
            facts.push(VacancyFacts {
                department_code: row.department_code.clone(),
                level: Level::from_db(&row.level).unwrap_or(Level::Professional),
                applicants,
                days_to_fill: row.filled_at.map(|filled| (filled - row.created_at).num_days()),
                same_region: row.filled_same_region,
                returnee: row.filled_returnee,
            });
        }
        Ok(rules::indicators(&facts))
    }
}

/// A vacancy row as it stands today (closed once its date passed).
pub(super) fn today_view(row: vacancy::Model) -> Vacancy {
    let mut vacancy = Vacancy::from(row);
    vacancy.status = rules::effective_status(vacancy.status, vacancy.closing_on, bogota_time::today());
    vacancy
}

/// The caller manages the vacancy's entity, or refuses.
pub(super) fn check_manages(user: &AuthUser, row: &vacancy::Model) -> Result<(), ServiceError> {
    let department = (row.entity_code.len() == 5).then_some(row.department_code.as_str());
    if access_rules::may_manage_talent_for(user, &row.entity_code, department) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("gestionar vacantes de otra entidad"))
    }
}
