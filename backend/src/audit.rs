//! The audit log: every write records who, when, which object, and the before
//! and after values, in the same transaction as the write. Append-only.

use chrono::{DateTime, Utc};
use sea_orm::{
    entity::prelude::*, ActiveValue::NotSet, Condition, ConnectionTrait, PaginatorTrait, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;

use crate::authorisation::{rules, Actor};
use crate::{
    error::ServiceError,
    pagination::{Page, PageRequest},
};

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: DateTimeUtc,
        pub actor_id: Option<Uuid>,
        pub actor_label: String,
        pub action: String,
        pub object_type: String,
        pub object_id: String,
        pub before: Option<Json>,
        pub after: Option<Json>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use entity::{ActiveModel, Column, Entity};

/// One entry of the log, as administrators read it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// What a write changed, for the log.
pub struct Change<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Change<'a> {
    pub fn new(action: &'a str, object_type: &'a str, object_id: &'a str) -> Self {
        Self { action, object_type, object_id, before: None, after: None }
    }

    pub fn before(mut self, value: &impl Serialize) -> Self {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn after(mut self, value: &impl Serialize) -> Self {
        self.after = serde_json::to_value(value).ok();
        self
    }
}

/// Who wrote, when no request user did (the command line).
pub const SYSTEM_LABEL: &str = "sistema (línea de órdenes)";

/// Records `change` on `connection`: pass the write's transaction, so the entry
/// and the write commit or roll back together.
pub async fn record(
    connection: &impl ConnectionTrait,
    actor: &Actor,
    change: Change<'_>,
) -> Result<(), ServiceError> {
    record_as(connection, actor.user().map(|user| user.id), &actor.label(), change).await
}

pub async fn record_as(
    connection: &impl ConnectionTrait,
    actor_id: Option<Uuid>,
    actor_label: &str,
    change: Change<'_>,
) -> Result<(), ServiceError> {
    row(actor_id, actor_label, change).insert(connection).await?;
    Ok(())
}

/// Records several changes in one statement (a batch of writes committed together).
pub async fn record_all<'a>(
    connection: &impl ConnectionTrait,
    changes: impl IntoIterator<Item = (Option<Uuid>, &'a str, Change<'a>)>,
) -> Result<(), ServiceError> {
    let rows: Vec<ActiveModel> =
        changes.into_iter().map(|(actor_id, label, change)| row(actor_id, label, change)).collect();
    if !rows.is_empty() {
        Entity::insert_many(rows).exec_without_returning(connection).await?;
    }
    Ok(())
}

fn row(actor_id: Option<Uuid>, actor_label: &str, change: Change<'_>) -> ActiveModel {
    ActiveModel {
        id: NotSet,
        at: Set(Utc::now()),
        actor_id: Set(actor_id),
        actor_label: Set(actor_label.to_owned()),
        action: Set(change.action.to_owned()),
        object_type: Set(change.object_type.to_owned()),
        object_id: Set(change.object_id.to_owned()),
        before: Set(change.before),
        after: Set(change.after),
    }
}

/// Filter of the log, already validated.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
}

/// Newest first; only administrators read the log.
#[tracing::instrument(name = "audit.list", skip_all)]
pub async fn list(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &AuditFilter,
    page: &PageRequest,
) -> Result<Page<AuditEntry>, ServiceError> {
    rules::require_admin(actor, "consultar el registro de auditoría")?;
    let mut condition = Condition::all();
    if let Some(object_type) = &filter.object_type {
        condition = condition.add(Column::ObjectType.eq(object_type.as_str()));
    }
    if let Some(object_id) = &filter.object_id {
        condition = condition.add(Column::ObjectId.eq(object_id.as_str()));
    }
    if let Some(actor_id) = filter.actor_id {
        condition = condition.add(Column::ActorId.eq(actor_id));
    }
    if let Some(action) = &filter.action {
        condition = condition.add(Column::Action.eq(action.as_str()));
    }
    let total_count = Entity::find().filter(condition.clone()).count(db).await?;
    let mut query = Entity::find().filter(condition);
    if let Some(after) = &page.after {
        let after: i64 =
            after.parse().map_err(|_| ServiceError::invalid("el cursor «after» no es válido"))?;
        query = query.filter(Column::Id.lt(after));
    }
    let rows = query.order_by_desc(Column::Id).limit(page.fetch_limit()).all(db).await?;
    let entries = rows
        .into_iter()
        .map(|row| AuditEntry {
            id: row.id,
            at: row.at,
            actor_id: row.actor_id,
            actor_label: row.actor_label,
            action: row.action,
            object_type: row.object_type,
            object_id: row.object_id,
            before: row.before,
            after: row.after,
        })
        .collect();
    Ok(Page::from_rows(entries, page, total_count))
}
