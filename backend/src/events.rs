//! Domain events for GraphQL subscribers on this instance.
//!
//! One broadcast channel per kind of event, in process, fed by this
//! instance's outbox tail: every change that any instance committed reaches
//! every instance's subscribers (Redis pub/sub only wakes the tails early).
//! The bus is generic so that this platform module names no context: each
//! context subscribes to the bus of its own type (`EventBus<Offer>`…).

use tokio::sync::broadcast;

/// Events a slow subscriber may fall behind by before it skips ahead.
const CAPACITY: usize = 1_024;

/// The outbox tail applied changes written by some instance: answers cached
/// before them are out of date.
#[derive(Debug, Clone, Copy)]
pub struct ChangesApplied;

/// Some instance ended a session (a token revoked, a user deactivated): the
/// sessions verified before it must be read again.
#[derive(Debug, Clone, Copy)]
pub struct SessionsChanged;

/// Monitoring stored new results: answers derived from them are out of date.
#[derive(Debug, Clone, Copy)]
pub struct IndicatorsRecomputed;

pub struct EventBus<T> {
    sender: broadcast::Sender<T>,
}

impl<T> Clone for EventBus<T> {
    fn clone(&self) -> Self {
        Self { sender: self.sender.clone() }
    }
}

impl<T: Clone> Default for EventBus<T> {
    fn default() -> Self {
        Self { sender: broadcast::channel(CAPACITY).0 }
    }
}

impl<T: Clone + Send + 'static> EventBus<T> {
    /// Publishes after a commit; nobody listening is fine.
    pub fn publish(&self, event: T) {
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<T> {
        self.sender.subscribe()
    }

    /// The events `pick` keeps, as a subscription's stream. A subscriber that
    /// fell behind skips ahead rather than closing.
    pub fn stream<U: Send + 'static>(
        &self,
        pick: impl Fn(T) -> Option<U> + Send + 'static,
    ) -> impl futures_util::Stream<Item = U> {
        futures_util::stream::unfold((self.subscribe(), pick), |(mut receiver, pick)| async move {
            loop {
                match receiver.recv().await {
                    Ok(event) => {
                        if let Some(item) = pick(event) {
                            return Some((item, (receiver, pick)));
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        })
    }
}
