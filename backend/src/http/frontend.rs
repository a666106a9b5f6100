//! The Spanish web interface, embedded in the binary: no build step, no files to deploy.

use axum::{
    http::header::{CACHE_CONTROL, CONTENT_TYPE},
    response::IntoResponse,
    routing::get,
    Router,
};

use crate::app::AppState;

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset {
        path: "/",
        content_type: "text/html; charset=utf-8",
        body: include_str!("../../../frontend/index.html"),
    },
    Asset {
        path: "/app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../../frontend/app.js"),
    },
    Asset {
        path: "/style.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../../frontend/style.css"),
    },
];

pub fn router() -> Router<AppState> {
    ASSETS.iter().fold(Router::new(), |router, asset| {
        router.route(
            asset.path,
            get(move || async move {
                // Short cache: a slow connection reuses the page, a new release shows within minutes.
                ([(CONTENT_TYPE, asset.content_type), (CACHE_CONTROL, "public, max-age=300")], asset.body)
                    .into_response()
            }),
        )
    })
}
