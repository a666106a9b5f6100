//! `/comision/sesiones/{id}/convocatoria`: the convocation of a session with
//! its agenda, as a page to print or attach (decree art. 2.2.11.4.8, num. 1–2).

use axum::{
    extract::{Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use uuid::Uuid;

use crate::{app::AppState, commission::model::SessionKind};

/// Escapes text for HTML content and attributes.
fn html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

pub async fn page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "No existe esa sesión").into_response();
    let Ok(id) = Uuid::parse_str(&id) else { return not_found() };
    let session = match state.commission.session(id).await {
        Ok(Some(session)) => session,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(%error, "no se pudo leer la sesión");
            return (StatusCode::INTERNAL_SERVER_ERROR, "error interno del servidor").into_response();
        }
    };
    let participants = state.commission.participants().await.unwrap_or_default();
    let kind = match session.kind {
        SessionKind::Ordinary => "ordinaria",
        SessionKind::Extraordinary => "extraordinaria",
    };
    let cited: Vec<Uuid> = session.agenda.iter().flat_map(|item| item.documents.iter().copied()).collect();
    let documents = if cited.is_empty() {
        Default::default()
    } else {
        state.knowledge.find_many(&cited).await.unwrap_or_default()
    };
    let agenda: String = session
        .agenda
        .iter()
        .map(|item| {
            let listed: String = item
                .documents
                .iter()
                .filter_map(|id| documents.get(id))
                .filter(|product| product.archived_at.is_none())
                .map(|product| match &product.source_url {
                    Some(url) => format!("<li><a href=\"{}\">{}</a></li>", html(url), html(&product.title)),
                    None => format!("<li>{}</li>", html(&product.title)),
                })
                .collect();
            let listed =
                if listed.is_empty() { listed } else { format!("<ul class=\"documentos\">{listed}</ul>") };
            format!(
                "<li>{} <span class=\"quien\">— {}</span>{listed}</li>",
                html(&item.title),
                html(&item.presenter)
            )
        })
        .collect();
    let invited: String = participants
        .iter()
        .map(|p| {
            let role = if p.role == crate::commission::model::ParticipantRole::Member {
                "miembro con voto"
            } else {
                "invitado especial, con voz y sin voto"
            };
            format!("<li>{} ({role})</li>", html(&p.organisation_code))
        })
        .collect();
    let guests = if session.guest_requests.is_empty() {
        "<p>La secretaría técnica no presenta solicitudes de invitados especiales para esta sesión.</p>"
            .to_owned()
    } else {
        let items: String = session
            .guest_requests
            .iter()
            .map(|guest| {
                let from =
                    guest.organisation.as_deref().map(|o| format!(", {}", html(o))).unwrap_or_default();
                format!("<li>{}{from}: {} (voz, sin voto)</li>", html(&guest.name), html(&guest.reason))
            })
            .collect();
        format!("<ul>{items}</ul>")
    };
    let body = format!(
        r#"<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<title>Convocatoria a sesión {kind}</title>
<link rel="stylesheet" href="/convocatoria.css">
</head>
<body>
<p>Secretaría Técnica — Departamento Administrativo de la Función Pública</p>
<h1>Convocatoria a sesión {kind} de la Comisión Intersectorial para la Cooperación y Asistencia Técnica Territorial</h1>
<p><strong>Fecha y hora:</strong> {date} (UTC)<br><strong>Lugar o enlace:</strong> {place}</p>
<h2>Agenda</h2>
<ol>{agenda}</ol>
<h2>Convocados</h2>
<ul>{invited}</ul>
<h2>Solicitudes de invitados especiales</h2>
{guests}
<p>La sesión requiere la presencia de la mitad más uno de los miembros con voto (decreto, art. 2.2.11.4.6);
las decisiones se adoptan por mayoría simple de los miembros presentes.</p>
<footer>Generado por SUGIT. Sesión {id}.</footer>
</body>
</html>
"#,
        date = session.scheduled_at.format("%Y-%m-%d %H:%M"),
        place = html(&session.place),
        id = session.id,
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::html;

    #[test]
    fn user_text_cannot_inject_markup() {
        assert_eq!(
            html("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }
}
