//! The sessions this instance has recently verified, so that a signed-in
//! request does not read its token and its user from the database every time.
//!
//! Why it stays correct: every write that can end a session (logout, a
//! revoked token, a deactivated user) adds a `session` event to the outbox in
//! its own transaction. This instance forgets everything at once when it made
//! the write, and every instance's outbox tail forgets everything when it
//! applies such an event (within its poll, 200 ms, or sooner when Redis
//! announces the commit). An entry also lives at most `MAX_AGE`, and the
//! token's own expiry is checked on every use.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};

use crate::authorisation::AuthUser;

/// How long a verified session is trusted without reading it again, should
/// an event ever be missed (the outbox makes that a database edited by hand).
const MAX_AGE: Duration = Duration::from_secs(60);
/// Sessions kept at most; past it the cache starts over (a burst of new
/// tokens cannot grow an instance's memory without bound).
const MAX_ENTRIES: usize = 50_000;

#[derive(Clone)]
struct Verified {
    user: AuthUser,
    expires_at: Option<DateTime<Utc>>,
    verified_at: Instant,
}

/// Verified sessions by the hash of their token (never the token itself).
#[derive(Clone, Default)]
pub struct SessionCache(Arc<RwLock<HashMap<String, Verified>>>);

impl SessionCache {
    /// The user of a token verified recently, if it is still valid now.
    pub fn get(&self, token_hash: &str, now: DateTime<Utc>) -> Option<AuthUser> {
        let sessions = self.0.read().ok()?;
        let verified = sessions.get(token_hash)?;
        let fresh = verified.verified_at.elapsed() < MAX_AGE;
        let unexpired = verified.expires_at.is_none_or(|expires| expires > now);
        (fresh && unexpired).then(|| verified.user.clone())
    }

    pub fn insert(&self, token_hash: String, user: AuthUser, expires_at: Option<DateTime<Utc>>) {
        if let Ok(mut sessions) = self.0.write() {
            if sessions.len() >= MAX_ENTRIES {
                sessions.clear();
            }
            sessions.insert(token_hash, Verified { user, expires_at, verified_at: Instant::now() });
        }
    }

    /// Forgets every session: one may have ended.
    pub fn forget_all(&self) {
        if let Ok(mut sessions) = self.0.write() {
            sessions.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authorisation::Role;

    fn user() -> AuthUser {
        AuthUser {
            id: uuid::Uuid::nil(),
            email: "a@b.co".into(),
            name: "A".into(),
            role: Role::Territorial,
            entity_code: Some("05001".into()),
            organisation_code: None,
            token_id: uuid::Uuid::nil(),
        }
    }

    #[test]
    fn a_session_is_served_until_it_expires_or_is_forgotten() {
        let cache = SessionCache::default();
        let now = Utc::now();
        cache.insert("h".into(), user(), Some(now + chrono::Duration::minutes(5)));
        assert_eq!(cache.get("h", now), Some(user()));
        assert_eq!(cache.get("otro", now), None);
        assert_eq!(
            cache.get("h", now + chrono::Duration::minutes(6)),
            None,
            "an expired token is not served"
        );
        cache.forget_all();
        assert_eq!(cache.get("h", now), None);
    }
}
