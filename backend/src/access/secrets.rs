//! Password hashing (Argon2id) and bearer tokens (random, stored as SHA-256).
//! Hashing is CPU-bound: it runs on the blocking pool, never on the runtime.

use std::sync::OnceLock;

use argon2::{
    password_hash::{
        rand_core::OsRng, rand_core::RngCore, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
    },
    Argon2,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use sha2::{Digest, Sha256};

use crate::error::ServiceError;

/// Prefix that makes a leaked SUGIT token recognisable to secret scanners.
pub const TOKEN_PREFIX: &str = "sgt_";

pub async fn hash_password(password: String) -> Result<String, ServiceError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| ServiceError::Internal(anyhow::anyhow!("argon2: {error}")))
    })
    .await
    .map_err(|error| ServiceError::Internal(error.into()))?
}

/// Verifies `password` against `stored`, or against a dummy hash when there is
/// no user, so an unknown e-mail costs the same time as a wrong password.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    let outcome = tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&hash) else { return false };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && known
    })
    .await;
    outcome.unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"sin usuario: solo iguala el tiempo de respuesta", &salt)
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    })
}

/// A new bearer token: 256 random bits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// A temporary password an administrator passes on: 16 characters without
/// the ones people misread (0/O, 1/l/I), about 90 bits.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    crate::text::hex(&digest)
}

#[cfg(test)]
mod tests {
    #[test]
    fn temporary_passwords_are_long_unambiguous_and_different() {
        let first = super::temporary_password();
        assert_eq!(first.chars().count(), 16);
        assert!(first.chars().all(|c| c.is_ascii_alphanumeric() && !"0O1lI".contains(c)), "{first}");
        assert_ne!(first, super::temporary_password());
    }

    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("una frase larga de paso".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("una frase larga de paso".into(), Some(hash.clone())).await);
        assert!(!verify_password("otra frase larga de paso".into(), Some(hash)).await);
        assert!(!verify_password("cualquier cosa".into(), None).await, "no user never verifies");
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() > 40);
        assert_eq!(token_hash(&a).len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
    }
}
