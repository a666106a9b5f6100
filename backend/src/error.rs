//! The one error type of the services, and its single mapping to the error
//! codes of the contract: for GraphQL and for the plain HTTP routes alike.
//!
//! Rule per layer: services return `ServiceError`; resolvers convert it with
//! `?` into an `ApiError`, which becomes a GraphQL error with `extensions.code`
//! and a Spanish message; a plain HTTP route returns it as its response (the
//! status from the code, the same message). Internal causes are logged once,
//! here, and never shown.

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
    /// The database cannot be reached: the client may retry shortly.
    Unavailable,
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
            Self::Unavailable => "UNAVAILABLE",
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
    /// FORBIDDEN, naming what is out of the caller's reach (a value about another entity).
    #[error("{0}")]
    Denied(String),
    /// RATE_LIMITED: the caller may retry after this many seconds.
    #[error("demasiadas solicitudes: intente de nuevo en {0} segundos")]
    RateLimited(u64),
    /// INTERNAL: logged when mapped, never shown; UNAVAILABLE when the cause
    /// is a database that cannot be reached (`is_unavailable`).
    #[error("error interno del servidor")]
    Internal(#[source] anyhow::Error),
}

/// What a client is told while the database cannot be reached.
pub const UNAVAILABLE_MESSAGE: &str =
    "la base de datos no está disponible en este momento: intente de nuevo en unos segundos";

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
            Self::Forbidden(_) | Self::Denied(_) => ErrorCode::Forbidden,
            Self::RateLimited(_) => ErrorCode::RateLimited,
            Self::Internal(_) if self.is_unavailable() => ErrorCode::Unavailable,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The database could not be reached (down, restarting, or no connection
    /// free in time): nothing is wrong with the request, it may be retried.
    pub fn is_unavailable(&self) -> bool {
        match self {
            // Services wrap database errors with `?` or in context: look through the chain.
            Self::Internal(cause) => cause
                .chain()
                .filter_map(|source| source.downcast_ref::<sea_orm::DbErr>())
                .any(is_connection_failure),
            _ => false,
        }
    }

    /// The HTTP status of a plain route that fails with this error.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self.code() {
            ErrorCode::BadUserInput | ErrorCode::QueryTooComplex => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Logs the cause of an internal error where it leaves the services, the
    /// one rule for GraphQL and plain HTTP: a database out of reach is a
    /// warning, anything else internal an error; a user's mistake is not logged.
    fn log(&self) {
        if let ServiceError::Internal(cause) = self {
            if self.is_unavailable() {
                tracing::warn!(error = %cause, "base de datos no disponible");
            } else {
                tracing::error!(error = ?cause, "error interno");
            }
        }
    }

    /// The Spanish message a client sees for this error.
    pub fn public_message(&self) -> String {
        if self.is_unavailable() {
            UNAVAILABLE_MESSAGE.to_owned()
        } else {
            self.to_string()
        }
    }
}

/// Whether a database error means the connection, not the statement, failed.
fn is_connection_failure(error: &sea_orm::DbErr) -> bool {
    use sea_orm::{sqlx, DbErr, RuntimeErr};
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => match error
        {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            // SQLSTATE class 08 (connection exception) and the server shutting down or starting.
            sqlx::Error::Database(error) => error
                .code()
                .is_some_and(|code| code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")),
            _ => false,
        },
        _ => false,
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
        error.log();
        let mut graphql = graphql_error(error.code(), error.public_message());
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

/// A plain HTTP route's failure: the status from the code, the code and the
/// Spanish message as text (what a person opening the link reads).
impl axum::response::IntoResponse for ServiceError {
    fn into_response(self) -> axum::response::Response {
        use axum::http::header;
        self.log();
        let body = format!("{}: {}", self.code().as_str(), self.public_message());
        let mut response =
            (self.status(), [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response();
        if let ServiceError::RateLimited(seconds) = self {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
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
    fn a_database_out_of_reach_is_unavailable_not_internal() {
        for cause in [
            sea_orm::DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout),
            sea_orm::DbErr::Query(sea_orm::RuntimeErr::SqlxError(sea_orm::sqlx::Error::Io(
                std::io::Error::from(std::io::ErrorKind::ConnectionReset),
            ))),
        ] {
            let error = ServiceError::from(cause);
            assert_eq!(error.code(), ErrorCode::Unavailable);
            let graphql: async_graphql::Error = ApiError::from(error).into();
            assert!(graphql.message.contains("no está disponible"), "{}", graphql.message);
        }
        let statement = ServiceError::from(sea_orm::DbErr::Query(sea_orm::RuntimeErr::Internal("x".into())));
        assert_eq!(statement.code(), ErrorCode::Internal, "a failed statement stays internal");
        let wrapped = ServiceError::Internal(
            anyhow::Error::from(sea_orm::DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout))
                .context("leyendo el registro de cambios"),
        );
        assert_eq!(wrapped.code(), ErrorCode::Unavailable, "found through the context");
    }

    #[test]
    fn plain_routes_answer_the_status_of_the_code() {
        use axum::{http::StatusCode, response::IntoResponse};
        assert_eq!(ServiceError::NotFound("x".into()).into_response().status(), StatusCode::NOT_FOUND);
        assert_eq!(ServiceError::Forbidden("x").into_response().status(), StatusCode::FORBIDDEN);
        assert_eq!(ServiceError::invalid("x").into_response().status(), StatusCode::BAD_REQUEST);
        let limited = ServiceError::RateLimited(7).into_response();
        assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(limited.headers()["retry-after"], "7");
        let internal = ServiceError::Internal(anyhow::anyhow!("secreto")).into_response();
        assert_eq!(internal.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn internal_causes_are_never_shown() {
        let error = ServiceError::Internal(anyhow::anyhow!("password=secret in connection string"));
        let graphql: async_graphql::Error = ApiError::from(error).into();
        assert_eq!(graphql.message, "error interno del servidor");
    }
}
