//! Monitoring follows the `change_event` outbox: every sheet of observations
//! written (a submission, a correction, a conflict resolved) is an event, and
//! the indicators of that entity and period are computed again.
//!
//! Each instance follows it, from the position stored in `monitoring_cursor`
//! (the highest any instance reached without a hole), so a restarted server
//! catches up with what it missed. Two instances may recompute the same sheet:
//! the result is the same, written twice.

use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

use sea_orm::{sea_query::OnConflict, ActiveValue::Set, EntityTrait};

use super::{entity::cursor, service::MonitoringService};
use crate::{
    error::ServiceError,
    outbox::{self, tail::Tail},
};

/// How often to look for new events: results are current within about this.
const POLL: Duration = Duration::from_millis(200);
/// Events read per round.
const BATCH: u64 = 500;
/// The one row of `monitoring_cursor`.
const CURSOR_ROW: i32 = 1;
/// Monitoring's name among the outbox's followers (one for every instance:
/// the results are shared).
const FOLLOWER: &str = "monitoreo";

impl MonitoringService {
    /// Follows the outbox for as long as the process lives.
    pub fn spawn_follower(&self) -> tokio::task::JoinHandle<()> {
        let service = self.clone();
        tokio::spawn(async move {
            let mut tail = loop {
                match service.stored_cursor_or_rebuilt().await {
                    Ok(position) => break Tail::new(position),
                    Err(error) => {
                        tracing::warn!(?error, "no se pudo leer la posición del monitoreo; se reintenta");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            };
            loop {
                if let Err(error) = service.catch_up(&mut tail).await {
                    tracing::warn!(?error, "no se pudieron recalcular los indicadores; se reintenta");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                tokio::time::sleep(POLL).await;
            }
        })
    }

    /// Where the results stand in the outbox; a database without a stored
    /// position starts at the outbox's end (the results are computed whole
    /// when an indicator is registered, and by `sugit recompute`).
    async fn stored_cursor(&self) -> Result<i64, ServiceError> {
        match cursor::Entity::find_by_id(CURSOR_ROW).one(&self.db).await? {
            Some(row) => Ok(row.position),
            None => {
                let position = outbox::last_position(&self.db).await?;
                self.store_cursor(position).await?;
                Ok(position)
            }
        }
    }

    /// The stored position, reported to the outbox's pruning; found behind
    /// what was pruned (no instance followed for a day while events were
    /// written), every result is computed again first.
    async fn stored_cursor_or_rebuilt(&self) -> Result<i64, ServiceError> {
        let position = self.stored_cursor().await?;
        let horizon = outbox::prune::report(&self.db, FOLLOWER, position).await?;
        if position >= horizon {
            return Ok(position);
        }
        tracing::warn!(
            cursor = position,
            horizonte = horizon,
            "los resultados quedaron detrás del registro de cambios podado; se recalculan"
        );
        let position = outbox::last_position(&self.db).await?;
        self.rebuild(|_, _| {}).await?;
        self.store_cursor(position).await?;
        Ok(position)
    }

    /// Stores the position, never moving it back (another instance may be
    /// ahead), and reports it to the outbox's pruning.
    async fn store_cursor(&self, position: i64) -> Result<(), ServiceError> {
        outbox::prune::report(&self.db, FOLLOWER, position).await?;
        let row = cursor::ActiveModel { id: Set(CURSOR_ROW), position: Set(position) };
        cursor::Entity::insert(row)
            .on_conflict(
                OnConflict::column(cursor::Column::Id)
                    .update_column(cursor::Column::Position)
                    .action_and_where(
                        sea_orm::sea_query::Expr::col((cursor::Entity, cursor::Column::Position))
                            .lt(position),
                    )
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// Recomputes the sheets named by the events after the tail's cursor.
    /// Returns how many sheets were recomputed.
    pub async fn catch_up(&self, tail: &mut Tail) -> Result<usize, ServiceError> {
        let mut recomputed = 0;
        loop {
            let events = outbox::after(&self.db, tail.read_after(), BATCH).await?;
            let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
            let fresh = tail.fresh(&ids);
            let keys: BTreeSet<(String, String)> = events
                .iter()
                .filter(|e| e.kind == outbox::OBSERVATIONS && fresh.contains(&e.id))
                .filter_map(|e| {
                    let (subject, period) = e.object_id.split_once(':')?;
                    Some((subject.to_owned(), period.to_owned()))
                })
                .collect();
            if !keys.is_empty() {
                let keys: Vec<(String, String)> = keys.into_iter().collect();
                self.recompute_sheets(&keys).await?;
                recomputed += keys.len();
            }
            let before = tail.cursor();
            tail.applied(&fresh, Instant::now());
            if tail.cursor() != before {
                self.store_cursor(tail.cursor()).await?;
            }
            if (events.len() as u64) < BATCH || fresh.is_empty() {
                return Ok(recomputed);
            }
        }
    }
}
