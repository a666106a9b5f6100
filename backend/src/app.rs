//! The server: the state bound to its listener, serving the HTTP routes.
//! Tests build it on port 0.

use std::{future::Future, net::SocketAddr};

use tokio::net::TcpListener;

use crate::{
    config::Settings,
    http,
    state::{AppState, StartError},
};

/// A started server: bound, not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        let address = settings.listen;
        let state = AppState::initialise(settings).await?;
        let listener =
            TcpListener::bind(address).await.map_err(|source| StartError::Bind { address, source })?;
        Ok(Self { listener, state })
    }

    /// The address actually bound (the real port when 0 was asked).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| self.state.settings.listen)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let router = http::router(self.state);
        axum::serve(self.listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await
    }
}
