//! The territory service: reads of the register (from this instance's
//! snapshot of it) and its loading.

use std::{collections::HashMap, sync::Arc};

use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, Set, TransactionTrait,
};

use super::{
    entity::{ActiveModel, Column, Entity},
    model::{CapacityGroup, DivipolaCode, MunicipalCategory, TerritorialEntity, TerritoryFilter},
    snapshot::{RegisterCache, Snapshot},
};
use crate::{
    audit::{self, Change},
    authorisation::{rules, Actor},
    cache::Cache,
    error::ServiceError,
    pagination::{Page, PageRequest},
    text,
};

/// Rows per INSERT when loading, well under SQLite's bound on parameters.
const INSERT_CHUNK: usize = 200;

#[derive(Clone)]
pub struct TerritoryService {
    pub(super) db: DatabaseConnection,
    cache: Cache,
    register: RegisterCache,
}

/// The deployment's generation of the register, in Redis.
const GENERATION_KEY: &str = "territory:generation";

impl TerritoryService {
    pub fn new(db: DatabaseConnection, cache: Cache) -> Self {
        Self { db, cache, register: RegisterCache::default() }
    }

    /// The register as this instance holds it, read from the database when
    /// any instance has changed it since.
    async fn snapshot(&self) -> Result<Arc<Snapshot>, ServiceError> {
        let remote = match self.remote_generation().await {
            Ok(remote) => remote,
            // Without Redis no instance can say the snapshot is current.
            Err(error) => {
                tracing::debug!(%error, "sin generación del registro en Redis; se lee de la base de datos");
                return Ok(Arc::new(self.read_register().await?));
            }
        };
        let local = match self.register.get(remote) {
            Ok(snapshot) => {
                if self.register.due_for_refresh() {
                    // Read again behind the requests, should a change ever
                    // have gone unannounced (a write from another process).
                    let service = self.clone();
                    tokio::spawn(async move {
                        if let Err(error) = service.reload(remote).await {
                            tracing::warn!(?error, "no se pudo releer el registro territorial");
                        }
                    });
                }
                return Ok(snapshot);
            }
            Err(local) => local,
        };
        let snapshot = Arc::new(self.read_register().await?);
        self.register.keep(local, remote, &snapshot);
        Ok(snapshot)
    }

    async fn reload(&self, remote: Option<i64>) -> Result<(), ServiceError> {
        let local = self.register.local();
        let snapshot = Arc::new(self.read_register().await?);
        self.register.keep(local, remote, &snapshot);
        Ok(())
    }

    async fn read_register(&self) -> Result<Snapshot, ServiceError> {
        let rows = Entity::find().all(&self.db).await?;
        Ok(Snapshot::new(rows.into_iter().map(TerritorialEntity::from).collect()))
    }

    /// `None` for an instance alone with its in-process cache.
    async fn remote_generation(&self) -> Result<Option<i64>, redis::RedisError> {
        match &self.cache {
            Cache::Redis { connection, .. } => {
                let mut connection = connection.clone();
                let value: Option<i64> = redis::cmd("GET")
                    .arg(self.cache.full_key(GENERATION_KEY))
                    .query_async(&mut connection)
                    .await?;
                Ok(Some(value.unwrap_or(0)))
            }
            Cache::Memory(_) => Ok(None),
        }
    }

    /// The register changed: the next read loads it again.
    fn forget_register(&self) {
        self.register.forget();
    }

    /// After a write commits, before it is acknowledged: every instance's
    /// snapshot is retired.
    async fn changed_register(&self) {
        self.forget_register();
        if let Cache::Redis { connection, .. } = &self.cache {
            let mut connection = connection.clone();
            let moved: Result<i64, _> = redis::cmd("INCR")
                .arg(self.cache.full_key(GENERATION_KEY))
                .query_async(&mut connection)
                .await;
            if let Err(error) = moved {
                // The others read it again within `snapshot::MAX_AGE`.
                tracing::warn!(%error, "no se pudo anunciar el cambio del registro en Redis");
            }
        }
        // Loaded here, outside any transaction, rather than by the next
        // reader, who may be holding one.
        if let Err(error) = self.snapshot().await {
            tracing::warn!(?error, "no se pudo releer el registro territorial");
        }
    }

    /// One entity by code; `None` when the code is well formed but unknown.
    #[tracing::instrument(name = "territory.find", skip_all, fields(code = code.as_str()))]
    pub async fn find(&self, code: &DivipolaCode) -> Result<Option<TerritorialEntity>, ServiceError> {
        Ok(self.snapshot().await?.get(code.as_str()).cloned())
    }

    /// Many entities by code (the DataLoader's batch).
    #[tracing::instrument(name = "territory.find_many", skip_all, fields(count = codes.len()))]
    pub async fn find_many(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, TerritorialEntity>, ServiceError> {
        let snapshot = self.snapshot().await?;
        Ok(codes.iter().filter_map(|code| Some((code.clone(), snapshot.get(code)?.clone()))).collect())
    }

    /// The municipal units of each department, sorted by code.
    #[tracing::instrument(name = "territory.municipal_units_of", skip_all, fields(count = departments.len()))]
    pub async fn municipal_units_of(
        &self,
        departments: &[String],
    ) -> Result<HashMap<String, Vec<TerritorialEntity>>, ServiceError> {
        let snapshot = self.snapshot().await?;
        let mut by_department: HashMap<String, Vec<TerritorialEntity>> =
            departments.iter().map(|code| (code.clone(), Vec::new())).collect();
        for entity in snapshot.filtered(&TerritoryFilter::default()) {
            let Some(department) = &entity.department_code else { continue };
            if let Some(units) = by_department.get_mut(department) {
                units.push(entity.clone());
            }
        }
        Ok(by_department)
    }

    /// Every entity the filter keeps, in code order (at most the register's 1,154 rows).
    #[tracing::instrument(name = "territory.all", skip_all)]
    pub async fn all(&self, filter: &TerritoryFilter) -> Result<Vec<TerritorialEntity>, ServiceError> {
        Ok(self.snapshot().await?.filtered(filter).cloned().collect())
    }

    /// A page of the register, filtered, in code order, with the filter's total.
    #[tracing::instrument(name = "territory.list", skip_all, fields(first = page.first))]
    pub async fn list(
        &self,
        filter: &TerritoryFilter,
        page: &PageRequest,
    ) -> Result<Page<TerritorialEntity>, ServiceError> {
        let snapshot = self.snapshot().await?;
        let total_count = snapshot.filtered(filter).count() as u64;
        let after = page.after.as_deref();
        let rows = snapshot
            .filtered(filter)
            .filter(|entity| after.is_none_or(|after| entity.code.as_str() > after))
            .take(usize::try_from(page.fetch_limit()).unwrap_or(usize::MAX))
            .cloned()
            .collect();
        Ok(Page::from_rows(rows, page, total_count))
    }

    /// Loads (or refreshes) the register in one transaction: names and kinds are
    /// updated, category and capacity group, which other sources set, are kept.
    #[tracing::instrument(name = "territory.load_register", skip_all, fields(count = entities.len()))]
    pub async fn load_register(&self, entities: &[TerritorialEntity]) -> Result<u64, ServiceError> {
        let transaction = self.db.begin().await?;
        // Departments come first in the register, so every foreign key has its target.
        for chunk in entities.chunks(INSERT_CHUNK) {
            let rows = chunk.iter().map(|entity| ActiveModel {
                code: Set(entity.code.clone()),
                name: Set(entity.name.clone()),
                search_name: Set(text::fold(&entity.name)),
                kind: Set(entity.kind.as_db().to_owned()),
                department_code: Set(entity.department_code.clone()),
                category: Set(entity.category.map(|c| c.as_db().to_owned())),
                capacity_group: Set(entity.capacity_group.map(|g| g.as_db().to_owned())),
            });
            Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::column(Column::Code)
                        .update_columns([
                            Column::Name,
                            Column::SearchName,
                            Column::Kind,
                            Column::DepartmentCode,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(&transaction)
                .await?;
        }
        transaction.commit().await?;
        self.changed_register().await;
        Ok(Entity::find().count(&self.db).await?)
    }
}

impl TerritoryService {
    /// Sets or clears the category and capacity group of an entity (the
    /// administrator's catalogue). `None` keeps a field, `Some(None)` clears it.
    #[tracing::instrument(name = "territory.update_classification", skip_all, fields(code = code.as_str()))]
    pub async fn update_classification(
        &self,
        actor: &Actor,
        code: &DivipolaCode,
        category: Option<Option<MunicipalCategory>>,
        capacity_group: Option<Option<CapacityGroup>>,
    ) -> Result<TerritorialEntity, ServiceError> {
        rules::require_admin(actor, "actualizar la clasificación de una entidad territorial")?;
        let transaction = self.db.begin().await?;
        let row = Entity::find_by_id(code.as_str()).one(&transaction).await?.ok_or_else(|| {
            ServiceError::NotFound(format!("no existe la entidad territorial {}", code.as_str()))
        })?;
        let before = TerritorialEntity::from(row.clone());
        let mut changed: ActiveModel = row.into();
        if let Some(category) = category {
            changed.category = Set(category.map(|c| c.as_db().to_owned()));
        }
        if let Some(group) = capacity_group {
            changed.capacity_group = Set(group.map(|g| g.as_db().to_owned()));
        }
        let after = TerritorialEntity::from(changed.update(&transaction).await?);
        let change = Change::new("update_territorial_entity", "territorial_entity", code.as_str());
        audit::record(&transaction, actor, change.before(&before).after(&after)).await?;
        transaction.commit().await?;
        self.changed_register().await;
        Ok(after)
    }
}

impl TerritoryService {
    /// Classifies the entities that have neither a category nor a capacity
    /// group yet (a data load: the demo's synthetic classification), in one
    /// transaction with one audit entry per entity. Returns how many changed.
    #[tracing::instrument(name = "territory.classify_unclassified", skip_all, fields(count = wanted.len()))]
    pub async fn classify_unclassified(
        &self,
        actor: &Actor,
        wanted: &[(String, MunicipalCategory, CapacityGroup)],
    ) -> Result<usize, ServiceError> {
        let user = rules::require_admin(actor, "actualizar la clasificación de una entidad territorial")?;
        let transaction = self.db.begin().await?;
        let codes: Vec<&str> = wanted.iter().map(|(code, _, _)| code.as_str()).collect();
        let unclassified: std::collections::HashSet<String> = Entity::find()
            .filter(Column::Code.is_in(codes))
            .filter(Column::Category.is_null())
            .filter(Column::CapacityGroup.is_null())
            .all(&transaction)
            .await?
            .into_iter()
            .map(|row| row.code)
            .collect();
        let mut changed = Vec::new();
        for (code, category, group) in wanted.iter().filter(|(code, _, _)| unclassified.contains(code)) {
            Entity::update_many()
                .col_expr(Column::Category, sea_orm::sea_query::Expr::value(category.as_db()))
                .col_expr(Column::CapacityGroup, sea_orm::sea_query::Expr::value(group.as_db()))
                .filter(Column::Code.eq(code.as_str()))
                .exec(&transaction)
                .await?;
            changed
                .push((code.as_str(), serde_json::json!({ "category": category, "capacityGroup": group })));
        }
        let label = actor.label();
        audit::record_all(
            &transaction,
            changed.iter().map(|(code, after)| {
                let change =
                    Change::new("update_territorial_entity", "territorial_entity", code).after(after);
                (Some(user.id).filter(|id| !id.is_nil()), label.as_str(), change)
            }),
        )
        .await?;
        transaction.commit().await?;
        self.changed_register().await;
        Ok(changed.len())
    }
}
