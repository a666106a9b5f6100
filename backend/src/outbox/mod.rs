//! The `change_event` outbox: every write that changes what search shows adds
//! a row in its own transaction, so no instance's index can miss it. Its
//! followers (search's index, monitoring's results) keep their place with a
//! `tail::Tail`.

pub mod prune;
pub mod tail;

use std::sync::Arc;

use chrono::Utc;
use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use sea_orm::{entity::prelude::*, ActiveValue::NotSet, ConnectionTrait, QueryOrder, QuerySelect, Set};
use search_index::Kind;
use tokio::sync::Notify;

use crate::{cache::Cache, error::ServiceError};

sea_table!(change_event, "change_event", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub object_id: String,
    pub created_at: DateTimeUtc,
});

pub use change_event::Model as ChangeEvent;

/// Wakes the indexers when a write with changes has committed: this
/// instance's at once, and, through Redis pub/sub when configured, every other
/// instance's (which otherwise find the change at their next poll).
#[derive(Clone, Default)]
pub struct Outbox {
    wake: Arc<Notify>,
    announce: Option<(ConnectionManager, String)>,
}

/// The pub/sub channel of a deployment's commits.
fn channel(prefix: &str) -> String {
    format!("{prefix}outbox")
}

impl Outbox {
    /// An outbox that also announces commits on the cache's Redis.
    pub fn announcing(cache: &Cache) -> Self {
        match cache {
            Cache::Redis { connection, prefix } => {
                Self { wake: Arc::default(), announce: Some((connection.clone(), channel(prefix))) }
            }
            Cache::Memory(_) => Self::default(),
        }
    }

    /// Tells the indexers that a transaction with changes has committed.
    pub fn committed(&self) {
        self.wake.notify_one();
        if let Some((connection, channel)) = &self.announce {
            let (mut connection, channel) = (connection.clone(), channel.clone());
            // A lost announcement only delays other instances until their poll.
            tokio::spawn(async move {
                let sent: Result<i64, _> =
                    redis::cmd("PUBLISH").arg(&channel).arg("1").query_async(&mut connection).await;
                if let Err(error) = sent {
                    tracing::debug!(%error, "no se pudo anunciar el cambio por Redis");
                }
            });
        }
    }

    /// Wakes this instance's indexer whenever another instance announces a
    /// commit; reconnects by itself when Redis goes away and comes back.
    pub fn listen(&self, redis_url: &str, prefix: &str) {
        let Ok(client) = redis::Client::open(redis_url) else { return };
        let (wake, channel) = (Arc::clone(&self.wake), channel(prefix));
        tokio::spawn(async move {
            loop {
                match client.get_async_pubsub().await {
                    Ok(mut pubsub) => {
                        if pubsub.subscribe(&channel).await.is_ok() {
                            // Changes committed while unsubscribed are found by polling.
                            wake.notify_one();
                            let mut messages = pubsub.on_message();
                            while messages.next().await.is_some() {
                                wake.notify_one();
                            }
                        }
                    }
                    Err(error) => {
                        tracing::debug!(%error, "sin suscripción a los cambios por Redis; se reintenta")
                    }
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        });
    }

    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }
}

/// Adds a change to `connection`: pass the write's transaction, then call
/// `Outbox::committed` once it commits (other writers are found by polling).
pub async fn record(
    connection: &impl ConnectionTrait,
    kind: Kind,
    object_id: &str,
) -> Result<(), ServiceError> {
    insert(connection, kind.as_str(), object_id).await
}

/// The kind of a commitment's change: not indexed, but every instance's tail
/// announces it to its `commitmentUpdated` subscribers.
pub const COMMITMENT: &str = "commitment";

/// The kind of a new consultation message: announced to the thread's parties.
pub const MESSAGE: &str = "consultation_message";

/// The kind of a change that may end sessions (a revoked token, a
/// deactivated user): every instance forgets the sessions it verified.
pub const SESSION: &str = "session";

/// Adds a change that may end sessions to `connection`, the write's transaction.
pub async fn record_session_change(
    connection: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> Result<(), ServiceError> {
    insert(connection, SESSION, &id.to_string()).await
}

/// Adds a new consultation message to `connection`, the write's transaction.
pub async fn record_message(connection: &impl ConnectionTrait, id: uuid::Uuid) -> Result<(), ServiceError> {
    insert(connection, MESSAGE, &id.to_string()).await
}

/// Adds a commitment's change to `connection`, the write's transaction.
pub async fn record_commitment(
    connection: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> Result<(), ServiceError> {
    insert(connection, COMMITMENT, &id.to_string()).await
}

/// The kind of a change to the served observations of one subject entity in
/// one period (object id «subject:period»): monitoring recomputes from it.
pub const OBSERVATIONS: &str = "observations";

/// Adds the changed (subject, period) sheets to `connection`, the write's transaction.
pub async fn record_observations<'a>(
    connection: &impl ConnectionTrait,
    sheets: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), ServiceError> {
    let now = Utc::now();
    let rows: Vec<change_event::ActiveModel> = sheets
        .into_iter()
        .map(|(subject, period)| change_event::ActiveModel {
            id: NotSet,
            kind: Set(OBSERVATIONS.to_owned()),
            object_id: Set(format!("{subject}:{period}")),
            created_at: Set(now),
        })
        .collect();
    if !rows.is_empty() {
        change_event::Entity::insert_many(rows).exec_without_returning(connection).await?;
    }
    Ok(())
}

/// The kind of a full recompute of the indicators (by `sugit recompute`,
/// maybe in another process): every instance's cached answers are stale.
pub const INDICATORS: &str = "indicators";

/// Adds a full recompute of the indicators, after it is written.
pub async fn record_indicators(connection: &impl ConnectionTrait) -> Result<(), ServiceError> {
    insert(connection, INDICATORS, "*").await
}

async fn insert(connection: &impl ConnectionTrait, kind: &str, object_id: &str) -> Result<(), ServiceError> {
    change_event::ActiveModel {
        id: NotSet,
        kind: Set(kind.to_owned()),
        object_id: Set(object_id.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(connection)
    .await?;
    Ok(())
}

/// The events after `cursor`, oldest first.
pub async fn after(
    db: &DatabaseConnection,
    cursor: i64,
    limit: u64,
) -> Result<Vec<ChangeEvent>, ServiceError> {
    Ok(change_event::Entity::find()
        .filter(change_event::Column::Id.gt(cursor))
        .order_by_asc(change_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The newest event's position (0 when there is none).
pub async fn last_position(db: &DatabaseConnection) -> Result<i64, ServiceError> {
    Ok(change_event::Entity::find()
        .order_by_desc(change_event::Column::Id)
        .one(db)
        .await?
        .map_or(0, |event| event.id))
}
