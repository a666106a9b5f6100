//! The one error type of the services, and its single mapping to the GraphQL
//! error codes of the contract.
//!
//! Rule per layer: services return `ServiceError`; resolvers convert it with
//! `?` into an `ApiError`, which becomes a GraphQL error with `extensions.code`
//! and a Spanish message. Internal causes are logged once, here, and never shown.

use async_graphql::ErrorExtensions;

/// The codes of the contract (`extensions.code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    RateLimited,
    QueryTooComplex,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Conflict => "CONFLICT",
            Self::RateLimited => "RATE_LIMITED",
            Self::QueryTooComplex => "QUERY_TOO_COMPLEX",
            Self::Internal => "INTERNAL",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// BAD_USER_INPUT: the message says what is wrong and how to fix it.
    #[error("{0}")]
    Invalid(String),
    /// NOT_FOUND
    #[error("{0}")]
    NotFound(String),
    /// CONFLICT
    #[error("{0}")]
    Conflict(String),
    /// UNAUTHENTICATED: no valid credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// FORBIDDEN
    #[error("no tiene permiso para {0}")]
    Forbidden(&'static str),
    /// RATE_LIMITED: the caller may retry after this many seconds.
    #[error("demasiadas solicitudes: intente de nuevo en {0} segundos")]
    RateLimited(u64),
    /// INTERNAL: logged when mapped, never shown.
    #[error("error interno del servidor")]
    Internal(#[source] anyhow::Error),
}

impl ServiceError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    /// An anonymous caller asked for something that needs a session.
    pub fn sign_in_required(action: &str) -> Self {
        Self::Unauthenticated(format!("debe iniciar sesión para {action}"))
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid(_) => ErrorCode::BadUserInput,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::RateLimited(_) => ErrorCode::RateLimited,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Internal(error.into())
    }
}

/// A GraphQL error with a code of the contract and a Spanish message.
pub fn graphql_error(code: ErrorCode, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message.into()).extend_with(|_, ext| ext.set("code", code.as_str()))
}

/// What resolvers return: every service error becomes a coded GraphQL error
/// through `?`, so no resolver can forget the code.
#[derive(Clone)]
pub struct ApiError(async_graphql::Error);

pub type ApiResult<T> = Result<T, ApiError>;

impl From<&ServiceError> for ApiError {
    fn from(error: &ServiceError) -> Self {
        if let ServiceError::Internal(cause) = error {
            tracing::error!(error = ?cause, "error interno");
        }
        let mut graphql = graphql_error(error.code(), error.to_string());
        if let ServiceError::RateLimited(seconds) = error {
            graphql = graphql.extend_with(|_, ext| ext.set("retryAfter", *seconds));
        }
        ApiError(graphql)
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        Self::from(&error)
    }
}

/// DataLoaders share one error among every key of a batch.
impl From<std::sync::Arc<ServiceError>> for ApiError {
    fn from(error: std::sync::Arc<ServiceError>) -> Self {
        Self::from(error.as_ref())
    }
}

/// Only missing schema data (a wiring mistake) reaches resolvers as a raw
/// async-graphql error: it is internal, logged, and never shown.
impl From<async_graphql::Error> for ApiError {
    fn from(error: async_graphql::Error) -> Self {
        tracing::error!(error = %error.message, "error interno de GraphQL");
        ApiError(graphql_error(ErrorCode::Internal, "error interno del servidor"))
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        error.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(error: ServiceError) -> Option<String> {
        let graphql: async_graphql::Error = ApiError::from(error).into();
        let extensions = graphql.extensions.expect("every error carries extensions");
        match extensions.get("code") {
            Some(async_graphql::Value::String(code)) => Some(code.clone()),
            _ => None,
        }
    }

    #[test]
    fn each_service_error_maps_to_its_contract_code() {
        assert_eq!(code_of(ServiceError::invalid("x")).as_deref(), Some("BAD_USER_INPUT"));
        assert_eq!(code_of(ServiceError::NotFound("x".into())).as_deref(), Some("NOT_FOUND"));
        assert_eq!(code_of(ServiceError::Forbidden("x")).as_deref(), Some("FORBIDDEN"));
        assert_eq!(code_of(ServiceError::sign_in_required("x")).as_deref(), Some("UNAUTHENTICATED"));
        assert_eq!(code_of(ServiceError::Conflict("x".into())).as_deref(), Some("CONFLICT"));
    }

    #[test]
    fn internal_causes_are_never_shown() {
        let error = ServiceError::Internal(anyhow::anyhow!("password=secret in connection string"));
        let graphql: async_graphql::Error = ApiError::from(error).into();
        assert_eq!(graphql.message, "error interno del servidor");
    }
}
