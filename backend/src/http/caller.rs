//! Who is calling: the bearer token's user (or nobody), and whether the caller
//! is still within its request rate.

use std::{net::SocketAddr, time::Duration};

use axum::http::{header::AUTHORIZATION, HeaderMap, StatusCode};

use crate::{
    access::resolvers::ClientAddress,
    authorisation::Actor,
    error::{ErrorCode, ServiceError},
    rate_limit::RetryAfter,
    state::AppState,
};

pub struct Caller {
    pub actor: Actor,
    pub client: ClientAddress,
}

/// Why a request is refused before GraphQL runs.
pub struct Refusal {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl Refusal {
    fn unauthenticated(message: String) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: ErrorCode::Unauthenticated,
            message,
            retry_after: None,
        }
    }
}

pub async fn identify(state: &AppState, headers: &HeaderMap, address: SocketAddr) -> Result<Caller, Refusal> {
    let client = ClientAddress(address.ip().to_string());
    let actor = match headers.get(AUTHORIZATION) {
        None => Actor::Anonymous,
        Some(value) => {
            let token = value
                .to_str()
                .ok()
                .and_then(|value| value.split_once(' '))
                .filter(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
                .map(|(_, token)| token.trim().to_owned())
                .ok_or_else(|| {
                    Refusal::unauthenticated(
                        "la cabecera Authorization debe tener la forma «Bearer <token>»".into(),
                    )
                })?;
            match state.access.authenticate(&token).await {
                Ok(actor) => actor,
                Err(ServiceError::Unauthenticated(message)) => return Err(Refusal::unauthenticated(message)),
                Err(error) if error.is_unavailable() => {
                    tracing::warn!(%error, "no se pudo verificar el token: base de datos no disponible");
                    return Err(Refusal {
                        status: StatusCode::SERVICE_UNAVAILABLE,
                        code: ErrorCode::Unavailable,
                        message: error.public_message(),
                        retry_after: None,
                    });
                }
                Err(error) => {
                    tracing::error!(%error, cause = ?error, "no se pudo verificar el token");
                    return Err(Refusal {
                        status: StatusCode::INTERNAL_SERVER_ERROR,
                        code: ErrorCode::Internal,
                        message: "error interno del servidor".into(),
                        retry_after: None,
                    });
                }
            }
        }
    };
    let limits = &state.settings.limits;
    let (key, limit) = match &actor {
        Actor::User(user) => (format!("req:token:{}", user.token_id), limits.requests_per_minute),
        Actor::Anonymous => (format!("req:ip:{}", client.0), limits.anonymous_requests_per_minute),
    };
    if let Err(RetryAfter(seconds)) = state.limiter.hit(&key, limit, Duration::from_secs(60)).await {
        return Err(Refusal {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: ErrorCode::RateLimited,
            message: format!("demasiadas solicitudes: el límite es {limit} por minuto; intente de nuevo en {seconds} segundos"),
            retry_after: Some(seconds),
        });
    }
    Ok(Caller { actor, client })
}
