//! Where a request's DataLoaders run their loads: on the request's own task.
//!
//! A DataLoader gathers the keys the resolvers of one level ask for, then
//! loads them at once. async-graphql waits a timer for them (1 ms, which the
//! timer rounds up to 2–3 ms per level: a search with its products and their
//! organisations waited 6 ms for nothing) and runs the load as a task of its
//! own, which the other worker can steal and start before the level's last
//! resolvers have asked (a level asking two loaders split into seven loads).
//! Here the load is queued for the request's task instead, which starts it
//! right after the resolvers' turn: every resolver of the level has asked by
//! then, and none waits for a clock.

use std::{
    future::Future,
    pin::pin,
    task::{Context, Poll},
};

use async_graphql::dataloader::DataLoader;
use futures_util::{future::BoxFuture, stream::FuturesUnordered, StreamExt};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// How a DataLoader starts its loads.
#[derive(Clone)]
pub enum Spawn {
    /// On the task of the request that asked (queries and mutations over HTTP).
    OnRequest(UnboundedSender<BoxFuture<'static, ()>>),
    /// As tasks of their own, after async-graphql's timer (a WebSocket's
    /// subscriptions, which outlive any one request).
    Task,
}

/// The loads a request's DataLoaders started, for the request to run.
pub struct RequestLoads {
    started: UnboundedReceiver<BoxFuture<'static, ()>>,
}

/// A way to start loads on a request's task, and the loads it will start.
pub fn on_request() -> (Spawn, RequestLoads) {
    let (start, started) = unbounded_channel();
    (Spawn::OnRequest(start), RequestLoads { started })
}

/// A DataLoader for `loader` that starts its loads as `spawn` says.
pub fn loader<T>(loader: T, spawn: &Spawn) -> DataLoader<T> {
    match spawn {
        Spawn::OnRequest(start) => {
            let start = start.clone();
            DataLoader::new(loader, move |load| {
                // The request is over when nobody receives: nobody waits either.
                let _ = start.send(load);
            })
            .delay(std::time::Duration::ZERO)
        }
        Spawn::Task => DataLoader::new(loader, tokio::spawn),
    }
}

impl RequestLoads {
    /// Runs `work` (the request) and, after each of its turns, the loads it
    /// started, until it is done.
    pub async fn drive<F: Future>(mut self, work: F) -> F::Output {
        let mut work = pin!(work);
        let mut running = FuturesUnordered::new();
        std::future::poll_fn(move |cx: &mut Context<'_>| {
            if let Poll::Ready(output) = work.as_mut().poll(cx) {
                return Poll::Ready(output);
            }
            loop {
                while let Poll::Ready(Some(load)) = self.started.poll_recv(cx) {
                    running.push(load);
                }
                // A finished load wakes its resolvers, and so this task.
                match running.poll_next_unpin(cx) {
                    Poll::Ready(Some(())) => continue,
                    Poll::Ready(None) | Poll::Pending => return Poll::Pending,
                }
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::{
        collections::HashMap,
        sync::{Arc, Mutex},
    };

    use async_graphql::dataloader::Loader;

    use super::*;

    /// Records the keys of every load it is asked for.
    #[derive(Default, Clone)]
    struct Recorder(Arc<Mutex<Vec<Vec<u32>>>>);

    impl Loader<u32> for Recorder {
        type Value = u32;
        type Error = Arc<std::io::Error>;

        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, Self::Error> {
            // A load that waits, as one reading the database does.
            tokio::task::yield_now().await;
            self.0.lock().expect("not poisoned").push(keys.to_vec());
            Ok(keys.iter().map(|key| (*key, key * 10)).collect())
        }
    }

    /// 40 items each ask two loaders at once, then a second level asks again
    /// with what the first returned: each level is one load per loader, on
    /// the server's multi-threaded runtime with the other worker idle.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_keys_asked_for_together_are_loaded_together() {
        for round in 0..100u32 {
            let (first, second) = (Recorder::default(), Recorder::default());
            let (spawn, loads) = on_request();
            let (one, other) = (loader(first.clone(), &spawn), loader(second.clone(), &spawn));
            let request = async move {
                let asked = (0..40).map(|n| {
                    let key = round * 100 + n;
                    let (one, other) = (&one, &other);
                    async move {
                        let (a, b) =
                            futures_util::future::join(one.load_one(key), other.load_one(key + 1)).await;
                        let a = a.expect("loaded").expect("found");
                        assert_eq!(b.expect("loaded"), Some((key + 1) * 10));
                        // The next level, with the first level's answer.
                        assert_eq!(one.load_one(a).await.expect("loaded"), Some(a * 10));
                    }
                });
                futures_util::future::join_all(asked).await;
            };
            tokio::spawn(loads.drive(request)).await.expect("the request task");
            let levels = first.0.lock().expect("not poisoned").clone();
            assert_eq!(levels.len(), 2, "round {round}: two levels, not {}: {levels:?}", levels.len());
            assert!(levels.iter().all(|keys| keys.len() == 40), "round {round}: {levels:?}");
            let loads = second.0.lock().expect("not poisoned").clone();
            assert_eq!(loads.len(), 1, "round {round}: one load, not {}: {loads:?}", loads.len());
        }
    }

    /// A request that finishes while a load it started is pending ends
    /// anyway: nothing is left waiting.
    #[tokio::test]
    async fn a_request_does_not_wait_for_loads_nobody_needs() {
        let (spawn, loads) = on_request();
        let Spawn::OnRequest(start) = &spawn else { unreachable!("made on request") };
        start.send(Box::pin(std::future::pending())).expect("the request receives");
        assert_eq!(loads.drive(async { 7 }).await, 7);
    }
}
