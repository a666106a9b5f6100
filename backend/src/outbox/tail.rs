//! Where an instance is in the outbox. Ids are handed out when a transaction
//! inserts, not when it commits, so a later id can be seen before an earlier
//! one: the cursor only moves over ids seen without a hole, and a hole that
//! stays open longer than `GAP_PATIENCE` (a rolled-back write) is passed over.

use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

/// How long a hole in the ids may stay open before it is taken for a rollback.
pub const GAP_PATIENCE: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Tail {
    cursor: i64,
    /// Ids above the cursor already applied.
    seen: BTreeSet<i64>,
    hole_since: Option<Instant>,
}

impl Tail {
    pub fn new(cursor: i64) -> Self {
        Self { cursor, seen: BTreeSet::new(), hole_since: None }
    }

    /// Every id up to here has been applied.
    pub fn cursor(&self) -> i64 {
        self.cursor
    }

    /// Where to read from: after the cursor (ids already seen come back and are skipped).
    pub fn read_after(&self) -> i64 {
        self.cursor
    }

    /// Of the ids read, those not applied yet.
    pub fn fresh(&self, ids: &[i64]) -> Vec<i64> {
        ids.iter().copied().filter(|id| *id > self.cursor && !self.seen.contains(id)).collect()
    }

    /// Marks ids applied and moves the cursor as far as it may at `now`.
    pub fn applied(&mut self, ids: &[i64], now: Instant) {
        self.seen.extend(ids.iter().copied().filter(|id| *id > self.cursor));
        self.advance();
        if self.seen.is_empty() {
            self.hole_since = None;
            return;
        }
        let since = *self.hole_since.get_or_insert(now);
        if now.duration_since(since) >= GAP_PATIENCE {
            // The hole belongs to a write that never committed.
            if let Some(first) = self.seen.first().copied() {
                self.cursor = first - 1;
            }
            self.advance();
            self.hole_since = (!self.seen.is_empty()).then_some(now);
        }
    }

    fn advance(&mut self) {
        while self.seen.remove(&(self.cursor + 1)) {
            self.cursor += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contiguous_ids_move_the_cursor() {
        let mut tail = Tail::new(0);
        let now = Instant::now();
        assert_eq!(tail.fresh(&[1, 2, 3]), [1, 2, 3]);
        tail.applied(&[1, 2, 3], now);
        assert_eq!(tail.cursor(), 3);
    }

    #[test]
    fn a_hole_holds_the_cursor_until_it_fills() {
        let mut tail = Tail::new(0);
        let now = Instant::now();
        tail.applied(&[1, 3], now);
        assert_eq!(tail.cursor(), 1, "2 may still commit");
        assert_eq!(tail.fresh(&[3, 4]), [4], "3 is not applied twice");
        tail.applied(&[2], now + Duration::from_secs(1));
        assert_eq!(tail.cursor(), 3);
    }

    #[test]
    fn a_hole_that_stays_open_is_a_rollback() {
        let mut tail = Tail::new(10);
        let start = Instant::now();
        tail.applied(&[12, 13], start);
        assert_eq!(tail.cursor(), 10);
        tail.applied(&[], start + GAP_PATIENCE / 2);
        assert_eq!(tail.cursor(), 10);
        tail.applied(&[], start + GAP_PATIENCE);
        assert_eq!(tail.cursor(), 13);
        assert_eq!(tail.fresh(&[11]), Vec::<i64>::new(), "too late: the rebuild is the remedy");
    }
}
