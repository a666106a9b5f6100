//! Pruning the outbox. Each follower (an instance's search index, monitoring's
//! results) reports where it stands; events every live follower has applied
//! are deleted once older than the retention, and the highest deleted id is
//! kept as the horizon. A follower found behind the horizon (one stopped
//! longer than `FOLLOWER_EXPIRY`, whose position stopped holding the pruning)
//! cannot read what it missed and rebuilds what it keeps from the tables.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use super::change_event;
use crate::error::ServiceError;

sea_table!(follower, "outbox_follower", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub position: i64,
    pub seen_at: DateTimeUtc,
});

sea_table!(horizon, "outbox_horizon", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub pruned_through: i64,
});

/// A follower that has not reported for this long is taken for gone: it no
/// longer holds the pruning back, and rebuilds if it ever comes back behind.
pub const FOLLOWER_EXPIRY: Duration = Duration::hours(24);
/// A follower reports at least this often, so it never looks gone…
pub const REPORT_EVERY: Duration = Duration::seconds(30);
/// …and at most this often when its position moves.
pub const REPORT_AT_MOST: Duration = Duration::seconds(1);
/// Ids deleted per transaction, so a large backlog never holds one long lock.
const PRUNE_CHUNK: i64 = 10_000;
/// The one row of `outbox_horizon`.
const HORIZON_ROW: i32 = 1;

/// Where a follower stood when it last reported.
#[derive(Debug, Clone, Copy)]
pub struct Reported {
    pub position: i64,
    pub at: DateTime<Utc>,
}

/// Whether a follower at `position` should report now (wall-clock time, so a
/// process that was suspended reports, and learns the horizon, before it reads on).
pub fn report_due(last: Option<Reported>, position: i64, now: DateTime<Utc>) -> bool {
    match last {
        None => true,
        Some(last) => {
            let elapsed = now - last.at;
            elapsed >= REPORT_EVERY || (position != last.position && elapsed >= REPORT_AT_MOST)
        }
    }
}

/// The highest id every live follower has applied: the lowest position among
/// those seen since `FOLLOWER_EXPIRY`. None when no follower is live (nothing
/// says what may go).
pub fn prunable_through(followers: &[(i64, DateTime<Utc>)], now: DateTime<Utc>) -> Option<i64> {
    followers
        .iter()
        .filter(|(_, seen_at)| now - *seen_at < FOLLOWER_EXPIRY)
        .map(|(position, _)| *position)
        .min()
}

/// Records that `name` has applied every event up to `position`; returns the
/// horizon (events up to it may be gone).
pub async fn report(db: &DatabaseConnection, name: &str, position: i64) -> Result<i64, ServiceError> {
    let row = follower::ActiveModel {
        name: Set(name.to_owned()),
        position: Set(position),
        seen_at: Set(Utc::now()),
    };
    follower::Entity::insert(row)
        .on_conflict(
            OnConflict::column(follower::Column::Name)
                .update_columns([follower::Column::Position, follower::Column::SeenAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    horizon(db).await
}

/// The highest pruned id (0 before any pruning).
pub async fn horizon(db: &DatabaseConnection) -> Result<i64, ServiceError> {
    Ok(horizon::Entity::find_by_id(HORIZON_ROW).one(db).await?.map_or(0, |row| row.pruned_through))
}

/// What one pruning did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pruned {
    pub deleted: u64,
    pub horizon: i64,
}

/// Deletes the events every live follower has applied and that are older
/// than `retention`, moving the horizon with them.
#[tracing::instrument(name = "outbox.prune", skip(db))]
pub async fn prune(db: &DatabaseConnection, retention: Duration) -> Result<Pruned, ServiceError> {
    let now = Utc::now();
    let followers: Vec<(i64, DateTime<Utc>)> =
        follower::Entity::find().all(db).await?.into_iter().map(|f| (f.position, f.seen_at)).collect();
    let mut pruned = Pruned { deleted: 0, horizon: horizon(db).await? };
    let Some(through) = prunable_through(&followers, now) else { return Ok(pruned) };
    // The last event both applied by everyone and old enough.
    let Some(last) = change_event::Entity::find()
        .filter(change_event::Column::Id.lte(through))
        .filter(change_event::Column::CreatedAt.lt(now - retention))
        .order_by_desc(change_event::Column::Id)
        .one(db)
        .await?
        .map(|event| event.id)
    else {
        return Ok(pruned);
    };
    let first = change_event::Entity::find()
        .select_only()
        .column_as(change_event::Column::Id.min(), "first")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten()
        .unwrap_or(last);
    let mut start = first;
    while start <= last {
        let end = last.min(start.saturating_add(PRUNE_CHUNK - 1));
        let transaction = db.begin().await?;
        // The horizon moves in the deleting transaction: whoever sees the
        // events gone sees the horizon past them.
        // Never moved back: another instance may be pruning further.
        let row = horizon::ActiveModel { id: Set(HORIZON_ROW), pruned_through: Set(end) };
        horizon::Entity::insert(row)
            .on_conflict(
                OnConflict::column(horizon::Column::Id)
                    .update_column(horizon::Column::PrunedThrough)
                    .action_and_where(Expr::col((horizon::Entity, horizon::Column::PrunedThrough)).lt(end))
                    .to_owned(),
            )
            .exec_without_returning(&transaction)
            .await?;
        let deleted = change_event::Entity::delete_many()
            .filter(change_event::Column::Id.lte(end))
            .exec(&transaction)
            .await?;
        transaction.commit().await?;
        pruned.deleted += deleted.rows_affected;
        pruned.horizon = end.max(pruned.horizon);
        start = end + 1;
    }
    if pruned.deleted > 0 {
        tracing::info!(eventos = pruned.deleted, horizonte = pruned.horizon, "registro de cambios podado");
    }
    Ok(pruned)
}

/// Prunes every `every` for as long as the process lives (every instance
/// does: pruning twice deletes nothing more).
pub fn spawn_pruner(db: DatabaseConnection, every: std::time::Duration, retention: Duration) {
    tokio::spawn(async move {
        loop {
            // The first pruning waits a round, so the followers of a starting
            // deployment have reported before anything goes.
            tokio::time::sleep(every).await;
            if let Err(error) = prune(&db, retention).await {
                tracing::warn!(?error, "no se pudo podar el registro de cambios; se reintenta");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slowest_live_follower_bounds_the_pruning_and_a_gone_one_does_not() {
        let now = Utc::now();
        let recent = now - Duration::minutes(1);
        let gone = now - FOLLOWER_EXPIRY - Duration::seconds(1);
        assert_eq!(prunable_through(&[(120, recent), (80, recent), (10, gone)], now), Some(80));
        assert_eq!(prunable_through(&[(10, gone)], now), None, "no live follower, nothing may go");
        assert_eq!(prunable_through(&[], now), None);
    }

    #[test]
    fn a_follower_reports_when_it_moves_at_most_each_second_and_at_least_every_half_minute() {
        let now = Utc::now();
        assert!(report_due(None, 5, now), "the first report tells where it starts");
        let last = Some(Reported { position: 5, at: now });
        assert!(!report_due(last, 5, now + Duration::seconds(10)));
        assert!(!report_due(last, 9, now + Duration::milliseconds(500)));
        assert!(report_due(last, 9, now + Duration::seconds(1)));
        assert!(report_due(last, 5, now + REPORT_EVERY), "still there, though it did not move");
    }
}
