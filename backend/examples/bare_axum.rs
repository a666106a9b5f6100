//! The ceiling of the load comparisons (`backend/benches/load/compare.sh`):
//! axum answering every POST to /graphql with a fixed JSON body, no GraphQL,
//! no database. `cargo run --release --example bare_axum -- 18090`.

use axum::{routing::post, Json, Router};
use serde_json::json;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let port: u16 = std::env::args().nth(1).as_deref().unwrap_or("18090").parse()?;
    let app = Router::new()
        .route("/graphql", post(|| async { Json(json!({ "data": { "__typename": "Query" } })) }));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
