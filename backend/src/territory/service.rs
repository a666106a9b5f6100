//! The territory service: reads of the register and its loading.

use std::{collections::HashMap, time::Duration};

use sea_orm::{
    sea_query::{LikeExpr, OnConflict},
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::{
    entity::{ActiveModel, Column, Entity},
    model::{CapacityGroup, DivipolaCode, MunicipalCategory, TerritorialEntity, TerritoryFilter},
};
use crate::{
    audit::{self, Change},
    authorisation::{rules, Actor},
    cache::Cache,
    error::ServiceError,
    pagination::{Page, PageRequest},
    text,
};

/// The register changes only when it is loaded again; five minutes keeps
/// other instances' views fresh enough after a load.
const CACHE_TTL: Duration = Duration::from_secs(300);
/// Rows per INSERT when loading, well under SQLite's bound on parameters.
const INSERT_CHUNK: usize = 200;

#[derive(Clone)]
pub struct TerritoryService {
    pub(super) db: DatabaseConnection,
    cache: Cache,
}

fn cache_key(code: &str) -> String {
    format!("territory:v1:{code}")
}

impl TerritoryService {
    pub fn new(db: DatabaseConnection, cache: Cache) -> Self {
        Self { db, cache }
    }

    /// One entity by code; `None` when the code is well formed but unknown.
    #[tracing::instrument(name = "territory.find", skip_all, fields(code = code.as_str()))]
    pub async fn find(&self, code: &DivipolaCode) -> Result<Option<TerritorialEntity>, ServiceError> {
        let key = cache_key(code.as_str());
        if let Some(hit) = self.cache.get_json::<TerritorialEntity>(&key).await {
            return Ok(Some(hit));
        }
        let found: Option<TerritorialEntity> =
            Entity::find_by_id(code.as_str()).one(&self.db).await?.map(Into::into);
        if let Some(entity) = &found {
            self.cache.set_json(&key, entity, CACHE_TTL).await;
        }
        Ok(found)
    }

    /// Many entities by code in one query (the DataLoader's batch).
    #[tracing::instrument(name = "territory.find_many", skip_all, fields(count = codes.len()))]
    pub async fn find_many(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, TerritorialEntity>, ServiceError> {
        let rows = Entity::find().filter(Column::Code.is_in(codes.iter().cloned())).all(&self.db).await?;
        Ok(rows.into_iter().map(|row| (row.code.clone(), row.into())).collect())
    }

    /// The municipal units of each department, sorted by code (one query for all).
    #[tracing::instrument(name = "territory.municipal_units_of", skip_all, fields(count = departments.len()))]
    pub async fn municipal_units_of(
        &self,
        departments: &[String],
    ) -> Result<HashMap<String, Vec<TerritorialEntity>>, ServiceError> {
        let rows = Entity::find()
            .filter(Column::DepartmentCode.is_in(departments.iter().cloned()))
            .order_by_asc(Column::Code)
            .all(&self.db)
            .await?;
        let mut by_department: HashMap<String, Vec<TerritorialEntity>> =
            departments.iter().map(|code| (code.clone(), Vec::new())).collect();
        for row in rows {
            let Some(department) = row.department_code.clone() else { continue };
            by_department.entry(department).or_default().push(row.into());
        }
        Ok(by_department)
    }

    /// Every entity the filter keeps, in code order (at most the register's 1,154 rows).
    #[tracing::instrument(name = "territory.all", skip_all)]
    pub async fn all(&self, filter: &TerritoryFilter) -> Result<Vec<TerritorialEntity>, ServiceError> {
        let rows =
            Entity::find().filter(filter_condition(filter)).order_by_asc(Column::Code).all(&self.db).await?;
        Ok(rows.into_iter().map(TerritorialEntity::from).collect())
    }

    /// A page of the register, filtered, in code order, with the filter's total.
    #[tracing::instrument(name = "territory.list", skip_all, fields(first = page.first))]
    pub async fn list(
        &self,
        filter: &TerritoryFilter,
        page: &PageRequest,
    ) -> Result<Page<TerritorialEntity>, ServiceError> {
        let condition = filter_condition(filter);
        let total_count = Entity::find().filter(condition.clone()).count(&self.db).await?;
        let mut query = Entity::find().filter(condition);
        if let Some(after) = &page.after {
            query = query.filter(Column::Code.gt(after.as_str()));
        }
        let rows = query.order_by_asc(Column::Code).limit(page.fetch_limit()).all(&self.db).await?;
        let rows = rows.into_iter().map(TerritorialEntity::from).collect();
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
        let keys: Vec<String> = entities.iter().map(|entity| cache_key(&entity.code)).collect();
        self.cache.delete_many(&keys).await;
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
        self.cache.delete_many(&[cache_key(code.as_str())]).await;
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
        let keys: Vec<String> = changed.iter().map(|(code, _)| cache_key(code)).collect();
        self.cache.delete_many(&keys).await;
        Ok(changed.len())
    }
}

fn filter_condition(filter: &TerritoryFilter) -> Condition {
    let mut condition = Condition::all();
    if let Some(kind) = filter.kind {
        condition = condition.add(Column::Kind.eq(kind.as_db()));
    }
    if let Some(department) = &filter.department {
        condition = condition.add(Column::DepartmentCode.eq(department.as_str()));
    }
    if let Some(category) = filter.category {
        condition = condition.add(Column::Category.eq(category.as_db()));
    }
    if let Some(name) = &filter.name_contains {
        let pattern = format!("%{}%", text::escape_like(name));
        condition = condition.add(Column::SearchName.like(LikeExpr::new(pattern).escape('\\')));
    }
    condition
}
