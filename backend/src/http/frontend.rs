//! The Spanish web interface, embedded in the binary: no build step, no files to deploy.
//! The page's ES modules and the named GraphQL operations it sends (`schema/operations`,
//! served under `/operaciones/`) are compiled in, so a release carries one consistent set.

use std::hash::{Hash, Hasher};

use axum::{
    http::{
        header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH},
        HeaderMap, HeaderValue, StatusCode,
    },
    response::IntoResponse,
    routing::get,
    Router,
};

use crate::state::AppState;

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const HTML: &str = "text/html; charset=utf-8";
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const GRAPHQL: &str = "application/graphql; charset=utf-8";

/// `asset!("/url", "path from the workspace root", content type)`.
macro_rules! asset {
    ($path:literal, $file:literal, $content_type:expr) => {
        Asset { path: $path, content_type: $content_type, body: include_str!(concat!("../../../", $file)) }
    };
}

const ASSETS: &[Asset] = &[
    asset!("/", "frontend/index.html", HTML),
    asset!("/style.css", "frontend/style.css", CSS),
    asset!("/convocatoria.css", "frontend/convocatoria.css", CSS),
    asset!("/app.js", "frontend/app.js", JAVASCRIPT),
    asset!("/api.js", "frontend/api.js", JAVASCRIPT),
    asset!("/session.js", "frontend/session.js", JAVASCRIPT),
    asset!("/dom.js", "frontend/dom.js", JAVASCRIPT),
    asset!("/labels.js", "frontend/labels.js", JAVASCRIPT),
    asset!("/chart.js", "frontend/chart.js", JAVASCRIPT),
    asset!("/facets.js", "frontend/facets.js", JAVASCRIPT),
    asset!("/markdown.js", "frontend/markdown.js", JAVASCRIPT),
    asset!("/live.js", "frontend/live.js", JAVASCRIPT),
    asset!("/pages/inicio.js", "frontend/pages/inicio.js", JAVASCRIPT),
    asset!("/pages/ingresar.js", "frontend/pages/ingresar.js", JAVASCRIPT),
    asset!("/pages/entidades.js", "frontend/pages/entidades.js", JAVASCRIPT),
    asset!("/pages/conocimiento.js", "frontend/pages/conocimiento.js", JAVASCRIPT),
    asset!("/pages/conocimiento-carga.js", "frontend/pages/conocimiento-carga.js", JAVASCRIPT),
    asset!("/pages/oferta.js", "frontend/pages/oferta.js", JAVASCRIPT),
    asset!("/pages/oferta-propias.js", "frontend/pages/oferta-propias.js", JAVASCRIPT),
    asset!("/pages/oferta-gestion.js", "frontend/pages/oferta-gestion.js", JAVASCRIPT),
    asset!("/pages/mi-entidad.js", "frontend/pages/mi-entidad.js", JAVASCRIPT),
    asset!("/pages/requerimientos-propios.js", "frontend/pages/requerimientos-propios.js", JAVASCRIPT),
    asset!("/pages/territorio.js", "frontend/pages/territorio.js", JAVASCRIPT),
    asset!("/pages/territorio-conflictos.js", "frontend/pages/territorio-conflictos.js", JAVASCRIPT),
    asset!("/pages/territorio-demandas.js", "frontend/pages/territorio-demandas.js", JAVASCRIPT),
    asset!("/pages/territorio-departamento.js", "frontend/pages/territorio-departamento.js", JAVASCRIPT),
    asset!("/pages/consulta.js", "frontend/pages/consulta.js", JAVASCRIPT),
    asset!("/pages/oferta-cobertura.js", "frontend/pages/oferta-cobertura.js", JAVASCRIPT),
    asset!("/pages/comision.js", "frontend/pages/comision.js", JAVASCRIPT),
    asset!("/pages/comision-compromisos.js", "frontend/pages/comision-compromisos.js", JAVASCRIPT),
    asset!("/pages/comision-secretaria.js", "frontend/pages/comision-secretaria.js", JAVASCRIPT),
    asset!("/pages/comision-sesion.js", "frontend/pages/comision-sesion.js", JAVASCRIPT),
    asset!("/pages/comision-reglamento.js", "frontend/pages/comision-reglamento.js", JAVASCRIPT),
    asset!("/pages/comision-voto.js", "frontend/pages/comision-voto.js", JAVASCRIPT),
    asset!("/pages/monitoreo.js", "frontend/pages/monitoreo.js", JAVASCRIPT),
    asset!("/pages/monitoreo-mapa.js", "frontend/pages/monitoreo-mapa.js", JAVASCRIPT),
    asset!("/pages/vitrina.js", "frontend/pages/vitrina.js", JAVASCRIPT),
    asset!("/pages/vitrina-persona.js", "frontend/pages/vitrina-persona.js", JAVASCRIPT),
    asset!("/pages/formacion-mentores.js", "frontend/pages/formacion-mentores.js", JAVASCRIPT),
    asset!("/pages/vitrina-entidad.js", "frontend/pages/vitrina-entidad.js", JAVASCRIPT),
    asset!("/pages/formacion.js", "frontend/pages/formacion.js", JAVASCRIPT),
    asset!("/pages/clasificacion.js", "frontend/pages/clasificacion.js", JAVASCRIPT),
    asset!("/pages/clasificacion-importar.js", "frontend/pages/clasificacion-importar.js", JAVASCRIPT),
    asset!("/operaciones/access.graphql", "schema/operations/access.graphql", GRAPHQL),
    asset!("/operaciones/assistance.graphql", "schema/operations/assistance.graphql", GRAPHQL),
    asset!("/operaciones/consultation.graphql", "schema/operations/consultation.graphql", GRAPHQL),
    asset!("/operaciones/classification.graphql", "schema/operations/classification.graphql", GRAPHQL),
    asset!("/operaciones/commission.graphql", "schema/operations/commission.graphql", GRAPHQL),
    asset!("/operaciones/knowledge.graphql", "schema/operations/knowledge.graphql", GRAPHQL),
    asset!("/operaciones/monitoring.graphql", "schema/operations/monitoring.graphql", GRAPHQL),
    asset!("/operaciones/formation.graphql", "schema/operations/formation.graphql", GRAPHQL),
    asset!("/operaciones/reporting.graphql", "schema/operations/reporting.graphql", GRAPHQL),
    asset!("/operaciones/search.graphql", "schema/operations/search.graphql", GRAPHQL),
    asset!("/operaciones/talent.graphql", "schema/operations/talent.graphql", GRAPHQL),
    asset!("/operaciones/territory.graphql", "schema/operations/territory.graphql", GRAPHQL),
];

/// A validator of the content: the browser revalidates every time and gets a 304 when
/// nothing changed, cheap on a slow link and never a mix of two releases' modules.
fn etag(body: &str) -> HeaderValue {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    HeaderValue::from_str(&format!("\"{:016x}\"", hasher.finish()))
        .unwrap_or(HeaderValue::from_static("\"0\""))
}

pub fn router() -> Router<AppState> {
    ASSETS.iter().fold(Router::new(), |router, asset| {
        let tag = etag(asset.body);
        router.route(
            asset.path,
            get(move |headers: HeaderMap| async move {
                let fresh = headers.get(IF_NONE_MATCH).is_some_and(|seen| seen.as_bytes() == tag.as_bytes());
                let headers = [
                    (CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
                    (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                    (ETAG, tag),
                ];
                if fresh {
                    (StatusCode::NOT_MODIFIED, headers).into_response()
                } else {
                    (headers, asset.body).into_response()
                }
            }),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_the_page_imports_is_served() {
        let served: Vec<&str> = ASSETS.iter().map(|asset| asset.path).collect();
        for asset in ASSETS.iter().filter(|asset| asset.content_type == JAVASCRIPT) {
            let folder = asset.path.rsplit_once('/').map_or("", |(folder, _)| folder);
            for line in asset.body.lines().filter(|line| line.starts_with("import ")) {
                let Some(target) = line.split('"').nth(1) else { continue };
                let resolved = match target.strip_prefix("../") {
                    Some(rest) => format!("/{rest}"),
                    None => format!("{folder}/{}", target.trim_start_matches("./")),
                };
                assert!(
                    served.contains(&resolved.as_str()),
                    "{} imports {target}, which is not served",
                    asset.path
                );
            }
        }
    }
}
