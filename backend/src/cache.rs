//! A small JSON cache: Redis when configured (shared by every instance),
//! an in-process map otherwise.
//!
//! The cache is never the source of truth: a Redis failure is logged and
//! treated as a miss, so an unreachable Redis slows reads but loses nothing.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use redis::{
    aio::{ConnectionManager, ConnectionManagerConfig},
    AsyncCommands,
};
use serde::{de::DeserializeOwned, Serialize};

/// Past this many entries the in-process cache drops its expired ones, then all.
const MEMORY_CAPACITY: usize = 10_000;

#[derive(Clone)]
pub enum Cache {
    Redis { connection: ConnectionManager, prefix: String },
    Memory(Arc<Mutex<HashMap<String, (Instant, String)>>>),
}

impl Cache {
    pub fn in_memory() -> Self {
        Self::Memory(Arc::default())
    }

    /// Connects to Redis and checks it answers, so a wrong URL fails at start.
    pub async fn connect_redis(url: &str, prefix: &str) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        // A Redis that is down must cost a request one quick attempt, not the
        // default backoff (six retries, ~6 s per command, ~30 s per request):
        // every command tries to reconnect once, so Redis is used again as soon as it is back.
        let config = ConnectionManagerConfig::new()
            .set_number_of_retries(0)
            .set_connection_timeout(Some(Duration::from_millis(500)))
            .set_response_timeout(Some(Duration::from_millis(500)));
        let mut connection = ConnectionManager::new_with_config(client, config).await?;
        let _: String = redis::cmd("PING").query_async(&mut connection).await?;
        Ok(Self::Redis { connection, prefix: prefix.to_owned() })
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Redis { .. } => "redis",
            Self::Memory(_) => "memoria",
        }
    }

    /// The full key as stored (Redis keys carry the deployment's prefix).
    pub fn full_key(&self, key: &str) -> String {
        match self {
            Self::Redis { prefix, .. } => format!("{prefix}{key}"),
            Self::Memory(_) => key.to_owned(),
        }
    }

    pub async fn get_json<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let raw = match self {
            Self::Redis { connection, .. } => {
                let mut connection = connection.clone();
                match connection.get::<_, Option<String>>(self.full_key(key)).await {
                    Ok(raw) => raw,
                    Err(error) => {
                        tracing::warn!(%error, key, "caché Redis no disponible: se lee de la base de datos");
                        None
                    }
                }
            }
            Self::Memory(map) => {
                let map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                map.get(key).filter(|(expires, _)| *expires > Instant::now()).map(|(_, raw)| raw.clone())
            }
        }?;
        serde_json::from_str(&raw).ok()
    }

    pub async fn set_json<T: Serialize>(&self, key: &str, value: &T, ttl: Duration) {
        let Ok(raw) = serde_json::to_string(value) else { return };
        match self {
            Self::Redis { connection, .. } => {
                let mut connection = connection.clone();
                let result: Result<(), _> =
                    connection.set_ex(self.full_key(key), raw, ttl.as_secs().max(1)).await;
                if let Err(error) = result {
                    tracing::warn!(%error, key, "no se pudo escribir en la caché Redis");
                }
            }
            Self::Memory(_) => self.set_raw(key, raw, ttl),
        }
    }

    /// Keeps `raw` in the in-process map (a no-op on Redis, whose callers write themselves).
    pub fn set_raw(&self, key: &str, raw: String, ttl: Duration) {
        if let Self::Memory(map) = self {
            let mut map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let now = Instant::now();
            if map.len() >= MEMORY_CAPACITY {
                map.retain(|_, (expires, _)| *expires > now);
                if map.len() >= MEMORY_CAPACITY {
                    map.clear();
                }
            }
            map.insert(key.to_owned(), (now + ttl, raw));
        }
    }

    /// Forgets keys whose source changed (one round trip on Redis).
    pub async fn delete_many(&self, keys: &[String]) {
        if keys.is_empty() {
            return;
        }
        match self {
            Self::Redis { connection, .. } => {
                let mut connection = connection.clone();
                let full: Vec<String> = keys.iter().map(|key| self.full_key(key)).collect();
                let result: Result<(), _> = connection.del(full).await;
                if let Err(error) = result {
                    tracing::warn!(%error, "no se pudieron borrar claves de la caché Redis");
                }
            }
            Self::Memory(map) => {
                let mut map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                for key in keys {
                    map.remove(key);
                }
            }
        }
    }

    /// Readiness: Redis must answer; the in-process cache always does.
    pub async fn ping(&self) -> Result<(), String> {
        match self {
            Self::Redis { connection, .. } => {
                let mut connection = connection.clone();
                redis::cmd("PING")
                    .query_async::<String>(&mut connection)
                    .await
                    .map(|_| ())
                    .map_err(|error| error.to_string())
            }
            Self::Memory(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_cache_returns_what_was_stored_until_it_expires() {
        let cache = Cache::in_memory();
        cache.set_json("k", &vec![1, 2, 3], Duration::from_secs(60)).await;
        assert_eq!(cache.get_json::<Vec<i32>>("k").await, Some(vec![1, 2, 3]));
        cache.set_json("short", &"x", Duration::from_millis(0)).await;
        assert_eq!(cache.get_json::<String>("short").await, None);
        assert_eq!(cache.get_json::<String>("missing").await, None);
    }
}
