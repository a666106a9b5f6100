//! Rate limits: a window opens with a key's first hit and counts until it
//! closes, in Redis when configured (one count shared by every instance), in
//! process otherwise. A Redis failure lets the request through: limits protect
//! the service, they must not take it down.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use redis::aio::ConnectionManager;

use crate::cache::Cache;

/// Past this many keys the in-process limiter forgets windows that are over.
const MEMORY_CAPACITY: usize = 50_000;

#[derive(Clone)]
pub enum RateLimiter {
    Redis { connection: ConnectionManager, prefix: String },
    Memory(Arc<Mutex<HashMap<String, (Instant, u32)>>>),
}

/// The caller is over its limit; it may try again after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl RateLimiter {
    /// Shares the cache's Redis connection when there is one.
    pub fn for_cache(cache: &Cache) -> Self {
        match cache {
            Cache::Redis { connection, prefix } => {
                Self::Redis { connection: connection.clone(), prefix: prefix.clone() }
            }
            Cache::Memory(_) => Self::Memory(Arc::default()),
        }
    }

    /// Counts one hit of `key`; refuses once more than `limit` hits fall in its window.
    pub async fn hit(&self, key: &str, limit: u32, window: Duration) -> Result<(), RetryAfter> {
        let window_secs = window.as_secs().max(1);
        let (count, remaining) = match self {
            Self::Redis { connection, prefix } => {
                let mut connection = connection.clone();
                let redis_key = format!("{prefix}rl:{key}");
                // The key is created with its expiry by the first hit; INCR keeps the expiry.
                let result: Result<((), u32, i64), _> = redis::pipe()
                    .atomic()
                    .cmd("SET")
                    .arg(&redis_key)
                    .arg(0)
                    .arg("EX")
                    .arg(window_secs)
                    .arg("NX")
                    .incr(&redis_key, 1u32)
                    .ttl(&redis_key)
                    .query_async(&mut connection)
                    .await;
                match result {
                    Ok(((), count, ttl)) => (count, u64::try_from(ttl).unwrap_or(window_secs).max(1)),
                    Err(error) => {
                        tracing::warn!(%error, "límite de solicitudes sin Redis: se deja pasar");
                        return Ok(());
                    }
                }
            }
            Self::Memory(counts) => {
                let mut counts = counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let now = Instant::now();
                if counts.len() >= MEMORY_CAPACITY {
                    counts.retain(|_, (opened, _)| now.duration_since(*opened) < window);
                }
                let entry = counts.entry(key.to_owned()).or_insert((now, 0));
                if now.duration_since(entry.0) >= window {
                    *entry = (now, 0);
                }
                entry.1 = entry.1.saturating_add(1);
                let elapsed = now.duration_since(entry.0).as_secs();
                (entry.1, window_secs.saturating_sub(elapsed).max(1))
            }
        };
        if count > limit {
            Err(RetryAfter(remaining))
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_limit_counts_per_key_and_refuses_with_a_retry_hint() {
        let limiter = RateLimiter::Memory(Arc::default());
        let window = Duration::from_secs(3_600);
        for _ in 0..3 {
            assert!(limiter.hit("a", 3, window).await.is_ok());
        }
        let RetryAfter(seconds) = limiter.hit("a", 3, window).await.unwrap_err();
        assert!((1..=3_600).contains(&seconds));
        assert!(limiter.hit("b", 3, window).await.is_ok(), "another key has its own count");
    }
}
