//! Domain events for GraphQL subscribers on this instance.
//!
//! A broadcast channel in process, fed by this instance's outbox tail: every
//! change that any instance committed reaches every instance's subscribers
//! (Redis pub/sub only wakes the tails early).

use tokio::sync::broadcast;

use crate::{assistance::model::Offer, commission::model::Commitment, consultation::model::PostedMessage};

/// Events a slow subscriber may fall behind by before it skips ahead.
const CAPACITY: usize = 1_024;

#[derive(Debug, Clone)]
pub enum Event {
    CommitmentUpdated(Commitment),
    /// An offer entered the public catalogue. Raised by every instance's outbox
    /// tail, so subscribers hear it whichever instance they are connected to.
    OfferPublished(Offer),
    /// A message in the consultation room, for the thread's parties.
    MessagePosted(Box<PostedMessage>),
    /// The outbox tail applied changes written by some instance: answers
    /// cached before them are out of date.
    ChangesApplied,
    /// Monitoring stored new results: answers derived from them are out of date.
    IndicatorsRecomputed,
}

#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Event>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self { sender: broadcast::channel(CAPACITY).0 }
    }
}

impl EventBus {
    /// Publishes after a commit; nobody listening is fine.
    pub fn publish(&self, event: Event) {
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    /// The events `pick` keeps, as a subscription's stream. A subscriber that
    /// fell behind skips ahead rather than closing.
    pub fn stream<T: Send + 'static>(
        &self,
        pick: impl Fn(Event) -> Option<T> + Send + 'static,
    ) -> impl futures_util::Stream<Item = T> {
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
