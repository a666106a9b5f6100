//! Formation's plain HTTP page: `/certificados/{código}`, the public,
//! printable verification of a certificate (name, module, hours, date,
//! issuer). A code that is not one issued answers 404 with the same words
//! whatever it was: the page never tells whether a code ever existed.

use axum::{
    extract::{Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};

use super::FormationService;
use crate::{error::ServiceError, text::escape_html as html};

/// The route, ready to merge into the server's router (whatever its state).
pub fn router<S: Clone + Send + Sync + 'static>(formation: FormationService) -> Router<S> {
    Router::new().route("/certificados/{code}", get(verification)).with_state(formation)
}

async fn verification(
    State(formation): State<FormationService>,
    Path(code): Path<String>,
) -> Result<Response, ServiceError> {
    let Some(found) = formation.certificate(&code).await? else {
        let body = page(
            "Certificado no encontrado",
            "<h1>Certificado no encontrado</h1>\n<p>No hay un certificado de SUGIT con ese código. Revise que lo haya escrito completo, con la forma CERT-XXXX-XXXX.</p>",
        );
        return Ok((StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body)
            .into_response());
    };
    let hours = if found.hours.fract() == 0.0 {
        format!("{:.0}", found.hours)
    } else {
        format!("{:.1}", found.hours)
    };
    let content = format!(
        r#"<p>{issuer}</p>
<h1>Certificado de formación</h1>
<p>Certifica que <strong>{name}</strong> aprobó el módulo de formación <strong>«{title}»</strong>, con una intensidad de {hours} horas.</p>
<p><strong>Fecha de emisión:</strong> {date}<br><strong>Emitido por:</strong> {issuer}<br><strong>Código de verificación:</strong> {code}</p>
<p>Este certificado es válido: su código consta en el Sistema Único de Gestión e Información Territorial (SUGIT).</p>"#,
        issuer = html(&found.issuer_name),
        name = html(&found.learner_name),
        title = html(&found.module_title),
        date = found.issued_on.format("%Y-%m-%d"),
        code = html(&found.code),
    );
    let body = page(&format!("Certificado {}", found.code), &content);
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

fn page(title: &str, content: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/convocatoria.css">
</head>
<body>
{content}
<footer>Verificación pública de certificados de SUGIT.</footer>
</body>
</html>
"#,
        title = html(title),
    )
}
